"""The fault schedule of ``riac_scraper/devtools/faults.py``, in-process: the
seeds the fault crawls use cover every transient fault, the seed alone
decides the schedule, and Retry-After is read in both of its forms."""

from __future__ import annotations

from riac_scraper.crawl.middlewares import retry_after_seconds
from riac_scraper.devtools.faults import TRANSIENT, FaultPlan
from tests.conftest import SITE

SEEDS = [3, 7]


def test_the_seeds_cover_every_transient_fault() -> None:
    paths = ["/" + p.parent.relative_to(SITE).as_posix() + "/" for p in SITE.rglob("index.html")]
    assert {FaultPlan(seed).transient_fault(path) for seed in SEEDS for path in paths} >= set(TRANSIENT)


def test_retry_after_header_forms() -> None:
    assert retry_after_seconds(b"3") == 3.0
    assert retry_after_seconds(b"Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


def test_the_seed_alone_decides_the_schedule() -> None:
    assert FaultPlan(7).unreachable_urls(SITE) == FaultPlan(7).unreachable_urls(SITE)
    assert [FaultPlan(7).transient_fault(f"/p{i}/") for i in range(50)] == [
        FaultPlan(7).transient_fault(f"/p{i}/") for i in range(50)
    ]
    assert FaultPlan(7).dead_paths(SITE) != FaultPlan(8).dead_paths(SITE) or (
        [FaultPlan(7).transient_fault(f"/p{i}/") for i in range(50)]
        != [FaultPlan(8).transient_fault(f"/p{i}/") for i in range(50)]
    )
