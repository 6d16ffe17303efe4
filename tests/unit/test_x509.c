/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the X.509 reader against real certificates made by openssl
 * (tests/data/x509/make.sh), plus hostile input: every truncation, every single-byte
 * mutation, random bytes and deep nesting.
 */
#include "ccesec/x509.h"
#include "../../plugin/core/x509_der.h"

#include <string.h>
#include <time.h>

#define DATA_DIR CCESEC_TEST_DATA "/x509/"

/* ---------------------------------------------------------------- helpers */

static GBytes *load_der(const char *name)
{
    g_autofree char *path = g_strconcat(DATA_DIR, name, ".der", NULL);
    char *contents = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(path, &contents, &len, &error)) {
        g_error("cannot read %s: %s", path, error->message);
    }
    return g_bytes_new_take(contents, len);
}

/* Parsed certificates refer to their DER (the SAN entries are read from it on demand): the
 * bytes stay loaded until the end of the run, as the plugin keeps them for the capture. */
static GPtrArray *loaded_ders;

static void parse_ok(const char *name, ccesec_cert *cert)
{
    GBytes *der = load_der(name);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(der, &len);
    g_ptr_array_add(loaded_ders, der);
    g_assert_cmpint(ccesec_x509_parse(data, len, cert), ==, CCESEC_X509_OK);
}

/* What openssl itself read from the certificate: fingerprint and validity. */
typedef struct {
    char fingerprint[96];
    gint64 not_before;
    gint64 not_after;
} openssl_view;

static gboolean openssl_view_of(const char *name, openssl_view *view)
{
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(DATA_DIR "expected.txt", &text, NULL, NULL));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        g_auto(GStrv) fields = g_strsplit(lines[i], " ", -1);
        if (g_strv_length(fields) == 4 && strcmp(fields[0], name) == 0) {
            g_strlcpy(view->fingerprint, fields[1], sizeof view->fingerprint);
            view->not_before = g_ascii_strtoll(fields[2], NULL, 10);
            view->not_after = g_ascii_strtoll(fields[3], NULL, 10);
            return TRUE;
        }
    }
    return FALSE;
}

static void assert_time_text(gint64 seconds, const char *expected)
{
    char text[32];
    ccesec_time_to_text(seconds, text, sizeof text);
    g_assert_cmpstr(text, ==, expected);
}

static const char *const all_certificates[] = {
    "bmp_cn",  "ca",     "ec_p256", "ec_p384",  "ed25519",      "ed448",
    "expired", "future", "long_cn", "pss",      "leaf_rsa2048", "rsa1024",
    "sha1",    "two_cn", "ip_san",  "many_san", "wildcard_san", "wide_cn",
};

/* Every name of `match` is carried by the certificate, none of `mismatch` (NULL-ended). */
static void assert_names(const ccesec_cert *cert, const char *const *match,
                         const char *const *mismatch)
{
    for (; match && *match; match++) {
        g_test_message("matches %s", *match);
        g_assert_true(ccesec_cert_matches_name(cert, *match));
    }
    for (; mismatch && *mismatch; mismatch++) {
        g_test_message("does not match %s", *mismatch);
        g_assert_false(ccesec_cert_matches_name(cert, *mismatch));
    }
}

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---------------------------------------------------------------- real certificates */

static void test_every_certificate_agrees_with_openssl(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(all_certificates); i++) {
        const char *name = all_certificates[i];
        ccesec_cert cert;
        openssl_view view;
        char fingerprint[96];
        g_test_message("certificate %s", name);
        gboolean listed = openssl_view_of(name, &view);
        g_assert_true(listed);
        parse_ok(name, &cert);
        ccesec_sha256_to_text(cert.sha256, fingerprint, sizeof fingerprint);
        g_assert_cmpstr(fingerprint, ==, view.fingerprint);
        g_assert_cmpint(cert.not_before, ==, view.not_before);
        g_assert_cmpint(cert.not_after, ==, view.not_after);
    }
}

static void test_rsa2048_leaf_with_sans(void)
{
    ccesec_cert cert;
    parse_ok("leaf_rsa2048", &cert);
    g_assert_cmpstr(cert.subject_cn, ==, "cube1.dcloud.cisco.com");
    g_assert_false(cert.subject_cn_truncated);
    g_assert_cmpstr(cert.issuer_cn, ==, "ccesec Test Root CA");
    g_assert_false(cert.self_signed);
    g_assert_cmpuint(cert.n_san_dns, ==, 2);
    g_assert_cmpuint(cert.n_san_dns_total, ==, 2);
    g_assert_cmpstr(cert.san_dns[0], ==, "cube1.dcloud.cisco.com");
    g_assert_cmpstr(cert.san_dns[1], ==, "*.dcloud.cisco.com");
    g_assert_cmpuint(cert.n_san_ip, ==, 2);
    g_assert_cmpuint(cert.n_san_ip_total, ==, 2);
    g_assert_cmpstr(cert.san_ip[0], ==, "198.18.133.226");
    g_assert_cmpstr(cert.san_ip[1], ==, "2001:db8::5061");
    g_assert_cmpint(cert.key_type, ==, CCESEC_KEY_RSA);
    g_assert_cmpuint(cert.key_bits, ==, 2048);
    g_assert_cmpint(cert.sig_hash, ==, CCESEC_HASH_SHA256);
    g_assert_cmpstr(cert.sig_alg, ==, "sha256WithRSAEncryption");
    g_assert_cmpint(cert.not_before, ==, 1709294400); /* 2024-03-01 12:00:00 UTC */
    g_assert_cmpint(cert.not_after, ==, 1772366400);  /* 2026-03-01 12:00:00 UTC */
    assert_time_text(cert.not_before, "2024-03-01 12:00:00 UTC");
    assert_time_text(cert.not_after, "2026-03-01 12:00:00 UTC");

    assert_names(&cert,
                 NAMES("cube1.dcloud.cisco.com", "CUBE1.dCloud.Cisco.COM", "cvp.dcloud.cisco.com",
                       "198.18.133.226", "2001:DB8:0:0::5061"),
                 NAMES("a.cvp.dcloud.cisco.com", "dcloud.cisco.com", "cube1.dcloud.cisco.org",
                       "198.18.133.227", ""));
    g_assert_false(ccesec_cert_matches_name(&cert, NULL));
}

