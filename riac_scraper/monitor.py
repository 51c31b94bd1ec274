"""Crawl quality monitoring: a report next to the datasets, and a verdict.

Every crawl writes ``<RIAC_OUTPUT>/crawl-report.json``: pages seen, items
written, failures by reason, and per-field coverage (the share of article
pages with a non-empty value, and the share that came from a fallback
layer). The crawl fails (``riac crawl`` and ``scrapy crawl`` exit 1, naming
the reason) when:

- it did not finish normally (``finish_reason`` other than ``finished``:
  interrupted by Ctrl-C or SIGTERM, closed by a limit);
- its datasets could not be written (the reason names the error and path);
- fewer than ``RIAC_MIN_ARTICLES`` articles were written;
- a coverage threshold of ``RIAC_MIN_COVERAGE`` is missed;
- more than ``RIAC_MAX_FAILURE_SHARE`` of the pages failed.

``RIAC_MIN_COVERAGE`` maps a field, or ``field@section`` for one section's
articles only, to the lowest acceptable share. A threshold is checked only
when at least one article counts towards it.

While a crawl runs, its report says so (``"passed": false``): a crawl killed
before its end never leaves the previous crawl's passing report behind.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from scrapy import Spider, signals
from scrapy.crawler import Crawler

from riac_scraper.items import Article
from riac_scraper.records import article_id
from riac_scraper.store import DatasetStore

COVERED_FIELDS = (
    "title",
    "lead",
    "body",
    "authors",
    "published",
    "rating_votes",
    "translation_url",
    "regions",
    "tags",
    "detected_lang",
)
REPORT_NAME = "crawl-report.json"


def field_presence(article: Article) -> dict[str, bool]:
    """Which covered fields an article has a value for (0 votes is a value; an empty list is not)."""
    return {
        name: getattr(article, "paragraphs" if name == "body" else name) not in (None, "", [])
        for name in COVERED_FIELDS
    }


def _present(column: pa.ChunkedArray) -> list[bool]:
    """Which values are non-empty, without turning long texts into Python strings."""
    if pa.types.is_string(column.type):
        present = pc.greater(pc.utf8_length(column), 0)
    elif pa.types.is_list(column.type):
        present = pc.greater(pc.list_value_length(column), 0)
    else:
        present = pc.is_valid(column)
    return pc.fill_null(present, False).to_pylist()


@dataclass
class Tally:
    """What a crawl staged, counted for the report: computed from the staged
    rows themselves, so that a crawl resumed after a kill is judged whole."""

    pages: Counter[str] = field(default_factory=Counter)  # group ("all" or a section) -> article pages
    present: Counter[str] = field(default_factory=Counter)  # "field@group" -> pages with a value
    fallback: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # "stage: reason" -> pages
    articles: int = 0
    unchanged: int = 0  # stored articles an incremental crawl did not need to fetch again
    landed: set[str] = field(default_factory=set)  # article ids with a row, a failure or an unchanged mark

    @classmethod
    def from_store(cls, store: DatasetStore) -> Tally:
        tally = cls()
        for table in store.staged_tables("articles"):
            tally.landed.update(table.column("article_id").to_pylist())
            present = {name: _present(table.column(name)) for name in COVERED_FIELDS}
            sections, fallbacks = table.column("section").to_pylist(), table.column("fallback_fields").to_pylist()
            for row, (section, fallback) in enumerate(zip(sections, fallbacks, strict=True)):
                tally.articles += 1
                tally._count(section, {name: present[name][row] for name in COVERED_FIELDS}, fallback or [])
        for row in store.staged_rows("failures", ["url", "stage", "reason"]):
            tally.landed.add(article_id(row["url"]))
            tally.failures[f"{row['stage']}: {row['reason']}"] += 1
            if row["stage"] in ("extract", "validate"):  # a page that gave no article: empty everywhere
                tally._count(None, dict.fromkeys(COVERED_FIELDS, False), [])
        for table in store.staged_tables("seen"):
            tally.unchanged += table.num_rows
            tally.landed.update(table.column("article_id").to_pylist())
        return tally

    def unaccounted(self, decided: set[str], landed_as: dict[str, str]) -> list[str]:
        """The article URLs the crawl decided to fetch that ended in no row,
        no failure and no unchanged mark."""
        return sorted(
            url
            for url in decided
            if article_id(url) not in self.landed and article_id(landed_as.get(url, url)) not in self.landed
        )

    def __repr__(self) -> str:  # shown in the crawl's stats dump
        return f"Tally(articles={self.articles}, unchanged={self.unchanged}, failures={sum(self.failures.values())})"

    def _count(self, section: str | None, present: dict[str, bool], fallback: list[str]) -> None:
        for group in ("all", section) if section else ("all",):
            self.pages[group] += 1
            for name, has_value in present.items():
                self.present[f"{name}@{group}"] += has_value
            for name in fallback:
                self.fallback[f"{name}@{group}"] += 1

    def coverage(self) -> dict[str, dict[str, Any]]:
        table = {}
        for group, pages in sorted(self.pages.items()):
            for name in COVERED_FIELDS:
                key = name if group == "all" else f"{name}@{group}"
                table[key] = {
                    "pages": pages,
                    "share": round(self.present[f"{name}@{group}"] / pages, 4),
                    "fallback_share": round(self.fallback[f"{name}@{group}"] / pages, 4),
                }
        return table


class CrawlMonitor:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.output = Path(settings.get("RIAC_OUTPUT"))
        self.min_coverage: dict[str, float] = settings.getdict("RIAC_MIN_COVERAGE")
        self.min_articles = settings.getint("RIAC_MIN_ARTICLES", 1)
        self.max_failure_share = settings.getfloat("RIAC_MAX_FAILURE_SHARE", 0.1)
        # spider_closed is connected only once the spider opens: after the
        # Parquet pipeline's handler, which takes the tally and commits.
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    def spider_opened(self, spider: Spider) -> None:
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        stats = self.crawler.stats
        assert stats is not None
        running = {
            "crawl_id": stats.get_value("riac/crawl_id"),
            "finish_reason": None,
            "started": str(stats.get_value("start_time")),
            "problems": ["the crawl is running, or ended before it could write its report"],
            "passed": False,
        }
        try:
            self._write_report(running)
        except OSError as exc:
            spider.logger.error("cannot write the crawl report: %s", exc)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlMonitor:
        return cls(crawler)

    def problems(
        self, reason: str, tally: Tally, coverage: dict[str, dict[str, Any]], unaccounted: list[str]
    ) -> list[str]:
        problems = []
        if reason != "finished":
            problems.append(f"the crawl did not finish normally (finish reason: {reason})")
        stats = self.crawler.stats
        if stats is not None and (error := stats.get_value("riac/commit_error")):
            problems.append(f"the datasets could not be written: {error}; the next crawl into it folds them in")
        if stats is not None and (robots := stats.get_value("riac/robots/disallow_all")):
            problems.append(f"{robots}: read as disallowing every page (RFC 9309)")
        if unaccounted and reason == "finished":
            problems.append(
                f"{len(unaccounted)} article pages the crawl decided to fetch ended in no row and no failure "
                f"(first: {unaccounted[0]})"
            )
        if tally.articles + tally.unchanged < self.min_articles:
            problems.append(
                f"{tally.articles} articles written and {tally.unchanged} found unchanged, fewer than "
                f"RIAC_MIN_ARTICLES={self.min_articles}" + ("" if tally.articles else " (no article was written)")
            )
        for key, floor in sorted(self.min_coverage.items()):
            seen = coverage.get(key)
            if seen and seen["share"] < float(floor):
                problems.append(
                    f"coverage of {key} is {seen['share']:.0%} of {seen['pages']} pages, "
                    f"below the RIAC_MIN_COVERAGE threshold {float(floor):.0%}"
                )
        failed = sum(tally.failures.values())
        attempted = tally.articles + failed
        if attempted and failed / attempted > self.max_failure_share:
            problems.append(
                f"{failed} of {attempted} pages failed, more than RIAC_MAX_FAILURE_SHARE={self.max_failure_share:.0%}"
            )
        return problems

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        tally = stats.get_value("riac/tally") or Tally()
        coverage = tally.coverage()
        decided = set(getattr(spider, "decided", ()))
        unaccounted = tally.unaccounted(decided, getattr(spider, "landed_as", {}))
        problems = self.problems(reason, tally, coverage, unaccounted)
        report = {
            "crawl_id": stats.get_value("riac/crawl_id"),
            "finish_reason": reason,
            "started": str(stats.get_value("start_time")),
            "finished": dt.datetime.now(dt.UTC).isoformat(),
            "pages_seen": stats.get_value("response_received_count", 0),
            "articles_written": tally.articles,
            "articles_unchanged": tally.unchanged,
            "rows_in_datasets": {
                name: stats.get_value(f"riac/written/{name}", 0)
                for name in ("articles", "authors", "polls", "failures")
            },
            "failures": dict(sorted(tally.failures.items())),
            "accounting": {
                "article_pages_decided": len(decided),
                "accounted": len(decided) - len(unaccounted),
                "unaccounted": len(unaccounted),
                "unaccounted_urls": unaccounted[:50],
                "links_skipped_malformed": stats.get_value("riac/links/malformed", 0),
                "refused_outside_boundary": stats.get_value("riac/boundary/refused", 0),
                "listing_pages_repeated": stats.get_value("riac/listings/repeated_page", 0),
            },
            "coverage": coverage,
            "thresholds": {
                "RIAC_MIN_COVERAGE": self.min_coverage,
                "RIAC_MIN_ARTICLES": self.min_articles,
                "RIAC_MAX_FAILURE_SHARE": self.max_failure_share,
            },
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

    def _write_report(self, report: dict[str, Any]) -> None:
        self.output.mkdir(parents=True, exist_ok=True)
        tmp = self.output / f".{REPORT_NAME}.{secrets.token_hex(4)}.tmp"
        try:
            tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
            os.replace(tmp, self.output / REPORT_NAME)
        finally:
            tmp.unlink(missing_ok=True)
