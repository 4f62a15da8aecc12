/*  cal_cli — the calendar's command line: answers "is the exchange open",
    "which sessions", "which dates closed", "next session" and "latest closed
    session" for people, cron jobs and the launcher, from the same eod_cal the
    coordinator uses to pick trade dates.

        --market kr|us --closed FROM TO     closed weekdays in [FROM, TO]
        --market kr|us --sessions FROM TO   "YYYY-MM-DD HH:MM HH:MM" per session
        --market kr|us --is-open DATE       "open" / "closed"
        --market kr|us --next-session [DATE]  first session after DATE (default today)
        --market kr|us --latest-closed      latest session closed by now (eod_now)

    Dates are YYYY-MM-DD or YYYYMMDD; times are the exchange's local time. */
#ifndef CAL_CLI_H
#define CAL_CLI_H

#include <stdio.h>

#include "eod_cal.h"

//  Exit codes of cal_cli_run.
#define CAL_CLI_OK 0        //  answered (for --is-open: open)
#define CAL_CLI_CLOSED 1    //  --is-open: closed
#define CAL_CLI_USAGE 2     //  bad command line (usage printed to stderr)
#define CAL_CLI_UNKNOWN 3   //  the calendar does not know (reason on stderr)

//  1 when argv holds one of the query options above (so main dispatches to
//  cal_cli_run), else 0.
int cal_cli_wants (int argc, char **argv);

//  Runs the query in argv (argv[0] is the program name, used as the prefix of
//  messages) against cal, writing the answer to out and problems to stderr.
//  "--calendar-dir DIR" and "--config FILE" are skipped (main uses them to
//  build cal); any other unknown argument is a usage error. Does not take
//  ownership of cal. Returns one of the CAL_CLI_ exit codes.
int cal_cli_run (eod_cal_t *cal, int argc, char **argv, FILE *out);

#endif
