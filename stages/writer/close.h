/*  writer close — the fast close: one KR session's core columns from the
    multi-stock quote alone (FHKST11300006), as a data set of its own.

    A run of mode close sends BATCHes only; its journal holds one QUOTES per
    batch. At RUN_DONE they are folded into

        DATA_DIR/close/market=kr/dt=D/kr_close_YYYYMMDD.csv
        date,code,name,open,high,low,close,volume,value,prev_close,change,sign,rate

    one row per code quoted (the first quote of a code wins), sorted by code,
    dated the session D the QUOTES were asked for, and only when the rule of
    eod_quote_window holds at the quote's asked_at (checked again here: a
    quote asked outside the window is not D's and is not written). The file
    is under its own folder, never a price table's (the uploader's data set
    "close"), written to a temp name, fsynced and renamed. Rows of codes the
    journal does not bring are kept from the file on disk, so a later run of
    the same session that asks only its gaps adds them to what it had.

    Every row passes the validation rules of the price rows (validate.h,
    mapped to the chart's columns); findings go to
    DATA_DIR/anomalies/market=kr/dt=D/kr_close_YYYYMMDD_anomalies.csv (the
    anomalies data set), merged with it the same way. Rows are written as
    the quote gave them. */
#ifndef WRITER_CLOSE_H
#define WRITER_CLOSE_H

#include "eod_cal.h"
#include "eod_quote_window.h"
#include "finish.h"
#include "validate.h"

typedef struct {
    const eod_quote_window_t *window;   //  [multiquote] window, [kis] env (borrowed)
    eod_cal_t *cal;                     //  the calendar tables (borrowed; NULL: no quote is of the session)
    writer_validate_conf_t rules;       //  [validate]
} writer_close_conf_t;

//  What a fold of the fast close did.
typedef struct {
    long rows;       //  rows of the file (the journal's and those kept from the file)
    long quoted;     //  codes of the journal written
    long window;     //  codes whose quote was asked outside the window: not written
    long findings;   //  validation's findings in the rows written
} writer_close_counts_t;

//  The columns of the fast close's file, and their count.
size_t writer_close_columns (const char *const **columns);

//  Folds the QUOTES of session (YYYY-MM-DD) in the journal at path into the
//  session's file under data_dir, and its sidecar; each file written goes
//  to on_file (rel "close/..." or "anomalies/..."). A journal without a
//  quote of the session writes nothing. 0, or -1 (logged) when the journal
//  cannot be read or a file written.
int writer_close_fold (const char *journal, const char *data_dir, const char *session, const writer_close_conf_t *conf,
                       writer_file_fn *on_file, void *arg, writer_close_counts_t *counts);

#endif
