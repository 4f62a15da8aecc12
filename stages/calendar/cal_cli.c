/*  cal_cli — the calendar's command line (see cal_cli.h). Parses the query,
    asks eod_cal, prints the answer; when the calendar does not know a date it
    says which date and why, and exits CAL_CLI_UNKNOWN rather than guessing. */
#include "cal_cli.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "eod_date.h"

#define S_DEFAULT_PROGRAM "eod-calendar"
#define S_MINUTES_PER_HOUR 60

typedef enum {
    S_QUERY_NONE,
    S_QUERY_CLOSED,
    S_QUERY_SESSIONS,
    S_QUERY_IS_OPEN,
    S_QUERY_NEXT_SESSION,
    S_QUERY_LATEST_CLOSED
} s_query_t;

//  A query option, and how many date arguments it takes.
typedef struct {
    const char *name;
    s_query_t query;
    int dates;   //  -1: one optional date
} s_option_t;

static const s_option_t s_options[] = {
    {"--closed", S_QUERY_CLOSED, 2},
    {"--sessions", S_QUERY_SESSIONS, 2},
    {"--is-open", S_QUERY_IS_OPEN, 1},
    {"--next-session", S_QUERY_NEXT_SESSION, -1},
    {"--latest-closed", S_QUERY_LATEST_CLOSED, 0},
};
#define S_OPTION_COUNT (sizeof s_options / sizeof s_options[0])

//  Options main consumes to build the calendar; skipped here with their value.
static const char *s_main_options[] = {"--calendar-dir", "--config"};
#define S_MAIN_OPTION_COUNT (sizeof s_main_options / sizeof s_main_options[0])

//  A parsed command line.
typedef struct {
    const char *program;
    bool have_market;
    eod_market_t market;
    s_query_t query;
    const char *query_name;
    int date_count;
    eod_date_t dates[2];
} s_command_t;

static const s_option_t *
s_find_option (const char *arg)
{
    for (size_t i = 0; i < S_OPTION_COUNT; i++)
        if (strcmp (arg, s_options[i].name) == 0)
            return &s_options[i];
    return NULL;
}

int
cal_cli_wants (int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (argv[i] && s_find_option (argv[i]))
            return 1;
    return 0;
}

static void
s_usage (const char *program)
{
    fprintf (stderr,
             "usage: %s --market kr|us --closed FROM TO\n"
             "       %s --market kr|us --sessions FROM TO\n"
             "       %s --market kr|us --is-open DATE\n"
             "       %s --market kr|us --next-session [DATE]\n"
             "       %s --market kr|us --latest-closed\n"
             "Dates are YYYY-MM-DD or YYYYMMDD; times are the exchange's local time.\n"
             "Exit: 0 answered (open), 1 closed, 2 usage, 3 unknown to the calendar.\n",
             program, program, program, program, program);
}

static const char *
s_program_name (int argc, char **argv)
{
    if (argc < 1 || !argv[0] || !*argv[0])
        return S_DEFAULT_PROGRAM;
    const char *slash = strrchr (argv[0], '/');
    return slash && slash[1] ? slash + 1 : argv[0];
}

//  Parses argv into command; returns 0, or -1 after saying what is wrong.
static int
s_parse (int argc, char **argv, s_command_t *command)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const s_option_t *option = s_find_option (arg);
        bool skipped = false;
        for (size_t k = 0; k < S_MAIN_OPTION_COUNT; k++)
            if (strcmp (arg, s_main_options[k]) == 0) {
                if (i + 1 >= argc) {
                    fprintf (stderr, "%s: %s needs a value\n", command->program, arg);
                    return -1;
                }
                i++;
                skipped = true;
            }
        if (skipped)
            continue;
        if (strcmp (arg, "--market") == 0) {
            if (i + 1 >= argc || eod_market_parse (argv[i + 1], &command->market)) {
                fprintf (stderr, "%s: --market takes kr or us\n", command->program);
                return -1;
            }
            command->have_market = true;
            i++;
        }
        else if (option) {
            if (command->query != S_QUERY_NONE) {
                fprintf (stderr, "%s: %s and %s: one query at a time\n", command->program, command->query_name, arg);
                return -1;
            }
            command->query = option->query;
            command->query_name = option->name;
            int wanted = option->dates < 0 ? 1 : option->dates;
            for (int n = 0; n < wanted; n++) {
                const char *text = i + 1 < argc ? argv[i + 1] : NULL;
                bool optional = option->dates < 0;
                if (optional && (!text || strncmp (text, "--", 2) == 0))
                    break;
                if (!text) {
                    fprintf (stderr, "%s: %s needs %d date%s\n", command->program, option->name, wanted,
                             wanted > 1 ? "s" : "");
                    return -1;
                }
                if (eod_date_parse (text, &command->dates[n])) {
                    fprintf (stderr, "%s: %s: \"%s\" is not a date (YYYY-MM-DD or YYYYMMDD)\n", command->program,
                             option->name, text);
                    return -1;
                }
                command->date_count++;
                i++;
            }
        }
        else {
            fprintf (stderr, "%s: unknown argument \"%s\"\n", command->program, arg);
            return -1;
        }
    }
    if (command->query == S_QUERY_NONE) {
        fprintf (stderr, "%s: no query given\n", command->program);
        return -1;
    }
    if (!command->have_market) {
        fprintf (stderr, "%s: %s needs --market kr|us\n", command->program, command->query_name);
        return -1;
    }
    if (command->date_count == 2 && eod_date_compare (command->dates[0], command->dates[1]) > 0) {
        fprintf (stderr, "%s: %s: FROM is after TO\n", command->program, command->query_name);
        return -1;
    }
    return 0;
}

