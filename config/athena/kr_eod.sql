-- kr_eod: the KR end-of-day CSVs eod uploads (KOSPI, KOSDAQ), one partition a session.
--
-- Objects: s3://YOUR_BUCKET/YOUR_PREFIX/market=kr/dt=YYYY-MM-DD/kr_YYYYMMDD.csv
-- (the uploader's default key, PREFIX/market={market}/dt={yyyy}-{mm}-{dd}/{file}).
-- Replace YOUR_BUCKET and YOUR_PREFIX/ first (config/athena/README.md); with an
-- empty [s3] prefix, drop "YOUR_PREFIX/" altogether.
--
-- The columns are the writer's header (stages/writer/writer_csv.c), in its order,
-- named for Athena: lower case, '&' dropped, any other run of characters that
-- is not a letter or digit turned into '_'. OpenCSVSerde maps them by position.
-- Every column is STRING: OpenCSVSerde reads values as text, and the snapshot
-- columns (output1: the quote at the request, and the master files' financial
-- figures) are empty on every row whose session was not the latest closed one
-- when the run asked (a backfill's older sessions, a run for a past day, see
-- README.md "What a run produces"), which a numeric column under this SerDe
-- refuses (HIVE_BAD_DATA). group_code and the name are on every row, as of
-- the run. The view kr_eod_typed below casts them.
-- Partitions come from projection on dt: no crawler, no MSCK REPAIR TABLE.

CREATE EXTERNAL TABLE IF NOT EXISTS kr_eod (
  stck_bsop_date           STRING,
  stck_clpr                STRING,
  stck_oprc                STRING,
  stck_hgpr                STRING,
  stck_lwpr                STRING,
  acml_vol                 STRING,
  acml_tr_pbmn             STRING,
  flng_cls_code            STRING,
  prtt_rate                STRING,
  mod_yn                   STRING,
  prdy_vrss_sign           STRING,
  prdy_vrss                STRING,
  revl_issu_reas           STRING,
  prdy_ctrt                STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  stck_prdy_clpr           STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  hts_kor_isnm             STRING COMMENT 'name: the quote of the row session when it has one, else the master file of the run',
  stck_prpr                STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  stck_shrn_iscd           STRING,
  prdy_vol                 STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  stck_mxpr                STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  stck_llam                STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  stck_prdy_oprc           STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  stck_prdy_hgpr           STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  stck_prdy_lwpr           STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  askp                     STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  bidp                     STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  prdy_vrss_vol            STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  vol_tnrt                 STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  stck_fcam                STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  lstn_stcn                STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  cpfn                     STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  hts_avls                 STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  per                      STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  eps                      STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  pbr                      STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  itewhol_loan_rmnd_ratem  STRING COMMENT 'quote at the request (KIS output1): empty unless the row session was the latest closed one when asked',
  group_code               STRING COMMENT 'master file group code as of the run that wrote the row, on every row',
  revenue                  STRING COMMENT 'master file figure: empty unless the row session was the latest closed one when the files were read',
  operating_profit         STRING COMMENT 'master file figure: empty unless the row session was the latest closed one when the files were read',
  net_income               STRING COMMENT 'master file figure: empty unless the row session was the latest closed one when the files were read',
  roe                      STRING COMMENT 'master file figure: empty unless the row session was the latest closed one when the files were read'
)
PARTITIONED BY (dt STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES (
  'separatorChar' = ',',
  'quoteChar'     = '"',
  'escapeChar'    = '\\'
)
STORED AS TEXTFILE
LOCATION 's3://YOUR_BUCKET/YOUR_PREFIX/market=kr/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.dt.type'         = 'date',
  'projection.dt.format'       = 'yyyy-MM-dd',
  'projection.dt.range'        = '2015-01-01,NOW',
  'projection.dt.interval'     = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template'  = 's3://YOUR_BUCKET/YOUR_PREFIX/market=kr/dt=${dt}/'
);

-- Typed view: numbers as BIGINT/DOUBLE, empty or malformed values as NULL.
-- Prices, volumes and amounts are whole won; market cap (hts_avls), capital
-- (cpfn) and the master file's revenue/profit figures are in 억원 (100M KRW).
CREATE OR REPLACE VIEW kr_eod_typed AS
SELECT
  TRY_CAST(stck_bsop_date AS DATE)                      AS trade_date,
  stck_shrn_iscd                                        AS code,
  hts_kor_isnm                                          AS name,
  TRY_CAST(NULLIF(stck_oprc, '') AS BIGINT)             AS open,
  TRY_CAST(NULLIF(stck_hgpr, '') AS BIGINT)             AS high,
  TRY_CAST(NULLIF(stck_lwpr, '') AS BIGINT)             AS low,
  TRY_CAST(NULLIF(stck_clpr, '') AS BIGINT)             AS close,
  TRY_CAST(NULLIF(acml_vol, '') AS BIGINT)              AS volume,
  TRY_CAST(NULLIF(acml_tr_pbmn, '') AS BIGINT)          AS traded_value,
  TRY_CAST(NULLIF(prdy_vrss, '') AS BIGINT)             AS change,
  prdy_vrss_sign                                        AS change_sign,
  flng_cls_code,
  TRY_CAST(NULLIF(prtt_rate, '') AS DOUBLE)             AS prtt_rate,
  mod_yn,
  revl_issu_reas,
  TRY_CAST(NULLIF(prdy_ctrt, '') AS DOUBLE)             AS change_pct,
  TRY_CAST(NULLIF(stck_prdy_clpr, '') AS BIGINT)        AS prev_close,
  TRY_CAST(NULLIF(lstn_stcn, '') AS BIGINT)             AS listed_shares,
  TRY_CAST(NULLIF(hts_avls, '') AS BIGINT)              AS market_cap_100m_krw,
  TRY_CAST(NULLIF(per, '') AS DOUBLE)                   AS per,
  TRY_CAST(NULLIF(eps, '') AS DOUBLE)                   AS eps,
  TRY_CAST(NULLIF(pbr, '') AS DOUBLE)                   AS pbr,
  TRY_CAST(NULLIF(vol_tnrt, '') AS DOUBLE)              AS turnover_pct,
  group_code,
  TRY_CAST(NULLIF(revenue, '') AS BIGINT)               AS revenue_100m_krw,
  TRY_CAST(NULLIF(operating_profit, '') AS BIGINT)      AS operating_profit_100m_krw,
  TRY_CAST(NULLIF(net_income, '') AS BIGINT)            AS net_income_100m_krw,
  TRY_CAST(NULLIF(roe, '') AS DOUBLE)                   AS roe,
  dt
FROM kr_eod;
