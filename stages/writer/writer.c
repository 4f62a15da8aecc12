/*  writer — see writer.h. */
#include "writer.h"
#include "anomalies.h"
#include "close.h"
#include "compact.h"
#include "eod_cal.h"
#include "eod_log.h"
#include "eod_log_cap.h"
#include "finish.h"
#include "replay.h"
#include "xcheck.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_BATCH_MAX 256           //  results made durable by one fsync
#define S_INPUT_HWM S_BATCH_MAX   //  messages queued in this process per peer: one batch
#define S_RESEND_MS 2000          //  FILE/END the uploader has not acknowledged are sent again
#define S_POLL_MS 500
#define S_ACK_IDS_MAX 256   //  task ids in one ACK
#define S_GROUP_MS 2        //  a batch with results waits this long for more before its fsync
#define S_DIR_MAX 1024
#define S_JOURNAL_PATH_MAX 1200   //  a journal file: the directory and "RUN.journal"
#define S_FIGURE_MAX 32           //  a number of the END's summary, as text
#define S_WHY_MAX 512             //  the reasons rows went without the snapshot columns, as text
#define S_FIRST_MAX 1600          //  the first anomalies of a run, as text

struct _writer_t {
    eod_stage_t *stage;
    bool once;
    zsock_t *input;            //  PULL from the coordinator
    zsock_t *acks;             //  PUSH to the coordinator
    zsock_t *uploader;         //  PUSH to the uploader
    writer_finish_t *finish;   //  FILE and END until the uploader acknowledges them
    writer_replay_t *replay;   //  the open journal and its task ids
    char data_dir[S_DIR_MAX];
    bool sync_failed;   //  in this batch: its ACKs are not sent
    eod_msg_t *run_done;
    zhashx_t *folded;                //  sessions (YYYY-MM-DD) the fold of run_done wrote
    zhashx_t *sidecars;              //  sessions whose sidecar that fold wrote
    eod_cal_t *cal;                  //  the exchange calendars: which session a quote describes
    writer_snapshot_t *snapshot;     //  which rows keep the snapshot columns, and the counts of the fold
    writer_anomalies_t *anomalies;   //  validation of the fold's rows: sidecars and counts
    eod_quote_window_t window;       //  [multiquote] window, [kis] env: when a quote is a session's
    writer_xcheck_conf_t xconf;      //  the cross-check's tolerances
    writer_xcheck_t *xcheck;         //  the cross-check of run_done (a daily KR run with batches), or NULL
    writer_validate_conf_t rules;    //  [validate]
    long close_findings;             //  validation's findings in the fast close's rows
    long rows_written;
    long files;            //  files written by the fold
    long files_existing;   //  files of the range the fold did not touch, reported too
    bool failed;
};

static int
s_send_uploader (const eod_msg_t *msg, void *arg)
{
    writer_t *self = arg;
    return eod_stage_send_nowait (self->stage, self->uploader, NULL, msg);
}

//  A sidecar of validation's findings (anomalies.h): to the uploader, under
//  its own key (its rel starts "anomalies/").
static void
s_on_sidecar (const char *path, const char *rel, const char *date, long rows, void *arg)
{
    writer_t *self = arg;
    zhashx_insert (self->sidecars, date, (void *) 1);
    if (writer_finish_file (self->finish, self->run_done->run_id, self->run_done->market, path, rel, date, rows))
        self->failed = true;
}

