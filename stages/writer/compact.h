/*  writer compact — pass 2 of the fold: a month's spool into partition files.

    When the coordinator says RUN_DONE, the writer folds the run's journal
    into the final files: pass 1 spools its rows by month (spool.c), and pass
    2, here, takes the months in ascending order, one at a time. For a month
    it holds an index of the rows, not the rows: for each row its session,
    its code and where its CSV line is in the spool file. Rows are deduped by
    (market, code, trade date) — the first in journal order wins, so a
    redelivered task changes nothing — and merged with what the partition
    files of the month's sessions already hold: a row of such a file stays
    unless the journal brings its (code, date), so a refill of a few codes,
    or a re-run that got fewer rows, never loses what the file had; and a
    journal row without the snapshot columns (snapshot.h) takes those the
    file's row held, so a backfill or a late re-run never blanks them. Each
    session's file is then written sorted by code, its lines read back from
    the spool, and made durable (finish.c). */
#ifndef WRITER_COMPACT_H
#define WRITER_COMPACT_H

#include "anomalies.h"
#include "finish.h"
#include "snapshot.h"

//  Folds the journal at path into files under data_dir; for each file written
//  calls on_file (may be NULL). snapshot (borrowed, may be NULL: no row keeps
//  them) decides which rows keep the snapshot columns and counts them;
//  anomalies (borrowed, may be NULL: no validation) validates the rows the
//  journal brings and writes each session's sidecar (anomalies.h), with the
//  wrong-date rows of the tasks that settled without rows (unwritten: RUN_DONE
//  meta EOD_META_WRONG_DATE_UNWRITTEN; NULL: none; see spool.h). Rows
//  are spooled under the journal's name with
//  ".spool" for ".journal" (a stale spool is removed first, the spool always
//  afterwards). For each (date, code) the first row in journal order wins,
//  then the rows the partition file already had for codes the journal does
//  not bring (a row of that file whose date is not the file's session is
//  reported and dropped). A missing journal writes nothing and returns 0.
//  Returns the number of rows written, or -1 (logged).
long writer_compact_journal (const char *journal, const char *data_dir, const char *market,
                             writer_snapshot_t *snapshot, writer_anomalies_t *anomalies, const char *unwritten,
                             writer_file_fn *on_file, void *arg);

//  Pass 2 of the fold for one month's spool file (writer_compact_journal
//  calls it for each month; the spool is its own, made from the journal; see
//  spool.h for its records). Rows are deduped by key (the first record wins,
//  then the rows the partition file already had, as above) and written one
//  file per session, sorted by key; the rows kept from partition files are
//  appended to the spool. Memory holds an index of the rows, not the rows.
//  Returns the rows written, or -1 (logged; a damaged record with the byte
//  offset where it starts, and then no file is written).
long writer_compact_month (const char *spool, const char *data_dir, const char *market, writer_snapshot_t *snapshot,
                           writer_anomalies_t *anomalies, writer_file_fn *on_file, void *arg);

#endif
