"""A crawl of the fault-injecting mirror ends with the same articles as a clean
crawl, less exactly the pages that were made unreachable, each recorded."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from riac_scraper.devtools.faults import TRANSIENT, FaultPlan
from riac_scraper.devtools.mirror import Mirror
from riac_scraper.storage.records import CRAWL_STATE_COLUMNS, SCHEMAS
from riac_scraper.urls import stable_id
from tests.conftest import SITE, run_crawl
from tests.test_fault_plan import SEEDS

pytestmark = pytest.mark.e2e

# A fault hits a page's first attempt only; the retries leave room for a loaded
# machine (the suite runs on every CPU).  The download timeout is not fixed:
# it comes from the work (see fetch_budget), and the slow fault answers later.
TOLERANT = [
    "-s",
    "RETRY_TIMES=4",
    "-s",
    "RIAC_MAX_FAILURE_SHARE=0.5",
    "-s",
    "RIAC_MIN_COVERAGE_PAGES=1000",  # the injected empty page and PDF count as pages without fields: not judged
    "-s",
    "LOG_LEVEL=INFO",
]
LOAD_FACTOR = 20  # how much slower than alone a page may come while the rest of the suite runs
MIN_TIMEOUT = 2.0


def fetch_budget(base_url: str) -> float:
    """The download timeout for the fault crawls: the slowest page of the mirror
    fetched here and now, LOAD_FACTOR times over, and at least MIN_TIMEOUT.  A
    machine under load raises it, so that no page times out only because the
    machine is busy; the slow fault is made slower still."""
    import time
    import urllib.error
    import urllib.request

    slowest = 0.0
    for page in sorted(SITE.rglob("index.html")):
        path = page.parent.relative_to(SITE).as_posix()
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{base_url}/{'' if path == '.' else path + '/'}", timeout=60) as answer:
                answer.read()
        except urllib.error.HTTPError:  # a page the mirror keeps back (robots, a removed article): timed all the same
            pass
        slowest = max(slowest, time.perf_counter() - start)
    return max(MIN_TIMEOUT, LOAD_FACTOR * slowest)


@pytest.fixture(scope="module")
def clean(clean_crawl: Path) -> pd.DataFrame:
    return pd.read_parquet(clean_crawl / "articles").set_index("article_id").sort_index()


@pytest.fixture(scope="module", params=SEEDS)
def faulty(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    with Mirror(SITE) as server:
        timeout = fetch_budget(server.base_url)
    plan = FaultPlan(request.param, slow_seconds=1.5 * timeout)  # slower than the timeout: a timeout, retried
    output = tmp_path_factory.mktemp(f"faults-{request.param}")
    with Mirror(SITE, faults=plan) as server:
        result = run_crawl(server.base_url, output, *TOLERANT, "-s", f"DOWNLOAD_TIMEOUT={timeout:.1f}")
    return {
        "timeout": timeout,
        "plan": plan,
        "result": result,
        "output": output,
        "articles": pd.read_parquet(output / "articles").set_index("article_id").sort_index(),
        "failures": pd.read_parquet(output / "failures"),
    }


def test_the_crawl_completes(faulty: dict) -> None:
    assert faulty["result"].returncode == 0, faulty["result"].stderr[-3000:]
    assert "Spider closed (finished)" in faulty["result"].stderr
    assert "Traceback" not in faulty["result"].stderr


def test_the_schedule_injected_faults(faulty: dict) -> None:
    served = {what.removesuffix(" (again)") for _, _, what in faulty["plan"].log}
    assert {"redirect", "500 (unreachable)", "fault-empty", "fault-huge", "fault-pdf", "429"} <= served
    assert len(served & set(TRANSIENT)) >= 4


def test_same_articles_as_a_clean_crawl_less_the_unreachable(faulty: dict, clean: pd.DataFrame) -> None:
    unreachable = faulty["plan"].unreachable_urls(SITE)
    expected_ids = set(clean.index) - {stable_id(u) for u in unreachable}
    assert set(faulty["articles"].index) == expected_ids
    assert faulty["articles"].index.is_unique
    columns = [c for c in SCHEMAS["articles"].names if c not in CRAWL_STATE_COLUMNS and c != "article_id"]
    pd.testing.assert_frame_equal(faulty["articles"][columns], clean.loc[sorted(expected_ids), columns])


def test_failures_are_exactly_the_unreachable_pages(faulty: dict) -> None:
    failures = faulty["failures"]
    assert sorted(failures["url"]) == sorted(faulty["plan"].unreachable_urls(SITE))
    reasons = dict(zip(failures["url"].str.rsplit("/", n=2).str[-2], failures["reason"], strict=True))
    assert reasons["fault-redirect-loop"] == "IgnoreRequest: max redirections reached"
    assert reasons["fault-offsite-redirect"] == "IgnoreRequest: outside the crawl's hosts and ports"
    assert reasons["fault-huge"].startswith("DownloadCancelledError: Expected to receive 20971520 bytes")
    assert reasons["fault-pdf"] == "not an HTML page (Content-Type: application/pdf)"
    assert reasons["fault-empty"] == "missing title, body"
    assert {r for u, r in zip(failures["url"], failures["reason"], strict=True) if "fault-" not in u} == {"HTTP 500"}


def test_retry_after_is_honoured(faulty: dict) -> None:
    log = faulty["plan"].log
    waits = []
    for path in {p for p, _, what in log if what == "429"}:
        times = [t for p, t, _ in log if p == path]
        assert len(times) >= 2, path
        waits.append(times[1] - times[0])
    if not waits:
        pytest.skip("this seed scheduled no 429")
    assert min(waits) >= 1.0
