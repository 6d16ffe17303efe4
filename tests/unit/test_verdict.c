/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The status rules, their precedence, the findings and their texts. Certificates are built
 * by hand (no DER): the verdict only reads the parsed facts. */
#include <string.h>

#include <glib.h>

#include "ccesec/cipher.h"
#include "ccesec/verdict.h"
#include "judge_agrees.h"

#define NOW       G_GINT64_CONSTANT(1767225600) /* 2026-01-01 00:00:00 UTC */
#define DAY       G_GINT64_CONSTANT(86400)
#define CVP_IP    "198.18.133.13"
#define CUCM_IP   "198.18.133.3"
#define VVB_IP    "198.18.133.143"
#define CUCM_CN   "cucm1.dcloud.cisco.com"
#define CVP_CN    "cvp1.dcloud.cisco.com"
#define GCM_SUITE 0xC030

/* ---- Builders ---- */

static void make_cert(ccesec_cert *cert, const char *cn)
{
    memset(cert, 0, sizeof *cert);
    g_strlcpy(cert->subject_cn, cn, sizeof cert->subject_cn);
    g_strlcpy(cert->issuer_cn, "dcloud-CA", sizeof cert->issuer_cn);
    g_strlcpy(cert->san_dns[0], cn, sizeof cert->san_dns[0]);
    cert->n_san_dns = cert->n_san_dns_total = 1;
    cert->not_before = NOW - 365 * DAY;
    cert->not_after = NOW + 365 * DAY;
    cert->key_type = CCESEC_KEY_RSA;
    cert->key_bits = 2048;
    cert->sig_hash = CCESEC_HASH_SHA256;
    g_strlcpy(cert->sig_alg, "sha256WithRSAEncryption", sizeof cert->sig_alg);
    memset(cert->sha256, 0xab, sizeof cert->sha256);
}

/* CVP (client) -> CUCM (server) on 5061. */
static void make_peers(ccesec_peers *peers, ccesec_role client, const char *client_ip,
                       ccesec_role server, const char *server_ip, guint16 server_port)
{
    memset(peers, 0, sizeof *peers);
    peers->role[CCESEC_CLIENT] = client;
    peers->role[CCESEC_SERVER] = server;
    peers->address[CCESEC_CLIENT] = client_ip;
    peers->address[CCESEC_SERVER] = server_ip;
    peers->port[CCESEC_CLIENT] = 49152;
    peers->port[CCESEC_SERVER] = server_port;
}

static void cvp_cucm(ccesec_peers *peers, guint16 port)
{
    make_peers(peers, CCESEC_ROLE_CVP, CVP_IP, CCESEC_ROLE_CUCM, CUCM_IP, port);
}

/* A finished TLS 1.2 handshake, no keys: both ChangeCipherSpecs, server certificate. */
static void tls12_complete(ccesec_conn_facts *f, const ccesec_cert *server_cert)
{
    memset(f, 0, sizeof *f);
    f->transport = CCESEC_TRANSPORT_TLS;
    f->tls_seen = f->client_hello = f->server_hello = TRUE;
    f->version = CCESEC_TLS12;
    f->cipher = GCM_SUITE;
    f->ccs[CCESEC_CLIENT] = f->ccs[CCESEC_SERVER] = 1;
    f->data[CCESEC_CLIENT] = f->data[CCESEC_SERVER] = TRUE;
    f->complete = TRUE; /* the tracker's rules are tested in test_tracker.c */
    f->proof = CCESEC_PROOF_CCS;
    f->server_cert = server_cert;
}

/* Up to ServerHello + Certificate, nothing after. */
static void tls12_hello_only(ccesec_conn_facts *f, const ccesec_cert *server_cert)
{
    tls12_complete(f, server_cert);
    f->ccs[CCESEC_CLIENT] = f->ccs[CCESEC_SERVER] = 0;
    f->data[CCESEC_CLIENT] = f->data[CCESEC_SERVER] = FALSE;
    f->complete = FALSE;
    f->proof = CCESEC_PROOF_NONE;
}

static ccesec_policy default_policy(void)
{
    ccesec_policy policy;
    ccesec_policy_init_defaults(&policy);
    return policy;
}

static void evaluate(const ccesec_conn_facts *f, const ccesec_peers *p, ccesec_verdict *v)
{
    ccesec_policy policy = default_policy();
    ccesec_evaluate(f, p, &policy, NOW, v);
    assert_judge_agrees(f, p, &policy, NOW, v);
    g_test_message("%s: %s", ccesec_status_name(v->status), v->reason);
}

static const ccesec_finding *find(const ccesec_verdict *v, ccesec_finding_code code)
{
    guint i;
    for (i = 0; i < v->n_findings; i++) {
        if (v->findings[i].code == code)
            return &v->findings[i];
    }
    return NULL;
}

/* The text of a finding that must be there. */
static const char *finding_text(const ccesec_verdict *v, ccesec_finding_code code)
{
    const ccesec_finding *f = find(v, code);
    if (f == NULL)
        g_error("finding %d missing: %s", code, v->reason);
    return f->text;
}

static void assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        g_error("'%s' not found in '%s'", part, text);
}

/* The status finding comes first, carries the status severity and the reason. */
static void assert_status(const ccesec_verdict *v, ccesec_status status, ccesec_finding_code code,
                          ccesec_severity severity)
{
    g_assert_cmpstr(ccesec_status_name(v->status), ==, ccesec_status_name(status));
    g_assert_cmpint(v->severity, ==, severity);
    g_assert_cmpuint(v->n_findings, >=, 1);
    g_assert_cmpint(v->findings[0].code, ==, code);
    g_assert_cmpint(v->findings[0].severity, ==, severity);
    g_assert_cmpstr(v->findings[0].text, ==, v->reason);
}

static void assert_finding(const ccesec_verdict *v, ccesec_finding_code code,
                           ccesec_severity severity)
{
    const ccesec_finding *f = find(v, code);
    if (f == NULL)
        g_error("finding %d missing (status %s: %s)", code, ccesec_status_name(v->status),
                v->reason);
    g_assert_cmpint(f->severity, ==, severity);
}

