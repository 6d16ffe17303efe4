# SPDX-License-Identifier: GPL-2.0-or-later
"""Record the CCE lab scenarios and write each capture's key log and expectations.

Run by scripts/make-test-captures after it has made the namespaces and the bridge. Each
scenario says what it intends (transport, TLS version, cipher, alert and its sender,
status, findings per connection); after recording, the capture is read back with tshark
(capture_facts) and every intention is checked against it. Any difference stops the run:
the .expect.json files can only say what the captures really show.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import call_scenarios  # noqa: E402
import capture_facts  # noqa: E402
import pki  # noqa: E402
from sipnode import Connection, Dialog, Host, new_rng, socket_in  # noqa: E402

# TLS 1.0 and 1.1 are deprecated in Python's ssl; scenarios 04 and 37 use them on purpose.
warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*TLSv1(_1)? is deprecated")
V4, V6 = socket.AF_INET, socket.AF_INET6
TLS10, TLS12, TLS13 = ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3
TLS11 = ssl.TLSVersion.TLSv1_1
CLIENT_CIPHERS = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES256-GCM-SHA384"
SERVER_CIPHERS = "ECDHE-RSA-AES256-GCM-SHA384"
DEFAULT_CIPHER = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
GUID = "1234567890-2345678901-3456789012-4567890123"

HOSTS = {  # name: role, IPv4, IPv6, User-Agent/Server, certificate name, SIP user
    "cube": ("CUBE", "198.18.133.226", "2001:db8:133::226", "Cisco-SIPGateway/IOS-17.9.4a",
             "cube1.dcloud.cisco.com", "+14085550100"),
    "cvp": ("CVP", "198.18.133.13", "2001:db8:133::13", "CVP 12.6 (1) ES 3",
            "cvp1.dcloud.cisco.com", "7800"),
    "vvb": ("VVB", "198.18.133.143", "2001:db8:133::143", "Cisco-VVB/12.6",
            "vvb1.dcloud.cisco.com", "7777777777"),
    "cucm": ("CUCM", "198.18.133.3", "2001:db8:133::3", "Cisco-CUCM12.6",
             "cucm1.dcloud.cisco.com", "1001"),
    "phone": ("PHONE", "198.18.133.101", "2001:db8:133::101", "Cisco-CSF/14.1", "CSFagent1",
              "1001"),
    # An address in no roles-file row: a scanner (scenario 36).
    "scan": ("unknown", "198.18.133.200", "2001:db8:133::200", "", None, ""),
}
LEG_ENDS = {"CUBE-CVP": ("cube", "cvp"), "CVP-VVB": ("cvp", "vvb"),
            "CVP-CUCM": ("cvp", "cucm"), "CUBE-CUCM": ("cube", "cucm"),
            "PHONE-CUCM": ("phone", "cucm")}
ALL_LEGS = list(LEG_ENDS)


class Leg:
    """How one leg is set up, and what its connection must then look like on the wire."""

    def __init__(self, transport="tls", family=V4, client=None, server=None, expect=None,
                 facts=None):
        self.transport, self.family = transport, family
        self.client_opts, self.server_opts = client or {}, server or {}
        self.expect = expect or {}
        # What the scenario did that the capture must show (capture_facts keys -> values);
        # checked, not written into the expectations.
        self.facts = facts or {}


class Lab:
    def __init__(self, prefix, workdir):
        self.hosts = {name: Host(name, role, prefix + name, v4, v6, ua, cert, user)
                      for name, (role, v4, v6, ua, cert, user) in HOSTS.items()}
        self.switch_netns = prefix + "switch"
        self.workdir = workdir
        self.ca = pki.CertAuthority(os.path.join(workdir, "ca"), "ccesec lab CA")
        self.rogue_ca = pki.CertAuthority(os.path.join(workdir, "rogue"), "unrelated CA")
        self.leaf = {name: self.ca.issue(h.cert_name) for name, h in self.hosts.items()
                     if h.cert_name}

    # -- TLS contexts --
    def server_context(self, host, opts):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = opts.get("min", TLS12)
        ctx.maximum_version = opts.get("max", TLS12)
        ctx.set_ciphers(opts.get("ciphers", SERVER_CIPHERS))
        ctx.load_cert_chain(*opts.get("cert", self.leaf[host.name]))
        if opts.get("require_client_cert"):
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(self.ca.cert)
        if "num_tickets" in opts:  # TLS 1.3 session tickets after the handshake
            ctx.num_tickets = opts["num_tickets"]
        if opts.get("no_tickets"):  # TLS 1.2: resume by session ID only
            ctx.options |= ssl.OP_NO_TICKET
        return ctx

    def client_context(self, host, opts, keylog):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = opts.get("min", TLS12)
        ctx.maximum_version = opts.get("max", TLS12)
        ctx.set_ciphers(opts.get("ciphers", CLIENT_CIPHERS))
        ctx.check_hostname = opts.get("check_hostname", True)
        ctx.load_verify_locations(opts.get("trust", self.ca.cert))
        if opts.get("send_cert"):
            ctx.load_cert_chain(*opts.get("client_cert", self.leaf[host.name]))
        ctx.keylog_filename = keylog
        return ctx


class Recorder:
    """One scenario's capture: dumpcap on the bridge, the connections made, their key logs."""

    def __init__(self, lab, name):
        self.lab, self.name = lab, name
        self.dir = os.path.join(lab.workdir, name)
        os.makedirs(self.dir)
        self.pcap = os.path.join(self.dir, name + ".pcapng")
        self.made = []  # (Connection, Leg, leg name) in opening order
        self.dumpcap = None
        self.keylogs = 0
        self.capture_filter = "port 5060 or port 5061"  # call scenarios add media ports
        self.extra_expect = {}  # more keys for the .expect.json (calls)

    def start(self, iface="br0", snaplen=None):
        # Only SIP ports: the kernel's own IPv6 chatter (MLD, router solicitation) and ARP
        # are not part of any scenario.
        cmd = ["ip", "netns", "exec", self.lab.switch_netns, "dumpcap", "-i", iface,
               "-w", self.pcap, "-f", self.capture_filter]
        if snaplen:
            cmd += ["-s", str(snaplen)]
        self.dumpcap = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        for line in self.dumpcap.stderr:
            if line.startswith("Capturing on"):
                break
        else:
            raise RuntimeError("dumpcap did not start: %s" % self.dumpcap.wait())
        threading.Thread(target=self.dumpcap.stderr.read, daemon=True).start()
        time.sleep(0.5)

    def note(self, text):
        """What an endpoint said (an error it raised): printed with the scenario."""
        print("  %s: %s" % (self.name, text), flush=True)

    def stop(self):
        time.sleep(0.5)
        self.dumpcap.send_signal(signal.SIGTERM)
        if self.dumpcap.wait(20) != 0:
            raise RuntimeError("dumpcap failed for %s" % self.name)

    def connect(self, leg_name, leg, contexts=None, recorded=True, **conn_opts):
        """Open one connection of the leg. contexts: (client, server) SSLContexts shared
        with other connections (session resumption); recorded=False for a connection made
        before the capture starts; conn_opts go to Connection (session, bio_client...)."""
        client_name, server_name = LEG_ENDS[leg_name]
        client, server = self.lab.hosts[client_name], self.lab.hosts[server_name]
        client_ctx = server_ctx = None
        if leg.transport == "tls":
            client_ctx, server_ctx = contexts or self.contexts(leg_name, leg)
        conn = Connection(client, server, leg.transport, leg.family, client_ctx, server_ctx,
                          server_hostname=server.cert_name, **conn_opts)
        if recorded:
            self.made.append((conn, leg, leg_name))
        return conn if conn.open() else None

    def contexts(self, leg_name, leg):
        client_name, server_name = LEG_ENDS[leg_name]
        self.keylogs += 1
        keylog = os.path.join(self.dir, "%02d.keys" % self.keylogs)
        return (self.lab.client_context(self.lab.hosts[client_name], leg.client_opts, keylog),
                self.lab.server_context(self.lab.hosts[server_name], leg.server_opts))

    def merged_keylog(self):
        keys = sorted(f for f in os.listdir(self.dir) if f.endswith(".keys"))
        text = ""
        for name in keys:
            with open(os.path.join(self.dir, name)) as handle:
                text += handle.read()
        return text


