/*  test_writer_snapshot — which rows keep the snapshot columns
    (stages/writer/snapshot.c) and what the fold does with them
    (compact.c): a KR session asked the same evening, after midnight, a
    second before the next open, after it, days later and before its close;
    quotes that do not agree with the row; a Friday, a holiday week and the
    special hours of an exam day; US sessions around a holiday and an early
    close; no request time, no calendar, a date it does not know; the counts
    of a fold; and a later fold without the columns that keeps those its
    file held, while one with them replaces them. */
#include "compact.h"
#include "snapshot.h"
#include "writer_csv.h"
#include "writer_fixture.h"

#define S_TIMEOUT_MS 10000        //  a request's longest life: 10 s, + 1 s of clock resolution

static eod_cal_t *s_cal;

static time_t
s_at (const char *instant)
{
    time_t t = 0;
    CHECK (eod_instant_parse (instant, &t) == 0);
    return t;
}

//  A KR row (date, close, change), the quote of its answer (price and
//  change; NULL: absent), when the request was made (NULL: not known), and
//  what the rule must say.
typedef struct {
    const char *date, *close, *change, *price, *quote_change, *asked;
    writer_snapshot_reason_t want;
} s_case_t;

static const s_case_t s_kr_cases[] = {
    //  2024-09-02, a Monday; the next session opens Tuesday 09:00.
    {"20240902", "71000", "-500", "71000", "-500", "2024-09-02T18:30:00+09:00", WRITER_SNAPSHOT_KEPT},
    {"20240902", "71000", "-500", "71000", "-500", "2024-09-02T15:30:00+09:00", WRITER_SNAPSHOT_KEPT},   //  the close
    {"20240902", "71000", "-500", "71000", "-500", "2024-09-03T00:30:00+09:00", WRITER_SNAPSHOT_KEPT},
    //  Answered by 08:59:59 at the latest; at 09:00 it may be the new day's.
    {"20240902", "71000", "-500", "71000", "-500", "2024-09-03T08:59:48+09:00", WRITER_SNAPSHOT_KEPT},
    {"20240902", "71000", "-500", "71000", "-500", "2024-09-03T08:59:50+09:00", WRITER_SNAPSHOT_OLDER},
    {"20240902", "71000", "-500", "71000", "-500", "2024-09-03T09:05:00+09:00", WRITER_SNAPSHOT_OLDER},
    {"20240902", "71000", "-500", "71000", "-500", "2024-09-09T18:30:00+09:00", WRITER_SNAPSHOT_OLDER},
    {"20240902", "71000", "-500", "71000", "-500", "2024-09-02T15:29:59+09:00", WRITER_SNAPSHOT_EARLY},
    {"20240902", "71000", "-500", "71000", "-500", "2024-09-02T10:00:00+09:00", WRITER_SNAPSHOT_EARLY},
    {"20240902", "71000", "-500", "71000", "-500", NULL, WRITER_SNAPSHOT_UNTIMED},
    //  The quote must be the row's close with the row's change: a quote of
    //  the next day before its open (change 0), another price, none, junk.
    {"20240902", "71000", "-500", "71000", "0", "2024-09-03T08:00:00+09:00", WRITER_SNAPSHOT_MISMATCH},
    {"20240902", "71000", "-500", "71100", "-400", "2024-09-02T18:30:00+09:00", WRITER_SNAPSHOT_MISMATCH},
    {"20240902", "71000", "-500", NULL, NULL, "2024-09-02T18:30:00+09:00", WRITER_SNAPSHOT_MISMATCH},
    {"20240902", "71000", "-500", "71000x", "-500", "2024-09-02T18:30:00+09:00", WRITER_SNAPSHOT_MISMATCH},
    //  A Friday: the weekend is still that session's.
    {"20240830", "100", "+5", "100", "5", "2024-08-31T12:00:00+09:00", WRITER_SNAPSHOT_KEPT},
    {"20240830", "100", "+5", "100", "5", "2024-09-02T08:30:00+09:00", WRITER_SNAPSHOT_KEPT},
    {"20240830", "100", "+5", "100", "5", "2024-09-02T09:00:00+09:00", WRITER_SNAPSHOT_OLDER},
    //  Before Chuseok (16-18 September 2024): the next session is the 19th.
    {"20240913", "100", "0", "100", "0", "2024-09-17T12:00:00+09:00", WRITER_SNAPSHOT_KEPT},
    {"20240913", "100", "0", "100", "0", "2024-09-19T09:01:00+09:00", WRITER_SNAPSHOT_OLDER},
    //  The exam day 2024-11-14 opens at 10:00 and closes at 16:30.
    {"20241113", "100", "0", "100", "0", "2024-11-14T09:30:00+09:00", WRITER_SNAPSHOT_KEPT},
    {"20241114", "100", "0", "100", "0", "2024-11-14T16:00:00+09:00", WRITER_SNAPSHOT_EARLY},
    {"20241114", "100", "0", "100", "0", "2024-11-14T16:31:00+09:00", WRITER_SNAPSHOT_KEPT},
    //  A day that is no session, or one the calendar does not know.
    {"20240907", "100", "0", "100", "0", "2024-09-07T18:00:00+09:00", WRITER_SNAPSHOT_CALENDAR},
    {"20990105", "100", "0", "100", "0", "2099-01-05T18:00:00+09:00", WRITER_SNAPSHOT_CALENDAR},
};

