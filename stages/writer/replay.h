/*  writer replay — the run's journal and the task ids it holds.

    The writer journals each RESULT and each QUOTES (a batch's multi-stock
    quotes; state/writer/RUN.journal, eod_journal) before it acknowledges
    it. When a run's journal is opened — the first
    RESULT of a run, the first after a restart, a reconcile from a restarted
    coordinator — its records are read back: a torn last record (never synced,
    so never acknowledged) is cut off by eod_journal_open, and the task id of
    every RESULT and the batch id of every QUOTES are remembered, so a
    redelivered task or batch is acknowledged again without being journalled
    twice: the first QUOTES of a batch is the one the writer compares and
    folds. Its rows are deduped later, by (market,
    code, trade date), when the run is folded (compact.c). One journal is open
    at a time; the task ids are kept in a compact set, since a daily run has
    tens of thousands of tasks. */
#ifndef WRITER_REPLAY_H
#define WRITER_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "eod_proto.h"

#define WRITER_RUN_ID_MAX 128   //  bytes of a run id, its NUL included

typedef struct _writer_replay_t writer_replay_t;

//  A set of journals in dir, made (0700) when missing. NULL (logged with the
//  directory and errno) when it cannot be made, or on no memory.
writer_replay_t *writer_replay_new (const char *dir);

//  Syncs and closes the open journal; nulls *self_p. Safe on NULL and twice.
void writer_replay_destroy (writer_replay_t **self_p);

//  True when run_id can name a journal file: an id of proto/eod_grammar.h
//  (a letter or digit, then letters, digits, '.', '_', '-'; no '/').
bool writer_replay_run_id_ok (const char *run_id);

//  The journal file of run_id: "DIR/RUN.journal", into path[size].
void writer_replay_path (const writer_replay_t *self, const char *run_id, char *path, size_t size);

//  Makes run_id's journal the open one (nothing to do when it is), replaying
//  the task ids it holds. A journal open for another run is synced and
//  closed first; when that sync fails, *sync_failed is set true (its last
//  records may not be durable). 0, or -1 (logged) when run_id cannot name a
//  journal (the open one stays open) or the journal cannot be opened (then
//  none is).
int writer_replay_open (writer_replay_t *self, const char *run_id, bool *sync_failed);

//  True when run_id's journal is the open one.
bool writer_replay_is_open (const writer_replay_t *self, const char *run_id);

//  Syncs and closes the open journal (none: nothing to do) and forgets its
//  task ids. 0, or -1 when the sync failed (logged).
int writer_replay_close (writer_replay_t *self);

//  Journals result (borrowed: a RESULT, or a QUOTES whose task_id is its
//  batch id) in the open journal, unless its id is there already (logged at debug level). 0, or -1 when the append failed
//  (logged): the result is not journalled. Asserts a journal is open.
int writer_replay_record (writer_replay_t *self, const eod_msg_t *result);

//  Makes what was recorded durable (fdatasync). 0 when it is or no journal
//  is open, -1 when the sync failed (logged).
int writer_replay_sync (writer_replay_t *self);

//  Task ids the open journal holds.
size_t writer_replay_count (const writer_replay_t *self);

//  The first task id of the open journal, in the order they were recorded,
//  or NULL; then the next ones. Borrowed: valid until the next record, open
//  or close.
const char *writer_replay_first (writer_replay_t *self);
const char *writer_replay_next (writer_replay_t *self);

#endif
