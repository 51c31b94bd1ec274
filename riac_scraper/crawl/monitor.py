"""Crawl quality monitoring: a report next to the datasets, and a verdict.

Every crawl writes ``<RIAC_OUTPUT>/crawl-report.json`` (its keys are listed
in the README).  The crawl fails (``riac crawl`` and ``scrapy crawl`` exit 1,
naming each reason) when:

- it did not finish normally (interrupted by Ctrl-C or SIGTERM, closed by a
  limit), unless it was stopped by ``CLOSESPIDER_TIMEOUT`` with a job
  directory: then it is incomplete, keeps its staged rows, and the next run
  with the same ``JOBDIR`` continues it;
- its datasets could not be written, or robots.txt disallowed everything;
- an article page it decided to fetch ended in no row and no failure;
- fewer than ``RIAC_MIN_ARTICLES`` articles were written or found unchanged;
- more than ``RIAC_MAX_FAILURE_SHARE`` of the pages it accounted for failed
  (unchanged articles are pages seen in good health);
- a ``RIAC_MIN_COVERAGE`` floor is missed, judged only on a group of at least
  ``RIAC_MIN_COVERAGE_PAGES`` pages extracted in this run; smaller groups are
  listed as not judged.

While a crawl runs, its report says so (``"passed": false``): a crawl killed
before its end never leaves the previous crawl's passing report behind.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from riac_scraper import __version__
from riac_scraper.crawl.thresholds import read_thresholds
from riac_scraper.crawl.walks import STATE_NAME, write_state
from riac_scraper.items import grouping_reason
from riac_scraper.storage.derived import dataset_files
from riac_scraper.storage.outputdir import describe
from riac_scraper.storage.tally import Tally

REPORT_NAME = "crawl-report.json"
DATASETS = ("articles", "article_versions", "authors", "polls", "failures")
INCOMPLETE_REASONS = ("closespider_timeout",)  # with a JOBDIR: stopped on purpose, resumed by the next run
URLS_LISTED = 20  # per failure reason, in the report


def _failures(failed: list[tuple[str, str, str]], known: set[str]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[tuple[bool, str, str], list[str]] = defaultdict(list)
    for url, stage, reason in failed:
        groups[(url in known, stage, grouping_reason(reason))].append(url)
    out: dict[str, list[dict[str, Any]]] = {"new": [], "known": []}
    for (is_known, stage, reason), urls in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
        urls = sorted(set(urls))
        out["known" if is_known else "new"].append(
            {"stage": stage, "reason": reason, "count": len(urls), "urls": urls[:URLS_LISTED]}
        )
    return out


def stored_failures(output: Path) -> set[str]:
    """URLs of the failures already stored in ``output`` (earlier crawls)."""
    if not (output / "failures").is_dir():
        return set()
    try:
        return set(ds.dataset(output / "failures", partitioning="hive").to_table(columns=["url"])["url"].to_pylist())
    except (pa.ArrowException, OSError):
        return set()


def dataset_rows(output: Path) -> dict[str, int]:
    """Rows in each dataset, read from the files' footers."""
    rows = {}
    for name in DATASETS:
        rows[name] = sum(pq.ParquetFile(p).metadata.num_rows for p in dataset_files(output, name))
    return rows


