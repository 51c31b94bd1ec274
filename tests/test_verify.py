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


# ------------------------------------------------------------------ the report, word for word
# An analyst acts on the example a problem names: each kind's count and first example are checked exactly.

WARC = "crawl-00001.warc.gz"


def column(root: Path, name: str) -> list:
    return pq.read_table(article_file(root)).column(name).to_pylist()


def set_column(root: Path, name: str, values: list) -> None:
    path = article_file(root)
    table = pq.read_table(path)
    field = table.schema.field(name)
    pq.write_table(table.set_column(table.schema.get_field_index(name), field, pa.array(values, field.type)), path)


def report(root: Path, *problems: str) -> list[str]:
    return [f"riac: {root}: {sum(int(p.split()[0]) for p in problems)} problem(s)", *(f"riac:   {p}" for p in problems)]


def test_each_kind_is_counted_once_with_its_first_record_as_example(output: Path) -> None:
    urls, offsets = column(output, "url"), column(output, "warc_offset")
    size = (output / "archive" / WARC).stat().st_size
    set_column(output, "warc_offset", [size, 10**9, offsets[0]])  # the end exactly, past it, another page's
    result = verify(output)
    assert result.lines() == report(
        output,
        f"1 row whose record is another page's, e.g. {urls[2]}: {WARC} at {offsets[0]} is response {urls[0]}",
        f"2 row whose record is past the end of its file, e.g. {urls[0]}: {WARC} at {size}",
    )
    assert (result.rows, result.records) == (3, 3)


@pytest.mark.parametrize(
    ("name", "offset"),
    [(".", 0), ("..", 0), ("a\\b.warc.gz", 0), ("a\0b.warc.gz", 0), (None, 5), (WARC, None), (WARC, -1)],
)
def test_a_pointer_that_is_no_file_and_offset_is_reported_as_it_reads(
    output: Path, name: str | None, offset: int | None
) -> None:
    url = column(output, "url")[0]
    rewrite(output, "warc_file", lambda _: name)
    rewrite(output, "warc_offset", lambda _: offset)
    result = verify(output)
    assert result.lines() == report(
        output, f"1 row whose archive pointer is no file and offset, e.g. {url}: {name!r} at {offset!r}"
    )
    assert (result.rows, result.records) == (3, 2)  # the other two rows' records were read


def test_a_row_archived_with_archiving_off_points_nowhere_and_is_no_problem(output: Path) -> None:
    rewrite(output, "warc_file", lambda _: None)
    rewrite(output, "warc_offset", lambda _: None)
    result = verify(output)
    assert (result.problems, result.rows, result.records) == ({}, 3, 2)


def test_an_example_is_cut_at_300_characters(output: Path) -> None:
    url, offset = column(output, "url")[0], column(output, "warc_offset")[0]
    name = "a/" + "b" * 400
    rewrite(output, "warc_file", name)
    example = f"{url}: {name!r} at {offset!r}"[:300]
    assert verify(output).lines()[1] == f"riac:   1 row whose archive pointer is no file and offset, e.g. {example}"


def last_record_changed(root: Path, change: object) -> tuple[str, int]:
    """The archive's last record rewritten by ``change`` (its bytes, ungzipped); returns its row's URL and offset."""
    path = root / "archive" / WARC
    data = path.read_bytes()
    start = member_starts(path)[-1]
    path.write_bytes(data[:start] + gzip.compress(change(gzip.decompress(data[start:])), mtime=0))
    offsets = column(root, "warc_offset")
    return column(root, "url")[offsets.index(start)], start


def test_a_record_cut_short_is_named_as_cut(output: Path) -> None:
    url, at = last_record_changed(output, lambda record: record[:-104] + b"\r\n\r\n")  # Content-Length says more
    assert verify(output).lines() == report(output, f"1 row whose record is cut short, e.g. {url}: {WARC} at {at}")


def test_a_record_without_a_payload_digest_is_named(output: Path) -> None:
    def undigested(record: bytes) -> bytes:
        return b"\r\n".join(line for line in record.split(b"\r\n") if not line.startswith(b"WARC-Payload-Digest:"))

    url, at = last_record_changed(output, undigested)
    assert verify(output).lines() == report(
        output, f"1 row whose record has no payload digest, e.g. {url}: {WARC} at {at}"
    )


def test_a_file_that_does_not_read_is_named_with_its_error(output: Path) -> None:
    path = article_file(output)
    path.write_bytes(b"PAR1 not really")
    assert verify(output).lines() == report(output, f"1 dataset file that does not read, e.g. {path}: ArrowInvalid")


def test_missing_and_retyped_columns_are_named_five_at_most(output: Path) -> None:
    path = article_file(output)
    table = pq.read_table(path)
    names = [name for name in table.schema.names if name not in ("url", "warc_file", "warc_offset")]
    dropped, retyped = names[:6], names[6:12]
    table = table.drop_columns(dropped)
    for name in retyped:
        table = table.set_column(table.schema.get_field_index(name), name, pa.array([None] * 3, pa.large_string()))
    pq.write_table(table, path)
    lines = verify(output).lines()
    assert lines[1:] == [
        f"riac:   1 column of another type, e.g. {path}: {', '.join(retyped[:5])}",
        f"riac:   1 dataset file of an older version (riac recover or the next crawl rewrites it), "
        f"e.g. {path}: no {', '.join(dropped[:5])}",
    ]