//  What rule says of one case.
static writer_snapshot_reason_t
s_kr (writer_snapshot_t *rule, const s_case_t *c)
{
    eod_fields_t row = EOD_FIELDS_INIT, quote = EOD_FIELDS_INIT;
    eod_fields_set (&row, "stck_bsop_date", c->date);
    eod_fields_set (&row, "stck_clpr", c->close);
    eod_fields_set (&row, "prdy_vrss", c->change);
    if (c->price)
        eod_fields_set (&quote, "stck_prpr", c->price);
    if (c->quote_change)
        eod_fields_set (&quote, "prdy_vrss", c->quote_change);
    writer_snapshot_reason_t reason
        = writer_snapshot_judge (rule, "kr", &row, &quote, c->asked ? s_at (c->asked) : 0);
    eod_fields_clear (&row);
    eod_fields_clear (&quote);
    return reason;
}

static void
s_test_kr (void)
{
    writer_snapshot_t *rule = writer_snapshot_new (s_cal, S_TIMEOUT_MS);
    CHECK (rule != NULL);
    if (!rule)
        return;
    long want[WRITER_SNAPSHOT_REASONS] = {0};
    for (size_t i = 0; i < sizeof s_kr_cases / sizeof s_kr_cases[0]; i++) {
        const s_case_t *c = &s_kr_cases[i];
        writer_snapshot_reason_t got = s_kr (rule, c);
        if (got != c->want)
            fprintf (stderr, "case %zu: %s asked %s: %s, not %s\n", i, c->date, c->asked ? c->asked : "-",
                     writer_snapshot_reason_name (got), writer_snapshot_reason_name (c->want));
        CHECK_INT (got, c->want);
        want[c->want]++;
    }
    //  The counts of what was judged.
    long without = 0;
    for (int r = 0; r < WRITER_SNAPSHOT_REASONS; r++) {
        CHECK_INT (writer_snapshot_count (rule, (writer_snapshot_reason_t) r), want[r]);
        without += r == WRITER_SNAPSHOT_KEPT ? 0 : want[r];
    }
    writer_snapshot_carried (rule);
    CHECK_INT (writer_snapshot_carried_count (rule), 1);
    CHECK_INT (writer_snapshot_without (rule), without - 1);
    writer_snapshot_reset (rule);
    CHECK_INT (writer_snapshot_count (rule, WRITER_SNAPSHOT_KEPT), 0);
    CHECK_INT (writer_snapshot_without (rule), 0);
    CHECK_STR (writer_snapshot_reason_name (WRITER_SNAPSHOT_OLDER), "older");
    CHECK_STR (writer_snapshot_reason_name (WRITER_SNAPSHOT_REASONS), "?");
    CHECK (strstr (writer_snapshot_reason_text (WRITER_SNAPSHOT_OLDER), "later session") != NULL);
    writer_snapshot_destroy (&rule);
    CHECK (rule == NULL);
    writer_snapshot_destroy (&rule);
    //  Without a calendar nothing is shown to be of its session.
    rule = writer_snapshot_new (NULL, S_TIMEOUT_MS);
    CHECK_INT (s_kr (rule, &s_kr_cases[0]), WRITER_SNAPSHOT_CALENDAR);
    writer_snapshot_destroy (&rule);
}

