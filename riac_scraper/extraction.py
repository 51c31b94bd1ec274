"""Article extraction: a pure function from a page and its URL to an Article.

Each field is answered by layers, first good answer wins:
1. the site's selectors (``site.SELECTORS``);
2. the visible text cues of the site (labels and the order of the blocks,
   read from the markup-independent block list of ``blocks.linearize``)
   and standard metadata;
3. trafilatura / htmldate for body and date, as the last resort.
Fields answered below layer 1 are listed in ``Article.fallback_fields``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from lxml import etree
from parsel import Selector

from riac_scraper import site
from riac_scraper.blocks import Block, linearize, within
from riac_scraper.items import Article, Author, PollOption, PollSnapshot
from riac_scraper.language import detect_language
from riac_scraper.metadata import PageMetadata, read_metadata
from riac_scraper.urls import canonical_url, classify, stable_id, url_lang
from riac_scraper.values import parse_date, parse_float, parse_int

PARAGRAPH_MIN_WORDS = 10
_NAME_WORD = re.compile(r"^(?:[^\W\d_][\w'’.\-]*|[a-zа-яё]{1,4})$")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TERMINAL = re.compile(r"[.!?…»\"”]$")


@functools.lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """Comparison key: case, spacing and Unicode form folded."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _labels(*groups: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_key(label) for group in groups for label in group)


