/*  inject_frames — the hostile frames eod-inject sends to a stage's input
    socket (tests/chaos/test_hostile.sh): random garbage, well-formed messages
    cut short, msgpack headers that declare huge counts, a frame one byte over
    EOD_PROTO_FRAME_MAX, wrong or missing versions, fields of the wrong type,
    an empty frame, two-frame messages, a meta of many keys, an array of
    millions of nils, a HOLIDAY_ASK with dates too short to be dates, and
    well-formed messages through the real encoder (valid-*, and type:NAME for
    any type of the table), and field:TYPE:NAME=HEX[,HEX...] (a valid TYPE
    whose field NAME holds raw bytes, inject_fields.h). Each kind has
    several variants; frame i is variant i modulo their number, so a run of
    --count frames covers them all. The random parts come from one
    reproducible stream (inject_seed). */
#ifndef INJECT_FRAMES_H
#define INJECT_FRAMES_H

#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>

//  One frame under construction (msgpack's sbuffer owns the bytes).
typedef struct {
    msgpack_sbuffer buf;
    msgpack_packer pk;
    const char *what;   //  the variant, for the printout
    bool kills_link;    //  over ZMQ_MAXMSGSIZE: the peer drops us
} inject_frame_t;

//  An empty frame (nothing allocated yet). inject_frame_reset frees the
//  frame's bytes and leaves it empty again: the last call on every frame.
void inject_frame_init (inject_frame_t *f);
void inject_frame_reset (inject_frame_t *f);

//  Seeds the stream the random variants draw from (xorshift64*); 0 is its
//  fixed point and becomes 1.
void inject_seed (uint64_t seed);

//  Builds frame i of kind into f, or two frames into f and f2 (*two says
//  which); keys sizes a bigmap frame, size a wide one. 0, or -1 on an
//  unknown kind (reported on stderr) or no memory. f->what names the
//  variant (borrowed, valid until the next build).
int inject_build (const char *kind, long keys, long size, long i, inject_frame_t *f, inject_frame_t *f2, bool *two);

#endif
