/*  eod_stage_main — see eod_stage_main.h. */
#include "eod_stage_main.h"
#include "eod_log.h"
#include "eod_log_cap.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef EOD_VERSION
#define EOD_VERSION "0"
#endif

#define S_CHECK_ERR_MAX (64 * 1024)   //  every error line of --check-config

//  --check-config (and --get): the config loaded strictly before anything
//  of the stage exists, so checking creates nothing; each error printed as
//  "FILE:LINE: [section] key: why". 0, or 2.
static int
s_check_config (const char *stage, const eod_main_opts_t *opts)
{
    int rc = 2;
    char *err = malloc (S_CHECK_ERR_MAX);
    eod_config_t *config = err ? eod_config_load_strict (opts->config, err, S_CHECK_ERR_MAX) : NULL;
    if (!config) {
        fprintf (stderr, "%s\neod-%s: the configuration is not valid\n", err ? err : "out of memory", stage);
        goto out;
    }
    if (opts->get) {
        char value[1024];
        if (!eod_config_str_or_null (config, opts->get)) {
            fprintf (stderr, "--get %s: unknown config key (SECTION:KEY, lower case)\n", opts->get);
            goto out;
        }
        printf ("%s\n", eod_config_path_value (config, opts->get, value, sizeof value));
    }
    else
        printf ("config OK: %s\n", eod_config_path (config));
    rc = 0;
out:
    eod_config_destroy (&config);
    free (err);
    return rc;
}

static void
s_usage (FILE *out, const char *stage, const char *about)
{
    fprintf (out,
             "usage: eod-%s [--config FILE] [--once] [--check-config] [options]\n\n%s\n\n"
             "  --config FILE    configuration (default $EOD_CONFIG; see config/config.ini.example)\n"
             "  --once           process one run, pass END downstream and exit with its status\n"
             "  --check-config   check every key of the configuration, list each error, and exit\n"
             "  --get SECTION:KEY  print one configuration value (paths expanded) and exit\n"
             "  --config-example print every configuration key with its default and meaning\n"
             "  --market kr|us   --date YYYY-MM-DD   --from D --to D   (stages that take them)\n"
             "  --connect EP     the coordinator's fetcher endpoint (fetchers)\n"
             "  --keygen DIR NAME  make CurveZMQ certificates in DIR: NAME 'server' for the\n"
             "                   coordinator, any other name for a fetcher host, and exit\n"
             "  --help, --version\n\n"
             "Exit codes: 0 complete, 1 partial (gaps reported), 2 usage or config error,\n"
             "3 an outside service unreachable (retry later), 4 internal error.\n",
             stage, about);
}

const char *
eod_main_config_env (void)
{
    const char *path = getenv ("EOD_CONFIG");
    return path && *path ? path : NULL;
}

int
eod_main_parse (int argc, char **argv, const char *stage, const char *about, eod_main_opts_t *opts)
{
    memset (opts, 0, sizeof *opts);
    opts->config = eod_main_config_env ();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **target = NULL;
        if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0) {
            s_usage (stdout, stage, about);
            return 0;
        }
        if (strcmp (a, "--version") == 0) {
            printf ("eod-%s %s\n", stage, EOD_VERSION);
            return 0;
        }
        if (strcmp (a, "--config-example") == 0) {
            eod_config_write_example (stdout);
            return 0;
        }
        if (strcmp (a, "--keygen") == 0) {
            if (i + 2 >= argc) {
                fprintf (stderr, "eod-%s: --keygen DIR NAME\n", stage);
                return 2;
            }
            eod_log_init (stage);
            return eod_curve_keygen (argv[i + 1], argv[i + 2]) ? 2 : 0;
        }
        if (strcmp (a, "--once") == 0)
            opts->once = true;
        else if (strcmp (a, "--check-config") == 0)
            opts->check_config = true;
        else if (strcmp (a, "--config") == 0)
            target = &opts->config;
        else if (strcmp (a, "--market") == 0)
            target = &opts->market;
        else if (strcmp (a, "--date") == 0)
            target = &opts->date;
        else if (strcmp (a, "--from") == 0)
            target = &opts->from;
        else if (strcmp (a, "--to") == 0)
            target = &opts->to;
        else if (strcmp (a, "--connect") == 0)
            target = &opts->connect;
        else if (strcmp (a, "--get") == 0) {
            target = &opts->get;
            opts->check_config = true;
        }
        else if (opts->nrest < EOD_MAIN_REST_MAX)
            opts->rest[opts->nrest++] = argv[i];
        else {
            fprintf (stderr, "eod-%s: too many arguments\n", stage);
            return 2;
        }
        if (target) {
            if (i + 1 >= argc) {
                fprintf (stderr, "eod-%s: %s needs a value\n", stage, a);
                return 2;
            }
            *target = argv[++i];
        }
    }
    return opts->check_config ? s_check_config (stage, opts) : -1;
}

static volatile sig_atomic_t s_settled_rc;

static void
s_exit_settled (int sig)
{
    (void) sig;
    _exit (s_settled_rc);
}

void
eod_main_settled (int rc)
{
    s_settled_rc = rc;
    //  What the cap held back, said before the process goes.
    eod_log_cap_flush ();
    //  czmq puts its saved handlers back once: done now, its shutdown leaves
    //  ours in place.
    zsys_handler_reset ();
    struct sigaction action = {.sa_handler = s_exit_settled};
    sigemptyset (&action.sa_mask);
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGTERM, &action, NULL);
}
