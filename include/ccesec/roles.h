/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CCE roles: which component an address belongs to, and where that knowledge came from.
 * Pure logic (GLib only), no epan dependency: unit-tested under ctest.
 */
#ifndef CCESEC_ROLES_H
#define CCESEC_ROLES_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    CCESEC_ROLE_UNKNOWN = 0,
    CCESEC_ROLE_CUBE,
    CCESEC_ROLE_CVP,
    CCESEC_ROLE_VVB,
    CCESEC_ROLE_CUCM,
    CCESEC_ROLE_PHONE,
    CCESEC_ROLE_COUNT
} ccesec_role;

/* Where a role came from, strongest first in precedence order. */
typedef enum {
    CCESEC_SRC_NONE = 0,
    CCESEC_SRC_SIP_HEADER, /* User-Agent / Server header */
    CCESEC_SRC_CERT,       /* CN or SAN dNSName of the certificate the endpoint presented */
    CCESEC_SRC_CONFIG      /* roles table (UAT or roles file) */
} ccesec_role_source;

/* "CUBE", "CVP", "VVB", "CUCM", "PHONE", "unknown". */
const char *ccesec_role_name(ccesec_role role);
/* Case-insensitive; accepts the names above (not "unknown"). */
gboolean ccesec_role_parse(const char *text, ccesec_role *out);
/* "config", "certificate", "sip-header", "none". */
const char *ccesec_role_source_name(ccesec_role_source src);

/* A role found from a weaker source never overrides one from a stronger source. */
gboolean ccesec_role_should_replace(ccesec_role_source current, ccesec_role_source candidate);

/* ---- Addresses and CIDR ---- */

typedef struct {
    guint8 family; /* 4 or 6; 0 = unset */
    guint8 bytes[16];
} ccesec_addr;

void ccesec_addr_from_ipv4(ccesec_addr *out, const guint8 bytes[4]);
void ccesec_addr_from_ipv6(ccesec_addr *out, const guint8 bytes[16]);
/* Parse "198.18.133.3", "198.18.133.0/24", "2001:db8::1", "2001:db8::/32".
 * A bare address gets the full prefix. On failure returns FALSE and sets *error (g_free). */
gboolean ccesec_cidr_parse(const char *text, ccesec_addr *net, guint *prefix_len, char **error);
gboolean ccesec_cidr_contains(const ccesec_addr *net, guint prefix_len, const ccesec_addr *addr);

/* ---- The roles table ---- */

typedef struct {
    ccesec_addr net;
    guint prefix_len;
    ccesec_role role;
    char *expected_name;   /* optional: CN/SAN the certificate must carry, or NULL */
    char *expected_sha256; /* optional: 64 lowercase hex digits, or NULL */
} ccesec_role_entry;

typedef struct ccesec_role_table ccesec_role_table;

ccesec_role_table *ccesec_role_table_new(void);
void ccesec_role_table_free(ccesec_role_table *table);
void ccesec_role_table_clear(ccesec_role_table *table);
guint ccesec_role_table_size(const ccesec_role_table *table);

/* Validate and add one row. Empty optional fields may be NULL or "". The sha256 is read by
 * ccesec_sha256_from_text (hex, any case, ':' '-' or white space between digits). On failure
 * returns FALSE and sets *error (g_free) to a sentence that says which column is wrong. */
gboolean ccesec_role_table_add(ccesec_role_table *table, const char *address, const char *role,
                               const char *expected_name, const char *expected_sha256,
                               char **error);

/* Longest-prefix match; NULL when no row covers the address. */
const ccesec_role_entry *ccesec_role_table_lookup(const ccesec_role_table *table,
                                                  const ccesec_addr *addr);

/* Parse CSV text "address,role[,expected_cert_name[,expected_sha256]]" with '#' comments
 * and blank lines. Good rows are added; each bad row appends "FILE:LINE: message" to
 * errors (a GPtrArray of g_malloc'd strings, may be NULL). Returns rows added. */
guint ccesec_roles_csv_load_text(ccesec_role_table *table, const char *text, gsize length,
                                 const char *filename, GPtrArray *errors);
/* Same from a file; a file that cannot be read appends one message and returns 0. */
guint ccesec_roles_csv_load_file(ccesec_role_table *table, const char *path, GPtrArray *errors);

/* ---- Roles from names ---- */

/* Per-role comma-separated glob patterns (GLib GPatternSpec syntax, matched
 * case-insensitively) for certificate CN/SAN names. */
typedef struct {
    char *patterns[CCESEC_ROLE_COUNT]; /* index by role; [UNKNOWN] unused */
} ccesec_name_patterns;

/* Defaults: CUBE "cube*", CVP "cvp*", VVB "vvb*,cvvb*", CUCM "cucm*,ccm*",
 * PHONE "csf*,sep*,tct*,bot*,tab*". */
const char *ccesec_default_cert_pattern(ccesec_role role);
/* The role whose patterns match name (first in role order), or UNKNOWN. */
ccesec_role ccesec_role_from_cert_name(const ccesec_name_patterns *patterns, const char *name);
/* From a SIP User-Agent or Server value: Cisco-SIPGateway -> CUBE, Cisco-CUCM -> CUCM,
 * "CVP" as a word -> CVP, VVB / Cisco-VVB / VoiceBrowser -> VVB, Cisco-CSF / Jabber /
 * Cisco-CP -> PHONE; otherwise UNKNOWN. */
ccesec_role ccesec_role_from_user_agent(const char *value);

G_END_DECLS

#endif
