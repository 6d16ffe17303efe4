/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The leg report: one statistics table, `tshark -q -z ccesec,legs[,FILTER]` and
 * Statistics > CCE SIP Signalling Security in the GUI. Its first table lists every
 * connection in its latest state; the second answers the document's question per expected
 * leg: secure, NOT secure (why), or not seen.
 */
#include "ccesec.h"

#include <epan/stat_tap_ui.h>
#include <epan/strutil.h>
#include <epan/tap.h>
#include "ccesec/cipher.h"
#include "ccesec/legs.h"

int ccesec_tap = -1;

enum {
    COL_CONN,
    COL_LEG,
    COL_CLIENT_ROLE,
    COL_CLIENT,
    COL_SERVER_ROLE,
    COL_SERVER,
    COL_TRANSPORT,
    COL_VERSION,
    COL_CIPHER,
    COL_CERT,
    COL_STATUS,
    COL_REASON,
    COL_PACKETS,
    COL_FIRST,
    COL_LAST,
    COL_COUNT
};

static stat_tap_table_item columns[COL_COUNT] = {
    {TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Conn", "%4s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Leg", "%-14s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Client role", "%-7s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Client", "%-22s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Server role", "%-7s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Server", "%-22s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Transport", "%-4s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "TLS version", "%-8s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Cipher", "%-40s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Cert CN", "%-24s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Status", "%-10s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Reason", "%s"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Packets", "%6u"},
    {TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "First seen", "%11s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Last seen", "%11s"},
};

static const char CONNECTIONS_TITLE[] = "Connections";
static const char LEGS_TITLE[] = "Expected legs";

/* Tap-side bookkeeping, reset with the tables. Each tapped connection remembers its row and
 * what it last added to the leg verdicts, so a packet updates them in constant time. */
typedef struct {
    const ccesec_conn *conn;
    guint row;
    int leg;       /* index in ccesec_expected_legs, or -1 */
    gboolean bad;  /* not secure (yet) */
    guint packets; /* packets tapped */
} tapped_conn;

typedef struct {
    guint seen, bad, packets;
    const tapped_conn *first_bad; /* lowest-numbered connection not secure */
} leg_tally;

/* One run of the table: each `-z ccesec,legs[,FILTER]` of tshark, each fill of the GUI
 * dialog. Wireshark keeps the tables in the one registered stat_tap_table_ui, which every
 * run would share (two filters, one table, every packet counted twice). So on its first
 * packet a run claims its stat_data: it points it at the run's own copy of the UI, with its
 * own tables, which tshark prints and the GUI shows. A run that sees no packet shows the
 * registered tables, which packets never touch: empty, every leg "not seen". */
typedef struct {
    stat_tap_table_ui ui;   /* first member: the run is found from its stat_data */
    GHashTable *tapped;     /* conn -> tapped_conn */
    GPtrArray *tapped_list; /* tapped_conn, in order of first tap */
    leg_tally tallies[CCESEC_EXPECTED_LEG_COUNT];
    guint32 roles_epoch; /* roles as they were when the rows were last filled */
} stats_run;

static stat_tap_table_ui *registered_ui;
/* Every run, kept to the end of the session: a GUI dialog shows its rows until it closes. */
static GPtrArray *runs;

/* The table is printed with '|' between columns and one row per line: keep both out of
 * values (certificate names come off the wire). */
static char *table_text(const char *value)
{
    char *text = g_strdup(value);
    for (char *c = text; *c; c++)
        if (*c == '|' || *c == '\n' || *c == '\r')
            *c = '/';
    return text;
}

void ccesec_cell_set(stat_tap_table *table, guint row, guint col, const char *value)
{
    stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, col);
    if (item->value.string_value && strcmp(item->value.string_value, value) == 0 &&
        !strpbrk(value, "|\r\n"))
        return;
    g_free((char *)item->value.string_value);
    item->type = TABLE_ITEM_STRING;
    item->value.string_value = table_text(value);
}

