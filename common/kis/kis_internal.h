/*  kis_internal — what the files of the KIS REST client share; not for the
    stages, which include eod_kis.h only.

    The client is one library in five parts: kis_request (URLs, headers, the
    one HTTP request per call), a parser per endpoint (kis_chart,
    kis_overseas, kis_token, kis_holiday, kis_multiquote), kis_error (what a reply means:
    the one place mapping HTTP status, rt_cd and msg_cd to a status) and
    kis_json (JSON values as text, the rows of a price reply). A request
    hands its body to the parser of its endpoint; the parsers' public
    wrappers in eod_kis.h do the same for stored bodies. `what` names the
    call in log lines and error texts ("GET dailyprice HHDFS76240000
    NAS:AAPL BYMD 20260109"). */
#ifndef KIS_INTERNAL_H
#define KIS_INTERNAL_H

#include "eod_kis.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define KIS_TEXT_MAX 64                  //  short envelope values (rt_cd, nrec, dates, flags)
#define KIS_WHY_MAX 200                  //  the first rejected row's reason, quoted in r->error

#define KIS_PATH_TOKEN "/oauth2/tokenP"
#define KIS_TR_CHART "FHKST03010100"
#define KIS_TR_OVERSEAS "HHDFS76240000"
#define KIS_TR_HOLIDAY "CTCA0903R"
#define KIS_TR_MULTIQUOTE "FHKST11300006"

//  ---------------------------------------------------------------------------
//  kis_json: text of JSON values

//  True when s holds only white space (or nothing).
bool kis_is_blank (const char *s);

//  True when s is exactly eight digits (YYYYMMDD; the calendar is not checked).
bool kis_is_date (const char *s);

//  Copies text[0..len) into out with ASCII white space trimmed at both ends,
//  cut at a UTF-8 character boundary when it does not fit. outsize > 0.
void kis_copy_trimmed (char *out, size_t outsize, const char *text, size_t len);

//  "an object", "a string", ... for error texts; "missing" for NULL.
const char *kis_json_type_name (const json_t *v);

//  Trimmed text of member key of obj into out. Returns 0 when the member is
//  there and scalar, -1 otherwise (out is then "").
int kis_member_text (const json_t *obj, const char *key, char *out, size_t outsize);

//  Adds one JSON member to fields as text (strings as sent, numbers in their
//  shortest exact form, null as ""). Returns 0, -1 when the value is not
//  scalar, -2 when out of memory.
int kis_fields_add (eod_fields_t *fields, const char *key, const json_t *v);

//  Fills output1 from member "output1" when it is an object. A member holding
//  an object, array or boolean is left out and logged. Returns 0, or -1 when
//  out of memory.
int kis_parse_output1 (const json_t *root, const char *what, eod_fields_t *output1);

//  Converts up to `limit` elements of the array `member` into *rows_p (the
//  caller frees them with eod_fields_array_free; NULL when none). Elements
//  without a non-blank date_key (e.g. {}) are skipped; elements that are not
//  objects, carry a date that is not YYYYMMDD or a value that is not scalar
//  are rejected: counted in *rejected, logged, the first reason in why.
//  Returns 0, or -1 when out of memory.
int kis_parse_rows (const json_t *root, const char *member, const char *date_key, size_t limit, const char *what,
                    eod_fields_t **rows_p, size_t *nrows_p, size_t *rejected, char *why, size_t whysize);

//  ---------------------------------------------------------------------------
//  kis_error: classification

//  Starts a reply: everything empty, the status EOD_KIS_OK, the HTTP status kept.
void kis_reply_begin (eod_kis_reply_t *r, long http_status);

//  Starts a price reply (chart, overseas) as kis_reply_begin, with output1
//  cleared and no rows.
void kis_price_begin (eod_kis_reply_t *r, long http_status, eod_fields_t *output1, eod_fields_t **rows,
                      size_t *nrows);

//  What a price parser reads from a reply whose envelope said success:
//  output1 and the rows into *rows/*nrows, the status into r. Returns 0, or
//  -1 when out of memory (kis_price_parse then makes the reply retryable).
typedef int (kis_price_body_fn) (const json_t *root, const char *what, eod_fields_t *output1, eod_fields_t **rows,
                                 size_t *nrows, eod_kis_reply_t *r);

//  A price reply (chart, overseas) from start to end: kis_price_begin,
//  kis_load and kis_envelope_ok, then read_body; unless the status is then
//  EOD_KIS_OK the rows are freed. r may be NULL. Returns the status.
int kis_price_parse (long http_status, const char *body, size_t len, const char *what, eod_fields_t *output1,
                     eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r, kis_price_body_fn *read_body);

//  Formats r->error (eod_set_error: cut to fit, secrets redacted), then
//  keeps it one line.
void kis_set_error (eod_kis_reply_t *r, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

//  Status of an error code (msg_cd or error_code, trimmed): the known codes
//  have their own, OPSQ* is permanent, any other is retryable on 5xx and
//  permanent otherwise.
eod_kis_status_t kis_status_for_code (const char *code, long http_status);

//  The same with the reply's rt_cd (NULL: none, as tokenP answers): an
//  unknown code with an rt_cd other than "1" is permanent whatever the
//  HTTP status.
eod_kis_status_t kis_status_for_reply (const char *code, long http_status, const char *rt_cd);

//  Parses body (not NUL-terminated, a UTF-8 BOM skipped) as a JSON object;
//  the caller json_decrefs it. On failure classifies the reply (non-JSON 4xx
//  is permanent, anything else retryable: gateway pages and cut transfers
//  pass), sets r->error and returns NULL.
json_t *kis_load (long http_status, const char *body, size_t len, const char *what, eod_kis_reply_t *r);

//  Reads the envelope (rt_cd, msg_cd/error_code, msg1/error_description) into
//  r. Returns true on success (rt_cd "0" and no error_code); otherwise sets
//  r->status and r->error and returns false. With require_rt_cd false a body
//  without rt_cd counts as success (tokenP answers without an envelope).
bool kis_envelope_ok (long http_status, const json_t *root, const char *what, bool require_rt_cd,
                      eod_kis_reply_t *r);

//  Sets the final status of a price reply from its usable rows: OK (rejected
//  rows named in r->error), RETRYABLE when rows came but none was usable,
//  NODATA when none came.
void kis_rows_status (eod_kis_reply_t *r, const char *what, size_t nrows, size_t rejected, const char *why);

//  ---------------------------------------------------------------------------
//  The parsers of each endpoint, as the eod_kis_parse_* functions of
//  eod_kis.h with the call named by `what`.

int kis_parse_chart (long http_status, const char *body, size_t len, const char *what, eod_fields_t *output1,
                     eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r);
int kis_parse_overseas (long http_status, const char *body, size_t len, const char *what, eod_fields_t *output1,
                        eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r);
int kis_parse_token (long http_status, const char *body, size_t len, time_t now, const char *what, char **token,
                     time_t *expires_at, eod_kis_reply_t *r);
int kis_parse_multiquote (long http_status, const char *body, size_t len, const char *what,
                          const char *const *codes, size_t ncodes, eod_kis_quote_t *quotes, eod_kis_reply_t *r);
int kis_parse_holidays (long http_status, const char *body, size_t len, const char *what, eod_kis_day_fn *cb,
                        void *arg, eod_kis_ctx_t *ctx, int *days, eod_kis_reply_t *r);

#endif
