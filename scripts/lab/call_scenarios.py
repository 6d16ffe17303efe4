# SPDX-License-Identifier: GPL-2.0-or-later
"""Calls and their media, for the lab (captures 40 on).

A whole CCE call crosses CUBE -> CVP -> VVB (the queue prompt) -> CVP -> CUCM -> the agent's
phone. Each leg is a real SIP dialog over a real connection (scenarios.Recorder, sipnode);
the SDP offers and answers carry RTP/SAVP with a=crypto (SDES) or plain RTP/AVP, and the
media really flows between the SDP addresses: SRTP protected with libsrtp (python3-pylibsrtp)
and unprotected again by the receiver with the key its peer announced, or plain RTP.

What each scenario expects of its calls (legs, their media, findings, verdict) is decided
here from what it did and the media rules restated below, never from the plugin. Before the
expectations are written, the capture is read back with tshark (no plugin) to check the SIP
dialogs and the media packets really are on the wire.
"""

import base64
import json
import os
import socket
import struct
import subprocess

from sipnode import Dialog, Connection, new_rng, socket_in

V4 = socket.AF_INET
MEDIA_FILTER = "port 5060 or port 5061 or udp portrange 16384-32767"
PACKETS_EACH_WAY = 4
SUITE = "AES_CM_128_HMAC_SHA1_80"
PCMU_SILENCE = b"\xff" * 160
FIRST_PORT = {"cube": 16384, "vvb": 24000, "phone": 20000, "cvp": 26000}

# Leg name -> (client host, server host). CUCM calls the phone over a connection it opens.
CALL_LEGS = [("CUBE-CVP", "cube", "cvp"), ("CVP-VVB", "cvp", "vvb"),
             ("CVP-CUCM", "cvp", "cucm"), ("PHONE-CUCM", "cucm", "phone")]


def guid_words(seed):
    rng = new_rng(seed)
    return [rng.getrandbits(32) for _ in range(4)]


def guid_decimal(words):
    """Cisco-Guid as CUBE writes it: four unsigned 32-bit words in decimal."""
    return "-".join(str(w) for w in words)


def guid_hex(words):
    """The normalised call id ccesec shows: 32 upper-case hex digits."""
    return "".join("%08X" % w for w in words)


try:
    from pylibsrtp import Policy, Session
except ImportError:  # checked when a scenario runs: the lab needs python3-pylibsrtp
    Policy = Session = None


class MediaEnd:
    """One media endpoint of a call: a UDP socket on the host's SDP address and port."""

    def __init__(self, host, port, srtp, rng):
        self.host, self.port, self.srtp = host, port, srtp
        self.key = bytes(rng.getrandbits(8) for _ in range(30)) if srtp else None
        self.ssrc = rng.getrandbits(32)
        self.seq = rng.randrange(1, 30000)
        self.sock = socket_in(host.netns, V4, socket.SOCK_DGRAM)
        self.sock.bind((host.ipv4, port))
        self.sock.settimeout(5)
        self.tx = Session(Policy(key=self.key, ssrc_type=Policy.SSRC_ANY_OUTBOUND)) \
            if srtp else None

    def sdp(self, user):
        proto = "RTP/SAVP" if self.srtp else "RTP/AVP"
        lines = ["v=0", "o=%s 1000 1001 IN IP4 %s" % (user, self.host.ipv4), "s=SIP Call",
                 "c=IN IP4 %s" % self.host.ipv4, "t=0 0",
                 "m=audio %d %s 0 101" % (self.port, proto), "a=rtpmap:0 PCMU/8000",
                 "a=rtpmap:101 telephone-event/8000"]
        if self.srtp:
            lines.append("a=crypto:1 %s inline:%s" % (SUITE, base64.b64encode(self.key).decode()))
        lines.append("a=sendrecv")
        return "\r\n".join(lines) + "\r\n"

    def send_to(self, peer, count):
        """RTP (or SRTP) packets to peer, which reads each and checks it (SRTP: decrypts it
        with the key this end announced)."""
        rx = Session(Policy(key=self.key, ssrc_type=Policy.SSRC_ANY_INBOUND)) \
            if self.srtp else None
        for i in range(count):
            self.seq += 1
            rtp = struct.pack("!BBHII", 0x80, 0, self.seq & 0xFFFF, 160 * self.seq, self.ssrc)
            rtp += PCMU_SILENCE
            wire = self.tx.protect(rtp) if self.srtp else rtp
            self.sock.sendto(wire, (peer.host.ipv4, peer.port))
            got, _ = peer.sock.recvfrom(2048)
            if (rx.unprotect(got) if self.srtp else got) != rtp:
                raise RuntimeError("media from %s arrived changed" % self.host.name)

    def close(self):
        self.sock.close()


