/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a failed or clear-text leg most likely means, and what to change on which CCE
 * component, in the words of that component's administration pages and CLI.
 * The knobs come from Cisco's "secure SIP signalling in the CCE comprehensive call flow"
 * procedure (CCE/CVP/VVB/CUCM 12.6), summarised in docs and the project brief.
 */
#include <string.h>

#include "ccesec/cipher.h"
#include "ccesec/diagnosis.h"
#include "text_buf.h"

/* ---- Role words ---- */

static gboolean role_is_known(ccesec_role role)
{
    return role > CCESEC_ROLE_UNKNOWN && role < CCESEC_ROLE_COUNT;
}

/* The component name, or a generic word for an unknown role. */
static const char *role_word(ccesec_role role, gboolean is_client)
{
    if (role_is_known(role))
        return ccesec_role_name(role);
    return is_client ? "the client" : "the server";
}

/* ---- Where things are configured ---- */

const char *ccesec_where_tls_version(ccesec_role role)
{
    switch (role) {
    case CCESEC_ROLE_CUBE:
        return "CUBE: sip-ua 'transport tcp tls v1.2' (TLS 1.3 needs IOS-XE 17.14+)";
    case CCESEC_ROLE_CVP:
        return "CVP: 12.5 and later speak TLS 1.2 only (no setting)";
    case CCESEC_ROLE_VVB:
        return "VVB: System > System Parameters > Security Parameters, Supported TLS(SIP) version";
    case CCESEC_ROLE_CUCM:
        return "CUCM: CLI 'set tls server min-version' and 'set tls client min-version'";
    case CCESEC_ROLE_PHONE:
        return "phone: its firmware (upgrade it); CUCM 'set tls server min-version' sets the floor";
    default:
        return "the TLS version settings of both ends";
    }
}

const char *ccesec_where_trust_store(ccesec_role role)
{
    switch (role) {
    case CCESEC_ROLE_CUBE:
        return "CUBE: the trustpoint in sip-ua 'crypto signaling remote-addr <ip> 255.255.255.255 "
               "trustpoint <name>'";
    case CCESEC_ROLE_CVP:
        return "CVP: C:\\Cisco\\CVP\\conf\\security\\.keystore (keytool -import), restart the Call "
               "Server";
    case CCESEC_ROLE_VVB:
        return "VVB: OS Administration > Certificate Management, upload as tomcat-trust";
    case CCESEC_ROLE_CUCM:
        return "CUCM: OS Administration > Certificate Management, upload as CallManager-trust";
    case CCESEC_ROLE_PHONE:
        return "phone: the ITL/CTL file it downloads from CUCM's TFTP (cluster in mixed mode)";
    default:
        return "its trust store (import the CA that signed the peer's certificate)";
    }
}

const char *ccesec_where_expected_name(ccesec_role checker)
{
    switch (checker) {
    case CCESEC_ROLE_CUCM:
        return "CUCM: SIP Trunk Security Profile (SecureSIPTLSForCube / SecureSipTLSforCvp), "
               "'Secure Certificate Subject or Subject Alternate Name'";
    case CCESEC_ROLE_CUBE:
        return "CUBE: 'cn-san-validate server' on its crypto signaling line; dial-peer "
               "'session target' host";
    case CCESEC_ROLE_CVP:
        return "CVP: the member's host name in Call Settings > Route Settings > SIP Server Group";
    case CCESEC_ROLE_VVB:
        return "VVB: the CVP host name it is configured with must match CVP's certificate CN/SAN";
    case CCESEC_ROLE_PHONE:
        return "phone: the CUCM server name in its device pool / CallManager group";
    default:
        return "the peer name the checking side is configured with (certificate CN or SAN)";
    }
}

/* ---- Template filling ---- */

typedef struct {
    const char *key;
    char value[256];
} template_var;

#define VARS_MAX 12

typedef struct {
    template_var vars[VARS_MAX];
    guint n;
} template_vars;

static void vars_set(template_vars *vars, const char *key, const char *value)
{
    if (vars->n >= VARS_MAX)
        return;
    vars->vars[vars->n].key = key;
    g_strlcpy(vars->vars[vars->n].value, value ? value : "", sizeof vars->vars[vars->n].value);
    vars->n++;
}

static const char *vars_get(const template_vars *vars, const char *key, gsize key_len)
{
    guint i;

    for (i = 0; i < vars->n; i++) {
        if (strlen(vars->vars[i].key) == key_len && strncmp(vars->vars[i].key, key, key_len) == 0)
            return vars->vars[i].value;
    }
    return NULL;
}

