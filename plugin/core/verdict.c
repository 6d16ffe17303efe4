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

/* TLS 1.3 without keys: the client's Finished and at least one data record. A client that
 * sends a single encrypted record and closes has sent its (encrypted) alert instead. */
#define TLS13_MIN_CLIENT_RECORDS 2

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

gboolean ccesec_handshake_complete(const ccesec_conn_facts *facts)
{
    guint rank;

    if (facts == NULL)
        return FALSE;
    /* Decrypted evidence settles it for every version. */
    if ((facts->finished[CCESEC_CLIENT] && facts->finished[CCESEC_SERVER]) || facts->sip_decrypted)
        return TRUE;
    /* Without a ServerHello nothing was negotiated (no resumption shortcut here). */
    if (!facts->server_hello)
        return FALSE;
    rank = ccesec_tls_version_rank(facts->version);
    if (rank == 0)
        return FALSE;
    if (is_tls13(facts->version))
        return facts->encrypted_records[CCESEC_CLIENT] >= TLS13_MIN_CLIENT_RECORDS;
    return facts->ccs[CCESEC_CLIENT] > 0 && facts->ccs[CCESEC_SERVER] > 0 && !facts->alert_fatal;
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
    ccesec_clean_name(peers ? nonempty(peers->address[side]) : NULL, address, sizeof address);
    if (address[0] != '\0')
        g_snprintf(ctx->who[side], sizeof ctx->who[side], "%s %s", ctx->role_word[side], address);
    else
        g_strlcpy(ctx->who[side], ctx->role_word[side], sizeof ctx->who[side]);
    ctx->expected_name[side] = peers ? nonempty(peers->expected_name[side]) : NULL;
    ctx->expected_sha256[side] = peers ? nonempty(peers->expected_sha256[side]) : NULL;
}

