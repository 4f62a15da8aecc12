/*  eod_quote_window — when a KR session may be read from a quote that
    carries no date: the multi-stock quote (KIS FHKST11300006), which
    answers "now", used to cross-check a session's rows and for the fast
    close.

    A quote read at instant `at` is of session D only when D was the latest
    closed session then: at or after D's close, and the request's answer
    (at + its longest life) before the next session N opened, both from the
    calendar tables (special hours, early closes) — the rule the writer's
    snapshot columns follow (stages/writer/snapshot.c). On top of it a
    window: from window_start (KST) on D's day to window_end (KST) on N's
    day, by default 18:00 to 08:00, because KIS's after-hours sessions move
    nothing of the regular bar but when it rolls its quote over before the
    open is not published. The mock host has no multi-quote: off there.

    Pure: a calendar, the settings and two instants in, a verdict out. The
    fetcher asks it before it sends a batch, the writer again from the
    journalled request time, so a resumed run outside the window changes
    nothing it already has and asks nothing it should not. */
#ifndef EOD_QUOTE_WINDOW_H
#define EOD_QUOTE_WINDOW_H

#include "eod_cal.h"

#include <stdbool.h>
#include <time.h>

#define EOD_QUOTE_WINDOW_START_DEFAULT "18:00"
#define EOD_QUOTE_WINDOW_END_DEFAULT "08:00"

typedef enum {
    EOD_QUOTE_WINDOW_OPEN = 0,        //  D is the latest closed session and at is inside the window
    EOD_QUOTE_WINDOW_EARLY,           //  D has not closed, or the window has not begun
    EOD_QUOTE_WINDOW_LATE,            //  past the window's end, or N opened (or may have, by the answer)
    EOD_QUOTE_WINDOW_MOCK,            //  the mock host (env = test) has no multi-quote
    EOD_QUOTE_WINDOW_MARKET,          //  not KR
    EOD_QUOTE_WINDOW_CALENDAR,        //  the calendar does not know D's hours or the next session
    EOD_QUOTE_WINDOW_VERDICTS
} eod_quote_window_verdict_t;

typedef struct {
    int start_min;                    //  minute of D's day (KST) the window opens
    int end_min;                      //  minute of N's day (KST) it closes
    long life_s;                      //  a request's longest life: timeout, plus a second of clock resolution
    bool mock;                        //  [kis] env = test
} eod_quote_window_t;

//  The verdict for a quote of session (YYYY-MM-DD of market) asked at `at`
//  (unix seconds; 0: not known, CALENDAR). cal is borrowed (NULL:
//  CALENDAR).
eod_quote_window_verdict_t eod_quote_window_check (const eod_quote_window_t *self, eod_cal_t *cal,
                                                   eod_market_t market, eod_date_t session, time_t at);

//  Fills *self from the settings' text ("HH:MM" each), a timeout in ms and
//  the host. 0, or -1 when a time is not HH:MM.
int eod_quote_window_init (eod_quote_window_t *self, const char *start, const char *end, long timeout_ms,
                           bool mock);

//  The reason a summary gives for codes not cross-checked: "window" (early
//  or late), "mock host", "market", "calendar"; "" for OPEN.
const char *eod_quote_window_reason (eod_quote_window_verdict_t verdict);

#endif