static void test_rsa1024_self_signed(void)
{
    ccesec_cert cert;
    parse_ok("rsa1024", &cert);
    g_assert_cmpstr(cert.subject_cn, ==, "vvb1.dcloud.cisco.com");
    g_assert_cmpstr(cert.issuer_cn, ==, "vvb1.dcloud.cisco.com");
    g_assert_true(cert.self_signed);
    g_assert_cmpint(cert.key_type, ==, CCESEC_KEY_RSA);
    g_assert_cmpuint(cert.key_bits, ==, 1024);
    g_assert_cmpuint(cert.n_san_dns, ==, 0);
    g_assert_cmpuint(cert.n_san_dns_total, ==, 0);
    g_assert_cmpuint(cert.n_san_ip, ==, 0);
    g_assert_cmpstr(cert.sig_alg, ==, "sha256WithRSAEncryption");
}

static void test_sha1_signed(void)
{
    ccesec_cert cert;
    parse_ok("sha1", &cert);
    g_assert_cmpstr(cert.subject_cn, ==, "cucm1.dcloud.cisco.com");
    g_assert_cmpstr(cert.sig_alg, ==, "sha1WithRSAEncryption");
    g_assert_cmpint(cert.sig_hash, ==, CCESEC_HASH_SHA1);
    g_assert_false(cert.self_signed);
}

static void test_rsassa_pss_hash_from_parameters(void)
{
    ccesec_cert cert;
    parse_ok("pss", &cert);
    g_assert_cmpstr(cert.sig_alg, ==, "rsassaPss");
    g_assert_cmpint(cert.sig_hash, ==, CCESEC_HASH_SHA384);
    g_assert_cmpint(cert.key_type, ==, CCESEC_KEY_RSA);
    g_assert_cmpuint(cert.key_bits, ==, 2048);
}

static void test_ec_keys(void)
{
    ccesec_cert cert;
    parse_ok("ec_p256", &cert);
    g_assert_cmpint(cert.key_type, ==, CCESEC_KEY_EC);
    g_assert_cmpuint(cert.key_bits, ==, 256);
    g_assert_cmpstr(cert.sig_alg, ==, "ecdsa-with-SHA256");
    g_assert_cmpint(cert.sig_hash, ==, CCESEC_HASH_SHA256);
    g_assert_cmpstr(cert.subject_cn, ==, "ec256.test");
    g_assert_true(cert.self_signed);

    parse_ok("ec_p384", &cert);
    g_assert_cmpint(cert.key_type, ==, CCESEC_KEY_EC);
    g_assert_cmpuint(cert.key_bits, ==, 384);
    g_assert_cmpstr(cert.sig_alg, ==, "ecdsa-with-SHA384");
    g_assert_cmpint(cert.sig_hash, ==, CCESEC_HASH_SHA384);
}

static void test_eddsa_keys(void)
{
    ccesec_cert cert;
    parse_ok("ed25519", &cert);
    g_assert_cmpint(cert.key_type, ==, CCESEC_KEY_ED25519);
    g_assert_cmpuint(cert.key_bits, ==, 256);
    g_assert_cmpstr(cert.sig_alg, ==, "Ed25519");
    g_assert_cmpint(cert.sig_hash, ==, CCESEC_HASH_NONE);
    g_assert_cmpstr(cert.subject_cn, ==, "ed25519.test");

    parse_ok("ed448", &cert);
    g_assert_cmpint(cert.key_type, ==, CCESEC_KEY_ED448);
    g_assert_cmpstr(cert.sig_alg, ==, "Ed448");
    g_assert_cmpint(cert.sig_hash, ==, CCESEC_HASH_NONE);
}

static void test_self_signed_ca(void)
{
    ccesec_cert cert;
    parse_ok("ca", &cert);
    g_assert_true(cert.self_signed);
    g_assert_cmpstr(cert.subject_cn, ==, "ccesec Test Root CA");
    g_assert_cmpstr(cert.issuer_cn, ==, "ccesec Test Root CA");
    g_assert_cmpint(cert.not_after, ==, 2524607999);
    assert_time_text(cert.not_after, "2049-12-31 23:59:59 UTC");
}

