"""DATASET.md and CITATION.cff match what the crawl writes."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from riac_scraper.storage.records import SCHEMAS
from tests.conftest import ROOT
from tests.dataset_card import type_name

CARD = (ROOT / "DATASET.md").read_text("utf-8")


def card_columns(dataset: str) -> list[tuple[str, str, str]]:
    """(column, type, meaning) rows of the dataset's table in DATASET.md."""
    section = CARD.split(f"### `{dataset}`", 1)[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \| (?:never|yes) \| ([^|]+) \|", section, flags=re.M)
    return [(name, kind.strip(), meaning.strip()) for name, kind, meaning in rows]


@pytest.mark.parametrize("dataset", list(SCHEMAS))
def test_the_card_lists_every_column_with_its_type_and_meaning(dataset: str) -> None:
    expected = [
        (f.name, type_name(f.type), (f.metadata or {}).get(b"description", b"").decode()) for f in SCHEMAS[dataset]
    ]
    assert all(meaning for _, _, meaning in expected), "a field without a description"
    assert card_columns(dataset) == expected


def test_every_stored_field_carries_its_description_and_type(tmp_path: Path) -> None:
    """What a commit writes, empty datasets included (a crawl writes through the same commit)."""
    from tests.test_store import T0, article, crawl

    crawl(tmp_path, [article("a", "A", T0)])
    for dataset, schema in SCHEMAS.items():
        (path, *_) = sorted((tmp_path / dataset).glob("lang=*/*.parquet"))  # every dataset exists, also empty
        stored = pq.read_schema(path)
        assert stored.names == schema.names
        for field in schema:
            assert stored.field(field.name).metadata[b"description"] == field.metadata[b"description"]
            assert stored.field(field.name).type == field.type
