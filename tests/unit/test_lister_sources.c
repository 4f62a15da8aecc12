/*  test_lister_sources — the universe read from its sources, served by a
    local HTTP server: the KR master zips (the fixtures of tests/data/master)
    through the [filter] into drafts with their master values and counts in
    the summary; the US index articles (tests/data/wiki), extra tickers and
    overseas masters into drafts, symbols in no master noted as absent; a
    source that cannot be had (unreachable), a zip without its entry (not
    unreachable). The stage is a plain struct: no socket, EVENTs only
    logged. */
#include "eod_test.h"
#include "http_fixture.h"

#include "codes.h"
#include "drafts.h"
#include "eod_log.h"
#include "sources.h"
#include "spool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define MASTERS EOD_SOURCE_DIR "/tests/data/master"
#define WIKI EOD_SOURCE_DIR "/tests/data/wiki"
#define KR_WIDTH 10
#define US_WIDTH 16
#define DRAFTS_MAX 16

//  A NYSE line of an overseas master (ASCII, so CP949 as it is).
#define NYS_MMM                                                                                                        \
    "US\t21\tNYS\tNYSE\tMMM\tNYSMMM\t3M\t3M CO\t2\tUSD\t4\t\t100.0000\t1\t1\t930\t1600\tN\t\t730\t0\t0\t"              \
    "   \t   \n"

static char dir[64];      //  the lister's directory: what it downloads
static char served[96];   //  the fixtures the server serves
static char zips[16][160];
static size_t nzips;
static http_fixture_t server;
static eod_config_t *cfg;

