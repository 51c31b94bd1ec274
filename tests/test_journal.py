"""The crawl journal (storage/journal.py) in a real job directory: each fact
written once, as one line, and read back whole after a kill."""

from __future__ import annotations

from pathlib import Path

import pytest

from riac_scraper.storage.journal import JOURNAL_NAME, CrawlJournal, journal_crawl_id
from riac_scraper.storage.outputdir import OutputError
from riac_scraper.storage.store import is_crawl_id

A = "https://russiancouncil.ru/en/news/a/"
B = "https://russiancouncil.ru/en/news/b/"
LISTING = "https://russiancouncil.ru/en/news/"
CRAWL = "20260101T000000Z-abcdef"


def lines(job: Path) -> list[str]:
    return (job / JOURNAL_NAME).read_text("utf-8").split("\n")


def test_a_new_journal_starts_a_crawl_and_writes_each_fact_once(tmp_path: Path) -> None:
    job = tmp_path / "job"
    journal = CrawlJournal(job)  # the job directory is made
    assert not journal.resumed and is_crawl_id(journal.crawl_id)
    journal.request(LISTING, "listing")
    journal.request(LISTING, "article")  # asked again: the first kind stands, nothing written
    journal.request(A, "article")
    journal.discovered("sitemaps", A)
    journal.discovered("sitemaps", A)
    journal.redirect(A, B)
    journal.redirect(A, B)
    journal.mark("walk", LISTING, "stopped")
    journal.mark("walk", LISTING, "stopped")
    journal.finish(LISTING)
    journal.finish(LISTING)
    assert lines(job) == [
        f"crawl {journal.crawl_id}",
        f"request listing {LISTING}",
        f"request article {A}",
        f"found sitemaps {A}",
        f"redirect {A} {B}",
        f"mark walk {LISTING} stopped",
        f"done {LISTING}",
        "",
    ]  # flushed line by line: readable while the crawl runs
    assert journal.pending() == [(A, "article")]
    journal.close(committed=False)
    assert journal_crawl_id(job) == journal.crawl_id


def test_a_resumed_journal_knows_everything_written_and_ignores_a_cut_line(tmp_path: Path) -> None:
    (tmp_path / JOURNAL_NAME).write_text(
        f"crawl {CRAWL}\n"
        f"request listing {LISTING}\n"
        f"request article {A}\n"
        f"request article {B}\n"
        f"request listing {A}\n"  # a second kind for the same page: the first stands
        f"done {LISTING}\n"
        f"redirect {A} {LISTING}\n"
        f"redirect {A} {B}\n"  # the last word wins
        f"found feeds {B}\n"
        f"found listings {B}\n"
        f"mark first {LISTING} none\n"
        f"mark first {LISTING} 3\n"
        f"mark sitemap {A} 2026-01-01\n"
        f"done {A}"  # cut short by the kill: not done
    )
    journal = CrawlJournal(tmp_path)
    assert journal.resumed and journal.crawl_id == CRAWL
    assert journal.requested == {LISTING: "listing", A: "article", B: "article"}
    assert journal.done == {LISTING}
    assert journal.pending() == [(A, "article"), (B, "article")]
    assert journal.redirects == {A: B}
    assert list(journal.found) == [("feeds", B), ("listings", B)]
    assert journal.marks == {"first": {LISTING: "3"}, "sitemap": {A: "2026-01-01"}}
    before = (tmp_path / JOURNAL_NAME).read_text()
    journal.mark("first", LISTING, "3")  # what it knows already is not written again
    journal.redirect(A, B)
    journal.request(B, "article")
    journal.discovered("feeds", B)
    assert (tmp_path / JOURNAL_NAME).read_text() == before
    journal.redirect(A, LISTING)
    journal.mark("first", LISTING, "4")
    journal.finish(A)
    journal.close(committed=False)
    again = CrawlJournal(tmp_path)
    assert (again.redirects, again.marks["first"], again.pending()) == ({A: LISTING}, {LISTING: "4"}, [(B, "article")])
    again.close(committed=False)
    assert lines(tmp_path)[-5:] == [
        f"mark sitemap {A} 2026-01-01",
        f"redirect {A} {LISTING}",
        f"mark first {LISTING} 4",
        f"done {A}",
        "",
    ]


def test_a_line_cut_inside_a_url_never_reads_as_another_page(tmp_path: Path) -> None:
    """Cut inside an article's URL, ``done`` could name its listing: the cut
    piece is dropped, not finished with the next line's text."""
    (tmp_path / JOURNAL_NAME).write_text(f"crawl {CRAWL}\nrequest listing {LISTING}\ndone {A[:-2]}")
    journal = CrawlJournal(tmp_path)
    journal.request(A, "article")
    journal.close(committed=False)
    assert lines(tmp_path) == [f"crawl {CRAWL}", f"request listing {LISTING}", f"request article {A}", ""]
    resumed = CrawlJournal(tmp_path)
    assert resumed.pending() == [(LISTING, "listing"), (A, "article")]
    resumed.close(committed=False)


