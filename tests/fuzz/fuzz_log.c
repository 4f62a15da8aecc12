/*  fuzz_log — the eod_log API for the fuzz targets, linked instead of
    common/core/eod_log.c.

    The parsers under fuzz log every garbled record they skip. Here the level
    is debug, so every log call's arguments are evaluated and formatted (a
    "%s" given a string without its NUL, or a bad "%.*s" width, is caught by
    the sanitizers), and the line is thrown away unless FUZZ_LOG is set in
    the environment: millions of lines on stderr would slow a run and bury
    libFuzzer's report.

    Secrets are not kept: the real eod_log_secret remembers every token it is
    given, which would make a target's behaviour depend on the inputs run
    before, and a crash found that way could not be reproduced from its one
    input. */
#include "eod_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define S_LINE_MAX 2048   //  as long as a real log line

eod_log_level_t eod_log_threshold = EOD_LOG_DEBUG;

static int s_verbose = -1;   //  unknown until the first line

int
eod_log_level_parse (const char *name)
{
    static const char *names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (name && strcasecmp (name, names[i]) == 0)
            return i;
    return -1;
}

void
eod_log_init (const char *program)
{
    (void) program;
}

void
eod_log_secret (const char *secret)
{
    (void) secret;
}

void
eod_log_redact (char *text)
{
    (void) text;
}

void
eod_log_emit (eod_log_level_t level, const char *format, ...)
{
    char text[S_LINE_MAX];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text, format, args);
    va_end (args);
    if (s_verbose < 0)
        s_verbose = getenv ("FUZZ_LOG") != NULL;
    if (s_verbose)
        fprintf (stderr, "log %c: %s\n", "EWID"[level], text);
}
