/*  kis_request — the KIS calls: one URL, one set of headers and one HTTP
    request through eod_http per call (chk-holiday: one per page), the body
    handed to its endpoint's parser.

    Part of the KIS REST client (eod_kis.h), used by the coordinator (token,
    chk-holiday) and the fetchers (daily prices). Each call checks its
    arguments before anything goes on the wire, builds the query its
    endpoint wants (parameter names and order as KIS documents them) and the
    /uapi headers (authorization, appkey, appsecret, tr_id, custtype P, and
    tr_cont N on a continuation page), performs the request and lets the
    parser classify the reply. Nothing here sleeps or retries: pacing and
    retries are the coordinator's. The strings that hold the app secret or
    the token are wiped before they are freed. */
#include "kis_internal.h"
#include "eod_grammar.h"
#include "eod_http.h"
#include "eod_log.h"

#include <assert.h>
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_BODY_MAX (1024 * 1024)         //  a 100-row page is ~40 KB; anything near 1 MiB is wrong
#define S_URL_MAX 2048                   //  longest query: chk-holiday with two padded 200-char keys
#define S_CODE_MAX 12                    //  FID_INPUT_ISCD length
#define S_SYMBOL_MAX 16                  //  overseas SYMB length
#define S_EXCD_MAX 4                     //  overseas EXCD (NAS, NYS, AMS, BAQ, ...)

#define S_PATH_CHART "/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice"
#define S_PATH_OVERSEAS "/uapi/overseas-price/v1/quotations/dailyprice"
#define S_PATH_HOLIDAY "/uapi/domestic-stock/v1/quotations/chk-holiday"
#define S_PATH_MULTIQUOTE "/uapi/domestic-stock/v1/quotations/intstock-multprice"
#define S_PARAM_MAX 32                   //  "FID_COND_MRKT_DIV_CODE_30"

static char *s_strdup_printf (const char *format, ...) __attribute__ ((format (printf, 1, 2)));

//  Returns a freshly allocated formatted string, or NULL (no memory).
static char *
s_strdup_printf (const char *format, ...)
{
    va_list args;
    va_start (args, format);
    int len = vsnprintf (NULL, 0, format, args);
    va_end (args);
    if (len < 0)
        return NULL;
    char *text = malloc ((size_t) len + 1);
    if (!text)
        return NULL;
    va_start (args, format);
    vsnprintf (text, (size_t) len + 1, format, args);
    va_end (args);
    return text;
}

//  Frees a string that held a secret, wiping it first.
static void
s_free_secret (char **text_p)
{
    if (*text_p) {
        explicit_bzero (*text_p, strlen (*text_p));
        free (*text_p);
        *text_p = NULL;
    }
}

//  ---------------------------------------------------------------------------
//  URL and headers

typedef struct {
    char text[S_URL_MAX];
    size_t len;
    bool overflow;
    bool has_query;
} s_url_t;

static void
s_url_append (s_url_t *u, const char *s, size_t n)
{
    if (u->overflow || u->len + n >= sizeof u->text) {
        u->overflow = true;
        return;
    }
    memcpy (u->text + u->len, s, n);
    u->len += n;
    u->text[u->len] = '\0';
}

