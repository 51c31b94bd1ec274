"""Extraction on markups it has never seen: every fixture article written in
generated markups (tests/fixtures/generated.py) must give exactly the fields
its sources say, paragraph by paragraph.

CI runs RIAC_GENERATED_PAGES pages (default 300); set it higher for more.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest

from tests.fixtures.build_mirror import expected, load_articles, load_polls
from tests.fixtures.generated import generate, generated_pages
from tests.quality_gate import FIELDS, stored_fields

PAGES = int(os.environ.get("RIAC_GENERATED_PAGES", "300"))
# Every transformation the generator knows, each of which the CI sample must show.
TRANSFORMATIONS = {
    "classes-none", "classes-random", "classes-misleading",
    "paragraphs-elements", "paragraphs-br-br", "paragraphs-br", "paragraphs-list",
    "label-one-element", "label-two-inline", "label-two-blocks",
    "author-one-cell", "author-two-elements",
    "rating-one-element", "rating-label-apart", "rating-all-apart", "rating-stars",
    "share-label-only", "share-one-line", "share-icons-apart",
    "tag-row-nothing", "tag-row-space", "tag-row-comma", "tag-row-bar",
    "teaser-blocks", "teaser-figure", "teaser-table",
    "poll-option-one-element", "poll-option-two-elements",
    "related-before", "related-after-text", "related-after",
    "breadcrumbs-yes", "breadcrumbs-no", "print-link", "print-button", "print-text",
    "after-body-repeated", "after-body-not-repeated", "charset-utf-8", "charset-windows-1251", "noise",
    "announce-printed", "announce-in-metadata-only",
}  # fmt: skip


@pytest.fixture(scope="module")
def results() -> list[tuple[str, int, set[str], dict[str, Any] | None, dict[str, Any]]]:
    polls = load_polls()
    return [
        (name, seed, page.features, stored_fields(page.html, art["url"]), expected(art, polls))
        for name, seed, art, page in generated_pages(PAGES)
    ]


def test_every_generated_page_gives_the_fields_of_its_source(results: list) -> None:
    wrong: Counter[str] = Counter()
    examples: list[str] = []
    for name, seed, _, got, want in results:
        for field in FIELDS:
            if got is None or got[field] != want[field]:
                wrong[field] += 1
                if len(examples) < 5:
                    examples.append(f"{name} seed {seed}: {field} = {None if got is None else got[field]!r:.300}")
    assert not wrong, f"wrong fields on {PAGES} generated pages: {dict(wrong)}\n" + "\n".join(examples)


def test_the_sample_covers_every_article_and_every_transformation(results: list) -> None:
    assert {name for name, *_ in results} == set(load_articles())
    seen = set().union(*(features for _, _, features, _, _ in results))
    assert TRANSFORMATIONS - seen == set()
    assert seen - TRANSFORMATIONS == set(), "a new transformation: list it in TRANSFORMATIONS"


def test_generation_is_deterministic_and_varied() -> None:
    art = load_articles()["en-helsinki-summit"]
    polls = load_polls()
    assert generate(art, polls, 7).html == generate(art, polls, 7).html
    assert len({generate(art, polls, seed).html for seed in range(10)}) == 10
