"""Scheduled crawls: the workflows are safe and pinned, the crawl workflow's
steps resume a time-limited crawl, and the verdict goes red only for real
problems."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pandas as pd
import pytest

from riac_scraper.devtools.mirror import Mirror
from riac_scraper.storage.records import CRAWL_STATE_COLUMNS, SCHEMAS
from tests.conftest import ROOT, SITE, assert_one_truth, run_crawl
from tests.hostile import Scripted, page

pytestmark = pytest.mark.e2e

CONTENT = [c for c in SCHEMAS["articles"].names if c not in (*CRAWL_STATE_COLUMNS, "article_id")]


def _restore(saved: Path, state: Path) -> None:
    shutil.rmtree(state, ignore_errors=True)  # a fresh runner
    if saved.exists():
        with tarfile.open(saved) as tar:
            tar.extractall(state.parent, filter="data")


def _save(state: Path, saved: Path) -> None:
    with tarfile.open(saved, "w") as tar:
        tar.add(state, arcname=state.name)


def test_the_workflow_steps_resume_a_time_limited_crawl(tmp_path: Path) -> None:
    uninterrupted = tmp_path / "uninterrupted"
    state, saved = tmp_path / "state", tmp_path / "riac-state.tar"
    env = {
        **os.environ,
        "RIAC_STATE": str(state),
        "RIAC_TIME_LIMIT": "3",
        "RIAC_LOG_LEVEL": "WARNING",
        "RIAC": str(Path(sys.executable).with_name("riac")),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    reports = []
    with Mirror(SITE, delay=1.5) as server:
        assert run_crawl(server.base_url, uninterrupted).returncode == 0
        env["RIAC_BASE_URL"] = server.base_url
        for _ in range(8):
            _restore(saved, state)
            run = subprocess.run(
                ["bash", ".github/scripts/scheduled-crawl.sh"], cwd=ROOT, env=env, capture_output=True, text=True
            )
            _save(state, saved)
            report = json.loads((state / "output" / "crawl-report.json").read_text("utf-8"))
            reports.append((run.returncode, report["finish_reason"], report["passed"]))
            if report["finish_reason"] == "finished":
                break
    assert reports[0] == (0, "closespider_timeout", True), reports  # cut by the time limit: incomplete, not red
    assert reports[-1] == (0, "finished", True), reports
    assert len(reports) >= 2
    _restore(saved, state)
    resumed = pd.read_parquet(state / "output" / "articles").set_index("article_id").sort_index()
    expected = pd.read_parquet(uninterrupted / "articles").set_index("article_id").sort_index()
    pd.testing.assert_frame_equal(resumed[CONTENT], expected[CONTENT])
    assert_one_truth(state / "output", uninterrupted)
    summary = (tmp_path / "summary.md").read_text("utf-8")  # each run appended its verdict to the job summary
    assert summary.count("## Crawl ") == len(reports) and summary.rstrip().endswith("|")
    assert ": passed, incomplete (the next run resumes it)" in summary and "### Articles" in summary
    last = summary.split("## Crawl ")[-1]
    assert last.splitlines()[0].endswith(": passed") and "| body | 22 | 1.0 | 1.0 | ok |" in last
    assert not (state / "job" / "riac-journal.txt").exists()


# ------------------------------------------------------------------ verdicts
def _article(n: int, authors: bool) -> bytes:
    author = f"<div><a href='/en/about-us/experts/expert-{n}/'>Anna Berg</a></div><div>RIAC expert</div>"
    return page(
        f"<h1>Analysis Number {n}</h1><div>Share this article</div>{author if authors else ''}"
        "<p>The lead paragraph of this analysis is long enough to count as running text for a reader.</p>"
        "<p>A second paragraph follows it, so that the page has a body of two paragraphs and looks real.</p>",
        f"Analysis Number {n}",
        '<meta property="article:published_time" content="2024-01-02">',
    )


def _site(articles: dict[int, bool]) -> dict[str, tuple[int, dict[str, str], bytes]]:
    section = "/en/analytics-and-comments/analytics/"
    links = " ".join(f'<div><a href="{section}analysis-{n}/">Analysis {n}</a></div>' for n in sorted(articles))
    answers = {section: (200, {}, page(links)), "/en/news/": (404, {}, b"gone"), "/en/": (200, {}, page("Home"))}
    answers.update({f"{section}analysis-{n}/": (200, {}, _article(n, a)) for n, a in articles.items()})
    return answers


def test_an_unchanged_recrawl_with_a_dead_listing_passes(tmp_path: Path) -> None:
    answers = _site(dict.fromkeys(range(25), True))
    one_page = ("-s", "RIAC_FULL_LISTING_PAGE=0")  # this site lists a whole section on one page
    args = ("-a", "sections=analytics,news", "-a", "lang=en", *one_page)
    with Scripted(answers=answers) as server:
        first = run_crawl(server.base_url, tmp_path, *args)
        second = run_crawl(server.base_url, tmp_path, *args)
    assert first.returncode == 0, first.stderr[-2000:]
    assert second.returncode == 0, second.stderr[-2000:]
    report = json.loads((tmp_path / "crawl-report.json").read_text("utf-8"))
    assert report["articles"]["all"] == {"new": 0, "changed": 0, "unchanged": 25, "failed": 0}
    (dead,) = report["failures"]["known"]
    assert (dead["reason"], dead["urls"]) == ("HTTP 404", ["https://russiancouncil.ru/en/news/"])


def test_a_recrawl_where_new_markup_drops_authors_on_30_new_pages_fails(tmp_path: Path) -> None:
    one_page = ("-s", "RIAC_FULL_LISTING_PAGE=0")  # this site lists a whole section on one page
    args = ("-a", "sections=analytics", "-a", "lang=en", *one_page)
    with Scripted(answers=_site(dict.fromkeys(range(25), True))) as server:
        assert run_crawl(server.base_url, tmp_path, *args).returncode == 0
    with Scripted(answers=_site({**dict.fromkeys(range(25), True), **dict.fromkeys(range(25, 55), False)})) as server:
        result = run_crawl(server.base_url, tmp_path, *args)
    assert result.returncode == 1
    assert "coverage of authors@analytics is 0% of 30 pages, below the RIAC_MIN_COVERAGE threshold 90%" in (
        result.stderr
    )
