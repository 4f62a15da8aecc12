/*  fuzz_wiki — libFuzzer target for the Wikipedia table finder of common/
    (eod_wiki_constituents).

    The lister hands the HTML of three Wikipedia articles to the table
    finder; a page is outside data that editors change every day, so any
    bytes must give a table or an error, never a crash. The target checks the
    contract of eod_wiki.h on what comes back: on success every row has four
    non-NULL strings and a non-empty symbol, each string cleaned (trimmed,
    no white-space runs, no TAB/LF/CR/FF/VT, no no-break space) and valid
    UTF-8; on failure the table is empty and err says why. Clearing the
    table twice must be safe. A broken promise aborts, which libFuzzer
    reports as a crash with the input saved. */
#include "eod_wiki.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_ERR_LEN 200

static void
s_fail (const char *what, size_t row, const char *text)
{
    fprintf (stderr, "fuzz_wiki: %s (row %zu): \"%s\"\n", what, row, text ? text : "(null)");
    abort ();
}

//  Valid UTF-8 (no overlong forms or surrogates are checked for: the bytes
//  are libxml2's, only their framing is ours).
static bool
s_utf8_ok (const char *s)
{
    const unsigned char *p = (const unsigned char *) s;
    while (*p) {
        size_t extra;
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
        for (size_t i = 1; i <= extra; i++)
            if ((p[i] & 0xc0) != 0x80)
                return false;
        p += extra + 1;
    }
    return true;
}

//  Cleaned as eod_wiki.h says.
static bool
s_clean_ok (const char *s)
{
    size_t n = strlen (s);
    if (n > 0 && (s[0] == ' ' || s[n - 1] == ' '))
        return false;
    if (strstr (s, "  ") || strpbrk (s, "\t\n\r\f\v"))
        return false;
    if (strstr (s, "\xc2\xa0") || strstr (s, "\xe2\x80\xaf"))
        return false;
    return true;
}

static void
s_check_text (const char *what, size_t row, const char *text)
{
    if (!text)
        s_fail (what, row, NULL);
    if (!s_utf8_ok (text))
        s_fail ("not UTF-8", row, text);
    if (!s_clean_ok (text))
        s_fail ("not cleaned", row, text);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    //  libFuzzer hands over a heap copy of exactly size bytes: the page is
    //  not NUL-terminated, as a downloaded body need not be.
    eod_wiki_table_t table;
    memset (&table, 0xa5, sizeof table);   //  overwritten, never read
    char *err = malloc (S_ERR_LEN);
    if (!err)
        return 0;
    memset (err, 'x', S_ERR_LEN);
    int rc = eod_wiki_constituents ((const char *) data, size, "fuzz.html", &table, err, S_ERR_LEN);
    if (!memchr (err, '\0', S_ERR_LEN))
        s_fail ("err not terminated", 0, NULL);
    if (rc == 0) {
        if ((table.rows == NULL) != (table.nrows == 0))
            s_fail ("rows pointer does not match nrows", table.nrows, NULL);
        for (size_t i = 0; i < table.nrows; i++) {
            const eod_wiki_row_t *row = &table.rows[i];
            s_check_text ("NULL symbol", i, row->symbol);
            s_check_text ("NULL company", i, row->company);
            s_check_text ("NULL sector", i, row->sector);
            s_check_text ("NULL sub-industry", i, row->sub_industry);
            if (row->symbol[0] == '\0')
                s_fail ("empty symbol", i, row->company);
        }
    }
    else {
        if (rc != -1)
            s_fail ("return value is neither 0 nor -1", 0, NULL);
        if (table.rows || table.nrows || table.skipped)
            s_fail ("a failure left rows in the table", table.nrows, NULL);
        if (err[0] == '\0')
            s_fail ("a failure without a reason", 0, NULL);
    }
    eod_wiki_table_clear (&table);
    eod_wiki_table_clear (&table);
    if (table.rows || table.nrows || table.skipped)
        s_fail ("clear left rows in the table", table.nrows, NULL);
    free (err);
    return 0;
}
