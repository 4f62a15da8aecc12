/*  schedule — when the calendar gate's service mode starts a run.

    KR: the session date D (Asia/Seoul) is due at D + [schedule] kr_time,
    Seoul time (18:00: after the master files refresh). US: the XNYS session
    date D (New York) is due at D + 1 day + us_time, Seoul time (07:30: the
    close at 16:00 New York is 05:00 or 06:00 in Seoul). Every weekday of the
    market's own zone has such a time; the gate then decides whether it was a
    session (a run) or a holiday (a closed-market notice), so a weekday is
    handled exactly once either way, and weekends never.

    The "fired" record (state/calendar/fired) is an append-only text file, one
    line "MARKET DATE FIRED-AT" per weekday handled, written and made durable
    before the run starts, so a restart never starts the same session twice.
    Pure logic apart from that file; the clock is the caller's. */
#ifndef SCHEDULE_H
#define SCHEDULE_H

#include <stdbool.h>
#include <time.h>

#include "eod_cal.h"
#include "eod_date.h"

typedef struct _schedule_t schedule_t;

//  Parses "HH:MM" (00:00..23:59) into minutes of the day. 0, or -1.
int schedule_parse_time (const char *text, int *minute_of_day);

//  The instant weekday date of market is due, with due_min its [schedule]
//  time in minutes of the Seoul day. 0, or -1 when out of range.
int schedule_due_at (eod_market_t market, eod_date_t date, int due_min, time_t *out);

//  The latest weekday of market (in its zone) whose due time is at or before
//  now. Always found (a weekday lies within three days).
eod_date_t schedule_latest_due (eod_market_t market, time_t now, int due_min);

//  Opens the fired record at path (created, with its directory, when absent).
//  Lines that do not parse are reported with path:line and skipped. NULL on
//  an I/O error (logged).
schedule_t *schedule_open (const char *path);
void schedule_destroy (schedule_t **self_p);

//  True when market's date was handled already.
bool schedule_fired (const schedule_t *self, eod_market_t market, eod_date_t date);

//  Records market's date as handled, at fired_at, durably (fsync) before
//  returning 0; -1 on an I/O error (logged: the caller then does not run it,
//  since it could not keep the at-most-once promise).
int schedule_mark (schedule_t *self, eod_market_t market, eod_date_t date, time_t fired_at);

#endif
