"""Every fixture article, field by field, against its expected output, in every
markup of the quality gate.

Expected outputs are written by tests/fixtures/build_mirror.py from the
article sources, not from the extractor.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import EXPECTED, expected_cases, load_expected, page_path
from tests.fixtures.build_mirror import load_articles, load_polls
from tests.quality_gate import FIELDS, RENDERINGS, stored_fields


@pytest.fixture(scope="module")
def extracted() -> dict[tuple[str, str], dict[str, Any] | None]:
    polls = load_polls()
    return {
        (name, rendering): stored_fields(render(art, polls), art["url"])
        for name, art in load_articles().items()
        for rendering, render in RENDERINGS.items()
    }


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", expected_cases())
def test_field(extracted: dict, name: str, field: str) -> None:
    assert extracted[name, "mirror"] is not None
    assert extracted[name, "mirror"][field] == load_expected(name)[field]


@pytest.mark.parametrize("rendering", [r for r in RENDERINGS if r != "mirror"])
@pytest.mark.parametrize("name", expected_cases())
def test_every_markup_gives_the_same_item(extracted: dict, name: str, rendering: str) -> None:
    mirror, other = extracted[name, "mirror"], extracted[name, rendering]
    assert other is not None
    assert {f: other[f] for f in FIELDS} == {f: mirror[f] for f in FIELDS}


@pytest.mark.parametrize("name", expected_cases())
def test_a_clean_page_needs_no_fallback(extracted: dict, name: str) -> None:
    assert extracted[name, "mirror"]["fallback_fields"] == []
    assert extracted[name, "mirror"]["warnings"] == []


@pytest.mark.parametrize("name", expected_cases())
def test_detected_language_matches_url(extracted: dict, name: str) -> None:
    row = extracted[name, "mirror"]
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
    by_url = {c["url"]: c for c in cases}
    pairs = [
        c
        for c in cases
        if c["translation_url"] in by_url and by_url[c["translation_url"]]["translation_url"] == c["url"]
    ]
    assert len(pairs) >= 6  # three English/Russian pairs or more, linked both ways


@pytest.mark.parametrize("name", sorted(p.stem for p in (EXPECTED / "amp").glob("*.json")))
def test_an_amp_copy_gives_its_article(name: str) -> None:
    want = json.loads((EXPECTED / "amp" / f"{name}.json").read_text("utf-8"))
    amp_url = want["url"].replace("russiancouncil.ru/en/", "russiancouncil.ru/en/amp/")
    got = stored_fields(page_path(amp_url).read_bytes(), amp_url)
    assert got is not None
    assert {f: got[f] for f in FIELDS} == want


def test_extract_gives_the_three_datasets_rows_with_no_crawl_and_the_time_it_is_given() -> None:
    import datetime as dt

    from riac_scraper import extract
    from tests.conftest import page_html

    url = (
        "https://russiancouncil.ru/en/analytics-and-comments/analytics/arctic-shipping-routes-and-the-politics-of-ice/"
    )
    at = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    rows = extract(page_html(url), url, fetched_at=at)
    assert set(rows) == {"articles", "polls", "failures"} and rows["failures"] == []
    assert rows["articles"][0]["fetched_at"] == at and rows["articles"][0]["crawl_id"] == ""
    assert rows["polls"] and {row["crawl_id"] for row in rows["polls"]} == {""}
    failed = extract("<html><body></body></html>", url)
    assert set(failed) == {"articles", "polls", "failures"} and failed["articles"] == failed["polls"] == []
    assert failed["failures"][0]["crawl_id"] == ""


def test_extract_decodes_bytes_by_the_content_type_given() -> None:
    from riac_scraper import extract
    from tests.conftest import page_html

    url = "https://russiancouncil.ru/analytics-and-comments/analytics/arktika/"
    html = page_html(
        "https://russiancouncil.ru/en/analytics-and-comments/analytics/arctic-shipping-routes-and-the-politics-of-ice/"
    )
    page = html.replace("Arctic", "Арктика")  # Cyrillic in a charset no sniffing guesses, named only by the header
    rows = extract(page.encode("koi8-r", "replace"), url, content_type="text/html; charset=koi8-r")
    assert "Арктика" in rows["articles"][0]["title"]
