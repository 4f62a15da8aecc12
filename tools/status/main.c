/*  eod-status — the state of a running pipeline, for an operator.

    Each stage binds a trace PUB at [endpoints] trace + its name while it
    runs, so a stage is up when a SUB socket can connect there: a socket
    monitor reports CONNECTED (up) or CONNECT_RETRIED (down, refused), and an
    ipc:// socket file that does not exist is down at once. The coordinator
    publishes on its trace, once a second, a STATS message whose fields are
    (the run's progress and its request budget); eod-status waits for one and
    prints it. A field an older coordinator does not send prints as "-"
    (null in --json). A trace PUB on tcp:// is a CurveZMQ server like every
    eod socket on a network, so the probe connects as a client with the
    [security] keys of the config (eod_socket_secure_for). */
#include "eod_config.h"
#include "eod_proto.h"
#include "eod_stage_main.h"
#include "eod_zmq.h"

#include <czmq.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef EOD_VERSION
#define EOD_VERSION "0"
#endif

#define S_TIMEOUT_MS 1500     //  default wait for a connection, then for the stats
#define S_ENDPOINT_LEN 1100   //  a config prefix (1024) plus a stage name
#define S_EVENT_HEAD 6        //  a monitor event frame: uint16 event, uint32 value
#define S_EXIT_OK 0
#define S_EXIT_USAGE 2
#define S_EXIT_DOWN 3
#define S_PERCENT 100

typedef enum {
    S_PENDING,
    S_UP,
    S_DOWN
} s_state_t;

typedef struct {
    const char *name;
    char endpoint[S_ENDPOINT_LEN];
    zsock_t *sub;       //  connects to the trace PUB
    zsock_t *monitor;   //  PAIR: the sub's connection events
    s_state_t state;
    const char *why;   //  why down
} s_probe_t;

static s_probe_t s_probes[] = {{.name = "calendar"}, {.name = "lister"},   {.name = "coordinator"}, {.name = "fetcher"},
                               {.name = "writer"},   {.name = "uploader"}, {.name = "notifier"}};
#define S_NPROBES (sizeof s_probes / sizeof s_probes[0])
#define S_COORDINATOR 2

//  The stats fields, in the order printed; numbers are printed as numbers.
static const char *s_numeric[] = {"tasks",    "done",    "failed", "queued",   "in_flight",
                                  "fetchers", "keys",    "budget", "req_1s",   "requests",
                                  "rejected", "retries", "eta_s",  "uptime_s", NULL};

static void
s_usage (FILE *out)
{
    fprintf (out,
             "usage: eod-status [--config FILE] [--timeout-ms MS] [--json]\n\n"
             "Shows which stages of a running pipeline are up (their trace socket accepts a\n"
             "connection) and the coordinator's latest stats: run, market, tasks done of total,\n"
             "failed, queued, in flight, fetchers, requests/s against the budget, rejected (rate\n"
             "limit), retries and ETA. A field the coordinator does not send shows as '-'.\n\n"
             "  --config FILE    configuration (default $EOD_CONFIG, else the defaults)\n"
             "  --timeout-ms MS  wait this long for each connection, then for the stats (default %d)\n"
             "  --json           one JSON object: {\"stages\":[{\"stage\",\"endpoint\",\"up\",\"why\"}...],\n"
             "                   \"coordinator\":{\"up\",\"answered\"},\"stats\":{...} or null}\n"
             "  --help, --version\n\n"
             "Exit codes: 0 the coordinator is up and sent its stats, 2 usage or config error,\n"
             "3 the coordinator is down or sent no stats in time.\n",
             S_TIMEOUT_MS);
}

//  The value of a numeric stats field: 0 and *out, or -1 (absent, not a number).
static int
s_field_long (const eod_msg_t *stats, const char *key, long long *out)
{
    const char *text = stats ? eod_fields_get (&stats->fields, key) : NULL;
    char *end = NULL;
    if (!text)
        return -1;
    errno = 0;
    long long value = strtoll (text, &end, 10);
    if (errno || end == text || *end)
        return -1;
    *out = value;
    return 0;
}

//  "1h02m05s", "2m05s", "30s"; "-" when unknown.
static void
s_duration (const eod_msg_t *stats, const char *key, char *out, size_t size)
{
    long long s;
    if (s_field_long (stats, key, &s) || s < 0)
        snprintf (out, size, "%s", stats && eod_fields_get (&stats->fields, key) ? "?" : "-");
    else if (s >= 3600)
        snprintf (out, size, "%lldh%02lldm%02llds", s / 3600, s / 60 % 60, s % 60);
    else if (s >= 60)
        snprintf (out, size, "%lldm%02llds", s / 60, s % 60);
    else
        snprintf (out, size, "%llds", s);
}

