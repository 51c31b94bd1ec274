from __future__ import annotations

import pytest

from riac_scraper.urls import PageKind, canonical_url, classify, fetch_url, url_lang

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
        ("https://russiancouncil.ru/activity/digest/longreads/slug/", "article", "ru", "longreads"),
        ("https://russiancouncil.ru/en/activity/digest/longreads/slug/", "article", "en", "longreads"),
        ("https://russiancouncil.ru/activity/digest/longreads/", "listing", "ru", "longreads"),
        ("https://russiancouncil.ru/activity/digest/longreads/?PAGEN_1=2", "listing", "ru", "longreads"),
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


# ---------------------------------------------------------------- path rules
@pytest.mark.parametrize(
    ("path", "clean"),
    [
        ("/en/news/x", "/en/news/x/"),
        ("/en/news/x/", "/en/news/x/"),
        ("//en///news//x//", "/en/news/x/"),
        ("/en/news/../analytics-and-comments/./x", "/en/analytics-and-comments/x/"),
        ("/upload/iblock/a.pdf", "/upload/iblock/a.pdf"),
        ("", "/"),
        ("/", "/"),
        ("/en", "/en/"),
    ],
)
def test_paths_are_cleaned_to_one_form(path: str, clean: str) -> None:
    assert canonical_url(f"https://russiancouncil.ru{path}") == f"https://russiancouncil.ru{clean}"


ENCODED = "/en/blogs/%D0%B1%D0%BB%D0%BE%D0%B3/%D1%82%D0%B5%D0%BA%D1%81%D1%82-1/"


@pytest.mark.parametrize(
    "path",
    [
        "/en/blogs/блог/текст-1/",  # raw Unicode, as a page may print it
        ENCODED,
        ENCODED.lower(),  # lower-case hex
        "/en/blogs/%D0%B1%D0%BB%D0%BE%D0%B3/текст-1",  # mixed, no trailing slash
    ],
)
def test_unicode_and_percent_encoded_paths_are_one_url(path: str) -> None:
    assert canonical_url(f"https://russiancouncil.ru{path}") == f"https://russiancouncil.ru{ENCODED}"
    assert classify(f"https://russiancouncil.ru{ENCODED}") == PageKind("article", "en", "blogs")


@pytest.mark.parametrize(
    ("path", "clean"),
    [
        ("/en/news/a%2Fb/", "/en/news/a%2Fb/"),  # an encoded slash names no segment
        ("/en/news/a b/", "/en/news/a%20b/"),
        ("/en/news/%7Ea/", "/en/news/~a/"),  # unreserved characters are never encoded
        ("/en/news/%ff/", "/en/news/%FF/"),  # bytes that are no UTF-8 stay as they were, in one case
        ("/en/news/it's(1)/", "/en/news/it's(1)/"),
    ],
)
def test_one_percent_encoding(path: str, clean: str) -> None:
    assert canonical_url(f"https://russiancouncil.ru{path}") == f"https://russiancouncil.ru{clean}"


def test_a_path_without_a_leading_slash_gets_one() -> None:
    from riac_scraper.urls import _clean_path

    assert _clean_path("en/news/x") == "/en/news/x/"
    assert _clean_path("a.html") == "/a.html"


def test_query_keeps_only_pages_past_the_first_in_a_fixed_order() -> None:
    url = "https://russiancouncil.ru/en/news/?PAGEN_2=3&b=1&PAGEN_1=5&a=2"
    assert canonical_url(url) == "https://russiancouncil.ru/en/news/?PAGEN_1=5&PAGEN_2=3"
    assert (
        canonical_url("https://russiancouncil.ru/en/news/?PAGEN_1=1&PAGEN_2=1") == "https://russiancouncil.ru/en/news/"
    )
    assert canonical_url("https://russiancouncil.ru/en/news/?XPAGEN_1=2&PAGEN_1x=2") == (
        "https://russiancouncil.ru/en/news/"
    )


def test_surrounding_space_and_fragments_go() -> None:
    assert canonical_url(f"  {ARTICLE}#comments \n") == ARTICLE
    assert canonical_url(" /en/news/ ", ARTICLE) == "https://russiancouncil.ru/en/news/"


@pytest.mark.parametrize(
    "url",
    ["ftp://russiancouncil.ru/en/news/", "russiancouncil.ru/en/news/", "//", "", "https:///en/news/"],
)
def test_no_http_url_of_the_site_gives_none(url: str) -> None:
    assert canonical_url(url) is None


