/*  master_reader — the streaming reader of a master file: takes the bytes
    in chunks of any size, cuts them into lines (LF or CRLF, a line split
    between chunks carried over, an overlong one kept only in part), counts
    blank lines and hands each other line to its layout's parser
    (master_mst.c, master_cod.c). eod_master_parse and eod_cod_parse run a
    whole buffer through it, so both ways give the same records, stats and
    log lines. See eod_master.h. */
#include "master_internal.h"
#include "eod_log.h"
#include "eod_log_cap.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  First size of the buffer that carries a line split between two chunks.
#define S_CARRY_MIN 512

//  Reports a garbled record or line and counts it.
void
master_garbled (eod_master_reader_t *self, size_t lineno, const char *why, const char *code)
{
    self->stats.garbled++;
    if (self->cod)
        eod_log_warn_capped ("garbled master record", "%s:%zu: garbled .cod record skipped: %s (symbol %s)",
                             self->source, lineno, why, *code ? code : MASTER_NO_CODE);
    else
        eod_log_warn_capped ("garbled master record", "%s:%zu: garbled %s record skipped: %s (code %s)", self->source,
                             lineno, eod_master_kind_name (self->kind), why, code);
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
    if (n == len && master_trim (line, n, &s) == 0) {
        self->stats.blank++;
        return 0;
    }
    return self->cod ? master_cod_line (self, line, n, len, lineno) : master_mst_line (self, line, n, len, lineno);
}

//  Appends bytes to the line under way, keeping at most EOD_MASTER_LINE_MAX.
static int
s_carry (eod_master_reader_t *self, const char *bytes, size_t n)
{
    if (n == 0)
        return 0;
    self->line_len += n;
    self->last = bytes[n - 1];
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

eod_master_reader_t *
master_reader_new (const char *source_name)
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
    if (len > EOD_MASTER_SIZE_MAX - self->bytes) {
        eod_log_error ("%s: more than %zu bytes: no master file is this big; reading stopped", self->source,
                       EOD_MASTER_SIZE_MAX);
        self->stopped = true;
        return -1;
    }
    self->bytes += len;
    const char *p = bytes, *end = p + len;
    while (p < end) {
        const char *nl = memchr (p, '\n', (size_t) (end - p));
        size_t n = nl ? (size_t) (nl - p) : (size_t) (end - p);
        int rc = 0;
        if (!nl)
            rc = s_carry (self, p, n);
        else if (self->line_len == 0 && n <= EOD_MASTER_LINE_MAX)
            //  The common case: a whole line inside the chunk, parsed in place.
            rc = s_line (self, p, n, n, n ? p[n - 1] : '\0');
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

//  Walks bytes through a new reader (NULL: it could not be made) and
//  destroys it; the stats are copied out when stats is not NULL, zeroed
//  when there was no reader.
static int
s_parse_all (eod_master_reader_t *reader, const char *bytes, size_t len, eod_master_stats_t *stats)
{
    eod_master_stats_t local;
    if (!stats)
        stats = &local;
    memset (stats, 0, sizeof (*stats));
    if (!reader)
        return -1;
    int rc = eod_master_reader_feed (reader, bytes, len) || eod_master_reader_end (reader) ? -1 : 0;
    *stats = reader->stats;
    eod_master_reader_destroy (&reader);
    return rc;
}

int
eod_master_parse (eod_master_kind_t kind, const char *bytes, size_t len, const char *source_name, eod_master_cb cb,
                  void *arg, eod_master_stats_t *stats)
{
    assert (bytes || len == 0);
    assert (cb);
    return s_parse_all (eod_master_reader_new (kind, source_name, cb, arg), bytes, len, stats);
}

int
eod_cod_parse (const char *bytes, size_t len, const char *source_name, eod_cod_cb cb, void *arg,
               eod_master_stats_t *stats)
{
    assert (bytes || len == 0);
    assert (cb);
    return s_parse_all (eod_cod_reader_new (source_name, cb, arg), bytes, len, stats);
}
