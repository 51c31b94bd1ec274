"""Parquet datasets on disk: staged during a crawl, committed at its end.

Layout under the output directory::

    articles/lang=en/part-0.parquet     one row per article, latest fetch wins
    authors/lang=en/part-0.parquet      derived from articles at each commit
    polls/lang=en/part-<crawl>.parquet  one snapshot per poll per crawl
    failures/lang=en/part-<crawl>.parquet
    .staging/<crawl>/...                parts written while crawling

Guarantees:
- a reader never sees a half-written file: every file is written under a
  dot-name (which pyarrow, pandas, DuckDB and polars skip when reading a
  dataset directory) and renamed into place in one step;
- memory stays bounded: rows are flushed to staged parts every
  ``flush_rows`` rows, and the commit streams record batches, keeping only
  article ids and fetch times in memory;
- crawling again into the same directory keeps one row per article.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from riac_scraper.records import AUTHORS, SCHEMAS, TIMESTAMP, article_id, author_id
from riac_scraper.urls import url_lang

PARTITION = "lang"


def new_crawl_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def _write_atomic(
    table: pa.Table | None, path: Path, schema: pa.Schema, batches: Iterator[pa.RecordBatch] | None = None
) -> int:
    """Write ``table`` (or stream ``batches``) to ``path`` via a hidden temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    rows = 0
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for batch in [table] if table is not None else batches or []:
                if batch.num_rows:
                    writer.write(batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch], schema))
                    rows += batch.num_rows
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return rows


def _visible_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.parquet") if not p.name.startswith((".", "_")))


