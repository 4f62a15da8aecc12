/*  coordinator tokens — see tokens.h. */
#include "tokens.h"
#include "eod_grammar.h"
#include "eod_log.h"
#include "eod_util.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_TOKEN_ISSUE_GAP_S 61   //  KIS issues at most one token a minute
#define S_TOKEN_MIN_USE_S 600    //  a fresh token is used at least this long
#define S_ISSUE_ATTEMPTS 3       //  tries to have a token before giving up
#define S_GAP_SLEEP_MS 100       //  the one-a-minute wait, in steps that notice an interrupt
#define S_RETRY_PAUSE_MS 1000    //  a failed issue is tried again attempt x this later
#define S_PATH_MAX 1100
#define S_REFUSAL_MAX 512

struct _coordinator_tokens_t {
    coordinator_key_t keys[COORDINATOR_KEYS_MAX];
    size_t nkeys;
    char *base_url;
    char *cache_base;
    char *ca_file;   //  NULL: the system store
    long refresh_s;
    long timeout_ms;
    bool insecure;
    eod_http_fn *http;
    eod_stage_t *stage;
    const coordinator_clock_t *clock;
    bool unreachable;
    char refusal[S_REFUSAL_MAX];   //  why a token cannot be had ("": none yet)
};

coordinator_tokens_t *
coordinator_tokens_new (const coordinator_tokens_conf_t *conf)
{
    coordinator_tokens_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->base_url = strdup (conf->base_url ? conf->base_url : "");
    self->cache_base = strdup (conf->cache_base ? conf->cache_base : "");
    self->ca_file = conf->ca_file && *conf->ca_file ? strdup (conf->ca_file) : NULL;
    self->refresh_s = conf->refresh_s;
    self->timeout_ms = conf->timeout_ms;
    self->insecure = conf->insecure;
    self->http = conf->http;
    self->stage = conf->stage;
    self->clock = coordinator_clock_or_real (conf->clock);
    if (!self->base_url || !self->cache_base || (conf->ca_file && *conf->ca_file && !self->ca_file))
        coordinator_tokens_destroy (&self);
    return self;
}

void
coordinator_tokens_destroy (coordinator_tokens_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    coordinator_tokens_t *self = *self_p;
    for (size_t i = 0; i < self->nkeys; i++) {
        free (self->keys[i].app_key);
        free (self->keys[i].app_secret);
        free (self->keys[i].token);
        coordinator_pacer_fini (&self->keys[i].pacer);
    }
    free (self->base_url);
    free (self->cache_base);
    free (self->ca_file);
    free (self);
    *self_p = NULL;
}

int
coordinator_tokens_add (coordinator_tokens_t *self, const char *id, const char *app_key, const char *app_secret)
{
    if (self->nkeys >= COORDINATOR_KEYS_MAX)
        return -1;
    coordinator_key_t *k = &self->keys[self->nkeys++];
    snprintf (k->id, sizeof k->id, "%s", id);
    k->app_key = strdup (app_key);
    k->app_secret = strdup (app_secret);
    return k->app_key && k->app_secret ? 0 : -1;
}

size_t
coordinator_tokens_size (const coordinator_tokens_t *self)
{
    return self->nkeys;
}

coordinator_key_t *
coordinator_tokens_key (coordinator_tokens_t *self, size_t i)
{
    return &self->keys[i];
}

const char *
coordinator_tokens_base_url (const coordinator_tokens_t *self)
{
    return self->base_url;
}

bool
coordinator_tokens_unreachable (const coordinator_tokens_t *self)
{
    return self->unreachable;
}

const char *
coordinator_tokens_refusal (const coordinator_tokens_t *self)
{
    return *self->refusal ? self->refusal : NULL;
}

int64_t
coordinator_key_due (const coordinator_key_t *key)
{
    int64_t due = coordinator_pacer_due (&key->pacer);
    return key->paused_until_ms * 1000 > due ? key->paused_until_ms * 1000 : due;
}

