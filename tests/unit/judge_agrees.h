/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plugin judges each change of facts without texts (ccesec_judge) and writes them only
 * when shown (ccesec_evaluate). Every verdict the unit tests make is checked both ways: the
 * two must decide the same status, severity, completion and findings, in the same order.
 */
#ifndef CCESEC_TEST_JUDGE_AGREES_H
#define CCESEC_TEST_JUDGE_AGREES_H

#include <glib.h>

#include "ccesec/verdict.h"

static inline void assert_judge_agrees(const ccesec_conn_facts *facts, const ccesec_peers *peers,
                                       const ccesec_policy *policy, gint64 now,
                                       const ccesec_verdict *full)
{
    static ccesec_verdict judged; /* 6.6 KB: off the stack */
    ccesec_judge(facts, peers, policy, now, &judged);
    g_assert_cmpint(judged.status, ==, full->status);
    g_assert_cmpint(judged.severity, ==, full->severity);
    g_assert_cmpint(judged.handshake_complete, ==, full->handshake_complete);
    g_assert_cmpstr(judged.reason, ==, "");
    g_assert_cmpuint(judged.n_findings, ==, full->n_findings);
    for (guint i = 0; i < full->n_findings; i++) {
        g_assert_cmpint(judged.findings[i].code, ==, full->findings[i].code);
        g_assert_cmpint(judged.findings[i].severity, ==, full->findings[i].severity);
        g_assert_cmpstr(judged.findings[i].text, ==, "");
    }
}

#endif
