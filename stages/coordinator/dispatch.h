/*  coordinator dispatch — which task goes to which fetcher, when, under
    which app key, and what becomes of it.

    A fetcher asks for work with READY (its credit); each TASK sent to it is
    the permit for one HTTP request, so a task goes only when a fetcher has
    credit, a key's pacer and pause allow it (round robin among the keys
    that do) and the key has a token; the fetcher is sent the key's CREDS
    first when it lacks the current ones. A dispatched task is leased: its
    RESULT must come within the lease ([pipeline] heartbeat_ms x liveness +
    [kis] timeout_ms), or it is queued again, as are the leases of a fetcher
    that misses its heartbeats. A RESULT with rows goes on to the writer
    and is kept until the writer's ACK (sent again to a writer that lost it);
    a retryable failure is retried with a backoff up to [kis] max_attempts;
    a token the API rejected is replaced; EGW00201 pauses its key for a
    window; an unpublished US session is asked again until its deadline; an
    answer that comes in pages has its next page asked as a request of its
    own, first in the queue, and its rows held until the last (pages.h).
    A failure that says every request would fail the same (halt.h) stops
    the run: an error EVENT once, the tasks not asked yet fail at once
    ("not asked"), no retry, and the run ends with the exit code halt.h
    names. When a request left its fetcher late (workers.c), its key's pacer
    is told. Dispatch waits while the writer has COORDINATOR_WRITING_MAX
    RESULTs to acknowledge, so the rows do not pile up here.

    Everything comes in as plain calls on decoded messages, and goes out
    through the port (coordinator.c wires it to the sockets; a test records
    it); time is read from the clock given.

    A BATCH (batches.h) goes the same way as a TASK, its key's pacer giving
    [multiquote] units_per_batch permits for it; its QUOTES is retried while
    retryable, and a settled one (ok, skipped, failed) goes to the writer,
    its outcome noted first (port note), and is kept until the writer's ACK
    names the batch. A batch the run stopped before asking goes to the
    writer as failed. */
#ifndef COORDINATOR_DISPATCH_H
#define COORDINATOR_DISPATCH_H

#include "clock.h"
#include "halt.h"
#include "tasks.h"
#include "tokens.h"
#include "workers.h"

#include <czmq.h>

#define COORDINATOR_POLL_MAX_MS 100   //  longest sleep between housekeeping passes
#define COORDINATOR_WRITING_MAX 512   //  RESULTs the writer has not acknowledged before dispatch waits

//  Where messages go. Each returns 0, or -1 (logged by the callee).
typedef struct {
    void *arg;
    //  To the fetcher of identity; -1 when it is gone.
    int (*to_fetcher) (void *arg, zframe_t *identity, const eod_msg_t *msg);
    //  To the writer. When data is not NULL, the encoded message is handed
    //  over in *data and *len (the caller frees it) to be sent again.
    int (*to_writer) (void *arg, const eod_msg_t *msg, char **data, size_t *len);
    //  Bytes to_writer handed over, again, never waiting: -1 with errno
    //  EAGAIN when the writer's queue is full.
    int (*to_writer_again) (void *arg, const char *data, size_t len);
    //  CREDS may go to fetchers: their endpoint cannot be read on a network.
    bool secure;
    //  A batch's outcome (its QUOTES without rows, batches.h), to be kept
    //  durably before its QUOTES goes to the writer. NULL: not kept.
    void (*note) (void *arg, const eod_msg_t *record);
} coordinator_port_t;

typedef struct {
    int max_attempts;                   //  [kis] max_attempts
    int64_t heartbeat_ms;               //  [pipeline] heartbeat_ms
    int64_t liveness;                   //  heartbeats a fetcher may miss
    int64_t ack_timeout_ms;             //  the writer's time to acknowledge a RESULT
    int64_t lease_ms;                   //  a fetcher's time to answer a TASK
    long jitter_ms;                     //  [kis] jitter_ms: EGW00201 pauses a key 1 s + this
    int64_t unpublished_deadline_ms;    //  [us] unpublished_deadline_s, from the run's start
    int64_t unpublished_retry_ms;       //  [us] unpublished_retry_s
    long unknown_stop;                  //  [kis] unknown_code_stop (halt.h)
    int max_pages;                      //  [kis] max_pages (pages.h); below 1: 1
    int units_per_batch;                //  [multiquote] units_per_batch: permits a BATCH takes; below 1: 1
    const char *run_id;                 //  the caller's buffer of the current run's id ("" between runs)
    eod_stage_t *stage;                 //  where EVENTs go (borrowed)
    const coordinator_clock_t *clock;   //  borrowed; NULL: coordinator_clock_real
    coordinator_port_t port;
} coordinator_dispatch_conf_t;

