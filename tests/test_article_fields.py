"""``ArticlePage`` field by field: each layer of each field's cascade on a
small page written for it, with the value and the answering layer checked."""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Iterator

import pytest

from riac_scraper import api, site
from riac_scraper.api import extract
from riac_scraper.pages.article import COLLECTOR, ArticlePage, _Collector, parse_article

URL = "https://russiancouncil.ru/en/analytics-and-comments/analytics/a-slug/"
RU_URL = "https://russiancouncil.ru/analytics-and-comments/analytics/a-slug/"
T0 = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
P1 = "The first paragraph of this analysis is long enough to read as running text, and it ends here."
P2 = "The second paragraph carries the argument further with another full sentence of plain prose."
P3 = "A third paragraph closes the text, again a complete sentence that a reader recognises as such."


def html(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def article(body: str, head: str = "", url: str = URL) -> ArticlePage:
    return ArticlePage(html(body, head), url, fetched_at=T0)


TEXT = f"<h1>The Title</h1><p>{P1}</p><p>{P2}</p><p>{P3}</p>"


# ---------------------------------------------------------------- selectors
def test_selectors_answer_title_lead_and_body_with_nested_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        site,
        "SELECTORS",
        {
            "title": ["h2.missing", "div.headline"],
            "lead": ["div.announce"],
            "body": ["section > div.text"],  # not a simple class selector: answered by parsel
        },
    )
    page = article(
        f"<div class='headline'>A <b>nested</b>  title</div><div class='announce'><p>{P1}</p></div>"
        f"<section><div class='text'><p>{P2}</p><p>{P3}</p></div></section><div class='text'><p>Outside.</p></div>"
    )
    assert page.title == "A nested title" and page.answered["title"] == "selectors"
    assert page.body == [P1, P2, P3] and page.answered["body"] == "selectors"
    assert page.lead == P1 and page.answered["lead"] == "selectors"


def test_a_selector_that_matches_nothing_passes_to_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site, "SELECTORS", {"title": ["div.nothing"], "body": [".absent"]})
    page = article(TEXT)
    assert page.selectors.find("title") == [] and page.selectors.find("unknown") == []
    assert page.title == "The Title" and page.answered["title"] == "text"
    assert page.body == [P1, P2, P3] and page.answered["body"] == "text"


def test_selectors_inside_an_element(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site, "SELECTORS", {"name": ["a.who", "span b"]})
    page = article(
        "<div id='one'><a class='who'>First</a></div><div id='two'><span><b>Second</b></span></div>"
        "<a class='who'>Third</a><div id='three'><i>Nothing</i></div>"
    )
    one, two, three = page.sel.root.xpath("//div")
    assert [e.text for e in page.selectors.find("name")] == ["First", "Third"]
    assert [e.text for e in page.selectors.find("name", inside=one)] == ["First"]
    assert [e.text for e in page.selectors.find("name", inside=two)] == ["Second"]
    assert page.selectors.find("name", inside=three) == []


# ------------------------------------------------------------------- title
@pytest.mark.parametrize(
    ("head", "body", "title", "layer"),
    [
        ("<title>Meta | RIAC</title>", "<h1> Shown title </h1>", "Shown title", "text"),
        ('<meta property="og:title" content="From og - RIAC">', "", "From og", "metadata"),
        ("<title>A: B | RIAC</title>", "", "A: B", "metadata"),
        ("<title>Plain</title>", "", "Plain", "metadata"),
        ("<title> </title>", "<h1> </h1>", None, None),
    ],
)
def test_title_layers(head: str, body: str, title: str | None, layer: str | None) -> None:
    page = article(body + f"<p>{P1}</p>", head)
    assert page.title == title
    assert page.answered.get("title") == layer


# ---------------------------------------------------------------- fallback
def test_the_trafilatura_layer_reads_paragraphs_and_leaves_tables_and_comments() -> None:
    cell = "A table cell sentence that is long enough to be counted as a paragraph here."
    comment = "A reader's comment that is long enough to be a paragraph of running text here."
    page = article(
        f"<article><p>{P1}</p><p>{P2}</p><table><tr><td>{cell}</td><td>{cell}</td></tr></table>"
        f"<p>{P3}</p></article><div class='comments'><p>{comment}</p></div>"
    )
    assert page._trafilatura_body() == [P1, P2, P3]
    assert page.warnings == []


def test_the_trafilatura_layer_gives_nothing_for_a_page_without_running_text() -> None:
    assert article("<ul><li>Menu</li><li>Items</li></ul>")._trafilatura_body() == []


def test_a_failing_trafilatura_is_a_warning_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(trafilatura, "extract", broken)
    page = article(TEXT)
    assert page._trafilatura_body() == []
    assert page.warnings == ["body: trafilatura failed: RuntimeError"]


def test_a_page_nested_deeper_than_the_parser_follows_is_read_flat() -> None:
    deep = "<div><span>" * 1500 + f"<h1>Deep <b>title</b></h1><p>{P1}</p><p>{P2}</p>" + "</span></div>" * 1500
    page = article(deep)
    assert page.title == "Deep title"
    assert page.body == [P1, P2]
    assert [line.text for line in page.lines] == ["Deep title", P1, P2]


# -------------------------------------------------------------------- lead
def test_the_description_marks_where_the_lead_starts_after_the_authors() -> None:
    description = P2[:60] + "…"
    page = article(
        f"<h1>T</h1><p>Ivan Ivanov</p><p>Director of Things</p><p>{P2}</p><p>{P3}</p>",
        f'<meta name="description" content="{description}">',
    )
    assert page._lead_at == 3
    assert [(a.name, a.bio) for a in page.authors] == [("Ivan Ivanov", "Director of Things")]
    assert page.lead == P2 and page.body == [P2, P3]


def test_a_short_or_absent_description_marks_nothing() -> None:
    short = article(TEXT, f'<meta name="description" content="{P1[:39]}">')
    assert short._lead_at is None
    forty = "Exactly forty characters start this lead"
    assert len(forty) == 40
    exact = article(
        TEXT.replace(P1, forty + ", and the paragraph goes on to its end."),
        f'<meta name="description" content="{forty}">',
    )
    assert exact._lead_at == 1
    assert article(TEXT)._lead_at is None
    elsewhere = article(TEXT, '<meta name="description" content="A description found nowhere in this page text.">')
    assert elsewhere._lead_at is None


