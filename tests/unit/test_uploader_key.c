/*  test_uploader_key — the S3 key of a finished file (stages/uploader/
    object_key.c): the Athena layout under a prefix, templates, and every
    hostile market, date, file name and prefix refused before a key is made
    (no '..' that would reach another bucket, no read past a short date),
    and a key that does not fit refused rather than cut. */
#include "eod_test.h"
#include "object_key.h"

#include <stdlib.h>
#include <string.h>

#define S_FILE "kr_20240902.csv"

static void
s_test_layout (void)
{
    char key[256], why[200] = "";
    CHECK_INT (uploader_object_key ("", "", "kr", "2024-09-02", S_FILE, key, sizeof key, why, sizeof why), 0);
    CHECK_STR (key, "market=kr/dt=2024-09-02/" S_FILE);
    CHECK_INT (uploader_object_key (NULL, "eod/prices", "us", "2024-08-30", "us_20240830.csv", key, sizeof key, why,
                                    sizeof why),
               0);
    CHECK_STR (key, "eod/prices/market=us/dt=2024-08-30/us_20240830.csv");
    CHECK_INT (uploader_object_key ("", "eod/", "kr", "2024-09-02", S_FILE, key, sizeof key, why, sizeof why), 0);
    CHECK_STR (key, "eod/market=kr/dt=2024-09-02/" S_FILE);
    CHECK_INT (uploader_object_key ("x/{market}/{yyyy}/{mm}/{dd}/{yyyymmdd}-{file}", "ignored", "kr", "2024-09-02",
                                    S_FILE, key, sizeof key, why, sizeof why),
               0);
    CHECK_STR (key, "x/kr/2024/09/02/20240902-" S_FILE);
}

static void
s_test_hostile (void)
{
    static const struct {
        const char *template, *prefix, *market, *date, *file, *why;
    } cases[] = {
        {"", "", "..", "2024-09-02", S_FILE, "the market"},
        {"", "", "kr/../x", "2024-09-02", S_FILE, "the market"},
        {"", "", "", "2024-09-02", S_FILE, "the market"},
        {"", "", "kr", "2024", S_FILE, "the date"},   //  short: never read past its end
        {"", "", "kr", "", S_FILE, "the date"},
        {"", "", "kr", "2024-13-45", S_FILE, "the date"},
        {"", "", "kr", "2024-09-02/../..", S_FILE, "the date"},
        {"", "", "kr", "2024-09-02", "..", "the file name"},
        {"", "", "kr", "2024-09-02", "a/b", "holds '/'"},
        {"", "", "kr", "2024-09-02", "", "the file name"},
        {"", "", "kr", "2024-09-02", "a\nb", "the file name"},
        {"", "../other-bucket", "kr", "2024-09-02", S_FILE, "[s3] prefix"},
        {"", "/abs", "kr", "2024-09-02", S_FILE, "[s3] prefix"},
        {"", "a//b", "kr", "2024-09-02", S_FILE, "[s3] prefix"},
        {"../{file}", "", "kr", "2024-09-02", S_FILE, "the key"},
        {"/{file}", "", "kr", "2024-09-02", S_FILE, "the key"},
        {"{market}//{file}", "", "kr", "2024-09-02", S_FILE, "the key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char key[256] = "unset", why[200] = "";
        int rc = uploader_object_key (cases[i].template, cases[i].prefix, cases[i].market, cases[i].date, cases[i].file,
                                      key, sizeof key, why, sizeof why);
        if (rc != -1 || !strstr (why, cases[i].why))
            fprintf (stderr, "  case %zu: rc %d, key \"%s\", why \"%s\"\n", i, rc, key, why);
        CHECK (rc == -1 && strstr (why, cases[i].why) != NULL);
        CHECK_STR (key, "");
    }
}

//  A short date in a heap block of its exact size: the address sanitizer
//  sees any read past it.
static void
s_test_short_date_heap (void)
{
    char *date = malloc (5);
    CHECK (date != NULL);
    if (!date)
        return;
    memcpy (date, "2024", 5);
    char key[256], why[200];
    CHECK_INT (uploader_object_key ("", "", "kr", date, S_FILE, key, sizeof key, why, sizeof why), -1);
    free (date);
}

static void
s_test_bounds (void)
{
    char key[40], why[200] = "";
    CHECK_INT (uploader_object_key ("", "eod", "kr", "2024-09-02", S_FILE, key, sizeof key, why, sizeof why), -1);
    CHECK_STR (key, "");
    CHECK (strstr (why, "longer than 39 bytes") != NULL);
    char fits[sizeof "market=kr/dt=2024-09-02/" S_FILE];
    CHECK_INT (uploader_object_key ("", "", "kr", "2024-09-02", S_FILE, fits, sizeof fits, why, sizeof why), 0);
    CHECK_INT (uploader_object_key ("", "", "kr", "2024-09-02", S_FILE, fits, sizeof fits - 1, why, sizeof why), -1);
}

int
main (void)
{
    s_test_layout ();
    s_test_hostile ();
    s_test_short_date_heap ();
    s_test_bounds ();
    return EOD_TEST_DONE ();
}
