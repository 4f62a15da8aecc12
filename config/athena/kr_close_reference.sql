-- kr_close_ref, kr_close_ref_daily: the fast close's files (launch/eod close) under
-- the reference layout's keys ([s3] layout = reference), in the bucket of the data
-- set close ([s3] close_bucket; its prefix, [s3] close_prefix, if any; in the
-- shared [s3] bucket the prefix is [s3] prefix followed by /close).
--
--   kr_close_ref        reference_keys = partitioned: year=YYYY/month=MM/day=DD/kr_close_YYYYMMDD.csv
--   kr_close_ref_daily  reference_keys = daily:       YYYYMMDD/kr_close_YYYYMMDD.csv
--
-- Create the one your keys follow. Replace YOUR_CLOSE_BUCKET (and YOUR_PREFIX/, or
-- drop it when the files are at the bucket's root). The columns and the SerDe
-- are kr_close.sql's; only the partitions differ. The location holds nothing
-- but the fast close's files: the uploader refuses a layout that puts another
-- data set under it, or it under a price table. kr_close_typed's SELECT reads
-- these tables as well (FROM kr_close_ref).

CREATE EXTERNAL TABLE IF NOT EXISTS kr_close_ref (
  trade_date   STRING COMMENT 'the session (YYYY-MM-DD) the quotes were read for: header date',
  code         STRING,
  name         STRING,
  open         STRING,
  high         STRING,
  low          STRING,
  close        STRING,
  volume       STRING,
  value        STRING,
  prev_close   STRING,
  change       STRING,
  sign         STRING,
  rate         STRING
)
PARTITIONED BY (year INT, month INT, day INT)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES (
  'separatorChar' = ',',
  'quoteChar'     = '"',
  'escapeChar'    = '\\'
)
STORED AS TEXTFILE
LOCATION 's3://YOUR_CLOSE_BUCKET/YOUR_PREFIX/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.year.type'       = 'integer',
  'projection.year.range'      = '2024,2099',
  'projection.month.type'      = 'integer',
  'projection.month.range'     = '1,12',
  'projection.month.digits'    = '2',
  'projection.day.type'        = 'integer',
  'projection.day.range'       = '1,31',
  'projection.day.digits'      = '2',
  'storage.location.template'  = 's3://YOUR_CLOSE_BUCKET/YOUR_PREFIX/year=${year}/month=${month}/day=${day}/'
);

CREATE EXTERNAL TABLE IF NOT EXISTS kr_close_ref_daily (
  trade_date   STRING COMMENT 'the session (YYYY-MM-DD) the quotes were read for: header date',
  code         STRING,
  name         STRING,
  open         STRING,
  high         STRING,
  low          STRING,
  close        STRING,
  volume       STRING,
  value        STRING,
  prev_close   STRING,
  change       STRING,
  sign         STRING,
  rate         STRING
)
PARTITIONED BY (dt STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES (
  'separatorChar' = ',',
  'quoteChar'     = '"',
  'escapeChar'    = '\\'
)
STORED AS TEXTFILE
LOCATION 's3://YOUR_CLOSE_BUCKET/YOUR_PREFIX/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.dt.type'         = 'date',
  'projection.dt.format'       = 'yyyyMMdd',
  'projection.dt.range'        = '20240101,NOW',
  'projection.dt.interval'     = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template'  = 's3://YOUR_CLOSE_BUCKET/YOUR_PREFIX/${dt}/'
);
