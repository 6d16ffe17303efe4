/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small, bounds-checked X.509 DER reader: just the facts ccesec reports.
 * Pure logic (GLib + libgcrypt), no epan dependency. Every string is capped, so a
 * certificate of any size costs the same fixed memory.
 */
#ifndef CCESEC_X509_H
#define CCESEC_X509_H

#include <glib.h>

G_BEGIN_DECLS

#define CCESEC_NAME_MAX   128 /* bytes kept of one name, including the NUL */
#define CCESEC_SAN_MAX    4   /* SAN entries kept per kind */
#define CCESEC_SHA256_LEN 32

typedef enum {
    CCESEC_KEY_UNKNOWN = 0,
    CCESEC_KEY_RSA,
    CCESEC_KEY_EC,
    CCESEC_KEY_ED25519,
    CCESEC_KEY_ED448,
    CCESEC_KEY_DSA
} ccesec_key_type;

typedef enum {
    CCESEC_HASH_UNKNOWN = 0,
    CCESEC_HASH_MD5,
    CCESEC_HASH_SHA1,
    CCESEC_HASH_SHA224,
    CCESEC_HASH_SHA256,
    CCESEC_HASH_SHA384,
    CCESEC_HASH_SHA512,
    CCESEC_HASH_NONE /* EdDSA: hash is intrinsic */
} ccesec_sig_hash;

typedef struct {
    /* Names are raw bytes from the certificate made NUL-terminated and cut at
     * CCESEC_NAME_MAX-1; a name cut short has its *_truncated flag set. Callers escape them
     * before display (they come off the wire). Empty string = absent. */
    char subject_cn[CCESEC_NAME_MAX];
    char issuer_cn[CCESEC_NAME_MAX];
    char san_dns[CCESEC_SAN_MAX][CCESEC_NAME_MAX];
    guint n_san_dns;                 /* entries stored (<= CCESEC_SAN_MAX) */
    guint n_san_dns_total;           /* entries present in the certificate */
    char san_ip[CCESEC_SAN_MAX][48]; /* textual IPv4/IPv6 */
    guint n_san_ip;
    gboolean subject_cn_truncated;
    gint64 not_before; /* seconds since the Unix epoch, UTC */
    gint64 not_after;
    gboolean self_signed; /* subject Name DER equals issuer Name DER */
    ccesec_key_type key_type;
    guint key_bits; /* RSA modulus bits, EC field bits (256 for P-256) */
    ccesec_sig_hash sig_hash;
    char sig_alg[48]; /* "sha256WithRSAEncryption", "ecdsa-with-SHA256", or dotted OID */
    guint8 sha256[CCESEC_SHA256_LEN]; /* fingerprint of the whole DER */
} ccesec_cert;

typedef enum {
    CCESEC_X509_OK = 0,
    CCESEC_X509_TRUNCATED, /* a length runs past the end of the buffer */
    CCESEC_X509_MALFORMED, /* not the DER structure of a certificate */
    CCESEC_X509_TOO_DEEP   /* nesting beyond the parser's limit */
} ccesec_x509_result;

/* Parse one DER certificate. On any result other than OK, *cert holds whatever was read
 * before the problem (fingerprint always computed when len > 0). Never reads outside
 * der[0..len). */
ccesec_x509_result ccesec_x509_parse(const guint8 *der, gsize len, ccesec_cert *cert);
const char *ccesec_x509_result_text(ccesec_x509_result result);

/* SHA-256 of data, with libgcrypt. */
void ccesec_sha256(const guint8 *data, gsize len, guint8 out[CCESEC_SHA256_LEN]);
/* "ab:cd:..." lowercase with colons into buf (at least 96 bytes). */
void ccesec_sha256_to_text(const guint8 digest[CCESEC_SHA256_LEN], char *buf, gsize buf_len);

/* TRUE when name equals (case-insensitively) the CN or any SAN dNSName, honouring one
 * leading "*." wildcard label in the certificate. */
gboolean ccesec_cert_matches_name(const ccesec_cert *cert, const char *name);

/* "YYYY-MM-DD HH:MM:SS UTC" into buf (at least 32 bytes). */
void ccesec_time_to_text(gint64 unix_seconds, char *buf, gsize buf_len);

G_END_DECLS

#endif
