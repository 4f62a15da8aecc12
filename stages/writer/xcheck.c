/*  writer xcheck — see xcheck.h. */
#include "xcheck.h"
#include "eod_date.h"
#include "eod_kis_fields.h"
#include "eod_log.h"
#include "validate.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>

#define S_CODE_MAX 16           //  a KR code (6 to 9) and its NUL
#define S_REASON_MAX 48         //  a reason as the summary shows it
#define S_INSTANT_MAX 32        //  "YYYY-MM-DDTHH:MM:SS+09:00"
#define S_VALUE_SHOWN "%.20s"   //  a value in a finding: longer ones are no numbers anyway
#define S_INTEGER_DIGITS 18     //  fits int64_t, and every amount KIS sends
#define S_KST_OFFSET_S (9 * 3600)
#define S_NO_ROW "no row"
#define S_NOT_ASKED "not asked"

//  The chart's key of each field; the multi-quote's comes from
//  eod_kis_mq_field.
static const struct {
    const char *name;
    const char *chart;
} s_fields[WRITER_XCHECK_FIELDS] = {
    [WRITER_XCHECK_OPEN] = {"open", "stck_oprc"},    [WRITER_XCHECK_HIGH] = {"high", "stck_hgpr"},
    [WRITER_XCHECK_LOW] = {"low", "stck_lwpr"},      [WRITER_XCHECK_CLOSE] = {"close", "stck_clpr"},
    [WRITER_XCHECK_VOLUME] = {"volume", "acml_vol"}, [WRITER_XCHECK_VALUE] = {"value", "acml_tr_pbmn"},
};

//  What the journal brought of one code.
typedef struct {
    char code[S_CODE_MAX];
    bool has_row;     //  a chart row of the session
    bool has_quote;   //  the quote part is settled: quoted (reason "") or not (reason)
    char reason[S_REASON_MAX];
    int64_t row_asked, quote_asked;
    char *row[WRITER_XCHECK_FIELDS];
    char *quote[WRITER_XCHECK_FIELDS];
} s_code_t;

struct _writer_xcheck_t {
    writer_xcheck_conf_t conf;
    eod_quote_window_t window;
    eod_date_t session;
    char session_text[EOD_DATE_ISO_SIZE];
    char session_compact[EOD_DATE_COMPACT_SIZE];
    zhashx_t *codes;     //  code -> s_code_t
    zhashx_t *reasons;   //  reason -> count (as a pointer-sized integer), of the last compare
    bool any;            //  a QUOTES was taken
    long checked, disagreed, not_checked, fields_disagreed;
};

static void
s_code_destroy (void **item_p)
{
    s_code_t *c = *item_p;
    if (!c)
        return;
    for (int f = 0; f < WRITER_XCHECK_FIELDS; f++) {
        free (c->row[f]);
        free (c->quote[f]);
    }
    free (c);
    *item_p = NULL;
}

writer_xcheck_t *
writer_xcheck_new (const writer_xcheck_conf_t *conf, const char *session)
{
    writer_xcheck_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->conf = *conf;
    if (conf->window)
        self->window = *conf->window;
    self->conf.window = &self->window;
    self->codes = zhashx_new ();
    self->reasons = zhashx_new ();
    if (!self->codes || !self->reasons || eod_date_parse (session, &self->session)) {
        writer_xcheck_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->codes, s_code_destroy);
    eod_date_format (self->session, self->session_text, sizeof self->session_text);
    eod_date_format_compact (self->session, self->session_compact, sizeof self->session_compact);
    return self;
}

void
writer_xcheck_destroy (writer_xcheck_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    writer_xcheck_t *self = *self_p;
    zhashx_destroy (&self->codes);
    zhashx_destroy (&self->reasons);
    free (self);
    *self_p = NULL;
}

const char *
writer_xcheck_field_name (writer_xcheck_field_t field)
{
    return field >= 0 && field < WRITER_XCHECK_FIELDS ? s_fields[field].name : "?";
}

//  The entry of code, made when new; NULL on no memory or a code that is
//  too long to be a KR code.
static s_code_t *
s_code (writer_xcheck_t *self, const char *code)
{
    if (!code || strlen (code) >= S_CODE_MAX)
        return NULL;
    s_code_t *c = zhashx_lookup (self->codes, code);
    if (c)
        return c;
    c = calloc (1, sizeof *c);
    if (!c)
        return NULL;
    snprintf (c->code, sizeof c->code, "%s", code);
    zhashx_insert (self->codes, code, c);
    return c;
}

//  A reason kept to one short line.
static void
s_reason_set (s_code_t *c, const char *reason)
{
    snprintf (c->reason, sizeof c->reason, "%s", reason && *reason ? reason : "failed");
    for (char *p = c->reason; *p; p++)
        if ((unsigned char) *p < ' ' || *p == ',')
            *p = ' ';
    c->has_quote = true;
}

