/*  writer close — see close.h. */
#include "close.h"
#include "eod_date.h"
#include "eod_grammar.h"
#include "eod_journal.h"
#include "eod_kis_fields.h"
#include "eod_log.h"
#include "eod_util.h"
#include "writer_csv.h"

#include <czmq.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_CODE_COLUMN 1   //  of both files: date (or trade_date), code, ...
#define S_SIDECAR_COLUMNS 4
#define S_DIR_MODE 0755

//  The file's columns and the chart's key whose multi-quote field fills it
//  (eod_kis_mq_field); NULL: the date, the code.
static const struct {
    const char *column;
    const char *chart;
} s_columns[] = {{"date", NULL},
                 {"code", NULL},
                 {"name", "hts_kor_isnm"},
                 {"open", "stck_oprc"},
                 {"high", "stck_hgpr"},
                 {"low", "stck_lwpr"},
                 {"close", "stck_clpr"},
                 {"volume", "acml_vol"},
                 {"value", "acml_tr_pbmn"},
                 {"prev_close", "stck_prdy_clpr"},
                 {"change", "prdy_vrss"},
                 {"sign", "prdy_vrss_sign"},
                 {"rate", "prdy_ctrt"}};
#define S_COLUMNS (sizeof s_columns / sizeof s_columns[0])

static const char *const s_sidecar_header[S_SIDECAR_COLUMNS] = {"trade_date", "code", "kind", "detail"};

size_t
writer_close_columns (const char *const **columns)
{
    static const char *names[S_COLUMNS];
    for (size_t i = 0; i < S_COLUMNS; i++)
        names[i] = s_columns[i].column;
    *columns = names;
    return S_COLUMNS;
}

//  A line of a file and the code it is of.
typedef struct {
    char *code;
    char *line;   //  with its '\n'
} s_line_t;

typedef struct {
    s_line_t *items;
    size_t count, cap;
} s_lines_t;

typedef struct {
    const writer_close_conf_t *conf;
    eod_date_t session;
    char date[EOD_DATE_ISO_SIZE];
    char compact[EOD_DATE_COMPACT_SIZE];
    zhashx_t *brought;    //  codes the journal brings (written)
    s_lines_t rows;       //  their lines
    s_lines_t findings;   //  their sidecar lines
    writer_close_counts_t *counts;
    int rc;
} s_fold_t;

static int
s_lines_add (s_lines_t *lines, const char *code, char *line)
{
    if (lines->count == lines->cap) {
        size_t cap = lines->cap ? 2 * lines->cap : 64;
        s_line_t *bigger = realloc (lines->items, cap * sizeof *bigger);
        if (!bigger)
            return -1;
        lines->items = bigger;
        lines->cap = cap;
    }
    char *copy = strdup (code);
    if (!copy)
        return -1;
    lines->items[lines->count++] = (s_line_t){copy, line};
    return 0;
}

static void
s_lines_clear (s_lines_t *lines)
{
    for (size_t i = 0; i < lines->count; i++) {
        free (lines->items[i].code);
        free (lines->items[i].line);
    }
    free (lines->items);
    memset (lines, 0, sizeof *lines);
}

static int
s_line_cmp (const void *a, const void *b)
{
    const s_line_t *x = a, *y = b;
    int rc = strcmp (x->code, y->code);
    return rc ? rc : strcmp (x->line, y->line);
}

//  Appends values[0..n) as a CSV line of code to lines. 0 or -1.
static int
s_lines_put (s_lines_t *lines, const char *code, const char *const *values, size_t n)
{
    char *line = NULL;
    size_t len;
    if (writer_csv_line (values, n, &line, &len) || s_lines_add (lines, code, line)) {
        free (line);
        return -1;
    }
    return 0;
}

//  ---------------------------------------------------------------- the journal

//  Validation of one quoted row, under the chart's column names.
static int
s_validate (s_fold_t *fold, const char *code, const char *const *values)
{
    eod_fields_t row = EOD_FIELDS_INIT, none = EOD_FIELDS_INIT;
    int rc = eod_fields_set (&row, "stck_bsop_date", fold->compact);
    for (size_t i = 0; i < S_COLUMNS && rc == 0; i++)
        if (s_columns[i].chart)
            rc = eod_fields_set (&row, s_columns[i].chart, values[i]);
    const char *chart[WRITER_CSV_VALUES_MAX];
    char date[WRITER_CSV_DATE_SIZE];
    writer_validate_finding_t found[WRITER_VALIDATE_FINDINGS_MAX];
    size_t n = 0;
    if (rc == 0 && writer_csv_row_values ("kr", &row, &none, &none, code, false, chart, date) == 0) {
        const char *const *names;
        n = writer_validate_row (&fold->conf->rules, "kr", chart, writer_csv_columns ("kr", &names), NULL, found);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *line[S_SIDECAR_COLUMNS] = {fold->date, code, writer_validate_kind_name (found[i].kind),
                                               found[i].detail};
        rc = s_lines_put (&fold->findings, code, line, S_SIDECAR_COLUMNS);
    }
    fold->counts->findings += (long) n;
    eod_fields_clear (&row);
    return rc;
}

