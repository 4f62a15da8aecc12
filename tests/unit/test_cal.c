/*  test_cal — unit tests of eod_cal against the shipped calendars in
    config/calendars: every XNYS rule and observance edge, the one-off
    closures, early closes, the XKRX table facts and hours, KIS chk-holiday
    answers, UNKNOWN outside what is known, latest closed session across
    zones, session enumeration, and strict loading of malformed files. */
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <time.h>

#include "eod_cal.h"
#include "eod_test.h"

#define S_CALENDAR_DIR EOD_SOURCE_DIR "/config/calendars"
#define S_HM(h, m) (60 * (h) + (m))

static eod_date_t
s_date (const char *text)
{
    eod_date_t date = {0, 0, 0};
    if (eod_date_parse (text, &date))
        fprintf (stderr, "test date %s did not parse\n", text);
    return date;
}

static time_t
s_instant (const char *text)
{
    time_t t = 0;
    if (eod_instant_parse (text, &t))
        fprintf (stderr, "test instant %s did not parse\n", text);
    return t;
}

static eod_cal_status_t
s_status (eod_cal_t *cal, eod_market_t market, const char *date)
{
    return eod_cal_status (cal, market, s_date (date));
}

//  "HH:MM-HH:MM" of a session, or "none".
static const char *
s_hours (eod_cal_t *cal, eod_market_t market, const char *date, char *buf, size_t size)
{
    int open_min, close_min;
    if (eod_cal_hours (cal, market, s_date (date), &open_min, &close_min))
        return "none";
    snprintf (buf, size, "%02d:%02d-%02d:%02d", open_min / 60, open_min % 60, close_min / 60, close_min % 60);
    return buf;
}

//  The latest closed session at an instant, or "unknown".
static const char *
s_latest (eod_cal_t *cal, eod_market_t market, const char *instant, char *buf, size_t size)
{
    eod_date_t date;
    if (eod_cal_latest_closed_session (cal, market, s_instant (instant), &date))
        return "unknown";
    return eod_date_format (date, buf, size);
}

static const char *
s_next (eod_cal_t *cal, eod_market_t market, const char *date, int step, char *buf, size_t size)
{
    eod_date_t out;
    int rc = step > 0 ? eod_cal_next_session (cal, market, s_date (date), &out)
                      : eod_cal_prev_session (cal, market, s_date (date), &out);
    return rc ? "unknown" : eod_date_format (out, buf, size);
}

