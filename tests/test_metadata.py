"""Page metadata, each source on a page written for it: <title>, og:*,
<html lang>, hreflang links, <time datetime>, microdata and JSON-LD."""

from __future__ import annotations

import json

import pytest
from parsel import Selector

from riac_scraper.pages.metadata import PageMetadata, read_metadata


def meta_of(head: str = "", body: str = "", html_attrs: str = "") -> PageMetadata:
    return read_metadata(Selector(text=f"<html{html_attrs}><head>{head}</head><body>{body}</body></html>"))


def ld(*objects: object) -> str:
    return "".join(f'<script type="application/ld+json">{json.dumps(o)}</script>' for o in objects)


def test_an_empty_page_has_no_metadata() -> None:
    assert meta_of() == PageMetadata()


def test_title_og_title_first_then_the_title_element_with_its_spaces_collapsed() -> None:
    assert meta_of("<title>  A \n title </title>").title == "A title"
    assert meta_of('<title>Page</title><meta property="og:title" content="OG">').title == "OG"
    assert meta_of('<meta property="og:title" content="  "><title>Page</title>').title == "Page"
    assert meta_of(body='<h1 itemprop="headline">a<b>b</b>c</h1>').headline == "abc"  # text joined with nothing between
    assert meta_of("<title> </title>").title is None


def test_description_og_first_then_the_description_meta() -> None:
    assert meta_of('<meta name="description" content="D">').description == "D"
    assert meta_of('<meta name="description" content="D"><meta property="og:description" content="O">').description == (
        "O"
    )
    assert meta_of('<meta property="og:description" content=" ">').description is None
    # the first non-empty value of a key wins; a meta without a name keys nothing
    assert meta_of('<meta name="description" content="A"><meta name="description" content="B">').description == "A"
    assert meta_of('<meta content="orphan">').description is None


def test_html_lang_and_xml_lang() -> None:
    assert meta_of(html_attrs=' lang="ru"').html_lang == "ru"
    assert meta_of(html_attrs=' xml:lang="en"').html_lang is None  # HTML parsing keeps no xml namespace
    xhtml = Selector(text='<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><body/></html>', type="xml")
    assert read_metadata(xhtml).html_lang == "en"
    assert read_metadata(Selector(text='<html lang="ru" xml:lang="en"><body/></html>', type="xml")).html_lang == "ru"


def test_hreflang_alternates_by_their_two_letter_language() -> None:
    head = (
        '<link rel="alternate" hreflang="RU-ru" href="https://russiancouncil.ru/a/">'
        '<link rel="alternate" hreflang="en" href="https://russiancouncil.ru/en/a/">'
        '<link rel="canonical" hreflang="de" href="https://russiancouncil.ru/de/">'
        '<link rel="alternate" hreflang="fr" href="">'
    )
    assert meta_of(head).alternates == {"ru": "https://russiancouncil.ru/a/", "en": "https://russiancouncil.ru/en/a/"}


def test_published_candidates_in_order() -> None:
    head = '<meta property="article:published_time" content=" 2024-01-02 ">'
    body = '<time datetime="2024-01-03">3 January</time><span itemprop="datePublished" content="2024-01-04"></span>'
    body += '<span itemprop="datePublished" datetime="2024-01-05"></span><time>no datetime</time>'
    assert meta_of(head, body).published == ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]
    assert meta_of(body='<span itemprop="datePublished">x</span>').published == [""]


def test_json_ld_date_goes_first() -> None:
    page = meta_of(
        '<meta property="article:published_time" content="2024-01-02">'
        + ld({"@type": "NewsArticle", "datePublished": "2024-01-01"}),
        '<time datetime="2024-01-03"></time>',
    )
    assert page.published == ["2024-01-01", "2024-01-02", "2024-01-03"]
    two = meta_of(ld({"@type": "Article", "datePublished": "A"}, {"@type": "Article", "datePublished": "B"}))
    assert two.published == ["B", "A"]


def test_tags_from_article_tag_metas() -> None:
    head = '<meta property="article:tag" content="Arctic"><meta property="article:tag" content="">'
    head += '<meta property="article:tag" content="Shipping">'
    assert meta_of(head).tags == ["Arctic", "Shipping"]


def test_microdata_headline_rating_and_authors() -> None:
    body = (
        '<h1 itemprop="headline"> The  headline </h1>'
        '<span itemprop="ratingValue" content="4.5">four and a half</span><span itemprop="ratingCount">12</span>'
        '<div itemprop="author"><span itemprop="name">Ivan Petrov</span><span>bio</span></div>'
        '<span itemprop="author">Anna Ivanova</span><span itemprop="author"> </span>'
    )
    page = meta_of(body=body)
    assert page.headline == "The headline"
    assert (page.rating_value, page.rating_count) == ("4.5", "12")
    assert page.author_names == ["Ivan Petrov", "Anna Ivanova"]
    assert meta_of(body='<span itemprop="reviewCount">7</span>').rating_count == "7"
    assert meta_of(body='<span itemprop="ratingCount">3</span><span itemprop="reviewCount">7</span>').rating_count == (
        "3"
    )


