/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Leg names: call-flow order whichever side opened the connection. */
#include "ccesec/legs.h"

#include <string.h>

static void assert_leg(ccesec_role a, ccesec_role b, const char *expected)
{
    g_assert_cmpstr(ccesec_leg_name(a, b), ==, expected);
    g_assert_cmpstr(ccesec_leg_name(b, a), ==, expected);
}

static void test_expected_legs_both_directions(void)
{
    assert_leg(CCESEC_ROLE_CUBE, CCESEC_ROLE_CVP, "CUBE-CVP");
    assert_leg(CCESEC_ROLE_CVP, CCESEC_ROLE_VVB, "CVP-VVB");
    assert_leg(CCESEC_ROLE_CVP, CCESEC_ROLE_CUCM, "CVP-CUCM");
    assert_leg(CCESEC_ROLE_CUBE, CCESEC_ROLE_CUCM, "CUBE-CUCM");
    assert_leg(CCESEC_ROLE_PHONE, CCESEC_ROLE_CUCM, "PHONE-CUCM");
}

static void test_expected_legs_list(void)
{
    static const char *const expected[] = {"CUBE-CVP", "CVP-VVB", "CVP-CUCM", "CUBE-CUCM",
                                           "PHONE-CUCM"};
    g_assert_cmpuint(CCESEC_EXPECTED_LEG_COUNT, ==, G_N_ELEMENTS(expected));
    for (guint i = 0; i < CCESEC_EXPECTED_LEG_COUNT; i++)
        g_assert_cmpstr(ccesec_expected_legs[i], ==, expected[i]);
}

static void test_unknown_sides(void)
{
    assert_leg(CCESEC_ROLE_CVP, CCESEC_ROLE_UNKNOWN, "CVP-unknown");
    assert_leg(CCESEC_ROLE_CUCM, CCESEC_ROLE_UNKNOWN, "CUCM-unknown");
    assert_leg(CCESEC_ROLE_PHONE, CCESEC_ROLE_UNKNOWN, "PHONE-unknown");
    assert_leg(CCESEC_ROLE_UNKNOWN, CCESEC_ROLE_UNKNOWN, "unknown-unknown");
    /* Out-of-range values count as unknown instead of indexing past the table. */
    assert_leg((ccesec_role)99, CCESEC_ROLE_CUBE, "CUBE-unknown");
    assert_leg((ccesec_role)-1, (ccesec_role)CCESEC_ROLE_COUNT, "unknown-unknown");
}

static void test_same_role_and_others(void)
{
    assert_leg(CCESEC_ROLE_CUCM, CCESEC_ROLE_CUCM, "CUCM-CUCM");
    assert_leg(CCESEC_ROLE_CVP, CCESEC_ROLE_CVP, "CVP-CVP");
    assert_leg(CCESEC_ROLE_PHONE, CCESEC_ROLE_PHONE, "PHONE-PHONE");
    assert_leg(CCESEC_ROLE_VVB, CCESEC_ROLE_CUCM, "VVB-CUCM");
    assert_leg(CCESEC_ROLE_VVB, CCESEC_ROLE_PHONE, "VVB-PHONE");
    assert_leg(CCESEC_ROLE_CUBE, CCESEC_ROLE_PHONE, "CUBE-PHONE");
}

static void test_every_pair_is_static_and_symmetric(void)
{
    for (int a = CCESEC_ROLE_UNKNOWN; a < CCESEC_ROLE_COUNT; a++) {
        for (int b = CCESEC_ROLE_UNKNOWN; b < CCESEC_ROLE_COUNT; b++) {
            const char *name = ccesec_leg_name((ccesec_role)a, (ccesec_role)b);
            g_assert_nonnull(name);
            /* The same pointer both ways: a static table, nothing allocated. */
            g_assert_true(name == ccesec_leg_name((ccesec_role)b, (ccesec_role)a));
            g_assert_nonnull(strchr(name, '-'));
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/legs/expected-both-directions", test_expected_legs_both_directions);
    g_test_add_func("/legs/expected-list", test_expected_legs_list);
    g_test_add_func("/legs/unknown-sides", test_unknown_sides);
    g_test_add_func("/legs/same-role-and-others", test_same_role_and_others);
    g_test_add_func("/legs/every-pair", test_every_pair_is_static_and_symmetric);
    return g_test_run();
}
