/*  eod_http_child — HTTP requests made by a child process (the program
    eod-http), see eod_http.h. No libcurl here: a program that links only this
    file does not load the HTTP client, TLS or their libraries.

    The request and the response cross one AF_UNIX socket pair: the child has
    its end as stdin and stdout, the caller writes the request and shuts its
    side for writing, the child answers and exits. A socket rather than pipes
    so a child that died makes a failed send (MSG_NOSIGNAL), not a SIGPIPE in
    the caller.

    Wire format, both ways: the magic "EODHTTP2", then fields in a fixed
    order. A string is a 4-byte big-endian length, its bytes and a NUL (so a
    decoded string can be used in place); length 0xFFFFFFFF is NULL. A number
    is 8 bytes big-endian.
      request:  method url body ca_file user_agent nheaders header... timeout_ms
                connect_timeout_ms max_body insecure
      response: rc status timed_out tls_refused error headers body */
#include "eod_http.h"
#include "eod_log.h"
#include "eod_util.h"

#include <czmq.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define S_MAGIC "EODHTTP2"   //  2: the response carries tls_refused
#define S_MAGIC_LEN 8
#define S_NULL_LEN 0xFFFFFFFFu
#define S_HEADERS_MAX 256                   //  request headers a request may carry
#define S_REQUEST_MAX (16u * 1024 * 1024)   //  a request's bytes the child reads
#define S_RESPONSE_SLACK (1024u * 1024)     //  beyond the body cap: headers, error, framing
#define S_GRACE_MS 5000                     //  the child's time beyond the request's timeouts
#define S_DEFAULT_TIMEOUT_MS 30000          //  eod_http's defaults, when the request has none
#define S_DEFAULT_CONNECT_MS 5000
#define S_READ_CHUNK 65536

extern char **environ;

static char s_program[PATH_MAX];

void
eod_http_child_set_program (const char *path)
{
    snprintf (s_program, sizeof s_program, "%s", path ? path : "");
}

//  ---------------------------------------------------------------- encoding

//  A message being built: a zchunk, and a failure that sticks (checked once).
typedef struct {
    zchunk_t *chunk;
    bool failed;
} s_buf_t;

static void
s_put (s_buf_t *b, const void *bytes, size_t n)
{
    if (!b->failed && !b->chunk)
        b->failed = !(b->chunk = zchunk_new (NULL, 1024));
    //  zchunk_extend answers the chunk's new size: short of n more, it could not grow.
    size_t before = b->failed ? 0 : zchunk_size (b->chunk);
    if (!b->failed && zchunk_extend (b->chunk, bytes, n) != before + n)
        b->failed = true;
}

static void
s_put_u64 (s_buf_t *b, uint64_t v)
{
    unsigned char be[8];
    for (int i = 7; i >= 0; i--, v >>= 8)
        be[i] = (unsigned char) (v & 0xff);
    s_put (b, be, sizeof be);
}

static void
s_put_str (s_buf_t *b, const char *s, size_t n)
{
    uint32_t be = htonl (s ? (uint32_t) n : S_NULL_LEN);
    if (s && n >= S_NULL_LEN) {
        b->failed = true;
        return;
    }
    s_put (b, &be, sizeof be);
    if (s) {
        s_put (b, s, n);
        s_put (b, "", 1);
    }
}

//  The bytes built, in a malloc'd copy (*out, *len; never NULL on success).
static int
s_finish (s_buf_t *b, char **out, size_t *len)
{
    size_t n = b->chunk ? zchunk_size (b->chunk) : 0;
    *out = b->failed ? NULL : malloc (n + 1);
    if (*out) {
        if (n)
            memcpy (*out, zchunk_data (b->chunk), n);
        (*out)[n] = '\0';
        *len = n;
    }
    zchunk_destroy (&b->chunk);
    return *out ? 0 : -1;
}