writer_t *
writer_new (eod_stage_t *stage, bool once)
{
    writer_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->stage = stage;
    self->once = once;
    self->folded = zhashx_new ();
    self->sidecars = zhashx_new ();
    self->finish = writer_finish_new (s_send_uploader, self, S_RESEND_MS);
    if (!self->folded || !self->sidecars || !self->finish)
        goto fail;
    char state[S_DIR_MAX], journal_dir[S_DIR_MAX];
    eod_config_path_value (stage->config, "pipeline:state_dir", state, sizeof state);
    snprintf (journal_dir, sizeof journal_dir, "%s/writer", state);
    eod_config_path_value (stage->config, "pipeline:data_dir", self->data_dir, sizeof self->data_dir);
    self->replay = writer_replay_new (journal_dir);
    if (!self->replay)
        goto fail;
    //  Without the calendars no row can be shown to be of the session its
    //  quote describes: the rows are written without the snapshot columns,
    //  and the run's summary says why.
    char calendars[S_DIR_MAX];
    eod_config_path_value (stage->config, "pipeline:calendar_dir", calendars, sizeof calendars);
    self->cal = eod_cal_new (calendars);
    if (!self->cal)
        eod_log_error ("%s: the calendars cannot be read: rows are written without the snapshot columns", calendars);
    self->snapshot = writer_snapshot_new (self->cal, (long) eod_config_int (stage->config, "kis:timeout_ms"));
    if (!self->snapshot)
        goto fail;
    writer_validate_conf_t rules = {.kr_limit_pct = (long) eod_config_int (stage->config, "validate:kr_limit_pct"),
                                    .us_move_pct = (long) eod_config_int (stage->config, "validate:us_move_pct")};
    self->rules = rules;
    self->anomalies = writer_anomalies_new (&rules, s_on_sidecar, self);
    if (!self->anomalies)
        goto fail;
    //  The config check made sure of the times.
    const eod_config_t *cfg = stage->config;
    eod_quote_window_init (&self->window, eod_config_str (cfg, "multiquote:window_start"),
                           eod_config_str (cfg, "multiquote:window_end"), (long) eod_config_int (cfg, "kis:timeout_ms"),
                           strcmp (eod_config_str (cfg, "kis:env"), "test") == 0);
    self->xconf.window = &self->window;
    self->xconf.cal = self->cal;
    for (int f = 0; f < WRITER_XCHECK_FIELDS; f++) {
        char key[64];
        snprintf (key, sizeof key, "multiquote:tolerance_%s", writer_xcheck_field_name ((writer_xcheck_field_t) f));
        self->xconf.tolerance[f] = (int64_t) eod_config_int (cfg, key);
    }
    //  RESULTs the writer has not read yet wait in the coordinator, not here:
    //  libzmq's default of 1,000 a peer is a megabyte of RESULTs in this
    //  process when the journal's fsync or a busy CPU holds the writer back.
    self->input = eod_stage_socket_hwm (stage, ZMQ_PULL, "endpoints:writer", true, S_INPUT_HWM);
    self->acks = eod_stage_socket (stage, ZMQ_PUSH, "endpoints:coordinator", false);
    self->uploader = eod_stage_socket (stage, ZMQ_PUSH, "endpoints:uploader", false);
    if (!self->input || !self->acks || !self->uploader)
        goto fail;
    return self;
fail:
    writer_destroy (&self);
    return NULL;
}

void
writer_destroy (writer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    writer_t *self = *self_p;
    writer_replay_destroy (&self->replay);
    writer_snapshot_destroy (&self->snapshot);
    writer_anomalies_destroy (&self->anomalies);
    writer_xcheck_destroy (&self->xcheck);
    eod_cal_destroy (&self->cal);
    zhashx_destroy (&self->folded);
    zhashx_destroy (&self->sidecars);
    writer_finish_destroy (&self->finish);
    eod_msg_destroy (&self->run_done);
    zsock_destroy (&self->uploader);
    zsock_destroy (&self->acks);
    zsock_destroy (&self->input);
    free (self);
    *self_p = NULL;
}

//  ---------------------------------------------------------------- ACKs

static eod_msg_t *
s_ack_new (const char *run_id, const char *task_id)
{
    eod_msg_t *ack = eod_msg_new (EOD_MSG_ACK);
    if (ack && (eod_msg_set (&ack->run_id, run_id) || eod_msg_set (&ack->task_id, task_id)))
        eod_msg_destroy (&ack);
    return ack;
}

//  Sends *ack (destroyed) to the coordinator: the number of task ids it
//  acknowledged, 0 when it was not sent.
static long
s_ack_send (writer_t *self, eod_msg_t **ack)
{
    if (!*ack)
        return 0;
    long ids = eod_stage_send (self->stage, self->acks, NULL, *ack) == 0 ? 1 + (long) (*ack)->nlist : 0;
    eod_msg_destroy (ack);
    return ids;
}

//  Adds task_id to ack when ack (may be NULL) is of run_id and not full.
static bool
s_ack_join (eod_msg_t *ack, const char *run_id, const char *task_id)
{
    return ack && strcmp (ack->run_id, run_id) == 0 && ack->nlist + 1 < S_ACK_IDS_MAX
           && eod_msg_add_list (ack, task_id) == 0;
}

