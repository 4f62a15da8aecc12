/*  test_xcheck — the cross-check of a daily KR run (stages/writer/xcheck.c):
    per field (open, high, low, close, volume, value) a difference at the
    tolerance is not reported and one beyond it is; a clean set reports
    none; codes of a skipped batch, a failed batch, a quote asked outside
    the window, codes missing, zero or rejected, and a code without a row
    are counted as not cross-checked with their reasons; the first QUOTES
    and the first row of a code win; disagreements come in (code, field)
    order with both values and both request times; through the fold, the
    sidecar holds them and a second fold writes the same bytes. */
#include "anomalies.h"
#include "compact.h"
#include "eod_log.h"
#include "writer_fixture.h"
#include "xcheck.h"

#define S_SESSION "2024-09-02"   //  a Monday; the next session is Tuesday
#define S_ASKED "2024-09-02T18:30:00+09:00"
#define S_ROW_ASKED "2024-09-02T18:20:00+09:00"
#define S_LATE "2024-09-03T09:05:00+09:00"   //  the next session is open
#define S_TOLERANCE 5
#define S_NOTES_MAX 64

static eod_cal_t *s_cal;
static eod_quote_window_t s_window;

//  The chart fields in the order of writer_xcheck_field_t, and the values
//  fixture_quotes gives every quote.
static const char *const s_chart[WRITER_XCHECK_FIELDS] = {"stck_oprc", "stck_hgpr", "stck_lwpr",
                                                          "stck_clpr", "acml_vol",  "acml_tr_pbmn"};
static const long s_quoted[WRITER_XCHECK_FIELDS] = {100, 120, 90, 110, 1000, 110000};

//  A daily KR RESULT of code with one row of the session whose field f (or
//  none, f < 0) is off the quote by delta.
static eod_msg_t *
s_result (const char *code, int f, long delta)
{
    eod_msg_t *r = eod_msg_new (EOD_MSG_RESULT);
    char task[64];
    snprintf (task, sizeof task, "kr-%s-20240902-20240902", code);
    eod_msg_set (&r->run_id, "run-test");
    eod_msg_set (&r->task_id, task);
    eod_msg_set (&r->market, "kr");
    eod_msg_set (&r->code, code);
    eod_msg_set (&r->status, "ok");
    eod_msg_set (&r->mode, "daily");
    eod_msg_set (&r->date_from, S_SESSION);
    eod_msg_set (&r->date_to, S_SESSION);
    r->asked_at = fixture_instant (S_ROW_ASKED);
    eod_fields_t row = EOD_FIELDS_INIT;
    eod_fields_set (&row, "stck_bsop_date", "20240902");
    for (int i = 0; i < WRITER_XCHECK_FIELDS; i++) {
        char value[32];
        snprintf (value, sizeof value, "%ld", s_quoted[i] + (i == f ? delta : 0));
        eod_fields_set (&row, s_chart[i], value);
    }
    eod_fields_set (&row, "prdy_vrss", "5");
    eod_fields_set (&row, "prdy_vrss_sign", "2");
    eod_msg_add_row (r, &row);
    eod_fields_clear (&row);
    return r;
}

static writer_xcheck_t *
s_xcheck (void)
{
    writer_xcheck_conf_t conf = {.window = &s_window, .cal = s_cal};
    for (int f = 0; f < WRITER_XCHECK_FIELDS; f++)
        conf.tolerance[f] = S_TOLERANCE;
    writer_xcheck_t *x = writer_xcheck_new (&conf, S_SESSION);
    CHECK (x != NULL);
    return x;
}

typedef struct {
    char code[S_NOTES_MAX][16];
    char detail[S_NOTES_MAX][WRITER_VALIDATE_DETAIL_MAX];
    size_t count;
} s_notes_t;

static int
s_note (const char *date, const char *code, const char *detail, void *arg)
{
    s_notes_t *notes = arg;
    CHECK_STR (date, S_SESSION);
    CHECK (notes->count < S_NOTES_MAX);
    if (notes->count < S_NOTES_MAX) {
        snprintf (notes->code[notes->count], sizeof notes->code[0], "%s", code);
        snprintf (notes->detail[notes->count], sizeof notes->detail[0], "%s", detail);
        notes->count++;
    }
    return 0;
}