int
eod_http_child_encode_request (const eod_http_request_t *req, char **out, size_t *len)
{
    s_buf_t b = {0};
    s_put (&b, S_MAGIC, S_MAGIC_LEN);
    s_put_str (&b, req->method, req->method ? strlen (req->method) : 0);
    s_put_str (&b, req->url, req->url ? strlen (req->url) : 0);
    s_put_str (&b, req->body, req->body ? req->body_len : 0);
    s_put_str (&b, req->ca_file, req->ca_file ? strlen (req->ca_file) : 0);
    s_put_str (&b, req->user_agent, req->user_agent ? strlen (req->user_agent) : 0);
    uint64_t nheaders = 0;
    for (const char *const *h = req->headers; h && *h; h++)
        nheaders++;
    if (nheaders > S_HEADERS_MAX)
        b.failed = true;
    s_put_u64 (&b, nheaders);
    for (const char *const *h = req->headers; h && *h; h++)
        s_put_str (&b, *h, strlen (*h));
    s_put_u64 (&b, (uint64_t) (req->timeout_ms > 0 ? req->timeout_ms : 0));
    s_put_u64 (&b, (uint64_t) (req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 0));
    s_put_u64 (&b, (uint64_t) req->max_body);
    s_put_u64 (&b, req->insecure ? 1 : 0);
    return s_finish (&b, out, len);
}

int
eod_http_child_encode_response (int rc, const eod_http_response_t *resp, char **out, size_t *len)
{
    s_buf_t b = {0};
    s_put (&b, S_MAGIC, S_MAGIC_LEN);
    s_put_u64 (&b, rc == 0 ? 0 : 1);
    s_put_u64 (&b, (uint64_t) (resp->status > 0 ? resp->status : 0));
    s_put_u64 (&b, resp->timed_out ? 1 : 0);
    s_put_u64 (&b, resp->tls_refused ? 1 : 0);
    s_put_str (&b, resp->error, strlen (resp->error));
    s_put_str (&b, resp->headers, resp->headers ? strlen (resp->headers) : 0);
    s_put_str (&b, resp->body, resp->body ? resp->body_len : 0);
    return s_finish (&b, out, len);
}

//  ---------------------------------------------------------------- decoding

typedef struct {
    const char *data;
    size_t len;
    size_t at;
    bool bad;
} s_reader_t;

