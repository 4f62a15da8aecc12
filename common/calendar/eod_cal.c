/*  eod_cal — the exchange calendars (XKRX from a table plus KIS answers, XNYS
    from rules plus one-off closures). See eod_cal.h for the contracts. */
#include "eod_cal.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eod_log.h"

#define S_KR_CLOSED_FILE "XKRX_closed.csv"
#define S_KR_SPECIAL_FILE "XKRX_special_hours.csv"
#define S_US_CLOSURES_FILE "XNYS_closures.csv"

//  Minutes of the day of a clock time.
#define S_HM(h, m) (60 * (h) + (m))

//  KRX regular hours: the close moved from 15:00 to 15:30 on 2016-08-01.
#define S_KR_OPEN S_HM (9, 0)
#define S_KR_CLOSE_OLD S_HM (15, 0)
#define S_KR_CLOSE S_HM (15, 30)
static const eod_date_t s_kr_longer_hours_from = {2016, 8, 1};

//  XNYS regular hours and the 13:00 early close.
#define S_US_OPEN S_HM (9, 30)
#define S_US_CLOSE S_HM (16, 0)
#define S_US_EARLY_CLOSE S_HM (13, 0)

//  The XNYS rules are kept from 2000 on; past 2099 they are not trusted (the
//  holiday laws may change, and the exchange publishes only a few years ahead).
#define S_US_FIRST_YEAR 2000
#define S_US_LAST_YEAR 2099
#define S_US_MLK_FROM 1998          //  first year XNYS closed for MLK Day
#define S_US_JUNETEENTH_FROM 2022   //  first year XNYS closed for Juneteenth

#define S_SUNDAY 0
#define S_MONDAY 1
#define S_THURSDAY 4
#define S_FRIDAY 5
#define S_SATURDAY 6

//  Fields of a table line: date, then up to two more, then the reason (which
//  is the rest of the line and may itself hold commas).
#define S_MAX_FIELDS 4

//  One special-hours day of the XKRX table.
typedef struct {
    long day;
    int open_min;
    int close_min;
} s_hours_t;

//  A KIS chk-holiday answer (opnd_yn) for one date.
typedef struct {
    long day;
    bool open;
} s_answer_t;

//  One dated line of a table: a closed day with its reason.
typedef struct {
    long day;
    char *reason;
} s_closed_t;

struct _eod_cal_t {
    //  XKRX table: whole years [kr_first, kr_last] as day numbers, and per
    //  day the reason it is closed (NULL when it is a session or a weekend).
    long kr_first;
    long kr_last;
    char **kr_reason;
    s_hours_t *kr_special;   //  sorted by day
    size_t kr_special_count;
    s_answer_t *kr_answers;   //  sorted by day
    size_t kr_answer_count;
    size_t kr_answer_alloc;
    s_closed_t *us_closures;   //  sorted by day
    size_t us_closure_count;
};

//  A growing list of dated lines read from a file.
typedef struct {
    s_closed_t *items;
    size_t count;
    size_t alloc;
} s_closed_list_t;

int
eod_market_parse (const char *name, eod_market_t *out)
{
    assert (out);
    if (!name)
        return -1;
    if (strcasecmp (name, "kr") == 0)
        *out = EOD_MARKET_KR;
    else if (strcasecmp (name, "us") == 0)
        *out = EOD_MARKET_US;
    else
        return -1;
    return 0;
}

const char *
eod_market_name (eod_market_t market)
{
    return market == EOD_MARKET_KR ? "kr" : "us";
}

eod_tz_t
eod_market_tz (eod_market_t market)
{
    return market == EOD_MARKET_KR ? EOD_TZ_SEOUL : EOD_TZ_NEW_YORK;
}

//  Parses "HH:MM" (00:00..23:59) into minutes of the day.
static int
s_parse_hm (const char *text, int *out)
{
    if (strlen (text) != 5 || text[2] != ':')
        return -1;
    char *end;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (text[i] < '0' || text[i] > '9'))
            return -1;
    long hour = strtol (text, &end, 10);
    long minute = strtol (text + 3, &end, 10);
    if (hour > 23 || minute > 59)
        return -1;
    *out = (int) S_HM (hour, minute);
    return 0;
}

//  Splits line in place into at most max fields at commas; the last field
//  keeps the rest of the line. Returns the number of fields.
static int
s_split (char *line, char **fields, int max)
{
    int count = 0;
    char *p = line;
    while (count < max - 1) {
        char *comma = strchr (p, ',');
        if (!comma)
            break;
        *comma = 0;
        fields[count++] = p;
        p = comma + 1;
    }
    fields[count++] = p;
    return count;
}

