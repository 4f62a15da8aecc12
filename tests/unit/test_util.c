/*  test_util — the shared helpers of common/core/eod_util, starting with the
    error buffer every library fills (eod_set_error): formatted, cut to fit,
    secrets redacted, an absent buffer left alone. */
#include "eod_test.h"
#include "eod_log.h"
#include "eod_util.h"

#include <stdarg.h>

//  A wrapper as the libraries write them: adds a prefix, passes the rest on.
static void s_wrapped (char *err, size_t errlen, const char *format, ...) __attribute__ ((format (printf, 3, 4)));

static void
s_wrapped (char *err, size_t errlen, const char *format, ...)
{
    char inner [64];
    va_list args;
    va_start (args, format);
    eod_vset_error (inner, sizeof (inner), format, args);
    va_end (args);
    eod_set_error (err, errlen, "wrapped: %s", inner);
}

static void
test_set_error (void)
{
    char err [32];
    eod_set_error (err, sizeof (err), "%s: %d entries", "zip", 3);
    CHECK_STR (err, "zip: 3 entries");

    //  Cut to fit, always terminated.
    eod_set_error (err, 8, "%s", "0123456789");
    CHECK_STR (err, "0123456");

    //  No buffer, or no room: nothing is written.
    eod_set_error (NULL, 0, "ignored %d", 1);
    err [0] = 'x';
    eod_set_error (err, 0, "ignored %d", 1);
    CHECK (err [0] == 'x');

    //  A registered secret never reaches the caller's text.
    const char *secret = "hunter2-secret-value";
    eod_log_secret (secret);
    char line [128];
    eod_set_error (line, sizeof (line), "bad key %s in config", secret);
    CHECK (strstr (line, secret) == NULL);
    CHECK (strncmp (line, "bad key ", 8) == 0);
    CHECK (strstr (line, " in config") != NULL);

    s_wrapped (err, sizeof (err), "%d of %d", 2, 5);
    CHECK_STR (err, "wrapped: 2 of 5");
}

int
main (void)
{
    eod_log_init ("test_util");
    test_set_error ();
    return EOD_TEST_DONE ();
}
