/*  sim_mst — writes the KR master files in KIS's fixed-width CP949 layout.
    See sim_mst.h. */
#include "sim_mst.h"

#include "eod_log.h"

#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_KOSPI_RECORD 288
#define SIM_KOSDAQ_RECORD 282
#define SIM_HEAD_CODE 9
#define SIM_HEAD_ISIN 12
#define SIM_HEAD_NAME 40   //  CP949 bytes, space padded
#define SIM_RECORD_MAX 300

//  --- the fixed-width records -------------------------------------------------------

typedef struct {
    char buf[SIM_RECORD_MAX];
    size_t pos;
} s_rec_t;

static void
s_put_str (s_rec_t *rec, size_t width, const char *text)
{
    size_t n = strlen (text);
    if (n > width)
        n = width;
    memcpy (rec->buf + rec->pos, text, n);
    memset (rec->buf + rec->pos + n, ' ', width - n);
    rec->pos += width;
}

//  Right-aligned, zero-padded; negatives as '-' and zero padding ("-00000002").
static void
s_put_num (s_rec_t *rec, size_t width, long long value)
{
    char text[48];
    size_t digits = width - (value < 0 ? 1 : 0);
    if (digits < 19) {   //  clamp to what the width can show
        long long max = 1;
        for (size_t i = 0; i < digits; i++)
            max *= 10;
        if (value >= max)
            value = max - 1;
        if (value < 0 && -value >= max)
            value = -(max - 1);
    }
    if (value < 0)
        snprintf (text, sizeof text, "-%0*lld", (int) width - 1, -value);
    else
        snprintf (text, sizeof text, "%0*lld", (int) width, value);
    s_put_str (rec, width, text);
}

//  Two decimals in a fixed width ("000031.39", "-00003.50").
static void
s_put_dec2 (s_rec_t *rec, size_t width, double value)
{
    char text[48];
    if (value < 0)
        snprintf (text, sizeof text, "-%0*.2f", (int) width - 1, -value);
    else
        snprintf (text, sizeof text, "%0*.2f", (int) width, value);
    s_put_str (rec, width, text);
}

static void
s_put_flag (s_rec_t *rec, bool flag)
{
    s_put_str (rec, 1, flag ? "Y" : "N");
}

static void
s_put_flags (s_rec_t *rec, size_t n, bool flag)
{
    for (size_t i = 0; i < n; i++)
        s_put_flag (rec, flag);
}

//  The head: code (9), ISIN (12), CP949 name (40).
static int
s_put_head (s_rec_t *rec, iconv_t cd, sim_instrument_t *inst)
{
    s_put_str (rec, SIM_HEAD_CODE, inst->code);
    s_put_str (rec, SIM_HEAD_ISIN, inst->isin);
    char out[SIM_HEAD_NAME * 2];
    char *in_p = inst->name, *out_p = out;
    size_t in_left = strlen (inst->name), out_left = sizeof out;
    iconv (cd, NULL, NULL, NULL, NULL);
    if (iconv (cd, &in_p, &in_left, &out_p, &out_left) == (size_t) -1) {
        eod_log_error ("master: name of %s not representable in CP949", inst->code);
        return -1;
    }
    size_t len = (size_t) (out_p - out);
    if (len > SIM_HEAD_NAME) {
        //  Cut on a character boundary (lead bytes >= 0x81 start 2-byte chars)
        //  and keep the UTF-8 name the chart answers in step with the file.
        size_t cut = 0;
        while (cut < len) {
            size_t step = ((unsigned char) out[cut] >= 0x81) ? 2 : 1;
            if (cut + step > SIM_HEAD_NAME)
                break;
            cut += step;
        }
        len = cut;
        size_t back = strlen (inst->name);
        while (back > 0) {
            char probe[SIM_HEAD_NAME * 2];
            char *pi = inst->name, *po = probe;
            size_t li = back, lo = sizeof probe;
            iconv (cd, NULL, NULL, NULL, NULL);
            if (iconv (cd, &pi, &li, &po, &lo) != (size_t) -1 && (size_t) (po - probe) <= len)
                break;
            back--;
            while (back > 0 && ((unsigned char) inst->name[back] & 0xC0) == 0x80)
                back--;
        }
        inst->name[back] = '\0';
    }
    memcpy (rec->buf + rec->pos, out, len);
    memset (rec->buf + rec->pos + len, ' ', SIM_HEAD_NAME - len);
    rec->pos += SIM_HEAD_NAME;
    return 0;
}

