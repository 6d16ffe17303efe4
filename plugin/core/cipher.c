/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TLS versions, cipher suites and alerts: names and strength. */
#include <string.h>

#include "ccesec/cipher.h"
#include "cipher_table.h"

/* ---- Versions ---- */

#define TLS13_DRAFT_PREFIX 0x7f00
#define TLS13_DRAFT_MAX    28 /* draft-ietf-tls-tls13-28 was the last before RFC 8446 */

/* Static strings so callers never own the result. */
static const char *const tls13_draft_names[TLS13_DRAFT_MAX + 1] = {
    NULL,
    "TLS 1.3 draft 1",
    "TLS 1.3 draft 2",
    "TLS 1.3 draft 3",
    "TLS 1.3 draft 4",
    "TLS 1.3 draft 5",
    "TLS 1.3 draft 6",
    "TLS 1.3 draft 7",
    "TLS 1.3 draft 8",
    "TLS 1.3 draft 9",
    "TLS 1.3 draft 10",
    "TLS 1.3 draft 11",
    "TLS 1.3 draft 12",
    "TLS 1.3 draft 13",
    "TLS 1.3 draft 14",
    "TLS 1.3 draft 15",
    "TLS 1.3 draft 16",
    "TLS 1.3 draft 17",
    "TLS 1.3 draft 18",
    "TLS 1.3 draft 19",
    "TLS 1.3 draft 20",
    "TLS 1.3 draft 21",
    "TLS 1.3 draft 22",
    "TLS 1.3 draft 23",
    "TLS 1.3 draft 24",
    "TLS 1.3 draft 25",
    "TLS 1.3 draft 26",
    "TLS 1.3 draft 27",
    "TLS 1.3 draft 28",
};

static gboolean is_tls13_draft(guint16 version)
{
    guint draft = version & 0xff;
    return (version & 0xff00) == TLS13_DRAFT_PREFIX && draft >= 1 && draft <= TLS13_DRAFT_MAX;
}

const char *ccesec_tls_version_name(guint16 version)
{
    switch (version) {
    case CCESEC_SSL30:
        return "SSL 3.0";
    case CCESEC_TLS10:
        return "TLS 1.0";
    case CCESEC_TLS11:
        return "TLS 1.1";
    case CCESEC_TLS12:
        return "TLS 1.2";
    case CCESEC_TLS13:
        return "TLS 1.3";
    default:
        break;
    }
    if (is_tls13_draft(version))
        return tls13_draft_names[version & 0xff];
    return NULL;
}

guint ccesec_tls_version_rank(guint16 version)
{
    if (is_tls13_draft(version))
        return ccesec_tls_version_rank(CCESEC_TLS13);
    /* 0x0300..0x0304 are consecutive, so the minor byte orders them. */
    if (version >= CCESEC_SSL30 && version <= CCESEC_TLS13)
        return (guint)(version - CCESEC_SSL30) + 1;
    return 0;
}

/* ---- Cipher suites ---- */

