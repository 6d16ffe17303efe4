/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to x509.c and x509_der.c: a DER TLV reader over a (pointer, length) window.
 * Every read checks its length against what is left of the window, so no caller can be
 * led past the end of the bytes it was given, whatever those bytes are.
 */
#ifndef CCESEC_X509_DER_H
#define CCESEC_X509_DER_H

#include <glib.h>
#include "ccesec/x509.h"

/* Constructed elements nest at most 7 deep in real certificates (RSASSA-PSS parameters);
 * the limit leaves room and bounds the recursion of ccesec_der_check_structure. */
#define DER_MAX_DEPTH 16

enum {
    DER_BOOLEAN = 0x01,
    DER_INTEGER = 0x02,
    DER_BIT_STRING = 0x03,
    DER_OCTET_STRING = 0x04,
    DER_OID = 0x06,
    DER_UTF8_STRING = 0x0c,
    DER_UTC_TIME = 0x17,
    DER_GENERALIZED_TIME = 0x18,
    DER_UNIVERSAL_STRING = 0x1c,
    DER_BMP_STRING = 0x1e,
    DER_SEQUENCE = 0x30,
    DER_SET = 0x31,
    DER_CONTEXT_0 = 0xa0, /* [0] EXPLICIT, constructed */
    DER_CONTEXT_3 = 0xa3,
    DER_CONSTRUCTED_BIT = 0x20
};

/* A window over bytes; reading an element consumes it from the front. */
typedef struct {
    const guint8 *data;
    gsize len;
} der_span;

typedef struct {
    guint8 tag;
    der_span value; /* the contents */
    der_span whole; /* tag, length and contents: what two Names are compared by */
} der_tlv;

/* Reads the next element of *in. OK, TRUNCATED (its header or contents run past the end of
 * *in) or MALFORMED (indefinite length, a length over 4 bytes, a multi-byte tag). *in is
 * advanced only on OK. */
ccesec_x509_result ccesec_der_next(der_span *in, der_tlv *out);

/* Reads the next element when it has the expected tag; FALSE (and *in unchanged) otherwise. */
gboolean ccesec_der_expect(der_span *in, guint8 tag, der_tlv *out);

/* The tag of the next element without consuming it; FALSE when *in is empty. */
gboolean ccesec_der_peek_tag(const der_span *in, guint8 *tag);

/* Enters a container that may be cut short by the end of the buffer: on a length that runs
 * past the end, *contents is what is there, so the fields before the cut can still be read.
 * Consumes the element (or everything) from *in. FALSE on a wrong tag or a bad header. */
gboolean ccesec_der_enter_clamped(der_span *in, guint8 tag, der_span *contents);

/* Checks that buf holds exactly one element whose constructed descendants all parse, at
 * most DER_MAX_DEPTH deep. TRUNCATED only when the buffer ends too early; an inner length
 * running past its container is MALFORMED. */
ccesec_x509_result ccesec_der_check_structure(const guint8 *buf, gsize len);

/* Dotted text of an OID's contents ("1.2.840.113549.1.1.11") into buf, cut to fit. FALSE
 * when the encoding is invalid (empty, an unfinished arc, an arc over 64 bits). */
gboolean ccesec_der_oid_to_text(der_span oid, char *buf, gsize buf_len);

/* TRUE when the OID element's contents read as the dotted text. */
gboolean ccesec_der_oid_is(der_span oid, const char *dotted);

#endif