static uint64_t
s_get_u64 (s_reader_t *r)
{
    if (r->bad || r->len - r->at < 8) {
        r->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | (unsigned char) r->data[r->at + (size_t) i];
    r->at += 8;
    return v;
}

//  The string at the reader (NULL for a NULL string or bad input: check r->bad).
static const char *
s_get_str (s_reader_t *r, size_t *n)
{
    uint32_t be;
    *n = 0;
    if (r->bad || r->len - r->at < sizeof be) {
        r->bad = true;
        return NULL;
    }
    memcpy (&be, r->data + r->at, sizeof be);
    r->at += sizeof be;
    uint32_t len = ntohl (be);
    if (len == S_NULL_LEN)
        return NULL;
    if (r->len - r->at < (size_t) len + 1 || r->data[r->at + len] != '\0') {
        r->bad = true;
        return NULL;
    }
    const char *s = r->data + r->at;
    r->at += (size_t) len + 1;
    *n = len;
    return s;
}

static bool
s_magic_ok (s_reader_t *r)
{
    if (r->len < S_MAGIC_LEN || memcmp (r->data, S_MAGIC, S_MAGIC_LEN) != 0)
        return false;
    r->at = S_MAGIC_LEN;
    return true;
}

int
eod_http_child_decode_request (char *buf, size_t len, eod_http_request_t *req, const char ***headers)
{
    memset (req, 0, sizeof *req);
    *headers = NULL;
    s_reader_t r = {.data = buf, .len = len};
    if (!s_magic_ok (&r))
        return -1;
    size_t n;
    req->method = s_get_str (&r, &n);
    req->url = s_get_str (&r, &n);
    req->body = s_get_str (&r, &req->body_len);
    req->ca_file = s_get_str (&r, &n);
    req->user_agent = s_get_str (&r, &n);
    uint64_t nheaders = s_get_u64 (&r);
    if (r.bad || nheaders > S_HEADERS_MAX || !req->url)
        return -1;
    const char **list = calloc ((size_t) nheaders + 1, sizeof *list);
    if (!list)
        return -1;
    for (uint64_t i = 0; i < nheaders; i++) {
        list[i] = s_get_str (&r, &n);
        if (!list[i])
            r.bad = true;
    }
    req->timeout_ms = (long) s_get_u64 (&r);
    req->connect_timeout_ms = (long) s_get_u64 (&r);
    req->max_body = (size_t) s_get_u64 (&r);
    req->insecure = s_get_u64 (&r) != 0;
    if (r.bad || r.at != r.len || req->timeout_ms < 0 || req->connect_timeout_ms < 0) {
        free (list);
        return -1;
    }
    req->headers = list;
    *headers = list;
    return 0;
}

int
eod_http_child_decode_response (const char *buf, size_t len, int *rc, eod_http_response_t *resp)
{
    memset (resp, 0, sizeof *resp);
    s_reader_t r = {.data = buf, .len = len};
    if (!s_magic_ok (&r))
        return -1;
    *rc = s_get_u64 (&r) == 0 ? 0 : -1;
    resp->status = (long) s_get_u64 (&r);
    resp->timed_out = s_get_u64 (&r) != 0;
    resp->tls_refused = s_get_u64 (&r) != 0;
    size_t elen, hlen, blen;
    const char *error = s_get_str (&r, &elen);
    const char *head = s_get_str (&r, &hlen);
    const char *body = s_get_str (&r, &blen);
    if (r.bad || r.at != r.len || resp->status < 0)
        return -1;
    snprintf (resp->error, sizeof resp->error, "%s", error ? error : "");
    if (head && !(resp->headers = strndup (head, hlen)))
        return -1;
    if (body) {
        resp->body = malloc (blen + 1);
        if (!resp->body) {
            eod_http_response_free (resp);
            return -1;
        }
        memcpy (resp->body, body, blen);
        resp->body[blen] = '\0';
        resp->body_len = blen;
    }
    return 0;
}

//  ---------------------------------------------------------------- the two sides

static int
s_send_all (int fd, const char *data, size_t len, bool socket)
{
    while (len) {
        ssize_t n = socket ? send (fd, data, len, MSG_NOSIGNAL) : write (fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t) n;
    }
    return 0;
}

//  Reads fd to its end into a malloc'd buffer of at most max bytes, until
//  deadline_ms (monotonic; 0: none). 0, or -1 with errno (ETIMEDOUT, EFBIG).
static int
s_read_all (int fd, size_t max, int64_t deadline_ms, char **out, size_t *len)
{
    s_buf_t b = {0};
    char chunk[S_READ_CHUNK];
    size_t have = 0;
    while (true) {
        if (deadline_ms) {
            int64_t left = deadline_ms - eod_monotonic_ms ();
            struct pollfd p = {.fd = fd, .events = POLLIN};
            int ready = left > 0 ? poll (&p, 1, (int) (left > INT_MAX ? INT_MAX : left)) : 0;
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready <= 0) {
                int e = ready == 0 ? ETIMEDOUT : errno;
                zchunk_destroy (&b.chunk);
                errno = e;
                return -1;
            }
        }
        ssize_t n = read (fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            zchunk_destroy (&b.chunk);
            errno = e;
            return -1;
        }
        if (n == 0)
            break;
        if (have + (size_t) n > max) {
            zchunk_destroy (&b.chunk);
            errno = EFBIG;
            return -1;
        }
        s_put (&b, chunk, (size_t) n);
        have += (size_t) n;
    }
    //  NUL-terminated, never NULL.
    if (s_finish (&b, out, len)) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

//  The program to run: the one set, or eod-http beside the running program.
static void
s_program_path (char *out, size_t size)
{
    if (*s_program) {
        snprintf (out, size, "%s", s_program);
        return;
    }
    char self[PATH_MAX];
    ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        snprintf (out, size, "eod-http");
        return;
    }
    self[n] = '\0';
    char *slash = strrchr (self, '/');
    if (slash)
        *slash = '\0';
    snprintf (out, size, "%s/eod-http", self);
}