def test_the_lead_is_looked_for_only_in_the_text_window() -> None:
    header = "An overview of the new arms control regime in Europe today"
    page = article(
        f"<div>{header}</div><h1>Title</h1><p>{P2}</p><p>{P3}</p>",
        f'<meta name="description" content="{header}">',
    )
    assert page.window[0] == 2 and page._lead_at is None


BANNER = "We use cookies on this website; by reading on you agree to them being stored on your device."


ABOVE = [f"<p>{BANNER}</p>", f"<p>{BANNER}</p><p>{P3}</p>", f"<nav>Menu</nav><p>{BANNER}</p>"]


@pytest.mark.parametrize("above", ABOVE)
def test_running_text_above_the_title_is_not_the_articles(above: str) -> None:
    page = article(f"{above}<h1>The Title</h1><p>Rate this article</p><p>Anna Berg</p><p>{P1}</p><p>{P2}</p>")
    assert page.lines[page.window[0]].text == "Anna Berg"
    assert [a.name for a in page.authors] == ["Anna Berg"]
    assert page.body == [P1, P2]


def test_without_running_text_below_the_title_the_window_starts_after_the_header_above_it() -> None:
    page = article(f"<p>Rate this article</p><p>{P1}</p><p>{P2}</p><h1>The Title</h1><p>Share this article</p>")
    assert page.window[0] == 1 and page.body == [P1, P2]
    page = article(f"<p>Rate this article</p><p>{P1}</p><p>{P2}</p>")  # no title at all
    assert page.window[0] == 1 and page.body == [P1, P2]
    # The first paragraph, found from the top without a title, or right below the title,
    # bounds the header: a widget after it is no header.
    assert article(f"<p>{P1}</p><p>Share this article</p><p>{P2}</p>").window[0] == 0
    assert article(f"<h1>T</h1><p>{P1}</p><p>Share this article</p><p>{P2}</p>").window[0] == 1


# ----------------------------------------------------------------- authors
def test_authors_with_and_without_bios_and_links() -> None:
    page = article(
        "<h1>T</h1><p><a href='/en/about-us/experts/a-b/'>Anna Berg</a></p><p>RIAC expert</p>"
        f"<p>Boris Chen</p><p>{P1}</p><p>{P2}</p>"
    )
    assert [(a.name, a.bio, a.url) for a in page.authors] == [
        ("Anna Berg", "RIAC expert", "https://russiancouncil.ru/en/about-us/experts/a-b/"),
        ("Boris Chen", None, None),
    ]
    assert page.answered["authors"] == "text"
    assert page.body == [P1, P2]


@pytest.mark.parametrize(
    "href", ["https://example.com/people/anna/", "http://[object Object]", "javascript:void(0)", "mailto:a@b.c"]
)
def test_an_author_whose_link_leads_off_the_site_is_kept_without_it_with_a_warning(href: str) -> None:
    description = f'<meta name="description" content="{P1}">'
    page = article(
        f"<h1>T</h1><p><a href='{href}'>Anna Berg</a></p><p>RIAC expert</p><p>{P1}</p><p>{P2}</p>", description
    )
    assert [(a.name, a.bio, a.url) for a in page.authors] == [("Anna Berg", "RIAC expert", None)]
    assert page.body == [P1, P2]  # the bio is not the lead
    assert [w for w in page.warnings if w.startswith("authors:")] == [
        f"authors: Anna Berg: link {href!r} is not a page of the site, not kept"
    ]


def test_an_author_link_on_the_site_gives_no_warning_and_share_buttons_stay_debris() -> None:
    page = article(
        "<h1>T</h1><p><a href='https://vk.com/share'>VK</a> <a href='https://t.me/share'>Telegram</a></p>"
        "<p><a href='https://t.me/share'>Send Telegram</a></p>"
        f"<p><a href='/en/about-us/experts/a-b/'>Anna Berg</a></p><p>{P1}</p><p>{P2}</p>"
    )
    assert [(a.name, a.url) for a in page.authors] == [
        ("Anna Berg", "https://russiancouncil.ru/en/about-us/experts/a-b/")
    ]
    assert not [w for w in page.warnings if w.startswith("authors:")]


def test_a_selector_authors_bad_link_is_dropped_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        site,
        "SELECTORS",
        {"body": ["div.text"], "author": ["div.who"], "author_name": ["a"], "author_bio": ["i"]},
    )
    page = article(
        "<div class='who'><a href='https://example.com/x'>Anna Berg</a><i>Fellow</i></div>"
        f"<div class='text'><p>{P1}</p></div>"
    )
    assert [(a.name, a.bio, a.url) for a in page.authors] == [("Anna Berg", "Fellow", None)]
    assert any(w.startswith("authors: Anna Berg: link") for w in page.warnings)


def test_a_repeated_lead_after_a_name_is_no_bio() -> None:
    page = article(f"<h1>T</h1><p>Anna Berg</p><p>{P1}</p><p>{P1}</p><p>{P2}</p>")
    assert [(a.name, a.bio) for a in page.authors] == [("Anna Berg", None)]
    assert page.body == [P1, P2]


def test_a_linked_name_after_a_name_is_the_next_author_not_a_bio() -> None:
    page = article(
        "<h1>T</h1><p>Anna Berg</p><p><a href='/en/experts/b-c/'>Boris Chen</a></p><p>Senior Fellow</p>"
        f"<p>{P1}</p><p>{P2}</p>",
        f'<meta name="description" content="{P1}">',
    )
    assert [(a.name, a.bio) for a in page.authors] == [("Anna Berg", None), ("Boris Chen", "Senior Fellow")]


def test_a_sentence_after_a_name_is_a_bio_only_when_the_lead_is_known() -> None:
    bio = "He teaches at a university."
    known = article(
        f"<h1>T</h1><p>Anna Berg</p><p>{bio}</p><p>{P1}</p><p>{P2}</p>", f'<meta name="description" content="{P1}">'
    )
    assert [(a.name, a.bio) for a in known.authors] == [("Anna Berg", bio)]
    unknown = article(f"<h1>T</h1><p>Anna Berg</p><p>{bio}</p><p>{P1}</p><p>{P2}</p>")
    assert [(a.name, a.bio) for a in unknown.authors] == [("Anna Berg", None)]


