"""The one-run benchmark report: each figure against its target, marked
where it misses, and a section of BENCHMARKS.md replaced, never appended
twice.  No timing is asserted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from riac_scraper.devtools import bench_report


def figures(**changes: Any) -> dict[str, Any]:
    sizes = ("small", "large", "real")
    base: dict[str, Any] = {
        "load_before": 0.1,
        "load_after": 0.2,
        "archive_pages": 4000,
        "crawl": {
            "bare_cpu_ms": 2.0,
            "full_cpu_ms": 3.9,
            "bare_pages_per_s": 400,
            "full_pages_per_s": 210,
            "responses": 2104,
        },
        "extraction": {
            **{f"{n}_kb": (10.0, 20.0) for n in sizes},
            **{f"{n}_trafilatura_median_ms": 10.0 for n in sizes},
            **{f"{n}_ours_median_ms": 1.9 for n in sizes},
            **{f"{n}_speedup": 5.2 for n in sizes},
        },
        "commit": {"small": {"cpu_s": 2.0, "peak_rss_mb": 280}, "large": {"cpu_s": 21.0, "peak_rss_mb": 360}},
        "poll_cpu_s": 0.9,
        "reextract": {"serial": 6.0, "processes": 3.3, "dask": 3.6, "dask_warm": 3.4, "load": 0.3},
    }
    for path, value in changes.items():
        group, _, name = path.partition("__")
        if name:
            base[group][name] = value
        else:
            base[group] = value
    return base


def met(fig: dict[str, Any]) -> dict[str, bool]:
    return {name: ok for name, _, _, ok in bench_report.rows(fig, 2000, 20000)}


def test_every_target_met_is_marked_met() -> None:
    marks = met(figures())
    assert len(marks) == 11 and all(marks.values())


@pytest.mark.parametrize(
    ("change", "missed"),
    [
        ({"crawl__full_cpu_ms": 4.1}, "full crawl CPU per page against a bare Scrapy crawl's"),
        ({"crawl__full_pages_per_s": 199}, "full/bare crawl throughput"),
        ({"extraction__small_speedup": 4.99}, "extraction, trafilatura/ours, small pages (10-20 KB)"),
        ({"extraction__real_speedup": 4.99}, "extraction, trafilatura/ours, real-sized pages (10-20 KB)"),
        ({"commit": {"small": {"cpu_s": 2.0, "peak_rss_mb": 280}, "large": {"cpu_s": 22.1, "peak_rss_mb": 300}}},
         "commit CPU, 2,000 -> 20,000 articles"),
        ({"commit": {"small": {"cpu_s": 2.0, "peak_rss_mb": 280}, "large": {"cpu_s": 20.0, "peak_rss_mb": 365}}},
         "commit peak RSS, 2,000 -> 20,000 articles"),
        ({"poll_cpu_s": 1.0}, "a page with a 40,000-option poll"),
        ({"reextract__processes": 3.8}, "re-extraction of one 4,000-page file, 2 processes against serial"),
        ({"reextract__dask": 3.8}, "the same, 2-worker LocalCluster started by `--dask local`"),
        ({"reextract__dask_warm": 3.8},
         "the same, on a running 2-worker LocalCluster, code imported, profiler off (`--scheduler`)"),
    ],
)  # fmt: skip
def test_a_figure_past_its_target_is_the_one_marked_missed(change: dict[str, Any], missed: str) -> None:
    marks = met(figures(**change))
    assert [name for name, ok in marks.items() if not ok] == [missed]


def test_the_section_names_its_command_and_marks_each_miss_in_bold() -> None:
    text = bench_report.section(figures(poll_cpu_s=1.5), 2000, 20000, 300, 290.0)
    assert text.startswith(bench_report.BEGIN) and text.endswith(bench_report.END)
    assert "python -m riac_scraper.devtools.bench_report --write BENCHMARKS.md --pages 2000" in text
    assert "| a page with a 40,000-option poll | 1.50 s CPU | < 1 s | **no** |" in text
    assert "10 of 11 targets met." in text


def test_writing_replaces_the_section_and_keeps_the_rest(tmp_path: Path) -> None:
    target = tmp_path / "BENCHMARKS.md"
    target.write_text("# Benchmarks\n\nOlder rounds.\n", "utf-8")
    bench_report.write(target, bench_report.section(figures(), 2000, 20000, 300, 290.0))
    bench_report.write(target, bench_report.section(figures(poll_cpu_s=1.5), 2000, 20000, 300, 290.0))
    text = target.read_text("utf-8")
    assert text.startswith("# Benchmarks\n\nOlder rounds.\n")
    assert text.count(bench_report.BEGIN) == 1 and text.count(bench_report.END) == 1
    assert "1.50 s CPU" in text and "0.90 s CPU" not in text


@pytest.mark.parametrize("flag", ["--pages", "--large", "--sample", "--rounds", "--archive-pages"])
def test_a_size_of_zero_is_refused_in_one_line(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        bench_report.main([flag, "0"])
    assert exit_.value.code == 2
    assert f"{flag} takes a number of 1 or more, got 0" in capsys.readouterr().err


def test_each_page_size_is_the_size_its_figure_names() -> None:
    from riac_scraper.devtools.bench import PAGE_SIZES, BenchSite

    site = BenchSite(40)
    bounds = {"small": (10, 25), "large": (75, 150), "real": (150, 300)}
    for name, (low, high) in bounds.items():
        sizes = [len(site.article(n, size=PAGE_SIZES[name])) / 1024 for n in range(40)]
        assert low <= min(sizes) and max(sizes) <= high, (name, min(sizes), max(sizes))
