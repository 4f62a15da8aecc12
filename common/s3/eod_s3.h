/*  eod_s3 — S3 object upload and lookup for the uploader stage.

    The uploader (eod-uploader) receives FILE messages from the writer and
    PUTs each CSV here. Requests are signed with AWS Signature Version 4
    through libcurl's CURLOPT_AWS_SIGV4. The libcurl of Debian 12 (7.88) needs
    the caller to follow four rules, all handled inside this module:
    the provider string is always "aws:amz:<region>:s3"; x-amz-content-sha256
    is set by us (hex SHA-256 of the body); the object key is percent-encoded
    by us (curl 7.88 signs the path verbatim, so a raw '=' in a Hive-style
    "dt=..." key breaks the signature); and no empty header is ever passed
    (curl 7.88 would sign it although it is never sent).

    Every PUT carries Content-MD5, so S3 itself refuses a body damaged on the
    way. Transient failures (network errors, timeouts, 5xx, SlowDown) are
    retried with exponential backoff and jitter; configuration errors (the
    credentials, the bucket, its region or endpoint: eod_s3_answer.h) never
    are. */
#ifndef EOD_S3_H
#define EOD_S3_H

#include <stdbool.h>
#include <stddef.h>

#define EOD_S3_MAX_ATTEMPTS_DEFAULT 5      //  when max_attempts is 0
#define EOD_S3_TIMEOUT_MS_DEFAULT 60000L   //  whole transfer, when timeout_ms is 0
#define EOD_S3_KEY_MAX 1024                //  S3's limit on a key, in bytes
#define EOD_S3_ETAG_MAX 128                //  room for any ETag S3 returns

typedef struct {
    const char *endpoint;   //  "https://s3.ap-northeast-2.amazonaws.com", "http://127.0.0.1:18081";
                            //  NULL or "": https://s3.<region>.amazonaws.com
    const char *region;     //  "ap-northeast-2"; also the SigV4 scope
    const char *bucket;
    bool path_style;   //  true: ENDPOINT/BUCKET/KEY; false: BUCKET.host/KEY
    const char *access_key;
    const char *secret_key;
    const char *session_token;   //  optional (STS); sent as x-amz-security-token
    bool insecure;               //  skip TLS verification (explicit config only)
    const char *ca_file;         //  NULL: system store
    long timeout_ms;             //  per attempt; 0: EOD_S3_TIMEOUT_MS_DEFAULT
    int max_attempts;            //  0: EOD_S3_MAX_ATTEMPTS_DEFAULT; backoff 200 ms .. 5 s with jitter
} eod_s3_config_t;

typedef enum {
    EOD_S3_OK = 0,
    EOD_S3_RETRYABLE,   //  attempts exhausted on transient errors; try again later
    EOD_S3_DENIED,      //  credentials or permissions (403, bad signature, unknown key)
    EOD_S3_FAILED,      //  anything else: bad request, missing file, bad config
    EOD_S3_CONFIG       //  no such bucket, wrong region or endpoint (eod_s3_answer.h)
} eod_s3_status_t;

//  Uploads the file at path to key in cfg->bucket, with Content-Type text/csv,
//  Content-MD5 and the hex SHA-256 of the file as x-amz-content-sha256. key is
//  the plain key ("market=kr/dt=2024-09-02/kr_20240902.csv"); it is encoded here.
//  Retries network errors, timeouts, 5xx and SlowDown up to cfg->max_attempts
//  times with backoff; never retries a configuration error (eod_s3_answer.h).
//  On failure writes "<http status> <S3 error Code>: <Message>" or the curl
//  error into err (always NUL-terminated when errlen > 0). Returns the status.
//  The secret key is registered with eod_log_secret and never logged.
eod_s3_status_t eod_s3_put_file (const eod_s3_config_t *cfg, const char *key, const char *path, char *err,
                                 size_t errlen);

//  HEADs the object at key. On 200 writes its ETag with the quotes stripped
//  (the hex MD5 of the body for a single-part PUT) to etag and returns 0;
//  returns 1 when the object does not exist (404); -1 on any other error,
//  with the reason in err. Transient errors are retried like eod_s3_put_file.
int eod_s3_head (const eod_s3_config_t *cfg, const char *key, char *etag, size_t etaglen, char *err, size_t errlen);

//  Percent-encodes an object key for the request path and the canonical
//  request: every byte except A-Za-z0-9 - . _ ~ / becomes %XX (uppercase hex).
//  Returns 0, or -1 when out is too small (out then holds "").
int eod_s3_encode_key (const char *key, char *out, size_t outsize);

//  Short name of a status ("ok", "retryable", "denied", "failed", "config").
const char *eod_s3_strerror (eod_s3_status_t status);

#endif
