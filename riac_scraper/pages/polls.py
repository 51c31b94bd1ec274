"""Poll widgets: a question, then per option a label and its result "N (P%)".

Polls show on article, listing and home pages alike, so they are read from
any page's lines.  One pass over the lines: linear in the number of options.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from riac_scraper import site
from riac_scraper.items import INT32_MAX, PollOption, PollSnapshot
from riac_scraper.pages.cues import key, widget_kind
from riac_scraper.pages.reading import Line
from riac_scraper.pages.values import parse_float, parse_int
from riac_scraper.urls import stable_id

MAX_RESULT_WORDS = 40  # a longer line is running text that happens to end in "(N%)"


def _read(lines: list[Line], warnings: list[str]) -> Iterator[tuple[int, str, list[PollOption]]]:
    """Each poll in ``lines`` as (the index of its question's line, the
    question, its options), in one pass."""
    question: str | None = None
    asked_at = 0
    options: list[PollOption] = []
    pending: str | None = None
    for i, line in enumerate(lines):
        text = line.text.strip()
        result = site.POLL_RESULT.search(text) if text.endswith(")") and "%" in text[-8:] else None
        if result and len(text.split()) <= MAX_RESULT_WORDS:
            if question is not None:
                options.append(
                    PollOption(
                        option=text[: result.start()].strip() or pending,
                        votes=parse_int(result["votes"], "poll votes", warnings, maximum=INT32_MAX),
                        percent=parse_float(result["percent"], "poll percent", warnings, maximum=100.0),
                    )
                )
            pending = None
            continue
        kind = widget_kind(text)
        is_question = site.POLL_QUESTION_NUMBER.match(text) or (kind is None and text.endswith("?"))
        if kind is not None or is_question:
            if question and options:
                yield asked_at, question, options
            question, options, pending = None, [], None
            if is_question:
                question, asked_at = site.POLL_QUESTION_NUMBER.sub("", text).strip(), i
            continue
        if question is not None and pending is not None and not options:
            question = None  # two plain lines after a question and no result: not a poll
        pending = text
    if question and options:
        yield asked_at, question, options


def parse_polls(
    lines: list[Line], lang: str, source_url: str, observed_at: dt.datetime, warnings: list[str]
) -> list[PollSnapshot]:
    """Every poll in ``lines``; a poll whose votes add up past what the
    datasets' int32 column holds gets no total, with a warning."""
    polls = []
    for _, question, options in _read(lines, warnings):
        poll = PollSnapshot(
            poll_id=stable_id(lang, key(question)),
            lang=lang,
            question=question,
            options=options,
            observed_at=observed_at,
            source_url=source_url,
        )
        total = sum(option.votes or 0 for option in options)
        if total > INT32_MAX:
            warnings.append(f"poll votes: {question[:80]!r} adds up to {total}, past {INT32_MAX}: no total kept")
        polls.append(poll)
    return polls


def first_poll(lines: list[Line]) -> int | None:
    """The index of the first poll's question in ``lines``, if they hold a poll."""
    return next((asked_at for asked_at, _, _ in _read(lines, [])), None)
