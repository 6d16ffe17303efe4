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
#include "ccesec/verdict.h"
#include "ws_version.h"

/* field_info.value is a struct in 4.0 and a pointer from 4.2 on. */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
#define CCESEC_FVALUE(fi) ((fi)->value)
#else
#define CCESEC_FVALUE(fi) (&(fi)->value)
#endif

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

/* What one packet carries, from the wanted fields. */
typedef struct {
    gboolean has_tcp_flags;
    gboolean syn, ack, fin, rst;
    gboolean sip;                   /* a SIP request or response */
    gboolean sip_in_tls;            /* ...decrypted from TLS */
    char user_agent[CCESEC_UA_MAX]; /* User-Agent or Server value, escaped; "" = none */
    gboolean tls;                   /* any TLS record */
    guint32 handshake_types;        /* bit n set = handshake message type n seen (n < 32) */
    guint16 server_version;         /* from a ServerHello in this packet */
    guint16 supported_version;
    guint16 cipher;
    guint8 ccs_records;
    guint8 encrypted_records; /* records whose outer content type is 23 */
    guint8 app_data_types;    /* scratch: content type 23 items */
    gboolean fatal_alert;
    guint8 alert_desc;
    field_info *first_cert;     /* first tls.handshake.certificate in the packet */
    gboolean empty_certificate; /* a Certificate message with no certificates */
    gboolean tls_undecoded;     /* payload starts like a TLS record, decoded as something else */
} ccesec_packet_obs;

void ccesec_extract_register_wanted(dissector_handle_t handle);
/* TRUE when the packet carries SIP, in clear or decrypted (cheap: protocol layers only). */
gboolean ccesec_packet_has_sip(packet_info *pinfo);
void ccesec_extract(proto_tree *tree, packet_info *pinfo, ccesec_packet_obs *obs);

/* ---- conn.c ---- */
#define CCESEC_UNKNOWN_ROLE_SLOT CCESEC_FIND_COUNT

typedef struct ccesec_conn {
    guint32 number;
    ccesec_addr addr[2]; /* [CCESEC_CLIENT], [CCESEC_SERVER], inline: no allocation */
    guint32 port[2];
    ccesec_conn_facts facts;
    const ccesec_role_entry *config[2]; /* roles table rows, or NULL */
    ccesec_status status;               /* as of the last evaluation */
    const char *reason;                 /* file scope, "" while pending */
    /* Findings already reported (bit = finding code; bit CCESEC_UNKNOWN_ROLE_SLOT: the
     * "endpoint with no role" note). The frame that reported them keeps the same bits as
     * per-frame data, so later passes report them there again. */
    guint32 reported;
    guint32 packets;
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
/* Fold the packet into the connection; TRUE when the verdict must be re-evaluated. */
gboolean ccesec_conn_update(ccesec_conn *conn, packet_info *pinfo, const ccesec_packet_obs *obs);
/* Roles as known now: the strongest of roles table and what the capture taught. */
ccesec_role ccesec_conn_role(const ccesec_conn *conn, ccesec_side side, ccesec_role_source *src);
const char *ccesec_conn_leg(const ccesec_conn *conn);
void ccesec_conn_evaluate(ccesec_conn *conn, gint64 now, ccesec_verdict *verdict);
const char *ccesec_conn_address_text(const ccesec_conn *conn, ccesec_side side);

/* ---- fields.c ---- */
void ccesec_fields_register(void);
/* Adds the ccesec tree; returns the status item, where expert items attach. */
proto_item *ccesec_fields_add(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                              const ccesec_conn *conn);
/* report_mask: bit n = report finding code n here (bit CCESEC_UNKNOWN_ROLE_SLOT: the
 * no-role note); the texts come from verdict. Works with a NULL item: the GUI's Expert
 * Information dialog re-reads the file without a tree. */
void ccesec_expert_add(packet_info *pinfo, proto_item *item, const ccesec_conn *conn,
                       const ccesec_verdict *verdict, guint32 report_mask);

/* ---- stats.c ---- */
void ccesec_stats_register(void);
extern int ccesec_tap;

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
