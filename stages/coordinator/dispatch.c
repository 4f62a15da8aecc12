/*  coordinator dispatch — see dispatch.h. */
#include "dispatch.h"
#include "batches.h"
#include "eod_log.h"
#include "pages.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define S_BACKOFF_BASE_MS 200   //  retry backoff: base * 2^(attempt-1), capped
#define S_BACKOFF_MAX_MS 5000
#define S_BACKOFF_DOUBLINGS_MAX 5
#define S_WRITER_WAIT_MS 5            //  poll again this soon while dispatch waits for the writer
#define S_KEPT_MAX_BYTES (8u << 20)   //  RESULTs kept for the writer until its ACK; beyond, a lost one is fetched again
#define S_LEASE_SCAN_MS 100           //  how often lease and ACK deadlines are checked
#define S_RATE_WINDOW_MS 1000         //  EGW00201 pauses a key this + the jitter
#define S_TOKEN_WAIT_MS 1000          //  a task whose key can have no token waits this long
#define S_NOT_ASKED "not asked: the run stopped"

struct _coordinator_dispatch_t {
    coordinator_dispatch_conf_t conf;
    const coordinator_clock_t *clock;
    coordinator_tokens_t *tokens;
    coordinator_tasks_t *tasks;
    coordinator_workers_t *workers;
    coordinator_counts_t counts;
    size_t next_key;         //  round robin among keys that are free
    int64_t hold_until_ms;   //  no dispatch before: the writer reconciles a resumed run
    int64_t last_heartbeat_ms;
    int64_t last_lease_scan_ms;
    bool creds_refused_logged;
    coordinator_halt_t halt;      //  when the run stops asking (halt.h)
    coordinator_pages_t *pages;   //  the rows of answers that come in pages
};

coordinator_dispatch_t *
coordinator_dispatch_new (const coordinator_dispatch_conf_t *conf, coordinator_tokens_t *tokens,
                          coordinator_tasks_t *tasks)
{
    coordinator_dispatch_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->conf = *conf;
    self->clock = coordinator_clock_or_real (conf->clock);
    self->tokens = tokens;
    self->tasks = tasks;
    self->workers = coordinator_workers_new ();
    self->pages = coordinator_pages_new (conf->max_pages);
    coordinator_halt_init (&self->halt, conf->unknown_stop);
    if (!self->workers || !self->pages)
        coordinator_dispatch_destroy (&self);
    return self;
}

void
coordinator_dispatch_destroy (coordinator_dispatch_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    coordinator_workers_destroy (&(*self_p)->workers);
    coordinator_pages_destroy (&(*self_p)->pages);
    free (*self_p);
    *self_p = NULL;
}

coordinator_counts_t *
coordinator_dispatch_counts (coordinator_dispatch_t *self)
{
    return &self->counts;
}

coordinator_workers_t *
coordinator_dispatch_workers (coordinator_dispatch_t *self)
{
    return self->workers;
}

void
coordinator_dispatch_hold (coordinator_dispatch_t *self, int64_t until_ms)
{
    self->hold_until_ms = until_ms;
}

//  The wait before t's next attempt: doubling, capped.
static int64_t
s_backoff (const coordinator_task_t *t)
{
    int doublings = t->attempt > S_BACKOFF_DOUBLINGS_MAX ? S_BACKOFF_DOUBLINGS_MAX : t->attempt - 1;
    int64_t backoff = (int64_t) S_BACKOFF_BASE_MS << (doublings < 0 ? 0 : doublings);
    return backoff > S_BACKOFF_MAX_MS ? S_BACKOFF_MAX_MS : backoff;
}

static void
s_requeue (coordinator_dispatch_t *self, coordinator_task_t *t, int64_t delay_ms)
{
    coordinator_tasks_requeue (self->tasks, t, self->clock->ms () + delay_ms);
}

