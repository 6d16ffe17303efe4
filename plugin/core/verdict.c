/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The status rules. Precedence: plaintext > failed > weak > secure > unverified > pending.
 * Every sentence names the leg, both ends (role and address) and what to change where.
 */
#include <string.h>

#include "ccesec/cipher.h"
#include "ccesec/diagnosis.h"
#include "ccesec/legs.h"
#include "verdict_internal.h"

const char *ccesec_transport_name(ccesec_transport transport)
{
    switch (transport) {
    case CCESEC_TRANSPORT_UDP:
        return "udp";
    case CCESEC_TRANSPORT_TCP:
        return "tcp";
    case CCESEC_TRANSPORT_TLS:
        return "tls";
    default:
        return "unknown";
    }
}

const char *ccesec_status_name(ccesec_status status)
{
    switch (status) {
    case CCESEC_STATUS_PENDING:
        return "pending";
    case CCESEC_STATUS_SECURE:
        return "secure";
    case CCESEC_STATUS_WEAK:
        return "weak";
    case CCESEC_STATUS_FAILED:
        return "failed";
    case CCESEC_STATUS_PLAINTEXT:
        return "plaintext";
    case CCESEC_STATUS_UNVERIFIED:
        return "unverified";
    default:
        return "unknown";
    }
}

void ccesec_policy_init_defaults(ccesec_policy *policy)
{
    if (policy == NULL)
        return;
    policy->min_tls_version = CCESEC_TLS12;
    policy->strict_ciphers = FALSE;
    policy->expiry_warning_days = 30;
    policy->tls_port = 5061;
}

/* ---- Handshake completion ---- */

static gboolean is_tls13(guint16 version)
{
    return ccesec_tls_version_rank(version) == ccesec_tls_version_rank(CCESEC_TLS13);
}

/* Decided in capture order by the tracker (tracker.c has the rules). */
gboolean ccesec_handshake_complete(const ccesec_conn_facts *facts)
{
    return facts != NULL && facts->complete;
}

/* ---- Context ---- */

static const char *nonempty(const char *s)
{
    return (s != NULL && s[0] != '\0') ? s : NULL;
}

static void init_side(ccesec_eval_ctx *ctx, const ccesec_peers *peers, ccesec_side side)
{
    static const char *const generic[2] = {"client", "server"};
    char address[CCESEC_WHO_MAX];
    ccesec_role role = peers ? peers->role[side] : CCESEC_ROLE_UNKNOWN;

    if (role >= CCESEC_ROLE_COUNT)
        role = CCESEC_ROLE_UNKNOWN;
    ctx->role[side] = role;
    ctx->role_word[side] = role == CCESEC_ROLE_UNKNOWN ? generic[side] : ccesec_role_name(role);
    ctx->expected_name[side] = peers ? nonempty(peers->expected_name[side]) : NULL;
    ctx->expected_sha256[side] = peers ? nonempty(peers->expected_sha256[side]) : NULL;
    if (!ctx->texts)
        return;
    ccesec_clean_name(peers ? nonempty(peers->address[side]) : NULL, address, sizeof address);
    if (address[0] != '\0')
        g_snprintf(ctx->who[side], sizeof ctx->who[side], "%s %s", ctx->role_word[side], address);
    else
        g_strlcpy(ctx->who[side], ctx->role_word[side], sizeof ctx->who[side]);
}

static void init_ctx(ccesec_eval_ctx *ctx, const ccesec_conn_facts *facts,
                     const ccesec_peers *peers, const ccesec_policy *policy, gint64 now,
                     gboolean texts)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->texts = texts;
    ctx->facts = facts;
    ctx->peers = peers;
    ctx->policy = policy;
    ctx->now = now;
    init_side(ctx, peers, CCESEC_CLIENT);
    init_side(ctx, peers, CCESEC_SERVER);
    ctx->leg = ccesec_leg_name(ctx->role[CCESEC_CLIENT], ctx->role[CCESEC_SERVER]);
    ctx->cert[CCESEC_CLIENT] = facts->client_cert;
    ctx->cert[CCESEC_SERVER] = facts->server_cert;
}

