/*  uploader — see uploader.h. */
#include "uploader.h"
#include "eod_log.h"
#include "eod_s3.h"

#include <string.h>

struct _uploader_t {
    eod_stage_t *stage;
    bool once;
    zsock_t *input;        //  PULL: FILE and END from the writer
    zsock_t *notifier;     //  PUSH: END (never dropped, unlike EVENTs)
    eod_s3_config_t s3;
    bool enabled;
    long uploaded, skipped, failed;
    bool denied, unreachable;
    char last_uri[1024];
};

int
uploader_object_key (const char *template, const char *prefix, const char *market, const char *date,
                     const char *file, char *out, size_t outsize)
{
    char yyyy[5], mm[3], dd[3], compact[9];
    snprintf (yyyy, sizeof yyyy, "%.4s", date);
    snprintf (mm, sizeof mm, "%.2s", date + 5);
    snprintf (dd, sizeof dd, "%.2s", date + 8);
    snprintf (compact, sizeof compact, "%s%s%s", yyyy, mm, dd);
    char deftpl[512];
    if (!template || !*template) {
        snprintf (deftpl, sizeof deftpl, "%s%smarket={market}/dt={yyyy}-{mm}-{dd}/{file}", prefix ? prefix : "",
                  prefix && *prefix && prefix[strlen (prefix) - 1] != '/' ? "/" : "");
        template = deftpl;
    }
    size_t o = 0;
    for (const char *p = template; *p;) {
        const char *value = NULL;
        size_t skip = 0;
        static const char *names[] = {"{market}", "{yyyy}", "{mm}", "{dd}", "{yyyymmdd}", "{file}"};
        const char *values[] = {market, yyyy, mm, dd, compact, file};
        for (size_t i = 0; i < 6; i++)
            if (strncmp (p, names[i], strlen (names[i])) == 0) {
                value = values[i];
                skip = strlen (names[i]);
            }
        if (!value) {
            value = p;
            skip = 1;
        }
        size_t n = value == p ? 1 : strlen (value);
        if (o + n + 1 > outsize)
            return -1;
        memcpy (out + o, value, n);
        o += n;
        p += skip;
    }
    out[o] = '\0';
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
    self->enabled = eod_config_bool (cfg, "s3:enabled") && *eod_config_str (cfg, "s3:bucket");
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
    if (!self->input || !self->notifier)
        uploader_destroy (&self);
    return self;
}

void
uploader_destroy (uploader_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    uploader_t *self = *self_p;
    zsock_destroy (&self->notifier);
    zsock_destroy (&self->input);
    free (self);
    *self_p = NULL;
}

static void
s_on_file (uploader_t *self, const eod_msg_t *file)
{
    if (!self->enabled)
        return;
    const eod_config_t *cfg = self->stage->config;
    const char *base = strrchr (file->path, '/');
    base = base ? base + 1 : file->path;
    char key[1024];
    if (uploader_object_key (eod_config_str (cfg, "s3:key_template"), eod_config_str (cfg, "s3:prefix"),
                             file->market, file->date_from, base, key, sizeof key)) {
        eod_stage_event (self->stage, "error", file->run_id, file->market, "uploader: key for %s is too long",
                         file->path);
        self->failed++;
        return;
    }
    char etag[128], err[512];
    int head = eod_s3_head (&self->s3, key, etag, sizeof etag, err, sizeof err);
    if (head == 0 && strcmp (etag, file->md5) == 0) {
        eod_log_info ("s3://%s/%s already holds this file (md5 %s): not uploaded again", self->s3.bucket, key,
                      file->md5);
        self->skipped++;
        snprintf (self->last_uri, sizeof self->last_uri, "s3://%s/%s", self->s3.bucket, key);
        return;
    }
    eod_s3_status_t status = eod_s3_put_file (&self->s3, key, file->path, err, sizeof err);
    if (status == EOD_S3_OK) {
        self->uploaded++;
        snprintf (self->last_uri, sizeof self->last_uri, "s3://%s/%s", self->s3.bucket, key);
        eod_log_info ("uploaded %s to s3://%s/%s (md5 %s)", file->path, self->s3.bucket, key, file->md5);
        return;
    }
    self->failed++;
    if (status == EOD_S3_DENIED)
        self->denied = true;
    else
        self->unreachable = true;
    eod_stage_event (self->stage, "error", file->run_id, file->market, "uploader: s3://%s/%s: %s: %s",
                     self->s3.bucket, key, eod_s3_strerror (status), err);
}

static void
s_forward_end (uploader_t *self, eod_msg_t *end)
{
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
        eod_msg_set (&end->error, self->denied ? "S3 refused the upload (credentials or permissions)"
                                               : "S3 upload failed after retries");
    }
    eod_stage_send (self->stage, self->notifier, NULL, end);
}

int
uploader_run (uploader_t *self)
{
    zpoller_t *poller = zpoller_new (self->input, NULL);
    bool over = false;
    while (!zsys_interrupted && !over) {
        if (!zpoller_wait (poller, 1000)) {
            if (zpoller_terminated (poller))
                break;
            continue;
        }
        eod_msg_t *msg = eod_stage_recv (self->stage, self->input, NULL);
        if (!msg)
            continue;
        if (msg->type == EOD_MSG_FILE)
            s_on_file (self, msg);
        else if (msg->type == EOD_MSG_END) {
            s_forward_end (self, msg);
            over = self->once;
        }
        else
            eod_log_warn ("unexpected %s: ignored", eod_msg_type_name (msg->type));
        eod_msg_destroy (&msg);
    }
    zpoller_destroy (&poller);
    if (self->denied)
        return 1;
    return self->unreachable ? 3 : 0;
}
