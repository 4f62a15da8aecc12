/*  test_writer_validate — the rules of stages/writer/validate.c, one at a
    time over rows built column by column, with their boundaries: prices > 0
    (a row without trades needs only its close), low <= open, close <= high
    (equal is fine), volume a whole number >= 0 (0 is fine), the move beyond
    the limit from the row's own change (exactly 30 % allowed, one won more
    flagged; down moves; the sign field's direction; US's own threshold),
    not flagged when KIS marks the row (flng_cls_code, prtt_rate,
    revl_issu_reas) or on the listing's first day, and conflicts between two
    arrivals of the same row. */
#include "eod_test.h"
#include "validate.h"
#include "writer_csv.h"

#include <string.h>

static const writer_validate_conf_t s_conf = {.kr_limit_pct = 30, .us_move_pct = 50};

typedef struct {
    const char *values[WRITER_CSV_VALUES_MAX];
    size_t n;
    const char *market;
} s_row_t;

static void
s_set (s_row_t *row, const char *name, const char *value)
{
    const char *const *cols;
    size_t n = writer_csv_columns (row->market, &cols);
    for (size_t c = 0; c < n; c++)
        if (strcmp (cols[c], name) == 0) {
            row->values[c] = value;
            return;
        }
    fprintf (stderr, "no column %s\n", name);
}

//  A clean KR row: close 10,000 up 500 from 9,500, traded.
static s_row_t
s_kr (void)
{
    s_row_t row = {.market = "kr"};
    const char *const *cols;
    row.n = writer_csv_columns ("kr", &cols);
    for (size_t c = 0; c < row.n; c++)
        row.values[c] = "";
    s_set (&row, "stck_bsop_date", "2024-09-02");
    s_set (&row, "stck_clpr", "10000");
    s_set (&row, "stck_oprc", "9600");
    s_set (&row, "stck_hgpr", "10100");
    s_set (&row, "stck_lwpr", "9500");
    s_set (&row, "acml_vol", "12345");
    s_set (&row, "flng_cls_code", "00");
    s_set (&row, "prtt_rate", "0.00");
    s_set (&row, "prdy_vrss_sign", "2");
    s_set (&row, "prdy_vrss", "500");
    s_set (&row, "revl_issu_reas", "");
    return row;
}

static s_row_t
s_us (void)
{
    s_row_t row = {.market = "us"};
    const char *const *cols;
    row.n = writer_csv_columns ("us", &cols);
    for (size_t c = 0; c < row.n; c++)
        row.values[c] = "";
    s_set (&row, "xymd", "2024-09-03");
    s_set (&row, "close", "267.4600");
    s_set (&row, "sign", "2");
    s_set (&row, "diff", "1.2300");
    s_set (&row, "open", "265.0000");
    s_set (&row, "high", "268.0000");
    s_set (&row, "low", "264.5000");
    s_set (&row, "tvol", "1000000");
    return row;
}

static writer_validate_finding_t s_found[WRITER_VALIDATE_FINDINGS_MAX];

static size_t
s_check (const s_row_t *row, const char *listing)
{
    return writer_validate_row (&s_conf, row->market, row->values, row->n, listing, s_found);
}

//  Exactly one finding, of kind.
static void
s_expect_one (const s_row_t *row, const char *listing, writer_validate_kind_t kind, int line)
{
    size_t n = s_check (row, listing);
    if (n != 1 || s_found[0].kind != kind)
        fprintf (stderr, "line %d: %zu finding(s), first %s: %s\n", line, n,
                 n ? writer_validate_kind_name (s_found[0].kind) : "-", n ? s_found[0].detail : "");
    CHECK (n == 1 && s_found[0].kind == kind);
}

static void
s_test_clean (void)
{
    s_row_t kr = s_kr (), us = s_us ();
    CHECK_INT (s_check (&kr, NULL), 0);
    CHECK_INT (s_check (&us, NULL), 0);
}

