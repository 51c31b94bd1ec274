"""A small run of ``riac bench`` keeps the command working; it asserts no timing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from riac_scraper.devtools.bench import BenchSite
from tests.conftest import ROOT, run_riac

pytestmark = pytest.mark.e2e


def test_synthetic_pages_are_realistic_and_extract_like_the_mirror() -> None:
    from riac_scraper import extract

    site = BenchSite(40)
    sizes = [len(site.article(n)) for n in range(40)]
    assert min(sizes) >= 75 * 1024 and max(sizes) <= 150 * 1024
    urls = list(site.urls())
    assert len(urls) == 40 + 8 and len(set(urls)) == len(urls)
    for number in (0, 5):  # one English, one Russian article
        url = "https://russiancouncil.ru" + site.article_path(number)
        (row,) = extract(site.article(number), url)["articles"]
        assert row["title"].endswith(f" {number}") and row["body"] and row["detected_lang"] == row["lang"]
    assert site.respond("/en/news/bench-article-3/") is not None
    assert site.respond("/en/news/bench-article-4/") is None  # article 4 lives in another section


def test_bench_smoke_run_prints_every_figure() -> None:
    result = run_riac("bench", "--pages", "120", "--large", "240", "--sample", "10", timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    stdout = result.stdout.decode()
    for label in ("(a) bare Scrapy crawl", "(b) full riac crawl", "(d) peak RSS"):
        assert label in stdout
    for size in ("large", "small"):
        for name in ("ours", "langdetect", "trafilatura"):
            assert re.search(rf"\(c\) {size} pages \(\d+-\d+ KB\), {name} +median", stdout), (size, name)
        assert f"(c) {size} pages: trafilatura/ours per page, median " in stdout
    written = re.search(r"\(b\) full riac crawl: .* (\d+) articles written", stdout)
    assert written and int(written.group(1)) >= 120  # and the mirror's own articles, which bench pages link to
    last = stdout.strip().splitlines()[-1]
    assert last.startswith("ratios: full/bare throughput ") and last.count("target") == 7
    assert re.search(r"\(e\) re-extraction of 120 pages from 8 WARC files .* 2 workers \d+ pages/s", stdout)


def test_small_bench_pages_are_the_size_of_the_mirror_pages() -> None:
    site = BenchSite(40)
    sizes = [len(site.article(n, size="small")) for n in range(40)]
    assert min(sizes) >= 10 * 1024 and max(sizes) <= 25 * 1024


def test_bench_commit_times_the_commit_at_two_sizes() -> None:
    result = run_riac("bench", "--commit", "--pages", "40", "--large", "80", timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.decode().strip().splitlines()
    for size in (40, 80):
        assert any(
            re.match(rf"\(g\) commit of {size} staged articles: [\d.]+ s CPU, [\d.]+ s wall, peak RSS \d+ MB", line)
            for line in lines
        )
    assert re.match(r"ratios: commit CPU [\d.]+x for 2x the articles \(target <= 2x\); peak RSS [\d.]+x", lines[-1])


def test_the_report_measures_every_target_in_one_run(tmp_path: Path) -> None:
    target = tmp_path / "BENCHMARKS.md"
    command = [
        sys.executable, "-m", "riac_scraper.devtools.bench_report", "--pages", "40", "--large", "80",
        "--sample", "5", "--rounds", "1", "--archive-pages", "200", "--write", str(target),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=600, check=False)
    assert result.returncode in (0, 1), result.stderr[-3000:]  # 1: a target missed at this size
    text = target.read_text("utf-8")
    table = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith(("| figure", "| ---"))]
    assert len(table) == 11
    assert all(line.endswith(("| yes |", "| **no** |")) for line in table)
    assert "re-extraction of one 200-page file" in text
    assert (result.returncode == 0) == ("11 of 11 targets met." in text)
