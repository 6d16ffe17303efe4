# SPDX-License-Identifier: GPL-2.0-or-later
"""A throwaway PKI for the lab, made fresh each run with the openssl command line.

`openssl ca` (not `x509 -req`) signs the leaves because it alone in OpenSSL 3.0 can set
explicit validity dates (the expired-certificate scenario) and a per-certificate digest.
"""

import os
import subprocess

CA_CONFIG = """\
[ ca ]
default_ca = lab_ca
[ lab_ca ]
dir = {dir}
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir/issued
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
default_days = 825
policy = anything
unique_subject = no
copy_extensions = none
email_in_dn = no
[ anything ]
commonName = supplied
organizationName = optional
organizationalUnitName = optional
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = ${{ENV::LAB_SAN}}
"""


def _openssl(*args, env=None):
    proc = subprocess.run(["openssl"] + list(args), capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (args[0], proc.stderr.strip()))


class CertAuthority:
    """A CA in its own folder; issue() makes leaf key+certificate files."""

    def __init__(self, folder, name):
        self.dir = folder
        os.makedirs(os.path.join(folder, "issued"), exist_ok=True)
        open(os.path.join(folder, "index.txt"), "w").close()
        with open(os.path.join(folder, "serial"), "w") as handle:
            handle.write("1000\n")
        self.config = os.path.join(folder, "ca.cnf")
        with open(self.config, "w") as handle:
            handle.write(CA_CONFIG.format(dir=folder))
        self.cert = os.path.join(folder, "ca.pem")
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-sha256", "-nodes", "-days", "3650",
                 "-keyout", os.path.join(folder, "ca.key"), "-out", self.cert,
                 "-subj", "/O=ccesec lab/CN=" + name,
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    def issue(self, name, bits=2048, digest="sha256", start=None, end=None, sans=None):
        """Key and certificate for CN=name, with SAN dNSNames sans (default: name).
        Returns (cert, key) paths."""
        stem = os.path.join(self.dir, "%s-%d-%s%s%s" % (
            name.replace("*", "star"), bits, digest, "-old" if end else "",
            "-%dsan" % len(sans) if sans else ""))
        key, csr, cert = stem + ".key", stem + ".csr", stem + ".pem"
        _openssl("req", "-new", "-newkey", "rsa:%d" % bits, "-nodes", "-keyout", key,
                 "-out", csr, "-subj", "/CN=" + name)
        args = ["ca", "-batch", "-config", self.config, "-extensions", "leaf", "-md", digest,
                "-in", csr, "-out", cert, "-notext"]
        if start and end:
            args += ["-startdate", start, "-enddate", end]
        san = ",".join("DNS:" + n for n in (sans or [name]))
        _openssl(*args, env=dict(os.environ, LAB_SAN=san))
        return cert, key


def self_signed(folder, name):
    """A self-signed leaf certificate (CN and SAN = name). Returns (cert, key) paths."""
    key = os.path.join(folder, name + "-selfsigned.key")
    cert = os.path.join(folder, name + "-selfsigned.pem")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-sha256", "-nodes", "-days", "825",
             "-keyout", key, "-out", cert, "-subj", "/CN=" + name,
             "-addext", "subjectAltName=DNS:" + name,
             "-addext", "basicConstraints=critical,CA:FALSE",
             "-addext", "extendedKeyUsage=serverAuth,clientAuth")
    return cert, key