static void
s_test_price (void)
{
    s_row_t row = s_kr ();
    s_set (&row, "stck_oprc", "0");
    s_expect_one (&row, NULL, WRITER_VALIDATE_PRICE, __LINE__);
    CHECK (strstr (s_found[0].detail, "stck_oprc") != NULL);
    row = s_kr ();
    s_set (&row, "stck_clpr", "-5");
    size_t n = s_check (&row, NULL);
    CHECK (n >= 1 && s_found[0].kind == WRITER_VALIDATE_PRICE);
    row = s_kr ();
    s_set (&row, "stck_hgpr", "abc");
    s_expect_one (&row, NULL, WRITER_VALIDATE_PRICE, __LINE__);
    row = s_kr ();
    s_set (&row, "stck_lwpr", "");
    s_expect_one (&row, NULL, WRITER_VALIDATE_PRICE, __LINE__);
    //  A row without trades: open, high and low 0 are what KIS sends.
    row = s_kr ();
    s_set (&row, "acml_vol", "0");
    s_set (&row, "stck_oprc", "0");
    s_set (&row, "stck_hgpr", "0");
    s_set (&row, "stck_lwpr", "0");
    s_set (&row, "prdy_vrss_sign", "3");
    s_set (&row, "prdy_vrss", "0");
    CHECK_INT (s_check (&row, NULL), 0);
    //  ... but its close must be a price.
    s_set (&row, "stck_clpr", "0");
    s_expect_one (&row, NULL, WRITER_VALIDATE_PRICE, __LINE__);
    CHECK (strstr (s_found[0].detail, "without trades") != NULL);
    //  US decimals.
    row = s_us ();
    s_set (&row, "low", "0.0000");
    s_expect_one (&row, NULL, WRITER_VALIDATE_PRICE, __LINE__);
}

static void
s_test_range (void)
{
    s_row_t row = s_kr ();
    s_set (&row, "stck_hgpr", "9900");   //  close 10,000 above the high
    s_expect_one (&row, NULL, WRITER_VALIDATE_RANGE, __LINE__);
    row = s_kr ();
    s_set (&row, "stck_oprc", "9400");   //  open below the low
    s_expect_one (&row, NULL, WRITER_VALIDATE_RANGE, __LINE__);
    //  Equal is fine: open = low, close = high.
    row = s_kr ();
    s_set (&row, "stck_oprc", "9500");
    s_set (&row, "stck_hgpr", "10000");
    CHECK_INT (s_check (&row, NULL), 0);
    //  One ten-thousandth out, in US prices.
    row = s_us ();
    s_set (&row, "high", "267.4599");
    s_expect_one (&row, NULL, WRITER_VALIDATE_RANGE, __LINE__);
    s_set (&row, "high", "267.4600");
    CHECK_INT (s_check (&row, NULL), 0);
}

static void
s_test_volume (void)
{
    s_row_t row = s_kr ();
    s_set (&row, "acml_vol", "-1");
    s_expect_one (&row, NULL, WRITER_VALIDATE_VOLUME, __LINE__);
    s_set (&row, "acml_vol", "1.5");
    s_expect_one (&row, NULL, WRITER_VALIDATE_VOLUME, __LINE__);
    s_set (&row, "acml_vol", "");
    s_expect_one (&row, NULL, WRITER_VALIDATE_VOLUME, __LINE__);
    s_set (&row, "acml_vol", "0");   //  0 with prices: a quiet day, fine
    CHECK_INT (s_check (&row, NULL), 0);
    row = s_us ();
    s_set (&row, "tvol", "-100");
    s_expect_one (&row, NULL, WRITER_VALIDATE_VOLUME, __LINE__);
}

