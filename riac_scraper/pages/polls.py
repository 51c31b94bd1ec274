"""Poll widgets: a question, then per option a label and its result "N (P%)".

Polls show on article, listing and home pages alike, so they are read from
any page's lines.  One pass over the lines: linear in the number of options.
"""

from __future__ import annotations

import datetime as dt
import re

from riac_scraper import site
from riac_scraper.items import PollOption, PollSnapshot
from riac_scraper.pages.cues import key, widget_kind
from riac_scraper.pages.reading import Line
from riac_scraper.urls import stable_id
from riac_scraper.values import INT32_MAX, parse_float, parse_int

MAX_RESULT_WORDS = 40  # a longer line is running text that happens to end in "(N%)"


def poll_result(text: str) -> re.Match[str] | None:
    """The result "N (P%)" that ends a poll option's line, if the line is one."""
    text = text.strip()
    if not (text.endswith(")") and "%" in text[-8:]) or len(text.split()) > MAX_RESULT_WORDS:
        return None  # cheap checks first: most lines are no result
    return site.POLL_RESULT.search(text)


def is_poll_question(text: str) -> bool:
    """A numbered line, or a line ending in "?" that is no widget label."""
    text = text.strip()
    return bool(site.POLL_QUESTION_NUMBER.match(text)) or (text.endswith("?") and widget_kind(text) is None)


def parse_polls(
    lines: list[Line], lang: str, source_url: str, observed_at: dt.datetime, warnings: list[str]
) -> list[PollSnapshot]:
    """Every poll in ``lines``."""
    polls: list[PollSnapshot] = []
    question: str | None = None
    options: list[PollOption] = []
    pending: str | None = None

    def close() -> None:
        if question and options:
            polls.append(
                PollSnapshot(
                    poll_id=stable_id(lang, key(question)),
                    lang=lang,
                    question=question,
                    options=options,
                    observed_at=observed_at,
                    source_url=source_url,
                )
            )

    for line in lines:
        text = line.text.strip()
        if result := poll_result(text):
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
        is_question = is_poll_question(text)
        if is_question or widget_kind(text) is not None:
            close()
            question, options, pending = None, [], None
            if is_question:
                question = site.POLL_QUESTION_NUMBER.sub("", text).strip()
            continue
        if question is not None and pending is not None and not options:
            question = None  # two plain lines after a question and no result: not a poll
        pending = text
    close()
    return polls
