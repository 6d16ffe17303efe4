#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The statistics table (tshark -z ccesec,legs): one row per connection in its final state,
and one verdict line per expected leg, for every bundled capture, in one pass and with -2."""
import json
import os

import ccesec_testlib
from ccesec_testlib import CAPTURES, ROLES, endpoint, expectations, SandboxTestCase
import ccesec_table

EXPECTED_LEGS = ["CUBE-CVP", "CVP-VVB", "CVP-CUCM", "CUBE-CUCM", "PHONE-CUCM"]


def parse_tables(stdout):
    """The one table of a single -z."""
    tables = ccesec_table.parse(stdout)
    assert len(tables) == 1, stdout
    return tables[0]


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
            self.assertLessEqual(float(row["first_seen"]), float(row["last_seen"]))

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


class StatsTablePerFilter(SandboxTestCase):
    """Two -z ccesec,legs with different filters in one run: two tables, each with only its
    filter's connections, each counting only its filter's packets."""

    CAPTURE = "01-all-secure"
    # Plain display filters (no ccesec field): what they select is decided without the plugin.
    FILTERS = ("ip.addr == 198.18.133.143", "ip.addr == 198.18.133.3 && tcp.port == 5061")

    def plain_count(self, capture, display_filter):
        result = self.sandbox.run(["-n", "-r", capture, "-Y", display_filter, "-T", "fields",
                                   "-e", "frame.number"])
        self.assertEqual(result.returncode, 0, result.stderr)
        return len(result.stdout.split())

    def expected_rows(self, capture, display_filter, connections):
        """endpoint pair -> packet count, for every connection of the scenario with packets
        through the filter."""
        rows = {}
        for conn in connections:
            proto = "udp" if conn["transport"] == "udp" else "tcp"
            this_conn = ("(%s) && ip.addr == %s && ip.addr == %s && %s.port == %d && "
                         "%s.port == %d" % (display_filter, conn["client"], conn["server"], proto,
                                            conn["client_port"], proto, conn["server_port"]))
            count = self.plain_count(capture, this_conn)
            if count:
                rows[(endpoint(conn["client"], conn["client_port"]),
                      endpoint(conn["server"], conn["server_port"]))] = count
        return rows

    def tables(self, capture, two_pass):
        args = ["-n", "-q", "-r", capture, "-o", "ccesec.roles_file:" + self.sandbox.input(ROLES)]
        if two_pass:
            args.insert(0, "-2")
        for display_filter in self.FILTERS:
            args += ["-z", "ccesec,legs," + display_filter]
        result = self.sandbox.run(args)
        self.assertEqual(result.returncode, 0, result.stderr)
        tables = {t["filter"]: t for t in ccesec_table.parse(result.stdout)}
        self.assertEqual(sorted(tables), sorted(self.FILTERS))
        return tables

    def test_two_filters_two_tables(self):
        with open(os.path.join(CAPTURES, self.CAPTURE + ".expect.json")) as handle:
            expect = json.load(handle)
        capture = self.sandbox.input(os.path.join(CAPTURES, expect["capture"]))
        wanted = {f: self.expected_rows(capture, f, expect["connections"]) for f in self.FILTERS}
        self.assertTrue(all(wanted.values()), "each filter must select some connection")
        self.assertNotEqual(set(wanted[self.FILTERS[0]]), set(wanted[self.FILTERS[1]]))
        for two_pass in (True, False):
            tables = self.tables(capture, two_pass)
            for display_filter in self.FILTERS:
                with self.subTest(filter=display_filter, two_pass=two_pass):
                    rows = tables[display_filter]["Connections"]
                    got = {(r["client"], r["server"]): int(r["packets"]) for r in rows}
                    self.assertEqual(set(got), set(wanted[display_filter]))
                    if two_pass:
                        # Every packet of a connection carries its state only with -2; in one
                        # pass the TCP handshake comes before the connection is known.
                        self.assertEqual(got, wanted[display_filter])
                    legs = tables[display_filter]["Expected legs"]
                    for leg in legs:
                        on_leg = [int(r["packets"]) for r in rows if r["leg"] == leg["leg"]]
                        self.assertEqual(int(leg["packets"]), sum(on_leg), leg["leg"])
                        self.assertEqual(leg["status"] == "not seen", not on_leg, leg["leg"])


if __name__ == "__main__":
    ccesec_testlib.main()
