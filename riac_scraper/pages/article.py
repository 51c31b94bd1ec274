"""``ArticlePage``: what an article page says, one method per output field.

The page is parsed once (its lines, its metadata, the window of lines that
holds the article's text); each field's method owns its cascade of layers,
first good answer wins, and records which layer answered in ``answered``:

- ``selectors``: the site's selectors (``site.SELECTORS``, empty until the
  live markup is known);
- ``text``: the visible text cues of the site (labels, patterns and the order
  of the lines, see ``cues``);
- ``metadata``: standard metadata (``<title>``, ``og:*``, JSON-LD, microdata);
- ``trafilatura`` / ``htmldate``: the last resort for body and date.

Fields answered by a layer other than the ones that answer them in good
health (selectors and text; metadata for the date) are listed in
``Article.fallback_fields``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
import threading
from collections.abc import Iterator
from functools import cached_property

from lxml import etree
from parsel import Selector

from riac_scraper import site
from riac_scraper.items import INT32_MAX, Article, Author, PollSnapshot
from riac_scraper.pages.cues import (
    END_OF_TEXT,
    FIELD_LABEL,
    cut_points,
    is_date_line,
    is_image,
    is_link_row,
    is_paragraph,
    is_tag_link,
    is_teaser_title,
    is_widget_debris,
    key,
    labels,
    looks_like_name,
    turn_page,
    widget_kind,
)
from riac_scraper.pages.language import page_language
from riac_scraper.pages.metadata import PageMetadata, read_metadata
from riac_scraper.pages.polls import first_poll, parse_polls
from riac_scraper.pages.reading import Line, Reading, read_lines, within
from riac_scraper.pages.values import parse_date, parse_float, parse_int
from riac_scraper.pages.witnesses import check, without_site_suffix
from riac_scraper.urls import canonical_url, classify, url_lang

_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_CLASS_SELECTOR = re.compile(r"^(?P<tag>[a-z][a-z0-9]*)?\.(?P<cls>[\w-]+)$")
_TERMINAL = re.compile(r"[.!?…»\"”]$")
_REGION_LABELS = labels(site.REGION_LABEL)
# The layers that answer a field in good health; an answer from any other
# layer puts the field in Article.fallback_fields.
PRIMARY_LAYERS = {"published": frozenset({"metadata"})}
_PRIMARY = frozenset({"selectors", "text"})


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


class SiteSelectors:
    """The site's selectors (``site.SELECTORS``) on one page.

    Simple ``tag.class`` / ``.class`` selectors are answered from one index of
    the page's class attributes, built once (a CSS query walks the whole tree
    each time); anything else goes to parsel.
    """

    def __init__(self, sel: Selector) -> None:
        self.sel = sel
        self._index: dict[str, list[etree._Element]] | None = None

    def _by_class(self, cls: str) -> list[etree._Element]:
        if self._index is None:
            self._index = {}
            for element in self.sel.root.xpath("//*[@class]"):
                for token in element.get("class", "").split():
                    self._index.setdefault(token, []).append(element)
        return self._index.get(cls, [])

    def find(self, name: str, inside: etree._Element | None = None) -> list[etree._Element]:
        """Elements of the first selector for ``name`` that matches (within ``inside``)."""
        for query in site.SELECTORS.get(name, ()):
            simple = _CLASS_SELECTOR.match(query)
            if simple is None:
                scope = self.sel if inside is None else Selector(root=inside)
                found = [match.root for match in scope.css(query)]
            else:
                found = [
                    element
                    for element in self._by_class(simple["cls"])
                    if (simple["tag"] is None or element.tag == simple["tag"])
                    and (inside is None or any(a is inside for a in element.iterancestors()))
                ]
            if found:
                return found
        return []


_PARSER = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)  # reused: building one costs


def _parse(html: str) -> Selector:
    # Control characters are not allowed in HTML and lxml refuses them. They are
    # deleted from the UTF-8 bytes: no byte below 0x80 is part of a longer character.
    body = html.encode("utf-8", errors="replace").translate(None, _CONTROL_BYTES).strip() or b"<html/>"
    root = _tree(body)
    if any("Excessive depth" in error.message for error in _PARSER.error_log):
        root = _tree(_flatten(body))  # lxml stops at 2,048 levels: read the page flat instead
    return Selector(root=root, type="html")


def _tree(body: bytes) -> etree._Element:
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except (ValueError, etree.LxmlError):
        root = None
    return root if root is not None else etree.fromstring(b"<html/>", parser=_PARSER)


# Containers become line breaks and inline wrappers vanish: what a reader sees
# of a page nested deeper than the parser follows, without the nesting.
_CONTAINER_TAGS = re.compile(
    rb"</?(?:div|section|article|main|aside|header|footer|nav|center|blockquote|table|thead|tbody|tfoot|tr|td|th"
    rb"|ul|ol|li|dl|dt|dd|figure|figcaption|form|fieldset)\b[^>]*>",
    re.IGNORECASE,
)
_INLINE_TAGS = re.compile(rb"</?(?:span|font|b|i|em|strong|small|big|u|s|sub|sup|mark|abbr|cite|q)\b[^>]*>", re.I)


def _flatten(body: bytes) -> bytes:
    return _INLINE_TAGS.sub(b"", _CONTAINER_TAGS.sub(b"<br>", body))


def read_page(sel: Selector) -> Reading:
    """The page's lines, cut where a label or a widget pattern starts inside one."""
    turn_page()
    root = sel.root  # an element; a JSON selector's root is a dict or a number, and has no lines
    return read_lines(root if isinstance(getattr(root, "tag", None), str) else None, cut=cut_points)


