/*  sim_master — the KIS master-file host double eod-lister downloads from.

    At start it generates, from the seed alone, a realistic KOSPI and KOSDAQ
    listing (sim_master_gen), writes it in KIS's fixed-width CP949 layout
    (sim_mst) and zips it in memory as kospi_code.mst.zip and
    kosdaq_code.mst.zip. The chart endpoint looks instruments up here (name,
    base price, shares), and GET /_sim/universe/kr answers which codes the
    DESIGN's default filter selects, computed from the generation data rather
    than parsed back. Read-only once made: every function is thread-safe. */
#ifndef SIM_MASTER_H
#define SIM_MASTER_H

#include "sim.h"

#define SIM_CAP_SELECT 4000   //  억원: the DESIGN's default threshold

//  One generated instrument (what the master files hold, as decoded values).
typedef struct {
    char code[8];
    char isin[16];
    char name[128];   //  UTF-8
    char group[3];
    bool kosdaq;
    bool spac;
    bool preferred;
    bool krx300;
    bool kosdaq150;
    bool selected;          //  the default universe filter picks it
    bool unknown;           //  answers as unknown on the chart
    long long cap;          //  market cap, 억원
    long long base_price;   //  KRW
    long long shares_k;     //  listed shares, thousands
    long long face;         //  face value, KRW
    int listed_ymd;
    long long sales, op_profit, ord_profit, net_income;
    double roe;
} sim_instrument_t;

//  Generates both markets from seed (base_ymd: today, extra: --kosdaq-extra);
//  garble extra bad KOSDAQ records; marks the first unknown_n selected
//  KOSDAQ codes unknown. NULL on failure (logged).
sim_master_t *sim_master_new (uint64_t seed, int garble, int unknown_n, int base_ymd, int extra);
void sim_master_destroy (sim_master_t **self_p);
//  The instrument with that code or NULL (borrowed; read-only, thread-safe).
const sim_instrument_t *sim_master_find (const sim_master_t *self, const char *code);
//  Every instrument in turn: i from 0 to count - 1 (borrowed).
size_t sim_master_count (const sim_master_t *self);
const sim_instrument_t *sim_master_at (const sim_master_t *self, size_t i);
//  GET /common/master/{kospi,kosdaq}_code.mst.zip (404 for other names).
void sim_master_serve (sim_t *self, sim_request_t *req, sim_response_t *resp);
//  GET /_sim/universe/kr: {"kospi": [...], "kosdaq": [...], "unknown": [...]}.
void sim_master_universe (sim_t *self, sim_request_t *req, sim_response_t *resp);

#endif
