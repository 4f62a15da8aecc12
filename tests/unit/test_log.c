/*  test_log — secrets never reach a log line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eod_log.h"
#include "eod_test.h"

int
main (void)
{
    eod_log_init ("test_log");
    eod_log_secret ("s3cr3t-app-secret-value");
    char text[256];
    snprintf (text, sizeof text, "token=s3cr3t-app-secret-value; again s3cr3t-app-secret-value.");
    eod_log_redact (text);
    CHECK (strstr (text, "s3cr3t") == NULL);
    CHECK_STR (text, "token=[redacted]; again [redacted].");
    //  Short strings are not secrets worth redacting (they would mangle text).
    eod_log_secret ("abc");
    snprintf (text, sizeof text, "abc def");
    eod_log_redact (text);
    CHECK_STR (text, "abc def");
    //  Many later secrets (daily tokens of a long-lived service) rotate, the first stay.
    char name[64];
    for (int i = 0; i < 200; i++) {
        snprintf (name, sizeof name, "daily-token-number-%03d", i);
        eod_log_secret (name);
    }
    snprintf (text, sizeof text, "s3cr3t-app-secret-value daily-token-number-199");
    eod_log_redact (text);
    CHECK_STR (text, "[redacted] [redacted]");
    CHECK_INT (eod_log_level_parse ("debug"), EOD_LOG_DEBUG);
    CHECK_INT (eod_log_level_parse ("loud"), -1);
    return EOD_TEST_DONE ();
}