/* ---- Names ---- */

static void test_names(void)
{
    ccesec_policy policy;

    g_assert_cmpstr(ccesec_status_name(CCESEC_STATUS_PENDING), ==, "pending");
    g_assert_cmpstr(ccesec_status_name(CCESEC_STATUS_SECURE), ==, "secure");
    g_assert_cmpstr(ccesec_status_name(CCESEC_STATUS_WEAK), ==, "weak");
    g_assert_cmpstr(ccesec_status_name(CCESEC_STATUS_FAILED), ==, "failed");
    g_assert_cmpstr(ccesec_status_name(CCESEC_STATUS_PLAINTEXT), ==, "plaintext");
    g_assert_cmpstr(ccesec_status_name(CCESEC_STATUS_UNVERIFIED), ==, "unverified");
    g_assert_cmpstr(ccesec_transport_name(CCESEC_TRANSPORT_UDP), ==, "udp");
    g_assert_cmpstr(ccesec_transport_name(CCESEC_TRANSPORT_TCP), ==, "tcp");
    g_assert_cmpstr(ccesec_transport_name(CCESEC_TRANSPORT_TLS), ==, "tls");
    ccesec_policy_init_defaults(&policy);
    g_assert_cmphex(policy.min_tls_version, ==, CCESEC_TLS12);
    g_assert_false(policy.strict_ciphers);
    g_assert_cmpuint(policy.expiry_warning_days, ==, 30);
    g_assert_cmpuint(policy.tls_port, ==, 5061);
}

/* ---- 1. plaintext ---- */

static void test_plaintext_sentence(void)
{
    ccesec_conn_facts f = {0};
    ccesec_peers p;
    ccesec_verdict v;

    f.transport = CCESEC_TRANSPORT_TCP;
    f.sip_in_clear = TRUE;
    cvp_cucm(&p, 5060);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_PLAINTEXT, CCESEC_FIND_PLAINTEXT, CCESEC_SEV_ERROR);
    g_assert_true(g_str_has_prefix(v.reason, "CVP-CUCM: SIP in clear text over TCP 5060 between "
                                             "CVP 198.18.133.13 and CUCM 198.18.133.3; expected "
                                             "TLS on 5061"));
    assert_contains(v.reason, "SecurePort 5061");
    assert_contains(v.reason, "cvp-SIP-Trunk");
    g_assert_cmpuint(v.n_findings, ==, 1);
    g_assert_false(v.handshake_complete);

    f.transport = CCESEC_TRANSPORT_UDP;
    make_peers(&p, CCESEC_ROLE_CVP, CVP_IP, CCESEC_ROLE_VVB, VVB_IP, 5060);
    evaluate(&f, &p, &v);
    g_assert_true(g_str_has_prefix(v.reason, "CVP-VVB: SIP in clear text over UDP 5060 between "
                                             "CVP 198.18.133.13 and VVB 198.18.133.143"));
    assert_contains(v.reason, "TLS(SIP) Enable");
}

static void test_plaintext_beats_failed(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    cert.not_after = NOW - DAY; /* expired too */
    tls12_hello_only(&f, &cert);
    f.alert_fatal = TRUE;
    f.alert_desc = 48;
    f.sip_in_clear = TRUE;
    cvp_cucm(&p, 5060);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_PLAINTEXT, CCESEC_FIND_PLAINTEXT, CCESEC_SEV_ERROR);
    g_assert_null(find(&v, CCESEC_FIND_ALERT));
    assert_finding(&v, CCESEC_FIND_CERT_EXPIRED, CCESEC_SEV_ERROR);
}

/* ---- 2. failed ---- */

static void test_failed_alert(void)
{
    ccesec_conn_facts f;
    ccesec_cert vvb;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&vvb, "vvb1.dcloud.cisco.com");
    tls12_hello_only(&f, &vvb);
    f.alert_fatal = TRUE;
    f.alert_desc = 48;
    f.alert_sender = CCESEC_CLIENT;
    make_peers(&p, CCESEC_ROLE_CVP, CVP_IP, CCESEC_ROLE_VVB, VVB_IP, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_ALERT, CCESEC_SEV_ERROR);
    assert_contains(v.reason, "CVP-VVB: TLS handshake failed: CVP 198.18.133.13 sent the fatal "
                              "alert unknown_ca (48) to VVB 198.18.133.143");
    assert_contains(v.reason, "CVP does not trust the CA that signed VVB's certificate "
                              "(vvb1.dcloud.cisco.com): import that CA into CVP's trust store");
    g_assert_false(v.handshake_complete);
}

static void test_failed_alert_from_server(void)
{
    ccesec_conn_facts f;
    ccesec_cert cucm, cvp;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cucm, CUCM_CN);
    make_cert(&cvp, CVP_CN);
    tls12_hello_only(&f, &cucm);
    f.client_cert = &cvp;
    f.alert_fatal = TRUE;
    f.alert_desc = 42;
    f.alert_sender = CCESEC_SERVER;
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_ALERT, CCESEC_SEV_ERROR);
    assert_contains(v.reason, "CUCM 198.18.133.3 sent the fatal alert bad_certificate (42) to "
                              "CVP 198.18.133.13");
    assert_contains(v.reason, "CUCM rejected CVP's certificate (cvp1.dcloud.cisco.com)");
    assert_contains(v.reason, "CallManager-trust");
}

static void test_alert_after_completion_is_not_failure(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    tls12_complete(&f, &cert);
    f.post_alert.seen = f.post_alert.known = TRUE;
    f.post_alert.desc = 80;
    f.post_alert.sender = CCESEC_SERVER;
    f.post_alert.after_ms = 3200;
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE, CCESEC_SEV_CHAT);
    assert_finding(&v, CCESEC_FIND_ABORTED, CCESEC_SEV_WARN);
    assert_contains(finding_text(&v, CCESEC_FIND_ABORTED),
                    "CVP-CUCM: connection aborted 3.2 s after its TLS handshake completed: CUCM "
                    "198.18.133.3 sent the fatal alert internal_error (80) to CVP 198.18.133.13");
    /* Without a key log the alert's name is not known: still an abort, not a failure. */
    f.post_alert.known = FALSE;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE, CCESEC_SEV_CHAT);
    assert_contains(finding_text(&v, CCESEC_FIND_ABORTED), "an encrypted fatal alert");
}

