/*  test_run_notes — the lines a run's summary adds about its data
    (stages/notifier/run_notes.c): an incomplete session, codes without a
    row that did not make it incomplete, rows without the snapshot columns
    with their reasons and those kept from the file, validation's findings,
    the cross-check's counts (or why there was none), and a run with none. */
#include "eod_test.h"
#include "run_notes.h"

static eod_msg_t *
s_end (const char *status)
{
    eod_msg_t *end = eod_msg_new (EOD_MSG_END);
    eod_msg_set (&end->stage, "uploader");
    eod_msg_set (&end->market, "us");
    eod_msg_set (&end->status, status);
    eod_msg_set (&end->date_from, "2024-08-30");
    eod_msg_set (&end->date_to, "2024-08-30");
    eod_fields_set (&end->meta, "tasks", "520");
    eod_fields_set (&end->meta, "rows", "260");
    return end;
}

int
main (void)
{
    char notes[RUN_NOTES_MAX][RUN_NOTE_SIZE];
    eod_msg_t *end = s_end ("ok");
    CHECK_INT (run_notes (end, notes), 0);
    eod_msg_destroy (&end);

    //  The universe snapshot: what entered and left since the previous one.
    end = s_end ("incomplete");
    eod_fields_set (&end->meta, "unpublished", "260");
    eod_fields_set (&end->meta, "unbound", "3");
    eod_fields_set (&end->meta, "universe_day", "2024-08-31");
    eod_fields_set (&end->meta, "universe_changes", "since 2024-08-30: DOW30 +1 (NVDA) -1 (INTC)");
    CHECK_INT (run_notes (end, notes), 3);
    CHECK_STR (notes[2], "universe of 2024-08-31 (its code lists uploaded with the prices), since 2024-08-30: DOW30 "
                         "+1 (NVDA) -1 (INTC)");
    eod_msg_destroy (&end);

    end = s_end ("incomplete");
    eod_fields_set (&end->meta, "unpublished", "260");
    CHECK_INT (run_notes (end, notes), 1);
    CHECK (strstr (notes[0], "us 2024-08-30 was not published: 260 of 520 code(s)") != NULL);
    CHECK (strstr (notes[0], "launch/eod backfill --market us --gaps") != NULL);
    eod_msg_destroy (&end);

    end = s_end ("ok");
    eod_fields_set (&end->meta, "unpublished", "2");
    eod_fields_set (&end->meta, "unbound", "3");
    eod_fields_set (&end->meta, "unbound_why", "a later session had opened when the quote was taken (4)");
    eod_fields_set (&end->meta, "unbound_carried", "1");
    CHECK_INT (run_notes (end, notes), 2);
    CHECK (strstr (notes[0], "2 code(s) answered without a row for 2024-08-30") != NULL);
    CHECK (strstr (notes[1], "3 of 260 row(s) written without the snapshot columns") != NULL);
    CHECK (strstr (notes[1], "a later session had opened when the quote was taken (4)") != NULL);
    CHECK (strstr (notes[1], "1 more kept those their file held") != NULL);
    eod_msg_destroy (&end);

    //  Validation's findings: the kinds counted, the first listed.
    end = s_end ("ok");
    eod_fields_set (&end->meta, "anomalies", "3");
    eod_fields_set (&end->meta, "anomalies_move", "2");
    eod_fields_set (&end->meta, "anomalies_wrong_date", "1");
    eod_fields_set (&end->meta, "anomalies_first", "2024-08-30 AAPL move: close +100.0%");
    CHECK_INT (run_notes (end, notes), 1);
    CHECK (strstr (notes[0], "validation found 3 anomalies") != NULL);
    CHECK (strstr (notes[0], "move 2, wrong_date 1") != NULL);
    CHECK (strstr (notes[0], "2024-08-30 AAPL move: close +100.0%") != NULL);
    eod_msg_destroy (&end);
    end = s_end ("ok");
    eod_fields_set (&end->meta, "anomalies", "0");
    CHECK_INT (run_notes (end, notes), 0);
    eod_msg_destroy (&end);

    //  The cross-check: counts and reasons, a clean one, one that was off.
    end = s_end ("ok");
    eod_fields_set (&end->meta, "cross_check", "on");
    eod_fields_set (&end->meta, "xcheck_checked", "1182");
    eod_fields_set (&end->meta, "xcheck_disagreed", "2");
    eod_fields_set (&end->meta, "xcheck_not_checked", "34");
    eod_fields_set (&end->meta, "xcheck_not_checked_why", "30 EGW00201, 4 window");
    CHECK_INT (run_notes (end, notes), 1);
    CHECK (
        strncmp (notes[0], "cross-check: 1182 checked, 2 disagreed, 34 not cross-checked (30 EGW00201, 4 window); ", 86)
        == 0);
    CHECK (strstr (notes[0], "anomalies/ sidecar (kind xcheck)") != NULL);
    eod_msg_destroy (&end);
    end = s_end ("ok");
    eod_fields_set (&end->meta, "cross_check", "on");
    eod_fields_set (&end->meta, "xcheck_checked", "60");
    eod_fields_set (&end->meta, "xcheck_disagreed", "0");
    eod_fields_set (&end->meta, "xcheck_not_checked", "0");
    CHECK_INT (run_notes (end, notes), 1);
    CHECK_STR (notes[0], "cross-check: 60 checked, 0 disagreed, 0 not cross-checked");
    eod_msg_destroy (&end);
    end = s_end ("ok");
    eod_fields_set (&end->meta, "cross_check", "off (flag)");
    CHECK_INT (run_notes (end, notes), 1);
    CHECK_STR (notes[0], "cross-check: off (flag)");
    eod_fields_set (&end->meta, "cross_check", "mock host");
    CHECK_INT (run_notes (end, notes), 1);
    CHECK_STR (notes[0], "cross-check: off (mock host)");
    eod_msg_destroy (&end);
    //  Every note at once fits.
    end = s_end ("incomplete");
    eod_fields_set (&end->meta, "unpublished", "260");
    eod_fields_set (&end->meta, "unbound", "3");
    eod_fields_set (&end->meta, "universe_day", "2024-08-31");
    eod_fields_set (&end->meta, "universe_changes", "first snapshot: nothing to compare with");
    eod_fields_set (&end->meta, "anomalies", "1");
    eod_fields_set (&end->meta, "anomalies_xcheck", "1");
    eod_fields_set (&end->meta, "xcheck_checked", "1");
    CHECK_INT (run_notes (end, notes), RUN_NOTES_MAX);
    CHECK (strstr (notes[3], "xcheck 1") != NULL);
    eod_msg_destroy (&end);
    return EOD_TEST_DONE ();
}
