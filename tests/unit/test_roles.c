/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Roles, CIDR, the roles table, and roles from certificate names and User-Agents. */
#include "ccesec/roles.h"

#include <string.h>

static ccesec_addr addr_of(const char *text)
{
    ccesec_addr addr;
    guint prefix_len = 0;
    char *error = NULL;
    g_assert_true(ccesec_cidr_parse(text, &addr, &prefix_len, &error));
    g_assert_null(error);
    return addr;
}

static void assert_cidr_ok(const char *text, guint8 family, guint expected_prefix)
{
    ccesec_addr net;
    guint prefix_len = 999;
    char *error = NULL;
    g_assert_true(ccesec_cidr_parse(text, &net, &prefix_len, &error));
    g_assert_null(error);
    g_assert_cmpuint(net.family, ==, family);
    g_assert_cmpuint(prefix_len, ==, expected_prefix);
}

static void assert_cidr_error(const char *text, const char *expected_error)
{
    ccesec_addr net;
    guint prefix_len = 0;
    char *error = NULL;
    g_assert_false(ccesec_cidr_parse(text, &net, &prefix_len, &error));
    g_assert_cmpstr(error, ==, expected_error);
    g_free(error);
}

static void test_cidr_parse_good(void)
{
    assert_cidr_ok("198.18.133.3", 4, 32);
    assert_cidr_ok("198.18.133.0/24", 4, 24);
    assert_cidr_ok("0.0.0.0/0", 4, 0);
    assert_cidr_ok("198.18.133.3/32", 4, 32);
    assert_cidr_ok("  198.18.133.3 \t", 4, 32);
    assert_cidr_ok("2001:db8::1", 6, 128);
    assert_cidr_ok("2001:db8::/32", 6, 32);
    assert_cidr_ok("::/0", 6, 0);
    assert_cidr_ok("2001:db8::1/128", 6, 128);

    /* Host bits beyond the prefix are cleared, so the network compares as written. */
    ccesec_addr net;
    guint prefix_len;
    g_assert_true(ccesec_cidr_parse("198.18.133.77/24", &net, &prefix_len, NULL));
    g_assert_cmpuint(net.bytes[2], ==, 133);
    g_assert_cmpuint(net.bytes[3], ==, 0);
}

static void test_cidr_parse_bad(void)
{
    assert_cidr_error("198.18.133.0/33", "'198.18.133.0/33': prefix length must be 0..32");
    assert_cidr_error("2001:db8::/129", "'2001:db8::/129': prefix length must be 0..128");
    assert_cidr_error("198.18.133.0/", "'198.18.133.0/': prefix length must be 0..32");
    assert_cidr_error("198.18.133.0/-1", "'198.18.133.0/-1': prefix length must be 0..32");
    assert_cidr_error("198.18.133.0/2x", "'198.18.133.0/2x': prefix length must be 0..32");
    assert_cidr_error("198.18.133.0/0024", "'198.18.133.0/0024': prefix length must be 0..32");
    assert_cidr_error("cucm", "'cucm': not an IPv4 or IPv6 address");
    assert_cidr_error("1.2.3", "'1.2.3': not an IPv4 or IPv6 address");
    assert_cidr_error("::g", "'::g': not an IPv4 or IPv6 address");
    assert_cidr_error("1.2.3.256", "'1.2.3.256': not an IPv4 or IPv6 address");
    assert_cidr_error("/24", "'/24': not an IPv4 or IPv6 address");
    assert_cidr_error("", "empty address");
    assert_cidr_error("   ", "empty address");
    assert_cidr_error(NULL, "empty address");
    /* A NULL error pointer is allowed. */
    g_assert_false(ccesec_cidr_parse("nope", NULL, NULL, NULL));
}

static gboolean contains(const char *cidr, const char *address)
{
    ccesec_addr net, addr = addr_of(address);
    guint prefix_len;
    g_assert_true(ccesec_cidr_parse(cidr, &net, &prefix_len, NULL));
    return ccesec_cidr_contains(&net, prefix_len, &addr);
}

