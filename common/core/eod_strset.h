/*  eod_strset — a compact set of short strings: instrument codes, task ids.

    A run has tens of thousands of codes and tasks, and stages hold them for
    a run: the lister the codes of its listing (sorted, for the run id and to
    drop a code listed twice), the writer the task ids its journal holds and
    the codes of a month's rows. One allocation per string would cost more
    than the strings, so the set keeps each string once, its characters and
    NUL in one arena in the order they came, and finds them again through an
    open-addressing table of arena offsets: the string's bytes and 5 to 11
    bytes more (the table grows by doubling at three quarters full).

    A string is named by its handle, its offset in the arena: 4 bytes the
    caller can keep instead of a pointer, valid while the set lives and is
    not cleared (a pointer from eod_strset_str is valid as long).

    Two phases. While strings are added the table finds them. eod_strset_sort
    then turns the table into an index of the strings in strcmp order (4
    bytes a string, in the table's own memory, so it cannot fail), found by
    binary search; nothing is added after it.

    Not thread-safe: one set, one thread. */
#ifndef EOD_STRSET_H
#define EOD_STRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//  No string: what add and find return when they have no handle to give.
#define EOD_STRSET_NONE UINT32_MAX

typedef struct _eod_strset_t eod_strset_t;

//  An empty set (memory comes with the first string). NULL when out of memory.
eod_strset_t *eod_strset_new (void);

//  Frees the set and nulls *self_p; safe on NULL and twice.
void eod_strset_destroy (eod_strset_t **self_p);

//  Forgets every string and frees their memory; the set takes strings again
//  (unsorted). Handles and pointers from before are invalid.
void eod_strset_clear (eod_strset_t *self);

//  Adds a copy of s (NUL-terminated, any length, "" too) unless it is in
//  the set. Returns its handle either way, *added (may be NULL) saying
//  whether it was new; EOD_STRSET_NONE when memory ran out (errno ENOMEM) or
//  the arena would pass 4 GiB (errno EOVERFLOW), the set then unchanged.
//  Adding to a sorted set is a programmer error.
uint32_t eod_strset_add (eod_strset_t *self, const char *s, bool *added);

//  The handle of s, or EOD_STRSET_NONE when s is not in the set.
uint32_t eod_strset_find (const eod_strset_t *self, const char *s);

//  The string of a handle that add, find, first or next gave. Borrowed.
const char *eod_strset_str (const eod_strset_t *self, uint32_t handle);

//  Number of strings in the set.
size_t eod_strset_count (const eod_strset_t *self);

//  The strings in the order they were added: the first's handle, then the
//  handle after handle; EOD_STRSET_NONE past the last (or when empty).
uint32_t eod_strset_first (const eod_strset_t *self);
uint32_t eod_strset_next (const eod_strset_t *self, uint32_t handle);

//  Sorts the set: its strings get an order (strcmp) and are found by binary
//  search from now on; the arena gives back its spare room. Sorting twice
//  does nothing.
void eod_strset_sort (eod_strset_t *self);

//  True once the set is sorted.
bool eod_strset_sorted (const eod_strset_t *self);

//  After the sort: the i-th string in strcmp order, borrowed; NULL when
//  i >= count.
const char *eod_strset_at (const eod_strset_t *self, size_t i);

//  After the sort: the position of s in strcmp order, or -1 when s is not
//  in the set.
long eod_strset_rank (const eod_strset_t *self, const char *s);

#endif
