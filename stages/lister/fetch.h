/*  lister fetch — the sources of the universe, downloaded.

    The lister's inputs come over HTTP: the KIS master zips (KR: KOSPI and
    KOSDAQ; US: the NASDAQ, NYSE and AMEX symbol files) and, for the US, the
    Wikipedia articles listing the index constituents. Every download is
    retried on a transport error, a 5xx or a 429 (the master-file host
    answers 503 at times), master:max_attempts times with a growing pause,
    under the [master] timeout, TLS and size settings. A master zip goes
    straight to a file under state_dir/lister/ (through NAME.part and a
    rename, so a file there is always whole) and is parsed from there a chunk
    at a time (sources.h); an article is small and kept in memory. */
#ifndef LISTER_FETCH_H
#define LISTER_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "eod_config.h"

//  Downloads url with retries. Returns the body (NUL-terminated, the
//  caller's to free) with *len its size, or NULL with err set.
char *lister_download (const eod_config_t *cfg, const char *url, size_t *len, char *err, size_t errlen);

//  Downloads url with the same retries into the file at path (mode 0600),
//  through path.part and a rename, so path is whole or as it was. Returns 0,
//  or -1 with err set and *unreachable true when the server could not be
//  had (false when the file could not be written).
int lister_download_file (const eod_config_t *cfg, const char *url, const char *path, bool *unreachable,
                          char *err, size_t errlen);

//  Downloads url into the file dir/name, its path written into path.
//  Returns 0, or -1 with err set; sets *unreachable to true (and never back
//  to false) when the server could not be had.
int lister_fetch_file (const eod_config_t *cfg, const char *dir, const char *url, const char *name, char *path,
                       size_t pathsize, bool *unreachable, char *err, size_t errlen);

#endif
