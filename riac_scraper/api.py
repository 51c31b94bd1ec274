"""The public entries of extraction: ``extract``, one page in, exactly the rows
a crawl would store for it; and the page objects of ``riac_scraper.pages``
that do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipelines.normalize import normalize_article
from pipelines.validate import validation_failure
from riac_scraper.pages.article import COLLECTOR, ArticlePage, parse_article
from riac_scraper.pages.fetched import decode_html
from riac_scraper.pages.listing import ListingPage, listing_entries
from riac_scraper.pages.polls import parse_polls
from riac_scraper.storage.records import article_row, failure_row, poll_rows

__all__ = ["ArticlePage", "ListingPage", "decode_html", "extract", "listing_entries", "parse_article", "parse_polls"]


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
    with COLLECTOR.paused():  # the rows, like the page's lines, live until the call returns
        article = normalize_article(parse_article(text, url, fetched_at=fetched_at))
        failure = validation_failure(article)
        if failure is not None:
            return {"articles": [], "polls": [], "failures": [failure_row(failure, "")]}
        return {
            "articles": [article_row(article)],
            "polls": [row for poll in article.polls for row in poll_rows(poll, "")],
            "failures": [],
        }