//  One quoted code's row: its values in the file's columns.
static int
s_take_row (s_fold_t *fold, const eod_msg_t *q, const eod_fields_t *quote)
{
    const char *code = eod_fields_get (quote, "inter_shrn_iscd");
    bool asked = false;
    for (size_t i = 0; code && i < q->nlist && !asked; i++)
        asked = strcmp (q->list[i], code) == 0;
    if (!asked || !eod_grammar_ok (EOD_G_KR_CODE, code, NULL, 0) || zhashx_lookup (fold->brought, code))
        return 0;   //  the fetcher keeps only codes asked; a code twice: the first wins
    //  A row is one line of the file: a control character in a value (a
    //  name) is made a space, so the file can be read back line by line.
    const char *values[S_COLUMNS];
    char *own[S_COLUMNS] = {NULL};
    int rc = 0;
    for (size_t i = 0; i < S_COLUMNS && rc == 0; i++) {
        const char *key = s_columns[i].chart ? eod_kis_mq_field (s_columns[i].chart) : NULL;
        const char *value = key ? eod_fields_get (quote, key) : NULL;
        if (!(own[i] = strdup (value ? value : "")))
            rc = -1;
        for (char *p = own[i]; p && *p; p++)
            if ((unsigned char) *p < ' ')
                *p = ' ';
        values[i] = own[i];
    }
    values[0] = fold->date;
    values[S_CODE_COLUMN] = code;
    zhashx_insert (fold->brought, code, (void *) 1);
    fold->counts->quoted++;
    if (rc == 0)
        rc = s_lines_put (&fold->rows, code, values, S_COLUMNS);
    if (rc == 0)
        rc = s_validate (fold, code, values);
    for (size_t i = 0; i < S_COLUMNS; i++)
        free (own[i]);
    return rc;
}

static int
s_take_record (eod_msg_t **msg_p, long record, void *arg)
{
    (void) record;
    s_fold_t *fold = arg;
    const eod_msg_t *q = *msg_p;
    if (q->type != EOD_MSG_QUOTES || !q->date_from || strcmp (q->date_from, fold->date) != 0 || !q->status
        || (strcmp (q->status, "ok") != 0 && strcmp (q->status, "nodata") != 0))
        return 0;
    //  The quote has no date: it is the session's only when asked inside
    //  the window, and the journal says when it was.
    eod_quote_window_verdict_t verdict = eod_quote_window_check (fold->conf->window, fold->conf->cal, EOD_MARKET_KR,
                                                                 fold->session, (time_t) q->asked_at);
    if (verdict != EOD_QUOTE_WINDOW_OPEN) {
        fold->counts->window += (long) q->nrows;
        eod_log_warn ("%s: quotes of %s asked outside the window (%s): not written", q->task_id, fold->date,
                      eod_quote_window_reason (verdict));
        return 0;
    }
    for (size_t i = 0; i < q->nrows && fold->rc == 0; i++)
        if (s_take_row (fold, q, &q->rows[i]))
            fold->rc = -1;
    return fold->rc;
}

//  ---------------------------------------------------------------- the files

//  Lines of the file at path whose code the journal does not bring, into
//  lines (the header skipped). 0 (no file: none), or -1 (logged).
static int
s_keep_existing (s_fold_t *fold, const char *path, size_t columns, s_lines_t *lines)
{
    FILE *f = fopen (path, "r");
    if (!f)
        return errno == ENOENT ? 0 : -1;
    char *line = NULL, *fields[S_COLUMNS];
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    for (long n = 0; rc == 0 && (len = getline (&line, &cap, f)) > 0; n++) {
        if (n == 0)
            continue;   //  the header
        if (writer_csv_split (line, (size_t) len, fields, columns)) {
            eod_log_warn ("%s:%ld: not a line of %zu columns: dropped", path, n + 1, columns);
            continue;
        }
        const char *code = fields[S_CODE_COLUMN];
        if (!zhashx_lookup (fold->brought, code)) {
            char *copy = strdup (line);
            if (!copy || s_lines_add (lines, code, copy)) {
                free (copy);
                rc = -1;
            }
        }
        for (size_t i = 0; i < columns; i++)
            free (fields[i]);
    }
    free (line);
    fclose (f);
    if (rc)
        eod_log_error ("%s: out of memory", path);
    return rc;
}

