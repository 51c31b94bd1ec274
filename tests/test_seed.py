"""The seed page: what shared/SITE.md says it must yield, field by field, and
that the mirror's copy shows the seed's visible text exactly."""

from __future__ import annotations

import pytest
from parsel import Selector

from riac_scraper import extract
from riac_scraper.pages.reading import read_lines
from tests.conftest import SEED, SEED_URL, page_html

IVANOV_BIO = (
    "President of the Russian International Affairs Council (RIAC), Minister of Foreign Affairs "
    "of the Russian Federation (1998–2004)"
)
WIDGET_TEXT = [
    "Print",
    "Rate this article",
    "Share this article",
    "Poll conducted",
    "For business",
    "For researchers",
    "For students",
    "Читать на русском",
]
TEASER_TEXT = ["pashinian2m.jpg", "Andrey Kortunov:", "Trump, Putin and China"]


@pytest.fixture(scope="module")
def rows() -> dict:
    return extract(page_html(SEED_URL).encode("utf-8"), SEED_URL)


@pytest.fixture(scope="module")
def article(rows: dict) -> dict:
    (row,) = rows["articles"]
    return row


def test_title(article: dict) -> None:
    assert article["title"] == "The Helsinki Summit: the Beginning of a Journey"


def test_language(article: dict) -> None:
    assert article["lang"] == "en"
    assert article["detected_lang"] == "en"


def test_one_author_with_bio(article: dict) -> None:
    assert [(a["name"], a["bio"]) for a in article["authors"]] == [("Igor Ivanov", IVANOV_BIO)]


def test_rating(article: dict) -> None:
    assert (article["rating_votes"], article["rating_value"]) == (4, 4.75)


def test_lead_once_and_fifteen_paragraphs(article: dict) -> None:
    paragraphs = article["body"].split("\n\n")
    assert len(paragraphs) == 15
    assert paragraphs[0] == article["lead"]
    assert article["lead"].startswith("The long-awaited meeting between Vladimir Putin and Donald Trump")
    assert article["body"].count(article["lead"]) == 1
    assert paragraphs[-1].startswith("The Russian proverb says")


@pytest.mark.parametrize("text", TEASER_TEXT + WIDGET_TEXT)
def test_no_teaser_or_widget_text(article: dict, text: str) -> None:
    assert text not in article["body"].split("\n\n")
    assert text not in article["lead"]


def test_poll(rows: dict) -> None:
    question = "In your opinion, what are the US long-term goals for Russia?"
    options = [(r["votes"], r["percent"]) for r in rows["polls"] if r["question"] == question]
    assert options == [(33, 31.0), (30, 28.0), (24, 22.0), (21, 19.0)]
    assert {r["total_votes"] for r in rows["polls"] if r["question"] == question} == {108}


def test_translation_link(article: dict) -> None:
    assert article["translation_url"] == (
        "https://russiancouncil.ru/analytics-and-comments/analytics/khelsinkskiy-sammit-nachalo-puti/"
    )


def test_mirror_page_shows_the_seed_text_exactly() -> None:
    seed_lines = [line.strip() for line in SEED.read_text("utf-8").splitlines() if line.strip()]
    blocks = [b.text for b in read_lines(Selector(text=page_html(SEED_URL)).root).lines if b.tag != "h1"]
    start = blocks.index(seed_lines[0])
    assert blocks[start : start + len(seed_lines)] == seed_lines
    assert blocks[start + len(seed_lines) :] == []
