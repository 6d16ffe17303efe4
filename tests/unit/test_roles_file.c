/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The roles CSV file: what an administrator's editor produces, and rows that are wrong. */
#include "ccesec/roles.h"

#include <glib/gstdio.h>
#include <string.h>

#define PIN_COLONS                                                                                 \
    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:"      \
    "45:67:89"
#define PIN_LOWER "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"

typedef struct {
    char *dir;
    ccesec_role_table *table;
    GPtrArray *errors;
} fixture;

static void fixture_set_up(fixture *fx, gconstpointer data)
{
    GError *error = NULL;
    fx->dir = g_dir_make_tmp("ccesec-roles-XXXXXX", &error);
    g_assert_no_error(error);
    fx->table = ccesec_role_table_new();
    fx->errors = g_ptr_array_new_with_free_func(g_free);
}

static void fixture_tear_down(fixture *fx, gconstpointer data)
{
    GDir *dir = g_dir_open(fx->dir, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        char *path = g_build_filename(fx->dir, name, NULL);
        g_unlink(path);
        g_free(path);
    }
    if (dir != NULL)
        g_dir_close(dir);
    g_rmdir(fx->dir);
    g_free(fx->dir);
    ccesec_role_table_free(fx->table);
    g_ptr_array_free(fx->errors, TRUE);
}

/* Writes contents (len bytes) to a file in the fixture folder; returns its path. */
static char *write_file(fixture *fx, const char *name, const char *contents, gssize len)
{
    char *path = g_build_filename(fx->dir, name, NULL);
    GError *error = NULL;
    g_file_set_contents(path, contents, len, &error);
    g_assert_no_error(error);
    return path;
}

static const ccesec_role_entry *lookup(fixture *fx, const char *address)
{
    ccesec_addr addr;
    g_assert_true(ccesec_cidr_parse(address, &addr, NULL, NULL));
    return ccesec_role_table_lookup(fx->table, &addr);
}

static ccesec_role role_of(fixture *fx, const char *address)
{
    const ccesec_role_entry *entry = lookup(fx, address);
    return entry != NULL ? entry->role : CCESEC_ROLE_UNKNOWN;
}

static void dump_errors(fixture *fx)
{
    for (guint i = 0; i < fx->errors->len; i++)
        g_test_message("error: %s", (const char *)g_ptr_array_index(fx->errors, i));
}

static const char good_file[] =
    "\xEF\xBB\xBF# CCE lab roles, as exported from Excel\r\n"
    "Address,Role,Expected_Cert_Name,Expected_SHA256\r\n"
    "\r\n"
    "198.18.133.226,CUBE,cube1.dcloud.cisco.com\r\n"
    "\"198.18.133.13\" , \"cvp\" , \"cvp1.dcloud.cisco.com\"  # the CVP call server\r\n"
    "  198.18.133.143 ,\tVVB , vvb1.dcloud.cisco.com, " PIN_COLONS "\r\n"
    "   # an indented comment\r\n"
    "198.18.133.3,cucm,\"cucm1.dcloud.cisco.com\",\r\n"
    "198.18.133.0/24,PHONE\n"
    "2001:db8::/64,PHONE\n"
    "\"2001:db8::3\",CUCM,\"ccm, \"\"pub\"\" #1\"\n"
    "   \t  \n"
    "2001:db8::5,CVP"; /* no newline at the end */

static void test_good_file(fixture *fx, gconstpointer data)
{
    char *path = write_file(fx, "roles.csv", good_file, -1);
    guint added = ccesec_roles_csv_load_file(fx->table, path, fx->errors);
    dump_errors(fx);
    g_assert_cmpuint(fx->errors->len, ==, 0);
    g_assert_cmpuint(added, ==, 8);
    g_assert_cmpuint(ccesec_role_table_size(fx->table), ==, 8);

    g_assert_cmpint(role_of(fx, "198.18.133.226"), ==, CCESEC_ROLE_CUBE);
    g_assert_cmpint(role_of(fx, "198.18.133.13"), ==, CCESEC_ROLE_CVP);
    g_assert_cmpint(role_of(fx, "198.18.133.143"), ==, CCESEC_ROLE_VVB);
    g_assert_cmpint(role_of(fx, "198.18.133.3"), ==, CCESEC_ROLE_CUCM);
    g_assert_cmpint(role_of(fx, "198.18.133.77"), ==, CCESEC_ROLE_PHONE);
    g_assert_cmpint(role_of(fx, "2001:db8::77"), ==, CCESEC_ROLE_PHONE);
    g_assert_cmpint(role_of(fx, "2001:db8::3"), ==, CCESEC_ROLE_CUCM);
    g_assert_cmpint(role_of(fx, "2001:db8::5"), ==, CCESEC_ROLE_CVP);
    g_assert_cmpint(role_of(fx, "198.18.134.1"), ==, CCESEC_ROLE_UNKNOWN);

    g_assert_cmpstr(lookup(fx, "198.18.133.13")->expected_name, ==, "cvp1.dcloud.cisco.com");
    g_assert_cmpstr(lookup(fx, "198.18.133.143")->expected_sha256, ==, PIN_LOWER);
    g_assert_cmpstr(lookup(fx, "198.18.133.3")->expected_name, ==, "cucm1.dcloud.cisco.com");
    g_assert_null(lookup(fx, "198.18.133.3")->expected_sha256);
    /* Inside quotes a comma and a '#' are data, and "" is one quote. */
    g_assert_cmpstr(lookup(fx, "2001:db8::3")->expected_name, ==, "ccm, \"pub\" #1");
    g_free(path);
}

