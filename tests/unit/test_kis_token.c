/*  test_kis_token — the parser of /oauth2/tokenP replies and the KST expiry
    (common/kis/kis_token.c): the expiry as named or from expires_in, the
    token registered as a secret, the throttle and bad-credential errors,
    KST times that are not real. */
#include "eod_test.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "kis_fixtures.h"

#include <stdlib.h>

static void
test_token (void)
{
    size_t len;
    char *token = NULL;
    time_t expires = 0;
    eod_kis_reply_t r;
    const time_t now = 1783500000;

    char *body = kis_fixture ("token.json", &len);
    CHECK_INT (eod_kis_parse_token (200, body, len, now, &token, &expires, &r), EOD_KIS_OK);
    CHECK_STR (token, "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJQU3Rlc3RrZXkifQ.c2lnbmF0dXJlLXRlc3Q");
    CHECK_INT (expires, 1783642533);   //  2026-07-10 09:15:33 KST
    //  The token is now a registered secret: it never reaches a log line.
    char line[256];
    snprintf (line, sizeof line, "token %s", token ? token : "");
    eod_log_redact (line);
    CHECK (strstr (line, "eyJ0eXAi") == NULL);
    free (token);
    free (body);

    body = kis_fixture ("token_expires_in_only.json", &len);
    CHECK_INT (eod_kis_parse_token (200, body, len, now, &token, &expires, &r), EOD_KIS_OK);
    CHECK_INT (expires, now + 86400);
    free (token);
    free (body);

    body = kis_fixture ("token_egw00133.json", &len);
    CHECK_INT (eod_kis_parse_token (403, body, len, now, &token, &expires, &r), EOD_KIS_TOKEN_THROTTLED);
    CHECK (token == NULL);
    CHECK_STR (r.msg_cd, "EGW00133");
    CHECK_STR (r.msg1, "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)");
    CHECK (strstr (r.error, "HTTP 403") != NULL);
    free (body);

    body = kis_fixture ("token_egw00103.json", &len);
    CHECK_INT (eod_kis_parse_token (403, body, len, now, &token, &expires, &r), EOD_KIS_PERMANENT);
    CHECK_STR (r.msg_cd, "EGW00103");
    free (body);

    const char *odd = "{\"access_token\":\"abcdef.ghi\",\"access_token_token_expired\":\"2026/07/10 09:15\","
                      "\"expires_in\":\"3600\"}";
    CHECK_INT (eod_kis_parse_token (200, odd, strlen (odd), now, &token, &expires, &r), EOD_KIS_OK);
    CHECK_INT (expires, now + 3600);
    free (token);

    const char *empty = "{\"access_token\":\"\",\"expires_in\":86400}";
    CHECK_INT (eod_kis_parse_token (200, empty, strlen (empty), now, &token, &expires, &r), EOD_KIS_PERMANENT);
    CHECK (token == NULL);

    time_t t = 0;
    CHECK_INT (eod_kis_kst_to_epoch ("2026-07-10 09:15:33", &t), 0);
    CHECK_INT (t, 1783642533);
    CHECK_INT (eod_kis_kst_to_epoch ("1970-01-01 09:00:00", &t), 0);
    CHECK_INT (t, 0);
    CHECK_INT (eod_kis_kst_to_epoch ("2026-02-30 09:15:33", &t), -1);
    CHECK_INT (eod_kis_kst_to_epoch ("2026-07-10T09:15:33", &t), -1);
    CHECK_INT (eod_kis_kst_to_epoch ("2026-07-10 09:15", &t), -1);
    CHECK_INT (eod_kis_kst_to_epoch ("2026-07-10 24:00:00", &t), -1);
}

int
main (void)
{
    eod_log_init ("test_kis_token");
    test_token ();
    return EOD_TEST_DONE ();
}
