/*  eod-pub — a stand-in for a stage's trace PUB socket (tests/ops).

    Binds a PUB socket at an endpoint, as eod_stage_new binds a stage's trace,
    and publishes there, every interval, the coordinator's STATS (stage
    "coordinator", fields the run's figures), and
    with --garbage also a frame that is not a message (--multipart: a
    message of two frames), so eod-tap and
    eod-status are tested against a publisher whose every frame is known:

        eod-pub --endpoint EP [--interval-ms MS] [--count N] [--garbage] [--multipart]
                [--field KEY=VALUE]... [--drop KEY]...

    --field sets (or adds) a stats field, --drop removes one (an older
    coordinator's STATS). Runs until --count rounds are sent or SIGINT/SIGTERM.
    Exit codes: 0 done, 2 usage, 3 the endpoint could not be bound. */
#include <czmq.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eod_proto.h"

#define S_INTERVAL_MS 100   //  default time between rounds
#define S_ARGS_MAX 32       //  --field and --drop options
#define S_ERR_LEN 256

//  What a coordinator in the middle of a run reports.
static const char *s_defaults[][2] = {{"run_id", "20240902-kr-daily"},
                                      {"market", "kr"},
                                      {"tasks", "100"},
                                      {"done", "40"},
                                      {"failed", "2"},
                                      {"queued", "50"},
                                      {"in_flight", "8"},
                                      {"fetchers", "4"},
                                      {"keys", "1"},
                                      {"budget", "20"},
                                      {"req_1s", "18"},
                                      {"requests", "420"},
                                      {"rejected", "1"},
                                      {"retries", "3"},
                                      {"eta_s", "3725"},
                                      {"uptime_s", "21"},
                                      {NULL, NULL}};

//  A frame no decoder may accept: a msgpack map with version 99.
static const unsigned char s_garbage[] = {0x82, 0xa1, 'v', 0x63, 0xa1, 't', 0xa3, 'B', 'A', 'D'};

static long
s_number (const char *text, long min, long max)
{
    char *end = NULL;
    errno = 0;
    long value = strtol (text, &end, 10);
    return errno || end == text || *end || value < min || value > max ? -1 : value;
}

int
main (int argc, char **argv)
{
    const char *endpoint = NULL;
    long interval_ms = S_INTERVAL_MS, count = 0;
    bool garbage = false, multipart = false;
    const char *fields[S_ARGS_MAX], *drops[S_ARGS_MAX];
    int nfields = 0, ndrops = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp (a, "--garbage") == 0 || strcmp (a, "--multipart") == 0) {
            garbage = garbage || a[2] == 'g';
            multipart = multipart || a[2] == 'm';
            continue;
        }
        if (!v)
            goto usage;
        i++;
        if (strcmp (a, "--endpoint") == 0)
            endpoint = v;
        else if (strcmp (a, "--interval-ms") == 0 && (interval_ms = s_number (v, 1, 60000)) > 0)
            ;
        else if (strcmp (a, "--count") == 0 && (count = s_number (v, 1, INT32_MAX)) > 0)
            ;
        else if (strcmp (a, "--field") == 0 && strchr (v, '=') && nfields < S_ARGS_MAX)
            fields[nfields++] = v;
        else if (strcmp (a, "--drop") == 0 && ndrops < S_ARGS_MAX)
            drops[ndrops++] = v;
        else
            goto usage;
    }
    if (!endpoint)
        goto usage;

    eod_msg_t *msg = eod_msg_new (EOD_MSG_STATS);
    if (!msg)
        return 3;
    eod_msg_set (&msg->stage, "coordinator");
    eod_fields_t stats = EOD_FIELDS_INIT;
    for (int i = 0; s_defaults[i][0]; i++)
        eod_fields_set (&stats, s_defaults[i][0], s_defaults[i][1]);
    for (int i = 0; i < nfields; i++) {
        const char *eq = strchr (fields[i], '=');
        char key[128];
        snprintf (key, sizeof key, "%.*s", (int) (eq - fields[i]), fields[i]);
        eod_fields_set (&stats, key, eq + 1);
    }
    //  Kept in order, without the dropped keys.
    for (size_t i = 0; i < stats.count; i++) {
        bool dropped = false;
        for (int d = 0; d < ndrops; d++)
            dropped = dropped || strcmp (stats.items[i].key, drops[d]) == 0;
        if (!dropped)
            eod_fields_set (&msg->fields, stats.items[i].key, stats.items[i].value);
    }
    eod_fields_clear (&stats);
    eod_msg_set (&msg->run_id, eod_fields_get (&msg->fields, "run_id"));
    eod_msg_set (&msg->market, eod_fields_get (&msg->fields, "market"));
    char *data = NULL;
    size_t len = 0;
    char err[S_ERR_LEN];
    int rc = 3;
    zsock_t *pub = NULL;
    if (eod_msg_encode (msg, &data, &len, err, sizeof err)) {
        fprintf (stderr, "eod-pub: %s\n", err);
        goto out;
    }
    pub = zsock_new (ZMQ_PUB);
    if (!pub || zsock_bind (pub, "%s", endpoint) == -1) {
        fprintf (stderr, "eod-pub: cannot bind %s: %s\n", endpoint, zmq_strerror (zmq_errno ()));
        goto out;
    }
    zsock_set_linger (pub, 0);
    printf ("bound %s\n", endpoint);
    fflush (stdout);
    for (long round = 0; !zsys_interrupted && (count == 0 || round < count); round++) {
        zframe_t *frame = zframe_new (data, len);
        if (zframe_send (&frame, pub, 0))
            zframe_destroy (&frame);
        if (garbage) {
            frame = zframe_new (s_garbage, sizeof s_garbage);
            if (zframe_send (&frame, pub, 0))
                zframe_destroy (&frame);
        }
        //  Two frames: the message after a topic-like frame.
        if (multipart && zstr_sendm (pub, "topic") == 0) {
            frame = zframe_new (data, len);
            if (zframe_send (&frame, pub, 0))
                zframe_destroy (&frame);
        }
        zclock_sleep ((int) interval_ms);
    }
    rc = 0;
out:
    zsock_destroy (&pub);
    free (data);
    eod_msg_destroy (&msg);
    return rc;
usage:
    fprintf (stderr, "usage: eod-pub --endpoint EP [--interval-ms MS] [--count N] [--garbage] [--multipart]\n"
                     "               [--field KEY=VALUE]... [--drop KEY]...\n");
    return 2;
}