static void
s_test_us_rules (eod_cal_t *cal)
{
    const eod_market_t us = EOD_MARKET_US;
    //  Regular holidays of 2024.
    const char *closed_2024[] = {"2024-01-01", "2024-01-15", "2024-02-19", "2024-03-29", "2024-05-27",
                                 "2024-06-19", "2024-07-04", "2024-09-02", "2024-11-28", "2024-12-25"};
    for (size_t i = 0; i < sizeof closed_2024 / sizeof closed_2024[0]; i++)
        CHECK_INT (s_status (cal, us, closed_2024[i]), EOD_CAL_CLOSED);
    //  New Year's Day: Sunday -> Monday; Saturday is not moved to Friday.
    CHECK_INT (s_status (cal, us, "2023-01-02"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, us, "2022-01-01"), EOD_CAL_CLOSED);   //  Saturday
    CHECK_INT (s_status (cal, us, "2021-12-31"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, us, "2022-01-03"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, us, "2010-12-31"), EOD_CAL_OPEN);     //  2011-01-01 Saturday
    CHECK_INT (s_status (cal, us, "2012-01-02"), EOD_CAL_CLOSED);   //  2012-01-01 Sunday
    //  Christmas: Saturday -> Friday, Sunday -> Monday.
    CHECK_INT (s_status (cal, us, "2021-12-24"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, us, "2022-12-26"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, us, "2027-12-24"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, us, "2022-12-23"), EOD_CAL_OPEN);
    //  Juneteenth from 2022, observed.
    CHECK_INT (s_status (cal, us, "2021-06-18"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, us, "2022-06-20"), EOD_CAL_CLOSED);   //  Sunday 19 -> Monday
    CHECK_INT (s_status (cal, us, "2023-06-19"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, us, "2027-06-18"), EOD_CAL_CLOSED);   //  Saturday 19 -> Friday
    CHECK_INT (s_status (cal, us, "2020-06-19"), EOD_CAL_OPEN);
    //  Independence Day observed.
    CHECK_INT (s_status (cal, us, "2026-07-03"), EOD_CAL_CLOSED);   //  Saturday 4 -> Friday
    CHECK_INT (s_status (cal, us, "2021-07-05"), EOD_CAL_CLOSED);   //  Sunday 4 -> Monday
    CHECK_INT (s_status (cal, us, "2021-07-02"), EOD_CAL_OPEN);
    //  Good Friday from the computus; Thanksgiving the 4th Thursday.
    CHECK_INT (s_status (cal, us, "2025-04-18"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, us, "2000-04-21"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, us, "2024-03-28"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, us, "2026-11-26"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, us, "2026-11-19"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, us, "2000-01-17"), EOD_CAL_CLOSED);   //  MLK Day 2000
    CHECK_INT (s_status (cal, us, "2024-05-20"), EOD_CAL_OPEN);     //  not the last Monday
    CHECK_STR (eod_cal_closed_reason (cal, us, s_date ("2026-11-26")), "Thanksgiving Day");
    CHECK_STR (eod_cal_closed_reason (cal, us, s_date ("2024-03-29")), "Good Friday");
    CHECK_STR (eod_cal_closed_reason (cal, us, s_date ("2024-03-30")), "weekend");
    CHECK (eod_cal_closed_reason (cal, us, s_date ("2024-03-28")) == NULL);

    //  One-off closures from XNYS_closures.csv.
    const char *one_offs[] = {"2001-09-11", "2001-09-12", "2001-09-13", "2001-09-14", "2004-06-11",
                              "2007-01-02", "2012-10-29", "2012-10-30", "2018-12-05", "2025-01-09"};
    for (size_t i = 0; i < sizeof one_offs / sizeof one_offs[0]; i++)
        CHECK_INT (s_status (cal, us, one_offs[i]), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, us, "2001-09-10"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, us, "2001-09-17"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, us, "2012-10-31"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, us, "2025-01-10"), EOD_CAL_OPEN);
    CHECK_STR (eod_cal_closed_reason (cal, us, s_date ("2012-10-29")), "Hurricane Sandy");

    //  Known range: 2000-2099.
    CHECK_INT (s_status (cal, us, "1999-12-31"), EOD_CAL_UNKNOWN);
    CHECK_INT (s_status (cal, us, "2000-01-03"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, us, "2099-12-31"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, us, "2100-01-04"), EOD_CAL_UNKNOWN);
    CHECK_INT (eod_cal_status (cal, us, (eod_date_t){2024, 2, 30}), EOD_CAL_UNKNOWN);
}

static void
s_test_us_hours (eod_cal_t *cal)
{
    const eod_market_t us = EOD_MARKET_US;
    char buf[32];
    CHECK_STR (s_hours (cal, us, "2024-06-03", buf, sizeof buf), "09:30-16:00");
    CHECK_STR (s_hours (cal, us, "2025-07-03", buf, sizeof buf), "09:30-13:00");   //  Thursday
    CHECK_STR (s_hours (cal, us, "2024-07-03", buf, sizeof buf), "09:30-13:00");   //  Wednesday
    CHECK_STR (s_hours (cal, us, "2023-07-03", buf, sizeof buf), "09:30-13:00");   //  Monday
    CHECK_STR (s_hours (cal, us, "2026-07-03", buf, sizeof buf), "none");          //  Friday: holiday
    CHECK_STR (s_hours (cal, us, "2026-07-02", buf, sizeof buf), "09:30-16:00");
    CHECK_STR (s_hours (cal, us, "2027-07-02", buf, sizeof buf), "09:30-16:00");   //  Friday before Mon 5
    CHECK_STR (s_hours (cal, us, "2024-11-29", buf, sizeof buf), "09:30-13:00");
    CHECK_STR (s_hours (cal, us, "2026-11-27", buf, sizeof buf), "09:30-13:00");
    CHECK_STR (s_hours (cal, us, "2024-12-24", buf, sizeof buf), "09:30-13:00");   //  Tuesday
    CHECK_STR (s_hours (cal, us, "2020-12-24", buf, sizeof buf), "09:30-13:00");   //  Thursday
    CHECK_STR (s_hours (cal, us, "2021-12-24", buf, sizeof buf), "none");          //  Friday: Christmas
    CHECK_STR (s_hours (cal, us, "2024-12-23", buf, sizeof buf), "09:30-16:00");
    CHECK_STR (s_hours (cal, us, "2026-11-26", buf, sizeof buf), "none");
    CHECK_STR (s_hours (cal, us, "1999-12-30", buf, sizeof buf), "none");
}

