/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-connection state. Each SIP signalling connection (a TCP connection or a UDP flow) gets
 * one fixed-size ccesec_conn in wmem file scope, attached to its conversation, where later
 * passes find it again. Nothing is kept per packet, and what several connections share is
 * kept once: the text and learned role of an address, a parsed certificate per distinct one.
 */
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/to_str.h>

#include "ccesec.h"
#include "ccesec/legs.h"
#include "ccesec/x509.h"

/* What is known of an address, shared by all its connections: its text, and the role it
 * taught us (certificate or SIP header). */
typedef struct {
    const char *text;
    ccesec_role role;
    ccesec_role_source source;
} address_info;

typedef struct {
    ccesec_conn conn;
    address_info *end[2];
    guint64 ticket_offered;    /* what the ClientHello offered to resume, 0 = nothing */
    guint64 server_session_id; /* the ServerHello's session ID */
} conn_state;

#define MAX_CERT_BYTES (256 * 1024) /* larger "certificates" are reported, not parsed */

static guint32 conn_count;
static guint32 roles_epoch;    /* counts roles learnt: tables filled before may be stale */
static wmem_map_t *addresses;  /* address text -> address_info */
static wmem_map_t *cert_cache; /* cert_entry -> itself, by the certificate's bytes */
static wmem_map_t *sessions;   /* session ID or ticket, with its server -> full handshake */

/* A certificate met before, recognised by its bytes: every connection to a server carries
 * the same one, and hashing each copy with SHA-256 cost more than all the rest of the
 * plugin's work on a SIP-only capture. */
typedef struct {
    guint hash;
    guint len;
    const guint8 *der;       /* file-scope copy, compared byte for byte */
    const ccesec_cert *cert; /* NULL: it could not be parsed */
    ccesec_role role;        /* what its names say under the roles' name patterns */
} cert_entry;

#define CERT_HASH_TAIL 32

/* The length and the last bytes (the signature, different in every certificate); equal
 * hashes are told apart by cert_equal, so a forged tail costs a comparison, not a verdict. */
static guint cert_hash_of(const guint8 *der, guint len)
{
    guint hash = len;
    for (guint i = len > CERT_HASH_TAIL ? len - CERT_HASH_TAIL : 0; i < len; i++)
        hash = hash * 31u + der[i];
    return hash;
}

static guint cert_hash(gconstpointer key)
{
    return ((const cert_entry *)key)->hash;
}

static gboolean cert_equal(gconstpointer a, gconstpointer b)
{
    const cert_entry *x = (const cert_entry *)a, *y = (const cert_entry *)b;
    return x->len == y->len && memcmp(x->der, y->der, x->len) == 0;
}

void ccesec_conn_init(void)
{
    /* A new session: no connection points at a replaced roles table any more. */
    ccesec_prefs_release_retired();
    conn_count = 0;
    roles_epoch = 0;
    addresses = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
    sessions = wmem_map_new(wmem_file_scope(), g_int64_hash, g_int64_equal);
    cert_cache = wmem_map_new(wmem_file_scope(), cert_hash, cert_equal);
}

gboolean ccesec_addr_from_address(const address *addr, ccesec_addr *out)
{
    if (addr->type == AT_IPv4 && addr->len == 4)
        ccesec_addr_from_ipv4(out, (const guint8 *)addr->data);
    else if (addr->type == AT_IPv6 && addr->len == 16)
        ccesec_addr_from_ipv6(out, (const guint8 *)addr->data);
    else
        return FALSE;
    return TRUE;
}

static const ccesec_role_entry *config_for(const address *addr)
{
    ccesec_addr key;
    if (!ccesec_addr_from_address(addr, &key))
        return NULL;
    return ccesec_role_table_lookup(ccesec_settings_get()->roles, &key);
}

gboolean ccesec_conn_between_known_roles(packet_info *pinfo)
{
    return config_for(&pinfo->src) != NULL && config_for(&pinfo->dst) != NULL;
}

static address_info *address_info_for(packet_info *pinfo, const address *addr)
{
    const char *text = address_to_str(pinfo->pool, addr);
    address_info *info = (address_info *)wmem_map_lookup(addresses, text);
    if (!info) {
        info = wmem_new0(wmem_file_scope(), address_info);
        info->text = wmem_strdup(wmem_file_scope(), text);
        wmem_map_insert(addresses, info->text, info);
    }
    return info;
}

