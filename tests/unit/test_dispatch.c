/*  test_dispatch — the coordinator's dispatch and leases
    (stages/coordinator/dispatch.c), fed READYs, HEARTBEATs, RESULTs, ACKs
    and clock ticks as plain calls, with what it sends recorded: a TASK only
    to a fetcher with credit (the least recently heard of first), CREDS
    before a fetcher's first TASK and after a token changes, the pace of the
    key, a hold, the writer's bound; RESULTs sent on to the writer and kept
    until its ACK, retries with their backoff up to the attempts allowed,
    no data and unknown symbols settled, EGW00201 pausing the key, a rejected
    token replaced, unpublished sessions asked again until the deadline;
    leases expiring, fetchers reaped with their leases requeued, a vanished
    fetcher's task kept, late and duplicate RESULTs ignored, heartbeats,
    requests that left late reported to the pacer. */
#include "dispatch_fixture.h"

//  Which task goes to which fetcher, when: credit, CREDS, the key's pace.
static void
test_pace (void)
{
    s_env_t env;
    s_env_up (&env, 1, S_RATE, true);
    coordinator_counts_t *counts = coordinator_dispatch_counts (env.d);
    coordinator_task_t *t1 = s_task (&env, "T1");
    s_task (&env, "T2");
    s_task (&env, "T3");
    //  Tasks but no fetcher: nothing goes.
    CHECK_INT (coordinator_dispatch_pass (env.d), COORDINATOR_POLL_MAX_MS);
    CHECK_INT (s_nsent, 0);
    //  A's READY: its CREDS, then T1.
    s_from (&env, "A", EOD_MSG_READY, 1, 0);
    CHECK_INT (coordinator_dispatch_pass (env.d), COORDINATOR_POLL_MAX_MS);
    CHECK_INT (s_nsent, 2);
    CHECK (s_sent[0].type == EOD_MSG_CREDS && strcmp (s_sent[0].to, "A") == 0);
    CHECK (s_sent[1].type == EOD_MSG_TASK && strcmp (s_sent[1].to, "A") == 0);
    CHECK_STR (s_sent[1].task_id, "T1");
    CHECK_STR (s_sent[1].key_id, "key0");
    CHECK_INT (s_sent[1].attempt, 1);
    CHECK (t1->state == COORDINATOR_TASK_LEASED);
    CHECK_INT (t1->deadline_ms, fake_ms () + S_LEASE_MS);
    CHECK_INT (counts->requests, 1);
    //  B's READY for two: the key's pace holds T2 back, to half a spacing
    //  after T1 (the key was idle), then T3 to a whole second after T1.
    fake_advance_ms (100);
    s_from (&env, "B", EOD_MSG_READY, 2, 0);
    int64_t wait = coordinator_dispatch_pass (env.d);
    CHECK_INT (wait, S_T_MS / 2 - 100);
    CHECK_INT (s_nsent, 2);
    fake_advance_ms (wait);
    wait = coordinator_dispatch_pass (env.d);
    CHECK_INT (wait, 1000 - S_T_MS / 2);
    CHECK_INT (s_count (2, "B", EOD_MSG_CREDS), 1);
    CHECK (s_last ()->type == EOD_MSG_TASK && strcmp (s_last ()->to, "B") == 0);
    CHECK_STR (s_last ()->task_id, "T2");
    //  A RESULT stands for a READY: A has credit again and, heard of before
    //  B, it is served first.
    s_result (&env, "A", "T1", "ok", NULL, 0);
    CHECK (t1->state == COORDINATOR_TASK_WRITING);
    CHECK (s_last ()->type == EOD_MSG_RESULT && strcmp (s_last ()->to, "writer") == 0);
    CHECK_STR (s_last ()->task_id, "T1");
    fake_advance_ms (1);
    s_from (&env, "B", EOD_MSG_HEARTBEAT, 0, 0);
    fake_advance_ms (wait - 1);
    int from = s_nsent;
    coordinator_dispatch_pass (env.d);
    CHECK_INT (s_count (from, "A", EOD_MSG_TASK), 1);
    CHECK_STR (s_last ()->task_id, "T3");
    CHECK_INT (s_count (from, "A", EOD_MSG_CREDS), 0);   //  A holds the key's CREDS
    CHECK_INT (counts->requests, 3);
    //  The writer's ACK settles T1.
    CHECK (s_ack (&env, "T1"));
    CHECK (t1->state == COORDINATOR_TASK_DONE && t1->kind == COORDINATOR_KIND_OK);
    CHECK (!s_ack (&env, "T1"));
    CHECK_INT (counts->acks, 2);
    s_env_down (&env);
}

