/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Roles, addresses and the roles table: which CCE component an address belongs to.
 * Pure logic (GLib only).
 */
#include "ccesec/roles.h"
#include "ccesec/x509.h"

#include <arpa/inet.h>
#include <string.h>

/* ---- Role and source names ---- */

static const char *const role_names[CCESEC_ROLE_COUNT] = {
    [CCESEC_ROLE_UNKNOWN] = "unknown", [CCESEC_ROLE_CUBE] = "CUBE", [CCESEC_ROLE_CVP] = "CVP",
    [CCESEC_ROLE_VVB] = "VVB",         [CCESEC_ROLE_CUCM] = "CUCM", [CCESEC_ROLE_PHONE] = "PHONE",
};

const char *ccesec_role_name(ccesec_role role)
{
    if ((guint)role >= CCESEC_ROLE_COUNT)
        return role_names[CCESEC_ROLE_UNKNOWN];
    return role_names[role];
}

gboolean ccesec_role_parse(const char *text, ccesec_role *out)
{
    if (text == NULL)
        return FALSE;
    char *trimmed = g_strstrip(g_strdup(text));
    gboolean found = FALSE;
    /* Start after UNKNOWN: "unknown" is what a lookup answers, not a role one can assign. */
    for (guint role = CCESEC_ROLE_CUBE; role < CCESEC_ROLE_COUNT && !found; role++) {
        if (g_ascii_strcasecmp(trimmed, role_names[role]) == 0) {
            if (out != NULL)
                *out = (ccesec_role)role;
            found = TRUE;
        }
    }
    g_free(trimmed);
    return found;
}

const char *ccesec_role_source_name(ccesec_role_source src)
{
    switch (src) {
    case CCESEC_SRC_SIP_HEADER:
        return "sip-header";
    case CCESEC_SRC_CERT:
        return "certificate";
    case CCESEC_SRC_CONFIG:
        return "config";
    case CCESEC_SRC_NONE:
    default:
        return "none";
    }
}

gboolean ccesec_role_should_replace(ccesec_role_source current, ccesec_role_source candidate)
{
    /* The enum is declared weakest first, so numeric order is precedence order. */
    return (guint)candidate > (guint)current && (guint)candidate <= CCESEC_SRC_CONFIG;
}

/* ---- Addresses and CIDR ---- */

void ccesec_addr_from_ipv4(ccesec_addr *out, const guint8 bytes[4])
{
    memset(out, 0, sizeof(*out));
    out->family = 4;
    memcpy(out->bytes, bytes, 4);
}

void ccesec_addr_from_ipv6(ccesec_addr *out, const guint8 bytes[16])
{
    memset(out, 0, sizeof(*out));
    out->family = 6;
    memcpy(out->bytes, bytes, 16);
}

static guint family_bits(guint8 family)
{
    return family == 4 ? 32 : family == 6 ? 128 : 0;
}

/* Zero every bit after the prefix so equal networks compare equal byte for byte. */
static void mask_host_bits(ccesec_addr *addr, guint prefix_len)
{
    for (guint bit = prefix_len; bit < 128; bit++)
        addr->bytes[bit / 8] &= (guint8) ~(0x80u >> (bit % 8));
}

/* Digits only (no sign, no spaces inside), at most three of them. */
static gboolean parse_prefix_len(const char *text, guint *out)
{
    gsize len = strlen(text);
    if (len == 0 || len > 3)
        return FALSE;
    guint value = 0;
    for (gsize i = 0; i < len; i++) {
        if (!g_ascii_isdigit(text[i]))
            return FALSE;
        value = value * 10 + (guint)(text[i] - '0');
    }
    *out = value;
    return TRUE;
}

static gboolean parse_address(const char *text, ccesec_addr *out)
{
    guint8 bytes[16];
    if (inet_pton(AF_INET, text, bytes) == 1) {
        ccesec_addr_from_ipv4(out, bytes);
        return TRUE;
    }
    if (inet_pton(AF_INET6, text, bytes) == 1) {
        ccesec_addr_from_ipv6(out, bytes);
        return TRUE;
    }
    return FALSE;
}

