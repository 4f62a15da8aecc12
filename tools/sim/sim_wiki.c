/*  sim_wiki — the Wikipedia double eod-lister reads the US universe from.

    It holds the constituent data of the three indexes the US side tracks (S&P
    500, NASDAQ-100, Dow Jones Industrial Average: symbol, name, GICS sector,
    listing exchange, index membership) and renders, once at start, the three
    articles as HTML shaped like the real ones where it matters to a parser: an
    infobox and other wikitables before the constituents table (one of them
    with a Symbol column but no company column, so "the first table with a
    Symbol column" is the wrong one), header cells built from links, cells
    holding links, footnote markers, &nbsp; and raw U+00A0, entities (AT&amp;T),
    class shares written BRK.B, row-header cells (<th scope="row">) on the Dow
    page, and a "changes" table after the constituents whose two-row header
    repeats the Symbol/Ticker columns and whose rows name former members.
    The pages do not depend on --seed. sim_us builds the master files and the
    price data from the same member list, and GET /_sim/universe/us answers
    from it. Pages are served at /wiki/<title>, percent-encoded or not; a
    request without a User-Agent gets 403 as Wikimedia's policy asks. */
#include "sim.h"

#include "eod_log.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SIM_WIKI_FIELDS 7                    //  symbol|name|sector|exchange|flags|korean|sub-industry
#define SIM_WIKI_SEED 0x3b1d                 //  page details (HQ, CIK, dates) ignore --seed
#define SIM_WIKI_PAGES 3
#define SIM_WIKI_FOOTNOTE_EVERY 37           //  a footnote marker on every 37th name cell
#define SIM_WIKI_NBSP_EVERY 11               //  a raw U+00A0 in every 11th HQ cell
#define SIM_BUF_INITIAL 4096

