/*  test_kis_request — the KIS calls (common/kis/kis_request.c) driven
    through a stand-in eod_http_fn that records each request and answers
    with a canned response, without sockets: the URL of each endpoint, the
    encoding of its parameters, the headers, the token body, arguments
    refused before anything is sent, transport errors, URLs over the limit,
    the TLS settings passed on and a refused certificate classified, an
    overseas continuation page (tr_cont N).
    test_kis_wire checks the same calls on a real socket. */
#include "eod_test.h"
#include "eod_http.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "kis_fake_http.h"
#include "kis_fixtures.h"

#include <stdlib.h>

static const char *s_secret = "SECRET-appsecret-0123456789abcdefghijklmnopqrstuvwxyz";
static const char *s_token = "TOKEN-eyJ0eXAiOiJKV1Qi.payload.signature";

static void
test_fake_transport (void)
{
    eod_kis_conn_t conn = {.http = s_fake_perform,
                           .base_url = "http://kis.test//",
                           .app_key = "PSappkey0123456789",
                           .app_secret = s_secret};
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;

    //  Daily chart: the base URL's slashes dropped, the query in the order
    //  KIS documents, every /uapi header once, the reply parsed.
    size_t len;
    char *portal = kis_fixture ("chart_portal.json", &len);
    fake_answer_t chart[] = {{200, "tr_cont: D\r\n", portal, false}};
    s_fake_begin (chart, 1);
    CHECK_INT (
        eod_kis_daily_chart (&conn, s_token, "005930", "20220101", "20220509", true, &output1, &rows, &nrows, &r),
        EOD_KIS_OK);
    CHECK_INT (s_fake.made, 1);
    CHECK_STR (s_fake.method[0], "GET");
    CHECK_STR (s_fake.url[0], "http://kis.test/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice?"
                              "FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930&FID_INPUT_DATE_1=20220101&"
                              "FID_INPUT_DATE_2=20220509&FID_PERIOD_DIV_CODE=D&FID_ORG_ADJ_PRC=0");
    char want[FAKE_TEXT_MAX];
    snprintf (want, sizeof want,
              "content-type: application/json; charset=utf-8\nauthorization: Bearer %s\n"
              "appkey: PSappkey0123456789\nappsecret: %s\ntr_id: FHKST03010100\ncusttype: P\n",
              s_token, s_secret);
    CHECK_STR (s_fake.headers[0], want);
    CHECK_STR (s_fake.body[0], "");
    CHECK_INT (nrows, 2);
    CHECK_STR (r.tr_cont, "D");
    CHECK_INT (r.sent_us, FAKE_SENT_US);
    eod_fields_array_free (&rows, nrows);
    free (portal);

    //  Overseas: a class share's slash is percent-encoded, no date is today.
    char *overseas = kis_fixture ("overseas_nrec2.json", &len);
    fake_answer_t daily[] = {{200, "", overseas, false}};
    s_fake_begin (daily, 1);
    CHECK_INT (eod_kis_overseas_daily (&conn, s_token, "NYS", "BRK/B", NULL, false, &output1, &rows, &nrows, &r),
               EOD_KIS_OK);
    CHECK_STR (s_fake.url[0], "http://kis.test/uapi/overseas-price/v1/quotations/dailyprice?AUTH=&EXCD=NYS&"
                              "SYMB=BRK%2FB&GUBN=0&BYMD=&MODP=0&KEYB=");
    CHECK (strstr (s_fake.headers[0], "\ntr_id: HHDFS76240000\n") != NULL);
    CHECK_STR (r.tr_cont, "");
    eod_fields_array_free (&rows, nrows);
    free (overseas);

    //  Arguments that are refused never reach the transport.
    s_fake_begin (daily, 0);
    CHECK_INT (eod_kis_overseas_daily (&conn, s_token, "NASDQ", "AAPL", "", true, &output1, &rows, &nrows, &r),
               EOD_KIS_PERMANENT);
    CHECK (strstr (r.error, "bad exchange, symbol or date") != NULL);
    CHECK_INT (
        eod_kis_daily_chart (&conn, s_token, "005930", "2022-01-01", "20220509", true, &output1, &rows, &nrows, &r),
        EOD_KIS_PERMANENT);
    eod_kis_conn_t no_key = conn;
    no_key.app_key = "PS\r\nkey";
    CHECK_INT (eod_kis_holidays (&no_key, s_token, "20260105", 1, kis_on_day, NULL, NULL, &r), EOD_KIS_PERMANENT);
    CHECK (strstr (r.error, "app_key is empty or not a single line") != NULL);
    CHECK_INT (s_fake.made, 0);

    //  Token: a POST with the credentials as JSON and no /uapi headers.
    char *token_body = kis_fixture ("token.json", &len);
    fake_answer_t token_answer[] = {{200, "", token_body, false}};
    s_fake_begin (token_answer, 1);
    char *token = NULL;
    time_t expires = 0;
    CHECK_INT (eod_kis_issue_token (&conn, &token, &expires, &r), EOD_KIS_OK);
    CHECK_STR (s_fake.method[0], "POST");
    CHECK_STR (s_fake.url[0], "http://kis.test/oauth2/tokenP");
    CHECK_STR (s_fake.headers[0], "content-type: application/json; charset=utf-8\n");
    snprintf (want, sizeof want,
              "{\"grant_type\":\"client_credentials\",\"appkey\":\"PSappkey0123456789\",\"appsecret\":\"%s\"}",
              s_secret);
    CHECK_STR (s_fake.body[0], want);
    CHECK_INT (expires, 1783642533);
    free (token);
    free (token_body);

    //  A transport error is retryable and says which call failed.
    fake_answer_t refused[] = {{0, "", NULL, false}};
    s_fake_begin (refused, 1);
    CHECK_INT (
        eod_kis_daily_chart (&conn, s_token, "005930", "20220101", "20220509", true, &output1, &rows, &nrows, &r),
        EOD_KIS_RETRYABLE);
    CHECK (strstr (r.error, "inquire-daily-itemchartprice") != NULL);
    CHECK (strstr (r.error, "connection refused") != NULL);
    CHECK (strstr (r.error, s_token) == NULL);
    eod_kis_conn_t no_http = conn;
    no_http.http = NULL;
    CHECK_INT (eod_kis_issue_token (&no_http, &token, &expires, &r), EOD_KIS_RETRYABLE);
    CHECK (strstr (r.error, "no HTTP transport") != NULL);
    CHECK (token == NULL);

    //  A URL over the limit is refused, not cut.
    char long_base[FAKE_URL_MAX];
    memset (long_base, 'h', sizeof long_base - 1);
    long_base[sizeof long_base - 1] = '\0';
    eod_kis_conn_t long_conn = conn;
    long_conn.base_url = long_base;
    s_fake_begin (refused, 1);
    CHECK_INT (eod_kis_issue_token (&long_conn, &token, &expires, &r), EOD_KIS_PERMANENT);
    CHECK (strstr (r.error, "base_url too long") != NULL);
    CHECK_INT (
        eod_kis_daily_chart (&long_conn, s_token, "005930", "20220101", "20220509", true, &output1, &rows, &nrows, &r),
        EOD_KIS_PERMANENT);
    CHECK (strstr (r.error, "request URL longer than") != NULL);
    CHECK_INT (s_fake.made, 0);
    eod_fields_clear (&output1);
}