static void test_cidr_contains(void)
{
    g_assert_true(contains("198.18.133.0/24", "198.18.133.0"));
    g_assert_true(contains("198.18.133.0/24", "198.18.133.255"));
    g_assert_false(contains("198.18.133.0/24", "198.18.134.0"));
    g_assert_false(contains("198.18.133.0/24", "198.18.132.255"));
    /* Non-byte-aligned prefix: /25 splits .0-.127 from .128-.255. */
    g_assert_true(contains("198.18.133.0/25", "198.18.133.127"));
    g_assert_false(contains("198.18.133.0/25", "198.18.133.128"));
    g_assert_true(contains("198.18.133.3", "198.18.133.3"));
    g_assert_false(contains("198.18.133.3", "198.18.133.2"));
    g_assert_true(contains("0.0.0.0/0", "255.255.255.255"));
    g_assert_true(contains("2001:db8::/32", "2001:db8:ffff:ffff::1"));
    g_assert_false(contains("2001:db8::/32", "2001:db9::"));
    g_assert_true(contains("2001:db8::1/127", "2001:db8::"));
    g_assert_false(contains("2001:db8::1/128", "2001:db8::"));
    g_assert_true(contains("::/0", "ffff::1"));
    /* IPv4 and IPv6 never match each other, not even /0 or the mapped form. */
    g_assert_false(contains("0.0.0.0/0", "::1"));
    g_assert_false(contains("::/0", "198.18.133.3"));
    g_assert_false(contains("::ffff:198.18.133.3", "198.18.133.3"));

    /* Out-of-range prefix or unset family: no match, no crash. */
    ccesec_addr a = addr_of("198.18.133.3");
    g_assert_false(ccesec_cidr_contains(&a, 33, &a));
    ccesec_addr unset = {0};
    g_assert_false(ccesec_cidr_contains(&unset, 0, &unset));
    g_assert_false(ccesec_cidr_contains(NULL, 0, &a));
}

static void test_addr_from_bytes(void)
{
    const guint8 v4[4] = {198, 18, 133, 3};
    ccesec_addr a, b = addr_of("198.18.133.3");
    ccesec_addr_from_ipv4(&a, v4);
    g_assert_cmpuint(a.family, ==, 4);
    g_assert_cmpmem(a.bytes, 16, b.bytes, 16);

    guint8 v6[16] = {0x20, 0x01, 0x0d, 0xb8};
    v6[15] = 1;
    ccesec_addr_from_ipv6(&a, v6);
    b = addr_of("2001:db8::1");
    g_assert_cmpuint(a.family, ==, 6);
    g_assert_cmpmem(a.bytes, 16, b.bytes, 16);
}

static ccesec_role lookup_role(const ccesec_role_table *table, const char *address)
{
    ccesec_addr addr = addr_of(address);
    const ccesec_role_entry *entry = ccesec_role_table_lookup(table, &addr);
    return entry != NULL ? entry->role : CCESEC_ROLE_UNKNOWN;
}

static void add_ok(ccesec_role_table *table, const char *address, const char *role)
{
    char *error = NULL;
    g_assert_true(ccesec_role_table_add(table, address, role, NULL, NULL, &error));
    g_assert_null(error);
}

static void test_table_longest_prefix(void)
{
    ccesec_role_table *table = ccesec_role_table_new();
    /* The /32 comes after the /24 and must still win. */
    add_ok(table, "198.18.133.0/24", "CVP");
    add_ok(table, "198.18.133.3", "CUCM");
    add_ok(table, "198.18.0.0/16", "PHONE");
    g_assert_cmpuint(ccesec_role_table_size(table), ==, 3);
    g_assert_cmpint(lookup_role(table, "198.18.133.3"), ==, CCESEC_ROLE_CUCM);
    g_assert_cmpint(lookup_role(table, "198.18.133.13"), ==, CCESEC_ROLE_CVP);
    g_assert_cmpint(lookup_role(table, "198.18.7.7"), ==, CCESEC_ROLE_PHONE);
    g_assert_cmpint(lookup_role(table, "10.0.0.1"), ==, CCESEC_ROLE_UNKNOWN);

    ccesec_addr addr = addr_of("10.0.0.1");
    g_assert_null(ccesec_role_table_lookup(table, &addr));
    ccesec_role_table_clear(table);
    g_assert_cmpuint(ccesec_role_table_size(table), ==, 0);
    g_assert_cmpint(lookup_role(table, "198.18.133.3"), ==, CCESEC_ROLE_UNKNOWN);
    ccesec_role_table_free(table);
}

