/*  coordinator service — see service.h. */
#include "service.h"
#include "eod_date.h"
#include "eod_log.h"
#include "eod_util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define S_HOLIDAY_PAGES_MAX 16      //  pages asked for one range (a page holds about 24 days)
#define S_KST_OFFSET_S (9 * 3600)   //  KST is UTC+9, without summer time
#define S_ISO_DATE_LEN 10           //  YYYY-MM-DD

struct _coordinator_service_t {
    coordinator_service_conf_t conf;
    char *state_dir;
    const coordinator_clock_t *clock;
};

coordinator_service_t *
coordinator_service_new (const coordinator_service_conf_t *conf)
{
    coordinator_service_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->conf = *conf;
    self->clock = coordinator_clock_or_real (conf->clock);
    self->state_dir = strdup (conf->state_dir);
    if (!self->state_dir)
        coordinator_service_destroy (&self);
    return self;
}

void
coordinator_service_destroy (coordinator_service_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->state_dir);
    free (*self_p);
    *self_p = NULL;
}

//  A REFUSED with why.
static eod_msg_t *
s_refused (const char *why)
{
    eod_msg_t *rep = eod_msg_new (EOD_MSG_REFUSED);
    if (rep)
        eod_msg_set (&rep->error, why);
    return rep;
}

//  The lister checks that its whole listing arrived (every hop is
//  acknowledged or reconcilable): tasks of the run, LISTED, END.
static eod_msg_t *
s_listing (coordinator_service_t *self, const eod_msg_t *req)
{
    coordinator_listing_t listing = {0};
    self->conf.listing (req->run_id, &listing, self->conf.listing_arg);
    eod_msg_t *rep = eod_msg_new (EOD_MSG_LISTING);
    if (!rep)
        return NULL;
    eod_msg_set (&rep->run_id, req->run_id);
    rep->count = listing.tasks;
    rep->listed = listing.listed;
    rep->ended = listing.ended;
    return rep;
}

static void
s_on_day (const char *yyyymmdd, bool open, void *arg)
{
    json_object_set_new ((json_t *) arg, yyyymmdd, json_string (open ? "Y" : "N"));
}

//  Waits until key may send (the holiday check spends the dispatch's budget).
static void
s_take_permit (coordinator_service_t *self, coordinator_key_t *key)
{
    while (!zsys_interrupted) {
        int64_t now = self->clock->us ();
        int64_t due = coordinator_key_due (key);
        if (due <= now)
            break;
        self->clock->sleep_ms ((int) ((due - now) / 1000) + 1);
    }
    coordinator_pacer_take (&key->pacer, self->clock->us ());
    key->requests++;
}

//  Asks KIS for the days from `from` to `to` (YYYYMMDD) into days, a page
//  at a time, each page starting the day after the last one received.
//  Returns the status of the last page (r tells why it failed).
static int
s_ask_holidays (coordinator_service_t *self, const char *from, const char *to, json_t *days, long *requests,
                eod_kis_reply_t *r)
{
    coordinator_tokens_t *tokens = self->conf.tokens;
    coordinator_key_t *key = coordinator_tokens_key (tokens, 0);
    int status = EOD_KIS_OK;
    char page[9];
    snprintf (page, sizeof page, "%s", from);
    memset (r, 0, sizeof *r);
    for (int pages = 0; pages < S_HOLIDAY_PAGES_MAX && status == EOD_KIS_OK && strcmp (page, to) <= 0; pages++) {
        if (coordinator_tokens_ensure (tokens, key, false, true, self->conf.run_id)) {
            status = EOD_KIS_PERMANENT;
            snprintf (r->error, sizeof r->error, "no access token");
            break;
        }
        s_take_permit (self, key);
        (*requests)++;
        eod_kis_conn_t c;
        coordinator_tokens_conn (tokens, key, &c);
        int made = 0;
        status = eod_kis_holidays (&c, key->token, page, 1, s_on_day, days, &made, r);
        const char *last = NULL;
        const char *k;
        json_t *v;
        json_object_foreach (days, k, v) if (!last || strcmp (k, last) > 0) last = k;
        if (!last)
            break;
        int y = 0, m = 0, d = 0;
        if (sscanf (last, "%4d%2d%2d", &y, &m, &d) != 3)
            break;
        struct tm next = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 1, .tm_hour = 12};
        time_t tt = timegm (&next);
        gmtime_r (&tt, &next);
        strftime (page, sizeof page, "%Y%m%d", &next);
    }
    return status;
}

