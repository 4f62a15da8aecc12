/*  lister codelist_columns — the columns of the universe snapshot's lists
    (see codelist_columns.h). Header names are the reference pipeline's
    (its kospi_code/kosdaq_code CSVs kept the KIS sample parser's names,
    reference-pipeline.md §3.1; its US lists their pandas names, §3.2);
    the identifiers are the KIS .h names (kis-open-api.md §6.2, §6.3),
    which the Athena DDL (config/athena/codes.sql) uses as column names.
    One entry a line: tests/ops/test_units.sh reads these tables. */
#include "codelist_columns.h"

//  The head of a KR record, shared by both files (the record's own fields).
#define S_KR_HEAD {"단축코드", "mksc_shrn_iscd", 0}, {"표준코드", "stnd_iscd", 0}, {"한글종목명", "hts_kor_isnm", 0}

static const lister_column_t s_kospi[] = {
    S_KR_HEAD,
    {"그룹코드", "scrt_grp_cls_code", 2},
    {"시가총액규모", "avls_scal_cls_code", 1},
    {"지수업종대분류", "bstp_larg_div_code", 4},
    {"지수업종중분류", "bstp_medm_div_code", 4},
    {"지수업종소분류", "bstp_smal_div_code", 4},
    {"제조업", "mnin_cls_code_yn", 1},
    {"저유동성", "low_current_yn", 1},
    {"지배구조지수종목", "sprn_strr_nmix_issu_yn", 1},
    {"KOSPI200섹터업종", "kospi200_apnt_cls_code", 1},
    {"KOSPI100", "kospi100_issu_yn", 1},
    {"KOSPI50", "kospi50_issu_yn", 1},
    {"KRX", "krx_issu_yn", 1},
    {"ETP", "etp_prod_cls_code", 1},
    {"ELW발행", "elw_pblc_yn", 1},
    {"KRX100", "krx100_issu_yn", 1},
    {"KRX자동차", "krx_car_yn", 1},
    {"KRX반도체", "krx_smcn_yn", 1},
    {"KRX바이오", "krx_bio_yn", 1},
    {"KRX은행", "krx_bank_yn", 1},
    {"SPAC", "etpr_undt_objt_co_yn", 1},
    {"KRX에너지화학", "krx_enrg_chms_yn", 1},
    {"KRX철강", "krx_stel_yn", 1},
    {"단기과열", "short_over_cls_code", 1},
    {"KRX미디어통신", "krx_medi_cmnc_yn", 1},
    {"KRX건설", "krx_cnst_yn", 1},
    {"Non1", "krx_fnnc_svc_yn", 1},
    {"KRX증권", "krx_scrt_yn", 1},
    {"KRX선박", "krx_ship_yn", 1},
    {"KRX섹터_보험", "krx_insu_yn", 1},
    {"KRX섹터_운송", "krx_trnp_yn", 1},
    {"SRI", "sri_nmix_yn", 1},
    {"기준가", "stck_sdpr", 9},
    {"매매수량단위", "frml_mrkt_deal_qty_unit", 5},
    {"시간외수량단위", "ovtm_mrkt_deal_qty_unit", 5},
    {"거래정지", "trht_yn", 1},
    {"정리매매", "sltr_yn", 1},
    {"관리종목", "mang_issu_yn", 1},
    {"시장경고", "mrkt_alrm_cls_code", 2},
    {"경고예고", "mrkt_alrm_risk_adnt_yn", 1},
    {"불성실공시", "insn_pbnt_yn", 1},
    {"우회상장", "byps_lstn_yn", 1},
    {"락구분", "flng_cls_code", 2},
    {"액면변경", "fcam_mod_cls_code", 2},
    {"증자구분", "icic_cls_code", 2},
    {"증거금비율", "marg_rate", 3},
    {"신용가능", "crdt_able", 1},
    {"신용기간", "crdt_days", 3},
    {"전일거래량", "prdy_vol", 12},
    {"액면가", "stck_fcam", 12},
    {"상장일자", "stck_lstn_date", 8},
    {"상장주수", "lstn_stcn", 15},
    {"자본금", "cpfn", 21},
    {"결산월", "stac_month", 2},
    {"공모가", "po_prc", 7},
    {"우선주", "prst_cls_code", 1},
    {"공매도과열", "ssts_hot_yn", 1},
    {"이상급등", "stange_runup_yn", 1},
    {"KRX300", "krx300_issu_yn", 1},
    {"KOSPI", "kospi_issu_yn", 1},
    {"매출액", "sale_account", 9},
    {"영업이익", "bsop_prfi", 9},
    {"경상이익", "op_prfi", 9},
    {"당기순이익", "thtr_ntin", 5},
    {"ROE", "roe", 9},
    {"기준년월", "base_date", 8},
    {"시가총액", "prdy_avls_scal", 9},
    {"그룹사코드", "grp_code", 3},
    {"회사신용한도초과", "co_crdt_limt_over_yn", 1},
    {"담보대출가능", "secu_lend_able_yn", 1},
    {"대주가능", "stln_able_yn", 1},
};

