/*  test_kis_chart — the parser of FHKST03010100 daily bars
    (common/kis/kis_chart.c) on stored bodies: the portal example, an unknown
    code, a holiday range, values of every JSON type, rows rejected. */
#include "eod_test.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "kis_fixtures.h"

#include <stdlib.h>

static void
test_chart_portal (void)
{
    size_t len;
    char *body = kis_fixture ("chart_portal.json", &len);
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 99;
    eod_kis_reply_t r;
    CHECK_INT (eod_kis_parse_chart (200, body, len, &output1, &rows, &nrows, &r), EOD_KIS_OK);
    CHECK_INT (r.status, EOD_KIS_OK);
    CHECK_INT (r.http_status, 200);
    CHECK_STR (r.msg_cd, "MCA00000");
    CHECK_STR (r.msg1, "정상처리 되었습니다.");
    CHECK_STR (r.error, "");
    CHECK_INT (nrows, 2);
    CHECK_STR (eod_fields_get (&output1, "hts_kor_isnm"), "SK하이닉스");
    CHECK_STR (eod_fields_get (&output1, "stck_prpr"), "112000");
    CHECK_STR (eod_fields_get (&output1, "itewhol_loan_rmnd_ratem name"), "0.17");
    CHECK_INT (output1.count, 30);
    CHECK_STR (output1.items[0].key, "prdy_vrss");
    if (nrows == 2) {
        //  Every output2 field, in the order sent.
        static const char *keys[] = {"stck_bsop_date", "stck_clpr",    "stck_oprc",     "stck_hgpr", "stck_lwpr",
                                     "acml_vol",       "acml_tr_pbmn", "flng_cls_code", "prtt_rate", "mod_yn",
                                     "prdy_vrss_sign", "prdy_vrss",    "revl_issu_reas"};
        CHECK_INT (rows[0].count, 13);
        for (size_t i = 0; i < rows[0].count && i < 13; i++)
            CHECK_STR (rows[0].items[i].key, keys[i]);
        CHECK_STR (eod_fields_get (&rows[0], "stck_bsop_date"), "20220509");
        CHECK_STR (eod_fields_get (&rows[0], "acml_tr_pbmn"), "237914727500");
        CHECK_STR (eod_fields_get (&rows[0], "revl_issu_reas"), "");
        CHECK_STR (eod_fields_get (&rows[1], "stck_bsop_date"), "20220506");
        CHECK_STR (eod_fields_get (&rows[1], "prdy_vrss"), "-1600");
    }
    eod_fields_array_free (&rows, nrows);
    CHECK (rows == NULL);
    //  Success is rt_cd "0" whatever the HTTP status.
    CHECK_INT (eod_kis_parse_chart (500, body, len, &output1, &rows, &nrows, &r), EOD_KIS_OK);
    CHECK_INT (nrows, 2);
    eod_fields_array_free (&rows, nrows);
    CHECK (rows == NULL);

    //  The same body cut in the middle is malformed JSON: retry.
    CHECK_INT (eod_kis_parse_chart (200, body, len / 2, &output1, &rows, &nrows, &r), EOD_KIS_RETRYABLE);
    CHECK_INT (nrows, 0);
    CHECK (rows == NULL);
    CHECK_INT (output1.count, 0);
    CHECK (strstr (r.error, "malformed JSON") != NULL);
    CHECK (strstr (r.error, "FHKST03010100") != NULL);
    eod_fields_clear (&output1);
    free (body);
}

static void
test_chart_nodata (void)
{
    size_t len;
    char *body = kis_fixture ("chart_unknown_symbol.json", &len);
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    //  output2:[{}] with a zeroed snapshot: unknown symbol, not an error code.
    CHECK_INT (eod_kis_parse_chart (200, body, len, &output1, &rows, &nrows, &r), EOD_KIS_UNKNOWN_SYMBOL);
    CHECK_INT (nrows, 0);
    CHECK (rows == NULL);
    CHECK_STR (eod_fields_get (&output1, "stck_prpr"), "0");
    CHECK_STR (eod_kis_status_name (r.status), "unknown_symbol");
    free (body);

    body = kis_fixture ("chart_holiday_range.json", &len);
    CHECK_INT (eod_kis_parse_chart (200, body, len, &output1, &rows, &nrows, &r), EOD_KIS_NODATA);
    CHECK_INT (nrows, 0);
    CHECK_STR (eod_fields_get (&output1, "stck_prpr"), "112000");
    CHECK_STR (eod_kis_status_name (r.status), "nodata");
    eod_fields_clear (&output1);
    free (body);
}

static void
test_chart_types (void)
{
    size_t len;
    char *body = kis_fixture ("chart_mixed_types.json", &len);
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    CHECK_INT (eod_kis_parse_chart (200, body, len, &output1, &rows, &nrows, &r), EOD_KIS_OK);
    //  Numbers become text; an object field is left out of output1.
    CHECK_STR (eod_fields_get (&output1, "stck_prpr"), "112000");
    CHECK_STR (eod_fields_get (&output1, "per"), "7.65");
    CHECK (eod_fields_get (&output1, "odd") == NULL);
    //  Of three rows, one is kept: an object value and a dashed date reject theirs.
    CHECK_INT (nrows, 1);
    if (nrows == 1) {
        CHECK_STR (eod_fields_get (&rows[0], "stck_clpr"), "107500");
        CHECK_STR (eod_fields_get (&rows[0], "prtt_rate"), "0.5");
        CHECK_STR (eod_fields_get (&rows[0], "revl_issu_reas"), "");
    }
    CHECK (strstr (r.error, "2 row(s) rejected") != NULL);
    CHECK (strstr (r.error, "stck_clpr is an object") != NULL);
    eod_fields_array_free (&rows, nrows);
    free (body);

    //  A numeric date is converted and kept; a date that is an object and an
    //  element that is not an object are rejected; blank dates are placeholders.
    const char *odd = "{\"rt_cd\":\"0\",\"output1\":{\"stck_prpr\":\"5\"},\"output2\":["
                      "{\"stck_bsop_date\":20220509,\"stck_clpr\":\"1\"},{\"stck_bsop_date\":{}},\"x\","
                      "{\"stck_bsop_date\":\"  \"}]}";
    CHECK_INT (eod_kis_parse_chart (200, odd, strlen (odd), &output1, &rows, &nrows, &r), EOD_KIS_OK);
    CHECK_INT (nrows, 1);
    if (nrows == 1)
        CHECK_STR (eod_fields_get (&rows[0], "stck_bsop_date"), "20220509");
    CHECK (strstr (r.error, "2 row(s) rejected, first: output2[1] stck_bsop_date is an object") != NULL);
    eod_fields_array_free (&rows, nrows);

    //  Only unusable rows: not a quiet holiday range.
    const char *bad = "{\"rt_cd\":\"0\",\"output2\":[{\"stck_bsop_date\":\"2022-05-09\"}]}";
    CHECK_INT (eod_kis_parse_chart (200, bad, strlen (bad), &output1, &rows, &nrows, &r), EOD_KIS_RETRYABLE);
    CHECK_INT (nrows, 0);
    CHECK (strstr (r.error, "no usable row") != NULL);
    eod_fields_clear (&output1);
}

int
main (void)
{
    eod_log_init ("test_kis_chart");
    test_chart_portal ();
    test_chart_nodata ();
    test_chart_types ();
    return EOD_TEST_DONE ();
}