int
eod_http_child_perform (const eod_http_request_t *req, eod_http_response_t *resp)
{
    memset (resp, 0, sizeof *resp);
    char program[PATH_MAX];
    s_program_path (program, sizeof program);
    char *wire = NULL, *answer = NULL;
    size_t wire_len = 0, answer_len = 0;
    int sv[2] = {-1, -1};
    pid_t pid = -1;
    int rc = -1;
    if (eod_http_child_encode_request (req, &wire, &wire_len)) {
        snprintf (resp->error, sizeof resp->error, "the request cannot be encoded for %s", program);
        return -1;
    }
    if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        snprintf (resp->error, sizeof resp->error, "socketpair: %s", strerror (errno));
        goto out;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init (&actions);
    posix_spawn_file_actions_adddup2 (&actions, sv[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2 (&actions, sv[1], STDOUT_FILENO);
    char *argv[] = {program, NULL};
    int err = posix_spawn (&pid, program, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy (&actions);
    close (sv[1]);
    sv[1] = -1;
    if (err) {
        pid = -1;
        snprintf (resp->error, sizeof resp->error, "cannot run %s: %s", program, strerror (err));
        goto out;
    }
    if (s_send_all (sv[0], wire, wire_len, true) || shutdown (sv[0], SHUT_WR)) {
        snprintf (resp->error, sizeof resp->error, "%s did not take the request: %s", program, strerror (errno));
        goto out;
    }
    long timeout = req->timeout_ms > 0 ? req->timeout_ms : S_DEFAULT_TIMEOUT_MS;
    long connect = req->connect_timeout_ms > 0 ? req->connect_timeout_ms : S_DEFAULT_CONNECT_MS;
    size_t max = (req->max_body ? req->max_body : EOD_HTTP_BODY_MAX_DEFAULT) + S_RESPONSE_SLACK;
    if (s_read_all (sv[0], max, eod_monotonic_ms () + timeout + connect + S_GRACE_MS, &answer, &answer_len)) {
        resp->timed_out = errno == ETIMEDOUT;
        snprintf (resp->error, sizeof resp->error, "%s: no whole answer: %s", program, strerror (errno));
        goto out;
    }
    if (eod_http_child_decode_response (answer, answer_len, &rc, resp)) {
        memset (resp, 0, sizeof *resp);
        snprintf (resp->error, sizeof resp->error, "%s: the answer (%zu bytes) is malformed", program, answer_len);
        rc = -1;
    }
out:
    if (pid > 0) {
        int status = 0;
        if (rc && waitpid (pid, &status, WNOHANG) == 0) {
            kill (pid, SIGKILL);
            waitpid (pid, &status, 0);
        }
        else if (!rc)
            waitpid (pid, &status, 0);
        if (rc && WIFSIGNALED (status))
            eod_log_warn ("%s ended by signal %d", program, WTERMSIG (status));
    }
    if (sv[0] >= 0)
        close (sv[0]);
    free (wire);
    free (answer);
    if (rc)
        eod_log_debug ("http child: %s", resp->error);
    return rc;
}

int
eod_http_child_serve (int in, int out, eod_http_fn *perform)
{
    char *wire = NULL;
    size_t wire_len = 0;
    if (s_read_all (in, S_REQUEST_MAX, 0, &wire, &wire_len)) {
        eod_log_error ("eod-http: cannot read the request: %s", strerror (errno));
        return -1;
    }
    eod_http_request_t req;
    const char **headers = NULL;
    if (eod_http_child_decode_request (wire, wire_len, &req, &headers)) {
        eod_log_error ("eod-http: the request (%zu bytes) is malformed", wire_len);
        free (wire);
        return -1;
    }
    eod_http_response_t resp;
    int rc = perform (&req, &resp);
    char *answer = NULL;
    size_t answer_len = 0;
    int sent = -1;
    if (eod_http_child_encode_response (rc, &resp, &answer, &answer_len) == 0)
        sent = s_send_all (out, answer, answer_len, false);
    if (sent)
        eod_log_error ("eod-http: the answer cannot be written");
    free (answer);
    eod_http_response_free (&resp);
    free (headers);
    free (wire);
    return sent;
}
