# SPDX-License-Identifier: GPL-2.0-or-later
"""Record the adversarial captures: hostile but real TLS/SIP traffic in the CCE lab.

Run by scripts/make-adversarial-captures once the lab namespaces exist (the same hosts and
bridge as scripts/make-test-captures). Reuses the lab's CA, TLS contexts and recorder
(scenarios.Lab, scenarios.Recorder) and its SIP connections and dialogs (sipnode). Every
byte crosses a real TCP connection between namespaces; where no TLS stack would send the
hostile bytes (broken DER in a Certificate message) a raw Python server sends a hand-built
server flight to a real OpenSSL client.

Each capture gets NAME.expect.json (format: test-captures/adversarial/README.md) saying what
the plugin must report; tests/integration/test_adversarial.py checks it. Before writing,
each capture is read back with tshark (no plugin) to check it really shows the adversity it
is named for.
"""

import argparse
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adversarial_der as adv  # noqa: E402
import scenarios  # noqa: E402
from sipnode import Connection, Dialog, SipMessage, new_rng, run_both, socket_in  # noqa: E402

V4 = socket.AF_INET
ROLES_FILE = "../../roles/dcloud-lab.csv"
GUID = scenarios.GUID
TRICKLE_PAUSE = 0.0005


# ---- Connections with a twist ----

class Trickle:
    """A TLS endpoint over a socket that sends every byte in its own TCP segment."""

    def __init__(self, sock, ctx, server_side, hostname=None):
        self.sock = sock
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.incoming, self.outgoing, server_side=server_side,
                                server_hostname=hostname)

    def _flush(self):
        data = self.outgoing.read()
        for index in range(len(data)):
            self.sock.send(data[index:index + 1])
            time.sleep(TRICKLE_PAUSE)

    def _fill(self):
        chunk = self.sock.recv(65535)
        if not chunk:
            raise ConnectionError("peer closed")
        self.incoming.write(chunk)

    def _pump(self, step):
        while True:
            try:
                result = step()
                self._flush()
                return result
            except ssl.SSLWantReadError:
                self._flush()
                self._fill()

    def handshake(self):
        self._pump(self.tls.do_handshake)

    def sendall(self, data):
        self._pump(lambda: self.tls.write(data))

    def recv(self, size):
        return self._pump(lambda: self.tls.read(size))

    def unwrap(self):
        self._pump(self.tls.unwrap)
        return self.sock


class TrickleConnection(Connection):
    """sipnode.Connection whose TLS records leave one byte per TCP segment, both ways."""

    def _handshake(self):
        ends = {"client": Trickle(self.socks["client"], self.client_ctx, False,
                                  self.server_hostname),
                "server": Trickle(self.socks["server"], self.server_ctx, True)}
        self.errors = run_both(ends["client"].handshake, ends["server"].handshake)
        if self.errors:
            self.abort()
            return False
        self.socks = ends
        return True

    def abort(self):
        for end in self.socks.values():
            getattr(end, "sock", end).close()
        self.socks = {}


# ---- Scenario helpers ----

def expect_conn(conn, leg, status, **extra):
    entry = {"transport": conn.transport, "client": conn.client.address(conn.family),
             "server": conn.server.address(conn.family), "server_port": conn.port,
             "leg": leg, "status": status}
    entry.update(extra)
    return entry


def tls_connection(rec, client, server, client_opts=None, server_opts=None, port=None,
                   cls=Connection):
    lab = rec.lab
    keylog = os.path.join(rec.dir, "%02d.keys" % len(rec.made))
    conn = cls(lab.hosts[client], lab.hosts[server], "tls", V4,
               lab.client_context(lab.hosts[client], client_opts or {}, keylog),
               lab.server_context(lab.hosts[server], server_opts or {}),
               server_hostname=lab.hosts[server].cert_name)
    if port:
        conn.port = port
    rec.made.append((conn, None, None))
    if not conn.open():
        raise RuntimeError("%s: handshake failed: %r" % (rec.name, conn.errors))
    return conn


def short_call(conn, rng_name):
    dialog = Dialog(conn, new_rng(rng_name), "+14085550100", "7800", GUID)
    dialog.request("INVITE", with_sdp=True)
    dialog.respond(100, "Trying")
    dialog.respond(200, "OK", with_sdp=True)
    dialog.request("ACK")
    dialog.request("BYE")
    dialog.respond(200, "OK")


# ---- The scenarios: each returns its list of expected connections ----

