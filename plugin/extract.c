/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads the few TLS, SIP and TCP fields ccesec needs from a packet's tree. These are the
 * post-dissector's wanted fields: asking for them is what makes tshark build the tree.
 * Several registered fields share one abbreviation (tls.handshake.type twice in 4.0), so
 * each name resolves to every id that carries it.
 */
#include <epan/proto.h>
#include <epan/strutil.h>
#include <epan/to_str.h>

#include "ccesec.h"

#define MAX_IDS_PER_NAME 4

typedef enum {
    F_TCP_FLAGS,
    F_SIP_METHOD,
    F_SIP_STATUS,
    F_SIP_USER_AGENT,
    F_SIP_SERVER,
    F_TLS_CONTENT_TYPE,
    F_TLS_OPAQUE_TYPE,
    F_TLS_HS_TYPE,
    F_TLS_HS_VERSION,
    F_TLS_SUPPORTED_VERSION,
    F_TLS_CIPHERSUITE,
    F_TLS_ALERT_LEVEL,
    F_TLS_ALERT_DESC,
    F_TLS_CERTIFICATE,
    F_TLS_CERTIFICATES_LENGTH,
    F_COUNT
} field_key;

static const char *const field_names[F_COUNT] = {
    "tcp.flags",
    "sip.Method",
    "sip.Status-Code",
    "sip.User-Agent",
    "sip.Server",
    "tls.record.content_type",
    "tls.record.opaque_type",
    "tls.handshake.type",
    "tls.handshake.version",
    "tls.handshake.extensions.supported_version",
    "tls.handshake.ciphersuite",
    "tls.alert_message.level",
    "tls.alert_message.desc",
    "tls.handshake.certificate",
    "tls.handshake.certificates_length",
};

static int field_ids[F_COUNT][MAX_IDS_PER_NAME];
/* Protocol ids of SIP and TLS, resolved once: a packet's layers are protocol ids. */
static int sip_proto_id = -1;
static int tls_proto_id = -1;

enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_ACK = 0x10 };
enum { TLS_CT_CCS = 20, TLS_CT_ALERT = 21, TLS_CT_APP_DATA = 23 };
enum { TLS_HS_SERVER_HELLO = 2, TLS_ALERT_FATAL = 2 };

static void resolve_field(field_key key, GArray *wanted)
{
    for (int i = 0; i < MAX_IDS_PER_NAME; i++)
        field_ids[key][i] = -1;
    int id = proto_registrar_get_id_byname(field_names[key]);
    if (id < 0)
        return;
    /* Walk to the first of the same-name chain, then take every id in it. */
    header_field_info *hfi = proto_registrar_get_nth((guint)id);
    while (hfi->same_name_prev_id != -1)
        hfi = proto_registrar_get_nth((guint)hfi->same_name_prev_id);
    for (int i = 0; hfi && i < MAX_IDS_PER_NAME; hfi = hfi->same_name_next, i++) {
        field_ids[key][i] = hfi->id;
        g_array_append_val(wanted, hfi->id);
    }
}

void ccesec_extract_register_wanted(dissector_handle_t handle)
{
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    for (int key = 0; key < F_COUNT; key++)
        resolve_field((field_key)key, wanted);
    ccesec_calls_want_fields(wanted);
    set_postdissector_wanted_hfids(handle, wanted);
    sip_proto_id = proto_get_id_by_filter_name("sip");
    tls_proto_id = proto_get_id_by_filter_name("tls");
}

/* Compares ids: proto_is_frame_protocol() looks up and compares the name of every layer,
 * about 1,000 instructions for two names on every RTP packet. */
static gboolean has_layer(packet_info *pinfo, int proto_id)
{
    for (wmem_list_frame_t *layer = wmem_list_head(pinfo->layers); layer;
         layer = wmem_list_frame_next(layer)) {
        if (GPOINTER_TO_INT(wmem_list_frame_data(layer)) == proto_id)
            return TRUE;
    }
    return FALSE;
}

gboolean ccesec_packet_has_sip(packet_info *pinfo)
{
    return has_layer(pinfo, sip_proto_id);
}

/* Calls visit(fi, obs) for every item of the field, over all ids sharing its name. */
typedef void (*field_visitor)(field_info *fi, ccesec_packet_obs *obs);