static void test_closed_early_after_certificate(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    tls12_hello_only(&f, &cert);
    f.fin[CCESEC_CLIENT] = f.closed = TRUE;
    f.first_closer = CCESEC_CLIENT;
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_CLOSED_EARLY, CCESEC_SEV_ERROR);
    assert_contains(v.reason, "CVP-CUCM: TLS handshake between CVP 198.18.133.13 and CUCM "
                              "198.18.133.3 did not complete (CVP sent FIN). CVP closed");
    assert_contains(v.reason, "after the certificate exchange without an alert");
    assert_contains(v.reason, ".keystore");
}

static void test_closed_early_before_certificate(void)
{
    ccesec_conn_facts f = {0};
    ccesec_peers p;
    ccesec_verdict v;

    f.transport = CCESEC_TRANSPORT_TLS;
    f.tls_seen = f.client_hello = TRUE;
    f.rst[CCESEC_SERVER] = TRUE;
    f.fin[CCESEC_CLIENT] = TRUE;
    f.closed = TRUE;
    f.first_closer = CCESEC_SERVER;
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_CLOSED_EARLY, CCESEC_SEV_ERROR);
    assert_contains(v.reason, "(CUCM sent a TCP reset). CUCM closed before any certificate");
    assert_contains(v.reason, "before any certificate");
    assert_contains(v.reason, "set tls server min-version");
}

static void test_close_without_client_hello_is_not_failure(void)
{
    ccesec_conn_facts f = {0};
    ccesec_peers p;
    ccesec_verdict v;

    f.transport = CCESEC_TRANSPORT_TCP;
    f.fin[CCESEC_CLIENT] = f.fin[CCESEC_SERVER] = f.closed = TRUE;
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_PENDING);
    g_assert_cmpstr(v.reason, ==, "");
    g_assert_cmpuint(v.n_findings, ==, 0);
}

static void test_tls13_encrypted_alert(void)
{
    ccesec_conn_facts f;
    ccesec_peers p;
    ccesec_verdict v;

    tls12_hello_only(&f, NULL); /* the certificate is encrypted in TLS 1.3 */
    f.version = CCESEC_TLS13;
    f.cipher = 0x1302;
    f.client_flight = TRUE;
    f.encrypted_alert = f.closed = TRUE;
    f.encrypted_alert_sender = CCESEC_CLIENT;
    make_peers(&p, CCESEC_ROLE_CUBE, "198.18.133.226", CCESEC_ROLE_CUCM, CUCM_IP, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_ENCRYPTED_ALERT, CCESEC_SEV_ERROR);
    assert_contains(v.reason, "CUBE-CUCM: TLS handshake failed: CUBE 198.18.133.226 sent an "
                              "encrypted alert and closed before its Finished");
    assert_contains(v.reason, "trustpoint");

    /* The server refusing the client's certificate after its Finished. */
    f.client_finished = TRUE;
    f.encrypted_alert_sender = CCESEC_SERVER;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_ENCRYPTED_ALERT, CCESEC_SEV_ERROR);
    assert_contains(v.reason, "CUCM 198.18.133.3 answered CUBE 198.18.133.226's certificate and "
                              "Finished with an encrypted alert");

    /* The same connection answered by the server is complete. */
    f.encrypted_alert = FALSE;
    f.complete = TRUE;
    f.proof = CCESEC_PROOF_TLS13_REPLY;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE, CCESEC_SEV_CHAT);
    g_assert_cmpstr(v.reason, ==,
                    "CUBE-CUCM: SIP over TLS 1.3 (TLS_AES_256_GCM_SHA384) between CUBE "
                    "198.18.133.226 and CUCM 198.18.133.3; certificate not visible (encrypted "
                    "in TLS 1.3)");
}

/* ---- 2. failed: certificate checks ---- */

static void test_name_mismatch(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, "cucm2.example.com");
    tls12_complete(&f, &cert);
    cvp_cucm(&p, 5061);
    p.expected_name[CCESEC_SERVER] = CUCM_CN;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_NAME_MISMATCH, CCESEC_SEV_ERROR);
    assert_contains(v.reason, "CUCM 198.18.133.3's certificate (cucm2.example.com) does not carry "
                              "the expected name " CUCM_CN);
    assert_contains(v.reason, "CVP checks");
    g_assert_true(v.handshake_complete);

    /* A SAN that matches is enough. */
    g_strlcpy(cert.san_dns[1], CUCM_CN, sizeof cert.san_dns[1]);
    cert.n_san_dns = cert.n_san_dns_total = 2;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE, CCESEC_SEV_CHAT);
    g_assert_null(find(&v, CCESEC_FIND_NAME_MISMATCH));
}

static void test_client_name_mismatch(void)
{
    ccesec_conn_facts f;
    ccesec_cert server, client;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&server, CUCM_CN);
    make_cert(&client, "somebody-else");
    tls12_complete(&f, &server);
    f.client_cert = &client;
    cvp_cucm(&p, 5061);
    p.expected_name[CCESEC_SERVER] = CUCM_CN;
    p.expected_name[CCESEC_CLIENT] = CVP_CN;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_NAME_MISMATCH, CCESEC_SEV_ERROR);
    assert_contains(v.reason, "CVP 198.18.133.13's certificate (somebody-else)");
    assert_contains(v.reason, "SIP Trunk Security Profile"); /* CUCM checks the client's name */

    /* Both wrong: one finding that mentions the other side too. */
    make_cert(&server, "wrong-server");
    evaluate(&f, &p, &v);
    g_assert_cmpuint(v.findings[0].code, ==, CCESEC_FIND_NAME_MISMATCH);
    assert_contains(v.reason, "(wrong-server)");
    assert_contains(v.reason, "also CVP 198.18.133.13's certificate");
}

