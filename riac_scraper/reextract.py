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

import glob
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
from parsel import Selector
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_datetime

from pipelines.normalize import normalize_article, normalize_poll
from pipelines.validate import validation_failure
from riac_scraper import site
from riac_scraper.items import FOUND_BY_URI, Article, CrawlFailure, PollSnapshot, read_found_by
from riac_scraper.pages.fetched import article_page, decode_html, is_html
from riac_scraper.pages.listing import ListingPage
from riac_scraper.storage.outputdir import OutputLock
from riac_scraper.storage.records import article_row, failure_row, poll_rows
from riac_scraper.storage.store import STAGED, DatasetStore, new_crawl_id
from riac_scraper.urls import classify, site_url

DATASETS = ("articles", "polls", "failures")
Part = dict[str, bytes]  # dataset -> the rows of one archive file, as an Arrow IPC stream; FOUND_BY -> JSON
FOUND_BY = "found_by"


class ArchiveError(Exception):
    """Bad input: the message is one line for the user."""


def archive_paths(patterns: Iterable[str]) -> list[Path]:
    """The WARC files named by ``patterns`` (paths or globs), in order, each once."""
    found: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        if not matches:
            raise ArchiveError(f"no archive matches {pattern!r}")
        for match in matches:
            path = Path(match)
            if not path.is_file():
                raise ArchiveError(f"not a file: {match}")
            if path not in found:
                found.append(path)
    return found


def _info(record: Any) -> dict[str, str]:
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
    """The rows one archive file gives, as a crawl would have staged them."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in DATASETS}
    polls_seen: set[str] = set()
    base_url: str | None = None
    name = Path(path).name

    def add_polls(polls: list[PollSnapshot]) -> None:
        for poll in polls:
            if poll.poll_id not in polls_seen:  # a run keeps each poll's first snapshot
                polls_seen.add(poll.poll_id)
                rows["polls"].extend(poll_rows(normalize_poll(poll), run_id))

    found_by: dict[str, list[str]] = {}
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:
            if record.rec_type == "warcinfo":
                base_url = _info(record).get("riac-base-url") or None
                continue
            if record.rec_type == "metadata" and record.rec_headers.get_header("WARC-Target-URI") == FOUND_BY_URI:
                found_by.update(read_found_by(record.content_stream().read()))  # a later record knows more
                continue
            if record.rec_type != "response" or record.http_headers is None:
                continue
            canonical = site_url(record.rec_headers.get_header("WARC-Target-URI") or "", base_url)
            kind = classify(canonical) if canonical else None
            home = next((lang for lang, path in site.HOME_PATHS.items() if canonical == site.ORIGIN + path), None)
            if canonical is None or (kind is None and home is None):
                continue  # robots.txt and pages outside the site's article, listing and home paths
            fetched_at = iso_date_to_datetime(record.rec_headers.get_header("WARC-Date"), tz_aware=True)
            status = int(record.http_headers.get_statuscode() or 0)
            body = record.content_stream().read()
            offset = records.get_record_offset()  # after the body: asking first reads the record away
            headers = {h: record.http_headers.get_header(h) for h in ("Content-Type", "ETag", "Last-Modified")}
            if kind is None or kind.kind == "listing":  # listing and home pages: their polls
                if status == 200 and is_html(body, headers["Content-Type"]):
                    sel = Selector(text=decode_html(body, headers["Content-Type"]))
                    add_polls(ListingPage(sel, canonical, observed_at=fetched_at, lang=home).polls)
                continue
            item = article_page(body, status, headers, canonical, fetched_at)
            if isinstance(item, Article):
                item.warc_file, item.warc_offset = name, offset
                normalize_article(item)
                failure = validation_failure(item)
                if failure is None:
                    rows["articles"].append(article_row(item, run_id))
                    add_polls(item.polls)
                    continue
                item = failure
            if isinstance(item, CrawlFailure):
                rows["failures"].append(failure_row(item, run_id))
    return {**{dataset: _ipc(rows[dataset], dataset) for dataset in DATASETS}, FOUND_BY: json.dumps(found_by).encode()}


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
        with Client(cluster if cluster is not None else scheduler) as client:
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
    """Re-extract the archives into ``output``; returns the committed store."""
    paths = archive_paths(patterns)
    run_id = new_crawl_id()
    with OutputLock(output):
        store = DatasetStore(output, crawl_id=run_id)
        parts = _dask(paths, run_id, scheduler, workers) if dask or scheduler else _local(paths, run_id, workers)
        for done, part in enumerate(parts, 1):
            store.found_by.update(json.loads(part.pop(FOUND_BY, b"{}")))  # the crawls' own, from their archives
            for dataset, data in part.items():
                with pa.ipc.open_stream(data) as reader:
                    for batch in reader:
                        store.add_batch(dataset, batch)
            if progress is not None:
                progress(done, len(paths))
        store.commit()
        store.discard_staging()
    return store
