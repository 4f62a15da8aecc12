/*  test_master_reader — the streaming reader of a master file
    (common/sources/master_reader.c): for any split of the bytes it gives
    what the whole-buffer parse gives (records across chunks, CRLF split, a
    truncated last record, an overlong line), says where a garbled record
    was, and stays stopped once its callback stopped it. */
#include "eod_test.h"
#include "eod_log.h"
#include "eod_master.h"
#include "master_fixtures.h"

//  Parses b through a reader fed in chunks of step bytes.
static int
s_stream (eod_master_kind_t kind, const char *bytes, size_t len, size_t step, master_seen_t *seen,
          eod_master_stats_t *stats)
{
    eod_master_reader_t *r = eod_master_reader_new (kind, "stream.mst", master_collect, seen);
    if (!r)
        return -2;
    int rc = 0;
    for (size_t pos = 0; pos < len && rc == 0; pos += step)
        rc = eod_master_reader_feed (r, bytes + pos, len - pos < step ? len - pos : step);
    if (rc == 0)
        rc = eod_master_reader_end (r);
    *stats = *eod_master_reader_stats (r);
    eod_master_reader_destroy (&r);
    eod_master_reader_destroy (&r);
    return rc;
}

//  The garbled KOSDAQ input of test_kosdaq_garbled.
static void
s_garbled_input (master_buf_t *b)
{
    size_t n = 0;
    char *good = master_cp949 (master_ecopro, &n);
    if (!good)
        return;
    master_add_record (b, master_spac);
    master_add_text (b, "\r\n");
    master_add (b, good, 200);
    master_add_text (b, "\r\n");
    char bad[EOD_MASTER_KOSDAQ_RECORD_LEN];
    memcpy (bad, good, n);
    memcpy (bad + 267, "00010A645", 9);
    master_add (b, bad, n);
    master_add_text (b, "\r\n\r\n");
    memcpy (bad, good, n);
    bad[21] = (char) 0xff;
    bad[22] = (char) 0xfe;
    master_add (b, bad, n);
    master_add_text (b, "\r\n");
    master_add_record (b, master_silla);
    master_add_text (b, "\r\n");
    memcpy (bad, good, n);
    bad[217] = 'X';
    master_add (b, bad, n);
    master_add_text (b, "\r\n");
    master_add (b, good, n);
    free (good);
}

static void
test_stream_splits (void)
{
    master_buf_t b = {.len = 0};
    s_garbled_input (&b);
    CHECK (b.len > 1000);
    master_seen_t whole = {.count = 0};
    eod_master_stats_t ws;
    CHECK_INT (eod_master_parse (EOD_MASTER_KOSDAQ, b.data, b.len, "whole.mst", master_collect, &whole, &ws), 0);
    //  Every chunk size, from one byte (CR and LF in different feeds, every
    //  record across many) to one bigger than the input.
    static const size_t steps[] = {1, 2, 3, 7, 64, 281, 282, 283, 284, 500, 4096};
    for (size_t i = 0; i < sizeof (steps) / sizeof (steps[0]); i++) {
        master_seen_t seen = {.count = 0};
        eod_master_stats_t st;
        CHECK_INT (s_stream (EOD_MASTER_KOSDAQ, b.data, b.len, steps[i], &seen, &st), 0);
        CHECK_INT (st.lines, ws.lines);
        CHECK_INT (st.blank, ws.blank);
        CHECK_INT (st.records, 3);
        CHECK_INT (st.garbled, 4);
        CHECK_INT (seen.count, whole.count);
        for (size_t k = 0; k < seen.count && k < whole.count; k++) {
            CHECK_STR (seen.rec[k].short_code, whole.rec[k].short_code);
            CHECK_STR (seen.rec[k].name, whole.rec[k].name);
            CHECK_INT (seen.rec[k].line, whole.rec[k].line);
            CHECK_INT (seen.rec[k].market_cap, whole.rec[k].market_cap);
            CHECK_STR (seen.rec[k].tail, whole.rec[k].tail);
        }
    }
}

