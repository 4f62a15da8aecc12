/*  eod-tap — prints what the stages of a running pipeline send, one JSON line
    per message.

    Every stage binds a PUB "trace" socket at [endpoints] trace + its name and
    publishes there a copy of each message it sends (never CREDS), one frame
    per message (eod_stage_send). eod-tap is the read side: one SUB socket per
    endpoint, so each line says where it came from, and the strict decoder of
    proto/, so a frame that does not decode is reported as a line of its own,
    never trusted. A trace PUB on tcp:// is a CurveZMQ server like every eod
    socket on a network (eod_stage_new), so eod-tap connects as a client with
    the [security] keys of its config. */
#include "eod_config.h"
#include "eod_log.h"
#include "eod_proto.h"
#include "eod_stage_main.h"
#include "eod_zmq.h"

#include <czmq.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef EOD_VERSION
#define EOD_VERSION "0"
#endif

#define S_ENDPOINTS_MAX 64    //  sockets one tap watches
#define S_ENDPOINT_LEN 1100   //  a config prefix (1024) plus a stage name
#define S_ERR_LEN 256
#define S_EXIT_OK 0
#define S_EXIT_TIMEOUT 1
#define S_EXIT_USAGE 2

static const char *s_stages[] = {"calendar", "lister",   "coordinator", "fetcher",
                                 "writer",   "uploader", "notifier",    NULL};

typedef struct {
    const char *config;   //  --config, else $EOD_CONFIG, else defaults
    long count;           //  exit after this many lines; 0: never
    long timeout_ms;      //  exit 1 after this long without a frame; 0: never
    const char *stages[S_ENDPOINTS_MAX];
    int nstages;
    const char *endpoints[S_ENDPOINTS_MAX];
    int nendpoints;
} s_opts_t;

static void
s_usage (FILE *out)
{
    fprintf (out, "usage: eod-tap [--config FILE] [--count N] [--timeout-ms MS] [--stage NAME]... [ENDPOINT...]\n\n"
                  "Prints every message the stages of a running pipeline send, as read from their trace\n"
                  "PUB sockets ([endpoints] trace + stage name), one JSON object per line on stdout:\n"
                  "  {\"endpoint\":\"ipc://...\",\"t\":\"EVENT\",...the message's fields...}\n"
                  "A frame that does not decode is the line\n"
                  "  {\"error\":\"why\",\"endpoint\":\"ipc://...\",\"bytes\":N}\n\n"
                  "  ENDPOINT         a trace endpoint to read (ipc://PATH, tcp://HOST:PORT)\n"
                  "  --stage NAME     the trace endpoint of that stage from the config (repeatable):\n"
                  "                   calendar lister coordinator fetcher writer uploader notifier\n"
                  "                   With neither, all seven stages are read.\n"
                  "  --config FILE    configuration (default $EOD_CONFIG, else the defaults)\n"
                  "  --count N        exit 0 after N lines (messages and error lines)\n"
                  "  --timeout-ms MS  exit 1 when no frame arrives for MS milliseconds (0: wait forever)\n"
                  "  --help, --version\n\n"
                  "Exit codes: 0 --count lines printed or interrupted (SIGINT/SIGTERM), 1 timed out,\n"
                  "2 usage or config error.\n");
}

