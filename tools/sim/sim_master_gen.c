/*  sim_master_gen — deterministic generation of the KR instruments: names
    from shuffled pools of Korean prefixes and suffixes (ETF brands and
    themes), codes, ISINs with their check digits, and the numbers (cap,
    price, shares, face value, listing date, financials). See
    sim_master_gen.h. */
#include "sim_master_gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_KOSPI_COMMON 880   //  plus the fixed financial names
#define SIM_KOSPI_PREFERRED 60
#define SIM_KOSPI_ETF 800
#define SIM_KOSPI_REIT 22
#define SIM_KOSPI_SPAC 4
#define SIM_KOSDAQ_COMMON 1600
#define SIM_KOSDAQ_SPAC 30
#define SIM_KOSDAQ_ETF 5
#define SIM_ALNUM_CODES 3   //  new-style codes such as 0088M0 per market

#define SIM_KOSPI_CAP_MIN 100.0
#define SIM_KOSPI_CAP_MAX 4000000.0
#define SIM_KOSDAQ_CAP_MIN 50.0
#define SIM_KOSDAQ_CAP_MAX 300000.0
#define SIM_KOSDAQ_CAP_SKEW 1.6   //  fewer large KOSDAQ caps than log-uniform
#define SIM_KRX300_KOSPI_CAP 9000
#define SIM_KRX300_KOSDAQ_CAP 15000
#define SIM_KOSDAQ150_CAP 6000
#define SIM_SMALL_FLAGGED 8   //  small caps flagged KRX300/KOSDAQ150 anyway

static long long
s_range (sim_stream_t *rng, long long lo, long long hi)
{
    return lo + (long long) (sim_stream_uniform (rng) * (double) (hi - lo + 1));
}

//  Log-uniform in [lo, hi], skewed towards lo when skew > 1.
static double
s_log_uniform (sim_stream_t *rng, double lo, double hi, double skew)
{
    return sim_log_uniform (pow (sim_stream_uniform (rng), skew), lo, hi);
}

static const char *s_prefixes[] = {
    "한국",   "대한",   "동양", "서울",   "삼화",   "대성",   "동원", "세방", "신성", "태광",   "금호",   "성우",
    "유니",   "코리아", "한일", "대림",   "삼영",   "동국",   "한진", "일진", "경동", "대양",   "한솔",   "우진",
    "영풍",   "삼익",   "동화", "화승",   "극동",   "진흥",   "남양", "광명", "미래", "새한",   "제일",   "한빛",
    "청호",   "백광",   "태평", "동방",   "고려",   "조선",   "한미", "대원", "세원", "아세아", "에이스", "하이",
    "비전",   "넥스트", "그린", "블루",   "나노",   "스마트", "에코", "제이", "케이", "엘엔",   "에스",   "디에이",
    "씨에스", "알파",   "티엘", "엠케이", "와이엔", "지엔",   "피엔", "오성", "해성", "한라",   NULL};

static const char *s_suffixes[] = {
    "전자",     "화학",       "건설",   "제약",     "바이오",   "산업",   "중공업", "물산",       "식품",
    "에너지",   "테크",       "소재",   "시스템",   "통신",     "해운",   "홀딩스", "글로벌",     "엔터",
    "반도체",   "정밀",       "기계",   "섬유",     "제지",     "철강",   "전기",   "디스플레이", "소프트",
    "네트웍스", "로지스",     "하이텍", "메디칼",   "헬스케어", "케미칼", "모터스", "인더스트리", "이엔지",
    "솔루션",   "게임즈",     "미디어", "푸드",     "제강",     "해양",   "리테일", "파마",       "플랫폼",
    "랩스",     "머티리얼즈", "오토",   "에프앤비", "테크윈",   NULL};

static const char *s_etf_brands[] = {"KODEX", "TIGER",   "RISE",      "ACE", "SOL", "PLUS", "HANARO",
                                     "KOSEF", "ARIRANG", "TIMEFOLIO", "WON", "BNK", NULL};

