"""Turn any HTML tree into the page's visible text blocks, in reading order.

This is what makes extraction independent of the site's markup: paragraphs
come out the same whether the page uses ``<p>``, ``<br><br>``, table cells or
bare text between block elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from posixpath import basename
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

BLOCK_TAGS = frozenset(
    (
        "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption "
        "figure footer form h1 h2 h3 h4 h5 h6 header hr html li main menu ol p pre section summary "
        "table tbody thead tfoot td th tr ul caption"
    ).split()
)
SKIP_TAGS = frozenset(
    ("script style noscript template svg iframe head select option textarea input object embed canvas map nav").split()
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    text: str
    tag: str  # the block element the text sits in
    href: str | None = None  # set when the whole text is one link
    image: str | None = None  # file name, for a block that is only an image
    owner: Any = field(default=None, compare=False, repr=False)  # that block element


def within(blocks: list[Block], node: etree._Element) -> list[Block]:
    """The blocks whose text sits inside ``node``, without walking the tree again."""
    inside = set(node.iter())  # lxml hands out the same proxy objects the blocks hold
    return [block for block in blocks if block.owner in inside]


def _hidden_by_style(el: etree._Element) -> bool:
    return bool(_HIDDEN_STYLE.search(el.get("style") or ""))


class _Linearizer:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, text) of links in the current block
        self.breaks = 0
        self.tags: list[str] = []
        self.owners: list[etree._Element] = []
        self.all_links: list[tuple[str, str]] = []  # (href, text) of every link, in order

    def text(self, value: str | None) -> None:
        if value and value.strip():
            self.breaks = 0
        if value:
            self.parts.append(value)

    def _block(self, text: str, href: str | None = None, image: str | None = None) -> Block:
        if not self.tags:
            return Block(text, "", href, image)
        return Block(text, self.tags[-1], href, image, self.owners[-1])

    def flush(self) -> None:
        if not self.parts:
            return
        text = " ".join("".join(self.parts).split())
        if text:
            href = None
            if len(self.links) == 1 and " ".join(self.links[0][1].split()) == text:
                href = self.links[0][0]
            self.blocks.append(self._block(text, href=href))
        self.parts, self.links = [], []

    def walk(self, el: etree._Element) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            return  # comments and processing instructions
        if "}" in tag:
            tag = tag.rsplit("}", 1)[1]
        tag = tag.lower()
        if tag in SKIP_TAGS or el.get("hidden") is not None or ("style" in el.attrib and _hidden_by_style(el)):
            return
        if tag == "br":
            self.breaks += 1
            if self.breaks >= 2:
                self.flush()
            else:
                self.parts.append(" ")
            return
        if tag == "img":
            name = basename(unquote(urlsplit(el.get("src") or "").path))
            if name:
                self.flush()
                self.blocks.append(self._block(name, image=name))
            return
        is_block = tag in BLOCK_TAGS
        if is_block:
            self.flush()
            self.tags.append(tag)
            self.owners.append(el)
        start = len(self.parts)
        text = el.text
        if text:
            self.text(text)
        for child in el:
            self.walk(child)
            tail = child.tail
            if tail:
                self.text(tail)
        if tag == "a":
            href = el.get("href")
            if href:
                link_text = "".join(self.parts[start:])
                self.links.append((href, link_text))
                self.all_links.append((href, link_text))
        if is_block:
            self.flush()
            self.tags.pop()
            self.owners.pop()


def linearize(root: etree._Element, links: list[tuple[str, str]] | None = None) -> list[Block]:
    """The visible text of ``root`` as a list of blocks in document order;
    ``links``, when given, receives (href, text) of every visible link."""
    walker = _Linearizer()
    walker.walk(root)
    walker.flush()
    if links is not None:
        links.extend((href, " ".join(text.split())) for href, text in walker.all_links)
    return walker.blocks
