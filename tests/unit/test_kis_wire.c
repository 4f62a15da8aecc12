/*  test_kis_wire — the KIS calls (common/kis/kis_request.c) through
    libcurl against a one-shot HTTP server forked on 127.0.0.1: the raw
    requests as they go out (headers, query strings, the continuation of
    chk-holiday), secrets kept out of error texts, and how a refused
    connection and a server that never answers are classified. */
#define _GNU_SOURCE   //  strcasestr
#include "eod_test.h"
#include "eod_http.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "eod_util.h"
#include "kis_fixtures.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define REQUEST_MAX 8192          //  one captured request
#define SERVER_ALARM_S 20         //  the child never outlives a stuck test
#define SERVER_GRACE_MS 500       //  time the server has to exit after its last answer
#define HANG 2                    //  response marker: accept, read, answer nothing
#define WIRE_TIMEOUT_MS 5000      //  a request to the local server
#define REFUSED_TIMEOUT_MS 2000   //  a request to a port nothing listens on
#define BASE_MAX 64

static const char *s_secret = "SECRET-appsecret-0123456789abcdefghijklmnopqrstuvwxyz";
static const char *s_token = "TOKEN-eyJ0eXAiOiJKV1Qi.payload.signature";

//  True when text starts with prefix.
static bool
s_starts (const char *text, const char *prefix)
{
    return text && strncmp (text, prefix, strlen (prefix)) == 0;
}

//  A connection through libcurl to 127.0.0.1:port; base (size bytes) holds
//  its URL, with suffix ("" or "/") after the port.
static eod_kis_conn_t
s_conn (char *base, size_t size, int port, const char *suffix, long timeout_ms)
{
    snprintf (base, size, "http://127.0.0.1:%d%s", port, suffix);
    return (eod_kis_conn_t){.http = eod_http_perform,
                            .base_url = base,
                            .app_key = "PSappkey0123456789",
                            .app_secret = s_secret,
                            .timeout_ms = timeout_ms};
}

//  A one-shot HTTP server on 127.0.0.1, forked, answering `n` connections in
//  turn with canned responses and appending each raw request to a file.

typedef struct {
    pid_t pid;
    int port;
    FILE *log;
} server_t;

typedef struct {
    int status;            //  HTTP status, or HANG
    const char *headers;   //  extra header lines ("tr_cont: M\r\n"), or ""
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
    char *page1 = kis_fixture ("holiday_page1.json", &len1);
    char *page2 = kis_fixture ("holiday_page2.json", &len2);
    canned_t canned[] = {{200, "tr_cont: M\r\ntr_id: CTCA0903R\r\n", page1},
                         {200, "tr_cont: D\r\ntr_id: CTCA0903R\r\n", page2}};
    server_t server;
    CHECK_INT (s_server_start (&server, canned, 2), 0);
    char base[BASE_MAX];
    eod_kis_conn_t conn = s_conn (base, sizeof base, server.port, "", WIRE_TIMEOUT_MS);
    kis_days_t d = {.in_order = true};
    int requests = 0;
    eod_kis_reply_t r;
    CHECK_INT (eod_kis_holidays (&conn, s_token, "20260105", 10, kis_on_day, &d, &requests, &r), EOD_KIS_OK);
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
                           "CTX_AREA_FK=20260105%20%20%20%20%20%20%20%20%20%20%20%20 HTTP/1.1")
           != NULL);
    CHECK (strcasestr (second, "\r\ntr_cont: N\r\n") != NULL);
    CHECK (!s_has_empty_header (second));
    free (log);

    //  The page cap stops an endless calendar: M on every page, one page allowed.
    canned_t more[] = {{200, "tr_cont: M\r\n", page1}};
    CHECK_INT (s_server_start (&server, more, 1), 0);
    snprintf (base, sizeof base, "http://127.0.0.1:%d", server.port);
    d = (kis_days_t){.in_order = true};
    CHECK_INT (eod_kis_holidays (&conn, s_token, "20260105", 1, kis_on_day, &d, &requests, &r), EOD_KIS_OK);
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
    char *limited = kis_fixture ("egw00201.json", &len);
    char *portal = kis_fixture ("chart_portal.json", &len);
    canned_t canned[] = {{500, "", limited}, {200, "", portal}};
    server_t server;
    CHECK_INT (s_server_start (&server, canned, 2), 0);
    char base[BASE_MAX];
    eod_kis_conn_t conn = s_conn (base, sizeof base, server.port, "/", WIRE_TIMEOUT_MS);
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    int64_t before = eod_monotonic_us ();
    CHECK_INT (
        eod_kis_daily_chart (&conn, s_token, "005930", "20220101", "20220509", true, &output1, &rows, &nrows, &r),
        EOD_KIS_RATE_LIMITED);
    //  When the request went out: after the call began, before it returned.
    CHECK (r.sent_us >= before && r.sent_us <= eod_monotonic_us ());
    CHECK_INT (r.http_status, 500);
    CHECK (strstr (r.error, "005930") != NULL);
    CHECK (strstr (r.error, s_token) == NULL);
    CHECK (strstr (r.error, s_secret) == NULL);
    CHECK_INT (
        eod_kis_daily_chart (&conn, s_token, "005930", "20220101", "20220509", false, &output1, &rows, &nrows, &r),
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
    CHECK_INT (
        eod_kis_daily_chart (&conn, s_token, "005 930", "20220101", "20220509", true, &output1, &rows, &nrows, &r),
        EOD_KIS_PERMANENT);
    CHECK (r.sent_us == 0);
    CHECK_INT (eod_kis_daily_chart (&conn, "", "005930", "20220101", "20220509", true, &output1, &rows, &nrows, &r),
               EOD_KIS_PERMANENT);
    free (limited);
    free (portal);
}

