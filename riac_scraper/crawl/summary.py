"""The crawl report (``crawl-report.json``) as Markdown, for a CI job summary.

``riac report DIR`` prints it; the scheduled workflow appends it to
``$GITHUB_STEP_SUMMARY`` so that the verdict is on the run's page, not in an
artifact to download.  The report is read as untrusted: a missing or
garbled one gives a summary that says so.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

LANGS = ("en", "ru")


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _get(mapping: Any, *keys: str, default: Any = None) -> Any:
    for key in keys:
        if not isinstance(mapping, dict) or key not in mapping:
            return default
        mapping = mapping[key]
    return mapping


def markdown(report: dict[str, Any]) -> str:
    """The summary of one crawl report."""
    passed = report.get("passed") is True
    reason = report.get("finish_reason", "?")
    verdict = "passed" if passed else "FAILED"
    if passed and report.get("incomplete"):
        verdict = "passed, incomplete (the next run resumes it)"
    out = [f"## Crawl {_cell(report.get('crawl_id', '?'))}: {verdict}", ""]
    out += [f"Finished `{_cell(reason)}` at {_cell(report.get('finished', '?'))}.", ""]
    problems = report.get("problems") or []
    if problems:
        out += ["### Problems", ""] + [f"- {_cell(p)}" for p in problems] + [""]
    kinds = ("new", "changed", "unchanged", "failed")
    rows = [[lang, *(_get(report, "articles", lang, kind, default=0) for kind in kinds)] for lang in (*LANGS, "all")]
    out += ["### Articles", "", *_table(["language", *kinds], rows)]
    failures = [f for group in ("new", "known") for f in _get(report, "failures", group) or []]
    out += ["### Failures by stage", ""]
    if failures:
        by_stage: Counter[str] = Counter()
        for failure in failures:
            by_stage[str(failure.get("stage"))] += int(failure.get("count") or 0)
        out += _table(["stage", "pages"], [list(item) for item in sorted(by_stage.items())])
        reasons = [[f.get("stage"), f.get("reason"), f.get("count")] for f in failures]
        out += _table(["stage", "reason", "pages"], reasons)
    else:
        out += ["None.", ""]
    floors = _get(report, "thresholds", "RIAC_MIN_COVERAGE") or {}
    coverage = report.get("coverage") or {}
    not_judged = set(report.get("coverage_not_judged") or [])
    rows = []
    for key in sorted(set(floors) | {k for k in coverage if "@" not in k}):
        got = _get(coverage, key, "share")
        floor = floors.get(key)
        if floor is None:
            mark = ""
        elif key in not_judged:
            mark = "not judged (too few pages)"
        else:
            mark = "ok" if got is not None and got >= floor else "**below**"
        pages = _get(coverage, key, "pages", default=0)
        rows.append([key, pages, "-" if got is None else got, "-" if floor is None else floor, mark])
    out += ["### Field coverage against the floors", "", *_table(["field", "pages", "share", "floor", ""], rows)]
    return "\n".join(out)


def summary_of(output: Path, report_name: str) -> str:
    path = output / report_name
    try:
        report = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return f"## Crawl: no report\n\n{path} could not be read ({type(exc).__name__}): the crawl did not finish.\n"
    try:
        if not isinstance(report, dict):
            raise TypeError("not an object")
        return markdown(report)
    except (TypeError, ValueError, AttributeError) as exc:
        return f"## Crawl: no report\n\n{path} is not a crawl report ({exc}).\n"
