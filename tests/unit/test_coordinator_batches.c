/*  test_coordinator_batches — a batch as a task of its own kind, through
    the dispatch on the fake clock and a recording port instead of sockets:
    kept with its codes, dispatched as a BATCH under a key, paced at
    [multiquote] units_per_batch permits; its QUOTES retried while
    retryable, sent on to the writer when ok, skipped or failed after the
    attempts, its outcome noted first, and settled by the writer's ACK
    naming the batch; a late QUOTES ignored; a run that stops sends its
    batches failed. The QUOTES completed for the writer (a row of a code not
    asked dropped, a code without row or state missing), the record kept
    without rows, and a fast close's counts, outcomes and gaps from the
    records. */
#include "batches.h"
#include "dispatch_fixture.h"

#define BATCH_ID "kr-mq-20240902-00001"

static coordinator_task_t *
s_batch (s_env_t *env, const char *id, const char *const *codes, size_t n)
{
    eod_msg_t *m = eod_msg_new (EOD_MSG_BATCH);
    eod_msg_set (&m->run_id, s_run_id);
    eod_msg_set (&m->task_id, id);
    eod_msg_set (&m->market, "kr");
    eod_msg_set (&m->date_from, "2024-09-02");
    eod_msg_set (&m->date_to, "2024-09-02");
    for (size_t i = 0; i < n; i++)
        eod_msg_add_list (m, codes[i]);
    coordinator_task_t *t = coordinator_tasks_add (env->tasks, m, NULL, -1);
    eod_msg_destroy (&m);
    return t;
}

static eod_msg_t *
s_quotes (const char *id, const char *status, const char *msg_cd)
{
    eod_msg_t *m = eod_msg_new (EOD_MSG_QUOTES);
    eod_msg_set (&m->run_id, s_run_id);
    eod_msg_set (&m->task_id, id);
    eod_msg_set (&m->market, "kr");
    eod_msg_set (&m->date_from, "2024-09-02");
    eod_msg_set (&m->status, status);
    eod_msg_set (&m->msg_cd, msg_cd);
    eod_msg_set (&m->error, msg_cd ? "canned" : NULL);
    return m;
}

static void
s_row (eod_msg_t *m, const char *code, const char *close)
{
    eod_fields_t row = EOD_FIELDS_INIT;
    eod_fields_set (&row, "inter_shrn_iscd", code);
    eod_fields_set (&row, "inter2_prpr", close);
    eod_msg_add_row (m, &row);
    eod_fields_clear (&row);
}

static void
s_send_quotes (s_env_t *env, const char *fetcher, eod_msg_t *m)
{
    zframe_t *identity = zframe_new (fetcher, strlen (fetcher));
    coordinator_dispatch_on_fetcher (env->d, identity, m);
    zframe_destroy (&identity);
}

static const char *codes3[] = {"005930", "000660", "035720"};

