/*  coordinator halt — see halt.h. */
#include "halt.h"
#include "eod_kis.h"

#include <stdio.h>
#include <string.h>

void
coordinator_halt_init (coordinator_halt_t *self, long unknown_stop)
{
    memset (self, 0, sizeof *self);
    self->unknown_stop = unknown_stop;
}

void
coordinator_halt_reset (coordinator_halt_t *self)
{
    coordinator_halt_init (self, self->unknown_stop);
}

void
coordinator_halt_now (coordinator_halt_t *self, int exit_code, const char *reason)
{
    if (self->halted)
        return;
    self->halted = true;
    self->exit_code = exit_code;
    snprintf (self->reason, sizeof self->reason, "%s", reason);
}

//  The halt of a code of the config scope.
static void
s_config (coordinator_halt_t *self, const char *code, const char *error)
{
    char reason[COORDINATOR_HALT_REASON_MAX];
    if (strcmp (code, EOD_KIS_CODE_TLS) == 0)
        snprintf (reason, sizeof reason,
                  "the API host's TLS certificate was refused, so every request would fail: %s (check [kis] "
                  "ca_file or the host's certificate); the run stops asking",
                  error);
    else
        snprintf (reason, sizeof reason,
                  "KIS answered %s, which no request of this run gets past (the app key, its host or a "
                  "permission): %s; the run stops asking",
                  code, error);
    coordinator_halt_now (self, COORDINATOR_EXIT_CONFIG, reason);
}

bool
coordinator_halt_on_result (coordinator_halt_t *self, const char *status, const char *msg_cd, const char *error)
{
    if (self->halted || !status)
        return false;
    if (!msg_cd)
        msg_cd = "";
    if (!error)
        error = "";
    bool answered = strcmp (status, "ok") == 0 || strcmp (status, "nodata") == 0 || strcmp (status, "unknown") == 0;
    if (answered) {
        self->streak = 0;
        return false;
    }
    eod_kis_scope_t scope = eod_kis_code_scope (msg_cd);
    if (scope == EOD_KIS_SCOPE_CONFIG) {
        s_config (self, msg_cd, error);
        return true;
    }
    if (scope != EOD_KIS_SCOPE_UNKNOWN)
        return false;   //  a request's own trouble: neither counts nor resets
    if (strcmp (self->code, msg_cd) != 0) {
        snprintf (self->code, sizeof self->code, "%s", msg_cd);
        self->streak = 0;
    }
    self->streak++;
    self->streak_retryable = strcmp (status, "retryable") == 0;
    if (self->unknown_stop <= 0 || self->streak < self->unknown_stop)
        return false;
    char reason[COORDINATOR_HALT_REASON_MAX];
    snprintf (reason, sizeof reason,
              "KIS answered %ld requests in a row with %s, a code eod does not know ([kis] unknown_code_stop = "
              "%ld); the run stops asking. The last: %s",
              self->streak, self->code, self->unknown_stop, error);
    coordinator_halt_now (self, self->streak_retryable ? COORDINATOR_EXIT_SERVICE : COORDINATOR_EXIT_CONFIG, reason);
    return true;
}
