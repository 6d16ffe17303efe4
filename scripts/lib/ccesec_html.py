# SPDX-License-Identifier: GPL-2.0-or-later
"""The HTML report of ccesec-audit: one self-contained page for people who do not read tshark.

render(report, details, run_info) -> str. `report` is the audit's report (the JSON document);
`details` maps each capture file to {"evidence": {conn: {...}}, "provenance": {...}} (see
ccesec-audit); `run_info` holds the roles file, the versions and the time of the run.

The page carries no script, font or external reference: inline CSS and SVG only, and a
Content-Security-Policy that forbids loading anything. Every string that comes from the
capture (certificate names, reasons, addresses, file names) goes through esc(). The status of
a leg is shown as text, as a symbol and as a line pattern, never as colour alone, so it
survives a black-and-white printer. Standard library only.
"""
import datetime
import html
import re

# The legs of the call flow in the source document, drawn in the picture.
FLOW_LEGS = ["CUBE-CVP", "CVP-VVB", "CVP-CUCM", "CUBE-CUCM", "PHONE-CUCM"]

# Worst first: a leg with several connections shows its worst one.
STATUS_RANK = {"plaintext": 0, "failed": 1, "weak": 2, "unverified": 3, "pending": 4,
               "secure": 5}
STATUS_CLASSES = ("secure", "weak", "failed", "plaintext", "unverified", "not-seen")

# Plain words for people who are not network engineers.
STATUS_TEXT = {
    "secure": ("\u2714", "SECURE", "SIP signalling protected by TLS"),
    "weak": ("!", "WEAK", "TLS is used, but with protection below the required level"),
    "failed": ("\u2716", "FAILED", "the TLS connection was refused: calls cannot use it"),
    "plaintext": ("\u2716", "PLAINTEXT", "SIP signalling in clear text: readable on the network"),
    "unverified": ("?", "UNVERIFIED",
                   "TLS seen, but its start is not in the capture: cannot be proven"),
    "not-seen": ("\u2013", "NOT SEEN", "no connection on this leg in the capture"),
}

ROLE_TITLES = {
    "CUBE": "SIP gateway (ingress)",
    "CVP": "Call server (hub)",
    "VVB": "Voice browser (IVR)",
    "CUCM": "Call control",
    "PHONE": "Agent phones",
}

# The picture: box centres (x, y) in a 480-wide viewBox, the call flow of the source
# document (CUBE -> CVP -> VVB, CVP -> CUCM -> phones; CUBE keeps a connection to CUCM).
VIEW_W, VIEW_H = 480, 900
BOX_W, BOX_H = 150, 80
NODES = {"CUBE": (240, 110), "CVP": (385, 350), "CUCM": (95, 590), "VVB": (385, 640),
         "PHONE": (95, 835)}
# leg -> (start point, end point, badge centre); arrows follow the call.
EDGES = {
    "CUBE-CVP": ((275, 150), (355, 310), (317, 230)),
    "CUBE-CUCM": ((205, 150), (80, 550), (142, 350)),
    "CVP-CUCM": ((320, 390), (120, 550), (220, 470)),
    "CVP-VVB": ((385, 390), (385, 600), (385, 495)),
    "PHONE-CUCM": ((95, 630), (95, 795), (95, 712)),
}
BADGE_W = 150
LINE_H = 15

# The hook for the per-call strip (calls and media per call, when that work lands).
CALLS_HOOK = "ccesec:calls-hook"


