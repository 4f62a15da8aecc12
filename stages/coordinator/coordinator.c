/*  coordinator — see coordinator.h. */
#include "coordinator.h"
#include "batches.h"
#include "dispatch.h"
#include "eod_log.h"
#include "eod_util.h"
#include "ledger.h"
#include "service.h"
#include "tasks.h"
#include "tokens.h"

#include <errno.h>
#include <string.h>

#define S_LIVE_RATE 20                         //  KIS: requests/s per key on the real host
#define S_MOCK_RATE 2                          //  and on its mock (test_app)
#define S_ENDING_GRACE_MS 300                  //  let the last messages leave before exit
#define S_INPUT_BATCH 1000                     //  input messages taken per loop pass
#define S_FETCHER_BATCH 64                     //  fetcher messages taken per loop pass
#define S_PROGRESS_MS 2000                     //  how often a progress line is logged during a run
#define S_STATS_MS 1000                        //  how often counters are published on the trace PUB
#define S_RECONCILE_WAIT_MS 1000               //  a resumed run waits this long for the writer's ACKs
#define S_INPUT_HWM 200                        //  listing messages buffered here; the lister waits beyond
#define S_WRITER_HWM COORDINATOR_WRITING_MAX   //  so a send to the writer never blocks
#define S_EXIT_INCOMPLETE 5                    //  the run's session was not (fully) published: run again later
#define S_RUN_ID_MAX 128
#define S_LEDGER_NAME_MAX 256   //  a ledger's file name, as readdir gives it
#define S_PATH_MAX 1024

struct _coordinator_t {
    eod_stage_t *stage;
    bool once;
    zsock_t *input;      //  PULL: lister and writer
    zsock_t *fetchers;   //  ROUTER
    zsock_t *writer;     //  PUSH
    zsock_t *service;    //  REP: HOLIDAY_ASK of the calendar gate, LISTING_ASK of the lister
    zpoller_t *poller;
    coordinator_tokens_t *tokens;
    coordinator_tasks_t *tasks;
    coordinator_batches_t *batches;   //  the outcome of each batch (a fast close's codes)
    coordinator_dispatch_t *dispatch;
    coordinator_counts_t *counts;   //  the dispatch's
    coordinator_service_t *replies;
    char state_dir[S_PATH_MAX];
    long budget;   //  requests/s of a key
    //  The run
    eod_msg_t *listed;   //  LISTED, once received
    eod_msg_t *end;      //  END from the lister, once received
    bool listing_live;   //  the lister lists this run now (its TASK or LISTED came)
    bool end_live;       //  and its END has come: till then a ledger's END settles nothing
    char run_id[S_RUN_ID_MAX];
    bool done_sent;
    int64_t last_progress_ms;
    int64_t last_stats_ms;
    int64_t created_ms;
    long stats_requests;   //  requests at the last stats
    //  The ledger: a restarted coordinator, or the same run started again,
    //  replays it and asks only for what is missing (ledger.h).
    char ledger_dir[S_PATH_MAX + 76];
    coordinator_ledger_t *ledger;
    bool replaying;         //  records come from the ledger: do not append them again
    bool finished_before;   //  the ledger holds a RUN_DONE
    bool incomplete;        //  the last run's session was not (fully) published: exit 5
};

//  ---------------------------------------------------------------- port

static int
s_to_fetcher (void *arg, zframe_t *identity, const eod_msg_t *msg)
{
    coordinator_t *self = arg;
    return eod_stage_send (self->stage, self->fetchers, identity, msg);
}

static int
s_to_writer (void *arg, const eod_msg_t *msg, char **data, size_t *len)
{
    coordinator_t *self = arg;
    return eod_stage_send_keep (self->stage, self->writer, NULL, msg, data, len);
}

static int
s_to_writer_again (void *arg, const char *data, size_t len)
{
    coordinator_t *self = arg;
    return eod_stage_send_again (self->stage, self->writer, NULL, data, len);
}

//  ---------------------------------------------------------------- set-up

