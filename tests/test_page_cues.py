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


# ------------------------------------------------------- the rules one by one
def _pieces(text: str, links: tuple = ()) -> list[str]:
    from riac_scraper.pages.cues import cut_points
    from riac_scraper.pages.reading import Line, split

    line = Line(text, "div", links)
    return [p.text for p in split(line, cut_points(line))]


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Print Read in English", ["Print", "Read in English"]),
        ("Print | Read in English", ["Print", "|", "Read in English"]),
        ("Printing press history", ["Printing press history"]),
        ("Rate this article (votes: 4, rating: 4.75)", ["Rate this article", "(votes: 4, rating: 4.75)"]),
        ("(votes: 4, rating: 4.75) (4 votes)", ["(votes: 4, rating: 4.75)", "(4 votes)"]),
        ("Rating (no votes)", ["Rating", "(no votes)"]),
        ("A long sentence that mentions (4 votes) in passing and goes on and on", None),
        ("Short (4 votes)", ["Short", "(4 votes)"]),
        ("Region: Russia Type: News", ["Region: Russia", "Type: News"]),
        ("Yes 33 (31%) No 30 (28%)", ["Yes 33 (31%)", "No 30 (28%)"]),
        ("Only one 33 (31%)", ["Only one 33 (31%)"]),
        ("Poll results 1. Is it so?", ["Poll results", "1. Is it so?"]),
        ("Poll results Is it so?", ["Poll results", "Is it so?"]),
        ("Poll results and more words", ["Poll results and more words"]),
        ("Share this article 27", ["Share this article", "27"]),
        ("Share this article →", ["Share this article", "→"]),
        ("Share this article Read in English", ["Share this article", "Read in English"]),
        ("plain line with no label", ["plain line with no label"]),
        ("Rate this article (4 votes) and more words", ["Rate this article", "(4 votes)", "and more words"]),
        (
            "Rate this article (4 votes) and then a few more words",
            ["Rate this article", "(4 votes)", "and then a few more words"],
        ),
        ("Rate this article (4 votes) extra words", ["Rate this article", "(4 votes)", "extra words"]),
        ("Printing (votes: 4, rating: 4.75)", ["Printing", "(votes: 4, rating: 4.75)"]),
        ("Print this page (votes: 4, rating: 4.75)", ["Print this page", "(votes: 4, rating: 4.75)"]),
        ("a b c d e (4 votes)", ["a b c d e", "(4 votes)"]),
        ("a b c d e f (4 votes)", ["a b c d e f", "(4 votes)"]),
        ("a b c d e f g (4 votes)", None),
        (
            "one two three four five six seven (votes: 4, rating: 4.75)",
            ["one two three four five six seven", "(votes: 4, rating: 4.75)"],
        ),
        ("Region: Russia (4 votes) Type: News", ["Region: Russia", "(4 votes)", "Type: News"]),
        ("(no votes) A 33 (31%) B 30 (28%)", ["(no votes)", "A 33 (31%)", "B 30 (28%)"]),
    ],
)
def test_a_line_is_cut_where_a_reader_tells_things_apart(text: str, pieces: list[str] | None) -> None:
    assert _pieces(text) == (pieces or [text])


def test_a_label_followed_by_its_buttons_is_cut_before_them() -> None:
    text = "Share this article VK 27 Telegram"
    links = ((19, 21, "https://vk.com/share"), (25, 33, "https://t.me/share"))
    assert _pieces(text, links) == ["Share this article", "VK 27 Telegram"]
    # a label's word running on into a link is still the label
    glued = "PrintVK"
    assert _pieces(glued, ((5, 7, "https://vk.com/"),)) == ["Print", "VK"]


def test_very_long_lines_are_not_cut() -> None:
    from riac_scraper.pages.cues import cut_points
    from riac_scraper.pages.reading import Line

    long = "Print " + "|" * 1995
    assert len(long) == 2001 and cut_points(Line(long)) == []
    assert cut_points(Line("Print " + "|" * 1994)) == [0, 5]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Print", "print"),
        (" | Print · ", "print"),
        ("\u00a0Print\u00a0", "print"),
        ("PRINT", "print"),
        ("Print Read in English", "print"),
        ("Read in English Print", "translation"),
        ("For business For researchers", "footer"),
        ("In", "login"),
        ("Info", None),
        ("(votes: 4, rating: 4.75)", "rating"),
        ("(no votes)", "rating"),
        ("(4 votes)", "votes"),
        ("Rating (votes: 4, rating: 4.75) here", "rating"),
        ("a b c d (votes: 4, rating: 4.75)", None),
        ("Region: Russia", "label"),
        ("Type : News", "label"),
        ("", None),
        ("Print this", None),
        ("XPrint", None),
        ("Print | Read in English", "print"),
        ("Print · Read in English", "print"),
        ("a b c (votes: 4, rating: 4.75)", "rating"),
    ],
)
def test_widget_kind_of_each_label_and_pattern(text: str, kind: str | None) -> None:
    from riac_scraper.pages.cues import widget_kind

    assert widget_kind(text) == kind


