/*  sim_kr_walk — KRX price rules and the deterministic KR price walk with
    its checkpoints. See sim_kr_walk.h. */
#include "sim_kr_walk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SIM_WALK_START_YMD 20100104   //  first day of every price walk (no KR bars before it)
#define SIM_WALK_REVERT 0.995         //  mean reversion keeps prices near base
#define SIM_WALK_SIGMA 0.02           //  daily log-return scale
#define SIM_LIMIT_RATIO 0.30          //  KRX daily price limit +-30%

//  KRX tick size by price (since 2023).
long long
sim_kr_tick (long long price)
{
    if (price < 2000)
        return 1;
    if (price < 5000)
        return 5;
    if (price < 20000)
        return 10;
    if (price < 50000)
        return 50;
    if (price < 200000)
        return 100;
    if (price < 500000)
        return 500;
    return 1000;
}

static long long
s_round_tick (double price)
{
    if (price < 1)
        return 1;
    long long tick = sim_kr_tick ((long long) price);
    long long rounded = llround (price / (double) tick) * tick;
    return rounded < 1 ? 1 : rounded;
}

long long
sim_kr_upper_limit (long long prev)
{
    double raw = (double) prev * (1 + SIM_LIMIT_RATIO);
    long long tick = sim_kr_tick ((long long) raw);
    return (long long) (raw / (double) tick) * tick;
}

const char *
sim_kr_sign (const sim_kr_bar_t *bar)
{
    if (bar->close > bar->prev_close)
        return bar->close >= sim_kr_upper_limit (bar->prev_close) ? "1" : "2";
    if (bar->close < bar->prev_close)
        return bar->close <= sim_kr_lower_limit (bar->prev_close) ? "4" : "5";
    return "3";
}

long long
sim_kr_lower_limit (long long prev)
{
    double raw = (double) prev * (1 - SIM_LIMIT_RATIO);
    long long tick = sim_kr_tick ((long long) raw);
    long long value = (long long) ceil (raw / (double) tick) * tick;
    return value < 1 ? 1 : value;
}

//  The walk's state before a day: everything the next bar depends on.
typedef struct {
    double x;
    long long prev;
} s_walk_state_t;

//  Walk checkpoints: each instrument's state every SIM_CHECKPOINT_DAYS
//  calendar days from the walk's start, filled as requests reach further.
//  A chart request then walks from the last checkpoint that still leaves room
//  for a full page of bars instead of from the year 2000: the bars are the
//  same, and a request costs microseconds rather than milliseconds.
#define SIM_CHECKPOINT_DAYS 64
#define SIM_CHECKPOINT_MARGIN_DAYS 240   //  calendar days holding > 101 trading days
#define SIM_CHECKPOINT_LEAD_DAYS 21      //  calendar days before a first asked day holding the bar before it
#define SIM_CHECKPOINT_BUCKETS 4096

typedef struct s_checkpoints {
    struct s_checkpoints *next;   //  hash chain
    const sim_instrument_t *inst;
    size_t count;   //  states known: state[k] is before start + k * DAYS
    s_walk_state_t *state;
} s_checkpoints_t;

static pthread_mutex_t s_checkpoints_lock = PTHREAD_MUTEX_INITIALIZER;
static s_checkpoints_t *s_checkpoints[SIM_CHECKPOINT_BUCKETS];

void
sim_kr_walk_free_checkpoints (void)
{
    pthread_mutex_lock (&s_checkpoints_lock);
    for (size_t i = 0; i < SIM_CHECKPOINT_BUCKETS; i++)
        while (s_checkpoints[i]) {
            s_checkpoints_t *c = s_checkpoints[i];
            s_checkpoints[i] = c->next;
            free (c->state);
            free (c);
        }
    pthread_mutex_unlock (&s_checkpoints_lock);
}

typedef struct {
    uint64_t code_seed;
    double base_volume;
    long long base_price;
} s_walk_params_t;

