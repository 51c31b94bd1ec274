"""CI's quality gate: extraction scores over the fixture corpus stay above their pinned floors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests import quality_gate
from tests.quality_gate import BASELINE, FIELDS, below_floors, body_f1, score


def test_scores_are_at_or_above_the_pinned_floors() -> None:
    floors = json.loads(BASELINE.read_text())
    assert set(floors) == {"fixed", "generated", "site"}
    assert all(set(floor["field_accuracy"]) == set(FIELDS) for floor in floors.values())
    scores = score()
    assert scores["fixed"]["pages"] >= 5 * 19 and scores["generated"]["pages"] >= 300
    assert scores["site"]["pages"] == quality_gate.SITE_COPIES * len(quality_gate.load_articles())
    assert below_floors(scores, floors) == []


def test_a_drop_below_a_floor_is_reported_by_name() -> None:
    floors = {"fixed": {"field_accuracy": {"authors": 0.9, "title": 1.0}, "body_f1": 0.95}}
    scores = {"fixed": {"field_accuracy": {"authors": 0.5, "title": 1.0}, "body_f1": 0.8}}
    assert below_floors(scores, floors) == [
        "fixed: authors accuracy 0.5 < floor 0.9",
        "fixed: body F1 0.8 < floor 0.95",
    ]


def _run_update(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, authors: float, *flags: str) -> tuple[int, dict]:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"fixed": {"field_accuracy": {"authors": 0.9}, "body_f1": 1.0}}))
    scores = {"fixed": {"pages": 1, "field_accuracy": {"authors": authors}, "body_f1": 1.0}}
    monkeypatch.setattr(quality_gate, "BASELINE", baseline)
    monkeypatch.setattr(quality_gate, "score", lambda: scores)
    monkeypatch.setattr(sys, "argv", ["quality_gate", "--update", *flags])
    status = quality_gate.main()
    return status, json.loads(baseline.read_text())


def test_update_refuses_to_lower_a_floor_and_says_which(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, floors = _run_update(monkeypatch, tmp_path, 0.5)
    assert status == 1 and floors["fixed"]["field_accuracy"]["authors"] == 0.9
    assert "refusing to lower a floor: fixed: authors accuracy 0.5 < floor 0.9" in capsys.readouterr().err


def test_update_raises_floors_and_lowers_them_only_when_allowed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run_update(monkeypatch, tmp_path, 0.95)[1]["fixed"]["field_accuracy"]["authors"] == 0.95
    status, floors = _run_update(monkeypatch, tmp_path, 0.5, "--allow-lower")
    assert status == 0 and floors["fixed"]["field_accuracy"]["authors"] == 0.5
    assert "floor lowered: fixed: authors accuracy 0.5 < floor 0.9" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("got", "want", "f1"),
    [
        ("a b c d", "a b c d", 1.0),
        ("x y z", "a b c d", 0.0),
        ("a b c d e f", "a b c d", pytest.approx(2 * (2 / 4) * 1.0 / (2 / 4 + 1.0))),
    ],
)
def test_body_f1(got: str, want: str, f1: float) -> None:
    assert body_f1(got, want) == f1