static void set_uint(stat_tap_table *table, guint row, guint col, guint value)
{
    stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, col);
    item->type = TABLE_ITEM_UINT;
    item->value.uint_value = value;
}

static void init_row(stat_tap_table *table, guint row)
{
    stat_tap_table_item_type items[COL_COUNT];
    memset(items, 0, sizeof items);
    for (guint col = 0; col < COL_COUNT; col++) {
        items[col].type = columns[col].type;
        if (columns[col].type == TABLE_ITEM_STRING)
            items[col].value.string_value = g_strdup("");
    }
    stat_tap_init_table_row(table, row, COL_COUNT, items);
}

static void init_leg_rows(stat_tap_table *legs)
{
    for (guint i = 0; i < CCESEC_EXPECTED_LEG_COUNT; i++) {
        init_row(legs, i);
        ccesec_cell_set(legs, i, COL_CONN, "-");
        ccesec_cell_set(legs, i, COL_LEG, ccesec_expected_legs[i]);
        ccesec_cell_set(legs, i, COL_STATUS, "not seen");
        ccesec_cell_set(legs, i, COL_REASON, "not seen in this capture");
    }
}

static void reset_bookkeeping(stats_run *run)
{
    g_hash_table_remove_all(run->tapped);
    g_ptr_array_set_size(run->tapped_list, 0);
    memset(run->tallies, 0, sizeof run->tallies);
}

static void add_tables(stat_tap_table_ui *ui)
{
    if (stat_tap_find_table(ui, CONNECTIONS_TITLE))
        return;
    stat_tap_add_table(ui, stat_tap_init_table(CONNECTIONS_TITLE, COL_COUNT, 0, NULL));
    stat_tap_table *legs = stat_tap_init_table(LEGS_TITLE, COL_COUNT, 0, NULL);
    stat_tap_add_table(ui, legs);
    init_leg_rows(legs);
}

static void stats_init(stat_tap_table_ui *ui)
{
    add_tables(ui);
}

/* The run of this stat_data, claimed on its first packet (see stats_run). */
static stats_run *run_for(stat_data_t *stat_data)
{
    if (stat_data->stat_tap_data != registered_ui)
        return (stats_run *)stat_data->stat_tap_data;
    stats_run *run = g_new0(stats_run, 1);
    run->ui = *registered_ui;
    run->ui.tables = NULL;
    add_tables(&run->ui);
    run->tapped = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    run->tapped_list = g_ptr_array_new();
    if (!runs)
        runs = g_ptr_array_new();
    g_ptr_array_add(runs, run);
    stat_data->stat_tap_data = &run->ui;
    return run;
}

/* The run a table belongs to; NULL for the registered tables. */
static stats_run *run_of_table(const stat_tap_table *table)
{
    for (guint i = 0; runs && i < runs->len; i++) {
        stats_run *run = (stats_run *)g_ptr_array_index(runs, i);
        for (guint t = 0; t < run->ui.tables->len; t++)
            if (g_array_index(run->ui.tables, stat_tap_table *, t) == table)
                return run;
    }
    return NULL;
}

static const char *time_text(char *buf, gsize len, const nstime_t *t)
{
    g_snprintf(buf, len, "%.6f", nstime_to_sec(t));
    return buf;
}

static void fill_tls_columns(stat_tap_table *table, guint row, const ccesec_conn *conn)
{
    const ccesec_conn_facts *facts = &conn->facts;
    gboolean version_known = facts->server_hello || facts->version_from_records;
    const char *version = version_known ? ccesec_tls_version_name(facts->version) : NULL;
    const char *cipher =
        facts->server_hello && facts->cipher ? ccesec_cipher_name(facts->cipher) : NULL;
    ccesec_cell_set(table, row, COL_VERSION, version ? version : "");
    ccesec_cell_set(table, row, COL_CIPHER, cipher ? cipher : "");
    const char *cn = facts->server_cert ? facts->server_cert->subject_cn : "";
    char *escaped = format_text(NULL, (const void *)cn, strlen(cn));
    ccesec_cell_set(table, row, COL_CERT, escaped);
    wmem_free(NULL, escaped);
}

