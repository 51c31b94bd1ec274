"""The riac command's helpers: extract, mirror, and the fixture builder."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from riac_scraper import extract
from riac_scraper.devtools.mirror import resolve
from riac_scraper.storage.records import CRAWL_STATE_COLUMNS
from tests.conftest import ROOT, SEED_URL, SITE, page_path, run_riac

pytestmark = pytest.mark.e2e


def comparable(rows: dict) -> dict:
    """Rows without the fetch/observation times, which differ between runs."""
    drop = {*CRAWL_STATE_COLUMNS, "observed_at", "at"}
    return {name: [{k: v for k, v in row.items() if k not in drop} for row in table] for name, table in rows.items()}


def test_riac_extract_prints_what_extract_returns() -> None:
    page = page_path(SEED_URL).read_bytes()
    by_file = run_riac("extract", str(page_path(SEED_URL)), "--url", SEED_URL)
    by_stdin = run_riac("extract", "-", "--url", SEED_URL, stdin=page)
    assert by_file.returncode == 0, by_file.stderr.decode()
    printed = json.loads(by_file.stdout)
    assert comparable(printed) == comparable(json.loads(by_stdin.stdout))
    rows = json.loads(json.dumps(extract(page, SEED_URL), default=lambda v: v.isoformat()))
    assert comparable(printed) == comparable(rows)
    assert printed["articles"][0]["title"] == "The Helsinki Summit: the Beginning of a Journey"


def test_riac_mirror_serves_the_bundled_site_on_a_free_port() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "riac_scraper.cli", "mirror", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            base = process.stdout.readline().strip()
            assert base.startswith("http://127.0.0.1:")
            with urllib.request.urlopen(base + "/en/news/?PAGEN_1=2&sphrase_id=3", timeout=10) as response:
                assert b"summer-school-on-international-security" in response.read()
            with urllib.request.urlopen(base + "/robots.txt", timeout=10) as response:
                assert response.read().startswith(b"User-agent:")
        finally:
            process.terminate()


def test_mirror_never_serves_outside_its_root() -> None:
    assert resolve(SITE, "/../../pyproject.toml") is None
    assert resolve(SITE, "/%2e%2e/%2e%2e/pyproject.toml") is None
    assert resolve(SITE, "/en/news/?PAGEN_1=9") is None
    assert resolve(SITE, "/en/news/?PAGEN_1=2") == SITE / "en" / "news" / "page-2.html"


def test_mirror_pages_are_rendered_from_their_sources() -> None:
    result = subprocess.run(
        [sys.executable, "tests/fixtures/build_mirror.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, "run python tests/fixtures/build_mirror.py:\n" + result.stdout
