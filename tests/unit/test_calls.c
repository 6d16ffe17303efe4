/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SIP and SDP reading, call grouping across legs, and the media rules. */
#include "ccesec/calls.h"

#include <string.h>

#define GUID_DEC "1234567890-2345678901-3456789012-4034567890"
#define GUID_HEX "499602D28BD03835CE0A6A14F07A9ED2"

/* ---- SIP and SDP ---- */

static const char INVITE[] =
    "INVITE sip:7800@198.18.133.13:5061;transport=tls SIP/2.0\r\n"
    "Via: SIP/2.0/TLS 198.18.133.226:5061;branch=z9hG4bK1\r\n"
    "i: 0A1B2C3D-4E5F6071@198.18.133.226\r\n"
    "CSeq: 101 INVITE\r\n"
    "Cisco-Guid: " GUID_DEC "\r\n"
    "Session-ID: ab30317f1a784dc48ff824d0d3715d86;remote=00000000000000000000000000000000\r\n"
    "c: application/sdp\r\n"
    "Content-Length: 213\r\n"
    "\r\n"
    "v=0\r\n"
    "o=CiscoSystemsSIP-GW-UserAgent 1 2 IN IP4 198.18.133.226\r\n"
    "s=SIP Call\r\n"
    "c=IN IP4 198.18.133.226\r\n"
    "t=0 0\r\n"
    "m=audio 16384 RTP/SAVP 0\r\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n"
    "extra bytes past Content-Length are not SDP\r\n";

static void test_sip_request(void)
{
    ccesec_sip_msg msg;
    g_assert_true(ccesec_sip_msg_parse(INVITE, strlen(INVITE), &msg));
    g_assert_true(msg.is_request);
    g_assert_cmpstr(msg.method, ==, "INVITE");
    g_assert_cmpstr(msg.cseq_method, ==, "INVITE");
    g_assert_cmpstr(msg.call_id, ==, "0A1B2C3D-4E5F6071@198.18.133.226");
    g_assert_cmpstr(msg.cisco_guid, ==, GUID_DEC);
    g_assert_true(msg.body_is_sdp);
    g_assert_cmpuint(msg.body_len, ==, 213);
    ccesec_sdp sdp;
    g_assert_true(ccesec_sdp_parse(msg.body, msg.body_len, &sdp));
    g_assert_cmpuint(sdp.n_media, ==, 1);
    g_assert_cmpuint(sdp.media[0].port, ==, 16384);
    g_assert_cmpint(sdp.media[0].proto, ==, CCESEC_MEDIA_RTP_SAVP);
    g_assert_cmpuint(sdp.media[0].addr.family, ==, 4);
    g_assert_cmpuint(sdp.media[0].addr.bytes[3], ==, 226);
    g_assert_cmpuint(sdp.media[0].n_crypto, ==, 1);
    g_assert_cmpstr(sdp.media[0].crypto_suite[0], ==, "AES_CM_128_HMAC_SHA1_80");
}

static void test_sip_response_and_headers(void)
{
    static const char text[] = "SIP/2.0 200 OK\r\n"
                               "Call-ID: x@y\r\n"
                               "CSeq: 7 BYE\r\n"
                               "Replaces: abc@host;to-tag=1;from-tag=2\r\n"
                               "Referred-By: <sip:1001@198.18.133.3>\r\n"
                               "Diversion: <sip:7800@198.18.133.3>;reason=unconditional\r\n"
                               "\r\n";
    ccesec_sip_msg msg;
    g_assert_true(ccesec_sip_msg_parse(text, strlen(text), &msg));
    g_assert_false(msg.is_request);
    g_assert_cmpuint(msg.status, ==, 200);
    g_assert_cmpstr(msg.cseq_method, ==, "BYE");
    g_assert_cmpstr(msg.replaces_call_id, ==, "abc@host");
    g_assert_true(msg.referred_by);
    g_assert_true(msg.diversion);
    g_assert_null(msg.body);
}

