/*  test_fetcher_fetch — one TASK's request and its RESULT
    (stages/fetcher/fetch.c), through the stand-in transport of
    kis_fake_http.h: the [kis] TLS settings reach the request; a refused
    certificate comes back permanent with its code and the host; an overseas
    answer that goes on gives the rows so far and the next page's BYMD
    (EOD_MORE), a continuation TASK asks with tr_cont N and its BYMD, and an
    answer whose tr_cont says more while the range is covered needs no page
    more; the rows outside the task's range are left out. */
#include "eod_test.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "fetch.h"
#include "kis_fake_http.h"

static eod_msg_t *
s_task (const char *market, const char *code, const char *from, const char *to, const char *bymd)
{
    eod_msg_t *t = eod_msg_new (EOD_MSG_TASK);
    eod_msg_set (&t->run_id, "run-1");
    eod_msg_set (&t->task_id, "T-1");
    eod_msg_set (&t->market, market);
    eod_msg_set (&t->mode, "backfill");
    eod_msg_set (&t->code, code);
    eod_msg_set (&t->exchange, strcmp (market, "us") == 0 ? "NAS" : NULL);
    eod_msg_set (&t->date_from, from);
    eod_msg_set (&t->date_to, to);
    if (bymd)
        eod_fields_set (&t->meta, EOD_META_BYMD, bymd);
    t->attempt = 1;
    return t;
}

//  An overseas answer of the bars dated dates (newest first).
static char *
s_overseas_body (const char *const *dates, size_t n)
{
    static char body[4096];
    size_t at = (size_t) snprintf (body, sizeof body, "{\"output1\":{\"rsym\":\"DNASAAPL\",\"zdiv\":\"4\",\"nrec\":\"%zu\"},"
                                                      "\"output2\":[", n);
    for (size_t i = 0; i < n; i++)
        at += (size_t) snprintf (body + at, sizeof body - at, "%s{\"xymd\":\"%s\",\"clos\":\"1.0000\"}", i ? "," : "",
                                 dates[i]);
    snprintf (body + at, sizeof body - at, "],\"rt_cd\":\"0\",\"msg_cd\":\"MCA00000\",\"msg1\":\"ok\"}");
    return body;
}

static void
test_tls (void)
{
    eod_msg_t *creds = s_fake_creds ();
    eod_msg_t *task = s_task ("kr", "005930", "2024-09-02", "2024-09-02", NULL);
    fetcher_fetch_conf_t conf = {.adjusted = true, .timeout_ms = 1000, .insecure = false,
                                 .ca_file = "/etc/eod/kis-ca.pem", .http = s_fake_perform};
    fake_answer_t tls[] = {{0, "", NULL, true}};
    s_fake_begin (tls, 1);
    eod_msg_t *result = fetcher_fetch (task, creds, &conf);
    CHECK (result != NULL);
    CHECK_STR (s_fake.ca_file[0], "/etc/eod/kis-ca.pem");
    CHECK (!s_fake.insecure[0]);
    CHECK_STR (result->status, "permanent");
    CHECK_STR (result->msg_cd, EOD_KIS_CODE_TLS);
    CHECK (result->error && strstr (result->error, "TLS to kis.test:9443 failed"));
    CHECK_INT (result->nrows, 0);
    eod_msg_destroy (&result);
    //  insecure and an empty ca_file (the system store) reach it as they are.
    conf.insecure = true;
    conf.ca_file = "";
    s_fake_begin (tls, 1);
    result = fetcher_fetch (task, creds, &conf);
    CHECK (s_fake.insecure[0]);
    CHECK_STR (s_fake.ca_file[0], "");
    eod_msg_destroy (&result);
    eod_msg_destroy (&task);
    eod_msg_destroy (&creds);
}

//  fetcher_fetch of task (taken) with answer as the one reply; the
//  RESULT is the caller's.
static eod_msg_t *
s_fetch (eod_msg_t *task, const eod_msg_t *creds, const fake_answer_t *answer)
{
    fetcher_fetch_conf_t conf = {.adjusted = true, .timeout_ms = 1000, .http = s_fake_perform};
    s_fake_begin (answer, 1);
    eod_msg_t *result = fetcher_fetch (task, creds, &conf);
    eod_msg_destroy (&task);
    return result;
}

//  result is rows (n of them) of a last page: ok, no msg_cd. Destroys it.
static void
s_check_last (eod_msg_t **result_p, size_t n)
{
    eod_msg_t *result = *result_p;
    CHECK_STR (result->status, "ok");
    CHECK (result->msg_cd == NULL);
    CHECK (eod_fields_get (&result->meta, EOD_META_BYMD) == NULL);
    CHECK_INT (result->nrows, n);
    eod_msg_destroy (result_p);
}

static void
test_pages (void)
{
    eod_msg_t *creds = s_fake_creds ();
    //  A first page: BYMD the task's end, no tr_cont sent; M says more and
    //  the range goes back further: the rows so far and the next BYMD.
    const char *page1[] = {"20240830", "20240829", "20240828"};
    char body1[4096];
    snprintf (body1, sizeof body1, "%s", s_overseas_body (page1, 3));
    fake_answer_t first = {200, "tr_cont: F\r\n", body1, false};
    eod_msg_t *result = s_fetch (s_task ("us", "AAPL", "2024-08-26", "2024-08-30", NULL), creds, &first);
    CHECK (strstr (s_fake.url[0], "BYMD=20240830&") != NULL);
    CHECK (strstr (s_fake.headers[0], "tr_cont") == NULL);
    CHECK_STR (result->status, "ok");
    CHECK_STR (result->msg_cd, EOD_MORE);
    CHECK_STR (eod_fields_get (&result->meta, EOD_META_BYMD), "20240827");
    CHECK_INT (result->nrows, 3);
    eod_msg_destroy (&result);

    //  The continuation: tr_cont N and its BYMD; E: the last page. Rows
    //  before the range are left out.
    const char *page2[] = {"20240827", "20240826", "20240823"};
    char body2[4096];
    snprintf (body2, sizeof body2, "%s", s_overseas_body (page2, 3));
    fake_answer_t next = {200, "tr_cont: E\r\n", body2, false};
    result = s_fetch (s_task ("us", "AAPL", "2024-08-26", "2024-08-30", "20240827"), creds, &next);
    CHECK (strstr (s_fake.url[0], "BYMD=20240827&") != NULL);
    CHECK (strstr (s_fake.headers[0], "\ntr_cont: N\n") != NULL);
    s_check_last (&result, 2);

    //  More said, but the range is covered: no page more.
    fake_answer_t covered = {200, "tr_cont: M\r\n", body1, false};
    result = s_fetch (s_task ("us", "AAPL", "2024-08-29", "2024-08-30", NULL), creds, &covered);
    s_check_last (&result, 2);

    //  A KR chart never pages, whatever its tr_cont.
    const char *chart = "{\"output1\":{\"stck_prpr\":\"70000\"},\"output2\":[{\"stck_bsop_date\":\"20240902\","
                        "\"stck_clpr\":\"70000\"}],\"rt_cd\":\"0\",\"msg_cd\":\"MCA00000\",\"msg1\":\"ok\"}";
    fake_answer_t kr = {200, "tr_cont: M\r\n", chart, false};
    result = s_fetch (s_task ("kr", "005930", "2024-08-01", "2024-09-02", NULL), creds, &kr);
    s_check_last (&result, 1);
    eod_msg_destroy (&creds);
}

int
main (void)
{
    eod_log_init ("test_fetcher_fetch");
    test_tls ();
    test_pages ();
    return EOD_TEST_DONE ();
}