static void test_long_cn_is_truncated(void)
{
    ccesec_cert cert;
    char full[201];
    parse_ok("long_cn", &cert);
    g_assert_true(cert.subject_cn_truncated);
    g_assert_cmpuint(strlen(cert.subject_cn), ==, CCESEC_NAME_MAX - 1);
    for (gsize i = 0; i < CCESEC_NAME_MAX - 1; i++) {
        g_assert_cmpint(cert.subject_cn[i], ==, 'x');
    }
    g_assert_cmpstr(cert.issuer_cn, ==, "ccesec Test Root CA");
    memset(full, 'x', 190);
    strcpy(full + 190, ".long.test");
    /* Neither the real name nor the stored prefix may match a cut name. */
    g_assert_false(ccesec_cert_matches_name(&cert, full));
    g_assert_false(ccesec_cert_matches_name(&cert, cert.subject_cn));
}

static void test_bmp_string_cn_becomes_utf8(void)
{
    ccesec_cert cert;
    parse_ok("bmp_cn", &cert);
    /* "客服中心 ccesec" */
    g_assert_cmpstr(cert.subject_cn, ==, "\xe5\xae\xa2\xe6\x9c\x8d\xe4\xb8\xad\xe5\xbf\x83 ccesec");
    g_assert_false(cert.subject_cn_truncated);
}

static void test_last_cn_wins(void)
{
    ccesec_cert cert;
    parse_ok("two_cn", &cert);
    g_assert_cmpstr(cert.subject_cn, ==, "second.test");
    g_assert_true(ccesec_cert_matches_name(&cert, "second.test"));
    g_assert_false(ccesec_cert_matches_name(&cert, "first.test"));
}

static void test_validity_dates(void)
{
    ccesec_cert cert;
    parse_ok("expired", &cert);
    g_assert_cmpint(cert.not_before, ==, 1577836800);
    g_assert_cmpint(cert.not_after, ==, 1640995199);
    assert_time_text(cert.not_before, "2020-01-01 00:00:00 UTC");
    assert_time_text(cert.not_after, "2021-12-31 23:59:59 UTC");

    /* notBefore is UTCTime 491231235959Z, notAfter GeneralizedTime 20510630123456Z. */
    parse_ok("future", &cert);
    g_assert_cmpint(cert.not_before, ==, 2524607999);
    g_assert_cmpint(cert.not_after, ==, 2571741296);
    assert_time_text(cert.not_after, "2051-06-30 12:34:56 UTC");
}

/* ---------------------------------------------------------------- edited certificates */

/* Copy of a certificate with the first occurrence of `from` replaced by `to` (same length),
 * so a field can be given values openssl would not produce. */
static GByteArray *edited_copy(const char *name, const char *from, const char *to)
{
    g_autoptr(GBytes) der = load_der(name);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(der, &len);
    gsize n = strlen(from);
    g_assert_cmpuint(n, ==, strlen(to));
    GByteArray *copy = g_byte_array_new();
    g_byte_array_append(copy, data, (guint)len);
    for (gsize i = 0; i + n <= len; i++) {
        if (memcmp(copy->data + i, from, n) == 0) {
            memcpy(copy->data + i, to, n);
            return copy;
        }
    }
    g_error("%s not found in %s", from, name);
    return NULL;
}

static ccesec_x509_result parse_edited(const char *name, const char *from, const char *to,
                                       ccesec_cert *cert)
{
    g_autoptr(GByteArray) copy = edited_copy(name, from, to);
    return ccesec_x509_parse(copy->data, copy->len, cert);
}

static void test_utc_time_century_and_calendar_checks(void)
{
    ccesec_cert cert;
    const char *good = "240101000000Z"; /* ec_p256's notBefore */
    g_assert_cmpint(parse_edited("ec_p256", good, "500101000000Z", &cert), ==, CCESEC_X509_OK);
    g_assert_cmpint(cert.not_before, ==, -631152000); /* 1950: YY >= 50 is 19YY */
    g_assert_cmpint(parse_edited("ec_p256", good, "000229000000Z", &cert), ==, CCESEC_X509_OK);
    g_assert_cmpint(cert.not_before, ==, 951782400); /* 2000-02-29, a 400-year leap day */
    g_assert_cmpint(parse_edited("ec_p256", good, "230229000000Z", &cert), ==,
                    CCESEC_X509_MALFORMED);
    g_assert_cmpint(parse_edited("ec_p256", good, "241301000000Z", &cert), ==,
                    CCESEC_X509_MALFORMED);
    g_assert_cmpint(parse_edited("ec_p256", good, "240101240000Z", &cert), ==,
                    CCESEC_X509_MALFORMED);
    g_assert_cmpint(parse_edited("ec_p256", good, "2401010000000", &cert), ==,
                    CCESEC_X509_MALFORMED);
    g_assert_cmpint(parse_edited("ec_p256", good, "24010100000aZ", &cert), ==,
                    CCESEC_X509_MALFORMED);
}

