/*  eod_zmq — see eod_zmq.h. */
#include "eod_zmq.h"
#include "eod_log.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define EOD_ZMQ_HWM 1000          //  per peer; task links are credit-based anyway
#define EOD_ZMQ_EVENT_HWM 100     //  events are best effort: drop rather than block

int64_t
eod_clock_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

//  mkdir -p of the directory holding an ipc:// socket file.
static void
s_ipc_mkdir (const char *endpoint)
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

zsock_t *
eod_socket_new (int type, const char *endpoint, bool bind, int linger_ms)
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
    //  ZMQ_IMMEDIATE only where a worker may reconnect (the fetcher's DEALER).
    //  Not on PUSH: with it, libzmq 4.3 drops what is still queued when the
    //  socket closes, linger or not, and a lister that exits right after the
    //  last of its thousands of TASKs would lose the tail of the listing.
    if (!bind && type == ZMQ_DEALER)
        zsock_set_immediate (sock, 1);
    if (type == ZMQ_ROUTER)
        zsock_set_router_mandatory (sock, 1);
    int rc;
    if (bind) {
        s_ipc_mkdir (endpoint);
        rc = zsock_bind (sock, "%s", endpoint);
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

eod_stage_t *
eod_stage_new (const char *name, const char *config_path)
{
    char program[64];
    snprintf (program, sizeof program, "eod-%s", name);
    eod_log_init (program);
    //  czmq must not install its own signal handler's default of
    //  interrupting us on the first Ctrl-C in the middle of a send.
    zsys_init ();
    zsys_set_logstream (NULL);
    char err[1024];
    eod_config_t *config = eod_config_load (config_path, err, sizeof err);
    if (!config) {
        eod_log_error ("config: %s", err);
        return NULL;
    }
    eod_config_register_secrets (config);
    eod_stage_t *self = calloc (1, sizeof *self);
    if (!self) {
        eod_config_destroy (&config);
        return NULL;
    }
    self->name = name;
    self->config = config;
    self->log_messages = eod_config_bool (config, "pipeline:trace");
    self->linger_ms = (int) eod_config_int (config, "pipeline:linger_ms");
    char prefix[1024], endpoint[1100];
    eod_config_path_value (config, "endpoints:trace", prefix, sizeof prefix);
    snprintf (endpoint, sizeof endpoint, "%s%s", prefix, name);
    //  The trace is optional: a second copy of a stage (a fetcher) cannot bind
    //  the same ipc path; it then traces nothing rather than failing.
    s_ipc_mkdir (endpoint);
    self->trace = zsock_new (ZMQ_PUB);
    if (self->trace) {
        zsock_set_linger (self->trace, 0);
        zsock_set_sndhwm (self->trace, EOD_ZMQ_HWM);
        if (zsock_bind (self->trace, "%s", endpoint) == -1) {
            eod_log_debug ("trace endpoint %s not bound: %s", endpoint, zmq_strerror (zmq_errno ()));
            zsock_destroy (&self->trace);
        }
    }
    return self;
}

int
eod_stage_connect_events (eod_stage_t *self)
{
    char endpoint[1024];
    eod_config_path_value (self->config, "endpoints:notifier", endpoint, sizeof endpoint);
    self->events = eod_socket_new (ZMQ_PUSH, endpoint, false, self->linger_ms);
    if (!self->events)
        return -1;
    zsock_set_sndhwm (self->events, EOD_ZMQ_EVENT_HWM);
    zsock_set_sndtimeo (self->events, 0);
    //  Events are best effort: a stage never waits long at exit for them.
    zsock_set_linger (self->events, 2000);
    return 0;
}

void
eod_stage_destroy (eod_stage_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    eod_stage_t *self = *self_p;
    zsock_destroy (&self->events);
    zsock_destroy (&self->trace);
    eod_config_destroy (&self->config);
    free (self);
    *self_p = NULL;
}

zsock_t *
eod_stage_socket (eod_stage_t *self, int type, const char *config_key, bool bind)
{
    char endpoint[1024];
    eod_config_path_value (self->config, config_key, endpoint, sizeof endpoint);
    return eod_socket_new (type, endpoint, bind, self->linger_ms);
}

int
eod_stage_send (eod_stage_t *self, zsock_t *sock, zframe_t *identity, const eod_msg_t *msg)
{
    char *data = NULL;
    size_t len = 0;
    char err[256];
    if (eod_msg_encode (msg, &data, &len, err, sizeof err)) {
        eod_log_error ("not sent: %s", err);
        return -1;
    }
    int rc = 0;
    if (identity) {
        zframe_t *id = zframe_dup (identity);
        rc = zframe_send (&id, sock, ZFRAME_MORE);
        if (rc)
            zframe_destroy (&id);
    }
    if (rc == 0) {
        zframe_t *frame = zframe_new (data, len);
        rc = zframe_send (&frame, sock, 0);
        if (rc)
            zframe_destroy (&frame);
    }
    if (rc)
        eod_log_warn ("send %s failed: %s", eod_msg_type_name (msg->type), zmq_strerror (zmq_errno ()));
    if (rc == 0 && msg->type != EOD_MSG_CREDS) {
        if (self->trace) {
            zframe_t *copy = zframe_new (data, len);
            if (zframe_send (&copy, self->trace, ZFRAME_DONTWAIT))
                zframe_destroy (&copy);
        }
        if (self->log_messages) {
            char *json = eod_msg_to_json (msg);
            eod_log_info ("sent %s", json ? json : eod_msg_type_name (msg->type));
            free (json);
        }
    }
    free (data);
    return rc ? -1 : 0;
}

eod_msg_t *
eod_stage_recv (eod_stage_t *self, zsock_t *sock, zframe_t **identity)
{
    zmsg_t *zmsg = zmsg_recv (sock);
    if (!zmsg)
        return NULL;
    if (identity) {
        *identity = zmsg_pop (zmsg);
        //  DEALER peers may send an empty delimiter; accept both shapes.
        zframe_t *first = zmsg_first (zmsg);
        if (first && zframe_size (first) == 0 && zmsg_size (zmsg) > 1) {
            zframe_t *empty = zmsg_pop (zmsg);
            zframe_destroy (&empty);
        }
    }
    eod_msg_t *msg = NULL;
    if (zmsg_size (zmsg) != 1)
        eod_log_warn ("%s: dropped a message of %zu frames (expected 1)", self->name, zmsg_size (zmsg));
    else {
        zframe_t *frame = zmsg_first (zmsg);
        char err[256];
        msg = eod_msg_decode (zframe_data (frame), zframe_size (frame), err, sizeof err);
        if (!msg)
            eod_log_warn ("%s: dropped a malformed message (%zu bytes): %s", self->name, zframe_size (frame),
                          err);
        else if (self->log_messages && msg->type != EOD_MSG_CREDS) {
            char *json = eod_msg_to_json (msg);
            eod_log_info ("received %s", json ? json : "?");
            free (json);
        }
    }
    zmsg_destroy (&zmsg);
    if (!msg && identity)
        zframe_destroy (identity);
    return msg;
}

void
eod_stage_event (eod_stage_t *self, const char *level, const char *run_id, const char *market,
                 const char *format, ...)
{
    char text[1024];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text, format, args);
    va_end (args);
    eod_log_redact (text);
    if (strcmp (level, "error") == 0)
        eod_log_error ("%s", text);
    else if (strcmp (level, "warn") == 0)
        eod_log_warn ("%s", text);
    else
        eod_log_info ("%s", text);
    if (!self->events)
        return;
    eod_msg_t *msg = eod_msg_new (EOD_MSG_EVENT);
    if (!msg)
        return;
    eod_msg_set (&msg->level, level);
    eod_msg_set (&msg->stage, self->name);
    eod_msg_set (&msg->text, text);
    eod_msg_set (&msg->run_id, run_id);
    eod_msg_set (&msg->market, market);
    eod_stage_send (self, self->events, NULL, msg);
    eod_msg_destroy (&msg);
}
