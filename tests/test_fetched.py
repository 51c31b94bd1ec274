"""``pages.fetched``: what one fetched article page yields, from its bytes,
status and headers (the same for a crawl and a re-extraction)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from riac_scraper.items import Article, ArticleSeen, CrawlFailure
from riac_scraper.pages import fetched
from riac_scraper.pages.fetched import article_page, is_html

T0 = dt.datetime(2026, 5, 4, 3, 2, 1, tzinfo=dt.UTC)
URL = "https://russiancouncil.ru/en/analytics-and-comments/analytics/a-slug/"
PARAGRAPH = "This paragraph is long enough to be taken for the text of an article, and it ends here."
SECOND = "A second paragraph, different from the first one, closes the text of this test article."
PAGE = (
    "<!DOCTYPE html><html lang='en'><head><title>Wolves and sheep | RIAC</title></head><body>"
    f"<h1>Wolves and sheep</h1><p>{PARAGRAPH}</p><p>{SECOND}</p></body></html>"
)
HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "ETag": '"abc"',
    "Last-Modified": "Mon, 02 Feb 2026 10:00:00 GMT",
}


@pytest.mark.parametrize(
    ("body", "content_type", "html"),
    [
        (b"<html>", "text/html", True),
        (b"<html>", "text/html; charset=windows-1251", True),
        (b"<html>", " TEXT/HTML ;charset=utf-8", True),
        (b"<html>", "application/xhtml+xml", True),
        (b"<html>", "application/json", False),
        (b"<html>", "text/plain", False),
        (b"%PDF-1.7 ...", "text/html", False),
        (b"\n %PDF-1.4", "text/html", False),
        (b"  \n%PDF-1.4", None, False),
        (b"<!DOCTYPE html><html>", None, True),
        (b"\n  <!doctype HTML>", None, True),
        (b"<HTML lang=ru>", None, True),
        (b"<head><title>x</title>", None, True),
        (b"<body>text", None, True),
        (b"<!-- a comment first -->", None, True),
        (b"plain words", None, False),
        (b'{"json": true}', None, False),
        (b"", None, False),
        (b" " * 600 + b"<html>", None, True),
        (b"<?xml version='1.0'?><rss>", None, False),
    ],
)
def test_is_html(body: bytes, content_type: str | None, html: bool) -> None:
    assert is_html(body, content_type) is html


def test_an_empty_content_type_falls_back_to_the_first_bytes() -> None:
    assert is_html(b"<html>", "") is True
    assert is_html(b"plain", "") is False


def test_a_304_is_an_unchanged_article() -> None:
    assert article_page(b"", 304, {}, URL, T0) == ArticleSeen(URL, T0)


@pytest.mark.parametrize("status", [400, 403, 404, 410, 500, 503])
def test_an_error_status_is_a_download_failure(status: int) -> None:
    assert article_page(PAGE.encode(), status, HEADERS, URL, T0) == CrawlFailure(URL, "download", f"HTTP {status}", T0)


def test_a_page_that_is_no_html_is_an_extract_failure_naming_its_type() -> None:
    pdf = article_page(b"%PDF-1.4 binary", 200, {"Content-Type": "application/pdf"}, URL, T0)
    assert pdf == CrawlFailure(URL, "extract", "not an HTML page (Content-Type: application/pdf)", T0)
    bare = article_page(b"just words", 200, {"Content-Type": None}, URL, T0)
    assert bare == CrawlFailure(URL, "extract", "not an HTML page (Content-Type: none)", T0)


def test_an_html_page_gives_its_article_with_the_http_validators() -> None:
    article = article_page(PAGE.encode(), 200, HEADERS, URL, T0)
    assert isinstance(article, Article)
    assert (article.url, article.title, article.fetched_at) == (URL, "Wolves and sheep", T0)
    assert article.paragraphs == [PARAGRAPH, SECOND]
    assert (article.etag, article.last_modified) == ('"abc"', "Mon, 02 Feb 2026 10:00:00 GMT")
    plain = article_page(PAGE.encode(), 200, {"Content-Type": "text/html"}, URL, T0)
    assert isinstance(plain, Article) and (plain.etag, plain.last_modified) == (None, None)


def test_the_declared_type_wins_over_the_bytes() -> None:
    json = article_page(PAGE.encode(), 200, {"Content-Type": "application/json"}, URL, T0)
    assert json == CrawlFailure(URL, "extract", "not an HTML page (Content-Type: application/json)", T0)


def test_a_charset_only_the_header_names_decodes_the_page() -> None:
    page = PAGE.replace("Wolves and sheep", "Волки и овцы").replace("lang='en'", "lang='ru'")
    ru = "https://russiancouncil.ru/analytics-and-comments/analytics/slug/"
    article = article_page(page.encode("koi8-r"), 200, {"Content-Type": "text/html; charset=koi8-r"}, ru, T0)
    assert isinstance(article, Article) and article.title == "Волки и овцы"


def test_the_declared_charset_decodes_the_page() -> None:
    page = PAGE.replace("Wolves and sheep", "Волки и овцы").replace("lang='en'", "lang='ru'")
    ru = "https://russiancouncil.ru/analytics-and-comments/analytics/slug/"
    cp1251 = {"Content-Type": "text/html; charset=windows-1251"}
    article = article_page(page.encode("windows-1251"), 200, cp1251, ru, T0)
    assert isinstance(article, Article) and article.title == "Волки и овцы"


def test_a_page_the_extractor_breaks_on_is_a_failure_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> Article:
        raise ValueError("no such line")

    monkeypatch.setattr(fetched, "parse_article", broken)
    with caplog.at_level(logging.ERROR, logger="riac_scraper.pages.fetched"):
        result = article_page(PAGE.encode(), 200, HEADERS, URL, T0)
    assert result == CrawlFailure(URL, "extract", "ValueError: no such line", T0)
    assert [r.getMessage() for r in caplog.records] == [f"extraction failed for {URL}"]


RU_PAGE = (
    "<html><head><title>Энергетика Балкан</title></head><body><h1>Энергетика Балкан</h1>"
    "<p>Страны Западных Балкан оказались между двумя энергетическими эпохами, и выбор пути дорог для всех.</p>"
    "<p>Второй абзац продолжает рассуждение и тоже оказывается достаточно длинным для текста статьи.</p>"
    "</body></html>"
)
RU_URL = "https://russiancouncil.ru/analytics-and-comments/analytics/energetika/"


@pytest.mark.parametrize("declared", ["windows-1251", "koi8-r", "iso-8859-5"])
def test_a_utf8_body_under_a_wrong_single_byte_charset_is_read_as_utf8_and_said(declared: str) -> None:
    headers = {"Content-Type": f"text/html; charset={declared}", "ETag": None, "Last-Modified": None}
    item = article_page(RU_PAGE.encode("utf-8"), 200, headers, RU_URL, T0)
    assert isinstance(item, Article)
    assert item.title == "Энергетика Балкан" and item.paragraphs[0].startswith("Страны Западных Балкан")
    (warning,) = [w for w in item.warnings if w.startswith("encoding:")]
    assert warning.startswith("encoding: declared ") and warning.endswith("but the page is UTF-8 text: read as UTF-8")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (RU_PAGE.encode("cp1251"), "text/html; charset=windows-1251"),  # what it says it is
        (RU_PAGE.encode("utf-8"), "text/html; charset=utf-8"),
        (RU_PAGE.encode("utf-8"), "text/html; charset=UTF8"),
        (RU_PAGE.encode("utf-8"), None),  # no header: the meta charset or a guess
        (b"<html><body><p>" + b"ascii " * 20 + b".</p></body></html>", "text/html; charset=windows-1251"),
    ],
)
def test_a_body_in_its_declared_charset_gets_no_warning(body: bytes, content_type: str | None) -> None:
    text, warning = fetched.decode_page(body, content_type)
    assert warning is None and ("Страны" in text or "ascii" in text)


def test_the_http_header_names_the_charset_of_a_page_without_a_meta_one() -> None:
    body = "<html><body><p>Страны Западных Балкан</p></body></html>".encode("koi8-r")
    assert "Страны Западных Балкан" in fetched.decode_html(body, "text/html; charset=koi8-r")
    assert "Страны Западных Балкан" not in fetched.decode_html(body)  # without it, a guess: cp1251
