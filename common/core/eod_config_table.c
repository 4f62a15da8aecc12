/*  eod_config_table — every configuration key there is: its type, default,
    bounds, environment variable, flags and a line of documentation.
    config/config.ini.example is this table written out
    (eod_config_write_example; tests/stage/test_config.sh compares them). */
#include "eod_config_internal.h"

#include <string.h>

#define STR EOD_CT_STR
#define INT EOD_CT_INT
#define BOOL EOD_CT_BOOL
#define ENUM EOD_CT_ENUM
#define TIME EOD_CT_TIME
#define DATE EOD_CT_DATE
#define URL EOD_CT_URL
#define PATH EOD_CT_PATH
#define ENDPOINT EOD_CT_ENDPOINT
#define BUCKET EOD_CT_BUCKET
#define PREFIX EOD_CT_PREFIX
#define TEMPLATE EOD_CT_TEMPLATE
#define REGION EOD_CT_REGION
#define MARKETS EOD_CT_MARKETS
#define SECTIONS EOD_CT_SECTIONS
#define SECRET EOD_CF_SECRET
#define CARRIES EOD_CF_CARRIES
#define EMPTY_OK EOD_CF_EMPTY_OK
#define SOCK(n) "ipc://${state_dir}/sock/" n

//  One key a line: clang-format leaves them as they are.
// clang-format off
const eod_config_key_t eod_config_keys[] = {
    //  The reference pipeline's sections
    {"live_app:key", STR, "", 0, 0, NULL, "EOD_KIS_APP_KEY", SECRET, "KIS app key for the real host (36 chars)"},
    {"live_app:secret_key", STR, "", 0, 0, NULL, "EOD_KIS_APP_SECRET", SECRET, "KIS app secret for the real host (180 chars)"},
    {"live_app:access_token", STR, "", 0, 0, NULL, NULL, SECRET, "written by the reference pipeline; eod ignores it and keeps its token cache under state_dir"},
    {"live_app:hash", STR, "", 0, 0, NULL, NULL, 0, "written by the reference pipeline; unused"},
    {"test_app:key", STR, "", 0, 0, NULL, "EOD_KIS_TEST_APP_KEY", SECRET, "KIS app key for the mock (VTS) host"},
    {"test_app:secret_key", STR, "", 0, 0, NULL, "EOD_KIS_TEST_APP_SECRET", SECRET, "KIS app secret for the mock host"},
    {"test_app:access_token", STR, "", 0, 0, NULL, NULL, SECRET, "written by the reference pipeline; ignored"},
    {"test_app:hash", STR, "", 0, 0, NULL, NULL, 0, "unused"},
    {"aws_config:aws_access_key", STR, "", 0, 0, NULL, "AWS_ACCESS_KEY_ID", SECRET, "AWS access key id"},
    {"aws_config:aws_secret_access_key", STR, "", 0, 0, NULL, "AWS_SECRET_ACCESS_KEY", SECRET, "AWS secret access key"},
    {"aws_config:aws_session_token", STR, "", 0, 0, NULL, "AWS_SESSION_TOKEN", SECRET, "AWS session token for temporary credentials"},
    {"slack_config:channel_access_token", STR, "", 0, 0, NULL, "EOD_SLACK_TOKEN", SECRET, "Slack bot token (xoxb-...)"},
    {"slack_config:channel_name", STR, "", 0, 0, NULL, NULL, 0, "Slack channel, with or without the leading #"},
    {"slack_config:webhook_url", URL, "", 0, 0, NULL, "EOD_SLACK_WEBHOOK_URL", SECRET|CARRIES|EMPTY_OK, "incoming webhook URL, instead of a bot token (https://; http:// only on loopback)"},
    //  KIS
    {"kis:env", ENUM, "live", 0, 0, "live|test", NULL, 0, "which app section to use: live ([LIVE_APP], real host) or test ([TEST_APP], mock host)"},
    {"kis:live_url", URL, "https://openapi.koreainvestment.com:9443", 0, 0, NULL, NULL, CARRIES, "base URL of the real host (https://; http:// only on loopback, since the app secret goes to it)"},
    {"kis:test_url", URL, "https://openapivts.koreainvestment.com:29443", 0, 0, NULL, NULL, CARRIES, "base URL of the mock host (https://; http:// only on loopback)"},
    {"kis:keys", SECTIONS, "", 0, 0, NULL, NULL, EMPTY_OK, "more app-key sections (comma-separated names of letters, digits, '.', '_', '-'; each section in this file with key and secret_key, whose secrets count like [LIVE_APP]'s): one more budget each"},
    {"kis:rate", INT, "0", 0, 100000, NULL, NULL, 0, "requests per second per app key; 0 follows the host (20 real, 2 mock)"},
    {"kis:jitter_ms", INT, "50", 0, 10000, NULL, NULL, 0, "bound on the network's dispatch-to-arrival jitter: the pacer sends at most rate requests in any 1 s + jitter_ms + margin_ms, one every (1 s + jitter_ms + margin_ms) / rate"},
    {"kis:margin_ms", INT, "5", 0, 1000, NULL, NULL, 0, "what the pacer's window adds for delays it is not told of: the link or the server taking a request in more than jitter_ms late, a fetcher's delays under 1 ms (a request that leaves its fetcher later, on a busy host, is counted from when it left)"},
    {"kis:timeout_ms", INT, "10000", 100, 600000, NULL, NULL, 0, "timeout of one API request"},
    {"kis:max_attempts", INT, "5", 1, 100, NULL, NULL, 0, "attempts per task before it is reported failed"},
    {"kis:unknown_code_stop", INT, "10", 0, 100000, NULL, NULL, 0, "a run stops asking once this many answers in a row carried the same error code eod does not know (a key used on the wrong host fails every request so); 0: never"},
    {"kis:max_pages", INT, "10", 1, 100, NULL, NULL, 0, "pages one task's answer may come in (overseas daily prices follow tr_cont); an answer that goes on past them fails the task"},
    {"kis:token_cache", PATH, "${state_dir}/kis_token", 0, 0, NULL, NULL, 0, "file (mode 0600) where the access token is cached with its expiry"},
    {"kis:token_refresh_s", INT, "3600", 0, 86400, NULL, NULL, 0, "issue a new token this long before the cached one expires"},
    {"kis:holiday_check", BOOL, "false", 0, 0, NULL, NULL, 0, "ask KIS chk-holiday (real host only, once a day) besides the shipped XKRX table"},
    {"kis:insecure", BOOL, "false", 0, 0, NULL, NULL, 0, "turn TLS verification off for the API host (never in production)"},
    {"kis:ca_file", PATH, "", 0, 0, NULL, NULL, EMPTY_OK, "CA bundle for the API host; empty: the system store"},
    {"kis:adjusted", BOOL, "true", 0, 0, NULL, NULL, 0, "request split/merger-adjusted prices"},
    //  The multi-stock quote (KIS FHKST11300006, real host only): a second reading of a KR session
    {"multiquote:cross_check", BOOL, "true", 0, 0, NULL, NULL, 0, "a daily KR run compares every row of the latest closed session with the multi-stock quote (one request per batch_size codes) and reports the differences"},
    {"multiquote:batch_size", INT, "30", 1, 30, NULL, NULL, 0, "codes per multi-stock quote request (KIS takes up to 30)"},
    {"multiquote:units_per_batch", INT, "1", 1, 30, NULL, NULL, 0, "requests of the app key's budget one batch spends (whether KIS counts a batch as one request is not published)"},
    {"multiquote:window_start", TIME, "18:00", 0, 0, NULL, NULL, 0, "a batch is sent from this time (Asia/Seoul) of the session's day, and only once the session closed"},
    {"multiquote:window_end", TIME, "08:00", 0, 0, NULL, NULL, 0, "until this time (Asia/Seoul) of the next session's day, and only while its answer comes before that session opens; outside: codes not cross-checked (window)"},
    {"multiquote:tolerance_open", INT, "0", 0, 1000000000000000, NULL, NULL, 0, "largest difference in KRW between the two readings of the open that is not reported (0: exact)"},
    {"multiquote:tolerance_high", INT, "0", 0, 1000000000000000, NULL, NULL, 0, "the same for the high (KRW)"},
    {"multiquote:tolerance_low", INT, "0", 0, 1000000000000000, NULL, NULL, 0, "the same for the low (KRW)"},
    {"multiquote:tolerance_close", INT, "0", 0, 1000000000000000, NULL, NULL, 0, "the same for the close (KRW)"},
    {"multiquote:tolerance_volume", INT, "0", 0, 1000000000000000, NULL, NULL, 0, "the same for the volume (shares)"},
    {"multiquote:tolerance_value", INT, "0", 0, 1000000000000000, NULL, NULL, 0, "the same for the traded value (KRW)"},
    //  Master files
    {"master:url", URL, "https://new.real.download.dws.co.kr/common/master", 0, 0, NULL, NULL, 0, "where kospi_code.mst.zip and the other master zips are"},
    {"master:insecure", BOOL, "false", 0, 0, NULL, NULL, 0, "turn TLS verification off for the master-file host (KIS's own samples do; logged as a warning)"},
    {"master:ca_file", PATH, "", 0, 0, NULL, NULL, EMPTY_OK, "CA bundle for the master-file host"},
    {"master:timeout_ms", INT, "60000", 1000, 600000, NULL, NULL, 0, "timeout of one master-file download"},
    {"master:max_attempts", INT, "5", 1, 50, NULL, NULL, 0, "download attempts (the host answers 503 at times)"},
    //  KR universe filter
    {"filter:kospi_min_cap", INT, "4000", 0, 100000000, NULL, NULL, 0, "KOSPI ST: market cap (100M KRW units) at or above which a stock is in"},
    {"filter:kosdaq_min_cap", INT, "4000", 0, 100000000, NULL, NULL, 0, "KOSDAQ ST: market cap threshold"},
    {"filter:kospi_name_pattern", STR, "은행|금융|신한|카카오뱅크", 0, 0, NULL, NULL, 0, "KOSPI ST: names holding one of these |-separated words are in"},
    {"filter:kospi_extra_groups", STR, "RT,IF", 0, 0, NULL, NULL, 0, "KOSPI groups taken whole (REITs, infrastructure funds)"},
    {"filter:kospi_krx300", BOOL, "true", 0, 0, NULL, NULL, 0, "KOSPI ST: KRX300 members are in"},
    {"filter:kosdaq_krx300", BOOL, "true", 0, 0, NULL, NULL, 0, "KOSDAQ ST: KRX300 members are in"},
    {"filter:kosdaq_kosdaq150", BOOL, "true", 0, 0, NULL, NULL, 0, "KOSDAQ ST: KOSDAQ150 members are in"},
    //  Pipeline
    {"pipeline:data_dir", PATH, "data", 0, 0, NULL, NULL, 0, "where data/market=<m>/dt=<date>/ files are written"},
    {"pipeline:state_dir", PATH, "state", 0, 0, NULL, NULL, 0, "ledgers, journals, token cache, sockets"},
    {"pipeline:calendar_dir", PATH, "config/calendars", 0, 0, NULL, NULL, 0, "exchange calendar tables"},
    {"pipeline:date", DATE, "", 0, 0, NULL, NULL, EMPTY_OK, "pin the session date (YYYY-MM-DD) when a run gives none; empty: the latest closed session"},
    {"pipeline:fetchers", INT, "4", 1, 256, NULL, NULL, 0, "fetchers launch/eod run starts"},
    {"pipeline:heartbeat_ms", INT, "1000", 50, 60000, NULL, NULL, 0, "fetcher heartbeat interval"},
    {"pipeline:liveness", INT, "3", 1, 100, NULL, NULL, 0, "missed heartbeats after which a fetcher is dead and its leases return to the queue"},
    {"pipeline:ack_timeout_ms", INT, "30000", 100, 3600000, NULL, NULL, 0, "a result the writer has not acknowledged by then is leased again"},
    {"pipeline:ledger_keep_days", INT, "30", 1, 3650, NULL, NULL, 0, "finished runs' ledgers under state/coordinator are kept this many days (a re-run within them requests only what is missing)"},
    {"pipeline:demo_keys", BOOL, "false", 0, 0, NULL, NULL, 0, "the keys, secrets and tokens of this file are the simulator's demo values (launch/eod sim), not secrets: the file may then be readable by others, and is refused unless the KIS host of [kis] env, [s3] endpoint, [slack] api_base and any webhook_url are all on loopback"},
    {"pipeline:trace", BOOL, "false", 0, 0, NULL, NULL, 0, "log every message sent and received (secrets excluded)"},
    {"pipeline:unpublished_pct", INT, "5", 0, 100, NULL, NULL, 0, "a daily run whose codes answer without a row for the session, more than this percent of them when the run settles, ends incomplete (exit 5); those codes go to state/gaps either way"},
    {"pipeline:linger_ms", INT, "60000", 0, 3600000, NULL, NULL, 0, "how long a stage that ends may go on delivering its last messages (a listing of thousands of tasks, the run's END)"},
    //  Endpoints: stable stages bind, workers connect
    {"endpoints:lister", ENDPOINT, SOCK ("lister"), 0, 0, NULL, NULL, 0, "lister input (JOB from the calendar gate)"},
    {"endpoints:coordinator", ENDPOINT, SOCK ("coordinator"), 0, 0, NULL, NULL, 0, "coordinator input (TASK/LISTED from the lister, ACK from the writer)"},
    {"endpoints:fetchers", ENDPOINT, SOCK ("fetchers"), 0, 0, NULL, NULL, 0, "coordinator ROUTER where fetchers connect (tcp:// across hosts)"},
    {"endpoints:service", ENDPOINT, SOCK ("service"), 0, 0, NULL, NULL, 0, "coordinator REP service (chk-holiday for the calendar gate)"},
    {"endpoints:writer", ENDPOINT, SOCK ("writer"), 0, 0, NULL, NULL, 0, "writer input"},
    {"endpoints:uploader", ENDPOINT, SOCK ("uploader"), 0, 0, NULL, NULL, 0, "uploader input"},
    {"endpoints:notifier", ENDPOINT, SOCK ("notifier"), 0, 0, NULL, NULL, 0, "notifier input (EVENT and END from every stage)"},
    {"endpoints:trace", ENDPOINT, "ipc://${state_dir}/sock/trace-", 0, 0, NULL, NULL, 0, "prefix of each stage's PUB trace endpoint (the stage name is appended)"},
    //  Security of tcp:// endpoints (ipc:// sockets live in the 0700 state directory)
    {"security:curve_server_cert", PATH, "", 0, 0, NULL, NULL, EMPTY_OK, "the coordinator's secret CurveZMQ certificate (czmq zcert file, mode 0600; `launch/eod keygen DIR` writes DIR/server.cert_secret): a stage binding a tcp:// endpoint is a CURVE server with it"},
    {"security:curve_server_public", STR, "", 0, 0, NULL, NULL, 0, "the coordinator's public key, as its public certificate file (DIR/server.cert) or the 40-character Z85 key: a stage connecting to a tcp:// endpoint (a fetcher on another host) checks the server with it"},
    {"security:curve_client_cert", PATH, "", 0, 0, NULL, NULL, EMPTY_OK, "this host's secret client certificate (DIR/NAME.cert_secret, mode 0600) for tcp:// endpoints it connects to; its public half must be in the server's curve_clients_dir"},
    {"security:curve_clients_dir", PATH, "", 0, 0, NULL, NULL, EMPTY_OK, "directory of the public certificates of the clients allowed on a tcp:// endpoint this stage binds (DIR/clients); ZAP checks each connection against it, and files added or removed take effect without a restart"},
    {"security:plain_tcp", BOOL, "false", 0, 0, NULL, NULL, 0, "allow tcp:// endpoints without CurveZMQ on a trusted network; never [endpoints] fetchers, since CREDS carry the KIS secret and access token"},
    //  S3
    {"s3:enabled", BOOL, "true", 0, 0, NULL, NULL, 0, "upload finished files"},
    {"s3:bucket", BUCKET, "", 0, 0, NULL, NULL, EMPTY_OK, "bucket name (S3 naming rules: 3 to 63 lower-case letters, digits, '.' and '-'); empty: no upload"},
    {"s3:region", REGION, "ap-northeast-2", 0, 0, NULL, NULL, 0, "bucket region (signing scope): lower-case letters, digits and '-'"},
    {"s3:endpoint", URL, "", 0, 0, NULL, NULL, CARRIES|EMPTY_OK, "custom endpoint URL for S3-compatible stores (https://; http:// only on loopback); empty: AWS"},
    {"s3:path_style", BOOL, "false", 0, 0, NULL, NULL, 0, "ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY"},
    {"s3:prefix", PREFIX, "", 0, 0, NULL, NULL, 0, "key prefix: no leading '/', no '.', '..' or empty segments"},
    {"s3:key_template", TEMPLATE, "", 0, 0, NULL, NULL, EMPTY_OK, "key layout with {market} {yyyy} {mm} {dd} {yyyymmdd} {file} (it must hold {file}, or {market} and a day; the keys it gives follow the prefix's rules); empty: PREFIX/market={market}/dt={yyyy}-{mm}-{dd}/{file}"},
    {"s3:layout", ENUM, "hive", 0, 0, "hive|reference", NULL, 0, "object keys: hive (market=M/dt=YYYY-MM-DD/, the Athena tables of config/athena/) or reference (the reference pipeline's keys, each data set in its own bucket or prefix; README \"S3 layout\")"},
    {"s3:reference_keys", ENUM, "partitioned", 0, 0, "partitioned|daily", NULL, 0, "with layout = reference: partitioned (prices year=Y/month=MM/day=DD/market_YYYYMMDD.csv, code lists YYYY/MM/DD/FILE) or daily (YYYYMMDD/market_YYYYMMDD.csv, YYYYMMDD/FILE)"},
    {"s3:kr_bucket", BUCKET, "", 0, 0, NULL, NULL, EMPTY_OK, "bucket of the KR prices; empty: bucket"},
    {"s3:kr_prefix", PREFIX, "", 0, 0, NULL, NULL, 0, "prefix of the KR prices; empty: none in a bucket of their own, else prefix (hive) or prefix/kr (reference)"},
    {"s3:us_bucket", BUCKET, "", 0, 0, NULL, NULL, EMPTY_OK, "bucket of the US prices; empty: bucket"},
    {"s3:us_prefix", PREFIX, "", 0, 0, NULL, NULL, 0, "prefix of the US prices; empty: none in a bucket of their own, else prefix (hive) or prefix/us (reference)"},
    {"s3:codes_bucket", BUCKET, "", 0, 0, NULL, NULL, EMPTY_OK, "bucket of the code lists (the universe snapshot of each run); empty: bucket"},
    {"s3:codes_prefix", PREFIX, "", 0, 0, NULL, NULL, 0, "prefix of the code lists; empty: none in a bucket of their own, else prefix/codes"},
    {"s3:anomalies_bucket", BUCKET, "", 0, 0, NULL, NULL, EMPTY_OK, "bucket of the anomaly files; empty: bucket"},
    {"s3:anomalies_prefix", PREFIX, "", 0, 0, NULL, NULL, 0, "prefix of the anomaly files; empty: none in a bucket of their own, else prefix/anomalies"},
    {"s3:close_bucket", BUCKET, "", 0, 0, NULL, NULL, EMPTY_OK, "bucket of the fast close's files (launch/eod close); empty: bucket"},
    {"s3:close_prefix", PREFIX, "", 0, 0, NULL, NULL, 0, "prefix of the fast close's files; empty: none in a bucket of their own, else prefix/close"},
    {"s3:insecure", BOOL, "false", 0, 0, NULL, NULL, 0, "turn TLS verification off for S3"},
    {"s3:ca_file", PATH, "", 0, 0, NULL, NULL, EMPTY_OK, "CA bundle for S3"},
    {"s3:max_attempts", INT, "5", 1, 50, NULL, NULL, 0, "attempts per object (5xx, SlowDown, network errors)"},
    {"s3:timeout_ms", INT, "120000", 1000, 3600000, NULL, NULL, 0, "timeout of one PUT"},
    //  Slack
    {"slack:enabled", BOOL, "true", 0, 0, NULL, NULL, 0, "post to Slack"},
    {"slack:api_base", URL, "https://slack.com", 0, 0, NULL, NULL, CARRIES, "Slack Web API base URL (https://; http:// only on loopback, since the bot token goes to it)"},
    {"slack:channel", STR, "", 0, 0, NULL, NULL, 0, "channel; empty: [SLACK_CONFIG] channel_name"},
    {"slack:missing_cap", INT, "20", 0, 1000, NULL, NULL, 0, "codes listed by name in a summary before '... and N more'"},
    {"slack:timeout_ms", INT, "10000", 100, 600000, NULL, NULL, 0, "timeout of one post"},
    {"slack:max_attempts", INT, "4", 1, 100, NULL, NULL, 0, "HTTP attempts of one message (429 waits Retry-After, 5xx backs off)"},
    {"slack:max_wait_ms", INT, "30000", 100, 3600000, NULL, NULL, 0, "most time one message may take with retries; Slack never stalls the pipeline"},
    {"slack:insecure", BOOL, "false", 0, 0, NULL, NULL, 0, "turn TLS verification off for Slack"},
    {"slack:ca_file", PATH, "", 0, 0, NULL, NULL, EMPTY_OK, "CA bundle for Slack"},
    //  Schedule (service mode)
    {"schedule:kr_time", TIME, "18:00", 0, 0, NULL, NULL, 0, "KR run time, Asia/Seoul, on XKRX sessions (after the master files refresh)"},
    {"schedule:us_time", TIME, "07:30", 0, 0, NULL, NULL, 0, "US run time, Asia/Seoul, for the latest closed XNYS session"},
    {"schedule:markets", MARKETS, "kr,us", 0, 0, NULL, NULL, 0, "markets the calendar service runs, comma-separated (kr, us; at least one)"},
    {"schedule:catchup_hours", INT, "12", 0, 168, NULL, NULL, 0, "a run whose time passed while the service was down is still started this many hours after it; an older one is left to `launch/eod backfill` (the metrics show the missed session)"},
    {"schedule:poll_ms", INT, "1000", 10, 60000, NULL, NULL, 0, "how often the calendar service looks at the clock"},
    //  Metrics
    {"metrics:textfile", PATH, "${state_dir}/metrics/eod.prom", 0, 0, NULL, NULL, EMPTY_OK, "Prometheus metrics after every run, node_exporter textfile format (point node_exporter's --collector.textfile.directory at its directory); empty: none"},
    //  US universe
    {"us:sp500_url", URL, "https://en.wikipedia.org/wiki/List_of_S%26P_500_companies", 0, 0, NULL, NULL, 0, "S&P 500 constituents article"},
    {"us:nasdaq100_url", URL, "https://en.wikipedia.org/wiki/Nasdaq-100", 0, 0, NULL, NULL, 0, "NASDAQ-100 constituents article"},
    {"us:dow30_url", URL, "https://en.wikipedia.org/wiki/Dow_Jones_Industrial_Average", 0, 0, NULL, NULL, 0, "Dow 30 constituents article"},
    {"us:date", DATE, "", 0, 0, NULL, NULL, EMPTY_OK, "pin the US session date (YYYY-MM-DD) when a run gives none; empty: [pipeline] date, else the latest closed session"},
    {"us:extra_tickers", PATH, "config/us_extra_tickers.txt", 0, 0, NULL, NULL, EMPTY_OK, "extra tickers, one a line"},
    {"us:unpublished_retry_s", INT, "300", 1, 86400, NULL, NULL, 0, "a session whose row is not out yet is asked again after this long"},
    {"us:unpublished_deadline_s", INT, "7200", 0, 86400, NULL, NULL, 0, "after this long into a run, such a symbol is given up on: reported missing and recorded in state/gaps"},
    //  Validation of every row (stages/writer/validate.h): findings go to the anomalies/ sidecars, never drop a row
    {"validate:kr_limit_pct", INT, "30", 1, 1000, NULL, NULL, 0, "KR: a change from the previous close (prdy_vrss) beyond this percent is flagged as a possible split or corporate action unless KIS marks the row (flng_cls_code, prtt_rate, revl_issu_reas) or it is the listing's first day; KRX's daily limit is 30 since 2015-06-15"},
    {"validate:us_move_pct", INT, "50", 1, 100000, NULL, NULL, 0, "US: a change from the previous close (diff) beyond this percent is flagged as a possible split or corporate action (US markets have no daily limit)"},
};
// clang-format on

const size_t eod_config_nkeys = sizeof eod_config_keys / sizeof eod_config_keys[0];

const char *const eod_config_app_keys[] = {"key", "secret_key", "access_token", "hash", NULL};

bool
eod_config_app_key_secret (const char *key)
{
    return strcmp (key, "hash") != 0;
}

int
eod_config_key_find (const char *name)
{
    for (size_t i = 0; i < eod_config_nkeys; i++)
        if (strcmp (eod_config_keys[i].name, name) == 0)
            return (int) i;
    return -1;
}

bool
eod_config_section_is_reference (const char *section, size_t len)
{
    static const char *const reference[] = {"live_app", "test_app", "aws_config", "slack_config"};
    for (size_t i = 0; i < sizeof reference / sizeof reference[0]; i++)
        if (strlen (reference[i]) == len && strncmp (reference[i], section, len) == 0)
            return true;
    return false;
}
