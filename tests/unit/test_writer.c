/*  test_writer — unit tests of the writer's fold (stages/writer): journals
    built with eod_journal_append are folded into partition files under a temp
    directory, and the files are checked byte for byte: arrival order and
    redelivery change nothing, a multi-month range gives one sorted file per
    session, existing rows of other codes survive a merge, a torn journal tail
    is cut off, rows without a valid trade date are skipped, and the files of a
    range the fold did not write are reported. The fold's index (pass 2 holds
    where each row is in the spool, not the row) is checked with many rows and
    duplicate keys (the first wins), a merge that keeps most of a large file,
    a hand-made spool, and damaged spools (reported with the byte offset). */
#include "eod_journal.h"
#include "eod_test.h"
#include "eod_util.h"
#include "writer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_PATH_MAX 1024
#define S_FILE_MAX (1u << 24)
#define S_CODES 4                     //  codes in the multi-month case
#define S_MONTHS 3
#define S_DAYS_PER_MONTH 5            //  sessions per month in the multi-month case
#define S_TORN_LEN 4096               //  length a torn record's prefix claims
#define S_MANY 3000                   //  codes in the many-rows case
#define S_MANY_LATE 500               //  of them redelivered with other data
#define S_BIG 2000                    //  rows of the partition file a refill merges with
#define S_REFILL 5                    //  codes the refill brings
#define S_CODE_COL 17                 //  stck_shrn_iscd in the KR columns
#define S_LOG_MAX 65536

static char s_root[S_PATH_MAX];

//  ------------------------------------------------------------ helpers

//  A KR RESULT of one code whose rows have the given YYYYMMDD dates; the
//  close price is tag and the date, so files show which RESULT a row is from.
static eod_msg_t *
s_result (const char *task_id, const char *code, const char *tag, const char *const *dates, size_t ndates)
{
    eod_msg_t *r = eod_msg_new (EOD_MSG_RESULT);
    eod_msg_set (&r->run_id, "run-test");
    eod_msg_set (&r->task_id, task_id);
    eod_msg_set (&r->market, "kr");
    eod_msg_set (&r->code, code);
    eod_msg_set (&r->status, "ok");
    eod_msg_set (&r->mode, "backfill");
    eod_msg_set (&r->date_from, "2024-01-01");
    eod_msg_set (&r->date_to, "2024-03-31");
    eod_fields_set (&r->meta, "name", "Name, \"quoted\"\nline");
    for (size_t i = 0; i < ndates; i++) {
        eod_fields_t row = EOD_FIELDS_INIT;
        char close[64];
        snprintf (close, sizeof close, "%s-%s", tag, dates[i]);
        eod_fields_set (&row, "stck_bsop_date", dates[i]);
        eod_fields_set (&row, "stck_clpr", close);
        eod_fields_set (&row, "acml_vol", "1000");
        eod_msg_add_row (r, &row);
        eod_fields_clear (&row);
    }
    return r;
}

static void
s_path (char *out, const char *rel)
{
    snprintf (out, S_PATH_MAX, "%s/%s", s_root, rel);
}

static char *
s_read (const char *rel)
{
    char path[S_PATH_MAX];
    s_path (path, rel);
    size_t len = 0;
    return eod_read_file (path, S_FILE_MAX, &len);
}

//  Appends msgs[order[i]] for each i to a new journal at rel.
static void
s_write_journal (const char *rel, eod_msg_t **msgs, const size_t *order, size_t n)
{
    char path[S_PATH_MAX];
    s_path (path, rel);
    unlink (path);
    eod_journal_t *j = eod_journal_open (path, NULL, NULL);
    CHECK (j != NULL);
    for (size_t i = 0; j && i < n; i++)
        CHECK_INT (eod_journal_append (j, msgs[order[i]]), 0);
    CHECK (j && eod_journal_sync (j) == 0);
    eod_journal_destroy (&j);
}

typedef struct {
    char rel[32][128];
    char date[32][11];
    long rows[32];
    size_t count;
} s_files_t;

static void
s_on_file (const char *path, const char *rel, const char *date, long rows, void *arg)
{
    s_files_t *files = arg;
    struct stat st;
    CHECK (stat (path, &st) == 0);
    if (files->count < 32) {
        snprintf (files->rel[files->count], sizeof files->rel[0], "%s", rel);
        snprintf (files->date[files->count], sizeof files->date[0], "%s", date);
        files->rows[files->count] = rows;
    }
    files->count++;
}

