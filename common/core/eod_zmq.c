/*  eod_zmq — see eod_zmq.h. */
#include "eod_zmq.h"
#include "eod_log.h"
#include "eod_util.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define S_ZAP_DOMAIN "eod"   //  the ZAP domain of every CURVE server socket
#define S_Z85_KEY_LEN 40     //  a 32-byte CurveZMQ key in Z85
#define S_CURVE_KEY_BYTES 32
#define S_REFUSED_LOG_MS 10000   //  a refused client retries every 100 ms: one line per 10 s
#define S_SECRET_MODE 0600
#define S_PUBLIC_MODE 0644
#define S_KEYDIR_MODE 0700
#define S_PORT_MAX 65535

//  The config of the process's stage (one stage per process): eod_socket_new
//  reads the [security] keys from it. NULL before eod_stage_new.
static const eod_config_t *s_config;
//  zauth, started with the first CURVE server socket; it serves every socket
//  of the process's ZeroMQ context.
static zactor_t *s_auth;
//  One monitor actor per CURVE server socket (logs refused handshakes).
static zlist_t *s_monitors;

void
eod_endpoint_prepare (const char *endpoint)
{
    if (strncmp (endpoint, "ipc://", 6) != 0)
        return;
    char path[1024];
    snprintf (path, sizeof path, "%s", endpoint + 6);
    char *slash = strrchr (path, '/');
    if (!slash)
        return;
    *slash = '\0';
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir (path, 0700);
            *p = '/';
        }
    mkdir (path, 0700);
}

bool
eod_endpoint_is_network (const char *endpoint)
{
    return endpoint && strncmp (endpoint, "ipc://", 6) != 0 && strncmp (endpoint, "inproc://", 9) != 0;
}

//  Loads a secret certificate given by config key name; refuses a file others
//  can read and a file that holds no secret key. NULL with the reason logged.
static zcert_t *
s_secret_cert_load (const char *name)
{
    char path[1024];
    eod_config_path_value (s_config, name, path, sizeof path);
    const char *colon = strchr (name, ':');
    struct stat st;
    if (stat (path, &st)) {
        eod_log_error ("[security] %s: %s: %s", colon + 1, path, strerror (errno));
        return NULL;
    }
    if (st.st_mode & 077) {
        eod_log_error ("[security] %s: %s is readable by group or others (mode %04o); run chmod 600 %s", colon + 1,
                       path, (unsigned) (st.st_mode & 07777), path);
        return NULL;
    }
    zcert_t *cert = zcert_load (path);
    if (!cert) {
        eod_log_error ("[security] %s: %s is not a czmq certificate", colon + 1, path);
        return NULL;
    }
    byte zero[S_CURVE_KEY_BYTES] = {0};
    if (memcmp (zcert_secret_key (cert), zero, sizeof zero) == 0) {
        eod_log_error ("[security] %s: %s holds no secret key (give the *_secret file)", colon + 1, path);
        zcert_destroy (&cert);
        return NULL;
    }
    return cert;
}

//  The server's public key in Z85 from [security] curve_server_public: the
//  key itself, or a certificate file holding it. 0 or -1 (logged).
static int
s_server_public (char *out, size_t outsize)
{
    const char *raw = eod_config_str (s_config, "security:curve_server_public");
    byte key[S_CURVE_KEY_BYTES];
    char path[1024];
    eod_config_path_value (s_config, "security:curve_server_public", path, sizeof path);
    struct stat st;
    if (strlen (raw) == S_Z85_KEY_LEN && stat (path, &st) != 0 && zmq_z85_decode (key, raw)) {
        snprintf (out, outsize, "%s", raw);
        return 0;
    }
    zcert_t *cert = stat (path, &st) == 0 ? zcert_load (path) : NULL;
    if (!cert) {
        eod_log_error ("[security] curve_server_public: '%s' is neither a readable certificate file nor a "
                       "40-character Z85 key",
                       raw);
        return -1;
    }
    snprintf (out, outsize, "%s", zcert_public_txt (cert));
    zcert_destroy (&cert);
    return 0;
}

