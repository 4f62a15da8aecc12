/*  eod_master — the KIS master (symbol) files: unzip, parse, map symbols.

    The lister stage downloads kospi_code.mst.zip, kosdaq_code.mst.zip and the
    US nasmst/nysmst/amsmst.cod.zip archives from the master-file host, unzips
    them here and walks the records through a callback. The KR files are fixed
    width in CP949 (KOSPI 288 bytes, KOSDAQ 282 bytes per record) and are cut
    at absolute byte offsets; the US .cod files are TAB-separated CP949 with no
    header row. Names come back as UTF-8.

    Bad outside data never aborts a parse: a garbled record is counted in the
    stats, logged as "source:line: reason (code X)" and skipped.

    The files can be parsed whole from memory (eod_master_parse,
    eod_cod_parse) or streamed: an eod_master_reader_t takes the bytes in
    chunks of any size, carries a record split between two chunks, and so
    holds one line at a time; eod_master_unzip_parse feeds it from a zip
    archive on disk, inflating a chunk at a time. Both ways give the same
    records, stats and log lines.

    The reader's files: master_zip.c (the one zip reader), master_reader.c
    (bytes into lines), master_mst.c (KR records), master_cod.c (US records
    and ticker spelling), master_text.c (fields, CP949); master_internal.h
    is what they share. */
#ifndef EOD_MASTER_H
#define EOD_MASTER_H

#include <stdbool.h>
#include <stddef.h>

//  Largest master file read: the largest uncompressed entry eod_master_unzip
//  accepts, and the most bytes a reader takes (the real KR files are well
//  under 1 MiB, the .cod files a few; a bigger one means a broken or hostile
//  archive, or a path like /dev/zero that never ends).
#define EOD_MASTER_SIZE_MAX ((size_t) 64 * 1024 * 1024)
#define EOD_MASTER_UNZIP_MAX EOD_MASTER_SIZE_MAX

//  Longest line the streaming reader keeps: a longer one is garbled (the
//  real records are under 300 bytes, a .cod line under 500).
#define EOD_MASTER_LINE_MAX 65536
//  Bytes inflated per zip_fread by eod_master_unzip_parse (on its stack).
#define EOD_MASTER_READ_CHUNK 16384
//  Longest source name kept by a reader for its log lines.
#define EOD_MASTER_SOURCE_MAX 256

//  Record lengths in bytes, without the line terminator.
#define EOD_MASTER_KOSPI_RECORD_LEN  288
#define EOD_MASTER_KOSDAQ_RECORD_LEN 282
//  Head shared by both: short code 9, standard code 12, name 40 (CP949).
#define EOD_MASTER_SHORT_CODE_LEN    9
#define EOD_MASTER_STANDARD_CODE_LEN 12
#define EOD_MASTER_NAME_LEN          40
#define EOD_MASTER_HEAD_LEN          61
//  Longest tail (KOSPI); the KOSDAQ tail is 221 bytes.
#define EOD_MASTER_TAIL_MAX 227
//  A 40-byte CP949 name is at most 40 UTF-8 characters of up to 3 bytes.
#define EOD_MASTER_NAME_UTF8_MAX 128
//  Normalised decimal text, e.g. "-2", "31.39" (9 source bytes at most).
#define EOD_MASTER_NUMBER_MAX 16

typedef enum {
    EOD_MASTER_KOSPI,
    EOD_MASTER_KOSDAQ
} eod_master_kind_t;

