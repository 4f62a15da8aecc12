/*  sim_master — the KIS master-file host double: holds the generated KR
    instruments (sim_master_gen) sorted by code, the two zipped master files
    (sim_mst, sim_zip), and answers their downloads and /_sim/universe/kr.
    See sim_master.h. */
#define _GNU_SOURCE   //  qsort_r
#include "sim_master.h"
#include "sim_master_gen.h"
#include "sim_mst.h"
#include "sim_stats.h"
#include "sim_zip.h"

#include "eod_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_MASTER_KOSPI "kospi_code.mst"
#define SIM_MASTER_KOSDAQ "kosdaq_code.mst"

struct sim_master_t {
    sim_master_list_t list;              //  in generation order
    size_t *by_code;                     //  indices sorted by code
    unsigned char *zip[SIM_MST_FILES];   //  0 KOSPI, 1 KOSDAQ
    size_t zip_len[SIM_MST_FILES];
};

//  The DESIGN's default universe filter, applied to the generation data.
static bool
s_selected (const sim_instrument_t *inst)
{
    bool st = strcmp (inst->group, "ST") == 0;
    if (inst->kosdaq)
        return st && (inst->cap >= SIM_CAP_SELECT || inst->krx300 || inst->kosdaq150);
    if (strcmp (inst->group, "RT") == 0 || strcmp (inst->group, "IF") == 0)
        return true;
    return st
           && (inst->cap >= SIM_CAP_SELECT || inst->krx300 || strstr (inst->name, "은행") || strstr (inst->name, "금융")
               || strstr (inst->name, "신한") || strstr (inst->name, "카카오뱅크"));
}

static int
s_code_cmp (const void *a, const void *b, void *items)
{
    const sim_instrument_t *list = items;
    return strcmp (list[*(const size_t *) a].code, list[*(const size_t *) b].code);
}

static int
s_build_files (sim_master_t *self, uint64_t seed, int garble, int base_ymd)
{
    char *file[SIM_MST_FILES];
    size_t file_len[SIM_MST_FILES];
    if (sim_mst_write (self->list.items, self->by_code, self->list.count, seed, garble, base_ymd, file, file_len))
        return -1;
    int rc = -1;
    if (sim_zip (SIM_MASTER_KOSPI, file[0], file_len[0], &self->zip[0], &self->zip_len[0]) == 0
        && sim_zip (SIM_MASTER_KOSDAQ, file[1], file_len[1], &self->zip[1], &self->zip_len[1]) == 0)
        rc = 0;
    free (file[0]);
    free (file[1]);
    return rc;
}

sim_master_t *
sim_master_new (uint64_t seed, int garble, int unknown_n, int base_ymd, int extra)
{
    sim_master_t *self = calloc (1, sizeof *self);
    if (!self || sim_master_generate (&self->list, seed, base_ymd, extra))
        goto fail;
    self->by_code = malloc (self->list.count * sizeof *self->by_code);
    if (!self->by_code)
        goto fail;
    for (size_t i = 0; i < self->list.count; i++)
        self->by_code[i] = i;
    qsort_r (self->by_code, self->list.count, sizeof *self->by_code, s_code_cmp, self->list.items);
    int unknown_left = unknown_n;
    for (size_t i = 0; i < self->list.count; i++) {
        sim_instrument_t *inst = &self->list.items[self->by_code[i]];
        inst->selected = s_selected (inst);
        if (inst->kosdaq && inst->selected && unknown_left > 0) {
            inst->unknown = true;
            unknown_left--;
        }
    }
    if (s_build_files (self, seed, garble, base_ymd))
        goto fail;
    size_t selected = 0;
    for (size_t i = 0; i < self->list.count; i++)
        selected += self->list.items[i].selected;
    eod_log_info ("master: %zu instruments (%zu selected), kospi zip %zu bytes, kosdaq zip %zu bytes", self->list.count,
                  selected, self->zip_len[0], self->zip_len[1]);
    return self;
fail:
    sim_master_destroy (&self);
    return NULL;
}

void
sim_master_destroy (sim_master_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sim_master_t *self = *self_p;
    free (self->list.items);
    free (self->by_code);
    free (self->zip[0]);
    free (self->zip[1]);
    free (self);
    *self_p = NULL;
}

size_t
sim_master_count (const sim_master_t *self)
{
    return self->list.count;
}

const sim_instrument_t *
sim_master_at (const sim_master_t *self, size_t i)
{
    return i < self->list.count ? &self->list.items[i] : NULL;
}

const sim_instrument_t *
sim_master_find (const sim_master_t *self, const char *code)
{
    size_t lo = 0, hi = self->list.count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const sim_instrument_t *inst = &self->list.items[self->by_code[mid]];
        int cmp = strcmp (inst->code, code);
        if (cmp == 0)
            return inst;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void
sim_master_serve (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_stats_request (self, "master", "-");
    const char *name = req->url + strlen ("/common/master/");
    int m = strcmp (name, SIM_MASTER_KOSPI ".zip") == 0 ? 0 : strcmp (name, SIM_MASTER_KOSDAQ ".zip") == 0 ? 1 : -1;
    const sim_master_t *master = self->master;
    sim_zip_serve (self, resp, m < 0 ? NULL : master->zip[m], m < 0 ? 0 : master->zip_len[m]);
}

void
sim_master_universe (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    json_t *kospi = json_array (), *kosdaq = json_array (), *unknown = json_array ();
    const sim_master_t *master = self->master;
    for (size_t i = 0; i < master->list.count; i++) {
        const sim_instrument_t *inst = &master->list.items[master->by_code[i]];
        if (!inst->selected)
            continue;
        json_array_append_new (inst->kosdaq ? kosdaq : kospi, json_string (inst->code));
        if (inst->unknown)
            json_array_append_new (unknown, json_string (inst->code));
    }
    json_t *json = json_pack ("{s:o, s:o, s:o}", "kospi", kospi, "kosdaq", kosdaq, "unknown", unknown);
    sim_respond_json (resp, MHD_HTTP_OK, json);
    json_decref (json);
}
