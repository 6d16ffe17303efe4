/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The connection tracker, driven the way the glue drives it: one packet view per packet, in
 * capture order, shaped like the packets of real handshakes (TLS 1.2 full and abbreviated,
 * TLS 1.3 with and without client authentication, with and without a key log), TCP loss,
 * reordering and sequence wrap-around, frames cut by a snap length, and closes. Each test
 * asserts the facts, and the status ccesec_evaluate() makes of them where it matters. */
#include <string.h>

#include <glib.h>

#include "ccesec/cipher.h"
#include "ccesec/tracker.h"
#include "ccesec/verdict.h"
#include "judge_agrees.h"

#define NOW_S   G_GINT64_CONSTANT(1767225600) /* 2026-01-01 00:00:00 UTC */
#define STEP_MS 10                            /* between two packets of a test */
#define GCM12   0xC030                        /* ECDHE-RSA-AES256-GCM-SHA384 */
#define AES13   0x1301                        /* TLS_AES_128_GCM_SHA256 */

enum { CT_CCS = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APP_DATA = 23 };
enum {
    ALERT_BAD_CERTIFICATE = 42,
    ALERT_UNKNOWN_CA = 48,
    ALERT_INTERNAL_ERROR = 80,
    ALERT_CERTIFICATE_REQUIRED = 116
};
/* Handshake types the header has no name for */
#define HS_SERVER_HELLO_DONE     (1u << 14)
#define HS_CERTIFICATE_VERIFY    (1u << 15)
#define HS_CLIENT_KEY_EXCHANGE   (1u << 16)
#define HS_ENCRYPTED_EXTENSIONS  (1u << 8)
#define TLS13_FINISHED_RECORD    53 /* 32-byte verify data + 4 + inner type + 16-byte tag */
#define TLS13_ALERT_RECORD       19 /* 2 + inner type + tag */
#define TLS12_ENCRYPTED_ALERT    26 /* 2 bytes under AES-GCM: explicit nonce and tag */
#define TLS12_ENCRYPTED_FINISHED 40
#define SID_CLIENT               G_GUINT64_CONSTANT(0x1111)
#define SID_SERVER               G_GUINT64_CONSTANT(0x2222)
#define TCP_SYN                  1u
#define TCP_ACK                  2u
#define TCP_FIN                  4u
#define TCP_RST                  8u

/* ---- Packet views ---- */

static ccesec_packet_view packet(ccesec_side side)
{
    ccesec_packet_view v;
    memset(&v, 0, sizeof v);
    v.side = side;
    return v;
}

static void add_record_version(ccesec_packet_view *v, guint8 type, guint16 length, guint16 version)
{
    g_assert_cmpuint(v->n_records, <, CCESEC_VIEW_RECORDS_MAX);
    ccesec_record_view *r = &v->records[v->n_records++];
    r->type = type;
    r->length = length;
    r->version = version;
    v->tls = TRUE;
}

static void add_record(ccesec_packet_view *v, guint8 type, guint16 length)
{
    add_record_version(v, type, length, CCESEC_TLS12);
}

static ccesec_packet_view record(ccesec_side side, guint8 type, guint16 length)
{
    ccesec_packet_view v = packet(side);
    add_record(&v, type, length);
    return v;
}

static ccesec_packet_view data(ccesec_side side, guint16 length)
{
    return record(side, CT_APP_DATA, length);
}

static ccesec_packet_view client_hello(guint64 session_id)
{
    ccesec_packet_view v = packet(CCESEC_CLIENT);
    add_record_version(&v, CT_HANDSHAKE, 512, CCESEC_TLS10);
    v.handshake_types = CCESEC_HS_CLIENT_HELLO;
    v.session_id_hash = session_id;
    return v;
}

/* TLS 1.2: ServerHello, Certificate and ServerHelloDone with a new session ID. TLS 1.3:
 * ServerHello (echoing the client's legacy session ID, as in middlebox compatibility mode),
 * the middlebox ChangeCipherSpec, then the encrypted EncryptedExtensions, Certificate,
 * CertificateVerify and Finished, one record each. */
static ccesec_packet_view server_hello(guint16 version, guint16 cipher)
{
    ccesec_packet_view v = packet(CCESEC_SERVER);
    v.cipher = cipher;
    v.server_version = CCESEC_TLS12;
    if (version != CCESEC_TLS13) {
        v.server_version = version;
        v.session_id_hash = SID_SERVER;
        v.handshake_types = CCESEC_HS_SERVER_HELLO | CCESEC_HS_CERTIFICATE | HS_SERVER_HELLO_DONE;
        add_record_version(&v, CT_HANDSHAKE, 1800, version);
        return v;
    }
    v.supported_version = CCESEC_TLS13;
    v.session_id_hash = SID_CLIENT;
    v.handshake_types = CCESEC_HS_SERVER_HELLO;
    add_record(&v, CT_HANDSHAKE, 122);
    add_record(&v, CT_CCS, 1);
    add_record(&v, CT_APP_DATA, 23); /* EncryptedExtensions: as short as an alert */
    add_record(&v, CT_APP_DATA, 1400);
    add_record(&v, CT_APP_DATA, 281);
    add_record(&v, CT_APP_DATA, TLS13_FINISHED_RECORD);
    return v;
}

/* TLS 1.2 abbreviated handshake: ServerHello with the session ID given, ChangeCipherSpec and
 * the encrypted Finished, no Certificate. */
static ccesec_packet_view server_resumes(guint64 session_id)
{
    ccesec_packet_view v = packet(CCESEC_SERVER);
    v.server_version = CCESEC_TLS12;
    v.cipher = GCM12;
    v.session_id_hash = session_id;
    v.handshake_types = CCESEC_HS_SERVER_HELLO;
    add_record(&v, CT_HANDSHAKE, 81);
    add_record(&v, CT_CCS, 1);
    add_record(&v, CT_HANDSHAKE, TLS12_ENCRYPTED_FINISHED);
    return v;
}

/* TLS 1.2: ChangeCipherSpec and the encrypted Finished (the client's ClientKeyExchange
 * before them). */
static ccesec_packet_view ccs(ccesec_side side)
{
    ccesec_packet_view v = packet(side);
    if (side == CCESEC_CLIENT) {
        add_record(&v, CT_HANDSHAKE, 70);
        v.handshake_types = HS_CLIENT_KEY_EXCHANGE;
    }
    add_record(&v, CT_CCS, 1);
    add_record(&v, CT_HANDSHAKE, TLS12_ENCRYPTED_FINISHED);
    return v;
}

/* An alert in clear (before ChangeCipherSpec) or decrypted with a key log. */
static ccesec_packet_view clear_alert(ccesec_side side, guint8 desc)
{
    ccesec_packet_view v = record(side, CT_ALERT, 2);
    v.fatal_alert = TRUE;
    v.alert_desc = desc;
    return v;
}

/* TLS 1.3 client's second flight: the middlebox ChangeCipherSpec and its Finished. */
static ccesec_packet_view tls13_client_finished(void)
{
    ccesec_packet_view v = packet(CCESEC_CLIENT);
    add_record(&v, CT_CCS, 1);
    add_record(&v, CT_APP_DATA, TLS13_FINISHED_RECORD);
    return v;
}

static ccesec_packet_view tls13_short(ccesec_side side)
{
    return data(side, TLS13_ALERT_RECORD);
}

static ccesec_packet_view fin(ccesec_side side)
{
    ccesec_packet_view v = packet(side);
    v.fin = TRUE;
    return v;
}

static ccesec_packet_view rst(ccesec_side side)
{
    ccesec_packet_view v = packet(side);
    v.rst = TRUE;
    return v;
}

/* A TCP segment with the numbers given (payload not decoded as TLS). */
static ccesec_packet_view segment(ccesec_side side, guint32 seq, guint32 ack, guint32 len,
                                  guint flags)
{
    ccesec_packet_view v = packet(side);
    v.tcp = TRUE;
    v.seq = seq;
    v.ack = ack;
    v.payload_len = len;
    v.syn = (flags & TCP_SYN) != 0;
    v.ack_flag = (flags & TCP_ACK) != 0;
    v.fin = (flags & TCP_FIN) != 0;
    v.rst = (flags & TCP_RST) != 0;
    v.captured_len = v.wire_len = 54 + len;
    return v;
}

/* ---- A connection in capture order ---- */

typedef struct {
    ccesec_tracker tracker;
    ccesec_conn_facts facts;
    guint32 next_seq[2]; /* by side: the next byte each side sends */
    gint64 time_ms;
} conn;

static ccesec_side other(ccesec_side side)
{
    return side == CCESEC_CLIENT ? CCESEC_SERVER : CCESEC_CLIENT;
}

static void conn_init(conn *c, guint32 client_isn, guint32 server_isn)
{
    memset(c, 0, sizeof *c);
    c->next_seq[CCESEC_CLIENT] = client_isn;
    c->next_seq[CCESEC_SERVER] = server_isn;
    c->time_ms = NOW_S * 1000;
}

static guint32 payload_of(const ccesec_packet_view *v)
{
    guint32 len = 0;
    for (guint i = 0; i < v->n_records; i++)
        len += 5u + v->records[i].length;
    return len;
}

/* The packet as captured STEP_MS after the previous one; TCP numbers as they are. */
static gboolean track(conn *c, ccesec_packet_view v)
{
    c->time_ms += STEP_MS;
    v.time_ms = c->time_ms;
    if (v.wire_len == 0)
        v.captured_len = v.wire_len = 54 + v.payload_len;
    return ccesec_track_packet(&c->tracker, &c->facts, &v);
}

