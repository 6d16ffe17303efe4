#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ccesec-audit on a ring buffer: the lab's full call split by editcap into many files, each
handshake cut or far from most of its connection's packets. Every connection must be judged
as the scenario made it (its .expect.json), and seen in the files its packets went to."""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

from ccesec_testlib import CAPTURES, REPO, ROLES, endpoint, plugin_path

AUDIT = os.path.join(REPO, "scripts", "ccesec-audit")
CALL = os.path.join(CAPTURES, "01-all-secure.pcapng")
PER_FILE = 4  # packets per file: no file holds a whole handshake


def audit(*args):
    command = [sys.executable, AUDIT, "--plugin", plugin_path(), "--roles", ROLES,
               "--format", "json", "--jobs", "2"] + list(args)
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def packet_spans(capture):
    """(client, server) -> (first, last) frame number, by TCP alone (no plugin)."""
    # ccesec sees a connection from its first payload to its last payload or FIN/RST
    wanted = "tcp.len > 0 or tcp.flags.fin == 1 or tcp.flags.reset == 1"
    out = subprocess.run(["tshark", "-n", "-r", capture, "-Y", wanted, "-T", "fields",
                          "-e", "frame.number", "-e", "ip.src", "-e", "tcp.srcport",
                          "-e", "ip.dst", "-e", "tcp.dstport"],
                         capture_output=True, text=True, check=True).stdout
    spans = {}
    for line in out.splitlines():
        number, src, sport, dst, dport = line.split("\t")
        ends = (endpoint(src, int(sport)), endpoint(dst, int(dport)))
        key = ends if int(dport) == 5061 else ends[::-1]
        first, _ = spans.get(key, (int(number), 0))
        spans[key] = (first, int(number))
    return spans


class RingBuffer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="c12-ring-")
        subprocess.run(["editcap", "-c", str(PER_FILE), CALL,
                        os.path.join(cls.folder, "cvp.pcapng")], check=True)
        cls.files = sorted(os.listdir(cls.folder))
        with open(os.path.join(CAPTURES, "01-all-secure.expect.json")) as handle:
            cls.expected = json.load(handle)["connections"]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder)

    def check_set(self, report):
        (judged,) = report["captures"]
        self.assertEqual(len(judged["files"]), len(self.files))
        by_ends = {(c["client"], c["server"]): c for c in judged["connections"]}
        self.assertEqual(len(by_ends), len(self.expected))
        spans = packet_spans(CALL)
        for want in self.expected:
            ends = (endpoint(want["client"], want["client_port"]),
                    endpoint(want["server"], want["server_port"]))
            got = by_ends[ends]
            for key in ("leg", "status", "tls_version", "cipher", "transport"):
                self.assertEqual(got[key], want[key], (ends, key))
            first, last = spans[ends]
            self.assertEqual(os.path.basename(got["first_file"]),
                             self.files[(first - 1) // PER_FILE], ends)
            self.assertEqual(os.path.basename(got["last_file"]),
                             self.files[(last - 1) // PER_FILE], ends)
            self.assertEqual(got["end"], "fin")  # each connection closed in the capture
        self.assertEqual(report["result"], "pass")

    def test_ring_buffer_files_are_grouped_and_judged_as_one(self):
        self.assertGreater(len(self.files), 20)
        result = audit(self.folder)
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        self.check_set(json.loads(result.stdout))


    def test_each_file_alone_cannot_prove_the_verdicts(self):
        """The control: without the set, the same files prove no connection secure (the
        first ten, where all five connections start, are enough to show it)."""
        first = [os.path.join(self.folder, name) for name in self.files[:10]]
        result = audit("--each", *first)
        self.assertEqual(result.returncode, 1)
        statuses = {c["status"] for cap in json.loads(result.stdout)["captures"]
                    for c in cap["connections"]}
        self.assertNotIn("secure", statuses)
        self.assertIn("unverified", statuses)

    def test_explicit_set_in_any_order_writes_the_baseline(self):
        shuffled = [os.path.join(self.folder, name) for name in self.files]
        random.Random(12).shuffle(shuffled)
        baseline = os.path.join(self.folder, "..", os.path.basename(self.folder) + ".json")
        try:
            result = audit("--set", "--write-baseline", baseline, *shuffled)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.check_set(json.loads(result.stdout))
            with open(baseline) as handle:
                written = json.load(handle)
            self.assertEqual(written["kind"], "ccesec-baseline")
            self.assertEqual(written["expected_legs"][:3], ["CUBE-CVP", "CVP-VVB", "CVP-CUCM"])
            for want in self.expected:
                leg = written["legs"][want["leg"]]
                self.assertEqual(leg["tls_versions"], [want["tls_version"]])
                self.assertEqual(leg["ciphers"], [want["cipher"]])
                self.assertEqual({c["cn"] for c in leg["certificates"]},
                                 {want["server_cert_cn"]})
        finally:
            if os.path.exists(baseline):
                os.unlink(baseline)


if __name__ == "__main__":
    import ccesec_testlib  # noqa: E402 (the ctest-aware exit: skips are visible)

    ccesec_testlib.main()
