/*  test_kis_error — what a KIS reply means (common/kis/kis_error.c): the
    statuses of the error codes KIS sends with the HTTP statuses it really
    uses (stored bodies through the endpoint parsers), gateway pages and
    broken JSON, padded messages; and the classifier's parts on their own:
    the code table, unknown codes by HTTP status and rt_cd, the scope of
    each code (config, unknown, the request's), the body loader, the
    envelope, the row verdict, the error text kept one line and free of
    secrets. */
#include "eod_test.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "kis_fixtures.h"
#include "kis_internal.h"

#include <stdlib.h>

//  True when text starts with prefix.
static bool
s_starts (const char *text, const char *prefix)
{
    return text && strncmp (text, prefix, strlen (prefix)) == 0;
}

static void
test_errors (void)
{
    size_t len;
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;

    char *body = kis_fixture ("egw00201.json", &len);
    CHECK_INT (eod_kis_parse_chart (500, body, len, &output1, &rows, &nrows, &r), EOD_KIS_RATE_LIMITED);
    CHECK_STR (r.msg_cd, "EGW00201");
    CHECK_STR (r.msg1, "초당 거래건수를 초과하였습니다.");
    CHECK (strstr (r.error, "HTTP 500") != NULL);
    CHECK (strstr (r.error, "EGW00201") != NULL);
    CHECK_INT (eod_kis_parse_chart (200, body, len, &output1, &rows, &nrows, &r), EOD_KIS_RATE_LIMITED);
    CHECK_INT (r.http_status, 200);
    CHECK_INT (eod_kis_parse_overseas (500, body, len, &output1, &rows, &nrows, &r), EOD_KIS_RATE_LIMITED);
    CHECK_STR (eod_kis_status_name (r.status), "rate_limited");
    free (body);

    body = kis_fixture ("egw00123.json", &len);
    CHECK_INT (eod_kis_parse_chart (500, body, len, &output1, &rows, &nrows, &r), EOD_KIS_TOKEN_EXPIRED);
    CHECK_STR (r.msg1, "기간이 만료된 token 입니다.");
    CHECK_INT (eod_kis_parse_chart (200, body, len, &output1, &rows, &nrows, &r), EOD_KIS_TOKEN_EXPIRED);
    CHECK_INT (eod_kis_parse_holidays (500, body, len, NULL, NULL, NULL, NULL, &r), EOD_KIS_TOKEN_EXPIRED);
    free (body);

    body = kis_fixture ("opsq2001.json", &len);
    CHECK_INT (eod_kis_parse_chart (200, body, len, &output1, &rows, &nrows, &r), EOD_KIS_PERMANENT);
    CHECK_STR (r.msg_cd, "OPSQ2001");
    free (body);

    //  An unknown code: permanent on 2xx/4xx, retryable on 5xx.
    const char *other = "{\"rt_cd\":\"1\",\"msg_cd\":\"EGW09999\",\"msg1\":\"?\"}";
    CHECK_INT (eod_kis_parse_chart (200, other, strlen (other), &output1, &rows, &nrows, &r), EOD_KIS_PERMANENT);
    CHECK_INT (eod_kis_parse_chart (503, other, strlen (other), &output1, &rows, &nrows, &r), EOD_KIS_RETRYABLE);
    const char *gw = "{\"rt_cd\":\"1\",\"msg_cd\":\"EGW00002\",\"msg1\":\"서버 에러\"}";
    CHECK_INT (eod_kis_parse_chart (200, gw, strlen (gw), &output1, &rows, &nrows, &r), EOD_KIS_RETRYABLE);
    const char *no_rt = "{\"output2\":[]}";
    CHECK_INT (eod_kis_parse_chart (200, no_rt, strlen (no_rt), &output1, &rows, &nrows, &r), EOD_KIS_PERMANENT);

    //  Gateway HTML: retryable on 5xx, permanent on 4xx, the start quoted.
    const char *html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                       "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
                       "</body>\r\n</html>\r\n";
    CHECK_INT (eod_kis_parse_chart (500, html, strlen (html), &output1, &rows, &nrows, &r), EOD_KIS_RETRYABLE);
    CHECK (strstr (r.error, "not JSON") != NULL);
    CHECK (strstr (r.error, "\"<html> <head><title>502 Bad Gateway</title></head> <body>") != NULL);
    const char *quote = strchr (r.error, '"');
    CHECK (quote && strlen (quote) == 80 + 2);   //  80 characters between the quotes
    CHECK (strchr (r.error, '\n') == NULL);
    CHECK_INT (eod_kis_parse_chart (404, html, strlen (html), &output1, &rows, &nrows, &r), EOD_KIS_PERMANENT);
    CHECK_INT (eod_kis_parse_chart (500, "", 0, &output1, &rows, &nrows, &r), EOD_KIS_RETRYABLE);
    CHECK_INT (eod_kis_parse_chart (200, "[1,2]", 5, &output1, &rows, &nrows, &r), EOD_KIS_RETRYABLE);
    CHECK (strstr (r.error, "not an object") != NULL);

    //  msg1 arrives padded to a fixed width: trimmed, ASCII and Korean alike.
    const char *padded =
        "{\"rt_cd\":\"1\",\"msg_cd\":\"  EGW00201  \",\"msg1\":\"  초당 거래건수를 초과하였습니다.     \"}";
    CHECK_INT (eod_kis_parse_chart (500, padded, strlen (padded), &output1, &rows, &nrows, &r), EOD_KIS_RATE_LIMITED);
    CHECK_STR (r.msg1, "초당 거래건수를 초과하였습니다.");
    CHECK_STR (r.msg_cd, "EGW00201");
    CHECK (rows == NULL && nrows == 0);
    eod_fields_clear (&output1);
}

