/*  sim_kis — the KIS Open API double eod-coordinator and eod-fetcher talk to:
    POST /oauth2/tokenP (6-hour reuse, 1-per-minute issuance, JWT-shaped tokens
    on the sim's clock), the per-app-key sliding-log limiter (EGW00201), the
    injected faults, the daily chart FHKST03010100 with deterministic prices
    from (seed, code, date) on the XKRX calendar, chk-holiday CTCA0903R, and
    the common path of the overseas daily price HHDFS76240000 (sim_us answers it).
    Behaviour follows reference/kis-open-api.md §2–5 and §8. */
#include "sim.h"

#include "eod_log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_NS_PER_S 1000000000LL
#define SIM_WINDOW_NS SIM_NS_PER_S           //  the limiter's 1-second window
#define SIM_KEYS_MAX 1024                    //  distinct appkey header values tracked
#define SIM_CHART_ROWS_MAX 100               //  "한 번의 호출에 최대 100건"
#define SIM_WALK_START_YMD 20100104          //  first day of every price walk (no KR bars before it)
#define SIM_WALK_REVERT 0.995                //  mean reversion keeps prices near base
#define SIM_WALK_SIGMA 0.02                  //  daily log-return scale
#define SIM_LIMIT_RATIO 0.30                 //  KRX daily price limit +-30%
#define SIM_HOLIDAY_PAGE_DAYS 24             //  chk-holiday page size
#define SIM_CTX_WIDTH 20                     //  ctx_area_* padding
#define SIM_TR_CHART "FHKST03010100"
#define SIM_TR_HOLIDAY "CTCA0903R"
#define SIM_TR_OVERSEAS_DAILY "HHDFS76240000"

#define SIM_MSG_OK "정상처리 되었습니다."
#define SIM_MSG_MORE "조회가 계속됩니다..다음버튼을 Click 하십시오.                                   "
#define SIM_MSG_RATE "초당 거래건수를 초과하였습니다."
#define SIM_MSG_EXPIRED "기간이 만료된 token 입니다."
#define SIM_MSG_INVALID_TOKEN "유효하지 않은 token 입니다"
#define SIM_MSG_BAD_KEY "유효하지 않은 AppKey입니다."
#define SIM_MSG_BAD_SECRET "유효하지 않은 AppSecret입니다."
#define SIM_MSG_THROTTLE "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)"
#define SIM_MSG_NO_TR "없는 서비스 코드 입니다"

typedef struct {
    char *token;
    char *appkey;
    double issued;                           //  sim epoch seconds
    double expires;
    bool expired;                            //  forced by --fault-token-expire-after
} s_token_t;

typedef struct {
    char *appkey;
    int64_t *log;                            //  ring of arrival times (monotonic ns)
    size_t head, count, cap;
    int64_t *recent;                         //  the last rate + 1 arrivals as counted, a ring
    size_t recent_head, recent_count, recent_cap;
    long data_requests;
    bool expire_fired;
    bool issued_once;
    double last_issue;
    long current;                            //  index into tokens, -1 none
} s_key_t;

struct sim_kis_t {
    s_token_t *tokens;
    size_t ntokens, tokens_cap;
    s_key_t *keys;
    size_t nkeys, keys_cap;
    uint64_t token_seq;
};

sim_kis_t *
sim_kis_new (void)
{
    return calloc (1, sizeof (sim_kis_t));
}

static void s_checkpoints_free (void);

void
sim_kis_destroy (sim_kis_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_checkpoints_free ();
    sim_kis_t *self = *self_p;
    for (size_t i = 0; i < self->ntokens; i++) {
        free (self->tokens[i].token);
        free (self->tokens[i].appkey);
    }
    for (size_t i = 0; i < self->nkeys; i++) {
        free (self->keys[i].appkey);
        free (self->keys[i].log);
        free (self->keys[i].recent);
    }
    free (self->tokens);
    free (self->keys);
    free (self);
    *self_p = NULL;
}

void
sim_kis_reset_locked (sim_kis_t *self)
{
    for (size_t i = 0; i < self->nkeys; i++) {
        self->keys[i].data_requests = 0;
        self->keys[i].expire_fired = false;
    }
}

//  The state of one appkey (created on first sight); NULL when out of memory.
static s_key_t *
s_key_locked (sim_kis_t *self, const char *appkey)
{
    if (!appkey || !*appkey)
        appkey = "-";
    for (size_t i = 0; i < self->nkeys; i++)
        if (strcmp (self->keys[i].appkey, appkey) == 0)
            return &self->keys[i];
    if (self->nkeys >= SIM_KEYS_MAX)
        return s_key_locked (self, "-");     //  a flood of junk keys shares one slot
    if (self->nkeys == self->keys_cap) {
        size_t cap = self->keys_cap ? self->keys_cap * 2 : 8;
        s_key_t *grown = realloc (self->keys, cap * sizeof *grown);
        if (!grown)
            return NULL;
        self->keys = grown;
        self->keys_cap = cap;
    }
    s_key_t *key = &self->keys[self->nkeys];
    memset (key, 0, sizeof *key);
    key->appkey = strdup (appkey);
    key->current = -1;
    if (!key->appkey)
        return NULL;
    self->nkeys++;
    return key;
}

