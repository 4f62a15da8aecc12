/*  writer anomalies — what validation (validate.h) found in a run's rows:
    the sidecar files, and the counts the run's summary carries.

    Pass 1 of the fold (spool.c) checks each row of the journal as it spools
    it and appends its findings to a findings file in the spool directory
    (spool records, spool.h: key "DATE\tCODE", line the sidecar's CSV line);
    rows the fetcher dropped for a date outside its request (RESULT meta
    "wrong_date") and rows without a valid date are noted there too, under
    the task's last session. Pass 2 (compact.c) takes a month at a time: it
    loads the month's findings, adds the conflicts it sees while it dedupes,
    and writes each session's sidecar,

        DATA_DIR/anomalies/market=M/dt=D/M_YYYYMMDD_anomalies.csv
        trade_date,code,kind,detail

    sorted and without repeats (a task delivered twice finds the same
    things twice). A sidecar describes its session's partition file: the
    lines of an existing sidecar for codes this run does not bring stay, as
    the rows of those codes stay in the data file; those of the codes it
    brings are replaced. A session with nothing found and no sidecar gets
    none. Everything comes from the journal and the files on disk, so a fold
    done again (a writer killed and resumed) writes the same bytes. Each
    sidecar goes to the uploader, under its own prefix (anomalies/), never
    under a price table's location. */
#ifndef WRITER_ANOMALIES_H
#define WRITER_ANOMALIES_H

#include "eod_proto.h"
#include "finish.h"
#include "validate.h"

#define WRITER_ANOMALIES_FIRST_MAX 5   //  findings listed in the run's summary

typedef struct _writer_anomalies_t writer_anomalies_t;

//  Whether the journal brings a row of (date YYYY-MM-DD, code).
typedef bool (writer_brought_fn) (const char *date, const char *code, void *arg);

//  Validation under conf (copied); each sidecar written is reported to
//  on_sidecar (path, rel "anomalies/market=M/dt=D/FILE", date, lines). NULL
//  when out of memory.
writer_anomalies_t *writer_anomalies_new (const writer_validate_conf_t *conf, writer_file_fn *on_sidecar, void *arg);

//  Nulls *self_p; safe on NULL and twice.
void writer_anomalies_destroy (writer_anomalies_t **self_p);

//  Starts the counts again, and the findings file of a fold at
//  SPOOL_DIR/findings (spool_dir borrowed, it must outlive the fold).
void writer_anomalies_reset (writer_anomalies_t *self, const char *spool_dir);

//  Pass 1: the rules over one row of market (values: its columns, n of
//  them; date its session; listing_date as validate.h) and their findings
//  appended. 0, or -1 (logged) when the findings file cannot be written.
int writer_anomalies_check (writer_anomalies_t *self, const char *market, const char *const *values, size_t n,
                            const char *date, const char *code, const char *listing_date);

//  Pass 1: one finding appended (kind, detail) for (date, code). 0 or -1.
int writer_anomalies_note (writer_anomalies_t *self, const char *date, const char *code, writer_validate_kind_t kind,
                           const char *detail);

//  Pass 1: a disagreement of the cross-check (kind xcheck) noted for
//  (date, code); arg is the writer_anomalies_t (a writer_xcheck_note_fn,
//  xcheck.h). 0 or -1.
int writer_anomalies_note_xcheck (const char *date, const char *code, const char *detail, void *arg);

//  A check of the whole run (the cross-check, xcheck.h). on_record (NULL:
//  none) sees each record pass 1 reads from the journal, before its rows
//  are spooled, so the journal is read once; on_run (NULL: none) is called
//  as each pass 1 ends, before the findings file closes, to note the run's
//  findings with writer_anomalies_note. A non-zero return of either fails
//  the fold.
typedef int (writer_anomalies_record_fn) (const eod_msg_t *record, void *arg);
typedef int (writer_anomalies_run_fn) (writer_anomalies_t *self, void *arg);
void writer_anomalies_on_run (writer_anomalies_t *self, writer_anomalies_record_fn *on_record,
                              writer_anomalies_run_fn *on_run, void *arg);

//  Pass 1: one record of the journal (borrowed) to the run's check
//  (writer_anomalies_on_run). 0, or its non-zero return.
int writer_anomalies_record (writer_anomalies_t *self, const eod_msg_t *record);

//  Pass 1 over: the run's findings noted (writer_anomalies_on_run), the
//  findings file closed. 0 or -1 (logged).
int writer_anomalies_spooled (writer_anomalies_t *self);

//  Pass 2: the findings of month (YYYY-MM) loaded. 0 or -1 (logged).
int writer_anomalies_month (writer_anomalies_t *self, const char *month);

//  Pass 2: two lines (CSV, of market) of the same (date, code), first the
//  one kept; a conflict is added when their values of the day differ.
void writer_anomalies_pair (writer_anomalies_t *self, const char *market, const char *date, const char *code,
                            const char *kept, size_t kept_len, const char *other, size_t other_len);

//  Pass 2: the sidecar of session date (a session of the month loaded)
//  written, merged with the one on disk (brought says which codes the
//  journal brings). Then every other session of the month that has
//  findings: writer_anomalies_month_end. 0 or -1 (logged).
int writer_anomalies_session (writer_anomalies_t *self, const char *data_dir, const char *market, const char *date,
                              writer_brought_fn *brought, void *arg);
int writer_anomalies_month_end (writer_anomalies_t *self, const char *data_dir, const char *market,
                                writer_brought_fn *brought, void *arg);

//  Findings of this fold (repeats not counted), by kind and in all.
long writer_anomalies_count (const writer_anomalies_t *self, writer_validate_kind_t kind);
long writer_anomalies_total (const writer_anomalies_t *self);

//  The first findings of the fold, "DATE CODE KIND: DETAIL" (i below
//  writer_anomalies_listed), in the order of the sidecars.
size_t writer_anomalies_listed (const writer_anomalies_t *self);
const char *writer_anomalies_first (const writer_anomalies_t *self, size_t i);

//  Sidecar files written by this fold.
long writer_anomalies_files (const writer_anomalies_t *self);

#endif
