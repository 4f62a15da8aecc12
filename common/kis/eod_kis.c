/*  eod_kis — the KIS Open API REST client; see eod_kis.h for the contracts.

    Layout: small text helpers, the response classifier (one place that maps
    HTTP status, rt_cd, msg_cd and error_code to a status), the body parsers,
    then the request builders, which only assemble a URL and headers, perform
    one request through eod_http and hand the body to a parser. */
#include "eod_kis.h"
#include "eod_http.h"
#include "eod_log.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_KST_OFFSET_S (9 * 3600)        //  Asia/Seoul is UTC+9 all year (no DST)
#define S_TOKEN_LIFETIME_S 86400         //  documented lifetime, used when the reply names no expiry
#define S_TOKEN_LIFETIME_MAX_S (366L * 86400)  //  an expires_in beyond a year is not believed
#define S_BODY_MAX (1024 * 1024)         //  a 100-row page is ~40 KB; anything near 1 MiB is wrong
#define S_URL_MAX 2048                   //  longest query: chk-holiday with two padded 200-char keys
#define S_SNIPPET_MAX 80                 //  printable chars of a non-JSON body quoted in an error
#define S_NUMBER_MAX 40                  //  text of a JSON number
#define S_TEXT_MAX 64                    //  short envelope values (rt_cd, nrec, dates, flags)
#define S_DATE_LEN 8                     //  YYYYMMDD
#define S_CODE_MAX 12                    //  FID_INPUT_ISCD length
#define S_SYMBOL_MAX 16                  //  overseas SYMB length
#define S_EXCD_MAX 4                     //  overseas EXCD (NAS, NYS, AMS, BAQ, ...)
#define S_KST_TEXT_LEN 19                //  "YYYY-MM-DD HH:MM:SS"

#define S_PATH_TOKEN "/oauth2/tokenP"
#define S_PATH_CHART "/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice"
#define S_PATH_OVERSEAS "/uapi/overseas-price/v1/quotations/dailyprice"
#define S_PATH_HOLIDAY "/uapi/domestic-stock/v1/quotations/chk-holiday"
#define S_TR_CHART "FHKST03010100"
#define S_TR_OVERSEAS "HHDFS76240000"
#define S_TR_HOLIDAY "CTCA0903R"

//  ---------------------------------------------------------------------------
//  Text helpers

static bool
s_is_blank (const char *s)
{
    for (; *s; s++)
        if (!isspace ((unsigned char) *s))
            return false;
    return true;
}

static bool
s_is_date (const char *s)
{
    if (strlen (s) != S_DATE_LEN)
        return false;
    for (int i = 0; i < S_DATE_LEN; i++)
        if (!isdigit ((unsigned char) s[i]))
            return false;
    return true;
}

//  Copies text[0..len) into out with ASCII white space trimmed at both ends,
//  cut at a UTF-8 character boundary when it does not fit.
static void
s_copy_trimmed (char *out, size_t outsize, const char *text, size_t len)
{
    assert (outsize > 0);
    while (len > 0 && isspace ((unsigned char) *text)) {
        text++;
        len--;
    }
    while (len > 0 && isspace ((unsigned char) text[len - 1]))
        len--;
    if (len > outsize - 1) {
        len = outsize - 1;
        while (len > 0 && ((unsigned char) text[len] & 0xC0) == 0x80)
            len--;   //  text[len] would start the cut: back off to a lead byte
    }
    memcpy (out, text, len);
    out[len] = '\0';
}

