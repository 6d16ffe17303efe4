/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The diagnosis table: one test per row, the quiet close, the per-leg advice, where_*. */
#include <string.h>

#include <glib.h>

#include "ccesec/diagnosis.h"

#define BUF 512

/* Runs the alert diagnosis; the text is kept in a static buffer for the asserts. */
static const char *diagnose(guint8 alert, ccesec_role sender, ccesec_role receiver,
                            gboolean sender_is_client, const char *receiver_cert)
{
    static char buf[BUF];
    ccesec_alert_context ctx = {0};

    ctx.alert_desc = alert;
    ctx.sender = sender;
    ctx.receiver = receiver;
    ctx.sender_is_client = sender_is_client;
    ctx.receiver_cert_name = receiver_cert;
    ccesec_diagnose_alert(&ctx, buf, sizeof buf);
    g_test_message("%s", buf);
    return buf;
}

static void assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        g_error("'%s' not found in '%s'", part, text);
}

static void assert_lacks(const char *text, const char *part)
{
    if (strstr(text, part) != NULL)
        g_error("'%s' unexpectedly found in '%s'", part, text);
}

static void test_unknown_ca(void)
{
    const char *text =
        diagnose(48, CCESEC_ROLE_CVP, CCESEC_ROLE_VVB, TRUE, "vvb1.dcloud.cisco.com");
    char expected[BUF];

    g_snprintf(expected, sizeof expected,
               "CVP does not trust the CA that signed VVB's certificate (vvb1.dcloud.cisco.com): "
               "import that CA into CVP's trust store (%s)",
               ccesec_where_trust_store(CCESEC_ROLE_CVP));
    g_assert_cmpstr(text, ==, expected);
    /* The other direction names CUBE's trustpoint, not CVP's keystore. */
    text = diagnose(48, CCESEC_ROLE_CUBE, CCESEC_ROLE_CVP, FALSE, "cvp1.dcloud.cisco.com");
    assert_contains(text, "CUBE does not trust the CA that signed CVP's certificate");
    assert_contains(text, "trustpoint");
    assert_lacks(text, "keystore");
}

static void test_bad_certificate(void)
{
    const char *text = diagnose(42, CCESEC_ROLE_CUBE, CCESEC_ROLE_CUCM, TRUE, "cucm1");
    assert_contains(text, "CUBE rejected CUCM's certificate (cucm1)");
    assert_contains(text, "crypto signaling remote-addr");
    assert_contains(text, "cn-san-validate");
}

static void test_certificate_unknown(void)
{
    const char *text = diagnose(46, CCESEC_ROLE_CVP, CCESEC_ROLE_CUBE, FALSE, "cube1");
    assert_contains(text, "CVP could not validate CUBE's certificate (cube1)");
    assert_contains(text, "Java");
    assert_contains(text, ".keystore");
    text = diagnose(46, CCESEC_ROLE_VVB, CCESEC_ROLE_CVP, FALSE, NULL);
    assert_contains(text, "VVB could not validate CVP's certificate (Java");
    assert_contains(text, "tomcat-trust");
}

static void test_certificate_expired(void)
{
    const char *text = diagnose(45, CCESEC_ROLE_CUCM, CCESEC_ROLE_CUBE, FALSE, "cube1");
    assert_contains(text, "CUCM says CUBE's certificate (cube1) has expired");
    assert_contains(text, "renew CUBE's certificate");
    assert_contains(text, "CallManager-trust");
}

static void test_certificate_revoked(void)
{
    const char *text = diagnose(44, CCESEC_ROLE_CUBE, CCESEC_ROLE_CVP, TRUE, "cvp1");
    assert_contains(text, "CUBE found CVP's certificate (cvp1) revoked");
    assert_contains(text, "issue CVP a new certificate");
    assert_contains(text, "trustpoint");
}

static void test_unsupported_certificate(void)
{
    const char *text = diagnose(43, CCESEC_ROLE_CUCM, CCESEC_ROLE_CVP, FALSE, "cvp1");
    assert_contains(text, "CUCM cannot use CVP's certificate (cvp1)");
    assert_contains(text, "clientAuth");
}

static void test_protocol_version(void)
{
    const char *text = diagnose(70, CCESEC_ROLE_VVB, CCESEC_ROLE_CVP, FALSE, NULL);
    assert_contains(text, "VVB does not accept the TLS version CVP offered");
    assert_contains(text, "Supported TLS(SIP) version");
    assert_contains(text, "TLS 1.2 only");
    text = diagnose(70, CCESEC_ROLE_CUCM, CCESEC_ROLE_CUBE, FALSE, NULL);
    assert_contains(text, "set tls server min-version");
    assert_contains(text, "transport tcp tls v1.2");
}