def esc(value):
    """Any value, escaped for HTML text and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def ident(*parts):
    """An id built from capture index and leg names: letters, digits, '-' and '_' only."""
    return "-".join(re.sub(r"[^A-Za-z0-9_-]", "_", str(part)) for part in parts)


def status_class(status):
    if status in STATUS_TEXT:
        return status
    return "unverified"  # pending or anything new: not proven


def leg_status(connections):
    """Worst status of the connections on a leg, 'not-seen' when there are none."""
    if not connections:
        return "not-seen"
    worst = min(connections, key=lambda c: STATUS_RANK.get(c["status"], 3))
    return worst["status"]


def utc_text(epoch):
    if epoch is None:
        return "unknown"
    moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + "%03d UTC" % (moment.microsecond // 1000)


def cipher_lines(cipher, width=21):
    """An IANA cipher name cut at '_' into lines of at most width characters."""
    lines, line = [], ""
    for piece in re.split(r"(?<=_)", cipher):
        if line and len(line) + len(piece) > width:
            lines.append(line)
            line = ""
        line += piece
    if line:
        lines.append(line)
    return lines


def chip(status, text=None):
    cls = status_class(status)
    symbol, word, _ = STATUS_TEXT[cls]
    label = text or (word if cls == status or status == "not-seen" else status.upper())
    return '<span class="chip st-%s"><span aria-hidden="true">%s</span> %s</span>' % (
        cls, esc(symbol), esc(label))


# ---- the picture ---------------------------------------------------------------------


def _svg_defs():
    """Arrow heads and badge patterns, once per page (ids must be unique), in a hidden SVG."""
    markers = "".join(
        '<marker id="arrow-%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="13" '
        'markerHeight="13" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="head st-%s"/></marker>' % (cls, cls)
        for cls in STATUS_CLASSES)
    hatch = ('<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
             'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
             '<line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-opacity="0.18" '
             'stroke-width="3"/></pattern>'
             '<pattern id="dots" width="5" height="5" patternUnits="userSpaceOnUse">'
             '<rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1" '
             'fill="#000" fill-opacity="0.25"/></pattern>')
    return ('<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false">'
            '<defs>%s%s</defs></svg>' % (markers, hatch))


def _addresses(endpoint):
    """The address of 'addr:port' or '[v6]:port'."""
    if endpoint.startswith("["):
        return endpoint[1:endpoint.find("]")]
    return endpoint.rsplit(":", 1)[0] if ":" in endpoint else endpoint


def role_addresses(connections):
    """role -> sorted addresses that had that role in these connections."""
    roles = {}
    for conn in connections:
        for side in ("client", "server"):
            roles.setdefault(conn[side + "_role"], set()).add(_addresses(conn[side]))
    return {role: sorted(addrs) for role, addrs in roles.items()}


def _svg_node(role, addresses):
    cx, cy = NODES[role]
    x, y = cx - BOX_W // 2, cy - BOX_H // 2
    name = "Agent phones" if role == "PHONE" else role
    shown = addresses[:2]
    lines = [esc(a if len(a) <= 22 else a[:21] + "\u2026") for a in shown]
    if len(addresses) > 2:
        lines[-1] = "+%d more" % (len(addresses) - 1)
    if not addresses:
        lines = ["not in capture"]
    title = "%s (%s): %s" % (name, ROLE_TITLES[role],
                             ", ".join(addresses) if addresses else "no address seen")
    out = ['<g class="node%s" data-role="%s"><title>%s</title>' % (
        "" if addresses else " absent", esc(role), esc(title))]
    out.append('<rect x="%d" y="%d" width="%d" height="%d" rx="8"/>' % (x, y, BOX_W, BOX_H))
    out.append('<text x="%d" y="%d" class="role">%s</text>' % (cx, y + 22, esc(name)))
    out.append('<text x="%d" y="%d" class="what">%s</text>' % (
        cx, y + 38, esc(ROLE_TITLES[role] if role != "PHONE" else "Jabber / IP phones")))
    for index, line in enumerate(lines):
        out.append('<text x="%d" y="%d" class="addr">%s</text>' % (cx, y + 56 + index * 14, line))
    out.append("</g>")
    return "".join(out)


def _badge_lines(leg, status, connections):
    cls = status_class(status)
    symbol, word, _ = STATUS_TEXT[cls]
    lines = [("leg", leg), ("status", "%s %s" % (symbol, word if cls == status or
                                                 cls == "not-seen" else status.upper()))]
    if not connections:
        return lines
    worst = min(connections, key=lambda c: STATUS_RANK.get(c["status"], 3))
    if worst["transport"] != "tls":
        lines.append(("tls", "SIP over %s (no TLS)" % worst["transport"].upper()))
    else:
        lines.append(("tls", worst["tls_version"] or "TLS version unknown"))
        for part in cipher_lines(worst["cipher"] or "cipher unknown"):
            lines.append(("cipher", part))
    if len(connections) > 1:
        lines.append(("count", "%d connections" % len(connections)))
    return lines


def _edge_title(leg, status, connections):
    cls = status_class(status)
    head = "%s: %s" % (leg, STATUS_TEXT[cls][1] if cls == status else status)
    if not connections:
        return head + " \u2013 no connection on this leg in the capture"
    parts = ["#%d %s %s \u2192 %s %s, %s %s" % (
        c["conn"], c["client_role"], c["client"], c["server_role"], c["server"],
        c["tls_version"] or c["transport"].upper(), c["status"]) for c in connections]
    return "%s \u2013 %d connection%s: %s" % (head, len(connections),
                                             "" if len(connections) == 1 else "s",
                                             "; ".join(parts))


def _svg_edge(index, leg, status, connections, expected):
    (x1, y1), (x2, y2), (bx, by) = EDGES[leg]
    cls = status_class(status)
    lines = _badge_lines(leg, status, connections)
    height = len(lines) * LINE_H + 12
    top = by - height // 2
    path = "M%d,%d L%d,%d" % (x1, y1, x2, y2)
    if leg == "PHONE-CUCM":  # the call goes from CUCM to the phone
        path = "M%d,%d L%d,%d" % (x2, y2, x1, y1)
    out = ['<a href="#%s" class="edge st-%s" data-leg="%s" data-status="%s"%s>' % (
        ident("c%d" % index, "leg", leg), cls, esc(leg), esc(status.replace(" ", "-")),
        ' data-expected="yes"' if expected else "")]
    out.append("<title>%s</title>" % esc(_edge_title(leg, status, connections)))
    out.append('<path class="hit" d="%s"/>' % path)
    out.append('<path class="line" d="%s" marker-end="url(#arrow-%s)"/>' % (path, cls))
    out.append('<rect class="badge" x="%d" y="%d" width="%d" height="%d" rx="6"/>' % (
        bx - BADGE_W // 2, top, BADGE_W, height))
    for number, (kind, text) in enumerate(lines):
        out.append('<text x="%d" y="%d" class="b-%s">%s</text>' % (
            bx, top + 18 + number * LINE_H, kind, esc(text)))
    out.append("</a>")
    return "".join(out)


def render_picture(index, cap):
    connections = cap["connections"]
    addresses = role_addresses(connections)
    expected = {leg["leg"] for leg in cap["legs"] if leg["expected"]}
    out = ['<svg class="flow-svg" viewBox="0 0 %d %d" width="%d" height="%d" '
           'aria-labelledby="%s" xmlns="http://www.w3.org/2000/svg">' % (
               VIEW_W, VIEW_H, VIEW_W, VIEW_H, ident("c%d" % index, "svg-title"))]
    out.append('<title id="%s">CCE call flow: each line is a SIP signalling leg, marked with '
               'its verdict</title>' % ident("c%d" % index, "svg-title"))
    # The caller is outside the network ccesec looks at: a plain line to CUBE.
    out.append('<g class="caller"><rect x="185" y="4" width="110" height="24" rx="12"/>'
               '<text x="240" y="21">Caller (PSTN)</text>'
               '<path d="M240,28 L240,68" marker-end="url(#arrow-not-seen)"/></g>')
    for leg in FLOW_LEGS:
        on_leg = [c for c in connections if c["leg"] == leg]
        out.append(_svg_edge(index, leg, leg_status(on_leg), on_leg, leg in expected))
    for role in NODES:
        out.append(_svg_node(role, addresses.get(role, [])))
    out.append("</svg>")
    return "".join(out)


# ---- the words -------------------------------------------------------------------------


def headline(cap):
    """(ok, big line, detail line, problem list) of one capture."""
    expected = [leg for leg in cap["legs"] if leg["expected"]]
    secure = [leg for leg in expected if leg["verdict"] == "secure"]
    ok = cap["result"] == "pass"
    count = "%d of %d expected legs secure" % (len(secure), len(expected))
    problems = []
    for leg in cap["legs"]:
        on_leg = [c for c in cap["connections"] if c["leg"] == leg["leg"]]
        status = leg_status(on_leg)
        if status == "secure" or (status == "not-seen" and not leg["expected"]):
            continue
        problems.append((leg, status))
    problems.sort(key=lambda item: STATUS_RANK.get(item[1], 3))
    return ok, ("SECURE" if ok else "NOT SECURE"), count, problems


def _problem_item(index, leg, status):
    cls = status_class(status)
    note = STATUS_TEXT[cls][2]
    if not leg["expected"]:
        note += " (leg not required by this audit)"
    return '<li>%s <a href="#%s">%s</a>: %s</li>' % (
        chip(status), ident("c%d" % index, "leg", leg["leg"]), esc(leg["leg"]), esc(note))


def render_headline(index, cap, tag="p"):
    ok, big, count, problems = headline(cap)
    out = ['<div class="headline %s">' % ("pass" if ok else "fail")]
    out.append('<%s class="verdict"><span aria-hidden="true">%s</span> %s: %s</%s>' % (
        tag, "\u2714" if ok else "\u2716", esc(big), esc(count), tag))
    if problems:
        out.append('<ul class="problems">%s</ul>' % "".join(
            _problem_item(index, leg, status) for leg, status in problems))
    elif ok:
        out.append("<p>Every expected leg was seen in the capture and every connection on it "
                   "completed a TLS handshake with acceptable protection.</p>")
    out.append("</div>")
    return "".join(out)


def render_legs_summary(index, cap):
    rows = []
    for leg in cap["legs"]:
        on_leg = [c for c in cap["connections"] if c["leg"] == leg["leg"]]
        if not on_leg and not leg["expected"] and leg["leg"] not in FLOW_LEGS:
            continue
        status = leg_status(on_leg)
        seen = "%d connection%s" % (len(on_leg), "" if len(on_leg) == 1 else "s")
        rows.append('<tr><th scope="row"><a href="#%s">%s</a></th><td>%s</td><td>%s, %s</td>'
                    '</tr>' % (ident("c%d" % index, "leg", leg["leg"]), esc(leg["leg"]),
                               chip(status), "required" if leg["expected"] else "optional",
                               seen))
    return ('<table class="summary"><caption>Legs of the call flow</caption><thead><tr>'
            '<th scope="col">Leg</th><th scope="col">Verdict</th><th scope="col">In this '
            'audit</th></tr></thead><tbody>%s</tbody></table>' % "".join(rows))


def render_legend():
    items = []
    for cls in STATUS_CLASSES:
        symbol, word, meaning = STATUS_TEXT[cls]
        items.append('<li><svg class="key" viewBox="0 0 48 12" width="48" height="12" '
                     'aria-hidden="true"><path class="line st-%s" d="M2,6 L46,6"/></svg>'
                     '%s <span>%s</span></li>' % (cls, chip(cls), esc(meaning)))
    return ('<p class="legend-title">What the lines and words mean</p><ul class="legend">%s</ul>'
            % "".join(items))


def _yes_no(value):
    if value in (None, ""):
        return None
    return "yes" if value in (True, "1", "True", "TRUE", "yes") else "no"


def evidence_rows(conn, ev):
    """(label, value) rows of one connection's evidence; None values are left out."""
    transport = conn["transport"]
    mutual = _yes_no(ev.get("mutual_tls"))
    if mutual == "yes":
        mutual = "yes: client certificate %s" % (ev.get("client_cert_cn") or "without a CN")
    elif mutual == "no":
        mutual = "no: the server asked for a client certificate and got none"
    tls13 = conn.get("tls_version") == "TLS 1.3"
    if mutual is None and transport == "tls" and conn.get("tls_version"):
        mutual = ("not visible: TLS 1.3 encrypts the certificate request (audit with --keylog "
                  "to see it)" if tls13 else "no: the server did not ask for a client certificate")
    hidden_cert = None
    if transport == "tls" and tls13 and not ev.get("sha256"):
        hidden_cert = "not visible: TLS 1.3 encrypts it (audit with --keylog to see it)"
    validity = None
    if ev.get("not_before") or ev.get("not_after"):
        validity = "%s \u2013 %s" % (ev.get("not_before") or "?", ev.get("not_after") or "?")
    alert = ev.get("alert")
    if alert and ev.get("alert_sender"):
        alert = "%s, sent by %s" % (alert, ev["alert_sender"])
    subject = conn.get("cert_cn")
    if ev.get("san") and ev["san"] != subject:
        subject = "%s (also named: %s)" % (subject or "no CN", ev["san"])
    rows = [
        ("Client", "%s %s (role from %s)" % (conn["client_role"], conn["client"],
                                             ev.get("client_role_source") or "?")),
        ("Server", "%s %s (role from %s)" % (conn["server_role"], conn["server"],
                                             ev.get("server_role_source") or "?")),
        ("Transport", {"tls": "SIP over TLS", "tcp": "SIP over TCP, no TLS",
                       "udp": "SIP over UDP, no TLS"}.get(transport, transport)),
        ("TLS version", conn.get("tls_version")),
        ("Cipher suite", conn.get("cipher")),
        ("Certificate subject", subject or hidden_cert),
        ("Issuer", ev.get("issuer")),
        ("Valid", validity),
        ("SHA-256 fingerprint", ev.get("sha256")),
        ("Key, signature", ", ".join(x for x in (ev.get("key"), ev.get("signature")) if x)
         or None),
        ("Self-signed", _yes_no(ev.get("self_signed")) if ev.get("sha256") else None),
        ("Mutual TLS", mutual if transport == "tls" else None),
        ("Fatal alert", alert),
        ("Packets", "%d, from %.3f s to %.3f s into the capture" % (
            conn["packets"], conn["first_seen"], conn["last_seen"])),
    ]
    return [(label, value) for label, value in rows if value not in (None, "")]