//  msg (t's completed RESULT or QUOTES) to the writer.
static void
s_send_writer (coordinator_dispatch_t *self, coordinator_task_t *t, const eod_msg_t *result)
{
    //  Kept until the writer's ACK, within S_KEPT_MAX_BYTES.
    char *data = NULL;
    size_t len = 0;
    bool keep = coordinator_tasks_kept_bytes (self->tasks) < S_KEPT_MAX_BYTES;
    const coordinator_port_t *port = &self->conf.port;
    if (port->to_writer (port->arg, result, keep ? &data : NULL, &len) == 0)
        coordinator_tasks_writing_at (self->tasks, t, self->clock->ms () + self->conf.ack_timeout_ms, data, len);
    else
        s_requeue (self, t, S_BACKOFF_BASE_MS);
}

static void
s_forward_to_writer (coordinator_dispatch_t *self, coordinator_task_t *t, eod_msg_t *result)
{
    coordinator_tasks_complete (self->tasks, t, result);
    s_send_writer (self, t, result);
}

//  A settled QUOTES of t: its outcome noted (durably, so a resumed fast
//  close knows which codes it has), then to the writer.
static void
s_forward_quotes (coordinator_dispatch_t *self, coordinator_task_t *t, eod_msg_t *quotes)
{
    coordinator_batch_complete (t, quotes);
    const coordinator_port_t *port = &self->conf.port;
    if (port->note) {
        eod_msg_t *record = coordinator_batch_record (quotes);
        if (record)
            port->note (port->arg, record);
        eod_msg_destroy (&record);
    }
    s_send_writer (self, t, quotes);
}

//  A failed RESULT's code (msg_cd) that says something of its key: the
//  key's pause, or its token replaced.
static void
s_on_key_code (coordinator_dispatch_t *self, coordinator_task_t *t, const char *cd)
{
    coordinator_key_t *key = t->attempt > 0 && t->key < coordinator_tokens_size (self->tokens)
                                 ? coordinator_tokens_key (self->tokens, t->key)
                                 : NULL;
    if (strcmp (cd, "EGW00201") == 0) {
        //  Our pacer should make this impossible: it is a limiter bug, or
        //  another client shares the key. Pause the key for a whole window.
        self->counts.rate_limited++;
        if (key) {
            key->rate_limited++;
            key->paused_until_ms = self->clock->ms () + S_RATE_WINDOW_MS + self->conf.jitter_ms;
        }
        eod_log_warn ("EGW00201 on %s (key %s): pausing the key %ld ms", coordinator_task_code (t), key ? key->id : "?",
                      S_RATE_WINDOW_MS + self->conf.jitter_ms);
    }
    else if (strcmp (cd, "EGW00123") == 0 || strcmp (cd, "EGW00121") == 0 || strcmp (cd, "EGW00122") == 0) {
        if (key) {
            //  Only the token the task was sent with is stale: another
            //  request's rejection may have replaced it already.
            if (t->generation == key->generation) {
                eod_log_warn ("token rejected (%s) on %s: issuing a new one", cd, coordinator_task_code (t));
                coordinator_tokens_ensure (self->tokens, key, true, false, self->conf.run_id);
            }
            else
                eod_log_info ("token rejected (%s) on %s: already replaced", cd, coordinator_task_code (t));
        }
    }
}

//  The run stops: said once, as an error EVENT (logged, and the notifier's
//  failure alert).
static void
s_halt_announce (coordinator_dispatch_t *self, const char *market)
{
    eod_stage_event (self->conf.stage, "error", self->conf.run_id, market, "%s", self->halt.reason);
}

//  t fails for good (reason becomes its outcome); the rows of its earlier
//  pages go with it.
static void
s_fail (coordinator_dispatch_t *self, coordinator_task_t *t, const char *reason)
{
    if (t->batch) {
        //  A batch settles at the writer, which reports its codes not checked.
        eod_msg_t *quotes = coordinator_batch_failed (t, reason);
        if (quotes)
            s_forward_quotes (self, t, quotes);
        eod_msg_destroy (&quotes);
        return;
    }
    size_t dropped = coordinator_pages_drop (self->pages, coordinator_task_id (t));
    coordinator_tasks_settle (self->tasks, t, COORDINATOR_TASK_FAILED, COORDINATOR_KIND_FAILED, reason);
    if (dropped)
        eod_log_warn ("%s: the %zu row(s) of its earlier pages are dropped with it (a task is written whole)",
                      coordinator_task_code (t), dropped);
}

