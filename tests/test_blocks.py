from __future__ import annotations

from parsel import Selector

from riac_scraper.blocks import linearize


def texts(html: str) -> list[str]:
    return [b.text for b in linearize(Selector(text=html).root)]


def test_paragraphs_from_p_br_br_and_bare_text_agree() -> None:
    expected = ["First paragraph.", "Second paragraph."]
    assert texts("<div><p>First paragraph.</p><p>Second paragraph.</p></div>") == expected
    assert texts("<td>First paragraph.<br><br>Second paragraph.</td>") == expected
    assert texts("<div>First paragraph.<div></div>Second paragraph.</div>") == expected
    assert texts("<DIV><P>First paragraph.<P>Second paragraph.</DIV>") == expected


def test_single_br_is_a_line_break_inside_a_paragraph() -> None:
    assert texts("<p>One line<br>and the next</p>") == ["One line and the next"]


def test_scripts_styles_and_hidden_elements_are_never_read() -> None:
    html = (
        "<body><script>var x = 'Share this article';</script><style>p{}</style>"
        "<p hidden>Hidden</p><p style='display: none'>Gone</p><p>Shown</p></body>"
    )
    assert texts(html) == ["Shown"]


def test_links_and_images_are_recorded() -> None:
    blocks = linearize(
        Selector(
            text='<div><img src="/upload/a%20b.jpg"><p><a href="/x/">Linked title</a></p>'
            '<p>Text with <a href="/y/">a link</a> inside.</p></div>'
        ).root
    )
    assert [(b.text, b.image, b.href) for b in blocks] == [
        ("a b.jpg", "a b.jpg", None),
        ("Linked title", None, "/x/"),
        ("Text with a link inside.", None, None),
    ]
