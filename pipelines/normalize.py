"""Text normalization for every string an item carries."""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from typing import Any

from riac_scraper.items import Article, PollSnapshot

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"\s+")  # in Python 3 this covers no-break and other Unicode spaces


def normalize_text(text: str) -> str:
    if not text.isascii():  # ASCII is its own NFC and holds no invisible character
        text = unicodedata.normalize("NFC", text)
        text = _INVISIBLE.sub("", text)
    return _SPACE.sub(" ", text).strip()


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The fields of a dataclass, none for any other type: asked once per type."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else ()


def _normalize(value: Any) -> Any:
    if isinstance(value, str):
        return normalize_text(value)
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    for name in _field_names(type(value)):  # a dataclass instance (a class's type is ``type``)
        setattr(value, name, _normalize(getattr(value, name)))
    return value


def normalize_article(article: Article) -> Article:
    """Normalize every text field in place; drop paragraphs left empty."""
    _normalize(article)
    article.paragraphs = [p for p in article.paragraphs if p]
    for author in article.authors:
        author.bio = author.bio or None
    return article


def normalize_poll(poll: PollSnapshot) -> PollSnapshot:
    """Normalize every text field of a poll snapshot in place."""
    _normalize(poll)
    return poll


class NormalizePipeline:
    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            return normalize_article(item)
        if isinstance(item, PollSnapshot):
            return normalize_poll(item)
        return item
