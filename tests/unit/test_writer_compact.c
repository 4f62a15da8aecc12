/*  test_writer_compact — the fold of a run's journal into partition files
    (stages/writer/compact.c, with the spool of spool.c): journals built with
    eod_journal_append are folded under a temp directory and the files are
    checked byte for byte: arrival order and redelivery change nothing, a
    multi-month range gives one sorted file per session, existing rows of
    other codes survive a merge, rows without a valid trade date are skipped,
    a missing journal writes nothing. The index of pass 2 (where each row is
    in the spool, not the row) is checked with many rows and duplicate keys
    (the first wins) and with a merge that keeps most of a large file. The
    wrong-date rows of tasks that settled without rows reach their sidecars. */
#include "compact.h"
#include "writer_fixture.h"

#define S_CODES 4                     //  codes in the multi-month case
#define S_MONTHS 3
#define S_DAYS_PER_MONTH 5            //  sessions per month in the multi-month case
#define S_MANY 3000                   //  codes in the many-rows case
#define S_MANY_LATE 500               //  of them redelivered with other data
#define S_BIG 2000                    //  rows of the partition file a refill merges with
#define S_REFILL 5                    //  codes the refill brings
#define S_CODE_COL 17                 //  stck_shrn_iscd in the KR columns

//  ------------------------------------------------------------ helpers

static long
s_fold (const char *journal_rel, const char *data_rel, fixture_files_t *files)
{
    char journal[FIXTURE_PATH_MAX], data[FIXTURE_PATH_MAX];
    fixture_path (journal, journal_rel);
    fixture_path (data, data_rel);
    memset (files, 0, sizeof *files);
    return writer_compact_journal (journal, data, "kr", NULL, NULL, NULL, fixture_on_file, files);
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

//  ------------------------------------------------------------ the cases

//  (a) Same RESULTs in two orders, one redelivered: byte-identical files.
static void
s_test_order_and_redelivery (void)
{
    const char *d1[] = {"20240102", "20240103"};
    const char *d2[] = {"20240103", "20240102"};
    eod_msg_t *msgs[3] = {fixture_result ("t1", "005930", "a", d1, 2), fixture_result ("t2", "000660", "b", d2, 2),
                          fixture_result ("t3", "035720", "c", d1, 1)};
    size_t order1[] = {0, 1, 2};
    size_t order2[] = {2, 1, 0, 1, 2};   //  t2 and t3 redelivered
    fixture_write_journal ("a1.journal", msgs, order1, 3);
    fixture_write_journal ("a2.journal", msgs, order2, 5);
    fixture_files_t f1, f2;
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
        char *t1 = fixture_read (r1), *t2 = fixture_read (r2);
        CHECK (t1 && t2 && strcmp (t1, t2) == 0);
        free (t1);
        free (t2);
    }
    CHECK_STR (f1.rel[0], "market=kr/dt=2024-01-02/kr_20240102.csv");
    CHECK_INT (f1.rows[0], 3);
    CHECK_INT (f1.rows[1], 2);
    //  The spool is gone.
    CHECK (!fixture_exists ("a1.spool"));
    CHECK (!fixture_exists ("a2.spool"));
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
        msgs[c] = fixture_result (task, codes[c], "m", dp, nd);
        order[c] = c;
    }
    fixture_write_journal ("b.journal", msgs, order, S_CODES);
    //  A stale spool of a crashed fold is removed first.
    char stale[FIXTURE_PATH_MAX];
    fixture_path (stale, "b.spool");
    CHECK (eod_mkdirs (stale, 0700) == 0);
    fixture_path (stale, "b.spool/2024-01.spool");
    CHECK (eod_write_file_atomic (stale, "garbage", 7, 0600) == 0);
    fixture_files_t f;
    CHECK_INT (s_fold ("b.journal", "data-b", &f), (long) (S_CODES * nd));
    CHECK_INT (f.count, nd);
    CHECK (!fixture_exists ("b.spool"));
    for (size_t i = 0; i < f.count && i < FIXTURE_FILES_MAX; i++) {
        CHECK_INT (f.rows[i], S_CODES);
        if (i)
            CHECK (strcmp (f.date[i - 1], f.date[i]) < 0);
    }
    CHECK_STR (f.date[0], "2024-01-11");
    CHECK_STR (f.date[nd - 1], "2024-03-15");
    char *text = fixture_read ("data-b/market=kr/dt=2024-02-13/kr_20240213.csv");
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
    eod_msg_t *first[3] = {fixture_result ("c1", "111111", "old", d, 1), fixture_result ("c2", "222222", "old", d, 1),
                           fixture_result ("c3", "333333", "old", d, 1)};
    size_t order[] = {0, 1, 2};
    fixture_write_journal ("c1.journal", first, order, 3);
    fixture_files_t f;
    CHECK_INT (s_fold ("c1.journal", "data-c", &f), 3);
    char *original = fixture_read ("data-c/market=kr/dt=2024-01-05/kr_20240105.csv");
    eod_msg_t *second[1] = {fixture_result ("c4", "222222", "new", d, 1)};
    size_t order2[] = {0};
    fixture_write_journal ("c2.journal", second, order2, 1);
    CHECK_INT (s_fold ("c2.journal", "data-c", &f), 3);
    CHECK_INT (f.count, 1);
    CHECK_INT (f.rows[0], 3);
    char *text = fixture_read ("data-c/market=kr/dt=2024-01-05/kr_20240105.csv");
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
    char *before = fixture_read ("data-c/market=kr/dt=2024-01-05/kr_20240105.csv");
    CHECK_INT (s_fold ("c2.journal", "data-c", &f), 3);
    char *after = fixture_read ("data-c/market=kr/dt=2024-01-05/kr_20240105.csv");
    CHECK (before && after && strcmp (before, after) == 0);
    free (before);
    free (after);
    for (size_t i = 0; i < 3; i++)
        eod_msg_destroy (&first[i]);
    eod_msg_destroy (&second[0]);
}