static const char bad_file[] = "198.18.133.226,CUBE\n"
                               "cucm1,CUCM\n"
                               "198.18.133.0/33,CVP\n"
                               "198.18.133.13,GATEWAY\n"
                               "198.18.133.3,CUCM,cucm1,ABCD\n"
                               "198.18.133.143,VVB,vvb1,,extra\n"
                               ",CVP\n"
                               "198.18.133.4,PHONE # a good row among bad ones\n"
                               "\"198.18.133.5,PHONE\n"
                               "198.18.133.6\n"
                               "\"198.18.133.7\"x,PHONE\n"
                               "address,role\n"
                               "2001:db8::/129,CUCM\n";

static void test_bad_rows(fixture *fx, gconstpointer data)
{
    char *path = write_file(fx, "bad.csv", bad_file, -1);
    guint added = ccesec_roles_csv_load_file(fx->table, path, fx->errors);
    dump_errors(fx);
    g_assert_cmpuint(added, ==, 2);
    g_assert_cmpint(role_of(fx, "198.18.133.226"), ==, CCESEC_ROLE_CUBE);
    g_assert_cmpint(role_of(fx, "198.18.133.4"), ==, CCESEC_ROLE_PHONE);

    const char *expected[] = {
        "2: address 'cucm1': not an IPv4 or IPv6 address",
        "3: address '198.18.133.0/33': prefix length must be 0..32",
        "4: role 'GATEWAY' is not one of CUBE, CVP, VVB, CUCM, PHONE",
        "5: expected_sha256 has 4 hex digits; a SHA-256 fingerprint has 64",
        "6: too many columns (5); the format is "
        "address,role[,expected_cert_name[,expected_sha256]]",
        "7: address is empty",
        "9: a quoted field has no closing quote",
        "10: missing the role column; the format is "
        "address,role[,expected_cert_name[,expected_sha256]]",
        "11: unexpected text after a quoted field",
        /* A header is only skipped as the first row. */
        "12: address 'address': not an IPv4 or IPv6 address",
        "13: address '2001:db8::/129': prefix length must be 0..128",
    };
    g_assert_cmpuint(fx->errors->len, ==, G_N_ELEMENTS(expected));
    for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
        char *want = g_strdup_printf("%s:%s", path, expected[i]);
        g_assert_cmpstr(g_ptr_array_index(fx->errors, i), ==, want);
        g_free(want);
    }
    g_free(path);
}

static void test_missing_file(fixture *fx, gconstpointer data)
{
    char *path = g_build_filename(fx->dir, "absent.csv", NULL);
    g_assert_cmpuint(ccesec_roles_csv_load_file(fx->table, path, fx->errors), ==, 0);
    g_assert_cmpuint(fx->errors->len, ==, 1);
    char *want = g_strdup_printf("%s: cannot read roles file: No such file or directory", path);
    g_assert_cmpstr(g_ptr_array_index(fx->errors, 0), ==, want);
    g_free(want);
    g_free(path);

    /* A folder is not a file either, and NULL errors are allowed. */
    g_assert_cmpuint(ccesec_roles_csv_load_file(fx->table, fx->dir, fx->errors), ==, 0);
    g_assert_cmpuint(fx->errors->len, ==, 2);
    g_assert_nonnull(strstr(g_ptr_array_index(fx->errors, 1), ": cannot read roles file: "));
    g_assert_cmpuint(ccesec_roles_csv_load_file(fx->table, fx->dir, NULL), ==, 0);
    g_assert_cmpuint(ccesec_role_table_size(fx->table), ==, 0);
}

