/*  sim_kis — the state of the KIS double's app keys: the tokens POST
    /oauth2/tokenP issues (6-hour reuse, 1-per-minute issuance, JWT-shaped
    on the sim's clock, forced expiry by --fault-token-expire-after) and the
    per-app-key sliding-log limiter the data endpoints count against
    (sim_kis_gate). See sim_kis.h. */
#include "sim_kis.h"
#include "sim_kr_walk.h"
#include "sim_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SIM_NS_PER_S 1000000000LL
#define SIM_WINDOW_NS SIM_NS_PER_S   //  the limiter's 1-second window
#define SIM_KEYS_MAX 1024            //  distinct appkey header values tracked
#define SIM_BEARER "Bearer "

#define SIM_MSG_THROTTLE "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)"

typedef struct {
    char *token;
    char *appkey;
    double issued;   //  sim epoch seconds
    double expires;
    bool expired;   //  forced by --fault-token-expire-after
} s_token_t;

typedef struct {
    char *appkey;
    int64_t *log;   //  ring of arrival times (monotonic ns)
    size_t head, count, cap;
    int64_t *recent;   //  the last rate + 1 arrivals as counted, a ring
    size_t recent_head, recent_count, recent_cap;
    long data_requests;
    bool expire_fired;
    bool issued_once;
    double last_issue;
    long current;   //  index into tokens, -1 none
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

void
sim_kis_destroy (sim_kis_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sim_kr_walk_free_checkpoints ();
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
        return s_key_locked (self, "-");   //  a flood of junk keys shares one slot
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

const sim_app_t *
sim_kis_app (sim_t *self, const char *appkey)
{
    for (size_t i = 0; appkey && i < self->config->napps; i++)
        if (strcmp (self->config->apps[i].key, appkey) == 0)
            return &self->config->apps[i];
    return NULL;
}

size_t
sim_kis_arrive_locked (sim_t *self, const char *appkey, int64_t arrival)
{
    sim_config_t *config = self->config;
    s_key_t *key = s_key_locked (self->kis, appkey);
    size_t in_window = key ? s_limiter_count_locked (key, arrival) : 0;
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
    return in_window;
}

sim_kis_token_state_t
sim_kis_token_state (sim_t *self, const char *appkey, const char *auth)
{
    sim_kis_token_state_t state = SIM_KIS_TOKEN_UNKNOWN;
    size_t skip = strlen (SIM_BEARER);
    if (auth && strncasecmp (auth, SIM_BEARER, skip) == 0) {
        double now = sim_clock_now ();
        pthread_mutex_lock (&self->lock);
        for (size_t i = self->kis->ntokens; i-- > 0;) {
            s_token_t *token = &self->kis->tokens[i];
            if (strcmp (token->token, auth + skip) == 0 && strcmp (token->appkey, appkey) == 0) {
                state = token->expired || now >= token->expires ? SIM_KIS_TOKEN_EXPIRED : SIM_KIS_TOKEN_GOOD;
                break;
            }
        }
        pthread_mutex_unlock (&self->lock);
    }
    return state;
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
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
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
    json_t *json =
        json_pack ("{s:s, s:s, s:s, s:I}", "access_token", token->token, "access_token_token_expired", expired,
                   "token_type", "Bearer", "expires_in", (json_int_t) llround (token->expires - now));
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
    const sim_app_t *app = sim_kis_app (self, appkey);
    double now = sim_clock_now ();

    pthread_mutex_lock (&self->lock);
    sim_stats_add_locked (self, "token_requests", 1);
    s_key_t *key = app ? s_key_locked (self->kis, appkey) : NULL;
    if (!json_is_object (body) || !grant || strcmp (grant, "client_credentials") != 0)
        s_token_error (resp, "EGW00102", "grant_type이 유효하지 않습니다.");
    else if (!app)
        s_token_error (resp, "EGW00103", SIM_KIS_MSG_BAD_KEY);
    else if (!secret || strcmp (secret, app->secret) != 0)
        s_token_error (resp, "EGW00105", SIM_KIS_MSG_BAD_SECRET);
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
