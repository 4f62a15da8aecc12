/*  test_workers — the fetchers the coordinator knows
    (stages/coordinator/workers.c): joining by identity, numbering, the one
    with credit heard of least recently served first, the dead reaped, and
    the lag arithmetic that tells a request that left its fetcher late: the
    quickest lag of the current and the last block of RESULTs, the READY's
    clock for the first ones, the cap at the RESULT's arrival, garbage
    clocks ignored. */
#include "eod_test.h"
#include "workers.h"

#define S_MS 1000                                //  microseconds
#define S_OFFSET_US (INT64_C (5000) * 1000000)   //  the fetcher host's clock is 5000 s ahead

static zframe_t *
s_identity (const char *name)
{
    return zframe_new (name, strlen (name));
}

typedef struct {
    int n;
    char names[4][64];
} s_gone_t;

static void
s_gone (coordinator_worker_t *w, void *arg)
{
    s_gone_t *gone = arg;
    if (gone->n < 4)
        snprintf (gone->names[gone->n++], 64, "%s", w->name);
}

static void
test_table (void)
{
    coordinator_workers_t *workers = coordinator_workers_new ();
    CHECK (workers != NULL);
    if (!workers)
        return;
    zframe_t *id_a = s_identity ("A"), *id_b = s_identity ("B"), *id_c = s_identity ("C");
    coordinator_worker_t *a = coordinator_workers_get (workers, id_a, "fetcher-a", 1000);
    coordinator_worker_t *b = coordinator_workers_get (workers, id_b, NULL, 1100);
    CHECK (a && b && a != b);
    if (!a || !b)
        return;
    CHECK_INT (a->seq, 1);
    CHECK_INT (b->seq, 2);
    CHECK_STR (a->name, "fetcher-a");
    CHECK_STR (b->name, "42");   //  no name: its identity in hex
    CHECK (a->new);
    CHECK (coordinator_workers_get (workers, id_a, "renamed", 1200) == a);
    CHECK_STR (a->name, "fetcher-a");
    CHECK_INT (a->last_seen_ms, 1200);
    CHECK_INT (coordinator_workers_size (workers), 2);
    CHECK_STR (coordinator_workers_name (workers, 2), "42");
    CHECK_STR (coordinator_workers_name (workers, 7), "a fetcher gone");

    //  Credit: the one heard of least recently first.
    CHECK (coordinator_workers_ready (workers) == NULL);
    a->credit = 1;
    b->credit = 2;
    CHECK (coordinator_workers_ready (workers) == b);
    b->last_seen_ms = 1300;
    CHECK (coordinator_workers_ready (workers) == a);
    a->credit = 0;
    CHECK (coordinator_workers_ready (workers) == b);

    //  Reaped: not heard of for more than the dead time.
    coordinator_worker_t *c = coordinator_workers_get (workers, id_c, "fetcher-c", 5000);
    CHECK (c && c->seq == 3);
    s_gone_t gone = {0};
    coordinator_workers_reap (workers, 4200, 3000, s_gone, &gone);
    CHECK_INT (gone.n, 0);
    coordinator_workers_reap (workers, 4201, 3000, s_gone, &gone);
    CHECK_INT (gone.n, 1);
    CHECK_STR (gone.names[0], "fetcher-a");
    CHECK_INT (coordinator_workers_size (workers), 2);
    coordinator_workers_remove (workers, b);
    CHECK_INT (coordinator_workers_size (workers), 1);
    CHECK (coordinator_workers_first (workers) == c);
    CHECK (coordinator_workers_next (workers) == NULL);
    //  Back after it was dropped: a new fetcher, a new number.
    a = coordinator_workers_get (workers, id_a, "fetcher-a", 6000);
    CHECK (a && a->seq == 4 && a->new);

    //  The run's report starts the counts again.
    c->results = 5;
    c->late = 2;
    c->late_max_us = 3000;
    coordinator_workers_report (workers);
    CHECK_INT (c->results, 0);
    CHECK_INT (c->late, 0);
    CHECK_INT (c->late_max_us, 0);
    zframe_destroy (&id_a);
    zframe_destroy (&id_b);
    zframe_destroy (&id_c);
    coordinator_workers_destroy (&workers);
    CHECK (workers == NULL);
    coordinator_workers_destroy (&workers);
}

