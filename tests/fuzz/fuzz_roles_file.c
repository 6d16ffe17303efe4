/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the roles CSV loader: any bytes must load without a crash, a leak
 * or a read past the buffer, and lookups on the resulting table must stay in bounds.
 */
#include "ccesec/roles.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const probe_addresses[] = {
    "198.18.133.3", "198.18.133.13", "198.18.133.226", "10.0.0.1", "2001:db8::1", "::",
};

static void probe_lookups(const ccesec_role_table *table)
{
    for (size_t i = 0; i < G_N_ELEMENTS(probe_addresses); i++) {
        ccesec_addr addr;
        if (!ccesec_cidr_parse(probe_addresses[i], &addr, NULL, NULL))
            abort(); /* the probes themselves are valid addresses */
        const ccesec_role_entry *entry = ccesec_role_table_lookup(table, &addr);
        if (entry == NULL)
            continue;
        if (!ccesec_cidr_contains(&entry->net, entry->prefix_len, &addr))
            abort(); /* a lookup must only answer a row that covers the address */
        if (entry->expected_sha256 != NULL && strlen(entry->expected_sha256) != 64)
            abort();
        (void)ccesec_role_name(entry->role);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ccesec_role_table *table = ccesec_role_table_new();
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    /* A heap copy of exactly size bytes, so ASan sees any read past the end. */
    char *text = g_memdup2(data, size);
    guint added = ccesec_roles_csv_load_text(table, text, size, "fuzz.csv", errors);
    if (added != ccesec_role_table_size(table))
        abort();
    probe_lookups(table);
    g_free(text);
    g_ptr_array_free(errors, TRUE);
    ccesec_role_table_free(table);
    return 0;
}
