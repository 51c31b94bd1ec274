"""The crawl's progress line, in-process: articles done of those known, the
share, the rate and the time left, as the numbers say; never a share the
numbers do not give."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from riac_scraper.crawl import progress as module
from riac_scraper.crawl.progress import CrawlProgress, _duration


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(module.time, "monotonic", clock)
    return clock


def progress_of(done: int, known: int, responses: int = 0, **settings: Any) -> CrawlProgress:
    crawler = get_crawler(settings_dict={"RIAC_PROGRESS_INTERVAL": 30, **settings})
    crawler.stats.open_spider()
    crawler.stats.set_value("riac/articles/done", done)
    crawler.stats.set_value("response_received_count", responses)
    shown = CrawlProgress(crawler)
    shown.spider = SimpleNamespace(decided={f"u{n}" for n in range(known)})  # type: ignore[assignment]
    return shown


def line(shown: CrawlProgress, caplog: pytest.LogCaptureFixture) -> str:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="riac_scraper.crawl.progress"):
        shown.report()
    (record,) = caplog.records
    return record.getMessage()


@pytest.mark.parametrize(
    ("done", "known", "share"),
    [(1, 4, "25%"), (0, 4, "0%"), (3, 4, "75%"), (4, 4, "100%"), (999, 1000, "100%"), (1, 1000, "0%"), (7, 9, "78%")],
)
def test_the_share_is_done_of_known(
    clock: Clock, caplog: pytest.LogCaptureFixture, done: int, known: int, share: str
) -> None:
    shown = progress_of(done, known)
    clock.now += 60
    assert line(shown, caplog).startswith(f"progress: {done} of {known} articles done ({share}), ")


def test_more_done_than_known_is_capped_at_the_known(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    shown = progress_of(12, 10)
    assert shown.numbers()[:2] == (10, 10)
    assert "10 of 10 articles done (100%)" in line(shown, caplog)


def test_nothing_known_yet_shows_no_share(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    shown = progress_of(3, 0)
    clock.now += 60
    assert line(shown, caplog) == "progress: 3 of 0 articles done, 0 pages/min"


def test_rate_and_time_left_come_from_the_clock(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    shown = progress_of(100, 400, responses=240)
    clock.now += 120  # 100 articles in 2 minutes: the 300 left take 6 minutes
    assert line(shown, caplog) == "progress: 100 of 400 articles done (25%), 120 pages/min, about 6 min left"
    shown = progress_of(400, 400, responses=240)
    clock.now += 120
    assert line(shown, caplog).endswith("120 pages/min")  # nothing left: no estimate


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(10, "less than a minute"), (29, "less than a minute"), (31, "about 1 min"), (89 * 60, "about 89 min"),
     (90 * 60, "about 1.5 h"), (5 * 3600, "about 5.0 h")],
)  # fmt: skip
def test_durations_are_said_in_the_unit_that_reads(seconds: float, said: str) -> None:
    assert _duration(seconds) == said


def test_an_interval_of_zero_turns_progress_off() -> None:
    with pytest.raises(NotConfigured):
        CrawlProgress(get_crawler(settings_dict={"RIAC_PROGRESS_INTERVAL": 0}))


def test_the_bar_gets_the_same_numbers(clock: Clock) -> None:
    shown = progress_of(5, 20)
    updates: list[dict[str, Any]] = []
    shown.bar = SimpleNamespace(update=lambda task, **kw: updates.append(kw))
    shown.task = "t"
    shown.report()
    assert updates == [{"completed": 5, "total": 20}]
