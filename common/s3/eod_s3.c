/*  eod_s3 — S3 PUT and HEAD signed with SigV4 through libcurl 7.88.

    Used by the uploader stage (eod-uploader), the last hop of the data path:
    writer --FILE--> uploader --PUT--> S3. See eod_s3.h for the contract and
    the four curl 7.88 rules this module follows.

    libcurl is used directly here (not through eod_http) because the upload
    streams the file through a read callback and signing needs curl options
    that the generic wrapper does not expose; the global init is shared. */
#include "eod_s3.h"
#include "eod_s3_answer.h"

#include "eod_grammar.h"
#include "eod_http.h"
#include "eod_log.h"
#include "eod_util.h"

#include <assert.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef EOD_VERSION
#define EOD_VERSION "dev"
#endif

#define S3_BODY_CAP (64u * 1024)   //  bytes of a response body we keep
#define S3_URL_MAX 4096            //  endpoint + bucket + encoded key (3 x 1024) fits
#define S3_HEADER_MAX 512          //  one request header line
#define S3_CURL_ERROR_MAX CURL_ERROR_SIZE
#define S3_ERR_MAX 512           //  reason text when the caller passes no buffer
#define S3_BACKOFF_BASE_MS 200   //  first retry delay (upper bound)
#define S3_BACKOFF_MAX_MS 5000   //  no retry waits longer
#define S3_CONNECT_TIMEOUT_MS 5000L
#define S3_SHA256_HEX_LEN 64
#define S3_HTTP_NOT_FOUND 404
#define S3_MS_PER_S 1000L
#define S3_NS_PER_MS 1000000L

//  SHA-256 of the empty body, the payload hash of HEAD
#define S3_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

//  Response of one attempt: the (capped) body and the ETag of the final response.
typedef struct {
    char *body;   //  S3_BODY_CAP + 1 bytes
    size_t body_len;
    bool truncated;
    char etag[EOD_S3_ETAG_MAX];
} s_response_t;

//  What one request does: a PUT of an open file or a HEAD.
typedef struct {
    const char *method;   //  "PUT" or "HEAD", for logs
    const char *key;      //  plain key, for logs and errors
    FILE *file;           //  PUT only
    curl_off_t size;
    const char *md5_b64;      //  PUT only
    const char *sha256_hex;   //  PUT only
} s_op_t;

static __thread uint64_t s_rng_state;

const char *
eod_s3_strerror (eod_s3_status_t status)
{
    switch (status) {
    case EOD_S3_OK: return "ok";
    case EOD_S3_RETRYABLE: return "retryable";
    case EOD_S3_DENIED: return "denied";
    case EOD_S3_FAILED: return "failed";
    case EOD_S3_CONFIG: return "config";
    }
    return "unknown";
}

