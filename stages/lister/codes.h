/*  lister codes — a compact set of instrument codes for the lister.

    The lister keeps no per-instrument message in memory (its TASK drafts
    wait in a spool file, see spool.h); what it must hold is the codes: all
    of the listing's, sorted, for the run id (a hash over the sorted codes)
    and to drop a code met twice, and the codes of a --codes file. They are
    kept in an eod_strset: a code costs its characters, its NUL and four
    bytes once sorted (about 11 bytes for a KR short code), where a hash of
    strings costs ten times that. `width` bounds a code's length: a longer
    one is no code of the market.

    Use: add every code, sort once, then look codes up (contains) or claim
    them in listing order (claim says whether a code was met before). */
#ifndef LISTER_CODES_H
#define LISTER_CODES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct _lister_codes_t lister_codes_t;

//  Creates an empty set of codes of at most width - 1 bytes (width >= 2).
//  NULL when out of memory.
lister_codes_t *lister_codes_new (size_t width);

//  Destroys the set and nulls *self_p; safe on NULL and twice.
void lister_codes_destroy (lister_codes_t **self_p);

//  Adds a copy of code (before lister_codes_sort). Returns 0, or -1 when
//  the code is empty or longer than width - 1 bytes (not added) or memory
//  ran out; the caller reports it.
int lister_codes_add (lister_codes_t *self, const char *code);

//  Sorts the codes in strcmp order and keeps one of each. Returns how many
//  repeats were dropped. Adding after it is a programmer error.
size_t lister_codes_sort (lister_codes_t *self);

//  Number of codes added, repeats included; after the sort, distinct codes.
size_t lister_codes_count (const lister_codes_t *self);

//  After the sort: the i-th code in sorted order, borrowed while the set
//  lives; NULL when i >= count.
const char *lister_codes_at (const lister_codes_t *self, size_t i);

//  After the sort: true when code is in the set.
bool lister_codes_contains (const lister_codes_t *self, const char *code);

//  After the sort: marks code as met. Returns 1 the first time, 0 when it
//  was claimed before, -1 when it is not in the set (or memory ran out).
int lister_codes_claim (lister_codes_t *self, const char *code);

#endif