_WIDGET_LABELS = {
    "print": _labels(site.PRINT),
    "translation": _labels(*site.TRANSLATION_LINK.values()),
    "rate": _labels(site.RATE),
    "share": _labels(site.SHARE),
    "poll": _labels(site.POLL_TITLE),
    "footer": _labels(site.FOOTER),
}
_FIELD_LABEL = re.compile(
    r"^(?P<label>" + "|".join(re.escape(x) for x in site.REGION_LABEL + site.TYPE_LABEL) + r")\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_END_OF_TEXT = frozenset({"rate", "rating", "votes", "share", "poll", "footer"})


def _label_run(key: str) -> str | None:
    """The kind of the first label when ``key`` is several labels on one line
    ("Print Читать на русском", "For business For researchers")."""
    first = None
    while key:
        label = next((lab for kind in _WIDGET_LABELS.values() for lab in kind if key.startswith(lab)), None)
        if label is None:
            return None
        first = first or next(k for k, labels in _WIDGET_LABELS.items() if label in labels)
        key = key[len(label) :].lstrip(" |·")
    return first


@functools.lru_cache(maxsize=8192)  # pages repeat their menus, labels and footers
def widget_kind(text: str) -> str | None:
    """Which site widget a block of text belongs to, if any."""
    key = _key(text)
    for kind, labels in _WIDGET_LABELS.items():
        if key in labels:
            return kind
    run = _label_run(key)
    if run:
        return run
    if site.RATING.search(text) or site.NO_VOTES.match(text.strip()):
        return "rating"
    if site.VOTE_COUNT.match(text.strip()):
        return "votes"
    if _FIELD_LABEL.match(text.strip()):
        return "label"
    return None


def looks_like_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 5 or len(text) > 60 or re.search(r"[\d,;:!?()«»\"]", text):
        return False
    if not all(_NAME_WORD.match(w) for w in words):
        return False
    return sum(w[0].isupper() for w in words) >= 2


def _is_teaser_title(block: Block) -> bool:
    return block.href is not None and len(block.text.split()) <= site.TEASER_TITLE_MAX_WORDS


def _is_image(block: Block) -> bool:
    return block.image is not None or bool(site.IMAGE_FILE.match(block.text))


@dataclass
class _Layers:
    """Notes which fields were answered below the first layer."""

    fallback: list[str]

    def note(self, name: str, primary: bool) -> None:
        if not primary and name not in self.fallback:
            self.fallback.append(name)


_CLASS_SELECTOR = re.compile(r"^(?P<tag>[a-z][a-z0-9]*)?\.(?P<cls>[\w-]+)$")


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


class _SiteSelectors:
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
            for element in self.sel.root.xpath(".//*[@class]"):
                for token in element.get("class", "").split():
                    self._index.setdefault(token, []).append(element)
        return self._index.get(cls, [])

    def find(self, name: str, inside: etree._Element | None = None) -> list[etree._Element]:
        """Elements of the first selector for ``name`` that matches (within ``inside``)."""
        for query in site.SELECTORS[name]:
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


def _title(selectors: _SiteSelectors, blocks: list[Block], meta: PageMetadata, layers: _Layers) -> str | None:
    found = selectors.find("title")
    if found:
        return _text(found[0]) or None
    candidates = [next((b.text for b in blocks if b.tag == "h1"), None), meta.headline]
    if meta.title:
        title = meta.title
        for sep in site.TITLE_SEPARATORS:  # drop the site-name suffix
            if sep in title:
                title = title.rsplit(sep, 1)[0]
        candidates.append(title)
    layers.note("title", False)
    return next((c.strip() for c in candidates if c and c.strip()), None)


def _content_window(blocks: list[Block], title: str | None) -> tuple[int, int]:
    """Indices [start, end) of the blocks between the header widgets and the
    first widget after the article text (rating, share, poll, footer)."""
    first_paragraph = next((i for i, b in enumerate(blocks) if _is_paragraph(b.text)), len(blocks))
    start = 0
    for i, block in enumerate(blocks[:first_paragraph]):
        if block.tag == "h1" or widget_kind(block.text):
            start = i + 1
    title_key = _key(title) if title else None
    while start < len(blocks) and (
        widget_kind(blocks[start].text)
        or _key(blocks[start].text) == title_key
        or (parse_date(blocks[start].text, "", []) is not None and len(blocks[start].text) < 40)
    ):
        start += 1
    end = start
    while end < len(blocks) and widget_kind(blocks[end].text) not in _END_OF_TEXT:
        end += 1
    poll = _poll_start(blocks, start, end)
    return start, poll if poll is not None else end


def _is_paragraph(text: str) -> bool:
    """Running text: a sentence of some length, not a menu, label or name."""
    return len(text.split()) >= PARAGRAPH_MIN_WORDS and bool(_TERMINAL.search(text))


def _poll_start(blocks: list[Block], start: int, end: int) -> int | None:
    """A poll without a title label: a question followed by "N (P%)" rows."""
    for i in range(start, end):
        text = blocks[i].text
        if text.endswith(")") and "%" in text[-8:] and site.POLL_RESULT.search(text) and len(text.split()) <= 30:
            j = i - 1
            while j > start and not (
                site.POLL_QUESTION_NUMBER.match(blocks[j].text) or blocks[j].text.rstrip().endswith("?")
            ):
                j -= 1
            return j
    return None


def _is_bio(block: Block, lead_known: bool) -> bool:
    if widget_kind(block.text) or (looks_like_name(block.text) and block.href):
        return False
    return lead_known or not _TERMINAL.search(block.text)


def _authors_from_text(
    blocks: list[Block], start: int, end: int, lead_at: int | None, base: str
) -> tuple[list[Author], int]:
    """Name / bio pairs at the top of the text (author photos skipped); returns
    them and where the lead starts.  Without a known lead, one block is left
    for it."""
    limit = lead_at if lead_at is not None else end - 1
    authors: list[Author] = []
    i = start
    while True:
        while i < limit and _is_image(blocks[i]):
            i += 1
        if i >= limit or not looks_like_name(blocks[i].text):
            return authors, i
        author = Author(name=blocks[i].text, url=canonical_url(blocks[i].href, base) if blocks[i].href else None)
        i += 1
        repeated_lead = i + 1 < end and _key(blocks[i].text) == _key(blocks[i + 1].text)
        if i < limit and not repeated_lead and _is_bio(blocks[i], lead_at is not None):
            author.bio = blocks[i].text
            i += 1
        authors.append(author)


def _authors_from_selectors(selectors: _SiteSelectors, base: str) -> list[Author]:
    authors = []
    for node in selectors.find("author"):
        names = selectors.find("author_name", inside=node)
        if not names:
            continue
        bios = selectors.find("author_bio", inside=node)
        link = names[0] if names[0].get("href") else names[0].find(".//a[@href]")
        href = link.get("href") if link is not None else None
        authors.append(
            Author(
                name=_text(names[0]),
                bio=_text(bios[0]) or None if bios else None,
                url=canonical_url(href, base) if href else None,
            )
        )
    return authors


def _clean_body(blocks: list[Block]) -> list[str]:
    """The article's paragraphs: teaser cards, widgets and repeats removed."""
    paragraphs: list[str] = []
    seen: set[str] = set()
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if _is_image(block) or site.TEASER_AUTHOR.match(block.text):
            j = i + 1  # a teaser card: [image] [Author:] [linked short title]
            while (
                j < len(blocks)
                and j < i + 3
                and (_is_image(blocks[j]) or site.TEASER_AUTHOR.match(blocks[j].text) or _is_teaser_title(blocks[j]))
            ):
                j += 1
            if j > i + 1 or _is_image(block):
                i = j
                continue
        if widget_kind(block.text):
            i += 1
            continue
        key = _key(block.text)
        if key not in seen:
            seen.add(key)
            paragraphs.append(block.text)
        i += 1
    return paragraphs


def _lead_index(blocks: list[Block], start: int, end: int, description: str | None) -> int | None:
    if not description or len(description) < 40:
        return None
    want = _key(description).rstrip(".… ")
    for i in range(start, end):
        if _key(blocks[i].text).startswith(want):
            return i
    return None


def _rating(blocks: list[Block], meta: PageMetadata, article: Article, layers: _Layers) -> None:
    for block in blocks:
        if m := site.RATING.search(block.text):
            article.rating_votes = parse_int(m["votes"], "rating votes", article.warnings)
            article.rating_value = parse_float(m["value"], "rating value", article.warnings, maximum=5.0)
            return
        if site.NO_VOTES.match(block.text.strip()):
            article.rating_votes = 0
            return
    for block in blocks:
        if m := site.VOTE_COUNT.match(block.text.strip()):
            article.rating_votes = parse_int(m["votes"], "rating votes", article.warnings)
            return
    if meta.rating_count is not None or meta.rating_value is not None:
        article.rating_votes = parse_int(meta.rating_count, "rating votes", article.warnings)
        article.rating_value = parse_float(meta.rating_value, "rating value", article.warnings, maximum=5.0)
        layers.note("rating", False)


def parse_polls(
    blocks: list[Block], lang: str, source_url: str, observed_at: dt.datetime, warnings: list[str]
) -> list[PollSnapshot]:
    """Every poll on the page: a question, then per option a label and "N (P%)"."""
    polls: list[PollSnapshot] = []
    question: str | None = None
    options: list[PollOption] = []
    pending: str | None = None

    def close() -> None:
        if question and options:
            polls.append(
                PollSnapshot(
                    poll_id=stable_id(lang, _key(question)),
                    lang=lang,
                    question=question,
                    options=list(options),
                    observed_at=observed_at,
                    source_url=source_url,
                )
            )

    for block in blocks:
        text = block.text.strip()
        result = site.POLL_RESULT.search(text) if text.endswith(")") and "%" in text[-8:] else None
        if result and len(text.split()) <= 40:
            if question is not None:
                options.append(
                    PollOption(
                        option=text[: result.start()].strip() or pending,
                        votes=parse_int(result["votes"], "poll votes", warnings),
                        percent=parse_float(result["percent"], "poll percent", warnings, maximum=100.0),
                    )
                )
            pending = None
            continue
        kind = widget_kind(text)
        is_question = site.POLL_QUESTION_NUMBER.match(text) or (kind is None and text.endswith("?"))
        if kind is not None or is_question:
            close()
            question, options, pending = None, [], None
            if is_question:
                question = site.POLL_QUESTION_NUMBER.sub("", text).strip()
            continue
        if question is not None and pending is not None and not options:
            question = None  # two plain blocks after a question and no result: not a poll
        pending = text
    close()
    return polls


def _regions_and_tags(blocks: list[Block], meta: PageMetadata) -> tuple[list[str], list[str]]:
    regions: list[str] = []
    tags: list[str] = []
    for i, block in enumerate(blocks):
        m = _FIELD_LABEL.match(block.text.strip())
        if not m:
            continue
        value = m["value"] or (blocks[i + 1].text if i + 1 < len(blocks) else "")
        target = regions if _key(m["label"]) in _labels(site.REGION_LABEL) else tags
        target.extend(v.strip() for v in value.split(",") if v.strip() and v.strip() not in target)
    tags.extend(t for t in meta.tags if t not in tags)
    return regions, tags


def _translation(links: list[tuple[str, str]], meta: PageMetadata, lang: str, base: str, layers: _Layers) -> str | None:
    """The toolbar link labelled with the other language's name, else an hreflang alternate."""
    other = "ru" if lang == "en" else "en"
    labels = _labels(site.TRANSLATION_LINK[other])
    for href, text in links:
        if _key(text) in labels and (url := canonical_url(href, base)):
            return url
    href = meta.alternates.get(other)
    if href:
        layers.note("translation_url", False)
        return canonical_url(href, base)
    return None


def _published(
    meta: PageMetadata, header: list[Block], html: str, warnings: list[str], layers: _Layers
) -> dt.date | None:
    """Structured metadata first, then a date printed above the text, then htmldate."""
    for candidate in meta.published:
        date = parse_date(candidate, "published", warnings)
        if date:
            return date
    for block in reversed(header):
        if len(block.text) < 40 and (date := parse_date(block.text, "", [])) is not None:
            layers.note("published", False)
            return date
    from htmldate import find_date  # the last resort; imported lazily, it is slow to load

    try:
        found = find_date(html, extensive_search=False, original_date=True)
    except Exception as exc:  # a third-party fallback must not end the page
        warnings.append(f"published: htmldate failed: {type(exc).__name__}")
        return None
    if found:
        layers.note("published", False)
        return parse_date(found, "published", warnings)
    return None


def parse_article(html: str, url: str, *, fetched_at: dt.datetime | None = None, base: str | None = None) -> Article:
    """Extract an Article from a page's HTML.  ``url`` is where the page lives on
    the real site (any variant); ``base`` is the URL it was fetched from, for
    resolving relative links (defaults to ``url``)."""
    fetched_at = fetched_at or dt.datetime.now(dt.UTC)
    canonical = canonical_url(url) or url
    kind = classify(canonical)
    lang = kind.lang if kind else url_lang(canonical)
    article = Article(url=canonical, lang=lang, section=kind.section if kind else "", fetched_at=fetched_at)
    base = base or url
    layers = _Layers(article.fallback_fields)

    if _CONTROL_CHARS.search(html):
        html = _CONTROL_CHARS.sub("", html)  # not allowed in HTML, and lxml refuses them
    sel = Selector(text=html or "<html></html>")
    meta = read_metadata(sel)
    links: list[tuple[str, str]] = []
    blocks = linearize(sel.root, links) if sel.root is not None else []
    selectors = _SiteSelectors(sel)
    article.title = _title(selectors, blocks, meta, layers)
    start, end = _content_window(blocks, article.title)

    body_nodes = selectors.find("body")
    lead_nodes = selectors.find("lead")
    lead_at = _lead_index(blocks, start, end, meta.description)
    text_authors, text_start = _authors_from_text(blocks, start, end, lead_at, base)
    if body_nodes:
        text_blocks = [b for node in body_nodes for b in within(blocks, node)]
        lead_block = within(blocks, lead_nodes[0]) if lead_nodes else []
        paragraphs = _clean_body(lead_block + text_blocks)
        article.authors = _authors_from_selectors(selectors, base) or text_authors
        layers.note("authors", article.authors is not text_authors or not text_authors)
    else:
        article.authors = text_authors
        paragraphs = _clean_body(blocks[text_start:end])
        layers.note("body", False)
        layers.note("authors", not text_authors)
    if not article.authors and meta.author_names:
        article.authors = [Author(name=n) for n in meta.author_names]
        layers.note("authors", False)

    if not paragraphs:
        import trafilatura  # the last resort; imported lazily, it is slow to load

        try:
            text = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
        except Exception as exc:  # a third-party fallback must not end the page
            article.warnings.append(f"body: trafilatura failed: {type(exc).__name__}")
            text = ""
        paragraphs = _clean_body([Block(p, "p") for p in text.split("\n") if p.strip()])
        if not any(_is_paragraph(p) for p in paragraphs):
            paragraphs = []  # menus and captions are not an article
        layers.note("body", False)
    title_key = _key(article.title or "")
    article.paragraphs = [p for p in paragraphs if _key(p) != title_key]  # the title is not body text
    article.lead = article.paragraphs[0] if article.paragraphs else None
    if not lead_nodes:
        layers.note("lead", False)

    _rating(blocks, meta, article, layers)
    article.polls = parse_polls(blocks[end:] + blocks[:start], lang, canonical, fetched_at, article.warnings)
    article.regions, article.tags = _regions_and_tags(blocks[:start], meta)
    article.translation_url = _translation(links, meta, lang, base, layers)
    article.published = _published(meta, blocks[:start], html, article.warnings, layers)
    article.detected_lang = detect_language(" ".join([article.title or "", *article.paragraphs[:2]]))
    if article.detected_lang and article.detected_lang != lang:
        article.warnings.append(f"language: URL says {lang}, text looks {article.detected_lang}")
    return article


def listing_entries(sel: Selector, base: str) -> dict[str, str]:
    """The articles a listing page links to, each with a hash of its entry's
    text: the largest element around the link that links to no other article
    (title, date, teaser). A changed hash means the entry changed."""
    links: list[tuple[etree._Element, str]] = []
    below: dict[etree._Element, set[str]] = {}  # element -> article URLs linked from inside it
    for link in sel.root.iter("a"):
        href = link.get("href")
        url = canonical_url(href, base) if href else None
        kind = classify(url) if url else None
        if url is None or kind is None or kind.kind != "article":
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
        entries[url] = stable_id(_key(" ".join(" ".join(entry.itertext()).split())))
    return entries
