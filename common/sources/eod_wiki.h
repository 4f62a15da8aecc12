/*  eod_wiki — the constituents table of a Wikipedia index article.

    The lister stage builds the US universe from the S&P 500, NASDAQ-100 and
    Dow 30 articles (DESIGN.md "Markets and dates"). It downloads each page,
    hands the HTML to eod_wiki_constituents and merges the rows in
    stages/lister/us_universe. The reference pipeline picked tables by their
    position on the page, which broke every time an editor added an infobox
    or a table above; here a table is found by its header row: the first
    table that names a symbol column and a company column is the one.

    Parsing uses libxml2's forgiving HTML parser, so a malformed page never
    aborts: it yields a table, or an error that names the page. */
#ifndef EOD_WIKI_H
#define EOD_WIKI_H

#include <stddef.h>

//  One constituent. Every string is owned by the table, UTF-8, cleaned
//  (footnotes removed, no-break spaces turned into spaces, whitespace
//  collapsed and trimmed) and never NULL: a column the table lacks is "".
//  The symbol is as the page writes it ("BRK.B"), never "".
typedef struct {
    char *symbol;
    char *company;
    char *sector;         //  "GICS Sector"
    char *sub_industry;   //  "GICS Sub-Industry"
} eod_wiki_row_t;

//  The rows of one constituents table, in page order.
typedef struct {
    eod_wiki_row_t *rows;
    size_t nrows;
    size_t skipped;   //  data rows without a symbol, logged and left out
} eod_wiki_table_t;

//  Finds the constituents table in the HTML page html[0..len) and copies its
//  rows into *out (which is overwritten, not freed: clear it first when it
//  holds a table). The table is the FIRST <table> whose header row (its
//  first row holding a <th> cell, in <thead> or not) has a column named
//  "Symbol" or "Ticker" and one named "Security" or "Company"; names are
//  compared case-insensitively after the cleaning above, so "Symbol[1]"
//  matches. "GICS Sector" and "GICS Sub-Industry" are optional. A later
//  table with the same columns (the "changes" table) is never looked at.
//  Cell text is all descendant text less <sup class="reference"> markers,
//  bracketed footnote text ("[1]", "[a]", "[note 2]"), hidden sort keys and
//  <style>/<script>; colspan is honoured, rowspan is not. Data rows with an
//  empty symbol are counted in out->skipped and logged with source.
//  source names the page in messages (a URL or a file name).
//  Returns 0 (out->nrows may be 0 for a table without data rows), or -1
//  with out empty and err (if not NULL) saying why: "no table with a
//  Symbol/Ticker and a Security/Company header in <source>", a page that is
//  not HTML, or no memory.
int eod_wiki_constituents (const char *html, size_t len, const char *source, eod_wiki_table_t *out, char *err,
                           size_t errlen);

//  Frees every row of t; t is empty and reusable afterwards. Safe on an
//  empty or already cleared table.
void eod_wiki_table_clear (eod_wiki_table_t *t);

#endif
