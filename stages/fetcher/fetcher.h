/*  fetcher — one worker of the fetch stage.

    A DEALER that asks the coordinator for work with READY (credit 1), makes
    exactly one API request per TASK with the credentials the coordinator
    sent in CREDS, and answers with a RESULT: rows, or an error classified as
    retryable, permanent, no data or unknown symbol, and when the request
    went out (sent_us: the coordinator paces from it). A BATCH is answered
    the same way with a QUOTES (batch.c: one multi-stock quote, or none
    outside the [multiquote] window), then a READY. One thread: while a
    request is in flight, eod_http's watch (curl multi and the DEALER's
    ZMQ_FD in one poll) keeps the heartbeats and the coordinator's messages
    flowing. The request and its RESULT are fetch.c's, a BATCH's batch.c's. */
#ifndef FETCHER_H
#define FETCHER_H

#include "eod_zmq.h"

typedef struct _fetcher_t fetcher_t;

//  endpoint: the coordinator's fetcher endpoint. Returns NULL on failure.
fetcher_t *fetcher_new (eod_stage_t *stage, const char *endpoint, bool once);
void fetcher_destroy (fetcher_t **self_p);

//  Runs until END (once) or interrupted. Returns the exit code.
int fetcher_run (fetcher_t *self);

#endif
