/*  sim_util — the small pieces every eod-sim module shares: deterministic
    hashing, the fault PRNG and the generation streams, the sim's clock
    (EOD_NOW), civil dates, the XKRX closed-day table, and the response and
    request helpers of the handlers. */
#include "sim.h"

#include "eod_log.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SIM_NS_PER_S 1000000000LL
#define SIM_CAL_LINE_MAX 512
#define SIM_GAMMA 0x9e3779b97f4a7c15ULL   //  splitmix64's increment: 2^64 / the golden ratio
#define SIM_GAUSS_U_MIN 1e-12             //  keeps log (u1) finite
#define SIM_KIS_MSG_MAX 128

//  --- hashing and randomness -------------------------------------------------

static uint64_t
s_mix (uint64_t z)
{
    z += SIM_GAMMA;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t
sim_hash (uint64_t a, uint64_t b, uint64_t c)
{
    return s_mix (s_mix (s_mix (a) ^ b) ^ c);
}

uint64_t
sim_hash_str (const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;   //  FNV-1a offset basis
    for (; *s; s++) {
        h ^= (unsigned char) *s;
        h *= 0x100000001b3ULL;   //  FNV-1a prime
    }
    return s_mix (h);
}

double
sim_unit (uint64_t h)
{
    return (double) (h >> 11) / (double) (1ULL << 53);
}

double
sim_random (sim_t *self)
{
    pthread_mutex_lock (&self->lock);
    self->rng_state += SIM_GAMMA;
    uint64_t value = s_mix (self->rng_state);
    pthread_mutex_unlock (&self->lock);
    return sim_unit (value);
}

bool
sim_chance (sim_t *self, double rate)
{
    if (rate <= 0)
        return false;
    return sim_random (self) < rate;
}

double
sim_gauss (uint64_t h)
{
    double u1 = sim_unit (sim_hash (h, 1, 0)), u2 = sim_unit (sim_hash (h, 2, 0));
    if (u1 < SIM_GAUSS_U_MIN)
        u1 = SIM_GAUSS_U_MIN;
    return sqrt (-2 * log (u1)) * cos (2 * M_PI * u2);
}

double
sim_log_uniform (double u, double lo, double hi)
{
    return exp (log (lo) + u * (log (hi) - log (lo)));
}

double
sim_stream_uniform (sim_stream_t *stream)
{
    stream->state += SIM_GAMMA;
    return sim_unit (sim_hash (stream->state, 0, 0));
}

void
sim_sleep_ms (long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep (&ts, &ts) == -1 && errno == EINTR)
        ;
}

//  --- clock -------------------------------------------------------------------

static double s_clock_base;         //  sim epoch seconds at start
static int64_t s_clock_mono_base;   //  monotonic ns at start

int64_t
sim_mono_ns (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * SIM_NS_PER_S + ts.tv_nsec;
}

//  Parses YYYY-MM-DDTHH:MM:SS followed by Z or +HH:MM / -HH:MM.
static int
s_parse_iso (const char *text, double *epoch)
{
    int y, mo, d, h, mi, s, consumed = 0;
    if (sscanf (text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) != 6)
        return -1;
    const char *tz = text + consumed;
    long offset = 0;
    if (strcmp (tz, "Z") == 0)
        offset = 0;
    else {
        int oh, om, tail = 0;
        if ((tz[0] != '+' && tz[0] != '-') || sscanf (tz + 1, "%2d:%2d%n", &oh, &om, &tail) != 2 || tz[1 + tail] != '\0'
            || oh > 14 || om > 59)
            return -1;
        offset = (oh * 3600L + om * 60L) * (tz[0] == '-' ? -1 : 1);
    }
    if (h > 23 || mi > 59 || s > 60)
        return -1;
    int32_t days = sim_days_from_ymd (y * 10000 + mo * 100 + d);
    if (days == INT32_MIN)
        return -1;
    *epoch = (double) days * 86400.0 + h * 3600 + mi * 60 + s - offset;
    return 0;
}

int
sim_clock_init (void)
{
    s_clock_mono_base = sim_mono_ns ();
    const char *now = getenv ("EOD_NOW");
    if (now && *now) {
        if (s_parse_iso (now, &s_clock_base) != 0) {
            eod_log_error ("EOD_NOW=%s: expected YYYY-MM-DDTHH:MM:SS+09:00", now);
            return -1;
        }
        return 0;
    }
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    s_clock_base = (double) ts.tv_sec + ts.tv_nsec / 1e9;
    return 0;
}