//  Keeps r->error one line and free of registered secrets.
static void
s_error_clean (eod_kis_reply_t *r)
{
    for (char *p = r->error; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    eod_log_redact (r->error);
}

static void s_set_error (eod_kis_reply_t *r, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

static void
s_set_error (eod_kis_reply_t *r, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (r->error, sizeof r->error, format, args);
    va_end (args);
    s_error_clean (r);
}

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

static const char *
s_json_type_name (const json_t *v)
{
    switch (json_typeof (v)) {
        case JSON_OBJECT: return "an object";
        case JSON_ARRAY: return "an array";
        case JSON_STRING: return "a string";
        case JSON_INTEGER: return "an integer";
        case JSON_REAL: return "a real";
        case JSON_TRUE: return "true";
        case JSON_FALSE: return "false";
        case JSON_NULL: return "null";
    }
    return "unknown";
}

//  Text of a scalar JSON value: strings as they are, numbers in their shortest
//  exact decimal form, null as "". *text points into v or into buf (which must
//  hold S_NUMBER_MAX bytes). Returns 0, or -1 for objects, arrays and booleans.
static int
s_value_text (const json_t *v, char *buf, size_t bufsize, const char **text, size_t *len)
{
    if (json_is_string (v)) {
        *text = json_string_value (v);
        *len = json_string_length (v);
        return 0;
    }
    if (json_is_integer (v))
        snprintf (buf, bufsize, "%" JSON_INTEGER_FORMAT, json_integer_value (v));
    else if (json_is_real (v)) {
        double d = json_real_value (v);
        for (int precision = 1; precision <= 17; precision++) {
            snprintf (buf, bufsize, "%.*g", precision, d);
            if (strtod (buf, NULL) == d)
                break;
        }
    }
    else if (json_is_null (v))
        buf[0] = '\0';
    else
        return -1;
    *text = buf;
    *len = strlen (buf);
    return 0;
}

//  Trimmed text of member key of obj into out. Returns 0 when the member is
//  there and scalar, -1 otherwise (out is then "").
static int
s_member_text (const json_t *obj, const char *key, char *out, size_t outsize)
{
    out[0] = '\0';
    const json_t *v = json_object_get (obj, key);
    char buf[S_NUMBER_MAX];
    const char *text;
    size_t len;
    if (!v || s_value_text (v, buf, sizeof buf, &text, &len))
        return -1;
    s_copy_trimmed (out, outsize, text, len);
    return 0;
}

//  Adds one JSON member to fields as text. Returns 0, -1 when the value is not
//  scalar, -2 when out of memory.
static int
s_fields_add (eod_fields_t *fields, const char *key, const json_t *v)
{
    char buf[S_NUMBER_MAX];
    const char *text;
    size_t len;
    if (s_value_text (v, buf, sizeof buf, &text, &len))
        return -1;
    return eod_fields_setn (fields, key, text, len) ? -2 : 0;
}

//  ---------------------------------------------------------------------------
//  Classification

static const struct {
    const char *code;
    eod_kis_status_t status;
} s_known_codes[] = {
    {"EGW00201", EOD_KIS_RATE_LIMITED},     //  초당 거래건수를 초과하였습니다
    {"EGW00121", EOD_KIS_TOKEN_EXPIRED},    //  유효하지 않은 token
    {"EGW00122", EOD_KIS_TOKEN_EXPIRED},    //  token을 찾을 수 없습니다
    {"EGW00123", EOD_KIS_TOKEN_EXPIRED},    //  기간이 만료된 token (or a token of the other host)
    {"EGW00133", EOD_KIS_TOKEN_THROTTLED},  //  접근토큰 발급 1분당 1회
    {"EGW00001", EOD_KIS_RETRYABLE},        //  일시적 오류
    {"EGW00002", EOD_KIS_RETRYABLE},        //  서버 에러
    {"EGW00202", EOD_KIS_RETRYABLE},        //  GW routing
    {"EGW00203", EOD_KIS_RETRYABLE},        //  OPS routing
    {"EGW00300", EOD_KIS_RETRYABLE},        //  OPS routing
    {"EGW00103", EOD_KIS_PERMANENT},        //  invalid AppKey
    {"EGW00105", EOD_KIS_PERMANENT},        //  invalid AppSecret
    {"EGW00206", EOD_KIS_PERMANENT},        //  no permission for this API
    {"EGW00207", EOD_KIS_PERMANENT},        //  IP not allowed
    {"EGW00213", EOD_KIS_PERMANENT},        //  TR_ID not valid on this host
};

static eod_kis_status_t
s_status_for_code (const char *code, long http_status)
{
    for (size_t i = 0; i < sizeof s_known_codes / sizeof s_known_codes[0]; i++)
        if (strcmp (code, s_known_codes[i].code) == 0)
            return s_known_codes[i].status;
    if (strncmp (code, "OPSQ", 4) == 0)
        return EOD_KIS_PERMANENT;   //  back-end rejected the request itself
    return http_status >= 500 ? EOD_KIS_RETRYABLE : EOD_KIS_PERMANENT;
}

//  Starts a reply: everything empty, the HTTP status kept.
static void
s_reply_begin (eod_kis_reply_t *r, long http_status)
{
    memset (r, 0, sizeof *r);
    r->http_status = http_status;
    r->status = EOD_KIS_OK;
}

//  Parses body as a JSON object. On failure classifies the reply (non-JSON 4xx
//  is permanent, anything else retryable: gateway pages and cut transfers
//  pass) and returns NULL.
static json_t *
s_load (long http_status, const char *body, size_t len, const char *what, eod_kis_reply_t *r)
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
        s_set_error (r, "%s: HTTP %ld, empty body", what, http_status);
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
        s_set_error (r, "%s: HTTP %ld, body is not JSON: \"%s\"", what, http_status, snippet);
    }
    else {
        r->status = EOD_KIS_RETRYABLE;
        if (root)
            s_set_error (r, "%s: HTTP %ld, JSON body is %s, not an object", what, http_status,
                         s_json_type_name (root));
        else
            s_set_error (r, "%s: HTTP %ld, malformed JSON (line %d column %d: %s)", what, http_status,
                         jerr.line, jerr.column, jerr.text);
    }
    json_decref (root);
    return NULL;
}