static void set_error(char **error, char *message)
{
    if (error != NULL)
        *error = message;
    else
        g_free(message);
}

gboolean ccesec_cidr_parse(const char *text, ccesec_addr *net, guint *prefix_len, char **error)
{
    /* whole: the trimmed text, quoted in messages; work: split at the slash. */
    char *whole = g_strstrip(g_strdup(text != NULL ? text : ""));
    char *work = g_strdup(whole);
    char *slash = strchr(work, '/');
    char *prefix_part = NULL;
    if (slash != NULL) {
        *slash = '\0';
        prefix_part = g_strstrip(slash + 1); /* "10.0.0.0 / 8" is tolerated */
    }
    char *address_part = g_strstrip(work);

    gboolean ok = FALSE;
    ccesec_addr addr;
    guint len = 0;
    if (*whole == '\0') {
        set_error(error, g_strdup("empty address"));
    } else if (!parse_address(address_part, &addr)) {
        set_error(error, g_strdup_printf("'%s': not an IPv4 or IPv6 address", whole));
    } else if (prefix_part != NULL &&
               (!parse_prefix_len(prefix_part, &len) || len > family_bits(addr.family))) {
        set_error(error, g_strdup_printf("'%s': prefix length must be 0..%u", whole,
                                         family_bits(addr.family)));
    } else {
        if (prefix_part == NULL)
            len = family_bits(addr.family);
        mask_host_bits(&addr, len);
        if (net != NULL)
            *net = addr;
        if (prefix_len != NULL)
            *prefix_len = len;
        ok = TRUE;
    }
    g_free(work);
    g_free(whole);
    return ok;
}

gboolean ccesec_cidr_contains(const ccesec_addr *net, guint prefix_len, const ccesec_addr *addr)
{
    if (net == NULL || addr == NULL || net->family != addr->family)
        return FALSE;
    guint bits = family_bits(net->family);
    if (bits == 0 || prefix_len > bits)
        return FALSE;
    guint whole_bytes = prefix_len / 8;
    if (memcmp(net->bytes, addr->bytes, whole_bytes) != 0)
        return FALSE;
    guint rest = prefix_len % 8;
    if (rest == 0)
        return TRUE;
    guint8 mask = (guint8)(0xffu << (8 - rest));
    return (net->bytes[whole_bytes] & mask) == (addr->bytes[whole_bytes] & mask);
}

/* ---- The roles table ---- */

/* Host rows (/32, /128) sit in a hash for a constant-time exact match, since a roles file
 * may list thousands of phones; network rows are scanned in order. */
struct ccesec_role_table {
    GArray *entries;   /* ccesec_role_entry, in insertion order */
    GHashTable *hosts; /* host key -> index + 1 of the first row for that host */
    GArray *networks;  /* guint indices of the rows that are not host rows */
};

#define HOST_KEY_LEN 17 /* family byte + 16 address bytes */

static guint host_key_hash(gconstpointer key)
{
    const guint8 *bytes = key;
    guint hash = 2166136261u; /* FNV-1a */
    for (guint i = 0; i < HOST_KEY_LEN; i++)
        hash = (hash ^ bytes[i]) * 16777619u;
    return hash;
}

static gboolean host_key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, HOST_KEY_LEN) == 0;
}

static void host_key_fill(guint8 key[HOST_KEY_LEN], const ccesec_addr *addr)
{
    key[0] = addr->family;
    memcpy(key + 1, addr->bytes, 16);
}

static void entry_free_strings(ccesec_role_entry *entry)
{
    g_free(entry->expected_name);
    g_free(entry->expected_sha256);
    entry->expected_name = NULL;
    entry->expected_sha256 = NULL;
}