static void test_table_ties_first_row(void)
{
    ccesec_role_table *table = ccesec_role_table_new();
    add_ok(table, "198.18.133.0/24", "VVB");
    add_ok(table, "198.18.133.0/24", "CUBE");
    add_ok(table, "198.18.133.226", "CUBE");
    add_ok(table, "198.18.133.226/32", "CUCM");
    g_assert_cmpint(lookup_role(table, "198.18.133.1"), ==, CCESEC_ROLE_VVB);
    g_assert_cmpint(lookup_role(table, "198.18.133.226"), ==, CCESEC_ROLE_CUBE);
    ccesec_role_table_free(table);
}

static void test_table_v4_v6_separate(void)
{
    ccesec_role_table *table = ccesec_role_table_new();
    add_ok(table, "0.0.0.0/0", "PHONE");
    add_ok(table, "2001:db8::/64", "CVP");
    add_ok(table, "2001:db8::3", "CUCM");
    g_assert_cmpint(lookup_role(table, "2001:db8::3"), ==, CCESEC_ROLE_CUCM);
    g_assert_cmpint(lookup_role(table, "2001:db8::4"), ==, CCESEC_ROLE_CVP);
    g_assert_cmpint(lookup_role(table, "2001:db9::4"), ==, CCESEC_ROLE_UNKNOWN);
    g_assert_cmpint(lookup_role(table, "1.2.3.4"), ==, CCESEC_ROLE_PHONE);
    /* An IPv4 address with junk in the unused bytes still finds its row. */
    ccesec_addr v4 = addr_of("1.2.3.4");
    memset(v4.bytes + 4, 0xAA, 12);
    g_assert_nonnull(ccesec_role_table_lookup(table, &v4));
    ccesec_role_table_free(table);
}

static char *add_error(const char *address, const char *role, const char *name, const char *sha256)
{
    ccesec_role_table *table = ccesec_role_table_new();
    char *error = NULL;
    g_assert_false(ccesec_role_table_add(table, address, role, name, sha256, &error));
    g_assert_cmpuint(ccesec_role_table_size(table), ==, 0);
    ccesec_role_table_free(table);
    g_assert_nonnull(error);
    return error;
}

#define PIN_LOWER "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_table_optional_fields(void)
{
    ccesec_role_table *table = ccesec_role_table_new();
    char *error = NULL;
    g_assert_true(ccesec_role_table_add(
        table, "198.18.133.3", "cucm", "  cucm1.dcloud.cisco.com ",
        "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:ab:cd:ef 01 23 45 67 89 AB CD EF 0123456789ABCDEF",
        &error));
    g_assert_null(error);
    g_assert_true(ccesec_role_table_add(table, "198.18.133.13", "CVP", "", "  ", &error));
    /* The same fingerprint the way the pin check reads it: dashes and tabs between digits. */
    g_assert_true(ccesec_role_table_add(
        table, "198.18.133.143", "VVB", NULL,
        "0123-4567-89AB-CDEF-0123-4567-89ab-cdef\t0123456789abcdef0123456789ABCDEF", &error));
    ccesec_addr addr = addr_of("198.18.133.143");
    g_assert_cmpstr(ccesec_role_table_lookup(table, &addr)->expected_sha256, ==, PIN_LOWER);
    addr = addr_of("198.18.133.3");
    const ccesec_role_entry *entry = ccesec_role_table_lookup(table, &addr);
    g_assert_nonnull(entry);
    g_assert_cmpstr(entry->expected_name, ==, "cucm1.dcloud.cisco.com");
    g_assert_cmpstr(entry->expected_sha256, ==, PIN_LOWER);
    addr = addr_of("198.18.133.13");
    entry = ccesec_role_table_lookup(table, &addr);
    g_assert_nonnull(entry);
    g_assert_null(entry->expected_name);
    g_assert_null(entry->expected_sha256);
    ccesec_role_table_free(table);
}

