#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Roles configuration inside tshark: the roles file (bad rows named by file and line, good
rows still applied, a missing file one message) and the ccesec_roles UAT from -o."""
import os
import tempfile

import ccesec_testlib
from ccesec_testlib import CAPTURES, by_connection, dissect, SandboxTestCase

CAPTURE = os.path.join(CAPTURES, "02-cvp-cucm-clear-tcp.pcapng")


def roles_of(packets):
    """{(client role, server role, client source, server source)} of every connection."""
    return {(p[0].get("ccesec.client.role"), p[0].get("ccesec.server.role"),
             p[0].get("ccesec.client.role_source"), p[0].get("ccesec.server.role_source"))
            for p in by_connection(packets).values()}


class RolesConfiguration(SandboxTestCase):
    def test_bad_rows_named_good_rows_apply(self):
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
            handle.write("# site\n198.18.133.3,cucm\nnot-an-ip,CVP\n198.18.133.13,ROUTER\n"
                         "198.18.133.13,CVP,cvp1.dcloud.cisco.com\n")
        try:
            packets, stderr = dissect(self.sandbox, CAPTURE, roles=handle.name)
            copy = os.path.basename(self.sandbox.input(handle.name))
            self.assertIn("good rows still apply", stderr)
            self.assertRegex(stderr, r"%s:3: .*not-an-ip" % copy)
            self.assertRegex(stderr, r"%s:4: .*ROUTER" % copy)
            self.assertNotIn(":2:", stderr)
            self.assertNotIn(":5:", stderr)
            roles = roles_of(packets)
            self.assertIn(("CVP", "CUCM", "config", "config"), roles)
        finally:
            os.unlink(handle.name)

    def test_missing_roles_file_is_one_message(self):
        packets, stderr = dissect(self.sandbox, CAPTURE, roles=None,
                                  extra=["-o", "ccesec.roles_file:/nonexistent/site.csv"])
        self.assertIn("/nonexistent/site.csv: cannot read roles file", stderr)
        self.assertEqual(stderr.count("cannot read roles file"), 1)
        self.assertTrue(packets, "the capture is still dissected")

    def test_uat_rows_from_the_command_line(self):
        uat = ['-o', 'uat:ccesec_roles:"198.18.133.13","CVP","",""',
               '-o', 'uat:ccesec_roles:"198.18.133.0/24","CUCM","",""']
        packets, _ = dissect(self.sandbox, CAPTURE, roles=None, extra=uat)
        # the longest prefix wins: .13 is CVP although the /24 says CUCM
        self.assertIn(("CVP", "CUCM", "config", "config"), roles_of(packets))

    def test_bad_uat_row_names_the_row(self):
        result = self.sandbox.run(["-r", self.sandbox.input(CAPTURE), "-o",
                                   'uat:ccesec_roles:"198.18.133.0/33","CVP","",""'])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("198.18.133.0/33", result.stderr)
        self.assertIn("prefix length", result.stderr)

    def test_roles_from_certificates_without_config(self):
        """No roles file: CN patterns name the servers, and the phone from its client cert."""
        packets, _ = dissect(self.sandbox, os.path.join(CAPTURES, "01-all-secure.pcapng"),
                             roles=None)
        legs = {p[0].get("ccesec.leg") for p in by_connection(packets).values()}
        self.assertIn("PHONE-CUCM", legs)
        servers = {(p[0].get("ccesec.server.role"), p[0].get("ccesec.server.role_source"))
                   for p in by_connection(packets).values()}
        self.assertEqual({s[1] for s in servers}, {"certificate"})
        self.assertEqual({s[0] for s in servers}, {"CUCM", "CVP", "VVB"})


if __name__ == "__main__":
    ccesec_testlib.main()
