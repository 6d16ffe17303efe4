/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One SIP message and its SDP, read line by line from a bounded buffer. Only the facts that
 * group dialogs into calls and describe their media are kept; everything else is skipped.
 */
#include "ccesec/sip_msg.h"

#include <string.h>

/* A line of the input: [start, start + len), without its CR LF. */
typedef struct {
    const char *start;
    gsize len;
} line_t;

/* The next line from *pos; FALSE at the end of the input. */
static gboolean next_line(const char *data, gsize len, gsize *pos, line_t *line)
{
    if (*pos >= len)
        return FALSE;
    const char *start = data + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    gsize line_len = nl ? (gsize)(nl - start) : len - *pos;
    *pos += line_len + (nl ? 1 : 0);
    /* cppcheck-suppress knownConditionTrueFalse ; an empty line has nl == start */
    if (line_len > 0 && start[line_len - 1] == '\r')
        line_len--;
    line->start = start;
    line->len = line_len;
    return TRUE;
}

static void trim(line_t *text)
{
    while (text->len > 0 && (text->start[0] == ' ' || text->start[0] == '\t')) {
        text->start++;
        text->len--;
    }
    while (text->len > 0 &&
           (text->start[text->len - 1] == ' ' || text->start[text->len - 1] == '\t'))
        text->len--;
}