//  The constituents (Wikipedia spelling). Flags: s S&P 500, n NASDAQ-100,
//  d Dow 30, x deliberately absent from every KIS master file. Exchange: N
//  Nasdaq, Y NYSE. The sub-industry is chosen from the sector's list when empty.
static const char *s_member_lines[] = {
    "A|Agilent Technologies|HC|Y|s|애질런트 테크놀로지스|",
    "AAPL|Apple Inc.|IT|N|snd|애플|Technology Hardware, Storage & Peripherals",
    "ABBV|AbbVie|HC|Y|s|애브비|",
    "ABNB|Airbnb|CD|N|sn|에어비앤비|Hotels, Resorts & Cruise Lines",
    "ABT|Abbott Laboratories|HC|Y|s|애보트 래버러토리스|",
    "ACGL|Arch Capital Group|FN|N|s||",
    "ACN|Accenture|IT|Y|s|액센츄어|",
    "ADBE|Adobe Inc.|IT|N|sn|어도비|",
    "ADI|Analog Devices|IT|N|sn|아날로그 디바이스|",
    "ADM|Archer Daniels Midland|CS|Y|s||",
    "ADP|Automatic Data Processing|IN|N|sn|오토매틱 데이터 프로세싱|",
    "ADSK|Autodesk|IT|N|sn|오토데스크|",
    "AEE|Ameren|UT|Y|s||",
    "AEP|American Electric Power|UT|N|sn||",
    "AES|AES Corporation|UT|Y|s||",
    "AFL|Aflac|FN|Y|s||",
    "AIG|American International Group|FN|Y|s||",
    "AIZ|Assurant|FN|Y|s||",
    "AJG|Arthur J. Gallagher & Co.|FN|Y|s||",
    "AKAM|Akamai Technologies|IT|N|s||",
    "ALB|Albemarle Corporation|MT|Y|s||",
    "ALGN|Align Technology|HC|N|s||",
    "ALL|Allstate|FN|Y|s||",
    "ALLE|Allegion|IN|Y|s||",
    "AMAT|Applied Materials|IT|N|sn|어플라이드 머티어리얼즈|",
    "AMCR|Amcor|MT|Y|s||Metal, Glass & Plastic Containers",
    "AMD|Advanced Micro Devices|IT|N|sn|AMD|",
    "AME|Ametek|IN|Y|s||",
    "AMGN|Amgen|HC|N|snd|암젠|",
    "AMP|Ameriprise Financial|FN|Y|s||",
    "AMT|American Tower|RE|Y|s||",
    "AMZN|Amazon|CD|N|snd|아마존닷컴|Broadline Retail",
    "ANET|Arista Networks|IT|Y|s||",
    "ANSS|Ansys|IT|N|sn||",
    "AON|Aon plc|FN|Y|s||",
    "AOS|A. O. Smith|IN|Y|s||",
    "APA|APA Corporation|EN|N|s||",
    "APD|Air Products|MT|Y|s||",
    "APH|Amphenol|IT|Y|s||",
    "APTV|Aptiv|CD|Y|s||",
    "ARE|Alexandria Real Estate Equities|RE|Y|s||",
    "ATO|Atmos Energy|UT|Y|s||",
    "AVB|AvalonBay Communities|RE|Y|s||",
    "AVGO|Broadcom|IT|N|sn|브로드컴|Semiconductors",
    "AVY|Avery Dennison|MT|Y|s||",
    "AWK|American Water Works|UT|Y|s||",
    "AXON|Axon Enterprise|IN|N|s||",
    "AXP|American Express|FN|Y|sd|아메리칸 익스프레스|Consumer Finance",
    "AZO|AutoZone|CD|Y|s||",
    "BA|Boeing|IN|Y|sd|보잉|Aerospace & Defense",
    "BAC|Bank of America|FN|Y|s|뱅크오브아메리카|Diversified Banks",
    "BALL|Ball Corporation|MT|Y|s||Metal, Glass & Plastic Containers",
    "BAX|Baxter International|HC|Y|s||",
    "BBY|Best Buy|CD|Y|s||",
    "BDX|Becton Dickinson|HC|Y|s||",
    "BEN|Franklin Resources|FN|Y|s||",
    "BF.B|Brown–Forman|CS|Y|s|브라운포맨 B|Distillers & Vintners",
    "BG|Bunge Global|CS|Y|s||",
    "BIIB|Biogen|HC|N|sn|바이오젠|",
    "BK|BNY Mellon|FN|Y|s||",
    "BKNG|Booking Holdings|CD|N|sn||Hotels, Resorts & Cruise Lines",
    "BKR|Baker Hughes|EN|N|sn||",
    "BLDR|Builders FirstSource|IN|Y|s||",
    "BLK|BlackRock|FN|Y|s|블랙록|",
    "BMY|Bristol Myers Squibb|HC|Y|s||",
    "BR|Broadridge Financial Solutions|IT|Y|s||",
    "BRK.B|Berkshire Hathaway|FN|Y|s|버크셔 해서웨이 B|Multi-Sector Holdings",
    "BRO|Brown & Brown|FN|Y|s||",
    "BSX|Boston Scientific|HC|Y|s||",
    "BWA|BorgWarner|CD|Y|s||",
    "BX|Blackstone Inc.|FN|Y|s||",
    "BXP|BXP, Inc.|RE|Y|s||Office REITs",
    "C|Citigroup|FN|Y|s|씨티그룹|Diversified Banks",
    "CAG|Conagra Brands|CS|Y|s||",
    "CAH|Cardinal Health|HC|Y|s||",
    "CARR|Carrier Global|IN|Y|s||",
    "CAT|Caterpillar Inc.|IN|Y|sd|캐터필러|Construction Machinery & Heavy Transportation Equipment",
    "CB|Chubb Limited|FN|Y|s||",
    "CBOE|Cboe Global Markets|FN|Y|s||",
    "CBRE|CBRE Group|RE|Y|s||",
    "CCI|Crown Castle|RE|Y|s||",
    "CCL|Carnival|CD|Y|s|카니발|Hotels, Resorts & Cruise Lines",
    "CDNS|Cadence Design Systems|IT|N|sn||",
    "CDW|CDW Corporation|IT|N|sn||",
    "CE|Celanese|MT|Y|s||",
    "CEG|Constellation Energy|UT|N|sn||",
    "CF|CF Industries|MT|Y|s||",
    "CFG|Citizens Financial Group|FN|Y|s||",
    "CHD|Church & Dwight|CS|Y|s||",
    "CHRW|C.H. Robinson|IN|N|s||",
    "CHTR|Charter Communications|CM|N|sn||",
    "CI|Cigna|HC|Y|s||",
    "CINF|Cincinnati Financial|FN|N|s||",
    "CL|Colgate-Palmolive|CS|Y|s||",
    "CLX|Clorox|CS|Y|s||",
    "CMCSA|Comcast|CM|N|sn|컴캐스트|",
    "CME|CME Group|FN|N|s||",
    "CMG|Chipotle Mexican Grill|CD|Y|s||",
    "CMI|Cummins|IN|Y|s||",
    "CMS|CMS Energy|UT|Y|s||",
    "CNC|Centene Corporation|HC|Y|s||",
    "CNP|CenterPoint Energy|UT|Y|s||",
    "COF|Capital One|FN|Y|s||",
    "COO|Cooper Companies (The)|HC|N|s||",
    "COP|ConocoPhillips|EN|Y|s||",
    "COR|Cencora|HC|Y|s||",
    "COST|Costco|CS|N|sn|코스트코 홀세일|",
    "CPAY|Corpay|FN|Y|s||",
    "CPB|Campbell Soup Company|CS|N|s||",
    "CPRT|Copart|IN|N|sn||",
    "CPT|Camden Property Trust|RE|Y|s||",
    "CRL|Charles River Laboratories|HC|Y|s||",
    "CRM|Salesforce|IT|Y|sd|세일즈포스|",
    "CRWD|CrowdStrike|IT|N|sn|크라우드스트라이크|",
    "CSCO|Cisco|IT|N|snd|시스코 시스템즈|Communications Equipment",
    "CSGP|CoStar Group|RE|N|sn||",
    "CSX|CSX Corporation|IN|N|sn||",
    "CTAS|Cintas|IN|N|sn||",
    "CTLT|Catalent|HC|Y|s||",
    "CTRA|Coterra|EN|Y|s||",
    "CTSH|Cognizant|IT|N|sn||",
    "CTVA|Corteva|MT|Y|s||",
    "CVS|CVS Health|HC|Y|s||",
    "CVX|Chevron Corporation|EN|Y|sd|셰브론|Integrated Oil & Gas",
    "CZR|Caesars Entertainment|CD|N|s||",
    "D|Dominion Energy|UT|Y|s||",
    "DAL|Delta Air Lines|IN|Y|s||",
    "DAY|Dayforce|IT|Y|s||",
    "DD|DuPont|MT|Y|s||",
    "DE|Deere & Company|IN|Y|s||",
    "DECK|Deckers Brands|CD|Y|s||",
    "DELL|Dell Technologies|IT|Y|s||",
    "DFS|Discover Financial|FN|Y|s||",
    "DG|Dollar General|CS|Y|s||",
    "DGX|Quest Diagnostics|HC|Y|s||",
    "DHI|D. R. Horton|CD|Y|s||",
    "DHR|Danaher Corporation|HC|Y|s||",
    "DIS|Walt Disney Company (The)|CM|Y|sd|월트 디즈니|Movies & Entertainment",
    "DLR|Digital Realty|RE|Y|s||",
    "DLTR|Dollar Tree|CS|N|sn||",
    "DOC|Healthpeak Properties|RE|Y|s||",
    "DOV|Dover Corporation|IN|Y|s||",
    "DOW|Dow Inc.|MT|Y|s||",
    "DPZ|Domino's|CD|N|s||",
    "DRI|Darden Restaurants|CD|Y|s||",
    "DTE|DTE Energy|UT|Y|s||",
    "DUK|Duke Energy|UT|Y|s||",
    "DVA|DaVita|HC|Y|s||",
    "DVN|Devon Energy|EN|Y|s||",
    "DXCM|Dexcom|HC|N|sn||",
    "EA|Electronic Arts|CM|N|sn|일렉트로닉 아츠|",
    "EBAY|eBay Inc.|CD|N|s|이베이|",
    "ECL|Ecolab|MT|Y|s||",
    "ED|Consolidated Edison|UT|Y|s||",
    "EFX|Equifax|IN|Y|s||",
    "EG|Everest Group|FN|Y|s||",
    "EIX|Edison International|UT|Y|s||",
    "EL|Estée Lauder Companies (The)|CS|Y|s||",
    "ELV|Elevance Health|HC|Y|s||",
    "EMN|Eastman Chemical Company|MT|Y|s||",
    "EMR|Emerson Electric|IN|Y|s||",
    "ENPH|Enphase Energy|IT|N|s||",
    "EOG|EOG Resources|EN|Y|s||Oil & Gas Exploration & Production",
    "EPAM|EPAM Systems|IT|Y|s||",
    "EQIX|Equinix|RE|N|s||Data Center REITs",
    "EQR|Equity Residential|RE|Y|s||",
    "EQT|EQT Corporation|EN|Y|s||",
    "ERIE|Erie Indemnity|FN|N|s||",
    "ES|Eversource Energy|UT|Y|s||",
    "ESS|Essex Property Trust|RE|Y|s||",
    "ETN|Eaton Corporation|IN|Y|s||",
    "ETR|Entergy|UT|Y|s||",
    "EVRG|Evergy|UT|N|s||",
    "EW|Edwards Lifesciences|HC|Y|s||",
    "EXC|Exelon|UT|N|sn||",
    "EXPD|Expeditors International|IN|N|s||",
    "EXPE|Expedia Group|CD|N|s||Hotels, Resorts & Cruise Lines",
    "EXR|Extra Space Storage|RE|Y|s||",
    "F|Ford Motor Company|CD|Y|s|포드 모터|Automobile Manufacturers",
    "FANG|Diamondback Energy|EN|N|sn||",
    "FAST|Fastenal|IN|N|sn||",
    "FCX|Freeport-McMoRan|MT|Y|s||",
    "FDS|FactSet|FN|Y|s||",
    "FDX|FedEx|IN|Y|s|페덱스|",
    "FE|FirstEnergy|UT|Y|s||",
    "FFIV|F5, Inc.|IT|N|s||",
    "FI|Fiserv|FN|Y|s||",
    "FICO|Fair Isaac|IT|Y|s||",
    "FIS|Fidelity National Information Services|FN|Y|s||",
    "FITB|Fifth Third Bancorp|FN|N|s||",
    "FMC|FMC Corporation|MT|Y|s||",
    "FOX|Fox Corporation (Class B)|CM|N|s||",
    "FOXA|Fox Corporation (Class A)|CM|N|s||",
    "FRT|Federal Realty Investment Trust|RE|Y|s||",
    "FSLR|First Solar|IT|N|s||",
    "FTNT|Fortinet|IT|N|sn||",
    "FTV|Fortive|IN|Y|s||",
    "GD|General Dynamics|IN|Y|s||",
    "GDDY|GoDaddy|IT|Y|s||",
    "GE|GE Aerospace|IN|Y|s|GE 에어로스페이스|",
    "GEHC|GE HealthCare|HC|N|sn||",
    "GEN|Gen Digital|IT|N|s||",
    "GEV|GE Vernova|IN|Y|sx||",
    "GILD|Gilead Sciences|HC|N|sn|길리어드 사이언스|",
    "GIS|General Mills|CS|Y|s||",
    "GL|Globe Life|FN|Y|s||",
    "GLW|Corning Inc.|IT|Y|s||",
    "GM|General Motors|CD|Y|s|제너럴 모터스|",
    "GNRC|Generac|IN|Y|s||",
    "GOOG|Alphabet Inc. (Class C)|CM|N|sn|알파벳 C|Interactive Media & Services",
    "GOOGL|Alphabet Inc. (Class A)|CM|N|sn|알파벳 A|Interactive Media & Services",
    "GPC|Genuine Parts Company|CD|Y|s||",
    "GPN|Global Payments|FN|Y|s||",
    "GRMN|Garmin|CD|Y|s||",
    "GS|Goldman Sachs|FN|Y|sd|골드만삭스|Investment Banking & Brokerage",
    "GWW|W. W. Grainger|IN|Y|s||",
    "HAL|Halliburton|EN|Y|s||",
    "HAS|Hasbro|CD|N|s||",
    "HBAN|Huntington Bancshares|FN|N|s||",
    "HCA|HCA Healthcare|HC|Y|s||",
    "HD|Home Depot (The)|CD|Y|sd|홈디포|Home Improvement Retail",
    "HES|Hess Corporation|EN|Y|s||",
    "HIG|Hartford (The)|FN|Y|s||",
    "HII|Huntington Ingalls Industries|IN|Y|s||",
    "HLT|Hilton Worldwide|CD|Y|s|힐튼 월드와이드|Hotels, Resorts & Cruise Lines",
    "HOLX|Hologic|HC|N|s||",
    "HON|Honeywell|IN|N|snd|허니웰|Industrial Conglomerates",
    "HPE|Hewlett Packard Enterprise|IT|Y|s||",
    "HPQ|HP Inc.|IT|Y|s||",
    "HRL|Hormel Foods|CS|Y|s||",
    "HSIC|Henry Schein|HC|N|s||",
    "HST|Host Hotels & Resorts|RE|N|s||",
    "HSY|Hershey Company (The)|CS|Y|s||",
    "HUBB|Hubbell Incorporated|IN|Y|s||",
    "HUM|Humana|HC|Y|s||",
    "HWM|Howmet Aerospace|IN|Y|s||",
    "IBM|IBM|IT|Y|sd|IBM|IT Consulting & Other Services",
    "ICE|Intercontinental Exchange|FN|Y|s||",
    "IDXX|Idexx Laboratories|HC|N|sn||",
    "IEX|IDEX Corporation|IN|Y|s||",
    "IFF|International Flavors & Fragrances|MT|Y|s||",
    "INCY|Incyte|HC|N|s||",
    "INTC|Intel|IT|N|sn|인텔|Semiconductors",
    "INTU|Intuit|IT|N|sn|인튜이트|",
    "INVH|Invitation Homes|RE|Y|s||",
    "IP|International Paper|MT|Y|s||",
    "IPG|Interpublic Group of Companies (The)|CM|Y|s||",
    "IQV|IQVIA|HC|Y|s||",
    "IR|Ingersoll Rand|IN|Y|s||",
    "IRM|Iron Mountain|RE|Y|s||",
    "ISRG|Intuitive Surgical|HC|N|sn||",
    "IT|Gartner|IT|Y|s||",
    "ITW|Illinois Tool Works|IN|Y|s||",
    "IVZ|Invesco|FN|Y|s||",
    "J|Jacobs Solutions|IN|Y|s||",
    "JBHT|J.B. Hunt|IN|N|s||",
    "JBL|Jabil|IT|Y|s||",
    "JCI|Johnson Controls|IN|Y|s||",
    "JKHY|Jack Henry & Associates|FN|N|s||",
    "JNJ|Johnson & Johnson|HC|Y|sd|존슨앤드존슨|Pharmaceuticals",
    "JNPR|Juniper Networks|IT|Y|s||",
    "JPM|JPMorgan Chase|FN|Y|sd|JP모간 체이스|Diversified Banks",
    "K|Kellanova|CS|Y|s||",
    "KDP|Keurig Dr Pepper|CS|N|sn||",
    "KEY|KeyCorp|FN|Y|s||",
    "KEYS|Keysight Technologies|IT|Y|s||",
    "KHC|Kraft Heinz|CS|N|sn||",
    "KIM|Kimco Realty|RE|Y|s||",
    "KKR|KKR & Co.|FN|Y|s||",
    "KLAC|KLA Corporation|IT|N|sn||",
    "KMB|Kimberly-Clark|CS|N|s||",
    "KMI|Kinder Morgan|EN|Y|s||",
    "KMX|CarMax|CD|Y|s||",
    "KO|Coca-Cola Company (The)|CS|Y|sd|코카콜라|Soft Drinks & Non-alcoholic Beverages",
    "KR|Kroger|CS|Y|s||",
    "KVUE|Kenvue|CS|Y|s||",
    "L|Loews Corporation|FN|Y|s||",
    "LDOS|Leidos|IT|Y|s||",
    "LEN|Lennar|CD|Y|s||",
    "LH|LabCorp|HC|Y|s||",
    "LHX|L3Harris|IN|Y|s||",
    "LII|Lennox International|IN|Y|s||Building Products",
    "LIN|Linde plc|MT|N|sn||Industrial Gases",
    "LKQ|LKQ Corporation|CD|N|s||",
    "LLY|Lilly (Eli)|HC|Y|s|일라이 릴리|Pharmaceuticals",
    "LMT|Lockheed Martin|IN|Y|s|록히드 마틴|",
    "LNT|Alliant Energy|UT|N|s||",
    "LOW|Lowe's|CD|Y|s||",
    "LRCX|Lam Research|IT|N|sn|램리서치|",
    "LULU|Lululemon Athletica|CD|N|sn|룰루레몬 애슬레티카|Apparel, Accessories & Luxury Goods",
    "LUV|Southwest Airlines|IN|Y|s||",
    "LVS|Las Vegas Sands|CD|Y|s||",
    "LW|Lamb Weston|CS|Y|s||",
    "LYB|LyondellBasell|MT|Y|s||",
    "LYV|Live Nation Entertainment|CM|Y|s||",
    "MA|Mastercard|FN|Y|s|마스터카드|",
    "MAA|Mid-America Apartment Communities|RE|Y|s||",
    "MAR|Marriott International|CD|N|sn|메리어트 인터내셔널|Hotels, Resorts & Cruise Lines",
    "MAS|Masco|IN|Y|s||",
    "MCD|McDonald's|CD|Y|sd|맥도날드|Restaurants",
    "MCHP|Microchip Technology|IT|N|sn||",
    "MCK|McKesson Corporation|HC|Y|s||",
    "MCO|Moody's Corporation|FN|Y|s||",
    "MDLZ|Mondelez International|CS|N|sn||",
    "MDT|Medtronic|HC|Y|s||",
    "MET|MetLife|FN|Y|s||",
    "META|Meta Platforms|CM|N|sn|메타 플랫폼스|Interactive Media & Services",
    "MGM|MGM Resorts|CD|Y|s||",
    "MHK|Mohawk Industries|CD|Y|s||",
    "MKC|McCormick & Company|CS|Y|s||",
    "MKTX|MarketAxess|FN|N|s||",
    "MLM|Martin Marietta Materials|MT|Y|s||",
    "MMC|Marsh McLennan|FN|Y|s||",
    "MMM|3M|IN|Y|sd|3M|Industrial Conglomerates",
    "MNST|Monster Beverage|CS|N|sn||",
    "MO|Altria|CS|Y|s||",
    "MOH|Molina Healthcare|HC|Y|s||",
    "MOS|Mosaic Company (The)|MT|Y|s||",
    "MPC|Marathon Petroleum|EN|Y|s||",
    "MPWR|Monolithic Power Systems|IT|N|s||",
    "MRK|Merck & Co.|HC|Y|sd|머크|Pharmaceuticals",
    "MRNA|Moderna|HC|N|sn|모더나|",
    "MRO|Marathon Oil|EN|Y|s||",
    "MS|Morgan Stanley|FN|Y|s|모건스탠리|",
    "MSCI|MSCI Inc.|FN|Y|s||",
    "MSFT|Microsoft|IT|N|snd|마이크로소프트|Systems Software",
    "MSI|Motorola Solutions|IT|Y|s||",
    "MTB|M&T Bank|FN|Y|s||",
    "MTCH|Match Group|CM|N|s||",
    "MTD|Mettler Toledo|HC|Y|s||",
    "MU|Micron Technology|IT|N|sn|마이크론 테크놀로지|",
    "NCLH|Norwegian Cruise Line Holdings|CD|Y|s||Hotels, Resorts & Cruise Lines",
    "NDAQ|Nasdaq, Inc.|FN|N|s||Financial Exchanges & Data",
    "NDSN|Nordson Corporation|IN|N|s||",
    "NEE|NextEra Energy|UT|Y|s||",
    "NEM|Newmont|MT|Y|s||",
    "NFLX|Netflix|CM|N|sn|넷플릭스|Movies & Entertainment",
    "NI|NiSource|UT|Y|s||",
    "NKE|Nike, Inc.|CD|Y|sd|나이키|Apparel, Accessories & Luxury Goods",
    "NOC|Northrop Grumman|IN|Y|s||",
    "NOW|ServiceNow|IT|Y|s||",
    "NRG|NRG Energy|UT|Y|s||",
    "NSC|Norfolk Southern|IN|Y|s||",
    "NTAP|NetApp|IT|N|s||",
    "NTRS|Northern Trust|FN|N|s||",
    "NUE|Nucor|MT|Y|s||",
    "NVDA|Nvidia|IT|N|snd|엔비디아|Semiconductors",
    "NVR|NVR, Inc.|CD|Y|s||Homebuilding",
    "NWS|News Corp (Class B)|CM|N|s||",
    "NWSA|News Corp (Class A)|CM|N|s||",
    "NXPI|NXP Semiconductors|IT|N|sn||",
    "O|Realty Income|RE|Y|s||",
    "ODFL|Old Dominion|IN|N|sn||",
    "OKE|Oneok|EN|Y|s||",
    "OMC|Omnicom Group|CM|Y|s||",
    "ON|ON Semiconductor|IT|N|sn||",
    "ORCL|Oracle Corporation|IT|Y|s|오라클|",
    "ORLY|O'Reilly Automotive|CD|N|sn||",
    "OTIS|Otis Worldwide|IN|Y|s||",
    "OXY|Occidental Petroleum|EN|Y|s|옥시덴탈 페트롤리움|",
    "PANW|Palo Alto Networks|IT|N|sn|팔로알토 네트웍스|",
    "PARA|Paramount Global|CM|N|s||",
    "PAYC|Paycom|IT|Y|s||",
    "PAYX|Paychex|IN|N|sn||",
    "PCAR|Paccar|IN|N|sn||",
    "PCG|PG&E Corporation|UT|Y|s||",
    "PEG|Public Service Enterprise Group|UT|Y|s||",
    "PEP|PepsiCo|CS|N|sn|펩시코|Soft Drinks & Non-alcoholic Beverages",
    "PFE|Pfizer|HC|Y|s|화이자|Pharmaceuticals",
    "PFG|Principal Financial Group|FN|N|s||",
    "PG|Procter & Gamble|CS|Y|sd|프록터 앤드 갬블|Household Products",
    "PGR|Progressive Corporation|FN|Y|s||",
    "PH|Parker Hannifin|IN|Y|s||",
    "PHM|PulteGroup|CD|Y|s||",
    "PKG|Packaging Corporation of America|MT|Y|s||",
    "PLD|Prologis|RE|Y|s||",
    "PLTR|Palantir Technologies|IT|N|s|팔란티어 테크놀로지스|Application Software",
    "PM|Philip Morris International|CS|Y|s||",
    "PNC|PNC Financial Services|FN|Y|s||",
    "PNR|Pentair|IN|Y|s||",
    "PNW|Pinnacle West|UT|Y|s||",
    "PODD|Insulet Corporation|HC|N|s||",
    "POOL|Pool Corporation|CD|N|s||",
    "PPG|PPG Industries|MT|Y|s||",
    "PPL|PPL Corporation|UT|Y|s||",
    "PRU|Prudential Financial|FN|Y|s||",
    "PSA|Public Storage|RE|Y|s||Self-Storage REITs",
    "PSX|Phillips 66|EN|Y|s||",
    "PTC|PTC Inc.|IT|N|s||",
    "PWR|Quanta Services|IN|Y|s||",
    "PYPL|PayPal|FN|N|sn|페이팔|",
    "QCOM|Qualcomm|IT|N|sn|퀄컴|Semiconductors",
    "QRVO|Qorvo|IT|N|s||",
    "RCL|Royal Caribbean Group|CD|Y|s||Hotels, Resorts & Cruise Lines",
    "REG|Regency Centers|RE|N|s||",
    "REGN|Regeneron Pharmaceuticals|HC|N|sn||",
    "RF|Regions Financial Corporation|FN|Y|s||",
    "RJF|Raymond James Financial|FN|Y|s||",
    "RL|Ralph Lauren Corporation|CD|Y|s||Apparel, Accessories & Luxury Goods",
    "RMD|ResMed|HC|Y|s||",
    "ROK|Rockwell Automation|IN|Y|s||",
    "ROL|Rollins, Inc.|IN|Y|s||",
    "ROP|Roper Technologies|IT|N|sn||",
    "ROST|Ross Stores|CD|N|sn||",
    "RSG|Republic Services|IN|Y|s||",
    "RTX|RTX Corporation|IN|Y|s||",
    "RVTY|Revvity|HC|Y|s||",
    "SBAC|SBA Communications|RE|N|s||",
    "SBUX|Starbucks|CD|N|sn|스타벅스|Restaurants",
    "SCHW|Charles Schwab Corporation|FN|Y|s||",
    "SHW|Sherwin-Williams|MT|Y|sd|셔윈 윌리엄스|Specialty Chemicals",
    "SJM|J.M. Smucker Company (The)|CS|Y|s||",
    "SLB|Schlumberger|EN|Y|s||",
    "SMCI|Supermicro|IT|N|sn|슈퍼 마이크로 컴퓨터|Technology Hardware, Storage & Peripherals",
    "SNA|Snap-on|IN|Y|s||",
    "SNPS|Synopsys|IT|N|sn||",
    "SO|Southern Company|UT|Y|s||",
    "SOLV|Solventum|HC|Y|sx||",
    "SPG|Simon Property Group|RE|Y|s||",
    "SPGI|S&P Global|FN|Y|s||",
    "SRE|Sempra|UT|Y|s||",
    "STE|Steris|HC|Y|s||",
    "STLD|Steel Dynamics|MT|N|s||Steel",
    "STT|State Street Corporation|FN|Y|s||",
    "STX|Seagate Technology|IT|N|s||",
    "STZ|Constellation Brands|CS|Y|s||",
    "SW|Smurfit Westrock|MT|Y|sx||Paper & Plastic Packaging Products & Materials",
    "SWK|Stanley Black & Decker|IN|Y|s||",
    "SWKS|Skyworks Solutions|IT|N|s||",
    "SYF|Synchrony Financial|FN|Y|s||",
    "SYK|Stryker Corporation|HC|Y|s||",
    "SYY|Sysco|CS|Y|s||",
    "T|AT&T|CM|Y|s|AT&T|Integrated Telecommunication Services",
    "TAP|Molson Coors Beverage Company|CS|Y|s||",
    "TDG|TransDigm Group|IN|Y|s||",
    "TDY|Teledyne Technologies|IT|Y|s||",
    "TECH|Bio-Techne|HC|N|s||",
    "TEL|TE Connectivity|IT|Y|s||",
    "TER|Teradyne|IT|N|s||",
    "TFC|Truist Financial|FN|Y|s||",
    "TFX|Teleflex|HC|Y|s||",
    "TGT|Target Corporation|CS|Y|s||",
    "TJX|TJX Companies|CD|Y|s||",
    "TMO|Thermo Fisher Scientific|HC|Y|s||",
    "TMUS|T-Mobile US|CM|N|sn|T-모바일 US|Wireless Telecommunication Services",
    "TPR|Tapestry, Inc.|CD|Y|s||Apparel, Accessories & Luxury Goods",
    "TRGP|Targa Resources|EN|Y|s||",
    "TRMB|Trimble Inc.|IT|N|s||",
    "TROW|T. Rowe Price|FN|N|s||",
    "TRV|Travelers Companies (The)|FN|Y|sd|트래블러스|Property & Casualty Insurance",
    "TSCO|Tractor Supply|CD|N|s||",
    "TSLA|Tesla, Inc.|CD|N|sn|테슬라|Automobile Manufacturers",
    "TSN|Tyson Foods|CS|Y|s||",
    "TT|Trane Technologies|IN|Y|s||",
    "TTWO|Take-Two Interactive|CM|N|sn||",
    "TXN|Texas Instruments|IT|N|sn|텍사스 인스트루먼트|",
    "TXT|Textron|IN|Y|s||",
    "TYL|Tyler Technologies|IT|Y|s||",
    "UAL|United Airlines Holdings|IN|N|s||",
    "UBER|Uber|IN|Y|s|우버 테크놀로지스|",
    "UDR|UDR, Inc.|RE|Y|s||",
    "UHS|Universal Health Services|HC|Y|s||",
    "ULTA|Ulta Beauty|CD|N|s||",
    "UNH|UnitedHealth Group|HC|Y|sd|유나이티드헬스 그룹|Managed Health Care",
    "UNP|Union Pacific Corporation|IN|Y|s||",
    "UPS|United Parcel Service|IN|Y|s||",
    "URI|United Rentals|IN|Y|s||",
    "USB|U.S. Bancorp|FN|Y|s||",
    "V|Visa Inc.|FN|Y|sd|비자|Transaction & Payment Processing Services",
    "VICI|Vici Properties|RE|Y|s||",
    "VLO|Valero Energy|EN|Y|s||",
    "VLTO|Veralto|IN|Y|s||",
    "VMC|Vulcan Materials Company|MT|Y|s||",
    "VRSK|Verisk Analytics|IN|N|sn||",
    "VRSN|Verisign|IT|N|s||",
    "VRTX|Vertex Pharmaceuticals|HC|N|sn||",
    "VST|Vistra Corp.|UT|Y|s||",
    "VTR|Ventas|RE|Y|s||",
    "VTRS|Viatris|HC|N|s||",
    "VZ|Verizon|CM|Y|sd|버라이즌|Integrated Telecommunication Services",
    "WAB|Wabtec|IN|Y|s||",
    "WAT|Waters Corporation|HC|Y|s||",
    "WBA|Walgreens Boots Alliance|CS|N|s||",
    "WBD|Warner Bros. Discovery|CM|N|sn||",
    "WDC|Western Digital|IT|N|s||",
    "WEC|WEC Energy Group|UT|Y|s||",
    "WELL|Welltower|RE|Y|s||",
    "WFC|Wells Fargo|FN|Y|s|웰스파고|",
    "WM|Waste Management|IN|Y|s||",
    "WMB|Williams Companies (The)|EN|Y|s||",
    "WMT|Walmart|CS|Y|sd|월마트|Consumer Staples Merchandise Retail",
    "WRB|W. R. Berkley Corporation|FN|Y|s||",
    "WST|West Pharmaceutical Services|HC|Y|s||",
    "WTW|Willis Towers Watson|FN|N|s||",
    "WY|Weyerhaeuser|RE|Y|s||",
    "WYNN|Wynn Resorts|CD|N|s||",
    "XEL|Xcel Energy|UT|N|sn||",
    "XOM|ExxonMobil|EN|Y|s|엑슨모빌|Integrated Oil & Gas",
    "XYL|Xylem Inc.|IN|Y|s||",
    "YUM|Yum! Brands|CD|Y|s||",
    "ZBH|Zimmer Biomet|HC|Y|s||",
    "ZBRA|Zebra Technologies|IT|N|s||",
    "ZTS|Zoetis|HC|Y|s||",
    "ARM|Arm Holdings|IT|N|n|ARM 홀딩스|Semiconductors",
    "ASML|ASML Holding|IT|N|n|ASML 홀딩|Semiconductor Materials & Equipment",
    "AZN|AstraZeneca|HC|N|n|아스트라제네카|Pharmaceuticals",
    "CCEP|Coca-Cola Europacific Partners|CS|N|n||Soft Drinks & Non-alcoholic Beverages",
    "DASH|DoorDash|CD|N|n|도어대시|",
    "DDOG|Datadog|IT|N|n||",
    "GFS|GlobalFoundries|IT|N|n||Semiconductors",
    "ILMN|Illumina|HC|N|n||",
    "MDB|MongoDB|IT|N|n||",
    "MELI|Mercado Libre|CD|N|n|메르카도리브레|Broadline Retail",
    "MRVL|Marvell Technology|IT|N|n|마벨 테크놀로지|Semiconductors",
    "PDD|PDD Holdings|CD|N|n|PDD 홀딩스|Broadline Retail",
    "TEAM|Atlassian|IT|N|n||",
    "TTD|The Trade Desk|CM|N|n||",
    "WDAY|Workday, Inc.|IT|N|n||",
    "ZS|Zscaler|IT|N|n||",
    NULL
};

