"""Malformed, truncated and random pages never raise: they give an article or a failure record."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riac_scraper import extract
from riac_scraper.pages.values import parse_date, parse_float, parse_int
from tests.conftest import SEED_URL, page_path

URL = "https://russiancouncil.ru/en/analytics-and-comments/comments/fuzzed/"
SEED_PAGE = page_path(SEED_URL).read_bytes()
TAGS = ["p", "div", "span", "a", "h1", "br", "img", "table", "tr", "td", "script", "style", "li", "ol", "b", "time"]
SNIPPETS = [
    "Rate this article",
    "(votes: 4, rating: 4.75)",
    "(votes: x, rating: 99)",
    " (3 votes)",
    "Poll conducted",
    "1. Why?",
    "33 (31%)",
    "7 (250%)",
    "Share this article",
    "Igor Ivanov",
    "RIAC Member",
    "Region: Asia",
    "Читать на русском",
    "pashinian2m.jpg",
    "Andrey Kortunov:",
    "For students",
    "2018-02-30",
    "<",
    "&amp;",
    "A sentence of running text that is long enough to look like an article paragraph to the extractor.",
]
fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def html_soup(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            attrs = draw(
                st.sampled_from(
                    [
                        "",
                        ' class="x"',
                        ' href="/en/news/x/"',
                        ' src="a.jpg"',
                        " hidden",
                        ' datetime="2019-13-45"',
                        ' itemprop="ratingValue" content="abc"',
                    ]
                )
            )
            closed = draw(st.booleans())
            parts.append(f"<{tag}{attrs}>{draw(html_soup(depth + 1))}" + (f"</{tag}>" if closed else ""))
        else:
            parts.append(draw(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=40))))
    return "".join(parts)


def check(rows: dict) -> None:
    assert len(rows["articles"]) + len(rows["failures"]) == 1
    for row in rows["articles"]:
        assert row["title"] and row["body"]
        assert row["rating_value"] is None or 0 <= row["rating_value"] <= 5
        assert row["rating_votes"] is None or row["rating_votes"] >= 0
    for row in rows["polls"]:
        assert row["percent"] is None or 0 <= row["percent"] <= 100


@fast
@given(html_soup())
def test_random_html(html: str) -> None:
    check(extract(f"<html><body>{html}</body></html>", URL))


@fast
@given(st.integers(0, len(SEED_PAGE)))
def test_truncated_documents(cut: int) -> None:
    check(extract(SEED_PAGE[:cut], URL))


@fast
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    check(extract(data, URL))


@given(st.text(max_size=30))
def test_number_parsers_never_raise_and_never_invent_a_number(text: str) -> None:
    warnings: list[str] = []
    digits = "".join(text.split())
    value = parse_int(text, "n", warnings)
    if value is not None:
        assert digits.isascii() and digits.isdigit() and int(digits) == value
    number = parse_float(text, "x", warnings, maximum=100.0)
    if number is not None:
        assert 0 <= number <= 100 and float(digits.replace(",", ".")) == number
    if text.strip() and (value is None or number is None):
        assert warnings


@given(st.dates())
def test_dates_round_trip_in_every_printed_form(date) -> None:  # type: ignore[no-untyped-def]
    for text in (date.isoformat(), date.strftime("%d.%m.%Y"), f"{date.day} {date.strftime('%B')} {date.year}"):
        if date.year >= 1000:
            assert parse_date(text, "d", []) == date


@given(st.text(max_size=40))
def test_date_parser_never_raises(text: str) -> None:
    warnings: list[str] = []
    if parse_date(text, "d", warnings) is None and text.strip():
        assert warnings


@given(st.integers(0, 10**6), st.integers(0, 500).map(lambda x: x / 100))
def test_rating_labels_parse_back_in_both_languages(votes: int, value: float) -> None:
    from riac_scraper.pages.cues import widget_kind
    from riac_scraper.site import RATING, VOTE_COUNT

    for text in (f"(votes: {votes}, rating: {value:g})", f"(Голосов: {votes}, Рейтинг: {value:g})"):
        match = RATING.search(text)
        assert match and int(match["votes"]) == votes and float(match["value"]) == value
        assert widget_kind(text) == "rating"
    for word in ("votes", "vote", "голос", "голоса", "голосов"):
        match = VOTE_COUNT.match(f" ({votes} {word})".strip())
        assert match and int(match["votes"]) == votes


@given(st.integers(0, 10**6), st.integers(0, 100), st.text(alphabet=st.characters(categories=["L", "Zs"]), max_size=30))
def test_poll_result_rows_parse_back(votes: int, percent: int, label: str) -> None:
    from riac_scraper.site import POLL_RESULT

    match = POLL_RESULT.search(f"{label} {votes} ({percent}%)".strip())
    assert match and (int(match["votes"]), int(match["percent"])) == (votes, percent)


LINK_PIECES = [
    "/",
    "//",
    "..",
    ".",
    "?",
    "#",
    "PAGEN_1=2",
    "en",
    "russiancouncil.ru",
    "http:",
    "https://",
    " ",
    "%2F",
    "а",
    "\\",
    ":",
    "@",
    "[::1]",
]


@fast
@given(
    st.lists(st.sampled_from(LINK_PIECES), max_size=8).map("".join),
    st.sampled_from(
        ["https://russiancouncil.ru/en/news/?PAGEN_1=3", "http://127.0.0.1:8000/a/b", "https://www.russiancouncil.ru/"]
    ),
)
def test_a_link_cached_on_itself_resolves_as_on_its_page(href: str, base: str) -> None:
    from riac_scraper.urls import _canonical_url, canonical_url

    assert canonical_url(href, base) == _canonical_url(href, base)
