/*  test_kis — unit tests of the KIS REST client (common/kis/eod_kis).

    Part one feeds stored bodies (tests/data/kis/) to the parsers: the portal
    chart example, unknown symbols, rate limiting and token errors with the
    HTTP statuses KIS really uses, gateway HTML, truncated JSON, chk-holiday
    pages, overseas rows. Part two runs the request functions against a
    one-shot HTTP server forked on 127.0.0.1 and checks what went on the wire
    (headers, query strings, continuation) and how transport failures are
    classified. */
#define _GNU_SOURCE   //  strcasestr
#include "eod_test.h"
#include "eod_http.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "eod_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define DATA_DIR EOD_SOURCE_DIR "/tests/data/kis/"
#define REQUEST_MAX 8192          //  one captured request
#define SERVER_ALARM_S 20         //  the child never outlives a stuck test
#define SERVER_GRACE_MS 500       //  time the server has to exit after its last answer
#define HANG 2                    //  response marker: accept, read, answer nothing

static const char *s_secret = "SECRET-appsecret-0123456789abcdefghijklmnopqrstuvwxyz";
static const char *s_token = "TOKEN-eyJ0eXAiOiJKV1Qi.payload.signature";

//  Reads a whole data file; the caller frees. Aborts the test on failure
//  (a missing fixture is a broken checkout, not a test result).
static char *
s_load (const char *name, size_t *len)
{
    char path[512];
    snprintf (path, sizeof path, "%s%s", DATA_DIR, name);
    FILE *file = fopen (path, "rb");
    if (!file) {
        fprintf (stderr, "cannot open %s\n", path);
        exit (2);
    }
    char *data = NULL;
    size_t size = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread (chunk, 1, sizeof chunk, file)) > 0) {
        if (size + n + 1 > cap) {
            cap = (size + n + 1) * 2;
            data = realloc (data, cap);
            if (!data)
                exit (2);
        }
        memcpy (data + size, chunk, n);
        size += n;
    }
    fclose (file);
    if (!data)
        exit (2);
    data[size] = '\0';
    *len = size;
    return data;
}

//  True when text starts with prefix.
static bool
s_starts (const char *text, const char *prefix)
{
    return text && strncmp (text, prefix, strlen (prefix)) == 0;
}

typedef struct {
    int days;
    int open;
    char first[9];
    char last[9];
    bool in_order;
    bool jan10_open;        //  a Saturday
    bool feb17_open;        //  Seollal
} days_t;

static void
s_on_day (const char *date, bool open, void *arg)
{
    days_t *d = arg;
    if (d->days == 0)
        snprintf (d->first, sizeof d->first, "%s", date);
    else if (strcmp (date, d->last) <= 0)
        d->in_order = false;
    snprintf (d->last, sizeof d->last, "%s", date);
    d->days++;
    d->open += open;
    if (strcmp (date, "20260110") == 0)
        d->jan10_open = open;
    if (strcmp (date, "20260217") == 0)
        d->feb17_open = open;
}

