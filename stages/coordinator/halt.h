/*  coordinator halt — when a run stops asking the API.

    Most failures belong to one request: a timeout, a rate limit, a bad
    field, and the task is retried or reported. Some say every request of the
    run would fail the same, and asking on would only burn the budget (and,
    on the real host, look like abuse): the client classifies them
    (eod_kis_code_scope):
    - a code of the config scope (an app key of the other host, a missing
      permission, a refused TLS certificate) stops the run at the first:
      exit 2, a configuration error;
    - a code the client does not know stops it once [kis] unknown_code_stop
      answers in a row carried it and none other came between (an answer
      with rows, no data or an unknown symbol resets the count; transport
      errors and known retryable codes neither count nor reset): exit 3 when
      they came as retryable (HTTP 5xx: the service's trouble, retry later),
      exit 2 otherwise.
    The reason is one line that names the code (or the host, for TLS) and
    what the API said, made once. What a stopped run does with its tasks is
    dispatch.c's: those not asked fail at once, so the run ends, with the
    reason in Slack and the tasks in the gaps file. */
#ifndef COORDINATOR_HALT_H
#define COORDINATOR_HALT_H

#include <stdbool.h>

#define COORDINATOR_HALT_REASON_MAX 640
#define COORDINATOR_EXIT_CONFIG 2    //  the exit codes of a stopped run: usage or configuration
#define COORDINATOR_EXIT_SERVICE 3   //  an outside service's trouble: retry later

typedef struct {
    long unknown_stop;       //  [kis] unknown_code_stop; 0: unknown codes never stop a run
    char code[16];           //  the unknown code of the streak
    long streak;             //  answers in a row that carried it
    bool streak_retryable;   //  the last of them was retryable
    bool halted;
    int exit_code;   //  2 configuration, 3 the service
    char reason[COORDINATOR_HALT_REASON_MAX];
} coordinator_halt_t;

//  A run that goes on; unknown_stop as [kis] unknown_code_stop.
void coordinator_halt_init (coordinator_halt_t *self, long unknown_stop);

//  A new run: no streak, not halted.
void coordinator_halt_reset (coordinator_halt_t *self);

//  Takes the outcome of one RESULT: its status ("ok", "nodata", "unknown",
//  "retryable", "permanent"), msg_cd and error text (either may be NULL).
//  Returns true when this one stops the run (reason and exit_code set);
//  once halted, false.
bool coordinator_halt_on_result (coordinator_halt_t *self, const char *status, const char *msg_cd, const char *error);

//  Stops the run for a reason found elsewhere (a token refused), unless it
//  is stopped already. exit_code 2 or 3.
void coordinator_halt_now (coordinator_halt_t *self, int exit_code, const char *reason);

#endif
