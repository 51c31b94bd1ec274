"""The code's layout: stages as folders, and imports that only point downwards.

A page is fetched by ``crawl/``, read by ``pages/``, cleaned by ``pipelines/``
and kept by ``storage/``; ``api``, ``reextract`` and ``cli`` drive them, and
``devtools/`` serves the developers. Every import of the project's own
modules, at the top of a module or inside a function, is checked against
the stages its module may import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

# The top level's knowledge modules, and the package's version.
KNOWLEDGE = {
    "riac_scraper.site",
    "riac_scraper.urls",
    "riac_scraper.items",
    "riac_scraper.settings",
    "riac_scraper.__version__",
}
# stage -> the stages its modules may import (its own included)
MAY_IMPORT = {
    "knowledge": {"knowledge"},
    "pages": {"knowledge", "pages"},
    "storage": {"knowledge", "storage"},
    "pipelines": {"knowledge", "storage", "pipelines"},
    "crawl": {"knowledge", "pages", "storage", "crawl"},
    "api": {"knowledge", "pages", "storage", "pipelines", "api"},
    "reextract": {"knowledge", "pages", "storage", "pipelines", "api", "reextract"},
    "package": {"knowledge", "api"},  # riac_scraper/__init__.py: the version, and ``extract`` when asked for
    "devtools": {"knowledge", "pages", "storage", "pipelines", "crawl", "api", "reextract", "devtools"},
    "cli": set(),  # filled below: the entry point may import every stage
}
MAY_IMPORT["cli"] = set(MAY_IMPORT) - {"package"}


def stage_of(module: str) -> str | None:
    """The stage of a project module, None for a module of another project."""
    parts = module.split(".")
    if parts[0] == "pipelines":
        return "pipelines"
    if parts[0] != "riac_scraper":
        return None
    if module == "riac_scraper":
        return "package"
    if module in KNOWLEDGE:
        return "knowledge"
    if parts[1] in ("pages", "storage", "crawl", "devtools"):
        return parts[1]
    if parts[1] in ("api", "reextract", "cli"):
        return parts[1]
    raise AssertionError(f"{module} belongs to no stage: add it to a stage folder or to tests/test_layout.py")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) of every import in ``source``: ``from riac_scraper import
    site`` names the submodule; the package's own names (``__version__``) are
    the knowledge stage's, ``extract`` is the api's."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], base]).strip(".")
            for alias in node.names:
                if base == "riac_scraper":
                    target = "api" if alias.name == "extract" else alias.name
                    found.append((node.lineno, f"riac_scraper.{target}"))
                else:
                    found.append((node.lineno, base))
    return found


def upward_imports(path: Path, source: str | None = None) -> list[str]:
    name = module_name(path)
    stage = stage_of(name)
    assert stage is not None
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    problems = []
    for line, target in imported(source if source is not None else path.read_text("utf-8"), package):
        target_stage = stage_of(target)
        if target_stage is not None and target_stage not in MAY_IMPORT[stage]:
            problems.append(f"{path.relative_to(ROOT)}:{line}: {stage} imports {target} ({target_stage})")
    return problems


def project_modules() -> list[Path]:
    return sorted(p for folder in ("riac_scraper", "pipelines") for p in (ROOT / folder).rglob("*.py"))


def test_no_module_imports_a_stage_above_its_own() -> None:
    modules = project_modules()
    assert len(modules) > 30
    problems = [problem for path in modules for problem in upward_imports(path)]
    assert problems == []


def test_stage_folders_hold_the_stages() -> None:
    stages = {stage_of(module_name(path)) for path in project_modules()}
    assert stages == set(MAY_IMPORT)
    assert not (ROOT / "riac_scraper" / "spiders").exists()
    # no module at the top of the package but the knowledge modules and the drivers
    top = {p.stem for p in (ROOT / "riac_scraper").glob("*.py")}
    assert top == {"__init__", "site", "urls", "items", "settings", "api", "reextract", "cli"}


def test_each_stage_folder_opens_with_what_it_does_and_may_import() -> None:
    for folder in (
        "riac_scraper/crawl",
        "riac_scraper/pages",
        "riac_scraper/storage",
        "riac_scraper/devtools",
        "pipelines",
    ):
        first, second = (ROOT / folder / "__init__.py").read_text("utf-8").split("\n")[:2]
        assert first.startswith(f"# {folder.rpartition('/')[2]}: "), folder
        assert second.startswith("# May import"), folder


def test_no_production_module_imports_devtools() -> None:
    importers = {
        module_name(path)
        for path in project_modules()
        for _, target in imported(path.read_text("utf-8"), module_name(path))
        if stage_of(target) == "devtools" and stage_of(module_name(path)) != "devtools"
    }
    assert importers == {"riac_scraper.cli"}


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        ("riac_scraper/pages/article.py", "from riac_scraper.storage.store import DatasetStore\n", "pages imports"),
        ("riac_scraper/storage/store.py", "def f():\n    from riac_scraper.crawl import monitor\n", "storage imports"),
        ("pipelines/parquet.py", "from riac_scraper.crawl.monitor import REPORT_NAME\n", "pipelines imports"),
        ("riac_scraper/crawl/spider.py", "import riac_scraper.devtools.mirror\n", "crawl imports"),
        ("riac_scraper/urls.py", "from riac_scraper import pages\n", "knowledge imports"),
        ("riac_scraper/crawl/monitor.py", "from riac_scraper import extract\n", "crawl imports riac_scraper.api"),
        ("riac_scraper/storage/derived.py", "from ..pages import cues\n", "storage imports riac_scraper.pages"),
    ],
)
def test_an_upward_import_is_found(path: str, source: str, expected: str) -> None:
    problems = upward_imports(ROOT / path, source)
    assert len(problems) == 1
    assert expected in problems[0]


def test_downward_imports_pass() -> None:
    source = "from riac_scraper import site, __version__\nfrom riac_scraper.items import Article\nimport pyarrow\n"
    assert upward_imports(ROOT / "riac_scraper/storage/store.py", source) == []
    assert upward_imports(ROOT / "riac_scraper/crawl/spider.py", "from riac_scraper.pages import listing\n") == []