//  Parses a whole decimal number within [min, max]. 0 or -1.
static int
s_parse_long (const char *text, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long value = strtol (text, &end, 10);
    if (errno || end == text || *end || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

static bool
s_stage_known (const char *name)
{
    for (int i = 0; s_stages[i]; i++)
        if (strcmp (s_stages[i], name) == 0)
            return true;
    return false;
}

//  Parses argv into opts. Returns -1 to go on, else an exit code (help and
//  version 0, usage error 2 with the reason on stderr).
static int
s_parse (int argc, char **argv, s_opts_t *opts)
{
    memset (opts, 0, sizeof *opts);
    opts->config = eod_main_config_env ();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0) {
            s_usage (stdout);
            return S_EXIT_OK;
        }
        if (strcmp (a, "--version") == 0) {
            printf ("eod-tap %s\n", EOD_VERSION);
            return S_EXIT_OK;
        }
        bool takes_value = strcmp (a, "--config") == 0 || strcmp (a, "--count") == 0 || strcmp (a, "--timeout-ms") == 0
                           || strcmp (a, "--stage") == 0;
        if (takes_value && i + 1 >= argc) {
            fprintf (stderr, "eod-tap: %s needs a value (try --help)\n", a);
            return S_EXIT_USAGE;
        }
        const char *v = takes_value ? argv[++i] : NULL;
        if (strcmp (a, "--config") == 0)
            opts->config = v;
        else if (strcmp (a, "--count") == 0) {
            if (s_parse_long (v, 1, INT32_MAX, &opts->count)) {
                fprintf (stderr, "eod-tap: --count '%s' is not a number from 1 to %d\n", v, INT32_MAX);
                return S_EXIT_USAGE;
            }
        }
        else if (strcmp (a, "--timeout-ms") == 0) {
            if (s_parse_long (v, 0, INT32_MAX, &opts->timeout_ms)) {
                fprintf (stderr, "eod-tap: --timeout-ms '%s' is not a number from 0 to %d\n", v, INT32_MAX);
                return S_EXIT_USAGE;
            }
        }
        else if (strcmp (a, "--stage") == 0) {
            if (!s_stage_known (v)) {
                fprintf (stderr,
                         "eod-tap: --stage '%s' is not a stage (calendar lister coordinator fetcher "
                         "writer uploader notifier)\n",
                         v);
                return S_EXIT_USAGE;
            }
            if (opts->nstages + opts->nendpoints >= S_ENDPOINTS_MAX) {
                fprintf (stderr, "eod-tap: more than %d endpoints\n", S_ENDPOINTS_MAX);
                return S_EXIT_USAGE;
            }
            opts->stages[opts->nstages++] = v;
        }
        else if (a[0] == '-') {
            fprintf (stderr, "eod-tap: unknown option %s (try --help)\n", a);
            return S_EXIT_USAGE;
        }
        else if (!strstr (a, "://")) {
            fprintf (stderr, "eod-tap: '%s' is not an endpoint (ipc://PATH, tcp://HOST:PORT)\n", a);
            return S_EXIT_USAGE;
        }
        else if (opts->nstages + opts->nendpoints >= S_ENDPOINTS_MAX) {
            fprintf (stderr, "eod-tap: more than %d endpoints\n", S_ENDPOINTS_MAX);
            return S_EXIT_USAGE;
        }
        else
            opts->endpoints[opts->nendpoints++] = a;
    }
    return -1;
}

//  A JSON string literal of text (invalid UTF-8 becomes '?'). Caller frees.
static char *
s_json_quote (const char *text)
{
    json_t *js = json_string (text);
    if (!js) {
        char *copy = strdup (text);
        for (char *c = copy; c && *c; c++)
            if ((unsigned char) *c >= 0x80)
                *c = '?';
        js = copy ? json_string (copy) : NULL;
        free (copy);
    }
    char *quoted = js ? json_dumps (js, JSON_ENCODE_ANY) : NULL;
    json_decref (js);
    return quoted;
}

//  Receives one message from sock and prints its line.
static void
s_print_one (zsock_t *sock, const char *endpoint)
{
    zmsg_t *zmsg = zmsg_recv (sock);
    if (!zmsg)
        return;
    char err[S_ERR_LEN] = "";
    char *quoted = s_json_quote (endpoint);
    eod_msg_t *msg = NULL;
    if (zmsg_size (zmsg) != 1)
        snprintf (err, sizeof err, "%zu frames (a trace message is one frame)", zmsg_size (zmsg));
    else {
        zframe_t *frame = zmsg_first (zmsg);
        msg = eod_msg_decode (zframe_data (frame), zframe_size (frame), err, sizeof err);
    }
    char *json = msg ? eod_msg_to_json (msg) : NULL;
    if (json && json[0] == '{' && json[1] == '"')
        //  The message's own object with the endpoint spliced in first.
        printf ("{\"endpoint\":%s,%s\n", quoted ? quoted : "\"?\"", json + 1);
    else {
        char *why = s_json_quote (msg ? "cannot write the message as JSON" : err);
        printf ("{\"error\":%s,\"endpoint\":%s,\"bytes\":%zu}\n", why ? why : "\"?\"", quoted ? quoted : "\"?\"",
                zmsg_content_size (zmsg));
        free (why);
    }
    fflush (stdout);
    free (json);
    free (quoted);
    eod_msg_destroy (&msg);
    zmsg_destroy (&zmsg);
}

