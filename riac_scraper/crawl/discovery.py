"""Where the crawl finds article URLs, and an account of what each source found.

Sources, each on by default and switched off with its setting:

- ``listings`` (``RIAC_DISCOVERY_LISTINGS``): the section listing pages and
  their pagination, linked or not (see ``ListingPage.further_pages`` and the
  spider's probing of ``?PAGEN_1=N+1``);
- ``sitemap`` (``RIAC_DISCOVERY_SITEMAPS``): the sitemaps named in robots.txt,
  else ``/sitemap.xml``, index files and gzip included, read with Scrapy's
  own sitemap support;
- ``feeds`` (``RIAC_DISCOVERY_FEEDS``): the site's RSS feeds (``site.FEED_PATHS``),
  read with Scrapy's XML iterator;
- ``links`` (``RIAC_DISCOVERY_LINKS``): links between articles (teasers,
  related materials, translations);
- ``tags`` (``RIAC_DISCOVERY_TAGS``, off by default: a deep source): the site
  search's listing of each tag the crawl's articles carry, page by page.

Listings and sitemaps each claim to list a whole section; when one reaches
much less of a section than the other (``RIAC_MAX_DISCOVERY_GAP``, a share
of the articles either found), ``gaps`` names it and the crawl fails.
A source the site does not have (no sitemap, say) is a note, never an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.iterators import xmliter_lxml
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from riac_scraper.items import DISCOVERY_SOURCES
from riac_scraper.urls import PageKind

SOURCES = DISCOVERY_SOURCES
SETTINGS = {
    "listings": "RIAC_DISCOVERY_LISTINGS",
    "sitemap": "RIAC_DISCOVERY_SITEMAPS",
    "feeds": "RIAC_DISCOVERY_FEEDS",
    "links": "RIAC_DISCOVERY_LINKS",
    "tags": "RIAC_DISCOVERY_TAGS",
}
OFF_BY_DEFAULT = frozenset({"tags"})  # one listing per tag, each paged through: many requests for few articles
DOCUMENT_SOURCES = ("sitemap", "feeds", "tags")  # the sources that read documents of their own
WHOLE_SECTION = ("listings", "sitemap")  # the sources that claim to list a whole section
NOTES_LISTED = 50
MAX_DOCUMENTS = 10_000  # sitemaps and feeds per crawl: a sitemap index that names endless others ends here
PROBE_DOCUMENTS = 20  # riac probe reads this many at most: a first look, not the whole sitemap


class NotASitemap(ValueError):
    """A document served as a sitemap that is none; the message is one line."""


@dataclass
class SitemapDocument:
    kind: str  # "urlset" or "sitemapindex"
    entries: list[dict[str, Any]]  # {"loc": ..., "lastmod": ..., "alternate": [...]}


def sitemaps_in_robots(body: bytes, base_url: str) -> list[str]:
    """The sitemap URLs a robots.txt names (Scrapy's reading of ``Sitemap:`` lines)."""
    return list(dict.fromkeys(sitemap_urls_from_robots(body, base_url=base_url)))


def read_sitemap(body: bytes, max_size: int = 0) -> SitemapDocument:
    """A sitemap or sitemap index, gzipped or not, read whole; ``NotASitemap`` for anything else.

    Scrapy's reader recovers what it can of a document cut short (its last URL
    may be cut too); a part of a sitemap is refused, gzipped or not."""
    if _gzipped(body):
        try:
            data = gunzip(body, max_size=max_size)
        except Exception as exc:  # a corrupt or oversized gzip file: gunzip raises several kinds
            raise NotASitemap(f"cannot be decompressed ({type(exc).__name__}: {exc})") from None
        # gunzip keeps what it could read of a stream cut short; the trailer's last 4 bytes hold the full size
        if int.from_bytes(body[-4:], "little") != len(data) & 0xFFFFFFFF:
            raise NotASitemap("is a gzip stream cut short")
        body = data
    try:
        document = Sitemap(body)
    except (etree.XMLSyntaxError, StopIteration):
        raise NotASitemap("is no XML document") from None
    if document.type not in ("urlset", "sitemapindex"):
        raise NotASitemap(f"is an XML document of another kind (<{document.type}>)")
    entries = list(document)
    closing = rb"</(?:[\w.-]+:)?%s\s*>" % document.type.encode() if entries else rb"(?:/|</[^<>]+)>"  # or <urlset/>
    if not re.search(closing + rb"(?:\s|<!--.*?-->)*\Z", body[-4096:], re.S):  # the tail: comments may follow
        raise NotASitemap(f"is cut short (it does not end with </{document.type}>)")
    return SitemapDocument(document.type, entries)


def _gzipped(body: bytes) -> bool:
    # scrapy.utils.gz.gzip_magic_number takes a response; this is its test, on bytes.
    return body[:3] == b"\x1f\x8b\x08"


def read_feed(body: bytes) -> list[tuple[str, dt.datetime | None]]:
    """(link, publication time) of every item of an RSS feed or entry of an Atom feed."""
    found: list[tuple[str, dt.datetime | None]] = []
    try:
        for item in xmliter_lxml(body, "item"):
            link = (item.xpath("./link/text()").get() or item.xpath("./guid/text()").get() or "").strip()
            if link:
                found.append((link, _feed_date(item.xpath("./pubDate/text()").get())))
        if not found:
            atom = "http://www.w3.org/2005/Atom"
            for entry in xmliter_lxml(body, "entry", namespace=atom, prefix="a"):
                link = (entry.xpath("./a:link[not(@rel) or @rel='alternate']/@href").get() or "").strip()
                if link:
                    found.append((link, iso_date(entry.xpath("./a:published/text()|./a:updated/text()").get())))
    except etree.XMLSyntaxError:
        return found
    return found


def _feed_date(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def iso_date(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.strip())  # Python 3.11 reads "Z" as UTC
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def sitemap_date(text: str | None) -> dt.datetime | None:
    """A sitemap's ``lastmod`` (W3C datetime) as the latest moment it can mean:
    a date alone is the end of that day, so that a change later that day is not
    taken for one before a fetch on it."""
    when = iso_date(text)
    if when is not None and len(text.strip()) == 10:  # type: ignore[union-attr]  # YYYY-MM-DD
        when += dt.timedelta(days=1)
    return when


def group_of(kind: PageKind) -> str:
    return f"{kind.lang}/{kind.section}"


@dataclass
class Discovery:
    """Which sources found each article URL of the crawl, and what became of
    each source's documents (read, missing, unreadable)."""

    enabled: tuple[str, ...] = SOURCES
    found: dict[str, set[str]] = field(default_factory=dict)  # url -> sources
    groups: dict[str, str] = field(default_factory=dict)  # url -> "lang/section"
    documents: Counter[str] = field(default_factory=Counter)  # "sitemap" -> sitemap documents read
    notes: list[str] = field(default_factory=list)
    published: dict[str, dt.datetime] = field(default_factory=dict)  # url -> a feed's pubDate
    lastmod: dict[str, dt.datetime] = field(default_factory=dict)  # url -> its sitemap's lastmod

    def add(self, url: str, kind: PageKind, source: str) -> bool:
        """Records that ``source`` found ``url``; True when it is new to that source."""
        sources = self.found.setdefault(url, set())
        if source in sources:
            return False
        sources.add(source)
        self.groups[url] = group_of(kind)
        return True

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def sources_of(self, url: str) -> list[str]:
        return [s for s in SOURCES if s in self.found.get(url, ())]

    def by_url(self, landed_as: dict[str, str]) -> dict[str, list[str]]:
        """The sources of every article URL found; an article that answered
        under another URL (a redirect) has the sources of both."""
        found = {url: self.sources_of(url) for url in self.found}
        for requested, landed in landed_as.items():
            if requested in self.found:
                both = self.found[requested] | self.found.get(landed, set())
                found[landed] = [s for s in SOURCES if s in both]
        return found

    def _by_source(self) -> dict[str, dict[str, set[str]]]:
        found: dict[str, dict[str, set[str]]] = {s: defaultdict(set) for s in SOURCES}
        for url, sources in self.found.items():
            for source in sources:
                found[source][self.groups[url]].add(url)
        return found

    def account(self) -> dict[str, Any]:
        """The report's ``discovery``: per source and per section x language, how
        many article URLs were found, and how the sources overlap."""
        found = self._by_source()
        overlaps = Counter(" + ".join(self.sources_of(url)) for url in self.found)
        return {
            "sources": {
                source: {
                    "enabled": source in self.enabled,
                    "articles": len({u for urls in found[source].values() for u in urls}),
                    "by_section": {group: len(urls) for group, urls in sorted(found[source].items())},
                    **({"documents_read": self.documents[source]} if source in DOCUMENT_SOURCES else {}),
                }
                for source in SOURCES
            },
            "articles": len(self.found),
            "found_by": dict(sorted(overlaps.items(), key=lambda kv: (-kv[1], kv[0]))),
            "notes": self.notes[:NOTES_LISTED],
        }

    def gaps(self, max_gap: float, unjudged: dict[str, str] | None = None) -> list[str]:
        """One line for each section whose listings reached fewer of its articles
        than its sitemap lists, by more than ``max_gap`` of the articles either
        found. Sections in ``unjudged`` ("lang/section" -> why: a listing page
        failed, and that failure is on record; an incremental walk stopped on
        purpose) are not judged. A sitemap that lists less than the listings
        reached is a note: nothing was missed, every article found was fetched."""
        if not all(s in self.enabled for s in WHOLE_SECTION) or not self.documents["sitemap"]:
            return []
        found = self._by_source()
        unjudged = unjudged or {}
        problems = []
        for group in sorted(set(found["listings"]) | set(found["sitemap"])):
            listed, mapped = found["listings"].get(group, set()), found["sitemap"].get(group, set())
            union = listed | mapped
            if len(mapped - listed) > max_gap * len(union):
                line = f"{group}: listings reached {len(listed & mapped)} of the {len(mapped)} articles in the sitemap"
                if group in unjudged:
                    self.note(f"{line}, but {unjudged[group]}: not judged")
                else:
                    problems.append(
                        line
                        + ("; listing pagination is not being followed" if listed else "; no listing page listed one")
                    )
            if mapped and len(listed - mapped) > max_gap * len(union):
                self.note(
                    f"{group}: the sitemap lists {len(listed & mapped)} of the {len(listed)} articles the listings "
                    "reached; the sitemap is incomplete"
                )
        return problems


def enabled_sources(settings: Any) -> tuple[str, ...]:
    return tuple(source for source in SOURCES if settings.getbool(SETTINGS[source], source not in OFF_BY_DEFAULT))
