/*  eod_kis_fields — which field of one KIS endpoint answers which of
    another's: the multi-stock quote (FHKST11300006) against the daily chart
    (FHKST03010100). A library of its own (eodkisfields), apart from the KIS
    client: a stage that compares or writes their values (the writer) needs
    the names, not an HTTP client. */
#ifndef EOD_KIS_FIELDS_H
#define EOD_KIS_FIELDS_H

//  The multi-quote field that answers a field of the chart's row
//  (stck_oprc -> inter2_oprc, stck_clpr -> inter2_prpr, acml_vol ->
//  acml_vol, ...; output1's stck_prdy_clpr -> inter2_prdy_clpr), or NULL.
const char *eod_kis_mq_field (const char *chart_key);

#endif
