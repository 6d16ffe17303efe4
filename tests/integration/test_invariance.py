#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A verdict states what the capture proves, so it cannot depend on how Wireshark is set up
or where the capture was taken: on every bundled capture, each connection's final status is
the same with Wireshark's TCP preferences changed (out-of-order reassembly on, sequence
analysis off), with the TLS key log given, and with the packets framed by another link layer
(raw IP, Linux cooked v1 and v2, BSD loopback, an 802.1Q tag, two tags), as captures from a
Linux "any" interface, a tunnel, a loopback or a trunked SPAN port frame them. A key log may
add facts (certificate names in TLS 1.3, alert names), never flip a status."""
import glob
import os
import struct
import subprocess
import tempfile
import unittest

from ccesec_testlib import CAPTURES, ROLES, SandboxTestCase

VARIANTS = {
    "tcp.reassemble_out_of_order": ["-o", "tcp.reassemble_out_of_order:TRUE"],
    "tcp.analyze_sequence_numbers off": ["-o", "tcp.analyze_sequence_numbers:FALSE"],
    "tcp.relative_sequence_numbers off": ["-o", "tcp.relative_sequence_numbers:FALSE"],
}


# ---- The same packets under another link layer ----
# The bundled captures are Ethernet. Each frame is rewritten with the same network-layer bytes
# (and as many of them captured) behind another link header; a frame cut by a snap length
# stays cut at the same byte of its IP packet.

ETHERTYPE_VLAN = 0x8100
LINKTYPE = {"raw": 101, "sll": 113, "sll2": 276, "null": 0, "vlan": 1, "qinq": 1}
AF_NULL = {0x0800: 2, 0x86DD: 24}  # BSD loopback: AF_INET, AF_INET6 as NetBSD/OpenBSD


def link_header(kind, ethernet, ethertype):
    """The new link header for a frame whose Ethernet header is ethernet (14 bytes)."""
    if kind == "raw":
        return b""
    if kind == "sll":  # packet type 0 (to us), ARPHRD_ETHER, 6-byte address
        return struct.pack("!HHH8sH", 0, 1, 6, ethernet[6:12] + b"\0\0", ethertype)
    if kind == "sll2":  # protocol, reserved, interface index, ARPHRD_ETHER, type, address
        return struct.pack("!HHIHBB8s", ethertype, 0, 1, 1, 0, 6, ethernet[6:12] + b"\0\0")
    if kind == "null":
        return struct.pack("<I", AF_NULL[ethertype])
    tags = [(ETHERTYPE_VLAN, 24)] if kind == "vlan" else [(0x88A8, 100), (ETHERTYPE_VLAN, 24)]
    header = ethernet[:12]
    for tpid, vlan_id in tags:
        header += struct.pack("!HH", tpid, vlan_id)
    return header + struct.pack("!H", ethertype)


def relink(pcap_in, pcap_out, kind):
    """Rewrites an Ethernet pcap (editcap -F pcap output) with another link header."""
    with open(pcap_in, "rb") as handle:
        data = handle.read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    major, minor, zone, sigfigs, snaplen, linktype = struct.unpack(endian + "HHiIII", data[4:24])
    assert linktype == 1, "not an Ethernet capture"
    out = [magic + struct.pack(endian + "HHiIII", major, minor, zone, sigfigs, snaplen + 64,
                               LINKTYPE[kind])]
    offset = 24
    while offset + 16 <= len(data):
        seconds, fraction, caplen, wirelen = struct.unpack(endian + "IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + caplen]
        offset += 16 + caplen
        ethertype = struct.unpack("!H", frame[12:14])[0]
        header = link_header(kind, frame[:14], ethertype)
        body = frame[14:]
        delta = len(header) - 14
        out.append(struct.pack(endian + "IIII", seconds, fraction, len(header) + len(body),
                               wirelen + delta) + header + body)
    with open(pcap_out, "wb") as handle:
        handle.write(b"".join(out))
    os.chmod(pcap_out, 0o644)


def bundled_captures():
    return sorted(glob.glob(os.path.join(CAPTURES, "*.pcapng")) +
                  glob.glob(os.path.join(CAPTURES, "adversarial", "*.pcapng")))


class Invariance(SandboxTestCase):
    def statuses(self, capture, extra):
        """connection number -> (leg, status), final state (two passes)."""
        args = ["-2", "-n", "-r", self.sandbox.input(capture), "-Y", "ccesec",
                "-o", "ccesec.roles_file:" + self.sandbox.input(ROLES),
                "-T", "fields", "-e", "ccesec.conn", "-e", "ccesec.leg", "-e", "ccesec.status"]
        # adv-08 is TLS on 5060: its own test decodes it; here the default decoding is kept.
        result = self.sandbox.run(args + list(extra))
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = {}
        for line in result.stdout.splitlines():
            conn, leg, status = (line.split("\t") + ["", "", ""])[:3]
            if conn:
                rows[int(conn)] = (leg, status)
        return rows

    def test_tcp_preferences_do_not_change_verdicts(self):
        for capture in bundled_captures():
            base = self.statuses(capture, [])
            self.assertTrue(base, os.path.basename(capture))
            for name, extra in VARIANTS.items():
                with self.subTest(capture=os.path.basename(capture), variant=name):
                    self.assertEqual(self.statuses(capture, extra), base)

    def test_link_layers_do_not_change_verdicts(self):
        folder = tempfile.mkdtemp(dir=self.sandbox.root)
        os.chmod(folder, 0o755)
        checked = 0
        for capture in bundled_captures():
            name = os.path.basename(capture)[:-len(".pcapng")]
            ethernet = os.path.join(folder, name + ".pcap")
            subprocess.run(["editcap", "-F", "pcap", capture, ethernet], check=True,
                           capture_output=True)
            base = self.statuses(ethernet, [])
            self.assertTrue(base, name)
            for kind in LINKTYPE:
                with self.subTest(capture=name, link=kind):
                    relinked = os.path.join(folder, "%s.%s.pcap" % (name, kind))
                    relink(ethernet, relinked, kind)
                    self.assertEqual(self.statuses(relinked, []), base)
                    checked += 1
        self.assertGreater(checked, 50 * len(LINKTYPE))

    def test_every_wanted_field_exists(self):
        """ccesec names, at start, any field this Wireshark lacks (a renamed field would
        otherwise weaken verdicts in silence): on a supported Wireshark it names none."""
        result = self.sandbox.run(["-r", self.sandbox.input(bundled_captures()[0]), "-c", "1"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("has no field", result.stderr)

    def test_key_log_does_not_change_verdicts(self):
        checked = 0
        for capture in bundled_captures():
            keylog = capture[:-len(".pcapng")] + ".keys"
            if not os.path.exists(keylog):
                continue
            with self.subTest(capture=os.path.basename(capture)):
                with_keys = self.statuses(capture, ["-o", "tls.keylog_file:" +
                                                    self.sandbox.input(keylog)])
                self.assertEqual(with_keys, self.statuses(capture, []))
                checked += 1
        self.assertGreater(checked, 20)


if __name__ == "__main__":
    import ccesec_testlib  # noqa: E402 (the ctest-aware exit: skips are visible)

    ccesec_testlib.main()
