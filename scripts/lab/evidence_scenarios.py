# SPDX-License-Identifier: GPL-2.0-or-later
"""Scenarios 20 and up: what a capture proves, and what it cannot (issue 9).

TLS 1.3 client authentication, session resumption, loss and reordering seen from a SPAN
port, alerts after the handshake, multi-SAN and wildcard certificates, a snap length, a
scanner, connections older than the capture and one still pending at the end. Each entry is
(name, what it does, body, why its status is what it is: the rule of evidence). The bodies
drive real stacks (Python's ssl, i.e. OpenSSL 3) through the Recorder of scenarios.py; the
checks of scenarios.py then read the capture back and compare it with each Leg's intent.
"""

import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time

from sipnode import (BioTls, Connection, Dialog, SipMessage, new_rng, run_both, sdp_body,
                     socket_in)
from scenarios import (GUID, JAVA_CLIENT, JAVA_TIMEOUT, LEG_ENDS, TLS11, TLS13, V4, Leg,
                       call_scenario, _all_secure, _serve_until_error)

TLS13_ONLY = {"min": TLS13, "max": TLS13}
TLS13_EXPECT = dict(tls_version="TLS 1.3", cipher="TLS_AES_256_GCM_SHA384", server_cert_cn=None)
SPAN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "span.py")
FATAL_INTERNAL_ERROR = bytes([21, 3, 3, 0, 2, 2, 80])  # alert record: fatal internal_error
ALERT_DELAY = 3.0  # seconds between the ACK and the alert of scenario 32


# ---- SIP on one connection ----

def options_ping(conn, rng):
    dialog = Dialog(conn, rng, "7800", "1001")
    dialog.request("OPTIONS")
    dialog.respond(200, "OK")


def agent_call(conn, rng):
    """CVP sends the call to the agent: INVITE ... ACK. Returns the dialog."""
    dialog = Dialog(conn, rng, "+14085550100", "1001", GUID)
    dialog.request("INVITE", with_sdp=True)
    dialog.respond(100, "Trying")
    dialog.respond(180, "Ringing")
    dialog.respond(200, "OK", with_sdp=True)
    dialog.request("ACK")
    return dialog


def hang_up(dialog):
    dialog.request("BYE")
    dialog.respond(200, "OK")


def hosts(rec, leg_name="CVP-CUCM"):
    client, server = LEG_ENDS[leg_name]
    return rec.lab.hosts[client], rec.lab.hosts[server]


# ---- 1. TLS 1.3 with client authentication ----

class RefusedAfterFinished(Connection):
    """TLS 1.3: the client's handshake ends when it sends its Finished; the server checks
    the client's certificate after that. The client sends its INVITE at once (when
    first_request is given), waits for the server, reads the server's alert, and closes."""

    first_request = None

    def _handshake(self):
        def client_side():
            if self.first_request:
                # Over a MemoryBIO: the INVITE leaves in the same write as the Finished
                # (as a corked or Nagle-delayed socket sends it), before the server's
                # verdict can arrive.
                data = self.first_request.encode()
                self.sent.append(self.first_request.first_line.split()[0])
                tls = BioTls(self.client_ctx, self.socks["client"], self.server_hostname,
                             first_data=data)
                raw = tls.raw
            else:
                tls = self.client_ctx.wrap_socket(self.socks["client"],
                                                  server_hostname=self.server_hostname)
                raw = None
            try:
                tls.recv(1)
            finally:  # then the server's FIN, and only then the client's own close
                raw = raw or socket.socket(fileno=tls.detach())
                _drain(raw)
                raw.close()

        def server_side():
            self.server_ctx.wrap_socket(self.socks["server"], server_side=True)

        self.errors = run_both(client_side, server_side)
        self.abort()
        return False