//  A page of an answer that goes on: its rows are held, and the next page
//  is asked before other tasks.
static void
s_on_page (coordinator_dispatch_t *self, coordinator_task_t *t, eod_msg_t *msg)
{
    if (self->halt.halted) {
        s_fail (self, t, S_NOT_ASKED);
        return;
    }
    char why[200];
    if (coordinator_pages_add (self->pages, coordinator_task_id (t), msg, why, sizeof why)) {
        char reason[256];
        snprintf (reason, sizeof reason, "permanent: %s", why);
        s_fail (self, t, reason);
        eod_stage_event (self->conf.stage, "warn", self->conf.run_id, t->run->market, "%s: failed: %s",
                         coordinator_task_code (t), reason);
        return;
    }
    eod_log_debug ("%s: a page of %zu row(s) held; the next from BYMD %s", coordinator_task_code (t), msg->nrows,
                   coordinator_pages_next (self->pages, coordinator_task_id (t)));
    //  Each page has its own attempts.
    t->attempt = 0;
    coordinator_tasks_requeue_first (self->tasks, t);
}

//  What a RESULT and a QUOTES of a leased task share: a request that left
//  its fetcher late is counted from when it left, in its key's pacer, and
//  an answer that says every further request would fail the same stops the
//  run (halt.c).
static void
s_on_answer (coordinator_dispatch_t *self, coordinator_worker_t *w, coordinator_task_t *t, eod_msg_t *msg)
{
    int64_t left_us;
    if (w && t->state == COORDINATOR_TASK_LEASED && t->key < coordinator_tokens_size (self->tokens)
        && coordinator_worker_on_sent (w, t->dispatched_us, msg->sent_us, self->clock->us (), &left_us))
        coordinator_pacer_late (&coordinator_tokens_key (self->tokens, t->key)->pacer, t->pace_n, left_us);
    msg->sent_us = 0;   //  this host's business, not the writer's
    if (coordinator_halt_on_result (&self->halt, msg->status, msg->msg_cd, msg->error))
        s_halt_announce (self, t->run->market);
}

//  A RESULT that is not rows, no data or an unknown symbol: asked again
//  later, retried, or failed (at once, with its own reason, when the run
//  stopped).
static void
s_on_failure (coordinator_dispatch_t *self, coordinator_task_t *t, eod_msg_t *msg)
{
    const char *status = msg->status;
    const char *cd = msg->msg_cd ? msg->msg_cd : "";
    bool halted = self->halt.halted;
    if (!halted && strcmp (cd, EOD_UNPUBLISHED) == 0) {
        //  The session's row is not out yet. US data lags the close: wait
        //  and ask again, without spending attempts, until the deadline. A
        //  KR session's rows are out as it trades, so a KR code without one
        //  did not trade: waiting would not bring it.
        bool waits = strcmp (t->run->market, "us") == 0;
        int64_t waited = self->clock->ms () - self->counts.started_ms;
        if (waits && waited < self->conf.unpublished_deadline_ms) {
            t->attempt--;
            s_requeue (self, t, self->conf.unpublished_retry_ms);
            eod_log_info ("%s: %s; asking again later", coordinator_task_code (t), msg->error ? msg->error : cd);
            return;
        }
        //  Recorded in the gaps with the rest: a later run asks again.
        coordinator_tasks_settle (self->tasks, t, COORDINATOR_TASK_DONE, COORDINATOR_KIND_UNPUBLISHED,
                                  waits ? "session not published by the deadline" : "no row for the session");
        eod_log_warn ("%s: %s..%s %s: reported missing", coordinator_task_code (t),
                      coordinator_task_field (t, COORDINATOR_TASK_FROM),
                      coordinator_task_field (t, COORDINATOR_TASK_TO),
                      waits ? "not published by the deadline" : "answered without a row for the session");
        return;
    }
    //  Once the run stopped, nothing is retried nor renewed.
    if (!halted)
        s_on_key_code (self, t, cd);
    if (!halted && strcmp (status, "retryable") == 0 && t->attempt < self->conf.max_attempts) {
        self->counts.retries++;
        int64_t backoff = s_backoff (t);
        eod_log_info ("%s: attempt %d failed (%s %s), retry in %ld ms", coordinator_task_code (t), t->attempt, cd,
                      msg->error ? msg->error : "", (long) backoff);
        s_requeue (self, t, backoff);
        return;
    }
    char reason[140];
    snprintf (reason, sizeof reason, "%s after %d attempt(s): %s%s%s", status, t->attempt, cd, *cd ? " " : "",
              msg->error ? msg->error : "");
    s_fail (self, t, reason);
    //  A stopped run's failures were said once, by the stop.
    if (!halted)
        eod_stage_event (self->conf.stage, "warn", self->conf.run_id, t->run->market, "%s: failed: %s",
                         coordinator_task_code (t), reason);
}

