/*  eod_grammar_internal — what the files of the grammars share (see
    eod_grammar.h): the refusal, the character classes (ASCII only: a
    locale must not widen a grammar), IPv4 addresses and the URL grammar.
    Not for use outside proto/eod_grammar*.c. */
#ifndef EOD_GRAMMAR_INTERNAL_H
#define EOD_GRAMMAR_INTERNAL_H

#include "eod_grammar.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

//  Writes the reason of a refusal into why (may be NULL); returns false.
bool eod_grammar_no (char *why, size_t whylen, const char *format, ...) __attribute__ ((format (printf, 3, 4)));

//  A length of 1 to max bytes; else false with why ("is empty", "is N
//  bytes, over MAX").
bool eod_grammar_length (size_t len, size_t max, char *why, size_t whylen);

static inline bool
eod_grammar_is_digit (char c)
{
    return c >= '0' && c <= '9';
}

static inline bool
eod_grammar_is_upper (char c)
{
    return c >= 'A' && c <= 'Z';
}

static inline bool
eod_grammar_is_lower (char c)
{
    return c >= 'a' && c <= 'z';
}

static inline bool
eod_grammar_is_alnum (char c)
{
    return eod_grammar_is_digit (c) || eod_grammar_is_upper (c) || eod_grammar_is_lower (c);
}

static inline bool
eod_grammar_is_hex (char c)
{
    return eod_grammar_is_digit (c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

//  True when the len bytes at s are a dotted IPv4 address.
bool eod_grammar_is_ipv4 (const char *s, size_t len);

//  The URL grammar (EOD_G_URL).
bool eod_grammar_url (const char *s, char *why, size_t whylen);

#endif
