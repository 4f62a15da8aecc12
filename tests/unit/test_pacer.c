/*  test_pacer — the coordinator's pacer (coordinator_pacer_t): never more
    than the budget in any window the design allows for, however late the
    loop wakes up; close to the budget when it wakes up a little late; no
    burst after an idle spell. */
#include "coordinator.h"
#include "eod_test.h"

#include <stdint.h>
#include <stdlib.h>

#define S_RATE 20
#define S_JITTER_MS 50
#define S_MARGIN_MS 8
#define S_DISPATCHES 20000
#define S_US 1000000

//  Drives the pacer as the coordinator's loop does: it wakes up at the due
//  instant plus a lateness drawn by late (us), and dispatches. Fills at[].
static void
s_drive (coordinator_pacer_t *p, int64_t *at, int n, int64_t start, int64_t (*late) (int))
{
    int64_t now = start;
    for (int i = 0; i < n; i++) {
        int64_t due = coordinator_pacer_due (p);
        if (now < due)
            now = due;
        now += late (i);
        coordinator_pacer_take (p, now);
        at[i] = now;
    }
}

static int64_t
s_small_late (int i)
{
    return rand () % 2500;   //  millisecond poll timeouts: 0-2.5 ms after the slot
}

static int64_t
s_rough_late (int i)
{
    //  A loaded host: mostly small, sometimes 10-40 ms, now and then 200 ms.
    int r = rand () % 100;
    (void) i;
    return r < 80 ? rand () % 2500 : r < 98 ? 10000 + rand () % 30000 : 200000;
}

//  The shortest span of rate + 1 consecutive dispatches.
static int64_t
s_shortest (const int64_t *at, int n, int rate)
{
    int64_t shortest = INT64_MAX;
    for (int i = rate; i < n; i++)
        if (at[i] - at[i - rate] < shortest)
            shortest = at[i] - at[i - rate];
    return shortest;
}

int
main (void)
{
    coordinator_pacer_t p;
    CHECK_INT (coordinator_pacer_init (&p, S_RATE, S_JITTER_MS, S_MARGIN_MS), 0);
    //  (1 s + 50 ms + 8 ms) / 20
    CHECK (p.window_us == 1058000);
    CHECK (p.interval_us == 52900);
    int64_t *at = calloc (S_DISPATCHES, sizeof *at);
    CHECK (at != NULL);
    if (!at)
        return EOD_TEST_DONE ();

    //  Slightly late wake-ups: the window holds, and the pace is the budget's.
    srand (7);
    s_drive (&p, at, S_DISPATCHES, S_US, s_small_late);
    CHECK (s_shortest (at, S_DISPATCHES, S_RATE) >= p.window_us);
    double rate = (double) (S_DISPATCHES - 1) * 1e6 / (double) (at[S_DISPATCHES - 1] - at[0]);
    double ideal = 1e6 * S_RATE / (double) p.window_us;
    CHECK (rate > 0.995 * ideal && rate <= ideal * 1.0001);
    //  Never closer than T - T/2.
    int64_t closest = INT64_MAX;
    for (int i = 1; i < S_DISPATCHES; i++)
        if (at[i] - at[i - 1] < closest)
            closest = at[i] - at[i - 1];
    CHECK (closest >= p.interval_us - p.tolerance_us);
    coordinator_pacer_fini (&p);

    //  A rough host: the window still holds whatever the lateness.
    CHECK_INT (coordinator_pacer_init (&p, S_RATE, 10, S_MARGIN_MS), 0);
    srand (11);
    s_drive (&p, at, S_DISPATCHES, S_US, s_rough_late);
    CHECK (s_shortest (at, S_DISPATCHES, S_RATE) >= p.window_us);
    coordinator_pacer_fini (&p);

    //  An idle key: the first dispatch at once, the second at most T/2 later
    //  than it, the third a whole T after that.
    CHECK_INT (coordinator_pacer_init (&p, S_RATE, S_JITTER_MS, S_MARGIN_MS), 0);
    coordinator_pacer_take (&p, 5 * S_US);
    int64_t first = 5 * S_US + 10 * S_US;   //  ten seconds idle
    CHECK (coordinator_pacer_due (&p) <= first);
    coordinator_pacer_take (&p, first);
    int64_t second = coordinator_pacer_due (&p);
    CHECK (second - first == p.interval_us - p.tolerance_us);
    coordinator_pacer_take (&p, second);
    CHECK (coordinator_pacer_due (&p) - second == p.interval_us);
    coordinator_pacer_fini (&p);

    //  Without a log (a rate above the log's size), the spacing alone.
    CHECK_INT (coordinator_pacer_init (&p, COORDINATOR_PACER_LOG_MAX + 1, 0, 0), 0);
    CHECK (p.log == NULL);
    coordinator_pacer_take (&p, S_US);
    CHECK (coordinator_pacer_due (&p) > S_US);
    coordinator_pacer_fini (&p);
    free (at);
    return EOD_TEST_DONE ();
}
