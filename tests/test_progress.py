"""The crawl's progress line, in-process: articles done of those known, the
share, the rate and the time left, as the numbers say; never a share the
numbers do not give."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any, ClassVar

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


# ------------------------------------------------ the extension's life in a crawl
class FakeLoop:
    made: ClassVar[list[FakeLoop]] = []

    def __init__(self, call: Any) -> None:
        self.call, self.running, self.started_with = call, False, None
        FakeLoop.made.append(self)

    def start(self, interval: float, now: bool = True) -> None:
        self.started_with, self.running = (interval, now), True

    def stop(self) -> None:
        self.running = False


class FakeBar:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def start(self) -> None:
        self.calls.append(("start",))

    def add_task(self, description: str, **kw: Any) -> str:
        self.calls.append(("add_task", description, kw))
        return "the task"

    def update(self, task: Any, **kw: Any) -> None:
        self.calls.append(("update", task, kw))

    def stop(self) -> None:
        self.calls.append(("stop",))


@pytest.fixture
def loops(monkeypatch: pytest.MonkeyPatch) -> list[FakeLoop]:
    FakeLoop.made = []
    monkeypatch.setattr(module.task, "LoopingCall", FakeLoop)
    return FakeLoop.made


def test_progress_reports_every_30_seconds_by_default_from_the_crawl_start(loops: list[FakeLoop], clock: Clock) -> None:
    crawler = get_crawler()
    shown = CrawlProgress.from_crawler(crawler)
    assert (shown.crawler, shown.spider, shown.loop, shown.bar) == (crawler, None, None, None)
    shown.spider_closed(None)  # closed before it opened: nothing to stop
    clock.now += 100
    spider = SimpleNamespace(decided=set())
    shown.spider_opened(spider)  # type: ignore[arg-type]
    assert (shown.spider, shown.started, len(loops)) == (spider, clock.now, 1)
    assert loops[0].call == shown.report and loops[0].started_with == (30.0, False)
    shown.spider_closed(spider)  # type: ignore[arg-type]
    assert not loops[0].running
    shown.spider_closed(spider)  # type: ignore[arg-type]  # a loop already stopped is left alone


def test_an_interval_under_a_second_is_kept() -> None:
    assert CrawlProgress(get_crawler(settings_dict={"RIAC_PROGRESS_INTERVAL": 0.5})).interval == 0.5
    with pytest.raises(NotConfigured, match=r"^progress reports are off$"):
        CrawlProgress(get_crawler(settings_dict={"RIAC_PROGRESS_INTERVAL": -1}))


@pytest.mark.parametrize(("setting", "tty", "bar"), [("bar", True, True), ("bar", False, False), ("log", True, False)])
def test_a_bar_only_on_a_terminal_and_when_asked(
    monkeypatch: pytest.MonkeyPatch, setting: str, tty: bool, bar: bool
) -> None:
    monkeypatch.setattr(module.sys.stderr, "isatty", lambda: tty, raising=False)
    shown = CrawlProgress(get_crawler(settings_dict={"RIAC_PROGRESS": setting}))
    assert (shown.bar is not None) is bar


def test_the_rich_bar_counts_articles_and_leaves_no_trace() -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = CrawlProgress._rich_bar()
    assert isinstance(bar, Progress) and bar.live.transient
    kinds = [type(column) for column in bar.columns]
    assert kinds == [TextColumn, BarColumn, MofNCompleteColumn, TimeRemainingColumn]
    assert bar.columns[0].text_format == "articles"


def test_without_rich_there_is_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "rich.progress", None)
    assert CrawlProgress._rich_bar() is None


def test_the_bar_is_started_updated_each_second_and_stopped(loops: list[FakeLoop], clock: Clock) -> None:
    shown = progress_of(2, 8)
    shown.bar = bar = FakeBar()
    shown.spider_opened(SimpleNamespace(decided={"a", "b", "c"}))  # type: ignore[arg-type]
    assert loops[0].started_with == (1.0, False)
    shown.crawler.stats.set_value("riac/articles/done", 1)
    shown.report()
    shown.spider_closed(None)  # type: ignore[arg-type]
    assert bar.calls == [
        ("start",),
        ("add_task", "articles", {"total": None}),
        ("update", "the task", {"completed": 1, "total": 3}),
        ("stop",),
    ]


def test_before_any_article_is_done_nothing_is_done(clock: Clock) -> None:
    crawler = get_crawler(settings_dict={"RIAC_PROGRESS_INTERVAL": 30})
    crawler.stats.open_spider()
    shown = CrawlProgress(crawler)
    shown.spider = SimpleNamespace(decided={"a"})  # type: ignore[assignment]
    assert shown.numbers() == (0, 1, 0.0)
    clock.now += 0.5  # half a second in: a rate from the time gone, however short
    crawler.stats.set_value("response_received_count", 1)
    assert shown.numbers()[2] == pytest.approx(120.0)


def test_the_time_left_in_the_first_second_comes_from_the_time_gone(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    shown = progress_of(1, 3601)
    clock.now += 0.5  # one article in half a second: two a second, 3,600 left
    assert line(shown, caplog).endswith(", about 30 min left")
