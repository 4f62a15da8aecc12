/*  lister send — TASKs out, and the listing confirmed (see send.h). */
#include "send.h"
#include "batches.h"
#include "eod_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_CONFIRM_ROUNDS 10         //  resends of a listing the coordinator lacks
#define S_CONFIRM_TIMEOUT_MS 5000   //  an answer takes a loop pass of the coordinator
#define S_CONFIRM_WAITS 20          //  questions again while the coordinator is still reading
#define S_CONFIRM_SETTLE_MS 500     //  time given it to read on before asking again

//  One TASK per draft and chunk.
static int
s_send_tasks (lister_spool_t *drafts, zlistx_t *chunks, lister_send_fn *send, void *arg)
{
    if (lister_spool_rewind (drafts))
        return -1;
    size_t total = lister_spool_count (drafts) * zlistx_size (chunks), sent = 0;
    eod_msg_t *t = NULL;
    int rc;
    while ((rc = lister_spool_next (drafts, &t)) == 1) {
        for (char *range = zlistx_first (chunks); range; range = zlistx_next (chunks)) {
            char cfrom[11], cto[11], task_id[128];
            snprintf (cfrom, sizeof cfrom, "%.10s", range);
            snprintf (cto, sizeof cto, "%.10s", range + 11);
            snprintf (task_id, sizeof task_id, "%s-%s-%.4s%.2s%.2s-%.4s%.2s%.2s", t->market, t->code, cfrom, cfrom + 5,
                      cfrom + 8, cto, cto + 5, cto + 8);
            eod_msg_set (&t->task_id, task_id);
            eod_msg_set (&t->date_from, cfrom);
            eod_msg_set (&t->date_to, cto);
            if (send (arg, t)) {
                if (zsys_interrupted)
                    eod_log_warn ("interrupted after %zu of %zu TASKs", sent, total);
                else
                    eod_log_error ("TASK %s not sent: the coordinator read nothing for %d s; %zu of %zu TASKs "
                                   "sent, the confirmation will send the listing again",
                                   task_id, LISTER_SEND_TIMEOUT_MS / 1000, sent, total);
                eod_msg_destroy (&t);
                return -1;
            }
            sent++;
        }
        eod_msg_destroy (&t);
    }
    return rc < 0 ? -1 : 0;
}

int
lister_send_tasks (lister_listing_t *listing, lister_send_fn *send, void *arg)
{
    lister_spool_t *drafts = lister_listing_drafts (listing);
    zlistx_t *chunks = lister_listing_chunks (listing);
    if (!chunks || !drafts)
        return 0;
    const lister_batches_plan_t *plan = lister_listing_plan (listing);
    if (plan->tasks && s_send_tasks (drafts, chunks, send, arg))
        return -1;
    return lister_batches_send (drafts, plan->size, send, arg);
}

//  The one place that knows how the question is asked and answered: a
//  LISTING_ASK naming the run, answered with a LISTING (tasks held, LISTED
//  and END received) or a REFUSED.
int
lister_send_ask (eod_stage_t *stage, const eod_msg_t *listed, lister_status_t *status)
{
    zsock_t *req = eod_stage_socket (stage, ZMQ_REQ, "endpoints:service", false);
    if (!req)
        return -1;
    zsock_set_linger (req, 0);
    eod_msg_t *ask = eod_msg_new (EOD_MSG_LISTING_ASK);
    eod_msg_set (&ask->run_id, listed->run_id);
    eod_msg_set (&ask->market, listed->market);
    eod_stage_send (stage, req, NULL, ask);
    eod_msg_destroy (&ask);
    zpoller_t *poller = zpoller_new (req, NULL);
    eod_msg_t *answer = zpoller_wait (poller, S_CONFIRM_TIMEOUT_MS) ? eod_stage_recv (stage, req, NULL) : NULL;
    zpoller_destroy (&poller);
    eod_stage_socket_destroy (stage, &req);
    if (!answer) {
        eod_log_info ("the coordinator does not answer: its run is over");
        return -1;
    }
    if (answer->type != EOD_MSG_LISTING) {
        eod_log_warn ("the coordinator refused the question about the listing: %s",
                      answer->error ? answer->error : eod_msg_type_name (answer->type));
        eod_msg_destroy (&answer);
        return -1;
    }
    snprintf (status->tasks, sizeof status->tasks, "%lld", (long long) answer->count);
    snprintf (status->listed, sizeof status->listed, "%s", answer->listed ? "1" : "0");
    snprintf (status->ended, sizeof status->ended, "%s", answer->ended ? "1" : "0");
    eod_msg_destroy (&answer);
    return 0;
}

//  The tail of the listing can still be on its way when the coordinator
//  answers: while its figures move between two answers it is asked again
//  after a pause rather than sent everything again.
void
lister_send_confirm (lister_listing_t *listing, const eod_msg_t *end, lister_ask_fn *ask, lister_send_fn *send,
                     void *arg)
{
    const eod_msg_t *listed = listing ? lister_listing_listed (listing) : NULL;
    if (!listed)
        return;
    char before[3 * LISTER_STATUS_FIELD_MAX + 4] = "";
    int waits = 0;
    for (int round = 0; round < S_CONFIRM_ROUNDS && !zsys_interrupted;) {
        lister_status_t status;
        if (ask (arg, listed, &status))
            return;
        bool complete = strtol (status.tasks, NULL, 10) >= listed->count && strcmp (status.listed, "1") == 0
                        && strcmp (status.ended, "1") == 0;
        if (complete)
            return;
        char now[sizeof before];
        snprintf (now, sizeof now, "%s|%s|%s", status.tasks, status.listed, status.ended);
        bool moving = strcmp (now, before) != 0;
        snprintf (before, sizeof before, "%s", now);
        if (moving && waits < S_CONFIRM_WAITS) {
            waits++;
            eod_log_info ("the coordinator has %s of %ld tasks (listed %s, end %s): asking again", status.tasks,
                          (long) listed->count, status.listed, status.ended);
            zclock_sleep (S_CONFIRM_SETTLE_MS);
            continue;
        }
        eod_log_warn ("the coordinator has %s of %ld tasks (listed %s, end %s): sending the listing again",
                      status.tasks, (long) listed->count, status.listed, status.ended);
        lister_send_tasks (listing, send, arg);
        send (arg, listed);
        send (arg, end);
        before[0] = '\0';
        round++;
    }
}