static void test_handshake_failure_no_cipher(void)
{
    const char *text = diagnose(40, CCESEC_ROLE_CUCM, CCESEC_ROLE_CVP, FALSE, NULL);
    assert_contains(text, "CUCM and CVP share no cipher suite");
    assert_contains(text, "TLS Ciphers");
    assert_lacks(text, "no certificate");
}

static void test_handshake_failure_missing_client_cert(void)
{
    ccesec_alert_context ctx = {0};
    char buf[BUF];

    ctx.alert_desc = 40;
    ctx.sender = CCESEC_ROLE_CUCM;
    ctx.receiver = CCESEC_ROLE_CUBE;
    ctx.sender_is_client = FALSE;
    ctx.cert_request = TRUE;
    ctx.client_cert_empty = TRUE;
    ccesec_diagnose_alert(&ctx, buf, sizeof buf);
    assert_contains(buf, "CUBE sent no certificate although CUCM asked for one");
    assert_contains(buf, "CallManager-trust");
    /* A request answered with a certificate is the cipher row again. */
    ctx.client_cert_empty = FALSE;
    ccesec_diagnose_alert(&ctx, buf, sizeof buf);
    assert_contains(buf, "share no cipher suite");
}

static void test_insufficient_security(void)
{
    const char *text = diagnose(71, CCESEC_ROLE_CUCM, CCESEC_ROLE_PHONE, FALSE, NULL);
    assert_contains(text, "CUCM requires stronger cipher suites than PHONE offered");
    assert_contains(text, "AES-GCM on PHONE");
}

static void test_decrypt_error(void)
{
    const char *text = diagnose(51, CCESEC_ROLE_CVP, CCESEC_ROLE_CUCM, TRUE, "cucm1");
    assert_contains(text, "CVP could not verify a signature or the Finished message from CUCM");
    assert_contains(text, "regenerate CUCM's certificate");
}

static void test_illegal_parameter(void)
{
    const char *text = diagnose(47, CCESEC_ROLE_CUBE, CCESEC_ROLE_CVP, FALSE, NULL);
    assert_contains(text, "CUBE rejected a handshake field from CVP");
    assert_contains(text, "update CVP's software");
}

static void test_certificate_required(void)
{
    const char *text = diagnose(116, CCESEC_ROLE_CUCM, CCESEC_ROLE_CUBE, FALSE, NULL);
    assert_contains(text, "CUCM requires a client certificate that CUBE did not send");
    assert_contains(text, "import its CA into CUCM's trust store");
}

static void test_access_denied(void)
{
    const char *text = diagnose(49, CCESEC_ROLE_CUCM, CCESEC_ROLE_CVP, FALSE, "cvp1");
    assert_contains(text, "CUCM validated CVP's certificate (cvp1) but does not accept");
    assert_contains(text, "Secure Certificate Subject or Subject Alternate Name");
}

static void test_unrecognized_name(void)
{
    const char *text = diagnose(112, CCESEC_ROLE_CUCM, CCESEC_ROLE_CUBE, FALSE, NULL);
    assert_contains(text, "CUCM does not recognise the server name (SNI)");
    assert_contains(text, "warning");
    assert_contains(text, "the host name CUBE uses for CUCM");
}

static void test_internal_error(void)
{
    const char *text = diagnose(80, CCESEC_ROLE_CUBE, CCESEC_ROLE_CUCM, TRUE, NULL);
    assert_contains(text, "CUBE hit an internal error");
    assert_contains(text, "debug ssl openssl errors");
}

static void test_generic_fallback(void)
{
    const char *text = diagnose(10, CCESEC_ROLE_VVB, CCESEC_ROLE_CVP, TRUE, NULL);
    assert_contains(text, "VVB ended the handshake with the alert unexpected_message (10)");
    text = diagnose(201, CCESEC_ROLE_VVB, CCESEC_ROLE_CVP, TRUE, NULL);
    assert_contains(text, "alert unknown (201)");
}

static void test_unknown_roles_use_generic_words(void)
{
    const char *text = diagnose(48, CCESEC_ROLE_UNKNOWN, CCESEC_ROLE_UNKNOWN, TRUE, NULL);
    assert_contains(text, "the client does not trust the CA that signed the server's certificate");
    text = diagnose(48, CCESEC_ROLE_UNKNOWN, CCESEC_ROLE_CUCM, FALSE, NULL);
    assert_contains(text, "the server does not trust the CA that signed CUCM's certificate");
    assert_lacks(text, "unknown");
}