typedef struct {
    char inproc[64];      //  where the socket's events are published
    char endpoint[256];   //  the monitored endpoint, for the log
} s_monitor_args_t;

//  Monitor actor: logs refused CURVE handshakes on one server socket, at
//  most once per S_REFUSED_LOG_MS with the number refused since.
static void
s_monitor_actor (zsock_t *pipe, void *arg)
{
    s_monitor_args_t *args = arg;
    zsock_t *events = zsock_new (ZMQ_PAIR);
    if (!events || zsock_connect (events, "%s", args->inproc)) {
        zsock_destroy (&events);
        zsock_signal (pipe, 0);
        free (args);
        return;
    }
    zsock_signal (pipe, 0);
    zpoller_t *poller = zpoller_new (pipe, events, NULL);
    //  Per kind (0: ZAP refused the key, 1: the CURVE protocol broke): the
    //  refusals not logged yet and when the last line went out.
    long refused[2] = {0, 0};
    int64_t logged_ms[2] = {0, 0};
    uint32_t status[2] = {0, 0};
    bool stopped = false;
    while (!stopped) {
        void *which = zpoller_wait (poller, (int) S_REFUSED_LOG_MS);
        if (which == pipe || (!which && zpoller_terminated (poller)))
            break;
        zmsg_t *msg = which ? zmsg_recv (events) : NULL;
        zframe_t *head = msg ? zmsg_first (msg) : NULL;
        if (head && zframe_size (head) >= sizeof (uint16_t) + sizeof (uint32_t)) {
            uint16_t event;
            uint32_t value;
            memcpy (&event, zframe_data (head), sizeof event);
            memcpy (&value, zframe_data (head) + sizeof event, sizeof value);
            if (event == ZMQ_EVENT_MONITOR_STOPPED)
                stopped = true;
            else if (event == ZMQ_EVENT_DISCONNECTED)
                //  libzmq gives no other sign of a frame over ZMQ_MAXMSGSIZE:
                //  it drops the connection.
                eod_log_info ("%s: a peer disconnected (it stopped, its link dropped, or it sent a frame "
                              "over the %d-byte limit)",
                              args->endpoint, EOD_PROTO_FRAME_MAX);
            else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH || event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) {
                int kind = event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH ? 0 : 1;
                refused[kind]++;
                status[kind] = value;
            }
        }
        zmsg_destroy (&msg);
        int64_t now = eod_clock_ms ();
        for (int kind = 0; kind < 2; kind++) {
            if (refused[kind] == 0 || (logged_ms[kind] && now - logged_ms[kind] < S_REFUSED_LOG_MS && !stopped))
                continue;
            if (kind == 0)
                eod_log_warn ("%s: ZAP refused %ld client handshake(s): the client key is not in "
                              "[security] curve_clients_dir (status %u)",
                              args->endpoint, refused[kind], (unsigned) status[kind]);
            else
                eod_log_warn ("%s: refused %ld handshake(s) that broke the CURVE protocol (a client without "
                              "CurveZMQ, or with a wrong server key; error 0x%x)",
                              args->endpoint, refused[kind], (unsigned) status[kind]);
            logged_ms[kind] = now;
            refused[kind] = 0;
        }
    }
    //  Stopped by the socket's close: wait for $TERM from zactor_destroy.
    if (stopped) {
        char *command = zstr_recv (pipe);
        zstr_free (&command);
    }
    zpoller_destroy (&poller);
    zsock_destroy (&events);
    free (args);
}