static const ccesec_cipher_row *find_row(guint16 suite)
{
    gsize lo = 0, hi = ccesec_cipher_row_count;

    while (lo < hi) {
        gsize mid = lo + (hi - lo) / 2;
        guint16 id = ccesec_cipher_rows[mid].id;
        if (id == suite)
            return &ccesec_cipher_rows[mid];
        if (id < suite)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *ccesec_cipher_name(guint16 suite)
{
    const ccesec_cipher_row *row = find_row(suite);
    return row ? row->name : NULL;
}

static gboolean has_suffix(const char *name, const char *suffix)
{
    return g_str_has_suffix(name, suffix);
}

static guint flags_from_name(const char *name)
{
    guint flags = 0;

    /* RFC 9150's TLS_SHA256_SHA256 / TLS_SHA384_SHA384 are integrity-only as well. */
    if (strstr(name, "_WITH_NULL_") || strcmp(name, "TLS_NULL_WITH_NULL_NULL") == 0 ||
        strcmp(name, "TLS_SHA256_SHA256") == 0 || strcmp(name, "TLS_SHA384_SHA384") == 0)
        flags |= CCESEC_CIPHER_NULL_ENC;
    if (strstr(name, "_anon_"))
        flags |= CCESEC_CIPHER_ANON;
    if (strstr(name, "EXPORT"))
        flags |= CCESEC_CIPHER_EXPORT;
    if (strstr(name, "RC4"))
        flags |= CCESEC_CIPHER_RC4;
    if (strstr(name, "_DES") || strstr(name, "3DES"))
        flags |= CCESEC_CIPHER_DES;
    if (has_suffix(name, "_MD5"))
        flags |= CCESEC_CIPHER_MD5;
    if (g_str_has_prefix(name, "TLS_RSA_WITH_") || g_str_has_prefix(name, "TLS_RSA_EXPORT") ||
        g_str_has_prefix(name, "TLS_RSA_PSK"))
        flags |= CCESEC_CIPHER_RSA_KEX;
    if (has_suffix(name, "_CBC_SHA"))
        flags |= CCESEC_CIPHER_CBC_SHA1;
    return flags;
}

/* A site's connections negotiate one or two suites: the last answer is kept, so a name is
 * matched once per change of suite rather than on every verdict (dissection runs on one
 * thread). */
guint ccesec_cipher_flags(guint16 suite)
{
    static gboolean known;
    static guint16 last_suite;
    static guint last_flags;
    if (!known || suite != last_suite) {
        const char *name = ccesec_cipher_name(suite);
        last_flags = name ? flags_from_name(name) : CCESEC_CIPHER_UNKNOWN;
        last_suite = suite;
        known = TRUE;
    }
    return last_flags;
}

#define WEAK_FLAGS                                                                                 \
    (CCESEC_CIPHER_NULL_ENC | CCESEC_CIPHER_ANON | CCESEC_CIPHER_EXPORT | CCESEC_CIPHER_RC4 |      \
     CCESEC_CIPHER_DES | CCESEC_CIPHER_MD5)
#define LEGACY_FLAGS (CCESEC_CIPHER_RSA_KEX | CCESEC_CIPHER_CBC_SHA1)

gboolean ccesec_cipher_is_weak(guint16 suite, gboolean strict)
{
    guint flags = ccesec_cipher_flags(suite);
    guint weak = strict ? (WEAK_FLAGS | LEGACY_FLAGS) : WEAK_FLAGS;
    return (flags & weak) != 0;
}

gboolean ccesec_cipher_is_legacy(guint16 suite)
{
    return (ccesec_cipher_flags(suite) & LEGACY_FLAGS) != 0;
}

/* Worst first: the phrase names the property that matters most to the reader. */
static const struct {
    guint flag;
    const char *phrase;
} weakness_phrases[] = {
    {CCESEC_CIPHER_NULL_ENC, "no encryption (NULL cipher)"},
    {CCESEC_CIPHER_ANON, "anonymous (no authentication)"},
    {CCESEC_CIPHER_EXPORT, "export-grade"},
    {CCESEC_CIPHER_RC4, "RC4"},
    {CCESEC_CIPHER_DES, "DES/3DES"},
    {CCESEC_CIPHER_MD5, "MD5 MAC"},
    {CCESEC_CIPHER_RSA_KEX, "RSA key transport (no forward secrecy)"},
    {CCESEC_CIPHER_CBC_SHA1, "CBC with HMAC-SHA1"},
};

const char *ccesec_cipher_weakness(guint16 suite, gboolean strict)
{
    guint flags = ccesec_cipher_flags(suite);
    guint considered = strict ? (WEAK_FLAGS | LEGACY_FLAGS) : WEAK_FLAGS;
    gsize i;

    if (flags & CCESEC_CIPHER_UNKNOWN)
        return NULL;
    for (i = 0; i < G_N_ELEMENTS(weakness_phrases); i++) {
        if (flags & considered & weakness_phrases[i].flag)
            return weakness_phrases[i].phrase;
    }
    return NULL;
}

/* ---- Alerts (RFC 8446 section 6, RFC 5246 section 7.2, RFC 6066, RFC 7301) ---- */

const char *ccesec_alert_name(guint8 description)
{
    switch (description) {
    case 0:
        return "close_notify";
    case 10:
        return "unexpected_message";
    case 20:
        return "bad_record_mac";
    case 21:
        return "decryption_failed";
    case 22:
        return "record_overflow";
    case 30:
        return "decompression_failure";
    case 40:
        return "handshake_failure";
    case 41:
        return "no_certificate";
    case 42:
        return "bad_certificate";
    case 43:
        return "unsupported_certificate";
    case 44:
        return "certificate_revoked";
    case 45:
        return "certificate_expired";
    case 46:
        return "certificate_unknown";
    case 47:
        return "illegal_parameter";
    case 48:
        return "unknown_ca";
    case 49:
        return "access_denied";
    case 50:
        return "decode_error";
    case 51:
        return "decrypt_error";
    case 60:
        return "export_restriction";
    case 70:
        return "protocol_version";
    case 71:
        return "insufficient_security";
    case 80:
        return "internal_error";
    case 86:
        return "inappropriate_fallback";
    case 90:
        return "user_canceled";
    case 100:
        return "no_renegotiation";
    case 109:
        return "missing_extension";
    case 110:
        return "unsupported_extension";
    case 111:
        return "certificate_unobtainable";
    case 112:
        return "unrecognized_name";
    case 113:
        return "bad_certificate_status_response";
    case 114:
        return "bad_certificate_hash_value";
    case 115:
        return "unknown_psk_identity";
    case 116:
        return "certificate_required";
    case 120:
        return "no_application_protocol";
    default:
        return NULL;
    }
}
