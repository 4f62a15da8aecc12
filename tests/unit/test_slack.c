/*  test_slack — the notifier's Slack side: message bodies and the client.

    Offline: every notify_format_* body parses back with the right channel,
    text, figures and a capped missing list; eod_slack_post against a scripted
    HTTP server on 127.0.0.1 (retries on 429/5xx, Retry-After, no retry on auth
    and channel errors, webhooks, the request it sends) and against a port
    nobody listens on (gives up within max_wait_ms).
    Live, only when EOD_SLACK_TEST_BASE=http://127.0.0.1:PORT names a running
    eod-sim (token xoxb-sim-demo-token, channel #eod-demo): pacing, invalid_auth,
    channel_not_found. */
#define _GNU_SOURCE   //  strcasestr
#include "eod_slack.h"
#include "eod_http.h"
#include "eod_log.h"
#include "eod_test.h"
#include "notify_format.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TEST_TOKEN "xoxb-test-token-123456"
#define SIM_TOKEN "xoxb-sim-demo-token"
#define SIM_CHANNEL "#eod-demo"
#define PACE_MIN_MS 900   //  pacing must space two posts to one channel by ~1 s
#define SERVER_POLL_MS 50
#define REQUEST_MAX 16384

static int64_t
s_now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// ---------------------------------------------------------------------------
//  Helpers over parsed bodies.

static json_t *
s_parse (char *json)
{
    CHECK (json != NULL);
    if (!json)
        return NULL;
    json_error_t jerr;
    json_t *root = json_loads (json, 0, &jerr);
    CHECK (root != NULL && json_is_object (root));
    free (json);
    return root;
}

//  Every mrkdwn/plain text in the blocks, joined by newlines (caller frees).
static char *
s_blocks_text (json_t *root)
{
    size_t cap = 65536, len = 0;
    char *out = calloc (1, cap);
    json_t *blocks = json_object_get (root, "blocks");
    size_t i;
    json_t *block;
    json_array_foreach (blocks, i, block)
    {
        const char *t = json_string_value (json_object_get (json_object_get (block, "text"), "text"));
        json_t *list = json_object_get (block, "fields");
        if (!list)
            list = json_object_get (block, "elements");
        size_t j;
        json_t *item;
        if (t)
            len += (size_t) snprintf (out + len, cap - len, "%s\n", t);
        json_array_foreach (list, j, item)
        {
            const char *ft = json_string_value (json_object_get (item, "text"));
            if (ft && len < cap)
                len += (size_t) snprintf (out + len, cap - len, "%s\n", ft);
        }
        if (len >= cap)
            break;
    }
    return out;
}

static const char *
s_block_type (json_t *root, size_t index)
{
    return json_string_value (json_object_get (json_array_get (json_object_get (root, "blocks"), index), "type"));
}

// ---------------------------------------------------------------------------
//  Formatters.

static void
s_test_summary (void)
{
    notify_summary_t s = {
        .market = "kr",
        .session = "2024-09-02",
        .mode = "daily",
        .status = "complete",
        .rows = 1234,
        .tasks_total = 1240,
        .tasks_ok = 1234,
        .tasks_nodata = 6,
        .duration_s = 63.2,
        .requests_per_s = 19.0,
        .requests = 1201,
        .rate_limited = 3,
        .retries = 7,
        .object_uri = "s3://bucket/eod/market=kr/dt=2024-09-02/kr_20240902.csv",
        .run_id = "r-abc123",
    };
    json_t *root = s_parse (notify_format_summary (&s, "#eod-demo"));
    if (!root)
        return;
    CHECK_STR (json_string_value (json_object_get (root, "channel")), "#eod-demo");
    const char *text = json_string_value (json_object_get (root, "text"));
    CHECK_STR (text, "eod kr 2024-09-02: complete, 1234 rows, 0 missing, 63.2 s, 19.0 req/s\n"
                     "tasks 1240: 1234 ok, 6 no data, 0 unknown, 0 failed");
    CHECK_STR (s_block_type (root, 0), "header");
    CHECK_STR (s_block_type (root, 1), "section");
    CHECK_STR (s_block_type (root, 2), "context");
    CHECK (json_array_size (json_object_get (root, "blocks")) == 3);   //  no missing section
    char *all = s_blocks_text (root);
    CHECK (strstr (all, ":white_check_mark: eod kr 2024-09-02: complete") != NULL);
    CHECK (strstr (all, "*Rows*\n1234") != NULL);
    CHECK (strstr (all, "*Tasks*\n1240") != NULL);
    CHECK (strstr (all, "1234 ok, 6 no data, 0 unknown, 0 failed") != NULL);
    CHECK (strstr (all, "*Duration*\n63.2 s") != NULL);
    CHECK (strstr (all, "*Requests*\n1201 at 19.0 req/s") != NULL);
    CHECK (strstr (all, "*Rate limited / retries*\n3 / 7") != NULL);
    CHECK (strstr (all, "s3://bucket/eod/market=kr/dt=2024-09-02/kr_20240902.csv") != NULL);
    CHECK (strstr (all, "r-abc123") != NULL);
    free (all);
    json_decref (root);
}

