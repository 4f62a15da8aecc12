/*  fetcher fetch — see fetch.h. */
#include "fetch.h"
#include "eod_date.h"
#include "eod_kis.h"

#include <stdio.h>
#include <string.h>

#define S_TEXT_MAX 160                //  a RESULT's own error text

//  Copies "YYYY-MM-DD" as "YYYYMMDD".
static void
s_compact (const char *date, char out[9])
{
    size_t j = 0;
    for (size_t i = 0; date && date[i] && j < 8; i++)
        if (date[i] != '-')
            out[j++] = date[i];
    out[j] = '\0';
}

//  The rows an answer held outside the request, for the writer's report.
typedef struct {
    long count;
    char dates[EOD_WRONG_DATES_LISTED * 10];   //  "YYYYMMDD,..." of the first
    size_t used;
} wrong_dates_t;

//  Whether a row dated d (YYYYMMDD as sent) kept out of the task's range
//  is one KIS should not have sent: the domestic chart answers
//  the range asked, so any row outside it; the overseas endpoint answers
//  the rows ending at BYMD (to, or a continuation's bymd) and going back
//  whatever the start, so only a row after that day.
static bool
s_wrong_date (bool us, const char *d, const char *to, const char *bymd)
{
    if (!us)
        return true;
    return strcmp (d, bymd && *bymd ? bymd : to) > 0;
}

static void
s_wrong_add (wrong_dates_t *w, const char *d)
{
    if (w->count++ >= EOD_WRONG_DATES_LISTED)
        return;
    //  The date is what KIS sent: only its first 8 printable bytes are kept.
    char shown[9];
    size_t n = 0;
    for (; d[n] && n < 8; n++)
        shown[n] = (d[n] >= '0' && d[n] <= '9') ? d[n] : '?';
    shown[n] = '\0';
    w->used += (size_t) snprintf (w->dates + w->used, sizeof w->dates - w->used, "%s%s", w->used ? "," : "", shown);
}

static void
s_wrong_meta (const wrong_dates_t *w, eod_msg_t *result)
{
    if (!w->count)
        return;
    char count[32];
    snprintf (count, sizeof count, "%ld", w->count);
    eod_fields_set (&result->meta, EOD_META_WRONG_DATE, w->dates);
    eod_fields_set (&result->meta, EOD_META_WRONG_DATE_COUNT, count);
}

const char *
fetcher_fetch_status_name (int status)
{
    switch (status) {
    case EOD_KIS_OK: return "ok";
    case EOD_KIS_NODATA: return "nodata";
    case EOD_KIS_UNKNOWN_SYMBOL: return "unknown";
    case EOD_KIS_PERMANENT: return "permanent";
    default: return "retryable";
    }
}

//  The overseas request of task: a first page ending at to, or the
//  continuation the coordinator asks for (meta bymd).
static int
s_overseas (const eod_kis_conn_t *c, const eod_msg_t *task, const eod_msg_t *creds, const char *to, bool adjusted,
            eod_fields_t *output1, eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r)
{
    const char *excd = task->exchange ? task->exchange : "";
    const char *bymd = eod_fields_get (&task->meta, EOD_META_BYMD);
    if (bymd)
        return eod_kis_overseas_daily_next (c, creds->token, excd, task->code, bymd, adjusted, output1, rows, nrows,
                                            r);
    return eod_kis_overseas_daily (c, creds->token, excd, task->code, to, adjusted, output1, rows, nrows, r);
}

eod_kis_conn_t
fetcher_fetch_conn (const eod_msg_t *creds, const fetcher_fetch_conf_t *conf)
{
    return (eod_kis_conn_t) {.base_url = creds->base_url,
                             .app_key = creds->app_key,
                             .app_secret = creds->app_secret,
                             .timeout_ms = conf->timeout_ms,
                             .insecure = conf->insecure,
                             .ca_file = conf->ca_file && *conf->ca_file ? conf->ca_file : NULL,
                             .http = conf->http ? conf->http : eod_http_perform};
}

