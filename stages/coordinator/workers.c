/*  coordinator workers — see workers.h. */
#include "workers.h"
#include "eod_log.h"

#include <stdlib.h>

//  Clocks of two hosts may be years apart, but not 2^62 us: a difference
//  beyond is garbage, kept from overflowing what is done with it.
#define S_CLOCKS_APART_MAX (INT64_C (1) << 62)

struct _coordinator_workers_t {
    zhashx_t *workers;   //  identity in hex -> coordinator_worker_t
    uint32_t seq;        //  the last coordinator_worker_t.seq given
};

static void
s_worker_free (void **item)
{
    coordinator_worker_t *w = *item;
    if (w) {
        zframe_destroy (&w->identity);
        free (w);
        *item = NULL;
    }
}

coordinator_workers_t *
coordinator_workers_new (void)
{
    coordinator_workers_t *self = calloc (1, sizeof *self);
    if (self)
        self->workers = zhashx_new ();
    if (!self || !self->workers) {
        free (self);
        return NULL;
    }
    zhashx_set_destructor (self->workers, s_worker_free);
    return self;
}

void
coordinator_workers_destroy (coordinator_workers_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zhashx_destroy (&(*self_p)->workers);
    free (*self_p);
    *self_p = NULL;
}

coordinator_worker_t *
coordinator_workers_get (coordinator_workers_t *self, zframe_t *identity, const char *name, int64_t now_ms)
{
    char *key = zframe_strhex (identity);
    coordinator_worker_t *w = zhashx_lookup (self->workers, key);
    if (!w) {
        w = calloc (1, sizeof *w);
        if (!w) {
            free (key);
            return NULL;
        }
        w->identity = zframe_dup (identity);
        w->seq = ++self->seq ? self->seq : ++self->seq;
        w->new = true;
        w->lag_floor[0] = w->lag_floor[1] = w->back_floor = INT64_MAX;
        snprintf (w->name, sizeof w->name, "%s", name ? name : key);
        zhashx_insert (self->workers, key, w);
        eod_log_info ("fetcher %s joined", w->name);
    }
    free (key);
    w->last_seen_ms = now_ms;
    return w;
}

void
coordinator_workers_remove (coordinator_workers_t *self, coordinator_worker_t *w)
{
    char *hex = zframe_strhex (w->identity);
    zhashx_delete (self->workers, hex);
    free (hex);
}

size_t
coordinator_workers_size (coordinator_workers_t *self)
{
    return zhashx_size (self->workers);
}

coordinator_worker_t *
coordinator_workers_first (coordinator_workers_t *self)
{
    return zhashx_first (self->workers);
}

coordinator_worker_t *
coordinator_workers_next (coordinator_workers_t *self)
{
    return zhashx_next (self->workers);
}

const char *
coordinator_workers_name (coordinator_workers_t *self, uint32_t seq)
{
    for (coordinator_worker_t *w = zhashx_first (self->workers); w; w = zhashx_next (self->workers))
        if (w->seq == seq)
            return w->name;
    return "a fetcher gone";
}

coordinator_worker_t *
coordinator_workers_ready (coordinator_workers_t *self)
{
    coordinator_worker_t *best = NULL;
    for (coordinator_worker_t *w = zhashx_first (self->workers); w; w = zhashx_next (self->workers))
        if (w->credit > 0 && (!best || w->last_seen_ms < best->last_seen_ms))
            best = w;   //  least recently served first
    return best;
}

void
coordinator_workers_reap (coordinator_workers_t *self, int64_t now_ms, int64_t dead_after_ms,
                          coordinator_workers_gone_fn *gone, void *arg)
{
    zlistx_t *dead = zlistx_new ();
    for (coordinator_worker_t *w = zhashx_first (self->workers); w; w = zhashx_next (self->workers))
        if (now_ms - w->last_seen_ms > dead_after_ms)
            zlistx_add_end (dead, (void *) zhashx_cursor (self->workers));
    for (const char *hex = zlistx_first (dead); hex; hex = zlistx_next (dead)) {
        gone (zhashx_lookup (self->workers, hex), arg);
        zhashx_delete (self->workers, hex);
    }
    zlistx_destroy (&dead);
}

void
coordinator_worker_on_clock (coordinator_worker_t *w, int64_t sent_us, int64_t now_us)
{
    if (sent_us <= 0)
        return;
    int64_t back = sent_us - now_us;
    if (back <= S_CLOCKS_APART_MAX && back >= -S_CLOCKS_APART_MAX && back < w->back_floor)
        w->back_floor = back;
}

bool
coordinator_worker_on_sent (coordinator_worker_t *w, int64_t dispatched_us, int64_t sent_us, int64_t now_us,
                            int64_t *left_us)
{
    if (sent_us <= 0)
        return false;
    int64_t lag = sent_us - dispatched_us;
    if (lag > S_CLOCKS_APART_MAX || lag < -S_CLOCKS_APART_MAX)
        return false;
    if (w->lag_samples++ % COORDINATOR_LAG_BLOCK == 0) {
        w->lag_floor[1] = w->lag_floor[0];
        w->lag_floor[0] = lag;
    }
    else if (lag < w->lag_floor[0])
        w->lag_floor[0] = lag;
    int64_t floor = w->lag_floor[0] < w->lag_floor[1] ? w->lag_floor[0] : w->lag_floor[1];
    if (w->lag_samples <= COORDINATOR_LAG_FIRST && w->back_floor < floor)
        floor = w->back_floor;
    int64_t late = lag - floor;
    if (late <= COORDINATOR_LATE_MIN_US)
        return false;
    //  However late it left, it left before its RESULT came.
    if (late > now_us - dispatched_us)
        late = now_us - dispatched_us;
    w->late++;
    if (late > w->late_max_us)
        w->late_max_us = late;
    *left_us = dispatched_us + late;
    return true;
}

void
coordinator_workers_report (coordinator_workers_t *self)
{
    for (coordinator_worker_t *w = zhashx_first (self->workers); w; w = zhashx_next (self->workers)) {
        eod_log_info ("fetcher %s returned %ld result(s) and sent %ld READY in this run; %ld request(s) left "
                      "late, the latest %.1f ms past its quickest",
                      w->name, w->results, w->readies, w->late, (double) w->late_max_us / 1000.0);
        w->results = w->readies = w->late = 0;
        w->late_max_us = 0;
    }
}
