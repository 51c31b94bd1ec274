"""The reading model: a page as the lines a browser shows, in reading order.

Whatever the markup, a line ends where a browser would start a new one: at a
``<br>``, and before and after every block element (paragraphs, divisions,
list items, table cells).  Hidden elements (``script``, ``style``,
``template``, ``[hidden]``, ``aria-hidden="true"``, ``display: none``) show
nothing.  Each line remembers which of its characters are link text, so that
callers can tell a row of links from running text, and an ``<img>`` shows as
its file name (as text renderings of the site's pages do).

Callers may split lines further where a label or a pattern starts inside a
line (``read_lines(..., cut=...)``); the cut points are site knowledge and
live with the page objects, not here.

The walk uses an explicit stack, never recursion: nesting depth is bounded
only by memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from posixpath import basename
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

BLOCK_TAGS = frozenset(
    (
        "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption "
        "figure footer form h1 h2 h3 h4 h5 h6 header hr html li main menu nav ol p pre section summary "
        "table tbody thead tfoot td th tr ul caption legend"
    ).split()
)
HIDDEN_TAGS = frozenset(
    "script style noscript template svg iframe head select option textarea input object embed canvas map".split()
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

Span = tuple[int, int, str]  # [start, end) of link text within a line, and the link's href


@dataclass(slots=True)
class Line:
    """One line of the rendered page."""

    text: str
    tag: str = ""  # the innermost block element the line sits in
    links: tuple[Span, ...] = ()
    image: str | None = None  # the file name, for a line that is only an image
    owner: Any = field(default=None, compare=False, repr=False)  # that block element

    @property
    def href(self) -> str | None:
        """The link's target when the whole line is one link's text."""
        if len(self.links) == 1:
            start, end, href = self.links[0]
            if start == 0 and end == len(self.text):
                return href
        return None

    @property
    def link_share(self) -> float:
        """The share of the line's visible characters that are link text."""
        if not self.links:
            return 0.0
        text = self.text  # whitespace is collapsed: single spaces only
        visible = len(text) - text.count(" ")
        linked = sum(end - start - text.count(" ", start, end) for start, end, _ in self.links)
        return linked / visible if visible else 0.0

    def piece(self, start: int, end: int) -> Line | None:
        """The part [start, end) of the line, stripped, with its link spans; None if blank."""
        raw = self.text[start:end]
        left = len(raw) - len(raw.lstrip())
        text = raw.strip()
        if not text:
            return None
        origin = start + left
        spans = tuple(
            (max(s, origin) - origin, min(e, origin + len(text)) - origin, href)
            for s, e, href in self.links
            if s < origin + len(text) and e > origin
        )
        return Line(text, self.tag, spans, self.image, self.owner)


Link = tuple[str, str, str]  # a visible link: href, text, rel attribute (lower case, "" when absent)


@dataclass
class Reading:
    """What the reader sees: the lines, and every visible link."""

    lines: list[Line]
    links: list[Link]


def _hidden(el: etree._Element, tag: str) -> bool:
    if not isinstance(tag, str) or tag in HIDDEN_TAGS:  # entities and the like show no element
        return True
    names = el.keys()  # one call; most elements have no attribute that hides them
    if not names:
        return False
    if "hidden" in names:
        return True
    if "aria-hidden" in names and (el.get("aria-hidden") or "").strip().lower() == "true":
        return True
    return "style" in names and _HIDDEN_STYLE.search(el.get("style") or "") is not None


class _Reader:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.links: list[Link] = []
        self.chunks: list[str] = []  # the current line's text, whitespace already collapsed
        self.length = 0
        self.space = False  # whitespace seen since the last visible character
        self.spans: list[Span] = []
        self.blocks: list[tuple[str, etree._Element]] = []  # open block elements

    def text(self, value: str) -> None:
        if value.isspace():
            self.space = True
            return
        words = value.split()
        if self.length and (self.space or value[0].isspace()):
            self.chunks.append(" ")
            self.length += 1
        joined = " ".join(words)
        self.chunks.append(joined)
        self.length += len(joined)
        self.space = value[-1].isspace()

    def end_line(self) -> None:
        if not self.length:  # nothing on the line, so no link span either
            return
        tag, owner = self.blocks[-1] if self.blocks else ("", None)
        self.lines.append(Line("".join(self.chunks), tag, tuple(self.spans), None, owner))
        self.chunks, self.length, self.spans = [], 0, []

    def image(self, el: etree._Element) -> None:
        name = basename(unquote(urlsplit(el.get("src")).path))  # called for an image with a src
        if name:
            self.end_line()
            tag, owner = self.blocks[-1] if self.blocks else ("", None)
            self.lines.append(Line(name, tag, (), name, owner))

    def read(self, root: etree._Element) -> None:
        # lxml walks the tree (no recursion); a hidden element's subtree is skipped,
        # and the "end" event that follows it only brings its tail.
        walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
        skip, text, end_line, blocks = walker.skip_subtree, self.text, self.end_line, self.blocks
        skipped = None
        anchors: list[tuple[int, int]] = []  # where each open <a> started: (line, chunk)
        for event, el in walker:
            if event == "start":
                tag = el.tag
                if tag == "br":
                    end_line()
                    skipped = el
                elif tag == "img":
                    if el.get("src"):
                        self.image(el)
                    skipped = el
                elif _hidden(el, tag):
                    skip()
                    skipped = el
                else:
                    if tag in BLOCK_TAGS:
                        end_line()
                        blocks.append((tag, el))
                    elif tag == "a":
                        anchors.append((len(self.lines), len(self.chunks)))  # no chunk starts with a space
                    if el.text:
                        text(el.text)
                continue
            if event == "end":
                if el is skipped:
                    skipped = None
                else:
                    tag = el.tag
                    if tag in BLOCK_TAGS:
                        end_line()
                        blocks.pop()
                    elif tag == "a":
                        start = anchors.pop()
                        if href := el.get("href"):
                            self.link(href.strip(), (el.get("rel") or "").lower(), start)
            if el.tail and el is not root:  # "end", "comment", "pi": what follows the node
                text(el.tail)
        end_line()

    def link(self, href: str, rel: str, start: tuple[int, int]) -> None:
        line, first_chunk = start
        chunks = self.chunks[first_chunk if line == len(self.lines) else 0 :]
        if chunks and chunks[0] == " ":
            chunks = chunks[1:]
        text = "".join(chunks)
        self.links.append((href, text, rel))
        if text:
            self.spans.append((self.length - len(text), self.length, href))


def read_lines(root: etree._Element | None, cut: Callable[[Line], list[int]] | None = None) -> Reading:
    """The lines of ``root`` as a browser shows them.  ``cut``, when given,
    names the offsets at which a line is split further."""
    reader = _Reader()
    if root is not None:
        reader.read(root)
    lines = reader.lines
    if cut is not None:
        lines = [piece for line in lines for piece in split(line, cut(line))]
    return Reading(lines, reader.links)


def split(line: Line, cuts: list[int]) -> list[Line]:
    """``line`` cut at the given offsets; blank pieces dropped."""
    if not cuts:
        return [line]
    bounds = [0, *sorted(c for c in set(cuts) if 0 < c < len(line.text)), len(line.text)]
    return [p for a, b in pairwise(bounds) if (p := line.piece(a, b)) is not None]


def within(lines: list[Line], node: etree._Element) -> list[Line]:
    """The lines whose text sits inside ``node``, without walking the tree again."""
    inside = set(node.iter())  # lxml hands out the same proxy objects the lines hold
    return [line for line in lines if line.owner in inside]
