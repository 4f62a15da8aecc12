/*  kis_overseas — the parser of HHDFS76240000 overseas dailyprice, the daily
    bars the US fetcher asks for (eod_kis_overseas_daily sends the request,
    see kis_request.c).

    output1 holds rsym, zdiv and nrec; nrec is the number of bars to keep
    (the rows past it are dropped), and an empty nrec is how KIS says the
    symbol is unknown on that exchange.

    The answer may come in pages: its tr_cont header is M or F while more
    follows (D or E on the last). eod_kis_overseas_more says whether a range
    needs the next page and from which BYMD; each page is a request of its
    own, so the caller (the coordinator, through its fetchers) paces it. */
#include "kis_internal.h"
#include "eod_date.h"
#include "eod_log.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

//  output1 and the bars of a reply the envelope accepted (kis_price_body_fn).
static int
s_overseas_body (const json_t *root, const char *what, eod_fields_t *output1, eod_fields_t **rows, size_t *nrows,
                 eod_kis_reply_t *r)
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
eod_kis_parse_overseas (long http_status, const char *body, size_t len, eod_fields_t *output1, eod_fields_t **rows,
                        size_t *nrows, eod_kis_reply_t *r)
{
    return kis_parse_overseas (http_status, body, len, KIS_TR_OVERSEAS, output1, rows, nrows, r);
}

bool
eod_kis_overseas_more (const eod_kis_reply_t *r, const eod_fields_t *rows, size_t nrows, const char *from,
                       char next_bymd[9])
{
    next_bymd[0] = '\0';
    if (!r || r->status != EOD_KIS_OK || nrows == 0 || !from)
        return false;
    if (strcmp (r->tr_cont, "M") != 0 && strcmp (r->tr_cont, "F") != 0)
        return false;
    //  Newest first, but not trusted to be: the oldest bar is looked for.
    const char *oldest = NULL;
    for (size_t i = 0; i < nrows; i++) {
        const char *d = eod_fields_get (&rows[i], "xymd");
        if (d && kis_is_date (d) && (!oldest || strcmp (d, oldest) < 0))
            oldest = d;
    }
    eod_date_t day;
    if (!oldest || strcmp (oldest, from) <= 0 || eod_date_parse (oldest, &day))
        return false;
    return eod_date_format_compact (eod_date_add_days (day, -1), next_bymd, 9) != NULL;
}