static void
test_lag (void)
{
    coordinator_workers_t *workers = coordinator_workers_new ();
    zframe_t *id = s_identity ("L");
    coordinator_worker_t *w = coordinator_workers_get (workers, id, "lagging", 0);
    if (!w)
        return;
    int64_t left = 0;
    //  Unknown or garbage clocks are ignored.
    CHECK (!coordinator_worker_on_sent (w, 1000, 0, 2000, &left));
    CHECK (!coordinator_worker_on_sent (w, 1000, INT64_MAX, 2000, &left));
    CHECK_INT (w->lag_samples, 0);
    coordinator_worker_on_clock (w, 0, 100);
    CHECK_INT (w->back_floor, INT64_MAX);

    //  Its READY: the offset less the way back (1 ms).
    coordinator_worker_on_clock (w, S_OFFSET_US + 10 * S_MS, 11 * S_MS);
    CHECK_INT (w->back_floor, S_OFFSET_US - S_MS);
    //  The first RESULT took 3 ms to leave: its lag is the floor, but the
    //  READY's clock says the way can be 4 ms quicker: it left 4 ms late.
    int64_t dispatched = 100 * S_MS;
    CHECK (
        coordinator_worker_on_sent (w, dispatched, S_OFFSET_US + dispatched + 3 * S_MS, dispatched + 50 * S_MS, &left));
    CHECK_INT (left, dispatched + 4 * S_MS);
    CHECK_INT (w->late, 1);
    CHECK_INT (w->late_max_us, 4 * S_MS);
    //  The next ones at the quickest way are not late.
    for (int i = 1; i < COORDINATOR_LAG_FIRST; i++) {
        dispatched += 100 * S_MS;
        CHECK (!coordinator_worker_on_sent (w, dispatched, S_OFFSET_US + dispatched - S_MS, dispatched + 20 * S_MS,
                                            &left));
    }
    CHECK_INT (w->lag_floor[0], S_OFFSET_US - S_MS);
    //  Within a millisecond of the quickest: not late; beyond: late.
    dispatched += 100 * S_MS;
    CHECK (!coordinator_worker_on_sent (w, dispatched, S_OFFSET_US + dispatched, dispatched + 20 * S_MS, &left));
    dispatched += 100 * S_MS;
    CHECK (
        coordinator_worker_on_sent (w, dispatched, S_OFFSET_US + dispatched + 9 * S_MS, dispatched + 20 * S_MS, &left));
    CHECK_INT (left, dispatched + 10 * S_MS);
    //  However late it seems, it left before its RESULT came.
    dispatched += 100 * S_MS;
    CHECK (coordinator_worker_on_sent (w, dispatched, S_OFFSET_US + dispatched + 90 * S_MS, dispatched + 30 * S_MS,
                                       &left));
    CHECK_INT (left, dispatched + 30 * S_MS);
    CHECK_INT (w->late, 3);
    CHECK_INT (w->late_max_us, 30 * S_MS);

    //  A new block keeps the last block's floor until it ends too.
    while (w->lag_samples % COORDINATOR_LAG_BLOCK != 0) {
        dispatched += 100 * S_MS;
        coordinator_worker_on_sent (w, dispatched, S_OFFSET_US + dispatched + 5 * S_MS, dispatched + 20 * S_MS, &left);
    }
    dispatched += 100 * S_MS;
    CHECK (
        coordinator_worker_on_sent (w, dispatched, S_OFFSET_US + dispatched + 5 * S_MS, dispatched + 20 * S_MS, &left));
    CHECK_INT (w->lag_floor[1], S_OFFSET_US - S_MS);
    CHECK_INT (w->lag_floor[0], S_OFFSET_US + 5 * S_MS);
    for (int i = 0; i < COORDINATOR_LAG_BLOCK; i++) {
        dispatched += 100 * S_MS;
        coordinator_worker_on_sent (w, dispatched, S_OFFSET_US + dispatched + 5 * S_MS, dispatched + 20 * S_MS, &left);
    }
    //  The old floor has gone: 5 ms is now the quickest way.
    dispatched += 100 * S_MS;
    CHECK (!coordinator_worker_on_sent (w, dispatched, S_OFFSET_US + dispatched + 5 * S_MS, dispatched + 20 * S_MS,
                                        &left));
    zframe_destroy (&id);
    coordinator_workers_destroy (&workers);
}

int
main (void)
{
    test_table ();
    test_lag ();
    return EOD_TEST_DONE ();
}
