/*  test_clock — the clocks the coordinator runs on
    (stages/coordinator/clock.c): its milliseconds and microseconds are one
    monotonic clock, sleep_ms waits, the wall clock is the real time, and a
    module given no clock gets the real one. */
#include "clock.h"
#include "eod_test.h"

#define S_SLEEP_MS 20
#define S_SLACK_MS 5   //  two reads of the clock in a row are this close at most

static int64_t
s_zero (void)
{
    return 0;
}

int
main (void)
{
    const coordinator_clock_t *clock = coordinator_clock_or_real (NULL);
    CHECK (clock == &coordinator_clock_real);
    int64_t ms = clock->ms (), us = clock->us ();
    CHECK (us / 1000 - ms >= 0 && us / 1000 - ms <= S_SLACK_MS);
    time_t wall = clock->wall (), now = time (NULL);
    CHECK (wall - now >= -1 && wall - now <= 1);
    clock->sleep_ms (S_SLEEP_MS);
    int64_t slept = clock->ms () - ms;
    CHECK (slept >= S_SLEEP_MS && slept < S_SLEEP_MS + 1000);
    CHECK (clock->us () - us >= S_SLEEP_MS * 1000);
    //  A clock of the caller's own is kept as it is.
    coordinator_clock_t mine = coordinator_clock_real;
    mine.ms = s_zero;
    CHECK (coordinator_clock_or_real (&mine) == &mine);
    CHECK_INT (coordinator_clock_or_real (&mine)->ms (), 0);
    return EOD_TEST_DONE ();
}
