"""The crawl journal: which pages a crawl asked for and which it finished.

Kept in Scrapy's job directory (``-s JOBDIR=DIR``). Scrapy's own job state
survives a graceful stop but not a SIGKILL: requests in flight are lost and
its queue may not be written out. The journal is an append-only text file,
flushed after every line, so a crawl killed at any moment and started again
with the same arguments re-requests exactly the pages it had not finished,
and continues the same crawl (same crawl id, same staged rows).

Lines: ``crawl <id>``, ``request <kind> <url>``, ``done <url>``,
``redirect <url> <url>`` when an article requested under one URL answered
under another (the crawl's accounting needs it), and ``found <source> <url>``
when a discovery source found an article (the discovery account and the
articles found only by other sources than the listings need it), and
``mark <name> <key> <value>`` for what a resumed crawl needs to know of
pages it will not read again (a first listing page that showed no way on, a
listing walk stopped early, documents read, sitemap and feed dates).

The journal is the only authority: Scrapy's own queue and seen set in the
job directory are removed when a run starts, since after a SIGKILL they can
be inconsistent (a disk queue whose index was never written replays stale
entries in place of new ones, and drops requests), and after a finished
crawl they would filter every request of the next one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from riac_scraper.storage.outputdir import OutputError
from riac_scraper.storage.store import is_crawl_id, new_crawl_id

JOURNAL_NAME = "riac-journal.txt"


_MOVE = "move the job directory away to start a new crawl"


def read_journal(path: Path) -> str:
    """The journal's whole lines; one that is not UTF-8 text is no journal of ours.
    What follows the last newline is a line cut short by a kill (perhaps inside
    a character): never a line, so never decoded."""
    data = path.read_bytes()
    try:
        return data[: data.rfind(b"\n") + 1].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OutputError(f"{path} is not a crawl journal (not UTF-8 text at byte {exc.start}): {_MOVE}") from exc


def journal_crawl_id(jobdir: str | Path) -> str | None:
    """The crawl id of the unfinished crawl a job directory resumes, or None;
    OutputError, one line, when its journal cannot be resumed safely."""
    path = Path(jobdir) / JOURNAL_NAME
    if not path.is_file():
        return None
    ids = [_crawl_id(path, rest) for word, _, rest in _lines(read_journal(path)) if word == "crawl"]
    return ids[0] if ids else None


def _lines(text: str) -> list[tuple[str, str, str]]:
    """Each line of read_journal's text as (word, " ", rest)."""
    return [line.partition(" ") for line in text.split("\n")[:-1]]


def _crawl_id(path: Path, value: str) -> str:
    """The journal's crawl id: it names staging, archive and poll files, so never a path."""
    if not is_crawl_id(value):
        raise OutputError(f"{path} names the crawl {value[:80]!r}, which is no crawl id: {_MOVE}")
    return value


class CrawlJournal:
    def __init__(self, jobdir: str | Path) -> None:
        self.path = Path(jobdir) / JOURNAL_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.crawl_id: str | None = None
        self.requested: dict[str, str] = {}  # url -> "article" or "listing"
        self.done: set[str] = set()
        self.redirects: dict[str, str] = {}  # requested article URL -> the URL it answered under
        self.found: dict[tuple[str, str], None] = {}  # (source, article URL), in the order found
        self.marks: dict[str, dict[str, str]] = {}  # name -> key -> value, the last written wins
        if self.path.exists():
            text = read_journal(self.path)
            self._replay(text)
            os.truncate(self.path, len(text.encode("utf-8")))  # a cut line: the next one must not continue it
        self.resumed = self.crawl_id is not None
        shutil.rmtree(self.path.parent / "requests.queue", ignore_errors=True)
        (self.path.parent / "requests.seen").unlink(missing_ok=True)
        self._file = self.path.open("a", encoding="utf-8")
        if self.crawl_id is None:
            self.crawl_id = new_crawl_id()
            self._write(f"crawl {self.crawl_id}")

    def _replay(self, text: str) -> None:
        for word, _, rest in _lines(text):
            if word == "crawl":
                crawl_id = _crawl_id(self.path, rest)
                self.crawl_id = self.crawl_id or crawl_id  # the first, as journal_crawl_id says
            elif word == "request":
                kind, _, url = rest.partition(" ")
                self.requested.setdefault(url, kind)
            elif word == "done":
                self.done.add(rest)
            elif word == "redirect":
                requested, _, final = rest.partition(" ")
                self.redirects[requested] = final
            elif word == "found":
                source, _, url = rest.partition(" ")
                self.found[(source, url)] = None
            elif word == "mark":
                name, _, pair = rest.partition(" ")
                key, _, value = pair.partition(" ")
                self.marks.setdefault(name, {})[key] = value

    def _write(self, line: str) -> None:
        self._file.write(line + "\n")
        self._file.flush()

    def request(self, url: str, kind: str) -> None:
        if url not in self.requested:
            self.requested[url] = kind
            self._write(f"request {kind} {url}")

    def redirect(self, requested: str, final: str) -> None:
        if self.redirects.get(requested) != final:
            self.redirects[requested] = final
            self._write(f"redirect {requested} {final}")

    def discovered(self, source: str, url: str) -> None:
        if (source, url) not in self.found:
            self.found[(source, url)] = None
            self._write(f"found {source} {url}")

    def mark(self, name: str, key: str, value: str) -> None:
        if self.marks.get(name, {}).get(key) != value:
            self.marks.setdefault(name, {})[key] = value
            self._write(f"mark {name} {key} {value}")

    def finish(self, url: str) -> None:
        if url not in self.done:
            self.done.add(url)
            self._write(f"done {url}")

    def pending(self) -> list[tuple[str, str]]:
        """(url, kind) of every page asked for and not finished, in request order."""
        return [(url, kind) for url, kind in self.requested.items() if url not in self.done]

    def close(self, committed: bool) -> None:
        """Closes the journal; once the crawl is committed the next run is a new crawl."""
        self._file.close()
        if committed:
            self.path.unlink(missing_ok=True)