//  part * 100 / whole, or -1 when either is unknown or whole is 0.
static long long
s_percent (const eod_msg_t *stats, const char *part, const char *whole)
{
    long long p, w;
    if (s_field_long (stats, part, &p) || s_field_long (stats, whole, &w) || w <= 0 || p < 0
        || p > LLONG_MAX / S_PERCENT)
        return -1;
    return p * S_PERCENT / w;
}

//  Starts the probe of one stage. The monitor is set before the connect so
//  no event is missed. 0 or -1 (no socket: out of resources).
static int
s_probe_start (s_probe_t *probe, zpoller_t *poller)
{
    struct stat st;
    if (strncmp (probe->endpoint, "ipc://", 6) == 0 && probe->endpoint[6] != '@'
        && stat (probe->endpoint + 6, &st) != 0) {
        probe->state = S_DOWN;
        probe->why = "no socket file";
        return 0;
    }
    char inproc[64];
    snprintf (inproc, sizeof inproc, "inproc://eod-status-%s", probe->name);
    probe->sub = zsock_new (ZMQ_SUB);
    if (!probe->sub)
        return -1;
    zsock_set_maxmsgsize (probe->sub, EOD_PROTO_FRAME_MAX);
    zsock_set_linger (probe->sub, 0);
    zsock_set_subscribe (probe->sub, "");
    if (zmq_socket_monitor (zsock_resolve (probe->sub), inproc, ZMQ_EVENT_CONNECTED | ZMQ_EVENT_CONNECT_RETRIED)
        || !(probe->monitor = zsock_new (ZMQ_PAIR)) || zsock_connect (probe->monitor, "%s", inproc))
        return -1;
    if (eod_socket_secure_for (probe->sub, probe->endpoint, false)) {
        probe->state = S_DOWN;
        probe->why = "no CurveZMQ keys for a tcp:// trace";
        return 0;
    }
    if (zsock_connect (probe->sub, "%s", probe->endpoint) == -1) {
        probe->state = S_DOWN;
        probe->why = "not an endpoint";
        return 0;
    }
    zpoller_add (poller, probe->monitor);
    if (probe == &s_probes[S_COORDINATOR])
        zpoller_add (poller, probe->sub);
    return 0;
}

//  Reads one monitor event of probe and settles its state.
static void
s_probe_event (s_probe_t *probe, int64_t now, int64_t *up_at)
{
    zmsg_t *event = zmsg_recv (probe->monitor);
    zframe_t *head = event ? zmsg_first (event) : NULL;
    if (head && zframe_size (head) == S_EVENT_HEAD && probe->state == S_PENDING) {
        uint16_t id;
        memcpy (&id, zframe_data (head), sizeof id);
        if (id == ZMQ_EVENT_CONNECTED) {
            probe->state = S_UP;
            if (probe == &s_probes[S_COORDINATOR])
                *up_at = now;
        }
        else if (id == ZMQ_EVENT_CONNECT_RETRIED) {
            probe->state = S_DOWN;
            probe->why = "connection refused";
        }
    }
    zmsg_destroy (&event);
}

//  A trace frame of the coordinator: its STATS, or NULL (anything else).
static eod_msg_t *
s_stats_take (zsock_t *sub)
{
    zmsg_t *zmsg = zmsg_recv (sub);
    zframe_t *frame = zmsg && zmsg_size (zmsg) == 1 ? zmsg_first (zmsg) : NULL;
    char err[256];
    eod_msg_t *msg = frame ? eod_msg_decode (zframe_data (frame), zframe_size (frame), err, sizeof err) : NULL;
    zmsg_destroy (&zmsg);
    if (msg && msg->type != EOD_MSG_STATS)
        eod_msg_destroy (&msg);
    //  Values go to a terminal: no control characters (escape sequences).
    for (size_t i = 0; msg && i < msg->fields.count; i++)
        for (char *c = msg->fields.items[i].value; *c; c++)
            if ((unsigned char) *c < ' ' || *c == 0x7f)
                *c = '?';
    return msg;
}

//  A JSON string of text, or null when text is NULL or not UTF-8.
static json_t *
s_json_text (const char *text)
{
    json_t *js = text ? json_string (text) : NULL;
    return js ? js : json_null ();
}

