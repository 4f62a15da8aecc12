/*  coordinator — the hub of the fetch stage.

    It takes TASK/LISTED/END from the lister and ACK from the writer on one
    PULL socket, hands tasks to fetchers over a ROUTER (a fetcher asks with
    READY; one dispatch is the permit for one HTTP request), paces dispatches
    per app key with GCRA (no burst, T = (1 s + J + 5 ms) / rate), issues and
    caches the access token, leases every dispatched task, requeues the tasks
    of fetchers that miss their heartbeats, retries what can be retried, and
    forwards results to the writer. When every listed task is settled it sends
    the writer RUN_DONE and END.

    Every second it publishes its counters on its trace PUB (eod-status and
    eod-tap read them): an EVENT, stage "coordinator", text "stats", whose
    fields are kind=stats, and during a run run_id, market, tasks, done,
    failed, queued, in_flight, requests, rejected (EGW00201), retries, eta_s;
    always fetchers, keys, budget (requests/s of all keys), req_1s (requests
    over the last interval) and uptime_s. Values are decimal text. */
#ifndef COORDINATOR_H
#define COORDINATOR_H

#include "eod_zmq.h"

typedef struct _coordinator_t coordinator_t;

//  Builds the coordinator on a stage (borrowed). once: exit after one run.
//  Returns NULL when the app keys or the sockets cannot be set up (logged).
coordinator_t *coordinator_new (eod_stage_t *stage, bool once);
void coordinator_destroy (coordinator_t **self_p);

//  Takes up the newest unfinished run from its ledger under
//  state/coordinator/ (a coordinator restarted after a crash, --resume).
void coordinator_resume (coordinator_t *self);

//  Runs the loop until the run is over (once) or interrupted. Returns the exit
//  code: 0 complete, 1 partial, 3 the API unreachable, 4 internal error.
int coordinator_run (coordinator_t *self);

//  The GCRA pacer, public for its unit test: emission interval in microseconds
//  for rate requests/s and jitter bound J ms.
int64_t coordinator_interval_us (long rate, long jitter_ms);

//  Given the theoretical arrival time *tat (us) and now (us): 1 and advances
//  *tat by interval when a request may go now, else 0. A dispatch later than
//  its slot by at most COORDINATOR_GCRA_LATE_US keeps the schedule.
#define COORDINATOR_GCRA_LATE_US 3000
int coordinator_gcra_take (int64_t *tat, int64_t now, int64_t interval);

#endif
