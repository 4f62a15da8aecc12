/*  fetcher — see fetcher.h. */
#include "fetcher.h"
#include "batch.h"
#include "eod_cal.h"
#include "eod_http.h"
#include "eod_log.h"
#include "fetch.h"
#include "eod_util.h"

#include <string.h>
#include <unistd.h>

#define S_COORDINATOR_SILENCE_LIVENESS 3   //  heartbeats missed before reconnecting
#define S_RECONNECT_MAX_MS 32000           //  Paranoid Pirate back-off ceiling
#define S_RUN_ID_MAX 128
#define S_INSECURE_WARNING                                                                                             \
    "[kis] insecure is set: TLS certificates of the API host are not verified (never in "                              \
    "production)"

struct _fetcher_t {
    eod_stage_t *stage;
    char endpoint[1024];
    bool once;
    char name[128];
    zsock_t *dealer;
    bool relay_events;            //  no route to the notifier (another host): EVENTs go on the dealer
    zhashx_t *creds;              //  key_id -> eod_msg_t CREDS
    bool busy;                    //  a request is in flight
    bool over;                    //  END came (one-shot): leave once the request in flight is answered
    bool credit_on_result;        //  the coordinator takes a RESULT's count as READY's
    fetcher_fetch_conf_t fetch;   //  [kis] adjusted, timeout_ms, insecure, ca_file
    eod_quote_window_t window;    //  [multiquote] window, [kis] env: when a BATCH is asked
    eod_cal_t *cal;               //  the calendar tables, for the window
    char run_id[S_RUN_ID_MAX];    //  the run of the last TASK ("": none yet)
    int64_t heartbeat_ms;
    int64_t last_heard_ms;
    int64_t last_sent_ms;
    int64_t reconnect_ms;
};

static void
s_creds_free (void **item)
{
    eod_msg_t *m = *item;
    eod_msg_destroy (&m);
    *item = NULL;
}

static int
s_send (fetcher_t *self, eod_msg_t *msg)
{
    int rc = eod_stage_send (self->stage, self->dealer, NULL, msg);
    self->last_sent_ms = eod_clock_ms ();
    return rc;
}

static void
s_send_simple (fetcher_t *self, eod_msg_type_t type)
{
    eod_msg_t *msg = eod_msg_new (type);
    eod_msg_set (&msg->worker, self->name);
    //  READY: one more task. HEARTBEAT: 1 when idle, so a coordinator that
    //  restarted (and never saw this fetcher's READY) knows it may send one.
    msg->count = type == EOD_MSG_READY || !self->busy ? 1 : 0;
    //  The coordinator learns this host's clock from it before any RESULT.
    msg->sent_us = eod_monotonic_us ();
    s_send (self, msg);
    eod_msg_destroy (&msg);
}

static void s_watch (void *arg);

static int
s_connect (fetcher_t *self)
{
    eod_http_set_watch (-1, 0, NULL, NULL);
    if (self->relay_events)
        eod_stage_events_via (self->stage, NULL);
    eod_stage_socket_destroy (self->stage, &self->dealer);
    self->dealer = eod_socket_new (ZMQ_DEALER, self->endpoint, false, self->stage->linger_ms);
    if (!self->dealer)
        return -1;
    if (eod_stage_link (self->stage, self->dealer, "fetchers"))
        return -1;
    //  A fetcher with no route to the notifier (on another host) hands its
    //  EVENTs to the coordinator, which passes them on.
    if (self->relay_events)
        eod_stage_events_via (self->stage, self->dealer);
    //  ZMQ_IMMEDIATE: with no coordinator connected a send would wait for
    //  one forever. It waits as long as a silent coordinator is waited for.
    zsock_set_sndtimeo (self->dealer, (int) (self->heartbeat_ms * S_COORDINATOR_SILENCE_LIVENESS));
    //  The request runs in this thread: while it is in flight, eod_http
    //  hands the coordinator's messages and the heartbeats to s_watch.
    eod_http_set_watch (zsock_fd (self->dealer), self->heartbeat_ms / 2, s_watch, self);
    self->last_heard_ms = eod_clock_ms ();
    //  Credit for one task, unless one is in flight (its RESULT will ask again).
    if (!self->busy)
        s_send_simple (self, EOD_MSG_READY);
    else
        s_send_simple (self, EOD_MSG_HEARTBEAT);
    return 0;
}

