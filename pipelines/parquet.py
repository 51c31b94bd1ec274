"""Writes items into the Parquet datasets under ``RIAC_OUTPUT``.

Rows are staged durably as items arrive; when the spider closes the crawl's
tally is taken for the report and the staging is committed into the
datasets; when the engine stops (after the report) the staging goes. A
crawl with a job directory (``-s JOBDIR=...``) that did not finish keeps its
staging, to be committed by the run that resumes it.

A commit that fails (a full disk, a read-only or blocked folder) keeps the
staging and records the reason: the crawl fails, and the next crawl into the
same directory folds the staged rows in before its own. A row that Arrow
refuses (a value out of a column's range that got past the extraction)
becomes a failure record, never a lost page.  The output directory is
locked for the whole crawl (``riac_scraper/storage/outputdir.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from riac_scraper.items import Article, ArticleSeen, CrawlFailure, PageDone, PollSnapshot
from riac_scraper.storage.journal import CrawlJournal
from riac_scraper.storage.outputdir import OutputLock, describe, hold
from riac_scraper.storage.records import article_row, failure_row, poll_rows
from riac_scraper.storage.store import DatasetStore
from riac_scraper.storage.tally import Tally


class ParquetPipeline:
    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("RIAC_WRITE_DATASETS"):
            raise NotConfigured("not a crawl that writes datasets (scrapy parse, shell, check)")
        self.crawler = crawler
        self.stats = crawler.stats
        self.output = crawler.settings.get("RIAC_OUTPUT")
        self.store: DatasetStore
        # Connected before the crawl monitor's handler (it connects when the
        # spider opens), so the report sees the tally and the commit.
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)
        self.committed = False
        self.lock: OutputLock | None = None  # both set when the spider opens
        self.journal: CrawlJournal | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParquetPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.lock = hold(self.output)  # already held when started by `riac crawl` or `scrapy crawl`
        self.journal = getattr(self.crawler.spider, "journal", None)
        self.store = DatasetStore(self.output, crawl_id=self.journal.crawl_id if self.journal else None)
        self.stats.set_value("riac/crawl_id", self.store.crawl_id)

    def process_item(self, item: Any) -> Any:
        try:
            return self._stage(item)
        except (pa.ArrowException, OverflowError, ValueError, TypeError) as exc:
            if not isinstance(item, Article | PollSnapshot):
                raise
            # A value no column can hold: the page is accounted for as a failure.
            url = item.url if isinstance(item, Article) else item.source_url
            reason = f"row refused by the {'articles' if isinstance(item, Article) else 'polls'} schema: {exc}"
            failure = CrawlFailure(url, "store", reason[:300], dt.datetime.now(dt.UTC))
            self.store.add("failures", [failure_row(failure, self.store.crawl_id)])
            self.stats.inc_value("riac/failures/store")
            return item

    def _stage(self, item: Any) -> Any:
        if isinstance(item, Article):
            self.store.add("articles", [article_row(item, self.store.crawl_id)])
        elif isinstance(item, PollSnapshot):
            self.store.add("polls", poll_rows(item, self.store.crawl_id))
        elif isinstance(item, ArticleSeen):
            self.store.seen(item.url, item.seen_at)
        elif isinstance(item, CrawlFailure):
            self.store.add("failures", [failure_row(item, self.store.crawl_id)])
            self.stats.inc_value(f"riac/failures/{item.stage}")
        elif isinstance(item, PageDone):
            if self.journal is not None:
                self.journal.finish(item.url)
            raise DropItem("page done", log_level="DEBUG")
        return item

    def spider_closed(self, spider: Spider, reason: str) -> None:
        try:
            self.store.close_staging()
            self.stats.set_value("riac/tally", Tally.from_store(self.store))
            if self.journal is not None and reason != "finished":
                spider.logger.info("crawl not finished (%s): staging kept for the resumed run", reason)
                return
            discovery = getattr(spider, "discovery", None)  # the spider's account (crawl/discovery.py)
            if discovery is not None:  # the sources known at the end, not only those known at each fetch
                self.store.found_by = discovery.by_url(getattr(spider, "landed_as", {}))
            self.store.commit()
        except Exception as exc:  # the crawl fails, naming why; the staged rows stay for the next run
            self.stats.set_value("riac/commit_error", f"{describe(exc)} (staged rows kept in {self.store.staging})")
            spider.logger.error("the datasets could not be written: %s", describe(exc))
            return
        self.committed = True
        for name, rows in self.store.written.items():
            self.stats.set_value(f"riac/written/{name}", rows)
        self.stats.set_value("riac/site_text", self.store.site_text_account())

    def engine_stopped(self) -> None:
        """After the crawl report: a killed process before this point resumes
        with its staging intact, commits again and reports again."""
        if self.committed:
            self.store.discard_staging()
        if self.journal is not None:
            self.journal.close(committed=self.committed)
        if self.lock is not None:
            self.lock.release()
