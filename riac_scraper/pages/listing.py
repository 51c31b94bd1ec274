"""``ListingPage``: the articles a listing page links to, the polls it shows
and the further listing pages of its section."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

from riac_scraper import site
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
        """Other listing pages of the same section and language, each once: those
        linked, and next pages that are no link (``<link rel="next">``, a URL in a
        ``data-*`` attribute of a "Show more" button, a form with a page number)."""
        here = self.kind
        if here is None:
            return []
        pages: dict[str, None] = {}
        for url in (*(url for _, url in self._links), *self._unlinked_pages()):
            kind = classify(url)
            if kind and kind.kind == "listing" and kind.lang == here.lang and kind.section == here.section:
                pages[url] = None
        return list(pages)

    def _unlinked_pages(self) -> list[str]:
        """Listing page URLs that are no ``<a href>``; those from attributes and
        forms only with a page number, so that no attribute value that merely
        looks like a path becomes a page to fetch."""
        found = [canonical_url(href, self.url) for href in _NEXT_LINKS(self.sel.root)]
        for value in _DATA_VALUES(self.sel.root):
            if value.startswith(("/", "?", "http://", "https://")):
                found.append(_paginated(canonical_url(value, self.url)))
        for form in _PAGE_FORMS(self.sel.root):
            fields = [(i.get("name"), i.get("value") or "") for i in form.iter("input", "button")]
            query = "&".join(f"{name}={value}" for name, value in fields if name and site.PAGINATION_PARAM.match(name))
            action = canonical_url(form.get("action") or self.url, self.url)
            if query and action is not None:
                found.append(_paginated(canonical_url(f"{action.split('?')[0]}?{query}")))
        return [url for url in found if url is not None]

    @cached_property
    def polls(self) -> list[PollSnapshot]:
        return parse_polls(read_page(self.sel).lines, self.lang, self.url, self.observed_at, self.warnings)


_NEXT_LINKS = etree.XPath("//link[@rel='next']/@href")
_DATA_VALUES = etree.XPath("//@*[starts-with(name(), 'data-')]")
_PAGE_FORMS = etree.XPath("//form[.//*[starts-with(@name, 'PAGEN_')]]")


def _paginated(url: str | None) -> str | None:
    """``url`` when it names a page number (the canonical form keeps only that parameter)."""
    return url if url is not None and urlsplit(url).query else None


def listing_entries(sel: Selector, base: str) -> dict[str, str]:
    """The articles a listing page links to (see ``ListingPage.entries``)."""
    return ListingPage(sel, base).entries
