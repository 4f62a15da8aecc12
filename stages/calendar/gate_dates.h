/*  gate_dates — the dates a run may ask for, at the moment it starts.

    A session's rows are final only once it has closed: during the session
    KIS answers the live bar as the day's row, and its quote (output1) is of
    that moment. So a daily run for a session that has not closed yet (today
    before the close, or a later day) is refused, with a line that says when
    it closes; a backfill whose last date has not closed yet ends at the
    latest closed session instead (a month's backfill in the middle of the
    month is what people ask for). Closed days and dates the calendar does
    not know are left to the gate, which says so. Pure logic: the calendar
    and the clock are the caller's. */
#ifndef GATE_DATES_H
#define GATE_DATES_H

#include <stddef.h>
#include <time.h>

#include "eod_cal.h"
#include "eod_date.h"
#include "eod_quote_window.h"

//  0 when a daily run may ask for session date of market at now; -1 with
//  the reason in why (a whole sentence naming the date, the zone's today
//  and, for today, the close) when the session has not closed yet.
int gate_daily_ok (eod_cal_t *cal, eod_market_t market, eod_date_t date, time_t now, char *why, size_t whylen);

//  A backfill's range at now: *to moved back to the latest closed session
//  when it is later (then 1, with a note in why). 0 when the range stands;
//  -1 with the reason in why when no day of it has closed yet. A calendar
//  that does not know today leaves the range as it is (0): the gate reports
//  what it does not know.
int gate_backfill_range (eod_cal_t *cal, eod_market_t market, eod_date_t from, eod_date_t *to, time_t now, char *why,
                         size_t whylen);

//  0 when the fast close (mode close: the multi-stock quote's rows) may run
//  for session date of market at now under window; -1 with the reason in
//  why otherwise: not KR, the mock host (no multi-stock quote), a session
//  that has not closed (as gate_daily_ok), a date other than the latest
//  closed session, or a moment outside window (its quote is not date's
//  then: eod_quote_window.h), each a sentence that says what would do.
int gate_close_ok (eod_cal_t *cal, const eod_quote_window_t *window, eod_market_t market, eod_date_t date, time_t now,
                   char *why, size_t whylen);

#endif
