"""The site's own text, learned from the site: lines that recur on many of its pages.

One page cannot tell a consent banner, a newsletter prompt or a print
view's copyright line from a paragraph of the article: they read like
prose.  The crawl sees hundreds of pages of one site, and text that recurs
on many different articles is the site's, whatever it looks like.

The commit (``store.py``) learns this once per language over every article
row the datasets will hold, the stored ones and the new ones alike:

- each row gives the fingerprints of its paragraphs (lead and body) and of
  its authors' bios, as extracted from the page, before any removal (a
  stored row's removed lines are in its ``site_text`` column);
- rows with one title count once (one article reached twice), and a row's
  line counts once however often the page prints it (a lead printed twice);
- a line is the site's when it is on at least ``MIN_PAGES`` pages and
  ``MIN_SHARE`` of the pages, unless every page that carries it names one
  same author: that is the author's bio or their closing line, not the site's.

Then every row is filtered under that knowledge: its site lines leave the
lead, the body and the bios and are kept, with where they stood, in
``site_text``; a row whose text is only such lines keeps it and names the
body in ``suspect_fields``: the page's own text was not found.  Because the
filter is applied to the lines as extracted (a stored row is restored
first), the datasets depend only on the pages they hold: a crawl, the same
crawl resumed, a re-extraction of its archive and a commit repeated give
the same rows.  The thresholds are constants, not settings, for the same
reason: ``riac recover`` and ``riac reextract`` must apply the crawl's rule.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MIN_PAGES = 5
MIN_SHARE = 0.02
PARAGRAPH_SEP = "\n\n"  # how ``body`` joins paragraphs (Article.body)


def fold(text: str) -> str:
    """Case, spacing and Unicode form folded: two printings of one line agree."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def fingerprint(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(fold(text).encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def paragraphs(body: str | None) -> list[str]:
    return body.split(PARAGRAPH_SEP) if body else []


SITE_WARNING = "suspect body: all of its text recurs on other pages of the site"


def restore(row: dict[str, Any]) -> dict[str, Any]:
    """The row as extracted from its page: what an earlier commit took out
    (``site_text``) put back where it stood, and what it said removed."""
    removed = row.get("site_text") or []
    warnings = [w for w in row.get("warnings") or [] if not w.startswith(SITE_WARNING)]
    suspect = list(row.get("suspect_fields") or [])
    if "body" in suspect and not any(w.startswith("suspect body:") for w in warnings):
        suspect.remove("body")  # named by the filter below, not by the page's witnesses
    if not removed:
        return {**row, "site_text": [], "warnings": warnings, "suspect_fields": suspect}
    body = paragraphs(row.get("body"))
    authors = [dict(author) for author in row.get("authors") or []]
    for entry in sorted(removed, key=lambda entry: (entry["field"], entry["position"])):
        position, text = entry["position"], entry["text"]
        if entry["field"] == "body":
            body.insert(min(position, len(body)), text)
        elif entry["field"] == "bio" and 0 <= position < len(authors):
            authors[position]["bio"] = text
        elif entry["field"] == "warning":
            warnings.insert(min(position, len(warnings)), text)
            if text.startswith("suspect lead:") and "lead" not in suspect:
                suspect.append("lead")
    return {
        **row,
        "lead": body[0] if body else row.get("lead"),
        "body": PARAGRAPH_SEP.join(body),
        "word_count": len(PARAGRAPH_SEP.join(body).split()),
        "authors": authors,
        "warnings": warnings,
        "suspect_fields": suspect,
        "site_text": [],
    }


def _texts(row: dict[str, Any]) -> list[str]:
    bios = [author.get("bio") for author in row.get("authors") or []]
    return paragraphs(row.get("body")) + [bio for bio in bios if bio]


