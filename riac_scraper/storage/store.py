"""Parquet datasets on disk: staged during a crawl, committed at its end.

Layout under the output directory::

    articles/lang=en/part-0.parquet     one row per article, latest fetch wins
    article_versions/lang=en/part-0.parquet   every distinct version (derived.py)
    authors/lang=en/part-0.parquet      derived from articles at each commit (derived.py)
    polls/lang=en/part-<crawl>.parquet  one snapshot per poll per crawl
    failures/lang=en/part-<crawl>.parquet
    .staging/<crawl>/<dataset>/*.arrows rows of a crawl not yet committed

Guarantees:
- a reader never sees a half-written file: every dataset file is written
  in ``<output>/.writing/`` and renamed into place in one step (no temporary
  file ever sits inside a dataset folder, where a reader might list it);
- nothing is lost when the process is killed: each row is appended to an
  Arrow IPC stream and flushed to the operating system at once, and a
  stream cut short by a kill is read up to its last complete batch;
- the commit can be repeated: run again on the same staging (after a kill
  or a failed write during the commit) it gives the same datasets; staging
  is discarded only once everything, the crawl report included, is in place;
- nothing staged is orphaned: a commit first folds in the staging that an
  earlier crawl into the same directory left behind (killed, or its commit
  failed), oldest first; the output lock (``outputdir.py``) makes sure that
  no other process is still writing it;
- memory stays bounded: nothing is buffered while crawling, and the commit
  streams record batches, keeping only article ids and times in memory;
- crawling again into the same directory keeps one row per article.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import itertools
import logging
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from riac_scraper.storage.derived import (
    dataset_files,
    ensure_datasets,
    poll_groups,
    visible_files,
    write_authors,
    write_versions,
)
from riac_scraper.storage.records import SCHEMAS, TIMESTAMP, article_id, author_id
from riac_scraper.storage.sitetext import SiteText
from riac_scraper.urls import url_lang

PARTITION = "lang"
FUTURE_SLACK = dt.timedelta(days=1)  # how far past now a fetch may be dated (clocks differ) before it is doubted
logger = logging.getLogger(__name__)
ROW_GROUP_ROWS = 1000  # also what the commit holds in memory at once
SEEN = pa.schema([("article_id", pa.string()), ("last_seen", TIMESTAMP)])
STAGED = {name: schema.append(pa.field(PARTITION, pa.string())) for name, schema in {**SCHEMAS, "seen": SEEN}.items()}


def new_crawl_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


CRAWL_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")  # what new_crawl_id makes: safe in a file name


SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")  # a file name part: no separator, no dot-dot


def crawl_started(value: object) -> dt.datetime | None:
    """When the crawl of this id started (its id says), or None for no crawl id."""
    if not is_crawl_id(value):
        return None
    try:
        return dt.datetime.strptime(str(value)[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:  # the id's form, but no date (month 13)
        return None


def is_crawl_id(value: object) -> bool:
    return isinstance(value, str) and CRAWL_ID.fullmatch(value) is not None


def _row_groups(batches: Iterator[pa.RecordBatch], schema: pa.Schema) -> Iterator[pa.Table]:
    """Small batches gathered into tables of about ROW_GROUP_ROWS rows."""
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        if batch.num_rows:
            pending.append(batch)
            rows += batch.num_rows
        if rows >= ROW_GROUP_ROWS:
            yield pa.Table.from_batches(pending, schema)
            pending, rows = [], 0
    if pending:
        yield pa.Table.from_batches(pending, schema)


def _write_atomic(path: Path, schema: pa.Schema, batches: Iterator[pa.RecordBatch], tmp_dir: Path) -> int:
    """Stream ``batches`` into ``path`` via a temporary file in ``tmp_dir`` (on
    the same file system); returns the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / f"{path.parent.parent.name}-{path.name}.{secrets.token_hex(4)}.tmp"
    rows = 0
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for table in _row_groups(batches, schema):
                writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
                rows += table.num_rows
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return rows


