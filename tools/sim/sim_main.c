/*  sim_main — eod-sim's entry point: reads the options (sim_config),
    generates the master files, starts the libmicrohttpd daemon on 127.0.0.1
    and routes each request to its module (sim_kis, sim_master, sim_us,
    sim_wiki, sim_slack, the /_sim/ endpoints). With --tls-cert and
    --tls-key it speaks https only (GnuTLS, through libmicrohttpd), as the
    real hosts do, so the tests can check eod's certificate handling. It
    prints "eod-sim listening on 127.0.0.1:PORT" once ready and stops
    cleanly on SIGINT or SIGTERM. */
#include "sim.h"
#include "sim_kis.h"
#include "sim_kr_walk.h"
#include "sim_master.h"
#include "sim_slack.h"
#include "sim_stats.h"
#include "sim_us.h"
#include "sim_wiki.h"

#include "eod_log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_CONNECTION_LIMIT 512   //  parallel fetchers and tests
#define SIM_CONNECTION_TIMEOUT_S 60
#define SIM_PARTIAL_BLOCK 4096
#define SIM_PEM_MAX (1024 * 1024)   //  a certificate chain or key file

#define SIM_PATH_TOKEN "/oauth2/tokenP"
#define SIM_PATH_CHART "/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice"
#define SIM_PATH_HOLIDAY "/uapi/domestic-stock/v1/quotations/chk-holiday"
#define SIM_PATH_MULTI "/uapi/domestic-stock/v1/quotations/intstock-multprice"
#define SIM_PATH_MASTER "/common/master/"
#define SIM_PATH_OVERSEAS_DAILY "/uapi/overseas-price/v1/quotations/dailyprice"
#define SIM_PATH_WIKI "/wiki/"
#define SIM_PATH_SLACK_POST "/api/chat.postMessage"
#define SIM_PATH_WEBHOOK "/services/"

//  --- dispatch --------------------------------------------------------------------

typedef struct {
    const char *method;
    const char *path;
    bool prefix;
    void (*handler) (sim_t *, sim_request_t *, sim_response_t *);
} s_route_t;

static void
s_sim_stats (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    json_t *json = sim_stats_json (self);
    sim_respond_json (resp, MHD_HTTP_OK, json);
    json_decref (json);
}

static void
s_sim_reset (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_stats_reset (self);
    sim_respond_text (resp, MHD_HTTP_OK, "application/json", "{\"ok\":true}");
}

//  Exact paths come before the prefixes that would also match them.
static const s_route_t s_routes[] = {{"POST", SIM_PATH_TOKEN, false, sim_kis_token},
                                     {"GET", SIM_PATH_CHART, false, sim_kis_chart},
                                     {"GET", SIM_PATH_HOLIDAY, false, sim_kis_holiday},
                                     {"GET", SIM_PATH_MULTI, false, sim_kis_multi},
                                     {"GET", SIM_PATH_OVERSEAS_DAILY, false, sim_kis_overseas_daily},
                                     {"GET", SIM_PATH_MASTER "nasmst.cod.zip", false, sim_us_master},
                                     {"GET", SIM_PATH_MASTER "nysmst.cod.zip", false, sim_us_master},
                                     {"GET", SIM_PATH_MASTER "amsmst.cod.zip", false, sim_us_master},
                                     {"GET", SIM_PATH_MASTER, true, sim_master_serve},
                                     {"GET", SIM_PATH_WIKI, true, sim_wiki_serve},
                                     {"POST", SIM_PATH_SLACK_POST, false, sim_slack_post},
                                     {"POST", SIM_PATH_WEBHOOK, true, sim_slack_webhook},
                                     {"GET", "/_sim/stats", false, s_sim_stats},
                                     {"POST", "/_sim/reset", false, s_sim_reset},
                                     {"GET", "/_sim/universe/kr", false, sim_master_universe},
                                     {"GET", "/_sim/universe/us", false, sim_us_universe},
                                     {"GET", "/_sim/slack", false, sim_slack_list},
                                     {NULL, NULL, false, NULL}};

static void
s_dispatch (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    bool path_known = false;
    for (const s_route_t *route = s_routes; route->path; route++) {
        bool match = route->prefix ? strncmp (req->url, route->path, strlen (route->path)) == 0
                                   : strcmp (req->url, route->path) == 0;
        if (!match)
            continue;
        path_known = true;
        if (strcmp (req->method, route->method) == 0) {
            route->handler (self, req, resp);
            return;
        }
    }
    json_t *json = json_pack ("{s:s, s:s}", "error", path_known ? "method not allowed" : "not found", "path", req->url);
    sim_respond_json (resp, path_known ? MHD_HTTP_METHOD_NOT_ALLOWED : MHD_HTTP_NOT_FOUND, json);
    json_decref (json);
}

