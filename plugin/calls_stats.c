/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The calls table: `tshark -q -z ccesec,calls[,FILTER]` and Statistics > CCE SIP Signalling
 * Security: Calls and Media in the GUI (its title sorts it right after the legs table, so the
 * legs table keeps its place in the menu). Its first table has one row per leg, with the
 * leg's call and the call's verdict (its weakest leg); its second says, per watched connection,
 * whether its SIP is visible, and when it is not, that its calls cannot be shown and how to get the
 * key log. A packet updates only the rows of its own call or connection.
 */
#include "ccesec.h"

#include <epan/stat_tap_ui.h>
#include <epan/strutil.h>
#include <epan/tap.h>
#include "ccesec/cipher.h"

enum {
    C_CALL,
    C_CALL_VERDICT,
    C_POSITION,
    C_LEG,
    C_CONN,
    C_SIGNALLING,
    C_MEDIA,
    C_LEG_VERDICT,
    C_REASON,
    C_FIRST,
    C_LAST,
    C_COUNT
};

static stat_tap_table_item call_columns[C_COUNT] = {
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Call", "%-32s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Call verdict", "%-19s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Leg #", "%5s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Leg", "%-12s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Conn", "%4s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Signalling", "%-10s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Media", "%-40s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Leg verdict", "%-19s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Reason", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "First seen", "%11s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Last seen", "%11s"},
};

static const char CALLS_TITLE[] = "Calls";
static const char VISIBILITY_TITLE[] = "SIP visibility";

/* The visibility table shares the layout: SIP visibility in the Media column. */
enum { V_CONN = C_CONN, V_LEG = C_LEG, V_SIP = C_MEDIA, V_NOTE = C_REASON };

static GArray *leg_rows;           /* guint per leg: row + 1, 0 = none yet */
static GHashTable *conn_rows;      /* conn -> row + 1 */
static guint invisible_conns;      /* watched connections whose SIP is not visible */
static GHashTable *conn_invisible; /* conn -> counted in invisible_conns */
static gboolean placeholder;       /* row 0 of the calls table says why none is visible */

static const char KEYLOG_HOWTO[] =
    "give Wireshark the TLS key log of one side (tshark -o tls.keylog_file:FILE, or "
    "Preferences > Protocols > TLS): stacks on OpenSSL or NSS write it with SSLKEYLOGFILE, "
    "Java stacks (CVP, VVB) with a key-log agent (e.g. extract-tls-secrets); CUBE and CUCM "
    "cannot export their keys";

/* Values come off the wire (Call-ID, Cisco-Guid): escaped before they reach the table. */
static void set_cell(stat_tap_table *table, guint row, guint col, const char *value)
{
    char *escaped =
        format_text(NULL, (const void *)(value ? value : ""), value ? strlen(value) : 0);
    ccesec_cell_set(table, row, col, escaped);
    wmem_free(NULL, escaped);
}

static guint add_row(stat_tap_table *table)
{
    stat_tap_table_item_type items[C_COUNT];
    memset(items, 0, sizeof items);
    for (guint col = 0; col < C_COUNT; col++) {
        items[col].type = TABLE_ITEM_STRING;
        items[col].value.string_value = g_strdup("");
    }
    guint row = table->num_elements;
    stat_tap_init_table_row(table, row, C_COUNT, items);
    return row;
}

static void reset_bookkeeping(void)
{
    if (leg_rows)
        g_array_set_size(leg_rows, 0);
    else
        leg_rows = g_array_new(FALSE, TRUE, sizeof(guint));
    if (conn_rows)
        g_hash_table_remove_all(conn_rows);
    else
        conn_rows = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (conn_invisible)
        g_hash_table_remove_all(conn_invisible);
    else
        conn_invisible = g_hash_table_new(g_direct_hash, g_direct_equal);
    invisible_conns = 0;
    placeholder = FALSE;
}

static void stats_init(stat_tap_table_ui *ui)
{
    reset_bookkeeping();
    if (stat_tap_find_table(ui, CALLS_TITLE))
        return;
    stat_tap_add_table(ui, stat_tap_init_table(CALLS_TITLE, C_COUNT, 0, NULL));
    stat_tap_add_table(ui, stat_tap_init_table(VISIBILITY_TITLE, C_COUNT, 0, NULL));
}

static const char *seconds(char *buf, gsize len, double t)
{
    g_snprintf(buf, len, "%.6f", t);
    return buf;
}

