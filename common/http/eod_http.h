/*  eod_http — the one libcurl module: every outside HTTP call of eod goes here.

    Timeouts always, a size cap on every response body, TLS verification on
    unless the caller says otherwise, errors logged with the URL (query strings
    and secrets removed) and libcurl's own explanation. A certificate the
    client refuses (untrusted, of another host, expired; a CA file that
    cannot be read) is told apart from a network failure (tls_refused): it is
    a configuration error that no retry mends. S3 signing lives in eod_s3,
    which uses the same global init. */
#ifndef EOD_HTTP_H
#define EOD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EOD_HTTP_BODY_MAX_DEFAULT (8u * 1024 * 1024)   //  8 MiB: master zips are ~1 MiB

typedef struct {
    const char *method;   //  "GET", "POST", "PUT"
    const char *url;
    const char *const *headers;   //  NULL-terminated "Name: value" list, or NULL
    const char *body;             //  request body or NULL
    size_t body_len;
    long timeout_ms;           //  whole transfer; 0 means 30 s
    long connect_timeout_ms;   //  0 means 5 s
    size_t max_body;           //  0 means EOD_HTTP_BODY_MAX_DEFAULT
    bool insecure;             //  true only by an explicit config key
    const char *ca_file;       //  NULL: system store
    const char *user_agent;    //  NULL: "eod/VERSION"
    FILE *body_file;           //  NULL: the body is kept in resp.body; else it is written
                               //  here as it arrives (max_body still caps it), resp.body
                               //  is "" and resp.body_len the bytes written. The caller
                               //  empties the file before a retry.
} eod_http_request_t;

typedef struct {
    long status;   //  HTTP status, 0 when no response
    char *body;    //  NUL-terminated, owned; NULL when none
    size_t body_len;
    char *headers;     //  raw response headers of the last response, owned
    char error[256];   //  transport error text when perform failed
    bool timed_out;
    bool tls_refused;   //  the TLS set-up failed for a reason a retry cannot mend:
                        //  the peer's certificate (untrusted, another host's,
                        //  expired) or the CA file; a configuration error, and
                        //  error names the host and why

    int64_t sent_us;   //  eod_monotonic_us () when the request went out (libcurl's
                       //  pretransfer instant, after any connect and TLS handshake);
                       //  0 when it never did, and from eod_http_child_perform
} eod_http_response_t;

//  Once per process, before any thread starts. Returns 0 or -1.
int eod_http_global_init (void);
//  Closes the calling thread's connections too (see eod_http_thread_done).
void eod_http_global_cleanup (void);

//  eod_http_perform keeps one libcurl handle per thread, so a thread's
//  requests to one host share a connection. A thread that used eod_http calls
//  this before it ends, to close them and free the handle.
void eod_http_thread_done (void);

//  While a request of the calling thread is in flight, call fn (arg) whenever
//  fd is readable and at least every every_ms: a single-threaded program
//  keeps serving its own socket (a ZeroMQ socket's ZMQ_FD: fn must then take
//  every message waiting, as ZMQ_FD only signals a change) during the
//  request. fn must not make an eod_http request. NULL fn: no watch. The
//  request runs through a curl multi handle of the thread, kept with its
//  connections until eod_http_thread_done.
typedef void (eod_http_watch_fn) (void *arg);
void eod_http_set_watch (int fd, long every_ms, eod_http_watch_fn *fn, void *arg);

//  Performs one request, on a connection the calling thread opened earlier to
//  the same host when there is one. Returns 0 when an HTTP response arrived (whatever its
//  status), -1 on a transport error, a timeout or a body over the cap (error set).
//  The caller frees the response with eod_http_response_free.
int eod_http_perform (const eod_http_request_t *req, eod_http_response_t *resp);

void eod_http_response_free (eod_http_response_t *resp);

//  Copies the value of a response header (case-insensitive name, trimmed) into
//  out. Returns 0 when found, -1 otherwise.
int eod_http_response_header (const eod_http_response_t *resp, const char *name, char *out, size_t outsize);

//  Writes url without its query string and userinfo into out, for log lines.
void eod_http_url_for_log (const char *url, char *out, size_t outsize);

//  Writes the host (and port) of url into out: "host", "host:port", "[v6]:port".
void eod_http_url_host (const char *url, char *out, size_t outsize);

//  True when libcurl's result code (a CURLcode) is a TLS failure a retry
//  cannot mend (eod_http_response_t.tls_refused).
bool eod_http_code_is_tls (int curl_code);

//  A way to perform a request: eod_http_perform (libcurl, in this process) or
//  eod_http_child_perform (in a child process).
typedef int (eod_http_fn) (const eod_http_request_t *req, eod_http_response_t *resp);

//  ---------------------------------------------------------------- child
//  eod_http_child.c: requests made by a child process, the program eod-http,
//  so the caller loads neither libcurl nor TLS (the coordinator: its few
//  requests a day — tokens, chk-holiday — do not make it carry them). The
//  request, secrets included, goes to the child over a pipe, never on its
//  command line; the child's log lines go to the caller's stderr.

//  The eod-http program to run; NULL or "" (the default): eod-http in the
//  directory of the running program. The path is copied.
void eod_http_child_set_program (const char *path);

//  Same contract as eod_http_perform. A child that cannot be started, dies,
//  or answers nothing whole within the request's timeouts + 5 s is a
//  transport error (-1, error set, the child killed).
int eod_http_child_perform (const eod_http_request_t *req, eod_http_response_t *resp);

//  The child's side: reads one request from fd in, performs it with perform
//  and writes the response to fd out. 0, or -1 when the request is
//  malformed or the answer cannot be written (logged).
int eod_http_child_serve (int in, int out, eod_http_fn *perform);

//  The wire format, for tests: a request or response as bytes (malloc'd, the
//  caller frees) and back. Decoding checks every length against the bytes
//  present; strings decoded into req point into buf, which must outlive req.
int eod_http_child_encode_request (const eod_http_request_t *req, char **out, size_t *len);
int eod_http_child_decode_request (char *buf, size_t len, eod_http_request_t *req, const char ***headers);
int eod_http_child_encode_response (int rc, const eod_http_response_t *resp, char **out, size_t *len);
int eod_http_child_decode_response (const char *buf, size_t len, int *rc, eod_http_response_t *resp);

#endif
