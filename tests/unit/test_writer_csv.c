/*  test_writer_csv — the CSV layout and formatting of the writer's files
    (stages/writer/writer_csv.c): the KR and US columns (count, order, the
    code column), a RESULT row's values (the trade date made ISO, the snapshot
    on its own session only, the name and code when the snapshot has none,
    US close from clos and symbol from the code; the KR group code on every
    row, its financial figures with the snapshot), which columns are of one
    moment, fields quoted only when they need it and split back, and records
    byte for byte, to a stream and in memory. */
#include "eod_test.h"
#include "writer_csv.h"

#include <stdlib.h>
#include <string.h>

#define S_KR_COLUMNS 41
#define S_US_COLUMNS 29
#define S_CODE_COL 17   //  stck_shrn_iscd (KR) and symbol (US)
#define S_TEXT_MAX 4096

static void
s_test_columns (void)
{
    const char *const *cols;
    CHECK_INT (writer_csv_columns ("kr", &cols), S_KR_COLUMNS);
    CHECK_STR (cols[0], "stck_bsop_date");
    CHECK_STR (cols[S_CODE_COL], "stck_shrn_iscd");
    CHECK_STR (cols[S_KR_COLUMNS - 1], "roe");
    CHECK_INT (writer_csv_code_column ("kr"), S_CODE_COL);
    CHECK_INT (writer_csv_columns ("us", &cols), S_US_COLUMNS);
    CHECK_STR (cols[0], "xymd");
    CHECK_STR (cols[1], "close");
    CHECK_STR (cols[S_CODE_COL], "symbol");
    CHECK_STR (cols[S_US_COLUMNS - 1], "Company");
    CHECK_INT (writer_csv_code_column ("us"), S_CODE_COL);
    //  Any other market is laid out as KR.
    CHECK_INT (writer_csv_columns ("xx", &cols), S_KR_COLUMNS);
    CHECK (S_KR_COLUMNS <= WRITER_CSV_VALUES_MAX && S_US_COLUMNS <= WRITER_CSV_VALUES_MAX);
}

//  The index of a column of market, or -1.
static int
s_col (const char *market, const char *name)
{
    const char *const *cols;
    size_t n = writer_csv_columns (market, &cols);
    for (size_t i = 0; i < n; i++)
        if (strcmp (cols[i], name) == 0)
            return (int) i;
    return -1;
}

static void
s_test_kr_values (void)
{
    eod_fields_t row = EOD_FIELDS_INIT, snapshot = EOD_FIELDS_INIT, meta = EOD_FIELDS_INIT;
    eod_fields_set (&row, "stck_bsop_date", "20240916");
    eod_fields_set (&row, "stck_clpr", "71000");
    eod_fields_set (&snapshot, "stck_prpr", "71100");
    eod_fields_set (&snapshot, "itewhol_loan_rmnd_ratem name", "0.12");
    eod_fields_set (&meta, "name", "Samsung");
    eod_fields_set (&meta, "group_code", "ST");
    eod_fields_set (&meta, "revenue", "2589355");
    eod_fields_set (&meta, "roe", "4.15");
    const char *v[WRITER_CSV_VALUES_MAX];
    char date[WRITER_CSV_DATE_SIZE];
    //  The snapshot's session: snapshot and master values; name and code
    //  from meta and the task when the snapshot lacks them.
    CHECK_INT (writer_csv_row_values ("kr", &row, &snapshot, &meta, "005930", true, v, date), 0);
    CHECK_STR (date, "2024-09-16");
    CHECK_STR (v[0], "2024-09-16");
    CHECK_STR (v[s_col ("kr", "stck_clpr")], "71000");
    CHECK_STR (v[s_col ("kr", "stck_oprc")], "");
    CHECK_STR (v[s_col ("kr", "stck_prpr")], "71100");
    CHECK_STR (v[s_col ("kr", "itewhol_loan_rmnd_ratem")], "0.12");
    CHECK_STR (v[s_col ("kr", "hts_kor_isnm")], "Samsung");
    CHECK_STR (v[s_col ("kr", "stck_shrn_iscd")], "005930");
    CHECK_STR (v[s_col ("kr", "group_code")], "ST");
    CHECK_STR (v[s_col ("kr", "revenue")], "2589355");
    CHECK_STR (v[s_col ("kr", "roe")], "4.15");
    //  Another session: the instrument's name, code and group (as of the
    //  run), no quote and no financial figures.
    CHECK_INT (writer_csv_row_values ("kr", &row, &snapshot, &meta, "005930", false, v, date), 0);
    CHECK_STR (v[s_col ("kr", "stck_prpr")], "");
    CHECK_STR (v[s_col ("kr", "itewhol_loan_rmnd_ratem")], "");
    CHECK_STR (v[s_col ("kr", "hts_kor_isnm")], "Samsung");
    CHECK_STR (v[s_col ("kr", "stck_shrn_iscd")], "005930");
    CHECK_STR (v[s_col ("kr", "group_code")], "ST");
    CHECK_STR (v[s_col ("kr", "revenue")], "");
    CHECK_STR (v[s_col ("kr", "roe")], "");
    //  The snapshot's own name and code win on its session.
    eod_fields_set (&snapshot, "hts_kor_isnm", "SEC");
    eod_fields_set (&snapshot, "stck_shrn_iscd", "A005930");
    CHECK_INT (writer_csv_row_values ("kr", &row, &snapshot, &meta, "005930", true, v, date), 0);
    CHECK_STR (v[s_col ("kr", "hts_kor_isnm")], "SEC");
    CHECK_STR (v[s_col ("kr", "stck_shrn_iscd")], "A005930");
    //  No valid trade date: no values.
    const char *bad[] = {"2024091", "2024O916", "202409160"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        eod_fields_set (&row, "stck_bsop_date", bad[i]);
        CHECK_INT (writer_csv_row_values ("kr", &row, &snapshot, &meta, "005930", true, v, date), -1);
    }
    eod_fields_t empty = EOD_FIELDS_INIT;
    CHECK_INT (writer_csv_row_values ("kr", &empty, &snapshot, &meta, "005930", true, v, date), -1);
    eod_fields_clear (&row);
    eod_fields_clear (&snapshot);
    eod_fields_clear (&meta);
}

