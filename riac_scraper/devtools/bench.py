"""``riac bench``: our per-page cost measured against Scrapy's own ceiling.

One run:
1. builds a large synthetic mirror from the bundled mirror's article pages,
   padded to 80-150 KB with navigation, inline scripts and sidebars, in both
   languages, with paginated listings (pages are made on request, not held);
2. serves it from a separate process with a keep-alive asyncio server;
3. measures (a) a bare Scrapy crawl of the same pages that only counts
   responses, (b) the full ``riac`` crawl writing Parquet, (c) per-page CPU
   time of our extraction alone, of langdetect alone, and of trafilatura's
   ``bare_extraction`` on the same pages, large (the padded pages) and small
   (the same pages without the inline scripts, 15-25 KB like the mirror's),
   (d) the full crawl's peak RSS at two sizes, and (e) re-extraction from
   WARC files of the same pages (``riac reextract``) with one and with two
   worker processes, against the same extraction on the same pages in memory;
4. prints every figure and ends with one line of the ratios.

``--extraction-only`` runs (c) and (e) alone.  ``--commit`` measures (g)
alone: the commit of ``--pages`` and of ``--large`` staged articles, each in
a child process (CPU, wall time, peak RSS).  ``--poll N`` measures (h): the
extraction of a mirror page whose poll has N options.  ``--incremental`` measures (f)
alone: a full crawl, an incremental re-crawl of the unchanged site, and one
after articles were added and edited all over the listings, each request
counted, and whether the re-crawl found every change.  Each crawl runs in a fresh child
process, so its peak RSS is its own.  Extraction times are CPU time
(``time.process_time``), ours and trafilatura's interleaved page by page, and
a speed-up is the median of the per-page ratios: on a shared machine, wall
time drifts by tens of per cent between runs.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import multiprocessing
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riac_scraper import site
from riac_scraper.devtools.mirror import BUNDLED_MIRROR, resolve
from riac_scraper.site import ORIGIN
from riac_scraper.urls import classify

# The listings of the benchmark site: the site's own paths, both languages.
BENCH_SECTIONS = ("analytics", "comments", "interview", "news")
SECTIONS = [
    ("/en" if lang == "en" else "") + site.SECTION_PATHS[section] for lang in site.LANGS for section in BENCH_SECTIONS
]
PER_LISTING_PAGE = 20
_TITLE = re.compile(r'<h1 class="article__title">(.*?)</h1>')


def _padding(kilobytes: int) -> str:
    """Inline script text of about this size, like the analytics and widget code of a CMS page."""
    line = "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());\n"
    return "<script>" + line * (kilobytes * 1024 // len(line)) + "</script>"


SITEMAP_URLS = 1000  # URLs per sitemap file; /sitemap.xml is their index
OLD_LASTMOD = "2024-01-01T00:00:00+00:00"


@dataclass
class BenchSite:
    """A site of ``articles`` pages made from the bundled mirror's articles,
    listed newest first, with a sitemap (``lastmod`` included).  ``new``
    articles added and ``edited`` articles changed (a new title, a later
    ``lastmod``, the same listing card) since a first crawl are spread over
    every listing page, the case a listing walk that stops early cannot see."""

    articles: int
    new: int = 0
    edited: int = 0
    built: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    def __post_init__(self) -> None:
        self.total = self.articles + self.new
        spread = max(1, 2 * self.edited)
        self.edits = {(i * self.articles) // max(1, self.edited) + self.articles // spread for i in range(self.edited)}
        # Listing order: newest (highest number) first; a new article sits at a spread-out place among the old.
        self.rank = {n: float(self.articles - n) for n in range(self.articles)}
        for j in range(self.new):
            self.rank[self.articles + j] = self.articles - (j * self.articles) // self.new - 0.5
        # The mirror's articles of each section and language: a bench article is
        # one of its own section's (news pages have no author, analytics pages do).
        self.templates: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for page in sorted(BUNDLED_MIRROR.rglob("index.html")):
            kind = classify(ORIGIN + "/" + page.parent.relative_to(BUNDLED_MIRROR).as_posix() + "/")
            html = page.read_text("utf-8")
            if kind and kind.kind == "article" and (title := _TITLE.search(html)):
                self.templates.setdefault((kind.lang, kind.section), []).append((html, title.group(1)))
        links = [f'<a href="/en/topics/topic-{i}/">Topic number {i}</a> ' for i in range(250)]
        self.nav = f'<div class="mega-menu">{"".join(links)}</div>'
        self.small_nav = f'<div class="mega-menu">{"".join(links[:40])}</div>'
        related = "".join(
            f'<li><a href="{self.article_path(i % self.articles)}">A related article '
            f"about international affairs, number {i}</a></li>"
            for i in range(40)
        )
        self.sidebar = f'<div class="related"><ul>{related}</ul></div>'
        self.scripts = {
            "bench": [_padding(kb) for kb in (55, 70, 85, 100, 115)],
            "real": [_padding(kb) for kb in (140, 170, 200, 230, 260)],
        }

    def _section_of(self, number: int) -> str:
        return SECTIONS[number % len(SECTIONS)]

    def article_path(self, number: int) -> str:
        return f"{self._section_of(number)}bench-article-{number}/"

    def _listed(self, section: str) -> list[int]:
        numbers = range(SECTIONS.index(section), self.total, len(SECTIONS))
        return sorted(numbers, key=self.rank.__getitem__)

    def listing_pages(self, section: str) -> int:
        count = len(range(SECTIONS.index(section), self.total, len(SECTIONS)))
        return max(1, -(-count // PER_LISTING_PAGE))

    def changed(self) -> tuple[list[str], list[str]]:
        """The site URLs of the new and of the edited articles."""
        new = [ORIGIN + self.article_path(n) for n in range(self.articles, self.total)]
        return new, [ORIGIN + self.article_path(n) for n in sorted(self.edits)]

    def urls(self) -> Iterator[str]:
        """Every page a full crawl fetches: listing pages and articles."""
        for section in SECTIONS:
            yield section
            for page in range(2, self.listing_pages(section) + 1):
                yield f"{section}?PAGEN_1={page}"
        for number in range(self.articles):
            yield self.article_path(number)

    def article(self, number: int, *, size: str = "bench") -> bytes:
        """Article page ``number`` at one of ``PAGE_SIZES``: "small" leaves out the
        inline scripts and keeps a 40-link menu (10-25 KB, the size of the bundled
        mirror's pages); "bench" has a 250-link menu and 55-115 KB of scripts;
        "real" 140-260 KB of scripts, the size of the site's real pages."""
        kind = classify(ORIGIN + self.article_path(number))
        assert kind is not None
        templates = self.templates[(kind.lang, kind.section)]
        html, title = templates[number % len(templates)]
        html = html.replace(title, f"{title} {number}" + (" (revised)" if number in self.edits else ""))
        scripts = self.scripts.get(size, ())
        if scripts:
            html = html.replace("</head>", scripts[number % len(scripts)] + "</head>", 1)
        nav = self.small_nav if size == "small" else self.nav
        html = html.replace('<nav class="menu">', '<nav class="menu">' + nav, 1)
        html = html.replace('<aside class="sidebar">', '<aside class="sidebar">' + self.sidebar, 1)
        return html.encode("utf-8")

    def listing(self, section: str, page: int) -> bytes:
        chunk = self._listed(section)[(page - 1) * PER_LISTING_PAGE : page * PER_LISTING_PAGE]
        cards = "".join(
            f'<div class="news-item"><a href="{self.article_path(n)}">Bench article {n}</a></div>' for n in chunk
        )
        pager = f'<a href="{section}?PAGEN_1={page + 1}">next</a>' if page < self.listing_pages(section) else ""
        return (
            f"<html><head><title>Listing</title></head><body><nav>{self.nav}</nav><main>{cards}"
            f"<div class='pagination'>{pager}</div></main></body></html>"
        ).encode()

    def sitemap(self, part: int | None) -> bytes | None:
        """The sitemap index (``part`` None) or one of its sitemaps, as the sitemaps.org schema has them."""
        xmlns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        if part is None:
            parts = range(-(-self.total // SITEMAP_URLS))
            entries = "".join(f"<sitemap><loc>{ORIGIN}/sitemap-{k}.xml</loc></sitemap>" for k in parts)
            return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {xmlns}>{entries}</sitemapindex>'.encode()
        numbers = range(part * SITEMAP_URLS, min(self.total, (part + 1) * SITEMAP_URLS))
        if not numbers:
            return None
        urls = "".join(
            f"<url><loc>{ORIGIN}{self.article_path(n)}</loc>"
            f"<lastmod>{self.built if n >= self.articles or n in self.edits else OLD_LASTMOD}</lastmod></url>"
            for n in numbers
        )
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset {xmlns}>{urls}</urlset>'.encode()

    def respond(self, target: str) -> bytes | None:
        path, _, query = target.partition("?")
        if path == "/robots.txt":
            return f"User-agent: *\nDisallow:\nSitemap: {ORIGIN}/sitemap.xml\n".encode()
        if path in site.HOME_PATHS.values():
            return f"<html><head><title>Home</title></head><body>{self.small_nav}</body></html>".encode()
        if match := re.fullmatch(r"/sitemap(?:-(\d+))?\.xml", path):
            return self.sitemap(int(match.group(1)) if match.group(1) else None)
        if path in SECTIONS:
            match = re.search(r"PAGEN_1=(\d+)", query)
            return self.listing(path, int(match.group(1)) if match else 1)
        match = re.fullmatch(r"(/.*/)bench-article-(\d+)/", path)
        if match and int(match.group(2)) < self.total and self._section_of(int(match.group(2))) == match.group(1):
            return self.article(int(match.group(2)))
        # The mirror's own articles, which the bench articles link to (teasers, translations).
        page = resolve(BUNDLED_MIRROR, path)
        if (
            page is not None
            and page.name == "index.html"
            and (kind := classify(ORIGIN + path))
            and kind.kind == "article"
        ):
            return page.read_bytes()
        return None


async def _serve(site: BenchSite, port: int, ready: Any) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ", 2)[1].decode("latin-1")
                body = site.respond(target)
                status = b"200 OK" if body is not None else b"404 Not Found"
                body = body or b""
                kind = b"application/xml" if target.startswith("/sitemap") else b"text/html; charset=utf-8"
                writer.write(
                    b"HTTP/1.1 " + status + b"\r\nContent-Type: " + kind + b"\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    ready.put(server.sockets[0].getsockname()[1])
    async with server:
        await server.serve_forever()


class BenchServer:
    """The synthetic site, served from a child process."""

    def __init__(self, articles: int, new: int = 0, edited: int = 0) -> None:
        context = multiprocessing.get_context("fork")
        ready = context.Queue()
        self.process = context.Process(
            target=lambda: asyncio.run(_serve(BenchSite(articles, new, edited), 0, ready)), daemon=True
        )
        self.process.start()
        self.base_url = f"http://127.0.0.1:{ready.get(timeout=60)}"

    def __enter__(self) -> BenchServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.join(10)


# ---------------------------------------------------------------- children


def _child_crawl(kind: str, base_url: str, articles: int, output: str) -> dict[str, Any]:
    """Runs in a fresh process: one crawl, its stats and its peak RSS."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "riac_scraper.settings")
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.setdict(
        {"LOG_LEVEL": "WARNING", "RIAC_OUTPUT": output, "TELNETCONSOLE_ENABLED": False}, priority="cmdline"
    )
    if kind == "bare":

        class CountingSpider(scrapy.Spider):
            name = "count"

            async def start(self) -> Any:
                for path in BenchSite(articles).urls():
                    yield scrapy.Request(base_url + path, callback=self.parse, dont_filter=True)

            def parse(self, response: Any) -> None:
                self.crawler.stats.inc_value("bench/responses")

        settings.setdict(
            {
                "ITEM_PIPELINES": {},
                "EXTENSIONS": {},
                "ROBOTSTXT_OBEY": False,
                "AUTOTHROTTLE_ENABLED": False,
                "DOWNLOAD_DELAY": 0,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                "DOWNLOADER_MIDDLEWARES": {},
            },
            priority="cmdline",
        )
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(CountingSpider)
        process.crawl(crawler)
    else:
        settings.set("RIAC_WRITE_DATASETS", True, priority="cmdline")  # as `riac crawl` does: archive included
        process = CrawlerProcess(settings)
        crawler = process.create_crawler("riac")
        process.crawl(crawler, base_url=base_url, sections=",".join(BENCH_SECTIONS))
    process.start()
    stats = crawler.stats.get_stats()
    return {
        "requests": stats.get("downloader/request_count", 0),
        "problems": stats.get("riac/quality/problems"),
        "responses": stats.get("response_received_count", 0),
        "seconds": stats.get("elapsed_time_seconds", 0.0),
        "cpu_seconds": (usage := resource.getrusage(resource.RUSAGE_SELF)).ru_utime + usage.ru_stime,
        "articles": stats.get("riac/written/articles"),
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }


def crawl(kind: str, base_url: str, articles: int, output: str | None = None) -> dict[str, Any]:
    """One crawl in a child process, into ``output`` (default: a folder removed afterwards)."""
    if output is None:
        with tempfile.TemporaryDirectory(prefix="riac-bench-") as scratch:
            return crawl(kind, base_url, articles, scratch)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "riac_scraper.devtools.bench",
            "--child",
            kind,
            "--base-url",
            base_url,
            "--pages",
            str(articles),
            "--output",
            output,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{kind} crawl failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------- extraction


def per_page_times(site: BenchSite, sample: int, *, size: str = "bench") -> dict[str, list[float]]:
    """CPU seconds per page of our extraction, of langdetect alone, and of
    trafilatura's bare_extraction, and their per-page ratio."""
    from trafilatura import bare_extraction

    from riac_scraper.api import parse_article
    from riac_scraper.pages.language import detect_language

    times: dict[str, list[float]] = {"ours": [], "langdetect": [], "trafilatura": [], "ratio": []}
    step = max(1, site.articles // sample)
    numbers = list(range(0, site.articles, step)[:sample])
    parse_article(site.article(numbers[0], size=size).decode("utf-8"), ORIGIN + site.article_path(numbers[0]))
    for number in numbers:
        html, url = site.article(number, size=size).decode("utf-8"), ORIGIN + site.article_path(number)
        start = time.process_time()  # both extractors get the same decoded page
        article = parse_article(html, url)
        times["ours"].append(time.process_time() - start)
        text = " ".join([article.title or "", *article.paragraphs[:3]])
        start = time.process_time()
        detect_language(text)
        times["langdetect"].append(time.process_time() - start)
        start = time.process_time()
        bare_extraction(html, url=url)
        times["trafilatura"].append(time.process_time() - start)
        times["ratio"].append(times["trafilatura"][-1] / max(times["ours"][-1], 1e-9))
    return times


# ----------------------------------------------------------- re-extraction


def write_archive(site: BenchSite, directory: Path, files: int = 8) -> list[Path]:
    """The site's article pages as WARC response records, spread over ``files`` files."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    directory.mkdir(parents=True, exist_ok=True)
    base = "http://127.0.0.1:9"
    paths = [directory / f"bench-{n:05d}.warc.gz" for n in range(1, files + 1)]
    for n, path in enumerate(paths):
        with path.open("wb") as fh:
            writer = WARCWriter(fh, gzip=True, warc_version="WARC/1.1")
            writer.write_record(writer.create_warcinfo_record(path.name, {"riac-base-url": base}))
            for number in range(n, site.articles, files):
                body = site.article(number)
                headers = StatusAndHeaders(
                    "200 OK",
                    [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                    protocol="HTTP/1.1",
                )
                record = writer.create_warc_record(
                    base + site.article_path(number), "response", payload=io.BytesIO(body), length=len(body),
                    http_headers=headers,
                )  # fmt: skip
                writer.write_record(record)
    return paths


def _in_memory(paths: list[Path]) -> float:
    """CPU seconds of the re-extraction's own work on pages already in memory:
    the same function per page, without reading WARC or writing Parquet."""
    import datetime as dt

    from warcio.archiveiterator import ArchiveIterator

    from pipelines.normalize import normalize_article
    from pipelines.validate import validation_failure
    from riac_scraper.pages.fetched import article_page
    from riac_scraper.storage.records import article_row

    pages = []
    for path in paths:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    pages.append((record.content_stream().read(), ORIGIN + uri.split("127.0.0.1:9", 1)[1]))
    now = dt.datetime.now(dt.UTC)
    headers = {"Content-Type": "text/html; charset=utf-8", "ETag": None, "Last-Modified": None}
    start = time.process_time()
    for body, url in pages:
        item = article_page(body, 200, headers, url, now)
        normalize_article(item)
        if validation_failure(item) is None:
            article_row(item)
    return time.process_time() - start


def reextraction(site: BenchSite) -> dict[str, float]:
    """(e): pages per second re-extracted with one and two workers, and the
    share that reading WARC and writing Parquet add to extraction alone."""
    from riac_scraper.reextract import reextract

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="riac-bench-warc-") as tmp:
        paths = write_archive(site, Path(tmp) / "archive")
        size = sum(p.stat().st_size for p in paths) / 1024**2
        alone = _in_memory(paths)
        figures["reextract_alone_pages_per_s"] = site.articles / alone
        for workers in (1, 2):
            output = Path(tmp) / f"out-{workers}"
            start, cpu = time.perf_counter(), time.process_time()
            reextract([str(p) for p in paths], output, workers=workers)
            figures[f"reextract_{workers}w_pages_per_s"] = site.articles / (time.perf_counter() - start)
            if workers == 1:  # one worker runs in this process: its CPU time is this process's
                figures["reextract_1w_cpu_pages_per_s"] = site.articles / (time.process_time() - cpu)
    # Wall against wall (the speed-up), CPU against CPU (what WARC and Parquet add to extraction).
    figures["reextract_speedup_2w"] = figures["reextract_2w_pages_per_s"] / figures["reextract_1w_pages_per_s"]
    figures["reextract_io_overhead"] = (
        figures["reextract_alone_pages_per_s"] / figures["reextract_1w_cpu_pages_per_s"] - 1
    )
    print(
        f"(e) re-extraction of {site.articles} pages from {len(paths)} WARC files ({size:.0f} MB): "
        f"extraction alone {figures['reextract_alone_pages_per_s']:.0f} pages/s (CPU), "
        f"1 worker {figures['reextract_1w_pages_per_s']:.0f} pages/s "
        f"({figures['reextract_1w_cpu_pages_per_s']:.0f} pages/s CPU), "
        f"2 workers {figures['reextract_2w_pages_per_s']:.0f} pages/s"
    )
    return figures


def _ms(values: list[float], q: float) -> float:
    return 1000 * (statistics.median(values) if q == 0.5 else statistics.quantiles(values, n=20)[18])


# The page sizes extraction is timed on, under the names the figures carry.
PAGE_SIZES = {"large": "bench", "small": "small", "real": "real"}


def extraction(site: BenchSite, sample: int, names: tuple[str, ...] = ("large", "small")) -> dict[str, Any]:
    """(c): our extraction against trafilatura's on pages of each size named."""
    figures: dict[str, Any] = {}
    for size in names:
        pages = [len(site.article(n, size=PAGE_SIZES[size])) / 1024 for n in range(min(site.articles, 50))]
        times = per_page_times(site, sample, size=PAGE_SIZES[size])
        for name in ("ours", "langdetect", "trafilatura"):
            figures[f"{size}_{name}_median_ms"] = _ms(times[name], 0.5)
            figures[f"{size}_{name}_p95_ms"] = _ms(times[name], 0.95)
            print(
                f"(c) {size} pages ({min(pages):.0f}-{max(pages):.0f} KB), {name:<12} "
                f"median {figures[f'{size}_{name}_median_ms']:.2f} ms, "
                f"p95 {figures[f'{size}_{name}_p95_ms']:.2f} ms CPU per page ({len(times[name])} pages)"
            )
        figures[f"{size}_kb"] = (min(pages), max(pages))
        figures[f"{size}_speedup"] = statistics.median(times["ratio"])
        figures[f"{size}_langdetect_share"] = statistics.median(
            d / o for d, o in zip(times["langdetect"], times["ours"], strict=True)
        )
        print(f"(c) {size} pages: trafilatura/ours per page, median {figures[f'{size}_speedup']:.2f}")
    return figures


def run(pages: int, large: int, sample: int) -> dict[str, Any]:
    site = BenchSite(pages)
    sizes = [len(site.article(n)) / 1024 for n in range(min(pages, 50))]
    print(
        f"synthetic site: {pages} articles + {sum(1 for _ in site.urls()) - pages} listing pages, "
        f"article pages {min(sizes):.0f}-{max(sizes):.0f} KB",
        flush=True,
    )
    figures: dict[str, Any] = {}
    with BenchServer(pages) as server:
        bare = crawl("bare", server.base_url, pages)
        full = crawl("full", server.base_url, pages)
    figures["bare_pages_per_s"] = bare["responses"] / bare["seconds"]
    figures["full_pages_per_s"] = full["responses"] / full["seconds"]
    print(
        f"(a) bare Scrapy crawl:  {bare['responses']} responses in {bare['seconds']:.1f} s = "
        f"{figures['bare_pages_per_s']:.0f} pages/s"
    )
    print(
        f"(b) full riac crawl:    {full['responses']} responses in {full['seconds']:.1f} s = "
        f"{figures['full_pages_per_s']:.0f} pages/s, {full['articles']} articles written"
    )
    figures.update(extraction(site, sample))
    figures["rss_small_mb"] = full["peak_rss_mb"]
    with BenchServer(large) as server:
        figures["rss_large_mb"] = crawl("full", server.base_url, large)["peak_rss_mb"]
    print(
        f"(d) peak RSS of the full crawl: {figures['rss_small_mb']:.0f} MB at {pages} articles, "
        f"{figures['rss_large_mb']:.0f} MB at {large}"
    )
    figures.update(reextraction(site))
    ratios = {
        "full/bare throughput": (figures["full_pages_per_s"] / figures["bare_pages_per_s"], ">=", 0.7),
        "trafilatura/ours time, large pages": (figures["large_speedup"], ">=", 5),
        "trafilatura/ours time, small pages": (figures["small_speedup"], ">=", 5),
        "langdetect share of ours": (figures["large_langdetect_share"], "<=", 0.15),
        f"RSS {large}/{pages}": (figures["rss_large_mb"] / figures["rss_small_mb"], "<=", 1.3),
        "re-extraction 2 workers/1": (figures["reextract_speedup_2w"], ">=", 1.7),
        "WARC and Parquet overhead": (figures["reextract_io_overhead"], "<=", 0.25),
    }
    print(ratio_line(ratios))
    return figures


def ratio_line(ratios: dict[str, tuple[float, str, float]]) -> str:
    """The closing line of a run: each ratio against its target, and "missed" where it falls short."""
    parts = []
    for name, (value, op, target) in ratios.items():
        met = value >= target if op == ">=" else value <= target
        parts.append(f"{name} {value:.2f} (target {op} {target:g}{'' if met else ', missed'})")
    return "ratios: " + "; ".join(parts)


def incremental(articles: int, new: int, edited: int) -> dict[str, Any]:
    """(f): requests of a full crawl, of an incremental re-crawl of the same
    site, and of one after ``new`` articles were added and ``edited`` changed
    all over the listings; and how many of those changes the last one found."""
    import pyarrow.dataset as pads

    from riac_scraper.crawl.monitor import REPORT_NAME

    def walk(output: str) -> dict[str, Any]:
        return json.loads((Path(output) / REPORT_NAME).read_text("utf-8"))["listing_walk"]

    with tempfile.TemporaryDirectory(prefix="riac-bench-incremental-") as output:
        with BenchServer(articles) as server:
            full = crawl("full", server.base_url, articles, output)
            full["walk"] = walk(output)
            unchanged = crawl("full", server.base_url, articles, output)
            unchanged["walk"] = walk(output)
        changed_site = BenchSite(articles, new, edited)
        with BenchServer(articles, new, edited) as server:
            changed = crawl("full", server.base_url, articles, output)
            changed["walk"] = walk(output)
        table = pads.dataset(Path(output) / "articles", partitioning="hive").to_table(columns=["url", "title"])
        titles = dict(zip(table["url"].to_pylist(), table["title"].to_pylist(), strict=True))
    added, edits = changed_site.changed()
    found_new = sum(url in titles for url in added)
    found_edits = sum((titles.get(url) or "").endswith("(revised)") for url in edits)
    figures = {
        "full_requests": full["requests"],
        "unchanged_requests": unchanged["requests"],
        "changed_requests": changed["requests"],
        "unchanged_share": unchanged["requests"] / full["requests"],
        "changed_share": changed["requests"] / full["requests"],
        "found": found_new + found_edits,
        "changes": new + edited,
        "problems": [c["problems"] for c in (full, unchanged, changed)],
        "walks": [c["walk"] for c in (full, unchanged, changed)],
    }
    print(
        f"(f) incremental re-crawl of {articles} articles: the full crawl made {full['requests']} requests; "
        f"the unchanged site {unchanged['requests']} ({figures['unchanged_share']:.1%}); after {new} new and "
        f"{edited} edited articles {changed['requests']} ({figures['changed_share']:.1%}), "
        f"found {found_new} of {new} new and {found_edits} of {edited} edited"
    )
    names = ("full", "unchanged", "changed")
    for name, problems, walked in zip(names, figures["problems"], figures["walks"], strict=True):
        stopped = walked["stopped_early"]
        print(
            f"(f) {name} crawl: " + ("passed" if problems == [] else f"failed: {problems}") + "; listing walk: "
            + (f"stopped early in {len(stopped)} listings after {min(stopped.values())}-{max(stopped.values())} pages"
               if stopped else "every listing to its end")
            + f"; {walked['stored_articles_passed_over']} stored articles passed over, "
            f"{walked['refetched_for_sitemap_lastmod']} fetched again for their sitemap lastmod"
        )  # fmt: skip
    return figures


def _child_commit(articles: int) -> dict[str, Any]:
    """(g) in this process: ``articles`` rows staged as a crawl stages them, one
    item at a time, then committed; the commit's CPU and wall time, and the
    process's peak RSS."""
    from riac_scraper.api import extract
    from riac_scraper.storage.store import DatasetStore

    bench = BenchSite(50)
    rows = [extract(bench.article(n, size="small"), ORIGIN + bench.article_path(n))["articles"][0] for n in range(10)]
    with tempfile.TemporaryDirectory() as root:
        store = DatasetStore(root, crawl_id="bench")
        for i in range(articles):  # each row its own article: its own URL, title and a paragraph of its own
            row = dict(rows[i % len(rows)])
            row.update(
                url=row["url"].rstrip("/") + f"-{i}/",
                article_id=f"{i:016x}",
                title=f"{row['title']} {i}",
                body=row["body"] + f"\n\nA paragraph of its own, number {i}.",
            )
            store.add("articles", [row])
        cpu, wall = time.process_time(), time.perf_counter()
        store.commit()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"articles": articles, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2), "peak_rss_mb": round(peak)}


def poll_cost(options: int) -> float:
    """(h): CPU seconds to extract a mirror article page whose poll has ``options`` options (median of 3)."""
    from riac_scraper.api import extract

    path = "/en/analytics-and-comments/analytics/the-helsinki-summit-the-beginning-of-a-journey/"
    page = resolve(BUNDLED_MIRROR, path)
    assert page is not None
    html = page.read_text("utf-8")
    rows = "".join(
        f'<div class="poll__option"><div class="poll__label">Option number {i}</div>'
        f'<div class="poll__result">{i % 97} (1%)</div></div>'
        for i in range(options)
    )
    question = html.index('<div class="poll__question">')
    first = html.index('<div class="poll__option">', question)
    html = html[:first] + rows + html[first:]
    body = html.encode("utf-8")
    times = []
    for _ in range(3):  # the median of three: one run on this shared VM swings by a fifth
        cpu = time.process_time()
        extracted = extract(body, ORIGIN + path)
        times.append(time.process_time() - cpu)
        assert len(extracted["polls"]) >= options
    return statistics.median(times)


def commit_cost(sizes: list[int]) -> list[dict[str, Any]]:
    """(g): the commit at each size, each in a fresh child process."""
    figures = []
    for size in sizes:
        command = [sys.executable, "-m", "riac_scraper.devtools.bench", "--child", "commit", "--pages", str(size)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        figures.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(
            f"(g) commit of {size:,} staged articles: {figures[-1]['cpu_s']} s CPU, {figures[-1]['wall_s']} s wall, "
            f"peak RSS {figures[-1]['peak_rss_mb']} MB"
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="riac bench", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="articles in the measured site (default 2000)")
    parser.add_argument("--large", type=int, default=20000, help="articles for the second RSS measure (default 20000)")
    parser.add_argument("--sample", type=int, default=300, help="pages timed one by one (default 300)")
    parser.add_argument("--extraction-only", action="store_true", help="only time extraction (c), no crawls")
    parser.add_argument(
        "--incremental", action="store_true", help="only count an incremental re-crawl's requests (f), on --pages"
    )
    parser.add_argument("--new", type=int, default=50, help="(f): articles added before the re-crawl (default 50)")
    parser.add_argument("--edited", type=int, default=20, help="(f): articles edited before the re-crawl (default 20)")
    parser.add_argument(
        "--commit", action="store_true", help="only time the commit (g) of --pages and of --large staged articles"
    )
    parser.add_argument("--poll", type=int, metavar="OPTIONS", help="only time a poll of OPTIONS options (h)")
    parser.add_argument("--child", choices=["bare", "full", "commit"], help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for flag in ("pages", "large", "sample"):
        if getattr(args, flag) < 1:
            parser.error(f"--{flag} takes a number of 1 or more, got {getattr(args, flag)}")
    if args.new < 0 or args.edited < 0:
        parser.error("--new and --edited take 0 or more")
    if args.child == "commit":
        print(json.dumps(_child_commit(args.pages)))
        return 0
    if args.child:
        print(json.dumps(_child_crawl(args.child, args.base_url, args.pages, args.output)))
        return 0
    if args.poll is not None:
        if args.poll < 1:
            parser.error(f"--poll takes a number of 1 or more, got {args.poll}")
        cpu = poll_cost(args.poll)
        print(f"(h) a page with a poll of {args.poll:,} options: {cpu:.2f} s CPU")
        print(f"ratios: poll page CPU {cpu:.2f} s (target < 1 s at 40,000 options)")
        return 0
    if args.commit:
        small, large = commit_cost([args.pages, args.large])
        cpu, rss = large["cpu_s"] / max(small["cpu_s"], 0.01), large["peak_rss_mb"] / max(small["peak_rss_mb"], 1)
        growth = args.large / args.pages
        print(
            f"ratios: commit CPU {cpu:.1f}x for {growth:.0f}x the articles (target <= {1.1 * growth:.0f}x); "
            f"peak RSS {rss:.2f}x (target <= 1.3x)"
        )
        return 0
    if args.incremental:
        figures = incremental(args.pages, args.new, args.edited)
        print(
            f"ratios: unchanged/full requests {figures['unchanged_share']:.3f} (target <= 0.05); "
            f"changes found {figures['found']}/{figures['changes']} (target all)"
        )
        return 0 if figures["found"] == figures["changes"] else 1
    if args.extraction_only:
        site = BenchSite(args.pages)
        figures = {**extraction(site, args.sample), **reextraction(site)}
        ratios = {
            "trafilatura/ours time, large pages": (figures["large_speedup"], ">=", 5),
            "small pages": (figures["small_speedup"], ">=", 5),
            "re-extraction 2 workers/1": (figures["reextract_speedup_2w"], ">=", 1.7),
            "WARC and Parquet overhead": (figures["reextract_io_overhead"], "<=", 0.25),
        }
        print(ratio_line(ratios))
        return 0
    run(args.pages, args.large, args.sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