//  (e) A row with a bad trade date is skipped; the rest of its RESULT kept.
static void
s_test_bad_date (void)
{
    const char *d[] = {"20240110", "2024011", "2024O111", "20240112"};
    eod_msg_t *msgs[1] = {fixture_result ("e1", "444444", "e", d, 4)};
    eod_fields_t nodate = EOD_FIELDS_INIT;
    eod_fields_set (&nodate, "stck_clpr", "1");
    eod_msg_add_row (msgs[0], &nodate);
    eod_fields_clear (&nodate);
    size_t order[] = {0};
    fixture_write_journal ("e.journal", msgs, order, 1);
    fixture_files_t f;
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
    fixture_files_t f;
    CHECK_INT (s_fold ("none.journal", "data-none", &f), 0);
    CHECK_INT (f.count, 0);
    CHECK (!fixture_exists ("data-none"));
}

//  ------------------------------------------------------------ the index

//  A RESULT whose name has no comma, quote or line break, so that every CSV
//  record of its rows is one line.
static eod_msg_t *
s_plain_result (const char *task_id, const char *code, const char *tag, const char *const *dates, size_t ndates)
{
    eod_msg_t *r = fixture_result (task_id, code, tag, dates, ndates);
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
    char *text = fixture_read (rel);
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
    fixture_write_journal ("f.journal", msgs, order, n);
    fixture_files_t f;
    CHECK_INT (s_fold ("f.journal", "data-f", &f), 2 * S_MANY);
    CHECK_INT (f.count, 2);
    CHECK_INT (f.rows[0], S_MANY);
    CHECK_INT (f.rows[1], S_MANY);
    CHECK_INT (s_check_sorted ("data-f/market=kr/dt=2024-01-30/kr_20240130.csv", S_MANY), S_MANY);
    CHECK_INT (s_check_sorted ("data-f/market=kr/dt=2024-02-01/kr_20240201.csv", S_MANY), S_MANY);
    char *text = fixture_read ("data-f/market=kr/dt=2024-01-30/kr_20240130.csv");
    CHECK (text && strstr (text, "dup-") == NULL);
    free (text);
    CHECK (!fixture_exists ("f.spool"));
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
    fixture_write_journal ("g1.journal", msgs, order, S_BIG);
    fixture_files_t f;
    CHECK_INT (s_fold ("g1.journal", "data-g", &f), S_BIG);
    const char *rel = "data-g/market=kr/dt=2024-03-05/kr_20240305.csv";
    char *before = fixture_read (rel);
    eod_msg_t *refill[S_REFILL];
    size_t order2[S_REFILL];
    for (size_t i = 0; i < S_REFILL; i++) {
        char code[8], task[32];
        s_code (i * (S_BIG / S_REFILL), code);
        snprintf (task, sizeof task, "refill%zu", i);
        refill[i] = s_plain_result (task, code, "new", d, 1);
        order2[i] = i;
    }
    fixture_write_journal ("g2.journal", refill, order2, S_REFILL);
    CHECK_INT (s_fold ("g2.journal", "data-g", &f), S_BIG);
    CHECK_INT (f.count, 1);
    CHECK_INT (f.rows[0], S_BIG);
    char *after = fixture_read (rel);
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
//  (h) The wrong-date rows of tasks that settled without rows (RUN_DONE's
//  entries): noted under their task's last session, in its sidecar, even a
//  session of a month without a row and a fold without a journal; an entry
//  that is not one is skipped, never a path.
static void
s_test_unwritten_wrong_dates (void)
{
    const char *d[] = {"20240102"};
    eod_msg_t *msgs[1] = {fixture_result ("t1", "005930", "a", d, 1)};
    size_t order[] = {0};
    fixture_write_journal ("h.journal", msgs, order, 1);
    eod_msg_destroy (&msgs[0]);
    writer_validate_conf_t conf = {.kr_limit_pct = 30, .us_move_pct = 50};
    fixture_files_t sidecars, files;
    memset (&sidecars, 0, sizeof sidecars);
    memset (&files, 0, sizeof files);
    writer_anomalies_t *anomalies = writer_anomalies_new (&conf, fixture_on_file, &sidecars);
    CHECK (anomalies != NULL);
    if (!anomalies)
        return;
    char journal[FIXTURE_PATH_MAX], data[FIXTURE_PATH_MAX];
    fixture_path (journal, "h.journal");
    fixture_path (data, "data-h");
    const char *unwritten = "000660 2024-01-02 2024-01-02 2 20240103,20240104;not an entry;"
                            "035720 2024-04-01 2024-04-01 3 20240402;../../x 2024-01-02 2024-01-02 1 1;"
                            "051910 2024-13-01 2024-13-01 1 20240102";
    int saved = fixture_capture_begin ();
    long rows = writer_compact_journal (journal, data, "kr", NULL, anomalies, unwritten, fixture_on_file, &files);
    char log[FIXTURE_LOG_MAX];
    fixture_capture_end (saved, log);
    CHECK_INT (rows, 1);
    CHECK_INT (writer_anomalies_count (anomalies, WRITER_VALIDATE_WRONG_DATE), 4);
    CHECK (strstr (log, "\"not an entry\" is not CODE FROM TO COUNT DATES: skipped") != NULL);
    CHECK (strstr (log, "\"../../x 2024-01-02") != NULL);
    CHECK (strstr (log, "\"051910 2024-13-01") != NULL);
    CHECK_INT (sidecars.count, 2);
    char *jan = fixture_read ("data-h/anomalies/market=kr/dt=2024-01-02/kr_20240102_anomalies.csv");
    CHECK (jan && strstr (jan, "2024-01-02,000660,wrong_date,\"a row dated \"\"20240103\"\" outside the request "
                               "2024-01-02..2024-01-02: dropped by the fetcher\"\n"));
    CHECK (jan && strstr (jan, "2024-01-02,000660,wrong_date,\"a row dated \"\"20240104\"\""));
    free (jan);
    char *apr = fixture_read ("data-h/anomalies/market=kr/dt=2024-04-01/kr_20240401_anomalies.csv");
    CHECK (apr && strstr (apr, "2024-04-01,035720,wrong_date,\"a row dated \"\"20240402\"\""));
    CHECK (apr && strstr (apr, "2024-04-01,035720,wrong_date,2 more row(s) outside the request"));
    free (apr);
    CHECK (!fixture_exists ("data-h/market=kr/dt=2024-04-01"));   //  no price file for it

    //  No journal at all (every task of the run settled without rows).
    memset (&sidecars, 0, sizeof sidecars);
    fixture_path (journal, "h-none.journal");
    fixture_path (data, "data-h-none");
    rows = writer_compact_journal (journal, data, "kr", NULL, anomalies, "000660 2024-01-02 2024-01-02 1 20240103",
                                   fixture_on_file, &files);
    CHECK_INT (rows, 0);
    CHECK_INT (writer_anomalies_count (anomalies, WRITER_VALIDATE_WRONG_DATE), 1);
    CHECK_INT (sidecars.count, 1);
    CHECK (fixture_exists ("data-h-none/anomalies/market=kr/dt=2024-01-02/kr_20240102_anomalies.csv"));
    writer_anomalies_destroy (&anomalies);
}

int
main (void)
{
    if (fixture_begin ("test_writer_compact"))
        return 1;
    s_test_order_and_redelivery ();
    s_test_multi_month ();
    s_test_merge_existing ();
    s_test_bad_date ();
    s_test_missing_journal ();
    s_test_many_first_wins ();
    s_test_refill_large_file ();
    s_test_unwritten_wrong_dates ();
    fixture_end ();
    return EOD_TEST_DONE ();
}
