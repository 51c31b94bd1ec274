"""De-duplication within a crawl: each article once.

Poll snapshots need no step here: the spider hands each poll on once per run
(the site-wide poll is on every page), and the store keeps the first snapshot
of each poll per crawl when it commits, also across a resumed crawl's runs.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from riac_scraper.items import Article


class DedupePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.articles: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        if item.url in self.articles:
            self.stats.inc_value("riac/duplicates/article")
            raise DropItem(f"article already stored in this crawl: {item.url}", log_level="DEBUG")
        self.articles.add(item.url)
        return item
