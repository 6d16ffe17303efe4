/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The differences between the Wireshark releases ccesec builds against (4.0 in Debian 12,
 * 4.4 in Debian 13, 4.6 in Debian unstable), in one place. The glue files use the names
 * defined here and never test a Wireshark version themselves. Where Wireshark defines a
 * macro for a feature, the gate is that macro; otherwise the release that changed it.
 */
#ifndef CCESEC_WS_COMPAT_H
#define CCESEC_WS_COMPAT_H

#include <ws_version.h>
#include <epan/proto.h>
#include <epan/tvbuff.h>

#define CCESEC_WS_AT_LEAST(major, minor)                                                           \
    (WIRESHARK_VERSION_MAJOR > (major) ||                                                          \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* plugin_describe() and its WS_PLUGIN_DESC_* flags (<wsutil/plugins.h>, not installed by
 * 4.0): a plugin defines it when this header says what kind of plugin it can be. */
#if defined(__has_include)
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif
#endif
#ifdef WS_PLUGIN_DESC_DISSECTOR
#define CCESEC_HAS_PLUGIN_DESCRIBE 1
#endif

#if CCESEC_WS_AT_LEAST(4, 2)
/* 4.2 renamed the glib-typed accessors (tvb_get_guint8 is deprecated from 4.4 on) and made
 * field_info.value a pointer; UAT callbacks return bool. */
#define ccesec_tvb_get_u8 tvb_get_uint8
#define CCESEC_FVALUE(fi) ((fi)->value)
typedef bool ccesec_uat_result;
#else
#define ccesec_tvb_get_u8 tvb_get_guint8
#define CCESEC_FVALUE(fi) (&(fi)->value)
typedef gboolean ccesec_uat_result;
#endif

#endif /* CCESEC_WS_COMPAT_H */
