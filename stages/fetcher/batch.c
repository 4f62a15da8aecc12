/*  fetcher batch — see batch.h. */
#include "batch.h"
#include "eod_date.h"
#include "eod_kis.h"

#include <string.h>

eod_msg_t *
fetcher_batch (const eod_msg_t *batch, const eod_msg_t *creds, const fetcher_batch_conf_t *conf)
{
    eod_msg_t *quotes = eod_msg_new (EOD_MSG_QUOTES);
    eod_kis_quote_t got[EOD_KIS_MQ_MAX];
    memset (got, 0, sizeof got);
    size_t ncodes = batch->nlist <= EOD_KIS_MQ_MAX ? batch->nlist : 0;
    if (!quotes)
        return NULL;
    eod_msg_set (&quotes->run_id, batch->run_id);
    eod_msg_set (&quotes->task_id, batch->task_id);
    eod_msg_set (&quotes->market, batch->market);
    eod_msg_set (&quotes->date_from, batch->date_from);
    quotes->attempt = batch->attempt;
    for (size_t i = 0; i < batch->nlist; i++)
        eod_msg_add_list (quotes, batch->list[i]);
    //  The moment of the request decides which session the quote is of.
    quotes->asked_at = (int64_t) (conf->now ? conf->now () : eod_now ());
    eod_date_t session;
    eod_market_t market;
    eod_quote_window_verdict_t verdict = EOD_QUOTE_WINDOW_CALENDAR;
    if (eod_date_parse (batch->date_from, &session) == 0 && eod_market_parse (batch->market, &market) == 0)
        verdict = eod_quote_window_check (conf->window, conf->cal, market, session, (time_t) quotes->asked_at);
    if (verdict != EOD_QUOTE_WINDOW_OPEN) {
        eod_msg_set (&quotes->status, FETCHER_BATCH_SKIPPED);
        eod_msg_set (&quotes->msg_cd, FETCHER_BATCH_CODE_WINDOW);
        eod_msg_set (&quotes->error, eod_quote_window_reason (verdict));
        return quotes;
    }
    eod_kis_conn_t c = fetcher_fetch_conn (creds, &conf->fetch);
    eod_kis_reply_t r;
    memset (&r, 0, sizeof r);
    quotes->requests = 1;
    int status = eod_kis_multiquote (&c, creds->token, (const char *const *) batch->list, ncodes, got, &r);
    quotes->sent_us = r.sent_us;
    eod_msg_set (&quotes->status, fetcher_fetch_status_name (status));
    if (status != EOD_KIS_OK && status != EOD_KIS_NODATA) {
        eod_msg_set (&quotes->msg_cd, r.msg_cd);
        eod_msg_set (&quotes->error, r.error[0] ? r.error : r.msg1);
        goto out;
    }
    for (size_t i = 0; i < ncodes; i++) {
        if (got[i].state == EOD_KIS_MQ_QUOTED)
            eod_msg_add_row (quotes, &got[i].fields);
        else
            eod_fields_set (&quotes->meta, batch->list[i], eod_kis_mq_state_name (got[i].state));
    }
    if (r.error[0])
        eod_msg_set (&quotes->error, r.error);
out:
    eod_kis_quotes_clear (got, ncodes);
    return quotes;
}