//  Writes lines (sorted here) under header to path: temp name, fsync,
//  rename. No line and empty: the file is removed (a sidecar with nothing
//  found), unless must. Returns the lines written, or -1 (logged).
static long
s_write (const char *path, const char *const *header, size_t columns, s_lines_t *lines, bool must)
{
    if (lines->count == 0 && !must) {
        unlink (path);
        return 0;
    }
    qsort (lines->items, lines->count, sizeof *lines->items, s_line_cmp);
    FILE *f = writer_finish_open (path);
    if (!f) {
        eod_log_error ("%s: %s", path, strerror (errno));
        return -1;
    }
    bool ok = writer_csv_record (f, header, columns) == 0;
    for (size_t i = 0; ok && i < lines->count; i++)
        ok = fputs (lines->items[i].line, f) >= 0;
    if (writer_finish_close (&f, path, ok)) {
        eod_log_error ("%s: cannot be written: %s", path, strerror (errno));
        return -1;
    }
    return (long) lines->count;
}

//  "DIR/REL" made for a file of rel under data_dir, its directory made. 0
//  or -1 (logged).
static int
s_place (const char *data_dir, const char *rel, char *path, size_t size)
{
    if ((size_t) snprintf (path, size, "%s/%s", data_dir, rel) >= size) {
        eod_log_error ("%s/%s: the path is too long", data_dir, rel);
        return -1;
    }
    char dir[WRITER_PATH_MAX];
    snprintf (dir, sizeof dir, "%s", path);
    *strrchr (dir, '/') = '\0';
    if (eod_mkdirs (dir, S_DIR_MODE)) {
        eod_log_error ("%s: %s", dir, strerror (errno));
        return -1;
    }
    return 0;
}

int
writer_close_fold (const char *journal, const char *data_dir, const char *session, const writer_close_conf_t *conf,
                   writer_file_fn *on_file, void *arg, writer_close_counts_t *counts)
{
    memset (counts, 0, sizeof *counts);
    s_fold_t fold = {.conf = conf, .counts = counts};
    int rc = -1;
    if (eod_date_parse (session, &fold.session) || !eod_date_format (fold.session, fold.date, sizeof fold.date)) {
        eod_log_error ("fast close: \"%s\" is not a session", session);
        return -1;
    }
    eod_date_format_compact (fold.session, fold.compact, sizeof fold.compact);
    fold.brought = zhashx_new ();
    if (!fold.brought)
        return -1;
    if (eod_journal_read (journal, s_take_record, &fold) < 0 || fold.rc) {
        eod_log_error ("%s: the quotes cannot be read", journal);
        goto out;
    }
    rc = 0;
    if (fold.rows.count == 0) {
        eod_log_warn ("%s: no quote of %s to write", journal, fold.date);
        goto out;
    }
    char rel[WRITER_REL_MAX], path[WRITER_PATH_MAX], side_rel[WRITER_REL_MAX], side_path[WRITER_PATH_MAX];
    snprintf (rel, sizeof rel, "close/market=kr/dt=%s/kr_close_%s.csv", fold.date, fold.compact);
    snprintf (side_rel, sizeof side_rel, "anomalies/market=kr/dt=%s/kr_close_%s_anomalies.csv", fold.date,
              fold.compact);
    const char *const *header;
    writer_close_columns (&header);
    rc = -1;
    if (s_place (data_dir, rel, path, sizeof path) || s_place (data_dir, side_rel, side_path, sizeof side_path)
        || s_keep_existing (&fold, path, S_COLUMNS, &fold.rows)
        || s_keep_existing (&fold, side_path, S_SIDECAR_COLUMNS, &fold.findings))
        goto out;
    long rows = s_write (path, header, S_COLUMNS, &fold.rows, true);
    long findings = rows < 0 ? -1 : s_write (side_path, s_sidecar_header, S_SIDECAR_COLUMNS, &fold.findings, false);
    if (rows < 0 || findings < 0)
        goto out;
    counts->rows = rows;
    if (on_file) {
        on_file (path, rel, fold.date, rows, arg);
        if (findings > 0)
            on_file (side_path, side_rel, fold.date, findings, arg);
    }
    rc = 0;
out:
    s_lines_clear (&fold.rows);
    s_lines_clear (&fold.findings);
    zhashx_destroy (&fold.brought);
    return rc;
}