def render_connection(conn, ev):
    rows = "".join('<dt>%s</dt><dd>%s</dd>' % (esc(label), esc(value))
                   for label, value in evidence_rows(conn, ev))
    return ('<div class="conn"><h5>Connection #%d %s</h5><dl class="ev">%s</dl>'
            '<p class="reason"><strong>%s</strong> %s</p></div>' % (
                conn["conn"], chip(conn["status"]), rows,
                "Finding:" if conn["status"] == "secure" else "Why, and what to change:",
                esc(conn["reason"])))


def _detail_order(cap, leg):
    """Legs that need work first (worst first), then the secure ones, then optional unseen."""
    status = leg_status([c for c in cap["connections"] if c["leg"] == leg["leg"]])
    if status == "not-seen":
        return 3.5 if leg["expected"] else 6
    return STATUS_RANK.get(status, 3)


def render_leg_details(index, cap, evidence):
    out = []
    for leg in sorted(cap["legs"], key=lambda leg: _detail_order(cap, leg)):
        on_leg = [c for c in cap["connections"] if c["leg"] == leg["leg"]]
        if not on_leg and not leg["expected"] and leg["leg"] not in FLOW_LEGS:
            continue
        status = leg_status(on_leg)
        meaning = STATUS_TEXT[status_class(status)][2]
        out.append('<article class="leg st-%s" id="%s" data-leg="%s" data-status="%s">' % (
            status_class(status), ident("c%d" % index, "leg", leg["leg"]), esc(leg["leg"]),
            esc(status)))
        out.append('<h4>%s %s</h4>' % (esc(leg["leg"]), chip(status)))
        note = "Required by this audit." if leg["expected"] else "Not required by this audit."
        if leg["leg"] not in FLOW_LEGS:
            note += " Not a leg of the standard call flow: check the roles of its addresses."
        out.append('<p>%s %s</p>' % (esc(meaning[0].upper() + meaning[1:] + "."), esc(note)))
        for conn in on_leg:
            out.append(render_connection(conn, evidence.get(conn["conn"], {})))
        out.append("</article>")
    return "".join(out)


