/*  test_s3 — unit tests of common/s3/eod_s3 (the uploader's S3 client).

    Offline: key encoding, config and file errors, and
    the retry loop against a closed port on 127.0.0.1.
    Live, only when EOD_S3_TEST_ENDPOINT is set (tests/s3/run_tests.sh sets it
    to the SigV4 verifier in front of s3rver): PUT under a Hive-style key and
    HEAD it back (path and virtual-hosted style, odd keys, a 2.5 MiB file), a
    missing object, wrong secret and unknown key refused after one attempt, and,
    when EOD_S3_TEST_FAULT_ENDPOINT names a verifier that fails every request,
    exactly max_attempts attempts before EOD_S3_RETRYABLE.
    Other variables: EOD_S3_TEST_BUCKET (default eod-demo), EOD_S3_TEST_FILE
    (where the uploaded CSV is written, so the caller can compare it). */
#include "eod_test.h"

#include "eod_http.h"
#include "eod_log.h"
#include "eod_s3.h"
#include "eod_util.h"

#include <jansson.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#define TEST_BUCKET_DEFAULT "eod-demo"
#define TEST_REGION "ap-northeast-2"
#define TEST_ACCESS_KEY "S3RVER"
#define TEST_SECRET_KEY "S3RVER"
#define TEST_HIVE_KEY "market=kr/dt=2024-09-02/kr_20240902.csv"
#define TEST_VHOST_KEY "market=kr/dt=2024-09-02/vhost.csv"
#define TEST_BIG_KEY "market=kr/dt=2024-09-02/big.csv"
#define TEST_BIG_ROWS 80000   //  about 2.5 MiB, over curl's 1 MiB Expect threshold
#define TEST_ODD_KEY "market=kr/dt=2024-09-02/삼성 전자+(1)~.csv"
#define TEST_FAULT_ATTEMPTS 3
#define TEST_ERR_MAX 512
#define TEST_PATH_MAX 512
#define TEST_URL_MAX 512

static const char s_csv[] = "symbol,name,date,open,high,low,close,volume\n"
                            "005930,삼성전자,2024-09-02,74400,74700,73500,73500,13474330\n"
                            "000660,SK하이닉스,2024-09-02,172000,173800,167900,168500,2872870\n";

static int
s_write_file (const char *path, const char *data, size_t len)
{
    FILE *file = fopen (path, "wb");
    if (!file)
        return -1;
    size_t put = fwrite (data, 1, len, file);
    return (fclose (file) == 0 && put == len) ? 0 : -1;
}

static void
s_test_encode_key (void)
{
    char out[256];
    CHECK_INT (eod_s3_encode_key (TEST_HIVE_KEY, out, sizeof out), 0);
    CHECK_STR (out, "market%3Dkr/dt%3D2024-09-02/kr_20240902.csv");
    CHECK_INT (eod_s3_encode_key ("a b+c&d?e#f%g", out, sizeof out), 0);
    CHECK_STR (out, "a%20b%2Bc%26d%3Fe%23f%25g");
    CHECK_INT (eod_s3_encode_key ("삼성/x.csv", out, sizeof out), 0);
    CHECK_STR (out, "%EC%82%BC%EC%84%B1/x.csv");
    CHECK_INT (eod_s3_encode_key ("~user/A-Z_a-z.0-9", out, sizeof out), 0);
    CHECK_STR (out, "~user/A-Z_a-z.0-9");
    CHECK_INT (eod_s3_encode_key ("", out, sizeof out), 0);
    CHECK_STR (out, "");
    //  "a=b" needs 6 bytes: too small buffers fail and leave ""
    CHECK_INT (eod_s3_encode_key ("a=b", out, 6), 0);
    CHECK_STR (out, "a%3Db");
    CHECK_INT (eod_s3_encode_key ("a=b", out, 5), -1);
    CHECK_STR (out, "");
    CHECK_INT (eod_s3_encode_key ("a", out, 1), -1);
}

//  The small file the offline and fault tests upload (its MD5 is checked in
//  test_util, where eod_md5_file lives).
static void
s_make_fox (const char *dir)
{
    static const char fox[] = "The quick brown fox jumps over the lazy dog";
    char path[TEST_PATH_MAX];
    snprintf (path, sizeof path, "%s/fox", dir);
    CHECK_INT (s_write_file (path, fox, sizeof fox - 1), 0);
}

