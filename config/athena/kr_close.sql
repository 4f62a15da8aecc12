-- kr_close: the fast close (launch/eod close), a KR session's core columns from
-- the multi-stock quote (KIS FHKST11300006) alone, one partition a session.
-- A table of its own: never mix it with kr_eod, whose rows come from the daily
-- chart with 41 columns.
--
-- Objects: s3://YOUR_BUCKET/YOUR_PREFIX/close/market=kr/dt=YYYY-MM-DD/kr_close_YYYYMMDD.csv
-- (the uploader's data set close, [s3] layout = hive: PREFIX/market=kr/dt=.../ with
-- PREFIX = [s3] close_prefix, else [s3] prefix followed by /close; in a bucket of
-- its own, [s3] close_bucket, no prefix at all). Replace YOUR_BUCKET and
-- YOUR_PREFIX/ first (config/athena/README.md).
--
-- The columns are the writer's header (stages/writer/close.c): date, code, name,
-- open, high, low, close, volume, value, prev_close, change, sign, rate. The first
-- is trade_date here (OpenCSVSerde maps by position; date is a reserved word).
-- Every column is STRING, as in kr_eod; the view kr_close_typed casts them. The
-- quote carries no date: a row is written only when its quote was asked while
-- the session was the latest closed one, inside [multiquote] window_start ..
-- window_end (README.md "Fast close").

CREATE EXTERNAL TABLE IF NOT EXISTS kr_close (
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
LOCATION 's3://YOUR_BUCKET/YOUR_PREFIX/close/market=kr/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.dt.type'         = 'date',
  'projection.dt.format'       = 'yyyy-MM-dd',
  'projection.dt.range'        = '2024-01-01,NOW',
  'projection.dt.interval'     = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template'  = 's3://YOUR_BUCKET/YOUR_PREFIX/close/market=kr/dt=${dt}/'
);

-- Typed view: numbers as BIGINT/DOUBLE, empty or malformed values as NULL.
CREATE OR REPLACE VIEW kr_close_typed AS
SELECT
  TRY_CAST(trade_date AS DATE)                 AS trade_date,
  code,
  name,
  TRY_CAST(NULLIF(open, '') AS BIGINT)         AS open,
  TRY_CAST(NULLIF(high, '') AS BIGINT)         AS high,
  TRY_CAST(NULLIF(low, '') AS BIGINT)          AS low,
  TRY_CAST(NULLIF(close, '') AS BIGINT)        AS close,
  TRY_CAST(NULLIF(volume, '') AS BIGINT)       AS volume,
  TRY_CAST(NULLIF(value, '') AS BIGINT)        AS traded_value,
  TRY_CAST(NULLIF(prev_close, '') AS BIGINT)   AS prev_close,
  TRY_CAST(NULLIF(change, '') AS BIGINT)       AS change,
  sign                                         AS change_sign,
  TRY_CAST(NULLIF(rate, '') AS DOUBLE)         AS change_pct,
  dt
FROM kr_close;
