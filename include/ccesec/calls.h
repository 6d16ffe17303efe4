/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Calls across legs, and whether their media keys stay secret. Pure logic (GLib only).
 *
 * A leg is one SIP dialog (a Call-ID) on one signalling connection. Legs group into calls by
 * Cisco-Guid (normalised to 32 hex digits), else the GUCID CVP puts in its Call-ID, else the
 * RFC 7989 Session-ID. A leg whose identifiers match no call (CUCM starts a new GUID towards
 * the phone) joins a call only on evidence in the capture: its SDP names a media address and
 * port that a live leg of that call also names, its Replaces header names a dialog of that
 * call, or its Referred-By names the referrer of a REFER seen in that call and in no other
 * (a Diversion names a number that several calls may share: it joins nothing). Never by
 * timing. Memory is bounded: at most max_calls calls, CCESEC_CALL_MAX_LEGS legs
 * per call, and four legs per call on average.
 */
#ifndef CCESEC_CALLS_H
#define CCESEC_CALLS_H

#include <glib.h>
#include "ccesec/sip_msg.h"

G_BEGIN_DECLS

#define CCESEC_CALL_ID_MAX   (CCESEC_SIP_TOKEN_MAX + 16)
#define CCESEC_CALL_MAX_LEGS 16
#define CCESEC_JOIN_TEXT_MAX 128

/* 32 upper-case hex digits from a Cisco-Guid in any of its forms: four decimal words
 * ("1234567890-2345678901-3456789012-4567890123", as CUBE writes it) or 32 hex digits with
 * or without separators or a 0x prefix. FALSE when it is neither. */
gboolean ccesec_guid_normalise(const char *raw, char out[33]);
/* The GUCID of a Call-ID whose part before '@' is a GUID in hex form (CVP's Call-IDs). */
gboolean ccesec_gucid_from_call_id(const char *call_id, char out[33]);
/* The originating UUID of an RFC 7989 Session-ID (lower case), for a request its own UUID,
 * for a response the remote one; FALSE when absent or the null UUID. */
gboolean ccesec_session_uuid(const char *raw, gboolean is_request, char out[33]);

typedef enum {
    CCESEC_CALL_BY_GUID = 0, /* Cisco-Guid */
    CCESEC_CALL_BY_GUCID,    /* GUCID in CVP's Call-ID */
    CCESEC_CALL_BY_SESSION,  /* RFC 7989 Session-ID */
    CCESEC_CALL_BY_CALL_ID   /* nothing better: one dialog */
} ccesec_call_key_source;
/* "Cisco-Guid", "GUCID in Call-ID", "Session-ID", "Call-ID" */
const char *ccesec_call_key_source_name(ccesec_call_key_source source);

typedef struct {
    guint16 port;
    ccesec_media_proto proto;
    ccesec_addr addr;
    guint n_crypto; /* a=crypto lines over every m= line of this side's SDP */
    char crypto_suite[CCESEC_CRYPTO_SUITE_MAX]; /* first suite, "" when none */
} ccesec_leg_media;

typedef struct {
    guint32 conn; /* the glue's connection number */
    char call_id[CCESEC_SIP_TOKEN_MAX];
    guint call; /* the call it was created in; ccesec_calls_root() gives its call now */
    ccesec_leg_media media[2]; /* [0]: SDP sent by the connection's client, [1]: server */
    gboolean has_sdp[2];
    gboolean client_offered; /* the first SDP came from the client */
    guint crypto_lines;      /* a=crypto lines in any SDP of this leg */
    guint64 media_packets;   /* packets seen between the two SDP addresses */
    gboolean ended;          /* BYE or CANCEL seen */
    gboolean referred_by, diversion;
    char joined_by[CCESEC_JOIN_TEXT_MAX]; /* why it joined its call, "" when by its id */
    double first_seen, last_seen;
    char first_method[CCESEC_SIP_METHOD_MAX];
} ccesec_call_leg;

typedef struct {
    char id[CCESEC_CALL_ID_MAX]; /* the value of ccesec.call */
    ccesec_call_key_source source;
    guint parent; /* itself while the call stands alone; the call it joined otherwise */
    guint legs[CCESEC_CALL_MAX_LEGS]; /* leg indexes in the order the call crossed them */
    guint n_legs;
    guint legs_dropped; /* legs past CCESEC_CALL_MAX_LEGS */
    double first_seen, last_seen;
} ccesec_call;