static void
s_on_result (coordinator_dispatch_t *self, coordinator_worker_t *w, eod_msg_t *msg)
{
    if (w && w->credit < 1)
        w->credit = 0;
    if (w && msg->count > 0)
        w->credit += msg->count > 1 ? 1 : (int) msg->count;   //  the READY it stands for
    msg->count = 0;
    coordinator_task_t *t = coordinator_tasks_find (self->tasks, msg->task_id);
    if (t && t->batch) {
        eod_log_warn ("a RESULT for batch %s: ignored (a batch is answered with QUOTES)", msg->task_id);
        return;
    }
    bool page = strcmp (msg->status, "ok") == 0 && msg->msg_cd && strcmp (msg->msg_cd, EOD_MORE) == 0;
    //  A queued task's rows from a lease of an earlier coordinator (a restart)
    //  or of a fetcher given up too soon are as good as new ones; not a page,
    //  which would be one the pages held have passed.
    bool queued_ok = t && t->state == COORDINATOR_TASK_QUEUED && strcmp (msg->status, "ok") == 0 && !page;
    if (!t || (!queued_ok && (t->state != COORDINATOR_TASK_LEASED || (w && t->worker != w->seq)))) {
        eod_log_debug ("late or duplicate RESULT for %s ignored", msg->task_id);
        return;
    }
    s_on_answer (self, w, t, msg);
    if (page) {
        s_on_page (self, t, msg);
        return;
    }
    const char *status = msg->status;
    //  The last page of an answer that came in pages: all its rows.
    if ((strcmp (status, "ok") == 0 || strcmp (status, "nodata") == 0 || strcmp (status, "unknown") == 0)
        && coordinator_pages_finish (self->pages, coordinator_task_id (t), msg) != 0)
        status = msg->status;
    //  Rows out of the task's range in an answer that goes nowhere else.
    coordinator_tasks_note_wrong (t, strcmp (status, "ok") == 0 ? NULL : msg);
    if (strcmp (status, "ok") == 0)
        s_forward_to_writer (self, t, msg);
    else if (strcmp (status, "nodata") == 0)
        coordinator_tasks_settle (self->tasks, t, COORDINATOR_TASK_DONE, COORDINATOR_KIND_NODATA,
                                  msg->error ? msg->error : "no data");
    else if (strcmp (status, "unknown") == 0) {
        coordinator_tasks_settle (self->tasks, t, COORDINATOR_TASK_DONE, COORDINATOR_KIND_UNKNOWN, "unknown symbol");
        eod_log_warn ("%s: unknown to the API (reported, not retried)", coordinator_task_code (t));
    }
    else
        s_on_failure (self, t, msg);
}

