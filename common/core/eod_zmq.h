/*  eod_zmq — sockets and the stage context every eod program shares.

    eod_stage_t holds what each stage has: its name, the config, a PUB socket
    that traces every message it sends (eod-tap reads it), and a PUSH socket to
    the notifier for EVENTs. Sockets are made here with the options the design
    asks of all of them: ZMQ_MAXMSGSIZE (msgpack-c trusts declared counts), a
    linger chosen on purpose, small high-water marks on task links, and
    ZMQ_IMMEDIATE on connecting PUSH/DEALER sockets.

    Security: a socket on a network endpoint (tcp://; anything but ipc:// and
    inproc://) is a CurveZMQ server when it binds and a client when it
    connects, with the keys of the [security] section of the stage's config. A
    binding CURVE server checks every client key with ZAP (czmq zauth) against
    curve_clients_dir, and logs refused handshakes. Without those keys such an
    endpoint is refused unless [security] plain_tcp allows clear text, and the
    fetchers endpoint is refused even then. The trace PUBs are no exception
    (eod_trace_endpoint: one port per stage on tcp://). ipc:// stays as it
    is: its sockets live in the 0700 state directory. */
#ifndef EOD_ZMQ_H
#define EOD_ZMQ_H

#include <czmq.h>
#include <stdbool.h>

#include "eod_config.h"
#include "eod_proto.h"

#define EOD_ZMQ_HWM 1000            //  per peer on a PUB; task links are credit-based anyway
#define EOD_STAGE_LINKS_MAX 16      //  sockets of one stage at a time
#define EOD_STAGE_ENDPOINT_MAX 16   //  the longest [endpoints] key, and its NUL

//  A socket of the stage and the [endpoints] key it was made for.
typedef struct {
    zsock_t *sock;
    char endpoint[EOD_STAGE_ENDPOINT_MAX];
} eod_stage_link_t;

typedef struct {
    const char *name;       //  "coordinator", ...
    eod_config_t *config;   //  owned
    zsock_t *trace;         //  PUB, or NULL when it could not bind
    zsock_t *events;        //  PUSH to the notifier, or NULL
    bool events_borrowed;   //  events is another socket of the stage's (eod_stage_events_via)
    bool restart_told;      //  the incident of a restart (EOD_RESTARTED) went out
    bool log_messages;      //  [pipeline] trace
    int linger_ms;
    bool checked;   //  a pipeline stage: its messages are checked against the table
    int instance;   //  the state directory's lock of a stage that runs alone (eod_instance.h)
    eod_stage_link_t links[EOD_STAGE_LINKS_MAX];   //  a NULL sock is a free slot
} eod_stage_t;

//  Loads config (path may be NULL), takes the state directory's lock of a
//  stage that runs alone there (eod_instance.h: a second copy is refused),
//  sets up logging and the trace socket. Returns NULL with the error already
//  printed.
eod_stage_t *eod_stage_new (const char *name, const char *config_path);
void eod_stage_destroy (eod_stage_t **self_p);

//  Connects the EVENT socket to the notifier endpoint (stages other than the
//  notifier call it). 0 or -1.
int eod_stage_connect_events (eod_stage_t *self);

//  Sends the stage's EVENTs on sock, a socket of its own it keeps (NULL:
//  none): a fetcher on another host has no route to the notifier and hands
//  them to the coordinator on its DEALER, which passes them on. The first
//  socket given also carries the incident of a restart, as
//  eod_stage_connect_events does.
void eod_stage_events_via (eod_stage_t *self, zsock_t *sock);

//  Makes a socket on the endpoint named by config key ("endpoints:writer"),
//  binding when bind is true. Creates the directory of an ipc:// path. The
//  socket is linked to that endpoint (eod_stage_link).
zsock_t *eod_stage_socket (eod_stage_t *self, int type, const char *config_key, bool bind);

//  Same, with the send and receive high-water marks set to hwm messages
//  before the bind or connect (0: unbounded; < 0: libzmq's default).
zsock_t *eod_stage_socket_hwm (eod_stage_t *self, int type, const char *config_key, bool bind, int hwm);

//  Same, with an explicit endpoint, for no stage (nothing is linked).
zsock_t *eod_socket_new (int type, const char *endpoint, bool bind, int linger_ms);
zsock_t *eod_socket_new_hwm (int type, const char *endpoint, bool bind, int linger_ms, int hwm);

//  Says which [endpoints] key ("fetchers", "coordinator", ...) a socket the
//  stage made itself (eod_socket_new, a --connect endpoint) stands for: what
//  it sends and receives is checked against the message table for that
//  endpoint. Sockets of eod_stage_socket are linked already. A pipeline
//  stage's eod_stage_send and eod_stage_recv refuse a socket not linked.
//  0, or -1 (logged) when the stage has EOD_STAGE_LINKS_MAX sockets already.
int eod_stage_link (eod_stage_t *self, zsock_t *sock, const char *endpoint);

//  Destroys a socket of the stage and frees its link: for sockets a stage
//  makes again and again (a REQ per question). Safe on NULL.
void eod_stage_socket_destroy (eod_stage_t *self, zsock_t **sock_p);

//  The [endpoints] key sock is linked to, or NULL.
const char *eod_stage_endpoint (const eod_stage_t *self, const zsock_t *sock);