def cn_64k(rec):
    """64,000 bytes of CN (a Certificate message Wireshark 4.0 reassembles), then 65,536
    (a message over 64 KiB, which Wireshark 4.0 leaves unreassembled: no certificate)."""
    lab = rec.lab
    prefix = "cvp1.dcloud.cisco.com."
    certs = [adv.issue_leaf(lab.ca, prefix + "x" * (length - len(prefix)),
                            "cvp1.dcloud.cisco.com", rec.dir) for length in (64000, 65536)]
    rec.start()
    expected = []
    for cert, extra in zip(certs, ({"cert_cn_prefix": prefix + "x", "cert_cn_max_len": 127},
                                   {"cert_cn": None})):
        conn = tls_connection(rec, "cube", "cvp", server_opts={"cert": cert})
        short_call(conn, rec.name)
        conn.close()
        expected.append(expect_conn(conn, "CUBE-CVP", "secure", **extra))
    rec.stop()
    return expected


def chain_50(rec):
    lab = rec.lab
    chain = adv.issue_chain(lab.ca, 50, "cvp1.dcloud.cisco.com", rec.dir)
    rec.start()
    conn = tls_connection(rec, "cube", "cvp", server_opts={"cert": chain})
    short_call(conn, rec.name)
    conn.close()
    rec.stop()
    return [expect_conn(conn, "CUBE-CVP", "secure", cert_cn="cvp1.dcloud.cisco.com",
                        certificates_in_message=50)]


def _raw_server_flight(listener, flight, done):
    try:
        sock, _ = listener.accept()
        sock.settimeout(10)
        sock.recv(65535)  # the ClientHello (one segment)
        sock.sendall(flight)
        while sock.recv(65535):  # the client's alert, then its FIN
            pass
        sock.close()
    finally:
        done.set()