/* Copies text into a buffer of out_len bytes, truncated, control bytes replaced. */
static void copy_token(char *out, gsize out_len, const char *text, gsize len)
{
    gsize n = MIN(len, out_len - 1);
    for (gsize i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[n] = '\0';
}

static gboolean equals_nocase(const line_t *text, const char *word)
{
    gsize n = strlen(word);
    return text->len == n && g_ascii_strncasecmp(text->start, word, n) == 0;
}

static gboolean starts_nocase(const char *text, gsize len, const char *prefix)
{
    gsize n = strlen(prefix);
    return len >= n && g_ascii_strncasecmp(text, prefix, n) == 0;
}

/* "INVITE sip:x SIP/2.0" or "SIP/2.0 200 OK". */
static gboolean parse_start_line(const line_t *line, ccesec_sip_msg *out)
{
    if (starts_nocase(line->start, line->len, "SIP/2.0 ")) {
        guint code = 0;
        gsize i = 8;
        for (; i < line->len && i < 11 && g_ascii_isdigit(line->start[i]); i++)
            code = code * 10 + (guint)(line->start[i] - '0');
        if (i != 11 || code < 100)
            return FALSE;
        out->status = code;
        return TRUE;
    }
    const char *space = memchr(line->start, ' ', line->len);
    if (!space || space == line->start || line->len < 8 ||
        !starts_nocase(line->start + line->len - 8, 8, " SIP/2.0"))
        return FALSE;
    gsize method_len = (gsize)(space - line->start);
    for (gsize i = 0; i < method_len; i++)
        if (!g_ascii_isalpha(line->start[i]))
            return FALSE;
    out->is_request = TRUE;
    copy_token(out->method, sizeof out->method, line->start, method_len);
    return TRUE;
}

/* The value up to the first ';' (header parameters). */
static gsize before_params(const line_t *value)
{
    const char *semi = memchr(value->start, ';', value->len);
    return semi ? (gsize)(semi - value->start) : value->len;
}

/* The URI of a name-addr ("Name" <sip:x@y>;p=1) or of an addr-spec (sip:x@y;p=1). */
static void copy_uri(char *out, gsize out_len, const line_t *value)
{
    const char *lt = memchr(value->start, '<', value->len);
    if (lt) {
        gsize rest = value->len - (gsize)(lt + 1 - value->start);
        const char *gt = memchr(lt + 1, '>', rest);
        copy_token(out, out_len, lt + 1, gt ? (gsize)(gt - (lt + 1)) : rest);
        return;
    }
    copy_token(out, out_len, value->start, before_params(value));
}

static void parse_cseq(const line_t *value, ccesec_sip_msg *out)
{
    const char *space = memchr(value->start, ' ', value->len);
    if (!space)
        return;
    line_t method = {space + 1, value->len - (gsize)(space + 1 - value->start)};
    trim(&method);
    copy_token(out->cseq_method, sizeof out->cseq_method, method.start, method.len);
}

static void parse_header(const line_t *name, line_t *value, ccesec_sip_msg *out,
                         gsize *content_length, gboolean *has_length)
{
    trim(value);
    if (equals_nocase(name, "Call-ID") || equals_nocase(name, "i")) {
        copy_token(out->call_id, sizeof out->call_id, value->start, value->len);
    } else if (equals_nocase(name, "Cisco-Guid")) {
        copy_token(out->cisco_guid, sizeof out->cisco_guid, value->start, value->len);
    } else if (equals_nocase(name, "Session-ID")) {
        copy_token(out->session_id, sizeof out->session_id, value->start, value->len);
    } else if (equals_nocase(name, "Replaces")) {
        copy_token(out->replaces_call_id, sizeof out->replaces_call_id, value->start,
                   before_params(value));
    } else if (equals_nocase(name, "Referred-By") || equals_nocase(name, "b")) {
        out->referred_by = TRUE;
        copy_uri(out->referred_by_uri, sizeof out->referred_by_uri, value);
    } else if (equals_nocase(name, "Diversion") || equals_nocase(name, "History-Info")) {
        out->diversion = TRUE;
    } else if (equals_nocase(name, "CSeq")) {
        parse_cseq(value, out);
    } else if (equals_nocase(name, "Content-Type") || equals_nocase(name, "c")) {
        out->body_is_sdp = starts_nocase(value->start, value->len, "application/sdp") ||
                           starts_nocase(value->start, value->len, "multipart/");
    } else if (equals_nocase(name, "Content-Length") || equals_nocase(name, "l")) {
        gsize n = 0;
        gsize i = 0;
        for (; i < value->len && i < 9 && g_ascii_isdigit(value->start[i]); i++)
            n = n * 10 + (gsize)(value->start[i] - '0');
        *has_length = i > 0;
        *content_length = n;
    }
}

gboolean ccesec_sip_msg_parse(const char *data, gsize len, ccesec_sip_msg *out)
{
    memset(out, 0, sizeof *out);
    gsize pos = 0;
    line_t line;
    if (!data || !next_line(data, len, &pos, &line) || !parse_start_line(&line, out))
        return FALSE;
    gsize content_length = 0;
    gboolean has_length = FALSE;
    while (next_line(data, len, &pos, &line) && line.len > 0) {
        const char *colon = memchr(line.start, ':', line.len);
        if (!colon || line.start[0] == ' ' || line.start[0] == '\t')
            continue; /* a folded continuation or noise: nothing we need */
        line_t name = {line.start, (gsize)(colon - line.start)};
        line_t value = {colon + 1, line.len - name.len - 1};
        trim(&name);
        parse_header(&name, &value, out, &content_length, &has_length);
    }
    if (pos < len) {
        out->body = data + pos;
        out->body_len = has_length ? MIN(content_length, len - pos) : len - pos;
    }
    if (!out->body || out->body_len == 0) {
        out->body = NULL;
        out->body_len = 0;
        out->body_is_sdp = FALSE;
    }
    return TRUE;
}

/* ---- SDP ---- */

const char *ccesec_media_proto_name(ccesec_media_proto proto)
{
    switch (proto) {
    case CCESEC_MEDIA_NONE:
        return "none";
    case CCESEC_MEDIA_RTP_AVP:
        return "RTP/AVP";
    case CCESEC_MEDIA_RTP_SAVP:
        return "RTP/SAVP";
    case CCESEC_MEDIA_DTLS_SRTP:
        return "UDP/TLS/RTP/SAVP";
    case CCESEC_MEDIA_OTHER:
        break;
    }
    return "other";
}

static ccesec_media_proto proto_from_text(const char *text, gsize len)
{
    static const struct {
        const char *name;
        ccesec_media_proto proto;
    } protos[] = {
        {"RTP/AVP", CCESEC_MEDIA_RTP_AVP},
        {"RTP/AVPF", CCESEC_MEDIA_RTP_AVP},
        {"RTP/SAVP", CCESEC_MEDIA_RTP_SAVP},
        {"RTP/SAVPF", CCESEC_MEDIA_RTP_SAVP},
        {"UDP/TLS/RTP/SAVP", CCESEC_MEDIA_DTLS_SRTP},
        {"UDP/TLS/RTP/SAVPF", CCESEC_MEDIA_DTLS_SRTP},
    };
    for (guint i = 0; i < G_N_ELEMENTS(protos); i++) {
        line_t t = {text, len};
        if (equals_nocase(&t, protos[i].name))
            return protos[i].proto;
    }
    return CCESEC_MEDIA_OTHER;
}

/* Splits a line into at most max words separated by spaces. */
static guint split_words(const line_t *line, line_t *words, guint max)
{
    guint n = 0;
    gsize i = 0;
    while (i < line->len && n < max) {
        while (i < line->len && line->start[i] == ' ')
            i++;
        gsize start = i;
        while (i < line->len && line->start[i] != ' ')
            i++;
        if (i > start) {
            words[n].start = line->start + start;
            words[n].len = i - start;
            n++;
        }
    }
    return n;
}

/* "m=audio 16384 RTP/SAVP 0 101" */
static void parse_m_line(const line_t *value, ccesec_sdp_media *media)
{
    line_t words[3];
    memset(media, 0, sizeof *media);
    if (split_words(value, words, 3) < 3)
        return;
    guint port = 0;
    for (gsize i = 0; i < words[1].len && g_ascii_isdigit(words[1].start[i]); i++)
        port = MIN(port * 10 + (guint)(words[1].start[i] - '0'), 65536u);
    media->port = port <= 65535 ? (guint16)port : 0;
    media->proto = proto_from_text(words[2].start, words[2].len);
}

/* "c=IN IP4 198.18.133.226" (a multicast TTL suffix is cut by the CIDR parser's refusal) */
static void parse_c_line(const line_t *value, ccesec_addr *addr)
{
    line_t words[3];
    if (split_words(value, words, 3) < 3 || words[2].len >= 64)
        return;
    char text[64];
    copy_token(text, sizeof text, words[2].start, words[2].len);
    ccesec_addr parsed;
    guint prefix = 0;
    char *error = NULL;
    if (strchr(text, '/') == NULL && ccesec_cidr_parse(text, &parsed, &prefix, &error))
        *addr = parsed;
    g_free(error);
}

/* "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:..." */
static void parse_crypto(const line_t *value, ccesec_sdp_media *media)
{
    line_t words[2];
    if (split_words(value, words, 2) < 2 || media->n_crypto >= CCESEC_SDP_MAX_CRYPTO)
        return;
    copy_token(media->crypto_suite[media->n_crypto], CCESEC_CRYPTO_SUITE_MAX, words[1].start,
               words[1].len);
    media->n_crypto++;
}

gboolean ccesec_sdp_parse(const char *data, gsize len, ccesec_sdp *out)
{
    memset(out, 0, sizeof *out);
    ccesec_addr session_addr;
    memset(&session_addr, 0, sizeof session_addr);
    ccesec_sdp_media *current = NULL;
    gboolean extra_media = FALSE; /* past the limit: its lines are skipped */
    gsize pos = 0;
    line_t line;
    while (data && next_line(data, len, &pos, &line)) {
        if (line.len < 2 || line.start[1] != '=')
            continue;
        line_t value = {line.start + 2, line.len - 2};
        char type = line.start[0];
        if (type == 'm') {
            extra_media = out->n_media >= CCESEC_SDP_MAX_MEDIA;
            current = extra_media ? NULL : &out->media[out->n_media++];
            if (current)
                parse_m_line(&value, current);
        } else if (extra_media) {
            continue;
        } else if (type == 'c') {
            parse_c_line(&value, current ? &current->addr : &session_addr);
        } else if (type == 'a' && current && starts_nocase(value.start, value.len, "crypto:")) {
            parse_crypto(&value, current);
        }
    }
    for (guint i = 0; i < out->n_media; i++)
        if (out->media[i].addr.family == 0)
            out->media[i].addr = session_addr;
    return out->n_media > 0;
}