//  Adds task_id of run_id to *ack (NULL: none yet). An ACK of another run,
//  or a full one, is sent first and a new one begun. Returns the task ids
//  sent.
static long
s_ack_add (writer_t *self, eod_msg_t **ack, const char *run_id, const char *task_id)
{
    if (s_ack_join (*ack, run_id, task_id))
        return 0;
    long sent = s_ack_send (self, ack);
    *ack = s_ack_new (run_id, task_id);
    return sent;
}

//  ---------------------------------------------------------------- messages

//  A RESULT or a QUOTES (a batch's quotes, KR only): journalled (once per
//  task or batch id), its id queued on the batch's ACKs (acks[0..*nacks),
//  sent after the batch's sync): on the last one when it is of the same run
//  and not full, else on a new one. True when queued.
static bool
s_on_result (writer_t *self, const eod_msg_t *msg, eod_msg_t **acks, size_t *nacks)
{
    //  The market names a directory: only the two markets there are. The
    //  multi-stock quote is of KR codes only.
    bool quotes = msg->type == EOD_MSG_QUOTES;
    if (strcmp (msg->market, "kr") != 0 && (quotes || strcmp (msg->market, "us") != 0)) {
        eod_log_error ("%s %s of market '%.16s': not a market of this pipeline: dropped", eod_msg_type_name (msg->type),
                       msg->task_id, msg->market);
        return false;
    }
    if (writer_replay_open (self->replay, msg->run_id, &self->sync_failed))
        return false;   //  not acknowledged: the coordinator sends it again
    if (writer_replay_record (self->replay, msg))
        return false;
    if (s_ack_join (*nacks ? acks[*nacks - 1] : NULL, msg->run_id, msg->task_id))
        return true;
    eod_msg_t *ack = s_ack_new (msg->run_id, msg->task_id);
    if (ack)
        acks[(*nacks)++] = ack;
    return ack != NULL;
}

//  RECONCILE: the coordinator restarted the run and asks which of its tasks
//  are durable here. Every task id of the journal is ACKed.
static void
s_on_reconcile (writer_t *self, const eod_msg_t *job)
{
    if (writer_replay_open (self->replay, job->run_id, &self->sync_failed)) {
        eod_log_error ("%s: reconcile: the run's journal cannot be opened", job->run_id);
        return;
    }
    //  What a killed writer left was written but perhaps never synced.
    if (writer_replay_sync (self->replay)) {
        eod_log_error ("%s: reconcile: no task acknowledged", job->run_id);
        return;
    }
    long sent = 0;
    eod_msg_t *ack = NULL;
    for (const char *task = writer_replay_first (self->replay); task; task = writer_replay_next (self->replay))
        sent += s_ack_add (self, &ack, job->run_id, task);
    sent += s_ack_send (self, &ack);
    eod_log_info ("%s: reconcile: %ld journalled task(s) acknowledged", job->run_id, sent);
}

//  The uploader's FILE_ACK (the FILE's path) or END_ACK (the run id).
static void
s_on_uploader_ack (writer_t *self, const eod_msg_t *ack)
{
    if (ack->type == EOD_MSG_END_ACK)
        writer_finish_end_acked (self->finish, ack->run_id);
    else
        writer_finish_file_acked (self->finish, ack->path);
}

static void
s_on_file (const char *path, const char *rel, const char *date, long rows, void *arg)
{
    writer_t *self = arg;
    zhashx_insert (self->folded, date, (void *) 1);
    if (writer_finish_file (self->finish, self->run_done->run_id, self->run_done->market, path, rel, date, rows))
        self->failed = true;
    self->files++;
}

static void
s_on_existing_file (const char *path, const char *rel, const char *date, long rows, void *arg)
{
    writer_t *self = arg;
    if (writer_finish_file (self->finish, self->run_done->run_id, self->run_done->market, path, rel, date, rows))
        self->failed = true;
    self->files_existing++;
}

static void
s_on_list (const char *path, const char *rel, const char *date, long rows, void *arg)
{
    writer_t *self = arg;
    if (writer_finish_file (self->finish, self->run_done->run_id, self->run_done->market, path, rel, date, rows))
        self->failed = true;
}