//  One day of the walk: the bar of day d (when bar is not NULL) and the state
//  after it.
static void
s_walk_day (const s_walk_params_t *p, int32_t d, s_walk_state_t *state, sim_kr_bar_t *bar)
{
    uint64_t h = sim_hash (p->code_seed, (uint64_t) d, 0);
    state->x = SIM_WALK_REVERT * state->x + SIM_WALK_SIGMA * sim_gauss (h);
    double target = (double) p->base_price * exp (state->x);
    long long prev = state->prev;
    double hi_limit = (double) prev * (1 + SIM_LIMIT_RATIO), lo_limit = (double) prev * (1 - SIM_LIMIT_RATIO);
    if (target > hi_limit)
        target = hi_limit;
    if (target < lo_limit)
        target = lo_limit;
    long long close = s_round_tick (target);
    state->prev = close;
    if (!bar)
        return;
    bar->ymd = sim_ymd_from_days (d);
    bar->prev_close = prev;
    bar->close = close;
    bar->open = s_round_tick ((double) prev * (1 + 0.01 * sim_gauss (h ^ 3)));
    long long top = bar->open > bar->close ? bar->open : bar->close;
    long long bottom = bar->open < bar->close ? bar->open : bar->close;
    bar->high = s_round_tick ((double) top * (1 + 0.01 * fabs (sim_gauss (h ^ 5))));
    bar->low = s_round_tick ((double) bottom * (1 - 0.01 * fabs (sim_gauss (h ^ 7))));
    if (bar->high < top)
        bar->high = top;
    if (bar->low > bottom)
        bar->low = bottom;
    double volume = p->base_volume * exp (0.6 * sim_gauss (h ^ 11));
    bar->volume = volume < 1 ? 1 : llround (volume);
    bar->value = llround ((double) bar->volume * (double) (bar->open + bar->high + bar->low + bar->close) / 4.0);
}

//  The walk's state before day start + k * SIM_CHECKPOINT_DAYS, from the
//  checkpoints (extended as needed). False when memory runs out: the caller
//  walks from the start.
static bool
s_checkpoint (sim_t *self, const sim_instrument_t *inst, const s_walk_params_t *p, size_t k, s_walk_state_t *out)
{
    int32_t start = sim_days_from_ymd (SIM_WALK_START_YMD);
    size_t bucket = ((uintptr_t) inst >> 4) % SIM_CHECKPOINT_BUCKETS;
    bool ok = false;
    pthread_mutex_lock (&s_checkpoints_lock);
    s_checkpoints_t *c = s_checkpoints[bucket];
    while (c && c->inst != inst)
        c = c->next;
    if (!c && (c = calloc (1, sizeof *c))) {
        c->inst = inst;
        c->next = s_checkpoints[bucket];
        s_checkpoints[bucket] = c;
    }
    if (c && c->count <= k) {
        s_walk_state_t *grown = realloc (c->state, (k + 1) * sizeof *grown);
        if (grown) {
            c->state = grown;
            if (c->count == 0) {
                c->state[0] = (s_walk_state_t){0, p->base_price};
                c->count = 1;
            }
            for (; c->count <= k; c->count++) {
                s_walk_state_t st = c->state[c->count - 1];
                int32_t from = start + (int32_t) ((c->count - 1) * SIM_CHECKPOINT_DAYS);
                for (int32_t d = from; d < from + SIM_CHECKPOINT_DAYS; d++)
                    if (sim_calendar_trading (self->calendar, d))
                        s_walk_day (p, d, &st, NULL);
                c->state[c->count] = st;
            }
        }
    }
    if (c && c->count > k) {
        *out = c->state[k];
        ok = true;
    }
    pthread_mutex_unlock (&s_checkpoints_lock);
    return ok;
}

static s_walk_params_t
s_walk_params (sim_t *self, const sim_instrument_t *inst)
{
    return (s_walk_params_t){.code_seed = sim_hash (self->config->seed, sim_hash_str (inst->code), 0x9a1c),
                             .base_volume = (double) inst->shares_k * 1000.0 * 0.002,   //  0.2% daily turnover
                             .base_price = inst->base_price};
}