static const char *s_etf_themes[] = {"200",
                                     "코스닥150",
                                     "미국S&P500",
                                     "미국나스닥100",
                                     "반도체",
                                     "2차전지산업",
                                     "국고채3년",
                                     "국고채10년",
                                     "골드선물(H)",
                                     "레버리지",
                                     "인버스",
                                     "200선물인버스2X",
                                     "코스닥150레버리지",
                                     "미국배당다우존스",
                                     "차이나CSI300",
                                     "일본니케이225",
                                     "인도니프티50",
                                     "단기채권",
                                     "KOFR금리액티브",
                                     "CD금리액티브",
                                     "머니마켓액티브",
                                     "은행고배당",
                                     "고배당",
                                     "배당성장",
                                     "헬스케어",
                                     "바이오",
                                     "자동차",
                                     "조선TOP10",
                                     "방산",
                                     "원자력",
                                     "게임",
                                     "미디어컨텐츠",
                                     "인터넷",
                                     "소프트웨어",
                                     "AI반도체",
                                     "로봇",
                                     "전력설비",
                                     "건설",
                                     "철강",
                                     "화학",
                                     "에너지화학",
                                     "증권",
                                     "보험",
                                     "금융",
                                     "필수소비재",
                                     "경기소비재",
                                     "리츠부동산",
                                     "미국채10년선물",
                                     "미국채30년액티브",
                                     "달러선물",
                                     "엔선물",
                                     "WTI원유선물(H)",
                                     "구리실물",
                                     "삼성그룹",
                                     "현대차그룹",
                                     "LG그룹",
                                     "SK그룹",
                                     "ESG",
                                     "TOP10",
                                     "밸류업",
                                     "MSCI Korea",
                                     "200TR",
                                     "코스피",
                                     "중소형",
                                     "대형가치",
                                     "성장",
                                     "퀄리티",
                                     "모멘텀",
                                     "저변동",
                                     "미국테크TOP10",
                                     NULL};

//  Financial names the KOSPI name rule (은행|금융|신한|카카오뱅크) must catch,
//  large and small (below the cap threshold), with their caps in 억원.
static const struct {
    const char *name;
    long long cap;
} s_financials[] = {{"신한지주", 280000},
                    {"카카오뱅크", 120000},
                    {"우리금융지주", 110000},
                    {"제주은행", 2600},
                    {"한성금융", 1500},
                    {"대성금융지주", 900},
                    {"신한서부산업", 700},
                    {"동방은행", 3100},
                    {"서해금융", 2200},
                    {"카카오뱅크홀딩스", 1800},
                    {NULL, 0}};

static const char *s_securities[] = {"대신", "미래에셋", "하나", "엔에이치", "케이비", "유안타",
                                     "교보", "신영",     "한화", "삼성",     NULL};

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
s_pool_init (s_pool_t *pool, sim_stream_t *rng, size_t count)
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
s_code_used (const sim_master_list_t *list, const char *code)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp (list->items[i].code, code) == 0)
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
s_add (sim_master_list_t *list, const char *code, const char *name, const char *group, bool kosdaq)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 1024;
        sim_instrument_t *grown = realloc (list->items, cap * sizeof *grown);
        if (!grown)
            return NULL;
        list->items = grown;
        list->cap = cap;
    }
    sim_instrument_t *inst = &list->items[list->count++];
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
s_new_code (sim_master_list_t *list, sim_stream_t *rng, char *code, long long lo, long long hi, int step, bool alnum)
{
    static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
    do {
        if (alnum)
            snprintf (code, 7, "%04lld%c0", s_range (rng, 1, 999),
                      letters[s_range (rng, 0, (long long) sizeof letters - 2)]);
        else
            snprintf (code, 7, "%06lld", s_range (rng, lo / step, hi / step) * step);
    } while (s_code_used (list, code));
}

//  Fills the numbers of an instrument from its cap and a price range.
static void
s_fill_numbers (sim_instrument_t *inst, sim_stream_t *rng, double cap, double price_lo, double price_hi, int base_ymd)
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
    double sales = (double) inst->cap * (0.2 + 2.8 * sim_stream_uniform (rng));
    double margin = 0.06 + 0.08 * (sim_stream_uniform (rng) * 2 - 1) * 1.5;
    inst->sales = llround (sales);
    inst->op_profit = llround (sales * margin);
    inst->ord_profit = llround ((double) inst->op_profit * (0.8 + 0.4 * sim_stream_uniform (rng)));
    double net = (double) inst->ord_profit * 0.75;
    inst->net_income = llround (net > 99999 ? 99999 : (net < -9999 ? -9999 : net));
    double equity = (double) inst->cap * (0.5 + sim_stream_uniform (rng));
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
        snprintf (buf, size, "%s%s%zu", s_prefixes[combo / nsuffix], s_suffixes[combo % nsuffix], round + 1);
    return buf;
}

