/*  eod-notifier — tells people what the pipeline did, on Slack.

    EVENTs from every stage: a closed-market notice, failure alerts (level
    error); everything else is only logged. END closes a run: its summary
    (rows, codes missing, duration, requests/s) is posted, and every run,
    closed days included, is recorded in the Prometheus textfile
    (metrics:textfile, see eod_metrics.h). Slack being slow or
    down never stalls anything upstream: this stage is the last one, posts
    are bounded in time, and a failed post is logged, not retried forever. */
#include <stdlib.h>
#include <string.h>

#include "eod_date.h"
#include "eod_log.h"
#include "eod_metrics.h"
#include "eod_slack.h"
#include "eod_stage_main.h"
#include "notify_format.h"
#include "run_notes.h"

#define S_INCIDENTS_MAX 20    //  incidents listed in one run summary
#define S_END_SETTLE_MS 300   //  EVENTs still taken after END before the summary

typedef struct {
    eod_stage_t *stage;
    eod_slack_t *slack;   //  NULL: Slack off, messages only logged
    char channel[256];
    char metrics_path[1024];   //  "": no metrics file
    long missing_cap;
    int failures;
    char *incidents[S_INCIDENTS_MAX];   //  "stage: text" of this run's incidents
    size_t nincidents;
    long incidents_dropped;   //  past S_INCIDENTS_MAX
} s_notifier_t;

static void
s_post (s_notifier_t *self, char *body)
{
    if (!body)
        return;
    if (self->slack) {
        char err[256];
        if (eod_slack_post (self->slack, body, err, sizeof err)) {
            eod_log_error ("Slack: message not delivered: %s", err);
            self->failures++;
        }
    }
    else
        eod_log_info ("Slack is off; message: %s", body);
    free (body);
}

static long
s_meta_long (const eod_msg_t *m, const char *key)
{
    const char *v = eod_fields_get (&m->meta, key);
    return v ? strtol (v, NULL, 10) : 0;
}

//  The run's figures into the metrics file. A failure is logged: metrics
//  never fail a run.
static void
s_record_metrics (s_notifier_t *self, const eod_msg_t *end, eod_metrics_status_t status)
{
    if (!*self->metrics_path)
        return;
    //  A backfill is known by its last session; a daily run has one.
    const char *session = end->date_to ? end->date_to : end->date_from;
    eod_metrics_run_t run = {.market = end->market,
                             .mode = end->mode,
                             .status = status,
                             .rows = s_meta_long (end, "rows"),
                             .tasks = s_meta_long (end, "tasks"),
                             .failed_codes = s_meta_long (end, "failed"),
                             .requests = s_meta_long (end, "requests"),
                             .rejections = s_meta_long (end, "rate_limited"),
                             .retries = s_meta_long (end, "retries"),
                             .unpublished_codes = s_meta_long (end, "unpublished"),
                             .rows_without_snapshot = s_meta_long (end, "unbound"),
                             .universe_entered = s_meta_long (end, "universe_entered"),
                             .universe_left = s_meta_long (end, "universe_left"),
                             .anomalies = s_meta_long (end, "anomalies"),
                             .xcheck_checked = s_meta_long (end, "xcheck_checked"),
                             .xcheck_disagreed = s_meta_long (end, "xcheck_disagreed"),
                             .xcheck_not_checked = s_meta_long (end, "xcheck_not_checked"),
                             .duration_s = (double) s_meta_long (end, "duration_ms") / 1000.0,
                             .ended_at = eod_now ()};
    for (int k = 0; k < EOD_METRICS_ANOMALY_KINDS; k++) {
        char key[64];
        snprintf (key, sizeof key, "anomalies_%s", eod_metrics_anomaly_kind (k));
        run.anomalies_by_kind[k] = s_meta_long (end, key);
    }
    char err[512];
    if (eod_date_parse (session, &run.session))
        eod_log_warn ("metrics: not recorded: the run's session \"%s\" is not a date", session ? session : "");
    else if (eod_metrics_record (self->metrics_path, &run, err, sizeof err))
        eod_log_warn ("metrics: not recorded: %s", err);
    else
        eod_log_info ("metrics: %s", self->metrics_path);
}

