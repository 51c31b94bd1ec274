"""The discovery sources' readers and the account of what each found."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from scrapy.settings import Settings

from riac_scraper.crawl.discovery import (
    Discovery,
    NotASitemap,
    enabled_sources,
    read_feed,
    read_sitemap,
    sitemaps_in_robots,
)
from riac_scraper.urls import classify

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
EN = "https://russiancouncil.ru/en/analytics-and-comments/analytics/"
RU = "https://russiancouncil.ru/analytics-and-comments/analytics/"


def urlset(*locs: str) -> bytes:
    body = "".join(f"<url><loc>{loc}</loc><lastmod>2024-01-02</lastmod></url>" for loc in locs)
    return f'<?xml version="1.0"?><urlset xmlns="{NS}">{body}</urlset>'.encode()


def test_robots_sitemap_lines_are_read_resolved_and_once() -> None:
    robots = b"User-agent: *\nDisallow: /bitrix/\nSitemap: /sitemap.xml\nsitemap: https://russiancouncil.ru/s2.xml\n"
    robots += b"Sitemap: /sitemap.xml\n"
    assert sitemaps_in_robots(robots, "https://russiancouncil.ru/robots.txt") == [
        "https://russiancouncil.ru/sitemap.xml",
        "https://russiancouncil.ru/s2.xml",
    ]
    assert sitemaps_in_robots(b"User-agent: *\nDisallow:\n", "https://russiancouncil.ru/robots.txt") == []


def test_a_urlset_plain_and_gzipped_gives_its_entries() -> None:
    body = urlset(EN + "a/", EN + "b/")
    for data in (body, gzip.compress(body, mtime=0)):
        document = read_sitemap(data)
        assert document.kind == "urlset"
        assert [e["loc"] for e in document.entries] == [EN + "a/", EN + "b/"]
        assert document.entries[0]["lastmod"] == "2024-01-02"


def test_a_sitemap_index_names_its_sitemaps() -> None:
    body = f'<sitemapindex xmlns="{NS}"><sitemap><loc>https://russiancouncil.ru/s1.xml</loc></sitemap></sitemapindex>'
    document = read_sitemap(body.encode())
    assert document.kind == "sitemapindex"
    assert [e["loc"] for e in document.entries] == ["https://russiancouncil.ru/s1.xml"]


def test_hreflang_alternates_are_kept() -> None:
    body = (
        f'<urlset xmlns="{NS}" xmlns:xhtml="http://www.w3.org/1999/xhtml"><url><loc>{EN}a/</loc>'
        f'<xhtml:link rel="alternate" hreflang="ru" href="{RU}a/"/></url></urlset>'
    )
    assert read_sitemap(body.encode()).entries[0]["alternate"] == [RU + "a/"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"", "is no XML document"),
        (b"<html><body>Not found</body></html>", "another kind (<html>)"),
        (b"\x1f\x8b\x08\x00garbage", "cannot be decompressed"),
        (b'<rss version="2.0"><channel></channel></rss>', "another kind (<rss>)"),
    ],
)
def test_what_is_no_sitemap_says_why_in_one_line(body: bytes, says: str) -> None:
    with pytest.raises(NotASitemap) as raised:
        read_sitemap(body)
    assert says in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize("cut", [4, 300])
def test_a_gzip_stream_cut_short_is_refused_not_read_in_part(cut: int) -> None:
    # its last URL may be cut too: a part of a sitemap would be silently wrong
    body = gzip.compress(urlset(*(f"{EN}article-{n}/" for n in range(200))), mtime=0)
    assert len(read_sitemap(body).entries) == 200
    with pytest.raises(NotASitemap, match="cut short"):
        read_sitemap(body[:-cut])


def test_a_gzipped_sitemap_larger_than_the_download_limit_is_refused() -> None:
    big = gzip.compress(urlset(*(f"{EN}article-{n}/" for n in range(2000))), mtime=0)
    assert len(read_sitemap(big).entries) == 2000
    with pytest.raises(NotASitemap, match="cannot be decompressed"):
        read_sitemap(big, max_size=10_000)


def test_rss_items_give_link_and_date() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>RIAC</title>'
        b"<item><title>A</title><link>https://russiancouncil.ru/en/news/a/</link>"
        b"<pubDate>Tue, 15 Oct 2024 09:00:00 +0300</pubDate></item>"
        b"<item><title>B</title><guid>https://russiancouncil.ru/en/news/b/</guid><pubDate>not a date</pubDate></item>"
        b"<item><title>no link</title></item>"
        b"</channel></rss>"
    )
    assert read_feed(body) == [
        ("https://russiancouncil.ru/en/news/a/", dt.datetime(2024, 10, 15, 6, tzinfo=dt.UTC)),
        ("https://russiancouncil.ru/en/news/b/", None),
    ]


def test_atom_entries_give_link_and_date() -> None:
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>RIAC</title>'
        b'<entry><link href="https://russiancouncil.ru/en/news/a/"/><published>2024-10-15T09:00:00Z</published></entry>'
        b'<entry><link rel="self" href="https://russiancouncil.ru/x"/></entry></feed>'
    )
    assert read_feed(body) == [("https://russiancouncil.ru/en/news/a/", dt.datetime(2024, 10, 15, 9, tzinfo=dt.UTC))]


@pytest.mark.parametrize("body", [b"", b"<html><p>no feed</p></html>", b"<rss><channel><item><link>"])
def test_what_is_no_feed_gives_no_item(body: bytes) -> None:
    assert read_feed(body) == []


def found(discovery: Discovery, source: str, *urls: str) -> None:
    for url in urls:
        kind = classify(url)
        assert kind is not None
        discovery.add(url, kind, source)


def test_the_account_counts_per_source_section_and_overlap() -> None:
    discovery = Discovery()
    found(discovery, "listings", EN + "a/", EN + "b/", RU + "c/")
    found(discovery, "sitemap", EN + "a/", EN + "d/")
    found(discovery, "feeds", EN + "a/")
    assert not discovery.add(EN + "a/", classify(EN + "a/"), "feeds")  # a second time: not new
    discovery.note("robots.txt names no sitemap")
    discovery.note("robots.txt names no sitemap")
    account = discovery.account()
    assert account["articles"] == 4
    assert account["sources"]["listings"]["articles"] == 3
    assert account["sources"]["listings"]["by_section"] == {"en/analytics": 2, "ru/analytics": 1}
    assert account["sources"]["sitemap"]["by_section"] == {"en/analytics": 2}
    assert account["sources"]["links"] == {"enabled": True, "articles": 0, "by_section": {}}
    assert account["found_by"] == {"listings": 2, "listings + sitemap + feeds": 1, "sitemap": 1}
    assert account["notes"] == ["robots.txt names no sitemap"]
    assert discovery.sources_of(EN + "a/") == ["listings", "sitemap", "feeds"]


def test_sources_follow_a_redirect() -> None:
    discovery = Discovery()
    found(discovery, "listings", EN + "old/")
    found(discovery, "sitemap", EN + "new/")
    by_url = discovery.by_url({EN + "old/": EN + "new/"})
    assert by_url[EN + "new/"] == ["listings", "sitemap"]
    assert by_url[EN + "old/"] == ["listings"]


def test_a_gap_between_listings_and_sitemap_is_named_in_one_line() -> None:
    discovery = Discovery()
    listed = [f"{EN}a{n}/" for n in range(10)]
    found(discovery, "listings", *listed)
    found(discovery, "sitemap", *listed, *(f"{EN}b{n}/" for n in range(90)))
    discovery.documents["sitemap"] = 1
    assert discovery.gaps(0.05) == [
        "en/analytics: listings reached 10 of the 100 articles in the sitemap; listing pagination is not being followed"
    ]
    assert discovery.gaps(0.95) == []  # 90 of 100 missing is within a 95% allowance


def test_listings_ahead_of_the_sitemap_are_a_note_not_a_failure() -> None:
    discovery = Discovery()
    found(discovery, "listings", *(f"{EN}a{n}/" for n in range(20)))
    found(discovery, "sitemap", EN + "a0/")
    discovery.documents["sitemap"] = 1
    assert discovery.gaps(0.05) == []
    assert discovery.notes == [
        "en/analytics: the sitemap lists 1 of the 20 articles the listings reached; the sitemap is incomplete"
    ]


def test_a_section_whose_listing_failed_is_not_judged_but_noted() -> None:
    discovery = Discovery()
    found(discovery, "sitemap", EN + "a/", EN + "b/")
    discovery.documents["sitemap"] = 1
    assert discovery.gaps(0.05, {"en/analytics": "a listing page of the section failed"}) == []
    assert discovery.notes == [
        "en/analytics: listings reached 0 of the 2 articles in the sitemap, but a listing page of the section "
        "failed: not judged"
    ]
    assert discovery.gaps(0.05) == [
        "en/analytics: listings reached 0 of the 2 articles in the sitemap; no listing page listed one"
    ]


def test_no_gap_is_judged_without_a_sitemap_read_or_with_a_source_off() -> None:
    discovery = Discovery()
    found(discovery, "listings", EN + "a/")
    found(discovery, "sitemap", EN + "b/")
    assert discovery.gaps(0.0) == []  # no sitemap document was read
    discovery.documents["sitemap"] = 1
    assert len(discovery.gaps(0.0)) == 1
    discovery.enabled = ("sitemap", "feeds")
    assert discovery.gaps(0.0) == []


def test_each_source_has_its_switch() -> None:
    assert enabled_sources(Settings()) == ("listings", "sitemap", "feeds", "links")
    settings = Settings({"RIAC_DISCOVERY_FEEDS": "0", "RIAC_DISCOVERY_LISTINGS": False})
    assert enabled_sources(settings) == ("sitemap", "links")


def test_a_resumed_spider_takes_back_only_what_a_journal_may_say(tmp_path) -> None:
    from scrapy.utils.test import get_crawler

    from riac_scraper.crawl.spider import RiacSpider

    job = tmp_path / "job"
    job.mkdir()
    (job / "riac-journal.txt").write_text(
        "crawl 20261201T000000Z-abcdef\n"
        f"found sitemap {EN}a/\n"
        f"found listings {EN}a/\n"
        f"found rumour {EN}b/\n"  # no such source
        "found feeds https://russiancouncil.ru/en/news/\n"  # a listing, no article
        "found links https://example.org/en/news/x/\n"  # another site
        "found links\n",  # cut short
        "utf-8",
    )
    crawler = get_crawler(RiacSpider, {"JOBDIR": str(job)})
    spider = RiacSpider.from_crawler(crawler)
    assert spider.discovery.found == {f"{EN}a/": {"sitemap", "listings"}}
    spider.journal.close(committed=False)


def test_a_resumed_spider_takes_back_what_its_journal_marked(tmp_path) -> None:
    from scrapy.utils.test import get_crawler

    from riac_scraper.crawl.spider import RiacSpider

    job = tmp_path / "job"
    job.mkdir()
    sitemap = "https://russiancouncil.ru/sitemap.xml"
    (job / "riac-journal.txt").write_text(
        "crawl 20261201T000000Z-abcdef\n"
        f"request sitemap {sitemap}\ndone {sitemap}\n"  # read before the kill: not again
        f"request article {EN}a/\n"  # not finished: fetched again
        "mark lone en/analytics 12\n"
        "mark lone en/news 10\nmark lone en/news 0\n"  # probing found a second page later
        "mark walkstop ru/news 3\n"
        "mark documents sitemap 4\nmark documents sitemap 5\nmark documents rumour 3\n"
        f"mark lastmod {EN}a/ 2025-03-01T10:00:00+00:00\n"
        f"mark published {EN}b/ 2025-02-01T08:00:00+00:00\n"
        # untrusted: other listings, negative or huge counts, a foreign URL, no date, no value
        "mark lone xx/analytics 5\nmark lone en/comments -4\nmark lone en/blogs 99999999999\nmark lone en/interview\n"
        "mark lastmod https://example.org/en/news/x/ 2025-03-01\n"
        f"mark published {EN}c/ yesterday\nmark documents feeds ٣\n",
        "utf-8",
    )
    spider = RiacSpider.from_crawler(get_crawler(RiacSpider, {"JOBDIR": str(job)}))
    again = [(r.cb_kwargs["canonical"], r.meta["riac_kind"]) for r in spider._resumed_requests()]
    assert again == [(f"{EN}a/", "article")]
    assert spider.lone_first_pages == {("en", "analytics"): 12}
    assert spider.walk_stopped == {("ru", "news"): 3}
    assert dict(spider.discovery.documents) == {"sitemap": 5}
    assert spider.discovery.lastmod == {f"{EN}a/": dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC)}
    assert spider.discovery.published == {f"{EN}b/": dt.datetime(2025, 2, 1, 8, tzinfo=dt.UTC)}
    spider.journal.mark("lone", "en/analytics", "12")  # the same value again: no new line
    spider.journal.close(committed=False)
    assert (job / "riac-journal.txt").read_text("utf-8").count("mark lone en/analytics") == 1
