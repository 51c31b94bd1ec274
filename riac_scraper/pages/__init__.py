# pages: reads what a fetched page says, with one home for each field's extraction.
# May import only the top level's site, urls and items; never storage/, pipelines/, crawl/, api, cli or devtools/.
"""Page objects: what a page of the site says, one method per field.

- ``reading``: the reading model, a page as the lines a browser shows;
- ``cues``: how the site's visible labels and patterns are recognised in lines;
- ``article``: ``ArticlePage``, one method per article field;
- ``listing``: ``ListingPage``, the articles, polls and further pages a listing shows;
- ``polls``: the poll tables a page shows;
- ``metadata``: ``<title>``, ``og:*``, JSON-LD and microdata;
- ``language``: the language check (langdetect, seeded);
- ``values``: the numbers and dates printed on the site;
- ``fetched``: what one fetched page's bytes, status and headers yield.
"""