def render_provenance(cap, prov, run_info):
    rows = [
        ("Capture file", cap["file"]),
        ("SHA-256 of the file", prov.get("sha256")),
        ("Packets", prov.get("packets")),
        ("First packet", utc_text(prov.get("first"))),
        ("Last packet", utc_text(prov.get("last"))),
        ("Roles file", run_info.get("roles") or
         "none: roles came from certificates and SIP headers"),
        ("TLS key log", run_info.get("keylog")),
    ]
    body = "".join('<dt>%s</dt><dd>%s</dd>' % (esc(label), esc(value))
                   for label, value in rows if value not in (None, ""))
    return '<dl class="ev prov">%s</dl>' % body


def render_capture_span(sid, prov):
    """One sentence on what the capture covers, beside the picture; details further down."""
    if prov.get("packets") is None:
        return ""
    return ('<p class="span">Read from %d packets captured from <span class="nowrap">%s</span> '
            'to <span class="nowrap">%s</span>. <a href="#%s-prov">Where this comes from</a>.</p>'
            % (
                prov["packets"], esc(utc_text(prov.get("first"))), esc(utc_text(prov.get("last"))),
                sid))


def calls_strip(index, cap):
    """The per-call strip: one row per call with its legs and media, when calls are known.

    Hook only: the audit does not know calls yet. When it does (cap["calls"]), draw one strip
    per call here; the page already leaves its place (see CALLS_HOOK in render_capture)."""
    return ""


