/*  eod_strset — see eod_strset.h.

    The table is uint32_t slots holding 1 + an arena offset (0: free),
    probed linearly from the string's FNV-1a hash; its size is a power of
    two. The sort moves the occupied slots to the front of the same memory,
    makes them offsets and sorts them, so the sorted index costs nothing
    more than the table did and the sort needs no allocation to succeed. */
#define _GNU_SOURCE   //  qsort_r
#include "eod_strset.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define S_CHARS_MIN 4096   //  first arena size, in bytes; it doubles when full
#define S_SLOTS_MIN 256    //  first table size; it doubles past three quarters full
#define S_FNV_BASIS 14695981039346656037ull
#define S_FNV_PRIME 1099511628211ull

struct _eod_strset_t {
    char *chars;   //  the strings, each with its NUL, in arrival order
    size_t len;    //  bytes of chars in use
    size_t cap;
    uint32_t *slots;   //  unsorted: the table (1 + offset, 0 free); sorted: count offsets
    size_t nslots;     //  unsorted: the table's size, a power of two
    size_t count;
    bool sorted;
};

eod_strset_t *
eod_strset_new (void)
{
    return calloc (1, sizeof (eod_strset_t));
}

void
eod_strset_destroy (eod_strset_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    eod_strset_clear (*self_p);
    free (*self_p);
    *self_p = NULL;
}

void
eod_strset_clear (eod_strset_t *self)
{
    assert (self);
    free (self->chars);
    free (self->slots);
    *self = (eod_strset_t){0};
}

static uint64_t
s_hash (const char *s)
{
    uint64_t hash = S_FNV_BASIS;
    for (const unsigned char *p = (const unsigned char *) s; *p; p++)
        hash = (hash ^ *p) * S_FNV_PRIME;
    return hash;
}

//  The slot of slots[nslots] holding s, or the free slot where it would go.
static uint32_t *
s_slot (const eod_strset_t *self, uint32_t *slots, size_t nslots, const char *s)
{
    size_t mask = nslots - 1;
    for (size_t i = (size_t) s_hash (s) & mask;; i = (i + 1) & mask)
        if (!slots[i] || strcmp (self->chars + slots[i] - 1, s) == 0)
            return &slots[i];
}

//  Makes room in the table for one more string. 0, or -1 (errno ENOMEM).
static int
s_table_reserve (eod_strset_t *self)
{
    if ((self->count + 1) * 4 <= self->nslots * 3)
        return 0;
    size_t nslots = self->nslots ? 2 * self->nslots : S_SLOTS_MIN;
    uint32_t *slots = calloc (nslots, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t at = 0; at < self->len; at += strlen (self->chars + at) + 1)
        *s_slot (self, slots, nslots, self->chars + at) = (uint32_t) at + 1;
    free (self->slots);
    self->slots = slots;
    self->nslots = nslots;
    return 0;
}

//  Makes room in the arena for size more bytes. 0, or -1 (errno ENOMEM, or
//  EOVERFLOW when an offset would not fit a handle).
static int
s_arena_reserve (eod_strset_t *self, size_t size)
{
    if (self->len + size >= EOD_STRSET_NONE) {
        errno = EOVERFLOW;
        return -1;
    }
    if (self->len + size <= self->cap)
        return 0;
    size_t cap = self->cap ? 2 * self->cap : S_CHARS_MIN;
    while (cap < self->len + size)
        cap *= 2;
    char *chars = realloc (self->chars, cap);
    if (!chars)
        return -1;
    self->chars = chars;
    self->cap = cap;
    return 0;
}

uint32_t
eod_strset_add (eod_strset_t *self, const char *s, bool *added)
{
    assert (self && s);
    assert (!self->sorted);
    if (added)
        *added = false;
    size_t size = strlen (s) + 1;
    if (s_table_reserve (self))
        return EOD_STRSET_NONE;
    uint32_t *slot = s_slot (self, self->slots, self->nslots, s);
    if (*slot)
        return *slot - 1;
    if (s_arena_reserve (self, size))
        return EOD_STRSET_NONE;
    uint32_t handle = (uint32_t) self->len;
    memcpy (self->chars + self->len, s, size);
    self->len += size;
    self->count++;
    *slot = handle + 1;
    if (added)
        *added = true;
    return handle;
}

uint32_t
eod_strset_find (const eod_strset_t *self, const char *s)
{
    assert (self && s);
    if (self->sorted) {
        long rank = eod_strset_rank (self, s);
        return rank < 0 ? EOD_STRSET_NONE : self->slots[rank];
    }
    if (self->count == 0)
        return EOD_STRSET_NONE;
    uint32_t slot = *s_slot (self, self->slots, self->nslots, s);
    return slot ? slot - 1 : EOD_STRSET_NONE;
}

const char *
eod_strset_str (const eod_strset_t *self, uint32_t handle)
{
    assert (self && handle < self->len);
    return self->chars + handle;
}

size_t
eod_strset_count (const eod_strset_t *self)
{
    assert (self);
    return self->count;
}

uint32_t
eod_strset_first (const eod_strset_t *self)
{
    assert (self);
    return self->len ? 0 : EOD_STRSET_NONE;
}

uint32_t
eod_strset_next (const eod_strset_t *self, uint32_t handle)
{
    assert (self && handle < self->len);
    size_t next = handle + strlen (self->chars + handle) + 1;
    return next < self->len ? (uint32_t) next : EOD_STRSET_NONE;
}

static int
s_compare (const void *a, const void *b, void *chars)
{
    return strcmp ((const char *) chars + *(const uint32_t *) a, (const char *) chars + *(const uint32_t *) b);
}

void
eod_strset_sort (eod_strset_t *self)
{
    assert (self);
    if (self->sorted)
        return;
    self->sorted = true;
    size_t kept = 0;
    for (size_t i = 0; i < self->nslots; i++)
        if (self->slots[i])
            self->slots[kept++] = self->slots[i] - 1;
    assert (kept == self->count);
    self->nslots = 0;
    //  Shrinking gives the spare room back; should it fail, the larger block serves.
    if (self->count) {
        uint32_t *slots = realloc (self->slots, self->count * sizeof *slots);
        if (slots)
            self->slots = slots;
        char *chars = realloc (self->chars, self->len);
        if (chars) {
            self->chars = chars;
            self->cap = self->len;
        }
    }
    if (self->count)
        qsort_r (self->slots, self->count, sizeof *self->slots, s_compare, self->chars);
}

bool
eod_strset_sorted (const eod_strset_t *self)
{
    assert (self);
    return self->sorted;
}

const char *
eod_strset_at (const eod_strset_t *self, size_t i)
{
    assert (self && self->sorted);
    return i < self->count ? self->chars + self->slots[i] : NULL;
}

long
eod_strset_rank (const eod_strset_t *self, const char *s)
{
    assert (self && self->sorted && s);
    size_t lo = 0, hi = self->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp (s, self->chars + self->slots[mid]);
        if (cmp == 0)
            return (long) mid;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}
