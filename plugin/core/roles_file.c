/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The roles file: CSV rows "address,role[,expected_cert_name[,expected_sha256]]".
 * Written by hand by a CCE administrator, so it forgives what editors do (BOM, CRLF,
 * quotes, comments, a header) and reports each bad row with its line number.
 */
#include "ccesec/roles.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_ROWS       100000
#define MAX_LINE_BYTES 4096
#define MAX_FILE_BYTES (128u * 1024 * 1024)
#define MAX_COLUMNS    4
#define FORMAT_HINT    "the format is address,role[,expected_cert_name[,expected_sha256]]"

static void add_error(GPtrArray *errors, const char *filename, guint line_no, const char *message)
{
    if (errors != NULL)
        g_ptr_array_add(errors, g_strdup_printf("%s:%u: %s", filename, line_no, message));
}

static gboolean is_blank_char(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && is_blank_char(*p))
        p++;
    return p;
}

/* A quoted field: "..." with "" for a literal quote. On return *pp is past the closing
 * quote. FALSE when the quote never closes. */
static gboolean read_quoted(const char **pp, const char *end, GString *out)
{
    const char *p = *pp + 1;
    while (p < end) {
        if (*p != '"') {
            g_string_append_c(out, *p++);
        } else if (p + 1 < end && p[1] == '"') {
            g_string_append_c(out, '"');
            p += 2;
        } else {
            *pp = p + 1;
            return TRUE;
        }
    }
    return FALSE;
}

/* An unquoted field runs to the next ',' or '#' (comment); trailing blanks dropped. */
static void read_plain(const char **pp, const char *end, GString *out)
{
    const char *p = *pp;
    while (p < end && *p != ',' && *p != '#')
        p++;
    const char *last = p;
    while (last > *pp && is_blank_char(last[-1]))
        last--;
    g_string_append_len(out, *pp, last - *pp);
    *pp = p;
}

/* Split one line (no newline) into fields. A blank or comment-only line gives no fields.
 * On a syntax error returns FALSE with a static message. */
static gboolean split_fields(const char *line, gsize len, GPtrArray *fields, const char **error)
{
    const char *p = line;
    const char *end = line + len;
    for (;;) {
        p = skip_blanks(p, end);
        if (fields->len == 0 && (p == end || *p == '#'))
            return TRUE; /* nothing but blanks and maybe a comment */
        GString *field = g_string_new(NULL);
        if (p < end && *p == '"') {
            if (!read_quoted(&p, end, field)) {
                g_string_free(field, TRUE);
                *error = "a quoted field has no closing quote";
                return FALSE;
            }
            p = skip_blanks(p, end);
            if (p < end && *p != ',' && *p != '#') {
                g_string_free(field, TRUE);
                *error = "unexpected text after a quoted field";
                return FALSE;
            }
        } else {
            read_plain(&p, end, field);
        }
        g_ptr_array_add(fields, g_string_free(field, FALSE));
        if (p >= end || *p != ',')
            return TRUE; /* end of line or a comment after the last field */
        p++;
    }
}

static const char *field_or_null(GPtrArray *fields, guint i)
{
    return i < fields->len ? g_ptr_array_index(fields, i) : NULL;
}

static gboolean is_header(GPtrArray *fields)
{
    return fields->len >= 2 && g_ascii_strcasecmp(field_or_null(fields, 0), "address") == 0 &&
           g_ascii_strcasecmp(field_or_null(fields, 1), "role") == 0;
}

/* Validate the column count and add the row; FALSE with *message (g_free) when bad. */
static gboolean add_row(ccesec_role_table *table, GPtrArray *fields, char **message)
{
    if (fields->len > MAX_COLUMNS) {
        *message = g_strdup_printf("too many columns (%u); " FORMAT_HINT, fields->len);
        return FALSE;
    }
    if (fields->len < 2) {
        *message = g_strdup("missing the role column; " FORMAT_HINT);
        return FALSE;
    }
    return ccesec_role_table_add(table, field_or_null(fields, 0), field_or_null(fields, 1),
                                 field_or_null(fields, 2), field_or_null(fields, 3), message);
}

typedef struct {
    ccesec_role_table *table;
    const char *filename;
    GPtrArray *errors;
    guint rows_seen; /* data rows, good or bad */
    guint rows_added;
    gboolean header_possible; /* only the first row may be a header */
} csv_state;

