"""The records riac-scraper produces."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

INT32_MAX = 2**31 - 1  # the largest count the datasets' int32 columns hold


@dataclass
class Author:
    name: str
    bio: str | None = None
    url: str | None = None


@dataclass
class PollOption:
    option: str | None  # the site sometimes shows no label
    votes: int | None
    percent: float | None


@dataclass
class PollSnapshot:
    """One poll's results as shown on a page at one moment."""

    poll_id: str
    lang: str
    question: str
    options: list[PollOption]
    observed_at: dt.datetime
    source_url: str

    @property
    def total_votes(self) -> int | None:
        """The sum of the options' votes; None when one is unknown or the sum
        is beyond what the datasets' int32 column holds."""
        votes = [o.votes for o in self.options]
        if any(v is None for v in votes):
            return None
        total = sum(v for v in votes if v is not None)
        return total if total <= INT32_MAX else None


@dataclass
class Article:
    url: str
    lang: str
    section: str
    title: str | None = None
    lead: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)
    published: dt.date | None = None
    tags: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    rating_value: float | None = None
    rating_votes: int | None = None
    translation_url: str | None = None
    polls: list[PollSnapshot] = field(default_factory=list)
    detected_lang: str | None = None
    fallback_fields: list[str] = field(default_factory=list)
    # Fields whose value the page's other witnesses contradict (pages/witnesses.py).
    suspect_fields: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fetched_at: dt.datetime | None = None
    # What the crawl knew when it fetched the page, for incremental re-crawls.
    listing_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    # Where the page is kept as received (see archive.py): a WARC file and the
    # offset of its response record.
    warc_file: str | None = None
    warc_offset: int | None = None
    # The discovery sources that found the article (see crawl/discovery.py).
    found_by: list[str] = field(default_factory=list)
    # The article URLs the page links to (teasers, related materials, its
    # translation): a discovery source, not stored.
    linked: list[str] = field(default_factory=list, repr=False)
    # Which layer answered each field (selectors, text, metadata, trafilatura,
    # htmldate; see pages/article.py): riac probe shows it, not stored.
    answered: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def poll_ids(self) -> list[str]:
        return [p.poll_id for p in self.polls]


@dataclass
class ArticleSeen:
    """An article listed again but not re-fetched, since its listing entry (or,
    by a 304 answer, its ETag / Last-Modified) did not change."""

    url: str
    seen_at: dt.datetime


@dataclass
class PageDone:
    """Marks that every item of a page has been handed on: the crawl journal
    then knows the page needs no fetch after a resume."""

    url: str


@dataclass
class CrawlFailure:
    """A page that produced no article, and why."""

    url: str
    stage: str  # "download", "extract" or "validate"
    reason: str
    at: dt.datetime


# Where a crawl finds article URLs (crawl/discovery.py), in the order found_by lists them.
DISCOVERY_SOURCES = ("listings", "sitemap", "feeds", "links", "tags")
# The crawl's final found_by map is kept in its archive as a metadata record with this URI.
FOUND_BY_URI = "urn:riac:found-by"


def read_found_by(data: bytes) -> dict[str, list[str]]:
    """A found_by map read back from an archive: only article URLs of the form
    the crawl writes and known sources are taken; anything else is left out."""
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return {}
    found = value.get("found_by") if isinstance(value, dict) else None
    if not isinstance(found, dict):
        return {}
    return {
        url: [s for s in DISCOVERY_SOURCES if s in sources]
        for url, sources in found.items()
        if isinstance(url, str) and url.startswith("https://") and isinstance(sources, list)
    }


# The article fields whose presence a crawl measures (coverage floors, validation).
COVERED_FIELDS = (
    "title",
    "lead",
    "body",
    "authors",
    "published",
    "rating_votes",
    "translation_url",
    "regions",
    "tags",
    "detected_lang",
)


def field_presence(article: Article) -> dict[str, bool]:
    """Which covered fields an article has a value for (0 votes is a value; an empty list is not)."""
    return {
        name: getattr(article, name) not in (None, "", [])  # body: the text of its paragraphs
        for name in COVERED_FIELDS
    }


_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_HOST_PORT = re.compile(r"\b(?:\d{1,3}(?:\.\d{1,3}){3}|localhost|(?:[\w-]+\.)+[a-z]{2,})(?::\d+)\b", re.IGNORECASE)
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


def grouping_reason(reason: str) -> str:
    """A failure reason without the URL, host or port it happened to name, so
    that the same failure on every host and port can be grouped."""
    return _IP.sub("<host>", _HOST_PORT.sub("<host>", _URL.sub("<url>", reason)))