def invite(cvp, cucm, rng):
    """CVP's INVITE to the agent, as Dialog would write it (nobody answers it)."""
    via = "SIP/2.0/TLS %s:5061;branch=z9hG4bK%x" % (cvp.ipv4, rng.getrandbits(40))
    headers = [("Via", via),
               ("From", "<sip:+14085550100@%s>;tag=%x" % (cvp.ipv4, rng.getrandbits(40))),
               ("To", "<sip:1001@%s>" % cucm.ipv4),
               ("Call-ID", "%08X-%08X@%s" % (rng.getrandbits(32), rng.getrandbits(32),
                                             cvp.ipv4)),
               ("CSeq", "101 INVITE"),
               ("Contact", "<sip:+14085550100@%s:5061;transport=tls>" % cvp.ipv4),
               ("Max-Forwards", "70"), ("Cisco-Guid", GUID), ("User-Agent", cvp.user_agent),
               ("Content-Type", "application/sdp")]
    return SipMessage("INVITE sip:1001@%s:5061;transport=tls SIP/2.0" % cucm.ipv4, headers,
                      sdp_body(cvp, V4, rng))


def tls13_refused_body(leg, send_invite=False):
    def body(rec):
        cvp, cucm = hosts(rec)
        client_ctx, server_ctx = rec.contexts("CVP-CUCM", leg)
        conn = RefusedAfterFinished(cvp, cucm, "tls", V4, client_ctx, server_ctx,
                                    server_hostname=cucm.cert_name)
        if send_invite:
            conn.first_request = invite(cvp, cucm, new_rng(rec.name))
        rec.made.append((conn, leg, "CVP-CUCM"))
        rec.start()
        conn.open()
        # The client reads the alert, or only the reset when it came first.
        if not isinstance(conn.errors.get("server"), ssl.SSLError) or \
                not isinstance(conn.errors.get("client"), (ssl.SSLError, ConnectionResetError)):
            raise RuntimeError("%s: want both sides to fail, got %r" % (rec.name, conn.errors))
        rec.note("server: %s; client: %s" % (conn.errors["server"], conn.errors["client"]))
        rec.stop()
    return body


JAVA_REFUSED_LATE = 3  # JavaSipClient: an alert or a reset instead of an answer


def java_tls13_no_cert_body(leg):
    """CVP's Java TLS stack (SunJSSE) opens TLS 1.3 to CUCM, which requires a client
    certificate; Java has none configured: it answers the CertificateRequest with an empty
    Certificate and ends its handshake with its Finished; CUCM refuses with an encrypted
    alert and a reset, which Java's OPTIONS then meets instead of an answer."""

    def body(rec):
        if not shutil.which("java"):
            raise RuntimeError("scenario %s needs Java 17: apt-get install "
                               "openjdk-17-jdk-headless" % rec.name)
        cvp, cucm = hosts(rec)
        rec.made.append((Connection(cvp, cucm, "tls"), leg, "CVP-CUCM"))
        server_ctx = rec.lab.server_context(cucm, leg.server_opts)
        rec.start()
        listener = _listen(cucm)
        listener.settimeout(JAVA_TIMEOUT)
        command = ["ip", "netns", "exec", cvp.netns, "java", JAVA_CLIENT, rec.lab.ca.cert,
                   cvp.ipv4, cucm.ipv4, "5061", cucm.cert_name, "TLSv1.3"]
        client = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        try:
            accepted, _ = listener.accept()
            errors = {}
            _serve_until_error(server_ctx, accepted, errors)
            out, err = client.communicate(timeout=JAVA_TIMEOUT)
            accepted.close()
        finally:
            listener.close()
            if client.poll() is None:
                client.kill()
                client.wait()
        if client.returncode != JAVA_REFUSED_LATE or "server" not in errors:
            raise RuntimeError("the Java client was not refused after its handshake (exit %s):"
                               " %s %s" % (client.returncode, out.strip(), err.strip()))
        rec.note("server: %s; client: %s" % (errors["server"], out.strip()))
        rec.stop()
    return body


def tls13_mutual_leg(server_opts, facts):
    return Leg(client=dict(TLS13_ONLY, send_cert=True),
               server=dict(TLS13_ONLY, require_client_cert=True, **server_opts),
               expect=dict(TLS13_EXPECT), facts=dict(facts, client_certificate_sent=True))


# ---- 2. Resumption ----

