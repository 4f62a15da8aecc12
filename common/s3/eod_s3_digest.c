/*  eod_s3_digest — the MD5 and SHA-256 of a file in one pass: the S3 upload's
    Content-MD5 and payload hash (eod_s3.c), and the checksum the writer puts
    in each FILE message.

    Apart from eod_s3.c so a program that only hashes files (the writer) does
    not link the HTTP client, and does not load libcurl and its libraries. */
#include "eod_s3.h"
#include "eod_log.h"

#include <assert.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S3_FILE_CHUNK          65536           //  read size while hashing
#define S3_SHA256_HEX_LEN      64
#define S3_MD5_LEN             16
#define S3_MD5_B64_LEN         24              //  base64 of 16 bytes

static void
s_hex (const unsigned char *bytes, size_t len, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out [2 * i] = hex [bytes [i] >> 4];
        out [2 * i + 1] = hex [bytes [i] & 0x0f];
    }
    out [2 * len] = '\0';
}

//  One pass over the file: MD5 (hex and base64) and, when sha256_hex is not
//  NULL, the hex SHA-256. Returns 0 or -1 (logged).
int
eod_file_digests (const char *path, char md5_hex[33], char md5_b64[25], char *sha256_hex)
{
    int rc = -1;
    FILE *file = NULL;
    EVP_MD_CTX *md5 = EVP_MD_CTX_new ();
    EVP_MD_CTX *sha = sha256_hex ? EVP_MD_CTX_new () : NULL;
    unsigned char *chunk = malloc (S3_FILE_CHUNK);
    if (!md5 || (sha256_hex && !sha) || !chunk) {
        eod_log_error ("s3: out of memory hashing %s", path);
        goto out;
    }
    file = fopen (path, "rb");
    if (!file) {
        eod_log_error ("s3: cannot open %s: %s", path, strerror (errno));
        goto out;
    }
    if (EVP_DigestInit_ex (md5, EVP_md5 (), NULL) != 1
    ||  (sha && EVP_DigestInit_ex (sha, EVP_sha256 (), NULL) != 1)) {
        eod_log_error ("s3: digest init failed for %s", path);
        goto out;
    }
    size_t got;
    while ((got = fread (chunk, 1, S3_FILE_CHUNK, file)) > 0) {
        if (EVP_DigestUpdate (md5, chunk, got) != 1
        ||  (sha && EVP_DigestUpdate (sha, chunk, got) != 1)) {
            eod_log_error ("s3: digest update failed for %s", path);
            goto out;
        }
    }
    if (ferror (file)) {
        eod_log_error ("s3: cannot read %s: %s", path, strerror (errno));
        goto out;
    }
    unsigned char digest [EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_DigestFinal_ex (md5, digest, &digest_len) != 1 || digest_len != S3_MD5_LEN) {
        eod_log_error ("s3: md5 final failed for %s", path);
        goto out;
    }
    s_hex (digest, digest_len, md5_hex);
    if (EVP_EncodeBlock ((unsigned char *) md5_b64, digest, (int) digest_len) != S3_MD5_B64_LEN)
        goto out;
    if (sha) {
        if (EVP_DigestFinal_ex (sha, digest, &digest_len) != 1
        ||  digest_len * 2 != S3_SHA256_HEX_LEN) {
            eod_log_error ("s3: sha256 final failed for %s", path);
            goto out;
        }
        s_hex (digest, digest_len, sha256_hex);
    }
    rc = 0;
out:
    if (file)
        fclose (file);
    free (chunk);
    EVP_MD_CTX_free (md5);
    EVP_MD_CTX_free (sha);
    return rc;
}

int
eod_md5_file (const char *path, char hex[33], char b64[25])
{
    assert (path);
    assert (hex);
    assert (b64);
    return eod_file_digests (path, hex, b64, NULL);
}

