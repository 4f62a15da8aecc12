/*  eod_master — the KIS master (symbol) files: unzip, parse, map symbols.

    See eod_master.h. The KR layouts are the official KIS field tables
    (종목마스터정보 코스피/코스닥), cut here at absolute byte offsets so that
    a CP949 name of any character mix cannot shift the tail. */
#include "eod_master.h"
#include "eod_log.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <zip.h>

//  Field widths shared by both KR layouts.
#define S_GROUP_W      2
#define S_DATE_W       8
#define S_AMOUNT_W     9     //  매출액, 영업이익 (억원)
#define S_NET_INCOME_W 5     //  당기순이익
#define S_ROE_W        9
#define S_CAP_W        9     //  시가총액
#define S_NO_FIELD     0     //  offset meaning "this layout has no such field"

//  Absolute byte offsets of the fields we keep (kis-open-api.md §6.2).
typedef struct {
    size_t record_len;
    size_t group;
    size_t krx300;
    size_t kosdaq150;          //  S_NO_FIELD for KOSPI
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
} s_layout_t;

static const s_layout_t s_kospi_layout = {
    .record_len = EOD_MASTER_KOSPI_RECORD_LEN,
    .group = 61, .krx300 = 222, .kosdaq150 = S_NO_FIELD, .spac = 90, .etp = 83,
    .suspended = 121, .liquidating = 122, .administrative = 123,
    .listing_date = 166, .revenue = 224, .operating_profit = 233,
    .net_income = 251, .roe = 256, .base_date = 265, .market_cap = 273
};

static const s_layout_t s_kosdaq_layout = {
    .record_len = EOD_MASTER_KOSDAQ_RECORD_LEN,
    .group = 61, .krx300 = 217, .kosdaq150 = 96, .spac = 85, .etp = 79,
    .suspended = 116, .liquidating = 117, .administrative = 118,
    .listing_date = 161, .revenue = 218, .operating_profit = 227,
    .net_income = 245, .roe = 250, .base_date = 259, .market_cap = 267
};

//  Columns of a .cod line we read (kis-open-api.md §6.3).
#define S_COD_MIN_COLUMNS 10
#define S_COD_MAX_COLUMNS 24
//  Longest symbol echoed from a line that failed conversion.
#define S_COD_SYMBOL_LOG_MAX 32
enum {
    S_COD_NCOD = 0, S_COD_EXID = 1, S_COD_EXCD = 2, S_COD_EXNM = 3,
    S_COD_SYMB = 4, S_COD_RSYM = 5, S_COD_KNAM = 6, S_COD_ENAM = 7,
    S_COD_STIS = 8, S_COD_CURR = 9, S_COD_BASE = 12, S_COD_ETYP = 22
};

//  Room for a reason text in a log line.
#define S_WHY_MAX 160
//  Short code shown for a record too broken to have one.
#define S_NO_CODE "?"

const char *
eod_master_kind_name (eod_master_kind_t kind)
{
    return kind == EOD_MASTER_KOSDAQ ? "kosdaq" : "kospi";
}

//  --------------------------------------------------------------------------
//  Unzip

static bool
s_ends_with_nocase (const char *name, const char *suffix)
{
    size_t n = strlen (name), s = strlen (suffix);
    return s <= n && strcasecmp (name + n - s, suffix) == 0;
}

