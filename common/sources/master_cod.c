/*  master_cod — the US master files (nasmst.cod, nysmst.cod, amsmst.cod):
    TAB-separated CP949 lines, no header row, that the lister reads to map
    each US symbol to its KIS exchange code. Also the KIS spelling of a US
    ticker (class shares "BRK/B"), used where symbols come from elsewhere
    (the index pages). See eod_master.h. */
#include "master_internal.h"
#include "eod_log.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  Columns of a .cod line we read (kis-open-api.md §6.3).
#define S_COD_MIN_COLUMNS 10
#define S_COD_MAX_COLUMNS EOD_COD_COLUMNS
//  Longest symbol echoed from a line that failed conversion.
#define S_COD_SYMBOL_LOG_MAX 32
enum {
    S_COD_NCOD = 0, S_COD_EXID = 1, S_COD_EXCD = 2, S_COD_EXNM = 3,
    S_COD_SYMB = 4, S_COD_RSYM = 5, S_COD_KNAM = 6, S_COD_ENAM = 7,
    S_COD_STIS = 8, S_COD_CURR = 9, S_COD_BASE = 12, S_COD_ETYP = 22
};

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
    size_t len = master_trim (p, (size_t) ((tab ? tab : end) - p), &s);
    if (len == 0 || len >= outsize || !master_all (s, len, isgraph))
        return;
    memcpy (out, s, len);
    out [len] = '\0';
}

//  One .cod line, as master_mst_line.
int
master_cod_line (eod_master_reader_t *self, const char *line, size_t n, size_t len, size_t lineno)
{
    char why [MASTER_WHY_MAX] = "";
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
    if (master_cp949_to_utf8 (self->cd, line, n, self->utf8, self->utf8_size) < 0) {
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
        .base_price = cols [S_COD_BASE], .etp_kind = cols [S_COD_ETYP],
        .cols = (const char *const *) cols
    };
    self->stats.records++;
    return self->cod_cb (&rec, self->arg) ? -1 : 0;

garbled:
    master_garbled (self, lineno, why, symbol);
    return 0;
}

eod_master_reader_t *
eod_cod_reader_new (const char *source_name, eod_cod_cb cb, void *arg)
{
    assert (cb);
    eod_master_reader_t *self = master_reader_new (source_name ? source_name : "cod");
    if (!self)
        return NULL;
    self->cod = true;
    self->cod_cb = cb;
    self->arg = arg;
    return self;
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
