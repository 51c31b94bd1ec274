"""Writes items into the Parquet datasets under ``RIAC_OUTPUT``."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from riac_scraper.items import Article, ArticleSeen, CrawlFailure, PollSnapshot
from riac_scraper.records import article_row, failure_row, poll_rows
from riac_scraper.store import DatasetStore


class ParquetPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        settings = crawler.settings
        self.store = DatasetStore(settings.get("RIAC_OUTPUT"), flush_rows=settings.getint("RIAC_FLUSH_ROWS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParquetPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.stats.set_value("riac/crawl_id", self.store.crawl_id)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            self.store.add("articles", [article_row(item)])
        elif isinstance(item, PollSnapshot):
            self.store.add("polls", poll_rows(item, self.store.crawl_id))
        elif isinstance(item, ArticleSeen):
            self.store.seen(item.url, item.seen_at)
        elif isinstance(item, CrawlFailure):
            self.store.add("failures", [failure_row(item, self.store.crawl_id)])
            self.stats.inc_value(f"riac/failures/{item.stage}")
        return item

    def close_spider(self) -> None:
        self.store.commit()
        for name, rows in self.store.written.items():
            self.stats.set_value(f"riac/written/{name}", rows)