class CallPlan:
    """One call through the lab: its GUID, its media ends, and what it is expected to show."""

    def __init__(self, name, index, srtp):
        self.index, self.srtp = index, srtp
        self.words = guid_words("%s-call-%d" % (name, index))
        self.phone_words = guid_words("%s-cucm-%d" % (name, index))  # CUCM's own GUID
        self.rng = new_rng("%s-media-%d" % (name, index))
        self.media = {}
        self.dialogs = {}  # leg name -> Dialog
        self.packets = {}  # frozenset of two media ends -> packets sent between them

    def end(self, lab, name):
        if name not in self.media:
            port = FIRST_PORT[name] + 2 * self.index
            self.media[name] = MediaEnd(lab.hosts[name], port, self.srtp, self.rng)
        return self.media[name]

    def exchange(self, a, b):
        a.send_to(b, PACKETS_EACH_WAY)
        b.send_to(a, PACKETS_EACH_WAY)
        key = frozenset((a.host.name, b.host.name))
        self.packets[key] = self.packets.get(key, 0) + 2 * PACKETS_EACH_WAY

    def close(self):
        for end in self.media.values():
            end.close()


def call_steps(rec, conns, plan, legs):
    """The call flow, one step per yield, so two calls can interleave on shared connections.
    legs: the leg names this call crosses, in order (a subset of CALL_LEGS)."""
    lab = rec.lab
    rng = new_rng("%s-dialogs-%d" % (rec.name, plan.index))

    def dialog(leg_name, from_user, to_user, words):
        d = Dialog(conns[leg_name], rng, from_user, to_user, guid_decimal(words))
        plan.dialogs[leg_name] = d
        return d

    cube = plan.end(lab, "cube")
    cube_sdp = cube.sdp("CiscoSystemsSIP-GW-UserAgent")
    caller = dialog("CUBE-CVP", "+14085550100", "7800", plan.words)
    caller.request("INVITE", with_sdp=cube_sdp)
    caller.respond(100, "Trying")
    yield
    if "CVP-VVB" in legs:
        vvb = plan.end(lab, "vvb")
        queue = dialog("CVP-VVB", "+14085550100", "7777777777", plan.words)
        queue.request("INVITE", with_sdp=cube_sdp)
        queue.respond(100, "Trying")
        queue.respond(200, "OK", with_sdp=vvb.sdp("VVB"))
        queue.request("ACK")
        yield
        caller.respond(200, "OK", with_sdp=vvb.sdp("VVB"))  # CVP relays VVB's answer
        caller.request("ACK")
        yield
        plan.exchange(cube, vvb)  # the queue prompt
        yield
        queue.request("BYE")
        queue.respond(200, "OK")
        yield
    if "CVP-CUCM" in legs:
        phone = plan.end(lab, "phone")
        agent = dialog("CVP-CUCM", "+14085550100", "1001", plan.words)
        agent.request("INVITE", with_sdp=cube_sdp)
        agent.respond(100, "Trying")
        yield
        ring = dialog("PHONE-CUCM", "+14085550100", "1001", plan.phone_words)
        ring.request("INVITE", with_sdp=cube_sdp)
        ring.respond(100, "Trying")
        ring.respond(180, "Ringing")
        ring.respond(200, "OK", with_sdp=phone.sdp("Cisco-CSF"))
        ring.request("ACK")
        yield
        agent.respond(200, "OK", with_sdp=phone.sdp("Cisco-CSF"))  # CUCM relays the phone's
        agent.request("ACK")
        yield
        plan.exchange(cube, phone)  # the customer talks to the agent
        yield
    if "CVP-VVB" not in legs:
        caller.respond(200, "OK", with_sdp=plan.end(lab, "cvp").sdp("CVP"))
        caller.request("ACK")
        plan.exchange(cube, plan.end(lab, "cvp"))
        yield
    caller.request("BYE")  # the caller hangs up
    caller.respond(200, "OK")
    for leg_name in ("CVP-CUCM", "PHONE-CUCM"):
        if leg_name in plan.dialogs:
            plan.dialogs[leg_name].request("BYE")
            plan.dialogs[leg_name].respond(200, "OK")
    yield


