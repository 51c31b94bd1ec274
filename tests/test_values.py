from __future__ import annotations

import datetime as dt

import pytest

from riac_scraper.pages.values import parse_date, parse_float, parse_int


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


# ------------------------------------------------- exact values and warnings
@pytest.mark.parametrize(
    ("text", "value", "warning"),
    [
        (None, None, None),
        ("0", 0, None),
        ("1\u202f234\t", 1234, None),
        ("999999999999", 999999999999, None),
        ("1000000000000", None, "votes: not a whole number: '1000000000000'"),
        ("4.5", None, "votes: not a whole number: '4.5'"),
        ("", None, "votes: not a whole number: ''"),
        ("١٢", None, "votes: not a whole number: '١٢'"),  # digits of another script
    ],
)
def test_parse_int_values_and_warnings(text: str | None, value: int | None, warning: str | None) -> None:
    warnings: list[str] = []
    assert parse_int(text, "votes", warnings) == value
    assert warnings == ([warning] if warning else [])


def test_parse_int_maximum_is_inclusive() -> None:
    warnings: list[str] = []
    assert parse_int("100", "votes", warnings, maximum=100) == 100
    assert parse_int("101", "votes", warnings, maximum=100) is None
    assert warnings == ["votes: 101 is above 100"]
    assert parse_int("2147483648", "votes", [], maximum=None) == 2**31


@pytest.mark.parametrize(
    ("text", "value", "warning"),
    [
        (None, None, None),
        ("4,5", 4.5, None),
        (" 4 .\u00a025 ", 4.25, None),
        ("0.123456", 0.123456, None),
        ("0.1234567", None, "rating: not a number: '0.1234567'"),
        ("1.", None, "rating: not a number: '1.'"),
        (".5", None, "rating: not a number: '.5'"),
        ("-1", None, "rating: not a number: '-1'"),
        ("1000000000000", None, "rating: not a number: '1000000000000'"),
        ("5.0", 5.0, None),
        ("5.01", None, "rating: 5.01 is outside 0.0..5.0"),
    ],
)
def test_parse_float_values_and_warnings(text: str | None, value: float | None, warning: str | None) -> None:
    warnings: list[str] = []
    assert parse_float(text, "rating", warnings, maximum=5.0) == value
    assert warnings == ([warning] if warning else [])


def test_parse_float_minimum_and_no_maximum() -> None:
    warnings: list[str] = []
    assert parse_float("1", "rating", warnings, minimum=1.0) == 1.0
    assert parse_float("0.5", "rating", warnings, minimum=1.0) is None
    assert parse_float("123456789", "rating", warnings) == 123456789.0
    assert warnings == ["rating: 0.5 is outside 1.0..None"]


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("2018-02-30", "published: no such date: '2018-02-30'"),
        ("  31.04.2019  ", "published: no such date: '31.04.2019'"),
        ("someday", "published: not a date: 'someday'"),
        ("18 Smarch 2018", "published: not a date: '18 Smarch 2018'"),
        ("Smarch 18, 2018", "published: not a date: 'Smarch 18, 2018'"),
        ("x" * 80, f"published: not a date: {'x' * 60!r}"),
    ],
)
def test_parse_date_warnings_name_the_text(text: str, warning: str) -> None:
    warnings: list[str] = []
    assert parse_date(text, "published", warnings) is None
    assert warnings == [warning]


@pytest.mark.parametrize("text", [None, "", "   "])
def test_no_date_text_is_no_date_and_no_warning(text: str | None) -> None:
    warnings: list[str] = []
    assert parse_date(text, "published", warnings) is None
    assert warnings == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("  2018-7-8", dt.date(2018, 7, 8)),
        ("2018-07-18 10:00", dt.date(2018, 7, 18)),
        ("8/7/2018", dt.date(2018, 7, 8)),
        ("8 ЯНВАРЯ 2018", dt.date(2018, 1, 8)),
        ("8 Dec, 2018", dt.date(2018, 12, 8)),
        ("Dec. 8 2018", dt.date(2018, 12, 8)),
        ("Январь 8, 2018", dt.date(2018, 1, 8)),
        ("1 september 2020, 10:00", dt.date(2020, 9, 1)),
    ],
)
def test_parse_date_forms(text: str, date: dt.date) -> None:
    warnings: list[str] = []
    assert parse_date(text, "published", warnings) == date
    assert warnings == []


def test_a_long_impossible_date_is_quoted_in_its_first_60_characters() -> None:
    warnings: list[str] = []
    text = "2018-02-30T" + "0" * 70
    assert parse_date(text, "published", warnings) is None
    assert warnings == [f"published: no such date: {text[:60]!r}"]