ccesec_role_table *ccesec_role_table_new(void)
{
    ccesec_role_table *table = g_new0(ccesec_role_table, 1);
    table->entries = g_array_new(FALSE, TRUE, sizeof(ccesec_role_entry));
    table->hosts = g_hash_table_new_full(host_key_hash, host_key_equal, g_free, NULL);
    table->networks = g_array_new(FALSE, FALSE, sizeof(guint));
    return table;
}

void ccesec_role_table_clear(ccesec_role_table *table)
{
    if (table == NULL)
        return;
    for (guint i = 0; i < table->entries->len; i++)
        entry_free_strings(&g_array_index(table->entries, ccesec_role_entry, i));
    g_array_set_size(table->entries, 0);
    g_hash_table_remove_all(table->hosts);
    g_array_set_size(table->networks, 0);
}

void ccesec_role_table_free(ccesec_role_table *table)
{
    if (table == NULL)
        return;
    ccesec_role_table_clear(table);
    g_array_free(table->entries, TRUE);
    g_hash_table_destroy(table->hosts);
    g_array_free(table->networks, TRUE);
    g_free(table);
}

guint ccesec_role_table_size(const ccesec_role_table *table)
{
    return table != NULL ? table->entries->len : 0;
}

static gboolean is_blank(const char *text)
{
    if (text == NULL)
        return TRUE;
    for (; *text != '\0'; text++) {
        if (!g_ascii_isspace(*text))
            return FALSE;
    }
    return TRUE;
}

/* "CUBE, CVP, VVB, CUCM, PHONE" for messages. */
static char *valid_roles_text(void)
{
    GString *list = g_string_new(NULL);
    for (guint role = CCESEC_ROLE_CUBE; role < CCESEC_ROLE_COUNT; role++)
        g_string_append_printf(list, "%s%s", list->len > 0 ? ", " : "", role_names[role]);
    return g_string_free(list, FALSE);
}

static gboolean check_role(const char *text, ccesec_role *out, char **error)
{
    if (ccesec_role_parse(text, out))
        return TRUE;
    char *valid = valid_roles_text();
    if (is_blank(text)) {
        set_error(error, g_strdup_printf("role is empty; use one of %s", valid));
    } else {
        char *trimmed = g_strstrip(g_strdup(text));
        set_error(error, g_strdup_printf("role '%s' is not one of %s", trimmed, valid));
        g_free(trimmed);
    }
    g_free(valid);
    return FALSE;
}

/* Any way people write a fingerprint -> 64 lowercase hex digits. Blank gives *out = NULL. */
static gboolean normalise_sha256(const char *text, char **out, char **error)
{
    guint8 digest[CCESEC_SHA256_LEN];
    char bad = '\0';
    gsize digits = 0;
    *out = NULL;
    if (is_blank(text))
        return TRUE;
    if (ccesec_sha256_from_text(text, digest, &bad, &digits)) {
        GString *hex = g_string_sized_new(2 * CCESEC_SHA256_LEN);
        for (guint i = 0; i < CCESEC_SHA256_LEN; i++)
            g_string_append_printf(hex, "%02x", digest[i]);
        *out = g_string_free(hex, FALSE);
        return TRUE;
    }
    if (bad != '\0' && g_ascii_isprint(bad))
        set_error(error,
                  g_strdup_printf("expected_sha256 contains '%c', which is not a hex digit", bad));
    else if (bad != '\0')
        set_error(error, g_strdup_printf("expected_sha256 contains byte 0x%02x, which is not a "
                                         "hex digit",
                                         (guint)(guint8)bad));
    else
        set_error(error, g_strdup_printf("expected_sha256 has %" G_GSIZE_FORMAT
                                         " hex digits; a SHA-256 fingerprint has 64",
                                         digits));
    return FALSE;
}

/* Trimmed copy, or NULL when blank. The name is shown in the Wireshark tree: it must be
 * valid UTF-8 without control characters. */