static char
s_cap_size (const sim_instrument_t *inst)
{
    if (strcmp (inst->group, "ST") != 0)
        return '0';
    if (inst->cap >= 50000)
        return '1';
    return inst->cap >= 5000 ? '2' : '3';
}

//  The common middle block of both layouts: 기준가 .. 신용기간 differ only in
//  their flag runs, so each layout writes its own order around these helpers.
static void
s_put_prices (s_rec_t *rec, const sim_instrument_t *inst)
{
    s_put_num (rec, 9, inst->base_price);                        //  기준가
    s_put_num (rec, 5, 1);                                       //  매매수량단위
    s_put_num (rec, 5, 1);                                       //  시간외수량단위
    s_put_flags (rec, 3, false);                                 //  거래정지, 정리매매, 관리종목
    s_put_str (rec, 2, "00");                                    //  시장경고
    s_put_flags (rec, 3, false);                                 //  경고예고, 불성실공시, 우회상장
    s_put_str (rec, 6, "000000");                                //  락구분, 액면변경, 증자구분
    s_put_num (rec, 3, inst->cap >= SIM_CAP_SELECT ? 20 : 40);   //  증거금비율
    s_put_flag (rec, inst->cap >= 1000);                         //  신용가능
    s_put_num (rec, 3, 90);                                      //  신용기간
}

static void
s_put_listing (s_rec_t *rec, const sim_instrument_t *inst, uint64_t h, int base_ymd)
{
    long long shares = inst->shares_k * 1000;
    s_put_num (rec, 12, llround ((double) shares * 0.002 * (0.5 + sim_unit (h))));   //  전일거래량
    s_put_num (rec, 12, inst->face);                                                 //  액면가
    s_put_num (rec, 8, inst->listed_ymd);                                            //  상장일자
    s_put_num (rec, 15, inst->shares_k);                                             //  상장주수 (천주)
    s_put_num (rec, 21, inst->face * shares);                                        //  자본금
    s_put_num (rec, 2, 12);                                                          //  결산월
    if (inst->listed_ymd / 10000 >= base_ymd / 10000 - 1)
        s_put_num (rec, 7, inst->base_price);   //  공모가, recent listings only
    else
        s_put_str (rec, 7, "");
    s_put_str (rec, 1, inst->preferred ? "1" : "0");   //  우선주
    s_put_flags (rec, 2, false);                       //  공매도과열, 이상급등
}

static void
s_put_financials (s_rec_t *rec, const sim_instrument_t *inst, int base_date)
{
    s_put_num (rec, 9, inst->sales);
    s_put_num (rec, 9, inst->op_profit);
    s_put_num (rec, 9, inst->ord_profit);
    s_put_num (rec, 5, inst->net_income);
    s_put_dec2 (rec, 9, inst->roe);
    s_put_num (rec, 8, base_date);
    s_put_num (rec, 9, inst->cap);
}

//  The start both layouts share: the head, the group, the size class and the
//  index sector (대/중/소).
static int
s_put_start (s_rec_t *rec, iconv_t cd, sim_instrument_t *inst, int sector_major, int sector_minor)
{
    rec->pos = 0;
    if (s_put_head (rec, cd, inst))
        return -1;
    char size[2] = {s_cap_size (inst), '\0'};
    s_put_str (rec, 2, inst->group);
    s_put_str (rec, 1, size);
    char sector[16];
    snprintf (sector, sizeof sector, "%04d%04d0000", sector_major, sector_minor);
    s_put_str (rec, 12, sector);   //  지수업종 대/중/소
    return 0;
}

