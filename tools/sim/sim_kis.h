/*  sim_kis — the KIS Open API double eod-coordinator and eod-fetcher talk to.
    Behaviour follows reference/kis-open-api.md §2–5 and §8.

    sim_kis.c        the app keys' state: tokens and POST /oauth2/tokenP
                     (6-hour reuse, 1-per-minute issuance, JWT-shaped tokens
                     on the sim's clock) and the per-app-key sliding-log
                     limiter behind EGW00201;
    sim_kis_gate.c   the common path every data endpoint takes (network
                     jitter, the limiter, server latency, the injected faults,
                     credentials, tr_id), and the overseas daily price
                     HHDFS76240000 on it (sim_us answers the query);
    sim_kis_chart.c  the daily chart FHKST03010100, prices from sim_kr_walk;
    sim_kis_holiday.c  chk-holiday CTCA0903R from the XKRX closed days;
    sim_kis_multi.c  the multi-stock quote FHKST11300006, the chart's bars
                     as of the clock, with its variants (--mq-*). */
#ifndef SIM_KIS_H
#define SIM_KIS_H

#include "sim.h"

#define SIM_KIS_MSG_OK "정상처리 되었습니다."
#define SIM_KIS_MSG_BAD_KEY "유효하지 않은 AppKey입니다."
#define SIM_KIS_MSG_BAD_SECRET "유효하지 않은 AppSecret입니다."

//  --- sim_kis.c: app keys, the limiter, tokens ------------------------------

sim_kis_t *sim_kis_new (void);
//  Frees the tokens and keys, and the chart's walk checkpoints with them.
void sim_kis_destroy (sim_kis_t **self_p);
//  Clears the per-key maxima kept with the limiter (after /_sim/reset).
void sim_kis_reset_locked (sim_kis_t *self);
//  POST /oauth2/tokenP.
void sim_kis_token (sim_t *self, sim_request_t *req, sim_response_t *resp);
//  The configured app of appkey (NULL appkey allowed), or NULL (borrowed).
const sim_app_t *sim_kis_app (sim_t *self, const char *appkey);
//  Counts a data request of appkey (NULL or "" is the shared key "-") that
//  arrived at arrival (monotonic ns) in its key's sliding log, records the
//  window and span stats, and fires --fault-token-expire-after once the key
//  made that many requests. Returns how many arrivals, this one included,
//  fall in the last second (0 when out of memory). The caller holds the lock.
size_t sim_kis_arrive_locked (sim_t *self, const char *appkey, int64_t arrival);

typedef enum {
    SIM_KIS_TOKEN_GOOD,
    SIM_KIS_TOKEN_UNKNOWN,                   //  never issued to appkey, or no "Bearer "
    SIM_KIS_TOKEN_EXPIRED
} sim_kis_token_state_t;

//  What the authorization header auth ("Bearer <token>", NULL allowed) is
//  worth for appkey on the sim's clock. Takes the lock itself.
sim_kis_token_state_t sim_kis_token_state (sim_t *self, const char *appkey, const char *auth);

//  --- sim_kis_gate.c: the common path of data endpoints ----------------------

//  What the common path left for the endpoint's own answer.
typedef struct {
    bool badjson;                            //  truncate the answer (fault)
    const char *tr_id;
    int units;                               //  limiter arrivals the request counts as (0: one)
} sim_kis_data_t;

//  Network, limiter, server time, faults, credentials and tr_id, in the
//  order a real request meets them, for a request counted under endpoint in
//  the stats. True when the handler should build its answer; false when
//  resp already holds the (error or fault) answer. Either way the handler
//  ends with sim_kis_data_end. data is the caller's, zeroed.
bool sim_kis_data_begin (sim_t *self, sim_request_t *req, sim_response_t *resp,
                         const char *endpoint, const char *tr_expected, sim_kis_data_t *data);
//  Applies a pending cut: a reset sends part of the body then closes, a bad
//  JSON answer is the first half of the document with status 200.
void sim_kis_data_end (sim_response_t *resp, const sim_kis_data_t *data);
//  GET /uapi/overseas-price/v1/quotations/dailyprice: the common path, then
//  sim_us_daily.
void sim_kis_overseas_daily (sim_t *self, sim_request_t *req, sim_response_t *resp);

//  --- sim_kis_chart.c, sim_kis_holiday.c, sim_kis_multi.c ----------------------

//  GET .../inquire-daily-itemchartprice (FHKST03010100).
void sim_kis_chart (sim_t *self, sim_request_t *req, sim_response_t *resp);
//  GET .../chk-holiday (CTCA0903R): pages of 24 days from BASS_DT or after
//  the day in CTX_AREA_NK.
void sim_kis_holiday (sim_t *self, sim_request_t *req, sim_response_t *resp);
//  GET .../intstock-multprice (FHKST11300006): the quote of up to 30 codes
//  as of the sim's clock, the same bars the chart answers.
void sim_kis_multi (sim_t *self, sim_request_t *req, sim_response_t *resp);

#endif
