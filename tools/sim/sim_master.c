/*  sim_master — the KIS master-file host double eod-lister downloads from.

    At start it generates, from the seed alone, a realistic KOSPI and KOSDAQ
    listing (common and preferred stocks, ETFs, REITs, infra funds, SPACs, a
    few MF/DR/FS rows) and writes it in the exact fixed-width CP949 layout of
    reference/kis-open-api.md §6.2 (KOSPI records 288 bytes, KOSDAQ 282, LF),
    zipped in memory as kospi_code.mst.zip / kosdaq_code.mst.zip. The chart
    endpoint looks instruments up here (name, base price, shares), and
    GET /_sim/universe/kr answers which codes the DESIGN's default filter
    selects, computed from the generation data rather than parsed back. */
#define _GNU_SOURCE                          //  qsort_r
#include "sim.h"

#include "eod_log.h"

#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define SIM_KOSPI_RECORD 288
#define SIM_KOSDAQ_RECORD 282
#define SIM_HEAD_CODE 9
#define SIM_HEAD_ISIN 12
#define SIM_HEAD_NAME 40                     //  CP949 bytes, space padded
#define SIM_RECORD_MAX 300

#define SIM_KOSPI_COMMON 880                 //  plus the fixed financial names
#define SIM_KOSPI_PREFERRED 60
#define SIM_KOSPI_ETF 800
#define SIM_KOSPI_REIT 22
#define SIM_KOSPI_SPAC 4
#define SIM_KOSDAQ_COMMON 1600
#define SIM_KOSDAQ_SPAC 30
#define SIM_KOSDAQ_ETF 5
#define SIM_ALNUM_CODES 3                    //  new-style codes such as 0088M0 per market

#define SIM_CAP_SELECT 4000                  //  억원: the DESIGN's default threshold
#define SIM_KOSPI_CAP_MIN 100.0
#define SIM_KOSPI_CAP_MAX 4000000.0
#define SIM_KOSDAQ_CAP_MIN 50.0
#define SIM_KOSDAQ_CAP_MAX 300000.0
#define SIM_KOSDAQ_CAP_SKEW 1.6              //  fewer large KOSDAQ caps than log-uniform
#define SIM_KRX300_KOSPI_CAP 9000
#define SIM_KRX300_KOSDAQ_CAP 15000
#define SIM_KOSDAQ150_CAP 6000
#define SIM_SMALL_FLAGGED 8                  //  small caps flagged KRX300/KOSDAQ150 anyway

#define SIM_MASTER_KOSPI "kospi_code.mst"
#define SIM_MASTER_KOSDAQ "kosdaq_code.mst"

struct sim_master_t {
    sim_instrument_t *items;
    size_t count, cap;
    size_t *by_code;                         //  indices sorted by code
    unsigned char *zip[2];                   //  0 KOSPI, 1 KOSDAQ
    size_t zip_len[2];
    size_t garbled;
};

//  --- deterministic generation ---------------------------------------------------

typedef struct {
    uint64_t state;
} s_rng_t;

static double
s_uniform (s_rng_t *rng)
{
    rng->state += 0x9e3779b97f4a7c15ULL;
    return sim_unit (sim_hash (rng->state, 0, 0));
}

static long long
s_range (s_rng_t *rng, long long lo, long long hi)
{
    return lo + (long long) (s_uniform (rng) * (double) (hi - lo + 1));
}

static double
s_log_uniform (s_rng_t *rng, double lo, double hi, double skew)
{
    return exp (log (lo) + pow (s_uniform (rng), skew) * (log (hi) - log (lo)));
}

static const char *s_prefixes[] = {
    "한국", "대한", "동양", "서울", "삼화", "대성", "동원", "세방", "신성", "태광", "금호", "성우",
    "유니", "코리아", "한일", "대림", "삼영", "동국", "한진", "일진", "경동", "대양", "한솔", "우진",
    "영풍", "삼익", "동화", "화승", "극동", "진흥", "남양", "광명", "미래", "새한", "제일", "한빛",
    "청호", "백광", "태평", "동방", "고려", "조선", "한미", "대원", "세원", "아세아", "에이스", "하이",
    "비전", "넥스트", "그린", "블루", "나노", "스마트", "에코", "제이", "케이", "엘엔", "에스", "디에이",
    "씨에스", "알파", "티엘", "엠케이", "와이엔", "지엔", "피엔", "오성", "해성", "한라", NULL
};