def _read_stream(path: Path) -> Iterator[pa.RecordBatch]:
    """The complete batches of an Arrow IPC stream, also one cut short by a kill."""
    try:
        with pa.OSFile(str(path)) as source, pa.ipc.open_stream(source) as reader:
            while True:
                try:
                    yield reader.read_next_batch()
                except StopIteration:
                    return
    except (pa.ArrowInvalid, OSError):
        return  # a truncated tail: everything before it was read


def _staged_tables(path: Path) -> Iterator[pa.Table]:
    """A staged stream (one small batch per item) in tables of up to ROW_GROUP_ROWS rows,
    in today's staged schema: a stream left by an older version (a crawl killed, then
    resumed after an upgrade) has the columns it predates null."""
    schema = STAGED[path.parent.name]
    batches = (batch if batch.schema.equals(schema) else _conform(batch, schema) for batch in _read_stream(path))
    return _row_groups(batches, schema)


class DatasetStore:
    def __init__(self, root: str | os.PathLike[str], crawl_id: str | None = None) -> None:
        self.root = Path(root)
        if crawl_id is not None and not SAFE_NAME.fullmatch(crawl_id):
            raise ValueError(f"a crawl id names files: {crawl_id[:80]!r} is not one")
        self.crawl_id = crawl_id or new_crawl_id()
        self.staging = self.root / ".staging" / self.crawl_id
        self.tmp = self.root / ".writing"  # temporary files, never inside a dataset folder
        self._run = secrets.token_hex(4)  # this process's staging files, beside a killed run's
        self._writers: dict[str, tuple[pa.OSFile, pa.ipc.RecordBatchStreamWriter]] = {}
        self.written = {name: 0 for name in SCHEMAS}
        # url -> the discovery sources that found it, known only when the crawl ends:
        # set before the commit, it replaces the staged rows' found_by (the sources known at fetch time)
        self.found_by: dict[str, list[str]] = {}
        self.site_text: dict[str, SiteText] = {}  # lang -> the site's lines learned at the commit
        self.unread: list[str] = []  # a re-extraction's archive records that could not be read
        self.future_dated: list[str] = []  # article ids whose fetch is dated in the future (ranked oldest)

    def site_text_account(self) -> dict[str, dict[str, int]]:
        """Per language: the pages the commit learned from, the lines it found
        to be the site's, the rows they were taken out of and the rows that
        were nothing but such lines (sitetext.py)."""
        return {
            lang: {
                "pages": model.pages,
                "lines": len(model.lines),
                "rows_changed": model.changed,
                "rows_suspect": model.suspect,
            }
            for lang, model in sorted(self.site_text.items())
        }

    # ------------------------------------------------------------ staging
    def add(self, dataset: str, rows: list[dict[str, Any]]) -> None:
        """Stage rows (each with its ``lang``) durably: they survive a kill."""
        self.add_batch(dataset, pa.RecordBatch.from_pylist(rows, STAGED[dataset]))

    def add_batch(self, dataset: str, batch: pa.RecordBatch) -> None:
        """Stage a batch of rows in the staged schema (``lang`` included)."""
        if not batch.num_rows:
            return
        if dataset not in self._writers:
            path = self.staging / dataset / f"part-{self._run}.arrows"
            path.parent.mkdir(parents=True, exist_ok=True)
            sink = pa.OSFile(str(path), "wb")
            self._writers[dataset] = (sink, pa.ipc.new_stream(sink, STAGED[dataset]))
        sink, writer = self._writers[dataset]
        writer.write_batch(batch)
        sink.flush()

    def seen(self, url: str, at: dt.datetime) -> None:
        """An article still listed but not re-fetched: only its last_seen moves."""
        self.add("seen", [{"article_id": article_id(url), "last_seen": at, PARTITION: url_lang(url)}])

    def close_staging(self) -> None:
        for sink, writer in self._writers.values():
            writer.close()
            sink.close()
        self._writers.clear()

    def _staged(self, dataset: str) -> list[Path]:
        directory = self.staging / dataset
        return sorted(directory.glob("*.arrows")) if directory.is_dir() else []

    def staged_rows(self, dataset: str, columns: list[str]) -> Iterator[dict[str, Any]]:
        """This crawl's staged rows (all languages), as dicts of ``columns``."""
        for table in self.staged_tables(dataset):
            yield from table.select(columns).to_pylist()

    def staged_tables(self, dataset: str) -> Iterator[pa.Table]:
        """This crawl's staged rows (all languages), a table of up to ROW_GROUP_ROWS rows at a time."""
        for part in self._staged(dataset):
            yield from _staged_tables(part)

    def _staged_langs(self, dataset: str) -> set[str]:
        return {
            lang
            for part in self._staged(dataset)
            for batch in _read_stream(part)
            for lang in batch.column(PARTITION).unique().to_pylist()
        }

    def _crawl_of(self, crawl_id: str | None) -> str:
        """The crawl a staged row belongs to: its own id when it is one, else this store's."""
        return crawl_id if is_crawl_id(crawl_id) else self.crawl_id

    def _staged_crawls(self, dataset: str) -> set[tuple[str, str]]:
        """(lang, crawl) of the staged rows of ``dataset``."""
        return {
            (lang, self._crawl_of(crawl))
            for part in self._staged(dataset)
            for batch in _read_stream(part)
            for lang, crawl in zip(*_columns(batch, PARTITION, "crawl_id"), strict=True)
        }

    @staticmethod
    def _batches(path: Path, lang: str | None, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        """A dataset file's batches, or a staged stream's rows of one language
        (without the partition column)."""
        if lang is None:
            file = pq.ParquetFile(path)
            present = None if columns is None else [c for c in columns if c in file.schema_arrow.names]
            yield from file.iter_batches(batch_size=ROW_GROUP_ROWS, columns=present)
            return
        for table in _staged_tables(path):
            table = table.filter(pc.equal(table.column(PARTITION), lang)).drop_columns([PARTITION])
            present = [c for c in columns or table.column_names if c in table.column_names]
            # one batch, not one per staged item: what follows works a batch at a time
            yield from table.select(present).combine_chunks().to_batches()

    # ------------------------------------------------------------- commit
    def commit(self) -> None:
        """Fold the staged rows left by earlier crawls, then this crawl's, into
        the datasets.  Call it holding the output lock."""
        self.close_staging()
        shutil.rmtree(self.tmp, ignore_errors=True)  # left by a process killed while writing
        for stale in self.root.glob("*/lang=*/.*.tmp"):
            stale.unlink()  # where versions before 0.2 wrote their temporary files
        for orphan in self.orphaned_crawls():
            earlier = DatasetStore(self.root, orphan)
            earlier.fold()
            for name, rows in earlier.written.items():
                self.written[name] += rows
            earlier.discard_staging()
        self.fold()

    def orphaned_crawls(self) -> list[str]:
        """Crawl ids of staging left in this directory by other crawls, oldest first."""
        parent = self.root / ".staging"
        if not parent.is_dir():
            return []
        return sorted(p.name for p in parent.iterdir() if p.is_dir() and p.name != self.crawl_id)

    def fold(self) -> None:
        """Fold this store's staged rows into the datasets (repeatable)."""
        for lang in self._staged_langs("articles") | self._staged_langs("seen"):
            self._merge_articles(lang)
        groups = poll_groups(self.root, list(self.staged_tables("polls")))
        for dataset, key in (("polls", "poll_id"), ("failures", "url")):
            for lang, crawl in sorted(self._staged_crawls(dataset)):
                # Each crawl's rows in its own part: a re-extraction stages the snapshots of the
                # crawls that took them, under their ids, and a part that holds one already keeps it once.
                target = self.root / dataset / f"{PARTITION}={lang}" / f"part-{crawl}.parquet"
                # A crawl folded in before (by a later crawl) and then resumed adds to its part;
                # a snapshot already in the part (a repeated commit) is not added twice.
                earlier = list(self._batches(target, None)) if target.exists() else []
                stamp = _STAMP[dataset]
                present = {(k, t) for b in earlier for k, t in zip(*_columns(b, key, stamp), strict=True)}
                staged = (
                    b.filter(
                        pa.array(
                            [
                                (k, t) not in present and self._crawl_of(c) == crawl
                                for k, t, c in zip(*_columns(b, key, stamp, "crawl_id"), strict=True)
                            ]
                        )
                    )
                    for part in self._staged(dataset)
                    for b in self._batches(part, lang)
                )
                batches = _first_per_crawl(itertools.chain(earlier, staged), key, stamp)
                if dataset == "polls":
                    batches = (_with_groups(b, groups) for b in batches)
                self.written[dataset] += _write_atomic(target, SCHEMAS[dataset], batches, self.tmp)
        self._rebuild_authors()
        ensure_datasets(self.root, lambda path, schema, batches: _write_atomic(path, schema, batches, self.tmp))

    def discard_staging(self) -> None:
        """Remove the staged rows; only once the commit and the crawl report are done."""
        self.close_staging()
        shutil.rmtree(self.staging, ignore_errors=True)
        for folder in (self.root / ".staging", self.tmp):
            with contextlib.suppress(OSError):  # not empty: another crawl's staging
                folder.rmdir()

    def _fetch_order(self, fetched: Any, crawl: Any, number: int, horizon: dt.datetime, key: str) -> tuple[Any, ...]:
        """How recent a row's fetch is: by the crawl that made it (crawl ids
        sort by when crawls started), then its fetch time, then its source.
        A crawl id or fetch time in the future ranks below every true one,
        with a warning: it is never a reason to keep a row."""
        started = crawl_started(crawl)
        if (fetched is not None and fetched > horizon) or (started is not None and started > horizon):
            self.future_dated.append(key)
            logger.warning("article %s: fetched %s in crawl %s, in the future: ranked oldest", key, fetched, crawl)
            return (0, "", fetched, number)
        return (1, crawl if started is not None else "", fetched, number)

    def _merge_articles(self, lang: str) -> None:
        """One row per article: the latest fetch, with the earliest first_seen
        and the latest last_seen over every crawl."""
        directory = self.root / "articles" / f"{PARTITION}={lang}"
        existing = visible_files(directory)
        # Old files first, this crawl's parts last: on equal fetch times the newer source wins.
        sources = [(path, None) for path in existing] + [(path, lang) for path in self._staged("articles")]
        best: dict[str, tuple[Any, int, int]] = {}  # article_id -> (fetch order, source, row)
        first_seen: dict[str, Any] = {}
        last_seen: dict[str, Any] = {}
        for part in self._staged("seen"):
            for batch in self._batches(part, lang):
                for key, seen in zip(*(batch.column(n).to_pylist() for n in SEEN.names), strict=True):
                    last_seen[key] = max(last_seen.get(key, seen), seen)
        # The listing entry's hash of the latest fetch that saw one: a row that saw none (found by
        # the sitemap, or re-extracted from an archive, which holds no listing) keeps the known one.
        listed: dict[str, tuple[Any, int, str]] = {}  # article_id -> (fetch order, source, hash)
        index_columns = ["article_id", "fetched_at", "first_seen", "last_seen", "listing_hash", "crawl_id"]
        horizon = dt.datetime.now(dt.UTC) + FUTURE_SLACK  # a fetch dated later is the clock's error, or a forgery
        for number, (path, part_lang) in enumerate(sources):
            row = 0
            for batch in self._batches(path, part_lang, index_columns):
                columns = (_column(batch, n) for n in index_columns)
                for key, fetched, first, last, listing_hash, crawl in zip(*columns, strict=True):
                    order = self._fetch_order(fetched, crawl, number, horizon, key)
                    current = best.get(key)
                    if current is None or order >= current[0]:
                        best[key] = (order, number, row)
                    if listing_hash is not None and (key not in listed or order >= listed[key][0]):
                        listed[key] = (order, number, listing_hash)
                    first_seen[key] = min(first_seen.get(key, first), first)
                    last_seen[key] = max(last_seen.get(key, last), last)
                    row += 1
        winners: dict[int, list[int]] = {}
        for _, number, row in best.values():
            winners.setdefault(number, []).append(row)
        schema = SCHEMAS["articles"]

        def winning(columns: list[str] | None = None) -> Iterator[tuple[str | None, pa.RecordBatch]]:
            wanted = schema if columns is None else pa.schema([schema.field(c) for c in columns])
            for number, (path, part_lang) in enumerate(sources):
                rows = sorted(winners.get(number, []))
                offset = first = 0
                for batch in self._batches(path, part_lang, columns):
                    # the winners inside this batch: a slice of the sorted rows, so each row is looked at once
                    last = bisect.bisect_left(rows, offset + batch.num_rows, first)
                    taken = pa.array([row - offset for row in rows[first:last]], pa.int64())
                    offset, first = offset + batch.num_rows, last
                    yield part_lang, _conform(batch.take(taken), wanted)

        site_text = self.site_text[lang] = SiteText()
        for _, batch in winning(list(_SITE_TEXT_COLUMNS)):  # first pass: what recurs across the pages
            for row in batch.to_pylist():
                site_text.see(row)
        site_text.learn()

        def kept() -> Iterator[pa.RecordBatch]:
            names = schema.names
            for part_lang, batch in winning():
                batch = _without_site_text(batch, site_text)
                ids = batch.column("article_id").to_pylist()
                for name, values in (("first_seen", first_seen), ("last_seen", last_seen)):
                    column = pa.array([values[i] for i in ids], TIMESTAMP)
                    batch = batch.set_column(names.index(name), name, column)
                hashes = [
                    h if h is not None or i not in listed else listed[i][2]
                    for i, h in zip(ids, _columns(batch, "listing_hash")[0], strict=True)
                ]
                batch = batch.set_column(
                    names.index("listing_hash"), schema.field("listing_hash"), pa.array(hashes, pa.string())
                )
                if part_lang is not None and self.found_by:  # this crawl's rows: what discovery knew at its end
                    urls, found = _columns(batch, "url", "found_by")
                    values = [self.found_by.get(u, f) for u, f in zip(urls, found, strict=True)]
                    column = pa.array(values, schema.field("found_by").type)
                    batch = batch.set_column(names.index("found_by"), schema.field("found_by"), column)
                yield batch

        target = directory / "part-0.parquet"
        self.written["articles"] += _write_atomic(target, SCHEMAS["articles"], kept(), self.tmp)
        for path in existing:
            if path != target:
                path.unlink()
        self.written["article_versions"] += write_versions(
            self.root, lang, target, lambda path, schema, batches: _write_atomic(path, schema, batches, self.tmp)
        )
        versions = self.root / "article_versions" / f"{PARTITION}={lang}"
        for path in visible_files(versions):
            if path.name != "part-0.parquet":
                path.unlink()

    def _rebuild_authors(self) -> None:
        """One row per person and language, counted over the whole articles dataset."""
        people: dict[str, list[dict[str, Any]]] = {}
        for directory in sorted((self.root / "articles").glob(f"{PARTITION}=*")):
            lang = directory.name.split("=", 1)[1]
            found: dict[str, dict[str, Any]] = {}
            for path in visible_files(directory):
                table = pq.read_table(path, columns=["authors", "fetched_at"])
                for authors, fetched in zip(table["authors"].to_pylist(), table["fetched_at"].to_pylist(), strict=True):
                    for author in authors or []:
                        key = author_id(lang, author["name"])
                        person = found.setdefault(
                            key,
                            {"author_id": key, "name": author["name"], "bio": None, "url": None, "article_count": 0},
                        )
                        person["article_count"] += 1
                        if author["bio"] and (person.get("_seen") is None or fetched >= person["_seen"]):
                            person["bio"], person["_seen"] = author["bio"], fetched
                        person["url"] = person["url"] or author["url"]
            people[lang] = [{k: v for k, v in p.items() if k != "_seen"} for p in found.values()]

        def write(path: Path, schema: pa.Schema, batches: Iterator[pa.RecordBatch]) -> int:
            return _write_atomic(path, schema, batches, self.tmp)

        self.written["authors"] += write_authors(self.root, people, write)


def _column(batch: pa.RecordBatch, name: str) -> list[Any]:
    """A column's values, or nulls for a column that the batch's file predates."""
    index = batch.schema.get_field_index(name)
    return batch.column(index).to_pylist() if index >= 0 else [None] * batch.num_rows


def _conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """A batch in ``schema``'s columns; a column that its file predates is null."""
    for name in schema.names:
        if name not in batch.schema.names:
            batch = batch.append_column(schema.field(name), pa.nulls(batch.num_rows, schema.field(name).type))
    return batch.select(schema.names)


_SITE_TEXT_COLUMNS = ("title", "lead", "body", "word_count", "authors", "site_text", "suspect_fields", "warnings")


def _without_site_text(batch: pa.RecordBatch, site_text: SiteText) -> pa.RecordBatch:
    """The batch's rows with the site's lines out of lead, body and bios (sitetext.py)."""
    rows = batch.select(list(_SITE_TEXT_COLUMNS)).to_pylist()
    filtered = [site_text.apply(row) for row in rows]
    if filtered == rows:
        return batch
    for name in _SITE_TEXT_COLUMNS[1:]:
        index = batch.schema.get_field_index(name)
        column = pa.array([row[name] for row in filtered], batch.schema.field(name).type)
        batch = batch.set_column(index, batch.schema.field(name), column)
    return batch


def _with_groups(batch: pa.RecordBatch, groups: dict[str, str]) -> pa.RecordBatch:
    polls = batch.column("poll_id").to_pylist()
    column = pa.array([groups.get(p, p) for p in polls], pa.string())
    return batch.set_column(batch.schema.get_field_index("poll_group"), batch.schema.field("poll_group"), column)


_STAMP = {"polls": "observed_at", "failures": "at"}  # when a poll snapshot or a failure was taken


def _columns(batch: pa.RecordBatch, *names: str) -> list[list[Any]]:
    return [batch.column(name).to_pylist() for name in names]


def _first_per_crawl(batches: Iterator[pa.RecordBatch], key: str, stamp: str) -> Iterator[pa.RecordBatch]:
    """Rows of the first snapshot of each ``key`` (a resumed crawl may stage one twice)."""
    first_snapshot: dict[str, Any] = {}  # key -> the time of the snapshot kept
    for batch in batches:
        keys, stamps = batch.column(key).to_pylist(), batch.column(stamp).to_pylist()
        keep = [first_snapshot.setdefault(k, s) == s for k, s in zip(keys, stamps, strict=True)]
        yield batch.filter(pa.array(keep, pa.bool_()))


def read_article_index(root: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """What the stored dataset knows of each article, by URL: its listing
    entry's hash, ETag, Last-Modified and when it was fetched (for incremental re-crawls)."""
    columns = ["url", "listing_hash", "etag", "last_modified", "content_hash", "fetched_at"]
    index: dict[str, dict[str, Any]] = {}
    for path in dataset_files(Path(root), "articles"):
        present = [c for c in columns if c in pq.read_schema(path).names]  # a file of an older version lacks some
        for row in pq.read_table(path, columns=present).to_pylist():
            index[row.pop("url")] = {name: row.get(name) for name in columns[1:]}
    return index
