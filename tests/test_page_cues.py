"""The visible text cues of SITE.md on pages whose markup we have never seen."""

from __future__ import annotations

import datetime as dt

import pytest

from riac_scraper import extract
from riac_scraper.pages.article import parse_article
from riac_scraper.pages.cues import looks_like_name, widget_kind
from riac_scraper.pages.polls import parse_polls
from riac_scraper.pages.reading import Line

URL = "https://russiancouncil.ru/en/analytics-and-comments/comments/some-comment/"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PARAGRAPHS = [
    "The first paragraph of the comment is long enough to be running text and it ends with a full stop.",
    "A second paragraph follows, again a complete sentence that a reader would recognise as article text.",
]


def page(*middle: str, title: str = "A Comment on Something") -> str:
    return (
        "<html><body><h1>"
        + title
        + "</h1>"
        + "".join(f"<div>{m}</div>" for m in middle)
        + "".join(f"<div>{p}</div>" for p in PARAGRAPHS)
        + "<div>Share this article</div></body></html>"
    )


def blocks(*texts: str) -> list[Line]:
    return [Line(t, "div") for t in texts]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Print", "print"),
        ("Print Читать на русском", "print"),
        ("Read in English", "translation"),
        ("Rate this article", "rate"),
        ("(votes: 4, rating: 4.75)", "rating"),
        ("(no votes)", "rating"),
        ("(Голосов: 62, Рейтинг: 4.42)", "rating"),
        (" (62 голоса)", "votes"),
        ("(1 vote)", "votes"),
        ("Share this article", "share"),
        ("Поделиться статьей", "share"),
        ("Poll conducted", "poll"),
        ("For business For researchers For students", "footer"),
        ("Region: Russia, Europe", "label"),
        ("A normal sentence about Print media.", None),
        ("Printing", None),
    ],
)
def test_widget_kind(text: str, kind: str | None) -> None:
    assert widget_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Igor Ivanov", True),
        ("Игорь Иванов", True),
        ("Ivan S. Petrov", True),
        ("Jean de la Fontaine", True),
        ("RIAC Member", True),  # name-shaped: the name/bio alternation tells them apart
        ("Andrey Kortunov:", False),
        ("The summit proved unsensational.", False),
        ("igor ivanov", False),
        ("President of the Russian International Affairs Council (RIAC)", False),
    ],
)
def test_looks_like_name(text: str, name: bool) -> None:
    assert looks_like_name(text) is name


def test_authors_and_bios_without_any_markup_hints() -> None:
    html = page(
        "Rate this article",
        "(votes: 3, rating: 4)",
        "Share this article",
        "Anna Volkova",
        "Ph.D. in History, RIAC expert",
        "Pavel Grigoriev",
        "RIAC Member",
    )
    article = parse_article(html, URL, fetched_at=NOW)
    assert [(a.name, a.bio) for a in article.authors] == [
        ("Anna Volkova", "Ph.D. in History, RIAC expert"),
        ("Pavel Grigoriev", "RIAC Member"),
    ]
    assert article.paragraphs == PARAGRAPHS
    assert (article.rating_votes, article.rating_value) == (3, 4.0)


def test_news_page_without_authors() -> None:
    article = parse_article(page("Type: News", "Region: Russia, Europe"), URL, fetched_at=NOW)
    assert article.authors == []
    assert article.paragraphs == PARAGRAPHS
    assert (article.regions, article.tags) == (["Russia", "Europe"], ["News"])


def test_repeated_lead_is_kept_once_even_with_different_spacing_and_case() -> None:
    lead = PARAGRAPHS[0]
    article = parse_article(page(lead.upper().replace(" ", "  ")), URL, fetched_at=NOW)
    assert article.paragraphs == [lead.upper(), PARAGRAPHS[1]]  # the first printing is kept


def test_paragraphs_sharing_a_phrase_are_not_duplicates() -> None:
    shared = "The lack of dialogue with Washington created significant restrictions for Moscow."
    html = page(shared, shared.replace("Moscow.", "Moscow, as the last three years have shown."))
    article = parse_article(html, URL, fetched_at=NOW)
    assert len(article.paragraphs) == 4


def test_malformed_rating_becomes_null_with_a_warning() -> None:
    article = parse_article(
        page("Rate this article", "(votes: abc, rating: 9.5)", "Share this article"), URL, fetched_at=NOW
    )
    assert (article.rating_votes, article.rating_value) == (None, None)
    assert any("rating votes" in w for w in article.warnings)
    assert any("rating value" in w for w in article.warnings)


def test_poll_with_labels_on_the_same_line_and_a_missing_label() -> None:
    polls = parse_polls(
        blocks("Poll conducted", "1. Who will win?", "Team A 12 (60%)", "8 (40%)", "For business"), "en", URL, NOW, []
    )
    assert [(p.question, [(o.option, o.votes, o.percent) for o in p.options]) for p in polls] == [
        ("Who will win?", [("Team A", 12, 60.0), (None, 8, 40.0)])
    ]
    assert polls[0].total_votes == 20