//  Reads the envelope (rt_cd, msg_cd/error_code, msg1/error_description) into
//  r. Returns true on success (rt_cd "0" and no error_code); otherwise sets
//  r->status and r->error and returns false. With require_rt_cd false a body
//  without rt_cd counts as success (tokenP answers without an envelope).
static bool
s_envelope_ok (long http_status, const json_t *root, const char *what, bool require_rt_cd, eod_kis_reply_t *r)
{
    char rt_cd[S_TEXT_MAX], error_code[sizeof r->msg_cd];
    bool has_rt_cd = s_member_text (root, "rt_cd", rt_cd, sizeof rt_cd) == 0;
    s_member_text (root, "error_code", error_code, sizeof error_code);
    if (s_member_text (root, "msg_cd", r->msg_cd, sizeof r->msg_cd) || !*r->msg_cd)
        memcpy (r->msg_cd, error_code, sizeof r->msg_cd);
    if (s_member_text (root, "msg1", r->msg1, sizeof r->msg1) || !*r->msg1)
        s_member_text (root, "error_description", r->msg1, sizeof r->msg1);

    if (!*error_code && (has_rt_cd ? strcmp (rt_cd, "0") == 0 : !require_rt_cd))
        return true;
    r->status = s_status_for_code (r->msg_cd, http_status);
    if (has_rt_cd || *r->msg_cd)
        s_set_error (r, "%s: HTTP %ld, rt_cd \"%s\", %s %s", what, http_status, rt_cd,
                     *r->msg_cd ? r->msg_cd : "(no msg_cd)", r->msg1);
    else
        s_set_error (r, "%s: HTTP %ld, JSON body without rt_cd", what, http_status);
    return false;
}

//  ---------------------------------------------------------------------------
//  Body parsers

//  Fills output1 from member "output1" when it is an object. A member holding
//  an object, array or boolean is left out and reported. Returns 0, or -1 when
//  out of memory.
static int
s_parse_output1 (const json_t *root, const char *what, eod_fields_t *output1)
{
    const json_t *obj = json_object_get (root, "output1");
    if (!obj || json_is_null (obj))
        return 0;
    if (!json_is_object (obj)) {
        eod_log_warn ("kis: %s: output1 is %s, not an object; ignored", what, s_json_type_name (obj));
        return 0;
    }
    const char *key;
    const json_t *v;
    json_object_foreach ((json_t *) obj, key, v) {
        int rc = s_fields_add (output1, key, v);
        if (rc == -2)
            return -1;
        if (rc == -1)
            eod_log_warn ("kis: %s: output1.%s is %s, not a string; field left out", what, key,
                          s_json_type_name (v));
    }
    return 0;
}