static guint leg_row(stat_tap_table *table, guint leg)
{
    if (leg >= leg_rows->len)
        g_array_set_size(leg_rows, leg + 1);
    guint *slot = &g_array_index(leg_rows, guint, leg);
    if (*slot == 0 && placeholder) {
        placeholder = FALSE; /* the first visible leg takes the note's row */
        for (guint col = 0; col < C_COUNT; col++)
            set_cell(table, 0, col, "");
        *slot = 1;
    }
    if (*slot == 0)
        *slot = add_row(table) + 1;
    return *slot - 1;
}

static void fill_leg_row(stat_tap_table *table, const ccesec_calls *calls, const ccesec_call *call,
                         guint position, const char *call_verdict)
{
    guint leg_index = call->legs[position];
    const ccesec_call_leg *leg = ccesec_calls_leg(calls, leg_index);
    const ccesec_conn *conn = ccesec_calls_conn(leg->conn);
    guint row = leg_row(table, leg_index);
    char buf[CCESEC_CALL_TEXT_MAX + CCESEC_JOIN_TEXT_MAX + 16];
    ccesec_leg_verdict verdict;
    ccesec_calls_evaluate_leg(leg_index, &verdict);
    set_cell(table, row, C_CALL, call->id);
    set_cell(table, row, C_CALL_VERDICT, call_verdict);
    g_snprintf(buf, sizeof buf, "%u/%u", position + 1, call->n_legs);
    set_cell(table, row, C_POSITION, buf);
    set_cell(table, row, C_LEG, conn ? ccesec_conn_leg(conn) : "?");
    g_snprintf(buf, sizeof buf, "%u", leg->conn);
    set_cell(table, row, C_CONN, buf);
    set_cell(table, row, C_SIGNALLING, conn ? ccesec_status_name(conn->status) : "?");
    ccesec_leg_media_text(leg, buf, sizeof buf);
    set_cell(table, row, C_MEDIA, buf);
    set_cell(table, row, C_LEG_VERDICT, ccesec_call_verdict_name(verdict.verdict));
    if (leg->joined_by[0])
        g_snprintf(buf, sizeof buf, "%s (joined the call by %s)", verdict.text, leg->joined_by);
    else
        g_strlcpy(buf, verdict.text, sizeof buf);
    set_cell(table, row, C_REASON, buf);
    set_cell(table, row, C_FIRST, seconds(buf, sizeof buf, leg->first_seen));
    set_cell(table, row, C_LAST, seconds(buf, sizeof buf, leg->last_seen));
}

/* Every leg of the call the leg belongs to now: a join renames the joined legs' call. */
static void fill_call(stat_tap_table *table, guint leg_index)
{
    const ccesec_calls *calls = ccesec_calls_state();
    const ccesec_call_leg *leg = ccesec_calls_leg(calls, leg_index);
    if (!leg)
        return;
    guint root = ccesec_calls_root(calls, leg->call);
    const ccesec_call *call = ccesec_calls_get(calls, root);
    const char *verdict = ccesec_call_verdict_name(ccesec_calls_verdict(root));
    for (guint i = 0; i < call->n_legs; i++)
        fill_leg_row(table, calls, call, i, verdict);
}

static const char *visibility(const ccesec_conn *conn)
{
    if (conn->facts.sip_decrypted)
        return conn->facts.server_hello &&
                       (ccesec_cipher_flags(conn->facts.cipher) & CCESEC_CIPHER_NULL_ENC)
                   ? "visible (NULL cipher)"
                   : "SIP visible (decrypted with the key log)";
    if (conn->facts.sip_in_clear)
        return "SIP visible (in clear)";
    return "SIP not visible";
}

