/*  test_grammar — the grammars of proto/eod_grammar.h, value by value: what
    each takes and what it refuses ('../', '/', NUL's neighbours, over-long,
    empty, invalid UTF-8), codes per market, real dates, paths and S3 keys
    without dot segments, bucket names, URLs and loopback hosts; and the
    reasons, which name the rule and never quote the value. */
#include "eod_test.h"
#include "eod_grammar.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    eod_grammar_t g;
    const char *value;
    const char *why;   //  NULL: taken; else a part of the reason
} s_case_t;

static const s_case_t s_cases[] = {
    //  ids
    {EOD_G_ID, "0a0e63ccb29f09ee", NULL},
    {EOD_G_ID, "kr-daily-2024-09-02-2024-09-02", NULL},
    {EOD_G_ID, "live_app.2", NULL},
    {EOD_G_ID, "../x", "does not start"},
    {EOD_G_ID, "..", "does not start"},
    {EOD_G_ID, ".", "does not start"},
    {EOD_G_ID, "a/b", "holds '/'"},
    {EOD_G_ID, "a\\b", "holds a character"},
    {EOD_G_ID, "a b", "holds a character"},
    {EOD_G_ID, "", "is empty"},
    {EOD_G_ID, "a\xc3\xa9", "holds a character"},
    {EOD_G_ID, "a\xff", "not valid UTF-8"},
    {EOD_G_ID_OR_NONE, "", NULL},
    {EOD_G_ID_OR_NONE, "r1", NULL},
    {EOD_G_ID_OR_NONE, "/", "does not start"},
    //  task ids
    {EOD_G_TASK_ID, "kr-005930-20240902-20240902", NULL},
    {EOD_G_TASK_ID, "kr-0004Y0-20240101-20241231", NULL},
    {EOD_G_TASK_ID, "us-BRK/B-20240830-20240830", NULL},
    {EOD_G_TASK_ID, "us-ABC-WS-20240830-20240830", NULL},
    {EOD_G_TASK_ID, "us-BRK/B/C-20240830-20240830", "more than one '/'"},
    {EOD_G_TASK_ID, "kr-BRK/B-20240830-20240830", "has a code that"},
    {EOD_G_TASK_ID, "xx-005930-20240902-20240902", "market"},
    {EOD_G_TASK_ID, "kr-005930-20240231-20240302", "not a real calendar date"},
    {EOD_G_TASK_ID, "kr-005930-20240903-20240902", "first date after its last"},
    {EOD_G_TASK_ID, "kr:005930:20240902", "MARKET-CODE"},
    {EOD_G_TASK_ID, "kr-../../x-20240902-20240902", "has a code that"},
    {EOD_G_TASK_ID, "", "is empty"},
    //  markets, modes, words
    {EOD_G_MARKET, "kr", NULL},
    {EOD_G_MARKET, "us", NULL},
    {EOD_G_MARKET, "..", "is not kr or us"},
    {EOD_G_MARKET, "KR", "is not kr or us"},
    {EOD_G_MARKET, "", "is empty"},
    {EOD_G_MODE, "backfill", NULL},
    {EOD_G_MODE, "daily/", "is not daily, backfill or close"},
    {EOD_G_MODE, "close", NULL},
    {EOD_G_MODE, "closed", "is not daily, backfill or close"},
    {EOD_G_WORK_ID, "kr-mq-20261204-00001", NULL},
    {EOD_G_WORK_ID, "kr-005930-20261204-20261204", NULL},
    {EOD_G_WORK_ID, "kr-mq-20261304-00001", "is not"},
    {EOD_G_WORK_ID, "kr-mq-../-00001", "is not"},
    {EOD_G_WORD, "coordinator", NULL},
    {EOD_G_WORD, "no-data_2", NULL},
    {EOD_G_WORD, "Warn", "lower-case"},
    {EOD_G_WORD, "a/b", "holds a character"},
    //  codes (either market)
    {EOD_G_CODE, "005930", NULL},
    {EOD_G_CODE, "BRK/B", NULL},
    {EOD_G_CODE, "/B", "does not start"},
    {EOD_G_CODE, "B/", "does not end"},
    {EOD_G_CODE, "../..", "does not start"},
    //  dates
    {EOD_G_DATE, "2024-02-29", NULL},
    {EOD_G_DATE, "2023-02-29", "not a real calendar date"},
    {EOD_G_DATE, "2024-13-45", "not a real calendar date"},
    {EOD_G_DATE, "2024-09-00", "not a real calendar date"},
    {EOD_G_DATE, "1899-12-31", "year outside"},
    {EOD_G_DATE, "2024", "not a date"},
    {EOD_G_DATE, "20240902", "not a date"},
    {EOD_G_DATE, "2024-09-0x", "not a date"},
    {EOD_G_DATE, "2024-09-02/..", "not a date"},
    {EOD_G_DATE, "", "is empty"},
    //  paths
    {EOD_G_PATH, "/var/lib/eod/data/market=kr/dt=2024-09-02/kr_20240902.csv", NULL},
    {EOD_G_PATH, "/a/../etc/passwd", "'..' segment"},
    {EOD_G_PATH, "/a/./b", "'.' segment"},
    {EOD_G_PATH, "/a//b", "empty segment"},
    {EOD_G_PATH, "/a/b/", "ends with '/'"},
    {EOD_G_PATH, "a/b", "not an absolute path"},
    {EOD_G_PATH, "/", "root directory"},
    {EOD_G_PATH, "/a\nb", "control character"},
    {EOD_G_PATH, "", "is empty"},
    //  S3 keys and prefixes
    {EOD_G_KEY, "eod/market=kr/dt=2024-09-02/kr_20240902.csv", NULL},
    {EOD_G_KEY, "../other-bucket/x", "'..' segment"},
    {EOD_G_KEY, "a/../../x", "'..' segment"},
    {EOD_G_KEY, "/abs", "starts with '/'"},
    {EOD_G_KEY, "a//b", "empty segment"},
    {EOD_G_KEY, "a/", "ends with '/'"},
    {EOD_G_PREFIX, "", NULL},
    {EOD_G_PREFIX, "eod/prices/", NULL},
    {EOD_G_PREFIX, "eod", NULL},
    {EOD_G_PREFIX, "../x", "'..' segment"},
    {EOD_G_PREFIX, "./x", "'.' segment"},
    {EOD_G_PREFIX, "/x", "starts with '/'"},
    {EOD_G_PREFIX, "a//", "empty segment"},
    //  buckets
    {EOD_G_BUCKET, "eod-demo", NULL},
    {EOD_G_BUCKET, "my.bucket.2", NULL},
    {EOD_G_BUCKET, "ab", "3 to 63"},
    {EOD_G_BUCKET, "Upper", "lower-case"},
    {EOD_G_BUCKET, "a_b", "lower-case"},
    {EOD_G_BUCKET, "-ab", "start and end"},
    {EOD_G_BUCKET, "a..b", "'..'"},
    {EOD_G_BUCKET, "192.168.5.4", "IP address"},
    {EOD_G_BUCKET, "xn--abc", "keeps for itself"},
    {EOD_G_BUCKET, "abc-s3alias", "keeps for itself"},
    {EOD_G_BUCKET, "../x", "lower-case"},
    {EOD_G_BUCKET, "", "is empty"},
    //  md5
    {EOD_G_MD5, "d41d8cd98f00b204e9800998ecf8427e", NULL},
    {EOD_G_MD5, "D41D8CD98F00B204E9800998ECF8427E", "lower-case hex"},
    {EOD_G_MD5, "d41d8cd9", "32 hex digits"},
    //  URLs
    {EOD_G_URL, "https://openapi.koreainvestment.com:9443", NULL},
    {EOD_G_URL, "http://127.0.0.1:18080/common/master", NULL},
    {EOD_G_URL, "https://en.wikipedia.org/wiki/List_of_S%26P_500_companies", NULL},
    {EOD_G_URL, "http://[::1]:80/x?a=b&c=d", NULL},
    {EOD_G_URL, "ftp://host/x", "not an http:// or https://"},
    {EOD_G_URL, "file:///etc/passwd", "not an http:// or https://"},
    {EOD_G_URL, "javascript:alert(1)", "not an http:// or https://"},
    {EOD_G_URL, "https://user:pw@host/", "user name"},
    {EOD_G_URL, "https:///x", "no host"},
    {EOD_G_URL, "https://host:0/", "port outside"},
    {EOD_G_URL, "https://host:99999/", "port outside"},
    {EOD_G_URL, "https://host/a b", "a URL may not"},
    {EOD_G_URL, "https://host/%zz", "two hex digits"},
    {EOD_G_URL, "https://host/#frag", "a URL may not"},
    {EOD_G_URL, "https://ho st/", "host with a character"},
    {EOD_G_URL, "https://host:80x/", "bad host or port"},
    {EOD_G_URL, "", "is empty"},
    //  tokens
    {EOD_G_TOKEN, "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.TOKEN", NULL},
    {EOD_G_TOKEN, "a\r\nX-Evil: 1", "printable ASCII"},
    {EOD_G_TOKEN, "a b", "printable ASCII"},
    {EOD_G_TOKEN, "\xc3\xa9", "printable ASCII"},
    {EOD_G_TOKEN, "", "is empty"},
    //  text and lines
    {EOD_G_TEXT, "삼성전자\n보통주", NULL},
    {EOD_G_TEXT, "\xed\xa0\x80", "not valid UTF-8"},       //  a surrogate
    {EOD_G_TEXT, "\xc0\xaf", "not valid UTF-8"},           //  an overlong '/'
    {EOD_G_TEXT, "\xf4\x90\x80\x80", "not valid UTF-8"},   //  past U+10FFFF
    {EOD_G_TEXT, "\xe2\x82", "not valid UTF-8"},           //  cut short
    {EOD_G_LINE, "fetcher-3@호스트", NULL},
    {EOD_G_LINE, "", NULL},
    {EOD_G_LINE, "a\tb", "control character"},
};