//  Converts up to `limit` elements of the array `member` into rows. Elements
//  without a non-blank date_key (e.g. {}) are skipped; elements that are not
//  objects, carry a date that is not YYYYMMDD or a value that is not scalar
//  are rejected: counted in *rejected, reported, first reason in why.
//  Returns 0, or -1 when out of memory.
static int
s_parse_rows (const json_t *root, const char *member, const char *date_key, size_t limit, const char *what,
              eod_fields_t **rows_p, size_t *nrows_p, size_t *rejected, char *why, size_t whysize)
{
    *rows_p = NULL;
    *nrows_p = 0;
    *rejected = 0;
    why[0] = '\0';
    const json_t *array = json_object_get (root, member);
    if (!array || json_is_null (array))
        return 0;
    if (!json_is_array (array)) {
        (*rejected)++;
        snprintf (why, whysize, "%s is %s, not an array", member, s_json_type_name (array));
        eod_log_warn ("kis: %s: %s", what, why);
        return 0;
    }
    size_t n = json_array_size (array);
    if (n > limit)
        n = limit;
    if (n == 0)
        return 0;
    eod_fields_t *rows = calloc (n, sizeof *rows);
    if (!rows)
        return -1;
    size_t nrows = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *row = json_array_get (array, i);
        char date[S_TEXT_MAX];
        char reason[160] = "";
        if (!json_is_object (row))
            snprintf (reason, sizeof reason, "is %s, not an object", s_json_type_name (row));
        else {
            const json_t *jdate = json_object_get (row, date_key);
            if (!jdate)
                continue;   //  placeholder row such as {}: nothing to keep
            if (s_member_text (row, date_key, date, sizeof date))
                snprintf (reason, sizeof reason, "%s is %s, not a string", date_key, s_json_type_name (jdate));
            else if (!*date)
                continue;   //  blank date: a placeholder too
            else if (!s_is_date (date))
                snprintf (reason, sizeof reason, "%s \"%s\" is not YYYYMMDD", date_key, date);
        }
        if (!*reason) {
            const char *key;
            const json_t *v;
            json_object_foreach ((json_t *) row, key, v) {
                int rc = s_fields_add (&rows[nrows], key, v);
                if (rc == -2) {
                    eod_fields_array_free (&rows, nrows + 1);
                    return -1;
                }
                if (rc == -1) {
                    snprintf (reason, sizeof reason, "%s %s: %s is %s, not a string", date_key, date, key,
                              s_json_type_name (v));
                    break;
                }
            }
        }
        if (*reason) {
            eod_fields_clear (&rows[nrows]);
            (*rejected)++;
            eod_log_warn ("kis: %s: %s[%zu] %s; row rejected", what, member, i, reason);
            if (!*why)
                snprintf (why, whysize, "%s[%zu] %s", member, i, reason);
            continue;
        }
        nrows++;
    }
    if (nrows == 0)
        free (rows);
    else {
        *rows_p = rows;
        *nrows_p = nrows;
    }
    return 0;
}

//  Sets the final status of a price reply from its usable rows.
static void
s_rows_status (eod_kis_reply_t *r, const char *what, size_t nrows, size_t rejected, const char *why)
{
    if (nrows > 0) {
        r->status = EOD_KIS_OK;
        if (rejected)
            s_set_error (r, "%s: %zu row(s) rejected, first: %s", what, rejected, why);
    }
    else if (rejected) {
        //  Rows came but none was usable: not a quiet holiday range.
        r->status = EOD_KIS_RETRYABLE;
        s_set_error (r, "%s: HTTP %ld, no usable row, %zu rejected, first: %s", what, r->http_status, rejected,
                     why);
    }
    else {
        r->status = EOD_KIS_NODATA;
        s_set_error (r, "%s: no rows in range", what);
    }
}

static int
s_parse_chart (long http_status, const char *body, size_t len, const char *what, eod_fields_t *output1,
               eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r)
{
    assert (output1 && rows && nrows);
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    s_reply_begin (r, http_status);
    eod_fields_clear (output1);
    *rows = NULL;
    *nrows = 0;
    json_t *root = s_load (http_status, body, len, what, r);
    if (!root || !s_envelope_ok (http_status, root, what, true, r))
        goto out;
    size_t rejected;
    char why[200];
    if (s_parse_output1 (root, what, output1)
        || s_parse_rows (root, "output2", "stck_bsop_date", SIZE_MAX, what, rows, nrows, &rejected, why,
                         sizeof why)) {
        r->status = EOD_KIS_RETRYABLE;
        s_set_error (r, "%s: out of memory", what);
        goto out;
    }
    s_rows_status (r, what, *nrows, rejected, why);
    if (*nrows == 0 && !rejected) {
        //  An unknown code answers rt_cd "0" with a zeroed snapshot.
        const char *price = eod_fields_get (output1, "stck_prpr");
        if (price && strcmp (price, "0") == 0) {
            r->status = EOD_KIS_UNKNOWN_SYMBOL;
            s_set_error (r, "%s: unknown symbol (stck_prpr \"0\" and no rows)", what);
        }
    }
out:
    json_decref (root);
    if (r->status != EOD_KIS_OK) {
        eod_fields_array_free (rows, *nrows);
        *nrows = 0;
    }
    return (int) r->status;
}

