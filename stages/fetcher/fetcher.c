/*  fetcher — see fetcher.h. */
#include "fetcher.h"
#include "eod_date.h"
#include "eod_http.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "eod_util.h"

#include <string.h>
#include <unistd.h>

#define S_COORDINATOR_SILENCE_LIVENESS 3   //  heartbeats missed before reconnecting
#define S_RECONNECT_MAX_MS 32000           //  Paranoid Pirate back-off ceiling

struct _fetcher_t {
    eod_stage_t *stage;
    char endpoint[1024];
    bool once;
    char name[128];
    zsock_t *dealer;
    zhashx_t *creds;          //  key_id -> eod_msg_t CREDS
    bool busy;                //  a request is in flight
    bool over;                //  END came (one-shot): leave once the request in flight is answered
    bool credit_on_result;    //  the coordinator takes a RESULT's count as READY's
    bool adjusted;
    long timeout_ms;
    int64_t heartbeat_ms;
    int64_t last_heard_ms;
    int64_t last_sent_ms;
    int64_t reconnect_ms;
};

//  Copies "YYYY-MM-DD" as "YYYYMMDD".
static void
s_compact (const char *date, char out[9])
{
    size_t j = 0;
    for (size_t i = 0; date && date[i] && j < 8; i++)
        if (date[i] != '-')
            out[j++] = date[i];
    out[j] = '\0';
}

static const char *
s_status_of (int status)
{
    switch (status) {
    case EOD_KIS_OK: return "ok";
    case EOD_KIS_NODATA: return "nodata";
    case EOD_KIS_UNKNOWN_SYMBOL: return "unknown";
    case EOD_KIS_PERMANENT: return "permanent";
    default: return "retryable";
    }
}

