"""A crawl killed at any moment, from its first instants to its commit, and
resumed with the same arguments ends as an uninterrupted crawl ends: the
same datasets, the same archive soundness, no page lost.

The kill points are spread three ways: by time since the start (during
start-up and the first requests), by the requests the mirror has answered,
and by the journal's length; and under two profiles: live-like (one request
at a time, as the polite crawl of the real site runs) and fast (the
mirror's concurrency).  A start page that Scrapy had not yet taken when the
kill came is the case the time and early request points reach: with one
request at a time, most start pages are still waiting."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from riac_scraper.devtools.mirror import Mirror
from riac_scraper.storage.records import CRAWL_STATE_COLUMNS, SCHEMAS
from tests.conftest import ROOT, SITE, assert_archive_sound, assert_one_truth, crawl_command, run_crawl

pytestmark = pytest.mark.e2e

CONTENT = [c for c in SCHEMAS["articles"].names if c not in (*CRAWL_STATE_COLUMNS, "article_id")]
PROFILES = {
    "live-like": ["-s", "CONCURRENT_REQUESTS=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"],
    "fast": [],
}
# (how, when): seconds since the start, requests the mirror answered, journal lines written, or the commit
POINTS = [
    ("seconds", 0.5),
    ("seconds", 1.0),
    ("seconds", 1.5),
    ("requests", 1),
    ("requests", 2),
    ("requests", 4),
    ("requests", 8),
    ("requests", 16),
    ("journal", 2),
    ("journal", 6),
    ("journal", 20),
    ("commit", 0),
]


def when(how: str, value: float, started: float, server: Mirror, jobdir: Path, output: Path) -> Callable[[], bool]:
    if how == "seconds":
        return lambda: time.monotonic() - started >= value
    if how == "requests":
        target = server.connections + value
        return lambda: server.connections >= target
    if how == "journal":
        journal = jobdir / "riac-journal.txt"
        return lambda: journal.exists() and journal.read_bytes().count(b"\n") >= value
    return (output / "articles").exists  # the commit has started writing


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize(("how", "value"), POINTS, ids=[f"{how}-{value:g}" for how, value in POINTS])
def test_a_crawl_killed_anywhere_resumes_to_the_uninterrupted_end(
    profile: str, how: str, value: float, clean_crawl: Path, tmp_path: Path
) -> None:
    output, jobdir = tmp_path / "out", tmp_path / "job"
    settings = ["-s", f"JOBDIR={jobdir}", "-s", "LOG_LEVEL=WARNING", *PROFILES[profile]]
    with Mirror(SITE, delay=0.02) as server:
        started = time.monotonic()
        process = subprocess.Popen(
            crawl_command(server.base_url, output, *settings), cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        ready = when(how, value, started, server, jobdir, output)
        deadline = started + 120
        while not ready() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL, "the crawl ended before the kill point"
        result = run_crawl(server.base_url, output, *settings, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    clean = pd.read_parquet(clean_crawl / "articles").set_index("article_id").sort_index()
    resumed = pd.read_parquet(output / "articles").set_index("article_id").sort_index()
    assert sorted(resumed["url"]) == sorted(clean["url"])  # no page lost, none added
    pd.testing.assert_frame_equal(resumed[CONTENT], clean[CONTENT])
    assert not (jobdir / "riac-journal.txt").exists()  # the crawl is over
    assert_one_truth(output, clean_crawl)
    assert_archive_sound(output)
