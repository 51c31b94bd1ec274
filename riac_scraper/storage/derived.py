"""Datasets and columns derived at each commit from what the crawls stored.

- ``authors``: one row per name and language, with ``person_id`` shared by
  the English and the Russian entry of one person;
- ``article_versions``: every distinct version of every article;
- ``polls.poll_group``: shared by a poll and its other-language version;
- an empty file, with its schema, for a dataset that has no rows yet.

Rules (also in DATASET.md):

- a person is matched across languages by the profile page's path without
  the language prefix (``/en/about-us/experts/igor-ivanov/`` and
  ``/about-us/experts/igor-ivanov/``); an entry without a profile, by its
  name transliterated to Latin letters and reduced to its consonants
  (``Павел Григорьев`` = ``Pavel Grigoriev``: ``pvl grgrv``), whichever of
  the two has a profile; else (a name in another script has no consonants
  to match) the entry is a person of its own;
- an English and a Russian poll are one group when a crawl sees both with
  the same number of options and the same votes for each, in order; a group,
  once given, is kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.parquet as pq

from riac_scraper.storage.records import ARTICLE_VERSIONS, AUTHORS, SCHEMAS
from riac_scraper.urls import stable_id

PARTITION = "lang"
EMPTY_PART = "part-empty.parquet"  # the file that gives a dataset without rows its schema

_TRANSLIT = str.maketrans(
    dict(
        zip(
            "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
            "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya".split(),
            strict=True,
        )
    )
)


def visible_files(directory: Path) -> list[Path]:
    """The Parquet files of one partition folder that readers see: a name starting
    with "." or "_" is a temporary or hidden file (pyarrow and pandas skip them too)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.parquet") if not p.name.startswith((".", "_")))


def dataset_files(root: Path, dataset: str) -> list[Path]:
    """The visible files of every partition of ``dataset``."""
    return [path for folder in sorted((root / dataset).glob(f"{PARTITION}=*")) for path in visible_files(folder)]


def name_key(name: str) -> str:
    """A person's name for matching across languages: transliterated to Latin
    letters, then only its consonants, so that the usual spelling variants
    agree (Сергей / Sergei / Sergey, Григорьев / Grigoriev, Мария / Maria)."""
    latin = unicodedata.normalize("NFKC", name).casefold().translate(_TRANSLIT)  # ё is e, as е is
    return " ".join(re.sub(r"[^a-z ]|[aeiouy]", "", latin).split())


def profile_key(url: str | None) -> str | None:
    if not url:
        return None
    path = urlsplit(url).path
    return path[3:] if path.startswith("/en/") else path


def person_ids(people: list[dict[str, Any]]) -> dict[str, str]:
    """author_id -> person_id for entries of both languages (see the rules above)."""
    by_profile: dict[str, str] = {}
    by_name: dict[str, str] = {}
    ids: dict[str, str] = {}
    # Entries with a profile first, so that one without can find them by name, whichever its language;
    # then English first.
    order = sorted(people, key=lambda p: (not profile_key(p["url"]), p["lang"] != "en", p["author_id"]))
    for person in order:
        profile = profile_key(person["url"])
        if profile and profile in by_profile:
            ids[person["author_id"]] = by_profile[profile]
            continue
        key = name_key(person["name"])  # "" for a name of no Latin or Cyrillic consonant: it matches nobody
        person_id = by_name.get(key) if key and not profile else None
        person_id = person_id or stable_id("person", profile or key or person["author_id"])
        ids[person["author_id"]] = person_id
        if profile:
            by_profile[profile] = person_id
        if key:
            by_name.setdefault(key, person_id)
    return ids


def write_authors(root: Path, people: dict[str, list[dict[str, Any]]], write: Any) -> int:
    """The authors dataset from the people of each language; returns the rows written."""
    ids = person_ids([{**p, "lang": lang} for lang, rows in people.items() for p in rows])
    written = 0
    for lang, rows in people.items():
        rows = sorted(({**p, "person_id": ids[p["author_id"]]} for p in rows), key=lambda r: r["author_id"])
        target = root / "authors" / f"{PARTITION}={lang}" / "part-0.parquet"
        written += write(target, AUTHORS, iter(pa.Table.from_pylist(rows, AUTHORS).to_batches()))
    return written


def _rows(batch: pa.RecordBatch) -> Iterator[tuple[Any, ...]]:
    return zip(*(batch.column(n).to_pylist() for n in batch.schema.names), strict=True)