@pytest.mark.parametrize(
    ("href", "on_site"),
    [
        ("/en/news/", True),
        ("news/x/", True),
        ("https://russiancouncil.ru/en/", True),
        ("HTTPS://WWW.RUSSIANCOUNCIL.RU./en/", True),
        ("//russiancouncil.ru/x", True),
        ("https://vk.com/share.php", False),
        ("//t.me/share", False),
        ("https://russiancouncil.ru.evil.com/", False),
        ("#top", False),
        ("JavaScript:void(0)", False),
        ("MailTo:a@b.c", False),
        ("tel:+7", False),
        ("  ", False),
    ],
)
def test_page_link(href: str, on_site: bool) -> None:
    from riac_scraper.pages.cues import _page_link

    assert _page_link(href) is on_site


@pytest.mark.parametrize(
    ("text", "date_line"),
    [
        ("12 March 2026", True),
        ("12.03.2026 10:00 a b", True),
        ("12.03.2026 10:00 a b c", False),
        ("12 March 2026 was the day it rained", False),
        ("2026-03-12T10:00:00+03:00 and some more words", False),
        ("2026-03-12" + " " * 30 + "x", False),
        ("12 Smarch 2026", False),
    ],
)
def test_is_date_line(text: str, date_line: bool) -> None:
    from riac_scraper.pages.cues import is_date_line

    assert is_date_line(text) is date_line


def test_is_date_line_limits() -> None:
    from riac_scraper.pages.cues import is_date_line

    assert is_date_line("12 March 2026 —") is True  # four words
    assert is_date_line("12 March 2026 — x") is False  # five
    assert is_date_line("2026-03-12T" + "0" * 28) is True  # 39 characters
    assert is_date_line("2026-03-12T" + "0" * 29) is False  # 40


def test_is_image_and_link_rows() -> None:
    from riac_scraper.pages.cues import is_image, is_link_row, is_teaser_title
    from riac_scraper.pages.reading import Line

    assert is_image(Line("photo.JPG")) and is_image(Line("x", image="x"))
    assert not is_image(Line("photo.jpg is here")) and not is_image(Line("text"))
    row = Line("aaa bb", links=((0, 3, "/a/"), (4, 6, "/b/")))
    assert is_link_row(row) and is_teaser_title(row)
    assert is_link_row(Line("aaa bb", links=((0, 3, "/a/"),)))  # 3 of 5 characters: 0.6 is the least
    assert not is_link_row(Line("aaa bbb", links=((0, 3, "/a/"),)))
    assert is_teaser_title(Line("aaa bb", links=((0, 3, "/a/"),)))  # a share of exactly 0.6
    long_title = " ".join(["w"] * 15)
    assert not is_teaser_title(Line(long_title, links=((0, len(long_title), "/a/"),)))
    title = " ".join(["w"] * 14)
    assert is_teaser_title(Line(title, links=((0, len(title), "/a/"),)))


@pytest.mark.parametrize(
    ("text", "links", "debris"),
    [
        ("27", (), True),
        ("1 234", (), True),
        ("→ ✉", (), True),
        ("VK Telegram", ((0, 2, "https://vk.com/"), (3, 11, "https://t.me/")), True),
        ("VK 27", ((0, 2, "/en/page/"),), True),
        ("News Analytics", ((0, 4, "/en/news/"), (5, 14, "/en/analytics/")), False),
        ("Partner site", ((0, 12, "https://example.com/"),), True),
        ("Partner site x", ((0, 12, "https://example.com/"),), True),
        ("A sentence with a link", ((18, 22, "https://example.com/"),), False),
        ("Plain words", (), False),
    ],
)
def test_is_widget_debris(text: str, links: tuple, debris: bool) -> None:
    from riac_scraper.pages.cues import is_widget_debris
    from riac_scraper.pages.reading import Line

    assert is_widget_debris(Line(text, links=links)) is debris


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Ivan Ivanov", True),
        ("Ivan", False),
        ("Ivan de la Rosa", True),
        ("A B C D E F", False),
        ("Ivan Ivanov, PhD", False),
        ("ivan ivanov", False),
        ("Ivan O'Neil-Smith", True),
        ("Ivan Ivanov 2", False),
        ("Иван Иванов", True),
        ("J. R. Tolkien", True),
        ("X" * 30 + " " + "Y" * 30, False),
        ("X" * 30 + " " + "Y" * 29, True),
        ("Ivan Petrovich de la Rosa", True),
        ("Ivan Petrovich de la Rosa Smith", False),
        ("Ivan2 Petrov", False),
        ("Ivan Iva#nov", False),
    ],
)
def test_looks_like_name_cases(text: str, name: bool) -> None:
    from riac_scraper.pages.cues import looks_like_name

    assert looks_like_name(text) is name


