#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The HTML report (ccesec-audit --format html) in a real browser.

Renders the report of bundled captures (all secure, CVP-CUCM in clear, TLS 1.0, unknown CA,
mid-stream, mutual TLS) and checks, with the expectations of each capture's scenario (its
.expect.json, or tshark without the plugin, or openssl) as the truth:

- in the DOM headless Chromium builds (--dump-dom): every leg of the call flow has one edge
  with the right data-status, its status as words, its connections in a tooltip and a link
  to its evidence; the headline counts the secure expected legs; the evidence (certificate
  issuer, validity, fingerprint, mutual TLS) and the provenance (SHA-256, packets, first and
  last packet, roles file, versions) are those of the capture;
- nothing is requested from the network while the page loads: a Content-Security-Policy
  that forbids it, no http(s) reference in the source, and Chromium's net log shows no
  request made by the page (a control page with an external image shows one);
- screenshots at 1280 and 390 pixels wide and an A4 PDF (pdfinfo, pdftotext) are made;
  there is no horizontal scrolling at either width;
- the page is valid HTML5 with no accessibility error for html-validate (npm, offline, its
  recommended and a11y presets) and for axe-core (npm, run inside Chromium on a copy of the
  page);
- strings off the wire are escaped.

Needs chromium, poppler-utils, openssl, Node.js and tests/html-tools/node_modules:
scripts/install-deps html. Skipped, visibly, when they are missing, except under CI=true
where that is an error. Set CCESEC_REPORT_ARTIFACTS=DIR to keep the pages, screenshots
and PDF.
"""
import datetime
import hashlib
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

from ccesec_testlib import CAPTURES, REPO, ROLES, plugin_path

import ccesec_html  # noqa: E402  (scripts/lib, on the path through ccesec_testlib)

AUDIT = os.path.join(REPO, "scripts", "ccesec-audit")
TOOLS = os.path.join(REPO, "tests", "html-tools")
HTML_VALIDATE = os.path.join(TOOLS, "node_modules", "html-validate", "bin", "html-validate.mjs")
AXE = os.path.join(TOOLS, "node_modules", "axe-core", "axe.min.js")
NAMES = ["01-all-secure", "02-cvp-cucm-clear-tcp", "04-tls10-cvp-vvb", "06-unknown-ca-cvp-vvb",
         "08-midstream", "15-mutual-tls"]
FLOW_LEGS = ["CUBE-CVP", "CVP-VVB", "CVP-CUCM", "CUBE-CUCM", "PHONE-CUCM"]
EXPECTED_LEGS = ["CUBE-CVP", "CVP-VVB", "CVP-CUCM"]  # the audit's default
WORST_FIRST = ["plaintext", "failed", "weak", "unverified", "secure"]
STATUS_WORDS = {"secure": "SECURE", "weak": "WEAK", "failed": "FAILED",
                "plaintext": "PLAINTEXT", "unverified": "UNVERIFIED", "not-seen": "NOT SEEN"}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
PHONE_WIDTH, DESKTOP_WIDTH = 390, 1280


def capture(name):
    return os.path.join(CAPTURES, name + ".pcapng")


def expectation(name):
    with open(os.path.join(CAPTURES, name + ".expect.json")) as handle:
        return json.load(handle)


def expected_leg_statuses(name):
    """leg -> worst status of the scenario's connections on it, 'not-seen' when none."""
    statuses = {}
    for conn in expectation(name)["connections"]:
        statuses.setdefault(conn["leg"], []).append(conn["status"])
    return {leg: min(statuses[leg], key=WORST_FIRST.index) if leg in statuses else "not-seen"
            for leg in FLOW_LEGS}


def missing_tools():
    missing = [tool for tool in ("chromium", "pdfinfo", "pdftotext", "openssl", "node")
               if not shutil.which(tool)]
    missing += [os.path.relpath(path, REPO) for path in (HTML_VALIDATE, AXE)
                if not os.path.isfile(path)]
    return missing


def setUpModule():
    missing = missing_tools()
    if missing:
        message = "HTML report test needs %s: scripts/install-deps html" % ", ".join(missing)
        if os.environ.get("CI") == "true":
            raise RuntimeError(message + " (CI=true: not skipping)")
        raise unittest.SkipTest(message)


