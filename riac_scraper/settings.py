"""Scrapy settings for riac-scraper: polite defaults for the live site.

A crawl of a loopback mirror (``-a base_url=http://127.0.0.1:PORT``) drops the
politeness delays itself; see ``RiacSpider.from_crawler``.
"""

BOT_NAME = "riac_scraper"
SPIDER_MODULES = ["riac_scraper.crawl.spider"]
NEWSPIDER_MODULE = "riac_scraper.crawl"

USER_AGENT = "riac-scraper/0.1 (research dataset crawler; polite, obeys robots.txt)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
# Scrapy starts CONCURRENT_ITEMS tasks (default 100) for every callback's output.
# A page yields a few items and requests, and every item pipeline here is
# synchronous, so more than a handful of tasks only costs CPU (about a tenth
# of a crawl's at 100).
CONCURRENT_ITEMS = 4
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DNS_TIMEOUT = 10
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_AFTER_MAX = 120  # seconds; a longer Retry-After gives up on the page
ROBOTSTXT_MAX_BYTES = 500 * 1024  # RFC 9309: parse at least 500 KiB, and no more is needed
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "riac_scraper.crawl.middlewares.RobotsTxtMiddleware": 100,
    "riac_scraper.crawl.middlewares.HostBoundaryMiddleware": 40,
    "riac_scraper.crawl.middlewares.RetryAfterMiddleware": 550,
}
# A cut-short body is an error (and retried), never a page.
DOWNLOAD_FAIL_ON_DATALOSS = True
HTTPERROR_ALLOW_ALL = False
COOKIES_ENABLED = False
# No way into a running crawl: Scrapy's telnet console and (2.19+) its
# remote-control HTTP endpoint, which runs Python for whoever holds its token.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 0  # Scrapy's "Crawled N pages" line; riac_scraper.crawl.progress reports instead
FEED_EXPORT_ENCODING = "utf-8"

# Order matters: normalize before validating, validate before de-duplicating,
# and write last. Each pipeline is one concern; see pipelines/__init__.py.
ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.parquet.ParquetPipeline": 900,
}

EXTENSIONS = {
    "riac_scraper.crawl.monitor.CrawlMonitor": 500,
    "riac_scraper.storage.archive.WarcArchive": 600,
    "riac_scraper.crawl.progress.CrawlProgress": 700,
}
RIAC_PROGRESS_INTERVAL = 30  # seconds between progress lines; 0 switches them off
RIAC_PROGRESS = "log"  # or "bar": a rich progress bar on a terminal (pip install 'riac-scraper[progress]')
# Our `crawl` command: Scrapy's, but it exits 1 when the crawl failed (see monitor.py).
COMMANDS_MODULE = "riac_scraper.crawl.commands"

# Where the datasets go (relative to the working directory).
RIAC_OUTPUT = "output"
# RIAC_WRITE_DATASETS is set by `scrapy crawl` and `riac crawl` only (never
# here, where it would override them): `scrapy parse`, `scrapy shell` and the
# like never write datasets, archives or a report.
# Where every received page is kept, as WARC files (see riac_scraper/storage/archive.py):
# None means <RIAC_OUTPUT>/archive; an empty value (-s RIAC_ARCHIVE=) switches it off.
RIAC_ARCHIVE = None
RIAC_ARCHIVE_MAX_BYTES = 1024**3  # a new file after this many bytes

# When a crawl counts as failed (see riac_scraper/crawl/monitor.py). Coverage is the
# share of article pages with a non-empty value; "field@section" limits a
# threshold to one section.
RIAC_MIN_COVERAGE = {
    "title": 1.0,
    "body": 1.0,
    "lead": 0.95,
    "published": 0.8,
    "authors@analytics": 0.9,
    "authors@comments": 0.9,
    "authors@interview": 0.8,
}
# Coverage floors judge a group (all pages, or one section's) only when this
# crawl extracted at least this many pages of it: a weekly incremental crawl
# that fetched three new pages says little about a field's coverage.
RIAC_MIN_COVERAGE_PAGES = 20
RIAC_MIN_ARTICLES = 1
# A listing is followed at most this many pages (per language and section);
# a page that lists the same articles as an earlier one also ends it.
RIAC_MAX_LISTING_PAGES = 2000
# Incremental crawls (riac_scraper/crawl/walks.py): a section's listing walk
# stops after this many pages in a row that list only stored, unchanged
# articles (0: never), and every RIAC_FULL_WALK_EVERY-th run walks every
# listing to its end (1: every run). The sitemap's lastmod and the feeds catch
# what lies below a stopped walk.
RIAC_LISTING_STOP_AFTER = 3
RIAC_FULL_WALK_EVERY = 4
RIAC_MAX_FAILURE_SHARE = 0.1

# Where article URLs are found (see riac_scraper/crawl/discovery.py): each
# source is on unless switched off here or with -s NAME=0.
RIAC_DISCOVERY_LISTINGS = True  # section listings and their pagination, linked or probed
RIAC_DISCOVERY_SITEMAPS = True  # robots.txt's sitemaps, else /sitemap.xml
RIAC_DISCOVERY_FEEDS = True  # the RSS feeds of site.FEED_PATHS
RIAC_DISCOVERY_LINKS = True  # links between articles
# The site search's listing of every tag the articles carry, paged through
# (at most RIAC_MAX_TAG_PAGES pages a tag): a deep source, off by default.
RIAC_DISCOVERY_TAGS = False
RIAC_MAX_TAG_PAGES = 100
# The crawl fails when the listings reach fewer of a section's articles than
# its sitemap lists, by more than this share of the articles either found.
RIAC_MAX_DISCOVERY_GAP = 0.05
# A first listing page with at least this many articles and no way to a second
# page (no link, and probing found none) fails the crawl, unless a sitemap
# covers the section: its pagination is most likely not being followed. 0 switches it off.
RIAC_FULL_LISTING_PAGE = 10
