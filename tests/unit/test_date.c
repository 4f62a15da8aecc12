/*  test_date — unit tests of eod_date: strict parsing, formatting, day
    arithmetic across leap years, weekdays, the New York DST switches (2007
    and 1987-2006 rules), local time <-> instant, and the EOD_NOW clock. */
#include <stdlib.h>
#include <time.h>

#include "eod_date.h"
#include "eod_test.h"

//  Parses text or returns an impossible date, so a failed parse shows in CHECKs.
static eod_date_t
s_date (const char *text)
{
    eod_date_t date = {0, 0, 0};
    if (eod_date_parse (text, &date))
        fprintf (stderr, "test date %s did not parse\n", text);
    return date;
}

static const char *
s_iso (eod_date_t date, char *buf, size_t size)
{
    const char *text = eod_date_format (date, buf, size);
    return text ? text : "(invalid)";
}

static void
s_test_parse (void)
{
    eod_date_t date = {1, 2, 3};
    CHECK_INT (eod_date_parse ("2024-02-29", &date), 0);
    CHECK (date.y == 2024 && date.m == 2 && date.d == 29);
    CHECK_INT (eod_date_parse ("20261126", &date), 0);
    CHECK (date.y == 2026 && date.m == 11 && date.d == 26);
    CHECK_INT (eod_date_parse ("2000-02-29", &date), 0);
    CHECK_INT (eod_date_parse ("0001-01-01", &date), 0);
    CHECK_INT (eod_date_parse ("9999-12-31", &date), 0);

    const char *invalid[] = {"2023-02-29",  "1900-02-29",  "21000229",   "2024-13-01", "2024-00-10",
                             "2024-01-00",  "2024-04-31",  "2024-1-01",  "2024-01-1",  "2024/01/01",
                             " 2024-01-01", "2024-01-01 ", "202401011",  "2024011",    "2024-01-0a",
                             "+024-01-01",  "2024-0101",   "0000-01-01", "",           "2024-01-01T00:00:00Z",
                             "２０２４0101"};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        date = (eod_date_t){7, 7, 7};
        int rc = eod_date_parse (invalid[i], &date);
        CHECK_INT (rc, -1);
        if (rc == 0)
            fprintf (stderr, "  accepted \"%s\"\n", invalid[i]);
        CHECK (date.y == 7 && date.m == 7 && date.d == 7);   //  untouched
    }
    CHECK_INT (eod_date_parse (NULL, &date), -1);
    CHECK (eod_date_valid (2024, 2, 29));
    CHECK (!eod_date_valid (2023, 2, 29));
    CHECK (!eod_date_valid (2024, 6, 31));
    CHECK_INT (eod_date_days_in_month (2024, 2), 29);
    CHECK_INT (eod_date_days_in_month (2100, 2), 28);
    CHECK_INT (eod_date_days_in_month (2024, 13), 0);
}

static void
s_test_format (void)
{
    char buf[EOD_DATE_ISO_SIZE];
    char small[EOD_DATE_COMPACT_SIZE];
    eod_date_t date = {2026, 1, 2};
    CHECK_STR (eod_date_format (date, buf, sizeof buf), "2026-01-02");
    CHECK_STR (eod_date_format_compact (date, small, sizeof small), "20260102");
    CHECK (eod_date_format (date, small, sizeof small) == NULL);   //  too small
    CHECK (eod_date_format_compact (date, small, sizeof small - 1) == NULL);
    CHECK (eod_date_format ((eod_date_t){2023, 2, 29}, buf, sizeof buf) == NULL);
    //  Round trip through both spellings.
    eod_date_t back;
    CHECK_INT (eod_date_parse (eod_date_format_compact (date, small, sizeof small), &back), 0);
    CHECK_INT (eod_date_compare (back, date), 0);
    CHECK_STR (eod_date_format ((eod_date_t){987, 6, 5}, buf, sizeof buf), "0987-06-05");
}

