/*  sim — eod-sim, the local double of every outside service eod talks to.

    One loopback HTTP server (libmicrohttpd, a thread per connection) answers
    the KIS Open API (tokenP, the daily chart, chk-holiday), the KIS master-file
    host (kospi/kosdaq zips generated at start from the seed), Slack
    (chat.postMessage and incoming webhooks), the KIS overseas daily price and
    .cod master files, the three Wikipedia index articles, and its own /_sim/
    endpoints (stats, reset, the expected universes, accepted Slack messages).
    The demo and every end-to-end test point eod at it, so they need no network.

    This header is shared by the sim's modules only: sim_main (arguments,
    daemon, dispatch), sim_util (PRNG, clock, calendar, responses, stats),
    sim_kis (tokens, limiter, chart, holidays), sim_master (master files,
    universe), sim_us (overseas prices, .cod files, US universe), sim_wiki
    (index articles) and sim_slack. */
#ifndef SIM_H
#define SIM_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIM_PORT_DEFAULT 18080
#define SIM_RATE_DEFAULT 20                  //  KIS real-host limit per app key per second
#define SIM_TOKEN_REUSE_S_DEFAULT 21600      //  "6시간 이내는 기존 발급키로 응답"
#define SIM_TOKEN_TTL_S_DEFAULT 86400        //  24 h token lifetime
#define SIM_TOKEN_THROTTLE_S_DEFAULT 60      //  one issuance per minute per app key
#define SIM_APPS_MAX 16
#define SIM_CHANNELS_MAX 16
#define SIM_BODY_MAX (1024 * 1024)           //  request bodies above this are refused
#define SIM_KST_OFFSET_S (9 * 3600)

//  One app key/secret pair the KIS double accepts.
typedef struct {
    char *key;
    char *secret;
} sim_app_t;

typedef struct {
    int port;
    uint64_t seed;
    sim_app_t apps[SIM_APPS_MAX];
    size_t napps;
    char *slack_token;
    char *slack_channels[SIM_CHANNELS_MAX];
    size_t nchannels;
    long token_reuse_s;
    long token_ttl_s;
    long token_throttle_s;
    int rate;
    long arrival_jitter_ms;
    long latency_ms;
    long jitter_ms;
    char *calendar_dir;
    bool no_future_check;
    char *warm_until;
    int kosdaq_extra;                        //  extra selected KOSDAQ stocks (--kosdaq-extra)                        //  YYYYMMDD: walks precomputed through it at start
    int unknown_codes;
    int us_unknown;                          //  first N US universe symbols answer unknown
    int master_garble;
    double fault_nonjson500;
    double fault_badjson;
    double fault_reset;
    double fault_slow;
    long fault_slow_ms;
    double fault_egw00201;
    double fault_master503;
    double fault_slack429;
    double fault_slack500;
    long fault_token_expire_after;           //  0: never
} sim_config_t;

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
    char *body;                              //  owned, NUL-terminated
    size_t body_len;
    const char *content_type;
    const char *headers[8][2];               //  extra headers (borrowed strings)
    size_t nheaders;
    char header_buf[2][64];                  //  storage for computed header values
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
    pthread_mutex_t lock;                    //  guards rng, kis, slack, stats
    uint64_t rng_state;
    sim_calendar_t *calendar;                //  read-only
    sim_master_t *master;                    //  read-only
    sim_wiki_t *wiki;                        //  read-only
    sim_us_t *us;                            //  read-only
    sim_kis_t *kis;
    sim_slack_t *slack;
    sim_stats_t *stats;
} sim_t;

//  --- sim_util.c -----------------------------------------------------------

//  A 64-bit mix of its inputs (splitmix64 finaliser); pure, thread-safe.
uint64_t sim_hash (uint64_t a, uint64_t b, uint64_t c);
//  Hash of a string, for code-keyed determinism.
uint64_t sim_hash_str (const char *s);
//  Uniform double in [0, 1) from a hash value.
double sim_unit (uint64_t h);
//  Next value of the shared fault/jitter PRNG in [0, 1); takes the lock itself.
double sim_random (sim_t *self);
//  True with probability rate (0 never draws, so fault-free runs use no PRNG).
bool sim_chance (sim_t *self, double rate);
//  Sleeps ms milliseconds (no-op when <= 0).
void sim_sleep_ms (long ms);

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

