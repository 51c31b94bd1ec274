"""Every response a crawl receives, kept in WARC/1.1 files (ISO 28500).

The ``WarcArchive`` extension writes, per exchange, a ``response`` record and
its ``request`` record (linked by ``WARC-Concurrent-To``), or a ``revisit``
record for a 304 answer; each file starts with a ``warcinfo`` record; every
record is its own gzip member.  Files are named from the crawl id and a
counter (``<crawl_id>-00001.warc.gz``), never from page content, live under
``RIAC_ARCHIVE`` (default ``<RIAC_OUTPUT>/archive``; empty switches archiving
off) and rotate at ``RIAC_ARCHIVE_MAX_BYTES`` (1 GB).

Bodies are stored as received after Scrapy undid the transfer and content
encodings; the headers that described those encodings are replaced by the
body's real length, so every record is valid (``warcio check`` passes).

Each record pair is built in memory and appended with one write, then
flushed; the request's meta gets the response record's file and offset (and
its WARC-Date, which becomes the row's ``fetched_at``) before the spider sees
the response, so a row never points to a record that is not on disk.  A
resumed crawl (same crawl id) first cuts any record a kill left half-written
off the end of its files, then continues in a new file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from riac_scraper import __version__
from riac_scraper.items import FOUND_BY_URI
from riac_scraper.storage.outputdir import describe

WARC_VERSION = "WARC/1.1"
# Headers that described how the body travelled, not the body as stored.
_TRANSPORT_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


def archive_dir(settings: Any) -> Path | None:
    """Where a crawl with these settings archives, or None when archiving is off."""
    value = settings.get("RIAC_ARCHIVE")
    if value is None:
        return Path(settings.get("RIAC_OUTPUT")) / "archive"
    return Path(value) if str(value).strip() else None


def _headers(headers: Any) -> list[tuple[str, str]]:
    """Scrapy headers as (name, value) text pairs, in order."""
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values]


GZIP_MEMBER = b"\x1f\x8b\x08"  # how every gzip member starts (magic, deflate)
_SCAN = 1024 * 1024


def _record_at(fh: Any, offset: int) -> bool:
    """Whether the gzip member that starts at ``offset`` inflates to a WARC header."""
    fh.seek(offset)
    head = fh.read(4096)
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 8).startswith(b"WARC/")
    except zlib.error:
        return False


def next_record(fh: Any, offset: int, stop: int) -> int | None:
    """Where the first record at or after ``offset`` (and before ``stop``)
    starts in a gzipped WARC file: the next gzip member that inflates to a
    WARC header.  How a task finds its first record, and how reading goes on
    after a damaged one."""
    while offset < stop:
        fh.seek(offset)
        chunk = fh.read(_SCAN + len(GZIP_MEMBER))
        if not chunk:
            return None
        at = chunk.find(GZIP_MEMBER)
        while at != -1 and offset + at < stop:
            if _record_at(fh, offset + at):
                return offset + at
            at = chunk.find(GZIP_MEMBER, at + 1)
        offset += _SCAN
    return None


def info_of(record: Any) -> dict[str, str]:
    """The fields of a ``warcinfo`` record."""
    text = record.content_stream().read().decode("utf-8", "replace")
    fields = (line.partition(":") for line in text.splitlines())
    return {name.strip(): value.strip() for name, sep, value in fields if sep}


def read_info(fh: Any) -> dict[str, str]:
    """The fields of a file's first record, when it is a ``warcinfo`` record (else none)."""
    fh.seek(0)
    try:
        for record in ArchiveIterator(fh):
            return info_of(record) if record.rec_type == "warcinfo" else {}
    except Exception:  # a file that does not start with a record names no fields
        pass
    return {}


def repair(path: Path) -> int:
    """Cut a half-written record off the end of ``path``; returns the bytes kept.

    Only a torn tail is cut: when a complete record follows the first one
    that cannot be read, the damage is inside the file, not a kill's, and
    nothing is cut (a resumed crawl writes on in a new file anyway)."""
    good = 0
    try:
        with path.open("rb") as fh:
            records = ArchiveIterator(fh)
            for record in records:
                record.content_stream().read()
                record.raw_stream.read()
                if getattr(record.raw_stream, "limit", 0):  # fewer bytes than its Content-Length: cut short
                    break
                good = records.get_record_offset() + records.get_record_length()
    except Exception:
        pass
    size = path.stat().st_size
    if size != good:
        with path.open("r+b") as fh:
            if _whole_record_after(fh, good + 1, size):
                return size
            fh.truncate(good)
    return good


def _whole_record_after(fh: Any, offset: int, size: int) -> bool:
    """Whether a record that reads to its end starts after ``offset``."""
    while (start := next_record(fh, offset, size)) is not None:
        fh.seek(start)
        try:
            records = ArchiveIterator(fh, check_digests="raise")
            record = next(iter(records))
            record.content_stream().read()
            record.raw_stream.read()
            if not getattr(record.raw_stream, "limit", 0):
                return True
        except Exception:  # no record here after all: look further
            pass
        offset = start + 1
    return False