typedef struct {
    const char *code;
    const char *name;                        //  GICS sector
    const char *industry;                    //  the Dow page's plain-words industry
    const char *subs[20];                    //  GICS sub-industries, NULL-terminated
} s_sector_t;

static const s_sector_t s_sectors[] = {
    {"IT", "Information Technology", "Information technology",
     {"Semiconductors", "Application Software", "Systems Software",
      "Technology Hardware, Storage & Peripherals", "Communications Equipment",
      "IT Consulting & Other Services", "Semiconductor Materials & Equipment",
      "Electronic Components", "Electronic Equipment & Instruments",
      "Electronic Manufacturing Services", "Internet Services & Infrastructure", NULL}},
    {"HC", "Health Care", "Pharmaceutical industry",
     {"Pharmaceuticals", "Biotechnology", "Health Care Equipment", "Managed Health Care",
      "Life Sciences Tools & Services", "Health Care Services", "Health Care Distributors",
      "Health Care Supplies", "Health Care Facilities", NULL}},
    {"FN", "Financials", "Financial services",
     {"Diversified Banks", "Regional Banks", "Asset Management & Custody Banks",
      "Investment Banking & Brokerage", "Property & Casualty Insurance",
      "Life & Health Insurance", "Insurance Brokers", "Financial Exchanges & Data",
      "Transaction & Payment Processing Services", "Consumer Finance", "Multi-line Insurance",
      "Reinsurance", NULL}},
    {"CD", "Consumer Discretionary", "Retailing",
     {"Hotels, Resorts & Cruise Lines", "Restaurants", "Automobile Manufacturers",
      "Broadline Retail", "Apparel, Accessories & Luxury Goods", "Home Improvement Retail",
      "Homebuilding", "Automotive Retail", "Casinos & Gaming", "Other Specialty Retail",
      "Apparel Retail", "Leisure Products", "Footwear", "Automotive Parts & Equipment",
      "Distributors", "Computer & Electronics Retail", NULL}},
    {"CS", "Consumer Staples", "Food industry",
     {"Packaged Foods & Meats", "Soft Drinks & Non-alcoholic Beverages", "Household Products",
      "Consumer Staples Merchandise Retail", "Tobacco", "Distillers & Vintners", "Brewers",
      "Agricultural Products & Services", "Food Retail", "Personal Care Products",
      "Drug Retail", "Food Distributors", NULL}},
    {"IN", "Industrials", "Conglomerate",
     {"Aerospace & Defense", "Industrial Machinery & Supplies & Components",
      "Construction Machinery & Heavy Transportation Equipment", "Rail Transportation",
      "Air Freight & Logistics", "Passenger Airlines", "Building Products",
      "Electrical Components & Equipment", "Environmental & Facilities Services",
      "Human Resource & Employment Services", "Research & Consulting Services",
      "Trading Companies & Distributors", "Industrial Conglomerates",
      "Construction & Engineering", "Cargo Ground Transportation",
      "Data Processing & Outsourced Services", "Agricultural & Farm Machinery",
      "Diversified Support Services", NULL}},
    {"EN", "Energy", "Petroleum industry",
     {"Oil & Gas Exploration & Production", "Integrated Oil & Gas",
      "Oil & Gas Refining & Marketing", "Oil & Gas Storage & Transportation",
      "Oil & Gas Equipment & Services", NULL}},
    {"MT", "Materials", "Chemical industry",
     {"Specialty Chemicals", "Commodity Chemicals", "Industrial Gases",
      "Fertilizers & Agricultural Chemicals", "Construction Materials",
      "Metal, Glass & Plastic Containers", "Paper & Plastic Packaging Products & Materials",
      "Steel", "Copper", "Gold", NULL}},
    {"UT", "Utilities", "Utilities",
     {"Electric Utilities", "Multi-Utilities", "Independent Power Producers & Energy Traders",
      "Gas Utilities", "Water Utilities", NULL}},
    {"RE", "Real Estate", "Real estate",
     {"Data Center REITs", "Telecom Tower REITs", "Multi-Family Residential REITs",
      "Self-Storage REITs", "Retail REITs", "Health Care REITs", "Industrial REITs",
      "Office REITs", "Single-Family Residential REITs", "Hotel & Resort REITs",
      "Real Estate Services", "Other Specialized REITs", "Timber REITs", NULL}},
    {"CM", "Communication Services", "Telecommunications",
     {"Interactive Media & Services", "Movies & Entertainment",
      "Integrated Telecommunication Services", "Wireless Telecommunication Services",
      "Cable & Satellite", "Broadcasting", "Advertising", "Interactive Home Entertainment",
      "Publishing", NULL}},
    {NULL, NULL, NULL, {NULL}}
};

