/*  kis_holiday — the parser of CTCA0903R chk-holiday, one page of the KRX
    calendar the coordinator reads to know which days the market opens
    (eod_kis_holidays sends the requests and follows the pages, see
    kis_request.c).

    Each page lists calendar days with opnd_yn (Y: the market opens); the
    continuation keys ctx_area_fk/nk are kept as sent, padding included,
    because the next request must send them back unchanged. */
#include "kis_internal.h"
#include "eod_log.h"

#include <string.h>

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

int
kis_parse_holidays (long http_status, const char *body, size_t len, const char *what, eod_kis_day_fn *cb, void *arg,
                    eod_kis_ctx_t *ctx, int *days, eod_kis_reply_t *r)
{
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    kis_reply_begin (r, http_status);
    int count = 0;
    if (ctx)
        ctx->ctx_area_fk[0] = ctx->ctx_area_nk[0] = '\0';
    json_t *root = kis_load (http_status, body, len, what, r);
    if (!root || !kis_envelope_ok (http_status, root, what, true, r))
        goto out;
    if (ctx
        && (s_ctx_copy (root, "ctx_area_fk", ctx->ctx_area_fk, sizeof ctx->ctx_area_fk)
            || s_ctx_copy (root, "ctx_area_nk", ctx->ctx_area_nk, sizeof ctx->ctx_area_nk))) {
        r->status = EOD_KIS_PERMANENT;
        kis_set_error (r, "%s: continuation key longer than %d bytes", what, EOD_KIS_CTX_MAX - 1);
        goto out;
    }
    const json_t *output = json_object_get (root, "output");
    if (output && !json_is_array (output) && !json_is_null (output)) {
        r->status = EOD_KIS_RETRYABLE;
        kis_set_error (r, "%s: HTTP %ld, output is %s, not an array", what, http_status, kis_json_type_name (output));
        goto out;
    }
    size_t i;
    const json_t *day;
    json_array_foreach ((json_t *) output, i, day)
    {
        char date[KIS_TEXT_MAX], open[KIS_TEXT_MAX];
        if (!json_is_object (day))
            continue;
        kis_member_text (day, "bass_dt", date, sizeof date);
        kis_member_text (day, "opnd_yn", open, sizeof open);
        if (!kis_is_date (date)) {
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
        kis_set_error (r, "%s: no days in the reply", what);
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
    return kis_parse_holidays (http_status, body, len, KIS_TR_HOLIDAY, cb, arg, ctx, days, r);
}
