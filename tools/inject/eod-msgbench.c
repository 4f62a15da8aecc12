/*  eod-msgbench — a benchmark, not a test: how many messages per second one
    stage link carries, the way the stages use it.

    Each case builds one typical RESULT as the coordinator forwards it to the
    writer (identity fields, the instrument's metadata, KIS output1 as the
    snapshot and R price rows of the KIS output2 shape), then sends it COUNT
    times from the main thread with eod_stage_send (encode, frame, send, and
    the trace PUB copy every stage makes) over a PUSH socket to a PULL socket
    in a second thread, which receives and decodes each with eod_stage_recv
    and frees it. The clock runs from the first send to the last decode. It
    also times encode alone and decode alone, without sockets.

        eod-msgbench [--rows R]... [--transport inproc|ipc]... [--count N]
                     [--seconds S] [--no-trace]

    Defaults: rows 1 and 100, transports inproc and ipc, and per case as many
    messages as take about S seconds (default 2), estimated from a short
    encode/decode calibration; --count fixes the number instead. One line per
    case: transport, rows, bytes per message, messages, seconds, messages/s,
    MB/s. Exit codes: 0 done, 1 a case failed (a message lost or not
    decoded), 2 usage. */
#include <czmq.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eod_log.h"
#include "eod_proto.h"
#include "eod_zmq.h"

#define S_ROWS_MAX 10000          //  EOD_PROTO_ROWS_MAX
#define S_CASES_MAX 8             //  --rows and --transport values each
#define S_SECONDS_DEFAULT 2.0     //  wall per case when --count is not given
#define S_CALIBRATE_S 0.2         //  encode/decode timing before each case
#define S_COUNT_MIN 1000          //  fewest messages of a case
#define S_COUNT_MAX 5000000       //  most messages of a case
#define S_LINGER_MS 0             //  nothing to deliver at exit
#define S_CONNECT_SETTLE_MS 100   //  PUSH connect to the PULL before the clock starts
#define S_RECV_TIMEOUT_MS 10000   //  a receiver that waits this long gives up
#define S_NS_PER_S 1e9
#define S_BYTES_PER_MB 1e6

typedef struct {
    const char *transport;   //  "inproc" | "ipc"
    long rows;
    long count;
} s_case_t;

//  --- the message ------------------------------------------------------------

//  KIS output1 of inquire-daily-itemchartprice, as the simulator answers it.
static const char *s_output1[][2] = {{"prdy_vrss", "100"},
                                     {"prdy_vrss_sign", "2"},
                                     {"prdy_ctrt", "0.36"},
                                     {"stck_prdy_clpr", "27800"},
                                     {"acml_vol", "34486577"},
                                     {"acml_tr_pbmn", "955709265113"},
                                     {"hts_kor_isnm", "한미리테일"},
                                     {"stck_prpr", "27900"},
                                     {"stck_shrn_iscd", "000280"},
                                     {"prdy_vol", "21534827"},
                                     {"stck_mxpr", "36100"},
                                     {"stck_llam", "19460"},
                                     {"stck_oprc", "27700"},
                                     {"stck_hgpr", "28050"},
                                     {"stck_lwpr", "27200"},
                                     {"stck_prdy_oprc", "28250"},
                                     {"stck_prdy_hgpr", "28300"},
                                     {"stck_prdy_lwpr", "27800"},
                                     {"askp", "27950"},
                                     {"bidp", "27900"},
                                     {"prdy_vrss_vol", "12951750"},
                                     {"vol_tnrt", "1.02"},
                                     {"stck_fcam", "200"},
                                     {"lstn_stcn", "3388627000"},
                                     {"cpfn", "6777"},
                                     {"hts_avls", "945427"},
                                     {"per", "11.22"},
                                     {"eps", "2486.82"},
                                     {"pbr", "0.91"},
                                     {"itewhol_loan_rmnd_ratem name", "1.65"}};

//  The lister's metadata of a KR instrument.
static const char *s_meta[][2] = {{"name", "한미리테일"},        {"group_code", "ST"},    {"revenue", "1234567"},
                                  {"operating_profit", "34567"}, {"net_income", "23456"}, {"roe", "8.45"}};

//  One output2 row; the date is filled in per row.
static const char *s_row[][2] = {
    {"stck_bsop_date", NULL}, {"stck_clpr", "27900"},   {"stck_oprc", "27700"},           {"stck_hgpr", "28050"},
    {"stck_lwpr", "27200"},   {"acml_vol", "34486577"}, {"acml_tr_pbmn", "955709265113"}, {"flng_cls_code", "00"},
    {"prtt_rate", "0.00"},    {"mod_yn", "N"},          {"prdy_vrss_sign", "2"},          {"prdy_vrss", "100"},
    {"revl_issu_reas", ""}};

