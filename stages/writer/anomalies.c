/*  writer anomalies — see anomalies.h. */
#include "anomalies.h"
#include "eod_grammar.h"
#include "eod_log.h"
#include "eod_log_cap.h"
#include "eod_util.h"
#include "spool.h"
#include "writer_csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_DATE_LEN WRITER_SPOOL_DATE_LEN
#define S_MONTH_LEN 7   //  YYYY-MM
#define S_FINDINGS_NAME "findings"
#define S_LINES_MIN 64            //  first capacity of a month's findings
#define S_SIDECAR_LINE_MAX 1024   //  a line of a sidecar read back (longer ones are dropped, logged)
#define S_FIRST_MAX 320           //  bytes of one finding as the summary lists it
#define S_HEADER "trade_date,code,kind,detail\n"
#define S_SIDECAR_COLUMNS 4

typedef struct {
    char *line;   //  the sidecar's CSV line, '\n' included
    char date[S_DATE_LEN + 1];
    bool done;   //  its session's sidecar is written
} s_line_t;

struct _writer_anomalies_t {
    writer_validate_conf_t conf;
    writer_file_fn *on_sidecar;
    void *arg;
    char path[WRITER_PATH_MAX];   //  the fold's findings file; "" before a reset
    FILE *file;                   //  open for appending during pass 1
    s_line_t *lines;              //  the month's findings
    size_t nlines, cap;
    long counts[WRITER_VALIDATE_KINDS];
    char first[WRITER_ANOMALIES_FIRST_MAX][S_FIRST_MAX];
    size_t nfirst;
    long files;
    writer_anomalies_record_fn *on_record;   //  the whole run's check: each record of pass 1
    writer_anomalies_run_fn *on_run;         //  its findings, noted as pass 1 ends
    void *run_arg;
};

writer_anomalies_t *
writer_anomalies_new (const writer_validate_conf_t *conf, writer_file_fn *on_sidecar, void *arg)
{
    writer_anomalies_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->conf = *conf;
    self->on_sidecar = on_sidecar;
    self->arg = arg;
    return self;
}

static void
s_lines_clear (writer_anomalies_t *self)
{
    for (size_t i = 0; i < self->nlines; i++)
        free (self->lines[i].line);
    self->nlines = 0;
}

void
writer_anomalies_destroy (writer_anomalies_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    writer_anomalies_t *self = *self_p;
    if (self->file)
        fclose (self->file);
    s_lines_clear (self);
    free (self->lines);
    free (self);
    *self_p = NULL;
}

void
writer_anomalies_reset (writer_anomalies_t *self, const char *spool_dir)
{
    if (self->file)
        fclose (self->file);
    self->file = NULL;
    s_lines_clear (self);
    memset (self->counts, 0, sizeof self->counts);
    self->nfirst = 0;
    self->files = 0;
    //  No spool directory: nothing is noted.
    if (*spool_dir)
        snprintf (self->path, sizeof self->path, "%s/%s", spool_dir, S_FINDINGS_NAME);
    else
        self->path[0] = '\0';
}

//  ---------------------------------------------------------------- pass 1

//  A detail with its control characters made '?': a sidecar line is one line.
static void
s_one_line (char *text)
{
    for (char *p = text; *p; p++)
        if ((unsigned char) *p < 0x20 || *p == 0x7f)
            *p = '?';
}

int
writer_anomalies_note (writer_anomalies_t *self, const char *date, const char *code, writer_validate_kind_t kind,
                       const char *detail)
{
    if (!*self->path)
        return 0;
    char clean[WRITER_VALIDATE_DETAIL_MAX + 64];
    snprintf (clean, sizeof clean, "%s", detail);
    s_one_line (clean);
    char safe_code[64];
    snprintf (safe_code, sizeof safe_code, "%s", code);
    s_one_line (safe_code);
    const char *values[S_SIDECAR_COLUMNS] = {date, safe_code, writer_validate_kind_name (kind), clean};
    char key[WRITER_SPOOL_KEY_MAX], *line = NULL;
    size_t len = 0;
    writer_spool_key (key, date, safe_code);
    if (!self->file && !(self->file = fopen (self->path, "ab"))) {
        eod_log_error ("%s: %s", self->path, strerror (errno));
        return -1;
    }
    int rc = writer_csv_line (values, S_SIDECAR_COLUMNS, &line, &len);
    if (rc == 0)
        rc = writer_spool_put (self->file, key, line, len, NULL, NULL);
    free (line);
    if (rc)
        eod_log_error ("%s: cannot write a finding: %s", self->path, strerror (errno));
    return rc;
}

