/*  eod_s3_answer — see eod_s3_answer.h. */
#include "eod_s3_answer.h"
#include "eod_util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define S_FIELD_MAX 256   //  an S3 error Code, Message or Region we report
#define S_HTTP_MOVED 301
#define S_HTTP_REDIRECT 307
#define S_HTTP_BAD_REQUEST 400
#define S_HTTP_FORBIDDEN 403
#define S_HTTP_NOT_FOUND 404
#define S_HTTP_TOO_MANY 429
#define S_HTTP_SERVER_ERROR 500

//  A code S3 answers and what it means for us.
typedef struct {
    const char *code;
    eod_s3_status_t status;
    const char *hint;   //  what to check, for a configuration error
} s_code_t;

static const s_code_t s_codes[] = {
    //  The credentials and their rights. S3 may answer a bad signature with
    //  400 as well as 403, so the code decides before the status.
    {"SignatureDoesNotMatch", EOD_S3_DENIED,
     "the secret key does not match the access key ([aws_config] aws_secret_access_key)"},
    {"InvalidAccessKeyId", EOD_S3_DENIED, "S3 does not know the access key ([aws_config] aws_access_key)"},
    {"AccessDenied", EOD_S3_DENIED, "the credentials may not write to this bucket (its policy, or the key's)"},
    {"AllAccessDisabled", EOD_S3_DENIED, "all access to this bucket is disabled"},
    {"AccountProblem", EOD_S3_DENIED, "the AWS account has a problem"},
    {"InvalidToken", EOD_S3_DENIED, "the session token is not valid"},
    {"ExpiredToken", EOD_S3_DENIED, "the session token expired"},
    {"TokenRefreshRequired", EOD_S3_DENIED, "the session token must be refreshed"},
    {"RequestTimeTooSkewed", EOD_S3_DENIED, "this host's clock is more than 15 minutes off"},
    //  The bucket, its region, the endpoint.
    {"NoSuchBucket", EOD_S3_CONFIG, "no such bucket: check [s3] bucket (and [s3] endpoint)"},
    {"InvalidBucketName", EOD_S3_CONFIG, "S3 refuses the bucket name: check [s3] bucket"},
    {"AuthorizationHeaderMalformed", EOD_S3_CONFIG, "the request was signed for another region: check [s3] region"},
    {"IllegalLocationConstraintException", EOD_S3_CONFIG, "the bucket is in another region: check [s3] region"},
    {"PermanentRedirect", EOD_S3_CONFIG,
     "the bucket must be addressed at another endpoint: check [s3] region and endpoint"},
    {"TemporaryRedirect", EOD_S3_CONFIG,
     "the bucket must be addressed at another endpoint: check [s3] region and endpoint"},
    //  A busy or ill store.
    {"SlowDown", EOD_S3_RETRYABLE, NULL},
    {"InternalError", EOD_S3_RETRYABLE, NULL},
    {"ServiceUnavailable", EOD_S3_RETRYABLE, NULL},
    {"RequestTimeout", EOD_S3_RETRYABLE, NULL},
    {"OperationAborted", EOD_S3_RETRYABLE, NULL},
    {NULL, EOD_S3_FAILED, NULL}};

bool
eod_s3_status_is_config (eod_s3_status_t status)
{
    return status == EOD_S3_DENIED || status == EOD_S3_CONFIG;
}

void
eod_s3_xml_field (const char *body, const char *tag, char *out, size_t outsize)
{
    char open[32], close[32];
    out[0] = '\0';
    if (!body)
        return;
    snprintf (open, sizeof open, "<%s>", tag);
    snprintf (close, sizeof close, "</%s>", tag);
    const char *start = strstr (body, open);
    if (!start)
        return;
    start += strlen (open);
    const char *end = strstr (start, close);
    if (!end)
        return;
    static const struct {
        const char *entity;
        char c;
    } entities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t used = 0;
    const char *p = start;
    while (p < end && used + 1 < outsize) {
        char c = *p++;
        if (c == '&') {
            for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++) {
                size_t elen = strlen (entities[i].entity);
                if ((size_t) (end - (p - 1)) >= elen && memcmp (p - 1, entities[i].entity, elen) == 0) {
                    c = entities[i].c;
                    p += elen - 1;
                    break;
                }
            }
        }
        out[used++] = iscntrl ((unsigned char) c) ? ' ' : c;
    }
    out[used] = '\0';
}

//  The status of an answer whose code is not in the table (or absent: a HEAD).
static eod_s3_status_t
s_by_status (long http_status, const char **hint)
{
    *hint = NULL;
    if (http_status == S_HTTP_FORBIDDEN) {
        *hint = "the credentials may not do this (a HEAD carries no reason)";
        return EOD_S3_DENIED;
    }
    if (http_status == S_HTTP_MOVED || http_status == S_HTTP_REDIRECT) {
        *hint = "the bucket must be addressed at another endpoint: check [s3] region and endpoint";
        return EOD_S3_CONFIG;
    }
    if (http_status >= S_HTTP_SERVER_ERROR || http_status == S_HTTP_TOO_MANY)
        return EOD_S3_RETRYABLE;
    return EOD_S3_FAILED;
}

eod_s3_status_t
eod_s3_classify (long http_status, const char *body, char *err, size_t errlen)
{
    if (http_status >= 200 && http_status < 300)
        return EOD_S3_OK;
    char code[S_FIELD_MAX], message[S_FIELD_MAX], region[S_FIELD_MAX], endpoint[S_FIELD_MAX];
    eod_s3_xml_field (body, "Code", code, sizeof code);
    eod_s3_xml_field (body, "Message", message, sizeof message);
    eod_s3_xml_field (body, "Region", region, sizeof region);
    eod_s3_xml_field (body, "Endpoint", endpoint, sizeof endpoint);
    const s_code_t *known = s_codes;
    while (known->code && strcmp (known->code, code) != 0)
        known++;
    const char *hint = known->hint;
    eod_s3_status_t status = known->code ? known->status : s_by_status (http_status, &hint);
    char where[S_FIELD_MAX + 32] = "";
    if (*region)
        snprintf (where, sizeof where, " (the bucket's region: %s)", region);
    else if (*endpoint)
        snprintf (where, sizeof where, " (S3 names the endpoint %s)", endpoint);
    eod_set_error (err, errlen, "%ld %s: %s%s%s%s", http_status, *code ? code : "(no S3 error body)",
                   *message ? message : "", hint && eod_s3_status_is_config (status) ? (*message ? "; " : "") : "",
                   hint && eod_s3_status_is_config (status) ? hint : "", where);
    return status;
}