int
eod_s3_encode_key (const char *key, char *out, size_t outsize)
{
    static const char hex[] = "0123456789ABCDEF";
    assert (key);
    assert (out);
    if (outsize == 0)
        return -1;
    size_t used = 0;
    for (const unsigned char *p = (const unsigned char *) key; *p; p++) {
        bool keep = isascii (*p) && (isalnum (*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/');
        size_t need = keep ? 1 : 3;
        if (used + need >= outsize) {
            out[0] = '\0';
            return -1;
        }
        if (keep)
            out[used++] = (char) *p;
        else {
            out[used++] = '%';
            out[used++] = hex[*p >> 4];
            out[used++] = hex[*p & 0x0f];
        }
    }
    out[used] = '\0';
    return 0;
}

//  Bucket names go into the host or the path unencoded, so only the
//  characters S3 allows in them are accepted (legacy upper case and '_' too).
static bool
s_bucket_ok (const char *bucket)
{
    if (!bucket || !*bucket)
        return false;
    for (const char *p = bucket; *p; p++)
        if (!(isascii ((unsigned char) *p) && (isalnum ((unsigned char) *p) || *p == '-' || *p == '.' || *p == '_')))
            return false;
    return true;
}

static bool
s_region_ok (const char *region)
{
    if (!region || !*region)
        return false;
    for (const char *p = region; *p; p++)
        if (!(isascii ((unsigned char) *p) && (isalnum ((unsigned char) *p) || *p == '-')))
            return false;
    return true;
}

//  Writes the object URL for an already encoded key. Returns 0 or -1.
static int
s_build_url (const eod_s3_config_t *cfg, const char *encoded_key, char *url, size_t urlsize)
{
    char endpoint[S3_URL_MAX];
    int n;
    if (cfg->endpoint && *cfg->endpoint)
        n = snprintf (endpoint, sizeof endpoint, "%s", cfg->endpoint);
    else
        n = snprintf (endpoint, sizeof endpoint, "https://s3.%s.amazonaws.com", cfg->region);
    if (n < 0 || (size_t) n >= sizeof endpoint)
        return -1;
    size_t len = strlen (endpoint);
    while (len > 0 && endpoint[len - 1] == '/')
        endpoint[--len] = '\0';
    const char *sep = strstr (endpoint, "://");
    if (!sep || sep == endpoint || sep[3] == '\0')
        return -1;

    if (cfg->path_style)
        n = snprintf (url, urlsize, "%s/%s/%s", endpoint, cfg->bucket, encoded_key);
    else
        n = snprintf (url, urlsize, "%.*s://%s.%s/%s", (int) (sep - endpoint), endpoint, cfg->bucket, sep + 3,
                      encoded_key);
    return (n < 0 || (size_t) n >= urlsize) ? -1 : 0;
}

static size_t
s_write_cb (char *data, size_t size, size_t nmemb, void *user)
{
    s_response_t *resp = user;
    size_t len = size * nmemb;
    size_t room = S3_BODY_CAP - resp->body_len;
    //  Beyond the cap the body is read and dropped: the status code still
    //  tells what happened, and the timeout bounds an endless body.
    size_t keep = len < room ? len : room;
    if (keep < len)
        resp->truncated = true;
    memcpy (resp->body + resp->body_len, data, keep);
    resp->body_len += keep;
    resp->body[resp->body_len] = '\0';
    return len;
}

static size_t
s_header_cb (char *data, size_t size, size_t nitems, void *user)
{
    s_response_t *resp = user;
    size_t len = size * nitems;
    static const char etag_name[] = "etag:";
    const size_t etag_name_len = sizeof etag_name - 1;
    //  A new status line starts a new response (after 100 Continue, say).
    if (len >= 5 && memcmp (data, "HTTP/", 5) == 0)
        resp->etag[0] = '\0';
    else if (len > etag_name_len && strncasecmp (data, etag_name, etag_name_len) == 0) {
        const char *value = data + etag_name_len;
        const char *end = data + len;
        while (value < end && (*value == ' ' || *value == '\t' || *value == '"'))
            value++;
        while (end > value
               && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t' || end[-1] == '"'))
            end--;
        size_t n = (size_t) (end - value);
        if (n >= sizeof resp->etag)
            n = sizeof resp->etag - 1;
        memcpy (resp->etag, value, n);
        resp->etag[n] = '\0';
    }
    return len;
}

static size_t
s_read_cb (char *buffer, size_t size, size_t nitems, void *user)
{
    FILE *file = user;
    size_t got = fread (buffer, size, nitems, file);
    if (got == 0 && ferror (file))
        return CURL_READFUNC_ABORT;
    return got;
}

static int
s_seek_cb (void *user, curl_off_t offset, int origin)
{
    FILE *file = user;
    return fseeko (file, (off_t) offset, origin) == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
}

//  Which transport errors are worth another attempt.
static bool
s_curl_retryable (CURLcode code)
{
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY: return true;
    default: return false;
    }
}

static uint64_t
s_random (void)
{
    if (s_rng_state == 0) {
        struct timespec now;
        clock_gettime (CLOCK_MONOTONIC, &now);
        s_rng_state = ((uint64_t) now.tv_nsec << 20) ^ (uint64_t) now.tv_sec ^ ((uint64_t) getpid () << 40)
                      ^ 0x9e3779b97f4a7c15ull;
    }
    //  xorshift64: plenty for spreading retries apart
    s_rng_state ^= s_rng_state << 13;
    s_rng_state ^= s_rng_state >> 7;
    s_rng_state ^= s_rng_state << 17;
    return s_rng_state;
}

//  Delay before attempt number `next` (2, 3, …): the exponential ceiling
//  200 ms × 2^(next-2), capped at 5 s, with "equal jitter" (half fixed, half
//  random) so retries of many uploaders spread out; never under 200 ms.
static long
s_backoff_ms (int next)
{
    long ceiling = S3_BACKOFF_BASE_MS;
    for (int i = 2; i < next && ceiling < S3_BACKOFF_MAX_MS; i++)
        ceiling *= 2;
    if (ceiling > S3_BACKOFF_MAX_MS)
        ceiling = S3_BACKOFF_MAX_MS;
    long delay = ceiling / 2 + (long) (s_random () % (uint64_t) (ceiling / 2 + 1));
    return delay < S3_BACKOFF_BASE_MS ? S3_BACKOFF_BASE_MS : delay;
}

static void
s_sleep_ms (long ms)
{
    struct timespec delay = {ms / S3_MS_PER_S, (ms % S3_MS_PER_S) * S3_NS_PER_MS};
    while (nanosleep (&delay, &delay) == -1 && errno == EINTR)
        ;
}

static bool
s_config_ok (const eod_s3_config_t *cfg, char *err, size_t errlen)
{
    if (!s_region_ok (cfg->region)) {
        eod_set_error (err, errlen, "s3 config: region missing or invalid");
        return false;
    }
    if (!s_bucket_ok (cfg->bucket)) {
        eod_set_error (err, errlen, "s3 config: bucket missing or invalid");
        return false;
    }
    if (!cfg->access_key || !*cfg->access_key || strchr (cfg->access_key, ':') || !cfg->secret_key
        || !*cfg->secret_key) {
        eod_set_error (err, errlen, "s3 config: access key or secret key missing");
        return false;
    }
    return true;
}

//  One attempt. Fills resp and *http_status; returns the classified status
//  and, unless OK, the reason in err.
static eod_s3_status_t
s_attempt (const eod_s3_config_t *cfg, const s_op_t *op, const char *url, struct curl_slist *headers,
           s_response_t *resp, long *http_status, char *err, size_t errlen)
{
    eod_s3_status_t status = EOD_S3_FAILED;
    char curl_error[S3_CURL_ERROR_MAX] = "";
    char provider[S3_HEADER_MAX];
    resp->body_len = 0;
    resp->body[0] = '\0';
    resp->truncated = false;
    resp->etag[0] = '\0';
    *http_status = 0;

    CURL *curl = curl_easy_init ();
    if (!curl) {
        eod_set_error (err, errlen, "curl_easy_init failed");
        goto out;
    }
    snprintf (provider, sizeof provider, "aws:amz:%s:s3", cfg->region);
    long timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : EOD_S3_TIMEOUT_MS_DEFAULT;
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, S3_CONNECT_TIMEOUT_MS);
    curl_easy_setopt (curl, CURLOPT_USERAGENT, "eod/" EOD_VERSION);
    curl_easy_setopt (curl, CURLOPT_AWS_SIGV4, provider);
    curl_easy_setopt (curl, CURLOPT_USERNAME, cfg->access_key);
    curl_easy_setopt (curl, CURLOPT_PASSWORD, cfg->secret_key);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_write_cb);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, s_header_cb);
    curl_easy_setopt (curl, CURLOPT_HEADERDATA, resp);
    if (cfg->insecure) {
        curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (cfg->ca_file && *cfg->ca_file)
        curl_easy_setopt (curl, CURLOPT_CAINFO, cfg->ca_file);
    if (op->file) {
        if (fseeko (op->file, 0, SEEK_SET) != 0) {
            eod_set_error (err, errlen, "cannot rewind upload file: %s", strerror (errno));
            goto out;
        }
        curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt (curl, CURLOPT_READFUNCTION, s_read_cb);
        curl_easy_setopt (curl, CURLOPT_READDATA, op->file);
        curl_easy_setopt (curl, CURLOPT_SEEKFUNCTION, s_seek_cb);
        curl_easy_setopt (curl, CURLOPT_SEEKDATA, op->file);
        curl_easy_setopt (curl, CURLOPT_INFILESIZE_LARGE, op->size);
    }
    else
        curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);

    CURLcode code = curl_easy_perform (curl);
    if (code != CURLE_OK) {
        eod_set_error (err, errlen, "curl: %s%s%s", curl_easy_strerror (code), curl_error[0] ? ": " : "", curl_error);
        status = s_curl_retryable (code) ? EOD_S3_RETRYABLE : EOD_S3_FAILED;
        goto out;
    }
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, http_status);
    status = eod_s3_classify (*http_status, resp->body, err, errlen);
