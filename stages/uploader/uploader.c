/*  uploader — see uploader.h. */
#include "uploader.h"
#include "datasets.h"
#include "object_key.h"
#include "eod_journal.h"
#include "eod_log.h"
#include "eod_s3.h"
#include "eod_s3_answer.h"
#include "eod_util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_INPUT_BATCH 256         //  FILEs made durable by one sync
#define S_DONE_RUNS 16            //  runs whose END was passed on, remembered against resends

struct _uploader_t {
    eod_stage_t *stage;
    bool once;
    zsock_t *input;        //  PULL: FILE and END from the writer
    zsock_t *notifier;     //  PUSH: END (never dropped, unlike EVENTs)
    zsock_t *writer;       //  PUSH: a FILE_ACK or END_ACK once journaled (the writer resends the rest)
    eod_s3_config_t s3;
    uploader_datasets_t datasets;   //  bucket, prefix and keys of each data set
    bool enabled;
    long uploaded, skipped, failed;
    bool unreachable;
    bool misconfigured;     //  S3 refused the configuration (credentials, bucket, region, endpoint)
    char config_error[512]; //  that refusal, while the run lasts: its other files are not tried
    char last_uri[1024];
    //  FILEs received and not yet settled (uploaded, found in the bucket or
    //  failed for good), kept in state/uploader/pending.journal: an uploader
    //  killed mid-PUT takes them up again when it starts.
    char journal_path[1100];
    eod_journal_t *journal;
    zlistx_t *pending;      //  eod_msg_t FILE, in arrival order
    eod_msg_t *end;         //  END received before a restart, not yet passed on
    zhashx_t *seen;         //  paths of this run's FILEs: a resent one is acknowledged, not queued twice
    char done_runs[S_DONE_RUNS][128];   //  s_end_key of the ENDs passed on (a ring)
    size_t next_done;
};

static void
s_msg_free (void **item)
{
    eod_msg_destroy ((eod_msg_t **) item);
}

//  The journal: a FILE record when one arrives, an UPLOADED (path, md5) when
//  it is settled. A journal of protocol version 1 wrote the latter as an ACK
//  with the path in task_id and the md5 in run_id: read the same.
static int
s_replay (eod_msg_t **msg_p, long record, void *arg)
{
    uploader_t *self = arg;
    eod_msg_t *msg = *msg_p;
    if (msg->type == EOD_MSG_FILE) {
        zhashx_update (self->seen, msg->path, (void *) 1);
        zlistx_add_end (self->pending, msg);
        *msg_p = NULL;
    }
    else if (msg->type == EOD_MSG_END) {
        eod_msg_destroy (&self->end);
        self->end = msg;
        *msg_p = NULL;
    }
    else if (msg->type == EOD_MSG_UPLOADED || (msg->type == EOD_MSG_ACK && msg->version == 1)) {
        const char *path = msg->type == EOD_MSG_UPLOADED ? msg->path : msg->task_id;
        const char *md5 = msg->type == EOD_MSG_UPLOADED ? msg->md5 : msg->run_id;
        for (eod_msg_t *f = zlistx_first (self->pending); f; f = zlistx_next (self->pending))
            if (strcmp (f->path, path) == 0 && strcmp (f->md5, md5) == 0) {
                zlistx_delete (self->pending, zlistx_cursor (self->pending));
                break;
            }
    }
    return 0;
}