/* ---- Negotiation checks (version and cipher) ---- */

static void check_version(const ccesec_eval_ctx *ctx, ccesec_check_list *list)
{
    const ccesec_conn_facts *f = ctx->facts;
    guint rank = ccesec_tls_version_rank(f->version);
    const char *min_name = ccesec_tls_version_name(ctx->policy->min_tls_version);

    if ((!f->server_hello && !f->version_from_records) || rank == 0 ||
        rank >= ccesec_tls_version_rank(ctx->policy->min_tls_version))
        return;
    ccesec_checks_add(list, CCESEC_FIND_WEAK_VERSION, CCESEC_SEV_WARN,
                      "%s: %s %s between %s and %s is below the minimum %s: set the "
                      "minimum on both (%s; %s)",
                      ctx->leg, ccesec_tls_version_name(f->version),
                      f->version_from_records ? "(read from the record layer of its data; the "
                                                "handshake is before the capture)"
                                              : "negotiated",
                      ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER],
                      min_name ? min_name : "version",
                      ccesec_where_tls_version(ctx->role[CCESEC_CLIENT]),
                      ccesec_where_tls_version(ctx->role[CCESEC_SERVER]));
}

/* 0x0000 is TLS_NULL_WITH_NULL_NULL, the state before negotiation: a ServerHello never
 * selects it, so a zero cipher means "not read" rather than "no encryption". */
static gboolean cipher_known(const ccesec_conn_facts *f)
{
    return f->server_hello && f->cipher != 0;
}

static void check_cipher(const ccesec_eval_ctx *ctx, ccesec_check_list *list)
{
    const ccesec_conn_facts *f = ctx->facts;
    gboolean strict = ctx->policy->strict_ciphers;
    const char *name = ccesec_cipher_name(f->cipher);
    const char *fix;

    if (!cipher_known(f) || !ccesec_cipher_is_weak(f->cipher, strict))
        return;
    if (ccesec_cipher_flags(f->cipher) & CCESEC_CIPHER_NULL_ENC)
        fix = "integrity only, SIP readable on the wire: on CUCM set the SIP Trunk / Phone "
              "Security Profile's Device Security Mode from 'Authenticated' to 'Encrypted'";
    else
        fix = "remove it from the suites both ends offer (CUCM: Enterprise Parameters > TLS "
              "Ciphers) and prefer ECDHE with AES-GCM";
    ccesec_checks_add(list, CCESEC_FIND_WEAK_CIPHER, CCESEC_SEV_WARN,
                      "%s: %s and %s use the weak cipher suite %s (%s): %s", ctx->leg,
                      ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER], name,
                      ccesec_cipher_weakness(f->cipher, strict), fix);
}

/* SIP start lines readable inside application-data records: the records are not
 * encrypted, whatever the handshake said (which may be before the capture). */
static void check_readable_records(const ccesec_eval_ctx *ctx, ccesec_check_list *list)
{
    const ccesec_conn_facts *f = ctx->facts;

    if (!f->sip_in_records || f->sip_decrypted)
        return;
    ccesec_checks_add(list, CCESEC_FIND_WEAK_CIPHER, CCESEC_SEV_WARN,
                      "%s: SIP is readable inside the TLS records between %s and %s: a cipher "
                      "suite with no encryption (NULL, integrity only): on CUCM set the SIP "
                      "Trunk / Phone Security Profile's Device Security Mode from "
                      "'Authenticated' to 'Encrypted'",
                      ctx->leg, ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER]);
}

static void check_legacy_cipher(const ccesec_eval_ctx *ctx, ccesec_check_list *list)
{
    const ccesec_conn_facts *f = ctx->facts;

    if (!cipher_known(f) || ctx->policy->strict_ciphers || !ccesec_cipher_is_legacy(f->cipher) ||
        ccesec_cipher_is_weak(f->cipher, FALSE))
        return;
    ccesec_checks_add(list, CCESEC_FIND_LEGACY_CIPHER, CCESEC_SEV_NOTE,
                      "%s: %s and %s use %s (%s): acceptable, but prefer ECDHE with AES-GCM on "
                      "both (the strict cipher policy counts it as weak)",
                      ctx->leg, ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER],
                      ccesec_cipher_name(f->cipher), ccesec_cipher_weakness(f->cipher, TRUE));
}

