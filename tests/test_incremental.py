"""Incremental re-crawls: only new articles and those whose listing entry changed are fetched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest

from riac_scraper.devtools.mirror import Mirror
from riac_scraper.site import ORIGIN
from riac_scraper.urls import classify
from tests.conftest import SITE, mirror_counts, page_path, run_crawl

pytestmark = pytest.mark.e2e

COMMENTS = "https://russiancouncil.ru/en/analytics-and-comments/comments/"
EDITED = COMMENTS + "why-the-grain-corridor-talks-stalled/"
TEMPLATE = COMMENTS + "sanctions-fatigue-in-european-capitals/"
OLD_TITLE, NEW_TITLE = "Why the Grain Corridor Talks Stalled", "Why the Grain Corridor Talks Stalled, and What Next"


def article_requests(stderr: str, base_url: str) -> list[str]:
    fetched = re.findall(r"Crawled \((\d+)\) <GET (\S+)>", stderr)
    return sorted(
        url for _, url in fetched if (kind := classify(ORIGIN + urlsplit(url).path)) and kind.kind == "article"
    )


def add_article(site: Path, slug: str, title: str) -> str:
    url = COMMENTS + slug + "/"
    html = page_path(TEMPLATE, site).read_text("utf-8").replace("Sanctions Fatigue in European Capitals", title)
    page_path(url, site).parent.mkdir(parents=True)
    page_path(url, site).write_text(html, "utf-8")
    listing = page_path(COMMENTS, site)
    card = f'<div class="news-item"><a class="news-item__title" href="{url}">{title}</a></div>\n'
    listing.write_text(
        listing.read_text("utf-8").replace('<div class="pagination">', card + '<div class="pagination">'), "utf-8"
    )
    return url


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(SITE, copy)
    return copy


def test_recrawl_fetches_only_new_and_changed_articles(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Mirror(site) as server:
        assert run_crawl(server.base_url, out).returncode == 0
        before = pd.read_parquet(out / "articles").set_index("url")
        new = [
            add_article(site, "a-new-comment-on-trade", "A New Comment on Trade"),
            add_article(site, "another-new-comment", "Another New Comment"),
        ]
        replace_in(page_path(EDITED, site), OLD_TITLE, NEW_TITLE)
        replace_in(page_path(COMMENTS, site), OLD_TITLE, NEW_TITLE)
        result = run_crawl(server.base_url, out, "-s", "LOG_LEVEL=DEBUG")
        assert result.returncode == 0, result.stderr[-2000:]
        assert article_requests(result.stderr, server.base_url) == sorted(
            server.base_url + u.removeprefix("https://russiancouncil.ru") for u in [*new, EDITED]
        )
    after = pd.read_parquet(out / "articles").set_index("url")
    assert len(after) == mirror_counts()["articles"] + 2 and after.index.is_unique
    assert after.loc[EDITED, "title"] == NEW_TITLE
    assert after.loc[EDITED, "first_seen"] == before.loc[EDITED, "first_seen"]
    assert after.loc[EDITED, "fetched_at"] > before.loc[EDITED, "fetched_at"]
    unchanged = before.index.drop(EDITED)
    assert (after.loc[unchanged, "fetched_at"] == before.loc[unchanged, "fetched_at"]).all()
    assert (after.loc[unchanged, "last_seen"] > before.loc[unchanged, "last_seen"]).all()
    assert (after.loc[new, "first_seen"] == after.loc[new, "fetched_at"]).all()


def test_changed_listing_entry_of_an_unchanged_page_gets_a_304(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Mirror(site) as server:
        assert run_crawl(server.base_url, out).returncode == 0
        before = pd.read_parquet(out / "articles").set_index("url")
        replace_in(page_path(COMMENTS, site), f">{OLD_TITLE}<", f">{OLD_TITLE} (updated card)<")
        result = run_crawl(server.base_url, out, "-s", "LOG_LEVEL=DEBUG")
        assert result.returncode == 0, result.stderr[-2000:]
    assert re.findall(r"Crawled \((\d+)\) <GET \S+why-the-grain-corridor-talks-stalled/>", result.stderr) == ["304"]
    after = pd.read_parquet(out / "articles").set_index("url")
    assert after.loc[EDITED, "fetched_at"] == before.loc[EDITED, "fetched_at"]
    assert after.loc[EDITED, "last_seen"] > before.loc[EDITED, "last_seen"]


def test_full_recrawl_fetches_everything(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Mirror(site) as server:
        assert run_crawl(server.base_url, out).returncode == 0
        result = run_crawl(server.base_url, out, "-a", "full=1", "-s", "LOG_LEVEL=DEBUG")
        assert len(article_requests(result.stderr, server.base_url)) == mirror_counts()["articles"]
    assert len(pd.read_parquet(out / "articles")) == mirror_counts()["articles"]


def test_an_incremental_walk_stops_early_and_the_sitemap_catches_the_rest() -> None:
    """The bench site (riac bench --incremental) at a small size: 80 articles a listing, four pages."""
    from riac_scraper.devtools.bench import incremental

    figures = incremental(640, new=6, edited=4)
    assert figures["problems"] == [[], [], []]
    full, unchanged, changed = figures["walks"]
    assert full["full_walk"] and full["stopped_early"] == {} and full["runs_since_full_walk"] == 0
    assert not unchanged["full_walk"] and len(unchanged["stopped_early"]) == 8  # every listing of the bench site
    assert set(unchanged["stopped_early"].values()) == {3}  # RIAC_LISTING_STOP_AFTER=3 of the four pages
    assert unchanged["runs_since_full_walk"] == 1 and changed["runs_since_full_walk"] == 2
    assert figures["unchanged_requests"] < 0.1 * figures["full_requests"]
    assert figures["found"] == figures["changes"] == 10  # new ones deep in the listings, edits with an unchanged card
    assert changed["refetched_for_sitemap_lastmod"] + changed["stored_articles_passed_over"] > 0