uploader_t *
uploader_new (eod_stage_t *stage, bool once)
{
    uploader_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->stage = stage;
    self->once = once;
    const eod_config_t *cfg = stage->config;
    uploader_settings_t settings = {.layout = eod_config_str (cfg, "s3:layout"),
                                    .reference_keys = eod_config_str (cfg, "s3:reference_keys"),
                                    .key_template = eod_config_str (cfg, "s3:key_template"),
                                    .bucket = eod_config_str (cfg, "s3:bucket"),
                                    .prefix = eod_config_str (cfg, "s3:prefix")};
    bool any_bucket = *settings.bucket;
    for (int d = 0; d < UPLOADER_DATASETS; d++) {
        char name[64];
        snprintf (name, sizeof name, "s3:%s_bucket", uploader_dataset_name ((uploader_dataset_t) d));
        settings.buckets[d] = eod_config_str (cfg, name);
        any_bucket |= *settings.buckets[d] != '\0';
        snprintf (name, sizeof name, "s3:%s_prefix", uploader_dataset_name ((uploader_dataset_t) d));
        settings.prefixes[d] = eod_config_str (cfg, name);
    }
    char why[512];
    if (uploader_datasets_resolve (&settings, &self->datasets, why, sizeof why)) {
        eod_log_error ("%s: [s3]: %s", eod_config_path (cfg), why);
        uploader_destroy (&self);
        return NULL;
    }
    self->enabled = eod_config_bool (cfg, "s3:enabled") && any_bucket;
    self->s3.endpoint = eod_config_str (cfg, "s3:endpoint");
    self->s3.region = eod_config_str (cfg, "s3:region");
    self->s3.bucket = eod_config_str (cfg, "s3:bucket");
    self->s3.path_style = eod_config_bool (cfg, "s3:path_style");
    self->s3.access_key = eod_config_str (cfg, "aws_config:aws_access_key");
    self->s3.secret_key = eod_config_str (cfg, "aws_config:aws_secret_access_key");
    const char *token = eod_config_str (cfg, "aws_config:aws_session_token");
    self->s3.session_token = *token ? token : NULL;
    self->s3.insecure = eod_config_bool (cfg, "s3:insecure");
    const char *ca = eod_config_str (cfg, "s3:ca_file");
    self->s3.ca_file = *ca ? ca : NULL;
    self->s3.timeout_ms = (long) eod_config_int (cfg, "s3:timeout_ms");
    self->s3.max_attempts = (int) eod_config_int (cfg, "s3:max_attempts");
    if (self->enabled && (!*self->s3.access_key || !*self->s3.secret_key)) {
        eod_log_error ("%s: S3 is enabled but [AWS_CONFIG] aws_access_key / aws_secret_access_key (or "
                       "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) are not set",
                       eod_config_path (cfg));
        uploader_destroy (&self);
        return NULL;
    }
    if (!self->enabled)
        eod_log_info ("S3 upload is off ([s3] enabled = false or no bucket): files stay local");
    self->input = eod_stage_socket (stage, ZMQ_PULL, "endpoints:uploader", true);
    self->notifier = eod_stage_socket (stage, ZMQ_PUSH, "endpoints:notifier", false);
    self->writer = eod_stage_socket (stage, ZMQ_PUSH, "endpoints:writer", false);
    self->seen = zhashx_new ();
    if (!self->input || !self->notifier || !self->writer || !self->seen) {
        uploader_destroy (&self);
        return NULL;
    }
    //  An ACK the writer no longer waits for is not worth waiting for at exit.
    zsock_set_linger (self->writer, 0);
    self->pending = zlistx_new ();
    zlistx_set_destructor (self->pending, s_msg_free);
    char state[1024];
    eod_config_path_value (cfg, "pipeline:state_dir", state, sizeof state);
    snprintf (self->journal_path, sizeof self->journal_path, "%s/uploader/pending.journal", state);
    self->journal = eod_journal_open (self->journal_path, s_replay, self);
    if (!self->journal) {
        uploader_destroy (&self);
        return NULL;
    }
    if (zlistx_size (self->pending))
        eod_log_info ("%zu file(s) received before a restart and not yet uploaded: taking them up",
                      zlistx_size (self->pending));
    return self;
}

