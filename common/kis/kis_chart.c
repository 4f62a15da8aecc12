/*  kis_chart — the parser of FHKST03010100 inquire-daily-itemchartprice, the
    domestic daily bars the KR fetcher asks for (eod_kis_daily_chart sends
    the request, see kis_request.c).

    output1 is a snapshot of the stock, output2 the bars, newest first. An
    unknown code is not an error code: KIS answers rt_cd "0" with a zeroed
    snapshot (stck_prpr "0") and no bars, which is told apart here from a
    range of holidays (no bars, a real price). */
#include "kis_internal.h"

#include <stdint.h>
#include <string.h>

//  The snapshot and the bars of a reply the envelope accepted (kis_price_body_fn).
static int
s_chart_body (const json_t *root, const char *what, eod_fields_t *output1, eod_fields_t **rows, size_t *nrows,
              eod_kis_reply_t *r)
{
    size_t rejected;
    char why[KIS_WHY_MAX];
    if (kis_parse_output1 (root, what, output1)
        || kis_parse_rows (root, "output2", "stck_bsop_date", SIZE_MAX, what, rows, nrows, &rejected, why, sizeof why))
        return -1;
    kis_rows_status (r, what, *nrows, rejected, why);
    if (*nrows == 0 && !rejected) {
        //  An unknown code answers rt_cd "0" with a zeroed snapshot.
        const char *price = eod_fields_get (output1, "stck_prpr");
        if (price && strcmp (price, "0") == 0) {
            r->status = EOD_KIS_UNKNOWN_SYMBOL;
            kis_set_error (r, "%s: unknown symbol (stck_prpr \"0\" and no rows)", what);
        }
    }
    return 0;
}

int
kis_parse_chart (long http_status, const char *body, size_t len, const char *what, eod_fields_t *output1,
                 eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r)
{
    return kis_price_parse (http_status, body, len, what, output1, rows, nrows, r, s_chart_body);
}

int
eod_kis_parse_chart (long http_status, const char *body, size_t len, eod_fields_t *output1, eod_fields_t **rows,
                     size_t *nrows, eod_kis_reply_t *r)
{
    return kis_parse_chart (http_status, body, len, KIS_TR_CHART, output1, rows, nrows, r);
}
