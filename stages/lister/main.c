/*  eod-lister — the universe: master files in, one TASK per instrument out.
    Also prints parsed master files: --dump-master kospi|kosdaq FILE, --dump-cod FILE.
    main only wires. */
#include <openssl/crypto.h>
#include <string.h>
#include <unistd.h>

#include "dump.h"
#include "eod_log.h"
#include "eod_stage_main.h"
#include "lister.h"

int
main (int argc, char **argv)
{
    eod_main_opts_t opts;
    int rc = eod_main_parse (argc, argv, "lister",
                             "The lister: downloads the master files, filters the universe and lists one task per\n"
                             "instrument. --dump-master kospi|kosdaq FILE and --dump-cod FILE print a local file's\n"
                             "parsed records as CSV.",
                             &opts);
    if (rc >= 0)
        return rc;
    if (opts.nrest >= 1 && strcmp (opts.rest[0], "--dump-master") == 0) {
        eod_log_init ("eod-lister");
        if (opts.nrest != 3 || (strcmp (opts.rest[1], "kospi") && strcmp (opts.rest[1], "kosdaq"))) {
            fprintf (stderr, "usage: eod-lister --dump-master kospi|kosdaq FILE\n");
            return 2;
        }
        return lister_dump_master (strcmp (opts.rest[1], "kospi") == 0 ? EOD_MASTER_KOSPI : EOD_MASTER_KOSDAQ,
                                   opts.rest[2], stdout);
    }
    if (opts.nrest >= 1 && strcmp (opts.rest[0], "--dump-cod") == 0) {
        eod_log_init ("eod-lister");
        if (opts.nrest != 2) {
            fprintf (stderr, "usage: eod-lister --dump-cod FILE\n");
            return 2;
        }
        return lister_dump_cod (opts.rest[1], stdout);
    }
    if (opts.nrest) {
        fprintf (stderr, "eod-lister: unknown argument %s (see --help)\n", opts.rest[0]);
        return 2;
    }
    //  libcurl initialises OpenSSL at the first download, and by default that
    //  loads the text of every libcrypto error: 0.7 MB resident, a third of
    //  what the whole listing may use. Declined here, before any download;
    //  TLS failures keep their text (libssl's strings and the X509
    //  verification messages are kept), other libcrypto errors show as
    //  numbers ("error:0480006C:...").
    OPENSSL_init_crypto (OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
    eod_stage_t *stage = eod_stage_new ("lister", opts.config);
    if (!stage)
        return 2;
    eod_stage_connect_events (stage);
    lister_t *lister = lister_new (stage, opts.once);
    if (!lister) {
        eod_stage_destroy (&stage);
        return 2;
    }
    rc = lister_run (lister);
    eod_main_settled (rc);
    lister_destroy (&lister);
    eod_stage_destroy (&stage);
    //  The tail of the listing and END still in the pipe go out here (the
    //  sockets' linger), as the atexit handler would do it. Then the process
    //  ends without the libraries' exit handlers: OpenSSL, libcurl and GnuTLS
    //  tear down state nobody will use again and fault in 0.6 MB of their
    //  code to do it, a third of the lister's memory budget.
    zsys_shutdown ();
    fflush (NULL);
#ifdef __SANITIZE_ADDRESS__
    return rc;   //  a sanitized build keeps its leak check, which runs at exit
#else
    _exit (rc);
#endif
}
