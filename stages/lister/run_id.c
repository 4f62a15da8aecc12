/*  lister run id — SHA-256 over the listing (see run_id.h).

    The digest is fed a piece at a time (eod_sha256_t, OpenSSL EVP): the
    codes are never joined into one buffer, so a listing of 50,000 codes
    costs no more memory than one of ten. */
#include "run_id.h"
#include "eod_log.h"
#include "eod_util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define S_HEX_DIGEST 65   //  a SHA-256 in hex, with the NUL

static int
s_cmp (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

//  Adds text and its separator to the digest. 0 or -1.
static int
s_add (eod_sha256_t *h, const char *text, const char *separator)
{
    if (eod_sha256_update (h, text, strlen (text)) || eod_sha256_update (h, separator, 1))
        return -1;
    return 0;
}

//  A digest holding market, mode and dates, each followed by "|". NULL
//  (logged) when it cannot be made.
static eod_sha256_t *
s_begin (const char *market, const char *mode, const char *from, const char *to)
{
    eod_sha256_t *h = eod_sha256_new ();
    const char *parts[] = {market, mode, from, to};
    for (size_t i = 0; h && i < sizeof parts / sizeof parts[0]; i++)
        if (s_add (h, parts[i], "|"))
            eod_sha256_destroy (&h);
    if (!h)
        eod_log_error ("the run id cannot be made: no SHA-256 (out of memory?)");
    return h;
}

//  Writes the first LISTER_RUN_ID_LEN hex digits of the digest into out and
//  destroys it. 0, or -1 (logged) when the digest failed (failed is true
//  when adding a code did).
static int
s_end (eod_sha256_t **h, bool failed, char out[LISTER_RUN_ID_LEN + 1])
{
    char hex[S_HEX_DIGEST];
    int rc = failed ? -1 : eod_sha256_final_hex (*h, hex);
    eod_sha256_destroy (h);
    if (rc) {
        eod_log_error ("the run id cannot be made: SHA-256 failed");
        out[0] = '\0';
        return -1;
    }
    memcpy (out, hex, LISTER_RUN_ID_LEN);
    out[LISTER_RUN_ID_LEN] = '\0';
    return 0;
}

int
lister_run_id (const char *market, const char *mode, const char *from, const char *to, char **codes, size_t ncodes,
               char out[LISTER_RUN_ID_LEN + 1])
{
    out[0] = '\0';
    char **sorted = malloc ((ncodes ? ncodes : 1) * sizeof *sorted);
    if (!sorted) {
        eod_log_error ("out of memory: the run id cannot be made");
        return -1;
    }
    memcpy (sorted, codes, ncodes * sizeof *sorted);
    qsort (sorted, ncodes, sizeof *sorted, s_cmp);
    int rc = -1;
    eod_sha256_t *h = s_begin (market, mode, from, to);
    if (h) {
        bool failed = false;
        for (size_t i = 0; i < ncodes && !failed; i++)
            failed = s_add (h, sorted[i], ",") != 0;
        rc = s_end (&h, failed, out);
    }
    free (sorted);
    return rc;
}

int
lister_run_id_codes (const char *market, const char *mode, const char *from, const char *to,
                     const lister_codes_t *sorted, char out[LISTER_RUN_ID_LEN + 1])
{
    out[0] = '\0';
    eod_sha256_t *h = s_begin (market, mode, from, to);
    if (!h)
        return -1;
    bool failed = false;
    size_t n = lister_codes_count (sorted);
    for (size_t i = 0; i < n && !failed; i++)
        failed = s_add (h, lister_codes_at (sorted, i), ",") != 0;
    return s_end (&h, failed, out);
}