static void
s_take (writer_xcheck_t *x, eod_msg_t *msg)
{
    CHECK_INT (writer_xcheck_take (x, msg), 0);
    eod_msg_destroy (&msg);
}

//  Per field: code 1F0000 is off by the tolerance (not reported), 2F0000
//  by one more (reported, with both values and both request times).
static void
s_test_fields (void)
{
    writer_xcheck_t *x = s_xcheck ();
    if (!x)
        return;
    char codes[2 * WRITER_XCHECK_FIELDS][8];
    const char *list[2 * WRITER_XCHECK_FIELDS];
    for (int f = 0; f < WRITER_XCHECK_FIELDS; f++)
        for (int k = 0; k < 2; k++) {
            snprintf (codes[2 * f + k], sizeof codes[0], "%d%d0000", k + 1, f);
            list[2 * f + k] = codes[2 * f + k];
            s_take (x, s_result (codes[2 * f + k], f, k == 0 ? S_TOLERANCE : -(S_TOLERANCE + 1)));
        }
    CHECK (!writer_xcheck_any (x));
    s_take (x, fixture_quotes ("kr-mq-20240902-00001", S_SESSION, fixture_instant (S_ASKED), list,
                               2 * WRITER_XCHECK_FIELDS));
    CHECK (writer_xcheck_any (x));
    s_notes_t notes = {0};
    CHECK_INT (writer_xcheck_compare (x, s_note, &notes), 0);
    CHECK_INT (writer_xcheck_checked (x), 2 * WRITER_XCHECK_FIELDS);
    CHECK_INT (writer_xcheck_disagreed (x), WRITER_XCHECK_FIELDS);
    CHECK_INT (writer_xcheck_fields_disagreed (x), WRITER_XCHECK_FIELDS);
    CHECK_INT (writer_xcheck_not_checked (x), 0);
    CHECK_INT (notes.count, WRITER_XCHECK_FIELDS);
    for (int f = 0; f < WRITER_XCHECK_FIELDS && (size_t) f < notes.count; f++) {
        char code[8], want[WRITER_VALIDATE_DETAIL_MAX];
        snprintf (code, sizeof code, "2%d0000", f);
        CHECK_STR (notes.code[f], code);
        snprintf (want, sizeof want,
                  "%s: chart %ld quote %ld (tolerance %d); chart asked 2024-09-02T18:20:00+09:00, quote asked "
                  "2024-09-02T18:30:00+09:00",
                  writer_xcheck_field_name ((writer_xcheck_field_t) f), s_quoted[f] - (S_TOLERANCE + 1), s_quoted[f],
                  S_TOLERANCE);
        CHECK_STR (notes.detail[f], want);
    }
    CHECK_STR (writer_xcheck_field_name (WRITER_XCHECK_VALUE), "value");
    eod_fields_t meta = EOD_FIELDS_INIT;
    writer_xcheck_figures (x, &meta);
    CHECK_STR (eod_fields_get (&meta, "xcheck_checked"), "12");
    CHECK_STR (eod_fields_get (&meta, "xcheck_disagreed"), "6");
    CHECK_STR (eod_fields_get (&meta, "xcheck_not_checked"), "0");
    CHECK (eod_fields_get (&meta, "xcheck_not_checked_why") == NULL);
    eod_fields_clear (&meta);
    writer_xcheck_destroy (&x);
    writer_xcheck_destroy (&x);
}

