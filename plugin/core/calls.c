/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Grouping SIP dialogs into calls, and the media rules of each leg. See ccesec/calls.h.
 */
#include "ccesec/calls.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define MEDIA_KEY_LEN         20 /* family, 16 address bytes, port (2), padding */
#define LEGS_PER_ENDPOINT     8  /* legs naming one media address: the rest are not counted */
#define AVERAGE_LEGS_PER_CALL 4

typedef struct {
    guint n;
    guint legs[LEGS_PER_ENDPOINT];
} endpoint_legs;

struct ccesec_calls {
    guint max_calls, max_legs;
    GArray *calls;              /* ccesec_call */
    GArray *legs;               /* ccesec_call_leg */
    GHashTable *call_by_key;    /* call id text -> call index + 1 */
    GHashTable *leg_by_dialog;  /* "conn|Call-ID" -> leg index + 1 */
    GHashTable *leg_by_call_id; /* Call-ID -> first leg index + 1 (for Replaces) */
    GHashTable *referrers;      /* Referred-By URI of a REFER -> call + 1, 0: several calls */
    GHashTable *media;          /* media key -> endpoint_legs */
    guint dropped;
    guint joined; /* calls that joined another */
};

/* ---- Identifiers ---- */

static int hex_value(char c)
{
    return g_ascii_isxdigit(c) ? g_ascii_xdigit_value(c) : -1;
}

/* Four decimal words separated by '-': CUBE's Cisco-Guid. */
static gboolean guid_from_decimal(const char *raw, char out[33])
{
    guint64 words[4];
    const char *p = raw;
    for (int w = 0; w < 4; w++) {
        if (!g_ascii_isdigit(*p))
            return FALSE;
        guint64 value = 0;
        int digits = 0;
        for (; g_ascii_isdigit(*p); p++, digits++) {
            value = value * 10 + (guint64)(*p - '0');
            if (digits >= 10 || value > G_MAXUINT32)
                return FALSE;
        }
        words[w] = value;
        if (w < 3 && *p++ != '-')
            return FALSE;
    }
    if (*p != '\0')
        return FALSE;
    g_snprintf(out, 33, "%08X%08X%08X%08X", (guint)words[0], (guint)words[1], (guint)words[2],
               (guint)words[3]);
    return TRUE;
}

/* 32 hex digits, separators '-', ' ' or ':' allowed, an optional 0x prefix. */
static gboolean guid_from_hex(const char *raw, gsize len, char out[33])
{
    gsize n = 0;
    gsize i = 0;
    if (len >= 2 && raw[0] == '0' && (raw[1] == 'x' || raw[1] == 'X'))
        i = 2;
    for (; i < len; i++) {
        if (raw[i] == '-' || raw[i] == ' ' || raw[i] == ':')
            continue;
        if (hex_value(raw[i]) < 0 || n >= 32)
            return FALSE;
        out[n++] = g_ascii_toupper(raw[i]);
    }
    out[n] = '\0';
    return n == 32;
}

gboolean ccesec_guid_normalise(const char *raw, char out[33])
{
    if (!raw || !*raw)
        return FALSE;
    return guid_from_decimal(raw, out) || guid_from_hex(raw, strlen(raw), out);
}

gboolean ccesec_gucid_from_call_id(const char *call_id, char out[33])
{
    if (!call_id)
        return FALSE;
    const char *at = strchr(call_id, '@');
    gsize len = at ? (gsize)(at - call_id) : strlen(call_id);
    /* Only the hex form with its dashes or none: a random Call-ID of 32 hex digits would
     * still name only its own dialog. */
    return guid_from_hex(call_id, len, out);
}

static gboolean uuid_at(const char *p, gsize len, char out[33])
{
    if (len != 32)
        return FALSE;
    gboolean all_zero = TRUE;
    for (gsize i = 0; i < 32; i++) {
        if (hex_value(p[i]) < 0)
            return FALSE;
        all_zero &= p[i] == '0';
        out[i] = g_ascii_tolower(p[i]);
    }
    out[32] = '\0';
    return !all_zero;
}

