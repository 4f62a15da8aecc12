/*  sim_kis_chart — the KIS daily chart double, inquire-daily-itemchartprice
    (FHKST03010100), after the common path of sim_kis_gate: validates the
    query, then answers output1 and output2 as KIS does. output1 is the quote
    at the moment of the request on the sim's clock (EOD_NOW), whatever dates
    the request names (sim_quote.h): price, change, limits, volume, shares,
    PER/EPS/PBR from the master data, of the session that opened last, live
    while it trades. output2 is up to 100 daily bars of the requested dates
    from sim_kr_walk, newest first, ending at the session that opened last
    (its live bar while it trades). A code the master files lack, or one
    --unknown-codes names, answers as KIS answers an unknown code: rt_cd 0,
    every snapshot field zero, [{}]. --no-future-check serves bars after the
    clock too. */
#include "sim_kis.h"
#include "sim_kr_walk.h"
#include "sim_master.h"
#include "sim_quote.h"
#include "sim_row_faults.h"
#include "sim_stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SIM_TR_CHART "FHKST03010100"
#define SIM_CODE_MAX 12                      //  longest FID_INPUT_ISCD accepted
#define SIM_RATIO_DECIMALS 2                 //  rates and ratios: "0.00"

//  A rate or ratio as KIS writes it: a string with two decimals.
static void
s_set_ratio (json_t *obj, const char *key, double value)
{
    sim_json_set_fixed (obj, key, value, SIM_RATIO_DECIMALS);
}

static json_t *
s_row (const sim_kr_bar_t *full, int32_t quote_day, double fraction)
{
    sim_kr_bar_t live = full->ymd == sim_ymd_from_days (quote_day) ? sim_quote_kr_live (full, fraction) : *full;
    const sim_kr_bar_t *bar = &live;
    json_t *row = json_object ();
    char date[16];
    snprintf (date, sizeof date, "%08d", bar->ymd);
    json_object_set_new (row, "stck_bsop_date", json_string (date));
    sim_json_set_int (row, "stck_clpr", bar->close);
    sim_json_set_int (row, "stck_oprc", bar->open);
    sim_json_set_int (row, "stck_hgpr", bar->high);
    sim_json_set_int (row, "stck_lwpr", bar->low);
    sim_json_set_int (row, "acml_vol", bar->volume);
    sim_json_set_int (row, "acml_tr_pbmn", bar->value);
    json_object_set_new (row, "flng_cls_code", json_string ("00"));
    json_object_set_new (row, "prtt_rate", json_string ("0.00"));
    json_object_set_new (row, "mod_yn", json_string ("N"));
    json_object_set_new (row, "prdy_vrss_sign", json_string (sim_kr_sign (bar)));
    sim_json_set_int (row, "prdy_vrss", bar->close - bar->prev_close);
    json_object_set_new (row, "revl_issu_reas", json_string (""));
    return row;
}

static const char *s_output1_keys[] = {
    "prdy_vrss", "prdy_vrss_sign", "prdy_ctrt", "stck_prdy_clpr", "acml_vol", "acml_tr_pbmn",
    "hts_kor_isnm", "stck_prpr", "stck_shrn_iscd", "prdy_vol", "stck_mxpr", "stck_llam",
    "stck_oprc", "stck_hgpr", "stck_lwpr", "stck_prdy_oprc", "stck_prdy_hgpr", "stck_prdy_lwpr",
    "askp", "bidp", "prdy_vrss_vol", "vol_tnrt", "stck_fcam", "lstn_stcn", "cpfn", "hts_avls",
    "per", "eps", "pbr", "itewhol_loan_rmnd_ratem name", NULL
};

//  The snapshot of an unknown code: every key, all zero.
static json_t *
s_output1_zero (void)
{
    json_t *out = json_object ();
    for (size_t i = 0; s_output1_keys[i]; i++) {
        const char *key = s_output1_keys[i];
        const char *value = "0";
        if (strcmp (key, "hts_kor_isnm") == 0 || strcmp (key, "stck_shrn_iscd") == 0)
            value = "";
        else if (strcmp (key, "prdy_ctrt") == 0 || strcmp (key, "vol_tnrt") == 0
                 || strcmp (key, "per") == 0 || strcmp (key, "eps") == 0
                 || strcmp (key, "pbr") == 0 || strcmp (key, "itewhol_loan_rmnd_ratem name") == 0)
            value = "0.00";
        json_object_set_new (out, key, json_string (value));
    }
    return out;
}