int
eod_kis_parse_chart (long http_status, const char *body, size_t len, eod_fields_t *output1, eod_fields_t **rows,
                     size_t *nrows, eod_kis_reply_t *r)
{
    return s_parse_chart (http_status, body, len, S_TR_CHART, output1, rows, nrows, r);
}

static int
s_parse_overseas (long http_status, const char *body, size_t len, const char *what, eod_fields_t *output1,
                  eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r)
{
    assert (output1 && rows && nrows);
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    s_reply_begin (r, http_status);
    eod_fields_clear (output1);
    *rows = NULL;
    *nrows = 0;
    json_t *root = s_load (http_status, body, len, what, r);
    if (!root || !s_envelope_ok (http_status, root, what, true, r))
        goto out;
    if (s_parse_output1 (root, what, output1))
        goto nomem;
    //  nrec is the row count (the documentation calls it 전일종가); blank
    //  means the symbol is unknown.
    size_t limit = SIZE_MAX;
    const char *nrec = eod_fields_get (output1, "nrec");
    if (nrec && s_is_blank (nrec)) {
        r->status = EOD_KIS_UNKNOWN_SYMBOL;
        s_set_error (r, "%s: unknown symbol (empty nrec)", what);
        goto out;
    }
    if (nrec) {
        char text[S_TEXT_MAX], *end;
        s_copy_trimmed (text, sizeof text, nrec, strlen (nrec));
        errno = 0;
        long count = strtol (text, &end, 10);
        if (errno == 0 && end != text && *end == '\0' && count >= 0)
            limit = (size_t) count;
        else
            eod_log_warn ("kis: %s: nrec \"%s\" is not a count; rows not truncated", what, text);
    }
    size_t rejected;
    char why[200];
    if (s_parse_rows (root, "output2", "xymd", limit, what, rows, nrows, &rejected, why, sizeof why))
        goto nomem;
    s_rows_status (r, what, *nrows, rejected, why);
    goto out;
nomem:
    r->status = EOD_KIS_RETRYABLE;
    s_set_error (r, "%s: out of memory", what);
out:
    json_decref (root);
    if (r->status != EOD_KIS_OK) {
        eod_fields_array_free (rows, *nrows);
        *nrows = 0;
    }
    return (int) r->status;
}

int
eod_kis_parse_overseas (long http_status, const char *body, size_t len, eod_fields_t *output1,
                        eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r)
{
    return s_parse_overseas (http_status, body, len, S_TR_OVERSEAS, output1, rows, nrows, r);
}

int
eod_kis_kst_to_epoch (const char *text, time_t *epoch)
{
    static const char pattern[] = "dddd-dd-dd dd:dd:dd";
    if (!text || strlen (text) != S_KST_TEXT_LEN)
        return -1;
    for (int i = 0; i < S_KST_TEXT_LEN; i++) {
        if (pattern[i] == 'd' ? !isdigit ((unsigned char) text[i]) : text[i] != pattern[i])
            return -1;
    }
    //  Fixed-width digits: each field is read by position.
    int v[6];
    static const int offsets[6] = {0, 5, 8, 11, 14, 17};
    static const int widths[6] = {4, 2, 2, 2, 2, 2};
    for (int f = 0; f < 6; f++) {
        v[f] = 0;
        for (int i = 0; i < widths[f]; i++)
            v[f] = v[f] * 10 + (text[offsets[f] + i] - '0');
    }
    struct tm tm = {0};
    tm.tm_year = v[0] - 1900;
    tm.tm_mon = v[1] - 1;
    tm.tm_mday = v[2];
    tm.tm_hour = v[3];
    tm.tm_min = v[4];
    tm.tm_sec = v[5];
    struct tm want = tm;
    time_t t = timegm (&tm);
    //  timegm normalises 02-30 into 03-02: a changed field means no such time.
    if (t == (time_t) -1 || tm.tm_year != want.tm_year || tm.tm_mon != want.tm_mon
        || tm.tm_mday != want.tm_mday || tm.tm_hour != want.tm_hour || tm.tm_min != want.tm_min
        || tm.tm_sec != want.tm_sec)
        return -1;
    *epoch = t - S_KST_OFFSET_S;
    return 0;
}

