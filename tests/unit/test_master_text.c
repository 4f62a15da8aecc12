/*  test_master_text — the field helpers of the master files
    (common/sources/master_text.c): trimmed views of fixed-width fields,
    character-class checks, and CP949 names converted to UTF-8, refused when
    they are not CP949 or do not fit. */
#include "eod_test.h"
#include "eod_log.h"
#include "master_fixtures.h"
#include "master_internal.h"

#include <ctype.h>

static void
test_trim (void)
{
    const char *s = NULL;
    const char *field = "  005930   X";
    CHECK_INT (master_trim (field, 11, &s), 6);   //  the X is past the field
    CHECK (s == field + 2);
    CHECK_INT (master_trim ("     ", 5, &s), 0);
    CHECK_INT (master_trim ("", 0, &s), 0);
    //  Only spaces are padding: a tab is data.
    CHECK_INT (master_trim ("\tA ", 3, &s), 2);

    CHECK (master_all ("20260105", 8, isdigit));
    CHECK (!master_all ("2026-01-05", 10, isdigit));
    CHECK (master_all ("x", 0, isdigit));
    CHECK (master_all ("0004Y0", 6, isalnum));
}

static void
test_cp949 (void)
{
    iconv_t cd = iconv_open ("UTF-8", "CP949");
    CHECK (cd != (iconv_t) -1);
    if (cd == (iconv_t) -1)
        return;
    size_t n = 0;
    char *name = master_cp949 ("삼성전자 KODEX", &n);
    CHECK (name != NULL);
    char out[EOD_MASTER_NAME_UTF8_MAX];
    if (name) {
        CHECK_INT (n, 14);   //  four two-byte syllables, a space, five letters
        CHECK_INT (master_cp949_to_utf8 (cd, name, n, out, sizeof (out)), strlen ("삼성전자 KODEX"));
        CHECK_STR (out, "삼성전자 KODEX");
        //  Too little room: refused, not cut.
        CHECK_INT (master_cp949_to_utf8 (cd, name, n, out, 8), -1);
        //  The converter is reset: a refused call leaves nothing behind.
        CHECK_INT (master_cp949_to_utf8 (cd, name, 2, out, sizeof (out)), 3);
        CHECK_STR (out, "삼");
        //  Half a character at the end is not CP949.
        CHECK_INT (master_cp949_to_utf8 (cd, name, 3, out, sizeof (out)), -1);
    }
    free (name);
    CHECK_INT (master_cp949_to_utf8 (cd, "\xff\xfe", 2, out, sizeof (out)), -1);
    CHECK_INT (master_cp949_to_utf8 (cd, "", 0, out, sizeof (out)), 0);
    CHECK_STR (out, "");
    iconv_close (cd);
}

int
main (void)
{
    eod_log_init ("test_master_text");
    test_trim ();
    test_cp949 ();
    return EOD_TEST_DONE ();
}