//  An incomplete run: its status marked, its notes (run_notes.h) in the
//  text and as sections of their own, escaped.
static void
s_test_summary_notes (void)
{
    const char *notes[] = {"us 2024-08-30 was not published: 260 of 520 code(s) <later>",
                           "12 of 260 row(s) written without the snapshot columns"};
    notify_summary_t s = {.market = "us",
                          .session = "2024-08-30",
                          .mode = "daily",
                          .status = "incomplete",
                          .rows = 260,
                          .tasks_total = 520,
                          .tasks_ok = 260,
                          .notes = notes,
                          .nnotes = 2};
    json_t *root = s_parse (notify_format_summary (&s, NULL));
    if (!root)
        return;
    const char *text = json_string_value (json_object_get (root, "text"));
    CHECK (text && strstr (text, "\nnote: us 2024-08-30 was not published: 260 of 520 code(s) &lt;later&gt;") != NULL);
    CHECK (text && strstr (text, "\nnote: 12 of 260 row(s) written without the snapshot columns") != NULL);
    char *all = s_blocks_text (root);
    CHECK (strstr (all, ":warning: eod us 2024-08-30: incomplete") != NULL);
    CHECK (strstr (all, "12 of 260 row(s) written without the snapshot columns") != NULL);
    CHECK_INT (json_array_size (json_object_get (root, "blocks")), 2 + 2);   //  header, figures, two notes
    free (all);
    json_decref (root);
}

//  A run that was interrupted: the tasks written before it and the
//  incidents (a restarted stage, a lost fetcher) are in the summary.
static void
s_test_summary_incidents (void)
{
    const char *incidents[] = {"writer: writer restarted after it died (signal 9)",
                               "coordinator: fetcher vm-12 missed 3 heartbeats: gone, 1 task(s) requeued"};
    notify_summary_t s = {
        .market = "kr",
        .session = "2024-08-01..2024-08-31",
        .mode = "backfill",
        .status = "complete",
        .rows = 25536,
        .tasks_total = 1216,
        .tasks_ok = 1216,
        .resumed = 400,
        .incidents = incidents,
        .nincidents = 2,
        .incidents_more = 1,
    };
    json_t *root = s_parse (notify_format_summary (&s, NULL));
    if (!root)
        return;
    const char *text = json_string_value (json_object_get (root, "text"));
    CHECK (text && strstr (text, "resumed: 400 task(s) were written before an interruption") != NULL);
    CHECK (text && strstr (text, "incident: writer: writer restarted after it died (signal 9)") != NULL);
    CHECK (text && strstr (text, "and 1 more incident(s)") != NULL);
    char *all = s_blocks_text (root);
    CHECK (strstr (all, "*Incidents (3)*") != NULL);
    CHECK (strstr (all, "fetcher vm-12 missed 3 heartbeats") != NULL);
    CHECK (strstr (all, "(400 written before an interruption)") != NULL);
    free (all);
    json_decref (root);
}

