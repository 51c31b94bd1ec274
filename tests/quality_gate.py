"""Extraction quality over the whole fixture corpus, against pinned floors.

    python -m tests.quality_gate                  # print the scores; exit 1 below a floor
    python -m tests.quality_gate --update         # pin scores that rose as the new floors
    python -m tests.quality_gate --update --allow-lower   # ...and let floors fall, naming each

Three corpora.  ``fixed``: every fixture article rendered five ways, the
mirror's markup, the same with every class and id attribute removed, and the
three markups of tests/fixtures/markups.py.  ``generated``: the first
RIAC_GENERATED_PAGES (300) pages of tests/fixtures/generated.py, markups
drawn at random that the extractor was not written against.  ``site``: one
generated site, every article twice with the site's prose around it,
committed as a crawl commits (the site's text learned).  Scores: per-field
accuracy (share of pages where the field equals the expected value exactly)
and the mean body F1 over word 3-shingles.  Floors live in
tests/quality_baseline.json; they only go up unless --allow-lower is given.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from riac_scraper import extract
from riac_scraper.devtools.mirror import BUNDLED_MIRROR
from riac_scraper.storage.store import DatasetStore
from tests.fixtures.build_mirror import expected, load_articles, load_polls
from tests.fixtures.generated import generate, generated_pages
from tests.fixtures.markups import MARKUPS

BASELINE = Path(__file__).with_name("quality_baseline.json")
SITE = BUNDLED_MIRROR
FIELDS = [
    "url",
    "lang",
    "section",
    "title",
    "lead",
    "body",
    "authors",
    "rating_votes",
    "rating_value",
    "translation_url",
    "published",
    "regions",
    "tags",
    "polls",
]


def strip_attributes(html: bytes) -> bytes:
    return re.sub(rb'\s(?:class|id)="[^"]*"', b"", html)


def mirror_page(art: dict, polls: dict) -> bytes:
    path = art["url"].split("russiancouncil.ru", 1)[1].strip("/")
    return (SITE / path / "index.html").read_bytes()


RENDERINGS: dict[str, Callable[[dict, dict], bytes]] = {
    "mirror": mirror_page,
    "mirror-no-classes": lambda art, polls: strip_attributes(mirror_page(art, polls)),
    **MARKUPS,
}


def stored_fields(html: bytes | str, url: str) -> dict[str, Any] | None:
    """The comparable fields of what a crawl would store, or None for a failure record."""
    return comparable(extract(html, url))


def comparable(rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any] | None:
    """The comparable fields of one page's rows (``api.extract``'s)."""
    if not rows["articles"]:
        return None
    (article,) = rows["articles"]
    polls: dict[str, dict[str, Any]] = {}
    for row in rows["polls"]:
        poll = polls.setdefault(row["poll_id"], {"question": row["question"], "options": []})
        poll["options"].append({"option": row["option"], "votes": row["votes"], "percent": row["percent"]})
    published = article["published"].date().isoformat() if article["published"] else None
    authors = [{k: v for k, v in a.items() if k != "author_id"} for a in article["authors"]]  # ids are derived
    return {**article, "published": published, "authors": authors, "polls": list(polls.values())}


def shingles(text: str, n: int = 3) -> Counter[tuple[str, ...]]:
    words = text.split()
    return Counter(tuple(words[i : i + n]) for i in range(max(len(words) - n + 1, 1)))


def body_f1(got: str, want: str) -> float:
    g, w = shingles(got), shingles(want)
    overlap = sum((g & w).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(g.values()), overlap / sum(w.values())
    return 2 * precision * recall / (precision + recall)


def pages() -> Iterator[tuple[str, str, dict[str, Any] | None, dict[str, Any]]]:
    """(article, rendering, extracted fields, expected fields) for the fixed corpus."""
    polls = load_polls()
    for name, art in load_articles().items():
        want = expected(art, polls)
        for rendering, render in RENDERINGS.items():
            yield name, rendering, stored_fields(render(art, polls), art["url"]), want


def generated(count: int) -> Iterator[tuple[str, str, dict[str, Any] | None, dict[str, Any]]]:
    """The same for the first ``count`` generated pages."""
    polls = load_polls()
    for name, seed, art, page in generated_pages(count):
        yield name, f"generated-{seed}", stored_fields(page.html, art["url"]), expected(art, polls)


SITE_COPIES = 2  # each fixture article twice in the generated site, at two URLs


def site(copies: int = SITE_COPIES) -> Iterator[tuple[str, str, dict[str, Any] | None, dict[str, Any]]]:
    """The same for one generated site: every fixture article ``copies`` times in
    generated markups with the site's prose around it, staged and committed as
    a crawl does, so that the commit learns the site's text (storage/sitetext.py)."""
    polls = load_polls()
    pages = []
    for copy in range(copies):
        for name, art in sorted(load_articles().items()):
            url = art["url"] if copy == 0 else art["url"].rstrip("/") + f"-copy-{copy}/"
            pages.append((name, copy, url, extract(generate(art, polls, copy, site_prose=True).html, url)))
    with tempfile.TemporaryDirectory() as root:
        store = DatasetStore(root, crawl_id="quality-gate")
        for *_, rows in pages:
            store.add("articles", rows["articles"])
        store.commit()
        columns = ["url", "lead", "body", "authors", "suspect_fields", "warnings"]
        kept = {row["url"]: row for row in pq.read_table(Path(root) / "articles", columns=columns).to_pylist()}
    for name, copy, url, rows in pages:
        articles = [{**row, **kept[row["url"]]} for row in rows["articles"]]
        want = {**expected(load_articles()[name], polls), "url": url}
        yield name, f"site-{copy}", comparable({**rows, "articles": articles}), want