static void for_each_item(proto_tree *tree, field_key key, field_visitor visit,
                          ccesec_packet_obs *obs)
{
    for (int i = 0; i < MAX_IDS_PER_NAME && field_ids[key][i] >= 0; i++) {
        GPtrArray *items = proto_get_finfo_ptr_array(tree, field_ids[key][i]);
        for (guint j = 0; items && j < items->len; j++)
            visit((field_info *)g_ptr_array_index(items, j), obs);
    }
}

static field_info *first_item(proto_tree *tree, field_key key)
{
    for (int i = 0; i < MAX_IDS_PER_NAME && field_ids[key][i] >= 0; i++) {
        GPtrArray *items = proto_get_finfo_ptr_array(tree, field_ids[key][i]);
        if (items && items->len > 0)
            return (field_info *)g_ptr_array_index(items, 0);
    }
    return NULL;
}

/* First item's unsigned value, or fallback when absent. */
static guint32 first_uint(proto_tree *tree, field_key key, guint32 fallback)
{
    field_info *fi = first_item(tree, key);
    return fi ? fvalue_get_uinteger(CCESEC_FVALUE(fi)) : fallback;
}

static gboolean has_item(proto_tree *tree, field_key key)
{
    return first_item(tree, key) != NULL;
}

static guint32 uint_of(field_info *fi)
{
    return fvalue_get_uinteger(CCESEC_FVALUE(fi));
}

static void visit_content_type(field_info *fi, ccesec_packet_obs *obs)
{
    guint32 type = uint_of(fi);
    obs->tls = TRUE;
    if (type == TLS_CT_CCS && obs->ccs_records < G_MAXUINT8)
        obs->ccs_records++;
    if (type == TLS_CT_APP_DATA && obs->app_data_types < G_MAXUINT8)
        obs->app_data_types++;
}

/* The outer type of a TLS 1.3 record: 23 for everything encrypted. Where it is present the
 * content type is the decrypted inner one, so the outer type is what counts. */
static void visit_opaque_type(field_info *fi, ccesec_packet_obs *obs)
{
    obs->tls = TRUE;
    if (uint_of(fi) == TLS_CT_APP_DATA && obs->encrypted_records < G_MAXUINT8)
        obs->encrypted_records++;
}

static void visit_handshake_type(field_info *fi, ccesec_packet_obs *obs)
{
    guint32 type = uint_of(fi);
    obs->tls = TRUE;
    if (type < 32)
        obs->handshake_types |= 1u << type;
}

static void visit_certificate(field_info *fi, ccesec_packet_obs *obs)
{
    if (!obs->first_cert)
        obs->first_cert = fi;
}

static void visit_certificates_length(field_info *fi, ccesec_packet_obs *obs)
{
    if (uint_of(fi) == 0)
        obs->empty_certificate = TRUE;
}

static void extract_tcp(proto_tree *tree, ccesec_packet_obs *obs)
{
    guint32 flags = first_uint(tree, F_TCP_FLAGS, G_MAXUINT32);
    if (flags == G_MAXUINT32)
        return;
    obs->has_tcp_flags = TRUE;
    obs->syn = (flags & TCP_SYN) != 0;
    obs->ack = (flags & TCP_ACK) != 0;
    obs->fin = (flags & TCP_FIN) != 0;
    obs->rst = (flags & TCP_RST) != 0;
}

static void copy_escaped(packet_info *pinfo, field_info *fi, char *out, gsize out_len)
{
    const char *value = fvalue_get_string(CCESEC_FVALUE(fi));
    if (!value)
        return;
    char *escaped = format_text(pinfo->pool, (const void *)value, strlen(value));
    g_strlcpy(out, escaped, out_len);
}

static void extract_sip(proto_tree *tree, packet_info *pinfo, ccesec_packet_obs *obs)
{
    if (!has_item(tree, F_SIP_METHOD) && !has_item(tree, F_SIP_STATUS))
        return;
    obs->sip = TRUE;
    obs->sip_in_tls = has_layer(pinfo, tls_proto_id);
    field_key keys[] = {F_SIP_USER_AGENT, F_SIP_SERVER};
    for (guint k = 0; k < G_N_ELEMENTS(keys) && !obs->user_agent[0]; k++) {
        for (int i = 0; i < MAX_IDS_PER_NAME && field_ids[keys[k]][i] >= 0; i++) {
            GPtrArray *items = proto_get_finfo_ptr_array(tree, field_ids[keys[k]][i]);
            if (items && items->len > 0) {
                copy_escaped(pinfo, (field_info *)g_ptr_array_index(items, 0), obs->user_agent,
                             sizeof obs->user_agent);
                break;
            }
        }
    }
}