/* The packet's bytes at seq, acknowledging everything the other side sent. */
static gboolean send_at(conn *c, ccesec_packet_view v, guint32 seq)
{
    v.tcp = TRUE;
    if (v.payload_len == 0)
        v.payload_len = payload_of(&v);
    v.seq = seq;
    v.ack = c->next_seq[other(v.side)];
    v.ack_flag = !(v.syn && v.side == CCESEC_CLIENT);
    guint32 end = seq + v.payload_len + (v.syn ? 1u : 0u) + (v.fin ? 1u : 0u);
    if ((gint32)(end - c->next_seq[v.side]) > 0)
        c->next_seq[v.side] = end;
    return track(c, v);
}

/* The packet's bytes next in its side's stream. */
static gboolean send(conn *c, ccesec_packet_view v)
{
    return send_at(c, v, c->next_seq[v.side]);
}

static void tcp_open(conn *c)
{
    ccesec_packet_view syn = packet(CCESEC_CLIENT), syn_ack = packet(CCESEC_SERVER);
    syn.syn = syn_ack.syn = TRUE;
    send(c, syn);
    send(c, syn_ack);
    send(c, packet(CCESEC_CLIENT));
}

/* CH, ServerHello with certificate, client CKE + CCS + Finished, server CCS + Finished. */
static void tls12_full_handshake(conn *c)
{
    tcp_open(c);
    send(c, client_hello(SID_CLIENT));
    send(c, server_hello(CCESEC_TLS12, GCM12));
    send(c, ccs(CCESEC_CLIENT));
    send(c, ccs(CCESEC_SERVER));
}

/* CH, the server's flight, the client's Finished, a session ticket. */
static void tls13_full_handshake(conn *c)
{
    tcp_open(c);
    send(c, client_hello(SID_CLIENT));
    send(c, server_hello(CCESEC_TLS13, AES13));
    send(c, tls13_client_finished());
    send(c, data(CCESEC_SERVER, 250));
}

/* ---- The verdict ---- */

/* CVP (client) to CUCM (server) on 5061. at_end: the whole capture has been read. */
static ccesec_status status_of(const conn *c, gboolean at_end, ccesec_verdict *out)
{
    ccesec_peers peers;
    ccesec_policy policy;
    ccesec_conn_facts facts = c->facts;

    memset(&peers, 0, sizeof peers);
    peers.role[CCESEC_CLIENT] = CCESEC_ROLE_CVP;
    peers.role[CCESEC_SERVER] = CCESEC_ROLE_CUCM;
    peers.address[CCESEC_CLIENT] = "198.18.133.13";
    peers.address[CCESEC_SERVER] = "198.18.133.3";
    peers.port[CCESEC_CLIENT] = 49152;
    peers.port[CCESEC_SERVER] = 5061;
    ccesec_policy_init_defaults(&policy);
    facts.at_end = at_end;
    ccesec_evaluate(&facts, &peers, &policy, c->time_ms / 1000, out);
    assert_judge_agrees(&facts, &peers, &policy, c->time_ms / 1000, out);
    g_test_message("%s: %s", ccesec_status_name(out->status), out->reason);
    return out->status;
}

static gboolean has_finding(const ccesec_verdict *v, ccesec_finding_code code)
{
    for (guint i = 0; i < v->n_findings; i++) {
        if (v->findings[i].code == code)
            return TRUE;
    }
    return FALSE;
}

/* The status and the code of its finding (the first); FIND_COUNT: pending, no finding. */
static void assert_status(const conn *c, gboolean at_end, ccesec_status status,
                          ccesec_finding_code code)
{
    ccesec_verdict v;
    status_of(c, at_end, &v);
    g_assert_cmpstr(ccesec_status_name(v.status), ==, ccesec_status_name(status));
    if (code == CCESEC_FIND_COUNT) {
        g_assert_cmpuint(v.n_findings, ==, 0);
        return;
    }
    g_assert_cmpuint(v.n_findings, >=, 1);
    g_assert_cmpint(v.findings[0].code, ==, code);
}

static void assert_reason_contains(const conn *c, gboolean at_end, const char *part)
{
    ccesec_verdict v;
    status_of(c, at_end, &v);
    if (strstr(v.reason, part) == NULL)
        g_error("'%s' not found in '%s'", part, v.reason);
}

static void assert_nothing_missing(const ccesec_conn_facts *f)
{
    g_assert_false(f->segments_missing);
    g_assert_cmpuint(f->missing_bytes, ==, 0);
    g_assert_false(f->disorder);
    g_assert_cmpuint(f->cut_frames, ==, 0);
}

/* ---- TLS 1.2 ---- */

static void test_tls12_complete_by_ccs(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    g_assert_false(c.facts.tls_seen);

    g_assert_true(send(&c, client_hello(SID_CLIENT)));
    g_assert_true(c.facts.client_hello);
    g_assert_cmpint(c.facts.transport, ==, CCESEC_TRANSPORT_TLS);
    assert_status(&c, FALSE, CCESEC_STATUS_PENDING, CCESEC_FIND_COUNT);

    g_assert_true(send(&c, server_hello(CCESEC_TLS12, GCM12)));
    g_assert_true(c.facts.server_hello);
    g_assert_cmphex(c.facts.version, ==, CCESEC_TLS12);
    g_assert_cmphex(c.facts.cipher, ==, GCM12);
    g_assert_false(c.facts.version_from_records);
    assert_status(&c, FALSE, CCESEC_STATUS_PENDING, CCESEC_FIND_COUNT);

    g_assert_true(send(&c, ccs(CCESEC_CLIENT)));
    g_assert_cmpuint(c.facts.ccs[CCESEC_CLIENT], ==, 1);
    g_assert_cmpuint(c.facts.ccs[CCESEC_SERVER], ==, 0);
    g_assert_false(c.facts.complete);
    /* The capture ends here: the server's acceptance is not in it. */
    assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);

    g_assert_true(send(&c, ccs(CCESEC_SERVER)));
    g_assert_true(c.facts.complete);
    g_assert_cmpint(c.facts.proof, ==, CCESEC_PROOF_CCS);
    g_assert_cmpint(c.facts.complete_ms, ==, c.time_ms);
    g_assert_false(c.facts.resumed);
    g_assert_false(c.facts.alert_fatal);
    g_assert_false(c.facts.post_alert.seen);
    g_assert_false(c.facts.closed);
    assert_nothing_missing(&c.facts);
    g_assert_true(ccesec_handshake_complete(&c.facts));
    assert_status(&c, FALSE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);
    assert_status(&c, TRUE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);

    /* The proof stays the first one. */
    gint64 complete_ms = c.facts.complete_ms;
    send(&c, data(CCESEC_CLIENT, 900));
    send(&c, data(CCESEC_SERVER, 400));
    g_assert_cmpint(c.facts.proof, ==, CCESEC_PROOF_CCS);
    g_assert_cmpint(c.facts.complete_ms, ==, complete_ms);
}

/* The ChangeCipherSpecs were not decoded (only TCP bytes): data both ways proves it. */
static void test_tls12_complete_by_data(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS12, GCM12));
    send(&c, segment(CCESEC_CLIENT, 0, 0, 126, TCP_ACK)); /* CKE, CCS, Finished, undecoded */
    send(&c, segment(CCESEC_SERVER, 0, 0, 51, TCP_ACK));
    g_assert_false(c.facts.complete);

    send(&c, data(CCESEC_CLIENT, 900)); /* INVITE */
    g_assert_true(c.facts.data[CCESEC_CLIENT]);
    g_assert_false(c.facts.complete);                  /* one direction is not enough */
    g_assert_true(send(&c, data(CCESEC_SERVER, 400))); /* 100 Trying */
    g_assert_true(c.facts.complete);
    g_assert_cmpint(c.facts.proof, ==, CCESEC_PROOF_DATA);
    g_assert_cmpint(c.facts.complete_ms, ==, c.time_ms);
    assert_nothing_missing(&c.facts);
    assert_status(&c, TRUE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);
}

/* Data both ways without a ServerHello in the capture proves nothing about the handshake. */
static void test_tls12_data_without_hello_is_not_completion(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    send(&c, data(CCESEC_CLIENT, 900));
    send(&c, data(CCESEC_SERVER, 400));
    g_assert_true(c.facts.tls_seen);
    g_assert_false(c.facts.complete);
    g_assert_cmphex(c.facts.version, ==, 0); /* TLS 1.2 record layer: 1.2 or 1.3 */
    g_assert_false(c.facts.version_from_records);
    assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
    assert_reason_contains(&c, TRUE, "older than the capture");
}

/* How Wireshark shows the client's second flight when its segments arrive out of order
 * depends on tcp.reassemble_out_of_order: in the early frame, in the late frame, or never. */
typedef enum { CCS_IN_EARLY_FRAME, CCS_IN_LATE_FRAME, CCS_NEVER_DECODED } ccs_shown;

/* CH, SH; the client's flight in two segments captured in reverse order (the CKE segment
 * after the CCS + Finished segment and after the server's answer); then either data both
 * ways, or a close. */