static void
s_test_cases (void)
{
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        const s_case_t *c = &s_cases[i];
        char why[160] = "";
        bool ok = eod_grammar_ok (c->g, c->value, why, sizeof why);
        bool right = c->why ? !ok && strstr (why, c->why) != NULL : ok;
        if (!right)
            fprintf (stderr, "  case %zu (%s): taken %d, why \"%s\", wanted \"%s\"\n", i, eod_grammar_name (c->g), ok,
                     why, c->why ? c->why : "(taken)");
        CHECK (right);
    }
}

//  A string's UTF-8, its ASCII run first: the same verdict as over its length.
static void
s_test_utf8_str (void)
{
    static const char *texts[] = {"",        "abc",          "a\xc3\xa9z", "\xea\xb0\x80",      "abcdefgh\xe2\x82",
                                  "abc\xff", "\xed\xa0\x80", "ab\xc0\xaf", "x\xf4\x90\x80\x80", "12345\x80"};
    static const bool valid[] = {true, true, true, true, false, false, false, false, false, false};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        CHECK (eod_grammar_utf8_str (texts[i]) == valid[i]);
        CHECK (eod_grammar_utf8 (texts[i], strlen (texts[i])) == valid[i]);
    }
}

//  Over-long values of each bounded grammar are refused by size.
static void
s_test_lengths (void)
{
    static const struct {
        eod_grammar_t g;
        size_t max;
        char fill;
    } bounded[] = {{EOD_G_ID, EOD_GRAMMAR_ID_MAX, 'a'},         {EOD_G_LINE, EOD_GRAMMAR_LINE_MAX, 'a'},
                   {EOD_G_WORD, EOD_GRAMMAR_WORD_MAX, 'a'},     {EOD_G_KEY, EOD_GRAMMAR_KEY_MAX, 'k'},
                   {EOD_G_PREFIX, EOD_GRAMMAR_PREFIX_MAX, 'p'}, {EOD_G_URL, EOD_GRAMMAR_URL_MAX, 'u'},
                   {EOD_G_TOKEN, EOD_GRAMMAR_TOKEN_MAX, 't'}};
    char *s = malloc (2 * EOD_GRAMMAR_TOKEN_MAX);
    CHECK (s != NULL);
    for (size_t i = 0; s && i < sizeof bounded / sizeof bounded[0]; i++) {
        size_t at = 0;
        if (bounded[i].g == EOD_G_URL)
            at = (size_t) snprintf (s, 16, "http://h/");
        memset (s + at, bounded[i].fill, bounded[i].max - at);
        s[bounded[i].max] = '\0';
        CHECK (eod_grammar_ok (bounded[i].g, s, NULL, 0));
        s[bounded[i].max] = bounded[i].fill;
        s[bounded[i].max + 1] = '\0';
        char why[160] = "";
        CHECK (!eod_grammar_ok (bounded[i].g, s, why, sizeof why) && strstr (why, "bytes, over"));
    }
    if (s) {
        s[0] = '/';
        memset (s + 1, 'p', EOD_GRAMMAR_PATH_MAX);
        s[EOD_GRAMMAR_PATH_MAX + 1] = '\0';
        CHECK (!eod_grammar_ok (EOD_G_PATH, s, NULL, 0));
        s[EOD_GRAMMAR_PATH_MAX] = '\0';
        CHECK (eod_grammar_ok (EOD_G_PATH, s, NULL, 0));
    }
    free (s);
    CHECK (!eod_grammar_ok (EOD_G_ID, NULL, NULL, 0));
}