def test_author_photos_and_widget_debris_are_passed_over() -> None:
    page = article(
        f"<h1>T</h1><img src='/upload/anna.jpg'><p>27</p><p>Anna Berg</p><p>RIAC expert</p><p>{P1}</p><p>{P2}</p>"
    )
    assert [(a.name, a.bio) for a in page.authors] == [("Anna Berg", "RIAC expert")]


def test_one_line_is_left_for_the_lead_when_it_is_not_known() -> None:
    page = article(f"<h1>T</h1><p>Anna Berg</p><p>{P1}</p>")
    assert [(a.name, a.bio) for a in page.authors] == [("Anna Berg", None)]
    assert page.body == [P1]


def test_metadata_authors_when_the_text_has_none() -> None:
    page = article(
        TEXT, '<script type="application/ld+json">{"@type": "Article", "author": {"name": "Anna Berg"}}</script>'
    )
    assert [a.name for a in page.authors] == ["Anna Berg"] and page.answered["authors"] == "metadata"
    assert article(TEXT).authors == [] and "authors" not in article(TEXT).answered


# ------------------------------------------------------------------ rating
@pytest.mark.parametrize(
    ("line", "rating"),
    [
        ("(votes: 4, rating: 4.75)", (4, 4.75)),
        ("Rating (Голосов: 62, Рейтинг: 4,42)", (62, 4.42)),
        ("| (no votes) |", (0, None)),
        ("(4 votes)", (4, None)),
        ("| (1 vote) |", (1, None)),
        ("(votes: 4, rating: 7)", (4, None)),
    ],
)
def test_rating_from_the_widget_text(line: str, rating: tuple) -> None:
    page = article(TEXT + f"<div>{line}</div>")
    assert page.rating == rating and page.answered["rating"] == "text"


def test_rating_text_wins_over_a_later_vote_count_and_metadata() -> None:
    page = article(
        TEXT + "<div>(4 votes)</div><div>(votes: 9, rating: 3.5)</div>",
        '<script type="application/ld+json">{"@type": "Article", "aggregateRating": '
        '{"ratingValue": "2", "ratingCount": "7"}}</script>',
    )
    assert page.rating == (9, 3.5)


def test_rating_from_metadata_when_the_page_shows_none() -> None:
    page = article(
        TEXT,
        '<script type="application/ld+json">{"@type": "Article", "aggregateRating": '
        '{"ratingValue": "4.5", "ratingCount": "12"}}</script>',
    )
    assert page.rating == (12, 4.5) and page.answered["rating"] == "metadata"
    assert article(TEXT).rating == (None, None) and "rating" not in article(TEXT).answered


def test_rating_values_out_of_range_are_null_with_warnings() -> None:
    page = article(TEXT + "<div>(votes: 99999999999, rating: 9)</div>")
    assert page.rating == (None, None)
    assert page.warnings == ["rating votes: 99999999999 is above 2147483647", "rating value: 9.0 is outside 0.0..5.0"]


# ------------------------------------------------------ regions, tags, type
def test_region_and_type_labels_above_the_text() -> None:
    page = article(
        "<div>Region: Russia, Europe</div><div>Type:</div><div>Analytics</div>"
        f"<h1>T</h1><p>{P1}</p><p>{P2}</p>"
        "<div><a href='/en/search/?tags=NATO'>#NATO</a> <a href='/en/search/?tags=Arms'>Arms, </a>"
        "<a rel='Tag' href='/en/x/'>Security</a> <a href='/en/search/?tags=x'> </a></div>",
        '<meta property="article:tag" content="NATO"><meta property="article:tag" content="Energy">',
    )
    assert page.regions == ["Russia", "Europe"]
    assert page.tags == ["Analytics", "NATO", "Arms", "Security", "Energy"]


def test_a_label_value_is_kept_once_and_a_label_at_the_end_has_none() -> None:
    page = article(f"<h1>T</h1><div>Регион: Россия, Россия</div><div>Тип: Новости</div><div>Region:</div><p>{P1}</p>")
    assert page.regions == ["Россия"]
    assert page.tags == ["Новости"]


# ------------------------------------------------------------- translation
def test_translation_link_by_its_label_then_hreflang() -> None:
    page = article(TEXT + "<div><a href='/analytics-and-comments/analytics/a-slug/'>Читать на русском</a></div>")
    assert page.translation_url == RU_URL and page.answered["translation_url"] == "text"
    wrong_label = article(TEXT + "<div><a href='/analytics-and-comments/analytics/a-slug/'>Read in English</a></div>")
    assert wrong_label.translation_url is None
    meta = article(TEXT, f'<link rel="alternate" hreflang="ru" href="{RU_URL}">')
    assert meta.translation_url == RU_URL and meta.answered["translation_url"] == "metadata"
    ru = ArticlePage(html(TEXT + f"<div><a href='{URL}'>Read in English</a></div>"), RU_URL)
    assert ru.translation_url == URL
    offsite = article(TEXT + "<div><a href='https://example.com/'>Читать на русском</a></div>")
    assert offsite.translation_url is None


# --------------------------------------------------------------- published
def test_published_from_metadata_then_the_text_above_the_title() -> None:
    meta = article(TEXT, '<meta property="article:published_time" content="2024-05-06T10:00:00+03:00">')
    assert meta.published == dt.date(2024, 5, 6) and meta.answered["published"] == "metadata"
    text = article(f"<div>6 May 2024</div>{TEXT}")
    assert text.published == dt.date(2024, 5, 6) and text.answered["published"] == "text"
    assert text.to_item().fallback_fields == ["published"]


def test_an_impossible_printed_date_is_null_and_a_warning() -> None:
    page = article(f"<div>31.02.2024</div>{TEXT}")
    assert page.published is None
    assert page.warnings == ["published: no such date: '31.02.2024'"]
    assert "published" not in page.answered


def test_a_long_header_line_is_no_date() -> None:
    page = article(f"<div>6 May 2024 is when this long line of header text was written</div>{TEXT}")
    assert page.answered.get("published") != "text"


# ------------------------------------------------------------- the article
def test_to_item_carries_every_field_and_the_language_check() -> None:
    item = ArticlePage(html(TEXT), URL, fetched_at=T0).to_item()
    assert (item.url, item.lang, item.section, item.title, item.lead) == (URL, "en", "analytics", "The Title", P1)
    assert item.paragraphs == [P1, P2, P3] and item.fetched_at == T0
    assert item.detected_lang == "en" and item.warnings == [] and item.fallback_fields == []
    ru = ArticlePage(html(TEXT), RU_URL, fetched_at=T0).to_item()
    assert ru.lang == "ru" and ru.warnings == ["language: URL says ru, text looks en"]