gboolean ccesec_session_uuid(const char *raw, gboolean is_request, char out[33])
{
    if (!raw)
        return FALSE;
    while (*raw == ' ')
        raw++;
    gsize local_len = strcspn(raw, "; ");
    gboolean local_ok = uuid_at(raw, local_len, out);
    if (is_request)
        return local_ok;
    /* In a response the originator's UUID is the remote parameter. */
    const char *remote = strstr(raw, "remote=");
    if (remote) {
        remote += strlen("remote=");
        char theirs[33];
        if (uuid_at(remote, strcspn(remote, "; "), theirs)) {
            memcpy(out, theirs, 33);
            return TRUE;
        }
    }
    return local_ok;
}

const char *ccesec_call_key_source_name(ccesec_call_key_source source)
{
    switch (source) {
    case CCESEC_CALL_BY_GUID:
        return "Cisco-Guid";
    case CCESEC_CALL_BY_GUCID:
        return "GUCID in Call-ID";
    case CCESEC_CALL_BY_SESSION:
        return "Session-ID";
    case CCESEC_CALL_BY_CALL_ID:
        break;
    }
    return "Call-ID";
}

/* The call id of a message, from the strongest identifier it carries. */
static ccesec_call_key_source message_key(const ccesec_sip_msg *msg, char out[CCESEC_CALL_ID_MAX])
{
    char id[33];
    if (ccesec_guid_normalise(msg->cisco_guid, id)) {
        g_strlcpy(out, id, CCESEC_CALL_ID_MAX);
        return CCESEC_CALL_BY_GUID;
    }
    if (msg->cisco_guid[0]) {
        /* A form we do not know: its text still names the call wherever it is repeated. */
        g_snprintf(out, CCESEC_CALL_ID_MAX, "guid:%s", msg->cisco_guid);
        return CCESEC_CALL_BY_GUID;
    }
    if (ccesec_gucid_from_call_id(msg->call_id, id)) {
        g_strlcpy(out, id, CCESEC_CALL_ID_MAX);
        return CCESEC_CALL_BY_GUCID;
    }
    if (ccesec_session_uuid(msg->session_id, msg->is_request, id)) {
        g_snprintf(out, CCESEC_CALL_ID_MAX, "session:%s", id);
        return CCESEC_CALL_BY_SESSION;
    }
    g_snprintf(out, CCESEC_CALL_ID_MAX, "call-id:%s", msg->call_id);
    return CCESEC_CALL_BY_CALL_ID;
}

/* ---- The store ---- */

static guint media_key_hash(gconstpointer key)
{
    const guint8 *bytes = (const guint8 *)key;
    guint hash = 2166136261u; /* FNV-1a */
    for (guint i = 0; i < MEDIA_KEY_LEN; i++)
        hash = (hash ^ bytes[i]) * 16777619u;
    return hash;
}

static gboolean media_key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, MEDIA_KEY_LEN) == 0;
}

ccesec_calls *ccesec_calls_new(guint max_calls)
{
    ccesec_calls *calls = g_new0(ccesec_calls, 1);
    calls->max_calls = MAX(max_calls, 1u);
    calls->max_legs = calls->max_calls * AVERAGE_LEGS_PER_CALL;
    calls->calls = g_array_new(FALSE, TRUE, sizeof(ccesec_call));
    calls->legs = g_array_new(FALSE, TRUE, sizeof(ccesec_call_leg));
    calls->call_by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    calls->leg_by_dialog = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    calls->leg_by_call_id = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    calls->referrers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    calls->media = g_hash_table_new_full(media_key_hash, media_key_equal, g_free, g_free);
    return calls;
}

void ccesec_calls_free(ccesec_calls *calls)
{
    if (!calls)
        return;
    g_array_free(calls->calls, TRUE);
    g_array_free(calls->legs, TRUE);
    g_hash_table_destroy(calls->call_by_key);
    g_hash_table_destroy(calls->leg_by_dialog);
    g_hash_table_destroy(calls->leg_by_call_id);
    g_hash_table_destroy(calls->referrers);
    g_hash_table_destroy(calls->media);
    g_free(calls);
}

