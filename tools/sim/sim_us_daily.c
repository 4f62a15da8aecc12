/*  sim_us_daily — the overseas daily price HHDFS76240000 (dailyprice) once
    sim_kis_gate let the request through: validates EXCD, SYMB, GUBN, BYMD
    and MODP as KIS does, then answers up to 100 daily bars ending at BYMD
    (today in New York when empty), never after the latest session whose
    row is out (sim_quote.h: --us-publish-lag-s) unless --no-future-check.
    With --us-page-rows N it answers N bars a page and says in the tr_cont
    header whether older bars remain: F (first page) or M (a continuation,
    asked with tr_cont N) while they do, D or E on the last page; a client
    asks for the next page with BYMD before the oldest bar it has.
    Prices come from a deterministic walk per (seed, symbol) over the XNYS
    sessions from 2000-01-03 on, so any date answers the same in every
    request and diff, rate and sign agree with the previous session's close.
    A symbol no exchange lists, listed elsewhere, or marked --us-unknown
    answers with no rows. See sim_us.h. */
#include "sim_kis.h"
#include "sim_quote.h"
#include "sim_stats.h"
#include "sim_us.h"
#include "sim_row_faults.h"

#include "eod_date.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SIM_US_WALK_START_YMD 20000103   //  first session of every price walk
#define SIM_US_ROWS_MAX 100              //  rows per dailyprice answer
#define SIM_US_WALK_REVERT 0.995         //  mean reversion keeps prices near base
#define SIM_US_WALK_SIGMA 0.018          //  daily log-return scale
#define SIM_US_PRICE_DECIMALS 4          //  prices as KIS writes them: "227.5200"

typedef struct {
    int ymd;
    double open, high, low, close, prev_close;
    long long volume;
} s_bar_t;

typedef struct {
    s_bar_t ring[SIM_US_ROWS_MAX];   //  the last bars up to the end date
    size_t count, next;
    size_t total;   //  every session walked
} s_walk_t;

static double
s_cents (double price)
{
    double cents = round (price * 100.0) / 100.0;
    return cents < 0.01 ? 0.01 : cents;
}

//  Walks the listing's prices over every session from the walk's start
//  through end_days, keeping the last SIM_US_ROWS_MAX bars.
static void
s_walk (const sim_us_t *self, const sim_us_listing_t *l, int32_t end_days, s_walk_t *walk)
{
    memset (walk, 0, sizeof *walk);
    uint64_t seed = sim_hash (sim_us_seed (self), sim_hash_str (l->symbol), 0x0a1c);
    double x = 0, prev = l->base;
    for (int32_t d = sim_days_from_ymd (SIM_US_WALK_START_YMD); d <= end_days; d++) {
        if (!sim_us_session (self, d))
            continue;
        uint64_t h = sim_hash (seed, (uint64_t) d, 0);
        x = SIM_US_WALK_REVERT * x + SIM_US_WALK_SIGMA * sim_gauss (h);
        s_bar_t *bar = &walk->ring[walk->next];
        bar->ymd = sim_ymd_from_days (d);
        bar->prev_close = prev;
        bar->close = s_cents (l->base * exp (x));
        bar->open = s_cents (prev * (1 + 0.008 * sim_gauss (h ^ 3)));
        double top = fmax (bar->open, bar->close), bottom = fmin (bar->open, bar->close);
        bar->high = fmax (top, s_cents (top * (1 + 0.008 * fabs (sim_gauss (h ^ 5)))));
        bar->low = fmin (bottom, s_cents (bottom * (1 - 0.008 * fabs (sim_gauss (h ^ 7)))));
        double volume = l->volume * exp (0.5 * sim_gauss (h ^ 11));
        bar->volume = volume < 1 ? 1 : llround (volume);
        prev = bar->close;
        walk->total++;
        walk->next = (walk->next + 1) % SIM_US_ROWS_MAX;
        if (walk->count < SIM_US_ROWS_MAX)
            walk->count++;
    }
}

//  The i-th most recent bar (0 = latest) or NULL.
static const s_bar_t *
s_walk_bar (const s_walk_t *walk, size_t i)
{
    if (i >= walk->count)
        return NULL;
    return &walk->ring[(walk->next + SIM_US_ROWS_MAX - 1 - i) % SIM_US_ROWS_MAX];
}

static void
s_set_price (json_t *obj, const char *key, double value)
{
    sim_json_set_fixed (obj, key, value, SIM_US_PRICE_DECIMALS);
}

static json_t *
s_row (const s_bar_t *bar, uint64_t h)
{
    json_t *row = json_object ();
    char date[16];
    snprintf (date, sizeof date, "%08d", bar->ymd);
    double diff = round ((bar->close - bar->prev_close) * 100.0) / 100.0;
    char rate[32];
    snprintf (rate, sizeof rate, "%.2f", bar->prev_close > 0 ? diff * 100.0 / bar->prev_close : 0.0);
    json_object_set_new (row, "xymd", json_string (date));
    s_set_price (row, "clos", bar->close);
    json_object_set_new (row, "sign", json_string (diff > 0 ? "2" : diff < 0 ? "5" : "3"));
    s_set_price (row, "diff", fabs (diff) < 0.005 ? 0.0 : diff);
    json_object_set_new (row, "rate", json_string (strcmp (rate, "-0.00") == 0 ? "0.00" : rate));
    s_set_price (row, "open", bar->open);
    s_set_price (row, "high", bar->high);
    s_set_price (row, "low", bar->low);
    sim_json_set_int (row, "tvol", bar->volume);
    sim_json_set_int (row, "tamt",
                      llround ((double) bar->volume * (bar->open + bar->high + bar->low + bar->close) / 4.0));
    s_set_price (row, "pbid", bar->close);
    sim_json_set_int (row, "vbid", (long long) (h % 900) + 1);
    s_set_price (row, "pask", bar->close + 0.01);
    sim_json_set_int (row, "vask", (long long) ((h >> 16) % 900) + 1);
    return row;
}