//  Says on stderr that date is unknown for the market, and why.
static int
s_unknown (eod_cal_t *cal, const s_command_t *command, eod_date_t date)
{
    char text[EOD_DATE_ISO_SIZE], edge[EOD_DATE_ISO_SIZE], edge2[EOD_DATE_ISO_SIZE];
    eod_date_t first, last;
    eod_cal_known_range (cal, command->market, &first, &last);
    const char *name = eod_market_name (command->market);
    if (!eod_date_format (date, text, sizeof text))
        snprintf (text, sizeof text, "?");
    if (command->market == EOD_MARKET_KR) {
        bool before = eod_date_compare (date, first) < 0;
        eod_date_format (before ? first : last, edge, sizeof edge);
        fprintf (stderr, "%s: %s: unknown for %s (the XKRX table %s %s and no API answer)\n", command->program, text,
                 name, before ? "starts" : "ends", edge);
    }
    else
        fprintf (stderr, "%s: %s: unknown for %s (the XNYS rules cover %s to %s)\n", command->program, text, name,
                 eod_date_format (first, edge, sizeof edge), eod_date_format (last, edge2, sizeof edge2));
    return CAL_CLI_UNKNOWN;
}

//  The first UNKNOWN date walking from date (included) by step; the walk
//  ends at an unknown date in any calendar (both know finitely many days).
static eod_date_t
s_first_unknown (eod_cal_t *cal, eod_market_t market, eod_date_t date, int step)
{
    while (eod_cal_status (cal, market, date) != EOD_CAL_UNKNOWN)
        date = eod_date_add_days (date, step);
    return date;
}

//  The first UNKNOWN date in [from, to]; returns true when there is one.
static bool
s_range_unknown (eod_cal_t *cal, eod_market_t market, eod_date_t from, eod_date_t to, eod_date_t *unknown)
{
    for (eod_date_t date = from; eod_date_compare (date, to) <= 0; date = eod_date_add_days (date, 1))
        if (eod_cal_status (cal, market, date) == EOD_CAL_UNKNOWN) {
            *unknown = date;
            return true;
        }
    return false;
}

static int
s_print_session (eod_date_t date, int open_min, int close_min, void *arg)
{
    FILE *out = (FILE *) arg;
    char text[EOD_DATE_ISO_SIZE];
    fprintf (out, "%s %02d:%02d %02d:%02d\n", eod_date_format (date, text, sizeof text), open_min / S_MINUTES_PER_HOUR,
             open_min % S_MINUTES_PER_HOUR, close_min / S_MINUTES_PER_HOUR, close_min % S_MINUTES_PER_HOUR);
    return 0;
}

static int
s_print_date (FILE *out, eod_date_t date)
{
    char text[EOD_DATE_ISO_SIZE];
    fprintf (out, "%s\n", eod_date_format (date, text, sizeof text));
    return CAL_CLI_OK;
}

int
cal_cli_run (eod_cal_t *cal, int argc, char **argv, FILE *out)
{
    assert (cal && out);
    s_command_t command = {0};
    command.program = s_program_name (argc, argv);
    if (s_parse (argc, argv, &command)) {
        s_usage (command.program);
        return CAL_CLI_USAGE;
    }
    eod_market_t market = command.market;
    eod_date_t unknown;
    switch (command.query) {
    case S_QUERY_CLOSED:
    case S_QUERY_SESSIONS:
        if (s_range_unknown (cal, market, command.dates[0], command.dates[1], &unknown))
            return s_unknown (cal, &command, unknown);
        if (command.query == S_QUERY_SESSIONS) {
            if (eod_cal_sessions (cal, market, command.dates[0], command.dates[1], s_print_session, out) < 0)
                return s_unknown (cal, &command, command.dates[0]);
            return CAL_CLI_OK;
        }
        for (eod_date_t date = command.dates[0]; eod_date_compare (date, command.dates[1]) <= 0;
             date = eod_date_add_days (date, 1))
            if (!eod_date_is_weekend (date) && eod_cal_status (cal, market, date) == EOD_CAL_CLOSED)
                s_print_date (out, date);
        return CAL_CLI_OK;

    case S_QUERY_IS_OPEN: {
        eod_cal_status_t status = eod_cal_status (cal, market, command.dates[0]);
        if (status == EOD_CAL_UNKNOWN)
            return s_unknown (cal, &command, command.dates[0]);
        fprintf (out, "%s\n", status == EOD_CAL_OPEN ? "open" : "closed");
        return status == EOD_CAL_OPEN ? CAL_CLI_OK : CAL_CLI_CLOSED;
    }
    case S_QUERY_NEXT_SESSION: {
        eod_date_t from = command.date_count ? command.dates[0] : eod_date_today (eod_market_tz (market));
        eod_date_t next;
        if (eod_cal_next_session (cal, market, from, &next))
            return s_unknown (cal, &command, s_first_unknown (cal, market, eod_date_add_days (from, 1), 1));
        return s_print_date (out, next);
    }
    case S_QUERY_LATEST_CLOSED: {
        time_t now = eod_now ();
        eod_date_t latest;
        if (eod_cal_latest_closed_session (cal, market, now, &latest)) {
            eod_date_t today;
            eod_tz_local (eod_market_tz (market), now, &today, NULL);
            return s_unknown (cal, &command, s_first_unknown (cal, market, today, -1));
        }
        return s_print_date (out, latest);
    }
    case S_QUERY_NONE: break;
    }
    s_usage (command.program);
    return CAL_CLI_USAGE;
}