static void
s_test_kr (eod_cal_t *cal)
{
    const eod_market_t kr = EOD_MARKET_KR;
    char buf[32];
    CHECK_INT (s_status (cal, kr, "2024-09-13"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, kr, "2024-09-16"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, kr, "2024-09-17"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, kr, "2024-09-18"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, kr, "2024-09-19"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, kr, "2024-12-31"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, kr, "2024-12-30"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, kr, "2024-12-28"), EOD_CAL_CLOSED);   //  Saturday
    CHECK_STR (eod_cal_closed_reason (cal, kr, s_date ("2024-09-17")), "Chuseok");
    CHECK_STR (eod_cal_closed_reason (cal, kr, s_date ("2024-12-28")), "weekend");
    //  Hours: 15:00 close until 2016-07-29, 15:30 from 2016-08-01, special days.
    CHECK_STR (s_hours (cal, kr, "2016-07-29", buf, sizeof buf), "09:00-15:00");
    CHECK_STR (s_hours (cal, kr, "2016-08-01", buf, sizeof buf), "09:00-15:30");
    CHECK_STR (s_hours (cal, kr, "2026-01-02", buf, sizeof buf), "10:00-15:30");
    CHECK_STR (s_hours (cal, kr, "2016-01-04", buf, sizeof buf), "10:00-15:00");
    CHECK_STR (s_hours (cal, kr, "2024-11-14", buf, sizeof buf), "10:00-16:30");   //  CSAT
    CHECK_STR (s_hours (cal, kr, "2024-09-17", buf, sizeof buf), "none");
    //  The table's whole years: 2015-2027.
    eod_date_t first, last;
    eod_cal_known_range (cal, kr, &first, &last);
    CHECK_STR (eod_date_format (first, buf, sizeof buf), "2015-01-01");
    CHECK_STR (eod_date_format (last, buf, sizeof buf), "2027-12-31");
    CHECK_INT (s_status (cal, kr, "2014-12-31"), EOD_CAL_UNKNOWN);
    CHECK_INT (s_status (cal, kr, "2015-01-02"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, kr, "2027-12-30"), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, kr, "2027-12-31"), EOD_CAL_CLOSED);
    CHECK_INT (s_status (cal, kr, "2028-01-03"), EOD_CAL_UNKNOWN);
    CHECK_INT (s_status (cal, kr, "2030-01-02"), EOD_CAL_UNKNOWN);
    CHECK_STR (s_next (cal, kr, "2027-12-30", 1, buf, sizeof buf), "unknown");
    CHECK_STR (s_next (cal, kr, "2015-01-02", -1, buf, sizeof buf), "unknown");
    CHECK_STR (s_next (cal, kr, "2024-09-13", 1, buf, sizeof buf), "2024-09-19");
    CHECK_STR (s_next (cal, kr, "2024-09-19", -1, buf, sizeof buf), "2024-09-13");
}

