"""Every fixture article, field by field, against its expected output.

Expected outputs are written by tests/fixtures/build_mirror.py from the
article sources, not from the extractor. The same pages with every class and
id attribute removed must give the same fields: the site's selectors are only
a first layer, never a requirement.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from riac_scraper import extract
from tests.conftest import expected_cases, load_expected, page_html

FIELDS = [
    "url",
    "lang",
    "section",
    "title",
    "lead",
    "body",
    "authors",
    "rating_votes",
    "rating_value",
    "translation_url",
    "published",
    "regions",
    "tags",
    "polls",
]


def stored_fields(html: str, url: str) -> dict[str, Any]:
    rows = extract(html, url)
    assert rows["failures"] == []
    (article,) = rows["articles"]
    polls: dict[str, dict[str, Any]] = {}
    for row in rows["polls"]:
        poll = polls.setdefault(row["poll_id"], {"question": row["question"], "options": []})
        poll["options"].append({"option": row["option"], "votes": row["votes"], "percent": row["percent"]})
    return {
        **article,
        "published": article["published"] and article["published"].isoformat(),
        "polls": list(polls.values()),
    }


def strip_attributes(html: str) -> str:
    return re.sub(r'\s(?:class|id)="[^"]*"', "", html)


@pytest.fixture(scope="module")
def extracted() -> dict[tuple[str, bool], dict[str, Any]]:
    results = {}
    for name in expected_cases():
        url = load_expected(name)["url"]
        html = page_html(url)
        results[name, False] = stored_fields(html, url)
        results[name, True] = stored_fields(strip_attributes(html), url)
    return results


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", expected_cases())
def test_field(extracted: dict, name: str, field: str) -> None:
    assert extracted[name, False][field] == load_expected(name)[field]


@pytest.mark.parametrize("name", expected_cases())
def test_same_fields_without_class_names(extracted: dict, name: str) -> None:
    plain, stripped = extracted[name, False], extracted[name, True]
    assert {f: stripped[f] for f in FIELDS} == {f: plain[f] for f in FIELDS}
    assert "body" in stripped["fallback_fields"]  # and the drift is recorded
    assert plain["fallback_fields"] == []


@pytest.mark.parametrize("name", expected_cases())
def test_detected_language_matches_url(extracted: dict, name: str) -> None:
    row = extracted[name, False]
    assert row["detected_lang"] == row["lang"]


def test_fixture_corpus_has_the_variety_site_md_describes() -> None:
    cases = [load_expected(n) for n in expected_cases()]
    assert len(cases) >= 14
    assert {c["lang"] for c in cases} == {"en", "ru"}
    assert {c["section"] for c in cases} >= {"analytics", "comments", "interview", "news"}
    assert {len(c["authors"]) for c in cases} >= {0, 1, 2, 3, 4}
    votes = {c["rating_votes"] for c in cases}
    assert None in votes and 0 in votes and 1 in votes and any(v and v > 1 for v in votes)
    assert any(len(c["polls"]) == 2 for c in cases)
    assert any(c["regions"] for c in cases) and any(c["tags"] for c in cases)
    urls = {c["url"] for c in cases}
    assert any(c["translation_url"] in urls and load_expected_pair(c, cases) for c in cases)


def load_expected_pair(case: dict, cases: list[dict]) -> bool:
    """True when the translation links back to this article."""
    return any(o["url"] == case["translation_url"] and o["translation_url"] == case["url"] for o in cases)
