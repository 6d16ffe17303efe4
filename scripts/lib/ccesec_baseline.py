# SPDX-License-Identifier: GPL-2.0-or-later
"""The baseline of a site: what its legs looked like in a known-good capture.

`ccesec-audit --write-baseline FILE` writes it; `ccesec-watch --baseline FILE` compares
every judged connection with it. Per leg: the TLS versions, cipher suites and server
certificates (SHA-256 fingerprint, CN, expiry, server address) of its secure connections.
Standard library only.
"""
import datetime
import json
import os

KIND = "ccesec-baseline"
FORMAT = 1


class BaselineError(Exception):
    """The baseline file cannot be used: one line for the user."""


def _address(endpoint):
    """198.18.133.3:5061 -> 198.18.133.3; [2001:db8::3]:5061 -> 2001:db8::3."""
    if endpoint.startswith("["):
        return endpoint[1:endpoint.index("]")]
    return endpoint.rsplit(":", 1)[0]


def build(result, expect):
    """The baseline of one judged set (ccesec-audit's set result)."""
    legs = {}
    for conn in result["connections"]:
        if conn["status"] != "secure":
            continue
        leg = legs.setdefault(conn["leg"], {"tls_versions": [], "ciphers": [],
                                            "certificates": []})
        for key, value in (("tls_versions", conn.get("tls_version")),
                           ("ciphers", conn.get("cipher"))):
            if value and value not in leg[key]:
                leg[key].append(value)
        if conn.get("cert_sha256"):
            cert = {"server": _address(conn["server"]), "sha256": conn["cert_sha256"],
                    "cn": conn.get("cert_cn"), "not_after": conn.get("cert_not_after")}
            if cert not in leg["certificates"]:
                leg["certificates"].append(cert)
    expected = [leg for leg in expect if leg in legs] + sorted(
        leg for leg in legs if leg not in expect and "unknown" not in leg)
    return {"kind": KIND, "format": FORMAT,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds"),
            "source": result.get("files", [result["file"]]),
            "expected_legs": expected, "legs": legs}


def write(path, result, expect):
    baseline = build(result, expect)
    temporary = path + ".tmp"
    with open(temporary, "w") as handle:
        json.dump(baseline, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.replace(temporary, path)
    return baseline


def load(path):
    try:
        with open(path) as handle:
            baseline = json.load(handle)
    except (OSError, ValueError) as error:
        raise BaselineError("%s: cannot read the baseline: %s" % (path, error)) from None
    if not isinstance(baseline, dict) or baseline.get("kind") != KIND or not isinstance(
            baseline.get("legs"), dict):
        raise BaselineError("%s: not a ccesec baseline (write one with ccesec-audit "
                            "--write-baseline)" % path)
    return baseline


def drift(baseline, conn):
    """How a connection differs from the baseline of its leg: a list of (what, expected
    values, actual value). The TLS version and cipher count when the handshake completed
    (secure or weak), the certificate whenever one was seen. Empty when it matches or its
    leg is not in the baseline."""
    leg = baseline["legs"].get(conn.get("leg"))
    if not leg:
        return []
    found = []
    for what, key, expected in (("tls_version", "tls_version", leg["tls_versions"]),
                                ("cipher", "cipher", leg["ciphers"])):
        if conn.get("status") in ("secure", "weak") and conn.get(key) and expected and \
                conn[key] not in expected:
            found.append((what, expected, conn[key]))
    sha = conn.get("cert_sha256")
    if sha and leg["certificates"]:
        server = _address(conn["server"])
        known = [c["sha256"] for c in leg["certificates"] if c["server"] == server] or [
            c["sha256"] for c in leg["certificates"]]
        if sha not in known:
            found.append(("cert_sha256", known, sha))
    return found
