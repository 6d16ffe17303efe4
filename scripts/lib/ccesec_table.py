# SPDX-License-Identifier: GPL-2.0-or-later
"""The statistics table of `tshark -q -z ccesec,legs[,FILTER]`, read from tshark's output.

The column names are not written down here: they come from the header line tshark prints,
which plugin/stats.c makes from its column list, made into keys ("Client role" ->
"client_role"). Standard library only.
"""
import re

TITLE = "CCE SIP Signalling Security:"
SECTIONS = ("Connections", "Expected legs")
FILTER_PREFIX = "Filter for statistics:"


def column_key(name):
    """'Client role' -> 'client_role', 'TLS version' -> 'tls_version'."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _cells(line):
    # every cell is printed as "VALUE |"; values never hold '|' (stats.c replaces it)
    return [cell.strip() for cell in line[:-1].split(" |")]


def parse(stdout):
    """Every table of the output, in the order tshark printed them (one per -z): a dict with
    "filter", "columns" (keys) and the rows of "Connections" and "Expected legs", each row a
    dict from column key to the text printed."""
    tables, table, section = [], None, None
    for line in stdout.splitlines():
        if line == TITLE:
            table = {"filter": "", "columns": [], SECTIONS[0]: [], SECTIONS[1]: []}
            tables.append(table)
            section = None
        elif table is None:
            continue
        elif line.startswith(FILTER_PREFIX):
            table["filter"] = line[len(FILTER_PREFIX):].strip()
        elif line in SECTIONS:
            section = line
        elif line.startswith("====="):
            table, section = None, None
        elif line.endswith("|") and not table["columns"]:
            table["columns"] = [column_key(name) for name in _cells(line)]
        elif section and line.endswith("|"):
            cells = _cells(line)
            if len(cells) == len(table["columns"]):
                table[section].append(dict(zip(table["columns"], cells)))
    return tables
