/*  eod_kis_fields — see eod_kis_fields.h. */
#include "eod_kis_fields.h"

#include <stddef.h>
#include <string.h>

//  The chart's fields (output2, and output1's previous close) and the
//  multi-quote's that answer them.
static const struct {
    const char *chart;
    const char *multi;
} s_fields[] = {{"stck_oprc", "inter2_oprc"},
                {"stck_hgpr", "inter2_hgpr"},
                {"stck_lwpr", "inter2_lwpr"},
                {"stck_clpr", "inter2_prpr"},
                {"acml_vol", "acml_vol"},
                {"acml_tr_pbmn", "acml_tr_pbmn"},
                {"prdy_vrss", "inter2_prdy_vrss"},
                {"prdy_vrss_sign", "prdy_vrss_sign"},
                {"stck_prdy_clpr", "inter2_prdy_clpr"},
                {"prdy_ctrt", "prdy_ctrt"},
                {"hts_kor_isnm", "inter_kor_isnm"},
                {NULL, NULL}};

const char *
eod_kis_mq_field (const char *chart_key)
{
    for (size_t i = 0; chart_key && s_fields[i].chart; i++)
        if (strcmp (s_fields[i].chart, chart_key) == 0)
            return s_fields[i].multi;
    return NULL;
}
