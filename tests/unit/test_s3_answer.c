/*  test_s3_answer — eod_s3_classify on S3's own error bodies (tests/data/s3/,
    one file per answer, named STATUS-CODE.xml): configuration errors (the
    credentials, the bucket, its region, the endpoint) are never retried and
    say which key to look at; a busy or ill store is retried; a HEAD's
    answer, which has no body, is sorted by its status. */
#include "eod_s3_answer.h"
#include "eod_test.h"

#include <stdio.h>
#include <stdlib.h>

#define S_BODY_MAX 8192

static char *
s_body (const char *name)
{
    static char body[S_BODY_MAX];
    char path[256];
    snprintf (path, sizeof path, "tests/data/s3/%s.xml", name);
    FILE *file = fopen (path, "r");
    body[0] = '\0';
    if (!file)
        return body;
    size_t n = fread (body, 1, sizeof body - 1, file);
    body[n] = '\0';
    fclose (file);
    return body;
}

typedef struct {
    const char *file;   //  tests/data/s3/FILE.xml
    long status;
    eod_s3_status_t want;
    const char *says;   //  a part of the text written
} s_case_t;

static void
test_bodies (void)
{
    static const s_case_t cases[] = {
        {"404-NoSuchBucket", 404, EOD_S3_CONFIG,
         "404 NoSuchBucket: The specified bucket does not exist; no such bucket: check [s3] bucket"},
        {"400-AuthorizationHeaderMalformed", 400, EOD_S3_CONFIG,
         "the region 'us-east-1' is wrong; expecting 'ap-northeast-2'; the request was signed for another region: "
         "check [s3] region (the bucket's region: ap-northeast-2)"},
        {"301-PermanentRedirect", 301, EOD_S3_CONFIG,
         "check [s3] region and endpoint (S3 names the endpoint eod-demo.s3.us-west-2.amazonaws.com)"},
        {"403-AccessDenied", 403, EOD_S3_DENIED,
         "403 AccessDenied: Access Denied; the credentials may not write to this bucket"},
        {"403-SignatureDoesNotMatch", 403, EOD_S3_DENIED, "[aws_config] aws_secret_access_key"},
        {"403-InvalidAccessKeyId", 403, EOD_S3_DENIED, "[aws_config] aws_access_key"},
        {"503-SlowDown", 503, EOD_S3_RETRYABLE, "503 SlowDown: Please reduce your request rate."},
        {"500-InternalError", 500, EOD_S3_RETRYABLE, "500 InternalError"},
        {"400-RequestTimeout", 400, EOD_S3_RETRYABLE, "400 RequestTimeout"},
        {"400-BadDigest", 400, EOD_S3_FAILED, "400 BadDigest"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512] = "";
        const char *body = s_body (cases[i].file);
        CHECK (*body);
        eod_s3_status_t got = eod_s3_classify (cases[i].status, body, err, sizeof err);
        if (got != cases[i].want || !strstr (err, cases[i].says))
            fprintf (stderr, "%s: %s (%d): %s\n", cases[i].file, eod_s3_strerror (got), (int) got, err);
        CHECK_INT (got, cases[i].want);
        CHECK (strstr (err, cases[i].says) != NULL);
        CHECK (eod_s3_status_is_config (got) == (cases[i].want == EOD_S3_CONFIG || cases[i].want == EOD_S3_DENIED));
    }
    //  A signature refused with a 400 is still the credentials.
    char err[512];
    CHECK_INT (eod_s3_classify (400, s_body ("403-SignatureDoesNotMatch"), err, sizeof err), EOD_S3_DENIED);
}

//  A HEAD's answer has no body: its status decides.
static void
test_no_body (void)
{
    char err[512];
    CHECK_INT (eod_s3_classify (200, NULL, err, sizeof err), EOD_S3_OK);
    CHECK_INT (eod_s3_classify (204, "", err, sizeof err), EOD_S3_OK);
    CHECK_INT (eod_s3_classify (403, NULL, err, sizeof err), EOD_S3_DENIED);
    CHECK (strstr (err, "403 (no S3 error body)") != NULL);
    CHECK_INT (eod_s3_classify (301, "", err, sizeof err), EOD_S3_CONFIG);
    CHECK (strstr (err, "check [s3] region and endpoint") != NULL);
    CHECK_INT (eod_s3_classify (307, NULL, err, sizeof err), EOD_S3_CONFIG);
    CHECK_INT (eod_s3_classify (500, NULL, err, sizeof err), EOD_S3_RETRYABLE);
    CHECK_INT (eod_s3_classify (503, NULL, err, sizeof err), EOD_S3_RETRYABLE);
    CHECK_INT (eod_s3_classify (429, NULL, err, sizeof err), EOD_S3_RETRYABLE);
    CHECK_INT (eod_s3_classify (404, NULL, err, sizeof err), EOD_S3_FAILED);
    CHECK_INT (eod_s3_classify (400, NULL, err, sizeof err), EOD_S3_FAILED);
    //  An unknown code goes by its status.
    CHECK_INT (eod_s3_classify (503, "<Error><Code>Brownout</Code></Error>", err, sizeof err), EOD_S3_RETRYABLE);
    CHECK_INT (eod_s3_classify (403, "<Error><Code>Novel</Code></Error>", err, sizeof err), EOD_S3_DENIED);
    //  No buffer: the status only.
    CHECK_INT (eod_s3_classify (404, s_body ("404-NoSuchBucket"), NULL, 0), EOD_S3_CONFIG);
    CHECK_STR (eod_s3_strerror (EOD_S3_CONFIG), "config");
}

//  Fields: entities decoded, control characters blanked, absent tags empty,
//  a short buffer cut.
static void
test_xml_field (void)
{
    char out[16];
    eod_s3_xml_field ("<Error><Message>a &amp; b\n&lt;c&gt;</Message></Error>", "Message", out, sizeof out);
    CHECK_STR (out, "a & b <c>");
    eod_s3_xml_field ("<Error></Error>", "Code", out, sizeof out);
    CHECK_STR (out, "");
    eod_s3_xml_field ("<Code>unterminated", "Code", out, sizeof out);
    CHECK_STR (out, "");
    eod_s3_xml_field (NULL, "Code", out, sizeof out);
    CHECK_STR (out, "");
    eod_s3_xml_field ("<Code>0123456789abcdefghij</Code>", "Code", out, sizeof out);
    CHECK_STR (out, "0123456789abcde");
}

int
main (void)
{
    test_bodies ();
    test_no_body ();
    test_xml_field ();
    return EOD_TEST_DONE ();
}