#define S_NELEMS(a) (sizeof (a) / sizeof ((a)[0]))

//  A RESULT with nrows rows, newest first, or NULL (no memory).
static eod_msg_t *
s_result_new (long nrows)
{
    eod_msg_t *m = eod_msg_new (EOD_MSG_RESULT);
    if (!m)
        return NULL;
    int rc = eod_msg_set (&m->run_id, "3f2a9c41d07be815") | eod_msg_set (&m->market, "kr")
             | eod_msg_set (&m->mode, nrows > 1 ? "backfill" : "daily") | eod_msg_set (&m->code, "000280")
             | eod_msg_set (&m->status, "ok") | eod_msg_set (&m->date_to, "2024-09-02")
             | eod_msg_set (&m->date_from, nrows > 1 ? "2024-04-08" : "2024-09-02");
    char task_id[64];
    snprintf (task_id, sizeof task_id, "kr-000280-%s-20240902", nrows > 1 ? "20240408" : "20240902");
    rc |= eod_msg_set (&m->task_id, task_id);
    m->attempt = 1;
    m->requests = 1;
    for (size_t i = 0; i < S_NELEMS (s_meta); i++)
        rc |= eod_fields_set (&m->meta, s_meta[i][0], s_meta[i][1]);
    for (size_t i = 0; i < S_NELEMS (s_output1); i++)
        rc |= eod_fields_set (&m->snapshot, s_output1[i][0], s_output1[i][1]);
    for (long r = 0; r < nrows && rc == 0; r++) {
        eod_fields_t row = EOD_FIELDS_INIT;
        char date[16];
        //  Distinct dates, newest first; their validity does not matter here.
        snprintf (date, sizeof date, "2024%02ld%02ld", 9 - r / 28 % 9, 28 - r % 28);
        for (size_t i = 0; i < S_NELEMS (s_row); i++)
            rc |= eod_fields_set (&row, s_row[i][0], s_row[i][1] ? s_row[i][1] : date);
        rc |= eod_msg_add_row (m, &row);
        eod_fields_clear (&row);
    }
    if (rc) {
        eod_msg_destroy (&m);
        return NULL;
    }
    return m;
}

//  --- timing -----------------------------------------------------------------

static double
s_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / S_NS_PER_S;
}

//  Encode-only and decode-only rates of msg (messages/s) over about secs
//  each. 0 or -1 (encode or decode failed).
static int
s_codec_rates (const eod_msg_t *msg, double secs, double *enc_rate, double *dec_rate, size_t *bytes)
{
    char err[256];
    char *data = NULL;
    size_t len = 0;
    long n = 0;
    double t0 = s_now (), t = t0;
    while (t - t0 < secs) {
        for (int i = 0; i < 64; i++) {
            if (eod_msg_encode (msg, &data, &len, err, sizeof err)) {
                fprintf (stderr, "eod-msgbench: encode: %s\n", err);
                return -1;
            }
            free (data);
            n++;
        }
        t = s_now ();
    }
    *enc_rate = (double) n / (t - t0);
    if (eod_msg_encode (msg, &data, &len, err, sizeof err))
        return -1;
    *bytes = len;
    n = 0;
    t0 = s_now ();
    t = t0;
    int rc = 0;
    while (rc == 0 && t - t0 < secs) {
        for (int i = 0; i < 64; i++) {
            eod_msg_t *back = eod_msg_decode (data, len, err, sizeof err);
            if (!back) {
                fprintf (stderr, "eod-msgbench: decode: %s\n", err);
                rc = -1;
                break;
            }
            eod_msg_destroy (&back);
            n++;
        }
        t = s_now ();
    }
    free (data);
    *dec_rate = (double) n / (t - t0);
    return rc;
}

//  --- the link ---------------------------------------------------------------

