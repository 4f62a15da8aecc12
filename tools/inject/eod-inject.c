/*  eod-inject — feeds hostile frames to a stage's input socket (tests/chaos).

    Every stage receives msgpack frames (proto/eod_proto.h) on a socket named
    in the config's [endpoints]; the design promises that garbage, truncated,
    oversize and wrong-version frames are logged and dropped, never a crash.
    This tool connects a PUSH, DEALER or REQ socket to such an endpoint (or
    binds a ROUTER a fetcher connects to, standing in for the coordinator)
    and sends frames of one kind:

        eod-inject --endpoint EP --type push|dealer|req|router --kind KIND [--count N]
                   [--seed S] [--wait-ms MS] [--keys N] [--size BYTES]
                   [--envelope] [--expect-reply]

    field:TYPE:NAME=HEX sends a valid TYPE with the bytes of one field
    replaced (inject_fields), so NUL and invalid UTF-8 travel as they are.
    Each kind has several variants (inject_frames builds them); frame i is
    variant i modulo their number, so --count covers them all. This file
    wires the sockets: every frame sent is printed (length and hex).
    A DEALER or REQ then waits for a reply and prints it: a REP service must
    answer every request, bad or not, or its clients hang. A peer that drops
    the connection (ZMQ_MAXMSGSIZE) is reported from a socket monitor.

    Exit codes: 0 sent (and, with --expect-reply, every frame answered),
    1 a reply missing, 2 usage, 3 a frame could not be sent. */
#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eod_proto.h"
#include "inject_frames.h"

#define S_HEX_SHOWN 256                  //  bytes of a frame printed in hex
#define S_SNDTIMEO_MS 3000               //  a send that blocks this long fails
#define S_LINGER_MS 2000                 //  time to deliver what is queued at exit
#define S_WAIT_REQ_MS 2000               //  default wait for a REP's answer
#define S_WAIT_DEALER_MS 300             //  default wait for a ROUTER's messages
#define S_WAIT_ROUTER_MS 5000            //  default wait for a peer to join our ROUTER
#define S_KINDS_MAX 64                   //  --kind options of one run
#define S_SETTLE_MS 300                  //  before/after a frame that kills the link
#define S_BIGMAP_KEYS 20000              //  default keys of a bigmap frame
#define S_WIDE_BYTES (8 * 1024 * 1024)   //  default size of a wide frame

typedef struct {
    const char *endpoint;
    int type;
    const char *type_name;
    const char *kinds[S_KINDS_MAX];   //  --kind, repeatable: each sends --count frames
    int nkinds;
    long count;
    uint64_t seed;
    int wait_ms;
    long keys;
    long size;
    bool envelope;
    bool expect_reply;
} s_opts_t;

//  ---------------------------------------------------------------- sockets

static void
s_print_hex (const char *label, const uint8_t *data, size_t len)
{
    printf ("%s %zu bytes:", label, len);
    size_t shown = len < S_HEX_SHOWN ? len : S_HEX_SHOWN;
    if (shown)
        putchar (' ');
    for (size_t k = 0; k < shown; k++)
        printf ("%02x", data[k]);
    printf ("%s\n", shown < len ? "..." : "");
}

static zsock_t *
s_connect (const s_opts_t *o, zactor_t **monitor)
{
    zsock_t *sock = zsock_new (o->type);
    if (!sock)
        return NULL;
    zsock_set_linger (sock, S_LINGER_MS);
    zsock_set_sndtimeo (sock, S_SNDTIMEO_MS);
    *monitor = zactor_new (zmonitor, sock);
    if (*monitor) {
        zstr_sendx (*monitor, "LISTEN", "DISCONNECTED", NULL);
        zstr_sendx (*monitor, "START", NULL);
        zsock_wait (*monitor);
    }
    //  A ROUTER stands in for the coordinator: it binds, and a fetcher
    //  started with --connect to it joins.
    int rc = o->type == ZMQ_ROUTER ? zsock_bind (sock, "%s", o->endpoint) : zsock_connect (sock, "%s", o->endpoint);
    if (rc == -1) {
        fprintf (stderr, "eod-inject: cannot %s %s: %s\n", o->type == ZMQ_ROUTER ? "bind" : "connect", o->endpoint,
                 zmq_strerror (zmq_errno ()));
        zactor_destroy (monitor);
        zsock_destroy (&sock);
    }
    return sock;
}

