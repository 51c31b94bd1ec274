"""The public entries of extraction; the work is done by the page objects of
``riac_scraper.pages``."""

from riac_scraper.pages.article import ArticlePage, parse_article
from riac_scraper.pages.listing import ListingPage, listing_entries
from riac_scraper.pages.polls import parse_polls

__all__ = ["ArticlePage", "ListingPage", "listing_entries", "parse_article", "parse_polls"]