static void
s_test_days (void)
{
    char buf[EOD_DATE_ISO_SIZE];
    CHECK_INT (eod_date_to_days (s_date ("1970-01-01")), 0);
    CHECK_INT (eod_date_to_days (s_date ("1969-12-31")), -1);
    CHECK_INT (eod_date_to_days (s_date ("2024-02-29")), 19782);   //  1709164800 / 86400
    CHECK_INT (eod_date_to_days (s_date ("2000-03-01")), 11017);
    CHECK_INT (eod_date_to_days (s_date ("0001-01-01")), -719162);
    CHECK_STR (s_iso (eod_date_from_days (19782), buf, sizeof buf), "2024-02-29");
    CHECK_STR (s_iso (eod_date_from_days (-1), buf, sizeof buf), "1969-12-31");

    //  Every day from 1899 to 2101 round-trips and follows its predecessor.
    long first = eod_date_to_days (s_date ("1899-01-01"));
    long last = eod_date_to_days (s_date ("2101-12-31"));
    eod_date_t previous = eod_date_from_days (first - 1);
    int bad = 0;
    for (long day = first; day <= last; day++) {
        eod_date_t date = eod_date_from_days (day);
        if (!eod_date_valid (date.y, date.m, date.d) || eod_date_to_days (date) != day
            || eod_date_compare (previous, date) >= 0)
            bad++;
        previous = date;
    }
    CHECK_INT (bad, 0);

    CHECK_STR (s_iso (eod_date_add_days (s_date ("2024-02-28"), 1), buf, sizeof buf), "2024-02-29");
    CHECK_STR (s_iso (eod_date_add_days (s_date ("2024-02-28"), 2), buf, sizeof buf), "2024-03-01");
    CHECK_STR (s_iso (eod_date_add_days (s_date ("2023-02-28"), 1), buf, sizeof buf), "2023-03-01");
    CHECK_STR (s_iso (eod_date_add_days (s_date ("2100-02-28"), 1), buf, sizeof buf), "2100-03-01");
    CHECK_STR (s_iso (eod_date_add_days (s_date ("2000-02-28"), 1), buf, sizeof buf), "2000-02-29");
    CHECK_STR (s_iso (eod_date_add_days (s_date ("2023-12-31"), 366), buf, sizeof buf), "2024-12-31");
    CHECK_STR (s_iso (eod_date_add_days (s_date ("2024-03-01"), -1), buf, sizeof buf), "2024-02-29");
    CHECK_STR (s_iso (eod_date_add_days (s_date ("2025-01-01"), -367), buf, sizeof buf), "2023-12-31");

    CHECK (eod_date_compare (s_date ("2024-01-31"), s_date ("2024-02-01")) < 0);
    CHECK (eod_date_compare (s_date ("2025-01-01"), s_date ("2024-12-31")) > 0);
    CHECK_INT (eod_date_compare (s_date ("20240101"), s_date ("2024-01-01")), 0);
}

static void
s_test_weekday (void)
{
    char buf[EOD_DATE_ISO_SIZE];
    CHECK_INT (eod_date_weekday (s_date ("1970-01-01")), 4);   //  Thursday
    CHECK_INT (eod_date_weekday (s_date ("1969-12-28")), 0);   //  Sunday
    CHECK_INT (eod_date_weekday (s_date ("2000-01-01")), 6);   //  Saturday
    CHECK_INT (eod_date_weekday (s_date ("2024-03-10")), 0);
    CHECK_INT (eod_date_weekday (s_date ("2026-11-26")), 4);
    CHECK_INT (eod_date_weekday (s_date ("2024-02-29")), 4);
    CHECK (eod_date_is_weekend (s_date ("2022-01-01")));
    CHECK (!eod_date_is_weekend (s_date ("2021-12-31")));

    eod_date_t date;
    CHECK_INT (eod_date_nth_weekday (2024, 3, 0, 2, &date), 0);
    CHECK_STR (s_iso (date, buf, sizeof buf), "2024-03-10");
    CHECK_INT (eod_date_nth_weekday (2024, 11, 0, 1, &date), 0);
    CHECK_STR (s_iso (date, buf, sizeof buf), "2024-11-03");
    CHECK_INT (eod_date_nth_weekday (2006, 10, 0, -1, &date), 0);
    CHECK_STR (s_iso (date, buf, sizeof buf), "2006-10-29");
    CHECK_INT (eod_date_nth_weekday (2024, 5, 1, -1, &date), 0);
    CHECK_STR (s_iso (date, buf, sizeof buf), "2024-05-27");
    CHECK_INT (eod_date_nth_weekday (2026, 11, 4, 4, &date), 0);
    CHECK_STR (s_iso (date, buf, sizeof buf), "2026-11-26");
    CHECK_INT (eod_date_nth_weekday (2024, 2, 1, 5, &date), -1);   //  Feb 2024 has 4 Mondays
    CHECK_INT (eod_date_nth_weekday (2024, 13, 1, 1, &date), -1);

    CHECK_STR (s_iso (eod_date_easter (2024), buf, sizeof buf), "2024-03-31");
    CHECK_STR (s_iso (eod_date_easter (2025), buf, sizeof buf), "2025-04-20");
    CHECK_STR (s_iso (eod_date_easter (2000), buf, sizeof buf), "2000-04-23");
    CHECK_STR (s_iso (eod_date_easter (2008), buf, sizeof buf), "2008-03-23");
    CHECK_STR (s_iso (eod_date_easter (2038), buf, sizeof buf), "2038-04-25");
    CHECK_STR (s_iso (eod_date_easter (2285), buf, sizeof buf), "2285-03-22");
}