//  Day number (days since 1970-01-01) of yyyymmdd, or INT32_MIN when invalid.
int32_t sim_days_from_ymd (int ymd);
//  yyyymmdd of a day number.
int sim_ymd_from_days (int32_t days);
//  Day of week of a day number: 0 = Sunday .. 6 = Saturday.
int sim_weekday (int32_t days);
//  Parses exactly 8 digits YYYYMMDD into *ymd: 0, or -1 when not a real date.
int sim_parse_ymd (const char *text, int *ymd);

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

//  Response helpers: take ownership of nothing; set status, body, type.
void sim_respond_json (sim_response_t *resp, unsigned int status, json_t *json);
void sim_respond_text (sim_response_t *resp, unsigned int status,
                       const char *content_type, const char *text);
//  Adds a header whose value is copied into the response (at most two).
void sim_respond_header_copy (sim_response_t *resp, const char *name, const char *value);
//  Adds a header whose name and value outlive the response (literals).
void sim_respond_header (sim_response_t *resp, const char *name, const char *value);
//  KIS error envelope {"rt_cd":"1","msg_cd":code,"msg1":msg}.
void sim_respond_kis_error (sim_response_t *resp, unsigned int status,
                            const char *code, const char *msg);

//  Request helpers: header (case-insensitive, borrowed), query argument
//  (case-insensitive name, borrowed), or NULL.
const char *sim_request_header (const sim_request_t *req, const char *name);
const char *sim_request_arg (const sim_request_t *req, const char *name);

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
void sim_stats_reset (sim_t *self);

//  --- sim_kis.c --------------------------------------------------------------

sim_kis_t *sim_kis_new (void);
void sim_kis_destroy (sim_kis_t **self_p);
//  Clears the per-key maxima kept with the limiter (after /_sim/reset).
void sim_kis_reset_locked (sim_kis_t *self);
void sim_kis_token (sim_t *self, sim_request_t *req, sim_response_t *resp);
void sim_kis_chart (sim_t *self, sim_request_t *req, sim_response_t *resp);
//  Precomputes every KR instrument's price-walk checkpoints through end_days
//  (--warm-until), so benchmarks measure the pipeline, not the walks.
void sim_kis_warm (sim_t *self, int32_t end_days);
void sim_kis_holiday (sim_t *self, sim_request_t *req, sim_response_t *resp);
//  HHDFS76240000: the limiter, faults, credentials and tr_id of every data
//  endpoint, then sim_us_daily.
void sim_kis_overseas_daily (sim_t *self, sim_request_t *req, sim_response_t *resp);

//  --- sim_master.c -------------------------------------------------------------

//  One generated instrument (what the master files hold, as decoded values).
typedef struct {
    char code[8];
    char isin[16];
    char name[128];                          //  UTF-8
    char group[3];
    bool kosdaq;
    bool spac;
    bool preferred;
    bool krx300;
    bool kosdaq150;
    bool selected;                           //  the default universe filter picks it
    bool unknown;                            //  answers as unknown on the chart
    long long cap;                           //  market cap, 억원
    long long base_price;                    //  KRW
    long long shares_k;                      //  listed shares, thousands
    long long face;                          //  face value, KRW
    int listed_ymd;
    long long sales, op_profit, ord_profit, net_income;
    double roe;
} sim_instrument_t;

//  Generates both markets from seed; garble extra bad KOSDAQ records; marks the
//  first unknown_n selected KOSDAQ codes unknown. NULL on failure (logged).
sim_master_t *sim_master_new (uint64_t seed, int garble, int unknown_n, int base_ymd, int extra);
void sim_master_destroy (sim_master_t **self_p);
//  The instrument with that code or NULL (borrowed; read-only, thread-safe).
const sim_instrument_t *sim_master_find (const sim_master_t *self, const char *code);
//  Every instrument in turn: i from 0 to count - 1 (borrowed).
size_t sim_master_count (const sim_master_t *self);
const sim_instrument_t *sim_master_at (const sim_master_t *self, size_t i);
void sim_master_serve (sim_t *self, sim_request_t *req, sim_response_t *resp);
void sim_master_universe (sim_t *self, sim_request_t *req, sim_response_t *resp);

