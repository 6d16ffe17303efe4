/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ccesec.* fields and expert items. Every packet of a classified connection carries the
 * connection's state, so one display filter (ccesec.leg == "CVP-CUCM" && !ccesec.secure)
 * finds a whole leg; expert items appear once per connection, on the packet that carries the
 * evidence.
 */
#include <epan/expert.h>
#include <epan/strutil.h>

#include "ccesec.h"
#include "ccesec/cipher.h"
#include "ccesec/x509.h"

static int hf_conn = -1;
static int hf_leg = -1;
static int hf_client_role = -1;
static int hf_server_role = -1;
static int hf_client_role_source = -1;
static int hf_server_role_source = -1;
static int hf_client_addr = -1;
static int hf_server_addr = -1;
static int hf_transport = -1;
static int hf_status = -1;
static int hf_secure = -1;
static int hf_reason = -1;
static int hf_tls_version = -1;
static int hf_tls_cipher = -1;
static int hf_alert = -1;
static int hf_alert_sender = -1;
static int hf_mutual_tls = -1;
static int hf_cert_cn = -1;
static int hf_cert_san = -1;
static int hf_cert_san_more = -1;
static int hf_cert_issuer = -1;
static int hf_cert_not_before = -1;
static int hf_cert_not_after = -1;
static int hf_cert_sha256 = -1;
static int hf_cert_self_signed = -1;
static int hf_cert_key = -1;
static int hf_cert_signature = -1;
static int hf_client_cert_cn = -1;
static int hf_client_cert_sha256 = -1;
static int hf_complete = -1;
static int hf_proof = -1;
static int hf_in_progress = -1;
static int hf_resumed = -1;
static int hf_resumed_from = -1;
static int hf_post_alert = -1;
static int hf_post_alert_sender = -1;
static int hf_post_alert_after = -1;
static int hf_cut_frames = -1;
static int hf_snaplen = -1;
static int hf_missing_bytes = -1;

/* SAN entries shown per packet: a cluster certificate's nodes, not an attacker's thousands. */
#define SAN_SHOWN 32

static int ett_ccesec = -1;
static int ett_cert = -1;

static expert_field ei_finding[CCESEC_FIND_COUNT];
static expert_field ei_unknown_role = EI_INIT;

#define STR_FIELD(hf, name, abbrev, blurb)                                                         \
    {                                                                                              \
        &hf,                                                                                       \
        {                                                                                          \
            name, abbrev, FT_STRING, BASE_NONE, NULL, 0x0, blurb, HFILL                            \
        }                                                                                          \
    }
#define BOOL_FIELD(hf, name, abbrev, blurb)                                                        \
    {                                                                                              \
        &hf,                                                                                       \
        {                                                                                          \
            name, abbrev, FT_BOOLEAN, BASE_NONE, NULL, 0x0, blurb, HFILL                           \
        }                                                                                          \
    }

