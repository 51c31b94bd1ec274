"""``reextract.extract_file`` record by record, in-process, on WARC files
written here: every damaged or odd record is a failure row naming file and
offset, the records after it are still read, and a file read in byte ranges
gives what it gives read whole."""

from __future__ import annotations

import io
import itertools
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from riac_scraper import reextract as module
from riac_scraper.reextract import DAMAGED, extract_file, file_ranges, next_record, reextract, tasks
from riac_scraper.storage.store import new_crawl_id
from tests.conftest import assert_one_truth, page_html, write_warc

ARTICLES = [
    "https://russiancouncil.ru/en/analytics-and-comments/analytics/arctic-shipping-routes-and-the-politics-of-ice/",
    "https://russiancouncil.ru/en/analytics-and-comments/analytics/the-helsinki-summit-the-beginning-of-a-journey/",
    "https://russiancouncil.ru/en/analytics-and-comments/analytics/water-security-in-central-asia-a-joint-assessment/",
]


def pages(urls: list[str] = ARTICLES) -> list[tuple[str, bytes]]:
    return [(url, page_html(url).encode()) for url in urls]


def rows(part: dict[str, bytes], dataset: str) -> list[dict]:
    with pa.ipc.open_stream(part[dataset]) as reader:
        return reader.read_all().to_pylist()


def member_starts(path: Path) -> list[int]:
    with path.open("rb") as fh:
        starts, at = [], 0
        while (at := next_record(fh, at, path.stat().st_size)) is not None:
            starts.append(at)
            at += 1
    return starts


def test_a_whole_file_gives_every_article(tmp_path: Path) -> None:
    part = extract_file(write_warc(tmp_path / "a.warc.gz", pages()))
    assert [row["url"] for row in rows(part, "articles")] == ARTICLES
    assert rows(part, "failures") == []


def test_next_record_finds_exactly_the_records(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "a.warc.gz", pages())
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        offsets = [records.offset for _ in records]
    assert member_starts(path) == offsets and len(offsets) == 3


def test_a_corrupt_member_in_the_middle_is_one_failure_row_and_the_rest_is_read(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "bad.warc.gz", pages())
    _, second, _ = member_starts(path)
    data = bytearray(path.read_bytes())
    data[second + 30 : second + 90] = b"\x00" * 60  # the second record's compressed bytes
    path.write_bytes(bytes(data))
    part = extract_file(path)
    assert [row["url"] for row in rows(part, "articles")] == [ARTICLES[0], ARTICLES[2]]
    (failure,) = rows(part, "failures")
    assert failure["stage"] == "archive"
    assert failure["reason"].startswith(f"damaged archive record in bad.warc.gz at offset {second}: ")


def test_stray_bytes_between_records_are_passed_over(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "gap.warc.gz", pages())
    _, second, _ = member_starts(path)
    data = path.read_bytes()
    path.write_bytes(data[:second] + b"\x1f\x8b\x08 garbage that is no member " + data[second:])
    part = extract_file(path)
    assert [row["url"] for row in rows(part, "articles")] == ARTICLES
    (failure,) = rows(part, "failures")
    assert f"at offset {second}:" in failure["reason"]


@pytest.mark.parametrize(
    ("uri", "headers", "why"),
    [
        pytest.param(ARTICLES[0], {"WARC-Date": "yesterday at noon"}, "ValueError", id="odd-date"),
        pytest.param("http://[::1", {}, "ValueError: Invalid IPv6 URL", id="odd-uri"),
        pytest.param("https://russiancouncil.ru:99999/en/x/", {}, "", id="port-out-of-range"),  # no page of the site
    ],
)
def test_a_record_with_an_odd_date_or_uri_does_not_stop_the_reading(
    tmp_path: Path, uri: str, headers: dict[str, str], why: str
) -> None:
    good = write_warc(tmp_path / "good.warc.gz", pages(ARTICLES[1:]))
    odd = write_warc(tmp_path / "odd.warc.gz", [(uri, page_html(ARTICLES[0]).encode())], **headers)
    path = tmp_path / "mixed.warc.gz"
    path.write_bytes(odd.read_bytes() + good.read_bytes())
    part = extract_file(path)
    assert [row["url"] for row in rows(part, "articles")] == ARTICLES[1:]
    reasons = [row["reason"] for row in rows(part, "failures")]
    if why:
        (reason,) = reasons
        assert reason.startswith(f"damaged archive record in mixed.warc.gz at offset 0: {why}")
    else:
        assert reasons == []