//  One KR record. Strings are NUL-terminated and trimmed.
//  Numbers from the financial fields (revenue, operating_profit, net_income,
//  roe) are kept as normalised decimal text: sign kept, leading zeros dropped
//  (one digit left before any point), trailing zeros of a fraction dropped
//  with the point when nothing remains, "-0" written "0"; a blank field is "".
//  So "-00000002" -> "-2", "000031.39" -> "31.39", "000000000" -> "0".
//  Flags are true only for 'Y'; 'N' and a space (not applicable) are false.
typedef struct {
    eod_master_kind_t kind;
    size_t line;                                      //  1-based line in the source
    char short_code [EOD_MASTER_SHORT_CODE_LEN + 1];  //  "005930", "0004Y0"
    char standard_code [EOD_MASTER_STANDARD_CODE_LEN + 1]; //  ISIN
    char name [EOD_MASTER_NAME_UTF8_MAX];             //  UTF-8
    char group_code [3];                              //  ST, EF, RT, IF, ...
    long long market_cap;                             //  시가총액, 억원, previous day
    bool krx300;
    bool kosdaq150;                                   //  KOSDAQ file only; false for KOSPI
    bool spac;                                        //  기업인수목적회사
    bool suspended;                                   //  거래정지
    bool liquidating;                                 //  정리매매
    bool administrative;                              //  관리종목
    char etp_code [2];                                //  "" when blank, else "0".."5"
    char listing_date [9];                            //  YYYYMMDD or "" when blank
    char base_date [9];                               //  기준년월 YYYYMMDD or ""
    char revenue [EOD_MASTER_NUMBER_MAX];             //  매출액, 억원
    char operating_profit [EOD_MASTER_NUMBER_MAX];    //  영업이익
    char net_income [EOD_MASTER_NUMBER_MAX];          //  당기순이익
    char roe [EOD_MASTER_NUMBER_MAX];                 //  ROE, percent
    char tail [EOD_MASTER_TAIL_MAX + 1];              //  the raw ASCII tail, untrimmed
} eod_master_record_t;

//  Counters of one parse; reset by the parse functions at their start.
typedef struct {
    size_t lines;      //  lines seen, blank ones included
    size_t blank;      //  blank lines skipped
    size_t records;    //  good records passed to the callback
    size_t garbled;    //  records counted, logged and skipped
} eod_master_stats_t;

//  Called once per good record. rec is borrowed for the call only. Return 0
//  to go on, anything else to stop the parse.
typedef int (eod_master_cb) (const eod_master_record_t *rec, void *arg);

//  One US .cod record. Every string is trimmed, UTF-8, borrowed for the
//  callback only; a column the line lacks reads as "".
typedef struct {
    size_t line;               //  1-based line in the source
    size_t columns;            //  columns the line had (24 today, 23 before 2023-02-27)
    const char *national_code; //  0 "US"
    const char *exchange_id;   //  1 "22"
    const char *exchange_code; //  2 "NAS" / "NYS" / "AMS": EXCD for the API
    const char *exchange_name; //  3 "나스닥"
    const char *symbol;        //  4 "AAPL": never empty
    const char *realtime_symbol; //  5 "NASAAPL"
    const char *korea_name;    //  6 "애플"
    const char *english_name;  //  7 "APPLE INC"
    const char *security_type; //  8 1 index, 2 stock, 3 ETP, 4 warrant
    const char *currency;      //  9 "USD"
    const char *base_price;    //  12 "267.4600"
    const char *etp_kind;      //  22 001 ETF, 002 ETN, ... ("" when blank)
    //  Every column by index, EOD_COD_COLUMNS of them (those the line
    //  lacks read as ""; those past them are not kept): the official
    //  column list of the file, for a copy of it as it is.
    const char *const *cols;
} eod_cod_record_t;

//  Columns of a .cod record kept in eod_cod_record_t cols.
#define EOD_COD_COLUMNS 24

typedef int (eod_cod_cb) (const eod_cod_record_t *rec, void *arg);

//  Finds the first entry of the ZIP archive in zip_bytes whose name ends with
//  entry_suffix (compared case-insensitively: "NASMST.COD" matches
//  "nasmst.cod") and inflates it into a new buffer. On success returns 0,
//  *out is the caller's to free (NUL-terminated after *outlen bytes). On
//  error returns -1, *out is NULL and err (if not NULL) says why: not a zip,
//  no such entry (with the names found), over EOD_MASTER_UNZIP_MAX, or a
//  read error.
int eod_master_unzip (const void *zip_bytes, size_t len, const char *entry_suffix,
                      char **out, size_t *outlen, char *err, size_t errlen);

//  A streaming parser of one master file (KR or .cod).
typedef struct _eod_master_reader_t eod_master_reader_t;

//  Creates a reader of a KOSPI or KOSDAQ master file: each good record goes
//  to cb as with eod_master_parse. source_name (copied; NULL: the kind's
//  name) names the file in log lines. Returns NULL (logged) when out of
//  memory or without a CP949 converter.
eod_master_reader_t *eod_master_reader_new (eod_master_kind_t kind, const char *source_name,
                                            eod_master_cb cb, void *arg);

