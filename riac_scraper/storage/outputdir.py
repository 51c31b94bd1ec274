"""The output directory: checked for writability before the first request,
and written by one process at a time.

The lock is an exclusive ``flock`` on ``<output>/.lock``, held for the whole
crawl (or re-extraction) and released by the operating system when the
process ends, however it ends.  The file holds the holder's PID, so that a
second writer can name it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
from pathlib import Path

LOCK_NAME = ".lock"
_HELD: set[Path] = set()  # the directories whose lock this process holds


class OutputError(Exception):
    """The output directory cannot be used; the message is one line for the user."""


def describe(exc: BaseException) -> str:
    """``ENOSPC: No space left on device: output/articles/...`` for an OSError, else the exception."""
    if isinstance(exc, OSError) and exc.errno is not None:
        name = errno.errorcode.get(exc.errno, str(exc.errno))
        where = f": {exc.filename}" if exc.filename else ""
        return f"{name}: {exc.strerror}{where}"
    return f"{type(exc).__name__}: {exc}"


def check_writable(root: Path, what: str = "output directory") -> None:
    """Create ``root`` if needed and write a file in it, or raise OutputError."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".write-test-{secrets.token_hex(4)}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write to the {what} {root}: {describe(exc)}") from exc


class OutputLock:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self._file: int | None = None

    def acquire(self) -> OutputLock:
        check_writable(self.root)
        fd = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise OutputError(
                f"the output directory {self.root} is in use by another crawl (PID {holder}); "
                "wait for it to end or choose another output directory"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._file = fd
        _HELD.add(self.root)
        return self

    def release(self) -> None:
        if self._file is not None:
            _HELD.discard(self.root)
            with contextlib.suppress(OSError):  # naming nobody is a courtesy: the lock is let go regardless
                os.ftruncate(self._file, 0)
            os.close(self._file)  # closing the descriptor releases the flock
            self._file = None

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def hold(root: str | os.PathLike[str]) -> OutputLock | None:
    """Take the lock of ``root`` unless this process holds it already; returns
    the new lock (for the caller to release), or None when already held."""
    if Path(root).resolve() in _HELD:
        return None
    return OutputLock(root).acquire()
