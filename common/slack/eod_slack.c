/*  eod_slack — see eod_slack.h.

    One post is a small loop: wait for the channel's pacing slot, send, classify
    the answer (success, retryable, permanent), and either return or wait out
    the backoff / Retry-After and go again, never past the post's deadline. */
#include "eod_slack.h"

#include "eod_http.h"
#include "eod_log.h"
#include "eod_util.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EOD_SLACK_POST_PATH "/api/chat.postMessage"
#define EOD_SLACK_PACE_MS 1000L              //  Slack: "one message per second per channel"
#define EOD_SLACK_BACKOFF_MS 500L            //  first backoff after a 5xx or network error
#define EOD_SLACK_BACKOFF_MAX_MS 8000L       //  backoff doubles up to this
#define EOD_SLACK_RETRY_AFTER_DEFAULT_S 1L   //  a 429 without a usable Retry-After
#define EOD_SLACK_RETRY_AFTER_MAX_S 3600L    //  larger values are nonsense; the deadline caps us anyway
#define EOD_SLACK_CONNECT_TIMEOUT_MS 5000L
#define EOD_SLACK_BODY_MAX (256u * 1024)         //  Slack answers are small; a huge one is a fault
#define EOD_SLACK_CHANNEL_MAX 256                //  channel ids and names are short
#define EOD_SLACK_CHANNELS_MAX 64                //  pacing slots kept; the oldest is reused beyond this
#define EOD_SLACK_ATTEMPTS_LIMIT 100             //  upper bound for max_attempts, against config typos
#define EOD_SLACK_WAIT_LIMIT_MS (3600L * 1000)   //  upper bound for timeouts and max_wait_ms
#define EOD_SLACK_REASON_MAX 256

//  When the channel last saw a message from us: the moment its response
//  arrived. Slack counts a message when it arrives, which is before we get the
//  answer, so spacing the next send a full interval after that answer keeps
//  even a sliding-window limiter on the server side satisfied.
typedef struct {
    char channel[EOD_SLACK_CHANNEL_MAX];
    int64_t last_ms;
} s_pace_slot_t;

struct _eod_slack_t {
    char *url;           //  chat.postMessage or the webhook URL
    char *auth_header;   //  "Authorization: Bearer ..." or NULL (webhook)
    bool webhook;
    long timeout_ms;
    long max_wait_ms;
    int max_attempts;
    bool insecure;
    char *ca_file;
    s_pace_slot_t slots[EOD_SLACK_CHANNELS_MAX];
    size_t nslots;
    int last_attempts;
};

//  The outcome of one attempt.
typedef enum {
    S_ATTEMPT_OK,
    S_ATTEMPT_RETRY,   //  429, 5xx, network error, ok:false ratelimited
    S_ATTEMPT_FATAL    //  anything else: auth, channel, payload errors
} s_attempt_t;

static void
s_sleep_ms (int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {.tv_sec = (time_t) (ms / 1000), .tv_nsec = (long) (ms % 1000) * 1000000L};
    while (nanosleep (&ts, &ts) == -1 && errno == EINTR)
        ;
}

static char *
s_strdup_or_null (const char *s, bool *failed)
{
    if (!s || !*s)
        return NULL;
    char *copy = strdup (s);
    if (!copy)
        *failed = true;
    return copy;
}