static void
s_test_codes (void)
{
    char why[160];
    CHECK (eod_grammar_code_ok ("kr", "005930", why, sizeof why));
    CHECK (eod_grammar_code_ok ("kr", "0004Y0", why, sizeof why));
    CHECK (!eod_grammar_code_ok ("kr", "BRK/B", why, sizeof why));
    CHECK (!eod_grammar_code_ok ("kr", "00593", why, sizeof why));
    CHECK (!eod_grammar_code_ok ("kr", "0059300000", why, sizeof why));
    CHECK (!eod_grammar_code_ok ("kr", "005930a", why, sizeof why));
    CHECK (eod_grammar_code_ok ("us", "BRK/B", why, sizeof why));
    CHECK (eod_grammar_code_ok ("us", "AAPL", why, sizeof why));
    CHECK (eod_grammar_code_ok ("us", "005930", why, sizeof why));
    CHECK (!eod_grammar_code_ok ("us", "BRK//B", why, sizeof why) && strstr (why, "more than one"));
    CHECK (!eod_grammar_code_ok ("us", "brk/b", why, sizeof why));
    CHECK (!eod_grammar_code_ok ("us", "A..", why, sizeof why));
    CHECK (!eod_grammar_code_ok ("us", "ABCDEFGHIJKLMNOPQ", why, sizeof why));
    CHECK (!eod_grammar_code_ok ("us", "", why, sizeof why) && strstr (why, "empty"));
    CHECK (eod_grammar_date_cmp ("2024-09-02", "2024-09-03") < 0);
    CHECK (eod_grammar_date_cmp ("2024-09-02", "2024-09-02") == 0);
}

