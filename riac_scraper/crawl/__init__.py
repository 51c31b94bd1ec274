# crawl: fetches the site (spider, middlewares), reports on the crawl (monitor, progress), sets it up (commands).
# May import pages/, storage/ and the top level's site, urls, items, settings; never pipelines/, api, cli, devtools/.
"""The crawl stage: what is fetched, in what order, and whether the crawl passed.

- ``spider``: ``RiacSpider``, sections, listings and articles, and the journal's resume;
- ``probe``: what ``riac probe`` prints and when it fails;
- ``discovery``: the sources of article URLs (listings, sitemaps, feeds, links, tags) and their account;
- ``middlewares``: robots.txt, the host boundary, Retry-After;
- ``monitor``: the crawl report and its verdict, with ``thresholds`` (the settings it judges by);
- ``progress``: the progress line or bar;
- ``commands``: the ``scrapy crawl`` command, with the checks made before the first request.
"""
