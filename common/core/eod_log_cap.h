/*  eod_log_cap — repeated warnings cut to the first few per kind and run.

    A warning about one bad record is useful; the same warning about each
    of 40,000 records of a garbled file buries everything else in the log.
    Each call site that warns once per record names its kind ("master
    garbled record", "kis row rejected"): the first EOD_LOG_CAP_FIRST of a
    kind are logged as they come, the next only counted, and at the end of
    the run (eod_log_cap_flush) one line per kind says how many more there
    were. Kinds are compared as strings; a program holds at most
    EOD_LOG_CAP_KINDS of them (a kind past that is never cut). */
#ifndef EOD_LOG_CAP_H
#define EOD_LOG_CAP_H

#include <stdbool.h>
#include <stddef.h>

#include "eod_log.h"

#define EOD_LOG_CAP_FIRST 10      //  warnings of a kind logged in full per run
#define EOD_LOG_CAP_KINDS 64      //  kinds kept apart
#define EOD_LOG_CAP_KIND_MAX 64   //  bytes of a kind's name that count

//  Counts one warning of kind: true when it is to be logged (one of the
//  first EOD_LOG_CAP_FIRST since the last flush). The one after the last
//  logged says, once, that the rest are counted.
bool eod_log_cap_take (const char *kind);

//  How many warnings of kind were counted since the last flush (logged or
//  not).
size_t eod_log_cap_count (const char *kind);

//  The run is over: one warning line per kind that was cut ("KIND: N more
//  not logged, M in all"), and every count back to 0.
void eod_log_cap_flush (void);

//  A warning of kind, logged only when eod_log_cap_take says so.
#define eod_log_warn_capped(kind, ...)                                                                                 \
    do {                                                                                                               \
        if (eod_log_cap_take (kind) && eod_log_threshold >= EOD_LOG_WARN)                                              \
            eod_log_emit (EOD_LOG_WARN, __VA_ARGS__);                                                                  \
    } while (0)

#endif