static void test_nul_in_cn_is_replaced(void)
{
    ccesec_cert cert;
    g_autoptr(GByteArray) copy = edited_copy("ec_p256", "ec256.test", "ec256.test");
    /* Put a NUL inside the subject CN (the second occurrence: the first is the issuer). */
    guint8 *second = NULL;
    for (guint i = 0, seen = 0; i + 10 <= copy->len; i++) {
        if (memcmp(copy->data + i, "ec256.test", 10) == 0 && ++seen == 2) {
            second = copy->data + i;
        }
    }
    g_assert_nonnull(second);
    second[5] = '\0';
    g_assert_cmpint(ccesec_x509_parse(copy->data, copy->len, &cert), ==, CCESEC_X509_OK);
    g_assert_cmpstr(cert.subject_cn, ==, "ec256?test");
    g_assert_cmpstr(cert.issuer_cn, ==, "ec256.test");
    g_assert_false(cert.self_signed);
    g_assert_false(ccesec_cert_matches_name(&cert, "ec256"));
}

/* ---------------------------------------------------------------- hostile input */

static void test_every_truncation_fails_cleanly(void)
{
    for (gsize c = 0; c < G_N_ELEMENTS(all_certificates); c++) {
        g_autoptr(GBytes) der = load_der(all_certificates[c]);
        gsize len = 0;
        const guint8 *data = g_bytes_get_data(der, &len);
        for (gsize cut = 0; cut < len; cut++) {
            /* A heap copy of exactly `cut` bytes, so ASan/valgrind see any overread. */
            g_autofree guint8 *prefix = g_memdup2(data, cut);
            ccesec_cert cert;
            ccesec_x509_result result = ccesec_x509_parse(prefix, cut, &cert);
            g_assert_cmpint(result, ==, CCESEC_X509_TRUNCATED);
        }
    }
}

static void test_fields_before_the_cut_are_kept(void)
{
    g_autoptr(GBytes) der = load_der("leaf_rsa2048");
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(der, &len);
    ccesec_cert cert;
    /* Cut inside the signature value: every TBS field is there. */
    g_assert_cmpint(ccesec_x509_parse(data, len - 10, &cert), ==, CCESEC_X509_TRUNCATED);
    g_assert_cmpstr(cert.subject_cn, ==, "cube1.dcloud.cisco.com");
    g_assert_cmpuint(cert.n_san_ip, ==, 2);
    g_assert_cmpuint(cert.key_bits, ==, 2048);
    /* Cut in the middle: the issuer is still read. */
    g_assert_cmpint(ccesec_x509_parse(data, len / 2, &cert), ==, CCESEC_X509_TRUNCATED);
    g_assert_cmpstr(cert.issuer_cn, ==, "ccesec Test Root CA");
    /* The fingerprint is of the bytes given. */
    guint8 digest[CCESEC_SHA256_LEN];
    ccesec_sha256(data, len / 2, digest);
    g_assert_cmpmem(cert.sha256, sizeof digest, digest, sizeof digest);
}

static void test_every_single_byte_mutation_is_survived(void)
{
    static const guint8 replacements[] = {0x00, 0x01, 0x30, 0x7f, 0x80, 0x81, 0x84, 0xff};
    const char *names[] = {"leaf_rsa2048", "pss", "bmp_cn"};
    for (gsize c = 0; c < G_N_ELEMENTS(names); c++) {
        g_autoptr(GBytes) der = load_der(names[c]);
        gsize len = 0;
        const guint8 *data = g_bytes_get_data(der, &len);
        g_autofree guint8 *copy = g_memdup2(data, len);
        guint changed = 0;
        for (gsize at = 0; at < len; at++) {
            for (gsize r = 0; r < G_N_ELEMENTS(replacements); r++) {
                ccesec_cert cert;
                char text[96];
                copy[at] = replacements[r];
                ccesec_x509_result result = ccesec_x509_parse(copy, len, &cert);
                g_assert_cmpint(result, >=, CCESEC_X509_OK);
                g_assert_cmpint(result, <=, CCESEC_X509_TOO_DEEP);
                g_assert_cmpuint(strlen(cert.subject_cn), <, CCESEC_NAME_MAX);
                g_assert_cmpuint(cert.n_san_dns, <=, CCESEC_SAN_MAX);
                g_assert_cmpuint(cert.n_san_ip, <=, CCESEC_SAN_MAX);
                ccesec_time_to_text(cert.not_after, text, sizeof text);
                (void)ccesec_cert_matches_name(&cert, "cube1.dcloud.cisco.com");
                changed += result != CCESEC_X509_OK;
            }
            copy[at] = data[at];
        }
        /* Most edits of the structure must be noticed (a sanity check on the checks). */
        g_assert_cmpuint(changed, >, len);
    }
}

