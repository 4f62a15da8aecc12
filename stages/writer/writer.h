/*  writer — the idempotent sink of the pipeline.

    RESULTs arrive from the coordinator. Each batch is appended to the run's
    journal (replay.c: state/writer/RUN.journal) and fsynced before its ACKs
    go back, so an acknowledged row is on disk. A RESULT of a task the journal
    already holds is ACKed again without being appended; a RECONCILE (a
    restarted coordinator) is answered with an ACK for every task the run's
    journal holds. When the coordinator says RUN_DONE, the journal is
    folded into the final files: rows keyed by (market, code, trade date) so a
    redelivered task changes nothing, one CSV per session, sorted, in the
    reference pipeline's columns (writer_csv.c), written to a temp name and
    renamed. The fold works a calendar month at a time through spool files
    (spool.c, compact.c) and holds an index of a month's rows, not the rows, so
    its memory does not grow with the date range and grows slowly with the
    codes. Each file goes to the uploader as a FILE, and so does every file of
    the run's range the fold did not touch; END carries the run's summary on,
    once the uploader has acknowledged every FILE with a FILE_ACK (finish.c).

    This class only wires: the socket loop, the batching of ACKs to the
    coordinator, and the messages that start each part's work. */
#ifndef WRITER_H
#define WRITER_H

#include "eod_zmq.h"

typedef struct _writer_t writer_t;

//  The writer of stage (borrowed; its config names the state and data
//  directories and the endpoints): its journal directory made, its sockets
//  open. once: the run loop ends after the first END, once the uploader has
//  acknowledged it (or pipeline:linger_ms passed). NULL (logged) on error.
writer_t *writer_new (eod_stage_t *stage, bool once);

//  Closes the open journal (synced) and the sockets; nulls *self_p. Safe on
//  NULL and twice.
void writer_destroy (writer_t **self_p);

//  Runs until interrupted (or, once, until the run ended). The exit code: 0,
//  or 4 when a journal sync, a file or a checksum failed.
int writer_run (writer_t *self);

#endif
