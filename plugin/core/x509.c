/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * X.509 certificate reader: the facts ccesec reports (names, validity, key, signature
 * algorithm, fingerprint), read with the bounds-checked DER reader of x509_der.c.
 * Certificate layout (RFC 5280):
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 *   TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
 *       validity, subject, subjectPublicKeyInfo, [1] [2] unique IDs, [3] extensions }
 */
#include "ccesec/x509.h"
#include "text_buf.h"
#include "x509_der.h"

#include <arpa/inet.h>
#include <gcrypt.h>
#include <string.h>

/* ---------------------------------------------------------------- text output */

/* NUL would end the C string early (hiding what follows it, a classic spoofing trick). */
static void sink_put_byte(text_buf *sink, guint8 byte)
{
    char c = byte == 0 ? '?' : (char)byte;
    text_buf_put_n(sink, &c, 1);
}

static void sink_put_codepoint(text_buf *sink, gunichar cp)
{
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        text_buf_put_n(sink, "?", 1);
        return;
    }
    char utf8[6];
    gint n = g_unichar_to_utf8(cp, utf8);
    text_buf_put_n(sink, utf8, (gsize)n);
}

/* Length of the UTF-8 sequence starting at p when well-formed, else 1 (copy the byte raw). */
static gsize utf8_unit_length(const guint8 *p, gsize left)
{
    gsize want = p[0] >= 0xf0 && p[0] <= 0xf4   ? 4
                 : p[0] >= 0xe0 && p[0] <= 0xef ? 3
                 : p[0] >= 0xc2 && p[0] <= 0xdf ? 2
                                                : 1;
    if (want > left) {
        return 1;
    }
    for (gsize i = 1; i < want; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 1;
        }
    }
    return want;
}

static void copy_raw_string(text_buf *sink, der_span s)
{
    for (gsize i = 0; i < s.len && !sink->truncated; i++) {
        sink_put_byte(sink, s.data[i]);
    }
}

static void copy_utf8_string(text_buf *sink, der_span s)
{
    gsize i = 0;
    while (i < s.len && !sink->truncated) {
        gsize n = utf8_unit_length(s.data + i, s.len - i);
        if (n == 1) {
            sink_put_byte(sink, s.data[i]);
        } else {
            text_buf_put_n(sink, (const char *)s.data + i, n);
        }
        i += n;
    }
}

/* BMPString is UTF-16 big-endian (UCS-2 in the standard; surrogate pairs accepted). */
static void copy_bmp_string(text_buf *sink, der_span s)
{
    gsize i = 0;
    while (i + 1 < s.len && !sink->truncated) {
        gunichar unit = ((gunichar)s.data[i] << 8) | s.data[i + 1];
        i += 2;
        if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < s.len) {
            gunichar low = ((gunichar)s.data[i] << 8) | s.data[i + 1];
            if (low >= 0xdc00 && low <= 0xdfff) {
                unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                i += 2;
            }
        }
        sink_put_codepoint(sink, unit);
    }
    if (i < s.len) {
        text_buf_put_n(sink, "?", 1); /* odd trailing byte */
    }
}

/* UniversalString is UCS-4 big-endian. */
static void copy_universal_string(text_buf *sink, der_span s)
{
    gsize i = 0;
    for (; i + 3 < s.len && !sink->truncated; i += 4) {
        gunichar cp = ((gunichar)s.data[i] << 24) | ((gunichar)s.data[i + 1] << 16) |
                      ((gunichar)s.data[i + 2] << 8) | s.data[i + 3];
        sink_put_codepoint(sink, cp);
    }
    if (i < s.len) {
        text_buf_put_n(sink, "?", 1);
    }
}

/* Any DirectoryString (and the IA5/Visible/Numeric strings some CAs put in names) as
 * UTF-8; the 8-bit types are copied raw, as the header promises. */
static void copy_directory_string(text_buf *sink, const der_tlv *value)
{
    switch (value->tag) {
    case DER_BMP_STRING:
        copy_bmp_string(sink, value->value);
        break;
    case DER_UNIVERSAL_STRING:
        copy_universal_string(sink, value->value);
        break;
    case DER_UTF8_STRING:
        copy_utf8_string(sink, value->value);
        break;
    default:
        copy_raw_string(sink, value->value);
        break;
    }
}

static gboolean is_string_tag(guint8 tag)
{
    switch (tag) {
    case DER_UTF8_STRING:
    case 0x12: /* NumericString */
    case 0x13: /* PrintableString */
    case 0x14: /* T61String */
    case 0x16: /* IA5String */
    case 0x1a: /* VisibleString */
    case DER_UNIVERSAL_STRING:
    case DER_BMP_STRING:
        return TRUE;
    default:
        return FALSE;
    }
}

