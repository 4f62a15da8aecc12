/*  sim_main — eod-sim's entry point: parses options, generates the master
    files, starts the libmicrohttpd daemon on 127.0.0.1 and routes each request
    to its module (sim_kis, sim_master, sim_us, sim_wiki, sim_slack, the /_sim/
    endpoints). It prints "eod-sim listening on 127.0.0.1:PORT" once ready and
    stops cleanly on SIGINT or SIGTERM. */
#include "sim.h"

#include "eod_log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_CONNECTION_LIMIT 512             //  parallel fetchers and tests
#define SIM_CONNECTION_TIMEOUT_S 60
#define SIM_PARTIAL_BLOCK 4096

#define SIM_DEMO_KEY1 "PSsimDemoKey000000000000000000000000"
#define SIM_DEMO_KEY2 "PSsimDemoKe2000000000000000000000000"
#define SIM_DEMO_SECRET_TAIL 167             //  's' characters after the 13-char stem: 180 in all

#define SIM_PATH_TOKEN "/oauth2/tokenP"
#define SIM_PATH_CHART "/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice"
#define SIM_PATH_HOLIDAY "/uapi/domestic-stock/v1/quotations/chk-holiday"
#define SIM_PATH_MASTER "/common/master/"
#define SIM_PATH_OVERSEAS_DAILY "/uapi/overseas-price/v1/quotations/dailyprice"
#define SIM_PATH_WIKI "/wiki/"
#define SIM_PATH_SLACK_POST "/api/chat.postMessage"
#define SIM_PATH_WEBHOOK "/services/"

static const char *s_usage =
    "usage: eod-sim [--port P] [--seed S] [options]\n"
    "Serves every outside service of eod (KIS API, master files, Slack) on 127.0.0.1:P.\n"
    "  --port P                 listen port (default 18080; 0 picks a free one)\n"
    "  --seed S                 seed of generated data and faults (default 1)\n"
    "  --app KEY:SECRET         accepted app key (repeatable; default two demo pairs)\n"
    "  --slack-token T          accepted Slack bot token (default xoxb-sim-demo-token)\n"
    "  --slack-channel C        known Slack channel (repeatable; default #eod-demo)\n"
    "  --token-reuse-s N        same token if issued less than N s ago (default 21600)\n"
    "  --token-ttl-s N          token lifetime (default 86400)\n"
    "  --token-throttle-s N     minimum gap between issuances per key (default 60)\n"
    "  --rate N                 data requests per app key in any 1-s window (default 20)\n"
    "  --arrival-jitter-ms A    uniform [0,A] delay before a request is counted\n"
    "  --latency-ms L           server time after counting\n"
    "  --jitter-ms J            +- uniform jitter on the latency\n"
    "  --calendar-dir DIR       directory of XKRX_closed.csv and the XNYS files\n"
    "  --no-future-check        serve chart rows after today\n"
    "  --kosdaq-extra N         N more KOSDAQ stocks the default filter selects (scale runs)\n"
    "  --warm-until YYYYMMDD    compute the KR price walks through that day before\n"
    "                           listening (benchmarks: requests then cost the walk's\n"
    "                           last months only)\n"
    "  --unknown-codes N        first N selected KOSDAQ codes answer as unknown\n"
    "  --us-unknown N           first N US universe symbols answer as unknown on dailyprice\n"
    "  --master-garble N        append N garbled records to the KOSDAQ master\n"
    "  --fault-nonjson500 R     rate of HTTP 500 with an HTML body\n"
    "  --fault-badjson R        rate of HTTP 200 with truncated JSON\n"
    "  --fault-reset R          rate of connections closed mid-body or unanswered\n"
    "  --fault-slow R           rate of slow answers (--fault-slow-ms MS, default 2000)\n"
    "  --fault-egw00201 R       rate of injected EGW00201\n"
    "  --fault-master503 R      rate of 503 from the master-file host\n"
    "  --fault-slack429 R       rate of Slack 429\n"
    "  --fault-slack500 R       rate of Slack 500\n"
    "  --fault-token-expire-after N  expire an app key's token after its N-th data request\n"
    "  --help, --version\n"
    "Environment: EOD_NOW=YYYY-MM-DDTHH:MM:SS+09:00 fixes the clock at start.\n"
    "Sim endpoints: GET /_sim/stats, POST /_sim/reset, GET /_sim/universe/kr,\n"
    "  GET /_sim/universe/us, GET /_sim/slack\n";

