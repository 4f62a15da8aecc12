/*  dispatch_fixture — the harness of the coordinator dispatch's unit tests
    (test_dispatch, test_dispatch_stop): a dispatch on the fake clock and
    transport of coordinator_fakes.h, its port recording what it sends (to
    which fetcher or the writer, type, task, key, attempt, a continuation's
    BYMD), and helpers that feed it tasks, READYs, HEARTBEATs, RESULTs and
    ACKs as plain calls. Included by one test program each. */
#ifndef DISPATCH_FIXTURE_H
#define DISPATCH_FIXTURE_H

#include "coordinator_fakes.h"
#include "dispatch.h"
#include "eod_test.h"

#include <errno.h>

#define S_SENT_MAX 2048
#define S_RATE 2   //  a key's requests/s: one every 500 ms, 2 in any 1 s
#define S_T_MS 500
#define S_LEASE_MS 10000
#define S_ACK_MS 5000
#define S_HEARTBEAT_MS 1000
#define S_LIVENESS 3
#define S_UNPUBLISHED_DEADLINE_MS 60000
#define S_UNPUBLISHED_RETRY_MS 30000
#define S_UNKNOWN_STOP 3   //  [kis] unknown_code_stop
#define S_MAX_PAGES 3      //  [kis] max_pages

typedef struct {
    char to[16];   //  the fetcher, or "writer"
    eod_msg_type_t type;
    char task_id[64];
    char key_id[32];
    int attempt;
    char bymd[16];     //  a TASK's meta bymd (the next page), or ""
    char status[16];   //  a RESULT's or an END's
    size_t nrows;      //  a RESULT's rows
} s_sent_t;

static s_sent_t s_sent[S_SENT_MAX];
static int s_nsent;
static char s_vanished[16];   //  sends to this fetcher fail
static bool s_writer_down;
static int s_again_errno;   //  to_writer_again fails with it (0: succeeds)
static int s_agains;
static char s_run_id[128] = "run-1";
static int s_units_per_batch = 1;   //  [multiquote] units_per_batch of the next dispatch set up
static int s_notes;                 //  batch outcomes noted (port note)
static char s_noted[64];            //  the last one's batch id
static eod_stage_t s_stage = {.name = "coordinator"};

static inline void
s_record (const char *to, const eod_msg_t *msg)
{
    if (s_nsent >= S_SENT_MAX)
        return;
    s_sent_t *s = &s_sent[s_nsent++];
    snprintf (s->to, sizeof s->to, "%s", to);
    s->type = msg->type;
    snprintf (s->task_id, sizeof s->task_id, "%s", msg->task_id ? msg->task_id : "");
    snprintf (s->key_id, sizeof s->key_id, "%s", msg->key_id ? msg->key_id : "");
    s->attempt = (int) msg->attempt;
    const char *bymd = eod_fields_get (&msg->meta, EOD_META_BYMD);
    snprintf (s->bymd, sizeof s->bymd, "%s", bymd ? bymd : "");
    snprintf (s->status, sizeof s->status, "%s", msg->status ? msg->status : "");
    s->nrows = msg->nrows;
}

static inline int
s_to_fetcher (void *arg, zframe_t *identity, const eod_msg_t *msg)
{
    char to[16];
    snprintf (to, sizeof to, "%.*s", (int) zframe_size (identity), (char *) zframe_data (identity));
    if (strcmp (to, s_vanished) == 0)
        return -1;
    s_record (to, msg);
    return 0;
}

static inline int
s_to_writer (void *arg, const eod_msg_t *msg, char **data, size_t *len)
{
    if (s_writer_down)
        return -1;
    s_record ("writer", msg);
    if (data) {
        *data = strdup (msg->task_id);
        *len = strlen (msg->task_id);
    }
    return 0;
}

static inline int
s_to_writer_again (void *arg, const char *data, size_t len)
{
    s_agains++;
    errno = s_again_errno;
    return s_again_errno ? -1 : 0;
}

//  What was sent from index from on: how many of type to `to` (NULL: any).
static inline int
s_count (int from, const char *to, eod_msg_type_t type)
{
    int n = 0;
    for (int i = from; i < s_nsent; i++)
        n += s_sent[i].type == type && (!to || strcmp (s_sent[i].to, to) == 0);
    return n;
}

//  The last message sent, or an empty record.
static inline const s_sent_t *
s_last (void)
{
    static const s_sent_t none;
    return s_nsent ? &s_sent[s_nsent - 1] : &none;
}

static inline void
s_note (void *arg, const eod_msg_t *record)
{
    s_notes++;
    snprintf (s_noted, sizeof s_noted, "%s", record->task_id ? record->task_id : "");
}

typedef struct {
    coordinator_tokens_t *tokens;
    coordinator_tasks_t *tasks;
    coordinator_dispatch_t *d;
} s_env_t;