int
main (int argc, char **argv)
{
    s_opts_t opts;
    int rc = s_parse (argc, argv, &opts);
    if (rc >= 0)
        return rc;
    eod_log_init ("eod-tap");
    zsys_init ();
    zsys_set_logstream (NULL);

    eod_config_t *config = NULL;
    zsock_t *socks[S_ENDPOINTS_MAX] = {NULL};
    char names[S_ENDPOINTS_MAX][S_ENDPOINT_LEN];
    int nsocks = 0;
    zpoller_t *poller = NULL;
    rc = S_EXIT_USAGE;

    //  The config only names endpoints: read it when stages are asked for.
    if (opts.nendpoints == 0 && opts.nstages == 0)
        for (int i = 0; s_stages[i]; i++)
            opts.stages[opts.nstages++] = s_stages[i];
    if (opts.nstages > 0 || opts.config) {
        char err[1024];
        config = eod_config_load (opts.config, err, sizeof err);
        if (!config) {
            fprintf (stderr, "eod-tap: config: %s\n", err);
            goto out;
        }
    }
    //  A tcp:// trace is CurveZMQ: the SUBs are clients with this host's keys.
    eod_zmq_set_config (config);
    for (int i = 0; i < opts.nstages + opts.nendpoints; i++) {
        char *name = names[nsocks];
        if (i < opts.nstages) {
            if (eod_trace_endpoint (config, opts.stages[i], name, S_ENDPOINT_LEN))
                goto out;
        }
        else
            snprintf (name, S_ENDPOINT_LEN, "%s", opts.endpoints[i - opts.nstages]);
        zsock_t *sock = zsock_new (ZMQ_SUB);
        if (!sock) {
            fprintf (stderr, "eod-tap: cannot create a socket for %s\n", name);
            goto out;
        }
        socks[nsocks++] = sock;
        //  The same bound on frames as every eod socket: the decoder is
        //  strict, but a huge frame should not even be buffered.
        zsock_set_maxmsgsize (sock, EOD_PROTO_FRAME_MAX);
        zsock_set_linger (sock, 0);
        zsock_set_subscribe (sock, "");
        if (eod_socket_secure_for (sock, name, false))
            goto out;
        //  A stage that is not up yet is fine: libzmq connects when it binds.
        if (zsock_connect (sock, "%s", name) == -1) {
            fprintf (stderr, "eod-tap: cannot connect to %s: %s\n", name, zmq_strerror (zmq_errno ()));
            goto out;
        }
        if (!poller)
            poller = zpoller_new (sock, NULL);
        else
            zpoller_add (poller, sock);
        if (!poller) {
            fprintf (stderr, "eod-tap: cannot create a poller\n");
            goto out;
        }
    }

    long printed = 0;
    rc = S_EXIT_OK;
    while (opts.count == 0 || printed < opts.count) {
        zsock_t *which = zpoller_wait (poller, opts.timeout_ms > 0 ? (int) opts.timeout_ms : -1);
        if (!which) {
            //  Interrupted (SIGINT/SIGTERM, handled by czmq) is a normal end.
            if (!zpoller_terminated (poller) && zpoller_expired (poller) && opts.timeout_ms > 0) {
                fprintf (stderr, "eod-tap: no message for %ld ms\n", opts.timeout_ms);
                rc = S_EXIT_TIMEOUT;
            }
            break;
        }
        for (int i = 0; i < nsocks; i++)
            if (socks[i] == which) {
                s_print_one (which, names[i]);
                printed++;
            }
    }
out:
    zpoller_destroy (&poller);
    for (int i = nsocks - 1; i >= 0; i--)
        zsock_destroy (&socks[i]);
    eod_zmq_set_config (NULL);
    eod_config_destroy (&config);
    return rc;
}
