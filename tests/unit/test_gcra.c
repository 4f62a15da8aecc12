/*  test_gcra — the coordinator's pacer: never more than the budget in any
    window the design allows for, close to it when dispatches wake up late,
    and no burst after an idle spell. */
#include "coordinator.h"
#include "eod_test.h"

#include <stdint.h>
#include <stdlib.h>

#define S_RATE 20
#define S_JITTER_MS 50
#define S_DISPATCHES 20000

int
main (void)
{
    int64_t interval = coordinator_interval_us (S_RATE, S_JITTER_MS);
    //  (1 s + 50 ms + 5 ms) / 20
    CHECK_INT (interval, 52750);

    //  A loop that polls with millisecond timeouts wakes up 0-2.5 ms after a
    //  slot: the pacer must neither lose that lateness nor let it bunch up.
    int64_t *at = calloc (S_DISPATCHES, sizeof *at);
    CHECK (at != NULL);
    if (!at)
        return EOD_TEST_DONE ();
    int64_t tat = 0, now = 1000000;
    srand (7);
    for (int i = 0; i < S_DISPATCHES;) {
        if (coordinator_gcra_take (&tat, now, interval)) {
            at[i++] = now;
            now = tat + rand () % 2500;   //  the next wake-up: a little after the slot
        }
        else
            now = tat;
    }
    //  Any N + 1 dispatches span more than 1 s + J: a server that counts N in
    //  any 1-s window, with arrivals up to J later than dispatch, is never tripped.
    int64_t shortest = INT64_MAX;
    for (int i = S_RATE; i < S_DISPATCHES; i++)
        if (at[i] - at[i - S_RATE] < shortest)
            shortest = at[i] - at[i - S_RATE];
    CHECK (shortest > 1000000 + S_JITTER_MS * 1000);
    //  And the pace is the schedule's, not the schedule's plus the lateness.
    double rate = (double) (S_DISPATCHES - 1) * 1e6 / (double) (at[S_DISPATCHES - 1] - at[0]);
    double ideal = 1e6 / (double) interval;
    CHECK (rate > 0.999 * ideal && rate <= ideal * 1.0001);

    //  Later than the tolerance (a slow loop pass): the schedule restarts
    //  from then instead of catching up with a burst.
    int64_t slot = tat;
    now = slot + 100000;
    CHECK_INT (coordinator_gcra_take (&tat, now, interval), 1);
    CHECK_INT (tat, now + interval);
    CHECK_INT (coordinator_gcra_take (&tat, now + 1, interval), 0);

    //  An idle key: the first dispatch goes at once, the next one interval later.
    tat = 0;
    now = 5000000000;
    CHECK_INT (coordinator_gcra_take (&tat, now, interval), 1);
    CHECK_INT (coordinator_gcra_take (&tat, now + interval - 1, interval), 0);
    CHECK_INT (coordinator_gcra_take (&tat, now + interval, interval), 1);
    free (at);
    return EOD_TEST_DONE ();
}