static void
s_seterr (char *err, size_t errlen, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

static void
s_seterr (char *err, size_t errlen, const char *format, ...)
{
    if (!err || errlen == 0)
        return;
    va_list args;
    va_start (args, format);
    vsnprintf (err, errlen, format, args);
    va_end (args);
}

//  Finds the first entry of za whose name ends with entry_suffix, checks its
//  stated size against the cap and opens it. Returns the open entry (its
//  name in *entry_name, borrowed from za), or NULL with err set.
static zip_file_t *
s_open_entry (zip_t *za, const char *entry_suffix, const char **entry_name,
              zip_uint64_t *stated_size, char *err, size_t errlen)
{
    zip_int64_t entries = zip_get_num_entries (za, 0);
    zip_int64_t found = -1;
    char names [256] = "";
    size_t names_len = 0;
    for (zip_int64_t i = 0; i < entries && found < 0; i++) {
        const char *name = zip_get_name (za, (zip_uint64_t) i, 0);
        if (!name)
            continue;
        if (s_ends_with_nocase (name, entry_suffix))
            found = i;
        else
        if (names_len < sizeof (names)) {
            int n = snprintf (names + names_len, sizeof (names) - names_len, "%s%s",
                              names_len ? ", " : "", name);
            if (n > 0)
                names_len += (size_t) n;
        }
    }
    if (found < 0) {
        s_seterr (err, errlen, "no entry ending in '%s' in the zip (%lld entries: %s)",
                  entry_suffix, (long long) entries, names_len ? names : "none");
        return NULL;
    }
    *entry_name = zip_get_name (za, (zip_uint64_t) found, 0);
    zip_stat_t st;
    zip_stat_init (&st);
    *stated_size = 0;
    if (zip_stat_index (za, (zip_uint64_t) found, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
        if (st.size > EOD_MASTER_UNZIP_MAX) {
            s_seterr (err, errlen, "zip entry '%s' is %llu bytes uncompressed, over the %zu-byte cap",
                      *entry_name, (unsigned long long) st.size, EOD_MASTER_UNZIP_MAX);
            return NULL;
        }
        *stated_size = st.size;
    }
    zip_file_t *zf = zip_fopen_index (za, (zip_uint64_t) found, 0);
    if (!zf)
        s_seterr (err, errlen, "cannot open zip entry '%s': %s", *entry_name, zip_strerror (za));
    return zf;
}

int
eod_master_unzip (const void *zip_bytes, size_t len, const char *entry_suffix,
                  char **out, size_t *outlen, char *err, size_t errlen)
{
    assert (zip_bytes || len == 0);
    assert (entry_suffix && out && outlen);
    int rc = -1;
    zip_error_t zerr;
    zip_error_init (&zerr);
    zip_source_t *src = NULL;
    zip_t *za = NULL;
    zip_file_t *zf = NULL;
    char *buf = NULL;
    size_t size = 0;
    *out = NULL;
    *outlen = 0;
    s_seterr (err, errlen, "no error");

    src = zip_source_buffer_create (len ? zip_bytes : "", len, 0, &zerr);
    if (!src) {
        s_seterr (err, errlen, "zip: %s", zip_error_strerror (&zerr));
        goto out;
    }
    za = zip_open_from_source (src, ZIP_RDONLY, &zerr);
    if (!za) {
        s_seterr (err, errlen, "not a zip archive (%zu bytes): %s", len,
                  zip_error_strerror (&zerr));
        zip_source_free (src);
        goto out;
    }
    //  From here the archive owns the source.
    const char *entry_name = NULL;
    zip_uint64_t stated = 0;
    zf = s_open_entry (za, entry_suffix, &entry_name, &stated, err, errlen);
    if (!zf)
        goto out;
    //  Never trust the stated size: read up to the cap plus one byte.
    size_t capacity = stated ? (size_t) stated + 1 : 65536;
    buf = malloc (capacity + 1);
    if (!buf) {
        s_seterr (err, errlen, "out of memory for zip entry '%s'", entry_name);
        goto out;
    }
    while (true) {
        if (size == capacity) {
            if (capacity > EOD_MASTER_UNZIP_MAX)
                break;
            size_t bigger = capacity * 2 > EOD_MASTER_UNZIP_MAX + 1
                          ? EOD_MASTER_UNZIP_MAX + 1 : capacity * 2;
            char *grown = realloc (buf, bigger + 1);
            if (!grown) {
                s_seterr (err, errlen, "out of memory for zip entry '%s'", entry_name);
                goto out;
            }
            buf = grown;
            capacity = bigger;
        }
        zip_int64_t got = zip_fread (zf, buf + size, capacity - size);
        if (got < 0) {
            s_seterr (err, errlen, "cannot read zip entry '%s': %s", entry_name,
                      zip_file_strerror (zf));
            goto out;
        }
        if (got == 0)
            break;
        size += (size_t) got;
    }
    if (size > EOD_MASTER_UNZIP_MAX) {
        s_seterr (err, errlen, "zip entry '%s' inflates past the %zu-byte cap",
                  entry_name, EOD_MASTER_UNZIP_MAX);
        goto out;
    }
    buf [size] = '\0';
    *out = buf;
    *outlen = size;
    buf = NULL;
    rc = 0;
out:
    free (buf);
    if (zf)
        zip_fclose (zf);
    if (za)
        zip_discard (za);
    zip_error_fini (&zerr);
    return rc;
}

int
eod_master_unzip_parse (const char *zip_path, const char *entry_suffix,
                        eod_master_reader_t *reader, char *err, size_t errlen)
{
    assert (zip_path && entry_suffix && reader);
    int rc = -1;
    zip_t *za = NULL;
    zip_file_t *zf = NULL;
    s_seterr (err, errlen, "no error");

    int zcode = 0;
    za = zip_open (zip_path, ZIP_RDONLY, &zcode);
    if (!za) {
        zip_error_t zerr;
        zip_error_init_with_code (&zerr, zcode);
        s_seterr (err, errlen, "%s: not a readable zip archive: %s", zip_path,
                  zip_error_strerror (&zerr));
        zip_error_fini (&zerr);
        goto out;
    }
    const char *entry_name = NULL;
    zip_uint64_t stated = 0;
    zf = s_open_entry (za, entry_suffix, &entry_name, &stated, err, errlen);
    if (!zf)
        goto out;
    //  Inflated a chunk at a time: a record split between two chunks is
    //  carried by the reader, so the whole entry is never in memory.
    char chunk [EOD_MASTER_READ_CHUNK];
    size_t total = 0;
    while (true) {
        zip_int64_t got = zip_fread (zf, chunk, sizeof (chunk));
        if (got < 0) {
            s_seterr (err, errlen, "cannot read zip entry '%s' after %zu bytes: %s", entry_name,
                      total, zip_file_strerror (zf));
            goto out;
        }
        if (got == 0)
            break;
        total += (size_t) got;
        if (total > EOD_MASTER_UNZIP_MAX) {
            s_seterr (err, errlen, "zip entry '%s' inflates past the %zu-byte cap",
                      entry_name, EOD_MASTER_UNZIP_MAX);
            goto out;
        }
        if (eod_master_reader_feed (reader, chunk, (size_t) got)) {
            s_seterr (err, errlen, "zip entry '%s': the parse stopped at line %zu",
                      entry_name, eod_master_reader_stats (reader)->lines);
            goto out;
        }
    }
    if (eod_master_reader_end (reader)) {
        s_seterr (err, errlen, "zip entry '%s': the parse stopped at line %zu",
                  entry_name, eod_master_reader_stats (reader)->lines);
        goto out;
    }
    rc = 0;
out:
    if (zf)
        zip_fclose (zf);
    if (za)
        zip_discard (za);
    return rc;
}

//  --------------------------------------------------------------------------
//  Field helpers

//  Trimmed view of [p, p + n): sets *start and returns the length.
static size_t
s_trim (const char *p, size_t n, const char **start)
{
    while (n > 0 && *p == ' ') {
        p++;
        n--;
    }
    while (n > 0 && p [n - 1] == ' ')
        n--;
    *start = p;
    return n;
}

//  Copies the trimmed field into out (outsize > n assumed by the layouts).
static void
s_copy_trimmed (const char *p, size_t n, char *out, size_t outsize)
{
    const char *s;
    size_t len = s_trim (p, n, &s);
    if (len >= outsize)
        len = outsize - 1;
    memcpy (out, s, len);
    out [len] = '\0';
}

static bool
s_all (const char *p, size_t n, int (*pred) (int))
{
    for (size_t i = 0; i < n; i++)
        if (!pred ((unsigned char) p [i]))
            return false;
    return true;
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
    size_t len = s_trim (p, n, &s);
    size_t pos = 0;
    bool negative = false;
    out [0] = '\0';
    if (len == 0)
        return 0;
    if (s [0] == '-') {
        negative = true;
        s++;
        len--;
    }
    const char *point = memchr (s, '.', len);
    size_t int_len = point ? (size_t) (point - s) : len;
    const char *frac = point ? point + 1 : s + len;
    size_t frac_len = point ? len - int_len - 1 : 0;
    if (int_len + frac_len == 0
    || !s_all (s, int_len, isdigit) || !s_all (frac, frac_len, isdigit))
        return -1;
    while (int_len > 0 && *s == '0') {
        s++;
        int_len--;
    }
    while (frac_len > 0 && frac [frac_len - 1] == '0')
        frac_len--;
    //  Longest result: sign + 9 digits + point; outsize is EOD_MASTER_NUMBER_MAX.
    if (2 + int_len + frac_len + 1 > outsize)
        return -1;
    if (negative && (int_len > 0 || frac_len > 0))
        out [pos++] = '-';
    if (int_len == 0)
        out [pos++] = '0';
    else {
        memcpy (out + pos, s, int_len);
        pos += int_len;
    }
    if (frac_len > 0) {
        out [pos++] = '.';
        memcpy (out + pos, frac, frac_len);
        pos += frac_len;
    }
    out [pos] = '\0';
    return 0;
}

//  YYYYMMDD or blank.
static int
s_date (const char *p, char *out)
{
    const char *s;
    size_t len = s_trim (p, S_DATE_W, &s);
    if (len != 0 && (len != S_DATE_W || !s_all (s, len, isdigit)))
        return -1;
    memcpy (out, s, len);
    out [len] = '\0';
    return 0;
}

//  Converts CP949 bytes to UTF-8 into out. Returns the output length, or -1
//  when the input is not valid CP949 or does not fit.
static ssize_t
s_cp949_to_utf8 (iconv_t cd, const char *in, size_t inlen, char *out, size_t outsize)
{
    assert (outsize > 0);
    iconv (cd, NULL, NULL, NULL, NULL);
    char *inp = (char *) in;
    char *outp = out;
    size_t inleft = inlen, outleft = outsize - 1;
    if (iconv (cd, &inp, &inleft, &outp, &outleft) == (size_t) -1
    ||  iconv (cd, NULL, NULL, &outp, &outleft) == (size_t) -1)
        return -1;
    *outp = '\0';
    return outp - out;
}

//  Printable short code for a log line, from the first bytes of a record.
static void
s_log_code (const char *p, size_t n, char *code, size_t codesize)
{
    size_t take = n < EOD_MASTER_SHORT_CODE_LEN ? n : EOD_MASTER_SHORT_CODE_LEN;
    const char *s;
    size_t len = s_trim (p, take, &s);
    if (len == 0 || len >= codesize || !s_all (s, len, isalnum)) {
        snprintf (code, codesize, "%s", S_NO_CODE);
        return;
    }
    memcpy (code, s, len);
    code [len] = '\0';
}

//  --------------------------------------------------------------------------
//  KR records

//  Cuts one record (line without terminator) into rec. Returns 0, or -1 with
//  the reason in why.
static int
s_kr_record (const s_layout_t *lay, eod_master_kind_t kind, iconv_t cd,
             const char *p, size_t n, eod_master_record_t *rec,
             char *why, size_t whylen)
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
        if (tail [i] < 0x20 || tail [i] > 0x7e) {
            snprintf (why, whylen, "non-ASCII byte 0x%02x at byte %zu",
                      (unsigned) (unsigned char) tail [i], EOD_MASTER_HEAD_LEN + i);
            return -1;
        }
    memcpy (rec->tail, tail, tail_len);
    rec->tail [tail_len] = '\0';

    const char *s;
    size_t len = s_trim (p, EOD_MASTER_SHORT_CODE_LEN, &s);
    if (len == 0 || !s_all (s, len, isalnum) || s != p) {
        snprintf (why, whylen, "bad short code");
        return -1;
    }
    s_copy_trimmed (p, EOD_MASTER_SHORT_CODE_LEN, rec->short_code, sizeof (rec->short_code));

    const char *std = p + EOD_MASTER_SHORT_CODE_LEN;
    len = s_trim (std, EOD_MASTER_STANDARD_CODE_LEN, &s);
    if (len == 0 || !s_all (s, len, isalnum)) {
        snprintf (why, whylen, "bad standard code");
        return -1;
    }
    s_copy_trimmed (std, EOD_MASTER_STANDARD_CODE_LEN, rec->standard_code,
                    sizeof (rec->standard_code));

    const char *name = std + EOD_MASTER_STANDARD_CODE_LEN;
    len = s_trim (name, EOD_MASTER_NAME_LEN, &s);
    if (len == 0) {
        snprintf (why, whylen, "empty name");
        return -1;
    }
    ssize_t ulen = s_cp949_to_utf8 (cd, s, len, rec->name, sizeof (rec->name));
    if (ulen < 0) {
        snprintf (why, whylen, "name is not valid CP949");
        return -1;
    }
    for (ssize_t i = 0; i < ulen; i++)
        if ((unsigned char) rec->name [i] < 0x20 || rec->name [i] == 0x7f) {
            snprintf (why, whylen, "control byte in name");
            return -1;
        }

    memcpy (rec->group_code, p + lay->group, S_GROUP_W);
    rec->group_code [S_GROUP_W] = '\0';
    if (!s_all (rec->group_code, S_GROUP_W, isupper)) {
        snprintf (why, whylen, "bad group code '%s'", rec->group_code);
        return -1;
    }

    struct { size_t offset; bool *value; const char *label; } flags [] = {
        { lay->krx300, &rec->krx300, "KRX300" },
        { lay->kosdaq150, &rec->kosdaq150, "KOSDAQ150" },
        { lay->spac, &rec->spac, "SPAC" },
        { lay->suspended, &rec->suspended, "suspended" },
        { lay->liquidating, &rec->liquidating, "liquidation" },
        { lay->administrative, &rec->administrative, "administrative" },
    };
    for (size_t i = 0; i < sizeof (flags) / sizeof (flags [0]); i++) {
        if (flags [i].offset == S_NO_FIELD)
            continue;
        if (s_flag (p + flags [i].offset, flags [i].value)) {
            snprintf (why, whylen, "%s flag is '%c', want Y/N", flags [i].label,
                      p [flags [i].offset]);
            return -1;
        }
    }
    char etp = p [lay->etp];
    if (etp != ' ' && !isdigit ((unsigned char) etp)) {
        snprintf (why, whylen, "ETP code is '%c'", etp);
        return -1;
    }
    rec->etp_code [0] = etp == ' ' ? '\0' : etp;
    rec->etp_code [1] = '\0';

    if (s_date (p + lay->listing_date, rec->listing_date)) {
        snprintf (why, whylen, "bad listing date '%.*s'", S_DATE_W, p + lay->listing_date);
        return -1;
    }
    if (s_date (p + lay->base_date, rec->base_date)) {
        snprintf (why, whylen, "bad base date '%.*s'", S_DATE_W, p + lay->base_date);
        return -1;
    }

    struct { size_t offset, width; char *out; const char *label; } numbers [] = {
        { lay->revenue, S_AMOUNT_W, rec->revenue, "revenue" },
        { lay->operating_profit, S_AMOUNT_W, rec->operating_profit, "operating profit" },
        { lay->net_income, S_NET_INCOME_W, rec->net_income, "net income" },
        { lay->roe, S_ROE_W, rec->roe, "ROE" },
    };
    for (size_t i = 0; i < sizeof (numbers) / sizeof (numbers [0]); i++)
        if (s_decimal (p + numbers [i].offset, numbers [i].width, numbers [i].out,
                       EOD_MASTER_NUMBER_MAX)) {
            snprintf (why, whylen, "bad %s '%.*s'", numbers [i].label,
                      (int) numbers [i].width, p + numbers [i].offset);
            return -1;
        }

    //  Market cap: zero-padded digits; a blank field (not applicable) is 0.
    const char *cap = p + lay->market_cap;
    len = s_trim (cap, S_CAP_W, &s);
    rec->market_cap = 0;
    if (len > 0) {
        if (!s_all (s, len, isdigit)) {
            snprintf (why, whylen, "bad market cap '%.*s'", S_CAP_W, cap);
            return -1;
        }
        for (size_t i = 0; i < len; i++)
            rec->market_cap = rec->market_cap * 10 + (s [i] - '0');
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  The streaming reader

//  First size of the buffer that carries a line split between two chunks.
#define S_CARRY_MIN 512

struct _eod_master_reader_t {
    bool cod;                      //  a US .cod file, else KR fixed width
    const s_layout_t *layout;      //  KR only
    eod_master_kind_t kind;        //  KR only
    iconv_t cd;
    char source [EOD_MASTER_SOURCE_MAX];
    eod_master_cb *kr_cb;
    eod_cod_cb *cod_cb;
    void *arg;
    eod_master_stats_t stats;
    bool stopped;                  //  the callback stopped the parse
    eod_master_record_t rec;       //  KR scratch record
    char *utf8;                    //  .cod: UTF-8 copy of the current line
    size_t utf8_size;
    //  The line under way: its first bytes (at most EOD_MASTER_LINE_MAX),
    //  its whole length so far, and its last byte (a CR to strip).
    char *carry;
    size_t carry_len;
    size_t carry_cap;
    size_t line_len;
    char last;
};

//  Reports a garbled record or line and counts it.
static void
s_garbled (eod_master_reader_t *self, size_t lineno, const char *why, const char *code)
{
    self->stats.garbled++;
    if (self->cod)
        eod_log_warn ("%s:%zu: garbled .cod record skipped: %s (symbol %s)", self->source, lineno,
                      why, *code ? code : S_NO_CODE);
    else
        eod_log_warn ("%s:%zu: garbled %s record skipped: %s (code %s)", self->source, lineno,
                      eod_master_kind_name (self->kind), why, code);
}

//  One KR line: line holds its first n bytes of len (n < len only when the
//  line is over EOD_MASTER_LINE_MAX). Returns 0 to go on, -1 when the
//  callback stopped the parse.
static int
s_kr_line (eod_master_reader_t *self, const char *line, size_t n, size_t len, size_t lineno)
{
    char why [S_WHY_MAX];
    int bad = n != len;
    if (bad)
        snprintf (why, sizeof (why), "record is %zu bytes, want %zu", len, self->layout->record_len);
    else
        bad = s_kr_record (self->layout, self->kind, self->cd, line, n, &self->rec, why, sizeof (why));
    if (bad) {
        char code [EOD_MASTER_SHORT_CODE_LEN + 1];
        s_log_code (line, n, code, sizeof (code));
        s_garbled (self, lineno, why, code);
        return 0;
    }
    self->rec.line = lineno;
    self->stats.records++;
    return self->kr_cb (&self->rec, self->arg) ? -1 : 0;
}

//  Trims spaces at both ends of a NUL-terminated column, in place.
static char *
s_trim_column (char *col)
{
    while (*col == ' ')
        col++;
    size_t n = strlen (col);
    while (n > 0 && col [n - 1] == ' ')
        col [--n] = '\0';
    return col;
}

//  The symbol column of a raw line, for a log line about a line that could
//  not be converted; "" unless it is plain printable ASCII.
static void
s_raw_symbol (const char *line, size_t n, char *out, size_t outsize)
{
    const char *p = line, *end = line + n;
    out [0] = '\0';
    for (int col = 0; col < S_COD_SYMB; col++) {
        p = memchr (p, '\t', (size_t) (end - p));
        if (!p)
            return;
        p++;
    }
    const char *tab = memchr (p, '\t', (size_t) (end - p));
    const char *s;
    size_t len = s_trim (p, (size_t) ((tab ? tab : end) - p), &s);
    if (len == 0 || len >= outsize || !s_all (s, len, isgraph))
        return;
    memcpy (out, s, len);
    out [len] = '\0';
}

//  One .cod line, as s_kr_line.
static int
s_cod_line (eod_master_reader_t *self, const char *line, size_t n, size_t len, size_t lineno)
{
    char why [S_WHY_MAX] = "";
    char raw_symbol [S_COD_SYMBOL_LOG_MAX] = "";
    const char *symbol = "";
    char *cols [S_COD_MAX_COLUMNS];
    size_t ncols = 0;
    if (n != len) {
        s_raw_symbol (line, n, raw_symbol, sizeof (raw_symbol));
        symbol = raw_symbol;
        snprintf (why, sizeof (why), "line is %zu bytes, over the %d-byte cap", len,
                  EOD_MASTER_LINE_MAX);
        goto garbled;
    }
    //  A CP949 character is 1 or 2 bytes and becomes at most 3 UTF-8 bytes.
    size_t need = 2 * n + 1;
    if (need > self->utf8_size) {
        char *grown = realloc (self->utf8, need);
        if (!grown) {
            eod_log_error ("%s:%zu: out of memory", self->source, lineno);
            return -1;
        }
        self->utf8 = grown;
        self->utf8_size = need;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char) line [i] < 0x20 && line [i] != '\t') {
            snprintf (why, sizeof (why), "control byte 0x%02x at column byte %zu",
                      (unsigned) (unsigned char) line [i], i);
            goto garbled;
        }
    if (s_cp949_to_utf8 (self->cd, line, n, self->utf8, self->utf8_size) < 0) {
        s_raw_symbol (line, n, raw_symbol, sizeof (raw_symbol));
        symbol = raw_symbol;
        snprintf (why, sizeof (why), "line is not valid CP949");
        goto garbled;
    }
    char *p = self->utf8;
    size_t total = 0;
    while (true) {
        char *tab = strchr (p, '\t');
        if (tab)
            *tab = '\0';
        if (total < S_COD_MAX_COLUMNS)
            cols [ncols++] = s_trim_column (p);
        total++;
        if (!tab)
            break;
        p = tab + 1;
    }
    if (ncols > S_COD_SYMB)
        symbol = cols [S_COD_SYMB];
    if (total < S_COD_MIN_COLUMNS) {
        snprintf (why, sizeof (why), "%zu columns, want at least %d", total, S_COD_MIN_COLUMNS);
        goto garbled;
    }
    if (*symbol == '\0') {
        snprintf (why, sizeof (why), "empty symbol");
        goto garbled;
    }
    while (ncols < S_COD_MAX_COLUMNS)
        cols [ncols++] = "";
    eod_cod_record_t rec = {
        .line = lineno, .columns = total,
        .national_code = cols [S_COD_NCOD], .exchange_id = cols [S_COD_EXID],
        .exchange_code = cols [S_COD_EXCD], .exchange_name = cols [S_COD_EXNM],
        .symbol = cols [S_COD_SYMB], .realtime_symbol = cols [S_COD_RSYM],
        .korea_name = cols [S_COD_KNAM], .english_name = cols [S_COD_ENAM],
        .security_type = cols [S_COD_STIS], .currency = cols [S_COD_CURR],
        .base_price = cols [S_COD_BASE], .etp_kind = cols [S_COD_ETYP]
    };
    self->stats.records++;
    return self->cod_cb (&rec, self->arg) ? -1 : 0;

garbled:
    s_garbled (self, lineno, why, symbol);
    return 0;
}

//  One whole line without its LF: n bytes at line of len in all. Strips a
//  final CR, counts blank lines and hands the others to the parser.
static int
s_line (eod_master_reader_t *self, const char *line, size_t n, size_t len, char last)
{
    size_t lineno = ++self->stats.lines;
    if (last == '\r') {
        len--;
        if (n > len)
            n = len;
    }
    const char *s;
    if (n == len && s_trim (line, n, &s) == 0) {
        self->stats.blank++;
        return 0;
    }
    return self->cod ? s_cod_line (self, line, n, len, lineno)
                     : s_kr_line (self, line, n, len, lineno);
}

//  Appends bytes to the line under way, keeping at most EOD_MASTER_LINE_MAX.
static int
s_carry (eod_master_reader_t *self, const char *bytes, size_t n)
{
    if (n == 0)
        return 0;
    self->line_len += n;
    self->last = bytes [n - 1];
    size_t room = EOD_MASTER_LINE_MAX - self->carry_len;
    size_t take = n < room ? n : room;
    if (take == 0)
        return 0;
    if (self->carry_len + take > self->carry_cap) {
        size_t cap = self->carry_cap ? self->carry_cap : S_CARRY_MIN;
        while (cap < self->carry_len + take)
            cap *= 2;
        if (cap > EOD_MASTER_LINE_MAX)
            cap = EOD_MASTER_LINE_MAX;
        char *grown = realloc (self->carry, cap);
        if (!grown) {
            eod_log_error ("%s:%zu: out of memory", self->source, self->stats.lines + 1);
            return -1;
        }
        self->carry = grown;
        self->carry_cap = cap;
    }
    memcpy (self->carry + self->carry_len, bytes, take);
    self->carry_len += take;
    return 0;
}

//  Ends the line under way.
static int
s_carry_flush (eod_master_reader_t *self)
{
    int rc = s_line (self, self->carry, self->carry_len, self->line_len, self->last);
    self->carry_len = self->line_len = 0;
    self->last = '\0';
    return rc;
}

static eod_master_reader_t *
s_reader_new (const char *source_name)
{
    eod_master_reader_t *self = calloc (1, sizeof (*self));
    if (!self) {
        eod_log_error ("%s: out of memory", source_name);
        return NULL;
    }
    snprintf (self->source, sizeof (self->source), "%s", source_name);
    self->cd = iconv_open ("UTF-8", "CP949");
    if (self->cd == (iconv_t) -1) {
        eod_log_error ("%s: no CP949 converter: %s", self->source, strerror (errno));
        free (self);
        return NULL;
    }
    return self;
}

eod_master_reader_t *
eod_master_reader_new (eod_master_kind_t kind, const char *source_name, eod_master_cb cb,
                       void *arg)
{
    assert (cb);
    eod_master_reader_t *self = s_reader_new (source_name ? source_name
                                                          : eod_master_kind_name (kind));
    if (!self)
        return NULL;
    self->layout = kind == EOD_MASTER_KOSDAQ ? &s_kosdaq_layout : &s_kospi_layout;
    self->kind = kind;
    self->kr_cb = cb;
    self->arg = arg;
    return self;
}

eod_master_reader_t *
eod_cod_reader_new (const char *source_name, eod_cod_cb cb, void *arg)
{
    assert (cb);
    eod_master_reader_t *self = s_reader_new (source_name ? source_name : "cod");
    if (!self)
        return NULL;
    self->cod = true;
    self->cod_cb = cb;
    self->arg = arg;
    return self;
}

void
eod_master_reader_destroy (eod_master_reader_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    eod_master_reader_t *self = *self_p;
    if (self->cd != (iconv_t) -1)
        iconv_close (self->cd);
    free (self->utf8);
    free (self->carry);
    free (self);
    *self_p = NULL;
}

int
eod_master_reader_feed (eod_master_reader_t *self, const void *bytes, size_t len)
{
    assert (self);
    assert (bytes || len == 0);
    if (self->stopped)
        return -1;
    const char *p = bytes, *end = p + len;
    while (p < end) {
        const char *nl = memchr (p, '\n', (size_t) (end - p));
        size_t n = nl ? (size_t) (nl - p) : (size_t) (end - p);
        int rc = 0;
        if (!nl)
            rc = s_carry (self, p, n);
        else
        if (self->line_len == 0 && n <= EOD_MASTER_LINE_MAX)
            //  The common case: a whole line inside the chunk, parsed in place.
            rc = s_line (self, p, n, n, n ? p [n - 1] : '\0');
        else
            rc = s_carry (self, p, n) ? -1 : s_carry_flush (self);
        if (rc) {
            self->stopped = true;
            return -1;
        }
        p += n + (nl ? 1 : 0);
    }
    return 0;
}

int
eod_master_reader_end (eod_master_reader_t *self)
{
    assert (self);
    if (self->stopped)
        return -1;
    if (self->line_len > 0 && s_carry_flush (self)) {
        self->stopped = true;
        return -1;
    }
    return 0;
}

const eod_master_stats_t *
eod_master_reader_stats (const eod_master_reader_t *self)
{
    assert (self);
    return &self->stats;
}

//  Walks bytes through a new reader; the stats are copied out.
static int
s_parse_all (eod_master_reader_t *reader, const char *bytes, size_t len,
             eod_master_stats_t *stats)
{
    if (!reader)
        return -1;
    int rc = eod_master_reader_feed (reader, bytes, len) || eod_master_reader_end (reader) ? -1 : 0;
    *stats = reader->stats;
    eod_master_reader_destroy (&reader);
    return rc;
}

int
eod_master_parse (eod_master_kind_t kind, const char *bytes, size_t len,
                  const char *source_name, eod_master_cb cb, void *arg,
                  eod_master_stats_t *stats)
{
    assert (bytes || len == 0);
    assert (cb);
    eod_master_stats_t local;
    if (!stats)
        stats = &local;
    memset (stats, 0, sizeof (*stats));
    return s_parse_all (eod_master_reader_new (kind, source_name, cb, arg), bytes, len, stats);
}

int
eod_cod_parse (const char *bytes, size_t len, const char *source_name,
               eod_cod_cb cb, void *arg, eod_master_stats_t *stats)
{
    assert (bytes || len == 0);
    assert (cb);
    eod_master_stats_t local;
    if (!stats)
        stats = &local;
    memset (stats, 0, sizeof (*stats));
    return s_parse_all (eod_cod_reader_new (source_name, cb, arg), bytes, len, stats);
}

//  --------------------------------------------------------------------------
//  Symbols

void
eod_us_symbol_to_kis (const char *in, char *out, size_t outsize)
{
    assert (in && out);
    if (outsize == 0)
        return;
    while (isspace ((unsigned char) *in))
        in++;
    size_t n = strlen (in);
    while (n > 0 && isspace ((unsigned char) in [n - 1]))
        n--;
    if (n >= outsize)
        n = outsize - 1;
    for (size_t i = 0; i < n; i++)
        out [i] = (char) toupper ((unsigned char) in [i]);
    out [n] = '\0';
    //  Class shares: KIS writes the class after a slash ("BRK/B"); Wikipedia
    //  and Yahoo use '.' or '-'. Only a single trailing letter is a class.
    if (n >= 3 && (out [n - 2] == '.' || out [n - 2] == '-')
    && isalpha ((unsigned char) out [n - 1]) && isalnum ((unsigned char) out [n - 3]))
        out [n - 2] = '/';
}
