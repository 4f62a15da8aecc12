/*  writer csv — the CSV layout of the writer's files, and its formatting.

    Every partition file the writer makes (data/market=M/dt=D/M_YYYYMMDD.csv)
    has the reference pipeline's columns: 41 for KR, 29 for US, in the order
    of the tables in writer_csv.c (config/athena/ declares the same columns;
    tests/ops/test_units.sh checks the two agree). A RESULT row becomes its
    values here; a field is quoted (libcsv) only when it needs it, so a file
    is byte for byte what the reference pipeline writes. The fold (spool.c,
    compact.c) formats each row once, when it spools it, and formats the rows
    it keeps from an existing file the same way. */
#ifndef WRITER_CSV_H
#define WRITER_CSV_H

#include <stdbool.h>
#include <stdio.h>

#include "eod_proto.h"

#define WRITER_CSV_VALUES_MAX 64   //  columns of the widest market
#define WRITER_CSV_DATE_SIZE 11    //  "YYYY-MM-DD" and its NUL

//  The column names of a market ("us"; anything else is KR) in order, into
//  *columns (static, borrowed). Returns the count.
size_t writer_csv_columns (const char *market, const char *const **columns);

//  The column that holds a row's code (stck_shrn_iscd, US symbol).
size_t writer_csv_code_column (const char *market);

//  Fills out[ncolumns] (borrowed pointers into row/snapshot/meta, or "") for
//  one row of a RESULT. with_snapshot: the row's session is the one the
//  snapshot (output1) and the master files' figures describe (snapshot.h);
//  without it those columns are empty, and the columns that identify or
//  classify the instrument are filled all the same. date_buf receives the
//  ISO trade date. Returns 0, or -1 when the row has no valid trade date.
int writer_csv_row_values (const char *market, const eod_fields_t *row, const eod_fields_t *snapshot,
                           const eod_fields_t *meta, const char *code, bool with_snapshot, const char **out,
                           char date_buf[WRITER_CSV_DATE_SIZE]);

//  True when column (an index into the market's columns) holds a value of
//  one moment, not of the row's session (snapshot.h): KR output1 less the
//  name and code, and the master files' financial figures; US output1.
bool writer_csv_session_bound (const char *market, size_t column);

//  True when column holds a value of the run that wrote the row rather than
//  of its session: the names and classes of the instrument (KR group code
//  and name; US index flags, names, type, exchange, GICS).
bool writer_csv_run_bound (const char *market, size_t column);

//  Splits one CSV line of len bytes (its '\n' included or not) into exactly n
//  fields, each malloc'd into fields[0..n). 0, or -1 (nothing left to free)
//  when it does not hold n fields or memory ran out.
int writer_csv_split (const char *line, size_t len, char **fields, size_t n);

//  Writes one CSV field: quoted (libcsv) only when it holds a comma, a quote
//  or a line break. 0 or -1.
int writer_csv_field (FILE *out, const char *value);

//  Writes values[0..n) as one record: fields joined by ',', then '\n'. 0 or
//  -1 (a write failed; what was written stays).
int writer_csv_record (FILE *out, const char *const *values, size_t n);

//  The same record in memory: *line (the caller's to free) of *len bytes,
//  its '\n' included. 0, or -1 with *line NULL.
int writer_csv_line (const char *const *values, size_t n, char **line, size_t *len);

#endif