static void
test_codes (void)
{
    CHECK_INT (kis_status_for_code ("EGW00201", 200), EOD_KIS_RATE_LIMITED);
    CHECK_INT (kis_status_for_code ("EGW00201", 500), EOD_KIS_RATE_LIMITED);
    CHECK_INT (kis_status_for_code ("EGW00121", 500), EOD_KIS_TOKEN_EXPIRED);
    CHECK_INT (kis_status_for_code ("EGW00123", 200), EOD_KIS_TOKEN_EXPIRED);
    CHECK_INT (kis_status_for_code ("EGW00133", 403), EOD_KIS_TOKEN_THROTTLED);
    CHECK_INT (kis_status_for_code ("EGW00300", 200), EOD_KIS_RETRYABLE);
    CHECK_INT (kis_status_for_code ("EGW00207", 500), EOD_KIS_PERMANENT);
    CHECK_INT (kis_status_for_code ("OPSQ0002", 500), EOD_KIS_PERMANENT);
    //  An unknown code, or none: the HTTP status decides.
    CHECK_INT (kis_status_for_code ("", 502), EOD_KIS_RETRYABLE);
    CHECK_INT (kis_status_for_code ("", 404), EOD_KIS_PERMANENT);
    CHECK_INT (kis_status_for_code ("EGW0020", 200), EOD_KIS_PERMANENT);   //  a prefix is not the code

    //  rt_cd: an unknown code with rt_cd "1" (or none) follows the HTTP
    //  status; with another rt_cd it is permanent whatever the status.
    CHECK_INT (kis_status_for_reply ("EGW09999", 500, "1"), EOD_KIS_RETRYABLE);
    CHECK_INT (kis_status_for_reply ("EGW09999", 500, NULL), EOD_KIS_RETRYABLE);
    CHECK_INT (kis_status_for_reply ("EGW09999", 200, "1"), EOD_KIS_PERMANENT);
    CHECK_INT (kis_status_for_reply ("EGW09999", 500, "7"), EOD_KIS_PERMANENT);
    CHECK_INT (kis_status_for_reply ("EGW00201", 500, "7"), EOD_KIS_RATE_LIMITED);
    const char *seven = "{\"rt_cd\":\"7\",\"msg_cd\":\"KIOK0560\",\"msg1\":\"조회할 자료가 없습니다\"}";
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    CHECK_INT (eod_kis_parse_chart (500, seven, strlen (seven), &output1, &rows, &nrows, &r), EOD_KIS_PERMANENT);
    CHECK (strstr (r.error, "rt_cd \"7\"") && strstr (r.error, "KIOK0560"));
    //  A mock key on the real host: permanent on any status.
    const char *mock =
        "{\"rt_cd\":\"1\",\"msg_cd\":\"EGW02004\",\"msg1\":\"실전투자 도메인은 모의투자 앱키로 호출하실 수 "
        "없습니다.\"}";
    CHECK_INT (eod_kis_parse_chart (500, mock, strlen (mock), &output1, &rows, &nrows, &r), EOD_KIS_PERMANENT);
    CHECK_INT (eod_kis_parse_overseas (500, mock, strlen (mock), &output1, &rows, &nrows, &r), EOD_KIS_PERMANENT);
    CHECK_STR (r.msg_cd, "EGW02004");
    eod_fields_clear (&output1);

    //  The scope of a code: what it says beyond its request.
    CHECK_INT (eod_kis_code_scope (NULL), EOD_KIS_SCOPE_REQUEST);
    CHECK_INT (eod_kis_code_scope (""), EOD_KIS_SCOPE_REQUEST);
    CHECK_INT (eod_kis_code_scope ("EGW00201"), EOD_KIS_SCOPE_REQUEST);
    CHECK_INT (eod_kis_code_scope ("EGW00123"), EOD_KIS_SCOPE_REQUEST);
    CHECK_INT (eod_kis_code_scope ("EGW00002"), EOD_KIS_SCOPE_REQUEST);
    CHECK_INT (eod_kis_code_scope ("OPSQ2001"), EOD_KIS_SCOPE_REQUEST);
    CHECK_INT (eod_kis_code_scope ("EOD-UNPUBLISHED"), EOD_KIS_SCOPE_REQUEST);
    const char *config[] = {"EGW00103", "EGW00105", "EGW00205", "EGW00206", "EGW00207",
                            "EGW00208", "EGW00213", "EGW02004", "OPSQ9999", EOD_KIS_CODE_TLS};
    for (size_t i = 0; i < sizeof config / sizeof config[0]; i++)
        CHECK_INT (eod_kis_code_scope (config[i]), EOD_KIS_SCOPE_CONFIG);
    CHECK_INT (eod_kis_code_scope ("EGW09999"), EOD_KIS_SCOPE_UNKNOWN);
    CHECK_INT (eod_kis_code_scope ("KIOK0560"), EOD_KIS_SCOPE_UNKNOWN);
    CHECK_INT (eod_kis_code_scope ("EGW0020"), EOD_KIS_SCOPE_UNKNOWN);

    static const char *names[] = {
        "ok", "nodata", "unknown_symbol", "rate_limited", "token_expired", "token_throttled", "retryable", "permanent"};
    for (int s = EOD_KIS_OK; s <= EOD_KIS_PERMANENT; s++)
        CHECK_STR (eod_kis_status_name ((eod_kis_status_t) s), names[s]);
    CHECK_STR (eod_kis_status_name ((eod_kis_status_t) 99), "invalid");
}

