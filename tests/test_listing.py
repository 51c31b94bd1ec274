"""``ListingPage``: the articles a listing page lists (each once, with a hash
of its entry), the further pages of its section, its polls and the links
that are no URL at all."""

from __future__ import annotations

import datetime as dt

import pytest
from parsel import Selector

from riac_scraper.pages.cues import key
from riac_scraper.pages.listing import ListingPage, listing_entries
from riac_scraper.urls import PageKind, stable_id

T0 = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
HERE = "https://russiancouncil.ru/en/analytics-and-comments/analytics/"
A1 = "https://russiancouncil.ru/en/analytics-and-comments/analytics/first-slug/"
A2 = "https://russiancouncil.ru/en/analytics-and-comments/analytics/second-slug/"
NEWS = "https://russiancouncil.ru/en/news/a-news-item/"


def page(body: str, url: str = HERE, **kwargs: object) -> ListingPage:
    return ListingPage(Selector(text=f"<html><body>{body}</body></html>"), url, **kwargs)  # type: ignore[arg-type]


ENTRIES = f"""
<nav><a href="/en/">Home</a> <a href="/en/news/">News</a></nav>
<ul>
 <li><div class="card"><a href="{A1}">First title</a><span>12 March 2026</span><p>First teaser.</p></div></li>
 <li><div class="card"><a href="second-slug/?sphrase_id=4">Second title</a>
     <p>Second teaser <a href="{A2}#comments">3 comments</a></p></div></li>
</ul>
<aside><a href="{NEWS}">A news item</a></aside>
"""


def test_each_listed_article_once_with_the_hash_of_its_whole_entry() -> None:
    entries = page(ENTRIES).entries
    assert list(entries) == [A1, A2, NEWS]
    assert entries[A1] == stable_id(key("First title 12 March 2026 First teaser."))
    assert entries[A2] == stable_id(key("Second title Second teaser 3 comments"))
    assert entries[NEWS] == stable_id(key("A news item"))


def test_an_entry_never_grows_into_a_neighbours_entry() -> None:
    shared = f'<div><p><a href="{A1}">One</a> text one</p><p><a href="{A2}">Two</a> text two</p></div>'
    entries = page(shared).entries
    assert entries[A1] == stable_id(key("One text one"))
    assert entries[A2] == stable_id(key("Two text two"))


def test_a_link_straight_in_the_body_is_its_own_entry() -> None:
    entries = page(f'<a href="{A1}">Only the link</a> loose text').entries
    assert entries == {A1: stable_id(key("Only the link"))}


def test_a_changed_teaser_changes_the_hash_and_a_changed_space_does_not() -> None:
    before = page(ENTRIES).entries
    assert page(ENTRIES.replace("First teaser.", "First  teaser.\n")).entries == before
    assert page(ENTRIES.replace("First teaser.", "FIRST teaser.")).entries == before  # case folded
    changed = page(ENTRIES.replace("First teaser.", "An edited teaser.")).entries
    assert changed[A1] != before[A1] and changed[A2] == before[A2]


def test_further_pages_are_this_sections_listing_pages_in_this_language() -> None:
    links = """
      <a href="?PAGEN_1=2">2</a> <a href="/en/analytics-and-comments/analytics/?PAGEN_1=3">3</a>
      <a href="/analytics-and-comments/analytics/?PAGEN_1=2">ru 2</a>
      <a href="/en/news/?PAGEN_1=2">news 2</a>
      <a href="/en/analytics-and-comments/analytics/first-slug/">an article</a>
      <a href="https://example.com/en/analytics-and-comments/analytics/?PAGEN_1=4">elsewhere</a>
    """
    listing = page(links)
    assert listing.kind == PageKind("listing", "en", "analytics")
    assert listing.further_pages() == [HERE + "?PAGEN_1=2", HERE + "?PAGEN_1=3"]
    assert page(links, url="https://russiancouncil.ru/en/").further_pages() == []


