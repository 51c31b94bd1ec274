"""``scrapy crawl`` that exits 1 when the crawl failed.

Scrapy's own command exits 0 however a crawl went, unless the spider could
not even start. This one also exits 1, printing the reasons, when the crawl
monitor (riac_scraper/crawl/monitor.py) found problems or never gave its verdict
(a crawl stopped by a second Ctrl-C), and 2, with one line, when the output
directory cannot be written or another crawl is writing it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, ClassVar

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from riac_scraper.crawl.spider import SpiderArgumentError, check_arguments
from riac_scraper.crawl.thresholds import SettingError, read_thresholds
from riac_scraper.crawl.walks import WalkPolicy
from riac_scraper.storage.archive import archive_dir
from riac_scraper.storage.journal import journal_crawl_id
from riac_scraper.storage.outputdir import OutputError, OutputLock, check_writable

USAGE_ERRORS = (OutputError, SettingError, SpiderArgumentError)


def prepare(settings: Any, spider_arguments: dict[str, str]) -> OutputLock:
    """Check the spider arguments and the thresholds, then check and lock the
    output directory: every mistake is found before the first request."""
    check_arguments(spider_arguments)
    read_thresholds(settings)
    if jobdir := settings.get("JOBDIR"):
        journal_crawl_id(jobdir)  # a journal that cannot be resumed is refused before the crawl starts
    WalkPolicy.from_settings(settings)
    lock = OutputLock(settings.get("RIAC_OUTPUT")).acquire()
    if (archive := archive_dir(settings)) is not None:  # the archive is part of the commit: the same pre-flight
        try:
            check_writable(archive, "archive folder")
        except OutputError:
            lock.release()
            raise
    return lock


class Command(ScrapyCrawl):
    # The crawl command is the one that writes datasets, archives and reports.
    default_settings: ClassVar[dict[str, Any]] = {**ScrapyCrawl.default_settings, "RIAC_WRITE_DATASETS": True}

    def short_desc(self) -> str:
        return "Run a spider; exit 1 when the crawl failed or missed a quality threshold"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        try:
            lock = prepare(crawler.settings, opts.spargs)
        except USAGE_ERRORS as exc:
            print(f"riac: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        try:
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
        finally:
            lock.release()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        problems = verdict(crawler)
        for problem in problems:
            print(f"crawl failed: {problem}", file=sys.stderr)
        if problems:
            self.exitcode = 1


def verdict(crawler: Crawler) -> list[str]:
    """The monitor's problems with the crawl; a crawl that never reached its
    verdict (stopped by a second Ctrl-C, or killed) has one."""
    problems = crawler.stats.get_value("riac/quality/problems") if crawler.stats else None
    if problems is None:
        return ["the crawl was stopped before it could judge itself or write its datasets"]
    return list(problems)
