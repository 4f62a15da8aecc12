/*  test_kis_multiquote — the multi-stock quote FHKST11300006
    (common/kis/kis_multiquote.c and its request in kis_request.c) on stored
    bodies the simulator answered under each of its variants: three codes in
    order, an unknown code zeroed, left out or refused for the whole batch,
    entries out of order, a one-entry output as an object; and bodies made
    wrong by hand: an entry of a code not asked, a code twice, values not
    scalar, no entry, output not a list. The request's URL and headers
    through a stand-in transport, and the field mapping to the chart. */
#include "eod_test.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "kis_fixtures.h"
#include "kis_fake_http.h"

#include <stdlib.h>

static const char *s_three[] = {"000660", "006030", "017840"};
static const char *s_with_unknown[] = {"000660", "001560", "017840"};

//  Parses a stored body against codes; returns the status.
static int
s_parse (const char *fixture, const char *const *codes, size_t ncodes, eod_kis_quote_t *quotes,
         eod_kis_reply_t *r)
{
    size_t len;
    char *body = kis_fixture (fixture, &len);
    int status = eod_kis_parse_multiquote (200, body, len, codes, ncodes, quotes, r);
    free (body);
    return status;
}

static void
test_in_order (void)
{
    eod_kis_quote_t quotes[3] = {{0}};
    eod_kis_reply_t r;
    CHECK_INT (s_parse ("multiquote_3.json", s_three, 3, quotes, &r), EOD_KIS_OK);
    CHECK_STR (r.msg_cd, "MCA00000");
    CHECK_STR (r.error, "");
    for (size_t i = 0; i < 3; i++) {
        CHECK_INT (quotes[i].state, EOD_KIS_MQ_QUOTED);
        CHECK_STR (eod_fields_get (&quotes[i].fields, "inter_shrn_iscd"), s_three[i]);
        CHECK_INT (quotes[i].fields.count, 19);
    }
    CHECK_STR (eod_fields_get (&quotes[0].fields, "inter2_prpr"), "1885");
    CHECK_STR (eod_fields_get (&quotes[0].fields, "acml_tr_pbmn"), "560326671713");
    CHECK_STR (eod_fields_get (&quotes[0].fields, "hour_cls_code"), "A");
    CHECK_STR (eod_fields_get (&quotes[1].fields, "inter_kor_isnm"), "금호메디칼");

    //  Out of request order: each code still finds its own entry.
    eod_kis_quote_t shuffled[3] = {{0}};
    CHECK_INT (s_parse ("multiquote_shuffled.json", s_three, 3, shuffled, &r), EOD_KIS_OK);
    for (size_t i = 0; i < 3; i++) {
        CHECK_INT (shuffled[i].state, EOD_KIS_MQ_QUOTED);
        CHECK_STR (eod_fields_get (&shuffled[i].fields, "inter_shrn_iscd"), s_three[i]);
        CHECK_STR (eod_fields_get (&shuffled[i].fields, "inter2_prpr"),
                   eod_fields_get (&quotes[i].fields, "inter2_prpr"));
    }
    eod_kis_quotes_clear (shuffled, 3);
    CHECK_INT (shuffled[0].state, EOD_KIS_MQ_MISSING);
    CHECK_INT (shuffled[0].fields.count, 0);

    //  A one-code answer as an object, not a list.
    eod_kis_quote_t one[1] = {{0}};
    CHECK_INT (s_parse ("multiquote_object.json", &s_three[1], 1, one, &r), EOD_KIS_OK);
    CHECK_INT (one[0].state, EOD_KIS_MQ_QUOTED);
    CHECK_STR (eod_fields_get (&one[0].fields, "inter2_prpr"), eod_fields_get (&quotes[1].fields, "inter2_prpr"));
    eod_kis_quotes_clear (one, 1);
    eod_kis_quotes_clear (quotes, 3);
}

static void
test_unknown_codes (void)
{
    eod_kis_quote_t quotes[3] = {{0}};
    eod_kis_reply_t r;
    //  Zeroed: the entry is there with a price of 0.
    CHECK_INT (s_parse ("multiquote_zero.json", s_with_unknown, 3, quotes, &r), EOD_KIS_OK);
    CHECK_INT (quotes[0].state, EOD_KIS_MQ_QUOTED);
    CHECK_INT (quotes[1].state, EOD_KIS_MQ_ZERO);
    CHECK_INT (quotes[2].state, EOD_KIS_MQ_QUOTED);
    CHECK_STR (eod_kis_mq_state_name (quotes[1].state), "zero");
    //  Left out: missing, the others kept.
    CHECK_INT (s_parse ("multiquote_omit.json", s_with_unknown, 3, quotes, &r), EOD_KIS_OK);
    CHECK_INT (quotes[0].state, EOD_KIS_MQ_QUOTED);
    CHECK_INT (quotes[1].state, EOD_KIS_MQ_MISSING);
    CHECK_INT (quotes[1].fields.count, 0);
    CHECK_INT (quotes[2].state, EOD_KIS_MQ_QUOTED);
    CHECK_STR (r.error, "");
    //  Refused: the whole batch fails for good (OPSQ2001), nothing kept.
    CHECK_INT (s_parse ("multiquote_reject.json", s_with_unknown, 3, quotes, &r), EOD_KIS_PERMANENT);
    CHECK_STR (r.msg_cd, "OPSQ2001");
    for (size_t i = 0; i < 3; i++)
        CHECK_INT (quotes[i].state, EOD_KIS_MQ_MISSING);
    CHECK (strstr (r.error, "FHKST11300006") != NULL);
    eod_kis_quotes_clear (quotes, 3);
}