def test_a_record_larger_than_the_cap_is_a_failure_row_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "MAX_RECORD_BYTES", 60_000)
    big = ARTICLES[0]
    path = write_warc(tmp_path / "big.warc.gz", [(big, page_html(big).encode() + b" " * 70_000), *pages(ARTICLES[1:])])
    part = extract_file(path)
    assert [row["url"] for row in rows(part, "articles")] == ARTICLES[1:]
    (failure,) = rows(part, "failures")
    assert "more than the 60000 read" in failure["reason"] and "at offset 0:" in failure["reason"]


def test_unicode_and_encoded_uris_are_one_page(tmp_path: Path) -> None:
    raw = "https://russiancouncil.ru/en/analytics-and-comments/analytics/арктика/"
    encoded = (
        "https://russiancouncil.ru/en/analytics-and-comments/analytics/%D0%B0%D1%80%D0%BA%D1%82%D0%B8%D0%BA%D0%B0/"
    )
    body = page_html(ARTICLES[0]).encode()
    output = tmp_path / "out"
    reextract([str(write_warc(tmp_path / "a.warc.gz", [(raw, body), (encoded, body)]))], output)
    assert pd.read_parquet(output / "articles")["url"].tolist() == [encoded]


# ------------------------------------------------------------------ ranges
def big_archive(tmp_path: Path, copies: int) -> Path:
    """One file of many records: the three articles, each under many URLs."""
    records = [(url.rstrip("/") + f"-{n}/", body) for n in range(copies) for url, body in pages()]
    return write_warc(tmp_path / "big.warc.gz", records)


def test_ranges_cover_the_file_and_each_record_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "MIN_RANGE_BYTES", 10_000)
    path = big_archive(tmp_path, 20)
    ranges = file_ranges(path, 7)
    assert len(ranges) == 7 and ranges[0][0] == 0 and ranges[-1][1] == path.stat().st_size
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    whole = [row["url"] for row in rows(extract_file(path), "articles")]
    pieces = [row["url"] for a, b in ranges for row in rows(extract_file(path, "", a, b), "articles")]
    assert pieces == whole and len(whole) == 60


def test_a_small_or_uncompressed_file_is_one_range(tmp_path: Path) -> None:
    gz = write_warc(tmp_path / "a.warc.gz", pages())
    plain = write_warc(tmp_path / "a.warc", pages())
    assert file_ranges(gz, 8) == [(0, gz.stat().st_size)]
    assert file_ranges(plain, 8) == [(0, plain.stat().st_size)]
    assert len(tasks([gz, plain], workers=1)) == 2


def test_a_range_that_holds_no_record_start_gives_nothing(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "a.warc.gz", pages())
    first, second, _ = member_starts(path)
    part = extract_file(path, "", first + 1, second)  # inside the first record
    assert rows(part, "articles") == [] and rows(part, "failures") == []


def test_a_damaged_record_in_a_later_range_is_found_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "MIN_RANGE_BYTES", 10_000)
    path = big_archive(tmp_path, 10)
    starts = member_starts(path)
    victim = starts[len(starts) * 3 // 4]
    data = bytearray(path.read_bytes())
    data[victim + 30 : victim + 90] = b"\x00" * 60
    path.write_bytes(bytes(data))
    parts = [extract_file(path, "", a, b) for a, b in file_ranges(path, 4)]
    failures = [row["reason"] for part in parts for row in rows(part, "failures")]
    assert len(failures) == 1 and f"at offset {victim}:" in failures[0]
    assert sum(len(rows(part, "articles")) for part in parts) == 29
    assert sum(len(json.loads(part[DAMAGED])) for part in parts) == 1


def test_two_workers_on_one_file_give_the_serial_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "MIN_RANGE_BYTES", 10_000)
    path = big_archive(tmp_path, 12)
    assert len(tasks([path], workers=2)) == 8
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    for root in (serial, parallel):  # each output's rows point into its own archive folder (riac verify)
        (root / "archive").mkdir(parents=True)
        shutil.copy(path, root / "archive" / path.name)
    reextract([str(serial / "archive")], serial)
    reextract([str(parallel / "archive")], parallel, workers=2)
    assert_one_truth(parallel, serial)
    assert len(pd.read_parquet(serial / "articles")) == 36