int
writer_anomalies_note_xcheck (const char *date, const char *code, const char *detail, void *arg)
{
    return writer_anomalies_note (arg, date, code, WRITER_VALIDATE_XCHECK, detail);
}

int
writer_anomalies_check (writer_anomalies_t *self, const char *market, const char *const *values, size_t n,
                        const char *date, const char *code, const char *listing_date)
{
    writer_validate_finding_t found[WRITER_VALIDATE_FINDINGS_MAX];
    size_t count = writer_validate_row (&self->conf, market, values, n, listing_date, found);
    for (size_t i = 0; i < count; i++)
        if (writer_anomalies_note (self, date, code, found[i].kind, found[i].detail))
            return -1;
    return 0;
}

void
writer_anomalies_on_run (writer_anomalies_t *self, writer_anomalies_record_fn *on_record,
                         writer_anomalies_run_fn *on_run, void *arg)
{
    self->on_record = on_record;
    self->on_run = on_run;
    self->run_arg = arg;
}

int
writer_anomalies_record (writer_anomalies_t *self, const eod_msg_t *record)
{
    return *self->path && self->on_record ? self->on_record (record, self->run_arg) : 0;
}

int
writer_anomalies_spooled (writer_anomalies_t *self)
{
    //  Findings that need the whole journal (the cross-check) come last.
    if (*self->path && self->on_run && self->on_run (self, self->run_arg)) {
        if (self->file)
            fclose (self->file);
        self->file = NULL;
        return -1;
    }
    if (!self->file)
        return 0;
    int rc = fclose (self->file);
    self->file = NULL;
    if (rc)
        eod_log_error ("%s: %s", self->path, strerror (errno));
    return rc ? -1 : 0;
}

//  ---------------------------------------------------------------- pass 2

static int
s_add_line (writer_anomalies_t *self, const char *date, char *line)
{
    if (self->nlines == self->cap) {
        size_t cap = self->cap ? 2 * self->cap : S_LINES_MIN;
        s_line_t *bigger = realloc (self->lines, cap * sizeof *bigger);
        if (!bigger) {
            free (line);
            return -1;
        }
        self->lines = bigger;
        self->cap = cap;
    }
    s_line_t *l = &self->lines[self->nlines++];
    memset (l, 0, sizeof *l);
    l->line = line;
    snprintf (l->date, sizeof l->date, "%.*s", S_DATE_LEN, date);
    return 0;
}

int
writer_anomalies_month (writer_anomalies_t *self, const char *month)
{
    s_lines_clear (self);
    FILE *f = *self->path ? fopen (self->path, "rb") : NULL;
    if (!f)
        return 0;   //  nothing found in pass 1
    int rc = -1;
    struct stat st;
    if (fstat (fileno (f), &st))
        goto out;
    uint64_t size = (uint64_t) st.st_size, pos = 0;
    while (pos < size) {
        char key[WRITER_SPOOL_KEY_MAX];
        uint64_t line_at = 0;
        uint32_t len = 0;
        if (writer_spool_get (f, size, &pos, key, &line_at, &len)) {
            eod_log_error ("%s: damaged at byte %llu", self->path, (unsigned long long) pos);
            goto out;
        }
        if (strncmp (key, month, S_MONTH_LEN) != 0)
            continue;
        char *line = malloc (len + 1);
        if (!line || pread (fileno (f), line, len, (off_t) line_at) != (ssize_t) len) {
            free (line);
            eod_log_error ("%s: byte %llu: cannot read a finding", self->path, (unsigned long long) line_at);
            goto out;
        }
        line[len] = '\0';
        if (s_add_line (self, key, line))
            goto out;
    }
    rc = 0;
out:
    fclose (f);
    return rc;
}