static void
test_flow (void)
{
    s_env_t env;
    s_units_per_batch = 1;
    s_env_up (&env, 1, S_RATE, true);
    coordinator_task_t *t = s_batch (&env, BATCH_ID, codes3, 3);
    CHECK (t && t->batch);
    if (!t)
        return;
    CHECK_STR (coordinator_task_code (t), "005930,000660,035720");
    //  The same batch again (a re-listing) is not taken twice.
    CHECK (s_batch (&env, BATCH_ID, codes3, 3) == NULL);
    //  No code, or more than one request takes: not taken.
    CHECK (s_batch (&env, "kr-mq-20240902-00009", codes3, 0) == NULL);
    const char *many[31];
    for (size_t i = 0; i < 31; i++)
        many[i] = codes3[i % 3];
    CHECK (s_batch (&env, "kr-mq-20240902-00010", many, 31) == NULL);
    s_from (&env, "A", EOD_MSG_READY, 1, 0);
    coordinator_dispatch_pass (env.d);
    CHECK (s_last ()->type == EOD_MSG_BATCH && strcmp (s_last ()->to, "A") == 0);
    CHECK_STR (s_last ()->task_id, BATCH_ID);
    CHECK_STR (s_last ()->key_id, "key0");
    CHECK_INT (s_last ()->attempt, 1);
    CHECK (t->state == COORDINATOR_TASK_LEASED);

    //  Rate limited: retried later, the key paused, no QUOTES to the writer.
    eod_msg_t *q = s_quotes (BATCH_ID, "retryable", "EGW00201");
    s_send_quotes (&env, "A", q);
    eod_msg_destroy (&q);
    CHECK (t->state == COORDINATOR_TASK_QUEUED);
    CHECK_INT (coordinator_dispatch_counts (env.d)->retries, 1);
    CHECK_INT (coordinator_dispatch_counts (env.d)->rate_limited, 1);
    CHECK_INT (s_count (0, "writer", EOD_MSG_QUOTES), 0);
    //  The same answer again (late, duplicated) changes nothing.
    q = s_quotes (BATCH_ID, "retryable", "EGW00201");
    s_send_quotes (&env, "A", q);
    eod_msg_destroy (&q);
    CHECK_INT (coordinator_dispatch_counts (env.d)->retries, 1);

    fake_advance_ms (5000);
    s_from (&env, "A", EOD_MSG_READY, 1, 0);
    coordinator_dispatch_pass (env.d);
    CHECK (s_last ()->type == EOD_MSG_BATCH);
    CHECK_INT (s_last ()->attempt, 2);
    //  A RESULT naming the batch is no answer to it.
    s_result (&env, "A", BATCH_ID, "ok", NULL, 0);
    CHECK (t->state == COORDINATOR_TASK_LEASED);
    //  The answer: two rows and the third code's state; noted, then to the writer.
    q = s_quotes (BATCH_ID, "ok", NULL);
    s_row (q, "005930", "70000");
    s_row (q, "000660", "150000");
    eod_fields_set (&q->meta, "035720", "zero");
    s_send_quotes (&env, "A", q);
    eod_msg_destroy (&q);
    CHECK_INT (s_notes, 1);
    CHECK_STR (s_noted, BATCH_ID);
    CHECK (s_last ()->type == EOD_MSG_QUOTES && strcmp (s_last ()->to, "writer") == 0);
    CHECK_STR (s_last ()->status, "ok");
    CHECK_INT (s_last ()->nrows, 2);
    CHECK (t->state == COORDINATOR_TASK_WRITING);
    CHECK_INT (coordinator_tasks_unsettled (env.tasks), 1);
    //  Not acknowledged in time: the kept QUOTES goes to the writer again.
    fake_advance_ms (S_ACK_MS + 1000);
    s_agains = 0;
    coordinator_dispatch_housekeeping (env.d, false);
    CHECK_INT (s_agains, 1);
    //  The writer's ACK names the batch: settled.
    CHECK (s_ack (&env, BATCH_ID));
    CHECK (t->state == COORDINATOR_TASK_DONE);
    CHECK_INT (coordinator_tasks_unsettled (env.tasks), 0);
    //  A RUN_DONE of a daily run counts the TASKs only.
    eod_msg_t *listed = eod_msg_new (EOD_MSG_LISTED), *done = eod_msg_new (EOD_MSG_RUN_DONE);
    coordinator_tasks_summarize (env.tasks, listed, done);
    CHECK_INT (done->count, 0);
    eod_msg_destroy (&listed);
    eod_msg_destroy (&done);
    s_env_down (&env);
}

