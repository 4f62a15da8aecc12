/*  coordinator tasks — the table of the listed tasks the coordinator holds,
    their states, and the queue of those waiting for a fetcher.

    A listed task is kept compact, as a 10,000-code run keeps every one: its
    id, code, exchange and dates in one string, its state and the outcome of
    its last attempt. The TASK's metadata for the writer (master-file
    columns, name) stays in the run's ledger and is read back, by the
    record's byte offset, when the task's rows go to the writer; a task
    without a ledger record keeps it packed. A task is queued, leased to a
    fetcher, being written (its RESULT sent to the writer and kept, within
    a bound, until the writer's ACK), or settled: done (rows, no data, or an
    unknown symbol) or failed.

    This module holds the states and their counts; when a task moves is
    decided by dispatch.c (leases, results, retries) and coordinator.c
    (replay, the end of a run). */
#ifndef COORDINATOR_TASKS_H
#define COORDINATOR_TASKS_H

#include "eod_proto.h"
#include "ledger.h"

#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    COORDINATOR_TASK_QUEUED,
    COORDINATOR_TASK_LEASED,
    COORDINATOR_TASK_WRITING,
    COORDINATOR_TASK_DONE,
    COORDINATOR_TASK_FAILED,
    COORDINATOR_TASK_STATES
} coordinator_task_state_t;

//  What a settled task came to (RUN_DONE counts them).
typedef enum {
    COORDINATOR_KIND_OK,
    COORDINATOR_KIND_NODATA,
    COORDINATOR_KIND_UNKNOWN,
    COORDINATOR_KIND_FAILED,
    COORDINATOR_KIND_UNPUBLISHED   //  a daily task answered without a row for its session
} coordinator_task_kind_t;

//  The fields of a task's text, in order (coordinator_task_field).
#define COORDINATOR_TASK_ID 0
#define COORDINATOR_TASK_CODE 1
#define COORDINATOR_TASK_EXCHANGE 2
#define COORDINATOR_TASK_FROM 3
#define COORDINATOR_TASK_TO 4
#define COORDINATOR_TASK_FIELDS 5

//  A run the tasks belong to (one at a time, but a service may see the next
//  run's listing before the last one settled): the names its tasks share,
//  and a read-only handle on its ledger, where each TASK is kept whole.
typedef struct {
    char *run_id;
    char *market;
    char *mode;
    char *ledger_path;
    int ledger_fd;   //  -1: no ledger (tasks keep their metadata)
} coordinator_run_t;

typedef struct {
    coordinator_run_t *run;
    char *text;      //  "task_id\0code\0exchange\0date_from\0date_to\0"
    uint8_t state;   //  coordinator_task_state_t
    uint8_t kind;    //  coordinator_task_kind_t, once settled
    uint8_t key;     //  the key it was last dispatched under
    uint8_t batch;   //  a BATCH (batches.h): its codes, comma-separated, are its code
    int attempt;
    int generation;          //  the key's token generation it was dispatched with
    uint32_t worker;         //  lease holder (coordinator_worker_t.seq), 0 none
    int64_t deadline_ms;     //  lease or ack deadline
    int64_t not_before_ms;   //  retry backoff
    char *outcome;           //  "CODE reason" when failed, no-data or unknown
    char *wrong;             //  "COUNT DATES": rows out of its range in an answer without rows
    int64_t ledger_at;       //  its TASK record in run->ledger_fd, -1 none
    int64_t dispatched_us;   //  its last dispatch
    uint64_t pace_n;         //  and that dispatch's number in its key's pacer
    //  Without a ledger record: the metadata and name packed as
    //  "key\0value\0" pairs in one allocation.
    char *meta;
    uint32_t meta_len;
} coordinator_task_t;

typedef struct _coordinator_tasks_t coordinator_tasks_t;

//  An empty table; the ledgers of its runs are in ledger_dir (copied). NULL
//  when out of memory.
coordinator_tasks_t *coordinator_tasks_new (const char *ledger_dir);

//  Frees every task and run; nulls *self_p, safe on NULL and twice.
void coordinator_tasks_destroy (coordinator_tasks_t **self_p);

//  Field n (COORDINATOR_TASK_*) of t's text, borrowed.
const char *coordinator_task_field (const coordinator_task_t *t, int n);
const char *coordinator_task_id (const coordinator_task_t *t);
const char *coordinator_task_code (const coordinator_task_t *t);

//  Takes a listed TASK or BATCH into the table and the end of the queue. A TASK not
//  replayed is appended to ledger first (NULL: no ledger, or replaying,
//  and then ledger_at is its record's offset there). Returns the task, or
//  NULL when msg lacks an id, code or run id, is held already (task ids are
//  deterministic: a re-listing), or memory ran out (logged).
coordinator_task_t *coordinator_tasks_add (coordinator_tasks_t *self, const eod_msg_t *msg,
                                           coordinator_ledger_t *ledger, int64_t ledger_at);

//  The task task_id, borrowed, or NULL.
coordinator_task_t *coordinator_tasks_find (coordinator_tasks_t *self, const char *task_id);