enum {
    OPT_PORT = 256, OPT_SEED, OPT_APP, OPT_SLACK_TOKEN, OPT_SLACK_CHANNEL, OPT_TOKEN_REUSE,
    OPT_TOKEN_TTL, OPT_TOKEN_THROTTLE, OPT_RATE, OPT_ARRIVAL_JITTER, OPT_LATENCY, OPT_JITTER,
    OPT_CALENDAR_DIR, OPT_NO_FUTURE, OPT_WARM, OPT_EXTRA, OPT_UNKNOWN, OPT_GARBLE, OPT_F_NONJSON, OPT_F_BADJSON,
    OPT_F_RESET, OPT_F_SLOW, OPT_F_SLOW_MS, OPT_F_EGW, OPT_F_MASTER, OPT_F_SLACK429,
    OPT_F_SLACK500, OPT_F_TOKEN_EXPIRE, OPT_US_UNKNOWN, OPT_HELP, OPT_VERSION
};

static const struct option s_options[] = {
    {"port", required_argument, NULL, OPT_PORT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"app", required_argument, NULL, OPT_APP},
    {"slack-token", required_argument, NULL, OPT_SLACK_TOKEN},
    {"slack-channel", required_argument, NULL, OPT_SLACK_CHANNEL},
    {"token-reuse-s", required_argument, NULL, OPT_TOKEN_REUSE},
    {"token-ttl-s", required_argument, NULL, OPT_TOKEN_TTL},
    {"token-throttle-s", required_argument, NULL, OPT_TOKEN_THROTTLE},
    {"rate", required_argument, NULL, OPT_RATE},
    {"arrival-jitter-ms", required_argument, NULL, OPT_ARRIVAL_JITTER},
    {"latency-ms", required_argument, NULL, OPT_LATENCY},
    {"jitter-ms", required_argument, NULL, OPT_JITTER},
    {"calendar-dir", required_argument, NULL, OPT_CALENDAR_DIR},
    {"no-future-check", no_argument, NULL, OPT_NO_FUTURE},
    {"warm-until", required_argument, NULL, OPT_WARM},
    {"kosdaq-extra", required_argument, NULL, OPT_EXTRA},
    {"unknown-codes", required_argument, NULL, OPT_UNKNOWN},
    {"us-unknown", required_argument, NULL, OPT_US_UNKNOWN},
    {"master-garble", required_argument, NULL, OPT_GARBLE},
    {"fault-nonjson500", required_argument, NULL, OPT_F_NONJSON},
    {"fault-badjson", required_argument, NULL, OPT_F_BADJSON},
    {"fault-reset", required_argument, NULL, OPT_F_RESET},
    {"fault-slow", required_argument, NULL, OPT_F_SLOW},
    {"fault-slow-ms", required_argument, NULL, OPT_F_SLOW_MS},
    {"fault-egw00201", required_argument, NULL, OPT_F_EGW},
    {"fault-master503", required_argument, NULL, OPT_F_MASTER},
    {"fault-slack429", required_argument, NULL, OPT_F_SLACK429},
    {"fault-slack500", required_argument, NULL, OPT_F_SLACK500},
    {"fault-token-expire-after", required_argument, NULL, OPT_F_TOKEN_EXPIRE},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}
};

static int
s_parse_long (const char *name, const char *text, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long value = strtol (text, &end, 10);
    if (errno || end == text || *end != '\0' || value < min || value > max) {
        fprintf (stderr, "eod-sim: --%s %s: expected an integer in [%ld, %ld]\n", name, text,
                 min, max);
        return -1;
    }
    *out = value;
    return 0;
}

static int
s_parse_rate (const char *name, const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double value = strtod (text, &end);
    if (errno || end == text || *end != '\0' || !(value >= 0 && value <= 1)) {
        fprintf (stderr, "eod-sim: --%s %s: expected a rate in [0, 1]\n", name, text);
        return -1;
    }
    *out = value;
    return 0;
}

static char *
s_demo_secret (const char *stem)
{
    size_t stem_len = strlen (stem);
    char *secret = malloc (stem_len + SIM_DEMO_SECRET_TAIL + 1);
    if (secret) {
        memcpy (secret, stem, stem_len);
        memset (secret + stem_len, 's', SIM_DEMO_SECRET_TAIL);
        secret[stem_len + SIM_DEMO_SECRET_TAIL] = '\0';
    }
    return secret;
}

