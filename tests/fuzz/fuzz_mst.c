/*  fuzz_mst — libFuzzer target for the KR master-file parser of common/
    (eod_master_parse over kospi_code.mst / kosdaq_code.mst bytes).

    The lister downloads these files from an outside host and parses them
    with eod_master_parse, so the parser must survive any bytes and only ever
    hand good records to its callback. The target parses the input as a
    KOSPI file and as a KOSDAQ file. Every record the callback sees must
    keep the promises of eod_master.h (trimmed, NUL-terminated, digits where
    digits belong, normalised numbers, an ASCII tail of the right length),
    every line must be counted exactly once as blank, record or garbled, and
    a callback that stops the walk must stop it. A broken promise aborts,
    which libFuzzer reports as a crash with the input saved. */
#include "eod_master.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_DATE_LEN 8
#define S_MARKET_CAP_MAX 999999999LL   //  nine digits

typedef struct {
    eod_master_kind_t kind;
    size_t seen;   //  records handed to the callback
    size_t last_line;
    size_t stop_after;   //  0: never stop
} s_walk_t;

static void
s_fail (const eod_master_record_t *rec, const char *what)
{
    fprintf (stderr, "fuzz_mst: %s (line %zu, code '%s')\n", what, rec ? rec->line : 0, rec ? rec->short_code : "");
    abort ();
}

//  A NUL inside the array and everything before it satisfying pred.
static bool
s_text_ok (const char *s, size_t size, int (*pred) (int), bool may_be_empty)
{
    const char *nul = memchr (s, '\0', size);
    if (!nul || (!may_be_empty && nul == s))
        return false;
    for (const char *p = s; p < nul; p++)
        if (!pred ((unsigned char) *p))
            return false;
    return true;
}

static int
s_is_tail_char (int c)
{
    return c >= 0x20 && c <= 0x7e;
}

//  Well-formed UTF-8 without control bytes, NUL-terminated inside size.
static bool
s_utf8_ok (const char *s, size_t size)
{
    const unsigned char *p = (const unsigned char *) s;
    const unsigned char *end = memchr (s, '\0', size);
    if (!end || end == p)
        return false;
    while (p < end) {
        size_t extra;
        if (*p < 0x20 || *p == 0x7f)
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

//  "" or the normalised decimal eod_master.h describes: [-]digits[.digits],
//  no leading zero before another digit, no trailing zero of a fraction,
//  never "-0".
static bool
s_number_ok (const char *s, size_t size)
{
    if (!memchr (s, '\0', size))
        return false;
    if (*s == '\0')
        return true;
    bool negative = *s == '-';
    const char *p = negative ? s + 1 : s;
    size_t int_len = strspn (p, "0123456789");
    if (int_len == 0 || (int_len > 1 && p[0] == '0'))
        return false;
    const char *rest = p + int_len;
    if (*rest == '.') {
        size_t frac_len = strspn (rest + 1, "0123456789");
        if (frac_len == 0 || rest[frac_len] == '0' || rest[1 + frac_len] != '\0')
            return false;
    }
    else if (*rest != '\0')
        return false;
    if (negative && strcmp (p, "0") == 0)
        return false;
    return true;
}

static bool
s_date_ok (const char *s, size_t size)
{
    return s_text_ok (s, size, isdigit, true) && (s[0] == '\0' || strlen (s) == S_DATE_LEN);
}

static int
s_on_record (const eod_master_record_t *rec, void *arg)
{
    s_walk_t *walk = arg;
    size_t want_len = walk->kind == EOD_MASTER_KOSPI ? EOD_MASTER_KOSPI_RECORD_LEN : EOD_MASTER_KOSDAQ_RECORD_LEN;
    if (rec->kind != walk->kind)
        s_fail (rec, "record of the wrong kind");
    if (rec->line <= walk->last_line)
        s_fail (rec, "line numbers do not increase");
    walk->last_line = rec->line;
    if (!s_text_ok (rec->short_code, sizeof rec->short_code, isalnum, false))
        s_fail (rec, "short code empty or not alphanumeric");
    if (!s_text_ok (rec->standard_code, sizeof rec->standard_code, isalnum, false))
        s_fail (rec, "standard code empty or not alphanumeric");
    if (!s_utf8_ok (rec->name, sizeof rec->name))
        s_fail (rec, "name empty or not clean UTF-8");
    if (rec->name[0] == ' ' || rec->name[strlen (rec->name) - 1] == ' ')
        s_fail (rec, "name not trimmed");
    if (!s_text_ok (rec->group_code, sizeof rec->group_code, isupper, false) || strlen (rec->group_code) != 2)
        s_fail (rec, "group code is not two capitals");
    if (!s_text_ok (rec->etp_code, sizeof rec->etp_code, isdigit, true))
        s_fail (rec, "ETP code is not blank or a digit");
    if (!s_date_ok (rec->listing_date, sizeof rec->listing_date) || !s_date_ok (rec->base_date, sizeof rec->base_date))
        s_fail (rec, "date is not blank or YYYYMMDD");
    if (!s_number_ok (rec->revenue, sizeof rec->revenue)
        || !s_number_ok (rec->operating_profit, sizeof rec->operating_profit)
        || !s_number_ok (rec->net_income, sizeof rec->net_income) || !s_number_ok (rec->roe, sizeof rec->roe))
        s_fail (rec, "number not normalised");
    if (rec->market_cap < 0 || rec->market_cap > S_MARKET_CAP_MAX)
        s_fail (rec, "market cap out of range");
    if (walk->kind == EOD_MASTER_KOSPI && rec->kosdaq150)
        s_fail (rec, "KOSDAQ150 flag on a KOSPI record");
    if (!s_text_ok (rec->tail, sizeof rec->tail, s_is_tail_char, false)
        || strlen (rec->tail) != want_len - EOD_MASTER_HEAD_LEN)
        s_fail (rec, "tail is not printable ASCII of the layout's length");
    walk->seen++;
    return walk->stop_after && walk->seen >= walk->stop_after ? 1 : 0;
}

//  Parses data as one kind; returns the number of records. With stop_after
//  set the callback stops the walk at that record, which must end the parse
//  with -1 there.
static size_t
s_parse (eod_master_kind_t kind, const char *data, size_t size, size_t stop_after)
{
    s_walk_t walk = {kind, 0, 0, stop_after};
    eod_master_stats_t stats;
    int rc = eod_master_parse (kind, data, size, "fuzz.mst", s_on_record, &walk, &stats);
    if (stats.records != walk.seen)
        s_fail (NULL, "stats.records differs from the callback's count");
    if (stop_after) {
        if (rc != -1 || walk.seen != stop_after)
            s_fail (NULL, "a stopping callback did not stop the walk");
        return walk.seen;
    }
    if (rc != 0)
        s_fail (NULL, "walk failed (no CP949 converter?)");
    if (stats.lines != stats.blank + stats.records + stats.garbled)
        s_fail (NULL, "a line was not counted exactly once");
    return walk.seen;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    //  libFuzzer hands over a heap copy of exactly size bytes: a read past
    //  the end is caught even where the parser would stop at a NUL.
    const char *bytes = (const char *) data;
    eod_master_kind_t kinds[] = {EOD_MASTER_KOSPI, EOD_MASTER_KOSDAQ};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (s_parse (kinds[i], bytes, size, 0) > 0)
            s_parse (kinds[i], bytes, size, 1);
    return 0;
}