static void test_garbage(void)
{
    ccesec_cert cert;
    static const guint8 one[] = {0x30};
    static const guint8 indefinite[] = {0x30, 0x80, 0x30, 0x80, 0x30, 0x80, 0x00, 0x00};
    static const guint8 huge[] = {0x30, 0x82, 0xff, 0xff, 0x30, 0x00};
    static const guint8 five_byte_length[] = {0x30, 0x85, 0x00, 0x00, 0x00, 0x00, 0x02};
    static const guint8 high_tag[] = {0x3f, 0x81, 0x01, 0x00};
    static const guint8 primitive[] = {0x02, 0x01, 0x05};
    static const guint8 empty_sequence[] = {0x30, 0x00};

    g_assert_cmpint(ccesec_x509_parse(NULL, 0, &cert), ==, CCESEC_X509_TRUNCATED);
    g_assert_cmpint(ccesec_x509_parse(NULL, 100, &cert), ==, CCESEC_X509_TRUNCATED);
    g_assert_cmpint(ccesec_x509_parse(one, 0, &cert), ==, CCESEC_X509_TRUNCATED);
    g_assert_cmpint(ccesec_x509_parse(one, sizeof one, &cert), ==, CCESEC_X509_TRUNCATED);
    g_assert_cmpint(ccesec_x509_parse(indefinite, sizeof indefinite, &cert), ==,
                    CCESEC_X509_MALFORMED);
    g_assert_cmpint(ccesec_x509_parse(huge, sizeof huge, &cert), ==, CCESEC_X509_TRUNCATED);
    g_assert_cmpint(ccesec_x509_parse(five_byte_length, sizeof five_byte_length, &cert), ==,
                    CCESEC_X509_MALFORMED);
    g_assert_cmpint(ccesec_x509_parse(high_tag, sizeof high_tag, &cert), ==, CCESEC_X509_MALFORMED);
    g_assert_cmpint(ccesec_x509_parse(primitive, sizeof primitive, &cert), ==,
                    CCESEC_X509_MALFORMED);
    g_assert_cmpint(ccesec_x509_parse(empty_sequence, sizeof empty_sequence, &cert), ==,
                    CCESEC_X509_MALFORMED);
    g_assert_cmpint(ccesec_x509_parse(one, sizeof one, NULL), ==, CCESEC_X509_MALFORMED);

    GRand *rand = g_rand_new_with_seed(5061);
    for (guint round = 0; round < 20000; round++) {
        gsize len = g_rand_int_range(rand, 0, 300);
        g_autofree guint8 *bytes = g_malloc(len + 1);
        for (gsize i = 0; i < len; i++) {
            bytes[i] = (guint8)g_rand_int(rand);
        }
        /* Half the time, start like a certificate so the parser gets further. */
        if (len > 4 && round % 2 == 0) {
            bytes[0] = 0x30;
            bytes[1] = 0x82;
        }
        ccesec_x509_result result = ccesec_x509_parse(bytes, len, &cert);
        g_assert_cmpint(result, !=, CCESEC_X509_OK);
    }
    g_rand_free(rand);
}

/* `levels` SEQUENCEs each holding the next, the innermost empty; long-form lengths once
 * they are needed. */
static GByteArray *nested_sequences(guint levels)
{
    GByteArray *der = g_byte_array_new();
    for (guint i = 0; i < levels; i++) {
        guint len = der->len;
        guint8 header[6] = {0x30};
        guint header_len;
        if (len < 0x80) {
            header[1] = (guint8)len;
            header_len = 2;
        } else if (len < 0x10000) {
            header[1] = 0x82;
            header[2] = (guint8)(len >> 8);
            header[3] = (guint8)len;
            header_len = 4;
        } else {
            header[1] = 0x83;
            header[2] = (guint8)(len >> 16);
            header[3] = (guint8)(len >> 8);
            header[4] = (guint8)len;
            header_len = 5;
        }
        g_byte_array_prepend(der, header, header_len);
    }
    return der;
}

static void test_deep_nesting(void)
{
    ccesec_cert cert;
    g_autoptr(GByteArray) at_limit = nested_sequences(DER_MAX_DEPTH);
    g_autoptr(GByteArray) past_limit = nested_sequences(DER_MAX_DEPTH + 1);
    g_autoptr(GByteArray) very_deep = nested_sequences(5000);
    /* At the limit the structure is fine but it is no certificate. */
    g_assert_cmpint(ccesec_x509_parse(at_limit->data, at_limit->len, &cert), ==,
                    CCESEC_X509_MALFORMED);
    g_assert_cmpint(ccesec_x509_parse(past_limit->data, past_limit->len, &cert), ==,
                    CCESEC_X509_TOO_DEEP);
    g_assert_cmpint(ccesec_x509_parse(very_deep->data, very_deep->len, &cert), ==,
                    CCESEC_X509_TOO_DEEP);
}

static void test_trailing_bytes_are_malformed_but_fields_read(void)
{
    g_autoptr(GBytes) der = load_der("ec_p256");
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(der, &len);
    g_autofree guint8 *longer = g_malloc0(len + 3);
    memcpy(longer, data, len);
    ccesec_cert cert;
    g_assert_cmpint(ccesec_x509_parse(longer, len + 3, &cert), ==, CCESEC_X509_MALFORMED);
    g_assert_cmpstr(cert.subject_cn, ==, "ec256.test");
}

/* ---------------------------------------------------------------- DER reader */

