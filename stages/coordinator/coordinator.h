/*  coordinator — the hub of the fetch stage.

    It takes TASK/LISTED/END from the lister and ACK from the writer on one
    PULL socket, hands tasks to fetchers over a ROUTER (a fetcher asks with
    READY; one dispatch is the permit for one HTTP request), paces dispatches
    per app key (never more than rate requests in any 1 s + J + margin, no
    burst), issues and caches the access token, leases every dispatched
    task, requeues the tasks of fetchers that miss their heartbeats, retries
    what can be retried, and forwards results to the writer. When every
    listed task is settled it sends the writer RUN_DONE and END. A REP
    socket answers the calendar gate (HOLIDAY_ASK: KIS chk-holiday) and the
    lister (LISTING_ASK).

    This class only wires the modules that do the work to its sockets, and
    runs the run: pacer.c (the pace of a key), tokens.c (keys and tokens),
    tasks.c (the listed tasks and batches), batches.c (what is a batch's
    own: BATCH out, QUOTES settled, a fast close's codes), workers.c (the
    fetchers), dispatch.c (which task goes where, leases, results),
    pages.c (answers in pages), halt.c (a run that stops asking), ledger.c (the run on disk, resumed
    after a crash), service.c (the REP answers); clock.c is the time they
    read.

    Every second it publishes its counters on its trace PUB (eod-status and
    eod-tap read them): a STATS, stage "coordinator", whose fields are,
    during a run, run_id, market, tasks, done,
    failed, queued, in_flight, requests, rejected (EGW00201), retries, eta_s;
    always fetchers, keys, budget (requests/s of all keys), req_1s (requests
    over the last interval) and uptime_s. Values are decimal text. */
#ifndef COORDINATOR_H
#define COORDINATOR_H

#include "eod_zmq.h"

#include <stdbool.h>

typedef struct _coordinator_t coordinator_t;

//  Builds the coordinator on a stage (borrowed). once: exit after one run.
//  Returns NULL when the app keys or the sockets cannot be set up (logged).
coordinator_t *coordinator_new (eod_stage_t *stage, bool once);

//  Makes the ledger durable and closes everything; nulls *self_p, safe on
//  NULL and twice.
void coordinator_destroy (coordinator_t **self_p);

//  Takes up the run of the newest ledger under state/coordinator/ unless
//  that ledger says the run finished (a coordinator restarted after a
//  crash, --resume).
void coordinator_resume (coordinator_t *self);

//  Runs the loop until the run is over (once) or interrupted. Returns the exit
//  code: 0 complete, 1 partial, 2 a token refused, 3 the API unreachable,
//  4 interrupted before the run settled.
int coordinator_run (coordinator_t *self);

#endif
