"""The helpers beside the items: which fields an article has, and failure reasons that group."""

from __future__ import annotations

import pytest

from riac_scraper.items import COVERED_FIELDS, Article, Author, field_presence, grouping_reason


def test_field_presence_counts_zero_as_a_value_and_empty_as_none() -> None:
    bare = Article(url="https://russiancouncil.ru/en/news/x/", lang="en", section="news", title="")
    assert field_presence(bare) == dict.fromkeys(COVERED_FIELDS, False)
    full = Article(
        url=bare.url, lang="en", section="news", title="T", lead="L", paragraphs=["p"], authors=[Author("A")],
        rating_votes=0, regions=["Europe"], tags=[], detected_lang="en",
    )  # fmt: skip
    present = field_presence(full)
    assert {name for name, has in present.items() if has} == {
        "title", "lead", "body", "authors", "rating_votes", "regions", "detected_lang",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("reason", "grouped"),
    [
        ("HTTP 503", "HTTP 503"),
        ("TimeoutError: Getting http://127.0.0.1:8000/en/news/x/ took longer than 1.0 seconds.",
         "TimeoutError: Getting <url> took longer than 1.0 seconds."),
        ("ConnectionRefusedError: Connection was refused by other side: 111: localhost:8123",
         "ConnectionRefusedError: Connection was refused by other side: 111: <host>"),
        ("DNSLookupError: no address for russiancouncil.ru:443", "DNSLookupError: no address for <host>"),
        ("TCP connection to 10.0.0.7 lost", "TCP connection to <host> lost"),
        ("version 1.0.2 of the parser", "version 1.0.2 of the parser"),
    ],
)  # fmt: skip
def test_grouping_reason_drops_the_url_host_and_port(reason: str, grouped: str) -> None:
    assert grouping_reason(reason) == grouped


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"found_by": {"https://russiancouncil.ru/en/news/a/": ["sitemap", "listings", "rumour"]}}',
         {"https://russiancouncil.ru/en/news/a/": ["listings", "sitemap"]}),
        (b'{"found_by": {"../../etc/passwd": ["links"], "https://russiancouncil.ru/x/": "links"}}', {}),
        (b'{"found_by": ["https://russiancouncil.ru/en/news/a/"]}', {}),
        (b"[1, 2]", {}),
        (b"{not json", {}),
        (b"\xff\xfe", {}),
    ],
)  # fmt: skip
def test_a_found_by_record_read_back_keeps_only_what_a_crawl_writes(data: bytes, expected: dict) -> None:
    from riac_scraper.items import read_found_by

    assert read_found_by(data) == expected
