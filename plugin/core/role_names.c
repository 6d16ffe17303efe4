/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Roles from names: certificate CN/SAN glob patterns and SIP User-Agent / Server values.
 * Weaker evidence than the roles table, used when an address is not configured.
 */
#include "ccesec/roles.h"

#include <string.h>

/* ---- Certificate names ---- */

static const char *const default_cert_patterns[CCESEC_ROLE_COUNT] = {
    [CCESEC_ROLE_UNKNOWN] = NULL,      [CCESEC_ROLE_CUBE] = "cube*",
    [CCESEC_ROLE_CVP] = "cvp*",        [CCESEC_ROLE_VVB] = "vvb*,cvvb*",
    [CCESEC_ROLE_CUCM] = "cucm*,ccm*", [CCESEC_ROLE_PHONE] = "csf*,sep*,tct*,bot*,tab*",
};

const char *ccesec_default_cert_pattern(ccesec_role role)
{
    if ((guint)role >= CCESEC_ROLE_COUNT)
        return NULL;
    return default_cert_patterns[role];
}

/* Lowercased copy, made valid UTF-8 first: GPatternSpec walks UTF-8 sequences and the
 * text comes off the wire or from a preference. */
static char *lowered_utf8(const char *text, gssize len)
{
    char *valid = g_utf8_make_valid(text, len);
    char *lowered = g_utf8_strdown(valid, -1);
    g_free(valid);
    return lowered;
}

static gboolean glob_matches(const char *pattern, const char *lowered_name)
{
    GPatternSpec *spec = g_pattern_spec_new(pattern);
#if GLIB_CHECK_VERSION(2, 70, 0)
    gboolean matched = g_pattern_spec_match_string(spec, lowered_name);
#else
    gboolean matched = g_pattern_match_string(spec, lowered_name);
#endif
    g_pattern_spec_free(spec);
    return matched;
}

/* TRUE when any pattern of the comma-separated list matches; blank items are skipped. */
static gboolean pattern_list_matches(const char *list, const char *lowered_name)
{
    gboolean matched = FALSE;
    char **items = g_strsplit(list, ",", -1);
    for (guint i = 0; items[i] != NULL && !matched; i++) {
        char *item = g_strstrip(items[i]);
        if (*item == '\0')
            continue;
        char *lowered = lowered_utf8(item, -1);
        matched = glob_matches(lowered, lowered_name);
        g_free(lowered);
    }
    g_strfreev(items);
    return matched;
}

ccesec_role ccesec_role_from_cert_name(const ccesec_name_patterns *patterns, const char *name)
{
    if (name == NULL || *name == '\0')
        return CCESEC_ROLE_UNKNOWN;
    char *lowered_name = lowered_utf8(name, -1);
    ccesec_role found = CCESEC_ROLE_UNKNOWN;
    for (guint role = CCESEC_ROLE_CUBE; role < CCESEC_ROLE_COUNT; role++) {
        const char *list = patterns != NULL ? patterns->patterns[role] : NULL;
        if (list == NULL)
            list = default_cert_patterns[role]; /* "" stays "": matches nothing */
        if (pattern_list_matches(list, lowered_name)) {
            found = (ccesec_role)role;
            break;
        }
    }
    g_free(lowered_name);
    return found;
}

/* ---- SIP User-Agent / Server ---- */

typedef enum {
    UA_SUBSTRING, /* anywhere in the value */
    UA_WORD       /* not preceded by a letter or digit, not followed by a letter */
} ua_match;

/* First row that matches wins. A word match lets a version follow ("CVP12.6"). */
static const struct {
    const char *token;
    ua_match how;
    ccesec_role role;
} user_agent_map[] = {
    {"Cisco-SIPGateway", UA_SUBSTRING, CCESEC_ROLE_CUBE},
    {"Cisco-CUCM", UA_SUBSTRING, CCESEC_ROLE_CUCM},
    {"CVP", UA_WORD, CCESEC_ROLE_CVP},
    {"VVB", UA_WORD, CCESEC_ROLE_VVB}, /* also covers "Cisco-VVB/12.6" */
    {"VoiceBrowser", UA_SUBSTRING, CCESEC_ROLE_VVB},
    {"Cisco-CSF", UA_SUBSTRING, CCESEC_ROLE_PHONE},
    {"Jabber", UA_SUBSTRING, CCESEC_ROLE_PHONE},
    {"Cisco-CP", UA_SUBSTRING, CCESEC_ROLE_PHONE}, /* desk phones: Cisco-CP8845/14.2.1 */
};

static gboolean token_at(const char *text, const char *token, gsize token_len)
{
    return g_ascii_strncasecmp(text, token, token_len) == 0;
}

static gboolean is_word_boundary(const char *value, gsize start, gsize token_len)
{
    if (start > 0 && g_ascii_isalnum(value[start - 1]))
        return FALSE;
    return !g_ascii_isalpha(value[start + token_len]); /* NUL is not a letter */
}

static gboolean value_has_token(const char *value, gsize value_len, const char *token, ua_match how)
{
    gsize token_len = strlen(token);
    for (gsize start = 0; start + token_len <= value_len; start++) {
        if (token_at(value + start, token, token_len) &&
            (how == UA_SUBSTRING || is_word_boundary(value, start, token_len)))
            return TRUE;
    }
    return FALSE;
}

ccesec_role ccesec_role_from_user_agent(const char *value)
{
    if (value == NULL)
        return CCESEC_ROLE_UNKNOWN;
    gsize value_len = strlen(value);
    for (guint i = 0; i < G_N_ELEMENTS(user_agent_map); i++) {
        if (value_has_token(value, value_len, user_agent_map[i].token, user_agent_map[i].how))
            return user_agent_map[i].role;
    }
    return CCESEC_ROLE_UNKNOWN;
}