//  ---------------------------------------------------------------- cross-check

//  Each record the fold's pass 1 reads: the quotes and rows to compare.
static int
s_xcheck_record (const eod_msg_t *record, void *arg)
{
    writer_t *self = arg;
    return self->xcheck ? writer_xcheck_take (self->xcheck, record) : 0;
}

//  As the fold's pass 1 ends: the disagreements into its findings, when the
//  journal held QUOTES.
static int
s_xcheck_findings (writer_anomalies_t *anomalies, void *arg)
{
    writer_t *self = arg;
    if (!self->xcheck || !writer_xcheck_any (self->xcheck))
        return 0;
    return writer_xcheck_compare (self->xcheck, writer_anomalies_note_xcheck, anomalies);
}

//  A daily KR run whose journal holds QUOTES is cross-checked: its quotes
//  and rows are taken as the fold reads the journal (once), and compared as
//  the fold's pass 1 ends.
static void
s_xcheck_begin (writer_t *self)
{
    const eod_msg_t *d = self->run_done;
    writer_xcheck_destroy (&self->xcheck);
    writer_anomalies_on_run (self->anomalies, NULL, NULL, NULL);
    if (strcmp (d->market, "kr") != 0 || strcmp (d->mode, "daily") != 0)
        return;
    self->xcheck = writer_xcheck_new (&self->xconf, d->date_from);
    if (self->xcheck)
        writer_anomalies_on_run (self->anomalies, s_xcheck_record, s_xcheck_findings, self);
}

//  After the fold: no QUOTES, no cross-check (nor its figures in END).
static void
s_xcheck_end (writer_t *self)
{
    writer_anomalies_on_run (self->anomalies, NULL, NULL, NULL);
    if (self->xcheck && !writer_xcheck_any (self->xcheck))
        writer_xcheck_destroy (&self->xcheck);
    if (!self->xcheck)
        return;
    char why[WRITER_XCHECK_WHY_MAX];
    writer_xcheck_why (self->xcheck, why, sizeof why);
    eod_log_info ("%s: cross-check: %ld checked, %ld disagreed (%ld field(s) beyond the tolerance), %ld not "
                  "cross-checked%s%s%s",
                  self->run_done->run_id, writer_xcheck_checked (self->xcheck), writer_xcheck_disagreed (self->xcheck),
                  writer_xcheck_fields_disagreed (self->xcheck), writer_xcheck_not_checked (self->xcheck),
                  *why ? " (" : "", why, *why ? ")" : "");
}

//  ---------------------------------------------------------------- the fold

//  A file of the fast close: its data file, or its sidecar.
static void
s_on_close_file (const char *path, const char *rel, const char *date, long rows, void *arg)
{
    if (strncmp (rel, "anomalies/", 10) == 0)
        s_on_sidecar (path, rel, date, rows, arg);
    else
        s_on_file (path, rel, date, rows, arg);
}

//  The fast close (mode close): the session's file of the data set close
//  from the journal's QUOTES alone (close.h), and its sidecar.
static void
s_close_fold (writer_t *self, const char *journal)
{
    const eod_msg_t *d = self->run_done;
    writer_close_conf_t conf = {.window = &self->window, .cal = self->cal, .rules = self->rules};
    writer_close_counts_t counts;
    if (strcmp (d->market, "kr") != 0
        || writer_close_fold (journal, self->data_dir, d->date_from, &conf, s_on_close_file, self, &counts)) {
        self->failed = true;
        eod_stage_event (self->stage, "error", d->run_id, d->market,
                         "writer: the fast close of run %s could not be written", d->run_id);
        return;
    }
    self->rows_written = counts.rows;
    self->close_findings = counts.findings;
    eod_log_info ("%s: fast close of %s: %ld row(s) in the file, %ld quoted by this run%s, %ld finding(s) of "
                  "validation",
                  d->run_id, d->date_from, counts.rows, counts.quoted,
                  counts.window ? " (quotes asked outside the window not written)" : "", counts.findings);
    if (!self->failed)
        unlink (journal);
}

