"""Every cost target in one run, written as a section of BENCHMARKS.md.

    python -m riac_scraper.devtools.bench_report [--write BENCHMARKS.md] [--pages 2000] [--large 20000]

One run measures, on this machine, each figure with its target:

- the crawl: a bare Scrapy crawl and the full ``riac`` crawl (archive,
  accounting, pipelines, Parquet) of the same synthetic site of ``--pages``
  articles, each in its own process: CPU per page and throughput;
- extraction against trafilatura's ``bare_extraction`` on small (10-25 KB),
  bench (80-150 KB) and real-sized (150-300 KB) pages, CPU per page,
  interleaved page by page, the median of the per-page ratios;
- the commit of ``--pages`` and of ``--large`` staged articles, each in a
  fresh process: CPU and peak RSS;
- a page whose poll has 40,000 options;
- ``reextract`` of one archive file of 4,000 pages: serial, two worker
  processes, and a two-worker Dask ``LocalCluster``: one that ``--dask
  local`` starts (its start-up and its workers' imports timed), and one
  already running whose workers have imported the code (``--scheduler``),
  with the machine's load average.

It prints the table and, with ``--write``, puts it into the file between
``<!-- bench-report: begin -->`` and ``<!-- bench-report: end -->``, naming
the commit it measured (with "+ changes" when the tree had uncommitted ones).
About two minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from riac_scraper.devtools import bench, bench_ranges

BEGIN, END = "<!-- bench-report: begin -->", "<!-- bench-report: end -->"
ROOT = Path(__file__).resolve().parents[2]


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return "unknown (no git)"
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    return head.stdout.strip() + (" + changes" if dirty.stdout.strip() else "")


def crawl_figures(pages: int) -> dict[str, float]:
    with bench.BenchServer(pages) as server:
        bare = bench.crawl("bare", server.base_url, pages)
        full = bench.crawl("full", server.base_url, pages)
    if full["problems"]:
        raise RuntimeError(f"the full crawl's verdict failed: {full['problems']}")
    return {
        "bare_cpu_ms": 1000 * bare["cpu_seconds"] / bare["responses"],
        "full_cpu_ms": 1000 * full["cpu_seconds"] / full["responses"],
        "bare_pages_per_s": bare["responses"] / bare["seconds"],
        "full_pages_per_s": full["responses"] / full["seconds"],
        "responses": full["responses"],
    }


# How each timed re-extraction runs: serial, two local processes, a LocalCluster it starts.
RUNS: list[tuple[str, list[str]]] = [
    ("serial", []),
    ("processes", ["--workers", "2"]),
    ("dask", ["--workers", "2", "--dask", "local"]),
]


def _timed_reextract(archive: Path, output: Path, options: list[str], pages: int) -> float:
    """Wall seconds of one ``riac reextract`` in a fresh process, as a user runs it:
    its start-up and imports included, and no cache warmed by an earlier run."""
    import pyarrow.parquet as pq

    command = [sys.executable, "-m", "riac_scraper.cli", "reextract", str(archive), "--output", str(output)]
    start = time.perf_counter()
    result = subprocess.run([*command, *options], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"riac reextract {' '.join(options)} failed:\n{result.stderr[-3000:]}")
    written = pq.read_table(output / "articles", columns=["url"]).num_rows
    if written != pages:
        raise RuntimeError(f"riac reextract {' '.join(options)} wrote {written} articles of {pages}")
    return seconds


def reextract_figures(pages: int, rounds: int) -> dict[str, float]:
    """Wall seconds (medians of ``rounds``, alternated) of one file's re-extraction."""
    import dask
    from distributed import Client, LocalCluster

    from riac_scraper.reextract import PROFILER_OFF

    times: dict[str, list[float]] = {"serial": [], "processes": [], "dask": [], "dask_warm": []}
    with tempfile.TemporaryDirectory(prefix="riac-bench-ranges-") as tmp:
        archive = Path(tmp) / "one.warc.gz"
        bench_ranges.write_archive(archive, pages)
        load = os.getloadavg()[0]
        for n in range(rounds):
            for name, options in RUNS:
                times[name].append(_timed_reextract(archive, Path(tmp) / f"{name}-{n}", options, pages))
            with (
                dask.config.set(PROFILER_OFF),  # as the README tells users to start their workers
                LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
            ):
                with Client(cluster) as client:  # a cluster in use has imported the code: not timed
                    client.run(importlib.import_module, "riac_scraper.reextract")
                options = ["--scheduler", cluster.scheduler_address]
                times["dask_warm"].append(_timed_reextract(archive, Path(tmp) / f"warm-{n}", options, pages))
    figures = {name: statistics.median(values) for name, values in times.items()}
    figures["load"] = load
    return figures


