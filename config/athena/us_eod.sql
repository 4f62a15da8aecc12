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
-- (that SerDe reads text; backfilled rows leave snapshot-only columns empty);
-- the view us_eod_typed below casts them.
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
  rsym               STRING,
  zdiv               STRING,
  nrec               STRING,
  symbol             STRING,
  dow30              STRING,
  nas100             STRING,
  sp500              STRING,
  korea_name         STRING,
  english_name       STRING,
  security_type      STRING,
  exchange_code      STRING,
  exchange_name      STRING,
  gics_sector        STRING,
  gics_sub_industry  STRING,
  company            STRING
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
