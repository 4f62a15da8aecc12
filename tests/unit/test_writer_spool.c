/*  test_writer_spool — pass 1 of the fold (stages/writer/spool.c): spool
    records written and read back with their offsets, damaged records
    refused; a journal spooled into one file per month next to it (a stale
    spool removed first, the spool removed at the end), months in ascending
    order, rows of another market left out, rows without a valid trade date
    counted and skipped, each row's CSV line under its key, and a
    snapshot on the row of the session it describes only (snapshot.c). */
#include "spool.h"
#include "writer_csv.h"
#include "writer_fixture.h"

#define S_LINE_MAX 4096

static void
s_test_records (void)
{
    char key[WRITER_SPOOL_KEY_MAX];
    writer_spool_key (key, "2024-05-02", "005930");
    CHECK_STR (key, "2024-05-02\t005930");
    char path[FIXTURE_PATH_MAX];
    FILE *f = fixture_open ("records.spool", "wb", path);
    if (!f)
        return;
    //  The offsets writer_spool_put reports are where the bytes land.
    uint64_t end = 0, at1 = 0, at2 = 0;
    const char *line2 = "b,\"x\ny\"\n";
    CHECK_INT (writer_spool_put (f, key, "a\n", 2, &end, &at1), 0);
    CHECK_INT (end, 4 + 17 + 1 + 4 + 2 + 1);
    CHECK_INT (at1, 4 + 17 + 1 + 4);
    CHECK_INT (writer_spool_put (f, "2024-05-03\tB", line2, strlen (line2), &end, &at2), 0);
    CHECK_INT (writer_spool_put (f, "2024-05-04\tC", "c\n", 2, NULL, NULL), 0);
    fclose (f);
    struct stat st;
    CHECK (stat (path, &st) == 0);
    uint64_t size = (uint64_t) st.st_size;
    CHECK_INT (size, end + 4 + 12 + 1 + 4 + 2 + 1);
    f = fixture_open ("records.spool", "rb", path);
    if (!f)
        return;
    uint64_t pos = 0, line_at = 0;
    uint32_t len = 0;
    char got[WRITER_SPOOL_KEY_MAX], line[S_LINE_MAX];
    CHECK_INT (writer_spool_get (f, size, &pos, got, &line_at, &len), 0);
    CHECK_STR (got, "2024-05-02\t005930");
    CHECK_INT (line_at, at1);
    CHECK_INT (len, 2);
    CHECK_INT (writer_spool_get (f, size, &pos, got, &line_at, &len), 0);
    CHECK_STR (got, "2024-05-03\tB");
    CHECK_INT (line_at, at2);
    CHECK_INT (len, strlen (line2));
    CHECK_INT (pos, end);
    CHECK_INT (pread (fileno (f), line, len, (off_t) line_at), len);
    line[len] = '\0';
    CHECK_STR (line, line2);
    CHECK_INT (writer_spool_get (f, size, &pos, got, &line_at, &len), 0);
    CHECK_INT (pos, size);
    //  Past the end: nothing to read.
    CHECK_INT (writer_spool_get (f, size, &pos, got, &line_at, &len), -1);
    fclose (f);
}

//  Writes one record whose fields lie as told and checks what
//  writer_spool_get makes of it: want, 0 or -1 (then nothing is taken).
static void
s_check_record (const char *name, const char *key, uint32_t klen, const char *line, uint32_t llen, bool line_nul,
                int want)
{
    char path[FIXTURE_PATH_MAX];
    FILE *f = fixture_open (name, "wb", path);
    if (!f)
        return;
    fixture_spool_record (f, key, klen, line, llen);
    fclose (f);
    struct stat st;
    CHECK (stat (path, &st) == 0);
    if (!line_nul) {
        st.st_size--;   //  the NUL after the line
        CHECK (truncate (path, st.st_size) == 0);
    }
    f = fixture_open (name, "rb", path);
    if (!f)
        return;
    uint64_t pos = 0, line_at = 0;
    uint32_t len = 0;
    char got[WRITER_SPOOL_KEY_MAX];
    CHECK_INT (writer_spool_get (f, (uint64_t) st.st_size, &pos, got, &line_at, &len), want);
    CHECK_INT (pos, want ? 0 : (uint64_t) st.st_size);
    fclose (f);
}