out:
    if (curl)
        curl_easy_cleanup (curl);
    return status;
}

//  Runs op against key with retries. Returns the status of the last attempt;
//  *http_status is the last HTTP status (0 when none arrived).
static eod_s3_status_t
s_request (const eod_s3_config_t *cfg, const s_op_t *op, s_response_t *resp, long *http_status, char *err,
           size_t errlen)
{
    eod_s3_status_t status = EOD_S3_FAILED;
    struct curl_slist *headers = NULL;
    char encoded[3 * EOD_S3_KEY_MAX + 1];
    char url[S3_URL_MAX], url_log[S3_URL_MAX];
    char line[S3_HEADER_MAX];
    bool attempted = false;
    *http_status = 0;

    if (eod_http_global_init () != 0) {
        eod_set_error (err, errlen, "curl global init failed");
        goto out;
    }
    if (!s_config_ok (cfg, err, errlen))
        goto out;
    eod_log_secret (cfg->secret_key);
    if (cfg->session_token)
        eod_log_secret (cfg->session_token);
    //  '.' and '..' segments go to the URL unencoded (RFC 3986 keeps them)
    //  and curl collapses them: "../x" would reach another bucket.
    char why[128];
    if (!eod_grammar_ok (EOD_G_KEY, op->key, why, sizeof why)) {
        eod_set_error (err, errlen, "s3 key refused: it %s", why);
        goto out;
    }
    if (!*op->key || strlen (op->key) > EOD_S3_KEY_MAX || eod_s3_encode_key (op->key, encoded, sizeof encoded) != 0) {
        eod_set_error (err, errlen, "s3 key empty or longer than %d bytes", EOD_S3_KEY_MAX);
        goto out;
    }
    if (s_build_url (cfg, encoded, url, sizeof url) != 0) {
        eod_set_error (err, errlen, "s3: cannot build a URL from endpoint '%s'",
                       cfg->endpoint ? cfg->endpoint : "(default)");
        goto out;
    }
    eod_http_url_for_log (url, url_log, sizeof url_log);

    //  Every header here is signed by curl 7.88, so none may be empty.
    struct {
        const char *name;
        const char *value;
    } wanted[] = {
        {"Content-Type", op->file ? "text/csv" : NULL},
        {"Content-MD5", op->md5_b64},
        {"x-amz-content-sha256", op->sha256_hex ? op->sha256_hex : S3_EMPTY_SHA256},
        {"x-amz-security-token", cfg->session_token},
    };
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        if (!wanted[i].value || !*wanted[i].value)
            continue;
        int n = snprintf (line, sizeof line, "%s: %s", wanted[i].name, wanted[i].value);
        if (n < 0 || (size_t) n >= sizeof line) {
            eod_set_error (err, errlen, "s3: header %s too long", wanted[i].name);
            goto out;
        }
        struct curl_slist *grown = curl_slist_append (headers, line);
        if (!grown) {
            eod_set_error (err, errlen, "s3: out of memory");
            goto out;
        }
        headers = grown;
    }

    attempted = true;
    int max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts : EOD_S3_MAX_ATTEMPTS_DEFAULT;
    for (int attempt = 1; attempt <= max_attempts; attempt++) {
        if (attempt > 1) {
            long delay = s_backoff_ms (attempt);
            eod_log_warn ("s3: %s %s attempt %d/%d failed (%s); retrying in %ld ms", op->method, url_log, attempt - 1,
                          max_attempts, err, delay);
            s_sleep_ms (delay);
        }
        status = s_attempt (cfg, op, url, headers, resp, http_status, err, errlen);
        if (status != EOD_S3_RETRYABLE)
            break;
    }
    if (status == EOD_S3_OK)
        eod_log_debug ("s3: %s %s -> %ld", op->method, url_log, *http_status);
    else if (!(*http_status == S3_HTTP_NOT_FOUND && !op->file))
        eod_log_error ("s3: %s %s failed (%s): %s", op->method, url_log, eod_s3_strerror (status), err);