static void disorder_run(conn *c, ccs_shown shown, gboolean then_data)
{
    conn_init(c, 1000, 5000);
    tcp_open(c);
    send(c, client_hello(SID_CLIENT));
    send(c, server_hello(CCESEC_TLS12, GCM12));

    guint32 flight = c->next_seq[CCESEC_CLIENT];
    ccesec_packet_view second = packet(CCESEC_CLIENT);
    if (shown == CCS_IN_EARLY_FRAME) {
        add_record(&second, CT_CCS, 1);
        add_record(&second, CT_HANDSHAKE, TLS12_ENCRYPTED_FINISHED);
    }
    second.payload_len = 6 + 5 + TLS12_ENCRYPTED_FINISHED;
    send_at(c, second, flight + 75);
    g_assert_true(c->facts.segments_missing);
    g_assert_cmpuint(c->facts.missing_bytes, ==, 75);
    g_assert_true(c->facts.disorder);

    send(c, ccs(CCESEC_SERVER));

    ccesec_packet_view first = packet(CCESEC_CLIENT);
    add_record(&first, CT_HANDSHAKE, 70);
    first.handshake_types = HS_CLIENT_KEY_EXCHANGE;
    if (shown == CCS_IN_LATE_FRAME) {
        add_record(&first, CT_CCS, 1);
        add_record(&first, CT_HANDSHAKE, TLS12_ENCRYPTED_FINISHED);
    }
    first.payload_len = 75;
    send_at(c, first, flight);
    g_assert_false(c->facts.segments_missing);
    g_assert_cmpuint(c->facts.missing_bytes, ==, 0);
    g_assert_true(c->facts.disorder); /* some records may not have been decoded */
    /* Records of segments beyond or filling a hole are not read, however Wireshark showed
     * them: the facts are the same in all three ways. */
    g_assert_cmpuint(c->facts.ccs[CCESEC_CLIENT], ==, 0);
    g_assert_cmpuint(c->facts.ccs[CCESEC_SERVER], ==, 1);
    g_assert_false(c->facts.complete); /* CCS is no proof after disorder */

    if (then_data) {
        send(c, data(CCESEC_CLIENT, 900));
        send(c, data(CCESEC_SERVER, 400));
    } else {
        send(c, fin(CCESEC_SERVER));
    }
}

static void test_tls12_disorder_refuses_ccs_accepts_data(void)
{
    static const ccs_shown all[] = {CCS_IN_EARLY_FRAME, CCS_IN_LATE_FRAME, CCS_NEVER_DECODED};
    for (guint i = 0; i < G_N_ELEMENTS(all); i++) {
        conn c;
        disorder_run(&c, all[i], TRUE);
        g_assert_true(c.facts.complete);
        g_assert_cmpint(c.facts.proof, ==, CCESEC_PROOF_DATA);
        g_assert_true(c.facts.disorder);
        g_assert_false(c.facts.segments_missing);
        assert_status(&c, TRUE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);

        disorder_run(&c, all[i], FALSE);
        g_assert_false(c.facts.complete);
        g_assert_true(c.facts.closed);
        /* A close after a gap is no refusal: the capture lacks the evidence. */
        assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
        assert_reason_contains(&c, TRUE, "lacks or reorders segments");
    }
}

static void test_tls12_alert_in_handshake(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS12, GCM12));
    g_assert_true(send(&c, clear_alert(CCESEC_CLIENT, ALERT_UNKNOWN_CA)));
    send(&c, fin(CCESEC_CLIENT));

    g_assert_true(c.facts.alert_fatal);
    g_assert_cmpuint(c.facts.alert_desc, ==, ALERT_UNKNOWN_CA);
    g_assert_cmpint(c.facts.alert_sender, ==, CCESEC_CLIENT);
    g_assert_false(c.facts.post_alert.seen);
    g_assert_false(c.facts.complete);
    g_assert_false(c.facts.encrypted_alert);
    g_assert_true(c.facts.closed);
    g_assert_cmpint(c.facts.first_closer, ==, CCESEC_CLIENT);
    assert_status(&c, TRUE, CCESEC_STATUS_FAILED, CCESEC_FIND_ALERT);

    /* A second alert does not replace the first. */
    send(&c, clear_alert(CCESEC_SERVER, ALERT_INTERNAL_ERROR));
    g_assert_cmpuint(c.facts.alert_desc, ==, ALERT_UNKNOWN_CA);
    g_assert_cmpint(c.facts.alert_sender, ==, CCESEC_CLIENT);
}

/* TLS 1.2 client authentication: the server refuses the client's certificate after the
 * client's ChangeCipherSpec, in clear (it has not changed ciphers itself). */
static void test_tls12_client_certificate_refused(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    ccesec_packet_view sh = server_hello(CCESEC_TLS12, GCM12);
    sh.handshake_types |= CCESEC_HS_CERTIFICATE_REQUEST;
    send(&c, sh);
    g_assert_true(c.facts.cert_request);

    ccesec_packet_view flight = ccs(CCESEC_CLIENT);
    flight.handshake_types |= CCESEC_HS_CERTIFICATE | HS_CERTIFICATE_VERIFY;
    send(&c, flight);
    g_assert_false(c.facts.client_cert_empty);
    send(&c, clear_alert(CCESEC_SERVER, ALERT_BAD_CERTIFICATE));
    send(&c, fin(CCESEC_SERVER));

    g_assert_cmpuint(c.facts.ccs[CCESEC_CLIENT], ==, 1);
    g_assert_true(c.facts.alert_fatal);
    g_assert_cmpint(c.facts.alert_sender, ==, CCESEC_SERVER);
    g_assert_cmpuint(c.facts.alert_desc, ==, ALERT_BAD_CERTIFICATE);
    g_assert_false(c.facts.complete);
    assert_status(&c, TRUE, CCESEC_STATUS_FAILED, CCESEC_FIND_ALERT);

    /* A ChangeCipherSpec after the alert proves nothing. */
    send(&c, ccs(CCESEC_SERVER));
    g_assert_false(c.facts.complete);
}

static void test_tls12_client_certificate_empty(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    ccesec_packet_view sh = server_hello(CCESEC_TLS12, GCM12);
    sh.handshake_types |= CCESEC_HS_CERTIFICATE_REQUEST;
    send(&c, sh);
    ccesec_packet_view flight = ccs(CCESEC_CLIENT);
    flight.handshake_types |= CCESEC_HS_CERTIFICATE;
    flight.empty_certificate = TRUE;
    send(&c, flight);
    g_assert_true(c.facts.client_cert_empty);

    /* Without a request, an empty Certificate is not a missing client certificate. */
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS12, GCM12));
    send(&c, flight);
    g_assert_false(c.facts.cert_request);
    g_assert_false(c.facts.client_cert_empty);
}

/* The same alert in clear, three seconds after the handshake completed: an abort. */
static void test_tls12_alert_after_completion(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tls12_full_handshake(&c);
    g_assert_true(c.facts.complete);
    gint64 complete_ms = c.facts.complete_ms;
    send(&c, data(CCESEC_CLIENT, 900)); /* INVITE */
    send(&c, data(CCESEC_SERVER, 400)); /* 200 OK */
    c.time_ms += 3000;
    g_assert_true(send(&c, clear_alert(CCESEC_SERVER, ALERT_UNKNOWN_CA)));
    send(&c, fin(CCESEC_SERVER));

    g_assert_false(c.facts.alert_fatal);
    g_assert_true(c.facts.post_alert.seen);
    g_assert_true(c.facts.post_alert.known);
    g_assert_cmpuint(c.facts.post_alert.desc, ==, ALERT_UNKNOWN_CA);
    g_assert_cmpint(c.facts.post_alert.sender, ==, CCESEC_SERVER);
    g_assert_cmpint(c.facts.post_alert.after_ms, ==, 3000 + 3 * STEP_MS);
    g_assert_cmpint(c.time_ms - STEP_MS - complete_ms, ==, c.facts.post_alert.after_ms);
    g_assert_true(c.facts.complete);

    ccesec_verdict v;
    g_assert_cmpint(status_of(&c, TRUE, &v), ==, CCESEC_STATUS_SECURE);
    g_assert_true(has_finding(&v, CCESEC_FIND_ABORTED));

    /* A later alert does not replace the first. */
    send(&c, clear_alert(CCESEC_CLIENT, ALERT_INTERNAL_ERROR));
    g_assert_cmpint(c.facts.post_alert.sender, ==, CCESEC_SERVER);
}

/* After completion an encrypted alert (a record longer than 2 bytes) may be close_notify:
 * without keys it is nothing; with a key log that names it fatal, an abort. Both secure. */
static void test_tls12_encrypted_alert_after_completion(void)
{
    for (int keylog = 0; keylog <= 1; keylog++) {
        conn c;
        conn_init(&c, 1000, 5000);
        tls12_full_handshake(&c);
        send(&c, data(CCESEC_CLIENT, 900));
        send(&c, data(CCESEC_SERVER, 400));
        ccesec_packet_view alert = record(CCESEC_SERVER, CT_ALERT, TLS12_ENCRYPTED_ALERT);
        alert.fatal_alert = keylog;
        alert.alert_desc = keylog ? ALERT_INTERNAL_ERROR : 0;
        g_assert_cmpint(send(&c, alert), ==, keylog);
        send(&c, fin(CCESEC_SERVER));

        g_assert_true(c.facts.complete);
        g_assert_false(c.facts.alert_fatal);
        g_assert_false(c.facts.encrypted_alert);
        g_assert_cmpint(c.facts.post_alert.seen, ==, keylog);
        g_assert_cmpint(c.facts.post_alert.known, ==, keylog);
        assert_status(&c, TRUE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);
    }
}

/* Abbreviated handshake: the server changed ciphers, then gave up on the silent client with
 * an encrypted alert and a close. */
static void test_tls12_encrypted_alert_before_completion(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_resumes(SID_CLIENT));
    send(&c, record(CCESEC_SERVER, CT_ALERT, TLS12_ENCRYPTED_ALERT));
    g_assert_true(c.facts.short_record);
    g_assert_false(c.facts.encrypted_alert); /* not before the close */
    send(&c, fin(CCESEC_SERVER));
    g_assert_true(c.facts.encrypted_alert);
    g_assert_cmpint(c.facts.encrypted_alert_sender, ==, CCESEC_SERVER);
    g_assert_false(c.facts.alert_fatal);
    g_assert_false(c.facts.complete);
    assert_status(&c, TRUE, CCESEC_STATUS_FAILED, CCESEC_FIND_ENCRYPTED_ALERT);

    /* The client's late ChangeCipherSpec cannot complete it any more. */
    send(&c, ccs(CCESEC_CLIENT));
    g_assert_false(c.facts.complete);
}