fetcher_t *
fetcher_new (eod_stage_t *stage, const char *endpoint, bool once)
{
    fetcher_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->stage = stage;
    self->once = once;
    snprintf (self->endpoint, sizeof self->endpoint, "%s", endpoint);
    char host[64] = "host";
    gethostname (host, sizeof host - 1);
    snprintf (self->name, sizeof self->name, "%s-%d", host, (int) getpid ());
    const eod_config_t *cfg = stage->config;
    self->fetch.adjusted = eod_config_bool (cfg, "kis:adjusted");
    self->fetch.timeout_ms = (long) eod_config_int (cfg, "kis:timeout_ms");
    self->fetch.insecure = eod_config_bool (cfg, "kis:insecure");
    self->fetch.ca_file = eod_config_str (cfg, "kis:ca_file");
    //  The window rule is asked at each BATCH's request (batch.h).
    bool mock = strcmp (eod_config_str (cfg, "kis:env"), "test") == 0;
    if (eod_quote_window_init (&self->window, eod_config_str (cfg, "multiquote:window_start"),
                               eod_config_str (cfg, "multiquote:window_end"), self->fetch.timeout_ms, mock)) {
        eod_log_error ("[multiquote] window_start or window_end is not HH:MM");
        goto fail;
    }
    char caldir[1024];
    eod_config_path_value (cfg, "pipeline:calendar_dir", caldir, sizeof caldir);
    //  Without it every BATCH is answered skipped (calendar): the TASKs still go.
    self->cal = eod_cal_new (caldir);
    if (!self->cal)
        eod_log_warn ("%s: no calendar tables: every batch of the multi-stock quote is answered skipped", caldir);
    self->relay_events = !stage->events;
    self->heartbeat_ms = eod_config_int (stage->config, "pipeline:heartbeat_ms");
    self->reconnect_ms = 1000;
    self->creds = zhashx_new ();
    zhashx_set_destructor (self->creds, s_creds_free);
    if (s_connect (self))
        goto fail;
    //  Said at start and at each later run a long-lived fetcher serves, so
    //  every run's log and summary has it.
    if (self->fetch.insecure)
        eod_stage_event (self->stage, "warn", NULL, NULL, S_INSECURE_WARNING);
    return self;
fail:
    fetcher_destroy (&self);
    return NULL;
}

void
fetcher_destroy (fetcher_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    fetcher_t *self = *self_p;
    eod_http_set_watch (-1, 0, NULL, NULL);
    eod_http_thread_done ();
    if (self->relay_events)
        eod_stage_events_via (self->stage, NULL);
    zsock_destroy (&self->dealer);
    zhashx_destroy (&self->creds);
    eod_cal_destroy (&self->cal);
    free (self);
    *self_p = NULL;
}

static void s_fetch (fetcher_t *self, eod_msg_t **task_p, const eod_msg_t *creds);

//  One message from the coordinator, when one is waiting (false when none
//  was). A TASK while a request is in flight (a coordinator that lost count)
//  is answered retryable at once.
static bool
s_on_coordinator (fetcher_t *self)
{
    bool taken;
    eod_msg_t *msg = eod_stage_try_recv (self->stage, self->dealer, NULL, &taken);
    if (!taken)
        return false;
    self->last_heard_ms = eod_clock_ms ();
    self->reconnect_ms = 1000;
    if (!msg)
        return true;
    if (msg->type == EOD_MSG_CREDS) {
        eod_log_secret (msg->token);
        eod_log_secret (msg->app_secret);
        eod_log_secret (msg->app_key);
        self->credit_on_result = msg->count > 0;
        zhashx_update (self->creds, msg->key_id, msg);
        msg = NULL;
    }
    else if (msg->type == EOD_MSG_TASK || msg->type == EOD_MSG_BATCH) {
        bool batch = msg->type == EOD_MSG_BATCH;
        eod_msg_t *creds = msg->key_id ? zhashx_lookup (self->creds, msg->key_id) : NULL;
        if (self->busy) {
            eod_log_warn ("%s %s while busy: answered retryable", eod_msg_type_name (msg->type), msg->task_id);
        }
        if (!creds || self->busy) {
            eod_msg_t *result = eod_msg_new (batch ? EOD_MSG_QUOTES : EOD_MSG_RESULT);
            eod_msg_set (&result->run_id, msg->run_id);
            eod_msg_set (&result->task_id, msg->task_id);
            eod_msg_set (&result->market, msg->market);
            if (batch) {
                eod_msg_set (&result->date_from, msg->date_from);
                for (size_t i = 0; i < msg->nlist; i++)
                    eod_msg_add_list (result, msg->list[i]);
            }
            else
                eod_msg_set (&result->code, msg->code);
            eod_msg_set (&result->status, "retryable");
            eod_msg_set (&result->error, self->busy ? "fetcher busy" : "no credentials for the task's key");
            s_send (self, result);
            eod_msg_destroy (&result);
            if (!self->busy)
                s_send_simple (self, EOD_MSG_READY);
        }
        else
            s_fetch (self, &msg, creds);
    }
    else if (msg->type == EOD_MSG_END)
        self->over = self->over || self->once;
    else if (msg->type != EOD_MSG_HEARTBEAT)
        eod_log_warn ("unexpected %s from the coordinator: ignored", eod_msg_type_name (msg->type));
    eod_msg_destroy (&msg);
    return true;
}

