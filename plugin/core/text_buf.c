/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bounded text writer of the core: see text_buf.h. */
#include "text_buf.h"

#include <string.h>

void text_buf_init(text_buf *out, char *buf, gsize size)
{
    out->buf = buf;
    out->size = buf != NULL ? size : 0;
    out->used = 0;
    out->truncated = FALSE;
    if (out->size > 0)
        buf[0] = '\0';
}

static gboolean is_continuation(char c)
{
    return ((guint8)c & 0xc0) == 0x80;
}

void text_buf_put_n(text_buf *out, const char *s, gsize n)
{
    if (s == NULL || n == 0 || out->truncated)
        return;
    gsize room = out->size > out->used ? out->size - out->used - 1 : 0;
    gsize take = n;
    if (n > room) {
        out->truncated = TRUE;
        /* Back off to the start of the character the cut would split. */
        take = room;
        while (take > 0 && is_continuation(s[take]))
            take--;
    }
    if (take == 0)
        return;
    memcpy(out->buf + out->used, s, take);
    out->used += take;
    out->buf[out->used] = '\0';
}

void text_buf_put(text_buf *out, const char *s)
{
    if (s != NULL)
        text_buf_put_n(out, s, strlen(s));
}

void text_buf_put_printable(text_buf *out, const char *s)
{
    for (; s != NULL && *s != '\0' && !out->truncated; s++) {
        char c = (*s >= 0x20 && *s <= 0x7e) ? *s : '?';
        text_buf_put_n(out, &c, 1);
    }
}