static void test_pin(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;
    char pin[128] = "";
    guint i;

    make_cert(&cert, CUCM_CN);
    tls12_complete(&f, &cert);
    cvp_cucm(&p, 5061);
    for (i = 0; i < CCESEC_SHA256_LEN; i++)
        g_strlcat(pin, i ? ":AB" : "AB", sizeof pin); /* colons and upper case still match */
    p.expected_sha256[CCESEC_SERVER] = pin;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE, CCESEC_SEV_CHAT);

    cert.sha256[31] = 0xac;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_PIN_MISMATCH, CCESEC_SEV_ERROR);
    assert_contains(v.reason, "ab:ab:ab");
    assert_contains(v.reason, ":ac, not the pinned one");
}

static void test_validity(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    cert.not_after = NOW - 1;
    tls12_complete(&f, &cert);
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_CERT_EXPIRED, CCESEC_SEV_ERROR);
    assert_contains(v.reason, "expired on 2025-12-31 23:59:59 UTC");
    assert_contains(v.reason, "CVP's trust store");
    g_assert_null(find(&v, CCESEC_FIND_CERT_EXPIRING));

    make_cert(&cert, CUCM_CN);
    cert.not_before = NOW + DAY;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_CERT_NOT_YET_VALID, CCESEC_SEV_ERROR);
    assert_contains(v.reason, "not valid before 2026-01-02 00:00:00 UTC");
    assert_contains(v.reason, "NTP");

    /* Without a packet time there is nothing to compare with. */
    {
        ccesec_policy policy = default_policy();
        ccesec_evaluate(&f, &p, &policy, 0, &v);
        assert_judge_agrees(&f, &p, &policy, 0, &v);
        g_assert_cmpint(v.status, ==, CCESEC_STATUS_SECURE);
        g_assert_null(find(&v, CCESEC_FIND_CERT_NOT_YET_VALID));
    }

    /* Exactly at the edges the certificate is valid. */
    make_cert(&cert, CUCM_CN);
    cert.not_before = NOW;
    cert.not_after = NOW + 100 * DAY;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE, CCESEC_SEV_CHAT);
}

static void test_client_cert_missing(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    tls12_complete(&f, &cert);
    f.cert_request = TRUE;
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE, CCESEC_SEV_CHAT);

    f.client_cert_empty = TRUE;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_CLIENT_CERT_MISSING, CCESEC_SEV_ERROR);
    assert_contains(v.reason, "CUCM 198.18.133.3 asked CVP 198.18.133.13 for a certificate");
    assert_contains(v.reason, "CallManager-trust");
}

static void test_failed_beats_weak(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    cert.not_after = NOW - DAY;
    tls12_complete(&f, &cert);
    f.cipher = 0x003B; /* NULL */
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_CERT_EXPIRED, CCESEC_SEV_ERROR);
    assert_finding(&v, CCESEC_FIND_WEAK_CIPHER, CCESEC_SEV_WARN);
}

/* ---- 3. weak ---- */

static void test_weak_version(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    tls12_complete(&f, &cert);
    f.version = CCESEC_TLS10;
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_WEAK, CCESEC_FIND_WEAK_VERSION, CCESEC_SEV_WARN);
    assert_contains(v.reason, "CVP-CUCM: TLS 1.0 negotiated between CVP 198.18.133.13 and CUCM "
                              "198.18.133.3 is below the minimum TLS 1.2");
    assert_contains(v.reason, "CVP: 12.5 and later");
    assert_contains(v.reason, "set tls server min-version");

    /* The minimum is policy: TLS 1.0 allowed means no finding. */
    {
        ccesec_policy policy = default_policy();
        policy.min_tls_version = CCESEC_TLS10;
        ccesec_evaluate(&f, &p, &policy, NOW, &v);
        assert_judge_agrees(&f, &p, &policy, NOW, &v);
        g_assert_cmpint(v.status, ==, CCESEC_STATUS_SECURE);
        g_assert_null(find(&v, CCESEC_FIND_WEAK_VERSION));
    }
}

static void test_weak_null_cipher(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    tls12_complete(&f, &cert);
    f.cipher = 0x003B;
    make_peers(&p, CCESEC_ROLE_CUBE, "198.18.133.226", CCESEC_ROLE_CUCM, CUCM_IP, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_WEAK, CCESEC_FIND_WEAK_CIPHER, CCESEC_SEV_WARN);
    assert_contains(v.reason, "TLS_RSA_WITH_NULL_SHA256 (no encryption (NULL cipher))");
    assert_contains(v.reason, "'Authenticated'");
    assert_contains(v.reason, "'Encrypted'");
    g_assert_null(find(&v, CCESEC_FIND_LEGACY_CIPHER));
}

static void test_weak_cipher_other(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    tls12_complete(&f, &cert);
    f.cipher = 0x000A; /* 3DES */
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_WEAK, CCESEC_FIND_WEAK_CIPHER, CCESEC_SEV_WARN);
    assert_contains(v.reason, "TLS_RSA_WITH_3DES_EDE_CBC_SHA (DES/3DES)");
    assert_contains(v.reason, "TLS Ciphers");
}

static void test_strict_and_legacy_cipher(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;
    ccesec_policy policy = default_policy();

    make_cert(&cert, CUCM_CN);
    tls12_complete(&f, &cert);
    f.cipher = 0x002F; /* TLS_RSA_WITH_AES_128_CBC_SHA */
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE, CCESEC_SEV_CHAT);
    assert_finding(&v, CCESEC_FIND_LEGACY_CIPHER, CCESEC_SEV_NOTE);
    assert_contains(finding_text(&v, CCESEC_FIND_LEGACY_CIPHER), "TLS_RSA_WITH_AES_128_CBC_SHA");

    policy.strict_ciphers = TRUE;
    ccesec_evaluate(&f, &p, &policy, NOW, &v);
    assert_judge_agrees(&f, &p, &policy, NOW, &v);
    assert_status(&v, CCESEC_STATUS_WEAK, CCESEC_FIND_WEAK_CIPHER, CCESEC_SEV_WARN);
    assert_contains(v.reason, "RSA key transport (no forward secrecy)");
    g_assert_null(find(&v, CCESEC_FIND_LEGACY_CIPHER));

    /* A modern suite is neither. */
    f.cipher = GCM_SUITE;
    ccesec_evaluate(&f, &p, &policy, NOW, &v);
    assert_judge_agrees(&f, &p, &policy, NOW, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_SECURE);
    g_assert_cmpuint(v.n_findings, ==, 1);
}

