"""``extract``: one page in, exactly the rows a crawl would store for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from w3lib.encoding import html_to_unicode

from pipelines.normalize import normalize_article
from pipelines.validate import validation_failure
from riac_scraper.extraction import parse_article
from riac_scraper.records import article_row, failure_row, poll_rows


def _guess_encoding(body: bytes) -> str | None:
    """For pages that declare no charset: UTF-8 if it decodes, else windows-1251."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1251"
    return "utf-8"


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode a page by its HTTP header, BOM or meta charset, else by guessing."""
    _, text = html_to_unicode(content_type, body, auto_detect_fun=_guess_encoding)
    return text


def extract(
    html: bytes | str, url: str, *, content_type: str | None = None, fetched_at: dt.datetime | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Rows for each dataset (``articles``, ``polls``, ``failures``) that a crawl
    would store for this page, before de-duplication across pages.

    ``url`` is the page's address on the real site (any variant of it). The
    columns of ``records.CRAWL_STATE_COLUMNS`` describe a crawl, not the page:
    here they hold this call's time and no listing or HTTP validators.
    """
    text = decode_html(html, content_type) if isinstance(html, bytes) else html
    article = normalize_article(parse_article(text, url, fetched_at=fetched_at))
    failure = validation_failure(article)
    if failure is not None:
        return {"articles": [], "polls": [], "failures": [failure_row(failure, "")]}
    return {
        "articles": [article_row(article)],
        "polls": [row for poll in article.polls for row in poll_rows(poll, "")],
        "failures": [],
    }
