/*  sim_wiki — the Wikipedia double eod-lister reads the US universe from.

    It holds the constituent data of the three indexes the US side tracks (S&P
    500, NASDAQ-100, Dow Jones Industrial Average: symbol, name, GICS sector,
    listing exchange, index membership; sim_wiki_members.c) and renders, once
    at start, the three articles (sim_wiki_pages.c) as HTML shaped like the
    real ones where it matters to a parser. The pages do not depend on --seed.
    sim_us builds the master files and the price data from the same member
    list, and GET /_sim/universe/us answers from it. Pages are served at
    /wiki/<title>, percent-encoded or not; a request without a User-Agent
    gets 403 as Wikimedia's policy asks. Read-only once made. */
#ifndef SIM_WIKI_H
#define SIM_WIKI_H

#include "sim.h"

#define SIM_WIKI_SEED 0x3b1d   //  page details (HQ, CIK, dates) ignore --seed

//  The three articles, in the order sim_wiki_new renders them.
enum {
    SIM_WIKI_SP500,
    SIM_WIKI_NDX,
    SIM_WIKI_DOW,
    SIM_WIKI_PAGES
};

//  One index constituent as the articles list it. Strings are borrowed from
//  the sim_wiki_t and live as long as it.
typedef struct {
    const char *symbol;         //  Wikipedia spelling: BRK.B
    const char *name;           //  the article's Security / Company
    const char *korean;         //  Korean name, "" when the data has none
    const char *sector;         //  GICS sector
    const char *sub_industry;   //  GICS sub-industry
    const char *industry;       //  the Dow article's plain-words industry
    bool nasdaq;                //  listed on Nasdaq (else NYSE)
    bool sp500, ndx, dow;
    bool absent;   //  deliberately in no KIS master file
} sim_wiki_member_t;

//  --- sim_wiki.c ---------------------------------------------------------------

//  Loads the constituent table and renders the three articles. NULL when out
//  of memory (logged).
sim_wiki_t *sim_wiki_new (void);
void sim_wiki_destroy (sim_wiki_t **self_p);
size_t sim_wiki_count (const sim_wiki_t *self);
//  The index-th member (borrowed) or NULL past the end.
const sim_wiki_member_t *sim_wiki_member (const sim_wiki_t *self, size_t index);
//  GET /wiki/<title>: the three articles, 404 for other titles, 403 without
//  a User-Agent header.
void sim_wiki_serve (sim_t *self, sim_request_t *req, sim_response_t *resp);

//  --- sim_wiki_members.c ---------------------------------------------------------

//  The constituents, one "symbol|name|sector|exchange|flags|korean|sub-industry"
//  line each, NULL-terminated (see the file for the codes).
extern const char *const sim_wiki_member_lines[];

//  --- sim_wiki_pages.c -----------------------------------------------------------

//  The HTML of article page (SIM_WIKI_SP500 ..) over self's members (caller
//  frees) and its length, or NULL when out of memory.
char *sim_wiki_render (const sim_wiki_t *self, int page, size_t *len);

#endif