/* ---- Status findings ---- */

static void plaintext_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    const ccesec_conn_facts *f = ctx->facts;
    const char *proto = f->transport == CCESEC_TRANSPORT_UDP ? "UDP" : "TCP";
    guint16 port = ctx->peers ? ctx->peers->port[CCESEC_SERVER] : 0;
    char advice[CCESEC_TEXT_MAX];

    ccesec_advice_enable_tls(ctx->role[CCESEC_CLIENT], ctx->role[CCESEC_SERVER],
                             ctx->policy->tls_port, advice, sizeof advice);
    g_snprintf(buf, len,
               "%s: SIP in clear text over %s %u between %s and %s; expected TLS on %u. To "
               "enable it: %s",
               ctx->leg, proto, port, ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER],
               ctx->policy->tls_port, advice);
}

static void alert_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    const ccesec_conn_facts *f = ctx->facts;
    ccesec_side sender = f->alert_sender == CCESEC_SERVER ? CCESEC_SERVER : CCESEC_CLIENT;
    ccesec_side receiver = sender == CCESEC_CLIENT ? CCESEC_SERVER : CCESEC_CLIENT;
    ccesec_alert_context alert = {0};
    const char *name = ccesec_alert_name(f->alert_desc);
    char receiver_cert[CCESEC_NAME_MAX], diagnosis[CCESEC_TEXT_MAX];

    ccesec_cert_label(ctx->cert[receiver], receiver_cert, sizeof receiver_cert);
    alert.alert_desc = f->alert_desc;
    alert.sender = ctx->role[sender];
    alert.receiver = ctx->role[receiver];
    alert.sender_is_client = sender == CCESEC_CLIENT;
    alert.receiver_cert_name = ctx->cert[receiver] ? receiver_cert : NULL;
    alert.cert_request = f->cert_request;
    alert.client_cert_empty = f->client_cert_empty;
    ccesec_diagnose_alert(&alert, diagnosis, sizeof diagnosis);
    g_snprintf(buf, len, "%s: TLS handshake failed: %s sent the fatal alert %s (%u) to %s. %s",
               ctx->leg, ctx->who[sender], name ? name : "unknown", f->alert_desc,
               ctx->who[receiver], diagnosis);
}

static ccesec_side other_side(ccesec_side side)
{
    return side == CCESEC_CLIENT ? CCESEC_SERVER : CCESEC_CLIENT;
}

/* An encrypted alert: TLS 1.3 encrypts every alert after the ServerHello, so only its size
 * and the close after it say what it was; the key log, when given, names it. */
static void encrypted_alert_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    const ccesec_conn_facts *f = ctx->facts;
    ccesec_side sender = f->encrypted_alert_sender;
    ccesec_side receiver = other_side(sender);

    if (sender == CCESEC_CLIENT) {
        g_snprintf(buf, len,
                   "%s: TLS handshake failed: %s sent an encrypted alert and closed before its "
                   "Finished, most likely refusing %s's certificate: import the CA that signed "
                   "it into %s's trust store (%s) and check the name it expects (%s). A key "
                   "log names the alert",
                   ctx->leg, ctx->who[sender], ctx->who[receiver], ctx->role_word[sender],
                   ccesec_where_trust_store(ctx->role[sender]),
                   ccesec_where_expected_name(ctx->role[sender]));
        return;
    }
    g_snprintf(buf, len,
               "%s: TLS handshake failed: %s answered %s's certificate and Finished with an "
               "encrypted alert and closed: it refused the client's certificate (none sent, "
               "or signed by a CA it does not trust): give %s a certificate signed by a CA in "
               "%s's trust store (%s). A key log names the alert",
               ctx->leg, ctx->who[sender], ctx->who[receiver], ctx->role_word[receiver],
               ctx->role_word[sender], ccesec_where_trust_store(ctx->role[sender]));
}