void
writer_anomalies_pair (writer_anomalies_t *self, const char *market, const char *date, const char *code,
                       const char *kept, size_t kept_len, const char *other, size_t other_len)
{
    if (kept_len == other_len && memcmp (kept, other, kept_len) == 0)
        return;   //  a task delivered twice
    const char *const *cols;
    size_t n = writer_csv_columns (market, &cols);
    char *a[WRITER_CSV_VALUES_MAX], *b[WRITER_CSV_VALUES_MAX];
    if (writer_csv_split (kept, kept_len, a, n))
        return;
    if (writer_csv_split (other, other_len, b, n) == 0) {
        char detail[WRITER_VALIDATE_DETAIL_MAX];
        if (writer_validate_conflict (market, (const char *const *) a, (const char *const *) b, n, detail,
                                      sizeof detail)) {
            s_one_line (detail);
            const char *values[S_SIDECAR_COLUMNS] = {date, code, writer_validate_kind_name (WRITER_VALIDATE_CONFLICT),
                                                     detail};
            char *line = NULL;
            size_t len = 0;
            if (writer_csv_line (values, S_SIDECAR_COLUMNS, &line, &len) == 0)
                s_add_line (self, date, line);
        }
        for (size_t c = 0; c < n; c++)
            free (b[c]);
    }
    for (size_t c = 0; c < n; c++)
        free (a[c]);
}

static int
s_cmp_text (const void *x, const void *y)
{
    return strcmp (*(char *const *) x, *(char *const *) y);
}

//  The lines of the sidecar at path whose code the journal does not bring,
//  appended to *kept (*nkept of *cap). A missing file is fine (*existed
//  false). 0 or -1 (logged).
static int
s_read_existing (const char *path, const char *date, writer_brought_fn *brought, void *arg, char ***kept, size_t *nkept,
                 size_t *cap, bool *existed)
{
    FILE *f = fopen (path, "rb");
    *existed = f != NULL;
    if (!f)
        return errno == ENOENT ? 0 : -1;
    char buf[S_SIDECAR_LINE_MAX];
    long lineno = 0;
    int rc = 0;
    while (rc == 0 && fgets (buf, sizeof buf, f)) {
        lineno++;
        size_t len = strlen (buf);
        if (len == 0 || buf[len - 1] != '\n') {
            eod_log_warn_capped ("sidecar line dropped",
                                 "%s:%ld: a line without its end or longer than %d bytes: dropped", path, lineno,
                                 S_SIDECAR_LINE_MAX - 1);
            int c;
            while ((c = getc (f)) != EOF && c != '\n')
                ;
            continue;
        }
        if (lineno == 1 && strcmp (buf, S_HEADER) == 0)
            continue;
        char *fields[S_SIDECAR_COLUMNS];
        if (writer_csv_split (buf, len, fields, S_SIDECAR_COLUMNS)) {
            eod_log_warn_capped ("sidecar line dropped", "%s:%ld: not a line of a sidecar: dropped", path, lineno);
            continue;
        }
        bool keep = strcmp (fields[0], date) == 0 && !brought (date, fields[1], arg);
        for (size_t c = 0; c < S_SIDECAR_COLUMNS; c++)
            free (fields[c]);
        if (!keep)
            continue;
        if (*nkept == *cap) {
            size_t bigger_cap = *cap ? 2 * *cap : S_LINES_MIN;
            char **bigger = realloc (*kept, bigger_cap * sizeof *bigger);
            if (!bigger) {
                rc = -1;
                break;
            }
            *kept = bigger;
            *cap = bigger_cap;
        }
        if (!((*kept)[*nkept] = strdup (buf)))
            rc = -1;
        else
            (*nkept)++;
    }
    fclose (f);
    if (rc)
        eod_log_error ("%s: out of memory", path);
    return rc;
}

//  Counts a finding of the fold (a sidecar line), and lists it among the
//  first.
static void
s_count (writer_anomalies_t *self, const char *line)
{
    char *fields[S_SIDECAR_COLUMNS];
    if (writer_csv_split (line, strlen (line), fields, S_SIDECAR_COLUMNS))
        return;
    writer_validate_kind_t kind = writer_validate_kind_parse (fields[2]);
    if (kind < WRITER_VALIDATE_KINDS)
        self->counts[kind]++;
    if (self->nfirst < WRITER_ANOMALIES_FIRST_MAX)
        snprintf (self->first[self->nfirst++], S_FIRST_MAX, "%s %s %s: %s", fields[0], fields[1], fields[2], fields[3]);
    for (size_t c = 0; c < S_SIDECAR_COLUMNS; c++)
        free (fields[c]);
}

//  Sorts lines[0..*n) and frees the repeats.
static void
s_sort_unique (char **lines, size_t *n)
{
    if (*n == 0)
        return;   //  lines may be NULL then: qsort must not see it
    qsort (lines, *n, sizeof *lines, s_cmp_text);
    size_t unique = 0;
    for (size_t i = 0; i < *n; i++) {
        if (unique && strcmp (lines[unique - 1], lines[i]) == 0) {
            free (lines[i]);
            continue;
        }
        lines[unique++] = lines[i];
    }
    *n = unique;
}