/* Copies tmpl to out, replacing each "{key}" by its value; unknown keys stay as written. */
static void fill_template(text_buf *out, const char *tmpl, const template_vars *vars)
{
    const char *p = tmpl;

    while (p != NULL && *p != '\0') {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        const char *value;

        if (open == NULL || close == NULL) {
            text_buf_put(out, p);
            return;
        }
        text_buf_put_n(out, p, (gsize)(open - p));
        value = vars_get(vars, open + 1, (gsize)(close - open - 1));
        if (value != NULL)
            text_buf_put(out, value);
        else
            text_buf_put_n(out, open, (gsize)(close - open + 1));
        p = close + 1;
    }
}

/* ---- The alert table ---- */

typedef enum {
    WHEN_ALWAYS = 0,
    WHEN_CLIENT_CERT_MISSING /* the server asked for a client certificate and got none */
} row_condition;

typedef struct {
    gint alert; /* -1 = the generic fallback row */
    row_condition when;
    const char *cause;
    const char *fix;
} diagnosis_row;

/* Variables: {sender} {receiver} {client} {server} {receiver_cert} {alert}
 * {sender_trust} {sender_name} {sender_version} {receiver_version} {server_trust}. */
static const diagnosis_row alert_rows[] = {
    {48, WHEN_ALWAYS, "{sender} does not trust the CA that signed {receiver_cert}",
     "import that CA into {sender}'s trust store ({sender_trust})"},
    {42, WHEN_ALWAYS,
     "{sender} rejected {receiver_cert} (untrusted CA, wrong name or broken chain)",
     "import its CA into {sender}'s trust store ({sender_trust}); check the name ({sender_name})"},
    {46, WHEN_ALWAYS,
     "{sender} could not validate {receiver_cert} (Java peers such as CVP and VVB say this for "
     "an untrusted CA or a name mismatch)",
     "import the signing CA or the self-signed certificate into {sender}'s trust store "
     "({sender_trust})"},
    {45, WHEN_ALWAYS, "{sender} says {receiver_cert} has expired",
     "renew {receiver}'s certificate and import the new one (or its CA) into {sender}'s trust "
     "store ({sender_trust})"},
    {44, WHEN_ALWAYS, "{sender} found {receiver_cert} revoked by its CA",
     "issue {receiver} a new certificate and import it (or its CA) into {sender}'s trust store "
     "({sender_trust})"},
    {43, WHEN_ALWAYS,
     "{sender} cannot use {receiver_cert}: wrong key type or key usage for SIP TLS",
     "reissue it with an RSA 2048+ or ECDSA P-256 key and serverAuth + clientAuth extended key "
     "usage"},
    {70, WHEN_ALWAYS, "{sender} does not accept the TLS version {receiver} offered",
     "allow the same version (TLS 1.2) on both: {sender_version}; {receiver_version}"},
    {40, WHEN_CLIENT_CERT_MISSING,
     "{client} sent no certificate although {server} asked for one (mutual TLS)",
     "give {client} a SIP TLS identity certificate and import its CA into {server}'s trust store "
     "({server_trust})"},
    {40, WHEN_ALWAYS, "{sender} and {receiver} share no cipher suite or signature algorithm",
     "enable a common suite such as TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (CUCM: Enterprise "
     "Parameters > TLS Ciphers) and TLS 1.2 on both"},
    {71, WHEN_ALWAYS, "{sender} requires stronger cipher suites than {receiver} offered",
     "enable ECDHE with AES-GCM on {receiver} (CUCM: Enterprise Parameters > TLS Ciphers)"},
    {51, WHEN_ALWAYS,
     "{sender} could not verify a signature or the Finished message from {receiver} (key and "
     "certificate do not match, or a device in the path altered the handshake)",
     "regenerate {receiver}'s certificate with its own key and re-import it; check for TLS "
     "inspection between them"},
    {47, WHEN_ALWAYS,
     "{sender} rejected a handshake field from {receiver} (a TLS implementation mismatch)",
     "update {receiver}'s software or pin both to TLS 1.2: {sender_version}; {receiver_version}"},
    {116, WHEN_ALWAYS, "{server} requires a client certificate that {client} did not send",
     "give {client} a SIP TLS identity certificate and import its CA into {server}'s trust store "
     "({server_trust})"},
    {49, WHEN_ALWAYS, "{sender} validated {receiver_cert} but does not accept that identity",
     "make the configured peer name match the certificate ({sender_name})"},
    {112, WHEN_ALWAYS,
     "{sender} does not recognise the server name (SNI) in the ClientHello (usually only a "
     "warning)",
     "make the host name {client} uses for {server} match {server}'s certificate CN or SAN"},
    {80, WHEN_ALWAYS,
     "{sender} hit an internal error in the handshake (often its own certificate or private key "
     "is missing for SIP TLS)",
     "check {sender}'s identity certificate and its logs (CUBE: debug ssl openssl errors)"},
    {-1, WHEN_ALWAYS, "{sender} ended the handshake with the alert {alert}",
     "read {sender}'s TLS logs for the reason (CUBE: debug ssl openssl errors / msg / states)"},
};

