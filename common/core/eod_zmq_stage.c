/*  eod_zmq_stage — the stage context of eod_zmq.h: a stage's config, trace
    PUB and EVENT socket, its sockets by endpoint, and sending and receiving
    messages on them, each checked against the message table of proto/
    (eod_msg_route_ok): a pipeline stage neither sends nor accepts a type the
    table does not list for it on that endpoint. */
#include "eod_instance.h"
#include "eod_log.h"
#include "eod_util.h"
#include "eod_zmq.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define EOD_ZMQ_EVENT_HWM 100   //  events are best effort: drop rather than block
#define S_ENDPOINT_PREFIX "endpoints:"
#define S_CONFIG_ERR_MAX 8192   //  the errors of a config, one a line

int64_t
eod_clock_ms (void)
{
    return eod_monotonic_ms ();
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
    char err[S_CONFIG_ERR_MAX];
    eod_config_t *config = eod_config_load (config_path, err, sizeof err);
    if (!config) {
        //  One log line per error.
        for (char *line = err, *end; *line; line = *end ? end + 1 : end) {
            end = line + strcspn (line, "\n");
            eod_log_error ("config: %.*s", (int) (end - line), line);
        }
        return NULL;
    }
    eod_config_register_secrets (config);
    //  Before anything of the state directory is touched (a second copy's
    //  bind would take over the first one's ipc:// sockets).
    int instance = EOD_INSTANCE_NONE;
    if (eod_instance_exclusive (name)) {
        char state[1024];
        eod_config_path_value (config, "pipeline:state_dir", state, sizeof state);
        instance = eod_instance_lock (state, name, err, sizeof err);
        if (instance == EOD_INSTANCE_NONE) {
            eod_log_error ("%s", err);
            eod_config_destroy (&config);
            return NULL;
        }
    }
    eod_stage_t *self = calloc (1, sizeof *self);
    if (!self) {
        eod_instance_unlock (&instance);
        eod_config_destroy (&config);
        return NULL;
    }
    self->instance = instance;
    self->name = name;
    self->checked = eod_proto_is_stage (name);
    self->config = config;
    eod_zmq_set_config (config);
    self->log_messages = eod_config_bool (config, "pipeline:trace");
    self->linger_ms = (int) eod_config_int (config, "pipeline:linger_ms");
    char endpoint[1100];
    if (eod_trace_endpoint (config, name, endpoint, sizeof endpoint))
        return self;   //  logged: the stage runs without a trace
    //  The trace is optional: a second copy of a stage (a fetcher) cannot bind
    //  the same endpoint; it then traces nothing rather than failing. On a
    //  network endpoint it is CurveZMQ like every other socket, or nothing
    //  starts.
    eod_endpoint_prepare (endpoint);
    self->trace = zsock_new (ZMQ_PUB);
    if (self->trace && eod_socket_secure_for (self->trace, endpoint, true)) {
        eod_stage_destroy (&self);
        return NULL;
    }
    if (self->trace) {
        zsock_set_linger (self->trace, 0);
        zsock_set_sndhwm (self->trace, EOD_ZMQ_HWM);
        zsock_set_maxmsgsize (self->trace, EOD_PROTO_FRAME_MAX);
        if (zsock_bind (self->trace, "%s", endpoint) == -1) {
            eod_log_debug ("trace endpoint %s not bound: %s", endpoint, zmq_strerror (zmq_errno ()));
            zsock_destroy (&self->trace);
        }
    }
    return self;
}

//  Started again by its supervisor after a crash: the run summary says so,
//  once, on the first route to the notifier.
static void
s_tell_restart (eod_stage_t *self)
{
    const char *why = getenv ("EOD_RESTARTED");
    if (self->restart_told || !why || !*why)
        return;
    self->restart_told = true;
    eod_stage_incident (self, NULL, NULL, "%s restarted after it died (%s)", self->name, why);
}

int
eod_stage_connect_events (eod_stage_t *self)
{
    char endpoint[1024];
    eod_config_path_value (self->config, "endpoints:notifier", endpoint, sizeof endpoint);
    self->events = eod_socket_new (ZMQ_PUSH, endpoint, false, self->linger_ms);
    if (!self->events)
        return -1;
    if (eod_stage_link (self, self->events, "notifier")) {
        zsock_destroy (&self->events);
        return -1;
    }
    zsock_set_sndhwm (self->events, EOD_ZMQ_EVENT_HWM);
    zsock_set_sndtimeo (self->events, 0);
    //  Events are best effort: a stage never waits long at exit for them.
    zsock_set_linger (self->events, 2000);
    s_tell_restart (self);
    return 0;
}