static void
s_test_summary_missing_capped (void)
{
    enum {
        NMISSING = 25,
        CAP = 20
    };
    static char storage[NMISSING][32];
    const char *missing[NMISSING];
    for (int i = 0; i < NMISSING; i++) {
        snprintf (storage[i], sizeof storage[i], "%06d (timeout)", 100000 + i);
        missing[i] = storage[i];
    }
    notify_summary_t s = {
        .market = "us",
        .session = "2024-08-01..2024-08-30",
        .mode = "backfill",
        .status = "partial",
        .rows = 10500,
        .tasks_total = 525,
        .tasks_ok = 500,
        .tasks_failed = 25,
        .missing = missing,
        .nmissing = NMISSING,
        .missing_cap = CAP,
        .duration_s = 30.05,
        .requests_per_s = 17.5,
    };
    json_t *root = s_parse (notify_format_summary (&s, NULL));
    if (!root)
        return;
    CHECK (json_object_get (root, "channel") == NULL);   //  webhook body: no channel
    const char *text = json_string_value (json_object_get (root, "text"));
    CHECK (text && strncmp (text, "eod us 2024-08-01..2024-08-30 backfill: partial, 10500 rows, 25 missing", 71) == 0);
    json_t *blocks = json_object_get (root, "blocks");
    CHECK_INT (json_array_size (blocks), 3);   //  header, figures, missing (no object, no run id)
    const char *missing_text =
        json_string_value (json_object_get (json_object_get (json_array_get (blocks, 2), "text"), "text"));
    CHECK (missing_text != NULL);
    if (missing_text) {
        CHECK (strstr (missing_text, "*Missing (25)*") != NULL);
        CHECK (strstr (missing_text, "100000 (timeout)") != NULL);
        CHECK (strstr (missing_text, "100019 (timeout)") != NULL);   //  the 20th
        CHECK (strstr (missing_text, "100020 (timeout)") == NULL);   //  the 21st is cut
        CHECK (strstr (missing_text, "\xE2\x80\xA6 and 5 more") != NULL);
        int bullets = 0;
        for (const char *p = missing_text; (p = strstr (p, "\xE2\x80\xA2 ")); p++)
            bullets++;
        CHECK_INT (bullets, CAP);
    }
    char *all = s_blocks_text (root);
    CHECK (strstr (all, ":warning:") != NULL);
    CHECK (strstr (all, "*Outcome*\n500 ok, 0 no data, 0 unknown, 25 failed") != NULL);
    free (all);
    json_decref (root);

    //  The default cap is 20 too, and a short list has no "more" line.
    s.missing_cap = 0;
    s.nmissing = 3;
    root = s_parse (notify_format_summary (&s, "C123"));
    if (!root)
        return;
    all = s_blocks_text (root);
    CHECK (strstr (all, "100002 (timeout)") != NULL);
    CHECK (strstr (all, "more") == NULL);
    free (all);
    json_decref (root);

    //  Many long items: the section stays within Slack's 3000-character limit.
    static char longs[300][260];
    const char *many[300];
    for (int i = 0; i < 300; i++) {
        memset (longs[i], 'x', sizeof longs[i] - 1);
        longs[i][sizeof longs[i] - 1] = '\0';
        many[i] = longs[i];
    }
    s.missing = many;
    s.nmissing = 300;
    s.missing_cap = 300;
    root = s_parse (notify_format_summary (&s, "C123"));
    if (!root)
        return;
    missing_text = json_string_value (
        json_object_get (json_object_get (json_array_get (json_object_get (root, "blocks"), 2), "text"), "text"));
    CHECK (missing_text && strlen (missing_text) <= 3000);
    CHECK (missing_text && strstr (missing_text, " more") != NULL);
    json_decref (root);
}