static const char *s_cities[] = {
    "New York City, New York", "Chicago, Illinois", "Houston, Texas", "Dallas, Texas",
    "Atlanta, Georgia", "Boston, Massachusetts", "San Jose, California",
    "Santa Clara, California", "San Francisco, California", "Seattle, Washington",
    "Charlotte, North Carolina", "Minneapolis, Minnesota", "Saint Paul, Minnesota",
    "Cincinnati, Ohio", "Cleveland, Ohio", "Pittsburgh, Pennsylvania",
    "Philadelphia, Pennsylvania", "Denver, Colorado", "Phoenix, Arizona",
    "Miami, Florida", "St. Louis, Missouri", "Milwaukee, Wisconsin", "Detroit, Michigan",
    "Indianapolis, Indiana", "Nashville, Tennessee", "Richmond, Virginia",
    "Arlington, Virginia", "Columbus, Ohio", "Irving, Texas", "Austin, Texas",
    "Stamford, Connecticut", "Newark, New Jersey", "Dublin, Ireland", "London, United Kingdom",
    "Zug, Switzerland", "Los Angeles, California", "San Diego, California",
    "Omaha, Nebraska", "Deerfield, Illinois", "Kenilworth, New Jersey", NULL
};

//  Former members named in the "changes" tables: none is a constituent.
static const struct {
    const char *date, *added, *added_name, *removed, *removed_name, *reason;
} s_sp_changes[] = {
    {"2024-09-23", "PLTR", "Palantir Technologies", "AAL", "American Airlines Group",
     "Market capitalization change."},
    {"2024-09-23", "DELL", "Dell Technologies", "ETSY", "Etsy", "Market capitalization change."},
    {"2024-09-23", "ERIE", "Erie Indemnity", "BIO", "Bio-Rad Laboratories",
     "Market capitalization change."},
    {"2024-06-24", "KKR", "KKR &amp; Co.", "RHI", "Robert Half", "Market capitalization change."},
    {"2024-06-24", "CRWD", "CrowdStrike", "CMA", "Comerica", "Market capitalization change."},
    {"2024-06-24", "GDDY", "GoDaddy", "ILMN", "Illumina", "Market capitalization change."},
    {"2024-05-08", "VST", "Vistra Corp.", "PXD", "Pioneer Natural Resources",
     "S&amp;P 500 constituent ExxonMobil acquired Pioneer Natural Resources."},
    {"2024-04-03", "SOLV", "Solventum", "XRAY", "Dentsply Sirona",
     "S&amp;P 500 constituent 3M spun off Solventum."},
    {"2024-04-02", "GEV", "GE Vernova", "WHR", "Whirlpool Corporation",
     "S&amp;P 500 constituent General Electric spun off GE Vernova."},
    {"2024-03-18", "SMCI", "Supermicro", "ZION", "Zions Bancorporation",
     "Market capitalization change."},
    {"2023-12-18", "BLDR", "Builders FirstSource", "SEDG", "SolarEdge",
     "Market capitalization change."},
    {"2023-10-18", "HUBB", "Hubbell Incorporated", "DXC", "DXC Technology",
     "Market capitalization change."},
    {NULL, NULL, NULL, NULL, NULL, NULL}
};