//  A fetcher's QUOTES: retried, or settled and sent on to the writer.
static void
s_on_quotes (coordinator_dispatch_t *self, coordinator_worker_t *w, eod_msg_t *msg)
{
    coordinator_task_t *t = coordinator_tasks_find (self->tasks, msg->task_id);
    bool ok = msg->status && strcmp (msg->status, "ok") == 0;
    //  As for a RESULT: an answer to the lease of an earlier coordinator is
    //  as good as a new one.
    bool queued_ok = t && t->batch && t->state == COORDINATOR_TASK_QUEUED && ok;
    if (!t || !t->batch || (!queued_ok && (t->state != COORDINATOR_TASK_LEASED || (w && t->worker != w->seq)))) {
        eod_log_debug ("late or duplicate QUOTES for %s ignored", msg->task_id);
        return;
    }
    //  A batch the fetcher did not ask (outside the quote's window) spent a
    //  permit but made no request: the run's count says what KIS saw.
    if (msg->status && strcmp (msg->status, "skipped") == 0 && msg->requests == 0 && self->counts.requests > 0) {
        self->counts.requests--;
        if (t->key < coordinator_tokens_size (self->tokens)
            && coordinator_tokens_key (self->tokens, t->key)->requests > 0)
            coordinator_tokens_key (self->tokens, t->key)->requests--;
    }
    s_on_answer (self, w, t, msg);
    const char *cd = msg->msg_cd ? msg->msg_cd : "";
    if (!self->halt.halted && !ok)
        s_on_key_code (self, t, cd);
    if (coordinator_batch_verdict (t, msg, self->conf.max_attempts, self->halt.halted) == COORDINATOR_QUOTES_RETRY) {
        self->counts.retries++;
        eod_log_info ("%s: attempt %d failed (%s %s), retried", coordinator_task_id (t), t->attempt, cd,
                      msg->error ? msg->error : "");
        s_requeue (self, t, s_backoff (t));
        return;
    }
    if (strcmp (msg->status, COORDINATOR_QUOTES_FAILED) == 0 && !self->halt.halted)
        eod_stage_event (self->conf.stage, "warn", self->conf.run_id, t->run->market, "%s: failed: %s",
                         coordinator_task_id (t), msg->error ? msg->error : "");
    s_forward_quotes (self, t, msg);
}

void
coordinator_dispatch_on_fetcher (coordinator_dispatch_t *self, zframe_t *identity, eod_msg_t *msg)
{
    bool named = msg->type == EOD_MSG_READY || msg->type == EOD_MSG_HEARTBEAT;
    coordinator_worker_t *w =
        coordinator_workers_get (self->workers, identity, named ? msg->worker : NULL, self->clock->ms ());
    switch (msg->type) {
    case EOD_MSG_READY:
        if (w) {
            w->credit += msg->count > 0 ? (int) msg->count : 1;
            w->readies++;
            coordinator_worker_on_clock (w, msg->sent_us, self->clock->us ());
        }
        break;
    case EOD_MSG_HEARTBEAT:
        //  A fetcher met first by its heartbeat sent its READY to a
        //  coordinator before this one: an idle one gets its credit back.
        if (w && w->new && w->credit == 0 && msg->count > 0)
            w->credit = 1;
        if (w)
            coordinator_worker_on_clock (w, msg->sent_us, self->clock->us ());
        break;
    case EOD_MSG_RESULT:
        if (w)
            w->results++;
        s_on_result (self, w, msg);
        break;
    case EOD_MSG_QUOTES:
        if (w)
            w->results++;
        s_on_quotes (self, w, msg);
        break;
    case EOD_MSG_EVENT:
        //  A fetcher on another host has no route to the notifier but this
        //  one: its incidents and alerts go on, naming it.
        if (w)
            eod_fields_set (&msg->fields, "worker", w->name);
        if (self->conf.stage && self->conf.stage->events)
            eod_stage_send (self->conf.stage, self->conf.stage->events, NULL, msg);
        break;
    default:
        eod_log_warn ("fetcher %s sent an unexpected %s: ignored", w ? w->name : "?", eod_msg_type_name (msg->type));
    }
    if (w)
        w->new = false;
}

bool
coordinator_dispatch_on_ack (coordinator_dispatch_t *self, const eod_msg_t *msg)
{
    self->counts.acks++;
    bool settled = false;
    for (size_t i = 0; i <= msg->nlist; i++) {
        coordinator_task_t *t = coordinator_tasks_find (self->tasks, coordinator_ack_id (msg, i));
        //  WRITING: the writer made the rows durable. Any other unsettled
        //  state: its answer to a reconcile (its journal holds the task from
        //  before).
        if (t
            && (t->state == COORDINATOR_TASK_WRITING || t->state == COORDINATOR_TASK_QUEUED
                || t->state == COORDINATOR_TASK_LEASED
                || (t->state == COORDINATOR_TASK_DONE && t->kind != COORDINATOR_KIND_OK)
                || t->state == COORDINATOR_TASK_FAILED)) {
            if (t->state != COORDINATOR_TASK_WRITING)
                self->counts.resumed++;
            coordinator_tasks_settle (self->tasks, t, COORDINATOR_TASK_DONE, COORDINATOR_KIND_OK, NULL);
            settled = true;
        }
    }
    return settled;
}

