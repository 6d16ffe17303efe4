#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The statistics table (tshark -z ccesec,legs): one row per connection in its final state,
and one verdict line per expected leg, for every bundled capture, in one pass and with -2."""
import os

import ccesec_testlib
from ccesec_testlib import CAPTURES, ROLES, endpoint, expectations, SandboxTestCase

EXPECTED_LEGS = ["CUBE-CVP", "CVP-VVB", "CVP-CUCM", "CUBE-CUCM", "PHONE-CUCM"]
COLUMNS = ["conn", "leg", "client_role", "client", "server_role", "server", "transport",
           "tls_version", "cipher", "cert_cn", "status", "reason", "packets", "first", "last"]


def parse_tables(stdout):
    tables, current = {}, None
    for line in stdout.splitlines():
        if line in ("Connections", "Expected legs"):
            current = tables.setdefault(line, [])
        elif current is not None and line.endswith("|") and not line.startswith("Conn |"):
            cells = [cell.strip() for cell in line[:-1].split(" |")]
            if len(cells) == len(COLUMNS):
                current.append(dict(zip(COLUMNS, cells)))
    return tables


def leg_verdict(connections, leg):
    on_leg = [c for c in connections if c["leg"] == leg]
    if not on_leg:
        return "not seen"
    return "secure" if all(c["status"] == "secure" for c in on_leg) else "NOT secure"


class StatsTable(SandboxTestCase):
    def table(self, capture, two_pass):
        args = ["-n", "-q", "-r", self.sandbox.input(capture), "-z", "ccesec,legs",
                "-o", "ccesec.roles_file:" + self.sandbox.input(ROLES)]
        if two_pass:
            args.insert(0, "-2")
        result = self.sandbox.run(args)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("CCE SIP Signalling Security", result.stdout)
        return parse_tables(result.stdout)

    def check_rows(self, rows, expect):
        self.assertEqual(len(rows), len(expect["connections"]))
        for expected in expect["connections"]:
            client = endpoint(expected["client"], expected["client_port"])
            server = endpoint(expected["server"], expected["server_port"])
            (row,) = [r for r in rows if (r["client"], r["server"]) == (client, server)]
            wanted = {"leg": expected["leg"], "client_role": expected["client_role"],
                      "server_role": expected["server_role"],
                      "transport": expected["transport"], "status": expected["status"],
                      "tls_version": expected["tls_version"] or "",
                      "cipher": expected["cipher"] or ""}
            if expected["server_cert_cn"]:
                wanted["cert_cn"] = expected["server_cert_cn"]
            self.assertEqual({key: row[key] for key in wanted}, wanted)
            self.assertTrue(row["reason"])
            self.assertGreater(int(row["packets"]), 0)
            self.assertLessEqual(float(row["first"]), float(row["last"]))

    def check_legs(self, legs, expect):
        self.assertEqual([row["leg"] for row in legs], EXPECTED_LEGS)
        for row in legs:
            self.assertEqual(row["status"], leg_verdict(expect["connections"], row["leg"]),
                             row["leg"])
            if row["status"] == "NOT secure":
                self.assertIn("not secure; connection", row["reason"])

    def test_every_capture(self):
        for name, expect in expectations():
            for two_pass in (False, True):
                with self.subTest(capture=name, two_pass=two_pass):
                    tables = self.table(os.path.join(CAPTURES, expect["capture"]), two_pass)
                    self.check_rows(tables["Connections"], expect)
                    self.check_legs(tables["Expected legs"], expect)

    def test_filter_argument(self):
        capture = os.path.join(CAPTURES, "01-all-secure.pcapng")
        args = ["-n", "-q", "-r", self.sandbox.input(capture), "-z",
                'ccesec,legs,ccesec.leg == "CVP-VVB"', "-o",
                "ccesec.roles_file:" + self.sandbox.input(ROLES)]
        result = self.sandbox.run(args)
        tables = parse_tables(result.stdout)
        self.assertEqual([r["leg"] for r in tables["Connections"]], ["CVP-VVB"])
        verdicts = {r["leg"]: r["status"] for r in tables["Expected legs"]}
        self.assertEqual(verdicts["CVP-VVB"], "secure")
        self.assertEqual(verdicts["CUBE-CVP"], "not seen")


if __name__ == "__main__":
    ccesec_testlib.main()