static json_t *
s_output1 (sim_t *self, const sim_instrument_t *inst, const sim_kr_bar_t *bar,
           const sim_kr_bar_t *prior)
{
    if (!bar) {
        json_t *out = s_output1_zero ();
        json_object_set_new (out, "hts_kor_isnm", json_string (inst->name));
        json_object_set_new (out, "stck_shrn_iscd", json_string (inst->code));
        return out;
    }
    sim_kr_bar_t none = {0, bar->prev_close, bar->prev_close, bar->prev_close, bar->prev_close,
                         bar->prev_close, 0, 0};
    if (!prior)
        prior = &none;
    long long shares = inst->shares_k * 1000;
    double eps = shares > 0 ? (double) inst->net_income * 1e8 / (double) shares : 0;
    double bps = inst->roe > 0 ? eps * 100.0 / inst->roe : 0;
    json_t *out = json_object ();
    sim_json_set_int (out, "prdy_vrss", bar->close - bar->prev_close);
    json_object_set_new (out, "prdy_vrss_sign", json_string (sim_kr_sign (bar)));
    s_set_ratio (out, "prdy_ctrt",
                 bar->prev_close ? (double) (bar->close - bar->prev_close) * 100.0 / (double) bar->prev_close : 0);
    sim_json_set_int (out, "stck_prdy_clpr", bar->prev_close);
    sim_json_set_int (out, "acml_vol", bar->volume);
    sim_json_set_int (out, "acml_tr_pbmn", bar->value);
    json_object_set_new (out, "hts_kor_isnm", json_string (inst->name));
    sim_json_set_int (out, "stck_prpr", bar->close);
    json_object_set_new (out, "stck_shrn_iscd", json_string (inst->code));
    sim_json_set_int (out, "prdy_vol", prior->volume);
    sim_json_set_int (out, "stck_mxpr", sim_kr_upper_limit (bar->prev_close));
    sim_json_set_int (out, "stck_llam", sim_kr_lower_limit (bar->prev_close));
    sim_json_set_int (out, "stck_oprc", bar->open);
    sim_json_set_int (out, "stck_hgpr", bar->high);
    sim_json_set_int (out, "stck_lwpr", bar->low);
    sim_json_set_int (out, "stck_prdy_oprc", prior->open);
    sim_json_set_int (out, "stck_prdy_hgpr", prior->high);
    sim_json_set_int (out, "stck_prdy_lwpr", prior->low);
    sim_json_set_int (out, "askp", bar->close + sim_kr_tick (bar->close));
    sim_json_set_int (out, "bidp", bar->close);
    sim_json_set_int (out, "prdy_vrss_vol", bar->volume - prior->volume);
    s_set_ratio (out, "vol_tnrt", shares > 0 ? (double) bar->volume * 100.0 / (double) shares : 0);
    sim_json_set_int (out, "stck_fcam", inst->face);
    sim_json_set_int (out, "lstn_stcn", shares);
    sim_json_set_int (out, "cpfn", llround ((double) inst->face * (double) shares / 1e8));
    sim_json_set_int (out, "hts_avls", llround ((double) bar->close * (double) shares / 1e8));
    s_set_ratio (out, "per", eps > 0 ? (double) bar->close / eps : 0);
    s_set_ratio (out, "eps", eps);
    s_set_ratio (out, "pbr", bps > 0 ? (double) bar->close / bps : 0);
    s_set_ratio (out, "itewhol_loan_rmnd_ratem name",
                 sim_unit (sim_hash (self->config->seed, sim_hash_str (inst->code), 0x10a)) * 3.0);
    return out;
}

