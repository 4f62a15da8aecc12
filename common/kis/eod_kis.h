/*  eod_kis — the KIS (Korea Investment & Securities) Open API REST client.

    Used by the coordinator (token issue, chk-holiday) and by the fetchers
    (domestic and overseas daily prices). Every call makes exactly ONE HTTP
    request through eod_http (chk-holiday: one per page) and classifies the
    outcome into an eod_kis_status_t; pacing, retries and token refresh are the
    coordinator's job, so nothing here sleeps or retries.

    KIS signals success with rt_cd "0" whatever the HTTP status, and sends its
    errors as JSON with HTTP 200, 403 or 500, so every body is parsed whatever
    the status. The parsers are public so stored bodies are tested without a
    server. The app secret and the access token are registered with
    eod_log_secret and never appear in a reply's error text.

    The client's files: kis_request.c (URLs, headers, the one request per
    call), a parser per endpoint (kis_chart.c, kis_overseas.c, kis_token.c,
    kis_holiday.c, kis_multiquote.c), kis_error.c (what a reply means) and kis_json.c (JSON
    values as text); kis_internal.h is what they share. */
#ifndef EOD_KIS_H
#define EOD_KIS_H

#include "eod_fields.h"
#include "eod_http.h"
#include "eod_kis_fields.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define EOD_KIS_CTX_MAX 256   //  chk-holiday continuation keys (documented up to 200 chars, space padded)

typedef struct {
    const char *base_url;   //  "https://openapi.koreainvestment.com:9443" or a simulator "http://127.0.0.1:18080"
    const char *app_key;
    const char *app_secret;
    long timeout_ms;       //  whole request; 0 means eod_http's default
    bool insecure;         //  disable TLS verification (explicit config only)
    const char *ca_file;   //  NULL: system store
    eod_http_fn *http;     //  how requests are made: eod_http_perform, or eod_http_child_perform
} eod_kis_conn_t;

typedef enum {
    EOD_KIS_OK = 0,            //  rt_cd "0" and usable rows
    EOD_KIS_NODATA,            //  rt_cd "0" but no usable rows (holiday range): not an error
    EOD_KIS_UNKNOWN_SYMBOL,    //  rt_cd "0", output1.stck_prpr "0" and no rows (domestic); empty nrec (overseas)
    EOD_KIS_RATE_LIMITED,      //  EGW00201, whatever the HTTP status
    EOD_KIS_TOKEN_EXPIRED,     //  EGW00121 / EGW00122 / EGW00123: the token must be re-issued
    EOD_KIS_TOKEN_THROTTLED,   //  tokenP EGW00133 (1 issue per minute)
    EOD_KIS_RETRYABLE,   //  transport error, timeout, malformed JSON, non-JSON 5xx, EGW00001/00002/00202/00203/00300,
                         //  an unknown code with rt_cd "1" (or none) on 5xx
    EOD_KIS_PERMANENT    //  bad credentials, EGW00206/00207/00213/02004, OPSQ*, a TLS failure (msg_cd EOD-TLS),
                         //  an unknown code on 2xx/4xx or with another rt_cd, non-JSON 4xx
} eod_kis_status_t;

//  The msg_cd of a reply whose request failed in TLS for a reason no retry
//  mends (eod_http_response_t.tls_refused): the host's certificate is not
//  trusted, is another host's, has expired, or the CA file cannot be used.
//  KIS's own codes are EGWxxxxx/OPSQxxxxx, so it cannot collide.
#define EOD_KIS_CODE_TLS "EOD-TLS"

//  What an error code says beyond the request it answered, for the
//  coordinator's rule of when a run stops asking (kis_error.c holds the
//  table).
typedef enum {
    EOD_KIS_SCOPE_REQUEST = 0,   //  about this request: no code (a transport error), rate limit, token,
                                 //  a bad input field, a transient gateway error; known to this client
    EOD_KIS_SCOPE_CONFIG,        //  every request of the run would fail the same: the app key or secret,
                                 //  a key of the other host, a permission, the IP, the tr_id, TLS
    EOD_KIS_SCOPE_UNKNOWN        //  a code this client does not know: classified by HTTP status and rt_cd
} eod_kis_scope_t;

typedef struct {
    eod_kis_status_t status;
    long http_status;   //  0 when no response arrived
    char msg_cd[16];    //  msg_cd, or error_code on /oauth2 endpoints; trimmed
    char msg1[256];     //  msg1, or error_description; trimmed (KIS pads it with spaces)
    char error[320];    //  one line for logs: what went wrong and where (on EOD_KIS_OK empty, or which
                        //  rows were rejected); never a secret
    char tr_cont[4];    //  response header tr_cont, trimmed ("" when absent)
    int64_t sent_us;    //  chart and overseas requests: when the request went out
                        //  (eod_http_response_t.sent_us), 0 when it never did or is not known
} eod_kis_reply_t;