static int
s_compare_closed (const void *a, const void *b)
{
    long x = ((const s_closed_t *) a)->day, y = ((const s_closed_t *) b)->day;
    return (x > y) - (x < y);
}

static int
s_compare_hours (const void *a, const void *b)
{
    long x = ((const s_hours_t *) a)->day, y = ((const s_hours_t *) b)->day;
    return (x > y) - (x < y);
}

static void
s_closed_list_free (s_closed_list_t *list)
{
    for (size_t i = 0; i < list->count; i++)
        free (list->items[i].reason);
    free (list->items);
    list->items = NULL;
    list->count = list->alloc = 0;
}

//  Handles one split line of a table file; returns 0 or -1 (already logged).
typedef int (s_line_fn) (eod_cal_t *self, const char *path, size_t lineno, char **fields, int count, void *arg);

//  Reads path line by line, skipping empty and '#' lines, splitting the rest
//  into at most max_fields fields for fn. Returns 0, or -1 (logged).
static int
s_read_table (eod_cal_t *self, const char *dir, const char *name, int max_fields, s_line_fn *fn, void *arg)
{
    int rc = -1;
    char *line = NULL;
    size_t line_size = 0;
    FILE *file = NULL;
    char path[PATH_MAX];
    int written = snprintf (path, sizeof path, "%s/%s", dir, name);
    if (written < 0 || (size_t) written >= sizeof path) {
        eod_log_error ("calendar directory path too long: %s", dir);
        goto out;
    }
    file = fopen (path, "r");
    if (!file) {
        eod_log_error ("%s: cannot open: %s", path, strerror (errno));
        goto out;
    }
    size_t lineno = 0;
    ssize_t length;
    while ((length = getline (&line, &line_size, file)) != -1) {
        lineno++;
        if ((size_t) length != strlen (line)) {
            eod_log_error ("%s:%zu: NUL byte in line", path, lineno);
            goto out;
        }
        while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
            line[--length] = 0;
        if (length == 0 || line[0] == '#')
            continue;
        char *fields[S_MAX_FIELDS];
        int count = s_split (line, fields, max_fields);
        if (fn (self, path, lineno, fields, count, arg))
            goto out;
    }
    if (ferror (file)) {
        eod_log_error ("%s: read error: %s", path, strerror (errno));
        goto out;
    }
    rc = 0;
out:
    free (line);
    if (file)
        fclose (file);
    return rc;
}

//  The first field of a table line, which must be a whole YYYY-MM-DD date.
//  Returns 0, or -1 (logged with path:lineno).
static int
s_line_date (const char *path, size_t lineno, const char *field, eod_date_t *date)
{
    if (eod_date_parse (field, date) || strlen (field) != EOD_DATE_ISO_SIZE - 1) {
        eod_log_error ("%s:%zu: \"%s\" is not a date YYYY-MM-DD", path, lineno, field);
        return -1;
    }
    return 0;
}

//  A "YYYY-MM-DD,reason" line into a list (XKRX_closed, XNYS_closures).
static int
s_closed_line (eod_cal_t *self, const char *path, size_t lineno, char **fields, int count, void *arg)
{
    s_closed_list_t *list = (s_closed_list_t *) arg;
    eod_date_t date;
    if (s_line_date (path, lineno, fields[0], &date))
        return -1;
    if (count < 2 || *fields[1] == 0) {
        eod_log_error ("%s:%zu: %s: expected YYYY-MM-DD,reason", path, lineno, fields[0]);
        return -1;
    }
    if (list->count == list->alloc) {
        size_t alloc = list->alloc ? list->alloc * 2 : 64;
        s_closed_t *items = realloc (list->items, alloc * sizeof *items);
        if (!items) {
            eod_log_error ("%s:%zu: out of memory", path, lineno);
            return -1;
        }
        list->items = items;
        list->alloc = alloc;
    }
    char *reason = strdup (fields[1]);
    if (!reason) {
        eod_log_error ("%s:%zu: out of memory", path, lineno);
        return -1;
    }
    list->items[list->count].day = eod_date_to_days (date);
    list->items[list->count].reason = reason;
    list->count++;
    return 0;
}

