/*  lister_fixture — what the unit tests of the lister's sending share
    (tests/unit/test_lister_send.c, test_lister_batches.c): a send that
    records a copy of each message as the wire gives it back, in place of
    the socket, and a listing of given codes made through the lister's own
    spool, code set and listing. Functions are static inline: each test
    takes what it uses. */
#ifndef LISTER_FIXTURE_H
#define LISTER_FIXTURE_H

#include "codes.h"
#include "eod_config.h"
#include "eod_test.h"
#include "listing.h"
#include "spool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURE_SENT_MAX 256

//  What went out. A test's own state may start with one (fixture_send
//  takes a pointer to it as its arg).
typedef struct {
    eod_msg_t *sent[FIXTURE_SENT_MAX];
    size_t nsent;
    size_t fail_at;   //  the send with this number fails (0: none)
} fixture_sink_t;

//  A lister_send_fn over a fixture_sink_t: the copy the strict decoder
//  makes of msg's encoding (ids and codes checked against their
//  grammars). The send numbered fail_at fails, as does one past
//  FIXTURE_SENT_MAX.
static inline int
fixture_send (void *arg, const eod_msg_t *msg)
{
    fixture_sink_t *sink = arg;
    if ((sink->fail_at && sink->nsent + 1 == sink->fail_at) || sink->nsent == FIXTURE_SENT_MAX)
        return -1;
    char *data = NULL, err[128];
    size_t len = 0;
    if (eod_msg_encode (msg, &data, &len, err, sizeof err) == 0)
        sink->sent[sink->nsent++] = eod_msg_decode (data, len, err, sizeof err);
    free (data);
    return 0;
}

//  Frees what was recorded and clears the sink.
static inline void
fixture_sink_forget (fixture_sink_t *sink)
{
    for (size_t i = 0; i < sink->nsent; i++)
        eod_msg_destroy (&sink->sent[i]);
    memset (sink, 0, sizeof *sink);
}

//  The listing of job (borrowed) in dir: one TASK per code of codes[0..n)
//  in that order, its task id the code, over job's market, mode and dates;
//  codes of at most width bytes; its LISTED made. NULL (a failed check)
//  when it cannot be made.
static inline lister_listing_t *
fixture_listing (eod_config_t *cfg, const char *dir, const eod_msg_t *job, const char *const *codes, size_t n,
                 size_t width)
{
    char path[256], err[256] = "";
    snprintf (path, sizeof path, "%s/raw", dir);
    lister_spool_t *raw = lister_spool_new (path);
    lister_codes_t *set = lister_codes_new (width);
    for (size_t i = 0; i < n; i++) {
        eod_msg_t *t = eod_msg_new (EOD_MSG_TASK);
        eod_msg_set (&t->run_id, job->run_id);
        eod_msg_set (&t->task_id, codes[i]);
        eod_msg_set (&t->market, job->market);
        eod_msg_set (&t->mode, job->mode);
        eod_msg_set (&t->date_from, job->date_from);
        eod_msg_set (&t->date_to, job->date_to);
        eod_msg_set (&t->code, codes[i]);
        lister_spool_append (raw, t);
        lister_codes_add (set, codes[i]);
        eod_msg_destroy (&t);
    }
    lister_listing_t *listing = lister_listing_new (cfg, dir, job, raw, set, width, err, sizeof err);
    CHECK (listing != NULL);
    lister_spool_destroy (&raw);
    lister_codes_destroy (&set);
    eod_fields_t summary = EOD_FIELDS_INIT;
    zlistx_t *absent = zlistx_new ();
    if (listing)
        lister_listing_make_listed (listing, job, &summary, absent);
    zlistx_destroy (&absent);
    return listing;
}

#endif
