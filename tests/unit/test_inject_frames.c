/*  test_inject_frames — unit tests of eod-inject's frame builder, without
    sockets: the valid-* kinds decode as the message they name, the hostile
    kinds do not decode (garbage of the promised lengths, messages cut short,
    huge declared counts, the frame one byte over the limit, wrong versions),
    bigmap and wide follow their parameters, a seed replays its frames and
    another seed does not, an unknown kind is refused, and field:TYPE:NAME=HEX
    overrides one field with raw bytes that the decoder refuses naming it. */
#include "eod_test.h"
#include "eod_proto.h"
#include "inject_fields.h"
#include "inject_frames.h"

#include <stdlib.h>
#include <string.h>

#define FRAMES 48   //  more than any kind has variants

//  Builds frame i of kind and decodes it: the message (caller destroys) or NULL.
static eod_msg_t *
s_decode (const char *kind, long i, inject_frame_t *f)
{
    inject_frame_t f2;
    inject_frame_init (&f2);
    bool two = false;
    inject_frame_reset (f);
    eod_msg_t *msg = NULL;
    char err[256];
    if (inject_build (kind, 16, 64, i, f, &f2, &two) == 0)
        msg = eod_msg_decode (f->buf.data, f->buf.size, err, sizeof err);
    inject_frame_reset (&f2);
    return msg;
}

static void
s_test_valid (void)
{
    static const struct {
        const char *kind;
        eod_msg_type_t type;
    } valid[] = {
        {"valid-heartbeat", EOD_MSG_HEARTBEAT}, {"valid-ready", EOD_MSG_READY},
        {"valid-event", EOD_MSG_EVENT},         {"valid-ack", EOD_MSG_ACK},
        {"valid-status", EOD_MSG_LISTING_ASK},  {"valid-task", EOD_MSG_TASK},
        {"valid-result", EOD_MSG_RESULT},       {"valid-end", EOD_MSG_END},
    };
    inject_frame_t f;
    inject_frame_init (&f);
    for (size_t v = 0; v < sizeof valid / sizeof valid[0]; v++) {
        eod_msg_t *msg = s_decode (valid[v].kind, 3, &f);
        CHECK (msg && msg->type == valid[v].type);
        CHECK_STR (f.what, valid[v].kind + strlen ("valid-"));
        CHECK (!f.kills_link);
        eod_msg_destroy (&msg);
    }
    eod_msg_t *end = s_decode ("valid-end", 0, &f);
    CHECK (end && end->run_id == NULL);   //  a closed day's END has no run id
    eod_msg_destroy (&end);
    inject_frame_reset (&f);
}

//  How many of the first FRAMES frames of kind decode.
static int
s_decoded (const char *kind)
{
    inject_frame_t f;
    inject_frame_init (&f);
    int decoded = 0;
    for (long i = 0; i < FRAMES; i++) {
        eod_msg_t *msg = s_decode (kind, i, &f);
        decoded += msg != NULL;
        eod_msg_destroy (&msg);
    }
    inject_frame_reset (&f);
    return decoded;
}