//  What becomes of a RESULT: retries and their backoff, failure, no data,
//  unknown symbols; late and duplicate ones. A key without a log: its pace
//  lets a task go each millisecond.
static void
test_results (void)
{
    s_env_t env;
    s_env_up (&env, 1, COORDINATOR_PACER_LOG_MAX + 1, true);
    coordinator_counts_t *counts = coordinator_dispatch_counts (env.d);
    coordinator_task_t *t2 = s_task (&env, "T2");
    s_from (&env, "B", EOD_MSG_READY, 1, 0);
    coordinator_dispatch_pass (env.d);
    CHECK (t2->state == COORDINATOR_TASK_LEASED);
    //  Retryable: again after 200 ms, then 400 ms, then failed.
    s_result (&env, "B", "T2", "retryable", "EGW00001", 0);
    CHECK (t2->state == COORDINATOR_TASK_QUEUED);
    CHECK_INT (t2->not_before_ms, fake_ms () + 200);
    CHECK_INT (counts->retries, 1);
    fake_advance_ms (199);
    coordinator_dispatch_pass (env.d);
    CHECK (t2->state == COORDINATOR_TASK_QUEUED);
    fake_advance_ms (1);
    coordinator_dispatch_pass (env.d);
    CHECK (t2->state == COORDINATOR_TASK_LEASED);
    CHECK_INT (s_last ()->attempt, 2);
    s_result (&env, "B", "T2", "retryable", "EGW00001", 0);
    CHECK_INT (t2->not_before_ms, fake_ms () + 400);
    fake_advance_ms (400);
    coordinator_dispatch_pass (env.d);
    CHECK_INT (s_last ()->attempt, 3);
    s_result (&env, "B", "T2", "retryable", "EGW00001", 0);
    CHECK (t2->state == COORDINATOR_TASK_FAILED && t2->kind == COORDINATOR_KIND_FAILED);
    CHECK_STR (t2->outcome, "T2 retryable after 3 attempt(s): EGW00001 canned");
    CHECK_INT (counts->retries, 2);
    //  No data and unknown symbols are settled as they are.
    coordinator_task_t *t3 = s_task (&env, "T3"), *t4 = s_task (&env, "T4");
    fake_advance_ms (1);
    coordinator_dispatch_pass (env.d);
    s_result (&env, "B", "T3", "nodata", NULL, 0);
    CHECK (t3->state == COORDINATOR_TASK_DONE && t3->kind == COORDINATOR_KIND_NODATA);
    CHECK_STR (t3->outcome, "T3 no data");
    fake_advance_ms (1);
    coordinator_dispatch_pass (env.d);
    s_result (&env, "B", "T4", "unknown", NULL, 0);
    CHECK (t4->state == COORDINATOR_TASK_DONE && t4->kind == COORDINATOR_KIND_UNKNOWN);
    //  Late or duplicate RESULTs change nothing; nor does what a fetcher
    //  has no business sending.
    int from = s_nsent;
    s_result (&env, "B", "T4", "ok", NULL, 0);
    s_result (&env, "B", "T9", "ok", NULL, 0);
    s_from (&env, "B", EOD_MSG_ACK, 0, 0);
    CHECK (t4->state == COORDINATOR_TASK_DONE && t4->kind == COORDINATOR_KIND_UNKNOWN);
    CHECK_INT (s_nsent, from);
    CHECK_INT (coordinator_tasks_unsettled (env.tasks), 0);
    s_env_down (&env);
}

