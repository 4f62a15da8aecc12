/*  coordinator clock — see clock.h. */
#include "clock.h"
#include "eod_util.h"
#include "eod_zmq.h"

const coordinator_clock_t coordinator_clock_real = {
    .ms = eod_clock_ms,
    .us = eod_monotonic_us,
    .wall = eod_wall_now,
    .sleep_ms = zclock_sleep,
};

const coordinator_clock_t *
coordinator_clock_or_real (const coordinator_clock_t *clock)
{
    return clock ? clock : &coordinator_clock_real;
}