def open_connections(rec, leg_setup, legs):
    """Opens one connection per leg, in call order. leg_setup: leg name -> scenarios.Leg."""
    conns = {}
    for leg_name, client_name, server_name in CALL_LEGS:
        if leg_name not in legs:
            continue
        leg = leg_setup[leg_name]
        client, server = rec.lab.hosts[client_name], rec.lab.hosts[server_name]
        client_ctx = server_ctx = None
        if leg.transport == "tls":
            keylog = os.path.join(rec.dir, "%02d.keys" % len(rec.made))
            client_ctx = rec.lab.client_context(client, leg.client_opts, keylog)
            server_ctx = rec.lab.server_context(server, leg.server_opts)
        conn = Connection(client, server, leg.transport, leg.family, client_ctx, server_ctx,
                          server_hostname=server.cert_name)
        rec.made.append((conn, leg, leg_name))
        if not conn.open():
            raise RuntimeError("%s: %s did not open: %r" % (rec.name, leg_name, conn.errors))
        conns[leg_name] = conn
    return conns


def run_interleaved(generators):
    """Steps each call in turn until all are over."""
    live = list(generators)
    while live:
        for gen in list(live):
            try:
                next(gen)
            except StopIteration:
                live.remove(gen)


# ---- The media rules, restated independently as the oracle of the expectations ----

def expected_leg(leg_name, leg_setup, plan, conn_index):
    leg = leg_setup[leg_name]
    cipher = leg.client_opts.get("ciphers", "")
    clear = leg.transport != "tls" or cipher.startswith("NULL")
    proto = "RTP/SAVP" if plan.srtp else "RTP/AVP"
    findings, verdict = [], "secure"
    signalling = leg.expect.get("status", "secure" if leg.transport == "tls" else "plaintext")
    if signalling != "secure":
        verdict = "not-secure"
    if plan.srtp and clear:
        findings, verdict = ["srtp_keys_exposed"], "keys-exposed"
    elif not plan.srtp:
        if leg.transport == "tls":
            findings = ["media_not_encrypted"]
        verdict = "media-not-encrypted" if verdict == "secure" else verdict
    else:
        findings = ["srtp"]
    ends = {"CUBE-CVP": ("cube", "vvb" if "CVP-VVB" in plan.dialogs else "cvp"),
            "CVP-VVB": ("cube", "vvb"), "CVP-CUCM": ("cube", "phone"),
            "PHONE-CUCM": ("cube", "phone")}[leg_name]
    media_ends = ["%s:%d" % (plan.media[n].host.ipv4, plan.media[n].port) for n in ends]
    return {"leg": leg_name, "connection": conn_index,
            "call_id": plan.dialogs[leg_name].call_id, "signalling": signalling,
            "media_ends": media_ends,
            "media": proto, "crypto_suite": SUITE if plan.srtp else None,
            "media_packets": plan.packets.get(frozenset(ends), 0), "findings": findings,
            "verdict": verdict}


VERDICT_ORDER = ["keys-exposed", "not-secure", "media-not-encrypted", "unverified", "secure"]


def expected_call(plan, leg_setup, conn_order):
    legs = [expected_leg(name, leg_setup, plan, conn_order.index(name))
            for name, _, _ in CALL_LEGS if name in plan.dialogs]
    return {"call": guid_hex(plan.words), "legs": legs,
            "phone_leg_guid": guid_hex(plan.phone_words) if "PHONE-CUCM" in plan.dialogs
            else None,
            "verdict": min((leg["verdict"] for leg in legs), key=VERDICT_ORDER.index)}


# ---- Reading the capture back (tshark, no plugin) ----

def _tshark_rows(capture, keylog, filter_, fields):
    args = ["tshark", "-r", capture, "-n", "-o", "tls.keylog_file:" + keylog, "-Y", filter_,
            "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"]
    for field in fields:
        args += ["-e", field]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def check_wire(rec, keylog, calls):
    """The SIP dialogs and the media packets of each call are in the capture."""
    rows = _tshark_rows(rec.pcap, keylog, "sip", ["sip.Call-ID"])
    call_ids = {cid for row in rows for cid in row[0].split("|") if cid}
    media = _tshark_rows(rec.pcap, keylog, "udp and !(udp.port in {5060, 5061})",
                         ["ip.src", "udp.srcport", "ip.dst", "udp.dstport"])
    counted = {}
    for src, sport, dst, dport in media:
        key = frozenset(((src, int(sport)), (dst, int(dport))))
        counted[key] = counted.get(key, 0) + 1
    for plan in calls:
        for leg_name, dialog in plan.dialogs.items():
            if dialog.call_id not in call_ids:
                raise RuntimeError("%s: the %s dialog is not in the capture" % (rec.name,
                                                                               leg_name))
        for pair, sent in plan.packets.items():
            a, b = [plan.media[name] for name in sorted(pair)]
            key = frozenset(((a.host.ipv4, a.port), (b.host.ipv4, b.port)))
            if counted.get(key) != sent:
                raise RuntimeError("%s: %d media packets sent between %s, %s captured"
                                   % (rec.name, sent, sorted(pair), counted.get(key)))


