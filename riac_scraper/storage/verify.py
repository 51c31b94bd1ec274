"""``riac verify OUTPUT``: the integrity check to run before publishing a
dataset, as ``git fsck`` is for a repository.

It checks that:
- every dataset reads, in the schema this version writes (a column that an
  older version did not write is named, with what to run);
- every article row's ``warc_file`` / ``warc_offset`` resolves, inside the
  archive folder, to a ``response`` record of that row's URL whose payload
  digest matches its bytes;
- no staged rows are left behind (a crawl killed before its commit), but
  those of the unfinished crawl that a job directory (``--jobdir``) resumes;
- no process holds the output lock.

The problems are counted by kind; none means the output is sound.  Records
are read in file and offset order, each file opened once: the cost is one
pass over the rows and one read of each record.
"""

from __future__ import annotations

import fcntl
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from warcio.archiveiterator import ArchiveIterator

from riac_scraper.storage.archive import read_info
from riac_scraper.storage.derived import dataset_files
from riac_scraper.storage.journal import journal_crawl_id
from riac_scraper.storage.outputdir import LOCK_NAME
from riac_scraper.storage.records import SCHEMAS
from riac_scraper.urls import site_url

STAGING = ".staging"


def _safe_name(name: str) -> bool:
    """A file name in the archive folder: no separator, no way out of it (``Path(".").name`` is "")."""
    return bool(name) and Path(name).name == name and name != ".." and "\\" not in name and "\0" not in name


class Verification:
    def __init__(self, root: Path, archive: Path | None = None, resumes: str | None = None) -> None:
        self.root = root
        self.resumes = resumes  # the crawl id whose staging a job directory will resume
        self.archive = archive if archive is not None else root / "archive"
        self.problems: Counter[str] = Counter()
        self.examples: dict[str, str] = {}
        self.rows = 0
        self.records = 0

    def problem(self, kind: str, example: str) -> None:
        self.problems[kind] += 1
        self.examples.setdefault(kind, example)

    # -------------------------------------------------------------- checks
    def run(self) -> Verification:
        self.check_datasets()
        self.check_records()
        self.check_staging()
        self.check_lock()
        return self

    def check_datasets(self) -> None:
        resuming = self.resumes is not None and (self.root / STAGING / self.resumes).is_dir()
        if not (self.root / "articles").is_dir() and not resuming:  # a first crawl cut short has none yet
            self.problem("no articles dataset", str(self.root / "articles"))
        for dataset, schema in SCHEMAS.items():
            for path in dataset_files(self.root, dataset):
                try:
                    stored = pq.read_schema(path)
                    for _ in pq.ParquetFile(path).iter_batches():  # every page of it decodes
                        pass
                except Exception as exc:  # a file that does not read at all, whatever the reason
                    self.problem("dataset file that does not read", f"{path}: {type(exc).__name__}")
                    continue
                missing = [name for name in schema.names if name not in stored.names]
                wrong = [
                    name
                    for name in schema.names
                    if name in stored.names and not stored.field(name).type.equals(schema.field(name).type)
                ]
                if missing:
                    self.problem(
                        "dataset file of an older version (riac recover or the next crawl rewrites it)",
                        f"{path}: no {', '.join(missing[:5])}",
                    )
                if wrong:
                    self.problem("column of another type", f"{path}: {', '.join(wrong[:5])}")

    def _article_rows(self) -> Iterator[dict[str, Any]]:
        for path in dataset_files(self.root, "articles"):
            try:
                names = pq.read_schema(path).names
                columns = [c for c in ("url", "warc_file", "warc_offset") if c in names]
                yield from pq.read_table(path, columns=columns).to_pylist()
            except Exception:  # counted by check_datasets
                continue

    def check_records(self) -> None:
        by_file: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for row in self._article_rows():
            self.rows += 1
            name, offset, url = row.get("warc_file"), row.get("warc_offset"), row.get("url") or ""
            if name is None and offset is None:
                continue  # archiving was off for this row
            if not isinstance(name, str) or not _safe_name(name) or not isinstance(offset, int) or offset < 0:
                self.problem("row whose archive pointer is no file and offset", f"{url}: {name!r} at {offset!r}")
                continue
            by_file[name].append((offset, url))
        for name in sorted(by_file):
            self._check_file(name, sorted(by_file[name]))

    def _check_file(self, name: str, rows: list[tuple[int, str]]) -> None:
        path = self.archive / name
        if not path.is_file():
            for _, url in rows:
                self.problem("row whose archive file is missing", f"{url}: {path}")
            return
        with path.open("rb") as fh:
            base = _base_url(fh)
            size = os.fstat(fh.fileno()).st_size
            for offset, url in rows:
                self.records += 1
                if offset >= size:
                    self.problem("row whose record is past the end of its file", f"{url}: {name} at {offset}")
                    continue
                fh.seek(offset)
                try:
                    records = ArchiveIterator(fh, check_digests="raise")
                    record = next(iter(records))
                    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                    kind = record.rec_type
                    record.content_stream().read()
                    records.read_to_end()
                    cut = bool(getattr(record.raw_stream, "limit", 0))
                except Exception as exc:  # the bytes at the offset are no record, or a damaged one
                    self.problem("row whose record does not read", f"{url}: {name} at {offset}: {type(exc).__name__}")
                    continue
                if cut:
                    self.problem("row whose record is cut short", f"{url}: {name} at {offset}")
                elif kind != "response" or site_url(uri, base) != url:
                    self.problem("row whose record is another page's", f"{url}: {name} at {offset} is {kind} {uri}")
                elif not record.rec_headers.get_header("WARC-Payload-Digest"):
                    self.problem("row whose record has no payload digest", f"{url}: {name} at {offset}")

    def check_staging(self) -> None:
        staging = self.root / STAGING
        if staging.is_dir():
            for crawl in sorted(p for p in staging.iterdir() if p.name != self.resumes):
                self.problem("staged rows left behind (riac recover folds them in)", str(crawl))

    def check_lock(self) -> None:
        lock = self.root / LOCK_NAME
        if not lock.is_file():
            return
        fd = os.open(lock, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            self.problem("output lock held (a crawl is running)", f"PID {holder}")
        finally:
            os.close(fd)  # closing releases the shared lock, if it was taken

    # -------------------------------------------------------------- report
    def lines(self) -> list[str]:
        if not self.problems:
            return [f"riac: {self.root} is sound: {self.rows} article rows, {self.records} archive records checked"]
        lines = [f"riac: {self.root}: {sum(self.problems.values())} problem(s)"]
        for kind, count in sorted(self.problems.items()):
            lines.append(f"riac:   {count} {kind}, e.g. {self.examples[kind][:300]}")
        return lines


def _base_url(fh: Any) -> str | None:
    """The mirror a crawl's file was fetched from, as its warcinfo names it."""
    return read_info(fh).get("riac-base-url") or None


def verify(
    root: str | os.PathLike[str],
    archive: str | os.PathLike[str] | None = None,
    jobdir: str | os.PathLike[str] | None = None,
) -> Verification:
    """Checks ``root`` (see the module's text); raises OutputError for a job directory's bad journal."""
    resumes = journal_crawl_id(jobdir) if jobdir else None
    return Verification(Path(root), Path(archive) if archive else None, resumes).run()
