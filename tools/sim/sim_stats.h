/*  sim_stats — the counters behind GET /_sim/stats: requests per endpoint and
    app key (with the wall-clock times of the first and last), chart chunks
    served, rate-limit rejections, injected faults, the limiter's fullest
    window and tightest span per key, chk-holiday calls per day. Tests and
    benchmarks read them to check what eod asked for; POST /_sim/reset clears
    them (and the KIS and Slack state that goes with them). Everything here
    works on sim_t.stats under sim_t.lock. */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include "sim.h"

//  Stats: all take the lock themselves unless named _locked.
sim_stats_t *sim_stats_new (void);
void sim_stats_destroy (sim_stats_t **self_p);
void sim_stats_request (sim_t *self, const char *endpoint, const char *appkey);
void sim_stats_fault (sim_t *self, const char *kind);
void sim_stats_rate_limited (sim_t *self, const char *appkey);
//  Counts one served chart request of code over [from, to] (YYYYMMDD).
void sim_stats_chunk (sim_t *self, const char *code, int from, int to);
void sim_stats_window_locked (sim_t *self, const char *appkey, size_t in_window);
//  The time the key's last rate + 1 arrivals took (ns, -1: not yet): the
//  stats keep the least, tightest_span_ms.
void sim_stats_span_locked (sim_t *self, const char *appkey, int64_t span_ns);
void sim_stats_add_locked (sim_t *self, const char *counter, long n);
void sim_stats_chk_holiday_locked (sim_t *self, int ymd);
//  The /_sim/stats document (new reference).
json_t *sim_stats_json (sim_t *self);
//  Empties every counter, the KIS keys' request counts and the accepted
//  Slack messages (POST /_sim/reset).
void sim_stats_reset (sim_t *self);

#endif
