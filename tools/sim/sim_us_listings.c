/*  sim_us_listings — the listings of the US .cod files and the US universe,
    generated at start. See sim_us_listings.h. */
#include "sim_us_listings.h"

#include "eod_log.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_US_SET_BITS 14   //  symbol hash set: 16384 slots

//  config/us_extra_tickers.txt, with where KIS lists each (NYSE Arca ETFs
//  appear under AMS) and whether it is an ETF.
static const struct {
    const char *symbol;
    int exchange;
    bool etf;
    const char *name;
    const char *korean;
} s_extras[] = {{"DIA", SIM_US_AMS, true, "SPDR Dow Jones Industrial Average ETF Trust", "SPDR 다우존스 산업평균 ETF"},
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
                {"KMLM", SIM_US_AMS, true, "KFA Mount Lucas Managed Futures Index Strategy ETF",
                 "KFA 마운트 루카스 매니지드 퓨처스 ETF"},
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
                {NULL, 0, false, NULL, NULL}};

//  Words of generated listings, with their Korean spelling.
static const char *s_words[][2] = {{"Apex", "에이펙스"},
                                   {"Blue Ridge", "블루 릿지"},
                                   {"Cedar", "시더"},
                                   {"Summit", "서밋"},
                                   {"Harbor", "하버"},
                                   {"Northfield", "노스필드"},
                                   {"Silverline", "실버라인"},
                                   {"Granite", "그래닛"},
                                   {"Pioneer", "파이오니어"},
                                   {"Liberty", "리버티"},
                                   {"Meridian", "메리디안"},
                                   {"Crescent", "크레센트"},
                                   {"Evergreen", "에버그린"},
                                   {"Atlas", "아틀라스"},
                                   {"Horizon", "호라이즌"},
                                   {"Keystone", "키스톤"},
                                   {"Lakeshore", "레이크쇼어"},
                                   {"Redwood", "레드우드"},
                                   {"Sterling", "스털링"},
                                   {"Vertex", "버텍스"},
                                   {"Beacon", "비컨"},
                                   {"Cobalt", "코발트"},
                                   {"Falcon", "팰컨"},
                                   {"Orion", "오리온"},
                                   {"Pinnacle", "피너클"},
                                   {"Quantum", "퀀텀"},
                                   {"Riverside", "리버사이드"},
                                   {"Sierra", "시에라"},
                                   {"Trident", "트라이던트"},
                                   {"Union", "유니온"},
                                   {"Vanguard", "뱅가드"},
                                   {"Westbrook", "웨스트브룩"},
                                   {"Zenith", "제니스"},
                                   {"Anchor", "앵커"},
                                   {"Bright", "브라이트"},
                                   {"Clearwater", "클리어워터"},
                                   {"Delta", "델타"},
                                   {"Eagle", "이글"},
                                   {"Frontier", "프론티어"},
                                   {"Golden", "골든"},
                                   {"Highland", "하이랜드"},
                                   {"Ironwood", "아이언우드"},
                                   {"Juniper", "주니퍼"},
                                   {"Kingsway", "킹스웨이"},
                                   {"Lumen", "루멘"},
                                   {"Monarch", "모나크"},
                                   {"Nova", "노바"},
                                   {"Oakmont", "오크몬트"},
                                   {NULL, NULL}};

static const char *s_kinds[][2] = {{"Therapeutics Inc", "테라퓨틱스"},
                                   {"Holdings Inc", "홀딩스"},
                                   {"Bancorp Inc", "뱅코프"},
                                   {"Technologies Inc", "테크놀로지스"},
                                   {"Energy Corp", "에너지"},
                                   {"Pharmaceuticals Inc", "파마슈티컬스"},
                                   {"Systems Inc", "시스템즈"},
                                   {"Capital Corp", "캐피탈"},
                                   {"Realty Trust", "리얼티 트러스트"},
                                   {"Biosciences Inc", "바이오사이언스"},
                                   {"Networks Inc", "네트웍스"},
                                   {"Brands Inc", "브랜즈"},
                                   {"Resources Corp", "리소시스"},
                                   {"Financial Corp", "파이낸셜"},
                                   {"Industries Inc", "인더스트리즈"},
                                   {"Acquisition Corp", "애퀴지션"},
                                   {"Minerals Ltd", "미네랄스"},
                                   {"Medical Inc", "메디컬"},
                                   {NULL, NULL}};

