/*  writer compact — see compact.h. */
#define _GNU_SOURCE   //  qsort_r
#include "compact.h"
#include "eod_log.h"
#include "eod_log_cap.h"
#include "eod_strset.h"
#include "eod_util.h"
#include "spool.h"
#include "writer_csv.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_SPOOL_FILE_MAX UINT32_MAX  //  the largest month spool: the index holds 32-bit offsets
#define S_READ_CHUNK 65536           //  bytes of a partition file parsed at a time
#define S_DATE_LEN WRITER_SPOOL_DATE_LEN
#define S_ITEMS_MIN 1024             //  first capacity of a month's index, in rows

//  ---------------------------------------------------------------- one month
//
//  Pass 2 holds an index of the month, never its rows: for each row its
//  session, its code and where its CSV line is in the spool file: 16 bytes,
//  and each code once in a compact set. Rows are deduped by sorting the index, not hashing:
//  a sorted array is the smallest structure that finds duplicates. Each file
//  is written by reading its lines back from the spool (pread). The rows a
//  partition file already holds are appended to the same spool file, after
//  the journal's, so a line's offset is also its arrival order.

typedef struct {
    uint32_t date;           //  the session, YYYYMMDD
    uint32_t code;           //  the code's handle in the month's set of codes
    uint32_t offset;         //  of the CSV line in the spool file: also the row's arrival order
    uint32_t len;            //  of the line, its '\n' included
} s_entry_t;

typedef struct {
    const char *spool;       //  the month's spool file
    writer_snapshot_t *snapshot;   //  counts the rows that got a file's snapshot columns (may be NULL)
    writer_anomalies_t *anomalies; //  validation (may be NULL)
    const char *market;
    FILE *file;              //  the spool, read: scanned once, then lines by pread
    FILE *append;            //  the spool, appended to: rows of partition files (NULL until one is kept)
    uint64_t size;           //  of the spool: where the next appended record starts
    s_entry_t *items;
    size_t count;
    size_t cap;
    size_t journal;          //  items[0..journal) are the journal's rows, sorted and unique
    eod_strset_t *codes;     //  the codes of the rows, each once
    uint32_t line_max;       //  the longest line indexed
} s_month_t;

//  "YYYY-MM-DD" (digits checked) as YYYYMMDD, or 0 when it is not one.
static uint32_t
s_date_number (const char *date)
{
    static const char pattern[] = "9999-99-99";
    uint32_t number = 0;
    for (size_t i = 0; i < S_DATE_LEN; i++) {
        if (pattern[i] != '9') {
            if (date[i] != pattern[i])
                return 0;
            continue;
        }
        if (!isdigit ((unsigned char) date[i]))
            return 0;
        number = number * 10 + (uint32_t) (date[i] - '0');
    }
    return number;
}

static void
s_date_text (uint32_t number, char date[S_DATE_LEN + 1])
{
    snprintf (date, S_DATE_LEN + 1, "%04u-%02u-%02u", number / 10000, number / 100 % 100, number % 100);
}

//  Indexes the line at offset (len bytes) of session date and code. 0, or -1
//  (errno ENOMEM, or EFBIG when the spool outgrows 32-bit offsets; the set
//  of codes, no bigger than the spool, fits them too).
static int
s_month_add (s_month_t *m, uint32_t date, const char *code, uint64_t offset, size_t len)
{
    if (offset > S_SPOOL_FILE_MAX || len > S_SPOOL_FILE_MAX - offset) {
        errno = EFBIG;
        return -1;
    }
    if (m->count == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : S_ITEMS_MIN;
        s_entry_t *bigger = realloc (m->items, cap * sizeof *bigger);
        if (!bigger)
            return -1;
        m->items = bigger;
        m->cap = cap;
    }
    uint32_t handle = eod_strset_add (m->codes, code, NULL);
    if (handle == EOD_STRSET_NONE)
        return -1;
    m->items[m->count++]
        = (s_entry_t) {.date = date, .code = handle, .offset = (uint32_t) offset, .len = (uint32_t) len};
    if (len > m->line_max)
        m->line_max = (uint32_t) len;
    return 0;
}