def test_a_listing_paged_with_another_common_parameter_is_followed() -> None:
    links = '<a href="?page=2">2</a> <a href="?page_4=3&offset_4=20">3</a> <a href="?sort=new">sorted</a>'
    assert page(links).further_pages() == [HERE + "?page=2", HERE + "?page_4=3", HERE]  # a sort order is no page


def test_links_that_are_no_url_are_counted_and_skipped() -> None:
    body = f"""<a href="http://[object Object]">x</a> <a href="http://[::1/">y</a>
       <a href="https://example.com/">elsewhere</a> <a>no href</a> <a href="">empty</a> <a href="{A1}">ok</a>"""
    listing = page(body)
    assert listing.entries == {A1: stable_id(key("ok"))}
    assert listing.malformed_links == 2


def test_language_observation_time_and_polls() -> None:
    poll = """<p>1. Which way?</p><p>North</p><p>3 (75%)</p><p>South</p><p>1 (25%)</p>"""
    listing = page(poll, observed_at=T0)
    assert listing.lang == "en" and listing.observed_at == T0
    [snapshot] = listing.polls
    assert (snapshot.lang, snapshot.question) == ("en", "Which way?")
    assert (snapshot.source_url, snapshot.observed_at) == (HERE, T0)
    assert [(o.option, o.votes, o.percent) for o in snapshot.options] == [("North", 3, 75.0), ("South", 1, 25.0)]
    assert listing.warnings == []


def test_a_page_of_no_known_kind_is_russian_unless_told() -> None:
    home = "https://russiancouncil.ru/"
    assert page("", url=home).kind is None
    assert page("", url=home).lang == "ru"
    assert page("", url=home, lang="en").lang == "en"
    assert page("", url="https://russiancouncil.ru/news/").lang == "ru"
    before = dt.datetime.now(dt.UTC)
    assert before <= page("", url=home).observed_at <= dt.datetime.now(dt.UTC)


def test_listing_entries_is_the_pages_entries() -> None:
    sel = Selector(text=f"<html><body>{ENTRIES}</body></html>")
    assert listing_entries(sel, HERE) == page(ENTRIES).entries


@pytest.mark.parametrize(
    "pager",
    [
        '<button class="more" data-url="/en/news/?PAGEN_1=2&amp;more=Y">Show more</button>',
        '<div data-next-page="https://www.russiancouncil.ru/en/news/?PAGEN_1=2"></div>',
        '<span data-href="?PAGEN_1=2" role="button">More</span>',
        '<form action="/en/news/"><input type="hidden" name="PAGEN_1" value="2"><button>More</button></form>',
        '<form><input name="PAGEN_1" value="2"><input name="q" value="x"></form>',
    ],
)
def test_next_pages_that_are_no_link_are_found(pager: str) -> None:

    html = f'<html><body><a href="/en/news/a-story/">A story</a>{pager}</body></html>'
    assert ListingPage(Selector(text=html), "https://russiancouncil.ru/en/news/").further_pages() == [
        "https://russiancouncil.ru/en/news/?PAGEN_1=2"
    ]


def test_rel_next_and_links_give_each_page_once_in_order() -> None:

    html = (
        '<html><head><link rel="next" href="/en/news/?PAGEN_1=3"><link rel="prev" href="/en/news/?PAGEN_1=1"></head>'
        '<body><a href="/en/news/?PAGEN_1=3">3</a><a href="/en/news/?PAGEN_1=4">4</a></body></html>'
    )
    page = ListingPage(Selector(text=html), "https://russiancouncil.ru/en/news/?PAGEN_1=2")
    assert page.further_pages() == [
        "https://russiancouncil.ru/en/news/?PAGEN_1=3",
        "https://russiancouncil.ru/en/news/?PAGEN_1=4",
    ]


