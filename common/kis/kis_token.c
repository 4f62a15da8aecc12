/*  kis_token — the parser of POST /oauth2/tokenP, the access token the
    coordinator issues and hands to the fetchers (eod_kis_issue_token sends
    the request, see kis_request.c).

    tokenP answers without the rt_cd envelope and names the expiry as a KST
    wall-clock time (access_token_token_expired); expires_in is the fallback.
    The token is registered as a secret before it is handed out, so no log
    line or error text ever shows it. */
#include "kis_internal.h"
#include "eod_log.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define S_KST_OFFSET_S (9 * 3600)               //  Asia/Seoul is UTC+9 all year (no DST)
#define S_TOKEN_LIFETIME_S 86400                //  documented lifetime, used when the reply names no expiry
#define S_TOKEN_LIFETIME_MAX_S (366L * 86400)   //  an expires_in beyond a year is not believed
#define S_KST_TEXT_LEN 19                       //  "YYYY-MM-DD HH:MM:SS"

int
eod_kis_kst_to_epoch (const char *text, time_t *epoch)
{
    static const char pattern[] = "dddd-dd-dd dd:dd:dd";
    if (!text || strlen (text) != S_KST_TEXT_LEN)
        return -1;
    for (int i = 0; i < S_KST_TEXT_LEN; i++) {
        if (pattern[i] == 'd' ? !isdigit ((unsigned char) text[i]) : text[i] != pattern[i])
            return -1;
    }
    //  Fixed-width digits: each field is read by position.
    int v[6];
    static const int offsets[6] = {0, 5, 8, 11, 14, 17};
    static const int widths[6] = {4, 2, 2, 2, 2, 2};
    for (int f = 0; f < 6; f++) {
        v[f] = 0;
        for (int i = 0; i < widths[f]; i++)
            v[f] = v[f] * 10 + (text[offsets[f] + i] - '0');
    }
    struct tm tm = {0};
    tm.tm_year = v[0] - 1900;
    tm.tm_mon = v[1] - 1;
    tm.tm_mday = v[2];
    tm.tm_hour = v[3];
    tm.tm_min = v[4];
    tm.tm_sec = v[5];
    struct tm want = tm;
    time_t t = timegm (&tm);
    //  timegm normalises 02-30 into 03-02: a changed field means no such time.
    if (t == (time_t) -1 || tm.tm_year != want.tm_year || tm.tm_mon != want.tm_mon || tm.tm_mday != want.tm_mday
        || tm.tm_hour != want.tm_hour || tm.tm_min != want.tm_min || tm.tm_sec != want.tm_sec)
        return -1;
    *epoch = t - S_KST_OFFSET_S;
    return 0;
}

int
kis_parse_token (long http_status, const char *body, size_t len, time_t now, const char *what, char **token,
                 time_t *expires_at, eod_kis_reply_t *r)
{
    assert (token && expires_at);
    eod_kis_reply_t local;
    if (!r)
        r = &local;
    kis_reply_begin (r, http_status);
    *token = NULL;
    *expires_at = 0;
    json_t *root = kis_load (http_status, body, len, what, r);
    if (!root || !kis_envelope_ok (http_status, root, what, false, r))
        goto out;
    const json_t *jtoken = json_object_get (root, "access_token");
    const char *value = json_is_string (jtoken) ? json_string_value (jtoken) : "";
    //  The token goes into a header line: no blanks or control characters.
    bool usable = *value != '\0';
    for (const char *p = value; *p && usable; p++)
        usable = (unsigned char) *p > 0x20 && *p != 0x7F;
    if (!usable) {
        r->status = http_status >= 500 ? EOD_KIS_RETRYABLE : EOD_KIS_PERMANENT;
        kis_set_error (r, "%s: HTTP %ld, no usable access_token in the reply", what, http_status);
        goto out;
    }
    char text[KIS_TEXT_MAX];
    time_t expiry;
    bool named = kis_member_text (root, "access_token_token_expired", text, sizeof text) == 0 && *text;
    if (named && eod_kis_kst_to_epoch (text, &expiry) == 0)
        *expires_at = expiry;
    else {
        if (named)
            eod_log_warn ("kis: %s: access_token_token_expired \"%s\" is not YYYY-MM-DD HH:MM:SS; using expires_in",
                          what, text);
        char *end;
        long seconds = 0;
        if (kis_member_text (root, "expires_in", text, sizeof text) == 0) {
            errno = 0;
            seconds = strtol (text, &end, 10);
            if (errno || end == text || *end != '\0' || seconds <= 0 || seconds > S_TOKEN_LIFETIME_MAX_S)
                seconds = 0;
        }
        if (seconds == 0) {
            seconds = S_TOKEN_LIFETIME_S;
            eod_log_warn ("kis: %s: reply names no usable expiry; assuming %d s", what, S_TOKEN_LIFETIME_S);
        }
        *expires_at = now + seconds;
    }
    *token = strdup (value);
    if (!*token) {
        r->status = EOD_KIS_RETRYABLE;
        kis_set_error (r, "%s: out of memory", what);
        goto out;
    }
    eod_log_secret (*token);
out:
    json_decref (root);
    return (int) r->status;
}

int
eod_kis_parse_token (long http_status, const char *body, size_t len, time_t now, char **token, time_t *expires_at,
                     eod_kis_reply_t *r)
{
    return kis_parse_token (http_status, body, len, now, "POST " KIS_PATH_TOKEN, token, expires_at, r);
}