//  The checkpoint a walk of the bars from first_days through end_days starts
//  from (0: the walk's start): the latest one that leaves room for the bar
//  before first_days, or for a full ring before end_days, whichever is later.
//  A day's quote then walks a few weeks, not most of a year.
static size_t
s_checkpoint_index (int32_t first_days, int32_t end_days)
{
    int32_t start = sim_days_from_ymd (SIM_WALK_START_YMD);
    int32_t from = end_days - SIM_CHECKPOINT_MARGIN_DAYS;
    if (first_days - SIM_CHECKPOINT_LEAD_DAYS > from)
        from = first_days - SIM_CHECKPOINT_LEAD_DAYS;
    if (from - start <= 0)
        return 0;
    return (size_t) (from - start) / SIM_CHECKPOINT_DAYS;
}

void
sim_kr_walk_warm (sim_t *self, int32_t end_days)
{
    size_t k = s_checkpoint_index (end_days, end_days);
    for (size_t i = 0; k > 0 && i < sim_master_count (self->master); i++) {
        const sim_instrument_t *inst = sim_master_at (self->master, i);
        s_walk_params_t p = s_walk_params (self, inst);
        s_walk_state_t state;
        s_checkpoint (self, inst, &p, k, &state);
    }
}

//  Walks the instrument's prices over every trading day from the walk's start
//  through end_days (from the nearest checkpoint that leaves room for a full
//  ring), keeping the bars an answer from first_days on reads: those of the
//  days from first_days, the one before them, and at least the last two
//  (output1), at most SIM_CHART_ROWS_MAX + 1.
void
sim_kr_walk_fill (sim_t *self, const sim_instrument_t *inst, int32_t first_days, int32_t end_days, sim_kr_walk_t *walk)
{
    memset (walk, 0, sizeof *walk);
    s_walk_params_t p = s_walk_params (self, inst);
    int32_t start = sim_days_from_ymd (SIM_WALK_START_YMD);
    s_walk_state_t state = {0, inst->base_price};
    int32_t from = start;
    size_t k = s_checkpoint_index (first_days, end_days);
    if (k > 0 && s_checkpoint (self, inst, &p, k, &state))
        from = start + (int32_t) (k * SIM_CHECKPOINT_DAYS);
    else
        state = (s_walk_state_t){0, inst->base_price};
    //  Only the bars kept need drawing: the days before them only move the
    //  state (one draw instead of five).
    size_t trading = 0, asked = 0;
    for (int32_t d = from; d <= end_days; d++)
        if (sim_calendar_trading (self->calendar, d)) {
            trading++;
            asked += d >= first_days;
        }
    size_t keep = asked + 1 < 2 ? 2 : asked + 1;
    if (keep > SIM_CHART_ROWS_MAX + 1)
        keep = SIM_CHART_ROWS_MAX + 1;
    size_t unseen = trading > keep ? trading - keep : 0;
    for (int32_t d = from; d <= end_days; d++) {
        if (!sim_calendar_trading (self->calendar, d))
            continue;
        if (unseen > 0) {
            s_walk_day (&p, d, &state, NULL);
            unseen--;
            continue;
        }
        s_walk_day (&p, d, &state, &walk->ring[walk->next]);
        walk->next = (walk->next + 1) % (SIM_CHART_ROWS_MAX + 1);
        if (walk->count < SIM_CHART_ROWS_MAX + 1)
            walk->count++;
    }
}

//  The i-th most recent bar (0 = latest) or NULL.
const sim_kr_bar_t *
sim_kr_walk_bar (const sim_kr_walk_t *walk, size_t i)
{
    if (i >= walk->count)
        return NULL;
    size_t n = SIM_CHART_ROWS_MAX + 1;
    return &walk->ring[(walk->next + n - 1 - i) % n];
}
