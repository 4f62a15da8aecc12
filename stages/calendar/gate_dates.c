/*  gate_dates — see gate_dates.h. */
#include "gate_dates.h"

#include <stdio.h>

#define S_MINUTES_PER_HOUR 60

//  The zone of a market's session dates and hours, as people write it.
static const char *
s_zone (eod_market_t market)
{
    return market == EOD_MARKET_KR ? "Asia/Seoul" : "America/New_York";
}

int
gate_daily_ok (eod_cal_t *cal, eod_market_t market, eod_date_t date, time_t now, char *why, size_t whylen)
{
    eod_tz_t tz = eod_market_tz (market);
    eod_date_t today;
    eod_tz_local (tz, now, &today, NULL);
    char day[EOD_DATE_ISO_SIZE], now_day[EOD_DATE_ISO_SIZE];
    eod_date_format (date, day, sizeof day);
    eod_date_format (today, now_day, sizeof now_day);
    if (eod_date_compare (date, today) > 0) {
        snprintf (why, whylen, "%s %s is a future day (today is %s in %s): a session is fetched once it has closed",
                  eod_market_name (market), day, now_day, s_zone (market));
        return -1;
    }
    int close_min;
    time_t close_at;
    if (eod_date_compare (date, today) == 0 && eod_cal_status (cal, market, date) == EOD_CAL_OPEN
        && eod_cal_hours (cal, market, date, NULL, &close_min) == 0
        && eod_tz_epoch (tz, date, close_min, &close_at) == 0 && now < close_at) {
        snprintf (why, whylen,
                  "%s %s: the session has not closed yet (it closes at %02d:%02d %s); during it KIS answers a live "
                  "bar, not the close",
                  eod_market_name (market), day, close_min / S_MINUTES_PER_HOUR, close_min % S_MINUTES_PER_HOUR,
                  s_zone (market));
        return -1;
    }
    return 0;
}

int
gate_backfill_range (eod_cal_t *cal, eod_market_t market, eod_date_t from, eod_date_t *to, time_t now, char *why,
                     size_t whylen)
{
    eod_date_t latest;
    if (eod_cal_latest_closed_session (cal, market, now, &latest))
        return 0;
    if (eod_date_compare (*to, latest) <= 0)
        return 0;
    char a[EOD_DATE_ISO_SIZE], b[EOD_DATE_ISO_SIZE], l[EOD_DATE_ISO_SIZE];
    eod_date_format (from, a, sizeof a);
    eod_date_format (*to, b, sizeof b);
    eod_date_format (latest, l, sizeof l);
    if (eod_date_compare (from, latest) > 0) {
        snprintf (why, whylen, "%s %s..%s: no session of the range has closed yet (the latest closed session is %s)",
                  eod_market_name (market), a, b, l);
        return -1;
    }
    snprintf (why, whylen,
              "%s backfill %s..%s ends at %s, the latest closed session: the sessions after it have "
              "not closed yet",
              eod_market_name (market), a, b, l);
    *to = latest;
    return 1;
}

int
gate_close_ok (eod_cal_t *cal, const eod_quote_window_t *window, eod_market_t market, eod_date_t date, time_t now,
               char *why, size_t whylen)
{
    char day[EOD_DATE_ISO_SIZE], l[EOD_DATE_ISO_SIZE];
    eod_date_format (date, day, sizeof day);
    if (market != EOD_MARKET_KR) {
        snprintf (why, whylen, "the fast close is of a KR session only (the multi-stock quote is KIS's domestic one)");
        return -1;
    }
    if (window->mock) {
        snprintf (why, whylen,
                  "the fast close needs the real host: the mock host ([kis] env = test) has no multi-stock quote");
        return -1;
    }
    if (gate_daily_ok (cal, market, date, now, why, whylen))
        return -1;
    eod_date_t latest;
    if (eod_cal_latest_closed_session (cal, market, now, &latest)) {
        snprintf (why, whylen, "kr %s: the latest closed session is unknown (the calendar table does not reach today)",
                  day);
        return -1;
    }
    eod_date_format (latest, l, sizeof l);
    if (eod_date_compare (date, latest) != 0) {
        snprintf (why, whylen,
                  "kr %s: the fast close is of the latest closed session only (%s now): the quote carries no date "
                  "and is always the latest session's; `launch/eod run --date %s` fetches an earlier one",
                  day, l, day);
        return -1;
    }
    eod_quote_window_verdict_t verdict = eod_quote_window_check (window, cal, market, date, now);
    if (verdict == EOD_QUOTE_WINDOW_EARLY) {
        snprintf (why, whylen,
                  "kr %s: the quote is the session's from %02d:%02d Asia/Seoul ([multiquote] "
                  "window_start); the fast close may start then",
                  day, window->start_min / S_MINUTES_PER_HOUR, window->start_min % S_MINUTES_PER_HOUR);
        return -1;
    }
    if (verdict != EOD_QUOTE_WINDOW_OPEN) {
        snprintf (why, whylen,
                  "kr %s: outside the quote's window (%s): the quote may be another session's now; `launch/eod run "
                  "--date %s` fetches it",
                  day, eod_quote_window_reason (verdict), day);
        return -1;
    }
    return 0;
}