static const char *s_etf_themes[][2] = {{"Dividend Growth ETF", "배당성장 ETF"},
                                        {"Small Cap Value ETF", "소형가치주 ETF"},
                                        {"Treasury Bond ETF", "국채 ETF"},
                                        {"Clean Energy ETF", "클린에너지 ETF"},
                                        {"Semiconductor ETF", "반도체 ETF"},
                                        {"Emerging Markets ETF", "신흥국 ETF"},
                                        {"Gold Miners ETF", "금광 ETF"},
                                        {"Covered Call ETF", "커버드콜 ETF"},
                                        {"2x Leveraged ETF", "2배 레버리지 ETF"},
                                        {"Short ETF", "인버스 ETF"},
                                        {NULL, NULL}};

//  GICS sector to the industry code (icod) of the .cod files.
static const struct {
    const char *sector;
    int icod;
} s_icods[] = {{"Information Technology", 730},
               {"Health Care", 510},
               {"Financials", 410},
               {"Consumer Discretionary", 310},
               {"Consumer Staples", 320},
               {"Industrials", 210},
               {"Energy", 110},
               {"Materials", 150},
               {"Utilities", 610},
               {"Real Estate", 450},
               {"Communication Services", 810},
               {NULL, 0}};

//  --- generation helpers ---------------------------------------------------------

static size_t
s_pick (sim_stream_t *rng, size_t n)
{
    size_t i = (size_t) (sim_stream_uniform (rng) * (double) n);
    return i < n ? i : n - 1;
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
s_set_find (const s_set_t *set, const sim_us_listing_t *listings, const char *symbol)
{
    size_t mask = ((size_t) 1 << SIM_US_SET_BITS) - 1;
    size_t i = (size_t) sim_hash_str (symbol) & mask;
    while (set->slot[i] >= 0 && strcmp (listings[set->slot[i]].symbol, symbol) != 0)
        i = (i + 1) & mask;
    return i;
}

//  A new listing, or NULL when the symbol is taken or memory ran out.
static sim_us_listing_t *
s_add (sim_us_list_t *list, s_set_t *set, const char *symbol, int exchange)
{
    if (list->count + 1 >= ((size_t) 1 << SIM_US_SET_BITS) * 3 / 4)
        return NULL;   //  keep the set's probes short
    size_t slot = s_set_find (set, list->items, symbol);
    if (set->slot[slot] >= 0)
        return NULL;
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 1024;
        sim_us_listing_t *grown = realloc (list->items, cap * sizeof *grown);
        if (!grown)
            return NULL;
        list->items = grown;
        list->cap = cap;
    }
    sim_us_listing_t *listing = &list->items[list->count];
    memset (listing, 0, sizeof *listing);
    snprintf (listing->symbol, sizeof listing->symbol, "%s", symbol);
    listing->exchange = exchange;
    listing->type = 2;
    set->slot[slot] = (long) list->count++;
    return listing;
}

//  Price anchor and volume of a listing, fixed per (seed, symbol).
static void
s_fill_market (uint64_t seed, sim_us_listing_t *listing, double lo, double hi)
{
    uint64_t h = sim_hash (seed, sim_hash_str (listing->symbol), 0x05a);
    listing->base = round (sim_log_uniform (sim_unit (h), lo, hi) * 100.0) / 100.0;
    listing->volume = sim_log_uniform (sim_unit (sim_hash (h, 1, 0)), 2e4, 3e7);
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
s_filler_symbol (sim_stream_t *rng, int exchange, char *out, size_t size)
{
    static const size_t nas_len[] = {3, 4, 4, 4, 4, 4, 4, 5};
    static const size_t nys_len[] = {2, 2, 3, 3, 3, 3, 3, 4};
    size_t len = exchange == SIM_US_NAS   ? nas_len[s_pick (rng, 8)]
                 : exchange == SIM_US_NYS ? nys_len[s_pick (rng, 8)]
                                          : 3 + s_pick (rng, 2);
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < size; i++)
        out[o++] = (char) ('A' + s_pick (rng, 26));
    out[o] = '\0';
    //  A few NYSE class shares, written the KIS way.
    if (exchange == SIM_US_NYS && sim_stream_uniform (rng) < 0.02 && o + 3 < size) {
        out[o++] = '/';
        out[o++] = sim_stream_uniform (rng) < 0.5 ? 'A' : 'B';
        out[o] = '\0';
    }
}

