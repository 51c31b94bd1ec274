"""The item pipelines driven in-process, hook by hook, as Scrapy drives them
in a crawl: what each stages, counts, drops and logs."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from pipelines.dedupe import DedupePipeline
from pipelines.normalize import NormalizePipeline, normalize_poll
from pipelines.parquet import ParquetPipeline
from pipelines.validate import ValidatePipeline, validation_failure
from riac_scraper.crawl.spider import RiacSpider
from riac_scraper.items import Article, ArticleSeen, Author, CrawlFailure, PageDone, PollOption, PollSnapshot
from riac_scraper.storage.journal import CrawlJournal
from riac_scraper.storage.outputdir import OutputLock

T0 = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
EN = "https://russiancouncil.ru/en/news/first/"
RU = "https://russiancouncil.ru/news/vtoroy/"
LISTING = "https://russiancouncil.ru/en/news/"


def _crawler(tmp_path: Path, write: bool = True):
    crawler = get_crawler(RiacSpider, {"RIAC_WRITE_DATASETS": write, "RIAC_OUTPUT": str(tmp_path / "out")})
    crawler.stats.open_spider()
    return crawler


def _spider(journal: CrawlJournal | None = None) -> SimpleNamespace:
    return SimpleNamespace(journal=journal, logger=logging.getLogger("test-spider"))


def _article(url: str = EN, **fields) -> Article:
    values = {"title": "A title", "paragraphs": ["One paragraph."], "fetched_at": T0, "published": dt.date(2026, 2, 1)}
    values.update(fields)
    return Article(url, "en" if "/en/" in url else "ru", "news", **values)


def _poll(votes: int = 3, source: str = EN) -> PollSnapshot:
    return PollSnapshot("p1", "en", "Why?", [PollOption("Yes", votes, 100.0)], T0, source)


def _open(tmp_path: Path, journal: CrawlJournal | None = None):
    crawler = _crawler(tmp_path)
    crawler.spider = _spider(journal)
    pipeline = ParquetPipeline.from_crawler(crawler)
    pipeline.open_spider()
    return crawler, pipeline


# ------------------------------------------------------------------ Parquet
def test_the_parquet_pipeline_is_off_unless_the_crawl_writes_datasets(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured, match=r"^not a crawl that writes datasets \(scrapy parse, shell, check\)$"):
        ParquetPipeline.from_crawler(_crawler(tmp_path, write=False))
    assert not (tmp_path / "out").exists()


def test_a_crawl_stages_every_kind_of_item_and_commits_them(tmp_path: Path) -> None:
    crawler, pipeline = _open(tmp_path)
    out = tmp_path / "out"
    assert (out / ".lock").exists() and pipeline.lock is not None
    assert crawler.stats.get_value("riac/crawl_id") == pipeline.store.crawl_id
    article, poll = _article(), _poll()
    failure = CrawlFailure(RU, "download", "HTTP 500", T0)
    assert pipeline.process_item(article) is article
    assert pipeline.process_item(poll) is poll
    assert pipeline.process_item(failure) is failure
    seen = ArticleSeen(EN, T0 + dt.timedelta(days=1))
    assert pipeline.process_item(seen) is seen
    other = object()
    assert pipeline.process_item(other) is other
    assert crawler.stats.get_value("riac/failures/download") == 1
    assert not pipeline.committed

    pipeline.spider_closed(crawler.spider, "finished")
    assert pipeline.committed
    tally = crawler.stats.get_value("riac/tally")
    assert tally.articles == 1 and [f[:2] for f in tally.failed] == [(RU, "download")]
    assert crawler.stats.get_value("riac/written/articles") == 1
    assert crawler.stats.get_value("riac/written/failures") == 1
    assert crawler.stats.get_value("riac/written/polls") == 1
    assert crawler.stats.get_value("riac/site_text") == {
        "en": {"pages": 1, "lines": 0, "rows_changed": 0, "rows_suspect": 0}
    }
    assert crawler.stats.get_value("riac/commit_error") is None
    articles = pd.read_parquet(out / "articles")
    assert articles["url"].tolist() == [EN] and articles["title"].tolist() == ["A title"]
    crawl_id = pipeline.store.crawl_id
    for name in ("articles", "failures", "polls"):
        assert set(pd.read_parquet(out / name)["crawl_id"]) == {crawl_id}, name
    assert articles["last_seen"].iloc[0] == pd.Timestamp(T0 + dt.timedelta(days=1))
    assert pd.read_parquet(out / "failures")["reason"].tolist() == ["HTTP 500"]
    assert pd.read_parquet(out / "polls")["votes"].tolist() == [3]

    assert (out / ".staging").exists()
    pipeline.engine_stopped()
    assert not (out / ".staging").exists()
    OutputLock(out).acquire().release()  # released: another crawl may take it


@pytest.fixture
def far_east(monkeypatch: pytest.MonkeyPatch):
    """The machine's clock in a time zone far from UTC: naive local times would show."""
    import time

    monkeypatch.setenv("TZ", "Asia/Vladivostok")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("far_east")