//  A ROUTER's peer: the routing id of the first message that arrives within
//  wait_ms (a fetcher's READY), or NULL.
static zframe_t *
s_router_peer (const s_opts_t *o, zsock_t *sock)
{
    zsock_set_rcvtimeo (sock, o->wait_ms);
    zmsg_t *first = zmsg_recv (sock);
    zframe_t *peer = first ? zmsg_pop (first) : NULL;
    zmsg_destroy (&first);
    zsock_set_rcvtimeo (sock, -1);
    if (peer)
        printf ("a peer joined the router (%zu-byte routing id)\n", zframe_size (peer));
    else
        printf ("no peer joined the router in %d ms\n", o->wait_ms);
    return peer;
}

//  Prints the connection drops the monitor saw; returns how many.
static int
s_drain_monitor (zactor_t *monitor)
{
    int drops = 0;
    while (monitor && (zsock_events (zactor_sock (monitor)) & ZMQ_POLLIN)) {
        zmsg_t *ev = zmsg_recv (monitor);
        char *name = zmsg_popstr (ev);
        if (name && strcmp (name, "DISCONNECTED") == 0) {
            printf ("monitor: the peer closed the connection\n");
            drops++;
        }
        free (name);
        zmsg_destroy (&ev);
    }
    return drops;
}

//  Waits up to wait_ms for messages and prints them (all for a DEALER, the
//  one answer for a REQ). Returns how many arrived.
static int
s_replies (const s_opts_t *o, zsock_t *sock)
{
    int got = 0;
    int64_t deadline = zclock_mono () + o->wait_ms;
    zpoller_t *poller = zpoller_new (sock, NULL);
    while (true) {
        int64_t left = deadline - zclock_mono ();
        if (left <= 0 || !zpoller_wait (poller, (int) left))
            break;
        zmsg_t *reply = zmsg_recv (sock);
        if (!reply)
            break;
        got++;
        int n = 0;
        for (zframe_t *fr = zmsg_first (reply); fr; fr = zmsg_next (reply), n++) {
            if (zframe_size (fr) == 0 && o->type == ZMQ_DEALER && n == 0) {
                printf ("reply frame %d: (empty delimiter)\n", n);
                continue;
            }
            char err[256];
            eod_msg_t *m = eod_msg_decode (zframe_data (fr), zframe_size (fr), err, sizeof err);
            char *json = m ? eod_msg_to_json (m) : NULL;
            if (json)
                printf ("reply frame %d: %s\n", n, json);
            else {
                char label[64];
                snprintf (label, sizeof label, "reply frame %d (not a message: %s)", n, err);
                s_print_hex (label, zframe_data (fr), zframe_size (fr));
            }
            free (json);
            eod_msg_destroy (&m);
        }
        zmsg_destroy (&reply);
        if (o->type == ZMQ_REQ)
            break;
    }
    zpoller_destroy (&poller);
    return got;
}

static int
s_send_frame (zsock_t *sock, const void *data, size_t len, bool more)
{
    zframe_t *fr = zframe_new (data, len);
    if (!fr)
        return -1;
    if (zframe_send (&fr, sock, more ? ZFRAME_MORE : 0)) {
        zframe_destroy (&fr);
        return -1;
    }
    return 0;
}