guint ccesec_calls_count(const ccesec_calls *calls)
{
    return calls->calls->len;
}

guint ccesec_calls_standing(const ccesec_calls *calls)
{
    return calls->calls->len - calls->joined;
}

guint ccesec_calls_leg_count(const ccesec_calls *calls)
{
    return calls->legs->len;
}

guint ccesec_calls_dropped(const ccesec_calls *calls)
{
    return calls->dropped;
}

const ccesec_call *ccesec_calls_get(const ccesec_calls *calls, guint call)
{
    return call < calls->calls->len ? &g_array_index(calls->calls, ccesec_call, call) : NULL;
}

const ccesec_call_leg *ccesec_calls_leg(const ccesec_calls *calls, guint leg)
{
    return leg < calls->legs->len ? &g_array_index(calls->legs, ccesec_call_leg, leg) : NULL;
}

static ccesec_call *call_at(ccesec_calls *calls, guint call)
{
    return &g_array_index(calls->calls, ccesec_call, call);
}

static ccesec_call_leg *leg_at(ccesec_calls *calls, guint leg)
{
    return &g_array_index(calls->legs, ccesec_call_leg, leg);
}

guint ccesec_calls_root(const ccesec_calls *calls, guint call)
{
    /* A joined call points at an older one, so the walk ends; joins are rare and short. */
    for (guint steps = 0; call < calls->calls->len && steps < calls->calls->len; steps++) {
        guint parent = g_array_index(calls->calls, ccesec_call, call).parent;
        if (parent == call)
            break;
        call = parent;
    }
    return call;
}

static gint find_or_make_call(ccesec_calls *calls, const char *key, ccesec_call_key_source source,
                              double t)
{
    gpointer found = g_hash_table_lookup(calls->call_by_key, key);
    if (found)
        return (gint)ccesec_calls_root(calls, GPOINTER_TO_UINT(found) - 1);
    if (calls->calls->len >= calls->max_calls)
        return -1;
    ccesec_call call;
    memset(&call, 0, sizeof call);
    g_strlcpy(call.id, key, sizeof call.id);
    call.source = source;
    call.parent = calls->calls->len;
    call.first_seen = call.last_seen = t;
    g_array_append_val(calls->calls, call);
    g_hash_table_insert(calls->call_by_key, g_strdup(key), GUINT_TO_POINTER(calls->calls->len));
    return (gint)calls->calls->len - 1;
}

static void add_leg_to_call(ccesec_call *call, guint leg)
{
    if (call->n_legs < CCESEC_CALL_MAX_LEGS)
        call->legs[call->n_legs++] = leg;
    else
        call->legs_dropped++;
}

/* Methods that open or belong to a call; OPTIONS, REGISTER, SUBSCRIBE... make no leg. */
static gboolean is_call_method(const char *method)
{
    static const char *const methods[] = {"INVITE", "ACK",   "BYE",  "CANCEL",
                                          "UPDATE", "PRACK", "INFO", "REFER"};
    for (guint i = 0; i < G_N_ELEMENTS(methods); i++)
        if (strcmp(method, methods[i]) == 0)
            return TRUE;
    return FALSE;
}

static gint make_leg(ccesec_calls *calls, const ccesec_sip_msg *msg, const char *dialog_key,
                     guint32 conn, double t)
{
    if (calls->legs->len >= calls->max_legs) {
        calls->dropped++;
        return -1;
    }
    char key[CCESEC_CALL_ID_MAX];
    ccesec_call_key_source source = message_key(msg, key);
    gint call = find_or_make_call(calls, key, source, t);
    if (call < 0) {
        calls->dropped++;
        return -1;
    }
    ccesec_call_leg leg;
    memset(&leg, 0, sizeof leg);
    leg.conn = conn;
    g_strlcpy(leg.call_id, msg->call_id, sizeof leg.call_id);
    leg.call = (guint)call;
    leg.first_seen = leg.last_seen = t;
    g_strlcpy(leg.first_method, msg->is_request ? msg->method : msg->cseq_method,
              sizeof leg.first_method);
    g_array_append_val(calls->legs, leg);
    guint index = calls->legs->len - 1;
    add_leg_to_call(call_at(calls, (guint)call), index);
    g_hash_table_insert(calls->leg_by_dialog, g_strdup(dialog_key), GUINT_TO_POINTER(index + 1));
    if (!g_hash_table_contains(calls->leg_by_call_id, msg->call_id))
        g_hash_table_insert(calls->leg_by_call_id, g_strdup(msg->call_id),
                            GUINT_TO_POINTER(index + 1));
    return (gint)index;
}