static void
s_config_free (sim_config_t *config)
{
    for (size_t i = 0; i < config->napps; i++) {
        free (config->apps[i].key);
        free (config->apps[i].secret);
    }
    for (size_t i = 0; i < config->nchannels; i++)
        free (config->slack_channels[i]);
    free (config->slack_token);
    free (config->calendar_dir);
}

//  Fills config from argv. 0 ok, 1 when --help/--version was answered, -1 usage error.
static int
s_config_parse (sim_config_t *config, int argc, char *argv[])
{
    config->port = SIM_PORT_DEFAULT;
    config->seed = 1;
    config->token_reuse_s = SIM_TOKEN_REUSE_S_DEFAULT;
    config->token_ttl_s = SIM_TOKEN_TTL_S_DEFAULT;
    config->token_throttle_s = SIM_TOKEN_THROTTLE_S_DEFAULT;
    config->rate = SIM_RATE_DEFAULT;
    config->fault_slow_ms = 2000;
    int opt;
    long value;
    while ((opt = getopt_long (argc, argv, "", s_options, NULL)) != -1) {
        const char *name = NULL;
        for (size_t i = 0; s_options[i].name; i++)
            if (s_options[i].val == opt)
                name = s_options[i].name;
        switch (opt) {
        case OPT_PORT:
            if (s_parse_long (name, optarg, 0, 65535, &value))
                return -1;
            config->port = (int) value;
            break;
        case OPT_SEED: {
            char *end = NULL;
            errno = 0;
            unsigned long long seed = strtoull (optarg, &end, 10);
            if (errno || end == optarg || *end != '\0') {
                fprintf (stderr, "eod-sim: --seed %s: expected an unsigned integer\n", optarg);
                return -1;
            }
            config->seed = seed;
            break;
        }
        case OPT_APP: {
            const char *colon = strchr (optarg, ':');
            if (!colon || colon == optarg || colon[1] == '\0' || config->napps == SIM_APPS_MAX) {
                fprintf (stderr, "eod-sim: --app expects KEY:SECRET (at most %d)\n", SIM_APPS_MAX);
                return -1;
            }
            config->apps[config->napps].key = strndup (optarg, (size_t) (colon - optarg));
            config->apps[config->napps].secret = strdup (colon + 1);
            config->napps++;
            break;
        }
        case OPT_SLACK_TOKEN:
            free (config->slack_token);
            config->slack_token = strdup (optarg);
            break;
        case OPT_SLACK_CHANNEL:
            if (config->nchannels == SIM_CHANNELS_MAX) {
                fprintf (stderr, "eod-sim: at most %d channels\n", SIM_CHANNELS_MAX);
                return -1;
            }
            config->slack_channels[config->nchannels++] = strdup (optarg);
            break;
        case OPT_TOKEN_REUSE:
            if (s_parse_long (name, optarg, 0, 10L * 365 * 86400, &config->token_reuse_s))
                return -1;
            break;
        case OPT_TOKEN_TTL:
            if (s_parse_long (name, optarg, 1, 10L * 365 * 86400, &config->token_ttl_s))
                return -1;
            break;
        case OPT_TOKEN_THROTTLE:
            if (s_parse_long (name, optarg, 0, 86400, &config->token_throttle_s))
                return -1;
            break;
        case OPT_RATE:
            if (s_parse_long (name, optarg, 1, 1000000, &value))
                return -1;
            config->rate = (int) value;
            break;
        case OPT_ARRIVAL_JITTER:
            if (s_parse_long (name, optarg, 0, 60000, &config->arrival_jitter_ms))
                return -1;
            break;
        case OPT_LATENCY:
            if (s_parse_long (name, optarg, 0, 60000, &config->latency_ms))
                return -1;
            break;
        case OPT_JITTER:
            if (s_parse_long (name, optarg, 0, 60000, &config->jitter_ms))
                return -1;
            break;
        case OPT_CALENDAR_DIR:
            free (config->calendar_dir);
            config->calendar_dir = strdup (optarg);
            break;
        case OPT_EXTRA: {
            long value;
            if (s_parse_long (name, optarg, 0, 50000, &value))
                return -1;
            config->kosdaq_extra = (int) value;
            break;
        }
        case OPT_WARM:
            if (strlen (optarg) != 8 || strspn (optarg, "0123456789") != 8) {
                eod_log_error ("--warm-until %s: expected YYYYMMDD", optarg);
                return -1;
            }
            config->warm_until = optarg;
            break;
        case OPT_NO_FUTURE:
            config->no_future_check = true;
            break;
        case OPT_UNKNOWN:
            if (s_parse_long (name, optarg, 0, 100000, &value))
                return -1;
            config->unknown_codes = (int) value;
            break;
        case OPT_US_UNKNOWN:
            if (s_parse_long (name, optarg, 0, 100000, &value))
                return -1;
            config->us_unknown = (int) value;
            break;
        case OPT_GARBLE:
            if (s_parse_long (name, optarg, 0, 100000, &value))
                return -1;
            config->master_garble = (int) value;
            break;
        case OPT_F_NONJSON:
            if (s_parse_rate (name, optarg, &config->fault_nonjson500))
                return -1;
            break;
        case OPT_F_BADJSON:
            if (s_parse_rate (name, optarg, &config->fault_badjson))
                return -1;
            break;
        case OPT_F_RESET:
            if (s_parse_rate (name, optarg, &config->fault_reset))
                return -1;
            break;
        case OPT_F_SLOW:
            if (s_parse_rate (name, optarg, &config->fault_slow))
                return -1;
            break;
        case OPT_F_SLOW_MS:
            if (s_parse_long (name, optarg, 0, 600000, &config->fault_slow_ms))
                return -1;
            break;
        case OPT_F_EGW:
            if (s_parse_rate (name, optarg, &config->fault_egw00201))
                return -1;
            break;
        case OPT_F_MASTER:
            if (s_parse_rate (name, optarg, &config->fault_master503))
                return -1;
            break;
        case OPT_F_SLACK429:
            if (s_parse_rate (name, optarg, &config->fault_slack429))
                return -1;
            break;
        case OPT_F_SLACK500:
            if (s_parse_rate (name, optarg, &config->fault_slack500))
                return -1;
            break;
        case OPT_F_TOKEN_EXPIRE:
            if (s_parse_long (name, optarg, 0, 100000000, &config->fault_token_expire_after))
                return -1;
            break;
        case OPT_HELP:
            fputs (s_usage, stdout);
            return 1;
        case OPT_VERSION:
            printf ("eod-sim %s\n", EOD_VERSION);
            return 1;
        default:
            fputs (s_usage, stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf (stderr, "eod-sim: unexpected argument %s\n", argv[optind]);
        return -1;
    }
    if (config->napps == 0) {
        config->apps[0].key = strdup (SIM_DEMO_KEY1);
        config->apps[0].secret = s_demo_secret ("simDemoSecret");
        config->apps[1].key = strdup (SIM_DEMO_KEY2);
        config->apps[1].secret = s_demo_secret ("simDemoSecre2");
        config->napps = 2;
    }
    if (!config->slack_token)
        config->slack_token = strdup ("xoxb-sim-demo-token");
    if (config->nchannels == 0)
        config->slack_channels[config->nchannels++] = strdup ("#eod-demo");
    if (!config->calendar_dir)
        config->calendar_dir = strdup (EOD_SOURCE_DIR "/config/calendars");
    return 0;
}

//  --- dispatch --------------------------------------------------------------------

typedef struct {
    const char *method;
    const char *path;
    bool prefix;
    void (*handler) (sim_t *, sim_request_t *, sim_response_t *);
} s_route_t;

static void
s_sim_stats (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    json_t *json = sim_stats_json (self);
    sim_respond_json (resp, MHD_HTTP_OK, json);
    json_decref (json);
}

static void
s_sim_reset (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_stats_reset (self);
    sim_respond_text (resp, MHD_HTTP_OK, "application/json", "{\"ok\":true}");
}

//  Exact paths come before the prefixes that would also match them.
static const s_route_t s_routes[] = {
    {"POST", SIM_PATH_TOKEN, false, sim_kis_token},
    {"GET", SIM_PATH_CHART, false, sim_kis_chart},
    {"GET", SIM_PATH_HOLIDAY, false, sim_kis_holiday},
    {"GET", SIM_PATH_OVERSEAS_DAILY, false, sim_kis_overseas_daily},
    {"GET", SIM_PATH_MASTER "nasmst.cod.zip", false, sim_us_master},
    {"GET", SIM_PATH_MASTER "nysmst.cod.zip", false, sim_us_master},
    {"GET", SIM_PATH_MASTER "amsmst.cod.zip", false, sim_us_master},
    {"GET", SIM_PATH_MASTER, true, sim_master_serve},
    {"GET", SIM_PATH_WIKI, true, sim_wiki_serve},
    {"POST", SIM_PATH_SLACK_POST, false, sim_slack_post},
    {"POST", SIM_PATH_WEBHOOK, true, sim_slack_webhook},
    {"GET", "/_sim/stats", false, s_sim_stats},
    {"POST", "/_sim/reset", false, s_sim_reset},
    {"GET", "/_sim/universe/kr", false, sim_master_universe},
    {"GET", "/_sim/universe/us", false, sim_us_universe},
    {"GET", "/_sim/slack", false, sim_slack_list},
    {NULL, NULL, false, NULL}
};

static void
s_dispatch (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    bool path_known = false;
    for (const s_route_t *route = s_routes; route->path; route++) {
        bool match = route->prefix ? strncmp (req->url, route->path, strlen (route->path)) == 0
                                   : strcmp (req->url, route->path) == 0;
        if (!match)
            continue;
        path_known = true;
        if (strcmp (req->method, route->method) == 0) {
            route->handler (self, req, resp);
            return;
        }
    }
    json_t *json = json_pack ("{s:s, s:s}", "error", path_known ? "method not allowed" : "not found",
                              "path", req->url);
    sim_respond_json (resp, path_known ? MHD_HTTP_METHOD_NOT_ALLOWED : MHD_HTTP_NOT_FOUND, json);
    json_decref (json);
}

typedef struct {
    char *body;
    size_t len;
    size_t limit;
    size_t sent;
} s_partial_t;

//  Sends the first limit bytes of the body, then fails: the client sees the
//  connection close before Content-Length bytes arrived.
static ssize_t
s_partial_read (void *cls, uint64_t pos, char *buf, size_t max)
{
    s_partial_t *partial = cls;
    if (pos >= partial->limit)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = partial->limit - (size_t) pos;
    if (n > max)
        n = max;
    memcpy (buf, partial->body + pos, n);
    return (ssize_t) n;
}

static void
s_partial_free (void *cls)
{
    s_partial_t *partial = cls;
    free (partial->body);
    free (partial);
}

static enum MHD_Result
s_queue (struct MHD_Connection *conn, sim_response_t *resp)
{
    struct MHD_Response *response = NULL;
    if (resp->reset && resp->partial_len > 0 && resp->partial_len < resp->body_len) {
        s_partial_t *partial = calloc (1, sizeof *partial);
        if (!partial)
            return MHD_NO;
        partial->body = resp->body;
        partial->len = resp->body_len;
        partial->limit = resp->partial_len;
        resp->body = NULL;
        response = MHD_create_response_from_callback (partial->len, SIM_PARTIAL_BLOCK,
                                                      s_partial_read, partial, s_partial_free);
        if (!response) {
            s_partial_free (partial);
            return MHD_NO;
        }
    }
    else if (resp->reset)
        return MHD_NO;
    else {
        response = MHD_create_response_from_buffer (resp->body_len, resp->body ? resp->body : (char *) "",
                                                    resp->body ? MHD_RESPMEM_MUST_FREE
                                                               : MHD_RESPMEM_PERSISTENT);
        if (!response)
            return MHD_NO;
        resp->body = NULL;                   //  MHD frees it
    }
    if (resp->content_type)
        MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    for (size_t i = 0; i < resp->nheaders; i++)
        MHD_add_response_header (response, resp->headers[i][0], resp->headers[i][1]);
    enum MHD_Result result = MHD_queue_response (conn, resp->status ? resp->status : 500, response);
    MHD_destroy_response (response);
    return result;
}

static enum MHD_Result
s_access (void *cls, struct MHD_Connection *conn, const char *url, const char *method,
          const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    sim_t *self = cls;
    sim_request_t *req = *con_cls;
    if (!req) {
        req = calloc (1, sizeof *req);
        if (!req)
            return MHD_NO;
        *con_cls = req;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!req->body_too_big && req->body_len + *upload_data_size <= SIM_BODY_MAX) {
            char *grown = realloc (req->body, req->body_len + *upload_data_size + 1);
            if (!grown)
                return MHD_NO;
            req->body = grown;
            memcpy (req->body + req->body_len, upload_data, *upload_data_size);
            req->body_len += *upload_data_size;
            req->body[req->body_len] = '\0';
        }
        else
            req->body_too_big = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    req->conn = conn;
    req->method = method;
    req->url = url;
    sim_response_t resp;
    memset (&resp, 0, sizeof resp);
    if (req->body_too_big)
        sim_respond_text (&resp, MHD_HTTP_CONTENT_TOO_LARGE, "text/plain", "request body too large\n");
    else
        s_dispatch (self, req, &resp);
    enum MHD_Result result = s_queue (conn, &resp);
    free (resp.body);
    return result;
}

static void
s_completed (void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode code)
{
    sim_request_t *req = *con_cls;
    if (req) {
        free (req->body);
        free (req);
        *con_cls = NULL;
    }
}

int
main (int argc, char *argv[])
{
    eod_log_init ("eod-sim");
    int rc = 1;
    sim_config_t config;
    memset (&config, 0, sizeof config);
    sim_t sim;
    memset (&sim, 0, sizeof sim);
    pthread_mutex_init (&sim.lock, NULL);
    struct MHD_Daemon *daemon = NULL;

    int parsed = s_config_parse (&config, argc, argv);
    if (parsed != 0) {
        rc = parsed > 0 ? 0 : 2;
        goto out;
    }
    if (sim_clock_init () != 0) {
        rc = 2;
        goto out;
    }
    sim.config = &config;
    sim.rng_state = sim_hash (config.seed, 0x5eed, 0);
    sim.calendar = sim_calendar_new (config.calendar_dir);
    if (!sim.calendar) {
        rc = 2;
        goto out;
    }
    sim.master = sim_master_new (config.seed, config.master_garble, config.unknown_codes,
                                 sim_today_kst (), config.kosdaq_extra);
    sim.wiki = sim_wiki_new ();
    sim.us = sim.wiki ? sim_us_new (config.seed, sim.wiki, config.calendar_dir, config.us_unknown)
                      : NULL;
    sim.kis = sim_kis_new ();
    sim.slack = sim_slack_new ();
    sim.stats = sim_stats_new ();
    if (!sim.master || !sim.wiki || !sim.us || !sim.kis || !sim.slack || !sim.stats)
        goto out;
    if (config.warm_until)
        sim_kis_warm (&sim, sim_days_from_ymd ((int) strtol (config.warm_until, NULL, 10)));

    //  Block the stop signals in every thread; the main thread waits for them.
    sigset_t stop;
    sigemptyset (&stop);
    sigaddset (&stop, SIGINT);
    sigaddset (&stop, SIGTERM);
    pthread_sigmask (SIG_BLOCK, &stop, NULL);
    signal (SIGPIPE, SIG_IGN);

    struct sockaddr_in addr;
    memset (&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons ((uint16_t) config.port);
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    daemon = MHD_start_daemon (MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
                               (uint16_t) config.port, NULL, NULL, s_access, &sim,
                               MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
                               MHD_OPTION_CONNECTION_LIMIT, (unsigned int) SIM_CONNECTION_LIMIT,
                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) SIM_CONNECTION_TIMEOUT_S,
                               MHD_OPTION_NOTIFY_COMPLETED, s_completed, &sim,
                               MHD_OPTION_END);
    if (!daemon) {
        eod_log_error ("cannot listen on 127.0.0.1:%d", config.port);
        rc = 3;
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info (daemon, MHD_DAEMON_INFO_BIND_PORT);
    int port = info && info->port ? info->port : config.port;
    printf ("eod-sim listening on 127.0.0.1:%d\n", port);
    fflush (stdout);
    eod_log_info ("seed %llu, rate %d/s per key, %zu app keys, today %d (KST)",
                  (unsigned long long) config.seed, config.rate, config.napps, sim_today_kst ());

    int signo = 0;
    sigwait (&stop, &signo);
    eod_log_info ("signal %d: stopping", signo);
    rc = 0;
out:
    if (daemon)
        MHD_stop_daemon (daemon);
    sim_stats_destroy (&sim.stats);
    sim_slack_destroy (&sim.slack);
    sim_kis_destroy (&sim.kis);
    sim_us_destroy (&sim.us);
    sim_wiki_destroy (&sim.wiki);
    sim_master_destroy (&sim.master);
    sim_calendar_destroy (&sim.calendar);
    pthread_mutex_destroy (&sim.lock);
    s_config_free (&config);
    return rc;
}