static void
test_load (void)
{
    eod_kis_reply_t r;
    //  A UTF-8 byte order mark and white space before the JSON are allowed.
    const char *bom = "\xEF\xBB\xBF  {\"rt_cd\":\"0\"}";
    kis_reply_begin (&r, 200);
    json_t *root = kis_load (200, bom, strlen (bom), "test", &r);
    CHECK (root != NULL);
    CHECK_INT (r.status, EOD_KIS_OK);
    CHECK_STR (r.error, "");
    json_decref (root);

    kis_reply_begin (&r, 404);
    CHECK (kis_load (404, " \r\n", 3, "test", &r) == NULL);
    CHECK_INT (r.status, EOD_KIS_PERMANENT);
    CHECK_STR (r.error, "test: HTTP 404, empty body");
    kis_reply_begin (&r, 200);
    CHECK (kis_load (200, NULL, 0, "test", &r) == NULL);
    CHECK_INT (r.status, EOD_KIS_RETRYABLE);

    //  Cut JSON says where it broke; the body need not be NUL-terminated.
    const char *cut = "{\"rt_cd\":\"0\",\"msg1\":\"x\"} trailing";
    kis_reply_begin (&r, 200);
    CHECK (kis_load (200, cut, 10, "test", &r) == NULL);
    CHECK_INT (r.status, EOD_KIS_RETRYABLE);
    CHECK (strstr (r.error, "test: HTTP 200, malformed JSON (line 1 column") != NULL);
}

