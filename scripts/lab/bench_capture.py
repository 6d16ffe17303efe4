# SPDX-License-Identifier: GPL-2.0-or-later
"""Large synthetic captures for scripts/bench, in two shapes.

"media" (the default): shaped like a capture taken on a CVP call server.
What a CVP span port sees during busy hours: mostly G.711 RTP (CUBE <-> VVB while the caller
queues, CUBE <-> agent phone once answered), VXML over HTTP (8000) and HTTPS (8443) between
VVB and CVP, GED-125 to the VRU PG and bulk TCP, and per call a handful of SIP connections:
CUBE-CVP, CVP-VVB, CVP-CUCM and PHONE-CUCM, most of them TLS 1.2 on 5061 with the lab's real
certificates, some SIP in clear over TCP or UDP 5060, a few TLS handshakes refused with an
unknown_ca alert, and OPTIONS keepalives on long-lived CUBE-CUCM and CUBE-CVP connections.

"sip-only": the same calls as a capture filtered to the SIP ports gives it (CUBE's monitor
capture, or a `port 5060 or port 5061` capture filter): only the SIP connections and the
keepalives, so every packet belongs to a connection ccesec watches, the plugin's worst case.

This is a load test, not a protocol test: the TLS records carry well-formed handshakes
(tshark parses the ClientHello, ServerHello, the certificate chain, ServerKeyExchange...)
and random bytes where a real stack would have ciphertext. Checksums are right. The output
is deterministic for a given seed. Standard library only (struct).
"""

import random
import struct
import subprocess

# ---- lab addresses (BRIEF.md) ----
CUBE = "198.18.133.226"
CVP = "198.18.133.13"
VVB = "198.18.133.143"
CUCM = "198.18.133.3"
VRU_PG = "198.18.133.20"
MEDIA_SERVER = "198.18.133.50"
LOG_SERVER = "198.18.133.60"
PHONES = ["198.18.135.%d" % n for n in range(10, 210)]

CERT_SOURCE = "01-all-secure.pcapng"  # in test-captures: server certificates of the lab

ETH_IPV4 = 0x0800
PROTO_TCP, PROTO_UDP = 6, 17
MSS = 1448
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
RTP_PAYLOAD = 160  # G.711, 20 ms at 8 kHz: 12 + 160 = 172 bytes of UDP payload
RTP_INTERVAL_US = 20000
GED125_PORT = 5001


# ---- link, network and transport headers ----

def _ones_complement_sum(data):
    """RFC 1071 sum: a 16-bit ones' complement sum equals the number modulo 0xFFFF."""
    if len(data) % 2:
        data += b"\0"
    value = int.from_bytes(data, "big")
    total = value % 0xFFFF
    return 0xFFFF if total == 0 and value else total


def _checksum(data):
    return ~_ones_complement_sum(data) & 0xFFFF


def _ip_bytes(text):
    return bytes(int(part) for part in text.split("."))


def _mac(ip):
    return b"\x00\x50\x56" + _ip_bytes(ip)[1:]


class Frames:
    """Collects (time, frame) pairs from every flow; written in time order at the end."""

    def __init__(self):
        self.items = []
        self.ip_id = {}

    def __len__(self):
        return len(self.items)

    def ipv4(self, t_us, src, dst, proto, l4):
        ident = self.ip_id.get(src, 0x1000)
        self.ip_id[src] = (ident + 1) & 0xFFFF
        header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0x4000, 64, proto,
                             0, _ip_bytes(src), _ip_bytes(dst))
        header = header[:10] + struct.pack("!H", _checksum(header)) + header[12:]
        frame = _mac(dst) + _mac(src) + struct.pack("!H", ETH_IPV4) + header + l4
        self.items.append((t_us, len(self.items), frame))

    def udp(self, t_us, src, sport, dst, dport, payload):
        length = 8 + len(payload)
        pseudo = _ip_bytes(src) + _ip_bytes(dst) + struct.pack("!BBH", 0, PROTO_UDP, length)
        header = struct.pack("!HHHH", sport, dport, length, 0)
        checksum = _checksum(pseudo + header + payload) or 0xFFFF
        self.ipv4(t_us, src, dst, PROTO_UDP,
                  struct.pack("!HHHH", sport, dport, length, checksum) + payload)

    def tcp(self, t_us, src, sport, dst, dport, seq, ack, flags, payload=b"", options=b""):
        offset = (20 + len(options)) // 4
        header = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, offset << 4, flags, 64240, 0,
                             0) + options
        pseudo = _ip_bytes(src) + _ip_bytes(dst) + struct.pack(
            "!BBH", 0, PROTO_TCP, len(header) + len(payload))
        checksum = _checksum(pseudo + header + payload)
        header = header[:16] + struct.pack("!H", checksum) + header[18:]
        self.ipv4(t_us, src, dst, PROTO_TCP, header + payload)

    def write_pcap(self, path, epoch_s):
        self.items.sort()
        with open(path, "wb") as out:
            out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
            for t_us, _, frame in self.items:
                out.write(struct.pack("<IIII", epoch_s + t_us // 1000000, t_us % 1000000, len(frame),
                                      len(frame)))
                out.write(frame)


