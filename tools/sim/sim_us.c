/*  sim_us — the US side of the KIS double: the overseas daily price
    HHDFS76240000 (dailyprice), the overseas master files nasmst/nysmst/amsmst
    .cod.zip, and GET /_sim/universe/us.

    At start it takes the index constituents from sim_wiki and the extra
    tickers below, adds generated filler listings so each exchange looks like
    the real file (about 3,000 NAS, 2,500 NYS and 300 AMS records), and writes
    the three .cod files as reference/kis-open-api.md §6.3 describes them:
    TAB-separated, CP949, 24 columns, no header row, sorted by symbol (so the
    first NYS record is A, Agilent, which parsers that eat a header line lose).
    Class shares are in KIS form (BRK/B). A few index members are deliberately
    in no master file, so eod-lister must report them.

    Daily prices come from a deterministic walk per (seed, symbol) over the
    XNYS sessions of eod_cal (holiday rules plus XNYS_closures.csv) from
    2000-01-03 on, so any date answers the same in every request and diff,
    rate and sign agree with the previous session's close. */
#define _GNU_SOURCE                          //  M_PI
#include "sim.h"

#include "eod_cal.h"
#include "eod_date.h"
#include "eod_log.h"

#include <ctype.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define SIM_US_FIRST_YMD 20000101            //  sessions known from here ...
#define SIM_US_LAST_YMD 20991231             //  ... to here (eod_cal's XNYS range)
#define SIM_US_WALK_START_YMD 20000103       //  first session of every price walk
#define SIM_US_ROWS_MAX 100                  //  rows per dailyprice answer
#define SIM_US_WALK_REVERT 0.995             //  mean reversion keeps prices near base
#define SIM_US_WALK_SIGMA 0.018              //  daily log-return scale
#define SIM_US_COLUMNS 24                    //  .cod columns since 2023-02-27
#define SIM_US_SYMBOL_MAX 16
#define SIM_US_NAME_MAX 96
#define SIM_US_TARGET_NAS 3000               //  records per file, filler included
#define SIM_US_TARGET_NYS 2500
#define SIM_US_TARGET_AMS 300
#define SIM_US_SET_BITS 14                   //  symbol hash set: 16384 slots
#define SIM_US_TR_DAILY "HHDFS76240000"
#define SIM_US_MSG_OK "정상처리 되었습니다."

enum { SIM_US_NAS, SIM_US_NYS, SIM_US_AMS, SIM_US_EXCHANGES };

static const struct {
    const char *excd;
    const char *exid;
    const char *name;                        //  exnm, UTF-8 (CP949 in the file)
    const char *file;                        //  served as <file>.zip
    const char *entry;                       //  the one entry inside
    int target;
} s_exchanges[SIM_US_EXCHANGES] = {
    {"NAS", "22", "나스닥", "nasmst.cod", "NASMST.COD", SIM_US_TARGET_NAS},
    {"NYS", "21", "뉴욕", "nysmst.cod", "NYSMST.COD", SIM_US_TARGET_NYS},
    {"AMS", "29", "아멕스", "amsmst.cod", "AMSMST.COD", SIM_US_TARGET_AMS},
};

