# SPDX-License-Identifier: GPL-2.0-or-later
"""Read a capture back with tshark and say, per SIP connection, what is on the wire.

Shared by the capture generator (scripts/make-test-captures), which checks each capture
against what its scenario meant to produce, and by tests/integration/test_captures_match.py,
which checks the committed captures still say what their .expect.json files say.

Two tshark passes: one without the key log (what anybody sees in clear: handshake
messages, negotiated version and cipher, certificates, alerts, TCP sequence numbers, cut
frames), one with it (decrypted Finished messages, TLS 1.3 alerts and tickets, SIP). The
first keeps Wireshark's default (no out-of-order reassembly: a gap the capture never fills
does not hold back the rest of the stream); the second reassembles out-of-order segments, so
that a reordered flight is decrypted. The TCP
facts (segments the capture lacks, reordering, retransmission) are worked out here from the
raw sequence numbers, not from Wireshark's analysis flags. Stdlib only. No plugin is involved.
"""

import datetime
import functools
import re
import struct
import subprocess

SIP_PORTS = (5060, 5061)

CLEAR_FIELDS = [
    "frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
    "tcp.stream", "udp.stream", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport",
    "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset",
    "tls.record.content_type", "tls.handshake.type", "tls.handshake.version",
    "tls.handshake.extensions.supported_version", "tls.handshake.ciphersuite",
    "tls.alert_message.level", "tls.alert_message.desc", "tls.handshake.certificates_length",
    "tls.handshake.certificate", "sip.Method", "sip.Status-Code",
    "frame.cap_len", "frame.len", "tcp.seq_raw", "tcp.ack_raw", "tcp.len",
    "tls.record.opaque_type", "tls.record.length", "tls.record.version",
    "tls.handshake.session_id", "tls.handshake.session_ticket", "tls.handshake.extension.type",
    "tls.handshake.extensions.psk.identity.identity", "tls.app_data",
    "tls.handshake.extension.data",
]
DECRYPTED_FIELDS = [
    "frame.number", "tls.handshake.type", "tls.handshake.certificate", "sip.Method",
    "sip.Status-Code", "tls.record.content_type", "tls.alert_message.level",
    "tls.alert_message.desc", "tls.handshake.session_ticket",
]

TLS_VERSION_NAMES = {0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1",
                     0x0303: "TLS 1.2", 0x0304: "TLS 1.3"}
HS_CLIENT_HELLO, HS_SERVER_HELLO, HS_NEW_SESSION_TICKET, HS_CERTIFICATE = 1, 2, 4, 11
HS_CERT_REQUEST, HS_FINISHED = 13, 20
CT_CHANGE_CIPHER_SPEC, CT_ALERT, CT_APPLICATION_DATA = 20, 21, 23
ALERT_FATAL = 2
EXT_PRE_SHARED_KEY = 41
OLD_RECORD_VERSIONS = (0x0300, 0x0301, 0x0302)  # a record layer that proves SSL 3.0-TLS 1.1
# A SIP start line at the start of an application-data record: the record is not encrypted.
SIP_START_LINE = re.compile(rb"^(?:[A-Z]+ sips?:[^ ]+ SIP/2\.0|SIP/2\.0 [1-6][0-9][0-9] )")


class ToolError(RuntimeError):
    pass