static long
s_fold (const char *journal_rel, const char *data_rel, s_files_t *files)
{
    char journal[S_PATH_MAX], data[S_PATH_MAX];
    s_path (journal, journal_rel);
    s_path (data, data_rel);
    memset (files, 0, sizeof *files);
    return writer_fold_journal (journal, data, "kr", s_on_file, files);
}

//  Offset of the start of data row n (1-based) of a file whose rows all
//  start with "\nDATE,", or -1.
static long
s_row_at (const char *text, const char *date, int n)
{
    char mark[16];
    snprintf (mark, sizeof mark, "\n%s,", date);
    const char *p = text;
    for (int i = 0; i < n; i++) {
        p = strstr (p, mark);
        if (!p)
            return -1;
        p++;
    }
    return (long) (p - 1 - text);
}

static bool
s_exists (const char *rel)
{
    char path[S_PATH_MAX];
    s_path (path, rel);
    struct stat st;
    return stat (path, &st) == 0;
}

//  ------------------------------------------------------------ the cases

//  (a) Same RESULTs in two orders, one redelivered: byte-identical files.
static void
s_test_order_and_redelivery (void)
{
    const char *d1[] = {"20240102", "20240103"};
    const char *d2[] = {"20240103", "20240102"};
    eod_msg_t *msgs[3] = {s_result ("t1", "005930", "a", d1, 2), s_result ("t2", "000660", "b", d2, 2),
                          s_result ("t3", "035720", "c", d1, 1)};
    size_t order1[] = {0, 1, 2};
    size_t order2[] = {2, 1, 0, 1, 2};   //  t2 and t3 redelivered
    s_write_journal ("a1.journal", msgs, order1, 3);
    s_write_journal ("a2.journal", msgs, order2, 5);
    s_files_t f1, f2;
    CHECK_INT (s_fold ("a1.journal", "data-a1", &f1), 5);
    CHECK_INT (s_fold ("a2.journal", "data-a2", &f2), 5);
    CHECK_INT (f1.count, 2);
    CHECK_INT (f2.count, 2);
    for (size_t i = 0; i < 2 && i < f1.count && i < f2.count; i++) {
        CHECK_STR (f1.rel[i], f2.rel[i]);
        CHECK_INT (f1.rows[i], f2.rows[i]);
        char r1[256], r2[256];
        snprintf (r1, sizeof r1, "data-a1/%s", f1.rel[i]);
        snprintf (r2, sizeof r2, "data-a2/%s", f2.rel[i]);
        char *t1 = s_read (r1), *t2 = s_read (r2);
        CHECK (t1 && t2 && strcmp (t1, t2) == 0);
        free (t1);
        free (t2);
    }
    CHECK_STR (f1.rel[0], "market=kr/dt=2024-01-02/kr_20240102.csv");
    CHECK_INT (f1.rows[0], 3);
    CHECK_INT (f1.rows[1], 2);
    //  The spool is gone.
    CHECK (!s_exists ("a1.spool"));
    CHECK (!s_exists ("a2.spool"));
    for (size_t i = 0; i < 3; i++)
        eod_msg_destroy (&msgs[i]);
}

