/*  fuzz_kis — libFuzzer target for the KIS response parsers of common/
    (eod_kis_parse_chart, _overseas, _token, _holidays, _multiquote and
    eod_kis_kst_to_epoch).

    The fetchers and the coordinator hand every body the KIS host (or
    anything in between: a gateway, a cut transfer) sends to these parsers,
    whatever the HTTP status. The target gives the input to each parser as
    the body of a 200 reply and of an error status, and checks the contracts
    of eod_kis.h on what comes back: the returned status is the reply's and
    one of the enum, the reply's texts are terminated and one line, rows
    come only with EOD_KIS_OK and each carries a YYYYMMDD date, the overseas
    rows never outnumber nrec, a token comes only with EOD_KIS_OK and is fit
    for a header line, every holiday day reported has a YYYYMMDD date and is
    counted, a multi-quote answer gives each asked code one state and an
    entry only of that code, and entries only with EOD_KIS_OK or
    EOD_KIS_NODATA. A short input is also read as a KST time, which must
    round-trip.
    A broken promise aborts, which libFuzzer reports as a crash. */
#include "eod_kis.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_NOW ((time_t) 1767225600)              //  2026-01-01T00:00:00Z, a fixed "now"
#define S_KST_OFFSET_S (9 * 3600)
#define S_KST_TEXT_LEN 19                       //  "YYYY-MM-DD HH:MM:SS"
#define S_KST_BUF (S_KST_TEXT_LEN + 8)
#define S_DATE_LEN 8

//  The second status each body is parsed under, picked by the input's size
//  so one input always takes the same paths.
static const long s_error_statuses [] = {403, 500, 503};

static void
s_fail (const char *parser, long http_status, const char *what, const char *detail)
{
    fprintf (stderr, "fuzz_kis: %s (HTTP %ld): %s%s%s\n", parser, http_status, what,
             detail ? ": " : "", detail ? detail : "");
    abort ();
}

static bool
s_terminated (const char *s, size_t size)
{
    return memchr (s, '\0', size) != NULL;
}

//  The reply's promises, whatever the parser.
static void
s_check_reply (const char *parser, long http_status, int rc, const eod_kis_reply_t *r)
{
    if (rc != (int) r->status)
        s_fail (parser, http_status, "return value is not r->status", NULL);
    if (r->status < EOD_KIS_OK || r->status > EOD_KIS_PERMANENT)
        s_fail (parser, http_status, "status outside the enum", NULL);
    if (r->http_status != http_status)
        s_fail (parser, http_status, "r->http_status not kept", NULL);
    if (!s_terminated (r->msg_cd, sizeof r->msg_cd) || !s_terminated (r->msg1, sizeof r->msg1)
    ||  !s_terminated (r->error, sizeof r->error) || !s_terminated (r->tr_cont, sizeof r->tr_cont))
        s_fail (parser, http_status, "reply text not terminated", NULL);
    if (r->tr_cont [0] != '\0')
        s_fail (parser, http_status, "tr_cont set by a body parser", r->tr_cont);
    if (strpbrk (r->error, "\n\r\t"))
        s_fail (parser, http_status, "error is not one line", r->error);
    if (r->status != EOD_KIS_OK && r->error [0] == '\0')
        s_fail (parser, http_status, "a failure without an error text", eod_kis_status_name (r->status));
}

//  Trimmed value is YYYYMMDD.
static bool
s_date_ok (const char *value)
{
    while (isspace ((unsigned char) *value))
        value++;
    size_t n = strlen (value);
    while (n > 0 && isspace ((unsigned char) value [n - 1]))
        n--;
    if (n != S_DATE_LEN)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit ((unsigned char) value [i]))
            return false;
    return true;
}

static void
s_check_fields (const char *parser, long http_status, const eod_fields_t *fields)
{
    if (fields->count > fields->cap)
        s_fail (parser, http_status, "fields count over capacity", NULL);
    for (size_t i = 0; i < fields->count; i++)
        if (!fields->items [i].key || !fields->items [i].value)
            s_fail (parser, http_status, "NULL key or value in fields", NULL);
}

