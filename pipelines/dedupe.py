"""De-duplication within a crawl: each article once, each poll snapshot once."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from riac_scraper.items import Article, PollSnapshot


class DedupePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.articles: set[str] = set()
        self.polls: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            seen, key, what = self.articles, item.url, "article"
        elif isinstance(item, PollSnapshot):
            seen, key, what = self.polls, item.poll_id, "poll"
        else:
            return item
        if key in seen:
            self.stats.inc_value(f"riac/duplicates/{what}")
            raise DropItem(f"{what} already stored in this crawl: {key}", log_level="DEBUG")
        seen.add(key)
        return item
