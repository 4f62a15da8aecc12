/*  writer spool — pass 1 of the fold: a run's rows, formatted, by month.

    The fold of a run (compact.c) runs in two passes so that its memory does
    not grow with the date range of the run. Pass 1, here, reads the journal
    one record at a time and spools each row of the market's RESULTs, already
    formatted as its CSV line (writer_csv.c), into one file per calendar month
    in a directory next to the journal: "RUN.journal" -> "RUN.spool/YYYY-MM.spool".
    Pass 2 takes the months one at a time (compact.c).

    Spool record: a 4-byte big-endian length, the sort key "YYYY-MM-DD\tCODE",
    a NUL, a 4-byte big-endian length, the CSV line with its '\n', a NUL. The
    lengths are needed because a CSV field can hold a line break; the NULs
    make a damaged or misaligned record show. Pass 2 appends records of its
    own (the rows a partition file already holds) in the same format. */
#ifndef WRITER_SPOOL_H
#define WRITER_SPOOL_H

#include <stdint.h>
#include <stdio.h>

#include "anomalies.h"
#include "snapshot.h"

#define WRITER_SPOOL_KEY_MAX 96    //  "YYYY-MM-DD\tCODE" and its NUL
#define WRITER_SPOOL_DATE_LEN 10   //  the key's YYYY-MM-DD

//  The key of a row: "DATE\tCODE" into key.
void writer_spool_key (char key[WRITER_SPOOL_KEY_MAX], const char *date, const char *code);

//  Appends the record (key, line of len bytes) to f. When end is not NULL,
//  *end is where the record starts (the file's size) on the call, and where
//  it ends on return; *line_at (when not NULL) receives where its line
//  starts. 0 or -1 (errno set).
int writer_spool_put (FILE *f, const char *key, const char *line, size_t len, uint64_t *end, uint64_t *line_at);

//  Reads the record at *pos of f (read from *pos, size bytes long): its key
//  into key, where its line starts and its length (the line is skipped, not
//  read); *pos moves past the record. 0, or -1 when the record is damaged or
//  cut off (the key's date is not checked here).
int writer_spool_get (FILE *f, uint64_t size, uint64_t *pos, char key[WRITER_SPOOL_KEY_MAX], uint64_t *line_at,
                      uint32_t *len);

typedef struct _writer_spool_t writer_spool_t;

//  The spool of the rows of market in the journal at path, empty: a spool
//  left by a fold that crashed is removed (the journal is the truth). Each
//  row keeps the snapshot columns when snapshot (borrowed, counts the
//  answers; NULL: no row does) says they describe its session. Each row is
//  validated as it is spooled when anomalies (borrowed, NULL: none) is
//  given: its counts start again, its findings go to the spool directory.
//  NULL (logged) when it cannot be removed, or on no memory.
writer_spool_t *writer_spool_new (const char *journal, const char *market, writer_snapshot_t *snapshot,
                                  writer_anomalies_t *anomalies);

//  Removes the spool's directory and files; nulls *self_p. Safe on NULL and
//  twice.
void writer_spool_destroy (writer_spool_t **self_p);

//  The wrong-date rows of the run's tasks that settled without rows (RUN_DONE
//  meta EOD_META_WRONG_DATE_UNWRITTEN, copied; NULL or "": none), for the
//  next fill to note as anomalies. 0, or -1 on no memory.
int writer_spool_unwritten (writer_spool_t *self, const char *entries);

//  Pass 1: spools each row of the journal's RESULTs of the market (a row
//  without a valid trade date is logged, counted and skipped), then notes
//  the unwritten wrong-date rows (writer_spool_unwritten) under the last
//  session of their task. A missing journal spools no row. 0, or -1
//  (logged) when the journal cannot be read or a spool file written.
int writer_spool_fill (writer_spool_t *self);

//  Months spooled, and the spool file of the i-th in ascending order.
size_t writer_spool_months (const writer_spool_t *self);
void writer_spool_path (const writer_spool_t *self, size_t i, char *path, size_t size);

//  Rows spooled, and rows skipped for want of a valid trade date.
long writer_spool_rows (const writer_spool_t *self);
long writer_spool_skipped (const writer_spool_t *self);

#endif
