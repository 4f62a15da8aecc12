/*  sim_stats — the counters behind GET /_sim/stats, kept as JSON objects so
    the document is a deep copy of them. See sim_stats.h. */
#include "sim_stats.h"
#include "sim_kis.h"
#include "sim_slack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct sim_stats_t {
    json_t *requests;   //  endpoint -> appkey -> n
    json_t *counters;   //  rate_limited, tokens_issued, ...
    json_t *rate_limited_by_key;
    json_t *faults;
    json_t *max_in_window;
    json_t *tightest_span_ms;   //  appkey -> the least time rate + 1 arrivals took
    json_t *chk_holiday_by_day;
    json_t *chunks;     //  "CODE FROM TO" -> n (chart requests served)
    json_t *first_at;   //  endpoint -> its first request (epoch s, wall clock)
    json_t *last_at;    //  endpoint -> its last request
};

static const char *s_counter_names[] = {"rate_limited",      "tokens_issued",        "token_requests",
                                        "chk_holiday_calls", "dailyprice_continued", NULL};

static void
s_stats_fill (sim_stats_t *self)
{
    self->requests = json_object ();
    self->counters = json_object ();
    for (size_t i = 0; s_counter_names[i]; i++)
        json_object_set_new (self->counters, s_counter_names[i], json_integer (0));
    self->rate_limited_by_key = json_object ();
    self->faults = json_object ();
    self->max_in_window = json_object ();
    self->tightest_span_ms = json_object ();
    self->chk_holiday_by_day = json_object ();
    self->chunks = json_object ();
    self->first_at = json_object ();
    self->last_at = json_object ();
}

static void
s_stats_empty (sim_stats_t *self)
{
    json_decref (self->requests);
    json_decref (self->counters);
    json_decref (self->rate_limited_by_key);
    json_decref (self->faults);
    json_decref (self->max_in_window);
    json_decref (self->tightest_span_ms);
    json_decref (self->chk_holiday_by_day);
    json_decref (self->chunks);
    json_decref (self->first_at);
    json_decref (self->last_at);
}

sim_stats_t *
sim_stats_new (void)
{
    sim_stats_t *self = calloc (1, sizeof *self);
    if (self)
        s_stats_fill (self);
    return self;
}

void
sim_stats_destroy (sim_stats_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_stats_empty (*self_p);
    free (*self_p);
    *self_p = NULL;
}

static void
s_increment (json_t *object, const char *key, long n)
{
    json_t *value = json_object_get (object, key);
    json_object_set_new (object, key, json_integer ((value ? json_integer_value (value) : 0) + n));
}

void
sim_stats_add_locked (sim_t *self, const char *counter, long n)
{
    s_increment (self->stats->counters, counter, n);
}

void
sim_stats_request (sim_t *self, const char *endpoint, const char *appkey)
{
    pthread_mutex_lock (&self->lock);
    json_t *by_key = json_object_get (self->stats->requests, endpoint);
    if (!by_key) {
        by_key = json_object ();
        json_object_set_new (self->stats->requests, endpoint, by_key);
    }
    s_increment (by_key, appkey && *appkey ? appkey : "-", 1);
    //  When requests began and ended, for a benchmark's rate over exactly
    //  that span.
    struct timespec now;
    clock_gettime (CLOCK_REALTIME, &now);
    json_t *at = json_real ((double) now.tv_sec + (double) now.tv_nsec / 1e9);
    if (!json_object_get (self->stats->first_at, endpoint))
        json_object_set (self->stats->first_at, endpoint, at);
    json_object_set_new (self->stats->last_at, endpoint, at);
    pthread_mutex_unlock (&self->lock);
}

void
sim_stats_chunk (sim_t *self, const char *code, int from, int to)
{
    char key[64];
    snprintf (key, sizeof key, "%.12s %08d %08d", code, from, to);
    pthread_mutex_lock (&self->lock);
    s_increment (self->stats->chunks, key, 1);
    pthread_mutex_unlock (&self->lock);
}

void
sim_stats_fault (sim_t *self, const char *kind)
{
    pthread_mutex_lock (&self->lock);
    s_increment (self->stats->faults, kind, 1);
    pthread_mutex_unlock (&self->lock);
}

void
sim_stats_rate_limited (sim_t *self, const char *appkey)
{
    pthread_mutex_lock (&self->lock);
    s_increment (self->stats->counters, "rate_limited", 1);
    s_increment (self->stats->rate_limited_by_key, appkey && *appkey ? appkey : "-", 1);
    pthread_mutex_unlock (&self->lock);
}

void
sim_stats_window_locked (sim_t *self, const char *appkey, size_t in_window)
{
    const char *key = appkey && *appkey ? appkey : "-";
    json_t *value = json_object_get (self->stats->max_in_window, key);
    if (!value || json_integer_value (value) < (json_int_t) in_window)
        json_object_set_new (self->stats->max_in_window, key, json_integer ((json_int_t) in_window));
}

void
sim_stats_span_locked (sim_t *self, const char *appkey, int64_t span_ns)
{
    if (span_ns < 0)
        return;
    const char *key = appkey && *appkey ? appkey : "-";
    double ms = (double) span_ns / 1e6;
    json_t *value = json_object_get (self->stats->tightest_span_ms, key);
    if (!value || json_real_value (value) > ms)
        json_object_set_new (self->stats->tightest_span_ms, key, json_real (ms));
}

void
sim_stats_chk_holiday_locked (sim_t *self, int ymd)
{
    char day[16];
    snprintf (day, sizeof day, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
    s_increment (self->stats->counters, "chk_holiday_calls", 1);
    s_increment (self->stats->chk_holiday_by_day, day, 1);
}

json_t *
sim_stats_json (sim_t *self)
{
    pthread_mutex_lock (&self->lock);
    sim_stats_t *stats = self->stats;
    json_t *json = json_object ();
    json_object_set_new (json, "requests", json_deep_copy (stats->requests));
    json_object_set_new (json, "chunks", json_deep_copy (stats->chunks));
    json_object_set (json, "rate_limited", json_object_get (stats->counters, "rate_limited"));
    json_object_set_new (json, "rate_limited_by_key", json_deep_copy (stats->rate_limited_by_key));
    json_object_set (json, "tokens_issued", json_object_get (stats->counters, "tokens_issued"));
    json_object_set (json, "token_requests", json_object_get (stats->counters, "token_requests"));
    json_object_set_new (json, "slack_messages", json_integer (sim_slack_count_locked (self->slack)));
    json_object_set_new (json, "faults", json_deep_copy (stats->faults));
    json_object_set (json, "chk_holiday_calls", json_object_get (stats->counters, "chk_holiday_calls"));
    json_object_set_new (json, "chk_holiday_calls_by_day", json_deep_copy (stats->chk_holiday_by_day));
    json_object_set (json, "dailyprice_continued", json_object_get (stats->counters, "dailyprice_continued"));
    json_object_set_new (json, "max_in_window", json_deep_copy (stats->max_in_window));
    json_object_set_new (json, "tightest_span_ms", json_deep_copy (stats->tightest_span_ms));
    json_object_set_new (json, "first_at", json_deep_copy (stats->first_at));
    json_object_set_new (json, "last_at", json_deep_copy (stats->last_at));
    pthread_mutex_unlock (&self->lock);
    return json;
}

void
sim_stats_reset (sim_t *self)
{
    pthread_mutex_lock (&self->lock);
    s_stats_empty (self->stats);
    s_stats_fill (self->stats);
    sim_kis_reset_locked (self->kis);
    sim_slack_reset_locked (self->slack);
    pthread_mutex_unlock (&self->lock);
}
