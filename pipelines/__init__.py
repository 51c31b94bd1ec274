# pipelines: cleans the spider's items (normalize, validate, dedupe) and hands them to storage (parquet).
# May import storage/ and the top level's site, urls and items; never pages/, crawl/, api, cli or devtools/.
"""Item pipelines, one concern each, in this order (see ITEM_PIPELINES):

1. ``normalize.NormalizePipeline`` (100): Unicode NFC, whitespace collapsed,
   no stray non-breaking or zero-width spaces, in every text field.
2. ``validate.ValidatePipeline`` (200): an article without URL, title or body
   becomes a failure record (stage ``validate``) instead of vanishing; counts
   missing fields, warnings and language mismatches in the crawl stats.
3. ``dedupe.DedupePipeline`` (300): one article per canonical URL in a crawl
   (polls: see its module docstring).
4. ``parquet.ParquetPipeline`` (900): stages rows and commits the datasets
   when the crawl closes.

Items are ``Article``, ``PollSnapshot``, ``ArticleSeen``, ``CrawlFailure``
and ``PageDone`` from ``riac_scraper.items``; each pipeline passes on the
kinds it does not handle.
"""