static void
s_test_us_values (void)
{
    eod_fields_t row = EOD_FIELDS_INIT, snapshot = EOD_FIELDS_INIT, meta = EOD_FIELDS_INIT;
    eod_fields_set (&row, "xymd", "20240913");
    eod_fields_set (&row, "clos", "222.50");
    eod_fields_set (&snapshot, "rsym", "DNASAAPL");
    eod_fields_set (&meta, "english_name", "Apple Inc.");
    eod_fields_set (&meta, "symbol", "not-this");
    const char *v[WRITER_CSV_VALUES_MAX];
    char date[WRITER_CSV_DATE_SIZE];
    CHECK_INT (writer_csv_row_values ("us", &row, &snapshot, &meta, "AAPL", false, v, date), 0);
    CHECK_STR (v[0], "2024-09-13");
    CHECK_STR (v[s_col ("us", "close")], "222.50");
    CHECK_STR (v[s_col ("us", "rsym")], "");
    //  Instrument columns are on every row; the symbol is the task's code.
    CHECK_STR (v[s_col ("us", "english_name")], "Apple Inc.");
    CHECK_STR (v[s_col ("us", "symbol")], "AAPL");
    CHECK_INT (writer_csv_row_values ("us", &row, &snapshot, &meta, "AAPL", true, v, date), 0);
    CHECK_STR (v[s_col ("us", "rsym")], "DNASAAPL");
    eod_fields_clear (&row);
    eod_fields_clear (&snapshot);
    eod_fields_clear (&meta);
}

//  Which columns are of one moment (snapshot.h), and a line split back.
static void
s_test_session_bound (void)
{
    const char *kr_bound[] = {"prdy_ctrt", "stck_prpr",        "hts_avls",   "per", "pbr", "itewhol_loan_rmnd_ratem",
                              "revenue",   "operating_profit", "net_income", "roe"};
    const char *kr_not[] = {"stck_bsop_date", "stck_clpr",      "revl_issu_reas",
                            "hts_kor_isnm",   "stck_shrn_iscd", "group_code"};
    for (size_t i = 0; i < sizeof kr_bound / sizeof kr_bound[0]; i++)
        CHECK (writer_csv_session_bound ("kr", (size_t) s_col ("kr", kr_bound[i])));
    for (size_t i = 0; i < sizeof kr_not / sizeof kr_not[0]; i++)
        CHECK (!writer_csv_session_bound ("kr", (size_t) s_col ("kr", kr_not[i])));
    const char *us_bound[] = {"rsym", "zdiv", "nrec"};
    const char *us_not[] = {"xymd", "vask", "symbol", "S&P500", "GICS Sector", "Company", "exchange_code"};
    for (size_t i = 0; i < sizeof us_bound / sizeof us_bound[0]; i++)
        CHECK (writer_csv_session_bound ("us", (size_t) s_col ("us", us_bound[i])));
    for (size_t i = 0; i < sizeof us_not / sizeof us_not[0]; i++)
        CHECK (!writer_csv_session_bound ("us", (size_t) s_col ("us", us_not[i])));
    //  The instrument's names and classes are of the run.
    CHECK (writer_csv_run_bound ("kr", (size_t) s_col ("kr", "group_code")));
    CHECK (writer_csv_run_bound ("kr", (size_t) s_col ("kr", "hts_kor_isnm")));
    CHECK (!writer_csv_run_bound ("kr", (size_t) s_col ("kr", "stck_shrn_iscd")));
    CHECK (!writer_csv_run_bound ("kr", (size_t) s_col ("kr", "revenue")));
    CHECK (writer_csv_run_bound ("us", (size_t) s_col ("us", "S&P500")));
    CHECK (writer_csv_run_bound ("us", (size_t) s_col ("us", "Company")));
    CHECK (!writer_csv_run_bound ("us", (size_t) s_col ("us", "symbol")));
    CHECK (!writer_csv_run_bound ("us", (size_t) s_col ("us", "nrec")));
    size_t count = 0;
    const char *const *cols;
    size_t n = writer_csv_columns ("kr", &cols);
    for (size_t c = 0; c < n; c++)
        count += writer_csv_session_bound ("kr", c);
    CHECK_INT (count, 21 + 4);   //  output1 less name and code, and the four financial figures
    CHECK (!writer_csv_session_bound ("kr", n));
    //  A line of this module's writing splits back into its fields.
    const char *values[] = {"a", "", "x,y", "say \"hi\"", "two\nlines"};
    char *line = NULL, *fields[6];
    size_t len = 0;
    CHECK_INT (writer_csv_line (values, 5, &line, &len), 0);
    CHECK_INT (writer_csv_split (line, len, fields, 5), 0);
    for (size_t i = 0; i < 5; i++) {
        CHECK_STR (fields[i], values[i]);
        free (fields[i]);
    }
    //  Too few or too many fields: refused, nothing left to free.
    CHECK_INT (writer_csv_split (line, len, fields, 6), -1);
    CHECK (fields[5] == NULL && fields[0] == NULL);
    CHECK_INT (writer_csv_split (line, len, fields, 4), -1);
    free (line);
}

