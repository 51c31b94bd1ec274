"""The site's own text, learned over many pages of one site (storage/sitetext.py).

A generated site (every fixture article in generated markups, with the
site's prose around the article: a consent banner, newsletter and comment
prompts, a disclaimer and a reprint notice) is extracted page by page, as a
crawl stages it, and committed: after the commit no page's lead, body or
bio holds the site's prose, and every field is its source's.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from riac_scraper.api import extract
from riac_scraper.devtools.mirror import Mirror
from riac_scraper.reextract import reextract
from riac_scraper.storage import sitetext
from riac_scraper.storage.sitetext import SITE_WARNING, SiteText, learn, restore
from riac_scraper.storage.store import DatasetStore
from tests.conftest import SITE, page_path, run_crawl
from tests.fixtures.build_mirror import expected, load_articles, load_polls
from tests.fixtures.generated import SITE_PROSE, generate

POLLS = load_polls()
ARTICLES = load_articles()


def _url(url: str, copy: int) -> str:
    """The ``copy``-th address of an article: the same article reached at another URL."""
    return url if copy == 0 else url.rstrip("/") + f"-copy-{copy}/"


def site_rows(copies: int = 2, *, prose: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """(fixture name, staged article row) for every page of the generated site."""
    rows = []
    for copy in range(copies):
        for name, art in sorted(ARTICLES.items()):
            page = generate(art, POLLS, copy, site_prose=prose)
            (row,) = extract(page.html, _url(art["url"], copy))["articles"]
            rows.append((name, row))
    return rows


def committed(root: Path, rows: list[dict[str, Any]], crawl: str = "c1") -> pd.DataFrame:
    store = DatasetStore(root, crawl_id=crawl)
    for row in rows:
        store.add("articles", [row])
    store.commit()
    store.discard_staging()
    return pd.read_parquet(root / "articles").set_index("url")


def comparable(row: dict[str, Any] | pd.Series) -> dict[str, Any]:
    authors = [{k: v for k, v in a.items() if k != "author_id"} for a in row["authors"]]
    return {"title": row["title"], "lead": row["lead"], "body": row["body"], "authors": authors}


def test_a_site_prints_its_prose_into_the_pages_text_until_the_commit_learns_it(tmp_path: Path) -> None:
    rows = site_rows()
    prose = [line.casefold() for lines in SITE_PROSE.values() for line in lines]

    def with_prose(text: str | None) -> bool:
        return any(line[:40] in (text or "").casefold() for line in prose)

    assert sum(with_prose(row["body"]) for _, row in rows) > len(rows) // 3  # what one page cannot tell
    articles = committed(tmp_path, [row for _, row in rows])
    wrong = []
    for name, row in rows:
        got, want = articles.loc[row["url"]], expected(ARTICLES[name], POLLS)
        for field in ("title", "lead", "body", "authors"):
            value = comparable(got)[field]
            if value != {**want, "authors": want["authors"]}[field]:
                wrong.append(f"{name} {row['url']}: {field} = {value!r:.200}")
    assert not wrong, "\n".join(wrong[:5])
    assert not any(with_prose(body) for body in articles["body"])
    removed = articles["site_text"].map(len)
    assert (removed > 0).sum() > len(rows) // 3
    assert all(entry["field"] == "body" for entries in articles["site_text"] for entry in entries)
    assert not any("body" in list(s) for s in articles["suspect_fields"])


def test_the_same_pages_without_prose_lose_nothing(tmp_path: Path) -> None:
    rows = site_rows(prose=False)
    articles = committed(tmp_path, [row for _, row in rows])
    for _, row in rows:
        assert comparable(articles.loc[row["url"]]) == comparable(row)
    assert articles["site_text"].map(len).sum() == 0


def test_a_commit_in_steps_a_repeated_commit_and_a_resumed_one_give_one_truth(tmp_path: Path) -> None:
    rows = [row for _, row in site_rows()]
    at_once = committed(tmp_path / "once", rows)
    half = len(rows) // 3
    committed(tmp_path / "steps", rows[:half], "c1")
    in_steps = committed(tmp_path / "steps", rows[half:], "c2")
    again = committed(tmp_path / "steps", [], "c3")
    columns = ["lead", "body", "word_count", "authors", "site_text", "suspect_fields", "warnings"]
    for frame in (in_steps, again):
        pd.testing.assert_frame_equal(frame[columns].sort_index(), at_once[columns].sort_index())


def _row(title: str, paragraphs: list[str], authors: list[tuple[str, str | None]] = ()) -> dict[str, Any]:
    return {
        "title": title,
        "lead": paragraphs[0] if paragraphs else None,
        "body": "\n\n".join(paragraphs),
        "word_count": len(" ".join(paragraphs).split()),
        "authors": [{"name": n, "bio": b, "url": None, "author_id": n} for n, b in authors],
        "site_text": [],
        "suspect_fields": [],
        "warnings": [],
    }


BANNER = "This site uses cookies; by reading on you agree to them being stored on your device."


def _page(n: int, extra: list[str] = (), authors: list[tuple[str, str | None]] = ()) -> dict[str, Any]:
    own = [f"Article {n} opens with its own lead sentence, number {n}.", f"Its body paragraph {n} says more."]
    return _row(f"Title {n}", own + list(extra), authors)


def test_a_line_on_enough_pages_is_the_sites_and_a_line_on_few_is_not() -> None:
    pages = [_page(n, [BANNER]) for n in range(sitetext.MIN_PAGES)]
    assert learn(pages).lines  # on MIN_PAGES pages: the site's
    assert not learn(pages[:-1]).lines  # on one page fewer: not yet
    quote = "A quotation that two articles print, word for word, in their text."
    assert not learn([_page(1, [quote]), _page(2, [quote]), *(_page(n) for n in range(3, 40))]).lines


def test_the_share_of_pages_counts_too() -> None:
    # On MIN_PAGES pages of many: less than MIN_SHARE of them, so not the site's.
    many = int(sitetext.MIN_PAGES / sitetext.MIN_SHARE) + 50
    pages = [_page(n, [BANNER] if n < sitetext.MIN_PAGES else []) for n in range(many)]
    assert not learn(pages).lines
    assert learn(pages[: many // 3]).lines


def test_a_lead_printed_twice_on_one_page_counts_once() -> None:
    pages = [_page(1, [BANNER, BANNER, BANNER, BANNER, BANNER]), *(_page(n) for n in range(2, 30))]
    assert not learn(pages).lines


def test_one_article_reached_at_many_urls_counts_once() -> None:
    pages = [_page(1) for _ in range(10)] + [_page(n) for n in range(2, 12)]
    assert not learn(pages).lines


def test_an_authors_bio_on_all_their_pages_is_theirs_not_the_sites() -> None:
    bio = "Ivan Petrov is a senior fellow at an institute and writes on the Arctic."
    pages = [_page(n, authors=[("Ivan Petrov", bio)]) for n in range(8)] + [_page(n) for n in range(8, 20)]
    model = learn(pages)
    assert not model.lines
    assert model.apply(pages[0])["authors"][0]["bio"] == bio
    # A line that many authors' pages carry is the site's, in a bio too.
    names = [(f"Author Number{n}", BANNER) for n in range(8)]
    pages = [_page(n, authors=[names[n]]) for n in range(8)]
    model = learn(pages)
    assert model.lines
    filtered = model.apply(pages[0])
    assert filtered["authors"][0]["bio"] is None
    assert filtered["site_text"] == [{"field": "bio", "position": 0, "text": BANNER}]
    assert restore(filtered)["authors"] == pages[0]["authors"]


def test_a_lead_that_is_the_sites_gives_way_to_the_articles_own() -> None:
    pages = [_row(f"Title {n}", [BANNER, f"The real lead of article {n}.", "More text."]) for n in range(6)]
    pages[0]["suspect_fields"], pages[0]["warnings"] = ["lead"], ["suspect lead: 'This site uses…' shares no word"]
    model = learn(pages)
    filtered = model.apply(pages[0])
    assert filtered["lead"] == "The real lead of article 0."
    assert filtered["body"].startswith("The real lead")
    assert filtered["suspect_fields"] == [] and filtered["warnings"] == []
    assert restore(filtered) == {**pages[0], "word_count": pages[0]["word_count"]}
    assert model.changed == 1


def test_a_text_that_is_only_the_sites_is_kept_and_named_suspect() -> None:
    notice = "Materials of this site may be reprinted only with a link to the source and the author's name."
    pages = [_row(f"Title {n}", [BANNER, notice]) for n in range(6)]
    model = learn(pages)
    filtered = model.apply(pages[0])
    assert filtered["body"] == pages[0]["body"]  # never an empty body, never a silent one
    assert filtered["suspect_fields"] == ["body"]
    assert filtered["warnings"][0].startswith(SITE_WARNING)
    assert model.suspect == 1
    assert model.apply(filtered) == filtered  # a repeated commit says it once
    assert restore(filtered)["suspect_fields"] == [] and restore(filtered)["warnings"] == []


def test_a_model_with_no_pages_changes_nothing() -> None:
    assert learn([]).pages == 0
    row = _page(1, [BANNER])
    assert SiteText().apply(row) == row


@pytest.mark.e2e
def test_a_crawl_of_a_site_with_prose_learns_it_and_its_archive_gives_the_same_datasets(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    for art in ARTICLES.values():  # the mirror's articles, each in a generated markup with the site's prose
        pages = (generate(art, POLLS, seed, site_prose=True) for seed in range(100))
        page = next(p for p in pages if "charset-utf-8" in p.features)  # what the mirror's header says
        page_path(art["url"], site).write_bytes(page.html)
    out = tmp_path / "out"
    with Mirror(site) as server:
        result = run_crawl(server.base_url, out)
    assert result.returncode == 0, result.stderr[-2000:]
    articles = pd.read_parquet(out / "articles").set_index("url")
    assert set(articles["lang"]) == {"en", "ru"}
    for art in ARTICLES.values():
        got, want = articles.loc[art["url"]], expected(art, POLLS)
        assert comparable(got) == {k: want[k] for k in ("title", "lead", "body", "authors")}, art["url"]
    assert articles["site_text"].map(len).sum() > 0
    learned = json.loads((out / "crawl-report.json").read_text())["site_text"]
    assert {lang: learned[lang]["lines"] for lang in ("en", "ru")} == {
        "en": 4,
        "ru": 4,
    }  # the notices; the banner stayed out
    again = tmp_path / "again"
    reextract([str(p) for p in (out / "archive").glob("*.warc.gz")], again)
    schema = pq.read_schema(out / "articles" / "lang=en" / "part-0.parquet")
    columns = [c for c in schema.names if c not in ("crawl_id", "listing_hash")]
    reread = pd.read_parquet(again / "articles").set_index("url")
    pd.testing.assert_frame_equal(
        reread[[c for c in columns if c != "url"]].sort_index().astype(str),
        articles[[c for c in columns if c != "url"]].sort_index().astype(str),
    )


# ------------------------------------------------------------ restore and apply, case by case
def test_no_body_is_no_paragraph() -> None:
    assert sitetext.paragraphs(None) == [] and sitetext.paragraphs("") == []


def test_restore_keeps_what_the_pages_witnesses_said() -> None:
    """Suspect fields and warnings of the page itself stay; "body" stays when a witness named it."""
    row = {
        **_page(1),
        "suspect_fields": ["published", "body"],
        "warnings": ["suspect body: shares no word with the title", f"{SITE_WARNING} (12 characters)"],
    }
    assert restore(row) == {**row, "warnings": ["suspect body: shares no word with the title"]}
    unnamed = {**row, "warnings": [f"{SITE_WARNING} (12 characters)"]}  # "body" named by the filter only
    assert restore(unnamed)["suspect_fields"] == ["published"]


def test_restore_puts_back_each_kind_where_it_stood_and_skips_what_has_no_place() -> None:
    row = {
        **_row("T", [], [("A", None)]),
        "lead": "kept when there is no body",
        "site_text": [
            {"field": "bio", "position": 0, "text": BANNER},
            {"field": "bio", "position": 1, "text": "no second author: no place"},
            {"field": "warning", "position": 0, "text": "suspect lead: one"},
            {"field": "warning", "position": 1, "text": "suspect lead: two"},
        ],
    }
    restored = restore(row)
    assert restored["authors"] == [{"name": "A", "bio": BANNER, "url": None, "author_id": "A"}]
    assert restored["warnings"] == ["suspect lead: one", "suspect lead: two"]
    assert restored["suspect_fields"] == ["lead"]  # named once
    assert (restored["lead"], restored["body"], restored["site_text"]) == ("kept when there is no body", "", [])


def test_apply_counts_every_row_it_changed_and_every_suspect_one() -> None:
    notice = "Materials of this site may be reprinted only with a link to the source and the author's name."
    only_site = [_row(f"Title {n}", [BANNER, notice]) for n in range(6)]
    model = learn(only_site)
    named = {**only_site[1], "suspect_fields": ["body"], "warnings": ["suspect body: shares no word"]}
    first, second = model.apply(only_site[0]), model.apply(named)
    chars = len(BANNER) + len(notice)
    assert first["warnings"] == [f"{SITE_WARNING} ({chars} characters)"]
    assert second["suspect_fields"] == ["body"]  # named once
    assert model.suspect == 2
    mixed = [_page(n, [BANNER]) for n in range(6)]
    model = learn(mixed)
    model.apply(mixed[0])
    model.apply(mixed[1])
    assert model.changed == 2


def test_a_site_line_after_the_lead_leaves_the_leads_warning_alone() -> None:
    pages = [_page(n, [BANNER]) for n in range(6)]
    pages[0]["suspect_fields"], pages[0]["warnings"] = ["lead"], ["suspect lead: shares no word with the title"]
    filtered = learn(pages).apply(pages[0])
    assert filtered["site_text"] == [{"field": "body", "position": 2, "text": BANNER}]
    assert (filtered["suspect_fields"], filtered["warnings"]) == (pages[0]["suspect_fields"], pages[0]["warnings"])


def test_a_page_with_no_body_loses_a_site_bio_and_has_no_lead() -> None:
    names = [(f"Author Number{n}", BANNER) for n in range(8)]
    pages = [_page(n, authors=[names[n]]) for n in range(8)]
    filtered = learn(pages).apply(_row("No body", [], [("Someone Else", BANNER)]))
    assert (filtered["lead"], filtered["body"], filtered["authors"][0]["bio"]) == (None, "", None)


def test_an_untitled_page_is_not_one_with_any_title() -> None:
    model = SiteText()
    for title in ("", "XXXX", "xxxx "):  # untitled, and a title that folds like a placeholder would
        model.see(_row(title, ["One paragraph."]))
    assert model.learn().pages == 2  # "XXXX" and "xxxx " are one title folded


def test_learning_again_learns_from_the_rows_seen_since() -> None:
    model = SiteText()
    for n in range(sitetext.MIN_PAGES):
        model.see(_page(n, [BANNER]))
    assert model.learn().pages == sitetext.MIN_PAGES and model.lines
    model.see(_page(99))
    assert model.learn().pages == 1 and not model.lines  # one page teaches no site line