static const lister_column_t s_kosdaq[] = {
    S_KR_HEAD,
    {"그룹코드", "scrt_grp_cls_code", 2},
    {"시가총액규모", "avls_scal_cls_code", 1},
    {"지수업종대분류", "bstp_larg_div_code", 4},
    {"지수업종중분류", "bstp_medm_div_code", 4},
    {"지수업종소분류", "bstp_smal_div_code", 4},
    {"벤처기업여부", "vntr_issu_yn", 1},
    {"저유동성", "low_current_yn", 1},
    {"KRX종목여부", "krx_issu_yn", 1},
    {"ETP상품구분코드", "etp_prod_cls_code", 1},
    {"KRX100", "krx100_issu_yn", 1},
    {"KRX자동차", "krx_car_yn", 1},
    {"KRX반도체", "krx_smcn_yn", 1},
    {"KRX바이오", "krx_bio_yn", 1},
    {"KRX은행", "krx_bank_yn", 1},
    {"SPAC", "etpr_undt_objt_co_yn", 1},
    {"KRX에너지화학", "krx_enrg_chms_yn", 1},
    {"KRX철강", "krx_stel_yn", 1},
    {"단기과열", "short_over_cls_code", 1},
    {"KRX미디어통신", "krx_medi_cmnc_yn", 1},
    {"KRX건설", "krx_cnst_yn", 1},
    {"투자주의환기종목여부", "invt_alrm_yn", 1},
    {"KRX증권", "krx_scrt_yn", 1},
    {"KRX선박", "krx_ship_yn", 1},
    {"KRX섹터_보험", "krx_insu_yn", 1},
    {"KRX섹터_운송", "krx_trnp_yn", 1},
    {"KOSDAQ150지수여부", "ksq150_nmix_yn", 1},
    {"기준가", "stck_sdpr", 9},
    {"매매수량단위", "frml_mrkt_deal_qty_unit", 5},
    {"시간외수량단위", "ovtm_mrkt_deal_qty_unit", 5},
    {"거래정지", "trht_yn", 1},
    {"정리매매", "sltr_yn", 1},
    {"관리종목", "mang_issu_yn", 1},
    {"시장경고", "mrkt_alrm_cls_code", 2},
    {"경고예고", "mrkt_alrm_risk_adnt_yn", 1},
    {"불성실공시", "insn_pbnt_yn", 1},
    {"우회상장", "byps_lstn_yn", 1},
    {"락구분", "flng_cls_code", 2},
    {"액면변경", "fcam_mod_cls_code", 2},
    {"증자구분", "icic_cls_code", 2},
    {"증거금비율", "marg_rate", 3},
    {"신용가능", "crdt_able", 1},
    {"신용기간", "crdt_days", 3},
    {"전일거래량", "prdy_vol", 12},
    {"액면가", "stck_fcam", 12},
    {"상장일자", "stck_lstn_date", 8},
    {"상장주수", "lstn_stcn", 15},
    {"자본금", "cpfn", 21},
    {"결산월", "stac_month", 2},
    {"공모가", "po_prc", 7},
    {"우선주", "prst_cls_code", 1},
    {"공매도과열", "ssts_hot_yn", 1},
    {"이상급등", "stange_runup_yn", 1},
    {"KRX300", "krx300_issu_yn", 1},
    {"매출액", "sale_account", 9},
    {"영업이익", "bsop_prfi", 9},
    {"경상이익", "op_prfi", 9},
    {"당기순이익", "thtr_ntin", 5},
    {"ROE", "roe", 9},
    {"기준년월", "base_date", 8},
    {"시가총액", "prdy_avls_scal", 9},
    {"그룹사코드", "grp_code", 3},
    {"회사신용한도초과", "co_crdt_limt_over_yn", 1},
    {"담보대출가능", "secu_lend_able_yn", 1},
    {"대주가능", "stln_able_yn", 1},
};

