"""``riac crawl``'s exit status is the crawl's verdict, in-process: the
scheduled workflow uses it as its own.  Articles written never make a failed
crawl pass; a crawl that never judged itself fails."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from riac_scraper import cli


def crawl_ending_with(monkeypatch: pytest.MonkeyPatch, stats: dict[str, Any]) -> None:
    def ran(args: argparse.Namespace, settings: Any, check: Any) -> tuple[Any, dict[str, str], float]:
        crawler = get_crawler()
        crawler.stats.open_spider()
        for name, value in stats.items():
            crawler.stats.set_value(name, value)
        return crawler, {}, 1.5

    monkeypatch.setattr(cli, "_run_spider", ran)


@pytest.mark.parametrize("written", [0, 1, 250])
def test_a_failed_quality_check_exits_1_whatever_was_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], written: int
) -> None:
    problem = "field 'title' present in 40% of the articles, below its floor of 95%"
    crawl_ending_with(
        monkeypatch,
        {"riac/written/articles": written, "response_received_count": 300, "riac/quality/problems": [problem]},
    )
    assert cli.main(["crawl", "--output", str(tmp_path / "out")]) == 1
    assert f"riac: crawl failed: {problem}" in capsys.readouterr().err


def test_a_crawl_that_passed_exits_0(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    crawl_ending_with(monkeypatch, {"riac/written/articles": 3, "riac/quality/problems": []})
    assert cli.main(["crawl", "--output", str(tmp_path / "out")]) == 0


def test_a_crawl_that_never_judged_itself_exits_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crawl_ending_with(monkeypatch, {"riac/written/articles": 3})  # stopped before the monitor's verdict
    assert cli.main(["crawl", "--output", str(tmp_path / "out")]) == 1
    assert "stopped before it could judge itself" in capsys.readouterr().err


def test_every_problem_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crawl_ending_with(monkeypatch, {"riac/quality/problems": ["first", "second"], "riac/written/articles": 9})
    assert cli.main(["crawl", "--output", str(tmp_path / "out")]) == 1
    assert [line for line in capsys.readouterr().err.splitlines() if line.startswith("riac: crawl failed")] == [
        "riac: crawl failed: first",
        "riac: crawl failed: second",
    ]
