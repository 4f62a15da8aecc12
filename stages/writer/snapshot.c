/*  writer snapshot — see snapshot.h. */
#include "snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define S_MS_PER_S 1000
#define S_CLOCK_RESOLUTION_S 1   //  asked_at is whole seconds: the request left up to a second after it

//  The hours that decide the rows of one session (the last one looked up:
//  a run's rows come session by session).
typedef struct {
    eod_market_t market;
    eod_date_t date;
    bool known;            //  the calendar gave both instants
    time_t close_at;       //  the session's close
    time_t next_open_at;   //  the next session's open
} s_session_t;

struct _writer_snapshot_t {
    eod_cal_t *cal;
    time_t life_s;   //  longest time from asked_at to the answer
    s_session_t last;
    bool have_last;
    long counts[WRITER_SNAPSHOT_REASONS];
    long carried;
};

writer_snapshot_t *
writer_snapshot_new (eod_cal_t *cal, long timeout_ms)
{
    writer_snapshot_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->cal = cal;
    self->life_s = (time_t) ((timeout_ms + S_MS_PER_S - 1) / S_MS_PER_S) + S_CLOCK_RESOLUTION_S;
    return self;
}

void
writer_snapshot_destroy (writer_snapshot_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free (*self_p);
    *self_p = NULL;
}

//  The session of date in market: its close and the next session's open.
static const s_session_t *
s_session (writer_snapshot_t *self, eod_market_t market, eod_date_t date)
{
    s_session_t *s = &self->last;
    if (self->have_last && s->market == market && eod_date_compare (s->date, date) == 0)
        return s;
    *s = (s_session_t){.market = market, .date = date};
    self->have_last = true;
    eod_tz_t tz = eod_market_tz (market);
    int close_min, open_min;
    eod_date_t next;
    s->known = self->cal && eod_cal_hours (self->cal, market, date, NULL, &close_min) == 0
               && eod_tz_epoch (tz, date, close_min, &s->close_at) == 0
               && eod_cal_next_session (self->cal, market, date, &next) == 0
               && eod_cal_hours (self->cal, market, next, &open_min, NULL) == 0
               && eod_tz_epoch (tz, next, open_min, &s->next_open_at) == 0;
    return s;
}

//  A KIS integer field ("112000", "-1600") into *out. 0, or -1 when absent
//  or not a whole integer.
static int
s_integer (const eod_fields_t *fields, const char *key, long long *out)
{
    const char *text = eod_fields_get (fields, key);
    if (!text || !*text)
        return -1;
    char *end = NULL;
    errno = 0;
    long long value = strtoll (text, &end, 10);
    if (errno || *end)
        return -1;
    *out = value;
    return 0;
}

//  KR: the quote is the row's close, with the row's change.
static bool
s_quote_agrees (const eod_fields_t *row, const eod_fields_t *output1)
{
    long long price, close, change, row_change;
    return s_integer (output1, "stck_prpr", &price) == 0 && s_integer (row, "stck_clpr", &close) == 0
           && s_integer (output1, "prdy_vrss", &change) == 0 && s_integer (row, "prdy_vrss", &row_change) == 0
           && price == close && change == row_change;
}

static writer_snapshot_reason_t
s_judge (writer_snapshot_t *self, const char *market, const eod_fields_t *row, const eod_fields_t *output1,
         int64_t asked_at)
{
    eod_market_t m;
    if (eod_market_parse (market, &m))
        return WRITER_SNAPSHOT_CALENDAR;
    if (asked_at <= 0)
        return WRITER_SNAPSHOT_UNTIMED;
    eod_date_t date;
    if (eod_date_parse (eod_fields_get (row, m == EOD_MARKET_US ? "xymd" : "stck_bsop_date"), &date))
        return WRITER_SNAPSHOT_CALENDAR;
    const s_session_t *s = s_session (self, m, date);
    if (!s->known)
        return WRITER_SNAPSHOT_CALENDAR;
    if ((time_t) asked_at < s->close_at)
        return WRITER_SNAPSHOT_EARLY;
    if ((time_t) asked_at + self->life_s > s->next_open_at)
        return WRITER_SNAPSHOT_OLDER;
    if (m == EOD_MARKET_KR && !s_quote_agrees (row, output1))
        return WRITER_SNAPSHOT_MISMATCH;
    return WRITER_SNAPSHOT_KEPT;
}

writer_snapshot_reason_t
writer_snapshot_judge (writer_snapshot_t *self, const char *market, const eod_fields_t *row,
                       const eod_fields_t *output1, int64_t asked_at)
{
    writer_snapshot_reason_t reason = s_judge (self, market, row, output1, asked_at);
    self->counts[reason]++;
    return reason;
}

void
writer_snapshot_carried (writer_snapshot_t *self)
{
    self->carried++;
}

long
writer_snapshot_count (const writer_snapshot_t *self, writer_snapshot_reason_t reason)
{
    return reason < WRITER_SNAPSHOT_REASONS ? self->counts[reason] : 0;
}

long
writer_snapshot_carried_count (const writer_snapshot_t *self)
{
    return self->carried;
}

long
writer_snapshot_without (const writer_snapshot_t *self)
{
    long without = 0;
    for (int r = WRITER_SNAPSHOT_KEPT + 1; r < WRITER_SNAPSHOT_REASONS; r++)
        without += self->counts[r];
    return without - self->carried;
}

void
writer_snapshot_reset (writer_snapshot_t *self)
{
    memset (self->counts, 0, sizeof self->counts);
    self->carried = 0;
}

static const struct {
    const char *name;
    const char *text;
} s_reasons[WRITER_SNAPSHOT_REASONS] = {
    [WRITER_SNAPSHOT_KEPT] = {"kept", "the quote is of the row's session"},
    [WRITER_SNAPSHOT_OLDER] = {"older", "a later session had opened when the quote was taken"},
    [WRITER_SNAPSHOT_EARLY] = {"early", "asked before the session closed"},
    [WRITER_SNAPSHOT_MISMATCH] = {"mismatch", "the quote's price or change is not the row's"},
    [WRITER_SNAPSHOT_UNTIMED] = {"untimed", "the answer does not say when it was asked"},
    [WRITER_SNAPSHOT_CALENDAR] = {"calendar", "the calendar does not know the session or the next one"},
};

const char *
writer_snapshot_reason_name (writer_snapshot_reason_t reason)
{
    return reason < WRITER_SNAPSHOT_REASONS ? s_reasons[reason].name : "?";
}

const char *
writer_snapshot_reason_text (writer_snapshot_reason_t reason)
{
    return reason < WRITER_SNAPSHOT_REASONS ? s_reasons[reason].text : "?";
}