static void
s_test_kr_answers (void)
{
    const eod_market_t kr = EOD_MARKET_KR;
    char buf[32];
    eod_cal_t *cal = eod_cal_new (S_CALENDAR_DIR);
    CHECK (cal != NULL);
    if (!cal)
        return;
    //  Answers extend the table past 2027 ...
    CHECK_INT (eod_cal_add_kr_status (cal, s_date ("2028-01-03"), true), 0);
    CHECK_INT (s_status (cal, kr, "2028-01-03"), EOD_CAL_OPEN);
    CHECK_STR (s_hours (cal, kr, "2028-01-03", buf, sizeof buf), "09:00-15:30");
    CHECK_STR (s_next (cal, kr, "2027-12-30", 1, buf, sizeof buf), "unknown");   //  01-01 unknown
    CHECK_INT (eod_cal_add_kr_status (cal, s_date ("2028-01-02"), false), 0);
    CHECK_INT (eod_cal_add_kr_status (cal, s_date ("2028-01-01"), false), 0);
    CHECK_STR (s_next (cal, kr, "2027-12-30", 1, buf, sizeof buf), "2028-01-03");
    CHECK_STR (eod_cal_closed_reason (cal, kr, s_date ("2028-01-01")), "weekend");
    //  ... and override it (a later answer for the same date wins).
    CHECK_INT (eod_cal_add_kr_status (cal, s_date ("2024-12-31"), true), 0);
    CHECK_INT (s_status (cal, kr, "2024-12-31"), EOD_CAL_OPEN);
    CHECK_INT (eod_cal_add_kr_status (cal, s_date ("2024-12-31"), false), 0);
    CHECK_INT (s_status (cal, kr, "2024-12-31"), EOD_CAL_CLOSED);
    CHECK_STR (eod_cal_closed_reason (cal, kr, s_date ("2024-12-31")), "Year-end closing day (KRX market holiday)");
    CHECK_INT (eod_cal_add_kr_status (cal, s_date ("2026-11-19"), false), 0);
    CHECK_STR (s_hours (cal, kr, "2026-11-19", buf, sizeof buf), "none");
    CHECK_STR (eod_cal_closed_reason (cal, kr, s_date ("2026-11-19")), "closed (KIS chk-holiday)");
    CHECK_INT (eod_cal_add_kr_status (cal, (eod_date_t){2028, 2, 30}, true), -1);
    //  Answers inserted out of order are all found.
    const char *scattered[] = {"2029-05-07", "2028-06-01", "2029-01-02", "2028-03-02"};
    for (size_t i = 0; i < sizeof scattered / sizeof scattered[0]; i++)
        CHECK_INT (eod_cal_add_kr_status (cal, s_date (scattered[i]), true), 0);
    for (size_t i = 0; i < sizeof scattered / sizeof scattered[0]; i++)
        CHECK_INT (s_status (cal, kr, scattered[i]), EOD_CAL_OPEN);
    CHECK_INT (s_status (cal, kr, "2028-06-02"), EOD_CAL_UNKNOWN);
    CHECK_INT (s_status (cal, EOD_MARKET_US, "2028-06-02"), EOD_CAL_OPEN);
    eod_cal_destroy (&cal);
    CHECK (cal == NULL);
    eod_cal_destroy (&cal);
}