def resumption_body(full_leg, resumed_leg, full_in_capture=True):
    """A full handshake, then a second connection that resumes its session (same client
    and server SSLContexts, the first connection's session)."""

    def body(rec):
        rng = new_rng(rec.name)
        contexts = rec.contexts("CVP-CUCM", full_leg)
        if full_in_capture:
            rec.start()
        full = rec.connect("CVP-CUCM", full_leg, contexts=contexts, recorded=full_in_capture)
        options_ping(full, rng)
        full.close()
        if not full_in_capture:
            time.sleep(0.3)
            rec.start()
        again = rec.connect("CVP-CUCM", resumed_leg, contexts=contexts,
                            session=full.tls_session)
        if not again.session_reused:
            raise RuntimeError("%s: the second connection did not resume" % rec.name)
        options_ping(again, rng)
        again.close()
        rec.stop()
    return body


# ---- 3. Loss and reordering: a userspace switch with a SPAN port ----

class SpanSwitch:
    """Takes the client's and the server's ports off the lab bridge and runs span.py
    between them; dumpcap records its mirror port (span1)."""

    def __init__(self, lab, client, server, plan):
        self.netns = lab.switch_netns
        self.ports = ["p-" + client, "p-" + server]
        self.plan = plan
        self.proc = None

    def _ip(self, *args):
        subprocess.run(["ip", "netns", "exec", self.netns, "ip"] + list(args), check=True)

    def __enter__(self):
        self._ip("link", "add", "span0", "type", "veth", "peer", "name", "span1")
        for dev in ("span0", "span1"):
            self._ip("link", "set", dev, "up")
        for port in self.ports:
            self._ip("link", "set", port, "nomaster")
            self._ip("link", "set", port, "promisc", "on")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.netns, sys.executable, SPAN, self.ports[0],
             self.ports[1], "span0", "5061", json.dumps(self.plan)],
            stdout=subprocess.PIPE, text=True)
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("span.py did not start")
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)
        for port in self.ports:
            self._ip("link", "set", port, "promisc", "off")
            self._ip("link", "set", port, "master", "br0")
        self._ip("link", "del", "span0")
        return False


def span_body(leg, plan, split=False, sip=True):
    """CVP calls CUCM through the userspace switch; plan says what it does to which of
    CVP's data segments (1: ClientHello, 2: the second flight, 3: its second piece...)."""

    def body(rec):
        rng = new_rng(rec.name)
        with SpanSwitch(rec.lab, "cvp", "cucm", plan):
            rec.start(iface="span1")
            conn = rec.connect("CVP-CUCM", leg, bio_client=True, split_second_flight=split)
            if conn is None:
                raise RuntimeError("%s: handshake failed: %r" % (rec.name, rec.made[-1][0].errors))
            if sip:
                hang_up(agent_call(conn, rng))
            conn.close()
            rec.stop()
    return body


# ---- 4. Alerts after the handshake ----

def clear_alert_body(leg):
    """After INVITE...ACK, CVP waits 3 s, writes a fatal internal_error alert record in
    clear on the TCP stream and shuts its side; CUCM's OpenSSL reads it and fails."""

    def body(rec):
        rng = new_rng(rec.name)
        rec.start()
        conn = rec.connect("CVP-CUCM", leg, bio_client=True)
        agent_call(conn, rng)
        time.sleep(ALERT_DELAY)
        client, server = conn.socks["client"], conn.socks["server"]
        client.raw.sendall(FATAL_INTERNAL_ERROR)
        client.raw.shutdown(socket.SHUT_WR)
        _expect_ssl_error(rec, server)
        server.close()
        _drain(client.raw)
        client.raw.close()
        rec.stop()
    return body


def corrupted_record_body(leg):
    """After INVITE...ACK, CVP sends one record whose authentication tag was changed on
    the way (a bit flipped); CUCM's OpenSSL answers with an encrypted fatal alert
    (bad_record_mac) and closes; CVP reads the alert and closes."""

    def body(rec):
        rng = new_rng(rec.name)
        rec.start()
        conn = rec.connect("CVP-CUCM", leg, bio_client=True)
        agent_call(conn, rng)
        time.sleep(1.0)
        client, server = conn.socks["client"], conn.socks["server"]
        record = bytearray(client.records(b"OPTIONS sip:1001@198.18.133.3:5061 SIP/2.0\r\n"
                                          b"Content-Length: 0\r\n\r\n"))
        record[-1] ^= 0x01
        client.raw.sendall(bytes(record))
        _expect_ssl_error(rec, server)
        server.close()
        try:
            client.recv(1)
        except ssl.SSLError as exc:
            rec.note("client: %s" % exc)
        else:
            raise RuntimeError("%s: CVP did not get an alert" % rec.name)
        client.raw.close()
        rec.stop()
    return body


