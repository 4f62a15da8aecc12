/*  kis_json — reading the JSON of a KIS reply into text and eod_fields.

    Part of the KIS REST client (eod_kis.h). KIS sends numbers as strings, but
    not always: a value may come as a JSON number or null, and fixed-width
    texts arrive padded with spaces. Every parser reads members through
    these helpers, so each value becomes text the same way: strings as
    sent, numbers in their shortest exact decimal form, null as "". The row
    reader is shared by the daily chart and the overseas daily price. */
#include "kis_internal.h"
#include "eod_log.h"
#include "eod_log_cap.h"

#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_NUMBER_MAX 40                  //  text of a JSON number
#define S_DATE_LEN 8                     //  YYYYMMDD

bool
kis_is_blank (const char *s)
{
    for (; *s; s++)
        if (!isspace ((unsigned char) *s))
            return false;
    return true;
}

bool
kis_is_date (const char *s)
{
    if (strlen (s) != S_DATE_LEN)
        return false;
    for (int i = 0; i < S_DATE_LEN; i++)
        if (!isdigit ((unsigned char) s[i]))
            return false;
    return true;
}

//  Copies text[0..len) into out with ASCII white space trimmed at both ends,
//  cut at a UTF-8 character boundary when it does not fit.
void
kis_copy_trimmed (char *out, size_t outsize, const char *text, size_t len)
{
    assert (outsize > 0);
    while (len > 0 && isspace ((unsigned char) *text)) {
        text++;
        len--;
    }
    while (len > 0 && isspace ((unsigned char) text[len - 1]))
        len--;
    if (len > outsize - 1) {
        len = outsize - 1;
        while (len > 0 && ((unsigned char) text[len] & 0xC0) == 0x80)
            len--;   //  text[len] would start the cut: back off to a lead byte
    }
    memcpy (out, text, len);
    out[len] = '\0';
}

const char *
kis_json_type_name (const json_t *v)
{
    if (!v)
        return "missing";
    switch (json_typeof (v)) {
        case JSON_OBJECT: return "an object";
        case JSON_ARRAY: return "an array";
        case JSON_STRING: return "a string";
        case JSON_INTEGER: return "an integer";
        case JSON_REAL: return "a real";
        case JSON_TRUE: return "true";
        case JSON_FALSE: return "false";
        case JSON_NULL: return "null";
    }
    return "unknown";
}

//  Text of a scalar JSON value: strings as they are, numbers in their shortest
//  exact decimal form, null as "". *text points into v or into buf (which must
//  hold S_NUMBER_MAX bytes). Returns 0, or -1 for objects, arrays and booleans.
static int
s_value_text (const json_t *v, char *buf, size_t bufsize, const char **text, size_t *len)
{
    if (json_is_string (v)) {
        *text = json_string_value (v);
        *len = json_string_length (v);
        return 0;
    }
    if (json_is_integer (v))
        snprintf (buf, bufsize, "%" JSON_INTEGER_FORMAT, json_integer_value (v));
    else if (json_is_real (v)) {
        double d = json_real_value (v);
        for (int precision = 1; precision <= 17; precision++) {
            snprintf (buf, bufsize, "%.*g", precision, d);
            if (strtod (buf, NULL) == d)
                break;
        }
    }
    else if (json_is_null (v))
        buf[0] = '\0';
    else
        return -1;
    *text = buf;
    *len = strlen (buf);
    return 0;
}

//  Trimmed text of member key of obj into out. Returns 0 when the member is
//  there and scalar, -1 otherwise (out is then "").
int
kis_member_text (const json_t *obj, const char *key, char *out, size_t outsize)
{
    out[0] = '\0';
    const json_t *v = json_object_get (obj, key);
    char buf[S_NUMBER_MAX];
    const char *text;
    size_t len;
    if (!v || s_value_text (v, buf, sizeof buf, &text, &len))
        return -1;
    kis_copy_trimmed (out, outsize, text, len);
    return 0;
}

int
kis_fields_add (eod_fields_t *fields, const char *key, const json_t *v)
{
    char buf[S_NUMBER_MAX];
    const char *text;
    size_t len;
    if (s_value_text (v, buf, sizeof buf, &text, &len))
        return -1;
    return eod_fields_setn (fields, key, text, len) ? -2 : 0;
}

