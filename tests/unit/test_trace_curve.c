/*  test_trace_curve — a stage's trace PUB on a network endpoint: one port per
    stage from the [endpoints] trace port (eod_trace_endpoint), refused
    without CurveZMQ keys (the stage does not start), a CURVE server with
    them: a SUB with a client certificate the server knows gets the
    coordinator's STATS, a SUB in clear text gets nothing. ipc:// traces keep
    the stage name appended. */
#include "eod_test.h"
#include "eod_zmq.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_WAIT_MS 3000
#define S_TICK_MS 50

static char s_dir[] = "/tmp/eod-trace-curve.XXXXXX";

//  A free loopback port with room for the seven stages after it.
static int
s_port (void)
{
    zsock_t *probe = zsock_new (ZMQ_PUB);
    int port = zsock_bind (probe, "tcp://127.0.0.1:*[20000-60000]");
    zsock_destroy (&probe);
    return port;
}

//  Writes the config NAME in the temp dir with the lines given; returns its path.
static const char *
s_config (const char *name, const char *lines)
{
    static char path[256];
    snprintf (path, sizeof path, "%s/%s", s_dir, name);
    FILE *f = fopen (path, "w");
    CHECK (f != NULL);
    if (f) {
        fprintf (f, "[pipeline]\nstate_dir = %s/state\n%s", s_dir, lines);
        fclose (f);
    }
    return path;
}

static void
test_endpoints (int port)
{
    char lines[512], out[256];
    snprintf (lines, sizeof lines, "[endpoints]\ntrace = tcp://127.0.0.1:%d\n", port);
    char err[1024];
    eod_config_t *config = eod_config_load (s_config ("tcp.ini", lines), err, sizeof err);
    CHECK (config != NULL);
    if (!config)
        return;
    char want[64];
    CHECK_INT (eod_trace_endpoint (config, "calendar", out, sizeof out), 0);
    snprintf (want, sizeof want, "tcp://127.0.0.1:%d", port);
    CHECK_STR (out, want);
    CHECK_INT (eod_trace_endpoint (config, "notifier", out, sizeof out), 0);
    snprintf (want, sizeof want, "tcp://127.0.0.1:%d", port + 6);
    CHECK_STR (out, want);
    CHECK_INT (eod_trace_endpoint (config, "inject", out, sizeof out), -1);
    CHECK_STR (out, "");
    eod_config_destroy (&config);
    config = eod_config_load (s_config ("ipc.ini", ""), err, sizeof err);
    CHECK (config != NULL);
    if (!config)
        return;
    CHECK_INT (eod_trace_endpoint (config, "writer", out, sizeof out), 0);
    snprintf (want, sizeof want, "ipc://%s/state/sock/trace-writer", s_dir);
    CHECK_STR (out, want);
    CHECK_INT (eod_trace_endpoint (config, "writer", out, 10), -1);
    eod_config_destroy (&config);
}

//  Waits for a STATS on sub while the stage publishes one every tick.
static bool
s_gets_stats (eod_stage_t *stage, zsock_t *sub)
{
    eod_msg_t *stats = eod_msg_new (EOD_MSG_STATS);
    eod_msg_set (&stats->stage, "coordinator");
    eod_fields_set (&stats->fields, "tasks", "1");
    zsock_set_rcvtimeo (sub, S_TICK_MS);
    bool got = false;
    for (int waited = 0; !got && waited < S_WAIT_MS; waited += S_TICK_MS) {
        eod_stage_publish (stage, stats);
        char *frame = zstr_recv (sub);
        got = frame != NULL;
        zstr_free (&frame);
    }
    eod_msg_destroy (&stats);
    return got;
}

static void
test_curve (int port)
{
    char lines[1024];
    //  Without keys a tcp:// trace is refused, as every tcp:// socket is.
    snprintf (lines, sizeof lines, "[endpoints]\ntrace = tcp://127.0.0.1:%d\n", port);
    CHECK (eod_stage_new ("coordinator", s_config ("nokeys.ini", lines)) == NULL);
    //  With them the trace is a CURVE server.
    char keys[300];
    snprintf (keys, sizeof keys, "%s/keys", s_dir);
    CHECK_INT (eod_curve_keygen (keys, "server"), 0);
    CHECK_INT (eod_curve_keygen (keys, "tap"), 0);
    snprintf (lines, sizeof lines,
              "[endpoints]\ntrace = tcp://127.0.0.1:%d\n[security]\ncurve_server_cert = %s/server.cert_secret\n"
              "curve_clients_dir = %s/clients\ncurve_server_public = %s/server.cert\n"
              "curve_client_cert = %s/tap.cert_secret\n",
              port, keys, keys, keys, keys);
    const char *path = s_config ("keys.ini", lines);
    eod_stage_t *stage = eod_stage_new ("coordinator", path);
    CHECK (stage != NULL);
    if (!stage)
        return;
    CHECK (stage->trace != NULL);
    CHECK (stage->trace && eod_socket_secure (stage->trace));
    CHECK (stage->trace && zsock_mechanism (stage->trace) == ZMQ_CURVE);
    char endpoint[128];
    CHECK_INT (eod_trace_endpoint (stage->config, "coordinator", endpoint, sizeof endpoint), 0);
    //  A client with a known certificate reads it.
    zsock_t *sub = zsock_new (ZMQ_SUB);
    zsock_set_subscribe (sub, "");
    CHECK_INT (eod_socket_secure_for (sub, endpoint, false), 0);
    CHECK (zsock_connect (sub, "%s", endpoint) == 0);
    CHECK (s_gets_stats (stage, sub));
    zsock_destroy (&sub);
    //  One in clear text reads nothing.
    zsock_t *plain = zsock_new (ZMQ_SUB);
    zsock_set_subscribe (plain, "");
    CHECK (zsock_connect (plain, "%s", endpoint) == 0);
    CHECK (!s_gets_stats (stage, plain));
    zsock_destroy (&plain);
    eod_stage_destroy (&stage);
}

int
main (void)
{
    CHECK (mkdtemp (s_dir) != NULL);
    int port = s_port ();
    CHECK (port > 0);
    test_endpoints (port);
    test_curve (port);
    char cmd[128];
    snprintf (cmd, sizeof cmd, "rm -rf %s", s_dir);
    CHECK (system (cmd) == 0);
    return EOD_TEST_DONE ();
}
