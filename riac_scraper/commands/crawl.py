"""``scrapy crawl`` that exits 1 when the crawl failed.

Scrapy's own command exits 0 however a crawl went, unless the spider could
not even start. This one also exits 1, printing the reasons, when the crawl
monitor (riac_scraper/monitor.py) found problems.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider; exit 1 when the crawl failed or missed a quality threshold"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        problems = crawler.stats.get_value("riac/quality/problems") if crawler.stats else None
        if problems is None:
            return  # not a crawl the monitor watched
        for problem in problems:
            print(f"crawl failed: {problem}", file=sys.stderr)
        if problems:
            self.exitcode = 1
