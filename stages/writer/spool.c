/*  writer spool — see spool.h. */
#include "spool.h"
#include "eod_date.h"
#include "eod_grammar.h"
#include "eod_journal.h"
#include "eod_log.h"
#include "eod_log_cap.h"
#include "writer_csv.h"

#include <arpa/inet.h>
#include <assert.h>
#include <czmq.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_SPOOL_OPEN_MAX 64   //  spool files open at once
#define S_MONTHS_MIN 16       //  first capacity of the list of months
#define S_MONTH_LEN 7         //  YYYY-MM
#define S_ENTRY_SHOWN 96      //  bytes of a bad RUN_DONE entry quoted in the log
#define S_PATH_MAX 4200

void
writer_spool_key (char key[WRITER_SPOOL_KEY_MAX], const char *date, const char *code)
{
    snprintf (key, WRITER_SPOOL_KEY_MAX, "%s\t%s", date, code);
}

static int
s_put_blob (FILE *f, const char *data, size_t len)
{
    uint32_t be = htonl ((uint32_t) len);
    return fwrite (&be, sizeof be, 1, f) == 1 && fwrite (data, 1, len, f) == len && fputc ('\0', f) != EOF ? 0 : -1;
}

int
writer_spool_put (FILE *f, const char *key, const char *line, size_t len, uint64_t *end, uint64_t *line_at)
{
    size_t klen = strlen (key);
    if (s_put_blob (f, key, klen) || s_put_blob (f, line, len))
        return -1;
    if (end) {
        uint64_t at = *end + 2 * sizeof (uint32_t) + klen + 1;
        if (line_at)
            *line_at = at;
        *end = at + len + 1;
    }
    return 0;
}

static int
s_get_len (FILE *f, uint32_t *len)
{
    uint32_t be;
    if (fread (&be, sizeof be, 1, f) != 1)
        return -1;
    *len = ntohl (be);
    return 0;
}

int
writer_spool_get (FILE *f, uint64_t size, uint64_t *pos, char key[WRITER_SPOOL_KEY_MAX], uint64_t *line_at,
                  uint32_t *len)
{
    //  A key is "YYYY-MM-DD\tCODE" and its NUL; a line is followed by a NUL.
    uint32_t klen = 0, llen = 0;
    uint64_t at = *pos + 2 * sizeof (uint32_t);
    bool ok = s_get_len (f, &klen) == 0 && klen > WRITER_SPOOL_DATE_LEN && klen < WRITER_SPOOL_KEY_MAX
              && fread (key, 1, klen + 1, f) == klen + 1 && key[klen] == '\0' && key[WRITER_SPOOL_DATE_LEN] == '\t'
              && s_get_len (f, &llen) == 0;
    at += klen + 1;
    ok = ok && llen > 0 && at + llen < size && fseeko (f, (off_t) llen, SEEK_CUR) == 0 && getc (f) == '\0';
    if (!ok)
        return -1;
    *line_at = at;
    *len = llen;
    *pos = at + llen + 1;
    return 0;
}

//  ---------------------------------------------------------------- the spool

typedef struct {
    char month[S_MONTH_LEN + 1];
    FILE *file;
    unsigned long used;   //  tick of the last write, for evicting the least recent
} s_slot_t;

struct _writer_spool_t {
    char journal[S_PATH_MAX];
    char dir[S_PATH_MAX];
    char *market;
    bool dir_made;
    s_slot_t slots[S_SPOOL_OPEN_MAX];
    unsigned long tick;
    zhashx_t *seen;   //  months spooled (keys)
    char (*months)[S_MONTH_LEN + 1];
    size_t nmonths;
    size_t cap;
    long rows;                       //  rows spooled
    long skipped;                    //  rows without a valid trade date
    writer_snapshot_t *snapshot;     //  which rows keep the snapshot columns (borrowed; NULL: none)
    writer_anomalies_t *anomalies;   //  validation of each row (borrowed; NULL: none)
    char *unwritten;                 //  RUN_DONE's EOD_META_WRONG_DATE_UNWRITTEN (NULL: none)
    int rc;
};

//  The spool directory of a journal: "<run>.journal" -> "<run>.spool".
static void
s_spool_dir (const char *journal, char *dir, size_t size)
{
    size_t len = strlen (journal);
    const char *suffix = ".journal";
    size_t slen = strlen (suffix);
    if (len > slen && strcmp (journal + len - slen, suffix) == 0)
        snprintf (dir, size, "%.*s.spool", (int) (len - slen), journal);
    else
        snprintf (dir, size, "%s.spool", journal);
}

