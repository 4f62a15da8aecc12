/*  eod_fields — see eod_fields.h. */
#include "eod_fields.h"

#include <stdlib.h>
#include <string.h>

static int
s_grow (eod_fields_t *self)
{
    if (self->count < self->cap)
        return 0;
    size_t cap = self->cap ? self->cap * 2 : 16;
    eod_field_t *items = realloc (self->items, cap * sizeof *items);
    if (!items)
        return -1;
    self->items = items;
    self->cap = cap;
    return 0;
}

int
eod_fields_setn (eod_fields_t *self, const char *key, const char *value, size_t len)
{
    char *copy = malloc (len + 1);
    if (!copy)
        return -1;
    memcpy (copy, value, len);
    copy[len] = '\0';
    for (size_t i = 0; i < self->count; i++)
        if (strcmp (self->items[i].key, key) == 0) {
            free (self->items[i].value);
            self->items[i].value = copy;
            return 0;
        }
    char *kcopy = strdup (key);
    if (!kcopy) {
        free (copy);
        return -1;
    }
    return eod_fields_adopt (self, kcopy, copy);
}

int
eod_fields_adopt (eod_fields_t *self, char *key, char *value)
{
    if (s_grow (self)) {
        free (key);
        free (value);
        return -1;
    }
    self->items[self->count].key = key;
    self->items[self->count].value = value;
    self->count++;
    return 0;
}

int
eod_fields_set (eod_fields_t *self, const char *key, const char *value)
{
    return eod_fields_setn (self, key, value ? value : "", value ? strlen (value) : 0);
}

const char *
eod_fields_get (const eod_fields_t *self, const char *key)
{
    for (size_t i = 0; i < self->count; i++)
        if (strcmp (self->items[i].key, key) == 0)
            return self->items[i].value;
    return NULL;
}

int
eod_fields_merge (eod_fields_t *self, const eod_fields_t *src)
{
    for (size_t i = 0; i < src->count; i++)
        if (eod_fields_set (self, src->items[i].key, src->items[i].value))
            return -1;
    return 0;
}

void
eod_fields_clear (eod_fields_t *self)
{
    for (size_t i = 0; i < self->count; i++) {
        free (self->items[i].key);
        free (self->items[i].value);
    }
    free (self->items);
    self->items = NULL;
    self->count = self->cap = 0;
}

void
eod_fields_array_free (eod_fields_t **rows_p, size_t n)
{
    if (!rows_p || !*rows_p)
        return;
    for (size_t i = 0; i < n; i++)
        eod_fields_clear (&(*rows_p)[i]);
    free (*rows_p);
    *rows_p = NULL;
}