static void
s_url_start (s_url_t *u, const char *base, const char *path)
{
    memset (u, 0, sizeof *u);
    size_t blen = strlen (base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    s_url_append (u, base, blen);
    s_url_append (u, path, strlen (path));
}

//  Appends name=value with value percent-encoded (RFC 3986 unreserved kept).
static void
s_url_param (s_url_t *u, const char *name, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    s_url_append (u, u->has_query ? "&" : "?", 1);
    u->has_query = true;
    s_url_append (u, name, strlen (name));
    s_url_append (u, "=", 1);
    for (const unsigned char *p = (const unsigned char *) value; *p; p++) {
        if (isalnum (*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~')
            s_url_append (u, (const char *) p, 1);
        else {
            char enc[3] = {'%', hex[*p >> 4], hex[*p & 0x0F]};
            s_url_append (u, enc, sizeof enc);
        }
    }
}

//  A header value must be non-empty and one line.
static bool
s_header_value_ok (const char *v)
{
    if (!v || !*v)
        return false;
    for (; *v; v++)
        if ((unsigned char) *v < 0x20 || *v == 0x7F)
            return false;
    return true;
}

//  Headers of a /uapi call. The strings holding secrets are allocated so
//  they can be wiped; s_headers_free releases them.
typedef struct {
    char *authorization;
    char *appkey;
    char *appsecret;
    char *tr_id;
    const char *list[9];
} s_headers_t;

static void
s_headers_free (s_headers_t *h)
{
    s_free_secret (&h->authorization);
    s_free_secret (&h->appsecret);
    free (h->appkey);
    free (h->tr_id);
    h->appkey = h->tr_id = NULL;
}

//  Builds the headers; tr_cont "N" is sent only on continuation pages because
//  a blank tr_cont would be an empty header line. Returns 0 or -1 (no memory).
static int
s_headers_build (s_headers_t *h, const eod_kis_conn_t *c, const char *token, const char *tr_id, bool next_page)
{
    memset (h, 0, sizeof *h);
    h->authorization = s_strdup_printf ("authorization: Bearer %s", token);
    h->appkey = s_strdup_printf ("appkey: %s", c->app_key);
    h->appsecret = s_strdup_printf ("appsecret: %s", c->app_secret);
    h->tr_id = s_strdup_printf ("tr_id: %s", tr_id);
    if (!h->authorization || !h->appkey || !h->appsecret || !h->tr_id) {
        s_headers_free (h);
        return -1;
    }
    size_t n = 0;
    h->list[n++] = "content-type: application/json; charset=utf-8";
    h->list[n++] = h->authorization;
    h->list[n++] = h->appkey;
    h->list[n++] = h->appsecret;
    h->list[n++] = h->tr_id;
    h->list[n++] = "custtype: P";
    if (next_page)
        h->list[n++] = "tr_cont: N";
    h->list[n] = NULL;
    return 0;
}

//  ---------------------------------------------------------------------------
//  One request

//  Checks what every call needs from the connection. Returns 0, or -1 with r
//  set to a permanent failure.
static int
s_check_conn (const eod_kis_conn_t *c, const char *token, bool need_token, const char *what, eod_kis_reply_t *r)
{
    assert (c);
    const char *missing = NULL;
    if (!c->base_url || !*c->base_url)
        missing = "base_url";
    else if (!s_header_value_ok (c->app_key))
        missing = "app_key";
    else if (!s_header_value_ok (c->app_secret))
        missing = "app_secret";
    else if (need_token && !s_header_value_ok (token))
        missing = "access token";
    if (missing) {
        r->status = EOD_KIS_PERMANENT;
        kis_set_error (r, "%s: %s is empty or not a single line", what, missing);
        return -1;
    }
    eod_log_secret (c->app_secret);
    if (need_token)
        eod_log_secret (token);
    return 0;
}

//  Performs one request. Returns 0 when a response arrived (resp to be freed
//  by the caller), or -1 with r set: a retryable failure, or a permanent one
//  with msg_cd EOD_KIS_CODE_TLS when TLS failed for a reason no retry mends.
static int
s_perform (const eod_kis_conn_t *c, const char *method, const char *url, const char *const *headers,
           const char *body, size_t body_len, const char *what, eod_http_response_t *resp, eod_kis_reply_t *r)
{
    eod_http_request_t req = {
        .method = method,
        .url = url,
        .headers = headers,
        .body = body,
        .body_len = body_len,
        .timeout_ms = c->timeout_ms,
        .max_body = S_BODY_MAX,
        .insecure = c->insecure,
        .ca_file = c->ca_file,
    };
    eod_log_debug ("kis: %s", what);
    if (!c->http) {
        memset (resp, 0, sizeof *resp);
        snprintf (resp->error, sizeof resp->error, "no HTTP transport in the connection (a bug)");
    }
    else if (c->http (&req, resp) == 0)
        return 0;
    kis_reply_begin (r, resp->status);
    r->sent_us = resp->sent_us;
    r->status = resp->tls_refused ? EOD_KIS_PERMANENT : EOD_KIS_RETRYABLE;
    if (resp->tls_refused)
        snprintf (r->msg_cd, sizeof r->msg_cd, "%s", EOD_KIS_CODE_TLS);
    kis_set_error (r, "%s: %s%s", what, resp->timed_out ? "timeout: " : "", resp->error);
    eod_http_response_free (resp);
    return -1;
}

static void
s_take_tr_cont (const eod_http_response_t *resp, eod_kis_reply_t *r)
{
    char value[KIS_TEXT_MAX];
    if (eod_http_response_header (resp, "tr_cont", value, sizeof value) == 0)
        kis_copy_trimmed (r->tr_cont, sizeof r->tr_cont, value, strlen (value));
}

//  ---------------------------------------------------------------------------
//  The calls, one per endpoint

int
eod_kis_issue_token (const eod_kis_conn_t *c, char **token, time_t *expires_at, eod_kis_reply_t *r)
{
    assert (token && expires_at);
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    const char *what = "POST " KIS_PATH_TOKEN;
    *token = NULL;
    *expires_at = 0;
    kis_reply_begin (r, 0);
    char *body = NULL;
    json_t *request = NULL;
    eod_http_response_t resp = {0};
    if (s_check_conn (c, NULL, false, what, r))
        goto out;
    request = json_pack ("{s:s, s:s, s:s}", "grant_type", "client_credentials", "appkey", c->app_key, "appsecret",
                         c->app_secret);
    body = request ? json_dumps (request, JSON_COMPACT) : NULL;
    if (!body) {
        r->status = EOD_KIS_RETRYABLE;
        kis_set_error (r, "%s: cannot build the request body", what);
        goto out;
    }
    s_url_t url;
    s_url_start (&url, c->base_url, KIS_PATH_TOKEN);
    if (url.overflow) {
        r->status = EOD_KIS_PERMANENT;
        kis_set_error (r, "%s: base_url too long", what);
        goto out;
    }
    const char *headers[] = {"content-type: application/json; charset=utf-8", NULL};
    if (s_perform (c, "POST", url.text, headers, body, strlen (body), what, &resp, r))
        goto out;
    kis_parse_token (resp.status, resp.body, resp.body_len, time (NULL), what, token, expires_at, r);
    s_take_tr_cont (&resp, r);
out:
    eod_http_response_free (&resp);
    s_free_secret (&body);
    json_decref (request);   //  json_decref does not wipe: the secret copy lives until free
    return (int) r->status;
}

//  One GET /uapi call: builds headers, performs, returns the response for the
//  caller's parser. Returns 0, or -1 with r set.
static int
s_uapi_get (const eod_kis_conn_t *c, const char *token, const char *tr_id, bool next_page, const s_url_t *url,
            const char *what, eod_http_response_t *resp, eod_kis_reply_t *r)
{
    if (url->overflow) {
        r->status = EOD_KIS_PERMANENT;
        kis_set_error (r, "%s: request URL longer than %d bytes", what, S_URL_MAX - 1);
        return -1;
    }
    s_headers_t headers;
    if (s_headers_build (&headers, c, token, tr_id, next_page)) {
        r->status = EOD_KIS_RETRYABLE;
        kis_set_error (r, "%s: out of memory", what);
        return -1;
    }
    int rc = s_perform (c, "GET", url->text, headers.list, NULL, 0, what, resp, r);
    s_headers_free (&headers);
    return rc;
}

//  A parser of a price reply: kis_parse_chart or kis_parse_overseas.
typedef int (s_price_parser_fn) (long http_status, const char *body, size_t len, const char *what,
                                 eod_fields_t *output1, eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r);

//  One GET of daily bars: performs it and hands the body to parse; the reply
//  keeps when the request went out and its tr_cont. Returns the status.
static int
s_price_get (const eod_kis_conn_t *c, const char *token, const char *tr_id, bool next_page, const s_url_t *url,
             const char *what, s_price_parser_fn *parse, eod_fields_t *output1, eod_fields_t **rows, size_t *nrows,
             eod_kis_reply_t *r)
{
    eod_http_response_t resp = {0};
    if (s_uapi_get (c, token, tr_id, next_page, url, what, &resp, r))
        return (int) r->status;
    parse (resp.status, resp.body, resp.body_len, what, output1, rows, nrows, r);
    r->sent_us = resp.sent_us;
    s_take_tr_cont (&resp, r);
    eod_http_response_free (&resp);
    return (int) r->status;
}

//  True when s is 1..max characters of letters, digits and the few
//  punctuation marks tickers use.
static bool
s_is_code (const char *s, size_t max)
{
    size_t len = s ? strlen (s) : 0;
    if (len == 0 || len > max)
        return false;
    for (; *s; s++)
        if (!isalnum ((unsigned char) *s) && *s != '.' && *s != '-' && *s != '/')
            return false;
    return true;
}

int
eod_kis_daily_chart (const eod_kis_conn_t *c, const char *token, const char *code, const char *from,
                     const char *to, bool adjusted, eod_fields_t *output1, eod_fields_t **rows, size_t *nrows,
                     eod_kis_reply_t *r)
{
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    kis_price_begin (r, 0, output1, rows, nrows);
    char what[160];
    snprintf (what, sizeof what, "GET inquire-daily-itemchartprice %s %s [%s, %s]", KIS_TR_CHART,
              code ? code : "(null)", from ? from : "(null)", to ? to : "(null)");
    if (s_check_conn (c, token, true, what, r))
        return (int) r->status;
    if (!s_is_code (code, S_CODE_MAX) || !from || !kis_is_date (from) || !to || !kis_is_date (to)) {
        r->status = EOD_KIS_PERMANENT;
        kis_set_error (r, "%s: bad code or date (want a code of up to %d characters and YYYYMMDD dates)", what,
                       S_CODE_MAX);
        return (int) r->status;
    }
    s_url_t url;
    s_url_start (&url, c->base_url, S_PATH_CHART);
    s_url_param (&url, "FID_COND_MRKT_DIV_CODE", "J");
    s_url_param (&url, "FID_INPUT_ISCD", code);
    s_url_param (&url, "FID_INPUT_DATE_1", from);
    s_url_param (&url, "FID_INPUT_DATE_2", to);
    s_url_param (&url, "FID_PERIOD_DIV_CODE", "D");
    //  For this TR 0 means 수정주가 (adjusted) and 1 raw: the opposite of FHKST01010400.
    s_url_param (&url, "FID_ORG_ADJ_PRC", adjusted ? "0" : "1");
    return s_price_get (c, token, KIS_TR_CHART, false, &url, what, kis_parse_chart, output1, rows, nrows, r);
}

int
eod_kis_multiquote (const eod_kis_conn_t *c, const char *token, const char *const *codes, size_t ncodes,
                    eod_kis_quote_t *quotes, eod_kis_reply_t *r)
{
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    kis_reply_begin (r, 0);
    eod_kis_quotes_clear (quotes, ncodes);
    char what[160];
    snprintf (what, sizeof what, "GET intstock-multprice %s %zu codes from %s", KIS_TR_MULTIQUOTE, ncodes,
              ncodes && codes && codes[0] ? codes[0] : "(none)");
    if (s_check_conn (c, token, true, what, r))
        return (int) r->status;
    bool ok = codes && ncodes >= 1 && ncodes <= EOD_KIS_MQ_MAX;
    for (size_t i = 0; ok && i < ncodes; i++) {
        ok = codes[i] && eod_grammar_code_ok ("kr", codes[i], NULL, 0);
        for (size_t j = 0; ok && j < i; j++)
            ok = strcmp (codes[i], codes[j]) != 0;
    }
    if (!ok) {
        r->status = EOD_KIS_PERMANENT;
        kis_set_error (r, "%s: want 1 to %d distinct KR codes (6 to 9 capitals and digits)", what,
                       EOD_KIS_MQ_MAX);
        return (int) r->status;
    }
    s_url_t url;
    s_url_start (&url, c->base_url, S_PATH_MULTIQUOTE);
    for (size_t i = 0; i < ncodes; i++) {
        char market[S_PARAM_MAX], code[S_PARAM_MAX];
        snprintf (market, sizeof market, "FID_COND_MRKT_DIV_CODE_%zu", i + 1);
        snprintf (code, sizeof code, "FID_INPUT_ISCD_%zu", i + 1);
        s_url_param (&url, market, "J");
        s_url_param (&url, code, codes[i]);
    }
    eod_http_response_t resp = {0};
    if (s_uapi_get (c, token, KIS_TR_MULTIQUOTE, false, &url, what, &resp, r))
        return (int) r->status;
    kis_parse_multiquote (resp.status, resp.body, resp.body_len, what, codes, ncodes, quotes, r);
    r->sent_us = resp.sent_us;
    s_take_tr_cont (&resp, r);
    eod_http_response_free (&resp);
    return (int) r->status;
}

//  HHDFS76240000, a first page or (next_page) a continuation.
static int
s_overseas_daily (const eod_kis_conn_t *c, const char *token, const char *excd, const char *symbol, const char *bymd,
                  bool adjusted, bool next_page, eod_fields_t *output1, eod_fields_t **rows, size_t *nrows,
                  eod_kis_reply_t *r)
{
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    kis_price_begin (r, 0, output1, rows, nrows);
    if (!bymd)
        bymd = "";
    char what[160];
    snprintf (what, sizeof what, "GET dailyprice %s %s:%s BYMD %s%s", KIS_TR_OVERSEAS, excd ? excd : "(null)",
              symbol ? symbol : "(null)", *bymd ? bymd : "(today)", next_page ? " (next page)" : "");
    if (s_check_conn (c, token, true, what, r))
        return (int) r->status;
    //  A continuation names the day it goes on from: never "today".
    if (!s_is_code (excd, S_EXCD_MAX) || !s_is_code (symbol, S_SYMBOL_MAX) || (*bymd && !kis_is_date (bymd))
        || (next_page && !*bymd)) {
        r->status = EOD_KIS_PERMANENT;
        kis_set_error (r, "%s: bad exchange, symbol or date", what);
        return (int) r->status;
    }
    s_url_t url;
    s_url_start (&url, c->base_url, S_PATH_OVERSEAS);
    s_url_param (&url, "AUTH", "");
    s_url_param (&url, "EXCD", excd);
    s_url_param (&url, "SYMB", symbol);
    s_url_param (&url, "GUBN", "0");   //  daily bars
    s_url_param (&url, "BYMD", bymd);
    s_url_param (&url, "MODP", adjusted ? "1" : "0");
    s_url_param (&url, "KEYB", "");
    return s_price_get (c, token, KIS_TR_OVERSEAS, next_page, &url, what, kis_parse_overseas, output1, rows, nrows,
                        r);
}

int
eod_kis_overseas_daily (const eod_kis_conn_t *c, const char *token, const char *excd, const char *symbol,
                        const char *bymd, bool adjusted, eod_fields_t *output1, eod_fields_t **rows, size_t *nrows,
                        eod_kis_reply_t *r)
{
    return s_overseas_daily (c, token, excd, symbol, bymd, adjusted, false, output1, rows, nrows, r);
}

int
eod_kis_overseas_daily_next (const eod_kis_conn_t *c, const char *token, const char *excd, const char *symbol,
                             const char *bymd, bool adjusted, eod_fields_t *output1, eod_fields_t **rows,
                             size_t *nrows, eod_kis_reply_t *r)
{
    return s_overseas_daily (c, token, excd, symbol, bymd, adjusted, true, output1, rows, nrows, r);
}

int
eod_kis_holidays (const eod_kis_conn_t *c, const char *token, const char *from, int max_pages, eod_kis_day_fn *cb,
                  void *arg, int *requests, eod_kis_reply_t *r)
{
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    kis_reply_begin (r, 0);
    int made = 0, total = 0;
    char what[160];
    snprintf (what, sizeof what, "GET chk-holiday %s BASS_DT %s", KIS_TR_HOLIDAY, from ? from : "(null)");
    if (s_check_conn (c, token, true, what, r))
        goto out;
    if (!from || !kis_is_date (from) || max_pages < 1) {
        r->status = EOD_KIS_PERMANENT;
        kis_set_error (r, "%s: bad date or page limit %d", what, max_pages);
        goto out;
    }
    eod_kis_ctx_t ctx = {"", ""};
    for (int page = 0; page < max_pages; page++) {
        char page_what[200];
        snprintf (page_what, sizeof page_what, "%s page %d", what, page + 1);
        s_url_t url;
        s_url_start (&url, c->base_url, S_PATH_HOLIDAY);
        s_url_param (&url, "BASS_DT", from);
        s_url_param (&url, "CTX_AREA_NK", ctx.ctx_area_nk);
        s_url_param (&url, "CTX_AREA_FK", ctx.ctx_area_fk);
        eod_http_response_t resp = {0};
        if (!url.overflow)
            made++;
        if (s_uapi_get (c, token, KIS_TR_HOLIDAY, page > 0, &url, page_what, &resp, r))
            goto out;
        int days = 0;
        kis_parse_holidays (resp.status, resp.body, resp.body_len, page_what, cb, arg, &ctx, &days, r);
        s_take_tr_cont (&resp, r);
        eod_http_response_free (&resp);
        total += days;
        if (r->status != EOD_KIS_OK && r->status != EOD_KIS_NODATA)
            goto out;
        //  M or F: more pages follow; D or E (or nothing): this was the last.
        if (strcmp (r->tr_cont, "M") != 0 && strcmp (r->tr_cont, "F") != 0)
            break;
    }
    if (total > 0) {
        r->status = EOD_KIS_OK;
        r->error[0] = '\0';
    }
    else {
        r->status = EOD_KIS_NODATA;
        kis_set_error (r, "%s: no days in %d page(s)", what, made);
    }
out:
    if (requests)
        *requests = made;
    return (int) r->status;
}