//  Removes a spool directory and the files in it (there are no
//  subdirectories). A missing directory is fine. 0 or -1 (logged).
static int
s_spool_remove (const char *dir)
{
    DIR *d = opendir (dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir (d))) {
        if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
            continue;
        char path[S_PATH_MAX];
        snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink (path)) {
            eod_log_error ("%s: %s", path, strerror (errno));
            rc = -1;
        }
    }
    closedir (d);
    if (rmdir (dir)) {
        eod_log_error ("%s: %s", dir, strerror (errno));
        rc = -1;
    }
    return rc;
}

writer_spool_t *
writer_spool_new (const char *journal, const char *market, writer_snapshot_t *snapshot, writer_anomalies_t *anomalies)
{
    writer_spool_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    snprintf (self->journal, sizeof self->journal, "%s", journal);
    s_spool_dir (journal, self->dir, sizeof self->dir);
    if (s_spool_remove (self->dir)) {
        eod_log_error ("%s: a stale spool cannot be removed", self->dir);
        free (self);
        return NULL;
    }
    self->market = strdup (market);
    self->snapshot = snapshot;
    self->anomalies = anomalies;
    if (anomalies)
        writer_anomalies_reset (anomalies, self->dir);
    self->seen = zhashx_new ();
    if (!self->market || !self->seen)
        writer_spool_destroy (&self);
    return self;
}

static int
s_spool_close (writer_spool_t *self, s_slot_t *slot)
{
    int rc = 0;
    if (slot->file && fclose (slot->file)) {
        eod_log_error ("%s/%s.spool: %s", self->dir, slot->month, strerror (errno));
        rc = -1;
    }
    slot->file = NULL;
    slot->month[0] = '\0';
    return rc;
}

//  Closes every open spool file. 0 or -1 (logged).
static int
s_spool_close_all (writer_spool_t *self)
{
    int rc = 0;
    for (size_t i = 0; i < S_SPOOL_OPEN_MAX; i++)
        if (s_spool_close (self, &self->slots[i]))
            rc = -1;
    return rc;
}

void
writer_spool_destroy (writer_spool_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    writer_spool_t *self = *self_p;
    s_spool_close_all (self);
    s_spool_remove (self->dir);
    free (self->months);
    free (self->market);
    free (self->unwritten);
    zhashx_destroy (&self->seen);
    free (self);
    *self_p = NULL;
}

//  The open spool file of a month: one already open, or opened (append) in a
//  free slot or in place of the least recently written one.
static FILE *
s_spool_file (writer_spool_t *self, const char *month)
{
    s_slot_t *slot = NULL;
    for (size_t i = 0; i < S_SPOOL_OPEN_MAX; i++)
        if (self->slots[i].file && strcmp (self->slots[i].month, month) == 0) {
            slot = &self->slots[i];
            goto out;
        }
    for (size_t i = 0; i < S_SPOOL_OPEN_MAX; i++)
        if (!slot || !self->slots[i].file || self->slots[i].used < slot->used) {
            slot = &self->slots[i];
            if (!slot->file)
                break;
        }
    if (s_spool_close (self, slot))
        return NULL;
    if (!self->dir_made) {
        if (mkdir (self->dir, 0700) && errno != EEXIST) {
            eod_log_error ("%s: %s", self->dir, strerror (errno));
            return NULL;
        }
        self->dir_made = true;
    }
    char path[S_PATH_MAX];
    snprintf (path, sizeof path, "%s/%s.spool", self->dir, month);
    slot->file = fopen (path, "ab");
    if (!slot->file) {
        eod_log_error ("%s: %s", path, strerror (errno));
        return NULL;
    }
    memcpy (slot->month, month, S_MONTH_LEN + 1);
    if (!zhashx_lookup (self->seen, month)) {
        if (self->nmonths == self->cap) {
            size_t cap = self->cap ? 2 * self->cap : S_MONTHS_MIN;
            void *bigger = realloc (self->months, cap * sizeof *self->months);
            if (!bigger)
                return NULL;
            self->months = bigger;
            self->cap = cap;
        }
        memcpy (self->months[self->nmonths++], month, S_MONTH_LEN + 1);
        zhashx_insert (self->seen, month, (void *) 1);
    }
out:
    slot->used = ++self->tick;
    return slot->file;
}

//  A finding of a row that is not written, under the session of its task
//  (the RESULT's last date): its month is spooled (perhaps with no row), so
//  pass 2 writes that session's sidecar. 0 or -1.
static int
s_note_dropped (writer_spool_t *self, const eod_msg_t *r, const char *detail)
{
    if (!self->anomalies || !r->date_to || strlen (r->date_to) != WRITER_SPOOL_DATE_LEN)
        return 0;
    char month[S_MONTH_LEN + 1];
    snprintf (month, sizeof month, "%.*s", S_MONTH_LEN, r->date_to);
    if (!s_spool_file (self, month))
        return -1;
    return writer_anomalies_note (self->anomalies, r->date_to, r->code, WRITER_VALIDATE_WRONG_DATE, detail);
}

