"""CI's quality gate: extraction scores over the fixture corpus stay above their pinned floors."""

from __future__ import annotations

import json

import pytest

from tests.quality_gate import BASELINE, FIELDS, below_floors, body_f1, score


def test_scores_are_at_or_above_the_pinned_floors() -> None:
    floors = json.loads(BASELINE.read_text())
    assert set(floors["field_accuracy"]) == set(FIELDS)
    scores = score()
    assert scores["pages"] >= 5 * 14
    assert below_floors(scores, floors) == []


def test_a_drop_below_a_floor_is_reported_by_name() -> None:
    floors = {"field_accuracy": {"authors": 0.9, "title": 1.0}, "body_f1": 0.95}
    scores = {"field_accuracy": {"authors": 0.5, "title": 1.0}, "body_f1": 0.8}
    assert below_floors(scores, floors) == ["authors accuracy 0.5 < floor 0.9", "body F1 0.8 < floor 0.95"]


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