/* ---- TLS 1.3 ---- */

static void test_tls13_complete(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS13, AES13));
    g_assert_cmphex(c.facts.version, ==, CCESEC_TLS13);
    g_assert_cmphex(c.facts.cipher, ==, AES13);
    g_assert_false(c.facts.resumed); /* the echoed legacy session ID is compatibility mode */
    g_assert_false(c.facts.client_flight);
    g_assert_false(c.facts.server_answered); /* its own flight answers nothing */

    send(&c, tls13_client_finished());
    g_assert_true(c.facts.client_flight);
    g_assert_true(c.facts.client_finished);
    g_assert_false(c.facts.complete);
    assert_status(&c, FALSE, CCESEC_STATUS_PENDING, CCESEC_FIND_COUNT);

    /* A record of an alert's size is no answer; the smallest session ticket is. */
    send(&c, data(CCESEC_SERVER, CCESEC_TLS13_ALERT_RECORD_MAX));
    g_assert_false(c.facts.server_answered);
    g_assert_false(c.facts.complete);
    g_assert_true(send(&c, data(CCESEC_SERVER, CCESEC_TLS13_ALERT_RECORD_MAX + 1)));
    g_assert_true(c.facts.server_answered);
    g_assert_true(c.facts.complete);
    g_assert_cmpint(c.facts.proof, ==, CCESEC_PROOF_TLS13_REPLY);
    g_assert_cmpint(c.facts.complete_ms, ==, c.time_ms);
    g_assert_cmpuint(c.facts.ccs[CCESEC_CLIENT], ==, 0);
    g_assert_cmpuint(c.facts.ccs[CCESEC_SERVER], ==, 0);
    assert_nothing_missing(&c.facts);
    assert_status(&c, TRUE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);
    assert_reason_contains(&c, TRUE, "TLS 1.3");
}

/* Client authentication accepted, no session tickets: the server's answer to the INVITE. */
static void test_tls13_complete_by_reply_without_ticket(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS13, AES13));
    ccesec_packet_view flight = packet(CCESEC_CLIENT);
    add_record(&flight, CT_CCS, 1);
    add_record(&flight, CT_APP_DATA, 1300); /* Certificate */
    add_record(&flight, CT_APP_DATA, 281);  /* CertificateVerify */
    add_record(&flight, CT_APP_DATA, TLS13_FINISHED_RECORD);
    send(&c, flight);
    send(&c, data(CCESEC_CLIENT, 900)); /* INVITE */
    g_assert_false(c.facts.complete);
    send(&c, data(CCESEC_SERVER, 400)); /* 100 Trying */
    g_assert_true(c.facts.complete);
    assert_status(&c, TRUE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);
}

/* The client's certificate flight, several records over two packets; the server answers with
 * an alert-size record and closes: it refused the client's certificate. */
static void tls13_client_auth_refused(conn *c, gboolean keylog, gboolean alert_with_fin)
{
    conn_init(c, 1000, 5000);
    tcp_open(c);
    send(c, client_hello(SID_CLIENT));
    ccesec_packet_view sh = server_hello(CCESEC_TLS13, AES13);
    if (keylog)
        sh.handshake_types |= HS_ENCRYPTED_EXTENSIONS | CCESEC_HS_CERTIFICATE_REQUEST |
                              CCESEC_HS_CERTIFICATE | HS_CERTIFICATE_VERIFY | CCESEC_HS_FINISHED;
    send(c, sh);

    ccesec_packet_view certificate = packet(CCESEC_CLIENT);
    add_record(&certificate, CT_CCS, 1);
    add_record(&certificate, CT_APP_DATA, 1300);
    ccesec_packet_view rest = packet(CCESEC_CLIENT);
    add_record(&rest, CT_APP_DATA, 281);
    add_record(&rest, CT_APP_DATA, TLS13_FINISHED_RECORD);
    if (keylog) {
        certificate.handshake_types = CCESEC_HS_CERTIFICATE;
        rest.handshake_types = HS_CERTIFICATE_VERIFY | CCESEC_HS_FINISHED;
    }
    send(c, certificate);
    send(c, rest);

    ccesec_packet_view alert = tls13_short(CCESEC_SERVER);
    if (keylog) {
        alert.fatal_alert = TRUE;
        alert.alert_desc = ALERT_BAD_CERTIFICATE;
    }
    alert.fin = alert_with_fin;
    send(c, alert);
    if (!alert_with_fin)
        send(c, fin(CCESEC_SERVER));
}

static void test_tls13_client_certificate_refused(void)
{
    for (int with_fin = 0; with_fin <= 1; with_fin++) {
        conn c;
        tls13_client_auth_refused(&c, FALSE, with_fin);
        g_assert_true(c.facts.client_finished);
        g_assert_false(c.facts.server_answered);
        g_assert_false(c.facts.complete);
        g_assert_true(c.facts.encrypted_alert);
        g_assert_cmpint(c.facts.encrypted_alert_sender, ==, CCESEC_SERVER);
        g_assert_false(c.facts.alert_fatal);
        g_assert_cmpint(c.facts.first_closer, ==, CCESEC_SERVER);
        assert_status(&c, TRUE, CCESEC_STATUS_FAILED, CCESEC_FIND_ENCRYPTED_ALERT);
        assert_reason_contains(&c, TRUE, "refused the client's certificate");
    }
}

/* A key log names the alert (and decrypts the handshake messages): the handshake is just as
 * incomplete as without it, and the status the same. */
static void test_tls13_keylog_adds_the_alert_only(void)
{
    conn without, with;
    tls13_client_auth_refused(&without, FALSE, FALSE);
    tls13_client_auth_refused(&with, TRUE, FALSE);

    g_assert_true(with.facts.alert_fatal);
    g_assert_cmpuint(with.facts.alert_desc, ==, ALERT_BAD_CERTIFICATE);
    g_assert_cmpint(with.facts.alert_sender, ==, CCESEC_SERVER);
    g_assert_true(with.facts.finished[CCESEC_CLIENT]);
    g_assert_true(with.facts.cert_request);
    g_assert_false(without.facts.cert_request); /* encrypted */
    g_assert_cmpint(with.facts.complete, ==, without.facts.complete);
    g_assert_cmpint(with.facts.client_finished, ==, without.facts.client_finished);
    g_assert_cmpint(with.facts.server_answered, ==, without.facts.server_answered);
    g_assert_false(with.facts.complete);
    assert_status(&with, TRUE, CCESEC_STATUS_FAILED, CCESEC_FIND_ALERT);
    assert_status(&without, TRUE, CCESEC_STATUS_FAILED, CCESEC_FIND_ENCRYPTED_ALERT);

    /* A completed handshake completes at the same packet with the key log. */
    conn plain, keyed;
    conn_init(&plain, 1000, 5000);
    tls13_full_handshake(&plain);
    conn_init(&keyed, 1000, 5000);
    tcp_open(&keyed);
    send(&keyed, client_hello(SID_CLIENT));
    ccesec_packet_view sh = server_hello(CCESEC_TLS13, AES13);
    sh.handshake_types |= CCESEC_HS_CERTIFICATE | CCESEC_HS_FINISHED;
    send(&keyed, sh);
    ccesec_packet_view finished = tls13_client_finished();
    finished.handshake_types = CCESEC_HS_FINISHED;
    send(&keyed, finished);
    ccesec_packet_view ticket = data(CCESEC_SERVER, 250);
    ticket.handshake_types = CCESEC_HS_NEW_SESSION_TICKET;
    send(&keyed, ticket);
    g_assert_true(plain.facts.complete);
    g_assert_true(keyed.facts.complete);
    g_assert_cmpint(keyed.facts.proof, ==, plain.facts.proof);
    g_assert_cmpint(keyed.facts.complete_ms, ==, plain.facts.complete_ms);
    g_assert_false(keyed.facts.resumed);
}

/* The client refuses the server's certificate: an alert-size record instead of its Finished,
 * then its close. */
static void test_tls13_client_refuses_server(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS13, AES13));
    ccesec_packet_view alert = packet(CCESEC_CLIENT);
    add_record(&alert, CT_CCS, 1);
    add_record(&alert, CT_APP_DATA, TLS13_ALERT_RECORD);
    send(&c, alert);
    g_assert_true(c.facts.client_flight);
    g_assert_false(c.facts.client_finished);
    send(&c, fin(CCESEC_CLIENT));

    g_assert_true(c.facts.encrypted_alert);
    g_assert_cmpint(c.facts.encrypted_alert_sender, ==, CCESEC_CLIENT);
    g_assert_cmpint(c.facts.first_closer, ==, CCESEC_CLIENT);
    g_assert_false(c.facts.complete);
    assert_status(&c, TRUE, CCESEC_STATUS_FAILED, CCESEC_FIND_ENCRYPTED_ALERT);
    assert_reason_contains(&c, TRUE, "before its Finished");
}

static void test_tls13_client_flight_then_nothing(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS13, AES13));
    send(&c, tls13_client_finished());
    send(&c,
         segment(CCESEC_SERVER, c.next_seq[CCESEC_SERVER], c.next_seq[CCESEC_CLIENT], 0, TCP_ACK));

    g_assert_true(c.facts.client_finished);
    g_assert_false(c.facts.complete);
    g_assert_false(c.facts.encrypted_alert);
    assert_status(&c, FALSE, CCESEC_STATUS_PENDING, CCESEC_FIND_COUNT);
    assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
    assert_reason_contains(&c, TRUE, "had not yet answered the client's Finished");
}

/* TLS 1.3 middlebox ChangeCipherSpecs (also one the client sends right after its hello)
 * prove nothing and are no abbreviated handshake. */
