#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""scripts/lib/ccesec_carry.py: verdicts carried across the files of a set (pure logic)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "scripts", "lib"))
import ccesec_baseline  # noqa: E402
import ccesec_carry  # noqa: E402
import ccesec_fileobs  # noqa: E402

CLIENT, SERVER = "198.18.133.13:40000", "198.18.133.3:5061"


def obs(status, first, last, closed=None, client=CLIENT, server=SERVER, continued=False,
        leg="CVP-CUCM", transport="tls", **evidence):
    base = {"transport": transport, "client": client, "server": server, "client_role": "CVP",
            "server_role": "CUCM", "leg": leg, "status": status, "reason": status + " because",
            "first_seen": first, "last_seen": last, "packets": 3, "closed": closed,
            "continued": continued}
    base.update(evidence)
    return base


class CarryTest(unittest.TestCase):
    def test_handshake_in_one_file_decides_later_files(self):
        carry = ccesec_carry.Carry(grace=600)
        seen, done = carry.judge_file("f1", [obs("secure", 0, 10, tls_version="TLS 1.2")])
        self.assertEqual((seen[0]["status"], seen[0]["carried"], done), ("secure", False, []))
        for index in range(2, 9):
            seen, _ = carry.judge_file("f%d" % index, [obs("unverified", index * 10,
                                                           index * 10 + 5)])
        self.assertEqual(seen[0]["status"], "secure")
        self.assertTrue(seen[0]["carried"])
        self.assertEqual(seen[0]["tls_version"], "TLS 1.2")
        self.assertEqual((seen[0]["first_file"], seen[0]["last_file"]), ("f1", "f8"))
        self.assertIn("handshake in f1", ccesec_carry.carried_reason(seen[0]))
        self.assertEqual(seen[0]["packets"], 8 * 3)

    def test_unknown_without_handshake_stays_unverified(self):
        carry = ccesec_carry.Carry()
        seen, _ = carry.judge_file("f1", [obs("unverified", 0, 1)])
        seen, _ = carry.judge_file("f2", [obs("unverified", 2, 3)])
        self.assertEqual(seen[0]["status"], "unverified")
        self.assertFalse(seen[0]["carried"])

    def test_close_forgets_the_connection(self):
        carry = ccesec_carry.Carry(linger=60)
        carry.judge_file("f1", [obs("secure", 0, 1)])
        _, done = carry.judge_file("f2", [obs("unverified", 2, 3, closed="fin")])
        self.assertEqual(done, [])
        # the last ACKs of the close, in the next file: the same connection
        seen, done = carry.judge_file("f3", [obs("unverified", 4, 5)])
        self.assertEqual((seen[0]["conn"], seen[0]["status"], done), (1, "secure", []))
        # the same ports again after the linger, no handshake: not the closed verdict
        seen, done = carry.judge_file("f4", [obs("unverified", 66, 67)])
        self.assertEqual([(r["end"], r["status"]) for r in done], [("fin", "secure")])
        self.assertEqual((seen[0]["conn"], seen[0]["status"]), (2, "unverified"))

    def test_grace_time_forgets_an_idle_connection(self):
        carry = ccesec_carry.Carry(grace=60)
        carry.judge_file("f1", [obs("secure", 0, 10)])
        seen, done = carry.judge_file("f2", [obs("unverified", 71, 80)])
        self.assertEqual([r["end"] for r in done], ["idle"])
        self.assertEqual(seen[0]["status"], "unverified")
        carry2 = ccesec_carry.Carry(grace=60)
        carry2.judge_file("f1", [obs("secure", 0, 10)])
        seen, done = carry2.judge_file("f2", [obs("unverified", 69, 80)])
        self.assertEqual((seen[0]["status"], done), ("secure", []))

    def test_bare_fin_in_a_later_file_closes(self):
        carry = ccesec_carry.Carry(linger=60)
        carry.judge_file("f1", [obs("secure", 0, 1)])
        bare = {"client": SERVER, "server": CLIENT, "status": None, "closed": "fin",
                "first_seen": 5, "last_seen": 5}
        carry.judge_file("f2", [bare])
        (record,) = carry.live.values()
        self.assertEqual((record["end"], record["last_file"]), ("fin", "f2"))

    def test_tcp_numbering_tells_a_new_connection_on_the_same_ports(self):
        carry = ccesec_carry.Carry()
        carry.judge_file("f1", [obs("secure", 0, 1, seq_first={CLIENT: 1000, SERVER: 5},
                                    seq_next={CLIENT: 2000, SERVER: 900})])
        # goes on (a little data lost between the files, one retransmission)
        seen, _ = carry.judge_file("f2", [obs("unverified", 2, 3,
                                              seq_first={CLIENT: 2000 + 40000, SERVER: 880},
                                              seq_next={CLIENT: 50000, SERVER: 1000})])
        self.assertEqual((seen[0]["conn"], seen[0]["status"]), (1, "secure"))
        # the same ports, numbering from elsewhere: a new connection, nothing carried
        seen, done = carry.judge_file("f3", [obs("unverified", 4, 5,
                                                 seq_first={CLIENT: 3000000000},
                                                 seq_next={CLIENT: 3000000100})])
        self.assertEqual([r["end"] for r in done], ["replaced"])
        self.assertEqual((seen[0]["conn"], seen[0]["status"]), (2, "unverified"))
        wrapped = ccesec_carry.same_stream({"seq_next": {CLIENT: 2 ** 32 - 10}},
                                           {"seq_first": {CLIENT: 20}})
        self.assertTrue(wrapped)

    def test_new_handshake_on_same_ports_replaces(self):
        carry = ccesec_carry.Carry()
        carry.judge_file("f1", [obs("secure", 0, 1)])
        seen, done = carry.judge_file("f2", [obs("failed", 2, 3)])
        self.assertEqual([r["end"] for r in done], ["replaced"])
        self.assertEqual((seen[0]["status"], seen[0]["conn"]), ("failed", 2))

    def test_plaintext_in_every_file_is_one_connection(self):
        carry = ccesec_carry.Carry()
        for index in range(5):
            seen, done = carry.judge_file("f%d" % index, [obs(
                "plaintext", index, index + 0.5, transport="tcp", server="198.18.133.3:5060")])
            self.assertEqual((seen[0]["conn"], seen[0]["first_file"], done), (1, "f0", []))

    def test_plaintext_is_never_overridden(self):
        carry = ccesec_carry.Carry()
        carry.judge_file("f1", [obs("secure", 0, 1)])
        seen, _ = carry.judge_file("f2", [obs("plaintext", 2, 3, transport="tcp",
                                                server="198.18.133.3:5060")])
        self.assertEqual(seen[0]["status"], "plaintext")
        self.assertEqual(len(carry.live), 2)

    def test_cut_handshake_is_decided_by_the_reread(self):
        carry = ccesec_carry.Carry()
        carry.judge_file("f1", [obs("pending", 0, 1)])
        self.assertTrue(carry.pending())
        seen, done = carry.judge_file("f2", [obs("secure", 2, 3, continued=True)])
        self.assertEqual((seen[0]["status"], seen[0]["decided_in"], seen[0]["conn"], done),
                         ("secure", "f2", 1, []))
        self.assertFalse(carry.pending())

    def test_client_side_may_differ_between_files(self):
        carry = ccesec_carry.Carry()
        carry.judge_file("f1", [obs("secure", 0, 1)])
        seen, _ = carry.judge_file("f2", [obs("unverified", 2, 3, client=SERVER, server=CLIENT)])
        self.assertEqual(seen[0]["status"], "secure")

    def test_memory_is_bounded_by_live_connections(self):
        carry = ccesec_carry.Carry(grace=30)
        for index in range(2000):
            client = "198.18.133.13:%d" % (20000 + index)
            carry.judge_file("f%d" % index, [obs("secure", index * 10, index * 10 + 1,
                                                 client=client)])
            self.assertLessEqual(len(carry.live), 4)
        closing = ccesec_carry.Carry(grace=3600, linger=30)
        for index in range(2000):
            client = "198.18.133.13:%d" % (20000 + index)
            closing.judge_file("f%d" % index, [obs("secure", index * 10, index * 10 + 1,
                                                   client=client, closed="fin")])
            self.assertLessEqual(len(closing.live), 4)

    def test_state_round_trip(self):
        carry = ccesec_carry.Carry(grace=99)
        carry.judge_file("f1", [obs("secure", 0, 1)])
        again = ccesec_carry.Carry.from_dict(carry.to_dict())
        seen, _ = again.judge_file("f2", [obs("unverified", 2, 3)])
        self.assertEqual((seen[0]["status"], again.grace, again.next_id), ("secure", 99, 2))


