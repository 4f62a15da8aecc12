/*  test_dispatch_stop — when the coordinator's dispatch stops asking, and
    answers that come in pages (stages/coordinator/dispatch.c with halt.c
    and pages.c), fed as plain calls (dispatch_fixture.h):
    - a refused TLS certificate stops the run at the first RESULT: exit 2,
      the host and the key to check named, every task not asked fails at
      once and none is sent, a task in flight still has its rows written,
      and a failure after the stop is not retried;
    - identical unknown codes in a row stop it at [kis] unknown_code_stop
      (exit 3 when they were retryable), an answer between them starts the
      count again, and the tasks waiting for a retry fail unasked;
    - an access token refused in the run's loop stops it without a request;
    - pages: the next page asked first, as a continuation (its BYMD in the
      TASK) with attempts of its own; the rows of every page go to the writer
      in one RESULT; an answer past [kis] max_pages, one that does not go back
      in time and one whose page fails for good fail the task, rows dropped;
      no data on a later page keeps the rows of the earlier ones. */
#include "dispatch_fixture.h"

#define S_FAST 1000   //  a key's rate where pacing does not matter

//  Dispatches to fetcher id until n TASKs went (or nothing more goes).
static void
s_dispatch (s_env_t *env, const char *id, int n)
{
    int from = s_nsent;
    s_from (env, id, EOD_MSG_READY, n, 0);
    for (int i = 0; i < 100 && s_count (from, id, EOD_MSG_TASK) < n; i++) {
        fake_advance_ms (1);
        coordinator_dispatch_pass (env->d);
    }
}

//  A RESULT of task_id from fetcher A: status, msg_cd, error, and nrows rows
//  (xymd 20240902 going back a day each) and, for a page, the next BYMD.
static void
s_answer (s_env_t *env, const char *task_id, const char *status, const char *msg_cd, const char *error, int nrows,
          const char *bymd)
{
    eod_msg_t *m = eod_msg_new (EOD_MSG_RESULT);
    eod_msg_set (&m->task_id, task_id);
    eod_msg_set (&m->market, "kr");
    eod_msg_set (&m->code, task_id);
    eod_msg_set (&m->status, status);
    eod_msg_set (&m->msg_cd, msg_cd);
    eod_msg_set (&m->error, error);
    for (int i = 0; i < nrows; i++) {
        eod_fields_t row = EOD_FIELDS_INIT;
        char date[16];
        snprintf (date, sizeof date, "202409%02d", 2 + i % 20);
        eod_fields_set (&row, "xymd", date);
        eod_msg_add_row (m, &row);
        eod_fields_clear (&row);
    }
    eod_fields_set (&m->snapshot, "nrec", "1");
    if (bymd)
        eod_fields_set (&m->meta, EOD_META_BYMD, bymd);
    s_result_msg (env, "A", m);
    eod_msg_destroy (&m);
}

static coordinator_task_t *
s_find (s_env_t *env, const char *task_id)
{
    return coordinator_tasks_find (env->tasks, task_id);
}

//  The outcome of task_id starts with "CODE " + prefix.
static bool
s_outcome_is (s_env_t *env, const char *task_id, const char *prefix)
{
    coordinator_task_t *t = s_find (env, task_id);
    const char *o = t && t->outcome ? t->outcome : "";
    size_t code = strlen (task_id) + 1;
    return strlen (o) > code && strncmp (o + code, prefix, strlen (prefix)) == 0;
}

