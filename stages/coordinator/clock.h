/*  coordinator clock — the clocks the coordinator's modules read and the
    sleep they wait with, in one struct, so a unit test drives them with a
    clock of its own.

    The monotonic clock (in milliseconds and microseconds, the same
    CLOCK_MONOTONIC) times leases, pauses and the pacers; the wall clock
    tells a token's expiry and the day as KST sees it; sleep_ms waits out a
    token's one-a-minute gap at start-up and the holiday check's permit. The
    coordinator runs on coordinator_clock_real. */
#ifndef COORDINATOR_CLOCK_H
#define COORDINATOR_CLOCK_H

#include <stdint.h>
#include <time.h>

typedef struct {
    int64_t (*ms) (void);    //  monotonic milliseconds
    int64_t (*us) (void);    //  the same clock in microseconds
    time_t (*wall) (void);   //  wall-clock seconds
    void (*sleep_ms) (int ms);
} coordinator_clock_t;

//  eod_clock_ms, eod_monotonic_us, eod_wall_now and zclock_sleep.
extern const coordinator_clock_t coordinator_clock_real;

//  clock, or coordinator_clock_real when clock is NULL: what a module's
//  constructor keeps of the clock it was given.
const coordinator_clock_t *coordinator_clock_or_real (const coordinator_clock_t *clock);

#endif
