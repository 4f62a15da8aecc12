/*  lister codelists — see codelists.h. */
#include "codelists.h"
#include "dump.h"
#include "eod_grammar.h"
#include "eod_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_PATH_MAX 1200
#define S_TMP ".tmp"
#define S_FIELD_MAX 32     //  a tail field (21 bytes at most) and its NUL
#define S_COLUMNS_MAX 80   //  columns of the widest list
#define S_MEMBERS_MIN 4096

struct _lister_codelists_t {
    char dir[S_PATH_MAX];
    char compact[9];             //  YYYYMMDD of the day
    FILE *files[LISTER_LISTS];   //  open lists of the market, NULL for the others
    bool write_failed;
    char *members;   //  "SET\tCODE\n" lines
    size_t len, cap;
    char fields[S_COLUMNS_MAX][S_FIELD_MAX];           //  one KR record's tail, cut
    signed char member[LISTER_LISTS][S_COLUMNS_MAX];   //  each column's s_memberships entry, or -1
};

//  The KR tail's columns that make a code a member of an index the summary
//  follows: a flag 'Y', or (by_class) the KOSPI200 sector code, a member's
//  sector when it is neither blank nor "0".
static const struct {
    const char *ident, *set;
    bool by_class;
} s_memberships[] = {
    {"krx300_issu_yn", "KRX300", false},     {"ksq150_nmix_yn", "KOSDAQ150", false},
    {"kospi100_issu_yn", "KOSPI100", false}, {"kospi50_issu_yn", "KOSPI50", false},
    {"krx100_issu_yn", "KRX100", false},     {"kospi200_apnt_cls_code", "KOSPI200", true},
};
#define S_MEMBERSHIPS (sizeof s_memberships / sizeof s_memberships[0])

//  Each column's entry of s_memberships (-1: none), found once per list.
static void
s_find_memberships (lister_codelists_t *self, lister_list_t list)
{
    const lister_column_t *cols;
    size_t n = lister_list_columns (list, &cols);
    memset (self->member[list], -1, sizeof self->member[list]);
    for (size_t i = 0; i < n && i < S_COLUMNS_MAX; i++)
        for (size_t m = 0; m < S_MEMBERSHIPS; m++)
            if (strcmp (cols[i].ident, s_memberships[m].ident) == 0)
                self->member[list][i] = (signed char) m;
}

int
lister_codelists_dir (const char *data_dir, const char *market, const char *day, char *out, size_t size)
{
    if (!eod_grammar_ok (EOD_G_MARKET, market, NULL, 0) || !eod_grammar_ok (EOD_G_DATE, day, NULL, 0))
        return -1;
    return eod_path_format (out, size, "%s/codes/market=%s/dt=%s", data_dir, market, day);
}

static int
s_list_path (const lister_codelists_t *self, lister_list_t list, bool tmp, char *out, size_t size)
{
    return eod_path_format (out, size, "%s/%s_%s.csv%s", self->dir, lister_list_name (list), self->compact,
                            tmp ? S_TMP : "");
}

static int
s_write_header (FILE *f, lister_list_t list)
{
    const lister_column_t *cols;
    size_t n = lister_list_columns (list, &cols);
    const char *names[S_COLUMNS_MAX];
    for (size_t i = 0; i < n && i < S_COLUMNS_MAX; i++)
        names[i] = cols[i].header;
    return lister_dump_row (f, names, n < S_COLUMNS_MAX ? n : S_COLUMNS_MAX);
}