static void test_wire_name_is_cleaned(void)
{
    const char *text = diagnose(48, CCESEC_ROLE_CVP, CCESEC_ROLE_VVB, TRUE, "vvb\x01\n\xff");
    assert_contains(text, "(vvb?"
                          "?"
                          "?)" /* split: no trigraph */);
}

static void test_output_is_bounded(void)
{
    char small[24];
    char name[200];
    ccesec_alert_context ctx = {0};

    memset(small, 'X', sizeof small);
    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    ctx.alert_desc = 48;
    ctx.sender = CCESEC_ROLE_CVP;
    ctx.receiver = CCESEC_ROLE_VVB;
    ctx.receiver_cert_name = name;
    ccesec_diagnose_alert(&ctx, small, sizeof small);
    g_assert_cmpuint(strlen(small), ==, sizeof small - 1);
    ccesec_diagnose_alert(&ctx, small, 1);
    g_assert_cmpstr(small, ==, "");
    ccesec_diagnose_alert(&ctx, NULL, 0); /* must not crash */
    ccesec_diagnose_alert(NULL, small, sizeof small);
    g_assert_cmpuint(strlen(small), >, 0);
    ccesec_diagnose_quiet_close(CCESEC_ROLE_CVP, CCESEC_ROLE_CUCM, TRUE, TRUE, small, sizeof small);
    g_assert_cmpuint(strlen(small), ==, sizeof small - 1);
    ccesec_advice_enable_tls(CCESEC_ROLE_CVP, CCESEC_ROLE_CUCM, 5061, small, sizeof small);
    g_assert_cmpuint(strlen(small), ==, sizeof small - 1);
}

static void test_quiet_close(void)
{
    char buf[BUF];

    ccesec_diagnose_quiet_close(CCESEC_ROLE_CVP, CCESEC_ROLE_VVB, TRUE, TRUE, buf, sizeof buf);
    assert_contains(buf, "CVP closed after the certificate exchange without an alert");
    assert_contains(buf, "refusing VVB's certificate");
    assert_contains(buf, ".keystore");
    ccesec_diagnose_quiet_close(CCESEC_ROLE_VVB, CCESEC_ROLE_CVP, FALSE, FALSE, buf, sizeof buf);
    assert_contains(buf, "VVB closed before any certificate");
    assert_contains(buf, "Supported TLS(SIP) version");
    /* A client with no CCE role that closes is a probe, not a component to fix. */
    ccesec_diagnose_quiet_close(CCESEC_ROLE_UNKNOWN, CCESEC_ROLE_CVP, TRUE, TRUE, buf, sizeof buf);
    assert_contains(buf, "the client, which has no CCE role, closed after CVP's certificate");
    assert_contains(buf, "a scanner");
    g_assert_null(strstr(buf, "TLS is not enabled"));
    ccesec_diagnose_quiet_close(CCESEC_ROLE_UNKNOWN, CCESEC_ROLE_CVP, TRUE, FALSE, buf, sizeof buf);
    g_assert_null(strstr(buf, "TLS is not enabled"));
    /* The server closing after the client's answer: it refused the client. */
    ccesec_diagnose_quiet_close(CCESEC_ROLE_CUCM, CCESEC_ROLE_CVP, FALSE, TRUE, buf, sizeof buf);
    assert_contains(buf, "CUCM closed after the client's answer to its certificate");
}

static void test_advice_per_leg(void)
{
    char buf[BUF];

    ccesec_advice_enable_tls(CCESEC_ROLE_CUBE, CCESEC_ROLE_CVP, 5061, buf, sizeof buf);
    assert_contains(buf, "transport tcp tls v1.2");
    assert_contains(buf, "session target ipv4:<CVP>:5061");
    assert_contains(buf, "session transport tcp tls");
    assert_contains(buf, "SecurePort 5061");
    /* Either side may be the client. */
    ccesec_advice_enable_tls(CCESEC_ROLE_CVP, CCESEC_ROLE_CUBE, 5061, buf, sizeof buf);
    assert_contains(buf, "session target ipv4:<CVP>:5061");

    ccesec_advice_enable_tls(CCESEC_ROLE_CVP, CCESEC_ROLE_VVB, 5061, buf, sizeof buf);
    assert_contains(buf, "SIP Server Group for VVB, SecurePort 5061");
    assert_contains(buf, "TLS(SIP) Enable");

    ccesec_advice_enable_tls(CCESEC_ROLE_CVP, CCESEC_ROLE_CUCM, 5061, buf, sizeof buf);
    assert_contains(buf, "the CUCM SIP Server Group's SecurePort 5061");
    assert_contains(buf, "utils ctl set-cluster mixed-mode");
    assert_contains(buf, "cvp-SIP-Trunk with destination port 5061");
    assert_contains(buf, "SecureSipTLSforCvp");

    ccesec_advice_enable_tls(CCESEC_ROLE_CUBE, CCESEC_ROLE_CUCM, 5061, buf, sizeof buf);
    assert_contains(buf, "vCube trunk");
    assert_contains(buf, "SecureSIPTLSForCube");

    ccesec_advice_enable_tls(CCESEC_ROLE_PHONE, CCESEC_ROLE_CUCM, 5061, buf, sizeof buf);
    assert_contains(buf, "LSC");
    assert_contains(buf, "Phone Security Profile");

    ccesec_advice_enable_tls(CCESEC_ROLE_UNKNOWN, CCESEC_ROLE_CUCM, 5071, buf, sizeof buf);
    assert_contains(buf, "both ends for SIP over TLS on port 5071");
    ccesec_advice_enable_tls(CCESEC_ROLE_CVP, CCESEC_ROLE_CVP, 5061, buf, sizeof buf);
    assert_contains(buf, "both ends");
    /* The port is a parameter, not a constant. */
    ccesec_advice_enable_tls(CCESEC_ROLE_CVP, CCESEC_ROLE_VVB, 15061, buf, sizeof buf);
    assert_contains(buf, "SecurePort 15061");
}

