"""``make mutation``: mutation testing with mutmut 3, recorded in QUALITY.md.

    python -m tests.mutation_report          # run mutmut, then write the QUALITY.md section
    python -m tests.mutation_report --write  # only write the section from the last run's results
    python -m tests.mutation_report --module riac_scraper.pages.cues  # run again only that module's mutants
    python -m tests.mutation_report --module 'riac_scraper.urls.x_canonical_url*'  # or those a pattern names
    python -m tests.mutation_report --show 'riac_scraper.urls*'  # each mutant not detected, with its change

mutmut (configured in pyproject.toml, ``[tool.mutmut]``) mutates the
extraction package (``riac_scraper/pages/``, values included), ``urls.py`` and
``pipelines/``, and runs the fast in-process tests against every mutant.
The section records the command, the date, the commit, a hash of the
measured source files (tests/test_quality_record.py fails when they have
changed since), the score per module (detected / all mutants, equivalent
mutants left out; a mutant that no selected test runs is not detected), the
equivalent mutants with the reason each is equivalent, and the mutants not
detected.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUALITY = ROOT / "QUALITY.md"
# What mutmut mutates (pyproject.toml's only_mutate): the files the record's source hash covers.
MEASURED = tuple(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]["only_mutate"])
BEGIN, END = "<!-- mutation: begin -->", "<!-- mutation: end -->"
EQUIVALENT = ROOT / "tests" / "mutation_equivalent.toml"
DETECTED = ("killed", "timeout")
AT_IMPORT = ROOT / "mutants" / "riac-at-import.json"  # the fresh-process results of the last run


def measured_files() -> list[Path]:
    return sorted({path for pattern in MEASURED for path in ROOT.glob(pattern) if path.suffix == ".py"})


def source_hash() -> str:
    """SHA-256 over the measured files' paths and contents, and the list of equivalent mutants."""
    digest = hashlib.sha256()
    for path in [*measured_files(), EQUIVALENT]:
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


# mutmut imports the code once and then, per mutant, forks and activates the mutant: code that runs
# while a module is imported (a schema built at import) has already run unmutated, and its mutants
# always survive.  They are run again each in a fresh pytest process, with the mutant active from
# its start.  mutmut has no option for it: its fork server imports the code before forking too.
_CALLED_AT_IMPORT = """
import importlib, json, pkgutil, sys
import pipelines, riac_scraper
from mutmut.state import state
for package in (riac_scraper, pipelines):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
json.dump(sorted(state()._stats), sys.stdout)
"""


def called_at_import() -> set[str]:
    """The measured functions that run while their modules are imported (mutmut's names, unmutated)."""
    env = {**os.environ, "MUTANT_UNDER_TEST": "stats"}
    run = subprocess.run(
        [sys.executable, "-c", _CALLED_AT_IMPORT], cwd=ROOT / "mutants", env=env, capture_output=True, text=True
    )
    return set(json.loads(run.stdout)) if run.returncode == 0 else set()


def _selected_tests() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    return [*config["pytest_add_cli_args"], *config["pytest_add_cli_args_test_selection"]]


def recheck_at_import(found: dict[str, str], rerun: bool) -> dict[str, str]:
    """``found`` with each survivor in code run at import tested again in a fresh process
    (cached in mutants/ until the next mutmut run: ``rerun`` discards the cache)."""
    cached: dict[str, str] = {} if rerun or not AT_IMPORT.exists() else json.loads(AT_IMPORT.read_text("utf-8"))
    at_import = called_at_import()
    for name, status in sorted(found.items()):
        if status != "survived" or name.rsplit("__mutmut_", 1)[0] not in at_import:
            continue
        if name not in cached:
            env = {**os.environ, "MUTANT_UNDER_TEST": name}
            run = subprocess.run(
                [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *_selected_tests()],
                cwd=ROOT / "mutants",
                env=env,
                capture_output=True,
            )
            cached[name] = "survived" if run.returncode == 0 else "killed"
            AT_IMPORT.write_text(json.dumps(cached, indent=1), "utf-8")
    return {**found, **{name: status for name, status in cached.items() if found.get(name) == "survived"}}


def mutated_line(name: str) -> str | None:
    """The changed line of a mutant, as ``mutmut show`` prints it (without the "+")."""
    try:
        diff = _mutmut("show", name)
    except subprocess.CalledProcessError:
        return None
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return added[0] if added else None


def equivalents() -> dict[str, tuple[str, str]]:
    """Mutants examined and found equivalent (tests/mutation_equivalent.toml):
    name -> (the mutated line, why no input tells it from the code)."""
    data = tomllib.loads(EQUIVALENT.read_text("utf-8")) if EQUIVALENT.exists() else {}
    return {name: (entry["line"], entry["why"]) for name, entry in data.get("mutant", {}).items()}