lister_codelists_t *
lister_codelists_new (const char *data_dir, const char *market, const char *day, char *err, size_t errlen)
{
    lister_codelists_t *self = calloc (1, sizeof *self);
    if (!self) {
        eod_set_error (err, errlen, "out of memory");
        return NULL;
    }
    if (lister_codelists_dir (data_dir, market, day, self->dir, sizeof self->dir)) {
        eod_set_error (err, errlen, "%s: no snapshot directory for market %.8s and day %.16s", data_dir, market, day);
        goto failed;
    }
    snprintf (self->compact, sizeof self->compact, "%.4s%.2s%.2s", day, day + 5, day + 8);
    if (eod_mkdirs (self->dir, 0700)) {
        eod_set_error (err, errlen, "%s: cannot be made: %s", self->dir, strerror (errno));
        goto failed;
    }
    for (int l = 0; l < LISTER_LISTS; l++) {
        if (strcmp (lister_list_market ((lister_list_t) l), market) != 0)
            continue;
        s_find_memberships (self, (lister_list_t) l);
        char tmp[S_PATH_MAX];
        if (s_list_path (self, (lister_list_t) l, true, tmp, sizeof tmp) || !(self->files[l] = fopen (tmp, "w"))
            || s_write_header (self->files[l], (lister_list_t) l)) {
            eod_set_error (err, errlen, "%s: %s cannot be written: %s", self->dir, lister_list_name ((lister_list_t) l),
                           strerror (errno));
            goto failed;
        }
    }
    return self;
failed:
    lister_codelists_destroy (&self);
    return NULL;
}

void
lister_codelists_destroy (lister_codelists_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    lister_codelists_t *self = *self_p;
    for (int l = 0; l < LISTER_LISTS; l++)
        if (self->files[l]) {
            fclose (self->files[l]);
            char tmp[S_PATH_MAX];
            if (s_list_path (self, (lister_list_t) l, true, tmp, sizeof tmp) == 0)
                unlink (tmp);
        }
    free (self->members);
    free (self);
    *self_p = NULL;
}

static void
s_member (lister_codelists_t *self, const char *set, const char *code)
{
    size_t need = strlen (set) + strlen (code) + 3;
    if (self->len + need > self->cap) {
        size_t cap = self->cap ? self->cap : S_MEMBERS_MIN;
        while (self->len + need > cap)
            cap *= 2;
        char *bigger = realloc (self->members, cap);
        if (!bigger) {
            self->write_failed = true;
            return;
        }
        self->members = bigger;
        self->cap = cap;
    }
    self->len += (size_t) snprintf (self->members + self->len, self->cap - self->len, "%s\t%s\n", set, code);
}

static void
s_row (lister_codelists_t *self, lister_list_t list, const char *const *values, size_t n)
{
    if (!self->files[list] || lister_dump_row (self->files[list], values, n))
        self->write_failed = true;
}

//  A KR record's tail field at offset, trimmed, into out.
static void
s_tail_field (const char *tail, size_t tail_len, size_t offset, size_t width, char out[S_FIELD_MAX])
{
    size_t n = offset + width <= tail_len ? width : 0;
    const char *p = tail + offset;
    while (n && *p == ' ')
        p++, n--;
    while (n && p[n - 1] == ' ')
        n--;
    if (n >= S_FIELD_MAX)
        n = S_FIELD_MAX - 1;
    memcpy (out, p, n);
    out[n] = '\0';
}

//  Whether a column's value makes its code a member of s_memberships[m].
static bool
s_is_member (size_t m, const char *value)
{
    if (s_memberships[m].by_class)
        return *value && strcmp (value, "0") != 0;
    return strcmp (value, "Y") == 0;
}