class TcpFlow:
    """One TCP connection: sequence numbers, MSS segmentation, handshake and close."""

    SYN_OPTIONS = b"\x02\x04\x05\xb4\x01\x01\x04\x02\x01\x03\x03\x07"  # MSS, SACK ok, wscale

    def __init__(self, frames, rng, client, server, sport, dport):
        self.frames = frames
        self.ends = [(client, sport), (server, dport)]
        self.seq = [rng.getrandbits(32), rng.getrandbits(32)]

    def _packet(self, t_us, side, flags, payload=b"", options=b""):
        (src, sport), (dst, dport) = self.ends[side], self.ends[1 - side]
        self.frames.tcp(t_us, src, sport, dst, dport, self.seq[side], self.seq[1 - side],
                        flags, payload, options)
        self.seq[side] = (self.seq[side] + len(payload)) & 0xFFFFFFFF

    def open(self, t_us, rtt_us=400):
        self.frames.tcp(t_us, *self.ends[0], *self.ends[1], self.seq[0], 0, SYN,
                        options=self.SYN_OPTIONS)
        self.seq[0] = (self.seq[0] + 1) & 0xFFFFFFFF
        self.frames.tcp(t_us + rtt_us // 2, *self.ends[1], *self.ends[0], self.seq[1],
                        self.seq[0], SYN | ACK, options=self.SYN_OPTIONS)
        self.seq[1] = (self.seq[1] + 1) & 0xFFFFFFFF
        self._packet(t_us + rtt_us, 0, ACK)
        return t_us + rtt_us

    def send(self, t_us, side, payload, gap_us=30):
        """payload in MSS-sized segments; returns the time of the last one."""
        for start in range(0, len(payload), MSS):
            chunk = payload[start:start + MSS]
            last = start + MSS >= len(payload)
            self._packet(t_us, side, ACK | (PSH if last else 0), chunk)
            if not last:
                t_us += gap_us
        return t_us

    def ack(self, t_us, side):
        self._packet(t_us, side, ACK)

    def close(self, t_us, side=0, rtt_us=400):
        self._packet(t_us, side, FIN | ACK)
        self.seq[side] = (self.seq[side] + 1) & 0xFFFFFFFF
        self._packet(t_us + rtt_us // 2, 1 - side, FIN | ACK)
        self.seq[1 - side] = (self.seq[1 - side] + 1) & 0xFFFFFFFF
        self._packet(t_us + rtt_us, side, ACK)


# ---- TLS 1.2 records ----

def _u24(n):
    return struct.pack("!I", n)[1:]


def _vec(length_bytes, data):
    return len(data).to_bytes(length_bytes, "big") + data


def _record(content_type, body):
    return struct.pack("!BHH", content_type, 0x0303, len(body)) + body


def _handshake(msg_type, body):
    return _record(22, bytes([msg_type]) + _u24(len(body)) + body)


def _extension(ext_type, data):
    return struct.pack("!HH", ext_type, len(data)) + data


def client_hello(rng, server_name=None):
    ciphers = struct.pack("!6H", 0xC030, 0xC02F, 0x009D, 0x009C, 0x003D, 0x00FF)
    extensions = b""
    if server_name:
        name = server_name.encode()
        extensions += _extension(0, _vec(2, b"\0" + _vec(2, name)))
    extensions += _extension(0x000A, _vec(2, struct.pack("!3H", 0x0017, 0x0018, 0x001D)))
    extensions += _extension(0x000B, _vec(1, b"\0"))
    extensions += _extension(0x000D, _vec(2, struct.pack("!5H", 0x0401, 0x0501, 0x0601,
                                                         0x0804, 0x0403)))
    extensions += _extension(0x0017, b"")
    body = struct.pack("!H", 0x0303) + rng.randbytes(32) + _vec(1, b"") + _vec(2, ciphers) + \
        _vec(1, b"\0") + _vec(2, extensions)
    return _handshake(1, body)


def server_flight(rng, chain):
    """ServerHello, Certificate, ServerKeyExchange (ECDHE P-256, RSA), ServerHelloDone."""
    extensions = _extension(0xFF01, b"\0") + _extension(0x000B, _vec(1, b"\0")) + \
        _extension(0x0017, b"")
    hello = struct.pack("!H", 0x0303) + rng.randbytes(32) + _vec(1, rng.randbytes(32)) + \
        struct.pack("!HB", 0xC030, 0) + _vec(2, extensions)
    certs = b"".join(_u24(len(der)) + der for der in chain)
    key_exchange = struct.pack("!BH", 3, 0x0017) + _vec(1, b"\x04" + rng.randbytes(64)) + \
        struct.pack("!H", 0x0401) + _vec(2, rng.randbytes(256))
    return _handshake(2, hello) + _handshake(11, _u24(len(certs)) + certs) + \
        _handshake(12, key_exchange) + _handshake(14, b"")


def client_finish(rng):
    """ClientKeyExchange, ChangeCipherSpec, encrypted Finished."""
    return _handshake(16, _vec(1, b"\x04" + rng.randbytes(64))) + _record(20, b"\x01") + \
        _record(22, rng.randbytes(40))


def server_finish(rng):
    return _record(20, b"\x01") + _record(22, rng.randbytes(40))


def app_data(rng, plaintext_len):
    """AES-GCM: 8-byte explicit nonce + ciphertext + 16-byte tag."""
    return _record(23, rng.randbytes(8 + plaintext_len + 16))


def fatal_alert(description):
    return _record(21, bytes([2, description]))


def close_notify(rng):
    return _record(21, rng.randbytes(26))  # encrypted


# ---- SIP ----

USER_AGENTS = {CUBE: "Cisco-SIPGateway/IOS-17.6.1a", CVP: "CVP 12.6 (1) ES1",
               VVB: "Cisco-VVB/12.6", CUCM: "Cisco-CUCM12.5"}


def sip_message(first_line, src, dst, transport, call, cseq, method, with_sdp=None,
                is_response=False):
    agent = USER_AGENTS.get(src, "Cisco-CSF")
    lines = [first_line,
             "Via: SIP/2.0/%s %s:5060;branch=z9hG4bK%x" % (transport, src, call["branch"]),
             "From: <sip:%s@%s>;tag=%x" % (call["ani"], src, call["tag"]),
             "To: <sip:%s@%s>" % (call["dnis"], dst),
             "Call-ID: %s@%s" % (call["id"], src),
             "CSeq: %d %s" % (cseq, method),
             "Max-Forwards: 70",
             "Contact: <sip:%s@%s:5060;transport=%s>" % (call["ani"], src, transport.lower()),
             ("Server: %s" if is_response else "User-Agent: %s") % agent,
             "Cisco-Guid: %s" % call["guid"],
             "Allow: INVITE, OPTIONS, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, NOTIFY"]
    body = b""
    if with_sdp:
        address, port = with_sdp
        body = ("v=0\r\no=CiscoSystemsSIP-GW-UserAgent 1 1 IN IP4 %s\r\ns=SIP Call\r\n"
                "c=IN IP4 %s\r\nt=0 0\r\nm=audio %d RTP/AVP 0 101\r\n"
                "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                "a=ptime:20\r\n" % (address, address, port)).encode()
        lines.append("Content-Type: application/sdp")
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def sip_request(method, src, dst, transport, call, cseq=1, sdp=None):
    first = "%s sip:%s@%s:5060 SIP/2.0" % (method, call["dnis"], dst)
    return sip_message(first, src, dst, transport, call, cseq, method, sdp)


def sip_response(status, method, src, dst, transport, call, cseq=1, sdp=None):
    first = "SIP/2.0 %s" % status
    return sip_message(first, src, dst, transport, call, cseq, method, sdp, is_response=True)


# ---- the capture ----

def lab_certificates(capture_path):
    """{address: [leaf DER, CA DER]} and the capture's start (seconds since the epoch) from a
    capture of the lab's real TLS stacks: a time at which those certificates are valid."""
    proc = subprocess.run(["tshark", "-n", "-r", capture_path, "-Y", "tls.handshake.type == 11",
                           "-T", "fields", "-e", "frame.time_epoch", "-e", "ip.src", "-e",
                           "tls.handshake.certificate"],
                          capture_output=True, text=True, check=False)
    chains, ca, epoch = {}, None, None
    for line in proc.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2]:
            continue
        epoch = epoch or int(float(parts[0]))
        ders = [bytes.fromhex(h) for h in parts[2].split(",")]
        chains.setdefault(parts[1], ders[0])
        if len(ders) > 1:
            ca = ders[1]
    if not chains:
        raise RuntimeError("no certificate found in %s (%s)" % (capture_path, proc.stderr.strip()))
    fallback = next(iter(chains.values()))
    certs = {ip: [chains.get(ip, fallback)] + ([ca] if ca else []) for ip in (CVP, VVB, CUCM, CUBE)}
    return certs, epoch


def registered_udp_ports():
    """UDP ports some tshark dissector claims. Media on them would be decoded as that
    protocol (and mostly reported malformed): real captures have some of that, but it makes
    the load depend on the Wireshark release, so the generator keeps RTP off them."""
    proc = subprocess.run(["tshark", "-G", "decodes"], capture_output=True, text=True,
                          check=False)
    ports = set()
    for line in proc.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0] == "udp.port" and parts[1].isdigit():
            ports.add(int(parts[1]))
    return ports


