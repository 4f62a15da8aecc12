/*  sim_zip — the master-file downloads of eod-sim: every file the KIS
    master-file host serves (kospi_code.mst.zip, kosdaq_code.mst.zip and the
    nas/nys/ams .cod.zip) is one entry zipped in memory at start (libzip), and
    served as a copy of those bytes, or with the injected 503 fault. */
#ifndef SIM_ZIP_H
#define SIM_ZIP_H

#include "sim.h"

//  Zips data as one entry named entry into a new buffer (*out_p, the caller
//  frees it). 0 or -1 (logged).
int sim_zip (const char *entry, const char *data, size_t len, unsigned char **out_p, size_t *out_len);

//  Answers a master-file download: 404 when zip is NULL (no such file), else
//  the injected master503 fault (--fault-master503) or a copy of the zip.
void sim_zip_serve (sim_t *self, sim_response_t *resp, const unsigned char *zip, size_t len);

#endif
