"""Serve a static mirror of the site (by default the bundled one) on loopback.

Paths are the real site's: ``/en/news/`` serves ``<root>/en/news/index.html``
and ``/en/news/?PAGEN_1=2`` serves ``<root>/en/news/page-2.html``; other query
parameters (``sphrase_id``, ...) are ignored, as the real site ignores them.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from email.utils import formatdate
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from riac_scraper.devtools.faults import FaultPlan

BUNDLED_MIRROR = Path(__file__).resolve().with_name("mirror_site")  # package data: a wheel has it too
_TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".xml": "application/xml"}


def resolve(root: Path, target: str) -> Path | None:
    """The file that answers a request target, or None (never a path outside root)."""
    parts = urlsplit(target)
    path = unquote(parts.path)
    query = parse_qs(parts.query)
    page = query.get("PAGEN_1", ["1"])[0]
    if path.endswith("/"):
        name = "index.html" if page == "1" else f"page-{page}.html"
        candidate = root / path.strip("/") / name
        if "tags" in query:  # a tag's search listing: /en/search/?tags=X is en/search/tags=X/index.html
            candidate = root / path.strip("/") / f"tags={quote(query['tags'][0], safe='')}" / name
        if not candidate.is_file() and page == "1":  # a feed: /en/rss/ is en/rss/index.xml
            candidate = candidate.with_name("index.xml")
    else:
        candidate = root / path.strip("/")
    try:
        candidate = candidate.resolve()
        candidate.relative_to(root.resolve())
    except (ValueError, OSError):
        return None
    return candidate if candidate.is_file() else None


class MirrorHandler(BaseHTTPRequestHandler):
    server_version = "riac-mirror"

    def __init__(self, *args, mirror: Mirror, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.root = mirror.root
        self.faults = mirror.faults
        self.delay = mirror.delay
        mirror.count_request()
        super().__init__(*args, **kwargs)

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError):  # the crawler may hang up (timeouts, size caps)
            super().handle()

    def do_GET(self) -> None:
        if self.delay:
            time.sleep(self.delay)
        if self.faults is not None and self.faults.intercept(self, self.root):
            return
        found = resolve(self.root, self.path)
        if found is None:
            self.send_error(404)
            return
        body = found.read_bytes()
        content_type = _TYPES.get(found.suffix, "application/octet-stream")
        if self.faults is not None:
            parts = urlsplit(self.path)
            page = int(parse_qs(parts.query).get("PAGEN_1", ["1"])[0] or 1)
            body, content_type = self.faults.rewrite(unquote(parts.path), page, body, content_type)
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        modified = formatdate(found.stat().st_mtime, usegmt=True)
        if etag in (self.headers.get("If-None-Match") or ""):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the crawler logs what it fetched


class Mirror:
    """A mirror server running in a background thread; use as a context manager."""

    def __init__(
        self,
        root: Path = BUNDLED_MIRROR,
        port: int = 0,
        host: str = "127.0.0.1",
        faults: FaultPlan | None = None,
        delay: float = 0.0,
    ) -> None:
        if not root.is_dir():
            raise FileNotFoundError(f"mirror root is not a directory: {root}")
        self.root = root
        self.faults = faults
        self.delay = delay
        self.connections = 0  # requests, for the HTTP/1.0 server answers one per connection
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), partial(MirrorHandler, mirror=self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="riac-mirror", daemon=True)

    def count_request(self) -> None:
        with self._lock:
            self.connections += 1

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Mirror:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
