/*  eod_stage_main — the command line every stage program shares:
        --config FILE  --once  --check-config  --market kr|us  --date D
        --from D --to D  --help  --version
    Options a stage adds itself are left in rest[] in their order. */
#ifndef EOD_STAGE_MAIN_H
#define EOD_STAGE_MAIN_H

#include <stdbool.h>

#include "eod_zmq.h"

#define EOD_MAIN_REST_MAX 32

typedef struct {
    const char *config;
    bool once;
    bool check_config;
    const char *market;
    const char *date;
    const char *from;
    const char *to;
    const char *connect;   //  --connect ENDPOINT (fetchers on other hosts)
    const char *get;       //  --get SECTION:KEY prints a config value (paths expanded)
    int nrest;
    char *rest[EOD_MAIN_REST_MAX];
} eod_main_opts_t;

//  The config file a program reads when it is given no --config: $EOD_CONFIG,
//  or NULL (the built-in defaults) when that is unset or empty. The string
//  belongs to the environment.
const char *eod_main_config_env (void);

//  Parses argv. Returns -1 to go on, or an exit code to return at once (help,
//  version: 0; usage error: 2). The config defaults to $EOD_CONFIG.
//  --check-config is answered here, before the stage makes anything: the
//  config is loaded strictly (unknown sections and keys are errors), every
//  error is printed ("FILE:LINE: [section] key: why"), and the exit code is
//  0 or 2; with --get the value is printed instead of "config OK".
int eod_main_parse (int argc, char **argv, const char *stage, const char *about, eod_main_opts_t *opts);

//  The stage's run ended with exit code rc: the repeated warnings held back
//  are summed up (eod_log_cap_flush), and from here on SIGINT and SIGTERM end
//  the process at once with rc. czmq's shutdown at exit puts the default
//  handlers back and the exit handlers after it (a sanitized build's leak
//  check) take a while: a stop asked for then (the launcher's, at the end of
//  a run) would kill the process and turn its outcome into a death by signal.
void eod_main_settled (int rc);

//  Exit codes every eod program uses (README "Exit codes").
#define EOD_EXIT_OK 0            //  complete
#define EOD_EXIT_PARTIAL 1       //  some tasks failed after retries; files written, gaps reported
#define EOD_EXIT_USAGE 2         //  usage or config error
#define EOD_EXIT_UNREACHABLE 3   //  an outside service unreachable: retry later
#define EOD_EXIT_INTERNAL 4      //  internal error

#endif
