/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Preferences of the CCESEC protocol: ports, TLS policy, certificate-name patterns, and the
 * roles table, which is the union of a UAT (Preferences > Protocols > CCESEC > Roles) and a
 * CSV file named by ccesec.roles_file (for scripts: tshark -o ccesec.roles_file:site.csv).
 */
#include <epan/prefs.h>
#include <epan/uat.h>
#include <wsutil/report_message.h>

#include "ccesec.h"
#include "ccesec/cipher.h"

typedef struct {
    char *address;
    char *role;
    char *expected_name;
    char *expected_sha256;
} roles_uat_row;

static roles_uat_row *roles_uat_rows;
static guint roles_uat_count;
static const char *roles_file_path = "";

static ccesec_settings settings;
static ccesec_role_table *roles_table;
/* Tables replaced while connections of the open file may still point at their rows; freed
 * when the next dissection session starts (the file's connections are gone by then). */
static GPtrArray *retired_tables;
static gint min_tls_version_pref = CCESEC_TLS12;
static gint cipher_policy_pref;
static const char *cert_pattern_prefs[CCESEC_ROLE_COUNT];

static const enum_val_t tls_version_values[] = {{"tls1.0", "TLS 1.0", CCESEC_TLS10},
                                                {"tls1.1", "TLS 1.1", CCESEC_TLS11},
                                                {"tls1.2", "TLS 1.2", CCESEC_TLS12},
                                                {"tls1.3", "TLS 1.3", CCESEC_TLS13},
                                                {NULL, NULL, 0}};

static const enum_val_t cipher_policy_values[] = {
    {"default", "Default: NULL/anon/EXPORT/RC4/DES/MD5 are weak", 0},
    {"strict", "Strict: RSA key transport and CBC-SHA1 are weak too", 1},
    {NULL, NULL, 0}};

UAT_CSTRING_CB_DEF(roles_uat, address, roles_uat_row)
UAT_CSTRING_CB_DEF(roles_uat, role, roles_uat_row)
UAT_CSTRING_CB_DEF(roles_uat, expected_name, roles_uat_row)
UAT_CSTRING_CB_DEF(roles_uat, expected_sha256, roles_uat_row)

static void *roles_uat_copy(void *dest, const void *src, size_t len)
{
    roles_uat_row *d = (roles_uat_row *)dest;
    const roles_uat_row *s = (const roles_uat_row *)src;
    d->address = g_strdup(s->address);
    d->role = g_strdup(s->role);
    d->expected_name = g_strdup(s->expected_name);
    d->expected_sha256 = g_strdup(s->expected_sha256);
    return dest;
}

static void roles_uat_free(void *record)
{
    roles_uat_row *row = (roles_uat_row *)record;
    g_free(row->address);
    g_free(row->role);
    g_free(row->expected_name);
    g_free(row->expected_sha256);
}

/* The core validates a row by adding it; a scratch table keeps the real one untouched. */
static ccesec_uat_result roles_uat_update(void *record, char **error)
{
    const roles_uat_row *row = (const roles_uat_row *)record;
    ccesec_role_table *scratch = ccesec_role_table_new();
    char *core_error = NULL;
    gboolean ok = ccesec_role_table_add(scratch, row->address, row->role, row->expected_name,
                                        row->expected_sha256, &core_error);
    ccesec_role_table_free(scratch);
    if (!ok) {
        *error = g_strdup_printf("ccesec roles row '%s': %s", row->address ? row->address : "",
                                 core_error ? core_error : "invalid");
        g_free(core_error);
    }
    return ok;
}

static void report_roles_errors(GPtrArray *errors)
{
    if (errors->len == 0)
        return;
    GString *text = g_string_new("ccesec: problems in the roles configuration (good rows still "
                                 "apply):");
    for (guint i = 0; i < errors->len; i++)
        g_string_append_printf(text, "\n  %s", (const char *)g_ptr_array_index(errors, i));
    report_warning("%s", text->str);
    g_string_free(text, TRUE);
}

/* Rebuild the roles table from the UAT rows, then the roles file. */
static void rebuild_roles(void)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    if (ccesec_role_table_size(roles_table) > 0) {
        g_ptr_array_add(retired_tables, roles_table);
        roles_table = ccesec_role_table_new();
        settings.roles = roles_table;
    }
    for (guint i = 0; i < roles_uat_count; i++) {
        const roles_uat_row *row = &roles_uat_rows[i];
        char *error = NULL;
        if (!ccesec_role_table_add(roles_table, row->address, row->role, row->expected_name,
                                   row->expected_sha256, &error))
            g_ptr_array_add(errors, g_strdup_printf("roles table row %u: %s", i + 1, error));
        g_free(error);
    }
    if (roles_file_path && roles_file_path[0])
        ccesec_roles_csv_load_file(roles_table, roles_file_path, errors);
    report_roles_errors(errors);
    g_ptr_array_free(errors, TRUE);
}

static void apply_prefs(void)
{
    settings.policy.min_tls_version = (guint16)min_tls_version_pref;
    settings.policy.strict_ciphers = cipher_policy_pref == 1;
    for (int role = CCESEC_ROLE_CUBE; role < CCESEC_ROLE_COUNT; role++)
        settings.cert_patterns.patterns[role] = (char *)cert_pattern_prefs[role];
    /* Messages name the first TLS port as the one to use. */
    settings.policy.tls_port = settings.tls_ports && settings.tls_ports->nranges > 0
                                   ? (guint16)settings.tls_ports->ranges[0].low
                                   : 5061;
    rebuild_roles();
}