typedef struct ccesec_calls ccesec_calls;

ccesec_calls *ccesec_calls_new(guint max_calls);
void ccesec_calls_free(ccesec_calls *calls);

/* Folds one SIP message sent on connection conn (from its client or server side) at time t.
 * Returns the index of its leg, or -1 when it belongs to no call (OPTIONS, REGISTER, an
 * unanswered out-of-dialog request) or the limits are reached. */
gint ccesec_calls_add_message(ccesec_calls *calls, const ccesec_sip_msg *msg, guint32 conn,
                              gboolean from_client, double t);

/* A UDP packet: when src and dst are the two SDP media addresses of a leg, counts it on every
 * such leg and returns one of them; -1 otherwise (one hash lookup). */
gint ccesec_calls_media_packet(ccesec_calls *calls, const ccesec_addr *src, guint16 src_port,
                               const ccesec_addr *dst, guint16 dst_port, double t);
/* TRUE once some SDP named a media address: only then are UDP packets looked up. */
gboolean ccesec_calls_expect_media(const ccesec_calls *calls);

guint ccesec_calls_count(const ccesec_calls *calls);    /* calls made, joined ones included */
guint ccesec_calls_standing(const ccesec_calls *calls); /* calls after joins */
guint ccesec_calls_leg_count(const ccesec_calls *calls);
guint ccesec_calls_dropped(const ccesec_calls *calls); /* dialogs not followed (limits) */
const ccesec_call *ccesec_calls_get(const ccesec_calls *calls, guint call);
const ccesec_call_leg *ccesec_calls_leg(const ccesec_calls *calls, guint leg);
/* The call a call (or a leg's call) belongs to now, after joins. */
guint ccesec_calls_root(const ccesec_calls *calls, guint call);

/* ---- Media rules ---- */

typedef enum {
    CCESEC_SIG_UNKNOWN = 0,
    CCESEC_SIG_CLEAR,       /* SIP over UDP or TCP */
    CCESEC_SIG_NULL_CIPHER, /* TLS that encrypts nothing */
    CCESEC_SIG_TLS          /* TLS with encryption */
} ccesec_sig_protection;

/* What the glue knows of the connection a leg runs on. */
typedef struct {
    ccesec_sig_protection protection;
    gboolean secure;     /* its status is secure */
    gboolean unverified; /* its status is unverified or pending */
    const char *leg;     /* "CUBE-CVP" */
} ccesec_leg_signalling;

/* Weakest first: a call's verdict is the lowest of its legs'. */
typedef enum {
    CCESEC_CALL_KEYS_EXPOSED = 0,
    CCESEC_CALL_NOT_SECURE, /* a signalling leg is not secure */
    CCESEC_CALL_MEDIA_CLEAR,
    CCESEC_CALL_UNVERIFIED,
    CCESEC_CALL_SECURE
} ccesec_call_verdict;
/* "keys-exposed", "not-secure", "media-not-encrypted", "unverified", "secure" */
const char *ccesec_call_verdict_name(ccesec_call_verdict verdict);

typedef enum {
    CCESEC_MEDIA_FIND_KEYS_EXPOSED = 0, /* error */
    CCESEC_MEDIA_FIND_NOT_ENCRYPTED,    /* warning */
    CCESEC_MEDIA_FIND_SRTP,             /* chat */
    CCESEC_MEDIA_FIND_COUNT
} ccesec_media_finding;

#define CCESEC_CALL_TEXT_MAX 320

typedef struct {
    ccesec_call_verdict verdict;
    guint32 findings;                /* bit n: ccesec_media_finding n */
    ccesec_media_proto proto;        /* the answer's transport, else the offer's */
    char text[CCESEC_CALL_TEXT_MAX]; /* one sentence on the leg's media */
} ccesec_leg_verdict;

void ccesec_leg_evaluate(const ccesec_call_leg *leg, const ccesec_leg_signalling *sig,
                         ccesec_leg_verdict *out);
/* "RTP/SAVP AES_CM_128_HMAC_SHA1_80, 12 packets" and the like. */
void ccesec_leg_media_text(const ccesec_call_leg *leg, char *out, gsize out_len);
/* The address text of a media side, "198.18.133.226:16384" or "[2001:db8::1]:16384". */
void ccesec_media_endpoint_text(const ccesec_leg_media *media, char *out, gsize out_len);

G_END_DECLS

#endif
