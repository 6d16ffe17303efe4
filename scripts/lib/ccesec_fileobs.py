# SPDX-License-Identifier: GPL-2.0-or-later
"""One capture file's SIP connections as ccesec judges them: what ccesec_carry consumes.

Runs tshark with the plugin in two passes (`-2`: every packet shows its connection's final
state) and reduces the packets to one observation per connection: endpoints, roles, leg,
status, reason, TLS evidence, packets, first/last packet time (epoch seconds), and whether
the file shows its close (`fin` or `rst`). Standard library only.
"""
import calendar
import os
import re
import subprocess
import tempfile
import time

FIELDS = [  # (observation key, tshark field)
    ("conn", "ccesec.conn"), ("time", "frame.time_epoch"),
    ("transport", "ccesec.transport"), ("client", "ccesec.client.endpoint"),
    ("server", "ccesec.server.endpoint"), ("client_role", "ccesec.client.role"),
    ("server_role", "ccesec.server.role"), ("leg", "ccesec.leg"), ("status", "ccesec.status"),
    ("reason", "ccesec.reason"), ("tls_version", "ccesec.tls.version"),
    ("cipher", "ccesec.tls.cipher"), ("cert_cn", "ccesec.cert.cn"),
    ("cert_sha256", "ccesec.cert.sha256"), ("cert_not_after", "ccesec.cert.not_after"),
    ("alert", "ccesec.alert"), ("fin", "tcp.flags.fin"), ("rst", "tcp.flags.reset"),
    ("src4", "ip.src"), ("src6", "ipv6.src"), ("sport", "tcp.srcport"),
    ("dst4", "ip.dst"), ("dst6", "ipv6.dst"), ("dport", "tcp.dstport"),
    ("seq", "tcp.seq_raw"), ("tcplen", "tcp.len"),
    ("in_progress", "ccesec.handshake.in_progress"),
]
RAW = ("conn", "time", "fin", "rst", "src4", "src6", "sport", "dst4", "dst6", "dport", "seq",
       "tcplen")
