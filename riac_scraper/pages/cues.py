"""How the site's visible labels and patterns (``site.py``) are recognised in
the lines of a page: which widget a line belongs to, whether it reads like a
name, a paragraph or a teaser card, and where a line that holds several
things (a label and its widget's links, a rating and its vote count) is cut.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from riac_scraper import site
from riac_scraper.pages.reading import Line
from riac_scraper.pages.values import parse_date


def _key(text: str) -> str:
    """Comparison key: case, spacing and Unicode form folded."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_UNSET = object()


class PageMemo(dict[str, Any]):
    """``function`` of a line's text, remembered over the page being read and
    the page before it.

    A fixed-size LRU cache fails on the first page with more distinct lines
    than it holds: every later pass over the page misses every line.  This
    memo holds every line of the page, however long, and the previous page's
    lines for the menus, labels and footers that pages share; older lines are
    forgotten, so it never holds more than two pages.  A dict subclass, so
    that a hit costs a dict lookup and nothing more."""

    def __init__(self, function: Callable[[str], Any]) -> None:
        super().__init__()
        self.function = function
        self.previous: dict[str, Any] = {}
        self.computed = 0  # calls of ``function``: what the memo saved is visible to tests

    def __missing__(self, text: str) -> Any:
        value = self.previous.get(text, _UNSET)
        if value is _UNSET:
            self.computed += 1
            value = self.function(text)
        self[text] = value
        return value

    def turn_page(self) -> None:
        self.previous = dict(self)
        self.clear()

    def forget(self) -> None:
        self.previous = {}
        self.clear()


# Memos wrap the rules, so that mutation testing (which leaves decorated
# functions alone) reaches the rules themselves.
_KEYS = PageMemo(_key)
key: Callable[[str], str] = _KEYS.__getitem__


def labels(*groups: tuple[str, ...]) -> frozenset[str]:
    return frozenset(key(label) for group in groups for label in group)


WIDGET_LABELS = {
    "print": labels(site.PRINT),
    "translation": labels(*site.TRANSLATION_LINK.values()),
    "rate": labels(site.RATE),
    "share": labels(site.SHARE),
    "login": labels(site.LOGIN),
    "amp": labels(site.AMP_LABELS),
    "poll": labels(site.POLL_TITLE),
    "footer": labels(site.FOOTER),
}
_KIND_OF_LABEL = {label: kind for kind, group in WIDGET_LABELS.items() for label in group}
# Every label, longest first, as it may start a line ("Share this article" + share links).
_LABEL_AT = re.compile(
    "|".join(
        re.escape(label).replace(r"\ ", r"\s+")
        for label in sorted({x for g in WIDGET_LABELS.values() for x in g}, key=len, reverse=True)
        if label not in labels(site.WHOLE_LINE_ONLY)
    ),
    re.IGNORECASE,
)
# The first letters of labels (widget and field labels), to pass over most lines at once.
_LABEL_FIRST = frozenset(
    label[0] for label in {x for g in WIDGET_LABELS.values() for x in g} | labels(site.REGION_LABEL + site.TYPE_LABEL)
)
FIELD_LABEL = re.compile(
    r"^(?P<label>" + "|".join(re.escape(x) for x in site.REGION_LABEL + site.TYPE_LABEL) + r")\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_FIELD_LABEL_INSIDE = re.compile(
    r"(?<=\S)\s+(?=(?:" + "|".join(re.escape(x) for x in site.REGION_LABEL + site.TYPE_LABEL) + r")\s*:)",
    re.IGNORECASE,
)
_SHARE_BUTTONS = labels(site.SHARE_BUTTONS)
END_OF_TEXT = frozenset({"rate", "rating", "votes", "share", "poll", "footer", "tags"})
_SEPARATORS = " |·•/"
_COUNTER = re.compile(r"^[\d\s.,+kKтыс]{1,12}$")
_NAME_WORD = re.compile(r"^(?:[^\W\d_][\w'’.\-]*|[a-zа-яё]{1,4})$")
_TERMINAL = re.compile(r"[.!?…»\"”]$")


