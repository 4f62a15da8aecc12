/*  sim_wiki_pages — the three index articles of the Wikipedia double.

    Rendered once at start from the member list, shaped like the real
    articles where it matters to a parser: an infobox and other wikitables
    before the constituents table (one of them with a Symbol column but no
    company column, so "the first table with a Symbol column" is the wrong
    one), header cells built from links, cells holding links, footnote
    markers, &nbsp; and raw U+00A0, entities (AT&amp;T), class shares written
    BRK.B, row-header cells (<th scope="row">) on the Dow page, and a
    "changes" table after the constituents whose two-row header repeats the
    Symbol/Ticker columns and whose rows name former members. The details
    that vary per member (headquarters, CIK, dates) come from SIM_WIKI_SEED,
    never from --seed. */
#include "sim_wiki.h"
#include "sim_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SIM_WIKI_FOOTNOTE_EVERY 37   //  a footnote marker on every 37th name cell
#define SIM_WIKI_NBSP_EVERY 11       //  a raw U+00A0 in every 11th HQ cell
#define SIM_WIKI_CHANGE_CELLS 6      //  cells of a "changes" row at most

static const char *s_cities[] = {"New York City, New York",
                                 "Chicago, Illinois",
                                 "Houston, Texas",
                                 "Dallas, Texas",
                                 "Atlanta, Georgia",
                                 "Boston, Massachusetts",
                                 "San Jose, California",
                                 "Santa Clara, California",
                                 "San Francisco, California",
                                 "Seattle, Washington",
                                 "Charlotte, North Carolina",
                                 "Minneapolis, Minnesota",
                                 "Saint Paul, Minnesota",
                                 "Cincinnati, Ohio",
                                 "Cleveland, Ohio",
                                 "Pittsburgh, Pennsylvania",
                                 "Philadelphia, Pennsylvania",
                                 "Denver, Colorado",
                                 "Phoenix, Arizona",
                                 "Miami, Florida",
                                 "St. Louis, Missouri",
                                 "Milwaukee, Wisconsin",
                                 "Detroit, Michigan",
                                 "Indianapolis, Indiana",
                                 "Nashville, Tennessee",
                                 "Richmond, Virginia",
                                 "Arlington, Virginia",
                                 "Columbus, Ohio",
                                 "Irving, Texas",
                                 "Austin, Texas",
                                 "Stamford, Connecticut",
                                 "Newark, New Jersey",
                                 "Dublin, Ireland",
                                 "London, United Kingdom",
                                 "Zug, Switzerland",
                                 "Los Angeles, California",
                                 "San Diego, California",
                                 "Omaha, Nebraska",
                                 "Deerfield, Illinois",
                                 "Kenilworth, New Jersey",
                                 NULL};

//  Former members named in the "changes" tables: none is a constituent. Each
//  row holds its cells in the order the page shows them (date, added,
//  removed, the reason where the page gives one), NULL after the last.
static const char *const s_sp_changes[][SIM_WIKI_CHANGE_CELLS] = {
    {"2024-09-23", "PLTR", "Palantir Technologies", "AAL", "American Airlines Group", "Market capitalization change."},
    {"2024-09-23", "DELL", "Dell Technologies", "ETSY", "Etsy", "Market capitalization change."},
    {"2024-09-23", "ERIE", "Erie Indemnity", "BIO", "Bio-Rad Laboratories", "Market capitalization change."},
    {"2024-06-24", "KKR", "KKR &amp; Co.", "RHI", "Robert Half", "Market capitalization change."},
    {"2024-06-24", "CRWD", "CrowdStrike", "CMA", "Comerica", "Market capitalization change."},
    {"2024-06-24", "GDDY", "GoDaddy", "ILMN", "Illumina", "Market capitalization change."},
    {"2024-05-08", "VST", "Vistra Corp.", "PXD", "Pioneer Natural Resources",
     "S&amp;P 500 constituent ExxonMobil acquired Pioneer Natural Resources."},
    {"2024-04-03", "SOLV", "Solventum", "XRAY", "Dentsply Sirona", "S&amp;P 500 constituent 3M spun off Solventum."},
    {"2024-04-02", "GEV", "GE Vernova", "WHR", "Whirlpool Corporation",
     "S&amp;P 500 constituent General Electric spun off GE Vernova."},
    {"2024-03-18", "SMCI", "Supermicro", "ZION", "Zions Bancorporation", "Market capitalization change."},
    {"2023-12-18", "BLDR", "Builders FirstSource", "SEDG", "SolarEdge", "Market capitalization change."},
    {"2023-10-18", "HUBB", "Hubbell Incorporated", "DXC", "DXC Technology", "Market capitalization change."},
    {NULL, NULL, NULL, NULL, NULL, NULL}};

