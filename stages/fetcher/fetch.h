/*  fetcher fetch — one TASK's request to the KIS API, and its RESULT.

    A fetcher makes exactly one request per TASK it is sent: the domestic
    daily chart for a KR code, the overseas daily price for a US symbol. The
    RESULT carries the rows of the task's range, or the error classified as
    the KIS client classified it (eod_kis.h), and when the request went out.
    Two cases need more than the rows:
    - an overseas answer whose tr_cont says more follows while the task's
      range is not covered yet: the RESULT says so (msg_cd EOD_MORE, meta
      "bymd" the BYMD of the next page), and the coordinator sends the task
      again as a continuation (meta "bymd", asked with tr_cont N) under its
      pacer, since every page is a request of the budget;
    - a daily US session whose row is not out yet (EOD_UNPUBLISHED).
    The HTTP transport is the caller's (eod_http_perform in the stage, a
    fake in the unit test), with [kis] timeout, TLS and CA settings. */
#ifndef FETCHER_FETCH_H
#define FETCHER_FETCH_H

#include "eod_http.h"
#include "eod_kis.h"
#include "eod_proto.h"

#include <stdbool.h>

typedef struct {
    bool adjusted;            //  [kis] adjusted
    long timeout_ms;          //  [kis] timeout_ms
    bool insecure;            //  [kis] insecure
    const char *ca_file;      //  [kis] ca_file; NULL or "": the system store
    eod_http_fn *http;        //  NULL: eod_http_perform
} fetcher_fetch_conf_t;

//  The KIS connection of creds (a CREDS) under conf (borrows both).
eod_kis_conn_t fetcher_fetch_conn (const eod_msg_t *creds, const fetcher_fetch_conf_t *conf);

//  The RESULT status of a KIS client status: "ok", "nodata", "unknown",
//  "permanent", else "retryable".
const char *fetcher_fetch_status_name (int kis_status);

//  Performs task (a TASK) with creds (its key's CREDS) and returns its
//  RESULT, the caller's; NULL only when out of memory.
eod_msg_t *fetcher_fetch (const eod_msg_t *task, const eod_msg_t *creds, const fetcher_fetch_conf_t *conf);

#endif
