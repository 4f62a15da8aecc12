/*  inject_fields — a valid message of any type of the table, every field set
    to a value its grammar takes (proto/eod_grammar.h), and the same message
    with the bytes of one field replaced: what eod-inject's type:NAME and
    field:TYPE:NAME=HEX kinds send (tests/chaos/test_hostile.sh sends '../',
    '/', NUL, over-long, empty and invalid UTF-8 values of each field a stage
    takes, and expects each refused with a line naming the field). */
#ifndef INJECT_FIELDS_H
#define INJECT_FIELDS_H

#include <msgpack.h>
#include <stddef.h>

#include "eod_proto.h"

//  Sets every string, list, map and row field the table names for m's type
//  to a value its grammar takes (integers stay 0). 0, or -1 on no memory.
int inject_fields_fill (eod_msg_t *m);

//  Writes into out (an initialised sbuffer) the message spec names,
//  "TYPE:NAME=HEX": a valid TYPE (inject_fields_fill) whose field NAME holds
//  the bytes HEX spells (two hex digits a byte, "" for an empty string), so
//  a NUL or a byte that is not UTF-8 travels as it is; a list field becomes
//  a list of that one entry. NAME need not be set in the valid message (an
//  optional field is added). 0, or -1 with err saying why (unknown type or
//  field, bad hex, a field that is not a string or list).
int inject_fields_override (const char *spec, msgpack_sbuffer *out, char *err, size_t errlen);

#endif