def test_is_tag_link() -> None:
    from riac_scraper.pages.cues import is_tag_link

    assert is_tag_link("/en/search/?tags=Russia")
    assert is_tag_link("/search/index.php?TAGS=X")
    assert not is_tag_link("/en/tags/?x=1")
    assert not is_tag_link("/en/news/?tags=x")


def test_is_paragraph_needs_ten_words_and_a_final_stop() -> None:
    from riac_scraper.pages.cues import is_paragraph

    assert is_paragraph(" ".join(["word"] * 9) + " end.")
    assert not is_paragraph(" ".join(["word"] * 8) + " end.")
    assert not is_paragraph(" ".join(["word"] * 12))
    assert is_paragraph(" ".join(["слово"] * 10) + "»")


def test_a_whole_line_only_label_is_never_cut_from_the_start_of_a_line() -> None:
    from riac_scraper import site
    from riac_scraper.pages.cues import cut_points, widget_kind
    from riac_scraper.pages.reading import Line

    assert site.WHOLE_LINE_ONLY == ("In",)
    assert widget_kind("In") == "login"
    assert widget_kind("In 2024, the talks resumed") is None
    assert cut_points(Line("In 2024, the talks resumed after a long pause.")) == []
    # a label not so marked is cut where it starts a line; this one is not
    assert cut_points(Line("Print | Read in English")) == [0, 5, 8, 23]
    assert cut_points(Line("In | Read in English")) == []


def test_a_long_page_is_read_with_each_line_folded_once() -> None:
    """The line memos hold every line of the page being read, however many
    (a fixed 8,192-entry cache misses every line of a longer page on every
    pass), and forget a page two pages later: their size is two pages' lines."""
    from riac_scraper import extract
    from riac_scraper.pages import cues

    def paragraphs(prefix: str, count: int) -> str:
        return "".join(
            f"<p>{prefix} paragraph number {n} says something of its own at some length.</p>" for n in range(count)
        )

    url = "https://russiancouncil.ru/en/analytics-and-comments/analytics/long-read/"
    long_page = f"<html><body><h1>A long read</h1>{paragraphs('Long', 12_000)}</body></html>"
    keys, kinds = cues.MEMOS
    before = keys.computed, kinds.computed
    extract(long_page, url)
    assert len(keys) >= 12_000 and len(kinds) >= 12_000  # the whole page is held
    # each of the 12,000 texts computed once, a few dozen labels and titles aside
    assert keys.computed - before[0] < 12_100
    assert kinds.computed - before[1] < 12_100
    for other in ("First", "Second"):
        extract(f"<html><body><h1>{other}</h1>{paragraphs(other, 20)}</body></html>", url)
    assert len(keys) + len(keys.previous) < 200  # the long page is forgotten
    assert len(kinds) + len(kinds.previous) < 200


def test_a_page_memo_computes_each_text_once_per_two_pages() -> None:
    from riac_scraper.pages.cues import PageMemo

    calls: list[str] = []
    memo = PageMemo(lambda text: calls.append(text) or text.upper())
    assert memo.computed == 0 and len(memo) == 0 and memo.previous == {}
    assert memo["menu"] == "MENU" and memo["menu"] == "MENU" and memo["first"] == "FIRST"
    assert calls == ["menu", "first"] and memo.computed == 2
    memo.turn_page()  # the next page shares the menu
    assert memo.previous == {"menu": "MENU", "first": "FIRST"} and len(memo) == 0
    assert memo["menu"] == "MENU" and memo["second"] == "SECOND"
    assert calls == ["menu", "first", "second"] and memo.computed == 3  # the menu came from the last page
    memo.turn_page()
    memo.turn_page()  # two pages on, nothing of them is left
    assert memo["menu"] == "MENU" and calls[-1] == "menu" and memo.computed == 4
    memo.forget()
    assert len(memo) == 0 and memo.previous == {}
