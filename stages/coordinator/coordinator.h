/*  coordinator — the hub of the fetch stage.

    It takes TASK/LISTED/END from the lister and ACK from the writer on one
    PULL socket, hands tasks to fetchers over a ROUTER (a fetcher asks with
    READY; one dispatch is the permit for one HTTP request), paces dispatches
    per app key (coordinator_pacer_t below: never more than rate requests in
    any 1 s + J + margin, no burst), issues and
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

#include <stdint.h>

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

//  The pacer of one app key, public for its unit test. Two rules, both in
//  microseconds of a monotonic clock:
//  - a sliding log of the last dispatches: the next may go only once all but
//    rate - 1 of them left a window (1 s + J + margin) ago, so any rate + 1
//    requests span at least the window, and arrivals up to J after they left
//    never put rate + 1 requests in any 1-s window of the server, however
//    late the loop wakes up. A request leaves when dispatched, unless the
//    caller learns it left later (coordinator_pacer_late: a busy fetcher
//    host, a slow link to it): the log then counts it from when it did, and
//    the next dispatches keep their distance from that instant;
//  - GCRA spacing T = window / rate with a tolerance of T / 2, and never two
//    dispatches less than T / 2 apart: no burst, and a dispatch that woke up
//    late does not push the schedule back, so the pace stays at rate per
//    window. A dispatch the log held back (a request that left late) does
//    not push it back either: the next ones catch up, T / 2 apart, as far as
//    the log lets them.
//  Rates above COORDINATOR_PACER_LOG_MAX (benchmarks without a budget) use
//  the spacing alone.
#define COORDINATOR_PACER_LOG_MAX 4096

typedef struct {
    int64_t interval_us;        //  T
    int64_t tolerance_us;       //  T / 2
    int64_t window_us;          //  1 s + J + margin
    int64_t tat_us;             //  the GCRA theoretical arrival time
    int64_t last_us;            //  the last dispatch
    int64_t *log;               //  when each of the last 2 x rate dispatches left, a ring: dispatch n
                                //  at log[n % cap]; NULL above LOG_MAX
    int64_t *scratch;           //  cap entries for finding the rate-th latest
    size_t rate, cap;
    uint64_t taken;             //  dispatches so far
    uint64_t late_since;        //  1 + the newest dispatch reported late (0: none)
} coordinator_pacer_t;

//  0, or -1 when out of memory. rate >= 1.
int coordinator_pacer_init (coordinator_pacer_t *self, long rate, long jitter_ms, long margin_ms);
void coordinator_pacer_fini (coordinator_pacer_t *self);

//  The earliest instant the next dispatch may go.
int64_t coordinator_pacer_due (const coordinator_pacer_t *self);

//  Records a dispatch at now (the caller checked now >= due) and returns its
//  number, for coordinator_pacer_late.
uint64_t coordinator_pacer_take (coordinator_pacer_t *self, int64_t now);

//  Dispatch n's request left at `at`, later than its dispatch: the log counts
//  it from then on. Nothing when n has left the log or at is not later.
void coordinator_pacer_late (coordinator_pacer_t *self, uint64_t n, int64_t at);

#endif
