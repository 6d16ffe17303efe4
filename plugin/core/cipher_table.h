/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to cipher.c and cipher_table.c: the IANA cipher suite rows, sorted by id. */
#ifndef CCESEC_CIPHER_TABLE_H
#define CCESEC_CIPHER_TABLE_H

#include <glib.h>

typedef struct {
    guint16 id;
    const char *name;
} ccesec_cipher_row;

extern const ccesec_cipher_row ccesec_cipher_rows[];
extern const gsize ccesec_cipher_row_count;

#endif