static void
s_usage (FILE *out)
{
    fprintf (out,
             "usage: eod-inject --endpoint EP --type push|dealer|req|router --kind KIND... [--count N] [--seed S]\n"
             "                  [--wait-ms MS] [--keys N] [--size BYTES] [--envelope] [--expect-reply]\n\n"
             "Sends hostile frames to a stage's input socket and prints each one (and any reply).\n"
             "KIND: garbage truncated hugecount toobig oversize (hugecount, then toobig) version\n"
             "      wrongtype multipart empty bigmap (--keys) wide (--size) baddates\n"
             "      valid-heartbeat valid-ready valid-event valid-ack valid-status (a LISTING_ASK) valid-task\n"
             "      valid-result valid-end (a closed day's END, without a run id)\n"
             "      type:NAME (a message of type NAME with every field of its table set)\n"
             "      field:TYPE:NAME=HEX (a valid TYPE whose field NAME holds the bytes HEX spells)\n"
             "   or: eod-inject --unlisted STAGE ENDPOINT\n"
             "prints the types the message table does not list for STAGE on ENDPOINT, one a line.\n"
             "--kind may be given up to 64 times: --count frames of each, in order\n"
             "--type router  binds EP, waits --wait-ms (default 5000) for a peer (a fetcher --connect EP)\n"
             "             and sends it the frames\n"
             "--envelope   a DEALER sends an empty delimiter frame first (as a REQ does)\n"
             "--expect-reply  exit 1 unless every frame got a reply (dealer, req)\n"
             "Exit codes: 0 sent, 1 a reply missing, 2 usage, 3 a frame could not be sent.\n");
}

static int
s_parse (int argc, char **argv, s_opts_t *o)
{
    memset (o, 0, sizeof *o);
    o->count = 1;
    o->wait_ms = -1;
    o->keys = S_BIGMAP_KEYS;
    o->size = S_WIDE_BYTES;
    o->seed = (uint64_t) time (NULL) ^ ((uint64_t) getpid () << 32);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp (a, "--help") == 0) {
            s_usage (stdout);
            exit (0);
        }
        if (strcmp (a, "--envelope") == 0) {
            o->envelope = true;
            continue;
        }
        if (strcmp (a, "--expect-reply") == 0) {
            o->expect_reply = true;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf (stderr, "eod-inject: %s needs a value\n", a);
            return -1;
        }
        const char *v = argv[++i];
        char *end = NULL;
        long long n = strtoll (v, &end, 10);
        bool numeric = end != v && *end == '\0';
        if (strcmp (a, "--endpoint") == 0)
            o->endpoint = v;
        else if (strcmp (a, "--type") == 0)
            o->type_name = v;
        else if (strcmp (a, "--kind") == 0 && o->nkinds < S_KINDS_MAX)
            o->kinds[o->nkinds++] = v;
        else if (strcmp (a, "--count") == 0 && numeric && n >= 1)
            o->count = (long) n;
        else if (strcmp (a, "--seed") == 0 && numeric)
            o->seed = (uint64_t) n;
        else if (strcmp (a, "--wait-ms") == 0 && numeric && n >= 0 && n <= INT32_MAX)
            o->wait_ms = (int) n;
        else if (strcmp (a, "--keys") == 0 && numeric && n >= 1 && n <= UINT32_MAX)
            o->keys = (long) n;
        else if (strcmp (a, "--size") == 0 && numeric && n >= 16 && n <= EOD_PROTO_FRAME_MAX)
            o->size = (long) n;
        else {
            fprintf (stderr, "eod-inject: bad option %s %s\n", a, v);
            return -1;
        }
    }
    if (!o->endpoint || !o->type_name || !o->nkinds) {
        fprintf (stderr, "eod-inject: --endpoint, --type and --kind are required\n");
        return -1;
    }
    if (strcmp (o->type_name, "push") == 0)
        o->type = ZMQ_PUSH;
    else if (strcmp (o->type_name, "dealer") == 0)
        o->type = ZMQ_DEALER;
    else if (strcmp (o->type_name, "req") == 0)
        o->type = ZMQ_REQ;
    else if (strcmp (o->type_name, "router") == 0)
        o->type = ZMQ_ROUTER;
    else {
        fprintf (stderr, "eod-inject: --type must be push, dealer, req or router\n");
        return -1;
    }
    if (o->wait_ms < 0)
        o->wait_ms = o->type == ZMQ_REQ ? S_WAIT_REQ_MS : o->type == ZMQ_ROUTER ? S_WAIT_ROUTER_MS : S_WAIT_DEALER_MS;
    if (o->seed == 0)
        o->seed = 1;   //  xorshift's one fixed point
    return 0;
}