//  Sorts a list and fails on the first date listed twice.
static int
s_check_duplicates (s_closed_list_t *list, const char *name)
{
    if (list->count)
        qsort (list->items, list->count, sizeof list->items[0], s_compare_closed);
    for (size_t i = 1; i < list->count; i++)
        if (list->items[i].day == list->items[i - 1].day) {
            char text[EOD_DATE_ISO_SIZE];
            eod_date_format (eod_date_from_days (list->items[i].day), text, sizeof text);
            eod_log_error ("%s: %s is listed twice", name, text);
            return -1;
        }
    return 0;
}

//  A "YYYY-MM-DD,HH:MM,HH:MM,reason" line of XKRX_special_hours.
static int
s_special_line (eod_cal_t *self, const char *path, size_t lineno, char **fields, int count, void *arg)
{
    size_t *alloc = (size_t *) arg;
    eod_date_t date;
    if (s_line_date (path, lineno, fields[0], &date))
        return -1;
    int open_min, close_min;
    if (count < 4 || *fields[3] == 0 || s_parse_hm (fields[1], &open_min) || s_parse_hm (fields[2], &close_min)) {
        eod_log_error ("%s:%zu: %s: expected YYYY-MM-DD,HH:MM,HH:MM,reason", path, lineno, fields[0]);
        return -1;
    }
    if (open_min >= close_min) {
        eod_log_error ("%s:%zu: %s: open %s is not before close %s", path, lineno, fields[0], fields[1], fields[2]);
        return -1;
    }
    long day = eod_date_to_days (date);
    if (day < self->kr_first || day > self->kr_last) {
        eod_log_error ("%s:%zu: %s is outside the years of " S_KR_CLOSED_FILE, path, lineno, fields[0]);
        return -1;
    }
    if (self->kr_reason[day - self->kr_first] || eod_date_is_weekend (date)) {
        eod_log_error ("%s:%zu: %s has special hours but is a closed day", path, lineno, fields[0]);
        return -1;
    }
    for (size_t i = 0; i < self->kr_special_count; i++)
        if (self->kr_special[i].day == day) {
            eod_log_error ("%s:%zu: %s is listed twice", path, lineno, fields[0]);
            return -1;
        }
    if (self->kr_special_count == *alloc) {
        size_t bigger = *alloc ? *alloc * 2 : 32;
        s_hours_t *items = realloc (self->kr_special, bigger * sizeof *items);
        if (!items) {
            eod_log_error ("%s:%zu: out of memory", path, lineno);
            return -1;
        }
        self->kr_special = items;
        *alloc = bigger;
    }
    self->kr_special[self->kr_special_count++] = (s_hours_t){day, open_min, close_min};
    return 0;
}

//  Loads the XKRX table: the closed days first (they fix the years covered),
//  then the special hours, which must fall on sessions inside those years.
static int
s_load_kr (eod_cal_t *self, const char *dir)
{
    int rc = -1;
    s_closed_list_t list = {NULL, 0, 0};
    if (s_read_table (self, dir, S_KR_CLOSED_FILE, 2, s_closed_line, &list))
        goto out;
    if (list.count == 0) {
        eod_log_error ("%s/%s: no closed days listed", dir, S_KR_CLOSED_FILE);
        goto out;
    }
    if (s_check_duplicates (&list, S_KR_CLOSED_FILE))
        goto out;
    eod_date_t first = eod_date_from_days (list.items[0].day);
    eod_date_t last = eod_date_from_days (list.items[list.count - 1].day);
    self->kr_first = eod_date_to_days ((eod_date_t){first.y, 1, 1});
    self->kr_last = eod_date_to_days ((eod_date_t){last.y, 12, 31});
    size_t days = (size_t) (self->kr_last - self->kr_first + 1);
    self->kr_reason = calloc (days, sizeof *self->kr_reason);
    if (!self->kr_reason) {
        eod_log_error ("out of memory loading %s", S_KR_CLOSED_FILE);
        goto out;
    }
    for (size_t i = 0; i < list.count; i++) {
        //  The table takes the reason strings over from the list.
        self->kr_reason[list.items[i].day - self->kr_first] = list.items[i].reason;
        list.items[i].reason = NULL;
    }
    size_t alloc = 0;
    if (s_read_table (self, dir, S_KR_SPECIAL_FILE, S_MAX_FIELDS, s_special_line, &alloc))
        goto out;
    if (self->kr_special_count)
        qsort (self->kr_special, self->kr_special_count, sizeof self->kr_special[0], s_compare_hours);
    rc = 0;
out:
    s_closed_list_free (&list);
    return rc;
}

