/*  coordinator ledger — what the coordinator knows of a run, on disk.

    The ledger of a run is a journal (eod_journal: length-prefixed encoded
    messages) at DIR/RUN_ID.ledger, DIR being state/coordinator. It holds the
    TASK, LISTED and END messages as the lister sent them, an ACK record per
    ACK of the writer that settled tasks, and RUN_DONE once the run settled.
    A coordinator restarted after a crash (or the same run started again)
    opens it, replays it, and asks the API only for what is missing; a torn
    last record (a crash mid-append) is cut off. A TASK's record stays where
    it was appended: its byte offset is how the task's metadata is read back
    when its rows go to the writer (tasks.c), so the coordinator need not
    hold every TASK in memory.

    Appends reach the disk at the latest COORDINATOR_LEDGER_SYNC_MS later, or
    at once where the caller forces it (before telling the lister its
    listing arrived, at the end of the run): a record lost in a crash is
    only work done again. Ledgers older than [pipeline] ledger_keep_days are
    pruned. This module also records a run's gaps (what it could not get)
    under state/gaps/, for `launch/eod backfill --gaps`. */
#ifndef COORDINATOR_LEDGER_H
#define COORDINATOR_LEDGER_H

#include "eod_proto.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define COORDINATOR_LEDGER_SYNC_MS 200   //  the ledger is made durable at least this often

typedef struct _coordinator_ledger_t coordinator_ledger_t;

//  Called for each record replayed, in file order, with its byte offset.
//  The callee may take the message by setting *msg_p to NULL. Return 0.
typedef int (coordinator_ledger_fn) (eod_msg_t **msg_p, int64_t offset, void *arg);

//  The path of run_id's ledger in dir, malloc'd (the caller frees), or NULL
//  when run_id is not an id (eod_grammar EOD_G_ID: logged) or out of memory.
char *coordinator_ledger_path (const char *dir, const char *run_id);

//  Opens (creating it, mode 0600) the ledger of run_id in dir, replaying
//  what it holds through on_record first. *finished (may be NULL) says
//  whether a RUN_DONE was replayed, also when the ledger then cannot be
//  opened. NULL when it cannot be opened or is damaged (logged: the run will
//  not be resumable).
coordinator_ledger_t *coordinator_ledger_open (const char *dir, const char *run_id, coordinator_ledger_fn *on_record,
                                               void *arg, bool *finished);

//  Closes the file (without a sync: see coordinator_ledger_sync); nulls
//  *self_p, safe on NULL and twice.
void coordinator_ledger_destroy (coordinator_ledger_t **self_p);

//  Appends msg. Nothing when self is NULL (no ledger); a failed append is
//  logged and the run goes on (it is then not resumable past it).
void coordinator_ledger_append (coordinator_ledger_t *self, const eod_msg_t *msg);

//  The same, returning the record's byte offset, or -1 (no ledger, or the
//  append failed).
int64_t coordinator_ledger_append_at (coordinator_ledger_t *self, const eod_msg_t *msg);

//  Makes what was appended durable when force or when the last sync was
//  COORDINATOR_LEDGER_SYNC_MS before now_ms (a monotonic clock). Nothing
//  when self is NULL or nothing was appended since.
void coordinator_ledger_sync (coordinator_ledger_t *self, bool force, int64_t now_ms);

//  The run id of the newest ledger in dir (by modification time) into out.
//  0, or -1 when dir holds none (or cannot be read).
int coordinator_ledger_newest (const char *dir, char *out, size_t outsize);

//  Removes the ledgers in dir last changed more than keep_days before now
//  (wall-clock seconds), each logged.
void coordinator_ledger_prune (const char *dir, long keep_days, time_t now);

//  Records a run's gaps, the lines of text (len bytes, one failed task a
//  line), at state_dir/gaps/MARKET-RUN_ID.tsv, mode 0600. When len is 0 the
//  run has none: a file an earlier try of the same run left is removed. 0,
//  or -1 (logged).
int coordinator_ledger_write_gaps (const char *state_dir, const char *market, const char *run_id, const char *text,
                                   size_t len);

#endif
