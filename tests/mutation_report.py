"""``make mutation``: mutation testing with mutmut 3, recorded in QUALITY.md.

    python -m tests.mutation_report          # run mutmut, then write the QUALITY.md section
    python -m tests.mutation_report --write  # only write the section from the last run's results

mutmut (configured in pyproject.toml, ``[tool.mutmut]``) mutates the
extraction package (``riac_scraper/pages/``), ``values.py``, ``urls.py`` and
``pipelines/``, and runs the fast in-process tests against every mutant.
The section records the command, the date, the commit, a hash of the
measured source files (tests/test_quality_record.py fails when they have
changed since), the score per module (killed / all mutants; a mutant that no
selected test runs counts as not killed) and the surviving mutants.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUALITY = ROOT / "QUALITY.md"
MEASURED = ("riac_scraper/pages", "riac_scraper/values.py", "riac_scraper/urls.py", "pipelines")
BEGIN, END = "<!-- mutation: begin -->", "<!-- mutation: end -->"


def measured_files() -> list[Path]:
    files: list[Path] = []
    for entry in MEASURED:
        path = ROOT / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def source_hash() -> str:
    """SHA-256 over the measured files' paths and contents."""
    digest = hashlib.sha256()
    for path in measured_files():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def recorded_hash() -> str | None:
    match = re.search(r"source hash: `([0-9a-f]{64})`", QUALITY.read_text("utf-8")) if QUALITY.exists() else None
    return match.group(1) if match else None


def _mutmut(*args: str) -> str:
    mutmut = Path(sys.executable).with_name("mutmut")
    return subprocess.run([str(mutmut), *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def statuses() -> dict[str, str]:
    """mutant name -> status, from ``mutmut results --all true``."""
    found = {}
    for line in _mutmut("results", "--all", "true").splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            found[name] = status
    return found


def module_of(mutant: str) -> str:
    return re.split(r"\.x[_ǁ]", mutant, maxsplit=1)[0]


def section(found: dict[str, str]) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    per_module: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in found.items():
        per_module[module_of(name)][status] += 1
    rows = []
    killed_all = total_all = 0
    for module, counts in sorted(per_module.items()):
        total, killed = sum(counts.values()), counts["killed"]
        killed_all, total_all = killed_all + killed, total_all + total
        others = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()) if status != "killed")
        rows.append(f"| `{module}` | {killed} / {total} | {killed / total:.1%} | {others or '-'} |")
    left = sorted(name for name, status in found.items() if status != "killed")
    lines = [
        BEGIN,
        "## Mutation score",
        "",
        f"Measured with `make mutation` (mutmut 3, `python -m tests.mutation_report`) on {dt.date.today()}, at",
        f"commit `{commit.strip()}`; source hash: `{source_hash()}`.",
        "",
        "| module | killed / mutants | score | not killed |",
        "| --- | --- | --- | --- |",
        *rows,
        f"| all | {killed_all} / {total_all} | {killed_all / max(total_all, 1):.1%} | |",
        "",
        '"no tests" are mutants in code that none of the selected in-process tests runs (for example the',
        "Scrapy pipelines' hooks, which only crawls in subprocesses call): they count as not killed. No",
        "mutant has been examined and set aside as equivalent yet.",
        "",
        f"Mutants not killed ({len(left)}); `mutmut show NAME` prints each one's change:",
        "",
        *(f"- `{name}`: {found[name]}" for name in left),
        END,
    ]
    return "\n".join(lines)


def write(text: str) -> None:
    current = QUALITY.read_text("utf-8") if QUALITY.exists() else "# Quality\n"
    if BEGIN in current:
        current = current.split(BEGIN)[0] + text + current.split(END, 1)[1]
    else:
        current = current.rstrip() + "\n\n" + text + "\n"
    QUALITY.write_text(current, "utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="only write QUALITY.md from the last run")
    args = parser.parse_args()
    if not args.write:
        subprocess.run([str(Path(sys.executable).with_name("mutmut")), "run", "--max-children", "2"], cwd=ROOT)
    write(section(statuses()))
    print(f"wrote the mutation score to {QUALITY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