//  us_market_master: the .cod file's 24 columns, as the reference named them.
static const lister_column_t s_us_master[] = {
    {"National code", "ncod", 0},
    {"Exchange id", "exid", 0},
    {"Exchange code", "excd", 0},
    {"Exchange name", "exnm", 0},
    {"Symbol", "symb", 0},
    {"realtime symbol", "rsym", 0},
    {"Korea name", "knam", 0},
    {"English name", "enam", 0},
    {"Security type(1:Index,2:Stock,3:ETP(ETF),4:Warrant)", "stis", 0},
    {"currency", "curr", 0},
    {"float position", "zdiv", 0},
    {"data type", "ztyp", 0},
    {"base price", "base", 0},
    {"Bid order size", "bnit", 0},
    {"Ask order size", "anit", 0},
    {"market start time(HHMM)", "mstm", 0},
    {"market end time(HHMM)", "metm", 0},
    {"DR 여부(Y/N)", "isdr", 0},
    {"DR 국가코드", "drcd", 0},
    {"업종분류코드", "icod", 0},
    {"지수구성종목 존재 여부(0:구성종목없음,1:구성종목있음)", "sjong", 0},
    {"Tick size Type", "ttyp", 0},
    {"구분코드(001:ETF,002:ETN,003:ETC,004:Others,005:VIX Underlying ETF,006:VIX Underlying ETN)", "etyp", 0},
    {"Tick size type 상세", "ttyp_sb", 0},
};

//  us_market_index: the index pages' rows, one a symbol, and its flags.
static const lister_column_t s_us_index[] = {
    {"Symbol", "symbol", 0},
    {"Company", "company", 0},
    {"GICS Sector", "gics_sector", 0},
    {"GICS Sub-Industry", "gics_sub_industry", 0},
    {"S&P500", "sp500", 0},
    {"NASDAQ100", "nasdaq100", 0},
    {"DOW30", "dow30", 0},
};

//  us_market_stock: the index rows and the extra tickers, with the master's
//  exchange and names (empty for a symbol no master file holds).
static const lister_column_t s_us_stock[] = {
    {"Symbol", "symbol", 0},
    {"Company", "company", 0},
    {"GICS Sector", "gics_sector", 0},
    {"GICS Sub-Industry", "gics_sub_industry", 0},
    {"S&P500", "sp500", 0},
    {"NASDAQ100", "nasdaq100", 0},
    {"DOW30", "dow30", 0},
    {"exchange_code", "exchange_code", 0},
    {"exchange_name", "exchange_name", 0},
    {"korea_name", "korea_name", 0},
    {"english_name", "english_name", 0},
    {"security_type", "security_type", 0},
};

#define S_COUNT(a) (sizeof (a) / sizeof ((a)[0]))

static const struct {
    const char *name;
    const char *market;
    const lister_column_t *columns;
    size_t count;
} s_lists[LISTER_LISTS] = {
    [LISTER_LIST_KOSPI] = {"kospi_code", "kr", s_kospi, S_COUNT (s_kospi)},
    [LISTER_LIST_KOSDAQ] = {"kosdaq_code", "kr", s_kosdaq, S_COUNT (s_kosdaq)},
    [LISTER_LIST_US_INDEX] = {"us_market_index", "us", s_us_index, S_COUNT (s_us_index)},
    [LISTER_LIST_US_MASTER] = {"us_market_master", "us", s_us_master, S_COUNT (s_us_master)},
    [LISTER_LIST_US_STOCK] = {"us_market_stock", "us", s_us_stock, S_COUNT (s_us_stock)},
};

size_t
lister_list_columns (lister_list_t list, const lister_column_t **columns)
{
    *columns = s_lists[list].columns;
    return s_lists[list].count;
}

const char *
lister_list_name (lister_list_t list)
{
    return s_lists[list].name;
}

const char *
lister_list_market (lister_list_t list)
{
    return s_lists[list].market;
}