static gboolean check_expected_name(const char *text, char **out, char **error)
{
    *out = NULL;
    if (is_blank(text))
        return TRUE;
    char *trimmed = g_strstrip(g_strdup(text));
    if (!g_utf8_validate(trimmed, -1, NULL)) {
        set_error(error, g_strdup("expected_cert_name is not valid UTF-8"));
        g_free(trimmed);
        return FALSE;
    }
    for (const char *p = trimmed; *p != '\0'; p++) {
        if ((guint8)*p < 0x20 || *p == 0x7f) {
            set_error(error, g_strdup("expected_cert_name contains a control character"));
            g_free(trimmed);
            return FALSE;
        }
    }
    *out = trimmed;
    return TRUE;
}

static gboolean check_address(const char *text, ccesec_addr *net, guint *prefix_len, char **error)
{
    if (is_blank(text)) {
        set_error(error, g_strdup("address is empty"));
        return FALSE;
    }
    char *detail = NULL;
    if (ccesec_cidr_parse(text, net, prefix_len, &detail))
        return TRUE;
    set_error(error, g_strdup_printf("address %s", detail));
    g_free(detail);
    return FALSE;
}

static void index_entry(ccesec_role_table *table, guint index)
{
    const ccesec_role_entry *entry = &g_array_index(table->entries, ccesec_role_entry, index);
    if (entry->prefix_len != family_bits(entry->net.family)) {
        g_array_append_val(table->networks, index);
        return;
    }
    guint8 key[HOST_KEY_LEN];
    host_key_fill(key, &entry->net);
    /* Ties go to the first row: a later row for the same host is kept but never found. */
    if (!g_hash_table_contains(table->hosts, key))
        g_hash_table_insert(table->hosts, g_memdup2(key, HOST_KEY_LEN),
                            GUINT_TO_POINTER(index + 1));
}

gboolean ccesec_role_table_add(ccesec_role_table *table, const char *address, const char *role,
                               const char *expected_name, const char *expected_sha256, char **error)
{
    ccesec_role_entry entry = {0};
    if (table == NULL) {
        set_error(error, g_strdup("no roles table"));
        return FALSE;
    }
    if (!check_address(address, &entry.net, &entry.prefix_len, error) ||
        !check_role(role, &entry.role, error) ||
        !check_expected_name(expected_name, &entry.expected_name, error))
        return FALSE;
    if (!normalise_sha256(expected_sha256, &entry.expected_sha256, error)) {
        entry_free_strings(&entry);
        return FALSE;
    }
    g_array_append_val(table->entries, entry);
    index_entry(table, table->entries->len - 1);
    return TRUE;
}

const ccesec_role_entry *ccesec_role_table_lookup(const ccesec_role_table *table,
                                                  const ccesec_addr *addr)
{
    if (table == NULL || addr == NULL || family_bits(addr->family) == 0)
        return NULL;
    guint8 key[HOST_KEY_LEN];
    ccesec_addr host = *addr;
    mask_host_bits(&host, family_bits(addr->family)); /* clears stray bytes after an IPv4 */
    host_key_fill(key, &host);
    gpointer found = g_hash_table_lookup(table->hosts, key);
    if (found != NULL) /* a host row is the longest possible prefix */
        return &g_array_index(table->entries, ccesec_role_entry, GPOINTER_TO_UINT(found) - 1);

    const ccesec_role_entry *best = NULL;
    for (guint i = 0; i < table->networks->len; i++) {
        guint index = g_array_index(table->networks, guint, i);
        const ccesec_role_entry *entry = &g_array_index(table->entries, ccesec_role_entry, index);
        /* Strictly longer only, so the first of equally long rows wins. */
        if ((best == NULL || entry->prefix_len > best->prefix_len) &&
            ccesec_cidr_contains(&entry->net, entry->prefix_len, addr))
            best = entry;
    }
    return best;
}