//  config/us_extra_tickers.txt, with where KIS lists each (NYSE Arca ETFs
//  appear under AMS) and whether it is an ETF.
static const struct {
    const char *symbol;
    int exchange;
    bool etf;
    const char *name;
    const char *korean;
} s_extras[] = {
    {"DIA", SIM_US_AMS, true, "SPDR Dow Jones Industrial Average ETF Trust", "SPDR 다우존스 산업평균 ETF"},
    {"SPY", SIM_US_AMS, true, "SPDR S&P 500 ETF Trust", "SPDR S&P 500 ETF"},
    {"QQQ", SIM_US_NAS, true, "Invesco QQQ Trust Series 1", "인베스코 QQQ ETF"},
    {"IWM", SIM_US_AMS, true, "iShares Russell 2000 ETF", "iShares 러셀 2000 ETF"},
    {"IWO", SIM_US_AMS, true, "iShares Russell 2000 Growth ETF", "iShares 러셀 2000 성장주 ETF"},
    {"VTV", SIM_US_AMS, true, "Vanguard Value ETF", "뱅가드 가치주 ETF"},
    {"XLK", SIM_US_AMS, true, "Technology Select Sector SPDR Fund", "기술주 섹터 SPDR"},
    {"XLY", SIM_US_AMS, true, "Consumer Discretionary Select Sector SPDR Fund", "경기소비재 섹터 SPDR"},
    {"XLV", SIM_US_AMS, true, "Health Care Select Sector SPDR Fund", "헬스케어 섹터 SPDR"},
    {"XLF", SIM_US_AMS, true, "Financial Select Sector SPDR Fund", "금융 섹터 SPDR"},
    {"XLI", SIM_US_AMS, true, "Industrial Select Sector SPDR Fund", "산업재 섹터 SPDR"},
    {"XLP", SIM_US_AMS, true, "Consumer Staples Select Sector SPDR Fund", "필수소비재 섹터 SPDR"},
    {"XLU", SIM_US_AMS, true, "Utilities Select Sector SPDR Fund", "유틸리티 섹터 SPDR"},
    {"XLB", SIM_US_AMS, true, "Materials Select Sector SPDR Fund", "소재 섹터 SPDR"},
    {"XLE", SIM_US_AMS, true, "Energy Select Sector SPDR Fund", "에너지 섹터 SPDR"},
    {"XLC", SIM_US_AMS, true, "Communication Services Select Sector SPDR Fund", "커뮤니케이션 섹터 SPDR"},
    {"XLRE", SIM_US_AMS, true, "Real Estate Select Sector SPDR Fund", "부동산 섹터 SPDR"},
    {"COWZ", SIM_US_AMS, true, "Pacer US Cash Cows 100 ETF", "페이서 US 캐시카우 100 ETF"},
    {"HYG", SIM_US_AMS, true, "iShares iBoxx High Yield Corporate Bond ETF", "iShares 하이일드 회사채 ETF"},
    {"HYBB", SIM_US_AMS, true, "iShares BB Rated Corporate Bond ETF", "iShares BB등급 회사채 ETF"},
    {"STIP", SIM_US_AMS, true, "iShares 0-5 Year TIPS Bond ETF", "iShares 0-5년 물가연동채 ETF"},
    {"SCHD", SIM_US_AMS, true, "Schwab US Dividend Equity ETF", "슈왑 미국 배당주 ETF"},
    {"SPLG", SIM_US_AMS, true, "SPDR Portfolio S&P 500 ETF", "SPDR 포트폴리오 S&P 500 ETF"},
    {"IHI", SIM_US_AMS, true, "iShares US Medical Devices ETF", "iShares 미국 의료기기 ETF"},
    {"TLT", SIM_US_NAS, true, "iShares 20+ Year Treasury Bond ETF", "iShares 미국채 20년 이상 ETF"},
    {"KMLM", SIM_US_AMS, true, "KFA Mount Lucas Managed Futures Index Strategy ETF", "KFA 마운트 루카스 매니지드 퓨처스 ETF"},
    {"MOAT", SIM_US_AMS, true, "VanEck Morningstar Wide Moat ETF", "반에크 모닝스타 와이드 모트 ETF"},
    {"EWY", SIM_US_AMS, true, "iShares MSCI South Korea ETF", "iShares MSCI 한국 ETF"},
    {"EWJ", SIM_US_AMS, true, "iShares MSCI Japan ETF", "iShares MSCI 일본 ETF"},
    {"IYT", SIM_US_AMS, true, "iShares US Transportation ETF", "iShares 미국 운송 ETF"},
    {"BROS", SIM_US_NYS, false, "Dutch Bros Inc", "더치 브로스"},
    {"SLG", SIM_US_NYS, false, "SL Green Realty Corp", "SL 그린 리얼티"},
    {"EPR", SIM_US_NYS, false, "EPR Properties", "EPR 프로퍼티스"},
    {"ZIP", SIM_US_NYS, false, "ZipRecruiter Inc", "집리크루터"},
    {"SMCI", SIM_US_NAS, false, "Super Micro Computer Inc", "슈퍼 마이크로 컴퓨터"},
    {"PLTR", SIM_US_NAS, false, "Palantir Technologies Inc", "팔란티어 테크놀로지스"},
    {"CPNG", SIM_US_NYS, false, "Coupang Inc", "쿠팡"},
    {NULL, 0, false, NULL, NULL}
};

//  Words of generated listings, with their Korean spelling.
static const char *s_words[][2] = {
    {"Apex", "에이펙스"}, {"Blue Ridge", "블루 릿지"}, {"Cedar", "시더"}, {"Summit", "서밋"},
    {"Harbor", "하버"}, {"Northfield", "노스필드"}, {"Silverline", "실버라인"}, {"Granite", "그래닛"},
    {"Pioneer", "파이오니어"}, {"Liberty", "리버티"}, {"Meridian", "메리디안"}, {"Crescent", "크레센트"},
    {"Evergreen", "에버그린"}, {"Atlas", "아틀라스"}, {"Horizon", "호라이즌"}, {"Keystone", "키스톤"},
    {"Lakeshore", "레이크쇼어"}, {"Redwood", "레드우드"}, {"Sterling", "스털링"}, {"Vertex", "버텍스"},
    {"Beacon", "비컨"}, {"Cobalt", "코발트"}, {"Falcon", "팰컨"}, {"Orion", "오리온"},
    {"Pinnacle", "피너클"}, {"Quantum", "퀀텀"}, {"Riverside", "리버사이드"}, {"Sierra", "시에라"},
    {"Trident", "트라이던트"}, {"Union", "유니온"}, {"Vanguard", "뱅가드"}, {"Westbrook", "웨스트브룩"},
    {"Zenith", "제니스"}, {"Anchor", "앵커"}, {"Bright", "브라이트"}, {"Clearwater", "클리어워터"},
    {"Delta", "델타"}, {"Eagle", "이글"}, {"Frontier", "프론티어"}, {"Golden", "골든"},
    {"Highland", "하이랜드"}, {"Ironwood", "아이언우드"}, {"Juniper", "주니퍼"}, {"Kingsway", "킹스웨이"},
    {"Lumen", "루멘"}, {"Monarch", "모나크"}, {"Nova", "노바"}, {"Oakmont", "오크몬트"},
    {NULL, NULL}
};