static gboolean is_service_port(guint32 port)
{
    return ccesec_port_is_sip(port) || ccesec_port_is_tls(port);
}

/* Which end of the first packet we see is the client: the one that opened the connection
 * (SYN, ClientHello), else the one not on a SIP port, else the sender. */
static gboolean sender_is_client(packet_info *pinfo, const ccesec_packet_obs *obs)
{
    if (obs->view.syn)
        return !obs->view.ack_flag;
    if (obs->view.handshake_types & CCESEC_HS_CLIENT_HELLO)
        return TRUE;
    if (obs->view.handshake_types & CCESEC_HS_SERVER_HELLO)
        return FALSE;
    gboolean src_service = is_service_port(pinfo->srcport);
    gboolean dst_service = is_service_port(pinfo->destport);
    if (src_service != dst_service)
        return dst_service;
    return TRUE;
}

static void set_end(conn_state *state, packet_info *pinfo, ccesec_side side, const address *addr,
                    guint32 port)
{
    ccesec_addr_from_address(addr, &state->conn.addr[side]);
    state->conn.port[side] = port;
    state->conn.config[side] = config_for(addr);
    state->end[side] = address_info_for(pinfo, addr);
}

static conn_state *conn_new(packet_info *pinfo, const ccesec_packet_obs *obs)
{
    conn_state *state = wmem_new0(wmem_file_scope(), conn_state);
    gboolean client_sends = sender_is_client(pinfo, obs);
    set_end(state, pinfo, client_sends ? CCESEC_CLIENT : CCESEC_SERVER, &pinfo->src,
            pinfo->srcport);
    set_end(state, pinfo, client_sends ? CCESEC_SERVER : CCESEC_CLIENT, &pinfo->dst,
            pinfo->destport);
    state->conn.number = ++conn_count;
    state->conn.reason = "";
    state->conn.evaluated_role[CCESEC_CLIENT] = state->conn.evaluated_role[CCESEC_SERVER] =
        CCESEC_ROLE_UNKNOWN;
    state->conn.facts.transport =
        pinfo->ptype == PT_UDP ? CCESEC_TRANSPORT_UDP : CCESEC_TRANSPORT_TCP;
    state->conn.first_seen = pinfo->rel_ts;
    return state;
}

ccesec_conn *ccesec_conn_for_packet(packet_info *pinfo, const ccesec_packet_obs *obs)
{
    conversation_t *conversation = find_or_create_conversation(pinfo);
    conn_state *state = (conn_state *)conversation_get_proto_data(conversation, proto_ccesec);
    if (!state) {
        state = conn_new(pinfo, obs);
        conversation_add_proto_data(conversation, proto_ccesec, state);
    }
    return &state->conn;
}

ccesec_conn *ccesec_conn_find(packet_info *pinfo)
{
    conversation_t *conversation = find_conversation_pinfo(pinfo, 0);
    return conversation ? (ccesec_conn *)conversation_get_proto_data(conversation, proto_ccesec)
                        : NULL;
}

ccesec_side ccesec_conn_side(const ccesec_conn *conn, packet_info *pinfo)
{
    ccesec_addr src;
    if (pinfo->srcport == conn->port[CCESEC_CLIENT] &&
        ccesec_addr_from_address(&pinfo->src, &src) &&
        memcmp(&src, &conn->addr[CCESEC_CLIENT], sizeof src) == 0)
        return CCESEC_CLIENT;
    return CCESEC_SERVER;
}

ccesec_role ccesec_conn_role(const ccesec_conn *conn, ccesec_side side, ccesec_role_source *src)
{
    const conn_state *state = (const conn_state *)conn;
    ccesec_role role = CCESEC_ROLE_UNKNOWN;
    ccesec_role_source source = CCESEC_SRC_NONE;
    if (conn->config[side]) {
        role = conn->config[side]->role;
        source = CCESEC_SRC_CONFIG;
    } else {
        role = state->end[side]->role;
        source = state->end[side]->source;
    }
    if (src)
        *src = source;
    return role;
}

const char *ccesec_conn_leg(const ccesec_conn *conn)
{
    return ccesec_leg_name(ccesec_conn_role(conn, CCESEC_CLIENT, NULL),
                           ccesec_conn_role(conn, CCESEC_SERVER, NULL));
}

