/*  sim_config — eod-sim's command line: the options, their bounds and
    defaults (two demo app keys, a demo Slack token and channel, the
    calendars of the source tree), and --help / --version. sim_main calls
    sim_config_parse once before anything starts. */
#include "sim_config.h"
#include "sim_row_faults.h"

#include "eod_log.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_DEMO_KEY1 "PSsimDemoKey000000000000000000000000"
#define SIM_DEMO_KEY2 "PSsimDemoKe2000000000000000000000000"
#define SIM_DEMO_SECRET_TAIL 167   //  's' characters after the 13-char stem: 180 in all

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
    "  --warm-until YYYYMMDD    compute the KR price walks through that day (and\n"
    "                           through today, which output1 quotes) before\n"
    "                           listening (benchmarks: requests then cost the walk's\n"
    "                           last weeks only)\n"
    "  --unknown-codes N        first N selected KOSDAQ codes answer as unknown\n"
    "  --us-unknown N           first N US universe symbols answer as unknown on dailyprice\n"
    "  --us-publish-lag-s S     a US session's dailyprice rows come out over S seconds after\n"
    "                           its close, each symbol at its own moment (default 0: at the close)\n"
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
    "  --fault-code CODE[:STATUS]  answer data requests with rt_cd 1 and msg_cd CODE, HTTP\n"
    "                           STATUS (default 500), at --fault-code-rate R (default 1)\n"
    "  --us-page-rows N         dailyprice answers N rows (1..100) a page, with tr_cont F or M\n"
    "                           while older rows remain, D or E on the last page (default:\n"
    "                           one answer of up to 100 rows, tr_cont D)\n"
    "  --fault-price CODE       the newest row of CODE (repeatable, any option below) has open 0\n"
    "  --fault-range CODE       ... its high and low swapped\n"
    "  --fault-volume CODE      ... volume -1\n"
    "  --fault-move CODE        ... a change of half its close (+100 %)\n"
    "  --fault-split CODE       ... the same move marked as a split (KR prtt_rate, flng_cls_code)\n"
    "  --fault-wrong-date CODE  ... one more row dated after the request\n"
    "  --fault-conflict CODE    ... sent twice, the copy with another volume\n"
    "  --fault-only-wrong-date CODE  the answer's only row is dated after the request\n"
    "  --tls-cert FILE, --tls-key FILE  serve https with this PEM certificate (chain) and key\n"
    "  --mq-unknown zero|omit|reject  how the multi-quote (FHKST11300006) answers an unknown\n"
    "                           code: an entry of zeros (default), no entry, or an error\n"
    "                           answer for the whole batch (OPSQ2001)\n"
    "  --mq-shuffle             multi-quote entries out of request order\n"
    "  --mq-object              a one-entry multi-quote output as an object, not an array\n"
    "  --mq-units N             a multi-quote batch counts as N requests (1..30, default 1)\n"
    "  --mq-disagree CODE:FIELD:DELTA  the multi-quote moves FIELD (open high low close\n"
    "                           volume value prev_close) of CODE by DELTA from the chart's\n"
    "                           (repeatable)\n"
    "  --help, --version\n"
    "Environment: EOD_NOW=YYYY-MM-DDTHH:MM:SS+09:00 fixes the clock at start; the chart's\n"
    "  output1 is the quote at that clock (the live bar during a session), as KIS answers it.\n"
    "Sim endpoints: GET /_sim/stats, POST /_sim/reset, GET /_sim/universe/kr,\n"
    "  GET /_sim/universe/us, GET /_sim/slack\n";

enum {
    OPT_PORT = 256,
    OPT_SEED,
    OPT_APP,
    OPT_SLACK_TOKEN,
    OPT_SLACK_CHANNEL,
    OPT_TOKEN_REUSE,
    OPT_TOKEN_TTL,
    OPT_TOKEN_THROTTLE,
    OPT_RATE,
    OPT_ARRIVAL_JITTER,
    OPT_LATENCY,
    OPT_JITTER,
    OPT_CALENDAR_DIR,
    OPT_NO_FUTURE,
    OPT_WARM,
    OPT_EXTRA,
    OPT_UNKNOWN,
    OPT_GARBLE,
    OPT_F_NONJSON,
    OPT_F_BADJSON,
    OPT_F_RESET,
    OPT_F_SLOW,
    OPT_F_SLOW_MS,
    OPT_F_EGW,
    OPT_F_MASTER,
    OPT_F_SLACK429,
    OPT_F_SLACK500,
    OPT_F_TOKEN_EXPIRE,
    OPT_US_UNKNOWN,
    OPT_F_CODE,
    OPT_F_CODE_RATE,
    OPT_US_PAGE_ROWS,
    OPT_TLS_CERT,
    OPT_TLS_KEY,
    OPT_HELP,
    OPT_VERSION,
    OPT_US_PUBLISH_LAG,
    OPT_MQ_UNKNOWN,
    OPT_MQ_SHUFFLE,
    OPT_MQ_OBJECT,
    OPT_MQ_UNITS,
    OPT_MQ_DISAGREE,
    OPT_ROW_FAULT   //  OPT_ROW_FAULT + kind: --fault-price ... --fault-conflict (sim_row_faults.h)
};

