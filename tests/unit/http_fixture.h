/*  http_fixture — a local HTTP server for unit tests of code that downloads.

    A child process on 127.0.0.1 (an ephemeral port) answers every GET by
    its path from a table of routes: a fixed body or a file's bytes, with a
    status, optionally after a number of 503s (a flaky host); an unknown
    path gets a 404. Each request's path is appended to a log file, so a
    test can count the attempts a client made. One connection per request
    (connection: close). Header-only (static inline): each test program
    includes it once. */
#ifndef HTTP_FIXTURE_H
#define HTTP_FIXTURE_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define HTTP_FIXTURE_ROUTES_MAX 16
#define HTTP_FIXTURE_REQUEST_MAX 4096
#define HTTP_FIXTURE_ALARM_S 120   //  a server left behind by a failed test ends itself

typedef struct {
    const char *path;   //  "/kospi_code.mst.zip"
    int status;         //  the answer once the failures are spent
    const char *body;   //  the body, or NULL for the bytes of file
    const char *file;   //  path of the body's file
    int fail_first;     //  this many requests are answered 503 first
} http_route_t;

typedef struct {
    pid_t pid;
    int port;
    char log[64];   //  one requested path a line
} http_fixture_t;

static inline void
s_http_fixture_write (int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write (fd, data, len);
        if (n <= 0)
            return;
        data += n;
        len -= (size_t) n;
    }
}

//  Answers one connection: reads the request head, logs its path, writes
//  the route's response.
static inline void
s_http_fixture_answer (int conn, const http_route_t *routes, size_t nroutes, int *served, int logfd)
{
    char request[HTTP_FIXTURE_REQUEST_MAX];
    size_t len = 0;
    request[0] = '\0';
    while (len < sizeof request - 1 && !strstr (request, "\r\n\r\n")) {
        ssize_t n = recv (conn, request + len, sizeof request - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t) n;
        request[len] = '\0';
    }
    char path[1024] = "";
    sscanf (request, "GET %1023s", path);
    char line[1100];
    int llen = snprintf (line, sizeof line, "%s\n", path);
    s_http_fixture_write (logfd, line, (size_t) llen);
    size_t i = 0;
    while (i < nroutes && strcmp (routes[i].path, path) != 0)
        i++;
    const http_route_t *route = i < nroutes ? &routes[i] : NULL;
    int status = route ? route->status : 404;
    char *body = NULL;
    size_t body_len = 0;
    if (route && served[i]++ < route->fail_first)
        status = 503;
    else if (route && route->file) {
        FILE *f = fopen (route->file, "rb");
        if (f && fseek (f, 0, SEEK_END) == 0) {
            long size = ftell (f);
            rewind (f);
            body = size >= 0 ? malloc ((size_t) size + 1) : NULL;
            if (body)
                body_len = fread (body, 1, (size_t) size, f);
        }
        if (f)
            fclose (f);
    }
    else if (route && route->body) {
        body = strdup (route->body);
        body_len = body ? strlen (body) : 0;
    }
    char head[256];
    int hlen = snprintf (head, sizeof head, "HTTP/1.1 %d X\r\ncontent-length: %zu\r\nconnection: close\r\n\r\n", status,
                         body_len);
    s_http_fixture_write (conn, head, (size_t) hlen);
    s_http_fixture_write (conn, body ? body : "", body_len);
    free (body);
}

//  Starts the server with routes (copied into the child). 0, or -1 when a
//  socket or the child cannot be made.
static inline int
http_fixture_start (http_fixture_t *s, const http_route_t *routes, size_t nroutes)
{
    memset (s, 0, sizeof *s);
    if (nroutes > HTTP_FIXTURE_ROUTES_MAX)
        return -1;
    snprintf (s->log, sizeof s->log, "/tmp/http_fixture_XXXXXX");
    int logfd = mkstemp (s->log);
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t alen = sizeof addr;
    if (logfd < 0 || fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof addr) || listen (fd, 8)
        || getsockname (fd, (struct sockaddr *) &addr, &alen)) {
        if (fd >= 0)
            close (fd);
        if (logfd >= 0)
            close (logfd);
        return -1;
    }
    s->port = ntohs (addr.sin_port);
    fflush (NULL);
    s->pid = fork ();
    if (s->pid == 0) {
        alarm (HTTP_FIXTURE_ALARM_S);
        int served[HTTP_FIXTURE_ROUTES_MAX] = {0};
        while (1) {
            int conn = accept (fd, NULL, NULL);
            if (conn < 0)
                _exit (1);
            s_http_fixture_answer (conn, routes, nroutes, served, logfd);
            close (conn);
        }
    }
    close (fd);
    close (logfd);
    return s->pid > 0 ? 0 : -1;
}

//  Writes "http://127.0.0.1:PORT" and path into out.
static inline void
http_fixture_url (const http_fixture_t *s, const char *path, char *out, size_t outsize)
{
    snprintf (out, outsize, "http://127.0.0.1:%d%s", s->port, path);
}

//  Requests the server has had for path so far.
static inline int
http_fixture_hits (const http_fixture_t *s, const char *path)
{
    FILE *f = fopen (s->log, "r");
    if (!f)
        return -1;
    char line[1100];
    int hits = 0;
    while (fgets (line, sizeof line, f)) {
        line[strcspn (line, "\n")] = '\0';
        hits += strcmp (line, path) == 0;
    }
    fclose (f);
    return hits;
}

//  Stops the server and removes its log.
static inline void
http_fixture_stop (http_fixture_t *s)
{
    if (s->pid > 0) {
        kill (s->pid, SIGTERM);
        waitpid (s->pid, NULL, 0);
    }
    s->pid = 0;
    unlink (s->log);
}

#endif
