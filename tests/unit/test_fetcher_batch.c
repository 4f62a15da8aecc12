/*  test_fetcher_batch — one BATCH's multi-stock quote and its QUOTES
    (stages/fetcher/batch.c), through the stand-in transport of
    kis_fake_http.h and a stand-in clock over the shipped calendars: inside
    the window one request, the time it was asked, one row per code quoted
    and the others' states in meta (missing, zero), a code not asked left
    out, a refused batch permanent with its code; outside the window (before
    18:00, at 09:05 of the next session) and on the mock host no request at
    all, status skipped with the reason. Every QUOTES passes the decoder's
    checks. */
#include "eod_test.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "batch.h"
#include "kis_fake_http.h"
#include "kis_fixtures.h"

static time_t s_clock;

static time_t
s_now (void)
{
    return s_clock;
}

//  A batch of session 2024-09-20 of the codes.
static eod_msg_t *
s_batch (const char *a, const char *b, const char *c)
{
    eod_msg_t *m = eod_msg_new (EOD_MSG_BATCH);
    eod_msg_set (&m->run_id, "run-1");
    eod_msg_set (&m->task_id, "kr-mq-20240920-00001");
    eod_msg_set (&m->market, "kr");
    eod_msg_set (&m->date_from, "2024-09-20");
    eod_msg_set (&m->date_to, "2024-09-20");
    eod_msg_add_list (m, a);
    eod_msg_add_list (m, b);
    eod_msg_add_list (m, c);
    m->attempt = 1;
    return m;
}

//  Runs the batch at the KST time kst against the stored body fixture
//  (NULL: no answer expected); checks the QUOTES decodes.
static eod_msg_t *
s_run (const fetcher_batch_conf_t *conf, const eod_msg_t *batch, const char *kst, const char *fixture)
{
    eod_instant_parse (kst, &s_clock);
    size_t len;
    char *body = fixture ? kis_fixture (fixture, &len) : NULL;
    fake_answer_t answer[] = {{200, "", body, false}};
    s_fake_begin (answer, body ? 1 : 0);
    eod_msg_t *creds = s_fake_creds ();
    eod_msg_t *quotes = fetcher_batch (batch, creds, conf);
    char err[256] = "";
    CHECK (quotes != NULL);
    if (quotes && eod_msg_check (quotes, err, sizeof err))
        fprintf (stderr, "QUOTES refused: %s\n", err);
    CHECK (quotes && eod_msg_check (quotes, err, sizeof err) == 0);
    eod_msg_destroy (&creds);
    free (body);
    return quotes;
}

static void
test_batches (eod_cal_t *cal)
{
    eod_quote_window_t window;
    eod_quote_window_init (&window, "18:00", "08:00", 10000, false);
    fetcher_batch_conf_t conf = {.fetch = {.timeout_ms = 10000, .http = s_fake_perform},
                                 .window = &window, .cal = cal, .now = s_now};
    //  In the window: one request, the three codes, the time it was asked.
    eod_msg_t *batch = s_batch ("000660", "006030", "017840");
    eod_msg_t *q = s_run (&conf, batch, "2024-09-20T18:30:00+09:00", "multiquote_shuffled.json");
    CHECK_INT (s_fake.made, 1);
    CHECK (strstr (s_fake.url[0], "FID_INPUT_ISCD_3=017840") != NULL);
    CHECK_STR (q->status, "ok");
    CHECK_INT (q->asked_at, s_clock);
    CHECK_INT (q->sent_us, FAKE_SENT_US);
    CHECK_INT (q->requests, 1);
    CHECK_INT (q->nrows, 3);
    CHECK_INT (q->nlist, 3);
    CHECK_INT (q->meta.count, 0);
    CHECK_STR (q->task_id, "kr-mq-20240920-00001");
    eod_msg_destroy (&q);
    eod_msg_destroy (&batch);

    //  An unknown code left out, or zeroed: no row, its state in meta.
    batch = s_batch ("000660", "001560", "017840");
    q = s_run (&conf, batch, "2024-09-21T12:00:00+09:00", "multiquote_omit.json");
    CHECK_STR (q->status, "ok");
    CHECK_INT (q->nrows, 2);
    CHECK_STR (eod_fields_get (&q->meta, "001560"), "missing");
    eod_msg_destroy (&q);
    q = s_run (&conf, batch, "2024-09-23T07:59:00+09:00", "multiquote_zero.json");
    CHECK_INT (q->nrows, 2);
    CHECK_STR (eod_fields_get (&q->meta, "001560"), "zero");
    eod_msg_destroy (&q);
    //  The whole batch refused: permanent, its code, no row.
    q = s_run (&conf, batch, "2024-09-20T19:00:00+09:00", "multiquote_reject.json");
    CHECK_STR (q->status, "permanent");
    CHECK_STR (q->msg_cd, "OPSQ2001");
    CHECK_INT (q->nrows, 0);
    eod_msg_destroy (&q);
    eod_msg_destroy (&batch);

    //  A code not asked in the answer is not kept, whatever it claims.
    batch = s_batch ("000660", "006030", "017840");
    q = s_run (&conf, batch, "2024-09-20T20:00:00+09:00", "multiquote_unasked.json");
    CHECK_INT (q->nrows, 2);
    CHECK_STR (eod_fields_get (&q->meta, "006030"), "missing");
    CHECK (strstr (q->error, "005930") != NULL);
    eod_msg_destroy (&q);

    //  Outside the window: nothing asked.
    const char *outside[] = {"2024-09-20T17:59:00+09:00", "2024-09-23T08:00:00+09:00", "2024-09-23T09:05:00+09:00",
                             "2024-09-27T20:00:00+09:00"};
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        q = s_run (&conf, batch, outside[i], NULL);
        CHECK_INT (s_fake.made, 0);
        CHECK_STR (q->status, FETCHER_BATCH_SKIPPED);
        CHECK_STR (q->msg_cd, FETCHER_BATCH_CODE_WINDOW);
        CHECK_STR (q->error, "window");
        CHECK_INT (q->requests, 0);
        CHECK_INT (q->asked_at, s_clock);
        eod_msg_destroy (&q);
    }
    //  The mock host: nothing asked, ever.
    eod_quote_window_t mock;
    eod_quote_window_init (&mock, "18:00", "08:00", 10000, true);
    conf.window = &mock;
    q = s_run (&conf, batch, "2024-09-20T18:30:00+09:00", NULL);
    CHECK_INT (s_fake.made, 0);
    CHECK_STR (q->error, "mock host");
    eod_msg_destroy (&q);
    eod_msg_destroy (&batch);
}

int
main (void)
{
    eod_log_init ("test_fetcher_batch");
    eod_cal_t *cal = eod_cal_new (EOD_SOURCE_DIR "/config/calendars");
    CHECK (cal != NULL);
    if (cal)
        test_batches (cal);
    eod_cal_destroy (&cal);
    return EOD_TEST_DONE ();
}
