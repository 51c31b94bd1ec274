"""Standard page metadata: <title>, og:*, canonical/hreflang links, <html lang>,
<time datetime>, schema.org JSON-LD and microdata."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from parsel import Selector


@dataclass
class PageMetadata:
    title: str | None = None
    headline: str | None = None
    description: str | None = None
    html_lang: str | None = None
    alternates: dict[str, str] = field(default_factory=dict)  # hreflang -> href
    published: list[str] = field(default_factory=list)  # candidate date strings, best first
    author_names: list[str] = field(default_factory=list)
    rating_value: str | None = None
    rating_count: str | None = None
    warnings: list[str] = field(default_factory=list)  # what could not be read, for the row's warnings
    tags: list[str] = field(default_factory=list)


def _json_ld_objects(scripts: list[str], warnings: list[str]) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for raw in scripts:
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        except RecursionError:  # nested past what the parser follows: skipped, and said
            warnings.append("metadata: a JSON-LD block nested too deep to read was skipped")
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                stack.extend(v for k, v in item.items() if k == "@graph")
    return objects


def _names(value: Any) -> list[str]:
    """The names in a JSON-LD author value (a name, a person, a list of them),
    in order; walked with a stack, so that no nesting can exhaust the call stack."""
    names: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            stack.append(item.get("name"))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return names


_SCAN = etree.XPath(
    "//meta | //title | //link[@hreflang] | //time[@datetime] | //script[@type='application/ld+json'] | //*[@itemprop]"
)
_ARTICLE_TYPES = ("Article", "NewsArticle", "BlogPosting", "Report", "ScholarlyArticle")


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def read_metadata(sel: Selector) -> PageMetadata:
    """Every metadata source of the page, read in one pass over the tree."""
    root = sel.root
    meta = PageMetadata()
    if root is None or not isinstance(root.tag, str):
        return meta
    meta.html_lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    found: dict[str, str] = {}  # first non-empty value per key
    scripts: list[str] = []
    for element in _SCAN(root):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "meta":
            key, content = element.get("property") or element.get("name") or "", (element.get("content") or "").strip()
            if key == "article:published_time":
                meta.published.append(content)
            elif key == "article:tag" and content:
                meta.tags.append(content)
            elif content:
                found.setdefault(key, content)
        elif tag == "title":
            found.setdefault("<title>", _text(element))
        elif tag == "link" and element.get("rel") == "alternate" and element.get("href"):
            meta.alternates[element.get("hreflang", "").lower()[:2]] = element.get("href", "")
        elif tag == "time":
            meta.published.append(element.get("datetime", ""))
        elif tag == "script":
            scripts.append(element.text or "")
        prop = element.get("itemprop")
        if prop in ("headline", "ratingValue", "ratingCount", "reviewCount"):
            value = element.get("content") or _text(element)
            if value:
                found.setdefault(prop, value)
        elif prop == "datePublished":
            meta.published.append(element.get("content") or element.get("datetime") or "")
        elif prop == "author":
            names = element.xpath(".//*[@itemprop='name']") or [element]
            meta.author_names.extend(name for name in map(_text, names) if name)
    meta.title = found.get("og:title") or found.get("<title>") or None
    meta.description = found.get("og:description") or found.get("description")
    meta.headline = found.get("headline")
    meta.rating_value = found.get("ratingValue")
    meta.rating_count = found.get("ratingCount") or found.get("reviewCount")
    for obj in _json_ld_objects(scripts, meta.warnings):
        kind = obj.get("@type")
        if not any(k in _ARTICLE_TYPES for k in (kind if isinstance(kind, list) else [kind])):
            continue
        if isinstance(obj.get("headline"), str) and not meta.headline:
            meta.headline = obj["headline"].strip()
        if isinstance(obj.get("datePublished"), str):
            meta.published.insert(0, obj["datePublished"])
        if not meta.author_names:
            meta.author_names = [n.strip() for n in _names(obj.get("author")) if n.strip()]
        rating = obj.get("aggregateRating")
        if isinstance(rating, dict):
            meta.rating_value = meta.rating_value or str(rating.get("ratingValue", "")) or None
            count = rating.get("ratingCount", rating.get("reviewCount"))
            meta.rating_count = meta.rating_count or (str(count) if count is not None else None)
    return meta
