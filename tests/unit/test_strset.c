/*  test_strset — eod_strset: strings kept once, found by handle, table and
    sorted phases, arrival order, clear, and what 10,000 codes cost. */
#include "eod_strset.h"
#include "eod_test.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#define S_MANY 10000
#define S_CODE_SIZE 16

//  Codes like the lister's: six digits, in an order that is not sorted.
static void
s_code (size_t i, char out[S_CODE_SIZE])
{
    snprintf (out, S_CODE_SIZE, "%06zu", (i * 7919) % 1000000);
}

static void
test_empty (void)
{
    eod_strset_t *set = eod_strset_new ();
    CHECK (set != NULL);
    CHECK_INT (eod_strset_count (set), 0);
    CHECK (eod_strset_find (set, "005930") == EOD_STRSET_NONE);
    CHECK (eod_strset_first (set) == EOD_STRSET_NONE);
    CHECK (!eod_strset_sorted (set));
    eod_strset_sort (set);
    CHECK (eod_strset_sorted (set));
    CHECK (eod_strset_at (set, 0) == NULL);
    CHECK_INT (eod_strset_rank (set, "005930"), -1);
    CHECK (eod_strset_find (set, "005930") == EOD_STRSET_NONE);
    eod_strset_destroy (&set);
    CHECK (set == NULL);
    eod_strset_destroy (&set);
    eod_strset_destroy (NULL);
}

static void
test_add_find (void)
{
    eod_strset_t *set = eod_strset_new ();
    bool added = false;
    uint32_t a = eod_strset_add (set, "247540", &added);
    CHECK (a != EOD_STRSET_NONE);
    CHECK (added);
    uint32_t b = eod_strset_add (set, "005930", &added);
    CHECK (added);
    CHECK (b != a);
    CHECK (eod_strset_add (set, "247540", &added) == a);
    CHECK (!added);
    CHECK (eod_strset_add (set, "", NULL) != EOD_STRSET_NONE);
    CHECK (eod_strset_add (set, "00593", NULL) != EOD_STRSET_NONE);
    CHECK_INT (eod_strset_count (set), 4);
    CHECK_STR (eod_strset_str (set, a), "247540");
    CHECK_STR (eod_strset_str (set, b), "005930");
    CHECK (eod_strset_find (set, "005930") == b);
    CHECK_STR (eod_strset_str (set, eod_strset_find (set, "")), "");
    CHECK (eod_strset_find (set, "0059300") == EOD_STRSET_NONE);
    CHECK (eod_strset_find (set, "0059") == EOD_STRSET_NONE);

    //  Arrival order, each string once.
    const char *order[] = {"247540", "005930", "", "00593"};
    size_t n = 0;
    bool same = true;
    for (uint32_t h = eod_strset_first (set); h != EOD_STRSET_NONE; h = eod_strset_next (set, h), n++)
        same = same && n < 4 && strcmp (eod_strset_str (set, h), order[n]) == 0;
    CHECK (same);
    CHECK_INT (n, 4);
    eod_strset_destroy (&set);
}

