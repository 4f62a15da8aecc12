/*  sim_quote — see sim_quote.h. */
#include "sim_quote.h"
#include "sim_us.h"

#include "eod_cal.h"
#include "eod_log.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#define SIM_QUOTE_DAYS_BACK 31     //  a month back finds a session after any holiday
#define SIM_KR_OPEN_MIN (9 * 60)   //  the hours when the calendar has none
#define SIM_KR_CLOSE_MIN (15 * 60 + 30)
#define SIM_US_CLOSE_MIN (16 * 60)
#define SIM_S_PER_MIN 60

//  The calendars' hours, read at the first request and freed at exit.
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static eod_cal_t *s_cal;
static bool s_tried;

static void
s_cal_free (void)
{
    eod_cal_destroy (&s_cal);
}

//  The calendar of hours, or NULL (then the regular hours are used).
static eod_cal_t *
s_hours (sim_t *self)
{
    pthread_mutex_lock (&s_lock);
    if (!s_tried) {
        s_tried = true;
        s_cal = eod_cal_new (self->config->calendar_dir);
        if (s_cal)
            atexit (s_cal_free);
        else
            eod_log_warn ("sim: no calendar hours in %s: the regular hours are used", self->config->calendar_dir);
    }
    pthread_mutex_unlock (&s_lock);
    return s_cal;
}

//  The open and close of a session day (local minutes); the regular hours
//  when the calendar has none for it.
static void
s_session_hours (sim_t *self, eod_market_t market, int32_t days, int *open_min, int *close_min)
{
    int ymd = sim_ymd_from_days (days);
    eod_date_t date = {ymd / 10000, ymd / 100 % 100, ymd % 100};
    eod_cal_t *cal = s_hours (self);
    if (cal && eod_cal_hours (cal, market, date, open_min, close_min) == 0)
        return;
    *open_min = market == EOD_MARKET_KR ? SIM_KR_OPEN_MIN : 0;
    *close_min = market == EOD_MARKET_KR ? SIM_KR_CLOSE_MIN : SIM_US_CLOSE_MIN;
}

//  The instant of a local minute of a day in the market's zone.
static double
s_instant (eod_market_t market, int32_t days, int minute)
{
    int ymd = sim_ymd_from_days (days);
    eod_date_t date = {ymd / 10000, ymd / 100 % 100, ymd % 100};
    time_t at = 0;
    eod_tz_epoch (eod_market_tz (market), date, minute, &at);
    return (double) at;
}

int32_t
sim_quote_kr_day (sim_t *self, double now, double *fraction)
{
    int32_t today = (int32_t) floor ((now + SIM_KST_OFFSET_S) / 86400.0);
    for (int32_t d = today; d > today - SIM_QUOTE_DAYS_BACK; d--) {
        if (!sim_calendar_trading (self->calendar, d))
            continue;
        int open_min, close_min;
        s_session_hours (self, EOD_MARKET_KR, d, &open_min, &close_min);
        double open_at = s_instant (EOD_MARKET_KR, d, open_min), close_at = s_instant (EOD_MARKET_KR, d, close_min);
        if (now < open_at)
            continue;
        *fraction = now >= close_at || close_at <= open_at ? 1.0 : (now - open_at) / (close_at - open_at);
        return d;
    }
    *fraction = 1.0;
    return INT32_MIN;
}

//  A price rounded to the KRX tick of its level, at least 1.
static long long
s_tick_round (double price)
{
    long long tick = sim_kr_tick ((long long) price);
    long long rounded = llround (price / (double) tick) * tick;
    return rounded < 1 ? 1 : rounded;
}

sim_kr_bar_t
sim_quote_kr_live (const sim_kr_bar_t *bar, double fraction)
{
    sim_kr_bar_t live = *bar;
    if (fraction >= 1.0)
        return live;
    if (fraction < 0)
        fraction = 0;
    live.close = s_tick_round ((double) bar->open + (double) (bar->close - bar->open) * fraction);
    live.high = live.open > live.close ? live.open : live.close;
    live.low = live.open < live.close ? live.open : live.close;
    live.volume = llround ((double) bar->volume * fraction);
    live.value = llround ((double) bar->value * fraction);
    return live;
}

int
sim_quote_us_out (sim_t *self, const char *symbol, double now, long lag_s)
{
    //  Each symbol's row comes out at its own point of the window.
    double lag = (double) lag_s * sim_unit (sim_hash (sim_us_seed (self->us), sim_hash_str (symbol), 0x9b11));
    eod_date_t today;
    eod_tz_local (EOD_TZ_NEW_YORK, (time_t) now, &today, NULL);
    int32_t day = sim_days_from_ymd (today.y * 10000 + today.m * 100 + today.d);
    for (int32_t d = day; d > day - SIM_QUOTE_DAYS_BACK; d--) {
        if (!sim_us_session (self->us, d))
            continue;
        int open_min, close_min;
        s_session_hours (self, EOD_MARKET_US, d, &open_min, &close_min);
        if (now >= s_instant (EOD_MARKET_US, d, close_min) + lag)
            return sim_ymd_from_days (d);
    }
    return 0;
}
