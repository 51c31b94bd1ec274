"""The WARC archive in-process (``storage/archive.py``), from responses built
from bytes: every record a crawl writes, header by header; where files start,
rotate and resume; the small readers beside it; and its faults. The archive
is part of the commit: a failed write fails the crawl and never leaves a
later record pointing at the wrong bytes."""

from __future__ import annotations

import datetime as dt
import errno
import gzip
import hashlib
import io
import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from riac_scraper import __version__
from riac_scraper.items import FOUND_BY_URI
from riac_scraper.storage import archive as module
from riac_scraper.storage.archive import (
    NOT_MODIFIED_PROFILE,
    WarcArchive,
    archive_dir,
    info_of,
    next_record,
    read_info,
)


def _archive(tmp_path: Path) -> tuple[WarcArchive, object]:
    crawler = get_crawler(Spider, {"RIAC_WRITE_DATASETS": True, "RIAC_OUTPUT": str(tmp_path)})
    crawler.stats.set_value("riac/crawl_id", "20261202T000000Z-abcdef")
    archive = WarcArchive.from_crawler(crawler)
    archive.spider_opened(Spider("riac"))
    return archive, crawler


def _exchange(archive: WarcArchive, n: int) -> Request:
    request = Request(f"https://russiancouncil.ru/en/news/page-{n}/")
    response = HtmlResponse(request.url, body=b"<html><body>" + b"x" * 5000 + b"</body></html>", request=request)
    archive.response_received(response, request, Spider("riac"))
    return request