/* The joined call's legs move to the older call, which keeps its id. */
static void join_calls(ccesec_calls *calls, guint a, guint b, const char *why)
{
    a = ccesec_calls_root(calls, a);
    b = ccesec_calls_root(calls, b);
    if (a == b)
        return;
    guint keep = MIN(a, b), gone = MAX(a, b);
    ccesec_call *kept = call_at(calls, keep), *joined = call_at(calls, gone);
    for (guint i = 0; i < joined->n_legs; i++) {
        ccesec_call_leg *leg = leg_at(calls, joined->legs[i]);
        if (!leg->joined_by[0])
            g_strlcpy(leg->joined_by, why, sizeof leg->joined_by);
        add_leg_to_call(kept, joined->legs[i]);
    }
    kept->legs_dropped += joined->legs_dropped;
    kept->first_seen = MIN(kept->first_seen, joined->first_seen);
    kept->last_seen = MAX(kept->last_seen, joined->last_seen);
    joined->n_legs = 0;
    joined->legs_dropped = 0;
    joined->parent = keep;
    calls->joined++;
}

/* ---- Media addresses ---- */

/* Filled on the stack: a media packet's lookup allocates nothing. */
static void media_key(guint8 key[MEDIA_KEY_LEN], const ccesec_addr *addr, guint16 port)
{
    memset(key, 0, MEDIA_KEY_LEN);
    key[0] = addr->family;
    memcpy(key + 1, addr->bytes, 16);
    key[17] = (guint8)(port >> 8);
    key[18] = (guint8)(port & 0xff);
}

static gboolean is_multicast(const ccesec_addr *addr)
{
    return (addr->family == 4 && (addr->bytes[0] & 0xf0) == 0xe0) ||
           (addr->family == 6 && addr->bytes[0] == 0xff);
}

static gboolean media_usable(const ccesec_leg_media *media)
{
    return media->port != 0 && media->addr.family != 0;
}

void ccesec_media_endpoint_text(const ccesec_leg_media *media, char *out, gsize out_len)
{
    char text[INET6_ADDRSTRLEN] = "";
    if (media->addr.family == 4)
        inet_ntop(AF_INET, media->addr.bytes, text, sizeof text);
    else if (media->addr.family == 6)
        inet_ntop(AF_INET6, media->addr.bytes, text, sizeof text);
    if (media->addr.family == 6)
        g_snprintf(out, out_len, "[%s]:%u", text, media->port);
    else
        g_snprintf(out, out_len, "%s:%u", text[0] ? text : "?", media->port);
}

/* A SDP side of a leg names this address: join the live legs of other calls naming it too,
 * then remember it for the media packets. */
