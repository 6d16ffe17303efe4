/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The connection tracker (see tracker.h). Completion rules, all read in capture order:
 *
 * TLS <= 1.2  Both sides sent ChangeCipherSpec with no fatal alert before (each side sends
 *             it only after accepting what it got), or both sides sent application data
 *             (only possible once both Finished were accepted). When segments were missing
 *             or out of order before completion, Wireshark may not have decoded some
 *             records (tcp.reassemble_out_of_order), so only data from both sides counts:
 *             the verdict is then the same whatever the TCP preferences.
 * TLS 1.3     Everything after the ServerHello is encrypted. The client's Finished is a
 *             record longer than an alert; the server accepted it (and the client's
 *             certificate, if it asked for one) when it then sends a record longer than an
 *             alert: a session ticket or data. A server that refuses sends a short record
 *             (its alert) and closes.
 *
 * A fatal alert is part of the handshake when it comes before completion, and an abort of
 * the connection after it. A close before completion is a refusal when the side that closes
 * had received the latest flight: closing right after one's own flight refuses nothing.
 */
#include <string.h>

#include "ccesec/cipher.h"
#include "ccesec/tracker.h"

enum { CT_CCS = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APP_DATA = 23 };

static ccesec_side other(ccesec_side side)
{
    return side == CCESEC_CLIENT ? CCESEC_SERVER : CCESEC_CLIENT;
}

static gboolean is_tls13(guint16 version)
{
    return ccesec_tls_version_rank(version) == ccesec_tls_version_rank(CCESEC_TLS13);
}

static gboolean after(guint32 a, guint32 b)
{
    return (gint32)(a - b) > 0;
}

/* ---- TCP: what the capture lacks ---- */

static void add_hole(ccesec_tcp_dir *dir, guint32 start, guint32 end)
{
    if (dir->n_holes == CCESEC_HOLES_MAX) {
        dir->overflow = TRUE;
        return;
    }
    dir->holes[dir->n_holes].start = start;
    dir->holes[dir->n_holes].end = end;
    dir->n_holes++;
}

/* A segment [start, end) fills what it covers of the holes. */
static void fill_holes(ccesec_tcp_dir *dir, guint32 start, guint32 end)
{
    guint i = 0;
    while (i < dir->n_holes) {
        guint32 hs = dir->holes[i].start, he = dir->holes[i].end;
        if (!after(end, hs) || !after(he, start)) {
            i++;
            continue;
        }
        if (!after(start, hs) && !after(he, end)) { /* covered whole */
            dir->holes[i] = dir->holes[--dir->n_holes];
            continue;
        }
        if (after(start, hs) && after(he, end)) { /* split in two (overflow when full) */
            dir->holes[i].end = start;
            add_hole(dir, end, he);
        } else if (after(start, hs)) {
            dir->holes[i].end = start;
        } else {
            dir->holes[i].start = end;
        }
        i++;
    }
}

static guint32 missing_in(const ccesec_tcp_dir *dir)
{
    guint32 total = 0;
    for (guint i = 0; i < dir->n_holes; i++)
        total += dir->holes[i].end - dir->holes[i].start;
    return total;
}

/* The sender's segment, then what its acknowledgement says about the other direction:
 * data acknowledged beyond what the capture holds was sent and never captured. A reset's
 * acknowledgement counts too: with the ACK flag it is what its sender had received (a reset
 * in answer to a segment acknowledges that segment's end). */
static gboolean track_tcp(ccesec_tracker *tracker, const ccesec_packet_view *v)
{
    ccesec_tcp_dir *dir = &tracker->dir[v->side];
    ccesec_tcp_dir *peer = &tracker->dir[other(v->side)];
    guint32 len = v->payload_len + (v->syn ? 1u : 0u) + (v->fin ? 1u : 0u);
    guint32 end = v->seq + len;
    gboolean out_of_order = FALSE;

    if (!dir->started) {
        dir->started = TRUE;
        dir->next_seq = end;
    } else if (len > 0) {
        if (after(v->seq, dir->next_seq)) {
            add_hole(dir, dir->next_seq, v->seq);
            out_of_order = TRUE;
        } else if (after(dir->next_seq, v->seq)) {
            guint32 missing = missing_in(dir);
            fill_holes(dir, v->seq, end);
            out_of_order = missing_in(dir) != missing;
        }
        if (after(end, dir->next_seq))
            dir->next_seq = end;
    }
    if (v->ack_flag && peer->started && after(v->ack, peer->next_seq)) {
        add_hole(peer, peer->next_seq, v->ack);
        peer->next_seq = v->ack;
    }
    return out_of_order;
}