# ---- Scenarios ----

def call_scenario(leg_setup, n_calls=1, srtp=True, legs=None, visible_without_keylog=None):
    legs = legs or [name for name, _, _ in CALL_LEGS]

    def body(rec):
        if Session is None:
            raise RuntimeError("the call scenarios need python3-pylibsrtp (apt-get install "
                               "python3-pylibsrtp)")
        rec.capture_filter = MEDIA_FILTER
        rec.start()
        conns = open_connections(rec, leg_setup, legs)
        plans = [CallPlan(rec.name, i, srtp) for i in range(n_calls)]
        try:
            run_interleaved([call_steps(rec, conns, plan, legs) for plan in plans])
        finally:
            for plan in plans:
                plan.close()
        for conn, _, _ in rec.made:
            conn.close()
        rec.stop()
        keylog = os.path.join(rec.dir, "calls.keys")
        with open(keylog, "w") as handle:
            handle.write(rec.merged_keylog())
        check_wire(rec, keylog, plans)
        os.unlink(keylog)
        order = [leg_name for _, _, leg_name in rec.made]
        # A NULL cipher encrypts nothing: Wireshark reads that SIP without a key log too.
        clear_legs = [n for n in legs if leg_setup[n].transport != "tls" or
                      leg_setup[n].client_opts.get("ciphers", "").startswith("NULL")]
        rec.extra_expect = {
            "calls": [expected_call(plan, leg_setup, order) for plan in plans],
            # Without the key log only the legs in clear show their SIP.
            "calls_visible_without_keylog": bool(clear_legs) if visible_without_keylog is None
            else visible_without_keylog,
            "clear_legs": clear_legs,
        }

    return body


def scenarios(lab):
    from scenarios import Leg  # the TLS leg settings and their expectations
    secure = {name: Leg() for name, _, _ in CALL_LEGS}
    null_cipher = {"ciphers": "NULL-SHA256:@SECLEVEL=0"}
    return [
        ("40-call-srtp-secure", "A whole call CUBE -> CVP -> VVB -> CVP -> CUCM -> phone, every "
         "leg SIP over TLS 1.2, SDP RTP/SAVP with a=crypto, SRTP media CUBE<->VVB then "
         "CUBE<->phone; CUCM gives the phone leg its own Cisco-Guid.", call_scenario(secure)),
        ("41-call-srtp-keys-exposed", "As 40, but CUBE sends the call to CVP over TCP 5060 in "
         "clear: the a=crypto keys of the call cross CUBE-CVP unencrypted.",
         call_scenario(dict(secure, **{"CUBE-CVP": Leg("tcp", expect=dict(
             status="plaintext"))}))),
        ("42-call-rtp-over-tls", "As 40, but the SDP offers and answers plain RTP/AVP: the "
         "signalling is TLS, the media is not encrypted.", call_scenario(secure, srtp=False)),
        ("43-two-calls-shared-connections", "Two calls with their own GUIDs and media, "
         "interleaved step by step over the same four TLS connections.",
         call_scenario(secure, n_calls=2)),
        ("44-call-tls-no-keylog", "One call CUBE -> CVP over TLS with SRTP: without the key log "
         "its SIP is not visible (the key log is shipped for the check with it).",
         call_scenario(secure, legs=["CUBE-CVP"])),
        ("45-call-null-cipher-cvp-cucm", "As 40, but CVP and CUCM negotiate "
         "TLS_RSA_WITH_NULL_SHA256 (CUCM's Authenticated mode): the keys cross CVP-CUCM "
         "unencrypted.", call_scenario(dict(secure, **{"CVP-CUCM": Leg(
             client=null_cipher, server=null_cipher,
             expect=dict(cipher="TLS_RSA_WITH_NULL_SHA256", status="weak",
                         findings=["weak_cipher"]))}))),
    ]


if __name__ == "__main__":
    print(json.dumps([name for name, _, _ in scenarios(None)]))
