/*  master_mst — the KOSPI and KOSDAQ master files (kospi_code.mst,
    kosdaq_code.mst): fixed-width CP949 records the lister reads to pick the
    KR universe. See eod_master.h for the record and its contract.

    The layouts are the official KIS field tables (종목마스터정보
    코스피/코스닥), cut here at absolute byte offsets so that a CP949 name of
    any character mix cannot shift the tail. A record that breaks the layout
    is garbled: counted, logged with its line and code, skipped. */
#include "master_internal.h"
#include "eod_log.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

//  Field widths shared by both KR layouts.
#define S_GROUP_W 2
#define S_DATE_W 8
#define S_AMOUNT_W 9       //  매출액, 영업이익 (억원)
#define S_NET_INCOME_W 5   //  당기순이익
#define S_ROE_W 9
#define S_CAP_W 9      //  시가총액
#define S_NO_FIELD 0   //  offset meaning "this layout has no such field"

//  Absolute byte offsets of the fields we keep (kis-open-api.md §6.2).
struct _master_layout_t {
    size_t record_len;
    size_t group;
    size_t krx300;
    size_t kosdaq150;   //  S_NO_FIELD for KOSPI
    size_t spac;
    size_t etp;
    size_t suspended;
    size_t liquidating;
    size_t administrative;
    size_t listing_date;
    size_t revenue;
    size_t operating_profit;
    size_t net_income;
    size_t roe;
    size_t base_date;
    size_t market_cap;
};

static const master_layout_t s_kospi_layout = {.record_len = EOD_MASTER_KOSPI_RECORD_LEN,
                                               .group = 61,
                                               .krx300 = 222,
                                               .kosdaq150 = S_NO_FIELD,
                                               .spac = 90,
                                               .etp = 83,
                                               .suspended = 121,
                                               .liquidating = 122,
                                               .administrative = 123,
                                               .listing_date = 166,
                                               .revenue = 224,
                                               .operating_profit = 233,
                                               .net_income = 251,
                                               .roe = 256,
                                               .base_date = 265,
                                               .market_cap = 273};

static const master_layout_t s_kosdaq_layout = {.record_len = EOD_MASTER_KOSDAQ_RECORD_LEN,
                                                .group = 61,
                                                .krx300 = 217,
                                                .kosdaq150 = 96,
                                                .spac = 85,
                                                .etp = 79,
                                                .suspended = 116,
                                                .liquidating = 117,
                                                .administrative = 118,
                                                .listing_date = 161,
                                                .revenue = 218,
                                                .operating_profit = 227,
                                                .net_income = 245,
                                                .roe = 250,
                                                .base_date = 259,
                                                .market_cap = 267};

const char *
eod_master_kind_name (eod_master_kind_t kind)
{
    return kind == EOD_MASTER_KOSDAQ ? "kosdaq" : "kospi";
}

//  --------------------------------------------------------------------------
//  Fields

//  Copies the trimmed field into out (outsize > n assumed by the layouts).
static void
s_copy_trimmed (const char *p, size_t n, char *out, size_t outsize)
{
    const char *s;
    size_t len = master_trim (p, n, &s);
    if (len >= outsize)
        len = outsize - 1;
    memcpy (out, s, len);
    out[len] = '\0';
}

//  A Y/N flag; a space means "not applicable" and reads as false.
static int
s_flag (const char *p, bool *value)
{
    if (*p == 'Y' || *p == 'N' || *p == ' ') {
        *value = *p == 'Y';
        return 0;
    }
    return -1;
}

//  Normalises a zero-padded decimal ("-00000002", "000031.39") into out as
//  described in eod_master.h. A blank field gives "". Returns -1 if the
//  field is not [-]digits[.digits].
static int
s_decimal (const char *p, size_t n, char *out, size_t outsize)
{
    const char *s;
    size_t len = master_trim (p, n, &s);
    size_t pos = 0;
    bool negative = false;
    out[0] = '\0';
    if (len == 0)
        return 0;
    if (s[0] == '-') {
        negative = true;
        s++;
        len--;
    }
    const char *point = memchr (s, '.', len);
    size_t int_len = point ? (size_t) (point - s) : len;
    const char *frac = point ? point + 1 : s + len;
    size_t frac_len = point ? len - int_len - 1 : 0;
    if (int_len + frac_len == 0 || !master_all (s, int_len, isdigit) || !master_all (frac, frac_len, isdigit))
        return -1;
    while (int_len > 0 && *s == '0') {
        s++;
        int_len--;
    }
    while (frac_len > 0 && frac[frac_len - 1] == '0')
        frac_len--;
    //  Longest result: sign + 9 digits + point; outsize is EOD_MASTER_NUMBER_MAX.
    if (2 + int_len + frac_len + 1 > outsize)
        return -1;
    if (negative && (int_len > 0 || frac_len > 0))
        out[pos++] = '-';
    if (int_len == 0)
        out[pos++] = '0';
    else {
        memcpy (out + pos, s, int_len);
        pos += int_len;
    }
    if (frac_len > 0) {
        out[pos++] = '.';
        memcpy (out + pos, frac, frac_len);
        pos += frac_len;
    }
    out[pos] = '\0';
    return 0;
}

