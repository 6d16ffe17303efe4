/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The connection tracker: folds what one packet showed into its connection's facts, in
 * capture order. This is where "proven" is decided: what completes a handshake for each TLS
 * version, when an alert belongs to the handshake or comes after it, when a close is a
 * refusal, and when the capture itself lacks the evidence (segments missing or out of order,
 * frames cut by a snap length). Pure logic, no epan dependency: the glue fills a
 * ccesec_packet_view from Wireshark's tree and hands it over.
 *
 * The rules read record types and lengths, not decrypted content, so a key log adds facts
 * (certificates, alert names, SIP) but never changes whether a handshake completed.
 */
#ifndef CCESEC_TRACKER_H
#define CCESEC_TRACKER_H

#include <glib.h>
#include "ccesec/verdict.h"

G_BEGIN_DECLS

#define CCESEC_VIEW_RECORDS_MAX 16

/* One TLS record as it is on the wire. */
typedef struct {
    guint8 type;        /* outer content type (TLS 1.3: the opaque type, 23 when encrypted) */
    guint16 length;     /* record length from its header */
    guint16 version;    /* record-layer version */
    gboolean sip_start; /* its first bytes are a SIP start line (readable: no encryption) */
} ccesec_record_view;

/* Hello messages and handshake types, by the bit of their type (1u << type). */
#define CCESEC_HS_CLIENT_HELLO        (1u << 1)
#define CCESEC_HS_SERVER_HELLO        (1u << 2)
#define CCESEC_HS_NEW_SESSION_TICKET  (1u << 4)
#define CCESEC_HS_CERTIFICATE         (1u << 11)
#define CCESEC_HS_CERTIFICATE_REQUEST (1u << 13)
#define CCESEC_HS_FINISHED            (1u << 20)

/* What one packet of a connection shows. */
typedef struct {
    ccesec_side side; /* who sent it */
    gint64 time_ms;   /* capture time */
    guint32 captured_len, wire_len;
    /* TCP (absent for UDP) */
    gboolean tcp;
    guint32 seq, ack, payload_len;
    gboolean syn, ack_flag, fin, rst;
    /* SIP */
    gboolean sip, sip_in_tls;
    /* TLS */
    gboolean tls;
    /* The payload starts with a TLS record header that Wireshark did not decode: TLS on a
     * port it gives to SIP, or a segment it holds back for reassembly behind a hole the
     * capture never fills (tcp.reassemble_out_of_order on). records[0] is that header. */
    gboolean tls_undecoded;
    guint32 handshake_types;
    guint16 server_version, supported_version, cipher; /* from a ServerHello */
    gboolean psk_selected;   /* ServerHello pre_shared_key: TLS 1.3 resumption */
    guint64 session_id_hash; /* hello's session ID (0 = empty) */
    gboolean fatal_alert;    /* alert level fatal, in clear or decrypted */
    guint8 alert_desc;
    gboolean empty_certificate; /* a Certificate message with no certificates */
    guint n_records;
    ccesec_record_view records[CCESEC_VIEW_RECORDS_MAX];
} ccesec_packet_view;

/* Sequence bookkeeping of one direction of a TCP connection: what the capture holds. */
#define CCESEC_HOLES_MAX 4
typedef struct {
    gboolean started;
    guint32 next_seq; /* one past the highest sequence number captured */
    guint n_holes;
    gboolean overflow; /* more holes than tracked: treated as never filled */
    struct {
        guint32 start, end;
    } holes[CCESEC_HOLES_MAX];
} ccesec_tcp_dir;

typedef struct {
    ccesec_tcp_dir dir[2]; /* by ccesec_side */
    guint64 client_session_id_hash;
    gboolean server_certificate; /* the server sent a Certificate message */
} ccesec_tracker;

/* Folds the packet into facts; TRUE when a fact changed (the verdict must be redone). */
gboolean ccesec_track_packet(ccesec_tracker *tracker, ccesec_conn_facts *facts,
                             const ccesec_packet_view *view);

/* An encrypted TLS 1.3 record no longer than this is an alert (2 bytes, the inner type and
 * a 16-byte tag, with room for a little padding); a Finished is at least 45 bytes. */
#define CCESEC_TLS13_ALERT_RECORD_MAX 24

G_END_DECLS

#endif