//  Writes a zip at served/name holding entry with the bytes of file (or text
//  when file is NULL); returns its path (static storage).
static const char *
s_zip (const char *name, const char *entry, const char *file, const char *text)
{
    char *path = zips[nzips++];
    snprintf (path, sizeof zips[0], "%s/%s", served, name);
    int zerr = 0;
    zip_t *za = zip_open (path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    zip_source_t *src = NULL;
    if (za)
        src = file ? zip_source_file (za, file, 0, -1) : zip_source_buffer (za, text, strlen (text), 0);
    if (!za || !src || zip_file_add (za, entry, src, ZIP_FL_OVERWRITE) < 0) {
        zip_source_free (src);
        if (za)
            zip_discard (za);
        CHECK (!"zip fixture made");
        return path;
    }
    CHECK_INT (zip_close (za), 0);
    return path;
}

static void
s_str_free (void **item)
{
    free (*item);
    *item = NULL;
}

//  One run of a lister_sources_ function over a fresh raw spool, with what
//  it left.
typedef struct {
    lister_spool_t *raw;
    lister_codes_t *codes;
    lister_drafts_t *drafts;
    eod_fields_t summary;
    zlistx_t *absent;
    lister_sources_t src;
    eod_stage_t stage;
    eod_msg_t *job;
    eod_msg_t *got[DRAFTS_MAX];   //  the drafts read back
    size_t ngot;
    char err[512];
    int rc;
} run_t;

static void
s_run (run_t *r, const char *market, const char *master_url)
{
    memset (r, 0, sizeof *r);
    char err[256], path[128];
    CHECK_INT (eod_config_set (cfg, "master:url", master_url, err, sizeof err), 0);
    r->stage = (eod_stage_t){.name = "lister", .config = cfg};
    r->job = eod_msg_new (EOD_MSG_JOB);
    eod_msg_set (&r->job->run_id, "gate-run");
    eod_msg_set (&r->job->market, market);
    eod_msg_set (&r->job->mode, "daily");
    eod_msg_set (&r->job->date_from, "2024-09-02");
    eod_msg_set (&r->job->date_to, "2024-09-02");
    snprintf (path, sizeof path, "%s/listing.raw", dir);
    r->raw = lister_spool_new (path);
    r->codes = lister_codes_new (strcmp (market, "kr") == 0 ? KR_WIDTH : US_WIDTH);
    r->drafts = lister_drafts_new (r->job, r->raw, r->codes);
    r->absent = zlistx_new ();
    zlistx_set_destructor (r->absent, s_str_free);
    r->src = (lister_sources_t){
        .stage = &r->stage, .dir = dir, .drafts = r->drafts, .summary = &r->summary, .absent = r->absent};
    CHECK (r->raw && r->codes && r->drafts);
    if (!r->drafts)
        return;
    if (strcmp (market, "kr") == 0)
        r->rc = lister_sources_kr (&r->src, r->err, sizeof r->err);
    else
        r->rc = lister_sources_us (&r->src, r->err, sizeof r->err);
    eod_msg_t *t = NULL;
    CHECK_INT (lister_spool_rewind (r->raw), 0);
    while (r->ngot < DRAFTS_MAX && lister_spool_next (r->raw, &t) == 1) {
        r->got[r->ngot++] = t;
        t = NULL;
    }
}

static void
s_done (run_t *r)
{
    for (size_t i = 0; i < r->ngot; i++)
        eod_msg_destroy (&r->got[i]);
    lister_drafts_destroy (&r->drafts);
    lister_codes_destroy (&r->codes);
    lister_spool_destroy (&r->raw);
    zlistx_destroy (&r->absent);
    eod_fields_clear (&r->summary);
    eod_msg_destroy (&r->job);
}

static const char *
s_summary (run_t *r, const char *key)
{
    return eod_fields_get (&r->summary, key);
}

static void
test_kr (void)
{
    char url[256];
    run_t r;
    http_fixture_url (&server, "/kr", url, sizeof url);
    s_run (&r, "kr", url);
    CHECK_INT (r.rc, 0);
    CHECK_INT (r.src.fail, LISTER_FETCH_OK);
    //  KOSPI: 005930 (KRX300) and 055550 (신한 in its name) of four records,
    //  two lines garbled; KOSDAQ: 247540 of three, one garbled.
    CHECK_STR (s_summary (&r, "kospi_records"), "4");
    CHECK_STR (s_summary (&r, "kospi_selected"), "2");
    CHECK_STR (s_summary (&r, "kospi_garbled"), "2");
    CHECK_STR (s_summary (&r, "kosdaq_records"), "3");
    CHECK_STR (s_summary (&r, "kosdaq_selected"), "1");
    CHECK_STR (s_summary (&r, "kosdaq_garbled"), "1");
    CHECK_INT (r.ngot, 3);
    if (r.ngot == 3) {
        eod_msg_t *sam = r.got[0];
        CHECK_STR (sam->code, "005930");
        CHECK_STR (sam->task_id, "005930");
        CHECK_STR (sam->name, "삼성전자");
        CHECK_STR (sam->exchange, "kospi");
        CHECK_STR (sam->run_id, "gate-run");
        CHECK_STR (eod_fields_get (&sam->meta, "name"), "삼성전자");
        CHECK_STR (eod_fields_get (&sam->meta, "group_code"), "ST");
        CHECK_STR (eod_fields_get (&sam->meta, "revenue"), "3053729");
        CHECK_STR (eod_fields_get (&sam->meta, "operating_profit"), "1467252");
        CHECK_STR (eod_fields_get (&sam->meta, "net_income"), "11884");
        CHECK_STR (eod_fields_get (&sam->meta, "roe"), "31.39");
        CHECK_STR (r.got[1]->code, "055550");
        CHECK_STR (r.got[2]->code, "247540");
        CHECK_STR (r.got[2]->exchange, "kosdaq");
    }
    CHECK_INT (lister_codes_count (r.codes), 3);
    CHECK_INT (http_fixture_hits (&server, "/kr/kospi_code.mst.zip"), 1);
    //  The zips stay under the lister's directory, whole.
    char path[128];
    snprintf (path, sizeof path, "%s/kosdaq_code.mst.zip", dir);
    CHECK (access (path, F_OK) == 0);
    s_done (&r);

    //  The KOSDAQ zip cannot be had: unreachable, the error names it.
    http_fixture_url (&server, "/nokosdaq", url, sizeof url);
    s_run (&r, "kr", url);
    CHECK_INT (r.rc, -1);
    CHECK_INT (r.src.fail, LISTER_FETCH_UNREACHABLE);
    CHECK (strstr (r.err, "/nokosdaq/kosdaq_code.mst.zip: HTTP 404") != NULL);
    s_done (&r);

    //  A zip without the entry: an error, but the server was had.
    http_fixture_url (&server, "/wrongentry", url, sizeof url);
    s_run (&r, "kr", url);
    CHECK_INT (r.rc, -1);
    CHECK_INT (r.src.fail, LISTER_FETCH_OK);
    CHECK (strncmp (r.err, "kospi_code.mst.zip: ", 20) == 0);
    CHECK_INT (r.ngot, 0);
    s_done (&r);
}

static void
test_us (void)
{
    char url[256], err[256];
    const char *keys[][2] = {{"us:sp500_url", "/wiki/sp500.html"},
                             {"us:nasdaq100_url", "/wiki/nasdaq100.html"},
                             {"us:dow30_url", "/wiki/dow.html"}};
    for (size_t i = 0; i < 3; i++) {
        http_fixture_url (&server, keys[i][1], url, sizeof url);
        CHECK_INT (eod_config_set (cfg, keys[i][0], url, err, sizeof err), 0);
    }
    char extras[128];
    snprintf (extras, sizeof extras, "%s/extra.txt", dir);
    FILE *f = fopen (extras, "w");
    if (f) {
        fputs ("QQQ\n", f);
        fclose (f);
    }
    CHECK_INT (eod_config_set (cfg, "us:extra_tickers", extras, err, sizeof err), 0);
    run_t r;
    http_fixture_url (&server, "/us", url, sizeof url);
    s_run (&r, "us", url);
    CHECK_INT (r.rc, 0);
    CHECK_INT (r.src.fail, LISTER_FETCH_OK);
    CHECK_STR (s_summary (&r, "S&P500"), "8");
    CHECK_STR (s_summary (&r, "NAS100"), "5");
    CHECK_STR (s_summary (&r, "DOW30"), "6");
    //  AAPL, MSFT and QQQ are in the NASDAQ master, MMM in the NYSE one;
    //  every other symbol of the indices is absent.
    CHECK_INT (r.ngot, 4);
    const char *want[] = {"AAPL", "MMM", "MSFT", "QQQ"};
    for (size_t i = 0; i < r.ngot && i < 4; i++)
        CHECK_STR (r.got[i]->code, want[i]);
    if (r.ngot == 4) {
        eod_msg_t *aapl = r.got[0];
        CHECK_STR (aapl->exchange, "NAS");
        CHECK_STR (aapl->name, "APPLE INC");
        CHECK_STR (eod_fields_get (&aapl->meta, "DOW30"), "1");
        CHECK_STR (eod_fields_get (&aapl->meta, "NAS100"), "1");
        CHECK_STR (eod_fields_get (&aapl->meta, "exchange_code"), "NAS");
        CHECK_STR (r.got[1]->exchange, "NYS");
        CHECK_STR (eod_fields_get (&r.got[1]->meta, "DOW30"), "1");
        CHECK_STR (eod_fields_get (&r.got[1]->meta, "NAS100"), "0");
    }
    size_t absent = zlistx_size (r.absent);
    CHECK (absent > 0);
    char count[32];
    snprintf (count, sizeof count, "%zu", absent);
    CHECK_STR (s_summary (&r, "absent"), count);
    bool noted = false;
    for (char *note = zlistx_first (r.absent); note; note = zlistx_next (r.absent))
        noted |= strcmp (note, "AMZN absent from the KIS master files") == 0;
    CHECK (noted);
    s_done (&r);

    //  An article that cannot be had: unreachable.
    http_fixture_url (&server, "/wiki/gone.html", url, sizeof url);
    CHECK_INT (eod_config_set (cfg, "us:dow30_url", url, err, sizeof err), 0);
    http_fixture_url (&server, "/us", url, sizeof url);
    s_run (&r, "us", url);
    CHECK_INT (r.rc, -1);
    CHECK_INT (r.src.fail, LISTER_FETCH_UNREACHABLE);
    CHECK (strstr (r.err, "HTTP 404") != NULL);
    CHECK_INT (r.ngot, 0);
    s_done (&r);
    unlink (extras);
}

int
main (void)
{
    eod_log_init ("test_lister_sources");
    char err[256];
    snprintf (dir, sizeof dir, "/tmp/test_lister_sources_XXXXXX");
    CHECK (mkdtemp (dir) != NULL);
    cfg = eod_config_load (NULL, err, sizeof err);
    CHECK (cfg && eod_config_set (cfg, "master:max_attempts", "1", err, sizeof err) == 0);
    snprintf (served, sizeof served, "%s/served", dir);
    CHECK (mkdir (served, 0700) == 0);
    const char *kospi = s_zip ("kospi.zip", "kospi_code.mst", MASTERS "/kospi_code.mst", NULL);
    const char *kosdaq = s_zip ("kosdaq.zip", "kosdaq_code.mst", MASTERS "/kosdaq_code.mst", NULL);
    const char *wrong = s_zip ("wrong.zip", "other.mst", MASTERS "/kospi_code.mst", NULL);
    const char *nas = s_zip ("nas.zip", "nasmst.cod", MASTERS "/nasmst.cod", NULL);
    const char *nys = s_zip ("nys.zip", "nysmst.cod", NULL, NYS_MMM);
    const char *ams = s_zip ("ams.zip", "amsmst.cod", NULL, "");
    const http_route_t routes[] = {
        {.path = "/kr/kospi_code.mst.zip", .status = 200, .file = kospi},
        {.path = "/kr/kosdaq_code.mst.zip", .status = 200, .file = kosdaq},
        {.path = "/nokosdaq/kospi_code.mst.zip", .status = 200, .file = kospi},
        {.path = "/wrongentry/kospi_code.mst.zip", .status = 200, .file = wrong},
        {.path = "/us/nasmst.cod.zip", .status = 200, .file = nas},
        {.path = "/us/nysmst.cod.zip", .status = 200, .file = nys},
        {.path = "/us/amsmst.cod.zip", .status = 200, .file = ams},
        {.path = "/wiki/sp500.html", .status = 200, .file = WIKI "/sp500.html"},
        {.path = "/wiki/nasdaq100.html", .status = 200, .file = WIKI "/nasdaq100.html"},
        {.path = "/wiki/dow.html", .status = 200, .file = WIKI "/dow.html"},
    };
    CHECK_INT (http_fixture_start (&server, routes, sizeof routes / sizeof routes[0]), 0);
    if (cfg && server.pid > 0) {
        test_kr ();
        test_us ();
    }
    http_fixture_stop (&server);
    eod_config_destroy (&cfg);
    for (size_t i = 0; i < nzips; i++)
        unlink (zips[i]);
    rmdir (served);
    const char *left[] = {"kospi_code.mst.zip", "kosdaq_code.mst.zip", "nasmst.cod.zip", "nysmst.cod.zip",
                          "amsmst.cod.zip"};
    for (size_t i = 0; i < sizeof left / sizeof left[0]; i++) {
        char path[128];
        snprintf (path, sizeof path, "%s/%s", dir, left[i]);
        unlink (path);
    }
    rmdir (dir);
    return EOD_TEST_DONE ();
}