//  YYYYMMDD or blank.
static int
s_date (const char *p, char *out)
{
    const char *s;
    size_t len = master_trim (p, S_DATE_W, &s);
    if (len != 0 && (len != S_DATE_W || !master_all (s, len, isdigit)))
        return -1;
    memcpy (out, s, len);
    out[len] = '\0';
    return 0;
}

//  Printable short code for a log line, from the first bytes of a record.
static void
s_log_code (const char *p, size_t n, char *code, size_t codesize)
{
    size_t take = n < EOD_MASTER_SHORT_CODE_LEN ? n : EOD_MASTER_SHORT_CODE_LEN;
    const char *s;
    size_t len = master_trim (p, take, &s);
    if (len == 0 || len >= codesize || !master_all (s, len, isalnum)) {
        snprintf (code, codesize, "%s", MASTER_NO_CODE);
        return;
    }
    memcpy (code, s, len);
    code[len] = '\0';
}

//  --------------------------------------------------------------------------
//  KR records

//  Cuts one record (line without terminator) into rec. Returns 0, or -1 with
//  the reason in why.
static int
s_kr_record (const master_layout_t *lay, eod_master_kind_t kind, iconv_t cd, const char *p, size_t n,
             eod_master_record_t *rec, char *why, size_t whylen)
{
    memset (rec, 0, sizeof (*rec));
    rec->kind = kind;
    if (n != lay->record_len) {
        snprintf (why, whylen, "record is %zu bytes, want %zu", n, lay->record_len);
        return -1;
    }
    const char *tail = p + EOD_MASTER_HEAD_LEN;
    size_t tail_len = n - EOD_MASTER_HEAD_LEN;
    for (size_t i = 0; i < tail_len; i++)
        if (tail[i] < 0x20 || tail[i] > 0x7e) {
            snprintf (why, whylen, "non-ASCII byte 0x%02x at byte %zu", (unsigned) (unsigned char) tail[i],
                      EOD_MASTER_HEAD_LEN + i);
            return -1;
        }
    memcpy (rec->tail, tail, tail_len);
    rec->tail[tail_len] = '\0';

    const char *s;
    size_t len = master_trim (p, EOD_MASTER_SHORT_CODE_LEN, &s);
    if (len == 0 || !master_all (s, len, isalnum) || s != p) {
        snprintf (why, whylen, "bad short code");
        return -1;
    }
    s_copy_trimmed (p, EOD_MASTER_SHORT_CODE_LEN, rec->short_code, sizeof (rec->short_code));

    const char *std = p + EOD_MASTER_SHORT_CODE_LEN;
    len = master_trim (std, EOD_MASTER_STANDARD_CODE_LEN, &s);
    if (len == 0 || !master_all (s, len, isalnum)) {
        snprintf (why, whylen, "bad standard code");
        return -1;
    }
    s_copy_trimmed (std, EOD_MASTER_STANDARD_CODE_LEN, rec->standard_code, sizeof (rec->standard_code));

    const char *name = std + EOD_MASTER_STANDARD_CODE_LEN;
    len = master_trim (name, EOD_MASTER_NAME_LEN, &s);
    if (len == 0) {
        snprintf (why, whylen, "empty name");
        return -1;
    }
    ssize_t ulen = master_cp949_to_utf8 (cd, s, len, rec->name, sizeof (rec->name));
    if (ulen < 0) {
        snprintf (why, whylen, "name is not valid CP949");
        return -1;
    }
    for (ssize_t i = 0; i < ulen; i++)
        if ((unsigned char) rec->name[i] < 0x20 || rec->name[i] == 0x7f) {
            snprintf (why, whylen, "control byte in name");
            return -1;
        }

    memcpy (rec->group_code, p + lay->group, S_GROUP_W);
    rec->group_code[S_GROUP_W] = '\0';
    if (!master_all (rec->group_code, S_GROUP_W, isupper)) {
        snprintf (why, whylen, "bad group code '%s'", rec->group_code);
        return -1;
    }

    struct {
        size_t offset;
        bool *value;
        const char *label;
    } flags[] = {
        {lay->krx300, &rec->krx300, "KRX300"},
        {lay->kosdaq150, &rec->kosdaq150, "KOSDAQ150"},
        {lay->spac, &rec->spac, "SPAC"},
        {lay->suspended, &rec->suspended, "suspended"},
        {lay->liquidating, &rec->liquidating, "liquidation"},
        {lay->administrative, &rec->administrative, "administrative"},
    };
    for (size_t i = 0; i < sizeof (flags) / sizeof (flags[0]); i++) {
        if (flags[i].offset == S_NO_FIELD)
            continue;
        if (s_flag (p + flags[i].offset, flags[i].value)) {
            snprintf (why, whylen, "%s flag is '%c', want Y/N", flags[i].label, p[flags[i].offset]);
            return -1;
        }
    }
    char etp = p[lay->etp];
    if (etp != ' ' && !isdigit ((unsigned char) etp)) {
        snprintf (why, whylen, "ETP code is '%c'", etp);
        return -1;
    }
    rec->etp_code[0] = etp == ' ' ? '\0' : etp;
    rec->etp_code[1] = '\0';

    if (s_date (p + lay->listing_date, rec->listing_date)) {
        snprintf (why, whylen, "bad listing date '%.*s'", S_DATE_W, p + lay->listing_date);
        return -1;
    }
    if (s_date (p + lay->base_date, rec->base_date)) {
        snprintf (why, whylen, "bad base date '%.*s'", S_DATE_W, p + lay->base_date);
        return -1;
    }

    struct {
        size_t offset, width;
        char *out;
        const char *label;
    } numbers[] = {
        {lay->revenue, S_AMOUNT_W, rec->revenue, "revenue"},
        {lay->operating_profit, S_AMOUNT_W, rec->operating_profit, "operating profit"},
        {lay->net_income, S_NET_INCOME_W, rec->net_income, "net income"},
        {lay->roe, S_ROE_W, rec->roe, "ROE"},
    };
    for (size_t i = 0; i < sizeof (numbers) / sizeof (numbers[0]); i++)
        if (s_decimal (p + numbers[i].offset, numbers[i].width, numbers[i].out, EOD_MASTER_NUMBER_MAX)) {
            snprintf (why, whylen, "bad %s '%.*s'", numbers[i].label, (int) numbers[i].width, p + numbers[i].offset);
            return -1;
        }

    //  Market cap: zero-padded digits; a blank field (not applicable) is 0.
    const char *cap = p + lay->market_cap;
    len = master_trim (cap, S_CAP_W, &s);
    rec->market_cap = 0;
    if (len > 0) {
        if (!master_all (s, len, isdigit)) {
            snprintf (why, whylen, "bad market cap '%.*s'", S_CAP_W, cap);
            return -1;
        }
        for (size_t i = 0; i < len; i++)
            rec->market_cap = rec->market_cap * 10 + (s[i] - '0');
    }
    return 0;
}