static const struct {
    const char *date, *added_name, *added, *removed_name, *removed;
} s_ndx_changes[] = {
    {"2024-07-22", "Supermicro", "SMCI", "Walgreens Boots Alliance", "WBA"},
    {"2024-06-24", "Arm Holdings", "ARM", "Sirius XM", "SIRI"},
    {"2023-12-18", "CDW Corporation", "CDW", "Align Technology", "ALGN"},
    {"2023-12-18", "Coca-Cola Europacific Partners", "CCEP", "eBay", "EBAY"},
    {"2023-12-18", "DoorDash", "DASH", "Enphase Energy", "ENPH"},
    {"2023-12-18", "MongoDB", "MDB", "JD.com", "JD"},
    {"2023-12-18", "Roper Technologies", "ROP", "Lucid Motors", "LCID"},
    {"2023-12-18", "Splunk", "SPLK", "Zoom Video Communications", "ZM"},
    {"2023-07-17", "GE HealthCare", "GEHC", "Activision Blizzard", "ATVI"},
    {NULL, NULL, NULL, NULL, NULL}
};

static const struct {
    const char *date, *added_name, *added, *removed_name, *removed, *reason;
} s_dow_changes[] = {
    {"2024-11-08", "Nvidia", "NVDA", "Intel", "INTC", "Semiconductor industry representation."},
    {"2024-11-08", "Sherwin-Williams", "SHW", "Dow Inc.", "DOW",
     "Materials sector representation."},
    {"2024-02-26", "Amazon", "AMZN", "Walgreens Boots Alliance", "WBA",
     "Consumer retail representation."},
    {"2020-08-31", "Salesforce", "CRM", "ExxonMobil", "XOM",
     "Apple's 4-for-1 stock split reduced technology weighting."},
    {"2020-08-31", "Amgen", "AMGN", "Pfizer", "PFE",
     "Apple's 4-for-1 stock split reduced technology weighting."},
    {"2020-08-31", "Honeywell", "HON", "Raytheon Technologies", "RTX",
     "Apple's 4-for-1 stock split reduced technology weighting."},
    {"2019-04-02", "Dow Inc.", "DOW", "DowDuPont", "DWDP", "Spin-off of Dow Inc."},
    {"2018-06-26", "Walgreens Boots Alliance", "WBA", "General Electric", "GE",
     "Weighting of General Electric had fallen below 0.3%."},
    {NULL, NULL, NULL, NULL, NULL, NULL}
};

