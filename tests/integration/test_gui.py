#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The plugin in the Wireshark GUI (Qt), headless: Xvfb, xdotool, ImageMagick.

Opens test-captures/02-cvp-cucm-clear-tcp.pcapng (CVP-CUCM in clear) with the plugin and the
profiles/ccesec profile, selects the INVITE sent in clear, and checks what a user would see:
the window names the capture, the profile's coloring rule paints the plaintext leg, the
CCESEC tree carries an error, Statistics > CCE SIP Signalling Security opens the leg table,
Analyze > Expert Information lists the Security error. Colours are read from screenshots.

Skipped, and shown as Skipped by ctest, when wireshark, Xvfb, xdotool or ImageMagick is
missing (scripts/install-deps gui, which scripts/test runs) or when Xvfb cannot start; under
CI=true that skip is a failure. Uses scripts/gui-screenshots for the driving; starts and stops its own processes.
"""
import os
import shutil
import tempfile
import unittest

import ccesec_testlib
from ccesec_testlib import load_script, plugin_path

# Wireshark's default expert colour for errors (Preferences > Appearance > Colors).
EXPERT_ERROR_RGB = (255, 92, 92)
# The profile's rule for ccesec.status == "weak" (colorfilters: 50115,24672 / 257).
WEAK_RGB = (255, 195, 96)


gs = load_script("gui-screenshots")


class WiresharkGui(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        missing = gs.missing_tools()
        if missing:
            raise unittest.SkipTest("GUI test needs %s: apt-get install wireshark-qt xvfb "
                                    "xdotool imagemagick" % ", ".join(missing))
        cls.capture = gs.CAPTURE
        cls.frame = gs.first_plaintext_invite(plugin_path(), cls.capture)
        try:
            cls.display = gs.VirtualDisplay()
        except gs.GuiError as error:
            raise unittest.SkipTest("no display server: %s" % error)
        cls.shots = tempfile.mkdtemp(prefix="ccesec-gui-test-")
        cls.gui = None
        try:
            goto = ["-g", str(cls.frame)] if cls.frame else []
            cls.gui = gs.Wireshark(cls.display.name, plugin_path(), cls.capture, args=goto)
            cls.window = gs.main_window(cls.gui, cls.capture)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.gui:
            cls.gui.close()
        cls.display.stop()
        shutil.rmtree(cls.shots, ignore_errors=True)

    def grab(self, name, window):
        return self.gui.grab(os.path.join(self.shots, name), window)

    def close_dialog(self, dialog):
        if dialog in self.gui.windows("."):
            self.gui.keys(dialog, "Escape")

    def test_main_window_names_the_capture(self):
        self.assertEqual(self.gui.title(self.window), os.path.basename(self.capture))
        self.assertIsNotNone(self.frame, "tshark found no INVITE in clear to select")

    def test_profile_paints_the_plaintext_leg(self):
        shot = self.grab("main.png", self.window)
        # Rows of the CVP-CUCM leg: many pixels in the rule's red, none in the weak orange.
        self.assertGreater(gs.count_pixels(shot, gs.NOT_PROTECTED_RGB), 10000)
        self.assertEqual(gs.count_pixels(shot, WEAK_RGB), 0)

    def test_ccesec_tree_of_the_selected_packet_carries_an_error(self):
        shot = self.grab("details.png", self.window)
        self.assertGreater(gs.count_pixels(shot, EXPERT_ERROR_RGB), 1000)

    def test_statistics_menu_opens_the_leg_table(self):
        self.gui.keys(self.window, "alt+s", *(["Down"] * gs.STATS_MENU_DOWNS + ["Return"]))
        dialog = self.gui.wait_window(gs.re.escape(gs.STATS_TITLE), timeout=20)
        try:
            title = self.gui.title(dialog)
            self.assertIn(gs.STATS_TITLE, title)
            self.assertNotIn("Calls and Media", title)
            self.assertIn(os.path.basename(self.capture), title)
        finally:
            self.close_dialog(dialog)

    def test_statistics_menu_opens_the_calls_table(self):
        """The calls table (tshark -z ccesec,calls) is the next entry of the menu."""
        self.gui.keys(self.window, "alt+s", *(["Down"] * (gs.STATS_MENU_DOWNS + 1) + ["Return"]))
        dialog = self.gui.wait_window("Calls and Media", timeout=20)
        try:
            self.assertIn(os.path.basename(self.capture), self.gui.title(dialog))
        finally:
            self.close_dialog(dialog)

    def test_expert_information_lists_the_security_error(self):
        # With the display filter `ccesec` (the next test reads the dialog without one).
        self.gui.keys(self.window, "ctrl+slash")
        self.gui.type_text(self.window, "ccesec")
        self.gui.keys(self.window, "Return", "Return")
        try:
            self.assert_expert_error_listed()
        finally:
            self.gui.keys(self.window, "ctrl+slash", "ctrl+a", "BackSpace", "Return")

    def test_expert_information_without_display_filter(self):
        """The Expert dialog re-reads the file without a protocol tree: the plugin's expert
        items must be there all the same."""
        self.assert_expert_error_listed()

    def assert_expert_error_listed(self):
        self.gui.keys(self.window, "alt+a", "Up", "Return")
        dialog = self.gui.wait_window("Expert Information", timeout=20)
        try:
            self.gui.place(dialog, 0, 0, 1600, 420)
            shot = self.grab("expert.png", dialog)
            # Only CCESEC reports an error in this capture.
            self.assertGreater(gs.count_pixels(shot, EXPERT_ERROR_RGB), 1000)
        finally:
            self.close_dialog(dialog)


if __name__ == "__main__":
    ccesec_testlib.main()
