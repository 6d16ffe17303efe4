# SPDX-License-Identifier: GPL-2.0-or-later
"""A two-port userspace switch with a SPAN (mirror) port, for loss and reordering.

This kernel has no netem and no iptables, so the lab makes loss and reordering here: the
switch namespace takes two lab ports off its bridge, and this program forwards every frame
between them with AF_PACKET sockets, copying each frame to a mirror port as it enters (the
view of a SPAN session, where dumpcap records). A plan names client-to-server data segments
by their order (the 1st, 2nd... distinct TCP sequence number with payload sent to the server
port) and what happens to each:
  mirror=drop    the SPAN copy is lost (the endpoints still get the frame)
  mirror=late    the SPAN copy comes out after the next data segment's copy (reordered)
  forward=drop   the frame is lost on the network once (TCP then retransmits it)

Usage (inside the switch namespace):
  span.py CLIENT_PORT SERVER_PORT MIRROR_PORT SERVER_TCP_PORT PLAN_JSON
Prints "ready" when it forwards; stops on SIGTERM. Stdlib only.
"""

import json
import select
import signal
import socket
import struct
import sys

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def open_port(name):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((name, 0))
    return sock


def client_data_seq(frame, server_port):
    """The TCP sequence number of a client->server IPv4 segment with payload, else None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return None
    ihl = (frame[14] & 0x0F) * 4
    total = struct.unpack("!H", frame[16:18])[0]
    tcp = 14 + ihl
    if len(frame) < tcp + 20:
        return None
    dport = struct.unpack("!H", frame[tcp + 2:tcp + 4])[0]
    offset = (frame[tcp + 12] >> 4) * 4
    if dport != server_port or total - ihl - offset <= 0:
        return None
    return struct.unpack("!I", frame[tcp + 4:tcp + 8])[0]


class Span:
    def __init__(self, client_port, server_port, mirror_port, tcp_port, plan):
        self.client, self.server = open_port(client_port), open_port(server_port)
        self.mirror = open_port(mirror_port)
        self.tcp_port = tcp_port
        self.plan = {int(k): v for k, v in plan.items()}
        self.seqs = []  # distinct client data sequence numbers, in order
        self.dropped = set()
        self.held = []

    def run(self):
        running = [True]
        signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
        print("ready", flush=True)
        while running[0]:
            try:
                ready, _, _ = select.select([self.client, self.server], [], [], 0.2)
            except InterruptedError:
                continue
            for sock in ready:
                frame, addr = sock.recvfrom(65535)
                if addr[2] == PACKET_OUTGOING:
                    continue
                if sock is self.client:
                    self.from_client(frame)
                else:
                    self.mirror.send(frame)
                    self.client.send(frame)
        for frame in self.held:
            self.mirror.send(frame)

    def from_client(self, frame):
        seq = client_data_seq(frame, self.tcp_port)
        rule, first = {}, False
        if seq is not None:
            if seq not in self.seqs:
                self.seqs.append(seq)
                first = True
            rule = self.plan.get(self.seqs.index(seq) + 1, {})
        mirror = rule.get("mirror", "keep") if first else "keep"
        if mirror == "keep":
            self.mirror.send(frame)
        elif mirror == "late":
            self.held.append(frame)
        if seq is not None and first and mirror != "late":
            for held in self.held:  # after the next data segment's copy
                self.mirror.send(held)
            self.held = []
        if rule.get("forward") == "drop" and seq not in self.dropped:
            self.dropped.add(seq)
            return
        self.server.send(frame)


def main():
    client, server, mirror, port, plan = sys.argv[1:6]
    Span(client, server, mirror, int(port), json.loads(plan)).run()


if __name__ == "__main__":
    main()
