/*  test_http_child — requests made through the eod-http child process: the
    wire format both ways (NULL and empty strings, binary bodies, headers),
    every truncation and a bad terminator refused without a crash, a TLS
    refusal carried back; which libcurl results are TLS failures no retry
    mends, a URL's host; and the real program: an answer from a local
    server, a refused connection, a CA file it cannot use (TLS refused,
    the host named), a missing program. */
#include "eod_http.h"
#include "eod_test.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define S_ACCEPT_WAIT_MS 10000

//  A one-shot HTTP server on 127.0.0.1: answers the first request with a
//  fixed response and records what it received.
typedef struct {
    int listener;
    int port;
    char got[8192];
} s_server_t;

static void *
s_serve (void *arg)
{
    s_server_t *srv = arg;
    struct pollfd p = {.fd = srv->listener, .events = POLLIN};
    if (poll (&p, 1, S_ACCEPT_WAIT_MS) != 1)
        return NULL;   //  the request never came: the checks below say so
    int fd = accept (srv->listener, NULL, NULL);
    if (fd < 0)
        return NULL;
    size_t have = 0;
    while (have < sizeof srv->got - 1) {
        ssize_t n = read (fd, srv->got + have, sizeof srv->got - 1 - have);
        if (n <= 0)
            break;
        have += (size_t) n;
        srv->got[have] = '\0';
        char *end = strstr (srv->got, "\r\n\r\n");
        if (end && (size_t) (end + 4 - srv->got) + 5 <= have)
            break;   //  headers and the 5-byte body
    }
    const char *answer = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\ntr_cont: M\r\n"
                         "Content-Length: 13\r\nConnection: close\r\n\r\n{\"ok\":\"yes\"}\n";
    if (write (fd, answer, strlen (answer)) < 0)
        fprintf (stderr, "server: write failed\n");
    close (fd);
    return NULL;
}

static int
s_server_start (s_server_t *srv)
{
    memset (srv, 0, sizeof *srv);
    srv->listener = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (srv->listener < 0 || bind (srv->listener, (struct sockaddr *) &a, sizeof a) || listen (srv->listener, 1)
        || getsockname (srv->listener, (struct sockaddr *) &a, &len))
        return -1;
    srv->port = ntohs (a.sin_port);
    return 0;
}

