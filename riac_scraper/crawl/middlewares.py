"""Downloader middlewares: the crawl's boundary, robots.txt read as RFC 9309
says, and retries that honour Retry-After."""

from __future__ import annotations

import email.utils
import logging
import time
from typing import Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import robotstxt as scrapy_robotstxt
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError
from twisted.internet.task import deferLater

from riac_scraper.urls import within_boundary

ROBOTS_READ = object()  # signal: robots.txt was answered (body=..., status=...), once per host

try:  # Scrapy 2.19 wraps DNS failures in its own exception
    from scrapy.exceptions import CannotResolveHostError

    UNRESOLVABLE: tuple[type[Exception], ...] = (DNSLookupError, CannotResolveHostError)
except ImportError:  # pragma: no cover - older Scrapy
    UNRESOLVABLE = (DNSLookupError,)


def retry_after_seconds(value: bytes | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware(RetryMiddleware):
    """Retries like Scrapy's RetryMiddleware, but waits as long as a 429 or 503
    answer's Retry-After asks (up to RETRY_AFTER_MAX seconds; a longer wait
    is not retried) before sending the request again.  A host name that does
    not resolve is not retried: it will not resolve a second later, and an
    unreachable site should end the crawl in seconds."""

    def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        if isinstance(exception, UNRESOLVABLE):
            return None
        return super().process_exception(request, exception)

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX", 120.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        wait = retry_after_seconds(response.headers.get("Retry-After")) if response.status in (429, 503) else None
        if wait is None or request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return super().process_response(request, response)
        if wait > self.max_wait:
            return response
        retry = self._retry(request, f"{response.status} (Retry-After: {wait:g} s)")
        if retry is None:
            return response
        self.crawler.stats.inc_value("riac/retry_after/waited_seconds", wait)
        from twisted.internet import reactor  # the running one; importing it early would install the default

        await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return retry


class HostBoundaryMiddleware:
    """Refuses every request outside the crawl's boundary (``urls.within_boundary``:
    http(s), the site's hosts on their default ports, or exactly the mirror's
    host and port), whatever led to it: a link, a redirect, a meta refresh, or
    a request that bypasses Scrapy's own offsite filter with ``dont_filter``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostBoundaryMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        if spider is None or not hasattr(spider, "base_url"):
            return
        if not within_boundary(request.url, spider.base_url):
            spider.logger.warning("refused, outside the crawl's hosts and ports: %s", request.url)
            self.crawler.stats.inc_value("riac/boundary/refused")
            raise IgnoreRequest("outside the crawl's hosts and ports")


def _without_traceback(record: logging.LogRecord) -> bool:
    record.exc_info, record.exc_text = None, None
    return True


class RobotsTxtMiddleware(scrapy_robotstxt.RobotsTxtMiddleware):
    """robots.txt as RFC 9309 says: a 4xx answer allows everything, a 5xx answer
    or no answer at all (DNS failure, refused connection, time-out) disallows
    everything, and only the first ROBOTSTXT_MAX_BYTES (500 KiB) are parsed.
    A disallow-all is recorded in the stats, and the crawl fails naming it."""

    ALLOW_ALL = b""
    DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"

    ROBOTS_MAX_DOWNLOAD = 64 * 1024 * 1024  # a robots.txt larger than DOWNLOAD_MAXSIZE is read, in part

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.max_bytes = crawler.settings.getint("ROBOTSTXT_MAX_BYTES", 500 * 1024)
        # Scrapy logs a robots.txt that cannot be fetched with two tracebacks; the line says it all
        logging.getLogger(scrapy_robotstxt.__name__).addFilter(_without_traceback)

    async def process_request(self, request: Request, spider: Any = None) -> None:  # type: ignore[override]
        if request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt"):
            request.meta.setdefault("download_maxsize", self.ROBOTS_MAX_DOWNLOAD)
            return
        await super().process_request(request)

    def _install(self, netloc: str, body: bytes) -> None:
        parser = build_from_crawler(self._parserimpl, self.crawler, body)
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)

    def _disallow(self, netloc: str, why: str) -> None:
        self.crawler.stats.set_value("riac/robots/disallow_all", why)
        self._install(netloc, self.DISALLOW_ALL)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        if response.status >= 500:
            self._disallow(netloc, f"robots.txt answered HTTP {response.status}")
            return
        elif response.status >= 400:
            self._install(netloc, self.ALLOW_ALL)
        else:
            self._install(netloc, response.body[: self.max_bytes])
        # the spider reads the sitemaps it names from this one fetch (discovery.py), as far as it is read
        self.crawler.signals.send_catch_log(
            signal=ROBOTS_READ, body=response.body[: self.max_bytes], status=response.status
        )

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        self._disallow(netloc, f"robots.txt could not be fetched ({type(exc).__name__})")

    async def robot_parser(self, request: Request) -> Any:
        # Requests that waited for robots.txt can be handed None by the shared
        # Deferred (its first waiter consumes the result): read the parser
        # installed for the host instead, so that none of them passes unchecked.
        parser = await super().robot_parser(request)
        installed = self._parsers.get(urlparse_cached(request).netloc)
        return installed if installed is not None and not isinstance(installed, Deferred) else parser