static void
s_test_hostile (void)
{
    inject_seed (7);
    CHECK_INT (s_decoded ("garbage"), 0);
    CHECK_INT (s_decoded ("truncated"), 0);
    CHECK_INT (s_decoded ("hugecount"), 0);
    CHECK_INT (s_decoded ("version"), 0);
    CHECK_INT (s_decoded ("empty"), 0);
    CHECK_INT (s_decoded ("baddates"), 0);   //  well-formed msgpack, refused by the date grammar

    inject_frame_t f, f2;
    inject_frame_init (&f);
    inject_frame_init (&f2);
    bool two = true, sizes_ok = true;
    for (long i = 0; i < FRAMES; i++) {
        inject_frame_reset (&f);
        CHECK (inject_build ("garbage", 0, 0, i, &f, &f2, &two) == 0);
        sizes_ok = sizes_ok && f.buf.size >= 1 && f.buf.size <= 300 && !two;
    }
    CHECK (sizes_ok);

    inject_frame_reset (&f);
    CHECK (inject_build ("toobig", 0, 0, 0, &f, &f2, &two) == 0);
    CHECK_INT (f.buf.size, EOD_PROTO_FRAME_MAX + 1);
    CHECK (f.kills_link);

    //  oversize: the declared-count lies first, the frame that costs the link last.
    size_t killers = 0;
    for (long i = 0; i < 12; i++) {
        inject_frame_reset (&f);
        CHECK (inject_build ("oversize", 0, 0, i, &f, &f2, &two) == 0);
        killers += f.kills_link;
        if (i == 11)
            CHECK (f.kills_link);
    }
    CHECK_INT (killers, 1);

    inject_frame_reset (&f);
    CHECK (inject_build ("multipart", 0, 0, 0, &f, &f2, &two) == 0);
    CHECK (two && f.buf.size > 0 && f.buf.size == f2.buf.size);

    inject_frame_reset (&f);
    CHECK (inject_build ("wide", 0, 4096, 0, &f, &f2, &two) == 0);
    CHECK_INT (f.buf.size, 4096);

    CHECK (inject_build ("nope", 0, 0, 0, &f, &f2, &two) == -1);
    inject_frame_reset (&f);
    inject_frame_reset (&f2);

    eod_msg_t *big = s_decode ("bigmap", 0, &f);
    CHECK (big && big->type == EOD_MSG_HOLIDAYS);
    CHECK (big && big->days.count == 16);
    eod_msg_destroy (&big);
    inject_frame_reset (&f);

    //  type:NAME: every type of the table, every field of its table set.
    for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++) {
        char kind[64];
        snprintf (kind, sizeof kind, "type:%s", eod_msg_type_name ((eod_msg_type_t) t));
        eod_msg_t *m = s_decode (kind, 0, &f);
        CHECK (m && m->type == (eod_msg_type_t) t);
        //  Every field but the integers (left out at zero) is on the wire.
        char *json = m ? eod_msg_to_json (m) : NULL;
        const char *name, *fkind;
        bool required;
        for (size_t i = 0; json && eod_msg_type_field ((eod_msg_type_t) t, i, &name, &fkind, &required); i++) {
            char key[64];
            snprintf (key, sizeof key, "\"%s\":", name);
            if (strcmp (fkind, "int") != 0)
                CHECK (strstr (json, key) != NULL);
        }
        CHECK (json != NULL);
        free (json);
        eod_msg_destroy (&m);
        inject_frame_reset (&f);
    }
    CHECK (inject_build ("type:NOPE", 0, 0, 0, &f, &f2, &two) == -1);
    inject_frame_reset (&f);
}

