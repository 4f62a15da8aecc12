/*  test_halt — the coordinator's rule of when a run stops asking
    (stages/coordinator/halt.c), on outcomes as plain calls: a code of the
    config scope stops at the first (a refused TLS certificate named as
    such, a key of the other host), an unknown code at the N-th in a row
    (exit 3 when retryable, 2 when not), answers reset the count and a
    request's own trouble neither counts nor resets, another unknown code
    starts its own count, 0 never stops, a stop is made once, and a new run
    starts clean. */
#include "eod_test.h"
#include "eod_kis.h"
#include "eod_proto.h"
#include "halt.h"

static void
test_config_scope (void)
{
    coordinator_halt_t h;
    coordinator_halt_init (&h, 10);
    CHECK (!coordinator_halt_on_result (&h, "retryable", "EGW00201", "rate"));
    CHECK (!coordinator_halt_on_result (&h, "permanent", "OPSQ2001", "ERROR INPUT FIELD"));
    CHECK (!coordinator_halt_on_result (&h, "retryable", NULL, "timeout"));
    CHECK (!h.halted);
    CHECK (coordinator_halt_on_result (&h, "permanent", EOD_KIS_CODE_TLS,
                                       "GET x: TLS to openapi.example:9443 failed: certificate has expired"));
    CHECK (h.halted);
    CHECK_INT (h.exit_code, COORDINATOR_EXIT_CONFIG);
    CHECK (strstr (h.reason, "TLS certificate was refused") && strstr (h.reason, "openapi.example:9443")
           && strstr (h.reason, "certificate has expired") && strstr (h.reason, "[kis] ca_file"));
    //  Made once: later outcomes change nothing.
    char before[COORDINATOR_HALT_REASON_MAX];
    snprintf (before, sizeof before, "%s", h.reason);
    CHECK (!coordinator_halt_on_result (&h, "permanent", "EGW02004", "mock key"));
    coordinator_halt_now (&h, COORDINATOR_EXIT_SERVICE, "other");
    CHECK_STR (h.reason, before);
    CHECK_INT (h.exit_code, COORDINATOR_EXIT_CONFIG);

    //  A mock key on the real host.
    coordinator_halt_init (&h, 10);
    CHECK (coordinator_halt_on_result (
        &h, "permanent", "EGW02004",
        "HTTP 500, rt_cd \"1\", EGW02004 실전투자 도메인은 모의투자 앱키로 호출하실 수 없습니다."));
    CHECK (strstr (h.reason, "KIS answered EGW02004") && strstr (h.reason, "모의투자 앱키"));
    CHECK_INT (h.exit_code, COORDINATOR_EXIT_CONFIG);
}

static void
test_unknown_streak (void)
{
    coordinator_halt_t h;
    coordinator_halt_init (&h, 3);
    CHECK (!coordinator_halt_on_result (&h, "retryable", "EGW09999", "a"));
    CHECK (!coordinator_halt_on_result (&h, "retryable", "EGW09999", "b"));
    //  An answer resets; so does no data and an unknown symbol.
    CHECK (!coordinator_halt_on_result (&h, "ok", NULL, NULL));
    CHECK_INT (h.streak, 0);
    CHECK (!coordinator_halt_on_result (&h, "retryable", "EGW09999", "c"));
    CHECK (!coordinator_halt_on_result (&h, "nodata", NULL, "no row"));
    CHECK (!coordinator_halt_on_result (&h, "retryable", "EGW09999", "d"));
    CHECK (!coordinator_halt_on_result (&h, "unknown", NULL, "unknown symbol"));
    //  Another code starts its own count; known codes and transport errors
    //  leave the count as it is.
    CHECK (!coordinator_halt_on_result (&h, "retryable", "EGW09999", "e"));
    CHECK (!coordinator_halt_on_result (&h, "retryable", "XYZ00001", "f"));
    CHECK_INT (h.streak, 1);
    CHECK (!coordinator_halt_on_result (&h, "retryable", "XYZ00001", "g"));
    CHECK (!coordinator_halt_on_result (&h, "retryable", "EGW00201", "rate"));
    CHECK (!coordinator_halt_on_result (&h, "retryable", NULL, "timeout"));
    CHECK (!coordinator_halt_on_result (&h, "retryable", EOD_UNPUBLISHED, "not out yet"));
    CHECK_INT (h.streak, 2);
    CHECK (coordinator_halt_on_result (&h, "retryable", "XYZ00001", "HTTP 503, rt_cd \"1\", XYZ00001 뭔가"));
    CHECK_INT (h.exit_code, COORDINATOR_EXIT_SERVICE);
    CHECK (strstr (h.reason, "3 requests in a row with XYZ00001") && strstr (h.reason, "unknown_code_stop = 3")
           && strstr (h.reason, "XYZ00001 뭔가"));

    //  Permanent (2xx/4xx): a configuration error.
    coordinator_halt_init (&h, 2);
    CHECK (!coordinator_halt_on_result (&h, "permanent", "ABC12345", "x"));
    CHECK (coordinator_halt_on_result (&h, "permanent", "ABC12345", "y"));
    CHECK_INT (h.exit_code, COORDINATOR_EXIT_CONFIG);

    //  A new run starts clean; 0 never stops.
    coordinator_halt_reset (&h);
    CHECK (!h.halted);
    CHECK_INT (h.unknown_stop, 2);
    coordinator_halt_init (&h, 0);
    int stops = 0;
    for (int i = 0; i < 1000; i++)
        stops += coordinator_halt_on_result (&h, "retryable", "EGW09999", "z");
    CHECK_INT (stops, 0);
    CHECK (!h.halted);
    CHECK (!coordinator_halt_on_result (&h, NULL, NULL, NULL));
}

int
main (void)
{
    test_config_scope ();
    test_unknown_streak ();
    return EOD_TEST_DONE ();
}
