/*  sim_wiki — the Wikipedia double: loads the index members (with their GICS
    sector, sub-industry and the Dow page's industry), renders the three
    articles once, and serves them. See sim_wiki.h. */
#include "sim_wiki.h"
#include "sim_stats.h"

#include "eod_log.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SIM_WIKI_FIELDS 7   //  symbol|name|sector|exchange|flags|korean|sub-industry

typedef struct {
    const char *code;
    const char *name;       //  GICS sector
    const char *industry;   //  the Dow page's plain-words industry
    const char *subs[20];   //  GICS sub-industries, NULL-terminated
} s_sector_t;

static const s_sector_t s_sectors[] = {
    {"IT",
     "Information Technology",
     "Information technology",
     {"Semiconductors", "Application Software", "Systems Software", "Technology Hardware, Storage & Peripherals",
      "Communications Equipment", "IT Consulting & Other Services", "Semiconductor Materials & Equipment",
      "Electronic Components", "Electronic Equipment & Instruments", "Electronic Manufacturing Services",
      "Internet Services & Infrastructure", NULL}},
    {"HC",
     "Health Care",
     "Pharmaceutical industry",
     {"Pharmaceuticals", "Biotechnology", "Health Care Equipment", "Managed Health Care",
      "Life Sciences Tools & Services", "Health Care Services", "Health Care Distributors", "Health Care Supplies",
      "Health Care Facilities", NULL}},
    {"FN",
     "Financials",
     "Financial services",
     {"Diversified Banks", "Regional Banks", "Asset Management & Custody Banks", "Investment Banking & Brokerage",
      "Property & Casualty Insurance", "Life & Health Insurance", "Insurance Brokers", "Financial Exchanges & Data",
      "Transaction & Payment Processing Services", "Consumer Finance", "Multi-line Insurance", "Reinsurance", NULL}},
    {"CD",
     "Consumer Discretionary",
     "Retailing",
     {"Hotels, Resorts & Cruise Lines", "Restaurants", "Automobile Manufacturers", "Broadline Retail",
      "Apparel, Accessories & Luxury Goods", "Home Improvement Retail", "Homebuilding", "Automotive Retail",
      "Casinos & Gaming", "Other Specialty Retail", "Apparel Retail", "Leisure Products", "Footwear",
      "Automotive Parts & Equipment", "Distributors", "Computer & Electronics Retail", NULL}},
    {"CS",
     "Consumer Staples",
     "Food industry",
     {"Packaged Foods & Meats", "Soft Drinks & Non-alcoholic Beverages", "Household Products",
      "Consumer Staples Merchandise Retail", "Tobacco", "Distillers & Vintners", "Brewers",
      "Agricultural Products & Services", "Food Retail", "Personal Care Products", "Drug Retail", "Food Distributors",
      NULL}},
    {"IN",
     "Industrials",
     "Conglomerate",
     {"Aerospace & Defense", "Industrial Machinery & Supplies & Components",
      "Construction Machinery & Heavy Transportation Equipment", "Rail Transportation", "Air Freight & Logistics",
      "Passenger Airlines", "Building Products", "Electrical Components & Equipment",
      "Environmental & Facilities Services", "Human Resource & Employment Services", "Research & Consulting Services",
      "Trading Companies & Distributors", "Industrial Conglomerates", "Construction & Engineering",
      "Cargo Ground Transportation", "Data Processing & Outsourced Services", "Agricultural & Farm Machinery",
      "Diversified Support Services", NULL}},
    {"EN",
     "Energy",
     "Petroleum industry",
     {"Oil & Gas Exploration & Production", "Integrated Oil & Gas", "Oil & Gas Refining & Marketing",
      "Oil & Gas Storage & Transportation", "Oil & Gas Equipment & Services", NULL}},
    {"MT",
     "Materials",
     "Chemical industry",
     {"Specialty Chemicals", "Commodity Chemicals", "Industrial Gases", "Fertilizers & Agricultural Chemicals",
      "Construction Materials", "Metal, Glass & Plastic Containers", "Paper & Plastic Packaging Products & Materials",
      "Steel", "Copper", "Gold", NULL}},
    {"UT",
     "Utilities",
     "Utilities",
     {"Electric Utilities", "Multi-Utilities", "Independent Power Producers & Energy Traders", "Gas Utilities",
      "Water Utilities", NULL}},
    {"RE",
     "Real Estate",
     "Real estate",
     {"Data Center REITs", "Telecom Tower REITs", "Multi-Family Residential REITs", "Self-Storage REITs",
      "Retail REITs", "Health Care REITs", "Industrial REITs", "Office REITs", "Single-Family Residential REITs",
      "Hotel & Resort REITs", "Real Estate Services", "Other Specialized REITs", "Timber REITs", NULL}},
    {"CM",
     "Communication Services",
     "Telecommunications",
     {"Interactive Media & Services", "Movies & Entertainment", "Integrated Telecommunication Services",
      "Wireless Telecommunication Services", "Cable & Satellite", "Broadcasting", "Advertising",
      "Interactive Home Entertainment", "Publishing", NULL}},
    {NULL, NULL, NULL, {NULL}}};

