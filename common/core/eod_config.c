/*  eod_config — see eod_config.h. The table below is every key there is. */
#include "eod_config.h"
#include "eod_log.h"
#include "eod_util.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <iniparser.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef enum { T_STR, T_INT, T_BOOL, T_SECRET, T_ENUM } s_type_t;

typedef struct {
    const char *name;       //  "section:key", lower case as iniparser stores it
    s_type_t type;
    const char *def;        //  default as text
    long long min, max;     //  T_INT bounds
    const char *choices;    //  T_ENUM: "a|b"
    const char *env;        //  environment variable that overrides it, or NULL
    const char *doc;
} s_key_t;

#define SOCK(n) "ipc://${state_dir}/sock/" n

static const s_key_t s_keys[] = {
    //  The reference pipeline's sections
    {"live_app:key", T_SECRET, "", 0, 0, NULL, "EOD_KIS_APP_KEY", "KIS app key for the real host (36 chars)"},
    {"live_app:secret_key", T_SECRET, "", 0, 0, NULL, "EOD_KIS_APP_SECRET", "KIS app secret for the real host (180 chars)"},
    {"live_app:access_token", T_SECRET, "", 0, 0, NULL, NULL, "written by the reference pipeline; eod ignores it and keeps its token cache under state_dir"},
    {"live_app:hash", T_STR, "", 0, 0, NULL, NULL, "written by the reference pipeline; unused"},
    {"test_app:key", T_SECRET, "", 0, 0, NULL, "EOD_KIS_TEST_APP_KEY", "KIS app key for the mock (VTS) host"},
    {"test_app:secret_key", T_SECRET, "", 0, 0, NULL, "EOD_KIS_TEST_APP_SECRET", "KIS app secret for the mock host"},
    {"test_app:access_token", T_SECRET, "", 0, 0, NULL, NULL, "written by the reference pipeline; ignored"},
    {"test_app:hash", T_STR, "", 0, 0, NULL, NULL, "unused"},
    {"aws_config:aws_access_key", T_SECRET, "", 0, 0, NULL, "AWS_ACCESS_KEY_ID", "AWS access key id"},
    {"aws_config:aws_secret_access_key", T_SECRET, "", 0, 0, NULL, "AWS_SECRET_ACCESS_KEY", "AWS secret access key"},
    {"aws_config:aws_session_token", T_SECRET, "", 0, 0, NULL, "AWS_SESSION_TOKEN", "AWS session token for temporary credentials"},
    {"slack_config:channel_access_token", T_SECRET, "", 0, 0, NULL, "EOD_SLACK_TOKEN", "Slack bot token (xoxb-...)"},
    {"slack_config:channel_name", T_STR, "", 0, 0, NULL, NULL, "Slack channel, with or without the leading #"},
    {"slack_config:webhook_url", T_SECRET, "", 0, 0, NULL, "EOD_SLACK_WEBHOOK_URL", "incoming webhook URL, instead of a bot token"},
    //  KIS
    {"kis:env", T_ENUM, "live", 0, 0, "live|test", NULL, "which app section to use: live ([LIVE_APP], real host) or test ([TEST_APP], mock host)"},
    {"kis:live_url", T_STR, "https://openapi.koreainvestment.com:9443", 0, 0, NULL, NULL, "base URL of the real host"},
    {"kis:test_url", T_STR, "https://openapivts.koreainvestment.com:29443", 0, 0, NULL, NULL, "base URL of the mock host"},
    {"kis:keys", T_STR, "", 0, 0, NULL, NULL, "more app-key sections (comma-separated, each with key and secret_key): one more budget each"},
    {"kis:rate", T_INT, "0", 0, 100000, NULL, NULL, "requests per second per app key; 0 follows the host (20 real, 2 mock)"},
    {"kis:jitter_ms", T_INT, "50", 0, 10000, NULL, NULL, "bound on the network's dispatch-to-arrival jitter: the pacer sends at most rate requests in any 1 s + jitter_ms + margin_ms, one every (1 s + jitter_ms + margin_ms) / rate"},
    {"kis:margin_ms", T_INT, "5", 0, 1000, NULL, NULL, "what the pacer's window adds for delays it is not told of: the link or the server taking a request in more than jitter_ms late, a fetcher's delays under 1 ms (a request that leaves its fetcher later, on a busy host, is counted from when it left)"},
    {"kis:timeout_ms", T_INT, "10000", 100, 600000, NULL, NULL, "timeout of one API request"},
    {"kis:max_attempts", T_INT, "5", 1, 100, NULL, NULL, "attempts per task before it is reported failed"},
    {"kis:unknown_code_stop", T_INT, "10", 0, 100000, NULL, NULL, "a run stops asking once this many answers in a row carried the same error code eod does not know (a key used on the wrong host fails every request so); 0: never"},
    {"kis:max_pages", T_INT, "10", 1, 100, NULL, NULL, "pages one task's answer may come in (overseas daily prices follow tr_cont); an answer that goes on past them fails the task"},
    {"kis:token_cache", T_STR, "${state_dir}/kis_token", 0, 0, NULL, NULL, "file (mode 0600) where the access token is cached with its expiry"},
    {"kis:token_refresh_s", T_INT, "3600", 0, 86400, NULL, NULL, "issue a new token this long before the cached one expires"},
    {"kis:holiday_check", T_BOOL, "false", 0, 0, NULL, NULL, "ask KIS chk-holiday (real host only, once a day) besides the shipped XKRX table"},
    {"kis:insecure", T_BOOL, "false", 0, 0, NULL, NULL, "turn TLS verification off for the API host (never in production)"},
    {"kis:ca_file", T_STR, "", 0, 0, NULL, NULL, "CA bundle for the API host; empty: the system store"},
    {"kis:adjusted", T_BOOL, "true", 0, 0, NULL, NULL, "request split/merger-adjusted prices"},
    //  Master files
    {"master:url", T_STR, "https://new.real.download.dws.co.kr/common/master", 0, 0, NULL, NULL, "where kospi_code.mst.zip and the other master zips are"},
    {"master:insecure", T_BOOL, "false", 0, 0, NULL, NULL, "turn TLS verification off for the master-file host (KIS's own samples do; logged as a warning)"},
    {"master:ca_file", T_STR, "", 0, 0, NULL, NULL, "CA bundle for the master-file host"},
    {"master:timeout_ms", T_INT, "60000", 1000, 600000, NULL, NULL, "timeout of one master-file download"},
    {"master:max_attempts", T_INT, "5", 1, 50, NULL, NULL, "download attempts (the host answers 503 at times)"},
    //  KR universe filter
    {"filter:kospi_min_cap", T_INT, "4000", 0, 100000000, NULL, NULL, "KOSPI ST: market cap (100M KRW units) at or above which a stock is in"},
    {"filter:kosdaq_min_cap", T_INT, "4000", 0, 100000000, NULL, NULL, "KOSDAQ ST: market cap threshold"},
    {"filter:kospi_name_pattern", T_STR, "은행|금융|신한|카카오뱅크", 0, 0, NULL, NULL, "KOSPI ST: names holding one of these |-separated words are in"},
    {"filter:kospi_extra_groups", T_STR, "RT,IF", 0, 0, NULL, NULL, "KOSPI groups taken whole (REITs, infrastructure funds)"},
    {"filter:kospi_krx300", T_BOOL, "true", 0, 0, NULL, NULL, "KOSPI ST: KRX300 members are in"},
    {"filter:kosdaq_krx300", T_BOOL, "true", 0, 0, NULL, NULL, "KOSDAQ ST: KRX300 members are in"},
    {"filter:kosdaq_kosdaq150", T_BOOL, "true", 0, 0, NULL, NULL, "KOSDAQ ST: KOSDAQ150 members are in"},
    //  Pipeline
    {"pipeline:data_dir", T_STR, "data", 0, 0, NULL, NULL, "where data/market=<m>/dt=<date>/ files are written"},
    {"pipeline:state_dir", T_STR, "state", 0, 0, NULL, NULL, "ledgers, journals, token cache, sockets"},
    {"pipeline:calendar_dir", T_STR, "config/calendars", 0, 0, NULL, NULL, "exchange calendar tables"},
    {"pipeline:date", T_STR, "", 0, 0, NULL, NULL, "pin the session date (YYYY-MM-DD) when a run gives none; empty: the latest closed session"},
    {"pipeline:fetchers", T_INT, "4", 1, 256, NULL, NULL, "fetchers launch/eod run starts"},
    {"pipeline:heartbeat_ms", T_INT, "1000", 50, 60000, NULL, NULL, "fetcher heartbeat interval"},
    {"pipeline:liveness", T_INT, "3", 1, 100, NULL, NULL, "missed heartbeats after which a fetcher is dead and its leases return to the queue"},
    {"pipeline:ack_timeout_ms", T_INT, "30000", 100, 3600000, NULL, NULL, "a result the writer has not acknowledged by then is leased again"},
    {"pipeline:ledger_keep_days", T_INT, "30", 1, 3650, NULL, NULL, "finished runs' ledgers under state/coordinator are kept this many days (a re-run within them requests only what is missing)"},
    {"pipeline:trace", T_BOOL, "false", 0, 0, NULL, NULL, "log every message sent and received (secrets excluded)"},
    {"pipeline:unpublished_pct", T_INT, "5", 0, 100, NULL, NULL, "a daily run whose codes answer without a row for the session, more than this percent of them when the run settles, ends incomplete (exit 5); those codes go to state/gaps either way"},
    {"pipeline:linger_ms", T_INT, "60000", 0, 3600000, NULL, NULL, "how long a stage that ends may go on delivering its last messages (a listing of thousands of tasks, the run's END)"},
    //  Endpoints: stable stages bind, workers connect
    {"endpoints:lister", T_STR, SOCK ("lister"), 0, 0, NULL, NULL, "lister input (JOB from the calendar gate)"},
    {"endpoints:coordinator", T_STR, SOCK ("coordinator"), 0, 0, NULL, NULL, "coordinator input (TASK/LISTED from the lister, ACK from the writer)"},
    {"endpoints:fetchers", T_STR, SOCK ("fetchers"), 0, 0, NULL, NULL, "coordinator ROUTER where fetchers connect (tcp:// across hosts)"},
    {"endpoints:service", T_STR, SOCK ("service"), 0, 0, NULL, NULL, "coordinator REP service (chk-holiday for the calendar gate)"},
    {"endpoints:writer", T_STR, SOCK ("writer"), 0, 0, NULL, NULL, "writer input"},
    {"endpoints:uploader", T_STR, SOCK ("uploader"), 0, 0, NULL, NULL, "uploader input"},
    {"endpoints:notifier", T_STR, SOCK ("notifier"), 0, 0, NULL, NULL, "notifier input (EVENT and END from every stage)"},
    {"endpoints:trace", T_STR, "ipc://${state_dir}/sock/trace-", 0, 0, NULL, NULL, "prefix of each stage's PUB trace endpoint (the stage name is appended)"},
    //  Security of tcp:// endpoints (ipc:// sockets live in the 0700 state directory)
    {"security:curve_server_cert", T_STR, "", 0, 0, NULL, NULL, "the coordinator's secret CurveZMQ certificate (czmq zcert file, mode 0600; `launch/eod keygen DIR` writes DIR/server.cert_secret): a stage binding a tcp:// endpoint is a CURVE server with it"},
    {"security:curve_server_public", T_STR, "", 0, 0, NULL, NULL, "the coordinator's public key, as its public certificate file (DIR/server.cert) or the 40-character Z85 key: a stage connecting to a tcp:// endpoint (a fetcher on another host) checks the server with it"},
    {"security:curve_client_cert", T_STR, "", 0, 0, NULL, NULL, "this host's secret client certificate (DIR/NAME.cert_secret, mode 0600) for tcp:// endpoints it connects to; its public half must be in the server's curve_clients_dir"},
    {"security:curve_clients_dir", T_STR, "", 0, 0, NULL, NULL, "directory of the public certificates of the clients allowed on a tcp:// endpoint this stage binds (DIR/clients); ZAP checks each connection against it, and files added or removed take effect without a restart"},
    {"security:plain_tcp", T_BOOL, "false", 0, 0, NULL, NULL, "allow tcp:// endpoints without CurveZMQ on a trusted network; never [endpoints] fetchers, since CREDS carry the KIS secret and access token"},
    //  S3
    {"s3:enabled", T_BOOL, "true", 0, 0, NULL, NULL, "upload finished files"},
    {"s3:bucket", T_STR, "", 0, 0, NULL, NULL, "bucket name"},
    {"s3:region", T_STR, "ap-northeast-2", 0, 0, NULL, NULL, "bucket region (signing scope)"},
    {"s3:endpoint", T_STR, "", 0, 0, NULL, NULL, "custom endpoint URL for S3-compatible stores; empty: AWS"},
    {"s3:path_style", T_BOOL, "false", 0, 0, NULL, NULL, "ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY"},
    {"s3:prefix", T_STR, "", 0, 0, NULL, NULL, "key prefix"},
    {"s3:key_template", T_STR, "", 0, 0, NULL, NULL, "key layout with {market} {yyyy} {mm} {dd} {yyyymmdd} {file}; empty: PREFIX/market={market}/dt={yyyy}-{mm}-{dd}/{file}"},
    {"s3:insecure", T_BOOL, "false", 0, 0, NULL, NULL, "turn TLS verification off for S3"},
    {"s3:ca_file", T_STR, "", 0, 0, NULL, NULL, "CA bundle for S3"},
    {"s3:max_attempts", T_INT, "5", 1, 50, NULL, NULL, "attempts per object (5xx, SlowDown, network errors)"},
    {"s3:timeout_ms", T_INT, "120000", 1000, 3600000, NULL, NULL, "timeout of one PUT"},
    //  Slack
    {"slack:enabled", T_BOOL, "true", 0, 0, NULL, NULL, "post to Slack"},
    {"slack:api_base", T_STR, "https://slack.com", 0, 0, NULL, NULL, "Slack Web API base URL"},
    {"slack:channel", T_STR, "", 0, 0, NULL, NULL, "channel; empty: [SLACK_CONFIG] channel_name"},
    {"slack:missing_cap", T_INT, "20", 0, 1000, NULL, NULL, "codes listed by name in a summary before '... and N more'"},
    {"slack:timeout_ms", T_INT, "10000", 100, 600000, NULL, NULL, "timeout of one post"},
    {"slack:max_attempts", T_INT, "4", 1, 100, NULL, NULL, "HTTP attempts of one message (429 waits Retry-After, 5xx backs off)"},
    {"slack:max_wait_ms", T_INT, "30000", 100, 3600000, NULL, NULL, "most time one message may take with retries; Slack never stalls the pipeline"},
    {"slack:insecure", T_BOOL, "false", 0, 0, NULL, NULL, "turn TLS verification off for Slack"},
    {"slack:ca_file", T_STR, "", 0, 0, NULL, NULL, "CA bundle for Slack"},
    //  Schedule (service mode)
    {"schedule:kr_time", T_STR, "18:00", 0, 0, NULL, NULL, "KR run time, Asia/Seoul, on XKRX sessions (after the master files refresh)"},
    {"schedule:us_time", T_STR, "07:30", 0, 0, NULL, NULL, "US run time, Asia/Seoul, for the latest closed XNYS session"},
    {"schedule:markets", T_STR, "kr,us", 0, 0, NULL, NULL, "markets the calendar service runs, comma-separated (kr, us)"},
    {"schedule:catchup_hours", T_INT, "12", 0, 168, NULL, NULL, "a run whose time passed while the service was down is still started this many hours after it; an older one is left to `launch/eod backfill` (the metrics show the missed session)"},
    {"schedule:poll_ms", T_INT, "1000", 10, 60000, NULL, NULL, "how often the calendar service looks at the clock"},
    //  Metrics
    {"metrics:textfile", T_STR, "${state_dir}/metrics/eod.prom", 0, 0, NULL, NULL, "Prometheus metrics after every run, node_exporter textfile format (point node_exporter's --collector.textfile.directory at its directory); empty: none"},
    //  US universe
    {"us:sp500_url", T_STR, "https://en.wikipedia.org/wiki/List_of_S%26P_500_companies", 0, 0, NULL, NULL, "S&P 500 constituents article"},
    {"us:nasdaq100_url", T_STR, "https://en.wikipedia.org/wiki/Nasdaq-100", 0, 0, NULL, NULL, "NASDAQ-100 constituents article"},
    {"us:dow30_url", T_STR, "https://en.wikipedia.org/wiki/Dow_Jones_Industrial_Average", 0, 0, NULL, NULL, "Dow 30 constituents article"},
    {"us:date", T_STR, "", 0, 0, NULL, NULL, "pin the US session date (YYYY-MM-DD) when a run gives none; empty: [pipeline] date, else the latest closed session"},
    {"us:extra_tickers", T_STR, "config/us_extra_tickers.txt", 0, 0, NULL, NULL, "extra tickers, one a line"},
    {"us:unpublished_retry_s", T_INT, "300", 1, 86400, NULL, NULL, "a session whose row is not out yet is asked again after this long"},
    {"us:unpublished_deadline_s", T_INT, "7200", 0, 86400, NULL, NULL, "after this long into a run, such a symbol is given up on: reported missing and recorded in state/gaps"},
    {NULL, T_STR, NULL, 0, 0, NULL, NULL, NULL}};

