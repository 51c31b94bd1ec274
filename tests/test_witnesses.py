"""Witnesses: a field's answer held against what the page's metadata says of it."""

from __future__ import annotations

import datetime as dt

import pytest

from riac_scraper.pages.article import ArticlePage
from riac_scraper.pages.metadata import PageMetadata
from riac_scraper.pages.witnesses import QUOTED, agrees, check, without_site_suffix, words

TITLE = "Arctic Shipping Routes and the Politics of Ice"
LEAD = "Melting ice opens northern routes, and coastal states argue over who sets the rules for them."
BODY = [LEAD, "Shipping companies weigh the route by its predictability more than by its length in days."]
DAY = dt.date(2023, 3, 14)


def suspects(meta: PageMetadata, **answers: object) -> dict[str, str]:
    values = {"title": TITLE, "lead": LEAD, "body": BODY, "published": DAY, "author_names": ["Anna Berg"], **answers}
    return {s.field: s.warning for s in check(meta, **values)}  # type: ignore[arg-type]


def test_the_site_name_after_the_last_separator_is_dropped() -> None:
    assert without_site_suffix("A Title | RIAC") == "A Title"
    assert without_site_suffix("Part one - part two — RIAC") == "Part one"  # each separator in turn
    assert without_site_suffix("No suffix") == "No suffix"


def test_words_are_the_long_ones_folded() -> None:
    assert words("The ICE, the Ice: Арктика and АРКТИКА of it") == {"арктика"}
    assert words("a b cd efg") == set()


@pytest.mark.parametrize(
    ("answer", "witness", "same"),
    [
        (TITLE, TITLE.upper(), True),
        (TITLE, f"{TITLE}: an essay", True),  # one holds the other
        (f"  {TITLE}  ", "Arctic   Shipping Routes", True),  # spacing folded
        ("Arctic shipping routes are political", "Politics of Arctic shipping", True),  # 2 of 3 words
        ("Arctic shipping and politics today", "Shipping news from nowhere else", False),  # 1 of 4
        ("Arctic shipping", "Shipping elsewhere", True),  # 1 of 2: half
        ("Cookie settings for this website", TITLE, False),
        ("a b", TITLE, True),  # nothing to compare: not judged
        (TITLE, "1 2 3", True),
    ],
)
def test_two_statements_agree_when_they_share_their_words(answer: str, witness: str, same: bool) -> None:
    assert agrees(answer, witness) is same


def test_a_page_whose_witnesses_agree_has_no_suspect() -> None:
    meta = PageMetadata(
        title=f"{TITLE} | RIAC",
        headline=TITLE,
        description=LEAD[:60] + "…",
        published=["2023-03-14T23:30:00+03:00"],
        author_names=["Anna Berg"],
    )
    assert suspects(meta) == {}
    assert suspects(PageMetadata()) == {}  # no witness, nothing to judge


def test_a_title_every_witness_contradicts_is_suspect() -> None:
    meta = PageMetadata(title=f"{TITLE} | RIAC", headline="Arctic Shipping Routes")
    got = suspects(meta, title="We use cookies to improve this website")
    assert list(got) == ["title"]
    assert got["title"] == (
        "suspect title: 'We use cookies to improve this website' shares little with og:title 'Arctic Shipping Routes'"
    )
    assert suspects(PageMetadata(title=f"{TITLE} | RIAC"), title=TITLE) == {}  # the suffix is no disagreement
    assert "title" in suspects(PageMetadata(title="Northern routes | RIAC"), title="Cookie settings here")
    # one witness agreeing is enough
    assert suspects(PageMetadata(title="Something else | RIAC", headline=TITLE)) == {}
    assert suspects(PageMetadata(headline="  "), title="Cookie settings here") == {}


def test_a_lead_sharing_no_word_with_the_description_is_suspect() -> None:
    banner = "Subscribe to our newsletter to receive weekly digests by email."
    got = suspects(PageMetadata(description=LEAD), lead=banner, body=[banner, *BODY])
    assert list(got) == ["lead"] and got["lead"].startswith(f"suspect lead: {banner!r} shares no word")
    assert suspects(PageMetadata(description="RIAC coastal"), lead=LEAD) == {}  # one shared word is enough
    assert suspects(PageMetadata(description="a b c"), lead=banner) == {}  # no word to compare
    assert suspects(PageMetadata(description=LEAD), lead=None) == {}


def test_a_body_shorter_than_its_lead_is_suspect() -> None:
    got = suspects(PageMetadata(), body=["Share this article"])
    assert got == {"body": "suspect body: shorter than its own lead (18 characters)"}
    assert suspects(PageMetadata(), body=[LEAD]) == {}  # a body that is its lead alone
    assert suspects(PageMetadata(), body=[]) == {}  # no body: a missing field, not a suspect one


def test_a_date_more_than_a_day_from_every_metadata_date_is_suspect() -> None:
    meta = PageMetadata(published=["not a date", "2023-03-16"])
    assert suspects(meta) == {"published": "suspect published: 2023-03-14 where the metadata says 2023-03-16"}
    assert suspects(PageMetadata(published=["2023-03-15"])) == {}  # a day apart: a time zone
    assert suspects(PageMetadata(published=["2023-03-13"])) == {}
    assert suspects(PageMetadata(published=["2023-03-20", "2023-03-14"])) == {}  # one agrees
    assert suspects(PageMetadata(published=["nonsense"])) == {}
    assert suspects(meta, published=None) == {}


def test_authors_the_metadata_does_not_name_at_all_are_suspect() -> None:
    meta = PageMetadata(author_names=["Ivan Petrov", "Maria Sokolova"])
    got = suspects(meta, author_names=["Newsletter Team"])
    assert got == {
        "authors": "suspect authors: 'Newsletter Team' where the metadata names 'Ivan Petrov, Maria Sokolova'"
    }
    assert suspects(meta, author_names=["I. Petrov"]) == {}  # a surname in common
    assert suspects(meta, author_names=[]) == {}
    assert suspects(PageMetadata(author_names=["Ed"]), author_names=["Newsletter Team"]) == {}  # no word to compare


def test_long_values_are_cut_in_the_warning() -> None:
    long = "Cookie " * 40
    warning = suspects(PageMetadata(headline=TITLE), title=long)["title"]
    quoted = warning.split("suspect title: ", 1)[1].split(" shares little", 1)[0]
    assert len(quoted) == QUOTED + 2 and quoted.endswith("…'")  # the quotes around QUOTED characters


def test_the_article_row_lists_its_suspect_fields_and_says_why() -> None:
    head = f'<meta property="og:title" content="{TITLE}"><meta property="og:description" content="{LEAD}">'
    body = "<h1>Please accept our cookies</h1><p>" + "</p><p>".join(BODY) + "</p>"
    item = ArticlePage(
        f"<html><head>{head}</head><body>{body}</body></html>", "https://russiancouncil.ru/en/news/x/"
    ).to_item()
    assert item.title == "Please accept our cookies" and item.suspect_fields == ["title"]
    assert any(w.startswith("suspect title: 'Please accept our cookies'") for w in item.warnings)
    clean = ArticlePage(
        f"<html><head>{head}</head><body><h1>{TITLE}</h1><p>{'</p><p>'.join(BODY)}</p></body></html>",
        "https://russiancouncil.ru/en/news/x/",
    ).to_item()
    assert clean.suspect_fields == [] and not any(w.startswith("suspect") for w in clean.warnings)