static void closed_early_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    const ccesec_conn_facts *f = ctx->facts;
    /* TLS 1.3 encrypts the certificate: the server's encrypted flight stands for it. */
    gboolean after_cert = f->server_cert != NULL || f->server_cert_unparsed || f->server_flight;
    ccesec_side closer = f->first_closer, other = other_side(closer);
    char diagnosis[CCESEC_TEXT_MAX];

    ccesec_diagnose_quiet_close(ctx->role[closer], ctx->role[other], closer == CCESEC_CLIENT,
                                after_cert, diagnosis, sizeof diagnosis);
    g_snprintf(buf, len, "%s: TLS handshake between %s and %s did not complete (%s sent %s). %s",
               ctx->leg, ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER], ctx->role_word[closer],
               f->rst[closer] ? "a TCP reset" : "FIN", diagnosis);
}

static void secure_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    const ccesec_conn_facts *f = ctx->facts;
    const char *version = ccesec_tls_version_name(f->version);
    const char *cipher = cipher_known(f) ? ccesec_cipher_name(f->cipher) : NULL;
    char cipher_hex[16], cert[CCESEC_NAME_MAX + 48];

    g_snprintf(cipher_hex, sizeof cipher_hex, "0x%04x", f->cipher);
    if (f->server_cert != NULL)
        ccesec_cert_label(f->server_cert, cert, sizeof cert);
    else if (is_tls13(f->version))
        g_strlcpy(cert, "not visible (encrypted in TLS 1.3)", sizeof cert);
    else
        g_strlcpy(cert, "not in the capture", sizeof cert);
    g_snprintf(buf, len, "%s: SIP over %s (%s) between %s and %s; certificate %s", ctx->leg,
               version ? version : "TLS",
               cipher ? cipher : (cipher_known(f) ? cipher_hex : "cipher unknown"),
               ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER], cert);
}

/* How to make each end reconnect while capturing, for a handshake before the capture. */
static const char *reconnect_advice(ccesec_role client)
{
    switch (client) {
    case CCESEC_ROLE_CUBE:
        return "on CUBE 'clear sip-ua tcp tls connection id <n>' or shut/no shut the dial-peer";
    case CCESEC_ROLE_CVP:
        return "on CVP restart the Call Server's SIP service (or the CVP Call Server)";
    case CCESEC_ROLE_CUCM:
        return "on CUCM reset the SIP trunk";
    case CCESEC_ROLE_PHONE:
        return "reset the phone from CUCM";
    default:
        return "restart the SIP service of the side that connects";
    }
}

static void unverified_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    const ccesec_conn_facts *f = ctx->facts;
    g_snprintf(buf, len,
               "%s: TLS without its handshake in the capture between %s and %s (encrypted "
               "records %s): the connection is older than the capture. Start the capture, "
               "then make it reconnect while capturing (%s%s)",
               ctx->leg, ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER],
               f->data[CCESEC_CLIENT] && f->data[CCESEC_SERVER] ? "in both directions" : "seen",
               reconnect_advice(ctx->role[CCESEC_CLIENT]),
               ctx->role[CCESEC_SERVER] == CCESEC_ROLE_CUCM &&
                       ctx->role[CCESEC_CLIENT] != CCESEC_ROLE_CUCM
                   ? "; or on CUCM reset the SIP trunk"
                   : "");
}

/* How to capture whole packets where CCE components capture. */
#define WHOLE_PACKETS_ADVICE                                                                       \
    "capture whole packets: on CUCM and VVB 'utils network capture ... size ALL'; on CUBE "        \
    "raise the monitor capture's packet length limit ('monitor capture NAME limit packet-len "     \
    "9500'); on a Windows CVP server capture without a snap length (Wireshark/dumpcap, or "        \
    "'pktmon start --capture --pkt-size 0')"

