/*  sim_us — the US side of the KIS double: the overseas daily price
    HHDFS76240000 (dailyprice), the overseas master files nasmst/nysmst/amsmst
    .cod.zip, and GET /_sim/universe/us.

    sim_us.c           the XNYS sessions (eod_cal), the listings sorted by
                       symbol, the universe, and the three .cod files as
                       reference/kis-open-api.md §6.3 describes them:
                       TAB-separated, CP949, 24 columns, no header row,
                       sorted by symbol (so the first NYS record is A,
                       Agilent, which parsers that eat a header line lose);
    sim_us_listings.c  the listings: the index members of sim_wiki, the
                       extra tickers, and generated filler so each exchange
                       looks like the real file; class shares in KIS form
                       (BRK/B); a few index members deliberately in no file;
    sim_us_daily.c     the daily prices: a deterministic walk per (seed,
                       symbol) over the XNYS sessions from 2000-01-03 on.
    Read-only once made: every function is thread-safe. */
#ifndef SIM_US_H
#define SIM_US_H

#include "sim.h"
#include "sim_wiki.h"

#define SIM_US_SYMBOL_MAX 16
#define SIM_US_NAME_MAX 96

enum {
    SIM_US_NAS,
    SIM_US_NYS,
    SIM_US_AMS,
    SIM_US_EXCHANGES
};

//  One exchange as KIS names it.
typedef struct {
    const char *excd;
    const char *exid;
    const char *name;    //  exnm, UTF-8 (CP949 in the file)
    const char *file;    //  served as <file>.zip
    const char *entry;   //  the one entry inside
    int target;          //  records in the file, filler included
} sim_us_exchange_t;

//  Indexed by SIM_US_NAS ...
extern const sim_us_exchange_t sim_us_exchanges[SIM_US_EXCHANGES];

//  One listing of a .cod file (and of the price endpoint).
typedef struct {
    char symbol[SIM_US_SYMBOL_MAX];   //  KIS form: BRK/B
    int exchange;
    char korean[SIM_US_NAME_MAX];    //  UTF-8
    char english[SIM_US_NAME_MAX];   //  upper-case ASCII
    int type;                        //  2 stock, 3 ETF
    int icod;
    double base;     //  the walk's anchor price, USD
    double volume;   //  typical shares per day
    bool unknown;    //  the price endpoint says unknown
} sim_us_listing_t;

//  --- sim_us.c --------------------------------------------------------------------

//  Builds the US side from the wiki's members and the extra tickers: the
//  NAS/NYS/AMS master files (with generated filler listings), the XNYS
//  sessions from eod_cal (calendar_dir), and marks the first unknown_n
//  universe symbols that are in a master file as unknown to the price
//  endpoint. NULL on failure (logged).
sim_us_t *sim_us_new (uint64_t seed, const sim_wiki_t *wiki, const char *calendar_dir, int unknown_n);
void sim_us_destroy (sim_us_t **self_p);
//  The listing of a symbol in KIS form, or NULL (borrowed).
const sim_us_listing_t *sim_us_find (const sim_us_t *self, const char *symbol);
//  True when XNYS trades on that day number (known from 2000 to 2099).
bool sim_us_session (const sim_us_t *self, int32_t days);
//  The --seed the listings and prices come from.
uint64_t sim_us_seed (const sim_us_t *self);
//  GET /common/master/{nas,nys,ams}mst.cod.zip.
void sim_us_master (sim_t *self, sim_request_t *req, sim_response_t *resp);
//  GET /_sim/universe/us.
void sim_us_universe (sim_t *self, sim_request_t *req, sim_response_t *resp);

//  --- sim_us_daily.c -------------------------------------------------------------

//  GET /uapi/overseas-price/v1/quotations/dailyprice (HHDFS76240000) once the
//  common checks passed: validates the query and answers the rows.
void sim_us_daily (sim_t *self, sim_request_t *req, sim_response_t *resp);

#endif
