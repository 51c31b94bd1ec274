"""``riac verify``, in-process, on outputs re-extracted here from WARC files
written here: sound, then broken one way at a time."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from riac_scraper import cli
from riac_scraper.reextract import reextract
from riac_scraper.storage.outputdir import OutputLock
from riac_scraper.storage.verify import verify
from tests.conftest import page_html, write_warc
from tests.test_reextract_records import ARTICLES, member_starts, pages


@pytest.fixture
def output(tmp_path: Path) -> Path:
    root = tmp_path / "out"
    (root / "archive").mkdir(parents=True)
    write_warc(root / "archive" / "crawl-00001.warc.gz", pages())
    reextract([str(root / "archive")], root)
    return root


def article_file(root: Path) -> Path:
    (path,) = sorted((root / "articles").glob("lang=*/*.parquet"))
    return path


def rewrite(root: Path, column: str, change: object) -> None:
    """The articles file with one column of its first row changed (or the column dropped, for None)."""
    path = article_file(root)
    table = pq.read_table(path)
    if change is None:
        table = table.drop_columns([column])
    else:
        values = table.column(column).to_pylist()
        values[0] = change(values[0]) if callable(change) else change
        table = table.set_column(
            table.schema.get_field_index(column), column, pa.array(values, table.schema.field(column).type)
        )
    pq.write_table(table, path)


def test_a_sound_output_has_no_problem(output: Path) -> None:
    result = verify(output)
    assert result.problems == {} and result.rows == 3 and result.records == 3
    assert result.lines() == [f"riac: {output} is sound: 3 article rows, 3 archive records checked"]


def test_a_moved_archive_file_is_a_problem_per_row(output: Path) -> None:
    (output / "moved").mkdir()
    (output / "archive" / "crawl-00001.warc.gz").rename(output / "moved" / "crawl-00001.warc.gz")
    assert verify(output).problems == {"row whose archive file is missing": 3}
    assert verify(output, output / "moved").problems == {}  # the file found where --archive says


@pytest.mark.parametrize("shift", [1, 7, 10**9])
def test_a_tampered_offset_is_a_problem(output: Path, shift: int) -> None:
    rewrite(output, "warc_offset", lambda offset: max(offset + shift, 0))
    problems = verify(output).problems
    assert sum(problems.values()) == 1 and not problems.get("row whose archive file is missing")


def test_an_offset_of_another_pages_record_is_a_problem(output: Path) -> None:
    offsets = pq.read_table(article_file(output)).column("warc_offset").to_pylist()
    rewrite(output, "warc_offset", offsets[1])
    assert verify(output).problems == {"row whose record is another page's": 1}


@pytest.mark.parametrize("name", ["../crawl-00001.warc.gz", "/etc/passwd", "a/b.warc.gz", ""])
def test_a_warc_file_that_leaves_the_archive_folder_is_never_opened(output: Path, name: str) -> None:
    rewrite(output, "warc_file", name)
    assert verify(output).problems == {"row whose archive pointer is no file and offset": 1}


def test_a_payload_that_does_not_match_its_digest_is_a_problem(output: Path) -> None:
    path = output / "archive" / "crawl-00001.warc.gz"
    data = path.read_bytes()
    starts = [*member_starts(path), len(data)]
    member = gzip.decompress(data[starts[2] : starts[3]])  # the last record: no offset after it moves
    title = page_html(ARTICLES[2]).split("<title>")[1][:5].encode()
    changed = member.replace(title, title[::-1], 1)  # same length: only the digest can tell
    assert changed != member
    path.write_bytes(data[: starts[2]] + gzip.compress(changed, mtime=0))
    assert verify(output).problems == {"row whose record does not read": 1}


def test_staging_left_behind_and_a_held_lock_are_problems(output: Path) -> None:
    (output / ".staging" / "20261202T000000Z-abcdef").mkdir(parents=True)
    with OutputLock(output):
        problems = verify(output).problems
    assert problems == {
        "staged rows left behind (riac recover folds them in)": 1,
        "output lock held (a crawl is running)": 1,
    }
    shutil.rmtree(output / ".staging")
    assert verify(output).problems == {}  # the lock was released


def test_a_file_of_an_older_version_or_one_that_does_not_read_is_a_problem(output: Path) -> None:
    rewrite(output, "suspect_fields", None)
    assert verify(output).problems == {
        "dataset file of an older version (riac recover or the next crawl rewrites it)": 1
    }
    article_file(output).write_bytes(b"PAR1 not really")
    problems = verify(output).problems
    assert problems == {"dataset file that does not read": 1}


def test_the_command_exits_0_1_and_2(output: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["verify", str(output)]) == 0
    assert "is sound" in capsys.readouterr().out
    rewrite(output, "warc_offset", 10**9)
    assert cli.main(["verify", str(output)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"riac: {output}: 1 problem(s)"
    assert err[1].startswith("riac:   1 row whose record is past the end of its file, e.g. https://")
    assert cli.main(["verify", str(tmp_path / "nowhere")]) == 2


def test_the_staging_of_the_crawl_a_job_directory_resumes_is_expected(output: Path, tmp_path: Path) -> None:
    crawl = "20261202T000000Z-abcdef"
    (output / ".staging" / crawl).mkdir(parents=True)
    jobdir = tmp_path / "job"
    jobdir.mkdir()
    assert verify(output, jobdir=jobdir).problems  # no journal: nothing to resume
    (jobdir / "riac-journal.txt").write_text(f"crawl {crawl}\n", "utf-8")
    assert verify(output, jobdir=jobdir).problems == {}
    (output / ".staging" / "20261201T000000Z-012345").mkdir()
    assert verify(output, jobdir=jobdir).problems == {"staged rows left behind (riac recover folds them in)": 1}
    (jobdir / "riac-journal.txt").write_text("crawl ../../output\n", "utf-8")
    assert cli.main(["verify", str(output), "--jobdir", str(jobdir)]) == 2


def test_an_output_without_datasets_is_a_problem_unless_its_first_crawl_is_resumed(tmp_path: Path) -> None:
    root, jobdir, crawl = tmp_path / "out", tmp_path / "job", "20261202T000000Z-abcdef"
    (root / ".staging" / crawl).mkdir(parents=True)
    jobdir.mkdir()
    assert set(verify(root).problems) == {"no articles dataset", "staged rows left behind (riac recover folds them in)"}
    (jobdir / "riac-journal.txt").write_text(f"crawl {crawl}\n", "utf-8")
    assert verify(root, jobdir=jobdir).problems == {}


@pytest.mark.parametrize(("crawl", "check", "status"), [(0, 0, 0), (0, 1, 1), (1, 0, 1), (3, 1, 3)])
def test_the_scheduled_crawl_fails_when_verify_fails(tmp_path: Path, crawl: int, check: int, status: int) -> None:
    """The script's status: the crawl's, or riac verify's when the crawl passed."""
    import os
    import subprocess

    from tests.conftest import ROOT

    fake = tmp_path / "riac"
    log = tmp_path / "calls"
    fake.write_text(
        f'#!/usr/bin/env bash\necho "$*" >> {log}\nmkdir -p {tmp_path}/state/output\n'
        f'case "$1" in crawl) exit {crawl};; verify) exit {check};; esac\n',
        "utf-8",
    )
    fake.chmod(0o755)
    env = {**os.environ, "RIAC": str(fake), "RIAC_STATE": str(tmp_path / "state")}
    env.pop("GITHUB_STEP_SUMMARY", None)
    run = subprocess.run(["bash", ".github/scripts/scheduled-crawl.sh"], cwd=ROOT, env=env, check=False)
    assert run.returncode == status
    calls = log.read_text("utf-8").splitlines()
    assert calls[0].startswith("crawl --output ") and calls[1] == (
        f"verify {tmp_path}/state/output --jobdir {tmp_path}/state/job"
    )