def test_a_page_at_an_unknown_path_takes_the_language_from_the_url() -> None:
    page = ArticlePage(html(TEXT), "https://russiancouncil.ru/en/some/where/")
    assert (page.lang, page.section) == ("en", "")
    before = dt.datetime.now(dt.UTC)
    assert before - dt.timedelta(seconds=5) <= page.fetched_at <= dt.datetime.now(dt.UTC)


# ------------------------------------------------------------- the window
def test_a_widget_line_between_paragraphs_does_not_move_the_start() -> None:
    page = article(f"<h1>T</h1><p>{P1}</p><p>{P2}</p><div>Print</div><p>{P3}</p>")
    assert page.window[0] == 1 and page.body == [P1, P2, P3]


def test_a_page_that_opens_with_its_text_keeps_the_first_paragraph() -> None:
    page = article(f"<p>{P1}</p><p>{P2}</p>", "<title>T | RIAC</title>")
    assert page.window == (0, 2) and page.body == [P1, P2]


def test_a_row_of_tag_links_ends_the_text() -> None:
    after = "A teaser below the tags that is long enough to count as a paragraph of its own."
    page = article(
        f"<h1>T</h1><p>{P1}</p><p>{P2}</p>"
        "<div><a href='/en/search/?tags=A'>A</a> <a href='/en/search/?tags=B'>B</a></div>"
        f"<p>{after}</p>"
    )
    assert page.body == [P1, P2]
    assert page.tags == ["A", "B"]


def test_relative_links_resolve_against_where_the_page_was_fetched() -> None:
    from riac_scraper.pages.article import parse_article

    body = f"<h1>T</h1><p><a href='x-y/'>Anna Berg</a></p><p>RIAC expert</p><p>{P1}</p><p>{P2}</p>"
    here = parse_article(html(body), URL)
    assert here.authors[0].url == URL + "x-y/"
    moved = parse_article(html(body), URL, base="https://russiancouncil.ru/en/experts/")
    assert moved.authors[0].url == "https://russiancouncil.ru/en/experts/x-y/"


# ------------------------------------------------- selectors for the authors
def test_author_selectors_scope_names_and_bios_to_each_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        site,
        "SELECTORS",
        {"body": ["div.story"], "author": [".byline"], "author_name": [".who"], "author_bio": [".role"]},
    )
    page = article(
        "<h1>T</h1><div class='byline'><span class='role'>No name here</span></div>"
        "<div class='byline'><span class='who'><a href='/en/experts/a-b/'>Anna Berg</a></span>"
        "<span class='role'>RIAC expert</span></div>"
        "<div class='byline'><a class='who' href='/en/experts/b-c/'>Boris Chen</a></div>"
        "<div class='byline'><span class='who'>Chen Li</span><span class='role'> </span></div>"
        f"<div class='story'><p>{P1}</p><p>{P2}</p></div>"
    )
    assert [(a.name, a.bio, a.url) for a in page.authors] == [
        ("Anna Berg", "RIAC expert", "https://russiancouncil.ru/en/experts/a-b/"),
        ("Boris Chen", None, "https://russiancouncil.ru/en/experts/b-c/"),
        ("Chen Li", None, None),
    ]
    assert page.answered["authors"] == "selectors"


# ------------------------------------------------------------- body cascade
def test_the_last_resort_answers_the_body_when_the_text_has_no_paragraph(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ArticlePage, "_trafilatura_body", lambda self: [P1])
    page = article("<h1>T</h1><ul><li>Menu</li><li>Items</li></ul>")
    assert page.body == [P1] and page.answered["body"] == "trafilatura"
    assert page.lead == P1 and page.answered["lead"] == "text"
    assert page.to_item().fallback_fields == ["body"]


def test_the_title_repeated_in_the_text_is_not_body() -> None:
    page = article(f"<h1>The Title</h1><p>{P1}</p><p>The Title</p><p>{P2}</p>")
    assert page.body == [P1, P2]


# ----------------------------------------------------------- teaser cards
def test_a_teaser_card_is_at_most_image_author_and_title() -> None:
    intro = "The minister put it this way:"
    page = article(
        f"<h1>T</h1><p>{P1}</p><img src='/upload/card.jpg'><p>Anna Berg:</p>"
        "<p><a href='/en/analytics-and-comments/analytics/other/'>Another article</a></p>"
        f"<p>{intro}</p><p>{P2}</p>"
    )
    assert page.body == [P1, intro, P2]


def test_a_teaser_card_with_two_images_takes_its_author_line_along() -> None:
    page = article(
        f"<h1>T</h1><p>{P1}</p><img src='/upload/card.jpg'><img src='/upload/logo.png'><p>Anna Berg:</p><p>{P2}</p>"
    )
    assert page.body == [P1, P2]


def test_an_image_alone_goes_and_the_text_after_it_stays() -> None:
    page = article(f"<h1>T</h1><p>{P1}</p><img src='/upload/photo.jpg'><p>{P2}</p><img src='/upload/last.png'>")
    assert page.body == [P1, P2]


# ------------------------------------------------------------------- polls
def test_the_polls_of_an_article_page_carry_its_url_time_and_warnings() -> None:
    page = article(TEXT + "<div>Poll results</div><p>1. Asked?</p><p>Yes</p><p>3 (150%)</p>")
    [poll] = page.polls
    assert (poll.source_url, poll.observed_at, poll.lang) == (URL, T0, "en")
    assert [(o.option, o.votes, o.percent) for o in poll.options] == [("Yes", 3, None)]
    assert page.warnings == ["poll percent: 150.0 is outside 0.0..100.0"]


# -------------------------------------------------------- language check
def test_the_language_is_detected_from_the_title_and_the_first_two_paragraphs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from riac_scraper.pages import article as module

    seen: list[str] = []
    monkeypatch.setattr(
        module, "page_language", lambda text, url_lang, html_lang: (seen.append(text) or "en", "langdetect")
    )
    assert article(TEXT).detected_lang == "en"
    assert seen == [f"The Title {P1} {P2}"]
    seen.clear()
    article(f"<p>{P1}</p>").detected_lang  # noqa: B018
    assert seen == [f" {P1}"]


