/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Leg names: the role pair of a connection, earlier role in the call flow first. */
#include "ccesec/legs.h"

const char *const ccesec_expected_legs[CCESEC_EXPECTED_LEG_COUNT] = {
    "CUBE-CVP", "CVP-VVB", "CVP-CUCM", "CUBE-CUCM", "PHONE-CUCM",
};

/* Position along the call flow: caller -> CUBE -> CVP -> VVB, agent PHONE <-> CUCM. */
enum { FLOW_CUBE, FLOW_CVP, FLOW_VVB, FLOW_PHONE, FLOW_CUCM, FLOW_UNKNOWN, FLOW_COUNT };

static guint flow_position(ccesec_role role)
{
    switch (role) {
    case CCESEC_ROLE_CUBE:
        return FLOW_CUBE;
    case CCESEC_ROLE_CVP:
        return FLOW_CVP;
    case CCESEC_ROLE_VVB:
        return FLOW_VVB;
    case CCESEC_ROLE_PHONE:
        return FLOW_PHONE;
    case CCESEC_ROLE_CUCM:
        return FLOW_CUCM;
    default:
        return FLOW_UNKNOWN;
    }
}

/* Every pair spelled out, indexed by flow position of either side, so the answer is a
 * static string and both directions give the same name. */
static const char *const leg_names[FLOW_COUNT][FLOW_COUNT] = {
    /* columns in the same order as the rows: CUBE, CVP, VVB, PHONE, CUCM, unknown */
    [FLOW_CUBE] = {"CUBE-CUBE", "CUBE-CVP", "CUBE-VVB", "CUBE-PHONE", "CUBE-CUCM", "CUBE-unknown"},
    [FLOW_CVP] = {"CUBE-CVP", "CVP-CVP", "CVP-VVB", "CVP-PHONE", "CVP-CUCM", "CVP-unknown"},
    [FLOW_VVB] = {"CUBE-VVB", "CVP-VVB", "VVB-VVB", "VVB-PHONE", "VVB-CUCM", "VVB-unknown"},
    [FLOW_PHONE] = {"CUBE-PHONE", "CVP-PHONE", "VVB-PHONE", "PHONE-PHONE", "PHONE-CUCM",
                    "PHONE-unknown"},
    [FLOW_CUCM] = {"CUBE-CUCM", "CVP-CUCM", "VVB-CUCM", "PHONE-CUCM", "CUCM-CUCM", "CUCM-unknown"},
    [FLOW_UNKNOWN] = {"CUBE-unknown", "CVP-unknown", "VVB-unknown", "PHONE-unknown", "CUCM-unknown",
                      "unknown-unknown"},
};

const char *ccesec_leg_name(ccesec_role a, ccesec_role b)
{
    return leg_names[flow_position(a)][flow_position(b)];
}
