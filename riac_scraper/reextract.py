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

import datetime as dt
import glob
import io
import json
import os
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

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


class ArchiveError(Exception):
    """Bad input: the message is one line for the user."""


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


def info_of(record: Any) -> dict[str, str]:
    text = record.content_stream().read().decode("utf-8", "replace")
    fields = (line.partition(":") for line in text.splitlines())
    return {name.strip(): value.strip() for name, sep, value in fields if sep}


def _ipc(rows: list[dict[str, Any]], dataset: str) -> bytes:
    sink = io.BytesIO()
    schema = STAGED[dataset]
    with pa.ipc.new_stream(sink, schema) as writer:
        writer.write_table(pa.Table.from_pylist(rows, schema))
    return sink.getvalue()


def extract_file(path: str | os.PathLike[str], run_id: str = "") -> Part:
    """The rows one archive file gives, as a crawl would have staged them.

    Every record's digests are checked: a record cut short or changed, or a
    gzip member that cannot be read, ends the file there with a failure row
    naming the file and the offset (what came before it is kept).  A file
    that is no WARC at all is an ``ArchiveError``."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in DATASETS}
    polls_seen: set[tuple[str, str]] = set()
    base_url: str | None = None
    crawl = run_id  # the crawl that wrote the records that follow (warcinfo), for their poll snapshots
    name = Path(path).name
    damaged: list[str] = []

    def add_polls(polls: list[PollSnapshot]) -> None:
        for poll in polls:
            if (crawl, poll.poll_id) not in polls_seen:  # a crawl keeps each poll's first snapshot
                polls_seen.add((crawl, poll.poll_id))
                rows["polls"].extend(poll_rows(normalize_poll(poll), crawl))

    found_by: dict[str, list[str]] = {}
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh, check_digests="raise")
        read = end = responses = ours = 0
        try:
            for record in records:
                if record.format != "warc":
                    raise ArchiveLoadFailed(f"{record.format.upper()} records, not WARC ones")
                read += 1
                if record.rec_type == "warcinfo":
                    info = info_of(record)
                    base_url = info.get("riac-base-url") or None
                    crawl = info["riac-crawl-id"] if is_crawl_id(info.get("riac-crawl-id")) else run_id
                elif record.rec_type == "metadata" and record.rec_headers.get_header("WARC-Target-URI") == FOUND_BY_URI:
                    found_by.update(read_found_by(record.content_stream().read()))  # a later record knows more
                elif record.rec_type == "response":
                    responses += 1
                    ours += _response(record, records, name, base_url, run_id, rows, add_polls)
                end = records.get_record_offset() + records.get_record_length()  # the record read to its end
                if getattr(record.raw_stream, "limit", 0):  # fewer bytes than its Content-Length: cut short
                    records.offset = records.get_record_offset()
                    raise ArchiveLoadFailed("a record cut short")
            if not read:
                raise ArchiveLoadFailed("no WARC record in it")
            if end < os.fstat(fh.fileno()).st_size:  # a record cut short ends the reading quietly
                records.offset = end
                raise ArchiveLoadFailed("the file ends inside a record (cut short)")
        except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as exc:
            if not read:
                raise ArchiveError(f"{path} is not a readable WARC file: {_first_line(exc)}") from exc
            offset = records.offset  # where the record that could not be read starts
            reason = f"damaged archive record in {name} at offset {offset}: {_first_line(exc)}"
            damaged.append(reason)
            at = dt.datetime.now(dt.UTC)  # when the damage was found
            rows["failures"].append(failure_row(CrawlFailure(f"{site.ORIGIN}/", "archive", reason[:300], at), run_id))
    if responses and not ours:
        damaged.append(f"{name} holds {responses} responses and no page of {site.ORIGIN}: a WARC of another site?")
    return {
        **{dataset: _ipc(rows[dataset], dataset) for dataset in DATASETS},
        FOUND_BY: json.dumps(found_by).encode(),
        DAMAGED: json.dumps(damaged).encode(),
    }


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _response(
    record: Any,
    records: ArchiveIterator,
    name: str,
    base_url: str | None,
    run_id: str,
    rows: dict[str, list[dict[str, Any]]],
    add_polls: Callable[[list[PollSnapshot]], None],
) -> bool:
    """The rows of one response record, added to ``rows``; whether it is a page of the site."""
    if record.http_headers is None:
        return False
    canonical = site_url(record.rec_headers.get_header("WARC-Target-URI") or "", base_url)
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
            add_polls(ListingPage(sel, canonical, observed_at=fetched_at, lang=home).polls)
        return True
    item = article_page(body, status, headers, canonical, fetched_at)
    if isinstance(item, Article):
        item.warc_file, item.warc_offset = name, offset
        normalize_article(item)
        failure = validation_failure(item)
        if failure is None:
            rows["articles"].append(article_row(item, run_id))
            add_polls(item.polls)
            return True
        item = failure
    if isinstance(item, CrawlFailure):
        rows["failures"].append(failure_row(item, run_id))
    return True


# ------------------------------------------------------------------ running
def _local(paths: list[Path], run_id: str, workers: int) -> Iterator[Part]:
    if workers <= 1:
        for path in paths:
            yield extract_file(path, run_id)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(extract_file, paths, [run_id] * len(paths))


def _dask(paths: list[Path], run_id: str, scheduler: str | None, workers: int) -> Iterator[Part]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ArchiveError("Dask is not installed: pip install 'riac-scraper[dask]'") from exc
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=max(workers, 1), threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        try:
            client = Client(cluster if cluster is not None else scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ArchiveError(f"cannot reach the Dask scheduler {scheduler} within {SCHEDULER_TIMEOUT}") from exc
        with client:
            futures = client.map(extract_file, [str(p) for p in paths], run_id=run_id, pure=False)
            for future in futures:  # in file order, so that the first snapshot of a poll is the crawl's
                yield future.result()
    finally:
        if cluster is not None:
            cluster.close()


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
    with OutputLock(output):
        store = DatasetStore(output, crawl_id=run_id)
        try:
            parts = _dask(paths, run_id, scheduler, workers) if dask or scheduler else _local(paths, run_id, workers)
            for done, part in enumerate(parts, 1):
                store.found_by.update(json.loads(part.pop(FOUND_BY, b"{}")))  # the crawls' own, from their archives
                store.unread.extend(json.loads(part.pop(DAMAGED, b"[]")))
                for dataset, data in part.items():
                    with pa.ipc.open_stream(data) as reader:
                        for batch in reader:
                            store.add_batch(dataset, batch)
                if progress is not None:
                    progress(done, len(paths))
        except KeyboardInterrupt:
            store.close_staging()
            raise
        except BaseException:
            store.discard_staging()
            raise
        store.commit()
        store.discard_staging()
    return store