eod_slack_t *
eod_slack_new (const eod_slack_config_t *cfg)
{
    assert (cfg);
    eod_slack_t *self = NULL;
    bool webhook = cfg->webhook_url && *cfg->webhook_url;
    bool have_token = cfg->token && *cfg->token;
    if (!webhook && !have_token) {
        eod_log_error ("slack: neither a bot token nor a webhook URL is configured");
        goto fail;
    }
    if (cfg->timeout_ms < 0 || cfg->timeout_ms > EOD_SLACK_WAIT_LIMIT_MS || cfg->max_wait_ms < 0
        || cfg->max_wait_ms > EOD_SLACK_WAIT_LIMIT_MS || cfg->max_attempts < 0
        || cfg->max_attempts > EOD_SLACK_ATTEMPTS_LIMIT) {
        eod_log_error ("slack: timeout_ms, max_wait_ms (0..%ld) or max_attempts (0..%d) out of range",
                       EOD_SLACK_WAIT_LIMIT_MS, EOD_SLACK_ATTEMPTS_LIMIT);
        goto fail;
    }
    if (have_token)
        eod_log_secret (cfg->token);
    if (webhook)
        eod_log_secret (cfg->webhook_url);

    self = calloc (1, sizeof *self);
    if (!self)
        goto oom;
    self->webhook = webhook;
    self->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : EOD_SLACK_TIMEOUT_MS_DEFAULT;
    self->max_wait_ms = cfg->max_wait_ms ? cfg->max_wait_ms : EOD_SLACK_MAX_WAIT_MS_DEFAULT;
    self->max_attempts = cfg->max_attempts ? cfg->max_attempts : EOD_SLACK_MAX_ATTEMPTS_DEFAULT;
    self->insecure = cfg->insecure;
    bool failed = false;
    self->ca_file = s_strdup_or_null (cfg->ca_file, &failed);
    if (failed)
        goto oom;

    if (webhook) {
        self->url = strdup (cfg->webhook_url);
        if (!self->url)
            goto oom;
    }
    else {
        const char *base = cfg->api_base && *cfg->api_base ? cfg->api_base : EOD_SLACK_API_BASE_DEFAULT;
        size_t blen = strlen (base);
        while (blen > 0 && base[blen - 1] == '/')
            blen--;   //  "http://host:port/" and "http://host:port" mean the same
        size_t ulen = blen + strlen (EOD_SLACK_POST_PATH) + 1;
        self->url = malloc (ulen);
        if (!self->url)
            goto oom;
        snprintf (self->url, ulen, "%.*s%s", (int) blen, base, EOD_SLACK_POST_PATH);

        const char *prefix = "Authorization: Bearer ";
        size_t alen = strlen (prefix) + strlen (cfg->token) + 1;
        self->auth_header = malloc (alen);
        if (!self->auth_header)
            goto oom;
        snprintf (self->auth_header, alen, "%s%s", prefix, cfg->token);
    }
    return self;

oom:
    eod_log_error ("slack: out of memory");
fail:
    eod_slack_destroy (&self);
    return NULL;
}

void
eod_slack_destroy (eod_slack_t **self_p)
{
    assert (self_p);
    eod_slack_t *self = *self_p;
    if (!self)
        return;
    free (self->url);
    if (self->auth_header) {
        //  The header holds the token: do not leave it in freed memory.
        volatile char *p = self->auth_header;
        while (*p)
            *p++ = 0;
        free (self->auth_header);
    }
    free (self->ca_file);
    free (self);
    *self_p = NULL;
}

int
eod_slack_last_attempts (const eod_slack_t *self)
{
    assert (self);
    return self->last_attempts;
}

//  The pacing slot of a channel, created on first use. When every slot is
//  taken, the one used longest ago is recycled: a channel idle that long has
//  nothing left to pace.
static s_pace_slot_t *
s_pace_slot (eod_slack_t *self, const char *channel)
{
    for (size_t i = 0; i < self->nslots; i++)
        if (strcmp (self->slots[i].channel, channel) == 0)
            return &self->slots[i];
    s_pace_slot_t *slot;
    if (self->nslots < EOD_SLACK_CHANNELS_MAX)
        slot = &self->slots[self->nslots++];
    else {
        slot = &self->slots[0];
        for (size_t i = 1; i < self->nslots; i++)
            if (self->slots[i].last_ms < slot->last_ms)
                slot = &self->slots[i];
    }
    snprintf (slot->channel, sizeof slot->channel, "%s", channel);
    slot->last_ms = INT64_MIN / 2;   //  never posted: no wait
    return slot;
}

//  Reads a 429's Retry-After as integer seconds; a missing or unusable value
//  gives the default.
static long
s_retry_after_s (const eod_http_response_t *resp)
{
    char value[32];
    if (eod_http_response_header (resp, "Retry-After", value, sizeof value) != 0)
        return EOD_SLACK_RETRY_AFTER_DEFAULT_S;
    char *end = NULL;
    errno = 0;
    long secs = strtol (value, &end, 10);
    if (errno || end == value || *end != '\0' || secs < 0)
        return EOD_SLACK_RETRY_AFTER_DEFAULT_S;
    return secs > EOD_SLACK_RETRY_AFTER_MAX_S ? EOD_SLACK_RETRY_AFTER_MAX_S : secs;
}