static void test_where_functions(void)
{
    static const struct {
        ccesec_role role;
        const char *version, *trust, *name;
    } rows[] = {
        {CCESEC_ROLE_CUBE, "transport tcp tls v1.2", "trustpoint", "cn-san-validate"},
        {CCESEC_ROLE_CVP, "TLS 1.2 only", ".keystore", "SIP Server Group"},
        {CCESEC_ROLE_VVB, "Supported TLS(SIP) version", "tomcat-trust", "CVP's certificate"},
        {CCESEC_ROLE_CUCM, "set tls server min-version", "CallManager-trust",
         "SIP Trunk Security Profile"},
        {CCESEC_ROLE_PHONE, "firmware", "ITL/CTL", "CallManager group"},
        {CCESEC_ROLE_UNKNOWN, "both ends", "trust store", "CN or SAN"},
        {CCESEC_ROLE_COUNT, "both ends", "trust store", "CN or SAN"},
    };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_test_message("role %d", rows[i].role);
        assert_contains(ccesec_where_tls_version(rows[i].role), rows[i].version);
        assert_contains(ccesec_where_trust_store(rows[i].role), rows[i].trust);
        assert_contains(ccesec_where_expected_name(rows[i].role), rows[i].name);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/diagnosis/alert/unknown_ca", test_unknown_ca);
    g_test_add_func("/diagnosis/alert/bad_certificate", test_bad_certificate);
    g_test_add_func("/diagnosis/alert/certificate_unknown", test_certificate_unknown);
    g_test_add_func("/diagnosis/alert/certificate_expired", test_certificate_expired);
    g_test_add_func("/diagnosis/alert/certificate_revoked", test_certificate_revoked);
    g_test_add_func("/diagnosis/alert/unsupported_certificate", test_unsupported_certificate);
    g_test_add_func("/diagnosis/alert/protocol_version", test_protocol_version);
    g_test_add_func("/diagnosis/alert/handshake_failure_no_cipher",
                    test_handshake_failure_no_cipher);
    g_test_add_func("/diagnosis/alert/handshake_failure_missing_client_cert",
                    test_handshake_failure_missing_client_cert);
    g_test_add_func("/diagnosis/alert/insufficient_security", test_insufficient_security);
    g_test_add_func("/diagnosis/alert/decrypt_error", test_decrypt_error);
    g_test_add_func("/diagnosis/alert/illegal_parameter", test_illegal_parameter);
    g_test_add_func("/diagnosis/alert/certificate_required", test_certificate_required);
    g_test_add_func("/diagnosis/alert/access_denied", test_access_denied);
    g_test_add_func("/diagnosis/alert/unrecognized_name", test_unrecognized_name);
    g_test_add_func("/diagnosis/alert/internal_error", test_internal_error);
    g_test_add_func("/diagnosis/alert/generic_fallback", test_generic_fallback);
    g_test_add_func("/diagnosis/alert/unknown_roles", test_unknown_roles_use_generic_words);
    g_test_add_func("/diagnosis/alert/wire_name_cleaned", test_wire_name_is_cleaned);
    g_test_add_func("/diagnosis/bounded", test_output_is_bounded);
    g_test_add_func("/diagnosis/quiet_close", test_quiet_close);
    g_test_add_func("/diagnosis/advice_per_leg", test_advice_per_leg);
    g_test_add_func("/diagnosis/where", test_where_functions);
    return g_test_run();
}