static void
s_test_damaged (void)
{
    s_check_record ("d0.spool", "2024-05-02\tA", 12, "a\n", 2, true, 0);      //  whole: the others differ from it
    s_check_record ("d1.spool", "2024-05-02", 10, "a\n", 2, true, -1);        //  no code
    s_check_record ("d2.spool", "2024-05-02 A", 12, "a\n", 2, true, -1);      //  no tab
    s_check_record ("d3.spool", "2024-05-02\tA", 11, "a\n", 2, true, -1);     //  the key's NUL elsewhere
    s_check_record ("d4.spool", "2024-05-02\tA", 12, "a\n", 200, true, -1);   //  the line cut off
    s_check_record ("d5.spool", "2024-05-02\tA", 12, "a\n", 2, false, -1);    //  no NUL after the line
    s_check_record ("d6.spool", "2024-05-02\tA", 12, "a\n", 0, true, -1);     //  an empty line
}

//  The rows of a spool file, "KEY|LINE" each, joined, into out.
static void
s_spooled (const char *rel, char *out, size_t size)
{
    out[0] = '\0';
    char path[FIXTURE_PATH_MAX];
    FILE *f = fixture_open (rel, "rb", path);
    if (!f)
        return;
    struct stat st;
    CHECK (fstat (fileno (f), &st) == 0);
    uint64_t pos = 0, line_at = 0;
    uint32_t len = 0;
    char key[WRITER_SPOOL_KEY_MAX], line[S_LINE_MAX];
    size_t used = 0;
    while (pos < (uint64_t) st.st_size && writer_spool_get (f, (uint64_t) st.st_size, &pos, key, &line_at, &len) == 0
           && len < sizeof line) {
        CHECK_INT (pread (fileno (f), line, len, (off_t) line_at), len);
        line[len] = '\0';
        used += (size_t) snprintf (out + used, size - used, "%s|%s", key, line);
        if (used >= size)
            break;
    }
    fclose (f);
}