//  output1 at the sim's clock: the quote of quote_day, fraction of the way
//  through it. walk (the answer's rows, through end) has its bars when they
//  reach quote_day; else a walk of its own gives them.
static json_t *
s_quote (sim_t *self, const sim_instrument_t *inst, const sim_kr_walk_t *walk, int end, int32_t quote_day,
         double fraction)
{
    if (quote_day == INT32_MIN)
        return s_output1 (self, inst, NULL, NULL);
    sim_kr_walk_t own;
    const sim_kr_walk_t *w = walk;
    if (end != sim_ymd_from_days (quote_day) || walk->count < 2) {
        sim_kr_walk_fill (self, inst, quote_day, quote_day, &own);
        w = &own;
    }
    const sim_kr_bar_t *bar = sim_kr_walk_bar (w, 0), *prior = sim_kr_walk_bar (w, 1);
    if (!bar || bar->ymd != sim_ymd_from_days (quote_day))
        return s_output1 (self, inst, bar, prior);
    sim_kr_bar_t live = sim_quote_kr_live (bar, fraction);
    return s_output1 (self, inst, &live, prior);
}

void
sim_kis_chart (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_kis_data_t data = {false, NULL, 0};
    if (!sim_kis_data_begin (self, req, resp, "itemchartprice", SIM_TR_CHART, &data))
        goto out;
    const char *market = sim_request_arg (req, "FID_COND_MRKT_DIV_CODE");
    const char *code = sim_request_arg (req, "FID_INPUT_ISCD");
    const char *date1 = sim_request_arg (req, "FID_INPUT_DATE_1");
    const char *date2 = sim_request_arg (req, "FID_INPUT_DATE_2");
    const char *period = sim_request_arg (req, "FID_PERIOD_DIV_CODE");
    const char *adjusted = sim_request_arg (req, "FID_ORG_ADJ_PRC");
    int ymd1, ymd2;
    if (!market || strcmp (market, "J") != 0) {
        sim_respond_kis_input_error (resp, "FID_COND_MRKT_DIV_CODE");
        goto out;
    }
    if (!code || !*code || strlen (code) > SIM_CODE_MAX) {
        sim_respond_kis_input_error (resp, "FID_INPUT_ISCD");
        goto out;
    }
    if (sim_parse_ymd (date1, &ymd1) || sim_parse_ymd (date2, &ymd2)) {
        sim_respond_kis_input_error (resp, "FID_INPUT_DATE");
        goto out;
    }
    if (!period || strcmp (period, "D") != 0) {
        sim_respond_kis_input_error (resp, "FID_PERIOD_DIV_CODE");
        goto out;
    }
    if (!adjusted || (strcmp (adjusted, "0") != 0 && strcmp (adjusted, "1") != 0)) {
        sim_respond_kis_input_error (resp, "FID_ORG_ADJ_PRC");
        goto out;
    }
    sim_stats_chunk (self, code, ymd1, ymd2);
    json_t *json = json_object ();
    const sim_instrument_t *inst = sim_master_find (self->master, code);
    if (!inst || inst->unknown) {
        json_object_set_new (json, "output1", s_output1_zero ());
        json_t *rows = json_array ();
        json_array_append_new (rows, json_object ());
        json_object_set_new (json, "output2", rows);
    }
    else {
        //  The quote is of the session that opened last on the sim's clock;
        //  the rows end there too (a later day has no bar yet).
        double fraction = 1.0;
        int32_t quote_day = sim_quote_kr_day (self, sim_clock_now (), &fraction);
        int quote_ymd = quote_day == INT32_MIN ? 0 : sim_ymd_from_days (quote_day);
        int end = ymd2;
        if (!self->config->no_future_check && end > quote_ymd)
            end = quote_ymd;
        sim_kr_walk_t walk;
        sim_kr_walk_fill (self, inst, sim_days_from_ymd (ymd1), sim_days_from_ymd (end), &walk);
        json_object_set_new (json, "output1", s_quote (self, inst, &walk, end, quote_day, fraction));
        json_t *rows = json_array ();
        for (size_t i = 0; i < SIM_CHART_ROWS_MAX; i++) {
            const sim_kr_bar_t *bar = sim_kr_walk_bar (&walk, i);
            if (!bar || bar->ymd < ymd1)
                break;
            json_array_append_new (rows, s_row (bar, quote_day, fraction));
        }
        sim_row_faults_apply (self->config, code, false, ymd2, rows);
        json_object_set_new (json, "output2", rows);
    }
    sim_respond_kis_ok (resp, json, "MCA00000", SIM_KIS_MSG_OK);
    json_decref (json);
out:
    sim_kis_data_end (resp, &data);
}
