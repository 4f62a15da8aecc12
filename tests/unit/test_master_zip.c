/*  test_master_zip — the zip reader of the master files
    (common/sources/master_zip.c): an entry found by the end of its name in
    any case, inflated into a buffer or streamed through a reader in chunks
    (records straddling them, a cut last record), the cap on an entry that
    inflates too far, and what is said when the archive is cut, is no zip,
    is missing or lacks the entry. */
#include "eod_test.h"
#include "eod_log.h"
#include "eod_master.h"
#include "master_fixtures.h"

static void
test_unzip (void)
{
    const char *content = "US\t22\tNAS\tX\tAAPL\tNASAAPL\tK\tAPPLE INC\t2\tUSD\n";
    size_t ziplen = 0;
    char *zip = master_make_zip ("NASMST.COD", content, strlen (content), &ziplen);
    CHECK (zip != NULL);
    if (!zip)
        return;
    char *out = NULL;
    size_t outlen = 0;
    char err[256];
    CHECK_INT (eod_master_unzip (zip, ziplen, "nasmst.cod", &out, &outlen, err, sizeof (err)), 0);
    CHECK_INT (outlen, strlen (content));
    CHECK_STR (out, content);
    free (out);
    CHECK_INT (eod_master_unzip (zip, ziplen, "kospi_code.mst", &out, &outlen, err, sizeof (err)), -1);
    CHECK (out == NULL);
    CHECK (strstr (err, "no entry") != NULL);
    CHECK (strstr (err, "NASMST.COD") != NULL);
    CHECK_INT (eod_master_unzip ("not a zip at all", 16, "x.mst", &out, &outlen, err, sizeof (err)), -1);
    CHECK (strstr (err, "not a zip") != NULL);
    //  A truncated archive.
    CHECK_INT (eod_master_unzip (zip, ziplen / 2, "nasmst.cod", &out, &outlen, err, sizeof (err)), -1);
    free (zip);

    //  One byte over the cap (zeros compress to almost nothing).
    size_t big = EOD_MASTER_UNZIP_MAX + 1;
    char *zeros = calloc (1, big);
    CHECK (zeros != NULL);
    if (!zeros)
        return;
    zip = master_make_zip ("kospi_code.mst", zeros, big, &ziplen);
    free (zeros);
    CHECK (zip != NULL);
    if (!zip)
        return;
    CHECK (ziplen < big / 100);
    CHECK_INT (eod_master_unzip (zip, ziplen, "KOSPI_CODE.MST", &out, &outlen, err, sizeof (err)), -1);
    CHECK (out == NULL);
    CHECK (strstr (err, "cap") != NULL);
    free (zip);
}

static int
s_cod_count (const eod_cod_record_t *rec, void *arg)
{
    (*(size_t *) arg)++;
    return rec->symbol[0] ? 0 : 1;
}

