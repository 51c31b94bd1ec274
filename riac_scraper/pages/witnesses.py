"""Witnesses: what a page states more than once, checked against each other.

A page gives its title in the text, in ``<title>`` and in ``og:title`` or
JSON-LD; its lead in the text and in the description; its date in the
metadata and printed above the text; its authors in the text and in the
metadata.  Extraction picks one answer per field
(``article.py``); here the answer is held against the witnesses it did not
come from.  A field whose answer every witness contradicts is *suspect*: the
row lists it in ``suspect_fields`` and says why in ``warnings``.  The value
is kept: a witness can be wrong too (a site-wide description, a stale
``og:title``), and which one is right is for the analyst to see, not for a
silent swap.

The checks are meant to fire on wrong answers, not on the ordinary
differences between an article's text and its metadata (a ``<title>`` with
the site's name, a description cut at 100 characters, a date in another
time zone), so they compare the words that carry meaning, not strings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from riac_scraper import site
from riac_scraper.pages.metadata import PageMetadata

_WORD = re.compile(r"\w{4,}")  # words of four letters or more: what two texts on one subject share
QUOTED = 80  # characters of each value quoted in a warning
PROSE_BEFORE_LEAD = 1  # lines of running text (no bio) that may stand between title and lead: a notice, a caption


@dataclass(frozen=True)
class Suspect:
    field: str
    warning: str


def without_site_suffix(title: str) -> str:
    """``<title>`` without the site's name after its last separator ("X | RIAC")."""
    for sep in site.TITLE_SEPARATORS:
        if sep in title:
            title = title.rsplit(sep, 1)[0]
    return title


def words(text: str) -> set[str]:
    return {word.casefold() for word in _WORD.findall(text)}


def agrees(answer: str, witness: str) -> bool:
    """Whether two statements of one field say the same: half the meaningful
    words of the one with fewer are in the other (so one that holds the other
    agrees).  A text with no word to compare is not judged: it agrees."""
    ours, theirs = words(answer), words(witness)
    return 2 * len(ours & theirs) >= min(len(ours), len(theirs))


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= QUOTED else text[: QUOTED - 1] + "…")


def check(
    meta: PageMetadata,
    title: str | None,
    lead: str | None,
    body: list[str],
    published: dt.date | None,
    author_names: list[str],
    printed_dates: list[dt.date],
    prose_before_lead: int | None = None,
) -> list[Suspect]:
    """The suspect fields of one page's answers, each with its warning."""
    found: list[Suspect] = []
    page_title = without_site_suffix(meta.title) if meta.title else None
    titles = [(name, t) for name, t in (("og:title", meta.headline), ("<title>", page_title)) if t and t.strip()]
    if title and titles and not any(agrees(title, t) for _, t in titles):
        name, witness = titles[0]
        found.append(Suspect("title", f"suspect title: {_quote(title)} shares little with {name} {_quote(witness)}"))
    description = meta.description
    if lead and description and words(description) and not words(lead) & words(description):
        found.append(
            Suspect("lead", f"suspect lead: {_quote(lead)} shares no word with the description {_quote(description)}")
        )
    if prose_before_lead is not None and prose_before_lead > PROSE_BEFORE_LEAD:
        found.append(
            Suspect("lead", f"suspect lead: {prose_before_lead} lines of running text stand between the title and it")
        )
    if lead and body and len(" ".join(body)) < len(lead):
        found.append(Suspect("body", f"suspect body: shorter than its own lead ({len(' '.join(body))} characters)"))
    if published and printed_dates and all(abs((d - published).days) > 1 for d in printed_dates):
        found.append(Suspect("published", f"suspect published: {published} where the page prints {printed_dates[0]}"))
    theirs = {w for name in meta.author_names for w in words(name)}
    ours = {w for name in author_names for w in words(name)}
    if ours and theirs and not ours & theirs:
        found.append(
            Suspect(
                "authors",
                f"suspect authors: {_quote(', '.join(author_names))} where the metadata names "
                f"{_quote(', '.join(meta.author_names))}",
            )
        )
    return found