void
uploader_destroy (uploader_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    uploader_t *self = *self_p;
    zsock_destroy (&self->notifier);
    zsock_destroy (&self->writer);
    zsock_destroy (&self->input);
    zhashx_destroy (&self->seen);
    zlistx_destroy (&self->pending);
    eod_msg_destroy (&self->end);
    eod_journal_destroy (&self->journal);
    free (self);
    *self_p = NULL;
}

//  True when path is a file under the data directory: a FILE message names
//  what to upload, and nothing else on this machine may be sent to S3.
static bool
s_in_data_dir (uploader_t *self, const char *path)
{
    char data[1024], real_data[PATH_MAX], real_path[PATH_MAX];
    eod_config_path_value (self->stage->config, "pipeline:data_dir", data, sizeof data);
    if (!realpath (data, real_data) || !realpath (path, real_path))
        return false;
    size_t n = strlen (real_data);
    return strncmp (real_path, real_data, n) == 0 && real_path[n] == '/';
}

static void
s_upload (uploader_t *self, const eod_msg_t *file)
{
    if (!self->enabled)
        return;
    if (!s_in_data_dir (self, file->path)) {
        eod_stage_event (self->stage, "error", file->run_id, file->market,
                         "uploader: FILE field 'path' %s is not a file under the data directory: not uploaded",
                         file->path);
        self->failed++;
        return;
    }
    const char *base = strrchr (file->path, '/');
    base = base ? base + 1 : file->path;
    char key[1024], why[200];
    //  The data set from the file's place under the data directory: its
    //  key there must be the end of its path.
    size_t plen = strlen (file->path), klen = strlen (file->key);
    uploader_dataset_t set;
    if (klen >= plen || strcmp (file->path + plen - klen, file->key) != 0 || file->path[plen - klen - 1] != '/'
        || uploader_dataset_of (file->key, file->market, &set)) {
        eod_stage_event (self->stage, "error", file->run_id, file->market,
                         "uploader: FILE field 'key' %s names no data set of %s: not uploaded", file->key, file->path);
        self->failed++;
        return;
    }
    eod_s3_config_t s3 = self->s3;
    s3.bucket = self->datasets.targets[set].bucket;
    if (!*s3.bucket) {
        eod_log_info ("%s: no bucket for data set %s ([s3] %s_bucket, bucket): kept local", file->path,
                      uploader_dataset_name (set), uploader_dataset_name (set));
        return;
    }
    if (uploader_dataset_key (&self->datasets, set, file->market, file->date_from, base, key, sizeof key, why,
                              sizeof why)) {
        eod_stage_event (self->stage, "error", file->run_id, file->market, "uploader: no object key for %s: %s",
                         file->path, why);
        self->failed++;
        return;
    }
    if (self->config_error[0]) {
        eod_log_warn ("%s not uploaded: S3 refused the configuration earlier in this run (%s)", file->path,
                      self->config_error);
        self->failed++;
        return;
    }
    char etag[128], err[512];
    int head = eod_s3_head (&s3, key, etag, sizeof etag, err, sizeof err);
    if (head == 0 && strcmp (etag, file->md5) == 0) {
        eod_log_info ("s3://%s/%s already holds this file (md5 %s): not uploaded again", s3.bucket, key, file->md5);
        self->skipped++;
        if (set == UPLOADER_DS_KR || set == UPLOADER_DS_US)
            snprintf (self->last_uri, sizeof self->last_uri, "s3://%s/%s", s3.bucket, key);
        return;
    }
    eod_s3_status_t status = eod_s3_put_file (&s3, key, file->path, err, sizeof err);
    if (status == EOD_S3_OK) {
        self->uploaded++;
        //  The summary links a price file, not a list or a sidecar.
        if (set == UPLOADER_DS_KR || set == UPLOADER_DS_US)
            snprintf (self->last_uri, sizeof self->last_uri, "s3://%s/%s", s3.bucket, key);
        eod_log_info ("uploaded %s to s3://%s/%s (md5 %s)", file->path, s3.bucket, key, file->md5);
        return;
    }
    self->failed++;
    if (eod_s3_status_is_config (status)) {
        //  Asking again changes nothing: the run's other files are not tried.
        self->misconfigured = true;
        snprintf (self->config_error, sizeof self->config_error, "%s", err);
        eod_stage_event (self->stage, "error", file->run_id, file->market,
                         "uploader: S3 configuration error (not retried): s3://%s/%s: %s", s3.bucket, key,
                         err);
        return;
    }
    self->unreachable = true;
    eod_stage_event (self->stage, "error", file->run_id, file->market, "uploader: s3://%s/%s: %s: %s",
                     s3.bucket, key, eod_s3_strerror (status), err);
}

