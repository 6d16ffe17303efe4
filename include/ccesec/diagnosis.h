/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The diagnosis knowledge: for a failed handshake or a leg in clear, the likely cause and
 * what to change on which CCE component, in the words of that component's administrator.
 * One table in diagnosis.c, a unit test per row. Pure logic.
 */
#ifndef CCESEC_DIAGNOSIS_H
#define CCESEC_DIAGNOSIS_H

#include <glib.h>
#include "ccesec/roles.h"

G_BEGIN_DECLS

/* Context of a fatal alert. */
typedef struct {
    guint8 alert_desc;
    ccesec_role sender; /* the side that sent the alert */
    ccesec_role receiver;
    gboolean sender_is_client;
    const char *receiver_cert_name; /* CN of the certificate the receiver presented, or NULL */
    gboolean cert_request;          /* the server had asked for a client certificate */
    gboolean client_cert_empty;     /* and the client sent none */
} ccesec_alert_context;

/* Writes "cause: fix" for the alert into buf, e.g. for unknown_ca sent by CVP about VVB's
 * certificate: "CVP does not trust the CA that signed VVB's certificate (vvb1...): import
 * it into CVP's keystore". Always writes something (a generic text for unknown alerts). */
void ccesec_diagnose_alert(const ccesec_alert_context *ctx, char *buf, gsize buf_len);

/* Connection closed or reset before the handshake completed, without an alert: which side
 * closed first (client or server), and after what (after the server certificate = the quiet
 * refusal of a stack that does not trust it). */
void ccesec_diagnose_quiet_close(ccesec_role closer, ccesec_role other, gboolean closer_is_client,
                                 gboolean after_certificate, char *buf, gsize buf_len);

/* What to configure on each side so the leg uses SIP over TLS on tls_port, e.g. for a
 * CVP-CUCM leg: "on CVP set the CUCM SIP Server Group's SecurePort to 5061; on CUCM give
 * the cvp-SIP-Trunk destination port 5061 and the SecureSipTLSforCvp profile". */
void ccesec_advice_enable_tls(ccesec_role client, ccesec_role server, guint16 tls_port, char *buf,
                              gsize buf_len);

/* Where the minimum/maximum TLS version is set on a component ("CUBE: sip-ua transport tcp
 * tls v1.2", "VVB: System Parameters > Supported TLS(SIP) version", "CUCM: set tls
 * server min-version", "CVP: supports TLS 1.2 only"...). */
const char *ccesec_where_tls_version(ccesec_role role);
/* Where a component's trust store is ("CUBE: crypto pki trustpoint", "CVP: keystore
 * (.keystore, keytool -import)", "VVB/CUCM: tomcat/CallManager-trust via OS Administration
 * > Certificate Management"...). */
const char *ccesec_where_trust_store(ccesec_role role);
/* Where the name a peer's certificate must carry is configured, for certificates that role
 * checks (CUCM: SIP Trunk Security Profile "Secure Certificate Subject or Subject Alternate
 * Name"; CUBE: crypto signaling remote-addr ... trustpoint; ...). */
const char *ccesec_where_expected_name(ccesec_role checker);

G_END_DECLS

#endif
