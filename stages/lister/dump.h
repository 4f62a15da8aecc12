/*  lister dump — `eod-lister --dump-master` and `--dump-cod`: print a local
    master file as CSV so an operator can see what the lister would read.

    These stream an unzipped master file from disk (no network) through
    common/sources/eod_master's reader and write one CSV line per good record, with a
    header.
    Fields are quoted only when they hold a comma, quote or newline. */
#ifndef LISTER_DUMP_H
#define LISTER_DUMP_H

#include <stdio.h>

#include "eod_master.h"

//  Exit codes of the dump functions (also the program's exit status).
#define LISTER_DUMP_OK      0   //  read, every record good
#define LISTER_DUMP_GARBLED 1   //  read, some records garbled (reported on stderr, skipped)
#define LISTER_DUMP_NOFILE  2   //  the file cannot be read

//  Writes fields[0..count) to out as one CSV record and a newline, each
//  field quoted only when it holds a comma, quote or line break (the
//  universe snapshots write their lists with it too). 0, or -1 when a write
//  failed.
int lister_dump_row (FILE *out, const char *const *fields, size_t count);

//  Prints every parsed record of the KOSPI or KOSDAQ .mst file at path to
//  out, after the header line
//  short_code,standard_code,name,group_code,market_cap,krx300[,kosdaq150],
//  spac,suspended,listing_date,revenue,operating_profit,net_income,roe
//  (kosdaq150 only for KOSDAQ; flags Y/N; market_cap unpadded). Returns one
//  of the LISTER_DUMP_ codes; a write error on out counts as
//  LISTER_DUMP_NOFILE.
int lister_dump_master (eod_master_kind_t kind, const char *path, FILE *out);

//  Prints every record of the US .cod file at path to out with the header
//  symbol,exchange_code,exchange_id,exchange_name,korea_name,english_name,
//  security_type,currency. Returns as lister_dump_master.
int lister_dump_cod (const char *path, FILE *out);

#endif
