/*  eod-coordinator — the fetch stage's hub: budget, tokens, leases, results.
    main only wires: options, config, the coordinator class, exit code. */
#include "coordinator.h"
#include "eod_log.h"
#include "eod_stage_main.h"

#include <string.h>

int
main (int argc, char **argv)
{
    eod_main_opts_t opts;
    int rc = eod_main_parse (argc, argv, "coordinator",
                             "The coordinator: paces requests per app key, issues tokens, leases tasks to fetchers\n"
                             "and forwards their results to the writer.",
                             &opts);
    if (rc >= 0)
        return rc;
    eod_stage_t *stage = eod_stage_new ("coordinator", opts.config);
    if (!stage)
        return 2;
    eod_stage_connect_events (stage);
    coordinator_t *coordinator = coordinator_new (stage, opts.once);
    if (!coordinator) {
        eod_stage_destroy (&stage);
        return 2;
    }
    for (int i = 0; i < opts.nrest; i++) {
        if (strcmp (opts.rest[i], "--resume") == 0)
            coordinator_resume (coordinator);
        else {
            eod_log_error ("unknown option %s (try --help)", opts.rest[i]);
            coordinator_destroy (&coordinator);
            eod_stage_destroy (&stage);
            return 2;
        }
    }
    //  A service restarted by its manager takes up the run it was part of.
    if (!opts.once)
        coordinator_resume (coordinator);
    rc = coordinator_run (coordinator);
    eod_main_settled (rc);
    coordinator_destroy (&coordinator);
    eod_stage_destroy (&stage);
    return rc;
}