def test_a_row_arrow_refuses_becomes_a_store_failure(tmp_path: Path) -> None:
    before = pd.Timestamp.now(tz="UTC")
    crawler, pipeline = _open(tmp_path)
    article = _article(rating_votes=2**40)  # no int32 column holds it
    assert pipeline.process_item(article) is article
    poll = _poll(votes=2**40, source=LISTING)
    assert pipeline.process_item(poll) is poll
    assert crawler.stats.get_value("riac/failures/store") == 2
    pipeline.spider_closed(crawler.spider, "finished")
    pipeline.engine_stopped()
    failures = pd.read_parquet(tmp_path / "out" / "failures").sort_values("reason")
    assert failures["stage"].tolist() == ["store", "store"]
    assert failures["url"].tolist() == [EN, LISTING]
    reasons = failures["reason"].tolist()
    assert reasons[0].startswith("row refused by the articles schema: ")
    assert reasons[1].startswith("row refused by the polls schema: ")
    assert all(len(r) <= 300 for r in reasons)
    assert set(failures["crawl_id"]) == {pipeline.store.crawl_id}
    assert all(before <= at <= pd.Timestamp.now(tz="UTC") for at in failures["at"])
    assert pd.read_parquet(tmp_path / "out" / "articles").empty


def test_a_refused_row_of_another_item_is_an_error(tmp_path: Path) -> None:
    _, pipeline = _open(tmp_path)
    with pytest.raises(TypeError):
        pipeline.process_item(CrawlFailure(EN, "download", None, "not a time"))  # type: ignore[arg-type]
    pipeline.spider_closed(pipeline.crawler.spider, "finished")
    pipeline.engine_stopped()


def test_a_long_refusal_is_cut_to_300_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipelines.parquet

    def refuse(*args: object) -> dict:
        raise ValueError("x" * 400)

    monkeypatch.setattr(pipelines.parquet, "article_row", refuse)
    crawler, pipeline = _open(tmp_path)
    pipeline.process_item(_article())
    pipeline.spider_closed(crawler.spider, "finished")
    pipeline.engine_stopped()
    [reason] = pd.read_parquet(tmp_path / "out" / "failures")["reason"]
    assert reason == ("row refused by the articles schema: " + "x" * 400)[:300]


def test_a_spider_without_a_journal_attribute_has_none(tmp_path: Path) -> None:
    crawler = _crawler(tmp_path)
    crawler.spider = SimpleNamespace(logger=logging.getLogger("test-spider"))
    pipeline = ParquetPipeline.from_crawler(crawler)
    pipeline.open_spider()
    assert pipeline.journal is None
    pipeline.engine_stopped()


def test_page_done_marks_the_journal_and_goes_no_further(tmp_path: Path) -> None:
    journal = CrawlJournal(tmp_path / "job")
    _, pipeline = _open(tmp_path, journal)
    assert pipeline.store.crawl_id == journal.crawl_id
    with pytest.raises(DropItem, match=r"^page done$") as dropped:
        pipeline.process_item(PageDone(EN))
    assert dropped.value.log_level == "DEBUG"
    assert journal.done == {EN}
    pipeline.engine_stopped()
    assert journal._file.closed
    _, pipeline2 = _open(tmp_path / "b")
    with pytest.raises(DropItem):
        pipeline2.process_item(PageDone(EN))  # no journal: nothing to mark
    pipeline2.engine_stopped()


