"""A crawl's WARNING and ERROR lines are its own.

The fallback libraries (trafilatura, htmldate and theirs) log problems they
handled, "lxml parsing failed" on a page with no text, at ERROR. Their
records go to DEBUG: a filter on each handler of the root logger, which
every library's records reach.  Scrapy installs its root handler again once
the crawler's settings are applied (``Crawler.crawl``), after the spider and
the extensions are made, so the filter goes on when the spider opens.
"""

from __future__ import annotations

import logging

QUIETED = ("trafilatura", "htmldate", "courlan", "justext", "readability")


class _BelowWarning(logging.Filter):
    """On a handler: a WARNING or worse from a quieted library becomes DEBUG,
    and is dropped when the handler shows nothing below its own level."""

    def __init__(self, handler: logging.Handler) -> None:
        super().__init__()
        self.handler = handler

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".", 1)[0] in QUIETED and record.levelno >= logging.WARNING:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return record.levelno >= self.handler.level
        return True


def quiet_third_party(*_: object) -> None:
    """Put the filter on every root handler that lacks it (a signal handler too)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _BelowWarning) for f in handler.filters):
            handler.addFilter(_BelowWarning(handler))
