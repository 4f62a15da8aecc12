/*  lister drafts — where a listing's instruments go as the sources are read.

    Each instrument the filter selects becomes a TASK draft: the job's
    market, mode, dates and run id, the instrument's code, exchange and name,
    and its master-file values in meta (the writer's extra CSV columns). The
    draft is encoded to the raw spool (spool.h) and its code added to the set
    of codes (codes.h), so nothing per instrument stays in memory; listing.h
    then makes the listing of them. One message is reused for every draft.

    Use: lister_drafts_next, fill the draft it returns, lister_drafts_add. */
#ifndef LISTER_DRAFTS_H
#define LISTER_DRAFTS_H

#include <stdbool.h>

#include "codes.h"
#include "eod_proto.h"
#include "spool.h"

typedef struct _lister_drafts_t lister_drafts_t;

//  Drafts of job's instruments into spool and codes (both borrowed: they
//  must outlive the drafts). NULL when out of memory.
lister_drafts_t *lister_drafts_new (const eod_msg_t *job, lister_spool_t *spool, lister_codes_t *codes);

//  Frees the reused draft and nulls *self_p; safe on NULL and twice.
void lister_drafts_destroy (lister_drafts_t **self_p);

//  The draft to fill for the next instrument (borrowed), its code,
//  exchange, name and meta cleared.
eod_msg_t *lister_drafts_next (lister_drafts_t *self);

//  Keeps the draft filled since lister_drafts_next: spooled, its code added
//  to the codes (its task id is its code until the listing names it).
//  Returns 0; 1 (logged) when its code is not a code of the job's market
//  (eod_grammar_code_ok), which is not listed; -1 (logged) when it cannot be
//  spooled or its code kept.
int lister_drafts_add (lister_drafts_t *self);

//  True once a draft could not be kept.
bool lister_drafts_failed (const lister_drafts_t *self);

#endif