def _run_tshark(args):
    proc = subprocess.run(["tshark"] + args, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ToolError("tshark %s failed: %s" % (" ".join(args), proc.stderr.strip()))
    return proc.stdout


@functools.lru_cache(maxsize=None)
def _value_names(field):
    """tshark's own value strings for a field (cipher suites, alert descriptions)."""
    names = {}
    for line in _run_tshark(["-G", "values"]).splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[0] == "V" and parts[1] == field:
            names[int(parts[2])] = parts[3]
    return names


def cipher_name(suite):
    return _value_names("tls.handshake.ciphersuite").get(suite, "0x%04x" % suite)


def alert_name(desc):
    """RFC spelling ("unknown_ca") from tshark's display name ("Unknown CA")."""
    shown = _value_names("tls.alert_message.desc").get(desc)
    return shown.lower().replace(" ", "_") if shown else "alert_%d" % desc


def _fields_table(capture, fields, keylog=None):
    reorder = "TRUE" if keylog else "FALSE"
    args = ["-r", capture, "-n", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
            "-E", "aggregator=|", "-Y", "tcp or udp.port in {5060, 5061}",  # not media
            "-o", "tcp.reassemble_out_of_order:" + reorder]
    # Without a key log, make sure no preference file can slip one in.
    args += ["-o", "tls.keylog_file:" + (keylog or "")]
    for name in fields:
        args += ["-e", name]
    rows = []
    for line in _run_tshark(args).splitlines():
        values = line.split("\t")
        values += [""] * (len(fields) - len(values))
        rows.append({name: [v for v in values[i].split("|") if v != ""]
                     for i, name in enumerate(fields)})
    return rows


def _ints(values):
    return [int(v, 0) for v in values]


def _first(values, default=None):
    return values[0] if values else default


# ---- Minimal DER reader: enough of X.509 for the facts the plugin checks ----

def _der_item(data, pos):
    """(tag, content_start, content_end) of the TLV at pos; bounds-checked."""
    if pos + 2 > len(data):
        raise ValueError("truncated DER")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise ValueError("bad DER length")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise ValueError("DER item overruns its container")
    return tag, pos, pos + length


def _der_children(data, start, end):
    children, pos = [], start
    while pos < end:
        tag, c_start, c_end = _der_item(data, pos)
        children.append((tag, c_start, c_end))
        pos = c_end
    return children


def _oid(raw):
    first = raw[0]
    parts, value = [first // 40, first % 40], 0
    for byte in raw[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


def _der_time(tag, raw):
    text = raw.decode("ascii").rstrip("Z")
    fmt = "%y%m%d%H%M%S" if tag == 0x17 else "%Y%m%d%H%M%S"
    stamp = datetime.datetime.strptime(text, fmt).replace(tzinfo=datetime.timezone.utc)
    return int(stamp.timestamp())


def _common_name(data, name_item):
    for _, s_start, s_end in _der_children(data, name_item[1], name_item[2]):
        for _, a_start, a_end in _der_children(data, s_start, s_end):
            oid_item, value_item = _der_children(data, a_start, a_end)[:2]
            if _oid(data[oid_item[1]:oid_item[2]]) == "2.5.4.3":
                return data[value_item[1]:value_item[2]].decode("utf-8", "replace")
    return None


def _dns_names(data, extensions_item):
    names = []
    seq = _der_children(data, extensions_item[1], extensions_item[2])[0]
    for _, e_start, e_end in _der_children(data, seq[1], seq[2]):
        parts = _der_children(data, e_start, e_end)
        if _oid(data[parts[0][1]:parts[0][2]]) != "2.5.29.17":
            continue
        octets = parts[-1]
        general_names = _der_children(data, octets[1], octets[2])[0]
        for tag, n_start, n_end in _der_children(data, general_names[1], general_names[2]):
            if tag == 0x82:  # [2] dNSName
                names.append(data[n_start:n_end].decode("ascii", "replace"))
    return names


SIG_HASHES = {"1.2.840.113549.1.1.4": "md5", "1.2.840.113549.1.1.5": "sha1",
              "1.2.840.113549.1.1.11": "sha256", "1.2.840.113549.1.1.12": "sha384",
              "1.2.840.113549.1.1.13": "sha512", "1.2.840.10045.4.1": "sha1",
              "1.2.840.10045.4.3.2": "sha256", "1.2.840.10045.4.3.3": "sha384"}


def _rsa_bits(data, spki_item):
    alg, key = _der_children(data, spki_item[1], spki_item[2])[:2]
    alg_oid = _der_children(data, alg[1], alg[2])[0]
    if _oid(data[alg_oid[1]:alg_oid[2]]) != "1.2.840.113549.1.1.1":
        return None
    bits = data[key[1] + 1:key[2]]  # skip the unused-bits octet
    modulus = _der_children(bits, *_der_item(bits, 0)[1:])[0]
    raw = bits[modulus[1]:modulus[2]].lstrip(b"\x00")
    return len(raw) * 8 - (8 - raw[0].bit_length()) if raw else 0


def parse_certificate(der):
    """Subject CN, SAN dNSNames, validity, RSA key size, signature hash, self-signed."""
    cert = _der_item(der, 0)
    tbs, sig_alg = _der_children(der, cert[1], cert[2])[:2]
    fields = _der_children(der, tbs[1], tbs[2])
    if fields[0][0] == 0xA0:  # explicit version
        fields = fields[1:]
    issuer, validity, subject, spki = fields[2], fields[3], fields[4], fields[5]
    not_before, not_after = [_der_time(t, der[s:e]) for t, s, e in
                             _der_children(der, validity[1], validity[2])]
    extensions = [f for f in fields[6:] if f[0] == 0xA3]
    sig_oid = _der_children(der, sig_alg[1], sig_alg[2])[0]
    oid = _oid(der[sig_oid[1]:sig_oid[2]])
    return {
        "cn": _common_name(der, subject),
        "dns_names": _dns_names(der, extensions[0]) if extensions else [],
        "not_before": not_before,
        "not_after": not_after,
        "rsa_bits": _rsa_bits(der, spki),
        "sig_hash": SIG_HASHES.get(oid, oid),
        "self_signed": der[issuer[1]:issuer[2]] == der[subject[1]:subject[2]],
    }


# ---- Per-connection facts ----

def _side_of(conn, src, sport):
    return "client" if (src, sport) == (conn["client"], conn["client_port"]) else "server"


def _new_conn(row, transport, src, dst, sport, dport):
    # The side that sent the SYN opened the connection. Without a SYN (a capture started
    # mid-stream) the well-known SIP port is the server; for UDP the first sender is the client.
    swap = False
    if transport == "tcp" and not (row["tcp.flags.syn"] == ["1"] and row["tcp.flags.ack"] == ["0"]):
        swap = sport in SIP_PORTS and dport not in SIP_PORTS
    if swap:
        src, dst, sport, dport = dst, src, dport, sport
    return {"transport": transport, "client": src, "client_port": sport, "server": dst,
            "server_port": dport, "first_frame": int(row["frame.number"][0]),
            "tls_records": False, "client_hello": False, "server_hello": False,
            "tls_version": None, "cipher": None, "server_cert": None, "client_cert": None,
            "cert_request": False, "client_cert_empty": False, "alert": None,
            "alert_sender": None, "ccs": set(), "finished": set(), "app_data": set(),
            "fin": set(), "rst": set(), "sip_in_clear": False, "sip_messages": [],
            "first_time": float(row["frame.time_epoch"][0]), "frames": [], "cut": False,
            "closer": None, "server_hello_cut": False, "server_sent_certificate": False,
            "psk_selected": False, "client_session_id": None, "server_session_id": None,
            "client_ext_data": [], "tickets_clear": [], "tickets_decrypted": [],
            "psk_identities": [], "app_record_versions": set(), "sip_in_records": False,
            "client_certificate_sent": None, "last_record": {},
            "tcp": {"client": [], "server": []}}


def _records(row):
    """(content type, opaque?, length, record version) of each TLS record of a frame. TLS 1.3
    encrypted records show only an opaque type, and come after the clear ones of a frame."""
    clear = [(t, False) for t in _ints(row["tls.record.content_type"])]
    opaque = [(t, True) for t in _ints(row["tls.record.opaque_type"])]
    lengths, versions = _ints(row["tls.record.length"]), _ints(row["tls.record.version"])
    return [(t, o, lengths[i] if i < len(lengths) else None,
             versions[i] if i < len(versions) else None)
            for i, (t, o) in enumerate(clear + opaque)]


def _note_tls(conn, side, row, frame):
    records = _records(row)
    frame["records"] = records
    if not records:
        return
    types = [t for t, opaque, _, _ in records if not opaque]
    conn["tls_records"] = True
    last_type, last_opaque, last_length, _ = records[-1]
    conn["last_record"][side] = ("opaque" if last_opaque else last_type, last_length)
    if CT_CHANGE_CIPHER_SPEC in types:
        conn["ccs"].add(side)
    if CT_APPLICATION_DATA in types:
        conn["app_data"].add(side)
    handshakes = _ints(row["tls.handshake.type"])
    frame["clear_handshakes"] = handshakes
    conn["client_hello"] |= HS_CLIENT_HELLO in handshakes
    if side == "client" and HS_CLIENT_HELLO in handshakes:
        conn["client_session_id"] = _first(row["tls.handshake.session_id"])
        # The session_ticket extension's data has no field of its own: keep every
        # extension's data, and look the issued tickets up in it.
        conn["client_ext_data"] = row["tls.handshake.extension.data"]
        conn["psk_identities"] = row["tls.handshake.extensions.psk.identity.identity"]
    if side == "server" and HS_SERVER_HELLO in handshakes:
        _note_server_hello(conn, row)
    if side == "server" and HS_CERT_REQUEST in handshakes:
        conn["cert_request"] = True
    if side == "server" and HS_CERTIFICATE in handshakes:
        conn["server_sent_certificate"] = True
    if side == "server" and HS_NEW_SESSION_TICKET in handshakes:
        conn["tickets_clear"] += row["tls.handshake.session_ticket"] or ["?"]
    if HS_CERTIFICATE in handshakes:
        _note_certificate(conn, side, row)
    _note_app_records(conn, row, records)
    _note_alert(conn, side, row, frame)


def _note_app_records(conn, row, records):
    """Application-data records read without the handshake: their record-layer version, and
    whether a SIP start line opens one (no encryption)."""
    for ctype, opaque, _, version in records:
        if ctype == CT_APPLICATION_DATA and not opaque and version is not None:
            conn["app_record_versions"].add(version)
    for data in row["tls.app_data"]:
        if SIP_START_LINE.match(bytes.fromhex(data.replace(":", ""))[:200]):
            conn["sip_in_records"] = True


def _note_server_hello(conn, row):
    conn["server_hello"] = True
    supported = _ints(row["tls.handshake.extensions.supported_version"])
    versions = _ints(row["tls.handshake.version"])
    cut = row["frame.cap_len"] != row["frame.len"]
    conn["server_hello_cut"] = cut
    # The legacy version field says 0x0303 in TLS 1.3 too: without the supported_versions
    # extension it proves the version only when the whole ServerHello is in the capture.
    version = supported[0] if supported else (None if cut else _first(versions))
    conn["tls_version"] = TLS_VERSION_NAMES.get(version, version)
    suites = _ints(row["tls.handshake.ciphersuite"])
    conn["cipher"] = cipher_name(suites[0]) if suites else None
    conn["psk_selected"] = EXT_PRE_SHARED_KEY in _ints(row["tls.handshake.extension.type"])
    conn["server_session_id"] = _first(row["tls.handshake.session_id"])


def _note_certificate(conn, side, row):
    certs = row["tls.handshake.certificate"]
    if certs:
        conn[side + "_cert"] = parse_certificate(bytes.fromhex(certs[0].replace(":", "")))
    elif side == "client" and "0" in row["tls.handshake.certificates_length"]:
        conn["client_cert_empty"] = True


def _note_alert(conn, side, row, frame):
    """Clear alerts, by frame; the handshake's alert is settled in _settle_alerts."""
    levels = _ints(row["tls.alert_message.level"])
    descs = _ints(row["tls.alert_message.desc"])
    frame["clear_alerts"] = list(zip(levels, descs))
    alert_records = sum(1 for t, opaque, _, _ in frame["records"] if t == CT_ALERT and not opaque)
    frame["encrypted_alerts"] = max(0, alert_records - len(levels))


def _endpoints(row):
    src = _first(row["ip.src"]) or _first(row["ipv6.src"])
    dst = _first(row["ip.dst"]) or _first(row["ipv6.dst"])
    if row["tcp.stream"]:
        return ("tcp", int(row["tcp.stream"][0]), src, dst, int(row["tcp.srcport"][0]),
                int(row["tcp.dstport"][0]))
    return ("udp", int(row["udp.stream"][0]), src, dst, int(row["udp.srcport"][0]),
            int(row["udp.dstport"][0]))


def _note_tcp(conn, side, row):
    if conn["transport"] != "tcp" or not row["tcp.seq_raw"]:
        return
    flags = {name: row["tcp.flags." + name] == ["1"] for name in ("syn", "fin", "reset", "ack")}
    conn["tcp"][side].append((int(row["tcp.seq_raw"][0]), int(_first(row["tcp.len"], "0")),
                              flags, int(row["tcp.ack_raw"][0]) if flags["ack"] else None))


def _clear_pass(capture):
    conns, by_frame = {}, {}
    for row in _fields_table(capture, CLEAR_FIELDS):
        transport, stream, src, dst, sport, dport = _endpoints(row)
        key = (transport, stream)
        if key not in conns:
            conns[key] = _new_conn(row, transport, src, dst, sport, dport)
        conn = conns[key]
        side = _side_of(conn, src, sport)
        number = int(row["frame.number"][0])
        frame = {"number": number, "time": float(row["frame.time_epoch"][0]), "side": side,
                 "records": [], "clear_alerts": [], "encrypted_alerts": 0,
                 "decrypted_types": [], "decrypted_alerts": []}
        conn["frames"].append(frame)
        by_frame[number] = (conn, side, frame)
        if row["frame.cap_len"] != row["frame.len"]:
            conn["cut"] = True
        if row["tcp.flags.fin"] == ["1"]:
            conn["fin"].add(side)
        if row["tcp.flags.reset"] == ["1"]:
            conn["rst"].add(side)
        if (row["tcp.flags.fin"] == ["1"] or row["tcp.flags.reset"] == ["1"]) \
                and conn["closer"] is None:
            conn["closer"] = side
        if row["sip.Method"] or row["sip.Status-Code"]:
            conn["sip_in_clear"] = True
        _note_tcp(conn, side, row)
        _note_tls(conn, side, row, frame)
    return conns, by_frame


def _decrypted_pass(capture, keylog, by_frame):
    for row in _fields_table(capture, DECRYPTED_FIELDS, keylog):
        conn, side, frame = by_frame[int(row["frame.number"][0])]
        handshakes = _ints(row["tls.handshake.type"])
        if HS_FINISHED in handshakes:
            conn["finished"].add(side)
        if side == "server" and HS_CERTIFICATE in handshakes:
            conn["server_sent_certificate"] = True
        if side == "client" and HS_CERTIFICATE in handshakes:
            conn["client_certificate_sent"] = bool(row["tls.handshake.certificate"])
        if side == "server" and HS_NEW_SESSION_TICKET in handshakes and \
                HS_NEW_SESSION_TICKET not in frame.get("clear_handshakes", []):
            conn["tickets_decrypted"] += row["tls.handshake.session_ticket"] or ["?"]
        if side == "server" and row["tls.handshake.certificate"] and not conn["server_cert"]:
            der = bytes.fromhex(row["tls.handshake.certificate"][0].replace(":", ""))
            conn["decrypted_server_cert"] = parse_certificate(der)
        frame["decrypted_types"] = _ints(row["tls.record.content_type"])
        frame["decrypted_alerts"] = list(zip(_ints(row["tls.alert_message.level"]),
                                             _ints(row["tls.alert_message.desc"])))
        conn["sip_messages"] += row["sip.Method"] + row["sip.Status-Code"]


# ---- TCP: what the capture lacks, what came out of order, what was sent twice ----

def _signed(delta):
    delta %= 1 << 32
    return delta - (1 << 32) if delta >= 1 << 31 else delta


def _direction_facts(segments, acks):
    """Holes, reordering and retransmission of one direction, from raw sequence numbers.
    segments: (seq, len, flags, ack) as captured; acks: the other side's ack numbers."""
    facts = {"holes": 0, "reordered": False, "retransmitted": False}
    if not segments:
        return facts
    syn = [seg for seg in segments if seg[2]["syn"]]
    base = (syn[0] if syn else segments[0])[0]
    covered = []  # (start, end) ranges seen, in arrival order
    high = None
    for seq, length, flags, _ in segments:
        start = _signed(seq - base)
        end = start + length + (1 if flags["syn"] else 0) + (1 if flags["fin"] else 0)
        if end == start:
            continue
        if _is_covered(covered, start, end):
            facts["retransmitted"] = True
        elif high is not None and start < high:
            facts["reordered"] = True
        covered.append((start, end))
        high = end if high is None else max(high, end)
    lowest = min(start for start, _ in covered) if covered else 0
    acked = [_signed(ack - base) for ack in acks if ack is not None]
    top = max([high or 0] + acked)
    facts["holes"] = len(_gaps(covered, lowest, top))
    return facts


def _is_covered(ranges, start, end):
    return not _gaps(ranges, start, end)


def _gaps(ranges, start, end):
    gaps, pos = [], start
    for r_start, r_end in sorted(ranges):
        if r_end <= pos:
            continue
        if r_start > pos:
            gaps.append((pos, min(r_start, end)))
        pos = max(pos, r_end)
        if pos >= end:
            break
    if pos < end:
        gaps.append((pos, end))
    return [g for g in gaps if g[0] < g[1]]


def _settle_tcp(conn):
    client = conn["tcp"]["client"]
    server = conn["tcp"]["server"]
    sides = {"client": _direction_facts(client, [seg[3] for seg in server]),
             "server": _direction_facts(server, [seg[3] for seg in client])}
    conn["segments_missing"] = any(f["holes"] for f in sides.values())
    conn["reordered"] = any(f["reordered"] for f in sides.values())
    conn["retransmitted"] = any(f["retransmitted"] for f in sides.values())
    conn["missing_by_side"] = {side: f["holes"] for side, f in sides.items()}


# ---- Alerts: during the handshake, or after it (both sides sent application data) ----

def _settle_alerts(conn):
    """The first fatal alert before application data flowed both ways is the handshake's
    (conn["alert"] when in clear, conn["encrypted_alert"] when only the key log reads it);
    the first one after is conn["post_alert"]."""
    app_sides, last_app = set(), None
    conn["encrypted_alert"] = conn["post_alert"] = conn["post_alert_keylog"] = None
    for frame in conn["frames"]:
        side = frame["side"]
        clear = [desc for level, desc in frame["clear_alerts"] if level == ALERT_FATAL]
        decrypted = [desc for level, desc in frame["decrypted_alerts"] if level == ALERT_FATAL]
        after = app_sides == {"client", "server"}
        if clear:
            if not after and conn["alert"] is None:
                conn["alert"], conn["alert_sender"] = alert_name(clear[0]), side
            elif after and conn["post_alert"] is None:
                conn["post_alert"] = {"sender": side, "alert": alert_name(clear[0])}
                conn["post_alert_delay"] = frame["time"] - last_app
        elif decrypted and (frame["encrypted_alerts"] or _opaque(frame)):
            name = alert_name(decrypted[0])
            if not after and conn["encrypted_alert"] is None:
                conn["encrypted_alert"] = {"sender": side, "alert": name}
            elif after and conn.get("post_alert_keylog") is None:
                # Encrypted after the handshake: without the key log it cannot be told from
                # a close_notify, so only the key log shows the abort.
                conn["post_alert_keylog"] = {"sender": side, "alert": name}
                conn["post_alert_decrypted"] = name
                conn["post_alert_delay"] = frame["time"] - last_app
        clear_app = any(t == CT_APPLICATION_DATA and not opaque
                        for t, opaque, _, _ in frame["records"])
        if clear_app or CT_APPLICATION_DATA in frame["decrypted_types"]:
            app_sides.add(side)
            last_app = frame["time"]
    # Decrypted: the key log gave an inner content type to some opaque (TLS 1.3) record.
    decrypted = any(len(f["decrypted_types"]) > sum(1 for r in f["records"] if not r[1])
                    for f in conn["frames"] if _opaque(f))
    if conn["tls_version"] == "TLS 1.3" and not decrypted and conn["encrypted_alert"] is None:
        conn["encrypted_alert"] = _tls13_refusal_without_keys(conn)


def _opaque(frame):
    return any(opaque for _, opaque, _, _ in frame["records"])


TLS13_ALERT_RECORD_MAX = 24  # 2 alert bytes + content type + 16-byte tag (+ a little padding)


def _tls13_refusal_without_keys(conn):
    """Without a key log, a TLS 1.3 server's refusal of the client's second flight: its only
    record after that flight is alert-sized, and then it closes."""
    frames = conn["frames"]
    flight = next((i for i, f in enumerate(frames) if f["side"] == "client" and _opaque(f)),
                  None)
    if flight is None or "server" not in conn["fin"] | conn["rst"]:
        return None
    records = [r for f in frames[flight + 1:] if f["side"] == "server" for r in f["records"]]
    if len(records) == 1 and records[0][1] and records[0][2] <= TLS13_ALERT_RECORD_MAX:
        return {"sender": "server", "alert": None}
    return None


# ---- Resumption: which earlier connection of the capture made the session ----

def _settle_resumption(ordered):
    for index, conn in enumerate(ordered):
        tls13 = conn["tls_version"] == "TLS 1.3"
        conn["resumed"] = conn["server_hello"] and (
            conn["psk_selected"] if tls13 else
            ("server" in conn["ccs"] and not conn["server_sent_certificate"]
             and not conn["server_hello_cut"]))
        conn["resumed_from"] = conn["resumed_from_decrypted"] = conn["resumed_by"] = None
        if not conn["resumed"]:
            continue
        for earlier in range(index - 1, -1, -1):
            full = ordered[earlier]
            if full["server"] != conn["server"] or full["server_port"] != conn["server_port"]:
                continue
            if not tls13 and set(conn["client_ext_data"]) & set(full["tickets_clear"]):
                conn["resumed_from"], conn["resumed_by"] = earlier, "ticket"
                break
            if not tls13 and conn["server_session_id"] and \
                    conn["server_session_id"] == full["server_session_id"]:
                conn["resumed_from"], conn["resumed_by"] = earlier, "session_id"
                break
            if tls13 and set(conn["psk_identities"]) & set(full["tickets_decrypted"]):
                conn["resumed_from_decrypted"] = earlier
                break
        if conn["resumed_from"] is not None:  # the certificate checked in that handshake
            conn["server_cert"] = ordered[conn["resumed_from"]]["server_cert"]


def _settle_midstream(conn):
    """Without a handshake, only the record layer tells a version (below TLS 1.2)."""
    if conn["client_hello"] or conn["server_hello"]:
        return
    old = sorted(v for v in conn["app_record_versions"] if v in OLD_RECORD_VERSIONS)
    if old:
        conn["tls_version"] = TLS_VERSION_NAMES[old[0]]


def capture_snaplen(capture):
    """The snap length of the capture's first interface (pcapng IDB), or None."""
    with open(capture, "rb") as handle:
        data = handle.read(4096)
    if data[:4] != b"\x0a\x0d\x0d\x0a" or len(data) < 12:
        return None
    order = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    pos = 0
    while pos + 12 <= len(data):
        block_type, block_len = struct.unpack(order + "II", data[pos:pos + 8])
        if block_type == 1:
            return struct.unpack(order + "I", data[pos + 12:pos + 16])[0]
        if block_len < 12:
            return None
        pos += block_len
    return None


def read_connections(capture, keylog=None):
    """The SIP connections of a capture, ordered by first packet, each a dict of facts."""
    conns, by_frame = _clear_pass(capture)
    if keylog:
        _decrypted_pass(capture, keylog, by_frame)
    ordered = sorted(conns.values(), key=lambda c: c["first_frame"])
    snaplen = capture_snaplen(capture)
    for conn in ordered:
        if conn["transport"] == "tcp" and conn["tls_records"]:
            conn["transport"] = "tls"
        _settle_tcp(conn)
        _settle_alerts(conn)
        _settle_midstream(conn)
        conn["snaplen"] = snaplen if conn["cut"] else None
        conn["ended"] = bool(conn["fin"] or conn["rst"])
    _settle_resumption(ordered)
    for conn in ordered:
        cert = conn["server_cert"]
        conn["server_cert_cn"] = cert["cn"] if cert else None
    return ordered


# ---- The plugin's status rules, restated independently as an oracle ----

WEAK_CIPHER_WORDS = ("_NULL_", "_anon_", "EXPORT", "RC4", "DES", "MD5")


def cipher_is_weak(name):
    return any(word in name for word in WEAK_CIPHER_WORDS) or name.endswith("_NULL")


def cipher_is_legacy(name):
    return name.startswith("TLS_RSA_WITH_") or name.endswith("_CBC_SHA")


def _handshake_complete(conn):
    """Both sides accepted the handshake: both Finished messages read with the key log and
    no fatal alert during the handshake; for TLS 1.2 also application data from both sides
    (its records come only after both Finished; TLS 1.3 hides its handshake in them)."""
    if conn["alert"] or conn["encrypted_alert"]:
        return False
    if conn["finished"] == {"client", "server"}:
        return True
    return conn["tls_version"] != "TLS 1.3" and conn["app_data"] == {"client", "server"}


def _wildcard_match(pattern, name):
    """RFC 6125 6.4.3, as strict as browsers: '*' only as the whole left-most label, and it
    stands for exactly one label."""
    p_labels, n_labels = pattern.split("."), name.split(".")
    if len(p_labels) != len(n_labels) or len(p_labels) < 3:
        return False
    if p_labels[0] != "*" or "*" in ".".join(p_labels[1:]):
        return False
    return p_labels[1:] == n_labels[1:]


def _name_matches(cert, expected):
    """Every SAN dNSName counts; the CN only when there is none (RFC 6125)."""
    if expected is None:
        return True
    names = [n.lower() for n in (cert["dns_names"] or [cert["cn"] or ""])]
    wanted = expected.lower()
    return any(n == wanted or ("*" in n and _wildcard_match(n, wanted)) for n in names)


def _cert_findings(conn, expected_name):
    cert = conn["server_cert"] or conn.get("decrypted_server_cert")
    if not cert:
        return []
    now = conn["first_time"]
    checks = [("name_mismatch", not _name_matches(cert, expected_name)),
              ("cert_expired", not cert["not_before"] <= now <= cert["not_after"]),
              ("weak_key", cert["rsa_bits"] is not None and cert["rsa_bits"] < 2048),
              ("weak_signature", cert["sig_hash"] in ("sha1", "md5")),
              ("self_signed", cert["self_signed"])]
    return [name for name, fired in checks if fired]


def _tls_findings(conn, expected_name):
    findings = []
    complete = _handshake_complete(conn)
    if conn["alert"]:
        findings.append("alert")
    elif conn["encrypted_alert"]:
        findings.append("encrypted_alert")
    elif not complete and conn["ended"] and not conn["segments_missing"] and not conn["cut"]:
        findings.append("closed_early")  # a close right after a flight, nothing missing
    findings += _cert_findings(conn, expected_name)
    if conn["cert_request"] and conn["client_cert_empty"]:
        findings.append("client_cert_missing")
    if conn["tls_version"] in ("SSL 3.0", "TLS 1.0", "TLS 1.1"):
        findings.append("weak_version")
    cipher = conn["cipher"] or ""
    if cipher_is_weak(cipher):
        findings.append("weak_cipher")
    elif cipher and cipher_is_legacy(cipher):
        findings.append("legacy_cipher")  # a note; a weak cipher already says more
    if conn["post_alert"] and complete:
        findings.append("aborted")
    if conn["resumed"] and conn["resumed_from"] is None:
        findings.append("resumed")
    return findings


def _evidence_notes(conn):
    notes = []
    if conn["cut"]:
        notes.append("cut_frames")
    if conn["segments_missing"]:
        notes.append("segments_missing")
    return notes


def _midstream_findings(conn):
    """A connection whose handshake is older than the capture: what the records prove."""
    findings = []
    if conn["tls_version"] in ("SSL 3.0", "TLS 1.0", "TLS 1.1"):
        findings.append("weak_version")
    if conn["sip_in_records"]:
        findings.append("weak_cipher")  # SIP readable inside the records: a NULL cipher
    return findings


FAILING = {"alert", "encrypted_alert", "closed_early", "name_mismatch", "cert_expired",
           "client_cert_missing"}
WEAKENING = {"weak_version", "weak_cipher", "weak_key", "weak_signature"}


def expected_verdict(conn, expected_name):
    """(status, findings) the plugin's rules give this connection, in its final state."""
    notes = _evidence_notes(conn)
    if conn["transport"] != "tls":
        return ("plaintext" if conn["sip_in_clear"] else "unverified"), notes
    if not conn["client_hello"] and not conn["server_hello"]:
        findings = _midstream_findings(conn) + notes
        return ("weak" if WEAKENING & set(findings) else "unverified"), findings
    findings = _tls_findings(conn, expected_name) + notes
    if FAILING & set(findings):
        return "failed", findings
    if conn["cut"] or not _handshake_complete(conn):
        return "unverified", findings  # evidence missing, or still pending at the end
    if WEAKENING & set(findings):
        return "weak", findings
    return "secure", findings


def one_pass_status(conn, expected_name):
    """The status a single pass shows on the connection's last packet: a handshake still
    under way when the capture ends is 'pending' there, 'unverified' in the final state."""
    status, _ = expected_verdict(conn, expected_name)
    if (status == "unverified" and conn["transport"] == "tls" and conn["client_hello"]
            and not conn["ended"] and not conn["segments_missing"] and not conn["cut"]):
        return "pending"
    return status


OPTIONAL_KEYS = ["resumed", "post_alert", "snaplen", "closer", "one_pass_status"]
ALWAYS_WRITTEN = ["resumed", "post_alert", "snaplen"]  # present wherever they apply


def optional_facts(conn, expected_name):
    """The optional expectation keys as the capture shows them (None/False: not apply)."""
    return {"resumed": conn["resumed"], "post_alert": conn["post_alert"],
            "snaplen": conn["snaplen"], "closer": conn["closer"],
            "one_pass_status": one_pass_status(conn, expected_name)}


def jsonable(value):
    """A fact as JSON holds it: sets become sorted lists, tuples lists."""
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def intent_facts(conn, keys):
    """The facts a scenario's intent names (keys), as JSON: plain facts of the connection
    and a few derived ones (ticket count, the server's last record, the 7th SAN...)."""
    cert = conn["server_cert"] or conn.get("decrypted_server_cert") or {}
    names = cert.get("dns_names") or []
    derived = {
        "server_tickets": len(conn["tickets_clear"]) + len(conn["tickets_decrypted"]),
        "server_last_record": conn["last_record"].get("server"),
        "post_alert_late": (conn.get("post_alert_delay") or 0) >= 3.0,
        "server_san_7": names[6] if len(names) > 6 else None,
        "server_san_count": len(names),
    }
    return {key: jsonable(derived[key] if key in derived else conn.get(key)) for key in keys}


class _Roles(dict):
    def __missing__(self, address):
        return ("unknown", None)  # an address in no row, named as the plugin names it


def load_roles(path):
    """address -> (role, expected_name or None) from a roles CSV."""
    roles = _Roles()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            cols = [c.strip() for c in line.split(",")]
            roles[cols[0]] = (cols[1], cols[2] if len(cols) > 2 and cols[2] else None)
    return roles


LEG_ORDER = ["CUBE", "CVP", "VVB", "PHONE", "CUCM"]


def leg_name(role_a, role_b):
    order = sorted([role_a, role_b],
                   key=lambda r: LEG_ORDER.index(r) if r in LEG_ORDER else len(LEG_ORDER))
    return "%s-%s" % tuple(order)