typedef int (s_rows_parser_fn) (long, const char *, size_t, eod_fields_t *, eod_fields_t **, size_t *,
                                eod_kis_reply_t *);

static void
s_rows_parser (const char *parser, s_rows_parser_fn *fn, const char *date_key, long http_status,
               const char *body, size_t len)
{
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    int rc = fn (http_status, body, len, &output1, &rows, &nrows, &r);
    s_check_reply (parser, http_status, rc, &r);
    s_check_fields (parser, http_status, &output1);
    if ((r.status == EOD_KIS_OK) != (nrows > 0))
        s_fail (parser, http_status, "rows without EOD_KIS_OK or EOD_KIS_OK without rows",
                eod_kis_status_name (r.status));
    if ((rows == NULL) != (nrows == 0))
        s_fail (parser, http_status, "rows pointer does not match nrows", NULL);
    for (size_t i = 0; i < nrows; i++) {
        s_check_fields (parser, http_status, &rows [i]);
        const char *date = eod_fields_get (&rows [i], date_key);
        if (!date || !s_date_ok (date))
            s_fail (parser, http_status, "row without a YYYYMMDD date", date);
    }
    //  Overseas rows are cut to nrec when it is a count.
    const char *nrec = date_key [0] == 'x' ? eod_fields_get (&output1, "nrec") : NULL;
    if (nrec) {
        char *end;
        long count = strtol (nrec, &end, 10);
        while (isspace ((unsigned char) *end))
            end++;
        if (end != nrec && *end == '\0' && count >= 0 && nrows > (size_t) count)
            s_fail (parser, http_status, "more rows than nrec", nrec);
    }
    eod_fields_clear (&output1);
    eod_fields_array_free (&rows, nrows);
}

static void
s_token (long http_status, const char *body, size_t len)
{
    const char *parser = "parse_token";
    char *token = (char *) "unset";
    time_t expires_at = -1;
    eod_kis_reply_t r;
    int rc = eod_kis_parse_token (http_status, body, len, S_NOW, &token, &expires_at, &r);
    s_check_reply (parser, http_status, rc, &r);
    if (r.status != EOD_KIS_OK) {
        if (token)
            s_fail (parser, http_status, "a token with a failure", NULL);
        return;
    }
    if (!token || !*token)
        s_fail (parser, http_status, "EOD_KIS_OK without a token", NULL);
    for (const char *p = token; *p; p++)
        if ((unsigned char) *p <= 0x20 || *p == 0x7f)
            s_fail (parser, http_status, "token unfit for a header line", NULL);
    free (token);
}

typedef struct {
    int calls;
    bool bad_date;
} s_days_t;

static void
s_on_day (const char *yyyymmdd, bool open, void *arg)
{
    s_days_t *days = arg;
    (void) open;
    days->calls++;
    if (strlen (yyyymmdd) != S_DATE_LEN || strspn (yyyymmdd, "0123456789") != S_DATE_LEN)
        days->bad_date = true;
}

static void
s_holidays (long http_status, const char *body, size_t len)
{
    const char *parser = "parse_holidays";
    s_days_t days = {0, false};
    eod_kis_ctx_t ctx;
    memset (&ctx, 'x', sizeof ctx);
    int count = -1;
    eod_kis_reply_t r;
    int rc = eod_kis_parse_holidays (http_status, body, len, s_on_day, &days, &ctx, &count, &r);
    s_check_reply (parser, http_status, rc, &r);
    if (!s_terminated (ctx.ctx_area_fk, sizeof ctx.ctx_area_fk)
    ||  !s_terminated (ctx.ctx_area_nk, sizeof ctx.ctx_area_nk))
        s_fail (parser, http_status, "continuation key not terminated", NULL);
    if (days.bad_date)
        s_fail (parser, http_status, "a day without a YYYYMMDD date", NULL);
    if (count != days.calls)
        s_fail (parser, http_status, "*days differs from the days reported", NULL);
    if ((r.status == EOD_KIS_OK) != (count > 0))
        s_fail (parser, http_status, "days without EOD_KIS_OK or EOD_KIS_OK without a day",
                eod_kis_status_name (r.status));
    //  Without a callback or a counter the parser must not care.
    eod_kis_reply_t r2;
    rc = eod_kis_parse_holidays (http_status, body, len, NULL, NULL, &ctx, NULL, &r2);
    if (rc != (int) r2.status || r2.status != r.status)
        s_fail (parser, http_status, "status changes without a callback", NULL);
}