static int
s_parse_token (long http_status, const char *body, size_t len, time_t now, const char *what, char **token,
               time_t *expires_at, eod_kis_reply_t *r)
{
    assert (token && expires_at);
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    s_reply_begin (r, http_status);
    *token = NULL;
    *expires_at = 0;
    json_t *root = s_load (http_status, body, len, what, r);
    if (!root || !s_envelope_ok (http_status, root, what, false, r))
        goto out;
    const json_t *jtoken = json_object_get (root, "access_token");
    const char *value = json_is_string (jtoken) ? json_string_value (jtoken) : "";
    //  The token goes into a header line: no blanks or control characters.
    bool usable = *value != '\0';
    for (const char *p = value; *p && usable; p++)
        usable = (unsigned char) *p > 0x20 && *p != 0x7F;
    if (!usable) {
        r->status = http_status >= 500 ? EOD_KIS_RETRYABLE : EOD_KIS_PERMANENT;
        s_set_error (r, "%s: HTTP %ld, no usable access_token in the reply", what, http_status);
        goto out;
    }
    char text[S_TEXT_MAX];
    time_t expiry;
    bool named = s_member_text (root, "access_token_token_expired", text, sizeof text) == 0 && *text;
    if (named && eod_kis_kst_to_epoch (text, &expiry) == 0)
        *expires_at = expiry;
    else {
        if (named)
            eod_log_warn ("kis: %s: access_token_token_expired \"%s\" is not YYYY-MM-DD HH:MM:SS; using expires_in",
                          what, text);
        char *end;
        long seconds = 0;
        if (s_member_text (root, "expires_in", text, sizeof text) == 0) {
            errno = 0;
            seconds = strtol (text, &end, 10);
            if (errno || end == text || *end != '\0' || seconds <= 0 || seconds > S_TOKEN_LIFETIME_MAX_S)
                seconds = 0;
        }
        if (seconds == 0) {
            seconds = S_TOKEN_LIFETIME_S;
            eod_log_warn ("kis: %s: reply names no usable expiry; assuming %d s", what, S_TOKEN_LIFETIME_S);
        }
        *expires_at = now + seconds;
    }
    *token = strdup (value);
    if (!*token) {
        r->status = EOD_KIS_RETRYABLE;
        s_set_error (r, "%s: out of memory", what);
        goto out;
    }
    eod_log_secret (*token);
out:
    json_decref (root);
    return (int) r->status;
}

int
eod_kis_parse_token (long http_status, const char *body, size_t len, time_t now, char **token, time_t *expires_at,
                     eod_kis_reply_t *r)
{
    return s_parse_token (http_status, body, len, now, "POST " S_PATH_TOKEN, token, expires_at, r);
}

//  Copies the raw (untrimmed) text of a continuation key. Returns 0, or -1
//  when it does not fit.
static int
s_ctx_copy (const json_t *root, const char *key, char *out, size_t outsize)
{
    out[0] = '\0';
    const json_t *v = json_object_get (root, key);
    if (!json_is_string (v))
        return 0;
    size_t len = json_string_length (v);
    if (len >= outsize || memchr (json_string_value (v), '\0', len))
        return -1;
    memcpy (out, json_string_value (v), len + 1);
    return 0;
}