void
eod_stage_events_via (eod_stage_t *self, zsock_t *sock)
{
    if (!self->events_borrowed)
        zsock_destroy (&self->events);
    self->events = sock;
    self->events_borrowed = true;
    if (sock)
        s_tell_restart (self);
}

void
eod_stage_destroy (eod_stage_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    eod_stage_t *self = *self_p;
    if (!self->events_borrowed)
        zsock_destroy (&self->events);
    zsock_destroy (&self->trace);
    eod_zmq_shutdown (self->config);
    eod_config_destroy (&self->config);
    eod_instance_unlock (&self->instance);
    free (self);
    *self_p = NULL;
}

zsock_t *
eod_stage_socket (eod_stage_t *self, int type, const char *config_key, bool bind)
{
    return eod_stage_socket_hwm (self, type, config_key, bind, -1);
}

zsock_t *
eod_stage_socket_hwm (eod_stage_t *self, int type, const char *config_key, bool bind, int hwm)
{
    char endpoint[1024];
    eod_config_path_value (self->config, config_key, endpoint, sizeof endpoint);
    //  CREDS go out on the fetchers endpoint: clear text is never allowed there.
    if (bind && strcmp (config_key, "endpoints:fetchers") == 0 && eod_endpoint_is_network (endpoint)
        && !*eod_config_str (self->config, "security:curve_server_cert")) {
        eod_log_error ("[endpoints] fetchers = %s: a tcp:// fetchers endpoint needs CurveZMQ, since CREDS carry "
                       "the KIS secret and access token: set [security] curve_server_cert and curve_clients_dir "
                       "(launch/eod keygen)",
                       endpoint);
        return NULL;
    }
    zsock_t *sock = eod_socket_new_hwm (type, endpoint, bind, self->linger_ms, hwm);
    if (sock && strncmp (config_key, S_ENDPOINT_PREFIX, strlen (S_ENDPOINT_PREFIX)) == 0
        && eod_stage_link (self, sock, config_key + strlen (S_ENDPOINT_PREFIX)))
        zsock_destroy (&sock);
    return sock;
}

int
eod_stage_link (eod_stage_t *self, zsock_t *sock, const char *endpoint)
{
    eod_stage_link_t *link = NULL, *free_slot = NULL;
    for (size_t i = 0; i < EOD_STAGE_LINKS_MAX && !link; i++) {
        if (self->links[i].sock == sock)
            link = &self->links[i];   //  a socket made again where a freed one was
        else if (!self->links[i].sock && !free_slot)
            free_slot = &self->links[i];
    }
    if (!link)
        link = free_slot;
    if (!link) {
        eod_log_error ("%s: more than %d sockets: the one for %s is refused", self->name, EOD_STAGE_LINKS_MAX,
                       endpoint);
        return -1;
    }
    link->sock = sock;
    snprintf (link->endpoint, sizeof link->endpoint, "%s", endpoint);
    return 0;
}

void
eod_stage_socket_destroy (eod_stage_t *self, zsock_t **sock_p)
{
    for (size_t i = 0; sock_p && *sock_p && i < EOD_STAGE_LINKS_MAX; i++)
        if (self->links[i].sock == *sock_p)
            self->links[i].sock = NULL;
    zsock_destroy (sock_p);
}

const char *
eod_stage_endpoint (const eod_stage_t *self, const zsock_t *sock)
{
    for (size_t i = 0; sock && i < EOD_STAGE_LINKS_MAX; i++)
        if (self->links[i].sock == sock)
            return self->links[i].endpoint;
    return NULL;
}

//  True when a pipeline stage may send (outgoing) or take (!outgoing) type
//  on sock; logs why not. Programs that are not stages are not checked.
static bool
s_route_ok (eod_stage_t *self, zsock_t *sock, eod_msg_type_t type, bool outgoing)
{
    if (!self->checked)
        return true;
    const char *endpoint = eod_stage_endpoint (self, sock);
    if (!endpoint) {
        eod_log_error ("%s: a %s %s a socket linked to no endpoint: refused", self->name, eod_msg_type_name (type),
                       outgoing ? "to" : "from");
        return false;
    }
    if (outgoing ? eod_msg_route_ok (type, self->name, NULL, endpoint)
                 : eod_msg_route_ok (type, NULL, self->name, endpoint))
        return true;
    eod_log_warn ("%s: %s a %s on endpoint %s: the message table does not list it", self->name,
                  outgoing ? "did not send" : "dropped", eod_msg_type_name (type), endpoint);
    return false;
}

