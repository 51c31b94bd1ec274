"""The reading model: a page as the lines a browser shows."""

from __future__ import annotations

from parsel import Selector

from riac_scraper.pages.article import read_page
from riac_scraper.pages.reading import read_lines


def texts(html: str) -> list[str]:
    return [line.text for line in read_lines(Selector(text=html).root).lines]


def cut_texts(html: str) -> list[str]:
    return [line.text for line in read_page(Selector(text=html)).lines]


def test_paragraphs_from_p_br_br_and_bare_text_agree() -> None:
    expected = ["First paragraph.", "Second paragraph."]
    assert texts("<div><p>First paragraph.</p><p>Second paragraph.</p></div>") == expected
    assert texts("<td>First paragraph.<br><br>Second paragraph.</td>") == expected
    assert texts("<div>First paragraph.<div></div>Second paragraph.</div>") == expected
    assert texts("<DIV><P>First paragraph.<P>Second paragraph.</DIV>") == expected
    assert texts("<ul><li>First paragraph.</li><li>Second paragraph.</li></ul>") == expected


def test_a_br_ends_a_line() -> None:
    assert texts("<td>Igor Ivanov<br>RIAC Member</td>") == ["Igor Ivanov", "RIAC Member"]


def test_inline_elements_and_whitespace_do_not_cut_a_line() -> None:
    assert texts("<p>One <b>bold</b>\n  word,<i> then</i>   <span>more</span>.</p>") == ["One bold word, then more."]
    assert texts("<p><a href='/a'>Tag</a><a href='/b'>Other</a></p>") == ["TagOther"]


def test_scripts_styles_and_hidden_elements_are_never_read() -> None:
    html = (
        "<body><script>var x = 'Share this article';</script><style>p{}</style><template><p>T</p></template>"
        "<p hidden>Hidden</p><p style='display: none'>Gone</p><p>Shown<span aria-hidden='true'>★</span>"
        "<!-- a comment -->, still</p></body>"
    )
    assert texts(html) == ["Shown, still"]


def test_links_and_images_are_recorded() -> None:
    lines = read_lines(
        Selector(
            text='<div><img src="/upload/a%20b.jpg"><p><a href="/x/">Linked title</a></p>'
            '<p>Text with <a href="/y/">a link</a> inside.</p></div>'
        ).root
    ).lines
    assert [(line.text, line.image, line.href) for line in lines] == [
        ("a b.jpg", "a b.jpg", None),
        ("Linked title", None, "/x/"),
        ("Text with a link inside.", None, None),
    ]
    assert [round(line.link_share, 2) for line in lines[1:]] == [1.0, 0.25]


def test_deep_nesting_reads_without_recursion() -> None:
    html = "<div>" * 1800 + "Deep text." + "</div>" * 1800  # deeper than Python's recursion limit
    assert texts(html) == ["Deep text."]


def test_a_label_sharing_its_line_is_cut_off() -> None:
    html = (
        '<p>Share this article <a href="https://vk.com/share">VK</a> <a href="#">Telegram</a> 12</p>'
        "<p>Rate this article (votes: 4, rating: 4.75) (4 votes)</p>"
        "<p>(no votes) (0 votes)</p>"
        "<p>Region: Russia, Europe Type: News</p>"
        "<p>Poll conducted 1. Who?</p>"
    )
    assert cut_texts(html) == [
        "Share this article",
        "VK Telegram 12",
        "Rate this article",
        "(votes: 4, rating: 4.75)",
        "(4 votes)",
        "(no votes)",
        "(0 votes)",
        "Region: Russia, Europe",
        "Type: News",
        "Poll conducted",
        "1. Who?",
    ]


def test_running_text_that_starts_like_a_label_is_not_cut() -> None:
    text = "Print media in Russia lost half of their readers in ten years, the survey found."
    assert cut_texts(f"<p>{text}</p><p>Print Media</p>") == [text, "Print Media"]
    text = "The resolution passed with a narrow majority after a long debate in the chamber (12 votes)."
    assert cut_texts(f"<p>{text}</p>") == [text]
