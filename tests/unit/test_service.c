/*  test_service — the answers of the coordinator's REP socket
    (stages/coordinator/service.c), on a clock the test moves and a
    transport that answers from a list: listing-status from what the
    coordinator holds, chk-holiday from KIS (pages, the first key's budget
    and token, the cache kept for the day and asked again the next), dates
    that are not YYYY-MM-DD, KIS failing, no token, and requests of any
    other kind refused. */
#include "coordinator_fakes.h"
#include "eod_test.h"
#include "eod_util.h"
#include "service.h"

#include <sys/stat.h>
#include <unistd.h>

#define S_PATH_MAX 1024
#define S_DAY_MS (INT64_C (86400) * 1000)
#define S_PAGE_MAX 8192

static char s_state[FAKE_DIR_MAX];
static char s_run_id[128] = "run-1";
static eod_stage_t s_stage = {.name = "coordinator"};
static char s_asked_run[128];   //  the run the listing callback was asked about

static void
s_listing (const char *run_id, coordinator_listing_t *out, void *arg)
{
    snprintf (s_asked_run, sizeof s_asked_run, "%s", run_id ? run_id : "(none)");
    out->tasks = 3;
    out->listed = run_id && strcmp (run_id, "run-1") == 0;
    out->ended = false;
}

//  A chk-holiday page of days days from YYYYMMDD first (weekends closed).
static void
s_answer_page (const char *first, int days)
{
    char body[S_PAGE_MAX];
    size_t at = (size_t) snprintf (body, sizeof body, "{\"rt_cd\":\"0\",\"msg_cd\":\"KIOK0500\",\"output\":[");
    int y, m, d;
    sscanf (first, "%4d%2d%2d", &y, &m, &d);
    for (int i = 0; i < days; i++) {
        struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + i, .tm_hour = 12};
        time_t t = timegm (&tm);
        gmtime_r (&t, &tm);
        char day[9];
        strftime (day, sizeof day, "%Y%m%d", &tm);
        bool open = tm.tm_wday != 0 && tm.tm_wday != 6;
        at += (size_t) snprintf (body + at, sizeof body - at, "%s{\"bass_dt\":\"%s\",\"opnd_yn\":\"%s\"}", i ? "," : "",
                                 day, open ? "Y" : "N");
    }
    snprintf (body + at, sizeof body - at, "]}");
    fake_answer (200, body);
}

//  A request of the type: a HOLIDAY_ASK, a LISTING_ASK of run-1, or a
//  type the service does not answer.
static eod_msg_t *
s_req (eod_msg_type_t type, const char *from, const char *to)
{
    eod_msg_t *req = eod_msg_new (type);
    eod_msg_set (&req->run_id, "run-1");
    eod_msg_set (&req->market, "kr");
    eod_msg_set (&req->mode, "daily");
    eod_msg_set (&req->date_from, from);
    eod_msg_set (&req->date_to, to);
    return req;
}

//  The answer to a HOLIDAY_ASK of [from, to]; requests made into *requests.
static eod_msg_t *
s_ask (coordinator_service_t *service, const char *from, const char *to, long *requests)
{
    eod_msg_t *req = s_req (EOD_MSG_HOLIDAY_ASK, from, to);
    eod_msg_t *rep = coordinator_service_answer (service, req, requests);
    eod_msg_destroy (&req);
    return rep;
}

static void
test_listing_and_refusals (coordinator_service_t *service)
{
    long requests = 0;
    eod_msg_t *req = s_req (EOD_MSG_LISTING_ASK, "2024-09-02", "2024-09-02");
    eod_msg_t *rep = coordinator_service_answer (service, req, &requests);
    CHECK_STR (s_asked_run, "run-1");
    CHECK (rep->type == EOD_MSG_LISTING);
    CHECK_STR (rep->run_id, "run-1");
    CHECK_INT (rep->count, 3);
    CHECK_INT (rep->listed, 1);
    CHECK_INT (rep->ended, 0);
    eod_msg_destroy (&rep);
    eod_msg_destroy (&req);

    //  Anything else is refused, with why.
    const char *refused = "the service answers HOLIDAY_ASK and LISTING_ASK only";
    rep = coordinator_service_answer (service, NULL, &requests);
    CHECK (rep->type == EOD_MSG_REFUSED);
    CHECK_STR (rep->error, refused);
    eod_msg_destroy (&rep);
    const eod_msg_type_t others[] = {EOD_MSG_JOB, EOD_MSG_RECONCILE, EOD_MSG_ACK, EOD_MSG_HOLIDAYS, EOD_MSG_LISTING};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        req = s_req (others[i], "2024-09-02", "2024-09-02");
        rep = coordinator_service_answer (service, req, &requests);
        CHECK (rep->type == EOD_MSG_REFUSED);
        CHECK_STR (rep->error, refused);
        eod_msg_destroy (&rep);
        eod_msg_destroy (&req);
    }
    //  Dates that are not YYYY-MM-DD.
    rep = s_ask (service, "2026-1-5", "2026-01-20", &requests);
    CHECK (rep->type == EOD_MSG_REFUSED);
    CHECK_STR (rep->error, "chk-holiday: date_from and date_to must be YYYY-MM-DD");
    eod_msg_destroy (&rep);
    CHECK_INT (requests, 0);
    CHECK_INT (fake_served, 0);
}

