# SPDX-License-Identifier: GPL-2.0-or-later
"""The events of ccesec-watch: one flat JSON object per line, and where the lines go.

Keys are flat, dotted and stable (ECS names where ECS has one: `@timestamp`, `event.*`,
`source.*`, `destination.*`, `tls.*`, `file.name`, `observer.hostname`; the rest under
`ccesec.*`), so Elastic/OpenSearch, Splunk (KV_MODE=json) and Loki (`| json`) read them
without a custom parser. The README documents every key. Standard library only.
"""
import datetime
import hashlib
import json
import os
import socket
import sys

SCHEMA = "1"
FACILITY_LOCAL0 = 16
# RFC 5424 severities per event action: what an on-call engineer should feel.
SEVERITY = {"connection-judged": 6, "leg-verdict-changed": 4, "cert-baseline-mismatch": 3,
            "tls-baseline-drift": 4, "cert-expiring": 4, "leg-missing": 4,
            "leg-seen-again": 5, "watch-started": 6, "watch-stopped": 6, "file-unreadable": 3,
            "files-lost": 3}
NOT_SECURE_SEVERITY = 3  # a connection judged plaintext, failed or weak is an error


def rfc3339(epoch):
    if epoch is None:
        return None
    stamp = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def split_endpoint(endpoint):
    """198.18.133.3:5061 -> (198.18.133.3, 5061); [2001:db8::3]:5061 -> (2001:db8::3, 5061)."""
    if not endpoint:
        return None, None
    if endpoint.startswith("["):
        address, _, port = endpoint[1:].partition("]:")
    else:
        address, _, port = endpoint.rpartition(":")
    return address, int(port) if port.isdigit() else None


def ecs_tls_version(text):
    """"TLS 1.2" -> ("1.2", "tls")."""
    if not text:
        return None, None
    protocol, _, number = text.partition(" ")
    return number or None, protocol.lower()


def ecs_sha256(text):
    return text.replace(":", "").upper() if text else None


def connection_fields(record):
    """The keys describing one judged connection (a ccesec_carry record)."""
    src_ip, src_port = split_endpoint(record.get("client"))
    dst_ip, dst_port = split_endpoint(record.get("server"))
    version, protocol = ecs_tls_version(record.get("tls_version"))
    return {
        "ccesec.conn": record.get("conn"), "ccesec.leg": record.get("leg"),
        "ccesec.status": record.get("status"), "ccesec.reason": record.get("reason"),
        "ccesec.transport": record.get("transport"),
        "ccesec.client.role": record.get("client_role"),
        "ccesec.server.role": record.get("server_role"),
        "source.ip": src_ip, "source.port": src_port,
        "destination.ip": dst_ip, "destination.port": dst_port,
        "tls.version": version, "tls.version_protocol": protocol,
        "tls.cipher": record.get("cipher"),
        "tls.server.hash.sha256": ecs_sha256(record.get("cert_sha256")),
        "tls.server.x509.subject.common_name": record.get("cert_cn"),
        "tls.server.not_after": rfc3339(record.get("cert_not_after")),
        "ccesec.alert": record.get("alert"),
        "ccesec.carried": bool(record.get("carried")),
        "ccesec.handshake_file": record.get("decided_in"),
        "ccesec.first_seen": rfc3339(record.get("first_seen")),
        "ccesec.last_seen": rfc3339(record.get("last_seen")),
        "ccesec.first_file": record.get("first_file"),
    }


def make_event(action, message, sequence, now, fields=None, severity=None):
    """One event: the common keys, then the caller's. None values are left out."""
    event = {"@timestamp": rfc3339(now), "event.kind": "event", "event.module": "ccesec",
             "event.dataset": "ccesec.watch", "event.action": action,
             "event.sequence": sequence,
             "event.severity": SEVERITY.get(action, 6) if severity is None else severity,
             "observer.hostname": socket.gethostname(), "ccesec.schema": SCHEMA,
             "message": message}
    event.update(fields or {})
    # the same event replayed after a crash (same sequence, same facts) keeps its id
    identity = json.dumps([action, sequence, event.get("ccesec.conn"), event.get("ccesec.leg"),
                           event.get("file.name"), event.get("ccesec.status"),
                           event.get("tls.server.hash.sha256")], sort_keys=True)
    event["event.id"] = hashlib.sha256(identity.encode()).hexdigest()[:24]
    return {key: value for key, value in event.items() if value is not None}