def _iso(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return None


class CrawlMonitor:
    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("RIAC_WRITE_DATASETS"):
            raise NotConfigured("not a crawl that writes datasets (scrapy parse, shell, check)")
        self.crawler = crawler
        self.output = Path(crawler.settings.get("RIAC_OUTPUT"))
        self.thresholds = read_thresholds(crawler.settings)
        self.known_failures: set[str] = set()
        # spider_closed is connected only once the spider opens: after the
        # Parquet pipeline's handler, which takes the tally and commits.
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlMonitor:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        self.known_failures = stored_failures(self.output)
        stats = self.crawler.stats
        assert stats is not None
        running = {
            "crawl_id": stats.get_value("riac/crawl_id"),
            "finish_reason": None,
            "started": _iso(stats.get_value("start_time")),
            "problems": ["the crawl is running, or ended before it could write its report"],
            "passed": False,
        }
        try:
            self._write_report(running)
        except OSError as exc:
            spider.logger.error("cannot write the crawl report: %s", exc)

    def _incomplete(self, reason: str) -> bool:
        return reason in INCOMPLETE_REASONS and bool(self.crawler.settings.get("JOBDIR"))

    def problems(self, reason: str, tally: Tally, unaccounted: list[str], listing_pages: int) -> list[str]:
        stats = self.crawler.stats
        assert stats is not None
        problems = []
        if (error := stats.get_value("riac/commit_error")) is not None:
            problems.append(f"the datasets could not be written: {error}; the next crawl into it folds them in")
        if (archive := stats.get_value("riac/archive_error")) is not None:
            problems.append(f"the archive could not be written: {archive}; pages after it have no archive record")
        if (robots := stats.get_value("riac/robots/disallow_all")) is not None:
            problems.append(f"{robots}: read as disallowing every page (RFC 9309)")
        if self._incomplete(reason):
            return problems  # judged when the resumed crawl ends
        if reason != "finished":
            problems.append(f"the crawl did not finish normally (finish reason: {reason})")
            return problems
        t = self.thresholds
        if unaccounted:
            problems.append(
                f"{len(unaccounted)} article pages the crawl decided to fetch ended in no row and no failure "
                f"(first: {unaccounted[0]})"
            )
        if tally.articles + tally.unchanged < t.min_articles:
            problems.append(
                f"{tally.articles} articles written and {tally.unchanged} found unchanged, fewer than "
                f"RIAC_MIN_ARTICLES={t.min_articles}" + ("" if tally.articles else " (no article was written)")
            )
        coverage = tally.coverage()
        for key, floor in sorted(t.min_coverage.items()):
            seen = coverage.get(key)
            if seen and seen["pages"] >= t.min_coverage_pages and seen["share"] < floor:
                problems.append(
                    f"coverage of {key} is {seen['share']:.0%} of {seen['pages']} pages, "
                    f"below the RIAC_MIN_COVERAGE threshold {floor:.0%}"
                )
        problems += self._discovery_problems()
        prefix = "riac/listings/capped/"
        for key, cap in sorted((k, v) for k, v in stats.get_stats().items() if k.startswith(prefix)):
            problems.append(
                f"the {key.removeprefix(prefix)} listing has pages past RIAC_MAX_LISTING_PAGES={cap}: "
                "the crawl did not read it to its end"
            )
        failed = len(tally.failed)
        accounted = tally.articles + tally.unchanged + failed + listing_pages
        if accounted and failed / accounted > t.max_failure_share:
            problems.append(
                f"{failed} of {accounted} pages failed, more than RIAC_MAX_FAILURE_SHARE={t.max_failure_share:.0%}"
            )
        return problems

    def _discovery_problems(self) -> list[str]:
        """Sections whose articles the listings did not reach: against the sitemap,
        or, where no sitemap covers a section, a full first page with no way on."""
        spider = self.crawler.spider
        discovery = getattr(spider, "discovery", None)
        if discovery is None:
            return []
        unjudged = {group: "a listing page of the section failed" for group in getattr(spider, "listings_failed", ())}
        for lang, section in getattr(spider, "walk_stopped", {}):
            unjudged[f"{lang}/{section}"] = "the incremental listing walk stopped early on purpose"
        problems = discovery.gaps(self.thresholds.max_discovery_gap, unjudged)
        covered = {group for url, group in discovery.groups.items() if "sitemap" in discovery.found[url]}
        for (lang, section), listed in sorted(getattr(spider, "lone_first_pages", {}).items()):
            group = f"{lang}/{section}"
            if (
                self.thresholds.full_listing_page
                and listed >= self.thresholds.full_listing_page
                and group not in covered
            ):
                problems.append(
                    f"{group}: the first listing page lists {listed} articles and shows no way to a second page "
                    f"(no link, and probing found none); RIAC_FULL_LISTING_PAGE={self.thresholds.full_listing_page}: "
                    "listing pagination is most likely not being followed, and no sitemap can tell"
                )
        return problems

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        tally = stats.get_value("riac/tally") or Tally()
        decided = set(getattr(spider, "decided", ()))
        unaccounted = tally.unaccounted(decided, getattr(spider, "landed_as", {}))
        listing_pages = stats.get_value("riac/listings/fetched", 0)
        problems = self.problems(reason, tally, unaccounted, listing_pages)
        listing_walk = self._listing_walk(spider, reason, problems)  # its state file's write failure is a problem
        coverage = tally.coverage()
        report = {
            "crawl_id": stats.get_value("riac/crawl_id"),
            "riac_scraper_version": __version__,
            "spider_arguments": getattr(spider, "arguments", {}),
            "started": _iso(stats.get_value("start_time")),
            "finished": _iso(dt.datetime.now(dt.UTC)),
            "finish_reason": reason,
            "incomplete": self._incomplete(reason),
            "pages": {
                "requested": stats.get_value("downloader/request_count", 0),
                "responses": stats.get_value("response_received_count", 0),
                "listing_pages_read": listing_pages,
            },
            "articles": tally.articles_by_kind(getattr(spider, "known", {})),
            "rows_in_datasets": dataset_rows(self.output),
            "failures": _failures(tally.failed, self.known_failures),
            "accounting": {
                "article_pages_decided": len(decided),
                "accounted": len(decided) - len(unaccounted),
                "unaccounted": len(unaccounted),
                "unaccounted_urls": unaccounted[:50],
                "links_skipped_malformed": stats.get_value("riac/links/malformed", 0),
                "refused_outside_boundary": stats.get_value("riac/boundary/refused", 0),
                "listing_pages_repeated": stats.get_value("riac/listings/repeated_page", 0),
            },
            "discovery": spider.discovery.account() if hasattr(spider, "discovery") else None,
            "listing_walk": listing_walk,
            "coverage": coverage,
            "site_text": stats.get_value("riac/site_text"),
            "coverage_not_judged": sorted(
                key
                for key in self.thresholds.min_coverage
                if key in coverage and coverage[key]["pages"] < self.thresholds.min_coverage_pages
            ),
            "thresholds": self.thresholds.as_dict(),
            "problems": problems,
            "passed": not problems,
        }
        try:
            self._write_report(report)
        except OSError as exc:
            problems.append(f"the crawl report could not be written: {exc}")
        stats.set_value("riac/quality/problems", problems)
        for problem in problems:
            spider.logger.error("crawl quality: %s", problem)

    def _listing_walk(self, spider: Spider, reason: str, problems: list[str]) -> dict[str, Any] | None:
        """The report's ``listing_walk``; a crawl that walked the listings (to
        their end or not) also records it in ``walks.STATE_NAME``."""
        policy = getattr(spider, "walk_policy", None)
        if policy is None or "listings" not in spider.discovery.enabled:
            return None
        stats = self.crawler.stats
        assert stats is not None
        stopped = {f"{lang}/{section}": pages for (lang, section), pages in sorted(spider.walk_stopped.items())}
        walked_whole = not stopped and not spider.listings_failed
        before = spider.runs_since_full_walk
        runs = 0 if walked_whole else None if before is None else before + 1
        if reason == "finished" and runs is not None:
            try:
                write_state(self.output, runs, stats.get_value("riac/crawl_id"))
            except OSError as exc:
                problems.append(f"the listing walk state ({STATE_NAME}) could not be written: {describe(exc)}")
        return {
            "full_walk": spider.full_walk,
            "why": spider.walk_why,
            "stopped_early": stopped,
            "runs_since_full_walk": runs,
            "RIAC_LISTING_STOP_AFTER": policy.stop_after,
            "RIAC_FULL_WALK_EVERY": policy.full_every,
            "stored_articles_passed_over": stats.get_value("riac/articles/passed_over", 0),
            "refetched_for_sitemap_lastmod": stats.get_value("riac/articles/lastmod_refetch", 0),
        }

    def _write_report(self, report: dict[str, Any]) -> None:
        self.output.mkdir(parents=True, exist_ok=True)
        tmp = self.output / f".{REPORT_NAME}.{secrets.token_hex(4)}.tmp"
        try:
            tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
            os.replace(tmp, self.output / REPORT_NAME)
        finally:
            tmp.unlink(missing_ok=True)
