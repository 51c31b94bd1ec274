"""``scrapy crawl`` that exits 1 when the crawl failed.

Scrapy's own command exits 0 however a crawl went, unless the spider could
not even start. This one also exits 1, printing the reasons, when the crawl
monitor (riac_scraper/monitor.py) found problems or never gave its verdict
(a crawl stopped by a second Ctrl-C), and 2, with one line, when the output
directory cannot be written or another crawl is writing it.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from riac_scraper.outputdir import OutputError, OutputLock


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider; exit 1 when the crawl failed or missed a quality threshold"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        try:
            lock = OutputLock(crawler.settings.get("RIAC_OUTPUT")).acquire()
        except OutputError as exc:
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