static void test_table_bad_fields(void)
{
    char *e = add_error("198.18.133.3", "CUCM", NULL, "0123");
    g_assert_cmpstr(e, ==, "expected_sha256 has 4 hex digits; a SHA-256 fingerprint has 64");
    g_free(e);
    e = add_error("198.18.133.3", "CUCM", NULL, PIN_LOWER "00");
    g_assert_cmpstr(e, ==, "expected_sha256 has 66 hex digits; a SHA-256 fingerprint has 64");
    g_free(e);
    e = add_error("198.18.133.3", "CUCM", NULL, "g" PIN_LOWER);
    g_assert_cmpstr(e, ==, "expected_sha256 contains 'g', which is not a hex digit");
    g_free(e);
    e = add_error("198.18.133.3", "CUCM", "name", "0x" PIN_LOWER);
    g_assert_cmpstr(e, ==, "expected_sha256 contains 'x', which is not a hex digit");
    g_free(e);
    e = add_error("198.18.133.3", "CUCM", NULL, PIN_LOWER "\x01");
    g_assert_cmpstr(e, ==, "expected_sha256 contains byte 0x01, which is not a hex digit");
    g_free(e);
    e = add_error("198.18.133.3", "gateway", NULL, NULL);
    g_assert_cmpstr(e, ==, "role 'gateway' is not one of CUBE, CVP, VVB, CUCM, PHONE");
    g_free(e);
    e = add_error("198.18.133.3", "unknown", NULL, NULL);
    g_assert_cmpstr(e, ==, "role 'unknown' is not one of CUBE, CVP, VVB, CUCM, PHONE");
    g_free(e);
    e = add_error("198.18.133.3", "", NULL, NULL);
    g_assert_cmpstr(e, ==, "role is empty; use one of CUBE, CVP, VVB, CUCM, PHONE");
    g_free(e);
    e = add_error(" ", "CVP", NULL, NULL);
    g_assert_cmpstr(e, ==, "address is empty");
    g_free(e);
    e = add_error("cvp1", "CVP", NULL, NULL);
    g_assert_cmpstr(e, ==, "address 'cvp1': not an IPv4 or IPv6 address");
    g_free(e);
    e = add_error("198.18.133.3", "CVP", "bad\xff", NULL);
    g_assert_cmpstr(e, ==, "expected_cert_name is not valid UTF-8");
    g_free(e);
    e = add_error("198.18.133.3", "CVP", "a\tb", NULL);
    g_assert_cmpstr(e, ==, "expected_cert_name contains a control character");
    g_free(e);
}

static void test_role_parse_and_names(void)
{
    ccesec_role role = CCESEC_ROLE_UNKNOWN;
    g_assert_true(ccesec_role_parse("cube", &role));
    g_assert_cmpint(role, ==, CCESEC_ROLE_CUBE);
    g_assert_true(ccesec_role_parse(" Phone ", &role));
    g_assert_cmpint(role, ==, CCESEC_ROLE_PHONE);
    g_assert_true(ccesec_role_parse("VVB", &role));
    g_assert_cmpint(role, ==, CCESEC_ROLE_VVB);
    g_assert_false(ccesec_role_parse("unknown", &role));
    g_assert_false(ccesec_role_parse("CVPX", &role));
    g_assert_false(ccesec_role_parse("", &role));
    g_assert_false(ccesec_role_parse(NULL, &role));
    g_assert_cmpint(role, ==, CCESEC_ROLE_VVB); /* untouched on failure */

    g_assert_cmpstr(ccesec_role_name(CCESEC_ROLE_CUCM), ==, "CUCM");
    g_assert_cmpstr(ccesec_role_name(CCESEC_ROLE_UNKNOWN), ==, "unknown");
    g_assert_cmpstr(ccesec_role_name((ccesec_role)42), ==, "unknown");
    g_assert_cmpstr(ccesec_role_source_name(CCESEC_SRC_CONFIG), ==, "config");
    g_assert_cmpstr(ccesec_role_source_name(CCESEC_SRC_CERT), ==, "certificate");
    g_assert_cmpstr(ccesec_role_source_name(CCESEC_SRC_SIP_HEADER), ==, "sip-header");
    g_assert_cmpstr(ccesec_role_source_name(CCESEC_SRC_NONE), ==, "none");
}