static void
s_test_latest (eod_cal_t *cal)
{
    char buf[32];
    const eod_market_t kr = EOD_MARKET_KR, us = EOD_MARKET_US;
    //  05:59 KST on 11-27 is 15:59 EST on Thanksgiving 11-26 (closed): US 11-25.
    CHECK_STR (s_latest (cal, us, "2026-11-27T05:59:00+09:00", buf, sizeof buf), "2026-11-25");
    CHECK_STR (s_latest (cal, kr, "2026-11-27T05:59:00+09:00", buf, sizeof buf), "2026-11-26");
    //  KR: the session closes at 15:30 KST.
    CHECK_STR (s_latest (cal, kr, "2026-11-26T15:29:00+09:00", buf, sizeof buf), "2026-11-25");
    CHECK_STR (s_latest (cal, kr, "2026-11-26T15:30:00+09:00", buf, sizeof buf), "2026-11-26");
    CHECK_STR (s_latest (cal, kr, "2026-11-26T15:31:00+09:00", buf, sizeof buf), "2026-11-26");
    CHECK_STR (s_latest (cal, kr, "2026-11-26T06:31:00Z", buf, sizeof buf), "2026-11-26");
    CHECK_STR (s_latest (cal, kr, "2016-07-29T15:01:00+09:00", buf, sizeof buf), "2016-07-29");
    CHECK_STR (s_latest (cal, kr, "2024-11-14T16:00:00+09:00", buf, sizeof buf), "2024-11-13");   //  CSAT
    CHECK_STR (s_latest (cal, kr, "2026-11-28T12:00:00+09:00", buf, sizeof buf), "2026-11-27");   //  Saturday
    CHECK_STR (s_latest (cal, kr, "2024-09-18T20:00:00+09:00", buf, sizeof buf), "2024-09-13");   //  Chuseok
    //  US: the early close at 13:00 New York time.
    CHECK_STR (s_latest (cal, us, "2026-11-27T12:59:59-05:00", buf, sizeof buf), "2026-11-25");
    CHECK_STR (s_latest (cal, us, "2026-11-27T13:00:00-05:00", buf, sizeof buf), "2026-11-27");
    //  US in summer: 16:00 EDT is 20:00Z.
    CHECK_STR (s_latest (cal, us, "2024-07-01T19:59:59Z", buf, sizeof buf), "2024-06-28");
    CHECK_STR (s_latest (cal, us, "2024-07-01T20:00:00Z", buf, sizeof buf), "2024-07-01");
    //  Just after midnight in New York, the previous evening's session.
    CHECK_STR (s_latest (cal, us, "2024-07-02T04:30:00Z", buf, sizeof buf), "2024-07-01");
    //  Outside what is known.
    CHECK_STR (s_latest (cal, kr, "2028-01-04T18:00:00+09:00", buf, sizeof buf), "unknown");
    CHECK_STR (s_latest (cal, us, "2000-01-03T12:00:00-05:00", buf, sizeof buf), "unknown");
    CHECK_STR (s_latest (cal, us, "2000-01-03T16:00:00-05:00", buf, sizeof buf), "2000-01-03");

    //  The machine's TZ changes nothing.
    const char *old_tz = getenv ("TZ");
    setenv ("TZ", "Pacific/Kiritimati", 1);
    tzset ();
    CHECK_STR (s_latest (cal, us, "2026-11-27T05:59:00+09:00", buf, sizeof buf), "2026-11-25");
    CHECK_STR (s_latest (cal, kr, "2026-11-26T15:31:00+09:00", buf, sizeof buf), "2026-11-26");
    if (old_tz)
        setenv ("TZ", old_tz, 1);
    else
        unsetenv ("TZ");
    tzset ();
}

typedef struct {
    int count;
    int stop_after;
    char first[EOD_DATE_ISO_SIZE];
    char last[EOD_DATE_ISO_SIZE];
    int last_close;
} s_collect_t;

static int
s_collect (eod_date_t date, int open_min, int close_min, void *arg)
{
    s_collect_t *collect = (s_collect_t *) arg;
    if (collect->count == 0)
        eod_date_format (date, collect->first, sizeof collect->first);
    eod_date_format (date, collect->last, sizeof collect->last);
    collect->last_close = close_min;
    collect->count++;
    if (collect->stop_after && collect->count >= collect->stop_after)
        return -1;
    return 0;
}