//  The key's answers: EGW00201, a rejected token, unpublished sessions.
static void
test_key_codes (void)
{
    s_env_t env;
    s_env_up (&env, 1, S_RATE, true);
    coordinator_counts_t *counts = coordinator_dispatch_counts (env.d);
    coordinator_key_t *key = coordinator_tokens_key (env.tokens, 0);
    coordinator_task_t *t1 = s_task (&env, "T1");
    s_from (&env, "A", EOD_MSG_READY, 4, 0);
    coordinator_dispatch_pass (env.d);
    s_result (&env, "A", "T1", "retryable", "EGW00201", 0);
    CHECK_INT (counts->rate_limited, 1);
    CHECK_INT (key->rate_limited, 1);
    CHECK_INT (key->paused_until_ms, fake_ms () + 1000);
    CHECK_INT (coordinator_dispatch_pass (env.d), 1000);   //  the pause, past the backoff
    fake_advance_ms (1000);
    coordinator_dispatch_pass (env.d);
    CHECK (t1->state == COORDINATOR_TASK_LEASED);
    //  The token rejected, a minute after it was issued: a new one, new
    //  CREDS with the next TASK.
    fake_advance_ms (61 * 1000);
    fake_answer_token ("TOKEN-TWO", fake_wall () + 86400);
    s_result (&env, "A", "T1", "retryable", "EGW00123", 0);
    CHECK_STR (key->token, "TOKEN-TWO");
    CHECK_INT (key->generation, 2);
    int from = s_nsent;
    fake_advance_ms (1000);
    coordinator_dispatch_pass (env.d);
    CHECK_INT (s_count (from, "A", EOD_MSG_CREDS), 1);
    CHECK_INT (s_count (from, "A", EOD_MSG_TASK), 1);
    //  Rejected again, but the token it went with is the new one: this time
    //  the key pauses for the rest of the minute, and its task waits.
    fake_advance_ms (1000);
    s_result (&env, "A", "T1", "failed", "EGW00121", 0);
    CHECK (key->token == NULL);
    CHECK_INT (key->paused_until_ms, fake_ms () + 59 * 1000);
    CHECK (t1->state == COORDINATOR_TASK_FAILED);   //  failed is not retried
    //  Unpublished (US): asked again later without spending attempts, until
    //  the deadline from the run's start; then reported missing.
    coordinator_task_t *t2 = s_task_of (&env, "T2", "run-us", "us");
    fake_advance_ms (59 * 1000);
    fake_answer_token ("TOKEN-THREE", fake_wall () + 86400);
    coordinator_dispatch_pass (env.d);
    CHECK (t2->state == COORDINATOR_TASK_LEASED && t2->attempt == 1);
    counts->started_ms = fake_ms ();
    s_result (&env, "A", "T2", "retryable", EOD_UNPUBLISHED, 0);
    CHECK (t2->state == COORDINATOR_TASK_QUEUED && t2->attempt == 0);
    CHECK_INT (t2->not_before_ms, fake_ms () + S_UNPUBLISHED_RETRY_MS);
    fake_advance_ms (S_UNPUBLISHED_DEADLINE_MS);
    coordinator_dispatch_pass (env.d);
    s_result (&env, "A", "T2", "retryable", EOD_UNPUBLISHED, 0);
    CHECK (t2->state == COORDINATOR_TASK_DONE && t2->kind == COORDINATOR_KIND_UNPUBLISHED);
    CHECK_STR (t2->outcome, "T2 session not published by the deadline");
    //  A KR code without a row for the session did not trade: not asked
    //  again, reported missing at once; both go to the gaps.
    coordinator_task_t *t3 = s_task (&env, "T3");
    fake_advance_ms (S_UNPUBLISHED_RETRY_MS);
    coordinator_dispatch_pass (env.d);
    CHECK (t3->state == COORDINATOR_TASK_LEASED);
    counts->started_ms = fake_ms ();
    s_result (&env, "A", "T3", "retryable", EOD_UNPUBLISHED, 0);
    CHECK (t3->state == COORDINATOR_TASK_DONE && t3->kind == COORDINATOR_KIND_UNPUBLISHED);
    CHECK_STR (t3->outcome, "T3 no row for the session");
    zchunk_t *gaps = coordinator_tasks_gaps (env.tasks);
    char *text = gaps ? zchunk_strdup (gaps) : NULL;
    CHECK (text && strstr (text, "us\tT2\t2024-09-02\t2024-09-02\tT2 session not published") != NULL);
    CHECK (text && strstr (text, "kr\tT3\t2024-09-02\t2024-09-02\tT3 no row for the session") != NULL);
    free (text);
    zchunk_destroy (&gaps);
    s_env_down (&env);
}