static void test_weak_key(void)
{
    static const struct {
        ccesec_key_type type;
        guint bits;
        gboolean weak;
        const char *words;
    } keys[] = {
        {CCESEC_KEY_RSA, 1024, TRUE, "a 1024-bit RSA key"},
        {CCESEC_KEY_RSA, 2047, TRUE, "a 2047-bit RSA key"},
        {CCESEC_KEY_RSA, 2048, FALSE, NULL},
        {CCESEC_KEY_EC, 224, TRUE, "a 224-bit EC key"},
        {CCESEC_KEY_EC, 256, FALSE, NULL},
        {CCESEC_KEY_DSA, 2048, TRUE, "a DSA key"},
        {CCESEC_KEY_ED25519, 256, FALSE, NULL},
    };
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;
    gsize i;

    cvp_cucm(&p, 5061);
    for (i = 0; i < G_N_ELEMENTS(keys); i++) {
        make_cert(&cert, CUCM_CN);
        cert.key_type = keys[i].type;
        cert.key_bits = keys[i].bits;
        tls12_complete(&f, &cert);
        evaluate(&f, &p, &v);
        if (keys[i].weak) {
            assert_status(&v, CCESEC_STATUS_WEAK, CCESEC_FIND_WEAK_KEY, CCESEC_SEV_WARN);
            assert_contains(v.reason, keys[i].words);
        } else {
            g_assert_cmpint(v.status, ==, CCESEC_STATUS_SECURE);
            g_assert_null(find(&v, CCESEC_FIND_WEAK_KEY));
        }
    }
    /* The client's certificate counts too. */
    {
        ccesec_cert client;
        make_cert(&cert, CUCM_CN);
        make_cert(&client, CVP_CN);
        client.key_bits = 1024;
        tls12_complete(&f, &cert);
        f.client_cert = &client;
        evaluate(&f, &p, &v);
        assert_status(&v, CCESEC_STATUS_WEAK, CCESEC_FIND_WEAK_KEY, CCESEC_SEV_WARN);
        assert_contains(v.reason, "CVP 198.18.133.13's certificate");
    }
}

static void test_weak_signature(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    cert.sig_hash = CCESEC_HASH_SHA1;
    g_strlcpy(cert.sig_alg, "sha1WithRSAEncryption", sizeof cert.sig_alg);
    tls12_complete(&f, &cert);
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_WEAK, CCESEC_FIND_WEAK_SIGNATURE, CCESEC_SEV_WARN);
    assert_contains(v.reason, "sha1WithRSAEncryption (SHA-1)");

    cert.sig_hash = CCESEC_HASH_MD5;
    evaluate(&f, &p, &v);
    assert_contains(v.reason, "(MD5)");
    cert.sig_hash = CCESEC_HASH_SHA384;
    evaluate(&f, &p, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_SECURE);
}

static void test_weak_needs_complete_handshake(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    tls12_hello_only(&f, &cert);
    f.cipher = 0x0005; /* RC4, but nothing decided yet */
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_PENDING);
    g_assert_cmpint(v.severity, ==, CCESEC_SEV_CHAT);
    g_assert_cmpstr(v.reason, ==, "");
    g_assert_cmpuint(v.n_findings, ==, 0);
}

/* ---- 4. secure ---- */

static void test_secure_sentence(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    tls12_complete(&f, &cert);
    cvp_cucm(&p, 5061);
    p.expected_name[CCESEC_SERVER] = CUCM_CN;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE, CCESEC_SEV_CHAT);
    g_assert_cmpstr(v.reason, ==,
                    "CVP-CUCM: SIP over TLS 1.2 (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) between "
                    "CVP 198.18.133.13 and CUCM 198.18.133.3; certificate " CUCM_CN);
    g_assert_cmpuint(v.n_findings, ==, 1);
    g_assert_true(v.handshake_complete);

    /* Leg order follows the call flow whichever side is the client. */
    make_peers(&p, CCESEC_ROLE_CUCM, CUCM_IP, CCESEC_ROLE_CVP, CVP_IP, 5061);
    evaluate(&f, &p, &v);
    g_assert_true(g_str_has_prefix(v.reason, "CVP-CUCM: SIP over TLS 1.2"));
    assert_contains(v.reason, "between CUCM 198.18.133.3 and CVP 198.18.133.13");
}

/* Decrypted SIP without a handshake proves nothing about what was negotiated. */
static void test_decrypted_without_hello_is_unverified(void)
{
    ccesec_conn_facts f = {0};
    ccesec_peers p;
    ccesec_verdict v;

    f.transport = CCESEC_TRANSPORT_TLS;
    f.tls_seen = TRUE;
    f.sip_decrypted = TRUE;
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED, CCESEC_SEV_NOTE);
}

/* ---- notes ---- */

static void test_self_signed_note(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;

    make_cert(&cert, CUCM_CN);
    cert.self_signed = TRUE;
    tls12_complete(&f, &cert);
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE, CCESEC_SEV_CHAT);
    assert_finding(&v, CCESEC_FIND_SELF_SIGNED, CCESEC_SEV_NOTE);
    assert_contains(finding_text(&v, CCESEC_FIND_SELF_SIGNED),
                    "is self-signed: it must be imported into CVP's trust store: CVP: "
                    "C:\\Cisco\\CVP\\conf\\security\\.keystore");
    g_assert_cmpuint(v.n_findings, ==, 2);

    cert.self_signed = FALSE;
    evaluate(&f, &p, &v);
    g_assert_null(find(&v, CCESEC_FIND_SELF_SIGNED));
}