//  (b) Three months, several codes: one file per session, sorted by code.
static void
s_test_multi_month (void)
{
    static const char *codes[S_CODES] = {"900000", "100000", "500000", "300000"};
    static const char *sorted[S_CODES] = {"100000", "300000", "500000", "900000"};
    char dates[S_MONTHS * S_DAYS_PER_MONTH][9];
    const char *dp[S_MONTHS * S_DAYS_PER_MONTH];
    size_t nd = 0;
    //  Newest first, as the API sends them.
    for (int m = S_MONTHS; m >= 1; m--)
        for (int d = S_DAYS_PER_MONTH; d >= 1; d--) {
            snprintf (dates[nd], sizeof dates[nd], "2024%02d%02d", m, 10 + d);
            dp[nd] = dates[nd];
            nd++;
        }
    eod_msg_t *msgs[S_CODES];
    size_t order[S_CODES];
    for (size_t c = 0; c < S_CODES; c++) {
        char task[16];
        snprintf (task, sizeof task, "m%zu", c);
        msgs[c] = s_result (task, codes[c], "m", dp, nd);
        order[c] = c;
    }
    s_write_journal ("b.journal", msgs, order, S_CODES);
    //  A stale spool of a crashed fold is removed first.
    char stale[S_PATH_MAX];
    s_path (stale, "b.spool");
    CHECK (eod_mkdirs (stale, 0700) == 0);
    s_path (stale, "b.spool/2024-01.spool");
    CHECK (eod_write_file_atomic (stale, "garbage", 7, 0600) == 0);
    s_files_t f;
    CHECK_INT (s_fold ("b.journal", "data-b", &f), (long) (S_CODES * nd));
    CHECK_INT (f.count, nd);
    CHECK (!s_exists ("b.spool"));
    for (size_t i = 0; i < f.count && i < 32; i++) {
        CHECK_INT (f.rows[i], S_CODES);
        if (i)
            CHECK (strcmp (f.date[i - 1], f.date[i]) < 0);
    }
    CHECK_STR (f.date[0], "2024-01-11");
    CHECK_STR (f.date[nd - 1], "2024-03-15");
    char *text = s_read ("data-b/market=kr/dt=2024-02-13/kr_20240213.csv");
    CHECK (text != NULL);
    if (text) {
        //  Header, then the codes in order; the name field holds a quoted line break.
        CHECK (strncmp (text, "stck_bsop_date,stck_clpr,", 25) == 0);
        const char *at = text;
        for (size_t c = 0; c < S_CODES; c++) {
            char want[32];
            snprintf (want, sizeof want, ",%s,", sorted[c]);
            const char *hit = strstr (at, want);
            CHECK (hit != NULL);
            if (hit)
                at = hit + 1;
        }
        CHECK (strstr (text, "\n2024-02-13,m-20240213,") != NULL);
        CHECK (strstr (text, "\"Name, \"\"quoted\"\"\nline\"") != NULL);
        free (text);
    }
    for (size_t c = 0; c < S_CODES; c++)
        eod_msg_destroy (&msgs[c]);
}

//  (c) Rows of other codes in an existing file stay; the journal's codes are
//  replaced by the journal's rows.
static void
s_test_merge_existing (void)
{
    const char *d[] = {"20240105"};
    eod_msg_t *first[3] = {s_result ("c1", "111111", "old", d, 1), s_result ("c2", "222222", "old", d, 1),
                           s_result ("c3", "333333", "old", d, 1)};
    size_t order[] = {0, 1, 2};
    s_write_journal ("c1.journal", first, order, 3);
    s_files_t f;
    CHECK_INT (s_fold ("c1.journal", "data-c", &f), 3);
    char *original = s_read ("data-c/market=kr/dt=2024-01-05/kr_20240105.csv");
    eod_msg_t *second[1] = {s_result ("c4", "222222", "new", d, 1)};
    size_t order2[] = {0};
    s_write_journal ("c2.journal", second, order2, 1);
    CHECK_INT (s_fold ("c2.journal", "data-c", &f), 3);
    CHECK_INT (f.count, 1);
    CHECK_INT (f.rows[0], 3);
    char *text = s_read ("data-c/market=kr/dt=2024-01-05/kr_20240105.csv");
    CHECK (text != NULL);
    if (text) {
        CHECK (strstr (text, "2024-01-05,old-20240105,") != NULL);
        CHECK (strstr (text, "2024-01-05,new-20240105,") != NULL);
        const char *a = strstr (text, ",111111,"), *b = strstr (text, ",222222,"), *c = strstr (text, ",333333,");
        CHECK (a && b && c && a < b && b < c);
        //  Two rows kept from the file, one replaced: "old" twice, "new" once.
        size_t olds = 0;
        for (const char *p = text; (p = strstr (p, "old-")); p++)
            olds++;
        CHECK_INT (olds, 2);
        //  The kept rows (quoted fields with a line break) are written back
        //  byte for byte: only the middle row differs from the original.
        long o2 = original ? s_row_at (original, "2024-01-05", 2) : -1;
        long o3 = original ? s_row_at (original, "2024-01-05", 3) : -1;
        long t2 = s_row_at (text, "2024-01-05", 2), t3 = s_row_at (text, "2024-01-05", 3);
        CHECK (o2 > 0 && o3 > o2 && o2 == t2 && t3 > t2);
        if (o2 > 0 && o3 > o2 && o2 == t2 && t3 > t2) {
            CHECK (memcmp (original, text, (size_t) o2) == 0);
            CHECK_STR (original + o3, text + t3);
        }
        free (text);
    }
    free (original);
    //  Folding the same journal twice changes nothing.
    char *before = s_read ("data-c/market=kr/dt=2024-01-05/kr_20240105.csv");
    CHECK_INT (s_fold ("c2.journal", "data-c", &f), 3);
    char *after = s_read ("data-c/market=kr/dt=2024-01-05/kr_20240105.csv");
    CHECK (before && after && strcmp (before, after) == 0);
    free (before);
    free (after);
    for (size_t i = 0; i < 3; i++)
        eod_msg_destroy (&first[i]);
    eod_msg_destroy (&second[0]);
}