def test_a_lock_held_names_its_holder_or_says_it_is_unknown(output: Path) -> None:
    import fcntl
    import os

    from riac_scraper.storage.outputdir import LOCK_NAME

    with OutputLock(output):
        assert verify(output).lines() == report(
            output, f"1 output lock held (a crawl is running), e.g. PID {os.getpid()}"
        )
    lock = output / LOCK_NAME
    lock.write_bytes(b"")
    with lock.open("rb") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        assert verify(output).lines()[1] == "riac:   1 output lock held (a crawl is running), e.g. PID unknown"
    assert verify(output).problems == {}  # a lock file no one holds is no problem


def test_a_mirror_crawls_archive_is_read_with_the_base_url_its_warcinfo_names(tmp_path: Path) -> None:
    import io

    from warcio.warcwriter import WARCWriter

    base = "http://127.0.0.1:8123"
    root = tmp_path / "out"
    (root / "archive").mkdir(parents=True)
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(writer.create_warcinfo_record(WARC, {"riac-base-url": base}))
    mirrored = [(url.replace("https://russiancouncil.ru", base), body) for url, body in pages()]
    records = write_warc(tmp_path / "m.warc.gz", mirrored).read_bytes()
    (root / "archive" / WARC).write_bytes(buffer.getvalue() + records)
    reextract([str(root / "archive")], root)
    result = verify(root)
    assert (result.problems, result.records) == ({}, 3)  # read as the mirror's URLs, they would be another site's


def test_the_rows_after_a_record_that_does_not_read_are_read(output: Path) -> None:
    urls, offsets = column(output, "url"), column(output, "warc_offset")
    set_column(output, "warc_offset", [1, 2, offsets[2]])  # inside the first record: no record starts there
    result = verify(output)
    assert result.lines() == report(
        output, f"2 row whose record does not read, e.g. {urls[0]}: {WARC} at 1: ArchiveLoadFailed"
    )
    assert result.records == 3


def test_a_missing_archive_file_is_named_with_its_path(output: Path) -> None:
    first = column(output, "url")[column(output, "warc_offset").index(0)]
    (output / "archive" / WARC).unlink()
    assert verify(output).lines() == report(
        output, f"3 row whose archive file is missing, e.g. {first}: {output / 'archive' / WARC}"
    )


def test_no_dataset_and_staging_left_behind_are_named_with_their_paths(tmp_path: Path) -> None:
    root = tmp_path / "out"
    (root / ".staging" / "20261202T000000Z-abcdef").mkdir(parents=True)
    assert verify(root).lines() == report(
        root,
        f"1 no articles dataset, e.g. {root / 'articles'}",
        f"1 staged rows left behind (riac recover folds them in), e.g. {root / '.staging' / '20261202T000000Z-abcdef'}",
    )


def test_every_dataset_file_is_read_whichever_of_them_does_not(output: Path) -> None:
    english = article_file(output)
    russian = output / "articles" / "lang=ru" / "part-0.parquet"
    russian.parent.mkdir()
    shutil.copy(english, russian)
    english.write_bytes(b"PAR1 not really")
    result = verify(output)
    assert result.lines() == report(output, f"1 dataset file that does not read, e.g. {english}: ArrowInvalid")
    assert (result.rows, result.records) == (3, 3)  # the Russian copy's rows, read after the broken file
    russian.write_bytes(b"PAR1 not really")
    assert verify(output).problems == {"dataset file that does not read": 2}


def test_a_holder_is_named_by_its_first_64_bytes_whatever_they_are(output: Path) -> None:
    import fcntl

    from riac_scraper.storage.outputdir import LOCK_NAME

    lock = output / LOCK_NAME
    lock.write_bytes(b"\xff" + b"7" * 70)
    with lock.open("rb") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        line = verify(output).lines()[1]
    assert line == "riac:   1 output lock held (a crawl is running), e.g. PID \ufffd" + "7" * 63


def test_a_record_without_content_length_is_read_to_its_members_end(output: Path) -> None:
    def unmeasured(record: bytes) -> bytes:
        head, blank, rest = record.partition(b"\r\n\r\n")
        return b"\r\n".join(ln for ln in head.split(b"\r\n") if not ln.startswith(b"Content-Length:")) + blank + rest

    last_record_changed(output, unmeasured)
    result = verify(output)  # the payload digest still vouches for the bytes
    assert (result.problems, result.records) == ({}, 3)


def test_a_record_with_no_target_is_another_pages_with_no_uri(tmp_path: Path) -> None:
    import io

    from warcio.warcwriter import WARCWriter

    root = tmp_path / "out"
    (root / "archive").mkdir(parents=True)
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(writer.create_warcinfo_record(WARC, {"software": "test"}))
    records = write_warc(tmp_path / "m.warc.gz", pages()).read_bytes()
    (root / "archive" / WARC).write_bytes(buffer.getvalue() + records)
    reextract([str(root / "archive")], root)
    url = column(root, "url")[0]
    rewrite(root, "warc_offset", 0)
    assert verify(root).lines() == report(
        root, f"1 row whose record is another page's, e.g. {url}: {WARC} at 0 is warcinfo "
    )


def test_a_row_without_a_url_is_reported_with_an_empty_one(output: Path) -> None:
    rewrite(output, "url", lambda _: None)
    rewrite(output, "warc_file", ".")
    assert verify(output).lines() == report(
        output, "1 row whose archive pointer is no file and offset, e.g. : '.' at 0"
    )
