/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Leg names: the role pair of a connection in call-flow order. Pure logic. */
#ifndef CCESEC_LEGS_H
#define CCESEC_LEGS_H

#include <glib.h>
#include "ccesec/roles.h"

G_BEGIN_DECLS

/* The five legs of the CCE call flow, in the order reports list them. */
#define CCESEC_EXPECTED_LEG_COUNT 5
extern const char *const ccesec_expected_legs[CCESEC_EXPECTED_LEG_COUNT];
/* "CUBE-CVP", "CVP-VVB", "CVP-CUCM", "CUBE-CUCM", "PHONE-CUCM" */

/* Roles ordered along the call flow: CUBE, CVP, VVB, PHONE, CUCM, then unknown. The leg of
 * a connection names the earlier role first, whichever side opened it: CVP-CUCM whether CVP
 * or CUCM is the client; "CVP-unknown"; "unknown-unknown". Returns a static string. */
const char *ccesec_leg_name(ccesec_role a, ccesec_role b);

G_END_DECLS

#endif