class BaselineTest(unittest.TestCase):
    def test_drift(self):
        good = obs("secure", 0, 1, tls_version="TLS 1.2", cipher="A", cert_sha256="aa",
                   cert_cn="cucm1", cert_not_after=5)
        base = ccesec_baseline.build({"file": "x", "connections": [
            good, obs("plaintext", 0, 1, leg="CUBE-CVP")]}, ["CVP-CUCM", "CUBE-CVP"])
        self.assertEqual(base["expected_legs"], ["CVP-CUCM"])  # only what was secure
        self.assertEqual(ccesec_baseline.drift(base, good), [])
        renewed = dict(good, cert_sha256="bb")
        self.assertEqual(ccesec_baseline.drift(base, renewed), [("cert_sha256", ["aa"], "bb")])
        older = dict(good, tls_version="TLS 1.0", cipher="B", status="weak")
        self.assertEqual([d[0] for d in ccesec_baseline.drift(base, older)],
                         ["tls_version", "cipher"])
        refused = dict(good, status="failed", tls_version="TLS 1.0", cert_sha256="cc")
        self.assertEqual([d[0] for d in ccesec_baseline.drift(base, refused)], ["cert_sha256"])
        self.assertEqual(ccesec_baseline.drift(base, dict(good, leg="CVP-VVB")), [])