def test_a_range_inside_a_mirror_crawls_file_knows_its_base_url(tmp_path: Path) -> None:
    """The warcinfo at the file's start names the mirror: a range read alone maps its pages back."""
    from warcio.warcwriter import WARCWriter

    base = "http://127.0.0.1:8123"
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    info = {"riac-crawl-id": new_crawl_id(), "riac-base-url": base}
    writer.write_record(writer.create_warcinfo_record("x.warc.gz", info))
    mirrored = write_warc(
        tmp_path / "m.warc.gz", [(url.replace("https://russiancouncil.ru", base), b) for url, b in pages()]
    )
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(buffer.getvalue() + mirrored.read_bytes())
    starts = member_starts(path)
    part = extract_file(path, "", starts[2], path.stat().st_size)
    assert [row["url"] for row in rows(part, "articles")] == ARTICLES[1:]


def test_the_local_cluster_forks_its_workers_without_the_profiler(tmp_path: Path) -> None:
    """``--dask local``: workers forked from this process, so that they hold
    the extraction and pandas already (spawned, each imports them again), with
    Dask's sampling profiler off, one thread each."""

    def state() -> tuple[object, bool, bool]:
        import sys

        import dask

        profiler = dask.config.get("distributed.worker.profile.enabled")
        return profiler, "riac_scraper.reextract" in sys.modules, "pandas" in sys.modules

    with module._dask_client(None, 2) as (client, slots):
        seen = client.run(state)
        assert slots == 2 and sorted(client.nthreads().values()) == [1, 1]
    assert list(seen.values()) == [(False, True, True)] * 2


def test_a_local_cluster_on_one_file_gives_the_serial_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "MIN_RANGE_BYTES", 10_000)
    path = big_archive(tmp_path, 12)
    serial, cluster = tmp_path / "serial", tmp_path / "cluster"
    for root in (serial, cluster):
        (root / "archive").mkdir(parents=True)
        shutil.copy(path, root / "archive" / path.name)
    reextract([str(serial / "archive")], serial)
    reextract([str(cluster / "archive")], cluster, workers=2, dask=True)
    assert_one_truth(cluster, serial)


def test_importing_reextract_brings_pandas_that_pyarrow_would_load_in_a_workers_first_task() -> None:
    """In a fresh interpreter (this one has pandas already): the module's import
    loads pandas, so that a forked or cluster worker does not load it mid-task."""
    import subprocess
    import sys

    code = "import sys, riac_scraper.reextract; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_command_line_starts_without_scrapy_or_the_crawl() -> None:
    """``riac`` imports the crawl's modules (and Scrapy) only in the commands
    that use them, not in every command's start."""
    import subprocess
    import sys

    code = (
        "import sys, riac_scraper.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'scrapy', 'twisted'}), "
        "[m for m in sys.modules if m.startswith('riac_scraper.crawl')])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] []"


def test_ctrl_c_before_any_part_is_read_leaves_nothing_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from riac_scraper import cli

    path = write_warc(tmp_path / "a.warc.gz", pages())

    def interrupted(*args: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(module, "extract_file", interrupted)
    output = tmp_path / "out"
    assert cli.main(["reextract", str(path), "--output", str(output)]) == 130
    assert capsys.readouterr().err.strip() == (
        "riac: re-extraction interrupted before any rows were read; nothing is staged"
    )
    assert not (output / ".staging").exists()
    assert cli.main(["recover", str(output)]) == 0
    assert "nothing to recover" in capsys.readouterr().out