# ---- a small DOM from Chromium's serialization -------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        return [n for n in self.iter() if (tag is None or n.tag == tag) and
                all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def by_id(self, ident):
        found = [n for n in self.iter() if n.attrs.get("id") == ident]
        return found[0] if found else None

    def has_class(self, name):
        return name in (self.attrs.get("class") or "").split()


class TreeBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_dom(text):
    builder = TreeBuilder()
    builder.feed(text)
    return builder.root


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


# ---- Chromium ------------------------------------------------------------------------------


class Chromium:
    """Headless Chromium with a throwaway profile, its name lookups pointed nowhere."""

    def __init__(self, workdir):
        self.profile = tempfile.mkdtemp(prefix="profile-", dir=workdir)

    def run(self, url, *args, window=(DESKTOP_WIDTH, 1000)):
        command = ["chromium", "--headless", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", "--disable-default-apps", "--hide-scrollbars",
                   "--mute-audio", "--disable-dev-shm-usage", "--user-data-dir=" + self.profile,
                   "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=%d,%d" % window]
        if os.geteuid() == 0:
            command.append("--no-sandbox")  # root: Chromium's sandbox refuses to start
        result = subprocess.run(command + list(args) + [url], capture_output=True, text=True,
                                timeout=300, check=False)
        if result.returncode != 0:
            raise AssertionError("chromium failed (%d): %s" % (result.returncode,
                                                               result.stderr[-2000:]))
        return result.stdout


def url_of(path):
    return "file://" + os.path.abspath(path)


def page_requests(netlog_path):
    """URLs the page asked the network for, from a Chromium net log. The browser's own
    background requests (update checks, time, accounts) carry the initiator 'not an origin';
    a file:// page's carry its opaque origin ('null') and a file:// isolation key."""
    with open(netlog_path) as handle:
        log = json.load(handle)
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        if params.get("initiator") == "null" or \
                "file://" in params.get("network_isolation_key", ""):
            urls.append(params["url"])
    return urls


def png_size(path):
    with open(path, "rb") as handle:
        head = handle.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError("%s is not a PNG" % path)
    return struct.unpack(">II", head[16:24])


AXE_RUNNER = """<script>
axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
  var svg = document.querySelector("svg.flow-svg");
  var text = JSON.stringify({
    violations: r.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(function (n) { return n.target.join(" "); })}; }),
    passes: r.passes.length, engine: r.testEngine.version,
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    pictureWidth: svg ? svg.getBoundingClientRect().width : 0});
  if (window.parent !== window) { parent.postMessage(text, "*"); return; }
  var out = document.createElement("pre"); out.id = "axe-results"; out.textContent = text;
  document.body.appendChild(out);
});
</script>"""

# A page that shows the report at phone width: headless Chromium's window is at least 500
# pixels wide, so the report goes into a 390-pixel frame (media queries follow the frame).
PHONE_FRAME = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>phone</title>
<style>body{margin:0} iframe{border:0;width:%(width)dpx;height:%(height)dpx;display:block}</style>
</head><body><iframe src="%(src)s" title="report at phone width"></iframe>
<script>window.addEventListener("message", function (e) {
  var out = document.createElement("pre"); out.id = "axe-results"; out.textContent = e.data;
  document.body.appendChild(out); });</script></body></html>"""


def with_axe(source):
    """A copy of the report that runs axe-core: the CSP must let the inline scripts run."""
    with open(AXE) as handle:
        axe = handle.read().replace("</script", "<\\/script")
    source = source.replace("default-src 'none';",
                            "default-src 'none'; script-src 'unsafe-inline';")
    return source.replace("</body>", "<script>%s</script>%s</body>" % (axe, AXE_RUNNER))


def axe_results(dom_text):
    match = re.search(r'<pre id="axe-results">(.*?)</pre>', dom_text, re.S)
    if not match:
        raise AssertionError("axe-core did not report (no #axe-results in the DOM)")
    return json.loads(html.unescape(match.group(1)))


# ---- facts from tshark without the plugin, and openssl ------------------------------------


def plain_tshark(*args):
    result = subprocess.run(["tshark", "-n"] + list(args), capture_output=True, text=True,
                            timeout=300, check=False)
    if result.returncode != 0:
        raise AssertionError("tshark failed: %s" % result.stderr)
    return result.stdout


def frame_times(path):
    lines = plain_tshark("-r", path, "-T", "fields", "-e", "frame.time_epoch").split()
    return [float(x) for x in lines]


def utc(epoch):
    moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + "%03d UTC" % (moment.microsecond // 1000)


def server_certificate(path, conn):
    """openssl's view of the first certificate the server of conn sent in a capture."""
    out = plain_tshark("-r", path, "-Y", "tls.handshake.certificate && ip.src == %s && "
                       "tcp.srcport == %d && tcp.dstport == %d" % (
                           conn["server"], conn["server_port"], conn["client_port"]),
                       "-T", "fields", "-E", "occurrence=f", "-e", "tls.handshake.certificate")
    der = bytes.fromhex(out.split()[0].replace(":", ""))
    result = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-issuer",
                             "-startdate", "-enddate", "-nameopt", "multiline,utf8"],
                            input=der, capture_output=True, check=True)
    text = result.stdout.decode()
    issuer_cn = re.search(r"commonName\s*=\s*(.+)", text).group(1).strip()
    dates = {}
    for key in ("notBefore", "notAfter"):
        value = re.search(key + r"=(.+)", text).group(1).strip()
        dates[key] = datetime.datetime.strptime(value, "%b %d %H:%M:%S %Y %Z").strftime(
            "%Y-%m-%d %H:%M:%S UTC")
    return {"issuer": issuer_cn, "sha256": hashlib.sha256(der).hexdigest(), **dates}


