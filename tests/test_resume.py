"""A crawl with a job directory, killed with SIGKILL at any moment and started
again with the same arguments, ends with the same articles as a crawl that
was never interrupted; no reader ever sees a half-written file, and the
archives it leaves pass ``warcio check``."""

from __future__ import annotations

import json
import shutil
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

WRITING = "writing"  # kill as soon as the commit starts writing the datasets
CONTENT = [c for c in SCHEMAS["articles"].names if c not in (*CRAWL_STATE_COLUMNS, "article_id")]


def start_crawl(base_url: str, output: Path, jobdir: Path) -> subprocess.Popen[bytes]:
    command = crawl_command(
        base_url, output, "-s", f"JOBDIR={jobdir}", "-s", "CONCURRENT_REQUESTS=2", "-s", "LOG_LEVEL=WARNING"
    )
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.stderr is not None
    process.stderr.close()


def trigger(point: int | str, server: Mirror, output: Path) -> Callable[[], bool]:
    """When to kill: once the mirror has answered ``point`` more requests, or once the commit starts."""
    if point == WRITING:
        return (output / "articles").exists
    assert isinstance(point, int)
    target = server.connections + point
    return lambda: server.connections >= target


def readable_datasets(output: Path) -> None:
    """What a reader would see right now: every visible file opens, no article twice."""
    for name in ("articles", "authors", "polls", "failures"):
        if list((output / name).glob("lang=*/*.parquet")):
            table = pd.read_parquet(output / name)
            if name == "articles":
                assert table["article_id"].is_unique


@pytest.fixture(scope="module")
def uninterrupted(clean_crawl: Path) -> pd.DataFrame:
    return pd.read_parquet(clean_crawl / "articles").set_index("article_id").sort_index()


@pytest.fixture(scope="module")
def uninterrupted_polls(clean_crawl: Path) -> pd.DataFrame:
    return pd.read_parquet(clean_crawl / "polls")


def requests_of_next_crawl(base_url: str, output: Path, scratch: Path) -> int:
    """The requests an incremental crawl of an unchanged site makes after ``output``'s crawl."""
    shutil.copytree(output, scratch)
    assert run_crawl(base_url, scratch).returncode == 0
    return json.loads((scratch / "crawl-report.json").read_text("utf-8"))["pages"]["requested"]


@pytest.mark.parametrize(
    "kill_points",
    [
        pytest.param([3], id="early"),
        pytest.param([10], id="mid-listing"),
        pytest.param([22], id="among-articles"),
        pytest.param([WRITING], id="while-writing"),
        pytest.param([5, 14, 25], id="three-kills"),
    ],
)
def test_killed_and_resumed_crawl_equals_an_uninterrupted_one(
    kill_points: list[int | str],
    uninterrupted: pd.DataFrame,
    uninterrupted_polls: pd.DataFrame,
    clean_crawl: Path,
    mirror: Mirror,
    tmp_path: Path,
) -> None:
    output, jobdir = tmp_path / "out", tmp_path / "job"
    with Mirror(SITE, delay=0.05) as server:
        for point in kill_points:
            kill_when(start_crawl(server.base_url, output, jobdir), trigger(point, server, output))
            assert (jobdir / "riac-journal.txt").exists()  # killed before the crawl was over
            readable_datasets(output)
        result = run_crawl(server.base_url, output, "-s", f"JOBDIR={jobdir}")
    assert result.returncode == 0, result.stderr[-3000:]
    resumed = pd.read_parquet(output / "articles").set_index("article_id").sort_index()
    pd.testing.assert_frame_equal(resumed[CONTENT], uninterrupted[CONTENT])
    # and the crawl state an incremental crawl reads: each article's listing entry
    assert resumed["listing_hash"].to_dict() == uninterrupted["listing_hash"].to_dict()
    assert "lists the same articles as an earlier page" not in result.stderr
    # what discovery found survives the kills: the journal keeps every source's finds
    found = resumed["found_by"].map(list)
    assert found.to_dict() == uninterrupted["found_by"].map(list).to_dict()
    report = json.loads((output / "crawl-report.json").read_text("utf-8"))
    assert report["discovery"]["articles"] == len(uninterrupted)
    polls = pd.read_parquet(output / "polls")
    assert polls["crawl_id"].nunique() == 1
    assert (polls.groupby("poll_id")["option_index"].value_counts() == 1).all()  # one snapshot
    groups = {row.poll_id: row.poll_group for row in polls.itertuples()}
    assert groups == {row.poll_id: row.poll_group for row in uninterrupted_polls.itertuples()}
    assert not (jobdir / "riac-journal.txt").exists()  # the crawl is over: a new run starts a new one
    assert_one_truth(output, clean_crawl)
    assert_archive_sound(output)  # readable archives, no half-written record, every row's record its own page
    # and the next incremental crawl asks for what it asks for after a clean crawl
    after_resumed = requests_of_next_crawl(mirror.base_url, output, tmp_path / "next-resumed")
    assert after_resumed == requests_of_next_crawl(mirror.base_url, clean_crawl, tmp_path / "next-clean")
