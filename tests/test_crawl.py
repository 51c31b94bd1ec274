"""End to end: real ``scrapy crawl riac`` runs against the mirror on loopback."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from riac_scraper.devtools.mirror import Mirror
from riac_scraper.storage.records import CRAWL_STATE_COLUMNS, SCHEMAS
from riac_scraper.urls import stable_id
from tests.conftest import (
    SEED_URL,
    SITE,
    expected_cases,
    load_expected,
    mirror_counts,
    page_path,
    run_crawl,
    run_riac,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def two_crawls(mirror: Mirror, tmp_path_factory: pytest.TempPathFactory) -> dict:
    output = tmp_path_factory.mktemp("crawl")
    first = run_crawl(mirror.base_url, output, "-s", "LOG_LEVEL=DEBUG")
    after_first = {name: pd.read_parquet(output / name) for name in ("articles", "polls", "authors")}
    after_first["report"] = json.loads((output / "crawl-report.json").read_text("utf-8"))
    second = run_crawl(mirror.base_url, output, "-s", "LOG_LEVEL=DEBUG")
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


def test_second_crawl_leaves_the_same_rows_and_fetches_no_article(two_crawls: dict) -> None:
    columns = [c for c in SCHEMAS["articles"].names if c != "last_seen"]
    before = two_crawls["after_first"]["articles"].sort_values("article_id").reset_index(drop=True)
    after = pd.read_parquet(two_crawls["output"] / "articles").sort_values("article_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(before[columns], after[columns])  # fetched_at too: nothing was re-fetched
    assert (after["last_seen"] > before["last_seen"]).all()
    assert (after["first_seen"] == before["fetched_at"]).all()
    assert "/en/analytics-and-comments/analytics/the-helsinki" not in _fetched(two_crawls["second"])
    authors = pd.read_parquet(two_crawls["output"] / "authors").sort_values("author_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(
        two_crawls["after_first"]["authors"].sort_values("author_id").reset_index(drop=True), authors
    )


def _fetched(result: subprocess.CompletedProcess[str]) -> str:
    return "\n".join(re.findall(r"Crawled \(\d+\) <GET (\S+)>", result.stderr))


def test_each_poll_is_one_snapshot_per_crawl(two_crawls: dict) -> None:
    polls = pd.read_parquet(two_crawls["output"] / "polls")
    assert polls["crawl_id"].nunique() == 2
    per_crawl = polls.groupby(["crawl_id", "poll_id"]).size()
    options = polls.groupby("poll_id")["option_index"].nunique()
    assert (per_crawl == per_crawl.index.get_level_values("poll_id").map(options)).all()
    # Both crawls see every poll: the second fetches no article, and reads the polls on the home pages.
    assert polls.groupby("crawl_id")["poll_id"].nunique().tolist() == [4, 4]
    assert (polls.groupby("option_id")["crawl_id"].nunique() == 2).all()  # the same option ids in both


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
    assert result.returncode == 1  # two of three pages failed: the crawl says so
    assert "crawl failed: 2 of 3 pages failed, more than RIAC_MAX_FAILURE_SHARE=10%" in result.stderr
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
    result = run_riac("crawl", "--mirror", "--output", str(tmp_path), "-s", "LOG_LEVEL=WARNING")
    assert result.returncode == 0, result.stderr[-2000:]
    n = mirror_counts()
    assert re.search(rf"articles\s+{n['articles']} rows\s+\(en: {n['en']}, ru: {n['ru']}\)", result.stdout.decode())


def test_riac_crawl_exits_non_zero_when_nothing_was_written(tmp_path: Path) -> None:
    empty = tmp_path / "empty-site"
    empty.mkdir()
    result = run_riac(
        "crawl", "--mirror", "--mirror-root", str(empty), "--output", str(tmp_path / "out"), "-s", "LOG_LEVEL=WARNING"
    )
    assert result.returncode == 1
    assert "no article was written" in result.stderr.decode()


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


def test_crawl_stores_exactly_what_extract_gives(two_crawls: dict) -> None:
    from riac_scraper import extract

    stored = pd.read_parquet(two_crawls["output"] / "articles", dtype_backend="pyarrow")
    for name in expected_cases():
        url = load_expected(name)["url"]
        (row,) = extract(page_path(url).read_bytes(), url)["articles"]
        crawled = stored[stored["url"] == url].iloc[0].to_dict()
        for column in SCHEMAS["articles"].names:
            if column not in CRAWL_STATE_COLUMNS:
                assert _plain(crawled[column]) == _plain(row[column]), (name, column)


def _plain(value: object) -> object:
    """Arrow/pandas scalars and containers as plain Python values."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return None if value is pd.NA else value


