/*  sim_kis_multi — the KIS multi-stock quote double, 관심종목(멀티종목)
    시세조회 intstock-multprice (FHKST11300006), after the common path of
    sim_kis_gate (the same per-key limiter as every data endpoint).

    A request names up to 30 codes in FID_COND_MRKT_DIV_CODE_n (J) and
    FID_INPUT_ISCD_n; output holds one object per code with the quote as of
    the sim's clock (EOD_NOW): the session that opened last, its live bar
    while it trades (hour_cls_code "0") and its final bar once it closed,
    until the next one opens (before the open and on closed days the latest
    closed bar, hour_cls_code "A"). The bars are the chart's (sim_kr_walk,
    sim_quote_kr_live), so the two endpoints agree on every code and
    session unless told otherwise.

    What KIS does here is not published; the options make each plausible
    answer (sim_config.h): an unknown code as a zero entry, no entry or an
    error for the whole batch (--mq-unknown), entries out of request order
    (--mq-shuffle), a one-entry output as an object (--mq-object), a batch
    counted as several requests (--mq-units), and fields of chosen codes
    that disagree with the chart (--mq-disagree). */
#include "sim_kis.h"
#include "sim_kr_walk.h"
#include "sim_master.h"
#include "sim_quote.h"
#include "sim_stats.h"

#include <stdio.h>
#include <string.h>

#define SIM_TR_MULTI "FHKST11300006"
#define SIM_MQ_SLOTS 30                      //  FID_INPUT_ISCD_1 .. _30
#define SIM_MQ_CODE_MAX 12                   //  longest FID_INPUT_ISCD_n accepted
#define SIM_MQ_ARG_MAX 40                    //  "FID_COND_MRKT_DIV_CODE_30" and the like
#define SIM_MQ_RATE_DECIMALS 2
#define SIM_MQ_HOUR_TRADING "0"              //  장중
#define SIM_MQ_HOUR_CLOSED "A"               //  after the close (UNCONFIRMED which letter KIS sends)

//  The bar with the --mq-disagree entries of code applied.
static void
s_disagree (const sim_config_t *config, const char *code, sim_kr_bar_t *bar)
{
    for (size_t i = 0; i < config->nmq_disagree; i++) {
        const sim_mq_disagree_t *entry = &config->mq_disagree[i];
        if (strcmp (entry->code, code) != 0)
            continue;
        long long *fields[] = {&bar->open, &bar->high, &bar->low, &bar->close, &bar->volume, &bar->value,
                               &bar->prev_close};
        *fields[entry->field] += entry->delta;
    }
}

//  The entry of a code: its bar, or every price zero (bar NULL) as KIS
//  answers a code it does not know.
static json_t *
s_entry (const char *code, const char *name, const sim_kr_bar_t *bar, bool trading)
{
    sim_kr_bar_t zero = {0, 0, 0, 0, 0, 0, 0, 0};
    const sim_kr_bar_t *b = bar ? bar : &zero;
    json_t *obj = json_object ();
    json_object_set_new (obj, "inter_shrn_iscd", json_string (code));
    json_object_set_new (obj, "inter_kor_isnm", json_string (name));
    json_object_set_new (obj, "hour_cls_code", json_string (trading ? SIM_MQ_HOUR_TRADING : SIM_MQ_HOUR_CLOSED));
    json_object_set_new (obj, "mrkt_trtm_cls_name", json_string (""));
    sim_json_set_int (obj, "inter2_prpr", b->close);
    sim_json_set_int (obj, "inter2_oprc", b->open);
    sim_json_set_int (obj, "inter2_hgpr", b->high);
    sim_json_set_int (obj, "inter2_lwpr", b->low);
    sim_json_set_int (obj, "acml_vol", b->volume);
    sim_json_set_int (obj, "acml_tr_pbmn", b->value);
    sim_json_set_int (obj, "inter2_prdy_clpr", b->prev_close);
    sim_json_set_int (obj, "inter2_prdy_vrss", b->close - b->prev_close);
    json_object_set_new (obj, "prdy_vrss_sign", json_string (bar ? sim_kr_sign (b) : "3"));
    sim_json_set_fixed (obj, "prdy_ctrt",
                        b->prev_close ? (double) (b->close - b->prev_close) * 100.0 / (double) b->prev_close : 0,
                        SIM_MQ_RATE_DECIMALS);
    sim_json_set_int (obj, "inter2_mxpr", bar ? sim_kr_upper_limit (b->prev_close) : 0);
    sim_json_set_int (obj, "inter2_llam", bar ? sim_kr_lower_limit (b->prev_close) : 0);
    sim_json_set_int (obj, "inter2_askp", bar ? b->close + sim_kr_tick (b->close) : 0);
    sim_json_set_int (obj, "inter2_bidp", b->close);
    sim_json_set_int (obj, "inter2_sdpr", b->prev_close);
    return obj;
}