static void
s_send_creds (coordinator_dispatch_t *self, coordinator_worker_t *w, size_t k)
{
    //  CREDS carry the app secret and the access token: never in clear text
    //  on a network (eod_stage_socket refuses such a fetchers endpoint; this
    //  holds whatever made the socket).
    if (!self->conf.port.secure) {
        if (!self->creds_refused_logged)
            eod_log_error ("CREDS not sent: [endpoints] fetchers is a network endpoint without CurveZMQ "
                           "(set [security] curve_server_cert and curve_clients_dir)");
        self->creds_refused_logged = true;
        return;
    }
    coordinator_key_t *key = coordinator_tokens_key (self->tokens, k);
    eod_msg_t *creds = eod_msg_new (EOD_MSG_CREDS);
    eod_msg_set (&creds->key_id, key->id);
    eod_msg_set (&creds->app_key, key->app_key);
    eod_msg_set (&creds->app_secret, key->app_secret);
    eod_msg_set (&creds->token, key->token);
    eod_msg_set (&creds->base_url, coordinator_tokens_base_url (self->tokens));
    creds->expires = key->expires;
    //  This coordinator takes a RESULT's count as the fetcher's next READY
    //  (a fetcher that does not read it sends READY as before).
    creds->count = 1;
    if (self->conf.port.to_fetcher (self->conf.port.arg, w->identity, creds) == 0)
        w->creds_generation[k] = key->generation;
    eod_msg_destroy (&creds);
}

//  The TASK a fetcher is sent for t under key: with the BYMD of the next
//  page when its answer goes on.
static eod_msg_t *
s_task_msg (coordinator_dispatch_t *self, const coordinator_task_t *t, const coordinator_key_t *key)
{
    if (t->batch)
        return coordinator_batch_msg (t, key->id);
    eod_msg_t *task = eod_msg_new (EOD_MSG_TASK);
    eod_msg_set (&task->run_id, t->run->run_id);
    eod_msg_set (&task->task_id, coordinator_task_id (t));
    eod_msg_set (&task->market, t->run->market);
    eod_msg_set (&task->mode, t->run->mode);
    eod_msg_set (&task->date_from, coordinator_task_field (t, COORDINATOR_TASK_FROM));
    eod_msg_set (&task->date_to, coordinator_task_field (t, COORDINATOR_TASK_TO));
    eod_msg_set (&task->code, coordinator_task_code (t));
    const char *exchange = coordinator_task_field (t, COORDINATOR_TASK_EXCHANGE);
    eod_msg_set (&task->exchange, *exchange ? exchange : NULL);
    eod_msg_set (&task->key_id, key->id);
    task->attempt = t->attempt;
    const char *bymd = coordinator_pages_next (self->pages, coordinator_task_id (t));
    if (bymd)
        eod_fields_set (&task->meta, EOD_META_BYMD, bymd);
    return task;
}

//  The run stopped: every task waiting fails at once, unasked.
static void
s_drain (coordinator_dispatch_t *self)
{
    coordinator_task_t *t;
    while ((t = coordinator_tasks_next_due (self->tasks, INT64_MAX)))
        s_fail (self, t, S_NOT_ASKED);
}

//  The key free first at now_us (round robin from next_key): its index, or
//  the number of keys with *wait_us set to how long until one is.
static size_t
s_free_key (coordinator_dispatch_t *self, int64_t now_us, int64_t *wait_us)
{
    size_t nkeys = coordinator_tokens_size (self->tokens);
    *wait_us = INT64_MAX;
    for (size_t i = 0; i < nkeys; i++) {
        size_t j = (self->next_key + i) % nkeys;
        int64_t due = coordinator_key_due (coordinator_tokens_key (self->tokens, j));
        if (due <= now_us)
            return j;
        if (due - now_us < *wait_us)
            *wait_us = due - now_us;
    }
    return nkeys;
}

