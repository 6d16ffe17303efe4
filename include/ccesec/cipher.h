/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TLS versions and cipher suites: names and how strong they are. Pure logic. */
#ifndef CCESEC_CIPHER_H
#define CCESEC_CIPHER_H

#include <glib.h>

G_BEGIN_DECLS

#define CCESEC_TLS10 0x0301
#define CCESEC_TLS11 0x0302
#define CCESEC_TLS12 0x0303
#define CCESEC_TLS13 0x0304
#define CCESEC_SSL30 0x0300

/* "SSL 3.0", "TLS 1.0" .. "TLS 1.3", "TLS 1.3 draft N" (0x7fNN); NULL when unknown. */
const char *ccesec_tls_version_name(guint16 version);
/* Comparable rank of a version (draft 1.3 counts as 1.3); 0 when unknown. */
guint ccesec_tls_version_rank(guint16 version);

/* IANA name, e.g. "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"; NULL when not in the table. */
const char *ccesec_cipher_name(guint16 suite);

/* Properties derived from the IANA name. */
enum {
    CCESEC_CIPHER_NULL_ENC = 1u << 0, /* no encryption: _WITH_NULL_ (CUCM "Authenticated") */
    CCESEC_CIPHER_ANON = 1u << 1,     /* no authentication: _anon_ */
    CCESEC_CIPHER_EXPORT = 1u << 2,
    CCESEC_CIPHER_RC4 = 1u << 3,
    CCESEC_CIPHER_DES = 1u << 4,      /* DES, 3DES, DES40 */
    CCESEC_CIPHER_MD5 = 1u << 5,      /* MD5 MAC */
    CCESEC_CIPHER_RSA_KEX = 1u << 6,  /* RSA key transport: no forward secrecy */
    CCESEC_CIPHER_CBC_SHA1 = 1u << 7, /* CBC mode with HMAC-SHA1 */
    CCESEC_CIPHER_UNKNOWN = 1u << 8   /* not in the table */
};
guint ccesec_cipher_flags(guint16 suite);
/* Weak = no encryption, anonymous, export, RC4, DES/3DES or MD5; with strict policy also
 * RSA key transport and CBC-SHA1. */
gboolean ccesec_cipher_is_weak(guint16 suite, gboolean strict);
/* Legacy = RSA key transport or CBC-SHA1 (a note under the default policy). */
gboolean ccesec_cipher_is_legacy(guint16 suite);
/* One short phrase for the weakest property: "no encryption (NULL cipher)", "anonymous
 * (no authentication)", "export-grade", "RC4", "DES/3DES", "MD5 MAC", "RSA key transport
 * (no forward secrecy)", "CBC with HMAC-SHA1"; NULL when none applies. */
const char *ccesec_cipher_weakness(guint16 suite, gboolean strict);

/* TLS alert description names as in RFC 8446/5246 ("unknown_ca", "bad_certificate",
 * "certificate_unknown", ...); NULL when unknown. */
const char *ccesec_alert_name(guint8 description);

G_END_DECLS

#endif