static void
s_test_sessions (eod_cal_t *cal)
{
    const eod_market_t kr = EOD_MARKET_KR, us = EOD_MARKET_US;
    s_collect_t collect = {0};
    //  NYSE had 252 sessions in 2024 and 250 in 2023.
    CHECK_INT (eod_cal_sessions (cal, us, s_date ("2024-01-01"), s_date ("2024-12-31"), s_collect, &collect), 252);
    CHECK_INT (collect.count, 252);
    CHECK_STR (collect.first, "2024-01-02");
    CHECK_STR (collect.last, "2024-12-31");
    collect = (s_collect_t){0};
    CHECK_INT (eod_cal_sessions (cal, us, s_date ("2023-01-01"), s_date ("2023-12-31"), s_collect, &collect), 250);
    //  Chuseok 2024 week on KRX.
    collect = (s_collect_t){0};
    CHECK_INT (eod_cal_sessions (cal, kr, s_date ("2024-09-13"), s_date ("2024-09-20"), s_collect, &collect), 3);
    CHECK_STR (collect.first, "2024-09-13");
    CHECK_STR (collect.last, "2024-09-20");
    CHECK_INT (collect.last_close, S_HM (15, 30));
    //  Empty and reversed ranges.
    collect = (s_collect_t){0};
    CHECK_INT (eod_cal_sessions (cal, kr, s_date ("2024-09-16"), s_date ("2024-09-18"), s_collect, &collect), 0);
    CHECK_INT (eod_cal_sessions (cal, kr, s_date ("2024-09-20"), s_date ("2024-09-13"), s_collect, &collect), 0);
    CHECK_INT (collect.count, 0);
    //  A range reaching UNKNOWN fails before any callback.
    CHECK_INT (eod_cal_sessions (cal, kr, s_date ("2027-12-28"), s_date ("2028-01-05"), s_collect, &collect), -1);
    CHECK_INT (eod_cal_sessions (cal, us, s_date ("1999-12-30"), s_date ("2000-01-05"), s_collect, &collect), -1);
    CHECK_INT (collect.count, 0);
    //  A callback can stop the enumeration.
    collect = (s_collect_t){0};
    collect.stop_after = 2;
    CHECK_INT (eod_cal_sessions (cal, us, s_date ("2024-01-01"), s_date ("2024-12-31"), s_collect, &collect), -1);
    CHECK_INT (collect.count, 2);
    CHECK_STR (collect.last, "2024-01-03");

    char buf[32];
    CHECK_STR (s_next (cal, us, "2026-11-25", 1, buf, sizeof buf), "2026-11-27");
    CHECK_STR (s_next (cal, us, "2026-11-27", -1, buf, sizeof buf), "2026-11-25");
    CHECK_STR (s_next (cal, us, "2025-01-08", 1, buf, sizeof buf), "2025-01-10");
    CHECK_STR (s_next (cal, us, "2000-01-03", -1, buf, sizeof buf), "unknown");
    CHECK_STR (s_next (cal, us, "2099-12-31", 1, buf, sizeof buf), "unknown");
}

//  Writes a file in dir; returns 0 or -1.
static int
s_write (const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    FILE *file = fopen (path, "w");
    if (!file)
        return -1;
    fputs (text, file);
    return fclose (file);
}

static void
s_remove (const char *dir)
{
    const char *names[] = {"XKRX_closed.csv", "XKRX_special_hours.csv", "XNYS_closures.csv"};
    char path[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf (path, sizeof path, "%s/%s", dir, names[i]);
        unlink (path);
    }
    rmdir (dir);
}

static const char *s_good_closed = "# comment\r\n2020-01-01,New Year's Day\r\n\r\n2021-02-12,Seollal\n";
static const char *s_good_special = "2020-01-02,10:00,15:30,First trading day, opening\n";
static const char *s_good_us = "2001-09-11,Attacks, closed\n";

