from __future__ import annotations

import pytest

from riac_scraper.urls import canonical_url, classify, fetch_url, url_lang

ARTICLE = (
    "https://russiancouncil.ru/en/analytics-and-comments/analytics/the-helsinki-summit-the-beginning-of-a-journey/"
)


@pytest.mark.parametrize(
    "variant",
    [
        ARTICLE,
        ARTICLE.replace("https://", "http://"),
        ARTICLE.replace("russiancouncil.ru", "www.russiancouncil.ru"),
        ARTICLE.replace("russiancouncil.ru", "russiancouncil.ru."),
        ARTICLE.replace("russiancouncil.ru", "WWW.RussianCouncil.RU."),
        ARTICLE + "?sphrase_id=4311",
        ARTICLE + "?utm_source=x&sphrase_id=1#comments",
        ARTICLE.rstrip("/"),
        ARTICLE.replace("/analytics/", "//analytics/"),
        ARTICLE.replace("russiancouncil.ru", "beta.russiancouncil.ru"),
    ],
)
def test_url_variants_collapse(variant: str) -> None:
    assert canonical_url(variant) == ARTICLE


def test_relative_urls_resolve_against_the_base() -> None:
    assert canonical_url("../comments/x/", ARTICLE) == (
        "https://russiancouncil.ru/en/analytics-and-comments/analytics/comments/x/"
    )
    assert canonical_url("/en/news/", ARTICLE) == "https://russiancouncil.ru/en/news/"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/en/news/",
        "mailto:info@russiancouncil.ru",
        "javascript:window.print()",
        "https://russiancouncil.ru.evil.com/en/news/",
    ],
)
def test_other_hosts_and_schemes_are_not_the_site(url: str) -> None:
    assert canonical_url(url) is None


def test_pagination_survives_and_page_one_is_the_listing() -> None:
    assert canonical_url("/en/news/?PAGEN_1=2&sphrase_id=5", ARTICLE) == "https://russiancouncil.ru/en/news/?PAGEN_1=2"
    assert canonical_url("/en/news/?PAGEN_1=1", ARTICLE) == "https://russiancouncil.ru/en/news/"


@pytest.mark.parametrize(
    ("url", "kind", "lang", "section"),
    [
        (ARTICLE, "article", "en", "analytics"),
        ("https://russiancouncil.ru/analytics-and-comments/comments/slug/", "article", "ru", "comments"),
        ("https://russiancouncil.ru/en/analytics-and-comments/interview/slug/", "article", "en", "interview"),
        ("https://russiancouncil.ru/en/news/rsmd-provel-kruglyy-stol-po-/", "article", "en", "news"),
        ("https://russiancouncil.ru/en/blogs/someone/a-post/", "article", "en", "blogs"),
        ("https://russiancouncil.ru/en/blogs/someone/", "listing", "en", "blogs"),
        ("https://russiancouncil.ru/news/?PAGEN_1=3", "listing", "ru", "news"),
        ("https://russiancouncil.ru/analytics-and-comments/analytics/", "listing", "ru", "analytics"),
        ("https://russiancouncil.ru/analytics-and-comments/columns/dayfigure/slug/", "article", "ru", "columns"),
        ("https://russiancouncil.ru/en/analytics-and-comments/columns/riacdigest/slug/", "article", "en", "columns"),
        ("https://russiancouncil.ru/en/analytics-and-comments/columns/", "listing", "en", "columns"),
        ("https://russiancouncil.ru/analytics-and-comments/columns/dayfigure/", "listing", "ru", "columns"),
    ],
)
def test_classify(url: str, kind: str, lang: str, section: str) -> None:
    page = classify(url)
    assert page is not None and (page.kind, page.lang, page.section) == (kind, lang, section)


@pytest.mark.parametrize(
    "url",
    [
        "https://russiancouncil.ru/",
        "https://russiancouncil.ru/en/about-us/experts/x/",
        "https://russiancouncil.ru/upload/a.pdf",
    ],
)
def test_classify_other_pages(url: str) -> None:
    assert classify(url) is None


def test_fetch_url_points_at_the_mirror_but_keeps_path_and_page() -> None:
    assert fetch_url("https://russiancouncil.ru/en/news/?PAGEN_1=2", "http://127.0.0.1:8000") == (
        "http://127.0.0.1:8000/en/news/?PAGEN_1=2"
    )
    assert fetch_url(ARTICLE, None) == ARTICLE


def test_url_lang() -> None:
    assert url_lang(ARTICLE) == "en"
    assert url_lang("https://russiancouncil.ru/news/x/") == "ru"
    assert url_lang("https://russiancouncil.ru/energy/") == "ru"


@pytest.mark.parametrize(
    ("amp", "article"),
    [
        ("https://russiancouncil.ru/en/amp/news/a-slug/", "https://russiancouncil.ru/en/news/a-slug/"),
        ("http://www.russiancouncil.ru/en/amp/news/a-slug", "https://russiancouncil.ru/en/news/a-slug/"),
        ("https://russiancouncil.ru/amp/news/a-slug/", "https://russiancouncil.ru/news/a-slug/"),
    ],
)
def test_an_amp_copy_is_its_article(amp: str, article: str) -> None:
    assert canonical_url(amp) == article


@pytest.mark.parametrize("href", ["http://[object Object]", "http://[::1/", "https://russiancouncil.ru:99999/x/"])
def test_strings_that_are_no_url_give_none(href: str) -> None:
    assert canonical_url(href, "https://russiancouncil.ru/en/news/") is None
