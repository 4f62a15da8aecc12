/*  test_log — secrets never reach a log line; text is repaired to UTF-8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eod_log.h"
#include "eod_test.h"
#include "eod_util.h"

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
    //  A secret the mask itself contains must not make redaction loop.
    eod_log_secret ("[redacted]");
    eod_log_secret ("[redac");
    snprintf (text, sizeof text, "token [redacted] here [redac");
    eod_log_redact (text);
    CHECK_STR (text, "token [redacted] here [redac");

    //  UTF-8 repair: well-formed text is kept, every stray byte becomes '?'.
    char utf[64];
    snprintf (utf, sizeof utf, "%s", "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    CHECK_INT (eod_utf8_repair (utf), 0);
    CHECK_STR (utf, "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    snprintf (utf, sizeof utf, "%s",
              "B\xff"
              "C \xc3 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82");
    CHECK_INT (eod_utf8_repair (utf), 13);
    CHECK_STR (utf, "B?C ? ?? ??? ???? ??");
    CHECK_INT (eod_log_level_parse ("debug"), EOD_LOG_DEBUG);
    CHECK_INT (eod_log_level_parse ("loud"), -1);
    return EOD_TEST_DONE ();
}
