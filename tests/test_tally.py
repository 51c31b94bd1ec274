"""The crawl's account (storage/tally.py), counted from staged rows in a real
temporary store: which values count as present, per field and section, what
a failure counts for, and the kinds of article in the report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from riac_scraper.items import COVERED_FIELDS, Article, Author, CrawlFailure
from riac_scraper.storage.records import article_id, article_row, failure_row
from riac_scraper.storage.store import DatasetStore
from riac_scraper.storage.tally import Tally
from tests.test_store import stage_older

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
EN_A = "https://russiancouncil.ru/en/analytics-and-comments/analytics/a/"
EN_B = "https://russiancouncil.ru/en/analytics-and-comments/analytics/b/"
RU_C = "https://russiancouncil.ru/news/c/"
RU_D = "https://russiancouncil.ru/news/d/"
LISTING = "https://russiancouncil.ru/en/analytics-and-comments/analytics/"


def full(url: str) -> Article:
    """Every covered field with the smallest value that is still a value."""
    return Article(
        url=url,
        lang="en",
        section="analytics",
        title="T",  # one character is a title
        lead="L",
        paragraphs=["B"],
        authors=[Author("A. Author")],
        published=dt.date(2025, 1, 1),
        rating_votes=0,  # no votes is a count, not a missing one
        translation_url=RU_C,
        regions=["R"],  # a list of one is a list with a value
        tags=["G"],
        detected_lang="en",
        fallback_fields=["lead"],
        suspect_fields=["title", "lead"],
        fetched_at=T0,
    )


def bare(url: str) -> Article:
    return Article(url=url, lang="ru", section="news", title="", paragraphs=[""], fetched_at=T0)


@pytest.fixture
def store(tmp_path: Path) -> DatasetStore:
    store = DatasetStore(tmp_path)
    store.add("articles", [article_row(full(EN_A), "c1"), article_row(full(EN_B), "c1"), article_row(bare(RU_C), "c1")])
    store.add(
        "failures",
        [
            failure_row(CrawlFailure(url=RU_D, stage="extract", reason="no body", at=T0), "c1"),
            failure_row(CrawlFailure(url=LISTING, stage="download", reason="HTTP 500", at=T0), "c1"),
        ],
    )
    store.close_staging()
    return store


def test_pages_are_counted_in_all_and_in_their_section(store: DatasetStore) -> None:
    tally = Tally.from_store(store)
    # the extract failure is a page with nothing, counted in "all" only; a download failure is no page
    assert dict(tally.pages) == {"all": 4, "analytics": 2, "news": 1}
    assert tally.articles == 3
    assert tally.written == {
        url: article_row(a, "c1")["content_hash"]
        for url, a in ((EN_A, full(EN_A)), (EN_B, full(EN_B)), (RU_C, bare(RU_C)))
    }
    assert tally.failed == [(RU_D, "extract", "no body"), (LISTING, "download", "HTTP 500")]
    assert tally.landed == {article_id(url) for url in (EN_A, EN_B, RU_C, RU_D, LISTING)}


def test_the_smallest_values_count_as_present_and_empty_ones_do_not(store: DatasetStore) -> None:
    tally = Tally.from_store(store)
    for name in COVERED_FIELDS:
        assert tally.present[f"{name}@analytics"] == 2, name
        assert tally.present[f"{name}@news"] == 0, name
        assert tally.present[f"{name}@all"] == 2, name
    assert dict(tally.fallback) == {"lead@all": 2, "lead@analytics": 2}
    assert dict(tally.suspect) == {"title@all": 2, "title@analytics": 2, "lead@all": 2, "lead@analytics": 2}


def test_coverage_gives_each_field_its_shares_rounded_to_four_places(store: DatasetStore) -> None:
    coverage = Tally.from_store(store).coverage()
    assert set(coverage) == {
        *COVERED_FIELDS,
        *(f"{name}@analytics" for name in COVERED_FIELDS),
        *(f"{name}@news" for name in COVERED_FIELDS),
    }
    assert coverage["lead"] == {"pages": 4, "share": 0.5, "fallback_share": 0.5, "suspect_share": 0.5}
    assert coverage["title@analytics"] == {"pages": 2, "share": 1.0, "fallback_share": 0.0, "suspect_share": 1.0}
    assert coverage["body@news"] == {"pages": 1, "share": 0.0, "fallback_share": 0.0, "suspect_share": 0.0}


def test_shares_are_rounded_to_four_places(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path)
    store.add("articles", [article_row(full(EN_A), "c1"), article_row(bare(RU_C), "c1"), article_row(bare(RU_D), "c1")])
    store.close_staging()
    coverage = Tally.from_store(store).coverage()
    assert coverage["tags"] == {"pages": 3, "share": 0.3333, "fallback_share": 0.0, "suspect_share": 0.0}
    assert coverage["lead"] == {"pages": 3, "share": 0.3333, "fallback_share": 0.3333, "suspect_share": 0.3333}


def test_articles_are_new_changed_or_unchanged_against_what_is_stored(store: DatasetStore) -> None:
    tally = Tally.from_store(store)
    known = {EN_A: {"content_hash": tally.written[EN_A]}, EN_B: {"content_hash": "an older text"}}
    by_kind = tally.articles_by_kind(known)
    assert by_kind == {
        "all": {"new": 1, "changed": 1, "unchanged": 1, "failed": 1},
        "en": {"new": 0, "changed": 1, "unchanged": 1, "failed": 0},
        "ru": {"new": 1, "changed": 0, "unchanged": 0, "failed": 1},  # the listing's failure is no article
    }


def test_unchanged_marks_count_once_per_article_and_language(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path)
    store.seen(EN_A, T0)
    store.seen(EN_A, T0)  # a 304 after an unchanged listing entry
    store.seen(RU_C, T0)
    store.seen(RU_D, T0)
    store.add("articles", [article_row(bare(RU_D), "c1")])  # marked, then fetched after all
    store.close_staging()
    tally = Tally.from_store(store)
    assert (tally.unchanged, dict(tally.unchanged_by_lang)) == (2, {"en": 1, "ru": 1})
    assert tally.articles_by_kind({})["all"] == {"new": 1, "changed": 0, "unchanged": 2, "failed": 0}
    assert tally.landed == {article_id(url) for url in (EN_A, RU_C, RU_D)}


def test_unaccounted_are_the_decided_urls_that_landed_nowhere(store: DatasetStore) -> None:
    tally = Tally.from_store(store)
    lost = "https://russiancouncil.ru/en/news/lost/"
    redirected = "https://russiancouncil.ru/en/news/old-slug/"
    decided = {EN_A, RU_D, lost, redirected, "https://russiancouncil.ru/en/news/alost/"}
    # a redirected article landed under the URL it ended at
    assert tally.unaccounted(decided, {redirected: EN_B}) == ["https://russiancouncil.ru/en/news/alost/", lost]
    assert tally.unaccounted(decided, {}) == ["https://russiancouncil.ru/en/news/alost/", lost, redirected]


def test_rows_staged_before_the_suspect_column_still_count(tmp_path: Path) -> None:
    """A crawl killed under an older version left a staged stream without the
    column; the resumed crawl counts its rows with no suspect fields."""
    store = DatasetStore(tmp_path)
    stage_older(store, [article_row(full(EN_A), "c1")], without=("suspect_fields",))
    tally = Tally.from_store(store)
    assert (tally.pages["analytics"], tally.articles) == (1, 1)
    assert tally.suspect == {}
    assert tally.fallback["lead@all"] == 1


def test_every_kind_is_counted_however_many_there_are(tmp_path: Path) -> None:
    en = [f"https://russiancouncil.ru/en/analytics-and-comments/analytics/{slug}/" for slug in ("p", "q", "r")]
    ru = ["https://russiancouncil.ru/news/s/", "https://russiancouncil.ru/news/t/"]
    store = DatasetStore(tmp_path)
    store.add("articles", [article_row(full(url), "c1") for url in en] + [article_row(bare(url), "c1") for url in ru])
    store.add(
        "failures",
        [
            failure_row(
                CrawlFailure(url="https://russiancouncil.ru/news/u/", stage="extract", reason="x", at=T0), "c1"
            ),
            failure_row(
                CrawlFailure(url="https://russiancouncil.ru/news/v/", stage="validate", reason="y", at=T0), "c1"
            ),
            failure_row(
                CrawlFailure(url="https://russiancouncil.ru/news/w/", stage="download", reason="z", at=T0), "c1"
            ),
        ],
    )
    store.seen("https://russiancouncil.ru/en/news/kept/", T0)
    store.seen("https://russiancouncil.ru/en/news/also-kept/", T0)
    store.close_staging()
    tally = Tally.from_store(store)
    assert dict(tally.pages) == {"all": 5 + 2, "analytics": 3, "news": 2}  # the download failure is no page
    known = {url: {"content_hash": tally.written[url]} for url in en[:2]} | {en[2]: {"content_hash": "older"}}
    assert tally.articles_by_kind(known) == {
        "all": {"new": 2, "changed": 1, "unchanged": 4, "failed": 3},
        "en": {"new": 0, "changed": 1, "unchanged": 4, "failed": 0},
        "ru": {"new": 2, "changed": 0, "unchanged": 0, "failed": 3},
    }