//  0 when the record has its layout's length, else -1 (logged: a bug here).
static int
s_check_length (const s_rec_t *rec, const sim_instrument_t *inst, size_t expected, const char *market)
{
    if (rec->pos != expected) {
        eod_log_error ("master: %s record of %s is %zu bytes", market, inst->code, rec->pos);
        return -1;
    }
    return 0;
}

static int
s_record_kospi (s_rec_t *rec, iconv_t cd, sim_instrument_t *inst, int base_ymd, int base_date)
{
    uint64_t h = sim_hash_str (inst->code);
    bool st = strcmp (inst->group, "ST") == 0;
    bool etf = strcmp (inst->group, "EF") == 0;
    if (s_put_start (rec, cd, inst, st ? 27 : 0, st ? (int) (h % 20) + 5 : 0))
        return -1;
    s_put_flag (rec, st && h % 3 != 0);                         //  제조업
    s_put_flags (rec, 2, false);                                //  저유동성, 지배구조
    s_put_str (rec, 1, inst->cap >= 20000 && st ? "5" : "0");   //  KOSPI200 섹터
    s_put_flag (rec, inst->cap >= 60000 && st);                 //  KOSPI100
    s_put_flag (rec, inst->cap >= 150000 && st);                //  KOSPI50
    s_put_flag (rec, inst->cap >= 30000 && st);                 //  KRX
    s_put_str (rec, 1, etf ? "1" : " ");                        //  ETP
    s_put_flag (rec, inst->cap >= 30000 && st);                 //  ELW발행
    s_put_flag (rec, inst->cap >= 40000 && st);                 //  KRX100
    s_put_flags (rec, 4, false);                                //  KRX 자동차, 반도체, 바이오, 은행
    s_put_flag (rec, inst->spac);                               //  SPAC
    s_put_flags (rec, 2, false);                                //  KRX 에너지화학, 철강
    s_put_str (rec, 1, "0");                                    //  단기과열
    s_put_flags (rec, 3, false);                                //  KRX 미디어통신, 건설, Non1
    s_put_flags (rec, 5, false);                                //  KRX 증권, 선박, 보험, 운송, SRI
    s_put_prices (rec, inst);
    s_put_listing (rec, inst, h, base_ymd);
    s_put_flag (rec, inst->krx300);   //  KRX300
    s_put_flag (rec, st);             //  KOSPI
    s_put_financials (rec, inst, base_date);
    if (h % 4 == 0)
        s_put_str (rec, 3, "");   //  그룹사코드: blank for independents
    else
        s_put_num (rec, 3, (long long) (h % 600));
    s_put_flags (rec, 3, false);
    return s_check_length (rec, inst, SIM_KOSPI_RECORD, "KOSPI");
}

static int
s_record_kosdaq (s_rec_t *rec, iconv_t cd, sim_instrument_t *inst, int base_ymd, int base_date)
{
    uint64_t h = sim_hash_str (inst->code);
    bool st = strcmp (inst->group, "ST") == 0;
    bool etf = strcmp (inst->group, "EF") == 0;
    if (s_put_start (rec, cd, inst, st ? 1012 : 0, st ? (int) (h % 30) + 1 : 0))
        return -1;
    s_put_flag (rec, st && h % 5 == 0);           //  벤처기업
    s_put_flag (rec, false);                      //  저유동성
    s_put_flag (rec, inst->cap >= 30000 && st);   //  KRX
    s_put_str (rec, 1, etf ? "1" : " ");          //  ETP
    s_put_flag (rec, inst->cap >= 60000 && st);   //  KRX100
    s_put_flags (rec, 4, false);                  //  KRX 자동차, 반도체, 바이오, 은행
    s_put_flag (rec, inst->spac);                 //  SPAC
    s_put_flags (rec, 2, false);                  //  KRX 에너지화학, 철강
    s_put_str (rec, 1, "0");                      //  단기과열
    s_put_flags (rec, 3, false);                  //  KRX 미디어통신, 건설, 투자주의환기
    s_put_flags (rec, 4, false);                  //  KRX 증권, 선박, 보험, 운송
    s_put_flag (rec, inst->kosdaq150);            //  KOSDAQ150
    s_put_prices (rec, inst);
    s_put_listing (rec, inst, h, base_ymd);
    s_put_flag (rec, inst->krx300);   //  KRX300
    s_put_financials (rec, inst, base_date);
    s_put_str (rec, 3, "");   //  그룹사코드
    s_put_flags (rec, 3, false);
    return s_check_length (rec, inst, SIM_KOSDAQ_RECORD, "KOSDAQ");
}

