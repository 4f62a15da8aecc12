/*  sim_config — eod-sim's options: what the command line sets (port, seed,
    accepted app keys and Slack credentials, token and limiter timings,
    latency, the calendars, universe tweaks and fault rates) and their
    defaults. sim_main parses them once at start; every handler reads them
    through sim_t.config and none changes them. */
#ifndef SIM_CONFIG_H
#define SIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_PORT_DEFAULT 18080
#define SIM_RATE_DEFAULT 20                  //  KIS real-host limit per app key per second
#define SIM_TOKEN_REUSE_S_DEFAULT 21600      //  "6시간 이내는 기존 발급키로 응답"
#define SIM_TOKEN_TTL_S_DEFAULT 86400        //  24 h token lifetime
#define SIM_TOKEN_THROTTLE_S_DEFAULT 60      //  one issuance per minute per app key
#define SIM_FAULT_SLOW_MS_DEFAULT 2000       //  how long a --fault-slow answer waits
#define SIM_FAULT_CODE_STATUS_DEFAULT 500    //  the HTTP status of a --fault-code answer
#define SIM_US_PAGE_ROWS_MAX 100             //  --us-page-rows: at most the rows of one dailyprice answer
#define SIM_APPS_MAX 16
#define SIM_MQ_UNITS_MAX 30                  //  --mq-units: a batch counted as at most this many requests
#define SIM_MQ_DISAGREE_MAX 32               //  --mq-disagree entries
#define SIM_CHANNELS_MAX 16
#define SIM_ROW_FAULT_KINDS 7                //  --fault-price ... --fault-conflict (sim_row_faults.h)
#define SIM_ROW_FAULTS_MAX 32                //  codes named by those options, all kinds together

//  How the multi-quote answers a code it does not know (--mq-unknown).
typedef enum {
    SIM_MQ_UNKNOWN_ZERO = 0,                 //  an entry with the code and every price zero (default)
    SIM_MQ_UNKNOWN_OMIT,                     //  no entry for it
    SIM_MQ_UNKNOWN_REJECT                    //  the whole request: rt_cd 1, OPSQ2001 on its FID_INPUT_ISCD_n
} sim_mq_unknown_t;

//  The multi-quote's fields a --mq-disagree entry can move.
typedef enum {
    SIM_MQ_FIELD_OPEN, SIM_MQ_FIELD_HIGH, SIM_MQ_FIELD_LOW, SIM_MQ_FIELD_CLOSE, SIM_MQ_FIELD_VOLUME,
    SIM_MQ_FIELD_VALUE, SIM_MQ_FIELD_PREV_CLOSE
} sim_mq_field_t;

//  --mq-disagree CODE:FIELD:DELTA: the multi-quote answers FIELD of CODE
//  moved by DELTA from what the chart answers.
typedef struct {
    char code[16];
    sim_mq_field_t field;
    long long delta;
} sim_mq_disagree_t;

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
    char *warm_until;                        //  YYYYMMDD: walks precomputed through it at start
    int kosdaq_extra;                        //  extra selected KOSDAQ stocks (--kosdaq-extra)
    int unknown_codes;
    int us_unknown;                          //  first N US universe symbols answer unknown
    long us_publish_lag_s;                   //  a US session's rows come out over this long after its close
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
    char *fault_code;                        //  --fault-code: every data request answers this msg_cd
    int fault_code_status;
    double fault_code_rate;
    int us_page_rows;                        //  --us-page-rows: dailyprice answers in pages (0: one answer)
    char *tls_cert;                          //  --tls-cert, --tls-key: PEM files; https instead of http
    char *tls_key;
    sim_mq_unknown_t mq_unknown;             //  the multi-quote (FHKST11300006) variants
    bool mq_shuffle;                         //  entries out of request order
    bool mq_object;                          //  a one-entry answer's output as an object, not an array
    int mq_units;                            //  limiter arrivals one batch counts as (default 1)
    sim_mq_disagree_t mq_disagree[SIM_MQ_DISAGREE_MAX];
    size_t nmq_disagree;
    struct {
        int kind;                            //  sim_row_faults.h
        char *code;
    } row_faults[SIM_ROW_FAULTS_MAX];
    size_t nrow_faults;
} sim_config_t;

//  Fills config (zeroed by the caller) from argv, then the defaults of what
//  was not given. 0 ok, 1 when --help or --version was answered on stdout,
//  -1 on a usage error (reported on stderr). The strings config holds are
//  its own: sim_config_free releases them, whatever the result.
int sim_config_parse (sim_config_t *config, int argc, char *argv[]);
void sim_config_free (sim_config_t *config);

#endif
