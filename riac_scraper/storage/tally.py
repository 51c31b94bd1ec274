"""The account of what a crawl staged: every row, failure and unchanged mark,
counted from the staged rows themselves, so that a crawl resumed after a kill
is judged whole.  The crawl's report and verdict are made from it."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from riac_scraper.items import COVERED_FIELDS
from riac_scraper.storage.records import article_id
from riac_scraper.storage.store import DatasetStore
from riac_scraper.urls import classify, url_lang


def _present(column: pa.ChunkedArray) -> list[bool]:
    """Which values are non-empty, without turning long texts into Python strings."""
    if pa.types.is_string(column.type):
        present = pc.greater(pc.utf8_length(column), 0)
    elif pa.types.is_list(column.type):
        present = pc.greater(pc.list_value_length(column), 0)
    else:
        present = pc.is_valid(column)
    return pc.fill_null(present, False).to_pylist()


@dataclass
class Tally:
    """What a crawl staged, counted for the report: computed from the staged
    rows themselves, so that a crawl resumed after a kill is judged whole."""

    pages: Counter[str] = field(default_factory=Counter)  # group ("all" or a section) -> article pages
    present: Counter[str] = field(default_factory=Counter)  # "field@group" -> pages with a value
    fallback: Counter[str] = field(default_factory=Counter)
    suspect: Counter[str] = field(default_factory=Counter)  # "field@group" -> pages where a witness contradicts it
    written: dict[str, str] = field(default_factory=dict)  # url -> content hash, of the articles written
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (url, stage, reason)
    unchanged: int = 0  # stored articles not fetched again (listing entry unchanged, or a 304)
    unchanged_by_lang: Counter[str] = field(default_factory=Counter)
    landed: set[str] = field(default_factory=set)  # article ids with a row, a failure or an unchanged mark

    @property
    def articles(self) -> int:
        return len(self.written)

    @classmethod
    def from_store(cls, store: DatasetStore) -> Tally:
        tally = cls()
        for table in store.staged_tables("articles"):
            tally.landed.update(table.column("article_id").to_pylist())
            urls, digests = table.column("url").to_pylist(), table.column("content_hash").to_pylist()
            tally.written.update(zip(urls, digests, strict=True))
            present = {name: _present(table.column(name)) for name in COVERED_FIELDS}
            sections, fallbacks = table.column("section").to_pylist(), table.column("fallback_fields").to_pylist()
            # rows staged by a version before the column (a crawl resumed across an upgrade) have it null
            suspects = table.column("suspect_fields").to_pylist()
            for row, (section, fallback, suspect) in enumerate(zip(sections, fallbacks, suspects, strict=True)):
                present_here = {name: present[name][row] for name in COVERED_FIELDS}
                tally._count(section, present_here, fallback or [], suspect or [])
        for row in store.staged_rows("failures", ["url", "stage", "reason"]):
            tally.landed.add(article_id(row["url"]))
            tally.failed.append((row["url"], row["stage"], row["reason"]))
            if row["stage"] in ("extract", "validate"):  # a page that gave no article: empty everywhere
                tally._count(None, dict.fromkeys(COVERED_FIELDS, False), [], [])
        # An article marked unchanged and then fetched again (its sitemap lastmod
        # was later), or marked twice (a 304), counts once: by its row if it has one.
        written = {article_id(url) for url in tally.written}
        seen: dict[str, str] = {}
        for table in store.staged_tables("seen"):
            seen.update(zip(table.column("article_id").to_pylist(), table.column("lang").to_pylist(), strict=True))
        tally.landed.update(seen)
        for key, lang in seen.items():
            if key not in written:
                tally.unchanged += 1
                tally.unchanged_by_lang[lang] += 1
        return tally

    def __repr__(self) -> str:  # shown in the crawl's stats dump
        return f"Tally(articles={self.articles}, unchanged={self.unchanged}, failures={len(self.failed)})"

    def _count(self, section: str | None, present: dict[str, bool], fallback: list[str], suspect: list[str]) -> None:
        for group in ("all", section) if section else ("all",):
            self.pages[group] += 1
            for name, has_value in present.items():
                self.present[f"{name}@{group}"] += has_value
            for name in fallback:
                self.fallback[f"{name}@{group}"] += 1
            for name in suspect:
                self.suspect[f"{name}@{group}"] += 1

    def coverage(self) -> dict[str, dict[str, Any]]:
        table = {}
        for group, pages in sorted(self.pages.items()):
            for name in COVERED_FIELDS:
                key = name if group == "all" else f"{name}@{group}"
                table[key] = {
                    "pages": pages,
                    "share": round(self.present[f"{name}@{group}"] / pages, 4),
                    "fallback_share": round(self.fallback[f"{name}@{group}"] / pages, 4),
                    "suspect_share": round(self.suspect[f"{name}@{group}"] / pages, 4),
                }
        return table

    def unaccounted(self, decided: set[str], landed_as: dict[str, str]) -> list[str]:
        """The article URLs the crawl decided to fetch that ended in no row,
        no failure and no unchanged mark."""
        return sorted(
            url
            for url in decided
            if article_id(url) not in self.landed and article_id(landed_as.get(url, url)) not in self.landed
        )

    def articles_by_kind(self, known: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
        """Articles new, changed, unchanged and failed, in all and per language.
        A re-fetched article whose text did not change counts as unchanged."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for url, digest in self.written.items():
            stored = known.get(url)
            kind = "new" if stored is None else "unchanged" if stored.get("content_hash") == digest else "changed"
            counts[url_lang(url)][kind] += 1
        for lang, seen in self.unchanged_by_lang.items():
            counts[lang]["unchanged"] += seen
        for url, _, _ in self.failed:
            if (kind := classify(url)) is not None and kind.kind == "article":
                counts[url_lang(url)]["failed"] += 1
        kinds = ("new", "changed", "unchanged", "failed")
        by_lang = {lang: {k: counts[lang][k] for k in kinds} for lang in sorted(counts)}
        return {"all": {k: sum(c[k] for c in by_lang.values()) for k in kinds}, **by_lang}