# ccesec labels a connection it first meets mid-stream from its first SIP/TLS payload: a
# bare FIN or RST in a later file is read beside it, to see the close of a carried one.
DISPLAY_FILTER = "ccesec or tcp.flags.fin == 1 or tcp.flags.reset == 1"
MONTHS = {name: index for index, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
TIME_RE = re.compile(r"^(\w{3})\s+(\d+), (\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(\S*)$")
RING_RE = re.compile(r"^(?P<prefix>.*)_(?P<number>\d{5,})_(?P<stamp>\d{14})"
                     r"(?P<ext>\.[A-Za-z0-9.]+)$")


class ReadError(Exception):
    """tshark could not read the file: one line for the user."""


def absolute_time(text):
    """tshark's FT_ABSOLUTE_TIME ("Mar  1, 2029 12:18:01.000000000 UTC") as epoch seconds."""
    match = TIME_RE.match(text.strip()) if text else None
    if not match or match.group(1) not in MONTHS:
        return None
    month, day, year, hour, minute, second, zone = match.groups()
    fields = (int(year), MONTHS[month], int(day), int(hour), int(minute), int(second))
    if zone in ("UTC", "GMT", "Z"):
        return calendar.timegm(fields + (0, 0, 0))
    return time.mktime(fields + (0, 0, -1))


def ring_position(path):
    """(prefix, number, stamp) of a dumpcap ring-buffer file name, or None."""
    match = RING_RE.match(os.path.basename(path))
    if not match:
        return None
    return (os.path.join(os.path.dirname(path), match.group("prefix")) + match.group("ext"),
            int(match.group("number")), match.group("stamp"))


def set_order(paths):
    """Files of one set in capture order: ring-buffer number then time, else by name."""
    def key(path):
        ring = ring_position(path)
        return (0, ring[1], ring[2], path) if ring else (1, 0, "", path)
    return sorted(paths, key=key)


def ring_groups(paths):
    """Split paths into dumpcap ring buffers (same prefix) and single files, in order."""
    groups, singles = {}, []
    for path in paths:
        ring = ring_position(path)
        if ring:
            groups.setdefault(ring[0], []).append(path)
        else:
            singles.append(path)
    result = [set_order(files) for files in groups.values() if len(files) > 1]
    singles += [files[0] for files in groups.values() if len(files) == 1]
    return sorted(result, key=lambda files: files[0]) + [[path] for path in sorted(singles)]


def tshark_args(sandbox, path, roles=None, keylog=None):
    args = ["-n", "-2", "-r", sandbox.input(path), "-Y", DISPLAY_FILTER, "-T", "fields",
            "-E", "separator=/t", "-E", "occurrence=f"]
    for _, field in FIELDS:
        args += ["-e", field]
    if roles:
        args += ["-o", "ccesec.roles_file:" + sandbox.input(roles)]
    if keylog:
        args += ["-o", "tls.keylog_file:" + sandbox.input(keylog)]
    return args


def reduce_lines(lines, since=None):
    """Packets (tab-separated FIELDS) to observations, one per ccesec connection. Packets
    before `since` (the previous file, read again in front of this one) are not counted:
    they only mark their connection `continued` (the same connection as there). A FIN or
    RST of a connection ccesec did not label is an observation with status None."""
    conns = {}
    for line in lines:
        cells = line.rstrip("\n").split("\t")
        if len(cells) != len(FIELDS):
            continue
        row = dict(zip((name for name, _ in FIELDS), cells))
        stamp = float(row["time"])
        if not row["conn"]:
            row.update(_bare_close(row))
            if not row["conn"]:
                continue
        obs = conns.get(row["conn"])
        if obs is None:
            obs = {name: (row.get(name) or None) for name, _ in FIELDS if name not in RAW}
            # The file ended during the handshake: undecided here, the next file may finish
            # it (read with this one in front).
            if obs.pop("in_progress", None) in ("1", "True"):
                obs["status"] = "pending"
            obs.update(first_seen=None, last_seen=None, packets=0, closed=None,
                       continued=False)
            obs["cert_not_after"] = absolute_time(row["cert_not_after"])
            conns[row["conn"]] = obs
        if since is not None and stamp < since:
            obs["continued"] = True
            continue
        _track_sequence(obs, row)
        obs["packets"] += 1
        obs["first_seen"] = stamp if obs["first_seen"] is None else min(obs["first_seen"], stamp)
        obs["last_seen"] = stamp if obs["last_seen"] is None else max(obs["last_seen"], stamp)
        if row["rst"] in ("1", "True"):
            obs["closed"] = "rst"
        elif row["fin"] in ("1", "True") and obs["closed"] is None:
            obs["closed"] = "fin"
    return [obs for obs in conns.values() if obs["packets"]]


def _endpoint(address, port):
    return "[%s]:%s" % (address, port) if ":" in address else "%s:%s" % (address, port)


def _track_sequence(obs, row):
    """Per sending endpoint, the raw TCP sequence number of its first packet in this file
    and the one its last packet leads to: ccesec_carry checks that a connection's packets
    in the next file go on from there (a new connection on the same ports would not)."""
    src = row["src4"] or row["src6"]
    if not (src and row["sport"] and row["seq"].isdigit()):
        return
    sender = _endpoint(src, row["sport"])
    seq = int(row["seq"])
    following = (seq + int(row["tcplen"] or 0) + (row["fin"] in ("1", "True"))) % 2 ** 32
    obs.setdefault("seq_first", {}).setdefault(sender, seq)
    obs.setdefault("seq_next", {})[sender] = following


def _bare_close(row):
    """A FIN/RST packet outside any ccesec connection, keyed by its TCP ends."""
    src, dst = row["src4"] or row["src6"], row["dst4"] or row["dst6"]
    if not (src and dst and row["sport"] and row["dport"]):
        return {}
    return {"conn": "close %s %s" % (_endpoint(src, row["sport"]), _endpoint(dst, row["dport"])),
            "client": _endpoint(src, row["sport"]), "server": _endpoint(dst, row["dport"]),
            "status": None}


def read(sandbox, path, roles=None, keylog=None, before=None):
    """Observations of one file. `before`: the previous file of the set, read again in front
    of this one when a handshake there was cut by the file boundary (ccesec_carry's
    `pending`); its packets only link connections, they are not counted twice."""
    target, since = path, None
    if before:
        handle, target = tempfile.mkstemp(prefix="joined-", suffix=".pcapng", dir=sandbox.root)
        os.close(handle)
        merged = subprocess.run(["mergecap", "-a", "-w", target, before, path],
                                capture_output=True, text=True, check=False)
        since = first_packet_time(sandbox, path) if merged.returncode == 0 else None
        if since is None:
            os.unlink(target)
            target = path
        else:
            os.chmod(target, 0o644)
    try:
        proc = sandbox.popen(tshark_args(sandbox, target, roles, keylog),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with proc:
            observations = reduce_lines(proc.stdout, since)
            stderr = proc.stderr.read()
        if "problems in the roles configuration" in stderr:
            raise ReadError("%s: bad roles file:\n%s" % (roles, stderr.strip()))
        if proc.returncode != 0:
            lines = stderr.strip().splitlines()
            raise ReadError("%s: cannot read this capture: %s" % (
                path, lines[-1] if lines else "tshark exited with %d" % proc.returncode))
        return observations
    finally:
        if target != path:
            os.unlink(target)


def first_packet_time(sandbox, path):
    result = sandbox.run(["-n", "-r", sandbox.input(path), "-c", "1", "-T", "fields",
                          "-e", "frame.time_epoch"])
    text = result.stdout.strip()
    return float(text) if text else None


def judge_set(sandbox, carry, files, roles=None, keylog=None, jobs=1, pool=None):
    """Judge the files of one set in order with `carry`; yields (file, seen, done) per file.
    Files are read ahead `jobs` at a time on `pool`; a file that follows a cut handshake is
    read again with its predecessor in front. Memory: `jobs` files' observations."""
    ahead = {}
    for index, path in enumerate(files):
        for later in files[index:index + max(1, jobs)]:
            if later not in ahead:
                ahead[later] = (pool.submit(read, sandbox, later, roles, keylog) if pool
                                else None)
        future = ahead.pop(path)
        if index and carry.pending():
            if future:
                future.cancel()
            observations = read(sandbox, path, roles, keylog, before=files[index - 1])
        else:
            observations = future.result() if future else read(sandbox, path, roles, keylog)
        seen, done = carry.judge_file(path, observations)
        yield path, seen, done
