/*  eod_cal — the exchange calendars (XKRX and XNYS): which dates are sessions,
    their hours, and which session has closed by a given instant.

    The coordinator asks it which trade date to fetch when no --date is given
    (the latest closed session of each market) and which sessions a backfill
    range covers; the CLI (stages/calendar/cal_cli.c) answers the same questions
    for people and scripts.

    XKRX comes from a shipped table (XKRX_closed.csv, XKRX_special_hours.csv)
    covering whole years, extended or corrected by answers from KIS chk-holiday.
    XNYS comes from the holiday rules from 2000 on plus XNYS_closures.csv for
    one-off closures. A date outside what the calendar knows is UNKNOWN, and
    every query that would have to cross such a date fails instead of guessing.

    File format (all three): one record per line, fields separated by commas,
    the first field a date YYYY-MM-DD; empty lines and lines starting with '#'
    are ignored; a trailing CR is accepted.
        XKRX_closed.csv          YYYY-MM-DD,reason
        XKRX_special_hours.csv   YYYY-MM-DD,HH:MM,HH:MM,reason   (open, close)
        XNYS_closures.csv        YYYY-MM-DD,reason

    An eod_cal_t is not thread-safe: the queries only read it, but
    eod_cal_add_kr_status changes it. */
#ifndef EOD_CAL_H
#define EOD_CAL_H

#include <stdbool.h>
#include <time.h>

#include "eod_date.h"

typedef enum {
    EOD_MARKET_KR,   //  XKRX, Asia/Seoul
    EOD_MARKET_US    //  XNYS, America/New_York
} eod_market_t;

//  Status of a date. UNKNOWN is zero so that "nothing known" is the default.
typedef enum {
    EOD_CAL_UNKNOWN = 0,
    EOD_CAL_OPEN = 1,
    EOD_CAL_CLOSED = 2
} eod_cal_status_t;

typedef struct _eod_cal_t eod_cal_t;

//  Called by eod_cal_sessions for each session in order, with its local open
//  and close as minutes of the day. Return 0 to go on, -1 to stop (the
//  enumeration then returns -1).
typedef int (eod_cal_session_fn) (eod_date_t date, int open_min, int close_min, void *arg);

//  Parses "kr" or "us" (case-insensitive). Returns 0, or -1 for anything else.
int eod_market_parse (const char *name, eod_market_t *out);

//  "kr" or "us".
const char *eod_market_name (eod_market_t market);

//  The zone a market's session dates and hours are in.
eod_tz_t eod_market_tz (eod_market_t market);

//  Loads XKRX_closed.csv, XKRX_special_hours.csv and XNYS_closures.csv from
//  calendar_dir. Any malformed line (bad date or time, missing field, a
//  duplicate date, special hours on a closed date or outside the XKRX years,
//  a closure before 2000) is logged with file:line and fails the load.
//  Returns a new calendar the caller destroys, or NULL.
eod_cal_t *eod_cal_new (const char *calendar_dir);

//  Destroys a calendar and nulls the pointer; safe on NULL and twice.
void eod_cal_destroy (eod_cal_t **self_p);

//  Records what KIS chk-holiday said about a KR date (its opnd_yn): open or
//  not. The answer overrides the table for that date and extends what the
//  calendar knows beyond the table's years. Hours of such a date outside the
//  table are the regular 09:00-15:30. Returns 0, or -1 for an invalid date or
//  when out of memory.
int eod_cal_add_kr_status (eod_cal_t *self, eod_date_t date, bool open);

//  EOD_CAL_OPEN, EOD_CAL_CLOSED or EOD_CAL_UNKNOWN for a session date.
eod_cal_status_t eod_cal_status (eod_cal_t *self, eod_market_t market, eod_date_t date);

//  Why a date is closed ("weekend", a holiday's name, "closed (KIS chk-holiday)")
//  or NULL when it is not closed. The string is borrowed from the calendar.
const char *eod_cal_closed_reason (eod_cal_t *self, eod_market_t market, eod_date_t date);

//  The local open and close (minutes of the day) of a session. Returns 0, or
//  -1 when the date is not a session (closed or unknown). Outputs may be NULL.
int eod_cal_hours (eod_cal_t *self, eod_market_t market, eod_date_t date, int *open_min, int *close_min);

//  The span of dates this calendar knows for a market without API answers
//  (XKRX: the table's whole years; XNYS: 2000-01-01 to 2099-12-31).
void eod_cal_known_range (eod_cal_t *self, eod_market_t market, eod_date_t *first, eod_date_t *last);

//  The last session strictly before / the first strictly after date. Returns
//  0, or -1 when an UNKNOWN date is reached first.
int eod_cal_prev_session (eod_cal_t *self, eod_market_t market, eod_date_t date, eod_date_t *out);
int eod_cal_next_session (eod_cal_t *self, eod_market_t market, eod_date_t date, eod_date_t *out);

//  The latest session whose close (exchange local time, early closes and
//  special hours included) is at or before now. Returns 0, or -1 when an
//  UNKNOWN date is reached first (today's date in the exchange's zone
//  included).
int eod_cal_latest_closed_session (eod_cal_t *self, eod_market_t market, time_t now, eod_date_t *out);

//  Calls fn for each session in [from, to] in order. Nothing is called when
//  any date of the range is UNKNOWN. Returns the number of sessions (0 for an
//  empty or reversed range), or -1 when the range reaches an UNKNOWN date or
//  fn returned -1.
int eod_cal_sessions (eod_cal_t *self, eod_market_t market, eod_date_t from, eod_date_t to, eod_cal_session_fn *fn,
                      void *arg);

#endif