//  The calendar gate: opnd_yn per day of [date_from, date_to], from KIS
//  chk-holiday, asked at most once a day (the cache is kept under state/).
static eod_msg_t *
s_holidays (coordinator_service_t *self, const eod_msg_t *req, long *requests)
{
    eod_date_t d_from, d_to;
    if (eod_date_parse (req->date_from, &d_from) || eod_date_parse (req->date_to, &d_to)
        || strlen (req->date_from) != S_ISO_DATE_LEN || strlen (req->date_to) != S_ISO_DATE_LEN) {
        eod_log_warn ("service: chk-holiday with dates that are not YYYY-MM-DD: refused");
        return s_refused ("chk-holiday: date_from and date_to must be YYYY-MM-DD");
    }
    eod_msg_t *rep = eod_msg_new (EOD_MSG_HOLIDAYS);
    if (!rep)
        return NULL;
    eod_msg_set (&rep->status, "ok");
    char path[1100], from[9], to[9], today[16];
    snprintf (path, sizeof path, "%s/kis_holidays.json", self->state_dir);
    snprintf (from, sizeof from, "%.4s%.2s%.2s", req->date_from, req->date_from + 5, req->date_from + 8);
    snprintf (to, sizeof to, "%.4s%.2s%.2s", req->date_to, req->date_to + 5, req->date_to + 8);
    time_t now = self->clock->wall () + S_KST_OFFSET_S;   //  the day as KST sees it
    struct tm kst;
    gmtime_r (&now, &kst);
    strftime (today, sizeof today, "%Y%m%d", &kst);
    json_t *cache = json_load_file (path, 0, NULL);
    json_t *days = cache ? json_object_get (cache, "days") : NULL;
    const char *fetched = cache ? json_string_value (json_object_get (cache, "fetched")) : NULL;
    bool fresh = fetched && strcmp (fetched, today) == 0 && json_is_object (days) && json_object_get (days, from)
                 && json_object_get (days, to);
    if (!fresh) {
        json_decref (cache);
        cache = json_object ();
        days = json_object ();
        json_object_set_new (cache, "fetched", json_string (today));
        json_object_set_new (cache, "days", days);
        eod_kis_reply_t r;
        int status = s_ask_holidays (self, from, to, days, requests, &r);
        if (status != EOD_KIS_OK) {
            char text[400];
            snprintf (text, sizeof text, "chk-holiday failed: %s %s %s", eod_kis_status_name (status), r.msg_cd,
                      r.error);
            eod_msg_set (&rep->status, "failed");
            eod_msg_set (&rep->error, text);
            eod_log_warn ("%s", text);
        }
        else {
            char *dump = json_dumps (cache, JSON_COMPACT | JSON_SORT_KEYS);
            if (!dump || eod_write_file_atomic (path, dump, strlen (dump), 0600))
                eod_log_warn ("%s: cannot cache the holiday answer", path);
            free (dump);
            eod_log_info ("chk-holiday: %zu days from KIS, cached until tomorrow", json_object_size (days));
        }
    }
    const char *k;
    json_t *v;
    json_object_foreach (days, k, v) if (strcmp (k, from) >= 0 && strcmp (k, to) <= 0 && json_is_string (v))
        eod_fields_set (&rep->days, k, json_string_value (v));
    json_decref (cache);
    return rep;
}

eod_msg_t *
coordinator_service_answer (coordinator_service_t *self, const eod_msg_t *req, long *requests)
{
    if (req && req->type == EOD_MSG_LISTING_ASK)
        return s_listing (self, req);
    if (req && req->type == EOD_MSG_HOLIDAY_ASK)
        return s_holidays (self, req, requests);
    return s_refused ("the service answers HOLIDAY_ASK and LISTING_ASK only");
}