static void test_tls13_middlebox_ccs_ignored(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, record(CCESEC_CLIENT, CT_CCS, 1));
    send(&c, server_hello(CCESEC_TLS13, AES13));
    send(&c, record(CCESEC_CLIENT, CT_CCS, 1));
    send(&c, record(CCESEC_SERVER, CT_CCS, 1));
    g_assert_cmpuint(c.facts.ccs[CCESEC_SERVER], ==, 0);
    g_assert_false(c.facts.resumed);
    g_assert_false(c.facts.complete);
    g_assert_false(c.facts.client_flight);
    assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
}

/* A decrypted fatal alert after completion is an abort; without keys the short record says
 * nothing. Secure both ways. */
static void test_tls13_alert_after_completion(void)
{
    for (int keylog = 0; keylog <= 1; keylog++) {
        conn c;
        conn_init(&c, 1000, 5000);
        tls13_full_handshake(&c);
        g_assert_true(c.facts.complete);
        send(&c, data(CCESEC_CLIENT, 900));
        ccesec_packet_view alert = tls13_short(CCESEC_SERVER);
        alert.fatal_alert = keylog;
        alert.alert_desc = keylog ? ALERT_INTERNAL_ERROR : 0;
        send(&c, alert);
        send(&c, fin(CCESEC_SERVER));
        g_assert_cmpint(c.facts.post_alert.seen, ==, keylog);
        g_assert_false(c.facts.alert_fatal);
        g_assert_false(c.facts.encrypted_alert);
        assert_status(&c, TRUE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);
    }
}

/* A session ticket and an alert in one packet (key log): the ticket completes the handshake
 * first, so the alert comes after it, as the record order says. */
static void test_tls13_alert_after_ticket_in_one_packet(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS13, AES13));
    send(&c, tls13_client_finished());
    ccesec_packet_view v = data(CCESEC_SERVER, 250);
    add_record(&v, CT_APP_DATA, TLS13_ALERT_RECORD);
    v.fatal_alert = TRUE;
    v.alert_desc = ALERT_INTERNAL_ERROR;
    send(&c, v);
    g_assert_true(c.facts.complete);
    g_assert_false(c.facts.alert_fatal);
    g_assert_true(c.facts.post_alert.seen);
    g_assert_cmpint(c.facts.post_alert.after_ms, ==, 0);
}

/* A client that checks the server and leaves at once (openssl s_client < /dev/null, a
 * load-balancer probe): its Finished, its close_notify and its FIN reach the capture before
 * the server's session ticket. The client's record after its own Finished is no refusal. */
static void test_tls13_client_closes_after_its_finished(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS13, AES13));
    ccesec_packet_view leave = tls13_client_finished();
    add_record(&leave, CT_APP_DATA, TLS13_ALERT_RECORD); /* close_notify */
    send(&c, leave);
    send(&c, fin(CCESEC_CLIENT));
    g_assert_false(c.facts.encrypted_alert);
    g_assert_cmpint(c.facts.first_closer, ==, CCESEC_CLIENT);

    send(&c, data(CCESEC_SERVER, 250)); /* the ticket: the server accepted the Finished */
    g_assert_true(c.facts.complete);
    g_assert_cmpint(c.facts.proof, ==, CCESEC_PROOF_TLS13_REPLY);
    assert_status(&c, TRUE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);

    /* A key log that shows a fatal alert there changes nothing either. */
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS13, AES13));
    ccesec_packet_view keyed = leave;
    keyed.fatal_alert = TRUE;
    keyed.alert_desc = ALERT_INTERNAL_ERROR;
    send(&c, keyed);
    send(&c, fin(CCESEC_CLIENT));
    send(&c, data(CCESEC_SERVER, 250));
    g_assert_false(c.facts.alert_fatal);
    g_assert_true(c.facts.complete);
    assert_status(&c, TRUE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);

    /* The same client, and a server that refuses its certificate: the server's alert. */
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS13, AES13));
    send(&c, leave);
    send(&c, fin(CCESEC_CLIENT));
    ccesec_packet_view refusal = tls13_short(CCESEC_SERVER);
    refusal.fin = TRUE;
    send(&c, refusal);
    g_assert_false(c.facts.complete);
    g_assert_true(c.facts.encrypted_alert); /* the server's, with its own close */
    g_assert_cmpint(c.facts.encrypted_alert_sender, ==, CCESEC_SERVER);
    g_assert_cmpint(c.facts.first_closer, ==, CCESEC_CLIENT);
    assert_status(&c, TRUE, CCESEC_STATUS_FAILED, CCESEC_FIND_ENCRYPTED_ALERT);
    assert_reason_contains(&c, TRUE, "refused the client's certificate");

    /* Alert before the client's close: refused by the server. */
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS13, AES13));
    send(&c, leave);
    send(&c, refusal);
    g_assert_true(c.facts.encrypted_alert);
    g_assert_cmpint(c.facts.encrypted_alert_sender, ==, CCESEC_SERVER);
    assert_status(&c, TRUE, CCESEC_STATUS_FAILED, CCESEC_FIND_ENCRYPTED_ALERT);
}

/* ---- Resumption ---- */

static void test_tls12_abbreviated_handshake(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_resumes(SID_SERVER)); /* ticket resumption: a new session ID */
    g_assert_true(c.facts.resumed);
    g_assert_cmpuint(c.facts.ccs[CCESEC_SERVER], ==, 1);
    g_assert_false(c.facts.complete);
    send(&c, ccs(CCESEC_CLIENT));
    g_assert_true(c.facts.complete);
    g_assert_cmpint(c.facts.proof, ==, CCESEC_PROOF_CCS);

    ccesec_verdict v;
    g_assert_cmpint(status_of(&c, TRUE, &v), ==, CCESEC_STATUS_SECURE);
    g_assert_true(has_finding(&v, CCESEC_FIND_RESUMED));
}

static void test_tls12_session_id_echo(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    ccesec_packet_view sh = server_resumes(SID_CLIENT);
    send(&c, sh);
    g_assert_true(c.facts.resumed);

    /* The echo alone, even with a certificate. */
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    sh = server_hello(CCESEC_TLS12, GCM12);
    sh.session_id_hash = SID_CLIENT;
    send(&c, sh);
    g_assert_true(c.facts.resumed);

    /* A full handshake: a new session ID, and the server's ChangeCipherSpec last. */
    conn_init(&c, 1000, 5000);
    tls12_full_handshake(&c);
    g_assert_false(c.facts.resumed);

    /* A full handshake with no Certificate in view (a PSK suite, or its record not
     * decoded): the server's ChangeCipherSpec after the client's is no resumption. */
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    sh = server_hello(CCESEC_TLS12, GCM12);
    sh.handshake_types &= ~CCESEC_HS_CERTIFICATE;
    send(&c, sh);
    send(&c, ccs(CCESEC_CLIENT));
    send(&c, ccs(CCESEC_SERVER));
    g_assert_true(c.facts.complete);
    g_assert_false(c.facts.resumed);

    /* Empty session IDs on both sides match nothing. */
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(0));
    sh = server_hello(CCESEC_TLS12, GCM12);
    sh.session_id_hash = 0;
    send(&c, sh);
    g_assert_false(c.facts.resumed);
}

static void test_tls13_psk_selected(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    ccesec_packet_view sh = server_hello(CCESEC_TLS13, AES13);
    sh.psk_selected = TRUE;
    send(&c, sh);
    g_assert_true(c.facts.resumed);
    send(&c, tls13_client_finished());
    send(&c, data(CCESEC_SERVER, 250));
    g_assert_true(c.facts.complete);
}

/* ---- TCP: what the capture lacks ---- */

static void test_tcp_in_order(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tls12_full_handshake(&c);
    for (int i = 0; i < 5; i++) {
        send(&c, data(CCESEC_CLIENT, 900));
        send(&c, data(CCESEC_SERVER, 1400));
        send(&c, data(CCESEC_SERVER, 300));
    }
    send(&c, fin(CCESEC_CLIENT));
    send(&c, fin(CCESEC_SERVER));
    send(&c, packet(CCESEC_CLIENT)); /* the last ACK */
    assert_nothing_missing(&c.facts);
    g_assert_true(c.facts.closed);
    g_assert_true(c.facts.fin[CCESEC_CLIENT]);
    g_assert_true(c.facts.fin[CCESEC_SERVER]);
    assert_status(&c, TRUE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);
}

static void test_tcp_gap_never_filled(void)
{
    conn c;
    conn_init(&c, 0, 0);
    track(&c, segment(CCESEC_CLIENT, 1000, 0, 100, TCP_ACK));
    g_assert_false(c.facts.segments_missing);
    track(&c, segment(CCESEC_CLIENT, 1200, 0, 100, TCP_ACK)); /* [1100, 1200) lost */
    g_assert_true(c.facts.segments_missing);
    g_assert_cmpuint(c.facts.missing_bytes, ==, 100);
    g_assert_true(c.facts.disorder);
    track(&c, segment(CCESEC_CLIENT, 1350, 0, 50, TCP_ACK)); /* and [1300, 1350) */
    g_assert_cmpuint(c.facts.missing_bytes, ==, 150);
    /* The other direction adds its own. */
    track(&c, segment(CCESEC_SERVER, 7000, 1400, 10, TCP_ACK));
    track(&c, segment(CCESEC_SERVER, 7030, 1400, 10, TCP_ACK));
    g_assert_cmpuint(c.facts.missing_bytes, ==, 170);
    /* A pure ACK or a keep-alive below what was captured fills nothing. */
    track(&c, segment(CCESEC_CLIENT, 1399, 7040, 0, TCP_ACK));
    track(&c, segment(CCESEC_CLIENT, 1399, 7040, 1, TCP_ACK));
    g_assert_cmpuint(c.facts.missing_bytes, ==, 170);
    g_assert_true(c.facts.segments_missing);
}

