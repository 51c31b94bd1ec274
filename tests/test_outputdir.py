"""The output directory (storage/outputdir.py): checked for writing before a
crawl starts, locked against a second writer, and every failure one line."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from riac_scraper.storage.outputdir import LOCK_NAME, OutputError, OutputLock, check_writable, describe, hold


@pytest.mark.parametrize(
    ("exc", "line"),
    [
        (
            OSError(errno.ENOSPC, "No space left on device", "out/articles/x.parquet"),
            "ENOSPC: No space left on device: out/articles/x.parquet",
        ),
        (OSError(errno.EROFS, "Read-only file system"), "EROFS: Read-only file system"),
        (OSError(9999, "Strange"), "9999: Strange"),
        (OSError("no errno at all"), "OSError: no errno at all"),
        (ValueError("bad value"), "ValueError: bad value"),
    ],
)
def test_a_failure_is_described_by_its_error_name_and_file(exc: BaseException, line: str) -> None:
    assert describe(exc) == line


def test_a_missing_directory_is_made_and_nothing_is_left_in_it(tmp_path: Path) -> None:
    root = tmp_path / "a" / "b"
    check_writable(root)
    assert root.is_dir() and list(root.iterdir()) == []


def test_a_directory_that_cannot_be_made_is_one_line_naming_it(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    root = tmp_path / "file" / "out"
    with pytest.raises(OutputError) as raised:
        check_writable(root, "archive directory")
    assert str(raised.value) == f"cannot write to the archive directory {root}: ENOTDIR: Not a directory: {root}"
    with pytest.raises(OutputError, match=r"^cannot write to the output directory "):
        check_writable(root)


def test_a_second_writer_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    first = OutputLock(tmp_path).acquire()
    assert (tmp_path / LOCK_NAME).read_text() == f"{os.getpid()}\n"
    with pytest.raises(OutputError) as raised:
        OutputLock(tmp_path).acquire()  # a second open file: flock refuses it even in this process
    assert str(raised.value) == (
        f"the output directory {tmp_path.resolve()} is in use by another crawl (PID {os.getpid()}); "
        "wait for it to end or choose another output directory"
    )
    first.release()
    assert (tmp_path / LOCK_NAME).read_text() == ""  # a released lock names nobody
    first.release()  # releasing twice is harmless
    with OutputLock(tmp_path) as again:
        assert again.root == tmp_path.resolve()
        assert (tmp_path / LOCK_NAME).read_text() == f"{os.getpid()}\n"
    assert (tmp_path / LOCK_NAME).read_text() == ""


def test_a_holder_that_left_no_pid_is_unknown(tmp_path: Path) -> None:
    with OutputLock(tmp_path):
        (tmp_path / LOCK_NAME).write_text("")
        with pytest.raises(OutputError, match=r"\(PID unknown\)"):
            OutputLock(tmp_path).acquire()


def test_hold_takes_the_lock_once_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    lock = hold("out")
    assert lock is not None and lock.root == (tmp_path / "out").resolve()
    assert hold(tmp_path / "out") is None  # the same directory, however it is named
    assert hold(tmp_path / "other") is not None
    lock.release()
    again = hold("out")
    assert again is not None
    again.release()


def test_a_lock_never_taken_releases_as_a_no_op(tmp_path: Path) -> None:
    OutputLock(tmp_path).release()
    assert not (tmp_path / LOCK_NAME).exists()


def test_the_lock_file_is_readable_by_all_and_written_by_its_owner(tmp_path: Path) -> None:
    umask = os.umask(0)  # what the process's umask would take away is not the lock's choice
    try:
        with OutputLock(tmp_path):
            assert (tmp_path / LOCK_NAME).stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(umask)


@pytest.mark.parametrize(
    ("left", "named"),
    [(b"\xff\xfe 12", "\ufffd\ufffd 12"), (b"7" * 100, "7" * 64)],  # no PID one can read; 64 bytes at most
)
def test_a_holder_is_named_by_what_it_wrote_cut_and_made_readable(tmp_path: Path, left: bytes, named: str) -> None:
    with OutputLock(tmp_path):
        (tmp_path / LOCK_NAME).write_bytes(left)
        with pytest.raises(OutputError) as raised:
            OutputLock(tmp_path).acquire()
    assert f"(PID {named});" in str(raised.value)


def test_a_lock_is_let_go_even_when_its_file_cannot_be_emptied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lock = OutputLock(tmp_path).acquire()

    def failing(fd: int, length: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "ftruncate", failing)
    lock.release()
    monkeypatch.undo()
    with OutputLock(tmp_path):  # taken again: the first was let go
        assert hold(tmp_path) is None