@pytest.mark.parametrize(
    "noise",
    [
        '<div data-section="/en/news/true/"></div>',  # a path, no page number
        '<div data-flag="true" data-count="12" data-json=\'{"page": 2}\'></div>',
        '<div data-url="/en/analytics-and-comments/analytics/?PAGEN_1=2"></div>',  # another section
        '<div data-url="https://example.org/en/news/?PAGEN_1=2"></div>',  # another site
        '<form action="/en/news/"><input name="q" value="2"></form>',  # no page number
        '<form action="/en/news/"><input name="PAGEN_1"></form>',  # a page number without value: PAGEN_1= is page 1
        '<form action="https://example.org/en/news/"><input name="PAGEN_1" value="2"></form>',  # another site
        '<form action="/en/news/"><input name="PAGEN_X" value="2"></form>',  # not a page parameter
    ],
)
def test_attribute_values_that_are_no_next_page_are_left(noise: str) -> None:

    html = f"<html><body>{noise}</body></html>"
    assert ListingPage(Selector(text=html), "https://russiancouncil.ru/en/news/").further_pages() == []


@pytest.mark.parametrize(
    ("here", "pager", "expected"),
    [
        # a <link rel="next"> alone, relative to the page
        ("/en/news/?PAGEN_1=2", '<link rel="next" href="?PAGEN_1=3">', "/en/news/?PAGEN_1=3"),
        ("/en/news/", '<div data-more="http://www.russiancouncil.ru/en/news/?PAGEN_1=2"></div>', "/en/news/?PAGEN_1=2"),
        ("/en/news/", '<form><button name="PAGEN_1" value="2">More</button></form>', "/en/news/?PAGEN_1=2"),
        # a form's action, not the page, names the listing; every page parameter is kept
        ("/en/blogs/", '<form action="/en/blogs/ivan-sokolov/"><input name="PAGEN_1" value="2"></form>',
         "/en/blogs/ivan-sokolov/?PAGEN_1=2"),
        ("/en/news/", '<form><input name="PAGEN_1" value="2"><input name="PAGEN_3" value="4"></form>',
         "/en/news/?PAGEN_1=2&PAGEN_3=4"),
        # a form without action on a later page: the page's own number gives way to the form's
        ("/en/news/?PAGEN_1=3", '<form><input name="PAGEN_1" value="4"></form>', "/en/news/?PAGEN_1=4"),
    ],
)  # fmt: skip
def test_each_way_a_next_page_can_hide(here: str, pager: str, expected: str) -> None:
    html = f"<html><head>{pager if pager.startswith('<link') else ''}</head><body>{pager}</body></html>"
    origin = "https://russiancouncil.ru"
    assert ListingPage(Selector(text=html), origin + here).further_pages() == [origin + expected]


def test_listing_links_are_canonicalized_once_whatever_the_page() -> None:
    """The menu and cards that every listing page repeats are one cache entry
    each, not one per page that shows them: the URL cache grows with the
    site's distinct links, not with the pages times their links."""
    from riac_scraper.urls import canonical_cache

    menu = "".join(f'<a href="/en/menu-{n}/">Menu {n}</a>' for n in range(50))
    cards = "".join(f'<a href="https://russiancouncil.ru/en/news/item-{n}/">Item {n}</a>' for n in range(5))
    cards += "".join(f'<a href="http://www.russiancouncil.ru/en/news/old-{n}/">Old {n}</a>' for n in range(5))
    for number in range(2, 12):
        url = f"{HERE}?PAGEN_1={number}"
        listed = page(menu + cards + f'<a href="?PAGEN_1={number + 1}">Next</a>', url)
        assert f"{HERE}?PAGEN_1={number + 1}" in listed.further_pages()
    # 60 shared links (from the root, https and http), the 10 page-relative
    # "Next" links, the 11 pages' own URLs resolved by the relative ones
    assert canonical_cache.cache_info().currsize <= 60 + 10 + 11 + 11
    assert canonical_cache.cache_info().hits >= 9 * 60
