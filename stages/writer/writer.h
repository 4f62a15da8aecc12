/*  writer — the idempotent sink of the pipeline.

    RESULTs arrive from the coordinator. Each batch is appended to the run's
    journal (eod_journal, state/writer/RUN.journal) and fsynced before its ACKs
    go back, so an acknowledged row is on disk. A RESULT of a task the journal
    already holds is ACKed again without being appended; a JOB of mode
    "reconcile" (a restarted coordinator) is answered with an ACK for every task
    the run's journal holds. When the coordinator says RUN_DONE, the journal is
    folded into the final files: rows keyed by (market, code, trade date) so a
    redelivered task changes nothing, one CSV per session, sorted, in the
    reference pipeline's columns, written to a temp name and renamed. The fold
    works a calendar month at a time through spool files (RUN.spool/) and holds
    an index of a month's rows, not the rows, so its memory does not grow with
    the date range and grows slowly with the codes. Each file goes to the
    uploader as a FILE, and so does every file of the run's range the fold did
    not touch; END carries the run's summary on. */
#ifndef WRITER_H
#define WRITER_H

#include <stdio.h>

#include "eod_zmq.h"

typedef struct _writer_t writer_t;

writer_t *writer_new (eod_stage_t *stage, bool once);
void writer_destroy (writer_t **self_p);
int writer_run (writer_t *self);

//  The CSV layout of a market: column names in order. Returns the count.
size_t writer_columns (const char *market, const char *const **columns);

//  Fills out[ncolumns] (borrowed pointers into row/snapshot/meta, or "") for
//  one row of a RESULT: snapshot applies only to the session the snapshot is
//  of (daily runs). date_buf receives the ISO trade date. Returns 0, or -1
//  when the row has no valid trade date.
int writer_row_values (const char *market, const eod_fields_t *row, const eod_fields_t *snapshot,
                       const eod_fields_t *meta, const char *code, bool with_snapshot, const char **out,
                       char date_buf[11]);

//  Writes one CSV field: quoted (libcsv) only when it holds a comma, a quote
//  or a line break. 0 or -1.
int writer_csv_field (FILE *out, const char *value);

//  Folds the journal at path into files under data_dir; for each file written
//  calls on_file. Returns the number of rows written, or -1 (logged).
typedef void (writer_file_fn) (const char *path, const char *rel, const char *date, long rows, void *arg);
//  Rows are spooled under the journal's name with ".spool" for ".journal" (a
//  stale spool is removed first, the spool always afterwards). For each
//  (date, code) the first row in journal order wins, then the rows the
//  partition file already had for codes the journal does not bring (a row of
//  that file whose date is not the file's session is reported and dropped).
//  A missing journal writes nothing and returns 0.
long writer_fold_journal (const char *journal, const char *data_dir, const char *market, writer_file_fn *on_file,
                          void *arg);

//  Pass 2 of the fold for one month's spool file (writer_fold_journal calls it
//  for each month; the spool is its own, made from the journal). A spool record
//  is a 4-byte big-endian length, the key "YYYY-MM-DD\tCODE", a NUL, a 4-byte
//  big-endian length, the CSV line with its '\n', a NUL. Rows are deduped by
//  key (the first record wins, then the rows the partition file already had,
//  as above) and written one file per session, sorted by key; the rows kept
//  from partition files are appended to the spool. Memory holds an index of
//  the rows, not the rows. Returns the rows written, or -1 (logged; a damaged
//  record with the byte offset where it starts, and then no file is written).
long writer_fold_spool (const char *spool, const char *data_dir, const char *market, writer_file_fn *on_file,
                        void *arg);

//  Calls on_file for every partition file data_dir/market=M/dt=D/M_YYYYMMDD.csv
//  with date_from <= D <= date_to (ISO dates) whose D is not a key of skip
//  (may be NULL), in date order; rows are the file's CSV records less the
//  header. Only existing dt= directories are visited. Returns the number of
//  files reported, 0 when the market has no directory, -1 (logged) when it
//  cannot be read.
long writer_existing_files (const char *data_dir, const char *market, const char *date_from, const char *date_to,
                            zhashx_t *skip, writer_file_fn *on_file, void *arg);

#endif