# ------------------------------------------------------------ htmldate layer
class FindDate:
    """Stands in for htmldate.find_date: answers ``answer`` and records each call."""

    def __init__(self) -> None:
        self.answer: str | None = "2023-04-05"
        self.calls: list[dict] = []

    def __call__(self, html: str, **kwargs: object) -> str | None:
        self.calls.append({"html": html, **kwargs})
        return self.answer


@pytest.fixture
def find_date(monkeypatch: pytest.MonkeyPatch) -> FindDate:
    import htmldate

    fake = FindDate()
    monkeypatch.setattr(htmldate, "find_date", fake)
    return fake


def test_htmldate_is_the_last_resort_for_the_date(find_date: FindDate) -> None:
    page = article(TEXT)
    assert page.published == dt.date(2023, 4, 5) and page.answered["published"] == "htmldate"
    assert find_date.calls == [{"html": page.html, "extensive_search": False, "original_date": True}]
    assert page.to_item().fallback_fields == ["published"]


def test_a_date_htmldate_gives_that_is_no_date_is_a_warning(find_date: FindDate) -> None:
    find_date.answer = "sometime"
    page = article(TEXT)
    assert page.published is None and "published" not in page.answered
    assert page.warnings == ["published: not a date: 'sometime'"]
    find_date.answer = None
    assert article(TEXT).published is None


def test_a_failing_htmldate_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    import htmldate

    def broken(*args: object, **kwargs: object) -> str:
        raise ValueError("bad page")

    monkeypatch.setattr(htmldate, "find_date", broken)
    page = article(TEXT)
    assert page.published is None
    assert page.warnings == ["published: htmldate failed: ValueError"]


def test_an_impossible_printed_date_is_not_replaced_by_a_guess(find_date: FindDate) -> None:
    page = article(f"<div>31.02.2024</div>{TEXT}")
    assert page.published is None and find_date.calls == []


def test_a_metadata_date_that_is_no_date_warns_and_passes_on(find_date: FindDate) -> None:
    page = article(TEXT, '<meta property="article:published_time" content="garbage">')
    assert page.published == dt.date(2023, 4, 5)
    assert page.warnings == ["published: not a date: 'garbage'"]


def test_only_short_header_lines_are_read_as_dates(find_date: FindDate) -> None:
    find_date.answer = None
    forty = "6 May 2024, and a few more words here!!!"
    assert len(forty) == 40
    assert article(f"<div>{forty}</div>{TEXT}").published is None
    assert article(f"<div>{forty[:39]}</div>{TEXT}").published == dt.date(2024, 5, 6)


# ------------------------------------------------- more edges of the cascade
def test_ratings_from_a_vote_count_and_from_metadata_warn_by_name() -> None:
    page = article(TEXT + "<div>(99999999999 votes)</div>")
    assert page.rating == (None, None)
    assert page.warnings == ["rating votes: 99999999999 is above 2147483647"]
    ld = '<script type="application/ld+json">{"@type": "Article", "aggregateRating": {%s}}</script>'
    meta = article(TEXT, ld % '"ratingValue": "5.5", "ratingCount": "99999999999"')
    assert meta.rating == (None, None)
    assert meta.warnings == ["rating votes: 99999999999 is above 2147483647", "rating value: 5.5 is outside 0.0..5.0"]
    count_only = article(TEXT, ld % '"ratingCount": "12"')
    assert count_only.rating == (12, None) and count_only.answered["rating"] == "metadata"
    value_only = article(TEXT, ld % '"ratingValue": "4"')
    assert value_only.rating == (None, 4.0)


def test_tag_names_keep_their_letters_and_other_rels_are_no_tags() -> None:
    page = article(
        TEXT + "<div><a href='/en/search/?tags=Xinjiang'>#Xinjiang,</a> "
        "<a rel='nofollow' href='/en/partners/'>Partners</a> <a rel='tag' href='/en/x/'>X-rays</a></div>"
    )
    assert page.tags == ["Xinjiang", "X-rays"]


def test_the_last_line_before_the_end_is_left_for_the_lead() -> None:
    page = article("<h1>T</h1><p>Anna Berg</p><p>Boris Chen</p>")
    assert [a.name for a in page._text_authors[0]] == ["Anna Berg"]


def test_a_lead_printed_twice_after_a_name_is_no_bio() -> None:
    lead = "A lead without a final stop that the page prints twice"
    page = article(f"<h1>T</h1><p>Anna Berg</p><p>{lead}</p><p>{lead}</p><p>{P2}</p>")
    assert [(a.name, a.bio) for a in page.authors] == [("Anna Berg", None)]
    at_end = article(f"<h1>T</h1><p>Anna Berg</p><p>{lead}</p><p>{lead}</p>")
    assert [(a.name, a.bio) for a in at_end.authors] == [("Anna Berg", None)]
    once = article(f"<h1>T</h1><p>Anna Berg</p><p>{lead}</p><p>{P2}</p>")
    assert [(a.name, a.bio) for a in once.authors] == [("Anna Berg", lead)]


def test_a_known_lead_right_after_a_name_is_no_bio() -> None:
    page = article(
        f"<h1>T</h1><p>Anna Berg</p><p>{P1}</p><p>Boris Chen</p><p>{P2}</p>",
        f'<meta name="description" content="{P1}">',
    )
    assert page._lead_at == 2
    assert [(a.name, a.bio) for a in page.authors] == [("Anna Berg", None)]


def test_a_relative_hreflang_alternate_resolves_against_the_page() -> None:
    page = article(TEXT, '<link rel="alternate" hreflang="ru" href="/analytics-and-comments/analytics/a-slug/">')
    assert page.translation_url == RU_URL


def test_a_widget_line_with_many_separators_is_read_whole() -> None:
    many = article(TEXT + "<div>| (many votes) |</div>")
    assert many.rating == (None, None) and many.answered["rating"] == "text"
    assert many.warnings == ["rating votes: not a whole number: 'many'"]
    bars = article(TEXT + "<div>| | | | | | | (no votes) | |</div>")
    assert bars.rating == (0, None)
    stray = article(TEXT + "<div>| | | | | | | (no votes) X</div>")
    assert stray.rating == (None, None) and "rating" not in stray.answered


# ------------------------------------------------- where the text begins
def test_the_text_starts_after_a_repeated_title_a_date_and_widget_counters() -> None:
    page = article(f"<h1>The Title</h1><div>The Title</div><div>12.03.2025</div><div>15</div><p>{P1}</p><p>{P2}</p>")
    assert [line.text for line in page.header] == ["The Title", "The Title", "12.03.2025", "15"]
    assert page.body == [P1, P2] and page.published == dt.date(2025, 3, 12)


