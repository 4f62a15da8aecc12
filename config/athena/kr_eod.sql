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
-- columns (output1 and the master-file values) are empty on backfilled rows,
-- which a numeric column under this SerDe refuses (HIVE_BAD_DATA). The view
-- kr_eod_typed below casts them.
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
  prdy_ctrt                STRING,
  stck_prdy_clpr           STRING,
  hts_kor_isnm             STRING,
  stck_prpr                STRING,
  stck_shrn_iscd           STRING,
  prdy_vol                 STRING,
  stck_mxpr                STRING,
  stck_llam                STRING,
  stck_prdy_oprc           STRING,
  stck_prdy_hgpr           STRING,
  stck_prdy_lwpr           STRING,
  askp                     STRING,
  bidp                     STRING,
  prdy_vrss_vol            STRING,
  vol_tnrt                 STRING,
  stck_fcam                STRING,
  lstn_stcn                STRING,
  cpfn                     STRING,
  hts_avls                 STRING,
  per                      STRING,
  eps                      STRING,
  pbr                      STRING,
  itewhol_loan_rmnd_ratem  STRING,
  group_code               STRING,
  revenue                  STRING,
  operating_profit         STRING,
  net_income               STRING,
  roe                      STRING
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
