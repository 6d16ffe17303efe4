#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Verdicts of one ccesec build on every bundled capture, and their comparison between builds.

Used by scripts/check-wiresharks, inside each Debian root:
  collect REPO PLUGIN OUT.json   ccesec-audit --format json (lab roles, the capture's key log
                                 when it has one) on test-captures/*.pcapng and
                                 test-captures/adversarial/*.pcapng; every connection's leg,
                                 roles, endpoints, status, TLS version, cipher, certificate
                                 CN, reason and packet counts, per capture
  compare REF.json REF_NAME OTHER.json OTHER_NAME
                                 the two must be identical; else the differences, by path
Standard library only.
"""
import concurrent.futures
import glob
import json
import os
import subprocess
import sys


def captures(repo):
    found = []
    for pattern in ("test-captures/*.pcapng", "test-captures/adversarial/*.pcapng"):
        found += sorted(glob.glob(os.path.join(repo, pattern)))
    return found


def audit(repo, plugin, capture):
    args = [sys.executable, os.path.join(repo, "scripts", "ccesec-audit"), "--plugin", plugin,
            "--roles", os.path.join(repo, "roles", "dcloud-lab.csv"), "--format", "json",
            "--jobs", "1"]
    keys = capture[:-len(".pcapng")] + ".keys"
    if os.path.isfile(keys):
        args += ["--keylog", keys]
    result = subprocess.run(args + [capture], capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):  # 1 is the audit's own FAIL verdict
        return {"error": "exit %d: %s" % (result.returncode, result.stderr.strip())}
    report = json.loads(result.stdout)
    for cap in report["captures"]:
        cap.pop("file", None)  # the path differs between roots
        # When a call's SIP was last seen depends on which frame a release's TCP reassembly
        # completes a retransmitted message in: a time, not a verdict (calls and legs stay).
        for call in cap.get("calls", []):
            call.pop("first_seen", None)
            call.pop("last_seen", None)
    return report


def collect(repo, plugin, out):
    paths = captures(repo)
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        reports = list(pool.map(lambda c: audit(repo, plugin, c), paths))
    verdicts = {os.path.relpath(c, repo): r for c, r in zip(paths, reports)}
    with open(out, "w") as handle:
        json.dump(verdicts, handle, indent=1, sort_keys=True)
    errors = {name: r["error"] for name, r in verdicts.items() if "error" in r}
    for name, error in sorted(errors.items()):
        print("ERROR %s: %s" % (name, error))
    print("%d captures audited with %s, %d errors" % (len(verdicts), plugin, len(errors)))
    return 0 if verdicts and not errors else 1


def differences(path, old, new):
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            yield from differences(path + "." + key, old.get(key), new.get(key))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new)):
            yield from differences("%s[%d]" % (path, index), a, b)
    elif old != new:
        yield "%s: %r -> %r" % (path, old, new)


def leg_summary(report):
    legs = report.get("captures", [{}])[0].get("legs", [])
    return ", ".join("%s %s" % (leg["leg"], leg["verdict"]) for leg in legs
                     if leg["verdict"] != "not seen")


def compare(ref_file, ref_name, other_file, other_name):
    with open(ref_file) as handle:
        ref = json.load(handle)
    with open(other_file) as handle:
        other = json.load(handle)
    connections = sum(len(c.get("connections", [])) for r in ref.values()
                      for c in r.get("captures", []))
    print("%d captures, %d connections: %s (reference) vs %s" % (
        len(ref), connections, ref_name, other_name))
    for name in sorted(ref):
        print("  %-50s %-5s %s" % (name, ref[name].get("result", "?"), leg_summary(ref[name])))
    diffs = list(differences("", ref, other))
    if not ref or connections == 0:
        print("no verdicts to compare")
        return 1
    if diffs:
        print("DIFFERENT verdicts (%s -> %s), %d:" % (ref_name, other_name, len(diffs)))
        print("\n".join("  " + d for d in diffs[:80]))
        return 1
    print("identical: every connection's leg, roles, status, version, cipher, certificate, "
          "reason and packet counts")
    return 0


if __name__ == "__main__":
    COMMANDS = {"collect": (collect, 3), "compare": (compare, 4)}
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS or \
            len(sys.argv) - 2 != COMMANDS[sys.argv[1]][1]:
        sys.exit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]][0](*sys.argv[2:]))