//  The trace PUB endpoint of stage (a name of eod_proto_stages): [endpoints]
//  trace with the name appended when it is ipc:// or inproc://; for a
//  network prefix tcp://HOST:PORT, HOST at PORT plus the stage's place in
//  eod_proto_stages (calendar PORT, lister PORT + 1, ..., notifier PORT + 6),
//  since a name cannot follow a port. 0, or -1 when it does not fit, the
//  stage is none or the prefix has no port (out is then "").
int eod_trace_endpoint (const eod_config_t *config, const char *stage, char *out, size_t size);

//  What eod_socket_new does to a socket on a network endpoint, for a socket
//  a program makes itself (eod-tap's and eod-status's SUBs): a CurveZMQ
//  server (bind) or client (connect) with the [security] keys of the config
//  of eod_zmq_set_config, or clear text under plain_tcp. Nothing for ipc://
//  and inproc://. 0, or -1 (logged).
int eod_socket_secure_for (zsock_t *sock, const char *endpoint, bool bind);

//  mkdir -p of the directory an ipc:// endpoint's socket file goes in.
void eod_endpoint_prepare (const char *endpoint);

//  True for network endpoints: everything but ipc:// and inproc://.
bool eod_endpoint_is_network (const char *endpoint);

//  The config the process's sockets read [security] from (eod_stage_new
//  sets it), and the end of the security actors (eod_stage_destroy).
void eod_zmq_set_config (const eod_config_t *config);
void eod_zmq_shutdown (const eod_config_t *config);

//  True when what goes through sock cannot be read on a network: its endpoint
//  is ipc:// or inproc://, or its security mechanism is CURVE. False for a
//  socket with no endpoint yet.
bool eod_socket_secure (zsock_t *sock);

//  Makes a CurveZMQ certificate pair in dir (created 0700): name "server" is
//  the coordinator's (dir/server.cert public, dir/server.cert_secret), any
//  other name a client's (dir/clients/NAME.cert public, for the server's
//  curve_clients_dir; dir/NAME.cert_secret for that client's host). Secret
//  files are mode 0600. An existing secret file is kept (its public file is
//  written again from it). Names are letters, digits, '.', '_' and '-'.
//  0, or -1 with the reason logged.
int eod_curve_keygen (const char *dir, const char *name);

//  Sends one message (ROUTER: identity is the peer's routing frame, else NULL).
//  Traces it on the stage's PUB unless it is CREDS. 0 or -1 (logged). A
//  pipeline stage sends only what the message table lists for it on the
//  socket's endpoint: anything else is refused (-1, logged as "the message
//  table does not list it").
int eod_stage_send (eod_stage_t *self, zsock_t *sock, zframe_t *identity, const eod_msg_t *msg);

//  Same, never waiting: -1 with errno EAGAIN (not logged) when the socket's
//  queue is full or it has no peer, for a sender that keeps what it sends
//  and tries again (two stages that each wait on a send to the other, each
//  not reading meanwhile, would wait for ever).
int eod_stage_send_nowait (eod_stage_t *self, zsock_t *sock, zframe_t *identity, const eod_msg_t *msg);

//  Same as eod_stage_send, and when sent hands over the encoded frame in *data and *len (the
//  caller frees it), for eod_stage_send_again; *data is NULL otherwise, and
//  always for CREDS, which are never kept.
int eod_stage_send_keep (eod_stage_t *self, zsock_t *sock, zframe_t *identity, const eod_msg_t *msg, char **data,
                         size_t *len);

//  Sends a frame eod_stage_send_keep handed over, again (traced), never
//  waiting: 0, or -1 with errno EAGAIN when the socket's queue is full (the
//  peer is not reading), or another errno (logged).
int eod_stage_send_again (eod_stage_t *self, zsock_t *sock, zframe_t *identity, const char *data, size_t len);

//  Publishes msg on the stage's trace PUB only (STATS for eod-status and
//  eod-tap; the table must list it on "trace"); nothing when the stage has no
//  trace socket. Never blocks.
void eod_stage_publish (eod_stage_t *self, const eod_msg_t *msg);

//  Receives one message; on a ROUTER socket the routing frame is returned in
//  *identity (caller destroys). A malformed frame, or for a pipeline stage a
//  type the message table does not list for it on the socket's endpoint, is
//  logged with where it came from and NULL is returned (the caller just goes
//  on).
eod_msg_t *eod_stage_recv (eod_stage_t *self, zsock_t *sock, zframe_t **identity);

//  Same, never waiting: *taken is false when no message was waiting, true
//  when one was taken off the socket (NULL returned when it was malformed,
//  logged). Cheaper than asking ZMQ_EVENTS before each eod_stage_recv.
eod_msg_t *eod_stage_try_recv (eod_stage_t *self, zsock_t *sock, zframe_t **identity, bool *taken);

//  An incident of the run (a stage restarted, a fetcher lost): logged and sent
//  as a warn EVENT with fields kind=incident; the run summary lists them.
void eod_stage_incident (eod_stage_t *self, const char *run_id, const char *market, const char *format, ...)
    __attribute__ ((format (printf, 4, 5)));

//  Best-effort EVENT to the notifier (never blocks the stage).
void eod_stage_event (eod_stage_t *self, const char *level, const char *run_id, const char *market, const char *format,
                      ...) __attribute__ ((format (printf, 5, 6)));

//  Milliseconds on a monotonic clock.
int64_t eod_clock_ms (void);

#endif