static void fill_conn_row(stat_tap_table *table, const ccesec_conn *conn)
{
    gpointer found = g_hash_table_lookup(conn_rows, conn);
    guint row = found ? GPOINTER_TO_UINT(found) - 1 : add_row(table);
    if (!found)
        g_hash_table_insert(conn_rows, (gpointer)conn, GUINT_TO_POINTER(row + 1));
    char buf[64];
    g_snprintf(buf, sizeof buf, "%u", conn->number);
    set_cell(table, row, V_CONN, buf);
    set_cell(table, row, V_LEG, ccesec_conn_leg(conn));
    set_cell(table, row, C_SIGNALLING, ccesec_status_name(conn->status));
    set_cell(table, row, C_CALL, "-");
    gboolean visible = ccesec_calls_sip_visible(conn);
    set_cell(table, row, V_SIP, visibility(conn));
    set_cell(table, row, C_FIRST, seconds(buf, sizeof buf, nstime_to_sec(&conn->first_seen)));
    set_cell(table, row, C_LAST, seconds(buf, sizeof buf, nstime_to_sec(&conn->last_seen)));
    gboolean counted = g_hash_table_contains(conn_invisible, conn);
    gboolean hidden_tls = !visible && conn->facts.transport == CCESEC_TRANSPORT_TLS;
    if (hidden_tls && !counted) {
        g_hash_table_add(conn_invisible, (gpointer)conn);
        invisible_conns++;
    } else if (!hidden_tls && counted) {
        g_hash_table_remove(conn_invisible, conn);
        invisible_conns--;
    }
    if (hidden_tls) {
        char *note = g_strdup_printf("TLS without its key log: the calls on this connection "
                                     "are not visible, and ccesec does not guess them from "
                                     "timing; %s",
                                     KEYLOG_HOWTO);
        set_cell(table, row, V_NOTE, note);
        g_free(note);
    } else if (visible) {
        set_cell(table, row, V_NOTE, "its dialogs are followed in the Calls table");
    } else {
        set_cell(table, row, V_NOTE, "no SIP message seen on this connection");
    }
}

/* While no leg is visible, the calls table says why. */
static void note_invisible_calls(stat_tap_table *table)
{
    if (table->num_elements > (placeholder ? 1u : 0u))
        return;
    if (invisible_conns == 0) {
        if (placeholder)
            set_cell(table, 0, C_REASON, "no SIP dialog of a call seen");
        return;
    }
    if (!placeholder) {
        add_row(table);
        placeholder = TRUE;
    }
    char *note = g_strdup_printf(
        "%u SIP connection%s over TLS without the key log: calls are not visible (ccesec "
        "never guesses a call from timing); %s",
        invisible_conns, invisible_conns == 1 ? "" : "s", KEYLOG_HOWTO);
    set_cell(table, 0, C_CALL, "(none visible)");
    set_cell(table, 0, C_CALL_VERDICT, "not visible");
    set_cell(table, 0, C_REASON, note);
    g_free(note);
}

static tap_packet_status stats_packet(void *tapdata, packet_info *pinfo _U_,
                                      epan_dissect_t *edt _U_, const void *data,
                                      tap_flags_t flags _U_)
{
    stat_data_t *stat_data = (stat_data_t *)tapdata;
    const ccesec_calls_tap_data *info = (const ccesec_calls_tap_data *)data;
    stat_tap_table *calls = stat_tap_find_table(stat_data->stat_tap_data, CALLS_TITLE);
    stat_tap_table *conns = stat_tap_find_table(stat_data->stat_tap_data, VISIBILITY_TITLE);
    if (!calls || !conns || !info || !ccesec_calls_state())
        return TAP_PACKET_DONT_REDRAW;
    if (info->conn) {
        fill_conn_row(conns, info->conn);
        note_invisible_calls(calls);
    }
    if (info->leg >= 0)
        fill_call(calls, (guint)info->leg);
    return TAP_PACKET_REDRAW;
}

static void stats_reset(stat_tap_table *table)
{
    reset_bookkeeping();
    ccesec_cells_drop_rows(table, C_COUNT);
}

static stat_tap_table_ui *registered_ui;

static void free_stats(void)
{
    if (registered_ui && registered_ui->tables) {
        free_stat_tables(registered_ui);
        g_array_free(registered_ui->tables, TRUE);
        registered_ui->tables = NULL;
    }
    if (leg_rows)
        g_array_free(leg_rows, TRUE);
    if (conn_rows)
        g_hash_table_destroy(conn_rows);
    if (conn_invisible)
        g_hash_table_destroy(conn_invisible);
    leg_rows = NULL;
    conn_rows = conn_invisible = NULL;
}

void ccesec_calls_stats_register(void)
{
    static tap_param params[] = {{PARAM_FILTER, "filter", "Filter", NULL, TRUE}};
    static stat_tap_table_ui table_ui = {REGISTER_PACKET_STAT_GROUP_UNSORTED,
                                         "CCE SIP Signalling Security: Calls and Media",
                                         "ccesec_calls",
                                         "ccesec,calls",
                                         stats_init,
                                         stats_packet,
                                         stats_reset,
                                         ccesec_cell_free,
                                         NULL,
                                         G_N_ELEMENTS(call_columns),
                                         call_columns,
                                         G_N_ELEMENTS(params),
                                         params,
                                         NULL,
                                         0};
    register_stat_tap_table_ui(&table_ui);
    registered_ui = &table_ui;
    register_shutdown_routine(free_stats);
}
