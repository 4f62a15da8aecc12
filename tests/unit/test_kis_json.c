/*  test_kis_json — JSON values of a KIS reply as text (common/kis/kis_json.c):
    trimming that never cuts a UTF-8 character, numbers in their shortest
    exact form, null as "", the kinds of value that are refused, output1
    fields, and the row reader's skips, rejections and limit. */
#include "eod_test.h"
#include "eod_kis.h"
#include "eod_log.h"
#include "kis_internal.h"

#include <stdint.h>
#include <stdlib.h>

static void
test_text (void)
{
    CHECK (kis_is_date ("20260105"));
    CHECK (!kis_is_date ("2026-01-05"));
    CHECK (!kis_is_date ("2026010"));
    CHECK (!kis_is_date ("202601051"));
    CHECK (kis_is_blank (""));
    CHECK (kis_is_blank (" \t\r\n"));
    CHECK (!kis_is_blank (" 0 "));

    char out[16];
    kis_copy_trimmed (out, sizeof out, "  EGW00201  ", 12);
    CHECK_STR (out, "EGW00201");
    kis_copy_trimmed (out, sizeof out, "abcdef", 3);   //  len counts, not the NUL
    CHECK_STR (out, "abc");
    //  Nine bytes of Hangul into seven: cut before the character that does not fit.
    char small[8];
    const char *hangul = " 가나다 ";
    kis_copy_trimmed (small, sizeof small, hangul, strlen (hangul));
    CHECK_STR (small, "가나");
}

static void
test_member_text (void)
{
    json_t *o = json_loads ("{\"s\":\"  padded \",\"i\":-1600,\"r\":0.1,\"big\":1e300,\"n\":null,\"t\":true,"
                            "\"a\":[1],\"o\":{}}",
                            0, NULL);
    CHECK (o != NULL);
    if (!o)
        return;
    char out[64];
    CHECK_INT (kis_member_text (o, "s", out, sizeof out), 0);
    CHECK_STR (out, "padded");
    CHECK_INT (kis_member_text (o, "i", out, sizeof out), 0);
    CHECK_STR (out, "-1600");
    CHECK_INT (kis_member_text (o, "r", out, sizeof out), 0);
    CHECK_STR (out, "0.1");
    CHECK_INT (kis_member_text (o, "big", out, sizeof out), 0);
    CHECK_STR (out, "1e+300");
    CHECK_INT (kis_member_text (o, "n", out, sizeof out), 0);
    CHECK_STR (out, "");
    //  Booleans, lists, objects and missing members have no text.
    CHECK_INT (kis_member_text (o, "t", out, sizeof out), -1);
    CHECK_STR (out, "");
    CHECK_INT (kis_member_text (o, "a", out, sizeof out), -1);
    CHECK_INT (kis_member_text (o, "o", out, sizeof out), -1);
    CHECK_INT (kis_member_text (o, "missing", out, sizeof out), -1);
    CHECK_STR (kis_json_type_name (json_object_get (o, "a")), "an array");
    CHECK_STR (kis_json_type_name (json_object_get (o, "o")), "an object");
    CHECK_STR (kis_json_type_name (json_object_get (o, "r")), "a real");
    CHECK_STR (kis_json_type_name (json_object_get (o, "t")), "true");
    json_decref (o);
}

static void
test_output1 (void)
{
    json_t *root = json_loads ("{\"output1\":{\"a\":\"1\",\"b\":2,\"c\":{},\"d\":null}}", 0, NULL);
    eod_fields_t f = EOD_FIELDS_INIT;
    CHECK_INT (kis_parse_output1 (root, "test", &f), 0);
    CHECK_INT (f.count, 3);
    CHECK_STR (eod_fields_get (&f, "a"), "1");
    CHECK_STR (eod_fields_get (&f, "b"), "2");
    CHECK (eod_fields_get (&f, "c") == NULL);
    CHECK_STR (eod_fields_get (&f, "d"), "");
    eod_fields_clear (&f);
    json_decref (root);

    //  An output1 that is not an object is ignored, not an error.
    root = json_loads ("{\"output1\":[1]}", 0, NULL);
    CHECK_INT (kis_parse_output1 (root, "test", &f), 0);
    CHECK_INT (f.count, 0);
    json_decref (root);
}

static void
test_rows (void)
{
    json_t *root = json_loads ("{\"out\":[{\"d\":\"20260105\",\"v\":1},{},{\"d\":\"  \"},{\"d\":\"2026-01-06\"},7,"
                               "{\"d\":\"20260107\",\"v\":[1]},{\"d\":\"20260108\",\"v\":\"x\"}],\"obj\":{}}",
                               0, NULL);
    CHECK (root != NULL);
    if (!root)
        return;
    eod_fields_t *rows = NULL;
    size_t nrows = 0, rejected = 0;
    char why[KIS_WHY_MAX];
    //  {} and a blank date are placeholders; a bad date, a non-object and a
    //  list value are rejected, the first reason kept.
    CHECK_INT (kis_parse_rows (root, "out", "d", SIZE_MAX, "test", &rows, &nrows, &rejected, why, sizeof why), 0);
    CHECK_INT (nrows, 2);
    CHECK_INT (rejected, 3);
    CHECK_STR (why, "out[3] d \"2026-01-06\" is not YYYYMMDD");
    if (nrows == 2) {
        CHECK_STR (eod_fields_get (&rows[0], "v"), "1");
        CHECK_STR (eod_fields_get (&rows[1], "d"), "20260108");
    }
    eod_fields_array_free (&rows, nrows);

    //  The limit counts elements sent, kept or not.
    CHECK_INT (kis_parse_rows (root, "out", "d", 1, "test", &rows, &nrows, &rejected, why, sizeof why), 0);
    CHECK_INT (nrows, 1);
    CHECK_INT (rejected, 0);
    CHECK_STR (why, "");
    eod_fields_array_free (&rows, nrows);

    CHECK_INT (kis_parse_rows (root, "obj", "d", SIZE_MAX, "test", &rows, &nrows, &rejected, why, sizeof why), 0);
    CHECK_INT (rejected, 1);
    CHECK_STR (why, "obj is an object, not an array");
    CHECK (rows == NULL);
    CHECK_INT (kis_parse_rows (root, "missing", "d", SIZE_MAX, "test", &rows, &nrows, &rejected, why, sizeof why), 0);
    CHECK_INT (nrows, 0);
    CHECK_INT (rejected, 0);
    CHECK (rows == NULL);
    json_decref (root);
}

int
main (void)
{
    eod_log_init ("test_kis_json");
    test_text ();
    test_member_text ();
    test_output1 ();
    test_rows ();
    return EOD_TEST_DONE ();
}