def test_two_numbered_questions_are_two_polls() -> None:
    polls = parse_polls(
        blocks("Poll conducted", "1. First?", "Yes", "3 (100%)", "2. Second?", "No", "1 (100%)"), "en", URL, NOW, []
    )
    assert [p.question for p in polls] == ["First?", "Second?"]


def test_poll_percent_over_100_is_null_with_a_warning() -> None:
    warnings: list[str] = []
    polls = parse_polls(blocks("Poll conducted", "1. Q?", "Yes", "3 (130%)"), "en", URL, NOW, warnings)
    assert polls[0].options[0].percent is None and polls[0].options[0].votes == 3
    assert warnings


def test_same_poll_on_different_pages_has_one_id() -> None:
    a = parse_polls(blocks("1. Q?", "Yes", "3 (100%)"), "en", URL, NOW, [])
    b = parse_polls(blocks("1. Q?", "Yes", "4 (100%)"), "en", URL.replace("some", "other"), NOW, [])
    assert a[0].poll_id == b[0].poll_id


@pytest.mark.parametrize(
    "html",
    [
        b"",
        b"<html></html>",
        b"<html><body><h1>Only a title</h1></body></html>",
        b"\xff\xfe\x00garbage\x00",
        b"<html><body><p>Unclosed <b>tags <i>everywhere",
        b"<html><body>" + b"<div>" * 400 + b"deep" + b"</div>" * 400 + b"</body></html>",
    ],
)
def test_pages_without_an_article_give_a_failure_record_not_an_exception(html: bytes) -> None:
    rows = extract(html, URL)
    assert rows["articles"] == []
    (failure,) = rows["failures"]
    assert failure["stage"] == "validate" and failure["reason"].startswith("missing")


def test_windows_1251_page_without_any_declared_charset() -> None:
    html = page("Игорь Иванов", "Президент РСМД").replace("<html>", "<html><head></head>")
    url = "https://russiancouncil.ru/analytics-and-comments/comments/some-comment/"
    rows = extract(html.encode("cp1251"), url)
    assert rows["articles"][0]["authors"][0]["name"] == "Игорь Иванов"


def test_language_mismatch_is_kept_and_recorded() -> None:
    russian = (
        "Государства все активнее заявляют о праве контролировать данные и платформы на своей территории, "
        "а международное право пока не дает ясного ответа."
    )
    html = f"<html><body><h1>Заголовок статьи</h1><p>{russian}</p><p>{russian} Еще одно предложение.</p></body></html>"
    (row,) = extract(html, URL)["articles"]
    assert (row["lang"], row["detected_lang"]) == ("en", "ru")
    assert any("language" in w for w in row["warnings"])


def test_windows_1251_declared_only_in_the_http_header() -> None:
    html = page("Игорь Иванов", "Президент РСМД").replace("<html>", "<html><head></head>")
    url = "https://russiancouncil.ru/analytics-and-comments/comments/some-comment/"
    body = html.encode("cp1251")
    rows = extract(body, url, content_type="text/html; charset=windows-1251")
    assert rows["articles"][0]["authors"][0]["bio"] == "Президент РСМД"


def test_meta_charset_wins_over_a_guess() -> None:
    html = page("Игорь Иванов", "Президент РСМД").replace(
        "<html>", '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head>'
    )
    url = "https://russiancouncil.ru/analytics-and-comments/comments/some-comment/"
    assert extract(html.encode("cp1251"), url)["articles"][0]["authors"][0]["name"] == "Игорь Иванов"


def test_site_selectors_answer_first_when_the_live_markup_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    from riac_scraper import site
    from riac_scraper.pages.article import ArticlePage

    html = (
        "<html><body><h1>A Comment on Something</h1><div class='byline'><a class='who' href='/en/experts/a-b/'>"
        "Anna Berg</a><span class='role'>RIAC expert</span></div>"
        + "".join(f"<div class='story'><p>{p}</p></div>" for p in PARAGRAPHS)
        + "<div>Share this article</div></body></html>"
    )
    monkeypatch.setattr(
        site,
        "SELECTORS",
        {"body": ["div.story"], "author": [".byline"], "author_name": ["a.who"], "author_bio": [".role"]},
    )
    page = ArticlePage(html, URL)
    assert page.body == PARAGRAPHS
    assert [(a.name, a.bio, a.url) for a in page.authors] == [
        ("Anna Berg", "RIAC expert", "https://russiancouncil.ru/en/experts/a-b/")
    ]
    assert page.answered["body"] == page.answered["authors"] == "selectors"
    assert page.to_item().fallback_fields == []