def test_a_label_alone_on_its_line_takes_the_next_line_as_its_value() -> None:
    page = article(f"<h1>T</h1><div>Регион:</div><div>Россия, Европа</div><div>Тип:</div><div>Новости</div><p>{P1}</p>")
    assert page.regions == ["Россия", "Европа"] and page.tags == ["Новости"]
    assert page.body == [P1]
    last = article(f"<h1>T</h1><div>Type:</div><div>Analytics</div><p>{P1}</p>")
    assert last.tags == ["Analytics"] and last.lead == P1


def test_a_label_alone_before_the_first_paragraph_takes_nothing_from_it() -> None:
    page = article(f"<h1>T</h1><div>Region:</div><p>{P1}</p><p>{P2}</p>")
    assert page.regions == [] and page.body == [P1, P2]


def test_a_label_on_the_first_line_of_the_page_takes_the_second() -> None:
    page = article(f"<div>Type:</div><div>Analytics</div><p>{P1}</p><p>{P2}</p>")
    assert page.tags == ["Analytics"] and page.body == [P1, P2]


def test_a_label_on_the_last_line_takes_nothing_from_the_first() -> None:
    page = article(f"<div>An opening line</div><p>{P1}</p><p>{P2}</p><div>Region:</div>")
    assert page.body == ["An opening line", P1, P2] and page.regions == []


# ------------------------------------------------- polls without a label
QUESTION = "Do you agree with the author?"


def test_a_poll_without_a_label_ends_the_text_at_its_question() -> None:
    page = article(
        f"<h1>The Title</h1><p>{P1}</p><p>{P2}</p><p>{QUESTION}</p><p>Yes 12 (60%)</p><p>No 8 (40%)</p><p>{P3}</p>"
    )
    assert page.body == [P1, P2]
    [poll] = page.polls
    assert poll.question == QUESTION
    assert [(o.option, o.votes, o.percent) for o in poll.options] == [("Yes", 12, 60.0), ("No", 8, 40.0)]


def test_a_result_line_above_the_title_is_no_poll_of_the_text_and_joins_no_poll() -> None:
    page = article(
        f"<div>Readers 12 (40%)</div><h1>The Title</h1><p>{P1}</p><p>{P2}</p>"
        f"<p>{QUESTION}</p><p>Yes 12 (60%)</p><p>No 8 (40%)</p>"
    )
    assert page.body == [P1, P2]
    assert [[o.option for o in poll.options] for poll in page.polls] == [["Yes", "No"]]


def test_a_value_out_of_range_in_an_unlabelled_poll_warns_once() -> None:
    page = article(f"<h1>T</h1><p>{P1}</p><p>{QUESTION}</p><p>Yes 3 (150%)</p>")
    assert page.body == [P1] and [o.percent for poll in page.polls for o in poll.options] == [None]
    assert page.warnings == ["poll percent: 150.0 is outside 0.0..100.0"]  # finding the poll's start warns of nothing


def test_a_poll_right_after_the_title_leaves_no_text() -> None:
    page = article(f"<h1>T</h1><p>{QUESTION}</p><p>Yes 3 (60%)</p><p>No 2 (40%)</p>")
    assert [(p.question, len(p.options)) for p in page.polls] == [(QUESTION, 2)]


def test_a_poll_above_the_title_is_a_poll_and_leaves_the_text_whole() -> None:
    page = article(f"<div>Your opinion?</div><div>Yes 3 (60%)</div><h1>The Title</h1><p>{P1}</p><p>{P2}</p>")
    assert page.body == [P1, P2]
    [poll] = page.polls
    assert poll.question == "Your opinion?" and [o.option for o in poll.options] == ["Yes"]


def test_the_question_may_stand_one_line_above_the_first_result() -> None:
    numbered = article(
        f"<h1>The Title</h1><p>{P1}</p><p>{P2}</p><p>2. How do you rate the summit</p>"
        "<p>Several answers allowed</p><p>Good 3 (60%)</p><p>Bad 2 (40%)</p>"
    )
    assert numbered.body == [P1, P2]
    assert [p.question for p in numbered.polls] == ["How do you rate the summit"]
    split = article(f"<h1>The Title</h1><p>{P1}</p><p>{P2}</p><p>{QUESTION}</p><p>Yes</p><p>3 (60%)</p>")
    assert split.body == [P1, P2]
    assert [(o.option, o.votes) for poll in split.polls for o in poll.options] == [("Yes", 3)]


def test_result_lines_without_a_question_above_them_stay_text() -> None:
    results = ["Candidate A 7,611 (76%)", "Candidate B 1,203 (12%)"]
    page = article(
        f"<h1>The Title</h1><p>{P1}</p><p>The count was as follows:</p><p>{results[0]}</p><p>{results[1]}</p>"
        f"<p>{P2}</p>"
    )
    assert page.body == [P1, "The count was as follows:", *results, P2] and page.polls == []
    two_up = article(f"<h1>T</h1><p>{P1}</p><p>{QUESTION}</p><p>A line</p><p>Another line</p><p>Yes 3 (60%)</p>")
    assert two_up.body == [P1, QUESTION, "A line", "Another line", "Yes 3 (60%)"]


def test_a_poll_row_is_at_most_forty_words() -> None:
    row = " ".join(["many"] * 38) + " 12 (60%)"  # 40 words
    poll = article(f"<h1>T</h1><p>{P1}</p><p>{P2}</p><p>{QUESTION}</p><p>{row}</p>")
    assert poll.body == [P1, P2] and [len(p.options) for p in poll.polls] == [1]
    long = "Turnout " + " ".join(["words"] * 37) + " of 1,234 (56%)"  # 41 words
    text = article(f"<h1>T</h1><p>{P1}</p><p>{QUESTION}</p><p>{long}</p><p>{P2}</p>")
    assert text.body == [P1, QUESTION, long, P2] and text.polls == []


# ------------------------------------------------------ degenerate pages
@pytest.mark.parametrize("source", ["", "   \n", "<!-- nothing but a comment -->", "\x01\x02"])
def test_an_empty_page_has_no_lines_and_no_fields(source: str) -> None:
    page = ArticlePage(source, URL, fetched_at=T0)
    assert page.lines == [] and page.title is None and page.body == [] and page.polls == []