def write_versions(root: Path, lang: str, articles: Path, write: Any) -> int:
    """Fold the current article rows of ``lang`` (each the latest version of its
    article) into ``article_versions``; returns the rows written.  Only ids
    and times are held in memory: the rows stream from file to file."""
    target = root / "article_versions" / f"{PARTITION}={lang}" / "part-0.parquet"
    stored = target if target.exists() else None
    keys = ["article_id", "content_hash"]
    times: dict[tuple[str, str], list[Any]] = {}  # version -> [first_seen, last_seen]
    if stored is not None:
        for batch in pq.ParquetFile(stored).iter_batches(columns=[*keys, "first_seen", "last_seen"]):
            for ident, digest, first, last in _rows(batch):
                times[(ident, digest)] = [first, last]
    new: set[tuple[str, str]] = set()
    for batch in pq.ParquetFile(articles).iter_batches(columns=[*keys, "fetched_at", "last_seen"]):
        for ident, digest, fetched, last in _rows(batch):
            seen = times.get((ident, digest))
            if seen is None:
                times[(ident, digest)] = [fetched, last]
                new.add((ident, digest))
            else:
                seen[0], seen[1] = min(seen[0], fetched), max(seen[1], last)

    def with_times(batch: pa.RecordBatch, keep: list[bool] | None = None) -> pa.RecordBatch:
        if keep is not None:
            batch = batch.filter(pa.array(keep, pa.bool_()))
        versions = [(ident, digest) for ident, digest in _rows(batch.select(keys))]
        columns = {
            "first_seen": pa.array([times[v][0] for v in versions], ARTICLE_VERSIONS.field("first_seen").type),
            "last_seen": pa.array([times[v][1] for v in versions], ARTICLE_VERSIONS.field("last_seen").type),
        }
        arrays = [columns.get(name, batch.column(name)) for name in ARTICLE_VERSIONS.names]
        return pa.RecordBatch.from_arrays(arrays, schema=ARTICLE_VERSIONS)

    def batches() -> Iterator[pa.RecordBatch]:
        if stored is not None:
            for batch in pq.ParquetFile(stored).iter_batches():
                yield with_times(batch)
        for batch in pq.ParquetFile(articles).iter_batches():
            keep = [version in new for version in _rows(batch.select(keys))]
            if any(keep):
                yield with_times(batch, keep)

    return write(target, ARTICLE_VERSIONS, batches())


def poll_groups(root: Path, staged: list[pa.Table]) -> dict[str, str]:
    """poll_id -> poll_group for the polls staged by a crawl and those stored before."""
    known: dict[str, str] = {}
    for path in dataset_files(root, "polls"):
        table = pq.read_table(path, columns=["poll_id", "poll_group"])
        for poll, group in zip(table["poll_id"].to_pylist(), table["poll_group"].to_pylist(), strict=True):
            if group:
                known[poll] = group
    # poll_id -> (lang, when, [(index, votes)]): the first snapshot of each poll, as the commit keeps
    # (a resumed crawl may have staged one poll twice, from each of its runs)
    snapshots: dict[str, tuple[str, Any, list[tuple[int, Any]]]] = {}
    for table in staged:
        for row in table.select(["poll_id", PARTITION, "option_index", "votes", "observed_at"]).to_pylist():
            lang, when, options = snapshots.setdefault(row["poll_id"], (row[PARTITION], row["observed_at"], []))
            if row["observed_at"] == when:
                options.append((row["option_index"], row["votes"]))
    signatures: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
    for poll, (lang, _, options) in snapshots.items():
        votes = tuple(v for _, v in sorted(options))
        if votes and None not in votes:
            signatures.setdefault(votes, []).append((lang, poll))
    groups = {poll: known.get(poll, poll) for poll in snapshots}
    for members in signatures.values():
        langs = {lang for lang, _ in members}
        if len(members) == 2 and len(langs) == 2:  # exactly one poll in each language: a pair
            (_, first), (_, second) = sorted(members)  # en before ru
            group = known.get(first) or known.get(second) or first
            groups[first] = groups[second] = group
    return {**known, **groups}  # a stored poll keeps its group wherever its part is written again


def ensure_datasets(root: Path, write: Any) -> None:
    """An empty file with its schema for each dataset that has no file yet."""
    for name, schema in SCHEMAS.items():
        if not list((root / name).glob(f"{PARTITION}=*/*.parquet")):
            write(root / name / f"{PARTITION}=en" / EMPTY_PART, schema, iter(()))