def test_an_unfinished_resumable_crawl_keeps_its_staging(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    journal = CrawlJournal(tmp_path / "job")
    crawler, pipeline = _open(tmp_path, journal)
    pipeline.process_item(_article())
    with caplog.at_level(logging.INFO, logger="test-spider"):
        pipeline.spider_closed(crawler.spider, "shutdown")
    assert [r.getMessage() for r in caplog.records] == [
        "crawl not finished (shutdown): staging kept for the resumed run"
    ]
    assert not pipeline.committed
    assert crawler.stats.get_value("riac/tally").articles == 1
    assert crawler.stats.get_value("riac/written/articles") is None
    pipeline.engine_stopped()
    assert list((tmp_path / "out" / ".staging").iterdir())
    assert journal.path.exists()  # the next run resumes this crawl
    assert not (tmp_path / "out" / "articles").exists()


def test_a_finished_resumable_crawl_commits_and_ends_its_journal(tmp_path: Path) -> None:
    journal = CrawlJournal(tmp_path / "job")
    crawler, pipeline = _open(tmp_path, journal)
    pipeline.process_item(_article())
    pipeline.spider_closed(crawler.spider, "finished")
    pipeline.engine_stopped()
    assert pipeline.committed and not journal.path.exists()
    assert len(pd.read_parquet(tmp_path / "out" / "articles")) == 1


def test_a_failed_commit_keeps_the_staging_and_names_why(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    crawler, pipeline = _open(tmp_path)
    pipeline.process_item(_article())
    (tmp_path / "out" / "articles").write_text("a file where the folder goes")
    with caplog.at_level(logging.ERROR, logger="test-spider"):
        pipeline.spider_closed(crawler.spider, "finished")
    error = crawler.stats.get_value("riac/commit_error")
    assert error.startswith(("EEXIST", "ENOTDIR", "FileExistsError", "NotADirectoryError"))
    assert f"(staged rows kept in {pipeline.store.staging})" in error
    [logged] = [r.getMessage() for r in caplog.records]
    assert logged == "the datasets could not be written: " + error.split(" (staged rows kept in ")[0]
    assert not pipeline.committed
    assert crawler.stats.get_value("riac/written/articles") is None
    pipeline.engine_stopped()
    assert pipeline.store.staging.exists()


def test_a_lock_held_by_this_process_is_not_taken_again(tmp_path: Path) -> None:
    with OutputLock(tmp_path / "out"):
        crawler, pipeline = _open(tmp_path)
        assert pipeline.lock is None
        pipeline.spider_closed(crawler.spider, "finished")
        pipeline.engine_stopped()
        assert (tmp_path / "out" / ".lock").read_text().strip() != ""  # still the outer holder's


def test_a_crawl_stopped_before_its_spider_opened_has_nothing_to_release(tmp_path: Path) -> None:
    crawler = _crawler(tmp_path)
    crawler.spider = _spider()
    pipeline = ParquetPipeline.from_crawler(crawler)
    pipeline.engine_stopped()  # open_spider never ran (another pipeline refused to open, say)
    assert pipeline.lock is None and not (tmp_path / "out" / ".lock").exists()


# ------------------------------------------------------------ the others
def test_dedupe_passes_other_items_and_keeps_urls_apart(tmp_path: Path) -> None:
    crawler = _crawler(tmp_path)
    pipeline = DedupePipeline.from_crawler(crawler)
    poll = _poll()
    assert pipeline.process_item(poll) is poll
    assert pipeline.process_item(poll) is poll  # polls are not de-duplicated here
    first, second = _article(EN), _article(RU)
    assert pipeline.process_item(first) is first
    assert pipeline.process_item(second) is second
    with pytest.raises(DropItem, match=f"^article already stored in this crawl: {RU}$") as dropped:
        pipeline.process_item(_article(RU))
    assert dropped.value.log_level == "DEBUG"
    assert crawler.stats.get_value("riac/duplicates/article") == 1


def test_validate_counts_missing_and_fallback_fields_warnings_and_language(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    crawler = _crawler(tmp_path)
    pipeline = ValidatePipeline.from_crawler(crawler)
    poll = _poll()
    assert pipeline.process_item(poll) is poll
    article = _article(
        authors=[Author("Ivan Ivanov")],
        fallback_fields=["body", "title"],
        suspect_fields=["lead"],
        warnings=["w1", "w2"],
        detected_lang="de",
        published=None,
    )
    with caplog.at_level(logging.WARNING, logger="pipelines.validate"):
        assert pipeline.process_item(article) is article
    stats = crawler.stats.get_stats()
    assert stats["riac/field/body/fallback"] == 1 and stats["riac/field/title/fallback"] == 1
    assert stats["riac/field/lead/suspect"] == 1 and "riac/field/title/suspect" not in stats
    assert stats["riac/field/published/missing"] == 1
    assert "riac/field/title/missing" not in stats and "riac/field/authors/missing" not in stats
    assert stats["riac/warnings"] == 2
    assert [r.getMessage() for r in caplog.records] == [f"{EN}: w1", f"{EN}: w2"]
    assert stats["riac/lang_mismatch"] == 1
    assert "riac/invalid_articles" not in stats
    same = _article(detected_lang="en")
    pipeline.process_item(same)
    assert crawler.stats.get_value("riac/lang_mismatch") == 1
    unknown = _article(detected_lang=None)
    pipeline.process_item(unknown)
    assert crawler.stats.get_value("riac/lang_mismatch") == 1


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"title": None}, "missing title"),
        ({"title": ""}, "missing title"),
        ({"paragraphs": []}, "missing body"),
        ({"title": None, "paragraphs": []}, "missing title, body"),
    ],
)
def test_validation_failure_names_what_is_missing(fields: dict, reason: str) -> None:
    failure = validation_failure(_article(**fields))
    assert failure == CrawlFailure(EN, "validate", reason, T0)