def test_an_empty_page_answers_class_selectors_with_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site, "SELECTORS", {"title": ["h1.title"], "body": [".text"]})
    page = ArticlePage("<!-- nothing -->", URL, fetched_at=T0)
    assert page.title is None and page.body == [] and page.selectors.find("title") == []


def test_control_characters_are_deleted_and_lone_surrogates_replaced() -> None:
    page = article("<p>One\x01 two\x0b three</p><p>a\ud800b</p>")
    assert [line.text for line in page.lines] == ["One two three", "a?b"]


# ------------------------------------------------------------- title edges
def test_only_the_last_site_name_suffix_is_dropped_from_the_title() -> None:
    page = article("", "<title>Russia | China | RIAC</title>")
    assert page.title == "Russia | China"


def test_a_headline_in_json_ld_is_a_metadata_title() -> None:
    page = article("", '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "From LD"}</script>')
    assert page.title == "From LD" and page.answered["title"] == "metadata"


def test_linked_articles_are_the_other_articles_the_page_links_to_once_in_page_order() -> None:
    body = (
        '<a href="/en/news/second-story/">teaser</a>'
        '<a href="https://www.russiancouncil.ru/en/analytics-and-comments/analytics/first-analysis">related</a>'
        '<a href="/en/news/second-story/#comments">again</a>'
        f'<a href="{URL}">this page</a><a href="/en/news/">a listing</a><a href="https://example.org/en/news/x/">off</a>'
        '<a>no href</a><a href="http://[::1">broken</a>'
    )
    head = '<link rel="alternate" hreflang="ru" href="/news/vtoraya-istoriya/">'  # metadata, not a link
    page = article(body, head)
    assert page.linked == [
        "https://russiancouncil.ru/en/news/second-story/",
        "https://russiancouncil.ru/en/analytics-and-comments/analytics/first-analysis/",
    ]
    assert page.to_item().linked == page.linked
    # relative links resolve against the page's base
    based = ArticlePage(html('<a href="next-story/">x</a>'), URL, base="https://russiancouncil.ru/en/news/")
    assert based.linked == ["https://russiancouncil.ru/en/news/next-story/"]


def test_the_item_names_the_layer_of_every_field_it_has() -> None:
    rated = "<p>Rate this article</p><p>(votes: 4, rating: 4.75)</p>"
    page = article(
        TEXT + rated + "<div><a href='/en/search/?tags=NATO'>NATO</a></div>",
        '<meta property="article:tag" content="Arms">',
    )
    item = page.to_item()
    assert item.tags == ["NATO", "Arms"] and item.answered["tags"] == "text"
    assert (
        item.answered["title"] == "text" and item.answered["rating_votes"] == "text" and "rating" not in item.answered
    )
    assert item.answered["detected_lang"] == "langdetect" and "regions" not in item.answered
    only_meta = article(TEXT, '<meta property="article:tag" content="Arms">').to_item()
    assert only_meta.tags == ["Arms"] and only_meta.answered["tags"] == "metadata"
    assert "tags" not in only_meta.fallback_fields  # metadata tags are no fallback
    labelled = article(TEXT.replace("<p>", "<p>Region: Europe</p><p>", 1)).to_item()
    assert labelled.regions == ["Europe"] and labelled.answered["regions"] == "text"
    bare = article("<p>x</p>").to_item()
    assert "tags" not in bare.answered and "detected_lang" not in bare.answered


def test_metadata_tags_are_taken_once_each() -> None:
    head = "".join(f'<meta property="article:tag" content="{t}">' for t in ("Arms", "NATO", "Arms"))
    page = article(TEXT + "<div><a href='/en/search/?tags=NATO'>NATO</a></div>", head)
    assert page.tags == ["NATO", "Arms"] and page.text_tags == ["NATO"]


# ------------------------------------------------- a lead only in metadata
LEAD_ONLY_IN_METADATA = "A lead that the page carries in its description only, a whole sentence of the announce."


@pytest.mark.parametrize("kind", ["og:description", "description"])
def test_a_lead_the_page_prints_nowhere_comes_from_the_description(kind: str) -> None:
    attribute = "property" if kind.startswith("og:") else "name"
    page = article(TEXT, f'<meta {attribute}="{kind}" content="{LEAD_ONLY_IN_METADATA}">')
    item = page.to_item()
    assert item.lead == LEAD_ONLY_IN_METADATA and item.paragraphs == [LEAD_ONLY_IN_METADATA, P1, P2, P3]
    assert page.answered["lead"] == "metadata" and "lead" in item.fallback_fields
    assert item.suspect_fields == []


@pytest.mark.parametrize(
    "description",
    [
        P1,  # printed: the text's own lead
        P1[:70] + "…",  # cut short
        LEAD_ONLY_IN_METADATA[:70] + "…",  # cut short, and so not found in the text
        LEAD_ONLY_IN_METADATA[:70] + " ...",
        "Analysis of the week.",  # too short to be a lead
        LEAD_ONLY_IN_METADATA[:-1],  # no sentence
    ],
)
def test_a_description_that_is_printed_cut_or_no_lead_stays_out_of_the_text(description: str) -> None:
    page = article(TEXT, f'<meta name="description" content="{description}">')
    assert page.body == [P1, P2, P3] and page.lead == P1 and page.answered["lead"] == "text"


def test_a_description_printed_in_a_longer_line_is_printed() -> None:
    text = f"<h1>The Title</h1><p>Announce: {LEAD_ONLY_IN_METADATA}</p><p>{P2}</p>"
    page = article(text, f'<meta name="description" content="{LEAD_ONLY_IN_METADATA}">')
    assert page.body == [f"Announce: {LEAD_ONLY_IN_METADATA}", P2]


def test_a_description_printed_with_a_change_after_its_first_60_characters_is_printed() -> None:
    printed = LEAD_ONLY_IN_METADATA[:60] + "#" + LEAD_ONLY_IN_METADATA[61:]
    page = article(
        f"<h1>The Title</h1><p>{printed}</p><p>{P2}</p>", f'<meta name="description" content="{LEAD_ONLY_IN_METADATA}">'
    )
    assert page.body == [printed, P2]