//  Called once per calendar day of a chk-holiday page: date as YYYYMMDD, open
//  when opnd_yn is "Y" (the market is open that day).
typedef void (eod_kis_day_fn) (const char *yyyymmdd, bool open, void *arg);

//  Continuation keys of a chk-holiday page, exactly as sent (space padded).
typedef struct {
    char ctx_area_fk[EOD_KIS_CTX_MAX];
    char ctx_area_nk[EOD_KIS_CTX_MAX];
} eod_kis_ctx_t;

//  Stable lower-case name of a status ("ok", "nodata", "unknown_symbol",
//  "rate_limited", "token_expired", "token_throttled", "retryable", "permanent").
const char *eod_kis_status_name (eod_kis_status_t s);

//  The scope of an error code (msg_cd or error_code as a reply holds it;
//  NULL and "" are EOD_KIS_SCOPE_REQUEST).
eod_kis_scope_t eod_kis_code_scope (const char *code);

//  POST /oauth2/tokenP. On EOD_KIS_OK sets *token (the caller frees it) and
//  *expires_at (epoch seconds, from access_token_token_expired, which is KST,
//  else now + expires_in). On any other status *token is NULL. Returns the
//  status, also stored in r->status (r may be NULL).
int eod_kis_issue_token (const eod_kis_conn_t *c, char **token, time_t *expires_at, eod_kis_reply_t *r);

//  FHKST03010100 inquire-daily-itemchartprice: daily bars of `code` (market J)
//  for [from, to] (YYYYMMDD), split-adjusted when `adjusted`. output1 must be
//  initialised (EOD_FIELDS_INIT); it is cleared, then filled with every
//  output1 field as sent (values as strings, keys as spelled). *rows receives
//  the output2 rows that carry stck_bsop_date, each with its fields in the
//  order sent; rows holding a value that is not a string, number or null are
//  rejected and reported. The caller frees them with eod_fields_clear and
//  eod_fields_array_free, whatever the status (*rows is NULL when *nrows is 0).
//  Returns the status (also in r->status; r may be NULL).
int eod_kis_daily_chart (const eod_kis_conn_t *c, const char *token, const char *code, const char *from, const char *to,
                         bool adjusted, eod_fields_t *output1, eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r);

//  HHDFS76240000 overseas dailyprice: daily bars of `symbol` on exchange
//  `excd` (NAS, NYS, AMS, ...) ending at bymd (YYYYMMDD, "" = today), newest
//  first, adjusted when `adjusted` (MODP=1). output1 receives rsym, zdiv, nrec;
//  rows are truncated to nrec when it is a number; an empty nrec means the
//  symbol is unknown. Ownership and return as eod_kis_daily_chart.
int eod_kis_overseas_daily (const eod_kis_conn_t *c, const char *token, const char *excd, const char *symbol,
                            const char *bymd, bool adjusted, eod_fields_t *output1, eod_fields_t **rows, size_t *nrows,
                            eod_kis_reply_t *r);

//  The same request as a continuation page (request header tr_cont N, as
//  KIS asks after an answer whose tr_cont said more follows): bymd is the
//  day before the oldest bar of the previous page (eod_kis_overseas_more),
//  so the request means the same to a host that pages by tr_cont and to one
//  that pages by BYMD.
int eod_kis_overseas_daily_next (const eod_kis_conn_t *c, const char *token, const char *excd, const char *symbol,
                                 const char *bymd, bool adjusted, eod_fields_t *output1, eod_fields_t **rows,
                                 size_t *nrows, eod_kis_reply_t *r);

//  After an HHDFS76240000 answer r with its rows (newest first): true when
//  another page must be asked for the range that starts at from (YYYYMMDD):
//  the answer's tr_cont says more follows (M or F) and its oldest bar is
//  still after from. *next_bymd then receives the day before that bar, the
//  BYMD of the next page (YYYYMMDD, 9 bytes). False on an error status, no
//  rows, or a range already covered.
bool eod_kis_overseas_more (const eod_kis_reply_t *r, const eod_fields_t *rows, size_t nrows, const char *from,
                            char next_bymd[9]);

