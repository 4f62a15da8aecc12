/*  test_pages — the rows of answers that come in pages
    (stages/coordinator/pages.c): pages held in order and put in front of
    the last one's rows with the first page's snapshot, the next BYMD, the
    bound of [kis] max_pages, a BYMD that is missing, not a date or does
    not go back, dropping, no data after pages made ok, and a task without
    pages left as it is. */
#include "eod_test.h"
#include "pages.h"

//  A RESULT with n rows dated from day down, and next as its next BYMD.
#define S_ASKED_AT 1725000000   //  the moments the pages are asked at: this plus their day

static eod_msg_t *
s_page (int day, int n, const char *next)
{
    eod_msg_t *m = eod_msg_new (EOD_MSG_RESULT);
    eod_msg_set (&m->status, "ok");
    eod_msg_set (&m->msg_cd, next ? EOD_MORE : NULL);
    for (int i = 0; i < n; i++) {
        eod_fields_t row = EOD_FIELDS_INIT;
        char date[16];
        snprintf (date, sizeof date, "202408%02d", day - i);
        eod_fields_set (&row, "xymd", date);
        eod_msg_add_row (m, &row);
        eod_fields_clear (&row);
    }
    char nrec[8];
    snprintf (nrec, sizeof nrec, "%d", n);
    eod_fields_set (&m->snapshot, "nrec", nrec);
    eod_fields_set (&m->snapshot, "rsym", "DNASAAPL");
    if (next)
        eod_fields_set (&m->meta, EOD_META_BYMD, next);
    m->asked_at = S_ASKED_AT + day;   //  each page asked at its own moment
    return m;
}

static void
test_pages (void)
{
    coordinator_pages_t *pages = coordinator_pages_new (3);
    char why[200];
    CHECK (coordinator_pages_next (pages, "A") == NULL);
    eod_msg_t *m = s_page (30, 2, "20240828");
    CHECK_INT (coordinator_pages_add (pages, "A", m, why, sizeof why), 0);
    eod_msg_destroy (&m);
    CHECK_STR (coordinator_pages_next (pages, "A"), "20240828");
    m = s_page (28, 2, "20240826");
    CHECK_INT (coordinator_pages_add (pages, "A", m, why, sizeof why), 0);
    eod_msg_destroy (&m);
    CHECK_STR (coordinator_pages_next (pages, "A"), "20240826");
    CHECK_INT (coordinator_pages_size (pages), 1);
    //  The last page: every row, newest first, the first page's snapshot.
    m = s_page (26, 1, NULL);
    CHECK_INT (coordinator_pages_finish (pages, "A", m), 2);
    CHECK_INT (m->nrows, 5);
    CHECK_STR (eod_fields_get (&m->rows[0], "xymd"), "20240830");
    CHECK_STR (eod_fields_get (&m->rows[4], "xymd"), "20240826");
    CHECK_STR (eod_fields_get (&m->snapshot, "nrec"), "5");
    CHECK_STR (eod_fields_get (&m->snapshot, "rsym"), "DNASAAPL");
    CHECK_INT (m->asked_at, S_ASKED_AT + 30);   //  the snapshot's moment, the first page's
    CHECK_STR (m->status, "ok");
    CHECK (m->msg_cd == NULL);
    eod_msg_destroy (&m);
    CHECK_INT (coordinator_pages_size (pages), 0);

    //  No pages held: the RESULT is left as it is.
    m = s_page (30, 1, NULL);
    eod_msg_set (&m->status, "nodata");
    CHECK_INT (coordinator_pages_finish (pages, "B", m), 0);
    CHECK_STR (m->status, "nodata");
    CHECK_INT (m->nrows, 1);
    eod_msg_destroy (&m);

    //  No data after a page: the rows held, made ok.
    m = s_page (30, 2, "20240828");
    coordinator_pages_add (pages, "C", m, why, sizeof why);
    eod_msg_destroy (&m);
    m = eod_msg_new (EOD_MSG_RESULT);
    eod_msg_set (&m->status, "nodata");
    eod_msg_set (&m->error, "no row in 20240801..20240828");
    CHECK_INT (coordinator_pages_finish (pages, "C", m), 1);
    CHECK_STR (m->status, "ok");
    CHECK (m->error == NULL);
    CHECK_INT (m->nrows, 2);
    eod_msg_destroy (&m);

    //  The bound: a third page that says more fails the task.
    for (int i = 0; i < 3; i++) {
        char next[16];
        snprintf (next, sizeof next, "202408%02d", 29 - 2 * i);
        m = s_page (30 - 2 * i, 1, next);
        int rc = coordinator_pages_add (pages, "D", m, why, sizeof why);
        eod_msg_destroy (&m);
        CHECK_INT (rc, i < 2 ? 0 : -1);
    }
    CHECK (strstr (why, "past 3 page(s)") != NULL);
    CHECK (coordinator_pages_next (pages, "D") == NULL);

    //  A BYMD that does not go back, is missing or is not a date.
    m = s_page (30, 1, "20240828");
    coordinator_pages_add (pages, "E", m, why, sizeof why);
    eod_msg_destroy (&m);
    m = s_page (28, 1, "20240829");
    CHECK_INT (coordinator_pages_add (pages, "E", m, why, sizeof why), -1);
    CHECK (strstr (why, "not before") != NULL);
    eod_msg_destroy (&m);
    CHECK (coordinator_pages_next (pages, "E") == NULL);
    m = s_page (30, 1, "2024-08-28");
    CHECK_INT (coordinator_pages_add (pages, "F", m, why, sizeof why), -1);
    eod_msg_destroy (&m);
    m = s_page (30, 1, "20240231");
    CHECK_INT (coordinator_pages_add (pages, "F", m, why, sizeof why), -1);
    eod_msg_destroy (&m);
    m = s_page (30, 1, NULL);
    CHECK_INT (coordinator_pages_add (pages, "F", m, why, sizeof why), -1);
    CHECK (strstr (why, "names no BYMD") != NULL);
    eod_msg_destroy (&m);

    //  Dropped: its rows counted, then gone.
    m = s_page (30, 4, "20240826");
    coordinator_pages_add (pages, "G", m, why, sizeof why);
    eod_msg_destroy (&m);
    CHECK_INT (coordinator_pages_drop (pages, "G"), 4);
    CHECK_INT (coordinator_pages_drop (pages, "G"), 0);
    m = s_page (30, 4, "20240826");
    coordinator_pages_add (pages, "H", m, why, sizeof why);
    eod_msg_destroy (&m);
    coordinator_pages_forget (pages);
    CHECK_INT (coordinator_pages_size (pages), 0);
    coordinator_pages_destroy (&pages);
    coordinator_pages_destroy (&pages);
    CHECK (pages == NULL);
}

int
main (void)
{
    test_pages ();
    return EOD_TEST_DONE ();
}