const char *ccesec_conn_address_text(const ccesec_conn *conn, ccesec_side side)
{
    return ((const conn_state *)conn)->end[side]->text;
}

/* A weaker source never overrides a stronger one; returns TRUE when the role changed. */
static gboolean learn_role(conn_state *state, ccesec_side side, ccesec_role role,
                           ccesec_role_source source)
{
    address_info *learned = state->end[side];
    if (role == CCESEC_ROLE_UNKNOWN || !ccesec_role_should_replace(learned->source, source))
        return FALSE;
    gboolean changed = learned->role != role;
    learned->role = role;
    learned->source = source;
    if (changed)
        roles_epoch++;
    return changed;
}

/* The role a certificate's names give: its CN, else its first SAN dNSName that gives one. */
static ccesec_role role_from_cert(const ccesec_cert *cert)
{
    const ccesec_name_patterns *patterns = &ccesec_settings_get()->cert_patterns;
    ccesec_role role = ccesec_role_from_cert_name(patterns, cert->subject_cn);
    ccesec_san_iter iter;
    ccesec_san san;
    ccesec_san_iter_init(&iter, cert);
    while (role == CCESEC_ROLE_UNKNOWN && ccesec_san_iter_next(&iter, &san)) {
        if (san.kind == CCESEC_SAN_DNS && !san.truncated)
            role = ccesec_role_from_cert_name(patterns, san.text);
    }
    return role;
}

/* Parses a certificate the first time its bytes are met, keeping a file-scope copy of them:
 * its SAN bytes are read again whenever its names are matched or shown. Memory per distinct
 * certificate, never per packet. */
static const cert_entry *cert_parse_new(const guint8 *der, guint len, guint hash)
{
    cert_entry *entry = wmem_new0(wmem_file_scope(), cert_entry);
    entry->hash = hash;
    entry->len = len;
    entry->der = (const guint8 *)wmem_memdup(wmem_file_scope(), der, len);
    ccesec_cert *cert = wmem_new0(wmem_file_scope(), ccesec_cert);
    /* The cert points into entry->der (its SAN bytes), which lives as long as it does. */
    if (ccesec_x509_parse(entry->der, len, cert) == CCESEC_X509_OK) {
        entry->cert = cert;
        entry->role = role_from_cert(cert);
    } else {
        wmem_free(wmem_file_scope(), cert);
    }
    wmem_map_insert(cert_cache, entry, entry);
    return entry;
}

/* The leaf certificate of the item, parsed once per distinct certificate; NULL when its
 * bytes are not all in the capture. An entry's cert is NULL when it could not be parsed. */
static const cert_entry *cert_from_field(field_info *fi)
{
    if (fi->length <= 0 || fi->length > MAX_CERT_BYTES || !fi->ds_tvb ||
        !tvb_bytes_exist(fi->ds_tvb, fi->start, fi->length))
        return NULL;
    cert_entry probe;
    probe.len = (guint)fi->length;
    probe.der = tvb_get_ptr(fi->ds_tvb, fi->start, fi->length);
    probe.hash = cert_hash_of(probe.der, probe.len);
    const cert_entry *entry = (const cert_entry *)wmem_map_lookup(cert_cache, &probe);
    return entry ? entry : cert_parse_new(probe.der, probe.len, probe.hash);
}

static gboolean update_certificates(conn_state *state, ccesec_side side,
                                    const ccesec_packet_obs *obs)
{
    ccesec_conn_facts *facts = &state->conn.facts;
    if (!obs->first_cert)
        return FALSE;
    const ccesec_cert **slot = side == CCESEC_SERVER ? &facts->server_cert : &facts->client_cert;
    if (*slot)
        return FALSE;
    const cert_entry *entry = cert_from_field(obs->first_cert);
    if (!entry || !entry->cert) {
        facts->server_cert_unparsed |= side == CCESEC_SERVER;
        return FALSE;
    }
    *slot = entry->cert;
    return learn_role(state, side, entry->role, CCESEC_SRC_CERT);
}

/* ---- Resumption: the full handshake that made a session ---- */

