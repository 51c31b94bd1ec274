"""Stored values against independent expectations: what a mutation of the
code would change and the field-by-field tests would not see."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.normalize import normalize_text
from riac_scraper import extract
from riac_scraper.pages.cues import widget_kind
from riac_scraper.storage.records import option_id
from tests.fixtures.build_mirror import load_polls
from tests.quality_gate import stored_fields

URL = "https://russiancouncil.ru/en/analytics-and-comments/comments/a-comment/"
LEAD = "The lead paragraph of the comment is long enough to be running text, and it ends with a full stop."
BODY = "A second paragraph follows, again a complete sentence that a reader would recognise as article text."


def page(head: str = "", middle: str = "", after: str = "") -> bytes:
    return (
        f"<html><head><title>A Comment | RIAC</title>{head}</head><body><h1>A Comment</h1>{middle}"
        f"<p>{LEAD}</p><p>{BODY}</p><div>Share this article</div>{after}</body></html>"
    ).encode()


def test_poll_rows_number_options_from_zero_in_page_order() -> None:
    poll = load_polls()["second"]["en"]
    rows = "".join(f"<div>{label}</div><div>{votes} ({pc}%)</div>" for label, votes, pc in poll["options"])
    stored = extract(page(after=f"<div>Poll conducted</div><div>1. {poll['question']}</div>{rows}"), URL)["polls"]
    assert [r["option_index"] for r in stored] == list(range(len(poll["options"])))
    assert [(r["option"], r["votes"], r["percent"]) for r in stored] == [
        (label or None, votes, float(pc)) for label, votes, pc in poll["options"]
    ]
    assert {r["total_votes"] for r in stored} == {sum(v for _, v, _ in poll["options"])}
    assert [r["option_id"] for r in stored] == [
        option_id(stored[0]["poll_id"], label or None, n) for n, (label, _, _) in enumerate(poll["options"])
    ]


def test_option_ids_follow_the_label_not_the_position() -> None:
    assert option_id("p", "Europe", 0) == option_id("p", " europe ", 3)
    assert option_id("p", "Europe", 0) != option_id("p", "Asia", 0)
    assert option_id("p", None, 2) != option_id("p", None, 3)


@pytest.mark.parametrize(
    ("microdata", "votes", "value"),
    [
        ('<meta itemprop="ratingCount" content="7"><meta itemprop="ratingValue" content="3.5">', 7, 3.5),
        ('<meta itemprop="reviewCount" content="12"><meta itemprop="ratingValue" content="4">', 12, 4.0),
    ],
)
def test_a_rating_only_in_schema_org_metadata(microdata: str, votes: int, value: float) -> None:
    block = f'<div itemscope itemtype="https://schema.org/AggregateRating">{microdata}</div>'
    (row,) = extract(page(middle=block), URL)["articles"]
    assert (row["rating_votes"], row["rating_value"]) == (votes, value)
    assert row["fallback_fields"] == ["rating"]


def test_a_rating_only_in_json_ld() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "Article", "headline": "A Comment", '
        '"aggregateRating": {"ratingValue": 4.2, "ratingCount": 9}}</script>'
    )
    (row,) = extract(page(head=ld), URL)["articles"]
    assert (row["rating_votes"], row["rating_value"]) == (9, 4.2)


@pytest.mark.parametrize("invisible", ["\u00ad", "\u2060", "\ufeff", "\u200b", "\u200c", "\u200d"])
def test_invisible_characters_are_removed(invisible: str) -> None:
    assert normalize_text(f"Inter{invisible}national af{invisible}fairs") == "International affairs"
    title_page = page().replace(b"<h1>A Comment</h1>", f"<h1>A Com{invisible}ment</h1>".encode())
    (row,) = extract(title_page, URL)["articles"]
    assert row["title"] == "A Comment"


def test_a_clean_page_has_no_warning_and_no_fallback() -> None:
    head = '<meta property="article:published_time" content="2024-05-06">'
    (row,) = extract(page(head=head, middle="<div>(votes: 3, rating: 4.33)</div> <div>(3 votes)</div>"), URL)[
        "articles"
    ]
    assert row["warnings"] == [] and row["fallback_fields"] == []
    assert (row["rating_votes"], row["rating_value"], row["published"]) == (3, 4.33, dt.datetime(2024, 5, 6))


# Field values a page is built from, drawn at random: extraction must return them.
_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzабвгдежзиклмнопрстуфхцчшэюя", min_size=2, max_size=9)
_sentence = st.lists(_word, min_size=12, max_size=30).map(lambda ws: " ".join(ws).capitalize() + ".")
# A name that starts with one of the site's labels ("Print Aa") is cut there, as the toolbar's
# "Print" is: no real name does, and such names are left out.
_name = (
    st.tuples(_word, _word)
    .map(lambda parts: " ".join(p.capitalize() for p in parts))
    .filter(lambda name: widget_kind(name.split()[0]) is None)
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.lists(_word, min_size=3, max_size=8).map(lambda ws: " ".join(w.capitalize() for w in ws)),
    paragraphs=st.lists(_sentence, min_size=2, max_size=5, unique=True),
    author=_name,
    bio=st.lists(_word, min_size=2, max_size=6).map(lambda ws: " ".join(ws).capitalize()),
    votes=st.integers(min_value=1, max_value=2**31 - 1),
    value=st.integers(min_value=100, max_value=500).map(lambda n: n / 100),
    date=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_a_page_built_from_field_values_gives_them_back(
    title: str, paragraphs: list[str], author: str, bio: str, votes: int, value: float, date: dt.date
) -> None:
    html = (
        f"<html><head><title>{title} | RIAC</title>"
        f'<meta property="article:published_time" content="{date.isoformat()}"></head><body>'
        f"<div>Print</div><h1>{title}</h1><div>Rate this article</div>"
        f"<div>(votes: {votes}, rating: {value:g})</div><div>Share this article</div>"
        f'<div><a href="/en/about-us/experts/someone/">{author}</a></div><div>{bio}</div>'
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "<div>Share this article</div></body></html>"
    )
    got = stored_fields(html.encode(), URL)
    assert got is not None
    assert got["title"] == title
    assert got["body"] == "\n\n".join(paragraphs) and got["lead"] == paragraphs[0]
    assert got["authors"] == [
        {"name": author, "bio": bio, "url": "https://russiancouncil.ru/en/about-us/experts/someone/"}
    ]
    assert (got["rating_votes"], got["rating_value"]) == (votes, value)
    assert got["published"] == date.isoformat()


def test_ids_are_stable_hashes_of_the_language_or_poll_and_the_folded_text() -> None:
    from riac_scraper.storage.records import author_id
    from riac_scraper.urls import stable_id

    assert author_id("en", " Ivan  IVANOV ") == stable_id("en", "ivan ivanov")
    assert author_id("en", "Ivan Ivanov") != author_id("ru", "Ivan Ivanov")
    assert option_id("p1", "Yes,  it IS", 0) == stable_id("p1", "yes, it is")
    assert option_id("p1", None, 2) == stable_id("p1", "#2")
    assert option_id("p1", "Yes", 0) != option_id("p2", "Yes", 0)


def test_a_poll_snapshot_is_one_row_per_option_with_every_column() -> None:
    import datetime as dt

    from riac_scraper.items import PollOption, PollSnapshot
    from riac_scraper.storage.records import POLLS, poll_rows

    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    url = "https://russiancouncil.ru/en/a/"
    snapshot = PollSnapshot("p1", "en", "Will it?", [PollOption("Yes", 3, 75.0), PollOption(None, 1, 25.0)], at, url)
    common = {"poll_id": "p1", "poll_group": None, "lang": "en", "question": "Will it?", "total_votes": 4}
    common |= {"observed_at": at, "source_url": url, "crawl_id": "c1"}
    assert poll_rows(snapshot, "c1") == [
        {
            **common,
            "option_id": option_id("p1", "Yes", 0),
            "option_index": 0,
            "option": "Yes",
            "votes": 3,
            "percent": 75.0,
        },
        {
            **common,
            "option_id": option_id("p1", None, 1),
            "option_index": 1,
            "option": None,
            "votes": 1,
            "percent": 25.0,
        },
    ]
    assert set(poll_rows(snapshot, "c1")[0]) == {*POLLS.names, "lang"}  # and its partition


def test_an_articles_row_carries_its_counts_links_and_validators() -> None:
    import hashlib

    from riac_scraper.items import Article, PollSnapshot
    from riac_scraper.storage.records import article_row, content_hash

    article = Article(
        url="https://russiancouncil.ru/en/news/a/",
        lang="en",
        section="news",
        title="A title",
        paragraphs=["One two three.", "Four five."],
        fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        polls=[PollSnapshot("p1", "en", "Will it?", [], dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "u")],
        listing_hash="h1",
        etag='"e1"',
        last_modified="Thu, 01 Jan 2026 00:00:00 GMT",
    )
    row = article_row(article)
    assert {k: row[k] for k in ("word_count", "poll_ids", "site_text", "listing_hash", "etag", "last_modified")} == {
        "word_count": 5,
        "poll_ids": ["p1"],
        "site_text": [],
        "listing_hash": "h1",
        "etag": '"e1"',
        "last_modified": "Thu, 01 Jan 2026 00:00:00 GMT",
    }
    assert row["crawl_id"] == "" and article_row(article, "c1")["crawl_id"] == "c1"
    body = "One two three.\n\nFour five."
    assert row["content_hash"] == content_hash(article) == hashlib.sha256(f"A title\n{body}".encode()).hexdigest()
    article.title = None
    assert content_hash(article) == hashlib.sha256(f"\n{body}".encode()).hexdigest()
