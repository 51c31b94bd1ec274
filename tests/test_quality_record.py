"""QUALITY.md's mutation score describes the code as it is: the source hash
recorded with the score is the hash of the measured files now. After a change
to extraction, values, urls or pipelines, run `make mutation` again."""

from __future__ import annotations

from tests.mutation_report import QUALITY, measured_files, recorded_hash, source_hash


def test_the_recorded_mutation_score_is_not_older_than_the_code() -> None:
    assert QUALITY.exists(), "QUALITY.md is missing: run make mutation"
    assert measured_files(), "nothing is measured"
    assert recorded_hash() == source_hash(), "the code changed since the mutation score was measured: make mutation"


def test_a_record_is_never_written_with_mutants_no_run_checked() -> None:
    from tests.mutation_report import module_of, unchecked

    found = {"m.x_f__mutmut_1": "killed", "m.x_f__mutmut_2": "not checked", "m.xǁCǁg__mutmut_1": "survived"}
    assert unchecked(found) == ["m.x_f__mutmut_2"]
    assert unchecked({"m.x_f__mutmut_1": "timeout"}) == []
    assert {module_of(name) for name in found} == {"m"}