def _expect_ssl_error(rec, sock):
    try:
        sock.recv(65535)
    except ssl.SSLError as exc:
        rec.note("server: %s" % exc)
        return
    raise RuntimeError("%s: the server read the record without an error" % rec.name)


def _drain(sock):
    """Read until the peer closes (FIN, or RST: a peer that closes with unread data)."""
    sock.settimeout(5)
    try:
        while sock.recv(65535):
            pass
    except ConnectionResetError:
        pass


# ---- 5. Names ----

def names_body(legs):
    def body(rec):
        rng = new_rng(rec.name)
        rec.start()
        for leg in legs:
            conn = rec.connect("CVP-CUCM", leg)
            options_ping(conn, rng)
            conn.close()
        rec.stop()
    return body


# ---- 7. A scanner ----

def scanner_body(leg):
    """198.18.133.200 (in no roles file) sends a ClientHello to CVP:5061, reads the
    server's flight up to ServerHelloDone, and resets the connection (SO_LINGER 0)."""

    def body(rec):
        scan, cvp = rec.lab.hosts["scan"], rec.lab.hosts["cvp"]
        server_ctx = rec.lab.server_context(cvp, {})
        client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client_ctx.check_hostname, client_ctx.verify_mode = False, ssl.CERT_NONE
        client_ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        rec.start()
        listener = _listen(cvp)
        raw = socket_in(scan.netns, V4, socket.SOCK_STREAM)
        raw.bind((scan.ipv4, 0))
        raw.settimeout(5)
        raw.connect((cvp.ipv4, 5061))
        accepted, _ = listener.accept()
        listener.close()
        rec.made.append((Connection(scan, cvp, "tls"), leg, "CVP-unknown"))
        errors = {}

        def serve():
            try:
                accepted.settimeout(10)
                server_ctx.wrap_socket(accepted, server_side=True)
            except (ssl.SSLError, OSError) as exc:
                errors["server"] = exc

        thread = threading.Thread(target=serve)
        thread.start()
        _read_server_flight(raw, client_ctx)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        raw.close()  # RST
        thread.join(15)
        accepted.close()
        if "server" not in errors:
            raise RuntimeError("CVP did not see the reset")
        rec.note("server: %s" % errors["server"])
        rec.stop()
    return body


def _listen(host):
    listener = socket_in(host.netns, V4, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host.ipv4, 5061))
    listener.listen(1)
    listener.settimeout(10)
    return listener


def _read_server_flight(sock, ctx):
    """Send a ClientHello and read until the server's flight is complete (OpenSSL then
    has its own second flight ready, which is never sent)."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        sock.sendall(outgoing.read())
    while not outgoing.pending:
        incoming.write(sock.recv(65535))
        try:
            tls.do_handshake()
        except ssl.SSLWantReadError:
            pass


# ---- 8. Connections older than the capture ----

def midstream(leg):
    """CVP's connection to CUCM is up before the capture starts; then a call flows."""

    def body(rec):
        conn = rec.connect("CVP-CUCM", leg)
        time.sleep(0.3)
        rec.start()
        dialog = agent_call(conn, new_rng(rec.name))
        hang_up(dialog)
        conn.close()
        rec.stop()
    return body


# ---- 9. Pending at the end of the capture ----

def pending_body(leg):
    """CVP sends a ClientHello to CUCM, whose TCP stack takes it but whose TLS never
    answers before the capture ends."""

    def body(rec):
        cvp, cucm = hosts(rec)
        rec.start()
        listener = _listen(cucm)
        raw = socket_in(cvp.netns, V4, socket.SOCK_STREAM)
        raw.bind((cvp.ipv4, 0))
        raw.settimeout(5)
        raw.connect((cucm.ipv4, 5061))
        accepted, _ = listener.accept()
        listener.close()
        rec.made.append((Connection(cvp, cucm, "tls"), leg, "CVP-CUCM"))
        client_ctx, _ = rec.contexts("CVP-CUCM", leg)
        outgoing = ssl.MemoryBIO()
        tls = client_ctx.wrap_bio(ssl.MemoryBIO(), outgoing, server_hostname=cucm.cert_name)
        try:
            tls.do_handshake()
        except ssl.SSLWantReadError:
            raw.sendall(outgoing.read())
        time.sleep(1.0)
        rec.stop()
        raw.close()
        accepted.close()
    return body