/* Syntax of one line: NULL when fine (fields filled, none for a blank or comment line),
 * else a static message. */
static const char *split_line(const char *line, gsize len, GPtrArray *fields)
{
    const char *error = NULL;
    if (len > MAX_LINE_BYTES)
        return "line is longer than 4096 bytes";
    if (memchr(line, '\0', len) != NULL)
        return "line contains a NUL byte";
    if (!split_fields(line, len, fields, &error))
        return error;
    return NULL;
}

/* A line that is not blank: header, row, or error. FALSE once the row cap is reached. */
static gboolean load_row(csv_state *st, GPtrArray *fields, const char *syntax_error, guint line_no)
{
    gboolean was_first = st->header_possible;
    st->header_possible = FALSE;
    if (syntax_error == NULL && was_first && is_header(fields))
        return TRUE;
    if (++st->rows_seen > MAX_ROWS) {
        add_error(st->errors, st->filename, line_no,
                  "more than 100000 rows: this row and the rest are ignored");
        return FALSE;
    }
    char *message = NULL;
    if (syntax_error != NULL)
        add_error(st->errors, st->filename, line_no, syntax_error);
    else if (!add_row(st->table, fields, &message))
        add_error(st->errors, st->filename, line_no, message);
    else
        st->rows_added++;
    g_free(message);
    return TRUE;
}

/* One line without its newline. FALSE once the row cap is reached: stop reading. */
static gboolean load_line(csv_state *st, const char *line, gsize len, guint line_no)
{
    while (len > 0 && line[len - 1] == '\r')
        len--;
    GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
    const char *syntax_error = split_line(line, len, fields);
    gboolean keep_going = TRUE;
    if (syntax_error != NULL || fields->len > 0)
        keep_going = load_row(st, fields, syntax_error, line_no);
    g_ptr_array_free(fields, TRUE);
    return keep_going;
}

guint ccesec_roles_csv_load_text(ccesec_role_table *table, const char *text, gsize length,
                                 const char *filename, GPtrArray *errors)
{
    if (table == NULL || text == NULL)
        return 0;
    csv_state st = {table, filename != NULL ? filename : "roles", errors, 0, 0, TRUE};
    gsize pos = 0;
    if (length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* UTF-8 byte order mark written by Windows editors */

    for (guint line_no = 1; pos < length; line_no++) {
        const char *newline = memchr(text + pos, '\n', length - pos);
        gsize line_len = newline != NULL ? (gsize)(newline - (text + pos)) : length - pos;
        if (!load_line(&st, text + pos, line_len, line_no))
            break;
        pos += line_len + 1;
    }
    return st.rows_added;
}

/* Read the whole file; on failure *error_text says why. */
static gboolean read_file(const char *path, GByteArray *out, char **error_text)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        *error_text = g_strdup_printf("cannot read roles file: %s", g_strerror(errno));
        return FALSE;
    }
    guint8 buffer[65536];
    gboolean ok = TRUE;
    size_t got;
    while ((got = fread(buffer, 1, sizeof(buffer), file)) > 0) {
        if (out->len + got > MAX_FILE_BYTES) {
            *error_text = g_strdup("cannot read roles file: larger than 128 MiB");
            ok = FALSE;
            break;
        }
        g_byte_array_append(out, buffer, (guint)got);
    }
    if (ok && ferror(file)) {
        *error_text = g_strdup_printf("cannot read roles file: %s", g_strerror(errno));
        ok = FALSE;
    }
    fclose(file);
    return ok;
}

guint ccesec_roles_csv_load_file(ccesec_role_table *table, const char *path, GPtrArray *errors)
{
    if (path == NULL)
        return 0;
    GByteArray *bytes = g_byte_array_new();
    char *error_text = NULL;
    guint added = 0;
    if (read_file(path, bytes, &error_text)) {
        added =
            ccesec_roles_csv_load_text(table, (const char *)bytes->data, bytes->len, path, errors);
    } else if (errors != NULL) {
        g_ptr_array_add(errors, g_strdup_printf("%s: %s", path, error_text));
    }
    g_free(error_text);
    g_byte_array_free(bytes, TRUE);
    return added;
}