static void
test_settled_at_once (void)
{
    s_env_t env;
    s_env_up (&env, 1, S_RATE, true);
    coordinator_task_t *a = s_batch (&env, "kr-mq-20240902-00001", codes3, 3);
    coordinator_task_t *b = s_batch (&env, "kr-mq-20240902-00002", codes3, 1);
    coordinator_task_t *c = s_batch (&env, "kr-mq-20240902-00003", codes3 + 1, 2);
    s_from (&env, "A", EOD_MSG_READY, 3, 0);
    for (int i = 0; i < 3; i++) {
        coordinator_dispatch_pass (env.d);
        fake_advance_ms (S_T_MS);
    }
    CHECK (a->state == COORDINATOR_TASK_LEASED && b->state == COORDINATOR_TASK_LEASED
           && c->state == COORDINATOR_TASK_LEASED);
    CHECK_INT (coordinator_dispatch_counts (env.d)->requests, 3);
    //  Outside the window: skipped, to the writer at once; no request was
    //  made, so the run's count of requests drops it.
    eod_msg_t *q = s_quotes ("kr-mq-20240902-00001", "skipped", "EOD-WINDOW");
    s_send_quotes (&env, "A", q);
    eod_msg_destroy (&q);
    CHECK (a->state == COORDINATOR_TASK_WRITING);
    CHECK_STR (s_last ()->status, "skipped");
    CHECK_INT (coordinator_dispatch_counts (env.d)->requests, 2);
    //  A permanent failure: failed, to the writer at once.
    q = s_quotes ("kr-mq-20240902-00002", "permanent", "EGW00999");
    s_send_quotes (&env, "A", q);
    eod_msg_destroy (&q);
    CHECK (b->state == COORDINATOR_TASK_WRITING);
    CHECK_STR (s_last ()->status, "failed");
    CHECK_INT (s_notes, 2);
    //  The run stops: the batch in flight is answered failed, retried no more.
    coordinator_dispatch_halt (env.d, COORDINATOR_EXIT_CONFIG, "a key refused", false);
    q = s_quotes ("kr-mq-20240902-00003", "retryable", "EGW00500");
    s_send_quotes (&env, "A", q);
    eod_msg_destroy (&q);
    CHECK (c->state == COORDINATOR_TASK_WRITING);
    CHECK_STR (s_last ()->status, "failed");
    s_env_down (&env);

    //  A stopped run's batches not asked yet go to the writer failed.
    s_env_up (&env, 1, S_RATE, true);
    a = s_batch (&env, "kr-mq-20240902-00001", codes3, 3);
    coordinator_dispatch_halt (env.d, COORDINATOR_EXIT_CONFIG, "a key refused", false);
    coordinator_dispatch_pass (env.d);
    CHECK (a->state == COORDINATOR_TASK_WRITING);
    CHECK (s_last ()->type == EOD_MSG_QUOTES && strcmp (s_last ()->status, "failed") == 0);
    s_env_down (&env);
}

static void
test_units (void)
{
    //  Two units a batch at two requests/s: after T1 the batch waits for a
    //  window with room for both, and T2 waits for the window after it.
    s_env_t env;
    s_units_per_batch = 2;
    s_env_up (&env, 1, S_RATE, true);
    coordinator_task_t *t1 = s_task (&env, "T1");
    coordinator_task_t *b = s_batch (&env, BATCH_ID, codes3, 3);
    coordinator_task_t *t2 = s_task (&env, "T2");
    s_from (&env, "A", EOD_MSG_READY, 3, 0);
    int64_t t0 = fake_ms ();
    coordinator_dispatch_pass (env.d);
    CHECK (t1->state == COORDINATOR_TASK_LEASED);
    //  The passes as the loop makes them, each at the time the last one said.
    for (int i = 0; i < 10; i++) {
        int64_t wait = coordinator_dispatch_pass (env.d);
        if (b->state != COORDINATOR_TASK_QUEUED)
            break;
        fake_advance_ms (wait);
    }
    CHECK (b->state == COORDINATOR_TASK_LEASED);
    //  A task alone would have gone half a spacing after T1 (250 ms).
    CHECK_INT (fake_ms () - t0, 1000);
    int64_t tb = fake_ms ();
    for (int i = 0; i < 10; i++) {
        int64_t wait = coordinator_dispatch_pass (env.d);
        if (t2->state != COORDINATOR_TASK_QUEUED)
            break;
        fake_advance_ms (wait);
    }
    CHECK (t2->state == COORDINATOR_TASK_LEASED);
    CHECK_INT (fake_ms () - tb, 1000);
    CHECK_INT (coordinator_dispatch_counts (env.d)->requests, 3);
    s_units_per_batch = 1;
    s_env_down (&env);
}