static void
test_wrong_answers (void)
{
    eod_kis_quote_t quotes[3] = {{0}};
    eod_kis_reply_t r;
    //  An entry of a code not asked is never taken for another.
    CHECK_INT (s_parse ("multiquote_unasked.json", s_three, 3, quotes, &r), EOD_KIS_OK);
    CHECK_INT (quotes[0].state, EOD_KIS_MQ_QUOTED);
    CHECK_INT (quotes[1].state, EOD_KIS_MQ_MISSING);
    CHECK_INT (quotes[2].state, EOD_KIS_MQ_QUOTED);
    CHECK (strstr (r.error, "1 entry rejected (1 of codes not asked") != NULL);
    CHECK (strstr (r.error, "005930") != NULL);
    //  Only entries not asked: a wrong answer, asked again.
    CHECK_INT (s_parse ("multiquote_only_unasked.json", s_three, 3, quotes, &r), EOD_KIS_RETRYABLE);
    for (size_t i = 0; i < 3; i++)
        CHECK_INT (quotes[i].state, EOD_KIS_MQ_MISSING);
    //  A code twice: neither entry is trusted.
    CHECK_INT (s_parse ("multiquote_twice.json", s_three, 3, quotes, &r), EOD_KIS_OK);
    CHECK_INT (quotes[0].state, EOD_KIS_MQ_REJECTED);
    CHECK_INT (quotes[0].fields.count, 0);
    CHECK_INT (quotes[1].state, EOD_KIS_MQ_QUOTED);
    CHECK (strstr (r.error, "two entries for 000660") != NULL);
    //  A value that is an object rejects its entry; numbers and padding are text.
    CHECK_INT (s_parse ("multiquote_types.json", s_three, 3, quotes, &r), EOD_KIS_OK);
    CHECK_INT (quotes[0].state, EOD_KIS_MQ_REJECTED);
    CHECK_INT (quotes[2].state, EOD_KIS_MQ_QUOTED);
    CHECK_STR (eod_fields_get (&quotes[2].fields, "inter2_prpr"), "43600");
    CHECK (strstr (r.error, "malformed") != NULL);
    //  No entry at all: no data, not an error.
    CHECK_INT (s_parse ("multiquote_empty.json", s_three, 3, quotes, &r), EOD_KIS_NODATA);
    CHECK (strstr (r.error, "no entry for any of the 3 codes") != NULL);
    //  output neither a list nor an object; a cut body; a rate limit.
    CHECK_INT (s_parse ("multiquote_output_string.json", s_three, 3, quotes, &r), EOD_KIS_RETRYABLE);
    CHECK (strstr (r.error, "not an array or an object") != NULL);
    const char *bare = "{\"rt_cd\":\"0\",\"msg_cd\":\"MCA00000\",\"msg1\":\"ok\"}";
    CHECK_INT (eod_kis_parse_multiquote (200, bare, strlen (bare), s_three, 3, quotes, &r), EOD_KIS_RETRYABLE);
    CHECK (strstr (r.error, "output is missing") != NULL);
    size_t len;
    char *body = kis_fixture ("multiquote_3.json", &len);
    CHECK_INT (eod_kis_parse_multiquote (200, body, len / 2, s_three, 3, quotes, &r), EOD_KIS_RETRYABLE);
    CHECK_INT (quotes[0].state, EOD_KIS_MQ_MISSING);
    free (body);
    CHECK_INT (s_parse ("egw00201.json", s_three, 3, quotes, &r), EOD_KIS_RATE_LIMITED);
    eod_kis_quotes_clear (quotes, 3);
}

static const char s_secret[] = "SECRETsecretSECRETsecret";