class WarcArchive:
    def __init__(self, crawler: Crawler, directory: Path) -> None:
        self.crawler = crawler
        self.directory = directory
        self.max_bytes = crawler.settings.getint("RIAC_ARCHIVE_MAX_BYTES", 1024**3)
        self.base_url: str | None = None
        self.crawl_id: str | None = None
        self.counter = 0
        self.path: Path | None = None
        self.fd: int | None = None
        self.size = 0
        self.broken: str | None = None  # why archiving stopped
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchive:
        if not crawler.settings.getbool("RIAC_WRITE_DATASETS"):
            raise NotConfigured("not a crawl that writes datasets (scrapy parse, shell, check)")
        directory = archive_dir(crawler.settings)
        if directory is None:
            raise NotConfigured("archiving is off (RIAC_ARCHIVE is empty)")
        return cls(crawler, directory)

    def spider_opened(self, spider: Spider) -> None:
        self.base_url = getattr(spider, "base_url", None)
        self.crawl_id = self.crawler.stats.get_value("riac/crawl_id") if self.crawler.stats else None
        self.crawl_id = self.crawl_id or "crawl"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            earlier = sorted(self.directory.glob(f"{self.crawl_id}-*.warc.gz"))
            for path in earlier:  # a resumed crawl: its files end with whole records
                repair(path)
        except OSError as exc:
            self._failed(exc)
            return
        if earlier:
            self.counter = max(int(p.name.rsplit("-", 1)[1].split(".")[0]) for p in earlier)

    # ---------------------------------------------------------------- files
    def _open_next(self) -> None:
        self._close()
        self.counter += 1
        self.path = self.directory / f"{self.crawl_id}-{self.counter:05d}.warc.gz"
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.size = os.fstat(self.fd).st_size
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version=WARC_VERSION)
        info = {
            "software": f"riac-scraper/{__version__} (warcio)",
            "format": "WARC File Format 1.1",
            "riac-crawl-id": self.crawl_id,
            "riac-base-url": self.base_url or "",
        }
        writer.write_record(writer.create_warcinfo_record(self.path.name, info))
        self._append(buffer.getvalue())

    def _append(self, data: bytes) -> int:
        """Appends ``data``; returns the offset it starts at, the file's size
        before the write.  A write that fails partway (a full disk) is cut off
        at once, so that no later record starts after stray bytes."""
        assert self.fd is not None
        offset = os.fstat(self.fd).st_size
        view = memoryview(data)
        try:
            while view:
                written = os.write(self.fd, view)
                view = view[written:]
        except OSError:
            os.ftruncate(self.fd, offset)
            raise
        self.size = offset + len(data)
        return offset

    def _failed(self, exc: OSError) -> None:
        """Archiving stops and the crawl fails: rows after this point would have no record."""
        self._close()
        self.broken = describe(exc)
        self.crawler.stats.set_value("riac/archive_error", f"{describe(exc)} (in {self.directory})")

    def _close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    # -------------------------------------------------------------- records
    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if self.broken:
            return
        try:
            self._archive(response, request)
        except OSError as exc:
            self._failed(exc)

    def _archive(self, response: Response, request: Request) -> None:
        if self.fd is None or self.size >= self.max_bytes:
            self._open_next()
        assert self.path is not None
        fetched_at = dt.datetime.now(dt.UTC)
        warc_date = datetime_to_iso_date(fetched_at.replace(tzinfo=None), use_micros=True)
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version=WARC_VERSION)
        status_line = f"{response.status} {_reason(response.status)}"
        kept = [(k, v) for k, v in _headers(response.headers) if k.lower() not in _TRANSPORT_HEADERS]
        if response.status == 304:
            http = StatusAndHeaders(status_line, kept, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                response.url,
                "revisit",
                http_headers=http,
                warc_headers_dict={"WARC-Date": warc_date, "WARC-Profile": NOT_MODIFIED_PROFILE},
            )
        else:
            body = response.body
            http = StatusAndHeaders(status_line, [*kept, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                response.url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": warc_date},
            )
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_http = StatusAndHeaders(
            f"{request.method} {target} HTTP/1.1",
            [("Host", parts.netloc), *_headers(request.headers)],
            is_http_request=True,
        )
        request_record = writer.create_warc_record(
            request.url, "request", http_headers=request_http, warc_headers_dict={"WARC-Date": warc_date}
        )
        request_record.rec_headers.add_header("WARC-Concurrent-To", record.rec_headers.get_header("WARC-Record-ID"))
        writer.write_record(record)
        response_length = buffer.tell()
        writer.write_record(request_record)
        offset = self._append(buffer.getvalue())
        request.meta["riac_warc"] = (self.path.name, offset, response_length)
        request.meta["riac_fetched_at"] = fetched_at
        self.crawler.stats.inc_value("riac/archive/records", 2)

    def spider_closed(self, spider: Spider) -> None:
        discovery = getattr(spider, "discovery", None)  # the spider's account (crawl/discovery.py)
        if discovery is not None and discovery.found and self.fd is not None:
            # what discovery knew at the end, so that a re-extraction gives the crawl's found_by
            payload = json.dumps({"found_by": discovery.by_url(getattr(spider, "landed_as", {}))}).encode()
            buffer = io.BytesIO()
            writer = WARCWriter(buffer, gzip=True, warc_version=WARC_VERSION)
            record = writer.create_warc_record(
                FOUND_BY_URI,
                "metadata",
                payload=io.BytesIO(payload),
                length=len(payload),  # given, or warcio buffers the payload in a temporary file it leaves open
                warc_content_type="application/json",
            )
            writer.write_record(record)
            try:
                self._append(buffer.getvalue())
            except OSError as exc:
                self._failed(exc)
        self._close()


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