static int
s_count_record (eod_msg_t **msg_p, long record, void *arg)
{
    (void) msg_p;
    (void) record;
    (*(long *) arg)++;
    return 0;
}

//  (d) A torn tail is cut off on open; later appends read back.
static void
s_test_torn_tail (void)
{
    const char *d[] = {"20240108"};
    eod_msg_t *msgs[3] = {s_result ("d1", "111111", "x", d, 1), s_result ("d2", "222222", "x", d, 1),
                          s_result ("d3", "333333", "x", d, 1)};
    size_t order[] = {0, 1};
    s_write_journal ("d.journal", msgs, order, 2);
    char path[S_PATH_MAX];
    s_path (path, "d.journal");
    struct stat st;
    CHECK (stat (path, &st) == 0);
    off_t whole = st.st_size;
    //  Half a record: a length that promises more than follows.
    FILE *f = fopen (path, "ab");
    CHECK (f != NULL);
    if (f) {
        unsigned char torn[] = {0, 0, S_TORN_LEN >> 8, S_TORN_LEN & 0xff, 0x87, 0xa1, 'v', 1};
        CHECK_INT (fwrite (torn, 1, sizeof torn, f), sizeof torn);
        fclose (f);
    }
    long seen = 0;
    eod_journal_t *j = eod_journal_open (path, s_count_record, &seen);
    CHECK (j != NULL);
    CHECK_INT (seen, 2);
    CHECK (stat (path, &st) == 0 && st.st_size == whole);
    CHECK (j && eod_journal_append (j, msgs[2]) == 0);
    CHECK (j && eod_journal_sync (j) == 0);
    eod_journal_destroy (&j);
    seen = 0;
    CHECK_INT (eod_journal_read (path, s_count_record, &seen), 3);
    CHECK_INT (seen, 3);
    s_files_t fl;
    CHECK_INT (s_fold ("d.journal", "data-d", &fl), 3);
    char *text = s_read ("data-d/market=kr/dt=2024-01-08/kr_20240108.csv");
    CHECK (text && strstr (text, ",333333,") != NULL);
    free (text);
    for (size_t i = 0; i < 3; i++)
        eod_msg_destroy (&msgs[i]);
}

//  (e) A row with a bad trade date is skipped; the rest of its RESULT kept.
static void
s_test_bad_date (void)
{
    const char *d[] = {"20240110", "2024011", "2024O111", "20240112"};
    eod_msg_t *msgs[1] = {s_result ("e1", "444444", "e", d, 4)};
    eod_fields_t nodate = EOD_FIELDS_INIT;
    eod_fields_set (&nodate, "stck_clpr", "1");
    eod_msg_add_row (msgs[0], &nodate);
    eod_fields_clear (&nodate);
    size_t order[] = {0};
    s_write_journal ("e.journal", msgs, order, 1);
    s_files_t f;
    CHECK_INT (s_fold ("e.journal", "data-e", &f), 2);
    CHECK_INT (f.count, 2);
    CHECK_STR (f.date[0], "2024-01-10");
    CHECK_STR (f.date[1], "2024-01-12");
    eod_msg_destroy (&msgs[0]);
}

//  A missing journal writes nothing.
static void
s_test_missing_journal (void)
{
    s_files_t f;
    CHECK_INT (s_fold ("none.journal", "data-none", &f), 0);
    CHECK_INT (f.count, 0);
    CHECK (!s_exists ("data-none"));
}

