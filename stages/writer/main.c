/*  eod-writer — journals results, acknowledges them, writes the final CSVs.
    main only wires: options, config, the writer class, exit code. */
#include "eod_log.h"
#include "eod_stage_main.h"
#include "writer.h"

int
main (int argc, char **argv)
{
    eod_main_opts_t opts;
    int rc = eod_main_parse (argc, argv, "writer",
                             "The writer: journals results (fsync, then ACK), dedupes rows by (market, code, date)\n"
                             "and writes data/market=M/dt=D/M_YYYYMMDD.csv, then hands each file to the uploader.",
                             &opts);
    if (rc >= 0)
        return rc;
    eod_stage_t *stage = eod_stage_new ("writer", opts.config);
    if (!stage)
        return 2;
    eod_stage_connect_events (stage);
    writer_t *writer = writer_new (stage, opts.once);
    if (!writer) {
        eod_stage_destroy (&stage);
        return 2;
    }
    rc = writer_run (writer);
    eod_main_settled (rc);
    writer_destroy (&writer);
    eod_stage_destroy (&stage);
    return rc;
}
