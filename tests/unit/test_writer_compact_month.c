/*  test_writer_compact_month — pass 2 of the fold for one month's spool
    (stages/writer/compact.c, writer_compact_month), on spools made by hand
    in the record format of spool.h: keys out of order and repeated give the
    header and each key's first line, sorted, byte for byte; damaged spools
    (a line cut off, a key that is not "YYYY-MM-DD\tCODE", a length cut in
    two, no spool at all) fail, name the spool and the byte where the
    damaged record starts, and write no file. */
#include "compact.h"
#include "writer_csv.h"
#include "writer_fixture.h"

//  Folds the spool at rel into data_rel with stderr captured into log (NUL
//  terminated, up to FIXTURE_LOG_MAX bytes). Returns what writer_compact_month
//  did.
static long
s_fold_spool (const char *rel, const char *data_rel, fixture_files_t *files, char *log)
{
    char spool[FIXTURE_PATH_MAX], data[FIXTURE_PATH_MAX];
    fixture_path (spool, rel);
    fixture_path (data, data_rel);
    memset (files, 0, sizeof *files);
    int saved = fixture_capture_begin ();
    long rc = writer_compact_month (spool, data, "kr", NULL, NULL, fixture_on_file, files);
    fixture_capture_end (saved, log);
    return rc;
}

//  (h) A hand-made spool: keys out of order and repeated. The file holds the
//  header and the lines in key order, each key's first record, byte for byte.
static void
s_test_spool_direct (void)
{
    char path[FIXTURE_PATH_MAX];
    FILE *f = fixture_open ("h.spool", "wb", path);
    if (!f)
        return;
    const char *rows[][2] = {{"2024-04-02\tB", "b first\n"},     {"2024-04-01\tZ", "z\n"},
                             {"2024-04-02\tA", "a \"x\"\n,y\n"}, {"2024-04-02\tB", "b second\n"},
                             {"2024-04-01\tY", "y\n"},           {"2024-04-02\tAB", "ab\n"}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        fixture_spool_record (f, rows[i][0], (uint32_t) strlen (rows[i][0]), rows[i][1],
                              (uint32_t) strlen (rows[i][1]));
    fclose (f);
    static char log[FIXTURE_LOG_MAX];
    fixture_files_t fl;
    CHECK_INT (s_fold_spool ("h.spool", "data-h", &fl, log), 5);
    CHECK_INT (fl.count, 2);
    CHECK_STR (fl.date[0], "2024-04-01");
    CHECK_INT (fl.rows[0], 2);
    CHECK_INT (fl.rows[1], 3);
    const char *const *cols;
    size_t n = writer_csv_columns ("kr", &cols);
    char header[1024] = "";
    size_t at = 0;
    for (size_t c = 0; c < n; c++)
        at += (size_t) snprintf (header + at, sizeof header - at, "%s%s", c ? "," : "", cols[c]);
    char want[2048];
    snprintf (want, sizeof want, "%s\ny\nz\n", header);
    char *text = fixture_read ("data-h/market=kr/dt=2024-04-01/kr_20240401.csv");
    CHECK_STR (text, want);
    free (text);
    snprintf (want, sizeof want, "%s\na \"x\"\n,y\nab\nb first\n", header);
    text = fixture_read ("data-h/market=kr/dt=2024-04-02/kr_20240402.csv");
    CHECK_STR (text, want);
    free (text);
}

//  (i) Damaged spools: the fold fails, names the spool and the byte where the
//  damaged record starts, and writes no file.
static void
s_test_spool_damaged (void)
{
    static char log[FIXTURE_LOG_MAX];
    char path[FIXTURE_PATH_MAX], want[FIXTURE_PATH_MAX + 64];
    fixture_files_t fl;
    //  A line longer than what follows (a cut-off spool), after two good
    //  records of 4+13+4+3 bytes each.
    FILE *f = fixture_open ("i1.spool", "wb", path);
    if (f) {
        fixture_spool_record (f, "2024-05-02\tA", 12, "a\n", 2);
        fixture_spool_record (f, "2024-05-02\tB", 12, "b\n", 2);
        fixture_spool_record (f, "2024-05-02\tC", 12, "c\n", 200);
        fclose (f);
    }
    CHECK_INT (s_fold_spool ("i1.spool", "data-i", &fl, log), -1);
    CHECK_INT (fl.count, 0);
    snprintf (want, sizeof want, "%s: damaged at byte 48 ", path);
    CHECK (strstr (log, want) != NULL);
    CHECK (!fixture_exists ("data-i"));
    //  A key that is not "YYYY-MM-DD\tCODE" in the second record.
    f = fixture_open ("i2.spool", "wb", path);
    if (f) {
        fixture_spool_record (f, "2024-05-02\tA", 12, "a\n", 2);
        fixture_spool_record (f, "2024-05-02 B", 12, "b\n", 2);
        fclose (f);
    }
    CHECK_INT (s_fold_spool ("i2.spool", "data-i", &fl, log), -1);
    snprintf (want, sizeof want, "%s: damaged at byte 24 ", path);
    CHECK (strstr (log, want) != NULL);
    //  A length field cut in two at the end.
    f = fixture_open ("i3.spool", "wb", path);
    if (f) {
        fixture_spool_record (f, "2024-05-02\tA", 12, "a\n", 2);
        CHECK_INT (fwrite ("\0\0", 1, 2, f), 2);
        fclose (f);
    }
    CHECK_INT (s_fold_spool ("i3.spool", "data-i", &fl, log), -1);
    snprintf (want, sizeof want, "%s: damaged at byte 24 ", path);
    CHECK (strstr (log, want) != NULL);
    CHECK (!fixture_exists ("data-i"));
    //  A missing spool is an error too.
    CHECK_INT (s_fold_spool ("none.spool", "data-i", &fl, log), -1);
    CHECK (strstr (log, "none.spool") != NULL);
}

int
main (void)
{
    if (fixture_begin ("test_writer_compact_month"))
        return 1;
    s_test_spool_direct ();
    s_test_spool_damaged ();
    fixture_end ();
    return EOD_TEST_DONE ();
}