def sha256_file(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def audit_html(out_path, *captures):
    command = [sys.executable, AUDIT, "--plugin", plugin_path(), "--roles", ROLES, "--format",
               "html"] + list(captures)
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode not in (0, 1) or not result.stdout.startswith("<!DOCTYPE html>"):
        raise AssertionError("ccesec-audit --format html failed (%d): %s"
                             % (result.returncode, result.stderr))
    with open(out_path, "w") as handle:
        handle.write(result.stdout)
    return result.stdout


class HtmlReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        keep = os.environ.get("CCESEC_REPORT_ARTIFACTS")
        cls.work = os.path.abspath(keep) if keep else tempfile.mkdtemp(prefix="ccesec-html-")
        os.makedirs(cls.work, exist_ok=True)
        cls.keep = bool(keep)
        cls.browser = Chromium(cls.work)
        cls.all_path = os.path.join(cls.work, "report-all.html")
        cls.one_path = os.path.join(cls.work, "report-02.html")
        cls.all_source = audit_html(cls.all_path, *[capture(n) for n in NAMES])
        cls.one_source = audit_html(cls.one_path, capture("02-cvp-cucm-clear-tcp"))
        cls.netlog = os.path.join(cls.work, "netlog.json")
        cls.all_dom = parse_dom(cls.browser.run(
            url_of(cls.all_path), "--dump-dom", "--log-net-log=" + cls.netlog))
        cls.one_dom = parse_dom(cls.browser.run(url_of(cls.one_path), "--dump-dom"))

    @classmethod
    def tearDownClass(cls):
        if not cls.keep:
            shutil.rmtree(cls.work, ignore_errors=True)

    def section(self, name):
        node = self.all_dom.by_id("c%d" % (NAMES.index(name) + 1))
        self.assertIsNotNone(node, "no section for %s" % name)
        self.assertIn(name + ".pcapng", node.text())
        return node

    # -- the picture -------------------------------------------------------------------

    def test_every_leg_has_an_edge_with_its_status(self):
        for name in NAMES:
            with self.subTest(capture=name):
                section = self.section(name)
                edges = [n for n in section.iter() if n.has_class("edge")]
                self.assertEqual(sorted(n.attrs["data-leg"] for n in edges), sorted(FLOW_LEGS))
                got = {n.attrs["data-leg"]: n.attrs["data-status"] for n in edges}
                self.assertEqual(got, expected_leg_statuses(name))
                for edge in edges:
                    status = edge.attrs["data-status"]
                    words = squash(edge.text())
                    # black-and-white safe: the status is written on the edge
                    self.assertIn(STATUS_WORDS[status], words)
                    self.assertTrue(edge.has_class("st-" + status))
                    target = section.by_id(edge.attrs["href"].lstrip("#"))
                    self.assertIsNotNone(target, "edge link to nowhere: %s" % edge.attrs)
                    self.assertEqual(target.attrs.get("data-leg"), edge.attrs["data-leg"])

    def test_edge_tooltips_name_the_connections(self):
        for name in NAMES:
            section = self.section(name)
            for conn in expectation(name)["connections"]:
                with self.subTest(capture=name, leg=conn["leg"]):
                    (edge,) = section.find_all("a", data_leg=conn["leg"])
                    title = edge.find_all("title")[0].text()
                    server = "%s:%d" % (conn["server"], conn["server_port"])
                    self.assertIn(server, title)
                    self.assertIn("%s:%d" % (conn["client"], conn["client_port"]), title)
                    if conn["tls_version"]:
                        self.assertIn(conn["tls_version"], squash(edge.text()))

    def test_boxes_carry_the_addresses_of_their_role(self):
        for name in NAMES:
            section = self.section(name)
            roles = {}
            for conn in expectation(name)["connections"]:
                roles.setdefault(conn["client_role"], set()).add(conn["client"])
                roles.setdefault(conn["server_role"], set()).add(conn["server"])
            for role, addresses in roles.items():
                with self.subTest(capture=name, role=role):
                    (box,) = section.find_all("g", data_role=role)
                    for address in addresses:
                        self.assertIn(address, box.text())

    # -- the words ---------------------------------------------------------------------

    def test_headline_counts_secure_expected_legs(self):
        for name in NAMES:
            with self.subTest(capture=name):
                statuses = expected_leg_statuses(name)
                secure = sum(statuses[leg] == "secure" for leg in EXPECTED_LEGS)
                verdict = "SECURE" if secure == len(EXPECTED_LEGS) else "NOT SECURE"
                headline = [n for n in self.section(name).iter() if n.has_class("verdict")][0]
                self.assertEqual(squash(headline.text()).lstrip("\u2714\u2716 "),
                                 "%s: %d of %d expected legs secure" % (
                                     verdict, secure, len(EXPECTED_LEGS)))

    def test_single_capture_report_starts_with_its_verdict(self):
        title = squash(self.one_dom.find_all("title")[0].text())
        self.assertEqual(title, "CCE SIP signalling security: NOT SECURE \u2013 "
                                "2 of 3 expected legs secure")
        main = self.one_dom.find_all("main")[0]
        first_block = [n for n in main.iter() if n.has_class("headline")][0]
        self.assertIn("NOT SECURE: 2 of 3 expected legs secure", squash(first_block.text()))
        problems = first_block.find_all("li")
        self.assertEqual(len(problems), 1)
        self.assertIn("CVP-CUCM", problems[0].text())
        self.assertIn("PLAINTEXT", problems[0].text())
        self.assertEqual(self.one_dom.find_all("body")[0].attrs["data-result"], "fail")

    def test_leg_evidence_matches_the_certificate_on_the_wire(self):
        for name, leg in (("06-unknown-ca-cvp-vvb", "CVP-VVB"), ("15-mutual-tls", "CVP-CUCM"),
                          ("01-all-secure", "CUBE-CVP")):
            with self.subTest(capture=name):
                conn = [c for c in expectation(name)["connections"] if c["leg"] == leg][0]
                cert = server_certificate(capture(name), conn)
                article = self.section(name).find_all("article", data_leg=leg)[0]
                rows = {squash(dt.text()): squash(dd.text()) for dt, dd in zip(
                    article.find_all("dt"), article.find_all("dd"))}
                self.assertEqual(rows["Issuer"], cert["issuer"])
                self.assertEqual(rows["Valid"], "%s \u2013 %s" % (cert["notBefore"],
                                                                  cert["notAfter"]))
                self.assertEqual(rows["SHA-256 fingerprint"].replace(":", "").lower(),
                                 cert["sha256"])
                self.assertEqual(rows["Cipher suite"], conn["cipher"])
                self.assertEqual(rows["TLS version"], conn["tls_version"])
                self.assertTrue(rows["Certificate subject"].startswith(conn["server_cert_cn"]))
                client_certs = plain_tshark(
                    "-r", capture(name), "-Y", "tls.handshake.certificate && ip.src == %s && "
                    "tcp.srcport == %d" % (conn["client"], conn["client_port"]),
                    "-T", "fields", "-e", "frame.number").split()
                self.assertEqual(rows["Mutual TLS"].startswith("yes"), bool(client_certs),
                                 rows["Mutual TLS"])
                if conn["alert"]:
                    sender = conn[conn["alert_sender"] + "_role"]  # "client" or "server"
                    self.assertEqual(rows["Fatal alert"], "%s, sent by %s" % (
                        conn["alert"], sender))
                self.assertEqual(article.attrs["data-status"], conn["status"])
                reason = [n for n in article.iter() if n.has_class("reason")][0]
                self.assertIn(leg, reason.text())

    def test_provenance_of_each_capture(self):
        versions = subprocess.run(["tshark", "--version"], capture_output=True, text=True,
                                  check=False).stdout.splitlines()[0].rstrip(".")
        page = squash(self.all_dom.text())
        self.assertIn(versions, page)
        self.assertIn("ccesec 0.1.0", page)
        self.assertIn("%s (SHA-256 %s)" % (ROLES, sha256_file(ROLES)), page)
        for name in NAMES:
            with self.subTest(capture=name):
                prov = [n for n in self.section(name).iter() if n.has_class("prov")][0]
                rows = {squash(dt.text()): squash(dd.text()) for dt, dd in zip(
                    prov.find_all("dt"), prov.find_all("dd"))}
                times = frame_times(capture(name))
                self.assertEqual(rows["SHA-256 of the file"], sha256_file(capture(name)))
                self.assertEqual(rows["Packets"], str(len(times)))
                self.assertEqual(rows["First packet"], utc(times[0]))
                self.assertEqual(rows["Last packet"], utc(times[-1]))
                self.assertTrue(rows["Roles file"].startswith(ROLES))

    def test_ids_are_unique(self):
        # several captures draw several pictures: arrow heads and patterns are defined once
        ids = [n.attrs["id"] for n in self.all_dom.iter() if "id" in n.attrs]
        self.assertEqual(sorted(i for i in set(ids) if ids.count(i) > 1), [])
        for ref in set(re.findall(r"url\(#([^)]+)\)", self.all_source)):
            self.assertIn(ref, ids)

    def test_calls_hook_is_in_place(self):
        self.assertEqual(self.all_source.count("ccesec:calls-hook"), len(NAMES))

    # -- self-contained ----------------------------------------------------------------

    def test_page_references_nothing_outside(self):
        for source in (self.all_source, self.one_source):
            metas = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">',
                               source)
            self.assertEqual(metas, [CSP])
            self.assertIsNone(re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""",
                                        source, re.I))
            self.assertIsNone(re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", source, re.I))
            self.assertIsNone(re.search(r"<(?:script|link|iframe|object|embed|img)\b|@import",
                                        source, re.I))

    def test_no_request_while_loading(self):
        self.assertEqual(page_requests(self.netlog), [])
        # The check can fail: a page with an external image and style sheet is caught.
        control = os.path.join(self.work, "control.html")
        with open(control, "w") as handle:
            handle.write('<!DOCTYPE html><html lang="en"><head><title>c</title>'
                         '<link rel="stylesheet" href="https://fonts.example.net/f.css">'
                         '</head><body><img src="http://198.18.0.1/x.png" alt=""></body></html>')
        netlog = os.path.join(self.work, "netlog-control.json")
        self.browser.run(url_of(control), "--dump-dom", "--log-net-log=" + netlog)
        self.assertEqual(sorted(page_requests(netlog)),
                         ["http://198.18.0.1/x.png", "https://fonts.example.net/f.css"])

    # -- pictures of it ----------------------------------------------------------------

    def test_screenshots_and_pdf(self):
        desktop = os.path.join(self.work, "desktop.png")
        self.browser.run(url_of(self.one_path), "--screenshot=" + desktop,
                         window=(DESKTOP_WIDTH, 2400))
        self.assertEqual(png_size(desktop), (DESKTOP_WIDTH, 2400))
        self.assertGreater(os.path.getsize(desktop), 50000)  # a blank page is a few KB

        frame = os.path.join(self.work, "phone.html")
        with open(frame, "w") as handle:
            handle.write(PHONE_FRAME % {"width": PHONE_WIDTH, "height": 3200,
                                        "src": os.path.basename(self.one_path)})
        phone = os.path.join(self.work, "phone.png")
        self.browser.run(url_of(frame), "--screenshot=" + phone, window=(500, 3200))
        self.assertEqual(png_size(phone), (500, 3200))
        self.assertGreater(os.path.getsize(phone), 50000)

        pdf = os.path.join(self.work, "report-all.pdf")
        self.browser.run(url_of(self.all_path), "--print-to-pdf=" + pdf,
                         "--no-pdf-header-footer")
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True,
                              check=True).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        self.assertGreaterEqual(pages, len(NAMES))  # each capture starts a page
        self.assertRegex(info, r"Page size:.*\(A4\)")
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                              text=True, check=True).stdout
        # The verdicts are in the printed text, not only in colours.
        for word in ("NOT SECURE", "PLAINTEXT", "FAILED", "WEAK", "UNVERIFIED", "NOT SEEN"):
            self.assertIn(word, text)

    # -- validity and accessibility ----------------------------------------------------

    def test_html_validate(self):
        result = subprocess.run(["node", HTML_VALIDATE, "--config",
                                 os.path.join(TOOLS, "htmlvalidate.json"), "--formatter",
                                 "json", self.all_path, self.one_path],
                                capture_output=True, text=True, timeout=300, check=False)
        messages = [m for f in json.loads(result.stdout or "[]") for m in f["messages"]]
        self.assertEqual(messages, [], result.stdout[:4000] + result.stderr[-2000:])
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_axe_core_desktop_and_phone(self):
        one = os.path.join(self.work, "axe-02.html")
        with open(one, "w") as handle:
            handle.write(with_axe(self.one_source))
        dom = self.browser.run(url_of(one), "--dump-dom", "--virtual-time-budget=30000",
                               window=(DESKTOP_WIDTH, 1000))
        desktop = axe_results(dom)

        many = os.path.join(self.work, "axe-all.html")
        with open(many, "w") as handle:
            handle.write(with_axe(self.all_source))
        frame = os.path.join(self.work, "axe-phone.html")
        with open(frame, "w") as handle:
            handle.write(PHONE_FRAME % {"width": PHONE_WIDTH, "height": 800,
                                        "src": os.path.basename(many)})
        dom = self.browser.run(url_of(frame), "--dump-dom", "--virtual-time-budget=60000",
                               window=(500, 900))
        phone = axe_results(dom)

        for width, result in ((DESKTOP_WIDTH, desktop), (PHONE_WIDTH, phone)):
            with self.subTest(width=width):
                self.assertEqual(result["violations"], [])
                self.assertGreater(result["passes"], 10)
                self.assertEqual(result["innerWidth"], width)
                self.assertLessEqual(result["scrollWidth"], width)  # no sideways scrolling
                self.assertGreater(result["pictureWidth"], min(width, 500) * 0.8)

    # -- strings off the wire ----------------------------------------------------------

    def test_wire_strings_are_escaped(self):
        hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>&amp;'
        report = {"tool": "ccesec-audit", "version": "0.1.0", "expected_legs": EXPECTED_LEGS,
                  "result": "fail", "captures": [{
                      "file": "x</title><script>.pcapng", "result": "fail",
                      "legs": [{"leg": "CVP-VVB", "expected": True, "verdict": "not secure",
                                "pass": False, "reason": hostile, "connections": [1]}],
                      "connections": [{
                          "conn": 1, "leg": "CVP-VVB", "client_role": "CVP",
                          "client": "198.18.133.13:5000", "server_role": "VVB",
                          "server": "198.18.133.143:5061", "transport": "tls",
                          "tls_version": "TLS 1.2", "cipher": hostile, "cert_cn": hostile,
                          "status": "failed", "reason": hostile, "packets": 3,
                          "first_seen": 0.0, "last_seen": 0.1}]}]}
        details = {"x</title><script>.pcapng": {"evidence": {1: {
            "issuer": hostile, "san": hostile, "sha256": "AB:CD", "alert": hostile,
            "alert_sender": hostile, "client_cert_cn": hostile, "mutual_tls": "1"}},
            "provenance": {"sha256": hostile}}}
        page = ccesec_html.render(report, details, {"roles": hostile, "wireshark": hostile})
        self.assertNotIn("<script", page.lower())
        self.assertNotIn("<img", page.lower())
        dom = parse_dom(page)
        self.assertEqual([n.tag for n in dom.iter() if n.tag in ("script", "img")], [])
        self.assertIn(hostile, dom.text())  # shown as text, not lost


if __name__ == "__main__":
    import ccesec_testlib  # noqa: E402 (the ctest-aware exit: skips are visible)

    ccesec_testlib.main()
