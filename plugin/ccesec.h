/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ccesec: internal interfaces between the epan glue files. The decisions live in the pure
 * core (include/ccesec); these files only move data between Wireshark and the core:
 *   packet-ccesec.c  protocol registration and the post-dissector's entry (fast path)
 *   prefs.c          preferences, the roles UAT and roles file
 *   extract.c        reading the wanted TLS/SIP/TCP fields of one packet
 *   conn.c           per-connection state, roles, verdicts
 *   fields.c         ccesec.* fields and expert items
 *   stats.c          the statistics table (tshark -z ccesec,legs and the GUI menu)
 *   calls.c          calls across legs and their media (ccesec/calls.h), ccesec.call fields
 *   calls_stats.c    the calls table (tshark -z ccesec,calls and the GUI menu)
 */
#ifndef CCESEC_PLUGIN_H
#define CCESEC_PLUGIN_H

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/address.h>

#include "ccesec/roles.h"
#include "ccesec/tracker.h"
#include "ccesec/verdict.h"
#include <epan/stat_tap_ui.h>
#include "ws_compat.h"

extern int proto_ccesec;

/* ---- prefs.c ---- */
typedef struct {
    range_t *tls_ports;
    range_t *sip_ports;
    ccesec_policy policy;
    ccesec_name_patterns cert_patterns;
    const ccesec_role_table *roles; /* UAT rows, then roles-file rows */
} ccesec_settings;

void ccesec_prefs_register(void);
const ccesec_settings *ccesec_settings_get(void);
/* Frees roles tables replaced by a preference change; call when no connection is left. */
void ccesec_prefs_release_retired(void);
gboolean ccesec_port_is_sip(guint32 port);
gboolean ccesec_port_is_tls(guint32 port);

/* ---- extract.c ---- */
#define CCESEC_UA_MAX 96

/* What one packet carries, from the wanted fields: the pure view the tracker folds, and what
 * only the glue uses (certificates, names, session identifiers for resumption). */
typedef struct {
    ccesec_packet_view view;
    char user_agent[CCESEC_UA_MAX]; /* User-Agent or Server value, escaped; "" = none */
    field_info *first_cert;         /* first tls.handshake.certificate in the packet */
    guint64 ticket_issued;          /* hash of a NewSessionTicket's ticket, 0 = none */
    guint64 ticket_offered;         /* hash of the ticket or PSK identity a ClientHello offers */
} ccesec_packet_obs;

/* Resolves the TLS, SIP and TCP fields ccesec reads (at hand-off, when they all exist). */
void ccesec_extract_resolve_fields(dissector_handle_t handle);
/* Hands them to Wireshark as the post-dissector's wanted fields while enabled, none else. */
void ccesec_extract_want_fields(gboolean enabled);
/* Frees the resolved list when Wireshark shuts down. */
void ccesec_extract_shutdown(void);
/* TRUE when the packet carries SIP, in clear or decrypted (cheap: protocol layers only). */
gboolean ccesec_packet_has_sip(packet_info *pinfo);
/* Fills obs from the tree; obs->view.side is left for the caller. */
void ccesec_extract(proto_tree *tree, packet_info *pinfo, ccesec_packet_obs *obs);

/* ---- conn.c ---- */
#define CCESEC_UNKNOWN_ROLE_SLOT CCESEC_FIND_COUNT

typedef struct ccesec_conn {
    guint32 number;
    ccesec_addr addr[2]; /* [CCESEC_CLIENT], [CCESEC_SERVER], inline: no allocation */
    guint32 port[2];
    ccesec_conn_facts facts;
    ccesec_tracker tracker;
    const ccesec_role_entry *config[2]; /* roles table rows, or NULL */
    ccesec_status status;               /* as of the last evaluation */
    const char *reason;                 /* file scope, "" while pending; read it with
                                           ccesec_conn_reason(): it is written when shown */
    gboolean reason_stale;              /* judged since the reason was last written... */
    gint64 judged_at;                   /* ...at this packet time (certificate validity) */
    ccesec_role evaluated_role[2];      /* roles as they were at the last evaluation */
    gboolean final;                     /* evaluated knowing the whole capture */
    /* Findings already reported (bit = finding code; bit CCESEC_UNKNOWN_ROLE_SLOT: the
     * "endpoint with no role" note). The frame that reported them keeps the same bits as
     * per-frame data, so later passes report them there again. */
    guint32 reported;
    guint32 packets;
    guint32 last_frame;             /* number of its last packet */
    gint64 last_abs_secs;           /* time of its last packet, for certificate validity */
    nstime_t first_seen, last_seen; /* relative to the first packet of the capture */
    gboolean classified;            /* SIP or TLS seen: fields are shown from then on */
} ccesec_conn;

