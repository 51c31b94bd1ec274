"""Crawls that find every article whatever way the listings paginate, or fail
naming the gap: the mirror with its pagination hidden, each source alone,
listings that fall short of the sitemap, a full first page with no way on."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from riac_scraper.devtools.mirror import Mirror
from tests.conftest import FIXTURES, SITE, mirror_counts, run_crawl
from tests.hostile import Scripted
from tests.test_scheduled import _site

pytestmark = pytest.mark.e2e

PAGER = re.compile(r'<div class="pagination">.*?</div>', re.DOTALL)
ONLY = {
    source: [
        arg
        for other, name in (
            ("listings", "RIAC_DISCOVERY_LISTINGS"),
            ("sitemap", "RIAC_DISCOVERY_SITEMAPS"),
            ("feeds", "RIAC_DISCOVERY_FEEDS"),
            ("links", "RIAC_DISCOVERY_LINKS"),
        )
        for arg in ("-s", f"{name}={int(other == source)}")
    ]
    for source in ("listings", "sitemap", "feeds")
}


def listing_files(site: Path) -> list[Path]:
    listings = tomllib.loads((FIXTURES / "listings.toml").read_text("utf-8"))["listing"]
    return [site / listing["path"].strip("/") / name for listing in listings for name in _names(len(listing["pages"]))]


def _names(pages: int) -> list[str]:
    return ["index.html", *(f"page-{n}.html" for n in range(2, pages + 1))]


def hide_pagination(tmp_path: Path) -> Path:
    """The mirror with every listing's pager removed, as a "Show more" script would render it."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    for path in listing_files(site):
        text = path.read_text("utf-8")
        assert PAGER.search(text), path
        path.write_text(PAGER.sub("", text), "utf-8")
    return site


def stored(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "articles")


def report(out: Path) -> dict:
    return json.loads((out / "crawl-report.json").read_text("utf-8"))


def test_listings_that_link_no_next_page_are_walked_by_probing(tmp_path: Path) -> None:
    with Mirror(hide_pagination(tmp_path)) as server:
        result = run_crawl(server.base_url, tmp_path / "out", *ONLY["listings"])
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(stored(tmp_path / "out")) == mirror_counts()["articles"]
    notes = report(tmp_path / "out")["discovery"]["notes"]
    assert "en/analytics: the listing pages link no next page; further pages found by probing ?PAGEN_1=N" in notes


@pytest.mark.parametrize("source", ["sitemap", "feeds"])
def test_each_source_alone_finds_the_whole_mirror(tmp_path: Path, source: str) -> None:
    with Mirror(SITE) as server:
        result = run_crawl(server.base_url, tmp_path / "out", *ONLY[source])
    assert result.returncode == 0, result.stderr[-3000:]
    articles = stored(tmp_path / "out")
    assert len(articles) == mirror_counts()["articles"]
    assert {tuple(found) for found in articles["found_by"]} == {(source,)}
    account = report(tmp_path / "out")["discovery"]
    assert account["sources"][source]["articles"] == mirror_counts()["articles"]
    assert account["sources"]["listings"] == {"enabled": False, "articles": 0, "by_section": {}}
    assert account["found_by"] == {source: mirror_counts()["articles"]}


def test_listings_short_of_the_sitemap_fail_naming_the_gap_after_fetching_the_union(tmp_path: Path) -> None:
    site = hide_pagination(tmp_path)
    (site / "en/analytics-and-comments/analytics/page-2.html").unlink()  # probing page 2 finds nothing
    with Mirror(site) as server:
        result = run_crawl(server.base_url, tmp_path / "out")
    assert result.returncode == 1
    line = "en/analytics: listings reached 2 of the 3 articles in the sitemap; listing pagination is not being followed"
    assert f"crawl failed: {line}" in result.stderr
    assert report(tmp_path / "out")["problems"] == [line]
    articles = stored(tmp_path / "out")
    assert len(articles) == mirror_counts()["articles"]  # the union was fetched: nothing found is lost
    water = articles[articles["url"].str.contains("water-security")]["found_by"].iloc[0]
    assert "listings" not in list(water) and "sitemap" in list(water)


def test_a_full_first_page_with_no_way_on_and_no_sitemap_fails(tmp_path: Path) -> None:
    args = ("-a", "sections=analytics", "-a", "lang=en")
    with Scripted(answers=_site(dict.fromkeys(range(12), True))) as server:
        failed = run_crawl(server.base_url, tmp_path / "a", *args)
        passed = run_crawl(server.base_url, tmp_path / "b", *args, "-s", "RIAC_FULL_LISTING_PAGE=13")
    assert failed.returncode == 1
    assert (
        "crawl failed: en/analytics: the first listing page lists 12 articles and shows no way to a second page "
        "(no link, and probing found none)"
    ) in failed.stderr
    assert passed.returncode == 0, passed.stderr[-3000:]
    account = report(tmp_path / "b")["discovery"]
    assert "robots.txt names no sitemap: trying /sitemap.xml" in account["notes"]
    assert any(note.startswith("sitemap https://russiancouncil.ru/sitemap.xml: HTTP 404") for note in account["notes"])


def test_found_by_agrees_with_the_report(clean_crawl: Path) -> None:
    articles = stored(clean_crawl)
    counted = Counter(" + ".join(found) for found in articles["found_by"])
    assert dict(counted) == report(clean_crawl)["discovery"]["found_by"]
    assert all("listings" in list(found) and "sitemap" in list(found) for found in articles["found_by"])


ARCTIC = "https://russiancouncil.ru/en/analytics-and-comments/analytics/arctic-shipping-routes-and-the-politics-of-ice/"


def test_the_tag_source_finds_an_article_no_listing_shows(tmp_path: Path) -> None:
    """Tags on, sitemaps, feeds and links off: an article taken off its listing is
    found through a tag it shares with an article that is listed."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    card = re.compile(r'<div class="news-item"><a[^>]*arctic-shipping-routes[^>]*>.*?</a></div>\n')
    hidden = 0
    for path in listing_files(site):
        text = path.read_text("utf-8")
        hidden += len(card.findall(text))
        path.write_text(card.sub("", text), "utf-8")
    assert hidden == 2  # listed on two pages
    with Mirror(site) as server:
        without = run_crawl(server.base_url, tmp_path / "without", *ONLY["listings"])
        result = run_crawl(server.base_url, tmp_path / "out", *ONLY["listings"], "-s", "RIAC_DISCOVERY_TAGS=1")
    assert without.returncode == 0 and ARCTIC not in set(stored(tmp_path / "without")["url"])
    assert result.returncode == 0, result.stderr[-3000:]
    articles = stored(tmp_path / "out").set_index("url")
    assert len(articles) == mirror_counts()["articles"]
    assert list(articles.loc[ARCTIC, "found_by"]) == ["tags"]
    tags = report(tmp_path / "out")["discovery"]["sources"]["tags"]
    # en: Arctic, Shipping, Education, Security; ru: two tags; both two-article tags read to their second page
    assert tags["enabled"] is True and tags["documents_read"] == 10
    assert tags["by_section"]["en/analytics"] == 1 and tags["by_section"]["ru/longreads"] == 1
