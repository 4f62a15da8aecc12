/*  test_schedule — the calendar service's due times and its record of the
    weekdays it handled (stages/calendar/schedule.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eod_test.h"
#include "schedule.h"

static time_t
s_instant (const char *text)
{
    time_t t = 0;
    if (eod_instant_parse (text, &t))
        abort ();
    return t;
}

static const char *
s_day (eod_date_t date, char *buf)
{
    return eod_date_format (date, buf, 11);
}

int
main (void)
{
    char day[11];
    int kr = 0, us = 0;
    CHECK_INT (schedule_parse_time ("18:00", &kr), 0);
    CHECK_INT (kr, 18 * 60);
    CHECK_INT (schedule_parse_time ("07:30", &us), 0);
    CHECK_INT (us, 7 * 60 + 30);
    int bad = -1;
    CHECK_INT (schedule_parse_time ("24:00", &bad), -1);
    CHECK_INT (schedule_parse_time ("7:30", &bad), -1);
    CHECK_INT (schedule_parse_time ("07:60", &bad), -1);
    CHECK_INT (schedule_parse_time ("07-30", &bad), -1);
    CHECK_INT (schedule_parse_time ("", &bad), -1);
    CHECK_INT (bad, -1);

    //  Due times: KR on the day at 18:00 Seoul; US the next Seoul morning.
    eod_date_t mon = {2024, 9, 2}, fri = {2024, 8, 30};
    time_t due;
    CHECK_INT (schedule_due_at (EOD_MARKET_KR, mon, kr, &due), 0);
    CHECK (due == s_instant ("2024-09-02T18:00:00+09:00"));
    CHECK_INT (schedule_due_at (EOD_MARKET_US, fri, us, &due), 0);
    CHECK (due == s_instant ("2024-08-31T07:30:00+09:00"));
    CHECK_INT (schedule_due_at (EOD_MARKET_KR, mon, 24 * 60, &due), -1);

    //  The latest due weekday.
    CHECK_STR (s_day (schedule_latest_due (EOD_MARKET_KR, s_instant ("2024-09-02T17:59:59+09:00"), kr), day),
               "2024-08-30");   //  Monday before 18:00: Friday
    CHECK_STR (s_day (schedule_latest_due (EOD_MARKET_KR, s_instant ("2024-09-02T18:00:00+09:00"), kr), day),
               "2024-09-02");
    CHECK_STR (s_day (schedule_latest_due (EOD_MARKET_KR, s_instant ("2024-09-01T12:00:00+09:00"), kr), day),
               "2024-08-30");   //  Sunday: Friday
    CHECK_STR (s_day (schedule_latest_due (EOD_MARKET_US, s_instant ("2024-08-31T07:29:59+09:00"), us), day),
               "2024-08-29");   //  Saturday before 07:30: Thursday's session
    CHECK_STR (s_day (schedule_latest_due (EOD_MARKET_US, s_instant ("2024-08-31T07:30:00+09:00"), us), day),
               "2024-08-30");
    CHECK_STR (s_day (schedule_latest_due (EOD_MARKET_US, s_instant ("2024-09-02T18:00:00+09:00"), us), day),
               "2024-08-30");   //  Monday evening in Seoul: Monday's New York session is not over
    CHECK_STR (s_day (schedule_latest_due (EOD_MARKET_US, s_instant ("2024-09-03T07:30:00+09:00"), us), day),
               "2024-09-02");   //  Labor Day: a weekday, the gate finds it closed
    //  The Seoul date matters, not UTC's: 2024-09-02T09:30Z is 18:30 in Seoul.
    CHECK_STR (s_day (schedule_latest_due (EOD_MARKET_KR, s_instant ("2024-09-02T09:30:00Z"), kr), day), "2024-09-02");

    //  The record: at most once, across a reopen, a torn line and garbage.
    char dir[] = "/tmp/eod-test-schedule.XXXXXX";
    CHECK (mkdtemp (dir) != NULL);
    char path[256];
    snprintf (path, sizeof path, "%s/calendar/fired", dir);
    schedule_t *s = schedule_open (path);
    CHECK (s != NULL);
    if (!s)
        return EOD_TEST_DONE ();
    CHECK (!schedule_fired (s, EOD_MARKET_KR, mon));
    CHECK_INT (schedule_mark (s, EOD_MARKET_KR, mon, s_instant ("2024-09-02T18:00:01+09:00")), 0);
    CHECK (schedule_fired (s, EOD_MARKET_KR, mon));
    CHECK (!schedule_fired (s, EOD_MARKET_US, mon));
    schedule_destroy (&s);
    CHECK (s == NULL);
    //  A crash mid-write leaves a partial line; and someone's garbage.
    FILE *f = fopen (path, "a");
    CHECK (f != NULL);
    if (f) {
        fputs ("nonsense here\nus 2024-0", f);
        fclose (f);
    }
    s = schedule_open (path);
    CHECK (s != NULL);
    if (!s)
        return EOD_TEST_DONE ();
    CHECK (schedule_fired (s, EOD_MARKET_KR, mon));
    CHECK (!schedule_fired (s, EOD_MARKET_US, fri));
    CHECK_INT (schedule_mark (s, EOD_MARKET_US, fri, s_instant ("2024-08-31T07:30:02+09:00")), 0);
    schedule_destroy (&s);
    s = schedule_open (path);
    CHECK (s != NULL);
    if (s) {
        CHECK (schedule_fired (s, EOD_MARKET_US, fri));   //  written on a line of its own
        CHECK (schedule_fired (s, EOD_MARKET_KR, mon));
        CHECK (!schedule_fired (s, EOD_MARKET_KR, fri));
        schedule_destroy (&s);
    }
    //  A directory that cannot be made is an error, not a crash.
    CHECK (schedule_open ("/proc/eod-no/calendar/fired") == NULL);
    unlink (path);
    snprintf (path, sizeof path, "%s/calendar", dir);
    rmdir (path);
    rmdir (dir);
    return EOD_TEST_DONE ();
}