static void register_roles_uat(module_t *module)
{
    static uat_field_t fields[] = {
        UAT_FLD_CSTRING(roles_uat, address, "Address or CIDR",
                        "IPv4 or IPv6 address, or a network in CIDR form (198.18.133.0/24)"),
        UAT_FLD_CSTRING(roles_uat, role, "Role", "CUBE, CVP, VVB, CUCM or PHONE"),
        UAT_FLD_CSTRING(roles_uat, expected_name, "Expected certificate name",
                        "Optional: the CN or SAN the component's certificate must carry"),
        UAT_FLD_CSTRING(roles_uat, expected_sha256, "Expected SHA-256",
                        "Optional: fingerprint the certificate must have (pinning)"),
        UAT_END_FIELDS};
    uat_t *uat =
        uat_new("ccesec_roles", sizeof(roles_uat_row), "ccesec_roles", TRUE, &roles_uat_rows,
                &roles_uat_count, UAT_AFFECTS_DISSECTION, NULL, roles_uat_copy, roles_uat_update,
                roles_uat_free, rebuild_roles, NULL, fields);
    prefs_register_uat_preference(module, "roles", "Roles", "Which CCE component each address is",
                                  uat);
    prefs_register_filename_preference(
        module, "roles_file", "Roles file (CSV)",
        "address,role[,expected_cert_name[,expected_sha256]] per line; '#' comments. "
        "Rows add to the Roles table.",
        &roles_file_path, FALSE);
}

static void register_cert_pattern_prefs(module_t *module)
{
    static const struct {
        const char *name;
        const char *title;
    } prefs[CCESEC_ROLE_COUNT] = {
        [CCESEC_ROLE_CUBE] = {"cert_names_cube", "Certificate names of CUBE"},
        [CCESEC_ROLE_CVP] = {"cert_names_cvp", "Certificate names of CVP"},
        [CCESEC_ROLE_VVB] = {"cert_names_vvb", "Certificate names of VVB"},
        [CCESEC_ROLE_CUCM] = {"cert_names_cucm", "Certificate names of CUCM"},
        [CCESEC_ROLE_PHONE] = {"cert_names_phone", "Certificate names of PHONE"},
    };
    for (int role = CCESEC_ROLE_CUBE; role < CCESEC_ROLE_COUNT; role++) {
        cert_pattern_prefs[role] = ccesec_default_cert_pattern(role);
        prefs_register_string_preference(
            module, prefs[role].name, prefs[role].title,
            "Comma-separated glob patterns, case-insensitive, matched against the CN and SAN "
            "names of certificates whose address has no configured role",
            &cert_pattern_prefs[role]);
    }
}

void ccesec_prefs_release_retired(void)
{
    g_ptr_array_set_size(retired_tables, 0);
}

static void free_roles_table(void)
{
    g_ptr_array_free(retired_tables, TRUE);
    retired_tables = NULL;
    ccesec_role_table_free(roles_table);
    roles_table = NULL;
    settings.roles = NULL;
}

void ccesec_prefs_register(void)
{
    module_t *module = prefs_register_protocol(proto_ccesec, apply_prefs);
    roles_table = ccesec_role_table_new();
    retired_tables = g_ptr_array_new_with_free_func((GDestroyNotify)ccesec_role_table_free);
    settings.roles = roles_table;
    register_shutdown_routine(free_roles_table);
    ccesec_policy_init_defaults(&settings.policy);
    range_convert_str(wmem_epan_scope(), &settings.tls_ports, "5061", 65535);
    range_convert_str(wmem_epan_scope(), &settings.sip_ports, "5060", 65535);

    register_roles_uat(module);
    prefs_register_range_preference(module, "tls_ports", "SIP over TLS ports",
                                    "TCP ports of SIP over TLS", &settings.tls_ports, 65535);
    prefs_register_range_preference(module, "sip_ports", "SIP ports",
                                    "TCP/UDP ports of SIP in clear", &settings.sip_ports, 65535);
    prefs_register_enum_preference(module, "min_tls_version", "Minimum TLS version",
                                   "Older versions make a connection weak", &min_tls_version_pref,
                                   tls_version_values, FALSE);
    prefs_register_enum_preference(module, "cipher_policy", "Cipher policy",
                                   "Which cipher suites count as weak", &cipher_policy_pref,
                                   cipher_policy_values, FALSE);
    prefs_register_uint_preference(module, "expiry_warning_days",
                                   "Certificate expiry warning (days)",
                                   "A note when a certificate expires within this many days "
                                   "(0: never)",
                                   10, &settings.policy.expiry_warning_days);
    register_cert_pattern_prefs(module);
}

const ccesec_settings *ccesec_settings_get(void)
{
    return &settings;
}

gboolean ccesec_port_is_sip(guint32 port)
{
    return value_is_in_range(settings.sip_ports, port);
}

gboolean ccesec_port_is_tls(guint32 port)
{
    return value_is_in_range(settings.tls_ports, port);
}