int
sim_us_listings_generate (sim_us_list_t *list, uint64_t seed, const sim_wiki_t *wiki)
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
        sim_us_listing_t *listing = s_add (list, set, symbol, exchange);
        if (!listing)
            goto out;
        s_english (m->name, listing->english, sizeof listing->english);
        snprintf (listing->korean, sizeof listing->korean, "%s", *m->korean ? m->korean : listing->english);
        listing->icod = s_icod (m->sector);
        s_fill_market (seed, listing, 15, 900);
        per_exchange[exchange]++;
    }
    for (size_t i = 0; s_extras[i].symbol; i++) {
        size_t slot = s_set_find (set, list->items, s_extras[i].symbol);
        if (set->slot[slot] >= 0)
            continue;   //  an index member already (SMCI, PLTR)
        sim_us_listing_t *listing = s_add (list, set, s_extras[i].symbol, s_extras[i].exchange);
        if (!listing)
            goto out;
        snprintf (listing->korean, sizeof listing->korean, "%s", s_extras[i].korean);
        s_english (s_extras[i].name, listing->english, sizeof listing->english);
        listing->type = s_extras[i].etf ? 3 : 2;
        s_fill_market (seed, listing, s_extras[i].etf ? 20 : 10, s_extras[i].etf ? 600 : 200);
        per_exchange[s_extras[i].exchange]++;
    }

    //  Filler listings up to each file's size; AMS is mostly ETFs, as on KIS.
    sim_stream_t rng = {sim_hash (seed, 0xf111e5, 0)};
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
        while (per_exchange[x] < sim_us_exchanges[x].target) {
            if (++tries > sim_us_exchanges[x].target * 20) {
                eod_log_error ("us: cannot find free symbols for %s", sim_us_exchanges[x].excd);
                goto out;
            }
            s_filler_symbol (&rng, x, symbol, sizeof symbol);
            size_t slot = s_set_find (set, list->items, symbol);
            if (set->slot[slot] >= 0)
                continue;
            sim_us_listing_t *listing = s_add (list, set, symbol, x);
            if (!listing)
                goto out;
            size_t w = s_pick (&rng, nwords);
            char name[SIM_US_NAME_MAX];
            if (sim_stream_uniform (&rng) < etf_share) {
                size_t t = s_pick (&rng, nthemes);
                snprintf (name, sizeof name, "%s %s", s_words[w][0], s_etf_themes[t][0]);
                snprintf (listing->korean, sizeof listing->korean, "%s %s", s_words[w][1], s_etf_themes[t][1]);
                listing->type = 3;
                s_fill_market (seed, listing, 10, 300);
            }
            else {
                size_t k = s_pick (&rng, nkinds);
                snprintf (name, sizeof name, "%s %s", s_words[w][0], s_kinds[k][0]);
                snprintf (listing->korean, sizeof listing->korean, "%s %s", s_words[w][1], s_kinds[k][1]);
                listing->icod = s_icods[s_pick (&rng, 11)].icod;
                s_fill_market (seed, listing, 1, 250);
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
s_member_cmp (const void *a, const void *b)
{
    return strcmp (((const sim_us_member_t *) a)->symbol, ((const sim_us_member_t *) b)->symbol);
}

int
sim_us_universe_make (const sim_wiki_t *wiki, sim_us_member_t **out_p, size_t *count_p)
{
    size_t cap = sim_wiki_count (wiki) + sizeof s_extras / sizeof s_extras[0];
    sim_us_member_t *universe = calloc (cap, sizeof *universe);
    if (!universe)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < sim_wiki_count (wiki); i++) {
        const sim_wiki_member_t *m = sim_wiki_member (wiki, i);
        sim_us_member_t *u = &universe[n++];
        s_kis_symbol (m->symbol, u->symbol, sizeof u->symbol);
        u->absent = m->absent;
    }
    for (size_t i = 0; s_extras[i].symbol; i++)
        snprintf (universe[n++].symbol, SIM_US_SYMBOL_MAX, "%s", s_extras[i].symbol);
    qsort (universe, n, sizeof *universe, s_member_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (kept == 0 || strcmp (universe[kept - 1].symbol, universe[i].symbol) != 0)
            universe[kept++] = universe[i];
    *out_p = universe;
    *count_p = kept;
    return 0;
}