def render_capture(index, cap, detail, run_info, total):
    evidence = detail.get("evidence", {})
    prov = detail.get("provenance", {})
    sid = ident("c%d" % index)
    out = ['<section class="capture" id="%s" aria-labelledby="%s-h">' % (sid, sid)]
    name = cap["file"].rsplit("/", 1)[-1]
    # numbered when there are several: two folders may hold captures of the same name
    number = " %d of %d:" % (index, total) if total > 1 else ""
    out.append('<h2 id="%s-h" class="capname">Capture%s <code>%s</code></h2>' % (
        sid, number, esc(name)))
    out.append(render_headline(index, cap))
    out.append('<div class="flow"><figure>%s<figcaption>The CCE call flow of this capture. '
               'Each line is one SIP signalling leg, with its verdict as a word, a symbol and '
               'a line pattern; select a line for its connections.</figcaption></figure>'
               '<div class="side">%s%s%s</div></div>' % (
                   render_picture(index, cap), render_legs_summary(index, cap),
                   render_legend(), render_capture_span(sid, prov)))
    out.append("<!-- %s: per-call strip goes here when calls land (calls_strip()) -->"
               % CALLS_HOOK)
    out.append(calls_strip(index, cap))
    # Named by heading and capture, so that several captures give unique landmarks.
    out.append('<section aria-labelledby="%s-legs %s-h"><h3 id="%s-legs">Evidence per leg</h3>'
               '<p class="fine">Legs that need work come first.</p>%s</section>' % (
                   sid, sid, sid, render_leg_details(index, cap, evidence)))
    out.append('<section aria-labelledby="%s-prov %s-h" class="provenance"><h3 id="%s-prov">'
               'Where this comes from</h3>%s</section>' % (
                   sid, sid, sid, render_provenance(cap, prov, run_info)))
    out.append("</section>")
    return "".join(out)


