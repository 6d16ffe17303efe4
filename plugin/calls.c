/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Calls and their media: the glue between Wireshark and the calls core (ccesec/calls.h).
 *
 * Where a watched connection's SIP is visible (in clear, under a NULL cipher, or decrypted
 * with a key log) each SIP message of the packet is handed to the core as text, read from
 * the SIP protocol item's own bytes (its reassembled or decrypted data source). The core
 * groups the dialogs into calls and learns their SDP media addresses; a UDP packet between
 * two such addresses is then recognised by one hash lookup. Every other packet leaves
 * before reaching this file (packet-ccesec.c).
 *
 * On the first pass each SIP packet keeps a small record (its leg, method, the findings it
 * reports); later passes display from it, with the call as it stands at the end.
 */
#include <epan/expert.h>
#include <epan/proto_data.h>
#include <epan/strutil.h>
#include <epan/tap.h>

#include "ccesec.h"
#include "ccesec/calls.h"
#include "ccesec/cipher.h"

#define MAX_CALLS               5000
#define MAX_SIP_BYTES           (64 * 1024) /* larger "SIP messages" are not read */
#define MAX_MESSAGES_PER_PACKET 16
#define FRAME_SIP_KEY           1 /* p_add_proto_data keys of proto_ccesec; 0 is packet-ccesec.c's */
#define FRAME_MEDIA_KEY         2

int ccesec_calls_tap = -1;

static int sip_proto_id = -1;
static ccesec_calls *calls_state;
static GHashTable *conn_by_number; /* connection number -> ccesec_conn (file scope) */
static GArray *leg_reported;       /* guint32 per leg: media findings already reported */

static int hf_call = -1;
static int hf_call_verdict = -1;
static int hf_call_joined_by = -1;
static int hf_sip_call_id = -1;
static int hf_sip_method = -1;
static int hf_sip_status = -1;
static int hf_media_transport = -1;
static int hf_media_crypto = -1;
static int hf_media_text = -1;
static int hf_media_packets = -1;
static int ett_call = -1;

static expert_field ei_media[CCESEC_MEDIA_FIND_COUNT];

/* What one SIP packet keeps for later passes. */
typedef struct {
    gint32 leg; /* -1: a SIP message of no call (OPTIONS, REGISTER) */
    guint16 status;
    guint32 report; /* media findings first seen on this packet */
    char method[CCESEC_SIP_METHOD_MAX];
    char call_id[CCESEC_SIP_TOKEN_MAX];
} sip_frame;

/* ---- Registration ---- */

