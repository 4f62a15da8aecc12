/*  sim — eod-sim, the local double of every outside service eod talks to.

    One loopback HTTP server (libmicrohttpd, a thread per connection) answers
    the KIS Open API (tokenP, the daily chart, chk-holiday), the KIS master-file
    host (kospi/kosdaq zips generated at start from the seed), Slack
    (chat.postMessage and incoming webhooks), the KIS overseas daily price and
    .cod master files, the three Wikipedia index articles, and its own /_sim/
    endpoints (stats, reset, the expected universes, accepted Slack messages).
    The demo and every end-to-end test point eod at it, so they need no network.

    This header holds what every module of the sim shares: the request and
    response a handler sees, the server object, and sim_util (hashing and
    the PRNGs, the sim's clock, civil dates, the XKRX closed-day table,
    response and request helpers). Each area has its own header:
    sim_config (options), sim_stats (/_sim/stats), sim_buf (text buffer),
    sim_zip (in-memory zips), sim_kis and sim_kr_walk (the KIS API),
    sim_master, sim_master_gen and sim_mst (the KR master files), sim_wiki
    (the index articles), sim_us and sim_us_listings (the US side) and
    sim_slack; sim_main parses the options and dispatches. */
#ifndef SIM_H
#define SIM_H

#include "sim_config.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIM_BODY_MAX (1024 * 1024)   //  request bodies above this are refused
#define SIM_KST_OFFSET_S (9 * 3600)

//  One HTTP request as the handlers see it: method, path, the body read so far.
typedef struct {
    struct MHD_Connection *conn;
    const char *method;
    const char *url;
    char *body;
    size_t body_len;
    bool body_too_big;
} sim_request_t;

//  What a handler answers. The dispatcher turns it into an MHD response;
//  reset means "close the connection" (partial_len bytes of body first when > 0).
typedef struct {
    unsigned int status;
    char *body;   //  owned, NUL-terminated
    size_t body_len;
    const char *content_type;
    const char *headers[8][2];   //  extra headers (borrowed strings)
    size_t nheaders;
    char header_buf[2][64];   //  storage for computed header values
    bool reset;
    size_t partial_len;
} sim_response_t;

typedef struct sim_calendar_t sim_calendar_t;
typedef struct sim_master_t sim_master_t;
typedef struct sim_kis_t sim_kis_t;
typedef struct sim_slack_t sim_slack_t;
typedef struct sim_stats_t sim_stats_t;
typedef struct sim_us_t sim_us_t;
typedef struct sim_wiki_t sim_wiki_t;

//  The whole server: read-only parts after start, mutable parts under lock.
typedef struct {
    sim_config_t *config;
    pthread_mutex_t lock;   //  guards rng, kis, slack, stats
    uint64_t rng_state;
    sim_calendar_t *calendar;   //  read-only
    sim_master_t *master;       //  read-only
    sim_wiki_t *wiki;           //  read-only
    sim_us_t *us;               //  read-only
    sim_kis_t *kis;
    sim_slack_t *slack;
    sim_stats_t *stats;
} sim_t;

//  --- hashing and randomness (sim_util.c) ----------------------------------

//  A 64-bit mix of its inputs (splitmix64 finaliser); pure, thread-safe.
uint64_t sim_hash (uint64_t a, uint64_t b, uint64_t c);
//  Hash of a string, for code-keyed determinism.
uint64_t sim_hash_str (const char *s);
//  Uniform double in [0, 1) from a hash value.
double sim_unit (uint64_t h);
//  A standard normal variate from a hash value (Box-Muller over two draws
//  derived from h); pure.
double sim_gauss (uint64_t h);
//  exp of a uniform point u in [0, 1) between log (lo) and log (hi).
double sim_log_uniform (double u, double lo, double hi);
//  Next value of the shared fault/jitter PRNG in [0, 1); takes the lock itself.
double sim_random (sim_t *self);
//  True with probability rate (0 never draws, so fault-free runs use no PRNG).
bool sim_chance (sim_t *self, double rate);
//  Sleeps ms milliseconds (no-op when <= 0).
void sim_sleep_ms (long ms);

//  A private stream of uniform draws for data generated at start (the
//  master files, the US listings): seeded once, then every draw advances it.
typedef struct {
    uint64_t state;
} sim_stream_t;