static void test_expiring_note(void)
{
    ccesec_conn_facts f;
    ccesec_cert cert;
    ccesec_peers p;
    ccesec_verdict v;
    ccesec_policy policy = default_policy();

    make_cert(&cert, CUCM_CN);
    cert.not_after = NOW + 10 * DAY;
    tls12_complete(&f, &cert);
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE, CCESEC_SEV_CHAT);
    assert_finding(&v, CCESEC_FIND_CERT_EXPIRING, CCESEC_SEV_NOTE);
    assert_contains(finding_text(&v, CCESEC_FIND_CERT_EXPIRING), "expires on 2026-01-11");

    cert.not_after = NOW + 31 * DAY;
    evaluate(&f, &p, &v);
    g_assert_null(find(&v, CCESEC_FIND_CERT_EXPIRING));

    cert.not_after = NOW + 10 * DAY;
    policy.expiry_warning_days = 0; /* disabled */
    ccesec_evaluate(&f, &p, &policy, NOW, &v);
    assert_judge_agrees(&f, &p, &policy, NOW, &v);
    g_assert_null(find(&v, CCESEC_FIND_CERT_EXPIRING));
}

static void test_unparsed_note(void)
{
    ccesec_conn_facts f;
    ccesec_peers p;
    ccesec_verdict v;

    tls12_complete(&f, NULL);
    f.server_cert_unparsed = TRUE;
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE, CCESEC_SEV_CHAT);
    assert_finding(&v, CCESEC_FIND_CERT_UNPARSED, CCESEC_SEV_NOTE);
    assert_contains(finding_text(&v, CCESEC_FIND_CERT_UNPARSED), "CUCM 198.18.133.3");
}

/* ---- 5/6. unverified and pending ---- */

static void test_unverified(void)
{
    ccesec_conn_facts f = {0};
    ccesec_peers p;
    ccesec_verdict v;

    f.transport = CCESEC_TRANSPORT_TLS;
    f.tls_seen = TRUE;
    f.data[CCESEC_CLIENT] = f.data[CCESEC_SERVER] = TRUE;
    cvp_cucm(&p, 5061);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED, CCESEC_SEV_NOTE);
    assert_contains(v.reason, "CVP-CUCM: TLS without its handshake in the capture");
    assert_contains(v.reason, "encrypted records in both directions");
    assert_contains(v.reason, "restart the Call Server's SIP service");
    assert_contains(v.reason, "or on CUCM reset the SIP trunk");

    /* A ClientHello alone is just early: pending... */
    f.client_hello = TRUE;
    evaluate(&f, &p, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_PENDING);
    g_assert_cmpuint(v.n_findings, ==, 0);
    /* ...until the capture ends: then unverified, saying where it stopped. */
    f.at_end = TRUE;
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED, CCESEC_SEV_NOTE);
    assert_contains(v.reason, "the capture ended during the TLS handshake");
    assert_contains(v.reason, "the server had not answered the ClientHello");
}

/* TLS on 5060, decoded by Wireshark as (failed) SIP: unverified, and how to decode it. */
static void test_tls_undecoded(void)
{
    ccesec_conn_facts f = {0};
    ccesec_peers p;
    ccesec_verdict v;

    f.transport = CCESEC_TRANSPORT_TLS;
    f.tls_undecoded = TRUE;
    cvp_cucm(&p, 5060);
    evaluate(&f, &p, &v);
    assert_status(&v, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED, CCESEC_SEV_NOTE);
    assert_contains(v.reason, "CVP-CUCM: TLS on port 5060");
    assert_contains(v.reason, "tshark -d tcp.port==5060,tls");

    /* Plaintext SIP beats it: the bytes were not all TLS. */
    f.sip_in_clear = TRUE;
    evaluate(&f, &p, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_PLAINTEXT);
}

static void test_pending_and_null_inputs(void)
{
    ccesec_conn_facts f = {0};
    ccesec_verdict v;

    ccesec_evaluate(&f, NULL, NULL, NOW, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_PENDING);
    g_assert_cmpstr(v.reason, ==, "");
    g_assert_cmpuint(v.n_findings, ==, 0);

    ccesec_evaluate(NULL, NULL, NULL, NOW, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_PENDING);
    ccesec_evaluate(&f, NULL, NULL, NOW, NULL); /* must not crash */

    /* No peers and no policy: generic words and the default port. */
    f.sip_in_clear = TRUE;
    f.transport = CCESEC_TRANSPORT_TCP;
    ccesec_evaluate(&f, NULL, NULL, NOW, &v);
    g_assert_true(g_str_has_prefix(v.reason, "unknown-unknown: SIP in clear text over TCP 0 "
                                             "between client and server; expected TLS on 5061"));
}

static void test_unknown_roles(void)
{
    ccesec_conn_facts f = {0};
    ccesec_peers p;
    ccesec_verdict v;

    f.sip_in_clear = TRUE;
    f.transport = CCESEC_TRANSPORT_TCP;
    make_peers(&p, CCESEC_ROLE_UNKNOWN, "10.0.0.1", CCESEC_ROLE_CUCM, CUCM_IP, 5060);
    evaluate(&f, &p, &v);
    g_assert_true(g_str_has_prefix(v.reason, "CUCM-unknown: SIP in clear text over TCP 5060 "
                                             "between client 10.0.0.1 and CUCM 198.18.133.3"));
    p.role[CCESEC_CLIENT] = (ccesec_role)99; /* out of range is unknown */
    evaluate(&f, &p, &v);
    g_assert_true(g_str_has_prefix(v.reason, "CUCM-unknown:"));
}

/* ---- Findings: once each, ordered, at most CCESEC_FINDINGS_MAX ---- */

