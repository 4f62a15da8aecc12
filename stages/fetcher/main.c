/*  eod-fetcher — a worker of the fetch stage; any number run, on any host.
    main only wires: options, config, the fetcher class, exit code. */
#include "eod_log.h"
#include "eod_stage_main.h"
#include "fetcher.h"

int
main (int argc, char **argv)
{
    eod_main_opts_t opts;
    int rc = eod_main_parse (argc, argv, "fetcher",
                             "A fetcher: takes tasks from the coordinator (--connect ENDPOINT, default from config),\n"
                             "makes one API request per task and returns rows or a classified error.",
                             &opts);
    if (rc >= 0)
        return rc;
    eod_stage_t *stage = eod_stage_new ("fetcher", opts.config);
    if (!stage)
        return 2;
    //  A fetcher of this machine's pipeline reports its incidents (a restart)
    //  to the notifier; one on another host (--connect) has no route to it
    //  and hands them to the coordinator (fetcher_new).
    if (!opts.connect)
        eod_stage_connect_events (stage);
    char endpoint[1024];
    if (opts.connect)
        snprintf (endpoint, sizeof endpoint, "%s", opts.connect);
    else
        eod_config_path_value (stage->config, "endpoints:fetchers", endpoint, sizeof endpoint);
    fetcher_t *fetcher = fetcher_new (stage, endpoint, opts.once);
    if (!fetcher) {
        eod_stage_destroy (&stage);
        return 2;
    }
    rc = fetcher_run (fetcher);
    eod_main_settled (rc);
    fetcher_destroy (&fetcher);
    eod_stage_destroy (&stage);
    return rc;
}