void ccesec_conn_init(void); /* per file */
/* The connection of this packet, created on the first pass. */
ccesec_conn *ccesec_conn_for_packet(packet_info *pinfo, const ccesec_packet_obs *obs);
/* On later passes: the connection of this packet, or NULL when it has none. */
ccesec_conn *ccesec_conn_find(packet_info *pinfo);
/* Both addresses have a row in the roles table. */
gboolean ccesec_conn_between_known_roles(packet_info *pinfo);
ccesec_side ccesec_conn_side(const ccesec_conn *conn, packet_info *pinfo);
/* Fold the packet into the connection; TRUE when the verdict must be re-evaluated (its facts
 * changed, or a role was learnt since its last evaluation, here or on another connection). */
gboolean ccesec_conn_update(ccesec_conn *conn, packet_info *pinfo, ccesec_packet_obs *obs);
/* Roles as known now: the strongest of roles table and what the capture taught. */
ccesec_role ccesec_conn_role(const ccesec_conn *conn, ccesec_side side, ccesec_role_source *src);
const char *ccesec_conn_leg(const ccesec_conn *conn);
/* Evaluates and stores status and reason (conn->status, conn->reason). */
void ccesec_conn_evaluate(ccesec_conn *conn, gint64 now, ccesec_verdict *verdict);
/* As ccesec_conn_evaluate, without the texts (verdict's reason and findings are ""): the
 * status and what the findings are. The reason is written when ccesec_conn_reason asks. */
void ccesec_conn_judge(ccesec_conn *conn, gint64 now, ccesec_verdict *verdict);
/* The reason of the last judgement, written now if it was judged without it. */
const char *ccesec_conn_reason(ccesec_conn *conn);
/* Once the whole capture has been read (later passes, the statistics table): evaluates it
 * as final (a handshake still pending is unverified, roles learnt later are in the reason).
 * Idempotent. */
void ccesec_conn_finalize(ccesec_conn *conn, ccesec_verdict *verdict);
const char *ccesec_conn_address_text(const ccesec_conn *conn, ccesec_side side);
/* An IPv4 or IPv6 address as the core holds it; FALSE for other address types. */
gboolean ccesec_addr_from_address(const address *addr, ccesec_addr *out);
/* For tables drawn before the end of a one-pass read: the status and reason the connection
 * has if nothing more comes (pending is judged as at the end, on a copy; a reason older than
 * a role learnt since is rebuilt). */
ccesec_status ccesec_conn_outcome(ccesec_conn *conn, ccesec_verdict *verdict);
/* Counts roles learnt so far: when it changes, reasons written before may name "unknown". */
guint32 ccesec_conn_roles_epoch(void);

/* ---- fields.c ---- */
void ccesec_fields_register(void);
/* Adds the ccesec tree; returns the status item, where expert items attach. */
proto_item *ccesec_fields_add(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                              ccesec_conn *conn);
/* "198.18.133.3:5061" or "[2001:db8::3]:5061", in scope (NULL: g_malloc, wmem_free it). */
char *ccesec_endpoint_text(wmem_allocator_t *scope, const ccesec_conn *conn, ccesec_side side);
/* report_mask: bit n = report finding code n here (bit CCESEC_UNKNOWN_ROLE_SLOT: the
 * no-role note); the texts come from verdict. Works with a NULL item: the GUI's Expert
 * Information dialog re-reads the file without a tree. */
void ccesec_expert_add(packet_info *pinfo, proto_item *item, const ccesec_conn *conn,
                       const ccesec_verdict *verdict, guint32 report_mask);

/* ---- stats.c ---- */
void ccesec_stats_register(void);
extern int ccesec_tap;
/* Cells of the statistics tables (legs, calls): a string kept free of the '|' and line
 * breaks tshark prints between columns and rows; rows dropped on reset; the free callback. */
void ccesec_cell_set(stat_tap_table *table, guint row, guint col, const char *value);
void ccesec_cells_drop_rows(stat_tap_table *table, guint columns);
void ccesec_cell_free(stat_tap_table *table, guint row, guint column,
                      stat_tap_table_item_type *field);

/* ---- calls.c, calls_stats.c ---- */
#include "ccesec/calls.h"

typedef struct {
    const ccesec_conn *conn; /* NULL on a media packet */
    gint leg;                /* -1: no call */
} ccesec_calls_tap_data;
extern int ccesec_calls_tap;

void ccesec_calls_register(void);
void ccesec_calls_stats_register(void);
void ccesec_calls_want_fields(GArray *wanted); /* adds the SIP protocol to the wanted fields */
/* A watched connection's packet: folds its SIP messages into calls; adds the call fields
 * under the ccesec tree (status_item may be NULL) and the media expert items. */
void ccesec_calls_sip(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ccesec_conn *conn,
                      proto_item *status_item);
/* Any other packet: a media packet of a known call (hash lookup) or 0 at once. */
int ccesec_calls_media(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
const ccesec_calls *ccesec_calls_state(void);
const ccesec_conn *ccesec_calls_conn(guint32 number);
gboolean ccesec_calls_sip_visible(const ccesec_conn *conn);
void ccesec_calls_evaluate_leg(guint leg, ccesec_leg_verdict *out);
ccesec_call_verdict ccesec_calls_verdict(guint call);

#endif