# ---- The call flow ----

def full_call(rec, legs):
    """One inbound call over the legs given (a subset is fine), plus keepalives/registration."""
    rng = new_rng(rec.name)
    conns, dialogs = {}, {}

    def start(leg_name, from_user, to_user, guid=None):
        if leg_name not in legs:
            return None
        conn = rec.connect(leg_name, legs[leg_name])
        conns[leg_name] = conn
        if conn:
            dialogs[leg_name] = Dialog(conn, rng, from_user, to_user, guid)
        return dialogs.get(leg_name)

    def transaction(dialog, method, *responses, sdp=False):
        if dialog:
            dialog.request(method, with_sdp=sdp)
            for code, reason, body in responses:
                dialog.respond(code, reason, with_sdp=body)

    ok = (200, "OK", False)
    options = start("CUBE-CUCM", "ping", "ping")
    transaction(options, "OPTIONS", ok)
    register = start("PHONE-CUCM", "1001", "1001")
    transaction(register, "REGISTER", ok)

    caller = start("CUBE-CVP", "+14085550100", "7800", GUID)
    transaction(caller, "INVITE", (100, "Trying", False), sdp=True)
    queue = start("CVP-VVB", "+14085550100", "7777777777", GUID)
    transaction(queue, "INVITE", (100, "Trying", False), (200, "OK", True), sdp=True)
    transaction(queue, "ACK")
    if caller:
        caller.respond(180, "Ringing")
        caller.respond(200, "OK", with_sdp=True)
        caller.request("ACK")
    transaction(queue, "BYE", ok)  # the queue prompt is over
    close(conns, "CVP-VVB")
    agent = start("CVP-CUCM", "+14085550100", "1001", GUID)
    transaction(agent, "INVITE", (100, "Trying", False), (180, "Ringing", False),
                (200, "OK", True), sdp=True)
    transaction(agent, "ACK")
    transaction(options, "OPTIONS", ok)
    transaction(caller, "BYE", ok)  # the caller hangs up
    transaction(agent, "BYE", ok)
    for leg_name in list(conns):
        close(conns, leg_name)