def _bare(text: str) -> str:
    return text.strip(_SEPARATORS + "\u00a0")


def _label_run(k: str) -> str | None:
    """The kind of the first label when ``k`` is several labels on one line
    ("Print Читать на русском", "For business For researchers")."""
    first = None
    while k:
        m = _LABEL_AT.match(k)
        if m is None:
            return None
        label = key(m.group(0))
        first = first or _KIND_OF_LABEL.get(label)
        k = k[m.end() :].lstrip(_SEPARATORS)
    return first


def _widget_kind(text: str) -> str | None:
    """Which site widget a line of text belongs to, if any."""
    text = _bare(text)
    if not text or not (text[0].casefold() in _LABEL_FIRST or "(" in text):
        return None  # no label starts it and no pattern (all have brackets) is in it: most lines
    k = key(text)
    if k in _KIND_OF_LABEL:
        return _KIND_OF_LABEL[k]
    if run := _label_run(k):
        return run
    if site.RATING.fullmatch(text) or site.NO_VOTES.fullmatch(text):
        return "rating"
    if site.VOTE_COUNT.fullmatch(text):
        return "votes"
    if site.RATING.search(text) and len(site.RATING.sub("", text).split()) <= 3:
        return "rating"
    if FIELD_LABEL.match(text):
        return "label"
    return None


_WIDGET_KINDS = PageMemo(_widget_kind)
widget_kind: Callable[[str], str | None] = _WIDGET_KINDS.__getitem__
MEMOS = (_KEYS, _WIDGET_KINDS)


def turn_page() -> None:
    """A new page is being read: the memos keep this page's lines and the last."""
    for memo in MEMOS:
        memo.turn_page()


def looks_like_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 5 or len(text) > 60 or re.search(r"[\d,;:!?()«»\"]", text):
        return False
    if not all(_NAME_WORD.match(w) for w in words):
        return False
    return sum(w[0].isupper() for w in words) >= 2


def is_paragraph(text: str) -> bool:
    """Running text: a sentence of some length, not a menu, label or name."""
    return len(text.split()) >= site.PARAGRAPH_MIN_WORDS and bool(_TERMINAL.search(text))


def is_image(line: Line) -> bool:
    return line.image is not None or bool(site.IMAGE_FILE.match(line.text))


def is_teaser_title(line: Line) -> bool:
    return line.link_share >= site.LINK_LINE_SHARE and len(line.text.split()) <= site.TEASER_TITLE_MAX_WORDS


def is_link_row(line: Line) -> bool:
    """Navigation, share buttons, tag rows: a line made mostly of link text."""
    return line.link_share >= site.LINK_LINE_SHARE


def _page_link(href: str) -> bool:
    href = href.strip().lower()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return False
    host = re.match(r"^(?:[a-z][a-z0-9+.\-]*:)?//([^/?#:]+)", href)
    return host is None or host[1].rstrip(".").endswith(site.HOST)


def is_widget_debris(line: Line) -> bool:
    """What share and rating widgets add around their labels: counters, icons,
    the names of social networks, and buttons that link off the site."""
    if _COUNTER.match(line.text) or not any(c.isalnum() for c in line.text):
        return True
    if (
        line.links
        and all(key(line.text[s:e]) in _SHARE_BUTTONS for s, e, _ in line.links)
        and _buttons_and_counters(line)
    ):
        return True
    if is_named_link(line):  # an author whose link leads off the site, or nowhere: a person, not a button
        return False
    return (is_link_row(line) or _buttons_and_counters(line)) and not any(_page_link(h) for _, _, h in line.links)