//  A copy of an encoded message on the stage's trace PUB; never blocks.
static void
s_trace (eod_stage_t *self, const char *data, size_t len)
{
    if (!self->trace)
        return;
    zframe_t *copy = zframe_new (data, len);
    if (zframe_send (&copy, self->trace, ZFRAME_DONTWAIT))
        zframe_destroy (&copy);
}

//  Sends an encoded message: the routing frame first on a ROUTER. 0 or -1.
static int
s_send_bytes (zsock_t *sock, zframe_t *identity, const char *data, size_t len, int flags)
{
    if (identity) {
        zframe_t *id = zframe_dup (identity);
        if (zframe_send (&id, sock, ZFRAME_MORE | flags)) {
            zframe_destroy (&id);
            return -1;
        }
    }
    zframe_t *frame = zframe_new (data, len);
    if (zframe_send (&frame, sock, flags)) {
        zframe_destroy (&frame);
        return -1;
    }
    return 0;
}

//  eod_stage_send_keep with the send's flags (0, or ZFRAME_DONTWAIT: a full
//  queue is -1 with errno EAGAIN, not logged).
static int
s_send_msg (eod_stage_t *self, zsock_t *sock, zframe_t *identity, const eod_msg_t *msg, char **data_p, size_t *len_p,
            int flags)
{
    char *data = NULL;
    size_t len = 0;
    char err[256];
    if (data_p)
        *data_p = NULL;
    if (!s_route_ok (self, sock, msg->type, true))
        return -1;
    if (eod_msg_encode (msg, &data, &len, err, sizeof err)) {
        eod_log_error ("not sent: %s", err);
        return -1;
    }
    int rc = s_send_bytes (sock, identity, data, len, flags);
    int send_errno = rc ? zmq_errno () : 0;
    if (rc && !(send_errno == EAGAIN && (flags & ZFRAME_DONTWAIT)))
        eod_log_warn ("send %s failed: %s", eod_msg_type_name (msg->type), zmq_strerror (send_errno));
    if (rc == 0 && msg->type != EOD_MSG_CREDS) {
        s_trace (self, data, len);
        if (self->log_messages) {
            char *json = eod_msg_to_json (msg);
            eod_log_info ("sent %s", json ? json : eod_msg_type_name (msg->type));
            free (json);
        }
    }
    if (rc == 0 && data_p && msg->type != EOD_MSG_CREDS) {
        *data_p = data;
        *len_p = len;
        return 0;
    }
    free (data);
    errno = send_errno;
    return rc ? -1 : 0;
}

int
eod_stage_send_keep (eod_stage_t *self, zsock_t *sock, zframe_t *identity, const eod_msg_t *msg, char **data_p,
                     size_t *len_p)
{
    return s_send_msg (self, sock, identity, msg, data_p, len_p, 0);
}

int
eod_stage_send (eod_stage_t *self, zsock_t *sock, zframe_t *identity, const eod_msg_t *msg)
{
    return s_send_msg (self, sock, identity, msg, NULL, NULL, 0);
}

int
eod_stage_send_nowait (eod_stage_t *self, zsock_t *sock, zframe_t *identity, const eod_msg_t *msg)
{
    return s_send_msg (self, sock, identity, msg, NULL, NULL, ZFRAME_DONTWAIT);
}

int
eod_stage_send_again (eod_stage_t *self, zsock_t *sock, zframe_t *identity, const char *data, size_t len)
{
    if (s_send_bytes (sock, identity, data, len, ZFRAME_DONTWAIT)) {
        int err = zmq_errno ();
        if (err != EAGAIN)
            eod_log_warn ("send again failed: %s", zmq_strerror (err));
        errno = err;
        return -1;
    }
    s_trace (self, data, len);
    if (self->log_messages)
        eod_log_info ("sent again a message of %zu bytes", len);
    return 0;
}

void
eod_stage_publish (eod_stage_t *self, const eod_msg_t *msg)
{
    if (!self->trace || msg->type == EOD_MSG_CREDS)
        return;
    if (self->checked && !eod_msg_route_ok (msg->type, self->name, NULL, "trace")) {
        eod_log_warn ("%s: did not publish a %s on its trace: the message table does not list it", self->name,
                      eod_msg_type_name (msg->type));
        return;
    }
    char *data = NULL;
    size_t len = 0;
    char err[256];
    if (eod_msg_encode (msg, &data, &len, err, sizeof err)) {
        eod_log_error ("not published: %s", err);
        return;
    }
    s_trace (self, data, len);
    free (data);
}

