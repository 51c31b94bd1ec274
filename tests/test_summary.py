"""The crawl report as a Markdown job summary (crawl/summary.py)."""

from __future__ import annotations

import json
from pathlib import Path

from riac_scraper.crawl.summary import markdown, summary_of

REPORT = {
    "crawl_id": "20261202T000000Z-abcdef",
    "finish_reason": "finished",
    "finished": "2026-12-02T01:00:00Z",
    "passed": False,
    "incomplete": False,
    "problems": ["coverage of authors@analytics 0.5 < 0.9"],
    "articles": {
        "all": {"new": 3, "changed": 1, "unchanged": 5, "failed": 2},
        "en": {"new": 2, "changed": 1, "unchanged": 5, "failed": 0},
        "ru": {"new": 1, "changed": 0, "unchanged": 0, "failed": 2},
    },
    "failures": {
        "new": [{"stage": "download", "reason": "HTTP 404", "count": 1}],
        "known": [{"stage": "validate", "reason": "missing | body", "count": 1}],
    },
    "coverage": {"title": {"pages": 30, "share": 1.0}, "authors@analytics": {"pages": 20, "share": 0.5}},
    "coverage_not_judged": [],
    "thresholds": {"RIAC_MIN_COVERAGE": {"title": 1.0, "authors@analytics": 0.9}},
}


def test_the_summary_gives_verdict_counts_failures_and_coverage_against_the_floors() -> None:
    text = markdown(REPORT)
    assert text.startswith("## Crawl 20261202T000000Z-abcdef: FAILED\n")
    assert "- coverage of authors@analytics 0.5 < 0.9" in text
    assert "| en | 2 | 1 | 5 | 0 |" in text and "| ru | 1 | 0 | 0 | 2 |" in text and "| all | 3 | 1 | 5 | 2 |" in text
    assert "| download | 1 |" in text and "| validate | 1 |" in text
    assert "| validate | missing \\| body | 1 |" in text  # a table cell cannot break the table
    assert "| authors@analytics | 20 | 0.5 | 0.9 | **below** |" in text and "| title | 30 | 1.0 | 1.0 | ok |" in text


def test_an_incomplete_crawl_that_passed_says_it_will_resume() -> None:
    text = markdown({**REPORT, "passed": True, "incomplete": True, "problems": [], "failures": {}})
    assert text.splitlines()[0].endswith(": passed, incomplete (the next run resumes it)")
    assert "### Failures by stage\n\nNone." in text


def test_a_missing_or_garbled_report_is_said_not_a_crash(tmp_path: Path) -> None:
    assert "could not be read (FileNotFoundError)" in summary_of(tmp_path, "crawl-report.json")
    (tmp_path / "crawl-report.json").write_text("[1, 2]")
    assert "is not a crawl report (not an object)" in summary_of(tmp_path, "crawl-report.json")
    garbled = {**REPORT, "failures": {"new": [{"stage": "x", "count": "many"}]}}
    (tmp_path / "crawl-report.json").write_text(json.dumps(garbled))
    assert "is not a crawl report" in summary_of(tmp_path, "crawl-report.json")


def test_the_benchmarks_closing_line_marks_each_missed_target() -> None:
    from riac_scraper.devtools.bench import ratio_line

    line = ratio_line({"speed": (4.2, ">=", 5), "share": (0.1, "<=", 0.15), "rss": (1.31, "<=", 1.3)})
    assert (
        line
        == "ratios: speed 4.20 (target >= 5, missed); share 0.10 (target <= 0.15); rss 1.31 (target <= 1.3, missed)"
    )