def test_a_write_that_fails_partway_is_cut_off_and_fails_the_crawl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive, crawler = _archive(tmp_path)
    first = _exchange(archive, 1)
    size = archive.path.stat().st_size
    real = os.write

    def full_disk(fd: int, data: memoryview) -> int:
        real(fd, bytes(data[:100]))  # some bytes reach the file, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(module.os, "write", full_disk)
    second = _exchange(archive, 2)
    monkeypatch.setattr(module.os, "write", real)
    third = _exchange(archive, 3)  # after a failure nothing more is archived: no row points past it
    assert archive.path.stat().st_size == size  # the torn bytes are gone
    assert "riac_warc" in first.meta and "riac_warc" not in second.meta and "riac_warc" not in third.meta
    error = crawler.stats.get_value("riac/archive_error")
    assert error.startswith("ENOSPC: No space left on device") and str(tmp_path / "archive") in error
    name, offset, _ = first.meta["riac_warc"]
    with (tmp_path / "archive" / name).open("rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers.get_header("WARC-Target-URI") == first.url


def test_an_archive_that_cannot_be_opened_fails_the_crawl(tmp_path: Path) -> None:
    (tmp_path / "archive").write_text("a file where the archive folder should be")
    archive, crawler = _archive(tmp_path)
    request = _exchange(archive, 1)
    assert "riac_warc" not in request.meta
    assert crawler.stats.get_value("riac/archive_error").startswith(("EEXIST", "ENOTDIR"))


def test_an_archive_error_and_a_listing_cap_are_verdict_lines(tmp_path: Path) -> None:
    from riac_scraper.crawl.monitor import CrawlMonitor
    from riac_scraper.crawl.spider import RiacSpider
    from riac_scraper.storage.tally import Tally

    crawler = get_crawler(RiacSpider, {"RIAC_WRITE_DATASETS": True, "RIAC_OUTPUT": str(tmp_path)})
    crawler.stats.set_value("riac/archive_error", "ENOSPC: No space left on device (in out/archive)")
    crawler.stats.set_value("riac/listings/capped/en/news", 5)
    problems = CrawlMonitor(crawler).problems("finished", Tally(), [], 0)
    assert (
        "the archive could not be written: ENOSPC: No space left on device (in out/archive); "
        "pages after it have no archive record" in problems
    )
    assert (
        "the en/news listing has pages past RIAC_MAX_LISTING_PAGES=5: the crawl did not read it to its end" in problems
    )


def _three_exchanges(tmp_path: Path) -> tuple[Path, list[int]]:
    """A closed archive file of a warcinfo and three record pairs; where each record starts."""
    archive, _ = _archive(tmp_path)
    for n in range(3):
        _exchange(archive, n)
    archive._close()
    path = archive.path
    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        starts = [records.offset for _ in records]
    return path, starts


def test_resume_repair_cuts_a_torn_tail(tmp_path: Path) -> None:
    path, starts = _three_exchanges(tmp_path)
    whole = path.read_bytes()
    path.write_bytes(whole + whole[starts[3] : starts[4] - 40])  # a kill while appending one more record
    assert module.repair(path) == len(whole) and path.read_bytes() == whole


def test_resume_repair_keeps_whole_records_after_damage_inside_the_file(tmp_path: Path) -> None:
    path, starts = _three_exchanges(tmp_path)
    data = bytearray(path.read_bytes())
    data[starts[3] + 30 : starts[3] + 90] = b"\x00" * 60  # one record garbled, complete records after it
    path.write_bytes(bytes(data))
    assert module.repair(path) == len(data)
    assert path.read_bytes() == bytes(data)  # nothing cut: the damage is not a kill's


def test_resume_repair_cuts_a_torn_tail_even_when_it_holds_a_member_header(tmp_path: Path) -> None:
    path, starts = _three_exchanges(tmp_path)
    whole = path.read_bytes()
    torn = whole[starts[5] : starts[6] + 60]  # a pair cut inside its second record, whose gzip header is in it
    path.write_bytes(whole + torn)
    assert module.repair(path) == len(whole) + starts[6] - starts[5]  # the complete response stays


CRAWL = "20261202T000000Z-abcdef"
NOISE = b"".join(hashlib.sha256(bytes([n])).digest() for n in range(80))  # 2,560 bytes gzip cannot shrink
URL = "https://russiancouncil.ru/en/news/page/?print=1"


def opened(tmp_path: Path, **settings: object) -> tuple[WarcArchive, object]:
    crawler = get_crawler(Spider, {"RIAC_WRITE_DATASETS": True, "RIAC_OUTPUT": str(tmp_path), **settings})
    crawler.stats.set_value("riac/crawl_id", CRAWL)
    archive = WarcArchive.from_crawler(crawler)
    spider = Spider("riac")
    spider.base_url = "http://127.0.0.1:8000"
    archive.spider_opened(spider)
    return archive, crawler


def exchange(archive: WarcArchive, url: str = URL, status: int = 200, body: bytes = b"<p>page</p>") -> Request:
    request = Request(url, headers={"Accept": "text/html"})
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip", "Content-Length": "999", "ETag": '"e"'}
    response = HtmlResponse(url, status=status, headers=headers, body=body, request=request)
    archive.response_received(response, request, Spider("riac"))
    return request


def records(path: Path) -> list:
    with path.open("rb") as fh:
        out = []
        for record in ArchiveIterator(fh):
            out.append((record.rec_type, record.rec_headers, record.http_headers, record.content_stream().read()))
        return out


def test_a_file_opens_with_a_warcinfo_naming_the_crawl_and_the_mirror(tmp_path: Path) -> None:
    archive, _ = opened(tmp_path)
    exchange(archive)
    archive.spider_closed(Spider("riac"))
    path = tmp_path / "archive" / f"{CRAWL}-00001.warc.gz"
    kind, headers, _, payload = records(path)[0]
    assert kind == "warcinfo" and headers.protocol == "WARC/1.1"
    assert headers.get_header("WARC-Filename") == path.name
    fields = dict(line.split(": ", 1) for line in payload.decode().splitlines() if line)
    assert fields == {
        "software": f"riac-scraper/{__version__} (warcio)",
        "format": "WARC File Format 1.1",
        "riac-crawl-id": CRAWL,
        "riac-base-url": "http://127.0.0.1:8000",
    }
    with path.open("rb") as fh:
        assert read_info(fh) == fields


def test_a_response_is_stored_as_it_was_decoded_and_its_request_beside_it(tmp_path: Path) -> None:
    archive, crawler = opened(tmp_path)
    request = exchange(archive, body=b"<p>the page</p>")
    path = archive.path
    (_, response, request_record) = records(path)
    kind, headers, http, payload = response
    assert (kind, headers.get_header("WARC-Target-URI"), payload) == ("response", URL, b"<p>the page</p>")
    assert http.statusline == "200 OK" and http.protocol == "HTTP/1.1"
    # the transport headers described the bytes on the wire; the stored body is decoded, with its own length
    assert http.headers == [("Content-Type", "text/html"), ("Etag", '"e"'), ("Content-Length", "15")]
    kind, headers, http, _ = request_record
    assert kind == "request" and headers.get_header("WARC-Concurrent-To") == response[1].get_header("WARC-Record-ID")
    assert http.protocol == "GET" and http.statusline == "/en/news/page/?print=1 HTTP/1.1"
    assert http.headers[0] == ("Host", "russiancouncil.ru") and ("Accept", "text/html") in http.headers
    assert headers.get_header("WARC-Date") == response[1].get_header("WARC-Date")
    assert crawler.stats.get_value("riac/archive/records") == 2
    name, offset, length = request.meta["riac_warc"]
    data = path.read_bytes()
    (record,) = ArchiveIterator(io.BytesIO(data[offset : offset + length]))
    assert (name, record.rec_type, record.rec_headers.get_header("WARC-Target-URI")) == (path.name, "response", URL)
    date = record.rec_headers.get_header("WARC-Date")
    assert request.meta["riac_fetched_at"].tzinfo is dt.UTC
    assert date == request.meta["riac_fetched_at"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert {headers.protocol for _, headers, _, _ in records(path)} == {"WARC/1.1"}


def test_a_304_is_a_revisit_of_the_stored_page_and_an_odd_status_has_an_unknown_reason(tmp_path: Path) -> None:
    archive, _ = opened(tmp_path)
    request = exchange(archive, status=304, body=b"")
    exchange(archive, url="https://russiancouncil.ru/", status=299)
    revisit, _, odd, _ = records(archive.path)[1:]
    assert revisit[0] == "revisit" and revisit[1].get_header("WARC-Profile") == NOT_MODIFIED_PROFILE
    assert revisit[2].statusline == "304 Not Modified" and revisit[3] == b"" and revisit[2].protocol == "HTTP/1.1"
    assert revisit[1].get_header("WARC-Date") == request.meta["riac_fetched_at"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert {headers.protocol for _, headers, _, _ in records(archive.path)} == {"WARC/1.1"}
    assert odd[2].statusline == "299 Unknown"
    request_line = records(archive.path)[4][2]
    assert request_line.statusline == "/ HTTP/1.1"  # a URL without a path asks for "/"


def test_files_rotate_once_they_reach_the_size_setting(tmp_path: Path) -> None:
    archive, _ = opened(tmp_path, RIAC_ARCHIVE_MAX_BYTES=3000)
    for n in range(4):
        exchange(archive, url=f"https://russiancouncil.ru/en/news/p{n}/", body=NOISE)
    archive.spider_closed(Spider("riac"))
    names = sorted(p.name for p in (tmp_path / "archive").iterdir())
    assert names == [f"{CRAWL}-0000{n}.warc.gz" for n in (1, 2, 3, 4)]
    assert all(records(tmp_path / "archive" / name)[0][0] == "warcinfo" for name in names)


def test_a_file_of_exactly_the_size_setting_is_full(tmp_path: Path) -> None:
    archive, _ = opened(tmp_path)
    assert archive.max_bytes == 1024**3  # the default: a gigabyte
    exchange(archive)
    archive.max_bytes = archive.size  # the file has just reached it
    exchange(archive, url="https://russiancouncil.ru/en/news/next/")
    assert archive.path.name == f"{CRAWL}-00002.warc.gz"


def test_files_are_readable_by_all_and_writable_by_their_owner(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        archive, _ = opened(tmp_path, RIAC_ARCHIVE=str(tmp_path / "nested" / "warc"))  # folders made as needed
        exchange(archive)
    finally:
        os.umask(previous)
    assert archive.path.parent == tmp_path / "nested" / "warc"
    assert archive.path.stat().st_mode & 0o777 == 0o644


def test_a_write_the_system_takes_in_parts_is_written_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write
    monkeypatch.setattr(module.os, "write", lambda fd, data: real(fd, bytes(data[:100])))  # 100 bytes a call at most
    archive, _ = opened(tmp_path)
    exchange(archive, body=NOISE)
    monkeypatch.setattr(module.os, "write", real)
    assert [r[0] for r in records(archive.path)] == ["warcinfo", "response", "request"]
    assert records(archive.path)[1][3] == NOISE and archive.size == archive.path.stat().st_size


def test_a_resumed_crawl_writes_on_in_a_new_file_after_its_last(tmp_path: Path) -> None:
    archive, _ = opened(tmp_path)
    exchange(archive)
    archive.spider_closed(Spider("riac"))
    (tmp_path / "archive" / f"{CRAWL}-00007.warc.gz").write_bytes(
        (tmp_path / "archive" / f"{CRAWL}-00001.warc.gz").read_bytes()
    )
    (tmp_path / "archive" / "20260101T000000Z-000000-00009.warc.gz").write_bytes(b"")  # another crawl's
    resumed, _ = opened(tmp_path)
    exchange(resumed)
    assert resumed.path.name == f"{CRAWL}-00008.warc.gz"


def test_the_end_of_a_crawl_records_what_discovery_found(tmp_path: Path) -> None:
    archive, _ = opened(tmp_path)
    exchange(archive)
    spider = Spider("riac")
    found = {URL: ["listing", "sitemap"]}
    spider.discovery = SimpleNamespace(
        found={URL: {"listing"}}, by_url=lambda landed: found if landed == {"a": "b"} else {}
    )
    spider.landed_as = {"a": "b"}
    archive.spider_closed(spider)
    data = (tmp_path / "archive" / f"{CRAWL}-00001.warc.gz").read_bytes()
    gzip.decompress(data)  # every record is a gzip member of its own
    assert {h.protocol for _, h, _, _ in records(tmp_path / "archive" / f"{CRAWL}-00001.warc.gz")} == {"WARC/1.1"}
    kind, headers, _, payload = records(tmp_path / "archive" / f"{CRAWL}-00001.warc.gz")[-1]
    assert (kind, headers.get_header("WARC-Target-URI")) == ("metadata", FOUND_BY_URI)
    assert headers.get_header("Content-Type") == "application/json"
    assert json.loads(payload) == {"found_by": found}
    assert archive.fd is None


@pytest.mark.parametrize("found", [{}, None])
def test_no_discovery_account_or_an_empty_one_adds_no_record(tmp_path: Path, found: dict | None) -> None:
    archive, _ = opened(tmp_path)
    exchange(archive)
    spider = Spider("riac")
    if found is not None:
        spider.discovery = SimpleNamespace(found=found, by_url=lambda landed: {})
    archive.spider_closed(spider)
    assert [r[0] for r in records(tmp_path / "archive" / f"{CRAWL}-00001.warc.gz")] == [
        "warcinfo",
        "response",
        "request",
    ]


def test_a_crawl_without_an_id_names_its_files_crawl(tmp_path: Path) -> None:
    crawler = get_crawler(Spider, {"RIAC_WRITE_DATASETS": True, "RIAC_OUTPUT": str(tmp_path)})
    archive = WarcArchive.from_crawler(crawler)
    archive.spider_opened(Spider("riac"))
    exchange(archive)
    assert archive.path.name == "crawl-00001.warc.gz"
    assert b"riac-base-url" not in records(archive.path)[0][3]  # warcio leaves an empty field out


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "out/archive"), ("", None), ("  ", None), ("elsewhere/warc", "elsewhere/warc")],
)
def test_the_archive_folder_follows_the_setting(value: str | None, expected: str | None) -> None:
    settings = Settings({"RIAC_OUTPUT": "out", **({} if value is None else {"RIAC_ARCHIVE": value})})
    assert archive_dir(settings) == (Path(expected) if expected else None)


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"RIAC_WRITE_DATASETS": False}, "not a crawl that writes datasets (scrapy parse, shell, check)"),
        ({"RIAC_WRITE_DATASETS": True, "RIAC_ARCHIVE": ""}, "archiving is off (RIAC_ARCHIVE is empty)"),
    ],
)
def test_no_archive_where_nothing_is_written_or_it_is_off(tmp_path: Path, settings: dict, says: str) -> None:
    crawler = get_crawler(Spider, {"RIAC_OUTPUT": str(tmp_path), **settings})
    with pytest.raises(NotConfigured) as raised:
        WarcArchive.from_crawler(crawler)
    assert str(raised.value) == says