//  One KR line: line holds its first n bytes of len (n < len only when the
//  line is over EOD_MASTER_LINE_MAX). Returns 0 to go on, -1 when the
//  callback stopped the parse.
int
master_mst_line (eod_master_reader_t *self, const char *line, size_t n, size_t len, size_t lineno)
{
    char why[MASTER_WHY_MAX];
    int bad = n != len;
    if (bad)
        snprintf (why, sizeof (why), "record is %zu bytes, want %zu", len, self->layout->record_len);
    else
        bad = s_kr_record (self->layout, self->kind, self->cd, line, n, &self->rec, why, sizeof (why));
    if (bad) {
        char code[EOD_MASTER_SHORT_CODE_LEN + 1];
        s_log_code (line, n, code, sizeof (code));
        master_garbled (self, lineno, why, code);
        return 0;
    }
    self->rec.line = lineno;
    self->stats.records++;
    return self->kr_cb (&self->rec, self->arg) ? -1 : 0;
}

eod_master_reader_t *
eod_master_reader_new (eod_master_kind_t kind, const char *source_name, eod_master_cb cb, void *arg)
{
    assert (cb);
    eod_master_reader_t *self = master_reader_new (source_name ? source_name : eod_master_kind_name (kind));
    if (!self)
        return NULL;
    self->layout = kind == EOD_MASTER_KOSDAQ ? &s_kosdaq_layout : &s_kospi_layout;
    self->kind = kind;
    self->kr_cb = cb;
    self->arg = arg;
    return self;
}
