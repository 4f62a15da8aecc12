/*  sim_master_gen — the KR instruments eod-sim lists, generated from the seed
    alone at start: KOSPI common stocks (with financial names the KOSPI name
    rule must catch), preferred shares, ETFs, REITs, infra funds, SPACs and a
    few MF/DR/FS rows; KOSDAQ common stocks with caps skewed small, SPACs and
    a few ETFs; a handful of new-style alphanumeric codes per market; small
    caps flagged KRX300/KOSDAQ150 anyway. sim_master holds the result. */
#ifndef SIM_MASTER_GEN_H
#define SIM_MASTER_GEN_H

#include "sim_master.h"

//  A growable array of instruments.
typedef struct {
    sim_instrument_t *items;
    size_t count, cap;
} sim_master_list_t;

//  Appends the generated instruments of both markets to list, in generation
//  order; base_ymd (today) bounds the listing dates, extra adds that many
//  KOSDAQ stocks above the selection threshold after everything else (so the
//  default universe stays the same). 0, or -1 when out of memory; list.items
//  is the caller's to free either way.
int sim_master_generate (sim_master_list_t *list, uint64_t seed, int base_ymd, int extra);

#endif
