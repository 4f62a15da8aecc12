/*  test_quote_window — when a dateless quote may be read as a KR session's
    (common/calendar/eod_quote_window.c), over the shipped calendars: inside
    the default window 18:00 to 08:00 KST of the next session, before the
    close, before the window, at 09:05 of the next session, a week later,
    across Chuseok and a weekend, a CSAT day whose close is an hour late, the
    request's life against the next open, the mock host, US, a holiday and
    an unknown request time. */
#include "eod_test.h"
#include "eod_quote_window.h"
#include "eod_log.h"

static eod_cal_t *s_cal;

//  The verdict for session D (YYYY-MM-DD) asked at a KST wall-clock time
//  "YYYY-MM-DDTHH:MM:SS".
static eod_quote_window_verdict_t
s_at (const eod_quote_window_t *w, const char *market, const char *session, const char *kst)
{
    eod_date_t date;
    eod_market_t m;
    char stamp[40];
    time_t at = 0;
    snprintf (stamp, sizeof stamp, "%s+09:00", kst);
    if (eod_date_parse (session, &date) || eod_market_parse (market, &m) || eod_instant_parse (stamp, &at)) {
        fprintf (stderr, "bad test input %s %s %s\n", market, session, kst);
        return EOD_QUOTE_WINDOW_VERDICTS;
    }
    return eod_quote_window_check (w, s_cal, m, date, at);
}

static void
test_default_window (void)
{
    eod_quote_window_t w;
    CHECK_INT (eod_quote_window_init (&w, EOD_QUOTE_WINDOW_START_DEFAULT, EOD_QUOTE_WINDOW_END_DEFAULT, 10000, false),
               0);
    CHECK_INT (w.life_s, 11);
    //  Friday 2024-09-20, next session Monday 2024-09-23.
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-20T18:30:00"), EOD_QUOTE_WINDOW_OPEN);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-20T18:00:00"), EOD_QUOTE_WINDOW_OPEN);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-20T17:59:59"), EOD_QUOTE_WINDOW_EARLY);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-20T11:00:00"), EOD_QUOTE_WINDOW_EARLY);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-21T12:00:00"), EOD_QUOTE_WINDOW_OPEN);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-23T07:59:59"), EOD_QUOTE_WINDOW_OPEN);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-23T08:00:00"), EOD_QUOTE_WINDOW_LATE);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-23T09:05:00"), EOD_QUOTE_WINDOW_LATE);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-27T20:00:00"), EOD_QUOTE_WINDOW_LATE);
    //  At 09:05 of D+1 a run for D does not cross-check.
    CHECK_INT (s_at (&w, "kr", "2024-09-19", "2024-09-20T09:05:00"), EOD_QUOTE_WINDOW_LATE);
    //  Friday before Chuseok (2024-09-16..18 closed): the window runs to the 19th.
    CHECK_INT (s_at (&w, "kr", "2024-09-13", "2024-09-17T12:00:00"), EOD_QUOTE_WINDOW_OPEN);
    CHECK_INT (s_at (&w, "kr", "2024-09-13", "2024-09-19T07:00:00"), EOD_QUOTE_WINDOW_OPEN);
    CHECK_INT (s_at (&w, "kr", "2024-09-13", "2024-09-19T08:00:00"), EOD_QUOTE_WINDOW_LATE);
    //  A day that is no session, US, the mock host, no request time.
    CHECK_INT (s_at (&w, "kr", "2024-09-17", "2024-09-17T20:00:00"), EOD_QUOTE_WINDOW_CALENDAR);
    CHECK_INT (s_at (&w, "us", "2024-09-20", "2024-09-21T08:00:00"), EOD_QUOTE_WINDOW_MARKET);
    eod_date_t d = {2024, 9, 20};
    CHECK_INT (eod_quote_window_check (&w, s_cal, EOD_MARKET_KR, d, 0), EOD_QUOTE_WINDOW_CALENDAR);
    CHECK_INT (eod_quote_window_check (&w, NULL, EOD_MARKET_KR, d, 1726824600), EOD_QUOTE_WINDOW_CALENDAR);
    eod_quote_window_t mock;
    CHECK_INT (eod_quote_window_init (&mock, "18:00", "08:00", 10000, true), 0);
    CHECK_INT (s_at (&mock, "kr", "2024-09-20", "2024-09-20T18:30:00"), EOD_QUOTE_WINDOW_MOCK);
    CHECK_STR (eod_quote_window_reason (EOD_QUOTE_WINDOW_MOCK), "mock host");
    CHECK_STR (eod_quote_window_reason (EOD_QUOTE_WINDOW_LATE), "window");
    CHECK_STR (eod_quote_window_reason (EOD_QUOTE_WINDOW_EARLY), "window");
    CHECK_STR (eod_quote_window_reason (EOD_QUOTE_WINDOW_OPEN), "");
}

static void
test_settings (void)
{
    eod_quote_window_t w;
    //  A window that starts before the close still waits for the close, and
    //  one that ends after the open still ends with the answer before it.
    CHECK_INT (eod_quote_window_init (&w, "00:00", "23:59", 10000, false), 0);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-20T15:29:59"), EOD_QUOTE_WINDOW_EARLY);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-20T15:30:00"), EOD_QUOTE_WINDOW_OPEN);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-23T08:59:48"), EOD_QUOTE_WINDOW_OPEN);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-23T08:59:50"), EOD_QUOTE_WINDOW_LATE);
    //  CSAT day 2024-11-14 closes at 16:30: a 16:00 request is early.
    CHECK_INT (s_at (&w, "kr", "2024-11-14", "2024-11-14T16:00:00"), EOD_QUOTE_WINDOW_EARLY);
    CHECK_INT (s_at (&w, "kr", "2024-11-14", "2024-11-14T16:30:00"), EOD_QUOTE_WINDOW_OPEN);
    //  A later start and an earlier end narrow it.
    CHECK_INT (eod_quote_window_init (&w, "20:00", "06:00", 10000, false), 0);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-20T19:00:00"), EOD_QUOTE_WINDOW_EARLY);
    CHECK_INT (s_at (&w, "kr", "2024-09-20", "2024-09-23T06:30:00"), EOD_QUOTE_WINDOW_LATE);
    //  Bad times.
    CHECK_INT (eod_quote_window_init (&w, "24:00", "08:00", 10000, false), -1);
    CHECK_INT (eod_quote_window_init (&w, "18:00", "8:00", 10000, false), -1);
    CHECK_INT (eod_quote_window_init (&w, NULL, "08:00", 10000, false), -1);
}

int
main (void)
{
    eod_log_init ("test_quote_window");
    s_cal = eod_cal_new (EOD_SOURCE_DIR "/config/calendars");
    CHECK (s_cal != NULL);
    if (s_cal) {
        test_default_window ();
        test_settings ();
    }
    eod_cal_destroy (&s_cal);
    return EOD_TEST_DONE ();
}