struct sim_wiki_t {
    sim_wiki_member_t *members;
    size_t count;
    char **lines;                 //  the split copies the members point into
    char *page[SIM_WIKI_PAGES];   //  SIM_WIKI_SP500, _NDX, _DOW
    size_t page_len[SIM_WIKI_PAGES];
};

//  --- member data -----------------------------------------------------------------

static const s_sector_t *
s_sector (const char *code)
{
    for (const s_sector_t *sector = s_sectors; sector->code; sector++)
        if (strcmp (sector->code, code) == 0)
            return sector;
    return NULL;
}

static int
s_load_members (sim_wiki_t *self)
{
    size_t n = 0;
    while (sim_wiki_member_lines[n])
        n++;
    self->members = calloc (n, sizeof *self->members);
    self->lines = calloc (n, sizeof *self->lines);
    if (!self->members || !self->lines)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char *line = strdup (sim_wiki_member_lines[i]);
        if (!line)
            return -1;
        self->lines[i] = line;
        char *field[SIM_WIKI_FIELDS];
        size_t nfields = 0;
        for (char *p = line; nfields < SIM_WIKI_FIELDS; nfields++) {
            field[nfields] = p;
            char *bar = strchr (p, '|');
            if (!bar) {
                nfields++;
                break;
            }
            *bar = '\0';
            p = bar + 1;
        }
        if (nfields != SIM_WIKI_FIELDS)
            return -1;   //  the table above is ours: a bad line is a bug
        const s_sector_t *sector = s_sector (field[2]);
        if (!sector)
            return -1;
        sim_wiki_member_t *member = &self->members[self->count++];
        member->symbol = field[0];
        member->name = field[1];
        member->sector = sector->name;
        member->industry = sector->industry;
        member->nasdaq = field[3][0] == 'N';
        member->sp500 = strchr (field[4], 's') != NULL;
        member->ndx = strchr (field[4], 'n') != NULL;
        member->dow = strchr (field[4], 'd') != NULL;
        member->absent = strchr (field[4], 'x') != NULL;
        member->korean = field[5];
        if (*field[6])
            member->sub_industry = field[6];
        else {
            size_t nsubs = 0;
            while (sector->subs[nsubs])
                nsubs++;
            member->sub_industry = sector->subs[sim_hash (SIM_WIKI_SEED, sim_hash_str (member->symbol), 1) % nsubs];
        }
    }
    return 0;
}

sim_wiki_t *
sim_wiki_new (void)
{
    sim_wiki_t *self = calloc (1, sizeof *self);
    if (!self || s_load_members (self))
        goto fail;
    for (int p = 0; p < SIM_WIKI_PAGES; p++) {
        self->page[p] = sim_wiki_render (self, p, &self->page_len[p]);
        if (!self->page[p])
            goto fail;
    }
    eod_log_info ("wiki: %zu index members, pages of %zu, %zu and %zu bytes", self->count, self->page_len[0],
                  self->page_len[1], self->page_len[2]);
    return self;
fail:
    eod_log_error ("wiki: out of memory");
    sim_wiki_destroy (&self);
    return NULL;
}

void
sim_wiki_destroy (sim_wiki_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sim_wiki_t *self = *self_p;
    for (size_t i = 0; self->lines && i < self->count; i++)
        free (self->lines[i]);
    free (self->lines);
    free (self->members);
    for (int p = 0; p < SIM_WIKI_PAGES; p++)
        free (self->page[p]);
    free (self);
    *self_p = NULL;
}

size_t
sim_wiki_count (const sim_wiki_t *self)
{
    return self->count;
}

const sim_wiki_member_t *
sim_wiki_member (const sim_wiki_t *self, size_t index)
{
    return index < self->count ? &self->members[index] : NULL;
}

//  The page index of an article title, raw or percent-encoded, or -1.
static int
s_page_of (const char *title)
{
    static const char *titles[][2] = {
        {"List_of_S&P_500_companies", "List_of_S%26P_500_companies"},
        {"Nasdaq-100", "Nasdaq%2D100"},
        {"Dow_Jones_Industrial_Average", "Dow_Jones_Industrial_Average"},
    };
    for (int p = 0; p < SIM_WIKI_PAGES; p++)
        if (strcmp (title, titles[p][0]) == 0 || strcasecmp (title, titles[p][1]) == 0)
            return p;
    return -1;
}

void
sim_wiki_serve (sim_t *self, sim_request_t *req, sim_response_t *resp)
{
    sim_stats_request (self, "wiki", "-");
    const char *user_agent = sim_request_header (req, "user-agent");
    if (!user_agent || !*user_agent) {
        sim_respond_text (resp, MHD_HTTP_FORBIDDEN, "text/plain; charset=utf-8",
                          "Please set a user-agent and respect our robot policy "
                          "https://w.wiki/4wJS. See also T400119.\n");
        return;
    }
    int p = s_page_of (req->url + strlen ("/wiki/"));
    if (p < 0) {
        sim_respond_text (resp, MHD_HTTP_NOT_FOUND, "text/html; charset=UTF-8",
                          "<!DOCTYPE html><html><head><title>Not Found - Wikipedia</title></head>"
                          "<body><p>Wikipedia does not have an article with this exact name.</p></body></html>\n");
        return;
    }
    const sim_wiki_t *wiki = self->wiki;
    sim_respond_bytes (resp, "text/html; charset=UTF-8", wiki->page[p], wiki->page_len[p]);
}