//  Creates a reader of a US .cod file; as eod_master_reader_new, records go
//  to cb as with eod_cod_parse (source_name NULL: "cod").
eod_master_reader_t *eod_cod_reader_new (const char *source_name, eod_cod_cb cb, void *arg);

//  Destroys the reader and nulls *self_p; safe on NULL and twice.
void eod_master_reader_destroy (eod_master_reader_t **self_p);

//  Feeds the next len bytes of the file (any split: a line may straddle any
//  number of feeds). Every line completed by these bytes is parsed: good
//  records go to the callback, garbled ones are counted and logged with
//  their line number; a line over EOD_MASTER_LINE_MAX bytes is garbled (its
//  length and code in the log) without being held whole. Returns 0, or -1
//  when the callback stopped the parse, memory ran out or the bytes fed
//  would pass EOD_MASTER_SIZE_MAX (logged: nothing of them is parsed); after
//  -1 every feed and end returns -1 at once.
int eod_master_reader_feed (eod_master_reader_t *self, const void *bytes, size_t len);

//  Ends the file: a last line without a final newline is parsed now (so a
//  truncated last record is reported as garbled, with its length). Returns
//  as eod_master_reader_feed. Feed nothing after it.
int eod_master_reader_end (eod_master_reader_t *self);

//  The reader's counters so far (borrowed, valid while the reader lives).
const eod_master_stats_t *eod_master_reader_stats (const eod_master_reader_t *self);

//  Opens the ZIP archive at zip_path, finds its first entry whose name ends
//  with entry_suffix (as eod_master_unzip) and feeds it through reader in
//  chunks of EOD_MASTER_READ_CHUNK bytes, then ends the reader. Nothing
//  larger than a chunk is held. Returns 0 when the whole entry was read and
//  parsed (garbled records are in the reader's stats, not errors). Returns
//  -1 with err (if not NULL) saying why: not a zip (with the path), no such
//  entry (with the names found), over EOD_MASTER_UNZIP_MAX, a read or CRC
//  error (with the bytes read so far), or the reader stopped (with the line).
//  Records before a read error have already reached the callback: a caller
//  that must not act on part of a file collects first and acts on 0 only.
int eod_master_unzip_parse (const char *zip_path, const char *entry_suffix,
                            eod_master_reader_t *reader, char *err, size_t errlen);

//  Parses a whole KOSPI or KOSDAQ master file held in bytes (CP949, LF or
//  CRLF, final newline optional, blank lines skipped) through a reader, so it
//  gives what streaming the same bytes gives. source_name names the data in
//  log lines ("kospi_code.mst"). Calls cb for every good record;
//  counts and logs every garbled one: wrong length, non-digit where digits
//  must be, a flag that is not Y/N/space, a name that is not valid CP949, a
//  non-ASCII tail. stats may be NULL. Returns 0 when the whole input was
//  walked, -1 when cb stopped it or the CP949 converter is unavailable.
int eod_master_parse (eod_master_kind_t kind, const char *bytes, size_t len,
                      const char *source_name, eod_master_cb cb, void *arg,
                      eod_master_stats_t *stats);

//  Parses a US .cod master file (TAB-separated CP949, no header row: the
//  first line is a record). Lines with fewer than 10 columns, an empty
//  symbol or invalid CP949 are counted, logged and skipped; extra columns
//  are ignored. Returns as eod_master_parse.
int eod_cod_parse (const char *bytes, size_t len, const char *source_name,
                   eod_cod_cb cb, void *arg, eod_master_stats_t *stats);

//  Writes the KIS spelling of a US ticker into out (always NUL-terminated,
//  truncated to outsize - 1): trimmed, upper-cased, and a one-letter share
//  class after '.' or '-' written with '/' ("BRK.B" -> "BRK/B", "BF-B" ->
//  "BF/B"). Other symbols are copied unchanged. Does nothing if outsize is 0.
void eod_us_symbol_to_kis (const char *in, char *out, size_t outsize);

//  Name of a kind for logs and CSV ("kospi", "kosdaq").
const char *eod_master_kind_name (eod_master_kind_t kind);

#endif