//  A refused certificate: the run stops at the first.
static void
test_tls_stops_the_run (void)
{
    s_env_t env;
    s_env_up (&env, 1, S_FAST, true);
    for (int i = 1; i <= 5; i++) {
        char id[8];
        snprintf (id, sizeof id, "T%d", i);
        s_task (&env, id);
    }
    s_dispatch (&env, "A", 3);
    CHECK_INT (s_count (0, "A", EOD_MSG_TASK), 3);
    CHECK (coordinator_dispatch_halted (env.d) == NULL);
    s_answer (&env, "T1", "permanent", EOD_KIS_CODE_TLS,
              "GET inquire-daily-itemchartprice T1: TLS to sim.test:443 failed: SSL certificate problem: "
              "unable to get local issuer certificate",
              0, NULL);
    const coordinator_halt_t *halt = coordinator_dispatch_halted (env.d);
    CHECK (halt != NULL);
    if (!halt) {
        s_env_down (&env);
        return;
    }
    CHECK_INT (halt->exit_code, 2);
    CHECK (strstr (halt->reason, "sim.test:443") != NULL);
    CHECK (strstr (halt->reason, "unable to get local issuer certificate") != NULL);
    CHECK (strstr (halt->reason, "[kis] ca_file") != NULL);
    CHECK (s_find (&env, "T1")->state == COORDINATOR_TASK_FAILED);
    //  The tasks not asked fail at once; nothing more is sent.
    int sent = s_nsent;
    s_from (&env, "A", EOD_MSG_READY, 5, 0);
    fake_advance_ms (10);
    coordinator_dispatch_pass (env.d);
    CHECK_INT (s_count (sent, NULL, EOD_MSG_TASK), 0);
    CHECK (s_find (&env, "T4")->state == COORDINATOR_TASK_FAILED);
    CHECK (s_outcome_is (&env, "T5", "not asked"));
    //  A task in flight keeps its rows; one that fails now is not retried.
    s_answer (&env, "T2", "ok", NULL, NULL, 1, NULL);
    CHECK (s_find (&env, "T2")->state == COORDINATOR_TASK_WRITING);
    CHECK (s_last ()->type == EOD_MSG_RESULT && strcmp (s_last ()->to, "writer") == 0);
    s_answer (&env, "T3", "retryable", "EGW00002", "server error", 0, NULL);
    CHECK (s_find (&env, "T3")->state == COORDINATOR_TASK_FAILED);
    CHECK (s_outcome_is (&env, "T3", "retryable after 1 attempt(s): EGW00002 server error"));
    CHECK (s_outcome_is (&env, "T1", "permanent after 1 attempt(s): EOD-TLS"));
    CHECK_INT (coordinator_tasks_unsettled (env.tasks), 1);   //  T2, until the writer's ACK
    CHECK (s_ack (&env, "T2"));
    CHECK_INT (coordinator_tasks_unsettled (env.tasks), 0);
    //  A reason of its own is not taken once stopped.
    coordinator_dispatch_halt (env.d, 3, "later", true);
    CHECK_INT (coordinator_dispatch_halted (env.d)->exit_code, 2);
    s_env_down (&env);
}

//  The same unknown code, answer after answer.
static void
test_unknown_codes (void)
{
    s_env_t env;
    s_env_up (&env, 1, S_FAST, true);
    for (int i = 1; i <= 6; i++) {
        char id[8];
        snprintf (id, sizeof id, "U%d", i);
        s_task (&env, id);
    }
    s_dispatch (&env, "A", 6);
    const char *why = "HTTP 500, rt_cd \"1\", EGW09999 모르는 오류";
    s_answer (&env, "U1", "retryable", "EGW09999", why, 0, NULL);
    s_answer (&env, "U2", "retryable", "EGW09999", why, 0, NULL);
    //  An answer with rows between: the count starts again.
    s_answer (&env, "U3", "ok", NULL, NULL, 1, NULL);
    s_answer (&env, "U4", "retryable", "EGW09999", why, 0, NULL);
    //  A transport error neither counts nor starts it again.
    s_answer (&env, "U5", "retryable", NULL, "timeout", 0, NULL);
    s_answer (&env, "U6", "retryable", "EGW09999", why, 0, NULL);
    CHECK (coordinator_dispatch_halted (env.d) == NULL);
    CHECK (s_find (&env, "U1")->state == COORDINATOR_TASK_QUEUED);   //  waiting for its retry
    //  U1's retry is the third in a row.
    fake_advance_ms (1000);
    s_dispatch (&env, "A", 1);
    s_answer (&env, s_last ()->task_id, "retryable", "EGW09999", why, 0, NULL);
    const coordinator_halt_t *halt = coordinator_dispatch_halted (env.d);
    CHECK (halt && halt->exit_code == 3);
    CHECK (halt && strstr (halt->reason, "EGW09999") && strstr (halt->reason, "모르는 오류")
           && strstr (halt->reason, "3 requests in a row"));
    //  The tasks waiting for their retry fail unasked.
    int sent = s_nsent;
    fake_advance_ms (10000);
    s_from (&env, "A", EOD_MSG_READY, 5, 0);
    coordinator_dispatch_pass (env.d);
    CHECK_INT (s_count (sent, NULL, EOD_MSG_TASK), 0);
    CHECK (s_outcome_is (&env, "U2", "not asked"));
    CHECK_INT (coordinator_tasks_unsettled (env.tasks), 1);   //  U3, being written
    s_env_down (&env);
}

//  A key whose token is refused in the run's loop.
static void
test_token_refused (void)
{
    s_env_t env;
    s_env_up (&env, 1, S_FAST, true);
    s_task (&env, "K1");
    s_task (&env, "K2");
    coordinator_key_t *key = coordinator_tokens_key (env.tokens, 0);
    key->refresh_at = 0;   //  due for a new token, a minute after the last
    fake_advance_ms (62 * 1000);
    fake_answer (403, "{\"error_code\":\"EGW00103\",\"error_description\":\"유효하지 않은 AppKey입니다.\"}");
    s_dispatch (&env, "A", 2);
    CHECK_INT (s_count (0, NULL, EOD_MSG_TASK), 0);
    const coordinator_halt_t *halt = coordinator_dispatch_halted (env.d);
    CHECK (halt && halt->exit_code == 2 && strstr (halt->reason, "EGW00103"));
    coordinator_dispatch_pass (env.d);
    CHECK_INT (coordinator_tasks_unsettled (env.tasks), 0);
    CHECK (s_outcome_is (&env, "K1", "not asked"));
    s_env_down (&env);
}

