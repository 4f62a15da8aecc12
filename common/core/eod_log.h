/*  eod_log — the one logging helper of every eod program.

    One line per event on stderr (journald reads it as it is):
        2026-11-26T09:00:00.123Z W eod-writer[1234]: text
    The level is checked before the arguments are evaluated. Secrets registered
    with eod_log_secret () are replaced by "[redacted]" in every line, so a
    token that slips into an error message from a library never reaches a log. */
#ifndef EOD_LOG_H
#define EOD_LOG_H

#include <stdarg.h>
#include <stdbool.h>

typedef enum {
    EOD_LOG_ERROR = 0,
    EOD_LOG_WARN = 1,
    EOD_LOG_INFO = 2,
    EOD_LOG_DEBUG = 3
} eod_log_level_t;

extern eod_log_level_t eod_log_threshold;

//  Sets the program name shown on every line; the level comes from EOD_LOG_LEVEL
//  (error|warn|info|debug) when set, else info.
void eod_log_init (const char *program);

//  Parses a level name; returns -1 for an unknown one.
int eod_log_level_parse (const char *name);

//  Registers a secret to redact (copied; strings shorter than 6 bytes are ignored
//  because redacting them would mangle ordinary text).
void eod_log_secret (const char *secret);

//  Replaces every registered secret in text (in place, same length or shorter).
void eod_log_redact (char *text);

void eod_log_emit (eod_log_level_t level, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

#define eod_log_error(...)                                                                                             \
    do {                                                                                                               \
        if (eod_log_threshold >= EOD_LOG_ERROR)                                                                        \
            eod_log_emit (EOD_LOG_ERROR, __VA_ARGS__);                                                                 \
    } while (0)
#define eod_log_warn(...)                                                                                              \
    do {                                                                                                               \
        if (eod_log_threshold >= EOD_LOG_WARN)                                                                         \
            eod_log_emit (EOD_LOG_WARN, __VA_ARGS__);                                                                  \
    } while (0)
#define eod_log_info(...)                                                                                              \
    do {                                                                                                               \
        if (eod_log_threshold >= EOD_LOG_INFO)                                                                         \
            eod_log_emit (EOD_LOG_INFO, __VA_ARGS__);                                                                  \
    } while (0)
#define eod_log_debug(...)                                                                                             \
    do {                                                                                                               \
        if (eod_log_threshold >= EOD_LOG_DEBUG)                                                                        \
            eod_log_emit (EOD_LOG_DEBUG, __VA_ARGS__);                                                                 \
    } while (0)

#endif
