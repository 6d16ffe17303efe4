/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DER TLV reader under the X.509 parser: see x509_der.h.
 */
#include "text_buf.h"
#include "x509_der.h"

#include <string.h>

#define DER_MAX_LENGTH_BYTES 4

static ccesec_x509_result read_length(der_span *in, gsize *len)
{
    if (in->len < 1) {
        return CCESEC_X509_TRUNCATED;
    }
    guint8 first = in->data[0];
    in->data++;
    in->len--;
    if (first < 0x80) {
        *len = first;
        return CCESEC_X509_OK;
    }
    guint n_bytes = first & 0x7f;
    /* 0x80 is BER's indefinite length, which DER forbids. */
    if (n_bytes == 0 || n_bytes > DER_MAX_LENGTH_BYTES) {
        return CCESEC_X509_MALFORMED;
    }
    if (in->len < n_bytes) {
        return CCESEC_X509_TRUNCATED;
    }
    gsize value = 0;
    for (guint i = 0; i < n_bytes; i++) {
        value = (value << 8) | in->data[i];
    }
    in->data += n_bytes;
    in->len -= n_bytes;
    *len = value;
    return CCESEC_X509_OK;
}

/* Reads tag and length; on OK *in starts at the contents and *len may exceed in->len. */
static ccesec_x509_result read_header(der_span *in, guint8 *tag, gsize *len)
{
    if (in->len < 1) {
        return CCESEC_X509_TRUNCATED;
    }
    *tag = in->data[0];
    /* Tag numbers over 30 take more bytes; X.509 never uses them. */
    if ((*tag & 0x1f) == 0x1f) {
        return CCESEC_X509_MALFORMED;
    }
    in->data++;
    in->len--;
    return read_length(in, len);
}

ccesec_x509_result ccesec_der_next(der_span *in, der_tlv *out)
{
    der_span rest = *in;
    gsize len = 0;
    ccesec_x509_result result = read_header(&rest, &out->tag, &len);
    if (result != CCESEC_X509_OK) {
        return result;
    }
    if (len > rest.len) {
        return CCESEC_X509_TRUNCATED;
    }
    out->value.data = rest.data;
    out->value.len = len;
    out->whole.data = in->data;
    out->whole.len = (gsize)(rest.data - in->data) + len;
    in->data = rest.data + len;
    in->len = rest.len - len;
    return CCESEC_X509_OK;
}

gboolean ccesec_der_expect(der_span *in, guint8 tag, der_tlv *out)
{
    der_span rest = *in;
    if (ccesec_der_next(&rest, out) != CCESEC_X509_OK || out->tag != tag) {
        return FALSE;
    }
    *in = rest;
    return TRUE;
}

gboolean ccesec_der_peek_tag(const der_span *in, guint8 *tag)
{
    if (in->len < 1) {
        return FALSE;
    }
    *tag = in->data[0];
    return TRUE;
}

gboolean ccesec_der_enter_clamped(der_span *in, guint8 tag, der_span *contents)
{
    der_span rest = *in;
    guint8 found = 0;
    gsize len = 0;
    if (read_header(&rest, &found, &len) != CCESEC_X509_OK || found != tag) {
        return FALSE;
    }
    contents->data = rest.data;
    contents->len = MIN(len, rest.len);
    in->data = rest.data + contents->len;
    in->len = rest.len - contents->len;
    return TRUE;
}

/* Walks every element of a container's contents, descending into constructed ones. The
 * recursion is bounded by DER_MAX_DEPTH. */
static ccesec_x509_result check_contents(der_span contents, guint depth)
{
    while (contents.len > 0) {
        der_tlv element;
        if (ccesec_der_next(&contents, &element) != CCESEC_X509_OK) {
            /* Inside a complete outer element, an overrun is a lie about a length. */
            return CCESEC_X509_MALFORMED;
        }
        if (!(element.tag & DER_CONSTRUCTED_BIT)) {
            continue;
        }
        if (depth + 1 > DER_MAX_DEPTH) {
            return CCESEC_X509_TOO_DEEP;
        }
        ccesec_x509_result result = check_contents(element.value, depth + 1);
        if (result != CCESEC_X509_OK) {
            return result;
        }
    }
    return CCESEC_X509_OK;
}

ccesec_x509_result ccesec_der_check_structure(const guint8 *buf, gsize len)
{
    der_span all = {buf, buf ? len : 0};
    der_tlv top;
    ccesec_x509_result result = ccesec_der_next(&all, &top);
    if (result != CCESEC_X509_OK) {
        return result;
    }
    if (all.len != 0 || !(top.tag & DER_CONSTRUCTED_BIT)) {
        return CCESEC_X509_MALFORMED;
    }
    return check_contents(top.value, 1);
}

static void append_number(text_buf *out, guint64 value)
{
    char digits[24];
    g_snprintf(digits, sizeof digits, "%" G_GUINT64_FORMAT, value);
    text_buf_put(out, digits);
}

/* The first encoded arc holds two: 40 * first + second, with first at most 2. */
static void append_first_arcs(text_buf *out, guint64 value)
{
    guint64 first = value < 40 ? 0 : value < 80 ? 1 : 2;
    append_number(out, first);
    text_buf_put(out, ".");
    append_number(out, value - first * 40);
}

gboolean ccesec_der_oid_to_text(der_span oid, char *buf, gsize buf_len)
{
    if (buf == NULL || buf_len == 0) {
        return FALSE;
    }
    text_buf out;
    text_buf_init(&out, buf, buf_len);
    if (oid.len == 0 || (oid.data[oid.len - 1] & 0x80)) {
        return FALSE;
    }
    guint64 arc = 0;
    gboolean first = TRUE;
    for (gsize i = 0; i < oid.len; i++) {
        if (arc > (G_MAXUINT64 >> 7)) {
            buf[0] = '\0';
            return FALSE;
        }
        arc = (arc << 7) | (oid.data[i] & 0x7f);
        if (oid.data[i] & 0x80) {
            continue;
        }
        if (first) {
            append_first_arcs(&out, arc);
            first = FALSE;
        } else {
            text_buf_put(&out, ".");
            append_number(&out, arc);
        }
        arc = 0;
    }
    return TRUE;
}

gboolean ccesec_der_oid_is(der_span oid, const char *dotted)
{
    char text[96];
    return ccesec_der_oid_to_text(oid, text, sizeof text) && strcmp(text, dotted) == 0;
}
