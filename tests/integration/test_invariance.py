#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A verdict states what the capture proves, so it cannot depend on how Wireshark is set up:
on every bundled capture, each connection's final status is the same with Wireshark's TCP
preferences changed (out-of-order reassembly on, sequence analysis off) and with the TLS key
log given. A key log may add facts (certificate names in TLS 1.3, alert names), never flip a
status."""
import glob
import os
import unittest

from ccesec_testlib import CAPTURES, ROLES, SandboxTestCase

VARIANTS = {
    "tcp.reassemble_out_of_order": ["-o", "tcp.reassemble_out_of_order:TRUE"],
    "tcp.analyze_sequence_numbers off": ["-o", "tcp.analyze_sequence_numbers:FALSE"],
    "tcp.relative_sequence_numbers off": ["-o", "tcp.relative_sequence_numbers:FALSE"],
}


def bundled_captures():
    return sorted(glob.glob(os.path.join(CAPTURES, "*.pcapng")) +
                  glob.glob(os.path.join(CAPTURES, "adversarial", "*.pcapng")))


class Invariance(SandboxTestCase):
    def statuses(self, capture, extra):
        """connection number -> (leg, status), final state (two passes)."""
        args = ["-2", "-n", "-r", self.sandbox.input(capture), "-Y", "ccesec",
                "-o", "ccesec.roles_file:" + self.sandbox.input(ROLES),
                "-T", "fields", "-e", "ccesec.conn", "-e", "ccesec.leg", "-e", "ccesec.status"]
        # adv-08 is TLS on 5060: its own test decodes it; here the default decoding is kept.
        result = self.sandbox.run(args + list(extra))
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = {}
        for line in result.stdout.splitlines():
            conn, leg, status = (line.split("\t") + ["", "", ""])[:3]
            if conn:
                rows[int(conn)] = (leg, status)
        return rows

    def test_tcp_preferences_do_not_change_verdicts(self):
        for capture in bundled_captures():
            base = self.statuses(capture, [])
            self.assertTrue(base, os.path.basename(capture))
            for name, extra in VARIANTS.items():
                with self.subTest(capture=os.path.basename(capture), variant=name):
                    self.assertEqual(self.statuses(capture, extra), base)

    def test_every_wanted_field_exists(self):
        """ccesec names, at start, any field this Wireshark lacks (a renamed field would
        otherwise weaken verdicts in silence): on a supported Wireshark it names none."""
        result = self.sandbox.run(["-r", self.sandbox.input(bundled_captures()[0]), "-c", "1"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("has no field", result.stderr)

    def test_key_log_does_not_change_verdicts(self):
        checked = 0
        for capture in bundled_captures():
            keylog = capture[:-len(".pcapng")] + ".keys"
            if not os.path.exists(keylog):
                continue
            with self.subTest(capture=os.path.basename(capture)):
                with_keys = self.statuses(capture, ["-o", "tls.keylog_file:" +
                                                    self.sandbox.input(keylog)])
                self.assertEqual(with_keys, self.statuses(capture, []))
                checked += 1
        self.assertGreater(checked, 20)


if __name__ == "__main__":
    import ccesec_testlib  # noqa: E402 (the ctest-aware exit: skips are visible)

    ccesec_testlib.main()
