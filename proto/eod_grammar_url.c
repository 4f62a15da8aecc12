/*  eod_grammar_url — the URL grammar of eod_grammar.h: http:// or https://,
    a host (a name, an IPv4 address or a bracketed IPv6 one, never a user
    name), an optional port, then a path and query of URL characters with
    well-formed %XX escapes; and whether a URL's host is loopback. */
#include "eod_grammar_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define S_PORT_MAX 65535

bool
eod_grammar_is_ipv4 (const char *s, size_t len)
{
    int dots = 0, digits = 0, value = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') {
            if (digits == 0)
                return false;
            dots++;
            digits = value = 0;
        }
        else if (eod_grammar_is_digit (s[i])) {
            value = value * 10 + (s[i] - '0');
            if (++digits > 3 || value > 255)
                return false;
        }
        else
            return false;
    }
    return dots == 3 && digits > 0;
}

//  The parts of a URL: where its host is, and how long.
typedef struct {
    bool https;
    const char *host;
    size_t host_len;
} s_url_t;

//  RFC 3986 characters of a path and query: unreserved, sub-delims, ':',
//  '@', '/', '?', and '%' with two hex digits.
static bool
s_url_rest (const char *p, char *why, size_t whylen)
{
    for (; *p; p++) {
        if (*p == '%') {
            if (!eod_grammar_is_hex (p[1]) || !eod_grammar_is_hex (p[2]))
                return eod_grammar_no (why, whylen, "has a '%%' not followed by two hex digits");
            p += 2;
        }
        else if (!eod_grammar_is_alnum (*p) && !strchr ("-._~!$&'()*+,;=:@/?", *p))
            return eod_grammar_no (why, whylen, "holds a character a URL may not (escape it as %%XX)");
    }
    return true;
}

static bool
s_url_parse (const char *s, s_url_t *u, char *why, size_t whylen)
{
    size_t len = strlen (s);
    if (!eod_grammar_length (len, EOD_GRAMMAR_URL_MAX, why, whylen))
        return false;
    const char *p;
    if (strncmp (s, "https://", 8) == 0)
        u->https = true, p = s + 8;
    else if (strncmp (s, "http://", 7) == 0)
        u->https = false, p = s + 7;
    else
        return eod_grammar_no (why, whylen, "is not an http:// or https:// URL");
    size_t auth = strcspn (p, "/?#");
    if (memchr (p, '@', auth))
        return eod_grammar_no (why, whylen, "holds a user name ('@' before the host): credentials do not go in URLs");
    u->host = p;
    if (*p == '[') {
        const char *close = memchr (p, ']', auth);
        if (!close || close == p + 1)
            return eod_grammar_no (why, whylen, "has a bad IPv6 host");
        for (const char *c = p + 1; c < close; c++)
            if (!eod_grammar_is_hex (*c) && *c != ':' && *c != '.')
                return eod_grammar_no (why, whylen, "has a bad IPv6 host");
        u->host_len = (size_t) (close - p) + 1;
    }
    else {
        u->host_len = strcspn (p, ":/?#");
        if (u->host_len > auth)
            u->host_len = auth;
        if (u->host_len == 0)
            return eod_grammar_no (why, whylen, "has no host");
        for (size_t i = 0; i < u->host_len; i++)
            if (!eod_grammar_is_alnum (p[i]) && p[i] != '.' && p[i] != '-')
                return eod_grammar_no (why, whylen,
                                       "has a host with a character other than letters, digits, '.' and '-'");
        if (p[0] == '.' || p[0] == '-')
            return eod_grammar_no (why, whylen, "has a host that starts with '%c'", p[0]);
    }
    const char *after = p + u->host_len;
    if (*after == ':') {
        size_t digits = strspn (after + 1, "0123456789");
        long port = 0;
        for (size_t i = 0; i < digits && port <= S_PORT_MAX; i++)
            port = port * 10 + (after[1 + i] - '0');
        if (digits == 0 || port < 1 || port > S_PORT_MAX)
            return eod_grammar_no (why, whylen, "has a port outside 1..%d", S_PORT_MAX);
        after += 1 + digits;
    }
    if (*after && *after != '/' && *after != '?')
        return eod_grammar_no (why, whylen, after[0] == '#' ? "has a fragment ('#')" : "has a bad host or port");
    return s_url_rest (after, why, whylen);
}

bool
eod_grammar_url_https (const char *url)
{
    s_url_t u;
    return s_url_parse (url, &u, NULL, 0) && u.https;
}

bool
eod_grammar_url_loopback (const char *url)
{
    s_url_t u;
    if (!s_url_parse (url, &u, NULL, 0))
        return false;
    if (u.host_len == strlen ("localhost") && strncasecmp (u.host, "localhost", u.host_len) == 0)
        return true;
    if (u.host_len == strlen ("[::1]") && strncmp (u.host, "[::1]", u.host_len) == 0)
        return true;
    return eod_grammar_is_ipv4 (u.host, u.host_len) && strncmp (u.host, "127.", 4) == 0;
}

bool
eod_grammar_url (const char *s, char *why, size_t whylen)
{
    s_url_t u;
    return s_url_parse (s, &u, why, whylen);
}
