/*  eod_proto_internal — what the files of proto/ share: the shape of the
    message table (eod_proto_table.c) that the codec, the JSON writer and the
    route check walk. Not for use outside proto/. */
#ifndef EOD_PROTO_INTERNAL_H
#define EOD_PROTO_INTERNAL_H

#include "eod_grammar.h"
#include "eod_proto.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    EOD_K_STR,
    EOD_K_INT,
    EOD_K_FIELDS,
    EOD_K_ROWS,
    EOD_K_LIST
} eod_proto_kind_t;

typedef struct {
    const char *name;   //  key on the wire
    eod_proto_kind_t kind;
    size_t offset;   //  into eod_msg_t
    bool required;
    bool secret;             //  never written to a trace, a log or JSON
    eod_grammar_t grammar;   //  a string's, or each entry of a list's (maps: text)
} eod_proto_field_t;

//  One link a type travels: sender stage, receiver stage ("*" for every
//  stage, "tools" for programs that watch a trace), [endpoints] key.
typedef struct {
    const char *from;
    const char *to;
    const char *endpoint;
} eod_proto_route_t;

#define EOD_PROTO_ROUTES_MAX 8

typedef struct {
    const char *name;                                 //  "TASK"
    const char *purpose;                              //  one sentence
    const eod_proto_field_t *fields;                  //  ends with a NULL name
    eod_proto_route_t routes[EOD_PROTO_ROUTES_MAX];   //  ends with a NULL from
    const char *stored;                               //  the journal that keeps it, or NULL
} eod_proto_type_t;

//  The table, indexed by eod_msg_type_t (entry 0 is EOD_MSG_INVALID).
extern const eod_proto_type_t eod_proto_types[EOD_MSG_TYPES];

//  The stages of the pipeline, NULL-terminated.
extern const char *const eod_proto_stages[];

//  Every string field of eod_msg_t (destroy and dup walk them), and how many.
extern const size_t eod_proto_string_offsets[];
extern const size_t eod_proto_nstrings;

#define EOD_PROTO_STR(msg, off) ((char **) ((char *) (msg) + (off)))
#define EOD_PROTO_INT(msg, off) ((int64_t *) ((char *) (msg) + (off)))
#define EOD_PROTO_FIELDS(msg, off) ((eod_fields_t *) ((char *) (msg) + (off)))

//  Decodes one frame of a version from min_version to EOD_PROTO_VERSION;
//  with check, the fields' grammars too (eod_msg_check).
eod_msg_t *eod_proto_decode (const void *data, size_t len, int min_version, bool check, char *err, size_t errlen);

//  True when the field is present in self (and so encoded).
bool eod_proto_present (const eod_msg_t *self, const eod_proto_field_t *f);

#endif