def bad_der(rec):
    lab = rec.lab
    cube, cvp = lab.hosts["cube"], lab.hosts["cvp"]
    leaf_der = adv.pem_to_der(lab.leaf["cvp"][0])
    cases = [  # (what, Certificate message, OpenSSL's alert)
        ("nested 3000 deep", adv.certificate_message([(None, adv.nested_der(3000))]),
         "bad_certificate"),
        ("truncated certificate", adv.certificate_message([(None, leaf_der[:400])]),
         "bad_certificate"),
        ("outer length 4 GB", adv.certificate_message([(None, adv.lying_length_der())]),
         "bad_certificate"),
        ("entry longer than the message",
         adv.certificate_message([(len(leaf_der) + 5000, leaf_der)]), "decode_error"),
    ]
    rec.start()
    expected = []
    for index, (what, message, alert) in enumerate(cases):
        listener = socket_in(cvp.netns, V4, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((cvp.ipv4, 5061))
        listener.listen(1)
        listener.settimeout(10)
        done = threading.Event()
        threading.Thread(target=_raw_server_flight,
                         args=(listener, adv.server_flight(message), done)).start()
        client = socket_in(cube.netns, V4, socket.SOCK_STREAM)
        client.bind((cube.ipv4, 0))
        client.settimeout(10)
        client.connect((cvp.ipv4, 5061))
        keylog = os.path.join(rec.dir, "%02d.keys" % index)
        ctx = lab.client_context(cube, {}, keylog)
        try:
            ctx.wrap_socket(client, server_hostname=cvp.cert_name)
            raise RuntimeError("%s: OpenSSL accepted %s" % (rec.name, what))
        except ssl.SSLError:
            pass
        client.close()
        done.wait(15)
        listener.close()
        conn = Connection(cube, cvp, "tls")
        expected.append(expect_conn(conn, "CUBE-CVP", "failed", case=what, alert=alert,
                                    alert_sender="CUBE", cert_cn=None))
        time.sleep(0.1)
    rec.stop()
    return expected


def one_byte_segments(rec):
    rec.start()
    conn = tls_connection(rec, "cube", "cvp", cls=TrickleConnection)
    dialog = Dialog(conn, new_rng(rec.name), "ping", "ping")
    dialog.request("OPTIONS")
    dialog.respond(200, "OK")
    conn.close()
    rec.stop()
    return [expect_conn(conn, "CUBE-CVP", "secure", cert_cn="cvp1.dcloud.cisco.com",
                        sip_messages=["OPTIONS", "200"])]


def _shape(netns, on):
    """A token bucket with a 4 KB queue on the host's interface: bursts lose segments, so
    TCP retransmits them and the bridge sees gaps, retransmissions and out-of-order data."""
    base = ["ip", "netns", "exec", netns, "tc", "qdisc"]
    if on:
        subprocess.run(base + ["add", "dev", "eth0", "root", "tbf", "rate", "2mbit", "burst",
                               "3000", "limit", "4000"], check=True)
    else:
        subprocess.run(base + ["del", "dev", "eth0", "root"], check=False)


def lossy(rec):
    lab = rec.lab
    hosts = [lab.hosts["cube"].netns, lab.hosts["cvp"].netns]
    for netns in hosts:
        _shape(netns, True)
    try:
        rec.start()
        conn = tls_connection(rec, "cube", "cvp")
        dialog = Dialog(conn, new_rng(rec.name), "+14085550100", "7800", GUID)
        dialog.request("INVITE", with_sdp=True)
        dialog.respond(200, "OK", with_sdp=True)
        dialog.request("ACK")
        for side in ("client", "server"):  # bursts of 24 KB each way
            big = SipMessage("INFO sip:7800@%s:5061 SIP/2.0" % conn.server.ipv4 if side ==
                             "client" else "SIP/2.0 200 OK",
                             [("Call-ID", dialog.call_id), ("CSeq", "900 INFO"),
                              ("Content-Type", "text/plain")], "x" * 24000)
            conn.send(side, big)
        dialog.request("BYE")
        dialog.respond(200, "OK")
        conn.close()
        rec.stop()
    finally:
        for netns in hosts:
            _shape(netns, False)
    return [expect_conn(conn, "CUBE-CVP", "secure", cert_cn="cvp1.dcloud.cisco.com")]


def _alert_after_call(conn):
    dialog = Dialog(conn, new_rng("alert"), "+14085550100", "7800", GUID)
    dialog.request("INVITE", with_sdp=True)
    dialog.respond(100, "Trying")
    # A forged application data record: the server cannot authenticate it and answers with
    # a fatal bad_record_mac alert, itself encrypted (inside application data in TLS 1.3).
    os.write(conn.socks["client"].fileno(), b"\x17\x03\x03\x00\x30" + os.urandom(48))
    try:
        conn.socks["server"].recv(65535)
        raise RuntimeError("the server accepted a forged record")
    except ssl.SSLError:
        pass
    try:
        conn.socks["client"].recv(65535)
    except (ssl.SSLError, OSError):
        pass
    conn.abort()


def alert_in_appdata(rec):
    rec.start()
    expected = []
    for version in (scenarios.TLS12, scenarios.TLS13):
        opts = {"min": version, "max": version}
        conn = tls_connection(rec, "cube", "cvp", client_opts=opts, server_opts=opts)
        _alert_after_call(conn)
        # The handshake and the SIP before it were protected: TLS did its job by refusing
        # the forged record. The decrypted alert is reported, the status stays secure.
        expected.append(expect_conn(conn, "CUBE-CVP", "secure", alert="bad_record_mac",
                                    alert_sender="CVP"))
        time.sleep(0.2)
    rec.stop()
    return expected


def sip_5061_clear(rec):
    rec.start()
    lab = rec.lab
    conn = Connection(lab.hosts["cube"], lab.hosts["cvp"], "tcp", V4)
    conn.port = 5061
    conn.open()
    short_call(conn, rec.name)
    conn.close()
    rec.stop()
    return [expect_conn(conn, "CUBE-CVP", "plaintext")]


def tls_5060(rec):
    rec.start()
    conn = tls_connection(rec, "cube", "cvp", port=5060)
    short_call(conn, rec.name)
    conn.close()
    rec.stop()
    return [expect_conn(conn, "CUBE-CVP", "secure", cert_cn="cvp1.dcloud.cisco.com")]


# Extra tshark options the plugin needs to read a capture (tests pass them too).
TSHARK_ARGS = {"adv-08-tls-5060": ["-d", "tcp.port==5060,tls"]}

SCENARIOS = [
    ("adv-01-cn-64k", "CVP's certificate (signed by the lab CA, SAN cvp1.dcloud.cisco.com) "
     "has a 64,000-byte CN (its Certificate message spans four TLS records), then, on a "
     "second connection, a 65,536-byte CN (a message Wireshark 4.0 does not reassemble).",
     cn_64k),
    ("adv-02-chain-50", "CVP sends a chain of 50 certificates (leaf and 49 intermediate CAs "
     "under the lab CA); CUBE verifies it.", chain_50),
    ("adv-03-bad-der", "A raw server on CVP's address answers CUBE's ClientHello with a "
     "hand-built flight whose certificate is broken DER: nested 3000 deep, cut at 400 bytes, "
     "an outer length of 4 GB, an entry longer than its message; CUBE (OpenSSL) sends a fatal "
     "alert each time.", bad_der),
    ("adv-04-one-byte-segments", "CUBE and CVP send every byte of TLS (handshake and SIP) in "
     "its own TCP segment.", one_byte_segments),
    ("adv-05-lossy", "A 4 KB queue (tc tbf) on CUBE and CVP drops parts of 24 KB bursts: "
     "retransmitted and out-of-order TCP segments inside the TLS stream.", lossy),
    ("adv-06-alert-in-appdata", "After INVITE/100, a forged record makes CVP send a fatal "
     "bad_record_mac alert inside the encrypted stream (TLS 1.2 then TLS 1.3).",
     alert_in_appdata),
    ("adv-07-sip-5061-clear", "SIP in clear over TCP on port 5061.", sip_5061_clear),
    ("adv-08-tls-5060", "SIP over TLS 1.2 on port 5060.", tls_5060),
]


# ---- Checks of what the captures show (tshark, no plugin) ----

def tshark_fields(pcap, keylog, fields, display_filter=None, extra=()):
    args = ["tshark", "-r", pcap, "-o", "tls.keylog_file:" + keylog, "-T", "fields"]
    args += list(extra)
    if display_filter:
        args += ["-Y", display_filter]
    for field in fields:
        args += ["-e", field]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


WIRE_CHECKS = {  # name: (display filter, at least this many packets)
    "adv-01-cn-64k": ("tls.handshake.type == 11 && tls.handshake.certificate_length > 64000", 1),
    "adv-02-chain-50": ("tls.handshake.type == 11", 1),
    "adv-03-bad-der": ("tls.alert_message.level == 2", 4),
    "adv-04-one-byte-segments": ("tcp.len == 1 && tcp.port == 5061", 1000),
    "adv-05-lossy": ("tcp.analysis.retransmission || tcp.analysis.out_of_order || "
                     "tcp.analysis.fast_retransmission", 1),
    "adv-06-alert-in-appdata": ("tls.alert_message.desc == 20", 2),
    "adv-07-sip-5061-clear": ("sip && tcp.port == 5061", 6),
    "adv-08-tls-5060": ("tls.handshake.type == 1 && tcp.port == 5060", 1),
}


def check_wire(name, pcap, keylog):
    display_filter, minimum = WIRE_CHECKS[name]
    rows = tshark_fields(pcap, keylog, ["frame.number"], display_filter,
                         TSHARK_ARGS.get(name, []))
    if len(rows) < minimum:
        raise RuntimeError("%s: %d packets match '%s', want at least %d"
                           % (name, len(rows), display_filter, minimum))
    if name == "adv-02-chain-50":
        rows = tshark_fields(pcap, keylog, ["tls.handshake.certificate_length"],
                             "tls.handshake.type == 11")
        count = len(rows[0][0].split(","))
        if count != 50:
            raise RuntimeError("%s: %d certificates in the message" % (name, count))


def record(lab, name, description, body, outdir, attempts):
    for attempt in range(1, attempts + 1):
        rec = scenarios.Recorder(lab, "%s-try%d" % (name, attempt))
        connections = body(rec)
        keys = os.path.join(rec.dir, name + ".keys")
        with open(keys, "w") as handle:
            handle.write(rec.merged_keylog())
        try:
            check_wire(name, rec.pcap, keys)
            break
        except RuntimeError as err:
            if attempt == attempts:
                raise
            print("%s: %s; again" % (name, err), flush=True)
    shutil.copy(rec.pcap, os.path.join(outdir, name + ".pcapng"))
    shutil.copy(keys, os.path.join(outdir, name + ".keys"))
    expect = {"capture": name + ".pcapng", "keylog": name + ".keys", "roles_file": ROLES_FILE,
              "description": description, "tshark_args": TSHARK_ARGS.get(name, []),
              "connections": connections}
    with open(os.path.join(outdir, name + ".expect.json"), "w") as handle:
        json.dump(expect, handle, indent=2)
        handle.write("\n")
    print("%-28s %d bytes, %s" % (name, os.path.getsize(os.path.join(outdir, name + ".pcapng")),
                                  ", ".join(c["status"] for c in connections)), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prefix", required=True, help="network namespace name prefix")
    parser.add_argument("--out", required=True, help="test-captures/adversarial folder")
    parser.add_argument("--only", help="record only scenarios whose name starts with this")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="ccesec-adv-")
    try:
        lab = scenarios.Lab(args.prefix, workdir)
        for name, description, body in SCENARIOS:
            if not args.only or name.startswith(args.only):
                record(lab, name, description, body, args.out, 3)
    finally:
        if os.environ.get("ADV_KEEP_WORKDIR"):
            print("work folder kept: %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