static void init_ctx(ccesec_eval_ctx *ctx, const ccesec_conn_facts *facts,
                     const ccesec_peers *peers, const ccesec_policy *policy, gint64 now)
{
    memset(ctx, 0, sizeof *ctx);
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

    if (!f->server_hello || rank == 0 ||
        rank >= ccesec_tls_version_rank(ctx->policy->min_tls_version))
        return;
    ccesec_checks_add(list, CCESEC_FIND_WEAK_VERSION, CCESEC_SEV_WARN,
                      "%s: %s negotiated between %s and %s is below the minimum %s: set the "
                      "minimum on both (%s; %s)",
                      ctx->leg, ccesec_tls_version_name(f->version), ctx->who[CCESEC_CLIENT],
                      ctx->who[CCESEC_SERVER], min_name ? min_name : "version",
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

static gboolean side_closed(const ccesec_conn_facts *f, ccesec_side side)
{
    return f->fin[side] || f->rst[side];
}

/* Booleans do not say who closed first. One side closing alone is the closer; RST beats FIN
 * (the abrupt refusal); otherwise, with the server certificate seen, the client most likely
 * refused it, and before it the server refused the ClientHello. */
static ccesec_side guess_closer(const ccesec_conn_facts *f, gboolean after_certificate)
{
    if (side_closed(f, CCESEC_CLIENT) != side_closed(f, CCESEC_SERVER))
        return side_closed(f, CCESEC_CLIENT) ? CCESEC_CLIENT : CCESEC_SERVER;
    if (f->rst[CCESEC_CLIENT] != f->rst[CCESEC_SERVER])
        return f->rst[CCESEC_CLIENT] ? CCESEC_CLIENT : CCESEC_SERVER;
    return after_certificate ? CCESEC_CLIENT : CCESEC_SERVER;
}

/* TLS 1.3: one encrypted client record then a close is the client's encrypted alert. */
static gboolean tls13_encrypted_alert(const ccesec_conn_facts *f)
{
    return f->server_hello && is_tls13(f->version) && f->encrypted_records[CCESEC_CLIENT] == 1 &&
           side_closed(f, CCESEC_CLIENT);
}

static void closed_early_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    const ccesec_conn_facts *f = ctx->facts;
    gboolean after_cert = f->server_cert != NULL || f->server_cert_unparsed;
    ccesec_side closer, other;
    char diagnosis[CCESEC_TEXT_MAX];

    if (tls13_encrypted_alert(f)) {
        g_snprintf(buf, len,
                   "%s: TLS 1.3 handshake failed: %s sent a single encrypted record (its alert, "
                   "encrypted in TLS 1.3) and closed, most likely refusing %s's certificate: "
                   "import its CA into %s's trust store (%s)",
                   ctx->leg, ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER],
                   ctx->role_word[CCESEC_CLIENT],
                   ccesec_where_trust_store(ctx->role[CCESEC_CLIENT]));
        return;
    }
    closer = guess_closer(f, after_cert);
    other = closer == CCESEC_CLIENT ? CCESEC_SERVER : CCESEC_CLIENT;
    ccesec_diagnose_quiet_close(ctx->role[closer], ctx->role[other], after_cert, diagnosis,
                                sizeof diagnosis);
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

static void unverified_text(const ccesec_eval_ctx *ctx, char *buf, gsize len)
{
    g_snprintf(buf, len,
               "%s: TLS without its handshake in the capture between %s and %s: start the "
               "capture before the connection opens, or make it reconnect (reset the SIP trunk "
               "on CUCM, or restart the SIP service of %s) while capturing",
               ctx->leg, ctx->who[CCESEC_CLIENT], ctx->who[CCESEC_SERVER],
               ctx->role_word[CCESEC_CLIENT]);
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

/* Decides the status and writes its finding (code and text) into status_finding. */
static ccesec_status decide_status(const ccesec_eval_ctx *ctx, gboolean complete,
                                   const ccesec_check_list *checks, ccesec_finding *status_finding)
{
    const ccesec_conn_facts *f = ctx->facts;
    char *text = status_finding->text;
    const gsize len = sizeof status_finding->text;
    const ccesec_finding *check;

    if (f->sip_in_clear) {
        status_finding->code = CCESEC_FIND_PLAINTEXT;
        plaintext_text(ctx, text, len);
        return CCESEC_STATUS_PLAINTEXT;
    }
    if (f->alert_fatal && !complete) {
        status_finding->code = CCESEC_FIND_ALERT;
        alert_text(ctx, text, len);
        return CCESEC_STATUS_FAILED;
    }
    if (!complete && f->client_hello &&
        (side_closed(f, CCESEC_CLIENT) || side_closed(f, CCESEC_SERVER))) {
        status_finding->code = CCESEC_FIND_CLOSED_EARLY;
        closed_early_text(ctx, text, len);
        return CCESEC_STATUS_FAILED;
    }
    if ((check = first_with_severity(checks, CCESEC_SEV_ERROR)) != NULL) {
        *status_finding = *check;
        return CCESEC_STATUS_FAILED;
    }
    if (complete && (check = first_with_severity(checks, CCESEC_SEV_WARN)) != NULL) {
        *status_finding = *check;
        return CCESEC_STATUS_WEAK;
    }
    if (complete) {
        status_finding->code = CCESEC_FIND_SECURE;
        secure_text(ctx, text, len);
        return CCESEC_STATUS_SECURE;
    }
    if ((f->tls_seen && !f->client_hello) || f->tls_undecoded) {
        status_finding->code = CCESEC_FIND_UNVERIFIED;
        if (f->tls_undecoded && !f->tls_seen)
            undecoded_text(ctx, text, len);
        else
            unverified_text(ctx, text, len);
        return CCESEC_STATUS_UNVERIFIED;
    }
    return CCESEC_STATUS_PENDING;
}

static void run_checks(const ccesec_eval_ctx *ctx, ccesec_check_list *checks)
{
    checks->n = 0;
    check_version(ctx, checks);
    check_cipher(ctx, checks);
    check_legacy_cipher(ctx, checks);
    ccesec_cert_checks_run(ctx, checks);
}

void ccesec_evaluate(const ccesec_conn_facts *facts, const ccesec_peers *peers,
                     const ccesec_policy *policy, gint64 now, ccesec_verdict *out)
{
    static const ccesec_severity by_severity[] = {CCESEC_SEV_ERROR, CCESEC_SEV_WARN,
                                                  CCESEC_SEV_NOTE, CCESEC_SEV_CHAT};
    ccesec_policy defaults;
    ccesec_eval_ctx ctx;
    ccesec_check_list checks;
    ccesec_finding status_finding = {0};
    guint s, i;

    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (facts == NULL)
        return;
    if (policy == NULL) {
        ccesec_policy_init_defaults(&defaults);
        policy = &defaults;
    }
    init_ctx(&ctx, facts, peers, policy, now);
    run_checks(&ctx, &checks);
    out->handshake_complete = ccesec_handshake_complete(facts);
    out->status = decide_status(&ctx, out->handshake_complete, &checks, &status_finding);
    out->severity = status_severity(out->status);
    if (out->status == CCESEC_STATUS_PENDING)
        return; /* nothing decisive yet: no reason, no findings */
    g_strlcpy(out->reason, status_finding.text, sizeof out->reason);
    push_finding(out, status_finding.code, out->severity, status_finding.text);
    for (s = 0; s < G_N_ELEMENTS(by_severity); s++) {
        for (i = 0; i < checks.n; i++) {
            if (checks.items[i].severity == by_severity[s])
                push_finding(out, checks.items[i].code, checks.items[i].severity,
                             checks.items[i].text);
        }
    }
}
