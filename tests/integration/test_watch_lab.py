#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ccesec-watch in the lab: it captures on the lab bridge (dumpcap, a 5-second ring buffer)
while CUBE, CVP, VVB and CUCM keep long-lived SIP-over-TLS connections busy. Halfway CVP-CUCM
switches to SIP in clear over TCP, CVP's certificate is replaced (a new key, valid 10 days)
and CVP-VVB goes quiet. The watcher is stopped and restarted from its state file. What must
come out: each connection judged once, the leg change, the certificate against the
baseline, its expiry and the missing leg, each within one ring period plus the time to
judge a file, and nothing twice across the restart. Needs root (network namespaces)."""
import datetime
import hashlib
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

from ccesec_testlib import REPO, ROLES, plugin_path

sys.path.insert(0, os.path.join(REPO, "scripts", "lab"))
from longconns import Traffic  # noqa: E402
WATCH = os.path.join(REPO, "scripts", "ccesec-watch")
AUDIT = os.path.join(REPO, "scripts", "ccesec-audit")
PREFIX = "c12-"
RING = 5  # seconds per ring-buffer file
POLL = 0.5
JUDGE_ALLOWANCE = 20  # seconds to read a finished file with tshark on a busy 2-core machine
MISSING_MINUTES = 0.5


def fingerprint(pem_path):
    with open(pem_path) as handle:
        der = ssl.PEM_cert_to_DER_cert(handle.read())
    return hashlib.sha256(der).hexdigest().upper()


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class WatchLab(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            if os.environ.get("CI"):
                raise AssertionError("the watch lab test needs root in CI")
            raise unittest.SkipTest("needs root (network namespaces)")
        import netlab  # noqa: E402
        import scenarios  # noqa: E402
        cls.workdir = tempfile.mkdtemp(prefix="c12-watch-")
        os.chmod(cls.workdir, 0o755)
        cls.net = netlab.NetLab(PREFIX).__enter__()
        cls.lab = scenarios.Lab(PREFIX, cls.workdir)

    @classmethod
    def tearDownClass(cls):
        cls.net.close()
        subprocess.run(["rm", "-rf", cls.workdir], check=False)

    def path(self, name):
        return os.path.join(self.workdir, name)

    def make_baseline(self):
        """A known-good capture of the three legs, and its baseline from ccesec-audit."""
        known = self.path("known-good.pcapng")
        dumpcap = subprocess.Popen(["ip", "netns", "exec", PREFIX + "switch", "dumpcap", "-q",
                                    "-i", "br0", "-f", "port 5060 or port 5061", "-w", known],
                                   stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        traffic = Traffic(self.lab, self.workdir)
        for leg in ("CUBE-CVP", "CVP-VVB", "CVP-CUCM"):
            traffic.open(leg, leg)
        traffic.pump(1)
        traffic.close_all()
        time.sleep(1)
        dumpcap.send_signal(signal.SIGTERM)
        self.assertEqual(dumpcap.wait(30), 0)
        result = subprocess.run([sys.executable, AUDIT, "--plugin", plugin_path(), "--roles",
                                 ROLES, "--write-baseline", self.path("baseline.json"), known],
                                capture_output=True, text=True, timeout=300, check=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def start_watch(self):
        command = [sys.executable, WATCH, "--plugin", plugin_path(), "--roles", ROLES,
                   "--interface", "br0", "--netns", PREFIX + "switch", "--dir",
                   self.path("ring"), "--ring-seconds", str(RING), "--ring-files", "100",
                   "--state", self.path("state.json"), "--output", self.path("events.jsonl"),
                   "--baseline", self.path("baseline.json"), "--expiry-days", "30",
                   "--missing-minutes", str(MISSING_MINUTES), "--poll", str(POLL)]
        log = open(self.path("watch.stderr"), "a")
        with log:
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.time() + 30
        while time.time() < deadline and not self.events("watch-started")[self.starts:]:
            time.sleep(0.2)
        self.starts += 1
        time.sleep(1.5)  # dumpcap is up once its first file exists
        return proc

    def stop_watch(self, proc):
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(120), 0, self.stderr())

    def stderr(self):
        with open(self.path("watch.stderr")) as handle:
            return handle.read()

    def events(self, action=None):
        if not os.path.exists(self.path("events.jsonl")):
            return []
        with open(self.path("events.jsonl")) as handle:
            events = [json.loads(line) for line in handle]
        return [e for e in events if action is None or e["event.action"] == action]

    def wait_for(self, traffic, predicate, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return True
            traffic.pump(1)
        return False

    def test_watch_switch_and_restart(self):
        self.starts = 0
        self.make_baseline()
        traffic = Traffic(self.lab, self.workdir)
        watcher = self.start_watch()
        try:
            for leg in ("CUBE-CVP", "CVP-VVB", "CVP-CUCM"):
                traffic.open(leg, leg)
            traffic.pump(2 * RING)
            self.assertEqual(len(self.events("connection-judged")), 3, self.stderr())

            # halfway: CVP-CUCM in clear, CVP's certificate replaced, CVP-VVB quiet
            switched = time.time()
            traffic.close("CVP-CUCM")
            traffic.open("CVP-CUCM clear", "CVP-CUCM", transport="tcp")
            traffic.close("CUBE-CVP")
            now = datetime.datetime.now(datetime.timezone.utc)
            new_cert = self.lab.ca.issue(
                self.lab.hosts["cvp"].cert_name,
                start=(now - datetime.timedelta(days=1)).strftime("%Y%m%d%H%M%SZ"),
                end=(now + datetime.timedelta(days=10)).strftime("%Y%m%d%H%M%SZ"))
            self.lab.leaf["cvp"] = new_cert
            traffic.open("CUBE-CVP renewed", "CUBE-CVP")
            traffic.close("CVP-VVB")
            wanted = ("leg-verdict-changed", "cert-baseline-mismatch", "cert-expiring")
            self.assertTrue(self.wait_for(traffic, lambda: all(self.events(a) for a in wanted),
                                          RING + POLL + JUDGE_ALLOWANCE + 10), self.stderr())
            delays = {a: parse_time(self.events(a)[0]["@timestamp"]) - switched for a in wanted}
            print("delay from the switch to the event (ring %d s): %s" % (
                RING, ", ".join("%s %.1f s" % item for item in delays.items())))
            for action, delay in delays.items():
                self.assertLessEqual(delay, RING + POLL + JUDGE_ALLOWANCE, action)
            self.assertTrue(self.wait_for(traffic, lambda: self.events("leg-missing"),
                                          MISSING_MINUTES * 60 + RING + JUDGE_ALLOWANCE))

            # a restart from the state file, traffic on the open connections goes on
            self.stop_watch(watcher)
            before_restart = len(self.events())
            traffic.pump(1)
            watcher = self.start_watch()
            traffic.pump(RING)
            traffic.open("PHONE-CUCM after restart", "PHONE-CUCM")
            traffic.pump(2 * RING)
            self.stop_watch(watcher)
            watcher = None
        finally:
            if watcher:
                watcher.kill()
                watcher.wait()
            traffic.close_all()
        self.check_events(traffic, new_cert, before_restart)

    def check_events(self, traffic, new_cert, before_restart):
        events = self.events()
        self.assertGreater(len(events), before_restart)
        # nothing twice: unique ids, one sequence without gaps over both runs
        self.assertEqual(len({e["event.id"] for e in events}), len(events),
                         [e["event.action"] for e in events])
        self.assertEqual([e["event.sequence"] for e in events], list(range(1, len(events) + 1)))
        self.assertEqual(len(self.events("watch-started")), 2)
        self.assertEqual(len(self.events("watch-stopped")), 2)
        # every connection made, judged once, as the lab made it
        judged = {}
        for event in self.events("connection-judged"):
            ends = (event["source.ip"] + ":%d" % event["source.port"],
                    event["destination.ip"] + ":%d" % event["destination.port"])
            self.assertNotIn(ends, judged, "judged twice: %s" % (ends,))
            judged[ends] = event
        want_status = {"tls": "secure", "tcp": "plaintext"}
        made = {(client, server): (leg, transport)
                for leg, transport, client, server in traffic.made}
        self.assertEqual(set(judged), set(made))
        for ends, (leg, transport) in made.items():
            self.assertEqual((judged[ends]["ccesec.leg"], judged[ends]["ccesec.status"],
                              judged[ends]["ccesec.transport"]),
                             (leg, want_status[transport], transport), ends)
        self.assertEqual([(e["ccesec.leg"], e["ccesec.previous_status"], e["ccesec.status"])
                          for e in self.events("leg-verdict-changed")],
                         [("CVP-CUCM", "secure", "plaintext")])
        (mismatch,) = self.events("cert-baseline-mismatch")
        self.assertEqual((mismatch["ccesec.leg"], mismatch["tls.server.hash.sha256"]),
                         ("CUBE-CVP", fingerprint(new_cert[0])))
        self.assertNotIn(fingerprint(new_cert[0]), mismatch["ccesec.drift.expected"])
        (expiring,) = self.events("cert-expiring")
        self.assertEqual(expiring["tls.server.hash.sha256"], fingerprint(new_cert[0]))
        self.assertTrue(9 <= expiring["ccesec.cert.days_left"] <= 10)
        self.assertEqual([e["ccesec.leg"] for e in self.events("leg-missing")], ["CVP-VVB"])
        self.assertEqual(self.events("tls-baseline-drift"), [])
        self.assertEqual(self.events("file-unreadable"), [])


if __name__ == "__main__":
    import ccesec_testlib  # noqa: E402 (the ctest-aware exit: skips are visible)

    ccesec_testlib.main()