static void test_source_precedence(void)
{
    g_assert_true(ccesec_role_should_replace(CCESEC_SRC_NONE, CCESEC_SRC_SIP_HEADER));
    g_assert_true(ccesec_role_should_replace(CCESEC_SRC_SIP_HEADER, CCESEC_SRC_CERT));
    g_assert_true(ccesec_role_should_replace(CCESEC_SRC_CERT, CCESEC_SRC_CONFIG));
    g_assert_true(ccesec_role_should_replace(CCESEC_SRC_NONE, CCESEC_SRC_CONFIG));
    g_assert_false(ccesec_role_should_replace(CCESEC_SRC_CERT, CCESEC_SRC_CERT));
    g_assert_false(ccesec_role_should_replace(CCESEC_SRC_CONFIG, CCESEC_SRC_CERT));
    g_assert_false(ccesec_role_should_replace(CCESEC_SRC_CERT, CCESEC_SRC_SIP_HEADER));
    g_assert_false(ccesec_role_should_replace(CCESEC_SRC_SIP_HEADER, CCESEC_SRC_NONE));
}

static void test_cert_patterns_default(void)
{
    g_assert_cmpstr(ccesec_default_cert_pattern(CCESEC_ROLE_VVB), ==, "vvb*,cvvb*");
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, "cube1.dcloud.cisco.com"), ==,
                    CCESEC_ROLE_CUBE);
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, "CVP1.dcloud.cisco.com"), ==, CCESEC_ROLE_CVP);
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, "vvb1.dcloud.cisco.com"), ==, CCESEC_ROLE_VVB);
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, "CVVB-A"), ==, CCESEC_ROLE_VVB);
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, "Cucm1.dcloud.cisco.com"), ==,
                    CCESEC_ROLE_CUCM);
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, "ccmpub"), ==, CCESEC_ROLE_CUCM);
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, "SEP001122334455"), ==, CCESEC_ROLE_PHONE);
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, "CSFAGENT1"), ==, CCESEC_ROLE_PHONE);
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, "ad1.dcloud.cisco.com"), ==,
                    CCESEC_ROLE_UNKNOWN);
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, "mycube"), ==, CCESEC_ROLE_UNKNOWN);
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, ""), ==, CCESEC_ROLE_UNKNOWN);
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, NULL), ==, CCESEC_ROLE_UNKNOWN);
    /* Bytes off the wire that are not UTF-8 must not upset the matcher. */
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, "cube\xf0"), ==, CCESEC_ROLE_CUBE);
    g_assert_cmpint(ccesec_role_from_cert_name(NULL, "\xff\xfe"), ==, CCESEC_ROLE_UNKNOWN);
}