//  --- the two files ------------------------------------------------------------------

//  The date the financials are as of: the last quarter end before base_ymd's quarter.
static int
s_base_date (int base_ymd)
{
    int month = base_ymd / 100 % 100, year = base_ymd / 10000;
    return month <= 3   ? (year - 1) * 10000 + 1231
           : month <= 6 ? year * 10000 + 331
           : month <= 9 ? year * 10000 + 630
                        : year * 10000 + 930;
}

int
sim_mst_write (sim_instrument_t *items, const size_t *by_code, size_t count, uint64_t seed, int garble, int base_ymd,
               char *file[SIM_MST_FILES], size_t file_len[SIM_MST_FILES])
{
    int base_date = s_base_date (base_ymd);
    iconv_t cd = iconv_open ("CP949", "UTF-8");
    if (cd == (iconv_t) -1) {
        eod_log_error ("master: iconv UTF-8 to CP949 unavailable");
        return -1;
    }
    int rc = -1;
    file[0] = file[1] = NULL;
    file_len[0] = file_len[1] = 0;
    size_t record_len[SIM_MST_FILES] = {SIM_KOSPI_RECORD, SIM_KOSDAQ_RECORD};
    for (int m = 0; m < SIM_MST_FILES; m++) {
        file[m] = malloc ((count + (size_t) garble + 1) * (record_len[m] + 1));
        if (!file[m])
            goto out;
    }
    s_rec_t rec;
    for (size_t i = 0; i < count; i++) {
        sim_instrument_t *inst = &items[by_code[i]];
        int m = inst->kosdaq ? 1 : 0;
        if ((m ? s_record_kosdaq (&rec, cd, inst, base_ymd, base_date)
               : s_record_kospi (&rec, cd, inst, base_ymd, base_date)))
            goto out;
        memcpy (file[m] + file_len[m], rec.buf, rec.pos);
        file_len[m] += rec.pos;
        file[m][file_len[m]++] = '\n';
    }
    //  Garbled KOSDAQ records: a short line, then a non-digit market cap.
    for (int g = 0; g < garble; g++) {
        sim_instrument_t bad;
        memset (&bad, 0, sizeof bad);
        snprintf (bad.code, sizeof bad.code, "9G%04d", g % 10000);
        snprintf (bad.isin, sizeof bad.isin, "KR79G%04d000", g % 10000);
        snprintf (bad.name, sizeof bad.name, "깨진레코드%d", g);
        snprintf (bad.group, sizeof bad.group, "ST");
        bad.kosdaq = true;
        bad.cap = 5000;
        bad.base_price = 1000;
        bad.shares_k = 500;
        bad.face = 500;
        bad.listed_ymd = 20100104;
        if (s_record_kosdaq (&rec, cd, &bad, base_ymd, base_date))
            goto out;
        if (g % 2 == 0)
            rec.pos = SIM_KOSDAQ_RECORD / 2 + (size_t) (sim_hash (seed, (uint64_t) g, 7) % 50);
        else
            memcpy (rec.buf + SIM_KOSDAQ_RECORD - 15, "12A4X  9Z", 9);   //  시가총액 field
        memcpy (file[1] + file_len[1], rec.buf, rec.pos);
        file_len[1] += rec.pos;
        file[1][file_len[1]++] = '\n';
    }
    rc = 0;
out:
    if (rc) {
        free (file[0]);
        free (file[1]);
        file[0] = file[1] = NULL;
    }
    iconv_close (cd);
    return rc;
}
