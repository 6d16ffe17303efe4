/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads the few TLS, SIP and TCP fields ccesec needs from a packet's tree. These are the
 * post-dissector's wanted fields: asking for them is what makes tshark build the tree.
 * Several registered fields share one abbreviation (tls.handshake.type twice in 4.0), so
 * each name resolves to every id that carries it. TLS records are read from their length
 * items: the header bytes before each give its outer type and version as they are on the
 * wire, whether or not a key log decrypted the record.
 */
#include <epan/proto.h>
#include <epan/strutil.h>
#include <epan/to_str.h>
#include <wsutil/wslog.h>

#include "ccesec.h"

#define MAX_IDS_PER_NAME 4

typedef enum {
    F_TCP_LEN,
    F_SIP_METHOD,
    F_SIP_STATUS,
    F_SIP_USER_AGENT,
    F_SIP_SERVER,
    F_TLS_RECORD_LENGTH,
    F_TLS_HS_TYPE,
    F_TLS_HS_VERSION,
    F_TLS_SUPPORTED_VERSION,
    F_TLS_CIPHERSUITE,
    F_TLS_SESSION_ID,
    F_TLS_SESSION_TICKET,
    F_TLS_EXTENSION_TYPE,
    F_TLS_PSK_IDENTITY,
    F_TLS_PSK_SELECTED,
    F_TLS_ALERT_LEVEL,
    F_TLS_ALERT_DESC,
    F_TLS_CERTIFICATE,
    F_TLS_CERTIFICATES_LENGTH,
    F_COUNT
} field_key;

static const char *const field_names[F_COUNT] = {
    "tcp.len",
    "sip.Method",
    "sip.Status-Code",
    "sip.User-Agent",
    "sip.Server",
    "tls.record.length",
    "tls.handshake.type",
    "tls.handshake.version",
    "tls.handshake.extensions.supported_version",
    "tls.handshake.ciphersuite",
    "tls.handshake.session_id",
    "tls.handshake.session_ticket",
    "tls.handshake.extension.type",
    "tls.handshake.extensions.psk.identity.identity",
    "tls.handshake.extensions.psk.identity.selected",
    "tls.alert_message.level",
    "tls.alert_message.desc",
    "tls.handshake.certificate",
    "tls.handshake.certificates_length",
};

static int field_ids[F_COUNT][MAX_IDS_PER_NAME];
/* Every id ccesec wants, resolved once at hand-off; handed to Wireshark while enabled. */
static GArray *wanted_ids;
static dissector_handle_t wanting_handle;
/* Protocol ids of SIP and TLS, resolved once: a packet's layers are protocol ids. */
static int sip_proto_id = -1;
static int tls_proto_id = -1;

enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_ACK = 0x10 };
enum { TLS_CT_APP_DATA = 23, TLS_ALERT_FATAL = 2, TLS_EXT_SESSION_TICKET = 35 };

/* Resolves every id of the name; FALSE when this Wireshark has no such field. */
static gboolean resolve_field(field_key key, GArray *wanted)
{
    for (int i = 0; i < MAX_IDS_PER_NAME; i++)
        field_ids[key][i] = -1;
    int id = proto_registrar_get_id_byname(field_names[key]);
    if (id < 0)
        return FALSE;
    /* Walk to the first of the same-name chain, then take every id in it. */
    header_field_info *hfi = proto_registrar_get_nth((guint)id);
    while (hfi->same_name_prev_id != -1)
        hfi = proto_registrar_get_nth((guint)hfi->same_name_prev_id);
    for (int i = 0; hfi && i < MAX_IDS_PER_NAME; hfi = hfi->same_name_next, i++) {
        field_ids[key][i] = hfi->id;
        g_array_append_val(wanted, hfi->id);
    }
    return TRUE;
}

void ccesec_extract_resolve_fields(dissector_handle_t handle)
{
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    GString *missing = g_string_new(NULL);
    for (int key = 0; key < F_COUNT; key++) {
        if (!resolve_field((field_key)key, wanted))
            g_string_append_printf(missing, "%s%s", missing->len ? ", " : "", field_names[key]);
    }
    /* A renamed field would otherwise weaken verdicts without a word. */
    if (missing->len)
        ws_warning("ccesec: this Wireshark has no field %s; the verdicts that need it cannot "
                   "be made (ccesec was written for the fields of Wireshark 4.0 to 4.6)",
                   missing->str);
    g_string_free(missing, TRUE);
    ccesec_calls_want_fields(wanted);
    wanted_ids = wanted;
    wanting_handle = handle;
    sip_proto_id = proto_get_id_by_filter_name("sip");
    tls_proto_id = proto_get_id_by_filter_name("tls");
}