static void register_fields(void)
{
    static hf_register_info hf[] = {
        {&hf_call,
         {"Call", "ccesec.call", FT_STRING, BASE_NONE, NULL, 0x0,
          "The call this packet belongs to: its Cisco-Guid (32 hex digits), else the GUCID of "
          "CVP's Call-ID, else session:<RFC 7989 Session-ID>, else call-id:<Call-ID>",
          HFILL}},
        {&hf_call_verdict,
         {"Call verdict", "ccesec.call.verdict", FT_STRING, BASE_NONE, NULL, 0x0,
          "The call's weakest leg: keys-exposed, not-secure, media-not-encrypted, unverified, "
          "secure",
          HFILL}},
        {&hf_call_joined_by,
         {"Joined the call by", "ccesec.call.joined_by", FT_STRING, BASE_NONE, NULL, 0x0,
          "The evidence that put this leg into its call when its own identifiers did not", HFILL}},
        {&hf_sip_call_id,
         {"SIP Call-ID", "ccesec.sip.call_id", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_sip_method,
         {"SIP method", "ccesec.sip.method", FT_STRING, BASE_NONE, NULL, 0x0,
          "The request's method; in a response, the method of its CSeq", HFILL}},
        {&hf_sip_status,
         {"SIP status", "ccesec.sip.status", FT_UINT16, BASE_DEC, NULL, 0x0,
          "Status code of a response", HFILL}},
        {&hf_media_transport,
         {"Media transport", "ccesec.media.transport", FT_STRING, BASE_NONE, NULL, 0x0,
          "From the SDP answer (else the offer): RTP/AVP, RTP/SAVP, UDP/TLS/RTP/SAVP", HFILL}},
        {&hf_media_crypto,
         {"SRTP crypto suite", "ccesec.media.crypto_suite", FT_STRING, BASE_NONE, NULL, 0x0,
          "First a=crypto suite of the leg's SDP", HFILL}},
        {&hf_media_text,
         {"Media", "ccesec.media", FT_STRING, BASE_NONE, NULL, 0x0,
          "The leg's media: what its SDP says and what the capture shows", HFILL}},
        {&hf_media_packets,
         {"Media packets", "ccesec.media.packets", FT_UINT32, BASE_DEC, NULL, 0x0,
          "UDP packets seen between the leg's two SDP media addresses", HFILL}},
    };
    static int *ett[] = {&ett_call};
    proto_register_field_array(proto_ccesec, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}

static void register_expert(void)
{
    static ei_register_info ei[] = {
        {&ei_media[CCESEC_MEDIA_FIND_KEYS_EXPOSED],
         {"ccesec.expert.srtp_keys_exposed", PI_SECURITY, PI_ERROR,
          "SRTP keys (a=crypto) sent over SIP in clear", EXPFILL}},
        {&ei_media[CCESEC_MEDIA_FIND_NOT_ENCRYPTED],
         {"ccesec.expert.media_not_encrypted", PI_SECURITY, PI_WARN,
          "Media not encrypted (RTP/AVP) although the signalling is TLS", EXPFILL}},
        {&ei_media[CCESEC_MEDIA_FIND_SRTP],
         {"ccesec.expert.srtp", PI_SECURITY, PI_CHAT, "Media encrypted with SRTP", EXPFILL}},
    };
    expert_module_t *module = expert_register_protocol(proto_ccesec);
    expert_register_field_array(module, ei, array_length(ei));
}

static void calls_init(void)
{
    calls_state = ccesec_calls_new(MAX_CALLS);
    conn_by_number = g_hash_table_new(g_direct_hash, g_direct_equal);
    leg_reported = g_array_new(FALSE, TRUE, sizeof(guint32));
}

static void calls_cleanup(void)
{
    ccesec_calls_free(calls_state);
    calls_state = NULL;
    if (conn_by_number)
        g_hash_table_destroy(conn_by_number);
    conn_by_number = NULL;
    if (leg_reported)
        g_array_free(leg_reported, TRUE);
    leg_reported = NULL;
}

void ccesec_calls_register(void)
{
    register_fields();
    register_expert();
    ccesec_calls_tap = register_tap("ccesec_calls");
    register_init_routine(calls_init);
    register_cleanup_routine(calls_cleanup);
    ccesec_calls_stats_register();
}

void ccesec_calls_want_fields(GArray *wanted)
{
    sip_proto_id = proto_get_id_by_filter_name("sip");
    if (sip_proto_id >= 0)
        g_array_append_val(wanted, sip_proto_id);
}

/* ---- State shared with the calls table ---- */

const ccesec_calls *ccesec_calls_state(void)
{
    return calls_state;
}

const ccesec_conn *ccesec_calls_conn(guint32 number)
{
    return conn_by_number
               ? (const ccesec_conn *)g_hash_table_lookup(conn_by_number, GUINT_TO_POINTER(number))
               : NULL;
}

gboolean ccesec_calls_sip_visible(const ccesec_conn *conn)
{
    return conn->facts.sip_in_clear || conn->facts.sip_decrypted;
}

static ccesec_sig_protection protection_of(const ccesec_conn *conn)
{
    if (conn->facts.transport != CCESEC_TRANSPORT_TLS)
        return CCESEC_SIG_CLEAR;
    if (conn->facts.server_hello &&
        (ccesec_cipher_flags(conn->facts.cipher) & CCESEC_CIPHER_NULL_ENC))
        return CCESEC_SIG_NULL_CIPHER;
    return CCESEC_SIG_TLS;
}

void ccesec_calls_evaluate_leg(guint leg_index, ccesec_leg_verdict *out)
{
    const ccesec_call_leg *leg = ccesec_calls_leg(calls_state, leg_index);
    const ccesec_conn *conn = ccesec_calls_conn(leg->conn);
    ccesec_leg_signalling sig = {CCESEC_SIG_UNKNOWN, FALSE, TRUE, NULL};
    if (conn) {
        sig.protection = protection_of(conn);
        sig.secure = conn->status == CCESEC_STATUS_SECURE;
        sig.unverified =
            conn->status == CCESEC_STATUS_UNVERIFIED || conn->status == CCESEC_STATUS_PENDING;
        sig.leg = ccesec_conn_leg(conn);
    }
    ccesec_leg_evaluate(leg, &sig, out);
}

ccesec_call_verdict ccesec_calls_verdict(guint call_index)
{
    const ccesec_call *call =
        ccesec_calls_get(calls_state, ccesec_calls_root(calls_state, call_index));
    ccesec_call_verdict worst = CCESEC_CALL_SECURE;
    for (guint i = 0; call && i < call->n_legs; i++) {
        ccesec_leg_verdict verdict;
        ccesec_calls_evaluate_leg(call->legs[i], &verdict);
        worst = MIN(worst, verdict.verdict);
    }
    return worst;
}

/* ---- SIP packets ---- */

/* Tap data lives until the taps have run: in the packet's scope. */
static void queue_tap(packet_info *pinfo, const ccesec_conn *conn, gint leg)
{
    ccesec_calls_tap_data *data = wmem_new(pinfo->pool, ccesec_calls_tap_data);
    data->conn = conn;
    data->leg = leg;
    tap_queue_packet(ccesec_calls_tap, pinfo, data);
}

static guint32 *reported_slot(guint leg)
{
    if (leg >= leg_reported->len)
        g_array_set_size(leg_reported, leg + 1);
    return &g_array_index(leg_reported, guint32, leg);
}

/* Findings of the leg not reported before: they are reported on this packet. */
static guint32 new_findings(guint leg)
{
    ccesec_leg_verdict verdict;
    ccesec_calls_evaluate_leg(leg, &verdict);
    guint32 *reported = reported_slot(leg);
    guint32 fresh = verdict.findings & ~*reported;
    *reported |= fresh;
    return fresh;
}

static void fold_message(packet_info *pinfo, ccesec_conn *conn, field_info *fi, sip_frame **frame)
{
    if (!fi->ds_tvb || fi->length <= 0 || fi->length > MAX_SIP_BYTES ||
        !tvb_bytes_exist(fi->ds_tvb, fi->start, fi->length))
        return;
    const char *text = (const char *)tvb_memdup(pinfo->pool, fi->ds_tvb, fi->start, fi->length);
    ccesec_sip_msg msg;
    if (!ccesec_sip_msg_parse(text, (gsize)fi->length, &msg))
        return;
    gboolean from_client = ccesec_conn_side(conn, pinfo) == CCESEC_CLIENT;
    gint leg = ccesec_calls_add_message(calls_state, &msg, conn->number, from_client,
                                        nstime_to_sec(&pinfo->rel_ts));
    if (!*frame) {
        *frame = wmem_new0(wmem_file_scope(), sip_frame);
        (*frame)->leg = leg;
        (*frame)->status = (guint16)msg.status;
        g_strlcpy((*frame)->method, msg.is_request ? msg.method : msg.cseq_method,
                  sizeof(*frame)->method);
        g_strlcpy((*frame)->call_id, msg.call_id, sizeof(*frame)->call_id);
    }
    if (leg >= 0 && leg == (*frame)->leg)
        (*frame)->report |= new_findings((guint)leg);
}

static sip_frame *first_pass(proto_tree *tree, packet_info *pinfo, ccesec_conn *conn)
{
    if (!tree || sip_proto_id < 0 || !calls_state)
        return NULL;
    GPtrArray *items = proto_get_finfo_ptr_array(tree, sip_proto_id);
    if (!items || items->len == 0)
        return NULL;
    g_hash_table_insert(conn_by_number, GUINT_TO_POINTER(conn->number), conn);
    sip_frame *frame = NULL;
    for (guint i = 0; i < items->len && i < MAX_MESSAGES_PER_PACKET; i++)
        fold_message(pinfo, conn, (field_info *)g_ptr_array_index(items, i), &frame);
    if (frame)
        p_add_proto_data(wmem_file_scope(), pinfo, proto_ccesec, FRAME_SIP_KEY, frame);
    return frame;
}

static void add_string(proto_tree *tree, int hf, tvbuff_t *tvb, packet_info *pinfo,
                       const char *value)
{
    if (!value || !value[0])
        return;
    char *shown = format_text(pinfo->pool, (const void *)value, strlen(value));
    proto_item_set_generated(proto_tree_add_string(tree, hf, tvb, 0, 0, shown));
}

/* The call and media items of a leg: on its SIP packets and its media packets. */
static proto_item *add_leg_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                                 guint leg_index, ccesec_leg_verdict *verdict)
{
    const ccesec_call_leg *leg = ccesec_calls_leg(calls_state, leg_index);
    guint root = ccesec_calls_root(calls_state, leg->call);
    const ccesec_call *call = ccesec_calls_get(calls_state, root);
    ccesec_calls_evaluate_leg(leg_index, verdict);
    char media[CCESEC_CALL_TEXT_MAX];
    ccesec_leg_media_text(leg, media, sizeof media);
    proto_item *call_item = proto_tree_add_string(tree, hf_call, tvb, 0, 0, call->id);
    proto_item_set_generated(call_item);
    proto_tree *sub = proto_item_add_subtree(call_item, ett_call);
    add_string(sub, hf_call_verdict, tvb, pinfo,
               ccesec_call_verdict_name(ccesec_calls_verdict(root)));
    add_string(sub, hf_call_joined_by, tvb, pinfo, leg->joined_by);
    if (verdict->proto != CCESEC_MEDIA_NONE)
        add_string(sub, hf_media_transport, tvb, pinfo, ccesec_media_proto_name(verdict->proto));
    const char *suite =
        leg->media[0].crypto_suite[0] ? leg->media[0].crypto_suite : leg->media[1].crypto_suite;
    add_string(sub, hf_media_crypto, tvb, pinfo, suite);
    add_string(sub, hf_media_text, tvb, pinfo, media);
    proto_item_set_generated(proto_tree_add_uint(sub, hf_media_packets, tvb, 0, 0,
                                                 (guint32)MIN(leg->media_packets, G_MAXUINT32)));
    return call_item;
}

static void report(packet_info *pinfo, proto_item *item, const sip_frame *frame)
{
    if (!frame->report || frame->leg < 0)
        return;
    ccesec_leg_verdict verdict;
    ccesec_calls_evaluate_leg((guint)frame->leg, &verdict);
    for (int code = 0; code < CCESEC_MEDIA_FIND_COUNT; code++)
        if (frame->report & (1u << code))
            expert_add_info_format(pinfo, item, &ei_media[code], "%s", verdict.text);
}

void ccesec_calls_sip(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, ccesec_conn *conn,
                      proto_item *status_item)
{
    sip_frame *frame =
        PINFO_FD_VISITED(pinfo)
            ? (sip_frame *)p_get_proto_data(wmem_file_scope(), pinfo, proto_ccesec, FRAME_SIP_KEY)
            : first_pass(tree, pinfo, conn);
    queue_tap(pinfo, conn, frame ? frame->leg : -1);
    if (!frame)
        return;
    proto_item *anchor = status_item;
    if (status_item) {
        proto_tree *ccesec_tree = proto_item_get_parent(status_item);
        add_string(ccesec_tree, hf_sip_call_id, tvb, pinfo, frame->call_id);
        add_string(ccesec_tree, hf_sip_method, tvb, pinfo, frame->method);
        if (frame->status)
            proto_item_set_generated(
                proto_tree_add_uint(ccesec_tree, hf_sip_status, tvb, 0, 0, frame->status));
        if (frame->leg >= 0) {
            ccesec_leg_verdict verdict;
            anchor = add_leg_items(ccesec_tree, tvb, pinfo, (guint)frame->leg, &verdict);
        }
    }
    report(pinfo, anchor, frame);
}

/* ---- Media packets ---- */

int ccesec_calls_media(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    if (pinfo->ptype != PT_UDP || !ccesec_calls_expect_media(calls_state))
        return 0;
    gint leg = -1;
    if (PINFO_FD_VISITED(pinfo)) {
        leg = GPOINTER_TO_INT(
                  p_get_proto_data(wmem_file_scope(), pinfo, proto_ccesec, FRAME_MEDIA_KEY)) -
              1;
    } else {
        ccesec_addr src, dst;
        if (!ccesec_addr_from_address(&pinfo->src, &src) ||
            !ccesec_addr_from_address(&pinfo->dst, &dst))
            return 0;
        leg = ccesec_calls_media_packet(calls_state, &src, (guint16)pinfo->srcport, &dst,
                                        (guint16)pinfo->destport, nstime_to_sec(&pinfo->rel_ts));
        if (leg >= 0)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_ccesec, FRAME_MEDIA_KEY,
                             GINT_TO_POINTER(leg + 1));
    }
    if (leg < 0)
        return 0;
    queue_tap(pinfo, NULL, leg);
    if (proto_field_is_referenced(tree, hf_call)) {
        ccesec_leg_verdict verdict;
        add_leg_items(tree, tvb, pinfo, (guint)leg, &verdict);
    }
    return tvb_captured_length(tvb);
}