static eod_s3_config_t
s_config (const char *endpoint)
{
    const char *bucket = getenv ("EOD_S3_TEST_BUCKET");
    eod_s3_config_t cfg = {
        .endpoint = endpoint,
        .region = TEST_REGION,
        .bucket = bucket && *bucket ? bucket : TEST_BUCKET_DEFAULT,
        .path_style = true,
        .access_key = TEST_ACCESS_KEY,
        .secret_key = TEST_SECRET_KEY,
        .timeout_ms = 10000,
        .max_attempts = 5,
    };
    return cfg;
}

//  A port on 127.0.0.1 that refuses connections: bound, never listening.
static int
s_closed_port (int *fd_out)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof addr) != 0
        || getsockname (fd, (struct sockaddr *) &addr, &len) != 0) {
        if (fd >= 0)
            close (fd);
        return -1;
    }
    *fd_out = fd;
    return ntohs (addr.sin_port);
}

static double
s_now_s (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (double) now.tv_sec + (double) now.tv_nsec / 1e9;
}

static void
s_test_offline_errors (const char *dir)
{
    char err[TEST_ERR_MAX], path[TEST_PATH_MAX];
    snprintf (path, sizeof path, "%s/fox", dir);

    eod_s3_config_t cfg = s_config ("http://127.0.0.1:9");
    cfg.bucket = NULL;
    CHECK_INT (eod_s3_put_file (&cfg, TEST_HIVE_KEY, path, err, sizeof err), EOD_S3_FAILED);
    CHECK (strstr (err, "bucket") != NULL);

    cfg = s_config ("http://127.0.0.1:9");
    cfg.bucket = "bad/bucket";
    CHECK_INT (eod_s3_put_file (&cfg, TEST_HIVE_KEY, path, err, sizeof err), EOD_S3_FAILED);

    cfg = s_config ("http://127.0.0.1:9");
    cfg.secret_key = "";
    CHECK_INT (eod_s3_put_file (&cfg, TEST_HIVE_KEY, path, err, sizeof err), EOD_S3_FAILED);

    //  Keys with dot or empty segments are refused before any request: curl
    //  would collapse "../" and reach another bucket.
    static const char *const dotted[] = {"../other-bucket/x", "a/../../x", "./x", "a//b", "/abs"};
    cfg = s_config ("http://127.0.0.1:9");
    for (size_t i = 0; i < sizeof dotted / sizeof dotted[0]; i++) {
        CHECK_INT (eod_s3_put_file (&cfg, dotted[i], path, err, sizeof err), EOD_S3_FAILED);
        CHECK (strstr (err, "s3 key refused") != NULL);
    }
    char etag_dotted[EOD_S3_ETAG_MAX];
    CHECK_INT (eod_s3_head (&cfg, "../x", etag_dotted, sizeof etag_dotted, err, sizeof err), -1);
    CHECK (strstr (err, "s3 key refused") != NULL);

    cfg = s_config ("not a url");
    CHECK_INT (eod_s3_put_file (&cfg, TEST_HIVE_KEY, path, err, sizeof err), EOD_S3_FAILED);
    CHECK (strstr (err, "endpoint") != NULL);

    cfg = s_config ("http://127.0.0.1:9");
    snprintf (path, sizeof path, "%s/does-not-exist.csv", dir);
    CHECK_INT (eod_s3_put_file (&cfg, TEST_HIVE_KEY, path, err, sizeof err), EOD_S3_FAILED);
    CHECK (strstr (err, "does-not-exist.csv") != NULL);

    //  A refused connection is transient: all attempts are made, with backoff
    //  (at least 200 ms before each retry), and the result is RETRYABLE.
    int fd = -1;
    int port = s_closed_port (&fd);
    CHECK (port > 0);
    if (port > 0) {
        char endpoint[TEST_URL_MAX];
        snprintf (endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
        cfg = s_config (endpoint);
        cfg.max_attempts = 2;
        snprintf (path, sizeof path, "%s/fox", dir);
        double start = s_now_s ();
        CHECK_INT (eod_s3_put_file (&cfg, TEST_HIVE_KEY, path, err, sizeof err), EOD_S3_RETRYABLE);
        double elapsed = s_now_s () - start;
        CHECK (elapsed >= 0.19);
        CHECK (elapsed < 5.0);
        CHECK (strstr (err, "curl") != NULL);
        char etag[EOD_S3_ETAG_MAX];
        CHECK_INT (eod_s3_head (&cfg, TEST_HIVE_KEY, etag, sizeof etag, err, sizeof err), -1);
        close (fd);
    }
}

//  Reads one counter from the verifier's /_verify/stats: "requests",
//  "rejected.SignatureDoesNotMatch", "faults.500". -1 when unavailable.
static long
s_stat (const char *endpoint, const char *field)
{
    char url[TEST_URL_MAX];
    snprintf (url, sizeof url, "%s/_verify/stats", endpoint);
    eod_http_request_t req = {.method = "GET", .url = url, .timeout_ms = 5000};
    eod_http_response_t resp = {0};
    long value = -1;
    if (eod_http_perform (&req, &resp) != 0 || resp.status != 200 || !resp.body) {
        eod_http_response_free (&resp);
        return -1;
    }
    json_t *root = json_loads (resp.body, 0, NULL);
    json_t *node = root;
    char name[64];
    snprintf (name, sizeof name, "%s", field);
    char *dot = strchr (name, '.');
    if (dot) {
        *dot = '\0';
        node = json_object_get (node, name);
        node = node ? json_object_get (node, dot + 1) : NULL;
        if (node == NULL && root)
            value = 0;   //  a reason never seen is not in the map yet
    }
    else
        node = json_object_get (node, name);
    if (json_is_integer (node))
        value = (long) json_integer_value (node);
    json_decref (root);
    eod_http_response_free (&resp);
    return value;
}

static void
s_test_live (const char *endpoint, const char *dir)
{
    char err[TEST_ERR_MAX], path[TEST_PATH_MAX], hex[33], b64[25];
    char etag[EOD_S3_ETAG_MAX];
    const char *keep = getenv ("EOD_S3_TEST_FILE");
    if (keep && *keep)
        snprintf (path, sizeof path, "%s", keep);
    else
        snprintf (path, sizeof path, "%s/kr_20240902.csv", dir);
    CHECK_INT (s_write_file (path, s_csv, sizeof s_csv - 1), 0);
    CHECK_INT (eod_md5_file (path, hex, b64), 0);

    //  PUT under a Hive-style key ('=' must be encoded for the signature)
    eod_s3_config_t cfg = s_config (endpoint);
    long requests = s_stat (endpoint, "requests");
    CHECK (requests >= 0);
    CHECK_INT (eod_s3_put_file (&cfg, TEST_HIVE_KEY, path, err, sizeof err), EOD_S3_OK);
    CHECK_INT (s_stat (endpoint, "requests"), requests + 1);   //  stats GETs are not counted
    CHECK_INT (eod_s3_head (&cfg, TEST_HIVE_KEY, etag, sizeof etag, err, sizeof err), 0);
    CHECK_STR (etag, hex);

    //  spaces, '+', '(', '~' and UTF-8 in a key
    CHECK_INT (eod_s3_put_file (&cfg, TEST_ODD_KEY, path, err, sizeof err), EOD_S3_OK);
    CHECK_INT (eod_s3_head (&cfg, TEST_ODD_KEY, etag, sizeof etag, err, sizeof err), 0);
    CHECK_STR (etag, hex);

    //  over 1 MiB curl adds an (unsigned) Expect: 100-continue; still accepted
    char big_path[TEST_PATH_MAX], big_hex[33], big_b64[25];
    snprintf (big_path, sizeof big_path, "%s/big.csv", dir);
    FILE *big = fopen (big_path, "wb");
    CHECK (big != NULL);
    if (big) {
        for (int row = 0; row < TEST_BIG_ROWS; row++)
            fprintf (big, "%06d,name %d,2024-09-02,%d\n", row, row, row * 7);
        CHECK_INT (fclose (big), 0);
        CHECK_INT (eod_md5_file (big_path, big_hex, big_b64), 0);
        CHECK_INT (eod_s3_put_file (&cfg, TEST_BIG_KEY, big_path, err, sizeof err), EOD_S3_OK);
        CHECK_INT (eod_s3_head (&cfg, TEST_BIG_KEY, etag, sizeof etag, err, sizeof err), 0);
        CHECK_STR (etag, big_hex);
        unlink (big_path);
    }

    //  a missing object is 1, asked once (404 is not retried)
    requests = s_stat (endpoint, "requests");
    CHECK_INT (eod_s3_head (&cfg, "market=kr/dt=1999-01-01/none.csv", etag, sizeof etag, err, sizeof err), 1);
    CHECK_INT (s_stat (endpoint, "requests"), requests + 1);

    //  a wrong secret is refused once and never retried
    long mismatches = s_stat (endpoint, "rejected.SignatureDoesNotMatch");
    requests = s_stat (endpoint, "requests");
    cfg.secret_key = "WRONG-SECRET-1234";
    CHECK_INT (eod_s3_put_file (&cfg, TEST_HIVE_KEY, path, err, sizeof err), EOD_S3_DENIED);
    CHECK (strstr (err, "403 SignatureDoesNotMatch") != NULL);
    CHECK (strstr (err, "WRONG-SECRET-1234") == NULL);
    CHECK_INT (s_stat (endpoint, "rejected.SignatureDoesNotMatch"), mismatches + 1);
    CHECK_INT (s_stat (endpoint, "requests"), requests + 1);

    //  an unknown access key, also once
    cfg = s_config (endpoint);
    cfg.access_key = "NOSUCHKEY";
    long unknown = s_stat (endpoint, "rejected.InvalidAccessKeyId");
    CHECK_INT (eod_s3_put_file (&cfg, TEST_HIVE_KEY, path, err, sizeof err), EOD_S3_DENIED);
    CHECK (strstr (err, "403 InvalidAccessKeyId") != NULL);
    CHECK_INT (s_stat (endpoint, "rejected.InvalidAccessKeyId"), unknown + 1);

    //  virtual-hosted style: BUCKET.s3.localhost:PORT (curl resolves *.localhost
    //  to the loopback; s3rver's service endpoint is "localhost")
    static const char loopback[] = "http://127.0.0.1:";
    if (strncmp (endpoint, loopback, sizeof loopback - 1) == 0) {
        char vhost_endpoint[TEST_URL_MAX];
        snprintf (vhost_endpoint, sizeof vhost_endpoint, "http://s3.localhost:%s", endpoint + sizeof loopback - 1);
        eod_s3_config_t vhost = s_config (vhost_endpoint);
        vhost.path_style = false;
        CHECK_INT (eod_s3_put_file (&vhost, TEST_VHOST_KEY, path, err, sizeof err), EOD_S3_OK);
        CHECK_INT (eod_s3_head (&vhost, TEST_VHOST_KEY, etag, sizeof etag, err, sizeof err), 0);
        CHECK_STR (etag, hex);
        //  and it is the same object seen path-style
        eod_s3_config_t plain = s_config (endpoint);
        CHECK_INT (eod_s3_head (&plain, TEST_VHOST_KEY, etag, sizeof etag, err, sizeof err), 0);
        CHECK_STR (etag, hex);
    }

    //  the object is still the one uploaded with the right secret
    cfg = s_config (endpoint);
    CHECK_INT (eod_s3_head (&cfg, TEST_HIVE_KEY, etag, sizeof etag, err, sizeof err), 0);
    CHECK_STR (etag, hex);
}

static void
s_test_faults (const char *endpoint, const char *dir)
{
    char err[TEST_ERR_MAX], path[TEST_PATH_MAX];
    snprintf (path, sizeof path, "%s/fox", dir);
    eod_s3_config_t cfg = s_config (endpoint);
    cfg.max_attempts = TEST_FAULT_ATTEMPTS;
    long faults_500 = s_stat (endpoint, "faults.500");
    long faults_slow = s_stat (endpoint, "faults.slowdown");
    CHECK (faults_500 >= 0 && faults_slow >= 0);
    CHECK_INT (eod_s3_put_file (&cfg, "market=kr/dt=2024-09-02/fault.csv", path, err, sizeof err), EOD_S3_RETRYABLE);
    CHECK (strstr (err, "500 InternalError") != NULL || strstr (err, "503 SlowDown") != NULL);
    long made = s_stat (endpoint, "faults.500") - faults_500 + s_stat (endpoint, "faults.slowdown") - faults_slow;
    CHECK_INT (made, TEST_FAULT_ATTEMPTS);
}

int
main (void)
{
    eod_log_init ("test_s3");
    CHECK_INT (eod_http_global_init (), 0);
    char dir[] = "/tmp/test_s3.XXXXXX";
    CHECK (mkdtemp (dir) != NULL);

    s_test_encode_key ();
    s_make_fox (dir);
    s_test_offline_errors (dir);

    const char *endpoint = getenv ("EOD_S3_TEST_ENDPOINT");
    if (endpoint && *endpoint)
        s_test_live (endpoint, dir);
    else
        printf ("test_s3: EOD_S3_TEST_ENDPOINT not set, live tests skipped\n");
    const char *fault_endpoint = getenv ("EOD_S3_TEST_FAULT_ENDPOINT");
    if (fault_endpoint && *fault_endpoint)
        s_test_faults (fault_endpoint, dir);
    else
        printf ("test_s3: EOD_S3_TEST_FAULT_ENDPOINT not set, fault tests skipped\n");

    char path[TEST_PATH_MAX];
    static const char *files[] = {"fox", "kr_20240902.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf (path, sizeof path, "%s/%s", dir, files[i]);
        unlink (path);
    }
    rmdir (dir);
    return EOD_TEST_DONE ();
}