out:
    if (!attempted)
        eod_log_error ("s3: %s %s not sent: %s", op->method, op->key, err);
    curl_slist_free_all (headers);
    return status;
}

static s_response_t *
s_response_new (void)
{
    s_response_t *resp = calloc (1, sizeof *resp);
    if (resp) {
        resp->body = malloc (S3_BODY_CAP + 1);
        if (!resp->body) {
            free (resp);
            return NULL;
        }
        resp->body[0] = '\0';
    }
    return resp;
}

static void
s_response_destroy (s_response_t **resp_p)
{
    if (*resp_p) {
        free ((*resp_p)->body);
        free (*resp_p);
        *resp_p = NULL;
    }
}

eod_s3_status_t
eod_s3_put_file (const eod_s3_config_t *cfg, const char *key, const char *path, char *err, size_t errlen)
{
    assert (cfg);
    assert (key);
    assert (path);
    eod_s3_status_t status = EOD_S3_FAILED;
    s_response_t *resp = NULL;
    FILE *file = NULL;
    char md5_hex[33], md5_b64[25], sha256_hex[S3_SHA256_HEX_LEN + 1];
    long http_status = 0;
    char own_err[S3_ERR_MAX];
    if (!err || errlen == 0) {
        err = own_err;   //  the retry log lines need the reason anyway
        errlen = sizeof own_err;
    }
    err[0] = '\0';

    if (eod_file_digests (path, md5_hex, md5_b64, sha256_hex) != 0) {
        eod_set_error (err, errlen, "cannot read %s", path);
        goto out;
    }
    file = fopen (path, "rb");
    struct stat st;
    if (!file || fstat (fileno (file), &st) != 0) {
        eod_set_error (err, errlen, "cannot open %s: %s", path, strerror (errno));
        goto out;
    }
    resp = s_response_new ();
    if (!resp) {
        eod_set_error (err, errlen, "s3: out of memory");
        goto out;
    }
    s_op_t op = {.method = "PUT",
                 .key = key,
                 .file = file,
                 .size = (curl_off_t) st.st_size,
                 .md5_b64 = md5_b64,
                 .sha256_hex = sha256_hex};
    status = s_request (cfg, &op, resp, &http_status, err, errlen);
    if (status == EOD_S3_OK) {
        if (*resp->etag && strcasecmp (resp->etag, md5_hex) != 0)
            eod_log_warn ("s3: PUT %s: ETag %s differs from MD5 %s", key, resp->etag, md5_hex);
        eod_log_info ("s3: uploaded %s (%lld bytes, md5 %s) to %s", path, (long long) st.st_size, md5_hex, key);
    }
out:
    if (file)
        fclose (file);
    s_response_destroy (&resp);
    return status;
}

int
eod_s3_head (const eod_s3_config_t *cfg, const char *key, char *etag, size_t etaglen, char *err, size_t errlen)
{
    assert (cfg);
    assert (key);
    int rc = -1;
    long http_status = 0;
    char own_err[S3_ERR_MAX];
    if (!err || errlen == 0) {
        err = own_err;
        errlen = sizeof own_err;
    }
    err[0] = '\0';
    if (etag && etaglen)
        etag[0] = '\0';
    s_response_t *resp = s_response_new ();
    if (!resp) {
        eod_set_error (err, errlen, "s3: out of memory");
        goto out;
    }
    s_op_t op = {.method = "HEAD", .key = key};
    eod_s3_status_t status = s_request (cfg, &op, resp, &http_status, err, errlen);
    if (status == EOD_S3_OK) {
        if (etag && etaglen)
            snprintf (etag, etaglen, "%s", resp->etag);
        rc = 0;
    }
    else if (http_status == S3_HTTP_NOT_FOUND) {
        eod_set_error (err, errlen, "404 NoSuchKey: %s", key);
        rc = 1;
    }
out:
    s_response_destroy (&resp);
    return rc;
}
