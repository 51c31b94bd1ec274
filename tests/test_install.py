"""The package as a user installs it: a wheel, with the bundled mirror in it."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The wheel built from this checkout, installed (without its dependencies,
    which this environment has) into a folder of its own, and how to run it."""
    where = tmp_path_factory.mktemp("wheel")
    build = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        str(where),
        str(ROOT),
    ]
    subprocess.run(build, check=True, capture_output=True)
    (wheel,) = where.glob("riac_scraper-*.whl")
    assert any("devtools/mirror_site/robots.txt" in name for name in zipfile.ZipFile(wheel).namelist())
    target = where / "target"
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)]
    subprocess.run(install, check=True, capture_output=True)
    return target, {**os.environ, "PYTHONPATH": str(target)}


def riac(installed: tuple[Path, dict[str, str]], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = installed[1]
    command = [sys.executable, "-m", "riac_scraper.cli", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_the_installed_package_is_the_wheel(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    probe = [sys.executable, "-c", "import riac_scraper; print(riac_scraper.__file__)"]
    where = subprocess.run(probe, cwd=tmp_path, env=installed[1], capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(installed[0]))


def test_a_wheel_install_crawls_the_bundled_mirror(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    result = riac(installed, tmp_path, "crawl", "--mirror", "--output", "out", "-s", "LOG_LEVEL=WARNING")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "out" / "articles").is_dir()


def test_a_wheel_install_serves_the_mirror(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    env = installed[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "riac_scraper.cli", "mirror"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        base = server.stdout.readline().strip()
        with urllib.request.urlopen(base + "/robots.txt", timeout=10) as answer:
            assert answer.status == 200 and b"User-agent" in answer.read()
    finally:
        server.terminate()
        server.communicate(timeout=10)


def test_a_wheel_install_runs_the_benchmark(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    result = riac(installed, tmp_path, "bench", "--extraction-only", "--pages", "20", "--sample", "5")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1].startswith("ratios: trafilatura/ours time")