//  Answers in pages.
static void
test_pages (void)
{
    s_env_t env;
    s_env_up (&env, 1, S_FAST, true);
    const char *ids[] = {"P1", "P2", "P3", "P4", "P5"};
    for (size_t i = 0; i < 5; i++)
        s_task (&env, ids[i]);
    s_dispatch (&env, "A", 5);
    //  P1: three pages, the last one ok: one RESULT of all the rows.
    s_answer (&env, "P1", "ok", EOD_MORE, NULL, 2, "20240830");
    CHECK (s_find (&env, "P1")->state == COORDINATOR_TASK_QUEUED);
    CHECK_INT (s_count (0, "writer", EOD_MSG_RESULT), 0);
    s_dispatch (&env, "A", 1);
    CHECK_STR (s_last ()->task_id, "P1");
    CHECK_STR (s_last ()->bymd, "20240830");
    CHECK_INT (s_last ()->attempt, 1);
    s_answer (&env, "P1", "ok", EOD_MORE, NULL, 2, "20240828");
    s_dispatch (&env, "A", 1);
    CHECK_STR (s_last ()->bymd, "20240828");
    s_answer (&env, "P1", "ok", NULL, NULL, 1, NULL);
    CHECK (s_last ()->type == EOD_MSG_RESULT && strcmp (s_last ()->to, "writer") == 0);
    CHECK_STR (s_last ()->task_id, "P1");
    CHECK_INT (s_last ()->nrows, 5);
    CHECK_STR (s_last ()->status, "ok");
    //  P2: no data on its second page keeps the first page's rows.
    s_answer (&env, "P2", "ok", EOD_MORE, NULL, 3, "20240830");
    s_dispatch (&env, "A", 1);
    s_answer (&env, "P2", "nodata", NULL, "no row in 20240801..20240830", 0, NULL);
    CHECK_STR (s_last ()->task_id, "P2");
    CHECK_STR (s_last ()->status, "ok");
    CHECK_INT (s_last ()->nrows, 3);
    //  P3: a later page fails: retried from that page, then dropped whole.
    s_answer (&env, "P3", "ok", EOD_MORE, NULL, 2, "20240830");
    s_dispatch (&env, "A", 1);
    s_answer (&env, "P3", "retryable", "EGW00002", "server error", 0, NULL);
    fake_advance_ms (1000);
    s_dispatch (&env, "A", 1);
    CHECK_STR (s_last ()->task_id, "P3");
    CHECK_STR (s_last ()->bymd, "20240830");
    CHECK_INT (s_last ()->attempt, 2);
    s_answer (&env, "P3", "permanent", "OPSQ2001", "ERROR INPUT FIELD BYMD", 0, NULL);
    CHECK (s_find (&env, "P3")->state == COORDINATOR_TASK_FAILED);
    //  P4: past [kis] max_pages (3).
    s_answer (&env, "P4", "ok", EOD_MORE, NULL, 1, "20240830");
    s_dispatch (&env, "A", 1);
    s_answer (&env, "P4", "ok", EOD_MORE, NULL, 1, "20240829");
    s_dispatch (&env, "A", 1);
    s_answer (&env, "P4", "ok", EOD_MORE, NULL, 1, "20240828");
    CHECK (s_find (&env, "P4")->state == COORDINATOR_TASK_FAILED);
    CHECK (s_outcome_is (&env, "P4", "permanent: the answer goes on past 3 page(s)"));
    //  P5: a next page that does not go back in time.
    s_answer (&env, "P5", "ok", EOD_MORE, NULL, 1, "20240830");
    s_dispatch (&env, "A", 1);
    s_answer (&env, "P5", "ok", EOD_MORE, NULL, 1, "20240830");
    CHECK (s_find (&env, "P5")->state == COORDINATOR_TASK_FAILED);
    CHECK_INT (s_count (0, "writer", EOD_MSG_RESULT), 2);
    //  A page after a stop: the task fails, its pages dropped.
    s_task (&env, "P6");
    s_dispatch (&env, "A", 1);
    s_answer (&env, "P6", "ok", EOD_MORE, NULL, 1, "20240830");
    s_dispatch (&env, "A", 1);
    coordinator_dispatch_halt (env.d, 2, "stopped by the test", false);
    s_answer (&env, "P6", "ok", EOD_MORE, NULL, 1, "20240829");
    CHECK (s_find (&env, "P6")->state == COORDINATOR_TASK_FAILED);
    s_env_down (&env);
}

int
main (void)
{
    fake_wall0 = time (NULL);
    test_tls_stops_the_run ();
    test_unknown_codes ();
    test_token_refused ();
    test_pages ();
    return EOD_TEST_DONE ();
}