//  The rows the fetcher dropped for a date outside its request (RESULT meta
//  "wrong_date": the dates, "wrong_date_count": how many rows). 0 or -1.
static int
s_note_wrong_dates (writer_spool_t *self, const eod_msg_t *r)
{
    const char *dates = eod_fields_get (&r->meta, EOD_META_WRONG_DATE);
    const char *count = eod_fields_get (&r->meta, EOD_META_WRONG_DATE_COUNT);
    if (!dates || !*dates)
        return 0;
    char detail[WRITER_VALIDATE_DETAIL_MAX];
    long listed = 0;
    for (const char *p = dates; *p;) {
        size_t len = strcspn (p, ",");
        snprintf (detail, sizeof detail, "a row dated \"%.*s\" outside the request %s..%s: dropped by the fetcher",
                  (int) (len < 16 ? len : 16), p, r->date_from ? r->date_from : "?", r->date_to);
        if (s_note_dropped (self, r, detail))
            return -1;
        listed++;
        p += len + (p[len] == ',');
    }
    long all = count ? strtol (count, NULL, 10) : listed;
    if (all > listed) {
        snprintf (detail, sizeof detail, "%ld more row(s) outside the request %s..%s: dropped by the fetcher",
                  all - listed, r->date_from ? r->date_from : "?", r->date_to);
        return s_note_dropped (self, r, detail);
    }
    return 0;
}

//  One entry "CODE FROM TO COUNT DATES" of RUN_DONE's wrong-date rows of
//  the tasks settled without rows, as a row-less RESULT into r's fields.
//  0, or -1 when it is not one (a field missing or not of its form).
static int
s_unwritten_entry (const writer_spool_t *self, char *entry, eod_msg_t *r)
{
    char *field[5];
    size_t n = 0;
    for (char *p = entry; n < 5; n++) {
        field[n] = p;
        char *space = strchr (p, ' ');
        if (!space) {
            n++;
            break;
        }
        *space = '\0';
        p = space + 1;
    }
    eod_date_t from, to;
    if (n != 5 || !eod_grammar_code_ok (self->market, field[0], NULL, 0) || eod_date_parse (field[1], &from)
        || eod_date_parse (field[2], &to) || strspn (field[3], "0123456789") != strlen (field[3]) || !*field[3]
        || strlen (field[3]) > 9 || !*field[4] || strspn (field[4], "0123456789?,") != strlen (field[4]))
        return -1;
    if (eod_msg_set (&r->code, field[0]) || eod_msg_set (&r->date_from, field[1]) || eod_msg_set (&r->date_to, field[2])
        || eod_fields_set (&r->meta, EOD_META_WRONG_DATE, field[4])
        || eod_fields_set (&r->meta, EOD_META_WRONG_DATE_COUNT, field[3]))
        return -1;
    return 0;
}

//  The rows outside their request in the answers of tasks that settled
//  without rows (no data, no row for the session): the coordinator hands
//  them over in RUN_DONE, as no RESULT of theirs is journalled, and they are
//  noted as a journalled RESULT's would be. An entry that does not parse is
//  logged and skipped. 0 or -1.
static int
s_note_unwritten (writer_spool_t *self)
{
    if (!self->anomalies || !self->unwritten)
        return 0;
    int rc = 0;
    for (char *p = self->unwritten; *p && rc == 0;) {
        size_t len = strcspn (p, ";");
        char *next = p + len + (p[len] == ';');
        p[len] = '\0';
        char shown[S_ENTRY_SHOWN];
        snprintf (shown, sizeof shown, "%s", p);   //  before the parse cuts it up
        eod_msg_t *r = eod_msg_new (EOD_MSG_RESULT);
        if (!r)
            rc = -1;
        else if (s_unwritten_entry (self, p, r))
            eod_log_warn ("%s: RUN_DONE's %s entry \"%s\" is not CODE FROM TO COUNT DATES: skipped", self->journal,
                          EOD_META_WRONG_DATE_UNWRITTEN, shown);
        else
            rc = s_note_wrong_dates (self, r);
        eod_msg_destroy (&r);
        p = next;
    }
    return rc;
}

int
writer_spool_unwritten (writer_spool_t *self, const char *entries)
{
    free (self->unwritten);
    self->unwritten = entries && *entries ? strdup (entries) : NULL;
    return entries && *entries && !self->unwritten ? -1 : 0;
}