static void test_der_reader_lengths(void)
{
    static const guint8 long_form[] = {0x04, 0x81, 0x02, 0xaa, 0xbb, 0x05, 0x00};
    der_span in = {long_form, sizeof long_form};
    der_tlv tlv;
    g_assert_cmpint(ccesec_der_next(&in, &tlv), ==, CCESEC_X509_OK);
    g_assert_cmpint(tlv.tag, ==, 0x04);
    g_assert_cmpuint(tlv.value.len, ==, 2);
    g_assert_cmpint(tlv.value.data[1], ==, 0xbb);
    g_assert_cmpuint(tlv.whole.len, ==, 5);
    g_assert_cmpuint(in.len, ==, 2);
    g_assert_false(ccesec_der_expect(&in, 0x04, &tlv));
    g_assert_cmpuint(in.len, ==, 2); /* a failed expect consumes nothing */
    g_assert_true(ccesec_der_expect(&in, 0x05, &tlv));
    g_assert_cmpuint(in.len, ==, 0);
    g_assert_cmpint(ccesec_der_next(&in, &tlv), ==, CCESEC_X509_TRUNCATED);

    static const guint8 four_bytes[] = {0x04, 0x84, 0x00, 0x00, 0x00, 0x01, 0x7e};
    der_span four = {four_bytes, sizeof four_bytes};
    g_assert_cmpint(ccesec_der_next(&four, &tlv), ==, CCESEC_X509_OK);
    g_assert_cmpint(tlv.value.data[0], ==, 0x7e);

    static const guint8 cut_length[] = {0x04, 0x82, 0x01};
    der_span cut = {cut_length, sizeof cut_length};
    g_assert_cmpint(ccesec_der_next(&cut, &tlv), ==, CCESEC_X509_TRUNCATED);
    g_assert_cmpuint(cut.len, ==, sizeof cut_length);
}

static void test_oid_text(void)
{
    static const guint8 sha256_rsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
    static const guint8 joint[] = {0x88, 0x37, 0x03}; /* 2.999.3 */
    static const guint8 unfinished[] = {0x2a, 0x86};  /* last arc continues */
    static const guint8 too_big[] = {0x2a, 0x81, 0x80, 0x80, 0x80, 0x80,
                                     0x80, 0x80, 0x80, 0x80, 0x80, 0x00}; /* arc of 2^70 */
    char text[64];
    g_assert_true(
        ccesec_der_oid_to_text((der_span){sha256_rsa, sizeof sha256_rsa}, text, sizeof text));
    g_assert_cmpstr(text, ==, "1.2.840.113549.1.1.11");
    g_assert_true(ccesec_der_oid_to_text((der_span){joint, sizeof joint}, text, sizeof text));
    g_assert_cmpstr(text, ==, "2.999.3");
    g_assert_false(
        ccesec_der_oid_to_text((der_span){unfinished, sizeof unfinished}, text, sizeof text));
    g_assert_false(ccesec_der_oid_to_text((der_span){too_big, sizeof too_big}, text, sizeof text));
    g_assert_false(ccesec_der_oid_to_text((der_span){sha256_rsa, 0}, text, sizeof text));
    /* A small buffer cuts the text and still terminates it. */
    g_assert_true(ccesec_der_oid_to_text((der_span){sha256_rsa, sizeof sha256_rsa}, text, 6));
    g_assert_cmpstr(text, ==, "1.2.8");
}

static void test_unknown_signature_algorithm_is_dotted(void)
{
    ccesec_cert cert;
    /* ecdsa-with-SHA256 is 1.2.840.10045.4.3.2; its last byte 0x02 -> 0x09 is unassigned. */
    static const char ecdsa_sha256[] = "\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x02";
    static const char unassigned[] = "\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x09";
    g_assert_cmpint(parse_edited("ec_p256", ecdsa_sha256, unassigned, &cert), ==, CCESEC_X509_OK);
    /* The first occurrence is the TBS copy; the outer one is what counts. */
    g_assert_cmpstr(cert.sig_alg, ==, "ecdsa-with-SHA256");
    g_autoptr(GByteArray) copy = edited_copy("ec_p256", ecdsa_sha256, ecdsa_sha256);
    for (guint i = copy->len - 10; i > 0; i--) {
        if (memcmp(copy->data + i, ecdsa_sha256, 10) == 0) {
            copy->data[i + 9] = 0x09;
            break;
        }
    }
    g_assert_cmpint(ccesec_x509_parse(copy->data, copy->len, &cert), ==, CCESEC_X509_OK);
    g_assert_cmpstr(cert.sig_alg, ==, "1.2.840.10045.4.3.9");
    g_assert_cmpint(cert.sig_hash, ==, CCESEC_HASH_UNKNOWN);
}

/* ---------------------------------------------------------------- helpers of the API */