//  Leases and writes past their deadlines, dead and vanished fetchers,
//  heartbeats, holds.
static void
test_leases (void)
{
    s_env_t env;
    s_env_up (&env, 1, S_RATE, true);
    coordinator_task_t *t1 = s_task (&env, "T1"), *t2 = s_task (&env, "T2");
    coordinator_dispatch_hold (env.d, fake_ms () + 700);
    s_from (&env, "A", EOD_MSG_READY, 1, 0);
    CHECK_INT (coordinator_dispatch_pass (env.d), 700);
    CHECK_INT (s_nsent, 0);
    fake_advance_ms (700);
    coordinator_dispatch_pass (env.d);
    CHECK (t1->state == COORDINATOR_TASK_LEASED);
    //  No RESULT within the lease (A keeps its heartbeats): leased again.
    for (int i = 0; i < S_LEASE_MS / S_HEARTBEAT_MS; i++) {
        fake_advance_ms (S_HEARTBEAT_MS);
        s_from (&env, "A", EOD_MSG_HEARTBEAT, 0, 0);
        coordinator_dispatch_housekeeping (env.d, true);
    }
    CHECK (t1->state == COORDINATOR_TASK_LEASED);
    CHECK_INT (s_count (0, "A", EOD_MSG_HEARTBEAT), S_LEASE_MS / S_HEARTBEAT_MS);
    fake_advance_ms (S_HEARTBEAT_MS);
    s_from (&env, "A", EOD_MSG_HEARTBEAT, 0, 0);
    coordinator_dispatch_housekeeping (env.d, false);   //  no heartbeats this time
    CHECK (t1->state == COORDINATOR_TASK_QUEUED);
    CHECK_INT (s_count (0, "A", EOD_MSG_HEARTBEAT), S_LEASE_MS / S_HEARTBEAT_MS);
    //  A fetcher met by its heartbeat, idle: its credit back. Vanished when
    //  sent its TASK, it is forgotten and the task goes to the next.
    s_from (&env, "C", EOD_MSG_HEARTBEAT, 1, 0);
    fake_advance_ms (1);
    s_from (&env, "B", EOD_MSG_READY, 1, 0);
    snprintf (s_vanished, sizeof s_vanished, "C");
    fake_advance_ms (coordinator_dispatch_pass (env.d));
    s_vanished[0] = '\0';
    CHECK (t2->state == COORDINATOR_TASK_QUEUED);   //  the first in the queue: T1 was queued again after it
    CHECK_INT (t2->attempt, 0);
    CHECK_INT (coordinator_workers_size (coordinator_dispatch_workers (env.d)), 2);
    coordinator_dispatch_pass (env.d);
    CHECK (t2->state == COORDINATOR_TASK_LEASED);
    CHECK_STR (s_last ()->to, "B");
    CHECK_STR (s_last ()->task_id, "T2");
    CHECK_INT (t2->attempt, 1);
    //  B dies: once it missed liveness heartbeats, its lease goes back.
    s_from (&env, "B", EOD_MSG_HEARTBEAT, 0, 0);
    fake_advance_ms (S_HEARTBEAT_MS * S_LIVENESS);
    s_from (&env, "A", EOD_MSG_HEARTBEAT, 0, 0);
    coordinator_dispatch_housekeeping (env.d, true);
    CHECK_INT (coordinator_workers_size (coordinator_dispatch_workers (env.d)), 2);
    fake_advance_ms (1);
    s_from (&env, "A", EOD_MSG_HEARTBEAT, 0, 0);
    coordinator_dispatch_housekeeping (env.d, true);
    CHECK_INT (coordinator_workers_size (coordinator_dispatch_workers (env.d)), 1);
    CHECK (t2->state == COORDINATOR_TASK_QUEUED);
    //  Rows the writer did not acknowledge in time: sent to it again, kept
    //  waiting while its queue is full, fetched again when the send fails.
    s_from (&env, "A", EOD_MSG_READY, 2, 0);
    for (int i = 0; i < 4 && coordinator_tasks_queued (env.tasks); i++)
        fake_advance_ms (coordinator_dispatch_pass (env.d));
    CHECK (t1->state == COORDINATOR_TASK_LEASED && t2->state == COORDINATOR_TASK_LEASED);
    s_result (&env, "A", "T1", "ok", NULL, 0);
    s_result (&env, "A", "T2", "ok", NULL, 0);
    CHECK (t1->state == COORDINATOR_TASK_WRITING && t2->state == COORDINATOR_TASK_WRITING);
    fake_advance_ms (S_ACK_MS + 1);
    s_from (&env, "A", EOD_MSG_HEARTBEAT, 0, 0);
    coordinator_dispatch_housekeeping (env.d, false);
    CHECK_INT (s_agains, 2);
    CHECK_INT (t1->deadline_ms, fake_ms () + S_ACK_MS);
    s_again_errno = EAGAIN;
    fake_advance_ms (S_ACK_MS + 1);
    s_from (&env, "A", EOD_MSG_HEARTBEAT, 0, 0);
    coordinator_dispatch_housekeeping (env.d, false);
    CHECK_INT (s_agains, 4);
    CHECK (t1->state == COORDINATOR_TASK_WRITING);
    s_again_errno = EPIPE;
    fake_advance_ms (S_ACK_MS + 1);
    s_from (&env, "A", EOD_MSG_HEARTBEAT, 0, 0);
    coordinator_dispatch_housekeeping (env.d, false);
    CHECK (t1->state == COORDINATOR_TASK_QUEUED && t2->state == COORDINATOR_TASK_QUEUED);
    CHECK_INT (coordinator_tasks_writing (env.tasks), 0);
    s_again_errno = 0;
    //  A writer that takes nothing: the task goes back to the queue.
    s_writer_down = true;
    coordinator_task_t *sent = NULL;
    for (int i = 0; i < 4 && !sent; i++) {
        int from = s_nsent;
        int64_t wait = coordinator_dispatch_pass (env.d);
        if (s_count (from, "A", EOD_MSG_TASK))
            sent = coordinator_tasks_find (env.tasks, s_last ()->task_id);
        else
            fake_advance_ms (wait);
    }
    coordinator_task_t *other = sent == t1 ? t2 : t1;
    CHECK (sent && sent->state == COORDINATOR_TASK_LEASED);
    s_result (&env, "A", s_last ()->task_id, "ok", NULL, 0);
    s_writer_down = false;
    CHECK (sent && sent->state == COORDINATOR_TASK_QUEUED);
    //  A queued task's rows from an earlier lease are as good as new.
    CHECK (other->state == COORDINATOR_TASK_QUEUED);
    s_result (&env, "A", coordinator_task_id (other), "ok", NULL, 0);
    CHECK (other->state == COORDINATOR_TASK_WRITING);
    //  The END goes to every fetcher.
    eod_msg_t *end = eod_msg_new (EOD_MSG_END);
    int from = s_nsent;
    coordinator_dispatch_broadcast (env.d, end);
    CHECK_INT (s_count (from, NULL, EOD_MSG_END), 1);
    eod_msg_destroy (&end);
    s_env_down (&env);
}