static void
test_request (void)
{
    eod_kis_conn_t conn = {.http = s_fake_perform, .base_url = "http://kis.test", .app_key = "PSappkey0123456789",
                           .app_secret = s_secret};
    eod_kis_quote_t quotes[3] = {{0}};
    eod_kis_reply_t r;
    size_t len;
    char *body = kis_fixture ("multiquote_shuffled.json", &len);
    fake_answer_t answer[] = {{200, "tr_cont: D\r\n", body, false}};
    s_fake_begin (answer, 1);
    CHECK_INT (eod_kis_multiquote (&conn, "tok", s_three, 3, quotes, &r), EOD_KIS_OK);
    CHECK_INT (s_fake.made, 1);
    CHECK_STR (s_fake.method[0], "GET");
    CHECK_STR (s_fake.url[0], "http://kis.test/uapi/domestic-stock/v1/quotations/intstock-multprice?"
                              "FID_COND_MRKT_DIV_CODE_1=J&FID_INPUT_ISCD_1=000660&"
                              "FID_COND_MRKT_DIV_CODE_2=J&FID_INPUT_ISCD_2=006030&"
                              "FID_COND_MRKT_DIV_CODE_3=J&FID_INPUT_ISCD_3=017840");
    CHECK (strstr (s_fake.headers[0], "\ntr_id: FHKST11300006\n") != NULL);
    CHECK (strstr (s_fake.headers[0], "authorization: Bearer tok\n") != NULL);
    CHECK_INT (r.sent_us, FAKE_SENT_US);
    CHECK_STR (r.tr_cont, "D");
    CHECK_INT (quotes[2].state, EOD_KIS_MQ_QUOTED);
    free (body);

    //  Refused before anything goes on the wire: no code, 31 codes, a code
    //  twice, a code with a '&' or '/' of a path.
    s_fake_begin (answer, 0);
    const char *many[EOD_KIS_MQ_MAX + 1];
    eod_kis_quote_t many_quotes[EOD_KIS_MQ_MAX + 1] = {{0}};
    for (size_t i = 0; i <= EOD_KIS_MQ_MAX; i++)
        many[i] = "005930";
    CHECK_INT (eod_kis_multiquote (&conn, "tok", many, 0, quotes, &r), EOD_KIS_PERMANENT);
    CHECK_INT (eod_kis_multiquote (&conn, "tok", many, EOD_KIS_MQ_MAX + 1, many_quotes, &r), EOD_KIS_PERMANENT);
    CHECK_INT (eod_kis_multiquote (&conn, "tok", many, 2, quotes, &r), EOD_KIS_PERMANENT);
    CHECK (strstr (r.error, "distinct KR codes") != NULL);
    const char *bad[] = {"005930&FID_INPUT_ISCD_2=1"};
    CHECK_INT (eod_kis_multiquote (&conn, "tok", bad, 1, quotes, &r), EOD_KIS_PERMANENT);
    const char *dots[] = {"../x"};
    CHECK_INT (eod_kis_multiquote (&conn, "tok", dots, 1, quotes, &r), EOD_KIS_PERMANENT);
    CHECK_INT (eod_kis_multiquote (&conn, NULL, s_three, 3, quotes, &r), EOD_KIS_PERMANENT);
    CHECK_INT (s_fake.made, 0);

    //  A transport failure is retried later; every quote is missing.
    fake_answer_t refused[] = {{0, "", NULL, false}};
    s_fake_begin (refused, 1);
    CHECK_INT (eod_kis_multiquote (&conn, "tok", s_three, 3, quotes, &r), EOD_KIS_RETRYABLE);
    CHECK_INT (quotes[2].state, EOD_KIS_MQ_MISSING);
    CHECK (strstr (r.error, s_secret) == NULL);
    eod_kis_quotes_clear (quotes, 3);
}

static void
test_field_map (void)
{
    CHECK_STR (eod_kis_mq_field ("stck_oprc"), "inter2_oprc");
    CHECK_STR (eod_kis_mq_field ("stck_hgpr"), "inter2_hgpr");
    CHECK_STR (eod_kis_mq_field ("stck_lwpr"), "inter2_lwpr");
    CHECK_STR (eod_kis_mq_field ("stck_clpr"), "inter2_prpr");
    CHECK_STR (eod_kis_mq_field ("acml_vol"), "acml_vol");
    CHECK_STR (eod_kis_mq_field ("acml_tr_pbmn"), "acml_tr_pbmn");
    CHECK_STR (eod_kis_mq_field ("stck_prdy_clpr"), "inter2_prdy_clpr");
    CHECK (eod_kis_mq_field ("stck_bsop_date") == NULL);
    CHECK (eod_kis_mq_field (NULL) == NULL);
}

int
main (void)
{
    eod_log_init ("test_kis_multiquote");
    test_in_order ();
    test_unknown_codes ();
    test_wrong_answers ();
    test_request ();
    test_field_map ();
    return EOD_TEST_DONE ();
}
