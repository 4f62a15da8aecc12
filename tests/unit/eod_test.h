/*  eod_test — a minimal unit-test harness: checks count, failures print where,
    and every test program ends with the plain line "N passed, N failed". */
#ifndef EOD_TEST_H
#define EOD_TEST_H

#include <stdio.h>
#include <string.h>

static int eod_test_passed;
static int eod_test_failed;

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (cond)                                                                                                      \
            eod_test_passed++;                                                                                         \
        else {                                                                                                         \
            eod_test_failed++;                                                                                         \
            fprintf (stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                                           \
        }                                                                                                              \
    } while (0)

#define CHECK_STR(a, b)                                                                                                \
    do {                                                                                                               \
        const char *eod_a_ = (a), *eod_b_ = (b);                                                                       \
        if (eod_a_ && eod_b_ && strcmp (eod_a_, eod_b_) == 0)                                                          \
            eod_test_passed++;                                                                                         \
        else {                                                                                                         \
            eod_test_failed++;                                                                                         \
            fprintf (stderr, "FAIL %s:%d: %s == %s (\"%s\" vs \"%s\")\n", __FILE__, __LINE__, #a, #b,                  \
                     eod_a_ ? eod_a_ : "(null)", eod_b_ ? eod_b_ : "(null)");                                          \
        }                                                                                                              \
    } while (0)

#define CHECK_INT(a, b)                                                                                                \
    do {                                                                                                               \
        long long eod_a_ = (long long) (a), eod_b_ = (long long) (b);                                                  \
        if (eod_a_ == eod_b_)                                                                                          \
            eod_test_passed++;                                                                                         \
        else {                                                                                                         \
            eod_test_failed++;                                                                                         \
            fprintf (stderr, "FAIL %s:%d: %s == %s (%lld vs %lld)\n", __FILE__, __LINE__, #a, #b, eod_a_, eod_b_);     \
        }                                                                                                              \
    } while (0)

//  Ends main: prints the closing line and returns the exit status.
#define EOD_TEST_DONE()                                                                                                \
    (printf ("%s: %d passed, %d failed\n", __FILE__, eod_test_passed, eod_test_failed), eod_test_failed ? 1 : 0)

#endif