class FileObsTest(unittest.TestCase):
    def test_ring_names_and_order(self):
        names = ["/c/x_00010_20261201100000.pcapng", "/c/x_00002_20261201090000.pcapng",
                 "/c/y_00001_20261201090000.pcapng", "/c/other.pcap",
                 "/c/x_00009_20261201095959.pcapng"]
        groups = ccesec_fileobs.ring_groups(names)
        self.assertEqual(groups, [["/c/x_00002_20261201090000.pcapng",
                                   "/c/x_00009_20261201095959.pcapng",
                                   "/c/x_00010_20261201100000.pcapng"],
                                  ["/c/other.pcap"], ["/c/y_00001_20261201090000.pcapng"]])

    def test_absolute_time(self):
        self.assertEqual(ccesec_fileobs.absolute_time("Mar  1, 2029 12:18:01.000000000 UTC"),
                         1867061881)  # date -u -d @1867061881
        self.assertIsNone(ccesec_fileobs.absolute_time("garbage"))

    def test_reduce_lines_counts_and_closes(self):
        row = ["1", "{t}", "tls", CLIENT, SERVER, "CVP", "CUCM", "CVP-CUCM", "secure", "ok",
               "TLS 1.2", "X", "cucm1", "aa:bb", "", "", "{fin}", "0",
               "198.18.133.13", "", "40000", "198.18.133.3", "", "5061", "{seq}", "10", "{prog}"]
        lines = ["\t".join(row).format(t=t, fin=fin, seq=seq, prog="")
                 for t, fin, seq in ((5, 0, 4294967290), (6, 0, 4), (7, 1, 14))]
        (one,) = ccesec_fileobs.reduce_lines(lines)
        self.assertEqual((one["packets"], one["first_seen"], one["last_seen"], one["closed"]),
                         (3, 5.0, 7.0, "fin"))
        self.assertEqual((one["seq_first"], one["seq_next"]),
                         ({CLIENT: 4294967290}, {CLIENT: 25}))  # 14 + 10 bytes + FIN
        (two,) = ccesec_fileobs.reduce_lines(lines, since=6)
        self.assertEqual((two["packets"], two["continued"]), (2, True))
        # A file that ended during the handshake is undecided: the next file may finish it.
        ended = ["\t".join(row).format(t=5, fin=0, seq=1, prog="1").replace("\tsecure\t",
                                                                           "\tunverified\t")]
        (three,) = ccesec_fileobs.reduce_lines(ended)
        self.assertEqual(three["status"], "pending")


if __name__ == "__main__":
    import ccesec_testlib  # noqa: E402 (the ctest-aware exit: skips are visible)

    ccesec_testlib.main()