static inline void
s_env_up (s_env_t *env, size_t nkeys, long rate, bool secure)
{
    coordinator_tokens_conf_t tconf = {.base_url = "http://sim.test",
                                       .cache_base = "/nonexistent/test_dispatch",
                                       .refresh_s = 3600,
                                       .http = fake_http,
                                       .stage = &s_stage,
                                       .clock = &fake_clock};
    env->tokens = coordinator_tokens_new (&tconf);
    for (size_t i = 0; i < nkeys; i++) {
        char id[16];
        snprintf (id, sizeof id, "key%zu", i);
        coordinator_tokens_add (env->tokens, id, "APPKEY-TEST", "SECRET-TEST");
        coordinator_key_t *key = coordinator_tokens_key (env->tokens, i);
        coordinator_pacer_init (&key->pacer, rate, 0, 0);
        fake_answer_token ("TOKEN-ONE", fake_wall () + 86400);
        CHECK_INT (coordinator_tokens_ensure (env->tokens, key, false, false, ""), 0);
    }
    env->tasks = coordinator_tasks_new ("/nonexistent/test_dispatch");
    coordinator_dispatch_conf_t conf = {
        .max_attempts = 3,
        .heartbeat_ms = S_HEARTBEAT_MS,
        .liveness = S_LIVENESS,
        .ack_timeout_ms = S_ACK_MS,
        .lease_ms = S_LEASE_MS,
        .unpublished_deadline_ms = S_UNPUBLISHED_DEADLINE_MS,
        .unpublished_retry_ms = S_UNPUBLISHED_RETRY_MS,
        .unknown_stop = S_UNKNOWN_STOP,
        .max_pages = S_MAX_PAGES,
        .units_per_batch = s_units_per_batch,
        .run_id = s_run_id,
        .stage = &s_stage,
        .clock = &fake_clock,
        .port = {NULL, s_to_fetcher, s_to_writer, s_to_writer_again, secure, s_note},
    };
    env->d = coordinator_dispatch_new (&conf, env->tokens, env->tasks);
    CHECK (env->tokens && env->tasks && env->d);
    coordinator_dispatch_counts (env->d)->started_ms = fake_ms ();
    s_nsent = 0;
    s_notes = 0;
}

static inline void
s_env_down (s_env_t *env)
{
    coordinator_dispatch_destroy (&env->d);
    coordinator_tasks_destroy (&env->tasks);
    coordinator_tokens_destroy (&env->tokens);
    fake_answers_clear ();
}

//  A daily task of 2024-09-02 of market in the run run_id.
static inline coordinator_task_t *
s_task_of (s_env_t *env, const char *task_id, const char *run_id, const char *market)
{
    eod_msg_t *m = eod_msg_new (EOD_MSG_TASK);
    eod_msg_set (&m->run_id, run_id);
    eod_msg_set (&m->task_id, task_id);
    eod_msg_set (&m->market, market);
    eod_msg_set (&m->mode, "daily");
    eod_msg_set (&m->code, task_id);
    eod_msg_set (&m->date_from, "2024-09-02");
    eod_msg_set (&m->date_to, "2024-09-02");
    coordinator_task_t *t = coordinator_tasks_add (env->tasks, m, NULL, -1);
    eod_msg_destroy (&m);
    return t;
}

//  A daily KR task of 2024-09-02 in the run s_run_id.
static inline coordinator_task_t *
s_task (s_env_t *env, const char *task_id)
{
    return s_task_of (env, task_id, s_run_id, "kr");
}

//  A message from fetcher id: READY or HEARTBEAT with count and sent_us.
static inline void
s_from (s_env_t *env, const char *id, eod_msg_type_t type, int64_t count, int64_t sent_us)
{
    zframe_t *identity = zframe_new (id, strlen (id));
    eod_msg_t *m = eod_msg_new (type);
    eod_msg_set (&m->worker, id);
    m->count = count;
    m->sent_us = sent_us;
    coordinator_dispatch_on_fetcher (env->d, identity, m);
    eod_msg_destroy (&m);
    zframe_destroy (&identity);
}

//  A RESULT m (the caller's, filled in) from fetcher id, counted as a READY.
static inline void
s_result_msg (s_env_t *env, const char *id, eod_msg_t *m)
{
    zframe_t *identity = zframe_new (id, strlen (id));
    eod_msg_set (&m->run_id, s_run_id);
    m->count = 1;
    coordinator_dispatch_on_fetcher (env->d, identity, m);
    zframe_destroy (&identity);
}

//  A RESULT of task_id from fetcher id (count 1: it stands for a READY).
static inline void
s_result (s_env_t *env, const char *id, const char *task_id, const char *status, const char *msg_cd, int64_t sent_us)
{
    zframe_t *identity = zframe_new (id, strlen (id));
    eod_msg_t *m = eod_msg_new (EOD_MSG_RESULT);
    eod_msg_set (&m->run_id, s_run_id);
    eod_msg_set (&m->task_id, task_id);
    eod_msg_set (&m->market, "kr");
    eod_msg_set (&m->code, task_id);
    eod_msg_set (&m->status, status);
    eod_msg_set (&m->msg_cd, msg_cd);
    eod_msg_set (&m->error, msg_cd ? "canned" : NULL);
    m->count = 1;
    m->sent_us = sent_us;
    coordinator_dispatch_on_fetcher (env->d, identity, m);
    eod_msg_destroy (&m);
    zframe_destroy (&identity);
}

static inline bool
s_ack (s_env_t *env, const char *task_id)
{
    eod_msg_t *m = eod_msg_new (EOD_MSG_ACK);
    eod_msg_set (&m->run_id, s_run_id);
    eod_msg_set (&m->task_id, task_id);
    bool settled = coordinator_dispatch_on_ack (env->d, m);
    eod_msg_destroy (&m);
    return settled;
}

#endif
