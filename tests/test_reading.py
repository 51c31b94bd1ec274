"""The reading model: a page as the lines a browser shows."""

from __future__ import annotations

import pytest
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


# ------------------------------------------------ what each line carries
def _read(html: str):
    from lxml import html as lxml_html

    root = lxml_html.fromstring(f"<html><body>{html}</body></html>")
    return root, read_lines(root)


def test_attributes_that_do_not_hide_an_element_leave_it_shown() -> None:
    _, reading = _read(
        '<p aria-hidden="false">one</p><p style="color: red">two</p><p aria-hidden=" TRUE ">x</p>'
        '<p style="DISPLAY : none">y</p><p style="visibility:hidden">z</p><p hidden>w</p><p title="t">three</p>'
    )
    assert [line.text for line in reading.lines] == ["one", "two", "three"]


def test_each_line_knows_its_block_and_element() -> None:
    root, reading = _read('<div id="d">in div<p id="p">in p <b>bold</b></p>after p</div>tail of body')
    by_text = {line.text: line for line in reading.lines}
    assert by_text["in div"].tag == "div" and by_text["in div"].owner is root.get_element_by_id("d")
    assert by_text["in p bold"].tag == "p" and by_text["in p bold"].owner is root.get_element_by_id("p")
    assert by_text["after p"].tag == "div"
    assert by_text["tail of body"].tag == "body"
    assert all(line.image is None for line in reading.lines)


def test_an_image_is_a_line_of_its_file_name() -> None:
    root, reading = _read(
        '<p id="p">before<img src="/upload/iblock/a%20b.jpg?x=1">after</p><img src=""><img alt="no src">'
    )
    assert [(line.text, line.image, line.tag) for line in reading.lines] == [
        ("before", None, "p"),
        ("a b.jpg", "a b.jpg", "p"),
        ("after", None, "p"),
    ]
    assert reading.lines[1].owner is root.get_element_by_id("p") and reading.lines[1].links == ()


def test_links_keep_their_text_span_and_lowercased_rel() -> None:
    _, reading = _read(
        '<p>See <a href=" /a/ " rel="NoFollow Author">the first</a> and <a href="/b/">second</a>.</p>'
        '<p><a href="/c/">whole line</a></p><p><a href="/d/"></a>text <a>no href</a></p>'
    )
    assert reading.links == [
        ("/a/", "the first", "nofollow author"),
        ("/b/", "second", ""),
        ("/c/", "whole line", ""),
        ("/d/", "", ""),
    ]
    first, whole, last = reading.lines
    assert first.text == "See the first and second."
    assert first.links == ((4, 13, "/a/"), (18, 24, "/b/"))
    assert first.href is None and whole.href == "/c/"
    assert last.links == () and last.text == "text no href"


def test_a_link_across_a_line_break_spans_its_last_line() -> None:
    _, reading = _read('<p>x <a href="/a/">one<br>two</a> y</p>')
    assert [line.text for line in reading.lines] == ["x one", "two y"]
    assert reading.links == [("/a/", "two", "")]
    assert reading.lines[1].links == ((0, 3, "/a/"),)


def test_whitespace_between_inline_elements_is_one_space() -> None:
    _, reading = _read("<p> <b>a</b>  <i>b</i><span> c</span><span>d </span>e\n</p><p>\n</p><p><b> </b>f</p>")
    assert [line.text for line in reading.lines] == ["a b cd e", "f"]


def test_split_cuts_inside_the_line_only() -> None:
    from riac_scraper.pages.reading import Line, split

    line = Line("ab cd ef", "p", ((3, 5, "/x/"),), None, "owner")
    assert split(line, []) == [line]
    assert [p.text for p in split(line, [0, 8, 99, -1])] == ["ab cd ef"]
    assert [p.text for p in split(line, [1])] == ["a", "b cd ef"]
    pieces = split(line, [5, 2, 2])
    assert [p.text for p in pieces] == ["ab", "cd", "ef"]
    assert pieces[1].links == ((0, 2, "/x/"),) and pieces[0].links == () and pieces[2].links == ()
    assert all((p.tag, p.owner) == ("p", "owner") for p in pieces)


def test_a_piece_keeps_the_part_of_a_span_inside_it() -> None:
    from riac_scraper.pages.reading import Line

    line = Line("one two three", "li", ((0, 7, "/a/"), (8, 13, "/b/")), "img.png", "el")
    piece = line.piece(3, 13)
    assert piece == Line("two three", "li", ((0, 3, "/a/"), (4, 9, "/b/")), "img.png", "el")
    assert piece.owner == "el"
    assert line.piece(3, 4) is None
    assert line.piece(7, 8) is None
    edge = line.piece(7, 13)
    assert edge is not None and edge.text == "three" and edge.links == ((0, 5, "/b/"),)


def test_link_share_counts_visible_characters() -> None:
    from riac_scraper.pages.reading import Line

    assert Line("ab cd", links=((0, 2, "/x/"),)).link_share == 0.5
    assert Line("ab cd", links=((0, 5, "/x/"),)).link_share == 1.0
    assert Line("ab cd").link_share == 0.0
    assert Line(" ", links=((0, 1, "/x/"),)).link_share == 0.0
    assert Line("ab", links=((0, 1, "/x/"), (1, 2, "/y/"))).href is None
    assert Line("ab", links=((0, 1, "/x/"),)).href is None
    assert Line("ab", links=((1, 2, "/x/"),)).href is None


def test_within_finds_the_lines_inside_an_element() -> None:
    from riac_scraper.pages.reading import within

    root, reading = _read('<div id="a"><p>one</p><p>two</p></div><p>three</p>')
    assert [line.text for line in within(reading.lines, root.get_element_by_id("a"))] == ["one", "two"]


def test_nothing_to_read() -> None:
    assert read_lines(None).lines == [] and read_lines(None).links == []


def test_a_piece_drops_spans_that_only_touch_it() -> None:
    from riac_scraper.pages.reading import Line

    line = Line("abcd", links=((2, 4, "/x/"),))
    assert line.piece(0, 2).links == ()
    assert Line("abcd", links=((0, 2, "/x/"),)).piece(2, 4).links == ()


def test_text_outside_any_block_has_no_block() -> None:
    from lxml import html as lxml_html

    reading = read_lines(lxml_html.fromstring('<span>loose <img src="p.png"> text</span>'))
    assert [(line.text, line.tag, line.owner) for line in reading.lines] == [
        ("loose", "", None),
        ("p.png", "", None),
        ("text", "", None),
    ]


def test_a_hidden_block_leaves_the_open_blocks_as_they_were() -> None:
    _, reading = _read('<div id="d">before<p hidden>x</p>after<a hidden href="/h/">h</a> end</div>')
    assert [(line.text, line.tag) for line in reading.lines] == [("beforeafter end", "div")]
    assert reading.links == []


def test_a_links_text_spans_its_inline_elements() -> None:
    _, reading = _read('<p>a <a href="/x/">big <b>deal</b> here</a> b</p>')
    assert reading.links == [("/x/", "big deal here", "")]
    assert reading.lines[0].links == ((2, 15, "/x/"),)


@pytest.mark.parametrize("text", ['{"a": 1}', "1", "[]"])
def test_a_json_selector_has_no_lines(text: str) -> None:
    """A response Scrapy reads as JSON gives parsel a dict or a number as its root: no lines, no error."""
    reading = read_page(Selector(text=text, type="json"))
    assert reading.lines == [] and reading.links == []
