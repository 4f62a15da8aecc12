/*  lister fetch — the sources of the universe, downloaded.

    The lister's inputs come over HTTP: the KIS master zips (KR: KOSPI and
    KOSDAQ; US: the NASDAQ, NYSE and AMEX symbol files) and, for the US, the
    Wikipedia articles listing the index constituents. Every download is
    retried on a transport error, a 5xx or a 429 (the master-file host
    answers 503 at times), master:max_attempts times with a growing pause,
    under the [master] timeout, TLS and size settings. A certificate the
    client refuses (TLS failed for a reason no retry mends) is not retried:
    it is a configuration error ([master] ca_file; KIS's own samples turn
    verification off for this host, which eod does only when [master]
    insecure says so, with a warning). A master zip goes straight to a file
    under state_dir/lister/ (through NAME.part and a rename, so a file there
    is always whole) and is parsed from there a chunk at a time (sources.h);
    an article is small and kept in memory. */
#ifndef LISTER_FETCH_H
#define LISTER_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "eod_config.h"

//  Why a download failed, worst last: a caller keeps the worst it met.
typedef enum {
    LISTER_FETCH_OK = 0,
    LISTER_FETCH_LOCAL,         //  the file could not be written here
    LISTER_FETCH_UNREACHABLE,   //  the server could not be had (or said no) after the retries: exit 3
    LISTER_FETCH_REFUSED        //  TLS refused (the host's certificate, the CA file): exit 2
} lister_fetch_fail_t;

//  Keeps in *worst the worse of it and fail.
void lister_fetch_note (lister_fetch_fail_t *worst, lister_fetch_fail_t fail);

//  Downloads url with retries. Returns the body (NUL-terminated, the
//  caller's to free) with *len its size, or NULL with err set and the
//  failure noted in *fail (lister_fetch_note; fail may be NULL).
char *lister_download (const eod_config_t *cfg, const char *url, size_t *len, lister_fetch_fail_t *fail, char *err,
                       size_t errlen);

//  Downloads url with the same retries into the file at path (mode 0600),
//  through path.part and a rename, so path is whole or as it was. Returns 0,
//  or -1 with err set and *fail why (it is set, not noted).
int lister_download_file (const eod_config_t *cfg, const char *url, const char *path, lister_fetch_fail_t *fail,
                          char *err, size_t errlen);

//  Downloads url into the file dir/name, its path written into path.
//  Returns 0, or -1 with err set and the failure noted in *fail (never
//  made better by a later success).
int lister_fetch_file (const eod_config_t *cfg, const char *dir, const char *url, const char *name, char *path,
                       size_t pathsize, lister_fetch_fail_t *fail, char *err, size_t errlen);

#endif