def close(conns, leg_name):
    conn = conns.pop(leg_name, None)
    if conn:
        conn.close()


def call_scenario(legs, snaplen=None):
    def body(rec):
        rec.start(snaplen=snaplen)
        full_call(rec, legs)
        rec.stop()
    return body


def midstream_body(rec):
    """The capture starts after the handshake of a long-lived CUBE->CVP connection."""
    legs = {"CUBE-CVP": Leg(expect=UNVERIFIED)}
    conn = rec.connect("CUBE-CVP", legs["CUBE-CVP"])
    time.sleep(0.3)
    rec.start()
    rng = new_rng(rec.name)
    dialog = Dialog(conn, rng, "+14085550100", "7800", GUID)
    dialog.request("INVITE", with_sdp=True)
    for code, reason, sdp in ((100, "Trying", False), (180, "Ringing", False),
                              (200, "OK", True)):
        dialog.respond(code, reason, with_sdp=sdp)
    dialog.request("ACK")
    dialog.request("BYE")
    dialog.respond(200, "OK")
    conn.close()
    rec.stop()


def quiet_close_body(rec):
    """CUBE opens to CUCM, reads the server's first flight, rejects the certificate without
    saying so (no alert) and closes with FIN: the quiet refusal of some stacks."""
    leg = Leg(expect=dict(status="failed", findings=["closed_early"]))
    cube, cucm = rec.lab.hosts["cube"], rec.lab.hosts["cucm"]
    rec.start()
    listener = socket_in(cucm.netns, V4, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((cucm.ipv4, 5061))
    listener.listen(1)
    raw = socket_in(cube.netns, V4, socket.SOCK_STREAM)
    raw.bind((cube.ipv4, 0))
    raw.settimeout(5)
    raw.connect((cucm.ipv4, 5061))
    accepted, _ = listener.accept()
    listener.close()
    conn = Connection(cube, cucm, "tls")
    rec.made.append((conn, leg, "CUBE-CUCM"))
    server_ctx = rec.lab.server_context(cucm, {})
    errors = {}
    thread = threading.Thread(target=_serve_until_error, args=(server_ctx, accepted, errors))
    thread.start()
    keylog = os.path.join(rec.dir, "00.keys")
    refuse_quietly(raw, rec.lab.client_context(cube, {"trust": rec.lab.rogue_ca.cert}, keylog),
                   cucm.cert_name)
    thread.join(15)
    accepted.close()
    if "server" not in errors:
        raise RuntimeError("CUCM did not notice the quiet close")
    rec.stop()


def _serve_until_error(ctx, sock, errors):
    try:
        sock.settimeout(10)
        ctx.wrap_socket(sock, server_side=True)
    except (ssl.SSLError, OSError) as exc:
        errors["server"] = exc


def refuse_quietly(sock, ctx, server_name):
    """Run the client handshake in memory; whatever OpenSSL wants to say once the
    certificate fails verification (its alert) is never sent."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_hostname=server_name)
    while True:
        try:
            tls.do_handshake()
        except ssl.SSLWantReadError:
            sock.sendall(outgoing.read())
            incoming.write(sock.recv(65535))
            continue
        except ssl.SSLCertVerificationError:
            break
        raise RuntimeError("the quiet-close client unexpectedly accepted the certificate")
    sock.settimeout(0.3)
    try:  # the rest of the server's flight, so closing sends FIN rather than RST
        while sock.recv(65535):
            pass
    except socket.timeout:
        pass
    sock.shutdown(socket.SHUT_WR)
    sock.settimeout(5)
    while sock.recv(65535):
        pass
    sock.close()


JAVA_CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "JavaSipClient.java")
JAVA_REFUSED = 2  # JavaSipClient's exit status when its TLS handshake fails
JAVA_TIMEOUT = 120  # the source launcher compiles first: seconds, not milliseconds


def java_refusal_body(vvb_cert):
    """CVP's Java TLS stack (SunJSSE, as in CVP and VVB) opens TLS 1.2 to VVB, whose
    certificate comes from a CA missing from its trust store: it sends the fatal alert
    certificate_unknown, where an OpenSSL client (scenario 06) says unknown_ca."""

    def body(rec):
        if not shutil.which("java"):
            raise RuntimeError("scenario %s needs Java 17: apt-get install "
                               "openjdk-17-jdk-headless" % rec.name)
        leg = Leg(server={"cert": vvb_cert},
                  expect=dict(alert="certificate_unknown", alert_sender="client",
                              status="failed", findings=["alert"]))
        cvp, vvb = rec.lab.hosts["cvp"], rec.lab.hosts["vvb"]
        rec.made.append((Connection(cvp, vvb, "tls"), leg, "CVP-VVB"))
        server_ctx = rec.lab.server_context(vvb, leg.server_opts)
        rec.start()
        listener = socket_in(vvb.netns, V4, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((vvb.ipv4, 5061))
        listener.listen(1)
        listener.settimeout(JAVA_TIMEOUT)
        command = ["ip", "netns", "exec", cvp.netns, "java", JAVA_CLIENT, rec.lab.ca.cert,
                   cvp.ipv4, vvb.ipv4, "5061", vvb.cert_name]
        client = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        try:
            accepted, _ = listener.accept()
            errors = {}
            # ssl closes the socket itself when the handshake fails (on the alert).
            _serve_until_error(server_ctx, accepted, errors)
            out, err = client.communicate(timeout=JAVA_TIMEOUT)
            accepted.close()
        finally:
            listener.close()
            if client.poll() is None:
                client.kill()
                client.wait()
        if client.returncode != JAVA_REFUSED or "server" not in errors:
            raise RuntimeError("the Java client did not refuse VVB's certificate (exit %s): "
                               "%s %s" % (client.returncode, out.strip(), err.strip()))
        rec.stop()

    return body


# ---- The scenarios ----

SECURE = {}
UNVERIFIED = dict(status="unverified", tls_version=None, cipher=None, server_cert_cn=None)


def _all_secure(**overrides):
    legs = {name: Leg() for name in ALL_LEGS}
    # A secure phone authenticates with its certificate (the CAPF-issued LSC, CN = device).
    legs["PHONE-CUCM"] = Leg(client={"send_cert": True}, server={"require_client_cert": True})
    legs.update(overrides)
    return legs


def scenarios(lab):
    ca = lab.ca
    seclevel0 = {"ciphers": "ECDHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0"}
    rogue_vvb = lab.rogue_ca.issue("vvb1.dcloud.cisco.com")  # 06 and 19 present it
    return [
        ("01-all-secure", "Every leg of one call (and the OPTIONS and REGISTER legs) is SIP "
         "over TLS 1.2 with ECDHE-RSA-AES256-GCM-SHA384 and verified certificates.",
         call_scenario(_all_secure())),
        ("02-cvp-cucm-clear-tcp", "As 01, but CVP sends the call to CUCM over TCP 5060 in "
         "clear.", call_scenario(_all_secure(**{"CVP-CUCM": Leg(
             "tcp", expect=dict(status="plaintext"))}))),
        ("03-cube-cvp-udp", "As 01, but CUBE sends the call to CVP over UDP 5060 in clear.",
         call_scenario(_all_secure(**{"CUBE-CVP": Leg(
             "udp", expect=dict(status="plaintext"))}))),
        ("04-tls10-cvp-vvb", "CVP and VVB negotiate TLS 1.0 with a CBC-SHA1 suite.",
         call_scenario({"CVP-VVB": Leg(
             client={"min": TLS10, "max": TLS10, "ciphers": "ECDHE-RSA-AES256-SHA:@SECLEVEL=0"},
             server={"min": TLS10, "max": TLS10, "ciphers": "ECDHE-RSA-AES256-SHA:@SECLEVEL=0"},
             expect=dict(tls_version="TLS 1.0", cipher="TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                         status="weak", findings=["weak_version", "legacy_cipher"]))})),
        ("05-null-cipher-cvp-cucm", "CVP and CUCM negotiate TLS_RSA_WITH_NULL_SHA256: "
         "integrity only, the SIP is readable (CUCM's Authenticated mode).",
         call_scenario({"CVP-CUCM": Leg(
             client={"ciphers": "NULL-SHA256:@SECLEVEL=0"},
             server={"ciphers": "NULL-SHA256:@SECLEVEL=0"},
             expect=dict(cipher="TLS_RSA_WITH_NULL_SHA256", status="weak",
                         findings=["weak_cipher"]))})),
        ("06-unknown-ca-cvp-vvb", "VVB presents a certificate from a CA CVP does not trust; "
         "CVP sends the fatal unknown_ca alert.",
         call_scenario({"CVP-VVB": Leg(
             server={"cert": rogue_vvb},
             expect=dict(alert="unknown_ca", alert_sender="client", status="failed",
                         findings=["alert"]))})),
        ("06b-client-cert-missing-cvp-cucm", "CUCM requires a client certificate and CVP "
         "sends none (TLS 1.2); CUCM ends the handshake with a fatal alert.",
         call_scenario({"CVP-CUCM": Leg(
             server={"require_client_cert": True},
             expect=dict(alert="handshake_failure", alert_sender="server", status="failed",
                         findings=["alert", "client_cert_missing"]))})),
        ("07-tls13-cube-cvp", "CUBE and CVP use TLS 1.3; the certificate is encrypted on the "
         "wire.", call_scenario({"CUBE-CVP": Leg(
             client={"min": TLS13, "max": TLS13}, server={"min": TLS13, "max": TLS13},
             expect=dict(tls_version="TLS 1.3", cipher="TLS_AES_256_GCM_SHA384",
                         server_cert_cn=None))})),
        ("08-midstream", "The capture starts after the TLS handshake of a long-lived "
         "CUBE-CVP connection: only application data.", midstream_body),
        ("09-ipv6-cube-cvp", "CUBE calls CVP over IPv6 with TLS 1.2.",
         call_scenario({"CUBE-CVP": Leg(family=V6)})),
        ("10-wrong-name-cucm", "CUCM's certificate names cucm2.dcloud.cisco.com while the "
         "roles file expects cucm1; CVP does not check names, so the handshake completes.",
         call_scenario({"CVP-CUCM": Leg(
             client={"check_hostname": False},
             server={"cert": ca.issue("cucm2.dcloud.cisco.com")},
             expect=dict(server_cert_cn="cucm2.dcloud.cisco.com", status="failed",
                         findings=["name_mismatch"]))})),
        ("11-expired-cert", "CVP's certificate expired in 2021; CUBE sends the fatal "
         "certificate_expired alert.", call_scenario({"CUBE-CVP": Leg(
             server={"cert": ca.issue("cvp1.dcloud.cisco.com", start="20190101000000Z",
                                      end="20210101000000Z")},
             expect=dict(alert="certificate_expired", alert_sender="client", status="failed",
                         findings=["alert", "cert_expired"]))})),
        ("12-rsa1024", "VVB's certificate has a 1024-bit RSA key; the handshake completes.",
         call_scenario({"CVP-VVB": Leg(
             client=seclevel0, server=dict(seclevel0, cert=ca.issue("vvb1.dcloud.cisco.com",
                                                                    bits=1024)),
             expect=dict(status="weak", findings=["weak_key"]))})),
        ("13-sha1-signature", "CUCM's certificate is signed with SHA-1; the handshake "
         "completes.", call_scenario({"CVP-CUCM": Leg(
             client=seclevel0, server=dict(seclevel0, cert=ca.issue("cucm1.dcloud.cisco.com",
                                                                    digest="sha1")),
             expect=dict(status="weak", findings=["weak_signature"]))})),
        ("14-self-signed", "VVB presents a self-signed certificate that CVP trusts "
         "explicitly; the handshake completes.", _self_signed_scenario(lab)),
        ("15-mutual-tls", "CUCM requires a client certificate and CVP sends its own.",
         call_scenario({"CVP-CUCM": Leg(client={"send_cert": True},
                                        server={"require_client_cert": True})})),
        ("16-no-shared-cipher", "CUBE offers only AES-CBC suites that CVP refuses; CVP sends "
         "the fatal handshake_failure alert.", call_scenario({"CUBE-CVP": Leg(
             client={"ciphers": "AES128-SHA:AES256-SHA"},
             expect=dict(tls_version=None, cipher=None, server_cert_cn=None,
                         alert="handshake_failure", alert_sender="server", status="failed",
                         findings=["alert"]))})),
        ("17-version-refused", "CUBE allows only TLS 1.3, CVP at most TLS 1.2; CVP sends the "
         "fatal protocol_version alert.", call_scenario({"CUBE-CVP": Leg(
             client={"min": TLS13, "max": TLS13},
             expect=dict(tls_version=None, cipher=None, server_cert_cn=None,
                         alert="protocol_version", alert_sender="server", status="failed",
                         findings=["alert"]))})),
        ("18-quiet-close", "CUBE reads CUCM's certificate, does not trust it and closes the "
         "connection without an alert.", quiet_close_body),
        ("19-java-certificate-unknown", "CVP's Java TLS client (SunJSSE) trusts only the lab "
         "CA; VVB presents a certificate from another CA; CVP sends the fatal "
         "certificate_unknown alert.", java_refusal_body(rogue_vvb)),
    ]


def all_scenarios(lab):
    """01-19, then the scenarios of issue 9 (evidence_scenarios.py, 20-39), then the calls
    and media scenarios (call_scenarios.py, 40 on): (name, description, body, why or None)."""
    import evidence_scenarios  # it builds on this module's Leg, call_scenario...
    return ([entry + (None,) for entry in scenarios(lab)] +
            evidence_scenarios.scenarios(lab) +
            [entry + (None,) for entry in call_scenarios.scenarios(lab)])


def _self_signed_scenario(lab):
    cert = pki.self_signed(os.path.join(lab.workdir, "ca"), "vvb1.dcloud.cisco.com")
    return call_scenario({"CVP-VVB": Leg(client={"trust": cert[0]}, server={"cert": cert},
                                         expect=dict(findings=["self_signed"]))})


# ---- Checking and writing the expectations ----

def intended(conn, leg, leg_name, roles):
    """What the scenario meant this connection to look like."""
    tls = conn.transport == "tls"
    client_addr = conn.client.address(conn.family)
    server_addr = conn.server.address(conn.family)
    want = {
        "transport": conn.transport, "client": client_addr, "server": server_addr,
        "server_port": conn.port, "client_role": roles[client_addr][0],
        "server_role": roles[server_addr][0], "leg": leg_name,
        "tls_version": "TLS 1.2" if tls else None, "cipher": DEFAULT_CIPHER if tls else None,
        "server_cert_cn": conn.server.cert_name if tls else None,
        "alert": None, "alert_sender": None, "status": "secure" if tls else "plaintext",
        "findings": [],
    }
    want.update(leg.expect)
    if want["server_cert_cn"] and want["tls_version"] == "TLS 1.3":
        want["server_cert_cn"] = None
    return want


CHECKED = ["transport", "client", "server", "server_port", "tls_version", "cipher",
           "server_cert_cn", "alert", "alert_sender"]
OPTIONAL = capture_facts.OPTIONAL_KEYS


def check_intent(conn, leg, fact, want, expected_name):
    problems = []
    optional = capture_facts.optional_facts(fact, expected_name)
    for key in OPTIONAL:
        if key in want and want[key] != optional[key]:
            problems.append("%s: want %r, capture has %r" % (key, want[key], optional[key]))
    for key in capture_facts.ALWAYS_WRITTEN:
        if optional[key] and key not in want:
            problems.append("%s applies (%r) but the scenario does not say so"
                            % (key, optional[key]))
    derived = capture_facts.intent_facts(fact, leg.facts)
    for key, value in leg.facts.items():
        if derived[key] != capture_facts.jsonable(value):
            problems.append("%s: want %r, capture has %r" % (key, value, derived[key]))
    complete_view = fact["client_hello"] and not fact["cut"] and not fact["segments_missing"]
    if want["status"] != "unverified" and complete_view and fact["sip_messages"] != conn.sent:
        problems.append("SIP: sent %s, capture shows %s" % (conn.sent, fact["sip_messages"]))
    return problems


def check_and_describe(rec, description, roles, keys_name, why=None):
    facts = capture_facts.read_connections(rec.pcap, os.path.join(rec.dir, keys_name))
    if len(facts) != len(rec.made):
        raise RuntimeError("%s: %d connections intended, %d in the capture"
                           % (rec.name, len(rec.made), len(facts)))
    entries = []
    for fact, (conn, leg, leg_name) in zip(facts, rec.made):
        want = intended(conn, leg, leg_name, roles)
        problems = ["%s: want %r, capture has %r" % (k, want[k], fact[k])
                    for k in CHECKED if want[k] != fact[k]]
        if capture_facts.leg_name(want["client_role"], want["server_role"]) != leg_name:
            problems.append("roles file gives another leg")
        expected_name = roles[want["server"]][1]
        status, findings = capture_facts.expected_verdict(fact, expected_name)
        if (status, sorted(findings)) != (want["status"], sorted(want["findings"])):
            problems.append("verdict: want %s %s, rules give %s %s" % (
                want["status"], want["findings"], status, findings))
        problems += check_intent(conn, leg, fact, want, expected_name)
        if problems:
            raise RuntimeError("%s, %s: %s" % (rec.name, leg_name, "; ".join(problems)))
        entry = {k: want[k] for k in ["transport", "client"]}
        entry["client_port"] = fact["client_port"]
        entry.update({k: want[k] for k in ["server", "server_port", "client_role",
                                           "server_role", "leg", "tls_version", "cipher",
                                           "server_cert_cn", "alert", "alert_sender",
                                           "status", "findings"]})
        entry["sip_messages"] = fact["sip_messages"]
        entry.update({k: want[k] for k in OPTIONAL if k in want})
        if leg.facts:  # what the scenario did, re-checked on the committed capture
            entry["intent"] = capture_facts.intent_facts(fact, leg.facts)
        entries.append(entry)
    expect = {"capture": rec.name + ".pcapng", "keylog": keys_name,
              "roles_file": "../roles/dcloud-lab.csv", "description": description}
    if why:
        expect["why"] = why
    expect["connections"] = entries
    return expect


def record(lab, name, description, body, outdir, roles, why=None):
    rec = Recorder(lab, name)
    body(rec)
    keys_name = name + ".keys"
    with open(os.path.join(rec.dir, keys_name), "w") as handle:
        handle.write(rec.merged_keylog())
    expect = check_and_describe(rec, description, roles, keys_name, why)
    expect.update(rec.extra_expect)
    shutil.copy(rec.pcap, os.path.join(outdir, name + ".pcapng"))
    shutil.copy(os.path.join(rec.dir, keys_name), os.path.join(outdir, keys_name))
    with open(os.path.join(outdir, name + ".expect.json"), "w") as handle:
        json.dump(expect, handle, indent=2)
        handle.write("\n")
    summary = ", ".join("%s %s%s" % (c["leg"], c["status"],
                                     " %s" % c["findings"] if c["findings"] else "")
                        for c in expect["connections"])
    print("%-34s %s" % (name, summary), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prefix", default="ccesec-", help="network namespace name prefix")
    parser.add_argument("--out", required=True, help="test-captures folder")
    parser.add_argument("--roles", required=True, help="roles CSV")
    parser.add_argument("--only", help="record only scenarios whose name starts with this")
    args = parser.parse_args()
    roles = capture_facts.load_roles(args.roles)
    workdir = tempfile.mkdtemp(prefix=args.prefix + "lab-")  # one lab's own work folder
    try:
        lab = Lab(args.prefix, workdir)
        if not args.only:  # a partial run keeps the CA of the captures it leaves alone
            shutil.copy(lab.ca.cert, os.path.join(args.out, "ca.pem"))
        for name, description, body, why in all_scenarios(lab):
            if not args.only or name.startswith(args.only):
                record(lab, name, description, body, args.out, roles, why)
    finally:
        if os.environ.get("CCESEC_LAB_KEEP"):  # to look at a capture that failed its checks
            print("scenarios: work files kept in %s" % workdir, file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
