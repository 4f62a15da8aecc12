/*  test_wiki — finding the constituents table of a Wikipedia index article
    (common/sources/eod_wiki).

    The fixture pages in tests/data/wiki put other tables before the
    constituents table (an infobox, a "Symbol | Weight" table) and a table
    with the same columns after it (the S&P "changes" table, the Dow's
    former components), so a parser that picks by position or takes the
    last match fails. Cells hold links, footnotes, &nbsp; and raw U+00A0. */
#include "eod_test.h"

#include "eod_log.h"
#include "eod_wiki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURES EOD_SOURCE_DIR "/tests/data/wiki"
#define ERR_MAX 256

//  Reads a fixture into a new buffer (caller frees); NULL when unreadable.
static char *
s_slurp (const char *name, size_t *len)
{
    char path[512];
    snprintf (path, sizeof (path), "%s/%s", FIXTURES, name);
    FILE *f = fopen (path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    if (fseek (f, 0, SEEK_END) == 0) {
        long size = ftell (f);
        if (size > 0 && fseek (f, 0, SEEK_SET) == 0) {
            data = malloc ((size_t) size + 1);
            if (data && fread (data, 1, (size_t) size, f) == (size_t) size) {
                data[size] = '\0';
                *len = (size_t) size;
            }
            else {
                free (data);
                data = NULL;
            }
        }
    }
    fclose (f);
    return data;
}

//  Parses a fixture; returns the parse result, -2 when the file is missing.
static int
s_parse_fixture (const char *name, eod_wiki_table_t *t, char *err)
{
    size_t len = 0;
    char *html = s_slurp (name, &len);
    if (!html) {
        fprintf (stderr, "cannot read fixture %s\n", name);
        return -2;
    }
    int rc = eod_wiki_constituents (html, len, name, t, err, ERR_MAX);
    free (html);
    return rc;
}

//  The row whose symbol is sym, or NULL.
static const eod_wiki_row_t *
s_row (const eod_wiki_table_t *t, const char *sym)
{
    for (size_t i = 0; i < t->nrows; i++)
        if (strcmp (t->rows[i].symbol, sym) == 0)
            return &t->rows[i];
    return NULL;
}

static void
test_sp500 (void)
{
    eod_wiki_table_t t;
    char err[ERR_MAX];
    CHECK_INT (s_parse_fixture ("sp500.html", &t, err), 0);
    //  8 constituents; the row without a symbol is counted, not kept.
    CHECK_INT (t.nrows, 8);
    CHECK_INT (t.skipped, 1);
    if (t.nrows != 8) {
        eod_wiki_table_clear (&t);
        return;
    }
    //  Page order is kept.
    CHECK_STR (t.rows[0].symbol, "MMM");
    CHECK_STR (t.rows[0].company, "3M");
    CHECK_STR (t.rows[0].sector, "Industrials");
    CHECK_STR (t.rows[0].sub_industry, "Industrial Conglomerates");
    CHECK_STR (t.rows[1].symbol, "A");
    CHECK_STR (t.rows[7].symbol, "MSFT");

    //  Commas and entities kept as the page has them.
    const eod_wiki_row_t *r = s_row (&t, "AAPL");
    CHECK (r != NULL);
    if (r) {
        CHECK_STR (r->company, "Apple Inc.");
        CHECK_STR (r->sub_industry, "Technology Hardware, Storage & Peripherals");
    }
    //  &nbsp;, raw U+00A0, doubled spaces and newlines collapse to one space.
    r = s_row (&t, "AMZN");
    CHECK (r != NULL);
    if (r) {
        CHECK_STR (r->company, "Amazon Inc.");
        CHECK_STR (r->sector, "Consumer Discretionary");
        CHECK_STR (r->sub_industry, "Broadline Retail");
    }
    r = s_row (&t, "MSFT");
    CHECK (r && strcmp (r->company, "Microsoft Corporation") == 0);
    //  <sup class="reference"> and bare "[4]" footnotes removed.
    r = s_row (&t, "BRK.B");
    CHECK (r != NULL);
    if (r)
        CHECK_STR (r->company, "Berkshire Hathaway");
    r = s_row (&t, "BF.B");
    CHECK (r
           && strcmp (r->company, "Brown\xE2\x80\x93"
                                  "Forman")
                  == 0);
    //  A link surrounded by whitespace; text after the link kept.
    r = s_row (&t, "GOOGL");
    CHECK (r && strcmp (r->company, "Alphabet Inc. (Class A)") == 0);

    //  Neither the "Symbol | Weight" table before nor the changes table after.
    CHECK (s_row (&t, "NVDA") == NULL);
    CHECK (s_row (&t, "XYZ") == NULL);
    CHECK (s_row (&t, "DASH") == NULL);
    CHECK (s_row (&t, "^GSPC") == NULL);
    eod_wiki_table_clear (&t);
    CHECK (t.rows == NULL && t.nrows == 0);
    eod_wiki_table_clear (&t);   //  twice is safe
}

static void
test_nasdaq (void)
{
    eod_wiki_table_t t;
    char err[ERR_MAX];
    CHECK_INT (s_parse_fixture ("nasdaq100.html", &t, err), 0);
    CHECK_INT (t.nrows, 5);
    CHECK_INT (t.skipped, 0);
    if (t.nrows == 5) {
        //  Company | Ticker order: columns found by name, not position.
        CHECK_STR (t.rows[0].symbol, "AAPL");
        CHECK_STR (t.rows[0].company, "Apple Inc.");
        CHECK_STR (t.rows[0].sector, "Information Technology");
        CHECK_STR (t.rows[0].sub_industry, "Consumer Electronics");
        CHECK_STR (t.rows[3].symbol, "HON");
        CHECK_STR (t.rows[3].company, "Honeywell International");
        //  UTF-8 passes through (an em dash).
        CHECK_STR (t.rows[4].sub_industry, "Software\xE2\x80\x94Infrastructure");
    }
    eod_wiki_table_clear (&t);
}

static void
test_dow (void)
{
    eod_wiki_table_t t;
    char err[ERR_MAX];
    CHECK_INT (s_parse_fixture ("dow.html", &t, err), 0);
    //  "Symbol[1]" matched; the former-components table after is not taken.
    CHECK_INT (t.nrows, 6);
    CHECK (s_row (&t, "INTC") == NULL);
    if (t.nrows == 6) {
        //  Company cells are <th scope="row">; no GICS columns.
        CHECK_STR (t.rows[0].symbol, "MMM");
        CHECK_STR (t.rows[0].company, "3M");
        CHECK_STR (t.rows[0].sector, "");
        CHECK_STR (t.rows[0].sub_industry, "");
        CHECK_STR (t.rows[4].symbol, "TRV");
        CHECK_STR (t.rows[4].company, "Travelers");
        //  The hidden sort key is not part of the symbol.
        CHECK_STR (t.rows[5].symbol, "UNH");
        CHECK_STR (t.rows[5].company, "UnitedHealth Group");
    }
    eod_wiki_table_clear (&t);
}

static void
test_no_table (void)
{
    eod_wiki_table_t t;
    char err[ERR_MAX];
    CHECK_INT (s_parse_fixture ("no_table.html", &t, err), -1);
    CHECK_STR (err, "no table with a Symbol/Ticker and a Security/Company header in no_table.html");
    CHECK (t.rows == NULL && t.nrows == 0);

    //  Not HTML at all, and nothing: errors, not crashes.
    const char *junk = "\x01\x02 not a page {]";
    CHECK_INT (eod_wiki_constituents (junk, strlen (junk), "junk", &t, err, sizeof (err)), -1);
    CHECK (strstr (err, "junk") != NULL);
    CHECK_INT (eod_wiki_constituents ("", 0, "empty", &t, err, sizeof (err)), -1);
    CHECK (strstr (err, "empty") != NULL);
    CHECK (t.rows == NULL && t.nrows == 0);
}

static void
test_inline_cases (void)
{
    eod_wiki_table_t t;
    char err[ERR_MAX];
    //  colspan shifts the columns; lower-case names; footnote <sup>s go
    //  whole, even when their text is not bracketed.
    const char *spans = "<table><tr><th colspan=\"2\">security</th>"
                        "<th>TICKER<sup class=\"reference\">note 9</sup></th>"
                        "<th>Gics sub-industry</th></tr>"
                        "<tr><td>Apple<sup class=\"reference\"><a href=\"#n\">\xE2\x80\xA0</a></sup></td>"
                        "<td>Inc</td><td>aapl</td><td>Consumer Electronics</td></tr>"
                        "<tr><td colspan=\"2\">Microsoft</td><td>MSFT</td><td>Systems Software</td></tr>"
                        "<tr><td>Short row</td></tr>"
                        "</table>";
    CHECK_INT (eod_wiki_constituents (spans, strlen (spans), "spans", &t, err, sizeof (err)), 0);
    CHECK_INT (t.nrows, 2);
    CHECK_INT (t.skipped, 1);
    if (t.nrows == 2) {
        CHECK_STR (t.rows[0].symbol, "aapl");
        CHECK_STR (t.rows[0].company, "Apple");
        CHECK_STR (t.rows[0].sector, "");
        CHECK_STR (t.rows[0].sub_industry, "Consumer Electronics");
        CHECK_STR (t.rows[1].symbol, "MSFT");
        CHECK_STR (t.rows[1].company, "Microsoft");
    }
    eod_wiki_table_clear (&t);

    //  The real table nested in a layout table; the nested table's rows are
    //  not the layout table's; brackets that are not footnotes stay.
    const char *nested = "<html><body><table><tr><th>Layout</th></tr><tr><td>"
                         "<table><tr><th>Symbol</th><th>Company</th></tr>"
                         "<tr><td>X</td><td>X Corp [Class A/B] [12]</td></tr></table>"
                         "</td></tr></table></body></html>";
    CHECK_INT (eod_wiki_constituents (nested, strlen (nested), "nested", &t, err, sizeof (err)), 0);
    CHECK_INT (t.nrows, 1);
    if (t.nrows == 1) {
        CHECK_STR (t.rows[0].symbol, "X");
        CHECK_STR (t.rows[0].company, "X Corp [Class A/B]");
    }
    eod_wiki_table_clear (&t);

    //  A header row and no data: 0 rows, not an error.
    const char *empty = "<table><tr><th>Symbol</th><th>Security</th></tr></table>";
    CHECK_INT (eod_wiki_constituents (empty, strlen (empty), "bare", &t, err, sizeof (err)), 0);
    CHECK_INT (t.nrows, 0);
    eod_wiki_table_clear (&t);
}

int
main (void)
{
    eod_log_init ("test_wiki");
    test_sp500 ();
    test_nasdaq ();
    test_dow ();
    test_no_table ();
    test_inline_cases ();
    return EOD_TEST_DONE ();
}