static void note_media_address(ccesec_calls *calls, guint leg_index)
{
    ccesec_call_leg *leg = leg_at(calls, leg_index);
    for (int side = 0; side < 2; side++) {
        const ccesec_leg_media *media = &leg->media[side];
        if (!leg->has_sdp[side] || !media_usable(media) || is_multicast(&media->addr))
            continue;
        guint8 key[MEDIA_KEY_LEN];
        media_key(key, &media->addr, media->port);
        endpoint_legs *known = (endpoint_legs *)g_hash_table_lookup(calls->media, key);
        if (!known) {
            known = g_new0(endpoint_legs, 1);
            g_hash_table_insert(calls->media, g_memdup2(key, MEDIA_KEY_LEN), known);
        }
        gboolean listed = FALSE;
        for (guint i = 0; i < known->n; i++) {
            const ccesec_call_leg *other = leg_at(calls, known->legs[i]);
            listed |= known->legs[i] == leg_index;
            if (known->legs[i] == leg_index || other->ended)
                continue;
            char why[CCESEC_JOIN_TEXT_MAX], where[64];
            ccesec_media_endpoint_text(media, where, sizeof where);
            g_snprintf(why, sizeof why, "media address %s, also in the SDP of connection %u", where,
                       other->conn);
            join_calls(calls, other->call, leg->call, why);
        }
        if (!listed && known->n < LEGS_PER_ENDPOINT)
            known->legs[known->n++] = leg_index;
    }
}

gboolean ccesec_calls_expect_media(const ccesec_calls *calls)
{
    return calls && g_hash_table_size(calls->media) > 0;
}

static gboolean same_endpoint(const ccesec_leg_media *media, const ccesec_addr *addr, guint16 port)
{
    return media->port == port && memcmp(&media->addr, addr, sizeof *addr) == 0;
}

gint ccesec_calls_media_packet(ccesec_calls *calls, const ccesec_addr *src, guint16 src_port,
                               const ccesec_addr *dst, guint16 dst_port, double t)
{
    guint8 key[MEDIA_KEY_LEN];
    media_key(key, src, src_port);
    const endpoint_legs *known = (const endpoint_legs *)g_hash_table_lookup(calls->media, key);
    gint found = -1;
    for (guint i = 0; known && i < known->n; i++) {
        ccesec_call_leg *leg = leg_at(calls, known->legs[i]);
        if (!leg->has_sdp[0] || !leg->has_sdp[1])
            continue;
        gboolean forward = same_endpoint(&leg->media[0], src, src_port) &&
                           same_endpoint(&leg->media[1], dst, dst_port);
        gboolean backward = same_endpoint(&leg->media[1], src, src_port) &&
                            same_endpoint(&leg->media[0], dst, dst_port);
        if (!forward && !backward)
            continue;
        leg->media_packets++;
        ccesec_call *call = call_at(calls, ccesec_calls_root(calls, leg->call));
        call->last_seen = MAX(call->last_seen, t);
        if (found < 0)
            found = (gint)known->legs[i];
    }
    return found;
}

/* ---- Messages ---- */

static void take_sdp(ccesec_call_leg *leg, const ccesec_sip_msg *msg, gboolean from_client)
{
    ccesec_sdp sdp;
    if (!msg->body_is_sdp || !ccesec_sdp_parse(msg->body, msg->body_len, &sdp))
        return;
    int side = from_client ? 0 : 1;
    ccesec_leg_media *media = &leg->media[side];
    memset(media, 0, sizeof *media);
    const ccesec_sdp_media *chosen = NULL;
    for (guint i = 0; i < sdp.n_media; i++) {
        media->n_crypto += sdp.media[i].n_crypto;
        if (!chosen && sdp.media[i].port != 0)
            chosen = &sdp.media[i];
    }
    if (!chosen)
        chosen = &sdp.media[0];
    media->port = chosen->port;
    media->proto = chosen->proto;
    media->addr = chosen->addr;
    if (chosen->n_crypto)
        g_strlcpy(media->crypto_suite, chosen->crypto_suite[0], sizeof media->crypto_suite);
    if (!leg->has_sdp[0] && !leg->has_sdp[1])
        leg->client_offered = from_client;
    leg->has_sdp[side] = TRUE;
    leg->crypto_lines += media->n_crypto;
}

/* A REFER names its referrer; the INVITE it causes carries the same Referred-By. The URI
 * joins only when one call alone sent a REFER with it: a shared referrer proves nothing. */