def member(text: bytes) -> bytes:
    return gzip.compress(text, mtime=0)


def test_the_next_record_is_the_next_member_that_inflates_to_a_warc_header() -> None:
    decoy = member(b"not a record")  # a gzip member, but not of a WARC record
    record = member(b"WARC/1.1\r\n\r\n")
    data = b"junk" + decoy + b"\x1f\x8b\x08 torn" + record + record
    fh = io.BytesIO(data)
    first = data.index(record)
    assert next_record(fh, 0, len(data)) == first
    assert next_record(fh, first, len(data)) == first
    assert next_record(fh, first + 1, len(data)) == first + len(record)
    assert next_record(fh, 0, first) is None  # it must start before stop
    assert next_record(fh, len(data), len(data) + 10) is None


@pytest.mark.parametrize("at", [200, 62, 63])  # past the first window, and across its end
def test_a_record_past_the_first_scanned_megabyte_is_found(monkeypatch: pytest.MonkeyPatch, at: int) -> None:
    monkeypatch.setattr(module, "_SCAN", 64)
    record = member(b"WARC/1.1\r\n\r\n")
    data = b"\x00" * at + record
    assert next_record(io.BytesIO(data), 0, len(data)) == at
    assert next_record(io.BytesIO(data), 0, at - 10) is None