//  The receiving thread: binds PULL on the endpoint it is given, says
//  "READY", receives and decodes COUNT messages, then says "DONE <decoded>
//  <rows>" (or "FAIL <why>" when it could not bind or waited too long).
static void
s_receiver (zsock_t *pipe, void *args)
{
    (void) args;
    zsock_signal (pipe, 0);
    char *endpoint = NULL;
    int64_t count = 0;
    if (zsock_recv (pipe, "s8", &endpoint, &count) || !endpoint) {
        zstr_send (pipe, "FAIL no arguments");
        free (endpoint);
        return;
    }
    eod_stage_t stage = {.name = "msgbench-pull", .linger_ms = S_LINGER_MS};
    //  The options eod_socket_new gives a binding PULL, without its socket
    //  monitor (an event logger that lives until the stage ends).
    zsock_t *pull = zsock_new (ZMQ_PULL);
    if (pull) {
        zsock_set_maxmsgsize (pull, EOD_PROTO_FRAME_MAX);
        zsock_set_linger (pull, S_LINGER_MS);
        if (zsock_bind (pull, "%s", endpoint) == -1)
            zsock_destroy (&pull);
    }
    if (!pull) {
        zstr_sendf (pipe, "FAIL cannot bind %s", endpoint);
        free (endpoint);
        return;
    }
    zstr_send (pipe, "READY");
    int64_t decoded = 0, rows = 0, seen = 0;
    while (seen < count) {
        zmq_pollitem_t item = {zsock_resolve (pull), 0, ZMQ_POLLIN, 0};
        if (zmq_poll (&item, 1, S_RECV_TIMEOUT_MS) <= 0)
            break;
        eod_msg_t *m = eod_stage_recv (&stage, pull, NULL);
        seen++;
        if (m) {
            decoded++;
            rows += (int64_t) m->nrows;
            eod_msg_destroy (&m);
        }
    }
    if (seen < count)
        zstr_sendf (pipe, "FAIL received %lld of %lld", (long long) seen, (long long) count);
    else
        zstr_sendf (pipe, "DONE %lld %lld", (long long) decoded, (long long) rows);
    zsock_destroy (&pull);
    free (endpoint);
    //  Wait for $TERM so the actor ends when the caller destroys it.
    char *term = zstr_recv (pipe);
    zstr_free (&term);
}

//  Runs one case; prints its line. 0 or -1.
static int
s_run_case (const s_case_t *c, bool trace, double secs, bool fixed_count)
{
    int rc = -1;
    eod_msg_t *msg = s_result_new (c->rows);
    zactor_t *rx = NULL;
    zsock_t *push = NULL, *pub = NULL;
    char *reply = NULL;
    char endpoint[256] = "", trace_ep[256] = "";
    if (!msg) {
        fprintf (stderr, "eod-msgbench: no memory\n");
        goto out;
    }
    double enc_rate = 0, dec_rate = 0;
    size_t bytes = 0;
    if (s_codec_rates (msg, S_CALIBRATE_S, &enc_rate, &dec_rate, &bytes))
        goto out;
    long count = c->count;
    if (!fixed_count) {
        //  Encode and decode run in parallel threads: the slower one paces.
        double pace = enc_rate < dec_rate ? enc_rate : dec_rate;
        count = (long) (pace * secs * 0.7);
        if (count < S_COUNT_MIN)
            count = S_COUNT_MIN;
        if (count > S_COUNT_MAX)
            count = S_COUNT_MAX;
    }
    if (strcmp (c->transport, "inproc") == 0)
        snprintf (endpoint, sizeof endpoint, "inproc://msgbench-%ld", c->rows);
    else
        snprintf (endpoint, sizeof endpoint, "ipc:///tmp/eod-msgbench-%d-%ld.sock", (int) getpid (), c->rows);
    snprintf (trace_ep, sizeof trace_ep, "inproc://msgbench-trace-%s-%ld", c->transport, c->rows);

    eod_stage_t stage = {.name = "msgbench-push", .linger_ms = S_LINGER_MS};
    if (trace) {
        //  Every stage publishes a copy of what it sends on its trace PUB.
        pub = eod_socket_new (ZMQ_PUB, trace_ep, true, S_LINGER_MS);
        if (!pub)
            goto out;
        stage.trace = pub;
    }
    rx = zactor_new (s_receiver, NULL);
    if (!rx)
        goto out;
    zsock_send (rx, "s8", endpoint, (int64_t) count);
    reply = zstr_recv (rx);
    if (!reply || strcmp (reply, "READY") != 0) {
        fprintf (stderr, "eod-msgbench: %s: %s\n", endpoint, reply ? reply : "receiver gone");
        goto out;
    }
    zstr_free (&reply);
    push = eod_socket_new (ZMQ_PUSH, endpoint, false, S_LINGER_MS);
    if (!push)
        goto out;
    zclock_sleep (S_CONNECT_SETTLE_MS);

    double t0 = s_now ();
    for (long i = 0; i < count; i++)
        if (eod_stage_send (&stage, push, NULL, msg)) {
            fprintf (stderr, "eod-msgbench: send %ld failed\n", i);
            goto out;
        }
    double t_sent = s_now ();
    reply = zstr_recv (rx);
    double t1 = s_now ();
    long long decoded = 0, rows = 0;
    if (!reply || sscanf (reply, "DONE %lld %lld", &decoded, &rows) != 2 || decoded != count
        || rows != (long long) count * c->rows) {
        fprintf (stderr, "eod-msgbench: %s, %ld rows: %s (decoded %lld of %ld)\n", c->transport, c->rows,
                 reply ? reply : "no answer", decoded, count);
        goto out;
    }
    double wall = t1 - t0;
    printf ("%-7s %5ld %9zu %9ld %8.3f %11.0f %8.1f   %11.0f %11.0f %8.3f\n", c->transport, c->rows, bytes, count, wall,
            (double) count / wall, (double) count * (double) bytes / wall / S_BYTES_PER_MB, enc_rate, dec_rate,
            t_sent - t0);
    fflush (stdout);
    rc = 0;
out:
    zstr_free (&reply);
    zsock_destroy (&push);
    zactor_destroy (&rx);
    zsock_destroy (&pub);
    eod_msg_destroy (&msg);
    if (strncmp (endpoint, "ipc://", 6) == 0)
        unlink (endpoint + 6);
    return rc;
}

