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
    values = {"title": TITLE, "lead": LEAD, "body": BODY, "published": DAY, "author_names": ["Anna Berg"]}
    values = {"printed_dates": [], **values, **answers}
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
        ("Arctic shipping routes", "Shipping news elsewhere", False),  # 1 of 3
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
    assert suspects(PageMetadata(title="Cookie settings | Arctic Shipping Routes"), title=TITLE) == {
        "title": f"suspect title: {TITLE!r} shares little with <title> 'Cookie settings'"
    }  # the last part is the site's name, whatever it says
    assert (
        suspects(PageMetadata(headline="Cookie settings | Arctic Shipping Routes"), title=TITLE) == {}
    )  # not og:title
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


def test_a_lead_after_other_prose_is_far_from_its_title_and_suspect() -> None:
    got = suspects(PageMetadata(), prose_before_lead=2)
    assert got == {"lead": "suspect lead: 2 lines of running text stand between the title and it"}
    assert suspects(PageMetadata(), prose_before_lead=1) == {}  # one notice or caption may stand between
    assert suspects(PageMetadata(), prose_before_lead=None) == {}


def test_a_selected_lead_below_the_pages_prose_is_named_suspect(monkeypatch: pytest.MonkeyPatch) -> None:
    from riac_scraper import site

    monkeypatch.setattr(site, "SELECTORS", {"body": [".text"]})
    prose = "".join(f"<p>Paragraph {n} of running text that stands above the selected part.</p>" for n in range(3))
    html = f"<html><body><h1>{TITLE}</h1>{prose}<div class='text'><p>{LEAD}</p></div></body></html>"
    item = ArticlePage(html, "https://russiancouncil.ru/en/analytics-and-comments/analytics/x/").to_item()
    assert item.lead == LEAD and item.suspect_fields == ["lead"]
    assert "suspect lead: 3 lines of running text stand between the title and it" in item.warnings
    bio = "Anna Berg is a researcher who writes on the Arctic and on shipping law."
    text = f"<h1>{TITLE}</h1><p>Anna Berg</p><p>{bio}</p><div class='text'><p>{LEAD}</p></div>"
    page = ArticlePage(
        f"<html><body>{text}</body></html>", "https://russiancouncil.ru/en/analytics-and-comments/analytics/x/"
    )
    assert page.to_item().suspect_fields == []


def test_a_body_shorter_than_its_lead_is_suspect() -> None:
    got = suspects(PageMetadata(), body=["Share this article"])
    assert got == {"body": "suspect body: shorter than its own lead (18 characters)"}
    assert suspects(PageMetadata(), body=[LEAD]) == {}  # a body that is its lead alone
    assert suspects(PageMetadata(), body=[]) == {}  # no body: a missing field, not a suspect one


def test_a_date_more_than_a_day_from_every_printed_date_is_suspect() -> None:
    meta = PageMetadata()
    got = suspects(meta, printed_dates=[dt.date(2023, 3, 16)])
    assert got == {"published": "suspect published: 2023-03-14 where the page prints 2023-03-16"}
    assert suspects(meta, printed_dates=[dt.date(2023, 3, 15)]) == {}  # a day apart: a time zone
    assert suspects(meta, printed_dates=[dt.date(2023, 3, 13)]) == {}
    assert suspects(meta, printed_dates=[dt.date(2023, 3, 20), DAY]) == {}  # one agrees
    assert suspects(meta, printed_dates=[dt.date(2023, 3, 16)], published=None) == {}


def test_authors_the_metadata_does_not_name_at_all_are_suspect() -> None:
    meta = PageMetadata(author_names=["Ivan Petrov", "Maria Sokolova"])
    got = suspects(meta, author_names=["Newsletter Team", "Editorial Office"])
    assert got == {
        "authors": "suspect authors: 'Newsletter Team, Editorial Office' where the metadata names "
        "'Ivan Petrov, Maria Sokolova'"
    }
    assert suspects(meta, author_names=["I. Petrov"]) == {}  # a surname in common
    assert suspects(meta, author_names=[]) == {}
    assert suspects(PageMetadata(author_names=["Ed"]), author_names=["Newsletter Team"]) == {}  # no word to compare


def test_long_values_are_cut_in_the_warning() -> None:
    long = "Cookie " * 40
    warning = suspects(PageMetadata(headline=TITLE), title=long)["title"]
    quoted = warning.split("suspect title: ", 1)[1].split(" shares little", 1)[0]
    assert len(quoted) == QUOTED + 2 and quoted.endswith("…'")  # the quotes around QUOTED characters
    exact = "w" * QUOTED
    assert suspects(PageMetadata(headline=TITLE), title=exact)["title"].startswith(f"suspect title: {exact!r} ")


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


def test_a_page_whose_metadata_date_is_not_the_printed_one_says_so() -> None:
    head = '<meta property="article:published_time" content="2024-01-09T10:00:00+03:00">'
    body = f"<h1>{TITLE}</h1><p>14.03.2023</p><p>{'</p><p>'.join(BODY)}</p>"
    page = ArticlePage(f"<html><head>{head}</head><body>{body}</body></html>", "https://russiancouncil.ru/en/news/x/")
    item = page.to_item()
    assert page.printed_dates == [DAY] and item.published == dt.date(2024, 1, 9)
    assert item.suspect_fields == ["published"]
    assert "suspect published: 2024-01-09 where the page prints 2023-03-14" in item.warnings


def test_a_page_whose_lead_the_description_does_not_know_says_so() -> None:
    banner = "Subscribe to our newsletter to receive weekly digests by email every Friday."
    head = f'<meta property="og:title" content="{TITLE}"><meta property="og:description" content="{LEAD}">'
    body = f"<h1>{TITLE}</h1><p>{banner}</p><p>{'</p><p>'.join(BODY)}</p>"
    item = ArticlePage(
        f"<html><head>{head}</head><body>{body}</body></html>", "https://russiancouncil.ru/en/news/x/"
    ).to_item()
    assert item.lead == banner and item.suspect_fields == ["lead"]


def test_a_date_above_the_title_is_no_witness() -> None:
    head = '<meta property="article:published_time" content="2024-01-09T10:00:00+03:00">'
    teaser = "<p>Another article</p><p>14.03.2023</p>"
    body = f"{teaser}<h1>{TITLE}</h1><p>Print</p><p>{'</p><p>'.join(BODY)}</p>"
    page = ArticlePage(f"<html><head>{head}</head><body>{body}</body></html>", "https://russiancouncil.ru/en/news/x/")
    assert page.printed_dates == [] and page.to_item().suspect_fields == []
    untitled = ArticlePage(
        f"<html><body><p>14.03.2023</p><p>{BODY[1]}</p></body></html>", "https://russiancouncil.ru/en/news/x/"
    )
    assert untitled.printed_dates == []


def test_a_printed_date_is_a_short_line() -> None:
    def printed(line: str) -> list[dt.date]:
        body = f"<h1>{TITLE}</h1><p>{line}</p><p>Share this article</p><p>{'</p><p>'.join(BODY)}</p>"
        return ArticlePage(f"<html><body>{body}</body></html>", "https://russiancouncil.ru/en/news/x/").printed_dates

    assert printed("2023-03-16T10:00:00+03:00 (Moscow time)") == [dt.date(2023, 3, 16)]  # 39 characters
    assert printed("2023-03-16T10:00:00+03:00 (Moscow times)") == []  # 40: a sentence, not a date line