static void test_findings_once_ordered_capped(void)
{
    ccesec_conn_facts f;
    ccesec_cert server, client;
    ccesec_peers p;
    ccesec_verdict v;
    guint i, j;

    make_cert(&server, "wrong-name");
    server.not_after = NOW - DAY;
    server.key_bits = 1024;
    server.sig_hash = CCESEC_HASH_SHA1;
    server.self_signed = TRUE;
    make_cert(&client, "also-wrong");
    client.not_before = NOW + DAY;
    client.key_bits = 512;
    client.self_signed = TRUE;
    tls12_hello_only(&f, &server);
    f.client_cert = &client;
    f.version = CCESEC_TLS11;
    f.cipher = 0x0004;
    f.alert_fatal = TRUE;
    f.alert_desc = 46;
    f.alert_sender = CCESEC_CLIENT;
    f.cert_request = TRUE;
    f.client_cert_empty = TRUE;
    f.server_cert_unparsed = TRUE;
    f.cut_frames = 3;
    f.snaplen = 128;
    f.segments_missing = TRUE;
    cvp_cucm(&p, 5061);
    p.expected_name[CCESEC_SERVER] = CUCM_CN;
    p.expected_name[CCESEC_CLIENT] = CVP_CN;
    p.expected_sha256[CCESEC_SERVER] = "00:11";
    evaluate(&f, &p, &v);

    assert_status(&v, CCESEC_STATUS_FAILED, CCESEC_FIND_ALERT, CCESEC_SEV_ERROR);
    g_assert_cmpuint(v.n_findings, ==, CCESEC_FINDINGS_MAX);
    for (i = 0; i < v.n_findings; i++) {
        g_assert_cmpuint(strlen(v.findings[i].text), >, 0);
        g_assert_true(g_str_has_prefix(v.findings[i].text, "CVP-CUCM: "));
        for (j = i + 1; j < v.n_findings; j++)
            g_assert_cmpint(v.findings[i].code, !=, v.findings[j].code);
        if (i > 1)
            g_assert_cmpint(v.findings[i].severity, <=, v.findings[i - 1].severity);
    }
    /* The errors come before the warnings; the malformed pin is ignored, not a mismatch. */
    assert_finding(&v, CCESEC_FIND_NAME_MISMATCH, CCESEC_SEV_ERROR);
    assert_finding(&v, CCESEC_FIND_CERT_EXPIRED, CCESEC_SEV_ERROR);
    assert_finding(&v, CCESEC_FIND_CERT_NOT_YET_VALID, CCESEC_SEV_ERROR);
    assert_finding(&v, CCESEC_FIND_CLIENT_CERT_MISSING, CCESEC_SEV_ERROR);
    assert_finding(&v, CCESEC_FIND_WEAK_VERSION, CCESEC_SEV_WARN);
    g_assert_null(find(&v, CCESEC_FIND_PIN_MISMATCH));
    g_assert_null(
        find(&v, CCESEC_FIND_SEGMENTS_MISSING)); /* the last notes are dropped past the cap */
}

/* ---- Texts never overflow and never carry raw bytes from the wire ---- */

static void assert_bounded(const ccesec_verdict *v)
{
    guint i;

    g_assert_nonnull(memchr(v->reason, '\0', sizeof v->reason));
    for (i = 0; i < v->n_findings; i++) {
        const char *t = v->findings[i].text;
        g_assert_nonnull(memchr(t, '\0', CCESEC_TEXT_MAX));
        for (; *t; t++)
            g_assert_true(*t >= 0x20 && *t <= 0x7e);
    }
}

static void test_long_names_never_overflow(void)
{
    char name[128], addr[128];
    ccesec_conn_facts f;
    ccesec_cert server, client;
    ccesec_peers p;
    ccesec_verdict v;
    guint alert;

    memset(name, 'n', 127);
    name[127] = '\0';
    memset(addr, '1', 127);
    addr[127] = '\0';
    make_cert(&server, name);
    make_cert(&client, name);
    server.subject_cn[5] = '\x1b'; /* an escape sequence off the wire */
    server.self_signed = client.self_signed = TRUE;
    server.not_after = NOW + DAY;
    make_peers(&p, CCESEC_ROLE_PHONE, addr, CCESEC_ROLE_CUCM, addr, 5060);
    p.expected_name[CCESEC_SERVER] = p.expected_name[CCESEC_CLIENT] = "x-expected";

    tls12_complete(&f, &server);
    f.client_cert = &client;
    f.sip_in_clear = TRUE;
    evaluate(&f, &p, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_PLAINTEXT);
    assert_bounded(&v);

    f.sip_in_clear = FALSE;
    evaluate(&f, &p, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_FAILED);
    assert_bounded(&v);
    g_assert_null(strchr(v.reason, '\x1b'));

    for (alert = 0; alert < 256; alert++) {
        tls12_hello_only(&f, &server);
        f.client_cert = &client;
        f.alert_fatal = TRUE;
        f.alert_desc = (guint8)alert;
        f.alert_sender = alert % 2 ? CCESEC_CLIENT : CCESEC_SERVER;
        f.cert_request = f.client_cert_empty = alert % 3 == 0;
        evaluate(&f, &p, &v);
        g_assert_cmpint(v.status, ==, CCESEC_STATUS_FAILED);
        assert_bounded(&v);
    }

    p.expected_name[CCESEC_SERVER] = p.expected_name[CCESEC_CLIENT] = NULL;
    tls12_complete(&f, &server);
    f.cipher = 0x0001;
    evaluate(&f, &p, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_WEAK);
    assert_bounded(&v);

    f.cipher = GCM_SUITE;
    evaluate(&f, &p, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_SECURE);
    assert_bounded(&v);
    g_assert_cmpuint(strlen(v.reason), <, CCESEC_TEXT_MAX);

    memset(&f, 0, sizeof f);
    f.tls_seen = TRUE;
    evaluate(&f, &p, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_UNVERIFIED);
    assert_bounded(&v);

    memset(&f, 0, sizeof f);
    f.client_hello = f.tls_seen = TRUE;
    f.rst[CCESEC_CLIENT] = f.closed = TRUE;
    evaluate(&f, &p, &v);
    g_assert_cmpint(v.status, ==, CCESEC_STATUS_FAILED);
    assert_bounded(&v);
}

/* With lab-sized names and addresses, every sentence fits whole: no advice is cut off. */
static void assert_fits(const ccesec_verdict *v)
{
    if (strlen(v->reason) >= CCESEC_TEXT_MAX - 1)
        g_error("cut short: %s", v->reason);
}