//  Fills output1 from member "output1" when it is an object. A member holding
//  an object, array or boolean is left out and reported. Returns 0, or -1 when
//  out of memory.
int
kis_parse_output1 (const json_t *root, const char *what, eod_fields_t *output1)
{
    const json_t *obj = json_object_get (root, "output1");
    if (!obj || json_is_null (obj))
        return 0;
    if (!json_is_object (obj)) {
        eod_log_warn ("kis: %s: output1 is %s, not an object; ignored", what, kis_json_type_name (obj));
        return 0;
    }
    const char *key;
    const json_t *v;
    json_object_foreach ((json_t *) obj, key, v) {
        int rc = kis_fields_add (output1, key, v);
        if (rc == -2)
            return -1;
        if (rc == -1)
            eod_log_warn_capped ("kis output1 field not a string",
                                 "kis: %s: output1.%s is %s, not a string; field left out", what, key,
                                 kis_json_type_name (v));
    }
    return 0;
}

//  Converts up to `limit` elements of the array `member` into rows. Elements
//  without a non-blank date_key (e.g. {}) are skipped; elements that are not
//  objects, carry a date that is not YYYYMMDD or a value that is not scalar
//  are rejected: counted in *rejected, reported, first reason in why.
//  Returns 0, or -1 when out of memory.
int
kis_parse_rows (const json_t *root, const char *member, const char *date_key, size_t limit, const char *what,
                eod_fields_t **rows_p, size_t *nrows_p, size_t *rejected, char *why, size_t whysize)
{
    *rows_p = NULL;
    *nrows_p = 0;
    *rejected = 0;
    why[0] = '\0';
    const json_t *array = json_object_get (root, member);
    if (!array || json_is_null (array))
        return 0;
    if (!json_is_array (array)) {
        (*rejected)++;
        snprintf (why, whysize, "%s is %s, not an array", member, kis_json_type_name (array));
        eod_log_warn ("kis: %s: %s", what, why);
        return 0;
    }
    size_t n = json_array_size (array);
    if (n > limit)
        n = limit;
    if (n == 0)
        return 0;
    eod_fields_t *rows = calloc (n, sizeof *rows);
    if (!rows)
        return -1;
    size_t nrows = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *row = json_array_get (array, i);
        char date[KIS_TEXT_MAX];
        char reason[160] = "";
        if (!json_is_object (row))
            snprintf (reason, sizeof reason, "is %s, not an object", kis_json_type_name (row));
        else {
            const json_t *jdate = json_object_get (row, date_key);
            if (!jdate)
                continue;   //  placeholder row such as {}: nothing to keep
            if (kis_member_text (row, date_key, date, sizeof date))
                snprintf (reason, sizeof reason, "%s is %s, not a string", date_key, kis_json_type_name (jdate));
            else if (!*date)
                continue;   //  blank date: a placeholder too
            else if (!kis_is_date (date))
                snprintf (reason, sizeof reason, "%s \"%s\" is not YYYYMMDD", date_key, date);
        }
        if (!*reason) {
            const char *key;
            const json_t *v;
            json_object_foreach ((json_t *) row, key, v) {
                int rc = kis_fields_add (&rows[nrows], key, v);
                if (rc == -2) {
                    eod_fields_array_free (&rows, nrows + 1);
                    return -1;
                }
                if (rc == -1) {
                    snprintf (reason, sizeof reason, "%s %s: %s is %s, not a string", date_key, date, key,
                              kis_json_type_name (v));
                    break;
                }
            }
        }
        if (*reason) {
            eod_fields_clear (&rows[nrows]);
            (*rejected)++;
            eod_log_warn_capped ("kis row rejected", "kis: %s: %s[%zu] %s; row rejected", what, member, i, reason);
            if (!*why)
                snprintf (why, whysize, "%s[%zu] %s", member, i, reason);
            continue;
        }
        nrows++;
    }
    if (nrows == 0)
        free (rows);
    else {
        *rows_p = rows;
        *nrows_p = nrows;
    }
    return 0;
}
