/*  sim_slack — the Slack double eod-notifier posts to: chat.postMessage with
    its token, channel and text checks and its one-message-per-second-per-channel
    limit (429 + Retry-After), incoming webhooks (plain "ok"), and
    GET /_sim/slack, the list of every accepted message body for assertions.
    See sim_slack.h. */
#include "sim_slack.h"
#include "sim_stats.h"

#include "eod_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_SLACK_WINDOW_NS 1000000000LL   //  one message per second per channel
#define SIM_SLACK_TEXT_MAX 40000           //  Slack truncates beyond this

struct sim_slack_t {
    json_t *messages;      //  accepted bodies, in order
    json_t *last_accept;   //  channel -> monotonic ns of last accept
    long ts_seq;
};

sim_slack_t *
sim_slack_new (void)
{
    sim_slack_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->messages = json_array ();
    self->last_accept = json_object ();
    return self;
}

void
sim_slack_destroy (sim_slack_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    json_decref ((*self_p)->messages);
    json_decref ((*self_p)->last_accept);
    free (*self_p);
    *self_p = NULL;
}

void
sim_slack_reset_locked (sim_slack_t *self)
{
    json_array_clear (self->messages);
}

long
sim_slack_count_locked (const sim_slack_t *self)
{
    return (long) json_array_size (self->messages);
}

static void
s_slack_error (sim_response_t *resp, unsigned int status, const char *error)
{
    json_t *json = json_pack ("{s:b, s:s}", "ok", 0, "error", error);
    sim_respond_json (resp, status, json);
    json_decref (json);
}

static void
s_ratelimited (sim_response_t *resp, bool json_body)
{
    if (json_body)
        s_slack_error (resp, MHD_HTTP_TOO_MANY_REQUESTS, "ratelimited");
    else
        sim_respond_text (resp, MHD_HTTP_TOO_MANY_REQUESTS, "text/plain", "rate_limited");
    sim_respond_header (resp, "Retry-After", "1");
}

//  Applies the injected faults; true when the response is already set.
static bool
s_faults (sim_t *self, sim_response_t *resp, bool json_body)
{
    if (sim_chance (self, self->config->fault_slack500)) {
        sim_stats_fault (self, "slack500");
        sim_respond_text (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/html",
                          "<html><body>500 Internal Server Error</body></html>\n");
        return true;
    }
    if (sim_chance (self, self->config->fault_slack429)) {
        sim_stats_fault (self, "slack429");
        s_ratelimited (resp, json_body);
        return true;
    }
    return false;
}

//  Records body as accepted for channel unless the channel posted within the
//  last second: true when accepted (the body reference is taken).
static bool
s_accept (sim_t *self, const char *channel, json_t *body, long *ts_seq)
{
    int64_t now = sim_mono_ns ();
    bool accepted = false;
    pthread_mutex_lock (&self->lock);
    json_t *last = json_object_get (self->slack->last_accept, channel);
    if (!last || now - (int64_t) json_integer_value (last) >= SIM_SLACK_WINDOW_NS) {
        json_object_set_new (self->slack->last_accept, channel, json_integer (now));
        json_array_append (self->slack->messages, body);
        *ts_seq = ++self->slack->ts_seq;
        accepted = true;
    }
    pthread_mutex_unlock (&self->lock);
    return accepted;
}

static bool
s_has_text (json_t *body)
{
    json_t *text = json_object_get (body, "text");
    json_t *blocks = json_object_get (body, "blocks");
    return (json_is_string (text) && json_string_length (text) > 0)
           || (json_is_array (blocks) && json_array_size (blocks) > 0);
}

static const char *
s_known_channel (sim_t *self, const char *channel)
{
    const char *bare = channel[0] == '#' ? channel + 1 : channel;
    for (size_t i = 0; i < self->config->nchannels; i++) {
        const char *known = self->config->slack_channels[i];
        const char *known_bare = known[0] == '#' ? known + 1 : known;
        if (strcmp (bare, known_bare) == 0)
            return known;
    }
    return NULL;
}