static void
test_overseas_wire (void)
{
    size_t len;
    char *body = kis_fixture ("overseas_nrec2.json", &len);
    canned_t canned[] = {{200, "", body}};
    server_t server;
    CHECK_INT (s_server_start (&server, canned, 1), 0);
    char base[BASE_MAX];
    eod_kis_conn_t conn = s_conn (base, sizeof base, server.port, "", WIRE_TIMEOUT_MS);
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    CHECK_INT (eod_kis_overseas_daily (&conn, s_token, "NAS", "AAPL", "20260109", true, &output1, &rows, &nrows, &r),
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
    char *ok = kis_fixture ("token.json", &len1);
    char *throttled = kis_fixture ("token_egw00133.json", &len2);
    canned_t canned[] = {{200, "", ok}, {403, "", throttled}};
    server_t server;
    CHECK_INT (s_server_start (&server, canned, 2), 0);
    char base[BASE_MAX];
    eod_kis_conn_t conn = s_conn (base, sizeof base, server.port, "", WIRE_TIMEOUT_MS);
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
    CHECK (strstr (req, "{\"grant_type\":\"client_credentials\",\"appkey\":\"PSappkey0123456789\",\"appsecret\":\"")
           != NULL);
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
    char base[BASE_MAX];
    eod_kis_conn_t conn = s_conn (base, sizeof base, ntohs (addr.sin_port), "", REFUSED_TIMEOUT_MS);
    kis_days_t d = {.in_order = true};
    int requests = 0;
    eod_kis_reply_t r;
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    CHECK_INT (eod_kis_overseas_daily (&conn, s_token, "NYS", "BRK/B", "", false, &output1, &rows, &nrows, &r),
               EOD_KIS_RETRYABLE);
    CHECK (r.sent_us == 0);   //  refused: nothing went out
    CHECK_INT (eod_kis_holidays (&conn, s_token, "20260105", 3, kis_on_day, &d, &requests, &r), EOD_KIS_RETRYABLE);
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
    eod_log_init ("test_kis_wire");
    if (eod_http_global_init ())
        return 2;
    test_holidays_wire ();
    test_chart_wire ();
    test_overseas_wire ();
    test_token_wire ();
    test_transport ();
    eod_http_global_cleanup ();
    return EOD_TEST_DONE ();
}