int
main (int argc, char **argv)
{
    if (argc == 4 && strcmp (argv[1], "--unlisted") == 0) {
        for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++)
            if (!eod_msg_route_ok ((eod_msg_type_t) t, NULL, argv[2], argv[3]))
                printf ("%s\n", eod_msg_type_name ((eod_msg_type_t) t));
        return 0;
    }
    s_opts_t o;
    if (s_parse (argc, argv, &o)) {
        s_usage (stderr);
        return 2;
    }
    zsys_init ();
    zsys_set_logstream (NULL);
    inject_seed (o.seed);
    printf ("eod-inject: %s %s, kind %s%s, %ld frame(s) each, seed %llu\n", o.type_name, o.endpoint, o.kinds[0],
            o.nkinds > 1 ? " and more" : "", o.count, (unsigned long long) o.seed);
    zactor_t *monitor = NULL;
    zsock_t *sock = s_connect (&o, &monitor);
    if (!sock)
        return 3;
    int rc = 0;
    long sent = 0, answered = 0;
    int drops = 0;
    zframe_t *peer = o.type == ZMQ_ROUTER ? s_router_peer (&o, sock) : NULL;
    if (o.type == ZMQ_ROUTER && !peer) {
        zactor_destroy (&monitor);
        zsock_destroy (&sock);
        return 3;
    }
    inject_frame_t f, f2;
    inject_frame_init (&f);
    inject_frame_init (&f2);
    for (long n = 0; n < o.count * o.nkinds && !zsys_interrupted; n++) {
        long i = n % o.count;
        inject_frame_reset (&f);
        inject_frame_reset (&f2);
        bool two = false;
        if (inject_build (o.kinds[n / o.count], o.keys, o.size, i, &f, &f2, &two)) {
            rc = 2;
            break;
        }
        if (f.kills_link)
            zclock_sleep (S_SETTLE_MS);   //  what went before is delivered first
        char label[160];
        snprintf (label, sizeof label, "sent %ld (%s):", n, f.what);
        s_print_hex (label, (const uint8_t *) f.buf.data, f.buf.size);
        if (two)
            s_print_hex ("  second frame:", (const uint8_t *) f2.buf.data, f2.buf.size);
        int err = 0;
        if (peer)
            err = s_send_frame (sock, zframe_data (peer), zframe_size (peer), true);
        if (!err && o.envelope && o.type == ZMQ_DEALER)
            err = s_send_frame (sock, "", 0, true);
        if (!err)
            err = s_send_frame (sock, f.buf.data, f.buf.size, two);
        if (!err && two)
            err = s_send_frame (sock, f2.buf.data, f2.buf.size, false);
        if (err) {
            printf ("send %ld failed: %s\n", n, zmq_strerror (zmq_errno ()));
            rc = 3;
            break;
        }
        sent++;
        bool replied = false;
        if (o.type != ZMQ_PUSH && o.type != ZMQ_ROUTER) {
            replied = s_replies (&o, sock) > 0;
            answered += replied;
            if (!replied)
                printf ("no reply to %ld in %d ms\n", n, o.wait_ms);
        }
        if (f.kills_link)
            zclock_sleep (S_SETTLE_MS);
        drops += s_drain_monitor (monitor);
        //  A REQ that got no answer cannot send again; a link the peer cut
        //  drops what was queued behind it: start over on a new socket.
        if ((o.type == ZMQ_REQ && !replied) || f.kills_link) {
            zsock_set_linger (sock, 0);
            zactor_destroy (&monitor);
            zsock_destroy (&sock);
            sock = s_connect (&o, &monitor);
            if (!sock) {
                rc = 3;
                break;
            }
        }
    }
    inject_frame_reset (&f);
    inject_frame_reset (&f2);
    if (o.type == ZMQ_PUSH || o.type == ZMQ_ROUTER)
        zclock_sleep (S_SETTLE_MS / 3);
    zframe_destroy (&peer);
    drops += s_drain_monitor (monitor);
    printf ("eod-inject: sent %ld frame(s), %ld answered, %d connection drop(s)\n", sent, answered, drops);
    if (rc == 0 && o.expect_reply && o.type != ZMQ_PUSH && answered < sent)
        rc = 1;
    zactor_destroy (&monitor);
    zsock_destroy (&sock);
    return rc;
}