static void
test_chart_portal (void)
{
    size_t len;
    char *body = s_load ("chart_portal.json", &len);
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
        static const char *keys[] = {"stck_bsop_date", "stck_clpr", "stck_oprc", "stck_hgpr", "stck_lwpr",
                                     "acml_vol", "acml_tr_pbmn", "flng_cls_code", "prtt_rate", "mod_yn",
                                     "prdy_vrss_sign", "prdy_vrss", "revl_issu_reas"};
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
    char *body = s_load ("chart_unknown_symbol.json", &len);
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

    body = s_load ("chart_holiday_range.json", &len);
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
    char *body = s_load ("chart_mixed_types.json", &len);
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

static void
test_errors (void)
{
    size_t len;
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;

    char *body = s_load ("egw00201.json", &len);
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

    body = s_load ("egw00123.json", &len);
    CHECK_INT (eod_kis_parse_chart (500, body, len, &output1, &rows, &nrows, &r), EOD_KIS_TOKEN_EXPIRED);
    CHECK_STR (r.msg1, "기간이 만료된 token 입니다.");
    CHECK_INT (eod_kis_parse_chart (200, body, len, &output1, &rows, &nrows, &r), EOD_KIS_TOKEN_EXPIRED);
    CHECK_INT (eod_kis_parse_holidays (500, body, len, NULL, NULL, NULL, NULL, &r), EOD_KIS_TOKEN_EXPIRED);
    free (body);

    body = s_load ("opsq2001.json", &len);
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
    const char *padded = "{\"rt_cd\":\"1\",\"msg_cd\":\"  EGW00201  \",\"msg1\":\"  초당 거래건수를 초과하였습니다.     \"}";
    CHECK_INT (eod_kis_parse_chart (500, padded, strlen (padded), &output1, &rows, &nrows, &r),
               EOD_KIS_RATE_LIMITED);
    CHECK_STR (r.msg1, "초당 거래건수를 초과하였습니다.");
    CHECK_STR (r.msg_cd, "EGW00201");
    CHECK (rows == NULL && nrows == 0);
    eod_fields_clear (&output1);
}

static void
test_token (void)
{
    size_t len;
    char *token = NULL;
    time_t expires = 0;
    eod_kis_reply_t r;
    const time_t now = 1783500000;

    char *body = s_load ("token.json", &len);
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

    body = s_load ("token_expires_in_only.json", &len);
    CHECK_INT (eod_kis_parse_token (200, body, len, now, &token, &expires, &r), EOD_KIS_OK);
    CHECK_INT (expires, now + 86400);
    free (token);
    free (body);

    body = s_load ("token_egw00133.json", &len);
    CHECK_INT (eod_kis_parse_token (403, body, len, now, &token, &expires, &r), EOD_KIS_TOKEN_THROTTLED);
    CHECK (token == NULL);
    CHECK_STR (r.msg_cd, "EGW00133");
    CHECK_STR (r.msg1, "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)");
    CHECK (strstr (r.error, "HTTP 403") != NULL);
    free (body);

    body = s_load ("token_egw00103.json", &len);
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

static void
test_holidays_parse (void)
{
    size_t len;
    char *body = s_load ("holiday_page1.json", &len);
    days_t d = {.in_order = true};
    eod_kis_ctx_t ctx;
    int days = 0;
    eod_kis_reply_t r;
    CHECK_INT (eod_kis_parse_holidays (200, body, len, s_on_day, &d, &ctx, &days, &r), EOD_KIS_OK);
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

    const char *none = "{\"ctx_area_nk\":\"\",\"ctx_area_fk\":\"\",\"output\":[],\"rt_cd\":\"0\",\"msg_cd\":\"KIOK0510\","
                       "\"msg1\":\"\"}";
    CHECK_INT (eod_kis_parse_holidays (200, none, strlen (none), s_on_day, &d, &ctx, &days, &r), EOD_KIS_NODATA);
    CHECK_INT (days, 0);
}

static void
test_overseas_parse (void)
{
    size_t len;
    char *body = s_load ("overseas_nrec2.json", &len);
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

    body = s_load ("overseas_unknown.json", &len);
    CHECK_INT (eod_kis_parse_overseas (200, body, len, &output1, &rows, &nrows, &r), EOD_KIS_UNKNOWN_SYMBOL);
    CHECK_INT (nrows, 0);
    CHECK (rows == NULL);
    eod_fields_clear (&output1);
    free (body);
}

//  ---------------------------------------------------------------------------
//  A one-shot HTTP server on 127.0.0.1, forked, answering `n` connections in
//  turn with canned responses and appending each raw request to a file.

typedef struct {
    pid_t pid;
    int port;
    FILE *log;
} server_t;

typedef struct {
    int status;               //  HTTP status, or HANG
    const char *headers;      //  extra header lines ("tr_cont: M\r\n"), or ""
    const char *body;
} canned_t;

static void
s_serve_one (int fd, const canned_t *c, FILE *log)
{
    char request[REQUEST_MAX];
    size_t len = 0;
    size_t want = 0;
    while (len < sizeof request - 1) {
        ssize_t n = recv (fd, request + len, sizeof request - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t) n;
        request[len] = '\0';
        char *end = strstr (request, "\r\n\r\n");
        if (end && !want) {
            const char *cl = strcasestr (request, "content-length:");
            want = (size_t) (end + 4 - request) + (cl ? strtoul (cl + 15, NULL, 10) : 0);
        }
        if (want && len >= want)
            break;
    }
    request[len] = '\0';
    fprintf (log, "%s\n=====\n", request);
    fflush (log);
    if (c->status == HANG) {
        sleep (3);
        return;
    }
    char head[512];
    int hlen = snprintf (head, sizeof head,
                         "HTTP/1.1 %d X\r\ncontent-type: application/json; charset=utf-8\r\n%s"
                         "content-length: %zu\r\nconnection: close\r\n\r\n",
                         c->status, c->headers, strlen (c->body));
    if (send (fd, head, (size_t) hlen, 0) < 0 || send (fd, c->body, strlen (c->body), 0) < 0)
        return;
}

static int
s_server_start (server_t *s, const canned_t *canned, int n)
{
    memset (s, 0, sizeof *s);
    s->log = tmpfile ();
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t alen = sizeof addr;
    if (!s->log || fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof addr) || listen (fd, 8)
        || getsockname (fd, (struct sockaddr *) &addr, &alen))
        return -1;
    s->port = ntohs (addr.sin_port);
    fflush (NULL);
    s->pid = fork ();
    if (s->pid < 0)
        return -1;
    if (s->pid == 0) {
        alarm (SERVER_ALARM_S);
        for (int i = 0; i < n; i++) {
            int conn = accept (fd, NULL, NULL);
            if (conn < 0)
                _exit (1);
            s_serve_one (conn, &canned[i], s->log);
            close (conn);
        }
        _exit (0);
    }
    close (fd);
    return 0;
}

//  Waits for the server; returns everything it captured (caller frees).
static char *
s_server_finish (server_t *s)
{
    int status;
    int waited_ms = 0;
    while (waitpid (s->pid, &status, WNOHANG) == 0) {
        if (waited_ms >= SERVER_GRACE_MS) {
            kill (s->pid, SIGKILL);   //  a HANG response still sleeping
            waitpid (s->pid, &status, 0);
            break;
        }
        usleep (10 * 1000);
        waited_ms += 10;
    }
    fseek (s->log, 0, SEEK_END);
    long size = ftell (s->log);
    rewind (s->log);
    char *text = calloc (1, (size_t) size + 1);
    if (text && fread (text, 1, (size_t) size, s->log) != (size_t) size)
        text[0] = '\0';
    fclose (s->log);
    return text;
}

//  The n-th captured request (0-based), cut at its separator, in buf.
static const char *
s_request (const char *log, int index, char *buf, size_t size)
{
    const char *p = log;
    for (int i = 0; i < index && p; i++) {
        p = strstr (p, "\n=====\n");
        if (p)
            p += 7;
    }
    if (!p)
        return "";
    const char *end = strstr (p, "\n=====\n");
    size_t len = end ? (size_t) (end - p) : strlen (p);
    snprintf (buf, size, "%.*s", (int) len, p);
    return buf;
}

static bool
s_has_empty_header (const char *request)
{
    const char *end = strstr (request, "\r\n\r\n");
    for (const char *line = strstr (request, "\r\n"); line && line < end; line = strstr (line + 2, "\r\n")) {
        const char *colon = strchr (line + 2, ':');
        const char *next = strstr (line + 2, "\r\n");
        if (colon && next && colon < next) {
            const char *v = colon + 1;
            while (v < next && *v == ' ')
                v++;
            if (v == next)
                return true;
        }
    }
    return false;
}

static void
test_holidays_wire (void)
{
    size_t len1, len2;
    char *page1 = s_load ("holiday_page1.json", &len1);
    char *page2 = s_load ("holiday_page2.json", &len2);
    canned_t canned[] = {{200, "tr_cont: M\r\ntr_id: CTCA0903R\r\n", page1},
                         {200, "tr_cont: D\r\ntr_id: CTCA0903R\r\n", page2}};
    server_t server;
    CHECK_INT (s_server_start (&server, canned, 2), 0);
    char base[64];
    snprintf (base, sizeof base, "http://127.0.0.1:%d", server.port);
    eod_kis_conn_t conn = {.http = eod_http_perform, .base_url = base, .app_key = "PSappkey0123456789", .app_secret = s_secret,
                           .timeout_ms = 5000};
    days_t d = {.in_order = true};
    int requests = 0;
    eod_kis_reply_t r;
    CHECK_INT (eod_kis_holidays (&conn, s_token, "20260105", 10, s_on_day, &d, &requests, &r), EOD_KIS_OK);
    CHECK_INT (requests, 2);
    CHECK_INT (d.days, 48);
    CHECK_INT (d.open, 32);
    CHECK_STR (d.last, "20260221");
    CHECK (d.in_order);
    CHECK (!d.feb17_open);
    CHECK_STR (r.tr_cont, "D");
    CHECK_STR (r.error, "");
    char *log = s_server_finish (&server);
    char req[REQUEST_MAX];
    const char *first = s_request (log, 0, req, sizeof req);
    CHECK (s_starts (first, "GET /uapi/domestic-stock/v1/quotations/chk-holiday?BASS_DT=20260105&CTX_AREA_NK=&"
                            "CTX_AREA_FK= HTTP/1.1\r\n"));
    CHECK (strcasestr (first, "\r\ntr_cont") == NULL);
    CHECK (strcasestr (first, "\r\ntr_id: CTCA0903R\r\n") != NULL);
    CHECK (strcasestr (first, "\r\ncusttype: P\r\n") != NULL);
    CHECK (strcasestr (first, "\r\nappkey: PSappkey0123456789\r\n") != NULL);
    CHECK (strstr (first, "\r\nauthorization: Bearer TOKEN-eyJ0eXAiOiJKV1Qi.payload.signature\r\n") != NULL);
    CHECK (strstr (first, s_secret) != NULL);
    CHECK (strcasestr (first, "\r\ncontent-type: application/json; charset=utf-8\r\n") != NULL);
    CHECK (!s_has_empty_header (first));
    const char *second = s_request (log, 1, req, sizeof req);
    CHECK (strstr (second, "BASS_DT=20260105&CTX_AREA_NK=20260128%20%20%20%20%20%20%20%20%20%20%20%20&"
                           "CTX_AREA_FK=20260105%20%20%20%20%20%20%20%20%20%20%20%20 HTTP/1.1") != NULL);
    CHECK (strcasestr (second, "\r\ntr_cont: N\r\n") != NULL);
    CHECK (!s_has_empty_header (second));
    free (log);

    //  The page cap stops an endless calendar: M on every page, one page allowed.
    canned_t more[] = {{200, "tr_cont: M\r\n", page1}};
    CHECK_INT (s_server_start (&server, more, 1), 0);
    snprintf (base, sizeof base, "http://127.0.0.1:%d", server.port);
    d = (days_t) {.in_order = true};
    CHECK_INT (eod_kis_holidays (&conn, s_token, "20260105", 1, s_on_day, &d, &requests, &r), EOD_KIS_OK);
    CHECK_INT (requests, 1);
    CHECK_INT (d.days, 24);
    free (s_server_finish (&server));
    free (page1);
    free (page2);
}

static void
test_chart_wire (void)
{
    size_t len;
    char *limited = s_load ("egw00201.json", &len);
    char *portal = s_load ("chart_portal.json", &len);
    canned_t canned[] = {{500, "", limited}, {200, "", portal}};
    server_t server;
    CHECK_INT (s_server_start (&server, canned, 2), 0);
    char base[64];
    snprintf (base, sizeof base, "http://127.0.0.1:%d/", server.port);
    eod_kis_conn_t conn = {.http = eod_http_perform, .base_url = base, .app_key = "PSappkey0123456789", .app_secret = s_secret,
                           .timeout_ms = 5000};
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    int64_t before = eod_monotonic_us ();
    CHECK_INT (eod_kis_daily_chart (&conn, s_token, "005930", "20220101", "20220509", true, &output1, &rows,
                                    &nrows, &r),
               EOD_KIS_RATE_LIMITED);
    //  When the request went out: after the call began, before it returned.
    CHECK (r.sent_us >= before && r.sent_us <= eod_monotonic_us ());
    CHECK_INT (r.http_status, 500);
    CHECK (strstr (r.error, "005930") != NULL);
    CHECK (strstr (r.error, s_token) == NULL);
    CHECK (strstr (r.error, s_secret) == NULL);
    CHECK_INT (eod_kis_daily_chart (&conn, s_token, "005930", "20220101", "20220509", false, &output1, &rows,
                                    &nrows, &r),
               EOD_KIS_OK);
    CHECK_INT (nrows, 2);
    CHECK (r.sent_us >= before);
    eod_fields_array_free (&rows, nrows);
    eod_fields_clear (&output1);
    char *log = s_server_finish (&server);
    char req[REQUEST_MAX];
    CHECK (s_starts (s_request (log, 0, req, sizeof req),
                     "GET /uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice?FID_COND_MRKT_DIV_CODE=J&"
                     "FID_INPUT_ISCD=005930&FID_INPUT_DATE_1=20220101&FID_INPUT_DATE_2=20220509&"
                     "FID_PERIOD_DIV_CODE=D&FID_ORG_ADJ_PRC=0 HTTP/1.1\r\n"));
    CHECK (strcasestr (req, "\r\ntr_id: FHKST03010100\r\n") != NULL);
    CHECK (strcasestr (req, "\r\ntr_cont") == NULL);
    CHECK (!s_has_empty_header (req));
    CHECK (strstr (s_request (log, 1, req, sizeof req), "&FID_ORG_ADJ_PRC=1 HTTP/1.1") != NULL);
    free (log);

    //  Bad input never reaches the wire.
    CHECK_INT (eod_kis_daily_chart (&conn, s_token, "005 930", "20220101", "20220509", true, &output1, &rows,
                                    &nrows, &r),
               EOD_KIS_PERMANENT);
    CHECK (r.sent_us == 0);
    CHECK_INT (eod_kis_daily_chart (&conn, "", "005930", "20220101", "20220509", true, &output1, &rows, &nrows,
                                    &r),
               EOD_KIS_PERMANENT);
    free (limited);
    free (portal);
}

static void
test_overseas_wire (void)
{
    size_t len;
    char *body = s_load ("overseas_nrec2.json", &len);
    canned_t canned[] = {{200, "", body}};
    server_t server;
    CHECK_INT (s_server_start (&server, canned, 1), 0);
    char base[64];
    snprintf (base, sizeof base, "http://127.0.0.1:%d", server.port);
    eod_kis_conn_t conn = {.http = eod_http_perform, .base_url = base, .app_key = "PSappkey0123456789", .app_secret = s_secret,
                           .timeout_ms = 5000};
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    CHECK_INT (eod_kis_overseas_daily (&conn, s_token, "NAS", "AAPL", "20260109", true, &output1, &rows, &nrows,
                                       &r),
               EOD_KIS_OK);
    CHECK_INT (nrows, 2);
    eod_fields_array_free (&rows, nrows);
    eod_fields_clear (&output1);
    char *log = s_server_finish (&server);
    char req[REQUEST_MAX];
    CHECK (s_starts (s_request (log, 0, req, sizeof req),
                     "GET /uapi/overseas-price/v1/quotations/dailyprice?AUTH=&EXCD=NAS&SYMB=AAPL&GUBN=0&"
                     "BYMD=20260109&MODP=1&KEYB= HTTP/1.1\r\n"));
    CHECK (strcasestr (req, "\r\ntr_id: HHDFS76240000\r\n") != NULL);
    free (log);
    free (body);
}

static void
test_token_wire (void)
{
    size_t len1, len2;
    char *ok = s_load ("token.json", &len1);
    char *throttled = s_load ("token_egw00133.json", &len2);
    canned_t canned[] = {{200, "", ok}, {403, "", throttled}};
    server_t server;
    CHECK_INT (s_server_start (&server, canned, 2), 0);
    char base[64];
    snprintf (base, sizeof base, "http://127.0.0.1:%d", server.port);
    eod_kis_conn_t conn = {.http = eod_http_perform, .base_url = base, .app_key = "PSappkey0123456789", .app_secret = s_secret,
                           .timeout_ms = 5000};
    char *token = NULL;
    time_t expires = 0;
    eod_kis_reply_t r;
    CHECK_INT (eod_kis_issue_token (&conn, &token, &expires, &r), EOD_KIS_OK);
    CHECK (token && s_starts (token, "eyJ0eXAi"));
    CHECK_INT (expires, 1783642533);
    free (token);
    CHECK_INT (eod_kis_issue_token (&conn, &token, &expires, &r), EOD_KIS_TOKEN_THROTTLED);
    CHECK (token == NULL);
    CHECK_INT (r.http_status, 403);
    CHECK (strstr (r.error, s_secret) == NULL);
    char *log = s_server_finish (&server);
    char req[REQUEST_MAX];
    s_request (log, 0, req, sizeof req);
    CHECK (s_starts (req, "POST /oauth2/tokenP HTTP/1.1\r\n"));
    CHECK (strstr (req, "{\"grant_type\":\"client_credentials\",\"appkey\":\"PSappkey0123456789\",\"appsecret\":\"") !=
           NULL);
    CHECK (strstr (req, s_secret) != NULL);
    CHECK (strcasestr (req, "\r\nauthorization") == NULL);
    free (log);
    free (ok);
    free (throttled);
}

static void
test_transport (void)
{
    //  Nothing listens on a port just closed: a transport error, retryable.
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t alen = sizeof addr;
    CHECK (fd >= 0 && bind (fd, (struct sockaddr *) &addr, sizeof addr) == 0
           && getsockname (fd, (struct sockaddr *) &addr, &alen) == 0);
    close (fd);
    char base[64];
    snprintf (base, sizeof base, "http://127.0.0.1:%d", ntohs (addr.sin_port));
    eod_kis_conn_t conn = {.http = eod_http_perform, .base_url = base, .app_key = "PSappkey0123456789", .app_secret = s_secret,
                           .timeout_ms = 2000};
    days_t d = {.in_order = true};
    int requests = 0;
    eod_kis_reply_t r;
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    CHECK_INT (eod_kis_overseas_daily (&conn, s_token, "NYS", "BRK/B", "", false, &output1, &rows, &nrows, &r),
               EOD_KIS_RETRYABLE);
    CHECK (r.sent_us == 0);   //  refused: nothing went out
    CHECK_INT (eod_kis_holidays (&conn, s_token, "20260105", 3, s_on_day, &d, &requests, &r), EOD_KIS_RETRYABLE);
    CHECK_INT (requests, 1);
    CHECK_INT (r.http_status, 0);
    CHECK (strstr (r.error, "chk-holiday") != NULL);
    CHECK (strstr (r.error, s_token) == NULL);

    //  A server that never answers: the timeout is retryable too.
    canned_t hang[] = {{HANG, "", ""}};
    server_t server;
    CHECK_INT (s_server_start (&server, hang, 1), 0);
    snprintf (base, sizeof base, "http://127.0.0.1:%d", server.port);
    conn.timeout_ms = 300;
    CHECK_INT (eod_kis_overseas_daily (&conn, s_token, "NYS", "BRK/B", "", false, &output1, &rows, &nrows, &r),
               EOD_KIS_RETRYABLE);
    CHECK (strstr (r.error, "timeout") != NULL);
    CHECK (r.sent_us > 0);   //  it went out, it was not answered
    char *log = s_server_finish (&server);
    CHECK (strstr (log, "SYMB=BRK%2FB&GUBN=0&BYMD=&MODP=0&KEYB=") != NULL);
    free (log);
}

int
main (void)
{
    eod_log_init ("test_kis");
    if (eod_http_global_init ())
        return 2;
    test_chart_portal ();
    test_chart_nodata ();
    test_chart_types ();
    test_errors ();
    test_token ();
    test_holidays_parse ();
    test_overseas_parse ();
    test_holidays_wire ();
    test_chart_wire ();
    test_overseas_wire ();
    test_token_wire ();
    test_transport ();
    eod_http_global_cleanup ();
    return EOD_TEST_DONE ();
}