//  Counts one arrival in the key's sliding log; returns how many arrivals
//  (this one included) fall in (now - 1 s, now]. Rejected attempts count too.
//  Arrivals are kept in order: one stamped before the last (two requests
//  whose jitter crossed) is counted at the last one's time, which can only
//  count more.
static size_t
s_limiter_count_locked (s_key_t *key, int64_t now)
{
    if (key->count > 0 && now < key->log[(key->head + key->count - 1) % key->cap])
        now = key->log[(key->head + key->count - 1) % key->cap];
    while (key->count > 0 && key->log[key->head] <= now - SIM_WINDOW_NS) {
        key->head = (key->head + 1) % key->cap;
        key->count--;
    }
    if (key->count == key->cap) {
        size_t cap = key->cap ? key->cap * 2 : 64;
        int64_t *grown = malloc (cap * sizeof *grown);
        if (!grown)
            return key->count + 1;
        for (size_t i = 0; i < key->count; i++)
            grown[i] = key->log[(key->head + i) % key->cap];
        free (key->log);
        key->log = grown;
        key->head = 0;
        key->cap = cap;
    }
    key->log[(key->head + key->count) % key->cap] = now;
    key->count++;
    return key->count;
}

//  The time the key's last rate + 1 arrivals (as the limiter counted them)
//  took, in ns; -1 before rate + 1 came. Under 1 s is a rejection; how far
//  over it the tightest of a run stayed is the client's slack.
static int64_t
s_span_locked (s_key_t *key, size_t rate)
{
    size_t n = rate + 1;
    if (key->recent_cap != n) {
        free (key->recent);
        key->recent = calloc (n, sizeof *key->recent);
        key->recent_cap = key->recent ? n : 0;
        key->recent_head = key->recent_count = 0;
        if (!key->recent)
            return -1;
    }
    int64_t arrival = key->log[(key->head + key->count - 1) % key->cap];
    key->recent[key->recent_head] = arrival;
    key->recent_head = (key->recent_head + 1) % n;
    if (key->recent_count < n)
        key->recent_count++;
    return key->recent_count < n ? -1 : arrival - key->recent[key->recent_head];
}

static const sim_app_t *
s_app (sim_t *self, const char *appkey)
{
    for (size_t i = 0; appkey && i < self->config->napps; i++)
        if (strcmp (self->config->apps[i].key, appkey) == 0)
            return &self->config->apps[i];
    return NULL;
}

//  --- tokenP ----------------------------------------------------------------------

static void
s_token_error (sim_response_t *resp, const char *code, const char *text)
{
    json_t *json = json_pack ("{s:s, s:s}", "error_description", text, "error_code", code);
    sim_respond_json (resp, MHD_HTTP_FORBIDDEN, json);
    json_decref (json);
}

static char *
s_base64url (const unsigned char *data, size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = malloc (len * 4 / 3 + 4);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t) data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t) data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        out[o++] = alphabet[(v >> 18) & 63];
        out[o++] = alphabet[(v >> 12) & 63];
        if (i + 1 < len)
            out[o++] = alphabet[(v >> 6) & 63];
        if (i + 2 < len)
            out[o++] = alphabet[v & 63];
    }
    out[o] = '\0';
    return out;
}

//  A JWT-shaped token whose payload names the app key in jti.
static char *
s_token_make (sim_t *self, const char *appkey, double now, double expires)
{
    uint64_t seq = ++self->kis->token_seq;
    char payload[512];
    snprintf (payload, sizeof payload,
              "{\"sub\":\"token\",\"aud\":\"sim-%016llx\",\"prdt_cd\":\"\",\"iss\":\"unogw\","
              "\"exp\":%.0f,\"iat\":%.0f,\"jti\":\"%s\"}",
              (unsigned long long) sim_hash (self->config->seed, seq, 0xa0d), expires, now, appkey);
    const char *header = "{\"typ\":\"JWT\",\"alg\":\"HS512\"}";
    unsigned char signature[64];
    for (size_t i = 0; i < sizeof signature; i += 8) {
        uint64_t h = sim_hash (self->config->seed ^ seq, sim_hash_str (appkey), i);
        memcpy (signature + i, &h, 8);
    }
    char *h64 = s_base64url ((const unsigned char *) header, strlen (header));
    char *p64 = s_base64url ((const unsigned char *) payload, strlen (payload));
    char *s64 = s_base64url (signature, sizeof signature);
    char *token = NULL;
    if (h64 && p64 && s64) {
        size_t size = strlen (h64) + strlen (p64) + strlen (s64) + 3;
        token = malloc (size);
        if (token)
            snprintf (token, size, "%s.%s.%s", h64, p64, s64);
    }
    free (h64);
    free (p64);
    free (s64);
    return token;
}