//  Checks the New York local date and minute of a UTC instant.
static void
s_check_ny (time_t instant, const char *date, int minute, int offset)
{
    char buf[EOD_DATE_ISO_SIZE];
    eod_date_t local;
    int local_minute;
    eod_tz_local (EOD_TZ_NEW_YORK, instant, &local, &local_minute);
    CHECK_STR (s_iso (local, buf, sizeof buf), date);
    CHECK_INT (local_minute, minute);
    CHECK_INT (eod_tz_offset_minutes (EOD_TZ_NEW_YORK, instant), offset);
}

static void
s_test_zones (void)
{
    //  2024: DST starts 2024-03-10 07:00 UTC (02:00 EST -> 03:00 EDT) and
    //  ends 2024-11-03 06:00 UTC (02:00 EDT -> 01:00 EST).
    time_t spring = 1710054000, autumn = 1730613600;
    s_check_ny (spring - 1, "2024-03-10", 1 * 60 + 59, -300);
    s_check_ny (spring, "2024-03-10", 3 * 60, -240);
    s_check_ny (autumn - 1, "2024-11-03", 1 * 60 + 59, -240);
    s_check_ny (autumn, "2024-11-03", 1 * 60, -300);
    //  2006 (1987-2006 rules): 1st Sunday of April to last Sunday of October.
    time_t spring_2006 = 1143961200, autumn_2006 = 1162101600;
    s_check_ny (spring_2006 - 1, "2006-04-02", 1 * 60 + 59, -300);
    s_check_ny (spring_2006, "2006-04-02", 3 * 60, -240);
    s_check_ny (autumn_2006 - 1, "2006-10-29", 1 * 60 + 59, -240);
    s_check_ny (autumn_2006, "2006-10-29", 1 * 60, -300);
    //  2006-03-12 (where the 2007 rule would start) is still standard time.
    time_t t;
    CHECK_INT (eod_instant_parse ("2006-03-12T12:00:00Z", &t), 0);
    CHECK_INT (eod_tz_offset_minutes (EOD_TZ_NEW_YORK, t), -300);
    CHECK_INT (eod_tz_offset_minutes (EOD_TZ_SEOUL, t), 540);

    //  Local to instant, including the skipped and the repeated hour.
    CHECK_INT (eod_tz_epoch (EOD_TZ_NEW_YORK, s_date ("2024-03-10"), 3 * 60, &t), 0);
    CHECK_INT (t, spring);
    CHECK_INT (eod_tz_epoch (EOD_TZ_NEW_YORK, s_date ("2024-03-10"), 1 * 60 + 59, &t), 0);
    CHECK_INT (t, spring - 60);
    CHECK_INT (eod_tz_epoch (EOD_TZ_NEW_YORK, s_date ("2024-03-10"), 2 * 60 + 30, &t), 0);
    CHECK_INT (t, spring + 30 * 60);   //  read as 02:30 EST = 03:30 EDT
    CHECK_INT (eod_tz_epoch (EOD_TZ_NEW_YORK, s_date ("2024-11-03"), 1 * 60 + 30, &t), 0);
    CHECK_INT (t, autumn - 30 * 60);   //  the first 01:30 (EDT)
    CHECK_INT (eod_tz_epoch (EOD_TZ_NEW_YORK, s_date ("2024-11-03"), 2 * 60, &t), 0);
    CHECK_INT (t, autumn + 60 * 60);
    CHECK_INT (eod_tz_epoch (EOD_TZ_NEW_YORK, s_date ("2026-11-25"), 16 * 60, &t), 0);
    CHECK_INT (t, 1795640400);   //  2026-11-25T21:00:00Z
    CHECK_INT (eod_tz_epoch (EOD_TZ_SEOUL, s_date ("2026-11-27"), 5 * 60 + 59, &t), 0);
    CHECK_INT (t, 1795726740);   //  2026-11-26T20:59:00Z
    CHECK_INT (eod_tz_epoch (EOD_TZ_SEOUL, s_date ("2026-11-27"), 24 * 60, &t), -1);
    CHECK_INT (eod_tz_epoch (EOD_TZ_SEOUL, (eod_date_t){2026, 2, 30}, 0, &t), -1);

    //  Round trip of every local quarter hour of 2024 in New York, except the
    //  skipped hour of 2024-03-10, which does not exist on the clock.
    int bad = 0;
    long first = eod_date_to_days (s_date ("2024-01-01"));
    for (long day = first; day < first + 366; day++) {
        eod_date_t date = eod_date_from_days (day);
        for (int minute = 0; minute < EOD_MINUTES_PER_DAY; minute += 15) {
            if (date.m == 3 && date.d == 10 && minute >= 120 && minute < 180)
                continue;
            eod_date_t back;
            int back_minute;
            if (eod_tz_epoch (EOD_TZ_NEW_YORK, date, minute, &t)) {
                bad++;
                continue;
            }
            eod_tz_local (EOD_TZ_NEW_YORK, t, &back, &back_minute);
            if (eod_date_compare (back, date) != 0 || back_minute != minute)
                bad++;
        }
    }
    CHECK_INT (bad, 0);

    //  Seoul: +9 whatever the season.
    eod_date_t local;
    int minute;
    eod_tz_local (EOD_TZ_SEOUL, 1795726740, &local, &minute);
    char buf[EOD_DATE_ISO_SIZE];
    CHECK_STR (s_iso (local, buf, sizeof buf), "2026-11-27");
    CHECK_INT (minute, 5 * 60 + 59);
    eod_tz_local (EOD_TZ_NEW_YORK, 1795726740, &local, &minute);
    CHECK_STR (s_iso (local, buf, sizeof buf), "2026-11-26");
    CHECK_INT (minute, 15 * 60 + 59);
    //  Before the epoch.
    eod_tz_local (EOD_TZ_SEOUL, -1, &local, &minute);
    CHECK_STR (s_iso (local, buf, sizeof buf), "1970-01-01");
    CHECK_INT (minute, 8 * 60 + 59);
}