static void cut_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    const ccesec_conn_facts *f = ctx->facts;
    g_snprintf(buf, len,
               "%s: the capture cut %u packet%s between %s and %s at %u bytes (snap length), "
               "so the TLS handshake cannot be read: " WHOLE_PACKETS_ADVICE,
               ctx->leg, f->cut_frames, f->cut_frames == 1 ? "" : "s", ctx->who[CCESEC_CLIENT],
               ctx->who[CCESEC_SERVER], f->snaplen);
}

static void missing_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    const ccesec_conn_facts *f = ctx->facts;
    char missing[64];
    /* More holes than tracked: their size is not known. */
    if (f->missing_bytes > 0)
        g_snprintf(missing, sizeof missing, "%u bytes never captured", f->missing_bytes);
    else
        g_strlcpy(missing, "segments out of order", sizeof missing);
    g_snprintf(buf, len,
               "%s: the capture lacks or reorders segments of the TLS handshake between %s and "
               "%s (%s), so whether it completed cannot be read. Capture on the component "
               "itself or on a mirror port that does not drop packets",
               ctx->leg, ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER], missing);
}

/* The closer had sent the latest flight: no refusal, and no completion either. */
static void unanswered_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    const ccesec_conn_facts *f = ctx->facts;
    ccesec_side closer = f->first_closer, peer = other_side(closer);
    g_snprintf(buf, len,
               "%s: %s closed right after its own TLS handshake flight, before %s answered it: "
               "the capture shows no refusal and no completion. If this repeats, capture on %s "
               "itself and read its TLS log for why it did not answer",
               ctx->leg, ctx->who[closer], ctx->who[peer], ctx->role_word[peer]);
}

/* A handshake that had not finished when the capture ended. */
static void unfinished_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    const ccesec_conn_facts *f = ctx->facts;
    const char *last;

    if (!f->server_hello)
        last = "the server had not answered the ClientHello";
    else if (is_tls13(f->version) && f->client_finished)
        last = "the server had not yet answered the client's Finished (its acceptance of the "
               "client is not in the capture)";
    else
        last = "the handshake had started but not finished";
    g_snprintf(buf, len,
               "%s: the capture ended during the TLS handshake between %s and %s: %s. Capture "
               "longer",
               ctx->leg, ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER], last);
}

/* TLS on a port Wireshark gives to another protocol: the bytes are there, the handshake is
 * not decoded. */
static void undecoded_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    guint port = ctx->peers->port[CCESEC_SERVER];
    g_snprintf(buf, len,
               "%s: TLS on port %u between %s and %s, which Wireshark decodes as SIP: decode it "
               "as TLS to verify the handshake (Analyze > Decode As: TCP port %u as TLS; tshark "
               "-d tcp.port==%u,tls)",
               ctx->leg, port, ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER], port, port);
}

/* ---- Assembly ---- */

static ccesec_severity status_severity(ccesec_status status)
{
    switch (status) {
    case CCESEC_STATUS_PLAINTEXT:
    case CCESEC_STATUS_FAILED:
        return CCESEC_SEV_ERROR;
    case CCESEC_STATUS_WEAK:
        return CCESEC_SEV_WARN;
    case CCESEC_STATUS_UNVERIFIED:
        return CCESEC_SEV_NOTE;
    default:
        return CCESEC_SEV_CHAT;
    }
}

/* The first check of the given severity, or NULL. */
static const ccesec_finding *first_with_severity(const ccesec_check_list *list,
                                                 ccesec_severity severity)
{
    guint i;

    for (i = 0; i < list->n; i++) {
        if (list->items[i].severity == severity)
            return &list->items[i];
    }
    return NULL;
}

static void push_finding(ccesec_verdict *out, ccesec_finding_code code, ccesec_severity severity,
                         const char *text)
{
    guint i;

    for (i = 0; i < out->n_findings; i++) {
        if (out->findings[i].code == code)
            return;
    }
    if (out->n_findings >= CCESEC_FINDINGS_MAX)
        return;
    out->findings[out->n_findings].code = code;
    out->findings[out->n_findings].severity = severity;
    g_strlcpy(out->findings[out->n_findings].text, text, CCESEC_TEXT_MAX);
    out->n_findings++;
}