class RotatingFile:
    """Appends lines to a file; past max_bytes it becomes FILE.1 (FILE.2 ...) and a new
    FILE starts. The handle stays open between writes and is closed on close()."""

    def __init__(self, path, max_bytes=10 * 1024 * 1024, backups=5):
        self.path, self.max_bytes, self.backups = path, max_bytes, backups
        self.handle = open(path, "a", encoding="utf-8")

    def write(self, line):
        self.handle.write(line + "\n")
        self.handle.flush()
        if self.max_bytes and self.handle.tell() >= self.max_bytes:
            self._rotate()

    def _rotate(self):
        self.handle.close()
        for index in range(self.backups - 1, 0, -1):
            older = "%s.%d" % (self.path, index)
            if os.path.exists(older):
                os.replace(older, "%s.%d" % (self.path, index + 1))
        if self.backups > 0:
            os.replace(self.path, self.path + ".1")
        else:
            os.unlink(self.path)
        self.handle = open(self.path, "a", encoding="utf-8")

    def close(self):
        self.handle.close()


class Syslog:
    """RFC 5424 messages to the local syslog daemon's unix socket (/dev/log): MSGID is the
    event action, the JSON event is the MSG, PRI from facility and the event's severity."""

    def __init__(self, path="/dev/log", facility=FACILITY_LOCAL0, app="ccesec-watch"):
        self.path, self.facility, self.app = path, facility, app
        self.host = socket.gethostname()
        self.sock = None

    def _connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.connect(self.path)

    def format(self, event, line):
        pri = self.facility * 8 + int(event.get("event.severity", 6))
        return "<%d>1 %s %s %s %d %s - %s" % (pri, event["@timestamp"], self.host, self.app,
                                              os.getpid(), event["event.action"], line)

    def check(self):
        """At start: the socket must be there (a wrong path is a usage error)."""
        try:
            self._connect()
        except OSError as error:
            self.close()
            raise OSError("syslog socket %s: %s" % (self.path, error.strerror)) from None

    def write(self, event, line):
        """Sends; when the daemon is away (restarting) even after a reconnect, the event is
        dropped for syslog only, with one warning per outage: the other outputs and the
        state go on, so nothing is repeated later."""
        data = self.format(event, line).encode("utf-8")
        for attempt in (1, 2):
            try:
                if self.sock is None:
                    self._connect()
                self.sock.send(data)
                self.failing = False
                return
            except OSError as error:
                self.close()
                if attempt == 2 and not getattr(self, "failing", False):
                    self.failing = True
                    sys.stderr.write("ccesec-watch: syslog %s: %s; events are not sent "
                                     "there until it is back\n" % (self.path, error.strerror))

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class Outputs:
    """Every destination of the events: stdout, a rotated file, syslog."""

    def __init__(self, stream=None, path=None, max_bytes=0, backups=5, syslog=None):
        self.stream = stream
        self.file = RotatingFile(path, max_bytes, backups) if path else None
        self.syslog = Syslog(syslog) if syslog else None
        if self.syslog:
            self.syslog.check()

    def emit(self, event):
        line = json.dumps(event, sort_keys=False, ensure_ascii=False, separators=(",", ":"))
        if self.stream is not None:
            self.stream.write(line + "\n")
            self.stream.flush()
        if self.file:
            self.file.write(line)
        if self.syslog:
            self.syslog.write(event, line)

    def close(self):
        if self.file:
            self.file.close()
        if self.syslog:
            self.syslog.close()