//  Uploads every pending FILE, oldest first, recording each as settled. A
//  file that failed stays failed for this run (reported); it is settled too,
//  since the writer offers every partition of a range again on the next run.
static void
s_ack_writer (uploader_t *self, const eod_msg_t *msg)
{
    eod_msg_t *ack = eod_msg_new (msg->type == EOD_MSG_END ? EOD_MSG_END_ACK : EOD_MSG_FILE_ACK);
    eod_msg_set (&ack->run_id, msg->run_id ? msg->run_id : "");
    if (msg->type == EOD_MSG_FILE)
        eod_msg_set (&ack->path, msg->path);
    eod_stage_send (self->stage, self->writer, NULL, ack);
    eod_msg_destroy (&ack);
}

//  What tells one run's END from another's: its run id, or for an END that
//  has none (a closed day's, a gate that could not tell) its market, mode
//  and dates, after a '=' no run id starts with.
static void
s_end_key (const eod_msg_t *end, char *key, size_t size)
{
    if (end->run_id && *end->run_id)
        snprintf (key, size, "%s", end->run_id);
    else
        snprintf (key, size, "=%s/%s/%s/%s", end->market ? end->market : "", end->mode ? end->mode : "",
                  end->date_from ? end->date_from : "", end->date_to ? end->date_to : "");
}

static bool
s_end_done (const uploader_t *self, const char *key)
{
    for (size_t i = 0; i < S_DONE_RUNS; i++)
        if (strcmp (self->done_runs[i], key) == 0)
            return true;
    return false;
}

//  Takes every FILE and END waiting on the input into the journal (one sync)
//  and the pending list, then acknowledges them to the writer: a message read
//  is safe from a crash, one left in the socket's queue is not, and the
//  writer sends again what is not acknowledged. A FILE or END seen before (a
//  resend whose ACK was lost) is acknowledged again and not queued twice.
static void
s_take_input (uploader_t *self)
{
    bool added = false;
    zlistx_t *to_ack = zlistx_new ();
    for (int i = 0; to_ack && i < S_INPUT_BATCH && !self->end && (zsock_events (self->input) & ZMQ_POLLIN); i++) {
        eod_msg_t *msg = eod_stage_recv (self->stage, self->input, NULL);
        if (!msg)
            continue;
        char key[sizeof self->done_runs[0]] = "";
        if (msg->type == EOD_MSG_END)
            s_end_key (msg, key, sizeof key);
        bool again = (msg->type == EOD_MSG_FILE && zhashx_lookup (self->seen, msg->path))
                  || (msg->type == EOD_MSG_END && s_end_done (self, key));
        if (again) {
            if (msg->type == EOD_MSG_END)
                eod_log_info ("END of %s again (a resend): acknowledged, not passed on", key);
            s_ack_writer (self, msg);
        }
        else if (msg->type == EOD_MSG_FILE || msg->type == EOD_MSG_END) {
            if (!self->journal || eod_journal_append (self->journal, msg) == 0) {
                added = self->journal != NULL;
                zlistx_add_end (to_ack, msg);
            }
            if (msg->type == EOD_MSG_FILE) {
                zhashx_update (self->seen, msg->path, (void *) 1);
                zlistx_add_end (self->pending, msg);
            }
            else
                self->end = msg;
            msg = NULL;
        }
        else
            eod_log_warn ("unexpected %s: ignored", eod_msg_type_name (msg->type));
        eod_msg_destroy (&msg);
    }
    bool synced = !added || eod_journal_sync (self->journal) == 0;
    if (!synced)
        eod_log_error ("%s: the files received are not safe from a crash", self->journal_path);
    //  The list borrows the messages (pending and end own them).
    for (eod_msg_t *m = to_ack ? zlistx_first (to_ack) : NULL; m && synced; m = zlistx_next (to_ack))
        s_ack_writer (self, m);
    zlistx_destroy (&to_ack);
}