eod_msg_t *
fetcher_fetch (const eod_msg_t *task, const eod_msg_t *creds, const fetcher_fetch_conf_t *conf)
{
    eod_msg_t *result = eod_msg_new (EOD_MSG_RESULT);
    if (!result)
        return NULL;
    eod_msg_set (&result->run_id, task->run_id);
    eod_msg_set (&result->task_id, task->task_id);
    eod_msg_set (&result->market, task->market);
    eod_msg_set (&result->code, task->code);
    result->attempt = task->attempt;
    result->requests = 1;
    eod_kis_conn_t c = fetcher_fetch_conn (creds, conf);
    char from[9], to[9];
    s_compact (task->date_from, from);
    s_compact (task->date_to, to);
    eod_fields_t output1 = EOD_FIELDS_INIT;
    eod_fields_t *rows = NULL;
    size_t nrows = 0;
    eod_kis_reply_t r;
    memset (&r, 0, sizeof r);
    bool us = task->market && strcmp (task->market, "us") == 0;
    const char *date_key = us ? "xymd" : "stck_bsop_date";
    //  When the request was made, on the wall clock: the quote an answer
    //  carries (output1) is of that moment, whatever dates the request names,
    //  and the writer needs the moment to tell which session it describes.
    result->asked_at = (int64_t) eod_now ();
    int status = us ? s_overseas (&c, task, creds, to, conf->adjusted, &output1, &rows, &nrows, &r)
                    : eod_kis_daily_chart (&c, creds->token, task->code, from, to, conf->adjusted, &output1, &rows,
                                           &nrows, &r);
    //  When the request left: the coordinator compares it with when it
    //  dispatched the task, to see requests that reached the wire late.
    result->sent_us = r.sent_us;
    //  More pages to come for this range: the coordinator asks for the next.
    char next_bymd[9];
    bool more = us && eod_kis_overseas_more (&r, rows, nrows, from, next_bymd);
    size_t kept = 0;
    char newest[9] = "";
    wrong_dates_t wrong = {.count = 0};
    if (status == EOD_KIS_OK) {
        //  Keep the rows of the task's range only (the overseas endpoint
        //  returns 100 rows ending at BYMD whatever the start).
        const char *bymd = eod_fields_get (&task->meta, EOD_META_BYMD);
        for (size_t i = 0; i < nrows; i++) {
            const char *d = eod_fields_get (&rows[i], date_key);
            if (!d)
                continue;
            if (!newest[0] || strcmp (d, newest) > 0)
                snprintf (newest, sizeof newest, "%s", d);
            if (strcmp (d, from) >= 0 && strcmp (d, to) <= 0) {
                eod_msg_add_row (result, &rows[i]);
                kept++;
            }
            else if (s_wrong_date (us, d, to, bymd))
                s_wrong_add (&wrong, d);
        }
        if (kept == 0 && !more)
            status = EOD_KIS_NODATA;
    }
    s_wrong_meta (&wrong, result);
    //  A task of one session D (a daily run, or a refill of its gaps): an
    //  answer whose newest row is older has no row for D yet (not published,
    //  or the code did not trade). Never take an earlier row for D; the
    //  coordinator asks again (US), records the code in the gaps and counts
    //  it against [pipeline] unpublished_pct. A continuation page is older
    //  than its task's last date by design.
    bool one_session = ((task->mode && strcmp (task->mode, "daily") == 0) || strcmp (from, to) == 0)
                       && !eod_fields_get (&task->meta, EOD_META_BYMD);
    bool unpublished = status == EOD_KIS_NODATA && one_session && newest[0] && strcmp (newest, to) < 0;
    eod_msg_set (&result->status, unpublished ? "retryable" : fetcher_fetch_status_name (status));
    if (unpublished)
        eod_msg_set (&result->msg_cd, EOD_UNPUBLISHED);
    if (status == EOD_KIS_OK) {
        eod_fields_merge (&result->snapshot, &output1);
        if (more) {
            eod_msg_set (&result->msg_cd, EOD_MORE);
            eod_fields_set (&result->meta, EOD_META_BYMD, next_bymd);
        }
    }
    else if (status == EOD_KIS_NODATA) {
        char text[S_TEXT_MAX];
        int at = newest[0] ? snprintf (text, sizeof text, "no row in %s..%s (newest %s)", from, to, newest)
                           : snprintf (text, sizeof text, "no row in %s..%s", from, to);
        //  No row is written, so the writer cannot report them: the error says so.
        if (wrong.count && at > 0 && (size_t) at < sizeof text)
            snprintf (text + at, sizeof text - (size_t) at, "; %ld row(s) outside the request (%s)", wrong.count,
                      wrong.dates);
        eod_msg_set (&result->error, text);
    }
    else {
        eod_msg_set (&result->msg_cd, r.msg_cd);
        eod_msg_set (&result->error, r.error[0] ? r.error : r.msg1);
    }
    eod_fields_clear (&output1);
    eod_fields_array_free (&rows, nrows);
    return result;
}
