#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The plugin on the bundled captures (made by real TLS stacks between network namespaces):
every connection's leg, roles, status, TLS facts and expert items match the capture's
expectations file, in one pass and with -2, and are stable across the packets of a
connection."""
import os

import ccesec_testlib
from ccesec_testlib import (CAPTURES, by_connection, dissect, endpoint, expectations,
                            SandboxTestCase)

# Fields that describe the connection: with -2 every packet of it shows the same values.
CONNECTION_FIELDS = ["ccesec.leg", "ccesec.client.role", "ccesec.server.role",
                     "ccesec.transport", "ccesec.status", "ccesec.reason",
                     "ccesec.tls.version", "ccesec.tls.cipher", "ccesec.cert.cn",
                     "ccesec.alert", "ccesec.alert.sender", "ccesec.resumed",
                     "ccesec.post_alert", "ccesec.snaplen"]
BOOLEAN = {"1": True, "True": True, "0": False, "False": False}
STATUS_EXPERT = {"secure": "secure", "plaintext": "plaintext", "unverified": "unverified"}
# Expert items that say why a connection failed or is weak, besides the checks listed in
# the expectations' findings.
STATUS_FINDINGS = {"alert", "closed_early", "weak_version", "weak_cipher", "name_mismatch",
                   "cert_expired", "client_cert_missing", "weak_key", "weak_signature",
                   "encrypted_alert"}


class PluginOnBundledCaptures(SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cases = list(expectations())
        cls.results = {}
        for name, expect in cls.cases:
            capture = os.path.join(CAPTURES, expect["capture"])
            keylog = None  # the plugin must work without keys; a key log test is separate
            cls.results[name] = {
                two_pass: by_connection(dissect(cls.sandbox, capture, two_pass, keylog=keylog)[0])
                for two_pass in (True, False)}

    def find_connection(self, conns, expected):
        client = endpoint(expected["client"], expected["client_port"])
        server = endpoint(expected["server"], expected["server_port"])
        for number, packets in conns.items():
            first = packets[0]
            if (first.get("ccesec.client.endpoint"), first.get("ccesec.server.endpoint")) == (
                    client, server):
                return packets
        self.fail("no connection %s -> %s; ccesec saw %s" % (client, server, [
            (p[0].get("ccesec.client.endpoint"), p[0].get("ccesec.server.endpoint"))
            for p in conns.values()]))

    def check_connection(self, packets, expected, final):
        last = packets[-1] if not final else packets[0]
        alert_sender = expected["alert_sender"]
        sender_role = expected[alert_sender + "_role"] if alert_sender else None
        status = expected["status"]
        if not final and "one_pass_status" in expected:
            status = expected["one_pass_status"]  # one pass knows only what came so far
        wanted = {
            "ccesec.leg": expected["leg"],
            "ccesec.client.role": expected["client_role"],
            "ccesec.server.role": expected["server_role"],
            "ccesec.transport": expected["transport"],
            "ccesec.status": status,
            "ccesec.tls.version": expected["tls_version"],
            "ccesec.tls.cipher": expected["cipher"],
            "ccesec.alert": expected["alert"],
            "ccesec.alert.sender": sender_role,
        }
        if expected["server_cert_cn"] is not None:
            wanted["ccesec.cert.cn"] = expected["server_cert_cn"]
        got = {name: last.get(name) for name in wanted}
        self.assertEqual(got, wanted)
        # PDML shows a boolean as 1/0 in Wireshark 4.0 and as True/False in 4.4.
        secure = BOOLEAN.get(last.get("ccesec.secure"))
        self.assertEqual(secure, status == "secure")
        if status != "pending":
            self.assertTrue(last.get("ccesec.reason"), "a reason is always given")
        self.check_evidence(last, expected)

    def check_evidence(self, last, expected):
        """The optional facts of issue 9's scenarios: resumption, an alert after the
        handshake, cut frames, and which side closed."""
        if "resumed" in expected:
            self.assertEqual(BOOLEAN.get(last.get("ccesec.resumed"), False), expected["resumed"])
        if "post_alert" in expected:
            post = expected["post_alert"]
            if post is None:
                self.assertIsNone(last.get("ccesec.post_alert"))
            else:
                self.assertEqual(last.get("ccesec.post_alert"), post["alert"] or "encrypted")
                self.assertEqual(last.get("ccesec.post_alert.sender"),
                                 expected[post["sender"] + "_role"])
        if expected.get("snaplen"):
            self.assertEqual(int(last.get("ccesec.snaplen") or 0), expected["snaplen"])
            self.assertIn("%d bytes" % expected["snaplen"], last.get("ccesec.reason"))
        if expected.get("closer"):
            closer = expected[expected["closer"]]
            self.assertIn(closer, last.get("ccesec.reason"), "the reason names who closed")

    def check_stable(self, packets):
        first = {name: packets[0].fields.get(name) for name in CONNECTION_FIELDS}
        for packet in packets[1:]:
            self.assertEqual({name: packet.fields.get(name) for name in CONNECTION_FIELDS}, first,
                             "frame %d differs from frame %d" % (packet.number, packets[0].number))

    def check_experts(self, packets, expected, final=True):
        # Media findings belong to a call's leg (a dialog), not to the connection: test_calls.py.
        experts = [name for packet in packets for name, _ in packet.experts
                   if name not in ("srtp_keys_exposed", "media_not_encrypted", "srtp")]
        # Each item is reported once per connection.
        self.assertEqual(len(experts), len(set(experts)), experts)
        names = set(experts) - {"unknown_role"}
        status = expected["status"]
        if not final and "one_pass_status" in expected:
            status = expected["one_pass_status"]
            if status == "pending":  # nothing decided: nothing reported yet
                self.assertEqual(names, set())
                return
        if status in STATUS_EXPERT:
            self.assertIn(STATUS_EXPERT[status], names)
        wanted = set(expected["findings"])
        extra = names - wanted - set(STATUS_EXPERT.values())
        self.assertEqual(extra, set(), "expert items not in the expectations")
        self.assertEqual(wanted - names, set(), "expected expert items missing")
        if status in ("failed", "weak"):
            self.assertTrue(names & STATUS_FINDINGS, "a %s connection says why" % status)
        # Every message names the leg.
        for packet in packets:
            for name, message in packet.experts:
                self.assertIn(expected["leg"], message)

    def test_every_connection_two_pass(self):
        for name, expect in self.cases:
            conns = self.results[name][True]
            self.assertEqual(len(conns), len(expect["connections"]), name)
            for expected in expect["connections"]:
                with self.subTest(capture=name, leg=expected["leg"]):
                    packets = self.find_connection(conns, expected)
                    self.check_connection(packets, expected, final=True)
                    self.check_stable(packets)
                    self.check_experts(packets, expected)

    def test_every_connection_one_pass(self):
        """One pass shows what is known so far: the last packet knows it all."""
        for name, expect in self.cases:
            conns = self.results[name][False]
            for expected in expect["connections"]:
                with self.subTest(capture=name, leg=expected["leg"]):
                    packets = self.find_connection(conns, expected)
                    self.check_connection(packets, expected, final=False)
                    self.check_experts(packets, expected, final=False)

    def test_key_log_adds_facts(self):
        """Where the expectations say what a key log adds (an alert only it can name), the
        key log gives it, and the status stays the same."""
        checked = 0
        for name, expect in self.cases:
            for expected in expect["connections"]:
                if "with_keylog" not in expected:
                    continue
                with self.subTest(capture=name, leg=expected["leg"]):
                    capture = os.path.join(CAPTURES, expect["capture"])
                    keylog = os.path.join(CAPTURES, expect["keylog"])
                    conns = by_connection(dissect(self.sandbox, capture, True, keylog=keylog)[0])
                    with_keys = dict(expected, **expected["with_keylog"])
                    packets = self.find_connection(conns, with_keys)
                    self.check_connection(packets, with_keys, final=True)
                    self.check_experts(packets, with_keys)
                    checked += 1
        self.assertGreater(checked, 0)

    def test_all_secure_is_silent(self):
        """The all-secure capture raises nothing but the 'secure' chat items."""
        conns = self.results["01-all-secure"][True]
        self.assertEqual(len(conns), 5)
        for packets in conns.values():
            experts = [name for packet in packets for name, _ in packet.experts]
            self.assertEqual(experts, ["secure"])


if __name__ == "__main__":
    ccesec_testlib.main()
