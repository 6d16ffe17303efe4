#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ccesec-watch --follow: a folder where another capture writes its ring buffer (here the
bundled captures arrive one by one under dumpcap's names). A file is judged once the next
one exists; a restart from the state file judges the rest without repeating an event.
Also the pieces of the event output: rotation, RFC 5424 framing, keys."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from ccesec_testlib import CAPTURES, REPO, ROLES, plugin_path

sys.path.insert(0, os.path.join(REPO, "scripts", "lib"))
import ccesec_events  # noqa: E402

WATCH = os.path.join(REPO, "scripts", "ccesec-watch")
ARRIVALS = ["01-all-secure", "02-cvp-cucm-clear-tcp", "08-midstream"]


def ring_name(index):
    return "site_%05d_202611271200%02d.pcapng" % (index + 1, index)


class WatchFollow(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="c12-follow-")
        self.ring = os.path.join(self.dir, "ring")
        os.makedirs(self.ring)
        self.output = os.path.join(self.dir, "events.jsonl")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def arrive(self, index):
        shutil.copy(os.path.join(CAPTURES, ARRIVALS[index] + ".pcapng"),
                    os.path.join(self.ring, ring_name(index)))

    def events(self):
        if not os.path.exists(self.output):
            return []
        with open(self.output) as handle:
            return [json.loads(line) for line in handle]

    def start(self):
        return subprocess.Popen(
            [sys.executable, WATCH, "--plugin", plugin_path(), "--roles", ROLES,
             "--follow", self.ring, "--state", os.path.join(self.dir, "state.json"),
             "--output", self.output, "--poll", "0.2", "--missing-minutes", "100000"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def wait_for(self, predicate, proc, timeout=180):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate(self.events()):
                return
            self.assertIsNone(proc.poll(), proc.stderr.read() if proc.poll() is not None else "")
            time.sleep(0.2)
        self.fail("timed out; events: %s" % [e["event.action"] for e in self.events()])

    def stop(self, proc):
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 0, err)

    def judged(self, events, name):
        return [e for e in events if e["event.action"] == "connection-judged"
                and e["file.name"] == name]

    def test_follow_restart_and_no_repeats(self):
        self.arrive(0)
        proc = self.start()
        self.wait_for(lambda ev: ev, proc)
        time.sleep(1)  # a poll or more: the only file is the newest, it is not judged
        self.assertEqual([e["event.action"] for e in self.events()], ["watch-started"])
        self.arrive(1)
        self.wait_for(lambda ev: len(self.judged(ev, ring_name(0))) == 5, proc)
        self.stop(proc)  # the newest file stays for the next run: another capture writes it
        self.assertEqual(self.judged(self.events(), ring_name(1)), [])

        proc = self.start()
        self.arrive(2)
        self.wait_for(lambda ev: len(self.judged(ev, ring_name(1))) == 5, proc)
        time.sleep(1)
        self.stop(proc)
        events = self.events()
        actions = [e["event.action"] for e in events]
        self.assertEqual(actions.count("watch-started"), 2)
        self.assertEqual(actions.count("watch-stopped"), 2)
        self.assertEqual(actions.count("connection-judged"), 10)
        self.assertEqual([e["event.sequence"] for e in events], list(range(1, len(events) + 1)))
        self.assertEqual(len({e["event.id"] for e in events}), len(events))
        self.assertEqual({e["ccesec.status"] for e in self.judged(events, ring_name(0))},
                         {"secure"})
        second = {e["ccesec.leg"]: e["ccesec.status"] for e in self.judged(events, ring_name(1))}
        self.assertEqual(second["CVP-CUCM"], "plaintext")
        self.assertEqual([(e["ccesec.leg"], e["ccesec.previous_status"], e["ccesec.status"],
                           e["file.name"]) for e in events
                          if e["event.action"] == "leg-verdict-changed"],
                         [("CVP-CUCM", "secure", "plaintext", ring_name(1))])
        self.assertNotIn("leg-missing", actions)

    def test_once_exit_codes(self):
        def once(*names):
            return subprocess.run(
                [sys.executable, WATCH, "--plugin", plugin_path(), "--roles", ROLES,
                 "--output", "none", "--once"] + [os.path.join(CAPTURES, n + ".pcapng")
                                                  for n in names],
                capture_output=True, text=True, timeout=300, check=False)
        self.assertEqual(once("01-all-secure").returncode, 0)
        self.assertEqual(once("08-midstream").returncode, 1)
        bad = subprocess.run([sys.executable, WATCH, "--once", "/nonexistent.pcapng"],
                             capture_output=True, text=True, timeout=60, check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("no such file", bad.stderr)
        no_daemon = subprocess.run(
            [sys.executable, WATCH, "--syslog", os.path.join(self.dir, "absent.sock"),
             "--once", os.path.join(CAPTURES, "01-all-secure.pcapng")],
            capture_output=True, text=True, timeout=60, check=False)
        self.assertEqual(no_daemon.returncode, 2)
        self.assertIn("absent.sock", no_daemon.stderr)


class EventOutput(unittest.TestCase):
    def test_rotation_keeps_every_line(self):
        folder = tempfile.mkdtemp(prefix="c12-rotate-")
        try:
            path = os.path.join(folder, "events.jsonl")
            out = ccesec_events.Outputs(path=path, max_bytes=300, backups=3)
            for index in range(12):
                out.emit(ccesec_events.make_event("watch-started", "x" * 50, index + 1, 0.0))
            out.close()
            files = sorted(os.listdir(folder))
            self.assertEqual(files, ["events.jsonl", "events.jsonl.1", "events.jsonl.2",
                                     "events.jsonl.3"])
            lines = []
            for name in reversed(files[1:]):
                with open(os.path.join(folder, name)) as handle:
                    lines += handle.read().splitlines()
            with open(path) as handle:
                lines += handle.read().splitlines()
            sequences = [json.loads(line)["event.sequence"] for line in lines]
            self.assertEqual(sequences, list(range(sequences[0], 13)))  # oldest dropped
            for name in files[1:]:
                self.assertLessEqual(os.path.getsize(os.path.join(folder, name)), 300 + 250)
        finally:
            shutil.rmtree(folder)

    def test_syslog_frame_and_keys(self):
        event = ccesec_events.make_event(
            "leg-verdict-changed", "m", 7, 1795781886.5, ccesec_events.connection_fields(
                {"client": "[2001:db8::13]:40000", "server": "198.18.133.3:5061",
                 "tls_version": "TLS 1.3", "cert_sha256": "aa:bb", "status": "secure"}), 3)
        frame = ccesec_events.Syslog("/nonexistent").format(event, "{}")
        self.assertRegex(frame, r"^<131>1 2026-11-27T\d\d:\d\d:06\.500Z \S+ ccesec-watch \d+ "
                                r"leg-verdict-changed - \{\}$")
        self.assertEqual((event["source.ip"], event["source.port"], event["tls.version"],
                          event["tls.version_protocol"], event["tls.server.hash.sha256"]),
                         ("2001:db8::13", 40000, "1.3", "tls", "AABB"))
        self.assertNotIn("ccesec.alert", event)  # unknown values are left out
        self.assertTrue(all(not isinstance(v, (dict, list)) for v in event.values()))


if __name__ == "__main__":
    import ccesec_testlib  # noqa: E402 (the ctest-aware exit: skips are visible)

    ccesec_testlib.main()
