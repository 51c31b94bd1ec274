# storage: keeps what outlives a run: the datasets, the WARC archive, the crawl journal, the output folder's lock.
# May import only the top level's site, urls and items; never pages/, pipelines/, crawl/, api, cli or devtools/.
"""The storage stage.

- ``records``: the datasets' schemas and how an item becomes rows;
- ``store``: staged rows and the commit that merges them into the datasets;
- ``derived``: ``authors``, ``article_versions`` and poll groups, made from the articles at the commit;
- ``tally``: the account of what a crawl staged, for its report;
- ``archive``: every received page as WARC records;
- ``journal``: which pages a crawl asked for and finished, for a resume after a kill;
- ``outputdir``: the output folder, its lock and its writability.
"""