static void
s_drain (uploader_t *self)
{
    s_take_input (self);
    while (zlistx_first (self->pending) && !zsys_interrupted) {
        eod_msg_t *file = zlistx_detach (self->pending, NULL);
        s_upload (self, file);
        eod_msg_t *ack = eod_msg_new (EOD_MSG_UPLOADED);
        eod_msg_set (&ack->md5, file->md5);
        eod_msg_set (&ack->path, file->path);
        if (self->journal && eod_journal_append (self->journal, ack))
            eod_log_error ("%s: cannot record %s as uploaded", self->journal_path, file->path);
        eod_msg_destroy (&ack);
        eod_msg_destroy (&file);
        s_take_input (self);   //  between uploads, so little waits unjournalled
    }
    //  Settled records need no sync: lost, they cost one HEAD after a restart.
}

//  Starts the journal afresh once nothing is pending (between runs).
static void
s_journal_reset (uploader_t *self)
{
    if (zlistx_size (self->pending))
        return;
    zhashx_purge (self->seen);
    eod_journal_destroy (&self->journal);
    if (unlink (self->journal_path) && errno != ENOENT)
        eod_log_warn ("%s: %s", self->journal_path, strerror (errno));
    self->journal = eod_journal_open (self->journal_path, NULL, NULL);
}

static void
s_forward_end (uploader_t *self, eod_msg_t *end)
{
    s_end_key (end, self->done_runs[self->next_done], sizeof self->done_runs[0]);
    eod_log_info ("END of %s passed to the notifier", self->done_runs[self->next_done]);
    self->next_done = (self->next_done + 1) % S_DONE_RUNS;
    eod_msg_set (&end->stage, "uploader");
    char text[32];
    snprintf (text, sizeof text, "%ld", self->uploaded + self->skipped);
    eod_fields_set (&end->meta, "uploaded", text);
    snprintf (text, sizeof text, "%ld", self->failed);
    eod_fields_set (&end->meta, "upload_failed", text);
    if (self->last_uri[0])
        eod_fields_set (&end->meta, "object_uri", self->last_uri);
    if (self->failed) {
        eod_msg_set (&end->status, "failed");
        char why[sizeof self->config_error + 64];
        snprintf (why, sizeof why, "S3 configuration error: %s", self->config_error);
        eod_msg_set (&end->error, self->config_error[0] ? why : "S3 upload failed after retries");
    }
    //  The next run asks S3 again (the configuration may have been mended).
    self->config_error[0] = '\0';
    eod_stage_send (self->stage, self->notifier, NULL, end);
}

int
uploader_run (uploader_t *self)
{
    zpoller_t *poller = zpoller_new (self->input, NULL);
    bool over = false;
    while (!zsys_interrupted && !over) {
        //  First what a killed uploader had received, then what comes.
        s_drain (self);
        if (self->end) {
            s_forward_end (self, self->end);
            eod_msg_destroy (&self->end);
            s_journal_reset (self);
            over = self->once;
            continue;
        }
        if (!zpoller_wait (poller, 1000)) {
            if (zpoller_terminated (poller))
                break;
            continue;
        }
        s_take_input (self);
    }
    zpoller_destroy (&poller);
    if (self->unreachable)
        return 3;
    return self->misconfigured ? 2 : 0;
}