//  Copies the six fields of fields (keyed by the chart's names, or by the
//  multi-quote's when multi) into out. 0 or -1 on no memory.
static int
s_values (const eod_fields_t *fields, bool multi, char *out[WRITER_XCHECK_FIELDS])
{
    for (int f = 0; f < WRITER_XCHECK_FIELDS; f++) {
        const char *key = multi ? eod_kis_mq_field (s_fields[f].chart) : s_fields[f].chart;
        const char *value = key ? eod_fields_get (fields, key) : NULL;
        out[f] = strdup (value ? value : "");
        if (!out[f])
            return -1;
    }
    return 0;
}

static int
s_take_quotes (writer_xcheck_t *self, const eod_msg_t *q)
{
    if (!q->date_from || strcmp (q->date_from, self->session_text) != 0)
        return 0;
    self->any = true;
    const char *status = q->status ? q->status : "";
    const char *reason = NULL;
    if (strcmp (status, "ok") != 0 && strcmp (status, "nodata") != 0)
        reason = strcmp (status, "skipped") == 0 ? q->error : (q->msg_cd && *q->msg_cd ? q->msg_cd : q->error);
    else {
        //  The quote is of the session only when the rule held at the
        //  moment it was asked: checked again, from the journal.
        eod_market_t market;
        eod_quote_window_verdict_t verdict = EOD_QUOTE_WINDOW_MARKET;
        if (eod_market_parse (q->market, &market) == 0)
            verdict =
                eod_quote_window_check (&self->window, self->conf.cal, market, self->session, (time_t) q->asked_at);
        if (verdict != EOD_QUOTE_WINDOW_OPEN)
            reason = eod_quote_window_reason (verdict);
    }
    for (size_t i = 0; i < q->nlist; i++) {
        s_code_t *c = s_code (self, q->list[i]);
        if (!c)
            return -1;
        if (c->has_quote)
            continue;
        if (reason) {
            s_reason_set (c, reason);
            continue;
        }
        const eod_fields_t *row = NULL;
        for (size_t r = 0; r < q->nrows && !row; r++) {
            const char *code = eod_fields_get (&q->rows[r], "inter_shrn_iscd");
            if (code && strcmp (code, c->code) == 0)
                row = &q->rows[r];
        }
        if (!row) {
            const char *state = eod_fields_get (&q->meta, c->code);
            s_reason_set (c, state ? state : "missing");
            continue;
        }
        if (s_values (row, true, c->quote))
            return -1;
        c->quote_asked = q->asked_at;
        c->has_quote = true;
    }
    return 0;
}

static int
s_take_result (writer_xcheck_t *self, const eod_msg_t *r)
{
    if (!r->market || strcmp (r->market, "kr") != 0 || !r->code)
        return 0;
    for (size_t i = 0; i < r->nrows; i++) {
        const char *date = eod_fields_get (&r->rows[i], "stck_bsop_date");
        if (!date || strcmp (date, self->session_compact) != 0)
            continue;
        s_code_t *c = s_code (self, r->code);
        if (!c)
            return -1;
        if (c->has_row)
            return 0;   //  the fold keeps the first row of (date, code) too
        if (s_values (&r->rows[i], false, c->row))
            return -1;
        c->row_asked = r->asked_at;
        c->has_row = true;
        return 0;
    }
    return 0;
}

int
writer_xcheck_take (writer_xcheck_t *self, const eod_msg_t *msg)
{
    if (msg->type == EOD_MSG_QUOTES)
        return s_take_quotes (self, msg);
    if (msg->type == EOD_MSG_RESULT)
        return s_take_result (self, msg);
    return 0;
}

bool
writer_xcheck_any (const writer_xcheck_t *self)
{
    return self->any;
}

//  ---------------------------------------------------------------- compare

//  "[+-]DIGITS" into *out. 0, or -1 when text is not a whole number that
//  fits.
static int
s_integer (const char *text, int64_t *out)
{
    const char *p = text;
    bool negative = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    int64_t n = 0;
    size_t digits = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (++digits > S_INTEGER_DIGITS)
            return -1;
        n = n * 10 + (*p - '0');
    }
    if (*p || digits == 0)
        return -1;
    *out = negative ? -n : n;
    return 0;
}

//  A request time as Seoul's wall clock, "2024-09-02T18:30:05+09:00";
//  "unknown" for 0.
static void
s_instant (int64_t at, char out[S_INSTANT_MAX])
{
    time_t local = (time_t) (at + S_KST_OFFSET_S);
    struct tm tm;
    if (at <= 0 || !gmtime_r (&local, &tm) || strftime (out, S_INSTANT_MAX, "%Y-%m-%dT%H:%M:%S+09:00", &tm) == 0)
        snprintf (out, S_INSTANT_MAX, "unknown");
}

