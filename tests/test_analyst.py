"""The analyst's side: keys that join, history, polls as a time series, and
every dataset loadable in pandas, DuckDB and polars."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

from riac_scraper.devtools.mirror import Mirror
from riac_scraper.storage.records import SCHEMAS
from tests.conftest import SITE, page_path, run_crawl

pytestmark = pytest.mark.e2e

EDITED = "https://russiancouncil.ru/en/news/riac-presents-report-on-digital-sovereignty/"


@pytest.fixture(scope="module")
def three_crawls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three crawls of a mirror copy; an article is edited before the third (a full re-crawl)."""
    root = tmp_path_factory.mktemp("analyst")
    site, out = root / "site", root / "out"
    shutil.copytree(SITE, site)
    with Mirror(site) as server:
        assert run_crawl(server.base_url, out).returncode == 0
        assert run_crawl(server.base_url, out).returncode == 0
        page = page_path(EDITED, site)
        page.write_text(page.read_text("utf-8").replace("Digital Sovereignty</h1>", "Data Sovereignty</h1>"), "utf-8")
        assert run_crawl(server.base_url, out, "-a", "full=1").returncode == 0
    return out


def test_articles_join_authors_and_each_person_counts_once(three_crawls: Path) -> None:
    articles = pd.read_parquet(three_crawls / "articles")
    authors = pd.read_parquet(three_crawls / "authors")
    assert authors["author_id"].is_unique
    by_author = articles[["article_id", "authors"]].explode("authors").dropna()
    by_author["author_id"] = by_author["authors"].str["author_id"]
    joined = by_author.merge(authors, on="author_id", how="left", validate="many_to_one")
    assert joined["person_id"].notna().all()  # every author struct finds its row
    people = joined.groupby("person_id")["name"].agg(lambda names: set(names))
    assert {"Igor Ivanov", "Игорь Иванов"} in people.tolist()  # one profile path, two languages
    assert {"Pavel Grigoriev", "Павел Григорьев"} in people.tolist()  # no profile: the name rule
    assert joined.groupby("person_id")["article_id"].nunique().max() == 2  # a pair counts once per article


def test_an_edit_leaves_two_versions_and_one_article(three_crawls: Path) -> None:
    articles = pd.read_parquet(three_crawls / "articles").set_index("url")
    versions = pd.read_parquet(three_crawls / "article_versions")
    assert articles.index.is_unique and articles.loc[EDITED, "title"] == "RIAC Presents Report on Data Sovereignty"
    edited = versions[versions["url"] == EDITED].sort_values("first_seen")
    assert edited["title"].tolist() == [
        "RIAC Presents Report on Digital Sovereignty",
        "RIAC Presents Report on Data Sovereignty",
    ]
    assert edited["content_hash"].is_unique and (edited["first_seen"] <= edited["last_seen"]).all()
    assert edited["last_seen"].iloc[0] < edited["first_seen"].iloc[1]  # the old one was last seen before the new
    assert (versions.groupby("url").size() == 1).sum() == len(articles) - 1
    assert articles["crawl_id"].nunique() == 1  # the full re-crawl fetched every article


def test_every_poll_has_one_snapshot_per_crawl_with_the_same_option_ids(three_crawls: Path) -> None:
    polls = pd.read_parquet(three_crawls / "polls")
    assert polls["crawl_id"].nunique() == 3
    assert (polls.groupby("poll_id")["crawl_id"].nunique() == 3).all()
    assert (
        polls.groupby(["poll_id", "crawl_id"])["option_id"].apply(frozenset).groupby("poll_id").nunique() == 1
    ).all()
    groups = polls.groupby("poll_group")["lang"].agg(lambda langs: set(langs.astype(str)))
    assert {"en", "ru"} in groups.tolist()  # the second poll and its Russian version
    latest = polls[polls.observed_at == polls.groupby("poll_id").observed_at.transform("max")]
    assert latest["poll_id"].nunique() == polls["poll_id"].nunique() and latest["crawl_id"].nunique() == 1


def test_published_is_a_datetime_column_in_pandas(three_crawls: Path) -> None:
    articles = pd.read_parquet(three_crawls / "articles")
    per_month = articles.groupby(articles.published.dt.to_period("M")).size()
    assert per_month.sum() == articles.published.notna().sum() > 0


@pytest.mark.parametrize("dataset", list(SCHEMAS))
def test_every_dataset_loads_in_pandas_duckdb_and_polars(three_crawls: Path, dataset: str) -> None:
    path = three_crawls / dataset
    in_pandas = len(pd.read_parquet(path))
    in_duckdb = duckdb.sql(f"SELECT * FROM read_parquet('{path}/*/*.parquet', hive_partitioning = true)").df()
    in_polars = pl.read_parquet(f"{path}/**/*.parquet", hive_partitioning=True).height
    assert in_pandas == len(in_duckdb) == in_polars
    assert dataset != "failures" or in_pandas == 0  # present, empty, with its schema