def test_validation_failure_without_a_fetch_time_is_stamped_now() -> None:
    before = dt.datetime.now(dt.UTC)
    failure = validation_failure(_article(title=None, fetched_at=None))
    assert failure is not None and before <= failure.at <= dt.datetime.now(dt.UTC)
    assert validation_failure(_article()) is None


def test_normalize_pipeline_reaches_articles_and_polls_and_passes_the_rest() -> None:
    pipeline = NormalizePipeline()
    article = _article(title=" A\u00a0title\u00ad ")
    assert pipeline.process_item(article) is article and article.title == "A title"
    poll = PollSnapshot("p1", "en", " Why\u200b? ", [PollOption(" Yes\u00a0 ", 1, 50.0)], T0, EN)
    assert pipeline.process_item(poll) is poll
    assert (poll.question, poll.options[0].option) == ("Why?", "Yes")
    failure = CrawlFailure(EN, "download", "  HTTP  500 ", T0)
    assert pipeline.process_item(failure) is failure and failure.reason == "  HTTP  500 "
    assert normalize_poll(poll) is poll


def test_found_by_is_what_discovery_knew_when_the_crawl_ended(tmp_path: Path) -> None:
    from riac_scraper.crawl.discovery import Discovery
    from riac_scraper.urls import classify

    crawler, pipeline = _open(tmp_path)
    moved = "https://russiancouncil.ru/en/news/first-moved/"
    pipeline.process_item(_article(found_by=["listings"]))  # what was known at the fetch
    pipeline.process_item(_article(moved, found_by=[]))
    pipeline.process_item(_article(RU, found_by=["links"]))
    discovery = Discovery()
    for url, source in ((EN, "listings"), (EN, "sitemap"), ("https://russiancouncil.ru/en/news/old/", "feeds")):
        discovery.add(url, classify(url), source)
    crawler.spider.discovery = discovery
    crawler.spider.landed_as = {"https://russiancouncil.ru/en/news/old/": moved}
    pipeline.spider_closed(crawler.spider, "finished")
    stored = pd.read_parquet(tmp_path / "out" / "articles").set_index("url")["found_by"]
    assert list(stored[EN]) == ["listings", "sitemap"]  # the sitemap found it after its fetch
    assert list(stored[moved]) == ["feeds"]  # found under the URL it redirected from
    assert list(stored[RU]) == ["links"]  # unknown to discovery: the fetch's own


def test_a_spider_without_discovery_keeps_the_fetch_time_sources(tmp_path: Path) -> None:
    crawler, pipeline = _open(tmp_path)
    pipeline.process_item(_article(found_by=["listings"]))
    pipeline.spider_closed(crawler.spider, "finished")
    assert list(pd.read_parquet(tmp_path / "out" / "articles")["found_by"].iloc[0]) == ["listings"]


def test_a_spider_with_discovery_and_no_redirects_record(tmp_path: Path) -> None:
    from riac_scraper.crawl.discovery import Discovery
    from riac_scraper.urls import classify

    crawler, pipeline = _open(tmp_path)
    pipeline.process_item(_article(found_by=[]))
    crawler.spider.discovery = Discovery()
    crawler.spider.discovery.add(EN, classify(EN), "feeds")
    pipeline.spider_closed(crawler.spider, "finished")  # a spider without landed_as: no redirects
    assert pipeline.committed
    assert list(pd.read_parquet(tmp_path / "out" / "articles")["found_by"].iloc[0]) == ["feeds"]