def test_json_ld_article_fields() -> None:
    obj = {
        "@type": ["Thing", "Article"],
        "headline": " LD headline ",
        "author": [{"name": " Ivan Petrov "}, "Anna Ivanova", {"name": ""}, 5],
        "aggregateRating": {"ratingValue": 4.75, "reviewCount": 4},
    }
    page = meta_of(ld(obj))
    assert page.headline == "LD headline"
    assert page.author_names == ["Ivan Petrov", "Anna Ivanova"]
    assert (page.rating_value, page.rating_count) == ("4.75", "4")
    obj["aggregateRating"] = {"ratingValue": 4, "ratingCount": 9, "reviewCount": 4}
    assert meta_of(ld(obj)).rating_count == "9"
    obj["aggregateRating"] = {}
    page = meta_of(ld(obj))
    assert (page.rating_value, page.rating_count) == (None, None)


def test_json_ld_of_other_types_and_broken_scripts_are_ignored() -> None:
    page = meta_of(
        ld({"@type": "WebPage", "headline": "page", "datePublished": "2020-01-01"})
        + '<script type="application/ld+json">{not json</script><script type="application/ld+json"></script>'
    )
    assert page == PageMetadata()


def test_a_broken_script_does_not_hide_the_next() -> None:
    broken = '<script type="application/ld+json">{not json</script>'
    assert meta_of(broken + ld({"@type": "Article", "headline": "after"})).headline == "after"


def test_json_ld_graph_and_lists_are_searched() -> None:
    graph = {"@graph": [{"@type": "WebSite", "name": "RIAC"}, {"@type": "BlogPosting", "headline": "In the graph"}]}
    assert meta_of(ld(graph)).headline == "In the graph"
    assert meta_of(ld([{"@type": "Report", "headline": "In a list"}])).headline == "In a list"
    # only @graph is searched below an object: an article named as another key's value is not the page's
    nested = {"@type": "WebPage", "mainEntity": {"@type": "Article", "headline": "nested"}}
    assert meta_of(ld(nested)).headline is None


def test_every_script_counts_the_first_headline_wins() -> None:
    page = meta_of(ld({"@type": "Article", "headline": "first"}) + ld({"@type": "Article", "headline": "second"}))
    assert page.headline in ("first", "second")
    microdata_first = meta_of(ld({"@type": "Article", "headline": "ld"}), '<h1 itemprop="headline">md</h1>')
    assert microdata_first.headline == "md"


def test_authors_from_json_ld_only_when_microdata_named_none() -> None:
    page = meta_of(
        ld({"@type": "Article", "author": {"name": "LD Author"}}), '<span itemprop="author">MD Author</span>'
    )
    assert page.author_names == ["MD Author"]
    assert meta_of(ld({"@type": "Article", "author": {"name": "LD Author"}})).author_names == ["LD Author"]


@pytest.mark.parametrize("rating", [{"ratingValue": ""}, {"ratingCount": None}])
def test_empty_json_ld_ratings_are_none(rating: dict) -> None:
    page = meta_of(ld({"@type": "Article", "aggregateRating": rating}))
    assert (page.rating_value, page.rating_count) == (None, None)


def test_json_ld_nested_past_the_parsers_depth_is_skipped_with_a_warning_not_a_failed_page() -> None:
    from riac_scraper.api import extract

    deep = "[" * 1000 + "]" * 1000
    text = "A sentence of running text that is long enough to count as one, and it ends here."
    ld = '{"@type": "Article", "headline": "Deep", "x": ' + deep + "}"
    head = f'<script type="application/ld+json">{ld}</script>'
    page = f"<html><head>{head}</head><body><h1>T</h1><p>{text}</p></body></html>"
    (row,) = extract(page.encode(), "https://russiancouncil.ru/en/analytics-and-comments/analytics/x/")["articles"]
    assert row["title"] == "T" and "metadata: a JSON-LD block nested too deep to read was skipped" in row["warnings"]


def test_json_ld_author_names_are_read_in_order_however_nested() -> None:
    from riac_scraper.pages.metadata import _names

    assert _names([{"name": "Anna Berg"}, "Boris Chen", [{"name": {"name": "Cara Diaz"}}], 7, None]) == [
        "Anna Berg",
        "Boris Chen",
        "Cara Diaz",
    ]
    nested: object = "Deep Name"
    for _ in range(5000):  # deeper than any call stack
        nested = {"name": [nested]}
    assert _names(nested) == ["Deep Name"]


def test_a_json_ld_block_too_deep_to_read_leaves_the_next_block_read() -> None:
    from parsel import Selector

    from riac_scraper.pages.metadata import read_metadata

    deep = '<script type="application/ld+json">{"x": ' + "[" * 1000 + "]" * 1000 + "}</script>"
    good = '<script type="application/ld+json">{"@type": "Article", "headline": "The second block"}</script>'
    meta = read_metadata(Selector(text=f"<html><head>{deep}{good}</head><body></body></html>", type="html"))
    assert meta.headline == "The second block" and len(meta.warnings) == 1
