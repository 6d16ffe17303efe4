#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Preferences change verdicts: minimum TLS version, cipher policy, expiry warning days,
certificate pinning in the roles file, and the SIP/TLS ports."""
import os
import tempfile

import ccesec_testlib
from ccesec_testlib import (CAPTURES, REAL_CAPTURES, ROLES, by_connection, dissect,
                            needs_real_captures, SandboxTestCase)


def statuses(packets):
    return {p[0].get("ccesec.leg"): p[0].get("ccesec.status")
            for p in by_connection(packets).values()}


def experts(packets):
    return {name for packet in packets for name, _ in packet.experts}


class Preferences(SandboxTestCase):
    def run_capture(self, name, roles=ROLES, extra=()):
        return dissect(self.sandbox, os.path.join(CAPTURES, name), roles=roles, extra=extra)[0]

    def test_min_tls_version(self):
        tls10 = "04-tls10-cvp-vvb.pcapng"
        self.assertEqual(statuses(self.run_capture(tls10))["CVP-VVB"], "weak")
        relaxed = self.run_capture(tls10, extra=["-o", "ccesec.min_tls_version:tls1.0"])
        self.assertEqual(statuses(relaxed)["CVP-VVB"], "secure")
        self.assertIn("legacy_cipher", experts(relaxed))  # CBC-SHA1 still noted
        strict = self.run_capture("01-all-secure.pcapng",
                                  extra=["-o", "ccesec.min_tls_version:tls1.3"])
        self.assertEqual(set(statuses(strict).values()), {"weak"})

    @needs_real_captures
    def test_cipher_policy(self):
        capture = os.path.join(REAL_CAPTURES, "illustrated-tls12__capture.pcap")
        ports = ["-o", "ccesec.tls_ports:8443"]
        default = dissect(self.sandbox, capture, roles=None, extra=ports)[0]
        self.assertEqual(set(statuses(default).values()), {"secure"})
        self.assertIn("legacy_cipher", experts(default))
        strict = dissect(self.sandbox, capture, roles=None,
                         extra=ports + ["-o", "ccesec.cipher_policy:strict"])[0]
        self.assertEqual(set(statuses(strict).values()), {"weak"})
        self.assertIn("weak_cipher", experts(strict))

    def test_expiry_warning_days(self):
        name = "01-all-secure.pcapng"
        self.assertNotIn("cert_expiring", experts(self.run_capture(name)))
        soon = self.run_capture(name, extra=["-o", "ccesec.expiry_warning_days:36500"])
        self.assertIn("cert_expiring", experts(soon))
        self.assertEqual(set(statuses(soon).values()), {"secure"})

    def pinned_roles(self, sha256):
        handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
        with open(ROLES) as lab:
            for line in lab:
                if line.startswith("198.18.133.3,"):
                    line = "198.18.133.3,CUCM,cucm1.dcloud.cisco.com,%s\n" % sha256
                handle.write(line)
        handle.close()
        return handle.name

    def test_fingerprint_pinning(self):
        packets = self.run_capture("01-all-secure.pcapng")
        conns = by_connection(packets).values()
        cucm = [p for p in conns if p[0].get("ccesec.leg") == "CVP-CUCM"][0][0]
        good = cucm.get("ccesec.cert.sha256")
        self.assertRegex(good, r"^([0-9a-f]{2}:){31}[0-9a-f]{2}$")
        for pin, status in ((good.upper(), "secure"), ("00" * 32, "failed")):
            roles = self.pinned_roles(pin)
            try:
                pinned = self.run_capture("01-all-secure.pcapng", roles=roles)
                self.assertEqual(statuses(pinned)["CVP-CUCM"], status)
                self.assertEqual("pin_mismatch" in experts(pinned), status == "failed")
            finally:
                os.unlink(roles)

    def test_ports(self):
        """5060 no longer a SIP port: the clear CVP-CUCM leg is no longer watched."""
        name = "02-cvp-cucm-clear-tcp.pcapng"
        self.assertIn("CVP-CUCM", statuses(self.run_capture(name, roles=None)))
        # Still watched when the roles file names both ends (SIP between two components).
        self.assertEqual(statuses(self.run_capture(name, extra=[
            "-o", "ccesec.sip_ports:5070"]))["CVP-CUCM"], "plaintext")
        unwatched = self.run_capture(name, roles=None, extra=["-o", "ccesec.sip_ports:5070"])
        self.assertNotIn("CVP-CUCM", statuses(unwatched))


if __name__ == "__main__":
    ccesec_testlib.main()