#define S_NKEYS (sizeof s_keys / sizeof s_keys[0] - 1)

struct _eod_config_t {
    char *path;
    dictionary *dict;           //  the file, or NULL
    char *values[S_NKEYS];      //  resolved text per key
    long long ints[S_NKEYS];
};

static int
s_find (const char *name)
{
    for (size_t i = 0; i < S_NKEYS; i++)
        if (strcmp (s_keys[i].name, name) == 0)
            return (int) i;
    return -1;
}

//  Line of section:key in the file, for error messages; 0 when not found.
static int
s_line_of (const char *path, const char *name)
{
    FILE *f = path ? fopen (path, "r") : NULL;
    if (!f)
        return 0;
    const char *colon = strchr (name, ':');
    char section[64] = "";
    char line[4096];
    int lineno = 0, found = 0;
    while (!found && fgets (line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (isspace ((unsigned char) *p))
            p++;
        if (*p == '[') {
            char *end = strchr (p, ']');
            if (end) {
                size_t n = (size_t) (end - p - 1);
                snprintf (section, sizeof section, "%.*s", (int) n, p + 1);
            }
            continue;
        }
        size_t klen = strcspn (p, "=:");
        while (klen && isspace ((unsigned char) p[klen - 1]))
            klen--;
        if ((size_t) (colon - name) == strlen (section) && strncasecmp (section, name, colon - name) == 0
            && klen == strlen (colon + 1) && strncasecmp (p, colon + 1, klen) == 0)
            found = lineno;
    }
    fclose (f);
    return found;
}

static int
s_validate (eod_config_t *self, size_t i, const char *value, char *err, size_t errlen)
{
    const s_key_t *k = &s_keys[i];
    char where[600];
    int line = s_line_of (self->path, k->name);
    const char *colon = strchr (k->name, ':');
    if (line)
        snprintf (where, sizeof where, "%s:%d: [%.*s] %s", self->path, line, (int) (colon - k->name), k->name,
                  colon + 1);
    else
        snprintf (where, sizeof where, "%s: [%.*s] %s", self->path ? self->path : "(defaults)",
                  (int) (colon - k->name), k->name, colon + 1);
    if (k->type == T_INT) {
        char *end = NULL;
        errno = 0;
        long long v = strtoll (value, &end, 10);
        if (errno || end == value || *end) {
            eod_set_error (err, errlen, "%s: '%s' is not a whole number", where, value);
            return -1;
        }
        if (v < k->min || v > k->max) {
            eod_set_error (err, errlen, "%s: %lld is outside %lld..%lld", where, v, k->min, k->max);
            return -1;
        }
        self->ints[i] = v;
    }
    else if (k->type == T_BOOL) {
        if (strcasecmp (value, "true") == 0 || strcasecmp (value, "yes") == 0 || strcmp (value, "1") == 0)
            self->ints[i] = 1;
        else if (strcasecmp (value, "false") == 0 || strcasecmp (value, "no") == 0 || strcmp (value, "0") == 0)
            self->ints[i] = 0;
        else {
            eod_set_error (err, errlen, "%s: '%s' is not true or false", where, value);
            return -1;
        }
    }
    else if (k->type == T_ENUM) {
        const char *c = k->choices;
        size_t vlen = strlen (value);
        bool ok = false;
        while (c && *c) {
            size_t n = strcspn (c, "|");
            if (n == vlen && strncmp (c, value, n) == 0)
                ok = true;
            c += n + (c[n] == '|');
        }
        if (!ok) {
            eod_set_error (err, errlen, "%s: '%s' is not one of %s", where, value, k->choices);
            return -1;
        }
    }
    char *copy = strdup (value);
    if (!copy) {
        eod_set_error (err, errlen, "out of memory");
        return -1;
    }
    free (self->values[i]);
    self->values[i] = copy;
    return 0;
}

static bool
s_is_known_section (const char *sec)
{
    size_t n = strlen (sec);
    for (size_t i = 0; i < S_NKEYS; i++)
        if (strncmp (s_keys[i].name, sec, n) == 0 && s_keys[i].name[n] == ':')
            return true;
    return false;
}

//  Our own sections reject unknown keys (a typo must not silently fall back to
//  a default); the reference pipeline's sections and app-key sections do not.
static bool
s_is_strict_section (const char *sec)
{
    return s_is_known_section (sec) && strcmp (sec, "live_app") && strcmp (sec, "test_app")
           && strcmp (sec, "aws_config") && strcmp (sec, "slack_config");
}

eod_config_t *
eod_config_load (const char *path, char *err, size_t errlen)
{
    eod_config_t *self = calloc (1, sizeof *self);
    if (!self) {
        eod_set_error (err, errlen, "out of memory");
        return NULL;
    }
    bool file_has_secret = false;
    if (path) {
        self->path = strdup (path);
        struct stat st;
        if (stat (path, &st)) {
            eod_set_error (err, errlen, "%s: cannot read: %s", path, strerror (errno));
            goto fail;
        }
        self->dict = iniparser_load (path);
        if (!self->dict) {
            eod_set_error (err, errlen, "%s: not a valid INI file", path);
            goto fail;
        }
        //  Unknown keys in our own sections.
        int nsec = iniparser_getnsec (self->dict);
        for (int s = 0; s < nsec; s++) {
            const char *sec = iniparser_getsecname (self->dict, s);
            if (!s_is_strict_section (sec))
                continue;
            int nkeys = iniparser_getsecnkeys (self->dict, sec);
            const char **keys = calloc (nkeys > 0 ? nkeys : 1, sizeof *keys);
            if (!keys)
                goto fail;
            iniparser_getseckeys (self->dict, sec, keys);
            for (int k = 0; k < nkeys; k++)
                if (s_find (keys[k]) < 0) {
                    int line = s_line_of (path, keys[k]);
                    eod_set_error (err, errlen, "%s:%d: [%s] %s: unknown key (see config/config.ini.example)", path,
                                   line, sec, strchr (keys[k], ':') + 1);
                    free (keys);
                    goto fail;
                }
            free (keys);
        }
        for (size_t i = 0; i < S_NKEYS; i++)
            if (s_keys[i].type == T_SECRET) {
                const char *v = iniparser_getstring (self->dict, s_keys[i].name, NULL);
                if (v && *v)
                    file_has_secret = true;
            }
        if (file_has_secret && (st.st_mode & 077)) {
            eod_set_error (err, errlen,
                           "%s: holds secrets and is readable by group or others (mode %04o); run chmod 600 %s",
                           path, (unsigned) (st.st_mode & 07777), path);
            goto fail;
        }
    }
    for (size_t i = 0; i < S_NKEYS; i++) {
        const char *value = s_keys[i].def;
        if (self->dict) {
            const char *v = iniparser_getstring (self->dict, s_keys[i].name, NULL);
            if (v)
                value = v;
        }
        const char *env = s_keys[i].env ? getenv (s_keys[i].env) : NULL;
        if (env && *env)
            value = env;
        if (s_validate (self, i, value, err, errlen))
            goto fail;
    }
    return self;
fail:
    eod_config_destroy (&self);
    return NULL;
}

void
eod_config_destroy (eod_config_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    eod_config_t *self = *self_p;
    for (size_t i = 0; i < S_NKEYS; i++)
        free (self->values[i]);
    if (self->dict)
        iniparser_freedict (self->dict);
    free (self->path);
    free (self);
    *self_p = NULL;
}

const char *
eod_config_str (const eod_config_t *self, const char *name)
{
    int i = s_find (name);
    assert (i >= 0);
    return self->values[i] ? self->values[i] : "";
}

const char *
eod_config_str_or_null (const eod_config_t *self, const char *name)
{
    int i = s_find (name);
    return i < 0 ? NULL : self->values[i] ? self->values[i] : "";
}

long long
eod_config_int (const eod_config_t *self, const char *name)
{
    int i = s_find (name);
    assert (i >= 0 && (s_keys[i].type == T_INT || s_keys[i].type == T_BOOL));
    return self->ints[i];
}

bool
eod_config_bool (const eod_config_t *self, const char *name)
{
    return eod_config_int (self, name) != 0;
}

const char *
eod_config_raw (const eod_config_t *self, const char *section, const char *key)
{
    if (!self->dict)
        return NULL;
    char name[256];
    snprintf (name, sizeof name, "%s:%s", section, key);
    for (char *p = name; *p; p++)
        *p = (char) tolower ((unsigned char) *p);
    return iniparser_getstring (self->dict, name, NULL);
}

int
eod_config_set (eod_config_t *self, const char *name, const char *value, char *err, size_t errlen)
{
    int i = s_find (name);
    if (i < 0) {
        eod_set_error (err, errlen, "unknown config key '%s'", name);
        return -1;
    }
    return s_validate (self, (size_t) i, value, err, errlen);
}

const char *
eod_config_path (const eod_config_t *self)
{
    return self->path ? self->path : "(defaults)";
}

char *
eod_config_path_value (const eod_config_t *self, const char *name, char *out, size_t outsize)
{
    const char *value = eod_config_str (self, name);
    const char *root = getenv ("EOD_ROOT");
#ifdef EOD_SOURCE_DIR
    if (!root || !*root)
        root = EOD_SOURCE_DIR;
#endif
    if (!root || !*root)
        root = ".";
    char expanded[1024];
    const char *marker = strstr (value, "${state_dir}");
    if (marker && strcmp (name, "pipeline:state_dir") != 0) {
        char state[1024];
        eod_config_path_value (self, "pipeline:state_dir", state, sizeof state);
        snprintf (expanded, sizeof expanded, "%.*s%s%s", (int) (marker - value), value, state,
                  marker + strlen ("${state_dir}"));
    }
    else
        snprintf (expanded, sizeof expanded, "%s", value);
    //  Endpoints keep their scheme: expand only the path after ipc://.
    const char *scheme = strstr (expanded, "://");
    if (scheme && strncmp (expanded, "ipc://", 6) != 0)
        snprintf (out, outsize, "%s", expanded);
    else if (scheme) {
        const char *p = expanded + 6;
        if (*p == '/')
            snprintf (out, outsize, "%s", expanded);
        else
            snprintf (out, outsize, "ipc://%s/%s", root, p);
    }
    else if (expanded[0] == '/' || expanded[0] == '\0')
        snprintf (out, outsize, "%s", expanded);
    else
        snprintf (out, outsize, "%s/%s", root, expanded);
    return out;
}

void
eod_config_write_example (FILE *out)
{
    fprintf (out, "; eod configuration: every key, with its default and meaning.\n"
                  "; Generated by `eod-coordinator --config-example`. The first four sections are the\n"
                  "; reference pipeline's config.ini sections and keep their meaning. A file that holds a\n"
                  "; secret must be mode 0600. Relative paths are taken from the project root.\n");
    const char *section = "";
    size_t seclen = 0;
    for (size_t i = 0; i < S_NKEYS; i++) {
        const s_key_t *k = &s_keys[i];
        const char *colon = strchr (k->name, ':');
        if ((size_t) (colon - k->name) != seclen || strncmp (section, k->name, seclen) != 0) {
            section = k->name;
            seclen = (size_t) (colon - k->name);
            char upper[64];
            snprintf (upper, sizeof upper, "%.*s", (int) seclen, section);
            bool ref = strcmp (upper, "live_app") == 0 || strcmp (upper, "test_app") == 0
                       || strcmp (upper, "aws_config") == 0 || strcmp (upper, "slack_config") == 0;
            if (ref)
                for (char *p = upper; *p; p++)
                    *p = (char) toupper ((unsigned char) *p);
            fprintf (out, "\n[%s]\n", upper);
        }
        fprintf (out, "; %s", k->doc);
        if (k->type == T_INT)
            fprintf (out, " (%lld..%lld)", k->min, k->max);
        else if (k->type == T_ENUM)
            fprintf (out, " (%s)", k->choices);
        else if (k->type == T_BOOL)
            fprintf (out, " (true|false)");
        if (k->env)
            fprintf (out, "; the environment variable %s overrides it", k->env);
        fprintf (out, "\n%s = %s\n", colon + 1, k->def);
    }
}

void
eod_config_register_secrets (const eod_config_t *self)
{
    for (size_t i = 0; i < S_NKEYS; i++)
        if (s_keys[i].type == T_SECRET && self->values[i])
            eod_log_secret (self->values[i]);
}
