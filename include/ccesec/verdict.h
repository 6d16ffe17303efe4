/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The security verdict of one SIP signalling connection: what the capture showed (facts),
 * who the two ends are (peers), what the site requires (policy) -> status, reason and
 * findings. Pure logic, no epan dependency; the dissector fills the facts from the tree.
 */
#ifndef CCESEC_VERDICT_H
#define CCESEC_VERDICT_H

#include <glib.h>
#include "ccesec/roles.h"
#include "ccesec/x509.h"

G_BEGIN_DECLS

typedef enum {
    CCESEC_TRANSPORT_UDP = 0,
    CCESEC_TRANSPORT_TCP, /* TCP, no TLS seen */
    CCESEC_TRANSPORT_TLS  /* TLS over TCP */
} ccesec_transport;
/* "udp", "tcp", "tls" */
const char *ccesec_transport_name(ccesec_transport transport);

typedef enum {
    CCESEC_STATUS_PENDING = 0, /* nothing decisive seen yet (e.g. a ClientHello so far) */
    CCESEC_STATUS_SECURE,
    CCESEC_STATUS_WEAK,
    CCESEC_STATUS_FAILED,
    CCESEC_STATUS_PLAINTEXT,
    CCESEC_STATUS_UNVERIFIED
} ccesec_status;
/* "pending", "secure", "weak", "failed", "plaintext", "unverified" */
const char *ccesec_status_name(ccesec_status status);

typedef enum { CCESEC_CLIENT = 0, CCESEC_SERVER = 1 } ccesec_side;

/* Everything the capture showed about one connection. Fixed size; certificates are held
 * by pointer (the dissector shares one parsed copy between connections). */
typedef struct {
    ccesec_transport transport;
    gboolean sip_in_clear;  /* a SIP message seen unencrypted */
    gboolean sip_decrypted; /* SIP seen inside TLS (a key log was given) */
    gboolean tls_seen;      /* any TLS record */
    gboolean client_hello;
    gboolean server_hello;
    guint16 version; /* negotiated: ServerHello supported_versions, else its version; 0 = unknown */
    guint16 cipher;  /* ServerHello cipher suite */
    guint8 ccs[2];   /* ChangeCipherSpec records by side (counted up to 255) */
    guint32 encrypted_records[2]; /* application-data records (type 23) by side */
    gboolean finished[2];         /* decrypted Finished by side */
    gboolean alert_fatal;         /* first fatal alert in clear */
    guint8 alert_desc;
    ccesec_side alert_sender;
    gboolean fin[2];                /* FIN by side */
    gboolean rst[2];                /* RST by side */
    gboolean cert_request;          /* server sent CertificateRequest */
    gboolean client_cert_empty;     /* client answered the request with no certificate */
    const ccesec_cert *server_cert; /* NULL when not seen (TLS 1.3 without keys, resumption) */
    const ccesec_cert *client_cert;
    gboolean server_cert_unparsed; /* a certificate was seen but could not be parsed */
    gboolean tls_undecoded;        /* TLS record bytes that Wireshark decoded as something else (TLS
                                      on 5060, a port it gives to SIP) */
} ccesec_conn_facts;

/* Who the two ends are. */
typedef struct {
    ccesec_role role[2];
    const char *address[2]; /* textual address */
    guint16 port[2];
    const char *expected_name[2];   /* from the roles table, or NULL */
    const char *expected_sha256[2]; /* from the roles table, or NULL (hex, any format) */
} ccesec_peers;

typedef struct {
    guint16 min_tls_version;   /* default CCESEC_TLS12 */
    gboolean strict_ciphers;   /* RSA key transport and CBC-SHA1 count as weak */
    guint expiry_warning_days; /* default 30; 0 disables the note */
    guint16 tls_port;          /* the expected secure port, for messages (5061) */
} ccesec_policy;
void ccesec_policy_init_defaults(ccesec_policy *policy);

typedef enum {
    CCESEC_SEV_CHAT = 0,
    CCESEC_SEV_NOTE,
    CCESEC_SEV_WARN,
    CCESEC_SEV_ERROR
} ccesec_severity;

/* One code per check. Each is reported once per connection. */
typedef enum {
    CCESEC_FIND_SECURE = 0,
    CCESEC_FIND_PLAINTEXT,
    CCESEC_FIND_ALERT,        /* fatal alert before the handshake completed */
    CCESEC_FIND_CLOSED_EARLY, /* FIN/RST before completion, no alert */
    CCESEC_FIND_UNVERIFIED,   /* TLS without its handshake in the capture */
    CCESEC_FIND_WEAK_VERSION,
    CCESEC_FIND_WEAK_CIPHER,
    CCESEC_FIND_LEGACY_CIPHER, /* note: RSA key transport / CBC-SHA1, default policy */
    CCESEC_FIND_NAME_MISMATCH,
    CCESEC_FIND_PIN_MISMATCH,
    CCESEC_FIND_CERT_EXPIRED,
    CCESEC_FIND_CERT_NOT_YET_VALID,
    CCESEC_FIND_CERT_EXPIRING,
    CCESEC_FIND_WEAK_KEY,
    CCESEC_FIND_WEAK_SIGNATURE,
    CCESEC_FIND_SELF_SIGNED,
    CCESEC_FIND_CLIENT_CERT_MISSING,
    CCESEC_FIND_CERT_UNPARSED,
    CCESEC_FIND_COUNT
} ccesec_finding_code;

#define CCESEC_TEXT_MAX     512
#define CCESEC_FINDINGS_MAX 8

typedef struct {
    ccesec_finding_code code;
    ccesec_severity severity;
    char text[CCESEC_TEXT_MAX];
} ccesec_finding;

typedef struct {
    ccesec_status status;
    gboolean handshake_complete;
    ccesec_severity severity;     /* of the status: secure chat, unverified note, weak warn,
                                     failed and plaintext error */
    char reason[CCESEC_TEXT_MAX]; /* one readable sentence; "" while pending */
    guint n_findings;
    ccesec_finding findings[CCESEC_FINDINGS_MAX]; /* status finding first, then checks */
} ccesec_verdict;

/* TRUE once the TLS handshake is known to have completed (see verdict.c for the rules per
 * version, with and without decryption). */
gboolean ccesec_handshake_complete(const ccesec_conn_facts *facts);

/* The verdict for the connection as seen so far. now = packet time (Unix seconds) for the
 * certificate validity checks. Messages name the leg, both roles and addresses, the
 * evidence, and what to change on which component. */
void ccesec_evaluate(const ccesec_conn_facts *facts, const ccesec_peers *peers,
                     const ccesec_policy *policy, gint64 now, ccesec_verdict *out);

G_END_DECLS

#endif