def is_named_link(line: Line) -> bool:
    """A line that is one link and reads as a person's name, none of its words a share button's."""
    return (
        len(line.links) == 1
        and line.link_share >= site.LINK_LINE_SHARE
        and looks_like_name(line.text)
        and not any(key(word) in _SHARE_BUTTONS for word in line.text.split())
    )


def is_date_line(text: str) -> bool:
    """A line that is only a date: a card's or the article's date, never body text."""
    return len(text.split()) <= 4 and len(text) < 40 and parse_date(text, "", []) is not None


def is_tag_link(href: str) -> bool:
    return "tags=" in href.lower() and bool(site.TAG_LINK.search(href))


# ------------------------------------------------------------------ cutting
def _vote_patterns(text: str) -> list[re.Match[str]]:
    patterns = (site.RATING, site.NO_VOTES, site.VOTE_COUNT_ANYWHERE)
    return [m for pattern in patterns for m in pattern.finditer(text)]


def _widget_rest(line: Line, start: int, kind: str | None) -> bool:
    """Whether the text after a label at the start of ``line`` belongs to the
    label's widget: nothing, another label, a rating or vote count, a poll
    question, counters and icons, or buttons (link text)."""
    rest = _bare(line.text[start:])
    if not rest or _LABEL_AT.match(rest) or not any(c.isalnum() for c in rest) or _COUNTER.match(rest):
        return True
    if any(m.start() == 0 for m in _vote_patterns(rest)):
        return True
    if kind == "poll" and (site.POLL_QUESTION_NUMBER.match(rest) or rest.endswith("?")):
        return True
    piece = line.piece(start, len(line.text))
    return piece is not None and _buttons_and_counters(piece)


def _buttons_and_counters(line: Line) -> bool:
    """Link text, with at most numbers (counters) between the links: "VK 27", "X15"."""
    if not line.links:
        return False
    text = list(line.text)
    for start, end, _ in line.links:
        text[start:end] = " " * (end - start)
    return not any(c.isalpha() for c in text)


def cut_points(line: Line) -> list[int]:
    """Where ``line`` holds more than one thing a reader tells apart: a widget
    label followed by its buttons or by a rating, a rating followed by its
    vote count, a second field label, several poll results."""
    text = line.text
    if len(text) > 2000:  # running text, not a widget line
        return []
    cuts: list[int] = []
    if not (text[0].casefold() in _LABEL_FIRST or "(" in text):
        return cuts  # no label starts the line, no pattern (all have brackets) in it: most lines
    link_edges = {s for s, _, _ in line.links} | {e for _, e, _ in line.links}
    # Labels at the start of the line, one after another, when what follows is the widget's own.
    pos = 0
    while True:
        while pos < len(text) and text[pos] in _SEPARATORS:
            pos += 1
        m = _LABEL_AT.match(text, pos)
        if m is None:
            break
        end = m.end()
        if end < len(text) and text[end].isalnum() and end not in link_edges:
            break  # "Printing", not "Print"
        if not _widget_rest(line, end, _KIND_OF_LABEL.get(key(m.group(0)))):
            break
        cuts += [pos, end]
        pos = end
    # Ratings, vote counts, "no votes": cut around them where they are the widget's own text.
    patterns = _vote_patterns(text) if "(" in text else []
    if patterns:
        rest = text
        for m in patterns:
            rest = rest.replace(m.group(0), " ")
        if cuts or site.RATING.search(text) or len(rest.split()) <= 6:
            for m in patterns:
                cuts += [m.start(), m.end()]
    # "Region: Russia Type: News"
    if FIELD_LABEL.match(text[pos:]):
        cuts += [m.end() for m in _FIELD_LABEL_INSIDE.finditer(text)]
    # Several poll results on one line: "A 33 (31%) B 30 (28%)"
    results = list(site.POLL_RESULT_ANYWHERE.finditer(text)) if "%" in text else []
    if len(results) >= 2:
        cuts += [m.end() for m in results]
    return cuts