static void test_tcp_gap_filled(void)
{
    conn c;
    conn_init(&c, 0, 0);
    track(&c, segment(CCESEC_CLIENT, 1000, 0, 100, TCP_ACK));
    track(&c, segment(CCESEC_CLIENT, 1200, 0, 100, TCP_ACK));
    track(&c, segment(CCESEC_CLIENT, 1100, 0, 50, TCP_ACK)); /* half of it, late */
    g_assert_true(c.facts.segments_missing);
    g_assert_cmpuint(c.facts.missing_bytes, ==, 50);
    track(&c, segment(CCESEC_CLIENT, 1150, 0, 50, TCP_ACK));
    g_assert_false(c.facts.segments_missing);
    g_assert_cmpuint(c.facts.missing_bytes, ==, 0);
    g_assert_true(c.facts.disorder); /* it happened before any completion */

    /* A retransmission larger than the hole fills it too. */
    conn_init(&c, 0, 0);
    track(&c, segment(CCESEC_CLIENT, 1000, 0, 100, TCP_ACK));
    track(&c, segment(CCESEC_CLIENT, 1200, 0, 100, TCP_ACK));
    track(&c, segment(CCESEC_CLIENT, 1050, 0, 200, TCP_ACK));
    g_assert_false(c.facts.segments_missing);
    /* ...and one that overlaps only its end leaves its start. */
    track(&c, segment(CCESEC_CLIENT, 1400, 0, 100, TCP_ACK)); /* [1300, 1400) */
    track(&c, segment(CCESEC_CLIENT, 1350, 0, 100, TCP_ACK));
    g_assert_cmpuint(c.facts.missing_bytes, ==, 50);
    track(&c, segment(CCESEC_CLIENT, 1300, 0, 60, TCP_ACK));
    g_assert_false(c.facts.segments_missing);
}

/* A hole of several segments whose middle one comes late: both sides of it stay missing. */
static void test_tcp_hole_split(void)
{
    conn c;
    conn_init(&c, 0, 0);
    track(&c, segment(CCESEC_CLIENT, 100, 0, 0, TCP_ACK));
    track(&c, segment(CCESEC_SERVER, 9000, 400, 0, TCP_ACK)); /* acks [100, 400) unseen */
    g_assert_cmpuint(c.facts.missing_bytes, ==, 300);
    track(&c, segment(CCESEC_CLIENT, 200, 9000, 100, TCP_ACK));
    g_assert_cmpuint(c.facts.missing_bytes, ==, 200);
    track(&c, segment(CCESEC_CLIENT, 100, 9000, 100, TCP_ACK));
    g_assert_true(c.facts.segments_missing); /* [300, 400) was never captured */
    g_assert_cmpuint(c.facts.missing_bytes, ==, 100);
    track(&c, segment(CCESEC_CLIENT, 300, 9000, 100, TCP_ACK));
    g_assert_false(c.facts.segments_missing);

    /* The same with the larger part on the right. */
    conn_init(&c, 0, 0);
    track(&c, segment(CCESEC_CLIENT, 100, 0, 0, TCP_ACK));
    track(&c, segment(CCESEC_SERVER, 9000, 400, 0, TCP_ACK));
    track(&c, segment(CCESEC_CLIENT, 120, 9000, 30, TCP_ACK)); /* [100,120) and [150,400) */
    g_assert_cmpuint(c.facts.missing_bytes, ==, 270);
    track(&c, segment(CCESEC_CLIENT, 150, 9000, 250, TCP_ACK));
    g_assert_true(c.facts.segments_missing);
    g_assert_cmpuint(c.facts.missing_bytes, ==, 20);
}

/* Only a gap before completion leaves the records in doubt. */
static void test_tcp_gap_after_completion(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tls12_full_handshake(&c);
    send(&c, data(CCESEC_CLIENT, 900));
    send(&c, data(CCESEC_SERVER, 400));
    guint32 lost = c.next_seq[CCESEC_CLIENT];
    c.next_seq[CCESEC_CLIENT] += 905; /* an INVITE the capture lost */
    send(&c, data(CCESEC_CLIENT, 300));
    g_assert_true(c.facts.segments_missing);
    g_assert_cmpuint(c.facts.missing_bytes, ==, 905);
    g_assert_false(c.facts.disorder);
    g_assert_true(c.facts.complete);

    ccesec_verdict v;
    g_assert_cmpint(status_of(&c, TRUE, &v), ==, CCESEC_STATUS_SECURE);
    g_assert_true(has_finding(&v, CCESEC_FIND_SEGMENTS_MISSING));

    send_at(&c, data(CCESEC_CLIENT, 900), lost); /* its retransmission */
    g_assert_false(c.facts.segments_missing);
    g_assert_false(c.facts.disorder);
}

/* The peer acknowledges data the capture does not hold. */
static void test_tcp_ack_beyond_captured(void)
{
    conn c;
    conn_init(&c, 0, 0);
    track(&c, segment(CCESEC_CLIENT, 1000, 7000, 100, TCP_ACK));
    track(&c, segment(CCESEC_SERVER, 7000, 1300, 0, TCP_ACK));
    g_assert_true(c.facts.segments_missing);
    g_assert_cmpuint(c.facts.missing_bytes, ==, 200);
    g_assert_true(c.facts.disorder);
    /* The data was only captured after its acknowledgement (mirror port reordering). */
    track(&c, segment(CCESEC_CLIENT, 1100, 7000, 200, TCP_ACK));
    g_assert_false(c.facts.segments_missing);
    g_assert_true(c.facts.disorder);

    /* A reset acknowledges what its sender received; without the ACK flag, nothing. */
    conn_init(&c, 0, 0);
    track(&c, segment(CCESEC_CLIENT, 1000, 7000, 100, TCP_ACK));
    track(&c, segment(CCESEC_SERVER, 7000, 5000, 0, TCP_RST));
    g_assert_false(c.facts.segments_missing);
    g_assert_true(c.facts.rst[CCESEC_SERVER]);
    track(&c, segment(CCESEC_SERVER, 7000, 1107, 0, TCP_ACK | TCP_RST));
    g_assert_true(c.facts.segments_missing);
    g_assert_cmpuint(c.facts.missing_bytes, ==, 7);

    /* Nor does an acknowledgement for a direction not captured yet. */
    conn_init(&c, 0, 0);
    track(&c, segment(CCESEC_SERVER, 7000, 5000, 0, TCP_ACK));
    g_assert_false(c.facts.segments_missing);

    /* The acknowledgement of a FIN covers the FIN, nothing more. */
    conn_init(&c, 0, 0);
    track(&c, segment(CCESEC_CLIENT, 1000, 7000, 100, TCP_ACK | TCP_FIN));
    track(&c, segment(CCESEC_SERVER, 7000, 1101, 0, TCP_ACK));
    g_assert_false(c.facts.segments_missing);
}

/* More holes than tracked: the capture lacks data for good. */
static void test_tcp_hole_overflow(void)
{
    conn c;
    conn_init(&c, 0, 0);
    for (guint32 i = 0; i <= CCESEC_HOLES_MAX + 1; i++)
        track(&c, segment(CCESEC_CLIENT, 1000 + 20 * i, 0, 10, TCP_ACK));
    g_assert_true(c.tracker.dir[CCESEC_CLIENT].overflow);
    g_assert_true(c.facts.segments_missing);
    for (guint32 i = 0; i <= CCESEC_HOLES_MAX; i++)
        track(&c, segment(CCESEC_CLIENT, 1010 + 20 * i, 0, 10, TCP_ACK));
    g_assert_cmpuint(c.tracker.dir[CCESEC_CLIENT].n_holes, ==, 0);
    g_assert_true(c.facts.segments_missing); /* the untracked hole is not known filled */
}

/* Sequence numbers wrap at 2^32. */
static void test_tcp_wraparound(void)
{
    conn c;
    conn_init(&c, 0xFFFFFF00u, 0xFFFFFFF0u);
    tls12_full_handshake(&c); /* crosses 2^32 in both directions */
    g_assert_cmpuint(c.next_seq[CCESEC_CLIENT], <, 0x10000u);
    g_assert_cmpuint(c.next_seq[CCESEC_SERVER], <, 0x10000u);
    send(&c, data(CCESEC_CLIENT, 900));
    send(&c, data(CCESEC_SERVER, 400));
    assert_nothing_missing(&c.facts);
    g_assert_true(c.facts.complete);

    /* A hole across 2^32, counted and filled. */
    conn_init(&c, 0, 0);
    track(&c, segment(CCESEC_CLIENT, 0xFFFFFFC0u, 0, 0x30, TCP_ACK));
    track(&c, segment(CCESEC_CLIENT, 0x20u, 0, 0x20, TCP_ACK)); /* [0xFFFFFFF0, 0x20) lost */
    g_assert_true(c.facts.segments_missing);
    g_assert_cmpuint(c.facts.missing_bytes, ==, 0x30);
    track(&c, segment(CCESEC_CLIENT, 0xFFFFFFF0u, 0, 0x30, TCP_ACK));
    g_assert_false(c.facts.segments_missing);
    g_assert_cmphex(c.tracker.dir[CCESEC_CLIENT].next_seq, ==, 0x40u);
    /* An acknowledgement across it too. */
    track(&c, segment(CCESEC_SERVER, 5, 0xFFFFFFF0u, 0, TCP_ACK)); /* old: nothing */
    g_assert_false(c.facts.segments_missing);
    track(&c, segment(CCESEC_SERVER, 5, 0x140u, 0, TCP_ACK));
    g_assert_cmpuint(c.facts.missing_bytes, ==, 0x100);
}

