"""The overview notebook runs, as CI runs it: converted from its jupytext
source and executed with pytest --nbmake against crawls of the mirror."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from riac_scraper.devtools.mirror import Mirror
from tests.conftest import ROOT, run_crawl

pytestmark = pytest.mark.e2e

PLOTS = {"articles_per_month", "top_authors", "ratings", "polls_over_time", "pairs"}


def test_the_overview_notebook_runs_and_writes_its_plots(mirror: Mirror, tmp_path: Path) -> None:
    datasets = tmp_path / "output"
    for _ in range(2):  # two crawls: every poll has two snapshots
        assert run_crawl(mirror.base_url, datasets).returncode == 0
    notebook = tmp_path / "notebooks" / "overview.ipynb"  # the repository's layout: output/ beside notebooks/
    notebook.parent.mkdir()
    jupytext = Path(sys.executable).with_name("jupytext")
    subprocess.run(
        [str(jupytext), "--to", "ipynb", "-o", str(notebook), str(ROOT / "notebooks" / "overview.py")],
        check=True,
        capture_output=True,
    )
    # As the README runs it: from the top folder, the notebook finding ../output itself.
    env = {k: v for k, v in os.environ.items() if k != "RIAC_DATASETS"} | {"RIAC_FIGURES": str(tmp_path / "plots")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbmake", str(notebook)],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    written = {p.stem: p.stat().st_size for p in (tmp_path / "plots").glob("*.png")}
    assert set(written) == PLOTS and min(written.values()) > 5000