class DatasetStore:
    def __init__(self, root: str | os.PathLike[str], crawl_id: str | None = None, flush_rows: int = 500) -> None:
        self.root = Path(root)
        self.crawl_id = crawl_id or new_crawl_id()
        self.flush_rows = flush_rows
        self.staging = self.root / ".staging" / self.crawl_id
        self._buffers: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
        self._parts = 0
        self.written = {name: 0 for name in SCHEMAS}
        self._seen: dict[str, dt.datetime] = {}
        self._seen_langs: set[str] = set()

    # ------------------------------------------------------------ staging
    def seen(self, url: str, at: dt.datetime) -> None:
        """An article still listed but not re-fetched: only its last_seen moves."""
        self._seen[article_id(url)] = at
        self._seen_langs.add(url_lang(url))

    def add(self, dataset: str, rows: list[dict[str, Any]]) -> None:
        buffer = self._buffers[dataset]
        buffer.extend(rows)
        if len(buffer) >= self.flush_rows:
            self._flush(dataset)

    def _flush(self, dataset: str) -> None:
        rows = self._buffers[dataset]
        if not rows:
            return
        schema = SCHEMAS[dataset].append(pa.field(PARTITION, pa.string()))
        self._parts += 1
        _write_atomic(
            pa.Table.from_pylist(rows, schema), self.staging / dataset / f"part-{self._parts:05d}.parquet", schema
        )
        self._buffers[dataset] = []

    def _staged(self, dataset: str) -> list[Path]:
        return _visible_files(self.staging / dataset)

    def _staged_langs(self, dataset: str) -> set[str]:
        langs: set[str] = set()
        for part in self._staged(dataset):
            langs.update(pq.read_table(part, columns=[PARTITION]).column(PARTITION).unique().to_pylist())
        return langs

    @staticmethod
    def _batches(path: Path, lang: str | None, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        """A file's rows in batches; for a staged part (``lang`` given) only that
        language's rows, without the partition column."""
        if columns is not None and lang is not None:
            columns = [*columns, PARTITION]
        for batch in pq.ParquetFile(path).iter_batches(columns=columns):
            if lang is not None:
                batch = batch.filter(pc.equal(batch.column(PARTITION), lang))
                batch = batch.drop_columns([PARTITION])
            yield batch

    # ------------------------------------------------------------- commit
    def commit(self) -> None:
        """Fold this crawl's staged parts into the datasets."""
        for dataset in SCHEMAS:
            self._flush(dataset)
        for lang in self._staged_langs("articles") | self._seen_langs:
            self._merge_articles(lang)
        for dataset in ("polls", "failures"):
            for lang in self._staged_langs(dataset):
                target = self.root / dataset / f"{PARTITION}={lang}" / f"part-{self.crawl_id}.parquet"
                batches = (b for part in self._staged(dataset) for b in self._batches(part, lang))
                self.written[dataset] += _write_atomic(None, target, SCHEMAS[dataset], batches)
        self._rebuild_authors()
        shutil.rmtree(self.staging, ignore_errors=True)
        with contextlib.suppress(OSError):  # other crawls' parts may still be there
            (self.root / ".staging").rmdir()

    def _merge_articles(self, lang: str) -> None:
        """One row per article: the latest fetch, with the earliest first_seen
        and the latest last_seen over every crawl."""
        directory = self.root / "articles" / f"{PARTITION}={lang}"
        existing = _visible_files(directory)
        # Old files first, this crawl's parts last: on equal fetch times the newer source wins.
        sources = [(path, None) for path in existing] + [(path, lang) for path in self._staged("articles")]
        best: dict[str, tuple[Any, int, int]] = {}  # article_id -> (fetched_at, source, row)
        first_seen: dict[str, Any] = {}
        last_seen: dict[str, Any] = dict(self._seen)
        for number, (path, part_lang) in enumerate(sources):
            row = 0
            for batch in self._batches(path, part_lang, ["article_id", "fetched_at", "first_seen", "last_seen"]):
                columns = (batch.column(n).to_pylist() for n in ("article_id", "fetched_at", "first_seen", "last_seen"))
                for key, fetched, first, last in zip(*columns, strict=True):
                    current = best.get(key)
                    if current is None or (fetched, number) >= current[:2]:
                        best[key] = (fetched, number, row)
                    first_seen[key] = min(first_seen.get(key, first), first)
                    last_seen[key] = max(last_seen.get(key, last), last)
                    row += 1
        winners: dict[int, list[int]] = {}
        for _, number, row in best.values():
            winners.setdefault(number, []).append(row)

        def kept() -> Iterator[pa.RecordBatch]:
            names = SCHEMAS["articles"].names
            for number, (path, part_lang) in enumerate(sources):
                rows = pa.array(sorted(winners.get(number, [])), pa.int64())
                offset = 0
                for batch in self._batches(path, part_lang):
                    positions = pa.array(range(offset, offset + batch.num_rows), pa.int64())
                    offset += batch.num_rows
                    batch = batch.filter(pc.is_in(positions, value_set=rows)).select(names)
                    ids = batch.column("article_id").to_pylist()
                    for name, values in (("first_seen", first_seen), ("last_seen", last_seen)):
                        column = pa.array([values[i] for i in ids], TIMESTAMP)
                        batch = batch.set_column(names.index(name), name, column)
                    yield batch

        target = directory / "part-0.parquet"
        self.written["articles"] += _write_atomic(None, target, SCHEMAS["articles"], kept())
        for path in existing:
            if path != target:
                path.unlink()

    def _rebuild_authors(self) -> None:
        """One row per person and language, counted over the whole articles dataset."""
        for directory in sorted((self.root / "articles").glob(f"{PARTITION}=*")):
            lang = directory.name.split("=", 1)[1]
            people: dict[str, dict[str, Any]] = {}
            for path in _visible_files(directory):
                table = pq.read_table(path, columns=["authors", "fetched_at"])
                for authors, fetched in zip(table["authors"].to_pylist(), table["fetched_at"].to_pylist(), strict=True):
                    for author in authors or []:
                        key = author_id(lang, author["name"])
                        person = people.setdefault(
                            key,
                            {
                                "author_id": key,
                                "name": author["name"],
                                "bio": None,
                                "url": None,
                                "article_count": 0,
                                "_seen": None,
                            },
                        )
                        person["article_count"] += 1
                        if author["bio"] and (person["_seen"] is None or fetched >= person["_seen"]):
                            person["bio"], person["_seen"] = author["bio"], fetched
                        person["url"] = person["url"] or author["url"]
            rows = [{k: v for k, v in p.items() if k != "_seen"} for p in people.values()]
            rows.sort(key=lambda r: r["author_id"])
            _write_atomic(
                pa.Table.from_pylist(rows, AUTHORS),
                self.root / "authors" / f"{PARTITION}={lang}" / "part-0.parquet",
                AUTHORS,
            )
            self.written["authors"] = self.written.get("authors", 0) + len(rows)


def read_article_index(root: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """What the stored dataset knows of each article, by URL: its listing
    entry's hash, ETag and Last-Modified (for incremental re-crawls)."""
    columns = ["url", "listing_hash", "etag", "last_modified"]
    index: dict[str, dict[str, Any]] = {}
    for path in sorted((Path(root) / "articles").glob(f"{PARTITION}=*/*.parquet")):
        if path.name.startswith((".", "_")):
            continue
        for row in pq.read_table(path, columns=columns).to_pylist():
            index[row.pop("url")] = row
    return index