static void
test_sort (void)
{
    eod_strset_t *set = eod_strset_new ();
    const char *in[] = {"247540", "A", "005930", "0004Y0", "AB", "000040", "005930", "123456789"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        eod_strset_add (set, in[i], NULL);
    uint32_t handle = eod_strset_find (set, "A");
    eod_strset_sort (set);
    eod_strset_sort (set);   //  twice: nothing more
    CHECK (eod_strset_sorted (set));
    CHECK_INT (eod_strset_count (set), 7);
    const char *want[] = {"000040", "0004Y0", "005930", "123456789", "247540", "A", "AB"};
    for (size_t i = 0; i < 7; i++) {
        CHECK_STR (eod_strset_at (set, i), want[i]);
        CHECK_INT (eod_strset_rank (set, want[i]), i);
    }
    CHECK (eod_strset_at (set, 7) == NULL);
    CHECK_INT (eod_strset_rank (set, "B"), -1);
    CHECK_INT (eod_strset_rank (set, "00593"), -1);
    CHECK_INT (eod_strset_rank (set, ""), -1);
    //  Handles stay what they were.
    CHECK (eod_strset_find (set, "A") == handle);
    CHECK_STR (eod_strset_str (set, handle), "A");
    CHECK (eod_strset_find (set, "C") == EOD_STRSET_NONE);
    //  Arrival order still walks the arena.
    CHECK_STR (eod_strset_str (set, eod_strset_first (set)), "247540");

    //  Cleared, the set takes strings again, unsorted.
    eod_strset_clear (set);
    CHECK (!eod_strset_sorted (set));
    CHECK_INT (eod_strset_count (set), 0);
    CHECK (eod_strset_find (set, "A") == EOD_STRSET_NONE);
    CHECK (eod_strset_add (set, "A", NULL) != EOD_STRSET_NONE);
    CHECK_INT (eod_strset_count (set), 1);
    eod_strset_destroy (&set);
}

//  Many strings: the table and the arena grow, handles keep their strings.
static void
test_many (void)
{
    eod_strset_t *set = eod_strset_new ();
    static uint32_t handles[S_MANY];
    char code[S_CODE_SIZE];
    bool ok = true;
    for (size_t i = 0; i < S_MANY; i++) {
        s_code (i, code);
        handles[i] = eod_strset_add (set, code, NULL);
        ok = ok && handles[i] != EOD_STRSET_NONE;
    }
    CHECK (ok);
    CHECK_INT (eod_strset_count (set), S_MANY);
    for (size_t i = 0; i < S_MANY; i++) {
        s_code (i, code);
        ok = ok && eod_strset_find (set, code) == handles[i] && strcmp (eod_strset_str (set, handles[i]), code) == 0;
        ok = ok && eod_strset_add (set, code, NULL) == handles[i];
    }
    CHECK (ok);
    CHECK_INT (eod_strset_count (set), S_MANY);
    eod_strset_sort (set);
    for (size_t i = 1; i < S_MANY; i++)
        ok = ok && strcmp (eod_strset_at (set, i - 1), eod_strset_at (set, i)) < 0;
    for (size_t i = 0; i < S_MANY; i++) {
        s_code (i, code);
        long rank = eod_strset_rank (set, code);
        ok = ok && rank >= 0 && strcmp (eod_strset_at (set, (size_t) rank), code) == 0;
        ok = ok && eod_strset_find (set, code) == handles[i];
    }
    CHECK (ok);
    eod_strset_destroy (&set);
}

//  What the set costs: 10,000 six-character codes hold under 12 bytes each
//  once sorted (7 in the arena, 4 in the index) and under 26 before (the
//  arena's spare room and the table). The sanitizers' allocator keeps its
//  own books, so the figures come from a plain build only.
#if defined(__SANITIZE_ADDRESS__)
static void
test_memory (void)
{
    printf ("memory figures not checked under the address sanitizer\n");
}
#else
static size_t
s_heap_in_use (void)
{
    struct mallinfo2 info = mallinfo2 ();
    return info.uordblks + info.hblkhd;   //  small blocks and mmapped ones
}

static void
test_memory (void)
{
    size_t before = s_heap_in_use ();
    eod_strset_t *set = eod_strset_new ();
    char code[S_CODE_SIZE];
    for (size_t i = 0; i < S_MANY; i++) {
        s_code (i, code);
        eod_strset_add (set, code, NULL);
    }
    size_t adding = s_heap_in_use () - before;
    eod_strset_sort (set);
    size_t sorted = s_heap_in_use () - before;
    printf ("10,000 codes: %zu bytes while adding, %zu sorted\n", adding, sorted);
    CHECK (adding < 26 * S_MANY);
    CHECK (sorted < 12 * S_MANY);
    eod_strset_destroy (&set);
}
#endif

int
main (void)
{
    test_empty ();
    test_add_find ();
    test_sort ();
    test_many ();
    test_memory ();
    return EOD_TEST_DONE ();
}