static const char *s_kinds[][2] = {
    {"Therapeutics Inc", "테라퓨틱스"}, {"Holdings Inc", "홀딩스"}, {"Bancorp Inc", "뱅코프"},
    {"Technologies Inc", "테크놀로지스"}, {"Energy Corp", "에너지"}, {"Pharmaceuticals Inc", "파마슈티컬스"},
    {"Systems Inc", "시스템즈"}, {"Capital Corp", "캐피탈"}, {"Realty Trust", "리얼티 트러스트"},
    {"Biosciences Inc", "바이오사이언스"}, {"Networks Inc", "네트웍스"}, {"Brands Inc", "브랜즈"},
    {"Resources Corp", "리소시스"}, {"Financial Corp", "파이낸셜"}, {"Industries Inc", "인더스트리즈"},
    {"Acquisition Corp", "애퀴지션"}, {"Minerals Ltd", "미네랄스"}, {"Medical Inc", "메디컬"},
    {NULL, NULL}
};

static const char *s_etf_themes[][2] = {
    {"Dividend Growth ETF", "배당성장 ETF"}, {"Small Cap Value ETF", "소형가치주 ETF"},
    {"Treasury Bond ETF", "국채 ETF"}, {"Clean Energy ETF", "클린에너지 ETF"},
    {"Semiconductor ETF", "반도체 ETF"}, {"Emerging Markets ETF", "신흥국 ETF"},
    {"Gold Miners ETF", "금광 ETF"}, {"Covered Call ETF", "커버드콜 ETF"},
    {"2x Leveraged ETF", "2배 레버리지 ETF"}, {"Short ETF", "인버스 ETF"},
    {NULL, NULL}
};

//  GICS sector to the industry code (icod) of the .cod files.
static const struct {
    const char *sector;
    int icod;
} s_icods[] = {
    {"Information Technology", 730}, {"Health Care", 510}, {"Financials", 410},
    {"Consumer Discretionary", 310}, {"Consumer Staples", 320}, {"Industrials", 210},
    {"Energy", 110}, {"Materials", 150}, {"Utilities", 610}, {"Real Estate", 450},
    {"Communication Services", 810}, {NULL, 0}
};

typedef struct {
    char symbol[SIM_US_SYMBOL_MAX];          //  KIS form: BRK/B
    int exchange;
    char korean[SIM_US_NAME_MAX];            //  UTF-8
    char english[SIM_US_NAME_MAX];           //  upper-case ASCII
    int type;                                //  2 stock, 3 ETF
    int icod;
    double base;                             //  the walk's anchor price, USD
    double volume;                           //  typical shares per day
    bool unknown;                            //  the price endpoint says unknown
} s_listing_t;

typedef struct {
    char symbol[SIM_US_SYMBOL_MAX];
    bool absent;
} s_universe_t;

struct sim_us_t {
    uint64_t seed;
    unsigned char *session;                  //  one byte per day from SIM_US_FIRST_YMD
    int32_t first_day, ndays;
    s_listing_t *listings;                   //  sorted by symbol once built
    size_t count, cap;
    s_universe_t *universe;                  //  sorted by symbol
    size_t nuniverse;
    unsigned char *zip[SIM_US_EXCHANGES];
    size_t zip_len[SIM_US_EXCHANGES];
};

//  --- generation helpers ---------------------------------------------------------

typedef struct {
    uint64_t state;
} s_rng_t;

static double
s_uniform (s_rng_t *rng)
{
    rng->state += 0x9e3779b97f4a7c15ULL;
    return sim_unit (sim_hash (rng->state, 0, 0));
}

static size_t
s_pick (s_rng_t *rng, size_t n)
{
    size_t i = (size_t) (s_uniform (rng) * (double) n);
    return i < n ? i : n - 1;
}

static double
s_log_uniform (double u, double lo, double hi)
{
    return exp (log (lo) + u * (log (hi) - log (lo)));
}

//  Folds the few non-ASCII letters of the names to ASCII (CP949 lacks them)
//  and upper-cases; drops '.' and ','. Writes at most size - 1 bytes.
static void
s_english (const char *name, char *out, size_t size)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *) name; *p && o + 1 < size; p++) {
        if (*p == '.' || *p == ',')
            continue;
        if (*p < 0x80) {
            out[o++] = (char) toupper (*p);
            continue;
        }
        //  é (C3 A9) -> E, – (E2 80 93) -> -, anything else -> skipped.
        if (p[0] == 0xC3 && p[1] == 0xA9) {
            out[o++] = 'E';
            p += 1;
        }
        else if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x93) {
            out[o++] = '-';
            p += 2;
        }
        else
            while (p[1] >= 0x80 && p[1] < 0xC0)
                p++;
    }
    out[o] = '\0';
}

