# SPDX-License-Identifier: GPL-2.0-or-later
"""Hand-built DER and TLS 1.2 handshake messages for the adversarial captures.

The certificates are signed for real with the lab CA's key (openssl dgst), so a real TLS
stack accepts them; only their shape is hostile (a 64 KB CN). The broken DER (deeply
nested, truncated, lying lengths) is sent by a raw server as the certificate of a
hand-built Certificate message. Stdlib + the openssl command line.
"""

import datetime
import os
import struct
import subprocess

SEQUENCE, SET, INTEGER, NULL, OID, UTF8STRING, BITSTRING, OCTETSTRING = (
    0x30, 0x31, 0x02, 0x05, 0x06, 0x0C, 0x03, 0x04)
SHA256_WITH_RSA = "1.2.840.113549.1.1.11"
COMMON_NAME = "2.5.4.3"
SUBJECT_ALT_NAME = "2.5.29.17"
MAX_RECORD = 16384


def der_length(length):
    if length < 0x80:
        return bytes([length])
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag, body):
    return bytes([tag]) + der_length(len(body)) + body


def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([parts[0] * 40 + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.insert(0, 0x80 | (part & 0x7F))
            part >>= 7
        body += bytes(chunk)
    return tlv(OID, body)


def name(common_name):
    attribute = tlv(SEQUENCE, oid(COMMON_NAME) + tlv(UTF8STRING, common_name.encode()))
    return tlv(SEQUENCE, tlv(SET, attribute))


def read_tlv(data, offset):
    """(tag, start of value, end of value) of the DER element at offset."""
    tag, first = data[offset], data[offset + 1]
    if first < 0x80:
        return tag, offset + 2, offset + 2 + first
    count = first & 0x7F
    length = int.from_bytes(data[offset + 2:offset + 2 + count], "big")
    start = offset + 2 + count
    return tag, start, start + length


def subject_of(cert_der):
    """The subject Name DER of a certificate (to use as the issuer of what it signs)."""
    _, tbs_start, _ = read_tlv(cert_der, 0)
    _, offset, _ = read_tlv(cert_der, tbs_start)
    fields = []
    while len(fields) < 6:
        _, value_start, value_end = read_tlv(cert_der, offset)
        fields.append((offset, value_end))
        offset = value_end
    start, end = fields[5]  # [0] version, serial, signature, issuer, validity, subject
    return cert_der[start:end]


def _openssl(*args, data=None):
    return subprocess.run(["openssl"] + list(args), input=data, capture_output=True,
                          check=True).stdout


def pem_to_der(path):
    return _openssl("x509", "-in", path, "-outform", "DER")


def der_to_pem(der):
    return _openssl("x509", "-inform", "DER", "-outform", "PEM", data=der)


def utc_time(when):
    return tlv(0x17, when.strftime("%y%m%d%H%M%SZ").encode())


def issue_leaf(ca, common_name, dns_name, folder):
    """A leaf certificate for any CN (no 64-byte limit), SAN dNSName=dns_name, signed with
    SHA-256 by the lab CA (pki.CertAuthority). Returns (cert PEM path, key path)."""
    key = os.path.join(folder, "adv-leaf-%d.key" % len(common_name))
    _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key)
    spki = _openssl("pkey", "-in", key, "-pubout", "-outform", "DER")
    now = datetime.datetime.now(datetime.timezone.utc)
    algorithm = tlv(SEQUENCE, oid(SHA256_WITH_RSA) + tlv(NULL, b""))
    san = tlv(SEQUENCE, tlv(0x82, dns_name.encode()))
    extensions = tlv(SEQUENCE, tlv(SEQUENCE, oid(SUBJECT_ALT_NAME) + tlv(OCTETSTRING, san)))
    serial = tlv(INTEGER, b"\x01" + os.urandom(7))  # positive, 8 bytes
    validity = tlv(SEQUENCE, utc_time(now - datetime.timedelta(days=1)) +
                   utc_time(now + datetime.timedelta(days=365)))
    issuer = subject_of(pem_to_der(ca.cert))
    tbs = tlv(SEQUENCE, tlv(0xA0, tlv(INTEGER, b"\x02")) + serial + algorithm + issuer + validity +
              name(common_name) + spki + tlv(0xA3, extensions))
    tbs_path = os.path.join(folder, "adv-tbs.der")
    with open(tbs_path, "wb") as handle:
        handle.write(tbs)
    signature = _openssl("dgst", "-sha256", "-sign", os.path.join(ca.dir, "ca.key"), tbs_path)
    cert = tlv(SEQUENCE, tbs + algorithm + tlv(BITSTRING, b"\0" + signature))
    path = os.path.join(folder, "adv-leaf-%d.pem" % len(common_name))
    with open(path, "wb") as handle:
        handle.write(der_to_pem(cert))
    return path, key


def issue_chain(ca, length, leaf_name, folder):
    """A chain of `length` certificates under the lab CA: leaf, then length-1 intermediate
    CAs (EC P-256). Returns (chain PEM path: leaf first, leaf key path)."""
    ext = os.path.join(folder, "chain.ext")
    with open(ext, "w") as handle:
        handle.write("[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n"
                     "[leaf]\nbasicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:%s\n"
                     "extendedKeyUsage=serverAuth,clientAuth\n" % leaf_name)
    parent_cert, parent_key = ca.cert, os.path.join(ca.dir, "ca.key")
    pems = []
    for depth in range(1, length + 1):
        is_leaf = depth == length
        key = os.path.join(folder, "chain%02d.key" % depth)
        cert = os.path.join(folder, "chain%02d.pem" % depth)
        if is_leaf:
            _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                     "-out", key)
        else:
            _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-out", key)
        subject = "/CN=" + (leaf_name if is_leaf else "ccesec chain CA %02d" % depth)
        csr = _openssl("req", "-new", "-key", key, "-subj", subject)
        _openssl("x509", "-req", "-CA", parent_cert, "-CAkey", parent_key, "-set_serial",
                 str(5000 + depth), "-days", "400", "-sha256", "-extfile", ext,
                 "-extensions", "leaf" if is_leaf else "ca", "-out", cert, data=csr)
        pems.append(cert)
        parent_cert, parent_key = cert, key
    chain = os.path.join(folder, "chain-%d.pem" % length)
    with open(chain, "wb") as out:
        for pem in reversed(pems):  # leaf first, then up to the lab CA
            with open(pem, "rb") as handle:
                out.write(handle.read())
    return chain, os.path.join(folder, "chain%02d.key" % length)