/* A post-dissector's wanted fields make tshark build every packet's tree, and Wireshark 4.0
 * primes them even for a disabled post-dissector: so they are wanted only while ccesec is
 * enabled, as TRANSUM does. Disabled (--disable-protocol ccesec, or Analyze > Enabled
 * Protocols), ccesec costs nothing. Runs before each file is read, after the protocol
 * preferences are applied. */
void ccesec_extract_want_fields(gboolean enabled)
{
    if (!wanting_handle || !wanted_ids)
        return;
    /* Wireshark owns, and frees, the array it is given. */
    GArray *wanted = NULL;
    if (enabled && wanted_ids->len > 0) {
        wanted = g_array_sized_new(FALSE, FALSE, (guint)sizeof(int), wanted_ids->len);
        g_array_append_vals(wanted, wanted_ids->data, wanted_ids->len);
    }
    set_postdissector_wanted_hfids(wanting_handle, wanted);
}

void ccesec_extract_shutdown(void)
{
    if (wanted_ids)
        g_array_free(wanted_ids, TRUE);
    wanted_ids = NULL;
    wanting_handle = NULL;
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

static guint32 uint_of(field_info *fi)
{
    return fvalue_get_uinteger(CCESEC_FVALUE(fi));
}

/* First item's unsigned value, or fallback when absent. */
static guint32 first_uint(proto_tree *tree, field_key key, guint32 fallback)
{
    field_info *fi = first_item(tree, key);
    return fi ? uint_of(fi) : fallback;
}

static gboolean has_item(proto_tree *tree, field_key key)
{
    return first_item(tree, key) != NULL;
}

/* FNV-1a over bytes of the item's data source: a session ID or ticket, to recognise it
 * again in a later connection. 0 means none. */
static guint64 hash_bytes(tvbuff_t *tvb, gint offset, gint length)
{
    guint64 hash = G_GUINT64_CONSTANT(14695981039346656037);
    if (!tvb || length <= 0 || !tvb_bytes_exist(tvb, offset, length))
        return 0;
    const guint8 *bytes = tvb_get_ptr(tvb, offset, length);
    for (gint i = 0; i < length; i++) {
        hash ^= bytes[i];
        hash *= G_GUINT64_CONSTANT(1099511628211);
    }
    return hash ? hash : 1;
}

static guint64 hash_item(field_info *fi)
{
    return fi ? hash_bytes(fi->ds_tvb, fi->start, fi->length) : 0;
}

/* ---- TCP ---- */

/* The TCP header in the frame's bytes: flags, raw sequence numbers (whatever
 * tcp.relative_sequence_numbers says) and where the payload starts. Wanting tcp.flags or
 * tcp.payload as well would cost every packet an item more. */
typedef struct {
    tvbuff_t *tvb; /* NULL: no TCP header found */
    gint header;   /* offset of its first byte */
} tcp_bytes;

#define TCP_BYTES_READ 14 /* ports, numbers, header length and flags */

/* The tcp.len item (generated, no bytes of its own) sits at the first byte of the header in
 * Wireshark 4.0 to 4.6; the packet's ports there confirm it is this packet's header. */
static tcp_bytes find_tcp_header(packet_info *pinfo, field_info *len_fi)
{
    tcp_bytes found = {NULL, -1};
    if (len_fi && len_fi->ds_tvb && len_fi->start >= 0 &&
        tvb_bytes_exist(len_fi->ds_tvb, len_fi->start, TCP_BYTES_READ) &&
        tvb_get_ntohs(len_fi->ds_tvb, len_fi->start) == pinfo->srcport &&
        tvb_get_ntohs(len_fi->ds_tvb, len_fi->start + 2) == pinfo->destport) {
        found.tvb = len_fi->ds_tvb;
        found.header = len_fi->start;
    }
    return found;
}

static tcp_bytes extract_tcp(proto_tree *tree, packet_info *pinfo, ccesec_packet_obs *obs)
{
    ccesec_packet_view *v = &obs->view;
    field_info *len_fi = first_item(tree, F_TCP_LEN);
    tcp_bytes tcp = find_tcp_header(pinfo, len_fi);
    if (!tcp.tvb)
        return tcp;
    guint8 flags = ccesec_tvb_get_u8(tcp.tvb, tcp.header + 13);
    v->syn = (flags & TCP_SYN) != 0;
    v->ack_flag = (flags & TCP_ACK) != 0;
    v->fin = (flags & TCP_FIN) != 0;
    v->rst = (flags & TCP_RST) != 0;
    v->payload_len = uint_of(len_fi);
    v->tcp = TRUE;
    v->seq = tvb_get_ntohl(tcp.tvb, tcp.header + 4);
    v->ack = tvb_get_ntohl(tcp.tvb, tcp.header + 8);
    return tcp;
}

/* The TCP payload's offset in the frame's bytes, after the header's options. */
static gint tcp_payload_offset(const tcp_bytes *tcp)
{
    return tcp->header + (ccesec_tvb_get_u8(tcp->tvb, tcp->header + 12) >> 4) * 4;
}

/* TLS on a SIP port that Wireshark gives to its SIP dissector (5060) is decoded as neither:
 * recognise it by its first bytes, so the connection is not silently missed. */
static gboolean payload_looks_like_tls(tvbuff_t *tvb, gint payload)
{
    if (!tvb_bytes_exist(tvb, payload, 5))
        return FALSE;
    guint8 type = ccesec_tvb_get_u8(tvb, payload);
    return type >= 20 && type <= 23 && ccesec_tvb_get_u8(tvb, payload + 1) == 3 &&
           ccesec_tvb_get_u8(tvb, payload + 2) <= 4;
}

/* ---- SIP ---- */

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
    /* The layer list is shorter to walk than the fields' tables are to look up. */
    if (!has_layer(pinfo, sip_proto_id) ||
        (!has_item(tree, F_SIP_METHOD) && !has_item(tree, F_SIP_STATUS)))
        return;
    obs->view.sip = TRUE;
    obs->view.sip_in_tls = has_layer(pinfo, tls_proto_id);
    field_info *ua = first_item(tree, F_SIP_USER_AGENT);
    if (!ua)
        ua = first_item(tree, F_SIP_SERVER);
    if (ua)
        copy_escaped(pinfo, ua, obs->user_agent, sizeof obs->user_agent);
}