static void
s_print_json (const eod_msg_t *stats)
{
    json_t *root = json_object (), *stages = json_array ();
    for (size_t i = 0; i < S_NPROBES; i++)
        json_array_append_new (stages, json_pack ("{s:s,s:o,s:b,s:s?}", "stage", s_probes[i].name, "endpoint",
                                                  s_json_text (s_probes[i].endpoint), "up", s_probes[i].state == S_UP,
                                                  "why", s_probes[i].why));
    json_object_set_new (root, "stages", stages);
    json_object_set_new (
        root, "coordinator",
        json_pack ("{s:b,s:b}", "up", s_probes[S_COORDINATOR].state == S_UP, "answered", stats != NULL));
    json_t *obj = stats ? json_object () : json_null ();
    if (stats) {
        //  Absent: null; not a number: the text as sent (invalid UTF-8: null).
        json_object_set_new (obj, "run_id", s_json_text (eod_fields_get (&stats->fields, "run_id")));
        json_object_set_new (obj, "market", s_json_text (eod_fields_get (&stats->fields, "market")));
        for (int i = 0; s_numeric[i]; i++) {
            long long value;
            json_object_set_new (obj, s_numeric[i],
                                 !s_field_long (stats, s_numeric[i], &value)
                                     ? json_integer (value)
                                     : s_json_text (eod_fields_get (&stats->fields, s_numeric[i])));
        }
        long long use = s_percent (stats, "req_1s", "budget");
        json_object_set_new (obj, "budget_use_pct", use >= 0 ? json_integer (use) : json_null ());
    }
    json_object_set_new (root, "stats", obj);
    char *text = json_dumps (root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    printf ("%s\n", text ? text : "{}");
    free (text);
    json_decref (root);
}

static void
s_print_table (const eod_msg_t *stats, long timeout_ms)
{
    printf ("%-12s %-5s %s\n", "STAGE", "STATE", "ENDPOINT");
    for (size_t i = 0; i < S_NPROBES; i++) {
        const s_probe_t *p = &s_probes[i];
        printf ("%-12s %-5s %s%s%s%s\n", p->name, p->state == S_UP ? "up" : "down", p->endpoint, p->why ? " (" : "",
                p->why ? p->why : "", p->why ? ")" : "");
    }
    if (!stats) {
        printf ("\ncoordinator: %s\n",
                s_probes[S_COORDINATOR].state == S_UP ? "up, but no stats arrived in time" : "down");
        return;
    }
    const eod_fields_t *f = &stats->fields;
#define S_GET(key) (eod_fields_get (f, key) ? eod_fields_get (f, key) : "-")
    char pct[32] = "", use[32] = "", eta[32], up[32];
    long long p = s_percent (stats, "done", "tasks");
    if (p >= 0)
        snprintf (pct, sizeof pct, " (%lld%%)", p);
    p = s_percent (stats, "req_1s", "budget");
    snprintf (use, sizeof use, p >= 0 ? "%lld%%" : "-", p);
    s_duration (stats, "eta_s", eta, sizeof eta);
    s_duration (stats, "uptime_s", up, sizeof up);
    printf ("\ncoordinator (stats within %ld ms)\n", timeout_ms);
    printf ("  %-11s %s\n  %-11s %s\n", "run", S_GET ("run_id"), "market", S_GET ("market"));
    printf ("  %-11s %s/%s%s\n", "done", S_GET ("done"), S_GET ("tasks"), pct);
    printf ("  %-11s %s\n  %-11s %s\n  %-11s %s\n", "failed", S_GET ("failed"), "queued", S_GET ("queued"), "in flight",
            S_GET ("in_flight"));
    printf ("  %-11s %s (app keys %s)\n", "fetchers", S_GET ("fetchers"), S_GET ("keys"));
    printf ("  %-11s %s of %s (budget use %s)\n", "requests/s", S_GET ("req_1s"), S_GET ("budget"), use);
    printf ("  %-11s %s\n  %-11s %s\n  %-11s %s\n", "requests", S_GET ("requests"), "rejected", S_GET ("rejected"),
            "retries", S_GET ("retries"));
    printf ("  %-11s %s\n  %-11s %s\n", "ETA", eta, "uptime", up);
#undef S_GET
}

int
main (int argc, char **argv)
{
    const char *config_path = eod_main_config_env ();
    long timeout_ms = S_TIMEOUT_MS;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char *end = NULL;
        if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0) {
            s_usage (stdout);
            return S_EXIT_OK;
        }
        if (strcmp (a, "--version") == 0) {
            printf ("eod-status %s\n", EOD_VERSION);
            return S_EXIT_OK;
        }
        if (strcmp (a, "--json") == 0)
            json = true;
        else if (strcmp (a, "--config") == 0 && i + 1 < argc)
            config_path = argv[++i];
        else if (strcmp (a, "--timeout-ms") == 0 && i + 1 < argc) {
            errno = 0;
            timeout_ms = strtol (argv[++i], &end, 10);
            if (errno || end == argv[i] || *end || timeout_ms < 1 || timeout_ms > INT32_MAX) {
                fprintf (stderr, "eod-status: --timeout-ms '%s' is not a number from 1 to %d\n", argv[i], INT32_MAX);
                return S_EXIT_USAGE;
            }
        }
        else {
            bool valued = strcmp (a, "--config") == 0 || strcmp (a, "--timeout-ms") == 0;
            fprintf (stderr, "eod-status: %s %s (try --help)\n", a, valued ? "needs a value" : "is not an option");
            return S_EXIT_USAGE;
        }
    }
    char err[1024];
    eod_config_t *config = eod_config_load (config_path && *config_path ? config_path : NULL, err, sizeof err);
    if (!config) {
        fprintf (stderr, "eod-status: config: %s\n", err);
        return S_EXIT_USAGE;
    }
    zsys_init ();
    zsys_set_logstream (NULL);
    //  A tcp:// trace is CurveZMQ: the probes are clients with this host's keys.
    eod_zmq_set_config (config);

    int rc = S_EXIT_DOWN;
    eod_msg_t *stats = NULL;
    zpoller_t *poller = zpoller_new (NULL);
    for (size_t i = 0; poller && i < S_NPROBES; i++) {
        if (eod_trace_endpoint (config, s_probes[i].name, s_probes[i].endpoint, sizeof s_probes[i].endpoint)) {
            rc = S_EXIT_USAGE;
            goto out;
        }
        if (s_probe_start (&s_probes[i], poller)) {
            fprintf (stderr, "eod-status: cannot probe %s: %s\n", s_probes[i].endpoint, zmq_strerror (zmq_errno ()));
            rc = S_EXIT_USAGE;
            goto out;
        }
    }
    //  Probes end at start + timeout; the stats wait, timeout from when the
    //  coordinator connected (its subscription needs that moment to arrive).
    int64_t start = zclock_mono (), up_at = 0;
    s_probe_t *coordinator = &s_probes[S_COORDINATOR];
    while (poller && !zsys_interrupted) {
        int64_t now = zclock_mono ();
        bool pending = false;
        for (size_t i = 0; i < S_NPROBES; i++)
            pending = pending || s_probes[i].state == S_PENDING;
        bool stats_wait = coordinator->state == S_UP && !stats && now < up_at + timeout_ms;
        if ((!pending || now >= start + timeout_ms) && !stats_wait)
            break;
        int64_t until = pending && now < start + timeout_ms ? start + timeout_ms : up_at + timeout_ms;
        if (stats_wait && up_at + timeout_ms < until)
            until = up_at + timeout_ms;
        zsock_t *which = zpoller_wait (poller, (int) (until > now ? until - now : 0));
        if (which && which == coordinator->sub) {
            eod_msg_t *msg = s_stats_take (which);
            if (msg && !stats)
                stats = msg;
            else
                eod_msg_destroy (&msg);
        }
        for (size_t i = 0; which && i < S_NPROBES; i++)
            if (which == s_probes[i].monitor)
                s_probe_event (&s_probes[i], zclock_mono (), &up_at);
    }
    for (size_t i = 0; i < S_NPROBES; i++)
        if (s_probes[i].state == S_PENDING) {
            s_probes[i].state = S_DOWN;
            s_probes[i].why = "no connection in time";
        }
    if (json)
        s_print_json (stats);
    else
        s_print_table (stats, timeout_ms);
    fflush (stdout);
    rc = coordinator->state == S_UP && stats ? S_EXIT_OK : S_EXIT_DOWN;
out:
    zpoller_destroy (&poller);
    for (size_t i = S_NPROBES; i-- > 0;) {
        if (s_probes[i].sub && s_probes[i].monitor)
            zmq_socket_monitor (zsock_resolve (s_probes[i].sub), NULL, 0);
        zsock_destroy (&s_probes[i].monitor);
        zsock_destroy (&s_probes[i].sub);
    }
    eod_msg_destroy (&stats);
    eod_zmq_set_config (NULL);
    eod_config_destroy (&config);
    return rc;
}