static void
s_test_instant (void)
{
    time_t t = 0;
    CHECK_INT (eod_instant_parse ("2026-11-27T05:59:00+09:00", &t), 0);
    CHECK_INT (t, 1795726740);
    CHECK_INT (eod_instant_parse ("2026-11-26T20:59:00Z", &t), 0);
    CHECK_INT (t, 1795726740);
    CHECK_INT (eod_instant_parse ("2026-11-26T15:59:00-05:00", &t), 0);
    CHECK_INT (t, 1795726740);
    CHECK_INT (eod_instant_parse ("2026-11-26T21:29:00+00:30", &t), 0);
    CHECK_INT (t, 1795726740);
    CHECK_INT (eod_instant_parse ("1970-01-01T00:00:00Z", &t), 0);
    CHECK_INT (t, 0);

    const char *invalid[] = {"2026-11-27T05:59:00",        "2026-11-27 05:59:00Z",
                             "2026-11-27T24:00:00Z",       "2026-11-27T05:60:00Z",
                             "2026-11-27T05:59:60Z",       "2026-02-30T05:59:00Z",
                             "2026-11-27T05:59:00z",       "2026-11-27T05:59:00+0900",
                             "2026-11-27T05:59:00+09:60",  "20261127T05:59:00Z",
                             "2026-11-27T5:59:00+09:00",   "2026-11-27T05:59:00+09:00 ",
                             "2026-11-27T05:59:00Z+09:00", "",
                             "2026-11-27T05:59:00+19:00"};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        int rc = eod_instant_parse (invalid[i], &t);
        CHECK_INT (rc, -1);
        if (rc == 0)
            fprintf (stderr, "  accepted \"%s\"\n", invalid[i]);
    }
    CHECK_INT (eod_instant_parse (NULL, &t), -1);
}

static void
s_test_now (void)
{
    char buf[EOD_DATE_ISO_SIZE];
    //  Pinned: starts at EOD_NOW and moves on with real time.
    setenv ("EOD_NOW", "2026-11-27T05:59:00+09:00", 1);
    eod_now_reset ();
    time_t first = eod_now ();
    CHECK (first >= 1795726740 && first <= 1795726740 + 2);
    CHECK_STR (s_iso (eod_date_today (EOD_TZ_SEOUL), buf, sizeof buf), "2026-11-27");
    CHECK_STR (s_iso (eod_date_today (EOD_TZ_NEW_YORK), buf, sizeof buf), "2026-11-26");
    struct timespec pause = {1, 100000000};
    nanosleep (&pause, NULL);
    time_t later = eod_now ();
    CHECK (later >= first + 1 && later <= first + 3);
    //  The environment is read at the first call only.
    setenv ("EOD_NOW", "2030-01-01T00:00:00Z", 1);
    CHECK (eod_now () < 1795726740 + 10);

    //  Malformed: real time (and an error logged once).
    setenv ("EOD_NOW", "2026-11-27 05:59", 1);
    eod_now_reset ();
    time_t real = time (NULL);
    time_t now = eod_now ();
    CHECK (now >= real && now <= real + 2);

    //  Unset: real time.
    unsetenv ("EOD_NOW");
    eod_now_reset ();
    real = time (NULL);
    now = eod_now ();
    CHECK (now >= real && now <= real + 2);
}

int
main (void)
{
    s_test_parse ();
    s_test_format ();
    s_test_days ();
    s_test_weekday ();
    s_test_zones ();
    s_test_instant ();
    s_test_now ();
    return EOD_TEST_DONE ();
}
