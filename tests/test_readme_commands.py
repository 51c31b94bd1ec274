"""The README's notebook commands, as written, have what they need."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
EXTRAS = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["optional-dependencies"]


def _names(extra: str) -> set[str]:
    names = set()
    for requirement in EXTRAS[extra]:
        name = re.match(r"[\w-]+(?:\[([\w,-]+)\])?", requirement)
        assert name is not None
        if name.group(0).startswith("riac-scraper["):
            for inner in (name.group(1) or "").split(","):
                names |= _names(inner)
        else:
            names.add(name.group(0).split("[")[0])
    return names


def test_the_notebooks_extra_holds_what_the_readme_runs() -> None:
    assert ".venv/bin/pip install -e '.[notebooks]'" in README
    commands = {"jupyter lab": "jupyterlab", "jupytext": "jupytext", "--nbmake": "nbmake"}
    for command, package in commands.items():
        assert command in README and package in _names("notebooks"), command
    assert "jupyterlab" not in _names("test")  # the suite runs the notebook headless, without JupyterLab


def test_the_headless_command_names_the_datasets_from_where_it_is_run() -> None:
    (line,) = [line for line in README.splitlines() if "--nbmake notebooks/overview.ipynb" in line]
    assert line.startswith('RIAC_DATASETS="$PWD/output" ')  # nbmake runs the notebook in notebooks/
    notebook = (ROOT / "notebooks" / "overview.py").read_text("utf-8")
    assert 'DATASETS = "../output"' in notebook  # opened in notebooks/, it finds output/ beside it
