/*  kis_overseas — the parser of HHDFS76240000 overseas dailyprice, the daily
    bars the US fetcher asks for (eod_kis_overseas_daily sends the request,
    see kis_request.c).

    output1 holds rsym, zdiv and nrec; nrec is the number of bars to keep
    (the rows past it are dropped), and an empty nrec is how KIS says the
    symbol is unknown on that exchange. */
#include "kis_internal.h"
#include "eod_log.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

//  output1 and the bars of a reply the envelope accepted (kis_price_body_fn).
static int
s_overseas_body (const json_t *root, const char *what, eod_fields_t *output1, eod_fields_t **rows,
                 size_t *nrows, eod_kis_reply_t *r)
{
    if (kis_parse_output1 (root, what, output1))
        return -1;
    //  nrec is the row count (the documentation calls it 전일종가); blank
    //  means the symbol is unknown.
    size_t limit = SIZE_MAX;
    const char *nrec = eod_fields_get (output1, "nrec");
    if (nrec && kis_is_blank (nrec)) {
        r->status = EOD_KIS_UNKNOWN_SYMBOL;
        kis_set_error (r, "%s: unknown symbol (empty nrec)", what);
        return 0;
    }
    if (nrec) {
        char text[KIS_TEXT_MAX], *end;
        kis_copy_trimmed (text, sizeof text, nrec, strlen (nrec));
        errno = 0;
        long count = strtol (text, &end, 10);
        if (errno == 0 && end != text && *end == '\0' && count >= 0)
            limit = (size_t) count;
        else
            eod_log_warn ("kis: %s: nrec \"%s\" is not a count; rows not truncated", what, text);
    }
    size_t rejected;
    char why[KIS_WHY_MAX];
    if (kis_parse_rows (root, "output2", "xymd", limit, what, rows, nrows, &rejected, why, sizeof why))
        return -1;
    kis_rows_status (r, what, *nrows, rejected, why);
    return 0;
}

int
kis_parse_overseas (long http_status, const char *body, size_t len, const char *what, eod_fields_t *output1,
                    eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r)
{
    return kis_price_parse (http_status, body, len, what, output1, rows, nrows, r, s_overseas_body);
}

int
eod_kis_parse_overseas (long http_status, const char *body, size_t len, eod_fields_t *output1,
                        eod_fields_t **rows, size_t *nrows, eod_kis_reply_t *r)
{
    return kis_parse_overseas (http_status, body, len, KIS_TR_OVERSEAS, output1, rows, nrows, r);
}