//  The message in a frame received on the stage, or NULL (logged) when it is
//  malformed.
static eod_msg_t *
s_decode (eod_stage_t *self, const void *data, size_t size)
{
    char err[256];
    eod_msg_t *msg = eod_msg_decode (data, size, err, sizeof err);
    if (!msg)
        eod_log_warn ("%s: dropped a malformed message (%zu bytes): %s", self->name, size, err);
    else if (self->log_messages && msg->type != EOD_MSG_CREDS) {
        char *json = eod_msg_to_json (msg);
        eod_log_info ("received %s", json ? json : "?");
        free (json);
    }
    return msg;
}

#define S_PARTS_MAX 3   //  routing frame, empty delimiter, payload

//  One message from sock, received with flags (0 or ZMQ_DONTWAIT). *taken
//  says whether one was taken, a malformed one (dropped: NULL) included.
//  With identity, the first frame is the peer's routing id; a DEALER peer's
//  empty delimiter after it is skipped.
static eod_msg_t *
s_recv (eod_stage_t *self, zsock_t *sock, zframe_t **identity, int flags, bool *taken)
{
    void *handle = zsock_resolve (sock);
    zmq_msg_t parts[S_PARTS_MAX];
    size_t n = 0, total = 0;
    *taken = false;
    while (true) {
        zmq_msg_t part;
        zmq_msg_init (&part);
        if (zmq_msg_recv (&part, handle, flags) < 0) {
            //  Nothing waiting, a receive timeout, or an interrupt: the
            //  first part of a message never comes without the rest.
            zmq_msg_close (&part);
            break;
        }
        *taken = true;
        bool more = zmq_msg_more (&part);
        if (n < S_PARTS_MAX)
            parts[n++] = part;
        else
            zmq_msg_close (&part);
        total++;
        if (!more)
            break;
    }
    eod_msg_t *msg = NULL;
    size_t at = 0;
    if (*taken && identity && n > 0) {
        *identity = zframe_new (zmq_msg_data (&parts[0]), zmq_msg_size (&parts[0]));
        at = 1;
        if (n - at > 1 && zmq_msg_size (&parts[at]) == 0)
            at++;
    }
    if (*taken && (total - at != 1 || at >= n))
        eod_log_warn ("%s: dropped a message of %zu frames (expected 1)", self->name, total - at);
    else if (*taken)
        msg = s_decode (self, zmq_msg_data (&parts[at]), zmq_msg_size (&parts[at]));
    if (msg && !s_route_ok (self, sock, msg->type, false))
        eod_msg_destroy (&msg);
    for (size_t i = 0; i < n; i++)
        zmq_msg_close (&parts[i]);
    if (!msg && identity && *taken)
        zframe_destroy (identity);
    return msg;
}

eod_msg_t *
eod_stage_recv (eod_stage_t *self, zsock_t *sock, zframe_t **identity)
{
    bool taken;
    return s_recv (self, sock, identity, 0, &taken);
}

eod_msg_t *
eod_stage_try_recv (eod_stage_t *self, zsock_t *sock, zframe_t **identity, bool *taken)
{
    return s_recv (self, sock, identity, ZMQ_DONTWAIT, taken);
}

//  The longest event text kept; a longer one is cut (events are one line).
#define S_EVENT_TEXT_MAX 1024

//  Logs the event at its level and, when the stage has an events socket, sends
//  it on as an EVENT message (with kind=incident for an incident).
static void __attribute__ ((format (printf, 6, 0)))
s_event_send (eod_stage_t *self, const char *level, const char *run_id, const char *market, bool incident,
              const char *format, va_list args)
{
    char text[S_EVENT_TEXT_MAX];
    vsnprintf (text, sizeof text, format, args);
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
    //  "" is no run or market yet (a stage between runs): left out.
    eod_msg_set (&msg->run_id, run_id && *run_id ? run_id : NULL);
    eod_msg_set (&msg->market, market && *market ? market : NULL);
    if (incident)
        eod_fields_set (&msg->fields, "kind", "incident");
    eod_stage_send (self, self->events, NULL, msg);
    eod_msg_destroy (&msg);
}

void
eod_stage_event (eod_stage_t *self, const char *level, const char *run_id, const char *market, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    s_event_send (self, level, run_id, market, false, format, args);
    va_end (args);
}

void
eod_stage_incident (eod_stage_t *self, const char *run_id, const char *market, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    s_event_send (self, "warn", run_id, market, true, format, args);
    va_end (args);
}
