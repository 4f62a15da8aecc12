/*  eod-uploader — finished files to S3 (SigV4). main only wires. */
#include "eod_log.h"
#include "eod_stage_main.h"
#include "uploader.h"

int
main (int argc, char **argv)
{
    eod_main_opts_t opts;
    int rc = eod_main_parse (argc, argv, "uploader",
                             "The uploader: PUTs each finished file to S3 with Content-MD5 (SigV4), retrying 5xx,\n"
                             "SlowDown and network errors, and skipping objects whose MD5 already matches.",
                             &opts);
    if (rc >= 0)
        return rc;
    eod_stage_t *stage = eod_stage_new ("uploader", opts.config);
    if (!stage)
        return 2;
    eod_stage_connect_events (stage);
    uploader_t *uploader = uploader_new (stage, opts.once);
    if (!uploader) {
        eod_stage_destroy (&stage);
        return 2;
    }
    rc = uploader_run (uploader);
    eod_main_settled (rc);
    uploader_destroy (&uploader);
    eod_stage_destroy (&stage);
    return rc;
}