/* Version and cipher are read only from a packet that holds a ServerHello: in a ClientHello
 * the same fields list what the client offers. Client and server hellos never share a
 * packet, because they come from different sides. */
static void extract_server_hello(proto_tree *tree, ccesec_packet_obs *obs)
{
    if (!(obs->handshake_types & (1u << TLS_HS_SERVER_HELLO)))
        return;
    obs->server_version = (guint16)first_uint(tree, F_TLS_HS_VERSION, 0);
    obs->supported_version = (guint16)first_uint(tree, F_TLS_SUPPORTED_VERSION, 0);
    obs->cipher = (guint16)first_uint(tree, F_TLS_CIPHERSUITE, 0);
}

/* Level and description items come in pairs, one pair per alert in clear. */
static void extract_alert(proto_tree *tree, ccesec_packet_obs *obs)
{
    for (int i = 0; i < MAX_IDS_PER_NAME && field_ids[F_TLS_ALERT_LEVEL][i] >= 0; i++) {
        GPtrArray *levels = proto_get_finfo_ptr_array(tree, field_ids[F_TLS_ALERT_LEVEL][i]);
        GPtrArray *descs = proto_get_finfo_ptr_array(tree, field_ids[F_TLS_ALERT_DESC][i]);
        if (!levels || !descs)
            continue;
        for (guint j = 0; j < levels->len && j < descs->len; j++) {
            if (uint_of((field_info *)g_ptr_array_index(levels, j)) != TLS_ALERT_FATAL)
                continue;
            obs->fatal_alert = TRUE;
            obs->alert_desc = (guint8)uint_of((field_info *)g_ptr_array_index(descs, j));
            return;
        }
    }
}

/* TLS on a SIP port that Wireshark gives to its SIP dissector (5060) is decoded as neither:
 * recognise it by its first bytes, so the connection is not silently missed. The payload is
 * found from the TCP flags item, which sits at byte 12 of the TCP header next to the header
 * length: wanting tcp.payload instead would copy every TCP payload of the capture. */
static gboolean payload_looks_like_tls(field_info *flags)
{
    if (!flags || !flags->ds_tvb || flags->start < 12 ||
        !tvb_bytes_exist(flags->ds_tvb, flags->start, 1))
        return FALSE;
    gint payload = flags->start - 12 + (tvb_get_guint8(flags->ds_tvb, flags->start) >> 4) * 4;
    if (!tvb_bytes_exist(flags->ds_tvb, payload, 5))
        return FALSE;
    guint8 type = tvb_get_guint8(flags->ds_tvb, payload);
    return type >= 20 && type <= 23 && tvb_get_guint8(flags->ds_tvb, payload + 1) == 3 &&
           tvb_get_guint8(flags->ds_tvb, payload + 2) <= 4;
}

void ccesec_extract(proto_tree *tree, packet_info *pinfo, ccesec_packet_obs *obs)
{
    memset(obs, 0, sizeof *obs);
    if (!tree)
        return;
    extract_tcp(tree, obs);
    extract_sip(tree, pinfo, obs);
    for_each_item(tree, F_TLS_CONTENT_TYPE, visit_content_type, obs);
    for_each_item(tree, F_TLS_OPAQUE_TYPE, visit_opaque_type, obs);
    if (obs->encrypted_records == 0)
        obs->encrypted_records = obs->app_data_types;
    /* Only real records count: bytes the TLS dissector could not read as a record (noise on
     * a SIP port) leave the connection unclassified. */
    if (!obs->tls) {
        obs->tls_undecoded = !obs->sip && payload_looks_like_tls(first_item(tree, F_TCP_FLAGS));
        return;
    }
    for_each_item(tree, F_TLS_HS_TYPE, visit_handshake_type, obs);
    extract_server_hello(tree, obs);
    extract_alert(tree, obs);
    for_each_item(tree, F_TLS_CERTIFICATE, visit_certificate, obs);
    for_each_item(tree, F_TLS_CERTIFICATES_LENGTH, visit_certificates_length, obs);
}
