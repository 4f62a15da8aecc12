/*  sim_buf — the growable text buffer of eod-sim's generated documents.
    See sim_buf.h. */
#include "sim_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define SIM_BUF_INITIAL 4096

int
sim_buf_printf (sim_buf_t *buf, const char *format, ...)
{
    if (buf->failed)
        return -1;
    while (true) {
        size_t room = buf->cap - buf->len;
        va_list args;
        va_start (args, format);
        int n = buf->data ? vsnprintf (buf->data + buf->len, room, format, args) : -2;
        va_end (args);
        if (n == -1) {
            buf->failed = true;
            return -1;
        }
        if (n >= 0 && (size_t) n < room) {
            buf->len += (size_t) n;
            return 0;
        }
        size_t need = buf->len + (n > 0 ? (size_t) n : 0) + 1;
        size_t cap = buf->cap ? buf->cap : SIM_BUF_INITIAL;
        while (cap < need)
            cap *= 2;
        char *grown = realloc (buf->data, cap);
        if (!grown) {
            buf->failed = true;
            return -1;
        }
        buf->data = grown;
        buf->cap = cap;
    }
}

int
sim_buf_html (sim_buf_t *buf, const char *text)
{
    for (const char *p = text; *p; p++) {
        int rc = *p == '&'   ? sim_buf_printf (buf, "&amp;")
                 : *p == '<' ? sim_buf_printf (buf, "&lt;")
                 : *p == '>' ? sim_buf_printf (buf, "&gt;")
                 : *p == '"' ? sim_buf_printf (buf, "&quot;")
                             : sim_buf_printf (buf, "%c", *p);
        if (rc)
            return -1;
    }
    return 0;
}

char *
sim_buf_take (sim_buf_t *buf, size_t *len)
{
    char *data = buf->failed ? NULL : buf->data;
    if (buf->failed)
        free (buf->data);
    if (len)
        *len = data ? buf->len : 0;
    buf->data = NULL;
    buf->len = buf->cap = 0;
    buf->failed = false;
    return data;
}
