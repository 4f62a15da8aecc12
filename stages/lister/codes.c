/*  lister codes — the listing's codes in an eod_strset (see codes.h).

    The set keeps each code once; what the lister adds on top is the bound
    on a code's length, the count of repeats the sort reports, and a claim
    bit per code in sorted order. */
#include "codes.h"
#include "eod_strset.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define S_BITS_PER_WORD 64

struct _lister_codes_t {
    size_t width;   //  a code has at most width - 1 bytes
    eod_strset_t *set;
    size_t added;        //  codes added, repeats included
    uint64_t *claimed;   //  one bit per sorted code, made at the first claim
};

lister_codes_t *
lister_codes_new (size_t width)
{
    assert (width >= 2);
    lister_codes_t *self = calloc (1, sizeof (*self));
    if (!self)
        return NULL;
    self->width = width;
    self->set = eod_strset_new ();
    if (!self->set)
        lister_codes_destroy (&self);
    return self;
}

void
lister_codes_destroy (lister_codes_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    lister_codes_t *self = *self_p;
    eod_strset_destroy (&self->set);
    free (self->claimed);
    free (self);
    *self_p = NULL;
}

//  True when code can be one of the market's: not empty, under width bytes.
static bool
s_fits (const lister_codes_t *self, const char *code)
{
    size_t len = strlen (code);
    return len > 0 && len < self->width;
}

int
lister_codes_add (lister_codes_t *self, const char *code)
{
    assert (self && code);
    if (!s_fits (self, code) || eod_strset_add (self->set, code, NULL) == EOD_STRSET_NONE)
        return -1;
    self->added++;
    return 0;
}

size_t
lister_codes_sort (lister_codes_t *self)
{
    assert (self);
    eod_strset_sort (self->set);
    return self->added - eod_strset_count (self->set);
}

size_t
lister_codes_count (const lister_codes_t *self)
{
    assert (self);
    return eod_strset_sorted (self->set) ? eod_strset_count (self->set) : self->added;
}

const char *
lister_codes_at (const lister_codes_t *self, size_t i)
{
    assert (self);
    return eod_strset_at (self->set, i);
}

//  Index of code in sorted order, or -1.
static long
s_find (const lister_codes_t *self, const char *code)
{
    return s_fits (self, code) ? eod_strset_rank (self->set, code) : -1;
}

bool
lister_codes_contains (const lister_codes_t *self, const char *code)
{
    assert (self && code);
    return s_find (self, code) >= 0;
}

int
lister_codes_claim (lister_codes_t *self, const char *code)
{
    assert (self && code);
    long i = s_find (self, code);
    if (i < 0)
        return -1;
    if (!self->claimed) {
        size_t words = eod_strset_count (self->set) / S_BITS_PER_WORD + 1;
        self->claimed = calloc (words, sizeof (*self->claimed));
        if (!self->claimed)
            return -1;
    }
    uint64_t bit = (uint64_t) 1 << ((size_t) i % S_BITS_PER_WORD);
    uint64_t *word = &self->claimed[(size_t) i / S_BITS_PER_WORD];
    if (*word & bit)
        return 0;
    *word |= bit;
    return 1;
}