static void
test_stream_truncated_and_garbled (void)
{
    //  A good record, then one cut short by the end of the file.
    master_buf_t b = {.len = 0};
    master_add_record (&b, master_ecopro);
    master_add_text (&b, "\n");
    size_t n = 0;
    char *silla_bytes = master_cp949 (master_silla, &n);
    CHECK (silla_bytes != NULL);
    if (!silla_bytes)
        return;
    master_add (&b, silla_bytes, 150);
    master_seen_t seen = {.count = 0};
    eod_master_stats_t st;
    master_capture_t cap;
    master_capture_begin (&cap);
    int rc = s_stream (EOD_MASTER_KOSDAQ, b.data, b.len, 100, &seen, &st);
    char *log = master_capture_end (&cap);
    CHECK_INT (rc, 0);
    CHECK_INT (st.lines, 2);
    CHECK_INT (st.records, 1);
    CHECK_INT (st.garbled, 1);
    CHECK_INT (seen.count, 1);
    CHECK (strstr (log, "stream.mst:2: garbled kosdaq record skipped: record is 150 bytes, want 282 (code 001000)")
           != NULL);
    free (log);

    //  A garbled record in the middle is reported with its line and code;
    //  the records around it are kept.
    b.len = 0;
    master_add_record (&b, master_ecopro);
    master_add_text (&b, "\n");
    char bad[EOD_MASTER_KOSDAQ_RECORD_LEN];
    memcpy (bad, silla_bytes, n);
    bad[217] = 'Q';   //  KRX300 flag
    master_add (&b, bad, n);
    master_add_text (&b, "\n");
    master_add_record (&b, master_spac);
    master_add_text (&b, "\n");
    seen.count = 0;
    master_capture_begin (&cap);
    rc = s_stream (EOD_MASTER_KOSDAQ, b.data, b.len, 13, &seen, &st);
    log = master_capture_end (&cap);
    CHECK_INT (rc, 0);
    CHECK_INT (st.records, 2);
    CHECK_INT (st.garbled, 1);
    CHECK (strstr (log, "stream.mst:2: garbled kosdaq record skipped: KRX300 flag is 'Q', want Y/N (code 001000)")
           != NULL);
    free (log);
    free (silla_bytes);

    //  A line longer than the reader keeps: garbled, with its whole length,
    //  and the next record still read.
    size_t big = EOD_MASTER_LINE_MAX + 1000;
    char *huge = malloc (big + 400);
    CHECK (huge != NULL);
    if (!huge)
        return;
    memset (huge, 'A', big);
    huge[big] = '\n';
    size_t en = 0;
    char *eco = master_cp949 (master_ecopro, &en);
    if (eco)
        memcpy (huge + big + 1, eco, en);
    free (eco);
    seen.count = 0;
    master_capture_begin (&cap);
    rc = s_stream (EOD_MASTER_KOSDAQ, huge, big + 1 + en, 4096, &seen, &st);
    log = master_capture_end (&cap);
    CHECK_INT (rc, 0);
    CHECK_INT (st.garbled, 1);
    CHECK_INT (st.records, 1);
    CHECK_INT (seen.count, 1);
    if (seen.count == 1)
        CHECK_INT (seen.rec[0].line, 2);
    char want[128];
    snprintf (want, sizeof (want), "stream.mst:1: garbled kosdaq record skipped: record is %zu bytes", big);
    CHECK (strstr (log, want) != NULL);
    free (log);
    //  Fed whole, the same.
    seen.count = 0;
    master_capture_begin (&cap);
    rc = s_stream (EOD_MASTER_KOSDAQ, huge, big + 1 + en, big + 1 + en, &seen, &st);
    free (master_capture_end (&cap));
    CHECK_INT (st.garbled, 1);
    CHECK_INT (st.records, 1);
    free (huge);
}

static void
test_stream_stop (void)
{
    master_buf_t b = {.len = 0};
    master_add_record (&b, master_ecopro);
    master_add_text (&b, "\n");
    master_add_record (&b, master_silla);
    master_add_text (&b, "\n");
    int calls = 0;
    eod_master_reader_t *r = eod_master_reader_new (EOD_MASTER_KOSDAQ, NULL, master_stop, &calls);
    CHECK (r != NULL);
    if (!r)
        return;
    CHECK_INT (eod_master_reader_feed (r, b.data, 100), 0);
    CHECK_INT (eod_master_reader_feed (r, b.data + 100, b.len - 100), -1);
    CHECK_INT (eod_master_reader_feed (r, "x", 1), -1);
    CHECK_INT (eod_master_reader_end (r), -1);
    CHECK_INT (calls, 1);
    eod_master_reader_destroy (&r);
    CHECK (r == NULL);
}

//  A file that never ends (/dev/zero) stops at EOD_MASTER_SIZE_MAX bytes, with
//  an error naming the source; nothing of the feed that passes it is parsed.
static void
test_size_limit (void)
{
    master_seen_t seen = {.count = 0};
    eod_master_reader_t *r = eod_master_reader_new (EOD_MASTER_KOSPI, "/dev/zero", master_collect, &seen);
    CHECK (r != NULL);
    if (!r)
        return;
    size_t chunk = 1024 * 1024;
    char *zeros = calloc (1, chunk);
    CHECK (zeros != NULL);
    master_capture_t cap;
    master_capture_begin (&cap);
    size_t fed = 0;
    int rc = 0;
    while (zeros && rc == 0 && fed <= EOD_MASTER_SIZE_MAX) {
        rc = eod_master_reader_feed (r, zeros, chunk);
        if (rc == 0)
            fed += chunk;
    }
    char *log = master_capture_end (&cap);
    CHECK_INT (rc, -1);
    CHECK_INT (fed, EOD_MASTER_SIZE_MAX);
    CHECK (strstr (log, "/dev/zero: more than 67108864 bytes: no master file is this big") != NULL);
    CHECK_INT (eod_master_reader_feed (r, "\n", 1), -1);
    CHECK_INT (eod_master_reader_end (r), -1);
    CHECK_INT (seen.count, 0);
    free (log);
    free (zeros);
    eod_master_reader_destroy (&r);
}

int
main (void)
{
    eod_log_init ("test_master_reader");
    test_stream_splits ();
    test_stream_truncated_and_garbled ();
    test_stream_stop ();
    test_size_limit ();
    return EOD_TEST_DONE ();
}
