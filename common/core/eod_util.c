/*  eod_util — see eod_util.h. */
#include "eod_util.h"
#include "eod_log.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *
eod_trim (char *s)
{
    size_t len = strlen (s);
    while (len && isspace ((unsigned char) s[len - 1]))
        s[--len] = '\0';
    size_t start = 0;
    while (s[start] && isspace ((unsigned char) s[start]))
        start++;
    if (start)
        memmove (s, s + start, len - start + 1);
    return s;
}

void
eod_vset_error (char *err, size_t errlen, const char *format, va_list args)
{
    if (!err || errlen == 0)
        return;
    vsnprintf (err, errlen, format, args);
    eod_log_redact (err);
}

void
eod_set_error (char *err, size_t errlen, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    eod_vset_error (err, errlen, format, args);
    va_end (args);
}

int
eod_mkdirs (const char *dir, int mode)
{
    char path[4096];
    if (snprintf (path, sizeof path, "%s", dir) >= (int) sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir (path, (mode_t) mode) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    if (mkdir (path, (mode_t) mode) && errno != EEXIST)
        return -1;
    return 0;
}

int
eod_mkdirs_for (const char *path)
{
    char dir[4096];
    snprintf (dir, sizeof dir, "%s", path);
    char *slash = strrchr (dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    return eod_mkdirs (dir, 0700);
}

#define S_SHA256_BYTES 32    //  a SHA-256 digest; 64 hex digits
#define S_MD5_BYTES 16       //  an MD5 digest; 32 hex digits
#define S_MD5_B64_LEN 24     //  base64 of an MD5 digest
#define S_FILE_CHUNK 65536   //  bytes read at a time while hashing a file

//  Writes the dlen bytes of digest as lowercase hex into out (2 * dlen + 1
//  bytes with the NUL).
static void
s_hex (const unsigned char *digest, unsigned int dlen, char *out)
{
    for (unsigned int i = 0; i < dlen; i++)
        snprintf (out + 2 * i, 3, "%02x", digest[i]);
    out[2 * dlen] = '\0';
}

void
eod_sha256_hex (const void *data, size_t len, char out[65])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    EVP_Digest (data, len, digest, &dlen, EVP_sha256 (), NULL);
    s_hex (digest, dlen, out);
}

struct _eod_sha256_t {
    EVP_MD_CTX *ctx;
};

eod_sha256_t *
eod_sha256_new (void)
{
    eod_sha256_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->ctx = EVP_MD_CTX_new ();
    if (!self->ctx || EVP_DigestInit_ex (self->ctx, EVP_sha256 (), NULL) != 1)
        eod_sha256_destroy (&self);
    return self;
}

void
eod_sha256_destroy (eod_sha256_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    EVP_MD_CTX_free ((*self_p)->ctx);
    free (*self_p);
    *self_p = NULL;
}

int
eod_sha256_update (eod_sha256_t *self, const void *data, size_t len)
{
    return EVP_DigestUpdate (self->ctx, data, len) == 1 ? 0 : -1;
}

int
eod_sha256_final_hex (eod_sha256_t *self, char out[65])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    out[0] = '\0';
    if (EVP_DigestFinal_ex (self->ctx, digest, &dlen) != 1 || dlen != S_SHA256_BYTES)
        return -1;
    s_hex (digest, dlen, out);
    return 0;
}