eod_msg_t *
fetcher_fetch (const eod_msg_t *task, const eod_msg_t *creds, bool adjusted, long timeout_ms)
{
    eod_msg_t *result = eod_msg_new (EOD_MSG_RESULT);
    if (!result)
        return NULL;
    eod_msg_set (&result->run_id, task->run_id);
    eod_msg_set (&result->task_id, task->task_id);
    eod_msg_set (&result->market, task->market);
    eod_msg_set (&result->code, task->code);
    result->attempt = task->attempt;
    result->requests = 1;
    eod_kis_conn_t c = {
        .base_url = creds->base_url, .app_key = creds->app_key, .app_secret = creds->app_secret,
        .timeout_ms = timeout_ms, .http = eod_http_perform};
    char from[9], to[9];
    s_compact (task->date_from, from);
    s_compact (task->date_to, to);
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    memset (&r, 0, sizeof r);
    const char *date_key;
    int status;
    //  When the request was made, on the wall clock: the quote an answer
    //  carries (output1) is of that moment, whatever dates the request names,
    //  and the writer needs the moment to tell which session it describes.
    result->asked_at = (int64_t) eod_now ();
    if (strcmp (task->market, "us") == 0) {
        date_key = "xymd";
        status = eod_kis_overseas_daily (&c, creds->token, task->exchange ? task->exchange : "", task->code, to,
                                         adjusted, &output1, &rows, &nrows, &r);
    }
    else {
        date_key = "stck_bsop_date";
        status = eod_kis_daily_chart (&c, creds->token, task->code, from, to, adjusted, &output1, &rows, &nrows, &r);
    }
    //  When the request left: the coordinator compares it with when it
    //  dispatched the task, to see requests that reached the wire late.
    result->sent_us = r.sent_us;
    size_t kept = 0;
    char newest[9] = "";
    if (status == EOD_KIS_OK) {
        //  Keep the rows of the task's range only (the overseas endpoint
        //  returns 100 rows ending at BYMD whatever the start).
        for (size_t i = 0; i < nrows; i++) {
            const char *d = eod_fields_get (&rows[i], date_key);
            if (!d)
                continue;
            if (!newest[0] || strcmp (d, newest) > 0)
                snprintf (newest, sizeof newest, "%s", d);
            if (strcmp (d, from) >= 0 && strcmp (d, to) <= 0) {
                eod_msg_add_row (result, &rows[i]);
                kept++;
            }
        }
        if (kept == 0)
            status = EOD_KIS_NODATA;
    }
    //  A task of one session D (a daily run, or a refill of its gaps): an
    //  answer whose newest row is older has no row for D yet (not published,
    //  or the code did not trade). Never take an earlier row for D; the
    //  coordinator asks again (US), records the code in the gaps and counts
    //  it against [pipeline] unpublished_pct.
    bool one_session = (task->mode && strcmp (task->mode, "daily") == 0) || strcmp (from, to) == 0;
    bool unpublished = status == EOD_KIS_NODATA && one_session && newest[0] && strcmp (newest, to) < 0;
    eod_msg_set (&result->status, unpublished ? "retryable" : s_status_of (status));
    if (unpublished)
        eod_msg_set (&result->msg_cd, EOD_UNPUBLISHED);
    if (status == EOD_KIS_OK)
        eod_fields_merge (&result->snapshot, &output1);
    else if (status == EOD_KIS_NODATA) {
        char text[160];
        if (newest[0])
            snprintf (text, sizeof text, "no row in %s..%s (newest %s)", from, to, newest);
        else
            snprintf (text, sizeof text, "no row in %s..%s", from, to);
        eod_msg_set (&result->error, text);
    }
    else {
        eod_msg_set (&result->msg_cd, r.msg_cd);
        eod_msg_set (&result->error, r.error[0] ? r.error : r.msg1);
    }
    eod_fields_clear (&output1);
    eod_fields_array_free (&rows, nrows);
    return result;
}

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
    eod_stage_socket_destroy (self->stage, &self->dealer);
    self->dealer = eod_socket_new (ZMQ_DEALER, self->endpoint, false, self->stage->linger_ms);
    if (!self->dealer)
        return -1;
    if (eod_stage_link (self->stage, self->dealer, "fetchers"))
        return -1;
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
    self->adjusted = eod_config_bool (stage->config, "kis:adjusted");
    self->timeout_ms = (long) eod_config_int (stage->config, "kis:timeout_ms");
    self->heartbeat_ms = eod_config_int (stage->config, "pipeline:heartbeat_ms");
    self->reconnect_ms = 1000;
    self->creds = zhashx_new ();
    zhashx_set_destructor (self->creds, s_creds_free);
    if (s_connect (self))
        goto fail;
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
    zsock_destroy (&self->dealer);
    zhashx_destroy (&self->creds);
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
    else if (msg->type == EOD_MSG_TASK) {
        eod_msg_t *creds = msg->key_id ? zhashx_lookup (self->creds, msg->key_id) : NULL;
        if (self->busy) {
            eod_log_warn ("TASK %s while busy: answered retryable", msg->task_id);
        }
        if (!creds || self->busy) {
            eod_msg_t *result = eod_msg_new (EOD_MSG_RESULT);
            eod_msg_set (&result->run_id, msg->run_id);
            eod_msg_set (&result->task_id, msg->task_id);
            eod_msg_set (&result->market, msg->market);
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
    self->busy = true;
    //  A copy of the credentials: CREDS may be replaced during the request.
    eod_msg_t *mine = eod_msg_dup (creds);
    eod_msg_t *result = mine ? fetcher_fetch (*task_p, mine, self->adjusted, self->timeout_ms) : NULL;
    eod_msg_destroy (&mine);
    eod_msg_destroy (task_p);
    self->busy = false;
    //  A coordinator that says so in its CREDS takes the RESULT's count as a
    //  READY's: one message a task instead of two.
    bool credit = result && self->credit_on_result;
    if (result) {
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
        if (now - self->last_heard_ms > self->heartbeat_ms * S_COORDINATOR_SILENCE_LIVENESS
                                            + self->reconnect_ms) {
            eod_log_warn ("coordinator silent for %ld ms: reconnecting to %s", (long) (now - self->last_heard_ms),
                          self->endpoint);
            s_connect (self);
            self->reconnect_ms = self->reconnect_ms * 2 > S_RECONNECT_MAX_MS ? S_RECONNECT_MAX_MS
                                                                             : self->reconnect_ms * 2;
        }
    }
    return 0;
}
