/*  kis_multiquote — the parser of FHKST11300006 intstock-multprice, the
    multi-stock quote (eod_kis_multiquote sends the request, see
    kis_request.c); the mapping of its fields to the chart's is
    fields/eod_kis_fields.c.

    The answer's output holds one object per code, keyed by inter_shrn_iscd.
    Nothing public says whether KIS keeps the request's order, answers a
    one-code request with an array or an object, or leaves out, zeroes or
    refuses a code it does not know, so each asked code is found by its code
    wherever it stands, output may be an array or an object, and each code
    ends in one state: quoted, zero (a price of 0, as KIS answers an unknown
    code on the chart), missing, or rejected (its entry cannot be trusted).
    An entry for a code that was not asked is never taken for another: it
    is rejected and named in the reply's error. */
#include "kis_internal.h"
#include "eod_log.h"

#include <string.h>

#define S_CODE_KEY "inter_shrn_iscd"
#define S_PRICE_KEY "inter2_prpr"
#define S_CODE_TEXT_MAX 32   //  a code as an entry holds it, trimmed

const char *
eod_kis_mq_state_name (eod_kis_mq_state_t state)
{
    switch (state) {
    case EOD_KIS_MQ_MISSING: return "missing";
    case EOD_KIS_MQ_QUOTED: return "quoted";
    case EOD_KIS_MQ_ZERO: return "zero";
    case EOD_KIS_MQ_REJECTED: return "rejected";
    }
    return "?";
}

void
eod_kis_quotes_clear (eod_kis_quote_t *quotes, size_t n)
{
    for (size_t i = 0; quotes && i < n; i++) {
        eod_fields_clear (&quotes[i].fields);
        quotes[i].state = EOD_KIS_MQ_MISSING;
    }
}

//  What the entries of an answer did to the reply's error text.
typedef struct {
    size_t unasked;                     //  entries of codes not asked
    size_t twice;                       //  codes with more than one entry
    size_t bad;                         //  entries that are not objects or hold a value not scalar
    char first[S_CODE_TEXT_MAX + 48];   //  the first of them, for the error line
} s_tally_t;

static void
s_note (s_tally_t *tally, size_t *counter, const char *what_kind, const char *code)
{
    if (tally->unasked + tally->twice + tally->bad == 0)
        snprintf (tally->first, sizeof tally->first, "%s %s", what_kind, *code ? code : "(no code)");
    (*counter)++;
}

//  Takes one entry of output into the quote of its code.
static int
s_take_entry (const json_t *entry, const char *what, const char *const *codes, size_t ncodes, eod_kis_quote_t *quotes,
              s_tally_t *tally)
{
    char code[S_CODE_TEXT_MAX] = "";
    if (!json_is_object (entry) || kis_member_text (entry, S_CODE_KEY, code, sizeof code)) {
        eod_log_warn ("kis: %s: an entry of output is %s without %s; rejected", what, kis_json_type_name (entry),
                      S_CODE_KEY);
        s_note (tally, &tally->bad, "an entry without", S_CODE_KEY);
        return 0;
    }
    size_t i = 0;
    while (i < ncodes && strcmp (codes[i], code) != 0)
        i++;
    if (i == ncodes) {
        eod_log_warn ("kis: %s: an entry for %s, which was not asked; rejected", what, code);
        s_note (tally, &tally->unasked, "an entry for a code not asked:", code);
        return 0;
    }
    eod_kis_quote_t *quote = &quotes[i];
    if (quote->state != EOD_KIS_MQ_MISSING) {
        //  Two entries for one code: neither can be trusted over the other.
        eod_log_warn ("kis: %s: %s has more than one entry; rejected", what, code);
        eod_fields_clear (&quote->fields);
        quote->state = EOD_KIS_MQ_REJECTED;
        s_note (tally, &tally->twice, "two entries for", code);
        return 0;
    }
    const char *key;
    const json_t *v;
    json_object_foreach ((json_t *) entry, key, v)
    {
        int rc = kis_fields_add (&quote->fields, key, v);
        if (rc == -2)
            return -1;
        if (rc == -1) {
            eod_log_warn ("kis: %s: %s.%s is %s, not a string; the entry is rejected", what, code, key,
                          kis_json_type_name (v));
            eod_fields_clear (&quote->fields);
            quote->state = EOD_KIS_MQ_REJECTED;
            s_note (tally, &tally->bad, "a value not scalar in", code);
            return 0;
        }
    }
    const char *price = eod_fields_get (&quote->fields, S_PRICE_KEY);
    quote->state = price && strcmp (price, "0") == 0 ? EOD_KIS_MQ_ZERO : EOD_KIS_MQ_QUOTED;
    return 0;
}

int
kis_parse_multiquote (long http_status, const char *body, size_t len, const char *what, const char *const *codes,
                      size_t ncodes, eod_kis_quote_t *quotes, eod_kis_reply_t *r)
{
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    kis_reply_begin (r, http_status);
    eod_kis_quotes_clear (quotes, ncodes);
    s_tally_t tally = {0, 0, 0, ""};
    json_t *root = kis_load (http_status, body, len, what, r);
    if (!root || !kis_envelope_ok (http_status, root, what, true, r))
        goto out;
    const json_t *output = json_object_get (root, "output");
    if (json_is_object (output)) {
        if (s_take_entry (output, what, codes, ncodes, quotes, &tally))
            goto oom;
    }
    else if (json_is_array (output)) {
        size_t i;
        const json_t *entry;
        json_array_foreach (output, i, entry) if (s_take_entry (entry, what, codes, ncodes, quotes, &tally)) goto oom;
    }
    else {
        r->status = EOD_KIS_RETRYABLE;
        kis_set_error (r, "%s: output is %s, not an array or an object", what, kis_json_type_name (output));
        goto out;
    }
    size_t answered = 0;
    for (size_t i = 0; i < ncodes; i++)
        if (quotes[i].state == EOD_KIS_MQ_QUOTED || quotes[i].state == EOD_KIS_MQ_ZERO)
            answered++;
    size_t rejected = tally.unasked + tally.twice + tally.bad;
    //  Entries that were all rejected are a wrong answer, asked again;
    //  no entry at all is an answer.
    r->status = answered ? EOD_KIS_OK : rejected ? EOD_KIS_RETRYABLE : EOD_KIS_NODATA;
    if (rejected)
        kis_set_error (r, "%s: %zu entr%s rejected (%zu of codes not asked, %zu twice, %zu malformed), first: %s", what,
                       rejected, rejected == 1 ? "y" : "ies", tally.unasked, tally.twice, tally.bad, tally.first);
    else if (!answered)
        kis_set_error (r, "%s: no entry for any of the %zu codes", what, ncodes);
    goto out;
oom:
    r->status = EOD_KIS_RETRYABLE;
    kis_set_error (r, "%s: out of memory", what);
out:
    json_decref (root);
    if (r->status != EOD_KIS_OK && r->status != EOD_KIS_NODATA)
        eod_kis_quotes_clear (quotes, ncodes);
    return (int) r->status;
}

int
eod_kis_parse_multiquote (long http_status, const char *body, size_t len, const char *const *codes, size_t ncodes,
                          eod_kis_quote_t *quotes, eod_kis_reply_t *r)
{
    return kis_parse_multiquote (http_status, body, len, "GET intstock-multprice " KIS_TR_MULTIQUOTE, codes, ncodes,
                                 quotes, r);
}
