/*  test_lister_run_id — the run id is a name already written in ledgers,
    CSV paths and S3 keys: these values were made by the lister's earlier,
    hand-written SHA-256 and must come out byte for byte. Also the sorted-set
    form against the array form, and eod_sha256_t (fed in pieces) against
    the FIPS 180-2 examples and the one-shot eod_sha256_hex. */
#include "eod_test.h"

#include "codes.h"
#include "eod_log.h"
#include "eod_util.h"
#include "run_id.h"

#include <stdio.h>
#include <string.h>

#define MANY 300

static void
test_known_ids (void)
{
    char id[LISTER_RUN_ID_LEN + 1];
    char *kr[] = {"247540", "005930", "0004Y0", "000040"};
    CHECK_INT (lister_run_id ("kr", "daily", "2024-09-02", "2024-09-02", kr, 4, id), 0);
    CHECK_STR (id, "a64da92a7ac8600c");
    //  No codes.
    CHECK_INT (lister_run_id ("us", "backfill", "2015-01-01", "2024-12-30", kr, 0, id), 0);
    CHECK_STR (id, "1c80bd9d713da258");
    char *us[] = {"MSFT", "AAPL", "BRK.B", "NVDA", "A"};
    CHECK_INT (lister_run_id ("us", "daily", "2024-09-03", "2024-09-03", us, 5, id), 0);
    CHECK_STR (id, "1b35801a0841491c");
    //  Empty fields.
    char *x[] = {"X"};
    CHECK_INT (lister_run_id ("", "", "", "", x, 1, id), 0);
    CHECK_STR (id, "26eece6d207c51d3");
    //  Many codes (some 2 KB hashed: many SHA-256 blocks), given backwards.
    static char store[MANY][8];
    char *many[MANY];
    for (int i = 0; i < MANY; i++) {
        snprintf (store[i], sizeof store[i], "%06d", i * 7);
        many[i] = store[MANY - 1 - i];
    }
    CHECK_INT (lister_run_id ("kr", "backfill", "2015-01-01", "2024-12-30", many, MANY, id), 0);
    CHECK_STR (id, "a4c8e41116b98a93");
    //  The same from the set of codes, sorted: repeats count once there.
    lister_codes_t *set = lister_codes_new (8);
    for (int i = 0; i < MANY; i++)
        CHECK_INT (lister_codes_add (set, many[i]), 0);
    CHECK_INT (lister_codes_add (set, many[0]), 0);
    CHECK_INT (lister_codes_sort (set), 1);
    char again[LISTER_RUN_ID_LEN + 1];
    CHECK_INT (lister_run_id_codes ("kr", "backfill", "2015-01-01", "2024-12-30", set, again), 0);
    CHECK_STR (again, "a4c8e41116b98a93");
    lister_codes_destroy (&set);
    //  A different universe, a different name.
    CHECK_INT (lister_run_id ("kr", "backfill", "2015-01-01", "2024-12-30", many, MANY - 1, id), 0);
    CHECK (strcmp (id, "a4c8e41116b98a93") != 0);
    CHECK_INT (strlen (id), LISTER_RUN_ID_LEN);
}

static void
test_sha256_pieces (void)
{
    char hex[65], one[65];
    eod_sha256_t *h = eod_sha256_new ();
    CHECK (h != NULL);
    CHECK_INT (eod_sha256_update (h, "a", 1), 0);
    CHECK_INT (eod_sha256_update (h, "bc", 2), 0);
    CHECK_INT (eod_sha256_final_hex (h, hex), 0);
    CHECK_STR (hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    eod_sha256_destroy (&h);
    CHECK (h == NULL);
    eod_sha256_destroy (&h);
    //  Nothing added.
    h = eod_sha256_new ();
    CHECK_INT (eod_sha256_final_hex (h, hex), 0);
    CHECK_STR (hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    eod_sha256_destroy (&h);
    //  A text across a block boundary, a byte at a time, as the one-shot.
    const char *text = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    h = eod_sha256_new ();
    for (size_t i = 0; i < strlen (text); i++)
        CHECK_INT (eod_sha256_update (h, text + i, 1), 0);
    CHECK_INT (eod_sha256_final_hex (h, hex), 0);
    eod_sha256_destroy (&h);
    CHECK_STR (hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    eod_sha256_hex (text, strlen (text), one);
    CHECK_STR (hex, one);
}

int
main (void)
{
    eod_log_init ("test_lister_run_id");
    test_known_ids ();
    test_sha256_pieces ();
    return EOD_TEST_DONE ();
}
