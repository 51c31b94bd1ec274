"""The crawl's pass/fail thresholds, read from the settings and checked.

A threshold given on the command line is merged into the defaults of
``settings.py`` (``-s 'RIAC_MIN_COVERAGE={"title": 0.9}'`` changes the title
floor and keeps the others); a misspelled field or section, a share outside
0..1 or malformed JSON is a ``SettingError`` with one line naming it.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from riac_scraper import settings as defaults
from riac_scraper import site
from riac_scraper.items import COVERED_FIELDS


class SettingError(ValueError):
    """A setting that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Thresholds:
    min_coverage: dict[str, float]
    min_coverage_pages: int
    min_articles: int
    max_failure_share: float
    max_discovery_gap: float = 0.05
    full_listing_page: int = 10

    def as_dict(self) -> dict[str, Any]:
        return {
            "RIAC_MIN_COVERAGE": self.min_coverage,
            "RIAC_MIN_COVERAGE_PAGES": self.min_coverage_pages,
            "RIAC_MIN_ARTICLES": self.min_articles,
            "RIAC_MAX_FAILURE_SHARE": self.max_failure_share,
            "RIAC_MAX_DISCOVERY_GAP": self.max_discovery_gap,
            "RIAC_FULL_LISTING_PAGE": self.full_listing_page,
        }


def _share(name: str, value: Any) -> float:
    try:
        share = float(value)
    except (TypeError, ValueError):
        raise SettingError(f"{name} must be a number from 0 to 1, got {value!r}") from None
    if not 0.0 <= share <= 1.0:
        raise SettingError(f"{name} must be a number from 0 to 1, got {value!r}")
    return share


def read_count(name: str, value: Any, minimum: int = 0) -> int:
    """A whole-number setting of ``minimum`` or more, or a SettingError naming it."""
    try:
        count = int(str(value))
    except (TypeError, ValueError):
        raise SettingError(f"{name} must be a whole number, got {value!r}") from None
    if count < minimum:
        raise SettingError(f"{name} must be {minimum} or more, got {value!r}")
    return count


# Caps on the pages a crawl reads: a cap of 0 would read nothing and call it done.
CAPS = ("RIAC_MAX_LISTING_PAGES", "RIAC_MAX_TAG_PAGES")


def _coverage(value: Any) -> dict[str, float]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise SettingError(
                f"RIAC_MIN_COVERAGE must be a JSON object such as '{{\"title\": 1.0}}', got {value!r}"
            ) from None
    if not isinstance(value, dict):
        raise SettingError(f"RIAC_MIN_COVERAGE must be a JSON object, got {value!r}")
    floors = dict(defaults.RIAC_MIN_COVERAGE)
    for key, floor in dict(value).items():
        field, _, section = str(key).partition("@")
        if field not in COVERED_FIELDS:
            raise SettingError(f"RIAC_MIN_COVERAGE: unknown field {field!r}; fields: {', '.join(COVERED_FIELDS)}")
        if section and section not in site.SECTION_PATHS:
            raise SettingError(
                f"RIAC_MIN_COVERAGE: unknown section {section!r} in {key!r}; sections: {', '.join(site.SECTION_PATHS)}"
            )
        floors[str(key)] = _share(f"RIAC_MIN_COVERAGE[{key!r}]", floor)
    return floors


# Every RIAC_* setting there is: those of settings.py, and those the commands set.
KNOWN_SETTINGS = frozenset(name for name in dir(defaults) if name.startswith("RIAC_")) | {
    "RIAC_WRITE_DATASETS",
    "RIAC_PROBE",
}


def check_setting_names(settings: Any) -> None:
    """A RIAC_* setting nobody reads is a misspelling: it would be ignored."""
    for name in sorted(n for n, _ in settings.items() if n.startswith("RIAC_") and n not in KNOWN_SETTINGS):
        close = difflib.get_close_matches(name, KNOWN_SETTINGS, n=1)
        hint = f"; did you mean {close[0]}?" if close else "; riac_scraper/settings.py lists the RIAC_* settings"
        raise SettingError(f"unknown setting {name}{hint}")


def read_thresholds(settings: Any) -> Thresholds:
    """The thresholds in force for a crawl with these (Scrapy) settings; a
    setting not given has its value in settings.py."""
    check_setting_names(settings)

    def given(name: str) -> Any:
        return settings.get(name, getattr(defaults, name))

    for name in CAPS:
        read_count(name, given(name), minimum=1)
    return Thresholds(
        min_coverage=_coverage(given("RIAC_MIN_COVERAGE")),
        min_coverage_pages=read_count("RIAC_MIN_COVERAGE_PAGES", given("RIAC_MIN_COVERAGE_PAGES")),
        min_articles=read_count("RIAC_MIN_ARTICLES", given("RIAC_MIN_ARTICLES")),
        max_failure_share=_share("RIAC_MAX_FAILURE_SHARE", given("RIAC_MAX_FAILURE_SHARE")),
        max_discovery_gap=_share("RIAC_MAX_DISCOVERY_GAP", given("RIAC_MAX_DISCOVERY_GAP")),
        full_listing_page=read_count("RIAC_FULL_LISTING_PAGE", given("RIAC_FULL_LISTING_PAGE")),
    )