static void fill_conn_row(stat_tap_table *table, guint row, const ccesec_conn *conn,
                          const ccesec_verdict *outcome)
{
    char buf[64];
    g_snprintf(buf, sizeof buf, "%u", conn->number);
    ccesec_cell_set(table, row, COL_CONN, buf);
    ccesec_cell_set(table, row, COL_LEG, ccesec_conn_leg(conn));
    for (int side = CCESEC_CLIENT; side <= CCESEC_SERVER; side++) {
        guint role_col = side == CCESEC_CLIENT ? COL_CLIENT_ROLE : COL_SERVER_ROLE;
        ccesec_role role = ccesec_conn_role(conn, (ccesec_side)side, NULL);
        ccesec_cell_set(table, row, role_col, ccesec_role_name(role));
        char *endpoint = ccesec_endpoint_text(NULL, conn, (ccesec_side)side);
        ccesec_cell_set(table, row, role_col + 1, endpoint);
        wmem_free(NULL, endpoint);
    }
    ccesec_cell_set(table, row, COL_TRANSPORT, ccesec_transport_name(conn->facts.transport));
    fill_tls_columns(table, row, conn);
    ccesec_cell_set(table, row, COL_STATUS, ccesec_status_name(outcome->status));
    ccesec_cell_set(table, row, COL_REASON, outcome->reason);
    ccesec_cell_set(table, row, COL_FIRST, time_text(buf, sizeof buf, &conn->first_seen));
    ccesec_cell_set(table, row, COL_LAST, time_text(buf, sizeof buf, &conn->last_seen));
}

static int expected_leg_index(const char *leg)
{
    for (int i = 0; i < CCESEC_EXPECTED_LEG_COUNT; i++)
        if (strcmp(ccesec_expected_legs[i], leg) == 0)
            return i;
    return -1;
}

/* The bad connection of a leg with the lowest number, after the previous one left. */
static const tapped_conn *find_first_bad(const stats_run *run, int leg)
{
    const tapped_conn *first = NULL;
    for (guint i = 0; i < run->tapped_list->len; i++) {
        const tapped_conn *t = (const tapped_conn *)g_ptr_array_index(run->tapped_list, i);
        if (t->leg == leg && t->bad && (!first || t->conn->number < first->conn->number))
            first = t;
    }
    return first;
}

static void tally_remove(stats_run *run, const tapped_conn *t)
{
    if (t->leg < 0)
        return;
    leg_tally *tally = &run->tallies[t->leg];
    tally->seen--;
    tally->packets -= t->packets;
    if (t->bad)
        tally->bad--;
    if (tally->first_bad == t)
        tally->first_bad = NULL; /* looked up again by tally_add's caller */
}

static void tally_add(stats_run *run, const tapped_conn *t)
{
    if (t->leg < 0)
        return;
    leg_tally *tally = &run->tallies[t->leg];
    tally->seen++;
    tally->packets += t->packets;
    if (t->bad) {
        tally->bad++;
        if (!tally->first_bad || t->conn->number < tally->first_bad->conn->number)
            tally->first_bad = t;
    }
}

