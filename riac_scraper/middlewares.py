"""Downloader middlewares: the crawl's host boundary, and retries that honour Retry-After."""

from __future__ import annotations

import email.utils
import time

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.task import deferLater


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
    is not retried) before sending the request again."""

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
    """Refuses every request to a host outside the spider's ``allowed_domains``
    (exact host names), whatever led to it: a link, a redirect, or a request
    that bypasses Scrapy's own offsite filter with ``dont_filter``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostBoundaryMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        host = (urlparse_cached(request).hostname or "").rstrip(".").lower()
        allowed = getattr(self.crawler.spider, "allowed_domains", None)
        if allowed and host not in allowed:
            raise IgnoreRequest(f"outside the crawl's hosts: {host}")