static void register_hf(void)
{
    static hf_register_info hf[] = {
        {&hf_conn,
         {"Connection", "ccesec.conn", FT_UINT32, BASE_DEC, NULL, 0x0,
          "ccesec's number of this SIP signalling connection", HFILL}},
        STR_FIELD(hf_leg, "Leg", "ccesec.leg", "Role pair in call-flow order, e.g. CVP-CUCM"),
        STR_FIELD(hf_client_role, "Client role", "ccesec.client.role",
                  "Role of the side that opened the connection"),
        STR_FIELD(hf_server_role, "Server role", "ccesec.server.role", NULL),
        STR_FIELD(hf_client_role_source, "Client role source", "ccesec.client.role_source",
                  "config, certificate or sip-header"),
        STR_FIELD(hf_server_role_source, "Server role source", "ccesec.server.role_source", NULL),
        STR_FIELD(hf_client_addr, "Client", "ccesec.client.endpoint", "Client address:port"),
        STR_FIELD(hf_server_addr, "Server", "ccesec.server.endpoint", "Server address:port"),
        STR_FIELD(hf_transport, "Transport", "ccesec.transport", "tls, tcp or udp"),
        STR_FIELD(hf_status, "Status", "ccesec.status",
                  "secure, weak, failed, plaintext, unverified or pending"),
        BOOL_FIELD(hf_secure, "Secure", "ccesec.secure", "TRUE when the status is secure"),
        STR_FIELD(hf_reason, "Reason", "ccesec.reason", NULL),
        STR_FIELD(hf_tls_version, "TLS version", "ccesec.tls.version", NULL),
        STR_FIELD(hf_tls_cipher, "Cipher suite", "ccesec.tls.cipher", "IANA name"),
        STR_FIELD(hf_alert, "Fatal alert", "ccesec.alert", "First fatal alert in clear"),
        STR_FIELD(hf_alert_sender, "Alert sender", "ccesec.alert.sender",
                  "Role of the side that sent the alert"),
        BOOL_FIELD(hf_mutual_tls, "Mutual TLS", "ccesec.mutual_tls",
                   "The server asked for a client certificate and the client sent one"),
        STR_FIELD(hf_cert_cn, "Server certificate CN", "ccesec.cert.cn", NULL),
        STR_FIELD(hf_cert_san, "Server certificate SAN", "ccesec.cert.san",
                  "A subjectAltName dNSName or IP address (the first " G_STRINGIFY(
                      SAN_SHOWN) " are shown)"),
        {&hf_cert_san_more,
         {"Server certificate SANs not shown", "ccesec.cert.san_more", FT_UINT32, BASE_DEC, NULL,
          0x0, "SAN entries after the ones shown; every one counts when names are matched", HFILL}},
        STR_FIELD(hf_cert_issuer, "Server certificate issuer", "ccesec.cert.issuer", NULL),
        {&hf_cert_not_before,
         {"Server certificate not before", "ccesec.cert.not_before", FT_ABSOLUTE_TIME,
          ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL}},
        {&hf_cert_not_after,
         {"Server certificate not after", "ccesec.cert.not_after", FT_ABSOLUTE_TIME,
          ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL}},
        {&hf_cert_sha256,
         {"Server certificate SHA-256", "ccesec.cert.sha256", FT_BYTES, SEP_COLON, NULL, 0x0, NULL,
          HFILL}},
        BOOL_FIELD(hf_cert_self_signed, "Server certificate self-signed", "ccesec.cert.self_signed",
                   NULL),
        STR_FIELD(hf_cert_key, "Server certificate key", "ccesec.cert.key", "e.g. RSA 2048"),
        STR_FIELD(hf_cert_signature, "Server certificate signature", "ccesec.cert.signature", NULL),
        STR_FIELD(hf_client_cert_cn, "Client certificate CN", "ccesec.client_cert.cn", NULL),
        {&hf_client_cert_sha256,
         {"Client certificate SHA-256", "ccesec.client_cert.sha256", FT_BYTES, SEP_COLON, NULL, 0x0,
          NULL, HFILL}},
    };
    static hf_register_info hf_evidence[] = {
        BOOL_FIELD(hf_complete, "Handshake complete", "ccesec.handshake.complete",
                   "The TLS handshake is proven complete and accepted by both sides"),
        STR_FIELD(hf_proof, "Completion proven by", "ccesec.handshake.proof",
                  "What in the capture proves the handshake complete"),
        BOOL_FIELD(hf_in_progress, "Handshake in progress at the end",
                   "ccesec.handshake.in_progress",
                   "The capture (or this file of a ring buffer) ended during the handshake"),
        BOOL_FIELD(hf_resumed, "Resumed", "ccesec.resumed",
                   "The TLS session was resumed (session ID, ticket or TLS 1.3 PSK)"),
        {&hf_resumed_from,
         {"Resumed from connection", "ccesec.resumed_from", FT_UINT32, BASE_DEC, NULL, 0x0,
          "The connection whose full handshake made the session", HFILL}},
        STR_FIELD(hf_post_alert, "Alert after the handshake", "ccesec.post_alert",
                  "Fatal alert that aborted the connection after its handshake (\"encrypted\" "
                  "when its name needs a key log)"),
        STR_FIELD(hf_post_alert_sender, "Alert after the handshake: sender",
                  "ccesec.post_alert.sender", NULL),
        {&hf_post_alert_after,
         {"Alert after the handshake: delay (ms)", "ccesec.post_alert.after_ms", FT_UINT32,
          BASE_DEC, NULL, 0x0, "Time from the handshake's completion to the alert", HFILL}},
        {&hf_cut_frames,
         {"Cut packets", "ccesec.cut_frames", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Packets of this connection cut by the capture's snap length", HFILL}},
        {&hf_snaplen,
         {"Snap length", "ccesec.snaplen", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Captured length of the cut packets", HFILL}},
        {&hf_missing_bytes,
         {"Bytes not captured", "ccesec.missing_bytes", FT_UINT32, BASE_DEC, NULL, 0x0,
          "TCP bytes of this connection the capture lacks", HFILL}},
    };
    static int *ett[] = {&ett_ccesec, &ett_cert};
    proto_register_field_array(proto_ccesec, hf_evidence, array_length(hf_evidence));
    proto_register_field_array(proto_ccesec, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}

/* Expert name, group and severity of each finding code. */
static const struct {
    const char *name;
    int severity;
    const char *summary;
} finding_info[CCESEC_FIND_COUNT] = {
    [CCESEC_FIND_SECURE] = {"ccesec.expert.secure", PI_CHAT, "SIP signalling protected by TLS"},
    [CCESEC_FIND_PLAINTEXT] = {"ccesec.expert.plaintext", PI_ERROR, "SIP signalling in clear text"},
    [CCESEC_FIND_ALERT] = {"ccesec.expert.alert", PI_ERROR,
                           "TLS handshake failed with a fatal alert"},
    [CCESEC_FIND_CLOSED_EARLY] = {"ccesec.expert.closed_early", PI_ERROR,
                                  "Connection closed before the TLS handshake completed"},
    [CCESEC_FIND_UNVERIFIED] = {"ccesec.expert.unverified", PI_NOTE,
                                "TLS handshake not in the capture"},
    [CCESEC_FIND_WEAK_VERSION] = {"ccesec.expert.weak_version", PI_WARN,
                                  "TLS version below minimum"},
    [CCESEC_FIND_WEAK_CIPHER] = {"ccesec.expert.weak_cipher", PI_WARN, "Weak cipher suite"},
    [CCESEC_FIND_LEGACY_CIPHER] = {"ccesec.expert.legacy_cipher", PI_NOTE, "Legacy cipher suite"},
    [CCESEC_FIND_NAME_MISMATCH] = {"ccesec.expert.name_mismatch", PI_ERROR,
                                   "Certificate name does not match the expected name"},
    [CCESEC_FIND_PIN_MISMATCH] = {"ccesec.expert.pin_mismatch", PI_ERROR,
                                  "Certificate fingerprint does not match the pinned one"},
    [CCESEC_FIND_CERT_EXPIRED] = {"ccesec.expert.cert_expired", PI_ERROR, "Certificate expired"},
    [CCESEC_FIND_CERT_NOT_YET_VALID] = {"ccesec.expert.cert_not_yet_valid", PI_ERROR,
                                        "Certificate not yet valid"},
    [CCESEC_FIND_CERT_EXPIRING] = {"ccesec.expert.cert_expiring", PI_NOTE,
                                   "Certificate expires soon"},
    [CCESEC_FIND_WEAK_KEY] = {"ccesec.expert.weak_key", PI_WARN, "Weak certificate key"},
    [CCESEC_FIND_WEAK_SIGNATURE] = {"ccesec.expert.weak_signature", PI_WARN,
                                    "Weak certificate signature"},
    [CCESEC_FIND_SELF_SIGNED] = {"ccesec.expert.self_signed", PI_NOTE, "Self-signed certificate"},
    [CCESEC_FIND_CLIENT_CERT_MISSING] = {"ccesec.expert.client_cert_missing", PI_ERROR,
                                         "Client certificate requested but not sent"},
    [CCESEC_FIND_CERT_UNPARSED] = {"ccesec.expert.cert_unparsed", PI_NOTE,
                                   "Certificate could not be parsed"},
    [CCESEC_FIND_ENCRYPTED_ALERT] = {"ccesec.expert.encrypted_alert", PI_ERROR,
                                     "TLS handshake failed with an encrypted alert"},
    [CCESEC_FIND_ABORTED] = {"ccesec.expert.aborted", PI_WARN,
                             "Connection aborted by a fatal alert after its handshake"},
    [CCESEC_FIND_RESUMED] = {"ccesec.expert.resumed", PI_NOTE,
                             "Session resumed: certificate checked outside the capture"},
    [CCESEC_FIND_CUT_FRAMES] = {"ccesec.expert.cut_frames", PI_NOTE,
                                "Packets cut by the capture's snap length"},
    [CCESEC_FIND_SEGMENTS_MISSING] = {"ccesec.expert.segments_missing", PI_NOTE,
                                      "TCP segments missing from the capture"},
};

static void register_expert(void)
{
    static ei_register_info ei[CCESEC_FIND_COUNT + 1];
    for (int code = 0; code < CCESEC_FIND_COUNT; code++) {
        ei_finding[code] = (expert_field)EI_INIT;
        ei[code] =
            (ei_register_info){&ei_finding[code],
                               {finding_info[code].name, PI_SECURITY, finding_info[code].severity,
                                finding_info[code].summary, EXPFILL}};
    }
    ei[CCESEC_FIND_COUNT] =
        (ei_register_info){&ei_unknown_role,
                           {"ccesec.expert.unknown_role", PI_SECURITY, PI_NOTE,
                            "Endpoint on a SIP port with no CCE role", EXPFILL}};
    expert_module_t *module = expert_register_protocol(proto_ccesec);
    expert_register_field_array(module, ei, array_length(ei));
}

void ccesec_fields_register(void)
{
    register_hf();
    register_expert();
}

static proto_item *add_string(proto_tree *tree, int hf, tvbuff_t *tvb, const char *value)
{
    proto_item *item = proto_tree_add_string(tree, hf, tvb, 0, 0, value);
    proto_item_set_generated(item);
    return item;
}

/* Strings from certificates come off the wire: escape before they reach the tree. */
static void add_wire_string(proto_tree *tree, int hf, tvbuff_t *tvb, packet_info *pinfo,
                            const char *value)
{
    if (value && value[0])
        add_string(tree, hf, tvb, format_text(pinfo->pool, (const void *)value, strlen(value)));
}

static void add_boolean(proto_tree *tree, int hf, tvbuff_t *tvb, gboolean value)
{
    proto_item_set_generated(proto_tree_add_boolean(tree, hf, tvb, 0, 0, value));
}

static void add_sha256(proto_tree *tree, int hf, tvbuff_t *tvb, const ccesec_cert *cert)
{
    proto_item_set_generated(
        proto_tree_add_bytes_with_length(tree, hf, tvb, 0, 0, cert->sha256, CCESEC_SHA256_LEN));
}

static void add_time(proto_tree *tree, int hf, tvbuff_t *tvb, gint64 seconds)
{
    nstime_t t = {(time_t)seconds, 0};
    proto_item_set_generated(proto_tree_add_time(tree, hf, tvb, 0, 0, &t));
}

static const char *key_text(packet_info *pinfo, const ccesec_cert *cert)
{
    static const char *const names[] = {"unknown", "RSA", "EC", "Ed25519", "Ed448", "DSA"};
    const char *type = (guint)cert->key_type < G_N_ELEMENTS(names) ? names[cert->key_type] : "?";
    return cert->key_bits ? wmem_strdup_printf(pinfo->pool, "%s %u", type, cert->key_bits) : type;
}

/* The first SAN_SHOWN entries, then "… and K more". */
static void add_sans(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const ccesec_cert *cert)
{
    ccesec_san_iter iter;
    ccesec_san san;
    guint shown = 0, more = 0;
    ccesec_san_iter_init(&iter, cert);
    while (ccesec_san_iter_next(&iter, &san)) {
        if (shown < SAN_SHOWN && san.text[0] != '\0') {
            add_wire_string(tree, hf_cert_san, tvb, pinfo, san.text);
            shown++;
        } else {
            more++;
        }
    }
    if (more > 0)
        proto_item_set_generated(proto_tree_add_uint_format_value(
            tree, hf_cert_san_more, tvb, 0, 0, more, "\u2026 and %u more", more));
}

static void add_server_cert(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                            const ccesec_cert *cert)
{
    add_wire_string(tree, hf_cert_cn, tvb, pinfo, cert->subject_cn);
    add_sans(tree, tvb, pinfo, cert);
    add_wire_string(tree, hf_cert_issuer, tvb, pinfo, cert->issuer_cn);
    add_time(tree, hf_cert_not_before, tvb, cert->not_before);
    add_time(tree, hf_cert_not_after, tvb, cert->not_after);
    add_sha256(tree, hf_cert_sha256, tvb, cert);
    add_boolean(tree, hf_cert_self_signed, tvb, cert->self_signed);
    add_string(tree, hf_cert_key, tvb, key_text(pinfo, cert));
    add_wire_string(tree, hf_cert_signature, tvb, pinfo, cert->sig_alg);
}

char *ccesec_endpoint_text(wmem_allocator_t *scope, const ccesec_conn *conn, ccesec_side side)
{
    const char *address = ccesec_conn_address_text(conn, side);
    return conn->addr[side].family == 6
               ? wmem_strdup_printf(scope, "[%s]:%u", address, conn->port[side])
               : wmem_strdup_printf(scope, "%s:%u", address, conn->port[side]);
}

static void add_roles(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const ccesec_conn *conn)
{
    static const int *role_hf[2] = {&hf_client_role, &hf_server_role};
    static const int *source_hf[2] = {&hf_client_role_source, &hf_server_role_source};
    static const int *addr_hf[2] = {&hf_client_addr, &hf_server_addr};
    for (int side = CCESEC_CLIENT; side <= CCESEC_SERVER; side++) {
        ccesec_role_source source;
        ccesec_role role = ccesec_conn_role(conn, (ccesec_side)side, &source);
        add_string(tree, *role_hf[side], tvb, ccesec_role_name(role));
        add_string(tree, *source_hf[side], tvb, ccesec_role_source_name(source));
        add_string(tree, *addr_hf[side], tvb,
                   ccesec_endpoint_text(pinfo->pool, conn, (ccesec_side)side));
    }
}

static void add_tls(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const ccesec_conn *conn)
{
    const ccesec_conn_facts *facts = &conn->facts;
    if (facts->server_hello || facts->version_from_records) {
        const char *version = ccesec_tls_version_name(facts->version);
        if (facts->version != 0)
            add_string(tree, hf_tls_version, tvb,
                       version ? version
                               : wmem_strdup_printf(pinfo->pool, "0x%04x", facts->version));
    }
    if (facts->server_hello && facts->cipher != 0) {
        const char *cipher = ccesec_cipher_name(facts->cipher);
        add_string(tree, hf_tls_cipher, tvb,
                   cipher ? cipher : wmem_strdup_printf(pinfo->pool, "0x%04x", facts->cipher));
    }
    if (facts->alert_fatal) {
        const char *alert = ccesec_alert_name(facts->alert_desc);
        add_string(tree, hf_alert, tvb,
                   alert ? alert : wmem_strdup_printf(pinfo->pool, "%u", facts->alert_desc));
        add_string(tree, hf_alert_sender, tvb,
                   ccesec_role_name(ccesec_conn_role(conn, facts->alert_sender, NULL)));
    }
    if (facts->cert_request)
        add_boolean(tree, hf_mutual_tls, tvb, facts->client_cert != NULL);
    if (facts->server_cert) {
        proto_tree *cert_tree =
            proto_tree_add_subtree(tree, tvb, 0, 0, ett_cert, NULL, "Server certificate");
        add_server_cert(cert_tree, tvb, pinfo, facts->server_cert);
    }
    if (facts->client_cert) {
        add_wire_string(tree, hf_client_cert_cn, tvb, pinfo, facts->client_cert->subject_cn);
        add_sha256(tree, hf_client_cert_sha256, tvb, facts->client_cert);
    }
}

static const char *proof_text(ccesec_proof proof)
{
    switch (proof) {
    case CCESEC_PROOF_CCS:
        return "ChangeCipherSpec from both sides";
    case CCESEC_PROOF_DATA:
        return "encrypted application data from both sides";
    case CCESEC_PROOF_TLS13_REPLY:
        return "the server answered the client's Finished";
    default:
        return "";
    }
}

/* What proves the verdict, and what the capture lacks. */
static void add_evidence(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                         const ccesec_conn *conn)
{
    const ccesec_conn_facts *f = &conn->facts;
    if (f->tls_seen) {
        add_boolean(tree, hf_complete, tvb, f->complete);
        if (f->complete)
            add_string(tree, hf_proof, tvb, proof_text(f->proof));
        /* Neither completed nor ended: the next file of a ring buffer may finish it. */
        if (f->at_end && !f->complete && !f->closed && !f->alert_fatal && !f->encrypted_alert &&
            (f->client_hello || f->server_hello))
            add_boolean(tree, hf_in_progress, tvb, TRUE);
    }
    if (f->resumed) {
        add_boolean(tree, hf_resumed, tvb, TRUE);
        if (f->resumed_from)
            proto_item_set_generated(
                proto_tree_add_uint(tree, hf_resumed_from, tvb, 0, 0, f->resumed_from));
    }
    if (f->post_alert.seen) {
        const char *name = f->post_alert.known ? ccesec_alert_name(f->post_alert.desc) : NULL;
        add_string(tree, hf_post_alert, tvb,
                   !f->post_alert.known ? "encrypted"
                   : name               ? name
                          : wmem_strdup_printf(pinfo->pool, "%u", f->post_alert.desc));
        add_string(tree, hf_post_alert_sender, tvb,
                   ccesec_role_name(ccesec_conn_role(conn, f->post_alert.sender, NULL)));
        proto_item_set_generated(
            proto_tree_add_uint(tree, hf_post_alert_after, tvb, 0, 0,
                                (guint32)CLAMP(f->post_alert.after_ms, 0, (gint64)G_MAXUINT32)));
    }
    if (f->cut_frames) {
        proto_item_set_generated(
            proto_tree_add_uint(tree, hf_cut_frames, tvb, 0, 0, f->cut_frames));
        proto_item_set_generated(proto_tree_add_uint(tree, hf_snaplen, tvb, 0, 0, f->snaplen));
    }
    if (f->segments_missing)
        proto_item_set_generated(
            proto_tree_add_uint(tree, hf_missing_bytes, tvb, 0, 0, f->missing_bytes));
}

static void add_expert(packet_info *pinfo, proto_item *item, const ccesec_verdict *verdict,
                       guint32 report_mask)
{
    for (guint i = 0; verdict && i < verdict->n_findings; i++) {
        const ccesec_finding *finding = &verdict->findings[i];
        if (report_mask & (1u << finding->code))
            expert_add_info_format(pinfo, item, &ei_finding[finding->code], "%s", finding->text);
    }
}

static void add_unknown_role_note(packet_info *pinfo, proto_item *item, const ccesec_conn *conn)
{
    for (int side = CCESEC_CLIENT; side <= CCESEC_SERVER; side++) {
        if (ccesec_conn_role(conn, (ccesec_side)side, NULL) != CCESEC_ROLE_UNKNOWN)
            continue;
        expert_add_info_format(pinfo, item, &ei_unknown_role,
                               "%s: no CCE role for %s %s port %u: add it to the ccesec roles "
                               "table or roles file (address,role[,expected_cert_name])",
                               ccesec_conn_leg(conn), side == CCESEC_CLIENT ? "client" : "server",
                               ccesec_conn_address_text(conn, (ccesec_side)side), conn->port[side]);
    }
}

proto_item *ccesec_fields_add(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                              ccesec_conn *conn)
{
    const char *status = ccesec_status_name(conn->status);
    proto_item *root = proto_tree_add_item(tree, proto_ccesec, tvb, 0, 0, ENC_NA);
    proto_item_append_text(root, ", %s: %s", ccesec_conn_leg(conn), status);
    proto_item_set_generated(root);
    proto_tree *sub = proto_item_add_subtree(root, ett_ccesec);

    proto_item_set_generated(proto_tree_add_uint(sub, hf_conn, tvb, 0, 0, conn->number));
    add_string(sub, hf_leg, tvb, ccesec_conn_leg(conn));
    add_roles(sub, tvb, pinfo, conn);
    add_string(sub, hf_transport, tvb, ccesec_transport_name(conn->facts.transport));
    proto_item *status_item = add_string(sub, hf_status, tvb, status);
    add_boolean(sub, hf_secure, tvb, conn->status == CCESEC_STATUS_SECURE);
    const char *reason = ccesec_conn_reason(conn);
    if (reason[0])
        add_string(sub, hf_reason, tvb, reason);
    add_tls(sub, tvb, pinfo, conn);
    add_evidence(sub, tvb, pinfo, conn);
    return status_item;
}

void ccesec_expert_add(packet_info *pinfo, proto_item *item, const ccesec_conn *conn,
                       const ccesec_verdict *verdict, guint32 report_mask)
{
    add_expert(pinfo, item, verdict, report_mask);
    if (report_mask & (1u << CCESEC_UNKNOWN_ROLE_SLOT))
        add_unknown_role_note(pinfo, item, conn);
}