static void
s_test_closed_failure_text (void)
{
    json_t *root = s_parse (notify_format_closed ("kr", "2024-09-17", "Chuseok", "#eod-demo"));
    if (root) {
        CHECK_STR (json_string_value (json_object_get (root, "channel")), "#eod-demo");
        CHECK_STR (json_string_value (json_object_get (root, "text")),
                   "eod kr 2024-09-17: market closed (Chuseok), nothing fetched");
        CHECK_STR (s_block_type (root, 0), "header");
        char *all = s_blocks_text (root);
        CHECK (strstr (all, ":closed_book:") != NULL);
        CHECK (strstr (all, "*Reason*: Chuseok") != NULL);
        free (all);
        json_decref (root);
    }
    root = s_parse (notify_format_closed ("us", "2024-07-04", NULL, NULL));
    if (root) {
        CHECK (json_object_get (root, "channel") == NULL);
        CHECK_STR (json_string_value (json_object_get (root, "text")),
                   "eod us 2024-07-04: market closed, nothing fetched");
        json_decref (root);
    }

    root = s_parse (
        notify_format_failure ("writer", "fsync failed: No space left on device", "kr", "2024-09-02", "C0EOD"));
    if (root) {
        CHECK_STR (json_string_value (json_object_get (root, "channel")), "C0EOD");
        CHECK_STR (json_string_value (json_object_get (root, "text")),
                   "eod kr 2024-09-02: writer failed: fsync failed: No space left on device");
        char *all = s_blocks_text (root);
        CHECK (strstr (all, ":fire: eod kr 2024-09-02: writer failed") != NULL);
        CHECK (strstr (all, "*Stage*\nwriter") != NULL);
        CHECK (strstr (all, "*Date*\n2024-09-02") != NULL);
        free (all);
        json_decref (root);
    }
    root = s_parse (notify_format_failure ("uploader", "S3 unreachable", NULL, NULL, NULL));
    if (root) {
        CHECK_STR (json_string_value (json_object_get (root, "text")), "eod: uploader failed: S3 unreachable");
        json_decref (root);
    }

    root = s_parse (notify_format_text ("warn", "fetcher", "EGW00201 from key 1", "#eod-demo"));
    if (root) {
        CHECK_STR (json_string_value (json_object_get (root, "text")), "eod fetcher [warn]: EGW00201 from key 1");
        char *all = s_blocks_text (root);
        CHECK (strstr (all, ":warning: *fetcher* warn\nEGW00201 from key 1") != NULL);
        free (all);
        json_decref (root);
    }
}

//  Outside text: invalid UTF-8, mrkdwn control characters, huge strings.
static void
s_test_bad_text (void)
{
    //  cp949 bytes that slipped through, and a lone continuation byte.
    json_t *root = s_parse (notify_format_text ("error", "lister", "name \xBB\xEF\xBC\xBA \x80 end", "#x"));
    if (root) {
        const char *text = json_string_value (json_object_get (root, "text"));
        CHECK (text && strstr (text, "\xEF\xBF\xBD") != NULL);
        CHECK (text && strstr (text, " end") != NULL);
        json_decref (root);
    }
    root = s_parse (notify_format_failure ("fetcher", "<!channel> a & b > c", "kr", "2024-09-02", "#x"));
    if (root) {
        const char *text = json_string_value (json_object_get (root, "text"));
        CHECK (text && strstr (text, "&lt;!channel&gt; a &amp; b &gt; c") != NULL);
        CHECK (text && strchr (text, '<') == NULL);
        json_decref (root);
    }
    size_t big = 100000;
    char *huge = malloc (big + 1);
    if (huge) {
        memset (huge, 'y', big);
        huge[big] = '\0';
        root = s_parse (notify_format_text ("info", "writer", huge, "#x"));
        if (root) {
            const char *text = json_string_value (json_object_get (root, "text"));
            CHECK (text && strlen (text) <= 3000);
            CHECK (text && strstr (text, "\xE2\x80\xA6") != NULL);
            char *all = s_blocks_text (root);
            CHECK (strlen (all) <= 3001);
            free (all);
            json_decref (root);
        }
        free (huge);
    }
    //  Everything NULL but the summary itself: no crash, valid JSON.
    notify_summary_t empty = {0};
    root = s_parse (notify_format_summary (&empty, NULL));
    if (root) {
        CHECK (json_string_value (json_object_get (root, "text")) != NULL);
        json_decref (root);
    }
}

