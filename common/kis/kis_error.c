/*  kis_error — what a KIS reply means: the one place that maps the HTTP
    status, rt_cd, msg_cd and error_code of a reply to an eod_kis_status_t,
    and each known code to its scope (eod_kis_code_scope).

    Part of the KIS REST client (eod_kis.h). KIS signals success with rt_cd
    "0" whatever the HTTP status and sends its errors as JSON with HTTP 200,
    403 or 500, so the body decides: a known msg_cd has its own status
    (rate limited, token expired, ...), an unknown one with rt_cd "1" is
    retryable on 5xx and permanent otherwise (with another rt_cd always
    permanent), and a body that is not JSON (a gateway page, a cut transfer)
    is permanent on 4xx and retryable otherwise. A code that says every
    request would fail the same (an app key of the other host, a missing
    permission, a refused TLS certificate) has the config scope: the
    coordinator stops the run at the first; an unknown code, at the
    [kis] unknown_code_stop-th in a row. The parsers of each endpoint start
    with kis_load and kis_envelope_ok (a price reply's through
    kis_price_parse, which also ends it) and set a price reply's status with
    kis_rows_status; the coordinator acts on the status. Error
    texts are one line and never hold a registered secret. */
#include "kis_internal.h"
#include "eod_util.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define S_SNIPPET_MAX 80   //  printable chars of a non-JSON body quoted in an error

