#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Names every test ctest did not run, with the reason the test printed, from ctest's JUnit
report (ctest --output-junit). ctest's own summary says only "(Skipped)".

Exit status: 0 no test skipped, or some did and CI is not "true"; 1 under CI=true when any
test did not run (nothing may skip in CI); 2 the report is missing or unreadable.
Usage: ctest_skips.py JUNIT.xml
"""
import os
import sys
import xml.etree.ElementTree as ET


def not_run(report):
    """(test name, reason lines) of every test that did not run."""
    for case in ET.parse(report).getroot().iter("testcase"):
        # "run" passed, "fail" failed (ctest's summary names those), "notrun" skipped or
        # not started, "disabled" switched off
        if case.get("status") in ("run", "fail"):
            continue
        output = case.findtext("system-out") or ""
        reasons = [line for line in output.splitlines() if line.startswith("SKIPPED:")]
        skipped = case.find("skipped")
        if not reasons and skipped is not None:
            reasons = [skipped.get("message", "")]
        yield case.get("name"), reasons or ["(the test printed no reason)"]


def main(argv):
    if len(argv) != 1:
        print("usage: ctest_skips.py JUNIT.xml", file=sys.stderr)
        return 2
    try:
        skipped = list(not_run(argv[0]))
    except (OSError, ET.ParseError) as error:
        print("ctest_skips: cannot read the ctest report %s: %s" % (argv[0], error),
              file=sys.stderr)
        return 2
    if not skipped:
        return 0
    print("\n%d test(s) did not run:" % len(skipped))
    for name, reasons in skipped:
        print("  %s" % name)
        for reason in reasons:
            print("      %s" % reason)
    if os.environ.get("CI") == "true":
        print("CI=true: every test must run; a skipped test fails the run.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