static gboolean row_applies(const diagnosis_row *row, const ccesec_alert_context *ctx)
{
    if (row->alert != (gint)ctx->alert_desc)
        return FALSE;
    if (row->when == WHEN_CLIENT_CERT_MISSING)
        return ctx->cert_request && ctx->client_cert_empty;
    return TRUE;
}

static const diagnosis_row *find_alert_row(const ccesec_alert_context *ctx)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(alert_rows); i++) {
        if (row_applies(&alert_rows[i], ctx))
            return &alert_rows[i];
    }
    return &alert_rows[G_N_ELEMENTS(alert_rows) - 1];
}

/* "VVB's certificate (vvb1.dcloud.cisco.com)" or "the server's certificate". */
static void describe_cert(char *buf, gsize len, const char *owner, const char *cert_name)
{
    text_buf out;

    text_buf_init(&out, buf, len);
    text_buf_put(&out, owner);
    text_buf_put(&out, "'s certificate");
    if (cert_name != NULL && cert_name[0] != '\0') {
        text_buf_put(&out, " (");
        text_buf_put_printable(&out, cert_name);
        text_buf_put(&out, ")");
    }
}

static void alert_vars(const ccesec_alert_context *ctx, template_vars *vars)
{
    gboolean sender_client = ctx->sender_is_client;
    ccesec_role client = sender_client ? ctx->sender : ctx->receiver;
    ccesec_role server = sender_client ? ctx->receiver : ctx->sender;
    const char *receiver_word = role_word(ctx->receiver, !sender_client);
    const char *alert = ccesec_alert_name(ctx->alert_desc);
    char cert[200], alert_text[64];

    describe_cert(cert, sizeof cert, receiver_word, ctx->receiver_cert_name);
    g_snprintf(alert_text, sizeof alert_text, "%s (%u)", alert ? alert : "unknown",
               ctx->alert_desc);
    vars->n = 0;
    vars_set(vars, "sender", role_word(ctx->sender, sender_client));
    vars_set(vars, "receiver", receiver_word);
    vars_set(vars, "client", role_word(client, TRUE));
    vars_set(vars, "server", role_word(server, FALSE));
    vars_set(vars, "receiver_cert", cert);
    vars_set(vars, "alert", alert_text);
    vars_set(vars, "sender_trust", ccesec_where_trust_store(ctx->sender));
    vars_set(vars, "sender_name", ccesec_where_expected_name(ctx->sender));
    vars_set(vars, "sender_version", ccesec_where_tls_version(ctx->sender));
    vars_set(vars, "receiver_version", ccesec_where_tls_version(ctx->receiver));
    vars_set(vars, "server_trust", ccesec_where_trust_store(server));
}

void ccesec_diagnose_alert(const ccesec_alert_context *ctx, char *buf, gsize buf_len)
{
    template_vars vars;
    const diagnosis_row *row;
    text_buf out;

    text_buf_init(&out, buf, buf_len);
    if (ctx == NULL) {
        text_buf_put(&out, "no alert context");
        return;
    }
    alert_vars(ctx, &vars);
    row = find_alert_row(ctx);
    fill_template(&out, row->cause, &vars);
    text_buf_put(&out, ": ");
    fill_template(&out, row->fix, &vars);
}

/* ---- Closed without an alert ---- */