size_t coordinator_tasks_size (coordinator_tasks_t *self);

//  Iteration over every task, in no order; the table must not change
//  between first and the last next (states may).
coordinator_task_t *coordinator_tasks_first (coordinator_tasks_t *self);
coordinator_task_t *coordinator_tasks_next (coordinator_tasks_t *self);

//  Tasks neither done nor failed; tasks being written.
long coordinator_tasks_unsettled (const coordinator_tasks_t *self);
long coordinator_tasks_writing (const coordinator_tasks_t *self);

//  Counts the tasks by state into counts[COORDINATOR_TASK_STATES].
void coordinator_tasks_count (coordinator_tasks_t *self, long *counts);

//  The tasks of run_id; the tasks settled as kind.
long coordinator_tasks_count_run (coordinator_tasks_t *self, const char *run_id);
long coordinator_tasks_count_kind (coordinator_tasks_t *self, coordinator_task_kind_t kind);

//  Keeps what result (t's RESULT; NULL: one whose rows go to the writer)
//  says of rows outside t's range (meta EOD_META_WRONG_DATE and _COUNT)
//  when it brings no rows: the writer reports rows the fetcher dropped from
//  the RESULTs it journals, and RUN_DONE carries the others
//  (coordinator_tasks_summarize). The latest RESULT of a task decides.
void coordinator_tasks_note_wrong (coordinator_task_t *t, const eod_msg_t *result);

//  Puts t back at the end of the queue, due at not_before_ms (its RESULT,
//  if kept, is dropped).
void coordinator_tasks_requeue (coordinator_tasks_t *self, coordinator_task_t *t, int64_t not_before_ms);

//  Puts t, just taken off the queue, back at its start (a dispatch that did
//  not happen).
void coordinator_tasks_unqueue (coordinator_tasks_t *self, coordinator_task_t *t);

//  Puts t back at the start of the queue, due now: the next page of an
//  answer that goes on, asked before other tasks so the pages held stay few.
void coordinator_tasks_requeue_first (coordinator_tasks_t *self, coordinator_task_t *t);

//  Entries in the queue (some may be stale: settled or leased since).
size_t coordinator_tasks_queued (const coordinator_tasks_t *self);

//  The first queued task whose backoff is over at now_ms, taken off the
//  queue, or NULL.
coordinator_task_t *coordinator_tasks_next_due (coordinator_tasks_t *self, int64_t now_ms);

//  Settles t as state (DONE or FAILED) and kind; reason (may be NULL)
//  becomes its outcome "CODE reason".
void coordinator_tasks_settle (coordinator_tasks_t *self, coordinator_task_t *t, coordinator_task_state_t state,
                               coordinator_task_kind_t kind, const char *reason);

//  Completes a fetcher's RESULT of t for the writer: the listing's metadata
//  and name (from the ledger, or packed), the run's mode and the task's
//  range.
void coordinator_tasks_complete (coordinator_tasks_t *self, coordinator_task_t *t, eod_msg_t *result);

//  t's RESULT went to the writer, due to be acknowledged by deadline_ms.
//  data (len bytes, the encoded RESULT, may be NULL) is taken and kept
//  until then, to be sent again to a writer that lost it.
void coordinator_tasks_writing_at (coordinator_tasks_t *self, coordinator_task_t *t, int64_t deadline_ms, char *data,
                                   size_t len);

//  The RESULT kept for t (borrowed: *len bytes), or NULL.
const char *coordinator_tasks_kept (coordinator_tasks_t *self, const coordinator_task_t *t, size_t *len);

//  Bytes of RESULTs kept.
size_t coordinator_tasks_kept_bytes (const coordinator_tasks_t *self);

//  The i-th task id an ACK names, 0 <= i <= nlist: task_id, then its list
//  (the writer acknowledges a batch in one ACK).
const char *coordinator_ack_id (const eod_msg_t *ack, size_t i);

//  Settles as done each task an ACK replayed from the ledger names that is
//  not done yet. Returns how many.
long coordinator_tasks_replay_ack (coordinator_tasks_t *self, const eod_msg_t *ack);

//  Fills a RUN_DONE's counts of the TASKs (count, ok, nodata, unknown, failed; the tasks
//  without a row for their session in its meta "unpublished", when any) and
//  its list: the outcome of every task not ok and the listing's own (listed's
//  list), sorted. Returns the number of unpublished tasks.
long coordinator_tasks_summarize (coordinator_tasks_t *self, const eod_msg_t *listed, eod_msg_t *done);

//  True when a run of tasks tasks, unpublished of which answered without a
//  row for their session, is incomplete: more than share (0..1, [pipeline]
//  unpublished_share) of them.
bool coordinator_run_incomplete (long unpublished, long tasks, double share);

//  The lines of the gaps file: "market\tcode\tfrom\tto\toutcome" per failed
//  or unpublished TASK (batches.h: those of a fast close). The caller destroys the chunk.
zchunk_t *coordinator_tasks_gaps (coordinator_tasks_t *self);

//  Drops every task and run.
void coordinator_tasks_forget (coordinator_tasks_t *self);

#endif
