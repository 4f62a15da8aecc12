/*  test_kis_holiday — the parser of one CTCA0903R chk-holiday page
    (common/kis/kis_holiday.c): the days in order with their open flag, the
    continuation keys kept padded, an empty page, keys too long, an output
    that is not a list. */
#include "eod_test.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "kis_fixtures.h"

#include <stdlib.h>

static void
test_holidays_parse (void)
{
    size_t len;
    char *body = kis_fixture ("holiday_page1.json", &len);
    kis_days_t d = {.in_order = true};
    eod_kis_ctx_t ctx;
    int days = 0;
    eod_kis_reply_t r;
    CHECK_INT (eod_kis_parse_holidays (200, body, len, kis_on_day, &d, &ctx, &days, &r), EOD_KIS_OK);
    CHECK_INT (days, 24);
    CHECK_INT (d.days, 24);
    CHECK_INT (d.open, 18);
    CHECK_STR (d.first, "20260105");
    CHECK_STR (d.last, "20260128");
    CHECK (d.in_order);
    CHECK (!d.jan10_open);
    //  Continuation keys stay padded: the next request sends them as received.
    CHECK_STR (ctx.ctx_area_fk, "20260105            ");
    CHECK_STR (ctx.ctx_area_nk, "20260128            ");
    CHECK_STR (r.msg_cd, "KIOK0500");
    CHECK_STR (r.msg1, "조회가 계속됩니다..다음버튼을 Click 하십시오.");
    free (body);

    const char *none =
        "{\"ctx_area_nk\":\"\",\"ctx_area_fk\":\"\",\"output\":[],\"rt_cd\":\"0\",\"msg_cd\":\"KIOK0510\","
        "\"msg1\":\"\"}";
    CHECK_INT (eod_kis_parse_holidays (200, none, strlen (none), kis_on_day, &d, &ctx, &days, &r), EOD_KIS_NODATA);
    CHECK_INT (days, 0);
}

static void
test_holidays_odd (void)
{
    kis_days_t d = {.in_order = true};
    eod_kis_ctx_t ctx;
    int days = 0;
    eod_kis_reply_t r;
    //  A day without a YYYYMMDD date is skipped; an opnd_yn other than Y is closed.
    const char *odd = "{\"rt_cd\":\"0\",\"output\":[{\"bass_dt\":\"2026-01-05\",\"opnd_yn\":\"Y\"},"
                      "{\"bass_dt\":\"20260106\",\"opnd_yn\":\"X\"},\"x\","
                      "{\"bass_dt\":\"20260107\",\"opnd_yn\":\"Y\"}]}";
    CHECK_INT (eod_kis_parse_holidays (200, odd, strlen (odd), kis_on_day, &d, &ctx, &days, &r), EOD_KIS_OK);
    CHECK_INT (days, 2);
    CHECK_INT (d.open, 1);
    CHECK_STR (d.first, "20260106");
    CHECK_STR (ctx.ctx_area_fk, "");

    //  output that is not a list: the page is not usable.
    const char *object = "{\"rt_cd\":\"0\",\"output\":{}}";
    CHECK_INT (eod_kis_parse_holidays (200, object, strlen (object), kis_on_day, &d, &ctx, &days, &r),
               EOD_KIS_RETRYABLE);
    CHECK (strstr (r.error, "output is an object, not an array") != NULL);
    CHECK_INT (days, 0);

    //  A continuation key that would not fit the next request.
    char key[EOD_KIS_CTX_MAX + 1];
    memset (key, '9', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    char body[2 * EOD_KIS_CTX_MAX];
    snprintf (body, sizeof body, "{\"rt_cd\":\"0\",\"ctx_area_nk\":\"%s\",\"output\":[]}", key);
    CHECK_INT (eod_kis_parse_holidays (200, body, strlen (body), kis_on_day, &d, &ctx, &days, &r), EOD_KIS_PERMANENT);
    CHECK (strstr (r.error, "continuation key longer than") != NULL);
    //  Without ctx the keys are not read, and without cb the days are only counted.
    CHECK_INT (eod_kis_parse_holidays (200, body, strlen (body), NULL, NULL, NULL, &days, NULL), EOD_KIS_NODATA);
}

int
main (void)
{
    eod_log_init ("test_kis_holiday");
    test_holidays_parse ();
    test_holidays_odd ();
    return EOD_TEST_DONE ();
}