struct sim_wiki_t {
    sim_wiki_member_t *members;
    size_t count;
    char **lines;                            //  the split copies the members point into
    char *page[SIM_WIKI_PAGES];              //  0 S&P 500, 1 NASDAQ-100, 2 Dow
    size_t page_len[SIM_WIKI_PAGES];
};

//  --- a growable text buffer ---------------------------------------------------

int
sim_buf_printf (sim_buf_t *buf, const char *format, ...)
{
    if (buf->failed)
        return -1;
    while (true) {
        size_t room = buf->cap - buf->len;
        va_list args;
        va_start (args, format);
        int n = buf->data ? vsnprintf (buf->data + buf->len, room, format, args) : -2;
        va_end (args);
        if (n == -1) {
            buf->failed = true;
            return -1;
        }
        if (n >= 0 && (size_t) n < room) {
            buf->len += (size_t) n;
            return 0;
        }
        size_t need = buf->len + (n > 0 ? (size_t) n : 0) + 1;
        size_t cap = buf->cap ? buf->cap : SIM_BUF_INITIAL;
        while (cap < need)
            cap *= 2;
        char *grown = realloc (buf->data, cap);
        if (!grown) {
            buf->failed = true;
            return -1;
        }
        buf->data = grown;
        buf->cap = cap;
    }
}

