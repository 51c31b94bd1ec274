from __future__ import annotations

import datetime as dt

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from pipelines.dedupe import DedupePipeline
from pipelines.normalize import normalize_article, normalize_text
from pipelines.validate import ValidatePipeline
from riac_scraper.crawl.spider import RiacSpider
from riac_scraper.items import Article, Author, CrawlFailure

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
URL = "https://russiancouncil.ru/en/news/x/"


def test_normalize_text() -> None:
    assert normalize_text("  Cafe\u0301\u00a0 au\u200b lait\n\n ") == "Café au lait"
    assert normalize_text("«Trust,\u202fbut verify»[1]") == "«Trust, but verify»[1]"  # typography kept


def test_ascii_text_only_has_its_whitespace_folded() -> None:
    assert normalize_text(" a \t b\n\nc ") == "a b c"
    assert normalize_text("") == ""


def test_text_with_invisible_characters_but_already_in_nfc_loses_them() -> None:
    assert normalize_text("co\u00adop\ufeff\u2060era\u200ction") == "cooperation"
    assert normalize_text("\u0421\u0430\u043c\u043c\u0438\u0442 \u200b") == "\u0421\u0430\u043c\u043c\u0438\u0442"


def test_a_dataclass_type_held_as_a_value_is_left_as_it_is() -> None:
    from pipelines.normalize import _normalize

    assert _normalize(Author) is Author
    assert _normalize([Author, 3, None, "x\u00a0y"]) == [Author, 3, None, "x y"]


def test_normalize_article_reaches_nested_fields() -> None:
    article = Article(
        URL,
        "en",
        "news",
        title="A\u00a0title",
        paragraphs=["One\u00a0", " ", "Two"],
        authors=[Author("Igor\u00a0Ivanov", bio=" ")],
    )
    normalize_article(article)
    assert (article.title, article.paragraphs) == ("A title", ["One", "Two"])
    assert (article.authors[0].name, article.authors[0].bio) == ("Igor Ivanov", None)


def test_invalid_article_becomes_a_failure_record_and_is_counted() -> None:
    crawler = get_crawler(RiacSpider)
    crawler.stats.open_spider()
    pipeline = ValidatePipeline.from_crawler(crawler)
    result = pipeline.process_item(Article(URL, "en", "news", title=None, paragraphs=[], fetched_at=T0))
    assert result == CrawlFailure(URL, "validate", "missing title, body", T0)
    assert crawler.stats.get_value("riac/field/title/missing") == 1
    assert crawler.stats.get_value("riac/invalid_articles") == 1


def test_dedupe_drops_a_repeated_article() -> None:
    crawler = get_crawler(RiacSpider)
    crawler.stats.open_spider()
    pipeline = DedupePipeline.from_crawler(crawler)
    article = Article(URL, "en", "news", title="T", paragraphs=["P"])
    assert pipeline.process_item(article) is article
    with pytest.raises(DropItem):
        pipeline.process_item(Article(URL, "en", "news", title="T", paragraphs=["P"]))
    assert crawler.stats.get_value("riac/duplicates/article") == 1