int
eod_file_digests (const char *path, char md5_hex[33], char md5_b64[25], char *sha256_hex)
{
    int rc = -1;
    FILE *file = NULL;
    EVP_MD_CTX *md5 = EVP_MD_CTX_new ();
    eod_sha256_t *sha = sha256_hex ? eod_sha256_new () : NULL;
    unsigned char *chunk = malloc (S_FILE_CHUNK);
    if (!md5 || (sha256_hex && !sha) || !chunk) {
        eod_log_error ("out of memory hashing %s", path);
        goto out;
    }
    file = fopen (path, "rb");
    if (!file) {
        eod_log_error ("cannot open %s: %s", path, strerror (errno));
        goto out;
    }
    if (EVP_DigestInit_ex (md5, EVP_md5 (), NULL) != 1) {
        eod_log_error ("digest init failed for %s", path);
        goto out;
    }
    size_t got;
    while ((got = fread (chunk, 1, S_FILE_CHUNK, file)) > 0)
        if (EVP_DigestUpdate (md5, chunk, got) != 1 || (sha && eod_sha256_update (sha, chunk, got))) {
            eod_log_error ("digest update failed for %s", path);
            goto out;
        }
    if (ferror (file)) {
        eod_log_error ("cannot read %s: %s", path, strerror (errno));
        goto out;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (EVP_DigestFinal_ex (md5, digest, &dlen) != 1 || dlen != S_MD5_BYTES) {
        eod_log_error ("md5 final failed for %s", path);
        goto out;
    }
    s_hex (digest, dlen, md5_hex);
    if (EVP_EncodeBlock ((unsigned char *) md5_b64, digest, (int) dlen) != S_MD5_B64_LEN)
        goto out;
    if (sha && eod_sha256_final_hex (sha, sha256_hex)) {
        eod_log_error ("sha256 final failed for %s", path);
        goto out;
    }
    rc = 0;
out:
    if (file)
        fclose (file);
    free (chunk);
    EVP_MD_CTX_free (md5);
    eod_sha256_destroy (&sha);
    return rc;
}

int
eod_md5_file (const char *path, char hex[33], char b64[25])
{
    assert (path && hex && b64);
    return eod_file_digests (path, hex, b64, NULL);
}

void
eod_fingerprint (const char *text, char out[33])
{
    char hex[65];
    eod_sha256_hex (text, strlen (text), hex);
    memcpy (out, hex, 32);
    out[32] = '\0';
}

time_t
eod_wall_now (void)
{
    return time (NULL);
}

int
eod_fsync_dir_of (const char *path)
{
    char dir[4096];
    snprintf (dir, sizeof dir, "%s", path);
    char *slash = strrchr (dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf (dir, sizeof dir, ".");
    int fd = open (dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int rc = fsync (fd);
    close (fd);
    return rc;
}

int
eod_write_file_atomic (const char *path, const void *data, size_t len, int mode)
{
    char tmp[4200];
    snprintf (tmp, sizeof tmp, "%s.tmp.%d", path, (int) getpid ());
    int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return -1;
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t n = write (fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        p += n;
        left -= (size_t) n;
    }
    if (fsync (fd))
        goto fail;
    close (fd);
    if (rename (tmp, path)) {
        unlink (tmp);
        return -1;
    }
    eod_fsync_dir_of (path);
    return 0;
fail:
    close (fd);
    unlink (tmp);
    return -1;
}

char *
eod_read_file (const char *path, size_t max, size_t *len)
{
    FILE *f = fopen (path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc (cap + 1);
    while (buf) {
        size_t got = fread (buf + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            free (buf);
            buf = NULL;
            errno = EFBIG;
            break;
        }
        if (got == 0)
            break;
        if (n == cap) {
            cap *= 2;
            char *bigger = realloc (buf, cap + 1);
            if (!bigger) {
                free (buf);
                buf = NULL;
            }
            else
                buf = bigger;
        }
    }
    fclose (f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = n;
    }
    return buf;
}

size_t
eod_utf8_len (const unsigned char *p)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;   //  bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    }
    else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    }
    else
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

size_t
eod_utf8_repair (char *s)
{
    size_t replaced = 0;
    unsigned char *p = (unsigned char *) s;
    while (*p) {
        size_t n = eod_utf8_len (p);
        if (n == 0) {
            *p++ = '?';
            replaced++;
        }
        else
            p += n;
    }
    return replaced;
}

int64_t
eod_monotonic_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
eod_monotonic_us (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
eod_path_format (char *out, size_t size, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    int n = vsnprintf (out, size, format, args);
    va_end (args);
    if (n >= 0 && (size_t) n < size)
        return 0;
    if (size)
        out[0] = '\0';
    return -1;
}