static void test_sdp_transports_and_limits(void)
{
    static const char text[] = "v=0\n"
                               "c=IN IP6 2001:db8::101\n"
                               "m=audio 20000 RTP/AVP 0\n"
                               "m=video 0 RTP/SAVPF 96\n"
                               "m=audio 20002 UDP/TLS/RTP/SAVP 0\n"
                               "c=IN IP4 224.2.1.1/127\n"
                               "m=audio 1 RTP/AVPF 0\n"
                               "m=audio 99999 RTP/SAVP 0\n"
                               "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x\n";
    ccesec_sdp sdp;
    g_assert_true(ccesec_sdp_parse(text, strlen(text), &sdp));
    g_assert_cmpuint(sdp.n_media, ==, CCESEC_SDP_MAX_MEDIA);
    g_assert_cmpint(sdp.media[0].proto, ==, CCESEC_MEDIA_RTP_AVP);
    g_assert_cmpuint(sdp.media[0].addr.family, ==, 6); /* the session c= line */
    g_assert_cmpint(sdp.media[1].proto, ==, CCESEC_MEDIA_RTP_SAVP);
    g_assert_cmpuint(sdp.media[1].port, ==, 0);
    g_assert_cmpint(sdp.media[2].proto, ==, CCESEC_MEDIA_DTLS_SRTP);
    /* a multicast c= with a TTL is not a unicast media address; the session one stays */
    g_assert_cmpuint(sdp.media[2].addr.family, ==, 6);
    g_assert_cmpint(sdp.media[3].proto, ==, CCESEC_MEDIA_RTP_AVP);
    /* the fifth m= line is past the limit: its a=crypto is not put on the fourth */
    g_assert_cmpuint(sdp.media[3].n_crypto, ==, 0);
    g_assert_cmpstr(ccesec_media_proto_name(CCESEC_MEDIA_DTLS_SRTP), ==, "UDP/TLS/RTP/SAVP");
}

static void test_malformed_input(void)
{
    ccesec_sip_msg msg;
    ccesec_sdp sdp;
    g_assert_false(ccesec_sip_msg_parse(NULL, 0, &msg));
    g_assert_false(ccesec_sip_msg_parse("", 0, &msg));
    g_assert_false(ccesec_sip_msg_parse("HTTP/1.1 200 OK\r\n\r\n", 19, &msg));
    g_assert_false(ccesec_sip_msg_parse("SIP/2.0 2x0 OK\r\n", 16, &msg));
    g_assert_false(ccesec_sip_msg_parse("INV1TE x SIP/2.0", 16, &msg));
    /* No NUL terminator and a cut in the middle of every line: never reads past len. */
    for (gsize cut = 0; cut < sizeof INVITE - 1; cut++) {
        char *copy = g_memdup2(INVITE, cut);
        if (ccesec_sip_msg_parse(copy, cut, &msg) && msg.body)
            g_assert_true(msg.body + msg.body_len <= copy + cut);
        ccesec_sdp_parse(copy, cut, &sdp);
        g_free(copy);
    }
    /* Long values are cut, control bytes replaced. */
    GString *big = g_string_new("BYE sip:x SIP/2.0\r\nCall-ID: ");
    for (int i = 0; i < 500; i++)
        g_string_append_c(big, 'a');
    g_string_append(big, "\001\r\nm=audio 99999999999999999999 RTP/SAVP\r\n");
    g_assert_true(ccesec_sip_msg_parse(big->str, big->len, &msg));
    g_assert_cmpuint(strlen(msg.call_id), ==, CCESEC_SIP_TOKEN_MAX - 1);
    g_assert_true(ccesec_sdp_parse("m=audio 99999999999999999999 RTP/SAVP\n", 38, &sdp));
    g_assert_cmpuint(sdp.media[0].port, ==, 0);
    g_assert_false(ccesec_sdp_parse("m=audio\nc=IN\na=crypto:\n", 23, &sdp) &&
                   sdp.media[0].proto != CCESEC_MEDIA_NONE);
    g_string_free(big, TRUE);
}

/* ---- Identifiers ---- */