static void
s_on_run_done (writer_t *self, eod_msg_t **msg_p)
{
    eod_msg_destroy (&self->run_done);
    self->run_done = *msg_p;
    *msg_p = NULL;
    const eod_msg_t *d = self->run_done;
    if (!writer_replay_run_id_ok (d->run_id)) {
        eod_log_error ("RUN_DONE: run id \"%s\" cannot name a journal", d->run_id);
        self->failed = true;
        return;
    }
    char journal[S_JOURNAL_PATH_MAX];
    writer_replay_path (self->replay, d->run_id, journal, sizeof journal);
    if (writer_replay_is_open (self->replay, d->run_id) && writer_replay_close (self->replay))
        self->sync_failed = true;
    self->files = 0;
    self->files_existing = 0;
    self->close_findings = 0;
    zhashx_purge (self->folded);
    zhashx_purge (self->sidecars);
    writer_snapshot_reset (self->snapshot);
    writer_anomalies_reset (self->anomalies, "");
    if (strcmp (d->mode, "close") == 0) {
        s_close_fold (self, journal);
        return;
    }
    s_xcheck_begin (self);
    long rows = writer_compact_journal (journal, self->data_dir, d->market, self->snapshot, self->anomalies,
                                        eod_fields_get (&d->meta, EOD_META_WRONG_DATE_UNWRITTEN), s_on_file, self);
    s_xcheck_end (self);
    if (rows < 0) {
        self->failed = true;
        eod_stage_event (self->stage, "error", d->run_id, d->market, "writer: the files of run %s could not be written",
                         d->run_id);
        return;
    }
    self->rows_written = rows;
    long without = writer_snapshot_without (self->snapshot);
    if (without > 0)
        eod_log_info ("%s: %ld of %ld row(s) written without the snapshot columns", d->run_id, without, rows);
    long anomalies = writer_anomalies_total (self->anomalies);
    if (anomalies > 0)
        eod_log_warn ("%s: validation found %ld anomal%s in the rows (%ld sidecar file(s) under anomalies/)", d->run_id,
                      anomalies, anomalies == 1 ? "y" : "ies", writer_anomalies_files (self->anomalies));
    //  The range's other files go to the uploader too, which skips an object
    //  whose MD5 matches: a re-run that needed no request still reconciles.
    if (writer_finish_existing (self->data_dir, d->market, d->date_from, d->date_to, self->folded, s_on_existing_file,
                                self)
        < 0)
        self->failed = true;
    //  So do the range's sidecars: one whose upload failed is retried by a
    //  re-run, not only when its session is folded again.
    long sidecars = writer_finish_existing_sidecars (self->data_dir, d->market, d->date_from, d->date_to,
                                                     self->sidecars, s_on_existing_file, self);
    if (sidecars < 0)
        self->failed = true;
    if (self->files_existing)
        eod_log_info ("%s: %ld existing file(s) of %s..%s handed to the uploader (%ld of them anomaly sidecars)",
                      d->run_id, self->files_existing, d->date_from, d->date_to, sidecars > 0 ? sidecars : 0);
    //  The lister's universe snapshot of the run, keyed by its own day.
    const char *day = eod_fields_get (&d->meta, "universe_day");
    long lists = day ? writer_finish_codes (self->data_dir, d->market, day, s_on_list, self) : 0;
    if (lists < 0)
        self->failed = true;
    else if (lists)
        eod_log_info ("%s: %ld list(s) of the universe of %s handed to the uploader", d->run_id, lists, day);
    //  The CSVs are durable now; the journal has done its job.
    if (!self->failed)
        unlink (journal);
}

