/*  fetcher batch — one BATCH's multi-stock quote request (KIS FHKST11300006),
    and its QUOTES.

    The quote carries no date: it is the session's only while that session
    is the latest closed one and the clock is inside the [multiquote]
    window (eod_quote_window). So the fetcher asks the rule at the moment it
    would make the request: outside it (a resumed run the next morning, the
    mock host) no request is made and the QUOTES says why (status
    "skipped", msg_cd EOD-WINDOW, the reason in error: "window", "mock
    host"), which the summary reports as codes not cross-checked. Inside
    it, one request for the batch's codes; the QUOTES carries when it was
    asked (asked_at, journalled by the writer, which checks the rule again),
    one row per code quoted (each row holds its code, inter_shrn_iscd, and
    never a code the batch did not ask), and in meta each code that has no
    row with its state: "missing", "zero" (a price of 0: a code KIS does not
    know) or "rejected". The HTTP transport and the clock are the caller's
    (the stage's, or the unit test's stand-ins). */
#ifndef FETCHER_BATCH_H
#define FETCHER_BATCH_H

#include "eod_quote_window.h"
#include "fetch.h"

#include <time.h>

#define FETCHER_BATCH_SKIPPED "skipped"      //  QUOTES status: no request made
#define FETCHER_BATCH_CODE_WINDOW "EOD-WINDOW"

typedef struct {
    fetcher_fetch_conf_t fetch;               //  timeout, TLS, the HTTP transport
    const eod_quote_window_t *window;         //  [multiquote] window, [kis] env
    eod_cal_t *cal;                           //  the calendar tables (borrowed)
    time_t (*now) (void);                     //  NULL: eod_now
} fetcher_batch_conf_t;

//  Performs batch (a BATCH) with creds (its key's CREDS) and returns its
//  QUOTES, the caller's; NULL only when out of memory.
eod_msg_t *fetcher_batch (const eod_msg_t *batch, const eod_msg_t *creds, const fetcher_batch_conf_t *conf);

#endif
