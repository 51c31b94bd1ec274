"""The spider's discovery documents: robots.txt's sitemaps, sitemaps, feeds and
tag search listings, each read for the article URLs it names (see
``discovery.py`` for the account of what each source found).

``DocumentCallbacks`` is a part of ``RiacSpider``, kept apart so that the
spider module holds the crawl's course (start, listings, articles, resume)
and this one what the other sources read; it uses the spider's state
(``discovery``, ``known``, ``documents_requested``, the journal).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

from riac_scraper import site
from riac_scraper.crawl.discovery import (
    MAX_DOCUMENTS,
    PROBE_DOCUMENTS,
    NotASitemap,
    read_feed,
    read_sitemap,
    sitemap_date,
    sitemaps_in_robots,
)
from riac_scraper.items import CrawlFailure, PageDone
from riac_scraper.pages.listing import ListingPage
from riac_scraper.urls import document_url, site_url, stable_id, tag_search_page, tag_search_url

# The journal's page kinds and the callbacks that read them.
CALLBACKS = {
    "article": "parse_article",
    "home": "parse_home",
    "listing": "parse_listing",
    "probe": "parse_listing",
    "sitemap": "parse_sitemap",
    "feed": "parse_feed",
    "tags": "parse_tags",
}
# The page kinds that are no page of the dataset: discovery's documents (tags: a tag's search listing).
DOCUMENTS = frozenset({"sitemap", "feed", "tags"})


def marks_done(callback: Any) -> Any:
    """A page's own output; a failure record if its callback raised, so that no
    page vanishes with a traceback in the log; then a PageDone, after which
    the journal counts the page finished."""

    @functools.wraps(callback)
    def wrapper(self: Any, response: Response, canonical: str) -> Iterator[Any]:
        try:
            yield from callback(self, response, canonical)
        except Exception as exc:  # one broken page must not end the crawl, nor vanish
            self.logger.exception("error reading %s", canonical)
            self.crawler.stats.inc_value("riac/pages/spider_error")
            yield CrawlFailure(canonical, "parse", f"{type(exc).__name__}: {exc}"[:300], dt.datetime.now(dt.UTC))
        if callback.__name__ == "parse_article":
            self.crawler.stats.inc_value("riac/articles/done")
        if self.journal is not None:
            yield PageDone(canonical)

    return wrapper


class DocumentCallbacks:
    """What ``RiacSpider`` reads beside listings and articles."""

    # Provided by RiacSpider.
    _request: Any
    _found: Any
    _mark: Any
    _in_scope: Any
    _too_long: Any
    _conditional_article: Any

    def _document(self, url: str, kind: str) -> scrapy.Request:
        self.documents_requested.add(url)
        return self._request(url, getattr(self, CALLBACKS[kind]), kind)

    def _capped_document(self, url: str, kind: str) -> Iterator[scrapy.Request]:
        """A document named by another, once, while the crawl reads fewer than
        its cap of them (a sitemap index naming endless others ends there)."""
        if len(self.documents_requested) >= (limit := PROBE_DOCUMENTS if self.probe else MAX_DOCUMENTS):
            self.documents_capped = True
            self.discovery.note(f"more than {limit} sitemaps, feeds and tag pages: {url[:200]} and later ones not read")
        elif url not in self.documents_requested:
            yield self._document(url, kind)

    def _read(self, source: str) -> None:
        """One more document of ``source`` read, journaled for a resumed crawl."""
        self.discovery.documents[source] += 1
        self._mark("documents", source, self.discovery.documents[source])

    def _newer_in_sitemap(self, url: str) -> bool:
        """Whether the sitemap dates a stored article's last change after its stored fetch."""
        lastmod = self.discovery.lastmod.get(url)
        fetched = self.known.get(url, {}).get("fetched_at")
        return lastmod is not None and (fetched is None or lastmod > fetched)

    def on_robots(self, body: bytes, status: int) -> None:
        """robots.txt, as the robots middleware fetched it: the sitemaps it names,
        else those of ``site.SITEMAP_PATHS``."""
        if "sitemap" not in self.discovery.enabled or self.robots_read:
            return
        self.robots_read = True
        robots = site.ORIGIN + site.ROBOTS_PATH
        named = sitemaps_in_robots(body, robots) if status == 200 else []
        if not named:
            self.discovery.note(f"robots.txt names no sitemap: trying {', '.join(site.SITEMAP_PATHS)}")
            named = [site.ORIGIN + path for path in site.SITEMAP_PATHS]
        for url in named:
            for request in self._next_document(url, "sitemap", "robots.txt"):
                self.crawler.engine.crawl(request)

    def _next_document(self, url: str, kind: str, named_by: str) -> Iterator[scrapy.Request]:
        document = document_url(url, self.base_url)
        if document is None:
            self.discovery.note(f"{named_by} names a {kind} outside the site, not read: {url[:200]}")
        else:
            yield from self._capped_document(document, kind)

    @marks_done
    def parse_sitemap(self, response: Response, canonical: str) -> Iterator[scrapy.Request | CrawlFailure]:
        try:
            document = read_sitemap(response.body, self.max_document_size)
        except NotASitemap as exc:
            self.discovery.note(f"sitemap {canonical} {exc}")
            return
        self._read("sitemap")
        for entry in document.entries:
            if document.kind == "sitemapindex":
                yield from self._next_document(entry["loc"], "sitemap", canonical)
                continue
            for loc in (entry["loc"], *entry.get("alternate", ())):
                url = site_url(loc, self.base_url)
                if url is not None and (kind := self._in_scope(url)):
                    yield from self._found(url, kind, "sitemap")
                    if loc == entry["loc"] and (lastmod := sitemap_date(entry.get("lastmod"))) is not None:
                        yield from self._lastmod(url, lastmod)

    def _lastmod(self, url: str, lastmod: dt.datetime) -> Iterator[scrapy.Request | CrawlFailure]:
        """A sitemap's ``lastmod``; a stored article already marked unchanged from its
        listing entry is fetched again (conditionally) when it dates a later change."""
        earlier = self.discovery.lastmod.get(url)
        self.discovery.lastmod[url] = max(lastmod, earlier) if earlier else lastmod
        if url in self.known and self.discovery.lastmod[url] != earlier:  # only stored articles' count
            self._mark("lastmod", url, self.discovery.lastmod[url].isoformat())
        if url in self.marked_unchanged and self._newer_in_sitemap(url):
            self.marked_unchanged.discard(url)
            self.crawler.stats.inc_value("riac/articles/lastmod_refetch")
            yield from self._conditional_article(url)

    def _tag_page(self, tag: str, lang: str, number: int = 1) -> Iterator[scrapy.Request]:
        """A page of the site search's listing of a tag; the first of each tag once."""
        if number == 1:
            if (lang, tag) in self.tags_requested:
                return
            self.tags_requested.add((lang, tag))
        url = tag_search_url(tag, lang, number)
        if not self._too_long(url):
            yield from self._capped_document(url, "tags")

    @marks_done
    def parse_tags(self, response: Response, canonical: str) -> Iterator[scrapy.Request | CrawlFailure]:
        """A tag's search listing: its articles, then its next page until one
        lists nothing new to the tag (empty, or an earlier page again)."""
        where = tag_search_page(canonical)
        if where is None or not isinstance(response, TextResponse):
            return
        tag, lang, number = where
        entries = ListingPage(response.selector, canonical).entries
        listed = stable_id(*sorted(entries))
        earlier = self.tag_pages.setdefault((lang, tag), set())
        if not entries or listed in earlier:
            self.crawler.stats.inc_value("riac/tags/ended")
            return
        earlier.add(listed)
        self._read("tags")
        for url in entries:
            if kind := self._in_scope(url):
                yield from self._found(url, kind, "tags")
        if number >= self.max_tag_pages:
            self.discovery.note(
                f"tag search listings are read to RIAC_MAX_TAG_PAGES={self.max_tag_pages} pages at most"
            )
        else:
            yield from self._tag_page(tag, lang, number + 1)

    @marks_done
    def parse_feed(self, response: Response, canonical: str) -> Iterator[CrawlFailure]:
        items = read_feed(response.body)
        if not items:
            self.discovery.note(f"feed {canonical} has no item")
            return
        self._read("feeds")
        for link, published in items:
            url = site_url(link, self.base_url)
            if url is not None and (kind := self._in_scope(url)):
                yield from self._found(url, kind, "feeds")
                if published is not None and url not in self.discovery.published:
                    self.discovery.published[url] = published
                    self._mark("published", url, published.isoformat())