static int
s_icod (const char *sector)
{
    for (size_t i = 0; s_icods[i].sector; i++)
        if (strcmp (s_icods[i].sector, sector) == 0)
            return s_icods[i].icod;
    return 0;
}

//  Open-addressing set of listing indices, keyed by symbol.
typedef struct {
    long slot[1 << SIM_US_SET_BITS];
} s_set_t;

static size_t
s_set_find (const s_set_t *set, const s_listing_t *listings, const char *symbol)
{
    size_t mask = ((size_t) 1 << SIM_US_SET_BITS) - 1;
    size_t i = (size_t) sim_hash_str (symbol) & mask;
    while (set->slot[i] >= 0 && strcmp (listings[set->slot[i]].symbol, symbol) != 0)
        i = (i + 1) & mask;
    return i;
}

//  A new listing, or NULL when the symbol is taken or memory ran out.
static s_listing_t *
s_add (sim_us_t *self, s_set_t *set, const char *symbol, int exchange)
{
    if (self->count + 1 >= ((size_t) 1 << SIM_US_SET_BITS) * 3 / 4)
        return NULL;                         //  keep the set's probes short
    size_t slot = s_set_find (set, self->listings, symbol);
    if (set->slot[slot] >= 0)
        return NULL;
    if (self->count == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 1024;
        s_listing_t *grown = realloc (self->listings, cap * sizeof *grown);
        if (!grown)
            return NULL;
        self->listings = grown;
        self->cap = cap;
    }
    s_listing_t *listing = &self->listings[self->count];
    memset (listing, 0, sizeof *listing);
    snprintf (listing->symbol, sizeof listing->symbol, "%s", symbol);
    listing->exchange = exchange;
    listing->type = 2;
    set->slot[slot] = (long) self->count++;
    return listing;
}

//  Price anchor and volume of a listing, fixed per (seed, symbol).
static void
s_fill_market (const sim_us_t *self, s_listing_t *listing, double lo, double hi)
{
    uint64_t h = sim_hash (self->seed, sim_hash_str (listing->symbol), 0x05a);
    listing->base = round (s_log_uniform (sim_unit (h), lo, hi) * 100.0) / 100.0;
    listing->volume = s_log_uniform (sim_unit (sim_hash (h, 1, 0)), 2e4, 3e7);
}

//  Wikipedia's BRK.B is KIS's BRK/B.
static void
s_kis_symbol (const char *wiki, char *out, size_t size)
{
    snprintf (out, size, "%s", wiki);
    for (char *p = out; *p; p++)
        if (*p == '.')
            *p = '/';
}

static void
s_filler_symbol (s_rng_t *rng, int exchange, char *out, size_t size)
{
    static const size_t nas_len[] = {3, 4, 4, 4, 4, 4, 4, 5};
    static const size_t nys_len[] = {2, 2, 3, 3, 3, 3, 3, 4};
    size_t len = exchange == SIM_US_NAS ? nas_len[s_pick (rng, 8)]
               : exchange == SIM_US_NYS ? nys_len[s_pick (rng, 8)] : 3 + s_pick (rng, 2);
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < size; i++)
        out[o++] = (char) ('A' + s_pick (rng, 26));
    out[o] = '\0';
    //  A few NYSE class shares, written the KIS way.
    if (exchange == SIM_US_NYS && s_uniform (rng) < 0.02 && o + 3 < size) {
        out[o++] = '/';
        out[o++] = s_uniform (rng) < 0.5 ? 'A' : 'B';
        out[o] = '\0';
    }
}

