-- us_eod: the US end-of-day CSVs eod uploads (S&P 500, NASDAQ-100, Dow 30 and
-- the extra tickers), one partition a session; dt is the XNYS session date.
--
-- Objects: s3://YOUR_BUCKET/YOUR_PREFIX/market=us/dt=YYYY-MM-DD/us_YYYYMMDD.csv
-- (the uploader's default key, PREFIX/market={market}/dt={yyyy}-{mm}-{dd}/{file}).
-- Replace YOUR_BUCKET and YOUR_PREFIX/ first (config/athena/README.md); with an
-- empty [s3] prefix, drop "YOUR_PREFIX/" altogether.
--
-- The columns are the writer's header (stages/writer/writer_csv.c), in its order,
-- named for Athena, which allows only letters, digits and '_': lower case,
-- '&' dropped, any other run of characters that is not a letter or digit
-- turned into '_' (S&P500 -> sp500, GICS Sub-Industry -> gics_sub_industry).
-- OpenCSVSerde maps them by position; it is needed because GICS sub-industries
-- and company names hold commas (quoted in the file). Every column is STRING
-- (that SerDe reads text; rsym, zdiv and nrec are empty on rows whose session
-- was not the latest closed one when the run asked); the view us_eod_typed
-- below casts them.
-- The index flags (dow30, nas100, sp500), GICS and the names are those of the
-- run that wrote the row, on every row, a backfill's included: a backfill's
-- lists on its rows of 2015. A row written by its session's own run (the
-- evening after the close) keeps them, and rsym/zdiv/nrec, when a later run
-- writes that session again, so those rows show membership on their day.
-- Partitions come from projection on dt: no crawler, no MSCK REPAIR TABLE.

CREATE EXTERNAL TABLE IF NOT EXISTS us_eod (
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
LOCATION 's3://YOUR_BUCKET/YOUR_PREFIX/market=us/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.dt.type'         = 'date',
  'projection.dt.format'       = 'yyyy-MM-dd',
  'projection.dt.range'        = '2015-01-01,NOW',
  'projection.dt.interval'     = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template'  = 's3://YOUR_BUCKET/YOUR_PREFIX/market=us/dt=${dt}/'
);

-- Typed view: prices in USD as DOUBLE, volumes as BIGINT, index flags as
-- BOOLEAN, empty or malformed values as NULL.
CREATE OR REPLACE VIEW us_eod_typed AS
SELECT
  TRY_CAST(xymd AS DATE)                        AS trade_date,
  symbol,
  exchange_code,
  TRY_CAST(NULLIF(open, '') AS DOUBLE)          AS open,
  TRY_CAST(NULLIF(high, '') AS DOUBLE)          AS high,
  TRY_CAST(NULLIF(low, '') AS DOUBLE)           AS low,
  TRY_CAST(NULLIF(close, '') AS DOUBLE)         AS close,
  TRY_CAST(NULLIF(tvol, '') AS BIGINT)          AS volume,
  TRY_CAST(NULLIF(tamt, '') AS DOUBLE)          AS traded_value,
  TRY_CAST(NULLIF(diff, '') AS DOUBLE)          AS change,
  sign                                          AS change_sign,
  TRY_CAST(NULLIF(rate, '') AS DOUBLE)          AS change_pct,
  TRY_CAST(NULLIF(pbid, '') AS DOUBLE)          AS bid,
  TRY_CAST(NULLIF(vbid, '') AS BIGINT)          AS bid_size,
  TRY_CAST(NULLIF(pask, '') AS DOUBLE)          AS ask,
  TRY_CAST(NULLIF(vask, '') AS BIGINT)          AS ask_size,
  rsym,
  TRY_CAST(NULLIF(zdiv, '') AS INTEGER)         AS decimals,
  dow30 = '1'                                   AS in_dow30,
  nas100 = '1'                                  AS in_nasdaq100,
  sp500 = '1'                                   AS in_sp500,
  korea_name,
  english_name,
  security_type,
  exchange_name,
  gics_sector,
  gics_sub_industry,
  company,
  dt
FROM us_eod;