static const char *s_suffixes[] = {
    "전자", "화학", "건설", "제약", "바이오", "산업", "중공업", "물산", "식품", "에너지", "테크",
    "소재", "시스템", "통신", "해운", "홀딩스", "글로벌", "엔터", "반도체", "정밀", "기계", "섬유",
    "제지", "철강", "전기", "디스플레이", "소프트", "네트웍스", "로지스", "하이텍", "메디칼",
    "헬스케어", "케미칼", "모터스", "인더스트리", "이엔지", "솔루션", "게임즈", "미디어", "푸드",
    "제강", "해양", "리테일", "파마", "플랫폼", "랩스", "머티리얼즈", "오토", "에프앤비", "테크윈", NULL
};

static const char *s_etf_brands[] = {
    "KODEX", "TIGER", "RISE", "ACE", "SOL", "PLUS", "HANARO", "KOSEF", "ARIRANG", "TIMEFOLIO",
    "WON", "BNK", NULL
};

static const char *s_etf_themes[] = {
    "200", "코스닥150", "미국S&P500", "미국나스닥100", "반도체", "2차전지산업", "국고채3년",
    "국고채10년", "골드선물(H)", "레버리지", "인버스", "200선물인버스2X", "코스닥150레버리지",
    "미국배당다우존스", "차이나CSI300", "일본니케이225", "인도니프티50", "단기채권", "KOFR금리액티브",
    "CD금리액티브", "머니마켓액티브", "은행고배당", "고배당", "배당성장", "헬스케어", "바이오",
    "자동차", "조선TOP10", "방산", "원자력", "게임", "미디어컨텐츠", "인터넷", "소프트웨어",
    "AI반도체", "로봇", "전력설비", "건설", "철강", "화학", "에너지화학", "증권", "보험", "금융",
    "필수소비재", "경기소비재", "리츠부동산", "미국채10년선물", "미국채30년액티브", "달러선물",
    "엔선물", "WTI원유선물(H)", "구리실물", "삼성그룹", "현대차그룹", "LG그룹", "SK그룹", "ESG",
    "TOP10", "밸류업", "MSCI Korea", "200TR", "코스피", "중소형", "대형가치", "성장", "퀄리티",
    "모멘텀", "저변동", "미국테크TOP10", NULL
};

//  Financial names the KOSPI name rule (은행|금융|신한|카카오뱅크) must catch,
//  large and small (below the cap threshold), with their caps in 억원.
static const struct {
    const char *name;
    long long cap;
} s_financials[] = {
    {"신한지주", 280000}, {"카카오뱅크", 120000}, {"우리금융지주", 110000}, {"제주은행", 2600},
    {"한성금융", 1500}, {"대성금융지주", 900}, {"신한서부산업", 700}, {"동방은행", 3100},
    {"서해금융", 2200}, {"카카오뱅크홀딩스", 1800}, {NULL, 0}
};

static const char *s_securities[] = {
    "대신", "미래에셋", "하나", "엔에이치", "케이비", "유안타", "교보", "신영", "한화", "삼성", NULL
};