def test_a_file_that_starts_with_no_warcinfo_names_no_fields() -> None:
    assert read_info(io.BytesIO(b"")) == {}
    assert read_info(io.BytesIO(b"garbage, not a record")) == {}
    record = member(
        b"WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:x>\r\nContent-Length: 4\r\n\r\na: b\r\n\r\n"
    )
    assert read_info(io.BytesIO(record)) == {}


def test_warcinfo_fields_are_the_lines_with_a_colon() -> None:
    record = SimpleNamespace(content_stream=lambda: io.BytesIO(b"a: 1\r\nno colon here\r\n b : x: y \r\n\xff: z\r\n"))
    assert info_of(record) == {"a": "1", "b": "x: y", "\ufffd": "z"}


def test_a_tail_that_only_looks_like_a_record_is_cut(tmp_path: Path) -> None:
    archive, _ = opened(tmp_path)
    exchange(archive)
    archive.spider_closed(Spider("riac"))
    path = archive.path
    whole = path.read_bytes()
    # a kill tore the next record; after it a member inflates to a WARC header that does not read
    # (a response with no target URI)
    torn = member(b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 500\r\n\r\n" + b"x" * 40)[:30]
    lookalike = member(b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 4\r\n\r\nabcd")
    path.write_bytes(whole + torn + lookalike)
    assert module.repair(path) == len(whole)
    assert path.read_bytes() == whole


def test_a_discovery_account_without_redirects_is_recorded_too(tmp_path: Path) -> None:
    from riac_scraper.crawl.discovery import Discovery
    from riac_scraper.urls import classify

    archive, _ = opened(tmp_path)
    exchange(archive)
    spider = Spider("riac")  # a spider that followed no redirect has no landed_as
    spider.discovery = Discovery()
    spider.discovery.add(URL, classify(URL), "sitemap")
    archive.spider_closed(spider)
    payload = records(tmp_path / "archive" / f"{CRAWL}-00001.warc.gz")[-1][3]
    assert json.loads(payload) == {"found_by": spider.discovery.by_url({})}


def test_a_discovery_record_that_cannot_be_written_fails_the_crawl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive, crawler = opened(tmp_path)
    exchange(archive)
    spider = Spider("riac")
    spider.discovery = SimpleNamespace(found={URL: {"listing"}}, by_url=lambda landed: {URL: ["listing"]})

    def full_disk(fd: int, data: memoryview) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(module.os, "write", full_disk)
    archive.spider_closed(spider)
    assert crawler.stats.get_value("riac/archive_error").startswith("ENOSPC: No space left on device (in ")


def whole_file(tmp_path: Path) -> bytes:
    archive, _ = opened(tmp_path)
    exchange(archive)
    archive.spider_closed(Spider("riac"))
    return archive.path.read_bytes()


def test_repair_of_a_file_that_starts_with_no_record_empties_it(tmp_path: Path) -> None:
    path = tmp_path / "x.warc.gz"
    path.write_bytes(b"\x00" * 30)  # (warcio reads a line of five words as an ARC record)
    assert module.repair(path) == 0 and path.read_bytes() == b""


def test_repair_keeps_a_whole_record_one_byte_after_the_damage(tmp_path: Path) -> None:
    whole = whole_file(tmp_path)
    path = tmp_path / "x.warc.gz"
    warcinfo = whole[: next_record(io.BytesIO(whole), 1, len(whole))]  # the file's first record alone
    path.write_bytes(whole + b"\x00" + warcinfo)  # a stray byte, then a whole record: damage inside, no kill's
    assert module.repair(path) == len(whole) + 1 + len(warcinfo)


@pytest.mark.parametrize("damage", ["digest", "short"])
def test_repair_cuts_a_tail_whose_only_record_is_damaged(tmp_path: Path, damage: str) -> None:
    whole = whole_file(tmp_path)
    body = b"<p>page</p>"
    record = (
        b"WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: urn:x\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        b"WARC-Block-Digest: sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n"
    )
    if damage == "digest":  # whole, but not the bytes its digest names
        record += b"Content-Length: %d\r\n\r\n%s\r\n\r\n" % (len(body), body)
    else:  # its Content-Length says more than there is
        record += b"Content-Length: %d\r\n\r\n%s\r\n\r\n" % (len(body) + 500, body)
    path = tmp_path / "x.warc.gz"
    path.write_bytes(whole + b"\x1f\x8b\x08 torn" + member(record))
    assert module.repair(path) == len(whole) and path.read_bytes() == whole