int
sim_buf_html (sim_buf_t *buf, const char *text)
{
    for (const char *p = text; *p; p++) {
        int rc = *p == '&' ? sim_buf_printf (buf, "&amp;")
               : *p == '<' ? sim_buf_printf (buf, "&lt;")
               : *p == '>' ? sim_buf_printf (buf, "&gt;")
               : *p == '"' ? sim_buf_printf (buf, "&quot;")
               : sim_buf_printf (buf, "%c", *p);
        if (rc)
            return -1;
    }
    return 0;
}

char *
sim_buf_take (sim_buf_t *buf, size_t *len)
{
    char *data = buf->failed ? NULL : buf->data;
    if (buf->failed)
        free (buf->data);
    if (len)
        *len = data ? buf->len : 0;
    buf->data = NULL;
    buf->len = buf->cap = 0;
    buf->failed = false;
    return data;
}

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
    while (s_member_lines[n])
        n++;
    self->members = calloc (n, sizeof *self->members);
    self->lines = calloc (n, sizeof *self->lines);
    if (!self->members || !self->lines)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char *line = strdup (s_member_lines[i]);
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
            return -1;                       //  the table above is ours: a bad line is a bug
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
            member->sub_industry
                = sector->subs[sim_hash (SIM_WIKI_SEED, sim_hash_str (member->symbol), 1) % nsubs];
        }
    }
    return 0;
}

//  --- page pieces -------------------------------------------------------------------

