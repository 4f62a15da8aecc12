/*  lister universe — which KR master-file records the pipeline fetches.

    The lister parses kospi_code.mst and kosdaq_code.mst (common/sources/eod_master)
    and asks lister_kr_selects for each record; the selected ones become
    TASKs. The rules are DESIGN.md "Markets and dates", every threshold
    configurable:
      KOSPI:  group ST and (market cap >= kospi_min_cap or KRX300 or the name
              contains one of kospi_name_pattern's alternatives), plus every
              record whose group is in kospi_extra_groups;
      KOSDAQ: group ST and (market cap >= kosdaq_min_cap or KRX300 or
              KOSDAQ150).
    No other rule: SPACs, suspended or administrative issues are in when a
    rule selects them. */
#ifndef LISTER_UNIVERSE_H
#define LISTER_UNIVERSE_H

#include <stdbool.h>

#include "eod_master.h"

//  Defaults (market caps in 억원, i.e. 100 million KRW).
#define LISTER_KR_MIN_CAP_DEFAULT 4000
#define LISTER_KOSPI_NAME_PATTERN_DEFAULT "은행|금융|신한|카카오뱅크"
#define LISTER_KOSPI_EXTRA_GROUPS_DEFAULT "RT,IF"

typedef struct {
    long long kospi_min_cap;          //  default 4000
    long long kosdaq_min_cap;         //  default 4000
    const char *kospi_name_pattern;   //  '|'-separated substrings of the UTF-8 name; NULL or "" = no name rule
    bool kospi_krx300;                //  KRX300 selects a KOSPI ST record (default true)
    bool kosdaq_krx300;               //  KRX300 selects a KOSDAQ ST record (default true)
    bool kosdaq_kosdaq150;            //  KOSDAQ150 selects a KOSDAQ ST record (default true)
    const char *kospi_extra_groups;   //  ','-separated group codes taken whole; NULL or "" = none
} lister_kr_filter_t;

//  Fills f with the defaults above. The strings are static literals; a
//  caller that sets its own keeps them alive while the filter is used.
void lister_kr_filter_defaults (lister_kr_filter_t *f);

//  True when the record belongs to the universe under f. Empty alternatives
//  in the pattern ("a||b") and empty group names are ignored, and spaces
//  around group names are too.
bool lister_kr_selects (const lister_kr_filter_t *f, eod_master_kind_t kind, const eod_master_record_t *rec);

#endif