//  Two keys in turn; requests that left late; the writer's bound; CREDS
//  never in clear text.
static void
test_keys_and_bounds (void)
{
    s_env_t env;
    s_env_up (&env, 2, S_RATE, false);
    for (int i = 0; i < 4; i++) {
        char id[8];
        snprintf (id, sizeof id, "T%d", i);
        s_task (&env, id);
    }
    //  A's clock is 5 s ahead; the way here is 1 ms.
    int64_t ahead = INT64_C (5000000);
    s_from (&env, "A", EOD_MSG_READY, 4, fake_now_us () + ahead - 1000);
    coordinator_dispatch_pass (env.d);
    CHECK_INT (s_nsent, 2);   //  both keys due: two TASKs, and no CREDS
    CHECK_INT (s_count (0, NULL, EOD_MSG_CREDS), 0);
    CHECK_STR (s_sent[0].key_id, "key0");
    CHECK_STR (s_sent[1].key_id, "key1");
    //  T0 left 30 ms after its dispatch: key0's pacer hears of it.
    coordinator_task_t *t0 = coordinator_tasks_find (env.tasks, "T0");
    coordinator_key_t *key0 = coordinator_tokens_key (env.tokens, 0);
    fake_advance_ms (50);
    s_result (&env, "A", "T0", "nodata", NULL, t0->dispatched_us + ahead + 30000);
    CHECK_INT (key0->pacer.late_since, 1);
    CHECK_INT (coordinator_workers_first (coordinator_dispatch_workers (env.d))->late, 1);
    s_env_down (&env);

    //  A pace without a log (a high rate): dispatch stops at the writer's bound.
    s_env_up (&env, 1, COORDINATOR_PACER_LOG_MAX + 1, true);
    enum {
        S_MANY = COORDINATOR_WRITING_MAX + 8
    };
    for (int i = 0; i < S_MANY; i++) {
        char id[16];
        snprintf (id, sizeof id, "M%d", i);
        s_task (&env, id);
    }
    s_from (&env, "A", EOD_MSG_READY, S_MANY, 0);
    int64_t wait = 0;
    for (int i = 0; i < 2 * S_MANY && wait != 5; i++) {
        fake_advance_ms (1);
        int from = s_nsent;
        wait = coordinator_dispatch_pass (env.d);
        for (int j = from; j < s_nsent; j++)
            if (s_sent[j].type == EOD_MSG_TASK) {
                char task_id[64];
                snprintf (task_id, sizeof task_id, "%s", s_sent[j].task_id);
                s_result (&env, "A", task_id, "ok", NULL, 0);
            }
    }
    CHECK_INT (wait, 5);
    CHECK_INT (coordinator_tasks_writing (env.tasks), COORDINATOR_WRITING_MAX);
    CHECK_INT (s_count (0, "A", EOD_MSG_TASK), COORDINATOR_WRITING_MAX);
    CHECK (s_ack (&env, "M0"));
    fake_advance_ms (1);
    coordinator_dispatch_pass (env.d);
    CHECK_INT (s_count (0, "A", EOD_MSG_TASK), COORDINATOR_WRITING_MAX + 1);
    s_env_down (&env);
}

int
main (void)
{
    fake_wall0 = time (NULL);
    test_pace ();
    test_results ();
    test_key_codes ();
    test_leases ();
    test_keys_and_bounds ();
    return EOD_TEST_DONE ();
}
