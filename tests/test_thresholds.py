"""The crawl's pass/fail thresholds (crawl/thresholds.py): the defaults of
settings.py, a value given on the command line merged in, and every wrong
value refused with one line that names it."""

from __future__ import annotations

import re

import pytest
from scrapy.settings import Settings

from riac_scraper import settings as defaults
from riac_scraper.crawl.thresholds import SettingError, Thresholds, read_count, read_thresholds


def test_with_nothing_given_the_thresholds_are_those_of_settings_py() -> None:
    thresholds = read_thresholds(Settings())
    assert thresholds == Thresholds(
        min_coverage=defaults.RIAC_MIN_COVERAGE,
        min_coverage_pages=defaults.RIAC_MIN_COVERAGE_PAGES,
        min_articles=defaults.RIAC_MIN_ARTICLES,
        max_failure_share=defaults.RIAC_MAX_FAILURE_SHARE,
        max_discovery_gap=defaults.RIAC_MAX_DISCOVERY_GAP,
        full_listing_page=defaults.RIAC_FULL_LISTING_PAGE,
    )
    assert read_thresholds({}) == thresholds  # any mapping with .get and .items will do


def test_values_given_as_command_line_text_are_read_and_reported_under_their_names() -> None:
    given = {
        "RIAC_MIN_COVERAGE": '{"title": 0.5, "authors@analytics": "0.25"}',
        "RIAC_MIN_COVERAGE_PAGES": "7",
        "RIAC_MIN_ARTICLES": "0",
        "RIAC_MAX_FAILURE_SHARE": "1",
        "RIAC_MAX_DISCOVERY_GAP": "0",
        "RIAC_FULL_LISTING_PAGE": "12",
    }
    thresholds = read_thresholds(Settings(given))
    assert thresholds.as_dict() == {
        "RIAC_MIN_COVERAGE": {**defaults.RIAC_MIN_COVERAGE, "title": 0.5, "authors@analytics": 0.25},
        "RIAC_MIN_COVERAGE_PAGES": 7,
        "RIAC_MIN_ARTICLES": 0,
        "RIAC_MAX_FAILURE_SHARE": 1.0,
        "RIAC_MAX_DISCOVERY_GAP": 0.0,
        "RIAC_FULL_LISTING_PAGE": 12,
    }
    # a floor given as a Python dict (a settings file, not the command line) is merged too
    assert read_thresholds({"RIAC_MIN_COVERAGE": {"tags": 0.1}}).min_coverage == {
        **defaults.RIAC_MIN_COVERAGE,
        "tags": 0.1,
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RIAC_MAX_FAILURE_SHARE", "1.01", "RIAC_MAX_FAILURE_SHARE must be a number from 0 to 1, got '1.01'"),
        ("RIAC_MAX_FAILURE_SHARE", "-0.01", "RIAC_MAX_FAILURE_SHARE must be a number from 0 to 1, got '-0.01'"),
        ("RIAC_MAX_DISCOVERY_GAP", "a tenth", "RIAC_MAX_DISCOVERY_GAP must be a number from 0 to 1, got 'a tenth'"),
        ("RIAC_MAX_DISCOVERY_GAP", [0.1], "RIAC_MAX_DISCOVERY_GAP must be a number from 0 to 1, got [0.1]"),
        ("RIAC_MIN_ARTICLES", "1.5", "RIAC_MIN_ARTICLES must be a whole number, got '1.5'"),
        ("RIAC_MIN_ARTICLES", "-1", "RIAC_MIN_ARTICLES must be 0 or more, got '-1'"),
        ("RIAC_MIN_COVERAGE_PAGES", "", "RIAC_MIN_COVERAGE_PAGES must be a whole number, got ''"),
        ("RIAC_FULL_LISTING_PAGE", "ten", "RIAC_FULL_LISTING_PAGE must be a whole number, got 'ten'"),
        ("RIAC_MAX_LISTING_PAGES", "0", "RIAC_MAX_LISTING_PAGES must be 1 or more, got '0'"),
        ("RIAC_MAX_TAG_PAGES", "0", "RIAC_MAX_TAG_PAGES must be 1 or more, got '0'"),
        ("RIAC_MAX_TAG_PAGES", "many", "RIAC_MAX_TAG_PAGES must be a whole number, got 'many'"),
        (
            "RIAC_MIN_COVERAGE",
            "{title: 1}",
            "RIAC_MIN_COVERAGE must be a JSON object such as '{\"title\": 1.0}', got '{title: 1}'",
        ),
        ("RIAC_MIN_COVERAGE", "[1]", "RIAC_MIN_COVERAGE must be a JSON object, got [1]"),
        ("RIAC_MIN_COVERAGE", 0.5, "RIAC_MIN_COVERAGE must be a JSON object, got 0.5"),
        (
            "RIAC_MIN_COVERAGE",
            '{"titel": 1}',
            "RIAC_MIN_COVERAGE: unknown field 'titel'; fields: title, lead, body, authors, published,"
            " rating_votes, translation_url, regions, tags, detected_lang",
        ),
        (
            "RIAC_MIN_COVERAGE",
            '{"title@newz": 1}',
            "RIAC_MIN_COVERAGE: unknown section 'newz' in 'title@newz'; sections: ",
        ),
        (
            "RIAC_MIN_COVERAGE",
            '{"title@news": 2}',
            "RIAC_MIN_COVERAGE['title@news'] must be a number from 0 to 1, got 2",
        ),
    ],
)
def test_a_wrong_value_is_one_line_naming_it(name: str, value: object, message: str) -> None:
    with pytest.raises(SettingError) as raised:
        read_thresholds({name: value})
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_an_unknown_section_lists_the_sections_there_are() -> None:
    from riac_scraper import site

    with pytest.raises(SettingError, match=re.escape("sections: " + ", ".join(site.SECTION_PATHS)) + "$"):
        read_thresholds({"RIAC_MIN_COVERAGE": '{"title@newz": 1}'})


def test_the_limits_of_a_share_and_a_count_are_allowed() -> None:
    assert read_thresholds({"RIAC_MAX_FAILURE_SHARE": 0, "RIAC_MAX_DISCOVERY_GAP": 1.0}).max_discovery_gap == 1.0
    assert read_thresholds({"RIAC_MAX_LISTING_PAGES": 1, "RIAC_MAX_TAG_PAGES": "1"}) == read_thresholds({})
    assert read_count("N", "5", minimum=5) == 5
    assert read_count("N", 0) == 0
    with pytest.raises(SettingError, match=r"^N must be a whole number, got None$"):
        read_count("N", None)


def test_a_misspelled_setting_is_refused_before_any_value_is_read() -> None:
    with pytest.raises(SettingError, match=r"^unknown setting RIAC_MIN_ARTICLE; did you mean RIAC_MIN_ARTICLES\?$"):
        read_thresholds({"RIAC_MIN_ARTICLE": "5", "RIAC_MIN_COVERAGE": "not json"})


def test_a_setting_like_none_known_points_to_the_list() -> None:
    with pytest.raises(SettingError) as raised:
        read_thresholds({"RIAC_QQQQQQQQQQQQ": "1"})
    assert str(raised.value) == "unknown setting RIAC_QQQQQQQQQQQQ; riac_scraper/settings.py lists the RIAC_* settings"
