/*  lister batches — the multi-stock quote batches of a listing.

    A daily KR run is cross-checked (the writer compares each row with the
    multi-stock quote, FHKST11300006) unless the JOB says off (meta
    cross_check = off: `launch/eod run --no-cross-check`), [multiquote]
    cross_check is false, [kis] env is test (the mock host), or the quote's
    window for its session is over when it is listed (eod_quote_window: a
    quote asked from then on is of a later session, so every batch would be
    paced, a permit of the key's budget each, and answered skipped). The
    fast close (mode close) has the quotes as its rows: BATCHes only, no
    TASK. Which one a run is goes on LISTED's meta (cross_check: on, off
    (flag), off (config), mock host, off (window); batches: how many).

    A BATCH holds [multiquote] batch_size codes of the run in the order they
    are listed (the last may hold fewer), numbered from 00001:
    kr-mq-YYYYMMDD-NNNNN, YYYYMMDD the session; date_from = date_to = the
    session. The codes are read from the listing's spool as it is sent, so
    nothing per code stays in memory. */
#ifndef LISTER_BATCHES_H
#define LISTER_BATCHES_H

#include "eod_config.h"
#include "eod_proto.h"
#include "send.h"
#include "spool.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

//  LISTED meta keys.
#define LISTER_META_CROSS_CHECK "cross_check"
#define LISTER_META_BATCHES "batches"
//  JOB meta cross_check's value that turns it off for one run.
#define LISTER_CROSS_CHECK_OFF "off"

//  What a run of job sends: TASKs (false for the fast close) and BATCHes of
//  size codes (0: none), and the cross-check's state for LISTED (NULL: not a
//  run that could be cross-checked, nothing said).
typedef struct lister_batches_plan_s {
    bool tasks;
    size_t size;
    const char *cross_check;
} lister_batches_plan_t;

//  The plan of job under cfg ([multiquote] cross_check, batch_size; [kis]
//  env); window_over: the quote's window of the job's session is over
//  (lister_batches_window_over).
lister_batches_plan_t lister_batches_plan (const eod_config_t *cfg, const eod_msg_t *job, bool window_over);

//  Whether, at now, the multi-quote's window of a daily KR job's session is
//  over for good ([multiquote] window_start, window_end, [kis] timeout_ms,
//  the calendar tables of [pipeline] calendar_dir): false for any other job,
//  and when the calendar cannot say (the fetcher asks again per batch).
bool lister_batches_window_over (const eod_config_t *cfg, const eod_msg_t *job, time_t now);

//  BATCHes of ncodes codes in batches of size (0: none).
long lister_batches_count (size_t ncodes, size_t size);

//  Sends the BATCHes of the drafts (one TASK draft a code, with the run id,
//  market and session) through send, size codes each. Returns 0 when every
//  BATCH went out (or there were none), -1 at the first that did not
//  (logged) or when the drafts cannot be read.
int lister_batches_send (lister_spool_t *drafts, size_t size, lister_send_fn *send, void *arg);

//  Puts the plan's cross_check and the number of batches of ncodes codes in
//  meta.
void lister_batches_note (const lister_batches_plan_t *plan, size_t ncodes, eod_fields_t *meta);

#endif
