/*  coordinator workers — the fetchers the coordinator knows, by their
    ROUTER identity: their credit (READYs not yet answered with a TASK), when
    each was last heard of, and how late their requests leave.

    A fetcher joins with its first message and leaves when it misses
    [pipeline] liveness heartbeats (coordinator_workers_reap) or vanishes
    under a send. The lag of a RESULT, its sent_us (the fetcher host's
    clock) minus its task's dispatch (this host's), is the clocks' offset
    plus the time the TASK took to become a request. Its least over the
    current and the last block of COORDINATOR_LAG_BLOCK RESULTs stands for
    the offset and the quickest way; a request whose lag is over that by
    more than COORDINATOR_LATE_MIN_US left late, and the pacer of its key is
    told (dispatch.c). A fetcher's first RESULTs cannot show its quickest lag
    (the first may have been held up): until COORDINATOR_LAG_FIRST came, the
    floor is at most the least of its READY and HEARTBEAT sent_us minus
    their receipt here, the offset less the way back, which can only make
    requests look later than they were. */
#ifndef COORDINATOR_WORKERS_H
#define COORDINATOR_WORKERS_H

#include "tokens.h"

#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>

#define COORDINATOR_LAG_BLOCK 64       //  a fetcher's quickest lag is the least of the last 64-128 RESULTs'
#define COORDINATOR_LATE_MIN_US 1000   //  a request leaving later than that past the quickest lag is late
#define COORDINATOR_LAG_FIRST 8        //  a fetcher's first RESULTs are judged by its READY's clock too

typedef struct {
    zframe_t *identity;
    uint32_t seq;   //  its number in this coordinator (never 0)
    char name[64];
    int credit;
    int64_t last_seen_ms;
    long results;                                 //  RESULTs it returned in this run
    long readies;                                 //  READYs it sent in this run (a RESULT stands for one)
    int creds_generation[COORDINATOR_KEYS_MAX];   //  generation of each key's CREDS it holds (0: none)
    bool new;                                     //  first message from it: its credit is not known yet
    int64_t lag_floor[2];                         //  the least lag of the current and the last block
    int64_t back_floor;                           //  the least READY/HEARTBEAT sent_us minus its receipt
    uint32_t lag_samples;
    long late;             //  its requests that left late in this run
    int64_t late_max_us;   //  the latest of them (past the quickest lag)
} coordinator_worker_t;

typedef struct _coordinator_workers_t coordinator_workers_t;

//  Called for each fetcher found gone, before it is dropped.
typedef void (coordinator_workers_gone_fn) (coordinator_worker_t *w, void *arg);

//  NULL when out of memory.
coordinator_workers_t *coordinator_workers_new (void);

//  Drops every fetcher; nulls *self_p, safe on NULL and twice.
void coordinator_workers_destroy (coordinator_workers_t **self_p);

//  The fetcher of identity (the frame is copied), heard of at now_ms:
//  joined (logged) when it is new, under name (may be NULL: the identity
//  in hex). NULL when out of memory.
coordinator_worker_t *coordinator_workers_get (coordinator_workers_t *self, zframe_t *identity, const char *name,
                                               int64_t now_ms);

//  Drops w (it vanished).
void coordinator_workers_remove (coordinator_workers_t *self, coordinator_worker_t *w);

size_t coordinator_workers_size (coordinator_workers_t *self);

//  Iteration, in no order; the set must not change between first and the
//  last next.
coordinator_worker_t *coordinator_workers_first (coordinator_workers_t *self);
coordinator_worker_t *coordinator_workers_next (coordinator_workers_t *self);

//  The name of the fetcher numbered seq, for log lines: "a fetcher gone"
//  when none is.
const char *coordinator_workers_name (coordinator_workers_t *self, uint32_t seq);

//  The fetcher with credit heard of least recently (served first), or NULL.
coordinator_worker_t *coordinator_workers_ready (coordinator_workers_t *self);

//  Drops every fetcher not heard of for more than dead_after_ms at now_ms,
//  calling gone for each first.
void coordinator_workers_reap (coordinator_workers_t *self, int64_t now_ms, int64_t dead_after_ms,
                               coordinator_workers_gone_fn *gone, void *arg);

//  A READY or HEARTBEAT's sent_us (w's clock; <= 0: not known), received at
//  now_us (this host's monotonic clock).
void coordinator_worker_on_clock (coordinator_worker_t *w, int64_t sent_us, int64_t now_us);

//  The request of a task dispatched to w at dispatched_us left at sent_us
//  (w's clock; <= 0: not known) and its RESULT came at now_us. True when
//  it left late (counted in w), with the instant it left, on this host's
//  clock, in *left_us.
bool coordinator_worker_on_sent (coordinator_worker_t *w, int64_t dispatched_us, int64_t sent_us, int64_t now_us,
                                 int64_t *left_us);

//  Logs what each fetcher did in the run that ended and starts its counts
//  again.
void coordinator_workers_report (coordinator_workers_t *self);

#endif
