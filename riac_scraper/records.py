"""The datasets' schemas, and the rows that items become.

Each dataset is partitioned by ``lang=`` (a directory level, not a column in
the files), so every schema here lacks ``lang``; readers get it back from the
path.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pyarrow as pa

from riac_scraper.items import Article, CrawlFailure, PollSnapshot
from riac_scraper.urls import stable_id, url_lang

TIMESTAMP = pa.timestamp("us", tz="UTC")
AUTHOR = pa.struct([("name", pa.string()), ("bio", pa.string()), ("url", pa.string())])

ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("detected_lang", pa.string()),
        ("section", pa.string()),
        ("title", pa.string()),
        ("lead", pa.string()),
        ("body", pa.string()),
        ("word_count", pa.int32()),
        ("authors", pa.list_(AUTHOR)),
        ("published", pa.date32()),
        ("tags", pa.list_(pa.string())),
        ("regions", pa.list_(pa.string())),
        ("rating_value", pa.float64()),
        ("rating_votes", pa.int32()),
        ("translation_url", pa.string()),
        ("poll_ids", pa.list_(pa.string())),
        ("content_hash", pa.string()),
        ("fallback_fields", pa.list_(pa.string())),
        ("warnings", pa.list_(pa.string())),
        ("fetched_at", TIMESTAMP),
        ("first_seen", TIMESTAMP),
        ("last_seen", TIMESTAMP),
        ("listing_hash", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("warc_file", pa.string()),
        ("warc_offset", pa.int64()),
    ]
)
POLLS = pa.schema(
    [
        ("poll_id", pa.string()),
        ("question", pa.string()),
        ("option_index", pa.int32()),
        ("option", pa.string()),
        ("votes", pa.int32()),
        ("percent", pa.float64()),
        ("total_votes", pa.int32()),
        ("observed_at", TIMESTAMP),
        ("source_url", pa.string()),
        ("crawl_id", pa.string()),
    ]
)
AUTHORS = pa.schema(
    [
        ("author_id", pa.string()),
        ("name", pa.string()),
        ("bio", pa.string()),
        ("url", pa.string()),
        ("article_count", pa.int32()),
    ]
)
FAILURES = pa.schema(
    [
        ("url", pa.string()),
        ("stage", pa.string()),
        ("reason", pa.string()),
        ("at", TIMESTAMP),
        ("crawl_id", pa.string()),
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


ARTICLES, POLLS, AUTHORS, FAILURES = map(_nullable_ints_for_pandas, (ARTICLES, POLLS, AUTHORS, FAILURES))
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
)
SCHEMAS = {"articles": ARTICLES, "polls": POLLS, "authors": AUTHORS, "failures": FAILURES}


def article_id(url: str) -> str:
    return stable_id(url)


def author_id(lang: str, name: str) -> str:
    return stable_id(lang, " ".join(name.casefold().split()))


def content_hash(article: Article) -> str:
    text = "\n".join([article.title or "", article.body])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_row(article: Article) -> dict[str, Any]:
    """The stored row of an article (plus ``lang``, its partition)."""
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
        "authors": [{"name": a.name, "bio": a.bio, "url": a.url} for a in article.authors],
        "published": article.published,
        "tags": list(article.tags),
        "regions": list(article.regions),
        "rating_value": article.rating_value,
        "rating_votes": article.rating_votes,
        "translation_url": article.translation_url,
        "poll_ids": article.poll_ids,
        "content_hash": content_hash(article),
        "fallback_fields": list(article.fallback_fields),
        "warnings": list(article.warnings),
        "fetched_at": article.fetched_at,
        "first_seen": article.fetched_at,  # the store keeps the earliest across crawls
        "last_seen": article.fetched_at,
        "listing_hash": article.listing_hash,
        "etag": article.etag,
        "last_modified": article.last_modified,
        "warc_file": article.warc_file,
        "warc_offset": article.warc_offset,
    }


def poll_rows(poll: PollSnapshot, crawl_id: str) -> list[dict[str, Any]]:
    return [
        {
            "poll_id": poll.poll_id,
            "lang": poll.lang,
            "question": poll.question,
            "option_index": index,
            "option": option.option,
            "votes": option.votes,
            "percent": option.percent,
            "total_votes": poll.total_votes,
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