static void test_text_edge_cases(fixture *fx, gconstpointer data)
{
    /* A NUL byte inside a line: that line is refused, the next still loads. */
    static const char with_nul[] = "198.18.133.3,CU\0CM\n198.18.133.4,PHONE\n";
    guint added =
        ccesec_roles_csv_load_text(fx->table, with_nul, sizeof(with_nul) - 1, "t", fx->errors);
    g_assert_cmpuint(added, ==, 1);
    g_assert_cmpuint(fx->errors->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(fx->errors, 0), ==, "t:1: line contains a NUL byte");

    /* A line over 4 KB is refused; the length limit does not hide the next line. */
    GString *text = g_string_new("198.18.133.5,CVP,");
    while (text->len <= 4096)
        g_string_append_c(text, 'n');
    g_string_append(text, "\r\n198.18.133.6,VVB,");
    g_string_append(text, "x"); /* short line right after */
    g_ptr_array_set_size(fx->errors, 0);
    added = ccesec_roles_csv_load_text(fx->table, text->str, text->len, NULL, fx->errors);
    g_assert_cmpuint(added, ==, 1);
    g_assert_cmpuint(fx->errors->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(fx->errors, 0), ==,
                    "roles:1: line is longer than 4096 bytes");
    g_assert_cmpint(role_of(fx, "198.18.133.6"), ==, CCESEC_ROLE_VVB);
    g_string_free(text, TRUE);

    /* Empty text, a lone BOM, NULL arguments: nothing added, nothing reported. */
    g_ptr_array_set_size(fx->errors, 0);
    g_assert_cmpuint(ccesec_roles_csv_load_text(fx->table, "", 0, "t", fx->errors), ==, 0);
    g_assert_cmpuint(ccesec_roles_csv_load_text(fx->table, "\xEF\xBB\xBF", 3, "t", fx->errors), ==,
                     0);
    g_assert_cmpuint(ccesec_roles_csv_load_text(fx->table, NULL, 5, "t", fx->errors), ==, 0);
    g_assert_cmpuint(ccesec_roles_csv_load_text(NULL, "1.2.3.4,CVP", 11, "t", fx->errors), ==, 0);
    g_assert_cmpuint(fx->errors->len, ==, 0);
    /* The length bounds the text: no reading past it to find a terminator. */
    g_assert_cmpuint(ccesec_roles_csv_load_text(fx->table, "1.2.3.4,CVPXXXX", 11, "t", NULL), ==,
                     1);
    g_assert_cmpint(role_of(fx, "1.2.3.4"), ==, CCESEC_ROLE_CVP);
}

static void test_row_cap(fixture *fx, gconstpointer data)
{
    GString *text = g_string_new("address,role\n");
    for (guint i = 0; i < 100002; i++)
        g_string_append_printf(text, "10.%u.%u.%u,PHONE\n", i >> 16, (i >> 8) & 0xff, i & 0xff);
    guint added =
        ccesec_roles_csv_load_text(fx->table, text->str, text->len, "big.csv", fx->errors);
    g_assert_cmpuint(added, ==, 100000);
    g_assert_cmpuint(fx->errors->len, ==, 1);
    /* Line 1 is the header, so the 100,001st row is on line 100,002. */
    g_assert_cmpstr(g_ptr_array_index(fx->errors, 0), ==,
                    "big.csv:100002: more than 100000 rows: this row and the rest are ignored");
    g_assert_cmpint(role_of(fx, "10.1.134.159"), ==, CCESEC_ROLE_PHONE);   /* row 100,000 */
    g_assert_cmpint(role_of(fx, "10.1.134.160"), ==, CCESEC_ROLE_UNKNOWN); /* row 100,001 */
    g_string_free(text, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/roles-file/good", fixture, NULL, fixture_set_up, test_good_file,
               fixture_tear_down);
    g_test_add("/roles-file/bad-rows", fixture, NULL, fixture_set_up, test_bad_rows,
               fixture_tear_down);
    g_test_add("/roles-file/missing", fixture, NULL, fixture_set_up, test_missing_file,
               fixture_tear_down);
    g_test_add("/roles-file/text-edge-cases", fixture, NULL, fixture_set_up, test_text_edge_cases,
               fixture_tear_down);
    g_test_add("/roles-file/row-cap", fixture, NULL, fixture_set_up, test_row_cap,
               fixture_tear_down);
    return g_test_run();
}
