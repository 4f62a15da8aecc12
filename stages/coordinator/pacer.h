/*  coordinator pacer — the pace of one app key: when the next request may
    be dispatched under it.

    KIS allows an app key a number of requests per second (20 on the real
    host) and answers EGW00201 beyond it. The coordinator dispatches a request
    (one TASK to a fetcher is the permit for one HTTP request) only when its
    key's pacer says it is due, so no 1-s window of the server's holds more
    than the budget, however late the coordinator's loop wakes up or a request
    leaves its fetcher's host. The pacer is arithmetic on the instants the
    caller passes in: no clock of its own, no sockets.

    Two rules, both in microseconds of a monotonic clock:
    - a sliding log of the last dispatches: the next may go only once all but
      rate - 1 of them left a window (1 s + J + margin) ago, so any rate + 1
      requests span at least the window, and arrivals up to J after they left
      never put rate + 1 requests in any 1-s window of the server, however
      late the loop wakes up. A request leaves when dispatched, unless the
      caller learns it left later (coordinator_pacer_late: a busy fetcher
      host, a slow link to it): the log then counts it from when it did, and
      the next dispatches keep their distance from that instant;
    - GCRA spacing T = window / rate with a tolerance of T / 2, and never two
      dispatches less than T / 2 apart: no burst, and a dispatch that woke up
      late does not push the schedule back, so the pace stays at rate per
      window. A dispatch the log held back (a request that left late) does
      not push it back either: the next ones catch up, T / 2 apart, as far as
      the log lets them.
    Rates above COORDINATOR_PACER_LOG_MAX (benchmarks without a budget) use
    the spacing alone. */
#ifndef COORDINATOR_PACER_H
#define COORDINATOR_PACER_H

#include <stddef.h>
#include <stdint.h>

#define COORDINATOR_PACER_LOG_MAX 4096   //  the highest rate kept in a log

typedef struct {
    int64_t interval_us;    //  T
    int64_t tolerance_us;   //  T / 2
    int64_t window_us;      //  1 s + J + margin
    int64_t tat_us;         //  the GCRA theoretical arrival time
    int64_t last_us;        //  the last dispatch
    int64_t *log;           //  when each of the last 2 x rate dispatches left, a ring: dispatch n
                            //  at log[n % cap]; NULL above LOG_MAX
    int64_t *scratch;       //  cap entries for finding the rate-th latest
    size_t rate, cap;
    uint64_t taken;        //  dispatches so far
    uint64_t late_since;   //  1 + the newest dispatch reported late (0: none)
} coordinator_pacer_t;

//  Sets up the pacer of a key allowed rate requests per second (below 1:
//  1), the server's arrivals jittering up to jitter_ms, with margin_ms to
//  spare. 0, or -1 when out of memory (nothing to fini then).
int coordinator_pacer_init (coordinator_pacer_t *self, long rate, long jitter_ms, long margin_ms);
//  Frees the log; safe twice.
void coordinator_pacer_fini (coordinator_pacer_t *self);

//  The earliest instant the next dispatch may go.
int64_t coordinator_pacer_due (const coordinator_pacer_t *self);

//  The earliest instant n dispatches may go at once (a request that
//  counts as n: a multi-stock quote batch, [multiquote] units_per_batch):
//  when at most rate - n of the log's are inside a window. n above rate
//  waits for an empty window; 0 is 1.
int64_t coordinator_pacer_due_n (const coordinator_pacer_t *self, size_t n);

//  Records a dispatch at now (the caller checked now >= due) and returns its
//  number, for coordinator_pacer_late.
uint64_t coordinator_pacer_take (coordinator_pacer_t *self, int64_t now);

//  Dispatch n's request left at `at`, later than its dispatch: the log counts
//  it from then on. Nothing when n has left the log or at is not later.
void coordinator_pacer_late (coordinator_pacer_t *self, uint64_t n, int64_t at);

#endif
