/*  coordinator_fakes — stand-ins the coordinator's unit tests share: a
    clock that moves only when the test (or a sleep) moves it, an HTTP
    transport that answers from a list the test fills in, in order, and
    remembers what it was asked, and a scratch directory under /tmp.
    Included by one test program each. */
#ifndef COORDINATOR_FAKES_H
#define COORDINATOR_FAKES_H

#include "clock.h"
#include "eod_http.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FAKE_US_START (INT64_C (1000) * 1000000)   //  the monotonic clock starts at 1000 s
#define FAKE_CANNED_MAX 64
#define FAKE_URL_MAX 1024
#define FAKE_DIR_MAX 1024

static int64_t fake_us = FAKE_US_START;
static time_t fake_wall0;       //  the wall clock when fake_us was 0
static int64_t fake_slept_ms;   //  all that sleep_ms waited

static inline int64_t
fake_ms (void)
{
    return fake_us / 1000;
}

static inline int64_t
fake_now_us (void)
{
    return fake_us;
}

static inline time_t
fake_wall (void)
{
    return fake_wall0 + (time_t) (fake_us / 1000000);
}

static inline void
fake_sleep (int ms)
{
    fake_us += (int64_t) ms * 1000;
    fake_slept_ms += ms;
}

static const coordinator_clock_t fake_clock = {fake_ms, fake_now_us, fake_wall, fake_sleep};

//  Moves the clock on by ms.
static inline void
fake_advance_ms (int64_t ms)
{
    fake_us += ms * 1000;
}

//  The canned answers: status 0 stands for a transport error.
typedef struct {
    long status;
    char *body;
} fake_canned_t;

static fake_canned_t fake_canned[FAKE_CANNED_MAX];
static int fake_ncanned;
static int fake_next;     //  the next answer to give
static int fake_served;   //  requests made (answered or not)
static char fake_last_url[FAKE_URL_MAX];

static inline void
fake_answer (long status, const char *body)
{
    if (fake_ncanned < FAKE_CANNED_MAX) {
        fake_canned[fake_ncanned].status = status;
        fake_canned[fake_ncanned].body = strdup (body ? body : "");
        fake_ncanned++;
    }
}

//  Forgets the answers not given yet.
static inline void
fake_answers_clear (void)
{
    for (int i = fake_next; i < fake_ncanned; i++)
        free (fake_canned[i].body);
    fake_ncanned = fake_next = fake_served = 0;
}

static inline int
fake_http (const eod_http_request_t *req, eod_http_response_t *resp)
{
    memset (resp, 0, sizeof *resp);
    snprintf (fake_last_url, sizeof fake_last_url, "%s", req->url);
    fake_served++;
    if (fake_next >= fake_ncanned) {
        snprintf (resp->error, sizeof resp->error, "no answer canned");
        return -1;
    }
    fake_canned_t *c = &fake_canned[fake_next++];
    if (c->status == 0) {
        free (c->body);
        snprintf (resp->error, sizeof resp->error, "connection refused (canned)");
        return -1;
    }
    resp->status = c->status;
    resp->body = c->body;
    resp->body_len = strlen (c->body);
    return 0;
}

//  A tokenP answer: token, expiring at the epoch second expires (sent as
//  KST wall-clock time, as KIS does).
static inline void
fake_answer_token (const char *token, time_t expires)
{
    time_t kst = expires + 9 * 3600;
    struct tm tm;
    gmtime_r (&kst, &tm);
    char when[32], body[256];
    strftime (when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf (body, sizeof body,
              "{\"access_token\":\"%s\",\"access_token_token_expired\":\"%s\",\"token_type\":\"Bearer\","
              "\"expires_in\":86400}",
              token, when);
    fake_answer (200, body);
}

//  Makes a new directory /tmp/NAME.XXXXXX, its path in dir (FAKE_DIR_MAX
//  bytes). 0, or -1.
static inline int
fake_scratch_dir (char *dir, const char *name)
{
    snprintf (dir, FAKE_DIR_MAX, "/tmp/%s.XXXXXX", name);
    return mkdtemp (dir) ? 0 : -1;
}

//  Removes dir and all it holds. 0, or -1.
static inline int
fake_scratch_remove (const char *dir)
{
    char cmd[FAKE_DIR_MAX + 16];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system (cmd) == 0 ? 0 : -1;
}

#endif
