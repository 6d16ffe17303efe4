/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness of the X.509 reader: any bytes go in, nothing may read outside them,
 * and whatever the parser stored must be safe to hand to the helpers the plugin calls.
 */
#include "ccesec/x509.h"

#include <string.h>

static void check_helpers(const ccesec_cert *cert)
{
    char text[96];
    ccesec_time_to_text(cert->not_before, text, sizeof text);
    ccesec_time_to_text(cert->not_after, text, sizeof text);
    ccesec_sha256_to_text(cert->sha256, text, sizeof text);
    /* Every stored name must be NUL-terminated inside its buffer. */
    if (memchr(cert->subject_cn, '\0', sizeof cert->subject_cn) == NULL ||
        memchr(cert->issuer_cn, '\0', sizeof cert->issuer_cn) == NULL ||
        memchr(cert->sig_alg, '\0', sizeof cert->sig_alg) == NULL ||
        cert->n_san_dns > CCESEC_SAN_MAX || cert->n_san_ip > CCESEC_SAN_MAX ||
        cert->n_san_dns > cert->n_san_dns_total || cert->n_san_ip > cert->n_san_ip_total) {
        __builtin_trap();
    }
    (void)ccesec_cert_matches_name(cert, "cvp.dcloud.cisco.com");
    (void)ccesec_cert_matches_name(cert, cert->subject_cn);
    (void)ccesec_cert_matches_name(cert, "198.18.133.3");
    /* Every SAN entry, walked from the DER, must be a terminated string inside its buffer. */
    ccesec_san_iter iter;
    ccesec_san san;
    ccesec_san_iter_init(&iter, cert);
    while (ccesec_san_iter_next(&iter, &san)) {
        if (memchr(san.text, '\0', sizeof san.text) == NULL) {
            __builtin_trap();
        }
        (void)ccesec_cert_matches_name(cert, san.text);
    }
}

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
    ccesec_cert cert;
    (void)ccesec_x509_parse(data, size, &cert);
    check_helpers(&cert);
    return 0;
}
