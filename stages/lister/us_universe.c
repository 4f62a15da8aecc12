/*  lister us_universe — the US universe: index tables, extra tickers and the
    KIS .cod masters merged into one sorted row per symbol (see
    us_universe.h). */
#include "us_universe.h"

#include "eod_log.h"
#include "eod_log_cap.h"
#include "eod_util.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  Index order for field precedence: S&P 500 first, as in the reference's
//  concat-then-drop_duplicates(keep='first').
typedef enum {
    S_INDEX_SP500 = 0,
    S_INDEX_NAS100 = 1,
    S_INDEX_DOW30 = 2,
    S_INDEX_NONE = 3   //  rank of a field no index has filled yet
} s_index_t;

//  Room to map a raw ticker before checking its length: anything longer
//  than US_SYMBOL_MAX - 1 is rejected, this only has to tell "too long".
#define S_SYMBOL_SCRATCH 64
//  First allocation of the instrument array and of the extras list.
#define S_INITIAL_CAP 256
//  How much of a bad ticker an error message quotes.
#define S_QUOTE_MAX 40

//  One instrument and, per index field, the rank of the index it came from.
typedef struct {
    us_instrument_t pub;
    s_index_t company_rank;
    s_index_t sector_rank;
    s_index_t sub_industry_rank;
} s_entry_t;

struct _us_universe_t {
    s_entry_t *entries;   //  sorted by pub.symbol (strcmp)
    size_t count;
    size_t cap;
};

us_universe_t *
us_universe_new (void)
{
    us_universe_t *self = calloc (1, sizeof (*self));
    return self;
}

void
us_universe_destroy (us_universe_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    us_universe_t *self = *self_p;
    free (self->entries);
    free (self);
    *self_p = NULL;
}

const char *
us_flag (bool b)
{
    return b ? "1" : "0";
}