//  Files of the range the fold did not write are reported, with their rows.
static void
s_test_existing_files (void)
{
    //  data-b holds 2024-01-11..15, 02-11..15, 03-11..15 with S_CODES rows each.
    char data[S_PATH_MAX];
    s_path (data, "data-b");
    zhashx_t *skip = zhashx_new ();
    zhashx_insert (skip, "2024-02-12", (void *) 1);
    //  A directory without its file and a stray name are passed over.
    char extra[S_PATH_MAX];
    s_path (extra, "data-b/market=kr/dt=2024-02-20");
    CHECK (eod_mkdirs (extra, 0755) == 0);
    s_path (extra, "data-b/market=kr/notes");
    CHECK (eod_mkdirs (extra, 0755) == 0);
    s_files_t f;
    memset (&f, 0, sizeof f);
    long n = writer_existing_files (data, "kr", "2024-02-01", "2024-03-12", skip, s_on_file, &f);
    //  Feb 11, 13, 14, 15 and Mar 11, 12.
    CHECK_INT (n, 6);
    CHECK_INT (f.count, 6);
    CHECK_STR (f.date[0], "2024-02-11");
    CHECK_STR (f.date[1], "2024-02-13");
    CHECK_STR (f.date[5], "2024-03-12");
    CHECK_STR (f.rel[5], "market=kr/dt=2024-03-12/kr_20240312.csv");
    for (size_t i = 0; i < f.count && i < 32; i++)
        CHECK_INT (f.rows[i], S_CODES);   //  names hold a quoted line break: records, not lines
    CHECK_INT (writer_existing_files (data, "us", "2024-01-01", "2024-12-31", NULL, s_on_file, &f), 0);
    zhashx_destroy (&skip);
}

//  ------------------------------------------------------------ the index

//  A RESULT whose name has no comma, quote or line break, so that every CSV
//  record of its rows is one line.
static eod_msg_t *
s_plain_result (const char *task_id, const char *code, const char *tag, const char *const *dates, size_t ndates)
{
    eod_msg_t *r = s_result (task_id, code, tag, dates, ndates);
    eod_fields_set (&r->meta, "name", "Plain name");
    return r;
}

//  The S_CODE_COL-th field of a one-line record, copied into out.
static void
s_line_code (const char *line, char *out, size_t size)
{
    const char *p = line;
    for (int c = 0; c < S_CODE_COL && p; c++) {
        p = strchr (p, ',');
        if (p)
            p++;
    }
    size_t len = p ? strcspn (p, ",\n") : 0;
    snprintf (out, size, "%.*s", (int) len, p ? p : "");
}

//  A distinct six-digit code for each i < 1000000, in no particular order.
static void
s_code (size_t i, char code[8])
{
    snprintf (code, 8, "%06zu", (i * 7919 + 13) % 1000000);
}

//  Checks a file of one-line records: rows data rows, codes strictly
//  ascending, no row tagged "late-". Returns the number of "first-" rows.
static size_t
s_check_sorted (const char *rel, size_t rows)
{
    char *text = s_read (rel);
    CHECK (text != NULL);
    if (!text)
        return 0;
    size_t n = 0, first = 0;
    bool ascending = true;
    char prev[16] = "";
    const char *line = strchr (text, '\n');
    for (line = line ? line + 1 : NULL; line && *line; line = strchr (line, '\n'), line = line ? line + 1 : NULL) {
        char code[16];
        s_line_code (line, code, sizeof code);
        if (n && strcmp (prev, code) >= 0)
            ascending = false;
        snprintf (prev, sizeof prev, "%s", code);
        if (strncmp (strchr (line, ',') + 1, "first-", 6) == 0)
            first++;
        n++;
    }
    CHECK_INT (n, rows);
    CHECK (ascending);
    CHECK (strstr (text, ",late-") == NULL);
    free (text);
    return first;
}

