"""``parse_polls`` on lines as a reader sees them: every stored value of a
poll compared with what the lines say."""

from __future__ import annotations

import datetime as dt

import pytest

from riac_scraper.pages.cues import key
from riac_scraper.pages.polls import MAX_RESULT_WORDS, parse_polls
from riac_scraper.pages.reading import Line
from riac_scraper.urls import stable_id

T0 = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
SOURCE = "https://russiancouncil.ru/en/"


def polls(*texts: str, lang: str = "en") -> tuple[list, list[str]]:
    warnings: list[str] = []
    found = parse_polls([Line(t) for t in texts], lang, SOURCE, T0, warnings)
    return found, warnings


def rows(poll) -> list[tuple]:
    return [(o.option, o.votes, o.percent) for o in poll.options]


def test_a_numbered_poll_gives_every_value() -> None:
    [poll], warnings = polls("1. Will it rain? ", "Yes", "12 (60%)", "No", "8 (40%)", "Some text after the poll")
    assert poll.poll_id == stable_id("en", key("Will it rain?"))
    assert (poll.lang, poll.question, poll.observed_at, poll.source_url) == ("en", "Will it rain?", T0, SOURCE)
    assert rows(poll) == [("Yes", 12, 60.0), ("No", 8, 40.0)]
    assert warnings == []


def test_label_and_result_on_one_line_and_an_unnumbered_question() -> None:
    [poll], _ = polls("Which one?", "Left 3 (37,5%)", "Right  5 ( 62.5 % )")
    assert poll.question == "Which one?"
    assert rows(poll) == [("Left", 3, 37.5), ("Right", 5, 62.5)]


def test_a_result_without_a_label_has_no_option_text() -> None:
    [poll], _ = polls("2) Why?", "4 (100%)")
    assert poll.question == "Why?" and rows(poll) == [(None, 4, 100.0)]


def test_two_polls_one_after_the_other_and_the_language_in_the_id() -> None:
    found, _ = polls("1. First?", "A", "1 (100%)", "2. Second?", "B", "2 (50%)", "C", "2 (50%)", lang="ru")
    assert [p.question for p in found] == ["First?", "Second?"]
    assert [rows(p) for p in found] == [[("A", 1, 100.0)], [("B", 2, 50.0), ("C", 2, 50.0)]]
    assert [p.poll_id for p in found] == [stable_id("ru", key("First?")), stable_id("ru", key("Second?"))]
    assert {p.lang for p in found} == {"ru"}


def test_results_without_a_question_are_no_poll() -> None:
    assert polls("Yes", "12 (60%)", "No", "8 (40%)")[0] == []
    assert polls("Yes", "12 (160%)") == ([], [])  # not read at all: no warning about values of no poll


def test_a_question_without_results_is_no_poll() -> None:
    assert polls("1. Will it rain?", "Nobody knows.")[0] == []
    assert polls("Will it rain?")[0] == []


def test_two_plain_lines_after_a_question_end_it() -> None:
    assert polls("Is this a question?", "A line of running text.", "Another line.", "3 (100%)")[0] == []
    assert polls("Is this a question?", "A line of running text.", "Another line.", "3 (300%)") == ([], [])


def test_a_widget_label_ends_a_poll() -> None:
    found, _ = polls("1. Asked?", "Yes", "1 (100%)", "Share this article", "2 (100%)")
    assert [rows(p) for p in found] == [[("Yes", 1, 100.0)]]


def test_a_long_line_ending_in_a_percentage_is_text_not_a_result() -> None:
    long_line = " ".join(["word"] * MAX_RESULT_WORDS) + " 7 (10%)"
    at_limit = " ".join(["word"] * (MAX_RESULT_WORDS - 2)) + " 7 (10%)"
    assert polls("1. Asked?", long_line)[0] == []
    [poll], _ = polls("1. Asked?", at_limit)
    assert rows(poll) == [(" ".join(["word"] * (MAX_RESULT_WORDS - 2)), 7, 10.0)]


def test_a_percentage_not_at_the_end_is_no_result() -> None:
    assert polls("1. Asked?", "Yes 3 (50%) more")[0] == []
    assert polls("1. Asked?", "Yes 3 (50) ")[0] == []


def test_values_out_of_range_are_null_with_warnings() -> None:
    [poll], warnings = polls("1. Asked?", "Yes", "3000000000 (50%)", "No", "x (150%)")
    assert rows(poll) == [("Yes", None, 50.0), ("No", None, None)]
    assert warnings == [
        "poll votes: 3000000000 is above 2147483647",
        "poll votes: not a whole number: 'x'",
        "poll percent: 150.0 is outside 0.0..100.0",
    ]


def test_a_pending_label_is_used_once() -> None:
    [poll], _ = polls("1. Asked?", "Yes", "1 (50%)", "1 (50%)")
    assert rows(poll) == [("Yes", 1, 50.0), (None, 1, 50.0)]


def test_a_polls_rows_take_its_total_once_not_once_per_option(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from riac_scraper.items import PollOption, PollSnapshot
    from riac_scraper.storage.records import poll_rows

    calls = []
    total = PollSnapshot.total_votes
    monkeypatch.setattr(PollSnapshot, "total_votes", property(lambda self: calls.append(1) or total.fget(self)))
    options = [PollOption(f"option {i}", i, None) for i in range(1000)]
    poll = PollSnapshot(
        "p", "en", "Q?", options, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "https://russiancouncil.ru/en/"
    )
    rows = poll_rows(poll, "c")
    assert len(rows) == 1000 and {row["total_votes"] for row in rows} == {sum(range(1000))}
    assert len(calls) == 1  # a sum over every option, taken per option, made 40,000 options take minutes


@pytest.mark.parametrize(
    ("votes", "total", "warned"),
    [(("2000000000", "147483647"), 2147483647, False), (("2000000000", "147483648"), None, True)],
)
def test_a_total_past_int32_is_null_with_a_warning(votes: tuple[str, str], total: int | None, warned: bool) -> None:
    [poll], warnings = polls("1. Asked?", "Yes", f"{votes[0]} (50%)", "No", f"{votes[1]} (50%)")
    assert [o.votes for o in poll.options] == [int(v) for v in votes]  # each fits
    assert poll.total_votes == total
    assert warnings == (
        ["poll votes: 'Asked?' adds up to 2147483648, past 2147483647: no total kept"] if warned else []
    )


def test_an_unknown_count_adds_nothing_to_the_sum_that_is_checked() -> None:
    [poll], warnings = polls("1. Asked?", "Yes", "2147483647 (50%)", "No", "x (50%)")
    assert poll.total_votes is None and not any("adds up" in w for w in warnings)


def test_the_total_warning_quotes_at_most_80_characters_of_the_question() -> None:
    question = "Is this " + "very " * 30 + "long?"
    [poll], warnings = polls(f"1. {question}", "Yes", "2000000000 (50%)", "No", "2000000000 (50%)")
    assert poll.total_votes is None
    assert warnings == [f"poll votes: {question[:80]!r} adds up to 4000000000, past 2147483647: no total kept"]
