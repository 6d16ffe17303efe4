# SPDX-License-Identifier: GPL-2.0-or-later
"""SIP endpoints of the CCE lab: hosts in network namespaces, SIP over TLS/TCP/UDP.

Every socket is created inside its host's network namespace (setns on the creating thread),
so the traffic really crosses the lab bridge where dumpcap records it. TLS is Python's ssl
module (OpenSSL). Stdlib only.
"""

import ctypes
import os
import random
import socket
import ssl
import threading
import time

CLONE_NEWNET = 0x40000000
IO_TIMEOUT = 10.0
STEP_PAUSE = 0.02  # lets each message leave as its own segment, in a readable order
_libc = ctypes.CDLL(None, use_errno=True)
_netns_lock = threading.Lock()


class Host:
    def __init__(self, name, role, netns, ipv4, ipv6, user_agent, cert_name, user):
        self.name, self.role, self.netns = name, role, netns
        self.ipv4, self.ipv6 = ipv4, ipv6
        self.user_agent, self.cert_name, self.user = user_agent, cert_name, user

    def address(self, family):
        return self.ipv6 if family == socket.AF_INET6 else self.ipv4


def _setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns(%s): %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


def socket_in(netns, family, kind):
    """A socket that lives in the named network namespace."""
    with _netns_lock:
        home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        try:
            _setns("/var/run/netns/" + netns)
            try:
                return socket.socket(family, kind)
            finally:
                if _libc.setns(home, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "cannot return to the home namespace")
        finally:
            os.close(home)


def run_both(client_fn, server_fn):
    """Run two blocking steps at once (a handshake, a close); return their exceptions."""
    errors = {}

    def server_side():
        try:
            server_fn()
        except Exception as exc:  # recorded and judged by the caller
            errors["server"] = exc

    thread = threading.Thread(target=server_side)
    thread.start()
    try:
        client_fn()
    except Exception as exc:
        errors["client"] = exc
    thread.join(IO_TIMEOUT * 2)
    if thread.is_alive():
        raise RuntimeError("server side did not finish")
    return errors


# ---- SIP messages ----

class SipMessage:
    def __init__(self, first_line, headers, body=""):
        self.first_line, self.headers, self.body = first_line, headers, body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def encode(self):
        lines = [self.first_line] + ["%s: %s" % kv for kv in self.headers]
        lines.append("Content-Length: %d" % len(self.body.encode()))
        return ("\r\n".join(lines) + "\r\n\r\n" + self.body).encode()

    @staticmethod
    def decode(data):
        head, _, body = data.decode().partition("\r\n\r\n")
        lines = head.split("\r\n")
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
        return SipMessage(lines[0], [h for h in headers if h[0] != "Content-Length"], body)