/* ---------------------------------------------------------------- names */

/* Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }. The last commonName wins:
 * it is the most specific one, the one TLS stacks that still look at the CN check. */
static gboolean read_name_cn(der_span name, char *out, gsize out_size, gboolean *truncated)
{
    text_buf sink;
    text_buf_init(&sink, out, out_size);
    while (name.len > 0) {
        der_tlv rdn;
        if (!ccesec_der_expect(&name, DER_SET, &rdn)) {
            return FALSE;
        }
        while (rdn.value.len > 0) {
            der_tlv attribute, type, value;
            if (!ccesec_der_expect(&rdn.value, DER_SEQUENCE, &attribute) ||
                !ccesec_der_expect(&attribute.value, DER_OID, &type) ||
                ccesec_der_next(&attribute.value, &value) != CCESEC_X509_OK) {
                return FALSE;
            }
            if (ccesec_der_oid_is(type.value, "2.5.4.3") && is_string_tag(value.tag)) {
                text_buf_init(&sink, out, out_size);
                copy_directory_string(&sink, &value);
            }
        }
    }
    if (truncated != NULL) {
        *truncated = sink.truncated;
    }
    return TRUE;
}

/* ---------------------------------------------------------------- time */

static gint64 floor_div(gint64 a, gint64 b)
{
    gint64 q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static gboolean is_leap_year(gint64 year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static guint days_in_month(gint64 year, guint month)
{
    static const guint days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

/* Leap years in [1, year], extended to year <= 0 by floor division. */
static gint64 leap_years_through(gint64 year)
{
    return floor_div(year, 4) - floor_div(year, 100) + floor_div(year, 400);
}

/* Days from 1970-01-01 to January 1st of year. */
static gint64 days_before_year(gint64 year)
{
    return 365 * (year - 1970) + leap_years_through(year - 1) - leap_years_through(1969);
}

static gint64 days_before_month(gint64 year, guint month)
{
    gint64 days = 0;
    for (guint m = 1; m < month; m++) {
        days += days_in_month(year, m);
    }
    return days;
}

static gboolean read_digits(const guint8 *p, guint n, guint *value)
{
    *value = 0;
    for (guint i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return FALSE;
        }
        *value = *value * 10 + (p[i] - '0');
    }
    return TRUE;
}

/* UTCTime "YYMMDDHHMMSSZ" (YY < 50 is 20YY, RFC 5280) or GeneralizedTime
 * "YYYYMMDDHHMMSSZ"; DER requires the seconds and the Z, so nothing else is accepted. */
static gboolean read_time(const der_tlv *time, gint64 *unix_seconds)
{
    const guint8 *p = time->value.data;
    guint year, month, day, hour, minute, second;
    guint year_digits;
    if (time->tag == DER_UTC_TIME && time->value.len == 13) {
        year_digits = 2;
    } else if (time->tag == DER_GENERALIZED_TIME && time->value.len == 15) {
        year_digits = 4;
    } else {
        return FALSE;
    }
    if (!read_digits(p, year_digits, &year) || !read_digits(p + year_digits, 2, &month) ||
        !read_digits(p + year_digits + 2, 2, &day) || !read_digits(p + year_digits + 4, 2, &hour) ||
        !read_digits(p + year_digits + 6, 2, &minute) ||
        !read_digits(p + year_digits + 8, 2, &second) || p[year_digits + 10] != 'Z') {
        return FALSE;
    }
    if (year_digits == 2) {
        year += year < 50 ? 2000 : 1900;
    }
    /* Second 60 is a leap second; it reads as the next minute's first. */
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
        minute > 59 || second > 60) {
        return FALSE;
    }
    gint64 days = days_before_year(year) + days_before_month(year, month) + (day - 1);
    *unix_seconds = days * 86400 + hour * 3600 + minute * 60 + second;
    return TRUE;
}

static gboolean read_validity(der_span validity, ccesec_cert *cert)
{
    der_tlv not_before, not_after;
    return ccesec_der_next(&validity, &not_before) == CCESEC_X509_OK &&
           read_time(&not_before, &cert->not_before) &&
           ccesec_der_next(&validity, &not_after) == CCESEC_X509_OK &&
           read_time(&not_after, &cert->not_after) && validity.len == 0;
}

/* ---------------------------------------------------------------- public key */

/* Bits of a big-endian unsigned INTEGER, sign padding and leading zeros ignored. */
static guint integer_bits(der_span integer)
{
    while (integer.len > 0 && integer.data[0] == 0) {
        integer.data++;
        integer.len--;
    }
    if (integer.len == 0 || integer.len > G_MAXUINT / 8) {
        return 0;
    }
    guint bits = (guint)(integer.len - 1) * 8;
    for (guint8 top = integer.data[0]; top != 0; top >>= 1) {
        bits++;
    }
    return bits;
}

/* The key BIT STRING holds RSAPublicKey ::= SEQUENCE { modulus INTEGER, exponent }. */
static guint rsa_modulus_bits(der_span key_bits)
{
    der_tlv key, modulus;
    if (key_bits.len < 1 || key_bits.data[0] != 0) {
        return 0; /* unused-bits count must be 0 for a DER-encoded key */
    }
    key_bits.data++;
    key_bits.len--;
    if (!ccesec_der_expect(&key_bits, DER_SEQUENCE, &key) ||
        !ccesec_der_expect(&key.value, DER_INTEGER, &modulus)) {
        return 0;
    }
    return integer_bits(modulus.value);
}

/* Dss-Parms ::= SEQUENCE { p, q, g }: the key size is that of p. */
static guint dsa_prime_bits(der_span params)
{
    der_tlv sequence, prime;
    if (!ccesec_der_expect(&params, DER_SEQUENCE, &sequence) ||
        !ccesec_der_expect(&sequence.value, DER_INTEGER, &prime)) {
        return 0;
    }
    return integer_bits(prime.value);
}

typedef struct {
    const char *oid;
    guint bits;
} named_curve;

static const named_curve curves[] = {
    {"1.2.840.10045.3.1.7", 256},   /* P-256 (prime256v1) */
    {"1.3.132.0.34", 384},          /* P-384 */
    {"1.3.132.0.35", 521},          /* P-521 */
    {"1.3.132.0.33", 224},          /* P-224 */
    {"1.3.132.0.10", 256},          /* secp256k1 */
    {"1.3.36.3.3.2.8.1.1.7", 256},  /* brainpoolP256r1 */
    {"1.3.36.3.3.2.8.1.1.11", 384}, /* brainpoolP384r1 */
    {"1.3.36.3.3.2.8.1.1.13", 512}, /* brainpoolP512r1 */
};

static guint ec_curve_bits(der_span params)
{
    der_tlv curve;
    if (!ccesec_der_expect(&params, DER_OID, &curve)) {
        return 0; /* explicit curve parameters: not worth decoding */
    }
    for (gsize i = 0; i < G_N_ELEMENTS(curves); i++) {
        if (ccesec_der_oid_is(curve.value, curves[i].oid)) {
            return curves[i].bits;
        }
    }
    return 0;
}

/* SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, key BIT STRING }.
 * A key whose contents cannot be read leaves key_bits 0 but does not fail the certificate:
 * its type is still worth reporting. */
static gboolean read_public_key(der_span spki, ccesec_cert *cert)
{
    der_tlv algorithm, oid, key;
    if (!ccesec_der_expect(&spki, DER_SEQUENCE, &algorithm) ||
        !ccesec_der_expect(&algorithm.value, DER_OID, &oid) ||
        !ccesec_der_expect(&spki, DER_BIT_STRING, &key)) {
        return FALSE;
    }
    der_span params = algorithm.value;
    if (ccesec_der_oid_is(oid.value, "1.2.840.113549.1.1.1") ||
        ccesec_der_oid_is(oid.value, "1.2.840.113549.1.1.10")) {
        cert->key_type = CCESEC_KEY_RSA;
        cert->key_bits = rsa_modulus_bits(key.value);
    } else if (ccesec_der_oid_is(oid.value, "1.2.840.10045.2.1")) {
        cert->key_type = CCESEC_KEY_EC;
        cert->key_bits = ec_curve_bits(params);
    } else if (ccesec_der_oid_is(oid.value, "1.3.101.112")) {
        cert->key_type = CCESEC_KEY_ED25519;
        cert->key_bits = 256;
    } else if (ccesec_der_oid_is(oid.value, "1.3.101.113")) {
        cert->key_type = CCESEC_KEY_ED448;
        cert->key_bits = 456;
    } else if (ccesec_der_oid_is(oid.value, "1.2.840.10040.4.1")) {
        cert->key_type = CCESEC_KEY_DSA;
        cert->key_bits = dsa_prime_bits(params);
    }
    return TRUE;
}

/* ---------------------------------------------------------------- signature algorithm */

typedef struct {
    const char *oid;
    const char *name;
    ccesec_sig_hash hash;
} signature_algorithm;

static const signature_algorithm signature_algorithms[] = {
    {"1.2.840.113549.1.1.4", "md5WithRSAEncryption", CCESEC_HASH_MD5},
    {"1.2.840.113549.1.1.5", "sha1WithRSAEncryption", CCESEC_HASH_SHA1},
    {"1.2.840.113549.1.1.14", "sha224WithRSAEncryption", CCESEC_HASH_SHA224},
    {"1.2.840.113549.1.1.11", "sha256WithRSAEncryption", CCESEC_HASH_SHA256},
    {"1.2.840.113549.1.1.12", "sha384WithRSAEncryption", CCESEC_HASH_SHA384},
    {"1.2.840.113549.1.1.13", "sha512WithRSAEncryption", CCESEC_HASH_SHA512},
    {"1.2.840.10045.4.1", "ecdsa-with-SHA1", CCESEC_HASH_SHA1},
    {"1.2.840.10045.4.3.1", "ecdsa-with-SHA224", CCESEC_HASH_SHA224},
    {"1.2.840.10045.4.3.2", "ecdsa-with-SHA256", CCESEC_HASH_SHA256},
    {"1.2.840.10045.4.3.3", "ecdsa-with-SHA384", CCESEC_HASH_SHA384},
    {"1.2.840.10045.4.3.4", "ecdsa-with-SHA512", CCESEC_HASH_SHA512},
    {"1.3.101.112", "Ed25519", CCESEC_HASH_NONE},
    {"1.3.101.113", "Ed448", CCESEC_HASH_NONE},
    {"1.2.840.10040.4.3", "dsa-with-SHA1", CCESEC_HASH_SHA1},
    {"2.16.840.1.101.3.4.3.2", "dsa-with-SHA256", CCESEC_HASH_SHA256},
};

typedef struct {
    const char *oid;
    ccesec_sig_hash hash;
} hash_algorithm;

static const hash_algorithm hash_algorithms[] = {
    {"1.2.840.113549.2.5", CCESEC_HASH_MD5},        {"1.3.14.3.2.26", CCESEC_HASH_SHA1},
    {"2.16.840.1.101.3.4.2.4", CCESEC_HASH_SHA224}, {"2.16.840.1.101.3.4.2.1", CCESEC_HASH_SHA256},
    {"2.16.840.1.101.3.4.2.2", CCESEC_HASH_SHA384}, {"2.16.840.1.101.3.4.2.3", CCESEC_HASH_SHA512},
};

static ccesec_sig_hash hash_of_oid(der_span oid)
{
    for (gsize i = 0; i < G_N_ELEMENTS(hash_algorithms); i++) {
        if (ccesec_der_oid_is(oid, hash_algorithms[i].oid)) {
            return hash_algorithms[i].hash;
        }
    }
    return CCESEC_HASH_UNKNOWN;
}

/* RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1, ...}
 * (RFC 4055). Without parameters at all the hash is not known, and guessing would hide a
 * weak one. */
static ccesec_sig_hash pss_hash(der_span params)
{
    der_tlv sequence, explicit_hash, algorithm, oid;
    if (!ccesec_der_expect(&params, DER_SEQUENCE, &sequence)) {
        return CCESEC_HASH_UNKNOWN;
    }
    if (!ccesec_der_expect(&sequence.value, DER_CONTEXT_0, &explicit_hash)) {
        return CCESEC_HASH_SHA1;
    }
    if (!ccesec_der_expect(&explicit_hash.value, DER_SEQUENCE, &algorithm) ||
        !ccesec_der_expect(&algorithm.value, DER_OID, &oid)) {
        return CCESEC_HASH_UNKNOWN;
    }
    return hash_of_oid(oid.value);
}

static gboolean read_signature_algorithm(der_span algorithm, ccesec_cert *cert)
{
    der_tlv oid;
    if (!ccesec_der_expect(&algorithm, DER_OID, &oid)) {
        return FALSE;
    }
    if (ccesec_der_oid_is(oid.value, "1.2.840.113549.1.1.10")) {
        g_strlcpy(cert->sig_alg, "rsassaPss", sizeof cert->sig_alg);
        cert->sig_hash = pss_hash(algorithm);
        return TRUE;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(signature_algorithms); i++) {
        if (ccesec_der_oid_is(oid.value, signature_algorithms[i].oid)) {
            g_strlcpy(cert->sig_alg, signature_algorithms[i].name, sizeof cert->sig_alg);
            cert->sig_hash = signature_algorithms[i].hash;
            return TRUE;
        }
    }
    cert->sig_hash = CCESEC_HASH_UNKNOWN;
    return ccesec_der_oid_to_text(oid.value, cert->sig_alg, sizeof cert->sig_alg);
}

/* ---------------------------------------------------------------- subjectAltName */

static void ipv4_to_text(const guint8 *a, char *buf, gsize buf_len)
{
    g_snprintf(buf, buf_len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* RFC 5952 form: lowercase, the longest run of two or more zero groups as "::". */
static void ipv6_to_text(const guint8 *a, char *buf, gsize buf_len)
{
    guint groups[8];
    gint best_start = -1, best_len = 0;
    for (gint i = 0; i < 8; i++) {
        groups[i] = ((guint)a[2 * i] << 8) | a[2 * i + 1];
    }
    for (gint i = 0; i < 8;) {
        gint run = 0;
        while (i + run < 8 && groups[i + run] == 0) {
            run++;
        }
        if (run > best_len && run >= 2) {
            best_start = i;
            best_len = run;
        }
        i += run > 0 ? run : 1;
    }
    gsize pos = 0;
    buf[0] = '\0';
    for (gint i = 0; i < 8 && pos < buf_len; i++) {
        if (i == best_start) {
            pos += (gsize)g_snprintf(buf + pos, buf_len - pos, "::");
            i += best_len - 1;
            continue;
        }
        gboolean after_gap = best_start >= 0 && i == best_start + best_len;
        const char *separator = (i == 0 || after_gap) ? "" : ":";
        pos += (gsize)g_snprintf(buf + pos, buf_len - pos, "%s%x", separator, groups[i]);
    }
}

/* One GeneralName as a ccesec_san: dNSName is [2] IA5String, iPAddress [7] OCTET STRING of
 * 4 or 16 bytes (8 or 32 are name-constraint masks, not addresses). FALSE for other kinds. */
static gboolean san_from_general_name(const der_tlv *name, ccesec_san *out)
{
    text_buf text;
    if (name->tag == 0x82) {
        out->kind = CCESEC_SAN_DNS;
        text_buf_init(&text, out->text, sizeof out->text);
        copy_raw_string(&text, name->value);
        out->truncated = text.truncated;
        return TRUE;
    }
    out->kind = CCESEC_SAN_IP;
    out->truncated = FALSE;
    if (name->tag == 0x87 && name->value.len == 4) {
        ipv4_to_text(name->value.data, out->text, sizeof out->text);
        return TRUE;
    }
    if (name->tag == 0x87 && name->value.len == 16) {
        ipv6_to_text(name->value.data, out->text, sizeof out->text);
        return TRUE;
    }
    return FALSE;
}

/* The first entries of each kind are also kept as text (cut between characters). */
static void keep_san(ccesec_cert *cert, const ccesec_san *san)
{
    text_buf text;
    if (san->kind == CCESEC_SAN_DNS) {
        cert->n_san_dns_total++;
        if (cert->n_san_dns >= CCESEC_SAN_MAX) {
            return;
        }
        text_buf_init(&text, cert->san_dns[cert->n_san_dns++], CCESEC_NAME_MAX);
    } else {
        cert->n_san_ip_total++;
        if (cert->n_san_ip >= CCESEC_SAN_MAX) {
            return;
        }
        text_buf_init(&text, cert->san_ip[cert->n_san_ip++], sizeof cert->san_ip[0]);
    }
    text_buf_put(&text, san->text);
}

/* GeneralNames ::= SEQUENCE OF GeneralName. The walk is checked whole here, so the on-demand
 * walks of ccesec_san_iter read only what parsed once. */
static gboolean read_subject_alt_name(der_span extension_value, ccesec_cert *cert)
{
    der_tlv names;
    if (cert->san_names != NULL) {
        return TRUE; /* a second subjectAltName (RFC 5280 forbids it): the first one counts */
    }
    if (!ccesec_der_expect(&extension_value, DER_SEQUENCE, &names)) {
        return FALSE;
    }
    der_span rest = names.value;
    while (rest.len > 0) {
        der_tlv name;
        ccesec_san san;
        if (ccesec_der_next(&rest, &name) != CCESEC_X509_OK) {
            return FALSE;
        }
        if (san_from_general_name(&name, &san)) {
            keep_san(cert, &san);
        }
    }
    cert->san_names = names.value.data;
    cert->san_names_len = names.value.len;
    return TRUE;
}

void ccesec_san_iter_init(ccesec_san_iter *iter, const ccesec_cert *cert)
{
    memset(iter, 0, sizeof *iter);
    iter->cert = cert;
    if (cert != NULL) {
        iter->next = cert->san_names;
        iter->left = cert->san_names != NULL ? cert->san_names_len : 0;
    }
}

/* A cert without san_names (filled in by hand): its kept text, dNSNames first. */
static gboolean next_kept_san(ccesec_san_iter *iter, ccesec_san *out)
{
    const ccesec_cert *cert = iter->cert;
    guint i = iter->kept++;
    const char *text;
    if (i < MIN(cert->n_san_dns, CCESEC_SAN_MAX)) {
        out->kind = CCESEC_SAN_DNS;
        text = cert->san_dns[i];
    } else if (i - cert->n_san_dns < MIN(cert->n_san_ip, CCESEC_SAN_MAX)) {
        out->kind = CCESEC_SAN_IP;
        text = cert->san_ip[i - cert->n_san_dns];
    } else {
        return FALSE;
    }
    out->truncated = FALSE;
    g_strlcpy(out->text, text, sizeof out->text);
    return TRUE;
}

gboolean ccesec_san_iter_next(ccesec_san_iter *iter, ccesec_san *out)
{
    if (iter->cert == NULL) {
        return FALSE;
    }
    if (iter->cert->san_names == NULL) {
        return next_kept_san(iter, out);
    }
    der_span rest = {iter->next, iter->left};
    while (rest.len > 0) {
        der_tlv name;
        if (ccesec_der_next(&rest, &name) != CCESEC_X509_OK) {
            break;
        }
        iter->next = rest.data;
        iter->left = rest.len;
        if (san_from_general_name(&name, out)) {
            return TRUE;
        }
    }
    iter->left = 0;
    return FALSE;
}

/* Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET
 * STRING }. */
static gboolean read_extensions(der_span explicit_extensions, ccesec_cert *cert)
{
    der_tlv extensions;
    if (!ccesec_der_expect(&explicit_extensions, DER_SEQUENCE, &extensions)) {
        return FALSE;
    }
    while (extensions.value.len > 0) {
        der_tlv extension, oid, critical, value;
        if (!ccesec_der_expect(&extensions.value, DER_SEQUENCE, &extension) ||
            !ccesec_der_expect(&extension.value, DER_OID, &oid)) {
            return FALSE;
        }
        (void)ccesec_der_expect(&extension.value, DER_BOOLEAN, &critical);
        if (!ccesec_der_expect(&extension.value, DER_OCTET_STRING, &value)) {
            return FALSE;
        }
        if (ccesec_der_oid_is(oid.value, "2.5.29.17") &&
            !read_subject_alt_name(value.value, cert)) {
            return FALSE;
        }
    }
    return TRUE;
}

/* ---------------------------------------------------------------- certificate */

static gboolean read_names_and_validity(der_span *tbs, ccesec_cert *cert)
{
    der_tlv issuer, validity, subject;
    if (!ccesec_der_expect(tbs, DER_SEQUENCE, &issuer) ||
        !read_name_cn(issuer.value, cert->issuer_cn, sizeof cert->issuer_cn, NULL) ||
        !ccesec_der_expect(tbs, DER_SEQUENCE, &validity) || !read_validity(validity.value, cert) ||
        !ccesec_der_expect(tbs, DER_SEQUENCE, &subject) ||
        !read_name_cn(subject.value, cert->subject_cn, sizeof cert->subject_cn,
                      &cert->subject_cn_truncated)) {
        return FALSE;
    }
    cert->self_signed = issuer.whole.len == subject.whole.len &&
                        memcmp(issuer.whole.data, subject.whole.data, issuer.whole.len) == 0;
    return TRUE;
}

static gboolean read_tbs_certificate(der_span tbs, ccesec_cert *cert)
{
    der_tlv version, serial, signature, spki;
    guint8 tag;
    /* v1 certificates omit the version. */
    if (ccesec_der_peek_tag(&tbs, &tag) && tag == DER_CONTEXT_0 &&
        !ccesec_der_expect(&tbs, DER_CONTEXT_0, &version)) {
        return FALSE;
    }
    if (!ccesec_der_expect(&tbs, DER_INTEGER, &serial) ||
        !ccesec_der_expect(&tbs, DER_SEQUENCE, &signature) ||
        !read_names_and_validity(&tbs, cert) || !ccesec_der_expect(&tbs, DER_SEQUENCE, &spki) ||
        !read_public_key(spki.value, cert)) {
        return FALSE;
    }
    /* Then [1] and [2] unique IDs, [3] extensions, each optional. */
    while (tbs.len > 0) {
        der_tlv optional;
        if (ccesec_der_next(&tbs, &optional) != CCESEC_X509_OK) {
            return FALSE;
        }
        if (optional.tag == DER_CONTEXT_3 && !read_extensions(optional.value, cert)) {
            return FALSE;
        }
    }
    return TRUE;
}

/* TRUE when every field was read. Certificate and TBSCertificate are entered even when the
 * buffer cuts them short, so a certificate truncated by the capture still yields the fields
 * before the cut. */
static gboolean read_certificate(const guint8 *der, gsize len, ccesec_cert *cert)
{
    der_span all = {der, len};
    der_span certificate, tbs;
    der_tlv algorithm, signature;
    if (!ccesec_der_enter_clamped(&all, DER_SEQUENCE, &certificate) ||
        !ccesec_der_enter_clamped(&certificate, DER_SEQUENCE, &tbs)) {
        return FALSE;
    }
    gboolean tbs_complete = read_tbs_certificate(tbs, cert);
    if (!ccesec_der_expect(&certificate, DER_SEQUENCE, &algorithm) ||
        !read_signature_algorithm(algorithm.value, cert) ||
        !ccesec_der_expect(&certificate, DER_BIT_STRING, &signature)) {
        return FALSE;
    }
    return tbs_complete && certificate.len == 0 && all.len == 0;
}

ccesec_x509_result ccesec_x509_parse(const guint8 *der, gsize len, ccesec_cert *cert)
{
    if (cert == NULL) {
        return CCESEC_X509_MALFORMED;
    }
    memset(cert, 0, sizeof *cert);
    if (der == NULL) {
        len = 0;
    }
    if (len > 0) {
        ccesec_sha256(der, len, cert->sha256);
    }
    /* The structure check decides the result (it alone sees every element, and the only
     * one that knows TOO_DEEP); the field reader fills in what it can regardless. */
    ccesec_x509_result structure = ccesec_der_check_structure(der, len);
    gboolean complete = read_certificate(der, len, cert);
    if (structure != CCESEC_X509_OK) {
        return structure;
    }
    return complete ? CCESEC_X509_OK : CCESEC_X509_MALFORMED;
}

/* ---------------------------------------------------------------- fingerprint */

/* Inside Wireshark libgcrypt is initialised already; a unit test or fuzzer has to do it. */
static void ensure_gcrypt_ready(void)
{
    static gsize ready = 0;
    if (g_once_init_enter(&ready)) {
        if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
            gcry_check_version(NULL);
            gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
            gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
        }
        g_once_init_leave(&ready, 1);
    }
}

void ccesec_sha256(const guint8 *data, gsize len, guint8 out[CCESEC_SHA256_LEN])
{
    static const guint8 empty = 0;
    ensure_gcrypt_ready();
    gcry_md_hash_buffer(GCRY_MD_SHA256, out, data != NULL ? data : &empty, data != NULL ? len : 0);
}

void ccesec_sha256_to_text(const guint8 digest[CCESEC_SHA256_LEN], char *buf, gsize buf_len)
{
    static const char hex[] = "0123456789abcdef";
    if (buf == NULL || buf_len == 0) {
        return;
    }
    gsize pos = 0;
    for (guint i = 0; i < CCESEC_SHA256_LEN; i++) {
        gsize needed = i == 0 ? 2 : 3;
        if (pos + needed + 1 > buf_len) {
            break;
        }
        if (i > 0) {
            buf[pos++] = ':';
        }
        buf[pos++] = hex[digest[i] >> 4];
        buf[pos++] = hex[digest[i] & 0x0f];
    }
    buf[pos] = '\0';
}

gboolean ccesec_sha256_from_text(const char *text, guint8 out[CCESEC_SHA256_LEN], char *bad,
                                 gsize *digits)
{
    gsize count = 0;
    char first_bad = '\0';
    for (const char *p = text; p != NULL && *p != '\0'; p++) {
        if (*p == ':' || *p == '-' || g_ascii_isspace(*p)) {
            continue;
        }
        if (!g_ascii_isxdigit(*p)) {
            first_bad = *p;
            break;
        }
        if (count < 2 * CCESEC_SHA256_LEN) {
            guint8 nibble = (guint8)g_ascii_xdigit_value(*p);
            out[count / 2] =
                count % 2 == 0 ? (guint8)(nibble << 4) : (guint8)(out[count / 2] | nibble);
        }
        count++;
    }
    if (bad != NULL) {
        *bad = first_bad;
    }
    if (digits != NULL) {
        *digits = count;
    }
    return first_bad == '\0' && count == 2 * CCESEC_SHA256_LEN;
}

/* ---------------------------------------------------------------- name matching */

/* Length without one trailing root dot ("cucm1.example.com." is the same host). */
static gsize host_length(const char *name)
{
    gsize len = strlen(name);
    return len > 1 && name[len - 1] == '.' ? len - 1 : len;
}

static gboolean same_host(const char *a, gsize a_len, const char *b, gsize b_len)
{
    return a_len == b_len && g_ascii_strncasecmp(a, b, a_len) == 0;
}

/* Two or more non-empty labels and no '*': what may follow a wildcard label. */
static gboolean is_wildcard_base(const char *base, gsize len)
{
    guint labels = 1;
    if (len == 0 || base[0] == '.' || base[len - 1] == '.') {
        return FALSE;
    }
    for (gsize i = 0; i < len; i++) {
        if (base[i] == '*' || (base[i] == '.' && base[i + 1] == '.')) {
            return FALSE;
        }
        labels += base[i] == '.';
    }
    return labels >= 2;
}

/* A presented DNS-ID (SAN dNSName or CN) against the expected host name (RFC 6125 6.4):
 * equal, or "*.base" for one non-empty left-most label over base. The presented text as a
 * whole also matches, since that is what an administrator types into a trunk profile. */
static gboolean dns_id_matches(const char *presented, const char *name, gboolean name_is_ip)
{
    gsize presented_len = host_length(presented), name_len = host_length(name);
    if (presented_len == 0 || name_len == 0) {
        return FALSE;
    }
    if (same_host(presented, presented_len, name, name_len)) {
        return TRUE;
    }
    if (name_is_ip || presented_len < 2 || presented[0] != '*' || presented[1] != '.' ||
        !is_wildcard_base(presented + 2, presented_len - 2)) {
        return FALSE;
    }
    const char *dot = memchr(name, '.', name_len);
    if (dot == NULL || dot == name) {
        return FALSE;
    }
    return same_host(dot + 1, name_len - (gsize)(dot + 1 - name), presented + 2, presented_len - 2);
}

/* The RFC 5952 text of an IPv4 or IPv6 address, as SAN iPAddresses are given; FALSE for a
 * host name. */
static gboolean address_text(const char *name, char *buf, gsize buf_len)
{
    guint8 bytes[16];
    if (inet_pton(AF_INET, name, bytes) == 1) {
        ipv4_to_text(bytes, buf, buf_len);
        return TRUE;
    }
    if (inet_pton(AF_INET6, name, bytes) == 1) {
        ipv6_to_text(bytes, buf, buf_len);
        return TRUE;
    }
    return FALSE;
}

gboolean ccesec_cert_matches_name(const ccesec_cert *cert, const char *name)
{
    if (cert == NULL || name == NULL || name[0] == '\0') {
        return FALSE;
    }
    char address[48];
    gboolean is_ip = address_text(name, address, sizeof address);
    ccesec_san_iter iter;
    ccesec_san san;
    ccesec_san_iter_init(&iter, cert);
    while (ccesec_san_iter_next(&iter, &san)) {
        gboolean match = san.kind == CCESEC_SAN_IP
                             ? is_ip && strcmp(san.text, address) == 0
                             : !san.truncated && dns_id_matches(san.text, name, is_ip);
        if (match) {
            return TRUE;
        }
    }
    /* The CN is a fallback for certificates without a SAN dNSName; a cut one never matches. */
    gboolean has_dns_san = cert->n_san_dns_total > 0 || cert->n_san_dns > 0;
    return !has_dns_san && !cert->subject_cn_truncated &&
           dns_id_matches(cert->subject_cn, name, is_ip);
}

/* ---------------------------------------------------------------- time text */

/* 0000-01-01 00:00:00 and 9999-12-31 23:59:59 UTC: what four year digits can show. */
#define FIRST_PRINTABLE_SECOND G_GINT64_CONSTANT(-62167219200)
#define LAST_PRINTABLE_SECOND  G_GINT64_CONSTANT(253402300799)

void ccesec_time_to_text(gint64 unix_seconds, char *buf, gsize buf_len)
{
    if (buf == NULL || buf_len == 0) {
        return;
    }
    if (unix_seconds < FIRST_PRINTABLE_SECOND || unix_seconds > LAST_PRINTABLE_SECOND) {
        g_strlcpy(buf, "(time out of range)", buf_len);
        return;
    }
    gint64 days = floor_div(unix_seconds, 86400);
    gint64 second_of_day = unix_seconds - days * 86400;
    /* Estimate the year, then step to the one whose span holds the day. */
    gint64 year = 1970 + floor_div(days, 365);
    while (days_before_year(year) > days) {
        year--;
    }
    while (days_before_year(year + 1) <= days) {
        year++;
    }
    gint64 day_of_year = days - days_before_year(year);
    guint month = 1;
    while (month < 12 && day_of_year >= days_in_month(year, month)) {
        day_of_year -= days_in_month(year, month);
        month++;
    }
    g_snprintf(buf, buf_len, "%04d-%02u-%02d %02d:%02d:%02d UTC", (int)year, month,
               (int)day_of_year + 1, (int)(second_of_day / 3600), (int)(second_of_day / 60 % 60),
               (int)(second_of_day % 60));
}
