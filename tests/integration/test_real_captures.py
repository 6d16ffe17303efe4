#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The plugin on captures made by others (../shared/real-captures): no crash, no CCE role
invented, and the verdict real stacks' traffic deserves."""
import glob
import os

import ccesec_testlib
from ccesec_testlib import (REAL_CAPTURES, by_connection, dissect, needs_real_captures,
                            SandboxTestCase)

# Watch TLS on the ports these captures use, so their handshakes get a verdict.
PORTS = ["-o", "ccesec.tls_ports:443,4433,5061,8400,8443"]
# capture -> {status of its connections}
EXPECTED_STATUSES = {
    "wiki__sip-tls-1.3.pcap": {"secure"},
    "wiki__SIP_CALL_RTP_G711.pcap": {"plaintext"},
    "wiki__MSCML.pcap": {"plaintext"},
    "suricata-verify__sip-tcp-method_sip-tcp.pcap": {"plaintext"},
    "sngrep__tests_aaa.pcap": {"plaintext"},
    "zeek__tls_tls-1.2-handshake-failure.pcap": {"failed"},
    "suricata-verify__tls-extra-alert_input.pcap": {"failed"},
    "zeek__tls_tls1_1.pcap": {"weak"},
    "wiki__rsasnakeoil2.cap": {"weak"},
}
ALERTS = {
    "zeek__tls_tls-1.2-handshake-failure.pcap": "handshake_failure",
    "suricata-verify__tls-extra-alert_input.pcap": "handshake_failure",
}


@needs_real_captures
class RealCaptures(SandboxTestCase):
    def captures(self):
        return sorted(p for p in glob.glob(os.path.join(REAL_CAPTURES, "*"))
                      if p.endswith((".pcap", ".cap", ".pcapng")))

    def test_no_crash_and_no_invented_roles(self):
        captures = self.captures()
        self.assertGreater(len(captures), 10)
        for capture in captures:
            name = os.path.basename(capture)
            for two_pass in (False, True):
                with self.subTest(capture=name, two_pass=two_pass):
                    packets, stderr = dissect(self.sandbox, capture, two_pass, roles=None,
                                              extra=PORTS)
                    self.assertNotIn("Dissector bug", stderr)
                    for packet in packets:
                        # None of these hosts is a Cisco component.
                        self.assertEqual(packet.get("ccesec.leg"), "unknown-unknown", name)

    def test_statuses(self):
        for name, statuses in EXPECTED_STATUSES.items():
            with self.subTest(capture=name):
                packets, _ = dissect(self.sandbox, os.path.join(REAL_CAPTURES, name),
                                     roles=None, extra=PORTS)
                conns = by_connection(packets)
                self.assertTrue(conns, "ccesec labels no connection")
                got = {p[0].get("ccesec.status") for p in conns.values()}
                self.assertEqual(got, statuses)
                if name in ALERTS:
                    alerts = {p[0].get("ccesec.alert") for p in conns.values()}
                    self.assertEqual(alerts, {ALERTS[name]})

    def test_key_log_decrypts_tls13(self):
        capture = os.path.join(REAL_CAPTURES, "illustrated-tls13__capture.pcap")
        keylog = os.path.join(REAL_CAPTURES, "illustrated-tls13__keylog.txt")
        packets, _ = dissect(self.sandbox, capture, roles=None, keylog=keylog, extra=PORTS)
        conns = by_connection(packets)
        self.assertEqual(len(conns), 1)
        first = list(conns.values())[0][0]
        self.assertEqual(first.get("ccesec.tls.version"), "TLS 1.3")
        # with the key log the TLS 1.3 certificate is visible
        self.assertEqual(first.get("ccesec.cert.cn"), "example.ulfheim.net")


if __name__ == "__main__":
    ccesec_testlib.main()