/* A session ID or ticket means something only to the server that issued it. */
static gint64 *session_key(const conn_state *state, guint64 id)
{
    static gint64 key;
    guint64 hash = id;
    const guint8 *addr = (const guint8 *)&state->conn.addr[CCESEC_SERVER];
    for (gsize i = 0; i < sizeof state->conn.addr[CCESEC_SERVER]; i++)
        hash = (hash ^ addr[i]) * G_GUINT64_CONSTANT(1099511628211);
    key = (gint64)hash;
    return &key;
}

static void remember_session(conn_state *state, guint64 id)
{
    conn_state *origin = state;
    if (id == 0)
        return;
    /* A ticket issued on a resumed connection still leads to the certificate's handshake. */
    if (state->conn.facts.resumed) {
        if (!state->conn.facts.resumed_from)
            return;
        origin = (conn_state *)wmem_map_lookup(sessions, session_key(state, state->ticket_offered));
        if (!origin)
            origin = (conn_state *)wmem_map_lookup(sessions,
                                                   session_key(state, state->server_session_id));
        if (!origin)
            return;
    }
    gint64 *key = wmem_new(wmem_file_scope(), gint64);
    *key = *session_key(state, id);
    wmem_map_insert(sessions, key, origin);
}

static gboolean link_resumed(conn_state *state)
{
    ccesec_conn_facts *facts = &state->conn.facts;
    if (!facts->resumed || facts->resumed_from)
        return FALSE;
    conn_state *origin = NULL;
    if (state->ticket_offered)
        origin = (conn_state *)wmem_map_lookup(sessions, session_key(state, state->ticket_offered));
    if (!origin && state->server_session_id)
        origin =
            (conn_state *)wmem_map_lookup(sessions, session_key(state, state->server_session_id));
    if (!origin || origin == state)
        return FALSE;
    facts->resumed_from = origin->conn.number;
    if (!facts->server_cert) {
        facts->server_cert = origin->conn.facts.server_cert;
        facts->server_cert_unparsed = origin->conn.facts.server_cert_unparsed;
    }
    if (!facts->client_cert)
        facts->client_cert = origin->conn.facts.client_cert;
    return TRUE;
}

/* TRUE when the connection was linked to its full handshake now. */
static gboolean update_sessions(conn_state *state, ccesec_side side, const ccesec_packet_obs *obs)
{
    const ccesec_packet_view *v = &obs->view;
    if (side == CCESEC_CLIENT && (v->handshake_types & CCESEC_HS_CLIENT_HELLO))
        state->ticket_offered = obs->ticket_offered;
    if (side == CCESEC_SERVER && (v->handshake_types & CCESEC_HS_SERVER_HELLO)) {
        state->server_session_id = v->session_id_hash;
        if (!state->conn.facts.resumed)
            remember_session(state, v->session_id_hash);
    }
    gboolean linked = link_resumed(state);
    if (side == CCESEC_SERVER && obs->ticket_issued)
        remember_session(state, obs->ticket_issued);
    return linked;
}

/* A role of either end learnt (here or on another connection of that address) since the
 * connection's last evaluation: its leg and reason name the old one. */
static gboolean roles_changed(const ccesec_conn *conn)
{
    return conn->evaluated_role[CCESEC_CLIENT] != ccesec_conn_role(conn, CCESEC_CLIENT, NULL) ||
           conn->evaluated_role[CCESEC_SERVER] != ccesec_conn_role(conn, CCESEC_SERVER, NULL);
}

gboolean ccesec_conn_update(ccesec_conn *conn, packet_info *pinfo, ccesec_packet_obs *obs)
{
    conn_state *state = (conn_state *)conn;
    ccesec_side side = ccesec_conn_side(conn, pinfo);
    gboolean changed = FALSE;

    conn->packets++;
    conn->last_seen = pinfo->rel_ts;
    conn->last_frame = pinfo->num;
    conn->last_abs_secs = (gint64)pinfo->abs_ts.secs;
    obs->view.side = side;
    changed |= ccesec_track_packet(&conn->tracker, &conn->facts, &obs->view);
    if (obs->view.sip)
        learn_role(state, side, ccesec_role_from_user_agent(obs->user_agent),
                   CCESEC_SRC_SIP_HEADER);
    if (obs->view.tls) {
        changed |= update_certificates(state, side, obs);
        changed |= update_sessions(state, side, obs);
    }
    conn->classified |= obs->view.sip || obs->view.tls || obs->view.tls_undecoded;
    return changed || roles_changed(conn);
}

