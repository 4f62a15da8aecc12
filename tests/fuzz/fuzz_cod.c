/*  fuzz_cod — libFuzzer target for the US master-file parser of common/
    (eod_cod_parse over nasmst.cod / nysmst.cod / amsmst.cod bytes).

    The lister downloads the .cod files from an outside host, so the parser
    must survive any bytes. Every record the callback sees must keep the
    promises of eod_master.h: every column a non-NULL, trimmed, UTF-8 string
    without a TAB or another byte below 0x20, a symbol that is never empty, at least
    10 columns, line numbers that grow. Every line must be counted exactly
    once as blank, record or garbled, and a callback that stops the walk must
    stop it. A broken promise aborts, which libFuzzer reports as a crash. */
#include "eod_master.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_COD_MIN_COLUMNS 10   //  eod_master.h: fewer columns are garbled

typedef struct {
    size_t seen;
    size_t last_line;
    size_t stop_after;   //  0: never stop
} s_walk_t;

static void
s_fail (const eod_cod_record_t *rec, const char *what, const char *column)
{
    fprintf (stderr, "fuzz_cod: %s%s%s (line %zu)\n", what, column ? ": " : "", column ? column : "",
             rec ? rec->line : 0);
    abort ();
}

//  Trimmed UTF-8 without TAB or other bytes below 0x20 ("" allowed).
static bool
s_column_ok (const char *s)
{
    size_t n = strlen (s);
    if (n > 0 && (s[0] == ' ' || s[n - 1] == ' '))
        return false;
    const unsigned char *p = (const unsigned char *) s, *end = p + n;
    while (p < end) {
        size_t extra;
        //  The parser refuses bytes below 0x20 other than TAB; DEL is let
        //  through (the header promises nothing about it).
        if (*p < 0x20)
            return false;
        if (*p < 0x80)
            extra = 0;
        else if ((*p & 0xe0) == 0xc0)
            extra = 1;
        else if ((*p & 0xf0) == 0xe0)
            extra = 2;
        else if ((*p & 0xf8) == 0xf0)
            extra = 3;
        else
            return false;
        if ((size_t) (end - p) <= extra)
            return false;
        for (size_t i = 1; i <= extra; i++)
            if ((p[i] & 0xc0) != 0x80)
                return false;
        p += extra + 1;
    }
    return true;
}

static int
s_on_record (const eod_cod_record_t *rec, void *arg)
{
    s_walk_t *walk = arg;
    const struct {
        const char *name;
        const char *value;
    } columns[] = {
        {"national_code", rec->national_code},
        {"exchange_id", rec->exchange_id},
        {"exchange_code", rec->exchange_code},
        {"exchange_name", rec->exchange_name},
        {"symbol", rec->symbol},
        {"realtime_symbol", rec->realtime_symbol},
        {"korea_name", rec->korea_name},
        {"english_name", rec->english_name},
        {"security_type", rec->security_type},
        {"currency", rec->currency},
        {"base_price", rec->base_price},
        {"etp_kind", rec->etp_kind},
    };
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
        if (!columns[i].value)
            s_fail (rec, "NULL column", columns[i].name);
        if (!s_column_ok (columns[i].value))
            s_fail (rec, "column not trimmed UTF-8 free of bytes below 0x20", columns[i].name);
    }
    if (rec->symbol[0] == '\0')
        s_fail (rec, "empty symbol", NULL);
    if (rec->columns < S_COD_MIN_COLUMNS)
        s_fail (rec, "record with too few columns", NULL);
    if (rec->line <= walk->last_line)
        s_fail (rec, "line numbers do not increase", NULL);
    walk->last_line = rec->line;
    walk->seen++;
    return walk->stop_after && walk->seen >= walk->stop_after ? 1 : 0;
}

//  Parses data; returns the number of records. With stop_after set the
//  callback stops the walk at that record, which must end the parse with -1.
static size_t
s_parse (const char *data, size_t size, size_t stop_after)
{
    s_walk_t walk = {0, 0, stop_after};
    eod_master_stats_t stats;
    int rc = eod_cod_parse (data, size, "fuzz.cod", s_on_record, &walk, &stats);
    if (stats.records != walk.seen)
        s_fail (NULL, "stats.records differs from the callback's count", NULL);
    if (stop_after) {
        if (rc != -1 || walk.seen != stop_after)
            s_fail (NULL, "a stopping callback did not stop the walk", NULL);
        return walk.seen;
    }
    if (rc != 0)
        s_fail (NULL, "walk failed (no CP949 converter?)", NULL);
    if (stats.lines != stats.blank + stats.records + stats.garbled)
        s_fail (NULL, "a line was not counted exactly once", NULL);
    return walk.seen;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    //  libFuzzer hands over a heap copy of exactly size bytes: a read past
    //  the end is caught.
    const char *bytes = (const char *) data;
    if (s_parse (bytes, size, 0) > 0)
        s_parse (bytes, size, 1);
    return 0;
}
