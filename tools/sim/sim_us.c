/*  sim_us — the US side's data and downloads: the XNYS sessions, the
    listings sorted by symbol (sim_us_listings), the universe with the
    symbols --us-unknown marks, and the three .cod master files, CP949 and
    zipped; GET .../{nas,nys,ams}mst.cod.zip and /_sim/universe/us.
    See sim_us.h. */
#include "sim_us.h"
#include "sim_buf.h"
#include "sim_stats.h"
#include "sim_us_listings.h"
#include "sim_zip.h"

#include "eod_cal.h"
#include "eod_date.h"
#include "eod_log.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_US_FIRST_YMD 20000101   //  sessions known from here ...
#define SIM_US_LAST_YMD 20991231    //  ... to here (eod_cal's XNYS range)
#define SIM_US_TARGET_NAS 3000      //  records per file, filler included
#define SIM_US_TARGET_NYS 2500
#define SIM_US_TARGET_AMS 300

const sim_us_exchange_t sim_us_exchanges[SIM_US_EXCHANGES] = {
    {"NAS", "22", "나스닥", "nasmst.cod", "NASMST.COD", SIM_US_TARGET_NAS},
    {"NYS", "21", "뉴욕", "nysmst.cod", "NYSMST.COD", SIM_US_TARGET_NYS},
    {"AMS", "29", "아멕스", "amsmst.cod", "AMSMST.COD", SIM_US_TARGET_AMS},
};

struct sim_us_t {
    uint64_t seed;
    unsigned char *session;   //  one byte per day from SIM_US_FIRST_YMD
    int32_t first_day, ndays;
    sim_us_list_t listings;      //  sorted by symbol once built
    sim_us_member_t *universe;   //  sorted by symbol
    size_t nuniverse;
    unsigned char *zip[SIM_US_EXCHANGES];
    size_t zip_len[SIM_US_EXCHANGES];
};

static int
s_listing_cmp (const void *a, const void *b)
{
    return strcmp (((const sim_us_listing_t *) a)->symbol, ((const sim_us_listing_t *) b)->symbol);
}

static sim_us_listing_t *
s_find (const sim_us_t *self, const char *symbol)
{
    sim_us_listing_t key;
    snprintf (key.symbol, sizeof key.symbol, "%s", symbol);
    return bsearch (&key, self->listings.items, self->listings.count, sizeof key, s_listing_cmp);
}

const sim_us_listing_t *
sim_us_find (const sim_us_t *self, const char *symbol)
{
    return s_find (self, symbol);
}

uint64_t
sim_us_seed (const sim_us_t *self)
{
    return self->seed;
}

//  Marks the first unknown_n universe symbols that are in a master file as
//  unknown to the price endpoint (--us-unknown).
static void
s_mark_unknown (sim_us_t *self, int unknown_n)
{
    for (size_t i = 0; i < self->nuniverse && unknown_n > 0; i++) {
        const char *symbol = self->universe[i].symbol;
        sim_us_listing_t *listing = self->universe[i].absent ? NULL : s_find (self, symbol);
        if (listing) {
            listing->unknown = true;
            unknown_n--;
        }
    }
}

//  --- XNYS sessions --------------------------------------------------------------------

static int
s_load_sessions (sim_us_t *self, const char *calendar_dir)
{
    eod_cal_t *cal = eod_cal_new (calendar_dir);
    if (!cal) {
        eod_log_error ("us: cannot load the calendars in %s", calendar_dir);
        return -1;
    }
    self->first_day = sim_days_from_ymd (SIM_US_FIRST_YMD);
    self->ndays = sim_days_from_ymd (SIM_US_LAST_YMD) - self->first_day + 1;
    self->session = calloc ((size_t) self->ndays, 1);
    int rc = -1;
    if (!self->session)
        goto out;
    for (int32_t i = 0; i < self->ndays; i++) {
        int ymd = sim_ymd_from_days (self->first_day + i);
        eod_date_t date = {ymd / 10000, ymd / 100 % 100, ymd % 100};
        self->session[i] = eod_cal_status (cal, EOD_MARKET_US, date) == EOD_CAL_OPEN;
    }
    rc = 0;
out:
    eod_cal_destroy (&cal);
    return rc;
}

bool
sim_us_session (const sim_us_t *self, int32_t days)
{
    int32_t i = days - self->first_day;
    return i >= 0 && i < self->ndays && self->session[i];
}

//  --- the .cod files -----------------------------------------------------------------

//  One record: 24 TAB-separated columns, UTF-8 here, CP949 once converted.
static void
s_cod_record (sim_buf_t *buf, const sim_us_listing_t *l)
{
    const sim_us_exchange_t *x = &sim_us_exchanges[l->exchange];
    bool etf = l->type == 3;
    sim_buf_printf (buf,
                    "US\t%s\t%s\t%s\t%s\t%s%s\t%s\t%s\t%d\tUSD\t4\t\t%.4f\t1\t1\t930\t1600\tN\t\t%d\t0\t0\t%s\t   \n",
                    x->exid, x->excd, x->name, l->symbol, x->excd, l->symbol, l->korean, l->english, l->type, l->base,
                    etf ? 0 : l->icod, etf ? "001" : "   ");
}

