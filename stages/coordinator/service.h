/*  coordinator service — the answers of the coordinator's REP socket.

    Two stages ask the coordinator something and wait for the answer:
    - the calendar gate asks whether the market is open on the days of a
      range (HOLIDAY_ASK, date_from and date_to YYYY-MM-DD): KIS chk-holiday
      answers, under the first app key's budget and token, at most once a
      day; the answer is cached at STATE/kis_holidays.json. The reply is a
      HOLIDAYS whose days map each day YYYYMMDD to "Y" (open) or "N", with
      status "failed" and the error when KIS could not tell;
    - the lister asks whether its whole listing arrived (LISTING_ASK,
      run_id): the reply, a LISTING, says how many of the run's tasks are
      held (count), whether its LISTED came (listed) and whether its END came
      or the run is over (ended). What it is told arrived is on disk first
      (the listing callback makes it so).
    Anything else, and a HOLIDAY_ASK whose dates are not dates, is answered
    with a REFUSED that says why. */
#ifndef COORDINATOR_SERVICE_H
#define COORDINATOR_SERVICE_H

#include "clock.h"
#include "eod_proto.h"
#include "tokens.h"

#include <stdbool.h>

//  What of a run's listing arrived.
typedef struct {
    long tasks;    //  the run's tasks held
    bool listed;   //  its LISTED came
    bool ended;    //  its END came, or the run is over
} coordinator_listing_t;

//  Fills *out for run_id (may be NULL: no run), having made it durable.
typedef void (coordinator_listing_fn) (const char *run_id, coordinator_listing_t *out, void *arg);

typedef struct {
    const char *state_dir;              //  where the holiday answer is cached
    coordinator_tokens_t *tokens;       //  the first key's budget and token (borrowed)
    const char *run_id;                 //  the caller's buffer of the current run's id, for EVENTs
    const coordinator_clock_t *clock;   //  borrowed; NULL: coordinator_clock_real
    coordinator_listing_fn *listing;
    void *listing_arg;
} coordinator_service_conf_t;

typedef struct _coordinator_service_t coordinator_service_t;

//  Copies conf's state_dir. NULL when out of memory.
coordinator_service_t *coordinator_service_new (const coordinator_service_conf_t *conf);

//  Nulls *self_p; safe on NULL and twice.
void coordinator_service_destroy (coordinator_service_t **self_p);

//  The reply to req (NULL: a request that did not decode), the caller's to
//  send and destroy. The requests made to KIS are added to *requests (the
//  run's count). Asking KIS may wait for the first key's pacer and, at most
//  once a minute, for a token.
eod_msg_t *coordinator_service_answer (coordinator_service_t *self, const eod_msg_t *req, long *requests);

#endif