class ArticlePage:
    """One article page.  ``url`` is where it lives on the real site (any
    variant); ``base`` is where it was fetched from, for relative links."""

    def __init__(self, html: str, url: str, *, fetched_at: dt.datetime | None = None, base: str | None = None) -> None:
        self.html = html
        self.fetched_at = fetched_at or dt.datetime.now(dt.UTC)
        self.url = canonical_url(url) or url
        kind = classify(self.url)
        self.lang = kind.lang if kind else url_lang(self.url)
        self.section = kind.section if kind else ""
        self.base = base or url
        self.warnings: list[str] = []
        self.answered: dict[str, str] = {}  # field -> the layer that answered it
        self.sel = _parse(html)
        self.meta: PageMetadata = read_metadata(self.sel)
        self.warnings.extend(self.meta.warnings)
        reading = read_page(self.sel)
        self.lines: list[Line] = reading.lines
        self.links = reading.links
        self.selectors = SiteSelectors(self.sel)

    def _answer(self, name: str, layer: str) -> None:
        self.answered.setdefault(name, layer)

    # ---------------------------------------------------------- structure
    def _get_window(self) -> tuple[int, int]:
        """Indices [start, end) of the lines between the header widgets and the
        first widget after the article text (rating, share, tags, poll, footer)."""
        lines = self.lines
        # Running text above the title (a consent banner, a notice) is the page's, not the article's.
        h1 = next((i for i, line in enumerate(lines) if line.tag == "h1"), -1)
        first_paragraph = next((i for i in range(h1 + 1, len(lines)) if is_paragraph(lines[i].text)), None)
        if first_paragraph is None:
            first_paragraph = next((i for i, line in enumerate(lines) if is_paragraph(line.text)), len(lines))
        start = 0
        for i, line in enumerate(lines[:first_paragraph]):
            if line.tag == "h1" or widget_kind(line.text):
                start = i + 1
        title_key = key(self.title) if self.title else None
        while start < len(lines) and (
            widget_kind(lines[start].text)
            or is_widget_debris(lines[start])
            or key(lines[start].text) == title_key
            or is_date_line(lines[start].text)
            or self._is_label_value(start)
        ):
            start += 1
        end = start
        while end < len(lines) and self._kind(end) not in END_OF_TEXT:
            end += 1
        poll = first_poll(lines[start:end])  # a poll without a title label ends the text at its question
        return start, end if poll is None else start + poll

    window = cached_property(_get_window)

    def _is_label_value(self, i: int) -> bool:
        """A line that is the value of the label above it ("Type:" / "Analytics"),
        where the label has none on its own line."""
        label = FIELD_LABEL.match(self.lines[i - 1].text.strip()) if i > 0 else None
        return label is not None and not label["value"] and not is_paragraph(self.lines[i].text)

    def _kind(self, i: int) -> str | None:
        line = self.lines[i]
        if kind := widget_kind(line.text):
            return kind
        if line.links and is_link_row(line) and all(is_tag_link(href) for _, _, href in line.links):
            return "tags"
        return None

    @property
    def header(self) -> list[Line]:
        return self.lines[: self.window[0]]

    def _get_lead_at(self) -> int | None:
        """Where the description (the lead, per the page's metadata) starts in the text."""
        description = self.meta.description
        if not description or len(description) < 40:
            return None
        want = key(description).rstrip(".… ")
        start, end = self.window
        return next((i for i in range(start, end) if key(self.lines[i].text).startswith(want)), None)

    _lead_at = cached_property(_get_lead_at)

    def _get_text_authors(self) -> tuple[list[Author], int]:
        """Name / bio pairs at the top of the text (author photos skipped), and
        where the lead starts.  Without a known lead, one line is left for it."""
        lines = self.lines
        start, end = self.window
        lead_at = self._lead_at
        limit = lead_at if lead_at is not None else end - 1
        authors: list[Author] = []
        i = start
        while True:
            while i < limit and (is_image(lines[i]) or is_widget_debris(lines[i])):
                i += 1
            if i >= limit or not looks_like_name(lines[i].text):
                return authors, i
            author = Author(name=lines[i].text, url=self._author_url(lines[i].text, lines[i].href))
            i += 1
            repeated_lead = i + 1 < end and key(lines[i].text) == key(lines[i + 1].text)
            if i < limit and not repeated_lead and self._is_bio(lines[i], lead_at is not None):
                author.bio = lines[i].text
                i += 1
            authors.append(author)

    _text_authors = cached_property(_get_text_authors)

    def _author_url(self, name: str, href: str | None) -> str | None:
        """The site URL an author's name links to; a link elsewhere, or no URL
        at all, is dropped with a warning, and the author kept."""
        url = canonical_url(href, self.base) if href else None
        if href and url is None:
            self.warnings.append(f"authors: {name}: link {href.strip()[:80]!r} is not a page of the site, not kept")
        return url

    @staticmethod
    def _is_bio(line: Line, lead_known: bool) -> bool:
        if widget_kind(line.text) or (looks_like_name(line.text) and line.href):
            return False
        return lead_known or not _TERMINAL.search(line.text)

    # -------------------------------------------------------------- fields
    def _get_title(self) -> str | None:
        if found := self.selectors.find("title"):
            self._answer("title", "selectors")
            return _text(found[0]) or None
        h1 = next((line.text for line in self.lines if line.tag == "h1"), None)
        title = without_site_suffix(self.meta.title) if self.meta.title else None
        for layer, candidate in (("text", h1), ("metadata", self.meta.headline), ("metadata", title)):
            if candidate and candidate.strip():
                self._answer("title", layer)
                return candidate.strip()
        return None

    title = cached_property(_get_title)

    def _get_selector_body(self) -> list[Line] | None:
        body_nodes = self.selectors.find("body")
        if not body_nodes:
            return None
        lead_nodes = self.selectors.find("lead")
        lead_lines = within(self.lines, lead_nodes[0]) if lead_nodes else []
        return lead_lines + [line for node in body_nodes for line in within(self.lines, node)]

    _selector_body = cached_property(_get_selector_body)

    def _get_authors(self) -> list[Author]:
        if self._selector_body is not None:
            authors = []
            for node in self.selectors.find("author"):
                names = self.selectors.find("author_name", inside=node)
                if not names:
                    continue
                bios = self.selectors.find("author_bio", inside=node)
                link = names[0] if names[0].get("href") else names[0].find(".//a[@href]")
                href = link.get("href") if link is not None else None
                authors.append(
                    Author(
                        name=_text(names[0]),
                        bio=_text(bios[0]) or None if bios else None,
                        url=self._author_url(_text(names[0]), href),
                    )
                )
            if authors:
                self._answer("authors", "selectors")
                return authors
        if text_authors := self._text_authors[0]:
            self._answer("authors", "text")
            return text_authors
        if self.meta.author_names:
            self._answer("authors", "metadata")
            return [Author(name=n) for n in self.meta.author_names]
        return []

    authors = cached_property(_get_authors)

    def _get_body(self) -> list[str]:
        """The article's paragraphs, the lead first: teaser cards, widgets,
        rows of links and repeats removed."""
        if self._selector_body is not None:
            paragraphs, layer = _clean_body(self._selector_body), "selectors"
        else:
            paragraphs, layer = _clean_body(self.lines[self._text_authors[1] : self.window[1]]), "text"
            if not any(is_paragraph(p) for p in paragraphs):
                paragraphs = []  # menus and captions are no article: try the last resort
        if not paragraphs:
            paragraphs, layer = self._trafilatura_body(), "trafilatura"
        title_key = key(self.title or "")
        paragraphs = [p for p in paragraphs if key(p) != title_key]  # the title is not body text
        if paragraphs:
            self._answer("body", layer)
            if layer != "selectors" and (unprinted := self._unprinted_lead()):
                self._answer("lead", "metadata")
                paragraphs.insert(0, unprinted)
        return paragraphs

    def _unprinted_lead(self) -> str | None:
        """The description, when it reads as a whole lead (running text, not cut
        short) and the page prints it nowhere: a lead carried only in metadata."""
        description = (self.meta.description or "").strip()
        if not is_paragraph(description) or description.endswith(("…", "...")):
            return None
        want = key(description)[:60]
        if any(want in key(line.text) for line in self.lines):
            return None
        return description

    body = cached_property(_get_body)

    def _trafilatura_body(self) -> list[str]:
        import trafilatura  # the last resort; imported lazily, it is slow to load

        try:
            text = trafilatura.extract(self.html, include_comments=False, include_tables=False) or ""
        except Exception as exc:  # a third-party fallback must not end the page
            self.warnings.append(f"body: trafilatura failed: {type(exc).__name__}")
            text = ""
        paragraphs = _clean_body([Line(p, "p") for p in text.split("\n") if p.strip()])
        return paragraphs if any(is_paragraph(p) for p in paragraphs) else []

    def _get_lead(self) -> str | None:
        body = self.body
        if body:
            self._answer("lead", "selectors" if self.selectors.find("lead") else "text")
        return body[0] if body else None

    lead = cached_property(_get_lead)

    def _get_rating(self) -> tuple[int | None, float | None]:
        """(votes, average) from the rating widget's text, else schema.org metadata."""
        warnings = self.warnings
        for line in self.lines:
            if m := site.RATING.search(line.text):
                self._answer("rating", "text")
                return (
                    parse_int(m["votes"], "rating votes", warnings, maximum=INT32_MAX),
                    parse_float(m["value"], "rating value", warnings, maximum=5.0),
                )
            if site.NO_VOTES.fullmatch(line.text.strip(" |")):
                self._answer("rating", "text")
                return 0, None
        for line in self.lines:
            if m := site.VOTE_COUNT.fullmatch(line.text.strip(" |")):
                self._answer("rating", "text")
                return parse_int(m["votes"], "rating votes", warnings, maximum=INT32_MAX), None
        if self.meta.rating_count is not None or self.meta.rating_value is not None:
            self._answer("rating", "metadata")
            return (
                parse_int(self.meta.rating_count, "rating votes", warnings, maximum=INT32_MAX),
                parse_float(self.meta.rating_value, "rating value", warnings, maximum=5.0),
            )
        return None, None

    rating = cached_property(_get_rating)

    def _get_polls(self) -> list[PollSnapshot]:
        start, end = self.window
        page = (self.lang, self.url, self.fetched_at, self.warnings)
        return parse_polls(self.lines[end:], *page) + parse_polls(self.lines[:start], *page)  # no poll spans the text

    polls = cached_property(_get_polls)

    def _get_labelled(self) -> tuple[list[str], list[str]]:
        """Values of the "Region:" and "Type:" labels above the text."""
        regions: list[str] = []
        types: list[str] = []
        header = self.header
        for i, line in enumerate(header):
            m = FIELD_LABEL.match(line.text.strip())
            if not m:
                continue
            value = m["value"] or (header[i + 1].text if i + 1 < len(header) else "")
            target = regions if key(m["label"]) in _REGION_LABELS else types
            target.extend(v.strip() for v in value.split(",") if v.strip() and v.strip() not in target)
        return regions, types

    _labelled = cached_property(_get_labelled)

    def _get_regions(self) -> list[str]:
        return self._labelled[0]

    regions = cached_property(_get_regions)

    def _get_text_tags(self) -> list[str]:
        """The "Type:" label's values, then the tag links."""
        tags = list(self._labelled[1])
        for href, text, rel in self.links:
            if is_tag_link(href) or (rel and "tag" in rel.split()):
                name = text.strip(" ,;|·#")
                if name and name not in tags:
                    tags.append(name)
        return tags

    text_tags = cached_property(_get_text_tags)

    def _get_tags(self) -> list[str]:
        """The tags the page shows, then its metadata's, each once."""
        tags = list(self.text_tags)
        tags.extend(t for t in self.meta.tags if t not in tags)  # the list grows as it is extended
        return tags

    tags = cached_property(_get_tags)

    def _get_translation_url(self) -> str | None:
        """The toolbar link labelled with the other language's name, else an hreflang alternate."""
        other = "ru" if self.lang == "en" else "en"
        wanted = labels(site.TRANSLATION_LINK[other])
        for href, text, _ in self.links:
            if key(text) in wanted and (url := canonical_url(href, self.base)):
                self._answer("translation_url", "text")
                return url
        if href := self.meta.alternates.get(other):
            self._answer("translation_url", "metadata")
            return canonical_url(href, self.base)
        return None

    translation_url = cached_property(_get_translation_url)

    def _get_published(self) -> dt.date | None:
        """Structured metadata first, then a date printed above the text, then
        htmldate.  A date that does not exist (31.02.2018) is null plus a
        warning, never a neighbouring date that a later layer might guess."""
        for candidate in self.meta.published:
            if date := parse_date(candidate, "published", self.warnings):
                self._answer("published", "metadata")
                return date
        for line in reversed(self.header):
            if len(line.text) < 40:
                problems: list[str] = []
                if (date := parse_date(line.text, "published", problems)) is not None:
                    self._answer("published", "text")
                    return date
                if any("no such date" in problem for problem in problems):
                    self.warnings.extend(problems)
        if any(w.startswith("published: no such date") for w in self.warnings):
            return None
        from htmldate import find_date  # the last resort; imported lazily, it is slow to load

        try:
            found = find_date(self.html, extensive_search=False, original_date=True)
        except Exception as exc:  # a third-party fallback must not end the page
            self.warnings.append(f"published: htmldate failed: {type(exc).__name__}")
            return None
        if found and (date := parse_date(found, "published", self.warnings)):
            self._answer("published", "htmldate")
            return date
        return None

    published = cached_property(_get_published)

    def _get_printed_dates(self) -> list[dt.date]:
        """The dates printed between the title and the text, nearest first: a
        witness of ``published``.  Above the title, a date may be another
        article's (a teaser, a related block); without the title, none."""
        titles = [i for i, line in enumerate(self.header) if line.text == self.title]
        below = self.header[titles[-1] + 1 :] if titles else []
        found = (parse_date(line.text, "published", []) for line in reversed(below) if len(line.text) < 40)
        return [date for date in found if date is not None]

    printed_dates = cached_property(_get_printed_dates)

    def _get_prose_before_lead(self) -> int | None:
        """Lines of running text, no author's bio, between the printed title and
        the lead: a lead that follows other prose is far from its title.  None
        when the title or the lead is not among the page's lines."""
        title_at = next((i for i, line in enumerate(self.lines) if line.text == self.title), None)
        if title_at is None or not self.lead:
            return None
        lead_key = key(self.lead)
        lines = self.lines[title_at + 1 :]
        lead_at = next((i for i, line in enumerate(lines) if key(line.text) == lead_key), None)
        if lead_at is None:
            return None
        bios = {author.bio for author in self.authors}
        return sum(is_paragraph(line.text) and line.text not in bios for line in lines[:lead_at])

    def _get_language(self) -> tuple[str | None, str]:
        return page_language(" ".join([self.title or "", *self.body[:2]]), self.lang, self.meta.html_lang)

    _language = cached_property(_get_language)

    @property
    def detected_lang(self) -> str | None:
        return self._language[0]

    def _get_linked(self) -> list[str]:
        """The other articles the page links to (teasers, related materials, its
        translation), canonical, in page order: a discovery source of the crawl."""
        found: dict[str, None] = {}
        for link in self.sel.root.iter("a"):
            href = link.get("href")
            url = canonical_url(href, self.base) if href else None
            if url is not None and url != self.url and (kind := classify(url)) is not None and kind.kind == "article":
                found[url] = None
        return list(found)

    linked = cached_property(_get_linked)

    def to_item(self) -> Article:
        votes, value = self.rating
        article = Article(
            url=self.url,
            lang=self.lang,
            section=self.section,
            title=self.title,
            lead=self.lead,
            paragraphs=self.body,
            authors=self.authors,
            published=self.published,
            tags=self.tags,
            regions=self.regions,
            rating_value=value,
            rating_votes=votes,
            translation_url=self.translation_url,
            polls=self.polls,
            detected_lang=self.detected_lang,
            fetched_at=self.fetched_at,
            linked=self.linked,
            answered=self._layers(),
        )
        if article.detected_lang and article.detected_lang != self.lang:
            self.warnings.append(f"language: URL says {self.lang}, text looks {article.detected_lang}")
        article.warnings = self.warnings
        article.fallback_fields = [
            name for name, layer in self.answered.items() if layer not in PRIMARY_LAYERS.get(name, _PRIMARY)
        ]
        names = [a.name for a in self.authors]
        suspects = check(
            self.meta, self.title, self.lead, self.body, self.published, names, self.printed_dates,
            self._get_prose_before_lead(),
        )  # fmt: skip
        article.suspect_fields = list(dict.fromkeys(suspect.field for suspect in suspects))
        article.warnings.extend(suspect.warning for suspect in suspects)
        return article

    def _layers(self) -> dict[str, str]:
        """The layer that answered each field, by the item's field names; fields
        with one layer only (regions, language) and tags, whose metadata is no
        fallback, are named here rather than in ``answered``."""
        layers = {("rating_votes" if name == "rating" else name): layer for name, layer in self.answered.items()}
        for name, value, layer in (
            ("regions", self.regions, "text"),
            ("tags", self.tags, "text" if self.text_tags else "metadata"),
            ("detected_lang", self.detected_lang, self._language[1]),
        ):
            if value:
                layers[name] = layer
        return layers


