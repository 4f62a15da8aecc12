/*  sim_kr_walk — the KR prices behind the KIS chart double: KRX tick sizes
    and daily price limits, and a deterministic walk per (seed, code) over the
    XKRX trading days from 2010-01-04 on, so any date answers the same in
    every request and each bar's change agrees with the previous close.

    Walks restart from checkpoints (each instrument's state every 64 days,
    kept for the life of the process and shared by every thread), so a
    request costs the last months of its walk, not the years before. */
#ifndef SIM_KR_WALK_H
#define SIM_KR_WALK_H

#include "sim.h"
#include "sim_master.h"

#define SIM_CHART_ROWS_MAX 100               //  "한 번의 호출에 최대 100건"

//  One trading day of one instrument, in KRW and shares.
typedef struct {
    int ymd;
    long long open, high, low, close, prev_close, volume, value;
} sim_kr_bar_t;

//  The bars a chart answer reads, newest last in a ring.
typedef struct {
    sim_kr_bar_t ring[SIM_CHART_ROWS_MAX + 1];   //  the last bars up to the end date
    size_t count;                            //  valid bars in ring (<= 101)
    size_t next;                             //  ring write position
} sim_kr_walk_t;

//  KRX tick size at a price (since 2023).
long long sim_kr_tick (long long price);
//  The day's upper and lower price limits (+-30 %) after a close of prev.
long long sim_kr_upper_limit (long long prev);
long long sim_kr_lower_limit (long long prev);
//  KIS's prdy_vrss_sign of a bar: 1 upper limit, 2 up, 3 flat, 4 lower limit, 5 down.
const char *sim_kr_sign (const sim_kr_bar_t *bar);

//  Walks inst's prices over every trading day from the walk's start through
//  end_days, keeping the bars an answer from first_days on reads: those of
//  the days from first_days, the one before them, and at least the last two
//  (output1), at most SIM_CHART_ROWS_MAX + 1. Thread-safe.
void sim_kr_walk_fill (sim_t *self, const sim_instrument_t *inst, int32_t first_days,
                       int32_t end_days, sim_kr_walk_t *walk);
//  The i-th most recent bar (0 = latest) or NULL (borrowed from walk).
const sim_kr_bar_t *sim_kr_walk_bar (const sim_kr_walk_t *walk, size_t i);
//  Precomputes every KR instrument's checkpoints through end_days
//  (--warm-until), so benchmarks measure the pipeline, not the walks.
void sim_kr_walk_warm (sim_t *self, int32_t end_days);
//  Frees the checkpoints (at exit; walks after it start over).
void sim_kr_walk_free_checkpoints (void);

#endif
