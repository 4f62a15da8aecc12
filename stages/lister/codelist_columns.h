/*  lister codelist_columns — the lists of a universe snapshot and their
    columns: the reference pipeline's code lists (kospi_code, kosdaq_code,
    us_market_index, us_market_master, us_market_stock), one file a list.

    A KR list holds every column of the master file: the record's head
    (short code, standard code, name) and each field of its fixed-width
    tail, cut at the widths given here, in file order. */
#ifndef LISTER_CODELIST_COLUMNS_H
#define LISTER_CODELIST_COLUMNS_H

#include <stddef.h>

typedef enum {
    LISTER_LIST_KOSPI,
    LISTER_LIST_KOSDAQ,
    LISTER_LIST_US_INDEX,
    LISTER_LIST_US_MASTER,
    LISTER_LIST_US_STOCK,
    LISTER_LISTS
} lister_list_t;

typedef struct {
    const char *header;   //  the reference pipeline's column name (the CSV header)
    const char *ident;    //  the KIS identifier, the Athena column name
    size_t width;         //  KR tail fields: bytes in the record's tail; 0 otherwise
} lister_column_t;

//  The columns of list into *columns (static); returns their count.
size_t lister_list_columns (lister_list_t list, const lister_column_t **columns);

//  The list's file stem ("kospi_code"): files are STEM_YYYYMMDD.csv.
const char *lister_list_name (lister_list_t list);

//  The market the list belongs to ("kr", "us").
const char *lister_list_market (lister_list_t list);

#endif
