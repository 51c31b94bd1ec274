"""The archive is part of the commit: a failed write fails the crawl and
never leaves a later record pointing at the wrong bytes."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from riac_scraper.storage import archive as module
from riac_scraper.storage.archive import WarcArchive


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
