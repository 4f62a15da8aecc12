/*  lister send — the listing to the coordinator, and its confirmation.

    The listing is streamed to the coordinator one TASK per code and chunk
    of sessions (listing.h), through a bounded pipe: a send waits while the
    pipe is full, and when the coordinator reads nothing for
    LISTER_SEND_TIMEOUT_MS the rest is left to the confirmation. The sending
    itself is the caller's (lister_send_fn), so what goes out in which order
    is decided here without a socket.

    The confirmation: after its END, a lister run with --once asks the
    coordinator's REQ/REP service whether the whole listing and END arrived
    (LISTING_ASK, lister_send_ask) and sends again what it lacks: task
    ids are deterministic, so a TASK sent twice is a no-op there. */
#ifndef LISTER_SEND_H
#define LISTER_SEND_H

#include "eod_zmq.h"
#include "listing.h"

//  How long one send waits for the coordinator to read before the listing
//  is given up to the confirmation (longer than a restart of the coordinator
//  by its launcher).
#define LISTER_SEND_TIMEOUT_MS 60000

//  Room for a count or flag of the coordinator's answer.
#define LISTER_STATUS_FIELD_MAX 32

//  Sends msg to the coordinator. 0, or -1 when it did not go out (the
//  coordinator read nothing in time, or the lister was told to stop).
typedef int (lister_send_fn) (void *arg, const eod_msg_t *msg);

//  What the coordinator holds of a listing, as it answered: TASKs it has,
//  whether LISTED and END came ("1" or "0").
typedef struct {
    char tasks[LISTER_STATUS_FIELD_MAX];
    char listed[LISTER_STATUS_FIELD_MAX];
    char ended[LISTER_STATUS_FIELD_MAX];
} lister_status_t;

//  Asks the coordinator what it holds of the run of listed. 0 with *status
//  filled, or -1 when it does not answer (its run is over).
typedef int (lister_ask_fn) (void *arg, const eod_msg_t *listed, lister_status_t *status);

//  Sends one TASK per draft and chunk of the listing through send (none for
//  the fast close), then its BATCHes (batches.h), the drafts streamed from
//  its spool. Stops at the first message that does not go out (logged, with
//  how many did). Returns 0 when every one went out (or there were none),
//  -1 otherwise.
int lister_send_tasks (lister_listing_t *listing, lister_send_fn *send, void *arg);

//  Confirms the listing after end was sent: asks (ask) until the
//  coordinator has every TASK, LISTED and END, and sends the TASKs, LISTED
//  and end again (send) when it lacks some and its figures no longer move,
//  up to a bounded number of rounds. Returns when confirmed, when the
//  coordinator no longer answers, or when the lister is told to stop. Does
//  nothing for a listing without LISTED (the listing failed).
void lister_send_confirm (lister_listing_t *listing, const eod_msg_t *end, lister_ask_fn *ask, lister_send_fn *send,
                          void *arg);

//  The lister_ask_fn of a running lister: a LISTING_ASK on
//  the coordinator's service endpoint (endpoints:service), a REQ socket made
//  for the one question. Logs when no answer comes in time.
int lister_send_ask (eod_stage_t *stage, const eod_msg_t *listed, lister_status_t *status);

#endif
