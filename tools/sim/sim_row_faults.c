/*  sim_row_faults — see sim_row_faults.h. */
#include "sim_row_faults.h"
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { S_PRICE, S_RANGE, S_VOLUME, S_MOVE, S_SPLIT, S_WRONG_DATE, S_CONFLICT, S_ONLY_WRONG_DATE };

//  The row's fields by market.
typedef struct {
    const char *date, *close, *open, *high, *low, *volume, *change, *sign;
} s_keys_t;

static const s_keys_t s_kr = {"stck_bsop_date", "stck_clpr", "stck_oprc", "stck_hgpr", "stck_lwpr", "acml_vol",
                              "prdy_vrss", "prdy_vrss_sign"};
static const s_keys_t s_us = {"xymd", "clos", "open", "high", "low", "tvol", "diff", "sign"};

int
sim_row_fault_add (sim_config_t *config, int kind, const char *code)
{
    if (config->nrow_faults == SIM_ROW_FAULTS_MAX) {
        fprintf (stderr, "eod-sim: at most %d codes in --fault-price ... --fault-conflict\n", SIM_ROW_FAULTS_MAX);
        return -1;
    }
    char *copy = strdup (code);
    if (!copy)
        return -1;
    config->row_faults[config->nrow_faults].kind = kind;
    config->row_faults[config->nrow_faults++].code = copy;
    return 0;
}

static const char *
s_get (json_t *row, const char *key)
{
    const char *v = json_string_value (json_object_get (row, key));
    return v ? v : "";
}

static void
s_set (json_t *row, const char *key, const char *value)
{
    json_object_set_new (row, key, json_string (value));
}

//  A price as the market writes it: KR whole won, US four decimals.
static void
s_set_amount (json_t *row, const char *key, double value, bool us)
{
    char text[64];
    if (us)
        snprintf (text, sizeof text, "%.4f", value);
    else
        snprintf (text, sizeof text, "%.0f", value);
    s_set (row, key, text);
}

static void
s_apply (int kind, bool us, int last, json_t *rows)
{
    const s_keys_t *k = us ? &s_us : &s_kr;
    json_t *row = json_array_get (rows, 0);
    if (!row)
        return;
    char text[64];
    switch (kind) {
    case S_PRICE:
        s_set (row, k->open, us ? "0.0000" : "0");
        break;
    case S_RANGE: {
        char high[64];
        snprintf (high, sizeof high, "%s", s_get (row, k->high));
        s_set (row, k->high, s_get (row, k->low));
        s_set (row, k->low, high);
        break;
    }
    case S_VOLUME:
        s_set (row, k->volume, "-1");
        break;
    case S_MOVE:
    case S_SPLIT:
        //  Change = close / 2: the previous close was half this one.
        s_set_amount (row, k->change, atof (s_get (row, k->close)) / 2, us);
        s_set (row, k->sign, "2");
        if (kind == S_SPLIT && !us) {
            s_set (row, "prtt_rate", "0.50");
            s_set (row, "flng_cls_code", "01");
        }
        break;
    case S_WRONG_DATE: {
        json_t *copy = json_deep_copy (row);
        snprintf (text, sizeof text, "%08d", sim_ymd_from_days (sim_days_from_ymd (last) + 1));
        s_set (copy, k->date, text);
        json_array_insert_new (rows, 0, copy);
        break;
    }
    case S_ONLY_WRONG_DATE:
        //  The newest row, dated the day after the request, and nothing else.
        snprintf (text, sizeof text, "%08d", sim_ymd_from_days (sim_days_from_ymd (last) + 1));
        s_set (row, k->date, text);
        while (json_array_size (rows) > 1)
            json_array_remove (rows, 1);
        break;
    case S_CONFLICT: {
        json_t *copy = json_deep_copy (row);
        snprintf (text, sizeof text, "%lld", atoll (s_get (row, k->volume)) + 1);
        s_set (copy, k->volume, text);
        json_array_insert_new (rows, 1, copy);
        break;
    }
    default:
        break;
    }
}

void
sim_row_faults_apply (const sim_config_t *config, const char *code, bool us, int last, json_t *rows)
{
    for (size_t i = 0; i < config->nrow_faults; i++)
        if (strcmp (config->row_faults[i].code, code) == 0)
            s_apply (config->row_faults[i].kind, us, last, rows);
}
