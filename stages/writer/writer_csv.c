/*  writer csv — see writer_csv.h. */
#include "writer_csv.h"
#include "eod_grammar.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

//  KR: output2 (13), output1 less what output2 has (23), master file (5).
static const char *const s_kr_columns[] = {"stck_bsop_date",
                                           "stck_clpr",
                                           "stck_oprc",
                                           "stck_hgpr",
                                           "stck_lwpr",
                                           "acml_vol",
                                           "acml_tr_pbmn",
                                           "flng_cls_code",
                                           "prtt_rate",
                                           "mod_yn",
                                           "prdy_vrss_sign",
                                           "prdy_vrss",
                                           "revl_issu_reas",
                                           "prdy_ctrt",
                                           "stck_prdy_clpr",
                                           "hts_kor_isnm",
                                           "stck_prpr",
                                           "stck_shrn_iscd",
                                           "prdy_vol",
                                           "stck_mxpr",
                                           "stck_llam",
                                           "stck_prdy_oprc",
                                           "stck_prdy_hgpr",
                                           "stck_prdy_lwpr",
                                           "askp",
                                           "bidp",
                                           "prdy_vrss_vol",
                                           "vol_tnrt",
                                           "stck_fcam",
                                           "lstn_stcn",
                                           "cpfn",
                                           "hts_avls",
                                           "per",
                                           "eps",
                                           "pbr",
                                           "itewhol_loan_rmnd_ratem",
                                           "group_code",
                                           "revenue",
                                           "operating_profit",
                                           "net_income",
                                           "roe"};
#define S_KR_OUTPUT2 13
#define S_KR_OUTPUT1_END 36

//  US: output2 (14, clos renamed close), output1 (3), instrument (12).
static const char *const s_us_columns[] = {
    "xymd",       "close",        "sign",          "diff",          "rate",          "open",        "high",
    "low",        "tvol",         "tamt",          "pbid",          "vbid",          "pask",        "vask",
    "rsym",       "zdiv",         "nrec",          "symbol",        "DOW30",         "NAS100",      "S&P500",
    "korea_name", "english_name", "security_type", "exchange_code", "exchange_name", "GICS Sector", "GICS Sub-Industry",
    "Company"};
#define S_US_OUTPUT2 14
#define S_US_OUTPUT1_END 17

size_t
writer_csv_columns (const char *market, const char *const **columns)
{
    if (strcmp (market, "us") == 0) {
        *columns = s_us_columns;
        return sizeof s_us_columns / sizeof s_us_columns[0];
    }
    *columns = s_kr_columns;
    return sizeof s_kr_columns / sizeof s_kr_columns[0];
}

size_t
writer_csv_code_column (const char *market)
{
    const char *const *cols;
    size_t n = writer_csv_columns (market, &cols);
    size_t code_col = 0;
    for (size_t c = 0; c < n; c++)
        if (strcmp (cols[c], strcmp (market, "us") == 0 ? "symbol" : "stck_shrn_iscd") == 0)
            code_col = c;
    return code_col;
}

static const char *
s_or_empty (const char *s)
{
    return s ? s : "";
}

int
writer_csv_row_values (const char *market, const eod_fields_t *row, const eod_fields_t *snapshot,
                       const eod_fields_t *meta, const char *code, bool with_snapshot, const char **out,
                       char date_buf[WRITER_CSV_DATE_SIZE])
{
    bool us = strcmp (market, "us") == 0;
    const char *raw = eod_fields_get (row, us ? "xymd" : "stck_bsop_date");
    if (!raw || strlen (raw) != 8 || strspn (raw, "0123456789") != 8)
        return -1;
    snprintf (date_buf, WRITER_CSV_DATE_SIZE, "%.4s-%.2s-%.2s", raw, raw + 4, raw + 6);
    //  A real calendar date only: the date names the partition the row goes to.
    if (!eod_grammar_ok (EOD_G_DATE, date_buf, NULL, 0))
        return -1;
    const char *const *cols;
    size_t n = writer_csv_columns (market, &cols);
    size_t n2 = us ? S_US_OUTPUT2 : S_KR_OUTPUT2;
    size_t n1 = us ? S_US_OUTPUT1_END : S_KR_OUTPUT1_END;
    for (size_t i = 0; i < n; i++) {
        const char *v = NULL;
        if (i == 0)
            v = date_buf;
        else if (i < n2)
            v = eod_fields_get (row, us && strcmp (cols[i], "close") == 0 ? "clos" : cols[i]);
        else if (i < n1) {
            //  Identity fields on every row; the rest of the snapshot only on
            //  the session it describes.
            if (!us && strcmp (cols[i], "hts_kor_isnm") == 0) {
                v = with_snapshot ? eod_fields_get (snapshot, cols[i]) : NULL;
                if (!v || !*v)
                    v = eod_fields_get (meta, "name");
            }
            else if (!us && strcmp (cols[i], "stck_shrn_iscd") == 0) {
                v = with_snapshot ? eod_fields_get (snapshot, cols[i]) : NULL;
                if (!v || !*v)
                    v = code;
            }
            else if (with_snapshot) {
                v = eod_fields_get (snapshot, cols[i]);
                if (!v && strcmp (cols[i], "itewhol_loan_rmnd_ratem") == 0)
                    v = eod_fields_get (snapshot, "itewhol_loan_rmnd_ratem name");
            }
        }
        else if (us || with_snapshot || !writer_csv_session_bound (market, i))
            //  US instrument columns and the KR group code classify the row
            //  (as of the run); the KR financial figures are of the master
            //  files' day, a snapshot like output1.
            v = us && strcmp (cols[i], "symbol") == 0 ? code : eod_fields_get (meta, cols[i]);
        out[i] = s_or_empty (v);
    }
    return 0;
}