static void
test_chk_holiday (coordinator_service_t *service, coordinator_key_t *key)
{
    //  One page covers the range: one request, the days of the range.
    long requests = 0;
    s_answer_page ("20260105", 24);
    eod_msg_t *rep = s_ask (service, "2026-01-05", "2026-01-20", &requests);
    CHECK (rep->type == EOD_MSG_HOLIDAYS);
    CHECK_STR (rep->status, "ok");
    CHECK (rep->error == NULL);
    CHECK_INT (requests, 1);
    CHECK_INT (key->requests, 1);
    CHECK (strstr (fake_last_url, "BASS_DT=20260105") != NULL);
    CHECK_INT (rep->days.count, 16);
    CHECK_STR (eod_fields_get (&rep->days, "20260105"), "Y");   //  a Monday
    CHECK_STR (eod_fields_get (&rep->days, "20260110"), "N");   //  a Saturday
    CHECK (eod_fields_get (&rep->days, "20260121") == NULL);
    eod_msg_destroy (&rep);
    char path[S_PATH_MAX + 32];
    snprintf (path, sizeof path, "%s/kis_holidays.json", s_state);
    struct stat st;
    CHECK (stat (path, &st) == 0 && (st.st_mode & 0777) == 0600);

    //  The same day: from the cache, nothing asked.
    rep = s_ask (service, "2026-01-06", "2026-01-28", &requests);
    CHECK_INT (requests, 1);
    CHECK_INT (fake_served, 1);
    CHECK_INT (rep->days.count, 23);
    eod_msg_destroy (&rep);

    //  The next day: asked again, two pages this time, the second from the
    //  day after the first one's last; the key's pace spaces them.
    fake_advance_ms (S_DAY_MS);
    s_answer_page ("20260105", 6);
    s_answer_page ("20260111", 24);
    fake_slept_ms = 0;
    rep = s_ask (service, "2026-01-05", "2026-01-20", &requests);
    CHECK_INT (requests, 3);
    CHECK_INT (fake_served, 3);
    CHECK (strstr (fake_last_url, "BASS_DT=20260111") != NULL);
    CHECK (fake_slept_ms > 0);
    CHECK_INT (rep->days.count, 16);
    CHECK_STR (eod_fields_get (&rep->days, "20260111"), "N");
    CHECK_STR (eod_fields_get (&rep->days, "20260112"), "Y");
    eod_msg_destroy (&rep);

    //  KIS fails: an error, and the cache stays as it was.
    off_t cached = stat (path, &st) == 0 ? st.st_size : -1;
    rep = s_ask (service, "2026-03-02", "2026-03-05", &requests);   //  no answer canned
    CHECK (rep->type == EOD_MSG_HOLIDAYS);
    CHECK_STR (rep->status, "failed");
    CHECK (rep->error && strncmp (rep->error, "chk-holiday failed: retryable", 29) == 0);
    CHECK_INT (rep->days.count, 0);
    eod_msg_destroy (&rep);
    CHECK (stat (path, &st) == 0 && st.st_size == cached);

    //  No token to be had: an error, nothing asked.
    free (key->token);
    key->token = NULL;
    fake_advance_ms (S_DAY_MS);
    fake_answer (403, "{\"error_code\":\"EGW00103\",\"error_description\":\"bad AppKey\"}");
    int served = fake_served;
    rep = s_ask (service, "2026-01-05", "2026-01-20", &requests);
    CHECK_STR (rep->status, "failed");
    CHECK_STR (rep->error, "chk-holiday failed: permanent  no access token");
    CHECK_INT (fake_served, served + 1);   //  the token request alone
    eod_msg_destroy (&rep);
}

int
main (void)
{
    fake_wall0 = time (NULL);
    if (fake_scratch_dir (s_state, "test_service")) {
        CHECK (false);
        return EOD_TEST_DONE ();
    }
    coordinator_tokens_conf_t tconf = {.base_url = "http://sim.test",
                                       .cache_base = "/nonexistent/test_service",
                                       .refresh_s = 3600,
                                       .http = fake_http,
                                       .stage = &s_stage,
                                       .clock = &fake_clock};
    coordinator_tokens_t *tokens = coordinator_tokens_new (&tconf);
    coordinator_tokens_add (tokens, "test_app", "APPKEY-TEST", "SECRET-TEST");
    coordinator_key_t *key = coordinator_tokens_key (tokens, 0);
    coordinator_pacer_init (&key->pacer, 2, 0, 0);
    fake_answer_token ("TOKEN-ONE", fake_wall () + 86400 * 7);
    CHECK_INT (coordinator_tokens_ensure (tokens, key, false, false, ""), 0);
    fake_answers_clear ();
    coordinator_service_conf_t conf = {
        .state_dir = s_state, .tokens = tokens, .run_id = s_run_id, .clock = &fake_clock, .listing = s_listing};
    coordinator_service_t *service = coordinator_service_new (&conf);
    CHECK (service != NULL);
    if (service) {
        test_listing_and_refusals (service);
        test_chk_holiday (service, key);
    }
    coordinator_service_destroy (&service);
    CHECK (service == NULL);
    coordinator_service_destroy (&service);
    coordinator_tokens_destroy (&tokens);
    fake_answers_clear ();
    CHECK_INT (fake_scratch_remove (s_state), 0);
    return EOD_TEST_DONE ();
}