static void
test_envelope (void)
{
    eod_kis_reply_t r;
    //  /oauth2 endpoints answer with error_code and error_description.
    json_t *root = json_loads ("{\"error_code\":\"EGW00133\",\"error_description\":\"  wait  \"}", 0, NULL);
    kis_reply_begin (&r, 403);
    CHECK (!kis_envelope_ok (403, root, "tokenP", false, &r));
    CHECK_INT (r.status, EOD_KIS_TOKEN_THROTTLED);
    CHECK_STR (r.msg_cd, "EGW00133");
    CHECK_STR (r.msg1, "wait");
    CHECK_STR (r.error, "tokenP: HTTP 403, rt_cd \"\", EGW00133 wait");
    json_decref (root);

    //  No rt_cd: success only where the envelope is not required.
    root = json_loads ("{\"access_token\":\"x\"}", 0, NULL);
    kis_reply_begin (&r, 200);
    CHECK (kis_envelope_ok (200, root, "tokenP", false, &r));
    CHECK (!kis_envelope_ok (200, root, "chart", true, &r));
    CHECK_INT (r.status, EOD_KIS_PERMANENT);
    CHECK_STR (r.error, "chart: HTTP 200, JSON body without rt_cd");
    json_decref (root);

    //  rt_cd sent as a number is read as its text.
    root = json_loads ("{\"rt_cd\":0,\"msg_cd\":\"MCA00000\"}", 0, NULL);
    kis_reply_begin (&r, 200);
    CHECK (kis_envelope_ok (200, root, "chart", true, &r));
    CHECK_STR (r.msg_cd, "MCA00000");
    json_decref (root);
}

static void
test_rows_verdict (void)
{
    eod_kis_reply_t r;
    kis_reply_begin (&r, 200);
    kis_rows_status (&r, "chart", 3, 0, "");
    CHECK_INT (r.status, EOD_KIS_OK);
    CHECK_STR (r.error, "");
    kis_rows_status (&r, "chart", 2, 1, "output2[0] is a string, not an object");
    CHECK_INT (r.status, EOD_KIS_OK);
    CHECK_STR (r.error, "chart: 1 row(s) rejected, first: output2[0] is a string, not an object");
    kis_reply_begin (&r, 200);
    kis_rows_status (&r, "chart", 0, 2, "why");
    CHECK_INT (r.status, EOD_KIS_RETRYABLE);
    CHECK_STR (r.error, "chart: HTTP 200, no usable row, 2 rejected, first: why");
    kis_reply_begin (&r, 200);
    kis_rows_status (&r, "chart", 0, 0, "");
    CHECK_INT (r.status, EOD_KIS_NODATA);
    CHECK_STR (r.error, "chart: no rows in range");
}

static void
test_error_text (void)
{
    eod_kis_reply_t r;
    kis_reply_begin (&r, 0);
    const char *secret = "SECRET-in-an-error-0123456789";
    eod_log_secret (secret);
    kis_set_error (&r, "%s:\tline\r\nnext %s", "what", secret);
    CHECK (s_starts (r.error, "what: line  next "));
    CHECK (strpbrk (r.error, "\t\r\n") == NULL);
    CHECK (strstr (r.error, "SECRET-in-an-error") == NULL);
    //  Cut to fit, never past the buffer.
    char long_text[2 * sizeof r.error];
    memset (long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    kis_set_error (&r, "%s", long_text);
    CHECK_INT (strlen (r.error), sizeof r.error - 1);
}

int
main (void)
{
    eod_log_init ("test_kis_error");
    test_errors ();
    test_codes ();
    test_load ();
    test_envelope ();
    test_rows_verdict ();
    test_error_text ();
    return EOD_TEST_DONE ();
}
