/*  eod_http_response — the parts of eod_http that need no libcurl: freeing and
    reading a response, and URLs for log lines. Apart from eod_http.c so a
    program that has its requests made by another process (the coordinator,
    through eod_http_child.c) links no HTTP client. */
#include "eod_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
eod_http_url_for_log (const char *url, char *out, size_t outsize)
{
    if (!url) {
        snprintf (out, outsize, "(none)");
        return;
    }
    const char *scheme_end = strstr (url, "://");
    const char *host = scheme_end ? scheme_end + 3 : url;
    const char *at = strchr (host, '@');
    const char *slash = strchr (host, '/');
    if (at && (!slash || at < slash))
        host = at + 1;   //  drop user:password@
    size_t len = strcspn (host, "?#");
    if (scheme_end)
        snprintf (out, outsize, "%.*s%.*s", (int) (scheme_end + 3 - url), url, (int) len, host);
    else
        snprintf (out, outsize, "%.*s", (int) len, host);
}

void
eod_http_url_host (const char *url, char *out, size_t outsize)
{
    char bare[512];
    eod_http_url_for_log (url, bare, sizeof bare);
    const char *scheme_end = strstr (bare, "://");
    const char *host = scheme_end ? scheme_end + 3 : bare;
    snprintf (out, outsize, "%.*s", (int) strcspn (host, "/"), host);
}

void
eod_http_response_free (eod_http_response_t *resp)
{
    if (!resp)
        return;
    free (resp->body);
    free (resp->headers);
    resp->body = resp->headers = NULL;
    resp->body_len = 0;
}

int
eod_http_response_header (const eod_http_response_t *resp, const char *name, char *out, size_t outsize)
{
    if (!resp->headers || outsize == 0)
        return -1;
    size_t nlen = strlen (name);
    const char *line = resp->headers;
    while (line && *line) {
        const char *end = strstr (line, "\r\n");
        size_t len = end ? (size_t) (end - line) : strlen (line);
        if (len > nlen && strncasecmp (line, name, nlen) == 0 && line[nlen] == ':') {
            const char *v = line + nlen + 1;
            const char *vend = line + len;
            while (v < vend && (*v == ' ' || *v == '\t'))
                v++;
            while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
                vend--;
            snprintf (out, outsize, "%.*s", (int) (vend - v), v);
            return 0;
        }
        line = end ? end + 2 : NULL;
    }
    return -1;
}
