/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The certificate checks of a verdict: one function per check, both sides each. */
#include <string.h>

#include "ccesec/diagnosis.h"
#include "ccesec/x509.h"
#include "text_buf.h"
#include "verdict_internal.h"

#define SECONDS_PER_DAY 86400
#define MIN_RSA_BITS    2048
#define MIN_EC_BITS     256

/* ---- The check list ---- */

ccesec_finding *ccesec_checks_find(ccesec_check_list *list, ccesec_finding_code code)
{
    guint i;

    for (i = 0; i < list->n; i++) {
        if (list->items[i].code == code)
            return &list->items[i];
    }
    return NULL;
}

void ccesec_checks_add(ccesec_check_list *list, ccesec_finding_code code, ccesec_severity severity,
                       const char *fmt, ...)
{
    ccesec_finding *item;
    va_list args;

    if (ccesec_checks_find(list, code) != NULL || list->n >= G_N_ELEMENTS(list->items))
        return;
    item = &list->items[list->n++];
    item->code = code;
    item->severity = severity;
    item->text[0] = '\0';
    if (!list->texts)
        return;
    va_start(args, fmt);
    g_vsnprintf(item->text, sizeof item->text, fmt, args);
    va_end(args);
}

/* A check that already fired for one side only gains a short mention of the other. */
static void mention_other_side(ccesec_check_list *list, ccesec_finding_code code, const char *who)
{
    ccesec_finding *item = ccesec_checks_find(list, code);
    char also[CCESEC_WHO_MAX + 32];

    if (item == NULL || !list->texts)
        return;
    g_snprintf(also, sizeof also, " (also %s's certificate)", who);
    g_strlcat(item->text, also, sizeof item->text);
}

/* ---- Names ---- */

void ccesec_clean_name(const char *in, char *out, gsize out_len)
{
    text_buf text;

    text_buf_init(&text, out, out_len);
    text_buf_put_printable(&text, in);
}

void ccesec_cert_label(const ccesec_cert *cert, char *out, gsize out_len)
{
    if (cert == NULL)
        ccesec_clean_name("no certificate", out, out_len);
    else if (cert->subject_cn[0] != '\0')
        ccesec_clean_name(cert->subject_cn, out, out_len);
    else if (cert->n_san_dns > 0 && cert->san_dns[0][0] != '\0')
        ccesec_clean_name(cert->san_dns[0], out, out_len);
    else
        ccesec_clean_name("no name", out, out_len);
}

static ccesec_side other_side(ccesec_side side)
{
    return side == CCESEC_CLIENT ? CCESEC_SERVER : CCESEC_CLIENT;
}

/* One check of one side's certificate: TRUE when it fired; its text is written when text is
 * not NULL (a judgement without texts passes NULL). */
typedef gboolean (*side_check)(const ccesec_eval_ctx *ctx, ccesec_side side, char *text, gsize len);

static void run_for_both_sides(const ccesec_eval_ctx *ctx, ccesec_check_list *list,
                               ccesec_finding_code code, ccesec_severity severity, side_check check)
{
    static const ccesec_side order[2] = {CCESEC_SERVER, CCESEC_CLIENT};
    char text[CCESEC_TEXT_MAX];
    guint i;

    for (i = 0; i < 2; i++) {
        ccesec_side side = order[i];
        if (ctx->cert[side] == NULL || !check(ctx, side, ctx->texts ? text : NULL, sizeof text))
            continue;
        if (ccesec_checks_find(list, code) != NULL)
            mention_other_side(list, code, ctx->who[side]);
        else
            ccesec_checks_add(list, code, severity, "%s", text);
    }
}

/* ---- Failing checks ---- */

static gboolean check_name(const ccesec_eval_ctx *ctx, ccesec_side side, char *text, gsize len)
{
    const char *expected = ctx->expected_name[side];
    ccesec_side peer = other_side(side);
    char label[CCESEC_NAME_MAX], wanted[CCESEC_NAME_MAX];

    if (expected == NULL || ccesec_cert_matches_name(ctx->cert[side], expected))
        return FALSE;
    if (text == NULL)
        return TRUE;
    ccesec_cert_label(ctx->cert[side], label, sizeof label);
    ccesec_clean_name(expected, wanted, sizeof wanted);
    g_snprintf(text, len,
               "%s: %s's certificate (%s) does not carry the expected name %s: reissue it with "
               "that CN/SAN or fix the name %s checks (%s)",
               ctx->leg, ctx->who[side], label, wanted, ctx->role_word[peer],
               ccesec_where_expected_name(ctx->role[peer]));
    return TRUE;
}

