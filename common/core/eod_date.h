/*  eod_date — calendar dates, the two exchange time zones, and the clock.

    Every stage names a trade date (KR: Asia/Seoul, US: the XNYS session date in
    America/New_York) and decides "which session has closed by now"; this module
    gives them one date type, strict parsing of the two spellings the pipeline
    meets (YYYY-MM-DD in CSV and config, YYYYMMDD in KIS requests), day
    arithmetic, and the two zones computed from their rules, so the answer never
    depends on the machine's TZ or on a tz database being installed.

    eod_now () is the one clock: EOD_NOW pins it for demos and tests (the pinned
    clock keeps moving with real time, so timeouts still work), and
    EOD_CLOCK_FILE names a file whose instant the clock jumps to whenever its
    text changes (service-mode tests move the clock of every stage at once).

    Proleptic Gregorian calendar; supported years 1..9999. */
#ifndef EOD_DATE_H
#define EOD_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct {
    int y, m, d;
} eod_date_t;

typedef enum {
    EOD_TZ_SEOUL,       //  UTC+9, no DST since 1988
    EOD_TZ_NEW_YORK     //  UTC-5, US DST rules
} eod_tz_t;

//  Buffer sizes for the two spellings, terminating NUL included.
#define EOD_DATE_ISO_SIZE     11    //  "YYYY-MM-DD"
#define EOD_DATE_COMPACT_SIZE 9     //  "YYYYMMDD"

#define EOD_MINUTES_PER_DAY   1440
#define EOD_SECONDS_PER_DAY   86400

//  True for a leap year in the Gregorian calendar.
bool eod_date_is_leap (int year);

//  Days in month m (1..12) of year; 0 when m is out of range.
int eod_date_days_in_month (int year, int month);

//  True when y-m-d is a real calendar date with 1 <= y <= 9999.
bool eod_date_valid (int y, int m, int d);

//  Parses exactly "YYYY-MM-DD" or "YYYYMMDD" (no spaces, signs or extra text)
//  into *out. Returns 0, or -1 (and leaves *out untouched) when the text is
//  NULL, malformed, or not a real calendar date (2023-02-29, 2024-13-01).
int eod_date_parse (const char *text, eod_date_t *out);

//  Parses exactly "HH:MM" (00:00..23:59) into minutes of the day. 0, or -1.
int eod_time_parse_hhmm (const char *text, int *minute_of_day);

//  Writes "YYYY-MM-DD" into buf (size >= EOD_DATE_ISO_SIZE) and returns buf;
//  returns NULL when the buffer is too small or the date is invalid.
char *eod_date_format (eod_date_t date, char *buf, size_t size);

//  Writes "YYYYMMDD" into buf (size >= EOD_DATE_COMPACT_SIZE) and returns buf;
//  returns NULL when the buffer is too small or the date is invalid.
char *eod_date_format_compact (eod_date_t date, char *buf, size_t size);

//  Days since 1970-01-01 (negative before it). The date must be valid.
long eod_date_to_days (eod_date_t date);

//  The date of a day count from eod_date_to_days.
eod_date_t eod_date_from_days (long days);

//  Day of week: 0 = Sunday .. 6 = Saturday.
int eod_date_weekday (eod_date_t date);

//  True on Saturday and Sunday.
bool eod_date_is_weekend (eod_date_t date);

//  The date n days later (n may be negative).
eod_date_t eod_date_add_days (eod_date_t date, long n);

//  <0, 0, >0 as a is before, equal to, after b.
int eod_date_compare (eod_date_t a, eod_date_t b);

//  The n-th (1..5) given weekday (0 = Sunday) of a month, or with n = -1 the
//  last one. Returns 0, or -1 when that month has no such day.
int eod_date_nth_weekday (int year, int month, int weekday, int n, eod_date_t *out);

//  Western (Gregorian) Easter Sunday of a year.
eod_date_t eod_date_easter (int year);

//  UTC offset of the zone at an instant, in minutes (Seoul +540, New York -300
//  or -240).
int eod_tz_offset_minutes (eod_tz_t tz, time_t instant);

//  The zone's local date and minute of the day (0..1439) at an instant. Either
//  output may be NULL.
void eod_tz_local (eod_tz_t tz, time_t instant, eod_date_t *date, int *minute_of_day);

//  The instant of a local date and minute of day (0..1439) in a zone. A time
//  skipped by the spring DST change (02:00-02:59 in New York) is read with the
//  standard offset, i.e. it lands one hour later on the clock; a time repeated
//  in the autumn is read as the first (daylight) one. Returns 0, or -1 for an
//  invalid date or minute.
int eod_tz_epoch (eod_tz_t tz, eod_date_t date, int minute_of_day, time_t *out);

//  Parses an instant "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM"
//  (the EOD_NOW format). Returns 0, or -1 when malformed.
int eod_instant_parse (const char *text, time_t *out);

//  Current time. When the environment variable EOD_NOW holds an instant
//  (see eod_instant_parse), the clock starts there at the first call and
//  advances with real (monotonic) time. A malformed EOD_NOW is logged once as
//  an error and the real time is used. Thread-safe.
time_t eod_now (void);

//  Forgets the EOD_NOW state so the next eod_now () reads the environment
//  again. For tests; not meant to be called while other threads use the clock.
void eod_now_reset (void);

//  Today's date in a zone, by eod_now ().
eod_date_t eod_date_today (eod_tz_t tz);

#endif