static void
test_unzip_parse (void)
{
    //  A KOSDAQ file bigger than a read chunk, so records straddle chunks.
    size_t n = 0;
    char *rec = master_cp949 (master_ecopro, &n);
    CHECK (rec != NULL);
    if (!rec)
        return;
    size_t nrec = 3 * EOD_MASTER_READ_CHUNK / (n + 1) + 1;
    size_t len = nrec * (n + 1);
    char *mst = malloc (len);
    CHECK (mst != NULL);
    if (!mst) {
        free (rec);
        return;
    }
    for (size_t i = 0; i < nrec; i++) {
        memcpy (mst + i * (n + 1), rec, n);
        mst[i * (n + 1) + n] = '\n';
    }
    free (rec);
    size_t ziplen = 0;
    char *zip = master_make_zip ("kosdaq_code.mst", mst, len - 100, &ziplen);   //  last record cut
    free (mst);
    CHECK (zip != NULL);
    if (!zip)
        return;
    char path[64];
    CHECK_INT (master_temp_file (zip, ziplen, path), 0);
    master_seen_t seen = {.count = 0};
    eod_master_reader_t *r = eod_master_reader_new (EOD_MASTER_KOSDAQ, "kosdaq_code.mst", master_collect, &seen);
    char err[300];
    master_capture_t cap;
    master_capture_begin (&cap);
    CHECK_INT (eod_master_unzip_parse (path, "KOSDAQ_CODE.MST", r, err, sizeof (err)), 0);
    char *log = master_capture_end (&cap);
    const eod_master_stats_t *st = eod_master_reader_stats (r);
    CHECK_INT (st->records, nrec - 1);
    CHECK_INT (st->garbled, 1);
    CHECK_INT (st->lines, nrec);
    char want[128];
    snprintf (want, sizeof (want), "kosdaq_code.mst:%zu: garbled kosdaq record skipped: record is %zu bytes", nrec,
              n - 99);
    CHECK (strstr (log, want) != NULL);
    free (log);
    eod_master_reader_destroy (&r);

    //  No such entry: the names found are said.
    r = eod_master_reader_new (EOD_MASTER_KOSPI, NULL, master_collect, &seen);
    CHECK_INT (eod_master_unzip_parse (path, "kospi_code.mst", r, err, sizeof (err)), -1);
    CHECK (strstr (err, "no entry") != NULL && strstr (err, "kosdaq_code.mst") != NULL);
    eod_master_reader_destroy (&r);
    unlink (path);

    //  A cut archive and a file that is no zip: the path is said.
    CHECK_INT (master_temp_file (zip, ziplen / 2, path), 0);
    r = eod_master_reader_new (EOD_MASTER_KOSDAQ, NULL, master_collect, &seen);
    CHECK_INT (eod_master_unzip_parse (path, "kosdaq_code.mst", r, err, sizeof (err)), -1);
    CHECK (strstr (err, path) != NULL);
    eod_master_reader_destroy (&r);
    unlink (path);
    free (zip);
    CHECK_INT (master_temp_file ("not a zip at all", 16, path), 0);
    r = eod_master_reader_new (EOD_MASTER_KOSDAQ, NULL, master_collect, &seen);
    CHECK_INT (eod_master_unzip_parse (path, "kosdaq_code.mst", r, err, sizeof (err)), -1);
    CHECK (strstr (err, "not a readable zip") != NULL);
    eod_master_reader_destroy (&r);
    unlink (path);
    r = eod_master_reader_new (EOD_MASTER_KOSDAQ, NULL, master_collect, &seen);
    CHECK_INT (eod_master_unzip_parse ("/nonexistent/x.zip", "x.mst", r, err, sizeof (err)), -1);
    CHECK (strstr (err, "/nonexistent/x.zip") != NULL);
    eod_master_reader_destroy (&r);

    //  A .cod archive through a .cod reader; the callback stopping is an error.
    const char *cod = "US\t22\tNAS\tX\tAAPL\tNASAAPL\tK\tAPPLE INC\t2\tUSD\n"
                      "US\t22\tNAS\tX\tMSFT\tNASMSFT\tK\tMICROSOFT\t2\tUSD\n";
    zip = master_make_zip ("NASMST.COD", cod, strlen (cod), &ziplen);
    CHECK (zip != NULL);
    if (!zip)
        return;
    CHECK_INT (master_temp_file (zip, ziplen, path), 0);
    free (zip);
    size_t count = 0;
    r = eod_cod_reader_new ("nasmst.cod", s_cod_count, &count);
    CHECK_INT (eod_master_unzip_parse (path, "nasmst.cod", r, err, sizeof (err)), 0);
    CHECK_INT (count, 2);
    CHECK_INT (eod_master_reader_stats (r)->records, 2);
    eod_master_reader_destroy (&r);
    unlink (path);
}

int
main (void)
{
    eod_log_init ("test_master_zip");
    test_unzip ();
    test_unzip_parse ();
    return EOD_TEST_DONE ();
}
