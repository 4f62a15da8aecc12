/*  lister — the universe stage.

    On a JOB it downloads the day's master files, unzips them (libzip),
    converts CP949 to UTF-8, parses the fixed-width records and keeps what the
    filter in config selects, then sends one TASK per instrument and a LISTED
    with the count to the coordinator. The run id is a hash of market, mode,
    date range and the universe (run_id.h), so listing the same day twice is
    harmless.

    Its memory does not grow with the universe: the master zips are saved
    under state_dir/lister/ and parsed a chunk at a time (sources.h), the
    TASK drafts wait in a spool file there (spool.h), only the codes stay in
    memory (codes.h), and the pipe to the coordinator is bounded (send.h).

    The lister class owns the sockets and wires the parts; the parts are
    tested without it. */
#ifndef LISTER_H
#define LISTER_H

#include "codes.h"
#include "eod_zmq.h"
#include "run_id.h"   //  the name a listing goes by: part of what the lister promises

typedef struct _lister_t lister_t;

//  A lister on stage (borrowed): binds endpoints:lister (JOB, END in) and
//  connects endpoints:coordinator (TASK, LISTED, END out). With once, it
//  ends after its first END, once the listing is confirmed. NULL (logged)
//  when a socket cannot be made.
lister_t *lister_new (eod_stage_t *stage, bool once);

//  Closes the sockets, drops the last listing, nulls *self_p; safe on NULL
//  and twice.
void lister_destroy (lister_t **self_p);

//  Runs until interrupted (or, with once, its first END). Returns the exit
//  code: 0, 3 when a source could not be downloaded, 4 when a listing
//  failed otherwise.
int lister_run (lister_t *self);

#endif
