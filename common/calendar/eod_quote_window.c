/*  eod_quote_window — see eod_quote_window.h. */
#include "eod_quote_window.h"

#define S_MS_PER_S 1000
#define S_CLOCK_RESOLUTION_S 1            //  request times are whole seconds

int
eod_quote_window_init (eod_quote_window_t *self, const char *start, const char *end, long timeout_ms, bool mock)
{
    *self = (eod_quote_window_t) {.mock = mock};
    self->life_s = (timeout_ms + S_MS_PER_S - 1) / S_MS_PER_S + S_CLOCK_RESOLUTION_S;
    if (eod_time_parse_hhmm (start, &self->start_min) || eod_time_parse_hhmm (end, &self->end_min))
        return -1;
    return 0;
}

eod_quote_window_verdict_t
eod_quote_window_check (const eod_quote_window_t *self, eod_cal_t *cal, eod_market_t market, eod_date_t session,
                        time_t at)
{
    if (self->mock)
        return EOD_QUOTE_WINDOW_MOCK;
    if (market != EOD_MARKET_KR)
        return EOD_QUOTE_WINDOW_MARKET;
    int close_min, open_min;
    eod_date_t next;
    time_t close_at, next_open_at, start_at, end_at;
    if (!cal || at <= 0 || eod_cal_hours (cal, market, session, NULL, &close_min)
        || eod_tz_epoch (EOD_TZ_SEOUL, session, close_min, &close_at)
        || eod_cal_next_session (cal, market, session, &next)
        || eod_cal_hours (cal, market, next, &open_min, NULL)
        || eod_tz_epoch (EOD_TZ_SEOUL, next, open_min, &next_open_at)
        || eod_tz_epoch (EOD_TZ_SEOUL, session, self->start_min, &start_at)
        || eod_tz_epoch (EOD_TZ_SEOUL, next, self->end_min, &end_at))
        return EOD_QUOTE_WINDOW_CALENDAR;
    if (at < close_at || at < start_at)
        return EOD_QUOTE_WINDOW_EARLY;
    //  The answer must come before N opens, whatever the window says.
    if (at + self->life_s > next_open_at || at >= end_at)
        return EOD_QUOTE_WINDOW_LATE;
    return EOD_QUOTE_WINDOW_OPEN;
}

const char *
eod_quote_window_reason (eod_quote_window_verdict_t verdict)
{
    switch (verdict) {
    case EOD_QUOTE_WINDOW_OPEN:
        return "";
    case EOD_QUOTE_WINDOW_EARLY:
    case EOD_QUOTE_WINDOW_LATE:
        return "window";
    case EOD_QUOTE_WINDOW_MOCK:
        return "mock host";
    case EOD_QUOTE_WINDOW_MARKET:
        return "market";
    case EOD_QUOTE_WINDOW_CALENDAR:
    case EOD_QUOTE_WINDOW_VERDICTS:
        break;
    }
    return "calendar";
}
