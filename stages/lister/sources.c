/*  lister sources — master files and index articles to drafts (see
    sources.h). */
#include "sources.h"
#include "eod_log.h"
#include "eod_master.h"
#include "eod_util.h"
#include "eod_wiki.h"
#include "fetch.h"
#include "universe.h"
#include "us_universe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_URL_MAX 2100   //  [master] url (at most 2048) and a file name

//  ---------------------------------------------------------------- KR

typedef struct {
    lister_kr_filter_t filter;
    eod_master_kind_t kind;
    lister_drafts_t *drafts;
    lister_codelists_t *snapshot;
    size_t seen;
    size_t selected;
} s_collect_t;

static int
s_collect (const eod_master_record_t *rec, void *arg)
{
    s_collect_t *c = arg;
    c->seen++;
    bool kept = lister_kr_selects (&c->filter, c->kind, rec);
    if (c->snapshot)
        lister_codelists_kr (c->snapshot, c->kind, rec, kept);   //  a failed write is reported at its commit
    if (!kept)
        return 0;
    eod_msg_t *t = lister_drafts_next (c->drafts);
    eod_msg_set (&t->code, rec->short_code);
    eod_msg_set (&t->name, rec->name);
    eod_msg_set (&t->exchange, eod_master_kind_name (c->kind));
    eod_fields_set (&t->meta, "name", rec->name);
    eod_fields_set (&t->meta, "group_code", rec->group_code);
    eod_fields_set (&t->meta, "revenue", rec->revenue);
    eod_fields_set (&t->meta, "operating_profit", rec->operating_profit);
    eod_fields_set (&t->meta, "net_income", rec->net_income);
    eod_fields_set (&t->meta, "roe", rec->roe);
    //  The listing's first day: validation lets its move through (a new
    //  listing's base is the offer price, its limits are wider).
    if (*rec->listing_date)
        eod_fields_set (&t->meta, "listing_date", rec->listing_date);
    int rc = lister_drafts_add (c->drafts);
    if (rc < 0)
        return -1;
    if (rc == 0)
        c->selected++;
    return 0;
}

static void
s_filter_from_config (const eod_config_t *cfg, lister_kr_filter_t *f)
{
    lister_kr_filter_defaults (f);
    f->kospi_min_cap = eod_config_int (cfg, "filter:kospi_min_cap");
    f->kosdaq_min_cap = eod_config_int (cfg, "filter:kosdaq_min_cap");
    f->kospi_name_pattern = eod_config_str (cfg, "filter:kospi_name_pattern");
    f->kospi_extra_groups = eod_config_str (cfg, "filter:kospi_extra_groups");
    f->kospi_krx300 = eod_config_bool (cfg, "filter:kospi_krx300");
    f->kosdaq_krx300 = eod_config_bool (cfg, "filter:kosdaq_krx300");
    f->kosdaq_kosdaq150 = eod_config_bool (cfg, "filter:kosdaq_kosdaq150");
}