static writer_snapshot_reason_t
s_us (writer_snapshot_t *rule, const char *date, const char *asked)
{
    eod_fields_t row = EOD_FIELDS_INIT, quote = EOD_FIELDS_INIT;
    eod_fields_set (&row, "xymd", date);
    eod_fields_set (&quote, "rsym", "DNASAAPL");
    writer_snapshot_reason_t reason = writer_snapshot_judge (rule, "us", &row, &quote, s_at (asked));
    eod_fields_clear (&row);
    eod_fields_clear (&quote);
    return reason;
}

static void
s_test_us (void)
{
    writer_snapshot_t *rule = writer_snapshot_new (s_cal, S_TIMEOUT_MS);
    //  Friday 2024-08-30; Monday is Labor Day; Tuesday opens at 09:30.
    CHECK_INT (s_us (rule, "20240830", "2024-08-30T16:00:00-04:00"), WRITER_SNAPSHOT_KEPT);
    CHECK_INT (s_us (rule, "20240830", "2024-08-31T07:30:00+09:00"), WRITER_SNAPSHOT_KEPT);   //  the Seoul morning
    CHECK_INT (s_us (rule, "20240830", "2024-09-02T12:00:00-04:00"), WRITER_SNAPSHOT_KEPT);
    CHECK_INT (s_us (rule, "20240830", "2024-09-03T09:31:00-04:00"), WRITER_SNAPSHOT_OLDER);
    CHECK_INT (s_us (rule, "20240830", "2024-08-30T15:00:00-04:00"), WRITER_SNAPSHOT_EARLY);
    //  The day after Thanksgiving closes at 13:00.
    CHECK_INT (s_us (rule, "20241129", "2024-11-29T13:30:00-05:00"), WRITER_SNAPSHOT_KEPT);
    CHECK_INT (s_us (rule, "20241129", "2024-11-29T12:30:00-05:00"), WRITER_SNAPSHOT_EARLY);
    //  No US quote to compare: the hours decide alone.
    CHECK_INT (writer_snapshot_count (rule, WRITER_SNAPSHOT_MISMATCH), 0);
    CHECK_INT (writer_snapshot_judge (rule, "jp", NULL, NULL, 1), WRITER_SNAPSHOT_CALENDAR);
    writer_snapshot_destroy (&rule);
}

//  ------------------------------------------------------------ the fold

//  A RESULT of 005930 for 2024-09-02 with its quote, asked at asked.
static eod_msg_t *
s_result (const char *task_id, const char *volume, const char *price, const char *asked)
{
    const char *dates[] = {"20240902"};
    eod_msg_t *r = fixture_result (task_id, "005930", "x", dates, 1);
    eod_fields_set (&r->rows[0], "stck_clpr", "71000");
    eod_fields_set (&r->rows[0], "prdy_vrss", "-500");
    eod_fields_set (&r->rows[0], "acml_vol", volume);
    eod_fields_set (&r->snapshot, "stck_prpr", price);
    eod_fields_set (&r->snapshot, "prdy_vrss", "-500");
    eod_fields_set (&r->snapshot, "hts_avls", price);   //  a value that tells the quotes apart
    eod_fields_set (&r->meta, "group_code", "ST");
    eod_fields_set (&r->meta, "revenue", "2589355");
    r->asked_at = s_at (asked);
    return r;
}

//  Folds msg alone (a journal of its own) into data/: the rows written.
static long
s_fold (const char *name, eod_msg_t *msg, writer_snapshot_t *rule)
{
    char journal[FIXTURE_PATH_MAX], data[FIXTURE_PATH_MAX];
    size_t order[] = {0};
    fixture_write_journal (name, &msg, order, 1);
    fixture_path (journal, name);
    fixture_path (data, "data");
    fixture_files_t files;
    memset (&files, 0, sizeof files);
    return writer_compact_journal (journal, data, "kr", rule, NULL, NULL, fixture_on_file, &files);
}

