/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading one SIP message and its SDP body: the few facts that tie a dialog to a call
 * (Call-ID, Cisco-Guid, Session-ID, Replaces) and what its media offer or answer says
 * (transport, addresses, a=crypto suites). Pure logic, bounded: text from the wire is copied
 * into fixed buffers and never trusted to be terminated or well formed.
 */
#ifndef CCESEC_SIP_MSG_H
#define CCESEC_SIP_MSG_H

#include <glib.h>
#include "ccesec/roles.h"

G_BEGIN_DECLS

#define CCESEC_SIP_TOKEN_MAX  128
#define CCESEC_SIP_METHOD_MAX 16

typedef struct {
    gboolean is_request;
    char method[CCESEC_SIP_METHOD_MAX]; /* request method; "" in a response */
    guint status;                       /* response code; 0 in a request */
    char cseq_method[CCESEC_SIP_METHOD_MAX];
    char call_id[CCESEC_SIP_TOKEN_MAX];
    char cisco_guid[CCESEC_SIP_TOKEN_MAX];       /* raw header value */
    char session_id[CCESEC_SIP_TOKEN_MAX];       /* raw header value (with its parameters) */
    char replaces_call_id[CCESEC_SIP_TOKEN_MAX]; /* Call-ID named by Replaces */
    gboolean referred_by;
    char referred_by_uri[CCESEC_SIP_TOKEN_MAX]; /* the Referred-By URI, "" when none */
    gboolean diversion;                         /* Diversion or History-Info */
    const char *body;                           /* into the parsed text; NULL when there is none */
    gsize body_len;
    gboolean body_is_sdp;
} ccesec_sip_msg;

/* Parses a SIP message (start line, headers, body). FALSE when the start line is not SIP. */
gboolean ccesec_sip_msg_parse(const char *data, gsize len, ccesec_sip_msg *out);

/* ---- SDP ---- */

typedef enum {
    CCESEC_MEDIA_NONE = 0,  /* no SDP seen */
    CCESEC_MEDIA_RTP_AVP,   /* RTP/AVP, RTP/AVPF: plain RTP */
    CCESEC_MEDIA_RTP_SAVP,  /* RTP/SAVP, RTP/SAVPF: SRTP, keys in SDP (SDES a=crypto) */
    CCESEC_MEDIA_DTLS_SRTP, /* UDP/TLS/RTP/SAVP(F): SRTP, keys from a DTLS handshake */
    CCESEC_MEDIA_OTHER
} ccesec_media_proto;

/* "none", "RTP/AVP", "RTP/SAVP", "UDP/TLS/RTP/SAVP", "other" */
const char *ccesec_media_proto_name(ccesec_media_proto proto);

#define CCESEC_SDP_MAX_MEDIA    4
#define CCESEC_SDP_MAX_CRYPTO   4
#define CCESEC_CRYPTO_SUITE_MAX 40

typedef struct {
    guint16 port; /* 0: disabled stream */
    ccesec_media_proto proto;
    ccesec_addr addr; /* media c=, else session c=; family 0 when none */
    guint8 n_crypto;
    char crypto_suite[CCESEC_SDP_MAX_CRYPTO][CCESEC_CRYPTO_SUITE_MAX];
} ccesec_sdp_media;

typedef struct {
    guint8 n_media;
    ccesec_sdp_media media[CCESEC_SDP_MAX_MEDIA]; /* the first CCESEC_SDP_MAX_MEDIA m= lines */
} ccesec_sdp;

/* Parses an SDP body; FALSE when it holds no m= line. Lines past the limits are ignored. */
gboolean ccesec_sdp_parse(const char *data, gsize len, ccesec_sdp *out);

G_END_DECLS

#endif
