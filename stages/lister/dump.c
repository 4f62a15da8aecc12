/*  lister dump — print a local master file as CSV (see dump.h).

    Used by `eod-lister --dump-master kospi|kosdaq FILE` and `--dump-cod FILE`
    to check a downloaded file by eye or in scripts, without the pipeline.
    The file is streamed through a reader (common/sources/eod_master), a chunk at a
    time, as the lister reads the master zips: any size prints. */
#include "dump.h"
#include "eod_log.h"

#include <assert.h>
#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

//  Writes one CSV field, preceded by a comma unless it is the first; quotes
//  it (through libcsv) only when it holds a comma, quote, CR or LF.
static int
s_field (FILE *out, const char *text, bool first)
{
    if (!first && fputc (',', out) == EOF)
        return -1;
    size_t n = strlen (text);
    if (strpbrk (text, ",\"\r\n"))
        return csv_fwrite (out, text, n) == 0 ? 0 : -1;
    return fwrite (text, 1, n, out) == n ? 0 : -1;
}

int
lister_dump_row (FILE *out, const char *const *fields, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (s_field (out, fields [i], i == 0))
            return -1;
    return fputc ('\n', out) == EOF ? -1 : 0;
}

#define S_COUNT(a) (sizeof (a) / sizeof ((a) [0]))
//  Room for a market cap printed as decimal.
#define S_CAP_TEXT 24

static const char *
s_yn (bool flag)
{
    return flag ? "Y" : "N";
}

typedef struct {
    FILE *out;
    bool write_error;
} s_dump_t;

static int
s_master_row (const eod_master_record_t *rec, void *arg)
{
    s_dump_t *self = arg;
    char cap [S_CAP_TEXT];
    snprintf (cap, sizeof (cap), "%lld", rec->market_cap);
    const char *kospi [] = {
        rec->short_code, rec->standard_code, rec->name, rec->group_code, cap,
        s_yn (rec->krx300), s_yn (rec->spac), s_yn (rec->suspended), rec->listing_date,
        rec->revenue, rec->operating_profit, rec->net_income, rec->roe
    };
    const char *kosdaq [] = {
        rec->short_code, rec->standard_code, rec->name, rec->group_code, cap,
        s_yn (rec->krx300), s_yn (rec->kosdaq150), s_yn (rec->spac), s_yn (rec->suspended),
        rec->listing_date, rec->revenue, rec->operating_profit, rec->net_income, rec->roe
    };
    int rc = rec->kind == EOD_MASTER_KOSDAQ ? lister_dump_row (self->out, kosdaq, S_COUNT (kosdaq))
                                            : lister_dump_row (self->out, kospi, S_COUNT (kospi));
    if (rc)
        self->write_error = true;
    return rc;
}

static int
s_cod_row (const eod_cod_record_t *rec, void *arg)
{
    s_dump_t *self = arg;
    const char *fields [] = {
        rec->symbol, rec->exchange_code, rec->exchange_id, rec->exchange_name,
        rec->korea_name, rec->english_name, rec->security_type, rec->currency
    };
    int rc = lister_dump_row (self->out, fields, S_COUNT (fields));
    if (rc)
        self->write_error = true;
    return rc;
}

//  Maps a finished parse to the dump's exit code.
static int
s_result (const char *path, int parse_rc, const s_dump_t *dump,
          const eod_master_stats_t *stats)
{
    if (dump->write_error || fflush (dump->out) == EOF) {
        eod_log_error ("%s: cannot write the CSV: %s", path, strerror (errno));
        return LISTER_DUMP_NOFILE;
    }
    if (parse_rc)
        return LISTER_DUMP_NOFILE;
    if (stats->garbled) {
        eod_log_warn ("%s: %zu records, %zu garbled and skipped", path, stats->records,
                      stats->garbled);
        return LISTER_DUMP_GARBLED;
    }
    return LISTER_DUMP_OK;
}

//  Streams the file at path through reader, a chunk at a time. Returns 0,
//  -1 when the file cannot be read or the reader stopped (logged).
static int
s_stream_file (const char *path, eod_master_reader_t *reader)
{
    FILE *f = fopen (path, "rb");
    if (!f) {
        eod_log_error ("%s: cannot open: %s", path, strerror (errno));
        return -1;
    }
    int rc = 0;
    char chunk [EOD_MASTER_READ_CHUNK];
    size_t got;
    while (rc == 0 && (got = fread (chunk, 1, sizeof (chunk), f)) > 0)
        rc = eod_master_reader_feed (reader, chunk, got);
    if (rc == 0 && ferror (f)) {
        eod_log_error ("%s: read error: %s", path, strerror (errno));
        rc = -1;
    }
    if (rc == 0)
        rc = eod_master_reader_end (reader);
    fclose (f);
    return rc;
}

//  Writes the header, then streams the file at path through reader into the
//  CSV; returns the dump's exit code. Takes the reader (NULL: it could not be
//  made).
static int
s_dump (const char *path, s_dump_t *dump, const char *const *header, size_t count, eod_master_reader_t *reader)
{
    int rc = LISTER_DUMP_NOFILE;
    eod_master_stats_t stats;
    memset (&stats, 0, sizeof (stats));
    if (access (path, R_OK)) {
        eod_log_error ("%s: cannot open: %s", path, strerror (errno));
        goto out;
    }
    int parse_rc = lister_dump_row (dump->out, header, count);
    if (parse_rc)
        dump->write_error = true;
    else {
        parse_rc = reader ? s_stream_file (path, reader) : -1;
        if (reader)
            stats = *eod_master_reader_stats (reader);
    }
    if (dump->write_error)
        memset (&stats, 0, sizeof (stats));
    rc = s_result (path, parse_rc, dump, &stats);
out:
    eod_master_reader_destroy (&reader);
    return rc;
}

int
lister_dump_master (eod_master_kind_t kind, const char *path, FILE *out)
{
    assert (path && out);
    s_dump_t dump = { .out = out };
    const char *kospi_header [] = {
        "short_code", "standard_code", "name", "group_code", "market_cap", "krx300",
        "spac", "suspended", "listing_date", "revenue", "operating_profit", "net_income", "roe"
    };
    const char *kosdaq_header [] = {
        "short_code", "standard_code", "name", "group_code", "market_cap", "krx300",
        "kosdaq150", "spac", "suspended", "listing_date", "revenue", "operating_profit",
        "net_income", "roe"
    };
    eod_master_reader_t *reader = eod_master_reader_new (kind, path, s_master_row, &dump);
    return kind == EOD_MASTER_KOSDAQ ? s_dump (path, &dump, kosdaq_header, S_COUNT (kosdaq_header), reader)
                                     : s_dump (path, &dump, kospi_header, S_COUNT (kospi_header), reader);
}

int
lister_dump_cod (const char *path, FILE *out)
{
    assert (path && out);
    s_dump_t dump = { .out = out };
    const char *header [] = {
        "symbol", "exchange_code", "exchange_id", "exchange_name", "korea_name",
        "english_name", "security_type", "currency"
    };
    return s_dump (path, &dump, header, S_COUNT (header), eod_cod_reader_new (path, s_cod_row, &dump));
}