//  Whether the two readings of field f disagree: beyond the tolerance, or
//  different where one is not a number.
static bool
s_disagree (const writer_xcheck_t *self, int f, const char *chart, const char *quote)
{
    int64_t a, b;
    if (s_integer (chart, &a) || s_integer (quote, &b))
        return strcmp (chart, quote) != 0;
    int64_t diff = a > b ? a - b : b - a;
    return diff > self->conf.tolerance[f];
}

static int
s_code_cmp (const void *a, const void *b)
{
    return strcmp ((*(s_code_t *const *) a)->code, (*(s_code_t *const *) b)->code);
}

static void
s_count_reason (writer_xcheck_t *self, const char *reason)
{
    uintptr_t n = (uintptr_t) zhashx_lookup (self->reasons, reason);
    zhashx_update (self->reasons, reason, (void *) (n + 1));
}

int
writer_xcheck_compare (writer_xcheck_t *self, writer_xcheck_note_fn *note, void *arg)
{
    self->checked = self->disagreed = self->not_checked = self->fields_disagreed = 0;
    zhashx_purge (self->reasons);
    size_t n = zhashx_size (self->codes);
    s_code_t **codes = n ? calloc (n, sizeof *codes) : NULL;
    if (n && !codes)
        return -1;
    size_t i = 0;
    for (s_code_t *c = zhashx_first (self->codes); c; c = zhashx_next (self->codes))
        codes[i++] = c;
    qsort (codes, n, sizeof *codes, s_code_cmp);
    int rc = 0;
    for (i = 0; i < n && rc == 0; i++) {
        s_code_t *c = codes[i];
        const char *why = !c->has_quote ? S_NOT_ASKED : *c->reason ? c->reason : !c->has_row ? S_NO_ROW : NULL;
        if (why) {
            self->not_checked++;
            s_count_reason (self, why);
            continue;
        }
        self->checked++;
        bool any = false;
        for (int f = 0; f < WRITER_XCHECK_FIELDS && rc == 0; f++) {
            if (!s_disagree (self, f, c->row[f], c->quote[f]))
                continue;
            any = true;
            self->fields_disagreed++;
            char row_at[S_INSTANT_MAX], quote_at[S_INSTANT_MAX], detail[WRITER_VALIDATE_DETAIL_MAX];
            s_instant (c->row_asked, row_at);
            s_instant (c->quote_asked, quote_at);
            snprintf (detail, sizeof detail,
                      "%s: chart " S_VALUE_SHOWN " quote " S_VALUE_SHOWN " (tolerance %lld); chart asked %s, quote "
                      "asked %s",
                      s_fields[f].name, c->row[f], c->quote[f], (long long) self->conf.tolerance[f], row_at, quote_at);
            if (note)
                rc = note (self->session_text, c->code, detail, arg);
        }
        self->disagreed += any;
    }
    free (codes);
    return rc;
}

long
writer_xcheck_checked (const writer_xcheck_t *self)
{
    return self->checked;
}

long
writer_xcheck_disagreed (const writer_xcheck_t *self)
{
    return self->disagreed;
}

long
writer_xcheck_not_checked (const writer_xcheck_t *self)
{
    return self->not_checked;
}

long
writer_xcheck_fields_disagreed (const writer_xcheck_t *self)
{
    return self->fields_disagreed;
}

typedef struct {
    const char *reason;
    long count;
} s_reason_t;

static int
s_reason_cmp (const void *a, const void *b)
{
    const s_reason_t *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp (x->reason, y->reason);
}

void
writer_xcheck_why (const writer_xcheck_t *self, char *why, size_t size)
{
    *why = '\0';
    size_t n = zhashx_size (self->reasons);
    s_reason_t *all = n ? calloc (n, sizeof *all) : NULL;
    if (!all)
        return;
    size_t i = 0;
    for (void *count = zhashx_first (self->reasons); count; count = zhashx_next (self->reasons))
        all[i++] = (s_reason_t){zhashx_cursor (self->reasons), (long) (uintptr_t) count};
    qsort (all, n, sizeof *all, s_reason_cmp);
    size_t used = 0;
    for (i = 0; i < n && used < size; i++)
        used += (size_t) snprintf (why + used, size - used, "%s%ld %s", i ? ", " : "", all[i].count, all[i].reason);
    free (all);
}

void
writer_xcheck_figures (const writer_xcheck_t *self, eod_fields_t *meta)
{
    char text[32], why[WRITER_XCHECK_WHY_MAX];
    snprintf (text, sizeof text, "%ld", self->checked);
    eod_fields_set (meta, "xcheck_checked", text);
    snprintf (text, sizeof text, "%ld", self->disagreed);
    eod_fields_set (meta, "xcheck_disagreed", text);
    snprintf (text, sizeof text, "%ld", self->not_checked);
    eod_fields_set (meta, "xcheck_not_checked", text);
    writer_xcheck_why (self, why, sizeof why);
    if (*why)
        eod_fields_set (meta, "xcheck_not_checked_why", why);
}
