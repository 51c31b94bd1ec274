"""A misbehaving mirror: faults on a seeded, repeatable schedule.

``riac mirror --faults SEED`` (or ``Mirror(faults=FaultPlan(SEED))``) serves
the mirror with, decided per path from the seed alone (not from request
order):

- transient faults on the first attempt at about a third of the pages: a 500,
  a 503, a 429 with ``Retry-After: 1``, a response slower than
  ``slow_seconds``, a connection reset, or a body cut short of its
  Content-Length; the second attempt succeeds;
- ``unreachable`` article pages that always answer 500;
- extra article links on the first English news listing page, leading to a
  redirect chain that ends at a real article, a redirect loop, a redirect to
  a foreign host, an empty 200, a 20 MB page and a PDF;
- one Russian article re-encoded in windows-1251 with no charset anywhere.

``unreachable_urls()`` names, in real-site form, every page that a crawl
within its retry budget cannot turn into an article.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from riac_scraper.site import ORIGIN
from riac_scraper.urls import classify

NEWS = "/en/news/"
CHAIN_END = "/en/news/riac-presents-report-on-digital-sovereignty/"
CP1251_PAGE = "/news/v-moskve-proshla-konferentsiya-o-budushchem-mnogostoronnikh-institutov/"
REDIRECTS = {
    NEWS + "fault-redirect-chain/": NEWS + "fault-redirect-chain-2/",
    NEWS + "fault-redirect-chain-2/": NEWS + "fault-redirect-chain-3/",
    NEWS + "fault-redirect-chain-3/": CHAIN_END,
    NEWS + "fault-redirect-loop/": NEWS + "fault-redirect-loop-2/",
    NEWS + "fault-redirect-loop-2/": NEWS + "fault-redirect-loop/",
    NEWS + "fault-offsite-redirect/": "https://example.org/elsewhere/",
}
SPECIAL_PAGES = ("fault-empty", "fault-huge", "fault-pdf")
INJECTED = ["fault-redirect-chain", "fault-redirect-loop", "fault-offsite-redirect", *SPECIAL_PAGES]
TRANSIENT = ("500", "503", "429", "slow", "reset", "truncated")
HUGE_BYTES = 20 * 1024 * 1024


@dataclass
class FaultPlan:
    seed: int
    transient_share: float = 0.35
    unreachable: int = 2
    slow_seconds: float = 3.0
    attempts: Counter[str] = field(default_factory=Counter)
    log: list[tuple[str, float, str]] = field(default_factory=list)  # (path, time, what was served)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._dead: set[str] | None = None

    def _chance(self, path: str) -> random.Random:
        return random.Random(f"{self.seed}:{path}")

    def dead_paths(self, root: Path) -> set[str]:
        """The article pages that always fail, chosen by the seed."""
        if self._dead is None:
            pages = ("/" + p.parent.relative_to(root).as_posix() + "/" for p in root.rglob("index.html"))
            articles = sorted(
                p
                for p in pages
                if (kind := classify(ORIGIN + p)) and kind.kind == "article" and p not in (CHAIN_END, CP1251_PAGE)
            )
            self._dead = set(random.Random(self.seed).sample(articles, min(self.unreachable, len(articles))))
        return self._dead

    def unreachable_urls(self, root: Path) -> set[str]:
        failing = [NEWS + "fault-redirect-loop/", NEWS + "fault-offsite-redirect/"]
        failing += [NEWS + name + "/" for name in SPECIAL_PAGES]
        return {ORIGIN + p for p in (*failing, *self.dead_paths(root))}

    def _record(self, path: str, what: str) -> int:
        """Log a request; returns which attempt at this path it is."""
        with self._lock:
            self.attempts[path] += 1
            self.log.append((path, time.monotonic(), what if self.attempts[path] == 1 else f"{what} (again)"))
            return self.attempts[path]

    def transient_fault(self, path: str) -> str | None:
        chance = self._chance(path)
        if path == "/robots.txt" or chance.random() >= self.transient_share:
            return None
        return chance.choice(TRANSIENT)

    def intercept(self, handler: BaseHTTPRequestHandler, root: Path) -> bool:
        """Answer the request with a fault; False when it should be served normally."""
        path = urlsplit(handler.path).path
        if path in REDIRECTS:
            self._record(path, "redirect")
            handler.send_response(302)
            handler.send_header("Location", REDIRECTS[path])
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return True
        name = path.strip("/").rsplit("/", 1)[-1]
        if path.startswith(NEWS) and name in SPECIAL_PAGES:
            self._record(path, name)
            _special_page(handler, name)
            return True
        if path in self.dead_paths(root):
            self._record(path, "500 (unreachable)")
            _status(handler, 500)
            return True
        fault = self.transient_fault(path)
        if self._record(path, fault or "ok") > 1 or fault is None:
            return False  # a transient fault hits the first attempt only
        _transient(handler, fault, self.slow_seconds)
        return True

    def rewrite(self, path: str, page: int, body: bytes, content_type: str) -> tuple[bytes, str]:
        if path == NEWS and page == 1:
            cards = "".join(f'<div class="news-item"><a href="{NEWS}{n}/">Fault page {n}</a></div>' for n in INJECTED)
            return body.replace(b"</main>", cards.encode() + b"</main>"), content_type
        if path == CP1251_PAGE:
            text = body.decode("utf-8").replace('<meta charset="utf-8">', "")
            return text.encode("cp1251"), "text/html"
        return body, content_type


def _status(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def _transient(handler: BaseHTTPRequestHandler, fault: str, slow_seconds: float) -> None:
    if fault in ("500", "503"):
        _status(handler, int(fault))
    elif fault == "429":
        _status(handler, 429, {"Retry-After": "1"})
    elif fault == "slow":
        time.sleep(slow_seconds)
        _status(handler, 500)
    elif fault == "reset":
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
    elif fault == "truncated":
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"<html><head><title>Cut short</title></head><body><h1>Cut short</h1><p>Only the")
        handler.wfile.flush()
        handler.close_connection = True


def _special_page(handler: BaseHTTPRequestHandler, name: str) -> None:
    if name == "fault-empty":
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    elif name == "fault-pdf":
        body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    elif name == "fault-huge":
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(HUGE_BYTES))
        handler.end_headers()
        chunk = b"<p>" + b"x" * 1020 + b"</p>"
        try:
            for _ in range(HUGE_BYTES // len(chunk)):
                handler.wfile.write(chunk)
        except OSError:
            pass  # the crawler hung up once it saw the size: that is the point
