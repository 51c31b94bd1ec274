"""``riac reextract`` on what a user hands it: archive folders, several
crawls' archives, a crawl's own output, and damaged or foreign files."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pandas as pd
import pytest

from riac_scraper import reextract as module
from riac_scraper.devtools.mirror import Mirror
from riac_scraper.reextract import ArchiveError, archive_paths, reextract
from tests.conftest import SITE, assert_one_truth, one_line, run_crawl, run_riac, write_warc

pytestmark = pytest.mark.e2e


def warc(output: Path) -> Path:
    (path,) = sorted((output / "archive").glob("*.warc.gz"))
    return path


def test_an_archive_folder_is_its_warc_files(clean_crawl: Path, tmp_path: Path) -> None:
    assert archive_paths([str(clean_crawl / "archive")]) == sorted((clean_crawl / "archive").glob("*.warc.gz"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ArchiveError, match=r"^no WARC file \(\*\.warc\.gz, \*\.warc\) in "):
        archive_paths([str(tmp_path / "empty")])


def test_reextracting_into_the_crawls_own_output_changes_nothing(clean_crawl: Path, tmp_path: Path) -> None:
    output = tmp_path / "own"
    shutil.copytree(clean_crawl, output)
    reextract([str(output / "archive")], output)
    assert_one_truth(output, clean_crawl)  # no second snapshot of a poll, listing_hash kept
    assert pd.read_parquet(output / "articles")["listing_hash"].notna().all()


def test_the_archives_of_two_crawls_keep_each_crawls_poll_snapshots(tmp_path: Path) -> None:
    output = tmp_path / "two"
    with Mirror(SITE) as server:
        for _ in range(2):
            assert run_crawl(server.base_url, output, "-a", "full=1").returncode == 0
    crawled = pd.read_parquet(output / "polls")
    assert crawled["crawl_id"].nunique() == 2
    again = tmp_path / "again"
    reextract([str(output / "archive")], again)
    polls = pd.read_parquet(again / "polls")
    assert len(polls) == len(crawled)
    columns = ["crawl_id", "poll_id", "option_index", "votes", "observed_at"]
    key = ["crawl_id", "poll_id", "option_index"]
    pd.testing.assert_frame_equal(
        polls[columns].sort_values(key).reset_index(drop=True), crawled[columns].sort_values(key).reset_index(drop=True)
    )


def test_a_cut_archive_gives_a_failure_row_naming_file_and_offset_and_exit_1(clean_crawl: Path, tmp_path: Path) -> None:
    data = warc(clean_crawl).read_bytes()
    start = data.index(b"\x1f\x8b\x08", len(data) * 2 // 3)  # a record's gzip member: cut inside it
    end = data.index(b"\x1f\x8b\x08", start + 1)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: (start + end) // 2])
    result = run_riac("reextract", str(cut), "--output", str(tmp_path / "out"))
    assert result.returncode == 1
    assert one_line(result.stderr).startswith("riac: damaged archive record in cut.warc.gz at offset ")
    failures = pd.read_parquet(tmp_path / "out" / "failures")
    (reason,) = failures.loc[failures["stage"] == "archive", "reason"]
    assert "cut.warc.gz at offset" in reason
    assert len(pd.read_parquet(tmp_path / "out" / "articles")) > 0  # what came before the cut is kept


def test_a_corrupt_gzip_member_in_the_middle_is_a_failure_row(clean_crawl: Path, tmp_path: Path) -> None:
    data = bytearray(warc(clean_crawl).read_bytes())
    middle = len(data) // 2
    start = data.index(b"\x1f\x8b\x08", middle)  # a member's header: garble its compressed bytes
    data[start + 20 : start + 60] = b"\x00" * 40
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(bytes(data))
    result = run_riac("reextract", str(bad), "--output", str(tmp_path / "out"))
    assert result.returncode == 1
    assert one_line(result.stderr).startswith("riac: damaged archive record in bad.warc.gz at offset ")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"<html><body>not an archive</body></html>", "is not a readable WARC file: ", id="html"),
        pytest.param(gzip.compress(b"just some text\n", mtime=0), "is not a readable WARC file", id="gzip-text"),
        pytest.param(b"", "is not a readable WARC file: no WARC record in it", id="empty"),
    ],
)
def test_a_file_that_is_no_warc_is_one_line_and_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "not.warc.gz"
    path.write_bytes(content)
    result = run_riac("reextract", str(path), "--output", str(tmp_path / "out"))
    assert result.returncode == 2 and message in one_line(result.stderr)
    assert not (tmp_path / "out" / ".staging").exists()


def test_an_unreachable_scheduler_is_one_line_within_its_timeout(clean_crawl: Path, tmp_path: Path) -> None:
    result = run_riac(
        "reextract",
        str(clean_crawl / "archive"),
        "--output",
        str(tmp_path / "o"),
        "--scheduler",
        "tcp://127.0.0.1:9",
        timeout=40,
    )
    assert result.returncode == 2
    assert one_line(result.stderr) == "riac: cannot reach the Dask scheduler tcp://127.0.0.1:9 within 10s"


def test_ctrl_c_exits_130_and_leaves_what_was_read_for_recover(
    clean_crawl: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from riac_scraper import cli

    archives = tmp_path / "archives"
    archives.mkdir()
    for n in range(2):
        shutil.copy(warc(clean_crawl), archives / f"part-{n}.warc.gz")
    real = module.extract_file
    calls = []

    def interrupted(path: object, run_id: str = "", start: int = 0, stop: int | None = None) -> object:
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(path, run_id, start, stop)

    monkeypatch.setattr(module, "extract_file", interrupted)
    output = tmp_path / "out"
    assert cli.main(["reextract", str(archives), "--output", str(output)]) == 130
    assert "riac recover" in capsys.readouterr().err
    assert list((output / ".staging").iterdir())
    assert cli.main(["recover", str(output)]) == 0
    assert len(pd.read_parquet(output / "articles")) == len(pd.read_parquet(clean_crawl / "articles"))


def test_a_warc_of_another_site_says_so_and_exits_1(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "other.warc.gz", {"https://example.com/": b"<html><body>Elsewhere</body></html>"})
    result = run_riac("reextract", str(path), "--output", str(tmp_path / "out"))
    assert result.returncode == 1
    assert one_line(result.stderr) == (
        "riac: other.warc.gz holds 1 responses and no page of https://russiancouncil.ru: a WARC of another site?"
    )


def test_a_home_or_listing_page_whose_html_is_json_gives_no_traceback(tmp_path: Path) -> None:
    pages = {
        "https://russiancouncil.ru/en/": b'{"not": "html"}',
        "https://russiancouncil.ru/en/news/": b"[1, 2, 3]",
    }
    result = run_riac("reextract", str(write_warc(tmp_path / "json.warc.gz", pages)), "--output", str(tmp_path / "out"))
    assert result.returncode == 0 and b"Traceback" not in result.stderr


def _tampered(clean: Path, where: Path, **values: object) -> str:
    """A copy of the clean crawl's output with one article row's columns changed; its id."""
    shutil.copytree(clean, where)
    part = where / "articles" / "lang=en" / "part-0.parquet"
    table = pd.read_parquet(part)
    for column, value in values.items():
        table[column] = table[column].astype(object)
        table.at[0, column] = value
    table.to_parquet(part)
    return str(table.at[0, "article_id"])


@pytest.mark.parametrize("name", ["../../outside.warc.gz", "/etc/passwd", "..", "a\\\\b.warc.gz"])
def test_show_page_follows_no_warc_file_out_of_the_archive(clean_crawl: Path, tmp_path: Path, name: str) -> None:
    article = _tampered(clean_crawl, tmp_path / "out", warc_file=name)
    result = run_riac("show-page", article, "--output", str(tmp_path / "out"))
    assert result.returncode == 2 and "names no archive record" in one_line(result.stderr)


def test_show_page_checks_that_the_record_is_the_rows_page(clean_crawl: Path, tmp_path: Path) -> None:
    articles = pd.read_parquet(clean_crawl / "articles" / "lang=en" / "part-0.parquet")
    other = int(articles.at[1, "warc_offset"])  # another article's record
    article = _tampered(clean_crawl, tmp_path / "out", warc_offset=other)
    result = run_riac("show-page", article, "--output", str(tmp_path / "out"))
    assert result.returncode == 1
    assert f"is not {articles.at[0, 'url']} (it is response " in one_line(result.stderr)
