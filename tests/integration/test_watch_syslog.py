#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ccesec-watch events through a real syslog daemon: our own rsyslogd (own config, pid file
and unix socket in a temporary folder, not the system's) receives RFC 5424 messages and
writes them out; every event must arrive intact, with its action as MSGID and the
severity the event carries."""
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

WATCH = os.path.join(REPO, "scripts", "ccesec-watch")
RSYSLOGD = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
CONFIG = """
global(workDirectory="{dir}" maxMessageSize="64k")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="{dir}/log.sock" UseSpecialParser="off" ParseHostname="on"
      CreatePath="off")
template(name="fields" type="string"
         string="%app-name%\\t%msgid%\\t%syslogfacility%\\t%syslogseverity%\\t%msg%\\n")
action(type="omfile" file="{dir}/received.log" template="fields")
"""


def wait_for(predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


class WatchSyslog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(RSYSLOGD):
            raise AssertionError("rsyslogd missing: scripts/install-deps test installs it")
        cls.dir = tempfile.mkdtemp(prefix="c12-syslog-")
        with open(os.path.join(cls.dir, "rsyslog.conf"), "w") as handle:
            handle.write(CONFIG.format(dir=cls.dir))
        cls.daemon = subprocess.Popen([RSYSLOGD, "-n", "-f", os.path.join(cls.dir, "rsyslog.conf"),
                                       "-i", os.path.join(cls.dir, "rsyslogd.pid")],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      text=True)
        if not wait_for(lambda: os.path.exists(os.path.join(cls.dir, "log.sock"))):
            cls.daemon.kill()
            raise AssertionError("rsyslogd did not open its socket: %s" %
                                 cls.daemon.communicate()[0])

    @classmethod
    def tearDownClass(cls):
        cls.daemon.send_signal(signal.SIGTERM)
        cls.daemon.communicate(timeout=30)
        shutil.rmtree(cls.dir)

    def test_events_arrive_intact(self):
        copy = os.path.join(self.dir, "events.jsonl")
        captures = [os.path.join(CAPTURES, name) for name in
                    ("01-all-secure.pcapng", "02-cvp-cucm-clear-tcp.pcapng")]
        result = subprocess.run(
            [sys.executable, WATCH, "--plugin", plugin_path(), "--roles", ROLES,
             "--output", copy, "--syslog", os.path.join(self.dir, "log.sock"),
             "--once"] + captures, capture_output=True, text=True, timeout=600, check=False)
        self.assertEqual(result.returncode, 1, result.stderr)  # CVP-CUCM in clear
        with open(copy) as handle:
            sent = [json.loads(line) for line in handle]
        # 5 connections each in the two captures; CVP-CUCM secure then plaintext
        self.assertEqual(len([e for e in sent if e["event.action"] == "connection-judged"]), 10)
        self.assertEqual([(e["ccesec.leg"], e["ccesec.previous_status"], e["ccesec.status"])
                          for e in sent if e["event.action"] == "leg-verdict-changed"],
                         [("CVP-CUCM", "secure", "plaintext")])
        received_path = os.path.join(self.dir, "received.log")

        def all_there():
            if not os.path.exists(received_path):
                return False
            with open(received_path) as handle:
                return len(handle.read().splitlines()) >= len(sent)
        self.assertTrue(wait_for(all_there), "rsyslogd wrote fewer lines than were sent")
        with open(received_path) as handle:
            rows = [line.split("\t", 4) for line in handle.read().splitlines()]
        self.assertEqual(len(rows), len(sent))
        for (app, msgid, facility, severity, message), event in zip(rows, sent):
            self.assertEqual(app, "ccesec-watch")
            self.assertEqual(msgid, event["event.action"])
            self.assertEqual(facility, "16")  # local0
            self.assertEqual(int(severity), event["event.severity"])
            self.assertEqual(json.loads(message.lstrip(" ")), event)
        plaintext = [e for e in sent if e.get("ccesec.status") == "plaintext"]
        self.assertTrue(plaintext and all(e["event.severity"] == 3 for e in plaintext))


if __name__ == "__main__":
    import ccesec_testlib  # noqa: E402 (the ctest-aware exit: skips are visible)

    ccesec_testlib.main()
