-- kr_eod_ref, kr_eod_ref_daily: the KR end-of-day CSVs under the reference
-- pipeline's keys ([s3] layout = reference, reference-pipeline.md §5), in the
-- bucket of the KR prices ([s3] kr_bucket; its prefix, [s3] kr_prefix, if any).
--
--   kr_eod_ref        reference_keys = partitioned: year=YYYY/month=MM/day=DD/market_YYYYMMDD.csv
--   kr_eod_ref_daily  reference_keys = daily:       YYYYMMDD/market_YYYYMMDD.csv
--
-- Create the one your keys follow. Replace YOUR_KR_BUCKET (and YOUR_PREFIX/, or drop
-- it when the prices are at the bucket's root, the reference's own layout).
-- The columns, their comments and the SerDe are kr_eod.sql's (the writer's
-- header, every column STRING); only the partitions differ: year, month and
-- day, each an integer projection (month and day two digits, as the keys
-- write them), or one dt of yyyyMMdd. The bucket holds nothing but the price
-- files: the code lists and anomalies have buckets or prefixes of their own.
-- kr_eod_typed's SELECT reads these tables as well (FROM kr_eod_ref).

CREATE EXTERNAL TABLE IF NOT EXISTS kr_eod_ref (
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
PARTITIONED BY (year INT, month INT, day INT)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES (
  'separatorChar' = ',',
  'quoteChar'     = '"',
  'escapeChar'    = '\\'
)
STORED AS TEXTFILE
LOCATION 's3://YOUR_KR_BUCKET/YOUR_PREFIX/'
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
  'storage.location.template'  = 's3://YOUR_KR_BUCKET/YOUR_PREFIX/year=${year}/month=${month}/day=${day}/'
);

CREATE EXTERNAL TABLE IF NOT EXISTS kr_eod_ref_daily (
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
LOCATION 's3://YOUR_KR_BUCKET/YOUR_PREFIX/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.dt.type'         = 'date',
  'projection.dt.format'       = 'yyyyMMdd',
  'projection.dt.range'        = '20150101,NOW',
  'projection.dt.interval'     = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template'  = 's3://YOUR_KR_BUCKET/YOUR_PREFIX/${dt}/'
);