static int
s_load_us (eod_cal_t *self, const char *dir)
{
    int rc = -1;
    s_closed_list_t list = {NULL, 0, 0};
    if (s_read_table (self, dir, S_US_CLOSURES_FILE, 2, s_closed_line, &list))
        goto out;
    if (s_check_duplicates (&list, S_US_CLOSURES_FILE))
        goto out;
    for (size_t i = 0; i < list.count; i++) {
        eod_date_t date = eod_date_from_days (list.items[i].day);
        if (date.y < S_US_FIRST_YEAR || date.y > S_US_LAST_YEAR) {
            char text[EOD_DATE_ISO_SIZE];
            eod_log_error ("%s/%s: %s is outside the XNYS years %d-%d", dir, S_US_CLOSURES_FILE,
                           eod_date_format (date, text, sizeof text), S_US_FIRST_YEAR, S_US_LAST_YEAR);
            goto out;
        }
    }
    self->us_closures = list.items;
    self->us_closure_count = list.count;
    list.items = NULL;
    list.count = 0;
    rc = 0;
out:
    s_closed_list_free (&list);
    return rc;
}

eod_cal_t *
eod_cal_new (const char *calendar_dir)
{
    assert (calendar_dir);
    eod_cal_t *self = calloc (1, sizeof *self);
    if (!self) {
        eod_log_error ("out of memory creating the calendar");
        return NULL;
    }
    if (s_load_kr (self, calendar_dir) || s_load_us (self, calendar_dir))
        eod_cal_destroy (&self);
    return self;
}

void
eod_cal_destroy (eod_cal_t **self_p)
{
    assert (self_p);
    eod_cal_t *self = *self_p;
    if (!self)
        return;
    if (self->kr_reason) {
        for (long i = 0; i <= self->kr_last - self->kr_first; i++)
            free (self->kr_reason[i]);
        free (self->kr_reason);
    }
    free (self->kr_special);
    free (self->kr_answers);
    for (size_t i = 0; i < self->us_closure_count; i++)
        free (self->us_closures[i].reason);
    free (self->us_closures);
    free (self);
    *self_p = NULL;
}