def test_the_selectors_layer_takes_no_lead_from_the_description(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site, "SELECTORS", {"body": [".text"]})
    page = article(
        f"<h1>The Title</h1><div class='text'><p>{P1}</p><p>{P2}</p></div>",
        f'<meta name="description" content="{LEAD_ONLY_IN_METADATA}">',
    )
    assert page.body == [P1, P2] and page.lead == P1 and page.answered["lead"] != "metadata"


def test_a_name_linked_off_the_site_in_part_at_the_threshold_share_is_still_a_name() -> None:
    # "Bergen" is 6 of the line's 10 visible characters: exactly the link share of a link row
    page = article(f"<h1>T</h1><p>Anna <a href='https://example.com/x'>Bergen</a></p><p>{P1}</p><p>{P2}</p>")
    assert [(a.name, a.url) for a in page.authors] == [("Anna Bergen", None)]


def test_the_warning_quotes_at_most_80_characters_of_a_bad_author_link() -> None:
    href = "https://example.com/" + "x" * 100
    page = article(f"<h1>T</h1><p><a href='{href}'>Anna Berg</a></p><p>{P1}</p><p>{P2}</p>")
    assert [a.name for a in page.authors] == ["Anna Berg"]  # warnings come as the field is read
    (warning,) = [w for w in page.warnings if w.startswith("authors:")]
    assert warning == f"authors: Anna Berg: link {href[:80]!r} is not a page of the site, not kept"


def test_a_page_that_declares_its_url_s_language_is_read_without_langdetect(monkeypatch: pytest.MonkeyPatch) -> None:
    from riac_scraper.pages import language

    asked: list[str] = []
    monkeypatch.setattr(language, "detect_language", lambda text: asked.append(text) or "en")
    page = ArticlePage(html(TEXT).replace("<html>", '<html lang="en">'), URL, fetched_at=T0)
    item = page.to_item()
    assert item.detected_lang == "en" and item.answered["detected_lang"] == "witnesses" and asked == []
    # the same page declaring Russian: the witnesses disagree, langdetect reads it
    page = ArticlePage(html(TEXT).replace("<html>", '<html lang="ru">'), URL, fetched_at=T0)
    assert page.to_item().answered["detected_lang"] == "langdetect" and len(asked) == 1


def test_the_links_articles_share_are_canonicalized_once() -> None:
    """The related-articles links a page shows with every other page are one
    URL cache entry each, not one per page."""
    from riac_scraper.urls import canonical_cache

    menu = "".join(f'<a href="/en/news/item-{n}/">Item {n}</a>' for n in range(50))
    for n in range(10):
        page = ArticlePage(html(TEXT + menu), f"{URL.rstrip('/')}-{n}/", fetched_at=T0)
        assert len(page.linked) == 50
    assert canonical_cache.cache_info().currsize < 50 + 10 * 5


# --------------------------------------------- the collector, held off while a page is read
COLLECTOR_URL = "https://russiancouncil.ru/en/analytics-and-comments/analytics/a-title/"
COLLECTOR_PAGE = (
    "<html lang='en'><head><title>A title</title></head><body><h1>A title</h1><p>"
    + "Words. " * 40
    + "</p></body></html>"
)


@pytest.fixture
def collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()
    assert COLLECTOR.reads == 0


def _seen_during_read(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    seen: list[bool] = []
    to_item = ArticlePage.to_item

    def spying(self: ArticlePage) -> object:
        seen.append(gc.isenabled())
        return to_item(self)

    monkeypatch.setattr(ArticlePage, "to_item", spying)
    return seen


def test_a_page_is_read_with_the_collector_off_and_it_runs_again_after(
    monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    seen = _seen_during_read(monkeypatch)
    gc.enable()
    assert parse_article(COLLECTOR_PAGE, COLLECTOR_URL).title == "A title"
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off(monkeypatch: pytest.MonkeyPatch, collector_restored: None) -> None:
    seen = _seen_during_read(monkeypatch)
    gc.disable()
    parse_article(COLLECTOR_PAGE, COLLECTOR_URL)
    assert seen == [False]
    assert not gc.isenabled()


def test_a_read_that_raises_still_turns_the_collector_back_on(
    monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    def broken(self: ArticlePage) -> object:
        raise RuntimeError("a page the reader breaks on")

    monkeypatch.setattr(ArticlePage, "to_item", broken)
    gc.enable()
    with pytest.raises(RuntimeError):
        parse_article(COLLECTOR_PAGE, COLLECTOR_URL)
    assert gc.isenabled()
    assert COLLECTOR.reads == 0


def test_the_collector_runs_again_only_when_the_last_of_overlapping_reads_ends(collector_restored: None) -> None:
    gc.enable()
    with COLLECTOR.paused():
        with COLLECTOR.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
        assert COLLECTOR.reads == 1
    assert gc.isenabled()


def test_reads_in_threads_overlapping_in_any_order_leave_the_collector_on(collector_restored: None) -> None:
    gc.enable()
    first_in, second_in, first_may_end = threading.Event(), threading.Event(), threading.Event()
    states: dict[str, bool] = {}

    def first() -> None:
        with COLLECTOR.paused():
            first_in.set()
            first_may_end.wait(10)
        states["after first"] = gc.isenabled()
        second_in.wait(10)

    def second() -> None:
        first_in.wait(10)
        with COLLECTOR.paused():
            second_in.set()
            first_may_end.set()
            one.join(10)
            states["second, first done"] = gc.isenabled()

    one, two = threading.Thread(target=first), threading.Thread(target=second)
    one.start()
    two.start()
    two.join(10)
    assert states == {"after first": False, "second, first done": False}
    assert gc.isenabled()


def test_extract_keeps_the_collector_off_for_its_rows_too(
    monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    seen: list[bool] = []
    real = api.article_row

    def spying(article: object, *args: object) -> object:
        seen.append(gc.isenabled())
        return real(article, *args)

    monkeypatch.setattr(api, "article_row", spying)
    gc.enable()
    rows = extract(COLLECTOR_PAGE.encode(), COLLECTOR_URL)
    assert [row["title"] for row in rows["articles"]] == ["A title"]
    assert seen == [False]
    assert gc.isenabled()


def test_a_new_collector_pauses_and_resumes_from_its_first_read(collector_restored: None) -> None:
    collector = _Collector()  # the module's own is made at import, before a test can see it made
    gc.enable()
    with collector.paused():
        assert not gc.isenabled()
        assert collector.reads == 1
    assert gc.isenabled()
    assert collector.reads == 0