static void note_referral(ccesec_calls *calls, const ccesec_sip_msg *msg, guint leg_index)
{
    const char *uri = msg->referred_by_uri;
    if (!uri[0] || !msg->is_request)
        return;
    ccesec_call_leg *leg = leg_at(calls, leg_index);
    guint call = ccesec_calls_root(calls, leg->call);
    gpointer found = NULL;
    gboolean known = g_hash_table_lookup_extended(calls->referrers, uri, NULL, &found);
    if (strcmp(msg->method, "REFER") == 0) {
        if (!known && g_hash_table_size(calls->referrers) < calls->max_calls)
            g_hash_table_insert(calls->referrers, g_strdup(uri), GUINT_TO_POINTER(call + 1));
        else if (known && GPOINTER_TO_UINT(found) != 0 &&
                 ccesec_calls_root(calls, GPOINTER_TO_UINT(found) - 1) != call)
            g_hash_table_insert(calls->referrers, g_strdup(uri), GUINT_TO_POINTER(0));
        return;
    }
    if (strcmp(msg->method, "INVITE") != 0 || !known || GPOINTER_TO_UINT(found) == 0)
        return;
    char why[CCESEC_JOIN_TEXT_MAX];
    g_snprintf(why, sizeof why, "Referred-By %s, the referrer of a REFER in that call", uri);
    join_calls(calls, GPOINTER_TO_UINT(found) - 1, leg->call, why);
}

gint ccesec_calls_add_message(ccesec_calls *calls, const ccesec_sip_msg *msg, guint32 conn,
                              gboolean from_client, double t)
{
    if (!calls || !msg || !msg->call_id[0])
        return -1;
    char *dialog_key = g_strdup_printf("%u|%s", conn, msg->call_id);
    gpointer found = g_hash_table_lookup(calls->leg_by_dialog, dialog_key);
    gint index = -1;
    const char *method = msg->is_request ? msg->method : msg->cseq_method;
    if (found)
        index = (gint)GPOINTER_TO_UINT(found) - 1;
    else if (is_call_method(method))
        index = make_leg(calls, msg, dialog_key, conn, t);
    g_free(dialog_key);
    if (index < 0)
        return -1;
    ccesec_call_leg *leg = leg_at(calls, (guint)index);
    leg->last_seen = t;
    leg->referred_by |= msg->referred_by;
    leg->diversion |= msg->diversion;
    if (msg->is_request && (strcmp(msg->method, "BYE") == 0 || strcmp(msg->method, "CANCEL") == 0))
        leg->ended = TRUE;
    ccesec_call *call = call_at(calls, ccesec_calls_root(calls, leg->call));
    call->last_seen = MAX(call->last_seen, t);
    if (msg->replaces_call_id[0]) {
        gpointer replaced = g_hash_table_lookup(calls->leg_by_call_id, msg->replaces_call_id);
        if (replaced && GPOINTER_TO_UINT(replaced) - 1 != (guint)index) {
            const ccesec_call_leg *other = leg_at(calls, GPOINTER_TO_UINT(replaced) - 1);
            char why[CCESEC_JOIN_TEXT_MAX];
            g_snprintf(why, sizeof why, "Replaces names its dialog on connection %u", other->conn);
            join_calls(calls, other->call, leg->call, why);
        }
    }
    note_referral(calls, msg, (guint)index);
    if (msg->body_is_sdp && !leg->ended) {
        take_sdp(leg, msg, from_client);
        note_media_address(calls, (guint)index);
    }
    return index;
}

/* ---- Media rules ---- */

const char *ccesec_call_verdict_name(ccesec_call_verdict verdict)
{
    switch (verdict) {
    case CCESEC_CALL_KEYS_EXPOSED:
        return "keys-exposed";
    case CCESEC_CALL_NOT_SECURE:
        return "not-secure";
    case CCESEC_CALL_MEDIA_CLEAR:
        return "media-not-encrypted";
    case CCESEC_CALL_UNVERIFIED:
        return "unverified";
    case CCESEC_CALL_SECURE:
        break;
    }
    return "secure";
}

/* The transport the call settled on: the answer's, else the offer's. */
static ccesec_media_proto settled_proto(const ccesec_call_leg *leg)
{
    int offer = leg->client_offered ? 0 : 1;
    if (leg->has_sdp[1 - offer])
        return leg->media[1 - offer].proto;
    return leg->has_sdp[offer] ? leg->media[offer].proto : CCESEC_MEDIA_NONE;
}