//  The cache file of a key: the key's section name (an id, as the config
//  loader checked it) after the base. 0, or -1 (logged).
static int
s_cache_path (coordinator_tokens_t *self, coordinator_key_t *key, char *out, size_t outsize)
{
    if (!eod_grammar_ok (EOD_G_ID, key->id, NULL, 0)
        || eod_path_format (out, outsize, "%s.%s", self->cache_base, key->id)) {
        eod_log_error ("%s: no token cache for app key %.64s (not an id, or the path is too long)", self->cache_base,
                       key->id);
        return -1;
    }
    return 0;
}

void
coordinator_tokens_load (coordinator_tokens_t *self, coordinator_key_t *key)
{
    char path[S_PATH_MAX];
    if (s_cache_path (self, key, path, sizeof path))
        return;
    struct stat st;
    if (stat (path, &st))
        return;
    if (st.st_mode & 077) {
        eod_log_error ("%s: token cache is readable by group or others (mode %04o): ignored; chmod 600 it", path,
                       (unsigned) (st.st_mode & 07777));
        return;
    }
    json_error_t jerr;
    json_t *root = json_load_file (path, 0, &jerr);
    if (!root) {
        eod_log_warn ("%s:%d: token cache unreadable (%s): a new token will be issued", path, jerr.line, jerr.text);
        return;
    }
    char fp[33];
    eod_fingerprint (key->app_key, fp);
    const char *token = json_string_value (json_object_get (root, "token"));
    const char *owner = json_string_value (json_object_get (root, "key_fingerprint"));
    const char *base = json_string_value (json_object_get (root, "base_url"));
    json_int_t expires = json_integer_value (json_object_get (root, "expires"));
    json_int_t issued = json_integer_value (json_object_get (root, "issued"));
    time_t now = self->clock->wall ();
    long refresh = self->refresh_s;
    if (token && owner && strcmp (owner, fp) == 0 && base && strcmp (base, self->base_url) == 0
        && expires - refresh > now) {
        key->token = strdup (token);
        key->expires = (time_t) expires;
        key->last_issue = (time_t) issued;
        key->refresh_at = (time_t) expires - refresh;
        key->generation++;
        eod_log_secret (key->token);
        eod_log_info ("app key %s: using the cached token (expires in %ld min)", key->id, (long) (expires - now) / 60);
    }
    json_decref (root);
}

static void
s_token_save (coordinator_tokens_t *self, coordinator_key_t *key)
{
    char path[S_PATH_MAX], tmp[S_PATH_MAX + 100], fp[33];
    if (s_cache_path (self, key, path, sizeof path))
        return;
    snprintf (tmp, sizeof tmp, "%s.tmp", path);
    eod_mkdirs_for (path);
    eod_fingerprint (key->app_key, fp);
    json_t *root =
        json_pack ("{s:s, s:I, s:I, s:s, s:s}", "token", key->token, "expires", (json_int_t) key->expires, "issued",
                   (json_int_t) key->last_issue, "key_fingerprint", fp, "base_url", self->base_url);
    char *text = json_dumps (root, JSON_COMPACT);
    json_decref (root);
    int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || !text || write (fd, text, strlen (text)) != (ssize_t) strlen (text) || fsync (fd)) {
        eod_log_warn ("%s: cannot write the token cache: %s", tmp, strerror (errno));
        if (fd >= 0)
            close (fd);
    }
    else {
        close (fd);
        if (rename (tmp, path))
            eod_log_warn ("%s: cannot rename the token cache: %s", path, strerror (errno));
    }
    if (text) {
        memset (text, 0, strlen (text));
        free (text);
    }
}

void
coordinator_tokens_conn (const coordinator_tokens_t *self, const coordinator_key_t *key, eod_kis_conn_t *c)
{
    memset (c, 0, sizeof *c);
    c->http = self->http;
    c->base_url = self->base_url;
    c->app_key = key->app_key;
    c->app_secret = key->app_secret;
    c->timeout_ms = self->timeout_ms;
    c->insecure = self->insecure;
    c->ca_file = self->ca_file;
}

