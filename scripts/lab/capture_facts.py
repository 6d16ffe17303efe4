# SPDX-License-Identifier: GPL-2.0-or-later
"""Read a capture back with tshark and say, per SIP connection, what is on the wire.

Shared by the capture generator (scripts/make-test-captures), which checks each capture
against what its scenario meant to produce, and by tests/integration/test_captures_match.py,
which checks the committed captures still say what their .expect.json files say.

Two tshark passes: one without the key log (what anybody sees in clear: handshake
messages, negotiated version and cipher, certificates, alerts), one with it (decrypted
Finished messages and SIP). Stdlib only. No plugin is involved.
"""

import datetime
import functools
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
]
DECRYPTED_FIELDS = [
    "frame.number", "tls.handshake.type", "tls.handshake.certificate", "sip.Method",
    "sip.Status-Code",
]

TLS_VERSION_NAMES = {0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1",
                     0x0303: "TLS 1.2", 0x0304: "TLS 1.3"}
HS_CLIENT_HELLO, HS_SERVER_HELLO, HS_CERTIFICATE = 1, 2, 11
HS_CERT_REQUEST, HS_FINISHED = 13, 20
CT_CHANGE_CIPHER_SPEC, CT_APPLICATION_DATA = 20, 23
ALERT_FATAL = 2


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
    args = ["-r", capture, "-n", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
            "-E", "aggregator=|", "-Y", "tcp or udp.port in {5060, 5061}"]  # not media
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
            "first_time": float(row["frame.time_epoch"][0])}


def _note_tls(conn, side, row):
    types = _ints(row["tls.record.content_type"])
    if not types:
        return
    conn["tls_records"] = True
    if CT_CHANGE_CIPHER_SPEC in types:
        conn["ccs"].add(side)
    if CT_APPLICATION_DATA in types:
        conn["app_data"].add(side)
    handshakes = _ints(row["tls.handshake.type"])
    conn["client_hello"] |= HS_CLIENT_HELLO in handshakes
    if side == "server" and HS_SERVER_HELLO in handshakes:
        _note_server_hello(conn, row)
    if side == "server" and HS_CERT_REQUEST in handshakes:
        conn["cert_request"] = True
    if HS_CERTIFICATE in handshakes:
        _note_certificate(conn, side, row)
    _note_alert(conn, side, row)


def _note_server_hello(conn, row):
    conn["server_hello"] = True
    supported = _ints(row["tls.handshake.extensions.supported_version"])
    versions = _ints(row["tls.handshake.version"])
    version = supported[0] if supported else _first(versions)
    conn["tls_version"] = TLS_VERSION_NAMES.get(version, version)
    suites = _ints(row["tls.handshake.ciphersuite"])
    conn["cipher"] = cipher_name(suites[0]) if suites else None


def _note_certificate(conn, side, row):
    certs = row["tls.handshake.certificate"]
    if certs:
        conn[side + "_cert"] = parse_certificate(bytes.fromhex(certs[0].replace(":", "")))
    elif side == "client" and "0" in row["tls.handshake.certificates_length"]:
        conn["client_cert_empty"] = True


def _note_alert(conn, side, row):
    levels = _ints(row["tls.alert_message.level"])
    descs = _ints(row["tls.alert_message.desc"])
    for level, desc in zip(levels, descs):
        if level == ALERT_FATAL and conn["alert"] is None:
            conn["alert"] = alert_name(desc)
            conn["alert_sender"] = side


def _endpoints(row):
    src = _first(row["ip.src"]) or _first(row["ipv6.src"])
    dst = _first(row["ip.dst"]) or _first(row["ipv6.dst"])
    if row["tcp.stream"]:
        return ("tcp", int(row["tcp.stream"][0]), src, dst, int(row["tcp.srcport"][0]),
                int(row["tcp.dstport"][0]))
    return ("udp", int(row["udp.stream"][0]), src, dst, int(row["udp.srcport"][0]),
            int(row["udp.dstport"][0]))


def _clear_pass(capture):
    conns, by_frame = {}, {}
    for row in _fields_table(capture, CLEAR_FIELDS):
        transport, stream, src, dst, sport, dport = _endpoints(row)
        key = (transport, stream)
        if key not in conns:
            conns[key] = _new_conn(row, transport, src, dst, sport, dport)
        conn = conns[key]
        side = _side_of(conn, src, sport)
        by_frame[int(row["frame.number"][0])] = (conn, side)
        if row["tcp.flags.fin"] == ["1"]:
            conn["fin"].add(side)
        if row["tcp.flags.reset"] == ["1"]:
            conn["rst"].add(side)
        if row["sip.Method"] or row["sip.Status-Code"]:
            conn["sip_in_clear"] = True
        _note_tls(conn, side, row)
    return conns, by_frame


def _decrypted_pass(capture, keylog, by_frame):
    for row in _fields_table(capture, DECRYPTED_FIELDS, keylog):
        conn, side = by_frame[int(row["frame.number"][0])]
        if HS_FINISHED in _ints(row["tls.handshake.type"]):
            conn["finished"].add(side)
        if side == "server" and row["tls.handshake.certificate"] and not conn["server_cert"]:
            der = bytes.fromhex(row["tls.handshake.certificate"][0].replace(":", ""))
            conn["decrypted_server_cert"] = parse_certificate(der)
        conn["sip_messages"] += row["sip.Method"] + row["sip.Status-Code"]


def read_connections(capture, keylog=None):
    """The SIP connections of a capture, ordered by first packet, each a dict of facts."""
    conns, by_frame = _clear_pass(capture)
    if keylog:
        _decrypted_pass(capture, keylog, by_frame)
    ordered = sorted(conns.values(), key=lambda c: c["first_frame"])
    for conn in ordered:
        if conn["transport"] == "tcp" and conn["tls_records"]:
            conn["transport"] = "tls"
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
    return conn["alert"] is None and conn["finished"] == {"client", "server"}


def _name_matches(cert, expected):
    names = [cert["cn"] or ""] + cert["dns_names"]
    return expected is None or expected.lower() in (n.lower() for n in names)


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
    if conn["alert"]:
        findings.append("alert")
    elif not _handshake_complete(conn):
        findings.append("closed_early")
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
    return findings


FAILING = {"alert", "closed_early", "name_mismatch", "cert_expired", "client_cert_missing"}
WEAKENING = {"weak_version", "weak_cipher", "weak_key", "weak_signature"}


def expected_verdict(conn, expected_name):
    """(status, findings) the plugin's rules give this connection."""
    if conn["transport"] != "tls":
        return ("plaintext" if conn["sip_in_clear"] else "unverified"), []
    if not conn["client_hello"] and not conn["server_hello"]:
        return "unverified", []
    findings = _tls_findings(conn, expected_name)
    if FAILING & set(findings):
        return "failed", findings
    if WEAKENING & set(findings):
        return "weak", findings
    return "secure", findings


def load_roles(path):
    """address -> (role, expected_name or None) from a roles CSV."""
    roles = {}
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