//  (f) Many rows over two months, arrival order shuffled, a sixth of the
//  tasks redelivered under other task ids with other data, and one RESULT
//  that has a session twice: every key's first row wins, files sorted.
static void
s_test_many_first_wins (void)
{
    const char *dates[] = {"20240130", "20240201"};
    size_t n = S_MANY + S_MANY_LATE + 1;
    eod_msg_t **msgs = calloc (n, sizeof *msgs);
    size_t *order = calloc (n, sizeof *order);
    CHECK (msgs && order);
    if (!msgs || !order) {
        free (msgs);
        free (order);
        return;
    }
    for (size_t i = 0; i < S_MANY; i++) {
        char code[8], task[32];
        s_code (i, code);
        snprintf (task, sizeof task, "f%zu", i);
        msgs[i] = s_plain_result (task, code, i == 0 ? "dup" : "first", dates, 2);
    }
    //  Code 0 has its January session twice in its own RESULT: the first
    //  row, "first-", wins over the second, "dup-".
    eod_fields_set (&msgs[0]->rows[0], "stck_clpr", "first-20240130");
    eod_fields_set (&msgs[0]->rows[1], "stck_bsop_date", "20240130");
    eod_fields_set (&msgs[0]->rows[1], "stck_clpr", "dup-20240130");
    const char *feb[] = {"20240201"};
    msgs[S_MANY] = s_plain_result ("f0-feb", "000013", "first", feb, 1);
    for (size_t i = 0; i < S_MANY_LATE; i++) {
        char code[8], task[32];
        s_code (i * (S_MANY / S_MANY_LATE), code);
        snprintf (task, sizeof task, "late%zu", i);
        msgs[S_MANY + 1 + i] = s_plain_result (task, code, "late", dates, 2);
    }
    //  Arrival: the first RESULTs shuffled (code 0's and its February one
    //  first), then the redeliveries.
    order[0] = 0;
    order[1] = S_MANY;
    for (size_t i = 2; i <= S_MANY; i++)
        order[i] = i - 1;
    for (size_t i = n - 1; i > S_MANY; i--)
        order[i] = i;
    for (size_t i = S_MANY; i > 2; i--) {
        size_t k = 2 + (i * 2654435761u) % (i - 1);   //  in 2..i
        size_t t = order[i];
        order[i] = order[k];
        order[k] = t;
    }
    s_write_journal ("f.journal", msgs, order, n);
    s_files_t f;
    CHECK_INT (s_fold ("f.journal", "data-f", &f), 2 * S_MANY);
    CHECK_INT (f.count, 2);
    CHECK_INT (f.rows[0], S_MANY);
    CHECK_INT (f.rows[1], S_MANY);
    CHECK_INT (s_check_sorted ("data-f/market=kr/dt=2024-01-30/kr_20240130.csv", S_MANY), S_MANY);
    CHECK_INT (s_check_sorted ("data-f/market=kr/dt=2024-02-01/kr_20240201.csv", S_MANY), S_MANY);
    char *text = s_read ("data-f/market=kr/dt=2024-01-30/kr_20240130.csv");
    CHECK (text && strstr (text, "dup-") == NULL);
    free (text);
    CHECK (!s_exists ("f.spool"));
    for (size_t i = 0; i < n; i++)
        eod_msg_destroy (&msgs[i]);
    free (msgs);
    free (order);
}

//  (g) A refill of a few codes merges with a large partition file: the file's
//  other rows are kept byte for byte, the refilled ones replaced.
static void
s_test_refill_large_file (void)
{
    const char *d[] = {"20240305"};
    eod_msg_t **msgs = calloc (S_BIG, sizeof *msgs);
    size_t *order = calloc (S_BIG, sizeof *order);
    CHECK (msgs && order);
    if (!msgs || !order) {
        free (msgs);
        free (order);
        return;
    }
    for (size_t i = 0; i < S_BIG; i++) {
        char code[8], task[32];
        s_code (i, code);
        snprintf (task, sizeof task, "g%zu", i);
        msgs[i] = s_plain_result (task, code, "first", d, 1);
        order[i] = i;
    }
    s_write_journal ("g1.journal", msgs, order, S_BIG);
    s_files_t f;
    CHECK_INT (s_fold ("g1.journal", "data-g", &f), S_BIG);
    const char *rel = "data-g/market=kr/dt=2024-03-05/kr_20240305.csv";
    char *before = s_read (rel);
    eod_msg_t *refill[S_REFILL];
    size_t order2[S_REFILL];
    for (size_t i = 0; i < S_REFILL; i++) {
        char code[8], task[32];
        s_code (i * (S_BIG / S_REFILL), code);
        snprintf (task, sizeof task, "refill%zu", i);
        refill[i] = s_plain_result (task, code, "new", d, 1);
        order2[i] = i;
    }
    s_write_journal ("g2.journal", refill, order2, S_REFILL);
    CHECK_INT (s_fold ("g2.journal", "data-g", &f), S_BIG);
    CHECK_INT (f.count, 1);
    CHECK_INT (f.rows[0], S_BIG);
    char *after = s_read (rel);
    CHECK (before && after);
    if (before && after) {
        //  Line by line: the same lines but S_REFILL, which now say "new-".
        size_t same = 0, renewed = 0, lines = 0;
        const char *a = before, *b = after;
        while (*a && *b) {
            size_t la = strcspn (a, "\n") + 1, lb = strcspn (b, "\n") + 1;
            if (la == lb && memcmp (a, b, la) == 0)
                same++;
            else if (strstr (b, ",new-") && strstr (b, ",new-") < b + lb)
                renewed++;
            lines++;
            a += la;
            b += lb;
        }
        CHECK (*a == '\0' && *b == '\0');
        CHECK_INT (lines, S_BIG + 1);
        CHECK_INT (renewed, S_REFILL);
        CHECK_INT (same, S_BIG + 1 - S_REFILL);
    }
    free (before);
    free (after);
    for (size_t i = 0; i < S_BIG; i++)
        eod_msg_destroy (&msgs[i]);
    for (size_t i = 0; i < S_REFILL; i++)
        eod_msg_destroy (&refill[i]);
    free (msgs);
    free (order);
}