//  Index of the first answer with day >= the given day (binary search).
static size_t
s_answer_index (const eod_cal_t *self, long day)
{
    size_t low = 0, high = self->kr_answer_count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (self->kr_answers[mid].day < day)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

static const s_answer_t *
s_answer_find (const eod_cal_t *self, long day)
{
    size_t i = s_answer_index (self, day);
    if (i < self->kr_answer_count && self->kr_answers[i].day == day)
        return &self->kr_answers[i];
    return NULL;
}

int
eod_cal_add_kr_status (eod_cal_t *self, eod_date_t date, bool open)
{
    assert (self);
    if (!eod_date_valid (date.y, date.m, date.d))
        return -1;
    long day = eod_date_to_days (date);
    size_t i = s_answer_index (self, day);
    if (i < self->kr_answer_count && self->kr_answers[i].day == day) {
        self->kr_answers[i].open = open;
        return 0;
    }
    if (self->kr_answer_count == self->kr_answer_alloc) {
        size_t alloc = self->kr_answer_alloc ? self->kr_answer_alloc * 2 : 64;
        s_answer_t *answers = realloc (self->kr_answers, alloc * sizeof *answers);
        if (!answers)
            return -1;
        self->kr_answers = answers;
        self->kr_answer_alloc = alloc;
    }
    memmove (&self->kr_answers[i + 1], &self->kr_answers[i], (self->kr_answer_count - i) * sizeof self->kr_answers[0]);
    self->kr_answers[i] = (s_answer_t){day, open};
    self->kr_answer_count++;
    return 0;
}

static bool
s_same (eod_date_t a, eod_date_t b)
{
    return eod_date_compare (a, b) == 0;
}

//  A fixed-date holiday observed on Friday when it falls on Saturday and on
//  Monday when it falls on Sunday.
static eod_date_t
s_observed (int year, int month, int day)
{
    eod_date_t date = {year, month, day};
    int weekday = eod_date_weekday (date);
    if (weekday == S_SATURDAY)
        return eod_date_add_days (date, -1);
    if (weekday == S_SUNDAY)
        return eod_date_add_days (date, 1);
    return date;
}

static eod_date_t
s_nth (int year, int month, int weekday, int n)
{
    eod_date_t date;
    int rc = eod_date_nth_weekday (year, month, weekday, n, &date);
    assert (rc == 0);
    (void) rc;
    return date;
}

//  The XNYS holiday rules: the holiday's name when date is one, else NULL.
//  All observed dates stay in their own year, because a Saturday New Year's
//  Day is not moved back to December 31 (NYSE Rule 7.2).
static const char *
s_us_holiday (eod_date_t date)
{
    int y = date.y;
    eod_date_t new_year = {y, 1, 1};
    if (eod_date_weekday (new_year) == S_SUNDAY)
        new_year.d = 2;
    if (s_same (date, new_year))
        return "New Year's Day";
    if (y >= S_US_MLK_FROM && s_same (date, s_nth (y, 1, S_MONDAY, 3)))
        return "Martin Luther King Jr. Day";
    if (s_same (date, s_nth (y, 2, S_MONDAY, 3)))
        return "Washington's Birthday";
    if (s_same (date, eod_date_add_days (eod_date_easter (y), -2)))
        return "Good Friday";
    if (s_same (date, s_nth (y, 5, S_MONDAY, -1)))
        return "Memorial Day";
    if (y >= S_US_JUNETEENTH_FROM && s_same (date, s_observed (y, 6, 19)))
        return "Juneteenth";
    if (s_same (date, s_observed (y, 7, 4)))
        return "Independence Day";
    if (s_same (date, s_nth (y, 9, S_MONDAY, 1)))
        return "Labor Day";
    if (s_same (date, s_nth (y, 11, S_THURSDAY, 4)))
        return "Thanksgiving Day";
    if (s_same (date, s_observed (y, 12, 25)))
        return "Christmas Day";
    return NULL;
}

static const char *
s_us_closure (const eod_cal_t *self, eod_date_t date)
{
    s_closed_t key = {eod_date_to_days (date), NULL};
    const s_closed_t *found = bsearch (&key, self->us_closures, self->us_closure_count, sizeof key, s_compare_closed);
    return found ? found->reason : NULL;
}

//  The status and, when closed, the reason (borrowed) of a date.
static eod_cal_status_t
s_status (const eod_cal_t *self, eod_market_t market, eod_date_t date, const char **reason)
{
    static const char *weekend = "weekend";
    static const char *kis_closed = "closed (KIS chk-holiday)";
    const char *why = NULL;
    eod_cal_status_t status = EOD_CAL_UNKNOWN;
    if (!eod_date_valid (date.y, date.m, date.d))
        goto out;
    if (market == EOD_MARKET_KR) {
        long day = eod_date_to_days (date);
        const s_answer_t *answer = s_answer_find (self, day);
        if (answer) {
            status = answer->open ? EOD_CAL_OPEN : EOD_CAL_CLOSED;
            if (!answer->open) {
                //  Prefer the table's name for the day when it agrees.
                bool in_table = day >= self->kr_first && day <= self->kr_last;
                why = in_table && self->kr_reason[day - self->kr_first] ? self->kr_reason[day - self->kr_first]
                      : eod_date_is_weekend (date)                      ? weekend
                                                                        : kis_closed;
            }
        }
        else if (day >= self->kr_first && day <= self->kr_last) {
            why = self->kr_reason[day - self->kr_first];
            if (!why && eod_date_is_weekend (date))
                why = weekend;
            status = why ? EOD_CAL_CLOSED : EOD_CAL_OPEN;
        }
    }
    else {
        if (date.y < S_US_FIRST_YEAR || date.y > S_US_LAST_YEAR)
            goto out;
        if (eod_date_is_weekend (date))
            why = weekend;
        else {
            why = s_us_holiday (date);
            if (!why)
                why = s_us_closure (self, date);
        }
        status = why ? EOD_CAL_CLOSED : EOD_CAL_OPEN;
    }
out:
    if (reason)
        *reason = status == EOD_CAL_CLOSED ? why : NULL;
    return status;
}

eod_cal_status_t
eod_cal_status (eod_cal_t *self, eod_market_t market, eod_date_t date)
{
    assert (self);
    return s_status (self, market, date, NULL);
}

const char *
eod_cal_closed_reason (eod_cal_t *self, eod_market_t market, eod_date_t date)
{
    assert (self);
    const char *reason;
    s_status (self, market, date, &reason);
    return reason;
}

int
eod_cal_hours (eod_cal_t *self, eod_market_t market, eod_date_t date, int *open_min, int *close_min)
{
    assert (self);
    if (s_status (self, market, date, NULL) != EOD_CAL_OPEN)
        return -1;
    int open, close;
    if (market == EOD_MARKET_KR) {
        s_hours_t key = {eod_date_to_days (date), 0, 0};
        const s_hours_t *special =
            bsearch (&key, self->kr_special, self->kr_special_count, sizeof key, s_compare_hours);
        if (special) {
            open = special->open_min;
            close = special->close_min;
        }
        else {
            open = S_KR_OPEN;
            close = eod_date_compare (date, s_kr_longer_hours_from) < 0 ? S_KR_CLOSE_OLD : S_KR_CLOSE;
        }
    }
    else {
        open = S_US_OPEN;
        close = S_US_CLOSE;
        int weekday = eod_date_weekday (date);
        bool monday_to_thursday = weekday >= S_MONDAY && weekday <= S_THURSDAY;
        if ((date.m == 7 && date.d == 3 && monday_to_thursday) || (date.m == 12 && date.d == 24 && monday_to_thursday)
            || s_same (date, eod_date_add_days (s_nth (date.y, 11, S_THURSDAY, 4), 1)))
            close = S_US_EARLY_CLOSE;
    }
    if (open_min)
        *open_min = open;
    if (close_min)
        *close_min = close;
    return 0;
}

void
eod_cal_known_range (eod_cal_t *self, eod_market_t market, eod_date_t *first, eod_date_t *last)
{
    assert (self);
    eod_date_t from, to;
    if (market == EOD_MARKET_KR) {
        from = eod_date_from_days (self->kr_first);
        to = eod_date_from_days (self->kr_last);
    }
    else {
        from = (eod_date_t){S_US_FIRST_YEAR, 1, 1};
        to = (eod_date_t){S_US_LAST_YEAR, 12, 31};
    }
    if (first)
        *first = from;
    if (last)
        *last = to;
}

//  Walks one day at a time in direction step (+1/-1) from date, excluded, to
//  the first session. Ends because every calendar knows finitely many dates.
static int
s_walk (eod_cal_t *self, eod_market_t market, eod_date_t date, int step, eod_date_t *out)
{
    assert (self && out);
    if (!eod_date_valid (date.y, date.m, date.d))
        return -1;
    while (true) {
        date = eod_date_add_days (date, step);
        eod_cal_status_t status = s_status (self, market, date, NULL);
        if (status == EOD_CAL_UNKNOWN)
            return -1;
        if (status == EOD_CAL_OPEN) {
            *out = date;
            return 0;
        }
    }
}

int
eod_cal_prev_session (eod_cal_t *self, eod_market_t market, eod_date_t date, eod_date_t *out)
{
    return s_walk (self, market, date, -1, out);
}

int
eod_cal_next_session (eod_cal_t *self, eod_market_t market, eod_date_t date, eod_date_t *out)
{
    return s_walk (self, market, date, 1, out);
}

int
eod_cal_latest_closed_session (eod_cal_t *self, eod_market_t market, time_t now, eod_date_t *out)
{
    assert (self && out);
    eod_tz_t tz = eod_market_tz (market);
    eod_date_t today;
    eod_tz_local (tz, now, &today, NULL);
    eod_cal_status_t status = s_status (self, market, today, NULL);
    if (status == EOD_CAL_UNKNOWN)
        return -1;
    int close_min;
    time_t close_at;
    if (status == EOD_CAL_OPEN && eod_cal_hours (self, market, today, NULL, &close_min) == 0
        && eod_tz_epoch (tz, today, close_min, &close_at) == 0 && close_at <= now) {
        *out = today;
        return 0;
    }
    return eod_cal_prev_session (self, market, today, out);
}

int
eod_cal_sessions (eod_cal_t *self, eod_market_t market, eod_date_t from, eod_date_t to, eod_cal_session_fn *fn,
                  void *arg)
{
    assert (self && fn);
    if (!eod_date_valid (from.y, from.m, from.d) || !eod_date_valid (to.y, to.m, to.d))
        return -1;
    long first = eod_date_to_days (from), last = eod_date_to_days (to);
    //  Check the whole range first, so the caller never acts on part of it.
    for (long day = first; day <= last; day++)
        if (s_status (self, market, eod_date_from_days (day), NULL) == EOD_CAL_UNKNOWN)
            return -1;
    int count = 0;
    for (long day = first; day <= last; day++) {
        eod_date_t date = eod_date_from_days (day);
        int open_min, close_min;
        if (eod_cal_hours (self, market, date, &open_min, &close_min))
            continue;
        if (fn (date, open_min, close_min, arg))
            return -1;
        count++;
    }
    return count;
}