@dataclass
class SiteText:
    """The lines learned as the site's in one language, and how many pages taught it."""

    lines: frozenset[int] = frozenset()
    pages: int = 0
    changed: int = 0  # rows with a site line taken out
    suspect: int = 0  # rows whose text is only site lines
    _rows: list[tuple[int, list[int], frozenset[str]]] = field(default_factory=list)

    # ----------------------------------------------------------- learning
    def see(self, row: dict[str, Any]) -> None:
        """Count one row (``title``, ``body``, ``authors``, ``site_text``)."""
        prints = sorted({fingerprint(text) for text in _texts(restore(row))})
        authors = frozenset(fold(author["name"]) for author in row.get("authors") or [] if author.get("name"))
        self._rows.append((fingerprint(row.get("title") or ""), prints, authors))

    def learn(self) -> SiteText:
        """Decide which lines are the site's, from the rows seen."""
        by_title: dict[int, tuple[set[int], frozenset[str]]] = {}
        for title, prints, authors in self._rows:  # one article reached at two URLs counts once
            known = by_title.setdefault(title, (set(), authors))
            known[0].update(prints)
        self._rows = []
        self.pages, self.lines = len(by_title), frozenset()
        if not by_title:
            return self
        page_of = np.concatenate([np.full(len(p), i, np.int64) for i, (p, _) in enumerate(by_title.values())])
        prints = np.concatenate([np.fromiter(p, np.int64, len(p)) for p, _ in by_title.values()])
        values, counts = np.unique(prints, return_counts=True)
        need = max(MIN_PAGES, math.ceil(MIN_SHARE * self.pages))
        frequent = values[counts >= need]
        if not len(frequent):
            return self
        authors = [a for _, a in by_title.values()]
        common: dict[int, frozenset[str]] = {}
        mask = np.isin(prints, frequent)
        for fp, page in zip(prints[mask].tolist(), page_of[mask].tolist(), strict=True):
            common[fp] = common[fp] & authors[page] if fp in common else authors[page]
        self.lines = frozenset(fp for fp, names in common.items() if not names)
        return self

    # ---------------------------------------------------------- filtering
    def apply(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row with the site's lines taken out of lead, body and bios (a new dict)."""
        row = restore(row)
        body = paragraphs(row.get("body"))
        site = [fingerprint(text) in self.lines for text in body]
        removed = [{"field": "body", "position": i, "text": text} for i, text in enumerate(body) if site[i]]
        kept = [text for i, text in enumerate(body) if not site[i]]
        suspect, warnings = row["suspect_fields"], row["warnings"]
        removed_chars = sum(len(entry["text"]) for entry in removed)
        if removed and not kept:
            # Only the site's own lines: the article's text was not found.  Kept, and said.
            kept, removed = body, []
            self.suspect += 1
            if "body" not in suspect:
                suspect.append("body")
            warnings.append(f"{SITE_WARNING} ({removed_chars} characters)")
        authors = [dict(author) for author in row.get("authors") or []]
        for position, author in enumerate(authors):
            if author.get("bio") and fingerprint(author["bio"]) in self.lines:
                removed.append({"field": "bio", "position": position, "text": author["bio"]})
                author["bio"] = None
        if kept[:1] != body[:1]:
            # The lead was the site's: what the page's witnesses said of it was said of the site's text.
            for position, warning in enumerate(warnings):
                if warning.startswith("suspect lead:"):
                    removed.append({"field": "warning", "position": position, "text": warning})
            warnings = [w for w in warnings if not w.startswith("suspect lead:")]
            suspect = [name for name in suspect if name != "lead"]
        if not removed:
            return row
        self.changed += 1
        text = PARAGRAPH_SEP.join(kept)
        return {
            **row,
            "lead": kept[0] if kept else None,
            "body": text,
            "word_count": len(text.split()),
            "authors": authors,
            "site_text": removed,
            "suspect_fields": suspect,
            "warnings": warnings,
        }


def learn(rows: Iterable[dict[str, Any]]) -> SiteText:
    model = SiteText()
    for row in rows:
        model.see(row)
    return model.learn()