static void
s_token_answer (sim_response_t *resp, const s_token_t *token, double now)
{
    char expired[32];
    sim_format_kst ((time_t) token->expires, expired, sizeof expired);
    json_t *json = json_pack ("{s:s, s:s, s:s, s:I}", "access_token", token->token,
                              "access_token_token_expired", expired, "token_type", "Bearer",
                              "expires_in", (json_int_t) llround (token->expires - now));
    sim_respond_json (resp, MHD_HTTP_OK, json);
    json_decref (json);
}

//  Room for one more token. 0 or -1 (no memory; the list is unchanged).
static int
s_tokens_reserve_locked (sim_kis_t *self)
{
    if (self->ntokens < self->tokens_cap)
        return 0;
    size_t cap = self->tokens_cap ? self->tokens_cap * 2 : 8;
    s_token_t *grown = realloc (self->tokens, cap * sizeof *grown);
    if (!grown)
        return -1;
    self->tokens = grown;
    self->tokens_cap = cap;
    return 0;
}

void
sim_kis_token (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    json_error_t error;
    json_t *body = req->body ? json_loadb (req->body, req->body_len, 0, &error) : NULL;
    const char *grant = json_string_value (json_object_get (body, "grant_type"));
    const char *appkey = json_string_value (json_object_get (body, "appkey"));
    const char *secret = json_string_value (json_object_get (body, "appsecret"));
    sim_stats_request (self, "tokenP", appkey);
    const sim_app_t *app = s_app (self, appkey);
    double now = sim_clock_now ();

    pthread_mutex_lock (&self->lock);
    sim_stats_add_locked (self, "token_requests", 1);
    s_key_t *key = app ? s_key_locked (self->kis, appkey) : NULL;
    if (!json_is_object (body) || !grant || strcmp (grant, "client_credentials") != 0)
        s_token_error (resp, "EGW00102", "grant_type이 유효하지 않습니다.");
    else if (!app)
        s_token_error (resp, "EGW00103", SIM_MSG_BAD_KEY);
    else if (!secret || strcmp (secret, app->secret) != 0)
        s_token_error (resp, "EGW00105", SIM_MSG_BAD_SECRET);
    else if (!key)
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00002", "서버 에러");
    else {
        s_token_t *current = key->current >= 0 ? &self->kis->tokens[key->current] : NULL;
        if (current && !current->expired && now < current->expires
            && now - current->issued < self->config->token_reuse_s)
            s_token_answer (resp, current, now);
        else if (key->issued_once && now - key->last_issue < self->config->token_throttle_s)
            s_token_error (resp, "EGW00133", SIM_MSG_THROTTLE);
        else if (s_tokens_reserve_locked (self->kis))
            sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00002", "서버 에러");
        else {
            s_token_t *token = &self->kis->tokens[self->kis->ntokens];
            memset (token, 0, sizeof *token);
            token->issued = now;
            token->expires = now + self->config->token_ttl_s;
            token->token = s_token_make (self, appkey, now, token->expires);
            token->appkey = strdup (appkey);
            if (!token->token || !token->appkey) {
                free (token->token);
                free (token->appkey);
                sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00002", "서버 에러");
            }
            else {
                key->current = (long) self->kis->ntokens++;
                key->issued_once = true;
                key->last_issue = now;
                sim_stats_add_locked (self, "tokens_issued", 1);
                s_token_answer (resp, token, now);
            }
        }
    }
    pthread_mutex_unlock (&self->lock);
    json_decref (body);
}

//  --- the common path of data endpoints -----------------------------------------

typedef struct {
    bool badjson;                            //  truncate the answer (fault)
    const char *tr_id;
} s_data_t;