//  The connection's TLS settings reach the transport; a refused
//  certificate is a permanent failure with its own code, named.
static void
test_tls (void)
{
    eod_kis_conn_t conn = {.http = s_fake_perform,
                           .base_url = "https://kis.test:9443",
                           .app_key = "PSappkey0123",
                           .app_secret = s_secret,
                           .insecure = true,
                           .ca_file = "/etc/eod/kis-ca.pem"};
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    fake_answer_t tls[] = {{0, "", NULL, true}, {0, "", NULL, true}};
    s_fake_begin (tls, 2);
    CHECK_INT (
        eod_kis_daily_chart (&conn, s_token, "005930", "20240902", "20240902", true, &output1, &rows, &nrows, &r),
        EOD_KIS_PERMANENT);
    CHECK (s_fake.insecure[0]);
    CHECK_STR (s_fake.ca_file[0], "/etc/eod/kis-ca.pem");
    CHECK_STR (r.msg_cd, EOD_KIS_CODE_TLS);
    CHECK (strstr (r.error, "inquire-daily-itemchartprice") && strstr (r.error, "TLS to kis.test:9443 failed"));
    CHECK_INT (eod_kis_code_scope (r.msg_cd), EOD_KIS_SCOPE_CONFIG);
    char *token = NULL;
    time_t expires;
    conn.insecure = false;
    conn.ca_file = NULL;
    CHECK_INT (eod_kis_issue_token (&conn, &token, &expires, &r), EOD_KIS_PERMANENT);
    CHECK (!s_fake.insecure[1]);
    CHECK_STR (s_fake.ca_file[1], "");
    CHECK_STR (r.msg_cd, EOD_KIS_CODE_TLS);
    CHECK (token == NULL);
    eod_fields_clear (&output1);
}