//  Writes the sidecar at path: the header, then lines. 0 or -1 (logged).
static int
s_write_sidecar (const char *path, const char *data_dir, const char *market, const char *date, char **lines,
                 size_t nlines)
{
    char dir[WRITER_PATH_MAX];
    if (eod_path_format (dir, sizeof dir, "%s/anomalies/market=%s/dt=%s", data_dir, market, date)
        || eod_mkdirs (dir, 0755)) {
        eod_log_error ("%s: cannot make its directory: %s", path, strerror (errno));
        return -1;
    }
    FILE *out = writer_finish_open (path);
    if (!out) {
        eod_log_error ("%s: %s", path, strerror (errno));
        return -1;
    }
    bool ok = fputs (S_HEADER, out) >= 0;
    for (size_t i = 0; i < nlines && ok; i++)
        ok = fputs (lines[i], out) >= 0;
    if (writer_finish_close (&out, path, ok)) {
        eod_log_error ("%s: cannot write: %s", path, strerror (errno));
        return -1;
    }
    return 0;
}

int
writer_anomalies_session (writer_anomalies_t *self, const char *data_dir, const char *market, const char *date,
                          writer_brought_fn *brought, void *arg)
{
    char rel[WRITER_REL_MAX], path[WRITER_PATH_MAX];
    if (writer_finish_sidecar_name (data_dir, market, date, rel, sizeof rel, path, sizeof path))
        return -1;
    char **lines = NULL;
    size_t nlines = 0, cap = 0;
    bool existed = false;
    int rc = -1;
    //  This run's findings of the session first, without repeats (a task
    //  delivered twice finds the same things twice), each counted once.
    for (size_t i = 0; i < self->nlines; i++) {
        s_line_t *l = &self->lines[i];
        if (l->done || strcmp (l->date, date) != 0)
            continue;
        l->done = true;
        if (nlines == cap) {
            cap = cap ? 2 * cap : S_LINES_MIN;
            char **bigger = realloc (lines, cap * sizeof *bigger);
            if (!bigger)
                goto out;
            lines = bigger;
        }
        lines[nlines++] = l->line;
        l->line = NULL;
    }
    s_sort_unique (lines, &nlines);
    for (size_t i = 0; i < nlines; i++)
        s_count (self, lines[i]);
    //  Then the lines of the sidecar on disk for the codes the run does not bring.
    if (s_read_existing (path, date, brought, arg, &lines, &nlines, &cap, &existed))
        goto out;
    if (nlines == 0 && !existed) {
        rc = 0;
        goto out;
    }
    s_sort_unique (lines, &nlines);
    if (s_write_sidecar (path, data_dir, market, date, lines, nlines))
        goto out;
    self->files++;
    if (self->on_sidecar)
        self->on_sidecar (path, rel, date, (long) nlines, self->arg);
    rc = 0;
out:
    for (size_t i = 0; i < nlines; i++)
        free (lines[i]);
    free (lines);
    return rc;
}

int
writer_anomalies_month_end (writer_anomalies_t *self, const char *data_dir, const char *market,
                            writer_brought_fn *brought, void *arg)
{
    for (size_t i = 0; i < self->nlines; i++)
        if (!self->lines[i].done
            && writer_anomalies_session (self, data_dir, market, self->lines[i].date, brought, arg))
            return -1;
    s_lines_clear (self);
    return 0;
}

long
writer_anomalies_count (const writer_anomalies_t *self, writer_validate_kind_t kind)
{
    return (int) kind >= 0 && kind < WRITER_VALIDATE_KINDS ? self->counts[kind] : 0;
}

long
writer_anomalies_total (const writer_anomalies_t *self)
{
    long total = 0;
    for (int k = 0; k < WRITER_VALIDATE_KINDS; k++)
        total += self->counts[k];
    return total;
}

size_t
writer_anomalies_listed (const writer_anomalies_t *self)
{
    return self->nfirst;
}

const char *
writer_anomalies_first (const writer_anomalies_t *self, size_t i)
{
    return i < self->nfirst ? self->first[i] : NULL;
}

long
writer_anomalies_files (const writer_anomalies_t *self)
{
    return self->files;
}