//  The entry of a known code as of quote_day, fraction of the way through it.
static json_t *
s_known_entry (sim_t *self, const sim_instrument_t *inst, int32_t quote_day, double fraction)
{
    if (quote_day == INT32_MIN)
        return s_entry (inst->code, inst->name, NULL, false);
    sim_kr_walk_t walk;
    sim_kr_walk_fill (self, inst, quote_day, quote_day, &walk);
    const sim_kr_bar_t *bar = sim_kr_walk_bar (&walk, 0);
    if (!bar)
        return s_entry (inst->code, inst->name, NULL, false);
    sim_kr_bar_t live = sim_quote_kr_live (bar, fraction);
    s_disagree (self->config, inst->code, &live);
    return s_entry (inst->code, inst->name, &live, fraction < 1.0);
}

void
sim_kis_multi (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_config_t *config = self->config;
    sim_kis_data_t data = {false, NULL, config->mq_units};
    json_t *entries = NULL;
    if (!sim_kis_data_begin (self, req, resp, "multprice", SIM_TR_MULTI, &data))
        goto out;
    const char *codes[SIM_MQ_SLOTS];
    int slots[SIM_MQ_SLOTS];
    size_t ncodes = 0;
    for (int slot = 1; slot <= SIM_MQ_SLOTS; slot++) {
        char market_arg[SIM_MQ_ARG_MAX], code_arg[SIM_MQ_ARG_MAX];
        snprintf (market_arg, sizeof market_arg, "FID_COND_MRKT_DIV_CODE_%d", slot);
        snprintf (code_arg, sizeof code_arg, "FID_INPUT_ISCD_%d", slot);
        const char *market = sim_request_arg (req, market_arg);
        const char *code = sim_request_arg (req, code_arg);
        if (!code || !*code)
            continue;                        //  an empty slot is no code
        if (!market || strcmp (market, "J") != 0) {
            sim_respond_kis_input_error (resp, market_arg);
            goto out;
        }
        if (strlen (code) > SIM_MQ_CODE_MAX) {
            sim_respond_kis_input_error (resp, code_arg);
            goto out;
        }
        codes[ncodes] = code;
        slots[ncodes++] = slot;
    }
    if (ncodes == 0) {
        sim_respond_kis_input_error (resp, "FID_INPUT_ISCD_1");
        goto out;
    }
    double fraction = 1.0;
    int32_t quote_day = sim_quote_kr_day (self, sim_clock_now (), &fraction);
    entries = json_array ();
    for (size_t i = 0; i < ncodes; i++) {
        const sim_instrument_t *inst = sim_master_find (self->master, codes[i]);
        json_t *entry = NULL;
        if (inst && !inst->unknown)
            entry = s_known_entry (self, inst, quote_day, fraction);
        else if (config->mq_unknown == SIM_MQ_UNKNOWN_REJECT) {
            char arg[SIM_MQ_ARG_MAX];
            snprintf (arg, sizeof arg, "FID_INPUT_ISCD_%d", slots[i]);
            sim_respond_kis_input_error (resp, arg);
            goto out;
        }
        else if (config->mq_unknown == SIM_MQ_UNKNOWN_ZERO)
            entry = s_entry (codes[i], "", NULL, false);
        if (entry)
            json_array_append_new (entries, entry);
    }
    if (config->mq_shuffle) {
        //  Reversed: out of request order whenever there are two entries.
        size_t n = json_array_size (entries);
        json_t *reversed = json_array ();
        for (size_t i = n; i-- > 0;)
            json_array_append (reversed, json_array_get (entries, i));
        json_decref (entries);
        entries = reversed;
    }
    json_t *json = json_object ();
    if (config->mq_object && json_array_size (entries) == 1)
        json_object_set (json, "output", json_array_get (entries, 0));
    else
        json_object_set (json, "output", entries);
    sim_respond_kis_ok (resp, json, "MCA00000", SIM_KIS_MSG_OK);
    json_decref (json);
out:
    json_decref (entries);
    sim_kis_data_end (resp, &data);
}
