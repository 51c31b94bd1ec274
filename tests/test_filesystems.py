"""Real file-system faults, not simulated ones: an archive on a tmpfs too
small for it and a read-only bind mount, each in a private mount namespace
(``unshare -m``, which needs root; skipped without it)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from riac_scraper.devtools.mirror import Mirror
from riac_scraper.storage.verify import verify
from tests.conftest import ROOT, SITE

pytestmark = pytest.mark.e2e


def _namespaces() -> bool:
    try:
        return subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


needs_namespaces = pytest.mark.skipif(not _namespaces(), reason="unshare -m needs root and util-linux")


def crawl_in_namespace(setup: str, output: Path, archive: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    """``riac crawl`` of the mirror after ``setup`` (mount commands) in a private mount namespace."""
    command = [
        sys.executable, "-m", "riac_scraper.cli", "crawl", "--output", str(output), "-a", f"base_url={base_url}",
        "-s", f"RIAC_ARCHIVE={archive}", "-s", "LOG_LEVEL=WARNING",
    ]  # fmt: skip
    script = f"set -e\n{setup}\nexec {shlex.join(command)}\n"
    return subprocess.run(
        ["unshare", "-m", "bash", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
    )


@needs_namespaces
def test_an_archive_that_fills_its_disk_fails_the_crawl_and_no_row_points_past_it(tmp_path: Path) -> None:
    output, small = tmp_path / "out", tmp_path / "small"
    small.mkdir()
    with Mirror(SITE) as server:
        setup = f"mount -t tmpfs -o size=64k tmpfs {shlex.quote(str(small))}\nmkdir {shlex.quote(str(small))}/archive"
        result = crawl_in_namespace(setup, output, small / "archive", server.base_url)
    assert result.returncode == 1, result.stderr[-2000:]
    report = json.loads((output / "crawl-report.json").read_text("utf-8"))
    assert not report["passed"]
    assert any("ENOSPC" in problem for problem in report["problems"]), report["problems"]
    # The tmpfs is gone with its namespace, so every archive pointer now points nowhere: the rows that
    # have one were written before the disk filled, and the rows after it have none.
    articles = pd.read_parquet(output / "articles")
    assert articles["warc_file"].isna().any(), "the disk never filled: make the tmpfs smaller"
    problems = verify(output).problems
    assert set(problems) <= {"row whose archive file is missing"}
    assert problems.get("row whose archive file is missing", 0) == articles["warc_file"].notna().sum()


@needs_namespaces
def test_a_read_only_archive_folder_fails_the_crawl_before_its_first_request(tmp_path: Path) -> None:
    output, archive = tmp_path / "out", tmp_path / "archive"
    archive.mkdir()
    folder = shlex.quote(str(archive))
    with Mirror(SITE) as server:
        setup = f"mount --bind {folder} {folder}\nmount -o remount,bind,ro {folder}"
        result = crawl_in_namespace(setup, output, archive, server.base_url)
    assert result.returncode == 2, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert "EROFS" in last and str(archive) in last and "Traceback" not in result.stderr
    assert not (output / "articles").exists()
