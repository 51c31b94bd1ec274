"""The Parquet store: staging, merging, latest fetch wins, nothing half-written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from riac_scraper.items import Article, Author, CrawlFailure
from riac_scraper.storage.records import article_row, failure_row
from riac_scraper.storage.store import DatasetStore

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def article(slug: str, title: str, fetched_at: dt.datetime, lang: str = "en", authors: tuple[str, ...] = ()) -> dict:
    prefix = "/en" if lang == "en" else ""
    return article_row(
        Article(
            url=f"https://russiancouncil.ru{prefix}/news/{slug}/",
            lang=lang,
            section="news",
            title=title,
            paragraphs=["Body text."],
            authors=[Author(name) for name in authors],
            fetched_at=fetched_at,
        )
    )


def crawl(root: Path, rows: list[dict]) -> DatasetStore:
    store = DatasetStore(root)
    store.add("articles", rows)
    store.commit()
    store.discard_staging()
    return store


def test_datasets_are_partitioned_by_language(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "A", T0), article("b", "Б", T0, lang="ru")])
    df = pd.read_parquet(tmp_path / "articles")
    assert sorted(zip(df["lang"].astype(str), df["title"], strict=True)) == [("en", "A"), ("ru", "Б")]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.parquet")) == [
        "article_versions/lang=en/part-0.parquet",
        "article_versions/lang=ru/part-0.parquet",
        "articles/lang=en/part-0.parquet",
        "articles/lang=ru/part-0.parquet",
        "authors/lang=en/part-0.parquet",
        "authors/lang=ru/part-0.parquet",
        "failures/lang=en/part-empty.parquet",  # every dataset exists, empty with its schema
        "polls/lang=en/part-empty.parquet",
    ]


def test_recrawl_keeps_one_row_per_article_and_the_latest_fetch_wins(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "Old title", T0), article("b", "B", T0)])
    crawl(tmp_path, [article("a", "New title", T0 + dt.timedelta(days=1)), article("c", "C", T0)])
    df = pd.read_parquet(tmp_path / "articles").sort_values("url")
    assert df["title"].tolist() == ["New title", "B", "C"]


def test_an_older_fetch_does_not_replace_a_newer_one(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "New", T0 + dt.timedelta(days=1))])
    crawl(tmp_path, [article("a", "Old", T0)])
    assert pd.read_parquet(tmp_path / "articles")["title"].tolist() == ["New"]


def test_within_one_crawl_the_later_row_wins(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "First", T0), article("a", "Second", T0)])
    assert pd.read_parquet(tmp_path / "articles")["title"].tolist() == ["Second"]


def test_staged_rows_survive_a_kill_even_mid_write(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path, crawl_id="c1")
    for i in range(5):
        store.add("articles", [article(str(i), str(i), T0)])
    (part,) = (tmp_path / ".staging" / "c1" / "articles").glob("*.arrows")
    part.write_bytes(part.read_bytes()[:-7])  # the process died while writing the fifth row
    resumed = DatasetStore(tmp_path, crawl_id="c1")  # a new process continues the same crawl
    resumed.add("articles", [article("5", "5", T0)])
    resumed.commit()
    resumed.discard_staging()
    assert sorted(pd.read_parquet(tmp_path / "articles")["title"]) == ["0", "1", "2", "3", "5"]
    assert not (tmp_path / ".staging").exists()


def test_commit_can_be_repeated_after_a_kill_during_the_commit(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "A", T0)])
    store = DatasetStore(tmp_path, crawl_id="c2")
    store.add("articles", [article("a", "A2", T0 + dt.timedelta(1)), article("b", "B", T0)])
    store.add(
        "polls",
        [
            {
                "poll_id": "p",
                "lang": "en",
                "question": "Q?",
                "option_index": 0,
                "option": "Yes",
                "votes": 1,
                "percent": 100.0,
                "total_votes": 1,
                "observed_at": T0,
                "source_url": "u",
                "crawl_id": "c2",
            }
        ],
    )
    store.close_staging()
    store._rebuild_authors = None  # type: ignore[assignment,method-assign]  # dies after the merges
    with pytest.raises(TypeError):
        store.commit()
    (tmp_path / "articles" / "lang=en" / ".part-0.parquet.dead.tmp").write_bytes(b"half a file")
    DatasetStore(tmp_path, crawl_id="c2").commit()
    assert sorted(pd.read_parquet(tmp_path / "articles")["title"]) == ["A2", "B"]
    assert len(pd.read_parquet(tmp_path / "polls")) == 1
    assert not list(tmp_path.rglob("*.tmp"))


def test_no_visible_temporary_files_are_left(tmp_path: Path) -> None:
    crawl(tmp_path, [article("a", "A", T0)])
    crawl(tmp_path, [article("a", "A2", T0 + dt.timedelta(1))])
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".parquet"]
    assert leftovers == []


def test_authors_are_counted_per_person_and_language(tmp_path: Path) -> None:
    crawl(
        tmp_path,
        [
            article("a", "A", T0, authors=("Anna Volkova", "Igor Ivanov")),
            article("b", "B", T0, authors=("anna  volkova",)),
            article("c", "C", T0, lang="ru", authors=("Анна Волкова",)),
        ],
    )
    df = pd.read_parquet(tmp_path / "authors")
    counts = {(str(r.lang), r.name): r.article_count for r in df.itertuples()}
    assert counts == {("en", "Anna Volkova"): 2, ("en", "Igor Ivanov"): 1, ("ru", "Анна Волкова"): 1}
    assert df["author_id"].is_unique


def test_failures_are_appended_per_crawl(tmp_path: Path) -> None:
    for _ in range(2):
        store = DatasetStore(tmp_path)
        store.add(
            "failures",
            [
                failure_row(
                    CrawlFailure("https://russiancouncil.ru/en/news/x/", "download", "HTTP 404", T0), store.crawl_id
                )
            ],
        )
        store.commit()
    df = pd.read_parquet(tmp_path / "failures")
    assert len(df) == 2 and df["crawl_id"].nunique() == 2


@pytest.mark.parametrize("column", ["rating_votes", "word_count"])
def test_integer_columns_stay_integers_in_pandas_even_when_null(tmp_path: Path, column: str) -> None:
    crawl(tmp_path, [article("a", "A", T0)])
    assert str(pd.read_parquet(tmp_path / "articles")[column].dtype) == "Int32"


def test_staging_left_by_a_crawl_that_never_committed_is_folded_in_by_the_next(tmp_path: Path) -> None:
    killed = DatasetStore(tmp_path, crawl_id="20260101T000000Z-aaaaaa")
    killed.add("articles", [article("a", "A", T0)])
    killed.close_staging()  # killed here, or its commit failed: the staging stays
    later = crawl(tmp_path, [article("b", "B", T0 + dt.timedelta(1))])
    assert sorted(pd.read_parquet(tmp_path / "articles")["title"]) == ["A", "B"]
    assert later.written["articles"] == 2 + 1  # the folded crawl's file, then this crawl's
    assert not (tmp_path / ".staging").exists()
    import polars as pl

    assert pl.read_parquet(tmp_path / "articles" / "**" / "*.parquet").height == 2


def test_an_article_marked_unchanged_and_then_fetched_counts_once_by_its_row(tmp_path: Path) -> None:
    from riac_scraper.storage.tally import Tally

    store = DatasetStore(tmp_path)
    refetched = article("a", "A", T0)
    store.seen(refetched["url"], T0)  # its listing entry was unchanged; then the sitemap dated a change
    store.add("articles", [refetched])
    store.seen("https://russiancouncil.ru/news/b/", T0)  # a Russian one, marked twice (a 304 too)
    store.seen("https://russiancouncil.ru/news/b/", T0)
    store.close_staging()
    tally = Tally.from_store(store)
    assert (tally.articles, tally.unchanged, dict(tally.unchanged_by_lang)) == (1, 1, {"ru": 1})
    assert tally.articles_by_kind({})["all"] == {"new": 1, "changed": 0, "unchanged": 1, "failed": 0}
    assert tally.unaccounted({refetched["url"], "https://russiancouncil.ru/news/b/"}, {}) == []
