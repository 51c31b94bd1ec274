from __future__ import annotations

import datetime as dt

import pytest

from riac_scraper.values import parse_date, parse_float, parse_int


@pytest.mark.parametrize(("text", "value"), [("4", 4), (" 62 ", 62), ("1\u00a0234", 1234)])
def test_parse_int(text: str, value: int) -> None:
    warnings: list[str] = []
    assert parse_int(text, "votes", warnings) == value
    assert warnings == []


@pytest.mark.parametrize("text", ["abc", "-3", "4.5", "", "1e3"])
def test_parse_int_rejects_with_a_warning(text: str) -> None:
    warnings: list[str] = []
    assert parse_int(text, "votes", warnings) is None
    assert len(warnings) == 1 and "votes" in warnings[0]


@pytest.mark.parametrize(("text", "value"), [("4.75", 4.75), ("4,42", 4.42), ("5", 5.0), ("0", 0.0)])
def test_parse_float(text: str, value: float) -> None:
    assert parse_float(text, "rating", [], maximum=5.0) == value


def test_parse_float_out_of_range_is_null_with_a_warning() -> None:
    warnings: list[str] = []
    assert parse_float("131", "percent", warnings, maximum=100.0) is None
    assert warnings == ["percent: 131.0 is outside 0.0..100.0"]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2018-07-18", dt.date(2018, 7, 18)),
        ("2018-07-18T10:00:00+03:00", dt.date(2018, 7, 18)),
        ("18.07.2018", dt.date(2018, 7, 18)),
        ("18 July 2018", dt.date(2018, 7, 18)),
        ("18 июля 2018", dt.date(2018, 7, 18)),
        ("July 18, 2018", dt.date(2018, 7, 18)),
        ("18 Jul. 2018", dt.date(2018, 7, 18)),
        # Every form SITE.md has seen on the site.
        ("16 марта 2018", dt.date(2018, 3, 16)),
        ("17 Марта 2018", dt.date(2018, 3, 17)),
        ("28.03.2018", dt.date(2018, 3, 28)),
        ("2 апреля 2025 г.", dt.date(2025, 4, 2)),
        ("31 March 2021", dt.date(2021, 3, 31)),
        ("March 4, 2021", dt.date(2021, 3, 4)),
        ("27 october 2016", dt.date(2016, 10, 27)),
    ],
)
def test_parse_date(text: str, date: dt.date) -> None:
    assert parse_date(text, "published", []) == date


@pytest.mark.parametrize("text", ["2018-02-30", "31.04.2019", "someday", "18 Smarch 2018"])
def test_parse_date_rejects_with_a_warning(text: str) -> None:
    warnings: list[str] = []
    assert parse_date(text, "published", warnings) is None
    assert len(warnings) == 1