@pytest.mark.parametrize(
    ("host", "ours"),
    [
        ("russiancouncil.ru", True),
        ("WWW.RUSSIANCOUNCIL.RU", True),
        ("beta.russiancouncil.ru.", True),
        ("evil-russiancouncil.ru", False),
        ("russiancouncil.ru.evil.com", False),
        ("", False),
    ],
)
def test_site_host(host: str, ours: bool) -> None:
    from riac_scraper.urls import site_host

    assert site_host(host) is ours


def test_url_lang_reads_only_the_first_path_segment() -> None:
    assert url_lang("https://russiancouncil.ru/en/") == "en"
    assert url_lang("https://russiancouncil.ru/") == "ru"
    assert url_lang("https://russiancouncil.ru/news/en/x/") == "ru"
    assert url_lang("https://russiancouncil.ru/english/") == "ru"


def test_fetch_url_keeps_the_mirrors_scheme_and_port_and_drops_fragments() -> None:
    assert fetch_url("https://russiancouncil.ru/en/news/x/", "https://localhost:8443/ignored/path") == (
        "https://localhost:8443/en/news/x/"
    )
    assert fetch_url("https://russiancouncil.ru/news/?PAGEN_1=2", "") == "https://russiancouncil.ru/news/?PAGEN_1=2"


@pytest.mark.parametrize(
    ("url", "base", "allowed"),
    [
        ("https://russiancouncil.ru/en/news/", None, True),
        ("http://www.russiancouncil.ru/en/news/", None, True),
        ("https://beta.russiancouncil.ru./x/", None, True),
        ("HTTPS://RussianCouncil.RU/x/", None, True),
        ("https://russiancouncil.ru:443/x/", None, True),
        ("http://russiancouncil.ru:80/x/", None, True),
        ("https://russiancouncil.ru:80/x/", None, False),
        ("http://russiancouncil.ru:443/x/", None, False),
        ("https://russiancouncil.ru:8443/x/", None, False),
        ("https://example.com/x/", None, False),
        ("ftp://russiancouncil.ru/x/", None, False),
        ("mailto:a@russiancouncil.ru", None, False),
        ("https://russiancouncil.ru:99999/x/", None, False),
        ("http://[::1/", None, False),
        ("http://127.0.0.1:8000/en/news/", "http://127.0.0.1:8000", True),
        ("http://127.0.0.1:8000/en/news/", "http://127.0.0.1:8000/", True),
        ("http://LOCALHOST:8000/x/", "http://localhost:8000", True),
        ("http://127.0.0.1:8001/en/news/", "http://127.0.0.1:8000", False),
        ("https://127.0.0.1:8000/en/news/", "http://127.0.0.1:8000", False),
        ("http://127.0.0.2:8000/en/news/", "http://127.0.0.1:8000", False),
        ("https://russiancouncil.ru/en/news/", "http://127.0.0.1:8000", False),
        ("http://mirror.test/x/", "http://mirror.test", True),
        ("http://mirror.test:80/x/", "http://mirror.test", True),
        ("http://mirror.test/x/", "http://mirror.test:80", True),
        ("https://mirror.test/x/", "https://mirror.test:443", True),
        ("http://mirror.test:8080/x/", "http://mirror.test", False),
    ],
)
def test_within_boundary(url: str, base: str | None, allowed: bool) -> None:
    from riac_scraper.urls import within_boundary

    assert within_boundary(url, base) is allowed


@pytest.mark.parametrize(
    ("href", "malformed"),
    [
        ("http://[object Object]", True),
        ("  http://[::1/  ", True),
        ("https://russiancouncil.ru:99999/x/", True),
        ("https://example.com/x/", False),
        ("/en/news/", False),
        ("mailto:info@russiancouncil.ru", False),
        ("", False),
    ],
)
def test_is_malformed(href: str, malformed: bool) -> None:
    from riac_scraper.urls import is_malformed

    assert is_malformed(href, "https://russiancouncil.ru/en/news/") is malformed


def test_listing_url() -> None:
    from riac_scraper.urls import listing_url

    assert listing_url("analytics", "en") == "https://russiancouncil.ru/en/analytics-and-comments/analytics/"
    assert listing_url("analytics", "ru") == "https://russiancouncil.ru/analytics-and-comments/analytics/"
    assert listing_url("news", "xx") == "https://russiancouncil.ru/news/"


def test_stable_id_is_sha256_of_the_parts_joined_by_a_unit_separator() -> None:
    import hashlib

    from riac_scraper.urls import stable_id

    assert stable_id("a", "b") == hashlib.sha256(b"a\x1fb").hexdigest()[:16]
    assert stable_id("ab") != stable_id("a", "b")
    assert stable_id("Ж") == hashlib.sha256("Ж".encode()).hexdigest()[:16]
    assert len(stable_id()) == 16


