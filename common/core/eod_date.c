/*  eod_date — calendar dates, the two exchange time zones, and the clock.
    See eod_date.h for the contracts. The zones are computed from their rules
    (no tz database), so the machine's TZ setting never changes an answer. */
#include "eod_date.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eod_log.h"

#define S_MIN_YEAR           1
#define S_MAX_YEAR           9999
#define S_SECONDS_PER_MINUTE 60
#define S_MINUTES_PER_HOUR   60
#define S_DAYS_PER_WEEK      7
#define S_EPOCH_WEEKDAY      4          //  1970-01-01 was a Thursday

//  Civil-from-days constants: a 400-year Gregorian era has 146097 days, and
//  counting years from March 1 puts the leap day last; 719468 is the number of
//  days from 0000-03-01 to 1970-01-01.
#define S_DAYS_PER_ERA       146097
#define S_YEARS_PER_ERA      400
#define S_DAYS_0000_TO_1970  719468

#define S_SEOUL_OFFSET_MIN   (9 * S_MINUTES_PER_HOUR)
#define S_NY_STANDARD_MIN    (-5 * S_MINUTES_PER_HOUR)
#define S_NY_DAYLIGHT_MIN    (-4 * S_MINUTES_PER_HOUR)
#define S_NY_SWITCH_MINUTE   (2 * S_MINUTES_PER_HOUR)   //  DST changes at 02:00 local

//  Years of the US DST rules (Energy Policy Act of 2005 from 2007; Uniform Time
//  Act amendment of 1986 from 1987; Uniform Time Act of 1966 before that).
#define S_US_DST_2007_RULES  2007
#define S_US_DST_1987_RULES  1987
#define S_US_DST_1967_RULES  1967

//  Length of "YYYY-MM-DDTHH:MM:SS" and of the two zone suffixes.
#define S_INSTANT_BASE_LEN   19
#define S_INSTANT_Z_LEN      (S_INSTANT_BASE_LEN + 1)
#define S_INSTANT_OFFSET_LEN (S_INSTANT_BASE_LEN + 6)
#define S_MAX_OFFSET_HOURS   18
#define S_NS_PER_S           1000000000L

static const int s_days_in_month [12] = {
    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
};

bool
eod_date_is_leap (int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
eod_date_days_in_month (int year, int month)
{
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && eod_date_is_leap (year))
        return 29;
    return s_days_in_month [month - 1];
}

bool
eod_date_valid (int y, int m, int d)
{
    if (y < S_MIN_YEAR || y > S_MAX_YEAR)
        return false;
    if (m < 1 || m > 12)
        return false;
    return d >= 1 && d <= eod_date_days_in_month (y, m);
}

//  Reads exactly n decimal digits at p into *out; -1 if any is not a digit.
static int
s_digits (const char *p, int n, int *out)
{
    int value = 0;
    for (int i = 0; i < n; i++) {
        if (p [i] < '0' || p [i] > '9')
            return -1;
        value = value * 10 + (p [i] - '0');
    }
    *out = value;
    return 0;
}