//  UTF-8 to CP949 into a new buffer (caller frees). NULL on failure (logged).
static char *
s_to_cp949 (const char *text, size_t len, size_t *out_len)
{
    iconv_t cd = iconv_open ("CP949", "UTF-8");
    if (cd == (iconv_t) -1) {
        eod_log_error ("us: iconv UTF-8 to CP949 unavailable");
        return NULL;
    }
    size_t cap = len + 1;   //  CP949 never needs more bytes than UTF-8
    char *out = malloc (cap);
    char *in = (char *) text, *o = out;
    size_t in_left = len, out_left = cap;
    if (out && iconv (cd, &in, &in_left, &o, &out_left) == (size_t) -1) {
        eod_log_error ("us: cannot convert to CP949 at byte %zu", len - in_left);
        free (out);
        out = NULL;
    }
    if (out)
        *out_len = cap - out_left;
    iconv_close (cd);
    return out;
}

static int
s_build_files (sim_us_t *self)
{
    for (int x = 0; x < SIM_US_EXCHANGES; x++) {
        sim_buf_t buf = {NULL, 0, 0, false};
        for (size_t i = 0; i < self->listings.count; i++)
            if (self->listings.items[i].exchange == x)
                s_cod_record (&buf, &self->listings.items[i]);
        size_t len = 0, cp_len = 0;
        char *text = sim_buf_take (&buf, &len);
        char *cp949 = text ? s_to_cp949 (text, len, &cp_len) : NULL;
        int rc = cp949 ? sim_zip (sim_us_exchanges[x].entry, cp949, cp_len, &self->zip[x], &self->zip_len[x]) : -1;
        free (text);
        free (cp949);
        if (rc)
            return -1;
    }
    return 0;
}

sim_us_t *
sim_us_new (uint64_t seed, const sim_wiki_t *wiki, const char *calendar_dir, int unknown_n)
{
    sim_us_t *self = calloc (1, sizeof *self);
    if (!self)
        goto fail;
    self->seed = seed;
    if (s_load_sessions (self, calendar_dir) || sim_us_listings_generate (&self->listings, seed, wiki))
        goto fail;
    qsort (self->listings.items, self->listings.count, sizeof *self->listings.items, s_listing_cmp);
    if (sim_us_universe_make (wiki, &self->universe, &self->nuniverse))
        goto fail;
    s_mark_unknown (self, unknown_n);
    if (s_build_files (self))
        goto fail;
    eod_log_info ("us: %zu listings, universe %zu; zips nas %zu, nys %zu, ams %zu bytes", self->listings.count,
                  self->nuniverse, self->zip_len[0], self->zip_len[1], self->zip_len[2]);
    return self;
fail:
    sim_us_destroy (&self);
    return NULL;
}

void
sim_us_destroy (sim_us_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sim_us_t *self = *self_p;
    free (self->session);
    free (self->listings.items);
    free (self->universe);
    for (int x = 0; x < SIM_US_EXCHANGES; x++)
        free (self->zip[x]);
    free (self);
    *self_p = NULL;
}

//  --- the downloads and the universe ---------------------------------------------------

void
sim_us_master (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_stats_request (self, "master", "-");
    const char *name = strrchr (req->url, '/');
    int x = -1;
    for (int i = 0; name && i < SIM_US_EXCHANGES; i++) {
        char file[32];
        snprintf (file, sizeof file, "/%s.zip", sim_us_exchanges[i].file);
        if (strcmp (name, file) == 0)
            x = i;
    }
    const sim_us_t *us = self->us;
    sim_zip_serve (self, resp, x < 0 ? NULL : us->zip[x], x < 0 ? 0 : us->zip_len[x]);
}

void
sim_us_universe (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    json_t *symbols = json_array (), *absent = json_array (), *unknown = json_array ();
    const sim_us_t *us = self->us;
    for (size_t i = 0; i < us->nuniverse; i++) {
        const char *symbol = us->universe[i].symbol;
        json_array_append_new (symbols, json_string (symbol));
        const sim_us_listing_t *listing = s_find (us, symbol);
        if (!listing)
            json_array_append_new (absent, json_string (symbol));
        else if (listing->unknown)
            json_array_append_new (unknown, json_string (symbol));
    }
    json_t *json = json_pack ("{s:o, s:o, s:o}", "symbols", symbols, "absent", absent, "unknown", unknown);
    sim_respond_json (resp, MHD_HTTP_OK, json);
    json_decref (json);
}