// ---------------------------------------------------------------------------
//  A scripted HTTP server on 127.0.0.1: answers request i with script[i]
//  (the last entry again once the script runs out) and records the requests.

typedef struct {
    int status;
    const char *extra_headers;   //  "Retry-After: 1\r\n" or ""
    const char *body;
} s_reply_t;

typedef struct {
    int fd;
    int port;
    const s_reply_t *script;
    size_t nscript;
    atomic_int requests;
    atomic_bool stop;
    char first_request[REQUEST_MAX];
    int64_t arrival_ms[16];
    pthread_t thread;
} s_server_t;

//  Reads one request (headers and Content-Length body) into buf. Returns the length or -1.
static int
s_read_request (int fd, char *buf, size_t size)
{
    size_t len = 0;
    long content_length = -1;
    char *body = NULL;
    while (len + 1 < size) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll (&pfd, 1, 5000) <= 0)
            return -1;
        ssize_t n = read (fd, buf + len, size - 1 - len);
        if (n <= 0)
            return -1;
        len += (size_t) n;
        buf[len] = '\0';
        if (!body && (body = strstr (buf, "\r\n\r\n"))) {
            body += 4;
            const char *cl = strcasestr (buf, "\r\nContent-Length:");
            content_length = cl ? strtol (cl + 17, NULL, 10) : 0;
        }
        if (body && (long) (len - (size_t) (body - buf)) >= content_length)
            return (int) len;
    }
    return -1;
}

static void *
s_server_run (void *arg)
{
    s_server_t *self = arg;
    char buf[REQUEST_MAX];
    while (!atomic_load (&self->stop)) {
        struct pollfd pfd = {.fd = self->fd, .events = POLLIN};
        if (poll (&pfd, 1, SERVER_POLL_MS) <= 0)
            continue;
        int conn = accept (self->fd, NULL, NULL);
        if (conn < 0)
            continue;
        int index = atomic_load (&self->requests);
        if (s_read_request (conn, buf, sizeof buf) > 0) {
            if (index == 0)
                memcpy (self->first_request, buf, sizeof buf);
            if (index < 16)
                self->arrival_ms[index] = s_now_ms ();
            const s_reply_t *r = &self->script[(size_t) index < self->nscript ? (size_t) index : self->nscript - 1];
            char reply[1024];
            int n = snprintf (reply, sizeof reply,
                              "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                              "Connection: close\r\n%s\r\n%s",
                              r->status, strlen (r->body), r->extra_headers, r->body);
            atomic_fetch_add (&self->requests, 1);
            if (write (conn, reply, (size_t) n) < 0)
                fprintf (stderr, "test server: write failed\n");
        }
        close (conn);
    }
    return NULL;
}

//  Binds 127.0.0.1 on a free port. Returns the socket or -1; sets *port.
static int
s_listen_any (int *port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t alen = sizeof addr;
    if (bind (fd, (struct sockaddr *) &addr, sizeof addr) || listen (fd, 16)
        || getsockname (fd, (struct sockaddr *) &addr, &alen)) {
        close (fd);
        return -1;
    }
    *port = ntohs (addr.sin_port);
    return fd;
}

static int
s_server_start (s_server_t *self, const s_reply_t *script, size_t nscript)
{
    memset (self, 0, sizeof *self);
    self->script = script;
    self->nscript = nscript;
    self->fd = s_listen_any (&self->port);
    if (self->fd < 0)
        return -1;
    if (pthread_create (&self->thread, NULL, s_server_run, self)) {
        close (self->fd);
        return -1;
    }
    return 0;
}

static void
s_server_stop (s_server_t *self)
{
    atomic_store (&self->stop, true);
    pthread_join (self->thread, NULL);
    close (self->fd);
}

//  Posts one body through a fresh client against a scripted server.
//  Returns eod_slack_post's result; fills attempts, requests, elapsed.
typedef struct {
    int rc;
    int attempts;
    int requests;
    int64_t elapsed_ms;
    char err[256];
    char first_request[REQUEST_MAX];
    int64_t gap_ms;   //  between the first two arrivals
} s_outcome_t;