//  Network, limiter, server time, faults, credentials and tr_id, in the order a
//  real request meets them. True when the handler should build its answer;
//  false when resp already holds the (error or fault) answer.
static bool
s_data_begin (sim_t *self, sim_request_t *req, sim_response_t *resp, const char *endpoint,
              const char *tr_expected, s_data_t *data)
{
    sim_config_t *config = self->config;
    const char *appkey = sim_request_header (req, "appkey");
    //  The request arrives after the network's jitter: the limiter counts it
    //  at receipt + jitter, not at the moment this thread wakes up from the
    //  sleep that models the jitter (on a busy host that can be later, and
    //  the lateness is the simulator's, not the network's: it is counted in
    //  the stats, arrival_late_5ms / arrival_late_20ms).
    int64_t received = sim_mono_ns ();
    long jitter = config->arrival_jitter_ms > 0 ? lround (sim_random (self) * (double) config->arrival_jitter_ms) : 0;
    sim_sleep_ms (jitter);
    int64_t arrival = received + jitter * 1000000LL;
    int64_t late = sim_mono_ns () - arrival;

    pthread_mutex_lock (&self->lock);
    if (late > 5000000LL)
        sim_stats_add_locked (self, "arrival_late_5ms", 1);
    if (late > 20000000LL)
        sim_stats_add_locked (self, "arrival_late_20ms", 1);
    s_key_t *key = s_key_locked (self->kis, appkey);
    size_t in_window = key ? s_limiter_count_locked (key, arrival) : 0;
    bool over = in_window > (size_t) config->rate;
    if (key) {
        sim_stats_window_locked (self, key->appkey, in_window);
        if (key->count > 0 && config->rate > 0)
            sim_stats_span_locked (self, key->appkey, s_span_locked (key, (size_t) config->rate));
        key->data_requests++;
        if (config->fault_token_expire_after > 0 && !key->expire_fired
            && key->data_requests > config->fault_token_expire_after && key->current >= 0) {
            self->kis->tokens[key->current].expired = true;
            key->expire_fired = true;
        }
    }
    pthread_mutex_unlock (&self->lock);
    sim_stats_request (self, endpoint, appkey);

    long latency = config->latency_ms;
    if (config->jitter_ms > 0)
        latency += lround ((sim_random (self) * 2 - 1) * (double) config->jitter_ms);
    sim_sleep_ms (latency);

    data->tr_id = sim_request_header (req, "tr_id");
    if (data->tr_id)
        sim_respond_header_copy (resp, "tr_id", data->tr_id);
    sim_respond_header (resp, "tr_cont", "D");  //  no continuation unless the TR says so
    if (over) {
        sim_stats_rate_limited (self, appkey);
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00201", SIM_MSG_RATE);
        return false;
    }
    if (sim_chance (self, config->fault_reset)) {
        sim_stats_fault (self, "reset");
        resp->reset = true;                  //  half the time nothing at all, else a cut body
        data->badjson = sim_random (self) < 0.5;
    }
    else if (sim_chance (self, config->fault_nonjson500)) {
        sim_stats_fault (self, "nonjson500");
        sim_respond_text (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/html",
                          "<html><head><title>500 Internal Server Error</title></head>"
                          "<body><h1>Internal Server Error</h1></body></html>\n");
        return false;
    }
    else if (sim_chance (self, config->fault_badjson)) {
        sim_stats_fault (self, "badjson");
        data->badjson = true;
    }
    else if (sim_chance (self, config->fault_egw00201)) {
        sim_stats_fault (self, "egw00201");
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00201", SIM_MSG_RATE);
        return false;
    }
    if (sim_chance (self, config->fault_slow)) {
        sim_stats_fault (self, "slow");
        sim_sleep_ms (config->fault_slow_ms);
    }

    const sim_app_t *app = s_app (self, appkey);
    const char *auth = sim_request_header (req, "authorization");
    const char *secret = sim_request_header (req, "appsecret");
    if (!app) {
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00103", SIM_MSG_BAD_KEY);
        return false;
    }
    if (!secret || strcmp (secret, app->secret) != 0) {
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00105", SIM_MSG_BAD_SECRET);
        return false;
    }
    int verdict = 1;                         //  1 unknown, 2 expired, 0 good
    if (auth && strncasecmp (auth, "Bearer ", 7) == 0) {
        double now = sim_clock_now ();
        pthread_mutex_lock (&self->lock);
        for (size_t i = self->kis->ntokens; i-- > 0;) {
            s_token_t *token = &self->kis->tokens[i];
            if (strcmp (token->token, auth + 7) == 0 && strcmp (token->appkey, appkey) == 0) {
                verdict = token->expired || now >= token->expires ? 2 : 0;
                break;
            }
        }
        pthread_mutex_unlock (&self->lock);
    }
    if (verdict == 1) {
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00121", SIM_MSG_INVALID_TOKEN);
        return false;
    }
    if (verdict == 2) {
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "EGW00123", SIM_MSG_EXPIRED);
        return false;
    }
    if (!data->tr_id || strcmp (data->tr_id, tr_expected) != 0) {
        sim_respond_kis_error (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "OPSQ9999", SIM_MSG_NO_TR);
        return false;
    }
    return true;
}

//  Applies a pending cut: a reset sends part of the body then closes, a bad
//  JSON answer is the first half of the document with status 200.
static void
s_data_end (sim_response_t *resp, const s_data_t *data)
{
    if (resp->reset) {
        resp->partial_len = data->badjson ? resp->body_len / 2 : 0;
        return;
    }
    if (data->badjson && resp->body) {
        resp->body_len /= 2;
        resp->body[resp->body_len] = '\0';
        resp->status = MHD_HTTP_OK;
    }
}

//  --- prices ---------------------------------------------------------------------

typedef struct {
    int ymd;
    long long open, high, low, close, prev_close, volume, value;
} s_bar_t;

//  KRX tick size by price (since 2023).
static long long
s_tick (long long price)
{
    if (price < 2000) return 1;
    if (price < 5000) return 5;
    if (price < 20000) return 10;
    if (price < 50000) return 50;
    if (price < 200000) return 100;
    if (price < 500000) return 500;
    return 1000;
}

static long long
s_round_tick (double price)
{
    if (price < 1)
        return 1;
    long long tick = s_tick ((long long) price);
    long long rounded = llround (price / (double) tick) * tick;
    return rounded < 1 ? 1 : rounded;
}

