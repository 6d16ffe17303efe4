/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for SIP and SDP reading and the calls store: any bytes, split into up to
 * four SIP messages on two connections, must parse and group without a crash, a leak or a
 * read past the buffer; every leg stays inside its call's bounds.
 */
#include "ccesec/calls.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_calls(const ccesec_calls *calls)
{
    for (guint i = 0; i < ccesec_calls_count(calls); i++) {
        const ccesec_call *call = ccesec_calls_get(calls, i);
        if (call->n_legs > CCESEC_CALL_MAX_LEGS)
            abort();
        for (guint j = 0; j < call->n_legs; j++)
            if (call->legs[j] >= ccesec_calls_leg_count(calls))
                abort();
        if (ccesec_calls_root(calls, i) >= ccesec_calls_count(calls))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ccesec_calls *calls = ccesec_calls_new(4);
    /* Messages are separated by a 0xff byte; each is a heap copy of exactly its bytes. */
    size_t start = 0;
    for (int n = 0; n < 4 && start <= size; n++) {
        const uint8_t *end = memchr(data + start, 0xff, size - start);
        size_t len = end ? (size_t)(end - (data + start)) : size - start;
        char *copy = g_memdup2(data + start, len);
        ccesec_sip_msg msg;
        if (ccesec_sip_msg_parse(copy, len, &msg)) {
            if (msg.body && (msg.body < copy || msg.body + msg.body_len > copy + len))
                abort();
            gint leg = ccesec_calls_add_message(calls, &msg, (guint32)(n & 1), n < 2, n);
            if (leg >= 0) {
                ccesec_leg_signalling sig = {(ccesec_sig_protection)(n % 4), n == 3, FALSE,
                                             "CUBE-CVP"};
                ccesec_leg_verdict verdict;
                char text[CCESEC_CALL_TEXT_MAX];
                ccesec_leg_evaluate(ccesec_calls_leg(calls, (guint)leg), &sig, &verdict);
                ccesec_leg_media_text(ccesec_calls_leg(calls, (guint)leg), text, sizeof text);
            }
        }
        ccesec_sdp sdp;
        ccesec_sdp_parse(copy, len, &sdp);
        g_free(copy);
        start += len + 1;
    }
    ccesec_addr a, b;
    const guint8 v4a[4] = {198, 18, 133, 226}, v4b[4] = {198, 18, 133, 101};
    ccesec_addr_from_ipv4(&a, v4a);
    ccesec_addr_from_ipv4(&b, v4b);
    ccesec_calls_media_packet(calls, &a, 16384, &b, 20000, 9.0);
    check_calls(calls);
    ccesec_calls_free(calls);
    return 0;
}