//  A clean set: every code checked, none reported. The first QUOTES of a
//  code and its first row win; a row of another session is not the
//  session's.
static void
s_test_clean (void)
{
    writer_xcheck_t *x = s_xcheck ();
    if (!x)
        return;
    const char *list[] = {"005930", "000660", "0004Y0"};
    for (size_t i = 0; i < 3; i++)
        s_take (x, s_result (list[i], -1, 0));
    s_take (x, s_result ("005930", WRITER_XCHECK_CLOSE, 1000));   //  a second row: the first wins
    s_take (x, fixture_quotes ("kr-mq-20240902-00001", S_SESSION, fixture_instant (S_ASKED), list, 3));
    eod_msg_t *again = fixture_quotes ("kr-mq-20240902-00001", S_SESSION, fixture_instant (S_ASKED), list, 1);
    eod_fields_set (&again->rows[0], "inter2_prpr", "999");
    s_take (x, again);
    eod_msg_t *other = fixture_quotes ("kr-mq-20240830-00001", "2024-08-30", fixture_instant (S_ASKED), list, 3);
    eod_fields_set (&other->rows[1], "inter2_prpr", "999");
    s_take (x, other);
    s_notes_t notes = {0};
    CHECK_INT (writer_xcheck_compare (x, s_note, &notes), 0);
    CHECK_INT (notes.count, 0);
    CHECK_INT (writer_xcheck_checked (x), 3);
    CHECK_INT (writer_xcheck_disagreed (x), 0);
    CHECK_INT (writer_xcheck_not_checked (x), 0);
    writer_xcheck_destroy (&x);
}