static void
s_run_script (const s_reply_t *script, size_t nscript, bool webhook, long max_wait_ms, s_outcome_t *out)
{
    memset (out, 0, sizeof *out);
    out->rc = -2;
    s_server_t server;
    if (s_server_start (&server, script, nscript)) {
        CHECK (!"test server did not start");
        return;
    }
    char base[64], hook[96];
    snprintf (base, sizeof base, "http://127.0.0.1:%d/", server.port);
    snprintf (hook, sizeof hook, "http://127.0.0.1:%d/services/T000/B000/secretpart", server.port);
    eod_slack_config_t cfg = {.max_wait_ms = max_wait_ms, .timeout_ms = 2000};
    if (webhook)
        cfg.webhook_url = hook;
    else {
        cfg.api_base = base;
        cfg.token = TEST_TOKEN;
    }
    eod_slack_t *slack = eod_slack_new (&cfg);
    CHECK (slack != NULL);
    if (slack) {
        int64_t t0 = s_now_ms ();
        out->rc = eod_slack_post (slack, "{\"channel\":\"#eod-demo\",\"text\":\"hi\"}", out->err, sizeof out->err);
        out->elapsed_ms = s_now_ms () - t0;
        out->attempts = eod_slack_last_attempts (slack);
        eod_slack_destroy (&slack);
        CHECK (slack == NULL);
        eod_slack_destroy (&slack);   //  twice is safe
    }
    s_server_stop (&server);
    out->requests = atomic_load (&server.requests);
    memcpy (out->first_request, server.first_request, sizeof out->first_request);
    if (out->requests >= 2)
        out->gap_ms = server.arrival_ms[1] - server.arrival_ms[0];
    CHECK (strstr (out->err, TEST_TOKEN) == NULL);
    CHECK (strstr (out->err, "secretpart") == NULL);
}

static void
s_test_client_scripted (void)
{
    s_outcome_t o;
    static const char ok_body[] = "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.2\"}";

    //  Success at once, and what went over the wire.
    const s_reply_t ok[] = {{200, "", ok_body}};
    s_run_script (ok, 1, false, 5000, &o);
    CHECK_INT (o.rc, 0);
    CHECK_INT (o.attempts, 1);
    CHECK_INT (o.requests, 1);
    CHECK (strncmp (o.first_request, "POST /api/chat.postMessage HTTP/1.1\r\n", 37) == 0);
    CHECK (strcasestr (o.first_request, "\r\nAuthorization: Bearer " TEST_TOKEN "\r\n") != NULL);
    CHECK (strcasestr (o.first_request, "\r\nContent-Type: application/json; charset=utf-8\r\n") != NULL);
    CHECK (strstr (o.first_request, "\r\n\r\n{\"channel\":\"#eod-demo\",\"text\":\"hi\"}") != NULL);

    //  5xx, then success: retried.
    const s_reply_t flaky[] = {{503, "", "{}"}, {200, "", ok_body}};
    s_run_script (flaky, 2, false, 5000, &o);
    CHECK_INT (o.rc, 0);
    CHECK_INT (o.attempts, 2);

    //  429 with Retry-After 1: waits a second, then succeeds.
    const s_reply_t limited[] = {{429, "Retry-After: 1\r\n", "{\"ok\":false,\"error\":\"ratelimited\"}"},
                                 {200, "", ok_body}};
    s_run_script (limited, 2, false, 5000, &o);
    CHECK_INT (o.rc, 0);
    CHECK_INT (o.requests, 2);
    CHECK (o.gap_ms >= PACE_MIN_MS);

    //  Auth and channel errors: one attempt, Slack's code in err.
    const s_reply_t auth[] = {{200, "", "{\"ok\":false,\"error\":\"invalid_auth\"}"}};
    s_run_script (auth, 1, false, 5000, &o);
    CHECK_INT (o.rc, -1);
    CHECK_INT (o.requests, 1);
    CHECK_INT (o.attempts, 1);
    CHECK (strstr (o.err, "invalid_auth") != NULL);
    const s_reply_t chan[] = {{200, "", "{\"ok\":false,\"error\":\"channel_not_found\"}"}};
    s_run_script (chan, 1, false, 5000, &o);
    CHECK_INT (o.rc, -1);
    CHECK_INT (o.requests, 1);
    CHECK (strstr (o.err, "channel_not_found") != NULL);

    //  HTTP 200 that is not JSON: a failure, not a crash, not a retry.
    const s_reply_t garbage[] = {{200, "", "<html>proxy</html>"}};
    s_run_script (garbage, 1, false, 5000, &o);
    CHECK_INT (o.rc, -1);
    CHECK_INT (o.requests, 1);

    //  A server that keeps failing: gives up within max_wait_ms.
    const s_reply_t down[] = {{500, "", "{}"}};
    s_run_script (down, 1, false, 1500, &o);
    CHECK_INT (o.rc, -1);
    CHECK (o.requests >= 2);
    CHECK (o.attempts <= 4);
    CHECK (o.elapsed_ms <= 1500 + 500);
    CHECK (strstr (o.err, "500") != NULL);

    //  Webhooks: plain "ok" is success; 404 channel_not_found is final; the
    //  webhook URL (a secret) is not in err.
    const s_reply_t hook_ok[] = {{200, "", "ok"}};
    s_run_script (hook_ok, 1, true, 5000, &o);
    CHECK_INT (o.rc, 0);
    CHECK (strncmp (o.first_request, "POST /services/T000/B000/secretpart HTTP/1.1\r\n", 46) == 0);
    CHECK (strcasestr (o.first_request, "\r\nAuthorization:") == NULL);
    const s_reply_t hook_gone[] = {{404, "", "channel_not_found"}};
    s_run_script (hook_gone, 1, true, 5000, &o);
    CHECK_INT (o.rc, -1);
    CHECK_INT (o.requests, 1);
    CHECK (strstr (o.err, "channel_not_found") != NULL);
}