//  --- sim_wiki.c ---------------------------------------------------------------

//  One index constituent as the articles list it. Strings are borrowed from
//  the sim_wiki_t and live as long as it.
typedef struct {
    const char *symbol;                      //  Wikipedia spelling: BRK.B
    const char *name;                        //  the article's Security / Company
    const char *korean;                      //  Korean name, "" when the data has none
    const char *sector;                      //  GICS sector
    const char *sub_industry;                //  GICS sub-industry
    const char *industry;                    //  the Dow article's plain-words industry
    bool nasdaq;                             //  listed on Nasdaq (else NYSE)
    bool sp500, ndx, dow;
    bool absent;                             //  deliberately in no KIS master file
} sim_wiki_member_t;

//  A growable text buffer for generated documents: every append reports -1
//  once memory ran out (and keeps failing); sim_buf_take hands the text over.
typedef struct {
    char *data;
    size_t len, cap;
    bool failed;
} sim_buf_t;

int sim_buf_printf (sim_buf_t *buf, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));
//  Appends text with & < > " escaped for HTML.
int sim_buf_html (sim_buf_t *buf, const char *text);
//  The text (caller frees; NULL when an append failed) and its length; the
//  buffer is empty again afterwards.
char *sim_buf_take (sim_buf_t *buf, size_t *len);

//  Loads the constituent table and renders the three articles. NULL when out
//  of memory (logged).
sim_wiki_t *sim_wiki_new (void);
void sim_wiki_destroy (sim_wiki_t **self_p);
size_t sim_wiki_count (const sim_wiki_t *self);
//  The index-th member (borrowed) or NULL past the end.
const sim_wiki_member_t *sim_wiki_member (const sim_wiki_t *self, size_t index);
//  GET /wiki/<title>: the three articles, 404 for other titles, 403 without
//  a User-Agent header.
void sim_wiki_serve (sim_t *self, sim_request_t *req, sim_response_t *resp);

//  --- sim_us.c -------------------------------------------------------------------

//  Builds the US side from the wiki's members and the extra tickers: the
//  NAS/NYS/AMS master files (with generated filler listings), the XNYS
//  sessions from eod_cal (calendar_dir), and marks the first unknown_n
//  universe symbols that are in a master file as unknown to the price
//  endpoint. NULL on failure (logged).
sim_us_t *sim_us_new (uint64_t seed, const sim_wiki_t *wiki, const char *calendar_dir,
                      int unknown_n);
void sim_us_destroy (sim_us_t **self_p);
//  GET /uapi/overseas-price/v1/quotations/dailyprice (HHDFS76240000) once the
//  common checks passed: validates the query and answers the rows.
void sim_us_daily (sim_t *self, sim_request_t *req, sim_response_t *resp);
//  GET /common/master/{nas,nys,ams}mst.cod.zip.
void sim_us_master (sim_t *self, sim_request_t *req, sim_response_t *resp);
//  GET /_sim/universe/us.
void sim_us_universe (sim_t *self, sim_request_t *req, sim_response_t *resp);

//  --- sim_slack.c --------------------------------------------------------------

sim_slack_t *sim_slack_new (void);
void sim_slack_destroy (sim_slack_t **self_p);
void sim_slack_reset_locked (sim_slack_t *self);
long sim_slack_count_locked (const sim_slack_t *self);
void sim_slack_post (sim_t *self, sim_request_t *req, sim_response_t *resp);
void sim_slack_webhook (sim_t *self, sim_request_t *req, sim_response_t *resp);
void sim_slack_list (sim_t *self, sim_request_t *req, sim_response_t *resp);


//  Zips data as one entry named entry into a new buffer (*out_p, the caller
//  frees it). 0 or -1 (logged). Used for every master-file zip the sim serves.
int sim_zip (const char *entry, const char *data, size_t len, unsigned char **out_p, size_t *out_len);

#endif
