/*  lister codelists — the universe snapshot of one run: the reference
    pipeline's code lists, written as the lister reads its sources.

    Every master record goes in (all rows, as the reference's kospi_code
    and kosdaq_code files held them, not only the codes the filter keeps:
    a list that tracks index membership over time must hold the codes the
    filter leaves out too, and the filter can be applied again to it). The
    files go to DATA_DIR/codes/market=M/dt=DAY/STEM_YYYYMMDD.csv, DAY being
    the day (Seoul) the sources were downloaded, never a session the run
    asks for: each is written to a temporary name and renamed, fsynced, at
    the commit. The writer hands them to the uploader with the run's files.

    Each code's memberships ("SET\tCODE" lines, universe_diff.h) are kept
    in memory for the comparison with the previous snapshot. */
#ifndef LISTER_CODELISTS_H
#define LISTER_CODELISTS_H

#include <stdbool.h>
#include <stddef.h>

#include "codelist_columns.h"
#include "eod_master.h"
#include "us_universe.h"

//  The set of the codes a run lists (the [filter], the extra tickers).
#define LISTER_SET_UNIVERSE "universe"

typedef struct _lister_codelists_t lister_codelists_t;

//  The directory of a market's snapshot of day (YYYY-MM-DD) under data_dir
//  into out: DATA_DIR/codes/market=M/dt=DAY. 0, or -1 when the market or
//  day fails its grammar or the path is too long.
int lister_codelists_dir (const char *data_dir, const char *market, const char *day, char *out, size_t size);

//  Opens the lists of market ("kr": kospi_code, kosdaq_code; "us":
//  us_market_index, us_market_master, us_market_stock) for day under
//  data_dir, their headers written. NULL with err set.
lister_codelists_t *lister_codelists_new (const char *data_dir, const char *market, const char *day, char *err,
                                          size_t errlen);

//  Destroys the snapshot; lists not committed are removed. Safe on NULL.
void lister_codelists_destroy (lister_codelists_t **self_p);

//  One KR master record of kind (every record, kept or not); kept: the
//  [filter] selects it. 0, or -1 when a write failed (reported at commit).
int lister_codelists_kr (lister_codelists_t *self, eod_master_kind_t kind, const eod_master_record_t *rec,
                         bool kept);

//  One US .cod record, into us_market_master.
int lister_codelists_us_master (lister_codelists_t *self, const eod_cod_record_t *rec);

//  The US universe, into us_market_index (its index rows) and
//  us_market_stock (every symbol), with its memberships: the three
//  indexes, and the universe for a symbol a master file holds.
int lister_codelists_us_universe (lister_codelists_t *self, const us_universe_t *u);

//  Closes every list, fsynced, under its name. 0, or -1 with err set (the
//  lists are then removed).
int lister_codelists_commit (lister_codelists_t *self, char *err, size_t errlen);

//  The memberships so far (borrowed; "" when none) and their length.
const char *lister_codelists_members (const lister_codelists_t *self, size_t *len);

#endif