int
eod_time_parse_hhmm (const char *text, int *minute_of_day)
{
    if (!text || strlen (text) != 5 || text[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (text[i] < '0' || text[i] > '9'))
            return -1;
    int hour = (text[0] - '0') * 10 + (text[1] - '0');
    int minute = (text[3] - '0') * 10 + (text[4] - '0');
    if (hour > 23 || minute > 59)
        return -1;
    *minute_of_day = hour * 60 + minute;
    return 0;
}

int
eod_date_parse (const char *text, eod_date_t *out)
{
    assert (out);
    if (!text)
        return -1;
    size_t len = strlen (text);
    int y, m, d;
    if (len == EOD_DATE_ISO_SIZE - 1) {
        if (text [4] != '-' || text [7] != '-')
            return -1;
        if (s_digits (text, 4, &y) || s_digits (text + 5, 2, &m) || s_digits (text + 8, 2, &d))
            return -1;
    }
    else
    if (len == EOD_DATE_COMPACT_SIZE - 1) {
        if (s_digits (text, 4, &y) || s_digits (text + 4, 2, &m) || s_digits (text + 6, 2, &d))
            return -1;
    }
    else
        return -1;
    if (!eod_date_valid (y, m, d))
        return -1;
    out->y = y;
    out->m = m;
    out->d = d;
    return 0;
}

char *
eod_date_format (eod_date_t date, char *buf, size_t size)
{
    assert (buf);
    if (size < EOD_DATE_ISO_SIZE || !eod_date_valid (date.y, date.m, date.d))
        return NULL;
    snprintf (buf, size, "%04d-%02d-%02d", date.y, date.m, date.d);
    return buf;
}

char *
eod_date_format_compact (eod_date_t date, char *buf, size_t size)
{
    assert (buf);
    if (size < EOD_DATE_COMPACT_SIZE || !eod_date_valid (date.y, date.m, date.d))
        return NULL;
    snprintf (buf, size, "%04d%02d%02d", date.y, date.m, date.d);
    return buf;
}

//  Days from civil date: count years from March so that February (and its
//  leap day) ends the year, then add whole eras, years, and days of the year.
long
eod_date_to_days (eod_date_t date)
{
    long y = date.y - (date.m <= 2 ? 1 : 0);
    long era = (y >= 0 ? y : y - (S_YEARS_PER_ERA - 1)) / S_YEARS_PER_ERA;
    long year_of_era = y - era * S_YEARS_PER_ERA;                     //  0..399
    long month_from_march = date.m > 2 ? date.m - 3 : date.m + 9;     //  0..11
    long day_of_year = (153 * month_from_march + 2) / 5 + date.d - 1;  //  0..365
    long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * S_DAYS_PER_ERA + day_of_era - S_DAYS_0000_TO_1970;
}

eod_date_t
eod_date_from_days (long days)
{
    long z = days + S_DAYS_0000_TO_1970;
    long era = (z >= 0 ? z : z - (S_DAYS_PER_ERA - 1)) / S_DAYS_PER_ERA;
    long day_of_era = z - era * S_DAYS_PER_ERA;                       //  0..146096
    long year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524
                        - day_of_era / (S_DAYS_PER_ERA - 1)) / 365;   //  0..399
    long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    long month_from_march = (5 * day_of_year + 2) / 153;              //  0..11
    eod_date_t date;
    date.d = (int) (day_of_year - (153 * month_from_march + 2) / 5 + 1);
    date.m = (int) (month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    date.y = (int) (year_of_era + era * S_YEARS_PER_ERA + (date.m <= 2 ? 1 : 0));
    return date;
}

int
eod_date_weekday (eod_date_t date)
{
    long w = (eod_date_to_days (date) + S_EPOCH_WEEKDAY) % S_DAYS_PER_WEEK;
    return (int) (w < 0 ? w + S_DAYS_PER_WEEK : w);
}

bool
eod_date_is_weekend (eod_date_t date)
{
    int w = eod_date_weekday (date);
    return w == 0 || w == 6;
}

eod_date_t
eod_date_add_days (eod_date_t date, long n)
{
    return eod_date_from_days (eod_date_to_days (date) + n);
}

int
eod_date_compare (eod_date_t a, eod_date_t b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    if (a.d != b.d)
        return a.d < b.d ? -1 : 1;
    return 0;
}

int
eod_date_nth_weekday (int year, int month, int weekday, int n, eod_date_t *out)
{
    assert (out);
    assert (weekday >= 0 && weekday < S_DAYS_PER_WEEK);
    int last = eod_date_days_in_month (year, month);
    if (last == 0)
        return -1;
    eod_date_t day;
    if (n == -1) {
        day = (eod_date_t) { year, month, last };
        int back = (eod_date_weekday (day) - weekday + S_DAYS_PER_WEEK) % S_DAYS_PER_WEEK;
        day.d -= back;
    }
    else {
        if (n < 1)
            return -1;
        day = (eod_date_t) { year, month, 1 };
        int ahead = (weekday - eod_date_weekday (day) + S_DAYS_PER_WEEK) % S_DAYS_PER_WEEK;
        day.d += ahead + (n - 1) * S_DAYS_PER_WEEK;
        if (day.d > last)
            return -1;
    }
    *out = day;
    return 0;
}

//  The anonymous Gregorian computus (Meeus, "Astronomical Algorithms", ch. 8).
eod_date_t
eod_date_easter (int year)
{
    int a = year % 19;
    int b = year / 100, c = year % 100;
    int d = b / 4, e = b % 4;
    int f = (b + 8) / 25;
    int g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = (h + l - 7 * m + 114) % 31 + 1;
    return (eod_date_t) { year, month, day };
}

static time_t
s_days_to_time (long days)
{
    return (time_t) days * EOD_SECONDS_PER_DAY;
}

//  The UTC instants [start, end) of New York daylight time in a year; false
//  for a year without DST. Before 1967 there is no rule; 1974-75 emergency
//  daylight time is not modelled (nothing in the pipeline asks about it).
static bool
s_ny_dst_span (int year, time_t *start, time_t *end)
{
    eod_date_t first, last;
    if (year >= S_US_DST_2007_RULES) {
        eod_date_nth_weekday (year, 3, 0, 2, &first);      //  2nd Sunday of March
        eod_date_nth_weekday (year, 11, 0, 1, &last);      //  1st Sunday of November
    }
    else
    if (year >= S_US_DST_1987_RULES) {
        eod_date_nth_weekday (year, 4, 0, 1, &first);      //  1st Sunday of April
        eod_date_nth_weekday (year, 10, 0, -1, &last);     //  last Sunday of October
    }
    else
    if (year >= S_US_DST_1967_RULES) {
        eod_date_nth_weekday (year, 4, 0, -1, &first);     //  last Sunday of April
        eod_date_nth_weekday (year, 10, 0, -1, &last);     //  last Sunday of October
    }
    else
        return false;
    //  02:00 local standard time starts it, 02:00 local daylight time ends it.
    *start = s_days_to_time (eod_date_to_days (first))
           + (S_NY_SWITCH_MINUTE - S_NY_STANDARD_MIN) * S_SECONDS_PER_MINUTE;
    *end = s_days_to_time (eod_date_to_days (last))
         + (S_NY_SWITCH_MINUTE - S_NY_DAYLIGHT_MIN) * S_SECONDS_PER_MINUTE;
    return true;
}

//  Floor division of an instant into days since the epoch and seconds of day.
static void
s_split_instant (time_t t, long *days, long *seconds)
{
    long d = (long) (t / EOD_SECONDS_PER_DAY);
    long s = (long) (t % EOD_SECONDS_PER_DAY);
    if (s < 0) {
        s += EOD_SECONDS_PER_DAY;
        d--;
    }
    *days = d;
    *seconds = s;
}

int
eod_tz_offset_minutes (eod_tz_t tz, time_t instant)
{
    if (tz == EOD_TZ_SEOUL)
        return S_SEOUL_OFFSET_MIN;
    assert (tz == EOD_TZ_NEW_YORK);
    //  The DST switches fall in March..November, so the UTC year is the local
    //  year whenever it matters.
    long days, seconds;
    s_split_instant (instant, &days, &seconds);
    time_t start, end;
    if (s_ny_dst_span (eod_date_from_days (days).y, &start, &end)
    &&  instant >= start && instant < end)
        return S_NY_DAYLIGHT_MIN;
    return S_NY_STANDARD_MIN;
}

void
eod_tz_local (eod_tz_t tz, time_t instant, eod_date_t *date, int *minute_of_day)
{
    time_t local = instant + (time_t) eod_tz_offset_minutes (tz, instant) * S_SECONDS_PER_MINUTE;
    long days, seconds;
    s_split_instant (local, &days, &seconds);
    if (date)
        *date = eod_date_from_days (days);
    if (minute_of_day)
        *minute_of_day = (int) (seconds / S_SECONDS_PER_MINUTE);
}

int
eod_tz_epoch (eod_tz_t tz, eod_date_t date, int minute_of_day, time_t *out)
{
    assert (out);
    if (!eod_date_valid (date.y, date.m, date.d)
    ||  minute_of_day < 0 || minute_of_day >= EOD_MINUTES_PER_DAY)
        return -1;
    time_t local = s_days_to_time (eod_date_to_days (date))
                 + (time_t) minute_of_day * S_SECONDS_PER_MINUTE;
    if (tz == EOD_TZ_SEOUL) {
        *out = local - (time_t) S_SEOUL_OFFSET_MIN * S_SECONDS_PER_MINUTE;
        return 0;
    }
    assert (tz == EOD_TZ_NEW_YORK);
    //  Try daylight time first: it is right when the instant it gives is in
    //  daylight time (this also picks the first of a repeated autumn hour).
    //  Otherwise standard time, which also maps the skipped spring hour.
    time_t daylight = local - (time_t) S_NY_DAYLIGHT_MIN * S_SECONDS_PER_MINUTE;
    if (eod_tz_offset_minutes (tz, daylight) == S_NY_DAYLIGHT_MIN)
        *out = daylight;
    else
        *out = local - (time_t) S_NY_STANDARD_MIN * S_SECONDS_PER_MINUTE;
    return 0;
}

int
eod_instant_parse (const char *text, time_t *out)
{
    assert (out);
    if (!text)
        return -1;
    size_t len = strlen (text);
    if (len != S_INSTANT_Z_LEN && len != S_INSTANT_OFFSET_LEN)
        return -1;
    char date_text [EOD_DATE_ISO_SIZE];
    memcpy (date_text, text, EOD_DATE_ISO_SIZE - 1);
    date_text [EOD_DATE_ISO_SIZE - 1] = 0;
    eod_date_t date;
    if (eod_date_parse (date_text, &date) || date_text [4] != '-')
        return -1;
    const char *p = text + EOD_DATE_ISO_SIZE - 1;       //  at 'T'
    int hour, minute, second;
    if (p [0] != 'T' || p [3] != ':' || p [6] != ':'
    ||  s_digits (p + 1, 2, &hour) || s_digits (p + 4, 2, &minute) || s_digits (p + 7, 2, &second))
        return -1;
    if (hour > 23 || minute > 59 || second > 59)
        return -1;
    p = text + S_INSTANT_BASE_LEN;
    int offset_min = 0;
    if (len == S_INSTANT_Z_LEN) {
        if (p [0] != 'Z')
            return -1;
    }
    else {
        int off_h, off_m;
        if ((p [0] != '+' && p [0] != '-') || p [3] != ':'
        ||  s_digits (p + 1, 2, &off_h) || s_digits (p + 4, 2, &off_m))
            return -1;
        if (off_h > S_MAX_OFFSET_HOURS || off_m > 59)
            return -1;
        offset_min = off_h * S_MINUTES_PER_HOUR + off_m;
        if (p [0] == '-')
            offset_min = -offset_min;
    }
    *out = s_days_to_time (eod_date_to_days (date))
         + ((time_t) hour * S_MINUTES_PER_HOUR + minute - offset_min) * S_SECONDS_PER_MINUTE
         + second;
    return 0;
}

//  The clock's state: read EOD_NOW once, then pinned instant + elapsed.
static pthread_mutex_t s_now_lock = PTHREAD_MUTEX_INITIALIZER;
static bool s_now_ready;
static bool s_now_pinned;
static time_t s_now_base;
static struct timespec s_now_started;

//  EOD_CLOCK_FILE: a file holding an instant, read at every call; when its
//  text changes the clock jumps there and runs on from it. Tests of the
//  service mode move the time of every stage this way.
static char s_clock_text[64];

static void
s_clock_file_read (const char *path)
{
    char text[sizeof s_clock_text] = "";
    FILE *file = fopen (path, "r");
    if (!file)
        return;
    size_t n = fread (text, 1, sizeof text - 1, file);
    fclose (file);
    text[n] = 0;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
        text[--n] = 0;
    if (n == 0 || strcmp (text, s_clock_text) == 0)
        return;
    time_t base;
    struct timespec started;
    if (eod_instant_parse (text, &base) == 0 && clock_gettime (CLOCK_MONOTONIC, &started) == 0) {
        s_now_base = base;
        s_now_started = started;
        s_now_pinned = true;
    }
    else
        eod_log_error ("EOD_CLOCK_FILE %s: \"%s\" is not YYYY-MM-DDTHH:MM:SS followed by Z or +HH:MM", path, text);
    memcpy (s_clock_text, text, sizeof s_clock_text);
}

time_t
eod_now (void)
{
    pthread_mutex_lock (&s_now_lock);
    const char *clock_file = getenv ("EOD_CLOCK_FILE");
    if (clock_file && *clock_file) {
        s_now_ready = true;
        s_clock_file_read (clock_file);
    }
    if (!s_now_ready) {
        s_now_ready = true;
        s_now_pinned = false;
        const char *pinned = getenv ("EOD_NOW");
        if (pinned && *pinned) {
            if (eod_instant_parse (pinned, &s_now_base) == 0
            &&  clock_gettime (CLOCK_MONOTONIC, &s_now_started) == 0)
                s_now_pinned = true;
            else
                eod_log_error ("EOD_NOW=\"%s\" is not YYYY-MM-DDTHH:MM:SS followed by Z or "
                               "+HH:MM; using the real time", pinned);
        }
    }
    time_t now;
    struct timespec mono;
    if (s_now_pinned && clock_gettime (CLOCK_MONOTONIC, &mono) == 0) {
        long long elapsed_ns = (long long) (mono.tv_sec - s_now_started.tv_sec) * S_NS_PER_S
                             + (mono.tv_nsec - s_now_started.tv_nsec);
        now = s_now_base + (time_t) (elapsed_ns / S_NS_PER_S);
    }
    else
        now = time (NULL);
    pthread_mutex_unlock (&s_now_lock);
    return now;
}

void
eod_now_reset (void)
{
    pthread_mutex_lock (&s_now_lock);
    s_now_ready = false;
    s_now_pinned = false;
    s_clock_text[0] = 0;
    pthread_mutex_unlock (&s_now_lock);
}

eod_date_t
eod_date_today (eod_tz_t tz)
{
    eod_date_t today;
    eod_tz_local (tz, eod_now (), &today, NULL);
    return today;
}