//  The next uniform double in [0, 1) of the stream.
double sim_stream_uniform (sim_stream_t *stream);

//  --- clock (sim_util.c) -----------------------------------------------------

//  Sets the clock from EOD_NOW (YYYY-MM-DDTHH:MM:SS+HH:MM or Z) when set, else
//  real time. -1 when EOD_NOW is set but malformed.
int sim_clock_init (void);
//  Seconds since the epoch on the sim's clock (advances with real time).
double sim_clock_now (void);
//  Monotonic nanoseconds (the limiter's and the Slack pacer's clock).
int64_t sim_mono_ns (void);
//  Formats epoch seconds as KST "%Y-%m-%d %H:%M:%S" into buf.
void sim_format_kst (time_t t, char *buf, size_t size);
//  Today's date in KST on the sim's clock, as yyyymmdd.
int sim_today_kst (void);

//  --- civil dates (sim_util.c) -----------------------------------------------

//  Day number (days since 1970-01-01) of yyyymmdd, or INT32_MIN when invalid.
int32_t sim_days_from_ymd (int ymd);
//  yyyymmdd of a day number.
int sim_ymd_from_days (int32_t days);
//  Day of week of a day number: 0 = Sunday .. 6 = Saturday.
int sim_weekday (int32_t days);
//  Parses exactly 8 digits YYYYMMDD into *ymd: 0, or -1 when not a real date.
int sim_parse_ymd (const char *text, int *ymd);

//  --- the XKRX closed-day table (sim_util.c) ---------------------------------

//  Loads <dir>/XKRX_closed.csv (lines "YYYY-MM-DD,name"). NULL when the file
//  cannot be read; malformed lines are reported (file:line) and skipped.
sim_calendar_t *sim_calendar_new (const char *dir);
void sim_calendar_destroy (sim_calendar_t **self_p);
//  True when the weekday day number is listed as closed.
bool sim_calendar_closed (const sim_calendar_t *self, int32_t days);
//  Name of the closure of that day, or NULL (borrowed).
const char *sim_calendar_closed_name (const sim_calendar_t *self, int32_t days);
//  True when the market trades that day: a weekday not in the closed table.
bool sim_calendar_trading (const sim_calendar_t *self, int32_t days);

//  --- responses and requests (sim_util.c) ------------------------------------

//  Response helpers: take ownership of nothing; set status, body, type.
void sim_respond_json (sim_response_t *resp, unsigned int status, json_t *json);
void sim_respond_text (sim_response_t *resp, unsigned int status, const char *content_type, const char *text);
//  A copy of len bytes of data as a 200 body (NUL-terminated past len);
//  500 "out of memory" when the copy cannot be made.
void sim_respond_bytes (sim_response_t *resp, const char *content_type, const void *data, size_t len);
//  Adds a header whose value is copied into the response (at most two).
void sim_respond_header_copy (sim_response_t *resp, const char *name, const char *value);
//  Adds a header whose name and value outlive the response (literals), or
//  gives the header of that name (any case) this value.
void sim_respond_header (sim_response_t *resp, const char *name, const char *value);
//  KIS error envelope {"rt_cd":"1","msg_cd":code,"msg1":msg}.
void sim_respond_kis_error (sim_response_t *resp, unsigned int status, const char *code, const char *msg);
//  KIS's answer to a bad query field: 200, OPSQ2001 "ERROR INPUT FIELD <field>".
void sim_respond_kis_input_error (sim_response_t *resp, const char *field);
//  Closes a KIS success answer: appends rt_cd "0", msg_cd and msg1 to json
//  and answers it with 200 (json stays the caller's).
void sim_respond_kis_ok (sim_response_t *resp, json_t *json, const char *msg_cd, const char *msg1);

//  Sets key of a JSON object to a string: an integer, or a number with the
//  given decimals (KIS sends every number as a string).
void sim_json_set_int (json_t *obj, const char *key, long long value);
void sim_json_set_fixed (json_t *obj, const char *key, double value, int decimals);

//  Request helpers: header (case-insensitive, borrowed), query argument
//  (case-insensitive name, borrowed), or NULL.
const char *sim_request_header (const sim_request_t *req, const char *name);
const char *sim_request_arg (const sim_request_t *req, const char *name);

#endif
