/*  lister — the universe stage.

    On a JOB it downloads the day's master files, unzips them (libzip),
    converts CP949 to UTF-8, parses the fixed-width records and keeps what the
    filter in config selects, then sends one TASK per instrument and a LISTED
    with the count to the coordinator. The run id is a hash of market, mode,
    date range and the universe, so listing the same day twice is harmless.

    Its memory does not grow with the universe: the master zips are saved
    under state_dir/lister/ and parsed a chunk at a time, the TASK drafts
    wait in a spool file there (spool.h), only the codes stay in memory
    (codes.h), and the pipe to the coordinator is bounded. */
#ifndef LISTER_H
#define LISTER_H

#include "codes.h"
#include "eod_zmq.h"

typedef struct _lister_t lister_t;

lister_t *lister_new (eod_stage_t *stage, bool once);
void lister_destroy (lister_t **self_p);
int lister_run (lister_t *self);

//  Downloads url with retries (master:max_attempts), for the lister and its
//  tests. Returns a malloc'd body, or NULL with err set.
char *lister_download (const eod_config_t *cfg, const char *url, size_t *len, char *err, size_t errlen);

//  Downloads url with the same retries into the file at path (mode 0600),
//  through path.part and a rename, so path is whole or as it was. Returns 0,
//  or -1 with err set and *unreachable true when the server could not be
//  had (false when the file could not be written).
int lister_download_file (const eod_config_t *cfg, const char *url, const char *path, bool *unreachable,
                          char *err, size_t errlen);

//  Deterministic run id: the first 16 hex digits of SHA-256 over market, mode,
//  dates and the sorted codes.
void lister_run_id (const char *market, const char *mode, const char *from, const char *to, char **codes,
                    size_t ncodes, char out[17]);

//  The same run id from a sorted set of codes (lister_codes_sort done): equal
//  to lister_run_id over the same distinct codes.
void lister_run_id_codes (const char *market, const char *mode, const char *from, const char *to,
                          const lister_codes_t *sorted, char out[17]);

#endif