class Generator:
    def __init__(self, certificates, seed=1, sip_only=False):
        self.rng = random.Random(seed)
        self.sip_only = sip_only
        self.avoid_udp = registered_udp_ports()
        self.certs = certificates
        self.frames = Frames()
        self.ephemeral = 49152
        self.counts = {"sip_tls": 0, "sip_tcp": 0, "sip_udp": 0, "tls_refused": 0,
                       "rtp_streams": 0, "http": 0, "https": 0}
        self.payloads = [self.rng.randbytes(RTP_PAYLOAD) for _ in range(64)]

    def port(self):
        self.ephemeral = 49152 + (self.ephemeral - 49152 + self.rng.randrange(1, 97)) % 16000
        return self.ephemeral

    # -- SIP legs --

    def _tls_connect(self, t, client, server, refuse=False):
        rng = self.rng
        flow = TcpFlow(self.frames, rng, client, server, self.port(), 5061)
        t = flow.open(t)
        t = flow.send(t + 100, 0, client_hello(rng, None if client == CUBE else "%s" % server))
        t = flow.send(t + 600, 1, server_flight(rng, self.certs[server]))
        if refuse:
            t = flow.send(t + 300, 0, fatal_alert(48))  # unknown_ca: the client distrusts it
            flow.close(t + 50, 0)
            self.counts["tls_refused"] += 1
            return None, t + 500
        t = flow.send(t + 900, 0, client_finish(rng))
        t = flow.send(t + 400, 1, server_finish(rng))
        self.counts["sip_tls"] += 1
        return flow, t

    def sip_leg(self, t, client, server, call, transport, messages):
        """messages: [(delay_us, from_client, bytes)] exchanged on one connection."""
        if transport == "UDP":
            sport = 5060
            for delay, from_client, msg in messages:
                t += delay
                src, dst = (client, server) if from_client else (server, client)
                self.frames.udp(t, src, sport, dst, 5060, msg)
            self.counts["sip_udp"] += 1
            return t
        if transport == "TCP":
            flow = TcpFlow(self.frames, self.rng, client, server, self.port(), 5060)
            t = flow.open(t)
            self.counts["sip_tcp"] += 1
        else:
            if self.rng.random() < 0.03:
                _, t = self._tls_connect(t, client, server, refuse=True)
                t += 1000000  # retried after a second, once the admin fixed nothing
            flow, t = self._tls_connect(t, client, server)
        for delay, from_client, msg in messages:
            t += delay
            side = 0 if from_client else 1
            payload = app_data(self.rng, len(msg)) if transport == "TLS" else msg
            t = flow.send(t, side, payload)
            if len(payload) > 600:
                flow.ack(t + 150, 1 - side)
        if transport == "TLS":
            t = flow.send(t + 1000, 0, close_notify(self.rng))
        flow.close(t + 200, 0)
        return t + 600

    def invite_dialog(self, t, client, server, call, transport, sdp_offer, sdp_answer, talk_us,
                      caller_is_server=False):
        """INVITE, 100, 180, 200, ACK; BYE and 200 after talk_us. A phone is the TLS client of
        CUCM (it registered), yet CUCM sends it the INVITE: caller_is_server."""
        caller, callee = (server, client) if caller_is_server else (client, server)
        by_caller = not caller_is_server

        def request(method, cseq=1, sdp=None):
            return (by_caller, sip_request(method, caller, callee, transport, call, cseq, sdp))

        def response(status, method, cseq=1, sdp=None):
            return (not by_caller,
                    sip_response(status, method, callee, caller, transport, call, cseq, sdp))

        exchange = [(0, request("INVITE", sdp=sdp_offer)), (2000, response("100 Trying", "INVITE")),
                    (40000, response("180 Ringing", "INVITE")),
                    (150000, response("200 OK", "INVITE", sdp=sdp_answer)),
                    (3000, request("ACK")), (talk_us, request("BYE", cseq=2)),
                    (4000, response("200 OK", "BYE", cseq=2))]
        messages = [(delay, from_client, msg) for delay, (from_client, msg) in exchange]
        return self.sip_leg(t, client, server, call, transport, messages)

    # -- media and data --

    def media_port(self, low, high):
        """An even port in [low, high] (IOS-XE, VVB and Jabber ranges), off claimed ports."""
        while True:
            port = low + 2 * self.rng.randrange((high - low) // 2 + 1)
            if port not in self.avoid_udp and port + 1 not in self.avoid_udp:
                return port

    def rtp_stream(self, t, src, sport, dst, dport, packets):
        rng = self.rng
        ssrc, seq, stamp = rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(32)
        payload = self.payloads[rng.randrange(len(self.payloads))]
        for n in range(packets):
            header = struct.pack("!BBHII", 0x80, (0x80 if n == 0 else 0) | 0, (seq + n) & 0xFFFF,
                                 (stamp + n * RTP_PAYLOAD) & 0xFFFFFFFF, ssrc)
            jitter = rng.randrange(-300, 300) if n % 8 == 0 else 0
            self.frames.udp(t + n * RTP_INTERVAL_US + jitter, src, sport, dst, dport,
                            header + payload)
        self.counts["rtp_streams"] += 1

    def media(self, t, a, a_port, b, b_port, packets_both_ways):
        if self.sip_only:
            return  # a SIP-port filter drops it
        half = packets_both_ways // 2
        self.rtp_stream(t, a, a_port, b, b_port, packets_both_ways - half)
        self.rtp_stream(t + 7000, b, b_port, a, a_port, half)

    def vxml_session(self, t, secure, exchanges):
        if self.sip_only:
            return
        flow = TcpFlow(self.frames, self.rng, VVB, CVP, self.port(), 8443 if secure else 8000)
        t = flow.open(t)
        if secure:
            flow_tls, t = flow, flow.send(t + 100, 0, client_hello(self.rng, "cvp1"))
            t = flow.send(t + 500, 1, server_flight(self.rng, self.certs[CVP]))
            t = flow.send(t + 800, 0, client_finish(self.rng))
            t = flow.send(t + 300, 1, server_finish(self.rng))
            self.counts["https"] += 1
        else:
            self.counts["http"] += 1
        for n in range(exchanges):
            request = ("GET /CVP/Server?MSG_TYPE=CALL_NEW&CALL_ID=%d&step=%d HTTP/1.1\r\n"
                       "Host: %s:8000\r\nUser-Agent: Cisco VVB\r\nAccept: */*\r\n"
                       "Cookie: JSESSIONID=%032X\r\n\r\n" % (t, n, CVP, t)).encode()
            vxml = b"<?xml version=\"1.0\"?><vxml version=\"2.1\"><form><block><prompt>" + \
                b"<audio src=\"http://media/en-us/app/queue.wav\"/>" * self.rng.randrange(5, 60) + \
                b"</prompt></block></form></vxml>"
            response = ("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n"
                        "\r\n" % len(vxml)).encode() + vxml
            if secure:
                request, response = app_data(self.rng, len(request)), app_data(self.rng,
                                                                                len(response))
            t = flow.send(t + 2000000, 0, request)
            t = flow.send(t + 8000, 1, response)
            flow.ack(t + 200, 0)
        flow.close(t + 5000, 0)

    def ged125(self, t, messages):
        # GED-125 to the VRU PG. Its usual port 5000 is also gsm_ipa's, which would make
        # tshark report every message malformed; this keeps the load free of that noise.
        if self.sip_only:
            return
        flow = TcpFlow(self.frames, self.rng, CVP, VRU_PG, self.port(), GED125_PORT)
        t = flow.open(t)
        for n in range(messages):
            t = flow.send(t + 300000, n % 2, struct.pack("!II", 40 + n % 24, 22 + n) +
                          self.rng.randbytes(40 + n % 24))
        flow.close(t + 1000, 0)

    def bulk_tcp(self, t, src, dst, dport, segments, request=b""):
        """A bulk transfer from dst to src (a file download), after an optional request."""
        flow = TcpFlow(self.frames, self.rng, src, dst, self.port(), dport)
        t = flow.open(t)
        if request:
            t = flow.send(t + 200, 0, request)
        body = self.rng.randbytes(MSS * segments)
        if dport == 80:
            body = ("HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\nContent-Length: %d\r\n\r\n"
                    % len(body)).encode() + body
        for start in range(0, len(body), MSS):
            t = flow.send(t + 900, 1, body[start:start + MSS])
            if start // MSS % 2:
                flow.ack(t + 100, 0)
        flow.close(t + 1000, 0)

    # -- one inbound call --

    def call(self, t, number, rtp_packets):
        rng = self.rng
        call = {"id": "%08x-%04x" % (rng.getrandbits(32), number), "guid": "%032X" %
                rng.getrandbits(128), "ani": "4085550%03d" % (number % 1000), "dnis": "6000",
                "branch": rng.getrandbits(40), "tag": rng.getrandbits(32)}
        phone = PHONES[number % len(PHONES)]
        cube_rtp, vvb_rtp, phone_rtp = (self.media_port(8000, 48198), self.media_port(24576, 32766),
                                        self.media_port(16384, 32766))
        queue_packets = rtp_packets * rng.randrange(30, 70) // 100
        talk_packets = rtp_packets - queue_packets
        queue_us = queue_packets // 2 * RTP_INTERVAL_US
        talk_us = talk_packets // 2 * RTP_INTERVAL_US
        whole_us = queue_us + talk_us + 3000000

        # Ingress leg: mostly TLS; some sites still send it in clear over UDP or TCP.
        roll = rng.random()
        ingress = "UDP" if roll < 0.04 else "TCP" if roll < 0.07 else "TLS"
        self.invite_dialog(t, CUBE, CVP, call, ingress, (CUBE, cube_rtp), (VVB, vvb_rtp),
                           whole_us)
        # Queueing on the VVB: prompts fetched as VXML, media CUBE <-> VVB.
        self.invite_dialog(t + 60000, CVP, VVB, call, "TLS", (CUBE, cube_rtp), (VVB, vvb_rtp),
                           queue_us + 500000)
        self.vxml_session(t + 100000, rng.random() < 0.2, max(1, queue_us // 2500000))
        self.ged125(t + 80000, 4 + queue_us // 3000000)
        self.media(t + 300000, CUBE, cube_rtp, VVB, vvb_rtp, queue_packets)
        # Transfer to the agent: CVP-CUCM (a few sites in clear TCP) and CUCM-phone.
        t_agent = t + 300000 + queue_us
        self.invite_dialog(t_agent, CVP, CUCM, call, "TCP" if rng.random() < 0.05 else "TLS",
                           (CUBE, cube_rtp), (phone, phone_rtp), talk_us + 1000000)
        self.invite_dialog(t_agent + 100000, phone, CUCM, call, "TLS", (CUBE, cube_rtp),
                           (phone, phone_rtp), talk_us + 500000, caller_is_server=True)
        self.media(t_agent + 600000, CUBE, cube_rtp, phone, phone_rtp, talk_packets)

    def keepalives(self, t_end, client, server, period_us):
        """A long-lived TLS connection carrying SIP OPTIONS every period."""
        flow, t = self._tls_connect(1000000, client, server)
        while t + period_us < t_end:
            t += period_us
            t = flow.send(t, 0, app_data(self.rng, 520))
            t = flow.send(t + 3000, 1, app_data(self.rng, 480))
            flow.ack(t + 200, 0)


SHAPES = ("media", "sip-only")


def generate(path, packets, certificates, epoch_s, seed=1, shape="media"):
    """Write `packets` packets of the given shape to path, starting at epoch_s; returns what
    it holds."""
    if shape == "sip-only":
        return generate_sip_only(path, packets, certificates, epoch_s, seed)
    gen = Generator(certificates, seed)
    rng = gen.rng
    calls = max(2, packets // 1000)
    duration_us = max(60, packets // 1600) * 1000000
    starts = sorted(rng.randrange(2000000, duration_us) for _ in range(calls))
    # Everything but the RTP of the calls first, then RTP fills the budget exactly.
    gen.keepalives(duration_us, CUBE, CUCM, 30000000)
    gen.keepalives(duration_us, CUBE, CVP, 30000000)
    for n in range(max(1, packets // 100000)):
        gen.bulk_tcp(rng.randrange(duration_us), LOG_SERVER, CVP, 22, 600)  # log collection
        gen.bulk_tcp(rng.randrange(duration_us), VVB, MEDIA_SERVER, 80, 300,
                     b"GET /en-us/app/queue.wav HTTP/1.1\r\nHost: media\r\n\r\n")
    # The RTP share of each call comes from what is left of the budget, using the running
    # average of the other packets a call makes (signalling, VXML, GED-125).
    shares = [rng.uniform(0.3, 1.7) for _ in range(calls)]
    overhead, done_overhead = 200, 0
    for number, start in enumerate(starts):
        left_calls = calls - number
        budget = packets - len(gen.frames) - left_calls * overhead
        rtp = max(0, 4 * int(budget * shares[number] / sum(shares[number:]) / 4))
        before = len(gen.frames)
        gen.call(start, number, rtp)
        done_overhead += len(gen.frames) - before - rtp
        overhead = done_overhead // (number + 1)
    # Whatever the budget still allows (or must take back) goes to one last media stream.
    remaining = packets - len(gen.frames)
    if remaining > 1:
        gen.media(duration_us // 2, CUBE, 47998, VVB, 32766, remaining)
    if len(gen.frames) > packets:
        del gen.frames.items[packets:]  # the last ones added: RTP of the filler or last call
    gen.frames.write_pcap(path, epoch_s)
    counts = dict(gen.counts, packets=len(gen.frames), calls=calls,
                  duration_s=duration_us // 1000000)
    return counts


def generate_sip_only(path, packets, certificates, epoch_s, seed=1):
    """The calls of generate() at the same rate (one every 1.6 s on average), only their SIP
    connections and the keepalives, until `packets` packets."""
    gen = Generator(certificates, seed, sip_only=True)
    rng = gen.rng
    # A call makes about 90 SIP packets: its length in packets of the media that a SIP-port
    # filter drops only sets when its BYEs are sent.
    calls = max(2, packets // 80)
    duration_us = max(60000000, calls * 1600000)
    starts = sorted(rng.randrange(2000000, duration_us) for _ in range(calls))
    gen.keepalives(duration_us, CUBE, CUCM, 30000000)
    gen.keepalives(duration_us, CUBE, CVP, 30000000)
    made = 0
    for number, start in enumerate(starts):
        if len(gen.frames) >= packets:
            break
        gen.call(start, number, rtp_packets=rng.randrange(2000, 20000))
        made += 1
    if len(gen.frames) < packets:
        raise RuntimeError("sip-only shape: %d calls made %d packets, fewer than %d" % (
            calls, len(gen.frames), packets))
    # Past the budget are the last call's packets: its connections end cut short, as those
    # of a capture stopped by hand do.
    del gen.frames.items[packets:]
    gen.frames.write_pcap(path, epoch_s)
    return dict(gen.counts, packets=len(gen.frames), calls=made,
                duration_s=duration_us // 1000000)
