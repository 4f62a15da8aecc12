/*  sim_slack — the Slack double eod-notifier posts to: chat.postMessage with
    its token, channel and text checks and its one-message-per-second-per-channel
    limit (429 + Retry-After), incoming webhooks (plain "ok"), and
    GET /_sim/slack, the list of every accepted message body for assertions.
    The accepted messages live in sim_t.slack under sim_t.lock. */
#ifndef SIM_SLACK_H
#define SIM_SLACK_H

#include "sim.h"

sim_slack_t *sim_slack_new (void);
void sim_slack_destroy (sim_slack_t **self_p);
//  Forgets the accepted messages (POST /_sim/reset); the caller holds the lock.
void sim_slack_reset_locked (sim_slack_t *self);
//  How many messages were accepted; the caller holds the lock.
long sim_slack_count_locked (const sim_slack_t *self);
//  POST /api/chat.postMessage.
void sim_slack_post (sim_t *self, sim_request_t *req, sim_response_t *resp);
//  POST /services/T.../B.../secret.
void sim_slack_webhook (sim_t *self, sim_request_t *req, sim_response_t *resp);
//  GET /_sim/slack.
void sim_slack_list (sim_t *self, sim_request_t *req, sim_response_t *resp);

#endif