static int
s_generate (sim_us_t *self, const sim_wiki_t *wiki)
{
    s_set_t *set = malloc (sizeof *set);
    if (!set)
        return -1;
    memset (set->slot, 0xff, sizeof set->slot);   //  every slot -1
    int rc = -1;
    char symbol[SIM_US_SYMBOL_MAX];
    int per_exchange[SIM_US_EXCHANGES] = {0, 0, 0};

    for (size_t i = 0; i < sim_wiki_count (wiki); i++) {
        const sim_wiki_member_t *m = sim_wiki_member (wiki, i);
        if (m->absent)
            continue;
        s_kis_symbol (m->symbol, symbol, sizeof symbol);
        int exchange = m->nasdaq ? SIM_US_NAS : SIM_US_NYS;
        s_listing_t *listing = s_add (self, set, symbol, exchange);
        if (!listing)
            goto out;
        s_english (m->name, listing->english, sizeof listing->english);
        snprintf (listing->korean, sizeof listing->korean, "%s",
                  *m->korean ? m->korean : listing->english);
        listing->icod = s_icod (m->sector);
        s_fill_market (self, listing, 15, 900);
        per_exchange[exchange]++;
    }
    for (size_t i = 0; s_extras[i].symbol; i++) {
        size_t slot = s_set_find (set, self->listings, s_extras[i].symbol);
        if (set->slot[slot] >= 0)
            continue;                        //  an index member already (SMCI, PLTR)
        s_listing_t *listing = s_add (self, set, s_extras[i].symbol, s_extras[i].exchange);
        if (!listing)
            goto out;
        snprintf (listing->korean, sizeof listing->korean, "%s", s_extras[i].korean);
        s_english (s_extras[i].name, listing->english, sizeof listing->english);
        listing->type = s_extras[i].etf ? 3 : 2;
        s_fill_market (self, listing, s_extras[i].etf ? 20 : 10, s_extras[i].etf ? 600 : 200);
        per_exchange[s_extras[i].exchange]++;
    }

    //  Filler listings up to each file's size; AMS is mostly ETFs, as on KIS.
    s_rng_t rng = {sim_hash (self->seed, 0xf111e5, 0)};
    size_t nwords = 0, nkinds = 0, nthemes = 0;
    while (s_words[nwords][0])
        nwords++;
    while (s_kinds[nkinds][0])
        nkinds++;
    while (s_etf_themes[nthemes][0])
        nthemes++;
    for (int x = 0; x < SIM_US_EXCHANGES; x++) {
        double etf_share = x == SIM_US_AMS ? 0.8 : x == SIM_US_NAS ? 0.15 : 0.1;
        int tries = 0;
        while (per_exchange[x] < s_exchanges[x].target) {
            if (++tries > s_exchanges[x].target * 20) {
                eod_log_error ("us: cannot find free symbols for %s", s_exchanges[x].excd);
                goto out;
            }
            s_filler_symbol (&rng, x, symbol, sizeof symbol);
            size_t slot = s_set_find (set, self->listings, symbol);
            if (set->slot[slot] >= 0)
                continue;
            s_listing_t *listing = s_add (self, set, symbol, x);
            if (!listing)
                goto out;
            size_t w = s_pick (&rng, nwords);
            char name[SIM_US_NAME_MAX];
            if (s_uniform (&rng) < etf_share) {
                size_t t = s_pick (&rng, nthemes);
                snprintf (name, sizeof name, "%s %s", s_words[w][0], s_etf_themes[t][0]);
                snprintf (listing->korean, sizeof listing->korean, "%s %s", s_words[w][1],
                          s_etf_themes[t][1]);
                listing->type = 3;
                s_fill_market (self, listing, 10, 300);
            }
            else {
                size_t k = s_pick (&rng, nkinds);
                snprintf (name, sizeof name, "%s %s", s_words[w][0], s_kinds[k][0]);
                snprintf (listing->korean, sizeof listing->korean, "%s %s", s_words[w][1],
                          s_kinds[k][1]);
                listing->icod = s_icods[s_pick (&rng, 11)].icod;
                s_fill_market (self, listing, 1, 250);
            }
            s_english (name, listing->english, sizeof listing->english);
            per_exchange[x]++;
        }
    }
    rc = 0;
out:
    if (rc)
        eod_log_error ("us: cannot generate the listings");
    free (set);
    return rc;
}

static int
s_listing_cmp (const void *a, const void *b)
{
    return strcmp (((const s_listing_t *) a)->symbol, ((const s_listing_t *) b)->symbol);
}

static int
s_universe_cmp (const void *a, const void *b)
{
    return strcmp (((const s_universe_t *) a)->symbol, ((const s_universe_t *) b)->symbol);
}

static s_listing_t *
s_find (const sim_us_t *self, const char *symbol)
{
    s_listing_t key;
    snprintf (key.symbol, sizeof key.symbol, "%s", symbol);
    return bsearch (&key, self->listings, self->count, sizeof key, s_listing_cmp);
}

//  The universe: every index member and extra ticker once, in KIS form.
static int
s_build_universe (sim_us_t *self, const sim_wiki_t *wiki, int unknown_n)
{
    size_t cap = sim_wiki_count (wiki) + sizeof s_extras / sizeof s_extras[0];
    self->universe = calloc (cap, sizeof *self->universe);
    if (!self->universe)
        return -1;
    for (size_t i = 0; i < sim_wiki_count (wiki); i++) {
        const sim_wiki_member_t *m = sim_wiki_member (wiki, i);
        s_universe_t *u = &self->universe[self->nuniverse++];
        s_kis_symbol (m->symbol, u->symbol, sizeof u->symbol);
        u->absent = m->absent;
    }
    for (size_t i = 0; s_extras[i].symbol; i++)
        snprintf (self->universe[self->nuniverse++].symbol, SIM_US_SYMBOL_MAX, "%s",
                  s_extras[i].symbol);
    qsort (self->universe, self->nuniverse, sizeof *self->universe, s_universe_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < self->nuniverse; i++)
        if (kept == 0 || strcmp (self->universe[kept - 1].symbol, self->universe[i].symbol) != 0)
            self->universe[kept++] = self->universe[i];
    self->nuniverse = kept;
    for (size_t i = 0; i < self->nuniverse && unknown_n > 0; i++) {
        s_listing_t *listing = self->universe[i].absent ? NULL : s_find (self, self->universe[i].symbol);
        if (listing) {
            listing->unknown = true;
            unknown_n--;
        }
    }
    return 0;
}

//  --- XNYS sessions --------------------------------------------------------------------