//  Appends a spool record (key, line) to f; the key's and the line's length
//  fields are klen and llen (so a record can lie about them).
static void
s_spool_record (FILE *f, const char *key, uint32_t klen, const char *line, uint32_t llen)
{
    uint32_t be = htonl (klen);
    CHECK_INT (fwrite (&be, sizeof be, 1, f), 1);
    CHECK_INT (fwrite (key, 1, strlen (key) + 1, f), strlen (key) + 1);
    be = htonl (llen);
    CHECK_INT (fwrite (&be, sizeof be, 1, f), 1);
    CHECK_INT (fwrite (line, 1, strlen (line) + 1, f), strlen (line) + 1);
}

//  Folds the spool at rel into data_rel with stderr captured into log (NUL
//  terminated, up to S_LOG_MAX bytes). Returns what writer_fold_spool did.
static long
s_fold_spool (const char *rel, const char *data_rel, s_files_t *files, char *log)
{
    char spool[S_PATH_MAX], data[S_PATH_MAX], capture[S_PATH_MAX];
    s_path (spool, rel);
    s_path (data, data_rel);
    s_path (capture, "stderr.txt");
    memset (files, 0, sizeof *files);
    fflush (stderr);
    int saved = dup (STDERR_FILENO);
    int fd = open (capture, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK (saved >= 0 && fd >= 0);
    if (fd >= 0) {
        dup2 (fd, STDERR_FILENO);
        close (fd);
    }
    long rc = writer_fold_spool (spool, data, "kr", s_on_file, files);
    fflush (stderr);
    if (saved >= 0) {
        dup2 (saved, STDERR_FILENO);
        close (saved);
    }
    size_t len = 0;
    char *text = eod_read_file (capture, S_LOG_MAX - 1, &len);
    snprintf (log, S_LOG_MAX, "%s", text ? text : "");
    free (text);
    return rc;
}

//  (h) A hand-made spool: keys out of order and repeated. The file holds the
//  header and the lines in key order, each key's first record, byte for byte.
static void
s_test_spool_direct (void)
{
    char path[S_PATH_MAX];
    s_path (path, "h.spool");
    FILE *f = fopen (path, "wb");
    CHECK (f != NULL);
    if (!f)
        return;
    const char *rows[][2] = {{"2024-04-02\tB", "b first\n"},  {"2024-04-01\tZ", "z\n"},
                             {"2024-04-02\tA", "a \"x\"\n,y\n"}, {"2024-04-02\tB", "b second\n"},
                             {"2024-04-01\tY", "y\n"},        {"2024-04-02\tAB", "ab\n"}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        s_spool_record (f, rows[i][0], (uint32_t) strlen (rows[i][0]), rows[i][1], (uint32_t) strlen (rows[i][1]));
    fclose (f);
    static char log[S_LOG_MAX];
    s_files_t fl;
    CHECK_INT (s_fold_spool ("h.spool", "data-h", &fl, log), 5);
    CHECK_INT (fl.count, 2);
    CHECK_STR (fl.date[0], "2024-04-01");
    CHECK_INT (fl.rows[0], 2);
    CHECK_INT (fl.rows[1], 3);
    const char *const *cols;
    size_t n = writer_columns ("kr", &cols);
    char header[1024] = "";
    size_t at = 0;
    for (size_t c = 0; c < n; c++)
        at += (size_t) snprintf (header + at, sizeof header - at, "%s%s", c ? "," : "", cols[c]);
    char want[2048];
    snprintf (want, sizeof want, "%s\ny\nz\n", header);
    char *text = s_read ("data-h/market=kr/dt=2024-04-01/kr_20240401.csv");
    CHECK_STR (text, want);
    free (text);
    snprintf (want, sizeof want, "%s\na \"x\"\n,y\nab\nb first\n", header);
    text = s_read ("data-h/market=kr/dt=2024-04-02/kr_20240402.csv");
    CHECK_STR (text, want);
    free (text);
}

//  (i) Damaged spools: the fold fails, names the spool and the byte where the
//  damaged record starts, and writes no file.
static void
s_test_spool_damaged (void)
{
    static char log[S_LOG_MAX];
    char path[S_PATH_MAX], want[S_PATH_MAX + 64];
    s_files_t fl;
    //  A line longer than what follows (a cut-off spool), after two good
    //  records of 4+13+4+3 bytes each.
    s_path (path, "i1.spool");
    FILE *f = fopen (path, "wb");
    CHECK (f != NULL);
    if (f) {
        s_spool_record (f, "2024-05-02\tA", 12, "a\n", 2);
        s_spool_record (f, "2024-05-02\tB", 12, "b\n", 2);
        s_spool_record (f, "2024-05-02\tC", 12, "c\n", 200);
        fclose (f);
    }
    CHECK_INT (s_fold_spool ("i1.spool", "data-i", &fl, log), -1);
    CHECK_INT (fl.count, 0);
    snprintf (want, sizeof want, "%s: damaged at byte 48 ", path);
    CHECK (strstr (log, want) != NULL);
    CHECK (!s_exists ("data-i"));
    //  A key that is not "YYYY-MM-DD\tCODE" in the second record.
    s_path (path, "i2.spool");
    f = fopen (path, "wb");
    CHECK (f != NULL);
    if (f) {
        s_spool_record (f, "2024-05-02\tA", 12, "a\n", 2);
        s_spool_record (f, "2024-05-02 B", 12, "b\n", 2);
        fclose (f);
    }
    CHECK_INT (s_fold_spool ("i2.spool", "data-i", &fl, log), -1);
    snprintf (want, sizeof want, "%s: damaged at byte 24 ", path);
    CHECK (strstr (log, want) != NULL);
    //  A length field cut in two at the end.
    s_path (path, "i3.spool");
    f = fopen (path, "wb");
    CHECK (f != NULL);
    if (f) {
        s_spool_record (f, "2024-05-02\tA", 12, "a\n", 2);
        CHECK_INT (fwrite ("\0\0", 1, 2, f), 2);
        fclose (f);
    }
    CHECK_INT (s_fold_spool ("i3.spool", "data-i", &fl, log), -1);
    snprintf (want, sizeof want, "%s: damaged at byte 24 ", path);
    CHECK (strstr (log, want) != NULL);
    CHECK (!s_exists ("data-i"));
    //  A missing spool is an error too.
    CHECK_INT (s_fold_spool ("none.spool", "data-i", &fl, log), -1);
    CHECK (strstr (log, "none.spool") != NULL);
}

static void
s_remove_tree (const char *path)
{
    char cmd[S_PATH_MAX + 16];
    //  The root is ours, made by mkdtemp under /tmp.
    if (strncmp (path, "/tmp/", 5) == 0 && !strchr (path, '\'')) {
        snprintf (cmd, sizeof cmd, "rm -rf '%s'", path);
        CHECK_INT (system (cmd), 0);
    }
}

int
main (void)
{
    snprintf (s_root, sizeof s_root, "/tmp/test_writer.XXXXXX");
    if (!mkdtemp (s_root)) {
        perror ("mkdtemp");
        return 1;
    }
    s_test_order_and_redelivery ();
    s_test_multi_month ();
    s_test_merge_existing ();
    s_test_torn_tail ();
    s_test_bad_date ();
    s_test_missing_journal ();
    s_test_existing_files ();
    s_test_many_first_wins ();
    s_test_refill_large_file ();
    s_test_spool_direct ();
    s_test_spool_damaged ();
    s_remove_tree (s_root);
    return EOD_TEST_DONE ();
}
