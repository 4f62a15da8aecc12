/*  schedule — see schedule.h. */
#include "schedule.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eod_log.h"
#include "eod_util.h"

#define S_MINUTES_PER_DAY (24 * 60)
#define S_LOOKBACK_DAYS 7               //  a weekday is always within them
#define S_LINE_MAX 128

typedef struct {
    eod_market_t market;
    long days;                          //  eod_date_to_days of the date
} s_fired_t;

struct _schedule_t {
    char *path;
    s_fired_t *items;
    size_t count, cap;
    bool torn;                          //  the file ends in a partial line
};

int
schedule_parse_time (const char *text, int *minute_of_day)
{
    return eod_time_parse_hhmm (text, minute_of_day);
}

int
schedule_due_at (eod_market_t market, eod_date_t date, int due_min, time_t *out)
{
    if (due_min < 0 || due_min >= S_MINUTES_PER_DAY)
        return -1;
    //  A US session is fetched the next Seoul morning.
    eod_date_t day = market == EOD_MARKET_US ? eod_date_add_days (date, 1) : date;
    return eod_tz_epoch (EOD_TZ_SEOUL, day, due_min, out);
}

eod_date_t
schedule_latest_due (eod_market_t market, time_t now, int due_min)
{
    eod_date_t today;
    eod_tz_local (EOD_TZ_SEOUL, now, &today, NULL);
    eod_date_t date = today;
    for (int back = 0; back <= S_LOOKBACK_DAYS; back++) {
        date = eod_date_add_days (today, -back);
        time_t due;
        if (!eod_date_is_weekend (date) && schedule_due_at (market, date, due_min, &due) == 0 && due <= now)
            break;
    }
    return date;
}

static int
s_add (schedule_t *self, eod_market_t market, eod_date_t date)
{
    if (self->count == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 64;
        s_fired_t *items = realloc (self->items, cap * sizeof *items);
        if (!items)
            return -1;
        self->items = items;
        self->cap = cap;
    }
    self->items[self->count++] = (s_fired_t) {market, eod_date_to_days (date)};
    return 0;
}

schedule_t *
schedule_open (const char *path)
{
    schedule_t *self = calloc (1, sizeof *self);
    if (!self || !(self->path = strdup (path)))
        goto fail;
    if (eod_mkdirs_for (path)) {
        eod_log_error ("%s: cannot create its directory: %s", path, strerror (errno));
        goto fail;
    }
    FILE *file = fopen (path, "r");
    if (!file && errno != ENOENT) {
        eod_log_error ("%s: %s", path, strerror (errno));
        goto fail;
    }
    char line[S_LINE_MAX];
    for (long lineno = 1; file && fgets (line, sizeof line, file); lineno++) {
        self->torn = line[strlen (line) - 1] != '\n';
        char market_name[8], day[16];
        long long fired_at;
        eod_market_t market;
        eod_date_t date;
        if (sscanf (line, "%7s %15s %lld", market_name, day, &fired_at) != 3
            || eod_market_parse (market_name, &market) || eod_date_parse (day, &date)) {
            eod_log_warn ("%s:%ld: not \"MARKET YYYY-MM-DD UNIX-TIME\": line skipped", path, lineno);
            continue;
        }
        if (s_add (self, market, date)) {
            fclose (file);
            goto fail;
        }
    }
    if (file)
        fclose (file);
    return self;
fail:
    schedule_destroy (&self);
    return NULL;
}

void
schedule_destroy (schedule_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    schedule_t *self = *self_p;
    free (self->path);
    free (self->items);
    free (self);
    *self_p = NULL;
}

bool
schedule_fired (const schedule_t *self, eod_market_t market, eod_date_t date)
{
    long days = eod_date_to_days (date);
    for (size_t i = 0; i < self->count; i++)
        if (self->items[i].market == market && self->items[i].days == days)
            return true;
    return false;
}

int
schedule_mark (schedule_t *self, eod_market_t market, eod_date_t date, time_t fired_at)
{
    char day[11], line[S_LINE_MAX];
    eod_date_format (date, day, sizeof day);
    //  After a torn last line (a crash mid-write) the record starts afresh on
    //  its own line, so it is read back whole.
    int len = snprintf (line, sizeof line, "%s%s %s %lld\n", self->torn ? "\n" : "", eod_market_name (market), day,
                        (long long) fired_at);
    int fd = open (self->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        eod_log_error ("%s: %s", self->path, strerror (errno));
        return -1;
    }
    int rc = write (fd, line, (size_t) len) == len && fsync (fd) == 0 ? 0 : -1;
    if (rc)
        eod_log_error ("%s: cannot record %s %s: %s", self->path, eod_market_name (market), day, strerror (errno));
    close (fd);
    if (rc == 0)
        self->torn = false;
    if (rc == 0 && eod_fsync_dir_of (self->path) == 0 && s_add (self, market, date) == 0)
        return 0;
    return -1;
}
