/*  test_kis_overseas — the parser of HHDFS76240000 overseas daily bars
    (common/kis/kis_overseas.c): rows cut to nrec, an unknown symbol (empty
    nrec), an nrec that is not a count. */
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

int
main (void)
{
    eod_log_init ("test_kis_overseas");
    test_overseas_parse ();
    test_overseas_nrec ();
    return EOD_TEST_DONE ();
}