static double
s_gauss (uint64_t h)
{
    double u1 = sim_unit (sim_hash (h, 1, 0)), u2 = sim_unit (sim_hash (h, 2, 0));
    if (u1 < 1e-12)
        u1 = 1e-12;
    return sqrt (-2 * log (u1)) * cos (2 * M_PI * u2);
}

typedef struct {
    s_bar_t ring[SIM_CHART_ROWS_MAX + 1];    //  the last bars up to the end date
    size_t count;                            //  valid bars in ring (<= 101)
    size_t next;                             //  ring write position
} s_walk_t;

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
#define SIM_CHECKPOINT_MARGIN_DAYS 240       //  calendar days holding > 101 trading days
#define SIM_CHECKPOINT_BUCKETS 4096

typedef struct s_checkpoints {
    struct s_checkpoints *next;              //  hash chain
    const sim_instrument_t *inst;
    size_t count;                            //  states known: state[k] is before start + k * DAYS
    s_walk_state_t *state;
} s_checkpoints_t;

static pthread_mutex_t s_checkpoints_lock = PTHREAD_MUTEX_INITIALIZER;
static s_checkpoints_t *s_checkpoints[SIM_CHECKPOINT_BUCKETS];

static void
s_checkpoints_free (void)
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
s_walk_day (const s_walk_params_t *p, int32_t d, s_walk_state_t *state, s_bar_t *bar)
{
    uint64_t h = sim_hash (p->code_seed, (uint64_t) d, 0);
    state->x = SIM_WALK_REVERT * state->x + SIM_WALK_SIGMA * s_gauss (h);
    double target = (double) p->base_price * exp (state->x);
    long long prev = state->prev;
    double hi_limit = (double) prev * (1 + SIM_LIMIT_RATIO), lo_limit = (double) prev * (1 - SIM_LIMIT_RATIO);
    if (target > hi_limit) target = hi_limit;
    if (target < lo_limit) target = lo_limit;
    long long close = s_round_tick (target);
    state->prev = close;
    if (!bar)
        return;
    bar->ymd = sim_ymd_from_days (d);
    bar->prev_close = prev;
    bar->close = close;
    bar->open = s_round_tick ((double) prev * (1 + 0.01 * s_gauss (h ^ 3)));
    long long top = bar->open > bar->close ? bar->open : bar->close;
    long long bottom = bar->open < bar->close ? bar->open : bar->close;
    bar->high = s_round_tick ((double) top * (1 + 0.01 * fabs (s_gauss (h ^ 5))));
    bar->low = s_round_tick ((double) bottom * (1 - 0.01 * fabs (s_gauss (h ^ 7))));
    if (bar->high < top) bar->high = top;
    if (bar->low > bottom) bar->low = bottom;
    double volume = p->base_volume * exp (0.6 * s_gauss (h ^ 11));
    bar->volume = volume < 1 ? 1 : llround (volume);
    bar->value = llround ((double) bar->volume * (double) (bar->open + bar->high + bar->low + bar->close) / 4.0);
}

//  The walk's state before day start + k * SIM_CHECKPOINT_DAYS, from the
//  checkpoints (extended as needed). False when memory runs out: the caller
//  walks from the start.
static bool
s_checkpoint (sim_t *self, const sim_instrument_t *inst, const s_walk_params_t *p, size_t k,
              s_walk_state_t *out)
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
                c->state[0] = (s_walk_state_t) {0, p->base_price};
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
    return (s_walk_params_t) {
        .code_seed = sim_hash (self->config->seed, sim_hash_str (inst->code), 0x9a1c),
        .base_volume = (double) inst->shares_k * 1000.0 * 0.002,   //  0.2% daily turnover
        .base_price = inst->base_price};
}

//  The checkpoint a walk through end_days starts from (0: the walk's start).
static size_t
s_checkpoint_index (int32_t end_days)
{
    int32_t start = sim_days_from_ymd (SIM_WALK_START_YMD);
    if (end_days - start <= SIM_CHECKPOINT_MARGIN_DAYS)
        return 0;
    return (size_t) (end_days - SIM_CHECKPOINT_MARGIN_DAYS - start) / SIM_CHECKPOINT_DAYS;
}