static void
s_multiquote (long http_status, const char *body, size_t len)
{
    const char *parser = "parse_multiquote";
    static const char *codes [] = {"000660", "006030", "017840"};
    enum { n = sizeof codes / sizeof codes [0] };
    eod_kis_quote_t quotes [n];
    memset (quotes, 0, sizeof quotes);
    eod_kis_reply_t r;
    int rc = eod_kis_parse_multiquote (http_status, body, len, codes, n, quotes, &r);
    s_check_reply (parser, http_status, rc, &r);
    bool kept = r.status == EOD_KIS_OK || r.status == EOD_KIS_NODATA;
    size_t answered = 0;
    for (size_t i = 0; i < n; i++) {
        s_check_fields (parser, http_status, &quotes [i].fields);
        bool entry = quotes [i].state == EOD_KIS_MQ_QUOTED || quotes [i].state == EOD_KIS_MQ_ZERO;
        if (quotes [i].state > EOD_KIS_MQ_REJECTED)
            s_fail (parser, http_status, "a state outside the enum", NULL);
        if (entry != (quotes [i].fields.count > 0))
            s_fail (parser, http_status, "fields without an entry or an entry without fields", codes [i]);
        const char *code = eod_fields_get (&quotes [i].fields, "inter_shrn_iscd");
        char trimmed [32] = "";
        if (code)
            sscanf (code, " %31s", trimmed);
        if (entry && strcmp (trimmed, codes [i]) != 0)
            s_fail (parser, http_status, "an entry of another code", code);
        if (entry && !kept)
            s_fail (parser, http_status, "an entry with a failure", eod_kis_status_name (r.status));
        answered += entry;
    }
    if ((r.status == EOD_KIS_OK) != (answered > 0))
        s_fail (parser, http_status, "entries without EOD_KIS_OK or EOD_KIS_OK without one",
                eod_kis_status_name (r.status));
    eod_kis_quotes_clear (quotes, n);
}

//  A text eod_kis_kst_to_epoch accepts must be the KST wall clock of the
//  epoch it returns.
static void
s_kst (const uint8_t *data, size_t size)
{
    if (size > S_KST_BUF - 1)
        return;
    char text [S_KST_BUF];
    memcpy (text, data, size);
    text [size] = '\0';
    time_t epoch;
    if (eod_kis_kst_to_epoch (text, &epoch))
        return;
    time_t kst = epoch + S_KST_OFFSET_S;
    struct tm tm;
    char back [S_KST_BUF];
    if (!gmtime_r (&kst, &tm)
    ||  snprintf (back, sizeof back, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec) != S_KST_TEXT_LEN
    ||  strcmp (back, text) != 0)
        s_fail ("kst_to_epoch", 0, "accepted time does not round-trip", text);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    //  libFuzzer hands over a heap copy of exactly size bytes, not
    //  NUL-terminated, as a body from eod_http need not be.
    const char *body = (const char *) data;
    long statuses [] = {200, s_error_statuses [size % (sizeof s_error_statuses / sizeof s_error_statuses [0])]};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses [0]; i++) {
        s_rows_parser ("parse_chart", eod_kis_parse_chart, "stck_bsop_date", statuses [i], body, size);
        s_rows_parser ("parse_overseas", eod_kis_parse_overseas, "xymd", statuses [i], body, size);
        s_token (statuses [i], body, size);
        s_holidays (statuses [i], body, size);
        s_multiquote (statuses [i], body, size);
    }
    s_kst (data, size);
    return 0;
}