def render_overall(report):
    captures = report["captures"]
    failing = [cap for cap in captures if cap["result"] != "pass"]
    ok = not failing
    line = ("All %d captures: SECURE" % len(captures) if ok else
            "NOT SECURE: %d of %d captures fail" % (len(failing), len(captures)))
    items = "".join('<li>%s <a href="#%s">%s</a>: %s</li>' % (
        chip("secure" if cap["result"] == "pass" else "failed",
             "PASS" if cap["result"] == "pass" else "FAIL"),
        ident("c%d" % (i + 1)), esc(cap["file"].rsplit("/", 1)[-1]), esc(headline(cap)[2]))
        for i, cap in enumerate(captures))
    return ('<div class="headline %s"><p class="verdict"><span aria-hidden="true">%s</span> '
            '%s</p><ul class="problems">%s</ul></div>' % (
                "pass" if ok else "fail", "\u2714" if ok else "\u2716", esc(line), items))


def render_run(report, run_info):
    rows = [
        ("Expected legs", ", ".join(report["expected_legs"])),
        ("Made by", "ccesec-audit %s" % report["version"]),
        ("ccesec plugin", run_info.get("plugin")),
        ("Wireshark", run_info.get("wireshark")),
        ("Made at", run_info.get("generated")),
    ]
    body = "".join('<dt>%s</dt><dd>%s</dd>' % (esc(label), esc(value))
                   for label, value in rows if value)
    return ('<section aria-labelledby="run-h" class="provenance"><h2 id="run-h">How this report '
            'was made</h2><dl class="ev prov">%s</dl><p class="fine">Verdicts follow the rule '
            'of evidence: <em>secure</em> only when the capture shows a complete TLS handshake '
            'accepted by both sides; <em>unverified</em> when the evidence is not in the '
            'capture. Read with the capture and the roles file named above.</p></section>'
            % body)


