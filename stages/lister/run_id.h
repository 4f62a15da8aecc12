/*  lister run id — the name of a listing, made from what it lists.

    The lister sends its run id with every TASK, LISTED and END; the
    coordinator, writer and uploader key their ledgers, CSV paths and S3
    objects by it. It is the first 16 hex digits of SHA-256 over
    "market|mode|from|to|" and then each distinct code in strcmp order
    followed by ",": the same day listed twice gets the same id (a re-run is
    harmless), a different universe a different one. The bytes hashed must
    never change, or runs already in the ledgers would be listed again under
    a new name. */
#ifndef LISTER_RUN_ID_H
#define LISTER_RUN_ID_H

#include <stddef.h>

#include "codes.h"

//  Hex digits of a run id (17 bytes with the NUL).
#define LISTER_RUN_ID_LEN 16

//  The run id of market, mode and dates over ncodes codes in any order
//  (sorted here; a code given twice is hashed twice). Writes it into out
//  and returns 0, or returns -1 (logged, out "") when memory or the digest
//  fails.
int lister_run_id (const char *market, const char *mode, const char *from, const char *to, char **codes, size_t ncodes,
                   char out[LISTER_RUN_ID_LEN + 1]);

//  The same run id from a sorted set of codes (lister_codes_sort done):
//  equal to lister_run_id over the same distinct codes. 0, or -1 as
//  lister_run_id.
int lister_run_id_codes (const char *market, const char *mode, const char *from, const char *to,
                         const lister_codes_t *sorted, char out[LISTER_RUN_ID_LEN + 1]);

#endif
