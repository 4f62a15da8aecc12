/*  lister us_universe — which US symbols the pipeline fetches, and from
    which exchange.

    The lister builds the US universe (DESIGN.md "Markets and dates") from
    three sources: the S&P 500, NASDAQ-100 and Dow 30 constituents tables
    (common/sources/eod_wiki), the extra tickers of config/us_extra_tickers.txt, and
    the KIS overseas masters nasmst/nysmst/amsmst.cod (common/sources/eod_master),
    which give each symbol its EXCD (NAS/NYS/AMS) and names. The result is
    one row per symbol, sorted, carrying the index flags and GICS fields the
    reference pipeline wrote into us_market_stock_*.csv; its rows become the
    lister's US TASKs. A symbol no master knows has no exchange and cannot
    be fetched: it stays in the universe and us_universe_absent names it, so
    the lister reports it instead of dropping it silently.

    Symbols are kept in the KIS spelling ("BRK/B", not Wikipedia's "BRK.B").
    GICS Sub-Industry is kept as the page has it (commas included): the CSV
    writer quotes, where the reference replaced "," with " -". */
#ifndef LISTER_US_UNIVERSE_H
#define LISTER_US_UNIVERSE_H

#include <stdbool.h>
#include <stddef.h>

#include "eod_master.h"
#include "eod_wiki.h"

//  The names add_index takes for its three tables.
#define US_UNIVERSE_SP500 "S&P500"
#define US_UNIVERSE_NAS100 "NAS100"
#define US_UNIVERSE_DOW30 "DOW30"

#define US_SYMBOL_MAX 24

//  One instrument. Strings are NUL-terminated UTF-8, "" when unknown, cut
//  at a character boundary when longer than their buffer.
typedef struct {
    char symbol[US_SYMBOL_MAX];   //  KIS form (BRK/B), via eod_us_symbol_to_kis
    bool sp500, nas100, dow30;
    //  From the first index that has them, in the order S&P 500, NASDAQ-100,
    //  Dow 30 (whatever order the tables were added in); field by field.
    char company[160], sector[96], sub_industry[160];
    char exchange_code[4];   //  NAS/NYS/AMS from the .cod masters, "" when absent
    char exchange_name[48], korea_name[128], english_name[128], security_type[4];
    bool extra;   //  listed in the extra tickers file
} us_instrument_t;

typedef struct _us_universe_t us_universe_t;

//  Creates an empty universe; NULL when out of memory.
us_universe_t *us_universe_new (void);

//  Destroys the universe and nulls *self_p; safe on NULL and twice.
void us_universe_destroy (us_universe_t **self_p);

//  Adds the rows of one index table (which: US_UNIVERSE_SP500 | _NAS100 |
//  _DOW30); table is borrowed. Symbols are mapped to the KIS form; for a
//  symbol already present the index flag is set and any field it still
//  lacks is filled. A symbol that is too long or holds characters other
//  than letters, digits, '.', '-' and '/' is logged with the index and row
//  and skipped. Returns 0, or -1 for an unknown which (logged) or no memory.
int us_universe_add_index (us_universe_t *self, const char *which, const eod_wiki_table_t *table);

//  Adds the extra tickers from the text file at path: one ticker a line,
//  '#' starts a comment (whole line or after the ticker), blank lines are
//  skipped; a ticker is 1..23 letters, digits, '.', '-' or '/' (mapped to
//  the KIS form, so "brk.b" is BRK/B). The file is read whole before
//  anything is added, so on error the universe is unchanged. Returns 0, or
//  -1 with err (if not NULL) naming "path:line" and the bad ticker, or the
//  path and the reason it could not be read.
int us_universe_add_extras (us_universe_t *self, const char *path, char *err, size_t errlen);

//  Feeds one .cod record (rec borrowed). When its symbol (mapped to the KIS
//  form) is in the universe and has no exchange yet, fills exchange_code,
//  exchange_name, korea_name, english_name and security_type. A symbol
//  found again in another master keeps the first (logged). Records of
//  symbols outside the universe are ignored; a record whose exchange code
//  is not 1..3 letters is logged with its line and skipped.
void us_universe_add_master (us_universe_t *self, const eod_cod_record_t *rec);

//  Number of instruments.
size_t us_universe_count (const us_universe_t *self);

//  The i-th instrument in symbol order (strcmp), borrowed until the next
//  add; NULL when i >= count.
const us_instrument_t *us_universe_at (const us_universe_t *self, size_t i);

//  Writes up to max symbols (borrowed, until the next add) of the
//  instruments without an exchange into symbols, in symbol order, and
//  returns how many there are in all (which may exceed max; symbols may be
//  NULL when max is 0).
size_t us_universe_absent (const us_universe_t *self, const char **symbols, size_t max);

//  The CSV spelling of an index flag: "1" or "0" (a static string).
const char *us_flag (bool b);

#endif
