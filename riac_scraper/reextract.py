"""``riac reextract``: the datasets again, from WARC archives, with no network.

    riac reextract output/archive/*.warc.gz --output DIR               # one process
    riac reextract ARCHIVE... --output DIR --workers 4                 # four local processes
    riac reextract ARCHIVE... --output DIR --dask local --workers 4    # a dask.distributed LocalCluster
    riac reextract ARCHIVE... --output DIR --scheduler tcp://HOST:8786 # an existing Dask cluster

One task per WARC file reads its response records, runs the crawl's own
extraction (``pages.fetched.article_page`` for article pages, the listing
pages' polls) and the crawl's pipelines (normalize, validate), and returns
its rows as Arrow IPC streams: a worker needs the archive files, never the
output directory.  The driver stages every part, in file order, under the
output lock, and commits them as one run, atomically, as a crawl commits:
an article already in the datasets is replaced when the archive holds a
newer fetch of it.

The archive's ``warcinfo`` records name the crawl's mirror base URL, so a
mirror crawl's pages map back to their real-site URLs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import io
import itertools
import json
import multiprocessing as mp
import os
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas  # noqa: F401  (see below)
import pyarrow as pa
from parsel import Selector
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

from pipelines.normalize import normalize_article, normalize_poll
from pipelines.validate import validation_failure
from riac_scraper import site
from riac_scraper.items import FOUND_BY_URI, Article, CrawlFailure, PollSnapshot, read_found_by
from riac_scraper.pages.fetched import article_page, decode_html, is_html
from riac_scraper.pages.listing import ListingPage
from riac_scraper.storage.archive import info_of, next_record, read_info
from riac_scraper.storage.outputdir import OutputLock
from riac_scraper.storage.records import article_row, failure_row, poll_rows
from riac_scraper.storage.store import STAGED, DatasetStore, is_crawl_id, new_crawl_id
from riac_scraper.urls import classify, site_url

DATASETS = ("articles", "polls", "failures")
SCHEDULER_TIMEOUT = "10s"
WARC_SUFFIXES = (".warc.gz", ".warc")
DAMAGED = "damaged"  # a Part's key: JSON, the damaged records found (one line each)
Part = dict[str, bytes]  # dataset -> the rows of one archive file, as an Arrow IPC stream; FOUND_BY -> JSON
FOUND_BY = "found_by"
COUNTS = "counts"  # a Part's key: JSON, the file's name and how many of its responses were read, and the site's
Task = tuple[str, int, int]  # an archive file, and the byte range whose records one task reads


class ArchiveError(Exception):
    """Bad input: the message is one line for the user."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C while parts were read: ``parts`` of them are staged for ``riac
    recover`` (none: nothing was staged, and nothing is left behind)."""

    def __init__(self, parts: int) -> None:
        super().__init__(parts)
        self.parts = parts


def archive_paths(patterns: Iterable[str]) -> list[Path]:
    """The WARC files named by ``patterns`` (paths, globs or archive folders), in order, each once."""
    found: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        if not matches:
            raise ArchiveError(f"no archive matches {pattern!r}")
        for match in matches:
            path = Path(match)
            if path.is_dir():  # an archive folder: its WARC files
                inside = sorted(p for p in path.iterdir() if p.name.endswith(WARC_SUFFIXES) and p.is_file())
                if not inside:
                    raise ArchiveError(f"no WARC file (*.warc.gz, *.warc) in {match}")
                found.extend(p for p in inside if p not in found)
                continue
            if not path.is_file():
                raise ArchiveError(f"not a file: {match}")
            if path not in found:
                found.append(path)
    return found


# pyarrow imports pandas the first time it makes an array of Python objects
# (its check for array-likes), half a second inside each worker's first task.
# Imported with this module, a forked worker inherits it and a cluster's worker
# has it from when it imported this module.
def _ipc(rows: list[dict[str, Any]], dataset: str) -> bytes:
    sink = io.BytesIO()
    schema = STAGED[dataset]
    with pa.ipc.new_stream(sink, schema) as writer:
        writer.write_table(pa.Table.from_pylist(rows, schema))
    return sink.getvalue()


MAX_RECORD_BYTES = 64 * 1024 * 1024  # a record larger is a failure row, never read into memory
MIN_RANGE_BYTES = 1 * 1024 * 1024  # a task reads at least this much of a file, or all of it


def file_ranges(path: Path, pieces: int) -> list[tuple[int, int]]:
    """``path`` cut into at most ``pieces`` byte ranges, each of at least
    ``MIN_RANGE_BYTES``, for one task each: a task reads the records that
    start inside its range.  An uncompressed file is one range: its records
    have no marker that a payload cannot also hold."""
    size = path.stat().st_size
    count = max(1, min(pieces, size // MIN_RANGE_BYTES)) if path.name.endswith(".gz") else 1
    bounds = [size * i // count for i in range(count + 1)]
    return list(itertools.pairwise(bounds))


_DAMAGE = (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError)


def extract_file(path: str | os.PathLike[str], run_id: str = "", start: int = 0, stop: int | None = None) -> Part:
    """The rows that the records of one archive file give, as a crawl would
    have staged them: all of them, or those that start in [start, stop).

    Every record's digests are checked.  A record that is cut short, changed,
    larger than ``MAX_RECORD_BYTES`` or odd in its URI or date, and a gzip
    member that cannot be read, each become a failure row naming the file and
    the offset, and reading goes on at the next record.  A file that is no
    WARC at all is an ``ArchiveError``."""
    path = Path(path)
    name = path.name
    rows: dict[str, list[dict[str, Any]]] = {dataset: [] for dataset in DATASETS}
    polls_seen: set[tuple[str, str]] = set()
    found_by: dict[str, list[str]] = {}
    damaged: list[str] = []
    counts = {"read": 0, "responses": 0, "ours": 0, "end": 0}  # end: where the last record read ends
    gzipped = name.endswith(".gz")

    def add_polls(polls: list[PollSnapshot], crawl: str) -> None:
        for poll in polls:
            if (crawl, poll.poll_id) not in polls_seen:  # a crawl keeps each poll's first snapshot
                polls_seen.add((crawl, poll.poll_id))
                rows["polls"].extend(poll_rows(normalize_poll(poll), crawl))

    def damage(offset: int, why: str) -> None:
        reason = f"damaged archive record in {name} at offset {offset}: {why}"
        damaged.append(reason)
        at = dt.datetime.now(dt.UTC)  # when the damage was found
        rows["failures"].append(failure_row(CrawlFailure(f"{site.ORIGIN}/", "archive", reason[:300], at), run_id))

    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        stop = size if stop is None else min(stop, size)
        info = read_info(fh) if start > 0 else {}  # a range inside the file: what its warcinfo says
        state = {"base_url": info.get("riac-base-url") or None, "crawl": _crawl_of(info, run_id)}
        position: int | None = start if start == 0 else (next_record(fh, start, stop) if gzipped else None)
        while position is not None and position < stop:
            fh.seek(position)
            records = ArchiveIterator(fh, check_digests="raise")
            try:
                at_end = _read(records, stop, state, counts, name, run_id, rows, add_polls, found_by, damage)
                position = None
                if at_end and counts["end"] < size and counts["read"]:  # a record cut short ends reading quietly
                    records.offset = counts["end"]
                    raise ArchiveLoadFailed("the file ends inside a record (cut short)")
            except _DAMAGE as exc:
                if not counts["read"] and start == 0:
                    raise ArchiveError(f"{path} is not a readable WARC file: {_first_line(exc)}") from exc
                bad = records.offset  # where the record that could not be read starts
                damage(bad, _first_line(exc))
                position = next_record(fh, bad + 1, stop) if gzipped else None
        if start == 0 and not counts["read"]:
            raise ArchiveError(f"{path} is not a readable WARC file: no WARC record in it")
    return {
        **{dataset: _ipc(rows[dataset], dataset) for dataset in DATASETS},
        FOUND_BY: json.dumps(found_by).encode(),
        DAMAGED: json.dumps(damaged).encode(),
        COUNTS: json.dumps({"file": name, "responses": counts["responses"], "ours": counts["ours"]}).encode(),
    }


def _crawl_of(info: dict[str, str], run_id: str) -> str:
    crawl = info.get("riac-crawl-id")
    return crawl if is_crawl_id(crawl) else run_id


def _read(
    records: ArchiveIterator,
    stop: int,
    state: dict[str, Any],
    counts: dict[str, int],
    name: str,
    run_id: str,
    rows: dict[str, list[dict[str, Any]]],
    add_polls: Callable[[list[PollSnapshot], str], None],
    found_by: dict[str, list[str]],
    damage: Callable[[int, str], None],
) -> bool:
    """Reads records until one starts at or after ``stop`` or the file ends
    (then returns True); a damaged one raises, with ``records.offset`` at its start."""
    for record in records:
        offset = records.offset  # the record's start: nothing of it is read yet
        if offset >= stop:
            return False
        if record.format != "warc":
            raise ArchiveLoadFailed(f"{record.format.upper()} records, not WARC ones")
        counts["read"] += 1
        length = record.rec_headers.get_header("Content-Length") or "0"
        if not length.isdigit() or int(length) > MAX_RECORD_BYTES:
            damage(offset, f"a record of {length[:20]} bytes, more than the {MAX_RECORD_BYTES} read")
        elif record.rec_type == "warcinfo":
            info = info_of(record)
            state["base_url"], state["crawl"] = info.get("riac-base-url") or None, _crawl_of(info, run_id)
        elif record.rec_type == "metadata" and record.rec_headers.get_header("WARC-Target-URI") == FOUND_BY_URI:
            found_by.update(read_found_by(record.content_stream().read()))  # a later record knows more
        elif record.rec_type == "response":
            counts["responses"] += 1
            try:
                counts["ours"] += _response(record, records, name, state, run_id, rows, add_polls)
            except (ArchiveLoadFailed, OSError, EOFError, zlib.error):  # the record's bytes: read on after it
                raise
            except Exception as exc:  # a record is untrusted input: what it holds becomes a failure row
                damage(offset, f"{type(exc).__name__}: {_first_line(exc)}")
        records.read_to_end()
        if getattr(record.raw_stream, "limit", 0):  # fewer bytes than its Content-Length: cut short
            records.offset = offset
            raise ArchiveLoadFailed("a record cut short")
        counts["end"] = records.get_record_offset() + records.get_record_length()
    return True


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _response(
    record: Any,
    records: ArchiveIterator,
    name: str,
    state: dict[str, Any],
    run_id: str,
    rows: dict[str, list[dict[str, Any]]],
    add_polls: Callable[[list[PollSnapshot], str], None],
) -> bool:
    """The rows of one response record, added to ``rows``; whether it is a page of the site."""
    if record.http_headers is None:
        return False
    canonical = site_url(record.rec_headers.get_header("WARC-Target-URI") or "", state["base_url"])
    kind = classify(canonical) if canonical else None
    home = next((lang for lang, path in site.HOME_PATHS.items() if canonical == site.ORIGIN + path), None)
    if canonical is None:
        return False  # another site's page
    if kind is None and home is None:
        return True  # robots.txt and the site's pages outside its article, listing and home paths
    fetched_at = iso_date_to_datetime(record.rec_headers.get_header("WARC-Date"), tz_aware=True)
    status = int(record.http_headers.get_statuscode() or 0)
    body = record.content_stream().read()
    offset = records.get_record_offset()  # after the body: asking first reads the record away
    headers = {h: record.http_headers.get_header(h) for h in ("Content-Type", "ETag", "Last-Modified")}
    if kind is None or kind.kind == "listing":  # listing and home pages: their polls
        if status == 200 and is_html(body, headers["Content-Type"]):
            sel = Selector(text=decode_html(body, headers["Content-Type"]), type="html")
            add_polls(ListingPage(sel, canonical, observed_at=fetched_at, lang=home).polls, state["crawl"])
        return True
    item = article_page(body, status, headers, canonical, fetched_at)
    if isinstance(item, Article):
        item.warc_file, item.warc_offset = name, offset
        normalize_article(item)
        failure = validation_failure(item)
        if failure is None:
            rows["articles"].append(article_row(item, state["crawl"]))  # the crawl that fetched it
            add_polls(item.polls, state["crawl"])
            return True
        item = failure
    if isinstance(item, CrawlFailure):
        rows["failures"].append(failure_row(item, run_id))
    return True


# ------------------------------------------------------------------ running
def tasks(paths: list[Path], workers: int) -> list[Task]:
    """One task per file for one worker; for more, files cut into ranges
    (``file_ranges``), so that even a single archive spreads over them."""
    pieces = 1 if workers <= 1 else workers * 4
    return [(str(path), a, b) for path in paths for a, b in file_ranges(path, pieces)]


def _run(task: Task, run_id: str) -> Part:
    path, start, stop = task
    return extract_file(path, run_id, start, stop)


def _local(work: list[Task], run_id: str, workers: int) -> Iterator[Part]:
    if workers <= 1:
        for task in work:
            yield _run(task, run_id)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_run, work, [run_id] * len(work))


# Dask's statistical profiler samples each running task's stack a hundred
# times a second; on the bench archive it cost each task a third more CPU
# (0.85 s against 0.65 s for 500 pages).  The workers of a LocalCluster
# started here run without it; the README says to start the workers of a
# cluster of one's own the same way.
PROFILER_OFF = {"distributed.worker.profile.enabled": False}
# A LocalCluster's workers are forked from this process, which has imported
# the extraction: spawned, each would import it again (0.7 s apiece, and the
# cluster's start-up took a sixth of a 6 s job).  concurrent.futures' pool
# in _local forks as well, on Linux.  Where there is no fork (Windows), Dask's own default.
# Each worker also wakes every 20 ms to time its own event loop (Dask's
# "tick"), which competes with the task for the GIL: at 1 s, `--dask local`
# on the bench archive took 7.6-7.9 s against 8.5 s (two runs each,
# 2026-12-04; 2 processes took 6.6-7.0 s).
LOCAL_WORKERS = {
    **PROFILER_OFF,
    "distributed.admin.tick.interval": "1s",
    **({"distributed.worker.multiprocessing-method": "fork"} if "fork" in mp.get_all_start_methods() else {}),
}


@contextlib.contextmanager
def _dask_client(scheduler: str | None, workers: int) -> Iterator[tuple[Any, int]]:
    """A client of the cluster at ``scheduler``, or of a LocalCluster of
    ``workers`` processes started here; with the task slots it has (its
    workers' threads, and at least ``workers``), so that the files are cut
    into enough ranges to keep every slot busy."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ArchiveError("Dask is not installed: pip install 'riac-scraper[dask]'") from exc
    cluster = None
    if scheduler is None:
        with dask.config.set(LOCAL_WORKERS):  # a Nanny hands its worker the config it was made under
            cluster = LocalCluster(
                n_workers=max(workers, 1), threads_per_worker=1, processes=True, dashboard_address=None
            )
    try:
        try:
            client = Client(cluster if cluster is not None else scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ArchiveError(f"cannot reach the Dask scheduler {scheduler} within {SCHEDULER_TIMEOUT}") from exc
        with client:
            yield client, max(workers, sum(client.nthreads().values()))
    finally:
        if cluster is not None:
            cluster.close()


def _dask(client: Any, work: list[Task], run_id: str) -> Iterator[Part]:
    futures = client.map(_run, work, run_id=run_id, pure=False)
    for future in futures:  # in file order, so that the first snapshot of a poll is the crawl's
        yield future.result()


class _FirstSnapshots:
    """Keeps, across the parts of one run, only the first snapshot of each
    poll per crawl, as a crawl does; within a part ``extract_file`` did."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def __call__(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        keys = list(zip(batch.column("crawl_id").to_pylist(), batch.column("poll_id").to_pylist(), strict=True))
        keep = [key not in self.seen for key in keys]
        self.seen.update(keys)
        return batch.filter(pa.array(keep, pa.bool_()))


def reextract(
    patterns: Iterable[str],
    output: str | os.PathLike[str],
    *,
    workers: int = 1,
    dask: bool = False,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DatasetStore:
    """Re-extract the archives into ``output``; returns the committed store,
    whose ``unread`` names the damaged records (each also a failure row).

    Interrupted (Ctrl-C), the rows staged so far stay for ``riac recover``;
    failed, nothing it staged stays behind to be committed later."""
    paths = archive_paths(patterns)
    run_id = new_crawl_id()
    first_snapshots = _FirstSnapshots()
    responses: dict[str, list[int]] = {}  # file -> [responses read, the site's]
    with OutputLock(output), contextlib.ExitStack() as cluster:
        store = DatasetStore(output, crawl_id=run_id)
        staged = 0  # parts staged so far
        try:
            if dask or scheduler:
                client, slots = cluster.enter_context(_dask_client(scheduler, workers))
                work = tasks(paths, slots)
                parts = _dask(client, work, run_id)
            else:
                work = tasks(paths, workers)
                parts = _local(work, run_id, workers)
            for done, part in enumerate(parts, 1):
                store.found_by.update(json.loads(part.pop(FOUND_BY, b"{}")))  # the crawls' own, from their archives
                store.unread.extend(json.loads(part.pop(DAMAGED, b"[]")))
                counts = json.loads(part.pop(COUNTS))
                tally = responses.setdefault(counts["file"], [0, 0])
                tally[0], tally[1] = tally[0] + counts["responses"], tally[1] + counts["ours"]
                for dataset, data in part.items():
                    with pa.ipc.open_stream(data) as reader:
                        for batch in reader:
                            store.add_batch(dataset, first_snapshots(batch) if dataset == "polls" else batch)
                staged = done
                if progress is not None:
                    progress(done, len(work))
            store.unread.extend(
                f"{name} holds {read} responses and no page of {site.ORIGIN}: a WARC of another site?"
                for name, (read, ours) in responses.items()
                if read and not ours
            )
        except KeyboardInterrupt as exc:
            if staged:
                store.close_staging()
            else:
                store.discard_staging()
            raise Interrupted(staged) from exc
        except BaseException:
            store.discard_staging()
            raise
        store.commit()
        store.discard_staging()
    return store
