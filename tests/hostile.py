"""A loopback server that misbehaves exactly as a test scripts it.

``Scripted(answers, root)`` answers a request target (path and query) from
``answers`` when it is there, with (status, headers, body), and serves the
mirror directory ``root`` otherwise (404 when ``root`` is None).  It counts
every request by target, so that a test can show a page was never asked for.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Callable
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from riac_scraper.devtools.mirror import resolve

Answer = tuple[int, dict[str, str], bytes]


class _Handler(BaseHTTPRequestHandler):
    def __init__(self, *args, server_state: Scripted, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.state = server_state
        super().__init__(*args, **kwargs)

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError):
            super().handle()

    def do_GET(self) -> None:
        self.state.count(self.path)
        answer = self.state.answer(self.path)
        if answer is None:
            self.send_error(404)
            return
        status, headers, body = answer
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8", **headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class Scripted:
    def __init__(
        self,
        answers: dict[str, Answer] | Callable[[str], Answer | None] | None = None,
        root: Path | None = None,
    ) -> None:
        self.answers = answers or {}
        self.root = root
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, server_state=self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def count(self, target: str) -> None:
        with self._lock:
            self.requests[target] += 1

    def answer(self, target: str) -> Answer | None:
        scripted = self.answers(target) if callable(self.answers) else self.answers.get(target)
        if scripted is not None:
            return scripted
        if self.root is not None and (found := resolve(self.root, target)) is not None:
            kind = "text/plain; charset=utf-8" if found.suffix == ".txt" else "text/html; charset=utf-8"
            return 200, {"Content-Type": kind}, found.read_bytes()
        return None

    def __enter__(self) -> Scripted:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def page(body: str, title: str = "A Page", head: str = "") -> bytes:
    html = f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{head}</head><body>{body}</body></html>"
    return html.encode()


POLL_PAST_INT32 = (
    "<div>Poll conducted</div><div>1. Who?</div><div>A 2147483000 (50%)</div><div>B 2147483000 (50%)</div>"
)

DATED = '<meta property="article:published_time" content="2024-01-02">'

IMPOSSIBLE_DATE = '<meta property="article:published_time" content="2018-02-31">'

LEAD = "The lead paragraph of this hostile page is long enough to count as running text for a reader."

BODY = "A second paragraph follows it, so that the page has a body of two paragraphs and looks real."


def article_html(title: str, extra: str = "", head: str = DATED) -> bytes:
    return page(f"<h1>{title}</h1>{extra}<p>{LEAD}</p><p>{BODY}</p><div>Share this article</div>", title, head)