//  Every message waiting from the coordinator, and a heartbeat when one is
//  due: the main loop's work, and eod_http's watch while a request is in
//  flight. The heartbeat goes first: a send may take the socket's signal,
//  so the messages are taken until none is left (a receive that finds none
//  leaves ZMQ_FD ready to signal the next).
static void
s_watch (void *arg)
{
    fetcher_t *self = arg;
    if (eod_clock_ms () - self->last_sent_ms >= self->heartbeat_ms)
        s_send_simple (self, EOD_MSG_HEARTBEAT);
    while (s_on_coordinator (self))
        ;
}

//  Makes the task's request in this thread (s_watch keeps the coordinator's
//  link served meanwhile) and answers it.
static void
s_fetch (fetcher_t *self, eod_msg_t **task_p, const eod_msg_t *creds)
{
    const char *run_id = (*task_p)->run_id ? (*task_p)->run_id : "";
    if (strcmp (run_id, self->run_id) != 0) {
        if (self->fetch.insecure && *self->run_id)
            eod_stage_event (self->stage, "warn", run_id, NULL, S_INSECURE_WARNING);
        snprintf (self->run_id, sizeof self->run_id, "%s", run_id);
    }
    self->busy = true;
    //  A copy of the credentials: CREDS may be replaced during the request.
    eod_msg_t *mine = eod_msg_dup (creds);
    bool batch = (*task_p)->type == EOD_MSG_BATCH;
    fetcher_batch_conf_t bconf = {.fetch = self->fetch, .window = &self->window, .cal = self->cal};
    eod_msg_t *result = !mine   ? NULL
                        : batch ? fetcher_batch (*task_p, mine, &bconf)
                                : fetcher_fetch (*task_p, mine, &self->fetch);
    eod_msg_destroy (&mine);
    eod_msg_destroy (task_p);
    self->busy = false;
    //  A coordinator that says so in its CREDS takes the RESULT's count as a
    //  READY's: one message a task instead of two. A QUOTES has no count.
    bool credit = result && self->credit_on_result && !batch;
    if (result) {
        if (!batch)
            result->count = credit ? 1 : 0;
        s_send (self, result);
        eod_msg_destroy (&result);
    }
    if (!credit)
        s_send_simple (self, EOD_MSG_READY);
}

int
fetcher_run (fetcher_t *self)
{
    while (!zsys_interrupted && !self->over) {
        zmq_pollitem_t item = {zsock_resolve (self->dealer), 0, ZMQ_POLLIN, 0};
        int n = zmq_poll (&item, 1, (long) self->heartbeat_ms / 2);
        if (zsys_interrupted || (n < 0 && zmq_errno () != EINTR))
            break;
        s_watch (self);
        int64_t now = eod_clock_ms ();
        if (now - self->last_heard_ms > self->heartbeat_ms * S_COORDINATOR_SILENCE_LIVENESS + self->reconnect_ms) {
            long silent = (long) (now - self->last_heard_ms);
            s_connect (self);
            //  Told once the new link is up, so a fetcher on another host
            //  gets it to the run's summary through the coordinator.
            eod_stage_incident (self->stage, self->run_id, NULL,
                                "fetcher %s: the coordinator was silent for %ld "
                                "ms: reconnected to %s",
                                self->name, silent, self->endpoint);
            self->reconnect_ms =
                self->reconnect_ms * 2 > S_RECONNECT_MAX_MS ? S_RECONNECT_MAX_MS : self->reconnect_ms * 2;
        }
    }
    return 0;
}
