# SPDX-License-Identifier: GPL-2.0-or-later
"""Carry connection verdicts across the files of a capture set (a dumpcap ring buffer).

A SIP-over-TLS connection of a CCE site lives for days; its handshake is in one file of the
ring buffer and every later file shows it as `unverified`. This module keeps, per live
connection, the verdict proven in the file that held the handshake, and applies it to the
same connection in the later files. It holds only live connections: a connection leaves the
state `linger` seconds (capture time) after its close (FIN or RST) was seen -- the last
ACKs of a close may fall into the next file -- or when it has sent no packet for `grace`
seconds. Pure logic, standard library only: the caller reads the files
(ccesec_fileobs) and feeds one file's observations at a time, in capture order.

The rule of evidence: a carried verdict is applied only to a connection that is still
open, same transport and both endpoints, and whose own file proves nothing (`unverified`
or `pending`). A file that shows a handshake of its own is judged on its own.
"""

UNDECIDED = ("unverified", "pending")
# How far a TCP sequence number may move on between two files (data sent while nobody
# captured) and still be the same connection; a new connection's random initial sequence
# number lands in this window with a chance of 2**-6 per direction, both: 2**-12.
SEQ_AHEAD = 2 ** 26
SEQ_BEHIND = 2 ** 16  # retransmissions and overlapping segments
EVIDENCE = ("tls_version", "cipher", "cert_cn", "cert_sha256", "cert_not_after", "alert")


def connection_key(obs):
    """Transport and both endpoints, the same whichever side the file calls the client."""
    return "%s %s" % (obs["transport"], _ends(obs))


def _ends(obs):
    return " ".join(sorted((obs["client"], obs["server"])))


def _unknown(leg):
    return not leg or "unknown" in leg