def test_classify_names_the_page_kind_language_and_section() -> None:
    from riac_scraper.urls import PageKind

    assert classify("https://russiancouncil.ru/en/news/?PAGEN_1=2") == PageKind("listing", "en", "news")
    assert classify("https://russiancouncil.ru/en/news/some-slug/") == PageKind("article", "en", "news")
    assert classify("https://russiancouncil.ru/blogs/someone/") == PageKind("listing", "ru", "blogs")


def test_a_dot_in_an_earlier_segment_does_not_make_a_file() -> None:
    assert canonical_url("https://russiancouncil.ru/upload/v1.2/file") == "https://russiancouncil.ru/upload/v1.2/file/"


def test_a_url_without_a_host_is_never_within_a_boundary() -> None:
    from riac_scraper.urls import within_boundary

    assert within_boundary("http:///x/", "http://xxxx") is False
    assert within_boundary("http://xxxx/x/", "http:///") is False
    assert within_boundary("http:///x/", None) is False


def test_site_url_is_the_inverse_of_fetch_url() -> None:
    from riac_scraper.urls import site_url

    base = "http://127.0.0.1:8000"
    article = "https://russiancouncil.ru/en/analytics-and-comments/analytics/a-title/"
    assert site_url(fetch_url(article, base), base) == article
    assert site_url("http://127.0.0.1:8000/en/news/?PAGEN_1=3", base) == "https://russiancouncil.ru/en/news/?PAGEN_1=3"
    assert site_url("http://127.0.0.1:8000/en/news/?utm_source=x", base) == "https://russiancouncil.ru/en/news/"
    # a URL of the site itself, with or without a mirror, is its canonical form
    assert (
        site_url("http://www.russiancouncil.ru/en/news/a-title", base) == "https://russiancouncil.ru/en/news/a-title/"
    )
    assert (
        site_url("http://www.russiancouncil.ru/en/news/a-title", None) == "https://russiancouncil.ru/en/news/a-title/"
    )
    # another port of the mirror's host is not the mirror; another host is not the site
    assert site_url("http://127.0.0.1:8001/en/news/", base) is None
    assert site_url("https://example.org/en/news/", base) is None
    assert site_url("http://127.0.0.1:8000/en/news/", None) is None


@pytest.mark.parametrize(
    ("page", "after"),
    [
        ("https://russiancouncil.ru/en/news/", "https://russiancouncil.ru/en/news/?PAGEN_1=2"),
        ("https://russiancouncil.ru/en/news/?PAGEN_1=2", "https://russiancouncil.ru/en/news/?PAGEN_1=3"),
        ("https://russiancouncil.ru/en/news/?PAGEN_1=9", "https://russiancouncil.ru/en/news/?PAGEN_1=10"),
        ("https://russiancouncil.ru/news/?PAGEN_3=4", "https://russiancouncil.ru/news/?PAGEN_3=5"),
        ("https://russiancouncil.ru/news/?PAGEN_1=x", "https://russiancouncil.ru/news/?PAGEN_1=2"),
    ],
)
def test_next_listing_page(page: str, after: str) -> None:
    from riac_scraper.urls import next_listing_page

    assert next_listing_page(page) == after
    assert canonical_url(after) == after  # already in canonical form


@pytest.mark.parametrize(
    ("url", "base", "document"),
    [
        ("https://www.russiancouncil.ru/sitemap.php?page=2", None, "https://russiancouncil.ru/sitemap.php?page=2"),
        (" http://russiancouncil.ru/rss ", None, "https://russiancouncil.ru/rss"),  # no slash added
        ("https://russiancouncil.ru", None, "https://russiancouncil.ru/"),
        (
            "http://127.0.0.1:8000/sitemap-2.xml.gz",
            "http://127.0.0.1:8000",
            "https://russiancouncil.ru/sitemap-2.xml.gz",
        ),
        ("http://127.0.0.1:8001/sitemap.xml", "http://127.0.0.1:8000", None),  # another port: not the mirror
        ("http://127.0.0.1:8000/sitemap.xml", None, None),
        ("https://example.org/sitemap.xml", "http://127.0.0.1:8000", None),
        ("ftp://russiancouncil.ru/sitemap.xml", None, None),
        ("http://[::1/sitemap.xml", None, None),  # no URL at all
        ("/sitemap.xml", None, None),  # relative: resolved by the caller
    ],
)
def test_document_url_keeps_the_query_and_only_the_site(url: str, base: str | None, document: str | None) -> None:
    from riac_scraper.urls import document_url

    assert document_url(url, base) == document


