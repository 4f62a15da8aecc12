/*  eod_s3_answer — what an S3 answer means for the uploader.

    S3 answers an error with an HTTP status and an XML body naming its code
    (<Error><Code>NoSuchBucket</Code><Message>…</Message>…</Error>; a HEAD
    has no body). eod_s3_classify sorts it into what to do:

      retryable  5xx, 429, SlowDown, InternalError, RequestTimeout, … : try
                 again with backoff, the store is busy or ill;
      denied     AccessDenied, SignatureDoesNotMatch, InvalidAccessKeyId,
                 expired tokens, skewed clocks, any 403: the credentials or
                 their rights;
      config     NoSuchBucket, a wrong region (400
                 AuthorizationHeaderMalformed, IllegalLocationConstraint), a
                 wrong endpoint (301 PermanentRedirect, 307 TemporaryRedirect,
                 InvalidBucketName): the [s3] section names a bucket, region or
                 endpoint that is not the bucket's;
      failed     anything else (a bad request of ours).

    Denied and config are configuration errors: asking again changes
    nothing, so they are never retried and end the run with exit 2. The
    text written for each says which key to look at. */
#ifndef EOD_S3_ANSWER_H
#define EOD_S3_ANSWER_H

#include <stddef.h>

#include "eod_s3.h"

//  Sorts an answer: HTTP status and its body (NULL or "" for none). Writes
//  "STATUS CODE: Message" and, for a configuration error, what to check,
//  into err[errlen] (nothing on 2xx). Returns the status.
eod_s3_status_t eod_s3_classify (long http_status, const char *body, char *err, size_t errlen);

//  True for the statuses that are configuration errors (denied, config).
bool eod_s3_status_is_config (eod_s3_status_t status);

//  Copies the text of the first <tag>…</tag> of an S3 error body into out,
//  with the five XML entities decoded and control characters blanked; ""
//  when the tag is absent.
void eod_s3_xml_field (const char *body, const char *tag, char *out, size_t outsize);

#endif