static void
s_test_urls (void)
{
    CHECK (eod_grammar_url_loopback ("http://127.0.0.1:18080"));
    CHECK (eod_grammar_url_loopback ("http://127.255.0.9/x"));
    CHECK (eod_grammar_url_loopback ("http://localhost:80/"));
    CHECK (eod_grammar_url_loopback ("http://LOCALHOST"));
    CHECK (eod_grammar_url_loopback ("http://[::1]:9000"));
    CHECK (!eod_grammar_url_loopback ("http://128.0.0.1"));
    CHECK (!eod_grammar_url_loopback ("http://127.0.0.1.evil.com/"));
    CHECK (!eod_grammar_url_loopback ("http://localhost.evil.com/"));
    CHECK (!eod_grammar_url_loopback ("http://10.0.0.1/"));
    CHECK (!eod_grammar_url_loopback ("http://[::2]/"));
    CHECK (!eod_grammar_url_loopback ("not a url"));
    CHECK (eod_grammar_url_https ("https://slack.com"));
    CHECK (!eod_grammar_url_https ("http://slack.com"));
    CHECK (!eod_grammar_url_https ("ftp://slack.com"));
}

static void
s_test_names (void)
{
    for (int g = 0; g < EOD_G_COUNT; g++) {
        CHECK (strcmp (eod_grammar_name ((eod_grammar_t) g), "?") != 0);
        CHECK (strlen (eod_grammar_about ((eod_grammar_t) g)) > 5);
    }
    CHECK_STR (eod_grammar_name (EOD_G_COUNT), "?");
    //  A reason never quotes the value.
    char why[160] = "";
    CHECK (!eod_grammar_ok (EOD_G_ID, "SECRET/x", why, sizeof why) && !strstr (why, "SECRET"));
}

int
main (void)
{
    s_test_cases ();
    s_test_utf8_str ();
    s_test_lengths ();
    s_test_codes ();
    s_test_urls ();
    s_test_names ();
    return EOD_TEST_DONE ();
}
