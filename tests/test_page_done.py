"""A page is journaled done only after everything it gave is staged: the
spider's callbacks end each page's output with its PageDone, and the output
driven through the real pipeline in Scrapy's order finds every row of the
page staged when the journal marks it.  A page marked done first would be
lost by a kill between the two: the resumed crawl would not fetch it again."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from pipelines.parquet import ParquetPipeline
from riac_scraper.crawl.spider import RiacSpider
from riac_scraper.devtools.mirror import BUNDLED_MIRROR, resolve
from riac_scraper.items import Article, CrawlFailure, PageDone, PollSnapshot
from riac_scraper.site import ORIGIN

POLLED = "/en/analytics-and-comments/analytics/the-helsinki-summit-the-beginning-of-a-journey/"
LISTING = "/en/analytics-and-comments/analytics/"


@pytest.fixture
def parts(tmp_path: Path) -> Iterator[tuple[RiacSpider, ParquetPipeline]]:
    """A spider with a journal and the Parquet pipeline, as a resumable crawl has them."""
    crawler = get_crawler(
        RiacSpider, {"JOBDIR": str(tmp_path / "job"), "RIAC_OUTPUT": str(tmp_path / "out"), "RIAC_WRITE_DATASETS": True}
    )
    crawler.stats.open_spider()
    spider = RiacSpider.from_crawler(crawler)
    crawler.spider = spider
    pipeline = ParquetPipeline.from_crawler(crawler)
    pipeline.open_spider()
    yield spider, pipeline
    pipeline.store.close_staging()
    pipeline.engine_stopped()  # closes the journal and frees the lock


def response(path: str, kind: str, body: bytes | None = None) -> HtmlResponse:
    page = resolve(BUNDLED_MIRROR, path)
    assert page is not None
    request = scrapy.Request(ORIGIN + path, meta={"riac_kind": kind})
    return HtmlResponse(ORIGIN + path, body=body or page.read_bytes(), encoding="utf-8", request=request)


def staged(pipeline: ParquetPipeline) -> int:
    """The rows on disk in the crawl's staging, as a resumed process would read them."""
    return sum(
        table.num_rows for name in ("articles", "polls", "failures") for table in pipeline.store.staged_tables(name)
    )


def drive(pipeline: ParquetPipeline, output: list[Any]) -> dict[str, int]:
    """Hands the items on in the callback's order, as Scrapy does; returns the
    rows staged for each page at the moment the journal marked it done."""
    staged_when_done: dict[str, int] = {}
    journal = pipeline.journal
    assert journal is not None
    finish = journal.finish

    def counting_finish(url: str) -> None:
        staged_when_done[url] = staged(pipeline)
        finish(url)

    journal.finish = counting_finish  # type: ignore[method-assign]
    for item in output:
        if isinstance(item, scrapy.Request):
            continue
        with contextlib.suppress(DropItem):  # a PageDone goes no further
            pipeline.process_item(item)
    return staged_when_done


def kinds(output: list[Any]) -> list[str]:
    return [type(item).__name__ for item in output if not isinstance(item, scrapy.Request)]


def test_an_article_is_done_after_its_row_and_its_polls(parts: tuple[RiacSpider, ParquetPipeline]) -> None:
    spider, pipeline = parts
    url = ORIGIN + POLLED
    output = list(spider.parse_article(response(POLLED, "article"), url))
    names = kinds(output)
    assert names[-1] == "PageDone" and names.count("PageDone") == 1
    assert "Article" in names and "PollSnapshot" in names
    rows = sum(isinstance(item, Article) for item in output) + sum(
        len(item.options) for item in output if isinstance(item, PollSnapshot)
    )
    done = drive(pipeline, output)
    assert done == {url: rows}
    assert pipeline.journal is not None and url in pipeline.journal.done


def test_a_page_whose_callback_raises_is_done_after_its_failure_row(
    parts: tuple[RiacSpider, ParquetPipeline], monkeypatch: pytest.MonkeyPatch
) -> None:
    from riac_scraper.crawl import spider as module

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the page reader broke")

    monkeypatch.setattr(module, "article_page", broken)
    spider, pipeline = parts
    url = ORIGIN + POLLED
    output = list(spider.parse_article(response(POLLED, "article"), url))
    assert kinds(output) == ["CrawlFailure", "PageDone"]
    assert isinstance(output[0], CrawlFailure) and output[0].stage == "parse"
    assert drive(pipeline, output) == {url: 1}


def test_a_listing_page_is_done_after_its_polls(parts: tuple[RiacSpider, ParquetPipeline]) -> None:
    spider, pipeline = parts
    url = ORIGIN + LISTING
    output = list(spider.parse_listing(response(LISTING, "listing"), url))
    names = kinds(output)
    assert names[-1] == "PageDone" and names.count("PageDone") == 1
    polls = [item for item in output if isinstance(item, PollSnapshot)]
    done = drive(pipeline, output)
    assert done == {url: sum(len(poll.options) for poll in polls)}
    assert isinstance(output[-1], PageDone)


def test_the_staged_rows_of_a_done_page_outlive_the_process(
    parts: tuple[RiacSpider, ParquetPipeline], tmp_path: Path
) -> None:
    """What the journal counts done is on disk when it says so: a new store
    (the resumed process) reads the page's row back."""
    from riac_scraper.storage.store import DatasetStore

    spider, pipeline = parts
    url = ORIGIN + POLLED
    drive(pipeline, list(spider.parse_article(response(POLLED, "article"), url)))
    assert pipeline.journal is not None
    resumed = DatasetStore(tmp_path / "out", crawl_id=pipeline.journal.crawl_id)
    assert sum(table.num_rows for table in resumed.staged_tables("articles")) == 1


def test_an_articles_listing_entry_is_journaled_before_its_request(parts: tuple[RiacSpider, ParquetPipeline]) -> None:
    spider, _ = parts
    url = ORIGIN + POLLED
    list(spider._article(url, "0123456789abcdef"))
    lines = (Path(spider.settings["JOBDIR"]) / "riac-journal.txt").read_text("utf-8").splitlines()
    mine = [line for line in lines if url in line]
    # killed between the two lines, a resumed crawl must never find the request without its entry
    assert mine == [f"mark listed {url} 0123456789abcdef", f"request article {url}"]