//  The value of column name in the data row of the session's file.
static void
s_value (const char *name, char *out, size_t size)
{
    out[0] = '\0';
    char *text = fixture_read ("data/market=kr/dt=2024-09-02/kr_20240902.csv");
    CHECK (text != NULL);
    if (!text)
        return;
    const char *line = strchr (text, '\n');
    const char *const *cols;
    size_t n = writer_csv_columns ("kr", &cols);
    char *fields[WRITER_CSV_VALUES_MAX];
    if (line && writer_csv_split (line + 1, strlen (line + 1), fields, n) == 0) {
        for (size_t c = 0; c < n; c++) {
            if (strcmp (cols[c], name) == 0)
                snprintf (out, size, "%s", fields[c]);
            free (fields[c]);
        }
    }
    else
        CHECK (!"the file's row splits into its columns");
    free (text);
}

static void
s_test_fold (void)
{
    writer_snapshot_t *rule = writer_snapshot_new (s_cal, S_TIMEOUT_MS);
    char v[64];
    //  The evening run: the quote and the financial figures are the row's.
    eod_msg_t *evening = s_result ("t1", "1000", "71000", "2024-09-02T18:30:00+09:00");
    CHECK_INT (s_fold ("evening.journal", evening, rule), 1);
    s_value ("hts_avls", v, sizeof v);
    CHECK_STR (v, "71000");
    s_value ("revenue", v, sizeof v);
    CHECK_STR (v, "2589355");
    CHECK_INT (writer_snapshot_without (rule), 0);
    //  A week later (a backfill, a re-run): the new row's own columns, its
    //  quote left out, and what the file held of this session kept.
    writer_snapshot_reset (rule);
    eod_msg_t *late = s_result ("t2", "2000", "80000", "2024-09-09T18:30:00+09:00");
    eod_fields_set (&late->meta, "group_code", "EF");   //  the group of the later run's day
    CHECK_INT (s_fold ("late.journal", late, rule), 1);
    s_value ("acml_vol", v, sizeof v);
    CHECK_STR (v, "2000");
    s_value ("hts_avls", v, sizeof v);
    CHECK_STR (v, "71000");
    s_value ("revenue", v, sizeof v);
    CHECK_STR (v, "2589355");
    s_value ("group_code", v, sizeof v);
    CHECK_STR (v, "ST");   //  with them, the group of the session's own run
    CHECK_INT (writer_snapshot_count (rule, WRITER_SNAPSHOT_OLDER), 1);
    CHECK_INT (writer_snapshot_carried_count (rule), 1);
    CHECK_INT (writer_snapshot_without (rule), 0);
    //  Another quote of the same session replaces the one the file held.
    writer_snapshot_reset (rule);
    eod_msg_t *night = s_result ("t3", "3000", "71000", "2024-09-03T00:30:00+09:00");
    eod_fields_set (&night->snapshot, "hts_avls", "71001");
    CHECK_INT (s_fold ("night.journal", night, rule), 1);
    s_value ("hts_avls", v, sizeof v);
    CHECK_STR (v, "71001");
    CHECK_INT (writer_snapshot_carried_count (rule), 0);
    //  A later run without the quote over a file without it: its own group.
    char path0[FIXTURE_PATH_MAX];
    fixture_path (path0, "data/market=kr/dt=2024-09-02/kr_20240902.csv");
    CHECK (unlink (path0) == 0);
    CHECK_INT (s_fold ("late2.journal", late, rule), 1);
    s_value ("group_code", v, sizeof v);
    CHECK_STR (v, "EF");
    //  Without a rule (and a file without them) nothing is kept.
    char path[FIXTURE_PATH_MAX];
    fixture_path (path, "data/market=kr/dt=2024-09-02/kr_20240902.csv");
    CHECK (unlink (path) == 0);
    CHECK_INT (s_fold ("none.journal", evening, NULL), 1);
    s_value ("hts_avls", v, sizeof v);
    CHECK_STR (v, "");
    s_value ("group_code", v, sizeof v);
    CHECK_STR (v, "ST");
    eod_msg_destroy (&evening);
    eod_msg_destroy (&late);
    eod_msg_destroy (&night);
    writer_snapshot_destroy (&rule);
}

int
main (void)
{
    if (fixture_begin ("test_writer_snapshot"))
        return 1;
    s_cal = eod_cal_new (EOD_SOURCE_DIR "/config/calendars");
    CHECK (s_cal != NULL);
    if (s_cal) {
        s_test_kr ();
        s_test_us ();
        s_test_fold ();
    }
    eod_cal_destroy (&s_cal);
    fixture_end ();
    return EOD_TEST_DONE ();
}