/* The capture itself lacks evidence: segments missing or out of order, or frames cut. */
static gboolean evidence_incomplete(const ccesec_conn_facts *f)
{
    return f->disorder || f->segments_missing || f->cut_frames > 0;
}

/* Unverified because of the capture: what it lacks, and how to get it. */
static ccesec_status capture_lacks(const ccesec_eval_ctx *ctx, ccesec_finding *out)
{
    const ccesec_conn_facts *f = ctx->facts;
    out->code = CCESEC_FIND_UNVERIFIED;
    out->text[0] = '\0';
    if (!ctx->texts)
        return CCESEC_STATUS_UNVERIFIED;
    if (f->cut_frames > 0)
        cut_text(ctx, out->text, sizeof out->text);
    else if (f->disorder || f->segments_missing)
        missing_text(ctx, out->text, sizeof out->text);
    else
        unfinished_text(ctx, out->text, sizeof out->text);
    return CCESEC_STATUS_UNVERIFIED;
}

static ccesec_status status_from(ccesec_finding *out, ccesec_finding_code code,
                                 void (*text)(const ccesec_eval_ctx *, char *, gsize),
                                 const ccesec_eval_ctx *ctx, ccesec_status status)
{
    out->code = code;
    out->text[0] = '\0';
    if (ctx->texts)
        text(ctx, out->text, sizeof out->text);
    return status;
}

/* A completed handshake: secure or weak, when the capture shows what was negotiated. */
static ccesec_status completed(const ccesec_eval_ctx *ctx, const ccesec_check_list *checks,
                               ccesec_finding *out)
{
    const ccesec_conn_facts *f = ctx->facts;
    const ccesec_finding *check;

    /* A cut ServerHello does not prove the version (supported_versions may be cut off). */
    if (!cipher_known(f) || ccesec_tls_version_rank(f->version) == 0 || f->server_hello_cut)
        return capture_lacks(ctx, out);
    if ((check = first_with_severity(checks, CCESEC_SEV_WARN)) != NULL) {
        *out = *check;
        return CCESEC_STATUS_WEAK;
    }
    return status_from(out, CCESEC_FIND_SECURE, secure_text, ctx, CCESEC_STATUS_SECURE);
}

/* Encrypted records and no handshake: the connection is older than the capture. What its
 * records prove (an old record-layer version, SIP readable inside) still counts. */
static ccesec_status older_than_capture(const ccesec_eval_ctx *ctx, const ccesec_check_list *checks,
                                        ccesec_finding *out)
{
    const ccesec_finding *check = first_with_severity(checks, CCESEC_SEV_WARN);
    if (check != NULL) {
        *out = *check;
        return CCESEC_STATUS_WEAK;
    }
    /* Cut frames hide the hellos too: the snap length is the first thing to fix. */
    if (ctx->facts->cut_frames > 0)
        return capture_lacks(ctx, out);
    return status_from(out, CCESEC_FIND_UNVERIFIED, unverified_text, ctx, CCESEC_STATUS_UNVERIFIED);
}

/* Decides the status and writes its finding (code and text) into out. Precedence:
 * plaintext, a refusal the capture shows, a failed certificate check, then what completion
 * proves; where the capture lacks the evidence, unverified. */