static void test_time_to_text(void)
{
    char small[8];
    assert_time_text(0, "1970-01-01 00:00:00 UTC");
    assert_time_text(-1, "1969-12-31 23:59:59 UTC");
    assert_time_text(-631152000, "1950-01-01 00:00:00 UTC");
    assert_time_text(951782400, "2000-02-29 00:00:00 UTC");
    assert_time_text(4107542400, "2100-03-01 00:00:00 UTC"); /* 2100 is not a leap year */
    assert_time_text(253402300799, "9999-12-31 23:59:59 UTC");
    assert_time_text(G_MAXINT64, "(time out of range)");
    assert_time_text(G_MININT64, "(time out of range)");
    ccesec_time_to_text(0, small, sizeof small);
    g_assert_cmpstr(small, ==, "1970-01");
    ccesec_time_to_text(0, NULL, 32);

    /* Against the C library's UTC calendar, one odd step at a time over 1950..9999. */
    for (gint64 t = -631152000; t < 253402300799; t += 86400 * 13 + 3607) {
        time_t as_time = (time_t)t;
        struct tm tm;
        char expected[64];
        g_assert_nonnull(gmtime_r(&as_time, &tm));
        g_snprintf(expected, sizeof expected, "%04d-%02d-%02d %02d:%02d:%02d UTC",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        char text[32];
        ccesec_time_to_text(t, text, sizeof text);
        if (strcmp(text, expected) != 0) {
            g_error("%" G_GINT64_FORMAT ": %s != %s", t, text, expected);
        }
    }
}

static void test_sha256_text(void)
{
    guint8 digest[CCESEC_SHA256_LEN];
    char text[96];
    char small[6];
    ccesec_sha256((const guint8 *)"abc", 3, digest);
    ccesec_sha256_to_text(digest, text, sizeof text);
    g_assert_cmpstr(text, ==,
                    "ba:78:16:bf:8f:01:cf:ea:41:41:40:de:5d:ae:22:23:"
                    "b0:03:61:a3:96:17:7a:9c:b4:10:ff:61:f2:00:15:ad");
    ccesec_sha256_to_text(digest, small, sizeof small);
    g_assert_cmpstr(small, ==, "ba:78");
    ccesec_sha256_to_text(digest, NULL, 96);
}

/* Every SAN entry the iterator gives, as "dns:NAME" / "ip:ADDRESS", comma-separated. */
static char *san_list(const ccesec_cert *cert)
{
    GString *list = g_string_new(NULL);
    ccesec_san_iter iter;
    ccesec_san san;
    ccesec_san_iter_init(&iter, cert);
    while (ccesec_san_iter_next(&iter, &san)) {
        g_string_append_printf(list, "%s%s:%s", list->len ? "," : "",
                               san.kind == CCESEC_SAN_DNS ? "dns" : "ip", san.text);
    }
    return g_string_free(list, FALSE);
}

static void test_every_san_counts(void)
{
    ccesec_cert cert;
    parse_ok("many_san", &cert);
    g_assert_cmpuint(cert.n_san_dns_total, ==, 12);
    g_assert_cmpuint(cert.n_san_dns, ==, CCESEC_SAN_MAX);
    /* The 7th and the 12th count like the 1st: a CUCM cluster certificate. */
    /* ... and a certificate with SAN dNSNames is not matched by its CN. */
    assert_names(
        &cert,
        NAMES("cucm1.dcloud.cisco.com", "cucm7.dcloud.cisco.com", "CUCM12.dcloud.cisco.com."),
        NAMES("cucm13.dcloud.cisco.com", "CUCM cluster"));
    g_autofree char *list = san_list(&cert);
    GString *want = g_string_new(NULL);
    for (guint i = 1; i <= 12; i++) {
        g_string_append_printf(want, "%sdns:cucm%u.dcloud.cisco.com", i > 1 ? "," : "", i);
    }
    g_assert_cmpstr(list, ==, want->str);
    g_string_free(want, TRUE);
}

static void test_ip_address_sans(void)
{
    ccesec_cert cert;
    parse_ok("ip_san", &cert);
    g_assert_cmpuint(cert.n_san_dns_total, ==, 0);
    g_assert_cmpuint(cert.n_san_ip_total, ==, 2);
    g_autofree char *list = san_list(&cert);
    g_assert_cmpstr(list, ==, "ip:198.18.133.3,ip:2001:db8:133::3");
    /* No SAN dNSName: the CN counts too. */
    assert_names(&cert, NAMES("198.18.133.3", "2001:0DB8:0133:0:0:0:0:3", "cucm1.dcloud.cisco.com"),
                 NAMES("198.18.133.30", "2001:db8:133::4"));
}

static void test_cn_only(void)
{
    ccesec_cert cert;
    parse_ok("sha1", &cert);
    g_assert_null(cert.san_names);
    assert_names(&cert, NAMES("cucm1.dcloud.cisco.com"), NAMES("cucm2.dcloud.cisco.com"));
    g_autofree char *list = san_list(&cert);
    g_assert_cmpstr(list, ==, "");
}

static void test_wildcards_per_rfc6125(void)
{
    ccesec_cert cert;
    parse_ok("wildcard_san", &cert);
    /* "*.dcloud.cisco.com": one whole left-most label, or the pattern as configured.
     * "f*.wild.test": a partial label is no wildcard. "*.test": a wildcard over a single
     * label matches nothing. "a.*.wild.test": only the left-most label may be one. The CN
     * (wild.test) does not count beside SAN dNSNames. */
    assert_names(&cert, NAMES("vvb1.dcloud.cisco.com", "*.dcloud.cisco.com", "f*.wild.test"),
                 NAMES("dcloud.cisco.com", ".dcloud.cisco.com", "a.vvb1.dcloud.cisco.com",
                       "foo.wild.test", "wild.test", "cvp.test", "a.b.wild.test"));
}

/* A certificate filled in by hand with only a CN: does it carry name? */
static gboolean cn_matches(const char *cn, const char *name)
{
    ccesec_cert cert;
    memset(&cert, 0, sizeof cert);
    g_strlcpy(cert.subject_cn, cn, sizeof cert.subject_cn);
    return ccesec_cert_matches_name(&cert, name);
}

/* A certificate filled in by hand (no DER): its kept entries are all there is. */
static void test_name_matching_by_hand(void)
{
    g_assert_true(cn_matches("*.dcloud.cisco.com", "vvb1.dcloud.cisco.com"));
    g_assert_false(cn_matches("*.", "a."));
    /* A wildcard never matches an address; the address as text does. */
    g_assert_false(cn_matches("*.18.133.3", "198.18.133.3"));
    g_assert_true(cn_matches("198.18.133.3", "198.18.133.3"));
    ccesec_cert cert;
    memset(&cert, 0, sizeof cert);
    g_strlcpy(cert.san_dns[0], "cvp.dcloud.cisco.com", sizeof cert.san_dns[0]);
    g_assert_false(ccesec_cert_matches_name(&cert, "cvp.dcloud.cisco.com"));
    cert.n_san_dns = 1;
    g_assert_true(ccesec_cert_matches_name(&cert, "CVP.dcloud.cisco.com"));
    g_strlcpy(cert.subject_cn, "cube1.dcloud.cisco.com", sizeof cert.subject_cn);
    g_assert_false(ccesec_cert_matches_name(&cert, "cube1.dcloud.cisco.com"));
    g_strlcpy(cert.san_ip[0], "198.18.133.13", sizeof cert.san_ip[0]);
    cert.n_san_ip = 1;
    g_assert_true(ccesec_cert_matches_name(&cert, "198.18.133.13"));
    g_autofree char *list = san_list(&cert);
    g_assert_cmpstr(list, ==, "dns:cvp.dcloud.cisco.com,ip:198.18.133.13");
    g_assert_false(ccesec_cert_matches_name(NULL, "cvp.dcloud.cisco.com"));
}

/* A name longer than the kept text is cut between characters, never inside one. */
static void test_wide_cn_is_cut_between_characters(void)
{
    ccesec_cert cert;
    parse_ok("wide_cn", &cert);
    g_assert_true(cert.subject_cn_truncated);
    gsize len = strlen(cert.subject_cn);
    g_assert_cmpuint(len, ==, (CCESEC_NAME_MAX - 1) / 3 * 3);
    g_assert_true(g_utf8_validate(cert.subject_cn, -1, NULL));
    g_assert_cmpstr(cert.subject_cn + len - 3, ==, "\xe5\xae\xa2");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    loaded_ders = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    g_test_add_func("/x509/openssl_agrees", test_every_certificate_agrees_with_openssl);
    g_test_add_func("/x509/rsa2048_leaf_sans", test_rsa2048_leaf_with_sans);
    g_test_add_func("/x509/rsa1024_self_signed", test_rsa1024_self_signed);
    g_test_add_func("/x509/sha1", test_sha1_signed);
    g_test_add_func("/x509/rsassa_pss", test_rsassa_pss_hash_from_parameters);
    g_test_add_func("/x509/ec", test_ec_keys);
    g_test_add_func("/x509/eddsa", test_eddsa_keys);
    g_test_add_func("/x509/ca", test_self_signed_ca);
    g_test_add_func("/x509/long_cn", test_long_cn_is_truncated);
    g_test_add_func("/x509/bmp_cn", test_bmp_string_cn_becomes_utf8);
    g_test_add_func("/x509/last_cn", test_last_cn_wins);
    g_test_add_func("/x509/validity", test_validity_dates);
    g_test_add_func("/x509/utc_time_edits", test_utc_time_century_and_calendar_checks);
    g_test_add_func("/x509/nul_in_cn", test_nul_in_cn_is_replaced);
    g_test_add_func("/x509/unknown_sig_alg", test_unknown_signature_algorithm_is_dotted);
    g_test_add_func("/x509/truncations", test_every_truncation_fails_cleanly);
    g_test_add_func("/x509/partial_fields", test_fields_before_the_cut_are_kept);
    g_test_add_func("/x509/mutations", test_every_single_byte_mutation_is_survived);
    g_test_add_func("/x509/garbage", test_garbage);
    g_test_add_func("/x509/deep_nesting", test_deep_nesting);
    g_test_add_func("/x509/trailing_bytes", test_trailing_bytes_are_malformed_but_fields_read);
    g_test_add_func("/der/lengths", test_der_reader_lengths);
    g_test_add_func("/der/oid_text", test_oid_text);
    g_test_add_func("/x509/time_to_text", test_time_to_text);
    g_test_add_func("/x509/sha256_text", test_sha256_text);
    g_test_add_func("/x509/names/every_san", test_every_san_counts);
    g_test_add_func("/x509/names/ip_sans", test_ip_address_sans);
    g_test_add_func("/x509/names/cn_only", test_cn_only);
    g_test_add_func("/x509/names/wildcards", test_wildcards_per_rfc6125);
    g_test_add_func("/x509/names/by_hand", test_name_matching_by_hand);
    g_test_add_func("/x509/wide_cn", test_wide_cn_is_cut_between_characters);
    int status = g_test_run();
    g_ptr_array_free(loaded_ders, TRUE);
    return status;
}
