-- codes: the universe snapshot of every run, the reference pipeline's code lists
-- (README "Universe snapshots"), one table a list, one partition a day.
--
-- Objects ([s3] layout = hive): s3://YOUR_BUCKET/YOUR_PREFIX/codes/LIST/dt=YYYY-MM-DD/LIST_YYYYMMDD.csv,
-- dt the day (Seoul) the run downloaded the lists, not a session. With
-- [s3] codes_bucket set, replace YOUR_BUCKET/YOUR_PREFIX/codes/ by that bucket
-- (and [s3] codes_prefix). The reference layout puts every list of a day in
-- one folder (YYYY/MM/DD/), which no table can split by file: query the lists
-- through these tables, or read the day's files.
--
-- Column names are the KIS identifiers of each field (the files' headers keep
-- the reference pipeline's names, stages/lister/codelist_columns.c); values
-- are as the master files have them, trimmed (zero-padded numbers included),
-- so every column is STRING: CAST in your queries.

-- kospi_code: KOSPI master file (kospi_code.mst), every record and column.
CREATE EXTERNAL TABLE IF NOT EXISTS kospi_code (
  mksc_shrn_iscd           STRING COMMENT '단축코드',
  stnd_iscd                STRING COMMENT '표준코드',
  hts_kor_isnm             STRING COMMENT '한글종목명',
  scrt_grp_cls_code        STRING COMMENT '그룹코드',
  avls_scal_cls_code       STRING COMMENT '시가총액규모',
  bstp_larg_div_code       STRING COMMENT '지수업종대분류',
  bstp_medm_div_code       STRING COMMENT '지수업종중분류',
  bstp_smal_div_code       STRING COMMENT '지수업종소분류',
  mnin_cls_code_yn         STRING COMMENT '제조업',
  low_current_yn           STRING COMMENT '저유동성',
  sprn_strr_nmix_issu_yn   STRING COMMENT '지배구조지수종목',
  kospi200_apnt_cls_code   STRING COMMENT 'KOSPI200섹터업종',
  kospi100_issu_yn         STRING COMMENT 'KOSPI100',
  kospi50_issu_yn          STRING COMMENT 'KOSPI50',
  krx_issu_yn              STRING COMMENT 'KRX',
  etp_prod_cls_code        STRING COMMENT 'ETP',
  elw_pblc_yn              STRING COMMENT 'ELW발행',
  krx100_issu_yn           STRING COMMENT 'KRX100',
  krx_car_yn               STRING COMMENT 'KRX자동차',
  krx_smcn_yn              STRING COMMENT 'KRX반도체',
  krx_bio_yn               STRING COMMENT 'KRX바이오',
  krx_bank_yn              STRING COMMENT 'KRX은행',
  etpr_undt_objt_co_yn     STRING COMMENT 'SPAC',
  krx_enrg_chms_yn         STRING COMMENT 'KRX에너지화학',
  krx_stel_yn              STRING COMMENT 'KRX철강',
  short_over_cls_code      STRING COMMENT '단기과열',
  krx_medi_cmnc_yn         STRING COMMENT 'KRX미디어통신',
  krx_cnst_yn              STRING COMMENT 'KRX건설',
  krx_fnnc_svc_yn          STRING COMMENT 'Non1',
  krx_scrt_yn              STRING COMMENT 'KRX증권',
  krx_ship_yn              STRING COMMENT 'KRX선박',
  krx_insu_yn              STRING COMMENT 'KRX섹터_보험',
  krx_trnp_yn              STRING COMMENT 'KRX섹터_운송',
  sri_nmix_yn              STRING COMMENT 'SRI',
  stck_sdpr                STRING COMMENT '기준가',
  frml_mrkt_deal_qty_unit  STRING COMMENT '매매수량단위',
  ovtm_mrkt_deal_qty_unit  STRING COMMENT '시간외수량단위',
  trht_yn                  STRING COMMENT '거래정지',
  sltr_yn                  STRING COMMENT '정리매매',
  mang_issu_yn             STRING COMMENT '관리종목',
  mrkt_alrm_cls_code       STRING COMMENT '시장경고',
  mrkt_alrm_risk_adnt_yn   STRING COMMENT '경고예고',
  insn_pbnt_yn             STRING COMMENT '불성실공시',
  byps_lstn_yn             STRING COMMENT '우회상장',
  flng_cls_code            STRING COMMENT '락구분',
  fcam_mod_cls_code        STRING COMMENT '액면변경',
  icic_cls_code            STRING COMMENT '증자구분',
  marg_rate                STRING COMMENT '증거금비율',
  crdt_able                STRING COMMENT '신용가능',
  crdt_days                STRING COMMENT '신용기간',
  prdy_vol                 STRING COMMENT '전일거래량',
  stck_fcam                STRING COMMENT '액면가',
  stck_lstn_date           STRING COMMENT '상장일자',
  lstn_stcn                STRING COMMENT '상장주수',
  cpfn                     STRING COMMENT '자본금',
  stac_month               STRING COMMENT '결산월',
  po_prc                   STRING COMMENT '공모가',
  prst_cls_code            STRING COMMENT '우선주',
  ssts_hot_yn              STRING COMMENT '공매도과열',
  stange_runup_yn          STRING COMMENT '이상급등',
  krx300_issu_yn           STRING COMMENT 'KRX300',
  kospi_issu_yn            STRING COMMENT 'KOSPI',
  sale_account             STRING COMMENT '매출액',
  bsop_prfi                STRING COMMENT '영업이익',
  op_prfi                  STRING COMMENT '경상이익',
  thtr_ntin                STRING COMMENT '당기순이익',
  roe                      STRING COMMENT 'ROE',
  base_date                STRING COMMENT '기준년월',
  prdy_avls_scal           STRING COMMENT '시가총액',
  grp_code                 STRING COMMENT '그룹사코드',
  co_crdt_limt_over_yn     STRING COMMENT '회사신용한도초과',
  secu_lend_able_yn        STRING COMMENT '담보대출가능',
  stln_able_yn             STRING COMMENT '대주가능'
)
PARTITIONED BY (dt STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES (
  'separatorChar' = ',',
  'quoteChar'     = '"',
  'escapeChar'    = '\\'
)
STORED AS TEXTFILE
LOCATION 's3://YOUR_BUCKET/YOUR_PREFIX/codes/kospi_code/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.dt.type'         = 'date',
  'projection.dt.format'       = 'yyyy-MM-dd',
  'projection.dt.range'        = '2015-01-01,NOW',
  'projection.dt.interval'     = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template'  = 's3://YOUR_BUCKET/YOUR_PREFIX/codes/kospi_code/dt=${dt}/'
);

-- kosdaq_code: KOSDAQ master file (kosdaq_code.mst), every record and column.
CREATE EXTERNAL TABLE IF NOT EXISTS kosdaq_code (
  mksc_shrn_iscd           STRING COMMENT '단축코드',
  stnd_iscd                STRING COMMENT '표준코드',
  hts_kor_isnm             STRING COMMENT '한글종목명',
  scrt_grp_cls_code        STRING COMMENT '그룹코드',
  avls_scal_cls_code       STRING COMMENT '시가총액규모',
  bstp_larg_div_code       STRING COMMENT '지수업종대분류',
  bstp_medm_div_code       STRING COMMENT '지수업종중분류',
  bstp_smal_div_code       STRING COMMENT '지수업종소분류',
  vntr_issu_yn             STRING COMMENT '벤처기업여부',
  low_current_yn           STRING COMMENT '저유동성',
  krx_issu_yn              STRING COMMENT 'KRX종목여부',
  etp_prod_cls_code        STRING COMMENT 'ETP상품구분코드',
  krx100_issu_yn           STRING COMMENT 'KRX100',
  krx_car_yn               STRING COMMENT 'KRX자동차',
  krx_smcn_yn              STRING COMMENT 'KRX반도체',
  krx_bio_yn               STRING COMMENT 'KRX바이오',
  krx_bank_yn              STRING COMMENT 'KRX은행',
  etpr_undt_objt_co_yn     STRING COMMENT 'SPAC',
  krx_enrg_chms_yn         STRING COMMENT 'KRX에너지화학',
  krx_stel_yn              STRING COMMENT 'KRX철강',
  short_over_cls_code      STRING COMMENT '단기과열',
  krx_medi_cmnc_yn         STRING COMMENT 'KRX미디어통신',
  krx_cnst_yn              STRING COMMENT 'KRX건설',
  invt_alrm_yn             STRING COMMENT '투자주의환기종목여부',
  krx_scrt_yn              STRING COMMENT 'KRX증권',
  krx_ship_yn              STRING COMMENT 'KRX선박',
  krx_insu_yn              STRING COMMENT 'KRX섹터_보험',
  krx_trnp_yn              STRING COMMENT 'KRX섹터_운송',
  ksq150_nmix_yn           STRING COMMENT 'KOSDAQ150지수여부',
  stck_sdpr                STRING COMMENT '기준가',
  frml_mrkt_deal_qty_unit  STRING COMMENT '매매수량단위',
  ovtm_mrkt_deal_qty_unit  STRING COMMENT '시간외수량단위',
  trht_yn                  STRING COMMENT '거래정지',
  sltr_yn                  STRING COMMENT '정리매매',
  mang_issu_yn             STRING COMMENT '관리종목',
  mrkt_alrm_cls_code       STRING COMMENT '시장경고',
  mrkt_alrm_risk_adnt_yn   STRING COMMENT '경고예고',
  insn_pbnt_yn             STRING COMMENT '불성실공시',
  byps_lstn_yn             STRING COMMENT '우회상장',
  flng_cls_code            STRING COMMENT '락구분',
  fcam_mod_cls_code        STRING COMMENT '액면변경',
  icic_cls_code            STRING COMMENT '증자구분',
  marg_rate                STRING COMMENT '증거금비율',
  crdt_able                STRING COMMENT '신용가능',
  crdt_days                STRING COMMENT '신용기간',
  prdy_vol                 STRING COMMENT '전일거래량',
  stck_fcam                STRING COMMENT '액면가',
  stck_lstn_date           STRING COMMENT '상장일자',
  lstn_stcn                STRING COMMENT '상장주수',
  cpfn                     STRING COMMENT '자본금',
  stac_month               STRING COMMENT '결산월',
  po_prc                   STRING COMMENT '공모가',
  prst_cls_code            STRING COMMENT '우선주',
  ssts_hot_yn              STRING COMMENT '공매도과열',
  stange_runup_yn          STRING COMMENT '이상급등',
  krx300_issu_yn           STRING COMMENT 'KRX300',
  sale_account             STRING COMMENT '매출액',
  bsop_prfi                STRING COMMENT '영업이익',
  op_prfi                  STRING COMMENT '경상이익',
  thtr_ntin                STRING COMMENT '당기순이익',
  roe                      STRING COMMENT 'ROE',
  base_date                STRING COMMENT '기준년월',
  prdy_avls_scal           STRING COMMENT '시가총액',
  grp_code                 STRING COMMENT '그룹사코드',
  co_crdt_limt_over_yn     STRING COMMENT '회사신용한도초과',
  secu_lend_able_yn        STRING COMMENT '담보대출가능',
  stln_able_yn             STRING COMMENT '대주가능'
)
PARTITIONED BY (dt STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES (
  'separatorChar' = ',',
  'quoteChar'     = '"',
  'escapeChar'    = '\\'
)
STORED AS TEXTFILE
LOCATION 's3://YOUR_BUCKET/YOUR_PREFIX/codes/kosdaq_code/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.dt.type'         = 'date',
  'projection.dt.format'       = 'yyyy-MM-dd',
  'projection.dt.range'        = '2015-01-01,NOW',
  'projection.dt.interval'     = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template'  = 's3://YOUR_BUCKET/YOUR_PREFIX/codes/kosdaq_code/dt=${dt}/'
);

-- us_market_index: the S&P 500, NASDAQ-100 and Dow 30 pages' constituents, one row a symbol.
CREATE EXTERNAL TABLE IF NOT EXISTS us_market_index (
  symbol             STRING COMMENT 'Symbol',
  company            STRING COMMENT 'Company',
  gics_sector        STRING COMMENT 'GICS Sector',
  gics_sub_industry  STRING COMMENT 'GICS Sub-Industry',
  sp500              STRING COMMENT 'S&P500',
  nasdaq100          STRING COMMENT 'NASDAQ100',
  dow30              STRING COMMENT 'DOW30'
)
PARTITIONED BY (dt STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES (
  'separatorChar' = ',',
  'quoteChar'     = '"',
  'escapeChar'    = '\\'
)
STORED AS TEXTFILE
LOCATION 's3://YOUR_BUCKET/YOUR_PREFIX/codes/us_market_index/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.dt.type'         = 'date',
  'projection.dt.format'       = 'yyyy-MM-dd',
  'projection.dt.range'        = '2015-01-01,NOW',
  'projection.dt.interval'     = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template'  = 's3://YOUR_BUCKET/YOUR_PREFIX/codes/us_market_index/dt=${dt}/'
);

-- us_market_master: the KIS overseas masters (nasmst, nysmst, amsmst .cod), every record.
CREATE EXTERNAL TABLE IF NOT EXISTS us_market_master (
  ncod     STRING COMMENT 'National code',
  exid     STRING COMMENT 'Exchange id',
  excd     STRING COMMENT 'Exchange code',
  exnm     STRING COMMENT 'Exchange name',
  symb     STRING COMMENT 'Symbol',
  rsym     STRING COMMENT 'realtime symbol',
  knam     STRING COMMENT 'Korea name',
  enam     STRING COMMENT 'English name',
  stis     STRING COMMENT 'Security type(1:Index,2:Stock,3:ETP(ETF),4:Warrant)',
  curr     STRING COMMENT 'currency',
  zdiv     STRING COMMENT 'float position',
  ztyp     STRING COMMENT 'data type',
  base     STRING COMMENT 'base price',
  bnit     STRING COMMENT 'Bid order size',
  anit     STRING COMMENT 'Ask order size',
  mstm     STRING COMMENT 'market start time(HHMM)',
  metm     STRING COMMENT 'market end time(HHMM)',
  isdr     STRING COMMENT 'DR 여부(Y/N)',
  drcd     STRING COMMENT 'DR 국가코드',
  icod     STRING COMMENT '업종분류코드',
  sjong    STRING COMMENT '지수구성종목 존재 여부(0:구성종목없음,1:구성종목있음)',
  ttyp     STRING COMMENT 'Tick size Type',
  etyp     STRING COMMENT '구분코드(001:ETF,002:ETN,003:ETC,004:Others,005:VIX Underlying ETF,006:VIX Underlying ETN)',
  ttyp_sb  STRING COMMENT 'Tick size type 상세'
)
PARTITIONED BY (dt STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES (
  'separatorChar' = ',',
  'quoteChar'     = '"',
  'escapeChar'    = '\\'
)
STORED AS TEXTFILE
LOCATION 's3://YOUR_BUCKET/YOUR_PREFIX/codes/us_market_master/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.dt.type'         = 'date',
  'projection.dt.format'       = 'yyyy-MM-dd',
  'projection.dt.range'        = '2015-01-01,NOW',
  'projection.dt.interval'     = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template'  = 's3://YOUR_BUCKET/YOUR_PREFIX/codes/us_market_master/dt=${dt}/'
);

-- us_market_stock: the US universe: index rows and extra tickers with their exchange and names.
CREATE EXTERNAL TABLE IF NOT EXISTS us_market_stock (
  symbol             STRING COMMENT 'Symbol',
  company            STRING COMMENT 'Company',
  gics_sector        STRING COMMENT 'GICS Sector',
  gics_sub_industry  STRING COMMENT 'GICS Sub-Industry',
  sp500              STRING COMMENT 'S&P500',
  nasdaq100          STRING COMMENT 'NASDAQ100',
  dow30              STRING COMMENT 'DOW30',
  exchange_code      STRING COMMENT 'exchange_code',
  exchange_name      STRING COMMENT 'exchange_name',
  korea_name         STRING COMMENT 'korea_name',
  english_name       STRING COMMENT 'english_name',
  security_type      STRING COMMENT 'security_type'
)
PARTITIONED BY (dt STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES (
  'separatorChar' = ',',
  'quoteChar'     = '"',
  'escapeChar'    = '\\'
)
STORED AS TEXTFILE
LOCATION 's3://YOUR_BUCKET/YOUR_PREFIX/codes/us_market_stock/'
TBLPROPERTIES (
  'skip.header.line.count'     = '1',
  'projection.enabled'         = 'true',
  'projection.dt.type'         = 'date',
  'projection.dt.format'       = 'yyyy-MM-dd',
  'projection.dt.range'        = '2015-01-01,NOW',
  'projection.dt.interval'     = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template'  = 's3://YOUR_BUCKET/YOUR_PREFIX/codes/us_market_stock/dt=${dt}/'
);