def score_corpus(corpus: Iterator[tuple[str, str, dict[str, Any] | None, dict[str, Any]]]) -> dict[str, Any]:
    hits: Counter[str] = Counter()
    suspect: Counter[str] = Counter()  # field -> pages where it is flagged suspect
    false_alarms: Counter[str] = Counter()  # ... flagged and right
    unflagged_wrong = 0
    f1s: list[float] = []
    total = 0
    for _, _, got, want in corpus:
        total += 1
        flagged = set(got["suspect_fields"] or []) if got else set()
        for field in FIELDS:
            right = got is not None and got[field] == want[field]
            hits[field] += right
            suspect[field] += field in flagged
            false_alarms[field] += right and field in flagged
            unflagged_wrong += got is not None and not right and field not in flagged
        f1s.append(body_f1(got["body"], want["body"]) if got else 0.0)
    return {
        "pages": total,
        "field_accuracy": {f: round(hits[f] / total, 4) for f in FIELDS},
        "body_f1": round(sum(f1s) / len(f1s), 4),
        "suspect_fields": {f: suspect[f] for f in FIELDS if suspect[f]},
        "false_alarms": {f: false_alarms[f] for f in FIELDS if false_alarms[f]},
        "wrong_and_unflagged_share": round(unflagged_wrong / (total * len(FIELDS)), 4),
    }


def score() -> dict[str, Any]:
    count = int(os.environ.get("RIAC_GENERATED_PAGES", "300"))
    return {
        "fixed": score_corpus(pages()),
        "generated": score_corpus(generated(count)),
        "site": score_corpus(site()),
    }


def _floors(scores: dict[str, Any]) -> dict[str, Any]:
    return {corpus: {"field_accuracy": s["field_accuracy"], "body_f1": s["body_f1"]} for corpus, s in scores.items()}


def below_floors(scores: dict[str, Any], floors: dict[str, Any]) -> list[str]:
    problems = []
    for corpus, floor in floors.items():
        got = scores.get(corpus, {"field_accuracy": {}, "body_f1": 0.0})
        problems += [
            f"{corpus}: {field} accuracy {got['field_accuracy'].get(field, 0.0)} < floor {value}"
            for field, value in floor["field_accuracy"].items()
            if got["field_accuracy"].get(field, 0.0) < value
        ]
        if got["body_f1"] < floor["body_f1"]:
            problems.append(f"{corpus}: body F1 {got['body_f1']} < floor {floor['body_f1']}")
        # a field flagged suspect where it is right is a false alarm: none is allowed on these corpora
        problems += [
            f"{corpus}: {field} flagged suspect on {count} pages where it is right"
            for field, count in got.get("false_alarms", {}).items()
        ]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description="Score extraction over the fixture corpora.")
    parser.add_argument("--update", action="store_true", help="pin scores that rose as the new floors")
    parser.add_argument("--allow-lower", action="store_true", help="with --update: let floors fall too")
    args = parser.parse_args()
    if args.allow_lower and not args.update:
        parser.error("--allow-lower goes with --update")
    scores = score()
    print(json.dumps(scores, indent=2))
    floors = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    problems = below_floors(scores, floors)
    if args.update:
        if problems and not args.allow_lower:
            for problem in problems:
                print(f"quality gate: refusing to lower a floor: {problem}", file=sys.stderr)
            print("quality gate: nothing pinned; pass --allow-lower to lower these floors", file=sys.stderr)
            return 1
        for problem in problems:
            print(f"quality gate: floor lowered: {problem}", file=sys.stderr)
        BASELINE.write_text(json.dumps(_floors(scores), indent=2) + "\n")
        print(f"pinned as floors in {BASELINE}")
        return 0
    for problem in problems:
        print(f"quality gate: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
