/*  lister codes — fixed-width code slots in one array (see codes.h). */
#include "codes.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

//  First capacity of the array, in codes; it doubles from there.
#define S_FIRST_CAPACITY 256
#define S_BITS_PER_WORD 64

struct _lister_codes_t {
    size_t width;        //  bytes per slot, NUL padding included
    char *slots;         //  count slots, zero-padded
    size_t count;
    size_t capacity;
    bool sorted;
    uint64_t *claimed;   //  one bit per sorted code, made at the first claim
};

lister_codes_t *
lister_codes_new (size_t width)
{
    assert (width >= 2);
    lister_codes_t *self = calloc (1, sizeof (*self));
    if (self)
        self->width = width;
    return self;
}

void
lister_codes_destroy (lister_codes_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    lister_codes_t *self = *self_p;
    free (self->slots);
    free (self->claimed);
    free (self);
    *self_p = NULL;
}

int
lister_codes_add (lister_codes_t *self, const char *code)
{
    assert (self && code);
    assert (!self->sorted);
    size_t len = strlen (code);
    if (len == 0 || len >= self->width)
        return -1;
    if (self->count == self->capacity) {
        size_t capacity = self->capacity ? self->capacity * 2 : S_FIRST_CAPACITY;
        char *grown = realloc (self->slots, capacity * self->width);
        if (!grown)
            return -1;
        self->slots = grown;
        self->capacity = capacity;
    }
    char *slot = self->slots + self->count * self->width;
    memset (slot, 0, self->width);
    memcpy (slot, code, len);
    self->count++;
    return 0;
}

//  Zero padding makes memcmp over the slot order codes as strcmp does. qsort
//  has no argument for the width: it is passed here (the lister is one
//  thread).
static size_t s_sort_width;

static int
s_compare (const void *a, const void *b)
{
    return memcmp (a, b, s_sort_width);
}

//  Gives back the room the doubling left over.
static void
s_shrink (lister_codes_t *self)
{
    if (self->count == 0 || self->count == self->capacity)
        return;
    char *shrunk = realloc (self->slots, self->count * self->width);
    if (shrunk) {
        self->slots = shrunk;
        self->capacity = self->count;
    }
}

size_t
lister_codes_sort (lister_codes_t *self)
{
    assert (self);
    self->sorted = true;
    if (self->count == 0)
        return 0;
    //  Before the sort: qsort takes a copy of the array as scratch, so the
    //  peak is twice the codes, not twice the capacity plus the codes.
    s_shrink (self);
    s_sort_width = self->width;
    qsort (self->slots, self->count, self->width, s_compare);
    size_t kept = 1;
    for (size_t i = 1; i < self->count; i++) {
        const char *slot = self->slots + i * self->width;
        if (memcmp (slot, self->slots + (kept - 1) * self->width, self->width) != 0) {
            if (kept != i)
                memcpy (self->slots + kept * self->width, slot, self->width);
            kept++;
        }
    }
    size_t dropped = self->count - kept;
    self->count = kept;
    s_shrink (self);
    return dropped;
}

size_t
lister_codes_count (const lister_codes_t *self)
{
    assert (self);
    return self->count;
}

const char *
lister_codes_at (const lister_codes_t *self, size_t i)
{
    assert (self);
    return i < self->count ? self->slots + i * self->width : NULL;
}

//  Index of code in the sorted slots, or -1.
static long
s_find (const lister_codes_t *self, const char *code)
{
    assert (self->sorted);
    size_t len = strlen (code);
    if (len == 0 || len >= self->width)
        return -1;
    size_t lo = 0, hi = self->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *slot = self->slots + mid * self->width;
        //  The slot is NUL-padded, so strncmp over the width is strcmp.
        int cmp = strncmp (code, slot, self->width);
        if (cmp == 0)
            return (long) mid;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
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
        size_t words = self->count / S_BITS_PER_WORD + 1;
        self->claimed = calloc (words, sizeof (*self->claimed));
        if (!self->claimed)
            return -1;
    }
    uint64_t bit = (uint64_t) 1 << ((size_t) i % S_BITS_PER_WORD);
    uint64_t *word = &self->claimed [(size_t) i / S_BITS_PER_WORD];
    if (*word & bit)
        return 0;
    *word |= bit;
    return 1;
}

void
lister_codes_unclaim (lister_codes_t *self)
{
    assert (self);
    free (self->claimed);
    self->claimed = NULL;
}