void
kis_set_error (eod_kis_reply_t *r, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    eod_vset_error (r->error, sizeof r->error, format, args);
    va_end (args);
    //  One line for logs, whatever a message or a quoted body held.
    for (char *p = r->error; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
}

//  Writes the first S_SNIPPET_MAX printable ASCII characters of a body (white
//  space runs folded into one space) into out, for an error line.
static void
s_snippet (const char *body, size_t len, char *out, size_t outsize)
{
    size_t n = 0;
    size_t limit = outsize - 1 < S_SNIPPET_MAX ? outsize - 1 : S_SNIPPET_MAX;
    bool space = false;
    for (size_t i = 0; i < len && n < limit; i++) {
        unsigned char ch = (unsigned char) body[i];
        if (isspace (ch))
            space = n > 0;
        else if (ch >= 0x21 && ch <= 0x7E) {
            if (space && n + 1 < limit)
                out[n++] = ' ';
            space = false;
            out[n++] = (char) ch;
        }
    }
    out[n] = '\0';
}

//  The codes this client knows: what each means for its request, and
//  whether every request of the run would meet it too (a key, host or
//  permission problem: the run stops at the first, see eod_kis_code_scope).
static const struct {
    const char *code;
    eod_kis_status_t status;
    eod_kis_scope_t scope;
} s_known_codes[] = {
    {"EGW00201", EOD_KIS_RATE_LIMITED, EOD_KIS_SCOPE_REQUEST},    //  초당 거래건수를 초과하였습니다
    {"EGW00121", EOD_KIS_TOKEN_EXPIRED, EOD_KIS_SCOPE_REQUEST},   //  유효하지 않은 token
    {"EGW00122", EOD_KIS_TOKEN_EXPIRED, EOD_KIS_SCOPE_REQUEST},   //  token을 찾을 수 없습니다
    {"EGW00123", EOD_KIS_TOKEN_EXPIRED, EOD_KIS_SCOPE_REQUEST},   //  기간이 만료된 token (or a token of the other host)
    {"EGW00133", EOD_KIS_TOKEN_THROTTLED, EOD_KIS_SCOPE_REQUEST},   //  접근토큰 발급 1분당 1회
    {"EGW00001", EOD_KIS_RETRYABLE, EOD_KIS_SCOPE_REQUEST},         //  일시적 오류
    {"EGW00002", EOD_KIS_RETRYABLE, EOD_KIS_SCOPE_REQUEST},         //  서버 에러
    {"EGW00202", EOD_KIS_RETRYABLE, EOD_KIS_SCOPE_REQUEST},         //  GW routing
    {"EGW00203", EOD_KIS_RETRYABLE, EOD_KIS_SCOPE_REQUEST},         //  OPS routing
    {"EGW00300", EOD_KIS_RETRYABLE, EOD_KIS_SCOPE_REQUEST},         //  OPS routing
    {"EGW00103", EOD_KIS_PERMANENT, EOD_KIS_SCOPE_CONFIG},          //  invalid AppKey
    {"EGW00105", EOD_KIS_PERMANENT, EOD_KIS_SCOPE_CONFIG},          //  invalid AppSecret
    {"EGW00205", EOD_KIS_PERMANENT, EOD_KIS_SCOPE_CONFIG},          //  credentials_type (Bearer) not valid
    {"EGW00206", EOD_KIS_PERMANENT, EOD_KIS_SCOPE_CONFIG},          //  no permission for this API
    {"EGW00207", EOD_KIS_PERMANENT, EOD_KIS_SCOPE_CONFIG},          //  IP not allowed
    {"EGW00208", EOD_KIS_PERMANENT, EOD_KIS_SCOPE_CONFIG},          //  custtype not valid
    {"EGW00213", EOD_KIS_PERMANENT, EOD_KIS_SCOPE_CONFIG},          //  TR_ID not valid on this host
    {"EGW02004", EOD_KIS_PERMANENT, EOD_KIS_SCOPE_CONFIG},          //  a mock (모의투자) app key on the real host
    {"OPSQ9999", EOD_KIS_PERMANENT, EOD_KIS_SCOPE_CONFIG},          //  no such tr_id
    {EOD_KIS_CODE_TLS, EOD_KIS_PERMANENT, EOD_KIS_SCOPE_CONFIG},    //  this client's: the host's certificate refused
};

//  Index of code in s_known_codes, or -1.
static int
s_known (const char *code)
{
    for (size_t i = 0; code && i < sizeof s_known_codes / sizeof s_known_codes[0]; i++)
        if (strcmp (code, s_known_codes[i].code) == 0)
            return (int) i;
    return -1;
}

eod_kis_status_t
kis_status_for_code (const char *code, long http_status)
{
    return kis_status_for_reply (code, http_status, NULL);
}

eod_kis_status_t
kis_status_for_reply (const char *code, long http_status, const char *rt_cd)
{
    int known = s_known (code);
    if (known >= 0)
        return s_known_codes[known].status;
    if (strncmp (code, "OPSQ", 4) == 0)
        return EOD_KIS_PERMANENT;   //  back-end rejected the request itself
    //  A code this client does not know. rt_cd "1" is the gateway's and the
    //  back end's failure: on 5xx the server's trouble, maybe passing; on
    //  2xx or 4xx the request's. Another rt_cd ("7" is said to mean no data)
    //  is a family of answers not known here: not asked again blindly.
    if (rt_cd && *rt_cd && strcmp (rt_cd, "1") != 0)
        return EOD_KIS_PERMANENT;
    return http_status >= 500 ? EOD_KIS_RETRYABLE : EOD_KIS_PERMANENT;
}

eod_kis_scope_t
eod_kis_code_scope (const char *code)
{
    if (!code || !*code)
        return EOD_KIS_SCOPE_REQUEST;
    int known = s_known (code);
    if (known >= 0)
        return s_known_codes[known].scope;
    //  OPSQ* (the back end's verdict on one request's fields) and this
    //  client's own codes (EOD-...) are known families.
    if (strncmp (code, "OPSQ", 4) == 0 || strncmp (code, "EOD-", 4) == 0)
        return EOD_KIS_SCOPE_REQUEST;
    return EOD_KIS_SCOPE_UNKNOWN;
}

//  Starts a reply: everything empty, the HTTP status kept.
void
kis_reply_begin (eod_kis_reply_t *r, long http_status)
{
    memset (r, 0, sizeof *r);
    r->http_status = http_status;
    r->status = EOD_KIS_OK;
}

void
kis_price_begin (eod_kis_reply_t *r, long http_status, eod_fields_t *output1, eod_fields_t **rows, size_t *nrows)
{
    assert (output1 && rows && nrows);
    kis_reply_begin (r, http_status);
    eod_fields_clear (output1);
    *rows = NULL;
    *nrows = 0;
}

int
kis_price_parse (long http_status, const char *body, size_t len, const char *what, eod_fields_t *output1,
                 eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r, kis_price_body_fn *read_body)
{
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    kis_price_begin (r, http_status, output1, rows, nrows);
    json_t *root = kis_load (http_status, body, len, what, r);
    if (root && kis_envelope_ok (http_status, root, what, true, r) && read_body (root, what, output1, rows, nrows, r)) {
        r->status = EOD_KIS_RETRYABLE;
        kis_set_error (r, "%s: out of memory", what);
    }
    json_decref (root);
    if (r->status != EOD_KIS_OK) {
        eod_fields_array_free (rows, *nrows);
        *nrows = 0;
    }
    return (int) r->status;
}

//  Parses body as a JSON object. On failure classifies the reply (non-JSON 4xx
//  is permanent, anything else retryable: gateway pages and cut transfers
//  pass) and returns NULL.
json_t *
kis_load (long http_status, const char *body, size_t len, const char *what, eod_kis_reply_t *r)
{
    static const char bom[] = "\xEF\xBB\xBF";
    if (body && len >= 3 && memcmp (body, bom, 3) == 0) {
        body += 3;
        len -= 3;
    }
    size_t start = 0;
    while (body && start < len && isspace ((unsigned char) body[start]))
        start++;
    if (!body || start == len) {
        r->status = http_status >= 400 && http_status < 500 ? EOD_KIS_PERMANENT : EOD_KIS_RETRYABLE;
        kis_set_error (r, "%s: HTTP %ld, empty body", what, http_status);
        return NULL;
    }
    bool looks_json = body[start] == '{' || body[start] == '[';
    json_error_t jerr;
    json_t *root = json_loadb (body, len, 0, &jerr);
    if (root && json_is_object (root))
        return root;
    char snippet[S_SNIPPET_MAX + 1];
    s_snippet (body, len, snippet, sizeof snippet);
    if (!looks_json) {
        r->status = http_status >= 400 && http_status < 500 ? EOD_KIS_PERMANENT : EOD_KIS_RETRYABLE;
        kis_set_error (r, "%s: HTTP %ld, body is not JSON: \"%s\"", what, http_status, snippet);
    }
    else {
        r->status = EOD_KIS_RETRYABLE;
        if (root)
            kis_set_error (r, "%s: HTTP %ld, JSON body is %s, not an object", what, http_status,
                           kis_json_type_name (root));
        else
            kis_set_error (r, "%s: HTTP %ld, malformed JSON (line %d column %d: %s)", what, http_status, jerr.line,
                           jerr.column, jerr.text);
    }
    json_decref (root);
    return NULL;
}

//  Reads the envelope (rt_cd, msg_cd/error_code, msg1/error_description) into
//  r. Returns true on success (rt_cd "0" and no error_code); otherwise sets
//  r->status and r->error and returns false. With require_rt_cd false a body
//  without rt_cd counts as success (tokenP answers without an envelope).
bool
kis_envelope_ok (long http_status, const json_t *root, const char *what, bool require_rt_cd, eod_kis_reply_t *r)
{
    char rt_cd[KIS_TEXT_MAX], error_code[sizeof r->msg_cd];
    bool has_rt_cd = kis_member_text (root, "rt_cd", rt_cd, sizeof rt_cd) == 0;
    kis_member_text (root, "error_code", error_code, sizeof error_code);
    if (kis_member_text (root, "msg_cd", r->msg_cd, sizeof r->msg_cd) || !*r->msg_cd)
        memcpy (r->msg_cd, error_code, sizeof r->msg_cd);
    if (kis_member_text (root, "msg1", r->msg1, sizeof r->msg1) || !*r->msg1)
        kis_member_text (root, "error_description", r->msg1, sizeof r->msg1);

    if (!*error_code && (has_rt_cd ? strcmp (rt_cd, "0") == 0 : !require_rt_cd))
        return true;
    r->status = kis_status_for_reply (r->msg_cd, http_status, has_rt_cd ? rt_cd : NULL);
    if (has_rt_cd || *r->msg_cd)
        kis_set_error (r, "%s: HTTP %ld, rt_cd \"%s\", %s %s", what, http_status, rt_cd,
                       *r->msg_cd ? r->msg_cd : "(no msg_cd)", r->msg1);
    else
        kis_set_error (r, "%s: HTTP %ld, JSON body without rt_cd", what, http_status);
    return false;
}

//  Sets the final status of a price reply from its usable rows.
void
kis_rows_status (eod_kis_reply_t *r, const char *what, size_t nrows, size_t rejected, const char *why)
{
    if (nrows > 0) {
        r->status = EOD_KIS_OK;
        if (rejected)
            kis_set_error (r, "%s: %zu row(s) rejected, first: %s", what, rejected, why);
    }
    else if (rejected) {
        //  Rows came but none was usable: not a quiet holiday range.
        r->status = EOD_KIS_RETRYABLE;
        kis_set_error (r, "%s: HTTP %ld, no usable row, %zu rejected, first: %s", what, r->http_status, rejected, why);
    }
    else {
        r->status = EOD_KIS_NODATA;
        kis_set_error (r, "%s: no rows in range", what);
    }
}

const char *
eod_kis_status_name (eod_kis_status_t s)
{
    switch (s) {
    case EOD_KIS_OK: return "ok";
    case EOD_KIS_NODATA: return "nodata";
    case EOD_KIS_UNKNOWN_SYMBOL: return "unknown_symbol";
    case EOD_KIS_RATE_LIMITED: return "rate_limited";
    case EOD_KIS_TOKEN_EXPIRED: return "token_expired";
    case EOD_KIS_TOKEN_THROTTLED: return "token_throttled";
    case EOD_KIS_RETRYABLE: return "retryable";
    case EOD_KIS_PERMANENT: return "permanent";
    }
    return "invalid";
}