static ccesec_status decide_status(const ccesec_eval_ctx *ctx, const ccesec_check_list *checks,
                                   ccesec_finding *out)
{
    const ccesec_conn_facts *f = ctx->facts;
    const ccesec_finding *check;
    gboolean handshake_seen = f->client_hello || f->server_hello;

    if (f->sip_in_clear)
        return status_from(out, CCESEC_FIND_PLAINTEXT, plaintext_text, ctx,
                           CCESEC_STATUS_PLAINTEXT);
    if (f->alert_fatal)
        return status_from(out, CCESEC_FIND_ALERT, alert_text, ctx, CCESEC_STATUS_FAILED);
    /* An encrypted alert is read from record sizes: with frames cut or segments missing,
     * records are missing too, and a short one may be a close_notify. */
    if (f->encrypted_alert && !evidence_incomplete(f))
        return status_from(out, CCESEC_FIND_ENCRYPTED_ALERT, encrypted_alert_text, ctx,
                           CCESEC_STATUS_FAILED);
    if (f->encrypted_alert)
        return capture_lacks(ctx, out);
    if (!f->complete && f->closed && handshake_seen) {
        /* A close is a refusal only when nothing is missing before it, and when the closer
         * had received the latest flight. */
        if (evidence_incomplete(f))
            return capture_lacks(ctx, out);
        if (f->closer_sent_last)
            return status_from(out, CCESEC_FIND_UNVERIFIED, unanswered_text, ctx,
                               CCESEC_STATUS_UNVERIFIED);
        return status_from(out, CCESEC_FIND_CLOSED_EARLY, closed_early_text, ctx,
                           CCESEC_STATUS_FAILED);
    }
    if ((check = first_with_severity(checks, CCESEC_SEV_ERROR)) != NULL) {
        *out = *check;
        return CCESEC_STATUS_FAILED;
    }
    if (f->complete)
        return completed(ctx, checks, out);
    if (f->tls_seen && !handshake_seen)
        return older_than_capture(ctx, checks, out);
    if (f->tls_undecoded)
        return status_from(out, CCESEC_FIND_UNVERIFIED, undecoded_text, ctx,
                           CCESEC_STATUS_UNVERIFIED);
    if (f->at_end && f->tls_seen)
        return capture_lacks(ctx, out);
    return CCESEC_STATUS_PENDING;
}

/* ---- Notes beside the status ---- */

static void note_aborted(const ccesec_eval_ctx *ctx, ccesec_check_list *notes)
{
    const ccesec_alert_fact *a = &ctx->facts->post_alert;
    const char *name = a->known ? ccesec_alert_name(a->desc) : NULL;
    char alert[48];

    if (!a->seen)
        return;
    if (a->known)
        g_snprintf(alert, sizeof alert, "the fatal alert %s (%u)", name ? name : "unknown",
                   a->desc);
    else
        g_strlcpy(alert, "an encrypted fatal alert", sizeof alert);
    ccesec_checks_add(notes, CCESEC_FIND_ABORTED, CCESEC_SEV_WARN,
                      "%s: connection aborted %.1f s after its TLS handshake completed: %s sent "
                      "%s to %s. The handshake's verdict stands; look at %s's log for why it "
                      "ended the connection",
                      ctx->leg, (double)a->after_ms / 1000.0, ctx->who[a->sender], alert,
                      ctx->who[other_side(a->sender)], ctx->role_word[a->sender]);
}

static void note_resumed(const ccesec_eval_ctx *ctx, ccesec_check_list *notes)
{
    const ccesec_conn_facts *f = ctx->facts;
    gboolean expected = ctx->expected_name[CCESEC_SERVER] || ctx->expected_sha256[CCESEC_SERVER];

    if (!f->resumed || f->resumed_from != 0 || f->server_cert != NULL)
        return;
    ccesec_checks_add(notes, CCESEC_FIND_RESUMED, CCESEC_SEV_NOTE,
                      "%s: %s resumed an earlier TLS session with %s%s: the certificate was "
                      "checked in the handshake that made the session, which is not in the "
                      "capture%s%s",
                      ctx->leg, ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER],
                      is_tls13(f->version) ? " (TLS 1.3 pre-shared key)" : "",
                      is_tls13(f->version) ? " (or not identifiable without a key log)" : "",
                      expected ? "; the roles table's name and pin checks were not made" : "");
}

static void note_capture(const ccesec_eval_ctx *ctx, ccesec_check_list *notes)
{
    const ccesec_conn_facts *f = ctx->facts;

    if (f->cut_frames > 0)
        ccesec_checks_add(notes, CCESEC_FIND_CUT_FRAMES, CCESEC_SEV_NOTE,
                          "%s: %u packet%s between %s and %s were cut at %u bytes by the "
                          "capture's snap length: " WHOLE_PACKETS_ADVICE,
                          ctx->leg, f->cut_frames, f->cut_frames == 1 ? "" : "s",
                          ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER], f->snaplen);
    if (f->segments_missing)
        ccesec_checks_add(notes, CCESEC_FIND_SEGMENTS_MISSING, CCESEC_SEV_NOTE,
                          "%s: the capture lacks %u bytes of the TCP stream between %s and %s "
                          "(lost by the capture, e.g. a mirror port under load)",
                          ctx->leg, f->missing_bytes, ctx->who[CCESEC_CLIENT],
                          ctx->who[CCESEC_SERVER]);
}