static void
s_page_head (sim_buf_t *buf, const char *title)
{
    sim_buf_printf (buf,
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
    sim_buf_printf (buf,
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
        sim_buf_printf (buf, "<a rel=\"nofollow\" class=\"external text\" "
                             "href=\"https://www.nyse.com/quote/XNYS:%s", member->symbol);
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
    const sim_wiki_member_t **list = calloc (self->count, sizeof *list);
    *count = 0;
    if (!list)
        return NULL;
    for (size_t i = 0; i < self->count; i++) {
        const sim_wiki_member_t *m = &self->members[i];
        if ((index == 1 && m->ndx) || (index == 2 && m->dow))
            list[(*count)++] = m;
    }
    qsort (list, *count, sizeof *list, s_name_cmp);
    return list;
}

//  --- the three articles ---------------------------------------------------------------

static void
s_page_sp500 (const sim_wiki_t *self, sim_buf_t *buf)
{
    size_t count = 0;
    for (size_t i = 0; i < self->count; i++)
        count += self->members[i].sp500;
    s_page_head (buf, "List of S&amp;P 500 companies");
    sim_buf_printf (buf,
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
    for (size_t i = 0; i < self->count; i++) {
        const sim_wiki_member_t *m = &self->members[i];
        if (!m->sp500)
            continue;
        row++;
        sim_buf_printf (buf, "<tr>\n<td>");
        s_quote_link (buf, m);
        if (strcmp (m->symbol, "GOOGL") == 0 || strcmp (m->symbol, "FOXA") == 0
            || strcmp (m->symbol, "NWSA") == 0)
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
    sim_buf_printf (buf, "</tbody></table>\n"
        "<div class=\"mw-heading mw-heading2\"><h2 id=\"Selected_changes_to_the_list_of_S&amp;P_500_components\">"
        "Selected changes to the list of S&amp;P 500 components</h2></div>\n"
        "<table class=\"wikitable sortable\" id=\"changes\">\n<tbody><tr>\n"
        "<th rowspan=\"2\">Effective Date</th>\n<th colspan=\"2\">Added</th>\n<th colspan=\"2\">Removed</th>\n"
        "<th rowspan=\"2\">Reason</th>\n</tr>\n<tr>\n<th>Symbol</th>\n<th>Security</th>\n<th>Symbol</th>\n<th>Security</th>\n</tr>\n");
    for (size_t i = 0; s_sp_changes[i].date; i++)
        sim_buf_printf (buf, "<tr>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td></tr>\n",
                        s_sp_changes[i].date, s_sp_changes[i].added, s_sp_changes[i].added_name,
                        s_sp_changes[i].removed, s_sp_changes[i].removed_name, s_sp_changes[i].reason);
    sim_buf_printf (buf, "</tbody></table>\n");
    s_page_tail (buf, "S&amp;P 500");
}

static void
s_page_ndx (const sim_wiki_t *self, sim_buf_t *buf)
{
    size_t count = 0;
    const sim_wiki_member_t **list = s_by_name (self, 1, &count);
    if (!list) {
        buf->failed = true;
        return;
    }
    s_page_head (buf, "Nasdaq-100");
    sim_buf_printf (buf,
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
    sim_buf_printf (buf, "</tbody></table>\n"
        "<div class=\"mw-heading mw-heading2\"><h2 id=\"Changes_in_2023_and_2024\">Changes in 2023 and 2024</h2></div>\n"
        "<table class=\"wikitable\">\n<tbody><tr>\n<th rowspan=\"2\">Date</th>\n<th colspan=\"2\">Added</th>\n"
        "<th colspan=\"2\">Removed</th>\n</tr>\n<tr>\n<th>Company</th>\n<th>Ticker</th>\n<th>Company</th>\n<th>Ticker</th>\n</tr>\n");
    for (size_t i = 0; s_ndx_changes[i].date; i++)
        sim_buf_printf (buf, "<tr>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td></tr>\n",
                        s_ndx_changes[i].date, s_ndx_changes[i].added_name, s_ndx_changes[i].added,
                        s_ndx_changes[i].removed_name, s_ndx_changes[i].removed);
    sim_buf_printf (buf, "</tbody></table>\n");
    s_page_tail (buf, "Nasdaq-100");
    free (list);
}

static void
s_page_dow (const sim_wiki_t *self, sim_buf_t *buf)
{
    size_t count = 0;
    const sim_wiki_member_t **list = s_by_name (self, 2, &count);
    if (!list) {
        buf->failed = true;
        return;
    }
    s_page_head (buf, "Dow Jones Industrial Average");
    sim_buf_printf (buf,
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
                        m->nasdaq ? "<a href=\"/wiki/Nasdaq\" title=\"Nasdaq\">Nasdaq</a>"
                                  : "<a href=\"/wiki/New_York_Stock_Exchange\" title=\"New York Stock Exchange\">NYSE</a>");
        s_quote_link (buf, m);
        sim_buf_printf (buf, "</td>\n<td>%s</td>\n<td>%s", m->industry, added);
        if (i % 6 == 2)
            s_footnote (buf, (int) (i % 9) + 3);
        sim_buf_printf (buf, "</td>\n<td>%s</td>\n<td>%.2f%%</td></tr>\n",
                        i % 4 == 1 ? "Also a component of the&nbsp;S&amp;P 500" : "",
                        0.5 + (double) (s_detail (m, 6) % 800) / 100.0);
    }
    sim_buf_printf (buf, "</tbody></table>\n"
        "<div class=\"mw-heading mw-heading3\"><h3 id=\"Former_components\">Former components</h3></div>\n"
        "<table class=\"wikitable\">\n<tbody><tr>\n<th rowspan=\"2\">Date</th>\n<th colspan=\"2\">Added</th>\n"
        "<th colspan=\"2\">Removed</th>\n<th rowspan=\"2\">Reason</th>\n</tr>\n"
        "<tr>\n<th>Company</th>\n<th>Symbol</th>\n<th>Company</th>\n<th>Symbol</th>\n</tr>\n");
    for (size_t i = 0; s_dow_changes[i].date; i++)
        sim_buf_printf (buf, "<tr>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td></tr>\n",
                        s_dow_changes[i].date, s_dow_changes[i].added_name, s_dow_changes[i].added,
                        s_dow_changes[i].removed_name, s_dow_changes[i].removed, s_dow_changes[i].reason);
    sim_buf_printf (buf, "</tbody></table>\n");
    s_page_tail (buf, "Dow Jones Industrial Average");
    free (list);
}

sim_wiki_t *
sim_wiki_new (void)
{
    sim_wiki_t *self = calloc (1, sizeof *self);
    if (!self || s_load_members (self))
        goto fail;
    for (int p = 0; p < SIM_WIKI_PAGES; p++) {
        sim_buf_t buf = {NULL, 0, 0, false};
        if (p == 0)
            s_page_sp500 (self, &buf);
        else if (p == 1)
            s_page_ndx (self, &buf);
        else
            s_page_dow (self, &buf);
        self->page[p] = sim_buf_take (&buf, &self->page_len[p]);
        if (!self->page[p])
            goto fail;
    }
    eod_log_info ("wiki: %zu index members, pages of %zu, %zu and %zu bytes", self->count,
                  self->page_len[0], self->page_len[1], self->page_len[2]);
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
    free (resp->body);
    resp->body = malloc (wiki->page_len[p] + 1);
    if (!resp->body) {
        sim_respond_text (resp, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n");
        return;
    }
    memcpy (resp->body, wiki->page[p], wiki->page_len[p] + 1);
    resp->body_len = wiki->page_len[p];
    resp->status = MHD_HTTP_OK;
    resp->content_type = "text/html; charset=UTF-8";
}