//  Starts zauth (once per process) with the clients directory. 0 or -1.
static int
s_auth_start (void)
{
    if (s_auth)
        return 0;
    char dir[1024];
    eod_config_path_value (s_config, "security:curve_clients_dir", dir, sizeof dir);
    if (!*dir) {
        eod_log_error ("[security] curve_clients_dir is not set: a CURVE server would take any client key");
        return -1;
    }
    struct stat st;
    if (stat (dir, &st) || !S_ISDIR (st.st_mode)) {
        eod_log_error ("[security] curve_clients_dir: %s is not a directory", dir);
        return -1;
    }
    s_auth = zactor_new (zauth, NULL);
    if (!s_auth) {
        eod_log_error ("cannot start the ZAP authenticator");
        return -1;
    }
    zstr_sendx (s_auth, "CURVE", dir, NULL);
    zsock_wait (s_auth);
    zdir_t *listing = zdir_new (dir, NULL);
    size_t clients = listing ? (size_t) zdir_count (listing) : 0;
    zdir_destroy (&listing);
    if (clients == 0)
        eod_log_warn ("[security] curve_clients_dir %s holds no certificate: every client is refused", dir);
    else
        eod_log_info ("CURVE clients: %zu certificate(s) in %s", clients, dir);
    return 0;
}

//  Logs refused handshakes of a CURVE server socket and the disconnections
//  of a bound socket's peers. Best effort.
static void
s_monitor_start (zsock_t *sock, const char *endpoint)
{
    s_monitor_args_t *args = calloc (1, sizeof *args);
    if (!args)
        return;
    snprintf (args->inproc, sizeof args->inproc, "inproc://eod-monitor-%p", (void *) sock);
    snprintf (args->endpoint, sizeof args->endpoint, "%s", endpoint);
    if (zmq_socket_monitor (zsock_resolve (sock), args->inproc,
                            ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                                | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_MONITOR_STOPPED)) {
        eod_log_debug ("%s: no monitor: %s", endpoint, zmq_strerror (zmq_errno ()));
        free (args);
        return;
    }
    if (!s_monitors)
        s_monitors = zlist_new ();
    zactor_t *monitor = s_monitors ? zactor_new (s_monitor_actor, args) : NULL;
    if (!monitor) {
        zmq_socket_monitor (zsock_resolve (sock), NULL, 0);
        free (args);
        return;
    }
    zlist_append (s_monitors, monitor);
}

//  Makes sock a CURVE server (bind) or client (connect) for a network
//  endpoint, or lets it be clear text where [security] plain_tcp allows.
//  0 or -1 (logged, naming the keys to set).
static int
s_secure (zsock_t *sock, const char *endpoint, bool bind)
{
    if (!s_config) {
        eod_log_error ("%s: a network endpoint needs the [security] keys of a stage config", endpoint);
        return -1;
    }
    bool plain = eod_config_bool (s_config, "security:plain_tcp");
    if (bind && !*eod_config_str (s_config, "security:curve_server_cert")) {
        if (plain) {
            eod_log_warn ("%s: clear text ([security] plain_tcp)", endpoint);
            return 0;
        }
        eod_log_error ("%s: a tcp:// endpoint needs CurveZMQ: set [security] curve_server_cert and "
                       "curve_clients_dir (launch/eod keygen), or plain_tcp = true on a trusted network",
                       endpoint);
        return -1;
    }
    if (!bind && !*eod_config_str (s_config, "security:curve_server_public")) {
        if (plain) {
            eod_log_warn ("%s: clear text ([security] plain_tcp)", endpoint);
            return 0;
        }
        eod_log_error ("%s: a tcp:// endpoint needs CurveZMQ: set [security] curve_server_public and "
                       "curve_client_cert (launch/eod keygen), or plain_tcp = true on a trusted network",
                       endpoint);
        return -1;
    }
    if (!zsys_has_curve ()) {
        eod_log_error ("%s: this libzmq has no CURVE support", endpoint);
        return -1;
    }
    int rc = -1;
    zcert_t *cert = NULL;
    if (bind) {
        cert = s_secret_cert_load ("security:curve_server_cert");
        if (!cert || s_auth_start ())
            goto out;
        zcert_apply (cert, sock);
        zsock_set_curve_server (sock, 1);
        zsock_set_zap_domain (sock, S_ZAP_DOMAIN);
    }
    else {
        char server[S_Z85_KEY_LEN + 1];
        if (!*eod_config_str (s_config, "security:curve_client_cert")) {
            eod_log_error ("%s: [security] curve_client_cert is not set: this host's client certificate "
                           "(launch/eod keygen DIR NAME writes DIR/NAME.cert_secret)",
                           endpoint);
            goto out;
        }
        cert = s_secret_cert_load ("security:curve_client_cert");
        if (!cert || s_server_public (server, sizeof server))
            goto out;
        zcert_apply (cert, sock);
        zsock_set_curve_serverkey (sock, server);
    }
    rc = 0;
out:
    zcert_destroy (&cert);
    return rc;
}