int
sim_master_generate (sim_master_list_t *list, uint64_t seed, int base_ymd, int extra)
{
    sim_stream_t rng = {sim_hash (seed, 0x3a57e5, 0)};
    s_pool_t pool = {NULL, 0, 0}, etf_pool = {NULL, 0, 0};
    int rc = -1;
    if (s_pool_init (&pool, &rng, s_count (s_prefixes) * s_count (s_suffixes))
        || s_pool_init (&etf_pool, &rng, s_count (s_etf_brands) * s_count (s_etf_themes)))
        goto out;
    char code[8], name[128];
    sim_instrument_t *inst;

    //  KOSPI common stocks, the financial names, preferred shares.
    for (int i = 0; i < SIM_KOSPI_COMMON; i++) {
        s_new_code (list, &rng, code, 10, 499990, 10, i < SIM_ALNUM_CODES);
        if (!(inst = s_add (list, code, s_pool_name (&pool, name, sizeof name), "ST", false)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, SIM_KOSPI_CAP_MIN, SIM_KOSPI_CAP_MAX, 1.0), 1000, 500000,
                        base_ymd);
    }
    for (int i = 0; s_financials[i].name; i++) {
        s_new_code (list, &rng, code, 10, 499990, 10, false);
        if (!(inst = s_add (list, code, s_financials[i].name, "ST", false)))
            goto out;
        s_fill_numbers (inst, &rng, (double) s_financials[i].cap, 3000, 80000, base_ymd);
    }
    size_t commons = list->count;
    for (int i = 0; i < SIM_KOSPI_PREFERRED; i++) {
        const sim_instrument_t *base = &list->items[(size_t) s_range (&rng, SIM_ALNUM_CODES, (long long) commons - 1)];
        snprintf (code, sizeof code, "%.5s5", base->code);
        if (s_code_used (list, code))
            continue;
        snprintf (name, sizeof name, "%s우", base->name);
        double cap = (double) base->cap * (0.02 + 0.2 * sim_stream_uniform (&rng));
        if (!(inst = s_add (list, code, name, "ST", false)))
            goto out;
        s_fill_numbers (inst, &rng, cap, 1000, 300000, base_ymd);
        inst->preferred = true;
    }
    //  Small caps flagged KRX300 anyway (index rules are not only cap).
    for (int i = 0; i < SIM_SMALL_FLAGGED; i++) {
        sim_instrument_t *pick = &list->items[(size_t) s_range (&rng, 0, (long long) commons - 1)];
        if (pick->cap < SIM_CAP_SELECT)
            pick->krx300 = true;
    }
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].cap >= SIM_KRX300_KOSPI_CAP && !list->items[i].preferred)
            list->items[i].krx300 = true;

    //  KOSPI ETFs, REITs, infra funds, SPACs and the odd MF/DR/FS rows.
    size_t nthemes = s_count (s_etf_themes);
    for (int i = 0; i < SIM_KOSPI_ETF; i++) {
        s_new_code (list, &rng, code, 100000, 499999, 1, i < SIM_ALNUM_CODES);
        size_t round, combo = s_pool_take (&etf_pool, &round);
        snprintf (name, sizeof name, "%s %s%s", s_etf_brands[combo / nthemes], s_etf_themes[combo % nthemes],
                  round ? "(합성)" : "");
        if (!(inst = s_add (list, code, name, "EF", false)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, 50, 80000, 1.0), 5000, 60000, base_ymd);
        inst->face = 0;
    }
    for (int i = 0; i < SIM_KOSPI_REIT; i++) {
        s_new_code (list, &rng, code, 300000, 499990, 10, false);
        if (i == 0)
            snprintf (name, sizeof name, "신한알파리츠");
        else
            snprintf (name, sizeof name, "%s%s리츠", s_prefixes[(size_t) s_range (&rng, 0, 69)], i % 2 ? "오피스" : "");
        if (!(inst = s_add (list, code, name, "RT", false)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, 300, 20000, 1.0), 3000, 8000, base_ymd);
        inst->face = 500;
    }
    static const char *infra[] = {"맥쿼리인프라", "KB발해인프라"};
    for (int i = 0; i < 2; i++) {
        s_new_code (list, &rng, code, 80000, 499990, 10, false);
        if (!(inst = s_add (list, code, infra[i], "IF", false)))
            goto out;
        s_fill_numbers (inst, &rng, i ? 3500 : 45000, 9000, 15000, base_ymd);
    }
    for (int i = 0; i < SIM_KOSPI_SPAC; i++) {
        s_new_code (list, &rng, code, 400000, 499990, 10, false);
        snprintf (name, sizeof name, "%s제%d호스팩", s_securities[i % 10], i + 1);
        if (!(inst = s_add (list, code, name, "ST", false)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, 80, 250, 1.0), 2000, 2500, base_ymd);
        inst->spac = true;
    }
    static const struct {
        const char *name, *group;
    } odd[] = {{"한국투자회사", "MF"}, {"동양예탁증서DR", "DR"}, {"헝성그룹", "FS"}};
    for (int i = 0; i < 3; i++) {
        s_new_code (list, &rng, code, 900000, 999990, 10, false);
        if (!(inst = s_add (list, code, odd[i].name, odd[i].group, false)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, 200, 3000, 1.0), 500, 20000, base_ymd);
    }

    //  KOSDAQ: common stocks (caps skewed small), SPACs, a few ETFs.
    size_t kosdaq_first = list->count;
    for (int i = 0; i < SIM_KOSDAQ_COMMON; i++) {
        s_new_code (list, &rng, code, 10, 499990, 10, i < SIM_ALNUM_CODES);
        const char *stock = i == SIM_KOSDAQ_COMMON - 1 ? "한국금융플랫폼"   //  name rule is KOSPI-only
                                                       : s_pool_name (&pool, name, sizeof name);
        if (!(inst = s_add (list, code, stock, "ST", true)))
            goto out;
        double cap = s_log_uniform (&rng, SIM_KOSDAQ_CAP_MIN, SIM_KOSDAQ_CAP_MAX, SIM_KOSDAQ_CAP_SKEW);
        s_fill_numbers (inst, &rng, i == SIM_KOSDAQ_COMMON - 1 ? 500 : cap, 500, 200000, base_ymd);
        inst->krx300 = inst->cap >= SIM_KRX300_KOSDAQ_CAP;
        inst->kosdaq150 = inst->cap >= SIM_KOSDAQ150_CAP;
    }
    size_t kosdaq_commons_end = list->count;
    for (int i = 0; i < SIM_SMALL_FLAGGED; i++) {
        sim_instrument_t *pick =
            &list->items[(size_t) s_range (&rng, (long long) kosdaq_first, (long long) kosdaq_commons_end - 2)];
        if (pick->cap < SIM_CAP_SELECT) {
            if (i % 2)
                pick->krx300 = true;
            else
                pick->kosdaq150 = true;
        }
    }
    for (int i = 0; i < SIM_KOSDAQ_SPAC; i++) {
        s_new_code (list, &rng, code, 400000, 499990, 10, i < 2);
        snprintf (name, sizeof name, "%s제%d호스팩", s_securities[i % 10], 10 + i);
        if (!(inst = s_add (list, code, name, "ST", true)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, 60, 300, 1.0), 2000, 2500, base_ymd);
        inst->spac = true;
    }
    for (int i = 0; i < SIM_KOSDAQ_ETF; i++) {
        s_new_code (list, &rng, code, 200000, 299999, 1, false);
        snprintf (name, sizeof name, "%s 코스닥글로벌%d", s_etf_brands[i], i + 1);
        if (!(inst = s_add (list, code, name, "EF", true)))
            goto out;
        s_fill_numbers (inst, &rng, s_log_uniform (&rng, 50, 3000, 1.0), 5000, 20000, base_ymd);
        inst->face = 0;
    }
    //  --kosdaq-extra: more KOSDAQ common stocks over the selection threshold,
    //  for runs at scale; after everything else, so the default universe does
    //  not change.
    for (int i = 0; i < extra; i++) {
        s_new_code (list, &rng, code, 10, 499990, 10, false);
        snprintf (name, sizeof name, "합성코스닥%05d", i + 1);
        if (!(inst = s_add (list, code, name, "ST", true)))
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