def test_a_tag_search_url_is_made_and_read_back() -> None:
    from riac_scraper.urls import tag_search_page, tag_search_url

    search = "https://russiancouncil.ru/en/search/?tags=Multipolarity"
    assert tag_search_url("Multipolarity", "en", 3) == search + "&PAGEN_1=3"
    assert tag_search_url("Multipolarity", "en", 2) == search + "&PAGEN_1=2"
    assert tag_search_url("Multipolarity", "en", 1) == search
    assert (
        tag_search_url("Арктика", "ru")
        == "https://russiancouncil.ru/search/?tags=%D0%90%D1%80%D0%BA%D1%82%D0%B8%D0%BA%D0%B0"
    )
    for tag, lang, page in (("Multipolarity", "en", 3), ("Арктика", "ru", 1), ("A & B", "en", 12)):
        assert tag_search_page(tag_search_url(tag, lang, page)) == (tag, lang, page)
    for other in (
        "https://russiancouncil.ru/en/search/?tags=X&PAGEN_1=1",  # page 1 is the bare URL
        "https://russiancouncil.ru/en/search/?tags=X&PAGEN_1=0",
        "https://russiancouncil.ru/en/search/?tags=X&PAGEN_1=two",
        "https://russiancouncil.ru/en/search/?tags=%20",
        "https://russiancouncil.ru/en/search/?q=X",
        "https://russiancouncil.ru/en/search/",
        "https://russiancouncil.ru/en/news/?tags=X",
        "https://example.org/en/search/?tags=X",
    ):
        assert tag_search_page(other) is None, other


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://russiancouncil.ru/en/news/?page=3", "https://russiancouncil.ru/en/news/?page=3"),
        ("https://russiancouncil.ru/?page_4=9&offset_4=56", "https://russiancouncil.ru/"),  # the home page: no listing
        ("https://russiancouncil.ru/en/news/?page_4=9&offset_4=56", "https://russiancouncil.ru/en/news/?page_4=9"),
        ("https://russiancouncil.ru/en/news/?page=1&PAGEN_1=1", "https://russiancouncil.ru/en/news/"),
        (
            "https://russiancouncil.ru/en/news/a-slug/?PAGEN_1=2",
            "https://russiancouncil.ru/en/news/a-slug/",
        ),  # an article
        ("https://russiancouncil.ru/en/news/a-slug/?page=2", "https://russiancouncil.ru/en/news/a-slug/"),
        ("https://russiancouncil.ru/en/about/?PAGEN_1=2", "https://russiancouncil.ru/en/about/"),  # not a listing
        ("https://russiancouncil.ru/en/news/?pages=2&apage=3", "https://russiancouncil.ru/en/news/"),
    ],
)
def test_only_a_listing_keeps_its_page_number(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    "href",
    [
        "/en/x/",
        " /en/news/item ",
        "HTTP://www.russiancouncil.ru/en/a",
        "?PAGEN_1=4",
        "//russiancouncil.ru/a",
        "../b",
        "next/",
        "/a/../en/c",
        "/a//..",
        "/PAGEN_1=2//../b",
        "/en/./news/",
        "http:foo",
        "https:/en/",
        "mailto:x",
        "/\\evil.com",
        "//example.com/en/",
        "https://example.com/en/",
        "",
        "#top",
    ],
)
@pytest.mark.parametrize(
    "base",
    [
        "https://russiancouncil.ru/en/analytics-and-comments/analytics/?PAGEN_1=3",
        "http://127.0.0.1:8000/en/news/",
        "https://www.russiancouncil.ru/analytics-and-comments/",
    ],
)
def test_a_link_cached_on_itself_resolves_as_on_its_page(href: str, base: str) -> None:
    from riac_scraper.urls import _canonical_url

    assert canonical_url(href, base) == _canonical_url(href, base)


def test_a_mirror_on_an_ipv6_zone_accepts_its_own_links() -> None:
    """urlsplit keeps the case of a zone id; both sides are compared folded."""
    from riac_scraper.urls import within_boundary

    assert within_boundary("http://[fe80::1%X]:8000/en/", "http://[fe80::1%X]:8000")
    assert within_boundary("http://[fe80::1%x]:8000/en/", "http://[fe80::1%X]:8000")
    assert not within_boundary("http://[fe80::1%Y]:8000/en/", "http://[fe80::1%X]:8000")