def measure(pages: int, large: int, sample: int, rounds: int, archive_pages: int = 4000) -> dict[str, Any]:
    figures: dict[str, Any] = {"load_before": os.getloadavg()[0]}
    figures["crawl"] = crawl_figures(pages)
    print(f"crawl: {figures['crawl']}", flush=True)
    site = bench.BenchSite(pages)
    figures["extraction"] = bench.extraction(site, sample, ("small", "large", "real"))
    small, big = bench.commit_cost([pages, large])
    figures["commit"] = {"small": small, "large": big}
    figures["poll_cpu_s"] = bench.poll_cost(40_000)
    print(f"poll of 40,000 options: {figures['poll_cpu_s']:.2f} s CPU", flush=True)
    figures["reextract"] = reextract_figures(archive_pages, rounds)
    figures["archive_pages"] = archive_pages
    print(f"re-extraction of one file: {figures['reextract']}", flush=True)
    figures["load_after"] = os.getloadavg()[0]
    return figures


def rows(figures: dict[str, Any], pages: int, large: int) -> list[tuple[str, str, str, bool]]:
    """(figure, measured, target, met) for each target."""
    c, e, g, r = figures["crawl"], figures["extraction"], figures["commit"], figures["reextract"]
    cpu = g["large"]["cpu_s"] / max(g["small"]["cpu_s"], 0.01)
    rss = g["large"]["peak_rss_mb"] / max(g["small"]["peak_rss_mb"], 1)
    growth = large / pages
    out = [
        (
            "full crawl CPU per page against a bare Scrapy crawl's",
            f"{c['full_cpu_ms']:.2f} / {c['bare_cpu_ms']:.2f} ms = {c['full_cpu_ms'] / c['bare_cpu_ms']:.2f}x",
            "<= 2x",
            c["full_cpu_ms"] <= 2 * c["bare_cpu_ms"],
        ),
        (
            "full/bare crawl throughput",
            f"{c['full_pages_per_s']:.0f} / {c['bare_pages_per_s']:.0f} pages/s = "
            f"{c['full_pages_per_s'] / c['bare_pages_per_s']:.2f}",
            ">= 0.5",
            c["full_pages_per_s"] >= 0.5 * c["bare_pages_per_s"],
        ),
    ]
    for name, label in (("small", "small pages"), ("large", "bench pages"), ("real", "real-sized pages")):
        out.append(
            (
                f"extraction, trafilatura/ours, {label} ({e[f'{name}_kb'][0]:.0f}-{e[f'{name}_kb'][1]:.0f} KB)",
                f"{e[f'{name}_trafilatura_median_ms']:.2f} / {e[f'{name}_ours_median_ms']:.2f} ms, "
                f"median ratio {e[f'{name}_speedup']:.2f}",
                ">= 5",
                e[f"{name}_speedup"] >= 5,
            )
        )
    out += [
        (
            f"commit CPU, {pages:,} -> {large:,} articles",
            f"{g['small']['cpu_s']:.2f} -> {g['large']['cpu_s']:.2f} s = {cpu:.1f}x",
            f"<= {1.1 * growth:.0f}x",
            cpu <= 1.1 * growth,
        ),
        (
            f"commit peak RSS, {pages:,} -> {large:,} articles",
            f"{g['small']['peak_rss_mb']} -> {g['large']['peak_rss_mb']} MB = {rss:.2f}x",
            "<= 1.3x",
            rss <= 1.3,
        ),
        ("a page with a 40,000-option poll", f"{figures['poll_cpu_s']:.2f} s CPU", "< 1 s", figures["poll_cpu_s"] < 1),
        (
            f"re-extraction of one {figures['archive_pages']:,}-page file, 2 processes against serial",
            f"{r['serial']:.1f} / {r['processes']:.1f} s = {r['serial'] / r['processes']:.2f}x",
            ">= 1.6x",
            r["serial"] >= 1.6 * r["processes"],
        ),
        (
            "the same, 2-worker LocalCluster started by `--dask local`",
            f"{r['serial']:.1f} / {r['dask']:.1f} s = {r['serial'] / r['dask']:.2f}x",
            ">= 1.6x",
            r["serial"] >= 1.6 * r["dask"],
        ),
        (
            "the same, on a running 2-worker LocalCluster, code imported, profiler off (`--scheduler`)",
            f"{r['serial']:.1f} / {r['dask_warm']:.1f} s = {r['serial'] / r['dask_warm']:.2f}x",
            ">= 1.6x",
            r["serial"] >= 1.6 * r["dask_warm"],
        ),
    ]
    return out


