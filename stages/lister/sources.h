/*  lister sources — the universe of a market, read from its sources.

    KR: the KOSPI and KOSDAQ master zips are downloaded (fetch.h), inflated
    and parsed a chunk at a time (common/sources/eod_master), and each record
    the [filter] of config selects (universe.h) becomes a draft. US: the
    three index articles (S&P 500, NASDAQ-100, Dow 30; tables found by their
    header row), the extra tickers file, and the exchange of each symbol from
    the KIS overseas master zips (us_universe.h); a symbol found in no master
    file is noted and left out. The counts go to the summary (LISTED's meta)
    and garbled records to the log and a warn EVENT. */
#ifndef LISTER_SOURCES_H
#define LISTER_SOURCES_H

#include <stdbool.h>

#include "codelists.h"
#include "drafts.h"
#include "eod_zmq.h"
#include "fetch.h"

//  What a listing of sources reads with and writes to.
typedef struct {
    eod_stage_t *stage;        //  config ([master], [filter], [us]) and the EVENTs; borrowed
    const char *dir;           //  where the master zips are saved (state_dir/lister)
    lister_drafts_t *drafts;   //  each selected instrument goes here
    eod_fields_t *summary;     //  counts added for LISTED's meta
    zlistx_t *absent;          //  US: "SYMBOL absent from the KIS master files" notes (strings added)
    lister_fetch_fail_t fail;  //  the worst of the downloads that failed (fetch.h)
    lister_codelists_t *snapshot;  //  every record read goes here too (codelists.h); NULL: none
} lister_sources_t;

//  Lists the KR universe into src->drafts. Returns 0, or -1 with err set
//  (a download failed, a file has no readable record, a draft could not be
//  kept).
int lister_sources_kr (lister_sources_t *src, char *err, size_t errlen);

//  Lists the US universe into src->drafts. Returns 0, or -1 with err set.
int lister_sources_us (lister_sources_t *src, char *err, size_t errlen);

#endif