/* ---- Cut frames ---- */

static void test_cut_frames(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    ccesec_packet_view v = client_hello(SID_CLIENT);
    send(&c, v); /* small enough to be whole */
    g_assert_cmpuint(c.facts.cut_frames, ==, 0);

    v = server_hello(CCESEC_TLS12, 0); /* the cipher suite is beyond the cut */
    v.captured_len = 128;
    v.wire_len = 1514;
    g_assert_true(send(&c, v));
    g_assert_cmpuint(c.facts.cut_frames, ==, 1);
    g_assert_cmpuint(c.facts.snaplen, ==, 128);

    v = ccs(CCESEC_CLIENT);
    v.captured_len = 96; /* a later, shorter cut does not change the snap length */
    v.wire_len = 200;
    g_assert_true(send(&c, v)); /* its ChangeCipherSpec changed a fact */
    v = ccs(CCESEC_SERVER);
    v.captured_len = 128;
    v.wire_len = 200;
    send(&c, v);
    g_assert_cmpuint(c.facts.cut_frames, ==, 3);
    g_assert_cmpuint(c.facts.snaplen, ==, 128);
    g_assert_true(c.facts.complete); /* the record headers were there */
    assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
    assert_reason_contains(&c, TRUE, "at 128 bytes");
    assert_reason_contains(&c, TRUE, "so the TLS handshake cannot be read");

    /* A close after cut frames is no refusal either. */
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    v = server_hello(CCESEC_TLS12, GCM12);
    v.captured_len = 128;
    v.wire_len = 1514;
    send(&c, v);
    send(&c, fin(CCESEC_CLIENT));
    assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);

    /* A TLS 1.3 ServerHello cut after its cipher but before supported_versions reads as TLS
     * 1.2, and the encrypted flights both ways as data: the server then refusing the client
     * (short record, close) must not pass for a completed TLS 1.2 handshake. */
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    v = server_hello(CCESEC_TLS12, 0x1302); /* legacy version; the extension is cut off */
    v.captured_len = 160;
    v.wire_len = 1514;
    send(&c, v);
    send(&c, data(CCESEC_SERVER, 700)); /* EncryptedExtensions..Finished */
    send(&c, data(CCESEC_CLIENT, 53));  /* the client's Finished */
    send(&c, data(CCESEC_SERVER, 19));  /* its alert */
    send(&c, fin(CCESEC_SERVER));
    g_assert_true(c.facts.server_hello_cut);
    assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
}

/* ---- Closes ---- */

static void test_first_closer(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tls12_full_handshake(&c);
    g_assert_true(send(&c, fin(CCESEC_SERVER)));
    g_assert_true(send(&c, fin(CCESEC_CLIENT)));
    g_assert_true(c.facts.closed);
    g_assert_cmpint(c.facts.first_closer, ==, CCESEC_SERVER);
    g_assert_true(c.facts.fin[CCESEC_SERVER]);
    g_assert_true(c.facts.fin[CCESEC_CLIENT]);
    g_assert_false(c.facts.rst[CCESEC_SERVER]);

    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, rst(CCESEC_CLIENT));
    send(&c, rst(CCESEC_SERVER));
    g_assert_cmpint(c.facts.first_closer, ==, CCESEC_CLIENT);
    g_assert_true(c.facts.rst[CCESEC_CLIENT]);
    g_assert_true(c.facts.rst[CCESEC_SERVER]);
    g_assert_false(c.facts.fin[CCESEC_CLIENT]);
    /* The client resets right after its own ClientHello: it gave up, nothing refused it. */
    assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
    assert_reason_contains(&c, TRUE, "closed right after its own TLS handshake flight");
    /* The server resetting the ClientHello refuses it. */
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, rst(CCESEC_SERVER));
    assert_status(&c, TRUE, CCESEC_STATUS_FAILED, CCESEC_FIND_CLOSED_EARLY);
    assert_reason_contains(&c, TRUE, "TCP reset");
}

/* A close after a gap is unverified; the same close with nothing missing is a refusal. */
static void test_close_after_gap_is_unverified(void)
{
    for (int gap = 0; gap <= 1; gap++) {
        conn c;
        conn_init(&c, 1000, 5000);
        tcp_open(&c);
        send(&c, client_hello(SID_CLIENT));
        send(&c, server_hello(CCESEC_TLS12, GCM12));
        if (gap)
            c.next_seq[CCESEC_CLIENT] += 126; /* the client's flight, never captured */
        else
            send(&c, ccs(CCESEC_CLIENT)); /* the client's flight, captured */
        send(&c, fin(CCESEC_SERVER));     /* acknowledges it */
        g_assert_cmpint(c.facts.segments_missing, ==, gap);
        g_assert_cmpuint(c.facts.missing_bytes, ==, gap ? 126 : 0);
        if (gap)
            assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
        else
            assert_status(&c, TRUE, CCESEC_STATUS_FAILED, CCESEC_FIND_CLOSED_EARLY);
    }

    /* The server's alert lost by the capture; the client's reset acknowledges it. */
    for (int gap = 0; gap <= 1; gap++) {
        conn c;
        conn_init(&c, 1000, 5000);
        tcp_open(&c);
        send(&c, client_hello(SID_CLIENT));
        send(&c, server_hello(CCESEC_TLS12, GCM12));
        send(&c, ccs(CCESEC_CLIENT));
        if (gap)
            c.next_seq[CCESEC_SERVER] += 7;
        ccesec_packet_view reset = rst(CCESEC_CLIENT);
        send(&c, reset); /* RST with ACK: an abortive close (SO_LINGER 0) */
        g_assert_cmpint(c.facts.segments_missing, ==, gap);
        /* Either way no refusal is proven: the lost alert, or a client that reset right
         * after its own flight. */
        assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
        assert_reason_contains(&c, TRUE,
                               gap ? "lacks or reorders segments" : "right after its own");
    }

    /* TLS 1.3: an alert-size record and a close after a gap are no encrypted alert. */
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS13, AES13));
    c.next_seq[CCESEC_CLIENT] += 64; /* the client's Finished, never captured */
    send(&c, tls13_short(CCESEC_SERVER));
    send(&c, fin(CCESEC_SERVER));
    g_assert_true(c.facts.segments_missing);
    g_assert_false(c.facts.encrypted_alert);
    assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
}

/* ---- Connections older than the capture ---- */

static void test_version_from_records(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    ccesec_packet_view v = packet(CCESEC_CLIENT);
    add_record_version(&v, CT_APP_DATA, 900, CCESEC_TLS11);
    send(&c, v);
    v.side = CCESEC_SERVER;
    send(&c, v);
    g_assert_cmphex(c.facts.version, ==, CCESEC_TLS11);
    g_assert_true(c.facts.version_from_records);
    g_assert_false(c.facts.complete);
    assert_status(&c, TRUE, CCESEC_STATUS_WEAK, CCESEC_FIND_WEAK_VERSION);
    assert_reason_contains(&c, TRUE, "TLS 1.1");

    /* The lowest version wins; a higher one does not raise it. */
    v = packet(CCESEC_CLIENT);
    add_record_version(&v, CT_APP_DATA, 900, CCESEC_TLS10);
    send(&c, v);
    g_assert_cmphex(c.facts.version, ==, CCESEC_TLS10);
    v = packet(CCESEC_CLIENT);
    add_record_version(&v, CT_APP_DATA, 900, CCESEC_TLS11);
    send(&c, v);
    g_assert_cmphex(c.facts.version, ==, CCESEC_TLS10);

    /* With its handshake in the capture, the ServerHello says the version. */
    conn_init(&c, 1000, 5000);
    tls12_full_handshake(&c);
    v = packet(CCESEC_CLIENT);
    add_record_version(&v, CT_APP_DATA, 900, CCESEC_TLS10);
    send(&c, v);
    g_assert_cmphex(c.facts.version, ==, CCESEC_TLS12);
    g_assert_false(c.facts.version_from_records);
}

static void test_sip_in_records(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    ccesec_packet_view v = data(CCESEC_CLIENT, 700);
    send(&c, v);
    g_assert_false(c.facts.sip_in_records);
    v.records[0].sip_start = TRUE; /* "INVITE sip:..." readable in the record */
    g_assert_true(send(&c, v));
    g_assert_true(c.facts.sip_in_records);
    g_assert_false(c.facts.sip_in_clear);
    assert_status(&c, TRUE, CCESEC_STATUS_WEAK, CCESEC_FIND_WEAK_CIPHER);
}

/* A connection older than the capture that ends with an alert-size record and a close: no
 * handshake in the capture, so no refusal either. */
static void test_close_without_handshake(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    send(&c, data(CCESEC_CLIENT, 900));
    send(&c, data(CCESEC_SERVER, 400));
    send(&c, record(CCESEC_SERVER, CT_ALERT, TLS12_ENCRYPTED_ALERT));
    send(&c, tls13_short(CCESEC_CLIENT));
    send(&c, fin(CCESEC_CLIENT));
    g_assert_true(c.facts.closed);
    g_assert_false(c.facts.encrypted_alert);
    g_assert_false(c.facts.alert_fatal);
    assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
}

/* The client's data lost by the capture, then its FIN: the FIN's sequence number shows it. */
static void test_tcp_fin_after_lost_data(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    send(&c, server_hello(CCESEC_TLS12, GCM12));
    c.next_seq[CCESEC_CLIENT] += 7; /* its alert */
    send(&c, fin(CCESEC_CLIENT));
    g_assert_true(c.facts.segments_missing);
    g_assert_cmpuint(c.facts.missing_bytes, ==, 7);
    assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
}

/* TLS 1.3 HelloRetryRequest: a first ServerHello, the client's CCS and second hello, then
 * the real ServerHello. Nothing of it counts as a ChangeCipherSpec or a resumption. */
