"""The ``riac`` spider: finds articles (listings, sitemaps, feeds, links between
articles, tag searches; see ``discovery.py``) and hands article pages to extraction.

scrapy crawl riac                                   # the live site
scrapy crawl riac -a base_url=http://127.0.0.1:8000 # a mirror with the same paths
scrapy crawl riac -a urls=FILE                      # only these article URLs
scrapy crawl riac -a sections=analytics,comments -a lang=en
scrapy crawl riac -a full=1                         # re-fetch every article
scrapy crawl riac -s JOBDIR=DIR                     # resumable after any interruption

Into an existing dataset the crawl is incremental: a stored article is
fetched again only when its listing entry changed or its sitemap ``lastmod``
is later than its stored fetch (and then with If-None-Match /
If-Modified-Since), and a section's listing walk stops after a few pages that
list nothing new or changed (``walks.py``).

Listings decide first, since their entries carry the hash that incremental
crawls compare. The articles only other sources found are fetched when the
crawl is otherwise idle: new ones plainly, stored ones conditionally.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from riac_scraper import site
from riac_scraper.crawl.discovery import (
    SOURCES,
    Discovery,
    enabled_sources,
    iso_date,
)
from riac_scraper.crawl.documents import CALLBACKS, DOCUMENTS, DocumentCallbacks, marks_done
from riac_scraper.crawl.middlewares import ROBOTS_READ
from riac_scraper.crawl.quiet import quiet_third_party
from riac_scraper.crawl.walks import WalkPolicy, read_state
from riac_scraper.items import Article, ArticleSeen, CrawlFailure, PageDone, PollSnapshot, grouping_reason
from riac_scraper.pages.fetched import article_page
from riac_scraper.pages.listing import ListingPage
from riac_scraper.storage.journal import CrawlJournal
from riac_scraper.storage.store import read_article_index
from riac_scraper.urls import (
    PageKind,
    canonical_url,
    classify,
    fetch_url,
    listing_url,
    next_listing_page,
    site_url,
    stable_id,
    tag_search_page,
)

ARGUMENTS = ("base_url", "urls", "sections", "lang", "full")


class SpiderArgumentError(ValueError):
    """A spider argument that cannot be used; the message is one line for the user."""


def _split(value: str | None, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    if not value:
        return allowed
    chosen = tuple(v.strip() for v in value.split(",") if v.strip())
    unknown = [v for v in chosen if v not in allowed]
    if unknown or not chosen:
        raise SpiderArgumentError(f"unknown {what}: {', '.join(unknown) or value}; choose from {', '.join(allowed)}")
    return chosen


def check_arguments(arguments: dict[str, Any]) -> None:
    """Raise SpiderArgumentError, with one line naming it, for any argument the
    spider cannot use: unknown names, sections, languages, base URLs, URL files."""
    unknown = sorted(set(arguments) - set(ARGUMENTS))
    if unknown:
        raise SpiderArgumentError(
            f"unknown spider argument {unknown[0]!r}; the riac spider takes {', '.join(ARGUMENTS)}"
        )
    if base_url := arguments.get("base_url"):
        try:
            parts = urlsplit(str(base_url))
            host = parts.hostname
        except ValueError:
            host = None
            parts = urlsplit("")
        if parts.scheme not in ("http", "https") or not host:
            raise SpiderArgumentError(
                f"base_url must be an http(s) URL such as http://127.0.0.1:8000, got {base_url!r}"
            )
    _split(arguments.get("sections"), site.DEFAULT_SECTIONS, "section")
    _split(arguments.get("lang"), site.LANGS, "language")
    if urls := arguments.get("urls"):
        path = Path(str(urls))
        if not path.is_file() or not os.access(path, os.R_OK):
            raise SpiderArgumentError(f"urls file cannot be read: {path}")
        try:
            read_url_file(path)
        except UnicodeDecodeError as exc:
            raise SpiderArgumentError(f"urls file is not UTF-8 text: {path} (byte {exc.start})") from exc
    full = arguments.get("full")
    if full is not None and str(full).lower() not in ("1", "0", "true", "false", "yes", "no", ""):
        raise SpiderArgumentError(f"full takes 1 or 0, got {full!r}")


def read_url_file(path: Path) -> list[str]:
    """The lines of a URL file: UTF-8, with or without a byte order mark."""
    return path.read_text("utf-8-sig").splitlines()


LISTING_HASH = re.compile(r"[0-9a-f]{16}")  # a listing entry's hash (ListingPage.entries), as a journal mark


def _count(value: str) -> int | None:
    """A journal mark's count: ASCII digits, fewer than ten, or None."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RiacSpider(DocumentCallbacks, scrapy.Spider):
    name = "riac"

    def __init__(
        self,
        base_url: str | None = None,
        urls: str | None = None,
        sections: str | None = None,
        lang: str | None = None,
        full: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.arguments = {
            name: value
            for name, value in {
                "base_url": base_url,
                "urls": urls,
                "sections": sections,
                "lang": lang,
                "full": full,
            }.items()
            if value is not None
        }
        check_arguments({**self.arguments, **{k: v for k, v in kwargs.items() if k not in ("name", "_job")}})
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/") if base_url else None
        if self.base_url:
            self.allowed_domains = [urlsplit(self.base_url).hostname or ""]
        else:
            self.allowed_domains = sorted(site.HOST_ALIASES)
        self.sections = _split(sections, site.DEFAULT_SECTIONS, "section")
        self.langs = _split(lang, site.LANGS, "language")
        self.url_file = Path(urls) if urls else None
        self.full = str(full).lower() in ("1", "true", "yes")
        self.known: dict[str, dict[str, Any]] = {}  # url -> what the stored dataset knows of it
        self.decided: set[str] = set()  # article URLs already requested or marked seen
        self.landed_as: dict[str, str] = {}  # requested article URL -> the URL it answered under
        self.polls_seen: set[str] = set()
        self.listing_requested: set[str] = set()
        self.listing_pages: Counter[tuple[str, str]] = Counter()  # (lang, section) -> listing pages requested
        self.listing_contents: dict[tuple[str, str], set[str]] = {}  # a digest of the articles each page listed
        self.discovery = Discovery()
        self.documents_requested: set[str] = set()  # sitemaps, feeds and tag pages
        self.robots_read = False
        self.documents_capped = False  # more sitemaps, feeds and tag pages named than read
        self.listings_failed: set[str] = set()  # "lang/section" of the listings with a page that failed
        self.listings_missing: set[tuple[str, str]] = set()  # site.UNCONFIRMED_LISTINGS that answered 404
        # (lang, section) -> articles on a first listing page that showed no way to a second one;
        # dropped once probing finds a further page
        self.lone_first_pages: dict[tuple[str, str], int] = {}
        # Incremental walks (walks.py): whether this run walks every listing to its end, and why
        self.full_walk, self.walk_why = True, "a first crawl: nothing is stored"
        self.unchanged_in_a_row: Counter[tuple[str, str]] = Counter()  # listing pages listing nothing new or changed
        self.walk_stopped: dict[tuple[str, str], int] = {}  # (lang, section) -> listing pages read when it stopped
        self.marked_unchanged: set[str] = set()  # stored articles marked unchanged from their listing entry
        self.passed_over: set[str] = set()  # stored articles no source showed changed, below a stopped walk
        self.tags_requested: set[tuple[str, str]] = set()  # (lang, tag) whose search listing was asked for
        self.tag_pages: dict[tuple[str, str], set[str]] = {}  # (lang, tag) -> a digest of the articles each page listed
        self.probe = 0
        self.probe_quota = 0
        self.probed: list[Article] = []  # riac probe: the articles read
        self.probe_decided: Counter[tuple[str, str]] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> RiacSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        jobdir = crawler.settings.get("JOBDIR")
        spider.journal = CrawlJournal(jobdir) if jobdir else None
        spider.discovery = Discovery(enabled=() if spider.url_file else enabled_sources(crawler.settings))
        if spider.journal is not None:
            spider.landed_as.update(spider.journal.redirects)
            for source, url in spider.journal.found:  # the journal is read back: only known sources, article URLs
                if source not in SOURCES or canonical_url(url) != url:
                    continue
                if (kind := classify(url)) is not None and kind.kind == "article":
                    spider.discovery.add(url, kind, source)
        spider.max_document_size = crawler.settings.getint("DOWNLOAD_MAXSIZE", 0)
        # riac probe: first listing pages only, at most this many articles, nothing stored (crawl/probe.py)
        spider.probe = crawler.settings.getint("RIAC_PROBE", 0)
        groups = max(1, len(spider.listings()))
        spider.probe_quota = -(-spider.probe // groups)  # articles per section and language, rounded up
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(quiet_third_party, signal=signals.spider_opened)
        crawler.signals.connect(spider.on_robots, signal=ROBOTS_READ)
        spider.max_listing_pages = crawler.settings.getint("RIAC_MAX_LISTING_PAGES", 2000)
        spider.max_tag_pages = crawler.settings.getint("RIAC_MAX_TAG_PAGES", 100)
        spider.walk_policy = WalkPolicy.from_settings(crawler.settings)
        # Read before the crawl monitor replaces the report: the count of runs since the last full walk.
        spider.runs_since_full_walk, note = read_state(crawler.settings.get("RIAC_OUTPUT"))
        if note:
            spider.discovery.note(note)
        spider.max_url_length = crawler.settings.getint("URLLENGTH_LIMIT", 2083)
        host = urlsplit(spider.base_url).hostname if spider.base_url else None
        if host and _is_loopback(host):
            # A mirror on this machine: no politeness delays. -s still overrides these.
            for name, value in (
                ("AUTOTHROTTLE_ENABLED", False),
                ("DOWNLOAD_DELAY", 0),
                ("CONCURRENT_REQUESTS_PER_DOMAIN", 16),
                ("RETRY_TIMES", 1),
            ):
                crawler.settings.set(name, value, priority="spider")
        return spider

    def _request(self, canonical: str, callback: Any, kind: str | None = None) -> scrapy.Request:
        kind = kind or next(k for k, name in CALLBACKS.items() if name == callback.__name__)
        if self.journal is not None:
            self.journal.request(canonical, kind)
        # Article requests are de-duplicated by self.decided, not by Scrapy's
        # filter, so that a redirect loop runs into REDIRECT_MAX_TIMES and is
        # recorded as a failure instead of vanishing in the filter.
        is_article = callback == self.parse_article
        return scrapy.Request(
            fetch_url(canonical, self.base_url),
            callback=callback,
            errback=self.on_error,
            cb_kwargs={"canonical": canonical},
            meta={"riac_kind": kind},
            dont_filter=is_article,
            # Articles before further listing pages: the frontier stays one listing page deep.
            priority=1 if is_article else 0,
        )

    def _article(self, canonical: str, entry: str | None = None) -> Iterator[scrapy.Request | CrawlFailure]:
        """The request for an article, or a failure record when its URL is too long to fetch."""
        if self._too_long(canonical):
            fetch = fetch_url(canonical, self.base_url)
            reason = f"URL longer than URLLENGTH_LIMIT={self.max_url_length} characters ({len(fetch)})"
            self.crawler.stats.inc_value("riac/articles/done")
            yield CrawlFailure(canonical, "download", reason, dt.datetime.now(dt.UTC))
            return
        if entry is not None:  # journaled before the request: a resumed run asks for it again with its entry
            self._mark("listed", canonical, entry)
        request = self._request(canonical, self.parse_article)
        request.meta["listing_hash"] = entry
        yield request

    def _too_long(self, canonical: str) -> bool:
        return bool(self.max_url_length) and len(fetch_url(canonical, self.base_url)) > self.max_url_length

    def _canonical_of(self, response: Response, requested: str) -> str:
        """The real-site URL a response answers for, following redirects."""
        if not response.meta.get("redirect_urls"):
            return requested
        return site_url(response.url, self.base_url) or requested

    async def start(self) -> AsyncIterator[Any]:
        if not self.full and not self.url_file and not self.probe:
            self.known = read_article_index(self.settings.get("RIAC_OUTPUT"))
            self.logger.info("incremental crawl: %d articles already stored", len(self.known))
        if self.full:
            self.walk_why = "full=1: every article is fetched again"
        elif self.known:
            self.full_walk, self.walk_why = self.walk_policy.full_walk(self.runs_since_full_walk)
            self.logger.info("listing walk: %s", self.walk_why)
        asked: frozenset[str] = frozenset()
        if self.journal is not None and self.journal.resumed:
            asked = frozenset(self.journal.requested)
            for request in self._resumed_requests():
                yield request
        # Scrapy takes start requests as it has room: a crawl killed early had
        # journaled only some of them, and a resumed one starts the others.
        for request in self._start_requests(asked):
            yield request

    def _resumed_requests(self) -> Iterator[scrapy.Request]:
        """After a kill: every page asked for and not finished, again."""
        assert self.journal is not None
        self.decided.update(url for url, kind in self.journal.requested.items() if kind == "article")
        self.documents_requested.update(url for url, kind in self.journal.requested.items() if kind in DOCUMENTS)
        for url, kind in self.journal.requested.items():  # a page that links back to one asked for: not again
            if kind in ("listing", "probe") and (page := classify(url)) is not None and page.kind == "listing":
                self.listing_requested.add(url)
                if url != listing_url(page.section, page.lang):
                    self.listing_pages[(page.lang, page.section)] += 1
        self._restore_marks()
        pending = self.journal.pending()
        self.logger.info("resuming crawl %s: %d pages to fetch again", self.journal.crawl_id, len(pending))
        listed = self.journal.marks.get("listed", {})
        for url, kind in pending:
            if kind not in CALLBACKS:
                self.logger.warning("journal: a page of unknown kind %r is not fetched again: %s", kind, url)
                continue
            request = self._request(url, getattr(self, CALLBACKS[kind]), kind)
            if kind == "article" and LISTING_HASH.fullmatch(entry := listed.get(url, "")):
                request.meta["listing_hash"] = entry  # the listing page that named it is not read again
            yield request.replace(dont_filter=True)

    def _restore_marks(self) -> None:
        """What the journal's marks say of pages that will not be read again,
        read back as untrusted: only listings and sources of this crawl, only
        counts, only article URLs of its scope, only dates."""
        assert self.journal is not None
        marks = self.journal.marks
        listings = {f"{lang}/{section}": (lang, section) for lang, section in self.listings()}
        for name, into in (("lone", self.lone_first_pages), ("walkstop", self.walk_stopped)):
            for key, value in marks.get(name, {}).items():
                if key in listings and (count := _count(value)) is not None:
                    if count:
                        into[listings[key]] = count
                    else:
                        into.pop(listings[key], None)
        for source, value in marks.get("documents", {}).items():
            if source in SOURCES and (count := _count(value)) is not None:
                self.discovery.documents[source] = count
        for name, dates in (("lastmod", self.discovery.lastmod), ("published", self.discovery.published)):
            for url, value in marks.get(name, {}).items():
                if canonical_url(url) == url and self._in_scope(url) and (when := iso_date(value)) is not None:
                    dates[url] = when

    def _mark(self, name: str, key: str | tuple[str, str], value: Any) -> None:
        """A fact of a page that a resumed crawl will not read again (see ``_restore_marks``)."""
        if self.journal is not None:
            self.journal.mark(name, key if isinstance(key, str) else "/".join(key), str(value))

    def _start_requests(self, asked: frozenset[str] = frozenset()) -> Iterator[scrapy.Request]:
        """The crawl's first pages, less those ``asked`` for before a kill (a
        resumed run has asked for them again, or finished them)."""
        if self.url_file:
            for number, line in enumerate(read_url_file(self.url_file), 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                canonical = canonical_url(line)
                kind = classify(canonical) if canonical else None
                if canonical in self.decided:
                    continue
                if kind is None or kind.kind != "article":
                    self.logger.warning("%s:%d: not a RIAC article URL, skipped: %s", self.url_file, number, line)
                    self.crawler.stats.inc_value("riac/urls_file/skipped")
                    continue
                self.decided.add(canonical)
                yield from self._article(canonical)
            return
        enabled = self.discovery.enabled
        for lang in self.langs:
            if (home := site.ORIGIN + site.HOME_PATHS[lang]) not in asked:
                yield self._request(home, self.parse_home)
        for lang, section in self.listings() if "listings" in enabled else ():
            if (first := listing_url(section, lang)) not in asked:
                self.listing_requested.add(first)
                yield self._request(first, self.parse_listing)
        for lang in self.langs if "feeds" in enabled else ():
            for path in site.FEED_PATHS[lang]:
                if (feed := site.ORIGIN + path) not in asked:
                    yield self._document(feed, "feed")

    # ------------------------------------------------------------ discovery

    def listings(self) -> list[tuple[str, str]]:
        """(lang, section) of every listing the crawl reads: its sections in its
        languages, less an unconfirmed one the site turned out not to have."""
        return [
            (lang, section)
            for lang in self.langs
            for section in self.sections
            if (lang, section) not in self.listings_missing
        ]

    def _in_scope(self, url: str) -> PageKind | None:
        kind = classify(url)
        if kind and kind.kind == "article" and kind.lang in self.langs and kind.section in self.sections:
            return kind
        return None

    def _found(self, url: str, kind: PageKind, source: str) -> Iterator[CrawlFailure]:
        """Records a discovery; an article whose URL is too long to fetch is
        decided at once, as a failure record (``on_idle`` hands on requests only)."""
        if self.discovery.add(url, kind, source):
            self.crawler.stats.inc_value(f"riac/discovery/{source}")
            if self.journal is not None:
                self.journal.discovered(source, url)
        if url not in self.decided and self._too_long(url):
            self.decided.add(url)
            yield from self._article(url)  # type: ignore[misc]

    def _probe_takes(self, group: tuple[str, str], url: str) -> bool:
        """A probe's articles: spread over sections and languages, at most RIAC_PROBE."""
        if url in self.decided or self.probe_decided[group] >= self.probe_quota or len(self.decided) >= self.probe:
            return False
        self.probe_decided[group] += 1
        return True

    def on_idle(self) -> None:
        """Fetch the articles that only sources other than the listings found:
        new ones plainly, stored ones conditionally on their ETag / Last-Modified."""
        if self.probe:
            return  # a probe counts what the other sources found; it fetches the listings' articles only
        waiting = []
        for url in self.discovery.found:
            if url in self.decided or url in self.passed_over:
                continue
            if url in self.known and not self._worth_checking(url):
                self.passed_over.add(url)
                self.crawler.stats.inc_value("riac/articles/passed_over")
            else:
                waiting.append(url)
        if not waiting:
            return
        self.logger.info("%d articles found only by sitemaps, feeds or links: fetching them", len(waiting))
        for url in waiting:
            self.decided.add(url)
            for request in self._article(url):
                assert isinstance(request, scrapy.Request)  # URLs too long were decided when found
                if url in self.known:
                    self._conditional(request, self.known[url])
                self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def _worth_checking(self, url: str) -> bool:
        """A stored article that only sources other than the listings found: checked
        again when the sitemap dates a change after its fetch; without a ``lastmod``,
        only when its section's listing was walked to its end (the walk that did
        not reach it is then the news; below a stopped walk it is not)."""
        if url in self.discovery.lastmod:
            return self._newer_in_sitemap(url)
        kind = classify(url)
        return kind is not None and (kind.lang, kind.section) not in self.walk_stopped

    @marks_done
    def parse_listing(
        self, response: Response, canonical: str
    ) -> Iterator[scrapy.Request | ArticleSeen | PollSnapshot | CrawlFailure]:
        here = classify(canonical)
        if not isinstance(response, TextResponse) or here is None:
            return
        self.crawler.stats.inc_value("riac/listings/fetched")
        page = ListingPage(response.selector, canonical, observed_at=response.meta.get("riac_fetched_at"))
        probed = response.meta.get("riac_kind") == "probe"
        for url, entry in page.entries.items():
            kind = classify(url)
            if kind and kind.lang == here.lang and kind.section in self.sections:
                yield from self._found(url, kind, "listings")
                if self.probe and not self._probe_takes((kind.lang, kind.section), url):
                    continue
                if url not in self.decided:
                    self.decided.add(url)
                    yield from self._article_or_seen(url, entry)
        if page.malformed_links:
            self.crawler.stats.inc_value("riac/links/malformed", page.malformed_links)
            self.logger.warning("%s: %d links that are no URL skipped", canonical, page.malformed_links)
        # Site-wide polls show on listing pages too: an incremental crawl that
        # fetches no article still takes its snapshot.
        yield from self._new_polls(page.polls)
        for warning in page.warnings:
            self.logger.warning("%s: %s", canonical, warning)
        listing = (here.lang, here.section)
        if self.probe:
            return  # a probe reads the first page of each listing only
        listed = stable_id(*sorted(page.entries)) if page.entries else ""
        earlier = self.listing_contents.setdefault(listing, set())
        if listed and listed in earlier:
            if probed:  # the site answers a page past the last with an earlier one: the listing ends
                self.crawler.stats.inc_value("riac/listings/probe_ended")
                return
            self.crawler.stats.inc_value("riac/listings/repeated_page")
            self.logger.warning("%s lists the same articles as an earlier page: not followed further", canonical)
            return
        if probed and not listed:
            self.crawler.stats.inc_value("riac/listings/probe_ended")
            return
        earlier.add(listed)
        if probed:
            self.crawler.stats.inc_value("riac/listings/probe_found")
            self.lone_first_pages.pop(listing, None)
            self._mark("lone", listing, 0)
            self.discovery.note(
                f"{here.lang}/{here.section}: the listing pages link no next page; "
                f"further pages found by probing ?{site.PROBE_PARAM}=N"
            )
        if self._walk_ends(listing, page.entries):
            return
        further = [url for url in page.further_pages() if url not in self.listing_requested]
        if not further and listed:  # a page with articles and no way on: probe the next page number
            further = [next_listing_page(canonical)]
            page_kind = "probe"
            if canonical == listing_url(here.section, here.lang):
                self.lone_first_pages[listing] = len(page.entries)
                self._mark("lone", listing, len(page.entries))
        else:
            page_kind = "listing"
        for url in further:
            if self.listing_pages[listing] >= self.max_listing_pages:
                self.crawler.stats.set_value(f"riac/listings/capped/{here.lang}/{here.section}", self.max_listing_pages)
                self.logger.warning("%s: RIAC_MAX_LISTING_PAGES=%d reached", canonical, self.max_listing_pages)
                break
            if url not in self.listing_requested:
                self.listing_requested.add(url)
                self.listing_pages[listing] += 1
                if self._too_long(url):  # Scrapy would drop it with an INFO line: the rest of the listing with it
                    fetch = fetch_url(url, self.base_url)
                    reason = f"URL longer than URLLENGTH_LIMIT={self.max_url_length} characters ({len(fetch)})"
                    yield CrawlFailure(url, "download", reason, dt.datetime.now(dt.UTC))
                    continue
                yield self._request(url, self.parse_listing, page_kind)

    def _walk_ends(self, listing: tuple[str, str], entries: dict[str, str]) -> bool:
        """Whether an incremental walk of this listing ends here: after
        RIAC_LISTING_STOP_AFTER pages in a row (as they arrive) that list only
        stored articles, each with its listing entry unchanged."""
        if listing in self.walk_stopped:
            return True
        if self.full_walk or not self.walk_policy.stop_after:
            return False
        listed = [
            (url, entry)
            for url, entry in entries.items()
            if (kind := classify(url)) and (kind.lang, kind.section) == listing
        ]
        if listed and all(self.known.get(url, {}).get("listing_hash") == entry for url, entry in listed):
            self.unchanged_in_a_row[listing] += 1
        else:
            self.unchanged_in_a_row[listing] = 0
        if self.unchanged_in_a_row[listing] < self.walk_policy.stop_after:
            return False
        self.walk_stopped[listing] = self.listing_pages[listing] + 1
        self._mark("walkstop", listing, self.walk_stopped[listing])
        self.crawler.stats.inc_value("riac/listings/walk_stopped")
        return True

    @marks_done
    def parse_home(self, response: Response, canonical: str) -> Iterator[PollSnapshot]:
        """The home page: its polls (the current and the past one)."""
        if not isinstance(response, TextResponse):
            return
        self.crawler.stats.inc_value("riac/listings/fetched")
        lang = "en" if canonical.rstrip("/").endswith("/en") else "ru"
        page = ListingPage(response.selector, canonical, observed_at=response.meta.get("riac_fetched_at"), lang=lang)
        yield from self._new_polls(page.polls)

    def _article_or_seen(self, url: str, entry: str) -> Iterator[scrapy.Request | ArticleSeen]:
        """New articles are fetched; known ones only when their listing entry
        changed, and then conditionally on their ETag / Last-Modified."""
        known = self.known.get(url)
        if known is None:
            yield from self._article(url, entry)
            return
        if known["listing_hash"] == entry and not self._newer_in_sitemap(url):
            self.crawler.stats.inc_value("riac/articles/unchanged")
            self.crawler.stats.inc_value("riac/articles/done")
            self.marked_unchanged.add(url)
            yield ArticleSeen(url, dt.datetime.now(dt.UTC))
            return
        yield from self._conditional_article(url, entry)

    def _conditional_article(self, url: str, entry: str | None = None) -> Iterator[scrapy.Request | CrawlFailure]:
        for request in self._article(url, entry):
            if isinstance(request, scrapy.Request):
                self._conditional(request, self.known[url])
            yield request

    @staticmethod
    def _conditional(request: scrapy.Request, known: dict[str, Any]) -> None:
        for header, value in (("If-None-Match", known["etag"]), ("If-Modified-Since", known["last_modified"])):
            if value:
                request.headers[header] = value
        request.meta["handle_httpstatus_list"] = [304]

    @marks_done
    def parse_article(
        self, response: Response, canonical: str
    ) -> Iterator[Article | ArticleSeen | PollSnapshot | CrawlFailure]:
        fetched_at = response.meta.get("riac_fetched_at") or dt.datetime.now(dt.UTC)  # the archive's WARC-Date
        requested, canonical = canonical, self._canonical_of(response, canonical)
        if canonical != requested:
            self.landed_as[requested] = canonical
            if self.journal is not None:
                self.journal.redirect(requested, canonical)
        headers = {
            name: (response.headers.get(name) or b"").decode("latin-1") or None
            for name in ("Content-Type", "ETag", "Last-Modified")
        }
        item = article_page(response.body, response.status, headers, canonical, fetched_at)
        if isinstance(item, ArticleSeen):
            self.crawler.stats.inc_value("riac/articles/not_modified")
        if isinstance(item, Article):
            item.listing_hash = response.meta.get("listing_hash")
            item.warc_file, item.warc_offset = response.meta.get("riac_warc", (None, None, None))[:2]
            if "links" in self.discovery.enabled:
                for url in item.linked:
                    if kind := self._in_scope(url):
                        yield from self._found(url, kind, "links")
            if "tags" in self.discovery.enabled and not self.probe:
                for tag in item.tags:
                    yield from self._tag_page(tag, item.lang)
            published = self.discovery.published.get(requested) or self.discovery.published.get(canonical)
            if item.published is None and published is not None:  # a page that prints no date: its feed's
                item.published = published.date()
                item.fallback_fields.append("published")
            item.found_by = self.discovery.sources_of(requested) or self.discovery.sources_of(canonical)
            if self.probe:
                self.probed.append(item)
        yield item
        if isinstance(item, Article):
            yield from self._new_polls(item.polls)

    def _new_polls(self, polls: list[PollSnapshot]) -> Iterator[PollSnapshot]:
        """Polls not yet handed on in this run: the site-wide poll shows on every
        page, and the pipelines need to see it once (they de-duplicate anyway)."""
        for poll in polls:
            if poll.poll_id not in self.polls_seen:
                self.polls_seen.add(poll.poll_id)
                yield poll

    @staticmethod
    def _not_on_site(listing: PageKind, canonical: str, reason: str) -> bool:
        """A listing nobody has seen in this language whose first page is not there."""
        return (
            (listing.lang, listing.section) in site.UNCONFIRMED_LISTINGS
            and canonical == listing_url(listing.section, listing.lang)
            and reason == "HTTP 404"
        )

    def on_error(self, failure: Failure) -> Iterator[CrawlFailure | PageDone]:
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else f"{failure.type.__name__}: {failure.value}"
        reason = grouping_reason(reason)[:300]  # the same reason on every host and port: it can be grouped
        canonical = request.cb_kwargs.get("canonical", request.url)
        kind = request.meta.get("riac_kind")
        listing = classify(canonical) if kind == "listing" else None
        if listing is not None and self._not_on_site(listing, canonical, reason):
            self.listings_missing.add((listing.lang, listing.section))
            self.discovery.note(f"{listing.lang}/{listing.section}: the site has no such listing ({reason})")
            if self.journal is not None:
                yield PageDone(canonical)
            return
        if listing is not None:
            self.listings_failed.add(f"{listing.lang}/{listing.section}")
        if kind == "probe":  # a page past the last one: the listing ends there
            self.crawler.stats.inc_value("riac/listings/probe_ended")
        elif kind == "tags":  # past a tag's last page, or the search not there: one note for all tags
            if (where := tag_search_page(canonical)) is None or where[2] == 1:
                self.discovery.note(f"tag search listings: {reason}")
        elif kind in DOCUMENTS:  # a sitemap or feed the site does not have is a note, not a failed page
            missing = " (the site has none there)" if reason == "HTTP 404" else ""
            self.discovery.note(f"{kind} {canonical}: {reason}{missing}")
        if kind == "probe" or kind in DOCUMENTS:
            if self.journal is not None:
                yield PageDone(canonical)
            return
        if request.callback == self.parse_article:
            self.crawler.stats.inc_value("riac/articles/done")
        yield CrawlFailure(canonical, "download", reason, dt.datetime.now(dt.UTC))
        if self.journal is not None:
            yield PageDone(canonical)