static void
test_complete_and_close (void)
{
    s_env_t env;
    s_env_up (&env, 1, S_RATE, true);
    coordinator_task_t *a = s_batch (&env, "kr-mq-20240902-00001", codes3, 3);
    coordinator_task_t *b = s_batch (&env, "kr-mq-20240902-00002", codes3, 2);
    //  A row of a code not asked is dropped; a code with neither is missing.
    eod_msg_t *q = s_quotes ("kr-mq-20240902-00001", "nodata", NULL);
    eod_msg_set (&q->run_id, "other-run");
    s_row (q, "005930", "70000");
    s_row (q, "999999", "1");
    CHECK_INT (coordinator_batch_verdict (a, q, 3, false), COORDINATOR_QUOTES_SEND);
    CHECK_STR (q->status, "ok");
    coordinator_batch_complete (a, q);
    CHECK_STR (q->run_id, s_run_id);
    CHECK_INT (q->nrows, 1);
    CHECK_INT (q->nlist, 3);
    CHECK_STR (eod_fields_get (&q->meta, "000660"), "missing");
    CHECK_STR (eod_fields_get (&q->meta, "035720"), "missing");
    CHECK (eod_fields_get (&q->meta, "005930") == NULL);
    eod_msg_t *record = coordinator_batch_record (q);
    CHECK_INT (record->nrows, 0);
    CHECK_STR (eod_fields_get (&record->meta, "000660"), "missing");
    coordinator_batches_t *batches = coordinator_batches_new ();
    coordinator_batches_note (batches, record);
    eod_msg_destroy (&record);
    eod_msg_destroy (&q);
    //  Retryable with attempts left: retried; at the last attempt: failed.
    q = s_quotes ("kr-mq-20240902-00002", "retryable", "EGW00500");
    b->attempt = 1;
    CHECK_INT (coordinator_batch_verdict (b, q, 3, false), COORDINATOR_QUOTES_RETRY);
    b->attempt = 3;
    CHECK_INT (coordinator_batch_verdict (b, q, 3, false), COORDINATOR_QUOTES_SEND);
    CHECK_STR (q->status, "failed");
    CHECK_STR (q->msg_cd, "EGW00500");
    coordinator_batch_complete (b, q);
    coordinator_batches_note (batches, q);
    eod_msg_destroy (&q);
    CHECK_INT (coordinator_batches_size (batches), 2);

    //  The fast close: 5 codes, 1 quoted; the others listed with why, sorted.
    eod_msg_t *listed = eod_msg_new (EOD_MSG_LISTED), *done = eod_msg_new (EOD_MSG_RUN_DONE);
    CHECK_INT (coordinator_batches_summarize (batches, env.tasks, listed, done), 4);
    CHECK_INT (done->count, 5);
    CHECK_INT (done->ok, 1);
    CHECK_INT (done->failed, 4);
    CHECK_INT (done->nlist, 4);
    if (done->nlist == 4) {
        CHECK (strncmp (done->list[0], "000660 not quoted: failed EGW00500", 34) == 0);
        CHECK_STR (done->list[1], "000660 not quoted: missing");
        CHECK (strncmp (done->list[2], "005930 not quoted: failed", 25) == 0);
        CHECK_STR (done->list[3], "035720 not quoted: missing");
    }
    zchunk_t *gaps = zchunk_new (NULL, 0);
    coordinator_batches_gaps (batches, env.tasks, gaps);
    char *text = zchunk_strdup (gaps);
    CHECK (strstr (text, "kr\t035720\t2024-09-02\t2024-09-02\t035720 not quoted: missing\n") != NULL);
    CHECK (strstr (text, "005930\t2024-09-02\t2024-09-02\t005930 not quoted: failed") != NULL);
    free (text);
    zchunk_destroy (&gaps);
    eod_msg_destroy (&done);
    //  A batch whose outcome is not known counts its codes not quoted.
    coordinator_batches_forget (batches);
    done = eod_msg_new (EOD_MSG_RUN_DONE);
    CHECK_INT (coordinator_batches_summarize (batches, env.tasks, listed, done), 5);
    CHECK_INT (done->ok, 0);
    eod_msg_destroy (&done);
    eod_msg_destroy (&listed);
    coordinator_batches_destroy (&batches);
    CHECK (coordinator_batch_id ("kr-mq-20240902-00001"));
    CHECK (!coordinator_batch_id ("kr-005930-20240902-20240902"));
    s_env_down (&env);
}

int
main (void)
{
    fake_wall0 = time (NULL);
    test_flow ();
    test_settled_at_once ();
    test_units ();
    test_complete_and_close ();
    return EOD_TEST_DONE ();
}