static int
s_load_sessions (sim_us_t *self, const char *calendar_dir)
{
    eod_cal_t *cal = eod_cal_new (calendar_dir);
    if (!cal) {
        eod_log_error ("us: cannot load the calendars in %s", calendar_dir);
        return -1;
    }
    self->first_day = sim_days_from_ymd (SIM_US_FIRST_YMD);
    self->ndays = sim_days_from_ymd (SIM_US_LAST_YMD) - self->first_day + 1;
    self->session = calloc ((size_t) self->ndays, 1);
    int rc = -1;
    if (!self->session)
        goto out;
    for (int32_t i = 0; i < self->ndays; i++) {
        int ymd = sim_ymd_from_days (self->first_day + i);
        eod_date_t date = {ymd / 10000, ymd / 100 % 100, ymd % 100};
        self->session[i] = eod_cal_status (cal, EOD_MARKET_US, date) == EOD_CAL_OPEN;
    }
    rc = 0;
out:
    eod_cal_destroy (&cal);
    return rc;
}

static bool
s_is_session (const sim_us_t *self, int32_t days)
{
    int32_t i = days - self->first_day;
    return i >= 0 && i < self->ndays && self->session[i];
}

//  --- the .cod files -----------------------------------------------------------------

//  One record: 24 TAB-separated columns, UTF-8 here, CP949 once converted.
static void
s_cod_record (sim_buf_t *buf, const s_listing_t *l)
{
    int x = l->exchange;
    bool etf = l->type == 3;
    sim_buf_printf (buf, "US\t%s\t%s\t%s\t%s\t%s%s\t%s\t%s\t%d\tUSD\t4\t\t%.4f\t1\t1\t930\t1600\tN\t\t%d\t0\t0\t%s\t   \n",
                    s_exchanges[x].exid, s_exchanges[x].excd, s_exchanges[x].name, l->symbol,
                    s_exchanges[x].excd, l->symbol, l->korean, l->english, l->type, l->base,
                    etf ? 0 : l->icod, etf ? "001" : "   ");
}

//  UTF-8 to CP949 into a new buffer (caller frees). NULL on failure (logged).
static char *
s_to_cp949 (const char *text, size_t len, size_t *out_len)
{
    iconv_t cd = iconv_open ("CP949", "UTF-8");
    if (cd == (iconv_t) -1) {
        eod_log_error ("us: iconv UTF-8 to CP949 unavailable");
        return NULL;
    }
    size_t cap = len + 1;                    //  CP949 never needs more bytes than UTF-8
    char *out = malloc (cap);
    char *in = (char *) text, *o = out;
    size_t in_left = len, out_left = cap;
    if (out && iconv (cd, &in, &in_left, &o, &out_left) == (size_t) -1) {
        eod_log_error ("us: cannot convert to CP949 at byte %zu", len - in_left);
        free (out);
        out = NULL;
    }
    if (out)
        *out_len = cap - out_left;
    iconv_close (cd);
    return out;
}

static int
s_build_files (sim_us_t *self)
{
    for (int x = 0; x < SIM_US_EXCHANGES; x++) {
        sim_buf_t buf = {NULL, 0, 0, false};
        for (size_t i = 0; i < self->count; i++)
            if (self->listings[i].exchange == x)
                s_cod_record (&buf, &self->listings[i]);
        size_t len = 0, cp_len = 0;
        char *text = sim_buf_take (&buf, &len);
        char *cp949 = text ? s_to_cp949 (text, len, &cp_len) : NULL;
        int rc = cp949 ? sim_zip (s_exchanges[x].entry, cp949, cp_len, &self->zip[x], &self->zip_len[x]) : -1;
        free (text);
        free (cp949);
        if (rc)
            return -1;
    }
    return 0;
}

sim_us_t *
sim_us_new (uint64_t seed, const sim_wiki_t *wiki, const char *calendar_dir, int unknown_n)
{
    sim_us_t *self = calloc (1, sizeof *self);
    if (!self)
        goto fail;
    self->seed = seed;
    if (s_load_sessions (self, calendar_dir) || s_generate (self, wiki))
        goto fail;
    qsort (self->listings, self->count, sizeof *self->listings, s_listing_cmp);
    if (s_build_universe (self, wiki, unknown_n) || s_build_files (self))
        goto fail;
    eod_log_info ("us: %zu listings, universe %zu; zips nas %zu, nys %zu, ams %zu bytes",
                  self->count, self->nuniverse, self->zip_len[0], self->zip_len[1], self->zip_len[2]);
    return self;
fail:
    sim_us_destroy (&self);
    return NULL;
}

void
sim_us_destroy (sim_us_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sim_us_t *self = *self_p;
    free (self->session);
    free (self->listings);
    free (self->universe);
    for (int x = 0; x < SIM_US_EXCHANGES; x++)
        free (self->zip[x]);
    free (self);
    *self_p = NULL;
}

//  --- daily prices ------------------------------------------------------------------

typedef struct {
    int ymd;
    double open, high, low, close, prev_close;
    long long volume;
} s_bar_t;

typedef struct {
    s_bar_t ring[SIM_US_ROWS_MAX];           //  the last bars up to the end date
    size_t count, next;
} s_walk_t;

