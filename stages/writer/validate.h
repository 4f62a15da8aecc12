/*  writer validate — the rules every row of a run is checked against before
    its file is closed. Pure functions over one row's values (the CSV columns
    of writer_csv.c, as strings); the fold (spool.c, compact.c) calls them and
    anomalies.c keeps what they find. No rule drops a row: a row that breaks
    one is written as KIS sent it, and the finding is reported.

    The rules and where they come from:

      price      every price of a row is a number > 0 (KR stck_clpr/oprc/hgpr/
                 lwpr, US clos/open/high/low); a row without trades (volume
                 0: KIS sends open, high and low 0, mod_yn Y) needs only its
                 close > 0, the previous close carried.
      range      low <= open <= high and low <= close <= high: the bar's own
                 definition. Skipped for a row without trades.
      volume     the day's volume (acml_vol, tvol) is a whole number >= 0.
      move       the change from the previous close larger than the market
                 allows, computed from the row's own change field (KR
                 prdy_vrss, US diff: previous close = close - change), so an
                 adjusted or unadjusted price in another file does not matter.
                 KR: KRX's daily limit, +-30 % of the base price since
                 2015-06-15 ([validate] kr_limit_pct; a limit move rounds to a
                 tick inside it, so exactly 30 % is allowed). US has no daily
                 limit: [validate] us_move_pct. Flagged as a possible split or
                 corporate action unless KIS marks the row itself (KR
                 flng_cls_code other than 00, ex-rights/dividend; prtt_rate
                 other than 0, a split ratio; revl_issu_reas other than 00, a
                 revaluation) or the row is the listing's first day (KR
                 master file listing date), whose base price is the offer
                 price and whose limits are wider.
      wrong_date a row the fetcher dropped because its date is outside the
                 request, or a row whose date is not a date (anomalies.c).
      conflict   the same (date, code) arriving twice in a run with different
                 values of the day (output2): the first is kept (compact.c).
      xcheck     the row's open, high, low, close, volume or value differs
                 from the multi-stock quote of its session beyond the
                 field's tolerance (xcheck.h; daily KR runs).

    Amounts are compared as exact decimals (scaled integers), never as
    floating point, so a boundary is a boundary. */
#ifndef WRITER_VALIDATE_H
#define WRITER_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    WRITER_VALIDATE_PRICE = 0,
    WRITER_VALIDATE_RANGE,
    WRITER_VALIDATE_VOLUME,
    WRITER_VALIDATE_MOVE,
    WRITER_VALIDATE_WRONG_DATE,
    WRITER_VALIDATE_CONFLICT,
    WRITER_VALIDATE_XCHECK,   //  the row and its multi-stock quote disagree (xcheck.h)
    WRITER_VALIDATE_KINDS
} writer_validate_kind_t;

#define WRITER_VALIDATE_FINDINGS_MAX 8   //  findings one row can have
#define WRITER_VALIDATE_DETAIL_MAX 160   //  bytes of a finding's detail, NUL included

typedef struct {
    long kr_limit_pct;   //  [validate] kr_limit_pct
    long us_move_pct;    //  [validate] us_move_pct
} writer_validate_conf_t;

typedef struct {
    writer_validate_kind_t kind;
    char detail[WRITER_VALIDATE_DETAIL_MAX];
} writer_validate_finding_t;

//  The rules over one row of market ("us"; anything else is KR): values are
//  the market's columns in order (n of them, writer_csv_columns), date its
//  session (YYYY-MM-DD), listing_date the instrument's first day (YYYYMMDD
//  or YYYY-MM-DD; NULL or "": not known). Findings into out, in the order of
//  the rules; returns how many (0: a clean row).
size_t writer_validate_row (const writer_validate_conf_t *conf, const char *market, const char *const *values, size_t n,
                            const char *listing_date, writer_validate_finding_t out[WRITER_VALIDATE_FINDINGS_MAX]);

//  Whether two rows of the same (date, code) disagree on a value of the day
//  (the output2 columns). When they do, detail names the first column that
//  differs and both values.
bool writer_validate_conflict (const char *market, const char *const *first, const char *const *second, size_t n,
                               char *detail, size_t size);

//  A kind's name as the sidecar and the metrics write it ("price", "range",
//  "volume", "move", "wrong_date", "conflict"); "?" out of range.
const char *writer_validate_kind_name (writer_validate_kind_t kind);

//  The kind of a name, or WRITER_VALIDATE_KINDS when it is none.
writer_validate_kind_t writer_validate_kind_parse (const char *name);

#endif