void ccesec_leg_media_text(const ccesec_call_leg *leg, char *out, gsize out_len)
{
    ccesec_media_proto proto = settled_proto(leg);
    if (proto == CCESEC_MEDIA_NONE) {
        g_strlcpy(out, "no SDP", out_len);
        return;
    }
    const char *suite =
        leg->media[0].crypto_suite[0] ? leg->media[0].crypto_suite : leg->media[1].crypto_suite;
    char ends[2][64];
    for (int side = 0; side < 2; side++) {
        if (leg->has_sdp[side])
            ccesec_media_endpoint_text(&leg->media[side], ends[side], sizeof ends[side]);
        else
            g_strlcpy(ends[side], "?", sizeof ends[side]);
    }
    g_snprintf(out, out_len, "%s%s%s %s <-> %s, %" G_GUINT64_FORMAT " media packet%s",
               ccesec_media_proto_name(proto), suite[0] ? " " : "", suite, ends[0], ends[1],
               leg->media_packets, leg->media_packets == 1 ? "" : "s");
}

static ccesec_call_verdict signalling_verdict(const ccesec_leg_signalling *sig)
{
    if (sig->secure)
        return CCESEC_CALL_SECURE;
    return sig->unverified ? CCESEC_CALL_UNVERIFIED : CCESEC_CALL_NOT_SECURE;
}

void ccesec_leg_evaluate(const ccesec_call_leg *leg, const ccesec_leg_signalling *sig,
                         ccesec_leg_verdict *out)
{
    const char *name = sig->leg ? sig->leg : "this leg";
    gboolean in_clear =
        sig->protection == CCESEC_SIG_CLEAR || sig->protection == CCESEC_SIG_NULL_CIPHER;
    memset(out, 0, sizeof *out);
    out->proto = settled_proto(leg);
    out->verdict = signalling_verdict(sig);
    if (leg->crypto_lines > 0 && in_clear) {
        out->verdict = CCESEC_CALL_KEYS_EXPOSED;
        out->findings |= 1u << CCESEC_MEDIA_FIND_KEYS_EXPOSED;
        g_snprintf(out->text, sizeof out->text,
                   "the SRTP keys of this call travel in clear on %s%s: anyone with this "
                   "capture can decrypt its audio; use SIP over TLS with encryption on %s",
                   name, sig->protection == CCESEC_SIG_NULL_CIPHER ? " (NULL cipher)" : "", name);
    } else if (out->proto == CCESEC_MEDIA_RTP_AVP) {
        out->verdict = MIN(out->verdict, CCESEC_CALL_MEDIA_CLEAR);
        if (sig->protection == CCESEC_SIG_TLS)
            out->findings |= 1u << CCESEC_MEDIA_FIND_NOT_ENCRYPTED;
        g_snprintf(out->text, sizeof out->text,
                   "the media of this call is RTP/AVP, not encrypted%s: anyone on its path can "
                   "listen; offer RTP/SAVP (SRTP) on %s",
                   sig->protection == CCESEC_SIG_TLS ? " although its signalling is TLS" : "",
                   name);
    } else if (out->proto == CCESEC_MEDIA_RTP_SAVP || out->proto == CCESEC_MEDIA_DTLS_SRTP) {
        out->findings |= 1u << CCESEC_MEDIA_FIND_SRTP;
        g_snprintf(out->text, sizeof out->text, "the media of this call is %s (SRTP)%s",
                   ccesec_media_proto_name(out->proto),
                   out->proto == CCESEC_MEDIA_DTLS_SRTP
                       ? ", keys from a DTLS handshake"
                       : ", its keys protected by TLS on this leg");
    } else if (out->proto == CCESEC_MEDIA_NONE) {
        g_strlcpy(out->text, "no SDP seen on this leg", sizeof out->text);
    } else {
        g_strlcpy(out->text, "media transport not recognised", sizeof out->text);
    }
}