def _framed_length(buffer):
    """Bytes of the first complete SIP message in a stream buffer, or 0 if incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return 0
    length = 0
    for line in buffer[:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() in (b"content-length", b"l"):
            length = int(value.strip())
    total = end + 4 + length
    return total if len(buffer) >= total else 0


def sdp_body(host, family, rng):
    net = "IP6" if family == socket.AF_INET6 else "IP4"
    addr = host.address(family)
    session = rng.randint(1000, 9999)
    return ("v=0\r\no=%s %d %d IN %s %s\r\ns=SIP Call\r\nc=IN %s %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n"
            % ("CiscoSystemsSIP-GW-UserAgent" if host.role == "CUBE" else host.role,
               session, session + 1, net, addr, net, addr, rng.randrange(16384, 32766, 2)))


# ---- Connections ----

class Connection:
    """One client->server SIP connection (TLS, TCP or UDP) between two lab hosts."""

    def __init__(self, client, server, transport, family=socket.AF_INET, client_ctx=None,
                 server_ctx=None, server_hostname=None, session=None, bio_client=False,
                 split_second_flight=False):
        self.client, self.server, self.transport, self.family = client, server, transport, family
        self.client_ctx, self.server_ctx = client_ctx, server_ctx
        self.server_hostname = server_hostname
        self.session = session  # an earlier connection's TLS session, to resume
        self.tls_session = None  # this connection's session, kept at close
        self.session_reused = False
        self.bio_client = bio_client  # the client's TLS over a MemoryBIO: it owns the socket
        self.split_second_flight = split_second_flight
        self.port = 5061 if transport == "tls" else 5060
        self.socks = {}
        self.buffers = {"client": b"", "server": b""}
        self.errors = {}
        self.sent = []  # "INVITE", "100", ... in sending order

    def sent_by(self, side):
        host = self.client if side == "client" else self.server
        addr = host.address(self.family)
        return "[%s]" % addr if self.family == socket.AF_INET6 else addr

    # -- opening --
    def open(self):
        """Connect (and handshake). Returns True when both sides are ready for SIP."""
        if self.transport == "udp":
            return self._open_udp()
        listener = socket_in(self.server.netns, self.family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.server.address(self.family), self.port))
        listener.listen(1)
        client = socket_in(self.client.netns, self.family, socket.SOCK_STREAM)
        client.bind((self.client.address(self.family), 0))
        client.settimeout(IO_TIMEOUT)
        client.connect((self.server.address(self.family), self.port))
        listener.settimeout(IO_TIMEOUT)
        server, _ = listener.accept()
        listener.close()
        for sock in (client, server):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(IO_TIMEOUT)
        self.socks = {"client": client, "server": server}
        return self._handshake() if self.transport == "tls" else True

    def _open_udp(self):
        socks = {}
        for side, host in (("client", self.client), ("server", self.server)):
            sock = socket_in(host.netns, self.family, socket.SOCK_DGRAM)
            sock.bind((host.address(self.family), 5060))
            sock.settimeout(IO_TIMEOUT)
            socks[side] = sock
        self.socks = socks
        return True

    def _handshake(self):
        wrapped = {}

        def client_side():
            if self.bio_client:
                wrapped["client"] = BioTls(self.client_ctx, self.socks["client"],
                                           self.server_hostname, self.session,
                                           self.split_second_flight)
                return
            wrapped["client"] = self.client_ctx.wrap_socket(
                self.socks["client"], server_hostname=self.server_hostname,
                session=self.session)

        def server_side():
            wrapped["server"] = self.server_ctx.wrap_socket(self.socks["server"],
                                                            server_side=True)

        self.errors = run_both(client_side, server_side)
        if self.errors:
            self.abort()
            return False
        self.socks = wrapped
        self.session_reused = wrapped["client"].session_reused
        return True

    # -- messages --
    def send(self, side, message):
        """Send one SIP message from side; the other side reads and returns it."""
        peer = "server" if side == "client" else "client"
        data = message.encode()
        self.sent.append(message.first_line.split()[1 if side == "server" else 0])
        if self.transport == "udp":
            target = self.socks[peer].getsockname()[:2]
            self.socks[side].sendto(data, target)
            received, _ = self.socks[peer].recvfrom(65535)
        else:
            self.socks[side].sendall(data)
            received = self._read_message(peer)
        if received != data:
            raise RuntimeError("message arrived changed on %s -> %s" % (side, peer))
        time.sleep(STEP_PAUSE)
        return SipMessage.decode(received)

    def _read_message(self, side):
        while True:
            size = _framed_length(self.buffers[side])
            if size:
                message, self.buffers[side] = (self.buffers[side][:size],
                                               self.buffers[side][size:])
                return message
            chunk = self.socks[side].recv(65535)
            if not chunk:
                raise RuntimeError("connection closed while reading a SIP message")
            self.buffers[side] += chunk

    # -- closing --
    def close(self):
        """A clean close: TLS close_notify both ways, then FIN from client then server."""
        if self.transport == "udp":
            self.abort()
            return
        if self.transport == "tls":
            self.tls_session = self.socks["client"].session
            plain = {}

            def unwrap(side):
                return lambda: plain.__setitem__(side, self.socks[side].unwrap())

            errors = run_both(unwrap("client"), unwrap("server"))
            if errors:
                raise RuntimeError("TLS close failed: %r" % errors)
            self.socks = plain
        self.socks["client"].shutdown(socket.SHUT_WR)
        if self.socks["server"].recv(1) != b"":
            raise RuntimeError("unexpected data before FIN")
        self.socks["server"].shutdown(socket.SHUT_WR)
        self.socks["client"].recv(1)
        time.sleep(STEP_PAUSE)
        self.abort()

    def abort(self):
        for sock in self.socks.values():
            sock.close()
        self.socks = {}


class BioTls:
    """A TLS client over a MemoryBIO on a plain socket: the same OpenSSL, but the caller
    owns the bytes, so it can write a record of its own (an alert in clear) or change one
    (a corrupted record). The socket-like methods are those Connection uses."""

    def __init__(self, ctx, sock, server_hostname, session=None, split_second_flight=False,
                 first_data=None):
        self.raw = sock
        self.split = split_second_flight  # its second flight in two TCP segments
        self.flights = 0
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.incoming, self.outgoing, server_hostname=server_hostname,
                                session=session)
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self._flush()
                self._fill()
        if first_data:  # application data in the same write as the Finished
            self.tls.write(first_data)
        self._flush()

    @property
    def session(self):
        return self.tls.session

    @property
    def session_reused(self):
        return self.tls.session_reused

    def _flush(self):
        data = self.outgoing.read()
        if not data:
            return
        self.flights += 1
        if self.split and self.flights == 2 and len(data) > 40:
            # Cut inside the last record (Finished): one handshake record, two segments.
            self.raw.sendall(data[:-20])
            time.sleep(0.05)
            data = data[-20:]
        self.raw.sendall(data)

    def _fill(self):
        data = self.raw.recv(65535)
        if data:
            self.incoming.write(data)
        else:
            self.incoming.write_eof()

    def records(self, data):
        """The TLS records that carry data, not yet sent."""
        self.tls.write(data)
        return self.outgoing.read()

    def sendall(self, data):
        self.raw.sendall(self.records(data))

    def recv(self, size):
        while True:
            try:
                return self.tls.read(size)
            except ssl.SSLWantReadError:
                self._fill()
            except ssl.SSLZeroReturnError:
                return b""

    def unwrap(self):
        while True:
            try:
                self.tls.unwrap()
                break
            except ssl.SSLWantReadError:
                self._flush()
                self._fill()
        self._flush()
        return self.raw

    def close(self):
        self.raw.close()


# ---- Dialogs: requests from the client side, responses from the server side ----

class Dialog:
    """One SIP dialog (or out-of-dialog transaction) on a connection."""

    def __init__(self, conn, rng, from_user, to_user, guid=None):
        self.conn, self.rng, self.guid = conn, rng, guid
        self.from_user, self.to_user = from_user, to_user
        self.call_id = "%08X-%08X@%s" % (rng.getrandbits(32), rng.getrandbits(32),
                                         conn.sent_by("client").strip("[]"))
        self.from_tag = "%x" % rng.getrandbits(40)
        self.to_tag = None
        self.cseq = rng.randint(100, 200)
        self.last_request = None

    def _uri(self, user, side):
        params = ";transport=%s" % self.conn.transport
        return "sip:%s@%s:%d%s" % (user, self.conn.sent_by(side), self.conn.port, params)

    def _common(self, side):
        host = self.conn.client if side == "client" else self.conn.server
        headers = []
        if self.guid:
            headers.append(("Cisco-Guid", self.guid))
        ua_header = "User-Agent" if side == "client" else "Server"
        headers.append((ua_header, host.user_agent))
        return headers

    def request(self, method, with_sdp=False, new_cseq=True):
        if new_cseq and method != "ACK":
            self.cseq += 1
        conn = self.conn
        to_value = "<sip:%s@%s>" % (self.to_user, conn.sent_by("server"))
        if self.to_tag:
            to_value += ";tag=" + self.to_tag
        headers = [
            ("Via", "SIP/2.0/%s %s:%d;branch=z9hG4bK%x" % (conn.transport.upper(),
                                                          conn.sent_by("client"), conn.port,
                                                          self.rng.getrandbits(40))),
            ("From", "<sip:%s@%s>;tag=%s" % (self.from_user, conn.sent_by("client"),
                                             self.from_tag)),
            ("To", to_value),
            ("Call-ID", self.call_id),
            ("CSeq", "%d %s" % (self.cseq, method)),
            ("Contact", "<%s>" % self._uri(self.from_user, "client")),
            ("Max-Forwards", "70"),
        ] + self._common("client")
        if method == "REGISTER":
            headers.append(("Expires", "3600"))
        headers.append(("Allow", "INVITE, OPTIONS, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, "
                                 "SUBSCRIBE, NOTIFY, INFO, REGISTER"))
        body = ""
        if with_sdp:
            headers.append(("Content-Type", "application/sdp"))
            # with_sdp: True for a generated offer, or the SDP text itself
            body = with_sdp if isinstance(with_sdp, str) else sdp_body(conn.client, conn.family,
                                                                        self.rng)
        target = self._uri(self.to_user, "server")
        message = SipMessage("%s %s SIP/2.0" % (method, target), headers, body)
        self.last_request = conn.send("client", message)
        return self.last_request

    def respond(self, code, reason, with_sdp=False):
        req = self.last_request
        if code > 100 and not self.to_tag:
            self.to_tag = "%x" % self.rng.getrandbits(40)
        to_value = req.header("To")
        if code > 100 and ";tag=" not in to_value:
            to_value += ";tag=" + self.to_tag
        headers = [("Via", req.header("Via")), ("From", req.header("From")), ("To", to_value),
                   ("Call-ID", req.header("Call-ID")), ("CSeq", req.header("CSeq"))]
        if code > 100:
            headers.append(("Contact", "<%s>" % self._uri(self.to_user, "server")))
        headers += self._common("server")
        body = ""
        if with_sdp:
            headers.append(("Content-Type", "application/sdp"))
            body = with_sdp if isinstance(with_sdp, str) else sdp_body(
                self.conn.server, self.conn.family, self.rng)
        return self.conn.send("server", SipMessage("SIP/2.0 %d %s" % (code, reason), headers,
                                                   body))


def new_rng(seed):
    return random.Random(seed)
