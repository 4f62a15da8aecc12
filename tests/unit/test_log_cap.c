/*  test_log_cap — eod_log_cap: the first EOD_LOG_CAP_FIRST warnings of a kind
    are logged, the rest counted; kinds apart; the flush sums up each kind
    that was cut in one line and starts the counts again; 40,000 warnings of
    one kind make EOD_LOG_CAP_FIRST + 2 lines. The log goes to a temporary
    file that stands for stderr. */
#include "eod_log_cap.h"
#include "eod_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define S_MANY 40000

//  Lines of the captured log holding text.
static int
s_lines_with (FILE *log, const char *text)
{
    fflush (stderr);
    rewind (log);
    char line[4096];
    int n = 0;
    while (fgets (line, sizeof line, log))
        if (strstr (line, text))
            n++;
    return n;
}

int
main (void)
{
    char path[] = "/tmp/test_log_cap.XXXXXX";
    int fd = mkstemp (path);
    CHECK (fd >= 0);
    int saved = dup (2);
    dup2 (fd, 2);
    FILE *log = fdopen (fd, "r");
    eod_log_init ("test_log_cap");

    //  Below the cap: every one logged, nothing summed up.
    for (int i = 0; i < EOD_LOG_CAP_FIRST; i++)
        eod_log_warn_capped ("few", "few warning %d", i);
    CHECK_INT (s_lines_with (log, "few warning"), EOD_LOG_CAP_FIRST);
    CHECK_INT (eod_log_cap_count ("few"), EOD_LOG_CAP_FIRST);

    //  Far above: the first few, one line saying the rest are counted.
    for (int i = 0; i < S_MANY; i++)
        eod_log_warn_capped ("garbled record", "garbled record at line %d", i);
    CHECK_INT (s_lines_with (log, "garbled record at line"), EOD_LOG_CAP_FIRST);
    CHECK_INT (s_lines_with (log, "garbled record: more than"), 1);
    CHECK_INT (eod_log_cap_count ("garbled record"), S_MANY);
    CHECK_INT (eod_log_cap_count ("never seen"), 0);
    //  Another kind is counted apart.
    eod_log_warn_capped ("row rejected", "row rejected once");
    CHECK_INT (s_lines_with (log, "row rejected once"), 1);

    //  The run ends: one line for the kind cut, none for the others.
    eod_log_cap_flush ();
    char want[128];
    snprintf (want, sizeof want, "garbled record: %d more warnings of this kind not logged, %d in all",
              S_MANY - EOD_LOG_CAP_FIRST, S_MANY);
    CHECK_INT (s_lines_with (log, want), 1);
    CHECK_INT (s_lines_with (log, "few: "), 0);
    CHECK_INT (s_lines_with (log, "row rejected:"), 0);
    CHECK_INT (eod_log_cap_count ("garbled record"), 0);

    //  The next run logs its first few again.
    for (int i = 0; i < 3; i++)
        eod_log_warn_capped ("garbled record", "second run line %d", i);
    CHECK_INT (s_lines_with (log, "second run line"), 3);
    eod_log_cap_flush ();
    CHECK_INT (s_lines_with (log, "not logged"), 1);

    //  More kinds than slots: the ones past them are never cut.
    char kind[32];
    for (int k = 0; k < EOD_LOG_CAP_KINDS + 2; k++) {
        snprintf (kind, sizeof kind, "kind %d", k);
        CHECK (eod_log_cap_take (kind));
    }
    for (int i = 0; i < EOD_LOG_CAP_FIRST + 5; i++)
        CHECK (eod_log_cap_take ("kind past the slots"));
    CHECK (eod_log_cap_take (NULL));
    eod_log_cap_flush ();

    //  Below the threshold: counted, not logged.
    eod_log_threshold = EOD_LOG_ERROR;
    eod_log_warn_capped ("quiet", "quiet warning");
    CHECK_INT (s_lines_with (log, "quiet warning"), 0);
    CHECK_INT (eod_log_cap_count ("quiet"), 1);

    dup2 (saved, 2);
    close (saved);
    fclose (log);
    unlink (path);
    return EOD_TEST_DONE ();
}