//  The columns of market's file, or NULL when it has no column at index
//  column.
static const char *const *
s_columns_with (const char *market, size_t column)
{
    const char *const *cols;
    return column < writer_csv_columns (market, &cols) ? cols : NULL;
}

bool
writer_csv_session_bound (const char *market, size_t column)
{
    const char *const *cols = s_columns_with (market, column);
    if (!cols)
        return false;
    if (strcmp (market, "us") == 0)
        return column >= S_US_OUTPUT2 && column < S_US_OUTPUT1_END;
    if (column >= S_KR_OUTPUT2 && column < S_KR_OUTPUT1_END)
        return strcmp (cols[column], "hts_kor_isnm") != 0 && strcmp (cols[column], "stck_shrn_iscd") != 0;
    return column >= S_KR_OUTPUT1_END && strcmp (cols[column], "group_code") != 0;
}

bool
writer_csv_run_bound (const char *market, size_t column)
{
    const char *const *cols = s_columns_with (market, column);
    if (!cols)
        return false;
    if (strcmp (market, "us") == 0)
        return column > S_US_OUTPUT1_END;   //  the instrument's columns after its symbol
    return strcmp (cols[column], "group_code") == 0 || strcmp (cols[column], "hts_kor_isnm") == 0;
}

//  libcsv's callbacks for writer_csv_split: each field into the next slot.
typedef struct {
    char **fields;
    size_t n;
    size_t got;
    bool failed;
} s_split_t;

static void
s_split_field (void *data, size_t len, void *arg)
{
    s_split_t *split = arg;
    if (split->got < split->n && !(split->fields[split->got] = strndup (data ? (const char *) data : "", len)))
        split->failed = true;
    split->got++;
}

int
writer_csv_split (const char *line, size_t len, char **fields, size_t n)
{
    memset (fields, 0, n * sizeof *fields);
    s_split_t split = {.fields = fields, .n = n};
    struct csv_parser parser;
    if (csv_init (&parser, CSV_APPEND_NULL) != 0)
        return -1;
    int rc = csv_parse (&parser, line, len, s_split_field, NULL, &split) == len ? 0 : -1;
    csv_fini (&parser, s_split_field, NULL, &split);
    csv_free (&parser);
    if (rc || split.failed || split.got != n) {
        for (size_t c = 0; c < n; c++) {
            free (fields[c]);
            fields[c] = NULL;
        }
        return -1;
    }
    return 0;
}

//  A field is quoted (libcsv) only when it holds a comma, a quote or a line
//  break: a file is then byte for byte what the reference pipeline writes.
static bool
s_needs_quotes (const char *value)
{
    return strpbrk (value, ",\"\r\n") != NULL;
}

int
writer_csv_field (FILE *out, const char *value)
{
    size_t len = strlen (value);
    if (s_needs_quotes (value))
        return csv_fwrite (out, value, len) == 0 ? 0 : -1;
    return fwrite (value, 1, len, out) == len ? 0 : -1;
}

int
writer_csv_record (FILE *out, const char *const *values, size_t n)
{
    int rc = 0;
    for (size_t c = 0; c < n; c++)
        rc |= (c ? fputc (',', out) == EOF : 0) | writer_csv_field (out, values[c]);
    rc |= fputc ('\n', out) == EOF;
    return rc ? -1 : 0;
}

int
writer_csv_line (const char *const *values, size_t n, char **line, size_t *len)
{
    //  Measured, then written into one allocation: a backfill formats tens of
    //  thousands of rows, and a stream a row cost some 17,000 instructions.
    size_t need = n ? n : 1;   //  the commas and the '\n'
    for (size_t c = 0; c < n; c++) {
        size_t vlen = strlen (values[c]);
        need += s_needs_quotes (values[c]) ? csv_write (NULL, 0, values[c], vlen) : vlen;
    }
    *len = 0;
    *line = malloc (need + 1);
    if (!*line)
        return -1;
    char *p = *line;
    for (size_t c = 0; c < n; c++) {
        if (c)
            *p++ = ',';
        size_t vlen = strlen (values[c]);
        if (s_needs_quotes (values[c]))
            p += csv_write (p, need - (size_t) (p - *line), values[c], vlen);
        else
            p = (char *) memcpy (p, values[c], vlen) + vlen;
    }
    *p++ = '\n';
    *p = '\0';
    *len = (size_t) (p - *line);
    return 0;
}
