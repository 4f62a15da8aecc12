/*  test_pacer — the coordinator's pacer (coordinator_pacer_t): never more
    than the budget in any window the design allows for, however late the
    loop wakes up and, once told, however late requests leave after their
    dispatch; close to the budget when it wakes up a little late; no burst
    after an idle spell. */
#include "pacer.h"
#include "eod_test.h"

#include <stdbool.h>
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

static int64_t s_closest_dispatches = INT64_MAX;   //  in the last s_drive_late

//  Requests that leave late (a busy fetcher host): dispatch i leaves
//  late_us (i) after its dispatch, and the pacer hears of it report_us after
//  it left (when its RESULT comes back) unless tell is false. The loop wakes
//  up a little late. Fills left[] with when each left, sorted.
static void
s_drive_late (coordinator_pacer_t *p, int64_t *left, int n, int64_t (*late_us) (int), int64_t report_us, bool tell)
{
    uint64_t *number = calloc ((size_t) n, sizeof *number);
    CHECK (number != NULL);
    s_closest_dispatches = INT64_MAX;
    if (!number)
        return;
    int64_t now = S_US, last = 0;
    int told = 0;   //  reports are heard in the order they come: left[] is filled in dispatch order
    for (int i = 0; i < n; i++) {
        while (true) {
            //  Reports due by now.
            int64_t next_report = INT64_MAX;
            for (int j = told; j < i; j++) {
                if (left[j] + report_us <= now) {
                    if (tell)
                        coordinator_pacer_late (p, number[j], left[j]);
                    if (j == told)
                        told++;
                }
                else if (left[j] + report_us < next_report)
                    next_report = left[j] + report_us;
            }
            int64_t due = coordinator_pacer_due (p);
            if (now >= due)
                break;
            now = due < next_report ? due : next_report;
        }
        now += rand () % 2500;
        if (i > 0 && now - last < s_closest_dispatches)
            s_closest_dispatches = now - last;
        last = now;
        number[i] = coordinator_pacer_take (p, now);
        left[i] = now + late_us (i);
    }
    free (number);
    //  Sorted by when they left.
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && left[j] < left[j - 1]; j--) {
            int64_t swap = left[j];
            left[j] = left[j - 1];
            left[j - 1] = swap;
        }
}

static int64_t
s_late_sometimes (int i)
{
    //  Mostly at once; one in 30 10-60 ms late, one in 300 150 ms late.
    (void) i;
    int r = rand () % 300;
    return r < 289 ? rand () % 500 : r < 299 ? 10000 + rand () % 50000 : 150000;
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

//  Room for n at once (a batch of n units): when at most rate - n of the
//  logged dispatches are inside a window.
static void
s_test_due_n (void)
{
    coordinator_pacer_t p;
    CHECK_INT (coordinator_pacer_init (&p, 4, 0, 0), 0);   //  window 1 s, T 250 ms
    coordinator_pacer_take (&p, 0);
    coordinator_pacer_take (&p, 250000);
    int64_t spacing = coordinator_pacer_due (&p);
    CHECK_INT (spacing, 500000);
    CHECK_INT (coordinator_pacer_due_n (&p, 0), spacing);
    CHECK_INT (coordinator_pacer_due_n (&p, 2), spacing);   //  2 in the window, room for 2
    CHECK_INT (coordinator_pacer_due_n (&p, 3), 1000000);   //  once the first left a window ago
    CHECK_INT (coordinator_pacer_due_n (&p, 4), 1250000);   //  once both did
    CHECK_INT (coordinator_pacer_due_n (&p, 9), 1250000);   //  more than the rate: an empty window
    coordinator_pacer_fini (&p);
}

int
main (void)
{
    s_test_due_n ();
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

    //  Requests that left late, heard of when their RESULT came back (150 ms
    //  after they left): every rate + 1 of them, in the order they left, still
    //  span the window, and the pace stays within 0.8% of the budget's: the
    //  dispatches after one held back catch up.
    //  Unheard of, the same lateness puts rate + 1 in less than the window.
    enum {
        S_LATE_N = 4000
    };
    CHECK_INT (coordinator_pacer_init (&p, S_RATE, 10, S_MARGIN_MS), 0);
    srand (13);
    s_drive_late (&p, at, S_LATE_N, s_late_sometimes, 150000, true);
    CHECK (s_shortest (at, S_LATE_N, S_RATE) >= p.window_us);
    rate = (double) (S_LATE_N - 1) * 1e6 / (double) (at[S_LATE_N - 1] - at[0]);
    ideal = 1e6 * S_RATE / (double) p.window_us;
    //  (0.9896 when a held dispatch pushed the schedule back; 0.9947 now)
    CHECK (rate > 0.992 * ideal && rate <= ideal * 1.0001);
    //  Never two dispatches closer than T / 2, catching up included.
    CHECK (s_closest_dispatches >= p.interval_us - p.tolerance_us);
    coordinator_pacer_fini (&p);
    CHECK_INT (coordinator_pacer_init (&p, S_RATE, 10, S_MARGIN_MS), 0);
    srand (13);
    s_drive_late (&p, at, S_LATE_N, s_late_sometimes, 150000, false);
    CHECK (s_shortest (at, S_LATE_N, S_RATE) < p.window_us);
    coordinator_pacer_fini (&p);

    //  A report of a dispatch the log no longer holds, or of a departure no
    //  later than the dispatch, changes nothing.
    CHECK_INT (coordinator_pacer_init (&p, S_RATE, 10, S_MARGIN_MS), 0);
    uint64_t first_n = coordinator_pacer_take (&p, S_US);
    CHECK (first_n == 0);
    for (int i = 1; i <= 2 * S_RATE; i++)
        coordinator_pacer_take (&p, S_US + i * p.interval_us);
    int64_t before = coordinator_pacer_due (&p);
    coordinator_pacer_late (&p, first_n, 100 * S_US);
    coordinator_pacer_late (&p, 2 * S_RATE, S_US);
    coordinator_pacer_late (&p, 1000, 100 * S_US);   //  not dispatched yet
    CHECK (coordinator_pacer_due (&p) == before);
    //  The rate-th latest departure sets the due: one late request among
    //  the last rate moves it only when it left after the rate-th latest.
    coordinator_pacer_late (&p, 2 * S_RATE - 1, S_US + 2 * S_RATE * p.interval_us + 5000);
    CHECK (coordinator_pacer_due (&p) == before);
    coordinator_pacer_late (&p, S_RATE + 1, S_US + 2 * S_RATE * p.interval_us + 5000);
    CHECK (coordinator_pacer_due (&p) == S_US + (S_RATE + 2) * p.interval_us + p.window_us);
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