static double
s_gauss (uint64_t h)
{
    double u1 = sim_unit (sim_hash (h, 1, 0)), u2 = sim_unit (sim_hash (h, 2, 0));
    if (u1 < 1e-12)
        u1 = 1e-12;
    return sqrt (-2 * log (u1)) * cos (2 * M_PI * u2);
}

static double
s_cents (double price)
{
    double cents = round (price * 100.0) / 100.0;
    return cents < 0.01 ? 0.01 : cents;
}

//  Walks the listing's prices over every session from the walk's start
//  through end_days, keeping the last SIM_US_ROWS_MAX bars.
static void
s_walk (const sim_us_t *self, const s_listing_t *l, int32_t end_days, s_walk_t *walk)
{
    memset (walk, 0, sizeof *walk);
    uint64_t seed = sim_hash (self->seed, sim_hash_str (l->symbol), 0x0a1c);
    double x = 0, prev = l->base;
    for (int32_t d = sim_days_from_ymd (SIM_US_WALK_START_YMD); d <= end_days; d++) {
        if (!s_is_session (self, d))
            continue;
        uint64_t h = sim_hash (seed, (uint64_t) d, 0);
        x = SIM_US_WALK_REVERT * x + SIM_US_WALK_SIGMA * s_gauss (h);
        s_bar_t *bar = &walk->ring[walk->next];
        bar->ymd = sim_ymd_from_days (d);
        bar->prev_close = prev;
        bar->close = s_cents (l->base * exp (x));
        bar->open = s_cents (prev * (1 + 0.008 * s_gauss (h ^ 3)));
        double top = fmax (bar->open, bar->close), bottom = fmin (bar->open, bar->close);
        bar->high = fmax (top, s_cents (top * (1 + 0.008 * fabs (s_gauss (h ^ 5)))));
        bar->low = fmin (bottom, s_cents (bottom * (1 - 0.008 * fabs (s_gauss (h ^ 7)))));
        double volume = l->volume * exp (0.5 * s_gauss (h ^ 11));
        bar->volume = volume < 1 ? 1 : llround (volume);
        prev = bar->close;
        walk->next = (walk->next + 1) % SIM_US_ROWS_MAX;
        if (walk->count < SIM_US_ROWS_MAX)
            walk->count++;
    }
}

//  The i-th most recent bar (0 = latest) or NULL.
static const s_bar_t *
s_walk_bar (const s_walk_t *walk, size_t i)
{
    if (i >= walk->count)
        return NULL;
    return &walk->ring[(walk->next + SIM_US_ROWS_MAX - 1 - i) % SIM_US_ROWS_MAX];
}

static void
s_set_price (json_t *obj, const char *key, double value)
{
    char text[48];
    snprintf (text, sizeof text, "%.4f", value);
    json_object_set_new (obj, key, json_string (text));
}

static void
s_set_count (json_t *obj, const char *key, long long value)
{
    char text[32];
    snprintf (text, sizeof text, "%lld", value);
    json_object_set_new (obj, key, json_string (text));
}

static json_t *
s_row (const s_bar_t *bar, uint64_t h)
{
    json_t *row = json_object ();
    char date[16];
    snprintf (date, sizeof date, "%08d", bar->ymd);
    double diff = round ((bar->close - bar->prev_close) * 100.0) / 100.0;
    char rate[32];
    snprintf (rate, sizeof rate, "%.2f", bar->prev_close > 0 ? diff * 100.0 / bar->prev_close : 0.0);
    json_object_set_new (row, "xymd", json_string (date));
    s_set_price (row, "clos", bar->close);
    json_object_set_new (row, "sign", json_string (diff > 0 ? "2" : diff < 0 ? "5" : "3"));
    s_set_price (row, "diff", fabs (diff) < 0.005 ? 0.0 : diff);
    json_object_set_new (row, "rate", json_string (strcmp (rate, "-0.00") == 0 ? "0.00" : rate));
    s_set_price (row, "open", bar->open);
    s_set_price (row, "high", bar->high);
    s_set_price (row, "low", bar->low);
    s_set_count (row, "tvol", bar->volume);
    s_set_count (row, "tamt", llround ((double) bar->volume * (bar->open + bar->high + bar->low + bar->close) / 4.0));
    s_set_price (row, "pbid", bar->close);
    s_set_count (row, "vbid", (long long) (h % 900) + 1);
    s_set_price (row, "pask", bar->close + 0.01);
    s_set_count (row, "vask", (long long) ((h >> 16) % 900) + 1);
    return row;
}

static void
s_daily_error (sim_response_t *resp, const char *what)
{
    char msg[128];
    snprintf (msg, sizeof msg, "ERROR INPUT FIELD %s", what);
    sim_respond_kis_error (resp, MHD_HTTP_OK, "OPSQ2001", msg);
}

static bool
s_known_excd (const char *excd)
{
    static const char *codes[] = {"NYS", "NAS", "AMS", "HKS", "TSE", "SHS", "SZS", "SHI", "SZI",
                                  "HSX", "HNX", "BAY", "BAQ", "BAA", NULL};
    for (size_t i = 0; codes[i]; i++)
        if (strcmp (codes[i], excd) == 0)
            return true;
    return false;
}

