"""What one fetched article page yields, from its bytes, status and headers:
the same for a crawl (the spider) and for a re-extraction from a WARC archive."""

from __future__ import annotations

import datetime as dt
import logging

from w3lib.encoding import html_to_unicode

from riac_scraper.items import Article, ArticleSeen, CrawlFailure
from riac_scraper.pages.article import parse_article

logger = logging.getLogger(__name__)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _guess_encoding(body: bytes) -> str | None:
    """For pages that declare no charset: UTF-8 if it decodes, else windows-1251."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1251"
    return "utf-8"


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode a page by its HTTP header, BOM or meta charset, else by guessing."""
    return decode_page(body, content_type)[0]


def decode_page(body: bytes, content_type: str | None = None) -> tuple[str, str | None]:
    """The page's text, and a warning when its declared charset was wrong: a
    body that the declared single-byte charset reads but that is UTF-8 (valid
    UTF-8 with non-ASCII letters is next to never another charset's text) is
    read as UTF-8."""
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_guess_encoding)
    if encoding.lower().startswith("utf") or body.isascii():  # w3lib names codecs as Python does: utf-8
        return text, None
    try:
        utf8 = body.decode("utf-8")
    except UnicodeDecodeError:
        return text, None
    return utf8, f"encoding: declared {encoding}, but the page is UTF-8 text: read as UTF-8"


def is_html(body: bytes, content_type: str | None) -> bool:
    """An HTML page by its Content-Type, or by its first bytes when it has none."""
    if body.lstrip()[:5] == b"%PDF-":
        return False
    if content_type:
        return content_type.split(";")[0].strip().lower() in HTML_TYPES
    start = body.lstrip()[:512].lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--"))


def article_page(
    body: bytes,
    status: int,
    headers: dict[str, str | None],
    canonical: str,
    fetched_at: dt.datetime,
) -> Article | ArticleSeen | CrawlFailure:
    """The item an article page fetched at ``canonical`` gives. ``headers``
    holds Content-Type, ETag and Last-Modified (None when absent)."""
    if status == 304:
        return ArticleSeen(canonical, fetched_at)
    if status >= 400:
        return CrawlFailure(canonical, "download", f"HTTP {status}", fetched_at)
    content_type = headers.get("Content-Type")
    if not is_html(body, content_type):
        return CrawlFailure(
            canonical, "extract", f"not an HTML page (Content-Type: {content_type or 'none'})", fetched_at
        )
    text, charset_warning = decode_page(body, content_type)
    try:
        article = parse_article(text, canonical, fetched_at=fetched_at)
    except Exception as exc:  # one broken page must not end the crawl
        logger.exception("extraction failed for %s", canonical)
        return CrawlFailure(canonical, "extract", f"{type(exc).__name__}: {exc}", fetched_at)
    article.etag, article.last_modified = headers.get("ETag"), headers.get("Last-Modified")
    if charset_warning:
        article.warnings.append(charset_warning)
    return article