//  A journal of two months, a US RESULT and a row without a date.
static void
s_test_fill (void)
{
    const char *feb_jan[] = {"20240201", "20240131", "2024013"};
    const char *mar[] = {"20240304"};
    eod_msg_t *msgs[3] = {fixture_result ("s1", "111111", "a", feb_jan, 3),
                          fixture_result ("s2", "222222", "b", mar, 1), fixture_result ("s3", "AAPL", "c", mar, 1)};
    eod_msg_set (&msgs[2]->market, "us");
    //  s2 is a daily task of 2024-03-04 asked that evening: its snapshot is
    //  of that session. s1's rows are of sessions before the one its
    //  snapshot describes: not written.
    time_t evening;
    CHECK (eod_instant_parse ("2024-03-04T18:30:00+09:00", &evening) == 0);
    eod_msg_set (&msgs[1]->mode, "daily");
    eod_msg_set (&msgs[1]->date_to, "2024-03-04");
    msgs[1]->asked_at = evening;
    eod_fields_set (&msgs[1]->rows[0], "stck_clpr", "77");
    eod_fields_set (&msgs[1]->rows[0], "prdy_vrss", "-1");
    eod_fields_set (&msgs[1]->snapshot, "stck_prpr", "77");
    eod_fields_set (&msgs[1]->snapshot, "prdy_vrss", "-1");
    eod_fields_set (&msgs[0]->snapshot, "stck_prpr", "88");
    msgs[0]->asked_at = evening;
    size_t order[] = {2, 1, 0};
    fixture_write_journal ("fill.journal", msgs, order, 3);
    //  A spool a crashed fold left is removed first.
    char stale[FIXTURE_PATH_MAX], journal[FIXTURE_PATH_MAX], path[FIXTURE_PATH_MAX], want[FIXTURE_PATH_MAX];
    fixture_path (stale, "fill.spool");
    CHECK (eod_mkdirs (stale, 0700) == 0);
    fixture_path (stale, "fill.spool/2023-12.spool");
    CHECK (eod_write_file_atomic (stale, "junk", 4, 0600) == 0);
    fixture_path (journal, "fill.journal");
    eod_cal_t *cal = eod_cal_new (EOD_SOURCE_DIR "/config/calendars");
    writer_snapshot_t *snapshot = writer_snapshot_new (cal, 10000);
    CHECK (cal && snapshot);
    writer_spool_t *spool = writer_spool_new (journal, "kr", snapshot, NULL);
    CHECK (spool != NULL);
    if (!spool)
        return;
    CHECK (!fixture_exists ("fill.spool"));
    CHECK_INT (writer_spool_fill (spool), 0);
    CHECK_INT (writer_spool_rows (spool), 3);
    CHECK_INT (writer_spool_skipped (spool), 1);
    CHECK_INT (writer_spool_months (spool), 3);
    const char *months[] = {"2024-01", "2024-02", "2024-03"};
    for (size_t i = 0; i < 3 && i < writer_spool_months (spool); i++) {
        writer_spool_path (spool, i, path, sizeof path);
        snprintf (want, sizeof want, "%s/fill.spool/%s.spool", fixture_root, months[i]);
        CHECK_STR (path, want);
    }
    static char text[S_LINE_MAX];
    s_spooled ("fill.spool/2024-01.spool", text, sizeof text);
    CHECK (strncmp (text, "2024-01-31\t111111|2024-01-31,a-20240131,,,,1000,", 48) == 0);
    CHECK (strstr (text, ",\"Name, \"\"quoted\"\"\nline\",") != NULL);
    CHECK (strstr (text, ",88,") == NULL);
    s_spooled ("fill.spool/2024-03.spool", text, sizeof text);
    CHECK (strncmp (text, "2024-03-04\t222222|2024-03-04,77,", 32) == 0);
    CHECK (strstr (text, ",77,222222,") != NULL);
    CHECK (strstr (text, "AAPL") == NULL);
    //  s2's row kept its snapshot; s1's two dated rows are older sessions.
    CHECK_INT (writer_snapshot_count (snapshot, WRITER_SNAPSHOT_KEPT), 1);
    CHECK_INT (writer_snapshot_count (snapshot, WRITER_SNAPSHOT_OLDER), 2);
    CHECK_INT (writer_snapshot_without (snapshot), 2);
    writer_spool_destroy (&spool);
    writer_snapshot_destroy (&snapshot);
    eod_cal_destroy (&cal);
    CHECK (spool == NULL);
    writer_spool_destroy (&spool);
    CHECK (!fixture_exists ("fill.spool"));
    for (size_t i = 0; i < 3; i++)
        eod_msg_destroy (&msgs[i]);
}

//  No journal: nothing spooled. A name without ".journal" gets ".spool" added.
static void
s_test_no_journal (void)
{
    char journal[FIXTURE_PATH_MAX];
    fixture_path (journal, "none");
    writer_spool_t *spool = writer_spool_new (journal, "kr", NULL, NULL);
    CHECK (spool != NULL);
    if (!spool)
        return;
    CHECK_INT (writer_spool_fill (spool), 0);
    CHECK_INT (writer_spool_months (spool), 0);
    CHECK_INT (writer_spool_rows (spool), 0);
    writer_spool_destroy (&spool);
    //  A stale spool that cannot be removed: no spool.
    char stale[FIXTURE_PATH_MAX];
    fixture_path (stale, "none.spool");
    CHECK (eod_mkdirs (stale, 0700) == 0);
    fixture_path (stale, "none.spool/sub");
    CHECK (eod_mkdirs (stale, 0700) == 0);
    spool = writer_spool_new (journal, "kr", NULL, NULL);
    CHECK (spool == NULL);
    CHECK (fixture_exists ("none.spool/sub"));
}

int
main (void)
{
    if (fixture_begin ("test_writer_spool"))
        return 1;
    s_test_records ();
    s_test_damaged ();
    s_test_fill ();
    s_test_no_journal ();
    fixture_end ();
    return EOD_TEST_DONE ();
}
