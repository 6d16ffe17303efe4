#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Calls across legs and their media (tshark -z ccesec,calls, ccesec.call, the media expert
items), checked against what the call scenarios of the lab did (captures 40 on, their
.expect.json "calls"), with and without the key log, in one pass and with -2."""
import json
import os
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET

from ccesec_testlib import (CAPTURES, REPO, ROLES, SandboxTestCase, by_connection, dissect,
                            expectations, plugin_path)

COLUMNS = ["call", "call_verdict", "position", "leg", "conn", "signalling", "media",
           "leg_verdict", "reason", "first", "last"]
MEDIA_FINDINGS = {"srtp_keys_exposed", "media_not_encrypted", "srtp"}


def parse_tables(stdout):
    tables, current = {}, None
    for line in stdout.splitlines():
        if line in ("Calls", "SIP visibility"):
            current = tables.setdefault(line, [])
        elif current is not None and line.endswith("|") and not line.startswith("Call |"):
            cells = [cell.strip() for cell in line[:-1].split(" |")]
            if len(cells) == len(COLUMNS):
                current.append(dict(zip(COLUMNS, cells)))
    return tables


def call_captures():
    return [(name, expect) for name, expect in expectations() if "calls" in expect]


class Calls(SandboxTestCase):
    def run_tshark(self, args):
        result = self.sandbox.run(args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def table(self, expect, keylog=True, two_pass=True, extra=()):
        args = ["-n", "-q", "-r", self.sandbox.input(os.path.join(CAPTURES, expect["capture"])),
                "-z", "ccesec,calls", "-o", "ccesec.roles_file:" + self.sandbox.input(ROLES)]
        if keylog:
            args += ["-o", "tls.keylog_file:" +
                     self.sandbox.input(os.path.join(CAPTURES, expect["keylog"]))]
        if two_pass:
            args.insert(0, "-2")
        stdout = self.run_tshark(args + list(extra))
        self.assertIn("CCE SIP Signalling Security: Calls and Media", stdout)
        return parse_tables(stdout)

    def check_call(self, rows, call):
        self.assertEqual([r["leg"] for r in rows], [leg["leg"] for leg in call["legs"]])
        for row, leg in zip(rows, call["legs"]):
            with self.subTest(leg=leg["leg"]):
                self.assertEqual(row["call_verdict"], call["verdict"])
                self.assertEqual(int(row["conn"]), leg["connection"] + 1)
                self.assertEqual(row["signalling"], leg["signalling"])
                self.assertEqual(row["media"].split(", ")[0],
                                 "%s%s %s <-> %s" % (leg["media"], " " + leg["crypto_suite"]
                                                     if leg["crypto_suite"] else "",
                                                     *leg["media_ends"]))
                self.assertTrue(row["media"].endswith(", %d media packets" % leg["media_packets"]),
                                row["media"])
                self.assertEqual(row["leg_verdict"], leg["verdict"])
        self.assertEqual([r["position"] for r in rows],
                         ["%d/%d" % (i + 1, len(rows)) for i in range(len(rows))])

    def test_calls_table_with_keylog(self):
        """Every call of the scenario with its legs in the order it crossed them, each leg on
        its connection with its signalling status, media, packets seen and verdict; the call
        verdict is its weakest leg's. The phone leg, with CUCM's own GUID, joins on evidence."""
        for name, expect in call_captures():
            for two_pass in (False, True):
                with self.subTest(capture=name, two_pass=two_pass):
                    rows = self.table(expect, two_pass=two_pass)["Calls"]
                    ids = [call["call"] for call in expect["calls"]]
                    self.assertEqual(sorted({r["call"] for r in rows}), sorted(ids))
                    for call in expect["calls"]:
                        self.check_call([r for r in rows if r["call"] == call["call"]], call)
                        if call["phone_leg_guid"]:
                            self.assertNotIn(call["phone_leg_guid"], {r["call"] for r in rows})
                            (phone,) = [r for r in rows if r["call"] == call["call"] and
                                        r["leg"] == "PHONE-CUCM"]
                            self.assertIn("joined the call by media address", phone["reason"])
                    if any(c["verdict"] == "keys-exposed" for c in expect["calls"]):
                        self.assertTrue(any("the SRTP keys of this call travel in clear on"
                                            in r["reason"] for r in rows))

    def test_without_keylog(self):
        """Without the key log only legs whose SIP is in clear (or NULL cipher) are read; a
        capture whose every leg is TLS shows no call and says why, never a guess."""
        for name, expect in call_captures():
            with self.subTest(capture=name):
                tables = self.table(expect, keylog=False)
                rows, conns = tables["Calls"], tables["SIP visibility"]
                clear = set(expect["clear_legs"])
                hidden = [c for c in conns if c["media"] == "SIP not visible"]
                self.assertEqual(sorted(c["leg"] for c in conns if c not in hidden),
                                 sorted(clear))
                for conn in hidden:
                    self.assertIn("tls.keylog_file", conn["reason"])
                    self.assertIn("not visible", conn["reason"])
                if not expect["calls_visible_without_keylog"]:
                    self.assertEqual(len(rows), 1)
                    self.assertEqual(rows[0]["call"], "(none visible)")
                    self.assertIn("never guesses a call from timing", rows[0]["reason"])
                else:
                    self.assertEqual({r["leg"] for r in rows}, clear)
                    self.assertEqual({r["call"] for r in rows},
                                     {c["call"] for c in expect["calls"]})
                    for row in rows:
                        self.assertEqual(row["leg_verdict"], "keys-exposed")

    def test_fields_and_expert_items(self):
        """On every SIP packet of a call: ccesec.call, ccesec.sip.call_id and .method; the
        media findings once per leg, exactly on the legs the scenario expects."""
        for name, expect in call_captures():
            with self.subTest(capture=name):
                capture = os.path.join(CAPTURES, expect["capture"])
                packets, _ = dissect(self.sandbox, capture,
                                     keylog=os.path.join(CAPTURES, expect["keylog"]))
                conns = by_connection(packets)
                for call in expect["calls"]:
                    for leg in call["legs"]:
                        on_leg = [p for p in conns[leg["connection"] + 1]
                                  if p.get("ccesec.sip.call_id") == leg["call_id"]]
                        self.assertTrue(on_leg, leg)
                        self.assertEqual({p.get("ccesec.call") for p in on_leg}, {call["call"]})
                        self.assertIn("INVITE", {p.get("ccesec.sip.method") for p in on_leg})
                        self.assertEqual({p.get("ccesec.call.verdict") for p in on_leg},
                                         {call["verdict"]})
                        found = sorted(e for p in on_leg for e, _ in p.experts
                                       if e in MEDIA_FINDINGS)
                        self.assertEqual(found, sorted(leg["findings"]), leg["leg"])

    def test_call_filter_selects_its_media(self):
        """ccesec.call == "<id>" selects the call's SIP on every leg and its media packets."""
        for name, expect in call_captures():
            for call in expect["calls"]:
                with self.subTest(capture=name, call=call["call"]):
                    capture = self.sandbox.input(os.path.join(CAPTURES, expect["capture"]))
                    args = ["-2", "-n", "-r", capture, "-Y",
                            'ccesec.call == "%s" && !ccesec' % call["call"],
                            "-o", "ccesec.roles_file:" + self.sandbox.input(ROLES), "-o",
                            "tls.keylog_file:" +
                            self.sandbox.input(os.path.join(CAPTURES, expect["keylog"]))]
                    media = self.run_tshark(args).splitlines()
                    # Legs naming the same two media ends share their packets.
                    pairs = {tuple(leg["media_ends"]): leg["media_packets"]
                             for leg in call["legs"]}
                    self.assertEqual(len(media), sum(pairs.values()))

    def test_no_keys_exposed_elsewhere(self):
        """The TLS scenarios (01-19) carry no a=crypto: no srtp_keys_exposed anywhere."""
        for name, expect in expectations():
            if "calls" in expect or not name[:2].isdigit() or int(name[:2]) >= 40:
                continue
            with self.subTest(capture=name):
                args = ["-n", "-q", "-r",
                        self.sandbox.input(os.path.join(CAPTURES, expect["capture"])),
                        "-o", "ccesec.roles_file:" + self.sandbox.input(ROLES),
                        "-o", "tls.keylog_file:" +
                        self.sandbox.input(os.path.join(CAPTURES, expect["keylog"])),
                        "-z", "expert"]
                stdout = self.run_tshark(args)
                self.assertNotIn("SRTP keys", stdout)


