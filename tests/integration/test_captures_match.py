#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The committed test captures still say what their .expect.json files say.

For every test-captures/*.expect.json: re-read the capture with tshark (no plugin) and check
each connection's addresses, ports, transport, TLS version, cipher, server certificate CN,
first fatal alert and its sender, and the SIP messages the key log decrypts; check the
status and findings agree with the plugin's rules restated in scripts/lab/capture_facts.py,
that the optional keys (resumed, post_alert, snaplen, closer, one_pass_status) say what the
capture shows and are there wherever resumed, post_alert or snaplen apply, that the facts of
a scenario's intent (its "intent" entries: a lost or reordered segment, tickets sent or not,
the alert the key log reads...) still hold, that the roles and legs agree with the roles
file, and that each capture is under 1 MB (from scenario 20 on, under 200 KB).

Run: python3 tests/integration/test_captures_match.py
"""

import glob
import json
import os
import sys
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CAPTURES = os.path.join(ROOT, "test-captures")
sys.path.insert(0, os.path.join(ROOT, "scripts", "lab"))
import capture_facts  # noqa: E402
import ccesec_testlib  # noqa: E402

WIRE_KEYS = ["transport", "client", "client_port", "server", "server_port", "tls_version",
             "cipher", "server_cert_cn", "alert", "alert_sender", "sip_messages"]
STATUSES = {"secure", "weak", "failed", "plaintext", "unverified"}
FINDINGS = {"name_mismatch", "cert_expired", "weak_key", "weak_signature", "self_signed",
            "client_cert_missing", "weak_version", "weak_cipher", "legacy_cipher", "alert",
            "closed_early", "encrypted_alert", "aborted", "resumed", "cut_frames",
            "segments_missing"}
MAX_CAPTURE_BYTES = 1024 * 1024
MAX_NEW_CAPTURE_BYTES = 200 * 1024  # scenarios 20 and up


def expectation_files():
    return sorted(glob.glob(os.path.join(CAPTURES, "*.expect.json")))


class CapturesMatchExpectations(unittest.TestCase):
    def test_there_are_expectations_for_every_capture(self):
        captures = {os.path.basename(p)[:-len(".pcapng")]
                    for p in glob.glob(os.path.join(CAPTURES, "*.pcapng"))}
        expected = {os.path.basename(p)[:-len(".expect.json")] for p in expectation_files()}
        self.assertGreaterEqual(len(captures), 19)
        self.assertEqual(captures, expected)

    def test_all_secure_capture_has_the_five_legs(self):
        with open(os.path.join(CAPTURES, "01-all-secure.expect.json")) as handle:
            conns = json.load(handle)["connections"]
        self.assertEqual(sorted(c["leg"] for c in conns),
                         sorted(["CUBE-CVP", "CVP-VVB", "CVP-CUCM", "CUBE-CUCM", "PHONE-CUCM"]))
        self.assertTrue(all(c["status"] == "secure" for c in conns))

    def test_each_capture(self):
        for path in expectation_files():
            with self.subTest(expect=os.path.basename(path)):
                self.check_capture(path)

    def check_capture(self, path):
        with open(path) as handle:
            expect = json.load(handle)
        base = os.path.dirname(path)
        capture = os.path.join(base, expect["capture"])
        keylog = os.path.join(base, expect["keylog"])
        roles = capture_facts.load_roles(os.path.join(base, expect["roles_file"]))
        self.assertLess(os.path.getsize(capture), MAX_CAPTURE_BYTES)
        if os.path.basename(capture)[:2] >= "20":
            self.assertLess(os.path.getsize(capture), MAX_NEW_CAPTURE_BYTES)
        self.assertTrue(os.path.isfile(keylog))
        facts = capture_facts.read_connections(capture, keylog)
        self.assertEqual(len(facts), len(expect["connections"]), "connection count")
        for index, (fact, want) in enumerate(zip(facts, expect["connections"])):
            self.check_connection(index, fact, want, roles)

    def check_connection(self, index, fact, want, roles):
        where = "connection %d (%s)" % (index, want["leg"])
        for key in WIRE_KEYS:
            self.assertEqual(fact[key], want[key], "%s: %s" % (where, key))
        self.assertEqual(roles[want["client"]][0], want["client_role"], where)
        self.assertEqual(roles[want["server"]][0], want["server_role"], where)
        self.assertEqual(capture_facts.leg_name(want["client_role"], want["server_role"]),
                         want["leg"], where)
        self.assertIn(want["status"], STATUSES, where)
        self.assertLessEqual(set(want["findings"]), FINDINGS, where)
        expected_name = roles[want["server"]][1]
        status, findings = capture_facts.expected_verdict(fact, expected_name)
        self.assertEqual(status, want["status"], "%s: status" % where)
        self.assertEqual(sorted(findings), sorted(want["findings"]), "%s: findings" % where)
        shown = capture_facts.optional_facts(fact, expected_name)
        for key in capture_facts.OPTIONAL_KEYS:
            if key in want:
                self.assertEqual(shown[key], want[key], "%s: %s" % (where, key))
        if "with_keylog" in want:  # what only the key log shows
            self.assertEqual(fact.get("post_alert_keylog"), want["with_keylog"]["post_alert"],
                             "%s: post_alert with the key log" % where)
        if "intent" in want:  # what the scenario did (a reordered flight, a lost segment...)
            self.assertEqual(capture_facts.intent_facts(fact, want["intent"]), want["intent"],
                             "%s: intent" % where)
        for key in capture_facts.ALWAYS_WRITTEN:
            if shown[key]:
                self.assertIn(key, want, "%s: %s applies" % (where, key))


if __name__ == "__main__":
    ccesec_testlib.main()