def test_scrapys_own_queue_is_removed_and_a_committed_crawl_leaves_no_journal(tmp_path: Path) -> None:
    (tmp_path / "requests.queue").mkdir()
    (tmp_path / "requests.queue" / "p0").write_bytes(b"stale")
    (tmp_path / "requests.seen").write_text("fingerprint\n")
    (tmp_path / "spider.state").write_bytes(b"kept")
    journal = CrawlJournal(tmp_path)
    assert not (tmp_path / "requests.queue").exists() and not (tmp_path / "requests.seen").exists()
    assert (tmp_path / "spider.state").read_bytes() == b"kept"
    journal.close(committed=True)
    assert not (tmp_path / JOURNAL_NAME).exists()
    assert journal_crawl_id(tmp_path) is None
    fresh = CrawlJournal(tmp_path)
    assert not fresh.resumed and fresh.crawl_id != journal.crawl_id
    fresh.close(committed=False)
    assert (tmp_path / JOURNAL_NAME).exists()


def test_the_crawl_id_is_the_first_and_every_one_is_checked(tmp_path: Path) -> None:
    assert journal_crawl_id(tmp_path) is None
    (tmp_path / JOURNAL_NAME).write_text(f"request listing {LISTING}\n")
    assert journal_crawl_id(tmp_path) is None  # a journal cut before its first line was whole
    other = "20260202T000000Z-fedcba"
    (tmp_path / JOURNAL_NAME).write_text(f"crawl {CRAWL}\ncrawl {other}\n")
    assert journal_crawl_id(tmp_path) == CRAWL
    journal = CrawlJournal(tmp_path)
    assert journal.crawl_id == CRAWL
    journal.close(committed=False)
    (tmp_path / JOURNAL_NAME).write_text(f"crawl {CRAWL}\ncrawl ../../x\n")
    message = rf"^{tmp_path / JOURNAL_NAME} names the crawl '\.\./\.\./x', which is no crawl id: move the job"
    with pytest.raises(OutputError, match=message):
        journal_crawl_id(tmp_path)
    with pytest.raises(OutputError, match=message):
        CrawlJournal(tmp_path)


def test_a_line_cut_inside_a_character_is_dropped_not_refused(tmp_path: Path) -> None:
    cut = "mark sitemap k значение".encode()[:-1]
    (tmp_path / JOURNAL_NAME).write_bytes(f"crawl {CRAWL}\nrequest listing {LISTING}\n".encode() + cut)
    assert journal_crawl_id(tmp_path) == CRAWL
    journal = CrawlJournal(tmp_path)
    assert (journal.marks, journal.pending()) == ({}, [(LISTING, "listing")])
    journal.finish(LISTING)
    journal.close(committed=False)
    assert lines(tmp_path) == [f"crawl {CRAWL}", f"request listing {LISTING}", f"done {LISTING}", ""]


def test_a_journal_that_is_not_text_names_the_byte(tmp_path: Path) -> None:
    (tmp_path / JOURNAL_NAME).write_bytes(f"crawl {CRAWL}\n".encode() + b"done \xff\n")
    message = (
        rf"^{tmp_path / JOURNAL_NAME} is not a crawl journal \(not UTF-8 text at byte 35\): move the job directory"
    )
    with pytest.raises(OutputError, match=message):
        journal_crawl_id(tmp_path)
    with pytest.raises(OutputError, match=message):
        CrawlJournal(tmp_path)


def test_a_journal_is_utf_8_whatever_the_locale(tmp_path: Path) -> None:
    import locale

    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")  # a locale whose encoding is ASCII (outside Python's UTF-8 mode)
    try:
        journal = CrawlJournal(tmp_path / "a" / "job")  # its folder made, parents too
        journal.mark("sitemap", "раздел", "значение")
        journal.close(committed=False)
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert lines(tmp_path / "a" / "job")[1] == "mark sitemap раздел значение"


def test_what_follows_a_lines_first_words_is_kept_whole(tmp_path: Path) -> None:
    """A URL or a mark's value may hold a space (Scrapy escapes them in URLs; the journal does not rely on it)."""
    journal = CrawlJournal(tmp_path)
    odd = "https://russiancouncil.ru/en/a b/"
    journal.request(odd, "article")
    journal.redirect(LISTING, odd)
    journal.discovered("sitemap", odd)
    journal.mark("walk", "en/news", "stopped at page 3")
    journal.close(committed=False)
    resumed = CrawlJournal(tmp_path)
    assert resumed.pending() == [(odd, "article")]
    assert resumed.redirects == {LISTING: odd}
    assert list(resumed.found) == [("sitemap", odd)]
    assert resumed.marks == {"walk": {"en/news": "stopped at page 3"}}
    resumed.close(committed=False)


def test_a_journal_removed_during_the_crawl_is_no_error_at_its_end(tmp_path: Path) -> None:
    journal = CrawlJournal(tmp_path)
    (tmp_path / JOURNAL_NAME).unlink()
    journal.close(committed=True)
    assert not (tmp_path / JOURNAL_NAME).exists()


def test_a_bad_crawl_id_is_quoted_to_80_characters(tmp_path: Path) -> None:
    (tmp_path / JOURNAL_NAME).write_text("crawl " + "x" * 100 + "\n")
    with pytest.raises(OutputError) as raised:
        journal_crawl_id(tmp_path)
    assert f"names the crawl {'x' * 80!r}, which" in str(raised.value)
