/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small, bounds-checked X.509 DER reader: just the facts ccesec reports.
 * Pure logic (GLib + libgcrypt), no epan dependency.
 *
 * Memory: a ccesec_cert is one fixed-size struct (every string in it is capped) plus a
 * reference to the certificate's subjectAltName bytes, which it does not own. A certificate
 * may carry any number of SAN entries (CUCM cluster certificates list every node); all of
 * them count when a name is matched and all can be listed, by walking those bytes on demand
 * (ccesec_san_iter) instead of copying the names. So the cost per unique certificate is the
 * struct plus the SAN extension as it is on the wire, and nothing grows per packet.
 */
#ifndef CCESEC_X509_H
#define CCESEC_X509_H

#include <glib.h>

G_BEGIN_DECLS

#define CCESEC_NAME_MAX   128 /* bytes kept of one name, including the NUL */
#define CCESEC_SAN_MAX    4   /* SAN entries kept as text per kind: the first ones */
#define CCESEC_DNS_MAX    256 /* bytes of one SAN name as the iterator gives it: any DNS name */
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
    /* The first SAN entries of each kind as text, for callers that want a short list. Every
     * entry, these and the rest, comes from ccesec_san_iter. */
    char san_dns[CCESEC_SAN_MAX][CCESEC_NAME_MAX];
    guint n_san_dns;                 /* entries stored (<= CCESEC_SAN_MAX) */
    guint n_san_dns_total;           /* dNSNames present in the certificate */
    char san_ip[CCESEC_SAN_MAX][48]; /* textual IPv4/IPv6 */
    guint n_san_ip;
    guint n_san_ip_total; /* iPAddresses present in the certificate */
    /* The contents of the subjectAltName's GeneralNames, inside the DER given to
     * ccesec_x509_parse: NOT owned. Whoever keeps the cert keeps these bytes alive (or points
     * san_names at its own copy of them). NULL when the certificate has no SAN extension,
     * or for a cert filled in by hand: then the entries above are all there is. */
    const guint8 *san_names;
    gsize san_names_len;
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
 * der[0..len). cert->san_names points into der (see above). */
ccesec_x509_result ccesec_x509_parse(const guint8 *der, gsize len, ccesec_cert *cert);

/* SHA-256 of data, with libgcrypt. */
void ccesec_sha256(const guint8 *data, gsize len, guint8 out[CCESEC_SHA256_LEN]);
/* "ab:cd:..." lowercase with colons into buf (at least 96 bytes). */
void ccesec_sha256_to_text(const guint8 digest[CCESEC_SHA256_LEN], char *buf, gsize buf_len);
/* A fingerprint as people paste it: 64 hex digits, any case, with ':', '-' or white space
 * anywhere between them. TRUE with out filled; FALSE with *bad the first byte that is none of
 * these (0 when only the number of digits is wrong) and *digits the hex digits counted.
 * bad and digits may be NULL. */
gboolean ccesec_sha256_from_text(const char *text, guint8 out[CCESEC_SHA256_LEN], char *bad,
                                 gsize *digits);

/* TRUE when the certificate carries name (RFC 6125):
 * - a host name matches any SAN dNSName, however many there are, case-insensitively (one
 *   trailing dot ignored); the CN counts only when the certificate has no SAN dNSName;
 * - a wildcard is only a whole left-most label "*" over at least two more labels:
 *   "*.example.com" matches "a.example.com", not "example.com" nor "a.b.example.com";
 *   "f*.example.com" and "*.com" match nothing but themselves typed as the name;
 * - an IP address (IPv4 or IPv6 text) matches a SAN iPAddress of the same bytes, or a
 *   dNSName/CN that is that same text (what CUCM and CUBE compare), never a wildcard.
 * A name cut short on storing or reading never matches. */
gboolean ccesec_cert_matches_name(const ccesec_cert *cert, const char *name);

/* ---- Every SAN entry, walked from cert->san_names on demand ---- */

typedef enum { CCESEC_SAN_DNS, CCESEC_SAN_IP } ccesec_san_kind;

typedef struct {
    ccesec_san_kind kind;
    /* A dNSName's bytes (a NUL byte shown as '?'), or the address in RFC 5952 text. */
    char text[CCESEC_DNS_MAX];
    gboolean truncated; /* a dNSName longer than the buffer: shown cut, never matched */
} ccesec_san;

typedef struct {
    const ccesec_cert *cert;
    const guint8 *next; /* the GeneralNames not read yet */
    gsize left;
    guint kept; /* without san_names: entries of the kept text returned so far */
} ccesec_san_iter;

void ccesec_san_iter_init(ccesec_san_iter *iter, const ccesec_cert *cert);
/* The next dNSName or iPAddress entry in certificate order (other kinds are skipped);
 * FALSE at the end. */
gboolean ccesec_san_iter_next(ccesec_san_iter *iter, ccesec_san *out);

/* "YYYY-MM-DD HH:MM:SS UTC" into buf (at least 32 bytes). */
void ccesec_time_to_text(gint64 unix_seconds, char *buf, gsize buf_len);

G_END_DECLS

#endif