static const char *const s_ndx_changes[][SIM_WIKI_CHANGE_CELLS] = {
    {"2024-07-22", "Supermicro", "SMCI", "Walgreens Boots Alliance", "WBA"},
    {"2024-06-24", "Arm Holdings", "ARM", "Sirius XM", "SIRI"},
    {"2023-12-18", "CDW Corporation", "CDW", "Align Technology", "ALGN"},
    {"2023-12-18", "Coca-Cola Europacific Partners", "CCEP", "eBay", "EBAY"},
    {"2023-12-18", "DoorDash", "DASH", "Enphase Energy", "ENPH"},
    {"2023-12-18", "MongoDB", "MDB", "JD.com", "JD"},
    {"2023-12-18", "Roper Technologies", "ROP", "Lucid Motors", "LCID"},
    {"2023-12-18", "Splunk", "SPLK", "Zoom Video Communications", "ZM"},
    {"2023-07-17", "GE HealthCare", "GEHC", "Activision Blizzard", "ATVI"},
    {NULL, NULL, NULL, NULL, NULL}};

static const char *const s_dow_changes[][SIM_WIKI_CHANGE_CELLS] = {
    {"2024-11-08", "Nvidia", "NVDA", "Intel", "INTC", "Semiconductor industry representation."},
    {"2024-11-08", "Sherwin-Williams", "SHW", "Dow Inc.", "DOW", "Materials sector representation."},
    {"2024-02-26", "Amazon", "AMZN", "Walgreens Boots Alliance", "WBA", "Consumer retail representation."},
    {"2020-08-31", "Salesforce", "CRM", "ExxonMobil", "XOM",
     "Apple's 4-for-1 stock split reduced technology weighting."},
    {"2020-08-31", "Amgen", "AMGN", "Pfizer", "PFE", "Apple's 4-for-1 stock split reduced technology weighting."},
    {"2020-08-31", "Honeywell", "HON", "Raytheon Technologies", "RTX",
     "Apple's 4-for-1 stock split reduced technology weighting."},
    {"2019-04-02", "Dow Inc.", "DOW", "DowDuPont", "DWDP", "Spin-off of Dow Inc."},
    {"2018-06-26", "Walgreens Boots Alliance", "WBA", "General Electric", "GE",
     "Weighting of General Electric had fallen below 0.3%."},
    {NULL, NULL, NULL, NULL, NULL, NULL}};

//  --- page pieces -------------------------------------------------------------------

static void
s_page_head (sim_buf_t *buf, const char *title)
{
    sim_buf_printf (
        buf,
        "<!DOCTYPE html>\n<html class=\"client-nojs\" lang=\"en\" dir=\"ltr\">\n<head>\n"
        "<meta charset=\"UTF-8\">\n<title>%s - Wikipedia</title>\n"
        "<link rel=\"stylesheet\" href=\"/w/load.php?modules=site.styles\">\n</head>\n"
        "<body class=\"mediawiki ltr skin-vector-2022\">\n<div id=\"content\" class=\"mw-body\">\n"
        "<h1 id=\"firstHeading\" class=\"firstHeading mw-first-heading\"><span class=\"mw-page-title-main\">%s</span></h1>\n"
        "<div id=\"mw-content-text\" class=\"mw-body-content\"><div class=\"mw-content-ltr mw-parser-output\" lang=\"en\" dir=\"ltr\">\n",
        title, title);
}

