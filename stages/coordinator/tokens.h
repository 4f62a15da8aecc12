/*  coordinator tokens — the app keys the coordinator paces and the access
    token of each.

    Every KIS request carries an app key's access token. KIS issues a token
    per key at most once a minute (EGW00133 beyond) and a token lasts about a
    day, so the coordinator holds one per key and hands it to the fetchers
    in CREDS (dispatch.c); they never ask for one themselves. A token is
    cached on disk per key (the path of [kis] token_cache + "." + the key's
    id, mode 0600, written through a temp file and a rename) with a
    fingerprint of the app key and the base URL, so a restarted coordinator
    takes it up and a cache of another key or host is not used; a cache
    readable by group or others is ignored. A token is replaced refresh_s
    before it expires, or when the API rejected it (force), but not sooner
    than a minute after the last issue; a new one is used at least
    10 minutes, whatever expiry it names (our clock and the server's may
    disagree).

    The coordinator_key_t of a key is public: the dispatch reads its pacer,
    pause, token generation and counters. Requests go through the
    conf's http function (eod-http, a child process, in the coordinator; a
    stand-in in tests), and time through its clock. */
#ifndef COORDINATOR_TOKENS_H
#define COORDINATOR_TOKENS_H

#include "clock.h"
#include "eod_kis.h"
#include "eod_zmq.h"
#include "pacer.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define COORDINATOR_KEYS_MAX 16   //  app keys (budgets) one coordinator paces

typedef struct {
    char id[32];   //  the config section name
    char *app_key;
    char *app_secret;
    char *token;   //  NULL until one is had
    time_t expires;
    time_t last_issue;
    time_t refresh_at;           //  issue a new token from then on
    int generation;              //  bumped when the token changes
    coordinator_pacer_t pacer;   //  set up by the owner (coordinator_pacer_init), freed here
    int64_t paused_until_ms;
    long requests;
    long rate_limited;
} coordinator_key_t;

typedef struct {
    const char *base_url;               //  the API's, e.g. "https://openapi.koreainvestment.com:9443"
    const char *cache_base;             //  a key's token cache is this path + "." + its id
    long refresh_s;                     //  [kis] token_refresh_s
    long timeout_ms;                    //  of a request
    bool insecure;                      //  no TLS verification (explicit config only)
    const char *ca_file;                //  NULL or "": the system store
    eod_http_fn *http;                  //  how requests are made
    eod_stage_t *stage;                 //  where error EVENTs go (borrowed; its events socket may be NULL)
    const coordinator_clock_t *clock;   //  borrowed; NULL: coordinator_clock_real
} coordinator_tokens_conf_t;

typedef struct _coordinator_tokens_t coordinator_tokens_t;

//  Copies conf's strings. NULL when out of memory.
coordinator_tokens_t *coordinator_tokens_new (const coordinator_tokens_conf_t *conf);

//  Frees the keys (their secrets, tokens and pacers); nulls *self_p, safe
//  on NULL and twice.
void coordinator_tokens_destroy (coordinator_tokens_t **self_p);

//  Adds an app key named id (copied, like the key and secret). 0, or -1
//  when COORDINATOR_KEYS_MAX keys are held or out of memory.
int coordinator_tokens_add (coordinator_tokens_t *self, const char *id, const char *app_key, const char *app_secret);

size_t coordinator_tokens_size (const coordinator_tokens_t *self);

//  Key i (< coordinator_tokens_size), borrowed.
coordinator_key_t *coordinator_tokens_key (coordinator_tokens_t *self, size_t i);

//  The API's base URL (borrowed).
const char *coordinator_tokens_base_url (const coordinator_tokens_t *self);

//  Takes up key's cached token when the cache belongs to this key and host
//  and the token is not due for refresh; otherwise nothing (logged when the
//  cache is unsafe or unreadable).
void coordinator_tokens_load (coordinator_tokens_t *self, coordinator_key_t *key);

//  Makes sure key has a usable token: held, or issued now (at most once a
//  minute). force: the API said the token is expired (it is dropped).
//  may_wait: sleep out the one-a-minute gap and the retry delays (start-up,
//  the holiday check) rather than pause the key and return 1 (the run's
//  loop, which must keep serving fetchers). run_id names the run in an
//  error EVENT (may be ""). Returns 0, 1 (not yet: the key is paused), or
//  -1 when no token can be had (an error EVENT sent).
int coordinator_tokens_ensure (coordinator_tokens_t *self, coordinator_key_t *key, bool force, bool may_wait,
                               const char *run_id);

//  True once a token could not be had after every attempt: the API is
//  unreachable (exit code 3).
bool coordinator_tokens_unreachable (const coordinator_tokens_t *self);

//  Why a token was refused as no retry mends (bad credentials, a key of the
//  other host, the host's TLS certificate), one line for the run's stop, or
//  NULL. From then on coordinator_tokens_ensure asks no more and returns -1:
//  every request of the run would meet the same.
const char *coordinator_tokens_refusal (const coordinator_tokens_t *self);

//  The connection for a request under key (its strings borrowed from self
//  and key).
void coordinator_tokens_conn (const coordinator_tokens_t *self, const coordinator_key_t *key, eod_kis_conn_t *c);

//  The earliest instant (microseconds of the monotonic clock) the next
//  request may go under key: its pacer's due, or the end of its pause.
int64_t coordinator_key_due (const coordinator_key_t *key);

#endif