/* ---- TLS records ---- */

/* A SIP start line at the start of a record's payload: "SIP/2.0 " or "METHOD sip:". Only a
 * record without encryption (a NULL cipher) shows one. */
static gboolean starts_like_sip(tvbuff_t *tvb, gint offset)
{
    char text[17] = {0};
    gint n = MIN(tvb_captured_length_remaining(tvb, offset), 16);
    /* cppcheck does not know the tvb accessor's range */
    // cppcheck-suppress knownConditionTrueFalse
    if (n < 12)
        return FALSE;
    tvb_memcpy(tvb, text, offset, n);
    if (g_str_has_prefix(text, "SIP/2.0 "))
        return TRUE;
    const char *space = strchr(text, ' '); /* binary data stops it at its first NUL */
    if (!space || space - text < 3)
        return FALSE;
    for (const char *c = text; c < space; c++) {
        if (!g_ascii_isupper(*c))
            return FALSE;
    }
    return g_str_has_prefix(space + 1, "sip") || g_str_has_prefix(space + 1, "tel:");
}

static void visit_record_length(field_info *fi, ccesec_packet_obs *obs)
{
    ccesec_packet_view *v = &obs->view;
    gint start = fi->start - 3;
    v->tls = TRUE;
    if (v->n_records >= CCESEC_VIEW_RECORDS_MAX || !fi->ds_tvb || start < 0 ||
        !tvb_bytes_exist(fi->ds_tvb, start, 5))
        return;
    ccesec_record_view *r = &v->records[v->n_records++];
    r->type = ccesec_tvb_get_u8(fi->ds_tvb, start);
    r->version = tvb_get_ntohs(fi->ds_tvb, start + 1);
    r->length = (guint16)uint_of(fi);
    if (r->type == TLS_CT_APP_DATA && !v->sip_in_tls)
        r->sip_start = starts_like_sip(fi->ds_tvb, start + 5);
}

static void visit_handshake_type(field_info *fi, ccesec_packet_obs *obs)
{
    guint32 type = uint_of(fi);
    obs->view.tls = TRUE;
    if (type < 32)
        obs->view.handshake_types |= 1u << type;
}

static void visit_certificate(field_info *fi, ccesec_packet_obs *obs)
{
    if (!obs->first_cert)
        obs->first_cert = fi;
}

static void visit_certificates_length(field_info *fi, ccesec_packet_obs *obs)
{
    if (uint_of(fi) == 0)
        obs->view.empty_certificate = TRUE;
}

/* A ClientHello's SessionTicket extension: the ticket follows the type and its length. */
static void visit_extension_type(field_info *fi, ccesec_packet_obs *obs)
{
    if (uint_of(fi) != TLS_EXT_SESSION_TICKET || obs->ticket_offered || !fi->ds_tvb ||
        !tvb_bytes_exist(fi->ds_tvb, fi->start + 2, 2))
        return;
    gint length = tvb_get_ntohs(fi->ds_tvb, fi->start + 2);
    obs->ticket_offered = hash_bytes(fi->ds_tvb, fi->start + 4, length);
}

