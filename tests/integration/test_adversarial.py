#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The plugin survives the adversarial captures and says what their .expect.json say.

For every test-captures/adversarial/*.expect.json (format: that folder's README.md): tshark
with the plugin (CCESEC_PLUGIN, set by ctest; else build/ccesec.so), unprivileged, reads the
capture one-pass and two-pass with the roles file and key log. It must exit 0 with no crash
or sanitizer report, find exactly the expected connections (addresses, port, transport, leg,
status) in the `-z ccesec,legs` table, and show the expected certificate CN (or a CN cut
below 128 bytes) and alert in the per-packet ccesec.* fields.

Run: CCESEC_PLUGIN=build/ccesec.so python3 tests/integration/test_adversarial.py
"""

import glob
import json
import os

import ccesec_testlib
from ccesec_testlib import CAPTURES, ROLES, SandboxTestCase, load_script

FOLDER = os.path.join(CAPTURES, "adversarial")

CRASH_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "Segmentation fault", "Aborted")
MAX_CAPTURE_BYTES = 1024 * 1024
PACKET_FIELDS = ["ccesec.conn", "ccesec.cert.cn", "ccesec.alert", "ccesec.alert.sender",
                 "ccesec.post_alert", "ccesec.post_alert.sender"]


AUDIT = load_script("ccesec-audit")  # for its parser of the legs table


def expectations():
    return sorted(glob.glob(os.path.join(FOLDER, "*.expect.json")))


class AdversarialCaptures(SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.roles = cls.sandbox.input(ROLES)

    def run_tshark(self, expect, extra):
        args = ["-n", "-r", self.sandbox.input(os.path.join(FOLDER, expect["capture"])),
                "-o", "ccesec.roles_file:" + self.roles]
        if expect.get("keylog"):
            args += ["-o", "tls.keylog_file:" +
                     self.sandbox.input(os.path.join(FOLDER, expect["keylog"]))]
        result = self.sandbox.run(args + list(expect.get("tshark_args", [])) + extra,
                                  timeout=300)
        where = "%s %s" % (expect["capture"], " ".join(extra))
        self.assertEqual(result.returncode, 0, "%s: tshark exited %d: %s"
                         % (where, result.returncode, result.stderr[-800:]))
        for mark in CRASH_MARKS:
            self.assertNotIn(mark, result.stderr, where)
        return result.stdout

    def legs_table(self, expect, two_pass):
        extra = ["-q", "-z", "ccesec,legs"] + (["-2"] if two_pass else [])
        return AUDIT.parse_table(self.run_tshark(expect, extra))

    def packet_facts(self, expect):
        """Per ccesec connection number: the set of values each field took."""
        extra = ["-Y", "ccesec", "-T", "fields", "-E", "occurrence=f"]
        for field in PACKET_FIELDS:
            extra += ["-e", field]
        facts = {}
        for line in self.run_tshark(expect, extra).splitlines():
            cells = line.split("\t")
            if len(cells) != len(PACKET_FIELDS) or not cells[0]:
                continue
            conn = facts.setdefault(int(cells[0]), {f: set() for f in PACKET_FIELDS[1:]})
            for field, value in zip(PACKET_FIELDS[1:], cells[1:]):
                if value:
                    conn[field].add(value)
        return facts

    def test_every_capture_has_expectations_and_is_small(self):
        captures = glob.glob(os.path.join(FOLDER, "*.pcapng"))
        self.assertGreaterEqual(len(captures), 8)
        for capture in captures:
            stem = capture[:-len(".pcapng")]
            self.assertTrue(os.path.isfile(stem + ".expect.json"), capture)
            self.assertLess(os.path.getsize(capture), MAX_CAPTURE_BYTES, capture)

    def test_each_capture(self):
        for path in expectations():
            with open(path) as handle:
                expect = json.load(handle)
            with self.subTest(capture=expect["capture"]):
                self.check_capture(expect)

    def check_capture(self, expect):
        one_pass = self.legs_table(expect, False)
        two_pass = self.legs_table(expect, True)
        wanted = expect["connections"]
        self.assertEqual(len(one_pass), len(wanted), "connections in the legs table")
        self.assertEqual([(r["conn"], r["status"]) for r in one_pass],
                         [(r["conn"], r["status"]) for r in two_pass], "one vs two passes")
        facts = self.packet_facts(expect)
        for row, want in zip(one_pass, wanted):
            self.check_row(row, want)
            self.check_packets(facts.get(row["conn"], {}), want, row["conn"])

    def check_row(self, row, want):
        where = "connection %d" % row["conn"]
        self.assertEqual(row["client"].rsplit(":", 1)[0].strip("[]"), want["client"], where)
        self.assertEqual(row["server"], "%s:%d" % (want["server"], want["server_port"]), where)
        self.assertEqual(row["transport"], want["transport"], where)
        self.assertEqual(row["leg"], want["leg"], where)
        self.assertEqual(row["status"], want["status"], "%s: %s" % (where, row["reason"]))

    def check_packets(self, facts, want, conn):
        where = "connection %d" % conn
        cns = facts.get("ccesec.cert.cn", set())
        if "cert_cn" in want:
            self.assertEqual(cns, {want["cert_cn"]} if want["cert_cn"] else set(), where)
        if "cert_cn_prefix" in want:
            self.assertEqual(len(cns), 1, where)
            cn = next(iter(cns))
            self.assertTrue(cn.startswith(want["cert_cn_prefix"]), where)
            self.assertLessEqual(len(cn.encode()), want["cert_cn_max_len"], where)
        if "alert" in want:
            alerts = facts.get("ccesec.alert", set())
            self.assertEqual(alerts, {want["alert"]} if want["alert"] else set(), where)
        if want.get("alert_sender"):
            self.assertEqual(facts.get("ccesec.alert.sender"), {want["alert_sender"]}, where)
        if "post_alert" in want:
            self.assertEqual(facts.get("ccesec.post_alert", set()), {want["post_alert"]}, where)
        if want.get("post_alert_sender"):
            self.assertEqual(facts.get("ccesec.post_alert.sender"), {want["post_alert_sender"]},
                             where)

    def test_tls_on_5060_without_decode_as(self):
        """Wireshark 4.0 gives TCP 5060 to its SIP dissector, which rejects TLS: neither SIP
        nor TLS is decoded. ccesec recognises the TLS record bytes and says how to decode
        them, rather than missing the connection."""
        with open(os.path.join(FOLDER, "adv-08-tls-5060.expect.json")) as handle:
            expect = dict(json.load(handle), tshark_args=[])
        rows = self.legs_table(expect, False)
        self.assertEqual([(r["leg"], r["transport"], r["status"]) for r in rows],
                         [("CUBE-CVP", "tls", "unverified")])
        self.assertIn("-d tcp.port==5060,tls", rows[0]["reason"])

if __name__ == "__main__":
    ccesec_testlib.main()
