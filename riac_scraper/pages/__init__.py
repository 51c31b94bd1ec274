"""Page objects: what a page of the site says, one method per field.

- ``reading``: the reading model, a page as the lines a browser shows;
- ``cues``: how the site's visible labels and patterns are recognised in lines;
- ``article``: ``ArticlePage``, one method per article field;
- ``listing``: ``ListingPage``, the articles, polls and further pages a listing shows.
"""
