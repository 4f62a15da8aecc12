/*  fuzz_proto — libFuzzer target for the wire decoder of proto/ (eod_proto).

    Every stage decodes frames from its sockets with eod_msg_decode, so the
    decoder must survive any bytes. The target decodes the input; when that
    succeeds it re-encodes, decodes the result again and requires the two
    messages to have the same JSON form and the two encodings to be the same
    bytes (an encoding of a decoded message is canonical). Any difference, a
    refusal without a reason or a failure to re-encode aborts, which libFuzzer
    reports as a crash with the input saved. The JSON form must also hold one
    key per key of the encoding: a trace never silently loses a field. */
#include "eod_proto.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_ERR_LEN 256

#define S_FIXMAP_MIN 0x80
#define S_FIXMAP_MAX 0x8f
#define S_MAP16 0xde

static void
s_fail (const char *what, const char *detail)
{
    fprintf (stderr, "fuzz_proto: %s: %s\n", what, detail ? detail : "");
    abort ();
}

//  Entries of the top map of an encoding, as eod_msg_encode writes it.
static size_t
s_map_entries (const char *enc, size_t len)
{
    const uint8_t *p = (const uint8_t *) enc;
    if (len >= 1 && p[0] >= S_FIXMAP_MIN && p[0] <= S_FIXMAP_MAX)
        return p[0] & 0x0f;
    if (len >= 3 && p[0] == S_MAP16)
        return (size_t) p[1] << 8 | p[2];
    s_fail ("encoding does not start with a map", NULL);
    return 0;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char err[S_ERR_LEN] = "";
    eod_msg_t *first = eod_msg_decode (data, size, err, sizeof err);
    if (!first) {
        if (err[0] == '\0')
            s_fail ("refused without a reason", NULL);
        return 0;
    }
    char *json1 = eod_msg_to_json (first);
    if (!json1)
        s_fail ("to_json of a decoded message", NULL);

    char *enc1 = NULL, *enc2 = NULL;
    size_t len1 = 0, len2 = 0;
    if (eod_msg_encode (first, &enc1, &len1, err, sizeof err))
        s_fail ("re-encoding a decoded message", err);
    eod_msg_t *second = eod_msg_decode (enc1, len1, err, sizeof err);
    if (!second)
        s_fail ("decoding a re-encoded message", err);
    char *json2 = eod_msg_to_json (second);
    if (!json2 || strcmp (json1, json2) != 0)
        s_fail ("JSON differs after a round trip", json2);
    if (eod_msg_encode (second, &enc2, &len2, err, sizeof err))
        s_fail ("encoding the second decode", err);
    if (len1 != len2 || memcmp (enc1, enc2, len1) != 0)
        s_fail ("encoding is not stable", json1);

    //  JSON has "t" and not "v": as many keys as the encoded map.
    json_error_t jerr;
    json_t *obj = json_loads (json1, 0, &jerr);
    if (!obj || json_object_size (obj) != s_map_entries (enc1, len1) - 1)
        s_fail ("JSON lost fields of the message", json1);
    json_decref (obj);

    eod_msg_t *copy = eod_msg_dup (first);
    char *json3 = copy ? eod_msg_to_json (copy) : NULL;
    if (!json3 || strcmp (json1, json3) != 0)
        s_fail ("dup differs", json3);

    free (json1);
    free (json2);
    free (json3);
    free (enc1);
    free (enc2);
    eod_msg_destroy (&first);
    eod_msg_destroy (&second);
    eod_msg_destroy (&copy);
    return 0;
}
