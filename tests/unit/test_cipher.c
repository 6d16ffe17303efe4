/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cipher suite names and flags, TLS version names/parsing/ranks, alert names. */
#include <glib.h>

#include "ccesec/cipher.h"

typedef struct {
    guint16 id;
    const char *name;
    guint flags;
} suite_case;

/* At least one suite of every class the verdict cares about. */
static const suite_case suites[] = {
    {0x0000, "TLS_NULL_WITH_NULL_NULL", CCESEC_CIPHER_NULL_ENC},
    {0x0001, "TLS_RSA_WITH_NULL_MD5",
     CCESEC_CIPHER_NULL_ENC | CCESEC_CIPHER_MD5 | CCESEC_CIPHER_RSA_KEX},
    {0x0002, "TLS_RSA_WITH_NULL_SHA", CCESEC_CIPHER_NULL_ENC | CCESEC_CIPHER_RSA_KEX},
    {0x003B, "TLS_RSA_WITH_NULL_SHA256", CCESEC_CIPHER_NULL_ENC | CCESEC_CIPHER_RSA_KEX},
    {0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", CCESEC_CIPHER_NULL_ENC},
    {0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
     CCESEC_CIPHER_EXPORT | CCESEC_CIPHER_RC4 | CCESEC_CIPHER_MD5 | CCESEC_CIPHER_RSA_KEX},
    {0x0005, "TLS_RSA_WITH_RC4_128_SHA", CCESEC_CIPHER_RC4 | CCESEC_CIPHER_RSA_KEX},
    {0x0009, "TLS_RSA_WITH_DES_CBC_SHA",
     CCESEC_CIPHER_DES | CCESEC_CIPHER_RSA_KEX | CCESEC_CIPHER_CBC_SHA1},
    {0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
     CCESEC_CIPHER_DES | CCESEC_CIPHER_RSA_KEX | CCESEC_CIPHER_CBC_SHA1},
    {0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
     CCESEC_CIPHER_EXPORT | CCESEC_CIPHER_DES | CCESEC_CIPHER_CBC_SHA1},
    {0x0018, "TLS_DH_anon_WITH_RC4_128_MD5",
     CCESEC_CIPHER_ANON | CCESEC_CIPHER_RC4 | CCESEC_CIPHER_MD5},
    {0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", CCESEC_CIPHER_ANON | CCESEC_CIPHER_CBC_SHA1},
    {0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", CCESEC_CIPHER_RSA_KEX | CCESEC_CIPHER_CBC_SHA1},
    {0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", CCESEC_CIPHER_RSA_KEX},
    {0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA", CCESEC_CIPHER_CBC_SHA1},
    {0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", CCESEC_CIPHER_RSA_KEX | CCESEC_CIPHER_CBC_SHA1},
    {0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", CCESEC_CIPHER_CBC_SHA1},
    {0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0},
    {0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0},
    {0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0},
    {0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0},
    {0x1301, "TLS_AES_128_GCM_SHA256", 0},
    {0x1302, "TLS_AES_256_GCM_SHA384", 0},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", 0},
    {0x1305, "TLS_AES_128_CCM_8_SHA256", 0},
    {0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0},
    {0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", 0},
    {0xC09C, "TLS_RSA_WITH_AES_128_CCM", CCESEC_CIPHER_RSA_KEX},
    {0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", 0},
    {0xC03C, "TLS_RSA_WITH_ARIA_128_CBC_SHA256", CCESEC_CIPHER_RSA_KEX},
    {0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", CCESEC_CIPHER_RSA_KEX | CCESEC_CIPHER_CBC_SHA1},
    {0xC08A, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", 0},
    {0x0022, "TLS_KRB5_WITH_DES_CBC_MD5", CCESEC_CIPHER_DES | CCESEC_CIPHER_MD5},
    {0xC039, "TLS_ECDHE_PSK_WITH_NULL_SHA", CCESEC_CIPHER_NULL_ENC},
    {0xC0B4, "TLS_SHA256_SHA256", CCESEC_CIPHER_NULL_ENC},
    {0xD005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256", 0},
};

static void test_suite_names_and_flags(void)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(suites); i++) {
        g_test_message("suite 0x%04x", suites[i].id);
        g_assert_cmpstr(ccesec_cipher_name(suites[i].id), ==, suites[i].name);
        g_assert_cmphex(ccesec_cipher_flags(suites[i].id), ==, suites[i].flags);
    }
}

static void test_unknown_suite(void)
{
    static const guint16 unknown[] = {0x001C, 0x0047, 0x0A0A, 0x1306, 0xC0FF, 0xFFFF};
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(unknown); i++) {
        g_assert_null(ccesec_cipher_name(unknown[i]));
        g_assert_cmphex(ccesec_cipher_flags(unknown[i]), ==, CCESEC_CIPHER_UNKNOWN);
        g_assert_false(ccesec_cipher_is_weak(unknown[i], TRUE));
        g_assert_false(ccesec_cipher_is_legacy(unknown[i]));
        g_assert_null(ccesec_cipher_weakness(unknown[i], TRUE));
    }
}

/* The binary search must find every id between the first and the last, so probe the whole
 * 16-bit space: each known id names a suite starting with TLS_, found ids ascend. */
static void test_table_is_sorted_and_searchable(void)
{
    guint id, found = 0;
    const char *first = NULL, *last = NULL;

    for (id = 0; id <= 0xFFFF; id++) {
        const char *name = ccesec_cipher_name((guint16)id);
        if (name == NULL)
            continue;
        g_assert_true(g_str_has_prefix(name, "TLS_"));
        if (first == NULL)
            first = name;
        last = name;
        found++;
    }
    g_assert_cmpuint(found, >=, 350); /* rows in cipher_table.c */
    g_assert_cmpstr(first, ==, "TLS_NULL_WITH_NULL_NULL");
    g_assert_cmpstr(last, ==, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256");
}

static void test_weak_and_legacy(void)
{
    /* Default policy: only the truly broken classes are weak. */
    g_assert_true(ccesec_cipher_is_weak(0x003B, FALSE));  /* NULL */
    g_assert_true(ccesec_cipher_is_weak(0x0018, FALSE));  /* anon */
    g_assert_true(ccesec_cipher_is_weak(0x0003, FALSE));  /* export */
    g_assert_true(ccesec_cipher_is_weak(0x0005, FALSE));  /* RC4 */
    g_assert_true(ccesec_cipher_is_weak(0x000A, FALSE));  /* 3DES */
    g_assert_true(ccesec_cipher_is_weak(0x0022, FALSE));  /* MD5 */
    g_assert_false(ccesec_cipher_is_weak(0x002F, FALSE)); /* RSA kex + CBC-SHA1: legacy */
    g_assert_false(ccesec_cipher_is_weak(0xC030, FALSE));
    /* Strict policy adds RSA key transport and CBC-SHA1. */
    g_assert_true(ccesec_cipher_is_weak(0x002F, TRUE));
    g_assert_true(ccesec_cipher_is_weak(0x009C, TRUE));
    g_assert_true(ccesec_cipher_is_weak(0xC013, TRUE));
    g_assert_false(ccesec_cipher_is_weak(0xC030, TRUE));
    g_assert_false(ccesec_cipher_is_weak(0x1301, TRUE));

    g_assert_true(ccesec_cipher_is_legacy(0x002F));
    g_assert_true(ccesec_cipher_is_legacy(0x009C));
    g_assert_true(ccesec_cipher_is_legacy(0xC013));
    g_assert_false(ccesec_cipher_is_legacy(0xC02F));
    g_assert_false(ccesec_cipher_is_legacy(0x1302));
}

static void test_weakness_phrase(void)
{
    g_assert_cmpstr(ccesec_cipher_weakness(0x003B, FALSE), ==, "no encryption (NULL cipher)");
    g_assert_cmpstr(ccesec_cipher_weakness(0x0018, FALSE), ==, "anonymous (no authentication)");
    g_assert_cmpstr(ccesec_cipher_weakness(0x0003, FALSE), ==, "export-grade");
    g_assert_cmpstr(ccesec_cipher_weakness(0x0005, FALSE), ==, "RC4");
    g_assert_cmpstr(ccesec_cipher_weakness(0x000A, FALSE), ==, "DES/3DES");
    g_assert_cmpstr(ccesec_cipher_weakness(0x0022, FALSE), ==, "DES/3DES");
    g_assert_cmpstr(ccesec_cipher_weakness(0x0024, FALSE), ==, "RC4");
    g_assert_null(ccesec_cipher_weakness(0x002F, FALSE));
    g_assert_cmpstr(ccesec_cipher_weakness(0x002F, TRUE), ==,
                    "RSA key transport (no forward secrecy)");
    g_assert_cmpstr(ccesec_cipher_weakness(0xC013, TRUE), ==, "CBC with HMAC-SHA1");
    g_assert_null(ccesec_cipher_weakness(0xC030, TRUE));
}

static void test_md5_phrase(void)
{
    /* An MD5 MAC with nothing worse: only KRB5 suites qualify (RC4/DES ones rank higher). */
    g_assert_cmphex(ccesec_cipher_flags(0x0025), ==, CCESEC_CIPHER_MD5); /* KRB5 IDEA MD5 */
    g_assert_cmpstr(ccesec_cipher_weakness(0x0025, FALSE), ==, "MD5 MAC");
}

static void test_version_names(void)
{
    g_assert_cmpstr(ccesec_tls_version_name(CCESEC_SSL30), ==, "SSL 3.0");
    g_assert_cmpstr(ccesec_tls_version_name(CCESEC_TLS10), ==, "TLS 1.0");
    g_assert_cmpstr(ccesec_tls_version_name(CCESEC_TLS11), ==, "TLS 1.1");
    g_assert_cmpstr(ccesec_tls_version_name(CCESEC_TLS12), ==, "TLS 1.2");
    g_assert_cmpstr(ccesec_tls_version_name(CCESEC_TLS13), ==, "TLS 1.3");
    g_assert_cmpstr(ccesec_tls_version_name(0x7f15), ==, "TLS 1.3 draft 21");
    g_assert_cmpstr(ccesec_tls_version_name(0x7f1c), ==, "TLS 1.3 draft 28");
    g_assert_null(ccesec_tls_version_name(0x7f00));
    g_assert_null(ccesec_tls_version_name(0x0305));
    g_assert_null(ccesec_tls_version_name(0x0002));
    g_assert_null(ccesec_tls_version_name(0));
}

static void test_version_rank(void)
{
    g_assert_cmpuint(ccesec_tls_version_rank(0), ==, 0);
    g_assert_cmpuint(ccesec_tls_version_rank(0x0305), ==, 0);
    g_assert_cmpuint(ccesec_tls_version_rank(CCESEC_SSL30), <,
                     ccesec_tls_version_rank(CCESEC_TLS10));
    g_assert_cmpuint(ccesec_tls_version_rank(CCESEC_TLS10), <,
                     ccesec_tls_version_rank(CCESEC_TLS11));
    g_assert_cmpuint(ccesec_tls_version_rank(CCESEC_TLS11), <,
                     ccesec_tls_version_rank(CCESEC_TLS12));
    g_assert_cmpuint(ccesec_tls_version_rank(CCESEC_TLS12), <,
                     ccesec_tls_version_rank(CCESEC_TLS13));
    g_assert_cmpuint(ccesec_tls_version_rank(CCESEC_SSL30), >, 0);
    g_assert_cmpuint(ccesec_tls_version_rank(0x7f15), ==, ccesec_tls_version_rank(CCESEC_TLS13));
}

static void test_alert_names(void)
{
    g_assert_cmpstr(ccesec_alert_name(0), ==, "close_notify");
    g_assert_cmpstr(ccesec_alert_name(40), ==, "handshake_failure");
    g_assert_cmpstr(ccesec_alert_name(42), ==, "bad_certificate");
    g_assert_cmpstr(ccesec_alert_name(46), ==, "certificate_unknown");
    g_assert_cmpstr(ccesec_alert_name(48), ==, "unknown_ca");
    g_assert_cmpstr(ccesec_alert_name(70), ==, "protocol_version");
    g_assert_cmpstr(ccesec_alert_name(86), ==, "inappropriate_fallback");
    g_assert_cmpstr(ccesec_alert_name(109), ==, "missing_extension");
    g_assert_cmpstr(ccesec_alert_name(112), ==, "unrecognized_name");
    g_assert_cmpstr(ccesec_alert_name(116), ==, "certificate_required");
    g_assert_cmpstr(ccesec_alert_name(120), ==, "no_application_protocol");
    g_assert_null(ccesec_alert_name(1));
    g_assert_null(ccesec_alert_name(255));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cipher/suite_names_and_flags", test_suite_names_and_flags);
    g_test_add_func("/cipher/unknown_suite", test_unknown_suite);
    g_test_add_func("/cipher/table_sorted_and_searchable", test_table_is_sorted_and_searchable);
    g_test_add_func("/cipher/weak_and_legacy", test_weak_and_legacy);
    g_test_add_func("/cipher/weakness_phrase", test_weakness_phrase);
    g_test_add_func("/cipher/md5_phrase", test_md5_phrase);
    g_test_add_func("/version/names", test_version_names);
    g_test_add_func("/version/rank", test_version_rank);
    g_test_add_func("/alert/names", test_alert_names);
    return g_test_run();
}