static void
s_page_tail (sim_buf_t *buf, const char *navbox)
{
    sim_buf_printf (
        buf,
        "<div class=\"mw-heading mw-heading2\"><h2 id=\"References\">References</h2></div>\n"
        "<div class=\"reflist\"><ol class=\"references\">\n"
        "<li id=\"cite_note-1\"><span class=\"mw-cite-backlink\"><b><a href=\"#cite_ref-1\">^</a></b></span> "
        "<span class=\"reference-text\">&quot;Index methodology&quot;. Retrieved 2024-09-20.</span></li>\n"
        "<li id=\"cite_note-2\"><span class=\"reference-text\">Class shares are listed separately.</span></li>\n"
        "</ol></div>\n"
        "<div role=\"navigation\" class=\"navbox\"><table class=\"nowraplinks navbox-inner\"><tbody>\n"
        "<tr><th scope=\"col\" class=\"navbox-title\" colspan=\"2\">%s</th></tr>\n"
        "<tr><th scope=\"row\" class=\"navbox-group\">Symbol</th><td class=\"navbox-list\">"
        "<a href=\"/wiki/Ticker_symbol\">Ticker symbol</a> &#8226; <a href=\"/wiki/Stock_market_index\">Index</a></td></tr>\n"
        "</tbody></table></div>\n</div></div></div>\n</body>\n</html>\n",
        navbox);
}

static void
s_footnote (sim_buf_t *buf, int n)
{
    sim_buf_printf (buf,
                    "<sup id=\"cite_ref-%d\" class=\"reference\"><a href=\"#cite_note-%d\">"
                    "<span class=\"cite-bracket\">&#91;</span>%d<span class=\"cite-bracket\">&#93;</span></a></sup>",
                    n, n, n);
}

//  A link to the article of a name (spaces become underscores).
static void
s_wikilink (sim_buf_t *buf, const char *name)
{
    sim_buf_printf (buf, "<a href=\"/wiki/");
    for (const char *p = name; *p; p++) {
        if (*p == ' ')
            sim_buf_printf (buf, "_");
        else if (*p == '&')
            sim_buf_printf (buf, "%%26");
        else if (*p == '"')
            sim_buf_printf (buf, "%%22");
        else
            sim_buf_printf (buf, "%c", *p);
    }
    sim_buf_printf (buf, "\" title=\"");
    sim_buf_html (buf, name);
    sim_buf_printf (buf, "\">");
    sim_buf_html (buf, name);
    sim_buf_printf (buf, "</a>");
}

