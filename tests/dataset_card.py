"""The column tables of DATASET.md, written from the Parquet schemas.

    python -m tests.dataset_card OUTPUT_DIR   # print the tables, examples from a crawl in OUTPUT_DIR

tests/test_dataset_card.py checks that DATASET.md lists exactly the columns,
types and descriptions of the schemas; this prints them for pasting after a
deliberate schema change.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from riac_scraper.storage.records import SCHEMAS

# Columns that hold a value on every row (others may be null).
NEVER_NULL = {
    "articles": {
        "article_id", "url", "section", "title", "lead", "body", "word_count", "authors", "tags", "regions",
        "poll_ids", "content_hash", "fallback_fields", "warnings", "fetched_at", "first_seen", "last_seen", "crawl_id",
    },
    "polls": {
        "poll_id", "poll_group", "question", "option_id", "option_index", "observed_at", "source_url", "crawl_id",
    },
    "authors": {"author_id", "person_id", "name", "article_count"},
    "failures": {"url", "stage", "reason", "at", "crawl_id"},
}  # fmt: skip
NEVER_NULL["article_versions"] = NEVER_NULL["articles"]


def type_name(kind: pa.DataType) -> str:
    if pa.types.is_list(kind):
        return f"list<{type_name(kind.value_type)}>"
    if pa.types.is_struct(kind):
        return "struct<" + ", ".join(kind.field(i).name for i in range(kind.num_fields)) + ">"
    return str(kind)


def _example(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value.tolist() if hasattr(value, "tolist") else value).replace("|", "/").replace("\n", " ")
    return "`" + (text[:57] + "..." if len(text) > 60 else text) + "`"


def table(name: str, output: Path | None) -> str:
    schema = SCHEMAS[name]
    row: dict[str, Any] = {}
    if output is not None and (output / name).is_dir():
        frame = pd.read_parquet(output / name)
        if len(frame):
            row = frame.iloc[0].to_dict()
    lines = ["| column | type | null | meaning | example |", "| --- | --- | --- | --- | --- |"]
    for field in schema:
        description = (field.metadata or {}).get(b"description", b"").decode()
        null = "never" if field.name in NEVER_NULL[name] else "yes"
        lines.append(
            f"| `{field.name}` | {type_name(field.type)} | {null} | {description} | {_example(row.get(field.name))} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    for dataset in SCHEMAS:
        print(f"### `{dataset}`\n\n{table(dataset, out)}\n")