//  The rows written without the snapshot columns, and why, into END's
//  meta: "unbound" (their number), "unbound_REASON" for each reason that
//  left some, "unbound_why" (the reasons for people), "unbound_carried"
//  (rows that took them from their file).
static void
s_snapshot_figures (writer_t *self, eod_msg_t *end)
{
    char key[64], text[S_FIGURE_MAX], why[S_WHY_MAX] = "";
    snprintf (text, sizeof text, "%ld", writer_snapshot_without (self->snapshot));
    eod_fields_set (&end->meta, "unbound", text);
    size_t used = 0;
    for (int r = WRITER_SNAPSHOT_KEPT + 1; r < WRITER_SNAPSHOT_REASONS; r++) {
        long n = writer_snapshot_count (self->snapshot, (writer_snapshot_reason_t) r);
        if (n == 0)
            continue;
        snprintf (key, sizeof key, "unbound_%s", writer_snapshot_reason_name ((writer_snapshot_reason_t) r));
        snprintf (text, sizeof text, "%ld", n);
        eod_fields_set (&end->meta, key, text);
        if (used < sizeof why)
            used += (size_t) snprintf (why + used, sizeof why - used, "%s%s (%ld)", used ? "; " : "",
                                       writer_snapshot_reason_text ((writer_snapshot_reason_t) r), n);
    }
    if (*why)
        eod_fields_set (&end->meta, "unbound_why", why);
    long carried = writer_snapshot_carried_count (self->snapshot);
    if (carried) {
        snprintf (text, sizeof text, "%ld", carried);
        eod_fields_set (&end->meta, "unbound_carried", text);
    }
}

//  What validation found, into END's meta: "anomalies" (how many),
//  "anomalies_KIND" for each kind found, "anomalies_first" (the first few,
//  "; "-separated), "anomaly_files" (sidecars written).
static void
s_anomaly_figures (writer_t *self, eod_msg_t *end)
{
    char key[64], text[S_FIGURE_MAX], first[S_FIRST_MAX] = "";
    snprintf (text, sizeof text, "%ld", writer_anomalies_total (self->anomalies));
    eod_fields_set (&end->meta, "anomalies", text);
    for (int k = 0; k < WRITER_VALIDATE_KINDS; k++) {
        long n = writer_anomalies_count (self->anomalies, (writer_validate_kind_t) k);
        if (n == 0)
            continue;
        snprintf (key, sizeof key, "anomalies_%s", writer_validate_kind_name ((writer_validate_kind_t) k));
        snprintf (text, sizeof text, "%ld", n);
        eod_fields_set (&end->meta, key, text);
    }
    size_t used = 0;
    for (size_t i = 0; i < writer_anomalies_listed (self->anomalies) && used < sizeof first; i++)
        used += (size_t) snprintf (first + used, sizeof first - used, "%s%s", i ? "; " : "",
                                   writer_anomalies_first (self->anomalies, i));
    if (*first)
        eod_fields_set (&end->meta, "anomalies_first", first);
    snprintf (text, sizeof text, "%ld", writer_anomalies_files (self->anomalies));
    eod_fields_set (&end->meta, "anomaly_files", text);
}

static void
s_forward_end (writer_t *self, eod_msg_t *end)
{
    eod_msg_set (&end->stage, "writer");
    char text[S_FIGURE_MAX];
    if (self->run_done) {
        const eod_msg_t *d = self->run_done;
        struct {
            const char *name;
            int64_t value;
        } figures[] = {{"tasks", d->count},
                       {"ok", d->ok},
                       {"nodata", d->nodata},
                       {"unknown", d->unknown},
                       {"failed", d->failed},
                       {"requests", d->requests},
                       {"rate_limited", d->rate_limited},
                       {"retries", d->retries},
                       {"duration_ms", d->duration_ms}};
        for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) {
            snprintf (text, sizeof text, "%lld", (long long) figures[i].value);
            eod_fields_set (&end->meta, figures[i].name, text);
        }
        eod_fields_merge (&end->meta, &d->meta);
        for (size_t i = 0; i < d->nlist; i++)
            eod_msg_add_list (end, d->list[i]);
        if (!end->run_id)
            eod_msg_set (&end->run_id, d->run_id);
    }
    snprintf (text, sizeof text, "%ld", self->rows_written);
    eod_fields_set (&end->meta, "rows", text);
    if (self->run_done) {
        s_snapshot_figures (self, end);
        s_anomaly_figures (self, end);
        if (self->xcheck)
            writer_xcheck_figures (self->xcheck, &end->meta);
        if (strcmp (self->run_done->mode, "close") == 0) {
            snprintf (text, sizeof text, "%ld", self->close_findings);
            eod_fields_set (&end->meta, "anomalies", text);
        }
    }
    snprintf (text, sizeof text, "%ld", self->files);
    eod_fields_set (&end->meta, "files", text);
    snprintf (text, sizeof text, "%ld", self->files_existing);
    eod_fields_set (&end->meta, "files_existing", text);
    if (self->failed) {
        eod_msg_set (&end->status, "failed");
        eod_msg_set (&end->error, "the writer could not write the run's files");
    }
    size_t unacked = writer_finish_unacked (self->finish);
    eod_log_info ("%s: END passed to the uploader (%ld rows, %ld files written)%s", end->run_id ? end->run_id : "?",
                  self->rows_written, self->files, unacked ? ", sent once it acknowledges every file" : "");
    eod_msg_t *copy = eod_msg_dup (end);
    writer_finish_send (self->finish, &copy);
}

