/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the core: the one bounded text writer every core module uses. It never runs
 * past its buffer, always NUL-terminates, and cuts only between UTF-8 characters, so a cut
 * never leaves half a multi-byte sequence for GLib or Wireshark to choke on.
 */
#ifndef CCESEC_TEXT_BUF_H
#define CCESEC_TEXT_BUF_H

#include <glib.h>

typedef struct {
    char *buf;
    gsize size; /* bytes of buf, the NUL included */
    gsize used;
    gboolean truncated; /* something did not fit; nothing more is appended */
} text_buf;

/* buf may be NULL or size 0: everything is then dropped (and counted as truncated). */
void text_buf_init(text_buf *out, char *buf, gsize size);
/* Appends the n bytes at s; when they do not all fit, the part before the character the cut
 * would split (a cut never falls before a UTF-8 continuation byte). */
void text_buf_put_n(text_buf *out, const char *s, gsize n);
void text_buf_put(text_buf *out, const char *s);
/* Text off the wire for a sentence: printable ASCII kept, every other byte becomes '?'.
 * Idempotent, so text a caller cleaned already passes through unchanged. */
void text_buf_put_printable(text_buf *out, const char *s);

#endif
