"""Progress of a crawl, in its own words: articles done of those known so far,
pages a minute, and an estimate of the time left.

Every ``RIAC_PROGRESS_INTERVAL`` seconds (30) a log line at INFO::

    progress: 1240 of 1500 articles done (83%), 412 pages/min, about 1 min left

On a terminal, with ``rich`` installed (``pip install 'riac-scraper[progress]'``)
and ``-s RIAC_PROGRESS=bar``, a progress bar instead.  "Known" grows while the
listings are read, so the estimate firms up as the crawl goes.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 90:
        return f"about {minutes} min"
    return f"about {minutes / 60:.1f} h"


class CrawlProgress:
    def __init__(self, crawler: Crawler) -> None:
        self.interval = crawler.settings.getfloat("RIAC_PROGRESS_INTERVAL", 30.0)
        if self.interval <= 0:
            raise NotConfigured("progress reports are off")
        self.crawler = crawler
        self.spider: Spider | None = None
        self.loop: task.LoopingCall | None = None
        self.started = time.monotonic()
        self.bar: Any = None
        if crawler.settings.get("RIAC_PROGRESS") == "bar" and sys.stderr.isatty():
            self.bar = self._rich_bar()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        return cls(crawler)

    @staticmethod
    def _rich_bar() -> Any:
        try:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
        except ImportError:
            return None
        return Progress(
            TextColumn("articles"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
        )

    def spider_opened(self, spider: Spider) -> None:
        self.spider = spider
        self.started = time.monotonic()
        if self.bar is not None:
            self.bar.start()
            self.task = self.bar.add_task("articles", total=None)
        self.loop = task.LoopingCall(self.report)
        self.loop.start(1.0 if self.bar is not None else self.interval, now=False)

    def numbers(self) -> tuple[int, int, float]:
        """(articles done, articles known, pages a minute) so far."""
        stats = self.crawler.stats
        assert stats is not None
        done = stats.get_value("riac/articles/done", 0)
        known = len(getattr(self.spider, "decided", ()))
        minutes = max((time.monotonic() - self.started) / 60, 1e-9)
        return min(done, known) if known else done, known, stats.get_value("response_received_count", 0) / minutes

    def report(self) -> None:
        done, known, per_minute = self.numbers()
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=known or None)
            return
        share = f" ({done / known:.0%})" if known else ""
        rate = done / max(time.monotonic() - self.started, 1e-9)
        left = f", {_duration((known - done) / rate)} left" if known > done and rate > 0 else ""
        logging.getLogger("riac_scraper.crawl.progress").info(
            "progress: %d of %d articles done%s, %.0f pages/min%s", done, known, share, per_minute, left
        )

    def spider_closed(self, spider: Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.bar is not None:
            self.bar.stop()