static void
s_test_move (void)
{
    //  Exactly +30 %: 13,000 from 10,000, allowed.
    s_row_t row = s_kr ();
    s_set (&row, "stck_clpr", "13000");
    s_set (&row, "stck_hgpr", "13000");
    s_set (&row, "prdy_vrss_sign", "1");
    s_set (&row, "prdy_vrss", "3000");
    CHECK_INT (s_check (&row, NULL), 0);
    //  One won more than 30 %.
    s_set (&row, "stck_clpr", "13001");
    s_set (&row, "stck_hgpr", "13001");
    s_set (&row, "prdy_vrss", "3001");
    s_expect_one (&row, NULL, WRITER_VALIDATE_MOVE, __LINE__);
    CHECK (strstr (s_found[0].detail, "split") != NULL);
    //  Exactly -30 %: 7,000 from 10,000; then -50 % (a 1:2 split unmarked).
    row = s_kr ();
    s_set (&row, "stck_clpr", "7000");
    s_set (&row, "stck_oprc", "7000");
    s_set (&row, "stck_hgpr", "7000");
    s_set (&row, "stck_lwpr", "7000");
    s_set (&row, "prdy_vrss_sign", "4");
    s_set (&row, "prdy_vrss", "-3000");
    CHECK_INT (s_check (&row, NULL), 0);
    s_set (&row, "prdy_vrss_sign", "5");
    s_set (&row, "prdy_vrss", "-7000");
    s_expect_one (&row, NULL, WRITER_VALIDATE_MOVE, __LINE__);
    //  The same change unsigned, its direction in the sign field.
    s_set (&row, "prdy_vrss", "7000");
    s_expect_one (&row, NULL, WRITER_VALIDATE_MOVE, __LINE__);
    CHECK (strstr (s_found[0].detail, "-50.0%") != NULL);
    //  KIS's own marks let it through: ex-rights, a split ratio, a revaluation.
    s_set (&row, "flng_cls_code", "01");
    CHECK_INT (s_check (&row, NULL), 0);
    s_set (&row, "flng_cls_code", "00");
    s_set (&row, "prtt_rate", "0.50");
    CHECK_INT (s_check (&row, NULL), 0);
    s_set (&row, "prtt_rate", "0.00");
    s_set (&row, "revl_issu_reas", "01");
    CHECK_INT (s_check (&row, NULL), 0);
    s_set (&row, "revl_issu_reas", "00");
    s_expect_one (&row, NULL, WRITER_VALIDATE_MOVE, __LINE__);
    //  The listing's first day, in the master file's form or ISO; not another day.
    row = s_kr ();
    s_set (&row, "stck_clpr", "40000");
    s_set (&row, "stck_hgpr", "40000");
    s_set (&row, "prdy_vrss", "30000");
    CHECK_INT (s_check (&row, "20240902"), 0);
    CHECK_INT (s_check (&row, "2024-09-02"), 0);
    s_expect_one (&row, "20240830", WRITER_VALIDATE_MOVE, __LINE__);
    s_expect_one (&row, "", WRITER_VALIDATE_MOVE, __LINE__);
    //  No previous close (close - change <= 0), or no change: nothing to say.
    s_set (&row, "prdy_vrss", "40000");
    CHECK_INT (s_check (&row, NULL), 0);
    s_set (&row, "prdy_vrss", "");
    CHECK_INT (s_check (&row, NULL), 0);
    //  US: its own threshold (50 %), exact at the boundary; no KR marks.
    row = s_us ();
    s_set (&row, "close", "150.0000");
    s_set (&row, "open", "140.0000");
    s_set (&row, "high", "150.0000");
    s_set (&row, "low", "100.0000");
    s_set (&row, "diff", "50.0000");
    CHECK_INT (s_check (&row, NULL), 0);
    s_set (&row, "diff", "50.0001");
    s_expect_one (&row, NULL, WRITER_VALIDATE_MOVE, __LINE__);
    writer_validate_conf_t loose = {.kr_limit_pct = 30, .us_move_pct = 100};
    CHECK_INT (writer_validate_row (&loose, "us", row.values, row.n, NULL, s_found), 0);
}

static void
s_test_conflict (void)
{
    s_row_t a = s_kr (), b = s_kr ();
    char detail[WRITER_VALIDATE_DETAIL_MAX];
    CHECK (!writer_validate_conflict ("kr", a.values, b.values, a.n, detail, sizeof detail));
    //  A column of the quote (not of the day) differs: not a conflict.
    s_set (&b, "per", "12.5");
    CHECK (!writer_validate_conflict ("kr", a.values, b.values, a.n, detail, sizeof detail));
    s_set (&b, "stck_clpr", "10050");
    CHECK (writer_validate_conflict ("kr", a.values, b.values, a.n, detail, sizeof detail));
    CHECK (strstr (detail, "stck_clpr \"10000\" kept, \"10050\" not") != NULL);
}

static void
s_test_names (void)
{
    for (int k = 0; k < WRITER_VALIDATE_KINDS; k++)
        CHECK_INT (writer_validate_kind_parse (writer_validate_kind_name ((writer_validate_kind_t) k)), k);
    CHECK_STR (writer_validate_kind_name (WRITER_VALIDATE_WRONG_DATE), "wrong_date");
    CHECK_INT (writer_validate_kind_parse ("nonsense"), WRITER_VALIDATE_KINDS);
    CHECK_STR (writer_validate_kind_name (WRITER_VALIDATE_KINDS), "?");
}

int
main (void)
{
    s_test_clean ();
    s_test_price ();
    s_test_range ();
    s_test_volume ();
    s_test_move ();
    s_test_conflict ();
    s_test_names ();
    return EOD_TEST_DONE ();
}