static size_t
s_count (const char **list)
{
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

//  A shuffled pool of name combinations (prefix index * suffixes + suffix index).
typedef struct {
    size_t *order;
    size_t count, next;
} s_pool_t;

static int
s_pool_init (s_pool_t *pool, s_rng_t *rng, size_t count)
{
    pool->order = malloc (count * sizeof *pool->order);
    if (!pool->order)
        return -1;
    for (size_t i = 0; i < count; i++)
        pool->order[i] = i;
    for (size_t i = count; i > 1; i--) {
        size_t j = (size_t) s_range (rng, 0, (long long) i - 1);
        size_t t = pool->order[i - 1];
        pool->order[i - 1] = pool->order[j];
        pool->order[j] = t;
    }
    pool->count = count;
    pool->next = 0;
    return 0;
}

//  Next combination; the round number (0 first) tells how often the pool wrapped.
static size_t
s_pool_take (s_pool_t *pool, size_t *round)
{
    size_t i = pool->next++;
    *round = i / pool->count;
    return pool->order[i % pool->count];
}

static bool
s_code_used (const sim_master_t *self, const char *code)
{
    for (size_t i = 0; i < self->count; i++)
        if (strcmp (self->items[i].code, code) == 0)
            return true;
    return false;
}

//  ISIN check digit (letters become two digits, then Luhn from the right).
static char
s_isin_check (const char *body)
{
    char digits[64];
    size_t n = 0;
    for (const char *p = body; *p && n + 2 < sizeof digits; p++) {
        if (*p >= '0' && *p <= '9')
            digits[n++] = *p;
        else {
            int v = *p - 'A' + 10;
            digits[n++] = (char) ('0' + v / 10);
            digits[n++] = (char) ('0' + v % 10);
        }
    }
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int d = digits[n - 1 - i] - '0';
        if (i % 2 == 0) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return (char) ('0' + (10 - sum % 10) % 10);
}

static sim_instrument_t *
s_add (sim_master_t *self, const char *code, const char *name, const char *group, bool kosdaq)
{
    if (self->count == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 1024;
        sim_instrument_t *grown = realloc (self->items, cap * sizeof *grown);
        if (!grown)
            return NULL;
        self->items = grown;
        self->cap = cap;
    }
    sim_instrument_t *inst = &self->items[self->count++];
    memset (inst, 0, sizeof *inst);
    snprintf (inst->code, sizeof inst->code, "%s", code);
    snprintf (inst->name, sizeof inst->name, "%s", name);
    snprintf (inst->group, sizeof inst->group, "%s", group);
    inst->kosdaq = kosdaq;
    char body[16];
    snprintf (body, sizeof body, "KR7%s00", code);
    snprintf (inst->isin, sizeof inst->isin, "%s%c", body, s_isin_check (body));
    return inst;
}

//  A fresh code: six digits ending in step's multiple, or new-style alphanumeric.
static void
s_new_code (sim_master_t *self, s_rng_t *rng, char *code, long long lo, long long hi,
            int step, bool alnum)
{
    static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
    do {
        if (alnum)
            snprintf (code, 7, "%04lld%c0", s_range (rng, 1, 999),
                      letters[s_range (rng, 0, (long long) sizeof letters - 2)]);
        else
            snprintf (code, 7, "%06lld", s_range (rng, lo / step, hi / step) * step);
    } while (s_code_used (self, code));
}

//  Fills the numbers of an instrument from its cap and a price range.
static void
s_fill_numbers (sim_instrument_t *inst, s_rng_t *rng, double cap, double price_lo,
                double price_hi, int base_ymd)
{
    static const long long faces[] = {100, 200, 500, 1000, 2500, 5000};
    inst->cap = cap < 1 ? 1 : llround (cap);
    inst->base_price = llround (s_log_uniform (rng, price_lo, price_hi, 1.0));
    inst->shares_k = llround ((double) inst->cap * 1e8 / (double) inst->base_price / 1000.0);
    if (inst->shares_k < 1)
        inst->shares_k = 1;
    inst->face = faces[s_range (rng, 0, 5)];
    int year = (int) s_range (rng, 1956, base_ymd / 10000 - 1);
    inst->listed_ymd = year * 10000 + (int) s_range (rng, 1, 12) * 100 + (int) s_range (rng, 1, 28);
    double sales = (double) inst->cap * (0.2 + 2.8 * s_uniform (rng));
    double margin = 0.06 + 0.08 * (s_uniform (rng) * 2 - 1) * 1.5;
    inst->sales = llround (sales);
    inst->op_profit = llround (sales * margin);
    inst->ord_profit = llround ((double) inst->op_profit * (0.8 + 0.4 * s_uniform (rng)));
    double net = (double) inst->ord_profit * 0.75;
    inst->net_income = llround (net > 99999 ? 99999 : (net < -9999 ? -9999 : net));
    double equity = (double) inst->cap * (0.5 + s_uniform (rng));
    double roe = equity > 0 ? (double) inst->net_income * 100.0 / equity : 0;
    inst->roe = roe > 9999 ? 9999 : (roe < -9999 ? -9999 : roe);
}

static const char *
s_pool_name (s_pool_t *pool, char *buf, size_t size)
{
    size_t round, combo = s_pool_take (pool, &round);
    size_t nsuffix = s_count (s_suffixes);
    if (round == 0)
        snprintf (buf, size, "%s%s", s_prefixes[combo / nsuffix], s_suffixes[combo % nsuffix]);
    else
        snprintf (buf, size, "%s%s%zu", s_prefixes[combo / nsuffix], s_suffixes[combo % nsuffix],
                  round + 1);
    return buf;
}

static int
s_generate (sim_master_t *self, uint64_t seed, int base_ymd, int extra)
{
    s_rng_t rng = {sim_hash (seed, 0x3a57e5, 0)};
    s_pool_t pool = {NULL, 0, 0}, etf_pool = {NULL, 0, 0};
    int rc = -1;
    if (s_pool_init (&pool, &rng, s_count (s_prefixes) * s_count (s_suffixes))
        || s_pool_init (&etf_pool, &rng, s_count (s_etf_brands) * s_count (s_etf_themes)))
        goto out;
    char code[8], name[128];
    sim_instrument_t *inst;

    //  KOSPI common stocks, the financial names, preferred shares.
    for (int i = 0; i < SIM_KOSPI_COMMON; i++) {
        s_new_code (self, &rng, code, 10, 499990, 10, i < SIM_ALNUM_CODES);
        if (!(inst = s_add (self, code, s_pool_name (&pool, name, sizeof name), "ST", false)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, SIM_KOSPI_CAP_MIN, SIM_KOSPI_CAP_MAX, 1.0),
                        1000, 500000, base_ymd);
    }
    for (int i = 0; s_financials[i].name; i++) {
        s_new_code (self, &rng, code, 10, 499990, 10, false);
        if (!(inst = s_add (self, code, s_financials[i].name, "ST", false)))
            goto out;
        s_fill_numbers (inst, &rng, (double) s_financials[i].cap, 3000, 80000, base_ymd);
    }
    size_t commons = self->count;
    for (int i = 0; i < SIM_KOSPI_PREFERRED; i++) {
        const sim_instrument_t *base = &self->items[(size_t) s_range (&rng, SIM_ALNUM_CODES,
                                                                      (long long) commons - 1)];
        snprintf (code, sizeof code, "%.5s5", base->code);
        if (s_code_used (self, code))
            continue;
        snprintf (name, sizeof name, "%s우", base->name);
        double cap = (double) base->cap * (0.02 + 0.2 * s_uniform (&rng));
        if (!(inst = s_add (self, code, name, "ST", false)))
            goto out;
        s_fill_numbers (inst, &rng, cap, 1000, 300000, base_ymd);
        inst->preferred = true;
    }
    //  Small caps flagged KRX300 anyway (index rules are not only cap).
    for (int i = 0; i < SIM_SMALL_FLAGGED; i++) {
        sim_instrument_t *pick = &self->items[(size_t) s_range (&rng, 0, (long long) commons - 1)];
        if (pick->cap < SIM_CAP_SELECT)
            pick->krx300 = true;
    }
    for (size_t i = 0; i < self->count; i++)
        if (self->items[i].cap >= SIM_KRX300_KOSPI_CAP && !self->items[i].preferred)
            self->items[i].krx300 = true;

    //  KOSPI ETFs, REITs, infra funds, SPACs and the odd MF/DR/FS rows.
    size_t nthemes = s_count (s_etf_themes);
    for (int i = 0; i < SIM_KOSPI_ETF; i++) {
        s_new_code (self, &rng, code, 100000, 499999, 1, i < SIM_ALNUM_CODES);
        size_t round, combo = s_pool_take (&etf_pool, &round);
        snprintf (name, sizeof name, "%s %s%s", s_etf_brands[combo / nthemes],
                  s_etf_themes[combo % nthemes], round ? "(합성)" : "");
        if (!(inst = s_add (self, code, name, "EF", false)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, 50, 80000, 1.0), 5000, 60000, base_ymd);
        inst->face = 0;
    }
    for (int i = 0; i < SIM_KOSPI_REIT; i++) {
        s_new_code (self, &rng, code, 300000, 499990, 10, false);
        if (i == 0)
            snprintf (name, sizeof name, "신한알파리츠");
        else
            snprintf (name, sizeof name, "%s%s리츠", s_prefixes[(size_t) s_range (&rng, 0, 69)],
                      i % 2 ? "오피스" : "");
        if (!(inst = s_add (self, code, name, "RT", false)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, 300, 20000, 1.0), 3000, 8000, base_ymd);
        inst->face = 500;
    }
    static const char *infra[] = {"맥쿼리인프라", "KB발해인프라"};
    for (int i = 0; i < 2; i++) {
        s_new_code (self, &rng, code, 80000, 499990, 10, false);
        if (!(inst = s_add (self, code, infra[i], "IF", false)))
            goto out;
        s_fill_numbers (inst, &rng, i ? 3500 : 45000, 9000, 15000, base_ymd);
    }
    for (int i = 0; i < SIM_KOSPI_SPAC; i++) {
        s_new_code (self, &rng, code, 400000, 499990, 10, false);
        snprintf (name, sizeof name, "%s제%d호스팩", s_securities[i % 10], i + 1);
        if (!(inst = s_add (self, code, name, "ST", false)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, 80, 250, 1.0), 2000, 2500, base_ymd);
        inst->spac = true;
    }
    static const struct {
        const char *name, *group;
    } odd[] = {{"한국투자회사", "MF"}, {"동양예탁증서DR", "DR"}, {"헝성그룹", "FS"}};
    for (int i = 0; i < 3; i++) {
        s_new_code (self, &rng, code, 900000, 999990, 10, false);
        if (!(inst = s_add (self, code, odd[i].name, odd[i].group, false)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, 200, 3000, 1.0), 500, 20000, base_ymd);
    }

    //  KOSDAQ: common stocks (caps skewed small), SPACs, a few ETFs.
    size_t kosdaq_first = self->count;
    for (int i = 0; i < SIM_KOSDAQ_COMMON; i++) {
        s_new_code (self, &rng, code, 10, 499990, 10, i < SIM_ALNUM_CODES);
        const char *stock = i == SIM_KOSDAQ_COMMON - 1 ? "한국금융플랫폼"   //  name rule is KOSPI-only
                                                       : s_pool_name (&pool, name, sizeof name);
        if (!(inst = s_add (self, code, stock, "ST", true)))
            goto out;
        double cap = s_log_uniform (&rng, SIM_KOSDAQ_CAP_MIN, SIM_KOSDAQ_CAP_MAX, SIM_KOSDAQ_CAP_SKEW);
        s_fill_numbers (inst, &rng, i == SIM_KOSDAQ_COMMON - 1 ? 500 : cap, 500, 200000, base_ymd);
        inst->krx300 = inst->cap >= SIM_KRX300_KOSDAQ_CAP;
        inst->kosdaq150 = inst->cap >= SIM_KOSDAQ150_CAP;
    }
    size_t kosdaq_commons_end = self->count;
    for (int i = 0; i < SIM_SMALL_FLAGGED; i++) {
        sim_instrument_t *pick = &self->items[(size_t) s_range (&rng, (long long) kosdaq_first,
                                                                (long long) kosdaq_commons_end - 2)];
        if (pick->cap < SIM_CAP_SELECT) {
            if (i % 2)
                pick->krx300 = true;
            else
                pick->kosdaq150 = true;
        }
    }
    for (int i = 0; i < SIM_KOSDAQ_SPAC; i++) {
        s_new_code (self, &rng, code, 400000, 499990, 10, i < 2);
        snprintf (name, sizeof name, "%s제%d호스팩", s_securities[i % 10], 10 + i);
        if (!(inst = s_add (self, code, name, "ST", true)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, 60, 300, 1.0), 2000, 2500, base_ymd);
        inst->spac = true;
    }
    for (int i = 0; i < SIM_KOSDAQ_ETF; i++) {
        s_new_code (self, &rng, code, 200000, 299999, 1, false);
        snprintf (name, sizeof name, "%s 코스닥글로벌%d", s_etf_brands[i], i + 1);
        if (!(inst = s_add (self, code, name, "EF", true)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, 50, 3000, 1.0), 5000, 20000, base_ymd);
        inst->face = 0;
    }
    //  --kosdaq-extra: more KOSDAQ common stocks over the selection threshold,
    //  for runs at scale; after everything else, so the default universe does
    //  not change.
    for (int i = 0; i < extra; i++) {
        s_new_code (self, &rng, code, 10, 499990, 10, false);
        snprintf (name, sizeof name, "합성코스닥%05d", i + 1);
        if (!(inst = s_add (self, code, name, "ST", true)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, SIM_CAP_SELECT, 3.0 * SIM_CAP_SELECT, 1.0), 500, 200000,
                        base_ymd);
    }
    rc = 0;
out:
    free (pool.order);
    free (etf_pool.order);
    return rc;
}

//  The DESIGN's default universe filter, applied to the generation data.
static bool
s_selected (const sim_instrument_t *inst)
{
    bool st = strcmp (inst->group, "ST") == 0;
    if (inst->kosdaq)
        return st && (inst->cap >= SIM_CAP_SELECT || inst->krx300 || inst->kosdaq150);
    if (strcmp (inst->group, "RT") == 0 || strcmp (inst->group, "IF") == 0)
        return true;
    return st && (inst->cap >= SIM_CAP_SELECT || inst->krx300 || strstr (inst->name, "은행")
                  || strstr (inst->name, "금융") || strstr (inst->name, "신한")
                  || strstr (inst->name, "카카오뱅크"));
}

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
    if (digits < 19) {                       //  clamp to what the width can show
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
    s_put_num (rec, 9, inst->base_price);    //  기준가
    s_put_num (rec, 5, 1);                   //  매매수량단위
    s_put_num (rec, 5, 1);                   //  시간외수량단위
    s_put_flags (rec, 3, false);             //  거래정지, 정리매매, 관리종목
    s_put_str (rec, 2, "00");                //  시장경고
    s_put_flags (rec, 3, false);             //  경고예고, 불성실공시, 우회상장
    s_put_str (rec, 6, "000000");            //  락구분, 액면변경, 증자구분
    s_put_num (rec, 3, inst->cap >= SIM_CAP_SELECT ? 20 : 40);   //  증거금비율
    s_put_flag (rec, inst->cap >= 1000);     //  신용가능
    s_put_num (rec, 3, 90);                  //  신용기간
}

static void
s_put_listing (s_rec_t *rec, const sim_instrument_t *inst, uint64_t h, int base_ymd)
{
    long long shares = inst->shares_k * 1000;
    s_put_num (rec, 12, llround ((double) shares * 0.002 * (0.5 + sim_unit (h))));   //  전일거래량
    s_put_num (rec, 12, inst->face);         //  액면가
    s_put_num (rec, 8, inst->listed_ymd);    //  상장일자
    s_put_num (rec, 15, inst->shares_k);     //  상장주수 (천주)
    s_put_num (rec, 21, inst->face * shares);   //  자본금
    s_put_num (rec, 2, 12);                  //  결산월
    if (inst->listed_ymd / 10000 >= base_ymd / 10000 - 1)
        s_put_num (rec, 7, inst->base_price);   //  공모가, recent listings only
    else
        s_put_str (rec, 7, "");
    s_put_str (rec, 1, inst->preferred ? "1" : "0");   //  우선주
    s_put_flags (rec, 2, false);             //  공매도과열, 이상급등
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

static int
s_record_kospi (s_rec_t *rec, iconv_t cd, sim_instrument_t *inst, int base_ymd, int base_date)
{
    uint64_t h = sim_hash_str (inst->code);
    bool st = strcmp (inst->group, "ST") == 0;
    bool etf = strcmp (inst->group, "EF") == 0;
    rec->pos = 0;
    if (s_put_head (rec, cd, inst))
        return -1;
    char size[2] = {s_cap_size (inst), '\0'};
    s_put_str (rec, 2, inst->group);
    s_put_str (rec, 1, size);
    char sector[16];
    snprintf (sector, sizeof sector, "%04d%04d0000", st ? 27 : 0, st ? (int) (h % 20) + 5 : 0);
    s_put_str (rec, 12, sector);             //  지수업종 대/중/소
    s_put_flag (rec, st && h % 3 != 0);      //  제조업
    s_put_flags (rec, 2, false);             //  저유동성, 지배구조
    s_put_str (rec, 1, inst->cap >= 20000 && st ? "5" : "0");   //  KOSPI200 섹터
    s_put_flag (rec, inst->cap >= 60000 && st);   //  KOSPI100
    s_put_flag (rec, inst->cap >= 150000 && st);  //  KOSPI50
    s_put_flag (rec, inst->cap >= 30000 && st);   //  KRX
    s_put_str (rec, 1, etf ? "1" : " ");     //  ETP
    s_put_flag (rec, inst->cap >= 30000 && st);   //  ELW발행
    s_put_flag (rec, inst->cap >= 40000 && st);   //  KRX100
    s_put_flags (rec, 4, false);             //  KRX 자동차, 반도체, 바이오, 은행
    s_put_flag (rec, inst->spac);            //  SPAC
    s_put_flags (rec, 2, false);             //  KRX 에너지화학, 철강
    s_put_str (rec, 1, "0");                 //  단기과열
    s_put_flags (rec, 3, false);             //  KRX 미디어통신, 건설, Non1
    s_put_flags (rec, 5, false);             //  KRX 증권, 선박, 보험, 운송, SRI
    s_put_prices (rec, inst);
    s_put_listing (rec, inst, h, base_ymd);
    s_put_flag (rec, inst->krx300);          //  KRX300
    s_put_flag (rec, st);                    //  KOSPI
    s_put_financials (rec, inst, base_date);
    if (h % 4 == 0)
        s_put_str (rec, 3, "");              //  그룹사코드: blank for independents
    else
        s_put_num (rec, 3, (long long) (h % 600));
    s_put_flags (rec, 3, false);
    if (rec->pos != SIM_KOSPI_RECORD) {
        eod_log_error ("master: KOSPI record of %s is %zu bytes", inst->code, rec->pos);
        return -1;
    }
    return 0;
}

static int
s_record_kosdaq (s_rec_t *rec, iconv_t cd, sim_instrument_t *inst, int base_ymd, int base_date)
{
    uint64_t h = sim_hash_str (inst->code);
    bool st = strcmp (inst->group, "ST") == 0;
    bool etf = strcmp (inst->group, "EF") == 0;
    rec->pos = 0;
    if (s_put_head (rec, cd, inst))
        return -1;
    char size[2] = {s_cap_size (inst), '\0'};
    s_put_str (rec, 2, inst->group);
    s_put_str (rec, 1, size);
    char sector[16];
    snprintf (sector, sizeof sector, "%04d%04d0000", st ? 1012 : 0, st ? (int) (h % 30) + 1 : 0);
    s_put_str (rec, 12, sector);
    s_put_flag (rec, st && h % 5 == 0);      //  벤처기업
    s_put_flag (rec, false);                 //  저유동성
    s_put_flag (rec, inst->cap >= 30000 && st);   //  KRX
    s_put_str (rec, 1, etf ? "1" : " ");     //  ETP
    s_put_flag (rec, inst->cap >= 60000 && st);   //  KRX100
    s_put_flags (rec, 4, false);             //  KRX 자동차, 반도체, 바이오, 은행
    s_put_flag (rec, inst->spac);            //  SPAC
    s_put_flags (rec, 2, false);             //  KRX 에너지화학, 철강
    s_put_str (rec, 1, "0");                 //  단기과열
    s_put_flags (rec, 3, false);             //  KRX 미디어통신, 건설, 투자주의환기
    s_put_flags (rec, 4, false);             //  KRX 증권, 선박, 보험, 운송
    s_put_flag (rec, inst->kosdaq150);       //  KOSDAQ150
    s_put_prices (rec, inst);
    s_put_listing (rec, inst, h, base_ymd);
    s_put_flag (rec, inst->krx300);          //  KRX300
    s_put_financials (rec, inst, base_date);
    s_put_str (rec, 3, "");                  //  그룹사코드
    s_put_flags (rec, 3, false);
    if (rec->pos != SIM_KOSDAQ_RECORD) {
        eod_log_error ("master: KOSDAQ record of %s is %zu bytes", inst->code, rec->pos);
        return -1;
    }
    return 0;
}

//  --- zips ---------------------------------------------------------------------------

//  Zips data as one entry into a new buffer (*out_p, caller frees). 0 or -1.
int
sim_zip (const char *entry, const char *data, size_t len, unsigned char **out_p, size_t *out_len)
{
    zip_error_t error;
    zip_error_init (&error);
    int rc = -1;
    zip_source_t *archive_src = zip_source_buffer_create (NULL, 0, 0, &error);
    zip_t *archive = NULL;
    if (!archive_src)
        goto out;
    zip_source_keep (archive_src);
    archive = zip_open_from_source (archive_src, ZIP_TRUNCATE, &error);
    if (!archive)
        goto out;
    zip_source_t *file_src = zip_source_buffer (archive, data, len, 0);
    if (!file_src || zip_file_add (archive, entry, file_src, ZIP_FL_ENC_UTF_8) < 0) {
        zip_source_free (file_src);
        goto out;
    }
    if (zip_close (archive) < 0)
        goto out;
    archive = NULL;
    zip_stat_t stat;
    if (zip_source_stat (archive_src, &stat) < 0 || zip_source_open (archive_src) < 0)
        goto out;
    unsigned char *out = malloc (stat.size ? stat.size : 1);
    zip_int64_t got = out ? zip_source_read (archive_src, out, stat.size) : -1;
    zip_source_close (archive_src);
    if (got != (zip_int64_t) stat.size) {
        free (out);
        goto out;
    }
    *out_p = out;
    *out_len = (size_t) stat.size;
    rc = 0;
out:
    if (rc)
        eod_log_error ("master: cannot zip %s: %s", entry, zip_error_strerror (&error));
    if (archive)
        zip_discard (archive);
    zip_source_free (archive_src);
    zip_error_fini (&error);
    return rc;
}

static int
s_code_cmp (const void *a, const void *b, void *items)
{
    const sim_instrument_t *list = items;
    return strcmp (list[*(const size_t *) a].code, list[*(const size_t *) b].code);
}

static int
s_build_files (sim_master_t *self, uint64_t seed, int garble, int base_ymd)
{
    int month = base_ymd / 100 % 100, year = base_ymd / 10000;
    int base_date = month <= 3 ? (year - 1) * 10000 + 1231
                  : month <= 6 ? year * 10000 + 331
                  : month <= 9 ? year * 10000 + 630 : year * 10000 + 930;
    iconv_t cd = iconv_open ("CP949", "UTF-8");
    if (cd == (iconv_t) -1) {
        eod_log_error ("master: iconv UTF-8 to CP949 unavailable");
        return -1;
    }
    int rc = -1;
    char *file[2] = {NULL, NULL};
    size_t file_len[2] = {0, 0};
    size_t record_len[2] = {SIM_KOSPI_RECORD, SIM_KOSDAQ_RECORD};
    for (int m = 0; m < 2; m++) {
        file[m] = malloc ((self->count + (size_t) garble + 1) * (record_len[m] + 1));
        if (!file[m])
            goto out;
    }
    s_rec_t rec;
    for (size_t i = 0; i < self->count; i++) {
        sim_instrument_t *inst = &self->items[self->by_code[i]];
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
        self->garbled++;
    }
    if (sim_zip (SIM_MASTER_KOSPI, file[0], file_len[0], &self->zip[0], &self->zip_len[0])
        || sim_zip (SIM_MASTER_KOSDAQ, file[1], file_len[1], &self->zip[1], &self->zip_len[1]))
        goto out;
    rc = 0;
out:
    free (file[0]);
    free (file[1]);
    iconv_close (cd);
    return rc;
}

sim_master_t *
sim_master_new (uint64_t seed, int garble, int unknown_n, int base_ymd, int extra)
{
    sim_master_t *self = calloc (1, sizeof *self);
    if (!self || s_generate (self, seed, base_ymd, extra))
        goto fail;
    self->by_code = malloc (self->count * sizeof *self->by_code);
    if (!self->by_code)
        goto fail;
    for (size_t i = 0; i < self->count; i++)
        self->by_code[i] = i;
    qsort_r (self->by_code, self->count, sizeof *self->by_code, s_code_cmp, self->items);
    int unknown_left = unknown_n;
    for (size_t i = 0; i < self->count; i++) {
        sim_instrument_t *inst = &self->items[self->by_code[i]];
        inst->selected = s_selected (inst);
        if (inst->kosdaq && inst->selected && unknown_left > 0) {
            inst->unknown = true;
            unknown_left--;
        }
    }
    if (s_build_files (self, seed, garble, base_ymd))
        goto fail;
    size_t selected = 0;
    for (size_t i = 0; i < self->count; i++)
        selected += self->items[i].selected;
    eod_log_info ("master: %zu instruments (%zu selected), kospi zip %zu bytes, kosdaq zip %zu bytes",
                  self->count, selected, self->zip_len[0], self->zip_len[1]);
    return self;
fail:
    sim_master_destroy (&self);
    return NULL;
}

void
sim_master_destroy (sim_master_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sim_master_t *self = *self_p;
    free (self->items);
    free (self->by_code);
    free (self->zip[0]);
    free (self->zip[1]);
    free (self);
    *self_p = NULL;
}

size_t
sim_master_count (const sim_master_t *self)
{
    return self->count;
}

const sim_instrument_t *
sim_master_at (const sim_master_t *self, size_t i)
{
    return i < self->count ? &self->items[i] : NULL;
}

const sim_instrument_t *
sim_master_find (const sim_master_t *self, const char *code)
{
    size_t lo = 0, hi = self->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const sim_instrument_t *inst = &self->items[self->by_code[mid]];
        int cmp = strcmp (inst->code, code);
        if (cmp == 0)
            return inst;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void
sim_master_serve (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_stats_request (self, "master", "-");
    const char *name = req->url + strlen ("/common/master/");
    int m = strcmp (name, SIM_MASTER_KOSPI ".zip") == 0 ? 0
          : strcmp (name, SIM_MASTER_KOSDAQ ".zip") == 0 ? 1 : -1;
    if (m < 0) {
        sim_respond_text (resp, MHD_HTTP_NOT_FOUND, "text/html",
                          "<html><body><h1>404 Not Found</h1></body></html>\n");
        return;
    }
    if (sim_chance (self, self->config->fault_master503)) {
        sim_stats_fault (self, "master503");
        sim_respond_text (resp, MHD_HTTP_SERVICE_UNAVAILABLE, "text/html",
                          "<html><body><h1>503 Service Unavailable</h1></body></html>\n");
        return;
    }
    free (resp->body);
    resp->body = malloc (self->master->zip_len[m] + 1);
    if (!resp->body) {
        sim_respond_text (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n");
        return;
    }
    memcpy (resp->body, self->master->zip[m], self->master->zip_len[m]);
    resp->body[self->master->zip_len[m]] = '\0';
    resp->body_len = self->master->zip_len[m];
    resp->status = MHD_HTTP_OK;
    resp->content_type = "application/zip";
}

void
sim_master_universe (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    json_t *kospi = json_array (), *kosdaq = json_array (), *unknown = json_array ();
    const sim_master_t *master = self->master;
    for (size_t i = 0; i < master->count; i++) {
        const sim_instrument_t *inst = &master->items[master->by_code[i]];
        if (!inst->selected)
            continue;
        json_array_append_new (inst->kosdaq ? kosdaq : kospi, json_string (inst->code));
        if (inst->unknown)
            json_array_append_new (unknown, json_string (inst->code));
    }
    json_t *json = json_pack ("{s:o, s:o, s:o}", "kospi", kospi, "kosdaq", kosdaq, "unknown", unknown);
    sim_respond_json (resp, MHD_HTTP_OK, json);
    json_decref (json);
}
