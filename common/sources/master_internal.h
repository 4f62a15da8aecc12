/*  master_internal — what the files of the master-file reader share; not for
    the stages, which include eod_master.h only.

    The reader is one library in five parts: master_zip (the one zip reader:
    an archive entry inflated a chunk at a time), master_reader (the
    streaming reader that cuts the bytes into lines), master_mst (the KOSPI
    and KOSDAQ fixed-width records), master_cod (the US TAB-separated
    records) and master_text (fields and CP949). A reader is made by its
    layout's constructor (eod_master_reader_new, eod_cod_reader_new) on top
    of master_reader_new; each line it completes goes to the layout's line
    parser. */
#ifndef MASTER_INTERNAL_H
#define MASTER_INTERNAL_H

#include "eod_master.h"

#include <iconv.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

//  Room for a reason text in a log line.
#define MASTER_WHY_MAX 160
//  Short code shown for a record too broken to have one.
#define MASTER_NO_CODE "?"

//  Byte offsets of a KR layout (master_mst.c).
typedef struct _master_layout_t master_layout_t;

struct _eod_master_reader_t {
    bool cod;                        //  a US .cod file, else KR fixed width
    const master_layout_t *layout;   //  KR only
    eod_master_kind_t kind;          //  KR only
    iconv_t cd;
    char source[EOD_MASTER_SOURCE_MAX];
    eod_master_cb *kr_cb;
    eod_cod_cb *cod_cb;
    void *arg;
    eod_master_stats_t stats;
    bool stopped;              //  the callback stopped the parse, or the file was too big
    size_t bytes;              //  bytes fed so far (at most EOD_MASTER_SIZE_MAX)
    eod_master_record_t rec;   //  KR scratch record
    char *utf8;                //  .cod: UTF-8 copy of the current line
    size_t utf8_size;
    //  The line under way: its first bytes (at most EOD_MASTER_LINE_MAX),
    //  its whole length so far, and its last byte (a CR to strip).
    char *carry;
    size_t carry_len;
    size_t carry_cap;
    size_t line_len;
    char last;
};

//  ---------------------------------------------------------------------------
//  master_text

//  Trimmed view (spaces) of [p, p + n): sets *start and returns the length.
size_t master_trim (const char *p, size_t n, const char **start);

//  True when pred holds for each of the n bytes at p (and when n is 0).
bool master_all (const char *p, size_t n, int (*pred) (int));

//  Converts CP949 bytes to UTF-8 into out (NUL-terminated). Returns the
//  output length, or -1 when the input is not valid CP949 or does not fit.
ssize_t master_cp949_to_utf8 (iconv_t cd, const char *in, size_t inlen, char *out, size_t outsize);

//  ---------------------------------------------------------------------------
//  master_reader

//  A reader with its CP949 converter and source name (copied) and nothing of
//  a layout yet; the layout's constructor fills that in. Returns NULL
//  (logged) when out of memory or without a CP949 converter.
eod_master_reader_t *master_reader_new (const char *source_name);

//  Counts a garbled record or line and logs it with its line and code
//  (symbol, for .cod; "" reads as MASTER_NO_CODE).
void master_garbled (eod_master_reader_t *self, size_t lineno, const char *why, const char *code);

//  ---------------------------------------------------------------------------
//  The line parsers: line holds the first n bytes of a line of len bytes
//  (n < len only when the line is over EOD_MASTER_LINE_MAX), without its
//  terminator. A good record goes to the callback, a garbled one to
//  master_garbled. Return 0 to go on, -1 when the callback stopped the
//  parse (or, .cod, memory ran out).

int master_mst_line (eod_master_reader_t *self, const char *line, size_t n, size_t len, size_t lineno);
int master_cod_line (eod_master_reader_t *self, const char *line, size_t n, size_t len, size_t lineno);

#endif
