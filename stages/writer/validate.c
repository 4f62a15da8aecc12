/*  writer validate — see validate.h. */
#include "validate.h"
#include "writer_csv.h"
#include "eod_metrics.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define S_SCALE 1000000            //  amounts as integers of millionths: KIS sends at most 4 decimals
#define S_FRACTION_DIGITS 6
#define S_INTEGER_DIGITS 12        //  a price or volume longer than this is not one KIS sends
#define S_VALUE_SHOWN 24           //  bytes of a value quoted in a detail

//  The kinds' names are the metrics' (one list: the sidecars, the END's
//  figures and the metrics' kind label say the same).
_Static_assert (WRITER_VALIDATE_KINDS == EOD_METRICS_ANOMALY_KINDS, "the kinds are the metrics' kinds");

//  The columns a rule reads, by market.
typedef struct {
    const char *close, *open, *high, *low, *volume, *change, *sign;
    size_t day_columns;      //  the output2 columns, the values of the day
} s_names_t;

static const s_names_t s_kr = {"stck_clpr", "stck_oprc", "stck_hgpr", "stck_lwpr", "acml_vol", "prdy_vrss", "prdy_vrss_sign", 13};
static const s_names_t s_us = {"close", "open", "high", "low", "tvol", "diff", "sign", 14};

const char *
writer_validate_kind_name (writer_validate_kind_t kind)
{
    const char *name = eod_metrics_anomaly_kind ((int) kind);
    return name ? name : "?";
}

writer_validate_kind_t
writer_validate_kind_parse (const char *name)
{
    for (int k = 0; k < WRITER_VALIDATE_KINDS; k++)
        if (strcmp (name, eod_metrics_anomaly_kind (k)) == 0)
            return (writer_validate_kind_t) k;
    return WRITER_VALIDATE_KINDS;
}

//  A decimal "[+-]DIGITS[.DIGITS]" as millionths into *out. 0, or -1 when
//  it is not one (empty, other characters, too long). Digits past the sixth
//  decimal are checked and dropped.
static int
s_decimal (const char *text, int64_t *out)
{
    const char *p = text;
    bool negative = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    int64_t whole = 0, fraction = 0;
    size_t digits = 0, decimals = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits == S_INTEGER_DIGITS)
            return -1;
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, decimals++)
            if (decimals < S_FRACTION_DIGITS)
                fraction = fraction * 10 + (*p - '0');
        for (size_t d = decimals; d < S_FRACTION_DIGITS; d++)
            fraction *= 10;
    }
    if (*p || digits + decimals == 0)
        return -1;
    *out = (whole * S_SCALE + fraction) * (negative ? -1 : 1);
    return 0;
}

static const char *
s_value (const char *market, const char *const *values, size_t n, const char *name)
{
    const char *const *cols;
    size_t ncols = writer_csv_columns (market, &cols);
    for (size_t c = 0; c < ncols && c < n; c++)
        if (strcmp (cols[c], name) == 0)
            return values[c] ? values[c] : "";
    return "";
}

typedef struct {
    writer_validate_finding_t *out;
    size_t count;
} s_found_t;

static void __attribute__ ((format (printf, 3, 4)))
s_find (s_found_t *found, writer_validate_kind_t kind, const char *format, ...)
{
    if (found->count == WRITER_VALIDATE_FINDINGS_MAX)
        return;
    writer_validate_finding_t *f = &found->out[found->count++];
    f->kind = kind;
    va_list args;
    va_start (args, format);
    vsnprintf (f->detail, sizeof f->detail, format, args);
    va_end (args);
}

//  A marker KIS sets on a row of a corporate action: a code other than
//  none ("" or all zeros), or a ratio other than 0.
static bool
s_marked_code (const char *code)
{
    return *code && strspn (code, "0") != strlen (code);
}

static bool
s_marked_ratio (const char *ratio)
{
    int64_t v;
    return *ratio && (s_decimal (ratio, &v) || v != 0);
}

//  "YYYYMMDD" or "YYYY-MM-DD" against the session "YYYY-MM-DD".
static bool
s_same_day (const char *listing, const char *session)
{
    if (!listing || !session)
        return false;
    if (strlen (listing) == 8)
        return strlen (session) == 10 && strncmp (listing, session, 4) == 0 && strncmp (listing + 4, session + 5, 2) == 0
               && strncmp (listing + 6, session + 8, 2) == 0;
    return strcmp (listing, session) == 0;
}

