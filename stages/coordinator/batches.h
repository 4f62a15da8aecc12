/*  coordinator batches — the multi-stock quote batches of a run.

    A BATCH (1 to 30 KR codes of one session, kr-mq-YYYYMMDD-NNNNN) is a
    task of its own kind: tasks.c holds it with the tasks (its codes in the
    code field, comma-separated, and its flag batch), so it is queued,
    leased, retried and kept in the run's ledger like a TASK, and dispatch.c
    moves it. What is its own lives here: the BATCH a fetcher is sent, what
    a fetcher's QUOTES asks for (sent on, or retried), the QUOTES completed
    for the writer (each code of the batch a row or a state, no row of a code
    not asked), and the outcome of each batch, kept in the ledger (the
    QUOTES without its rows, made durable before the QUOTES goes to the
    writer) and read back on resume, from which a fast close (mode close)
    counts its codes, lists those not quoted and writes its gaps.

    A QUOTES that reaches the writer is settled: status ok (rows, and in
    meta each code without one: missing, zero or rejected), skipped (no
    request made: outside the window, the mock host) or failed (still
    failing after [kis] max_attempts, or not asked because the run
    stopped). */
#ifndef COORDINATOR_BATCHES_H
#define COORDINATOR_BATCHES_H

#include "eod_proto.h"
#include "tasks.h"

#include <czmq.h>
#include <stdbool.h>

#define COORDINATOR_BATCH_PREFIX "kr-mq-"
#define COORDINATOR_BATCH_MAX 30   //  codes of one multi-stock quote (EOD_KIS_MQ_MAX)
#define COORDINATOR_QUOTES_OK "ok"
#define COORDINATOR_QUOTES_SKIPPED "skipped"
#define COORDINATOR_QUOTES_FAILED "failed"

//  What becomes of a fetcher's QUOTES.
typedef enum {
    COORDINATOR_QUOTES_SEND,    //  settled: completed, it goes to the writer
    COORDINATOR_QUOTES_RETRY,   //  a retryable failure with attempts left
} coordinator_quotes_verdict_t;

typedef struct _coordinator_batches_t coordinator_batches_t;

//  True when id is a batch id (a BATCH's task_id).
bool coordinator_batch_id (const char *id);

//  The codes of batch (a BATCH) joined by commas, malloc'd, or NULL.
char *coordinator_batch_codes (const eod_msg_t *batch);

//  The BATCH a fetcher is sent for t under the key key_id. NULL without
//  memory.
eod_msg_t *coordinator_batch_msg (const coordinator_task_t *t, const char *key_id);

//  What quotes (a fetcher's QUOTES of t, at t's attempt) asks for, its
//  status made one of ok, skipped, failed when settled: retried while
//  retryable and attempts are left (max_attempts) and the run goes on
//  (halted false).
coordinator_quotes_verdict_t coordinator_batch_verdict (const coordinator_task_t *t, eod_msg_t *quotes,
                                                        int max_attempts, bool halted);

//  Completes a settled QUOTES of t for the writer: t's run, session and
//  codes; a row of a code t did not ask is dropped (logged) and each code
//  without a row nor a state is "missing".
void coordinator_batch_complete (const coordinator_task_t *t, eod_msg_t *quotes);

//  A settled QUOTES of t made here: status failed, error reason (the run
//  stopped before asking). NULL without memory.
eod_msg_t *coordinator_batch_failed (const coordinator_task_t *t, const char *reason);

//  The ledger's record of a settled QUOTES: the same without its rows. NULL
//  without memory.
eod_msg_t *coordinator_batch_record (const eod_msg_t *quotes);

//  The outcomes of a run's batches.
coordinator_batches_t *coordinator_batches_new (void);
void coordinator_batches_destroy (coordinator_batches_t **self_p);

//  Keeps the outcome of a batch: record (a QUOTES record) is copied; a
//  later one of the same batch replaces it.
void coordinator_batches_note (coordinator_batches_t *self, const eod_msg_t *record);

//  Batches whose outcome is kept.
size_t coordinator_batches_size (coordinator_batches_t *self);

//  Drops every outcome (the next run of a service).
void coordinator_batches_forget (coordinator_batches_t *self);

//  The fast close's RUN_DONE: count = the codes of the batches of tasks,
//  ok = those quoted, failed = the others (a state in its batch's meta, a
//  batch skipped or failed, or one whose outcome is not known), list =
//  "CODE reason" of each of those and listed's list, sorted. Returns the
//  codes not quoted.
long coordinator_batches_summarize (coordinator_batches_t *self, coordinator_tasks_t *tasks, const eod_msg_t *listed,
                                    eod_msg_t *done);

//  The gaps of a fast close: "market\tcode\tfrom\tto\toutcome" per code not
//  quoted, appended to text.
void coordinator_batches_gaps (coordinator_batches_t *self, coordinator_tasks_t *tasks, zchunk_t *text);

#endif