int
main (void)
{
    //  The one-shot server answers a client that may have hung up.
    signal (SIGPIPE, SIG_IGN);
    //  The request, both ways.
    const char *headers[] = {"content-type: application/json", "appkey: PSkey", NULL};
    const char body[] = {'{', '\0', '}'};
    eod_http_request_t req = {.method = "POST",
                              .url = "http://127.0.0.1:9/x?q=1",
                              .headers = headers,
                              .body = body,
                              .body_len = sizeof body,
                              .timeout_ms = 1500,
                              .max_body = 4096,
                              .insecure = true,
                              .ca_file = NULL,
                              .user_agent = ""};
    char *wire = NULL;
    size_t len = 0;
    CHECK_INT (eod_http_child_encode_request (&req, &wire, &len), 0);
    eod_http_request_t back;
    const char **list = NULL;
    char *copy = malloc (len);
    memcpy (copy, wire, len);
    CHECK_INT (eod_http_child_decode_request (copy, len, &back, &list), 0);
    CHECK_STR (back.method, "POST");
    CHECK_STR (back.url, "http://127.0.0.1:9/x?q=1");
    CHECK (back.body_len == sizeof body && memcmp (back.body, body, sizeof body) == 0);
    CHECK (back.ca_file == NULL);
    CHECK_STR (back.user_agent, "");
    CHECK (list && list[0] && list[1] && !list[2]);
    CHECK_STR (list ? list[1] : NULL, "appkey: PSkey");
    CHECK_INT ((int) back.timeout_ms, 1500);
    CHECK_INT ((int) back.connect_timeout_ms, 0);
    CHECK_INT ((int) back.max_body, 4096);
    CHECK (back.insecure);
    free (list);
    //  Every cut of it, and a byte more, is refused.
    int refused = 0;
    for (size_t cut = 0; cut < len; cut++) {
        list = NULL;
        refused += eod_http_child_decode_request (copy, cut, &back, &list) == -1 && list == NULL;
    }
    CHECK_INT (refused, (int) len);
    char *longer = malloc (len + 1);
    memcpy (longer, wire, len);
    longer[len] = 'x';
    CHECK_INT (eod_http_child_decode_request (longer, len + 1, &back, &list), -1);
    free (longer);
    //  A string's terminator that is not a NUL, and a bad magic.
    memcpy (copy, wire, len);
    copy[8 + 4 + 4] = 'x';   //  the NUL after "POST"
    CHECK_INT (eod_http_child_decode_request (copy, len, &back, &list), -1);
    memcpy (copy, wire, len);
    copy[0] = 'X';
    CHECK_INT (eod_http_child_decode_request (copy, len, &back, &list), -1);
    free (copy);
    free (wire);

    //  The response, both ways.
    eod_http_response_t resp = {.status = 200, .body = "{\"a\":1}", .body_len = 7, .headers = "tr_cont: F\r\n"};
    snprintf (resp.error, sizeof resp.error, "fine");
    CHECK_INT (eod_http_child_encode_response (0, &resp, &wire, &len), 0);
    eod_http_response_t got;
    int rc = 7;
    CHECK_INT (eod_http_child_decode_response (wire, len, &rc, &got), 0);
    CHECK_INT (rc, 0);
    CHECK_INT ((int) got.status, 200);
    CHECK_STR (got.body, "{\"a\":1}");
    CHECK_INT ((int) got.body_len, 7);
    CHECK_STR (got.error, "fine");
    char value[16] = "";
    CHECK_INT (eod_http_response_header (&got, "tr_cont", value, sizeof value), 0);
    CHECK_STR (value, "F");
    eod_http_response_free (&got);
    refused = 0;
    for (size_t cut = 0; cut < len; cut++) {
        refused += eod_http_child_decode_response (wire, cut, &rc, &got) == -1;
        eod_http_response_free (&got);
    }
    CHECK_INT (refused, (int) len);
    free (wire);
    eod_http_response_t none = {.status = 0, .timed_out = true};
    snprintf (none.error, sizeof none.error, "timeout");
    CHECK_INT (eod_http_child_encode_response (-1, &none, &wire, &len), 0);
    CHECK_INT (eod_http_child_decode_response (wire, len, &rc, &got), 0);
    CHECK_INT (rc, -1);
    CHECK (got.timed_out && got.body == NULL && got.headers == NULL);
    CHECK (!got.tls_refused);
    eod_http_response_free (&got);
    free (wire);
    //  A refused certificate crosses too: the caller must not retry it.
    eod_http_response_t tls = {.status = 0, .tls_refused = true};
    snprintf (tls.error, sizeof tls.error, "TLS to kis.test:9443 failed: certificate has expired");
    CHECK_INT (eod_http_child_encode_response (-1, &tls, &wire, &len), 0);
    CHECK_INT (eod_http_child_decode_response (wire, len, &rc, &got), 0);
    CHECK (got.tls_refused && !got.timed_out);
    CHECK_STR (got.error, "TLS to kis.test:9443 failed: certificate has expired");
    eod_http_response_free (&got);
    free (wire);

    //  Which libcurl results are a TLS failure no retry mends, and a URL's host.
    CHECK (eod_http_code_is_tls (CURLE_PEER_FAILED_VERIFICATION));
    CHECK (eod_http_code_is_tls (CURLE_SSL_CACERT_BADFILE));
    CHECK (eod_http_code_is_tls (CURLE_SSL_ISSUER_ERROR));
    CHECK (!eod_http_code_is_tls (CURLE_SSL_CONNECT_ERROR));
    CHECK (!eod_http_code_is_tls (CURLE_COULDNT_CONNECT));
    CHECK (!eod_http_code_is_tls (CURLE_OPERATION_TIMEDOUT));
    CHECK (!eod_http_code_is_tls (CURLE_OK));
    char host[64];
    eod_http_url_host ("https://user:pw@openapi.example:9443/oauth2/tokenP?x=1", host, sizeof host);
    CHECK_STR (host, "openapi.example:9443");
    eod_http_url_host ("http://[::1]:8080/x", host, sizeof host);
    CHECK_STR (host, "[::1]:8080");
    eod_http_url_host ("kis.test", host, sizeof host);
    CHECK_STR (host, "kis.test");

    //  The real program, beside this test's directory: bin/eod-http.
    char self[PATH_MAX], program[PATH_MAX + 32];
    ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
    CHECK (n > 0);
    self[n > 0 ? n : 0] = '\0';
    char *slash = strrchr (self, '/');
    if (slash)
        *slash = '\0';
    snprintf (program, sizeof program, "%s/../bin/eod-http", self);
    eod_http_child_set_program (program);
    s_server_t srv;
    CHECK_INT (s_server_start (&srv), 0);
    pthread_t thread;
    pthread_create (&thread, NULL, s_serve, &srv);
    char url[64];
    snprintf (url, sizeof url, "http://127.0.0.1:%d/oauth2/tokenP", srv.port);
    const char *post_headers[] = {"content-type: application/json", NULL};
    eod_http_request_t post = {
        .method = "POST", .url = url, .headers = post_headers, .body = "hello", .body_len = 5, .timeout_ms = 5000};
    eod_http_response_t answer;
    CHECK_INT (eod_http_child_perform (&post, &answer), 0);
    pthread_join (thread, NULL);
    close (srv.listener);
    CHECK_INT ((int) answer.status, 201);
    CHECK_STR (answer.body, "{\"ok\":\"yes\"}\n");
    CHECK_INT (eod_http_response_header (&answer, "tr_cont", value, sizeof value), 0);
    CHECK_STR (value, "M");
    CHECK (strstr (srv.got, "POST /oauth2/tokenP HTTP/1.1\r\n") == srv.got);
    CHECK (strstr (srv.got, "\r\n\r\nhello") != NULL);
    eod_http_response_free (&answer);

    //  Nobody listening: a transport error from the child, the error said.
    int closed = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    bind (closed, (struct sockaddr *) &a, sizeof a);
    getsockname (closed, (struct sockaddr *) &a, &alen);
    close (closed);
    snprintf (url, sizeof url, "http://127.0.0.1:%d/", ntohs (a.sin_port));
    eod_http_request_t get = {.method = "GET", .url = url, .timeout_ms = 2000};
    CHECK_INT (eod_http_child_perform (&get, &answer), -1);
    CHECK_INT ((int) answer.status, 0);
    CHECK (strstr (answer.error, "127.0.0.1") != NULL);
    eod_http_response_free (&answer);

    //  A CA file that cannot be read, through the child: refused as TLS,
    //  naming the host, not a network failure.
    CHECK_INT (s_server_start (&srv), 0);
    pthread_create (&thread, NULL, s_serve, &srv);
    snprintf (url, sizeof url, "https://127.0.0.1:%d/oauth2/tokenP", srv.port);
    eod_http_request_t tls_get = {.method = "GET", .url = url, .timeout_ms = 5000, .ca_file = "/nonexistent/ca.pem"};
    CHECK_INT (eod_http_child_perform (&tls_get, &answer), -1);
    pthread_join (thread, NULL);
    close (srv.listener);
    CHECK (answer.tls_refused);
    char named[64];
    snprintf (named, sizeof named, "TLS to 127.0.0.1:%d failed", srv.port);
    CHECK (strstr (answer.error, named) != NULL);
    eod_http_response_free (&answer);

    //  No such program: an error naming it, no crash.
    eod_http_child_set_program ("/nonexistent/eod-http");
    CHECK_INT (eod_http_child_perform (&get, &answer), -1);
    CHECK (strstr (answer.error, "/nonexistent/eod-http") != NULL);
    eod_http_response_free (&answer);
    return EOD_TEST_DONE ();
}