int
lister_sources_kr (lister_sources_t *src, char *err, size_t errlen)
{
    static const struct {
        eod_master_kind_t kind;
        const char *zip;
        const char *entry;
    } files[] = {{EOD_MASTER_KOSPI, "kospi_code.mst.zip", "kospi_code.mst"},
                 {EOD_MASTER_KOSDAQ, "kosdaq_code.mst.zip", "kosdaq_code.mst"}};
    const eod_config_t *cfg = src->stage->config;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char url[S_URL_MAX], path[1200];
        if (eod_path_format (url, sizeof url, "%s/%s", eod_config_str (cfg, "master:url"), files[i].zip)) {
            eod_set_error (err, errlen, "[master] url: too long for %s", files[i].zip);
            return -1;
        }
        if (lister_fetch_file (cfg, src->dir, url, files[i].zip, path, sizeof path, &src->fail, err, errlen))
            return -1;
        s_collect_t c = {.kind = files[i].kind, .drafts = src->drafts, .snapshot = src->snapshot};
        s_filter_from_config (cfg, &c.filter);
        eod_master_reader_t *reader = eod_master_reader_new (files[i].kind, files[i].entry, s_collect, &c);
        if (!reader) {
            eod_set_error (err, errlen, "%s: cannot be parsed (CP949 converter missing?)", files[i].entry);
            return -1;
        }
        char uerr[400];
        int rc = eod_master_unzip_parse (path, files[i].entry, reader, uerr, sizeof uerr);
        eod_master_stats_t stats = *eod_master_reader_stats (reader);
        eod_master_reader_destroy (&reader);
        if (rc) {
            if (lister_drafts_failed (src->drafts))
                eod_set_error (err, errlen, "%s: the listing cannot be kept in %s (see the log)", files[i].entry,
                               src->dir);
            else
                eod_set_error (err, errlen, "%s: %s", files[i].zip, uerr);
            return -1;
        }
        char text[64], key[64];
        const char *kname = eod_master_kind_name (files[i].kind);
        snprintf (key, sizeof key, "%s_records", kname);
        snprintf (text, sizeof text, "%zu", stats.records);
        eod_fields_set (src->summary, key, text);
        snprintf (key, sizeof key, "%s_selected", kname);
        snprintf (text, sizeof text, "%zu", c.selected);
        eod_fields_set (src->summary, key, text);
        snprintf (key, sizeof key, "%s_garbled", kname);
        snprintf (text, sizeof text, "%zu", stats.garbled);
        eod_fields_set (src->summary, key, text);
        eod_log_info ("%s: %zu records, %zu selected, %zu garbled", files[i].entry, stats.records, c.selected,
                      stats.garbled);
        if (stats.garbled)
            eod_stage_event (src->stage, "warn", NULL, "kr",
                             "%s: %zu garbled record(s) skipped (see the lister's log for file:line)",
                             files[i].entry, stats.garbled);
        if (stats.records == 0) {
            eod_set_error (err, errlen, "%s: no record could be read", files[i].entry);
            return -1;
        }
    }
    return 0;
}

//  ---------------------------------------------------------------- US

typedef struct {
    us_universe_t *universe;
    lister_codelists_t *snapshot;
} s_feed_t;

static int
s_feed_master (const eod_cod_record_t *rec, void *arg)
{
    s_feed_t *feed = arg;
    us_universe_add_master (feed->universe, rec);
    if (feed->snapshot)
        lister_codelists_us_master (feed->snapshot, rec);
    return 0;
}