def test_crawl_report_is_written_next_to_the_datasets(two_crawls: dict) -> None:
    first = two_crawls["after_first"]["report"]
    assert first["passed"] is True and first["problems"] == []
    n = mirror_counts()
    assert first["articles"]["all"] == {"new": n["articles"], "changed": 0, "unchanged": 0, "failed": 0}
    assert (first["articles"]["en"]["new"], first["articles"]["ru"]["new"]) == (n["en"], n["ru"])
    # home pages, robots.txt, discovery, and the English long reads listing nobody has seen (the mirror has none: 404)
    beside = 2 + 1 + n["probes"] + n["sitemaps"] + n["feeds"] + 1
    assert first["pages"]["requested"] == n["articles"] + n["listing_pages"] + beside
    assert (n["probes"], n["sitemaps"], n["feeds"]) == (13, 3, 6)
    sources = first["discovery"]["sources"]
    for source in ("listings", "sitemap", "feeds"):  # each finds the whole mirror
        assert sources[source]["articles"] == n["articles"], source
    assert sources["links"]["articles"] > 0
    assert first["discovery"]["articles"] == n["articles"]
    assert first["pages"]["listing_pages_read"] == n["listing_pages"] + 2
    assert first["rows_in_datasets"]["articles"] == n["articles"]
    assert first["coverage"]["authors@analytics"] == {
        "pages": 6,
        "share": 1.0,
        "fallback_share": 0.0,
        "suspect_share": 0.0,
    }
    assert first["coverage"]["title"]["share"] == 1.0
    assert first["coverage"]["title"]["pages"] == n["articles"] >= 20  # judged: RIAC_MIN_COVERAGE_PAGES pages
    assert "title" not in first["coverage_not_judged"]
    assert "authors@analytics" in first["coverage_not_judged"]  # 6 pages: fewer than RIAC_MIN_COVERAGE_PAGES
    assert first["started"].endswith("Z") and first["finished"] >= first["started"]
    assert first["riac_scraper_version"] and first["spider_arguments"]["base_url"].startswith("http://127.0.0.1:")
    second = json.loads((two_crawls["output"] / "crawl-report.json").read_text("utf-8"))
    assert second["passed"] is True
    assert second["articles"]["all"] == {"new": 0, "changed": 0, "unchanged": n["articles"], "failed": 0}
    assert second["rows_in_datasets"]["articles"] == n["articles"]  # rows after the crawl, not written by it


def test_crawl_without_author_markup_fails_naming_the_authors_threshold(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    for page in site.rglob("index.html"):
        html = page.read_text("utf-8")
        page.write_text(re.sub(r'<div class="article__authors">.*?\n</div>\n', "", html, flags=re.S), "utf-8")
    with Mirror(site) as server:
        result = run_crawl(server.base_url, tmp_path / "out", "-s", "RIAC_MIN_COVERAGE_PAGES=1")
    assert result.returncode == 1
    assert (
        "crawl failed: coverage of authors@analytics is 17% of 6 pages, below the RIAC_MIN_COVERAGE threshold 90%"
        in (result.stderr)
    )
    report = json.loads((tmp_path / "out" / "crawl-report.json").read_text("utf-8"))
    assert report["passed"] is False
    assert len(pd.read_parquet(tmp_path / "out" / "articles")) == mirror_counts()["articles"]  # still written
    # one analytics page still has its authors, from JSON-LD metadata
    assert report["coverage"]["authors@analytics"]["fallback_share"] == round(1 / 6, 4)
