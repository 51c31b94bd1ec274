"""Standard page metadata: <title>, og:*, canonical/hreflang links, <html lang>,
<time datetime>, schema.org JSON-LD and microdata."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

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
    tags: list[str] = field(default_factory=list)


def _first(sel: Selector, *queries: str) -> str | None:
    for query in queries:
        value = sel.xpath(query).get()
        if value and value.strip():
            return value.strip()
    return None


def _json_ld_objects(sel: Selector) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for raw in sel.xpath('//script[@type="application/ld+json"]/text()').getall():
        try:
            data = json.loads(raw)
        except ValueError:
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
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for v in value for name in _names(v)]
    return []


def read_metadata(sel: Selector) -> PageMetadata:
    meta = PageMetadata(
        title=_first(sel, "//meta[@property='og:title']/@content", "//title/text()"),
        description=_first(sel, "//meta[@property='og:description']/@content", "//meta[@name='description']/@content"),
        html_lang=_first(sel, "/html/@lang", "/html/@xml:lang"),
        headline=_first(sel, "//*[@itemprop='headline']//text()", "//*[@itemprop='headline']/@content"),
    )
    for link in sel.xpath("//link[@rel='alternate'][@hreflang][@href]"):
        meta.alternates[link.attrib["hreflang"].lower()[:2]] = link.attrib["href"]
    meta.published = sel.xpath(
        "//meta[@property='article:published_time']/@content"
        " | //*[@itemprop='datePublished']/@content | //*[@itemprop='datePublished']/@datetime"
        " | //time/@datetime"
    ).getall()
    meta.tags = [t.strip() for t in sel.xpath("//meta[@property='article:tag']/@content").getall() if t.strip()]
    meta.author_names = [
        " ".join(n.split())
        for n in sel.xpath(
            "//*[@itemprop='author']//*[@itemprop='name']//text()"
            " | //*[@itemprop='author'][not(.//*[@itemprop='name'])]//text()"
        ).getall()
        if n.strip()
    ]
    meta.rating_value = _first(sel, "//*[@itemprop='ratingValue']/@content", "//*[@itemprop='ratingValue']/text()")
    meta.rating_count = _first(
        sel,
        "//*[@itemprop='ratingCount']/@content",
        "//*[@itemprop='ratingCount']/text()",
        "//*[@itemprop='reviewCount']/@content",
        "//*[@itemprop='reviewCount']/text()",
    )
    for obj in _json_ld_objects(sel):
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(k in ("Article", "NewsArticle", "BlogPosting", "Report", "ScholarlyArticle") for k in kinds):
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