def test_the_whole_summary_reads_as_written_here() -> None:
    report = {
        **REPORT,
        "failures": {
            "new": [{"stage": "download", "reason": "HTTP 404", "count": 2}],
            "known": [
                {"stage": "validate", "reason": "missing | body", "count": 1},
                {"stage": "download", "reason": "timeout", "count": 3},
            ],
        },
        "coverage": {
            **REPORT["coverage"],  # type: ignore[dict-item]
            "body": {"pages": 30, "share": 0.97},
            "date": {"pages": 10, "share": 0.2},
            "title@news": {"pages": 4, "share": 1.0},  # a section's share without its own floor: not listed
        },
        "coverage_not_judged": ["date"],
        "thresholds": {"RIAC_MIN_COVERAGE": {"title": 1.0, "authors@analytics": 0.9, "date": 0.5, "tags": 0.3}},
    }
    assert markdown(report) == (
        "## Crawl 20261202T000000Z-abcdef: FAILED\n"
        "\n"
        "Finished `finished` at 2026-12-02T01:00:00Z.\n"
        "\n"
        "### Problems\n"
        "\n"
        "- coverage of authors@analytics 0.5 < 0.9\n"
        "\n"
        "### Articles\n"
        "\n"
        "| language | new | changed | unchanged | failed |\n"
        "|---|---|---|---|---|\n"
        "| en | 2 | 1 | 5 | 0 |\n"
        "| ru | 1 | 0 | 0 | 2 |\n"
        "| all | 3 | 1 | 5 | 2 |\n"
        "\n"
        "### Failures by stage\n"
        "\n"
        "| stage | pages |\n"
        "|---|---|\n"
        "| download | 5 |\n"
        "| validate | 1 |\n"
        "\n"
        "| stage | reason | pages |\n"
        "|---|---|---|\n"
        "| download | HTTP 404 | 2 |\n"
        "| validate | missing \\| body | 1 |\n"
        "| download | timeout | 3 |\n"
        "\n"
        "### Field coverage against the floors\n"
        "\n"
        "| field | pages | share | floor |  |\n"
        "|---|---|---|---|---|\n"
        "| authors@analytics | 20 | 0.5 | 0.9 | **below** |\n"
        "| body | 30 | 0.97 | - |  |\n"
        "| date | 10 | 0.2 | 0.5 | not judged (too few pages) |\n"
        "| tags | 0 | - | 0.3 | **below** |\n"
        "| title | 30 | 1.0 | 1.0 | ok |\n"
    )


def test_a_report_missing_its_fields_still_gives_every_heading() -> None:
    text = markdown({})
    assert text.startswith("## Crawl ?: FAILED\n\nFinished `?` at ?.\n\n### Articles\n")
    assert "| all | 0 | 0 | 0 | 0 |" in text and "### Problems" not in text
    assert text.endswith(
        "### Field coverage against the floors\n\n| field | pages | share | floor |  |\n|---|---|---|---|---|\n"
    )


def test_a_cell_keeps_a_line_break_from_breaking_the_table() -> None:
    text = markdown({**REPORT, "problems": ["two\nlines"], "passed": "yes"})
    assert text.startswith("## Crawl 20261202T000000Z-abcdef: FAILED\n")  # only True passes
    assert "- two lines\n" in text


def test_a_passed_complete_crawl_says_passed_and_a_failure_without_a_count_counts_none() -> None:
    failures = {"new": [{"stage": "download", "reason": "HTTP 404"}]}
    text = markdown({**REPORT, "passed": True, "incomplete": False, "problems": [], "failures": failures})
    assert text.splitlines()[0] == "## Crawl 20261202T000000Z-abcdef: passed"
    assert "| stage | pages |\n|---|---|\n| download | 0 |\n" in text
    assert "| download | HTTP 404 | None |\n" in text
    no_failures = markdown({**REPORT, "failures": {}})
    assert "### Failures by stage\n\nNone.\n\n### Field coverage" in no_failures


def test_a_readable_report_file_gives_its_summary(tmp_path: Path) -> None:
    (tmp_path / "crawl-report.json").write_text(json.dumps(REPORT, ensure_ascii=False), "utf-8")
    assert summary_of(tmp_path, "crawl-report.json") == markdown(REPORT)


def test_a_report_is_read_as_utf_8_whatever_the_locale(tmp_path: Path) -> None:
    import locale

    report = {**REPORT, "failures": {"new": [{"url": "https://russiancouncil.ru/новости/", "stage": "parse"}]}}
    (tmp_path / "crawl-report.json").write_text(json.dumps(report, ensure_ascii=False), "utf-8")
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")  # a locale whose encoding is ASCII (outside Python's UTF-8 mode)
    try:
        summary = summary_of(tmp_path, "crawl-report.json")
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert summary == markdown(report)