static gboolean holes_open(const ccesec_tracker *tracker)
{
    return tracker->dir[0].n_holes > 0 || tracker->dir[1].n_holes > 0 || tracker->dir[0].overflow ||
           tracker->dir[1].overflow;
}

static void update_gaps(const ccesec_tracker *tracker, ccesec_conn_facts *f)
{
    gboolean open = holes_open(tracker);
    f->segments_missing = open;
    f->missing_bytes = open ? missing_in(&tracker->dir[0]) + missing_in(&tracker->dir[1]) : 0;
    /* Out of order or missing before completion: some records may not have been decoded. */
    if (open && !f->complete)
        f->disorder = TRUE;
}

/* ---- Completion ---- */

static void complete_with(ccesec_conn_facts *f, ccesec_proof proof, gint64 time_ms)
{
    if (f->complete || f->alert_fatal || f->encrypted_alert)
        return;
    f->complete = TRUE;
    f->proof = proof;
    f->complete_ms = time_ms;
}

static gboolean negotiated_tls13(const ccesec_conn_facts *f)
{
    return f->server_hello && is_tls13(f->version);
}

static void check_tls12_completion(ccesec_conn_facts *f, gint64 time_ms)
{
    if (!f->server_hello || negotiated_tls13(f))
        return;
    if (f->data[CCESEC_CLIENT] && f->data[CCESEC_SERVER])
        complete_with(f, CCESEC_PROOF_DATA, time_ms);
    else if (!f->disorder && f->ccs[CCESEC_CLIENT] > 0 && f->ccs[CCESEC_SERVER] > 0)
        complete_with(f, CCESEC_PROOF_CCS, time_ms);
}

static void tls13_record(ccesec_conn_facts *f, ccesec_side side, const ccesec_record_view *r,
                         gint64 time_ms)
{
    gboolean short_record = r->length <= CCESEC_TLS13_ALERT_RECORD_MAX;

    if (side == CCESEC_CLIENT) {
        /* The client's Finished accepted the server: a short record of its own after it is a
         * close_notify (or an abort of the connection), never a refusal of the handshake. */
        if (short_record && f->client_finished)
            return;
        f->client_flight = TRUE;
        f->client_finished |= !short_record;
    } else {
        f->server_flight = TRUE;
        if (f->client_flight && !short_record)
            f->server_answered = TRUE;
    }
    f->short_record = short_record;
    if (short_record) /* the side matters only with the record: data both ways changes nothing */
        f->short_record_side = side;
    if (f->client_finished && f->server_answered)
        complete_with(f, CCESEC_PROOF_TLS13_REPLY, time_ms);
}

static void data_record(ccesec_conn_facts *f, ccesec_side side, const ccesec_record_view *r)
{
    f->data[side] = TRUE;
    f->sip_in_records |= r->sip_start;
    f->short_record = FALSE;
    /* The record layer of data carries the negotiated version: below TLS 1.2 it proves an
     * old version even when the handshake is not in the capture (1.2 and 1.3 both say 1.2). */
    if (!f->server_hello && r->version != 0 &&
        ccesec_tls_version_rank(r->version) < ccesec_tls_version_rank(CCESEC_TLS12) &&
        ccesec_tls_version_rank(r->version) > 0 &&
        (f->version == 0 ||
         ccesec_tls_version_rank(r->version) < ccesec_tls_version_rank(f->version))) {
        f->version = r->version;
        f->version_from_records = TRUE;
    }
}