static void run_checks(const ccesec_eval_ctx *ctx, ccesec_check_list *checks)
{
    checks->n = 0;
    checks->texts = ctx->texts;
    check_version(ctx, checks);
    check_cipher(ctx, checks);
    check_readable_records(ctx, checks);
    check_legacy_cipher(ctx, checks);
    ccesec_cert_checks_run(ctx, checks);
}

/* Appended after the status is decided: notes never change it. */
static void run_notes(const ccesec_eval_ctx *ctx, ccesec_check_list *notes)
{
    note_aborted(ctx, notes);
    note_resumed(ctx, notes);
    note_capture(ctx, notes);
}

static void push_by_severity(ccesec_verdict *out, const ccesec_check_list *list)
{
    static const ccesec_severity by_severity[] = {CCESEC_SEV_ERROR, CCESEC_SEV_WARN,
                                                  CCESEC_SEV_NOTE, CCESEC_SEV_CHAT};
    for (guint s = 0; s < G_N_ELEMENTS(by_severity); s++) {
        for (guint i = 0; i < list->n; i++) {
            if (list->items[i].severity == by_severity[s])
                push_finding(out, list->items[i].code, list->items[i].severity,
                             list->items[i].text);
        }
    }
}

/* Every reason says when the capture cut the connection's packets (the cut's own reason
 * already does): "LEG: packets cut at N bytes; ...". */
static void mention_cut_frames(const ccesec_conn_facts *f, ccesec_finding *status)
{
    char text[CCESEC_TEXT_MAX];
    const char *rest = strstr(status->text, ": ");

    if (f->cut_frames == 0 || strstr(status->text, "(snap length)") != NULL || rest == NULL)
        return;
    g_snprintf(text, sizeof text, "%.*s: packets cut at %u bytes by the capture; %s",
               (int)(rest - status->text), status->text, f->snaplen, rest + 2);
    g_strlcpy(status->text, text, sizeof status->text);
}

static void evaluate(const ccesec_conn_facts *facts, const ccesec_peers *peers,
                     const ccesec_policy *policy, gint64 now, gboolean texts, ccesec_verdict *out)
{
    ccesec_policy defaults;
    ccesec_eval_ctx ctx;
    ccesec_check_list checks;
    ccesec_finding status_finding = {0};

    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (facts == NULL)
        return;
    if (policy == NULL) {
        ccesec_policy_init_defaults(&defaults);
        policy = &defaults;
    }
    init_ctx(&ctx, facts, peers, policy, now, texts);
    run_checks(&ctx, &checks);
    out->handshake_complete = ccesec_handshake_complete(facts);
    out->status = decide_status(&ctx, &checks, &status_finding);
    out->severity = status_severity(out->status);
    if (out->status == CCESEC_STATUS_PENDING)
        return; /* nothing decisive yet: no reason, no findings */
    mention_cut_frames(facts, &status_finding);
    g_strlcpy(out->reason, status_finding.text, sizeof out->reason);
    push_finding(out, status_finding.code, out->severity, status_finding.text);
    run_notes(&ctx, &checks);
    push_by_severity(out, &checks);
}

void ccesec_evaluate(const ccesec_conn_facts *facts, const ccesec_peers *peers,
                     const ccesec_policy *policy, gint64 now, ccesec_verdict *out)
{
    evaluate(facts, peers, policy, now, TRUE, out);
}

void ccesec_judge(const ccesec_conn_facts *facts, const ccesec_peers *peers,
                  const ccesec_policy *policy, gint64 now, ccesec_verdict *out)
{
    evaluate(facts, peers, policy, now, FALSE, out);
}
