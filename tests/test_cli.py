"""Every wrong argument or setting gets one line naming it, exit status 2, no
traceback; debugging commands never write datasets."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from riac_scraper import __version__
from riac_scraper.devtools.mirror import Mirror
from tests.conftest import ROOT, SEED_URL, one_line, run_crawl, run_riac

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-a", "section=news"], "riac: unknown spider argument 'section'; the riac spider takes base_url, urls,"),
        (["-a", "sections=analysis"], "riac: unknown section: analysis; choose from analytics, comments,"),
        (["-a", "lang=de"], "riac: unknown language: de; choose from en, ru"),
        (["-a", "urls=/nonexistent/urls.txt"], "riac: urls file cannot be read: /nonexistent/urls.txt"),
        (["-a", "full=maybe"], "riac: full takes 1 or 0, got 'maybe'"),
        (["-s", "RIAC_MIN_COVERAGE={title: 1"], "riac: RIAC_MIN_COVERAGE must be a JSON object such as"),
        (["-s", 'RIAC_MIN_COVERAGE={"titel": 1.0}'], "riac: RIAC_MIN_COVERAGE: unknown field 'titel'; fields:"),
        (["-s", 'RIAC_MIN_COVERAGE={"authors@opinion": 1.0}'], "riac: RIAC_MIN_COVERAGE: unknown section 'opinion'"),
        (["-s", 'RIAC_MIN_COVERAGE={"title": 2}'], "riac: RIAC_MIN_COVERAGE['title'] must be a number from 0 to 1"),
        (
            ["-s", "RIAC_MAX_FAILURE_SHARE=lots"],
            "riac: RIAC_MAX_FAILURE_SHARE must be a number from 0 to 1, got 'lots'",
        ),
        (["-s", "RIAC_MIN_ARTICLES=-1"], "riac: RIAC_MIN_ARTICLES must be 0 or more, got '-1'"),
        (["-s", "RIAC_MAX_LISTING_PAGES=0"], "riac: RIAC_MAX_LISTING_PAGES must be 1 or more, got '0'"),
        (["-s", "RIAC_MIN_ARTICLE=5"], "riac: unknown setting RIAC_MIN_ARTICLE; did you mean RIAC_MIN_ARTICLES?"),
    ],
)
def test_wrong_crawl_arguments_exit_2_with_one_line(
    mirror: Mirror, tmp_path: Path, args: list[str], message: str
) -> None:
    for result in (
        run_crawl(mirror.base_url, tmp_path / "a", *args),
        run_riac("crawl", "--output", str(tmp_path / "b"), "-a", f"base_url={mirror.base_url}", *args),
    ):
        assert result.returncode == 2
        assert one_line(result.stderr).startswith(message)
    assert not (tmp_path / "a" / "articles").exists() and not (tmp_path / "b" / "articles").exists()


def test_a_base_url_without_scheme_is_refused(tmp_path: Path) -> None:
    result = run_crawl("127.0.0.1:8000", tmp_path)
    assert result.returncode == 2
    assert one_line(result.stderr) == (
        "riac: base_url must be an http(s) URL such as http://127.0.0.1:8000, got '127.0.0.1:8000'"
    )


def test_thresholds_on_the_command_line_are_merged_into_the_defaults(mirror: Mirror, tmp_path: Path) -> None:
    result = run_crawl(mirror.base_url, tmp_path, "-s", 'RIAC_MIN_COVERAGE={"title": 0.5}')
    assert result.returncode == 0, result.stderr[-2000:]
    floors = json.loads((tmp_path / "crawl-report.json").read_text())["thresholds"]["RIAC_MIN_COVERAGE"]
    assert floors["title"] == 0.5 and floors["body"] == 1.0 and floors["authors@analytics"] == 0.9


def test_riac_crawl_honours_riac_output_given_with_s(mirror: Mirror, tmp_path: Path) -> None:
    result = run_riac("crawl", "-a", f"base_url={mirror.base_url}", "-s", f"RIAC_OUTPUT={tmp_path / 'elsewhere'}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "elsewhere" / "articles").is_dir()
    clash = run_riac("crawl", "--output", str(tmp_path / "x"), "-s", f"RIAC_OUTPUT={tmp_path / 'y'}")
    assert clash.returncode == 2 and "disagree" in one_line(clash.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["extract", "/nonexistent.html", "--url", SEED_URL], "riac: cannot read /nonexistent.html: No such file"),
        (["summary", "/nonexistent"], "riac: no dataset directory /nonexistent"),
        (["summary", "tests/fixtures"], "riac: tests/fixtures/articles is not a dataset:"),
        (["show-page", "abc", "--output", "/nonexistent"], "riac: no articles dataset in /nonexistent"),
        (["crawl", "-s", "NOEQUALS"], "riac: -s takes NAME=VALUE, got 'NOEQUALS'"),
    ],
)
def test_riac_commands_on_missing_paths_exit_2(args: list[str], message: str) -> None:
    result = run_riac(*args)
    assert result.returncode == 2
    assert one_line(result.stderr).startswith(message)


def test_version_and_a_closed_pipe(mirror: Mirror, tmp_path: Path) -> None:
    assert run_riac("--version").stdout.decode().strip() == f"riac-scraper {__version__}"
    assert run_crawl(mirror.base_url, tmp_path).returncode == 0
    pipe = subprocess.run(
        f"{sys.executable} -m riac_scraper.cli summary {tmp_path} | head -c 1",
        shell=True, cwd=ROOT, capture_output=True, check=False,
    )  # fmt: skip
    assert b"Traceback" not in pipe.stderr and b"BrokenPipe" not in pipe.stderr


def test_scrapy_parse_writes_no_dataset_and_no_report(mirror: Mirror, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable, "-m", "scrapy", "parse", "--spider", "riac", "-c", "parse_article",
            "-a", f"base_url={mirror.base_url}", "-s", f"RIAC_OUTPUT={tmp_path}",
            "--cbkwargs", json.dumps({"canonical": SEED_URL}),
            f"{mirror.base_url}/en/analytics-and-comments/analytics/the-helsinki-summit-the-beginning-of-a-journey/",
        ],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert "The Helsinki Summit" in result.stdout, result.stderr[-2000:]
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_site_ends_the_crawl_within_30_s(tmp_path: Path) -> None:
    started = time.monotonic()
    result = run_crawl("http://riac-scraper-test.invalid", tmp_path, timeout=120)
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    assert re.search(r"robots.txt could not be fetched \(\w+\): read as disallowing every page", result.stderr)
    assert "Retrying" not in result.stderr  # a name that does not resolve is not asked again
    assert "Traceback" not in result.stderr  # the robots.txt error is one line


def test_an_unreachable_site_fails_the_probe_in_one_line(tmp_path: Path) -> None:
    result = run_riac("probe", "-a", "base_url=http://riac-scraper-test.invalid", timeout=120)
    assert result.returncode == 1
    assert b"riac: probe failed: no page could be fetched" in result.stderr
    assert b"Traceback" not in result.stderr


def test_progress_lines_and_quiet_third_party_loggers(mirror: Mirror, tmp_path: Path) -> None:
    result = run_crawl(mirror.base_url, tmp_path, "-s", "RIAC_PROGRESS_INTERVAL=0.2", "-s", "LOG_LEVEL=INFO")
    assert result.returncode == 0, result.stderr[-2000:]
    lines = re.findall(r"progress: (\d+) of (\d+) articles done.*?, (\d+) pages/min", result.stderr)
    assert lines and all(int(done) <= int(known) for done, known, _ in lines)
    import io
    import logging

    from riac_scraper.crawl.quiet import quiet_third_party

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.INFO)
    logging.getLogger().addHandler(handler)
    try:
        quiet_third_party()
        logging.getLogger("trafilatura.utils").error("lxml parsing failed")
        logging.getLogger("riac_scraper.test").warning("our own warning")
    finally:
        logging.getLogger().removeHandler(handler)
    assert stream.getvalue() == "our own warning\n"


def test_no_third_party_warning_or_error_reaches_a_crawls_log(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import SITE, page_path

    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    empty = "https://russiancouncil.ru/en/news/riac-presents-report-on-digital-sovereignty/"
    page_path(empty, site).write_text("<!-- a page with nothing on it -->\n")  # trafilatura and htmldate log ERRORs
    for progress in ("30", "0"):  # with progress lines and without
        with Mirror(site) as server:
            result = run_crawl(
                server.base_url, tmp_path / f"out-{progress}", "-s", f"RIAC_PROGRESS_INTERVAL={progress}"
            )
        assert (
            "riac-presents-report-on-digital-sovereignty"
            in (tmp_path / f"out-{progress}" / "crawl-report.json").read_text()
        )
        noise = re.findall(
            r"\[(?:trafilatura|htmldate|courlan|justext|readability)[\w.]*\] (?:WARNING|ERROR|CRITICAL)", result.stderr
        )
        assert noise == [], result.stderr[-2000:]
        assert "[trafilatura" not in result.stderr  # at INFO, their DEBUG lines are not shown either