# ---- The list ----

def scenarios(lab):
    ca, rogue = lab.ca, lab.rogue_ca
    wrong_name = ca.issue("cucm2.dcloud.cisco.com")
    multi_san = ca.issue("cucm-cluster", sans=[
        "cucm-cluster.dcloud.cisco.com", "cucmpub.dcloud.cisco.com",
        "cucmsub2.dcloud.cisco.com", "cucmsub3.dcloud.cisco.com", "cucm-tftp.dcloud.cisco.com",
        "cucm-im.dcloud.cisco.com", "cucm1.dcloud.cisco.com", "cucm3.dcloud.cisco.com",
        "cucm4.dcloud.cisco.com", "cucm5.dcloud.cisco.com", "ccm.dcloud.cisco.com"])
    no_names = {"check_hostname": False}
    name_fail = dict(status="failed", findings=["name_mismatch"])
    span_leg = dict(client={"ciphers": "ECDHE-RSA-AES256-GCM-SHA384"})
    return [
        ("20-tls13-client-auth-cvp-cucm",
         "CVP calls CUCM over TLS 1.3; CUCM requires a client certificate (CERT_REQUIRED), "
         "CVP sends its own, CUCM sends two session tickets, then INVITE...ACK and BYE flow.",
         call_scenario({"CVP-CUCM": tls13_mutual_leg({}, {"server_tickets": 2})}),
         "secure: both Finished, then SIP both ways under the application keys."),
        ("21-tls13-client-cert-rejected",
         "TLS 1.3, CUCM requires a client certificate; CVP's comes from another CA. CUCM "
         "reads it after CVP's Finished, sends an encrypted fatal alert and closes; CVP, "
         "waiting for CUCM, reads the alert and closes.",
         tls13_refused_body(Leg(
             client=dict(TLS13_ONLY, send_cert=True,
                         client_cert=rogue.issue("cvp1.dcloud.cisco.com")),
             server=dict(TLS13_ONLY, require_client_cert=True),
             expect=dict(TLS13_EXPECT, status="failed", findings=["encrypted_alert"],
                         closer="server"),
             facts={"client_certificate_sent": True, "server_tickets": 0,
                    "encrypted_alert": {"sender": "server", "alert": "unknown_ca"},
                    "server_last_record": ("opaque", 19)})),
         "failed: after the client's second flight the server's only record is alert-sized "
         "and it closes; no application data from the server (the key log shows unknown_ca)."),
        ("21b-tls13-cert-rejected-after-invite",
         "As 21, but CVP sends its INVITE right after its Finished, as a SIP client does, "
         "before CUCM has checked the certificate; CUCM's encrypted alert follows, then its "
         "reset; CVP reads the alert and closes.",
         tls13_refused_body(Leg(
             client=dict(TLS13_ONLY, send_cert=True,
                         client_cert=rogue.issue("cvp1.dcloud.cisco.com")),
             server=dict(TLS13_ONLY, require_client_cert=True),
             expect=dict(TLS13_EXPECT, status="failed", findings=["encrypted_alert"],
                         closer="server"),
             facts={"client_certificate_sent": True, "server_tickets": 0,
                    "encrypted_alert": {"sender": "server", "alert": "unknown_ca"},
                    "server_last_record": ("opaque", 19), "rst": {"server"}}),
             send_invite=True),
         "failed: application data from the client alone proves nothing; the server's only "
         "record after the client's flight is alert-sized, then it resets."),
        ("22-tls13-client-cert-missing",
         "TLS 1.3, CUCM requires a client certificate and CVP has none: CVP sends an empty "
         "Certificate and its Finished; CUCM sends an encrypted fatal alert and closes.",
         tls13_refused_body(Leg(
             client=dict(TLS13_ONLY), server=dict(TLS13_ONLY, require_client_cert=True),
             expect=dict(TLS13_EXPECT, status="failed", findings=["encrypted_alert"],
                         closer="server"),
             facts={"client_certificate_sent": False, "server_tickets": 0,
                    "encrypted_alert": {"sender": "server", "alert": "certificate_required"},
                    "server_last_record": ("opaque", 19)})),
         "failed: the server answers the client's second flight with an alert-sized record "
         "and a close (certificate_required with the key log)."),
        ("22j-java-tls13-client-cert-missing",
         "As 22, with CVP's real stack: a Java (SunJSSE) TLS 1.3 client with no key store. "
         "It sends an empty Certificate and its Finished; CUCM sends an encrypted fatal "
         "alert and resets before Java's OPTIONS leaves, so Java's write fails. Java writes "
         "no key log: the .keys file is empty.",
         java_tls13_no_cert_body(Leg(
             client=dict(TLS13_ONLY), server=dict(TLS13_ONLY, require_client_cert=True),
             expect=dict(TLS13_EXPECT, status="failed", findings=["encrypted_alert"],
                         closer="server"),
             facts={"server_tickets": 0, "server_last_record": ("opaque", 19),
                    "encrypted_alert": {"sender": "server", "alert": None}})),
         "failed: the server's only record after the client's flight is alert-sized, then it "
         "closes; no key log is needed to see it."),
        ("23-tls13-client-auth-no-tickets",
         "As 20, but CUCM sends no session tickets (num_tickets = 0): CUCM's first record "
         "after CVP's Finished is its 100 Trying.",
         call_scenario({"CVP-CUCM": tls13_mutual_leg({"num_tickets": 0}, {"server_tickets": 0})}),
         "secure: SIP both ways after the handshake, although no ticket follows it."),
        ("24-resumed-session-id-wrong-name",
         "CUCM presents cucm2.dcloud.cisco.com (the roles file expects cucm1) with session "
         "tickets off; CVP does not check names. A full TLS 1.2 handshake and OPTIONS, then "
         "a second connection resumes the session by its ID (no Certificate) and OPTIONS.",
         resumption_body(
             Leg(client=no_names, server={"cert": wrong_name, "no_tickets": True},
                 expect=dict(name_fail, server_cert_cn="cucm2.dcloud.cisco.com"),
                 facts={"resumed": False}),
             Leg(expect=dict(name_fail, server_cert_cn="cucm2.dcloud.cisco.com", resumed=True),
                 facts={"resumed_from": 0, "resumed_by": "session_id"})),
         "failed, both: the resumed session is the one whose certificate names cucm2; its "
         "full handshake is in the capture (same session ID)."),
        ("25-resumed-ticket-wrong-name",
         "As 24, but CUCM issues a TLS 1.2 session ticket and the second connection "
         "resumes with it.",
         resumption_body(
             Leg(client=no_names, server={"cert": wrong_name},
                 expect=dict(name_fail, server_cert_cn="cucm2.dcloud.cisco.com"),
                 facts={"resumed": False, "server_tickets": 1}),
             Leg(expect=dict(name_fail, server_cert_cn="cucm2.dcloud.cisco.com", resumed=True),
                 facts={"resumed_from": 0, "resumed_by": "ticket"})),
         "failed, both: the ticket the second ClientHello offers is the one the first "
         "connection's server sent in clear."),
        ("26-resumed-before-capture",
         "CVP's first connection to CUCM (correct certificate) closes before the capture "
         "starts; the capture holds only a second connection that resumes that session "
         "with a ticket, then OPTIONS.",
         resumption_body(Leg(), Leg(expect=dict(server_cert_cn=None, findings=["resumed"],
                                                resumed=True),
                                    facts={"resumed_from": None}),
                         full_in_capture=False),
         "secure (resumed): both Finished and SIP both ways; the certificate was checked in "
         "a handshake outside the capture, so the name check is not made."),
        ("27-tls13-psk-resumption",
         "TLS 1.3: a full handshake (CUCM sends tickets) and OPTIONS, then a second "
         "connection resumes with a PSK from a ticket (no Certificate) and OPTIONS.",
         resumption_body(
             Leg(client=TLS13_ONLY, server=TLS13_ONLY, expect=dict(TLS13_EXPECT),
                 facts={"resumed": False, "server_tickets": 2}),
             Leg(expect=dict(TLS13_EXPECT, findings=["resumed"], resumed=True),
                 facts={"resumed_from_decrypted": 0})),
         "full: secure. resumed: secure (resumed): the ticket was encrypted, so without the "
         "key log nothing ties the PSK to the first connection."),
        ("28-reordered-client-flight",
         "CVP to CUCM through the userspace switch. CVP writes its second flight "
         "(ClientKeyExchange, ChangeCipherSpec, Finished) in two TCP segments, cutting the "
         "Finished record; the SPAN copy of the first arrives after the second. "
         "INVITE...ACK and BYE then flow.",
         span_body(Leg(**span_leg, facts={"reordered": True, "segments_missing": False,
                                          "retransmitted": False}),
                   {"2": {"mirror": "late"}}, split=True),
         "secure: every byte is in the capture (in another order) and SIP flowed both ways."),
        ("29-span-lost-client-finished",
         "Through the switch; the SPAN loses its copy of CVP's second flight (the endpoints "
         "get it); INVITE...ACK and BYE then flow.",
         span_body(Leg(**span_leg, expect=dict(findings=["segments_missing"]),
                       facts={"segments_missing": True,
                              "missing_by_side": {"client": 1, "server": 0}}),
                   {"2": {"mirror": "drop"}}),
         "secure (segments_missing): application data both ways after the handshake proves "
         "it completed; the missing segment is noted, never a failure."),
        ("30-retransmitted-client-flight",
         "Through the switch; the network loses CVP's second flight once (after the SPAN "
         "copied it), CVP retransmits it; INVITE...ACK and BYE then flow.",
         span_body(Leg(**span_leg, facts={"retransmitted": True, "segments_missing": False}),
                   {"2": {"forward": "drop"}}),
         "secure: the capture holds the flight twice, nothing is missing."),
        ("31-span-lost-flight-no-data",
         "Through the switch; the SPAN loses CVP's second flight; CUCM's ChangeCipherSpec "
         "and Finished follow, then both sides close (close_notify, FIN) without sending "
         "any SIP.",
         span_body(Leg(**span_leg, expect=dict(status="unverified",
                                               findings=["segments_missing"]),
                       facts={"segments_missing": True, "app_data": set()}),
                   {"2": {"mirror": "drop"}}, sip=False),
         "unverified (segments_missing): the client's Finished is not in the capture and no "
         "application data proves the handshake; a missing segment never makes it failed."),
        ("32-clear-alert-after-call",
         "CVP calls CUCM (TLS 1.2, INVITE...ACK); 3 s after the ACK, CVP writes a fatal "
         "internal_error alert record in clear on the stream and closes its side; CUCM's "
         "OpenSSL rejects that record with an encrypted bad_record_mac alert and closes.",
         clear_alert_body(Leg(expect=dict(findings=["aborted"], post_alert={
             "sender": "client", "alert": "internal_error"}),
             facts={"post_alert_late": True})),
         "secure (aborted): the handshake completed (SIP both ways); a later alert does not "
         "change what the handshake proved."),
        ("33-encrypted-alert-after-call",
         "CVP calls CUCM (TLS 1.2, INVITE...ACK); then CVP sends a record whose "
         "authentication tag was changed; CUCM answers with an encrypted fatal alert "
         "(bad_record_mac in the key log) and closes; CVP closes.",
         corrupted_record_body(Leg(expect=dict(findings=["aborted"], post_alert={
             "sender": "server", "alert": None}),
             facts={"post_alert_decrypted": "bad_record_mac"})),
         "secure (aborted): the handshake completed; the alert came after SIP flowed."),
        ("34-cert-names-cucm",
         "Three connections CVP to CUCM, each with OPTIONS: CUCM's certificate has CN "
         "cucm-cluster and 11 SAN dNSNames, cucm1.dcloud.cisco.com the 7th; then a "
         "certificate for *.dcloud.cisco.com; then one for *.cisco.com (CVP does not check "
         "names for the last).",
         names_body([
             Leg(server={"cert": multi_san}, expect=dict(server_cert_cn="cucm-cluster"),
                 facts={"server_san_7": "cucm1.dcloud.cisco.com", "server_san_count": 11}),
             Leg(server={"cert": ca.issue("*.dcloud.cisco.com")},
                 expect=dict(server_cert_cn="*.dcloud.cisco.com")),
             Leg(client=no_names, server={"cert": ca.issue("*.cisco.com")},
                 expect=dict(name_fail, server_cert_cn="*.cisco.com"))]),
         "secure when any SAN dNSName names cucm1 (the 7th; *.dcloud.cisco.com covers one "
         "label); failed for *.cisco.com, which cannot stand for two labels (RFC 6125)."),
        ("35-snaplen-128",
         "The call of 02 (CVP to CUCM in clear over TCP 5060, every other leg TLS 1.2) "
         "recorded with dumpcap -s 128, as CUCM's and VVB's utils network capture do.",
         call_scenario(_snaplen_legs(), snaplen=128),
         "TLS legs unverified (cut_frames): the certificate, cipher and Finished are cut "
         "away; the clear leg is plaintext (cut_frames): its SIP start lines are within 128 "
         "bytes."),
        ("36-scanner-reset",
         "198.18.133.200, an address in no roles file, sends a ClientHello to CVP:5061, "
         "reads ServerHello..ServerHelloDone and resets the connection (SO_LINGER 0).",
         scanner_body(Leg(expect=dict(server_cert_cn="cvp1.dcloud.cisco.com", status="failed",
                                      findings=["closed_early"], closer="client"),
                          facts={"rst": {"client"}, "fin": set()})),
         "failed (closed_early): the client reset right after the server's complete flight, "
         "nothing missing; the side that closed is the client."),
        ("37-midstream-tls11",
         "CVP's TLS 1.1 connection to CUCM is up before the capture starts; the capture "
         "holds a call in application-data records only.",
         midstream(Leg(client={"min": TLS11, "max": TLS11,
                               "ciphers": "ECDHE-RSA-AES256-SHA:@SECLEVEL=0"},
                       server={"min": TLS11, "max": TLS11,
                               "ciphers": "ECDHE-RSA-AES256-SHA:@SECLEVEL=0"},
                       expect=dict(tls_version="TLS 1.1", cipher=None, server_cert_cn=None,
                                   status="weak", findings=["weak_version"]),
                       facts={"app_record_versions": {0x0302}})),
         "weak (weak_version): record-layer version 0x0302 in the application data proves "
         "TLS 1.1 was negotiated."),
        ("38-midstream-null-cipher",
         "CVP's connection to CUCM with TLS_RSA_WITH_NULL_SHA256 (CUCM's Authenticated "
         "mode) is up before the capture starts; the call's SIP is readable inside the "
         "application-data records.",
         midstream(Leg(client={"ciphers": "NULL-SHA256:@SECLEVEL=0"},
                       server={"ciphers": "NULL-SHA256:@SECLEVEL=0"},
                       expect=dict(tls_version=None, cipher=None, server_cert_cn=None,
                                   status="weak", findings=["weak_cipher"]),
                       facts={"sip_in_records": True})),
         "weak (weak_cipher): SIP start lines in clear inside application-data records prove "
         "a NULL cipher."),
        ("39-pending-client-hello",
         "CVP sends a ClientHello to CUCM; CUCM's TCP acknowledges it but its TLS never "
         "answers before the capture ends.",
         pending_body(Leg(expect=dict(tls_version=None, cipher=None, server_cert_cn=None,
                                      status="unverified", one_pass_status="pending"),
                          facts={"ended": False, "server_hello": False})),
         "unverified at the end (pending while it lasts): nothing refused, nothing proven."),
    ]


def _snaplen_legs():
    legs = _all_secure(**{"CVP-CUCM": Leg("tcp", expect=dict(
        status="plaintext", findings=["cut_frames"], snaplen=128))})
    cut = dict(tls_version=None, cipher=None, server_cert_cn=None, status="unverified",
               findings=["cut_frames"], snaplen=128)
    for name, leg in legs.items():
        if leg.transport == "tls":
            leg.expect = dict(cut)
    return legs