//  Loads a calendar from the three texts; when expect is set the load must
//  fail and the log must name it (e.g. "XKRX_closed.csv:2:").
static void
s_load_case (const char *closed, const char *special, const char *us, const char *expect)
{
    char dir[] = "/tmp/test_cal.XXXXXX";
    CHECK (mkdtemp (dir) != NULL);
    CHECK_INT (s_write (dir, "XKRX_closed.csv", closed), 0);
    CHECK_INT (s_write (dir, "XKRX_special_hours.csv", special), 0);
    if (us)
        CHECK_INT (s_write (dir, "XNYS_closures.csv", us), 0);

    //  Capture the log (stderr) in a file while loading.
    char log_path[600];
    snprintf (log_path, sizeof log_path, "%s.log", dir);
    fflush (stderr);
    int saved = dup (2);
    int log_fd = open (log_path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    dup2 (log_fd, 2);
    close (log_fd);
    eod_cal_t *cal = eod_cal_new (dir);
    fflush (stderr);
    dup2 (saved, 2);
    close (saved);
    char log[2048] = "";
    FILE *file = fopen (log_path, "r");
    if (file) {
        size_t n = fread (log, 1, sizeof log - 1, file);
        log[n] = 0;
        fclose (file);
    }
    unlink (log_path);

    if (expect) {
        CHECK (cal == NULL);
        CHECK (strstr (log, expect) != NULL);
        if (!strstr (log, expect))
            fprintf (stderr, "  expected \"%s\" in log: %s\n", expect, log);
    }
    else {
        CHECK (cal != NULL);
        if (cal) {
            char buf[EOD_DATE_ISO_SIZE];
            eod_date_t first, last;
            eod_cal_known_range (cal, EOD_MARKET_KR, &first, &last);
            CHECK_STR (eod_date_format (first, buf, sizeof buf), "2020-01-01");
            CHECK_STR (eod_date_format (last, buf, sizeof buf), "2021-12-31");
            CHECK_INT (s_status (cal, EOD_MARKET_KR, "2021-02-12"), EOD_CAL_CLOSED);
            CHECK_STR (eod_cal_closed_reason (cal, EOD_MARKET_KR, s_date ("2020-01-01")), "New Year's Day");
            CHECK_INT (s_status (cal, EOD_MARKET_KR, "2022-01-03"), EOD_CAL_UNKNOWN);
            char hours[32];
            CHECK_STR (s_hours (cal, EOD_MARKET_KR, "2020-01-02", hours, sizeof hours), "10:00-15:30");
            CHECK_STR (eod_cal_closed_reason (cal, EOD_MARKET_US, s_date ("2001-09-11")), "Attacks, closed");
        }
        eod_cal_destroy (&cal);
    }
    s_remove (dir);
}

static void
s_test_loading (void)
{
    s_load_case (s_good_closed, s_good_special, s_good_us, NULL);
    s_load_case ("2020-01-01,x\n2020-13-01,bad month\n", s_good_special, s_good_us, "XKRX_closed.csv:2:");
    s_load_case ("2020-01-01,x\n20200102,compact\n", s_good_special, s_good_us, "XKRX_closed.csv:2:");
    s_load_case ("2020-01-01\n", s_good_special, s_good_us, "XKRX_closed.csv:1:");
    s_load_case ("2020-01-01,\n", s_good_special, s_good_us, "XKRX_closed.csv:1:");
    s_load_case ("2020-01-01,x\n2020-01-01,again\n", s_good_special, s_good_us, "listed twice");
    s_load_case ("# nothing\n", s_good_special, s_good_us, "no closed days");
    s_load_case (s_good_closed, "2020-01-02,10:00,25:00,x\n", s_good_us, "XKRX_special_hours.csv:1:");
    s_load_case (s_good_closed, "2020-01-02,10:00,15:30\n", s_good_us, "XKRX_special_hours.csv:1:");
    s_load_case (s_good_closed, "2020-01-02,16:00,15:30,x\n", s_good_us, "XKRX_special_hours.csv:1:");
    s_load_case (s_good_closed, "\n2020-01-01,10:00,15:30,closed day\n", s_good_us, "XKRX_special_hours.csv:2:");
    s_load_case (s_good_closed, "2022-01-03,10:00,15:30,after the table\n", s_good_us, "XKRX_special_hours.csv:1:");
    s_load_case (s_good_closed, "2020-01-04,10:00,15:30,Saturday\n", s_good_us, "XKRX_special_hours.csv:1:");
    s_load_case (s_good_closed, s_good_special, "1999-12-31,before 2000\n", "outside");
    s_load_case (s_good_closed, s_good_special, "2001-09-11,x\n2001-9-12,x\n", "XNYS_closures.csv:2:");
    s_load_case (s_good_closed, s_good_special, NULL, "XNYS_closures.csv: cannot open");
    CHECK (eod_cal_new ("/nonexistent/calendars") == NULL);
}

int
main (void)
{
    eod_market_t market = EOD_MARKET_US;
    CHECK_INT (eod_market_parse ("kr", &market), 0);
    CHECK_INT (market, EOD_MARKET_KR);
    CHECK_INT (eod_market_parse ("US", &market), 0);
    CHECK_INT (market, EOD_MARKET_US);
    CHECK_INT (eod_market_parse ("jp", &market), -1);
    CHECK_INT (eod_market_parse (NULL, &market), -1);
    CHECK_STR (eod_market_name (EOD_MARKET_KR), "kr");
    CHECK_INT (eod_market_tz (EOD_MARKET_US), EOD_TZ_NEW_YORK);

    eod_cal_t *cal = eod_cal_new (S_CALENDAR_DIR);
    CHECK (cal != NULL);
    if (cal) {
        s_test_us_rules (cal);
        s_test_us_hours (cal);
        s_test_kr (cal);
        s_test_latest (cal);
        s_test_sessions (cal);
        eod_cal_destroy (&cal);
    }
    s_test_kr_answers ();
    s_test_loading ();
    return EOD_TEST_DONE ();
}
