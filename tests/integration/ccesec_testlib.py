# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers of the integration tests: run tshark with the plugin, read its output."""
import glob
import importlib.machinery
import importlib.util
import json
import os
import sys
import unittest
import xml.etree.ElementTree as ET

REPO = os.environ.get("CCESEC_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts", "lib"))
import ccesec_tshark  # noqa: E402

CAPTURES = os.path.join(REPO, "test-captures")
ROLES = os.path.join(REPO, "roles", "dcloud-lab.csv")
SHARED = os.environ.get("CCESEC_SHARED_DIR") or os.path.join(os.path.dirname(REPO), "shared")
REAL_CAPTURES = os.path.join(SHARED, "real-captures")

# ctest reports a test that exits with this code as Skipped (SKIP_RETURN_CODE in
# CMakeLists.txt), never as Passed.
SKIP_EXIT = 77

needs_real_captures = unittest.skipUnless(
    os.path.isdir(REAL_CAPTURES),
    "no real captures at %s: put a copy of the team's shared/ folder beside the clone, or "
    "name it in CCESEC_SHARED_DIR" % REAL_CAPTURES)


def under_ci():
    """CI=true: nothing may skip there, a skipped test is a test that did not run."""
    return os.environ.get("CI") == "true"


def main():
    """unittest.main for the integration tests, with an exit status ctest can tell apart:
    0 every test ran and passed, 1 a failure or error, SKIP_EXIT some test was skipped
    (its reason printed on a SKIPPED line) - or 1 instead when CI=true."""
    result = unittest.main(verbosity=2, exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    if not result.skipped:
        sys.exit(0)
    for test, reason in result.skipped:
        print("SKIPPED: %s: %s" % (test, reason), flush=True)
    # A skip in setUpClass is not a test case: the class's tests were not even counted.
    skipped_cases = [test for test, _ in result.skipped if isinstance(test, unittest.TestCase)]
    print("SKIPPED: what is named above did not run; %d other test(s) ran and passed" % (
        result.testsRun - len(skipped_cases)), flush=True)
    if under_ci():
        print("FAILED: %d test(s) skipped and CI=true: under CI every test must run"
              % len(result.skipped), flush=True)
        sys.exit(1)
    sys.exit(SKIP_EXIT)


def plugin_path():
    return os.environ.get("CCESEC_PLUGIN") or os.path.join(REPO, "build", "ccesec.so")


def load_script(name):
    """A script of scripts/ (no .py suffix) as a module, to reuse its functions."""
    path = os.path.join(REPO, "scripts", name)
    module_name = name.replace("-", "_")
    loader = importlib.machinery.SourceFileLoader(module_name, path)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(module_name, loader))
    loader.exec_module(module)
    return module


def expectations():
    """(name, expectations dict) for every bundled capture."""
    for path in sorted(glob.glob(os.path.join(CAPTURES, "*.expect.json"))):
        with open(path) as handle:
            yield os.path.basename(path)[:-len(".expect.json")], json.load(handle)


def endpoint(address, port):
    return "[%s]:%d" % (address, port) if ":" in address else "%s:%d" % (address, port)


class Packet:
    """The ccesec fields and expert items of one packet, from PDML."""

    def __init__(self, number, fields, experts):
        self.number = number
        self.fields = fields  # name -> list of shown values
        self.experts = experts  # list of (expert name, message)

    def get(self, name):
        values = self.fields.get(name)
        return values[0] if values else None


def _walk_fields(element, fields, experts):
    for child in element:
        if child.tag != "field":
            continue
        name = child.get("name", "")
        if name.startswith("ccesec.expert."):
            experts.append((name[len("ccesec.expert."):], child.get("showname", "")))
        elif name.startswith("ccesec."):
            fields.setdefault(name, []).append(child.get("show"))
        _walk_fields(child, fields, experts)


def parse_pdml(text):
    packets = []
    for packet in ET.fromstring(text).iter("packet"):
        number, fields, experts = None, {}, []
        for proto in packet.iter("proto"):
            if proto.get("name") == "geninfo":
                for field in proto.iter("field"):
                    if field.get("name") == "num":
                        number = int(field.get("show"))
            elif proto.get("name") == "ccesec":
                _walk_fields(proto, fields, experts)
        packets.append(Packet(number, fields, experts))
    return packets


def dissect(sandbox, capture, two_pass=True, roles=ROLES, keylog=None, extra=()):
    """PDML of the packets ccesec labels, parsed; raises on a tshark failure."""
    args = ["-n", "-r", sandbox.input(capture), "-Y", "ccesec", "-T", "pdml"]
    if two_pass:
        args.insert(0, "-2")
    if roles:
        args += ["-o", "ccesec.roles_file:" + sandbox.input(roles)]
    if keylog:
        args += ["-o", "tls.keylog_file:" + sandbox.input(keylog)]
    args += list(extra)
    result = sandbox.run(args)
    if result.returncode != 0:
        raise AssertionError("tshark failed (%d): %s" % (result.returncode, result.stderr))
    return parse_pdml(result.stdout), result.stderr


def by_connection(packets):
    conns = {}
    for packet in packets:
        conns.setdefault(int(packet.get("ccesec.conn")), []).append(packet)
    return conns


class SandboxTestCase(unittest.TestCase):
    """A test class sharing one tshark sandbox with the plugin (self.sandbox)."""

    @classmethod
    def setUpClass(cls):
        cls.sandbox = ccesec_tshark.Tshark(plugin_path())

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.close()