//  CTCA0903R chk-holiday from `from` (YYYYMMDD), following ctx_area_fk/nk while
//  the response header tr_cont is M or F, for at most max_pages pages (the
//  calendar runs into the future without end). Calls cb per day in order.
//  *requests (may be NULL) receives the number of HTTP requests made, for the
//  caller's budget. Returns EOD_KIS_OK when at least one day was reported and
//  every page succeeded, EOD_KIS_NODATA when no day came, else the status of
//  the failing page (the days of earlier pages have already been reported).
int eod_kis_holidays (const eod_kis_conn_t *c, const char *token, const char *from, int max_pages, eod_kis_day_fn *cb,
                      void *arg, int *requests, eod_kis_reply_t *r);

//  Parsers of stored bodies (body need not be NUL-terminated). Same contracts
//  as the calls above; they set r->http_status to http_status and leave
//  r->tr_cont empty.
int eod_kis_parse_chart (long http_status, const char *body, size_t len, eod_fields_t *output1, eod_fields_t **rows,
                         size_t *nrows, eod_kis_reply_t *r);
int eod_kis_parse_overseas (long http_status, const char *body, size_t len, eod_fields_t *output1, eod_fields_t **rows,
                            size_t *nrows, eod_kis_reply_t *r);
int eod_kis_parse_token (long http_status, const char *body, size_t len, time_t now, char **token, time_t *expires_at,
                         eod_kis_reply_t *r);

//  One chk-holiday page: calls cb per day that carries a valid bass_dt, stores
//  the continuation keys (untrimmed, as the next request must send them) in
//  *ctx when ctx is not NULL, and the number of days reported in *days (may be
//  NULL). Returns EOD_KIS_OK, EOD_KIS_NODATA (no day) or an error status.
int eod_kis_parse_holidays (long http_status, const char *body, size_t len, eod_kis_day_fn *cb, void *arg,
                            eod_kis_ctx_t *ctx, int *days, eod_kis_reply_t *r);

//  ---------------------------------------------------------------------------
//  FHKST11300006 관심종목(멀티종목) 시세조회, intstock-multprice: the quote of
//  up to EOD_KIS_MQ_MAX KR codes in one request, as of the moment KIS serves
//  it (no date: after the close it is the latest session's). What KIS does
//  with a code it does not know, and the order of its entries, are not
//  published: the parser takes entries in any order, output as an array or
//  a single object, and tells each asked code's state apart.

#define EOD_KIS_MQ_MAX 30   //  FID_INPUT_ISCD_1 .. _30

typedef enum {
    EOD_KIS_MQ_MISSING = 0,   //  no entry for the code
    EOD_KIS_MQ_QUOTED,        //  an entry with a price
    EOD_KIS_MQ_ZERO,          //  an entry whose price is 0: a code KIS does not know
    EOD_KIS_MQ_REJECTED       //  an entry that cannot be used: a value not scalar, or the code twice
} eod_kis_mq_state_t;

//  One asked code's part of a multi-quote answer.
typedef struct {
    eod_kis_mq_state_t state;
    eod_fields_t fields;   //  the entry as sent (QUOTED, ZERO), else empty
} eod_kis_quote_t;

//  Stable lower-case name of a state ("missing", "quoted", "zero", "rejected").
const char *eod_kis_mq_state_name (eod_kis_mq_state_t state);

//  One request for codes[0..ncodes) (1..EOD_KIS_MQ_MAX KR codes, market J,
//  each asked once). quotes[i] (ncodes of them, zeroed or cleared by
//  eod_kis_quotes_clear) receives codes[i]'s part whatever the answer's
//  order. An entry for a code not asked is rejected and named in r->error,
//  the others kept. Returns EOD_KIS_OK when at least one code has an entry
//  (QUOTED or ZERO), EOD_KIS_NODATA when none has, an error status
//  otherwise (every quote then MISSING); also in r->status (r may be NULL).
//  r->sent_us is when the request went out.
int eod_kis_multiquote (const eod_kis_conn_t *c, const char *token, const char *const *codes, size_t ncodes,
                        eod_kis_quote_t *quotes, eod_kis_reply_t *r);
//  The parser of a stored body, same contract (r->tr_cont left empty).
int eod_kis_parse_multiquote (long http_status, const char *body, size_t len, const char *const *codes, size_t ncodes,
                              eod_kis_quote_t *quotes, eod_kis_reply_t *r);
//  Frees the fields of quotes[0..n) and makes each MISSING.
void eod_kis_quotes_clear (eod_kis_quote_t *quotes, size_t n);

//  Converts a KST wall-clock time "YYYY-MM-DD HH:MM:SS" to epoch seconds.
//  Returns 0, or -1 when text is not exactly that format or not a real time.
int eod_kis_kst_to_epoch (const char *text, time_t *epoch);

#endif
