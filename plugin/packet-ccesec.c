/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CCE SIP Signalling Security: a post-dissector that labels every SIP signalling connection
 * of a Cisco Contact Center Enterprise deployment with its leg (CUBE-CVP, CVP-VVB,
 * CVP-CUCM, CUBE-CUCM, PHONE-CUCM) and whether TLS really protects it.
 *
 * It runs after every packet. A packet that is neither on a SIP port nor SIP between two
 * configured components leaves at once. On the first pass the packet's facts fold into
 * its connection and, when they change something, the verdict is computed again; later
 * passes (GUI clicks, tshark -2) show the connection's final state.
 */
#include <epan/packet.h>
#include <epan/proto_data.h>
#include <epan/tap.h>

#include "ccesec.h"

int proto_ccesec = -1;
static dissector_handle_t ccesec_handle;

static gboolean on_sip_port(const packet_info *pinfo)
{
    return ccesec_port_is_tls(pinfo->srcport) || ccesec_port_is_tls(pinfo->destport) ||
           ccesec_port_is_sip(pinfo->srcport) || ccesec_port_is_sip(pinfo->destport);
}

static gboolean is_candidate(packet_info *pinfo)
{
    if (pinfo->ptype != PT_TCP && pinfo->ptype != PT_UDP)
        return FALSE;
    if (on_sip_port(pinfo))
        return TRUE;
    /* Off the SIP ports, SIP between two components of the roles table. Not TLS alone: CVP
     * and VVB also speak VXML over HTTPS, which is not signalling. */
    return ccesec_packet_has_sip(pinfo) && ccesec_conn_between_known_roles(pinfo);
}

static guint32 findings_mask(const ccesec_conn *conn, const ccesec_verdict *verdict)
{
    guint32 mask = 0;
    for (guint i = 0; i < verdict->n_findings; i++)
        mask |= 1u << verdict->findings[i].code;
    gboolean some_role_unknown =
        ccesec_conn_role(conn, CCESEC_CLIENT, NULL) == CCESEC_ROLE_UNKNOWN ||
        ccesec_conn_role(conn, CCESEC_SERVER, NULL) == CCESEC_ROLE_UNKNOWN;
    if (mask && some_role_unknown)
        mask |= 1u << CCESEC_UNKNOWN_ROLE_SLOT;
    return mask;
}

/* Findings that appear for the first time are reported on this packet; the packet keeps
 * their bits (per-frame data, only on such packets) for later passes. */
static guint32 record_new_findings(packet_info *pinfo, ccesec_conn *conn,
                                   const ccesec_verdict *verdict)
{
    guint32 mask = findings_mask(conn, verdict) & ~conn->reported;
    if (mask) {
        conn->reported |= mask;
        p_add_proto_data(wmem_file_scope(), pinfo, proto_ccesec, 0, GUINT_TO_POINTER(mask));
    }
    return mask;
}

static ccesec_conn *first_pass(packet_info *pinfo, proto_tree *tree, ccesec_verdict *verdict,
                               guint32 *report_mask)
{
    ccesec_packet_obs obs;
    ccesec_extract(tree, pinfo, &obs);
    ccesec_conn *conn = ccesec_conn_for_packet(pinfo, &obs);
    if (ccesec_conn_update(conn, pinfo, &obs) && conn->classified) {
        gint64 now = (gint64)pinfo->abs_ts.secs;
        ccesec_conn_judge(conn, now, verdict);
        *report_mask = record_new_findings(pinfo, conn, verdict);
        if (*report_mask) /* expert items say them: the same verdict, with its texts */
            ccesec_conn_evaluate(conn, now, verdict);
    }
    return conn;
}

/* Later passes know the whole capture: the connection's final verdict. What only the end of
 * the capture decided (a handshake that never finished) is reported on its last packet. */
static ccesec_conn *later_pass(packet_info *pinfo, ccesec_verdict *verdict, guint32 *report_mask)
{
    ccesec_conn *conn = ccesec_conn_find(pinfo);
    if (!conn)
        return NULL;
    ccesec_conn_finalize(conn, NULL);
    *report_mask = GPOINTER_TO_UINT(p_get_proto_data(wmem_file_scope(), pinfo, proto_ccesec, 0));
    if (*report_mask || pinfo->num == conn->last_frame) {
        ccesec_conn_finalize(conn, verdict);
        if (pinfo->num == conn->last_frame)
            *report_mask |= findings_mask(conn, verdict) & ~conn->reported;
    }
    return conn;
}

static int dissect_ccesec(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    ccesec_verdict verdict;
    guint32 report_mask = 0;
#ifdef CCESEC_BENCH_TREE_ONLY
    return 0; /* scripts/bench's "tree only" build: the fields are wanted, then left unread */
#endif
    verdict.n_findings = 0;
    if (!is_candidate(pinfo))
        return ccesec_calls_media(tvb, pinfo, tree);
    ccesec_conn *conn = PINFO_FD_VISITED(pinfo) ? later_pass(pinfo, &verdict, &report_mask)
                                                : first_pass(pinfo, tree, &verdict, &report_mask);
    if (!conn || !conn->classified)
        return 0;
    /* The tree is built only when someone looks at ccesec: the GUI's details, a filter, a
     * column or -T fields naming a ccesec field. A filter on other fields alone, as in
     * `-Y tcp.port==5061`, does not pay for it. Expert items need no tree. */
    proto_item *status_item = proto_field_is_referenced(tree, proto_ccesec)
                                  ? ccesec_fields_add(tvb, pinfo, tree, conn)
                                  : NULL;
    if (report_mask)
        ccesec_expert_add(pinfo, status_item, conn, &verdict, report_mask);
    ccesec_calls_sip(tvb, pinfo, tree, conn, status_item);
    tap_queue_packet(ccesec_tap, pinfo, conn);
    return tvb_captured_length(tvb);
}

/* Before each file: its state starts afresh, and Wireshark is told whether ccesec wants the
 * fields that make it build trees (not while the protocol is disabled). */
static void ccesec_init(void)
{
    ccesec_extract_want_fields(proto_is_protocol_enabled(find_protocol_by_id(proto_ccesec)));
    ccesec_conn_init();
}

void proto_register_ccesec(void)
{
    proto_ccesec = proto_register_protocol("CCE SIP Signalling Security", "CCESEC", "ccesec");
    ccesec_fields_register();
    ccesec_prefs_register();
    ccesec_stats_register();
    ccesec_calls_register();
    register_init_routine(ccesec_init);
    register_shutdown_routine(ccesec_extract_shutdown);
    ccesec_handle = create_dissector_handle(dissect_ccesec, proto_ccesec);
    register_postdissector(ccesec_handle);
}

void proto_reg_handoff_ccesec(void)
{
    /* The TLS and SIP fields exist only once every protocol has registered. */
    ccesec_extract_resolve_fields(ccesec_handle);
}
