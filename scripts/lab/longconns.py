# SPDX-License-Identifier: GPL-2.0-or-later
"""Long-lived SIP connections between lab hosts, kept busy with OPTIONS pings: the traffic
of a site that ccesec-watch watches (tests/integration/test_watch_lab.py, scripts/bench-watch).
Needs the lab's namespaces (netlab) and a scenarios.Lab for the certificates. Stdlib only."""
import os
import time

from scenarios import LEG_ENDS
from sipnode import Connection, Dialog, new_rng


class Traffic:
    """Long-lived SIP connections of the lab, each kept busy with OPTIONS pings."""

    def __init__(self, lab, workdir):
        self.lab, self.workdir = lab, workdir
        self.rng = new_rng("c12-watch")
        self.live = {}  # name -> (connection, dialog)
        self.made = []  # (name, transport, client endpoint, server endpoint)

    def open(self, name, leg_name, transport="tls"):
        client_name, server_name = LEG_ENDS[leg_name]
        client, server = self.lab.hosts[client_name], self.lab.hosts[server_name]
        client_ctx = server_ctx = None
        if transport == "tls":
            client_ctx = self.lab.client_context(client, {}, os.path.join(self.workdir, "keys"))
            server_ctx = self.lab.server_context(server, {})
        conn = Connection(client, server, transport, client_ctx=client_ctx,
                          server_ctx=server_ctx, server_hostname=server.cert_name)
        if not conn.open():
            raise AssertionError("%s did not open: %r" % (name, conn.errors))
        local = conn.socks["client"].getsockname()
        remote = conn.socks["server"].getsockname()
        self.made.append((leg_name, transport, "%s:%d" % local[:2], "%s:%d" % remote[:2]))
        self.live[name] = (conn, Dialog(conn, self.rng, "ping", "ping"))

    def close(self, name):
        conn, _ = self.live.pop(name)
        conn.close()

    def ping(self):
        for _, dialog in self.live.values():
            dialog.request("OPTIONS")
            dialog.respond(200, "OK")

    def pump(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            for _, dialog in self.live.values():
                dialog.request("OPTIONS")
                dialog.respond(200, "OK")
            time.sleep(0.5)

    def close_all(self):
        for name in list(self.live):
            self.close(name)