//  ok:false errors worth another try: Slack's own throttling and outages.
//  Everything else (auth, channel, payload, fatal_error, which may have
//  half-succeeded) would fail again or post twice.
static bool
s_error_is_retryable (const char *code)
{
    static const char *const retryable[] = {"ratelimited", "rate_limited", "service_unavailable"};
    for (size_t i = 0; i < sizeof retryable / sizeof retryable[0]; i++)
        if (strcmp (code, retryable[i]) == 0)
            return true;
    return false;
}

//  Classifies an HTTP answer from chat.postMessage or a webhook. Sets
//  *wait_ms to the Retry-After wait for a 429 (else leaves it alone) and
//  reason to a short text for the caller.
static s_attempt_t
s_classify (const eod_slack_t *self, const eod_http_response_t *resp, int64_t *wait_ms, char *reason, size_t reasonlen)
{
    const char *body = resp->body ? resp->body : "";
    if (resp->status == 429) {
        long secs = s_retry_after_s (resp);
        *wait_ms = secs * 1000;
        snprintf (reason, reasonlen, "rate limited (HTTP 429, Retry-After %ld s)", secs);
        return S_ATTEMPT_RETRY;
    }
    if (resp->status >= 500) {
        snprintf (reason, reasonlen, "HTTP %ld from Slack", resp->status);
        return S_ATTEMPT_RETRY;
    }
    if (self->webhook) {
        //  A webhook answers plain text: "ok", or an error code such as
        //  invalid_payload (400), channel_not_found (404), channel_is_archived (410).
        size_t len = strcspn (body, "\r\n");
        if (resp->status == 200 && len == 2 && strncmp (body, "ok", 2) == 0)
            return S_ATTEMPT_OK;
        snprintf (reason, reasonlen, "HTTP %ld: %.*s", resp->status, (int) (len > 80 ? 80 : len), body);
        return S_ATTEMPT_FATAL;
    }
    if (resp->status != 200) {
        snprintf (reason, reasonlen, "HTTP %ld from chat.postMessage", resp->status);
        return S_ATTEMPT_FATAL;
    }
    json_error_t jerr;
    json_t *root = json_loadb (body, resp->body_len, 0, &jerr);
    s_attempt_t outcome = S_ATTEMPT_FATAL;
    if (!root || !json_is_object (root)) {
        snprintf (reason, reasonlen, "chat.postMessage answered HTTP 200 without a JSON object");
        goto out;
    }
    json_t *ok = json_object_get (root, "ok");
    if (json_is_true (ok)) {
        outcome = S_ATTEMPT_OK;
        goto out;
    }
    const char *code = json_string_value (json_object_get (root, "error"));
    if (!code)
        code = json_is_false (ok) ? "unknown_error" : "missing ok field";
    snprintf (reason, reasonlen, "%s", code);
    if (s_error_is_retryable (code))
        outcome = S_ATTEMPT_RETRY;
out:
    json_decref (root);
    return outcome;
}

//  Finds the body's channel for pacing. Webhooks post to one fixed channel,
//  so they share one slot. Returns 0, or -1 when the body is not a JSON
//  object or a Web API body has no channel.
static int
s_body_channel (const eod_slack_t *self, const char *json_body, char *channel, size_t channellen, char *err,
                size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loads (json_body, 0, &jerr);
    int rc = -1;
    if (!root || !json_is_object (root)) {
        eod_set_error (err, errlen, "message body is not a JSON object (line %d: %s)", jerr.line, jerr.text);
        goto out;
    }
    const char *value = json_string_value (json_object_get (root, "channel"));
    if (self->webhook)
        value = "";
    else if (!value || !*value) {
        eod_set_error (err, errlen, "message body has no channel");
        goto out;
    }
    if (value[0] == '#')
        value++;   //  "#eod" and "eod" name the same channel, and share its rate
    snprintf (channel, channellen, "%s", value);
    rc = 0;
out:
    json_decref (root);
    return rc;
}