//  A token came: key uses it from now on, and the cache keeps it.
static void
s_issued (coordinator_tokens_t *self, coordinator_key_t *key, char *token, time_t expires)
{
    free (key->token);
    key->token = token;
    key->expires = expires;
    key->last_issue = self->clock->wall ();
    key->refresh_at = expires - self->refresh_s;
    if (key->refresh_at < key->last_issue + S_TOKEN_MIN_USE_S) {
        //  An expiry already (nearly) past means our clock and the
        //  server's disagree; re-issuing at once would only be refused.
        eod_log_warn ("app key %s: the new token expires at %ld, %ld s from now by our clock: "
                      "clocks disagree? using it for %d s",
                      key->id, (long) expires, (long) (expires - key->last_issue), S_TOKEN_MIN_USE_S);
        key->refresh_at = key->last_issue + S_TOKEN_MIN_USE_S;
    }
    key->generation++;
    eod_log_secret (token);
    eod_log_info ("app key %s: token issued, expires %ld min from now", key->id,
                  (long) (expires - key->last_issue) / 60);
    s_token_save (self, key);
}

int
coordinator_tokens_ensure (coordinator_tokens_t *self, coordinator_key_t *key, bool force, bool may_wait,
                           const char *run_id)
{
    const coordinator_clock_t *clock = self->clock;
    time_t now = clock->wall ();
    if (!force && key->token && now < key->refresh_at)
        return 0;
    if (*self->refusal)
        return -1;
    if (force && key->token) {
        free (key->token);
        key->token = NULL;
    }
    for (int attempt = 1; attempt <= S_ISSUE_ATTEMPTS && !zsys_interrupted; attempt++) {
        now = clock->wall ();
        if (key->last_issue && now - key->last_issue < S_TOKEN_ISSUE_GAP_S) {
            long wait = S_TOKEN_ISSUE_GAP_S - (long) (now - key->last_issue);
            if (!may_wait) {
                //  In the run's loop: pause the key (its tasks wait, the loop
                //  goes on serving heartbeats, results and ACKs).
                if (key->paused_until_ms < clock->ms () + wait * 1000) {
                    key->paused_until_ms = clock->ms () + wait * 1000;
                    eod_log_warn ("app key %s: paused %ld s before a new token may be issued (1 per minute)", key->id,
                                  wait);
                }
                return 1;
            }
            eod_log_warn ("app key %s: waiting %ld s before issuing a token (1 per minute)", key->id, wait);
            for (long i = 0; i < wait * (1000 / S_GAP_SLEEP_MS) && !zsys_interrupted; i++)
                clock->sleep_ms (S_GAP_SLEEP_MS);
        }
        eod_kis_conn_t c;
        coordinator_tokens_conn (self, key, &c);
        eod_kis_reply_t r;
        char *token = NULL;
        time_t expires = 0;
        int status = eod_kis_issue_token (&c, &token, &expires, &r);
        if (status == EOD_KIS_OK) {
            s_issued (self, key, token, expires);
            return 0;
        }
        if (status == EOD_KIS_TOKEN_THROTTLED) {
            key->last_issue = clock->wall ();
            eod_log_warn ("app key %s: token issue throttled (%s %s)", key->id, r.msg_cd, r.msg1);
            continue;
        }
        if (status == EOD_KIS_RETRYABLE) {
            eod_log_warn ("app key %s: token issue failed, attempt %d: %s", key->id, attempt, r.error);
            if (!may_wait) {
                key->paused_until_ms = clock->ms () + S_RETRY_PAUSE_MS * attempt;
                return 1;
            }
            clock->sleep_ms (S_RETRY_PAUSE_MS * attempt);
            continue;
        }
        //  No retry mends it: the key, its host, the host's certificate.
        if (strcmp (r.msg_cd, EOD_KIS_CODE_TLS) == 0)
            snprintf (self->refusal, sizeof self->refusal,
                      "app key %s: no access token: %s (check [kis] ca_file or the host's certificate)", key->id,
                      r.error);
        else
            snprintf (self->refusal, sizeof self->refusal, "app key %s: token refused: %s %s %s", key->id, r.msg_cd,
                      r.msg1, r.error);
        eod_stage_event (self->stage, "error", run_id, NULL, "%s", self->refusal);
        return -1;
    }
    self->unreachable = true;
    eod_stage_event (self->stage, "error", run_id, NULL, "app key %s: no access token could be had", key->id);
    return -1;
}
