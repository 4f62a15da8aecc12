/*  sim_mst — KIS's master-file layout as reference/kis-open-api.md §6.2
    describes it: one fixed-width CP949 record per instrument (KOSPI 288
    bytes, KOSDAQ 282), the code, ISIN and a 40-byte name head, then flags,
    prices, listing data and financials, each line ended by LF; and the
    garbled KOSDAQ records --master-garble appends (a short line, a market
    cap that is not a number) for eod-lister to report and skip. */
#ifndef SIM_MST_H
#define SIM_MST_H

#include "sim_master.h"

#define SIM_MST_FILES 2   //  0 KOSPI, 1 KOSDAQ

//  Writes the text of both files: the count instruments of items in the order
//  by_code gives (indices into items), each in its market's file, then
//  garble garbled records at the end of the KOSDAQ file (their lengths drawn
//  from seed). base_ymd (today) sets the financials' base date. A name whose
//  CP949 form overflows the name field is cut in items too, so the chart
//  answers what the file says. file[i] (caller frees) holds file_len[i]
//  bytes. 0, or -1 (logged) on a name CP949 cannot hold or no memory.
int sim_mst_write (sim_instrument_t *items, const size_t *by_code, size_t count, uint64_t seed, int garble,
                   int base_ymd, char *file[SIM_MST_FILES], size_t file_len[SIM_MST_FILES]);

#endif