def audit(*args):
    command = [sys.executable, os.path.join(REPO, "scripts", "ccesec-audit"), "--plugin",
               plugin_path(), "--roles", ROLES] + list(args)
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


class AuditCalls(unittest.TestCase):
    """ccesec-audit: calls[] in JSON, calls in text and JUnit, --expect-media srtp."""

    def audit_capture(self, expect, *args, keylog=True):
        capture = os.path.join(CAPTURES, expect["capture"])
        extra = ["--keylog", os.path.join(CAPTURES, expect["keylog"])] if keylog else []
        return audit(*(extra + list(args) + [capture]))

    def test_json_calls_and_expect_media(self):
        for name, expect in call_captures():
            with self.subTest(capture=name):
                result = self.audit_capture(expect, "--format", "json", "--expect-media", "srtp",
                                            "--expect", "CUBE-CVP")
                report = json.loads(result.stdout)
                (cap,) = report["captures"]
                calls = {c["call"]: c for c in cap["calls"]}
                self.assertEqual(sorted(calls), sorted(c["call"] for c in expect["calls"]))
                for call in expect["calls"]:
                    got = calls[call["call"]]
                    self.assertEqual(got["verdict"], call["verdict"])
                    self.assertEqual([leg["leg"] for leg in got["legs"]],
                                     [leg["leg"] for leg in call["legs"]])
                    srtp_kept = all(leg["media"] == "RTP/SAVP" and
                                    leg["verdict"] != "keys-exposed" for leg in call["legs"])
                    self.assertEqual(got["media_pass"], srtp_kept)
                signalling_ok = expect["connections"][0]["status"] == "secure"
                want_pass = signalling_ok and all(
                    leg["media"] == "RTP/SAVP" and leg["verdict"] != "keys-exposed"
                    for call in expect["calls"] for leg in call["legs"])
                self.assertEqual(result.returncode, 0 if want_pass else 1, result.stderr)

    def test_not_visible_fails_expect_media(self):
        (expect,) = [e for n, e in call_captures() if not e["calls_visible_without_keylog"]][:1]
        result = self.audit_capture(expect, "--expect-media", "srtp", "--expect", "CUBE-CVP",
                                    keylog=False)
        self.assertEqual(result.returncode, 1)
        self.assertIn("calls: none visible", result.stdout)
        self.assertIn("tls.keylog_file", result.stdout)
        result = self.audit_capture(expect, "--expect", "CUBE-CVP", "--format", "junit",
                                    "--expect-media", "srtp", keylog=False)
        suite = ET.fromstring(result.stdout).find("testsuite")
        (case,) = [c for c in suite.iter("testcase") if c.get("name") == "calls"]
        self.assertIsNotNone(case.find("failure"))
        self.assertEqual(suite.get("tests"), "2")
        self.assertEqual(suite.get("failures"), "1")

    def test_text_and_junit_list_calls(self):
        (expect,) = [e for n, e in call_captures() if n.startswith("41-")]
        result = self.audit_capture(expect, "--expect-media", "srtp")
        call = expect["calls"][0]["call"]
        self.assertIn("%s  keys-exposed  (4 legs)  media FAIL" % call, result.stdout)
        result = self.audit_capture(expect, "--expect-media", "srtp", "--format", "junit")
        suite = ET.fromstring(result.stdout).find("testsuite")
        (case,) = [c for c in suite.iter("testcase") if c.get("name") == "call " + call]
        self.assertIn("travel in clear on CUBE-CVP", case.find("failure").get("message"))
        self.assertIn("call %s keys-exposed" % call, suite.find("system-out").text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