//  The counters of the run, for its RUN_DONE, progress and stats; the owner
//  starts them again with each run.
typedef struct {
    int64_t started_ms;   //  the run's start (monotonic)
    long requests;        //  requests permitted (dispatches, holiday pages)
    long rate_limited;    //  EGW00201 answers
    long retries;
    long acks;      //  the writer's ACKs (one names a batch of tasks)
    long resumed;   //  tasks the writer or the ledger had from before
} coordinator_counts_t;

typedef struct _coordinator_dispatch_t coordinator_dispatch_t;

//  Dispatches the tasks of tasks under the keys of tokens (both borrowed).
//  NULL when out of memory.
coordinator_dispatch_t *coordinator_dispatch_new (const coordinator_dispatch_conf_t *conf, coordinator_tokens_t *tokens,
                                                  coordinator_tasks_t *tasks);

//  Drops the fetchers; nulls *self_p, safe on NULL and twice.
void coordinator_dispatch_destroy (coordinator_dispatch_t **self_p);

//  The run's counters (borrowed, the caller may change them).
coordinator_counts_t *coordinator_dispatch_counts (coordinator_dispatch_t *self);

//  The fetchers known (borrowed).
coordinator_workers_t *coordinator_dispatch_workers (coordinator_dispatch_t *self);

//  No dispatch before until_ms (the writer reconciles a resumed run); 0:
//  none held.
void coordinator_dispatch_hold (coordinator_dispatch_t *self, int64_t until_ms);

//  A message from the fetcher of identity: READY, HEARTBEAT, RESULT or
//  QUOTES (any other is logged and ignored). msg stays the caller's; a
//  RESULT with rows, or a settled QUOTES, is completed and sent on to the
//  writer.
void coordinator_dispatch_on_fetcher (coordinator_dispatch_t *self, zframe_t *identity, eod_msg_t *msg);

//  The writer's ACK: settles the tasks it names (written, or found in the
//  writer's journal by a reconcile). True when it settled any (the caller
//  keeps it in the ledger).
bool coordinator_dispatch_on_ack (coordinator_dispatch_t *self, const eod_msg_t *msg);

//  Dispatches while a fetcher has credit, a task is due and a key allows.
//  Returns the milliseconds until it is worth trying again.
int64_t coordinator_dispatch_pass (coordinator_dispatch_t *self);

//  Fetchers that missed their heartbeats are dropped and their leases
//  queued again; leases and writes past their deadline are queued again
//  (or a kept RESULT is sent to the writer again). heartbeats: heartbeats
//  go to the fetchers when one is due.
void coordinator_dispatch_housekeeping (coordinator_dispatch_t *self, bool heartbeats);

//  Sends msg to every fetcher known.
void coordinator_dispatch_broadcast (coordinator_dispatch_t *self, const eod_msg_t *msg);

//  Stops the run for a reason found outside the RESULTs (an access token
//  refused as no retry mends): as halt.h, with an error EVENT of reason when
//  announce (false: the caller sent one). Nothing when stopped already.
void coordinator_dispatch_halt (coordinator_dispatch_t *self, int exit_code, const char *reason, bool announce);

//  The run's stop (reason, exit code), or NULL while it goes on.
const coordinator_halt_t *coordinator_dispatch_halted (const coordinator_dispatch_t *self);

//  The run is over (service mode goes on to the next): pages held are
//  dropped and the count of unknown codes starts again.
void coordinator_dispatch_run_over (coordinator_dispatch_t *self);

#endif
