"""``ListingPage``: the articles a listing page links to, the polls it shows
and the further listing pages of its section."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from lxml import etree
from parsel import Selector

from riac_scraper.items import PollSnapshot
from riac_scraper.pages.article import read_page
from riac_scraper.pages.cues import key
from riac_scraper.pages.polls import parse_polls
from riac_scraper.urls import PageKind, canonical_url, classify, is_malformed, stable_id


class ListingPage:
    """One listing page at ``url`` (its real-site form)."""

    def __init__(
        self, sel: Selector, url: str, *, observed_at: dt.datetime | None = None, lang: str | None = None
    ) -> None:
        self.sel = sel
        self.url = url
        self.kind: PageKind | None = classify(url)
        self.lang = lang or (self.kind.lang if self.kind else "ru")
        self.observed_at = observed_at or dt.datetime.now(dt.UTC)
        self.warnings: list[str] = []
        self.malformed_links = 0  # hrefs that are no URL at all: skipped, counted

    @cached_property
    def _links(self) -> list[tuple[etree._Element, str]]:
        """(element, canonical URL) of every link to a page of the site; a link
        that is no URL at all is skipped and counted, never the page."""
        found = []
        for link in self.sel.root.iter("a"):
            href = link.get("href")
            url = canonical_url(href, self.url) if href else None
            if url is not None:
                found.append((link, url))
            elif href and is_malformed(href, self.url):
                self.malformed_links += 1
        return found

    @cached_property
    def entries(self) -> dict[str, str]:
        """The articles the page links to, each with a hash of its entry's
        text: the largest element around the link that links to no other
        article (title, date, teaser).  A changed hash means the entry changed."""
        links: list[tuple[etree._Element, str]] = []
        below: dict[etree._Element, set[str]] = {}  # element -> article URLs linked from inside it
        for link, url in self._links:
            kind = classify(url)
            if kind is None or kind.kind != "article":
                continue
            links.append((link, url))
            for element in (link, *link.iterancestors()):
                below.setdefault(element, set()).add(url)  # the key keeps lxml's proxy, and so its identity
        entries: dict[str, str] = {}
        for link, url in links:
            if url in entries:
                continue
            entry = link
            for parent in link.iterancestors():
                if parent.tag in ("body", "html") or below[parent] != {url}:
                    break
                entry = parent
            entries[url] = stable_id(key(" ".join(" ".join(entry.itertext()).split())))
        return entries

    def further_pages(self) -> list[str]:
        """Other listing pages of the same section and language."""
        here = self.kind
        if here is None:
            return []
        pages = []
        for _, url in self._links:
            kind = classify(url)
            if kind and kind.kind == "listing" and kind.lang == here.lang and kind.section == here.section:
                pages.append(url)
        return pages

    @cached_property
    def polls(self) -> list[PollSnapshot]:
        return parse_polls(read_page(self.sel).lines, self.lang, self.url, self.observed_at, self.warnings)


def listing_entries(sel: Selector, base: str) -> dict[str, str]:
    """The articles a listing page links to (see ``ListingPage.entries``)."""
    return ListingPage(sel, base).entries