//  ---------------------------------------------------------------- the loop

int
writer_run (writer_t *self)
{
    zpoller_t *poller = zpoller_new (self->input, NULL);
    int64_t ending_until = 0;   //  once: END forwarded, waiting for the uploader's ACKs
    eod_msg_t *acks[S_BATCH_MAX];
    while (!zsys_interrupted) {
        writer_finish_resend (self->finish);
        size_t unsent = writer_finish_pending (self->finish);
        if (ending_until && (unsent == 0 || eod_clock_ms () > ending_until)) {
            if (unsent)
                eod_log_error ("the uploader did not acknowledge %zu message(s) in %lld ms", unsent,
                               (long long) eod_config_int (self->stage->config, "pipeline:linger_ms"));
            break;
        }
        void *which = zpoller_wait (poller, S_POLL_MS);
        if (!which) {
            if (zpoller_terminated (poller))
                break;
            continue;
        }
        //  One batch: everything waiting, up to S_BATCH_MAX results, then one
        //  fsync, then the batch's ACKs. Results that come one at a time (a
        //  fast run) are grouped: the batch waits up to S_GROUP_MS for more,
        //  for one fsync per group instead of one per result.
        size_t nresults = 0, nacks = 0;
        int64_t group_until = 0;
        self->sync_failed = false;
        while (nresults < S_BATCH_MAX) {
            bool taken;
            eod_msg_t *msg = eod_stage_try_recv (self->stage, self->input, NULL, &taken);
            if (!taken) {
                if (nresults == 0)
                    break;
                int64_t now = eod_clock_ms ();
                if (!group_until)
                    group_until = now + S_GROUP_MS;
                if (now >= group_until || !zpoller_wait (poller, (int) (group_until - now)))
                    break;
                continue;
            }
            if (!msg)
                continue;
            if (msg->type == EOD_MSG_RESULT || msg->type == EOD_MSG_QUOTES)
                nresults += s_on_result (self, msg, acks, &nacks);
            else if (msg->type == EOD_MSG_RECONCILE)
                s_on_reconcile (self, msg);
            else if (msg->type == EOD_MSG_RUN_DONE)
                s_on_run_done (self, &msg);
            else if (msg->type == EOD_MSG_FILE_ACK || msg->type == EOD_MSG_END_ACK)
                s_on_uploader_ack (self, msg);
            else if (msg->type == EOD_MSG_END) {
                s_forward_end (self, msg);
                eod_log_cap_flush ();   //  the run's repeated warnings, summed up
                if (self->once)
                    ending_until = eod_clock_ms () + eod_config_int (self->stage->config, "pipeline:linger_ms");
                eod_msg_destroy (&self->run_done);
                writer_xcheck_destroy (&self->xcheck);
                self->rows_written = 0;
                self->files = 0;
                self->files_existing = 0;
                self->failed = false;
            }
            else
                eod_log_warn ("unexpected %s%s%s: ignored", eod_msg_type_name (msg->type), msg->mode ? " mode " : "",
                              msg->mode ? msg->mode : "");
            eod_msg_destroy (&msg);
        }
        //  A journal closed during the batch was synced as it closed.
        if (nresults && writer_replay_sync (self->replay))
            self->sync_failed = true;
        if (self->sync_failed) {
            eod_log_error ("journal sync failed: %zu result(s) not acknowledged", nresults);
            self->failed = true;
            for (size_t i = 0; i < nacks; i++)
                eod_msg_destroy (&acks[i]);
            nacks = 0;
        }
        //  One ACK for the batch's task ids of a run, not one a task.
        for (size_t i = 0; i < nacks; i++)
            s_ack_send (self, &acks[i]);
    }
    zpoller_destroy (&poller);
    return self->failed ? 4 : 0;
}