static int
s_add_key (coordinator_t *self, const char *section)
{
    if (coordinator_tokens_size (self->tokens) >= COORDINATOR_KEYS_MAX) {
        eod_log_error ("config: more than %d app keys", COORDINATOR_KEYS_MAX);
        return -1;
    }
    const eod_config_t *cfg = self->stage->config;
    const char *key = NULL, *secret = NULL;
    if (strcmp (section, "live_app") == 0 || strcmp (section, "test_app") == 0) {
        char name[64];
        snprintf (name, sizeof name, "%s:key", section);
        key = eod_config_str (cfg, name);
        snprintf (name, sizeof name, "%s:secret_key", section);
        secret = eod_config_str (cfg, name);
    }
    else {
        key = eod_config_raw (cfg, section, "key");
        secret = eod_config_raw (cfg, section, "secret_key");
    }
    if (!key || !*key || !secret || !*secret) {
        eod_log_error ("%s: [%s] needs key and secret_key (or the environment variables)", eod_config_path (cfg),
                       section);
        return -1;
    }
    eod_log_secret (key);
    eod_log_secret (secret);
    return coordinator_tokens_add (self->tokens, section, key, secret);
}

//  The app keys of the config: the environment's ([kis] env), then those
//  [kis] keys names, each with the pacer of its budget.
static int
s_add_keys (coordinator_t *self, bool live)
{
    const eod_config_t *cfg = self->stage->config;
    if (s_add_key (self, live ? "live_app" : "test_app"))
        return -1;
    const char *more = eod_config_str (cfg, "kis:keys");
    while (*more) {
        size_t n = strcspn (more, ",");
        char section[64];
        snprintf (section, sizeof section, "%.*s", (int) n, more);
        eod_trim (section);
        for (char *p = section; *p; p++)
            *p = (char) (*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        if (*section && s_add_key (self, section))
            return -1;
        more += n + (more[n] == ',');
    }
    long rate = (long) eod_config_int (cfg, "kis:rate");
    if (rate == 0)
        rate = live ? S_LIVE_RATE : S_MOCK_RATE;
    long jitter_ms = (long) eod_config_int (cfg, "kis:jitter_ms");
    long margin_ms = (long) eod_config_int (cfg, "kis:margin_ms");
    for (size_t i = 0; i < coordinator_tokens_size (self->tokens); i++)
        if (coordinator_pacer_init (&coordinator_tokens_key (self->tokens, i)->pacer, rate, jitter_ms, margin_ms))
            return -1;
    self->budget = rate;
    return 0;
}

static void s_listing (const char *run_id, coordinator_listing_t *out, void *arg);

//  A batch's outcome, in the ledger and on disk before its QUOTES goes to
//  the writer: a resumed fast close counts its codes from it.
static void
s_note (void *arg, const eod_msg_t *record)
{
    coordinator_t *self = arg;
    coordinator_ledger_append (self->ledger, record);
    coordinator_ledger_sync (self->ledger, true, eod_clock_ms ());
    coordinator_batches_note (self->batches, record);
}

//  [kis] insecure, said at start and at every run of a service, so every
//  run's log has it.
static void
s_warn_insecure (const coordinator_t *self)
{
    if (eod_config_bool (self->stage->config, "kis:insecure"))
        eod_log_warn ("[kis] insecure is set: TLS certificates of the API host (tokens, chk-holiday) are not "
                      "verified (never in production)");
}

//  The modules that take the sockets' messages.
static int
s_wire (coordinator_t *self)
{
    const eod_config_t *cfg = self->stage->config;
    int64_t heartbeat_ms = eod_config_int (cfg, "pipeline:heartbeat_ms");
    int64_t liveness = eod_config_int (cfg, "pipeline:liveness");
    coordinator_dispatch_conf_t conf = {
        .max_attempts = (int) eod_config_int (cfg, "kis:max_attempts"),
        .heartbeat_ms = heartbeat_ms,
        .liveness = liveness,
        .ack_timeout_ms = eod_config_int (cfg, "pipeline:ack_timeout_ms"),
        .lease_ms = heartbeat_ms * liveness + eod_config_int (cfg, "kis:timeout_ms"),
        .jitter_ms = (long) eod_config_int (cfg, "kis:jitter_ms"),
        .unpublished_deadline_ms = eod_config_int (cfg, "us:unpublished_deadline_s") * 1000,
        .unpublished_retry_ms = eod_config_int (cfg, "us:unpublished_retry_s") * 1000,
        .unknown_stop = (long) eod_config_int (cfg, "kis:unknown_code_stop"),
        .max_pages = (int) eod_config_int (cfg, "kis:max_pages"),
        .units_per_batch = (int) eod_config_int (cfg, "multiquote:units_per_batch"),
        .run_id = self->run_id,
        .stage = self->stage,
        .port = {self, s_to_fetcher, s_to_writer, s_to_writer_again, eod_socket_secure (self->fetchers), s_note},
    };
    self->dispatch = coordinator_dispatch_new (&conf, self->tokens, self->tasks);
    if (!self->dispatch)
        return -1;
    self->counts = coordinator_dispatch_counts (self->dispatch);
    self->counts->started_ms = eod_clock_ms ();
    coordinator_service_conf_t service = {
        .state_dir = self->state_dir,
        .tokens = self->tokens,
        .run_id = self->run_id,
        .listing = s_listing,
        .listing_arg = self,
    };
    self->replies = coordinator_service_new (&service);
    return self->replies ? 0 : -1;
}

coordinator_t *
coordinator_new (eod_stage_t *stage, bool once)
{
    coordinator_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->stage = stage;
    self->once = once;
    self->created_ms = eod_clock_ms ();
    const eod_config_t *cfg = stage->config;
    bool live = strcmp (eod_config_str (cfg, "kis:env"), "live") == 0;
    char cache[S_PATH_MAX];
    eod_config_path_value (cfg, "kis:token_cache", cache, sizeof cache);
    const char *ca = eod_config_str (cfg, "kis:ca_file");
    coordinator_tokens_conf_t tokens = {
        .base_url = eod_config_str (cfg, live ? "kis:live_url" : "kis:test_url"),
        .cache_base = cache,
        .refresh_s = (long) eod_config_int (cfg, "kis:token_refresh_s"),
        .timeout_ms = (long) eod_config_int (cfg, "kis:timeout_ms"),
        .insecure = eod_config_bool (cfg, "kis:insecure"),
        .ca_file = *ca ? ca : NULL,
        //  Tokens and chk-holiday, a few requests a day, go through eod-http:
        //  the coordinator, which holds the budget, the leases and the ledger,
        //  loads no HTTP client, TLS or their libraries (about 5 MiB resident).
        .http = eod_http_child_perform,
        .stage = stage,
    };
    s_warn_insecure (self);
    self->tokens = coordinator_tokens_new (&tokens);
    if (!self->tokens || s_add_keys (self, live))
        goto fail;
    coordinator_key_t *first = coordinator_tokens_key (self->tokens, 0);
    eod_log_info ("%zu app key(s), %ld requests/s each: at most %ld in any %ld ms, one every %.2f ms",
                  coordinator_tokens_size (self->tokens), self->budget, self->budget,
                  (long) (first->pacer.window_us / 1000), (double) first->pacer.interval_us / 1000.0);
    eod_config_path_value (cfg, "pipeline:state_dir", self->state_dir, sizeof self->state_dir);
    snprintf (self->ledger_dir, sizeof self->ledger_dir, "%s/coordinator", self->state_dir);
    self->tasks = coordinator_tasks_new (self->ledger_dir);
    self->batches = coordinator_batches_new ();
    //  Both queues are bounded, so a 10,000-code listing or a slow writer
    //  does not pile up here: the lister waits on its send, and dispatch
    //  waits while the writer's queue is full (dispatch.h).
    self->input = eod_stage_socket_hwm (stage, ZMQ_PULL, "endpoints:coordinator", true, S_INPUT_HWM);
    self->fetchers = eod_stage_socket (stage, ZMQ_ROUTER, "endpoints:fetchers", true);
    self->writer = eod_stage_socket_hwm (stage, ZMQ_PUSH, "endpoints:writer", false, S_WRITER_HWM);
    self->service = eod_stage_socket (stage, ZMQ_REP, "endpoints:service", true);
    if (!self->tasks || !self->batches || !self->input || !self->fetchers || !self->writer || !self->service
        || s_wire (self))
        goto fail;
    self->poller = zpoller_new (self->input, self->fetchers, self->service, NULL);
    if (eod_mkdirs (self->ledger_dir, 0700)) {
        eod_log_error ("%s: %s", self->ledger_dir, strerror (errno));
        goto fail;
    }
    coordinator_ledger_prune (self->ledger_dir, (long) eod_config_int (cfg, "pipeline:ledger_keep_days"),
                              eod_wall_now ());
    return self;
fail:
    coordinator_destroy (&self);
    return NULL;
}

void
coordinator_destroy (coordinator_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    coordinator_t *self = *self_p;
    zpoller_destroy (&self->poller);
    coordinator_service_destroy (&self->replies);
    coordinator_dispatch_destroy (&self->dispatch);
    zsock_destroy (&self->service);
    zsock_destroy (&self->writer);
    zsock_destroy (&self->fetchers);
    zsock_destroy (&self->input);
    coordinator_tasks_destroy (&self->tasks);
    coordinator_batches_destroy (&self->batches);
    coordinator_tokens_destroy (&self->tokens);
    eod_msg_destroy (&self->listed);
    eod_msg_destroy (&self->end);
    coordinator_ledger_sync (self->ledger, true, eod_clock_ms ());
    coordinator_ledger_destroy (&self->ledger);
    free (self);
    *self_p = NULL;
}

//  ---------------------------------------------------------------- the run

static void
s_set_listed (coordinator_t *self, eod_msg_t **msg_p)
{
    if (self->listed && strcmp (self->listed->run_id, (*msg_p)->run_id) == 0 && !self->replaying)
        return;   //  the ledger had it
    eod_msg_destroy (&self->listed);
    self->listed = *msg_p;
    *msg_p = NULL;
    coordinator_ledger_append (self->ledger, self->listed);
}

static void
s_set_end (coordinator_t *self, eod_msg_t **msg_p)
{
    if (self->end && !self->replaying)
        return;   //  the ledger had it
    eod_msg_destroy (&self->end);
    self->end = *msg_p;
    *msg_p = NULL;
    coordinator_ledger_append (self->ledger, self->end);
}

//  A record of the ledger being opened (a RUN_DONE the ledger notes itself).
static int
s_replay (eod_msg_t **msg_p, int64_t offset, void *arg)
{
    coordinator_t *self = arg;
    eod_msg_t *msg = *msg_p;
    if (msg->type == EOD_MSG_TASK || msg->type == EOD_MSG_BATCH)
        coordinator_tasks_add (self->tasks, msg, NULL, offset);
    else if (msg->type == EOD_MSG_QUOTES)
        coordinator_batches_note (self->batches, msg);
    else if (msg->type == EOD_MSG_LISTED)
        s_set_listed (self, msg_p);
    else if (msg->type == EOD_MSG_END)
        s_set_end (self, msg_p);
    else if (msg->type == EOD_MSG_ACK)
        self->counts->resumed += coordinator_tasks_replay_ack (self->tasks, msg);
    return 0;
}

//  Opens the ledger of run_id (replaying what it holds) unless it is open.
//  A run with tasks not yet written asks the writer which of them its journal
//  already holds, and dispatches nothing until the answer had time to come.
static void
s_open_run (coordinator_t *self, const char *run_id)
{
    if (self->ledger && strcmp (self->run_id, run_id) == 0)
        return;
    coordinator_ledger_destroy (&self->ledger);
    if (strcmp (self->run_id, run_id) != 0) {
        self->listing_live = self->end_live = false;
        if (!self->once)
            s_warn_insecure (self);
    }
    snprintf (self->run_id, sizeof self->run_id, "%s", run_id);
    self->replaying = true;
    self->counts->resumed = 0;
    self->ledger = coordinator_ledger_open (self->ledger_dir, run_id, s_replay, self, &self->finished_before);
    self->replaying = false;
    if (!self->ledger)
        return;
    size_t ntasks = coordinator_tasks_size (self->tasks);
    if (ntasks == 0)
        return;
    long resumed = self->counts->resumed;
    eod_log_info ("run %s: the ledger holds %zu task(s), %ld written before%s", run_id, ntasks, resumed,
                  self->finished_before ? " (the run was finished once: only what is missing is asked)" : "");
    if ((size_t) resumed == ntasks)
        return;
    //  Results the writer made durable but whose ACK the ledger missed.
    coordinator_task_t *any = coordinator_tasks_first (self->tasks);
    eod_msg_t *job = eod_msg_new (EOD_MSG_RECONCILE);
    eod_msg_set (&job->run_id, run_id);
    eod_msg_set (&job->market, self->listed ? self->listed->market : any->run->market);
    //  A run whose first message was a BATCH is a fast close (a daily run
    //  lists its TASKs first).
    eod_msg_set (&job->mode, self->listed ? self->listed->mode : *any->run->mode ? any->run->mode : "close");
    eod_msg_set (&job->date_from,
                 self->listed ? self->listed->date_from : coordinator_task_field (any, COORDINATOR_TASK_FROM));
    eod_msg_set (&job->date_to,
                 self->listed ? self->listed->date_to : coordinator_task_field (any, COORDINATOR_TASK_TO));
    eod_stage_send (self->stage, self->writer, NULL, job);
    eod_msg_destroy (&job);
    coordinator_dispatch_hold (self->dispatch, eod_clock_ms () + S_RECONCILE_WAIT_MS);
}

//  Drops the run: its tasks, listing, END and ledger (a run over, or a
//  ledger of a finished one).
static void
s_forget_run (coordinator_t *self)
{
    coordinator_tasks_forget (self->tasks);
    coordinator_batches_forget (self->batches);
    eod_msg_destroy (&self->listed);
    eod_msg_destroy (&self->end);
    coordinator_ledger_destroy (&self->ledger);
    coordinator_dispatch_run_over (self->dispatch);
    self->counts->resumed = 0;
    self->listing_live = self->end_live = false;
    self->run_id[0] = '\0';
}

void
coordinator_resume (coordinator_t *self)
{
    char best[S_LEDGER_NAME_MAX];
    if (coordinator_ledger_newest (self->ledger_dir, best, sizeof best))
        return;
    s_open_run (self, best);
    if (self->finished_before) {
        eod_log_info ("the newest ledger (run %s) is of a finished run: nothing to resume", best);
        s_forget_run (self);
        coordinator_dispatch_hold (self->dispatch, 0);
    }
    else
        eod_log_info ("resuming run %s from its ledger", best);
}

//  What of run_id's listing arrived, for the lister (service.c): on disk
//  before it is told.
static void
s_listing (const char *run_id, coordinator_listing_t *out, void *arg)
{
    coordinator_t *self = arg;
    out->tasks = coordinator_tasks_count_run (self->tasks, run_id);
    out->listed = self->listed && run_id && strcmp (self->listed->run_id, run_id) == 0;
    out->ended = self->end || self->done_sent;
    coordinator_ledger_sync (self->ledger, true, eod_clock_ms ());
}

//  TASK and LISTED of another run than the one a one-shot coordinator is
//  running are not its business: true (logged) for such a message.
static bool
s_other_run (coordinator_t *self, const eod_msg_t *msg)
{
    if (!self->run_id[0] || strcmp (msg->run_id, self->run_id) == 0 || !self->once)
        return false;
    if (msg->type == EOD_MSG_TASK || msg->type == EOD_MSG_BATCH)
        eod_log_warn ("%s %s of another run (%s) ignored", eod_msg_type_name (msg->type), msg->task_id, msg->run_id);
    else
        eod_log_warn ("%s of another run (%s) ignored", eod_msg_type_name (msg->type), msg->run_id);
    return true;
}

//  One message of the input (lister, writer), when one is waiting: false
//  when none was.
static bool
s_on_input (coordinator_t *self)
{
    bool taken;
    eod_msg_t *msg = eod_stage_try_recv (self->stage, self->input, NULL, &taken);
    if (!msg)
        return taken;
    switch (msg->type) {
    case EOD_MSG_TASK:
    case EOD_MSG_BATCH:
        if (s_other_run (self, msg))
            break;
        s_open_run (self, msg->run_id);
        self->listing_live = true;
        coordinator_tasks_add (self->tasks, msg, self->ledger, -1);
        break;
    case EOD_MSG_LISTED:
        if (s_other_run (self, msg))
            break;
        s_open_run (self, msg->run_id);
        self->listing_live = true;
        eod_log_info ("run %s: %ld tasks listed", msg->run_id, (long) msg->count);
        s_set_listed (self, &msg);
        break;
    case EOD_MSG_END:
        if (msg->run_id && *msg->run_id)
            s_open_run (self, msg->run_id);
        self->end_live = true;
        s_set_end (self, &msg);
        break;
    case EOD_MSG_ACK:
        //  One ledger record for the ACK; replay skips the ids settled before.
        if (coordinator_dispatch_on_ack (self->dispatch, msg) && strcmp (msg->run_id, self->run_id) == 0)
            coordinator_ledger_append (self->ledger, msg);
        break;
    default: eod_log_warn ("unexpected %s on the input: ignored", eod_msg_type_name (msg->type));
    }
    eod_msg_destroy (&msg);
    return true;
}

//  One message from a fetcher, when one is waiting: false when none was.
static bool
s_on_fetcher (coordinator_t *self)
{
    zframe_t *identity = NULL;
    bool taken;
    eod_msg_t *msg = eod_stage_try_recv (self->stage, self->fetchers, &identity, &taken);
    if (!msg)
        return taken;
    coordinator_dispatch_on_fetcher (self->dispatch, identity, msg);
    eod_msg_destroy (&msg);
    zframe_destroy (&identity);
    return true;
}

static void
s_on_service (coordinator_t *self)
{
    eod_msg_t *req = eod_stage_recv (self->stage, self->service, NULL);
    eod_msg_t *rep = coordinator_service_answer (self->replies, req, &self->counts->requests);
    eod_stage_send (self->stage, self->service, NULL, rep);
    eod_msg_destroy (&rep);
    eod_msg_destroy (&req);
}

//  Requests per second since the run started, at now.
static double
s_pace (coordinator_t *self, int64_t now)
{
    double secs = (double) (now - self->counts->started_ms) / 1000.0;
    return secs > 0 ? (double) self->counts->requests / secs : 0;
}

//  One line the launcher shows: settled/total, pace, failures, time left.
static void
s_progress (coordinator_t *self)
{
    int64_t now = eod_clock_ms ();
    if (!self->listed || self->done_sent || now - self->last_progress_ms < S_PROGRESS_MS)
        return;
    self->last_progress_ms = now;
    long counts[COORDINATOR_TASK_STATES];
    coordinator_tasks_count (self->tasks, counts);
    long failed = counts[COORDINATOR_TASK_FAILED], settled = counts[COORDINATOR_TASK_DONE] + failed;
    long total = (long) self->listed->count;
    double rate = s_pace (self, now);
    long eta = rate > 0 ? (long) ((double) (total - settled) / rate) : -1;
    eod_log_info ("progress: %ld/%ld settled, %.1f requests/s, %ld failed, %ld rate-limited, ETA %ld s", settled, total,
                  rate, failed, self->counts->rate_limited, eta);
}

//  Counters for eod-status and eod-tap, on the trace PUB every S_STATS_MS,
//  also between runs (then the run's fields are absent). An EVENT with
//  fields kind=stats; see coordinator.h.
static void
s_stats (coordinator_t *self)
{
    int64_t now = eod_clock_ms ();
    int64_t elapsed = now - self->last_stats_ms;
    if (elapsed < S_STATS_MS)
        return;
    long counts[COORDINATOR_TASK_STATES];
    coordinator_tasks_count (self->tasks, counts);
    const coordinator_counts_t *run = self->counts;
    eod_msg_t *msg = eod_msg_new (EOD_MSG_STATS);
    eod_msg_set (&msg->stage, "coordinator");
    char v[32];
#define S_FIELD(name, value)                                                                                           \
    do {                                                                                                               \
        snprintf (v, sizeof v, "%ld", (long) (value));                                                                 \
        eod_fields_set (&msg->fields, name, v);                                                                        \
    } while (0)
    bool running = self->run_id[0] && !self->done_sent;
    if (running) {
        eod_fields_set (&msg->fields, "run_id", self->run_id);
        if (self->listed && self->listed->market)
            eod_fields_set (&msg->fields, "market", self->listed->market);
        long total = self->listed ? (long) self->listed->count : (long) coordinator_tasks_size (self->tasks);
        S_FIELD ("tasks", total);
        S_FIELD ("done", counts[COORDINATOR_TASK_DONE]);
        S_FIELD ("failed", counts[COORDINATOR_TASK_FAILED]);
        S_FIELD ("queued", counts[COORDINATOR_TASK_QUEUED]);
        S_FIELD ("in_flight", counts[COORDINATOR_TASK_LEASED] + counts[COORDINATOR_TASK_WRITING]);
    }
    S_FIELD ("fetchers", coordinator_workers_size (coordinator_dispatch_workers (self->dispatch)));
    S_FIELD ("keys", coordinator_tokens_size (self->tokens));
    S_FIELD ("budget", self->budget * (long) coordinator_tokens_size (self->tokens));
    long req_1s = self->last_stats_ms && elapsed > 0 ? (run->requests - self->stats_requests) * 1000 / elapsed : 0;
    S_FIELD ("req_1s", req_1s < 0 ? 0 : req_1s);
    if (running) {
        S_FIELD ("requests", run->requests);
        S_FIELD ("rejected", run->rate_limited);
        S_FIELD ("retries", run->retries);
        double rate = s_pace (self, now);
        long left = (self->listed ? (long) self->listed->count : 0) - counts[COORDINATOR_TASK_DONE]
                    - counts[COORDINATOR_TASK_FAILED];
        if (rate > 0 && left >= 0)
            S_FIELD ("eta_s", (double) left / rate);
    }
    S_FIELD ("uptime_s", (now - self->created_ms) / 1000);
#undef S_FIELD
    eod_stage_publish (self->stage, msg);
    eod_msg_destroy (&msg);
    self->last_stats_ms = now;
    self->stats_requests = run->requests;
}

//  True when the run is over: the lister said END and every listed task is settled.
static bool
s_run_settled (coordinator_t *self)
{
    if (!self->end)
        return false;
    //  A re-run of a run the ledger holds as finished: the lister lists it
    //  again and sends its END last. Settled before that, the run would end
    //  with the lister still sending, to nobody.
    if (self->listing_live && !self->end_live)
        return false;
    if (self->end->status && strcmp (self->end->status, "ok") != 0 && strcmp (self->end->status, "complete") != 0)
        return true;   //  closed market or a failed listing: nothing to wait for
    if (!self->listed || (int64_t) coordinator_tasks_size (self->tasks) < self->listed->count)
        return false;
    return coordinator_tasks_unsettled (self->tasks) == 0;
}

//  The run's RUN_DONE, kept in the ledger and sent to the writer, and its
//  gaps recorded. Returns the number of tasks that failed; *incomplete says
//  whether more than [pipeline] unpublished_pct of them answered without a
//  row for their session.
static long
s_run_done (coordinator_t *self, bool *incomplete)
{
    const coordinator_counts_t *run = self->counts;
    eod_msg_t *done = eod_msg_new (EOD_MSG_RUN_DONE);
    eod_msg_set (&done->run_id, self->listed->run_id);
    eod_msg_set (&done->market, self->listed->market);
    eod_msg_set (&done->mode, self->listed->mode);
    eod_msg_set (&done->date_from, self->listed->date_from);
    eod_msg_set (&done->date_to, self->listed->date_to);
    //  A fast close counts codes, and is incomplete when one is not quoted.
    bool close = strcmp (self->listed->mode, "close") == 0;
    long unpublished = close ? coordinator_batches_summarize (self->batches, self->tasks, self->listed, done)
                             : coordinator_tasks_summarize (self->tasks, self->listed, done);
    double share = (double) eod_config_int (self->stage->config, "pipeline:unpublished_pct") / 100.0;
    *incomplete = close ? unpublished != 0 : coordinator_run_incomplete (unpublished, (long) done->count, share);
    done->requests = run->requests;
    done->rate_limited = run->rate_limited;
    done->retries = run->retries;
    done->duration_ms = eod_clock_ms () - run->started_ms;
    eod_fields_merge (&done->meta, &self->listed->meta);
    if (run->resumed) {
        char text[32];
        snprintf (text, sizeof text, "%ld", run->resumed);
        eod_fields_set (&done->meta, "resumed", text);
    }
    coordinator_ledger_append (self->ledger, done);
    coordinator_ledger_sync (self->ledger, true, eod_clock_ms ());
    eod_stage_send (self->stage, self->writer, NULL, done);
    //  What the run could not get, for `launch/eod backfill --gaps`.
    zchunk_t *gaps = coordinator_tasks_gaps (self->tasks);
    if (close)
        coordinator_batches_gaps (self->batches, self->tasks, gaps);
    coordinator_ledger_write_gaps (self->state_dir, self->listed->market, self->listed->run_id,
                                   (const char *) zchunk_data (gaps), zchunk_size (gaps));
    zchunk_destroy (&gaps);
    eod_log_info ("run %s settled: %ld ok, %ld no data, %ld unknown, %ld failed, %ld without a row for the "
                  "session; %ld requests, %ld rejected by the rate limit, %ld retries; %ld ACK(s) from the writer",
                  done->run_id, (long) done->ok, (long) done->nodata, (long) done->unknown, (long) done->failed,
                  close ? 0 : unpublished, run->requests, run->rate_limited, run->retries, run->acks);
    if (*incomplete && close)
        eod_log_warn ("run %s: fast close of %s: %ld of %ld code(s) not quoted: incomplete", done->run_id,
                      done->date_to, unpublished, (long) done->count);
    else if (*incomplete)
        eod_log_warn ("run %s: %s %s not published: %ld of %ld code(s) without a row for the session (more than "
                      "%lld%%): incomplete; a later run asks for them again",
                      done->run_id, done->market, done->date_to, unpublished, (long) done->count,
                      eod_config_int (self->stage->config, "pipeline:unpublished_pct"));
    long failed = (long) done->failed;
    eod_msg_destroy (&done);
    return failed;
}

static void
s_finish (coordinator_t *self)
{
    eod_msg_t *end = eod_msg_dup (self->end);
    bool incomplete = false;
    long failed = self->listed ? s_run_done (self, &incomplete) : 0;
    //  Incomplete says more than partial: run again later, and the gaps are refilled.
    if (end && (!end->status || strcmp (end->status, "ok") == 0) && (failed || incomplete))
        eod_msg_set (&end->status, incomplete ? "incomplete" : "partial");
    self->incomplete = incomplete;
    //  A run that stopped asking failed; its reason went out once, as the
    //  EVENT of the stop.
    if (end && coordinator_dispatch_halted (self->dispatch))
        eod_msg_set (&end->status, "failed");
    coordinator_workers_report (coordinator_dispatch_workers (self->dispatch));
    if (end) {
        eod_msg_set (&end->stage, "coordinator");
        eod_stage_send (self->stage, self->writer, NULL, end);
        //  Tell the fetchers the run is over (one-shot fetchers exit on it).
        coordinator_dispatch_broadcast (self->dispatch, end);
        eod_msg_destroy (&end);
    }
    self->done_sent = true;
}

int
coordinator_run (coordinator_t *self)
{
    //  Tokens before the first dispatch: fetchers get them with their first task.
    for (size_t i = 0; i < coordinator_tokens_size (self->tokens); i++) {
        coordinator_key_t *key = coordinator_tokens_key (self->tokens, i);
        coordinator_tokens_load (self->tokens, key);
        if (coordinator_tokens_ensure (self->tokens, key, false, true, self->run_id) == 0)
            continue;
        const char *refusal = coordinator_tokens_refusal (self->tokens);
        if (!refusal)
            return COORDINATOR_EXIT_SERVICE;   //  unreachable
        //  No request can go. A one-shot run still takes its listing and
        //  ends it, failed, so the chain ends at once with its summary; a
        //  service has no run yet and stops (the EVENT said why).
        coordinator_dispatch_halt (self->dispatch, COORDINATOR_EXIT_CONFIG, refusal, false);
        if (!self->once)
            return COORDINATOR_EXIT_CONFIG;
        break;
    }
    int64_t timeout = COORDINATOR_POLL_MAX_MS;
    int64_t ended_at = 0;
    while (!zsys_interrupted) {
        int wait = (int) (timeout < 1 ? 1 : timeout > COORDINATOR_POLL_MAX_MS ? COORDINATOR_POLL_MAX_MS : timeout);
        void *which = zpoller_wait (self->poller, wait);
        if (which == self->input) {
            //  Take the whole listing in one go: the lister must not wait on us.
            for (int i = 0; i < S_INPUT_BATCH && s_on_input (self); i++)
                ;
        }
        else if (which == self->fetchers) {
            //  READY and RESULT come in bursts: take what is there, then dispatch.
            for (int i = 0; i < S_FETCHER_BATCH && s_on_fetcher (self); i++)
                ;
        }
        else if (which == self->service)
            s_on_service (self);
        else if (zpoller_terminated (self->poller))
            break;
        //  One-shot fetchers leave on END: no heartbeats after it.
        coordinator_dispatch_housekeeping (self->dispatch, !(self->once && self->done_sent));
        coordinator_ledger_sync (self->ledger, false, eod_clock_ms ());
        s_progress (self);
        s_stats (self);
        timeout = coordinator_dispatch_pass (self->dispatch);
        if (!self->done_sent && s_run_settled (self)) {
            s_finish (self);
            ended_at = eod_clock_ms ();
            //  A service whose run stopped asking stops too: the next run
            //  would meet the same (the launcher starts it again on exit 3).
            if (!self->once && coordinator_dispatch_halted (self->dispatch))
                break;
            if (!self->once) {
                //  Service mode: forget the run, keep the fetchers and tokens.
                s_forget_run (self);
                self->done_sent = false;
                self->incomplete = false;
                memset (self->counts, 0, sizeof *self->counts);
                self->stats_requests = 0;
                self->counts->started_ms = eod_clock_ms ();
            }
        }
        if (self->once && self->done_sent && eod_clock_ms () - ended_at > S_ENDING_GRACE_MS)
            break;
    }
    if (zsys_interrupted && !self->done_sent) {
        eod_log_warn ("interrupted before the run was settled");
        return 4;
    }
    const coordinator_halt_t *halt = coordinator_dispatch_halted (self->dispatch);
    if (halt)
        return halt->exit_code;
    if (coordinator_tokens_unreachable (self->tokens))
        return COORDINATOR_EXIT_SERVICE;
    if (self->incomplete)
        return S_EXIT_INCOMPLETE;
    return coordinator_tasks_count_kind (self->tasks, COORDINATOR_KIND_FAILED) ? 1 : 0;
}