static void test_guid_forms(void)
{
    char out[33];
    g_assert_true(ccesec_guid_normalise(GUID_DEC, out));
    g_assert_cmpstr(out, ==, GUID_HEX);
    g_assert_true(ccesec_guid_normalise("499602d2-8bd03835-ce0a6a14-f07a9ed2", out));
    g_assert_cmpstr(out, ==, GUID_HEX);
    g_assert_true(ccesec_guid_normalise("0x499602D28BD03835CE0A6A14F07A9ED2", out));
    g_assert_cmpstr(out, ==, GUID_HEX);
    g_assert_false(ccesec_guid_normalise("4294967296-1-2-3", out)); /* word too large */
    g_assert_false(ccesec_guid_normalise("1-2-3", out));
    g_assert_false(ccesec_guid_normalise("1234567890-2345678901-3456789012-4567890123", out));
    g_assert_false(ccesec_guid_normalise("499602D28BD03835CE0A6A14F07A9ED", out));
    g_assert_false(ccesec_guid_normalise("", out));
    g_assert_true(
        ccesec_gucid_from_call_id("499602D2-8BD03835-CE0A6A14-F07A9ED2@198.18.133.13", out));
    g_assert_cmpstr(out, ==, GUID_HEX);
    g_assert_false(ccesec_gucid_from_call_id("0A1B2C3D-4E5F6071@198.18.133.226", out));
    g_assert_true(ccesec_session_uuid("AB30317F1A784DC48FF824D0D3715D86", TRUE, out));
    g_assert_cmpstr(out, ==, "ab30317f1a784dc48ff824d0d3715d86");
    g_assert_true(ccesec_session_uuid(
        "47755a9de7794ba387653f2099600ef2;remote=ab30317f1a784dc48ff824d0d3715d86", FALSE, out));
    g_assert_cmpstr(out, ==, "ab30317f1a784dc48ff824d0d3715d86");
    g_assert_false(ccesec_session_uuid("00000000000000000000000000000000", TRUE, out));
}

/* ---- Calls ---- */

