/*  test_gate_dates — the dates a run may ask for (stages/calendar/
    gate_dates.c): a daily run of today before the close, of a later day,
    of today after the close, of a past day, of a holiday today; both
    markets and the special hours of an exam day; a backfill ending after
    the latest closed session (moved back), wholly after it (refused) and
    wholly before it (as it is). */
#include "eod_test.h"
#include "gate_dates.h"

#include <string.h>

static eod_cal_t *s_cal;

static time_t
s_at (const char *instant)
{
    time_t t = 0;
    CHECK (eod_instant_parse (instant, &t) == 0);
    return t;
}

static eod_date_t
s_day (const char *text)
{
    eod_date_t d = {0, 0, 0};
    CHECK (eod_date_parse (text, &d) == 0);
    return d;
}

static int
s_daily (eod_market_t market, const char *date, const char *now, char *why)
{
    why[0] = '\0';
    return gate_daily_ok (s_cal, market, s_day (date), s_at (now), why, 512);
}

static void
s_test_daily (void)
{
    char why[512];
    //  KR, Tuesday 2024-09-03.
    CHECK_INT (s_daily (EOD_MARKET_KR, "2024-09-03", "2024-09-03T14:00:00+09:00", why), -1);
    CHECK (strstr (why, "has not closed yet (it closes at 15:30 Asia/Seoul)") != NULL);
    CHECK_INT (s_daily (EOD_MARKET_KR, "2024-09-03", "2024-09-03T15:30:00+09:00", why), 0);
    CHECK_INT (s_daily (EOD_MARKET_KR, "2024-09-02", "2024-09-03T09:05:00+09:00", why), 0);
    CHECK_INT (s_daily (EOD_MARKET_KR, "2024-09-04", "2024-09-03T18:00:00+09:00", why), -1);
    CHECK (strstr (why, "kr 2024-09-04 is a future day (today is 2024-09-03 in Asia/Seoul)") != NULL);
    //  Today a holiday: the gate's closed notice, not a refusal.
    CHECK_INT (s_daily (EOD_MARKET_KR, "2024-09-16", "2024-09-16T10:00:00+09:00", why), 0);
    //  The exam day closes at 16:30.
    CHECK_INT (s_daily (EOD_MARKET_KR, "2024-11-14", "2024-11-14T16:00:00+09:00", why), -1);
    CHECK (strstr (why, "16:30") != NULL);
    //  US: today is New York's; Seoul's morning is the evening before there.
    CHECK_INT (s_daily (EOD_MARKET_US, "2024-08-30", "2024-08-30T15:59:00-04:00", why), -1);
    CHECK (strstr (why, "16:00 America/New_York") != NULL);
    CHECK_INT (s_daily (EOD_MARKET_US, "2024-08-30", "2024-08-31T07:30:00+09:00", why), 0);
    CHECK_INT (s_daily (EOD_MARKET_US, "2024-08-31", "2024-08-31T07:30:00+09:00", why), -1);
    CHECK (strstr (why, "today is 2024-08-30 in America/New_York") != NULL);
    //  The day after Thanksgiving closes at 13:00.
    CHECK_INT (s_daily (EOD_MARKET_US, "2024-11-29", "2024-11-29T13:05:00-05:00", why), 0);
}

