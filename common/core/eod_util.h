/*  eod_util — small helpers several stages share: strings, files, hashes
    (SHA-256 and MD5 through OpenSSL's EVP interface, in this file only). */
#ifndef EOD_UTIL_H
#define EOD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

//  Trims ASCII white space at both ends, in place; returns s.
char *eod_trim (char *s);

//  Writes a formatted message into the caller's error buffer err[errlen]
//  (cut to fit, always terminated), then replaces every secret registered
//  with eod_log_secret, so an error text is as safe to log or send on as a
//  log line. Does nothing when err is NULL or errlen is 0: a function whose
//  err argument is optional passes it straight through.
void eod_set_error (char *err, size_t errlen, const char *format, ...) __attribute__ ((format (printf, 3, 4)));
//  The same with the arguments as a va_list (for a wrapper that adds to it).
void eod_vset_error (char *err, size_t errlen, const char *format, va_list args)
    __attribute__ ((format (printf, 3, 0)));

//  Creates every missing directory of path's parent (mode 0700 for state).
//  0 or -1.
int eod_mkdirs_for (const char *path);
int eod_mkdirs (const char *dir, int mode);

//  Hex SHA-256 of text, first 32 hex digits: a fingerprint that identifies a
//  secret without revealing it.
void eod_fingerprint (const char *text, char out[33]);

//  Hex SHA-256 of bytes (65 with NUL).
void eod_sha256_hex (const void *data, size_t len, char out[65]);

//  SHA-256 over bytes given in pieces (OpenSSL EVP), for a digest over more
//  than one buffer (the lister's run id: a few fields, then every code).
typedef struct _eod_sha256_t eod_sha256_t;

//  A digest with nothing added yet. NULL when OpenSSL cannot make one (out
//  of memory, no provider of SHA-256).
eod_sha256_t *eod_sha256_new (void);

//  Frees the digest and nulls *self_p; safe on NULL and twice.
void eod_sha256_destroy (eod_sha256_t **self_p);

//  Adds len bytes. 0 or -1.
int eod_sha256_update (eod_sha256_t *self, const void *data, size_t len);

//  Writes the hex SHA-256 of everything added into out (65 with NUL). 0 or
//  -1 (out then holds ""). The digest takes nothing more after it.
int eod_sha256_final_hex (eod_sha256_t *self, char out[65]);

//  Hex MD5 (32 digits, lowercase) and base64 MD5 (24 characters) of the file
//  at path, each NUL-terminated: the checksum of a FILE message, the
//  Content-MD5 of an S3 PUT. Returns 0, or -1 when the file cannot be read
//  (logged with the path and errno text).
int eod_md5_file (const char *path, char hex[33], char b64[25]);

//  One pass over the file at path: its hex and base64 MD5 and, when
//  sha256_hex is not NULL, its hex SHA-256 (65 bytes with the NUL; the
//  payload hash of an S3 PUT). Returns 0, or -1 when the file cannot be read
//  (logged with the path).
int eod_file_digests (const char *path, char md5_hex[33], char md5_b64[25], char *sha256_hex);

//  Wall-clock seconds (real time: token expiry and S3 signing never use a
//  fake clock).
time_t eod_wall_now (void);

//  Writes data to path through a temp file, fsync and rename. 0 or -1 (errno).
int eod_write_file_atomic (const char *path, const void *data, size_t len, int mode);

//  Reads a whole file (at most max bytes) into a malloc'd NUL-terminated
//  buffer. NULL on error (errno set; EFBIG when over max).
char *eod_read_file (const char *path, size_t max, size_t *len);

//  Length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms,
//  surrogates or code points over U+10FFFF) at p, or 0 when p does not start
//  one. Reads no further than the first byte that breaks the sequence.
size_t eod_utf8_len (const unsigned char *p);

//  Replaces, in place, every byte of s that does not belong to a well-formed
//  UTF-8 sequence (RFC 3629: no overlong forms, surrogates or code points over
//  U+10FFFF) with '?'. Returns the number of bytes replaced.
size_t eod_utf8_repair (char *s);

//  fsync of the directory holding path, so a rename is durable. 0 or -1.
int eod_fsync_dir_of (const char *path);

//  Milliseconds on a monotonic clock.
int64_t eod_monotonic_ms (void);
//  Microseconds on the same clock (CLOCK_MONOTONIC: one per host, shared by
//  its processes).
int64_t eod_monotonic_us (void);

#endif
