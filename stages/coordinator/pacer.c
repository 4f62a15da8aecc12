/*  coordinator pacer — see pacer.h. */
#include "pacer.h"

#include <stdlib.h>
#include <string.h>

int
coordinator_pacer_init (coordinator_pacer_t *self, long rate, long jitter_ms, long margin_ms)
{
    memset (self, 0, sizeof *self);
    if (rate < 1)
        rate = 1;
    self->window_us = (1000 + (int64_t) jitter_ms + (int64_t) margin_ms) * 1000;
    self->interval_us = (self->window_us + rate - 1) / rate;
    self->tolerance_us = self->interval_us / 2;
    self->rate = (size_t) rate;
    if (rate <= COORDINATOR_PACER_LOG_MAX) {
        //  Twice the rate: a request that left late may be the rate-th
        //  latest although rate dispatches came after it.
        self->cap = 2 * (size_t) rate;
        self->log = calloc (self->cap, sizeof *self->log);
        self->scratch = calloc (self->cap, sizeof *self->scratch);
        if (!self->log || !self->scratch) {
            coordinator_pacer_fini (self);
            return -1;
        }
    }
    return 0;
}

void
coordinator_pacer_fini (coordinator_pacer_t *self)
{
    free (self->log);
    free (self->scratch);
    self->log = NULL;
    self->scratch = NULL;
}

//  The k-th largest of a[0..n) (1 <= k <= n), reordering a (quickselect).
static int64_t
s_kth_largest (int64_t *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n, want = k - 1;   //  a[want] is found in [lo, hi)
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t pivot = a[mid];
        a[mid] = a[hi - 1];
        a[hi - 1] = pivot;
        size_t at = lo;   //  [lo, at) are larger than the pivot
        for (size_t i = lo; i < hi - 1; i++)
            if (a[i] > pivot) {
                int64_t swap = a[i];
                a[i] = a[at];
                a[at++] = swap;
            }
        a[hi - 1] = a[at];
        a[at] = pivot;
        if (want == at)
            break;
        if (want < at)
            hi = at;
        else
            lo = at + 1;
    }
    return a[want];
}

//  When the log lets the next n dispatches go at once (INT64_MIN: now):
//  once at most rate - n of the logged ones are inside a window.
static int64_t
s_log_due (const coordinator_pacer_t *self, size_t n)
{
    if (n > self->rate)
        n = self->rate;
    size_t k = self->rate - n + 1;   //  the k-th latest departure must have left a window ago
    if (!self->log || self->taken < k)
        return INT64_MIN;
    //  With none reported late in the log, departures are in dispatch order
    //  and the k-th latest is dispatch taken - k.
    int64_t edge;
    if (self->late_since == 0 || self->taken - (self->late_since - 1) > self->cap)
        edge = self->log[(self->taken - k) % self->cap];
    else {
        size_t held = self->taken < self->cap ? (size_t) self->taken : self->cap;
        memcpy (self->scratch, self->log, held * sizeof *self->log);
        edge = s_kth_largest (self->scratch, held, k);
    }
    return edge + self->window_us;
}

int64_t
coordinator_pacer_due (const coordinator_pacer_t *self)
{
    return coordinator_pacer_due_n (self, 1);
}

int64_t
coordinator_pacer_due_n (const coordinator_pacer_t *self, size_t n)
{
    int64_t due = self->tat_us;
    if (self->taken > 0 && self->last_us + self->tolerance_us > due)
        due = self->last_us + self->tolerance_us;
    int64_t log_due = s_log_due (self, n ? n : 1);
    return log_due > due ? log_due : due;
}

uint64_t
coordinator_pacer_take (coordinator_pacer_t *self, int64_t now)
{
    //  A dispatch the log held back (a request reported late) keeps the
    //  spacing's schedule, up to a window behind: the next ones catch up, T / 2
    //  apart, as far as the log lets them. Any other late dispatch moves the
    //  schedule by its lateness beyond T / 2.
    int64_t log_due = s_log_due (self, 1);
    int64_t slack =
        log_due > self->tat_us && now <= log_due + self->tolerance_us ? self->window_us : self->tolerance_us;
    int64_t from = self->tat_us > now - slack ? self->tat_us : now - slack;
    self->tat_us = from + self->interval_us;
    self->last_us = now;
    if (self->log)
        self->log[self->taken % self->cap] = now;
    return self->taken++;
}

void
coordinator_pacer_late (coordinator_pacer_t *self, uint64_t n, int64_t at)
{
    if (!self->log || n >= self->taken || self->taken - n > self->cap)
        return;
    int64_t *slot = &self->log[n % self->cap];
    if (at <= *slot)
        return;
    *slot = at;
    if (n + 1 > self->late_since)
        self->late_since = n + 1;
}
