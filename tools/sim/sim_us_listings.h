/*  sim_us_listings — what the three US .cod files list, made at start: every
    index member of sim_wiki that is not deliberately absent (Nasdaq members
    on NAS, the rest on NYS), the extra tickers of config/us_extra_tickers.txt
    (NYSE Arca ETFs under AMS, as KIS lists them), then generated filler
    listings (names, symbols, ETF share per exchange) up to each exchange's
    size; prices and volumes anchored per (seed, symbol). Also the universe
    eod-lister is expected to find: the members and extra tickers in KIS
    form. */
#ifndef SIM_US_LISTINGS_H
#define SIM_US_LISTINGS_H

#include "sim_us.h"

//  A growable array of listings.
typedef struct {
    sim_us_listing_t *items;
    size_t count, cap;
} sim_us_list_t;

//  One symbol of the universe.
typedef struct {
    char symbol[SIM_US_SYMBOL_MAX];   //  KIS form
    bool absent;                      //  in no master file
} sim_us_member_t;

//  Appends every listing to list, in generation order. 0, or -1 when no
//  free symbol could be found or memory ran out (logged); list.items is the
//  caller's to free either way.
int sim_us_listings_generate (sim_us_list_t *list, uint64_t seed, const sim_wiki_t *wiki);
//  The universe (*out_p, caller frees; *count_p entries): every index member
//  and extra ticker once, in KIS form, sorted by symbol. 0, or -1 when out of
//  memory.
int sim_us_universe_make (const sim_wiki_t *wiki, sim_us_member_t **out_p, size_t *count_p);

#endif
