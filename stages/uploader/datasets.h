/*  uploader datasets — where each kind of file goes in S3: its data set,
    bucket, prefix and key.

    A FILE's data set is the first segment of its key under the data
    directory: market=kr/... the KR prices, market=us/... the US prices,
    codes/... the universe snapshots (the lister's code lists), anomalies/...
    the validation sidecar, close/... the fast close (a KR session's core
    columns from the multi-stock quote, a table of its own). A new data set is a line of the table in
    datasets.c, two config keys ([s3] NAME_bucket, NAME_prefix) and its key
    forms; the writer and uploader need nothing else.

    [s3] layout = hive (the default) keys as Athena's projection wants them:
      prices      PREFIX/market={market}/dt={yyyy}-{mm}-{dd}/{file} ([s3] key_template, if set)
      codes       PREFIX/{list}/dt={yyyy}-{mm}-{dd}/{file}     (list: the file stem, kospi_code)
      anomalies   PREFIX/market={market}/dt={yyyy}-{mm}-{dd}/{file}
      close       PREFIX/market={market}/dt={yyyy}-{mm}-{dd}/{file}     (file: kr_close_YYYYMMDD.csv)
    [s3] layout = reference keys as the reference pipeline did
    (reference-pipeline.md §5), in its first form (reference_keys =
    partitioned) or its later one (daily):
      prices      PREFIX/year={yyyy}/month={mm}/day={dd}/market_{yyyymmdd}.csv | PREFIX/{yyyymmdd}/market_{yyyymmdd}.csv
      codes       PREFIX/{yyyy}/{mm}/{dd}/{file}                                | PREFIX/{yyyymmdd}/{file}
      anomalies   as in the hive layout (the reference had none)
      close       PREFIX/year={yyyy}/month={mm}/day={dd}/{file}         | PREFIX/{yyyymmdd}/{file}

    A data set's bucket is [s3] NAME_bucket, else [s3] bucket. Its prefix is
    [s3] NAME_prefix, else: "" in a bucket of its own; in the shared bucket,
    [s3] prefix, followed by /NAME except for the hive layout's prices
    (today's keys, which market= keeps apart). A layout where the objects of
    one data set would fall under a table's location (a price table's or the
    fast close's: another table, the code lists, the anomalies) is refused: Athena would read
    them as rows of the table. Every key is made by uploader_object_key
    (object_key.h) from grammar-checked parts, and checked whole. */
#ifndef UPLOADER_DATASETS_H
#define UPLOADER_DATASETS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    UPLOADER_DS_KR,
    UPLOADER_DS_US,
    UPLOADER_DS_CODES,
    UPLOADER_DS_ANOMALIES,
    UPLOADER_DS_CLOSE,
    UPLOADER_DATASETS
} uploader_dataset_t;

#define UPLOADER_PREFIX_MAX 600   //  a resolved prefix ([s3] prefix is at most 512) and its NUL

//  The settings the data sets are resolved from (borrowed strings; NULL
//  reads as "").
typedef struct {
    const char *layout;                        //  "hive" or "reference"
    const char *reference_keys;                //  "partitioned" or "daily"
    const char *key_template;                  //  hive prices only
    const char *bucket, *prefix;               //  [s3] bucket, prefix
    const char *buckets[UPLOADER_DATASETS];    //  [s3] NAME_bucket
    const char *prefixes[UPLOADER_DATASETS];   //  [s3] NAME_prefix
} uploader_settings_t;

typedef struct {
    const char *bucket;   //  borrowed from the settings; "": not uploaded
    char prefix[UPLOADER_PREFIX_MAX];
} uploader_target_t;

typedef struct {
    bool reference, daily;
    const char *key_template;
    uploader_target_t targets[UPLOADER_DATASETS];
} uploader_datasets_t;

//  The data set's name ("kr", "us", "codes", "anomalies", "close").
const char *uploader_dataset_name (uploader_dataset_t d);

//  Resolves every data set's bucket and prefix from in into out. 0, or -1
//  with why set: an unknown layout, a prefix that fails its grammar or
//  does not fit, objects of one data set under a price table's location.
int uploader_datasets_resolve (const uploader_settings_t *in, uploader_datasets_t *out, char *why, size_t whylen);

//  The data set of a FILE from its key under the data directory (rel) and
//  its market. 0, or -1 when rel names none, or a price file of another
//  market.
int uploader_dataset_of (const char *rel, const char *market, uploader_dataset_t *out);

//  The object key of file (a file name) of data set d, market and date
//  (YYYY-MM-DD: the session, or the day a snapshot was downloaded) into
//  key. 0, or -1 with why set (a part that fails its grammar, a key that
//  does not fit).
int uploader_dataset_key (const uploader_datasets_t *ds, uploader_dataset_t d, const char *market, const char *date,
                          const char *file, char *key, size_t keysize, char *why, size_t whylen);

#endif
