"""Incremental listing walks: the early stop, the sitemap's lastmod, the full walk every N runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from riac_scraper.crawl.discovery import sitemap_date
from riac_scraper.crawl.spider import RiacSpider
from riac_scraper.crawl.thresholds import SettingError
from riac_scraper.crawl.walks import STATE_NAME, WalkPolicy, read_state, write_state
from riac_scraper.devtools.bench import BenchSite
from riac_scraper.pages.listing import ListingPage
from riac_scraper.site import ORIGIN
from riac_scraper.urls import canonical_url

SECTION = "/en/analytics-and-comments/analytics/"  # the bench site's first listing
FETCHED = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
SITE = BenchSite(480)  # 60 articles a section: three listing pages of 20


def page_url(page: int) -> str:
    return canonical_url(ORIGIN + SECTION + (f"?PAGEN_1={page}" if page > 1 else ""))


def listing(page: int, site: BenchSite = SITE) -> HtmlResponse:
    request = scrapy.Request(page_url(page), meta={"riac_kind": "listing"})
    return HtmlResponse(page_url(page), body=site.listing(SECTION, page), encoding="utf-8", request=request)


def entries(page: int, site: BenchSite = SITE) -> dict[str, str]:
    return ListingPage(listing(page, site).selector, page_url(page)).entries


def spider_for(settings: dict[str, Any] | None = None, *, stored: dict[str, str] | None = None) -> RiacSpider:
    """A spider of an incremental crawl whose dataset holds ``stored`` (url -> listing entry)."""
    crawler = get_crawler(RiacSpider, settings or {})
    spider = RiacSpider.from_crawler(crawler)
    spider.known = {
        url: {"listing_hash": entry, "etag": '"e1"', "last_modified": None, "fetched_at": FETCHED}
        for url, entry in (stored or {}).items()
    }
    spider.full_walk = False
    return spider


def requests(output: list[Any]) -> list[str]:
    return [r.cb_kwargs["canonical"] for r in output if isinstance(r, scrapy.Request)]


def all_stored() -> dict[str, str]:
    return {url: entry for page in (1, 2, 3) for url, entry in entries(page).items()}


def test_a_walk_stops_after_k_unchanged_pages_in_a_row() -> None:
    spider = spider_for({"RIAC_LISTING_STOP_AFTER": 2}, stored=all_stored())
    first = list(spider.parse_listing(listing(1), page_url(1)))
    assert requests(first) == [page_url(2)]  # one unchanged page: the walk goes on
    second = list(spider.parse_listing(listing(2), page_url(2)))
    assert requests(second) == []  # the second in a row ends it: page 3 is never asked for
    assert spider.walk_stopped == {("en", "analytics"): 2}  # pages read
    assert spider.crawler.stats.get_value("riac/articles/unchanged") == 40


def test_a_new_or_changed_entry_starts_the_count_again() -> None:
    stored = all_stored()
    changed = next(iter(entries(2)))
    stored[changed] = "an older entry"
    spider = spider_for({"RIAC_LISTING_STOP_AFTER": 2}, stored=stored)
    list(spider.parse_listing(listing(1), page_url(1)))
    second = list(spider.parse_listing(listing(2), page_url(2)))
    assert changed in requests(second)  # fetched again, conditionally
    assert page_url(3) in requests(second)  # and the walk goes on
    (request,) = [r for r in second if isinstance(r, scrapy.Request) and r.cb_kwargs["canonical"] == changed]
    assert request.headers["If-None-Match"] == b'"e1"'
    assert spider.walk_stopped == {}


@pytest.mark.parametrize(("stop_after", "full_walk"), [(0, False), (1, True)])
def test_a_full_walk_or_a_zero_setting_never_stops(stop_after: int, full_walk: bool) -> None:
    spider = spider_for({"RIAC_LISTING_STOP_AFTER": stop_after}, stored=all_stored())
    spider.full_walk = full_walk  # every N-th run, or full=1
    assert requests(list(spider.parse_listing(listing(1), page_url(1)))) == [page_url(2)]
    assert requests(list(spider.parse_listing(listing(2), page_url(2)))) == [page_url(3)]
    assert spider.walk_stopped == {}


def sitemap(lastmods: dict[str, str]) -> HtmlResponse:
    urls = "".join(f"<url><loc>{url}</loc><lastmod>{when}</lastmod></url>" for url, when in lastmods.items())
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
    return scrapy.http.XmlResponse(ORIGIN + "/sitemap.xml", body=body, request=scrapy.Request(ORIGIN + "/sitemap.xml"))


def test_a_later_lastmod_fetches_again_an_article_its_listing_showed_unchanged() -> None:
    spider = spider_for({"RIAC_LISTING_STOP_AFTER": 5}, stored=all_stored())
    first_page = list(entries(1))
    list(spider.parse_listing(listing(1), page_url(1)))
    assert set(first_page) <= spider.marked_unchanged
    edited, untouched = first_page[0], first_page[1]
    response = sitemap({edited: "2025-03-01T10:00:00+00:00", untouched: "2024-12-31T10:00:00+00:00"})
    assert requests(list(spider.parse_sitemap(response, ORIGIN + "/sitemap.xml"))) == [edited]
    assert spider.crawler.stats.get_value("riac/articles/lastmod_refetch") == 1
    # read again (a second sitemap naming it): fetched once only
    assert requests(list(spider.parse_sitemap(response, ORIGIN + "/sitemap.xml"))) == []


def test_a_lastmod_read_first_is_used_when_the_listing_comes() -> None:
    spider = spider_for({"RIAC_LISTING_STOP_AFTER": 5}, stored=all_stored())
    edited = next(iter(entries(1)))
    assert requests(list(spider.parse_sitemap(sitemap({edited: "2025-03-01"}), ORIGIN + "/sitemap.xml"))) == []
    assert edited in requests(list(spider.parse_listing(listing(1), page_url(1))))
    assert edited not in spider.marked_unchanged


def idle(spider: RiacSpider) -> list[str]:
    crawled: list[scrapy.Request] = []
    spider.crawler.engine = SimpleNamespace(crawl=crawled.append)
    kept_open = False
    try:
        spider.on_idle()
    except scrapy.exceptions.DontCloseSpider:
        kept_open = True
    assert kept_open == bool(crawled)  # the crawl is kept open exactly when something was asked for
    return requests(crawled)


def test_below_a_stopped_walk_only_what_the_sitemap_dates_later_is_fetched() -> None:
    stored = all_stored()
    new_site = BenchSite(480, new=8, edited=0)
    spider = spider_for({"RIAC_LISTING_STOP_AFTER": 1}, stored=stored)
    list(spider.parse_listing(listing(1), page_url(1)))
    assert spider.walk_stopped == {("en", "analytics"): 1}
    deep = list(entries(3))
    added = next(url for url in new_site.changed()[0] if "/en/analytics-and-comments/analytics/" in url)
    lastmods = {deep[0]: "2025-06-01T00:00:00Z", deep[1]: "2024-06-01T00:00:00Z", added: "2025-06-01T00:00:00Z"}
    list(spider.parse_sitemap(sitemap(lastmods), ORIGIN + "/sitemap.xml"))
    for url in deep[2:4]:  # found by a link: stored, no lastmod, below the stopped walk
        spider.discovery.add(url, spider._in_scope(url), "links")  # type: ignore[arg-type]
    assert sorted(idle(spider)) == sorted([deep[0], added])  # dated later, and new
    assert spider.passed_over == {deep[1], deep[2], deep[3]}
    assert spider.crawler.stats.get_value("riac/articles/passed_over") == 3
    assert idle(spider) == []  # nothing is asked for twice


def test_without_a_stopped_walk_a_stored_article_off_the_listings_is_checked() -> None:
    spider = spider_for(stored=all_stored())
    url = next(iter(entries(3)))
    spider.discovery.add(url, spider._in_scope(url), "links")  # type: ignore[arg-type]
    assert idle(spider) == [url]


def test_a_date_alone_is_the_end_of_its_day() -> None:
    assert sitemap_date("2025-03-01") == dt.datetime(2025, 3, 2, tzinfo=dt.UTC)
    assert sitemap_date(" 2025-03-01T10:00:00+03:00 ") == dt.datetime(2025, 3, 1, 7, tzinfo=dt.UTC)
    assert sitemap_date("2025-03-01T10:00:00") == dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC)
    for nonsense in (None, "", "yesterday", "2025-13-01"):
        assert sitemap_date(nonsense) is None


# ---------------------------------------------------------------- the policy and its state


def test_the_policy_walks_in_full_every_nth_run_and_when_unsure() -> None:
    policy = WalkPolicy(stop_after=3, full_every=4)
    assert [policy.full_walk(runs)[0] for runs in (0, 1, 2, 3, 9)] == [False, False, False, True, True]
    assert policy.full_walk(None) == (True, "no record of an earlier full walk of the listings")
    assert WalkPolicy(stop_after=0, full_every=4).full_walk(0)[0] is True
    assert WalkPolicy(stop_after=3, full_every=1).full_walk(0)[0] is True
    assert policy.full_walk(1)[1].endswith("1 runs since the last full walk")


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"RIAC_LISTING_STOP_AFTER": "-1"}, "RIAC_LISTING_STOP_AFTER must be 0 or more"),
        ({"RIAC_LISTING_STOP_AFTER": "three"}, "RIAC_LISTING_STOP_AFTER must be a whole number"),
        ({"RIAC_FULL_WALK_EVERY": "0"}, "RIAC_FULL_WALK_EVERY must be 1 or more"),
    ],
)
def test_a_walk_setting_that_cannot_be_used_is_one_line(settings: dict[str, str], says: str) -> None:
    with pytest.raises(SettingError, match=says):
        WalkPolicy.from_settings(Settings(settings))


def test_the_state_is_written_and_read_back(tmp_path: Path) -> None:
    assert read_state(tmp_path) == (None, None)  # a first crawl
    write_state(tmp_path, 2, "20261202T000000Z-abcdef")
    assert read_state(tmp_path) == (2, None)
    assert json.loads((tmp_path / STATE_NAME).read_text())["crawl_id"] == "20261202T000000Z-abcdef"
    assert [p.name for p in tmp_path.iterdir()] == [STATE_NAME]  # no temporary file left


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[]", b'{"runs_since_full_walk": -1}', b'{"runs_since_full_walk": true}',
     b'{"runs_since_full_walk": "2"}', b'{"runs_since_full_walk": 10000000}', b"\xff\xfe"],
)  # fmt: skip
def test_a_state_file_that_is_not_ours_means_a_full_walk(tmp_path: Path, content: bytes) -> None:
    (tmp_path / STATE_NAME).write_bytes(content)
    runs, note = read_state(tmp_path)
    assert runs is None and note is not None and "this run walks every listing" in note
    assert WalkPolicy(3, 4).full_walk(runs)[0] is True


def test_the_spider_reads_the_state_before_the_crawl(tmp_path: Path) -> None:
    write_state(tmp_path, 1, None)
    crawler = get_crawler(RiacSpider, {"RIAC_OUTPUT": str(tmp_path)})
    assert RiacSpider.from_crawler(crawler).runs_since_full_walk == 1
    (tmp_path / STATE_NAME).write_text("garbage")
    spider = RiacSpider.from_crawler(get_crawler(RiacSpider, {"RIAC_OUTPUT": str(tmp_path)}))
    assert spider.runs_since_full_walk is None
    assert any(STATE_NAME in note for note in spider.discovery.notes)


def walk_report(tmp_path: Path, reason: str = "finished", **spider: Any) -> tuple[dict[str, Any] | None, list[str]]:
    from riac_scraper.crawl.discovery import Discovery
    from riac_scraper.crawl.monitor import CrawlMonitor

    crawler = get_crawler(RiacSpider, {"RIAC_WRITE_DATASETS": True, "RIAC_OUTPUT": str(tmp_path)})
    fields = {
        "walk_policy": WalkPolicy(3, 4),
        "discovery": Discovery(),
        "walk_stopped": {},
        "listings_failed": set(),
        "runs_since_full_walk": 1,
        "full_walk": False,
        "walk_why": "why",
        **spider,
    }
    problems: list[str] = []
    return CrawlMonitor(crawler)._listing_walk(SimpleNamespace(**fields), reason, problems), problems


def test_a_walk_to_every_listing_end_resets_the_count_and_a_stopped_one_adds_one(tmp_path: Path) -> None:
    report, problems = walk_report(tmp_path)
    assert problems == [] and report is not None and report["runs_since_full_walk"] == 0
    assert read_state(tmp_path) == (0, None)
    report, _ = walk_report(tmp_path, walk_stopped={("en", "news"): 3}, runs_since_full_walk=0)
    assert report is not None and report["stopped_early"] == {"en/news": 3} and read_state(tmp_path) == (1, None)
    # a listing page that failed: no full walk, whatever was meant
    report, _ = walk_report(tmp_path, listings_failed={"en/news"}, runs_since_full_walk=1, full_walk=True)
    assert report is not None and read_state(tmp_path) == (2, None)


def test_an_unfinished_crawl_or_one_without_listings_leaves_the_count(tmp_path: Path) -> None:
    write_state(tmp_path, 2, None)
    walk_report(tmp_path, reason="closespider_timeout")
    assert read_state(tmp_path) == (2, None)
    from riac_scraper.crawl.discovery import Discovery

    report, _ = walk_report(tmp_path, discovery=Discovery(enabled=("sitemap",)))
    assert report is None and read_state(tmp_path) == (2, None)
    # unknown before, and not walked to the end: still unknown (the next run walks every listing)
    (tmp_path / STATE_NAME).unlink()
    walk_report(tmp_path, listings_failed={"en/news"}, runs_since_full_walk=None)
    assert read_state(tmp_path) == (None, None)


def test_a_state_that_cannot_be_written_fails_the_crawl(tmp_path: Path) -> None:
    (tmp_path / STATE_NAME).mkdir()
    _, problems = walk_report(tmp_path)
    assert len(problems) == 1 and problems[0].startswith(
        f"the listing walk state ({STATE_NAME}) could not be written: "
    )


# ---------------------------------------------------------------- the tag source (a deep source, off by default)


def tag_listing(tag: str, page: int, links: list[str]) -> HtmlResponse:
    from riac_scraper.urls import tag_search_url

    url = tag_search_url(tag, "en", page)
    cards = "".join(f'<div class="news-item"><a href="{link}">An article</a></div>' for link in links)
    request = scrapy.Request(url, meta={"riac_kind": "tags"})
    return HtmlResponse(url, body=f"<html><body>{cards}</body></html>".encode(), encoding="utf-8", request=request)


def test_a_tag_listing_is_read_page_by_page_until_nothing_new() -> None:
    from riac_scraper.urls import tag_search_url

    spider = spider_for({"RIAC_MAX_TAG_PAGES": 5})
    a, b = (f"{ORIGIN}/en/analytics-and-comments/analytics/article-{n}/" for n in "ab")
    first = list(
        spider.parse_tags(tag_listing("Arctic", 1, [a, "/en/search/?tags=Other"]), tag_search_url("Arctic", "en"))
    )
    assert requests(first) == [tag_search_url("Arctic", "en", 2)]
    assert spider.discovery.found == {a: {"tags"}}
    second = list(spider.parse_tags(tag_listing("Arctic", 2, [b]), tag_search_url("Arctic", "en", 2)))
    assert requests(second) == [tag_search_url("Arctic", "en", 3)]
    for page, links in ((3, [a]), (4, [])):  # the first page again (as Bitrix answers past the end), or none
        assert (
            requests(list(spider.parse_tags(tag_listing("Arctic", page, links), tag_search_url("Arctic", "en", page))))
            == []
        )
    assert spider.discovery.documents["tags"] == 2 and spider.crawler.stats.get_value("riac/tags/ended") == 2


def test_a_tag_listing_ends_at_its_page_cap() -> None:
    from riac_scraper.urls import tag_search_url

    spider = spider_for({"RIAC_MAX_TAG_PAGES": 2})
    link = f"{ORIGIN}/en/news/x/"
    assert requests(list(spider.parse_tags(tag_listing("T", 2, [link]), tag_search_url("T", "en", 2)))) == []
    assert "tag search listings are read to RIAC_MAX_TAG_PAGES=2 pages at most" in spider.discovery.notes


def test_only_an_enabled_tag_source_asks_for_tag_listings() -> None:
    from riac_scraper.crawl.discovery import enabled_sources

    assert "tags" not in enabled_sources(Settings())
    assert "tags" in enabled_sources(Settings({"RIAC_DISCOVERY_TAGS": "1"}))
    spider = spider_for()
    spider.discovery.enabled = ("tags",)
    out = list(spider._tag_page("Arctic", "en")) + list(spider._tag_page("Arctic", "en"))
    assert requests(out) == ["https://russiancouncil.ru/en/search/?tags=Arctic"]  # each tag once
    assert out[0].meta["riac_kind"] == "tags"


def test_what_a_resumed_crawl_cannot_read_again_is_marked_in_the_journal(tmp_path: Path) -> None:
    spider = spider_for({"RIAC_LISTING_STOP_AFTER": 1, "JOBDIR": str(tmp_path / "job")}, stored=all_stored())
    list(spider.parse_listing(listing(1), page_url(1)))
    stored, new = next(iter(entries(2))), f"{ORIGIN}/en/analytics-and-comments/analytics/brand-new/"
    lastmods = {stored: "2025-03-01T10:00:00+00:00", new: "2025-03-01T10:00:00+00:00"}
    list(spider.parse_sitemap(sitemap(lastmods), ORIGIN + "/sitemap.xml"))
    spider.journal.close(committed=False)
    marks = [
        line
        for line in (tmp_path / "job" / "riac-journal.txt").read_text("utf-8").splitlines()
        if line.startswith("mark")
    ]
    assert marks == [
        "mark walkstop en/analytics 1",
        "mark documents sitemap 1",
        f"mark lastmod {stored} 2025-03-01T10:00:00+00:00",  # a stored article's only: a new one is fetched anyway
    ]


# ---------------------------------------------------------------- listings nobody has seen


def listing_404(spider: RiacSpider, url: str) -> list[Any]:
    from scrapy.http import Response
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    request = spider._request(url, spider.parse_listing)
    failure = Failure(HttpError(Response(url, status=404, request=request)))
    failure.request = request  # type: ignore[attr-defined]
    return list(spider.on_error(failure))


def test_an_unconfirmed_listing_the_site_lacks_is_a_note_not_a_failure() -> None:
    from riac_scraper.items import CrawlFailure
    from riac_scraper.urls import listing_url

    spider = spider_for()
    assert ("en", "longreads") in spider.listings()
    assert listing_404(spider, listing_url("longreads", "en")) == []
    assert "en/longreads: the site has no such listing (HTTP 404)" in spider.discovery.notes
    assert ("en", "longreads") not in spider.listings() and spider.listings_failed == set()
    # a confirmed listing, or a later page of the unconfirmed one, that is not there is a failed page
    for url in (listing_url("longreads", "ru"), listing_url("longreads", "en") + "?PAGEN_1=2"):
        (failure,) = listing_404(spider, url)
        assert isinstance(failure, CrawlFailure) and failure.reason == "HTTP 404"
    assert spider.listings_failed == {"ru/longreads", "en/longreads"}


def test_the_walk_settings_default_to_three_pages_and_every_fourth_run() -> None:
    assert WalkPolicy.from_settings(Settings({})) == WalkPolicy(stop_after=3, full_every=4)
    assert WalkPolicy.from_settings(Settings({"RIAC_FULL_WALK_EVERY": "1"})) == WalkPolicy(3, 1)


def test_a_full_walk_setting_that_is_no_number_is_named() -> None:
    with pytest.raises(SettingError, match=r"^RIAC_FULL_WALK_EVERY must be a whole number"):
        WalkPolicy.from_settings(Settings({"RIAC_FULL_WALK_EVERY": "four"}))


def test_a_zero_stop_setting_says_why_every_listing_is_walked() -> None:
    assert WalkPolicy(0, 4).full_walk(2) == (True, "RIAC_LISTING_STOP_AFTER=0: listings are always walked to their end")


def test_the_largest_run_count_is_read_and_one_past_it_is_not(tmp_path: Path) -> None:
    from riac_scraper.crawl.walks import MAX_RUNS

    (tmp_path / STATE_NAME).write_text(json.dumps({"runs_since_full_walk": MAX_RUNS}))
    assert read_state(tmp_path) == (MAX_RUNS, None)
    (tmp_path / STATE_NAME).write_text(json.dumps({"runs_since_full_walk": MAX_RUNS + 1}))
    assert read_state(tmp_path)[0] is None


def test_a_state_file_that_cannot_be_read_is_named_with_its_error(tmp_path: Path) -> None:
    (tmp_path / STATE_NAME).write_bytes(b"{not json")
    assert read_state(tmp_path)[1] == f"{STATE_NAME} cannot be read (JSONDecodeError): this run walks every listing"
    (tmp_path / STATE_NAME).unlink()
    (tmp_path / STATE_NAME).mkdir()
    assert "(IsADirectoryError)" in (read_state(tmp_path)[1] or "")


def test_the_state_says_when_it_was_written_in_utc_through_a_hidden_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import re

    from riac_scraper.crawl import walks

    moved: list[str] = []
    replace = os.replace

    def watching(src: Path, dst: Path) -> None:
        moved.append(Path(src).name)
        replace(src, dst)

    monkeypatch.setattr(walks.os, "replace", watching)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    write_state(tmp_path, 1, None)
    written = dt.datetime.fromisoformat(json.loads((tmp_path / STATE_NAME).read_text())["written"])
    assert written.utcoffset() == dt.timedelta(0)
    assert before <= written <= dt.datetime.now(dt.UTC)
    assert len(moved) == 1 and re.fullmatch(r"\.listing-walks\.json\.[0-9a-f]{8}\.tmp", moved[0])