static void
s_test_backfill (void)
{
    char why[512] = "";
    eod_date_t to = s_day ("2024-09-30");
    //  The middle of the month: the range ends at the latest closed session.
    CHECK_INT (gate_backfill_range (s_cal, EOD_MARKET_KR, s_day ("2024-09-01"), &to, s_at ("2024-09-12T10:00:00+09:00"),
                                    why, sizeof why),
               1);
    CHECK_INT (eod_date_compare (to, s_day ("2024-09-11")), 0);
    CHECK (strstr (why, "ends at 2024-09-11, the latest closed session") != NULL);
    to = s_day ("2024-09-30");
    CHECK_INT (gate_backfill_range (s_cal, EOD_MARKET_KR, s_day ("2024-09-13"), &to, s_at ("2024-09-12T10:00:00+09:00"),
                                    why, sizeof why),
               -1);
    CHECK (strstr (why, "no session of the range has closed yet") != NULL);
    to = s_day ("2024-08-30");
    CHECK_INT (gate_backfill_range (s_cal, EOD_MARKET_US, s_day ("2024-08-01"), &to, s_at ("2024-09-12T10:00:00+09:00"),
                                    why, sizeof why),
               0);
    CHECK_INT (eod_date_compare (to, s_day ("2024-08-30")), 0);
    //  A clock past what the calendar knows: left as it is.
    to = s_day ("2099-01-30");
    CHECK_INT (gate_backfill_range (s_cal, EOD_MARKET_KR, s_day ("2099-01-01"), &to, s_at ("2099-02-01T10:00:00+09:00"),
                                    why, sizeof why),
               0);
}

static int
s_close (eod_market_t market, const char *date, const char *now, bool mock, char *why)
{
    eod_quote_window_t w;
    CHECK (eod_quote_window_init (&w, "18:00", "08:00", 10000, mock) == 0);
    why[0] = '\0';
    return gate_close_ok (s_cal, &w, market, s_day (date), s_at (now), why, 512);
}

//  The fast close: KR's latest closed session, inside the quote's window.
static void
s_test_close (void)
{
    char why[512];
    //  Tuesday 2024-09-03 at 18:30 and at 00:30 the next night: the latest closed session, in the window.
    CHECK_INT (s_close (EOD_MARKET_KR, "2024-09-03", "2024-09-03T18:30:00+09:00", false, why), 0);
    CHECK_INT (s_close (EOD_MARKET_KR, "2024-09-03", "2024-09-04T00:30:00+09:00", false, why), 0);
    //  Before the close, and after it but before the window.
    CHECK_INT (s_close (EOD_MARKET_KR, "2024-09-03", "2024-09-03T14:00:00+09:00", false, why), -1);
    CHECK (strstr (why, "has not closed yet") != NULL);
    CHECK_INT (s_close (EOD_MARKET_KR, "2024-09-03", "2024-09-03T16:00:00+09:00", false, why), -1);
    CHECK (strstr (why, "from 18:00") != NULL);
    //  The next morning after the window, the next session open.
    CHECK_INT (s_close (EOD_MARKET_KR, "2024-09-03", "2024-09-04T09:05:00+09:00", false, why), -1);
    CHECK (strstr (why, "outside the quote's window (window)") != NULL);
    //  An earlier session, a later day.
    CHECK_INT (s_close (EOD_MARKET_KR, "2024-09-02", "2024-09-03T18:30:00+09:00", false, why), -1);
    CHECK (strstr (why, "latest closed session only (2024-09-03 now)") != NULL);
    CHECK_INT (s_close (EOD_MARKET_KR, "2024-09-04", "2024-09-03T18:30:00+09:00", false, why), -1);
    CHECK (strstr (why, "future day") != NULL);
    //  US, and the mock host.
    CHECK_INT (s_close (EOD_MARKET_US, "2024-09-03", "2024-09-04T07:00:00+09:00", false, why), -1);
    CHECK (strstr (why, "KR session only") != NULL);
    CHECK_INT (s_close (EOD_MARKET_KR, "2024-09-03", "2024-09-03T18:30:00+09:00", true, why), -1);
    CHECK (strstr (why, "mock host") != NULL);
}

int
main (void)
{
    s_cal = eod_cal_new (EOD_SOURCE_DIR "/config/calendars");
    CHECK (s_cal != NULL);
    if (s_cal) {
        s_test_daily ();
        s_test_backfill ();
        s_test_close ();
    }
    eod_cal_destroy (&s_cal);
    return EOD_TEST_DONE ();
}