//  For each journal record: the run's check sees it (anomalies.h); the rows
//  of a RESULT of this market go to their months' spools, formatted, and
//  are validated.
static int
s_spool_result (eod_msg_t **msg_p, long record, void *arg)
{
    writer_spool_t *self = arg;
    const eod_msg_t *r = *msg_p;
    if (self->anomalies && writer_anomalies_record (self->anomalies, r)) {
        eod_log_error ("%s: record %ld: the run's cross-check failed (no memory)", self->journal, record);
        self->rc = -1;
        return -1;
    }
    if (r->type != EOD_MSG_RESULT || strcmp (r->market, self->market) != 0)
        return 0;
    const char *const *cols;
    size_t n = writer_csv_columns (r->market, &cols);
    assert (n <= WRITER_CSV_VALUES_MAX);
    const char *values[WRITER_CSV_VALUES_MAX];
    bool us = strcmp (r->market, "us") == 0;
    if (s_note_wrong_dates (self, r)) {
        self->rc = -1;
        return -1;
    }
    const char *listing_date = eod_fields_get (&r->meta, "listing_date");
    for (size_t i = 0; i < r->nrows; i++) {
        char date[WRITER_CSV_DATE_SIZE];
        const char *raw = eod_fields_get (&r->rows[i], us ? "xymd" : "stck_bsop_date");
        //  The snapshot (output1) is of the moment the request was made: it
        //  goes on the row of the session it describes, if any (snapshot.h).
        bool dated = raw && strlen (raw) == 8 && strspn (raw, "0123456789") == 8;
        bool with_snapshot =
            self->snapshot && dated
            && writer_snapshot_judge (self->snapshot, r->market, &r->rows[i], &r->snapshot, r->asked_at)
                   == WRITER_SNAPSHOT_KEPT;
        if (writer_csv_row_values (r->market, &r->rows[i], &r->snapshot, &r->meta, r->code, with_snapshot, values,
                                   date)) {
            eod_log_warn_capped ("journal row without a trade date",
                                 "%s: record %ld: %s %s row %zu: trade date \"%s\" is not a date YYYYMMDD: row skipped",
                                 self->journal, record, r->market, r->code, i + 1, raw ? raw : "(none)");
            self->skipped++;
            char detail[WRITER_VALIDATE_DETAIL_MAX];
            snprintf (detail, sizeof detail, "a row whose trade date \"%.16s\" is not a date YYYYMMDD: not written",
                      raw ? raw : "(none)");
            if (s_note_dropped (self, r, detail)) {
                self->rc = -1;
                return -1;
            }
            continue;
        }
        char key[WRITER_SPOOL_KEY_MAX];
        writer_spool_key (key, date, r->code);
        char month[S_MONTH_LEN + 1];
        memcpy (month, date, S_MONTH_LEN);
        month[S_MONTH_LEN] = '\0';
        char *line = NULL;
        size_t len = 0;
        FILE *f = s_spool_file (self, month);
        if (!f || writer_csv_line (values, n, &line, &len) || writer_spool_put (f, key, line, len, NULL, NULL)) {
            eod_log_error ("%s/%s.spool: cannot spool: %s", self->dir, month, strerror (errno));
            free (line);
            self->rc = -1;
            return -1;
        }
        free (line);
        if (self->anomalies
            && writer_anomalies_check (self->anomalies, r->market, values, n, date, r->code, listing_date)) {
            self->rc = -1;
            return -1;
        }
        self->rows++;
    }
    return 0;
}

static int
s_month_cmp (const void *a, const void *b)
{
    return strcmp ((const char *) a, (const char *) b);
}

int
writer_spool_fill (writer_spool_t *self)
{
    long records = eod_journal_read (self->journal, s_spool_result, self);
    if (records >= 0 && !self->rc && s_note_unwritten (self))
        self->rc = -1;
    if (s_spool_close_all (self))
        self->rc = -1;
    if (self->anomalies && writer_anomalies_spooled (self->anomalies))
        self->rc = -1;
    if (records < 0 || self->rc)
        return -1;
    if (self->skipped)
        eod_log_warn ("%s: %ld row(s) without a valid trade date skipped", self->journal, self->skipped);
    if (self->nmonths)
        qsort (self->months, self->nmonths, sizeof *self->months, s_month_cmp);
    return 0;
}

size_t
writer_spool_months (const writer_spool_t *self)
{
    return self->nmonths;
}

void
writer_spool_path (const writer_spool_t *self, size_t i, char *path, size_t size)
{
    assert (i < self->nmonths);
    snprintf (path, size, "%s/%s.spool", self->dir, self->months[i]);
}

long
writer_spool_rows (const writer_spool_t *self)
{
    return self->rows;
}

long
writer_spool_skipped (const writer_spool_t *self)
{
    return self->skipped;
}