static void
s_on_end (s_notifier_t *self, const eod_msg_t *end)
{
    if (end->status && strcmp (end->status, "closed") == 0) {
        s_record_metrics (self, end, EOD_METRICS_CLOSED);
        return;   //  the calendar gate's EVENT said so already
    }
    char session[32];
    if (end->date_from && end->date_to && strcmp (end->date_from, end->date_to) != 0)
        snprintf (session, sizeof session, "%s..%s", end->date_from, end->date_to);
    else
        snprintf (session, sizeof session, "%s", end->date_from ? end->date_from : "?");
    const char *status = "complete";
    eod_metrics_status_t metrics_status = EOD_METRICS_OK;
    if (end->status && strcmp (end->status, "failed") == 0) {
        status = "failed";
        metrics_status = EOD_METRICS_FAILED;
    }
    else if (end->status && strcmp (end->status, "incomplete") == 0) {
        status = "incomplete";
        metrics_status = EOD_METRICS_INCOMPLETE;
    }
    else if ((end->status && strcmp (end->status, "partial") == 0) || s_meta_long (end, "failed") > 0) {
        status = "partial";
        metrics_status = EOD_METRICS_PARTIAL;
    }
    s_record_metrics (self, end, metrics_status);
    char notes[RUN_NOTES_MAX][RUN_NOTE_SIZE];
    const char *note_texts[RUN_NOTES_MAX];
    size_t nnotes = run_notes (end, notes);
    for (size_t i = 0; i < nnotes; i++) {
        note_texts[i] = notes[i];
        eod_log_info ("run %s: %s", end->run_id ? end->run_id : "?", notes[i]);
    }
    //  Garbled master records are data the run could not use: listed with the missing.
    const char **missing = calloc (end->nlist + 4, sizeof *missing);
    size_t nmissing = 0;
    char garbled[2][128];
    static const char *const files[] = {"kospi", "kosdaq"};
    for (size_t i = 0; missing && i < end->nlist; i++)
        missing[nmissing++] = end->list[i];
    for (size_t i = 0; missing && i < 2; i++) {
        char key[32];
        snprintf (key, sizeof key, "%s_garbled", files[i]);
        long n = s_meta_long (end, key);
        if (n > 0) {
            snprintf (garbled[i], sizeof garbled[i], "%s_code.mst: %ld garbled record(s) skipped", files[i], n);
            missing[nmissing++] = garbled[i];
        }
    }
    notify_summary_t s = {.market = end->market ? end->market : "?",
                          .session = session,
                          .mode = end->mode ? end->mode : "daily",
                          .status = status,
                          .rows = s_meta_long (end, "rows"),
                          .tasks_total = s_meta_long (end, "tasks"),
                          .tasks_ok = s_meta_long (end, "ok"),
                          .tasks_nodata = s_meta_long (end, "nodata"),
                          .tasks_unknown = s_meta_long (end, "unknown"),
                          .tasks_failed = s_meta_long (end, "failed"),
                          .missing = missing,
                          .nmissing = nmissing,
                          .missing_cap = (size_t) self->missing_cap,
                          .duration_s = (double) s_meta_long (end, "duration_ms") / 1000.0,
                          .requests = s_meta_long (end, "requests"),
                          .rate_limited = s_meta_long (end, "rate_limited"),
                          .retries = s_meta_long (end, "retries"),
                          .resumed = s_meta_long (end, "resumed"),
                          .incidents = (const char *const *) self->incidents,
                          .nincidents = self->nincidents,
                          .incidents_more = self->incidents_dropped,
                          .object_uri = eod_fields_get (&end->meta, "object_uri"),
                          .run_id = end->run_id,
                          .notes = note_texts,
                          .nnotes = nnotes};
    s.requests_per_s = s.duration_s > 0 ? (double) s.requests / s.duration_s : 0;
    eod_log_info ("run %s %s %s: %s, %ld rows, %ld tasks (%ld ok, %ld no data, %ld unknown, %ld failed), %ld "
                  "requests in %.1f s%s%s",
                  s.market, s.mode, session, status, s.rows, s.tasks_total, s.tasks_ok, s.tasks_nodata, s.tasks_unknown,
                  s.tasks_failed, s.requests, s.duration_s, end->error ? ": " : "", end->error ? end->error : "");
    s_post (self, notify_format_summary (&s, *self->channel ? self->channel : NULL));
    free (missing);
    for (size_t i = 0; i < self->nincidents; i++)
        free (self->incidents[i]);
    self->nincidents = 0;
    self->incidents_dropped = 0;
    if (strcmp (status, "failed") == 0 && end->error)
        s_post (self, notify_format_failure (end->stage ? end->stage : "pipeline", end->error, s.market, session,
                                             *self->channel ? self->channel : NULL));
}

