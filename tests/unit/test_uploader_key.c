/*  test_uploader_key — the S3 key of a finished file (stages/uploader/
    object_key.c): the Athena layout under a prefix, templates, and every
    hostile market, date, file name and prefix refused before a key is made
    (no '..' that would reach another bucket, no read past a short date),
    and a key that does not fit refused rather than cut. */
#include "eod_test.h"
#include "datasets.h"
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

//  The key of one file of data set d under settings in.
static const char *
s_ds_key (const uploader_settings_t *in, uploader_dataset_t d, const char *market, const char *date, const char *file)
{
    static char key[512];
    char why[512] = "";
    uploader_datasets_t ds;
    if (uploader_datasets_resolve (in, &ds, why, sizeof why))
        return "(refused)";
    if (uploader_dataset_key (&ds, d, market, date, file, key, sizeof key, why, sizeof why))
        return "(no key)";
    return key;
}

static void
s_test_datasets (void)
{
    uploader_dataset_t d;
    CHECK (uploader_dataset_of ("market=kr/dt=2024-09-02/kr_20240902.csv", "kr", &d) == 0 && d == UPLOADER_DS_KR);
    CHECK (uploader_dataset_of ("market=us/dt=2024-08-30/us_20240830.csv", "us", &d) == 0 && d == UPLOADER_DS_US);
    CHECK (uploader_dataset_of ("codes/market=kr/dt=2024-09-02/kospi_code_20240902.csv", "kr", &d) == 0
           && d == UPLOADER_DS_CODES);
    CHECK (uploader_dataset_of ("anomalies/market=kr/dt=2024-09-02/x.csv", "kr", &d) == 0
           && d == UPLOADER_DS_ANOMALIES);
    CHECK (uploader_dataset_of ("close/market=kr/dt=2024-09-02/kr_close_20240902.csv", "kr", &d) == 0
           && d == UPLOADER_DS_CLOSE);
    CHECK_STR (uploader_dataset_name (UPLOADER_DS_CLOSE), "close");
    CHECK_INT (uploader_dataset_of ("market=kr/dt=2024-09-02/kr_20240902.csv", "us", &d), -1);   //  another market's
    CHECK_INT (uploader_dataset_of ("other/x.csv", "kr", &d), -1);
    CHECK_INT (uploader_dataset_of ("kr_20240902.csv", "kr", &d), -1);
    CHECK_INT (uploader_dataset_of (NULL, "kr", &d), -1);

    //  The hive layout: today's keys; the lists and anomalies under prefixes of their own.
    uploader_settings_t hive = {.bucket = "b", .prefix = "eod/"};
    CHECK_STR (s_ds_key (&hive, UPLOADER_DS_KR, "kr", "2024-09-02", "kr_20240902.csv"),
               "eod/market=kr/dt=2024-09-02/kr_20240902.csv");
    CHECK_STR (s_ds_key (&hive, UPLOADER_DS_CODES, "kr", "2024-09-03", "kospi_code_20240903.csv"),
               "eod/codes/kospi_code/dt=2024-09-03/kospi_code_20240903.csv");
    CHECK_STR (s_ds_key (&hive, UPLOADER_DS_ANOMALIES, "us", "2024-08-30", "us_anomalies_20240830.csv"),
               "eod/anomalies/market=us/dt=2024-08-30/us_anomalies_20240830.csv");
    CHECK_STR (s_ds_key (&hive, UPLOADER_DS_CLOSE, "kr", "2024-09-02", "kr_close_20240902.csv"),
               "eod/close/market=kr/dt=2024-09-02/kr_close_20240902.csv");
    CHECK_STR (s_ds_key (&hive, UPLOADER_DS_CODES, "kr", "2024-09-03", "kospi_code.csv"), "(no key)");
    CHECK_STR (s_ds_key (&hive, UPLOADER_DS_CODES, "kr", "2024-09-03", "../x_20240903.csv"), "(no key)");

    //  The reference layout, a bucket per data set: the reference's keys at their roots.
    uploader_settings_t ref = {.layout = "reference", .buckets = {"old-kr", "old-us", "old-codes", NULL}};
    CHECK_STR (s_ds_key (&ref, UPLOADER_DS_KR, "kr", "2024-09-02", "kr_20240902.csv"),
               "year=2024/month=09/day=02/market_20240902.csv");
    CHECK_STR (s_ds_key (&ref, UPLOADER_DS_US, "us", "2024-08-30", "us_20240830.csv"),
               "year=2024/month=08/day=30/market_20240830.csv");
    CHECK_STR (s_ds_key (&ref, UPLOADER_DS_CODES, "us", "2024-09-03", "us_market_stock_20240903.csv"),
               "2024/09/03/us_market_stock_20240903.csv");
    //  The fast close in the bucket of its own ([s3] close_bucket).
    uploader_settings_t ref_close = ref;
    ref_close.buckets[UPLOADER_DS_CLOSE] = "kr-close";
    CHECK_STR (s_ds_key (&ref_close, UPLOADER_DS_CLOSE, "kr", "2024-09-02", "kr_close_20240902.csv"),
               "year=2024/month=09/day=02/kr_close_20240902.csv");
    ref_close.reference_keys = "daily";
    CHECK_STR (s_ds_key (&ref_close, UPLOADER_DS_CLOSE, "kr", "2024-09-02", "kr_close_20240902.csv"),
               "20240902/kr_close_20240902.csv");
    ref.reference_keys = "daily";
    CHECK_STR (s_ds_key (&ref, UPLOADER_DS_KR, "kr", "2024-09-02", "kr_20240902.csv"), "20240902/market_20240902.csv");
    CHECK_STR (s_ds_key (&ref, UPLOADER_DS_CODES, "kr", "2024-09-03", "kosdaq_code_20240903.csv"),
               "20240903/kosdaq_code_20240903.csv");
    uploader_datasets_t ds;
    char why[512] = "";
    CHECK_INT (uploader_datasets_resolve (&ref, &ds, why, sizeof why), 0);
    CHECK_STR (ds.targets[UPLOADER_DS_ANOMALIES].bucket, "");   //  no bucket: kept local

    //  The reference layout in one bucket: each data set under its name.
    uploader_settings_t one = {.layout = "reference", .bucket = "b", .prefix = "p"};
    CHECK_STR (s_ds_key (&one, UPLOADER_DS_US, "us", "2024-08-30", "us_20240830.csv"),
               "p/us/year=2024/month=08/day=30/market_20240830.csv");
    CHECK_STR (s_ds_key (&one, UPLOADER_DS_CODES, "kr", "2024-09-03", "kospi_code_20240903.csv"),
               "p/codes/2024/09/03/kospi_code_20240903.csv");
    CHECK_STR (s_ds_key (&one, UPLOADER_DS_CLOSE, "kr", "2024-09-02", "kr_close_20240902.csv"),
               "p/close/year=2024/month=09/day=02/kr_close_20240902.csv");

    //  Refused: KR and US prices on one key, a list under a price table, a bad layout or prefix.
    static const uploader_settings_t refused[] = {
        {.layout = "reference", .buckets = {"same", "same", "c", NULL}},
        {.layout = "reference", .buckets = {"kr", "us", "kr", NULL}, .prefixes = {NULL, NULL, "lists", NULL}},
        {.layout = "hive", .bucket = "b", .prefixes = {NULL, NULL, "market=kr/codes", NULL}},
        {.layout = "hive", .bucket = "b", .prefixes = {"", "", "", "anomalies"}, .buckets = {NULL, NULL, NULL, NULL}},
        {.layout = "flat", .bucket = "b"},
        {.layout = "reference", .reference_keys = "monthly", .bucket = "b"},
        {.bucket = "b", .prefixes = {"../up", NULL, NULL, NULL}},
        //  The fast close under the KR price table, and a list under the fast close.
        {.layout = "hive", .bucket = "b", .prefixes = {NULL, NULL, NULL, NULL, "market=kr/close"}},
        {.layout = "reference", .buckets = {"kr", "us", "c", NULL, "kr"}},
        {.layout = "hive", .bucket = "b", .prefixes = {NULL, NULL, "close/lists", NULL, "close"}},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        why[0] = '\0';
        int rc = uploader_datasets_resolve (&refused[i], &ds, why, sizeof why);
        if (i == 3)
            CHECK_INT (rc, 0);   //  hive prices at market=M/, anomalies beside them: apart
        else if (rc != -1 || !*why) {
            printf ("FAIL settings %zu were not refused\n", i);
            CHECK (false);
        }
    }
    CHECK_INT (uploader_datasets_resolve (&refused[0], &ds, why, sizeof why), -1);
    CHECK (strstr (why, "and the price table kr (s3://same/) would share a location") != NULL);
    CHECK_INT (uploader_datasets_resolve (&refused[9], &ds, why, sizeof why), -1);
    CHECK (strstr (why, "the objects of data set codes (s3://b/close/lists/) and the table close (s3://b/close/)")
           != NULL);
}

int
main (void)
{
    s_test_datasets ();
    s_test_layout ();
    s_test_hostile ();
    s_test_short_date_heap ();
    s_test_bounds ();
    return EOD_TEST_DONE ();
}
