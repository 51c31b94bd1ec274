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

``--extraction-only`` runs (c) and (e) alone.  Each crawl runs in a fresh child
process, so its peak RSS is its own.  Extraction times are CPU time
(``time.process_time``), ours and trafilatura's interleaved page by page, and
a speed-up is the median of the per-page ratios: on a shared machine, wall
time drifts by tens of per cent between runs.
"""

from __future__ import annotations

import argparse
import asyncio
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riac_scraper import site
from riac_scraper.devtools.mirror import BUNDLED_MIRROR
from riac_scraper.site import ORIGIN
from riac_scraper.urls import classify

# The listings of the benchmark site: the site's own paths, both languages.
SECTIONS = [
    ("/en" if lang == "en" else "") + site.SECTION_PATHS[section]
    for lang in site.LANGS
    for section in ("analytics", "comments", "interview", "news")
]
PER_LISTING_PAGE = 20
_TITLE = re.compile(r'<h1 class="article__title">(.*?)</h1>')


def _padding(kilobytes: int) -> str:
    """Inline script text of about this size, like the analytics and widget code of a CMS page."""
    line = "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());\n"
    return "<script>" + line * (kilobytes * 1024 // len(line)) + "</script>"


@dataclass
class BenchSite:
    """A site of ``articles`` pages made from the bundled mirror's articles."""

    articles: int

    def __post_init__(self) -> None:
        self.templates: dict[str, list[tuple[str, str]]] = {"en": [], "ru": []}
        for page in sorted(BUNDLED_MIRROR.rglob("index.html")):
            kind = classify(ORIGIN + "/" + page.parent.relative_to(BUNDLED_MIRROR).as_posix() + "/")
            html = page.read_text("utf-8")
            if kind and kind.kind == "article" and (title := _TITLE.search(html)):
                self.templates[kind.lang].append((html, title.group(1)))
        links = [f'<a href="/en/topics/topic-{i}/">Topic number {i}</a> ' for i in range(250)]
        self.nav = f'<div class="mega-menu">{"".join(links)}</div>'
        self.small_nav = f'<div class="mega-menu">{"".join(links[:40])}</div>'
        related = "".join(
            f'<li><a href="/en/analytics-and-comments/analytics/related-{i}/">A related article '
            f"about international affairs, number {i}</a></li>"
            for i in range(40)
        )
        self.sidebar = f'<div class="related"><ul>{related}</ul></div>'
        self.scripts = [_padding(kb) for kb in (55, 70, 85, 100, 115)]

    def _section_of(self, number: int) -> str:
        return SECTIONS[number % len(SECTIONS)]

    def article_path(self, number: int) -> str:
        return f"{self._section_of(number)}bench-article-{number}/"

    def listing_pages(self, section: str) -> int:
        count = len(range(SECTIONS.index(section), self.articles, len(SECTIONS)))
        return max(1, -(-count // PER_LISTING_PAGE))

    def urls(self) -> Iterator[str]:
        """Every page a full crawl fetches: listing pages and articles."""
        for section in SECTIONS:
            yield section
            for page in range(2, self.listing_pages(section) + 1):
                yield f"{section}?PAGEN_1={page}"
        for number in range(self.articles):
            yield self.article_path(number)

    def article(self, number: int, *, small: bool = False) -> bytes:
        """Article page ``number``; ``small`` leaves out the inline scripts and
        keeps a 40-link menu: 10-25 KB, the size of the bundled mirror's pages."""
        lang = "en" if self._section_of(number).startswith("/en/") else "ru"
        html, title = self.templates[lang][number % len(self.templates[lang])]
        html = html.replace(title, f"{title} {number}")
        if not small:
            html = html.replace("</head>", self.scripts[number % len(self.scripts)] + "</head>", 1)
        html = html.replace('<nav class="menu">', '<nav class="menu">' + (self.small_nav if small else self.nav), 1)
        html = html.replace('<aside class="sidebar">', '<aside class="sidebar">' + self.sidebar, 1)
        return html.encode("utf-8")

    def listing(self, section: str, page: int) -> bytes:
        numbers = list(range(SECTIONS.index(section), self.articles, len(SECTIONS)))
        chunk = numbers[(page - 1) * PER_LISTING_PAGE : page * PER_LISTING_PAGE]
        cards = "".join(
            f'<div class="news-item"><a href="{self.article_path(n)}">Bench article {n}</a></div>' for n in chunk
        )
        pager = f'<a href="{section}?PAGEN_1={page + 1}">next</a>' if page < self.listing_pages(section) else ""
        return (
            f"<html><head><title>Listing</title></head><body><nav>{self.nav}</nav><main>{cards}"
            f"<div class='pagination'>{pager}</div></main></body></html>"
        ).encode()

    def respond(self, target: str) -> bytes | None:
        path, _, query = target.partition("?")
        if path == "/robots.txt":
            return b"User-agent: *\nDisallow:\n"
        if path in SECTIONS:
            match = re.search(r"PAGEN_1=(\d+)", query)
            return self.listing(path, int(match.group(1)) if match else 1)
        match = re.fullmatch(r"(/.*/)bench-article-(\d+)/", path)
        if match and int(match.group(2)) < self.articles and self._section_of(int(match.group(2))) == match.group(1):
            return self.article(int(match.group(2)))
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
                writer.write(
                    b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html; charset=utf-8\r\n"
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

    def __init__(self, articles: int) -> None:
        context = multiprocessing.get_context("fork")
        ready = context.Queue()
        self.process = context.Process(target=lambda: asyncio.run(_serve(BenchSite(articles), 0, ready)), daemon=True)
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
        process.crawl(crawler, base_url=base_url)
    process.start()
    stats = crawler.stats.get_stats()
    return {
        "responses": stats.get("response_received_count", 0),
        "seconds": stats.get("elapsed_time_seconds", 0.0),
        "articles": stats.get("riac/written/articles"),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def crawl(kind: str, base_url: str, articles: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="riac-bench-") as output:
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


def per_page_times(site: BenchSite, sample: int, *, small: bool = False) -> dict[str, list[float]]:
    """CPU seconds per page of our extraction, of langdetect alone, and of
    trafilatura's bare_extraction, and their per-page ratio."""
    from trafilatura import bare_extraction

    from riac_scraper.api import parse_article
    from riac_scraper.pages.language import detect_language

    times: dict[str, list[float]] = {"ours": [], "langdetect": [], "trafilatura": [], "ratio": []}
    step = max(1, site.articles // sample)
    numbers = list(range(0, site.articles, step)[:sample])
    parse_article(site.article(numbers[0], small=small).decode("utf-8"), ORIGIN + site.article_path(numbers[0]))
    for number in numbers:
        html, url = site.article(number, small=small).decode("utf-8"), ORIGIN + site.article_path(number)
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
            start = time.perf_counter()
            reextract([str(p) for p in paths], output, workers=workers)
            figures[f"reextract_{workers}w_pages_per_s"] = site.articles / (time.perf_counter() - start)
    figures["reextract_speedup_2w"] = figures["reextract_2w_pages_per_s"] / figures["reextract_1w_pages_per_s"]
    figures["reextract_io_overhead"] = figures["reextract_alone_pages_per_s"] / figures["reextract_1w_pages_per_s"] - 1
    print(
        f"(e) re-extraction of {site.articles} pages from {len(paths)} WARC files ({size:.0f} MB): "
        f"extraction alone {figures['reextract_alone_pages_per_s']:.0f} pages/s (CPU), "
        f"1 worker {figures['reextract_1w_pages_per_s']:.0f} pages/s, "
        f"2 workers {figures['reextract_2w_pages_per_s']:.0f} pages/s"
    )
    return figures


def _ms(values: list[float], q: float) -> float:
    return 1000 * (statistics.median(values) if q == 0.5 else statistics.quantiles(values, n=20)[18])


def extraction(site: BenchSite, sample: int) -> dict[str, Any]:
    """(c): our extraction against trafilatura's on large and on small pages."""
    figures: dict[str, Any] = {}
    for size in ("large", "small"):
        pages = [len(site.article(n, small=size == "small")) / 1024 for n in range(min(site.articles, 50))]
        times = per_page_times(site, sample, small=size == "small")
        for name in ("ours", "langdetect", "trafilatura"):
            figures[f"{size}_{name}_median_ms"] = _ms(times[name], 0.5)
            figures[f"{size}_{name}_p95_ms"] = _ms(times[name], 0.95)
            print(
                f"(c) {size} pages ({min(pages):.0f}-{max(pages):.0f} KB), {name:<12} "
                f"median {figures[f'{size}_{name}_median_ms']:.2f} ms, "
                f"p95 {figures[f'{size}_{name}_p95_ms']:.2f} ms CPU per page ({len(times[name])} pages)"
            )
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
        "full/bare throughput": (figures["full_pages_per_s"] / figures["bare_pages_per_s"], ">= 0.70"),
        "trafilatura/ours time, large pages": (figures["large_speedup"], ">= 5"),
        "trafilatura/ours time, small pages": (figures["small_speedup"], ">= 5"),
        "langdetect share of ours": (figures["large_langdetect_share"], "<= 0.15"),
        f"RSS {large}/{pages}": (figures["rss_large_mb"] / figures["rss_small_mb"], "<= 1.3"),
        "re-extraction 2 workers/1": (figures["reextract_speedup_2w"], ">= 1.7"),
        "WARC and Parquet overhead": (figures["reextract_io_overhead"], "<= 0.25"),
    }
    print("ratios: " + "; ".join(f"{name} {value:.2f} (target {target})" for name, (value, target) in ratios.items()))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="riac bench", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="articles in the measured site (default 2000)")
    parser.add_argument("--large", type=int, default=20000, help="articles for the second RSS measure (default 20000)")
    parser.add_argument("--sample", type=int, default=300, help="pages timed one by one (default 300)")
    parser.add_argument("--extraction-only", action="store_true", help="only time extraction (c), no crawls")
    parser.add_argument("--child", choices=["bare", "full"], help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child_crawl(args.child, args.base_url, args.pages, args.output)))
        return 0
    if args.extraction_only:
        site = BenchSite(args.pages)
        figures = {**extraction(site, args.sample), **reextraction(site)}
        print(
            f"ratios: trafilatura/ours time, large pages {figures['large_speedup']:.2f} (target >= 5); "
            f"small pages {figures['small_speedup']:.2f} (target >= 5); "
            f"re-extraction 2 workers/1 {figures['reextract_speedup_2w']:.2f} (target >= 1.7); "
            f"WARC and Parquet overhead {figures['reextract_io_overhead']:.2f} (target <= 0.25)"
        )
        return 0
    run(args.pages, args.large, args.sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
