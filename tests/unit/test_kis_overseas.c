/*  test_kis_overseas — the parser of HHDFS76240000 overseas daily bars
    (common/kis/kis_overseas.c): rows cut to nrec, an unknown symbol (empty
    nrec), an nrec that is not a count; and whether a range needs the next
    page of a paged answer (tr_cont), with that page's BYMD. */
#include "eod_test.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "kis_fixtures.h"

#include <stdlib.h>
#include <string.h>

static void
test_overseas_parse (void)
{
    size_t len;
    char *body = kis_fixture ("overseas_nrec2.json", &len);
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    CHECK_INT (eod_kis_parse_overseas (200, body, len, &output1, &rows, &nrows, &r), EOD_KIS_OK);
    CHECK_INT (nrows, 2);   //  three rows sent, nrec says two
    CHECK_STR (eod_fields_get (&output1, "rsym"), "DNASAAPL");
    CHECK_STR (eod_fields_get (&output1, "zdiv"), "4");
    CHECK_STR (eod_fields_get (&output1, "nrec"), "2");
    if (nrows == 2) {
        CHECK_STR (eod_fields_get (&rows[0], "xymd"), "20260109");
        CHECK_STR (eod_fields_get (&rows[0], "clos"), "259.3700");
        CHECK_STR (rows[0].items[0].key, "xymd");
        CHECK_INT (rows[0].count, 14);
        CHECK_STR (eod_fields_get (&rows[1], "xymd"), "20260108");
    }
    eod_fields_array_free (&rows, nrows);
    free (body);

    body = kis_fixture ("overseas_unknown.json", &len);
    CHECK_INT (eod_kis_parse_overseas (200, body, len, &output1, &rows, &nrows, &r), EOD_KIS_UNKNOWN_SYMBOL);
    CHECK_INT (nrows, 0);
    CHECK (rows == NULL);
    eod_fields_clear (&output1);
    free (body);
}

static void
test_overseas_nrec (void)
{
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    //  An nrec that is not a count leaves the rows as sent.
    const char *odd = "{\"rt_cd\":\"0\",\"output1\":{\"nrec\":\"x\"},\"output2\":[{\"xymd\":\"20260109\"},"
                      "{\"xymd\":\"20260108\"}]}";
    CHECK_INT (eod_kis_parse_overseas (200, odd, strlen (odd), &output1, &rows, &nrows, &r), EOD_KIS_OK);
    CHECK_INT (nrows, 2);
    eod_fields_array_free (&rows, nrows);
    //  nrec 0 (padded): no row is kept.
    const char *none = "{\"rt_cd\":\"0\",\"output1\":{\"nrec\":\" 0 \"},\"output2\":[{\"xymd\":\"20260109\"}]}";
    CHECK_INT (eod_kis_parse_overseas (200, none, strlen (none), &output1, &rows, &nrows, &r), EOD_KIS_NODATA);
    CHECK_INT (nrows, 0);
    CHECK (rows == NULL);
    //  A blank nrec: unknown on that exchange, whatever rows came.
    const char *blank = "{\"rt_cd\":\"0\",\"output1\":{\"nrec\":\"  \"},\"output2\":[{\"xymd\":\"20260109\"}]}";
    CHECK_INT (eod_kis_parse_overseas (200, blank, strlen (blank), &output1, &rows, &nrows, &r),
               EOD_KIS_UNKNOWN_SYMBOL);
    CHECK (rows == NULL && nrows == 0);
    eod_fields_clear (&output1);
}

//  A reply with tr_cont and rows dated dates (n of them).
static void
s_reply (eod_kis_reply_t *r, const char *tr_cont, eod_fields_t *rows, const char *const *dates, size_t n)
{
    memset (r, 0, sizeof *r);
    r->status = EOD_KIS_OK;
    snprintf (r->tr_cont, sizeof r->tr_cont, "%s", tr_cont);
    for (size_t i = 0; i < n; i++) {
        rows[i] = (eod_fields_t) EOD_FIELDS_INIT;
        eod_fields_set (&rows[i], "xymd", dates[i]);
    }
}

//  Whether a range needs the next page, and its BYMD.
static void
test_overseas_more (void)
{
    eod_kis_reply_t r;
    eod_fields_t rows[4];
    char next[9];
    const char *page[] = {"20240830", "20240829", "20240828", "20240827"};
    //  More follows (M or F) and the range starts before the oldest row.
    s_reply (&r, "M", rows, page, 4);
    CHECK (eod_kis_overseas_more (&r, rows, 4, "20240801", next));
    CHECK_STR (next, "20240826");
    for (size_t j = 0; j < 4; j++)
        eod_fields_clear (&rows[j]);
    s_reply (&r, "F", rows, page, 4);
    CHECK (eod_kis_overseas_more (&r, rows, 4, "20240801", next));
    //  The range is covered: no page more, whatever tr_cont says.
    CHECK (!eod_kis_overseas_more (&r, rows, 4, "20240827", next));
    CHECK_STR (next, "");
    CHECK (!eod_kis_overseas_more (&r, rows, 4, "20240828", next));
    //  The last page (D, E) or no header.
    const char *last[] = {"D", "E", "", "N"};
    for (size_t i = 0; i < 4; i++) {
        for (size_t j = 0; j < 4; j++)
            eod_fields_clear (&rows[j]);
        s_reply (&r, last[i], rows, page, 4);
        CHECK (!eod_kis_overseas_more (&r, rows, 4, "20240801", next));
    }
    //  An error, no rows, rows out of order (the oldest is found), a month
    //  and a year boundary.
    r.status = EOD_KIS_RETRYABLE;
    snprintf (r.tr_cont, sizeof r.tr_cont, "M");
    CHECK (!eod_kis_overseas_more (&r, rows, 4, "20240801", next));
    r.status = EOD_KIS_OK;
    CHECK (!eod_kis_overseas_more (&r, rows, 0, "20240801", next));
    for (size_t j = 0; j < 4; j++)
        eod_fields_clear (&rows[j]);
    const char *mixed[] = {"20240301", "20240229", "20240304", "not-a-day"};
    s_reply (&r, "M", rows, mixed, 4);
    CHECK (eod_kis_overseas_more (&r, rows, 4, "20240101", next));
    CHECK_STR (next, "20240228");
    for (size_t j = 0; j < 4; j++)
        eod_fields_clear (&rows[j]);
    const char *newyear[] = {"20240102"};
    s_reply (&r, "M", rows, newyear, 1);
    CHECK (eod_kis_overseas_more (&r, rows, 1, "20231201", next));
    CHECK_STR (next, "20240101");
    eod_fields_clear (&rows[0]);
    CHECK (!eod_kis_overseas_more (NULL, rows, 0, "20240801", next));
}

int
main (void)
{
    eod_log_init ("test_kis_overseas");
    test_overseas_parse ();
    test_overseas_nrec ();
    test_overseas_more ();
    return EOD_TEST_DONE ();
}
