/*  kis_fake_http — a stand-in eod_http_fn for the unit tests of what makes
    KIS requests (test_kis_request, test_fetcher_fetch): it records each
    request (method, URL, header lines, body, TLS settings) and answers it
    with the next canned answer (status, header lines, body), a transport
    error or a refused TLS certificate, without sockets; and a fetcher key's
    CREDS (s_fake_creds). Included by one test
    program each. */
#ifndef KIS_FAKE_HTTP_H
#define KIS_FAKE_HTTP_H

#include "eod_http.h"
#include "eod_proto.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_MAX 4                //  requests one test makes at most
#define FAKE_URL_MAX 2600         //  room for an overlong URL, to see it refused
#define FAKE_TEXT_MAX 1024

typedef struct {
    long status;
    const char *headers;          //  raw response header lines ("tr_cont: M\r\n"), or ""
    const char *body;             //  NULL: a transport error
    bool tls;                     //  with body NULL: TLS refused (eod_http_response_t.tls_refused)
} fake_answer_t;

static struct {
    const fake_answer_t *answers;
    int count;
    int made;
    char method[FAKE_MAX][8];
    char url[FAKE_MAX][FAKE_URL_MAX];
    char headers[FAKE_MAX][FAKE_TEXT_MAX];   //  each request header line followed by "\n"
    char body[FAKE_MAX][FAKE_TEXT_MAX];
    bool insecure[FAKE_MAX];
    char ca_file[FAKE_MAX][FAKE_TEXT_MAX];
} s_fake;

#define FAKE_SENT_US 42           //  the instant the stand-in says each request went out

static inline void
s_fake_begin (const fake_answer_t *answers, int count)
{
    memset (&s_fake, 0, sizeof s_fake);
    s_fake.answers = answers;
    s_fake.count = count;
}

static inline int
s_fake_perform (const eod_http_request_t *req, eod_http_response_t *resp)
{
    memset (resp, 0, sizeof *resp);
    if (s_fake.made >= s_fake.count || s_fake.made >= FAKE_MAX) {
        snprintf (resp->error, sizeof resp->error, "no answer left");
        return -1;
    }
    int i = s_fake.made++;
    snprintf (s_fake.method[i], sizeof s_fake.method[i], "%s", req->method);
    snprintf (s_fake.url[i], sizeof s_fake.url[i], "%s", req->url);
    size_t at = 0;
    for (const char *const *h = req->headers; h && *h && at < sizeof s_fake.headers[i]; h++) {
        int n = snprintf (s_fake.headers[i] + at, sizeof s_fake.headers[i] - at, "%s\n", *h);
        at += n > 0 ? (size_t) n : 0;
    }
    if (req->body)
        snprintf (s_fake.body[i], sizeof s_fake.body[i], "%.*s", (int) req->body_len, req->body);
    s_fake.insecure[i] = req->insecure;
    snprintf (s_fake.ca_file[i], sizeof s_fake.ca_file[i], "%s", req->ca_file ? req->ca_file : "");
    const fake_answer_t *a = &s_fake.answers[i];
    if (!a->body && a->tls) {
        resp->tls_refused = true;
        snprintf (resp->error, sizeof resp->error,
                  "TLS to kis.test:9443 failed: SSL certificate problem: unable to get local issuer certificate");
        return -1;
    }
    if (!a->body) {
        snprintf (resp->error, sizeof resp->error, "connection refused");
        return -1;
    }
    resp->status = a->status;
    resp->body = strdup (a->body);
    resp->body_len = strlen (a->body);
    resp->headers = strdup (a->headers);
    resp->sent_us = FAKE_SENT_US;
    return resp->body && resp->headers ? 0 : -1;
}

//  The CREDS of a fetcher's stand-in key, host https://kis.test:9443 (the
//  caller destroys it).
static inline eod_msg_t *
s_fake_creds (void)
{
    eod_msg_t *c = eod_msg_new (EOD_MSG_CREDS);
    eod_msg_set (&c->key_id, "live_app");
    eod_msg_set (&c->app_key, "PSappkey0123");
    eod_msg_set (&c->app_secret, "SECRET-0123456789");
    eod_msg_set (&c->token, "TOKEN-abc");
    eod_msg_set (&c->base_url, "https://kis.test:9443");
    return c;
}

#endif
