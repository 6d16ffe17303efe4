# SPDX-License-Identifier: GPL-2.0-or-later
"""Run tshark with the ccesec plugin loaded, as the tests and ccesec-audit need it.

Wireshark ignores personal plugins when it runs as root, and a release build ignores
WIRESHARK_PLUGIN_DIR. So the plugin goes into the personal plugin folder of a throwaway
HOME, and when we are root tshark runs as nobody (setpriv) with that HOME. Input files are
copied into the same world-readable folder, since the caller's may sit under a root-only
one. A plugin installed in Wireshark's system plugin folder (the Debian package) loads by
itself, as root too: tshark then runs as the caller, with no copy. Standard library only.
"""
import functools
import os
import re
import shutil
import subprocess
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOBODY = 65534


def _world_readable(path):
    """Whether nobody can read path: the file o+r and every folder above it o+x."""
    try:
        if not os.stat(path).st_mode & 0o004:
            return False
        folder = os.path.dirname(path)
        while True:
            if not os.stat(folder).st_mode & 0o001:
                return False
            parent = os.path.dirname(folder)
            if parent == folder:
                return True
            folder = parent
    except OSError:
        return False


class SetupError(Exception):
    """tshark or the plugin cannot be found or set up: a one-line message for the user."""


@functools.lru_cache(maxsize=None)
def wireshark_version(tshark="tshark"):
    try:
        out = subprocess.run([tshark, "--version"], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise SetupError("tshark not found: install it (apt-get install tshark)") from None
    match = re.search(r"\(Wireshark\) (\d+)\.(\d+)", out.stdout)
    if not match:
        raise SetupError("cannot read the Wireshark version from 'tshark --version'")
    return "%s.%s" % match.groups()


@functools.lru_cache(maxsize=None)
def system_plugin(tshark="tshark"):
    """ccesec.so in Wireshark's system plugin folder ("Global Plugins" of tshark -G folders)."""
    out = subprocess.run([tshark, "-G", "folders"], capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        name, _, folder = line.partition(":")
        if name.strip() == "Global Plugins" and folder.strip():
            return os.path.join(folder.strip(), "epan", "ccesec.so")
    return None


def find_plugin(explicit=None):
    """The ccesec.so to load: explicit, $CCESEC_PLUGIN, the repo's build, or installed.
    An explicit path is the only candidate: another plugin in its place would be a surprise."""
    if explicit:
        if not os.path.isfile(explicit):
            raise SetupError("plugin not found: %s" % explicit)
        return os.path.abspath(explicit)
    candidates = [os.environ.get("CCESEC_PLUGIN"), os.path.join(REPO, "build", "ccesec.so")]
    try:
        version = wireshark_version()
        candidates.append(os.path.expanduser(
            "~/.local/lib/wireshark/plugins/%s/epan/ccesec.so" % version))
    except SetupError:
        pass
    for path in candidates:
        if path and os.path.isfile(path):
            return os.path.abspath(path)
    installed = system_plugin()
    if installed and os.path.isfile(installed):
        return installed
    raise SetupError("ccesec plugin not found: build it (cmake -S . -B build && cmake --build "
                     "build) or give --plugin / CCESEC_PLUGIN")


class Tshark:
    """A sandbox: temporary HOME with the plugin, and a folder for input copies."""

    def __init__(self, plugin=None, tshark="tshark"):
        self.tshark = tshark
        self.plugin = find_plugin(plugin)
        self.version = wireshark_version(tshark)
        # Wireshark loads it from its system folder: a personal copy would be a duplicate.
        self.installed = self.plugin.endswith("/plugins/%s/epan/ccesec.so" % self.version) and \
            self.plugin == system_plugin(tshark)
        self.root = tempfile.mkdtemp(prefix="ccesec-tshark-")
        self.home = os.path.join(self.root, "home")
        plugdir = os.path.join(self.home, ".local/lib/wireshark/plugins", self.version, "epan")
        os.makedirs(plugdir)
        os.makedirs(os.path.join(self.home, ".config", "wireshark"))
        if not self.installed:
            shutil.copy(self.plugin, os.path.join(plugdir, "ccesec.so"))
        self.inputs = os.path.join(self.root, "in")
        os.makedirs(self.inputs)
        self._copies = {}
        self._fix_modes()

    def _as_nobody(self):
        return os.geteuid() == 0 and not self.installed

    def _fix_modes(self):
        if not self._as_nobody():
            return
        for base, dirs, files in os.walk(self.root):
            for name in dirs + files:
                path = os.path.join(base, name)
                os.chmod(path, os.stat(path).st_mode | 0o755 if os.path.isdir(path) else 0o644)
        os.chmod(self.root, 0o755)
        # tshark as nobody writes its recent files into HOME
        for base, dirs, _ in os.walk(self.home):
            for name in dirs:
                os.chown(os.path.join(base, name), NOBODY, NOBODY)
        os.chown(self.home, NOBODY, NOBODY)

    def input(self, path):
        """path itself when tshark can read it, else a copy it can (same copy each time)."""
        path = os.path.abspath(path)
        if not self._as_nobody() or _world_readable(path):
            return path
        if path not in self._copies:
            index = len(self._copies)
            copy = os.path.join(self.inputs, "%d-%s" % (index, os.path.basename(path)))
            shutil.copyfile(path, copy)
            os.chmod(copy, 0o644)
            self._copies[path] = copy
        return self._copies[path]

    def command(self, args):
        env_args = ["env", "HOME=" + self.home, "LC_ALL=C.UTF-8"]
        if self._as_nobody():
            return ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"] + \
                env_args + [self.tshark] + list(args)
        return env_args + [self.tshark] + list(args)

    def run(self, args, timeout=600):
        return subprocess.run(self.command(args), capture_output=True, text=True,
                              timeout=timeout, check=False, cwd=self.root)

    def popen(self, args, **kwargs):
        return subprocess.Popen(self.command(args), cwd=self.root, **kwargs)

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