def _clean_body(lines: list[Line]) -> list[str]:
    """The article's paragraphs: teaser cards, widgets, rows of links and repeats removed."""
    paragraphs: list[str] = []
    seen: set[str] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        if is_image(line) or site.TEASER_AUTHOR.match(line.text):
            j = i + 1  # a teaser card: [image] [Author:] [linked short title]
            while (
                j < len(lines)
                and j < i + 3
                and (is_image(lines[j]) or site.TEASER_AUTHOR.match(lines[j].text) or is_teaser_title(lines[j]))
            ):
                j += 1
            if j > i + 1 or is_image(line):
                i = j
                continue
        if widget_kind(line.text) or is_link_row(line) or is_date_line(line.text):
            i += 1
            continue
        k = key(line.text)
        if k not in seen:
            seen.add(k)
            paragraphs.append(line.text)
        i += 1
    return paragraphs


class _Collector:
    """Python's cyclic garbage collector, held off while pages are read.

    Reading a page allocates one object per line, link and poll option, and
    nearly all of them live until the page is done, so the collector's passes
    during a read find nothing to free; on a page with a 40,000-option poll
    they were a quarter of its time.  The collector is paused for the length
    of the reads in progress (in any thread) and runs again once the last one
    ends, if it ran before the first began.  A page's own reference cycles, if
    any, wait for that next pass.
    """

    was_enabled: bool  # whether the collector ran when the first of the reads in progress began

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reads = 0

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        with self.lock:
            if self.reads == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.reads += 1
        try:
            yield
        finally:
            with self.lock:
                self.reads -= 1
                if self.reads == 0 and self.was_enabled:
                    gc.enable()


COLLECTOR = _Collector()


def parse_article(html: str, url: str, *, fetched_at: dt.datetime | None = None, base: str | None = None) -> Article:
    """Extract an Article from a page's HTML (see ``ArticlePage``)."""
    with COLLECTOR.paused():
        return ArticlePage(html, url, fetched_at=fetched_at, base=base).to_item()