//  Session, then code, then arrival: the order of the files' rows.
static int
s_entry_cmp (const void *a, const void *b, void *codes)
{
    const s_entry_t *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    int rc = x->code == y->code ? 0 : strcmp (eod_strset_str (codes, x->code), eod_strset_str (codes, y->code));
    if (rc)
        return rc;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

//  The set holds each code once: one code, one handle.
static bool
s_entry_same_key (const s_entry_t *x, const s_entry_t *y)
{
    return x->date == y->date && x->code == y->code;
}

//  A row of the journal that arrived again after the one kept: anomalies
//  compares the two (a conflict when their values of the day differ).
static void
s_month_pair (s_month_t *m, const s_entry_t *kept, const s_entry_t *other, char *a, char *b)
{
    int fd = fileno (m->file);
    if (pread (fd, a, kept->len, (off_t) kept->offset) != (ssize_t) kept->len
        || pread (fd, b, other->len, (off_t) other->offset) != (ssize_t) other->len)
        return;
    char date[S_DATE_LEN + 1];
    s_date_text (kept->date, date);
    writer_anomalies_pair (m->anomalies, m->market, date, eod_strset_str (m->codes, kept->code), a, kept->len, b,
                           other->len);
}

//  Sorts the rows by key and keeps the first arrival of each key; with
//  pairs (two buffers of line_max bytes), the others go to s_month_pair.
static void
s_month_dedupe (s_month_t *m, char *pairs[2])
{
    if (m->count)
        qsort_r (m->items, m->count, sizeof *m->items, s_entry_cmp, m->codes);
    size_t kept = 0;
    for (size_t i = 0; i < m->count; i++) {
        if (!kept || !s_entry_same_key (&m->items[kept - 1], &m->items[i]))
            m->items[kept++] = m->items[i];
        else if (pairs)
            s_month_pair (m, &m->items[kept - 1], &m->items[i], pairs[0], pairs[1]);
    }
    m->count = kept;
}

//  The journal's row of (date, code), or NULL when the journal brings none.
static s_entry_t *
s_month_in_journal (const s_month_t *m, uint32_t date, const char *code)
{
    size_t lo = 0, hi = m->journal;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        s_entry_t *e = &m->items[mid];
        int rc = date != e->date ? (date < e->date ? -1 : 1) : strcmp (code, eod_strset_str (m->codes, e->code));
        if (rc == 0)
            return e;
        if (rc < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

//  Indexes the records of the month's spool, in file order. 0, or -1 (logged:
//  a damaged record with its byte offset).
static int
s_month_scan (s_month_t *m)
{
    struct stat st;
    if (fstat (fileno (m->file), &st)) {
        eod_log_error ("%s: %s", m->spool, strerror (errno));
        return -1;
    }
    uint64_t size = (uint64_t) st.st_size;
    uint64_t pos = 0;
    char key[WRITER_SPOOL_KEY_MAX];
    while (pos < size) {
        uint64_t at = pos, line_at = 0;
        uint32_t len = 0, date = 0;
        if (writer_spool_get (m->file, size, &pos, key, &line_at, &len) || (date = s_date_number (key)) == 0) {
            eod_log_error ("%s: damaged at byte %llu (the record starting there)", m->spool, (unsigned long long) at);
            return -1;
        }
        if (s_month_add (m, date, key + S_DATE_LEN + 1, line_at, len)) {
            eod_log_error ("%s: byte %llu: cannot index: %s", m->spool, (unsigned long long) at, strerror (errno));
            return -1;
        }
    }
    m->size = size;
    return 0;
}

//  Appends a record (key "YYYY-MM-DD\tCODE", a CSV line) to the spool: where
//  its line starts into *line_at. 0 or -1 (errno set).
static int
s_month_put (s_month_t *m, const char *key, const char *line, size_t len, uint64_t *line_at)
{
    if (!m->append) {
        m->append = fopen (m->spool, "ab");
        if (!m->append)
            return -1;
    }
    uint64_t at = 0;
    if (writer_spool_put (m->append, key, line, len, &m->size, &at))
        return -1;
    if (at > S_SPOOL_FILE_MAX || len > S_SPOOL_FILE_MAX - at) {
        errno = EFBIG;
        return -1;
    }
    *line_at = at;
    return 0;
}

//  Appends a row of a partition file to the spool and indexes it. 0 or -1
//  (errno set).
static int
s_month_append (s_month_t *m, uint32_t date, const char *key, const char *line, size_t len)
{
    uint64_t line_at = 0;
    if (s_month_put (m, key, line, len, &line_at))
        return -1;
    return s_month_add (m, date, key + S_DATE_LEN + 1, line_at, len);
}

//  Rows already in a partition file stay unless this run brings the same
//  (code, date): a refill of a few codes, or a re-run that got fewer rows,
//  never loses what the file had. The file is read in chunks with libcsv and
//  its rows are formatted field by field the way the journal's rows are, then
//  spooled: only their index entries are held.
typedef struct {
    s_month_t *month;
    const char *market;
    const char *date;        //  the file's session
    uint32_t date_number;
    size_t ncols;
    char **fields;           //  the row being read
    size_t nfields;
    long row;                //  0: the header
    bool header_ok;
    size_t code_col;
    const char *const *cols;
    const char *path;
    long kept;
    int rc;
} s_merge_t;

static void
s_merge_field (void *data, size_t len, void *arg)
{
    s_merge_t *m = arg;
    if (m->nfields < m->ncols)
        m->fields[m->nfields] = strndup (data ? (const char *) data : "", len);
    m->nfields++;
}

//  True when one of the snapshot columns of fields (a row of market) holds a
//  value.
static bool
s_has_snapshot (const char *market, char *const *fields, size_t ncols)
{
    for (size_t c = 0; c < ncols; c++)
        if (writer_csv_session_bound (market, c) && *fields[c])
            return true;
    return false;
}

//  The columns a journal row without the snapshot takes from the file's.
static bool
s_carried (const char *market, size_t column)
{
    return writer_csv_session_bound (market, column) || writer_csv_run_bound (market, column);
}

//  The journal brings the row of the file's row at hand (key). A journal row
//  without the snapshot columns (its quote was not of this session) takes
//  those the file's row held for it, which were of this session when they
//  were written: a backfill or a later re-run never blanks them. With them
//  it takes that row's names and classes of the instrument, which are of
//  the run of the session's own day. The row becomes a new spool record and
//  the journal's entry points at it. 0, or -1 (logged).
static int
s_carry_snapshot (s_merge_t *m, s_entry_t *brought, const char *key)
{
    s_month_t *month = m->month;
    if (!s_has_snapshot (m->market, m->fields, m->ncols))
        return 0;
    int rc = -1;
    char *text = malloc (brought->len);
    char **journal = calloc (m->ncols, sizeof *journal);
    char *line = NULL;
    size_t len = 0;
    if (!text || !journal) {
        eod_log_error ("%s: out of memory while merging", month->spool);
        goto out;
    }
    if (pread (fileno (month->file), text, brought->len, (off_t) brought->offset) != (ssize_t) brought->len
        || writer_csv_split (text, brought->len, journal, m->ncols)) {
        eod_log_error ("%s: byte %lu: the row of %s cannot be read back", month->spool, (unsigned long) brought->offset,
                       key);
        goto out;
    }
    if (s_has_snapshot (m->market, journal, m->ncols)) {
        rc = 0;
        goto out;
    }
    for (size_t c = 0; c < m->ncols; c++)
        if (s_carried (m->market, c)) {
            free (journal[c]);
            journal[c] = m->fields[c];   //  borrowed until the line is made
        }
    uint64_t line_at = 0;
    int made = writer_csv_line ((const char *const *) journal, m->ncols, &line, &len);
    for (size_t c = 0; c < m->ncols; c++)
        if (s_carried (m->market, c))
            journal[c] = NULL;
    if (made || s_month_put (month, key, line, len, &line_at)) {
        eod_log_error ("%s: the row of %s cannot be spooled: %s", month->spool, key, strerror (errno));
        goto out;
    }
    brought->offset = (uint32_t) line_at;
    brought->len = (uint32_t) len;
    if (len > month->line_max)
        month->line_max = (uint32_t) len;
    if (month->snapshot)
        writer_snapshot_carried (month->snapshot);
    rc = 0;
out:
    if (journal)
        for (size_t c = 0; c < m->ncols; c++)
            free (journal[c]);
    free (journal);
    free (text);
    free (line);
    return rc;
}

static void
s_merge_keep (s_merge_t *m)
{
    for (size_t c = 0; c < m->ncols; c++)
        if (!m->fields[c]) {
            eod_log_error ("%s:%ld: out of memory while merging", m->path, m->row + 1);
            m->rc = -1;
            return;
        }
    //  A row of another session does not belong in this file.
    if (strcmp (m->fields[0], m->date) != 0) {
        eod_log_warn_capped ("csv row of another session",
                             "%s:%ld: code %s: trade date \"%s\" is not the file's session: row dropped", m->path,
                             m->row + 1, m->fields[m->code_col], m->fields[0]);
        return;
    }
    char key[WRITER_SPOOL_KEY_MAX];
    writer_spool_key (key, m->fields[0], m->fields[m->code_col]);
    s_entry_t *brought = s_month_in_journal (m->month, m->date_number, key + S_DATE_LEN + 1);
    if (brought) {
        if (s_carry_snapshot (m, brought, key))
            m->rc = -1;
        return;
    }
    char *line = NULL;
    size_t len = 0;
    if (writer_csv_line ((const char *const *) m->fields, m->ncols, &line, &len)
        || s_month_append (m->month, m->date_number, key, line, len)) {
        eod_log_error ("%s:%ld: the row cannot be kept (%s/%s): %s", m->path, m->row + 1, m->month->spool,
                       m->fields[m->code_col], strerror (errno));
        m->rc = -1;
    }
    else
        m->kept++;
    free (line);
}

static void
s_merge_row (int term, void *arg)
{
    (void) term;
    s_merge_t *m = arg;
    if (m->row == 0) {
        m->header_ok = m->nfields == m->ncols;
        for (size_t c = 0; m->header_ok && c < m->ncols; c++)
            m->header_ok = m->fields[c] && strcmp (m->fields[c], m->cols[c]) == 0;
        if (!m->header_ok)
            eod_log_error ("%s: the header is not this market's columns: the file is replaced, not merged", m->path);
    }
    else if (m->header_ok && m->nfields == m->ncols) {
        if (m->rc == 0)
            s_merge_keep (m);
    }
    else if (m->header_ok)
        eod_log_warn_capped ("csv row with a wrong field count",
                             "%s:%ld: %zu fields where %zu are expected: row dropped", m->path, m->row + 1, m->nfields,
                             m->ncols);
    for (size_t c = 0; c < m->ncols; c++) {
        free (m->fields[c]);
        m->fields[c] = NULL;
    }
    m->nfields = 0;
    m->row++;
}

//  Spools and indexes the rows of the partition file at path (session date)
//  that the journal does not bring. A missing file is fine. 0 or -1 (logged).
static int
s_merge_existing (const char *path, const char *market, const char *date, s_month_t *month)
{
    FILE *f = fopen (path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;   //  no file yet
        eod_log_error ("%s: %s: not merged", path, strerror (errno));
        return -1;
    }
    const char *const *cols;
    s_merge_t m = {.month = month, .market = market, .date = date, .date_number = s_date_number (date), .path = path};
    m.ncols = writer_csv_columns (market, &cols);
    m.cols = cols;
    m.code_col = writer_csv_code_column (market);
    m.fields = calloc (m.ncols, sizeof *m.fields);
    char *chunk = malloc (S_READ_CHUNK);
    struct csv_parser parser;
    if (!m.fields || !chunk || csv_init (&parser, CSV_APPEND_NULL) != 0) {
        eod_log_error ("%s: out of memory while merging", path);
        m.rc = -1;
        goto out;
    }
    size_t got;
    while (m.rc == 0 && (got = fread (chunk, 1, S_READ_CHUNK, f)) > 0)
        if (csv_parse (&parser, chunk, got, s_merge_field, s_merge_row, &m) != got) {
            eod_log_error ("%s: %s: not merged", path, csv_strerror (csv_error (&parser)));
            m.rc = -1;
        }
    if (m.rc == 0 && ferror (f)) {
        eod_log_error ("%s: cannot read it: not merged", path);
        m.rc = -1;
    }
    if (m.rc == 0)
        csv_fini (&parser, s_merge_field, s_merge_row, &m);
    csv_free (&parser);
    if (m.kept)
        eod_log_info ("%s: %ld existing row(s) kept", path, m.kept);
out:
    if (m.fields)
        for (size_t c = 0; c < m.ncols; c++)
            free (m.fields[c]);
    free (m.fields);
    free (chunk);
    fclose (f);
    return m.rc;
}

//  Writes rows[from..to) of the month to path (through a temp name), reading
//  each line back from the spool into buf (line_max bytes). 0 or -1.
static int
s_write_csv (const char *path, const char *market, const s_month_t *m, size_t from, size_t to, char *buf)
{
    const char *const *cols;
    size_t n = writer_csv_columns (market, &cols);
    FILE *f = writer_finish_open (path);
    if (!f)
        return -1;
    int rc = writer_csv_record (f, cols, n);
    int fd = fileno (m->file);
    for (size_t i = from; i < to && rc == 0; i++) {
        const s_entry_t *e = &m->items[i];
        ssize_t got = pread (fd, buf, e->len, (off_t) e->offset);
        if (got != (ssize_t) e->len) {
            if (got >= 0)
                errno = EIO;   //  the spool is shorter than its index
            eod_log_error ("%s: byte %lu: %s", m->spool, (unsigned long) e->offset, strerror (errno));
            rc = -1;
        }
        else
            rc |= fwrite (buf, 1, e->len, f) != e->len;
    }
    return writer_finish_close (&f, path, rc == 0);
}

//  Whether the journal brings (date, code): the journal's rows are
//  items[0..journal), sorted and unique.
static bool
s_brought (const char *date, const char *code, void *arg)
{
    const s_month_t *m = arg;
    uint32_t number = s_date_number (date);
    return number && s_month_in_journal (m, number, code) != NULL;
}

//  The month's validation: its findings loaded, the conflicts among the
//  journal's rows, then each session's sidecar. The rows are deduped here.
//  0 or -1 (logged).
static int
s_month_validate (s_month_t *m, const char *data_dir)
{
    //  The month is the spool file's name, YYYY-MM.spool.
    const char *base = strrchr (m->spool, '/');
    base = base ? base + 1 : m->spool;
    char month[S_DATE_LEN + 1];
    snprintf (month, sizeof month, "%.7s", base);
    char *pairs[2] = {malloc (m->line_max + 1), malloc (m->line_max + 1)};
    int rc = -1;
    if (!pairs[0] || !pairs[1]) {
        eod_log_error ("%s: out of memory", m->spool);
        goto out;
    }
    if (writer_anomalies_month (m->anomalies, month))
        goto out;
    s_month_dedupe (m, pairs);
    m->journal = m->count;
    for (size_t i = 0; i < m->journal; i++) {
        if (i && m->items[i].date == m->items[i - 1].date)
            continue;
        char date[S_DATE_LEN + 1];
        s_date_text (m->items[i].date, date);
        if (writer_anomalies_session (m->anomalies, data_dir, m->market, date, s_brought, m))
            goto out;
    }
    rc = writer_anomalies_month_end (m->anomalies, data_dir, m->market, s_brought, m);
out:
    free (pairs[0]);
    free (pairs[1]);
    return rc;
}

long
writer_compact_month (const char *spool, const char *data_dir, const char *market, writer_snapshot_t *snapshot,
                      writer_anomalies_t *anomalies, writer_file_fn *on_file, void *arg)
{
    long written = -1;
    s_month_t m = {.spool = spool, .snapshot = snapshot, .anomalies = anomalies, .market = market};
    char *buf = NULL;
    m.codes = eod_strset_new ();
    if (!m.codes) {
        eod_log_error ("%s: out of memory", spool);
        goto out;
    }
    m.file = fopen (spool, "rb");
    if (!m.file) {
        eod_log_error ("%s: %s", spool, strerror (errno));
        goto out;
    }
    //  The spool holds rows in journal order: the first of a key wins.
    if (s_month_scan (&m))
        goto out;
    if (anomalies) {
        if (s_month_validate (&m, data_dir))
            goto out;
    }
    else
        s_month_dedupe (&m, NULL);
    m.journal = m.count;
    //  Merge what the partitions of these sessions already hold; merging
    //  appends to items, so they are indexed, not pointed at.
    for (size_t i = 0; i < m.journal; i++) {
        if (i && m.items[i].date == m.items[i - 1].date)
            continue;
        char date[S_DATE_LEN + 1], rel[WRITER_REL_MAX], path[WRITER_PATH_MAX];
        s_date_text (m.items[i].date, date);
        if (writer_finish_name (data_dir, market, date, rel, sizeof rel, path, sizeof path)
            || s_merge_existing (path, market, date, &m))
            goto out;
    }
    if (m.append) {
        int rc = fclose (m.append);
        m.append = NULL;
        if (rc) {
            eod_log_error ("%s: cannot spool: %s", spool, strerror (errno));
            goto out;
        }
        s_month_dedupe (&m, NULL);
    }
    buf = malloc (m.line_max ? m.line_max : 1);
    if (!buf) {
        eod_log_error ("%s: out of memory", spool);
        goto out;
    }
    //  One file per session.
    written = 0;
    for (size_t start = 0; start < m.count;) {
        size_t end = start;
        while (end < m.count && m.items[end].date == m.items[start].date)
            end++;
        char date[S_DATE_LEN + 1], rel[WRITER_REL_MAX], path[WRITER_PATH_MAX], dir[WRITER_PATH_MAX];
        s_date_text (m.items[start].date, date);
        if (writer_finish_name (data_dir, market, date, rel, sizeof rel, path, sizeof path)
            || eod_path_format (dir, sizeof dir, "%s/market=%s/dt=%s", data_dir, market, date)) {
            written = -1;
            break;
        }
        if (eod_mkdirs (dir, 0755) || s_write_csv (path, market, &m, start, end, buf)) {
            eod_log_error ("%s: cannot write: %s", path, strerror (errno));
            written = -1;
            break;
        }
        written += (long) (end - start);
        if (on_file)
            on_file (path, rel, date, (long) (end - start), arg);
        start = end;
    }
out:
    if (m.append)
        fclose (m.append);
    if (m.file)
        fclose (m.file);
    free (m.items);
    eod_strset_destroy (&m.codes);
    free (buf);
    return written;
}

long
writer_compact_journal (const char *journal, const char *data_dir, const char *market, writer_snapshot_t *snapshot,
                        writer_anomalies_t *anomalies, const char *unwritten, writer_file_fn *on_file, void *arg)
{
    writer_spool_t *spool = writer_spool_new (journal, market, snapshot, anomalies);
    if (!spool)
        return -1;
    long written = -1;
    if (writer_spool_unwritten (spool, unwritten) || writer_spool_fill (spool))
        goto out;
    written = 0;
    for (size_t i = 0; i < writer_spool_months (spool); i++) {
        char path[WRITER_PATH_MAX];
        writer_spool_path (spool, i, path, sizeof path);
        long rows = writer_compact_month (path, data_dir, market, snapshot, anomalies, on_file, arg);
        if (rows < 0) {
            written = -1;
            break;
        }
        written += rows;
    }
out:
    writer_spool_destroy (&spool);
    return written;
}