static void
s_test_client_config (void)
{
    eod_slack_config_t none = {0};
    CHECK (eod_slack_new (&none) == NULL);
    eod_slack_config_t bad = {.token = TEST_TOKEN, .max_attempts = -1};
    CHECK (eod_slack_new (&bad) == NULL);
    eod_slack_config_t cfg = {.token = TEST_TOKEN, .api_base = "http://127.0.0.1:9"};
    eod_slack_t *slack = eod_slack_new (&cfg);
    CHECK (slack != NULL);
    if (slack) {
        char err[128];
        CHECK_INT (eod_slack_post (slack, "not json", err, sizeof err), -1);
        CHECK_INT (eod_slack_last_attempts (slack), 0);
        CHECK_INT (eod_slack_post (slack, "{\"text\":\"no channel\"}", err, sizeof err), -1);
        CHECK (strstr (err, "channel") != NULL);
        eod_slack_destroy (&slack);
    }
}

//  Connection refused: a port that was just free. Gives up within max_wait_ms.
static void
s_test_client_refused (void)
{
    int port = 0;
    int fd = s_listen_any (&port);
    CHECK (fd >= 0);
    if (fd < 0)
        return;
    close (fd);   //  nobody listens there now
    char base[64];
    snprintf (base, sizeof base, "http://127.0.0.1:%d", port);
    const long max_wait = 2000;
    eod_slack_config_t cfg = {.token = TEST_TOKEN, .api_base = base, .max_wait_ms = max_wait, .max_attempts = 10};
    eod_slack_t *slack = eod_slack_new (&cfg);
    CHECK (slack != NULL);
    if (!slack)
        return;
    char err[256] = "";
    int64_t t0 = s_now_ms ();
    CHECK_INT (eod_slack_post (slack, "{\"channel\":\"#eod-demo\",\"text\":\"x\"}", err, sizeof err), -1);
    int64_t elapsed = s_now_ms () - t0;
    CHECK (elapsed <= max_wait + 250);
    CHECK (eod_slack_last_attempts (slack) >= 2);   //  network errors are retried
    CHECK (err[0] != '\0');
    CHECK (strstr (err, TEST_TOKEN) == NULL);
    eod_slack_destroy (&slack);
}