def section(found: dict[str, str], examined: dict[str, tuple[str, str]]) -> str:
    """The QUALITY.md section.  A mutant counts as detected when a test fails
    on it (killed) or it makes the tests run past their time (timeout, an
    endless loop).  An equivalent mutant counts only when it is still the
    mutant that was examined: its mutated line must be the recorded one."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    equivalent: dict[str, str] = {}
    stale: list[str] = []
    for name, (line, why) in sorted(examined.items()):
        if found.get(name) in DETECTED or name not in found:
            stale.append(name)  # detected now, or gone: the entry is out of date
        elif mutated_line(name) == line:
            equivalent[name] = why
        else:
            stale.append(name)
    per_module: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in found.items():
        per_module[module_of(name)]["equivalent" if name in equivalent else status] += 1
    rows = []
    detected_all = total_all = 0
    for module, counts in sorted(per_module.items()):
        total = sum(counts.values()) - counts["equivalent"]
        detected = sum(counts[s] for s in DETECTED)
        detected_all, total_all = detected_all + detected, total_all + total
        others = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()) if status not in DETECTED)
        rows.append(f"| `{module}` | {detected} / {total} | {detected / max(total, 1):.1%} | {others or '-'} |")
    left = sorted(name for name, status in found.items() if status not in DETECTED and name not in equivalent)
    lines = [
        BEGIN,
        "## Mutation score",
        "",
        f"Measured with `make mutation` (mutmut 3, `python -m tests.mutation_report`) on {dt.date.today()}, at",
        f"commit `{commit.strip()}`; source hash: `{source_hash()}`.",
        "",
        "Score: detected / mutants, equivalent mutants left out. Detected means a test failed on the",
        'mutant ("killed") or the tests ran past their time limit on it ("timeout": an endless loop).',
        '"no tests" are mutants in code that none of the selected in-process tests runs: not detected.',
        "A mutant in code that runs while its module is imported is tested in a fresh pytest process",
        "(mutmut activates a mutant only after the import).",
        "",
        "| module | detected / mutants | score | not detected |",
        "| --- | --- | --- | --- |",
        *rows,
        f"| all | {detected_all} / {total_all} | {detected_all / max(total_all, 1):.1%} | |",
        "",
        f"### Equivalent mutants ({len(equivalent)})",
        "",
        "Examined by hand and recorded in `tests/mutation_equivalent.toml` with the mutated line; no input",
        "can tell them from the code.",
        "",
        *(f"- `{name}`: {why}" for name, why in equivalent.items()),
        *(
            ["", f"Out of date in `tests/mutation_equivalent.toml` (the code changed; examine again): {len(stale)}"]
            if stale
            else []
        ),
        *(f"- `{name}`" for name in stale),
        "",
        f"### Mutants not detected ({len(left)})",
        "",
        "`mutmut show NAME` prints each one's change.",
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


def unchecked(found: dict[str, str]) -> list[str]:
    """Mutants no run has checked yet: a record with them would be a guess."""
    return sorted(name for name, status in found.items() if status == "not checked")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="only write QUALITY.md from the last run")
    parser.add_argument(
        "--module", metavar="MODULE", help="run only the mutants of MODULE (dotted, e.g. riac_scraper.pages.cues)"
    )
    parser.add_argument("--show", metavar="PATTERN", help="print the change of every mutant not detected (fnmatch)")
    args = parser.parse_args()
    if args.show:
        for name, status in sorted(statuses().items()):
            if status not in (*DETECTED, "not checked") and fnmatch.fnmatch(name, args.show):
                print(f"{name}: {status}\n    + {mutated_line(name)}")
        return 0
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    if args.module:
        if not (ROOT / "mutants").is_dir():
            print("mutation: no earlier run to add to (mutants/ is missing): run make mutation in full first")
            return 2
        (ROOT / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)  # the changed code's tests are found again
        pattern = args.module if "*" in args.module else f"{args.module}.*"  # a module, or a pattern of names
        subprocess.run([mutmut, "run", "--max-children", "2", pattern], cwd=ROOT)
    elif not args.write:
        subprocess.run([mutmut, "run", "--max-children", "2"], cwd=ROOT)
    found = statuses()
    if missing := unchecked(found):
        print(f"mutation: {len(missing)} mutants were never run (first: {missing[0]}); QUALITY.md not written")
        return 1
    found = recheck_at_import(found, rerun=not args.write)
    write(section(found, equivalents()))
    print(f"wrote the mutation score to {QUALITY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