static GString *message(const char *first_line, const char *call_id, const char *extra,
                        const char *media_addr, guint port, const char *proto, gboolean crypto)
{
    GString *m = g_string_new(first_line);
    g_string_append_printf(m, "\r\nCall-ID: %s\r\nCSeq: 1 INVITE\r\n%s", call_id, extra);
    if (media_addr) {
        GString *sdp = g_string_new("v=0\r\n");
        g_string_append_printf(sdp, "c=IN IP4 %s\r\nm=audio %u %s 0\r\n", media_addr, port, proto);
        if (crypto)
            g_string_append(sdp, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:k\r\n");
        g_string_append_printf(m, "Content-Type: application/sdp\r\nContent-Length: %u\r\n\r\n%s",
                               (guint)sdp->len, sdp->str);
        g_string_free(sdp, TRUE);
    } else {
        g_string_append(m, "\r\n");
    }
    return m;
}

static gint feed(ccesec_calls *calls, guint32 conn, gboolean from_client, GString *m)
{
    ccesec_sip_msg msg;
    g_assert_true(ccesec_sip_msg_parse(m->str, m->len, &msg));
    gint leg = ccesec_calls_add_message(calls, &msg, conn, from_client, 1.0);
    g_string_free(m, TRUE);
    return leg;
}

static const char *call_of(ccesec_calls *calls, gint leg)
{
    g_assert_cmpint(leg, >=, 0);
    guint call = ccesec_calls_root(calls, ccesec_calls_leg(calls, (guint)leg)->call);
    return ccesec_calls_get(calls, call)->id;
}

#define INV "INVITE sip:x@y SIP/2.0"
#define OK  "SIP/2.0 200 OK"

/* CUBE->CVP, CVP->VVB, CVP->CUCM share the GUID; CUCM->phone carries CUCM's own GUID and
 * joins because the phone's answer names the media address CUCM also gave CVP. */
static void test_whole_call(void)
{
    ccesec_calls *calls = ccesec_calls_new(16);
    const char *guid = "Cisco-Guid: " GUID_DEC "\r\n";
    gint cube_cvp = feed(calls, 1, TRUE,
                         message(INV, "a@cube", guid, "198.18.133.226", 16384, "RTP/SAVP", TRUE));
    gint cvp_vvb = feed(calls, 2, TRUE,
                        message(INV, "b@cvp", guid, "198.18.133.226", 16384, "RTP/SAVP", TRUE));
    feed(calls, 2, FALSE, message(OK, "b@cvp", guid, "198.18.133.143", 24000, "RTP/SAVP", TRUE));
    gint cvp_cucm = feed(calls, 3, TRUE, message(INV, "c@cvp", guid, NULL, 0, NULL, FALSE));
    gint cucm_phone = feed(calls, 4, TRUE,
                           message(INV, "d@cucm", "Cisco-Guid: 1-2-3-4\r\n", NULL, 0, NULL, FALSE));
    g_assert_cmpstr(call_of(calls, cucm_phone), ==, "00000001000000020000000300000004");
    feed(calls, 4, FALSE, message(OK, "d@cucm", "", "198.18.133.101", 20000, "RTP/SAVP", TRUE));
    /* still alone: only the phone's leg names its address so far */
    g_assert_cmpstr(call_of(calls, cucm_phone), ==, "00000001000000020000000300000004");
    feed(calls, 3, FALSE, message(OK, "c@cvp", "", "198.18.133.101", 20000, "RTP/SAVP", TRUE));
    g_assert_cmpstr(call_of(calls, cube_cvp), ==, GUID_HEX);
    g_assert_cmpstr(call_of(calls, cvp_vvb), ==, GUID_HEX);
    g_assert_cmpstr(call_of(calls, cvp_cucm), ==, GUID_HEX);
    g_assert_cmpstr(call_of(calls, cucm_phone), ==, GUID_HEX);
    const ccesec_call *call = ccesec_calls_get(calls, 0);
    g_assert_cmpuint(call->n_legs, ==, 4);
    g_assert_cmpuint(ccesec_calls_count(calls), ==, 2);
    g_assert_cmpuint(ccesec_calls_standing(calls), ==, 1);
    g_assert_cmpuint(call->legs[3], ==, (guint)cucm_phone); /* the order crossed */
    g_assert_nonnull(
        strstr(ccesec_calls_leg(calls, (guint)cucm_phone)->joined_by, "198.18.133.101:20000"));
    g_assert_cmpuint(ccesec_calls_leg(calls, (guint)cube_cvp)->crypto_lines, ==, 1);
    /* OPTIONS makes no leg */
    GString *options = g_string_new("OPTIONS sip:x SIP/2.0\r\nCall-ID: o@cube\r\n"
                                    "CSeq: 1 OPTIONS\r\n\r\n");
    g_assert_cmpint(feed(calls, 5, TRUE, options), ==, -1);
    ccesec_calls_free(calls);
}

/* Two calls on the same connections stay apart; a new leg never joins by time alone, and
 * not through the address of a leg that has ended. */
static void test_overlapping_calls_and_no_timing(void)
{
    ccesec_calls *calls = ccesec_calls_new(16);
    gint a = feed(calls, 1, TRUE,
                  message(INV, "a@cube", "Cisco-Guid: 1-1-1-1\r\n", "198.18.133.226", 16384,
                          "RTP/AVP", FALSE));
    gint b = feed(calls, 1, TRUE,
                  message(INV, "b@cube", "Cisco-Guid: 2-2-2-2\r\n", "198.18.133.226", 16386,
                          "RTP/AVP", FALSE));
    gint a2 = feed(calls, 2, TRUE,
                   message(INV, "a2@cvp", "Cisco-Guid: 1-1-1-1\r\n", "198.18.133.226", 16384,
                           "RTP/AVP", FALSE));
    gint b2 = feed(calls, 2, TRUE,
                   message(INV, "b2@cvp", "Cisco-Guid: 2-2-2-2\r\n", "198.18.133.226", 16386,
                           "RTP/AVP", FALSE));
    g_assert_cmpstr(call_of(calls, a), ==, call_of(calls, a2));
    g_assert_cmpstr(call_of(calls, b), ==, call_of(calls, b2));
    g_assert_cmpstr(call_of(calls, a), !=, call_of(calls, b));
    gint lone = feed(calls, 3, TRUE, message(INV, "z@cucm", "", NULL, 0, NULL, FALSE));
    g_assert_cmpstr(call_of(calls, lone), ==, "call-id:z@cucm");
    /* b ends; a later dialog naming b's old address does not join it */
    GString *bye = g_string_new("BYE sip:x SIP/2.0\r\nCall-ID: b@cube\r\nCSeq: 2 BYE\r\n\r\n");
    feed(calls, 1, TRUE, bye);
    GString *bye2 = g_string_new("BYE sip:x SIP/2.0\r\nCall-ID: b2@cvp\r\nCSeq: 2 BYE\r\n\r\n");
    feed(calls, 2, TRUE, bye2);
    gint late =
        feed(calls, 4, TRUE, message(INV, "y@cucm", "", "198.18.133.226", 16386, "RTP/AVP", FALSE));
    g_assert_cmpstr(call_of(calls, late), ==, "call-id:y@cucm");
    ccesec_calls_free(calls);
}

static void test_gucid_session_and_replaces(void)
{
    ccesec_calls *calls = ccesec_calls_new(16);
    gint by_gucid = feed(calls, 1, TRUE,
                         message(INV, "499602d2-8bd03835-ce0a6a14-f07a9ed2@198.18.133.13", "", NULL,
                                 0, NULL, FALSE));
    gint by_guid = feed(calls, 2, TRUE,
                        message(INV, "q@cube", "Cisco-Guid: 0x499602D28BD03835CE0A6A14F07A9ED2\r\n",
                                NULL, 0, NULL, FALSE));
    g_assert_cmpstr(call_of(calls, by_gucid), ==, GUID_HEX);
    g_assert_cmpstr(call_of(calls, by_guid), ==, GUID_HEX);
    gint by_session = feed(calls, 3, TRUE,
                           message(INV, "s@x", "Session-ID: AB30317F1A784DC48FF824D0D3715D86\r\n",
                                   NULL, 0, NULL, FALSE));
    g_assert_cmpstr(call_of(calls, by_session), ==, "session:ab30317f1a784dc48ff824d0d3715d86");
    gint transfer = feed(calls, 4, TRUE,
                         message(INV, "t@x",
                                 "Replaces: q@cube;to-tag=1;from-tag=2\r\n"
                                 "Referred-By: <sip:1001@x>\r\n",
                                 NULL, 0, NULL, FALSE));
    g_assert_cmpstr(call_of(calls, transfer), ==, GUID_HEX);
    g_assert_true(ccesec_calls_leg(calls, (guint)transfer)->referred_by);
    g_assert_nonnull(strstr(ccesec_calls_leg(calls, (guint)transfer)->joined_by, "Replaces"));
    /* Referred-By alone names a party, not a call: no join */
    gint referred = feed(
        calls, 5, TRUE, message(INV, "r@x", "Referred-By: <sip:1001@x>\r\n", NULL, 0, NULL, FALSE));
    g_assert_cmpstr(call_of(calls, referred), ==, "call-id:r@x");
    /* ...but after a REFER in one call, the INVITE with that referrer joins it */
    GString *refer = g_string_new("REFER sip:x SIP/2.0\r\nCall-ID: q@cube\r\nCSeq: 3 REFER\r\n"
                                  "Referred-By: \"Agent\" <sip:1002@198.18.133.3>;x=1\r\n\r\n");
    feed(calls, 2, TRUE, refer);
    gint after_refer =
        feed(calls, 6, TRUE,
             message(INV, "v@x", "Referred-By: <sip:1002@198.18.133.3>\r\n", NULL, 0, NULL, FALSE));
    g_assert_cmpstr(call_of(calls, after_refer), ==, GUID_HEX);
    g_assert_nonnull(strstr(ccesec_calls_leg(calls, (guint)after_refer)->joined_by,
                            "Referred-By sip:1002@198.18.133.3"));
    /* a referrer that two calls used proves nothing */
    GString *refer2 = g_string_new("REFER sip:x SIP/2.0\r\nCall-ID: s@x\r\nCSeq: 3 REFER\r\n"
                                   "Referred-By: <sip:1002@198.18.133.3>\r\n\r\n");
    feed(calls, 3, TRUE, refer2);
    gint ambiguous =
        feed(calls, 7, TRUE,
             message(INV, "w@x", "Referred-By: <sip:1002@198.18.133.3>\r\n", NULL, 0, NULL, FALSE));
    g_assert_cmpstr(call_of(calls, ambiguous), ==, "call-id:w@x");
    ccesec_calls_free(calls);
}

static void test_limits(void)
{
    ccesec_calls *calls = ccesec_calls_new(2);
    for (int i = 0; i < 20; i++) {
        char id[32];
        g_snprintf(id, sizeof id, "%d@x", i);
        gint leg = feed(calls, 1, TRUE, message(INV, id, "", NULL, 0, NULL, FALSE));
        if (i < 2)
            g_assert_cmpint(leg, >=, 0);
        else
            g_assert_cmpint(leg, ==, -1);
    }
    g_assert_cmpuint(ccesec_calls_count(calls), ==, 2);
    g_assert_cmpuint(ccesec_calls_dropped(calls), ==, 18);
    /* One call, many legs: the call lists CCESEC_CALL_MAX_LEGS of them. */
    ccesec_calls *one = ccesec_calls_new(1);
    for (int i = 0; i < 3; i++) {
        char id[32];
        g_snprintf(id, sizeof id, "%d@x", i);
        feed(one, (guint32)i, TRUE,
             message(INV, id, "Cisco-Guid: 1-1-1-1\r\n", NULL, 0, NULL, FALSE));
    }
    g_assert_cmpuint(ccesec_calls_get(one, 0)->n_legs, ==, 3);
    ccesec_calls_free(one);
    ccesec_calls_free(calls);
}

static void test_media_packets(void)
{
    ccesec_calls *calls = ccesec_calls_new(4);
    g_assert_false(ccesec_calls_expect_media(calls));
    gint leg =
        feed(calls, 1, TRUE, message(INV, "a@x", "", "198.18.133.226", 16384, "RTP/SAVP", TRUE));
    feed(calls, 1, FALSE, message(OK, "a@x", "", "198.18.133.101", 20000, "RTP/SAVP", TRUE));
    g_assert_true(ccesec_calls_expect_media(calls));
    ccesec_addr cube, phone;
    const guint8 c[4] = {198, 18, 133, 226}, p[4] = {198, 18, 133, 101};
    ccesec_addr_from_ipv4(&cube, c);
    ccesec_addr_from_ipv4(&phone, p);
    g_assert_cmpint(ccesec_calls_media_packet(calls, &cube, 16384, &phone, 20000, 2.0), ==, leg);
    g_assert_cmpint(ccesec_calls_media_packet(calls, &phone, 20000, &cube, 16384, 2.0), ==, leg);
    g_assert_cmpint(ccesec_calls_media_packet(calls, &phone, 20000, &cube, 16386, 2.0), ==, -1);
    g_assert_cmpint(ccesec_calls_media_packet(calls, &cube, 5060, &phone, 5060, 2.0), ==, -1);
    g_assert_cmpuint(ccesec_calls_leg(calls, (guint)leg)->media_packets, ==, 2);
    char text[200];
    ccesec_leg_media_text(ccesec_calls_leg(calls, (guint)leg), text, sizeof text);
    g_assert_cmpstr(text, ==,
                    "RTP/SAVP AES_CM_128_HMAC_SHA1_80 198.18.133.226:16384 <-> "
                    "198.18.133.101:20000, 2 media packets");
    ccesec_calls_free(calls);
}

/* ---- Media rules ---- */

static ccesec_leg_verdict evaluate(const char *proto, gboolean crypto, ccesec_sig_protection prot,
                                   gboolean secure)
{
    ccesec_calls *calls = ccesec_calls_new(1);
    gint leg =
        feed(calls, 1, TRUE, message(INV, "a@x", "", "198.18.133.226", 16384, proto, crypto));
    feed(calls, 1, FALSE, message(OK, "a@x", "", "198.18.133.13", 16390, proto, crypto));
    ccesec_leg_signalling sig = {prot, secure, FALSE, "CUBE-CVP"};
    ccesec_leg_verdict v;
    ccesec_leg_evaluate(ccesec_calls_leg(calls, (guint)leg), &sig, &v);
    ccesec_calls_free(calls);
    return v;
}

static void test_media_rules(void)
{
    ccesec_leg_verdict v = evaluate("RTP/SAVP", TRUE, CCESEC_SIG_CLEAR, FALSE);
    g_assert_cmpint(v.verdict, ==, CCESEC_CALL_KEYS_EXPOSED);
    g_assert_cmpuint(v.findings, ==, 1u << CCESEC_MEDIA_FIND_KEYS_EXPOSED);
    g_assert_nonnull(strstr(v.text, "the SRTP keys of this call travel in clear on CUBE-CVP: "
                                    "anyone with this capture can decrypt its audio"));
    v = evaluate("RTP/SAVP", TRUE, CCESEC_SIG_NULL_CIPHER, FALSE);
    g_assert_cmpint(v.verdict, ==, CCESEC_CALL_KEYS_EXPOSED);
    g_assert_nonnull(strstr(v.text, "NULL cipher"));
    v = evaluate("RTP/SAVP", TRUE, CCESEC_SIG_TLS, TRUE);
    g_assert_cmpint(v.verdict, ==, CCESEC_CALL_SECURE);
    g_assert_cmpuint(v.findings, ==, 1u << CCESEC_MEDIA_FIND_SRTP);
    v = evaluate("RTP/AVP", FALSE, CCESEC_SIG_TLS, TRUE);
    g_assert_cmpint(v.verdict, ==, CCESEC_CALL_MEDIA_CLEAR);
    g_assert_cmpuint(v.findings, ==, 1u << CCESEC_MEDIA_FIND_NOT_ENCRYPTED);
    v = evaluate("RTP/AVP", FALSE, CCESEC_SIG_CLEAR, FALSE);
    g_assert_cmpint(v.verdict, ==, CCESEC_CALL_NOT_SECURE); /* the signalling says more */
    g_assert_cmpuint(v.findings, ==, 0);
    v = evaluate("UDP/TLS/RTP/SAVP", FALSE, CCESEC_SIG_CLEAR, FALSE);
    g_assert_cmpint(v.verdict, ==, CCESEC_CALL_NOT_SECURE); /* DTLS keys are not in the SDP */
    g_assert_cmpuint(v.findings, ==, 1u << CCESEC_MEDIA_FIND_SRTP);
    v = evaluate("RTP/SAVP", TRUE, CCESEC_SIG_TLS, FALSE);
    g_assert_cmpint(v.verdict, ==, CCESEC_CALL_NOT_SECURE); /* a weak TLS leg */
    g_assert_cmpstr(ccesec_call_verdict_name(CCESEC_CALL_KEYS_EXPOSED), ==, "keys-exposed");
    g_assert_cmpint(CCESEC_CALL_KEYS_EXPOSED, <, CCESEC_CALL_NOT_SECURE);
    g_assert_cmpint(CCESEC_CALL_MEDIA_CLEAR, <, CCESEC_CALL_SECURE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sip/request", test_sip_request);
    g_test_add_func("/sip/response_headers", test_sip_response_and_headers);
    g_test_add_func("/sdp/transports_limits", test_sdp_transports_and_limits);
    g_test_add_func("/sip/malformed", test_malformed_input);
    g_test_add_func("/calls/guid_forms", test_guid_forms);
    g_test_add_func("/calls/whole_call", test_whole_call);
    g_test_add_func("/calls/overlapping_no_timing", test_overlapping_calls_and_no_timing);
    g_test_add_func("/calls/gucid_session_replaces", test_gucid_session_and_replaces);
    g_test_add_func("/calls/limits", test_limits);
    g_test_add_func("/calls/media_packets", test_media_packets);
    g_test_add_func("/calls/media_rules", test_media_rules);
    return g_test_run();
}