// ---------------------------------------------------------------------------
//  Live, against eod-sim.

//  chat.postMessage requests eod-sim has seen (GET /_sim/stats), or -1.
static long
s_sim_post_count (const char *base)
{
    char url[256];
    snprintf (url, sizeof url, "%s/_sim/stats", base);
    eod_http_request_t req = {.method = "GET", .url = url, .timeout_ms = 5000};
    eod_http_response_t resp;
    long count = -1;
    if (eod_http_perform (&req, &resp) == 0 && resp.status == 200) {
        json_t *root = json_loads (resp.body, 0, NULL);
        json_t *n = json_object_get (json_object_get (json_object_get (root, "requests"), "chat.postMessage"), "-");
        if (json_is_integer (n))
            count = (long) json_integer_value (n);
        json_decref (root);
    }
    eod_http_response_free (&resp);
    return count;
}

static void
s_test_live (const char *base)
{
    printf ("live Slack tests against %s\n", base);
    eod_slack_config_t cfg = {.api_base = base, .token = SIM_TOKEN};
    eod_slack_t *slack = eod_slack_new (&cfg);
    CHECK (slack != NULL);
    if (!slack)
        return;
    char err[256] = "";
    char *body = notify_format_text ("info", "test_slack", "pacing check 1", SIM_CHANNEL);
    CHECK_INT (eod_slack_post (slack, body, err, sizeof err), 0);
    free (body);
    body = notify_format_text ("info", "test_slack", "pacing check 2", SIM_CHANNEL);
    int64_t t0 = s_now_ms ();
    CHECK_INT (eod_slack_post (slack, body, err, sizeof err), 0);
    int64_t second_ms = s_now_ms () - t0;
    CHECK (second_ms >= PACE_MIN_MS);
    CHECK_INT (eod_slack_last_attempts (slack), 1);   //  paced, so never rate limited
    free (body);

    body = notify_format_text ("info", "test_slack", "unknown channel", "#no-such-channel-here");
    CHECK_INT (eod_slack_post (slack, body, err, sizeof err), -1);
    CHECK (strstr (err, "channel_not_found") != NULL);
    CHECK_INT (eod_slack_last_attempts (slack), 1);
    free (body);
    eod_slack_destroy (&slack);

    eod_slack_config_t wrong = {.api_base = base, .token = "xoxb-wrong-token-000"};
    slack = eod_slack_new (&wrong);
    CHECK (slack != NULL);
    if (!slack)
        return;
    body = notify_format_text ("info", "test_slack", "wrong token", SIM_CHANNEL);
    long before = s_sim_post_count (base);
    CHECK (before >= 0);
    CHECK_INT (eod_slack_post (slack, body, err, sizeof err), -1);
    CHECK_INT (s_sim_post_count (base) - before, 1);   //  exactly one request reached the server
    CHECK (strstr (err, "invalid_auth") != NULL);
    CHECK_INT (eod_slack_last_attempts (slack), 1);
    CHECK (strstr (err, "xoxb-wrong-token-000") == NULL);
    free (body);
    eod_slack_destroy (&slack);
}

int
main (void)
{
    eod_log_init ("test_slack");
    if (eod_http_global_init ()) {
        fprintf (stderr, "curl global init failed\n");
        return 1;
    }
    s_test_summary ();
    s_test_summary_notes ();
    s_test_summary_incidents ();
    s_test_summary_missing_capped ();
    s_test_closed_failure_text ();
    s_test_bad_text ();
    s_test_client_config ();
    s_test_client_scripted ();
    s_test_client_refused ();
    const char *base = getenv ("EOD_SLACK_TEST_BASE");
    if (base && *base)
        s_test_live (base);
    else
        printf ("EOD_SLACK_TEST_BASE not set: live Slack tests skipped\n");
    eod_http_global_cleanup ();
    return EOD_TEST_DONE ();
}