/* secure / NOT secure (why) / not seen, for one expected leg. */
static void fill_leg_row(stats_run *run, stat_tap_table *legs, int leg)
{
    leg_tally *tally = &run->tallies[leg];
    char text[CCESEC_TEXT_MAX + 64];
    if (tally->bad && !tally->first_bad)
        tally->first_bad = find_first_bad(run, leg);
    set_uint(legs, (guint)leg, COL_PACKETS, tally->packets);
    if (tally->seen == 0) {
        ccesec_cell_set(legs, (guint)leg, COL_STATUS, "not seen");
        ccesec_cell_set(legs, (guint)leg, COL_REASON, "not seen in this capture");
    } else if (tally->bad == 0) {
        g_snprintf(text, sizeof text, "%u connection%s, all secure", tally->seen,
                   tally->seen == 1 ? "" : "s");
        ccesec_cell_set(legs, (guint)leg, COL_STATUS, "secure");
        ccesec_cell_set(legs, (guint)leg, COL_REASON, text);
    } else {
        const ccesec_conn *first = tally->first_bad->conn;
        ccesec_verdict outcome;
        ccesec_conn_outcome((ccesec_conn *)first, &outcome);
        g_snprintf(text, sizeof text, "%u of %u connection%s not secure; connection %u: %s",
                   tally->bad, tally->seen, tally->seen == 1 ? "" : "s", first->number,
                   outcome.reason);
        ccesec_cell_set(legs, (guint)leg, COL_STATUS, "NOT secure");
        ccesec_cell_set(legs, (guint)leg, COL_REASON, text);
    }
}

/* The bookkeeping of a connection, with its row added the first time the tap sees it. */
static tapped_conn *tapped_for(stats_run *run, stat_tap_table *table, const ccesec_conn *conn)
{
    tapped_conn *t = (tapped_conn *)g_hash_table_lookup(run->tapped, conn);
    if (t)
        return t;
    t = g_new0(tapped_conn, 1);
    t->conn = conn;
    t->row = table->num_elements;
    t->leg = -1;
    init_row(table, t->row);
    g_hash_table_insert(run->tapped, (gpointer)conn, t);
    g_ptr_array_add(run->tapped_list, t);
    return t;
}

/* A connection's row and its leg's line, as the connection stands now: the table is read
 * after the last packet, so a pending handshake shows as the end of the capture leaves it. */
static void refresh_row(stats_run *run, stat_tap_table *table, stat_tap_table *legs, tapped_conn *t,
                        guint new_packets)
{
    ccesec_verdict outcome;
    const ccesec_conn *conn = t->conn;
    int old_leg = t->leg;
    tally_remove(run, t);
    t->packets += new_packets;
    ccesec_conn_outcome((ccesec_conn *)conn, &outcome);
    t->leg = expected_leg_index(ccesec_conn_leg(conn));
    t->bad = outcome.status != CCESEC_STATUS_SECURE;
    tally_add(run, t);
    fill_conn_row(table, t->row, conn, &outcome);
    set_uint(table, t->row, COL_PACKETS, t->packets);
    if (old_leg >= 0 && old_leg != t->leg)
        fill_leg_row(run, legs, old_leg);
    if (t->leg >= 0)
        fill_leg_row(run, legs, t->leg);
}

static tap_packet_status stats_packet(void *tapdata, packet_info *pinfo _U_,
                                      epan_dissect_t *edt _U_, const void *data,
                                      tap_flags_t flags _U_)
{
    const ccesec_conn *conn = (const ccesec_conn *)data;
    if (!conn || !registered_ui)
        return TAP_PACKET_DONT_REDRAW;
    stats_run *run = run_for((stat_data_t *)tapdata);
    stat_tap_table *table = stat_tap_find_table(&run->ui, CONNECTIONS_TITLE);
    stat_tap_table *legs = stat_tap_find_table(&run->ui, LEGS_TITLE);
    if (!table || !legs)
        return TAP_PACKET_DONT_REDRAW;
    tapped_conn *t = tapped_for(run, table, conn);
    refresh_row(run, table, legs, t, 1);
    /* A role learnt since (here or on another connection) renames legs and reasons of rows
     * filled before: rarely, once per address. */
    if (run->roles_epoch != ccesec_conn_roles_epoch()) {
        run->roles_epoch = ccesec_conn_roles_epoch();
        for (guint i = 0; i < run->tapped_list->len; i++)
            refresh_row(run, table, legs, (tapped_conn *)g_ptr_array_index(run->tapped_list, i), 0);
    }
    return TAP_PACKET_REDRAW;
}