def section(figures: dict[str, Any], pages: int, large: int, sample: int, seconds: float) -> str:
    table = rows(figures, pages, large)
    lines = [
        BEGIN,
        f"## Every target, one run (commit {_commit()}, {dt.date.today().isoformat()})",
        "",
        f"`python -m riac_scraper.devtools.bench_report --write BENCHMARKS.md --pages {pages} --large {large} "
        f"--sample {sample}`: {seconds / 60:.1f} minutes on {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average {figures['load_before']:.2f} before, "
        f"{figures['load_after']:.2f} after (re-extraction started at {figures['reextract']['load']:.2f}). "
        "Nothing else was meant to run beside it. The crawl figures are one bare and one full crawl of the "
        f"synthetic site ({figures['crawl']['responses']:,} responses), each in its own process; extraction "
        f"is the median over {sample} pages of each size.",
        "",
        "| figure | measured | target | met |",
        "| --- | --- | --- | --- |",
        *(f"| {name} | {value} | {target} | {'yes' if met else '**no**'} |" for name, value, target, met in table),
        "",
        f"{sum(met for *_, met in table)} of {len(table)} targets met.",
        END,
    ]
    return "\n".join(lines)


def write(path: Path, text: str) -> None:
    old = path.read_text("utf-8") if path.exists() else ""
    if BEGIN in old and END in old:
        new = old[: old.index(BEGIN)] + text + old[old.index(END) + len(END) :]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="articles of the crawled site and the smaller commit")
    parser.add_argument("--large", type=int, default=20000, help="articles of the larger commit (default 20000)")
    parser.add_argument("--sample", type=int, default=300, help="pages timed one by one, each size (default 300)")
    parser.add_argument("--rounds", type=int, default=2, help="alternated re-extraction rounds (default 2)")
    parser.add_argument(
        "--archive-pages", type=int, default=4000, help="pages of the re-extracted archive file (default 4000)"
    )
    parser.add_argument("--write", type=Path, metavar="FILE", help="put the section into FILE (BENCHMARKS.md)")
    args = parser.parse_args(argv)
    for flag in ("pages", "large", "sample", "rounds", "archive_pages"):
        if getattr(args, flag) < 1:
            parser.error(f"--{flag.replace('_', '-')} takes a number of 1 or more, got {getattr(args, flag)}")
    start = time.perf_counter()
    figures = measure(args.pages, args.large, args.sample, args.rounds, args.archive_pages)
    text = section(figures, args.pages, args.large, args.sample, time.perf_counter() - start)
    print(text)
    if args.write:
        write(args.write, text)
    return 0 if all(met for *_, met in rows(figures, args.pages, args.large)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
