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

/* A fatal alert and where it fell. */
typedef struct {
    gboolean seen;
    gboolean known; /* its description is known (sent in clear, or decrypted with a key log) */
    guint8 desc;
    ccesec_side sender;
    gint64 after_ms; /* post-handshake alerts: time since the handshake completed */
} ccesec_alert_fact;

/* What proved the handshake complete. */
typedef enum {
    CCESEC_PROOF_NONE = 0,
    CCESEC_PROOF_CCS,        /* TLS <= 1.2: ChangeCipherSpec from both sides, no alert before */
    CCESEC_PROOF_DATA,       /* TLS <= 1.2: encrypted application data from both sides */
    CCESEC_PROOF_TLS13_REPLY /* TLS 1.3: the server answered the client's Finished flight */
} ccesec_proof;

/* Everything the capture showed about one connection, folded in capture order by
 * tracker.c. Fixed size; certificates are held by pointer (the dissector shares one parsed
 * copy between connections). Only facts that can change a verdict live here, so a packet
 * that changes none of them costs no evaluation. */
typedef struct {
    ccesec_transport transport;
    gboolean sip_in_clear;  /* a SIP message seen unencrypted */
    gboolean sip_decrypted; /* SIP seen inside TLS (a key log was given) */
    gboolean tls_seen;      /* any TLS record */
    gboolean client_hello;
    gboolean server_hello;
    gboolean server_hello_cut; /* ...in a frame cut by a snap length: its supported_versions
                                  extension (TLS 1.3) may be cut off, so the version is not
                                  proven and TLS 1.3's encrypted flight could pass for data */
    guint16
        version; /* negotiated: ServerHello supported_versions, else its version; else the
                    record-layer version of data records when it proves TLS < 1.2; 0 = unknown */
    gboolean version_from_records; /* version read from data records (no handshake in capture) */
    guint16 cipher;                /* ServerHello cipher suite */
    guint8 ccs[2];                 /* ChangeCipherSpec records by side (TLS <= 1.2, up to 255) */
    gboolean data[2];              /* application-data records by side (TLS <= 1.2) */
    gboolean sip_in_records; /* a SIP start line readable inside application-data records: NULL
                                cipher (no handshake needed to prove it) */
    /* TLS 1.3, read from record types and lengths only, so a key log changes nothing */
    gboolean server_flight;   /* the server sent an encrypted record (its certificate flight) */
    gboolean client_flight;   /* the client sent an encrypted record after the ServerHello */
    gboolean client_finished; /* ...one longer than an alert: its Finished (or data) */
    gboolean server_answered; /* the server then sent a record longer than an alert */
    gboolean short_record;    /* the last encrypted record had an alert's size... */
    ccesec_side short_record_side; /* ...and came from this side */
    gboolean complete;             /* handshake proven complete and accepted by both sides */
    ccesec_proof proof;
    gint64 complete_ms;   /* capture time of the proof */
    gboolean finished[2]; /* decrypted Finished by side */
    /* The handshake's fatal alert (before completion): alert_fatal/desc/sender */
    gboolean alert_fatal;
    guint8 alert_desc;
    ccesec_side alert_sender;
    gboolean encrypted_alert; /* an alert-size encrypted record, then a close, before completion */
    ccesec_side encrypted_alert_sender;
    ccesec_alert_fact post_alert; /* first fatal alert after completion */
    gboolean fin[2];              /* FIN by side */
    gboolean rst[2];              /* RST by side */
    gboolean closed;              /* first FIN or RST seen */
    ccesec_side first_closer;
    gboolean flight_seen;           /* a handshake record before completion... */
    ccesec_side last_flight_side;   /* ...and who sent the latest */
    gboolean closer_sent_last;      /* the first closer had sent the latest flight: it was not
                                       refusing what it received (it may have given up) */
    gboolean cert_request;          /* server sent CertificateRequest */
    gboolean client_cert_empty;     /* client answered the request with no certificate */
    const ccesec_cert *server_cert; /* NULL when not seen (TLS 1.3 without keys, resumption) */
    const ccesec_cert *client_cert;
    gboolean server_cert_unparsed; /* a certificate was seen but could not be parsed */
    gboolean tls_undecoded;        /* TLS record bytes that Wireshark decoded as something else (TLS
                                      on 5060, a port it gives to SIP) */
    /* Resumption */
    gboolean resumed;     /* abbreviated handshake (session ID, ticket) or TLS 1.3 PSK */
    guint32 resumed_from; /* connection number of the full handshake, 0 = not identified */
    /* What the capture lacks */
    gboolean disorder;         /* segments out of order or missing before the handshake completed */
    gboolean segments_missing; /* data never captured (a gap, or data acknowledged unseen) */
    guint32 missing_bytes;
    guint32 cut_frames; /* frames cut by a snap length (counted up to G_MAXUINT32) */
    guint32 snaplen;    /* captured length of the first cut frame */
    gboolean at_end;    /* the whole capture has been read: nothing more will come */
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
    CCESEC_FIND_ENCRYPTED_ALERT,  /* TLS 1.3 (or post-CCS) alert, encrypted, then a close */
    CCESEC_FIND_ABORTED,          /* fatal alert after the handshake completed */
    CCESEC_FIND_RESUMED,          /* resumed from a handshake not identified in the capture */
    CCESEC_FIND_CUT_FRAMES,       /* frames cut by a snap length */
    CCESEC_FIND_SEGMENTS_MISSING, /* TCP data the capture lacks */
    CCESEC_FIND_COUNT
} ccesec_finding_code;

#define CCESEC_TEXT_MAX     512
#define CCESEC_FINDINGS_MAX 12

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

/* TRUE once the TLS handshake is proven complete and accepted by both sides (the rules per
 * version are in tracker.c). */
gboolean ccesec_handshake_complete(const ccesec_conn_facts *facts);

/* The verdict for the connection as seen so far. now = packet time (Unix seconds) for the
 * certificate validity checks. Messages name the leg, both roles and addresses, the
 * evidence, and what to change on which component. */
void ccesec_evaluate(const ccesec_conn_facts *facts, const ccesec_peers *peers,
                     const ccesec_policy *policy, gint64 now, ccesec_verdict *out);

/* The same decision without the sentences: status, severity, completion and the findings'
 * codes and severities, with every text "". A tenth of ccesec_evaluate's cost: the plugin
 * judges each change of facts this way and writes the texts only when something shows them
 * (a tree, an expert item, the table). */
void ccesec_judge(const ccesec_conn_facts *facts, const ccesec_peers *peers,
                  const ccesec_policy *policy, gint64 now, ccesec_verdict *out);

G_END_DECLS

#endif
