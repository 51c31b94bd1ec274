"""Re-extraction of one archive file, serial against N local processes:
the file is cut into byte ranges (``reextract.file_ranges``), so even a
single WARC spreads over the workers.

    python -m riac_scraper.devtools.bench_ranges [--pages 4000] [--workers 2] [--rounds 2]

Writes one WARC of ``--pages`` responses (the bundled mirror's article pages,
each under many URLs) into a temporary folder and times ``reextract`` on it,
alternating serial and parallel runs; prints the wall times and the ratio.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from riac_scraper import site
from riac_scraper.devtools.mirror import BUNDLED_MIRROR
from riac_scraper.reextract import reextract
from riac_scraper.urls import classify


def article_pages() -> list[tuple[str, bytes]]:
    pages = []
    for path in sorted(BUNDLED_MIRROR.glob("**/index.html")):
        url = f"{site.ORIGIN}/{path.parent.relative_to(BUNDLED_MIRROR).as_posix()}/"
        kind = classify(url)
        if kind is not None and kind.kind == "article":
            pages.append((url, path.read_bytes()))
    return pages


def write_archive(path: Path, count: int) -> None:
    pages = article_pages()
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n in range(count):
            url, body = pages[n % len(pages)]
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"{url.rstrip('/')}-{n}/", "response", payload=io.BytesIO(body), length=len(body), http_headers=headers
            )
            writer.write_record(record)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "one.warc.gz"
        write_archive(archive, args.pages)
        print(
            f"one file of {args.pages} responses, {archive.stat().st_size / 1e6:.1f} MB; load {os.getloadavg()[0]:.2f}"
        )
        times: dict[int, list[float]] = {1: [], args.workers: []}
        for n in range(args.rounds):
            for workers in (1, args.workers):
                start = time.perf_counter()
                store = reextract([str(archive)], Path(tmp) / f"out-{workers}-{n}", workers=workers)
                times[workers].append(time.perf_counter() - start)
                assert store.written["articles"] == args.pages, store.written
        serial, parallel = statistics.median(times[1]), statistics.median(times[args.workers])
        print(f"serial {serial:.1f} s, {args.workers} workers {parallel:.1f} s (medians of {args.rounds}): "
              f"{serial / parallel:.2f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