void
sim_slack_post (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_stats_request (self, "chat.postMessage", "-");
    json_t *body = NULL;
    if (s_faults (self, resp, true))
        goto out;
    const char *auth = sim_request_header (req, "Authorization");
    if (!auth || strncmp (auth, "Bearer ", 7) != 0 || auth[7] == '\0') {
        s_slack_error (resp, MHD_HTTP_OK, "not_authed");
        goto out;
    }
    if (strcmp (auth + 7, self->config->slack_token) != 0) {
        s_slack_error (resp, MHD_HTTP_OK, "invalid_auth");
        goto out;
    }
    json_error_t error;
    body = req->body ? json_loadb (req->body, req->body_len, 0, &error) : NULL;
    if (!json_is_object (body)) {
        s_slack_error (resp, MHD_HTTP_OK, "invalid_json");
        goto out;
    }
    json_t *channel = json_object_get (body, "channel");
    const char *known = json_is_string (channel) ? s_known_channel (self, json_string_value (channel)) : NULL;
    if (!known) {
        s_slack_error (resp, MHD_HTTP_OK, "channel_not_found");
        goto out;
    }
    if (!s_has_text (body)) {
        s_slack_error (resp, MHD_HTTP_OK, "no_text");
        goto out;
    }
    json_t *text = json_object_get (body, "text");
    if (json_is_string (text) && json_string_length (text) > SIM_SLACK_TEXT_MAX) {
        s_slack_error (resp, MHD_HTTP_OK, "msg_too_long");
        goto out;
    }
    long seq = 0;
    if (!s_accept (self, known, body, &seq)) {
        s_ratelimited (resp, true);
        goto out;
    }
    char ts[64], channel_id[16];
    snprintf (ts, sizeof ts, "%.0f.%06ld", sim_clock_now (), seq % 1000000);
    snprintf (channel_id, sizeof channel_id, "C%08llX", (unsigned long long) (sim_hash_str (known) & 0xffffffffULL));
    json_t *message = json_object ();
    json_object_set_new (message, "text", text ? json_incref (text) : json_string (""));
    json_object_set_new (message, "ts", json_string (ts));
    json_t *answer = json_pack ("{s:b, s:s, s:s, s:o}", "ok", 1, "channel", channel_id, "ts", ts, "message", message);
    sim_respond_json (resp, MHD_HTTP_OK, answer);
    json_decref (answer);
out:
    json_decref (body);
}

void
sim_slack_webhook (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_stats_request (self, "webhook", "-");
    json_t *body = NULL;
    if (s_faults (self, resp, false))
        goto out;
    //  /services/T.../B.../secret: three non-empty segments.
    const char *path = req->url + strlen ("/services/");
    int segments = 0;
    for (const char *p = path; *p;) {
        size_t n = strcspn (p, "/");
        if (n == 0)
            break;
        segments++;
        p += n;
        if (*p == '/')
            p++;
    }
    if (segments != 3) {
        sim_respond_text (resp, MHD_HTTP_NOT_FOUND, "text/plain", "no_service");
        goto out;
    }
    json_error_t error;
    body = req->body ? json_loadb (req->body, req->body_len, 0, &error) : NULL;
    if (!json_is_object (body)) {
        sim_respond_text (resp, MHD_HTTP_BAD_REQUEST, "text/plain", "invalid_payload");
        goto out;
    }
    if (!s_has_text (body)) {
        sim_respond_text (resp, MHD_HTTP_BAD_REQUEST, "text/plain", "no_text");
        goto out;
    }
    long seq = 0;
    if (!s_accept (self, req->url, body, &seq)) {
        s_ratelimited (resp, false);
        goto out;
    }
    sim_respond_text (resp, MHD_HTTP_OK, "text/plain", "ok");
out:
    json_decref (body);
}

void
sim_slack_list (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    pthread_mutex_lock (&self->lock);
    json_t *copy = json_deep_copy (self->slack->messages);
    pthread_mutex_unlock (&self->lock);
    sim_respond_json (resp, MHD_HTTP_OK, copy);
    json_decref (copy);
}