int64_t
coordinator_dispatch_pass (coordinator_dispatch_t *self)
{
    const coordinator_clock_t *clock = self->clock;
    if (self->halt.halted) {
        s_drain (self);
        return COORDINATOR_POLL_MAX_MS;
    }
    int64_t hold = self->hold_until_ms - clock->ms ();
    if (hold > 0)
        return hold;
    size_t nkeys = coordinator_tokens_size (self->tokens);
    while (!zsys_interrupted) {
        if (coordinator_tasks_queued (self->tasks) == 0)
            return COORDINATOR_POLL_MAX_MS;
        coordinator_worker_t *w = coordinator_workers_ready (self->workers);
        if (!w)
            return COORDINATOR_POLL_MAX_MS;
        //  Rows the writer cannot take yet would be held here or in its
        //  queue: no new lease while too many wait for its acknowledgement.
        if (coordinator_tasks_writing (self->tasks) >= COORDINATOR_WRITING_MAX)
            return S_WRITER_WAIT_MS;
        int64_t now_us = clock->us ();
        int64_t now_ms = now_us / 1000;
        int64_t wait_us;
        size_t k = s_free_key (self, now_us, &wait_us);
        if (k == nkeys)
            return wait_us == INT64_MAX ? COORDINATOR_POLL_MAX_MS : (wait_us + 999) / 1000;
        coordinator_task_t *t = coordinator_tasks_next_due (self->tasks, now_ms);
        if (!t)
            return COORDINATOR_POLL_MAX_MS;
        coordinator_key_t *key = coordinator_tokens_key (self->tokens, k);
        //  A batch that counts as several requests waits for room for all
        //  of them in its key's window.
        int64_t room = t->batch ? coordinator_pacer_due_n (&key->pacer, (size_t) self->conf.units_per_batch) : 0;
        if (room > now_us) {
            coordinator_tasks_unqueue (self->tasks, t);
            return (room - now_us + 999) / 1000;
        }
        int token = coordinator_tokens_ensure (self->tokens, key, false, false, self->conf.run_id);
        const char *refusal = token < 0 ? coordinator_tokens_refusal (self->tokens) : NULL;
        if (refusal) {
            //  No request of the run can go: the tokens said why (an EVENT).
            coordinator_tasks_unqueue (self->tasks, t);
            coordinator_dispatch_halt (self, COORDINATOR_EXIT_CONFIG, refusal, false);
            return 0;
        }
        if (token) {
            //  Not yet (the key is paused) or refused: the task waits.
            s_requeue (self, t, token > 0 ? 0 : S_TOKEN_WAIT_MS);
            return COORDINATOR_POLL_MAX_MS;
        }
        t->dispatched_us = clock->us ();
        t->pace_n = coordinator_pacer_take (&key->pacer, t->dispatched_us);
        //  A batch spends its units of the key's budget, logged at once (at
        //  units 1, the default, one request like a task's).
        for (int u = 1; t->batch && u < self->conf.units_per_batch; u++)
            coordinator_pacer_take (&key->pacer, t->dispatched_us);
        self->next_key = (k + 1) % nkeys;
        if (w->creds_generation[k] != key->generation)
            s_send_creds (self, w, k);
        t->attempt++;
        t->generation = key->generation;
        t->key = (uint8_t) k;
        eod_msg_t *task = s_task_msg (self, t, key);
        int sent = self->conf.port.to_fetcher (self->conf.port.arg, w->identity, task);
        eod_msg_destroy (&task);
        if (sent) {
            //  The fetcher vanished (ROUTER_MANDATORY): forget it, keep the task.
            t->attempt--;
            coordinator_tasks_unqueue (self->tasks, t);
            coordinator_workers_remove (self->workers, w);
            continue;
        }
        w->credit--;
        t->state = COORDINATOR_TASK_LEASED;
        t->worker = w->seq;
        t->deadline_ms = now_ms + self->conf.lease_ms;
        key->requests++;
        self->counts.requests++;
    }
    return COORDINATOR_POLL_MAX_MS;
}

//  A fetcher missed its heartbeats: its leases go back to the queue.
static void
s_gone (coordinator_worker_t *w, void *arg)
{
    coordinator_dispatch_t *self = arg;
    int requeued = 0;
    for (coordinator_task_t *t = coordinator_tasks_first (self->tasks); t; t = coordinator_tasks_next (self->tasks))
        if (t->state == COORDINATOR_TASK_LEASED && t->worker == w->seq) {
            s_requeue (self, t, 0);
            requeued++;
        }
    eod_stage_incident (self->conf.stage, self->conf.run_id, NULL,
                        "fetcher %s missed %ld heartbeats: gone, %d task(s) requeued", w->name,
                        (long) self->conf.liveness, requeued);
}