typedef struct {
    char *body;
    size_t len;
    size_t limit;
    size_t sent;
} s_partial_t;

//  Sends the first limit bytes of the body, then fails: the client sees the
//  connection close before Content-Length bytes arrived.
static ssize_t
s_partial_read (void *cls, uint64_t pos, char *buf, size_t max)
{
    s_partial_t *partial = cls;
    if (pos >= partial->limit)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = partial->limit - (size_t) pos;
    if (n > max)
        n = max;
    memcpy (buf, partial->body + pos, n);
    return (ssize_t) n;
}

static void
s_partial_free (void *cls)
{
    s_partial_t *partial = cls;
    free (partial->body);
    free (partial);
}

static enum MHD_Result
s_queue (struct MHD_Connection *conn, sim_response_t *resp)
{
    struct MHD_Response *response = NULL;
    if (resp->reset && resp->partial_len > 0 && resp->partial_len < resp->body_len) {
        s_partial_t *partial = calloc (1, sizeof *partial);
        if (!partial)
            return MHD_NO;
        partial->body = resp->body;
        partial->len = resp->body_len;
        partial->limit = resp->partial_len;
        resp->body = NULL;
        response = MHD_create_response_from_callback (partial->len, SIM_PARTIAL_BLOCK, s_partial_read, partial,
                                                      s_partial_free);
        if (!response) {
            s_partial_free (partial);
            return MHD_NO;
        }
    }
    else if (resp->reset)
        return MHD_NO;
    else {
        response = MHD_create_response_from_buffer (resp->body_len, resp->body ? resp->body : (char *) "",
                                                    resp->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (!response)
            return MHD_NO;
        resp->body = NULL;   //  MHD frees it
    }
    if (resp->content_type)
        MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    for (size_t i = 0; i < resp->nheaders; i++)
        MHD_add_response_header (response, resp->headers[i][0], resp->headers[i][1]);
    enum MHD_Result result = MHD_queue_response (conn, resp->status ? resp->status : 500, response);
    MHD_destroy_response (response);
    return result;
}

static enum MHD_Result
s_access (void *cls, struct MHD_Connection *conn, const char *url, const char *method, const char *version,
          const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    sim_t *self = cls;
    sim_request_t *req = *con_cls;
    if (!req) {
        req = calloc (1, sizeof *req);
        if (!req)
            return MHD_NO;
        *con_cls = req;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!req->body_too_big && req->body_len + *upload_data_size <= SIM_BODY_MAX) {
            char *grown = realloc (req->body, req->body_len + *upload_data_size + 1);
            if (!grown)
                return MHD_NO;
            req->body = grown;
            memcpy (req->body + req->body_len, upload_data, *upload_data_size);
            req->body_len += *upload_data_size;
            req->body[req->body_len] = '\0';
        }
        else
            req->body_too_big = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    req->conn = conn;
    req->method = method;
    req->url = url;
    sim_response_t resp;
    memset (&resp, 0, sizeof resp);
    if (req->body_too_big)
        sim_respond_text (&resp, MHD_HTTP_CONTENT_TOO_LARGE, "text/plain", "request body too large\n");
    else
        s_dispatch (self, req, &resp);
    enum MHD_Result result = s_queue (conn, &resp);
    free (resp.body);
    return result;
}

static void
s_completed (void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode code)
{
    sim_request_t *req = *con_cls;
    if (req) {
        free (req->body);
        free (req);
        *con_cls = NULL;
    }
}

//  The whole of a PEM file, NUL-terminated (the caller frees it), or NULL
//  (logged).
static char *
s_read_pem (const char *path)
{
    FILE *file = fopen (path, "rb");
    char *text = file ? malloc (SIM_PEM_MAX + 1) : NULL;
    size_t n = text ? fread (text, 1, SIM_PEM_MAX + 1, file) : 0;
    if (!text || n == 0 || n > SIM_PEM_MAX || ferror (file)) {
        eod_log_error ("%s: %s", path, !file ? strerror (errno) : n > SIM_PEM_MAX ? "over 1 MiB" : "cannot be read");
        free (text);
        text = NULL;
    }
    else
        text[n] = '\0';
    if (file)
        fclose (file);
    return text;
}

int
main (int argc, char *argv[])
{
    eod_log_init ("eod-sim");
    int rc = 1;
    sim_config_t config;
    memset (&config, 0, sizeof config);
    sim_t sim;
    memset (&sim, 0, sizeof sim);
    pthread_mutex_init (&sim.lock, NULL);
    struct MHD_Daemon *daemon = NULL;
    char *tls_cert = NULL, *tls_key = NULL;

    int parsed = sim_config_parse (&config, argc, argv);
    if (parsed != 0) {
        rc = parsed > 0 ? 0 : 2;
        goto out;
    }
    if (sim_clock_init () != 0) {
        rc = 2;
        goto out;
    }
    //  The certificate and key before anything is generated: a wrong path
    //  fails at once.
    if (config.tls_cert) {
        if (!MHD_is_feature_supported (MHD_FEATURE_TLS)) {
            eod_log_error ("--tls-cert: this libmicrohttpd has no TLS");
            rc = 2;
            goto out;
        }
        tls_cert = s_read_pem (config.tls_cert);
        tls_key = s_read_pem (config.tls_key);
        if (!tls_cert || !tls_key) {
            rc = 2;
            goto out;
        }
    }
    sim.config = &config;
    sim.rng_state = sim_hash (config.seed, 0x5eed, 0);
    sim.calendar = sim_calendar_new (config.calendar_dir);
    if (!sim.calendar) {
        rc = 2;
        goto out;
    }
    sim.master =
        sim_master_new (config.seed, config.master_garble, config.unknown_codes, sim_today_kst (), config.kosdaq_extra);
    sim.wiki = sim_wiki_new ();
    sim.us = sim.wiki ? sim_us_new (config.seed, sim.wiki, config.calendar_dir, config.us_unknown) : NULL;
    sim.kis = sim_kis_new ();
    sim.slack = sim_slack_new ();
    sim.stats = sim_stats_new ();
    if (!sim.master || !sim.wiki || !sim.us || !sim.kis || !sim.slack || !sim.stats)
        goto out;
    //  Through the day asked for and through today by the simulator's clock,
    //  whose quote every chart answer carries (output1).
    if (config.warm_until) {
        int32_t until = sim_days_from_ymd ((int) strtol (config.warm_until, NULL, 10));
        int32_t today = sim_days_from_ymd (sim_today_kst ());
        sim_kr_walk_warm (&sim, until > today ? until : today);
    }

    //  Block the stop signals in every thread; the main thread waits for them.
    sigset_t stop;
    sigemptyset (&stop);
    sigaddset (&stop, SIGINT);
    sigaddset (&stop, SIGTERM);
    pthread_sigmask (SIG_BLOCK, &stop, NULL);
    signal (SIGPIPE, SIG_IGN);

    struct sockaddr_in addr;
    memset (&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons ((uint16_t) config.port);
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    if (config.tls_cert)
        flags |= MHD_USE_TLS;
    //  The TLS options come last: without TLS the list ends before them.
    daemon = MHD_start_daemon (flags, (uint16_t) config.port, NULL, NULL, s_access, &sim, MHD_OPTION_SOCK_ADDR,
                               (struct sockaddr *) &addr, MHD_OPTION_CONNECTION_LIMIT,
                               (unsigned int) SIM_CONNECTION_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT,
                               (unsigned int) SIM_CONNECTION_TIMEOUT_S, MHD_OPTION_NOTIFY_COMPLETED, s_completed, &sim,
                               tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, tls_cert,
                               MHD_OPTION_HTTPS_MEM_KEY, tls_key, MHD_OPTION_END);
    if (!daemon && config.tls_cert) {
        //  libmicrohttpd does not say which: the port, or what GnuTLS made
        //  of the files (not PEM, a key that is not one).
        eod_log_error ("cannot listen on 127.0.0.1:%d with https: the port is taken, or GnuTLS cannot use %s "
                       "and %s",
                       config.port, config.tls_cert, config.tls_key);
        rc = 2;
        goto out;
    }
    if (!daemon) {
        eod_log_error ("cannot listen on 127.0.0.1:%d", config.port);
        rc = 3;
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info (daemon, MHD_DAEMON_INFO_BIND_PORT);
    int port = info && info->port ? info->port : config.port;
    printf ("eod-sim listening on 127.0.0.1:%d\n", port);
    fflush (stdout);
    eod_log_info ("seed %llu, rate %d/s per key, %zu app keys, today %d (KST)%s%s", (unsigned long long) config.seed,
                  config.rate, config.napps, sim_today_kst (), config.tls_cert ? ", https with " : "",
                  config.tls_cert ? config.tls_cert : "");

    int signo = 0;
    sigwait (&stop, &signo);
    eod_log_info ("signal %d: stopping", signo);
    rc = 0;
out:
    if (daemon)
        MHD_stop_daemon (daemon);
    sim_stats_destroy (&sim.stats);
    sim_slack_destroy (&sim.slack);
    sim_kis_destroy (&sim.kis);
    sim_us_destroy (&sim.us);
    sim_wiki_destroy (&sim.wiki);
    sim_master_destroy (&sim.master);
    sim_calendar_destroy (&sim.calendar);
    pthread_mutex_destroy (&sim.lock);
    sim_config_free (&config);
    free (tls_cert);
    if (tls_key)
        explicit_bzero (tls_key, strlen (tls_key));
    free (tls_key);
    return rc;
}
