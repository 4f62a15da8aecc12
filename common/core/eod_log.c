/*  eod_log — see eod_log.h. */
#include "eod_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define EOD_LOG_LINE_MAX 2048       //  longer events are cut; a log line is not a data channel
#define EOD_LOG_SECRETS_MAX 64      //  app keys, secrets, tokens, AWS and Slack secrets
#define EOD_LOG_SECRETS_PINNED 32   //  the first ones (config) stay; later ones (tokens) rotate
#define EOD_LOG_SECRET_MIN 6        //  shorter strings are too common to redact safely

eod_log_level_t eod_log_threshold = EOD_LOG_INFO;

static char s_program[64] = "eod";
static char *s_secrets[EOD_LOG_SECRETS_MAX];
static size_t s_nsecrets;
static size_t s_next_rotating = EOD_LOG_SECRETS_PINNED;   //  slot a new secret replaces when full

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
    if (program) {
        const char *slash = strrchr (program, '/');
        snprintf (s_program, sizeof s_program, "%s", slash ? slash + 1 : program);
    }
    int level = eod_log_level_parse (getenv ("EOD_LOG_LEVEL"));
    if (level >= 0)
        eod_log_threshold = (eod_log_level_t) level;
}

void
eod_log_secret (const char *secret)
{
    if (!secret || strlen (secret) < EOD_LOG_SECRET_MIN)
        return;
    for (size_t i = 0; i < s_nsecrets; i++)
        if (strcmp (s_secrets[i], secret) == 0)
            return;
    char *copy = strdup (secret);
    if (!copy)
        return;
    if (s_nsecrets < EOD_LOG_SECRETS_MAX)
        s_secrets[s_nsecrets++] = copy;
    else {
        //  A long-lived service gets a new token every day: the oldest of the
        //  rotating slots (an expired token) makes room; config secrets stay.
        free (s_secrets[s_next_rotating]);
        s_secrets[s_next_rotating] = copy;
        s_next_rotating = s_next_rotating + 1 < EOD_LOG_SECRETS_MAX ? s_next_rotating + 1 : EOD_LOG_SECRETS_PINNED;
    }
}

void
eod_log_redact (char *text)
{
    static const char mask[] = "[redacted]";
    for (size_t i = 0; i < s_nsecrets; i++) {
        size_t len = strlen (s_secrets[i]);
        char *hit, *from = text;
        while ((hit = strstr (from, s_secrets[i])) != NULL) {
            //  Secrets are at least as long as EOD_LOG_SECRET_MIN; write the mask
            //  (or as much of it as fits) and close the gap. The search goes on
            //  after the mask, which may itself hold the secret ("[redacted]").
            size_t masklen = len < sizeof mask - 1 ? len : sizeof mask - 1;
            memcpy (hit, mask, masklen);
            memmove (hit + masklen, hit + len, strlen (hit + len) + 1);
            from = hit + masklen;
        }
    }
}

void
eod_log_emit (eod_log_level_t level, const char *format, ...)
{
    static const char letters[] = "EWID";
    char text[EOD_LOG_LINE_MAX];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text, format, args);
    va_end (args);
    eod_log_redact (text);
    //  One event, one line: fold embedded newlines.
    for (char *p = text; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';

    struct timeval now;
    gettimeofday (&now, NULL);
    struct tm utc;
    gmtime_r (&now.tv_sec, &utc);
    char stamp[32];
    strftime (stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    fprintf (stderr, "%s.%03dZ %c %s[%d]: %s\n", stamp, (int) (now.tv_usec / 1000), letters[level], s_program,
             (int) getpid (), text);
}