static void alert(ccesec_conn_facts *f, ccesec_side side, guint8 desc, gboolean known,
                  gint64 time_ms)
{
    if (f->complete) {
        if (f->post_alert.seen)
            return;
        f->post_alert.seen = TRUE;
        f->post_alert.known = known;
        f->post_alert.desc = desc;
        f->post_alert.sender = side;
        f->post_alert.after_ms = time_ms - f->complete_ms;
        return;
    }
    /* TLS 1.3: the client's Finished accepted the server; a client's alert after it is not
     * the handshake's, decrypted or not (without keys its short record is no refusal). */
    if (f->alert_fatal || !known ||
        (negotiated_tls13(f) && side == CCESEC_CLIENT && f->client_finished))
        return;
    f->alert_fatal = TRUE;
    f->alert_desc = desc;
    f->alert_sender = side;
}

/* The record that carries the packet's fatal alert: the first alert record (in clear), else
 * the first short encrypted record (a decrypted TLS 1.3 alert), else none (-1). */
static gint alert_record_index(const ccesec_packet_view *v)
{
    for (guint i = 0; i < v->n_records; i++) {
        if (v->records[i].type == CT_ALERT)
            return (gint)i;
    }
    for (guint i = 0; i < v->n_records; i++) {
        if (v->records[i].type == CT_APP_DATA &&
            v->records[i].length <= CCESEC_TLS13_ALERT_RECORD_MAX)
            return (gint)i;
    }
    return -1;
}

static void record(ccesec_tracker *tracker, ccesec_conn_facts *f, const ccesec_packet_view *v,
                   guint i)
{
    const ccesec_record_view *r = &v->records[i];
    gboolean tls13 = negotiated_tls13(f);

    switch (r->type) {
    case CT_CCS:
        if (!tls13 && f->ccs[v->side] < G_MAXUINT8)
            f->ccs[v->side]++;
        /* The server changing ciphers first, with no certificate, is the abbreviated
         * handshake: resumption. */
        if (!tls13 && f->server_hello && v->side == CCESEC_SERVER && f->ccs[CCESEC_CLIENT] == 0 &&
            !tracker->server_certificate)
            f->resumed = TRUE;
        break;
    case CT_APP_DATA:
        if (tls13)
            tls13_record(f, v->side, r, v->time_ms);
        else
            data_record(f, v->side, r);
        break;
    case CT_ALERT:
        /* An alert longer than its 2 bytes is encrypted: its level is not known. */
        if (r->length > 2 && !v->fatal_alert) {
            if (f->complete)
                break; /* close_notify or fatal: cannot tell without keys */
            f->short_record = TRUE;
            f->short_record_side = v->side;
        }
        break;
    default:
        break;
    }
    check_tls12_completion(f, v->time_ms);
}

static void records(ccesec_tracker *tracker, ccesec_conn_facts *f, const ccesec_packet_view *v)
{
    gint alert_at = v->fatal_alert ? alert_record_index(v) : -1;
    if (v->n_records > 0 && !f->complete) {
        f->flight_seen = TRUE;
        f->last_flight_side = v->side;
    }
    for (guint i = 0; i < v->n_records; i++) {
        if ((gint)i == alert_at)
            alert(f, v->side, v->alert_desc, TRUE, v->time_ms);
        record(tracker, f, v, i);
    }
    if (v->fatal_alert && alert_at < 0)
        alert(f, v->side, v->alert_desc, TRUE, v->time_ms);
}

/* ---- Hellos ---- */