static void test_cert_patterns_custom(void)
{
    ccesec_name_patterns patterns = {{NULL}};
    char cube[] = " GW-* , *-border.example.com ";
    char cvp[] = "";
    patterns.patterns[CCESEC_ROLE_CUBE] = cube;
    patterns.patterns[CCESEC_ROLE_CVP] = cvp; /* empty list: CVP never matched by name */
    g_assert_cmpint(ccesec_role_from_cert_name(&patterns, "gw-paris"), ==, CCESEC_ROLE_CUBE);
    g_assert_cmpint(ccesec_role_from_cert_name(&patterns, "EDGE-BORDER.example.COM"), ==,
                    CCESEC_ROLE_CUBE);
    /* The custom list replaces the CUBE default... */
    g_assert_cmpint(ccesec_role_from_cert_name(&patterns, "cube1"), ==, CCESEC_ROLE_UNKNOWN);
    g_assert_cmpint(ccesec_role_from_cert_name(&patterns, "cvp1"), ==, CCESEC_ROLE_UNKNOWN);
    /* ...while roles left NULL keep theirs. */
    g_assert_cmpint(ccesec_role_from_cert_name(&patterns, "cucm1"), ==, CCESEC_ROLE_CUCM);
    /* First role in role order wins when two lists match. */
    char vvb[] = "gw-*";
    patterns.patterns[CCESEC_ROLE_VVB] = vvb;
    g_assert_cmpint(ccesec_role_from_cert_name(&patterns, "gw-1"), ==, CCESEC_ROLE_CUBE);
}

static void test_user_agent(void)
{
    static const struct {
        const char *value;
        ccesec_role role;
    } cases[] = {
        {"Cisco-SIPGateway/IOS-17.9.4a", CCESEC_ROLE_CUBE},
        {"Cisco-CUCM12.6", CCESEC_ROLE_CUCM},
        {"CVP 12.6 (1) ES 3", CCESEC_ROLE_CVP},
        {"Cisco-CVP/12.6", CCESEC_ROLE_CVP},
        {"cvp 12.5", CCESEC_ROLE_CVP},
        {"CVP12.6", CCESEC_ROLE_CVP},
        {"Cisco-VVB/12.6", CCESEC_ROLE_VVB},
        {"VVB", CCESEC_ROLE_VVB},
        {"Cisco VoiceBrowser", CCESEC_ROLE_VVB},
        {"Cisco-CSF/14.1", CCESEC_ROLE_PHONE},
        {"Jabber/14", CCESEC_ROLE_PHONE},
        {"Cisco-CP8845/14.2.1", CCESEC_ROLE_PHONE},
        {"FreeSWITCH-mod_sofia/1.10", CCESEC_ROLE_UNKNOWN},
        {"X-Lite release 1103m", CCESEC_ROLE_UNKNOWN},
        {"XCVPX", CCESEC_ROLE_UNKNOWN},
        {"CVPX", CCESEC_ROLE_UNKNOWN},
        {"MYCVP", CCESEC_ROLE_UNKNOWN},
        {"CV", CCESEC_ROLE_UNKNOWN},
        {"", CCESEC_ROLE_UNKNOWN},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("User-Agent '%s'", cases[i].value);
        g_assert_cmpint(ccesec_role_from_user_agent(cases[i].value), ==, cases[i].role);
    }
    g_assert_cmpint(ccesec_role_from_user_agent(NULL), ==, CCESEC_ROLE_UNKNOWN);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/roles/cidr/parse-good", test_cidr_parse_good);
    g_test_add_func("/roles/cidr/parse-bad", test_cidr_parse_bad);
    g_test_add_func("/roles/cidr/contains", test_cidr_contains);
    g_test_add_func("/roles/addr/from-bytes", test_addr_from_bytes);
    g_test_add_func("/roles/table/longest-prefix", test_table_longest_prefix);
    g_test_add_func("/roles/table/ties-first-row", test_table_ties_first_row);
    g_test_add_func("/roles/table/v4-v6-separate", test_table_v4_v6_separate);
    g_test_add_func("/roles/table/optional-fields", test_table_optional_fields);
    g_test_add_func("/roles/table/bad-fields", test_table_bad_fields);
    g_test_add_func("/roles/role/parse-and-names", test_role_parse_and_names);
    g_test_add_func("/roles/role/source-precedence", test_source_precedence);
    g_test_add_func("/roles/names/cert-default", test_cert_patterns_default);
    g_test_add_func("/roles/names/cert-custom", test_cert_patterns_custom);
    g_test_add_func("/roles/names/user-agent", test_user_agent);
    return g_test_run();
}