static void test_realistic_texts_fit(void)
{
    static const guint8 alerts[] = {10, 40, 42, 43, 44, 45,  46,  47, 48,
                                    49, 51, 70, 71, 80, 112, 116, 255};
    static const char *const addr[CCESEC_ROLE_COUNT] = {"198.18.133.250", "198.18.133.226",
                                                        "198.18.133.13",  "198.18.133.143",
                                                        "198.18.133.3",   "198.18.133.199"};
    ccesec_conn_facts f;
    ccesec_cert server, client;
    ccesec_peers p;
    ccesec_verdict v;
    guint c, s, a, side;

    make_cert(&server, "cucm1-pub.dcloud.cisco.com");
    make_cert(&client, "cvp1-callserver.dcloud.cisco.com");
    for (c = 0; c < CCESEC_ROLE_COUNT; c++) {
        for (s = 0; s < CCESEC_ROLE_COUNT; s++) {
            make_peers(&p, (ccesec_role)c, addr[c], (ccesec_role)s, addr[s], 5060);
            memset(&f, 0, sizeof f);
            f.transport = CCESEC_TRANSPORT_TCP;
            f.sip_in_clear = TRUE;
            evaluate(&f, &p, &v);
            assert_fits(&v);
            for (a = 0; a < G_N_ELEMENTS(alerts); a++) {
                for (side = 0; side < 2; side++) {
                    tls12_hello_only(&f, &server);
                    f.client_cert = &client;
                    f.alert_fatal = TRUE;
                    f.alert_desc = alerts[a];
                    f.alert_sender = (ccesec_side)side;
                    f.cert_request = f.client_cert_empty = alerts[a] == 40;
                    evaluate(&f, &p, &v);
                    assert_fits(&v);
                }
            }
            tls12_hello_only(&f, &server);
            f.fin[CCESEC_CLIENT] = f.closed = TRUE;
            f.first_closer = CCESEC_CLIENT;
            evaluate(&f, &p, &v);
            assert_fits(&v);
            tls12_hello_only(&f, NULL);
            f.rst[CCESEC_SERVER] = f.closed = TRUE;
            f.first_closer = CCESEC_SERVER;
            evaluate(&f, &p, &v);
            assert_fits(&v);
            for (side = 0; side < 2; side++) { /* encrypted alert from either side */
                f.encrypted_alert = TRUE;
                f.encrypted_alert_sender = (ccesec_side)side;
                evaluate(&f, &p, &v);
                assert_fits(&v);
            }
            tls12_hello_only(&f, &server); /* what the capture lacks */
            f.cut_frames = 40;
            f.snaplen = 128;
            f.closed = TRUE;
            evaluate(&f, &p, &v);
            g_assert_cmpint(v.status, ==, CCESEC_STATUS_UNVERIFIED);
            assert_fits(&v);
            f.cut_frames = 0;
            f.disorder = f.segments_missing = TRUE;
            f.missing_bytes = 1448;
            evaluate(&f, &p, &v);
            g_assert_cmpint(v.status, ==, CCESEC_STATUS_UNVERIFIED);
            assert_fits(&v);
            tls12_complete(&f, &server); /* notes beside a secure status */
            f.post_alert.seen = TRUE;
            f.resumed = TRUE;
            f.server_cert = NULL;
            evaluate(&f, &p, &v);
            assert_fits(&v);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/verdict/names", test_names);
    g_test_add_func("/verdict/plaintext/sentence", test_plaintext_sentence);
    g_test_add_func("/verdict/plaintext/beats_failed", test_plaintext_beats_failed);
    g_test_add_func("/verdict/failed/alert", test_failed_alert);
    g_test_add_func("/verdict/failed/alert_from_server", test_failed_alert_from_server);
    g_test_add_func("/verdict/failed/alert_after_completion",
                    test_alert_after_completion_is_not_failure);
    g_test_add_func("/verdict/failed/closed_after_certificate",
                    test_closed_early_after_certificate);
    g_test_add_func("/verdict/failed/closed_before_certificate",
                    test_closed_early_before_certificate);
    g_test_add_func("/verdict/failed/close_without_client_hello",
                    test_close_without_client_hello_is_not_failure);
    g_test_add_func("/verdict/failed/tls13_encrypted_alert", test_tls13_encrypted_alert);
    g_test_add_func("/verdict/failed/name_mismatch", test_name_mismatch);
    g_test_add_func("/verdict/failed/client_name_mismatch", test_client_name_mismatch);
    g_test_add_func("/verdict/failed/pin", test_pin);
    g_test_add_func("/verdict/failed/validity", test_validity);
    g_test_add_func("/verdict/failed/client_cert_missing", test_client_cert_missing);
    g_test_add_func("/verdict/failed/beats_weak", test_failed_beats_weak);
    g_test_add_func("/verdict/weak/version", test_weak_version);
    g_test_add_func("/verdict/weak/null_cipher", test_weak_null_cipher);
    g_test_add_func("/verdict/weak/other_cipher", test_weak_cipher_other);
    g_test_add_func("/verdict/weak/strict_and_legacy", test_strict_and_legacy_cipher);
    g_test_add_func("/verdict/weak/key", test_weak_key);
    g_test_add_func("/verdict/weak/signature", test_weak_signature);
    g_test_add_func("/verdict/weak/needs_complete", test_weak_needs_complete_handshake);
    g_test_add_func("/verdict/secure/sentence", test_secure_sentence);
    g_test_add_func("/verdict/unverified/decrypted_without_hello",
                    test_decrypted_without_hello_is_unverified);
    g_test_add_func("/verdict/note/self_signed", test_self_signed_note);
    g_test_add_func("/verdict/note/expiring", test_expiring_note);
    g_test_add_func("/verdict/note/unparsed", test_unparsed_note);
    g_test_add_func("/verdict/unverified", test_unverified);
    g_test_add_func("/verdict/tls_undecoded", test_tls_undecoded);
    g_test_add_func("/verdict/pending_and_null", test_pending_and_null_inputs);
    g_test_add_func("/verdict/unknown_roles", test_unknown_roles);
    g_test_add_func("/verdict/findings_once_ordered_capped", test_findings_once_ordered_capped);
    g_test_add_func("/verdict/long_names_never_overflow", test_long_names_never_overflow);
    g_test_add_func("/verdict/realistic_texts_fit", test_realistic_texts_fit);
    return g_test_run();
}
