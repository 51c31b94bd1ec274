"""The datasets' schemas, and the rows that items become.

Each dataset is partitioned by ``lang=`` (a directory level, not a column in
the files), so every schema here lacks ``lang``; readers get it back from the
path.  Every field carries a ``description`` in its Parquet metadata; the
same text is DATASET.md's column list (a test keeps them together).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from typing import Any

import pyarrow as pa

from riac_scraper.items import Article, CrawlFailure, PollSnapshot
from riac_scraper.urls import stable_id, url_lang

TIMESTAMP = pa.timestamp("us", tz="UTC")
DATE = pa.timestamp("ms")  # a calendar date, as midnight: pandas reads it as datetime64, so .dt works


def _field(name: str, kind: pa.DataType, description: str) -> pa.Field:
    return pa.field(name, kind).with_metadata({"description": description})


AUTHOR = pa.struct(
    [
        _field("author_id", pa.string(), "the author's id in `authors` (per language)"),
        _field("name", pa.string(), "the name as printed"),
        _field("bio", pa.string(), "the bio printed under the name on this page"),
        _field("url", pa.string(), "the author's profile page"),
    ]
)

SITE_LINE = pa.struct(
    [
        _field("field", pa.string(), "body (a paragraph), bio (an author's) or warning (one about a removed lead)"),
        _field("position", pa.int32(), "where it stood: the paragraph's, the author's or the warning's index"),
        _field("text", pa.string(), "the line"),
    ]
)

_ARTICLE_FIELDS = [
    _field("article_id", pa.string(), "stable id: the first 16 hex digits of SHA-256 of `url`"),
    _field("url", pa.string(), "the canonical URL on russiancouncil.ru"),
    _field(
        "detected_lang",
        pa.string(),
        "the language of the title and lead: the URL's where the page's html lang and the text's script agree with it, "
        "langdetect's reading otherwise",
    ),
    _field("section", pa.string(), "analytics, comments, interview, news, blogs, columns or longreads"),
    _field("title", pa.string(), "the title"),
    _field("lead", pa.string(), "the lead (announce), also the first paragraph of `body`"),
    _field("body", pa.string(), "the text: paragraphs joined by a blank line, the lead first, each once"),
    _field("word_count", pa.int32(), "words in `body`"),
    _field("authors", pa.list_(AUTHOR), "the authors in page order; empty for news"),
    _field("published", DATE, "the publication date (midnight; no time of day is known)"),
    _field("tags", pa.list_(pa.string()), "Type: labels, tag links and article:tag metadata"),
    _field("regions", pa.list_(pa.string()), "Region: labels"),
    _field("rating_value", pa.float64(), "the average rating, 1 to 5; null with no votes or no rating block"),
    _field("rating_votes", pa.int32(), "votes cast; 0 for 'no votes'; null without a rating block"),
    _field("translation_url", pa.string(), "the other-language version"),
    _field("poll_ids", pa.list_(pa.string()), "the polls shown on the page, site-wide ones included"),
    _field(
        "content_hash",
        pa.string(),
        "SHA-256 of title and body as read from the page (site text included): a new value is a new version",
    ),
    _field("fallback_fields", pa.list_(pa.string()), "fields answered by metadata or a last-resort library"),
    _field(
        "suspect_fields",
        pa.list_(pa.string()),
        "fields whose value a check contradicts: the page's other witnesses, or the site's text (why: in warnings); "
        "null in older rows",
    ),
    _field("warnings", pa.list_(pa.string()), "values that could not be read, and why (they are null)"),
    _field(
        "site_text",
        pa.list_(SITE_LINE),
        "lines taken out of lead, body and bios as the site's own text (they recur on many pages; see DATASET.md)",
    ),
    _field("fetched_at", TIMESTAMP, "when the stored version was fetched"),
    _field("first_seen", TIMESTAMP, "the first crawl that saw the article"),
    _field("last_seen", TIMESTAMP, "the latest crawl that saw the article"),
    _field("listing_hash", pa.string(), "a hash of the article's listing entry, for incremental crawls"),
    _field("etag", pa.string(), "the HTTP ETag of the stored fetch"),
    _field("last_modified", pa.string(), "the HTTP Last-Modified of the stored fetch"),
    _field("warc_file", pa.string(), "the archive file holding the page as received"),
    _field("warc_offset", pa.int64(), "the offset of the page's response record in `warc_file`"),
    _field(
        "crawl_id",
        pa.string(),
        "the crawl that fetched the stored version (re-extracted: the crawl its archive names, else the re-extraction)",
    ),
    _field(
        "found_by",
        pa.list_(pa.string()),
        "the sources that found the article in that crawl: listings, sitemap, feeds, links, tags "
        "(a re-extraction reads them from the archive); null in rows older than the column",
    ),
]
ARTICLES = pa.schema(_ARTICLE_FIELDS)
# Every distinct version of an article: the article row of the version (less
# the listing state), with when that version was first and last seen.
_VERSION_FIELDS = {
    "first_seen": _field("first_seen", TIMESTAMP, "when this version was first fetched"),
    "last_seen": _field("last_seen", TIMESTAMP, "the latest crawl that saw this version"),
    "crawl_id": _field("crawl_id", pa.string(), "the crawl that first fetched this version"),
}
ARTICLE_VERSIONS = pa.schema(
    [_VERSION_FIELDS.get(f.name, f) for f in _ARTICLE_FIELDS if f.name not in ("listing_hash", "found_by")]
)
POLLS = pa.schema(
    [
        _field("poll_id", pa.string(), "stable id of the poll: language and question"),
        _field("poll_group", pa.string(), "shared by a poll and its other-language version (see DATASET.md)"),
        _field("question", pa.string(), "the question"),
        _field("option_id", pa.string(), "stable id of the option: poll and option label (position when unlabeled)"),
        _field("option_index", pa.int32(), "the option's position, from 0"),
        _field("option", pa.string(), "the option's label; null when the site shows none"),
        _field("votes", pa.int32(), "votes for the option"),
        _field("percent", pa.float64(), "the option's share as printed, 0 to 100"),
        _field("total_votes", pa.int32(), "votes for all options of the poll"),
        _field("observed_at", TIMESTAMP, "when this snapshot was read"),
        _field("source_url", pa.string(), "the page it was read from"),
        _field("crawl_id", pa.string(), "the crawl that took the snapshot (one snapshot per poll per crawl)"),
    ]
)
AUTHORS = pa.schema(
    [
        _field("author_id", pa.string(), "stable id of the name in this language"),
        _field("person_id", pa.string(), "stable id of the person, shared by the English and Russian entries"),
        _field("name", pa.string(), "the name as printed"),
        _field("bio", pa.string(), "the bio of the most recently fetched article"),
        _field("url", pa.string(), "the profile page"),
        _field("article_count", pa.int32(), "articles in this language that name the author"),
    ]
)
FAILURES = pa.schema(
    [
        _field("url", pa.string(), "the page that gave no article"),
        _field("stage", pa.string(), "download, parse, extract, validate, store, or archive (a damaged WARC record)"),
        _field("reason", pa.string(), "why, without host or port: HTTP 404, missing title, ..."),
        _field("at", TIMESTAMP, "when"),
        _field("crawl_id", pa.string(), "the crawl"),
    ]
)


def _nullable_ints_for_pandas(schema: pa.Schema) -> pa.Schema:
    """Tell pandas to read integer columns as nullable Int dtypes, so that a
    null vote count stays an integer column instead of turning into float64."""
    columns = [
        {
            "name": f.name,
            "field_name": f.name,
            "pandas_type": str(f.type),
            "numpy_type": str(f.type).capitalize(),
            "metadata": None,
        }
        for f in schema
        if pa.types.is_integer(f.type)
    ]
    meta = {"index_columns": [], "column_indexes": [], "columns": columns}
    return schema.with_metadata({b"pandas": json.dumps(meta).encode()})


ARTICLES, ARTICLE_VERSIONS, POLLS, AUTHORS, FAILURES = map(
    _nullable_ints_for_pandas, (ARTICLES, ARTICLE_VERSIONS, POLLS, AUTHORS, FAILURES)
)
# Article columns that describe the crawl, not the page: extract() of a saved
# page cannot know them.
CRAWL_STATE_COLUMNS = (
    "fetched_at",
    "first_seen",
    "last_seen",
    "listing_hash",
    "etag",
    "last_modified",
    "warc_file",
    "warc_offset",
    "crawl_id",
    "found_by",
)
SCHEMAS = {
    "articles": ARTICLES,
    "article_versions": ARTICLE_VERSIONS,
    "polls": POLLS,
    "authors": AUTHORS,
    "failures": FAILURES,
}


def article_id(url: str) -> str:
    return stable_id(url)


def author_id(lang: str, name: str) -> str:
    return stable_id(lang, " ".join(name.casefold().split()))


def content_hash(article: Article) -> str:
    text = "\n".join([article.title or "", article.body])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def option_id(poll_id: str, label: str | None, index: int) -> str:
    """A poll option's id: its label's, so that a reordering keeps it; its position when it has none."""
    key = " ".join(unicodedata.normalize("NFKC", label).casefold().split()) if label else f"#{index}"
    return stable_id(poll_id, key)


def article_row(article: Article, crawl_id: str = "") -> dict[str, Any]:
    """The stored row of an article (plus ``lang``, its partition)."""
    published = dt.datetime.combine(article.published, dt.time()) if article.published else None
    return {
        "article_id": article_id(article.url),
        "url": article.url,
        "lang": article.lang,
        "detected_lang": article.detected_lang,
        "section": article.section,
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "word_count": len(article.body.split()),
        "authors": [
            {"author_id": author_id(article.lang, a.name), "name": a.name, "bio": a.bio, "url": a.url}
            for a in article.authors
        ],
        "published": published,
        "tags": list(article.tags),
        "regions": list(article.regions),
        "rating_value": article.rating_value,
        "rating_votes": article.rating_votes,
        "translation_url": article.translation_url,
        "poll_ids": article.poll_ids,
        "content_hash": content_hash(article),
        "fallback_fields": list(article.fallback_fields),
        "suspect_fields": list(article.suspect_fields),
        "warnings": list(article.warnings),
        "site_text": [],  # filled when the crawl is committed (storage/sitetext.py)
        "fetched_at": article.fetched_at,
        "first_seen": article.fetched_at,  # the store keeps the earliest across crawls
        "last_seen": article.fetched_at,
        "listing_hash": article.listing_hash,
        "etag": article.etag,
        "last_modified": article.last_modified,
        "warc_file": article.warc_file,
        "warc_offset": article.warc_offset,
        "crawl_id": crawl_id,
        "found_by": list(article.found_by),
    }


def poll_rows(poll: PollSnapshot, crawl_id: str) -> list[dict[str, Any]]:
    """The rows of a poll snapshot; ``poll_group`` is set when the crawl is committed."""
    total = poll.total_votes  # a sum over the options: taken once, not once per option
    return [
        {
            "poll_id": poll.poll_id,
            "poll_group": None,
            "lang": poll.lang,
            "question": poll.question,
            "option_id": option_id(poll.poll_id, option.option, index),
            "option_index": index,
            "option": option.option,
            "votes": option.votes,
            "percent": option.percent,
            "total_votes": total,
            "observed_at": poll.observed_at,
            "source_url": poll.source_url,
            "crawl_id": crawl_id,
        }
        for index, option in enumerate(poll.options)
    ]


def failure_row(failure: CrawlFailure, crawl_id: str) -> dict[str, Any]:
    return {
        "url": failure.url,
        "lang": url_lang(failure.url),
        "stage": failure.stage,
        "reason": failure.reason,
        "at": failure.at,
        "crawl_id": crawl_id,
    }