/* A pin the roles table could not have accepted (malformed) is ignored, not a mismatch. */
static gboolean check_pin(const ccesec_eval_ctx *ctx, ccesec_side side, char *text, gsize len)
{
    const ccesec_cert *cert = ctx->cert[side];
    guint8 wanted[CCESEC_SHA256_LEN];
    char shown[100], label[CCESEC_NAME_MAX];

    if (ctx->expected_sha256[side] == NULL ||
        !ccesec_sha256_from_text(ctx->expected_sha256[side], wanted, NULL, NULL))
        return FALSE;
    if (memcmp(wanted, cert->sha256, CCESEC_SHA256_LEN) == 0)
        return FALSE;
    if (text == NULL)
        return TRUE;
    ccesec_sha256_to_text(cert->sha256, shown, sizeof shown);
    ccesec_cert_label(cert, label, sizeof label);
    g_snprintf(text, len,
               "%s: %s's certificate (%s) has SHA-256 %s, not the pinned one: the certificate "
               "was replaced; if that was intended, update the pin in the roles table",
               ctx->leg, ctx->who[side], label, shown);
    return TRUE;
}

/* Validity is only judged with both a packet time and dates from the certificate. */
static gboolean can_check_validity(const ccesec_eval_ctx *ctx, const ccesec_cert *cert)
{
    return ctx->now > 0 && (cert->not_before != 0 || cert->not_after != 0);
}

static gboolean check_expired(const ccesec_eval_ctx *ctx, ccesec_side side, char *text, gsize len)
{
    const ccesec_cert *cert = ctx->cert[side];
    ccesec_side peer = other_side(side);
    char when[32], label[CCESEC_NAME_MAX];

    if (!can_check_validity(ctx, cert) || ctx->now <= cert->not_after)
        return FALSE;
    if (text == NULL)
        return TRUE;
    ccesec_time_to_text(cert->not_after, when, sizeof when);
    ccesec_cert_label(cert, label, sizeof label);
    g_snprintf(text, len,
               "%s: %s's certificate (%s) expired on %s: renew it and import the new one (or its "
               "CA) into %s's trust store (%s)",
               ctx->leg, ctx->who[side], label, when, ctx->role_word[peer],
               ccesec_where_trust_store(ctx->role[peer]));
    return TRUE;
}

static gboolean check_not_yet_valid(const ccesec_eval_ctx *ctx, ccesec_side side, char *text,
                                    gsize len)
{
    const ccesec_cert *cert = ctx->cert[side];
    char when[32], label[CCESEC_NAME_MAX];

    if (!can_check_validity(ctx, cert) || ctx->now >= cert->not_before)
        return FALSE;
    if (text == NULL)
        return TRUE;
    ccesec_time_to_text(cert->not_before, when, sizeof when);
    ccesec_cert_label(cert, label, sizeof label);
    g_snprintf(text, len,
               "%s: %s's certificate (%s) is not valid before %s: check the clock (NTP) of %s and "
               "%s, or reissue the certificate",
               ctx->leg, ctx->who[side], label, when, ctx->role_word[CCESEC_CLIENT],
               ctx->role_word[CCESEC_SERVER]);
    return TRUE;
}

static void check_client_cert_missing(const ccesec_eval_ctx *ctx, ccesec_check_list *list)
{
    ccesec_alert_context alert = {0};
    char advice[CCESEC_TEXT_MAX];

    if (!ctx->facts->cert_request || !ctx->facts->client_cert_empty)
        return;
    if (!list->texts) {
        ccesec_checks_add(list, CCESEC_FIND_CLIENT_CERT_MISSING, CCESEC_SEV_ERROR, "%s", "");
        return;
    }
    /* The same words as the certificate_required alert a TLS 1.3 server would send. */
    alert.alert_desc = 116;
    alert.sender = ctx->role[CCESEC_SERVER];
    alert.receiver = ctx->role[CCESEC_CLIENT];
    alert.sender_is_client = FALSE;
    alert.cert_request = TRUE;
    alert.client_cert_empty = TRUE;
    ccesec_diagnose_alert(&alert, advice, sizeof advice);
    ccesec_checks_add(list, CCESEC_FIND_CLIENT_CERT_MISSING, CCESEC_SEV_ERROR,
                      "%s: %s asked %s for a certificate and got none. %s", ctx->leg,
                      ctx->who[CCESEC_SERVER], ctx->who[CCESEC_CLIENT], advice);
}

/* ---- Weak certificates ---- */

static gboolean check_key(const ccesec_eval_ctx *ctx, ccesec_side side, char *text, gsize len)
{
    const ccesec_cert *cert = ctx->cert[side];
    char key[48], label[CCESEC_NAME_MAX];

    switch (cert->key_type) {
    case CCESEC_KEY_RSA:
        if (cert->key_bits == 0 || cert->key_bits >= MIN_RSA_BITS)
            return FALSE;
        g_snprintf(key, sizeof key, "a %u-bit RSA key", cert->key_bits);
        break;
    case CCESEC_KEY_EC:
        if (cert->key_bits == 0 || cert->key_bits >= MIN_EC_BITS)
            return FALSE;
        g_snprintf(key, sizeof key, "a %u-bit EC key", cert->key_bits);
        break;
    case CCESEC_KEY_DSA:
        g_strlcpy(key, "a DSA key", sizeof key);
        break;
    default:
        return FALSE;
    }
    if (text == NULL)
        return TRUE;
    ccesec_cert_label(cert, label, sizeof label);
    g_snprintf(text, len,
               "%s: %s's certificate (%s) has %s: reissue it with RSA 2048 bits or more, or "
               "ECDSA P-256",
               ctx->leg, ctx->who[side], label, key);
    return TRUE;
}