//  field:TYPE:NAME=HEX: the valid message with that field's bytes, refused
//  by the decoder naming the field; a harmless value decodes.
static void
s_test_fields (void)
{
    static const struct {
        const char *kind;
        const char *refusal;   //  NULL: decodes
    } cases[] = {
        {"field:TASK:run_id=2e2e2f78", "TASK: field 'run_id'"},                //  ../x
        {"field:TASK:run_id=612f62", "TASK: field 'run_id' (id) holds '/'"},   //  a/b
        {"field:TASK:run_id=610062", "field 'run_id' holds a NUL byte"},
        {"field:TASK:run_id=", "TASK: field 'run_id' (id) is empty"},
        {"field:TASK:run_id=c328", "TASK: field 'run_id' (id) is not valid UTF-8"},
        {"field:TASK:run_id=72756e2d32", NULL},                                     //  run-2
        {"field:TASK:code=4252412f42", "TASK: field 'code' (code of market kr)"},   //  BRK/B for kr
        {"field:FILE:market=2e2e", "FILE: field 'market' (market)"},
        {"field:FILE:path=2f746d702f2e2e2f78", "FILE: field 'path' (path) has a '..' segment"},
        {"field:EVENT:run_id=2f", "EVENT: field 'run_id'"},   //  optional, added
        {"field:ACK:list=6b722d303035393330", "ACK: field 'list' (task or batch id) entry 1"},
        {"field:JOB:date_to=323032342d30392d3031", "JOB: field 'date_to' is before 'date_from'"},
        {"field:CREDS:base_url=66696c653a2f2f2f", "CREDS: field 'base_url' (URL)"},   //  file:///
    };
    inject_frame_t f, f2;
    inject_frame_init (&f);
    inject_frame_init (&f2);
    bool two;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        inject_frame_reset (&f);
        CHECK (inject_build (cases[i].kind, 0, 0, 0, &f, &f2, &two) == 0);
        char err[256] = "";
        eod_msg_t *m = eod_msg_decode (f.buf.data, f.buf.size, err, sizeof err);
        if (cases[i].refusal ? m || !strstr (err, cases[i].refusal) : !m)
            fprintf (stderr, "  %s: \"%s\"\n", cases[i].kind, err);
        CHECK (cases[i].refusal ? !m && strstr (err, cases[i].refusal) : m != NULL);
        eod_msg_destroy (&m);
    }
    //  Every type of the table, filled, decodes: the probes are valid.
    for (int t = EOD_MSG_INVALID + 1; t < EOD_MSG_TYPES; t++) {
        eod_msg_t *m = eod_msg_new ((eod_msg_type_t) t);
        char err[256] = "";
        CHECK (inject_fields_fill (m) == 0);
        if (eod_msg_check (m, err, sizeof err))
            fprintf (stderr, "  %s: %s\n", eod_msg_type_name ((eod_msg_type_t) t), err);
        CHECK (eod_msg_check (m, err, sizeof err) == 0);
        eod_msg_destroy (&m);
    }
    //  Several values: frame i holds value i modulo their number.
    const char *runs[] = {"run-1", "run-2", "run-1"};
    for (long i = 0; i < 3; i++) {
        inject_frame_reset (&f);
        CHECK (inject_build ("field:TASK:run_id=72756e2d31,72756e2d32", 0, 0, i, &f, &f2, &two) == 0);
        eod_msg_t *m = eod_msg_decode (f.buf.data, f.buf.size, (char[64]){0}, 64);
        CHECK_STR (m ? m->run_id : NULL, runs[i]);
        eod_msg_destroy (&m);
    }
    const char *bad[] = {"field:TASK:run_id=2", "field:TASK:run_id=zz",  "field:NOPE:x=00",
                         "field:TASK:nope=00",  "field:TASK:attempt=00", "field:TASK"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        inject_frame_reset (&f);
        CHECK (inject_build (bad[i], 0, 0, 0, &f, &f2, &two) == -1);
    }
    inject_frame_reset (&f);
    inject_frame_reset (&f2);
}

//  The bytes of the first FRAMES garbage frames from seed, concatenated.
static char *
s_garbage (uint64_t seed, size_t *len)
{
    inject_seed (seed);
    inject_frame_t f, f2;
    inject_frame_init (&f);
    inject_frame_init (&f2);
    char *all = NULL;
    *len = 0;
    bool two;
    for (long i = 0; i < FRAMES; i++) {
        inject_frame_reset (&f);
        if (inject_build ("garbage", 0, 0, i, &f, &f2, &two))
            break;
        char *grown = realloc (all, *len + f.buf.size);
        if (!grown)
            break;
        all = grown;
        memcpy (all + *len, f.buf.data, f.buf.size);
        *len += f.buf.size;
    }
    inject_frame_reset (&f);
    inject_frame_reset (&f2);
    return all;
}

static void
s_test_seed (void)
{
    size_t a_len, b_len, c_len, z_len, one_len;
    char *a = s_garbage (42, &a_len), *b = s_garbage (42, &b_len), *c = s_garbage (43, &c_len);
    char *z = s_garbage (0, &z_len), *one = s_garbage (1, &one_len);
    CHECK (a && b && a_len == b_len && memcmp (a, b, a_len) == 0);
    CHECK (c && (a_len != c_len || memcmp (a, c, a_len) != 0));
    CHECK (z && one && z_len == one_len && memcmp (z, one, z_len) == 0);   //  0 is taken as 1
    free (a);
    free (b);
    free (c);
    free (z);
    free (one);
}

int
main (void)
{
    s_test_valid ();
    s_test_hostile ();
    s_test_fields ();
    s_test_seed ();
    return EOD_TEST_DONE ();
}
