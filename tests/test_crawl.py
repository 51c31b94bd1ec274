"""End to end: real ``scrapy crawl riac`` runs against the mirror on loopback."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from riac_scraper.mirror import Mirror
from riac_scraper.records import SCHEMAS
from riac_scraper.urls import stable_id
from tests.conftest import ROOT, SEED_URL, SITE, expected_cases, load_expected, page_path, run_crawl


@pytest.fixture(scope="module")
def two_crawls(mirror: Mirror, tmp_path_factory: pytest.TempPathFactory) -> dict:
    output = tmp_path_factory.mktemp("crawl")
    first = run_crawl(mirror.base_url, output, "-s", "LOG_LEVEL=DEBUG")
    after_first = {name: pd.read_parquet(output / name) for name in ("articles", "polls", "authors")}
    second = run_crawl(mirror.base_url, output)
    return {"output": output, "first": first, "second": second, "after_first": after_first, "base_url": mirror.base_url}


def test_crawls_succeed(two_crawls: dict) -> None:
    for run in ("first", "second"):
        assert two_crawls[run].returncode == 0, two_crawls[run].stderr[-3000:]
        assert "ERROR" not in two_crawls[run].stderr


def test_one_row_per_mirror_article_with_real_site_urls(two_crawls: dict) -> None:
    articles = two_crawls["after_first"]["articles"]
    expected = {load_expected(name)["url"] for name in expected_cases()}
    assert sorted(articles["url"]) == sorted(expected)
    assert articles["article_id"].tolist() == [stable_id(u) for u in articles["url"]]


def test_url_variants_are_fetched_once(two_crawls: dict) -> None:
    log = two_crawls["first"].stderr
    slug = "the-helsinki-summit-the-beginning-of-a-journey/"
    fetched = re.findall(r"Crawled \(200\) <GET (\S+)>", log)
    # The listings link to this article under four variants of its URL.
    assert [u for u in fetched if u.endswith(slug)] == [
        two_crawls["base_url"] + "/en/analytics-and-comments/analytics/" + slug
    ]
    assert len(fetched) == len(set(fetched))


def test_second_crawl_leaves_the_same_rows(two_crawls: dict) -> None:
    columns = [c for c in SCHEMAS["articles"].names if c != "fetched_at"]
    before = two_crawls["after_first"]["articles"].sort_values("article_id")[columns].reset_index(drop=True)
    after = pd.read_parquet(two_crawls["output"] / "articles").sort_values("article_id")[columns]
    pd.testing.assert_frame_equal(before, after.reset_index(drop=True))
    authors = pd.read_parquet(two_crawls["output"] / "authors").sort_values("author_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(
        two_crawls["after_first"]["authors"].sort_values("author_id").reset_index(drop=True), authors
    )


def test_each_poll_is_one_snapshot_per_crawl(two_crawls: dict) -> None:
    polls = pd.read_parquet(two_crawls["output"] / "polls")
    assert polls["crawl_id"].nunique() == 2
    per_crawl = polls.groupby(["crawl_id", "poll_id"]).size()
    options = polls.groupby("poll_id")["option_index"].nunique()
    assert (per_crawl == per_crawl.index.get_level_values("poll_id").map(options)).all()
    assert polls.groupby("crawl_id")["poll_id"].nunique().tolist() == [4, 4]  # two site-wide, two second polls


def test_dataset_files_carry_the_declared_schemas(two_crawls: dict) -> None:
    for name, schema in SCHEMAS.items():
        for path in (two_crawls["output"] / name).glob("lang=*/*.parquet"):
            assert pq.read_schema(path).remove_metadata().equals(schema.remove_metadata()), path


def test_seed_row_in_the_dataset(two_crawls: dict) -> None:
    articles = two_crawls["after_first"]["articles"]
    seed = articles[articles["url"] == SEED_URL].iloc[0]
    assert (seed["title"], seed["rating_votes"], seed["rating_value"]) == (
        "The Helsinki Summit: the Beginning of a Journey",
        4,
        4.75,
    )
    assert [a["name"] for a in seed["authors"]] == ["Igor Ivanov"]
    assert len(seed["body"].split("\n\n")) == 15


def test_sections_and_language_narrow_the_crawl(mirror: Mirror, tmp_path: Path) -> None:
    result = run_crawl(mirror.base_url, tmp_path, "-a", "sections=news", "-a", "lang=ru")
    assert result.returncode == 0, result.stderr[-2000:]
    articles = pd.read_parquet(tmp_path / "articles")
    assert set(articles["section"]) == {"news"} and set(articles["lang"].astype(str)) == {"ru"}
    assert len(articles) == 2


def test_urls_file_and_failure_records(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    broken = "https://russiancouncil.ru/en/news/summer-school-on-international-security-opens-applications/"
    page_path(broken, site).write_text("<html><body><nav>Menu</nav></body></html>", "utf-8")
    missing = "https://russiancouncil.ru/en/news/no-such-article/"
    urls = tmp_path / "urls.txt"
    urls.write_text(
        f"# a comment\nhttps://www.russiancouncil.ru./en/analytics-and-comments/analytics/"
        f"the-helsinki-summit-the-beginning-of-a-journey/?sphrase_id=1\n{missing}\n{broken}\n"
        "https://example.com/not/ours/\n",
        "utf-8",
    )
    with Mirror(site) as server:
        result = run_crawl(server.base_url, tmp_path / "out", "-a", f"urls={urls}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert pd.read_parquet(tmp_path / "out" / "articles")["url"].tolist() == [SEED_URL]
    failures = pd.read_parquet(tmp_path / "out" / "failures").sort_values("url")
    assert failures[["url", "stage", "reason"]].values.tolist() == [
        [missing, "download", "HTTP 404"],
        [broken, "validate", "missing title, body"],
    ]
    assert "not a RIAC article URL" in result.stderr


def test_bad_spider_arguments_fail_with_a_clear_message(mirror: Mirror, tmp_path: Path) -> None:
    result = run_crawl(mirror.base_url, tmp_path, "-a", "sections=opinions")
    assert result.returncode != 0
    assert "unknown section: opinions; choose from analytics, comments, interview, news, blogs" in result.stderr


def test_riac_crawl_mirror_prints_a_summary(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "riac_scraper.cli",
            "crawl",
            "--mirror",
            "--output",
            str(tmp_path),
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"articles\s+16 rows\s+\(en: 9, ru: 7\)", result.stdout), result.stdout


def test_riac_crawl_exits_non_zero_when_nothing_was_written(tmp_path: Path) -> None:
    empty = tmp_path / "empty-site"
    empty.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "riac_scraper.cli",
            "crawl",
            "--mirror",
            "--mirror-root",
            str(empty),
            "--output",
            str(tmp_path / "out"),
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "no article was written" in result.stderr


@pytest.mark.parametrize("name", ["articles", "polls", "authors"])
def test_each_dataset_loads_in_one_line_of_pandas_duckdb_and_polars(two_crawls: dict, name: str) -> None:
    import duckdb
    import polars as pl

    path = two_crawls["output"] / name
    by_pandas = pd.read_parquet(path)
    by_duckdb = duckdb.sql(f"SELECT * FROM read_parquet('{path}/*/*.parquet', hive_partitioning = true)").df()
    by_polars = pl.read_parquet(path)
    assert len(by_pandas) == len(by_duckdb) == by_polars.height > 0
    assert set(by_pandas.columns) == set(by_duckdb.columns) == set(by_polars.columns) == {*SCHEMAS[name].names, "lang"}