static void
s_on_event (s_notifier_t *self, const eod_msg_t *ev)
{
    const char *kind = eod_fields_get (&ev->fields, "kind");
    const char *channel = *self->channel ? self->channel : NULL;
    if (kind && strcmp (kind, "closed") == 0)
        s_post (self, notify_format_closed (ev->market ? ev->market : "?", ev->date_from ? ev->date_from : "?",
                                            eod_fields_get (&ev->fields, "reason"), channel));
    else if (strcmp (ev->level, "error") == 0)
        s_post (self, notify_format_failure (ev->stage, ev->text, ev->market, ev->date_from, channel));
    else if (kind && strcmp (kind, "incident") == 0) {
        //  Kept for the run summary: a stage restarted, a fetcher lost.
        eod_log_info ("incident from %s: %s", ev->stage, ev->text);
        char line[600];
        snprintf (line, sizeof line, "%s: %s", ev->stage, ev->text);
        if (self->nincidents < S_INCIDENTS_MAX)
            self->incidents[self->nincidents++] = strdup (line);
        else
            self->incidents_dropped++;
    }
    else
        eod_log_info ("event from %s (%s): %s", ev->stage, ev->level, ev->text);
}

int
main (int argc, char **argv)
{
    eod_main_opts_t opts;
    int rc = eod_main_parse (argc, argv, "notifier",
                             "The notifier: posts run summaries, closed-market notices and failure alerts to Slack\n"
                             "(chat.postMessage with a bot token, or an incoming webhook).",
                             &opts);
    if (rc >= 0)
        return rc;
    eod_stage_t *stage = eod_stage_new ("notifier", opts.config);
    if (!stage)
        return 2;
    const eod_config_t *cfg = stage->config;
    s_notifier_t self = {.stage = stage, .missing_cap = (long) eod_config_int (cfg, "slack:missing_cap")};
    const char *channel = eod_config_str (cfg, "slack:channel");
    if (!*channel)
        channel = eod_config_str (cfg, "slack_config:channel_name");
    //  The reference pipeline stored the name without '#' and added it; an id (C0123...) stays as it is.
    bool is_id = *channel && strspn (channel, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == strlen (channel);
    snprintf (self.channel, sizeof self.channel, "%s%s", *channel && *channel != '#' && !is_id ? "#" : "", channel);
    if (*eod_config_str (cfg, "metrics:textfile"))
        eod_config_path_value (cfg, "metrics:textfile", self.metrics_path, sizeof self.metrics_path);
    const char *token = eod_config_str (cfg, "slack_config:channel_access_token");
    const char *webhook = eod_config_str (cfg, "slack_config:webhook_url");
    if (eod_config_bool (cfg, "slack:enabled") && (*token || *webhook)) {
        const char *ca = eod_config_str (cfg, "slack:ca_file");
        eod_slack_config_t sc = {.api_base = eod_config_str (cfg, "slack:api_base"),
                                 .token = *token ? token : NULL,
                                 .webhook_url = *webhook ? webhook : NULL,
                                 .timeout_ms = (long) eod_config_int (cfg, "slack:timeout_ms"),
                                 .max_wait_ms = (long) eod_config_int (cfg, "slack:max_wait_ms"),
                                 .max_attempts = (int) eod_config_int (cfg, "slack:max_attempts"),
                                 .insecure = eod_config_bool (cfg, "slack:insecure"),
                                 .ca_file = *ca ? ca : NULL};
        self.slack = eod_slack_new (&sc);
        if (!self.slack) {
            eod_stage_destroy (&stage);
            return 2;
        }
        if (!*webhook && !*self.channel) {
            eod_log_error ("%s: Slack needs a channel ([slack] channel or [SLACK_CONFIG] channel_name)",
                           eod_config_path (cfg));
            eod_slack_destroy (&self.slack);
            eod_stage_destroy (&stage);
            return 2;
        }
    }
    else
        eod_log_info ("Slack is off (no token or webhook, or [slack] enabled = false): messages are logged");
    zsock_t *input = eod_stage_socket (stage, ZMQ_PULL, "endpoints:notifier", true);
    if (!input) {
        eod_slack_destroy (&self.slack);
        eod_stage_destroy (&stage);
        return 2;
    }
    zpoller_t *poller = zpoller_new (input, NULL);
    //  ENDs that came while another run ended, summarised next.
    zlistx_t *ends = zlistx_new ();
    bool over = false;
    while (!zsys_interrupted && !over) {
        eod_msg_t *msg = ends ? zlistx_detach (ends, NULL) : NULL;
        if (!msg) {
            if (!zpoller_wait (poller, 1000)) {
                if (zpoller_terminated (poller))
                    break;
                continue;
            }
            msg = eod_stage_recv (stage, input, NULL);
        }
        if (!msg)
            continue;
        if (msg->type == EOD_MSG_EVENT)
            s_on_event (&self, msg);
        else if (msg->type == EOD_MSG_END) {
            //  EVENTs come on their own connections: those sent just before
            //  END (an incident of a restarted stage) may still be on their
            //  way. Take what arrives within a moment, then summarise.
            int64_t until = zclock_mono () + S_END_SETTLE_MS;
            while (zclock_mono () < until) {
                if (!(zsock_events (input) & ZMQ_POLLIN)) {
                    zclock_sleep (10);
                    continue;
                }
                eod_msg_t *ev = eod_stage_recv (stage, input, NULL);
                if (ev && ev->type == EOD_MSG_EVENT)
                    s_on_event (&self, ev);
                else if (ev && ev->type == EOD_MSG_END && ends) {
                    zlistx_add_end (ends, ev);
                    ev = NULL;
                }
                else if (ev)
                    eod_log_warn ("%s while a run ends: ignored", eod_msg_type_name (ev->type));
                eod_msg_destroy (&ev);
            }
            s_on_end (&self, msg);
            over = opts.once;
        }
        else
            eod_log_warn ("unexpected %s: ignored", eod_msg_type_name (msg->type));
        eod_msg_destroy (&msg);
    }
    //  Events that arrived with END (a closed day's notice) are still posted.
    while (over && zsock_events (input) & ZMQ_POLLIN) {
        eod_msg_t *msg = eod_stage_recv (stage, input, NULL);
        if (msg && msg->type == EOD_MSG_EVENT)
            s_on_event (&self, msg);
        eod_msg_destroy (&msg);
    }
    for (eod_msg_t *m = ends ? zlistx_detach (ends, NULL) : NULL; m; m = zlistx_detach (ends, NULL)) {
        eod_log_warn ("run %s: END not summarised (the notifier stops)", m->run_id ? m->run_id : "?");
        eod_msg_destroy (&m);
    }
    eod_main_settled (0);
    zlistx_destroy (&ends);
    zpoller_destroy (&poller);
    zsock_destroy (&input);
    for (size_t i = 0; i < self.nincidents; i++)
        free (self.incidents[i]);
    eod_slack_destroy (&self.slack);
    eod_stage_destroy (&stage);
    return 0;
}