static gboolean check_signature(const ccesec_eval_ctx *ctx, ccesec_side side, char *text, gsize len)
{
    const ccesec_cert *cert = ctx->cert[side];
    char label[CCESEC_NAME_MAX], alg[sizeof cert->sig_alg];
    const char *hash;

    if (cert->sig_hash == CCESEC_HASH_SHA1)
        hash = "SHA-1";
    else if (cert->sig_hash == CCESEC_HASH_MD5)
        hash = "MD5";
    else
        return FALSE;
    if (text == NULL)
        return TRUE;
    ccesec_cert_label(cert, label, sizeof label);
    ccesec_clean_name(cert->sig_alg[0] ? cert->sig_alg : hash, alg, sizeof alg);
    g_snprintf(text, len,
               "%s: %s's certificate (%s) is signed with %s (%s): reissue it with a SHA-256 "
               "signature",
               ctx->leg, ctx->who[side], label, alg, hash);
    return TRUE;
}

/* ---- Notes ---- */

static gboolean check_self_signed(const ccesec_eval_ctx *ctx, ccesec_side side, char *text,
                                  gsize len)
{
    ccesec_side peer = other_side(side);
    char label[CCESEC_NAME_MAX];

    if (!ctx->cert[side]->self_signed)
        return FALSE;
    if (text == NULL)
        return TRUE;
    ccesec_cert_label(ctx->cert[side], label, sizeof label);
    g_snprintf(text, len,
               "%s: %s's certificate (%s) is self-signed: it must be imported into %s's trust "
               "store: %s",
               ctx->leg, ctx->who[side], label, ctx->role_word[peer],
               ccesec_where_trust_store(ctx->role[peer]));
    return TRUE;
}

static gboolean check_expiring(const ccesec_eval_ctx *ctx, ccesec_side side, char *text, gsize len)
{
    const ccesec_cert *cert = ctx->cert[side];
    gint64 window = (gint64)ctx->policy->expiry_warning_days * SECONDS_PER_DAY;
    char when[32], label[CCESEC_NAME_MAX];

    if (window == 0 || !can_check_validity(ctx, cert) || ctx->now > cert->not_after ||
        cert->not_after - ctx->now > window)
        return FALSE;
    if (text == NULL)
        return TRUE;
    ccesec_time_to_text(cert->not_after, when, sizeof when);
    ccesec_cert_label(cert, label, sizeof label);
    g_snprintf(text, len,
               "%s: %s's certificate (%s) expires on %s (within %u days): renew it and import "
               "the new one into %s's trust store",
               ctx->leg, ctx->who[side], label, when, ctx->policy->expiry_warning_days,
               ctx->role_word[other_side(side)]);
    return TRUE;
}

static void check_unparsed(const ccesec_eval_ctx *ctx, ccesec_check_list *list)
{
    if (!ctx->facts->server_cert_unparsed)
        return;
    ccesec_checks_add(list, CCESEC_FIND_CERT_UNPARSED, CCESEC_SEV_NOTE,
                      "%s: the certificate %s presented could not be parsed: its name, validity "
                      "and key were not checked",
                      ctx->leg, ctx->who[CCESEC_SERVER]);
}

void ccesec_cert_checks_run(const ccesec_eval_ctx *ctx, ccesec_check_list *list)
{
    run_for_both_sides(ctx, list, CCESEC_FIND_NAME_MISMATCH, CCESEC_SEV_ERROR, check_name);
    run_for_both_sides(ctx, list, CCESEC_FIND_PIN_MISMATCH, CCESEC_SEV_ERROR, check_pin);
    run_for_both_sides(ctx, list, CCESEC_FIND_CERT_EXPIRED, CCESEC_SEV_ERROR, check_expired);
    run_for_both_sides(ctx, list, CCESEC_FIND_CERT_NOT_YET_VALID, CCESEC_SEV_ERROR,
                       check_not_yet_valid);
    check_client_cert_missing(ctx, list);
    run_for_both_sides(ctx, list, CCESEC_FIND_WEAK_KEY, CCESEC_SEV_WARN, check_key);
    run_for_both_sides(ctx, list, CCESEC_FIND_WEAK_SIGNATURE, CCESEC_SEV_WARN, check_signature);
    run_for_both_sides(ctx, list, CCESEC_FIND_SELF_SIGNED, CCESEC_SEV_NOTE, check_self_signed);
    run_for_both_sides(ctx, list, CCESEC_FIND_CERT_EXPIRING, CCESEC_SEV_NOTE, check_expiring);
    check_unparsed(ctx, list);
}