int
eod_slack_post (eod_slack_t *self, const char *json_body, char *err, size_t errlen)
{
    assert (self);
    assert (json_body);
    if (err && errlen)
        err[0] = '\0';
    self->last_attempts = 0;
    char channel[EOD_SLACK_CHANNEL_MAX];
    if (s_body_channel (self, json_body, channel, sizeof channel, err, errlen))
        return -1;

    const char *headers[] = {"Content-Type: application/json; charset=utf-8", self->auth_header, NULL};
    const char *target = self->webhook ? "webhook" : self->url;   //  the webhook URL is a secret
    const int64_t deadline = eod_monotonic_ms () + self->max_wait_ms;
    s_pace_slot_t *slot = s_pace_slot (self, channel);
    char reason[EOD_SLACK_REASON_MAX] = "no attempt made";
    int64_t backoff_ms = EOD_SLACK_BACKOFF_MS;
    int rc = -1;

    for (int attempt = 1; attempt <= self->max_attempts; attempt++) {
        int64_t now = eod_monotonic_ms ();
        int64_t pace_wait = slot->last_ms + EOD_SLACK_PACE_MS - now;
        if (pace_wait > 0) {
            if (now + pace_wait >= deadline) {
                if (attempt == 1)
                    snprintf (reason, sizeof reason, "channel pacing would pass max_wait_ms");
                break;
            }
            s_sleep_ms (pace_wait);
            now = eod_monotonic_ms ();
        }
        int64_t left = deadline - now;
        if (left <= 0)
            break;
        eod_http_request_t req = {
            .method = "POST",
            .url = self->url,
            .headers = headers,
            .body = json_body,
            .body_len = strlen (json_body),
            .timeout_ms = left < self->timeout_ms ? (long) left : self->timeout_ms,
            .connect_timeout_ms = left < EOD_SLACK_CONNECT_TIMEOUT_MS ? (long) left : EOD_SLACK_CONNECT_TIMEOUT_MS,
            .max_body = EOD_SLACK_BODY_MAX,
            .insecure = self->insecure,
            .ca_file = self->ca_file,
        };
        eod_http_response_t resp;
        self->last_attempts = attempt;
        int64_t wait_ms = backoff_ms;
        s_attempt_t outcome;
        if (eod_http_perform (&req, &resp) != 0) {
            snprintf (reason, sizeof reason, "%s", resp.error[0] ? resp.error : "network error");
            if (resp.timed_out)
                slot->last_ms = eod_monotonic_ms ();   //  it may have arrived: pace as if it had
            outcome = S_ATTEMPT_RETRY;
        }
        else {
            //  Slack saw this message (whatever it answered): the pacing slot starts now.
            slot->last_ms = eod_monotonic_ms ();
            outcome = s_classify (self, &resp, &wait_ms, reason, sizeof reason);
        }
        eod_http_response_free (&resp);
        if (outcome == S_ATTEMPT_OK) {
            rc = 0;
            goto out;
        }
        if (outcome == S_ATTEMPT_FATAL) {
            eod_set_error (err, errlen, "%s", reason);
            goto out;
        }
        eod_log_redact (reason);
        if (attempt == self->max_attempts)
            break;
        if (eod_monotonic_ms () + wait_ms >= deadline) {
            eod_log_warn ("slack: %s: attempt %d: %s; a retry would pass max_wait_ms (%ld ms)", target, attempt, reason,
                          self->max_wait_ms);
            break;
        }
        eod_log_warn ("slack: %s: attempt %d: %s; retrying in %lld ms", target, attempt, reason, (long long) wait_ms);
        s_sleep_ms (wait_ms);
        backoff_ms = backoff_ms * 2 > EOD_SLACK_BACKOFF_MAX_MS ? EOD_SLACK_BACKOFF_MAX_MS : backoff_ms * 2;
    }
    eod_set_error (err, errlen, "%s (gave up after %d attempt%s)", reason, self->last_attempts,
                   self->last_attempts == 1 ? "" : "s");
out:
    if (rc != 0)
        eod_log_error ("slack: %s: %s", target, err && errlen ? err : reason);
    return rc;
}