static void hellos(ccesec_tracker *tracker, ccesec_conn_facts *f, const ccesec_packet_view *v)
{
    if (v->handshake_types & CCESEC_HS_CLIENT_HELLO) {
        f->client_hello = TRUE;
        tracker->client_session_id_hash = v->session_id_hash;
    }
    if ((v->handshake_types & CCESEC_HS_SERVER_HELLO) && v->side == CCESEC_SERVER) {
        f->server_hello = TRUE;
        f->server_hello_cut = v->captured_len < v->wire_len;
        f->version = v->supported_version ? v->supported_version : v->server_version;
        f->version_from_records = FALSE;
        f->cipher = v->cipher;
        /* TLS 1.3 names the PSK it accepted; TLS 1.2 echoes the session ID it resumes. */
        if (is_tls13(f->version))
            f->resumed |= v->psk_selected;
        else if (v->session_id_hash != 0 && v->session_id_hash == tracker->client_session_id_hash)
            f->resumed = TRUE;
    }
    if (v->side == CCESEC_SERVER && (v->handshake_types & CCESEC_HS_CERTIFICATE_REQUEST))
        f->cert_request = TRUE;
    if (v->side == CCESEC_SERVER && (v->handshake_types & CCESEC_HS_CERTIFICATE))
        tracker->server_certificate = TRUE;
    if (v->side == CCESEC_CLIENT && (v->handshake_types & CCESEC_HS_CERTIFICATE) &&
        v->empty_certificate && f->cert_request)
        f->client_cert_empty = TRUE;
    if (v->handshake_types & CCESEC_HS_FINISHED)
        f->finished[v->side] = TRUE;
}

/* ---- Close ---- */

static void close_seen(ccesec_conn_facts *f, const ccesec_packet_view *v)
{
    f->fin[v->side] |= v->fin;
    f->rst[v->side] |= v->rst;
    if (!(v->fin || v->rst))
        return;
    if (!f->closed) {
        f->closed = TRUE;
        f->first_closer = v->side;
        f->closer_sent_last = f->flight_seen && f->last_flight_side == v->side;
    }
    /* A short encrypted record just before a close, with nothing after it, was an alert (of
     * the handshake in the capture: without one it may be a close_notify). Not only the
     * first close: a client that leaves right after its flight closes before the server's
     * alert reaches the capture. */
    if (!f->complete && !f->encrypted_alert && f->short_record && !f->segments_missing &&
        (f->client_hello || f->server_hello)) {
        f->encrypted_alert = TRUE;
        f->encrypted_alert_sender = f->short_record_side;
    }
}

gboolean ccesec_track_packet(ccesec_tracker *tracker, ccesec_conn_facts *f,
                             const ccesec_packet_view *v)
{
    ccesec_conn_facts before = *f;
    gboolean out_of_order = FALSE;

    if (v->captured_len < v->wire_len) {
        if (f->cut_frames == 0)
            f->snaplen = v->captured_len;
        if (f->cut_frames < G_MAXUINT32)
            f->cut_frames++;
    }
    if (v->tcp) {
        out_of_order = track_tcp(tracker, v);
        update_gaps(tracker, f);
    }
    if (v->sip) {
        f->sip_in_clear |= !v->sip_in_tls;
        f->sip_decrypted |= v->sip_in_tls;
    }
    if (v->tls) {
        f->tls_seen = TRUE;
        f->transport = CCESEC_TRANSPORT_TLS;
        /* A segment that arrived beyond a hole, or filled one, before completion: whether
         * Wireshark decoded its records depends on tcp.reassemble_out_of_order (on: they
         * show on the filling segment; off: some never do). Reading none of them keeps the
         * verdict the same either way; the segments in order after it are read. */
        if (!(out_of_order && f->disorder && !f->complete)) {
            hellos(tracker, f, v);
            records(tracker, f, v);
        }
    }
    if (v->tls_undecoded && f->tls_seen) {
        /* On a connection whose TLS Wireshark decodes, a record it held back: read its
         * header, so what it shows does not depend on the reassembly preference. */
        if (!(out_of_order && f->disorder && !f->complete))
            records(tracker, f, v);
    } else if (v->tls_undecoded) {
        f->tls_undecoded = TRUE;
        f->transport = CCESEC_TRANSPORT_TLS;
    }
    close_seen(f, v);
    /* Counters that only grow do not change a verdict once they are non-zero. */
    if (before.cut_frames > 0)
        before.cut_frames = f->cut_frames;
    if (before.segments_missing && f->segments_missing)
        before.missing_bytes = f->missing_bytes;
    return memcmp(&before, f, sizeof before) != 0;
}
