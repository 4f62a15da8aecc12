/*  sim_buf — a growable text buffer for the documents eod-sim generates at
    start (the Wikipedia articles, the US .cod files): printf-style appends,
    HTML escaping, and hand-over of the text. A failed allocation is sticky:
    every later append reports -1 and sim_buf_take answers NULL, so a
    generator may append freely and check once. */
#ifndef SIM_BUF_H
#define SIM_BUF_H

#include <stdbool.h>
#include <stddef.h>

//  Zero-initialise ({NULL, 0, 0, false}) before the first append.
typedef struct {
    char *data;
    size_t len, cap;
    bool failed;
} sim_buf_t;

//  Appends formatted text. 0, or -1 once memory ran out.
int sim_buf_printf (sim_buf_t *buf, const char *format, ...) __attribute__ ((format (printf, 2, 3)));
//  Appends text with & < > " escaped for HTML. 0 or -1.
int sim_buf_html (sim_buf_t *buf, const char *text);
//  The text (caller frees; NULL when an append failed) and its length; the
//  buffer is empty again afterwards.
char *sim_buf_take (sim_buf_t *buf, size_t *len);

#endif
