/*  eod_slack — posts messages to Slack, for the notifier stage (eod-notifier).

    The notifier turns EVENTs and run summaries into JSON bodies (see
    stages/notifier/notify_format.h) and hands them here. This module owns the
    Slack side of the contract: chat.postMessage with a bot token (or an
    incoming webhook), success only on HTTP 200 with ok == true (webhook: body
    "ok"), at most one message per second per channel, Retry-After honoured,
    retries for 429, 5xx and network errors only, all within a total time
    bound so a Slack outage never stalls the pipeline. Every HTTP call goes
    through eod_http. An eod_slack_t is not thread-safe: one per thread. */
#ifndef EOD_SLACK_H
#define EOD_SLACK_H

#include <stdbool.h>
#include <stddef.h>

#define EOD_SLACK_API_BASE_DEFAULT "https://slack.com"
#define EOD_SLACK_TIMEOUT_MS_DEFAULT 10000L    //  one request
#define EOD_SLACK_MAX_WAIT_MS_DEFAULT 30000L   //  one post, retries and waits included
#define EOD_SLACK_MAX_ATTEMPTS_DEFAULT 4

typedef struct {
    const char *api_base;      //  NULL: "https://slack.com"; posts to API_BASE/api/chat.postMessage
    const char *token;         //  bot token (xoxb-...), sent as Authorization: Bearer
    const char *webhook_url;   //  alternative: incoming webhook; when set, token is not needed
    long timeout_ms;           //  per request; 0: 10 s
    long max_wait_ms;          //  total time one post may take, retries and waits included; 0: 30 s
    int max_attempts;          //  0: 4
    bool insecure;             //  skip TLS verification (explicit config key only)
    const char *ca_file;       //  NULL: system store
} eod_slack_config_t;

typedef struct _eod_slack_t eod_slack_t;

//  Creates a client. Copies every string it needs from cfg, and registers the
//  token and webhook URL with eod_log_secret so no log line shows them.
//  Returns NULL (and logs why) when neither a token nor a webhook URL is given,
//  a value is out of range, or memory runs out.
eod_slack_t *eod_slack_new (const eod_slack_config_t *cfg);

//  Destroys the client and nulls *self_p; safe to call twice or on NULL.
void eod_slack_destroy (eod_slack_t **self_p);

//  Posts one message. json_body is a JSON object already holding "channel"
//  (omitted for webhooks) and "text" and/or "blocks"; it is borrowed.
//  Paces itself to at most one message per second per channel (sleeps as
//  needed), honours 429 Retry-After (integer seconds), retries 429, 5xx,
//  ok:false "ratelimited"/"service_unavailable" and network errors with
//  exponential backoff while max_attempts and max_wait_ms allow, and never
//  retries anything else (invalid_auth, not_authed, channel_not_found,
//  not_in_channel, is_archived, 4xx from a webhook, ...).
//  Returns 0 on success, or -1 with a one-line reason in err (Slack's error
//  code when it gave one, e.g. "invalid_auth"; never the token or webhook URL).
//  err may be NULL when errlen is 0.
int eod_slack_post (eod_slack_t *self, const char *json_body, char *err, size_t errlen);

//  Number of HTTP attempts the last eod_slack_post made (0 when it failed
//  before sending anything), for logs and tests.
int eod_slack_last_attempts (const eod_slack_t *self);

#endif