void
sim_kis_warm (sim_t *self, int32_t end_days)
{
    size_t k = s_checkpoint_index (end_days);
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
static void
s_walk (sim_t *self, const sim_instrument_t *inst, int32_t first_days, int32_t end_days, s_walk_t *walk)
{
    memset (walk, 0, sizeof *walk);
    s_walk_params_t p = s_walk_params (self, inst);
    int32_t start = sim_days_from_ymd (SIM_WALK_START_YMD);
    s_walk_state_t state = {0, inst->base_price};
    int32_t from = start;
    size_t k = s_checkpoint_index (end_days);
    if (k > 0 && s_checkpoint (self, inst, &p, k, &state))
        from = start + (int32_t) (k * SIM_CHECKPOINT_DAYS);
    else
        state = (s_walk_state_t) {0, inst->base_price};
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
static const s_bar_t *
s_walk_bar (const s_walk_t *walk, size_t i)
{
    if (i >= walk->count)
        return NULL;
    size_t n = SIM_CHART_ROWS_MAX + 1;
    return &walk->ring[(walk->next + n - 1 - i) % n];
}

static long long
s_upper_limit (long long prev)
{
    double raw = (double) prev * (1 + SIM_LIMIT_RATIO);
    long long tick = s_tick ((long long) raw);
    return (long long) (raw / (double) tick) * tick;
}

static long long
s_lower_limit (long long prev)
{
    double raw = (double) prev * (1 - SIM_LIMIT_RATIO);
    long long tick = s_tick ((long long) raw);
    long long value = (long long) ceil (raw / (double) tick) * tick;
    return value < 1 ? 1 : value;
}

static const char *
s_sign (const s_bar_t *bar)
{
    if (bar->close > bar->prev_close)
        return bar->close >= s_upper_limit (bar->prev_close) ? "1" : "2";
    if (bar->close < bar->prev_close)
        return bar->close <= s_lower_limit (bar->prev_close) ? "4" : "5";
    return "3";
}

static void
s_set_ll (json_t *obj, const char *key, long long value)
{
    char text[32];
    snprintf (text, sizeof text, "%lld", value);
    json_object_set_new (obj, key, json_string (text));
}

static void
s_set_fixed (json_t *obj, const char *key, double value)
{
    char text[48];
    snprintf (text, sizeof text, "%.2f", value);
    json_object_set_new (obj, key, json_string (text));
}

static json_t *
s_row (const s_bar_t *bar)
{
    json_t *row = json_object ();
    char date[16];
    snprintf (date, sizeof date, "%08d", bar->ymd);
    json_object_set_new (row, "stck_bsop_date", json_string (date));
    s_set_ll (row, "stck_clpr", bar->close);
    s_set_ll (row, "stck_oprc", bar->open);
    s_set_ll (row, "stck_hgpr", bar->high);
    s_set_ll (row, "stck_lwpr", bar->low);
    s_set_ll (row, "acml_vol", bar->volume);
    s_set_ll (row, "acml_tr_pbmn", bar->value);
    json_object_set_new (row, "flng_cls_code", json_string ("00"));
    json_object_set_new (row, "prtt_rate", json_string ("0.00"));
    json_object_set_new (row, "mod_yn", json_string ("N"));
    json_object_set_new (row, "prdy_vrss_sign", json_string (s_sign (bar)));
    s_set_ll (row, "prdy_vrss", bar->close - bar->prev_close);
    json_object_set_new (row, "revl_issu_reas", json_string (""));
    return row;
}

static const char *s_output1_keys[] = {
    "prdy_vrss", "prdy_vrss_sign", "prdy_ctrt", "stck_prdy_clpr", "acml_vol", "acml_tr_pbmn",
    "hts_kor_isnm", "stck_prpr", "stck_shrn_iscd", "prdy_vol", "stck_mxpr", "stck_llam",
    "stck_oprc", "stck_hgpr", "stck_lwpr", "stck_prdy_oprc", "stck_prdy_hgpr", "stck_prdy_lwpr",
    "askp", "bidp", "prdy_vrss_vol", "vol_tnrt", "stck_fcam", "lstn_stcn", "cpfn", "hts_avls",
    "per", "eps", "pbr", "itewhol_loan_rmnd_ratem name", NULL
};

//  The snapshot of an unknown code: every key, all zero.
static json_t *
s_output1_zero (void)
{
    json_t *out = json_object ();
    for (size_t i = 0; s_output1_keys[i]; i++) {
        const char *key = s_output1_keys[i];
        const char *value = "0";
        if (strcmp (key, "hts_kor_isnm") == 0 || strcmp (key, "stck_shrn_iscd") == 0)
            value = "";
        else if (strcmp (key, "prdy_ctrt") == 0 || strcmp (key, "vol_tnrt") == 0
                 || strcmp (key, "per") == 0 || strcmp (key, "eps") == 0
                 || strcmp (key, "pbr") == 0 || strcmp (key, "itewhol_loan_rmnd_ratem name") == 0)
            value = "0.00";
        json_object_set_new (out, key, json_string (value));
    }
    return out;
}

static json_t *
s_output1 (sim_t *self, const sim_instrument_t *inst, const s_bar_t *bar, const s_bar_t *prior)
{
    if (!bar) {
        json_t *out = s_output1_zero ();
        json_object_set_new (out, "hts_kor_isnm", json_string (inst->name));
        json_object_set_new (out, "stck_shrn_iscd", json_string (inst->code));
        return out;
    }
    s_bar_t none = {0, bar->prev_close, bar->prev_close, bar->prev_close, bar->prev_close,
                    bar->prev_close, 0, 0};
    if (!prior)
        prior = &none;
    long long shares = inst->shares_k * 1000;
    double eps = shares > 0 ? (double) inst->net_income * 1e8 / (double) shares : 0;
    double bps = inst->roe > 0 ? eps * 100.0 / inst->roe : 0;
    json_t *out = json_object ();
    s_set_ll (out, "prdy_vrss", bar->close - bar->prev_close);
    json_object_set_new (out, "prdy_vrss_sign", json_string (s_sign (bar)));
    s_set_fixed (out, "prdy_ctrt",
                 bar->prev_close ? (double) (bar->close - bar->prev_close) * 100.0 / (double) bar->prev_close : 0);
    s_set_ll (out, "stck_prdy_clpr", bar->prev_close);
    s_set_ll (out, "acml_vol", bar->volume);
    s_set_ll (out, "acml_tr_pbmn", bar->value);
    json_object_set_new (out, "hts_kor_isnm", json_string (inst->name));
    s_set_ll (out, "stck_prpr", bar->close);
    json_object_set_new (out, "stck_shrn_iscd", json_string (inst->code));
    s_set_ll (out, "prdy_vol", prior->volume);
    s_set_ll (out, "stck_mxpr", s_upper_limit (bar->prev_close));
    s_set_ll (out, "stck_llam", s_lower_limit (bar->prev_close));
    s_set_ll (out, "stck_oprc", bar->open);
    s_set_ll (out, "stck_hgpr", bar->high);
    s_set_ll (out, "stck_lwpr", bar->low);
    s_set_ll (out, "stck_prdy_oprc", prior->open);
    s_set_ll (out, "stck_prdy_hgpr", prior->high);
    s_set_ll (out, "stck_prdy_lwpr", prior->low);
    s_set_ll (out, "askp", bar->close + s_tick (bar->close));
    s_set_ll (out, "bidp", bar->close);
    s_set_ll (out, "prdy_vrss_vol", bar->volume - prior->volume);
    s_set_fixed (out, "vol_tnrt", shares > 0 ? (double) bar->volume * 100.0 / (double) shares : 0);
    s_set_ll (out, "stck_fcam", inst->face);
    s_set_ll (out, "lstn_stcn", shares);
    s_set_ll (out, "cpfn", llround ((double) inst->face * (double) shares / 1e8));
    s_set_ll (out, "hts_avls", llround ((double) bar->close * (double) shares / 1e8));
    s_set_fixed (out, "per", eps > 0 ? (double) bar->close / eps : 0);
    s_set_fixed (out, "eps", eps);
    s_set_fixed (out, "pbr", bps > 0 ? (double) bar->close / bps : 0);
    s_set_fixed (out, "itewhol_loan_rmnd_ratem name",
                 sim_unit (sim_hash (self->config->seed, sim_hash_str (inst->code), 0x10a)) * 3.0);
    return out;
}

static void
s_chart_error (sim_response_t *resp, const char *what)
{
    char msg[128];
    snprintf (msg, sizeof msg, "ERROR INPUT FIELD %s", what);
    sim_respond_kis_error (resp, MHD_HTTP_OK, "OPSQ2001", msg);
}

void
sim_kis_chart (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    s_data_t data = {false, NULL};
    if (!s_data_begin (self, req, resp, "itemchartprice", SIM_TR_CHART, &data))
        goto out;
    const char *market = sim_request_arg (req, "FID_COND_MRKT_DIV_CODE");
    const char *code = sim_request_arg (req, "FID_INPUT_ISCD");
    const char *date1 = sim_request_arg (req, "FID_INPUT_DATE_1");
    const char *date2 = sim_request_arg (req, "FID_INPUT_DATE_2");
    const char *period = sim_request_arg (req, "FID_PERIOD_DIV_CODE");
    const char *adjusted = sim_request_arg (req, "FID_ORG_ADJ_PRC");
    int ymd1, ymd2;
    if (!market || strcmp (market, "J") != 0) {
        s_chart_error (resp, "FID_COND_MRKT_DIV_CODE");
        goto out;
    }
    if (!code || !*code || strlen (code) > 12) {
        s_chart_error (resp, "FID_INPUT_ISCD");
        goto out;
    }
    if (sim_parse_ymd (date1, &ymd1) || sim_parse_ymd (date2, &ymd2)) {
        s_chart_error (resp, "FID_INPUT_DATE");
        goto out;
    }
    if (!period || strcmp (period, "D") != 0) {
        s_chart_error (resp, "FID_PERIOD_DIV_CODE");
        goto out;
    }
    if (!adjusted || (strcmp (adjusted, "0") != 0 && strcmp (adjusted, "1") != 0)) {
        s_chart_error (resp, "FID_ORG_ADJ_PRC");
        goto out;
    }
    sim_stats_chunk (self, code, ymd1, ymd2);
    json_t *json = json_object ();
    const sim_instrument_t *inst = sim_master_find (self->master, code);
    if (!inst || inst->unknown) {
        json_object_set_new (json, "output1", s_output1_zero ());
        json_t *rows = json_array ();
        json_array_append_new (rows, json_object ());
        json_object_set_new (json, "output2", rows);
    }
    else {
        int end = ymd2;
        int today = sim_today_kst ();
        if (!self->config->no_future_check && end > today)
            end = today;
        s_walk_t walk;
        s_walk (self, inst, sim_days_from_ymd (ymd1), sim_days_from_ymd (end), &walk);
        json_object_set_new (json, "output1", s_output1 (self, inst, s_walk_bar (&walk, 0),
                                                         s_walk_bar (&walk, 1)));
        json_t *rows = json_array ();
        for (size_t i = 0; i < SIM_CHART_ROWS_MAX; i++) {
            const s_bar_t *bar = s_walk_bar (&walk, i);
            if (!bar || bar->ymd < ymd1)
                break;
            json_array_append_new (rows, s_row (bar));
        }
        json_object_set_new (json, "output2", rows);
    }
    json_object_set_new (json, "rt_cd", json_string ("0"));
    json_object_set_new (json, "msg_cd", json_string ("MCA00000"));
    json_object_set_new (json, "msg1", json_string (SIM_MSG_OK));
    sim_respond_json (resp, MHD_HTTP_OK, json);
    json_decref (json);
out:
    s_data_end (resp, &data);
}

//  --- chk-holiday -------------------------------------------------------------------

static void
s_set_padded (json_t *obj, const char *key, int ymd)
{
    char text[SIM_CTX_WIDTH + 1];
    snprintf (text, sizeof text, "%08d%*s", ymd, SIM_CTX_WIDTH - 8, "");
    json_object_set_new (obj, key, json_string (text));
}

void
sim_kis_holiday (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    s_data_t data = {false, NULL};
    if (!s_data_begin (self, req, resp, "chk-holiday", SIM_TR_HOLIDAY, &data))
        goto out;
    pthread_mutex_lock (&self->lock);
    sim_stats_chk_holiday_locked (self, sim_today_kst ());
    pthread_mutex_unlock (&self->lock);

    const char *bass = sim_request_arg (req, "BASS_DT");
    const char *nk = sim_request_arg (req, "CTX_AREA_NK");
    int start_ymd;
    if (sim_parse_ymd (bass, &start_ymd)) {
        sim_respond_kis_error (resp, MHD_HTTP_OK, "OPSQ2001", "ERROR INPUT FIELD BASS_DT");
        goto out;
    }
    int32_t start = sim_days_from_ymd (start_ymd);
    if (nk) {
        char trimmed[16];
        size_t n = strspn (nk, "0123456789");
        int nk_ymd;
        if (n == 8) {
            memcpy (trimmed, nk, 8);
            trimmed[8] = '\0';
            if (sim_parse_ymd (trimmed, &nk_ymd) == 0)
                start = sim_days_from_ymd (nk_ymd) + 1;
        }
    }
    json_t *json = json_object ();
    json_t *output = json_array ();
    for (int32_t d = start; d < start + SIM_HOLIDAY_PAGE_DAYS; d++) {
        int weekday = sim_weekday (d);
        bool weekend = weekday == 0 || weekday == 6;
        const char *closed = sim_calendar_closed_name (self->calendar, d);
        bool open = !weekend && !closed;
        //  The year-end closing day is a bank business day with no market.
        bool business = !weekend && (!closed || strncmp (closed, "Year-end", 8) == 0);
        char date[16], wday[8];
        snprintf (date, sizeof date, "%08d", sim_ymd_from_days (d));
        snprintf (wday, sizeof wday, "%02d", weekday + 1);
        json_array_append_new (output, json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s}", "bass_dt", date,
                                                  "wday_dvsn_cd", wday, "bzdy_yn", business ? "Y" : "N",
                                                  "tr_day_yn", weekend || open ? "Y" : "N",
                                                  "opnd_yn", open ? "Y" : "N",
                                                  "sttl_day_yn", open ? "Y" : "N"));
    }
    s_set_padded (json, "ctx_area_nk", sim_ymd_from_days (start + SIM_HOLIDAY_PAGE_DAYS - 1));
    s_set_padded (json, "ctx_area_fk", sim_ymd_from_days (start));
    json_object_set_new (json, "output", output);
    json_object_set_new (json, "rt_cd", json_string ("0"));
    json_object_set_new (json, "msg_cd", json_string ("KIOK0500"));
    json_object_set_new (json, "msg1", json_string (SIM_MSG_MORE));
    sim_respond_json (resp, MHD_HTTP_OK, json);
    json_decref (json);
    //  The calendar never ends: every page says more follows.
    resp->nheaders = 0;
    if (data.tr_id)
        sim_respond_header (resp, "tr_id", resp->header_buf[0]);
    sim_respond_header (resp, "tr_cont", "M");
out:
    s_data_end (resp, &data);
}

//  --- overseas daily price ------------------------------------------------------------

void
sim_kis_overseas_daily (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    s_data_t data = {false, NULL};
    if (s_data_begin (self, req, resp, "dailyprice", SIM_TR_OVERSEAS_DAILY, &data))
        sim_us_daily (self, req, resp);
    s_data_end (resp, &data);
}
