"""Shared helpers: fixture pages as the crawler would see them, the mirror
server, and real ``scrapy crawl`` runs against it."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from riac_scraper.devtools.mirror import BUNDLED_MIRROR, Mirror

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SITE = BUNDLED_MIRROR  # riac_scraper/devtools/mirror_site, built by tests/fixtures/build_mirror.py
EXPECTED = FIXTURES / "expected"
SEED = (
    FIXTURES / "seed" / "000_049bbc58535707c4.txt"
)  # a copy of shared/seed/, so the suite needs nothing beside the repository
SEED_URL = (
    "https://russiancouncil.ru/en/analytics-and-comments/analytics/the-helsinki-summit-the-beginning-of-a-journey/"
)


def mirror_counts() -> dict[str, int]:
    """What the bundled mirror holds: articles (in all, per language) and listing
    pages; and the requests a crawl makes beside them: one probe past the last
    page of each listing with articles, the sitemaps, the feed URLs it tries."""
    from riac_scraper import site as site_knowledge

    urls = [json.loads(p.read_text("utf-8"))["url"] for p in EXPECTED.glob("*.json")]
    listings = tomllib.loads((FIXTURES / "listings.toml").read_text("utf-8"))["listing"]
    return {
        "articles": len(urls),
        "en": sum("/en/" in u for u in urls),
        "ru": sum("/en/" not in u for u in urls),
        "listing_pages": sum(len(listing["pages"]) for listing in listings),
        "probes": sum(bool(listing["pages"][-1]) for listing in listings),
        "sitemaps": len(list(SITE.glob("sitemap*.xml*"))),
        "feeds": sum(len(paths) for paths in site_knowledge.FEED_PATHS.values()),
    }


def page_path(url: str, site: Path = SITE) -> Path:
    """The mirror file that serves a real-site URL."""
    return site / urlsplit(url).path.strip("/") / "index.html"


def page_html(url: str) -> str:
    return page_path(url).read_text("utf-8")


def expected_cases() -> list[str]:
    return sorted(p.stem for p in EXPECTED.glob("*.json"))


def load_expected(name: str) -> dict:
    return json.loads((EXPECTED / f"{name}.json").read_text("utf-8"))


def crawl_command(base_url: str, output: Path, *args: str) -> list[str]:
    """``scrapy crawl riac`` of a mirror into ``output``, as a user would type it."""
    return [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "riac",
        "-a",
        f"base_url={base_url}",
        "-s",
        f"RIAC_OUTPUT={output}",
        "-s",
        "LOG_LEVEL=INFO",
        *args,
    ]


def run_crawl(base_url: str, output: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """A real ``scrapy crawl riac`` in a subprocess."""
    return subprocess.run(
        crawl_command(base_url, output, *args), cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def run_riac(*args: str, timeout: float = 120, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The ``riac`` command in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "riac_scraper.cli", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def mirror() -> Iterator[Mirror]:
    with Mirror(SITE) as server:
        yield server


@pytest.fixture(scope="session")
def clean_crawl(mirror: Mirror, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One clean crawl of the mirror, shared by every test that only reads it:
    its output folder (datasets, archive, report).  Do not write into it."""
    output = tmp_path_factory.mktemp("clean-crawl")
    result = run_crawl(mirror.base_url, output)
    assert result.returncode == 0, result.stderr[-3000:]
    return output


def warcio_check(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    """``warcio check`` (warcio's own command) on WARC files."""
    warcio = Path(sys.executable).with_name("warcio")
    return subprocess.run([str(warcio), "check", *map(str, paths)], capture_output=True, text=True, check=False)


def assert_archive_sound(output: Path) -> None:
    """Every archive file passes ``warcio check``, and every article row points
    to the response record of its own page."""
    import html

    import pandas as pd
    from warcio.archiveiterator import ArchiveIterator

    files = sorted((output / "archive").glob("*.warc.gz"))
    assert files, "no archive files"
    check = warcio_check(files)
    assert check.returncode == 0, check.stdout + check.stderr
    articles = pd.read_parquet(output / "articles")
    for row in articles.itertuples():
        with (output / "archive" / row.warc_file).open("rb") as fh:
            fh.seek(row.warc_offset)
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_type == "response"
            assert urlsplit(record.rec_headers.get_header("WARC-Target-URI")).path == urlsplit(row.url).path
            assert html.escape(row.title, quote=False) in record.content_stream().read().decode("utf-8", "replace")
    from riac_scraper.storage.verify import verify

    result = verify(output)  # riac verify agrees
    assert not result.problems and result.records == len(articles), result.lines()


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test starts with empty memo caches: a cached answer from an earlier
    test must not hide what the code under test does now (mutation testing
    relies on this: its mutants run after a clean run has filled the caches)."""
    from riac_scraper.pages import cues
    from riac_scraper.urls import _origin_of, canonical_cache, classify

    for cached in (canonical_cache, classify, _origin_of):
        cached.cache_clear()
    for memo in cues.MEMOS:
        memo.forget()
    yield


# Columns that record when and how a run happened, not what it found: the only
# ones in which a resumed, re-extracted or scheduled crawl may differ from a clean one.
RUN_COLUMNS = {
    "articles": ["crawl_id", "fetched_at", "first_seen", "last_seen", "warc_file", "warc_offset"],
    "polls": ["crawl_id", "observed_at", "source_url"],  # the page read first: an order, not a fact
    "authors": [],
    "failures": ["crawl_id", "at"],
}
DATASET_KEYS = {
    "articles": ["url"],
    "polls": ["poll_id", "option_index"],
    "authors": ["author_id"],
    "failures": ["url", "stage"],
}


def assert_one_truth(output: Path, clean: Path) -> None:
    """The datasets in ``output`` are a clean crawl's (``clean``), but for the run
    columns; and ``riac verify`` finds nothing wrong with either."""
    import pandas as pd

    from riac_scraper.storage.verify import verify

    for root in (output, clean):
        result = verify(root)
        assert not result.problems, result.lines()

    for name, keys in DATASET_KEYS.items():
        got, want = (
            pd.read_parquet(root / name)
            .drop(columns=RUN_COLUMNS[name])
            .sort_values(keys)
            .reset_index(drop=True)
            .astype(str)
            for root in (output, clean)
        )
        pd.testing.assert_frame_equal(got, want, obj=name)


def one_line(stderr: str | bytes) -> str:
    text = stderr.decode() if isinstance(stderr, bytes) else stderr
    assert "Traceback" not in text, text[-2000:]
    return text.strip().splitlines()[-1]


def write_warc(path: Path, records: list[tuple[str, bytes]] | dict[str, bytes], **warc_headers: str) -> Path:
    """A WARC file of response records (URI, body), one gzip member each,
    written with warcio; ``warc_headers`` go into every record."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pairs = list(records.items()) if isinstance(records, dict) else records
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        for uri, body in pairs:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=headers,
                warc_headers_dict=dict(warc_headers),
            )
            writer.write_record(record)
    return path
