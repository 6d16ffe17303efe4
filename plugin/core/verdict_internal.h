/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to verdict.c and cert_checks.c: the evaluation context and the check list. */
#ifndef CCESEC_VERDICT_INTERNAL_H
#define CCESEC_VERDICT_INTERNAL_H

#include "ccesec/verdict.h"

#define CCESEC_WHO_MAX 192

typedef struct {
    const ccesec_conn_facts *facts;
    const ccesec_peers *peers;
    const ccesec_policy *policy;
    gint64 now;
    const char *leg;              /* "CVP-CUCM" */
    ccesec_role role[2];          /* by ccesec_side */
    const char *role_word[2];     /* "CVP", or "client"/"server" when unknown */
    char who[2][CCESEC_WHO_MAX];  /* "CVP 198.18.133.13" */
    const ccesec_cert *cert[2];   /* by side, NULL when not seen */
    const char *expected_name[2]; /* NULL when empty */
    const char *expected_sha256[2];
    gboolean texts; /* write the sentences; FALSE: decide status and codes only */
} ccesec_eval_ctx;

/* Every check that applies, at most one per code, in the order found. */
typedef struct {
    ccesec_finding items[CCESEC_FIND_COUNT];
    guint n;
    gboolean texts; /* FALSE: items keep their code and severity, their text stays "" */
} ccesec_check_list;

ccesec_finding *ccesec_checks_find(ccesec_check_list *list, ccesec_finding_code code);
void ccesec_checks_add(ccesec_check_list *list, ccesec_finding_code code, ccesec_severity severity,
                       const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* Copies a name that came off the wire keeping printable ASCII only ('?' otherwise). */
void ccesec_clean_name(const char *in, char *out, gsize out_len);
/* "CN" of a certificate for messages: subject CN, else first SAN dNSName, else "no name". */
void ccesec_cert_label(const ccesec_cert *cert, char *out, gsize out_len);

/* Adds the certificate findings (name, pin, validity, missing client certificate, key,
 * signature, self-signed, expiring, unparsed) for both sides. */
void ccesec_cert_checks_run(const ccesec_eval_ctx *ctx, ccesec_check_list *list);

#endif
