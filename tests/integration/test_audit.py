#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""scripts/ccesec-audit: verdicts, exit codes, JSON and JUnit output, input errors."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

import ccesec_testlib
from ccesec_testlib import (CAPTURES, REAL_CAPTURES, REPO, ROLES, needs_real_captures,
                            plugin_path)

AUDIT = os.path.join(REPO, "scripts", "ccesec-audit")
ALL_SECURE = os.path.join(CAPTURES, "01-all-secure.pcapng")
CLEAR_CVP_CUCM = os.path.join(CAPTURES, "02-cvp-cucm-clear-tcp.pcapng")


def audit(*args, plugin=None, env=None):
    command = [sys.executable, AUDIT, "--plugin", plugin or plugin_path()] + list(args)
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                          env=env)


class AuditVerdicts(unittest.TestCase):
    def test_passing_capture_json(self):
        result = audit("--roles", ROLES, "--format", "json", ALL_SECURE)
        self.assertEqual(result.returncode, 0, result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual(report["result"], "pass")
        self.assertEqual(report["expected_legs"], ["CUBE-CVP", "CVP-VVB", "CVP-CUCM"])
        (capture,) = report["captures"]
        verdicts = {leg["leg"]: leg["verdict"] for leg in capture["legs"]}
        for leg in ("CUBE-CVP", "CVP-VVB", "CVP-CUCM", "CUBE-CUCM", "PHONE-CUCM"):
            self.assertEqual(verdicts[leg], "secure")
        self.assertEqual(len(capture["connections"]), 5)
        for conn in capture["connections"]:
            self.assertEqual(conn["tls_version"], "TLS 1.2")
            self.assertEqual(conn["transport"], "tls")

    def test_failing_capture_json_and_exit_code(self):
        result = audit("--roles", ROLES, "--format", "json", CLEAR_CVP_CUCM)
        self.assertEqual(result.returncode, 1, result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual(report["result"], "fail")
        legs = {leg["leg"]: leg for leg in report["captures"][0]["legs"]}
        self.assertEqual(legs["CVP-CUCM"]["verdict"], "not secure")
        self.assertFalse(legs["CVP-CUCM"]["pass"])
        self.assertIn("clear text over TCP 5060", legs["CVP-CUCM"]["reason"])
        self.assertEqual(legs["CUBE-CVP"]["verdict"], "secure")

    def test_junit_passing_and_failing(self):
        result = audit("--roles", ROLES, "--format", "junit", ALL_SECURE, CLEAR_CVP_CUCM)
        self.assertEqual(result.returncode, 1)
        suites = ET.fromstring(result.stdout)
        self.assertEqual(suites.tag, "testsuites")
        by_file = {os.path.basename(s.get("name")): s for s in suites.iter("testsuite")}
        secure = by_file["01-all-secure.pcapng"]
        self.assertEqual((secure.get("tests"), secure.get("failures")), ("3", "0"))
        clear = by_file["02-cvp-cucm-clear-tcp.pcapng"]
        self.assertEqual((clear.get("tests"), clear.get("failures")), ("3", "1"))
        failed = [case.get("name") for case in clear.iter("testcase")
                  if case.find("failure") is not None]
        self.assertEqual(failed, ["CVP-CUCM"])

    def test_text_output_names_each_leg(self):
        result = audit("--roles", ROLES, CLEAR_CVP_CUCM)
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stdout, r"CVP-CUCM\s+NOT SECURE")
        self.assertRegex(result.stdout, r"CUBE-CVP\s+secure")
        self.assertIn("result: FAIL", result.stdout)

    def test_expect_option(self):
        result = audit("--roles", ROLES, "--expect", "PHONE-CUCM,CUBE-CUCM", CLEAR_CVP_CUCM)
        self.assertEqual(result.returncode, 0, result.stdout)

    @needs_real_captures
    def test_no_sip_at_all_reports_every_leg_not_seen(self):
        capture = os.path.join(REAL_CAPTURES, "illustrated-tls12__capture.pcap")
        result = audit("--format", "json", "--expect",
                       "CUBE-CVP,CVP-VVB,CVP-CUCM,CUBE-CUCM,PHONE-CUCM", capture)
        self.assertEqual(result.returncode, 1)
        legs = json.loads(result.stdout)["captures"][0]["legs"]
        self.assertEqual({leg["verdict"] for leg in legs}, {"not seen"})
        self.assertEqual(len(legs), 5)

    def test_folder_and_awkward_names(self):
        folder = tempfile.mkdtemp(prefix="ccesec audit ")
        try:
            awkward = os.path.join(folder, "it's a \"capture\" with spaces.pcapng")
            shutil.copy(ALL_SECURE, awkward)
            shutil.copy(CLEAR_CVP_CUCM, os.path.join(folder, "second one.pcapng"))
            result = audit("--roles", ROLES, "--format", "json", folder)
            self.assertEqual(result.returncode, 1, result.stderr)
            files = sorted(os.path.basename(c["file"])
                           for c in json.loads(result.stdout)["captures"])
            self.assertEqual(files, sorted([os.path.basename(awkward), "second one.pcapng"]))
        finally:
            shutil.rmtree(folder)


class AuditInputErrors(unittest.TestCase):
    """README: a usage or input error exits 2 "with one message on stderr"."""

    def assert_usage_error(self, result, text, details=()):
        """Exit 2, no report on stdout, and on stderr one message: a line naming the tool
        and the problem, then only the details it lists (the bad rows of a roles file)."""
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1 + len(details), result.stderr)
        self.assertTrue(lines[0].startswith("ccesec-audit: "), lines[0])
        self.assertIn(text, lines[0])
        for line, detail in zip(lines[1:], details):
            self.assertRegex(line, detail)

    def test_missing_file(self):
        self.assert_usage_error(audit("/nonexistent/capture.pcapng"), "no such file")

    def test_not_a_capture(self):
        self.assert_usage_error(audit(ROLES), "cannot read this capture")

    def test_bad_roles_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as roles:
            roles.write("198.18.133.3,CUCM\n198.18.133.999,CVP\n198.18.133.13,ROUTER\n")
        try:
            result = audit("--roles", roles.name, ALL_SECURE)
            name = os.path.basename(roles.name)
            self.assert_usage_error(result, "bad roles file", details=(
                r"%s:2: .*198\.18\.133\.999" % name, r"%s:3: .*ROUTER" % name))
        finally:
            os.unlink(roles.name)

    def test_missing_roles_file(self):
        self.assert_usage_error(audit("--roles", "/nonexistent.csv", ALL_SECURE),
                                "roles file not found")

    def test_bad_expect(self):
        self.assert_usage_error(audit("--expect", "CVP", ALL_SECURE), "--expect")

    def test_plugin_not_found(self):
        self.assert_usage_error(audit(ALL_SECURE, plugin="/nonexistent/ccesec.so"),
                                "plugin not found: /nonexistent/ccesec.so")

    def test_tshark_not_found(self):
        empty = tempfile.mkdtemp(prefix="ccesec-no-tshark-")
        try:
            result = audit(ALL_SECURE, env=dict(os.environ, PATH=empty))
        finally:
            os.rmdir(empty)
        self.assert_usage_error(result, "tshark not found")


if __name__ == "__main__":
    ccesec_testlib.main()