# ---- Broken DER ----

def nested_der(depth):
    body = tlv(NULL, b"")
    for _ in range(depth):
        body = tlv(SEQUENCE, body)
    return body


def lying_length_der():
    """An outer SEQUENCE claiming 4 GB, then a few bytes."""
    return b"\x30\x84\xff\xff\xff\xff" + bytes(range(64))


# ---- TLS 1.2 server flight, by hand ----

def u24(value):
    return struct.pack(">I", value)[1:]


def handshake(msg_type, body):
    return bytes([msg_type]) + u24(len(body)) + body


def records(content_type, payload, version=0x0303):
    out = b""
    for start in range(0, len(payload), MAX_RECORD):
        chunk = payload[start:start + MAX_RECORD]
        out += struct.pack(">BHH", content_type, version, len(chunk)) + chunk
    return out


def server_hello(cipher=0xC030):
    renegotiation_info = struct.pack(">HHB", 0xFF01, 1, 0)
    body = struct.pack(">H", 0x0303) + os.urandom(32) + b"\x00" + struct.pack(">HB", cipher, 0)
    body += struct.pack(">H", len(renegotiation_info)) + renegotiation_info
    return handshake(2, body)


def certificate_message(entries, list_length=None):
    """Certificate handshake message; each entry is (declared length or None, bytes)."""
    body = b""
    for declared, der in entries:
        body += u24(len(der) if declared is None else declared) + der
    total = len(body) if list_length is None else list_length
    return handshake(11, u24(total) + body)


def server_flight(cert_message):
    return records(22, server_hello() + cert_message + handshake(14, b""))