void ccesec_diagnose_quiet_close(ccesec_role closer, ccesec_role other, gboolean closer_is_client,
                                 gboolean after_certificate, char *buf, gsize buf_len)
{
    template_vars vars = {0};
    text_buf out;
    const char *text;

    vars_set(&vars, "closer",
             role_is_known(closer) ? ccesec_role_name(closer)
                                   : (closer_is_client ? "the client" : "the server"));
    vars_set(&vars, "other",
             role_is_known(other) ? ccesec_role_name(other)
                                  : (closer_is_client ? "the server" : "the client"));
    vars_set(&vars, "closer_trust", ccesec_where_trust_store(closer));
    vars_set(&vars, "closer_name", ccesec_where_expected_name(closer));
    vars_set(&vars, "closer_version", ccesec_where_tls_version(closer));
    if (closer_is_client && !role_is_known(closer))
        /* No CCE component: a probe (a scanner) rather than a refusal to configure away. */
        text = after_certificate
                   ? "{closer}, which has no CCE role, closed after {other}'s certificate "
                     "without an alert: it did not accept the certificate, or it only probed "
                     "the port (a scanner). Nothing to change on {other} unless that address "
                     "is a component: then add it to the roles table"
                   : "{closer}, which has no CCE role, closed before {other}'s certificate "
                     "without an alert: a probe of the port (a scanner) or a client that gave up";
    else if (closer_is_client)
        text = after_certificate
                   ? "{closer} closed after the certificate exchange without an alert, quietly "
                     "refusing {other}'s certificate: import its CA into {closer}'s trust store "
                     "({closer_trust}); check the name it expects ({closer_name})"
                   : "{closer} gave up before {other}'s certificate, without an alert: {other} "
                     "did not answer its ClientHello in time, or no TLS version or cipher suite "
                     "is shared ({closer_version})";
    else
        text = after_certificate
                   ? "{closer} closed after the client's answer to its certificate, without an "
                     "alert: it refused the client's certificate or Finished: check that "
                     "{closer} trusts the CA of {other}'s certificate ({closer_trust})"
                   : "{closer} closed before any certificate, without an alert: "
                     "TLS is not enabled there on this port, or no TLS version or cipher suite "
                     "is shared ({closer_version})";
    text_buf_init(&out, buf, buf_len);
    fill_template(&out, text, &vars);
}

/* ---- Turning TLS on for a leg ---- */

typedef struct {
    ccesec_role a, b; /* either order */
    const char *advice;
} leg_advice;

/* {port} is the secure port. */
static const leg_advice leg_advices[] = {
    {CCESEC_ROLE_CUBE, CCESEC_ROLE_CVP,
     "on CUBE: sip-ua 'transport tcp tls v1.2' and 'crypto signaling remote-addr <CVP> "
     "255.255.255.255 trustpoint <name>', dial-peer 'session target ipv4:<CVP>:{port}' + "
     "'session transport tcp tls'; on CVP: SIP Server Group for CUBE, SecurePort {port}"},
    {CCESEC_ROLE_CVP, CCESEC_ROLE_VVB,
     "on CVP: Call Settings > Route Settings > SIP Server Group for VVB, SecurePort {port}; on "
     "VVB: System > System Parameters > Security Parameters, TLS(SIP) Enable, TLSv1.2, restart "
     "the Engine"},
    {CCESEC_ROLE_CVP, CCESEC_ROLE_CUCM,
     "on CVP: the CUCM SIP Server Group's SecurePort {port}; on CUCM: mixed mode ('utils ctl "
     "set-cluster mixed-mode'), the cvp-SIP-Trunk with destination port {port} and the "
     "SecureSipTLSforCvp profile"},
    {CCESEC_ROLE_CUBE, CCESEC_ROLE_CUCM,
     "on CUBE: sip-ua 'transport tcp tls v1.2', 'crypto signaling remote-addr <CUCM> "
     "255.255.255.255 trustpoint <name>', 'session transport tcp tls' to <CUCM>:{port}; on "
     "CUCM: mixed mode, the vCube trunk with destination port {port} and the "
     "SecureSIPTLSForCube profile"},
    {CCESEC_ROLE_PHONE, CCESEC_ROLE_CUCM,
     "on CUCM: mixed mode ('utils ctl set-cluster mixed-mode'), activate the Cisco Certificate "
     "Authority Proxy Function, install an LSC on the phone (CAPF Install/Upgrade) and give it a "
     "secure Phone Security Profile (Encrypted, TLS)"},
};

static const char *find_leg_advice(ccesec_role client, ccesec_role server)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(leg_advices); i++) {
        const leg_advice *row = &leg_advices[i];
        if ((row->a == client && row->b == server) || (row->a == server && row->b == client))
            return row->advice;
    }
    return "configure both ends for SIP over TLS on port {port} (TLS transport, each side's "
           "certificate CA in the other's trust store)";
}

void ccesec_advice_enable_tls(ccesec_role client, ccesec_role server, guint16 tls_port, char *buf,
                              gsize buf_len)
{
    template_vars vars = {0};
    char port[8];
    text_buf out;

    g_snprintf(port, sizeof port, "%u", (guint)(tls_port ? tls_port : 5061));
    vars_set(&vars, "port", port);
    text_buf_init(&out, buf, buf_len);
    fill_template(&out, find_leg_advice(client, server), &vars);
}