static void stats_reset(stat_tap_table *table)
{
    stats_run *run = run_of_table(table);
    if (run)
        reset_bookkeeping(run);
    for (guint row = 0; row < table->num_elements; row++) {
        for (guint col = 0; col < COL_COUNT; col++) {
            stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, col);
            if (item->type == TABLE_ITEM_STRING) {
                g_free((char *)item->value.string_value);
                item->value.string_value = g_strdup("");
            }
        }
    }
    if (strcmp(table->title, LEGS_TITLE) == 0) {
        for (guint i = 0; i < CCESEC_EXPECTED_LEG_COUNT && i < table->num_elements; i++) {
            ccesec_cell_set(table, i, COL_CONN, "-");
            ccesec_cell_set(table, i, COL_LEG, ccesec_expected_legs[i]);
            set_uint(table, i, COL_PACKETS, 0);
            ccesec_cell_set(table, i, COL_STATUS, "not seen");
            ccesec_cell_set(table, i, COL_REASON, "not seen in this capture");
        }
    } else {
        /* Connections are rows of the last run: drop them (their strings are freed above). */
        ccesec_cells_drop_rows(table, COL_COUNT);
    }
}

void ccesec_cells_drop_rows(stat_tap_table *table, guint columns)
{
    for (guint row = 0; row < table->num_elements; row++) {
        for (guint col = 0; col < columns; col++) {
            stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, col);
            if (item->type == TABLE_ITEM_STRING)
                g_free((char *)item->value.string_value);
        }
        g_free(table->elements[row]);
    }
    table->num_elements = 0;
}

void ccesec_cell_free(stat_tap_table *table _U_, guint row _U_, guint column _U_,
                      stat_tap_table_item_type *field)
{
    if (field->type == TABLE_ITEM_STRING)
        g_free((char *)field->value.string_value);
}

static void free_tables(stat_tap_table_ui *ui)
{
    if (ui && ui->tables) {
        free_stat_tables(ui);
        /* the array holding the tables is made by stat_tap_add_table; nobody else frees it */
        g_array_free(ui->tables, TRUE);
        ui->tables = NULL;
    }
}

static void free_stats(void)
{
    free_tables(registered_ui);
    for (guint i = 0; runs && i < runs->len; i++) {
        stats_run *run = (stats_run *)g_ptr_array_index(runs, i);
        free_tables(&run->ui);
        g_hash_table_destroy(run->tapped);
        g_ptr_array_free(run->tapped_list, TRUE);
        g_free(run);
    }
    if (runs)
        g_ptr_array_free(runs, TRUE);
    runs = NULL;
}

void ccesec_stats_register(void)
{
    static tap_param params[] = {{PARAM_FILTER, "filter", "Filter", NULL, TRUE}};
    /* PACKET_STAT_GROUP_UNSORTED: the Qt GUI lists it in the Statistics menu (GENERIC
     * tables are given no menu entry in 4.0). */
    static stat_tap_table_ui table_ui = {REGISTER_PACKET_STAT_GROUP_UNSORTED,
                                         "CCE SIP Signalling Security",
                                         "ccesec",
                                         "ccesec,legs",
                                         stats_init,
                                         stats_packet,
                                         stats_reset,
                                         ccesec_cell_free,
                                         NULL,
                                         G_N_ELEMENTS(columns),
                                         columns,
                                         G_N_ELEMENTS(params),
                                         params,
                                         NULL,
                                         0};
    ccesec_tap = register_tap("ccesec");
    register_stat_tap_table_ui(&table_ui);
    registered_ui = &table_ui;
    register_shutdown_routine(free_stats);
}