int
lister_sources_us (lister_sources_t *src, char *err, size_t errlen)
{
    const eod_config_t *cfg = src->stage->config;
    static const struct {
        const char *key;
        const char *which;
    } pages[] = {{"us:sp500_url", US_UNIVERSE_SP500}, {"us:nasdaq100_url", US_UNIVERSE_NAS100},
                 {"us:dow30_url", US_UNIVERSE_DOW30}};
    us_universe_t *u = us_universe_new ();
    if (!u) {
        eod_set_error (err, errlen, "out of memory");
        return -1;
    }
    int rc = -1;
    char text[64];
    for (size_t i = 0; i < 3; i++) {
        const char *url = eod_config_str (cfg, pages[i].key);
        size_t len = 0;
        char *html = lister_download (cfg, url, &len, &src->fail, err, errlen);
        if (!html)
            goto out;
        eod_wiki_table_t table = {0};
        char werr[300];
        int wrc = eod_wiki_constituents (html, len, url, &table, werr, sizeof werr);
        free (html);
        if (wrc) {
            eod_set_error (err, errlen, "%s", werr);
            goto out;
        }
        us_universe_add_index (u, pages[i].which, &table);
        snprintf (text, sizeof text, "%zu", table.nrows);
        eod_fields_set (src->summary, pages[i].which, text);
        eod_log_info ("%s: %zu constituents (%zu rows without a symbol skipped)", pages[i].which, table.nrows,
                      table.skipped);
        eod_wiki_table_clear (&table);
    }
    char extras[1024];
    eod_config_path_value (cfg, "us:extra_tickers", extras, sizeof extras);
    if (us_universe_add_extras (u, extras, err, errlen))
        goto out;
    static const char *const masters[] = {"nasmst.cod", "nysmst.cod", "amsmst.cod"};
    for (size_t i = 0; i < 3; i++) {
        char url[S_URL_MAX], name[64], path[1200];
        if (eod_path_format (url, sizeof url, "%s/%s.zip", eod_config_str (cfg, "master:url"), masters[i])) {
            eod_set_error (err, errlen, "[master] url: too long for %s.zip", masters[i]);
            goto out;
        }
        snprintf (name, sizeof name, "%s.zip", masters[i]);
        if (lister_fetch_file (cfg, src->dir, url, name, path, sizeof path, &src->fail, err, errlen))
            goto out;
        s_feed_t feed = {.universe = u, .snapshot = src->snapshot};
        eod_master_reader_t *reader = eod_cod_reader_new (masters[i], s_feed_master, &feed);
        if (!reader) {
            eod_set_error (err, errlen, "%s: cannot be parsed (CP949 converter missing?)", masters[i]);
            goto out;
        }
        char uerr[400];
        int urc = eod_master_unzip_parse (path, masters[i], reader, uerr, sizeof uerr);
        eod_master_stats_t stats = *eod_master_reader_stats (reader);
        eod_master_reader_destroy (&reader);
        if (urc) {
            eod_set_error (err, errlen, "%s: %s", name, uerr);
            goto out;
        }
        eod_log_info ("%s: %zu records, %zu garbled", masters[i], stats.records, stats.garbled);
        if (stats.garbled)
            eod_stage_event (src->stage, "warn", NULL, "us", "%s: %zu garbled record(s) skipped", masters[i],
                             stats.garbled);
    }
    if (src->snapshot)
        lister_codelists_us_universe (src->snapshot, u);
    size_t n = us_universe_count (u);
    for (size_t i = 0; i < n; i++) {
        const us_instrument_t *in = us_universe_at (u, i);
        if (!in->exchange_code[0]) {
            char note[96];
            snprintf (note, sizeof note, "%s absent from the KIS master files", in->symbol);
            zlistx_add_end (src->absent, strdup (note));
            continue;
        }
        eod_msg_t *t = lister_drafts_next (src->drafts);
        eod_msg_set (&t->code, in->symbol);
        eod_msg_set (&t->exchange, in->exchange_code);
        eod_msg_set (&t->name, in->english_name[0] ? in->english_name : in->company);
        eod_fields_set (&t->meta, "DOW30", us_flag (in->dow30));
        eod_fields_set (&t->meta, "NAS100", us_flag (in->nas100));
        eod_fields_set (&t->meta, "S&P500", us_flag (in->sp500));
        eod_fields_set (&t->meta, "korea_name", in->korea_name);
        eod_fields_set (&t->meta, "english_name", in->english_name);
        eod_fields_set (&t->meta, "security_type", in->security_type);
        eod_fields_set (&t->meta, "exchange_code", in->exchange_code);
        eod_fields_set (&t->meta, "exchange_name", in->exchange_name);
        eod_fields_set (&t->meta, "GICS Sector", in->sector);
        eod_fields_set (&t->meta, "GICS Sub-Industry", in->sub_industry);
        eod_fields_set (&t->meta, "Company", in->company);
        if (lister_drafts_add (src->drafts) < 0) {
            eod_set_error (err, errlen, "%s: the listing cannot be kept in %s (see the log)", in->symbol, src->dir);
            goto out;
        }
    }
    snprintf (text, sizeof text, "%zu", zlistx_size (src->absent));
    eod_fields_set (src->summary, "absent", text);
    if (zlistx_size (src->absent))
        eod_stage_event (src->stage, "warn", NULL, "us", "%zu symbol(s) of the universe are in no KIS master file",
                         zlistx_size (src->absent));
    rc = 0;
out:
    us_universe_destroy (&u);
    return rc;
}
