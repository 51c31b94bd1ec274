"""Values no column can hold and pages no reader expects, in-process: null
with a warning, never a wrong number; deep nesting read flat; a poll of
40,000 options whole."""

from __future__ import annotations

import time

import pandas as pd

from riac_scraper.site import ORIGIN
from tests.hostile import BODY, IMPOSSIBLE_DATE, LEAD, POLL_PAST_INT32, article_html


def test_values_out_of_range_are_null_with_a_warning() -> None:
    from riac_scraper import extract

    huge = extract(article_html("Huge", "<div>(votes: 99999999999, rating: 4.5)</div>"), ORIGIN + "/en/news/huge/")
    (row,) = huge["articles"]
    assert row["rating_votes"] is None and row["rating_value"] == 4.5
    assert any("rating votes" in w and "above" in w for w in row["warnings"])
    rows = extract(article_html("Poll", POLL_PAST_INT32), ORIGIN + "/en/news/poll/")["polls"]
    assert [r["votes"] for r in rows] == [2147483000, 2147483000] and {r["total_votes"] for r in rows} == {None}


def test_an_impossible_date_is_null_with_a_warning() -> None:
    from riac_scraper import extract

    (row,) = extract(article_html("Dated", head=IMPOSSIBLE_DATE), ORIGIN + "/en/news/dated/")["articles"]
    assert row["published"] is None
    assert "published: no such date: '2018-02-31'" in row["warnings"]


def test_a_40000_option_poll_parses_in_under_a_second() -> None:
    from riac_scraper.pages.polls import parse_polls
    from riac_scraper.pages.reading import Line

    lines = [Line("Poll conducted"), Line("1. Which one?")]
    for i in range(40000):
        lines += [Line(f"Option {i}"), Line(f"{i} (1%)")]
    start = time.process_time()
    (poll,) = parse_polls(lines, "en", ORIGIN + "/en/news/x/", pd.Timestamp.now(tz="UTC").to_pydatetime(), [])
    assert time.process_time() - start < 1.0
    assert len(poll.options) == 40000 and poll.options[-1].option == "Option 39999"


def test_5000_deep_nesting_is_read_flat() -> None:
    from riac_scraper import extract

    html = b"<html><body>" + b"<div>" * 5000 + article_html("Deep Title") + b"</div>" * 5000 + b"</body></html>"
    (row,) = extract(html, ORIGIN + "/en/news/deep/")["articles"]
    assert row["title"] == "Deep Title" and row["body"] == f"{LEAD}\n\n{BODY}"