/* Version and cipher are read only from a packet that holds a ServerHello: in a ClientHello
 * the same fields list what the client offers. Client and server hellos never share a
 * packet, because they come from different sides. */
static void extract_hellos(proto_tree *tree, ccesec_packet_obs *obs)
{
    ccesec_packet_view *v = &obs->view;
    if (v->handshake_types & (CCESEC_HS_CLIENT_HELLO | CCESEC_HS_SERVER_HELLO))
        v->session_id_hash = hash_item(first_item(tree, F_TLS_SESSION_ID));
    if (v->handshake_types & CCESEC_HS_CLIENT_HELLO) {
        for_each_item(tree, F_TLS_EXTENSION_TYPE, visit_extension_type, obs);
        if (!obs->ticket_offered)
            obs->ticket_offered = hash_item(first_item(tree, F_TLS_PSK_IDENTITY));
    }
    if (v->handshake_types & CCESEC_HS_SERVER_HELLO) {
        v->server_version = (guint16)first_uint(tree, F_TLS_HS_VERSION, 0);
        v->supported_version = (guint16)first_uint(tree, F_TLS_SUPPORTED_VERSION, 0);
        v->cipher = (guint16)first_uint(tree, F_TLS_CIPHERSUITE, 0);
        v->psk_selected = has_item(tree, F_TLS_PSK_SELECTED);
    }
    if (v->handshake_types & CCESEC_HS_NEW_SESSION_TICKET)
        obs->ticket_issued = hash_item(first_item(tree, F_TLS_SESSION_TICKET));
}

/* Level and description items come in pairs, one pair per alert in clear (or decrypted). */
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
            obs->view.fatal_alert = TRUE;
            obs->view.alert_desc = (guint8)uint_of((field_info *)g_ptr_array_index(descs, j));
            return;
        }
    }
}

/* A TCP payload neither SIP nor TLS to Wireshark: TLS on a port given to SIP, or a SIP
 * message the SIP dissector could not take (a frame cut by a snap length): its first bytes
 * still prove what it is. */
static void extract_undecoded(const tcp_bytes *tcp, ccesec_packet_obs *obs)
{
    if (!tcp->tvb || obs->view.payload_len == 0)
        return;
    gint payload = tcp_payload_offset(tcp);
    if (payload_looks_like_tls(tcp->tvb, payload)) {
        /* Its first record's header, read as the TLS dissector would have read it. */
        ccesec_packet_view *v = &obs->view;
        v->tls_undecoded = TRUE;
        v->n_records = 1;
        v->records[0].type = ccesec_tvb_get_u8(tcp->tvb, payload);
        v->records[0].version = tvb_get_ntohs(tcp->tvb, payload + 1);
        v->records[0].length = tvb_get_ntohs(tcp->tvb, payload + 3);
    } else if (starts_like_sip(tcp->tvb, payload))
        obs->view.sip = TRUE;
}

void ccesec_extract(proto_tree *tree, packet_info *pinfo, ccesec_packet_obs *obs)
{
    memset(obs, 0, sizeof *obs);
    obs->view.captured_len = pinfo->fd->cap_len;
    obs->view.wire_len = pinfo->fd->pkt_len;
    obs->view.time_ms = (gint64)pinfo->abs_ts.secs * 1000 + pinfo->abs_ts.nsecs / 1000000;
    if (!tree)
        return;
    tcp_bytes tcp = extract_tcp(tree, pinfo, obs);
    extract_sip(tree, pinfo, obs);
    for_each_item(tree, F_TLS_RECORD_LENGTH, visit_record_length, obs);
    for_each_item(tree, F_TLS_HS_TYPE, visit_handshake_type, obs);
    /* Only real records count: bytes the TLS dissector could not read as a record (noise on
     * a SIP port) leave the connection unclassified. */
    if (!obs->view.tls) {
        if (!obs->view.sip)
            extract_undecoded(&tcp, obs);
        return;
    }
    extract_hellos(tree, obs);
    extract_alert(tree, obs);
    /* Only a Certificate message has these (decrypted ones too: its type is read as well). */
    if (obs->view.handshake_types & CCESEC_HS_CERTIFICATE) {
        for_each_item(tree, F_TLS_CERTIFICATE, visit_certificate, obs);
        for_each_item(tree, F_TLS_CERTIFICATES_LENGTH, visit_certificates_length, obs);
    }
}