//  Today's date in New York on the sim's clock, as yyyymmdd.
static int
s_today_new_york (void)
{
    eod_date_t today;
    eod_tz_local (EOD_TZ_NEW_YORK, (time_t) sim_clock_now (), &today, NULL);
    return today.y * 10000 + today.m * 100 + today.d;
}

void
sim_us_daily (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    const char *excd = sim_request_arg (req, "EXCD");
    const char *symb = sim_request_arg (req, "SYMB");
    const char *gubn = sim_request_arg (req, "GUBN");
    const char *bymd = sim_request_arg (req, "BYMD");
    const char *modp = sim_request_arg (req, "MODP");
    int end = 0;
    if (!excd || !s_known_excd (excd)) {
        s_daily_error (resp, "EXCD");
        return;
    }
    if (!symb || !*symb || strlen (symb) >= SIM_US_SYMBOL_MAX) {
        s_daily_error (resp, "SYMB");
        return;
    }
    if (!gubn || strcmp (gubn, "0") != 0) {
        s_daily_error (resp, "GUBN");
        return;
    }
    if (!bymd || !*bymd)
        end = s_today_new_york ();
    else if (sim_parse_ymd (bymd, &end)) {
        s_daily_error (resp, "BYMD");
        return;
    }
    if (!modp || (strcmp (modp, "0") != 0 && strcmp (modp, "1") != 0)) {
        s_daily_error (resp, "MODP");
        return;
    }
    const sim_us_t *us = self->us;
    const s_listing_t *listing = s_find (us, symb);
    char rsym[64];
    snprintf (rsym, sizeof rsym, "D%s%s", excd, symb);
    json_t *json = json_object ();
    json_t *output1 = json_object ();
    json_t *rows = json_array ();
    json_object_set_new (output1, "rsym", json_string (rsym));
    if (!listing || listing->unknown || strcmp (s_exchanges[listing->exchange].excd, excd) != 0) {
        json_object_set_new (output1, "zdiv", json_string ("0"));
        json_object_set_new (output1, "nrec", json_string (""));
    }
    else {
        int today = s_today_new_york ();
        if (!self->config->no_future_check && end > today)
            end = today;
        s_walk_t walk;
        s_walk (us, listing, sim_days_from_ymd (end), &walk);
        uint64_t h = sim_hash (us->seed, sim_hash_str (listing->symbol), 0xb1d);
        for (size_t i = 0; i < walk.count; i++) {
            const s_bar_t *bar = s_walk_bar (&walk, i);
            json_array_append_new (rows, s_row (bar, sim_hash (h, (uint64_t) bar->ymd, 0)));
        }
        json_object_set_new (output1, "zdiv", json_string ("4"));
        s_set_count (output1, "nrec", (long long) walk.count);
    }
    json_object_set_new (json, "output1", output1);
    json_object_set_new (json, "output2", rows);
    json_object_set_new (json, "rt_cd", json_string ("0"));
    json_object_set_new (json, "msg_cd", json_string ("MCA00000"));
    json_object_set_new (json, "msg1", json_string (SIM_US_MSG_OK));
    sim_respond_json (resp, MHD_HTTP_OK, json);
    json_decref (json);
}

//  --- master files and the universe ---------------------------------------------------

void
sim_us_master (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_stats_request (self, "master", "-");
    const char *name = strrchr (req->url, '/');
    int x = -1;
    for (int i = 0; name && i < SIM_US_EXCHANGES; i++) {
        char file[32];
        snprintf (file, sizeof file, "/%s.zip", s_exchanges[i].file);
        if (strcmp (name, file) == 0)
            x = i;
    }
    if (x < 0) {
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
    const sim_us_t *us = self->us;
    free (resp->body);
    resp->body = malloc (us->zip_len[x] + 1);
    if (!resp->body) {
        sim_respond_text (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n");
        return;
    }
    memcpy (resp->body, us->zip[x], us->zip_len[x]);
    resp->body[us->zip_len[x]] = '\0';
    resp->body_len = us->zip_len[x];
    resp->status = MHD_HTTP_OK;
    resp->content_type = "application/zip";
}

void
sim_us_universe (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    json_t *symbols = json_array (), *absent = json_array (), *unknown = json_array ();
    const sim_us_t *us = self->us;
    for (size_t i = 0; i < us->nuniverse; i++) {
        const char *symbol = us->universe[i].symbol;
        json_array_append_new (symbols, json_string (symbol));
        const s_listing_t *listing = s_find (us, symbol);
        if (!listing)
            json_array_append_new (absent, json_string (symbol));
        else if (listing->unknown)
            json_array_append_new (unknown, json_string (symbol));
    }
    json_t *json = json_pack ("{s:o, s:o, s:o}", "symbols", symbols, "absent", absent,
                              "unknown", unknown);
    sim_respond_json (resp, MHD_HTTP_OK, json);
    json_decref (json);
}
