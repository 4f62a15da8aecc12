/*  eod_fields — an ordered list of string key/value pairs.

    The unit of data between the stages: a price row (KIS output1/output2 field
    names to their string values, as the API sends them), an instrument's
    metadata (master-file or index columns), an event's fields. Order is kept
    (insertion order) so encodings are deterministic. */
#ifndef EOD_FIELDS_H
#define EOD_FIELDS_H

#include <stddef.h>

typedef struct {
    char *key;
    char *value;
} eod_field_t;

typedef struct {
    eod_field_t *items;
    size_t count;
    size_t cap;
} eod_fields_t;

#define EOD_FIELDS_INIT                                                                                                \
    {                                                                                                                  \
        NULL, 0, 0                                                                                                     \
    }

//  Copies key and value; replaces the value when key exists. 0 or -1 (no memory).
int eod_fields_set (eod_fields_t *self, const char *key, const char *value);

//  Like eod_fields_set with a length-bounded value (need not be NUL-terminated).
int eod_fields_setn (eod_fields_t *self, const char *key, const char *value, size_t len);

//  Appends key and value, malloc'd strings it takes (it frees them when it
//  fails), without looking for key: for a caller that knows key is new. 0 or
//  -1 (no memory).
int eod_fields_adopt (eod_fields_t *self, char *key, char *value);

//  Borrowed value of key, or NULL.
const char *eod_fields_get (const eod_fields_t *self, const char *key);

//  Deep copy of src appended/replaced into self. 0 or -1.
int eod_fields_merge (eod_fields_t *self, const eod_fields_t *src);

//  Frees every pair; self is empty and reusable afterwards.
void eod_fields_clear (eod_fields_t *self);

//  Frees an array of n field lists and the array itself; nulls *rows_p.
void eod_fields_array_free (eod_fields_t **rows_p, size_t n);

#endif
