/*  lister listing — what one JOB lists, kept until the coordinator confirms
    it.

    Made from the raw drafts the sources left (drafts.h): the first of a code
    met twice is kept, the sorted codes are hashed into the run id
    (run_id.h), a --codes file narrows the listing, and each draft kept is
    spooled again with the run id (state_dir/lister/listing.spool). The
    job's dates become chunks of sessions: the day itself, or a backfill's
    sessions (the exchange calendar) in chunks of at most 100, the most one
    KIS request returns. Each code gets one TASK per chunk, made from its
    draft as it is sent (send.h), so a 10-year backfill (25 chunks) holds no
    TASK in memory. LISTED carries the count of TASKs and the sources'
    summary; the listing keeps it for the confirmation. */
#ifndef LISTER_LISTING_H
#define LISTER_LISTING_H

#include <czmq.h>
#include <stddef.h>

#include "codes.h"
#include "eod_config.h"
#include "eod_proto.h"
#include "spool.h"

typedef struct _lister_listing_t lister_listing_t;

//  Makes the listing of job from the drafts in raw, whose codes are all in
//  codes (sorted here, and claimed in the order of raw). The listing spool
//  goes to dir; width is the slot width of a code of the market (codes.h),
//  for the codes file; cfg gives the calendar directory. Returns the
//  listing (the caller's to destroy), or NULL with err set.
lister_listing_t *lister_listing_new (const eod_config_t *cfg, const char *dir, const eod_msg_t *job,
                                      lister_spool_t *raw, lister_codes_t *codes, size_t width, char *err,
                                      size_t errlen);

//  Destroys the listing (its spool file removed) and nulls *self_p; safe on
//  NULL and twice.
void lister_listing_destroy (lister_listing_t **self_p);

//  The run id (borrowed).
const char *lister_listing_run_id (const lister_listing_t *self);

//  Messages listed: TASKs (drafts times chunks; none for the fast close)
//  and BATCHes (batches.h); 0 when the sessions of a backfill could not be
//  enumerated (logged when made).
long lister_listing_count (const lister_listing_t *self);

//  What the listing sends besides its drafts: TASKs or not, BATCHes
//  (batches.h), borrowed.
struct lister_batches_plan_s;
const struct lister_batches_plan_s *lister_listing_plan (const lister_listing_t *self);

//  The drafts with their run id (borrowed), one a code.
lister_spool_t *lister_listing_drafts (lister_listing_t *self);

//  The chunks (borrowed), each "YYYY-MM-DD YYYY-MM-DD"; NULL when the
//  sessions could not be enumerated.
zlistx_t *lister_listing_chunks (lister_listing_t *self);

//  Makes the LISTED of the listing: job's market, mode and dates, the run
//  id, the count, summary and the cross-check's plan (batches.h) in meta and each note of absent (strings) in its
//  list. The listing keeps it; returns it borrowed, or NULL when out of
//  memory.
const eod_msg_t *lister_listing_make_listed (lister_listing_t *self, const eod_msg_t *job, const eod_fields_t *summary,
                                             zlistx_t *absent);

//  The LISTED made, or NULL before lister_listing_make_listed.
const eod_msg_t *lister_listing_listed (const lister_listing_t *self);

#endif