//  The move rule: |change| / (close - change) over the limit.
static void
s_check_move (const writer_validate_conf_t *conf, const char *market, const char *const *values, size_t n,
              int64_t close, const char *listing_date, s_found_t *found)
{
    bool us = strcmp (market, "us") == 0;
    const s_names_t *names = us ? &s_us : &s_kr;
    int64_t change;
    const char *text = s_value (market, values, n, names->change);
    if (!*text || s_decimal (text, &change))
        return;   //  no change to compute from: nothing to say
    //  The direction is the sign field's when it has one (1 limit up, 2 up,
    //  3 flat, 4 limit down, 5 down): whether KIS signs the change itself is
    //  documented for KR and not for US.
    const char *sign = s_value (market, values, n, names->sign);
    int64_t size = change < 0 ? -change : change;
    if (strlen (sign) == 1 && *sign >= '1' && *sign <= '5')
        change = *sign <= '2' ? size : *sign == '3' ? 0 : -size;
    int64_t prev = close - change;
    if (prev <= 0)
        return;   //  no previous close (a first trade): the move is not defined
    long limit = us ? conf->us_move_pct : conf->kr_limit_pct;
    __int128 moved = (__int128) (change < 0 ? -change : change) * 100;
    if (moved <= (__int128) limit * prev)
        return;
    if (!us) {
        const char *lock = s_value (market, values, n, "flng_cls_code");
        const char *ratio = s_value (market, values, n, "prtt_rate");
        const char *reason = s_value (market, values, n, "revl_issu_reas");
        if (s_marked_code (lock) || s_marked_ratio (ratio) || s_marked_code (reason))
            return;   //  KIS says what happened: ex-rights, a split, a revaluation
    }
    const char *date = values[0];
    if (listing_date && *listing_date && s_same_day (listing_date, date))
        return;       //  the listing's first day: its base is the offer price
    double pct = (double) change * 100.0 / (double) prev;
    s_find (found, WRITER_VALIDATE_MOVE,
            "%s %+.1f%% from the previous close %.6g (%s %.*s) beyond %ld%%: possible split or corporate action",
            names->close, pct, (double) prev / S_SCALE, names->change, S_VALUE_SHOWN, text, limit);
}

size_t
writer_validate_row (const writer_validate_conf_t *conf, const char *market, const char *const *values, size_t n,
                     const char *listing_date, writer_validate_finding_t out[WRITER_VALIDATE_FINDINGS_MAX])
{
    const s_names_t *names = strcmp (market, "us") == 0 ? &s_us : &s_kr;
    s_found_t found = {.out = out};
    const char *volume_text = s_value (market, values, n, names->volume);
    int64_t volume = 0;
    bool volume_ok = s_decimal (volume_text, &volume) == 0 && volume % S_SCALE == 0 && volume >= 0;
    if (!volume_ok)
        s_find (&found, WRITER_VALIDATE_VOLUME, "%s \"%.*s\" is not a whole number >= 0", names->volume,
                S_VALUE_SHOWN, volume_text);
    //  A row without trades carries the previous close; its open, high and
    //  low are 0.
    bool traded = !volume_ok || volume > 0;
    const char *price_names[] = {names->close, names->open, names->high, names->low};
    int64_t price[4] = {0};
    bool prices_ok = true;
    for (size_t i = 0; i < (traded ? 4u : 1u); i++) {
        const char *text = s_value (market, values, n, price_names[i]);
        if (s_decimal (text, &price[i]) || price[i] <= 0) {
            s_find (&found, WRITER_VALIDATE_PRICE, "%s \"%.*s\" is not a price > 0%s", price_names[i], S_VALUE_SHOWN,
                    text, traded ? "" : " (a row without trades needs only its close)");
            prices_ok = false;
        }
    }
    if (traded && prices_ok) {
        int64_t close = price[0], open = price[1], high = price[2], low = price[3];
        if (!(low <= open && open <= high) || !(low <= close && close <= high))
            s_find (&found, WRITER_VALIDATE_RANGE, "not low <= open, close <= high: open %.6g high %.6g low %.6g close %.6g",
                    (double) open / S_SCALE, (double) high / S_SCALE, (double) low / S_SCALE,
                    (double) close / S_SCALE);
    }
    int64_t close;
    if (s_decimal (s_value (market, values, n, names->close), &close) == 0 && close > 0)
        s_check_move (conf, market, values, n, close, listing_date, &found);
    return found.count;
}

bool
writer_validate_conflict (const char *market, const char *const *first, const char *const *second, size_t n,
                          char *detail, size_t size)
{
    const s_names_t *names = strcmp (market, "us") == 0 ? &s_us : &s_kr;
    const char *const *cols;
    writer_csv_columns (market, &cols);
    for (size_t c = 0; c < names->day_columns && c < n; c++) {
        const char *a = first[c] ? first[c] : "", *b = second[c] ? second[c] : "";
        if (strcmp (a, b) != 0) {
            snprintf (detail, size, "arrived twice: %s \"%.*s\" kept, \"%.*s\" not", cols[c], S_VALUE_SHOWN, a,
                      S_VALUE_SHOWN, b);
            return true;
        }
    }
    return false;
}