//  What writer_csv_field writes for value.
static void
s_check_field (const char *value, const char *want)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream (&text, &len);
    CHECK (mem != NULL);
    if (!mem)
        return;
    CHECK_INT (writer_csv_field (mem, value), 0);
    fclose (mem);
    CHECK_STR (text, want);
    free (text);
}

static void
s_test_fields (void)
{
    s_check_field ("plain text", "plain text");
    s_check_field ("", "");
    s_check_field ("a,b", "\"a,b\"");
    s_check_field ("say \"hi\"", "\"say \"\"hi\"\"\"");
    s_check_field ("two\nlines", "\"two\nlines\"");
    s_check_field ("cr\r", "\"cr\r\"");
    s_check_field ("S&P500", "S&P500");
}

static void
s_test_records (void)
{
    const char *values[] = {"2024-09-16", "a,b", "", "x\"y", "last"};
    const char *want = "2024-09-16,\"a,b\",,\"x\"\"y\",last\n";
    char *line = NULL;
    size_t len = 0;
    CHECK_INT (writer_csv_line (values, 5, &line, &len), 0);
    CHECK_STR (line, want);
    CHECK_INT (len, strlen (want));
    free (line);
    //  The same bytes to a stream; a header is a record of the column names.
    char *text = NULL;
    size_t tlen = 0;
    FILE *mem = open_memstream (&text, &tlen);
    CHECK (mem != NULL);
    if (!mem)
        return;
    CHECK_INT (writer_csv_record (mem, values, 5), 0);
    const char *const *cols;
    size_t n = writer_csv_columns ("us", &cols);
    CHECK_INT (writer_csv_record (mem, cols, n), 0);
    fclose (mem);
    static char expected[S_TEXT_MAX];
    snprintf (expected, sizeof expected,
              "%sxymd,close,sign,diff,rate,open,high,low,tvol,tamt,pbid,vbid,pask,vask,rsym,zdiv,nrec,symbol,DOW30,"
              "NAS100,S&P500,korea_name,english_name,security_type,exchange_code,exchange_name,GICS Sector,"
              "GICS Sub-Industry,Company\n",
              want);
    CHECK_STR (text, expected);
    free (text);
    //  Each character that makes a field quoted, in memory as in a stream.
    const char *quoted[] = {"cr\r", "\"", ",", "\n", "a\"\"b"};
    const char *quoted_want = "\"cr\r\",\"\"\"\",\",\",\"\n\",\"a\"\"\"\"b\"\n";
    CHECK_INT (writer_csv_line (quoted, 5, &line, &len), 0);
    CHECK_STR (line, quoted_want);
    CHECK_INT (len, strlen (quoted_want));
    free (line);
    //  No values: an empty line.
    CHECK_INT (writer_csv_line (values, 0, &line, &len), 0);
    CHECK_STR (line, "\n");
    free (line);
}

int
main (void)
{
    s_test_columns ();
    s_test_kr_values ();
    s_test_us_values ();
    s_test_session_bound ();
    s_test_fields ();
    s_test_records ();
    return EOD_TEST_DONE ();
}