static int
s_parse_holidays (long http_status, const char *body, size_t len, const char *what, eod_kis_day_fn *cb, void *arg,
                  eod_kis_ctx_t *ctx, int *days, eod_kis_reply_t *r)
{
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    s_reply_begin (r, http_status);
    int count = 0;
    if (ctx)
        ctx->ctx_area_fk[0] = ctx->ctx_area_nk[0] = '\0';
    json_t *root = s_load (http_status, body, len, what, r);
    if (!root || !s_envelope_ok (http_status, root, what, true, r))
        goto out;
    if (ctx
        && (s_ctx_copy (root, "ctx_area_fk", ctx->ctx_area_fk, sizeof ctx->ctx_area_fk)
            || s_ctx_copy (root, "ctx_area_nk", ctx->ctx_area_nk, sizeof ctx->ctx_area_nk))) {
        r->status = EOD_KIS_PERMANENT;
        s_set_error (r, "%s: continuation key longer than %d bytes", what, EOD_KIS_CTX_MAX - 1);
        goto out;
    }
    const json_t *output = json_object_get (root, "output");
    if (output && !json_is_array (output) && !json_is_null (output)) {
        r->status = EOD_KIS_RETRYABLE;
        s_set_error (r, "%s: HTTP %ld, output is %s, not an array", what, http_status, s_json_type_name (output));
        goto out;
    }
    size_t i;
    const json_t *day;
    json_array_foreach ((json_t *) output, i, day) {
        char date[S_TEXT_MAX], open[S_TEXT_MAX];
        if (!json_is_object (day))
            continue;
        s_member_text (day, "bass_dt", date, sizeof date);
        s_member_text (day, "opnd_yn", open, sizeof open);
        if (!s_is_date (date)) {
            if (*date)
                eod_log_warn ("kis: %s: output[%zu] bass_dt \"%s\" is not YYYYMMDD; day skipped", what, i, date);
            continue;
        }
        if (strcmp (open, "Y") != 0 && strcmp (open, "N") != 0)
            eod_log_warn ("kis: %s: %s opnd_yn \"%s\" is neither Y nor N; taken as closed", what, date, open);
        if (cb)
            cb (date, strcmp (open, "Y") == 0, arg);
        count++;
    }
    if (count == 0) {
        r->status = EOD_KIS_NODATA;
        s_set_error (r, "%s: no days in the reply", what);
    }
out:
    json_decref (root);
    if (days)
        *days = count;
    return (int) r->status;
}

int
eod_kis_parse_holidays (long http_status, const char *body, size_t len, eod_kis_day_fn *cb, void *arg,
                        eod_kis_ctx_t *ctx, int *days, eod_kis_reply_t *r)
{
    return s_parse_holidays (http_status, body, len, S_TR_HOLIDAY, cb, arg, ctx, days, r);
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

//  ---------------------------------------------------------------------------
//  Requests

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
        s_set_error (r, "%s: %s is empty or not a single line", what, missing);
        return -1;
    }
    eod_log_secret (c->app_secret);
    if (need_token)
        eod_log_secret (token);
    return 0;
}

//  Performs one request. Returns 0 when a response arrived (resp to be freed
//  by the caller), or -1 with r set to a retryable failure.
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
    s_reply_begin (r, resp->status);
    r->sent_us = resp->sent_us;
    r->status = EOD_KIS_RETRYABLE;
    s_set_error (r, "%s: %s%s", what, resp->timed_out ? "timeout: " : "", resp->error);
    eod_http_response_free (resp);
    return -1;
}

static void
s_take_tr_cont (const eod_http_response_t *resp, eod_kis_reply_t *r)
{
    char value[S_TEXT_MAX];
    if (eod_http_response_header (resp, "tr_cont", value, sizeof value) == 0)
        s_copy_trimmed (r->tr_cont, sizeof r->tr_cont, value, strlen (value));
}

