"""riac-scraper: russiancouncil.ru as research datasets."""

from riac_scraper.api import extract

__all__ = ["extract"]