//  Copies src into dst [size], cutting at a UTF-8 character boundary when
//  it does not fit (a cut name must still be valid UTF-8 in the CSV).
static void
s_copy_utf8 (char *dst, size_t size, const char *src)
{
    assert (size > 0);
    size_t n = strlen (src);
    if (n >= size) {
        n = size - 1;
        //  Back off over continuation bytes (10xxxxxx) to a lead byte, and
        //  drop the lead byte too: its sequence would be incomplete.
        while (n > 0 && ((unsigned char) src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy (dst, src, n);
    dst[n] = '\0';
}

//  True for the characters a ticker may hold in either spelling.
static bool
s_is_ticker_char (char c)
{
    return isalnum ((unsigned char) c) || c == '.' || c == '-' || c == '/';
}

//  Maps raw to the KIS form in out [US_SYMBOL_MAX]. Returns 0, or -1 with
//  *why set when the ticker is empty, too long or holds other characters.
static int
s_symbol_kis (const char *raw, char *out, const char **why)
{
    char scratch[S_SYMBOL_SCRATCH];
    eod_us_symbol_to_kis (raw, scratch, sizeof (scratch));
    size_t n = strlen (scratch);
    if (n == 0) {
        *why = "empty";
        return -1;
    }
    if (n >= US_SYMBOL_MAX) {
        *why = "too long";
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (!s_is_ticker_char (scratch[i])) {
            *why = "not letters, digits, '.', '-' or '/'";
            return -1;
        }
    memcpy (out, scratch, n + 1);
    return 0;
}

//  Binary search: returns the index of symbol, or where it would go with
//  *found false.
static size_t
s_search (const us_universe_t *self, const char *symbol, bool *found)
{
    size_t lo = 0, hi = self->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp (self->entries[mid].pub.symbol, symbol);
        if (cmp == 0) {
            *found = true;
            return mid;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

//  The entry of symbol (KIS form), created in order when new. NULL when out
//  of memory.
static s_entry_t *
s_upsert (us_universe_t *self, const char *symbol)
{
    bool found;
    size_t at = s_search (self, symbol, &found);
    if (found)
        return &self->entries[at];
    if (self->count == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : S_INITIAL_CAP;
        s_entry_t *entries = realloc (self->entries, cap * sizeof (*entries));
        if (!entries)
            return NULL;
        self->entries = entries;
        self->cap = cap;
    }
    memmove (&self->entries[at + 1], &self->entries[at], (self->count - at) * sizeof (*self->entries));
    self->count++;
    s_entry_t *entry = &self->entries[at];
    memset (entry, 0, sizeof (*entry));
    s_copy_utf8 (entry->pub.symbol, sizeof (entry->pub.symbol), symbol);
    entry->company_rank = entry->sector_rank = entry->sub_industry_rank = S_INDEX_NONE;
    return entry;
}

//  Sets an index field when value is not empty and index ranks before the
//  index that filled it so far.
static void
s_set_ranked (char *field, size_t size, s_index_t *rank, const char *value, s_index_t index)
{
    if (!value || *value == '\0' || index >= *rank)
        return;
    s_copy_utf8 (field, size, value);
    *rank = index;
}

int
us_universe_add_index (us_universe_t *self, const char *which, const eod_wiki_table_t *table)
{
    assert (self && which && table);
    s_index_t index;
    if (strcmp (which, US_UNIVERSE_SP500) == 0)
        index = S_INDEX_SP500;
    else if (strcmp (which, US_UNIVERSE_NAS100) == 0)
        index = S_INDEX_NAS100;
    else if (strcmp (which, US_UNIVERSE_DOW30) == 0)
        index = S_INDEX_DOW30;
    else {
        eod_log_error ("us universe: unknown index \"%s\"", which);
        return -1;
    }
    size_t skipped = 0;
    for (size_t i = 0; i < table->nrows; i++) {
        const eod_wiki_row_t *row = &table->rows[i];
        char symbol[US_SYMBOL_MAX];
        const char *why = NULL;
        if (!row->symbol || s_symbol_kis (row->symbol, symbol, &why)) {
            eod_log_warn_capped ("us universe bad symbol", "us universe: %s row %zu: bad symbol \"%.*s\" (%s), skipped",
                                 which, i + 1, S_QUOTE_MAX, row->symbol ? row->symbol : "", why ? why : "missing");
            skipped++;
            continue;
        }
        s_entry_t *entry = s_upsert (self, symbol);
        if (!entry) {
            eod_log_error ("us universe: out of memory adding %s", which);
            return -1;
        }
        us_instrument_t *pub = &entry->pub;
        if (index == S_INDEX_SP500)
            pub->sp500 = true;
        else if (index == S_INDEX_NAS100)
            pub->nas100 = true;
        else
            pub->dow30 = true;
        s_set_ranked (pub->company, sizeof (pub->company), &entry->company_rank, row->company, index);
        s_set_ranked (pub->sector, sizeof (pub->sector), &entry->sector_rank, row->sector, index);
        s_set_ranked (pub->sub_industry, sizeof (pub->sub_industry), &entry->sub_industry_rank, row->sub_industry,
                      index);
    }
    eod_log_info ("us universe: %s: %zu rows, %zu skipped, %zu symbols in all", which, table->nrows, skipped,
                  self->count);
    return 0;
}

//  Trims line in place to its ticker: drops a '#' comment and surrounding
//  whitespace. Returns the ticker ("" for a blank or comment line).
static char *
s_extras_ticker (char *line)
{
    char *hash = strchr (line, '#');
    if (hash)
        *hash = '\0';
    while (isspace ((unsigned char) *line))
        line++;
    size_t n = strlen (line);
    while (n > 0 && isspace ((unsigned char) line[n - 1]))
        n--;
    line[n] = '\0';
    return line;
}

int
us_universe_add_extras (us_universe_t *self, const char *path, char *err, size_t errlen)
{
    assert (self && path);
    int rc = -1;
    char *line = NULL;
    size_t linecap = 0;
    char (*tickers)[US_SYMBOL_MAX] = NULL;
    size_t ntickers = 0, cap = 0;
    if (err && errlen)
        err[0] = '\0';

    FILE *file = fopen (path, "r");
    if (!file) {
        if (err)
            eod_set_error (err, errlen, "%s: %s", path, strerror (errno));
        goto out;
    }
    size_t lineno = 0;
    ssize_t got;
    while ((got = getline (&line, &linecap, file)) != -1) {
        lineno++;
        if (memchr (line, '\0', (size_t) got)) {
            if (err)
                eod_set_error (err, errlen, "%s:%zu: NUL byte in line", path, lineno);
            goto out;
        }
        char *ticker = s_extras_ticker (line);
        if (*ticker == '\0')
            continue;
        const char *why = NULL;
        if (strpbrk (ticker, " \t\v\f\r"))
            why = "more than one ticker on the line";
        if (ntickers == cap) {
            size_t ncap = cap ? cap * 2 : S_INITIAL_CAP;
            char (*grown)[US_SYMBOL_MAX] = realloc (tickers, ncap * sizeof (*grown));
            if (!grown) {
                if (err)
                    eod_set_error (err, errlen, "%s: out of memory", path);
                goto out;
            }
            tickers = grown;
            cap = ncap;
        }
        if (why || s_symbol_kis (ticker, tickers[ntickers], &why)) {
            if (err)
                eod_set_error (err, errlen, "%s:%zu: bad ticker \"%.*s\" (%s)", path, lineno, S_QUOTE_MAX, ticker, why);
            goto out;
        }
        ntickers++;
    }
    if (ferror (file)) {
        if (err)
            eod_set_error (err, errlen, "%s: read error after line %zu", path, lineno);
        goto out;
    }
    for (size_t i = 0; i < ntickers; i++) {
        s_entry_t *entry = s_upsert (self, tickers[i]);
        if (!entry) {
            if (err)
                eod_set_error (err, errlen, "%s: out of memory", path);
            goto out;
        }
        entry->pub.extra = true;
    }
    eod_log_info ("us universe: %s: %zu extra tickers, %zu symbols in all", path, ntickers, self->count);
    rc = 0;
out:
    if (file)
        fclose (file);
    free (line);
    free (tickers);
    return rc;
}

//  True when code looks like an exchange code: 1..3 upper-case letters.
static bool
s_valid_exchange (const char *code)
{
    size_t n = strlen (code);
    if (n == 0 || n >= sizeof (((us_instrument_t *) 0)->exchange_code))
        return false;
    for (size_t i = 0; i < n; i++)
        if (code[i] < 'A' || code[i] > 'Z')
            return false;
    return true;
}

void
us_universe_add_master (us_universe_t *self, const eod_cod_record_t *rec)
{
    assert (self && rec);
    char symbol[US_SYMBOL_MAX];
    const char *why = NULL;
    //  A master symbol that cannot be a ticker cannot be in the universe.
    if (!rec->symbol || s_symbol_kis (rec->symbol, symbol, &why))
        return;
    bool found;
    size_t at = s_search (self, symbol, &found);
    if (!found)
        return;
    us_instrument_t *pub = &self->entries[at].pub;
    const char *excd = rec->exchange_code ? rec->exchange_code : "";
    if (!s_valid_exchange (excd)) {
        eod_log_warn_capped ("us universe bad exchange code",
                             "us universe: .cod line %zu: bad exchange code \"%.*s\" (symbol %s), "
                             "skipped",
                             rec->line, S_QUOTE_MAX, excd, symbol);
        return;
    }
    if (*pub->exchange_code) {
        if (strcmp (pub->exchange_code, excd) != 0)
            eod_log_warn_capped ("us universe symbol in two masters",
                                 "us universe: %s is in the %s and %s masters (.cod line %zu), "
                                 "keeping %s",
                                 symbol, pub->exchange_code, excd, rec->line, pub->exchange_code);
        return;
    }
    s_copy_utf8 (pub->exchange_code, sizeof (pub->exchange_code), excd);
    s_copy_utf8 (pub->exchange_name, sizeof (pub->exchange_name), rec->exchange_name ? rec->exchange_name : "");
    s_copy_utf8 (pub->korea_name, sizeof (pub->korea_name), rec->korea_name ? rec->korea_name : "");
    s_copy_utf8 (pub->english_name, sizeof (pub->english_name), rec->english_name ? rec->english_name : "");
    s_copy_utf8 (pub->security_type, sizeof (pub->security_type), rec->security_type ? rec->security_type : "");
}

size_t
us_universe_count (const us_universe_t *self)
{
    assert (self);
    return self->count;
}

const us_instrument_t *
us_universe_at (const us_universe_t *self, size_t i)
{
    assert (self);
    return i < self->count ? &self->entries[i].pub : NULL;
}

size_t
us_universe_absent (const us_universe_t *self, const char **symbols, size_t max)
{
    assert (self);
    assert (symbols || max == 0);
    size_t absent = 0;
    for (size_t i = 0; i < self->count; i++) {
        const us_instrument_t *pub = &self->entries[i].pub;
        if (*pub->exchange_code)
            continue;
        if (absent < max)
            symbols[absent] = pub->symbol;
        absent++;
    }
    return absent;
}