static void test_tls13_hello_retry(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tcp_open(&c);
    send(&c, client_hello(SID_CLIENT));
    ccesec_packet_view hrr = packet(CCESEC_SERVER);
    hrr.handshake_types = CCESEC_HS_SERVER_HELLO;
    hrr.server_version = CCESEC_TLS12;
    hrr.supported_version = CCESEC_TLS13;
    hrr.cipher = AES13;
    hrr.session_id_hash = SID_CLIENT;
    add_record(&hrr, CT_HANDSHAKE, 88);
    add_record(&hrr, CT_CCS, 1);
    send(&c, hrr);
    ccesec_packet_view again = client_hello(SID_CLIENT);
    add_record(&again, CT_CCS, 1);
    send(&c, again);
    send(&c, server_hello(CCESEC_TLS13, AES13));
    g_assert_false(c.facts.resumed);
    g_assert_false(c.facts.client_flight);
    send(&c, tls13_client_finished());
    send(&c, data(CCESEC_SERVER, 250));
    g_assert_true(c.facts.complete);
    g_assert_cmpuint(c.facts.ccs[CCESEC_CLIENT], ==, 0);
    g_assert_cmpuint(c.facts.ccs[CCESEC_SERVER], ==, 0);
    assert_status(&c, TRUE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);
}

/* ---- SIP and undecoded TLS ---- */

static void test_sip_seen(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    ccesec_packet_view invite = packet(CCESEC_CLIENT);
    invite.sip = TRUE;
    invite.payload_len = 900;
    g_assert_true(send(&c, invite));
    g_assert_true(c.facts.sip_in_clear);
    g_assert_false(c.facts.sip_decrypted);
    g_assert_false(c.facts.tls_seen);
    assert_status(&c, TRUE, CCESEC_STATUS_PLAINTEXT, CCESEC_FIND_PLAINTEXT);

    /* Decrypted with a key log inside a completed handshake: still secure. */
    conn_init(&c, 1000, 5000);
    tls12_full_handshake(&c);
    invite = data(CCESEC_CLIENT, 900);
    invite.sip = invite.sip_in_tls = TRUE;
    send(&c, invite);
    g_assert_false(c.facts.sip_in_clear);
    g_assert_true(c.facts.sip_decrypted);
    assert_status(&c, TRUE, CCESEC_STATUS_SECURE, CCESEC_FIND_SECURE);
}

static void test_tls_undecoded(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    ccesec_packet_view v = packet(CCESEC_CLIENT);
    v.tls_undecoded = TRUE;
    v.payload_len = 517;
    g_assert_true(send(&c, v));
    g_assert_true(c.facts.tls_undecoded);
    g_assert_false(c.facts.tls_seen);
    g_assert_cmpint(c.facts.transport, ==, CCESEC_TRANSPORT_TLS);
    assert_status(&c, TRUE, CCESEC_STATUS_UNVERIFIED, CCESEC_FIND_UNVERIFIED);
    assert_reason_contains(&c, TRUE, "Decode As");
}

/* ---- The return value: TRUE only when a fact changed ---- */

static void test_return_value(void)
{
    conn c;
    conn_init(&c, 1000, 5000);
    tls12_full_handshake(&c);
    g_assert_true(send(&c, data(CCESEC_CLIENT, 900)));  /* first data from the client */
    g_assert_false(send(&c, data(CCESEC_CLIENT, 900))); /* the same again */
    g_assert_true(send(&c, data(CCESEC_SERVER, 400)));
    g_assert_false(send(&c, data(CCESEC_SERVER, 400)));
    /* An exact retransmission, a pure ACK. */
    guint32 seq = c.next_seq[CCESEC_SERVER] - 405;
    g_assert_false(send_at(&c, data(CCESEC_SERVER, 400), seq));
    g_assert_false(send(&c, packet(CCESEC_CLIENT)));

    /* A gap is a change; a second one only adds bytes to a note. */
    c.next_seq[CCESEC_CLIENT] += 100;
    g_assert_true(send(&c, data(CCESEC_CLIENT, 900)));
    c.next_seq[CCESEC_CLIENT] += 100;
    g_assert_false(send(&c, data(CCESEC_CLIENT, 900)));
    g_assert_cmpuint(c.facts.missing_bytes, ==, 200);

    /* The first cut frame is a change, the next ones are counted only. */
    ccesec_packet_view v = data(CCESEC_SERVER, 1400);
    v.captured_len = 128;
    v.wire_len = 1459;
    g_assert_true(send(&c, v));
    g_assert_false(send(&c, v));
    g_assert_cmpuint(c.facts.cut_frames, ==, 2);

    /* The close is a change, its repetition not. */
    g_assert_true(send(&c, fin(CCESEC_CLIENT)));
    g_assert_false(send_at(&c, fin(CCESEC_CLIENT), c.next_seq[CCESEC_CLIENT] - 1));

    /* TLS 1.3 after completion: SIP both ways, request after response, changes nothing. */
    conn_init(&c, 1000, 5000);
    tls13_full_handshake(&c);
    g_assert_false(send(&c, data(CCESEC_SERVER, 250))); /* a second ticket */
    g_assert_false(send(&c, data(CCESEC_CLIENT, 900)));
    for (int i = 0; i < 3; i++) {
        g_assert_false(send(&c, data(CCESEC_SERVER, 400)));
        g_assert_false(send(&c, data(CCESEC_CLIENT, 900)));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tracker/tls12/complete_by_ccs", test_tls12_complete_by_ccs);
    g_test_add_func("/tracker/tls12/complete_by_data", test_tls12_complete_by_data);
    g_test_add_func("/tracker/tls12/data_without_hello",
                    test_tls12_data_without_hello_is_not_completion);
    g_test_add_func("/tracker/tls12/disorder_refuses_ccs_accepts_data",
                    test_tls12_disorder_refuses_ccs_accepts_data);
    g_test_add_func("/tracker/tls12/alert_in_handshake", test_tls12_alert_in_handshake);
    g_test_add_func("/tracker/tls12/client_certificate_refused",
                    test_tls12_client_certificate_refused);
    g_test_add_func("/tracker/tls12/client_certificate_empty", test_tls12_client_certificate_empty);
    g_test_add_func("/tracker/tls12/alert_after_completion", test_tls12_alert_after_completion);
    g_test_add_func("/tracker/tls12/encrypted_alert_after_completion",
                    test_tls12_encrypted_alert_after_completion);
    g_test_add_func("/tracker/tls12/encrypted_alert_before_completion",
                    test_tls12_encrypted_alert_before_completion);
    g_test_add_func("/tracker/tls13/complete", test_tls13_complete);
    g_test_add_func("/tracker/tls13/complete_by_reply_without_ticket",
                    test_tls13_complete_by_reply_without_ticket);
    g_test_add_func("/tracker/tls13/client_certificate_refused",
                    test_tls13_client_certificate_refused);
    g_test_add_func("/tracker/tls13/keylog_adds_the_alert_only",
                    test_tls13_keylog_adds_the_alert_only);
    g_test_add_func("/tracker/tls13/client_refuses_server", test_tls13_client_refuses_server);
    g_test_add_func("/tracker/tls13/client_flight_then_nothing",
                    test_tls13_client_flight_then_nothing);
    g_test_add_func("/tracker/tls13/middlebox_ccs_ignored", test_tls13_middlebox_ccs_ignored);
    g_test_add_func("/tracker/tls13/alert_after_completion", test_tls13_alert_after_completion);
    g_test_add_func("/tracker/tls13/alert_after_ticket_in_one_packet",
                    test_tls13_alert_after_ticket_in_one_packet);
    g_test_add_func("/tracker/tls13/client_closes_after_its_finished",
                    test_tls13_client_closes_after_its_finished);
    g_test_add_func("/tracker/resumed/tls12_abbreviated", test_tls12_abbreviated_handshake);
    g_test_add_func("/tracker/resumed/tls12_session_id_echo", test_tls12_session_id_echo);
    g_test_add_func("/tracker/resumed/tls13_psk", test_tls13_psk_selected);
    g_test_add_func("/tracker/tcp/in_order", test_tcp_in_order);
    g_test_add_func("/tracker/tcp/gap_never_filled", test_tcp_gap_never_filled);
    g_test_add_func("/tracker/tcp/gap_filled", test_tcp_gap_filled);
    g_test_add_func("/tracker/tcp/hole_split", test_tcp_hole_split);
    g_test_add_func("/tracker/tcp/gap_after_completion", test_tcp_gap_after_completion);
    g_test_add_func("/tracker/tcp/ack_beyond_captured", test_tcp_ack_beyond_captured);
    g_test_add_func("/tracker/tcp/hole_overflow", test_tcp_hole_overflow);
    g_test_add_func("/tracker/tcp/wraparound", test_tcp_wraparound);
    g_test_add_func("/tracker/cut_frames", test_cut_frames);
    g_test_add_func("/tracker/close/first_closer", test_first_closer);
    g_test_add_func("/tracker/close/after_gap_is_unverified", test_close_after_gap_is_unverified);
    g_test_add_func("/tracker/older/version_from_records", test_version_from_records);
    g_test_add_func("/tracker/older/sip_in_records", test_sip_in_records);
    g_test_add_func("/tracker/older/close_without_handshake", test_close_without_handshake);
    g_test_add_func("/tracker/tcp/fin_after_lost_data", test_tcp_fin_after_lost_data);
    g_test_add_func("/tracker/tls13/hello_retry", test_tls13_hello_retry);
    g_test_add_func("/tracker/sip_seen", test_sip_seen);
    g_test_add_func("/tracker/tls_undecoded", test_tls_undecoded);
    g_test_add_func("/tracker/return_value", test_return_value);
    return g_test_run();
}
