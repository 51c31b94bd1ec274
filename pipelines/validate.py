"""Validation: incomplete articles become failure records, never silent drops."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from scrapy.crawler import Crawler

from riac_scraper.items import Article, CrawlFailure, field_presence

logger = logging.getLogger(__name__)
REQUIRED = ("url", "title", "paragraphs")


def validation_failure(article: Article) -> CrawlFailure | None:
    """The failure record for an article missing a required field, or None."""
    missing = [name for name in REQUIRED if not getattr(article, name)]
    if not missing:
        return None
    names = ", ".join("body" if name == "paragraphs" else name for name in missing)
    return CrawlFailure(article.url, "validate", f"missing {names}", article.fetched_at or dt.datetime.now(dt.UTC))


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        for name, present in field_presence(item).items():
            if not present:
                self.stats.inc_value(f"riac/field/{name}/missing")
        for name in item.fallback_fields:
            self.stats.inc_value(f"riac/field/{name}/fallback")
        for name in item.suspect_fields:
            self.stats.inc_value(f"riac/field/{name}/suspect")
        for warning in item.warnings:
            logger.warning("%s: %s", item.url, warning)
            self.stats.inc_value("riac/warnings")
        if item.detected_lang and item.detected_lang != item.lang:
            self.stats.inc_value("riac/lang_mismatch")
        failure = validation_failure(item)
        if failure is not None:
            self.stats.inc_value("riac/invalid_articles")
            return failure
        return item
