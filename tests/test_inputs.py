"""Wrong input to the ``riac`` commands and the spider: one line naming it,
exit status 2, never a traceback and never a silently ignored value."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from scrapy.settings import Settings

from riac_scraper import cli
from riac_scraper.crawl.spider import SpiderArgumentError, check_arguments, read_url_file
from riac_scraper.crawl.thresholds import KNOWN_SETTINGS, SettingError, check_setting_names

URL = "https://russiancouncil.ru/en/analytics-and-comments/analytics/the-helsinki-summit-the-beginning-of-a-journey/"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        status = cli.main(list(argv))
    except SystemExit as exc:  # argparse's own errors
        status = int(exc.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err.strip().splitlines()[-1] if err.strip() else ""


def test_a_url_file_that_is_not_utf8_is_refused_and_a_bom_is_no_url(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("https://russiancouncil.ru/en/\n# caf\xe9\n".encode("latin-1"))
    with pytest.raises(SpiderArgumentError, match=rf"^urls file is not UTF-8 text: {latin} \(byte \d+\)$"):
        check_arguments({"urls": str(latin)})
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + URL.encode() + b"\n")
    check_arguments({"urls": str(bom)})
    assert read_url_file(bom) == [URL]


def test_a_misspelled_setting_names_the_one_meant() -> None:
    with pytest.raises(SettingError, match=r"^unknown setting RIAC_MIN_ARTICLE; did you mean RIAC_MIN_ARTICLES\?$"):
        check_setting_names(Settings({"RIAC_MIN_ARTICLE": "5"}))
    with pytest.raises(SettingError, match=r"^unknown setting RIAC_ZZZ; riac_scraper/settings.py lists"):
        check_setting_names(Settings({"RIAC_ZZZ": "5"}))
    check_setting_names(Settings({name: "1" for name in KNOWN_SETTINGS} | {"DOWNLOAD_DELAY": 2}))
    assert {"RIAC_OUTPUT", "RIAC_WRITE_DATASETS", "RIAC_PROBE", "RIAC_MIN_ARTICLES"} <= KNOWN_SETTINGS


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["reextract", "x.warc.gz", "--output", "o", "--workers", "0"], "argument --workers: takes a number of 1"),
        (["reextract", "x.warc.gz", "--output", "o", "--workers", "-2"], "argument --workers: takes a number of 1"),
        (["mirror", "--port", "99999"], "argument --port: a port is a number from 0 to 65535, got '99999'"),
        (["mirror", "--root", "/nonexistent/mirror"], "riac: --root is not a directory: /nonexistent/mirror"),
        (["recover", "/nonexistent/output"], "riac: no such dataset directory: /nonexistent/output"),
    ],
)
def test_wrong_arguments_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, line = run(capsys, *argv)
    assert status == 2 and message in line


def test_extract_refuses_a_page_that_is_not_the_sites(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>T</h1></body></html>")
    status, line = run(capsys, "extract", str(page), "--url", "https://example.com/x")
    assert (status, line) == (
        2,
        "riac: --url must be the page's address on russiancouncil.ru, got 'https://example.com/x'",
    )


def test_mirror_on_a_port_in_use_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, line = run(capsys, "mirror", "--port", str(port))
    assert status == 2 and line.startswith(f"riac: cannot serve on 127.0.0.1:{port}: ")


@pytest.mark.parametrize("argv", [["--pages", "0"], ["--large", "-1", "--commit"], ["--sample", "0"], ["--new", "-1"]])
def test_the_benchmark_refuses_sizes_it_cannot_measure(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    status, line = run(capsys, "bench", *argv)
    assert status == 2 and "take" in line and line.startswith("riac bench: error: --")


@pytest.mark.parametrize("crawl_id", ["../../output", "../../../victim", "20261202T000000Z-abc/../x", "", "x y"])
def test_a_tampered_journal_crawl_id_is_one_line_and_deletes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, crawl_id: str
) -> None:
    job, output, victim = tmp_path / "state" / "job", tmp_path / "state" / "output", tmp_path / "victim"
    for folder in (job, output / "articles", victim):
        folder.mkdir(parents=True)
    (output / "articles" / "keep.parquet").write_bytes(b"rows")
    (job / "riac-journal.txt").write_text(f"crawl {crawl_id}\nrequest listing https://russiancouncil.ru/en/\n")
    status, line = run(
        capsys, "crawl", "--output", str(output), "-s", f"JOBDIR={job}", "-a", "base_url=http://127.0.0.1:9"
    )
    assert status == 2 and line.startswith("riac: ") and "which is no crawl id: move the job directory away" in line
    assert (output / "articles" / "keep.parquet").read_bytes() == b"rows" and victim.is_dir()


def test_a_journal_that_is_not_text_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    job = tmp_path / "job"
    job.mkdir()
    (job / "riac-journal.txt").write_bytes(b"crawl \xff\xfe\n")
    status, line = run(
        capsys, "crawl", "--output", str(tmp_path / "o"), "-s", f"JOBDIR={job}", "-a", "base_url=http://127.0.0.1:9"
    )
    assert status == 2 and "is not a crawl journal (not UTF-8 text at byte 6)" in line


def test_a_store_refuses_a_crawl_id_that_is_a_path(tmp_path: Path) -> None:
    from riac_scraper.storage.store import DatasetStore

    with pytest.raises(ValueError, match="names files"):
        DatasetStore(tmp_path, crawl_id="../x")
