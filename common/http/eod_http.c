/*  eod_http — see eod_http.h. */
#include "eod_http.h"
#include "eod_log.h"
#include "eod_util.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define EOD_HTTP_TIMEOUT_MS 30000   //  whole transfer unless the caller says
#define EOD_HTTP_CONNECT_TIMEOUT_MS 5000
#define EOD_HTTP_HEADERS_MAX (64 * 1024)   //  response headers beyond this are dropped

#ifndef EOD_VERSION
#define EOD_VERSION "0"
#endif

static pthread_once_t s_init_once = PTHREAD_ONCE_INIT;
static int s_init_rc = -1;

static void
s_global_init (void)
{
    s_init_rc = curl_global_init (CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

int
eod_http_global_init (void)
{
    pthread_once (&s_init_once, s_global_init);
    return s_init_rc;
}

//  This thread's handle. libcurl keeps a handle's connections open between
//  transfers, so the KIS host, S3 and Slack see one TCP (and TLS) connection
//  per thread instead of a handshake per request; curl_easy_reset clears the
//  options between requests and keeps those connections.
static __thread CURL *s_curl;

//  The calling thread's watch (eod_http_set_watch) and the multi handle its
//  requests run through while one is set.
static __thread struct {
    int fd;
    long every_ms;
    eod_http_watch_fn *fn;
    void *arg;
    CURLM *multi;
} s_watch;

void
eod_http_thread_done (void)
{
    if (s_curl)
        curl_easy_cleanup (s_curl);
    s_curl = NULL;
    if (s_watch.multi)
        curl_multi_cleanup (s_watch.multi);
    s_watch.multi = NULL;
}

void
eod_http_set_watch (int fd, long every_ms, eod_http_watch_fn *fn, void *arg)
{
    s_watch.fd = fd;
    s_watch.every_ms = every_ms > 0 ? every_ms : 1000;
    s_watch.fn = fn;
    s_watch.arg = arg;
}

//  curl_easy_perform, with the thread's watch called while it runs.
static CURLcode
s_perform_watched (CURL *curl)
{
    if (!s_watch.multi)
        s_watch.multi = curl_multi_init ();
    CURLM *multi = s_watch.multi;
    if (!multi || curl_multi_add_handle (multi, curl) != CURLM_OK)
        return curl_easy_perform (curl);
    CURLcode code = CURLE_GOT_NOTHING;
    int64_t next = eod_monotonic_ms () + s_watch.every_ms;
    while (true) {
        int running = 0;
        if (curl_multi_perform (multi, &running) != CURLM_OK) {
            code = CURLE_OUT_OF_MEMORY;
            break;
        }
        bool done = false;
        int left;
        CURLMsg *msg;
        while ((msg = curl_multi_info_read (multi, &left)))
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == curl) {
                code = msg->data.result;
                done = true;
            }
        if (done || running == 0)
            break;
        struct curl_waitfd extra = {.fd = s_watch.fd, .events = CURL_WAIT_POLLIN};
        int64_t wait = next - eod_monotonic_ms ();
        if (curl_multi_wait (multi, s_watch.fd >= 0 ? &extra : NULL, s_watch.fd >= 0 ? 1 : 0, wait > 0 ? (int) wait : 0,
                             NULL)
            != CURLM_OK) {
            code = CURLE_OUT_OF_MEMORY;
            break;
        }
        int64_t now = eod_monotonic_ms ();
        if (extra.revents || now >= next) {
            s_watch.fn (s_watch.arg);
            next = now + s_watch.every_ms;
        }
    }
    curl_multi_remove_handle (multi, curl);
    return code;
}

void
eod_http_global_cleanup (void)
{
    eod_http_thread_done ();
    if (s_init_rc == 0)
        curl_global_cleanup ();
}

typedef struct {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
    bool overflow;
    FILE *file;       //  the body goes here instead of data
    int file_errno;   //  a write to file failed
} s_buffer_t;

static size_t
s_buffer_write (s_buffer_t *buf, const char *ptr, size_t n)
{
    if (buf->len + n > buf->max) {
        buf->overflow = true;
        return 0;   //  makes curl stop with CURLE_WRITE_ERROR
    }
    if (buf->file) {
        if (fwrite (ptr, 1, n, buf->file) != n) {
            buf->file_errno = errno ? errno : EIO;
            return 0;
        }
        buf->len += n;
        return n;
    }
    if (buf->len + n + 1 > buf->cap) {
        size_t cap = buf->cap ? buf->cap : 4096;
        while (cap < buf->len + n + 1)
            cap *= 2;
        char *data = realloc (buf->data, cap);
        if (!data)
            return 0;
        buf->data = data;
        buf->cap = cap;
    }
    memcpy (buf->data + buf->len, ptr, n);
    buf->len += n;
    buf->data[buf->len] = '\0';
    return n;
}

static size_t
s_on_body (char *ptr, size_t size, size_t nmemb, void *arg)
{
    return s_buffer_write ((s_buffer_t *) arg, ptr, size * nmemb);
}

static size_t
s_on_header (char *ptr, size_t size, size_t nmemb, void *arg)
{
    s_buffer_t *buf = arg;
    size_t n = size * nmemb;
    //  A new status line starts a new response (redirects, 100-continue): keep the last.
    if (n >= 5 && strncmp (ptr, "HTTP/", 5) == 0)
        buf->len = 0;
    if (s_buffer_write (buf, ptr, n) != n)
        buf->overflow = false;   //  oversize headers are dropped, not fatal
    return n;
}

bool
eod_http_code_is_tls (int curl_code)
{
    switch ((CURLcode) curl_code) {
    case CURLE_PEER_FAILED_VERIFICATION:   //  untrusted, another host's name, expired, not yet valid
    case CURLE_SSL_CACERT_BADFILE:         //  [...] ca_file missing or not PEM
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CERTPROBLEM:   //  a client certificate that cannot be used
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED: return true;
    default:
        //  CURLE_SSL_CONNECT_ERROR is left out: a connection cut during the
        //  handshake gives it too, and that one a retry may mend.
        return false;
    }
}

//  resp->error for a TLS failure no retry mends: the host and libcurl's
//  reason (the caller names its request).
static void
s_tls_error (eod_http_response_t *resp, const char *url, CURLcode code, const char *detail)
{
    char host[256];
    eod_http_url_host (url, host, sizeof host);
    resp->tls_refused = true;
    snprintf (resp->error, sizeof resp->error, "TLS to %s failed: %s", host,
              *detail ? detail : curl_easy_strerror (code));
}

int
eod_http_perform (const eod_http_request_t *req, eod_http_response_t *resp)
{
    memset (resp, 0, sizeof *resp);
    if (eod_http_global_init ()) {
        snprintf (resp->error, sizeof resp->error, "curl_global_init failed");
        return -1;
    }
    int rc = -1;
    struct curl_slist *headers = NULL;
    s_buffer_t body = {.max = req->max_body ? req->max_body : EOD_HTTP_BODY_MAX_DEFAULT, .file = req->body_file};
    s_buffer_t head = {.max = EOD_HTTP_HEADERS_MAX};
    char logurl[512];
    eod_http_url_for_log (req->url, logurl, sizeof logurl);
    char agent[64];
    snprintf (agent, sizeof agent, "eod/%s", EOD_VERSION);
    char detail[CURL_ERROR_SIZE] = "";

    if (s_curl)
        curl_easy_reset (s_curl);
    else
        s_curl = curl_easy_init ();
    CURL *curl = s_curl;
    if (!curl) {
        snprintf (resp->error, sizeof resp->error, "curl_easy_init failed");
        goto out;
    }
    for (const char *const *h = req->headers; h && *h; h++) {
        struct curl_slist *next = curl_slist_append (headers, *h);
        if (!next) {
            snprintf (resp->error, sizeof resp->error, "out of memory");
            goto out;
        }
        headers = next;
    }
    const char *method = req->method ? req->method : "GET";
    curl_easy_setopt (curl, CURLOPT_URL, req->url);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : EOD_HTTP_TIMEOUT_MS);
    curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS,
                      req->connect_timeout_ms > 0 ? req->connect_timeout_ms : EOD_HTTP_CONNECT_TIMEOUT_MS);
    curl_easy_setopt (curl, CURLOPT_USERAGENT, req->user_agent ? req->user_agent : agent);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, s_on_header);
    curl_easy_setopt (curl, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, detail);
    curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, req->insecure ? 0L : 1L);
    curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, req->insecure ? 0L : 2L);
    if (req->ca_file && *req->ca_file)
        curl_easy_setopt (curl, CURLOPT_CAINFO, req->ca_file);
    if (strcmp (method, "GET") == 0)
        curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
    else {
        curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) (req->body ? req->body_len : 0));
    }
    int64_t started = eod_monotonic_us ();
    CURLcode code = s_watch.fn ? s_perform_watched (curl) : curl_easy_perform (curl);
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &resp->status);
    long request_size = 0;
    curl_off_t pretransfer = 0;
    if (curl_easy_getinfo (curl, CURLINFO_REQUEST_SIZE, &request_size) == CURLE_OK && request_size > 0
        && curl_easy_getinfo (curl, CURLINFO_PRETRANSFER_TIME_T, &pretransfer) == CURLE_OK)
        resp->sent_us = started + (int64_t) pretransfer;
    if (code != CURLE_OK) {
        resp->timed_out = code == CURLE_OPERATION_TIMEDOUT;
        if (body.overflow)
            snprintf (resp->error, sizeof resp->error, "%s %s: response body over %zu bytes", method, logurl, body.max);
        else if (body.file_errno)
            snprintf (resp->error, sizeof resp->error, "%s %s: the body cannot be written: %s", method, logurl,
                      strerror (body.file_errno));
        else if (eod_http_code_is_tls ((int) code))
            s_tls_error (resp, req->url, code, detail);
        else
            snprintf (resp->error, sizeof resp->error, "%s %s: %s", method, logurl, curl_easy_strerror (code));
        goto out;
    }
    resp->body = body.data;
    resp->body_len = body.len;
    body.data = NULL;
    if (!resp->body) {
        resp->body = calloc (1, 1);
        if (!resp->body)
            goto out;
    }
    resp->headers = head.data;
    head.data = NULL;
    rc = 0;
out:
    if (rc)
        eod_log_debug ("http: %s", resp->error);
    free (body.data);
    free (head.data);
    //  The handle stays for the thread's next request, but must not point at
    //  this call's header list and buffers.
    if (curl) {
        curl_easy_setopt (curl, CURLOPT_HTTPHEADER, NULL);
        curl_easy_setopt (curl, CURLOPT_WRITEDATA, NULL);
        curl_easy_setopt (curl, CURLOPT_HEADERDATA, NULL);
        curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, NULL);
    }
    curl_slist_free_all (headers);
    return rc;
}