int
eod_socket_secure_for (zsock_t *sock, const char *endpoint, bool bind)
{
    return eod_endpoint_is_network (endpoint) ? s_secure (sock, endpoint, bind) : 0;
}

int
eod_trace_endpoint (const eod_config_t *config, const char *stage, char *out, size_t size)
{
    char prefix[1024];
    eod_config_path_value (config, "endpoints:trace", prefix, sizeof prefix);
    if (size)
        out[0] = '\0';
    if (!eod_endpoint_is_network (prefix))
        return eod_path_format (out, size, "%s%s", prefix, stage);
    int place = eod_proto_stage_index (stage);
    char *colon = strrchr (prefix, ':');
    char *end = NULL;
    long port = colon ? strtol (colon + 1, &end, 10) : 0;
    if (place < 0 || !colon || end == colon + 1 || *end || port <= 0 || port + place > S_PORT_MAX) {
        eod_log_error ("[endpoints] trace = %s: a network trace endpoint is tcp://HOST:PORT, a port for each "
                       "stage from PORT on",
                       prefix);
        return -1;
    }
    *colon = '\0';
    return eod_path_format (out, size, "%s:%ld", prefix, port + (long) place);
}

bool
eod_socket_secure (zsock_t *sock)
{
    char *endpoint = zsock_last_endpoint (sock);
    bool secure = endpoint && *endpoint && (!eod_endpoint_is_network (endpoint) || zsock_mechanism (sock) == ZMQ_CURVE);
    zstr_free (&endpoint);
    return secure;
}

//  hwm < 0: libzmq's default (EOD_ZMQ_HWM on a PUB).
static zsock_t *
s_socket_new (int type, const char *endpoint, bool bind, int linger_ms, int hwm)
{
    zsock_t *sock = zsock_new (type);
    if (!sock) {
        eod_log_error ("cannot create a socket for %s", endpoint);
        return NULL;
    }
    zsock_set_maxmsgsize (sock, EOD_PROTO_FRAME_MAX);
    zsock_set_linger (sock, linger_ms);
    if (type == ZMQ_PUB)
        zsock_set_sndhwm (sock, EOD_ZMQ_HWM);
    //  Before the bind or connect: a high-water mark applies to the pipes
    //  made after it is set.
    if (hwm >= 0) {
        zsock_set_sndhwm (sock, hwm);
        zsock_set_rcvhwm (sock, hwm);
    }
    //  ZMQ_IMMEDIATE only where a worker may reconnect (the fetcher's DEALER).
    //  Not on PUSH: with it, libzmq 4.3 drops what is still queued when the
    //  socket closes, linger or not, and a lister that exits right after the
    //  last of its thousands of TASKs would lose the tail of the listing.
    if (!bind && type == ZMQ_DEALER)
        zsock_set_immediate (sock, 1);
    if (type == ZMQ_ROUTER)
        zsock_set_router_mandatory (sock, 1);
    if (eod_endpoint_is_network (endpoint) && s_secure (sock, endpoint, bind)) {
        zsock_destroy (&sock);
        return NULL;
    }
    int rc;
    if (bind) {
        eod_endpoint_prepare (endpoint);
        rc = zsock_bind (sock, "%s", endpoint);
        //  Input sockets log their peers' disconnections (and refused CURVE
        //  handshakes); a trace PUB's subscribers come and go unremarked.
        if (rc != -1 && type != ZMQ_PUB)
            s_monitor_start (sock, endpoint);
    }
    else
        rc = zsock_connect (sock, "%s", endpoint);
    if (rc == -1) {
        eod_log_error ("cannot %s %s: %s", bind ? "bind" : "connect", endpoint, zmq_strerror (zmq_errno ()));
        zsock_destroy (&sock);
        return NULL;
    }
    return sock;
}