int
eod_kis_issue_token (const eod_kis_conn_t *c, char **token, time_t *expires_at, eod_kis_reply_t *r)
{
    assert (token && expires_at);
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    const char *what = "POST " S_PATH_TOKEN;
    *token = NULL;
    *expires_at = 0;
    s_reply_begin (r, 0);
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
        s_set_error (r, "%s: cannot build the request body", what);
        goto out;
    }
    s_url_t url;
    s_url_start (&url, c->base_url, S_PATH_TOKEN);
    if (url.overflow) {
        r->status = EOD_KIS_PERMANENT;
        s_set_error (r, "%s: base_url too long", what);
        goto out;
    }
    const char *headers[] = {"content-type: application/json; charset=utf-8", NULL};
    if (s_perform (c, "POST", url.text, headers, body, strlen (body), what, &resp, r))
        goto out;
    s_parse_token (resp.status, resp.body, resp.body_len, time (NULL), what, token, expires_at, r);
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
        s_set_error (r, "%s: request URL longer than %d bytes", what, S_URL_MAX - 1);
        return -1;
    }
    s_headers_t headers;
    if (s_headers_build (&headers, c, token, tr_id, next_page)) {
        r->status = EOD_KIS_RETRYABLE;
        s_set_error (r, "%s: out of memory", what);
        return -1;
    }
    int rc = s_perform (c, "GET", url->text, headers.list, NULL, 0, what, resp, r);
    s_headers_free (&headers);
    return rc;
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
    assert (output1 && rows && nrows);
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    s_reply_begin (r, 0);
    eod_fields_clear (output1);
    *rows = NULL;
    *nrows = 0;
    char what[160];
    snprintf (what, sizeof what, "GET inquire-daily-itemchartprice %s %s [%s, %s]", S_TR_CHART,
              code ? code : "(null)", from ? from : "(null)", to ? to : "(null)");
    if (s_check_conn (c, token, true, what, r))
        return (int) r->status;
    if (!s_is_code (code, S_CODE_MAX) || !from || !s_is_date (from) || !to || !s_is_date (to)) {
        r->status = EOD_KIS_PERMANENT;
        s_set_error (r, "%s: bad code or date (want a code of up to %d characters and YYYYMMDD dates)", what,
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
    eod_http_response_t resp = {0};
    if (s_uapi_get (c, token, S_TR_CHART, false, &url, what, &resp, r))
        return (int) r->status;
    s_parse_chart (resp.status, resp.body, resp.body_len, what, output1, rows, nrows, r);
    r->sent_us = resp.sent_us;
    s_take_tr_cont (&resp, r);
    eod_http_response_free (&resp);
    return (int) r->status;
}

int
eod_kis_overseas_daily (const eod_kis_conn_t *c, const char *token, const char *excd, const char *symbol,
                        const char *bymd, bool adjusted, eod_fields_t *output1, eod_fields_t **rows, size_t *nrows,
                        eod_kis_reply_t *r)
{
    assert (output1 && rows && nrows);
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    s_reply_begin (r, 0);
    eod_fields_clear (output1);
    *rows = NULL;
    *nrows = 0;
    if (!bymd)
        bymd = "";
    char what[160];
    snprintf (what, sizeof what, "GET dailyprice %s %s:%s BYMD %s", S_TR_OVERSEAS, excd ? excd : "(null)",
              symbol ? symbol : "(null)", *bymd ? bymd : "(today)");
    if (s_check_conn (c, token, true, what, r))
        return (int) r->status;
    if (!s_is_code (excd, S_EXCD_MAX) || !s_is_code (symbol, S_SYMBOL_MAX) || (*bymd && !s_is_date (bymd))) {
        r->status = EOD_KIS_PERMANENT;
        s_set_error (r, "%s: bad exchange, symbol or date", what);
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
    eod_http_response_t resp = {0};
    if (s_uapi_get (c, token, S_TR_OVERSEAS, false, &url, what, &resp, r))
        return (int) r->status;
    s_parse_overseas (resp.status, resp.body, resp.body_len, what, output1, rows, nrows, r);
    r->sent_us = resp.sent_us;
    s_take_tr_cont (&resp, r);
    eod_http_response_free (&resp);
    return (int) r->status;
}

int
eod_kis_holidays (const eod_kis_conn_t *c, const char *token, const char *from, int max_pages, eod_kis_day_fn *cb,
                  void *arg, int *requests, eod_kis_reply_t *r)
{
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    s_reply_begin (r, 0);
    int made = 0, total = 0;
    char what[160];
    snprintf (what, sizeof what, "GET chk-holiday %s BASS_DT %s", S_TR_HOLIDAY, from ? from : "(null)");
    if (s_check_conn (c, token, true, what, r))
        goto out;
    if (!from || !s_is_date (from) || max_pages < 1) {
        r->status = EOD_KIS_PERMANENT;
        s_set_error (r, "%s: bad date or page limit %d", what, max_pages);
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
        if (s_uapi_get (c, token, S_TR_HOLIDAY, page > 0, &url, page_what, &resp, r))
            goto out;
        int days = 0;
        s_parse_holidays (resp.status, resp.body, resp.body_len, page_what, cb, arg, &ctx, &days, r);
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
        s_set_error (r, "%s: no days in %d page(s)", what, made);
    }
out:
    if (requests)
        *requests = made;
    return (int) r->status;
}