//  Leases and writes past their deadline at now (ms).
static void
s_scan_deadlines (coordinator_dispatch_t *self, int64_t now)
{
    long resent = 0, waiting = 0;
    const coordinator_port_t *port = &self->conf.port;
    for (coordinator_task_t *t = coordinator_tasks_first (self->tasks); t; t = coordinator_tasks_next (self->tasks)) {
        if (t->state == COORDINATOR_TASK_WRITING && now > t->deadline_ms) {
            //  The writer died before making it durable, or is stuck: the
            //  kept RESULT goes to it again (it journals a task once), or
            //  the task is fetched again when it was not kept.
            //  A full queue to the writer still holds what it has not
            //  read: wait for it.
            size_t len;
            const char *kept = coordinator_tasks_kept (self->tasks, t, &len);
            int rc = kept ? port->to_writer_again (port->arg, kept, len) : -1;
            if (kept && (rc == 0 || errno == EAGAIN)) {
                t->deadline_ms = now + self->conf.ack_timeout_ms;
                resent += rc == 0;
                waiting += rc != 0;
            }
            else {
                eod_log_warn ("%s: the writer did not acknowledge in time: leased again", coordinator_task_id (t));
                s_requeue (self, t, 0);
            }
        }
        else if (t->state == COORDINATOR_TASK_LEASED && now > t->deadline_ms) {
            eod_log_warn ("%s: no result from %s in time: leased again", coordinator_task_id (t),
                          coordinator_workers_name (self->workers, t->worker));
            s_requeue (self, t, 0);
        }
    }
    if (resent || waiting)
        eod_log_warn ("the writer did not acknowledge %ld result(s) in time: %ld sent to it again, %ld still queued "
                      "for it",
                      resent + waiting, resent, waiting);
}

void
coordinator_dispatch_housekeeping (coordinator_dispatch_t *self, bool heartbeats)
{
    int64_t now = self->clock->ms ();
    coordinator_workers_reap (self->workers, now, self->conf.heartbeat_ms * self->conf.liveness, s_gone, self);
    //  Lease deadlines are seconds long: a scan every S_LEASE_SCAN_MS is
    //  enough, and keeps a large backfill's dispatch from scanning every task.
    if (now - self->last_lease_scan_ms >= S_LEASE_SCAN_MS) {
        self->last_lease_scan_ms = now;
        s_scan_deadlines (self, now);
    }
    if (heartbeats && now - self->last_heartbeat_ms >= self->conf.heartbeat_ms) {
        self->last_heartbeat_ms = now;
        eod_msg_t *hb = eod_msg_new (EOD_MSG_HEARTBEAT);
        eod_msg_set (&hb->worker, "coordinator");
        coordinator_dispatch_broadcast (self, hb);
        eod_msg_destroy (&hb);
    }
}

void
coordinator_dispatch_broadcast (coordinator_dispatch_t *self, const eod_msg_t *msg)
{
    coordinator_workers_t *workers = self->workers;
    for (coordinator_worker_t *w = coordinator_workers_first (workers); w; w = coordinator_workers_next (workers))
        self->conf.port.to_fetcher (self->conf.port.arg, w->identity, msg);
}

void
coordinator_dispatch_halt (coordinator_dispatch_t *self, int exit_code, const char *reason, bool announce)
{
    if (self->halt.halted)
        return;
    coordinator_halt_now (&self->halt, exit_code, reason);
    if (announce)
        s_halt_announce (self, NULL);
    else
        eod_log_error ("the run stops asking: its tasks fail unasked (the error above says why)");
}

const coordinator_halt_t *
coordinator_dispatch_halted (const coordinator_dispatch_t *self)
{
    return self->halt.halted ? &self->halt : NULL;
}

void
coordinator_dispatch_run_over (coordinator_dispatch_t *self)
{
    coordinator_pages_forget (self->pages);
    if (!self->halt.halted)
        coordinator_halt_reset (&self->halt);
}