zsock_t *
eod_socket_new (int type, const char *endpoint, bool bind, int linger_ms)
{
    return s_socket_new (type, endpoint, bind, linger_ms, -1);
}

zsock_t *
eod_socket_new_hwm (int type, const char *endpoint, bool bind, int linger_ms, int hwm)
{
    return s_socket_new (type, endpoint, bind, linger_ms, hwm);
}

//  Writes a file with zcert_save_public/_secret and sets its mode. 0 or -1.
static int
s_cert_write (zcert_t *cert, const char *path, bool secret)
{
    //  No moment when the secret file is readable by others.
    mode_t old = umask (077);
    int rc = secret ? zcert_save_secret (cert, path) : zcert_save_public (cert, path);
    umask (old);
    if (rc == 0)
        rc = chmod (path, secret ? S_SECRET_MODE : S_PUBLIC_MODE);
    if (rc)
        eod_log_error ("cannot write %s: %s", path, strerror (errno));
    return rc ? -1 : 0;
}

static int
s_keydir (const char *dir)
{
    if (mkdir (dir, S_KEYDIR_MODE) && errno != EEXIST) {
        eod_log_error ("cannot create %s: %s", dir, strerror (errno));
        return -1;
    }
    return 0;
}

int
eod_curve_keygen (const char *dir, const char *name)
{
    assert (dir && name);
    size_t n = strlen (name);
    if (n == 0 || n > 64 || strspn (name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n
        || name[0] == '.') {
        eod_log_error ("keygen: '%s' is not a certificate name (letters, digits, '.', '_', '-')", name);
        return -1;
    }
    bool server = strcmp (name, "server") == 0;
    char clients[1100], public_path[1200], secret_path[1200];
    snprintf (clients, sizeof clients, "%s/clients", dir);
    if (server)
        snprintf (public_path, sizeof public_path, "%s/server.cert", dir);
    else
        snprintf (public_path, sizeof public_path, "%s/%s.cert", clients, name);
    snprintf (secret_path, sizeof secret_path, "%s/%s.cert_secret", dir, name);
    if (s_keydir (dir) || (!server && s_keydir (clients)))
        return -1;
    int rc = -1;
    zcert_t *cert = NULL;
    struct stat st;
    if (stat (secret_path, &st) == 0) {
        cert = zcert_load (secret_path);
        if (!cert) {
            eod_log_error ("keygen: %s exists and is not a certificate: not replaced", secret_path);
            goto out;
        }
        eod_log_info ("keygen: %s exists: kept", secret_path);
    }
    else {
        cert = zcert_new ();
        if (!cert)
            goto out;
        zcert_set_meta (cert, "name", "%s", name);
        zcert_set_meta (cert, "role", "%s", server ? "eod coordinator" : "eod client");
        if (s_cert_write (cert, secret_path, true))
            goto out;
        eod_log_info ("keygen: wrote %s (secret, mode 0600)", secret_path);
    }
    if (s_cert_write (cert, public_path, false))
        goto out;
    eod_log_info ("keygen: wrote %s (public key %s)", public_path, zcert_public_txt (cert));
    rc = 0;
out:
    zcert_destroy (&cert);
    return rc;
}

void
eod_zmq_set_config (const eod_config_t *config)
{
    s_config = config;
}

void
eod_zmq_shutdown (const eod_config_t *config)
{
    while (s_monitors && zlist_size (s_monitors)) {
        zactor_t *monitor = zlist_pop (s_monitors);
        zactor_destroy (&monitor);
    }
    zlist_destroy (&s_monitors);
    zactor_destroy (&s_auth);
    if (s_config == config)
        s_config = NULL;
}