static bool
s_known_excd (const char *excd)
{
    static const char *codes[] = {"NYS", "NAS", "AMS", "HKS", "TSE", "SHS", "SZS", "SHI",
                                  "SZI", "HSX", "HNX", "BAY", "BAQ", "BAA", NULL};
    for (size_t i = 0; codes[i]; i++)
        if (strcmp (codes[i], excd) == 0)
            return true;
    return false;
}

//  Today's date in New York on the sim's clock, as yyyymmdd.
static int
s_today_new_york (void)
{
    eod_date_t today;
    eod_tz_local (EOD_TZ_NEW_YORK, (time_t) sim_clock_now (), &today, NULL);
    return today.y * 10000 + today.m * 100 + today.d;
}

//  The tr_cont of a paged answer: more or last, on a first page or a
//  continuation (the request's tr_cont N).
static void
s_set_tr_cont (sim_t *self, const sim_request_t *req, sim_response_t *resp, bool more)
{
    const char *asked = sim_request_header (req, "tr_cont");
    bool next = asked && strcmp (asked, "N") == 0;
    sim_respond_header (resp, "tr_cont", next ? (more ? "M" : "E") : (more ? "F" : "D"));
    if (next) {
        pthread_mutex_lock (&self->lock);
        sim_stats_add_locked (self, "dailyprice_continued", 1);
        pthread_mutex_unlock (&self->lock);
    }
}

void
sim_us_daily (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    const char *excd = sim_request_arg (req, "EXCD");
    const char *symb = sim_request_arg (req, "SYMB");
    const char *gubn = sim_request_arg (req, "GUBN");
    const char *bymd = sim_request_arg (req, "BYMD");
    const char *modp = sim_request_arg (req, "MODP");
    int end = 0;
    if (!excd || !s_known_excd (excd)) {
        sim_respond_kis_input_error (resp, "EXCD");
        return;
    }
    if (!symb || !*symb || strlen (symb) >= SIM_US_SYMBOL_MAX) {
        sim_respond_kis_input_error (resp, "SYMB");
        return;
    }
    if (!gubn || strcmp (gubn, "0") != 0) {
        sim_respond_kis_input_error (resp, "GUBN");
        return;
    }
    if (!bymd || !*bymd)
        end = s_today_new_york ();
    else if (sim_parse_ymd (bymd, &end)) {
        sim_respond_kis_input_error (resp, "BYMD");
        return;
    }
    if (!modp || (strcmp (modp, "0") != 0 && strcmp (modp, "1") != 0)) {
        sim_respond_kis_input_error (resp, "MODP");
        return;
    }
    int asked_end = end;   //  the request's last day, before the clock cuts it
    const sim_us_t *us = self->us;
    const sim_us_listing_t *listing = sim_us_find (us, symb);
    char rsym[64];
    snprintf (rsym, sizeof rsym, "D%s%s", excd, symb);
    json_t *json = json_object ();
    json_t *output1 = json_object ();
    json_t *rows = json_array ();
    json_object_set_new (output1, "rsym", json_string (rsym));
    if (!listing || listing->unknown || strcmp (sim_us_exchanges[listing->exchange].excd, excd) != 0) {
        json_object_set_new (output1, "zdiv", json_string ("0"));
        json_object_set_new (output1, "nrec", json_string (""));
    }
    else {
        int out = sim_quote_us_out (self, symb, sim_clock_now (), self->config->us_publish_lag_s);
        if (!self->config->no_future_check && end > out)
            end = out;
        s_walk_t walk;
        s_walk (us, listing, sim_days_from_ymd (end), &walk);
        uint64_t h = sim_hash (sim_us_seed (us), sim_hash_str (listing->symbol), 0xb1d);
        size_t count = walk.count;
        if (self->config->us_page_rows > 0 && count > (size_t) self->config->us_page_rows)
            count = (size_t) self->config->us_page_rows;
        for (size_t i = 0; i < count; i++) {
            const s_bar_t *bar = s_walk_bar (&walk, i);
            json_array_append_new (rows, s_row (bar, sim_hash (h, (uint64_t) bar->ymd, 0)));
        }
        //  A first page only: a continuation is older than what was asked.
        bool continued = sim_request_header (req, "tr_cont") && strcmp (sim_request_header (req, "tr_cont"), "N") == 0;
        if (!continued)
            sim_row_faults_apply (self->config, symb, true, asked_end, rows);
        json_object_set_new (output1, "zdiv", json_string ("4"));
        sim_json_set_int (output1, "nrec", (long long) count);
        if (self->config->us_page_rows > 0)
            s_set_tr_cont (self, req, resp, walk.total > count);
    }
    json_object_set_new (json, "output1", output1);
    json_object_set_new (json, "output2", rows);
    sim_respond_kis_ok (resp, json, "MCA00000", SIM_KIS_MSG_OK);
    json_decref (json);
}