class Carry:
    """The carried state of a capture set: live connections, by connection_key."""

    def __init__(self, grace=3600.0, linger=120.0):
        self.grace = float(grace)
        self.linger = min(float(linger), self.grace)
        self.live = {}  # key -> record
        self.next_id = 1

    # -- one file --
    def judge_file(self, label, observations, start=None):
        """Judge one file's observations (dicts, see ccesec_fileobs). Returns (seen, done):
        the records of the connections seen in this file as judged over the set (copies),
        and the records that left the state (closed, or idle beyond the grace time)."""
        observations = sorted(observations, key=lambda o: o["first_seen"])
        if start is None and observations:
            start = observations[0]["first_seen"]
        done = self.expire(start) if start is not None else []
        seen = []
        for obs in observations:
            if obs["status"] is None:
                self._bare_close(label, obs)
                continue
            key = connection_key(obs)
            record = self.live.get(key)
            if record is not None and not obs.get("continued") and \
                    not same_stream(record, obs):
                # The same ports, but TCP numbering that does not go on from the last
                # file: a new connection whose opening was not captured (a gap).
                done.append(self._finish(key, "replaced"))
                record = None
            if record is not None and obs["status"] not in UNDECIDED:
                if obs.get("continued"):
                    # The caller read the previous file again in front of this one (a
                    # handshake cut by the boundary): the same connection, now proven.
                    if record["decided_in"] is None:
                        self._decide(record, label, obs)
                elif obs["status"] == "plaintext":
                    # SIP in clear proves itself in every file: the same connection (its
                    # opening is not in view), and clear text outranks any earlier verdict.
                    if record["status"] != "plaintext":
                        self._decide(record, label, obs)
                else:
                    # A handshake of its own: a new connection on the same address pair
                    # and ports (or a renegotiation); the old one is over.
                    done.append(self._finish(key, "replaced"))
                    record = None
            if record is None:
                record = self._new(key, label, obs)
            else:
                self._continue(record, label, obs)
            if obs.get("closed") and not record["end"]:
                record["end"] = obs["closed"]
            seen.append(dict(record))
        return seen, done

    def pending(self):
        """Whether a live connection's handshake was cut by the end of the last file: the
        next file must then be read with the previous one in front (ccesec_fileobs.read)."""
        return any(rec["status"] == "pending" for rec in self.live.values())

    def expire(self, now):
        """Records idle for longer than the grace time at capture time `now` leave."""
        if now is None:
            return []
        gone = [key for key, rec in self.live.items()
                if now - rec["last_seen"] > (self.linger if rec["end"] else self.grace)]
        return [self._finish(key, self.live[key]["end"] or "idle") for key in gone]

    def finish(self):
        """The end of the set: every live record leaves (`open` unless its close was seen)."""
        return [self._finish(key, self.live[key]["end"] or "open") for key in list(self.live)]

    # -- records --
    def _new(self, key, label, obs):
        record = {"conn": self.next_id, "key": key}
        self.next_id += 1
        for name in ("leg", "client_role", "client", "server_role", "server", "transport",
                     "status", "reason") + EVIDENCE:
            record[name] = obs.get(name)
        record.update(packets=obs.get("packets", 0), first_seen=obs["first_seen"],
                      last_seen=obs["last_seen"], first_file=label, last_file=label,
                      decided_in=None if obs["status"] in UNDECIDED else label,
                      carried=False, end=None, seq_next=dict(obs.get("seq_next") or {}))
        self.live[key] = record
        return record

    def _continue(self, record, label, obs):
        record.setdefault("seq_next", {}).update(obs.get("seq_next") or {})
        record["packets"] += obs.get("packets", 0)
        record["last_seen"] = max(record["last_seen"], obs["last_seen"])
        record["last_file"] = label
        if record["decided_in"] is None:
            # Nothing proven yet: this file's view (still undecided) is as good as any.
            record["status"], record["reason"] = obs["status"], obs.get("reason")
        elif record["decided_in"] != label:
            record["carried"] = True
        if _unknown(record.get("leg")) and not _unknown(obs.get("leg")):
            for name in ("leg", "client_role", "server_role"):
                record[name] = obs.get(name)

    def _bare_close(self, label, obs):
        """A FIN/RST the plugin did not label (no payload in this file): closes a live one."""
        ends = _ends(obs)
        for key, record in self.live.items():
            if key.split(" ", 1)[1] == ends:
                record["end"] = record["end"] or obs["closed"]
                record["last_seen"] = max(record["last_seen"], obs["last_seen"])
                record["last_file"] = label

    def _decide(self, record, label, obs):
        for name in ("leg", "client_role", "server_role", "status", "reason") + EVIDENCE:
            record[name] = obs.get(name)
        record["decided_in"] = label

    def _finish(self, key, end):
        record = self.live.pop(key)
        record["end"] = end
        return record

    # -- persistence (ccesec-watch restarts from its state file) --
    def to_dict(self):
        return {"grace": self.grace, "linger": self.linger, "next_id": self.next_id,
                "live": list(self.live.values())}

    @classmethod
    def from_dict(cls, data):
        carry = cls(data.get("grace", 3600.0), data.get("linger", 120.0))
        carry.next_id = int(data.get("next_id", 1))
        for record in data.get("live", []):
            carry.live[record["key"]] = record
        return carry


def same_stream(record, obs):
    """Whether obs's TCP sequence numbers go on from where record's stopped, in every
    direction both saw (no numbers, as for UDP: nothing to contradict)."""
    last, first = record.get("seq_next") or {}, obs.get("seq_first") or {}
    for sender, seq in first.items():
        if sender in last:
            ahead = (seq - last[sender]) % 2 ** 32
            if SEQ_AHEAD < ahead < 2 ** 32 - SEQ_BEHIND:
                return False
    return True


def carried_reason(record):
    """The reason shown for a connection whose verdict comes from an earlier file."""
    if not record.get("carried") or not record.get("decided_in"):
        return record.get("reason")
    return "%s (handshake in %s; the connection stayed open since)" % (
        record.get("reason") or record["status"], record["decided_in"])
