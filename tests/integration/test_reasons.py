#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A reason is rebuilt when a role is learnt later in the capture. Made from the bundled full
call (01) without a roles file, the others moved ten seconds after its CVP-VVB connection
(editcap, mergecap): CVP's role is then learnt only afterwards, from the certificate CVP
presents to CUBE. Read whole (-2, the table), the CVP-VVB reason names CVP; one pass shows
what was known on its last packet."""
import os
import shutil
import subprocess
import tempfile
import unittest

import ccesec_testlib
from ccesec_testlib import CAPTURES, SandboxTestCase

CVP, VVB = "198.18.133.13", "198.18.133.143"
ALL_SECURE = os.path.join(CAPTURES, "01-all-secure.pcapng")


def tool(*args):
    subprocess.run(args, check=True, capture_output=True)


class RoleLearntLater(SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.mkdtemp(prefix="ccesec-reasons-")
        leg = "ip.addr == %s && ip.addr == %s" % (CVP, VVB)
        first, rest = (os.path.join(cls.folder, n) for n in ("first.pcapng", "rest.pcapng"))
        tool("tshark", "-r", ALL_SECURE, "-Y", leg, "-w", first)
        # The others later (not this one earlier: its certificates' validity starts then).
        tool("tshark", "-r", ALL_SECURE, "-Y", "!(%s)" % leg, "-w", rest + ".orig")
        tool("editcap", "-t", "10", rest + ".orig", rest)
        cls.capture = os.path.join(cls.folder, "cvp-vvb-first.pcapng")
        tool("mergecap", "-w", cls.capture, first, rest)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder, ignore_errors=True)
        super().tearDownClass()

    def reasons(self, two_pass):
        args = ["-n", "-r", self.sandbox.input(self.capture), "-Y", "ccesec", "-T", "fields",
                "-e", "ccesec.leg", "-e", "ccesec.reason"]
        result = self.sandbox.run((["-2"] if two_pass else []) + args)
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = [line.split("\t") for line in result.stdout.splitlines()]
        # The CVP-VVB connection is the first in the capture now.
        return [row for row in rows if VVB in row[-1]]

    def test_the_final_reason_names_the_role_learnt_later(self):
        rows = self.reasons(True)
        self.assertTrue(rows)
        for leg, reason in rows:
            self.assertEqual(leg, "CVP-VVB")
            self.assertIn("between CVP %s and VVB %s" % (CVP, VVB), reason)

    def test_one_pass_shows_what_was_known_then(self):
        """The control: before CVP's certificate is seen, CVP has no role."""
        leg, reason = self.reasons(False)[-1]
        self.assertEqual(leg, "VVB-unknown")
        self.assertIn("client %s" % CVP, reason)

    def test_the_table_names_the_role_learnt_later(self):
        result = self.sandbox.run(["-n", "-r", self.sandbox.input(self.capture), "-q",
                                   "-z", "ccesec,legs"])
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = [line for line in result.stdout.splitlines() if VVB + ":5061" in line]
        self.assertEqual(len(rows), 1, result.stdout)
        self.assertIn("CVP-VVB", rows[0])
        self.assertIn("between CVP %s and VVB" % CVP, rows[0])


if __name__ == "__main__":
    ccesec_testlib.main()
