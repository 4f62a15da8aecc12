-- us_eod_ref, us_eod_ref_daily: the US end-of-day CSVs under the reference
-- pipeline's keys ([s3] layout = reference, reference-pipeline.md §5), in the
-- bucket of the US prices ([s3] us_bucket; its prefix, [s3] us_prefix, if any).
--
--   us_eod_ref        reference_keys = partitioned: year=YYYY/month=MM/day=DD/market_YYYYMMDD.csv
--   us_eod_ref_daily  reference_keys = daily:       YYYYMMDD/market_YYYYMMDD.csv
--
-- Create the one your keys follow. Replace YOUR_US_BUCKET (and YOUR_PREFIX/, or drop
-- it when the prices are at the bucket's root, the reference's own layout).
-- The columns, their comments and the SerDe are us_eod.sql's (the writer's
-- header, every column STRING); only the partitions differ: year, month and
-- day, each an integer projection (month and day two digits, as the keys
-- write them), or one dt of yyyyMMdd. The bucket holds nothing but the price
-- files: the code lists and anomalies have buckets or prefixes of their own.
-- us_eod_typed's SELECT reads these tables as well (FROM us_eod_ref).

CREATE EXTERNAL TABLE IF NOT EXISTS us_eod_ref (
  xymd               STRING,
  close              STRING,
  sign               STRING,
  diff               STRING,
  rate               STRING,
  open               STRING,
  high               STRING,
  low                STRING,
  tvol               STRING,
  tamt               STRING,
  pbid               STRING,
  vbid               STRING,
  pask               STRING,
  vask               STRING,
  rsym               STRING COMMENT 'KIS output1 of the request: empty unless the row session was the latest closed one when asked',
  zdiv               STRING COMMENT 'KIS output1 of the request: empty unless the row session was the latest closed one when asked',
  nrec               STRING COMMENT 'KIS output1 of the request: empty unless the row session was the latest closed one when asked',
  symbol             STRING,
  dow30              STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  nas100             STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  sp500              STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  korea_name         STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  english_name       STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  security_type      STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  exchange_code      STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  exchange_name      STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  gics_sector        STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  gics_sub_industry  STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  company            STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session'
)
PARTITIONED BY (year INT, month INT, day INT)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES (
  'separatorChar' = ',',
  'quoteChar'     = '"',
  'escapeChar'    = '\\'
)
STORED AS TEXTFILE
LOCATION 's3://YOUR_US_BUCKET/YOUR_PREFIX/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.year.type'       = 'integer',
  'projection.year.range'      = '2015,2099',
  'projection.month.type'      = 'integer',
  'projection.month.range'     = '1,12',
  'projection.month.digits'    = '2',
  'projection.day.type'        = 'integer',
  'projection.day.range'       = '1,31',
  'projection.day.digits'      = '2',
  'storage.location.template'  = 's3://YOUR_US_BUCKET/YOUR_PREFIX/year=${year}/month=${month}/day=${day}/'
);

CREATE EXTERNAL TABLE IF NOT EXISTS us_eod_ref_daily (
  xymd               STRING,
  close              STRING,
  sign               STRING,
  diff               STRING,
  rate               STRING,
  open               STRING,
  high               STRING,
  low                STRING,
  tvol               STRING,
  tamt               STRING,
  pbid               STRING,
  vbid               STRING,
  pask               STRING,
  vask               STRING,
  rsym               STRING COMMENT 'KIS output1 of the request: empty unless the row session was the latest closed one when asked',
  zdiv               STRING COMMENT 'KIS output1 of the request: empty unless the row session was the latest closed one when asked',
  nrec               STRING COMMENT 'KIS output1 of the request: empty unless the row session was the latest closed one when asked',
  symbol             STRING,
  dow30              STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  nas100             STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  sp500              STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  korea_name         STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  english_name       STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  security_type      STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  exchange_code      STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  exchange_name      STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  gics_sector        STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  gics_sub_industry  STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session',
  company            STRING COMMENT 'as of the run that wrote the row (its index lists and master files), not of the row session'
)
PARTITIONED BY (dt STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES (
  'separatorChar' = ',',
  'quoteChar'     = '"',
  'escapeChar'    = '\\'
)
STORED AS TEXTFILE
LOCATION 's3://YOUR_US_BUCKET/YOUR_PREFIX/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.dt.type'         = 'date',
  'projection.dt.format'       = 'yyyyMMdd',
  'projection.dt.range'        = '20150101,NOW',
  'projection.dt.interval'     = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template'  = 's3://YOUR_US_BUCKET/YOUR_PREFIX/${dt}/'
);