int
lister_codelists_kr (lister_codelists_t *self, eod_master_kind_t kind, const eod_master_record_t *rec, bool kept)
{
    lister_list_t list = kind == EOD_MASTER_KOSDAQ ? LISTER_LIST_KOSDAQ : LISTER_LIST_KOSPI;
    const lister_column_t *cols;
    size_t n = lister_list_columns (list, &cols);
    char (*fields)[S_FIELD_MAX] = self->fields;
    const char *values[S_COLUMNS_MAX];
    values[0] = rec->short_code;
    values[1] = rec->standard_code;
    values[2] = rec->name;
    size_t tail_len = strlen (rec->tail), offset = 0;
    for (size_t i = 3; i < n && i < S_COLUMNS_MAX; i++) {
        s_tail_field (rec->tail, tail_len, offset, cols[i].width, fields[i]);
        offset += cols[i].width;
        values[i] = fields[i];
        //  Memberships: the flags of the indexes the summary follows.
        int m = self->member[list][i];
        if (m >= 0 && s_is_member ((size_t) m, fields[i]))
            s_member (self, s_memberships[m].set, rec->short_code);
    }
    s_member (self, kind == EOD_MASTER_KOSDAQ ? "KOSDAQ" : "KOSPI", rec->short_code);
    if (kept)
        s_member (self, LISTER_SET_UNIVERSE, rec->short_code);
    s_row (self, list, values, n < S_COLUMNS_MAX ? n : S_COLUMNS_MAX);
    return self->write_failed ? -1 : 0;
}

int
lister_codelists_us_master (lister_codelists_t *self, const eod_cod_record_t *rec)
{
    s_row (self, LISTER_LIST_US_MASTER, rec->cols, EOD_COD_COLUMNS);
    return self->write_failed ? -1 : 0;
}

int
lister_codelists_us_universe (lister_codelists_t *self, const us_universe_t *u)
{
    size_t n = us_universe_count (u);
    for (size_t i = 0; i < n; i++) {
        const us_instrument_t *in = us_universe_at (u, i);
        const char *values[] = {in->symbol,          in->company,          in->sector,          in->sub_industry,
                                us_flag (in->sp500), us_flag (in->nas100), us_flag (in->dow30), in->exchange_code,
                                in->exchange_name,   in->korea_name,       in->english_name,    in->security_type};
        if (in->sp500 || in->nas100 || in->dow30)
            s_row (self, LISTER_LIST_US_INDEX, values, 7);
        s_row (self, LISTER_LIST_US_STOCK, values, sizeof values / sizeof values[0]);
        if (in->sp500)
            s_member (self, "S&P500", in->symbol);
        if (in->nas100)
            s_member (self, "NAS100", in->symbol);
        if (in->dow30)
            s_member (self, "DOW30", in->symbol);
        if (in->exchange_code[0])
            s_member (self, LISTER_SET_UNIVERSE, in->symbol);
    }
    return self->write_failed ? -1 : 0;
}

int
lister_codelists_commit (lister_codelists_t *self, char *err, size_t errlen)
{
    int rc = self->write_failed ? -1 : 0;
    char last[S_PATH_MAX] = "";
    for (int l = 0; l < LISTER_LISTS; l++) {
        FILE *f = self->files[l];
        if (!f)
            continue;
        self->files[l] = NULL;
        char tmp[S_PATH_MAX], path[S_PATH_MAX];
        bool ok = rc == 0 && fflush (f) == 0 && fsync (fileno (f)) == 0;
        ok &= fclose (f) == 0;
        ok = ok && s_list_path (self, (lister_list_t) l, true, tmp, sizeof tmp) == 0
             && s_list_path (self, (lister_list_t) l, false, path, sizeof path) == 0 && rename (tmp, path) == 0;
        if (!ok) {
            if (rc == 0)
                eod_set_error (err, errlen, "%s: %s could not be written: %s", self->dir,
                               lister_list_name ((lister_list_t) l),
                               self->write_failed ? "a write failed" : strerror (errno));
            if (s_list_path (self, (lister_list_t) l, true, tmp, sizeof tmp) == 0)
                unlink (tmp);
            rc = -1;
        }
        else
            memcpy (last, path, sizeof last);
    }
    if (rc == 0 && *last)
        eod_fsync_dir_of (last);
    else if (rc && err && !*err)
        eod_set_error (err, errlen, "%s: the lists could not be written", self->dir);
    return rc;
}

const char *
lister_codelists_members (const lister_codelists_t *self, size_t *len)
{
    *len = self->len;
    return self->members ? self->members : "";
}