def render(report, details, run_info):
    single = len(report["captures"]) == 1
    ok = report["result"] == "pass"
    if single:
        title_verdict = headline(report["captures"][0])
        title = "%s \u2013 %s" % (title_verdict[1], title_verdict[2])
    else:
        title = "SECURE" if ok else "NOT SECURE"
    body = []
    if not single:
        body.append(render_overall(report))
    for index, cap in enumerate(report["captures"], 1):
        body.append(render_capture(index, cap, details.get(cap["file"], {}), run_info,
                                   len(report["captures"])))
    body.append(render_run(report, run_info))
    return PAGE % {"title": esc("CCE SIP signalling security: " + title), "css": CSS,
                   "body": "".join(body), "result": "pass" if ok else "fail",
                   "layout": "one" if single else "many", "defs": _svg_defs()}


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ccesec-audit">
<title>%(title)s</title>
<style>%(css)s</style>
</head>
<body data-result="%(result)s" class="%(layout)s">
%(defs)s
<header><h1>Is the SIP signalling of the contact center encrypted?</h1>
<p class="sub">CCE call flow security report from a packet capture, by ccesec</p></header>
<main>
%(body)s
</main>
<footer><p>Made by ccesec-audit. This page loads nothing from the network; print it or keep
it with the capture as evidence.</p></footer>
</body>
</html>
"""

CSS = """
:root{--secure:#1a7f37;--weak:#9a4700;--failed:#b71c1c;--plaintext:#6a1b9a;
--unverified:#3949ab;--not-seen:#5f6368;--ink:#1f2328;--muted:#57606a;--line:#d0d7de}
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:var(--ink);background:#fff}
header,main,footer{max-width:1180px;margin:0 auto;padding:0 16px}
header{padding-top:12px}
h1{font-size:1.5rem;margin:.4em 0 0}
.sub{margin:.1em 0 1em;color:var(--muted)}
h2{font-size:1.25rem;margin:1.2em 0 .4em}
h3{font-size:1.1rem;margin:1.4em 0 .5em;border-bottom:1px solid var(--line)}
h4{font-size:1.05rem;margin:.2em 0 .3em}
h5{font-size:1rem;margin:.6em 0 .3em}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;overflow-wrap:anywhere}
a{color:#0a58ca}
.headline{border:3px solid;border-radius:8px;padding:10px 16px;margin:8px 0 16px}
.headline.pass{border-color:var(--secure);border-style:solid;background:#eef8f0}
.headline.fail{border-color:var(--failed);border-style:double;border-width:6px;background:#fdf0f0}
.verdict{font-size:1.45rem;font-weight:700;margin:.2em 0}
.problems{margin:.4em 0;padding-left:1.2em}
.problems li{margin:.3em 0}
.chip{display:inline-block;padding:0 .45em;border-radius:4px;font-weight:700;font-size:.85em;
color:#fff;white-space:nowrap;border:2px solid transparent;letter-spacing:.02em}
.chip.st-secure{background:var(--secure)}
.chip.st-weak{background:var(--weak);border-style:dashed;border-color:#fff}
.chip.st-failed{background:var(--failed);border-style:double;border-color:#fff;border-width:3px}
.chip.st-plaintext{background:var(--plaintext);border-style:dotted;border-color:#fff}
.chip.st-unverified{background:var(--unverified)}
.chip.st-not-seen{background:var(--not-seen)}
.flow{display:grid;grid-template-columns:minmax(0,500px) minmax(0,1fr);gap:24px;align-items:start}
figure{margin:0}
.defs{position:absolute;width:0;height:0;overflow:hidden}
figcaption{font-size:.85rem;color:var(--muted);margin-top:4px}
.flow-svg{width:100%;height:auto;max-width:500px;display:block}
.flow-svg text{text-anchor:middle;font-family:system-ui,"DejaVu Sans",sans-serif;fill:var(--ink)}
.node rect{fill:#f6f8fa;stroke:#24292f;stroke-width:1.5}
.node.absent rect{fill:#fff;stroke-dasharray:4 3;stroke:#8c959f}
.node .role{font-weight:700;font-size:15px}
.node .what{font-size:11px;fill:var(--muted)}
.node .addr{font-size:11.5px;font-family:ui-monospace,"DejaVu Sans Mono",monospace}
.caller rect{fill:#fff;stroke:#8c959f}
.caller text{font-size:11px;fill:var(--muted)}
.caller path{stroke:#8c959f;stroke-width:1.5;fill:none}
.edge .hit{stroke:transparent;stroke-width:22;fill:none;pointer-events:stroke}
.line{fill:none;stroke-width:4}
.line.st-secure,.edge.st-secure .line{stroke:var(--secure)}
.line.st-weak,.edge.st-weak .line{stroke:var(--weak);stroke-dasharray:10 5}
.line.st-failed,.edge.st-failed .line{stroke:var(--failed);stroke-dasharray:14 4 3 4}
.line.st-plaintext,.edge.st-plaintext .line{stroke:var(--plaintext);stroke-dasharray:2 5;stroke-linecap:round;stroke-width:5}
.line.st-unverified,.edge.st-unverified .line{stroke:var(--unverified);stroke-dasharray:6 6}
.line.st-not-seen,.edge.st-not-seen .line{stroke:#8c959f;stroke-dasharray:1 6;stroke-width:2;stroke-linecap:round}
.head{stroke:none}
.head.st-secure{fill:var(--secure)}.head.st-weak{fill:var(--weak)}.head.st-failed{fill:var(--failed)}
.head.st-plaintext{fill:var(--plaintext)}.head.st-unverified{fill:var(--unverified)}.head.st-not-seen{fill:#8c959f}
.badge{fill:#fff;stroke-width:2;stroke:currentColor}
.edge.st-secure{color:var(--secure)}.edge.st-weak{color:var(--weak)}.edge.st-failed{color:var(--failed)}
.edge.st-plaintext{color:var(--plaintext)}.edge.st-unverified{color:var(--unverified)}
.edge.st-not-seen{color:#8c959f}
.edge.st-failed .badge,.edge.st-plaintext .badge{fill:url(#hatch)}
.edge.st-weak .badge{fill:url(#dots)}
.legend-title{font-weight:700;margin:12px 0 4px}
.span{margin-top:16px;font-size:.95rem}
.nowrap{white-space:nowrap}
.edge.st-not-seen .badge{stroke-dasharray:3 3;stroke-width:1.5}
.edge.st-weak .badge{stroke-dasharray:8 4}
.edge.st-failed .badge,.edge.st-plaintext .badge{stroke-width:3}
.flow-svg .b-leg{font-weight:700;font-size:13px}
.flow-svg .b-status{font-weight:800;font-size:12.5px;fill:currentColor;letter-spacing:.04em}
.flow-svg .b-tls{font-size:12.5px}
.flow-svg .b-cipher{font-size:11px;font-family:ui-monospace,"DejaVu Sans Mono",monospace}
.flow-svg .b-count{font-size:11px;fill:var(--muted)}
.edge:hover .line,.edge:focus .line{stroke-width:7}
.edge:hover .badge,.edge:focus .badge{stroke-width:4}
.edge:focus{outline:none}
.edge:focus-visible .badge{stroke:#0a58ca;stroke-width:4}
.summary{border-collapse:collapse;width:100%;margin-bottom:12px}
.summary th a{white-space:nowrap}
.summary caption{text-align:left;font-weight:700;margin-bottom:4px}
.summary th,.summary td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left}
.legend{list-style:none;padding:0;margin:0;font-size:.9rem}
.legend li{margin:6px 0;display:grid;grid-template-columns:52px 8.6em 1fr;gap:8px;align-items:center}
.legend li > span:last-child{color:var(--muted)}
.legend .chip{justify-self:start}
.key{display:block}
.leg{border:1px solid var(--line);border-left:8px solid;border-radius:6px;padding:8px 14px;
margin:12px 0;break-inside:avoid}
.leg.st-secure{border-left-color:var(--secure)}
.leg.st-weak{border-left-color:var(--weak);border-left-style:dashed}
.leg.st-failed{border-left-color:var(--failed);border-left-style:double}
.leg.st-plaintext{border-left-color:var(--plaintext);border-left-style:dotted}
.leg.st-unverified{border-left-color:var(--unverified)}
.leg.st-not-seen{border-left-color:#8c959f}
.leg:target{box-shadow:0 0 0 3px #0a58ca}
.conn{border-top:1px dashed var(--line);padding-top:4px;margin-top:8px}
.ev{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 14px;margin:4px 0}
.ev dt{font-weight:600;color:var(--muted)}
.ev dd{margin:0;overflow-wrap:anywhere}
.reason{background:#f6f8fa;border-left:4px solid #8c959f;padding:6px 10px;margin:8px 0;
overflow-wrap:anywhere}
.provenance .ev dd{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9rem}
.fine{font-size:.85rem;color:var(--muted)}
footer{color:var(--muted);font-size:.85rem;padding:24px 16px}
@media (max-width:900px){
.flow{grid-template-columns:minmax(0,1fr)}
.flow-svg{margin:0 auto}
}
@media (max-width:560px){
body{font-size:15px}
.ev{grid-template-columns:minmax(0,1fr)}
.ev dd{margin-bottom:6px}
.verdict{font-size:1.2rem}
.legend li{grid-template-columns:52px 1fr}
.legend li > span:last-child{grid-column:1/-1}
}
@media print{
@page{size:A4;margin:14mm 12mm}
body{font-size:10.5pt}
header,main,footer{max-width:none;padding:0}
a{color:inherit;text-decoration:none}
.headline,.headline[class]{background:#fff}
.chip,.chip[class*="st-"]{color:#000;background:#fff;border-color:#000}
.flow{grid-template-columns:80mm 1fr;gap:8mm}
.flow-svg{max-width:80mm}
figure,.headline,.conn,.summary,.legend,.ev.prov{break-inside:avoid}
.leg{break-inside:auto}
.many .capture{break-before:page}
h3{break-after:avoid}
.reason{background:none}
}
"""
