/*  kis_fixtures — what the unit tests of the KIS client (test_kis_*.c)
    share: the stored bodies of tests/data/kis/ and a chk-holiday day
    counter. Everything is static inline so a test that uses part of it
    compiles without unused-function warnings. */
#ifndef KIS_FIXTURES_H
#define KIS_FIXTURES_H

#include "eod_util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIS_DATA_DIR EOD_SOURCE_DIR "/tests/data/kis/"
#define KIS_FIXTURE_MAX (1024 * 1024)   //  the largest stored body is a few KB

//  Reads a whole data file of tests/data/kis/; the caller frees. Exits the
//  test on failure (a missing fixture is a broken checkout, not a result).
static inline char *
kis_fixture (const char *name, size_t *len)
{
    char path[512];
    snprintf (path, sizeof path, "%s%s", KIS_DATA_DIR, name);
    char *data = eod_read_file (path, KIS_FIXTURE_MAX, len);
    if (!data) {
        fprintf (stderr, "cannot read %s\n", path);
        exit (2);
    }
    return data;
}

//  The days a chk-holiday walk reported.
typedef struct {
    int days;
    int open;
    char first[9];
    char last[9];
    bool in_order;
    bool jan10_open;   //  a Saturday
    bool feb17_open;   //  Seollal
} kis_days_t;

//  An eod_kis_day_fn counting into a kis_days_t.
static inline void
kis_on_day (const char *date, bool open, void *arg)
{
    kis_days_t *d = arg;
    if (d->days == 0)
        snprintf (d->first, sizeof d->first, "%s", date);
    else if (strcmp (date, d->last) <= 0)
        d->in_order = false;
    snprintf (d->last, sizeof d->last, "%s", date);
    d->days++;
    d->open += open;
    if (strcmp (date, "20260110") == 0)
        d->jan10_open = open;
    if (strcmp (date, "20260217") == 0)
        d->feb17_open = open;
}

#endif