//  An overseas continuation: tr_cont N, the BYMD given, never "today".
static void
test_overseas_next (void)
{
    eod_kis_conn_t conn = {
        .http = s_fake_perform, .base_url = "http://kis.test", .app_key = "PSappkey0123", .app_secret = s_secret};
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    const char *page = "{\"output1\":{\"rsym\":\"DNASAAPL\",\"zdiv\":\"4\",\"nrec\":\"1\"},"
                       "\"output2\":[{\"xymd\":\"20240823\",\"clos\":\"226.8400\"}],"
                       "\"rt_cd\":\"0\",\"msg_cd\":\"MCA00000\",\"msg1\":\"ok\"}";
    fake_answer_t answers[] = {{200, "tr_cont: E\r\n", page, false}, {200, "tr_cont: F\r\n", page, false}};
    s_fake_begin (answers, 2);
    CHECK_INT (
        eod_kis_overseas_daily_next (&conn, s_token, "NAS", "AAPL", "20240823", true, &output1, &rows, &nrows, &r),
        EOD_KIS_OK);
    CHECK (strstr (s_fake.headers[0], "\ntr_cont: N\n") != NULL);
    CHECK (strstr (s_fake.url[0], "BYMD=20240823&") != NULL);
    CHECK (strstr (r.error, "next page") == NULL);
    CHECK_STR (r.tr_cont, "E");
    eod_fields_array_free (&rows, nrows);
    //  A first page sends no tr_cont at all.
    CHECK_INT (eod_kis_overseas_daily (&conn, s_token, "NAS", "AAPL", "20240823", true, &output1, &rows, &nrows, &r),
               EOD_KIS_OK);
    CHECK (strstr (s_fake.headers[1], "tr_cont") == NULL);
    CHECK_STR (r.tr_cont, "F");
    eod_fields_array_free (&rows, nrows);
    //  A continuation of "today" is refused before anything is sent.
    s_fake_begin (answers, 2);
    CHECK_INT (eod_kis_overseas_daily_next (&conn, s_token, "NAS", "AAPL", "", true, &output1, &rows, &nrows, &r),
               EOD_KIS_PERMANENT);
    CHECK (strstr (r.error, "(next page)") != NULL);
    CHECK_INT (s_fake.made, 0);
    eod_fields_clear (&output1);
}

int
main (void)
{
    eod_log_init ("test_kis_request");
    test_fake_transport ();
    test_tls ();
    test_overseas_next ();
    return EOD_TEST_DONE ();
}
