"""The repository's own files, read in-process: no code path that runs page
content, the citation and licence, and the workflows' schedule, state and
permissions."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from tests.conftest import ROOT
from tests.workflows import WORKFLOWS, steps, workflow


def test_no_code_path_deserializes_or_executes_page_content() -> None:
    sources = [p for d in ("riac_scraper", "pipelines") for p in (ROOT / d).rglob("*.py")]
    forbidden = re.compile(r"\b(pickle|marshal|shelve)\b|(?<![.\w])(eval|exec|compile|__import__)\(|yaml\.load\(")
    hits = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sources
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if forbidden.search(line) and not line.lstrip().startswith("#")
    ]
    assert hits == []


def test_citation_file_is_valid_cff() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["title"] and citation["authors"]
    assert "RIAC" in citation["message"]


def test_the_software_names_its_license_everywhere() -> None:
    assert (ROOT / "LICENSE").read_text("utf-8").startswith("MIT License\n")
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert citation["license"] == "MIT" and project["license"] == {"text": "MIT"}


def test_the_previous_state_is_the_newest_saved_one_whichever_run_saved_it() -> None:
    (job,) = [job for name, job in workflow("crawl.yml")["jobs"].items() if name == "crawl"]
    lookup = next(step for step in job["steps"] if step.get("id") == "previous")["run"]
    assert "actions/artifacts?name=riac-state" in lookup and "select(.expired | not)" in lookup
    assert "sort_by(.created_at) | last | .workflow_run.id" in lookup


def test_a_keep_alive_job_enables_the_workflow_with_the_only_write_permission() -> None:
    flow = workflow("crawl.yml")
    assert flow["permissions"] == {}
    keep = flow["jobs"]["keep-alive"]
    assert keep["permissions"] == {"actions": "write"} and "schedule" in keep["if"]
    (step,) = keep["steps"]
    assert step["run"] == 'gh api --method PUT "repos/$GITHUB_REPOSITORY/actions/workflows/crawl.yml/enable"'
    assert flow["jobs"]["crawl"]["permissions"] == {"contents": "read", "actions": "read"}


def test_the_crawl_workflow_is_scheduled_resumable_and_never_cancelled() -> None:
    flow = workflow("crawl.yml")
    triggers = flow[True]  # YAML 1.1 reads the key "on" as true
    minute = triggers["schedule"][0]["cron"].split()[0]
    assert minute not in ("0", "*") and "workflow_dispatch" in triggers
    assert flow["concurrency"]["cancel-in-progress"] is False
    job = flow["jobs"]["crawl"]
    assert job["timeout-minutes"] < 360
    assert int(job["env"]["RIAC_TIME_LIMIT"]) < job["timeout-minutes"] * 60 - 10 * 60  # stops 10+ min before
    by_name = {step.get("name"): step for step in job["steps"]}
    assert by_name["Save the state"]["if"] == "always()" and by_name["Upload the crawl report"]["if"] == "always()"
    assert by_name["Save the state"]["with"]["include-hidden-files"] is True
    assert by_name["Restore the state"]["with"]["run-id"] == "${{ steps.previous.outputs.run_id }}"
    assert by_name["Crawl"]["run"] == "bash .github/scripts/scheduled-crawl.sh"
    ci = workflow("ci.yml")
    assert [s["run"] for s in steps(ci) if "run" in s] == ["bash .ci/run"]


@pytest.mark.parametrize("name", ["crawl.yml", "ci.yml"])
def test_every_action_is_pinned_and_no_expression_reaches_a_shell(name: str) -> None:
    text = (WORKFLOWS / name).read_text("utf-8")
    for line in re.findall(r"uses:.*", text):
        assert re.fullmatch(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line), line
    for step in steps(workflow(name)):
        assert "${{" not in step.get("run", ""), step
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


# The first release of each action that runs on Node 24 (the Node 20 ones are deprecated).
NODE_24 = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/upload-artifact": 5,
    "actions/download-artifact": 5,
}


@pytest.mark.parametrize("name", ["crawl.yml", "ci.yml"])
def test_every_action_is_a_node_24_release_and_dependabot_updates_them(name: str) -> None:
    for action, major in re.findall(r"uses: ([\w.-]+/[\w.-]+)@[0-9a-f]{40} # v(\d+)\.", (WORKFLOWS / name).read_text()):
        assert int(major) >= NODE_24[action], (action, major)
    dependabot = yaml.safe_load((WORKFLOWS.parent / "dependabot.yml").read_text("utf-8"))
    assert {"package-ecosystem": "github-actions", "directory": "/"}.items() <= dependabot["updates"][0].items()