static void
s_usage (FILE *f)
{
    fputs ("usage: eod-msgbench [--rows R]... [--transport inproc|ipc]... [--count N] [--seconds S] [--no-trace]\n"
           "Messages/s of a typical RESULT through eod_stage_send -> PUSH/PULL -> eod_stage_recv.\n"
           "Defaults: --rows 1 --rows 100, --transport inproc --transport ipc, about 2 s per case.\n",
           f);
}

static int
s_parse_long (const char *text, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol (text, &end, 10);
    if (errno || !end || end == text || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int
main (int argc, char *argv[])
{
    long rows[S_CASES_MAX];
    const char *transports[S_CASES_MAX];
    size_t nrows = 0, ntransports = 0;
    long count = 0;
    double secs = S_SECONDS_DEFAULT;
    bool trace = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        long n;
        if (strcmp (a, "--rows") == 0 && v && nrows < S_CASES_MAX && s_parse_long (v, 0, S_ROWS_MAX, &n) == 0) {
            rows[nrows++] = n;
            i++;
        }
        else if (strcmp (a, "--transport") == 0 && v && ntransports < S_CASES_MAX
                 && (strcmp (v, "inproc") == 0 || strcmp (v, "ipc") == 0)) {
            transports[ntransports++] = v;
            i++;
        }
        else if (strcmp (a, "--count") == 0 && v && s_parse_long (v, 1, S_COUNT_MAX, &count) == 0)
            i++;
        else if (strcmp (a, "--seconds") == 0 && v) {
            char *end = NULL;
            secs = strtod (v, &end);
            if (!end || *end || !(secs > 0 && secs <= 600)) {
                s_usage (stderr);
                return 2;
            }
            i++;
        }
        else if (strcmp (a, "--no-trace") == 0)
            trace = false;
        else if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0) {
            s_usage (stdout);
            return 0;
        }
        else {
            s_usage (stderr);
            return 2;
        }
    }
    if (nrows == 0) {
        rows[nrows++] = 1;
        rows[nrows++] = 100;
    }
    if (ntransports == 0) {
        transports[ntransports++] = "inproc";
        transports[ntransports++] = "ipc";
    }
    eod_log_init ("eod-msgbench");
    zsys_init ();
    zsys_set_linger (S_LINGER_MS);
    printf ("# RESULT as the coordinator forwards it (30 output1 fields, 6 meta fields, 13 fields a row); "
            "trace PUB %s\n",
            trace ? "on" : "off");
    printf ("%-7s %5s %9s %9s %8s %11s %8s   %11s %11s %8s\n", "link", "rows", "bytes", "messages", "wall s",
            "messages/s", "MB/s", "encode/s", "decode/s", "send s");
    int failed = 0;
    for (size_t t = 0; t < ntransports; t++)
        for (size_t r = 0; r < nrows; r++) {
            s_case_t c = {.transport = transports[t], .rows = rows[r], .count = count};
            if (s_run_case (&c, trace, secs, count > 0))
                failed = 1;
        }
    return failed;
}