double
sim_clock_now (void)
{
    return s_clock_base + (double) (sim_mono_ns () - s_clock_mono_base) / 1e9;
}

void
sim_format_kst (time_t t, char *buf, size_t size)
{
    time_t kst = t + SIM_KST_OFFSET_S;
    struct tm tm;
    gmtime_r (&kst, &tm);
    strftime (buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

int
sim_today_kst (void)
{
    double now = sim_clock_now () + SIM_KST_OFFSET_S;
    int32_t days = (int32_t) ((long long) now / 86400);
    if (now < 0)
        days--;
    return sim_ymd_from_days (days);
}

//  --- civil dates (proleptic Gregorian, days since 1970-01-01) ----------------

static int32_t
s_days_from_civil (int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int
sim_ymd_from_days (int32_t z)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp + (mp < 10 ? 3 : -9);
    return (y + (m <= 2)) * 10000 + m * 100 + d;
}

int32_t
sim_days_from_ymd (int ymd)
{
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
        return INT32_MIN;
    int32_t days = s_days_from_civil (y, m, d);
    if (sim_ymd_from_days (days) != ymd)
        return INT32_MIN;   //  e.g. 20240230
    return days;
}

int
sim_weekday (int32_t days)
{
    int w = (int) ((days + 4) % 7);   //  1970-01-01 was a Thursday
    return w < 0 ? w + 7 : w;
}

int
sim_parse_ymd (const char *text, int *ymd)
{
    if (!text || strlen (text) != 8)
        return -1;
    int value = 0;
    for (int i = 0; i < 8; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    if (sim_days_from_ymd (value) == INT32_MIN)
        return -1;
    *ymd = value;
    return 0;
}

//  --- calendar -----------------------------------------------------------------

typedef struct {
    int32_t days;
    char *name;
} s_closed_t;

struct sim_calendar_t {
    s_closed_t *closed;
    size_t count;
};

static int
s_closed_cmp (const void *a, const void *b)
{
    const s_closed_t *x = a, *y = b;
    return (x->days > y->days) - (x->days < y->days);
}

sim_calendar_t *
sim_calendar_new (const char *dir)
{
    char path[4096];
    snprintf (path, sizeof path, "%s/XKRX_closed.csv", dir);
    FILE *file = fopen (path, "r");
    if (!file) {
        eod_log_error ("%s: %s", path, strerror (errno));
        return NULL;
    }
    sim_calendar_t *self = calloc (1, sizeof *self);
    size_t cap = 0;
    char line[SIM_CAL_LINE_MAX];
    int lineno = 0;
    while (self && fgets (line, sizeof line, file)) {
        lineno++;
        line[strcspn (line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        int y, m, d, consumed = 0;
        int32_t days = INT32_MIN;
        if (sscanf (line, "%4d-%2d-%2d%n", &y, &m, &d, &consumed) == 3 && consumed == 10
            && (line[10] == ',' || line[10] == '\0'))
            days = sim_days_from_ymd (y * 10000 + m * 100 + d);
        if (days == INT32_MIN) {
            if (lineno > 1)   //  the first line may be a header
                eod_log_warn ("%s:%d: not YYYY-MM-DD,name; skipped", path, lineno);
            continue;
        }
        if (self->count == cap) {
            cap = cap ? cap * 2 : 256;
            s_closed_t *grown = realloc (self->closed, cap * sizeof *grown);
            if (!grown) {
                sim_calendar_destroy (&self);
                break;
            }
            self->closed = grown;
        }
        self->closed[self->count].days = days;
        self->closed[self->count].name = strdup (line[10] == ',' ? line + 11 : "");
        self->count++;
    }
    fclose (file);
    if (self)
        qsort (self->closed, self->count, sizeof *self->closed, s_closed_cmp);
    return self;
}

void
sim_calendar_destroy (sim_calendar_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sim_calendar_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++)
        free (self->closed[i].name);
    free (self->closed);
    free (self);
    *self_p = NULL;
}

const char *
sim_calendar_closed_name (const sim_calendar_t *self, int32_t days)
{
    s_closed_t key = {days, NULL};
    const s_closed_t *hit = bsearch (&key, self->closed, self->count, sizeof key, s_closed_cmp);
    return hit ? (hit->name ? hit->name : "") : NULL;
}

bool
sim_calendar_closed (const sim_calendar_t *self, int32_t days)
{
    return sim_calendar_closed_name (self, days) != NULL;
}

bool
sim_calendar_trading (const sim_calendar_t *self, int32_t days)
{
    int w = sim_weekday (days);
    return w != 0 && w != 6 && !sim_calendar_closed (self, days);
}

//  --- responses and requests ---------------------------------------------------

void
sim_respond_json (sim_response_t *resp, unsigned int status, json_t *json)
{
    free (resp->body);
    resp->body = json_dumps (json, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!resp->body)
        resp->body = strdup ("{}");
    resp->body_len = resp->body ? strlen (resp->body) : 0;
    resp->status = status;
    resp->content_type = "application/json; charset=utf-8";
}

void
sim_respond_text (sim_response_t *resp, unsigned int status, const char *content_type, const char *text)
{
    free (resp->body);
    resp->body = strdup (text);
    resp->body_len = resp->body ? strlen (resp->body) : 0;
    resp->status = status;
    resp->content_type = content_type;
}

void
sim_respond_header (sim_response_t *resp, const char *name, const char *value)
{
    for (size_t i = 0; i < resp->nheaders; i++)
        if (strcasecmp (resp->headers[i][0], name) == 0) {
            resp->headers[i][1] = value;
            return;
        }
    if (resp->nheaders < sizeof resp->headers / sizeof resp->headers[0]) {
        resp->headers[resp->nheaders][0] = name;
        resp->headers[resp->nheaders][1] = value;
        resp->nheaders++;
    }
}

void
sim_respond_header_copy (sim_response_t *resp, const char *name, const char *value)
{
    for (size_t i = 0; i < sizeof resp->header_buf / sizeof resp->header_buf[0]; i++)
        if (resp->header_buf[i][0] == '\0') {
            snprintf (resp->header_buf[i], sizeof resp->header_buf[i], "%s", value);
            sim_respond_header (resp, name, resp->header_buf[i]);
            return;
        }
}

void
sim_respond_kis_error (sim_response_t *resp, unsigned int status, const char *code, const char *msg)
{
    json_t *json = json_pack ("{s:s, s:s, s:s}", "rt_cd", "1", "msg_cd", code, "msg1", msg);
    sim_respond_json (resp, status, json);
    json_decref (json);
}

void
sim_respond_kis_input_error (sim_response_t *resp, const char *field)
{
    char msg[SIM_KIS_MSG_MAX];
    snprintf (msg, sizeof msg, "ERROR INPUT FIELD %s", field);
    sim_respond_kis_error (resp, MHD_HTTP_OK, "OPSQ2001", msg);
}

void
sim_respond_kis_ok (sim_response_t *resp, json_t *json, const char *msg_cd, const char *msg1)
{
    json_object_set_new (json, "rt_cd", json_string ("0"));
    json_object_set_new (json, "msg_cd", json_string (msg_cd));
    json_object_set_new (json, "msg1", json_string (msg1));
    sim_respond_json (resp, MHD_HTTP_OK, json);
}

void
sim_respond_bytes (sim_response_t *resp, const char *content_type, const void *data, size_t len)
{
    free (resp->body);
    resp->body = malloc (len + 1);
    if (!resp->body) {
        sim_respond_text (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n");
        return;
    }
    memcpy (resp->body, data, len);
    resp->body[len] = '\0';
    resp->body_len = len;
    resp->status = MHD_HTTP_OK;
    resp->content_type = content_type;
}

void
sim_json_set_int (json_t *obj, const char *key, long long value)
{
    char text[32];
    snprintf (text, sizeof text, "%lld", value);
    json_object_set_new (obj, key, json_string (text));
}

void
sim_json_set_fixed (json_t *obj, const char *key, double value, int decimals)
{
    char text[48];
    snprintf (text, sizeof text, "%.*f", decimals, value);
    json_object_set_new (obj, key, json_string (text));
}

const char *
sim_request_header (const sim_request_t *req, const char *name)
{
    //  MHD compares header names without regard to case.
    return MHD_lookup_connection_value (req->conn, MHD_HEADER_KIND, name);
}

typedef struct {
    const char *name;
    const char *value;
} s_arg_search_t;

static enum MHD_Result
s_arg_visit (void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    s_arg_search_t *search = cls;
    if (key && strcasecmp (key, search->name) == 0) {
        search->value = value ? value : "";
        return MHD_NO;   //  first match wins
    }
    return MHD_YES;
}

const char *
sim_request_arg (const sim_request_t *req, const char *name)
{
    s_arg_search_t search = {name, NULL};
    MHD_get_connection_values (req->conn, MHD_GET_ARGUMENT_KIND, s_arg_visit, &search);
    return search.value;
}
