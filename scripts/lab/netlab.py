# SPDX-License-Identifier: GPL-2.0-or-later
"""The CCE lab's network from Python: one namespace per host of scenarios.HOSTS, joined by a
bridge (br0) in a switch namespace, with the addresses of make-test-captures. Every name
starts with the caller's prefix, and close() deletes only the namespaces this object made,
so several labs (several engineers, several tests) can run side by side. Needs root.
Stdlib only.
"""
import subprocess

from scenarios import HOSTS


def _run(command):
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(command), result.stderr.strip()))


def _ip(*args, netns=None):
    _run((["ip", "netns", "exec", netns] if netns else []) + ["ip"] + list(args))


def _sysctl(netns, *settings):
    _run(["ip", "netns", "exec", netns, "sysctl", "-qw"] + list(settings))


class NetLab:
    def __init__(self, prefix):
        self.prefix = prefix
        self.switch = prefix + "switch"
        self.made = []

    def __enter__(self):
        try:
            self.open()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _add(self, name):
        _ip("netns", "add", name)
        self.made.append(name)

    def open(self):
        existing = subprocess.run(["ip", "netns", "list"], capture_output=True,
                                  text=True).stdout.split()
        clash = [n for n in existing if n.startswith(self.prefix)]
        if clash:
            raise RuntimeError("namespaces %s exist already: another run of this lab? "
                               "(ip netns del them if stale)" % ", ".join(clash))
        self._add(self.switch)
        _sysctl(self.switch, "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1")
        _ip("link", "add", "br0", "type", "bridge", netns=self.switch)
        _ip("link", "set", "br0", "up", netns=self.switch)
        macs = {}
        for index, (name, (_, v4, v6, _, _, _)) in enumerate(sorted(HOSTS.items())):
            netns, mac = self.prefix + name, "02:cc:e5:12:00:%02x" % (index + 1)
            macs[name] = (v4, v6, mac)
            self._add(netns)
            _sysctl(netns, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
                    "net.ipv6.conf.default.router_solicitations=0",
                    "net.ipv6.conf.default.accept_ra=0")
            _ip("link", "add", "p-" + name, "netns", self.switch, "type", "veth", "peer",
                "name", "eth0", "netns", netns)
            _ip("link", "set", "p-" + name, "master", "br0", "up", netns=self.switch)
            _ip("link", "set", "lo", "up", netns=netns)
            _ip("link", "set", "eth0", "address", mac, netns=netns)
            _ip("addr", "add", v4 + "/24", "dev", "eth0", netns=netns)
            _ip("addr", "add", v6 + "/64", "dev", "eth0", "nodad", netns=netns)
            _ip("link", "set", "eth0", "up", netns=netns)
        for name in macs:  # no ARP before the first SIP packet
            for peer, (v4, v6, mac) in macs.items():
                if peer != name:
                    for address in (v4, v6):
                        _ip("neigh", "replace", address, "lladdr", mac, "dev", "eth0",
                            "nud", "permanent", netns=self.prefix + name)

    def close(self):
        for name in reversed(self.made):
            pids = subprocess.run(["ip", "netns", "pids", name], capture_output=True,
                                  text=True).stdout.split()
            for pid in pids:
                subprocess.run(["kill", pid], capture_output=True)
            subprocess.run(["ip", "netns", "del", name], capture_output=True)
        self.made = []