static const struct option s_options[] = {{"port", required_argument, NULL, OPT_PORT},
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
                                          {"us-publish-lag-s", required_argument, NULL, OPT_US_PUBLISH_LAG},
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
                                          {"fault-code", required_argument, NULL, OPT_F_CODE},
                                          {"fault-code-rate", required_argument, NULL, OPT_F_CODE_RATE},
                                          {"us-page-rows", required_argument, NULL, OPT_US_PAGE_ROWS},
                                          {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
                                          {"tls-key", required_argument, NULL, OPT_TLS_KEY},
                                          {"mq-unknown", required_argument, NULL, OPT_MQ_UNKNOWN},
                                          {"mq-shuffle", no_argument, NULL, OPT_MQ_SHUFFLE},
                                          {"mq-object", no_argument, NULL, OPT_MQ_OBJECT},
                                          {"mq-units", required_argument, NULL, OPT_MQ_UNITS},
                                          {"mq-disagree", required_argument, NULL, OPT_MQ_DISAGREE},
                                          {"fault-price", required_argument, NULL, OPT_ROW_FAULT + 0},
                                          {"fault-range", required_argument, NULL, OPT_ROW_FAULT + 1},
                                          {"fault-volume", required_argument, NULL, OPT_ROW_FAULT + 2},
                                          {"fault-move", required_argument, NULL, OPT_ROW_FAULT + 3},
                                          {"fault-split", required_argument, NULL, OPT_ROW_FAULT + 4},
                                          {"fault-wrong-date", required_argument, NULL, OPT_ROW_FAULT + 5},
                                          {"fault-conflict", required_argument, NULL, OPT_ROW_FAULT + 6},
                                          {"fault-only-wrong-date", required_argument, NULL, OPT_ROW_FAULT + 7},
                                          {"help", no_argument, NULL, OPT_HELP},
                                          {"version", no_argument, NULL, OPT_VERSION},
                                          {NULL, 0, NULL, 0}};

static int
s_parse_long (const char *name, const char *text, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long value = strtol (text, &end, 10);
    if (errno || end == text || *end != '\0' || value < min || value > max) {
        fprintf (stderr, "eod-sim: --%s %s: expected an integer in [%ld, %ld]\n", name, text, min, max);
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

void
sim_config_free (sim_config_t *config)
{
    for (size_t i = 0; i < config->napps; i++) {
        free (config->apps[i].key);
        free (config->apps[i].secret);
    }
    for (size_t i = 0; i < config->nchannels; i++)
        free (config->slack_channels[i]);
    free (config->slack_token);
    free (config->calendar_dir);
    free (config->fault_code);
    for (size_t i = 0; i < config->nrow_faults; i++)
        free (config->row_faults[i].code);
    free (config->tls_cert);
    free (config->tls_key);
}

//  --fault-code CODE[:STATUS]: a code KIS could send (letters and digits, at
//  most 8 as msg_cd is) and an HTTP status.
static int
s_parse_fault_code (const char *text, sim_config_t *config)
{
    size_t n = strcspn (text, ":");
    long status = SIM_FAULT_CODE_STATUS_DEFAULT;
    bool ok = n > 0 && n <= 8;
    for (size_t i = 0; ok && i < n; i++)
        ok = (text[i] >= 'A' && text[i] <= 'Z') || (text[i] >= '0' && text[i] <= '9');
    if (ok && text[n] == ':' && s_parse_long ("fault-code", text + n + 1, 200, 599, &status))
        return -1;
    if (!ok) {
        fprintf (stderr, "eod-sim: --fault-code %s: expected CODE[:STATUS], CODE of 1 to 8 capitals and digits\n",
                 text);
        return -1;
    }
    free (config->fault_code);
    config->fault_code = strndup (text, n);
    config->fault_code_status = (int) status;
    return config->fault_code ? 0 : -1;
}

static const char *s_mq_fields[] = {"open", "high", "low", "close", "volume", "value", "prev_close", NULL};

//  --mq-disagree CODE:FIELD:DELTA: a KR code (1 to 12 capitals and
//  digits), a field of s_mq_fields and a non-zero integer.
static int
s_parse_mq_disagree (const char *text, sim_config_t *config)
{
    size_t n = strcspn (text, ":");
    bool ok =
        n > 0 && n < sizeof config->mq_disagree[0].code && text[n] == ':' && config->nmq_disagree < SIM_MQ_DISAGREE_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = (text[i] >= 'A' && text[i] <= 'Z') || (text[i] >= '0' && text[i] <= '9');
    const char *field = ok ? text + n + 1 : "";
    size_t m = strcspn (field, ":");
    int which = -1;
    for (int i = 0; ok && s_mq_fields[i]; i++)
        if (strlen (s_mq_fields[i]) == m && strncmp (field, s_mq_fields[i], m) == 0)
            which = i;
    char *end = NULL;
    long long delta = 0;
    if (which >= 0 && field[m] == ':') {
        errno = 0;
        delta = strtoll (field + m + 1, &end, 10);
        if (errno || end == field + m + 1 || *end != '\0')
            delta = 0;
    }
    if (which < 0 || delta == 0) {
        fprintf (stderr,
                 "eod-sim: --mq-disagree %s: expected CODE:FIELD:DELTA, FIELD one of open high low close "
                 "volume value prev_close, DELTA a non-zero integer (at most %d entries)\n",
                 text, SIM_MQ_DISAGREE_MAX);
        return -1;
    }
    sim_mq_disagree_t *entry = &config->mq_disagree[config->nmq_disagree++];
    memcpy (entry->code, text, n);
    entry->code[n] = '\0';
    entry->field = (sim_mq_field_t) which;
    entry->delta = delta;
    return 0;
}

int
sim_config_parse (sim_config_t *config, int argc, char *argv[])
{
    config->port = SIM_PORT_DEFAULT;
    config->seed = 1;
    config->token_reuse_s = SIM_TOKEN_REUSE_S_DEFAULT;
    config->token_ttl_s = SIM_TOKEN_TTL_S_DEFAULT;
    config->token_throttle_s = SIM_TOKEN_THROTTLE_S_DEFAULT;
    config->rate = SIM_RATE_DEFAULT;
    config->fault_slow_ms = SIM_FAULT_SLOW_MS_DEFAULT;
    config->fault_code_rate = 1;
    config->mq_units = 1;
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
        case OPT_NO_FUTURE: config->no_future_check = true; break;
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
        case OPT_US_PUBLISH_LAG:
            if (s_parse_long (name, optarg, 0, 86400, &config->us_publish_lag_s))
                return -1;
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
        case OPT_F_CODE:
            if (s_parse_fault_code (optarg, config))
                return -1;
            break;
        case OPT_F_CODE_RATE:
            if (s_parse_rate (name, optarg, &config->fault_code_rate))
                return -1;
            break;
        case OPT_US_PAGE_ROWS:
            if (s_parse_long (name, optarg, 1, SIM_US_PAGE_ROWS_MAX, &value))
                return -1;
            config->us_page_rows = (int) value;
            break;
        case OPT_TLS_CERT:
        case OPT_TLS_KEY: {
            char **path = opt == OPT_TLS_CERT ? &config->tls_cert : &config->tls_key;
            free (*path);
            *path = strdup (optarg);
            break;
        }
        case OPT_MQ_UNKNOWN:
            if (strcmp (optarg, "zero") == 0)
                config->mq_unknown = SIM_MQ_UNKNOWN_ZERO;
            else if (strcmp (optarg, "omit") == 0)
                config->mq_unknown = SIM_MQ_UNKNOWN_OMIT;
            else if (strcmp (optarg, "reject") == 0)
                config->mq_unknown = SIM_MQ_UNKNOWN_REJECT;
            else {
                fprintf (stderr, "eod-sim: --mq-unknown %s: expected zero, omit or reject\n", optarg);
                return -1;
            }
            break;
        case OPT_MQ_SHUFFLE: config->mq_shuffle = true; break;
        case OPT_MQ_OBJECT: config->mq_object = true; break;
        case OPT_MQ_UNITS:
            if (s_parse_long (name, optarg, 1, SIM_MQ_UNITS_MAX, &value))
                return -1;
            config->mq_units = (int) value;
            break;
        case OPT_MQ_DISAGREE:
            if (s_parse_mq_disagree (optarg, config))
                return -1;
            break;
        case OPT_ROW_FAULT + 0:
        case OPT_ROW_FAULT + 1:
        case OPT_ROW_FAULT + 2:
        case OPT_ROW_FAULT + 3:
        case OPT_ROW_FAULT + 4:
        case OPT_ROW_FAULT + 5:
        case OPT_ROW_FAULT + 6:
        case OPT_ROW_FAULT + 7:
            if (!*optarg || strlen (optarg) > 16) {
                fprintf (stderr, "eod-sim: --%s %s: expected a code\n", name, optarg);
                return -1;
            }
            if (sim_row_fault_add (config, opt - OPT_ROW_FAULT, optarg))
                return -1;
            break;
        case OPT_HELP: fputs (s_usage, stdout); return 1;
        case OPT_VERSION: printf ("eod-sim %s\n", EOD_VERSION); return 1;
        default: fputs (s_usage, stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf (stderr, "eod-sim: unexpected argument %s\n", argv[optind]);
        return -1;
    }
    if (!config->tls_cert != !config->tls_key) {
        fprintf (stderr, "eod-sim: --tls-cert and --tls-key go together\n");
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