//  Codes not cross-checked, and why.
static void
s_test_not_checked (void)
{
    writer_xcheck_t *x = s_xcheck ();
    if (!x)
        return;
    const char *ok[] = {"100000", "100001", "100002", "100003", "100004"};
    const char *skipped[] = {"200000", "200001"};
    const char *failed[] = {"300000"};
    const char *late[] = {"400000"};
    const char *all[] = {"100000", "100001", "100002", "100003", "200000", "200001", "300000", "400000", "500000"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        s_take (x, s_result (all[i], WRITER_XCHECK_OPEN, 100));   //  each would disagree
    //  100000 quoted; 100001 missing, 100002 zero, 100003 rejected; 100004
    //  quoted without a row.
    eod_msg_t *q = fixture_quotes ("kr-mq-20240902-00001", S_SESSION, fixture_instant (S_ASKED), ok, 1);
    eod_msg_add_list (q, "100001");
    eod_msg_add_list (q, "100002");
    eod_msg_add_list (q, "100003");
    eod_fields_set (&q->meta, "100002", "zero");
    eod_fields_set (&q->meta, "100003", "rejected");
    s_take (x, q);
    s_take (x, fixture_quotes ("kr-mq-20240902-00002", S_SESSION, fixture_instant (S_ASKED), ok + 4, 1));
    q = fixture_quotes ("kr-mq-20240902-00003", S_SESSION, 0, skipped, 0);
    eod_msg_add_list (q, "200000");
    eod_msg_add_list (q, "200001");
    eod_msg_set (&q->status, "skipped");
    eod_msg_set (&q->msg_cd, "EOD-WINDOW");
    eod_msg_set (&q->error, "window");
    s_take (x, q);
    q = fixture_quotes ("kr-mq-20240902-00004", S_SESSION, fixture_instant (S_ASKED), failed, 0);
    eod_msg_add_list (q, "300000");
    eod_msg_set (&q->status, "retryable");
    eod_msg_set (&q->msg_cd, "EGW00201");
    eod_msg_set (&q->error, "rate limit, exceeded");
    s_take (x, q);
    //  Asked at 09:05 of the next session: the quote is not the session's.
    s_take (x, fixture_quotes ("kr-mq-20240902-00005", S_SESSION, fixture_instant (S_LATE), late, 1));
    s_notes_t notes = {0};
    CHECK_INT (writer_xcheck_compare (x, s_note, &notes), 0);
    CHECK_INT (writer_xcheck_checked (x), 1);
    CHECK_INT (writer_xcheck_disagreed (x), 1);
    CHECK_INT (notes.count, 1);
    CHECK_STR (notes.code[0], "100000");
    //  100001..3 (3), 100004 (no row), 200000/1, 300000, 400000, 500000 (no batch).
    CHECK_INT (writer_xcheck_not_checked (x), 9);
    char why[WRITER_XCHECK_WHY_MAX];
    writer_xcheck_why (x, why, sizeof why);
    CHECK_STR (why, "3 window, 1 EGW00201, 1 missing, 1 no row, 1 not asked, 1 rejected, 1 zero");
    //  The same compare again: the same counts.
    notes.count = 0;
    CHECK_INT (writer_xcheck_compare (x, s_note, &notes), 0);
    CHECK_INT (writer_xcheck_not_checked (x), 9);
    CHECK_INT (notes.count, 1);
    eod_fields_t meta = EOD_FIELDS_INIT;
    writer_xcheck_figures (x, &meta);
    CHECK_STR (eod_fields_get (&meta, "xcheck_not_checked_why"), why);
    eod_fields_clear (&meta);
    writer_xcheck_destroy (&x);
    //  Not a session: no cross-check.
    writer_xcheck_conf_t conf = {.window = &s_window, .cal = s_cal};
    CHECK (writer_xcheck_new (&conf, "2024-02-30") == NULL);
}

static int
s_take_record (const eod_msg_t *record, void *arg)
{
    return writer_xcheck_take (arg, record);
}

static int
s_findings (writer_anomalies_t *anomalies, void *arg)
{
    return writer_xcheck_compare (arg, writer_anomalies_note_xcheck, anomalies);
}

//  Through the fold: the journal's QUOTES and RESULTs, the sidecar's lines
//  in (code, field) order; folded again, the same bytes.
static void
s_test_fold (void)
{
    const char *list[] = {"005930", "000660"};
    eod_msg_t *msgs[] = {s_result ("005930", WRITER_XCHECK_HIGH, 7), s_result ("000660", WRITER_XCHECK_VOLUME, 9),
                         fixture_quotes ("kr-mq-20240902-00001", S_SESSION, fixture_instant (S_ASKED), list, 2)};
    eod_fields_set (&msgs[2]->rows[0], "inter2_oprc", "90");   //  005930's open too
    size_t order[] = {2, 0, 1};
    fixture_write_journal ("fold/run-test.journal", msgs, order, 3);
    char journal[FIXTURE_PATH_MAX], data[FIXTURE_PATH_MAX];
    fixture_path (journal, "fold/run-test.journal");
    fixture_path (data, "fold/data");
    char *first = NULL;
    for (int pass = 0; pass < 2; pass++) {
        writer_xcheck_t *x = s_xcheck ();
        writer_validate_conf_t rules = {.kr_limit_pct = 30, .us_move_pct = 50};
        writer_anomalies_t *a = writer_anomalies_new (&rules, NULL, NULL);
        if (!x || !a)
            return;
        writer_anomalies_on_run (a, s_take_record, s_findings, x);
        CHECK_INT (writer_compact_journal (journal, data, "kr", NULL, a, NULL, NULL, NULL), 2);
        CHECK_INT (writer_anomalies_count (a, WRITER_VALIDATE_XCHECK), 3);
        CHECK_INT (writer_xcheck_disagreed (x), 2);
        char *sidecar = fixture_read ("fold/data/anomalies/market=kr/dt=2024-09-02/kr_20240902_anomalies.csv");
        CHECK (sidecar != NULL);
        if (sidecar && pass == 0) {
            const char *open =
                strstr (sidecar, "2024-09-02,000660,xcheck,\"volume: chart 1009 quote 1000 (tolerance 5); chart asked "
                                 "2024-09-02T18:20:00+09:00, quote asked 2024-09-02T18:30:00+09:00\"\n");
            const char *high = strstr (sidecar, "2024-09-02,005930,xcheck,\"high: chart 127 quote 120");
            const char *open5930 = strstr (sidecar, "2024-09-02,005930,xcheck,\"open: chart 100 quote 90");
            CHECK (open && high && open5930 && open < high && high < open5930);
            first = sidecar;
        }
        else if (sidecar) {
            CHECK_STR (sidecar, first);
            free (sidecar);
        }
        writer_anomalies_destroy (&a);
        writer_xcheck_destroy (&x);
    }
    free (first);
    for (size_t i = 0; i < 3; i++)
        eod_msg_destroy (&msgs[i]);
}

int
main (void)
{
    if (fixture_begin ("test_xcheck"))
        return 1;
    s_cal = fixture_quote_window (&s_window);
    if (s_cal) {
        s_test_fields ();
        s_test_clean ();
        s_test_not_checked ();
        s_test_fold ();
    }
    eod_cal_destroy (&s_cal);
    fixture_end ();
    return EOD_TEST_DONE ();
}
