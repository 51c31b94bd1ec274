"""riac-scraper: russiancouncil.ru as research datasets."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("riac-scraper")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

from riac_scraper.api import extract

__all__ = ["__version__", "extract"]
