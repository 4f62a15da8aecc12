/*  eod-http — makes one HTTP request for another eod program and exits.

    The coordinator holds the request budget, the leases and the ledger of a
    run, and makes only a few HTTP requests a day (access tokens,
    chk-holiday). It has them made by this program (eod_http_child_perform)
    instead of loading libcurl, TLS and their libraries itself. The request
    comes on stdin and the response goes to stdout, in eod_http_child.c's
    wire format; secrets travel only there, never on the command line. Log
    lines go to stderr, the caller's. */
#include "eod_http.h"
#include "eod_log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef EOD_VERSION
#define EOD_VERSION "0"
#endif

#define S_EXIT_OK 0
#define S_EXIT_FAILED 1
#define S_EXIT_USAGE 2

int
main (int argc, char **argv)
{
    if (argc == 2 && strcmp (argv[1], "--version") == 0) {
        printf ("eod-http %s\n", EOD_VERSION);
        return S_EXIT_OK;
    }
    if (argc > 1) {
        FILE *out = strcmp (argv[1], "--help") == 0 ? stdout : stderr;
        fprintf (out, "usage: eod-http < REQUEST > RESPONSE\n\n"
                      "Makes one HTTP request for another eod program (the coordinator's tokens and\n"
                      "chk-holiday) and exits. The request comes on stdin and the response goes to stdout\n"
                      "in eod's own binary format (common/http/eod_http_child.c); it is not for people.\n"
                      "Exit: 0 answered (whatever the HTTP status), 1 a malformed request or a failed\n"
                      "write, 2 usage.\n");
        return out == stdout ? S_EXIT_OK : S_EXIT_USAGE;
    }
    if (eod_http_global_init ()) {
        eod_log_error ("eod-http: the HTTP client cannot be initialised");
        return S_EXIT_FAILED;
    }
    int rc = eod_http_child_serve (STDIN_FILENO, STDOUT_FILENO, eod_http_perform);
    eod_http_global_cleanup ();
    return rc ? S_EXIT_FAILED : S_EXIT_OK;
}