static void
s_quote_link (sim_buf_t *buf, const sim_wiki_member_t *member)
{
    if (member->nasdaq) {
        sim_buf_printf (buf, "<a rel=\"nofollow\" class=\"external text\" "
                             "href=\"https://www.nasdaq.com/market-activity/stocks/");
        for (const char *p = member->symbol; *p; p++)
            sim_buf_printf (buf, "%c", *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    }
    else
        sim_buf_printf (buf,
                        "<a rel=\"nofollow\" class=\"external text\" "
                        "href=\"https://www.nyse.com/quote/XNYS:%s",
                        member->symbol);
    sim_buf_printf (buf, "\">%s</a>", member->symbol);
}

static uint64_t
s_detail (const sim_wiki_member_t *member, uint64_t what)
{
    return sim_hash (SIM_WIKI_SEED, sim_hash_str (member->symbol), what);
}

//  A date between 1957-03-04 and 2024-06-24 fixed per symbol.
static void
s_date_added (const sim_wiki_member_t *member, char *out, size_t size)
{
    int32_t first = sim_days_from_ymd (19570304), last = sim_days_from_ymd (20240624);
    int32_t days = first + (int32_t) (s_detail (member, 2) % (uint64_t) (last - first));
    int ymd = sim_ymd_from_days (days);
    snprintf (out, size, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

static int
s_name_cmp (const void *a, const void *b)
{
    const sim_wiki_member_t *x = *(const sim_wiki_member_t *const *) a;
    const sim_wiki_member_t *y = *(const sim_wiki_member_t *const *) b;
    return strcasecmp (x->name, y->name);
}

//  The members of one index, in name order (caller frees), or NULL.
static const sim_wiki_member_t **
s_by_name (const sim_wiki_t *self, int index, size_t *count)
{
    size_t members = sim_wiki_count (self);
    const sim_wiki_member_t **list = calloc (members, sizeof *list);
    *count = 0;
    if (!list)
        return NULL;
    for (size_t i = 0; i < members; i++) {
        const sim_wiki_member_t *m = sim_wiki_member (self, i);
        if ((index == SIM_WIKI_NDX && m->ndx) || (index == SIM_WIKI_DOW && m->dow))
            list[(*count)++] = m;
    }
    qsort (list, *count, sizeof *list, s_name_cmp);
    return list;
}

//  The rows of a "changes" table, then its end.
static void
s_change_rows (sim_buf_t *buf, const char *const rows[][SIM_WIKI_CHANGE_CELLS])
{
    for (size_t i = 0; rows[i][0]; i++) {
        sim_buf_printf (buf, "<tr>");
        for (size_t c = 0; c < SIM_WIKI_CHANGE_CELLS && rows[i][c]; c++)
            sim_buf_printf (buf, "\n<td>%s</td>", rows[i][c]);
        sim_buf_printf (buf, "</tr>\n");
    }
    sim_buf_printf (buf, "</tbody></table>\n");
}

//  --- the three articles ---------------------------------------------------------------

static void
s_page_sp500 (const sim_wiki_t *self, sim_buf_t *buf)
{
    size_t count = 0;
    for (size_t i = 0; i < sim_wiki_count (self); i++)
        count += sim_wiki_member (self, i)->sp500;
    s_page_head (buf, "List of S&amp;P 500 companies");
    sim_buf_printf (
        buf,
        "<table class=\"infobox\"><tbody>\n"
        "<tr><th colspan=\"2\" class=\"infobox-above\">S&amp;P 500</th></tr>\n"
        "<tr><th scope=\"row\" class=\"infobox-label\">Foundation</th><td class=\"infobox-data\">March 4, 1957</td></tr>\n"
        "<tr><th scope=\"row\" class=\"infobox-label\">Operator</th><td class=\"infobox-data\"><a href=\"/wiki/S%%26P_Dow_Jones_Indices\">S&amp;P Dow Jones Indices</a></td></tr>\n"
        "<tr><th scope=\"row\" class=\"infobox-label\">Constituents</th><td class=\"infobox-data\">%zu</td></tr>\n"
        "<tr><th scope=\"row\" class=\"infobox-label\">Type</th><td class=\"infobox-data\">Large-cap</td></tr>\n"
        "</tbody></table>\n"
        "<p>The <b>S&amp;P 500</b> is a <a href=\"/wiki/Stock_market_index\">stock market index</a> "
        "tracking the stock performance of 500 of the largest companies listed on stock exchanges in the "
        "United States. It includes %zu securities because some companies have more than one share class."
        "<sup class=\"reference\"><a href=\"#cite_note-1\">[1]</a></sup></p>\n"
        "<div class=\"mw-heading mw-heading2\"><h2 id=\"Largest_components\">Largest components</h2></div>\n"
        "<table class=\"wikitable sortable\">\n<tbody><tr>\n<th>Rank</th>\n<th>Symbol</th>\n<th>Weight (%%)</th></tr>\n"
        "<tr><td>1</td><td>AAPL</td><td>7.1</td></tr>\n"
        "<tr><td>2</td><td>MSFT</td><td>6.6</td></tr>\n"
        "<tr><td>3</td><td>NVDA</td><td>6.1</td></tr>\n"
        "</tbody></table>\n"
        "<div class=\"mw-heading mw-heading2\"><h2 id=\"S&amp;P_500_component_stocks\">S&amp;P 500 component stocks</h2></div>\n"
        "<table class=\"wikitable sortable sticky-header\" id=\"constituents\">\n<tbody><tr>\n"
        "<th>Symbol</th>\n<th>Security</th>\n"
        "<th><a href=\"/wiki/Global_Industry_Classification_Standard\" title=\"Global Industry Classification Standard\">GICS</a> Sector</th>\n"
        "<th>GICS Sub-Industry</th>\n<th>Headquarters Location</th>\n<th>Date added</th>\n"
        "<th><a href=\"/wiki/Central_Index_Key\" title=\"Central Index Key\">CIK</a></th>\n<th>Founded</th>\n</tr>\n",
        count, count);
    size_t ncities = 0;
    while (s_cities[ncities])
        ncities++;
    size_t row = 0;
    for (size_t i = 0; i < sim_wiki_count (self); i++) {
        const sim_wiki_member_t *m = sim_wiki_member (self, i);
        if (!m->sp500)
            continue;
        row++;
        sim_buf_printf (buf, "<tr>\n<td>");
        s_quote_link (buf, m);
        if (strcmp (m->symbol, "GOOGL") == 0 || strcmp (m->symbol, "FOXA") == 0 || strcmp (m->symbol, "NWSA") == 0)
            s_footnote (buf, 2);
        if (strcmp (m->symbol, "BF.B") == 0)
            sim_buf_printf (buf, "&nbsp;");
        sim_buf_printf (buf, "</td>\n<td>");
        s_wikilink (buf, m->name);
        if (row % SIM_WIKI_FOOTNOTE_EVERY == 0)
            s_footnote (buf, (int) (row % 9) + 3);
        sim_buf_printf (buf, "</td>\n<td>%s</td>\n<td>", m->sector);
        sim_buf_html (buf, m->sub_industry);
        const char *city = s_cities[s_detail (m, 3) % ncities];
        sim_buf_printf (buf, "</td>\n<td>");
        if (row % SIM_WIKI_NBSP_EVERY == 0) {
            //  "City,<U+00A0>State" as some editors type it.
            const char *comma = strchr (city, ',');
            sim_buf_printf (buf, "<a href=\"/wiki/%.*s\">%.*s,\xc2\xa0%s</a>", (int) (comma - city), city,
                            (int) (comma - city), city, comma + 2);
        }
        else
            s_wikilink (buf, city);
        char added[16];
        s_date_added (m, added, sizeof added);
        int founded = 1850 + (int) (s_detail (m, 4) % 170);
        sim_buf_printf (buf, "</td>\n<td>%s</td>\n<td>%010llu</td>\n<td>", added,
                        (unsigned long long) (s_detail (m, 5) % 1900000 + 1800));
        if (row % 7 == 0)
            sim_buf_printf (buf, "%d&nbsp;(%d)", founded + 20, founded);
        else
            sim_buf_printf (buf, "%d", founded);
        sim_buf_printf (buf, "</td></tr>\n");
    }
    sim_buf_printf (
        buf,
        "</tbody></table>\n"
        "<div class=\"mw-heading mw-heading2\"><h2 id=\"Selected_changes_to_the_list_of_S&amp;P_500_components\">"
        "Selected changes to the list of S&amp;P 500 components</h2></div>\n"
        "<table class=\"wikitable sortable\" id=\"changes\">\n<tbody><tr>\n"
        "<th rowspan=\"2\">Effective Date</th>\n<th colspan=\"2\">Added</th>\n<th colspan=\"2\">Removed</th>\n"
        "<th rowspan=\"2\">Reason</th>\n</tr>\n<tr>\n<th>Symbol</th>\n<th>Security</th>\n<th>Symbol</th>\n<th>Security</th>\n</tr>\n");
    s_change_rows (buf, s_sp_changes);
    s_page_tail (buf, "S&amp;P 500");
}

static void
s_page_ndx (const sim_wiki_t *self, sim_buf_t *buf)
{
    size_t count = 0;
    const sim_wiki_member_t **list = s_by_name (self, SIM_WIKI_NDX, &count);
    if (!list) {
        buf->failed = true;
        return;
    }
    s_page_head (buf, "Nasdaq-100");
    sim_buf_printf (
        buf,
        "<table class=\"infobox\"><tbody>\n"
        "<tr><th colspan=\"2\" class=\"infobox-above\">Nasdaq-100</th></tr>\n"
        "<tr><th scope=\"row\" class=\"infobox-label\">Foundation</th><td class=\"infobox-data\">January&nbsp;31, 1985</td></tr>\n"
        "<tr><th scope=\"row\" class=\"infobox-label\">Operator</th><td class=\"infobox-data\"><a href=\"/wiki/Nasdaq,_Inc.\">Nasdaq, Inc.</a></td></tr>\n"
        "<tr><th scope=\"row\" class=\"infobox-label\">Exchanges</th><td class=\"infobox-data\"><a href=\"/wiki/Nasdaq\">Nasdaq</a></td></tr>\n"
        "<tr><th scope=\"row\" class=\"infobox-label\">Constituents</th><td class=\"infobox-data\">%zu</td></tr>\n"
        "</tbody></table>\n"
        "<p>The <b>Nasdaq-100</b> (^NDX) is a <a href=\"/wiki/Stock_market_index\">stock market index</a> "
        "made up of equity securities issued by 100 of the largest non-financial companies listed on the "
        "<a href=\"/wiki/Nasdaq\">Nasdaq</a> stock exchange.</p>\n"
        "<div class=\"mw-heading mw-heading2\"><h2 id=\"Yearly_returns\">Yearly returns</h2></div>\n"
        "<table class=\"wikitable\">\n<tbody><tr><th>Year</th><th>Closing level</th><th>Change in index<br>in points</th><th>Change in index<br>in %%</th></tr>\n"
        "<tr><td>2021</td><td>16,320.08</td><td>3,431.80</td><td>26.63</td></tr>\n"
        "<tr><td>2022</td><td>10,939.76</td><td>&#8722;5,380.32</td><td>&#8722;32.97</td></tr>\n"
        "<tr><td>2023</td><td>16,825.93</td><td>5,886.17</td><td>53.81</td></tr>\n"
        "</tbody></table>\n"
        "<div class=\"mw-heading mw-heading2\"><h2 id=\"Components\">Components</h2></div>\n"
        "<p>The index has %zu components because some companies have two share classes.</p>\n"
        "<table id=\"constituents\" class=\"wikitable sortable\" style=\"width:100%%\">\n<tbody><tr>\n"
        "<th>Company</th>\n<th>Ticker</th>\n"
        "<th><a href=\"/wiki/Global_Industry_Classification_Standard\" title=\"Global Industry Classification Standard\">GICS</a> Sector</th>\n"
        "<th><a href=\"/wiki/Global_Industry_Classification_Standard\" title=\"Global Industry Classification Standard\">GICS</a> Sub-Industry</th>\n</tr>\n",
        count, count);
    for (size_t i = 0; i < count; i++) {
        const sim_wiki_member_t *m = list[i];
        sim_buf_printf (buf, "<tr>\n<td>");
        s_wikilink (buf, m->name);
        if (i % 13 == 5)
            s_footnote (buf, (int) (i % 9) + 3);
        sim_buf_printf (buf, "</td>\n<td>%s</td>\n<td>%s</td>\n<td>", m->symbol, m->sector);
        sim_buf_html (buf, m->sub_industry);
        sim_buf_printf (buf, "\n</td></tr>\n");
    }
    sim_buf_printf (
        buf,
        "</tbody></table>\n"
        "<div class=\"mw-heading mw-heading2\"><h2 id=\"Changes_in_2023_and_2024\">Changes in 2023 and 2024</h2></div>\n"
        "<table class=\"wikitable\">\n<tbody><tr>\n<th rowspan=\"2\">Date</th>\n<th colspan=\"2\">Added</th>\n"
        "<th colspan=\"2\">Removed</th>\n</tr>\n<tr>\n<th>Company</th>\n<th>Ticker</th>\n<th>Company</th>\n<th>Ticker</th>\n</tr>\n");
    s_change_rows (buf, s_ndx_changes);
    s_page_tail (buf, "Nasdaq-100");
    free (list);
}

static void
s_page_dow (const sim_wiki_t *self, sim_buf_t *buf)
{
    size_t count = 0;
    const sim_wiki_member_t **list = s_by_name (self, SIM_WIKI_DOW, &count);
    if (!list) {
        buf->failed = true;
        return;
    }
    s_page_head (buf, "Dow Jones Industrial Average");
    sim_buf_printf (
        buf,
        "<table class=\"infobox\"><tbody>\n"
        "<tr><th colspan=\"2\" class=\"infobox-above\">Dow Jones Industrial Average</th></tr>\n"
        "<tr><th scope=\"row\" class=\"infobox-label\">Foundation</th><td class=\"infobox-data\">May&nbsp;26, 1896</td></tr>\n"
        "<tr><th scope=\"row\" class=\"infobox-label\">Operator</th><td class=\"infobox-data\"><a href=\"/wiki/S%%26P_Dow_Jones_Indices\">S&amp;P Dow Jones Indices</a></td></tr>\n"
        "<tr><th scope=\"row\" class=\"infobox-label\">Constituents</th><td class=\"infobox-data\">%zu</td></tr>\n"
        "<tr><th scope=\"row\" class=\"infobox-label\">Weighting method</th><td class=\"infobox-data\"><a href=\"/wiki/Price-weighted_index\">Price-weighted index</a></td></tr>\n"
        "</tbody></table>\n"
        "<p>The <b>Dow Jones Industrial Average</b> (<b>DJIA</b>) is a price-weighted stock market index of "
        "%zu prominent companies listed on stock exchanges in the United States.</p>\n"
        "<div class=\"mw-heading mw-heading2\"><h2 id=\"Milestones\">Milestones</h2></div>\n"
        "<table class=\"wikitable\">\n<tbody><tr><th>Milestone</th><th>Date</th><th>Close</th></tr>\n"
        "<tr><td>30,000</td><td>2020-11-24</td><td>30,046.24</td></tr>\n"
        "<tr><td>40,000</td><td>2024-05-17</td><td>40,003.59</td></tr>\n"
        "</tbody></table>\n"
        "<div class=\"mw-heading mw-heading2\"><h2 id=\"Components\">Components</h2></div>\n"
        "<table class=\"wikitable\">\n<caption>Heaviest components by weighting</caption>\n<tbody><tr><th>Rank</th><th>Symbol</th><th>Weight</th></tr>\n"
        "<tr><td>1</td><td>UNH</td><td>8.61%%</td></tr>\n"
        "<tr><td>2</td><td>GS</td><td>7.53%%</td></tr>\n"
        "</tbody></table>\n"
        "<table class=\"wikitable sortable\" id=\"constituents\" style=\"text-align:center; font-size:90%%\">\n<tbody><tr>\n"
        "<th scope=\"col\">Company</th>\n<th scope=\"col\">Exchange</th>\n<th scope=\"col\">Symbol</th>\n"
        "<th scope=\"col\">Industry</th>\n<th scope=\"col\">Date added</th>\n<th scope=\"col\">Notes</th>\n"
        "<th scope=\"col\">Index weighting</th>\n</tr>\n",
        count, count);
    for (size_t i = 0; i < count; i++) {
        const sim_wiki_member_t *m = list[i];
        char added[16];
        s_date_added (m, added, sizeof added);
        sim_buf_printf (buf, "<tr>\n<th scope=\"row\">");
        s_wikilink (buf, m->name);
        sim_buf_printf (buf, "</th>\n<td>%s</td>\n<td>",
                        m->nasdaq
                            ? "<a href=\"/wiki/Nasdaq\" title=\"Nasdaq\">Nasdaq</a>"
                            : "<a href=\"/wiki/New_York_Stock_Exchange\" title=\"New York Stock Exchange\">NYSE</a>");
        s_quote_link (buf, m);
        sim_buf_printf (buf, "</td>\n<td>%s</td>\n<td>%s", m->industry, added);
        if (i % 6 == 2)
            s_footnote (buf, (int) (i % 9) + 3);
        sim_buf_printf (buf, "</td>\n<td>%s</td>\n<td>%.2f%%</td></tr>\n",
                        i % 4 == 1 ? "Also a component of the&nbsp;S&amp;P 500" : "",
                        0.5 + (double) (s_detail (m, 6) % 800) / 100.0);
    }
    sim_buf_printf (
        buf, "</tbody></table>\n"
             "<div class=\"mw-heading mw-heading3\"><h3 id=\"Former_components\">Former components</h3></div>\n"
             "<table class=\"wikitable\">\n<tbody><tr>\n<th rowspan=\"2\">Date</th>\n<th colspan=\"2\">Added</th>\n"
             "<th colspan=\"2\">Removed</th>\n<th rowspan=\"2\">Reason</th>\n</tr>\n"
             "<tr>\n<th>Company</th>\n<th>Symbol</th>\n<th>Company</th>\n<th>Symbol</th>\n</tr>\n");
    s_change_rows (buf, s_dow_changes);
    s_page_tail (buf, "Dow Jones Industrial Average");
    free (list);
}

char *
sim_wiki_render (const sim_wiki_t *self, int page, size_t *len)
{
    sim_buf_t buf = {NULL, 0, 0, false};
    if (page == SIM_WIKI_SP500)
        s_page_sp500 (self, &buf);
    else if (page == SIM_WIKI_NDX)
        s_page_ndx (self, &buf);
    else
        s_page_dow (self, &buf);
    return sim_buf_take (&buf, len);
}