static void fill_peers(const ccesec_conn *conn, ccesec_peers *peers)
{
    memset(peers, 0, sizeof *peers);
    for (int side = CCESEC_CLIENT; side <= CCESEC_SERVER; side++) {
        const ccesec_role_entry *config = conn->config[side];
        peers->role[side] = ccesec_conn_role(conn, (ccesec_side)side, NULL);
        peers->address[side] = ccesec_conn_address_text(conn, (ccesec_side)side);
        peers->port[side] = (guint16)conn->port[side];
        peers->expected_name[side] = config ? config->expected_name : NULL;
        peers->expected_sha256[side] = config ? config->expected_sha256 : NULL;
    }
}

static void store_status(ccesec_conn *conn, const ccesec_verdict *verdict, gint64 now)
{
    conn->status = verdict->status;
    conn->judged_at = now;
    for (int side = CCESEC_CLIENT; side <= CCESEC_SERVER; side++)
        conn->evaluated_role[side] = ccesec_conn_role(conn, (ccesec_side)side, NULL);
}

/* One reason string per connection: the previous one is freed when it changes. */
static void store_verdict(ccesec_conn *conn, const ccesec_verdict *verdict, gint64 now)
{
    store_status(conn, verdict, now);
    conn->reason_stale = FALSE;
    if (strcmp(conn->reason, verdict->reason) == 0)
        return;
    if (conn->reason[0])
        wmem_free(wmem_file_scope(), (char *)conn->reason);
    conn->reason = wmem_strdup(wmem_file_scope(), verdict->reason);
}

void ccesec_conn_evaluate(ccesec_conn *conn, gint64 now, ccesec_verdict *verdict)
{
    ccesec_peers peers;
    fill_peers(conn, &peers);
    ccesec_evaluate(&conn->facts, &peers, &ccesec_settings_get()->policy, now, verdict);
    store_verdict(conn, verdict, now);
}

/* Most changes of facts are shown to nobody (a plain tshark read): the sentences, nine
 * tenths of an evaluation, wait until a tree, an expert item or the table asks. */
void ccesec_conn_judge(ccesec_conn *conn, gint64 now, ccesec_verdict *verdict)
{
    ccesec_peers peers;
    fill_peers(conn, &peers);
    ccesec_judge(&conn->facts, &peers, &ccesec_settings_get()->policy, now, verdict);
    store_status(conn, verdict, now);
    conn->reason_stale = TRUE;
}

/* The facts have not changed since the judgement (any change judges again), so writing the
 * texts now, at the judgement's time, gives what an evaluation then would have. */
const char *ccesec_conn_reason(ccesec_conn *conn)
{
    if (conn->reason_stale) {
        ccesec_verdict verdict;
        ccesec_conn_evaluate(conn, conn->judged_at, &verdict);
    }
    return conn->reason;
}

guint32 ccesec_conn_roles_epoch(void)
{
    return roles_epoch;
}

ccesec_status ccesec_conn_outcome(ccesec_conn *conn, ccesec_verdict *verdict)
{
    if (roles_changed(conn))
        ccesec_conn_evaluate(conn, conn->last_abs_secs, verdict); /* a role learnt since */
    if (conn->status != CCESEC_STATUS_PENDING || conn->final) {
        verdict->status = conn->status;
        g_strlcpy(verdict->reason, ccesec_conn_reason(conn), sizeof verdict->reason);
        return conn->status;
    }
    /* Pending so far: what the end of the capture would make of it, on a copy. */
    ccesec_peers peers;
    ccesec_conn_facts facts = conn->facts;
    facts.at_end = TRUE;
    fill_peers(conn, &peers);
    ccesec_evaluate(&facts, &peers, &ccesec_settings_get()->policy, conn->last_abs_secs, verdict);
    return verdict->status;
}

void ccesec_conn_finalize(ccesec_conn *conn, ccesec_verdict *verdict)
{
    ccesec_verdict scratch;
    if (conn->final && !roles_changed(conn) && verdict == NULL)
        return;
    conn->facts.at_end = TRUE;
    conn->final = TRUE;
    if (verdict)
        ccesec_conn_evaluate(conn, conn->last_abs_secs, verdict);
    else
        ccesec_conn_judge(conn, conn->last_abs_secs, &scratch);
}
