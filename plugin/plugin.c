/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plugin's entry points, the only exported symbols of ccesec.so. */
#include <wireshark.h>
#include <epan/proto.h>

#include "ws_compat.h"

#ifndef CCESEC_VERSION
#define CCESEC_VERSION "0.0.0"
#endif

void proto_register_ccesec(void);
void proto_reg_handoff_ccesec(void);

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = CCESEC_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#ifdef CCESEC_HAS_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif

void plugin_register(void)
{
    static proto_plugin plugin;
    plugin.register_protoinfo = proto_register_ccesec;
    plugin.register_handoff = proto_reg_handoff_ccesec;
    proto_register_plugin(&plugin);
}
